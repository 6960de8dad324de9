/*
 * divergences.c - what two of the course's losses minimise, computed exactly
 * for distributions on finitely many points. Lab 07, Task 7.2.
 *
 * p is the data's distribution, q the generator's, both on the same n points
 * (p[i] >= 0, q[i] >= 0, each summing to 1). Where a point has probability 0
 * under one of them, the limits hold: 0 log 0 = 0, and a point where p + q = 0
 * contributes nothing.
 */
#include "litgan.h"

#include <math.h>
#include <stddef.h>

/* REGION js */
/* The Jensen-Shannon divergence (natural log): with m = (p + q) / 2,
 *   JS(p, q) = 1/2 sum p log(p / m) + 1/2 sum q log(q / m),
 * what the minimax GAN's generator minimises against the optimal D
 * (C(G) = -log 4 + 2 JS, Lab 01). */
double lab07_js(const double *p, const double *q, size_t n)
{
    /* BEGIN SOLUTION Task 7.2 */
    double js = 0;
    for (size_t i = 0; i < n; i++) {
        double m = 0.5 * (p[i] + q[i]);
        if (p[i] > 0) /* 0 log 0 = 0: a point p does not charge adds nothing */
            js += 0.5 * p[i] * log(p[i] / m);
        if (q[i] > 0)
            js += 0.5 * q[i] * log(q[i] / m);
    }
    return js;
    /* END SOLUTION */
    /* STUB (void)p; (void)q; (void)n; return lg_todo_value("Task 7.2"); */
}
/* END REGION */

/* REGION lsgan */
/* LSGAN's criterion: the generator's objective against the optimal
 * discriminator D*(x) = (b p + a q) / (p + q), up to a term free of q,
 *   C(q) = 1/2 sum (p + q) (D* - c)^2 = 1/2 sum ((b - c) p + (a - c) q)^2 / (p + q);
 * with b - c = 1 and b - a = 2 it is half the Pearson chi^2 divergence of
 * p + q from 2q, 1/2 sum (p - q)^2 / (p + q). */
double lab07_lsgan_criterion(const double *p, const double *q, size_t n, double a, double b, double c)
{
    /* BEGIN SOLUTION Task 7.2 */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double mass = p[i] + q[i];
        if (mass > 0) { /* D* is undefined where neither charges: no mass, no term */
            double r = (b - c) * p[i] + (a - c) * q[i];
            sum += r * r / mass;
        }
    }
    return 0.5 * sum;
    /* END SOLUTION */
    /* STUB (void)p; (void)q; (void)n; (void)a; (void)b; (void)c; return lg_todo_value("Task 7.2"); */
}
/* END REGION */
