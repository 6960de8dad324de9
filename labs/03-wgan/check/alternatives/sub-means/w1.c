/*
 * w1.c (correct alternative "sub-means") - Lab 03, Task 3.3: the Wasserstein-1 distance where it has a closed form.
 *
 * On the line, the optimal transport plan between two samples of the same size n
 * matches them in sorted order (the i-th smallest of one to the i-th smallest of
 * the other: a plan that crosses two arrows can be uncrossed without costing
 * more), so
 *
 *   W1(x, y) = (1/n) sum_i |x_(i) - y_(i)|       x_(i), y_(i) the sorted values.
 *
 * The two parallel lines of Arjovsky, Chintala & Bottou 2017 (Example 1): Z ~ U[0, 1],
 * P_0 the law of (0, Z), P_theta the law of (theta, Z). Their W1 and their
 * Jensen-Shannon divergence (natural log) in closed form, for any real theta.
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "litgan.h"

double lab03_w1_sorted(const double *x, const double *y, size_t n);
double lab03_w1_lines(double theta);
double lab03_js_lines(double theta);

/* qsort's order for doubles, ascending (given: not part of the task). */
static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* REGION w1_sorted */
/* Task 3.3: W1 between the empirical distributions of x[0..n) and y[0..n), by
 * sorting. x and y are left as they are. NaN when n = 0 (no distribution) or
 * when memory runs out. */
double lab03_w1_sorted(const double *x, const double *y, size_t n)
{
    double *xs = malloc(n * sizeof(double) + 1), *ys = malloc(n * sizeof(double) + 1);
    if (xs == NULL || ys == NULL) {
        free(xs);
        free(ys);
        return NAN;
    }
    for (size_t k = 0; k < n; k++) {
        xs[k] = x[k];
        ys[k] = y[k];
    }
    qsort(xs, n, sizeof(double), cmp_double);
    qsort(ys, n, sizeof(double), cmp_double);
    double total = 0.0;
    for (size_t k = 0; k < n; k++)
        total += xs[k] > ys[k] ? xs[k] - ys[k] : ys[k] - xs[k];
    free(xs);
    free(ys);
    return n == 0 ? NAN : total / (double)n;
}
/* END REGION */

/* REGION lines */
/* Task 3.3: W1(P_0, P_theta). */
double lab03_w1_lines(double theta)
{
    return theta < 0 ? -theta : theta;
}

/* Task 3.3: JS(P_0, P_theta) = 1/2 KL(P_0 || M) + 1/2 KL(P_theta || M), M the mixture. */
double lab03_js_lines(double theta)
{
    if (theta == 0)
        return 0;
    return 0.5 * log(4.0);
}
/* END REGION */
