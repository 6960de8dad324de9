/*
 * w1.c (correct alternative "cdf-integral") - Lab 03, Task 3.3: the Wasserstein-1 distance where it has a closed form.
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
    /* W1 = integral of |F_x(t) - F_y(t)| dt: walk the merged sorted values and add the
     * gap between the two empirical CDFs times the length of each step */
    if (n == 0)
        return NAN;
    double *a = malloc(2 * n * sizeof *a);
    if (!a)
        return NAN;
    double *b = a + n;
    memcpy(a, x, n * sizeof *a);
    memcpy(b, y, n * sizeof *b);
    qsort(a, n, sizeof *a, cmp_double);
    qsort(b, n, sizeof *b, cmp_double);
    size_t i = 0, j = 0;
    double area = 0, last = a[0] < b[0] ? a[0] : b[0];
    while (i < n || j < n) {
        double next = j >= n || (i < n && a[i] <= b[j]) ? a[i] : b[j];
        area += fabs((double)i - (double)j) * (next - last);
        last = next;
        if (j >= n || (i < n && a[i] <= b[j]))
            i++;
        else
            j++;
    }
    free(a);
    return area / (double)n;
}
/* END REGION */

/* REGION lines */
/* Task 3.3: W1(P_0, P_theta). */
double lab03_w1_lines(double theta)
{
    return fmax(theta, -theta);
}

/* Task 3.3: JS(P_0, P_theta) = 1/2 KL(P_0 || M) + 1/2 KL(P_theta || M), M the mixture. */
double lab03_js_lines(double theta)
{
    return theta == 0.0 ? 0.0 : log(2.0);
}
/* END REGION */
