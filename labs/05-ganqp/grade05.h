/*
 * grade05.h - the checks that Lab 05's visible (grade.c) and hidden
 * (grade_hidden.c) tests share (checks.c): each runs one computation in the
 * sandbox, computes the expected values in the grading process (refs.c), and
 * when a value is wrong names the mistake it matches.
 */
#ifndef LG_GRADE05_H
#define LG_GRADE05_H

#include "lab05.h"

/* Task 5.1: the student's distance alone on a's pairs: its shape, its B values
 * (want, or NULL: refs.c's), and the gradient of sum_i (i + 1) d_i with
 * respect to G's parameters against centred differences. */
void lab05_check_dist(const lg_lab05_game_arg *a, const char *in, const double *want);
/* Task 5.2: a->player's objective and its gradient with respect to that
 * player's parameters, against refs.c (formula; centred differences). */
void lab05_check_loss(const lg_lab05_game_arg *a, const char *in);
/* Task 5.3: q, Delta*, q(Delta*) for each triple of a. */
void lab05_check_closed(const lg_lab05_closed_arg *a, const char *in, const double *q, const double *gap,
                        const double *val);
/* Task 5.3: the generator's gradient at the optimal critic (want, or NULL:
 * centred differences of lambda d(x_r, x_f) in x_f) and its norm (NaN: the
 * function must report no answer), and the inputs as the call left them. */
void lab05_check_grad(const lg_lab05_grad_arg *a, const char *in, const double *want, double norm);

#endif
