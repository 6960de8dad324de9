/*
 * lab02.h - what Lab 02's grade.c, grade_hidden.c and experiment.c share. Lab 02
 * builds on Lab 01: its probes and closed forms (the experiment helpers are the
 * lab kit's, core/src/lg_lab.h).
 */
#ifndef LG_LAB02_H
#define LG_LAB02_H

#include "../01-minimax/lab01.h"

/* The student's functions in gradients.c, looked up by name. */
typedef double (*lg_lab02_grad_fn)(double d);

/* The non-saturating generator loss and its logit derivatives (grade.c). */
double lg_lab02_ns_loss_ref(const lg_probe *pr, double *cr, double *cf);

/* `litgan lab 02` (experiment.c) */
int lg_lab02_experiment(const lg_lab *lab, const char *ini_path, const char *out_dir);

#endif
