/*
 * template.h - what the template lab's grade.c, grade_hidden.c and experiment.c
 * share (a lab includes only the public headers: litgan/course.h).
 */
#ifndef LG_TEMPLATE_H
#define LG_TEMPLATE_H

#include "litgan/course.h"

/* The student's function in answer.c, looked up by name. */
typedef double (*template_square_fn)(double x);

/* The inputs of a test: n numbers. */
typedef struct squares_arg {
    size_t n;
    double x[8];
} squares_arg;

/* The computation "squares" (child.c; arg: a squares_arg): the student's
 * square of each. */

int template_experiment(const lg_lab_run *run);

#endif
