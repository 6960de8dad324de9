/*
 * lab02.h - what Lab 02's grade.c, grade_hidden.c, refs.c and experiment.c
 * share (not student code: the student's files are nsgan.c and gradients.c).
 * The probes and the lab kit are the course library's (litgan/course.h).
 */
#ifndef LG_LAB02_H
#define LG_LAB02_H

#include "litgan/course.h"

/* The student's functions in gradients.c, looked up by name. */
typedef double (*lg_lab02_grad_fn)(double d);

/* The input of the computation "grads" (child.c): values of D(G(z)); it
 * returns both magnitudes at each (minimax first, then non-saturating). */
#define LG_LAB02_GRAD_MAX 64
typedef struct lg_lab02_grad_arg {
    size_t n;
    double d[LG_LAB02_GRAD_MAX];
} lg_lab02_grad_arg;

/* The non-saturating generator loss and its logit derivatives (refs.c). */
double lg_lab02_ns_loss_ref(const lg_probe *pr, double *cr, double *cf);

/* `litgan lab 02` (experiment.c) */
int lg_lab02_experiment(const lg_lab_run *run);

#endif
