/*
 * optimal.c - Lab 05, Task 5.3: the critic's best answer to one pair, in closed form.
 *
 * For one pair (x_r, x_f) at distance d > 0 the critic of GAN-QP chooses the gap
 * Delta = T(x_r) - T(x_f) to maximise the quadratic potential (Su 2018, Eq. 10)
 *
 *   q(Delta) = Delta - Delta^2 / (2 lambda d),
 *
 * a concave parabola: q'(Delta) = 1 - Delta / (lambda d) = 0 gives the optimal gap
 * Delta* = lambda d, where q(Delta*) = lambda d / 2. The generator, which minimises
 * E[Delta], then descends lambda d(x_r, x_f): its gradient with respect to the fake
 * point is lambda times the gradient of the distance, whose norm does not depend on
 * how far apart the two points are.
 *
 * The distances are Task 5.1's: l1 d = (1/n) sum_j |x_r,j - x_f,j|, l2 d =
 * sqrt((1/n) sum_j (x_r,j - x_f,j)^2), for points of n coordinates. Every function
 * returns NaN when its input has no answer: lambda <= 0, d <= 0, n = 0, or a fake
 * point equal to its real partner (d = 0).
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 */
#include <math.h>
#include <stddef.h>
#include "litgan.h"

double lab05_qp_pair(double delta, double lambda, double d);
double lab05_optimal_gap(double lambda, double d);
double lab05_optimal_value(double lambda, double d);
double lab05_optimal_grad(const double *x_real, const double *x_fake, size_t n, double lambda, int l2,
                          double *grad);

/* REGION qp */
/* Task 5.3: the critic's objective on one pair, q(Delta) = Delta - Delta^2 / (2 lambda d). */
double lab05_qp_pair(double delta, double lambda, double d)
{
    /* BEGIN SOLUTION Task 5.3 */
    if (!(lambda > 0) || !(d > 0))
        return NAN;
    return delta - delta * delta / (2 * lambda * d);
    /* END SOLUTION */
    /* STUB (void)delta; (void)lambda; (void)d; return lg_todo_value("Task 5.3"); */
}

/* Task 5.3: the gap that maximises q, Delta* = argmax_Delta q(Delta). */
double lab05_optimal_gap(double lambda, double d)
{
    /* BEGIN SOLUTION Task 5.3 */
    if (!(lambda > 0) || !(d > 0))
        return NAN;
    return lambda * d; /* q'(Delta) = 1 - Delta / (lambda d) vanishes there; q'' < 0 */
    /* END SOLUTION */
    /* STUB (void)lambda; (void)d; return lg_todo_value("Task 5.3"); */
}

/* Task 5.3: the value of q at its maximum, q(Delta*). */
double lab05_optimal_value(double lambda, double d)
{
    /* BEGIN SOLUTION Task 5.3 */
    if (!(lambda > 0) || !(d > 0))
        return NAN;
    return lambda * d / 2; /* lambda d - (lambda d)^2 / (2 lambda d) */
    /* END SOLUTION */
    /* STUB (void)lambda; (void)d; return lg_todo_value("Task 5.3"); */
}
/* END REGION */

/* REGION grad */
/* Task 5.3: against the optimal critic the generator's loss for the pair is
 * lambda d(x_r, x_f). Into grad[0..n): its gradient with respect to x_fake
 * (metric l1 when l2 is 0: a coordinate where the two points agree has
 * derivative 0, as lg_abs's); return the gradient's Euclidean norm. NaN (grad
 * left as it is) when n = 0, lambda <= 0 or the two points are equal. */
double lab05_optimal_grad(const double *x_real, const double *x_fake, size_t n, double lambda, int l2,
                          double *grad)
{
    /* BEGIN SOLUTION Task 5.3 */
    if (n == 0 || !(lambda > 0))
        return NAN;
    double d = 0; /* the distance, to know whether the points differ, and l2's denominator */
    for (size_t j = 0; j < n; j++) {
        double u = x_fake[j] - x_real[j];
        d += l2 ? u * u : fabs(u);
    }
    d = l2 ? sqrt(d / (double)n) : d / (double)n;
    if (!(d > 0))
        return NAN;
    double norm2 = 0;
    for (size_t j = 0; j < n; j++) {
        double u = x_fake[j] - x_real[j];
        /* l1: d(1/n sum |u|)/du_j = sign(u_j) / n; l2: d sqrt(1/n sum u^2)/du_j = u_j / (n d) */
        double s = l2 ? u / ((double)n * d) : (double)((u > 0) - (u < 0)) / (double)n;
        grad[j] = lambda * s;
        norm2 += grad[j] * grad[j];
    }
    return sqrt(norm2);
    /* END SOLUTION */
    /* STUB (void)x_real; (void)x_fake; (void)n; (void)lambda; (void)l2; (void)grad; return lg_todo_value("Task 5.3"); */
}
/* END REGION */
