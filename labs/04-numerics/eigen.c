/*
 * eigen.c - Lab 04, Tasks 4.2 and 4.4: the eigenvalues of a game's Jacobian at a
 * point, and the largest step size that keeps the linearised iteration stable
 * (Mescheder, Nowozin & Geiger 2017, Sec. 3).
 *
 * A game's vector field v: R^n -> R^n (litgan's convention: v stacks the
 * gradients of the losses each player minimises, and simultaneous descent is
 * x <- x - h v(x)) is given as a function. Near a stationary point x* (v(x*) = 0)
 * the iteration is x - x* <- (I - h J)(x - x*) to first order, J = v'(x*): it
 * converges for small h exactly when every eigenvalue mu of J has Re mu > 0.
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 * so it may use litgan.h and GSL (no other file of this folder).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include "litgan.h"

/* A vector field: v(x) into v, x and v of the same length n; 0, or non-zero
 * when it cannot be evaluated at x. ctx holds its parameters. */
typedef int (*lab04_field)(const double *x, double *v, void *ctx);

int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im);
double lab04_max_step(size_t n, const double *re, const double *im);

/* REGION eigen */
/* One eigenvalue, for sorting. */
typedef struct lab04_eig {
    double re, im;
} lab04_eig;

/* The lab's order: decreasing real part; a conjugate pair (whose real parts
 * GSL returns equal) with the positive imaginary part first. */
static int by_real_then_imag(const void *pa, const void *pb)
{
    const lab04_eig *a = pa, *b = pb;
    if (a->re != b->re)
        return a->re < b->re ? 1 : -1;
    return (a->im < b->im) - (a->im > b->im);
}

/* Task 4.2: the eigenvalues of J = v'(x) (n >= 1), J by centred finite
 * differences of field, in re[0..n) and im[0..n), sorted as above. Returns 0;
 * non-zero (GSL's status, or GSL_EFAILED when the field fails) when they cannot
 * be had, re and im then undefined. */
int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im)
{
    /* BEGIN SOLUTION Task 4.2 */
    /* Column j of J is dv/dx_j ~ (v(x + h e_j) - v(x - h e_j)) / 2h: error O(h^2 v''')
     * against rounding O(eps |v| / h); h = 1e-5 max(1, |x_j|) balances the two
     * (about 1e-10). The step is taken as the difference of the two points
     * actually evaluated, so that x_j + h rounding does not bias it. */
    int status = GSL_ENOMEM;
    gsl_matrix *J = gsl_matrix_alloc(n, n);
    gsl_vector_complex *eval = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(n);
    double *xp = malloc(3 * n * sizeof(double)), *vp = xp + n, *vm = xp + 2 * n;
    lab04_eig *e = malloc(n * sizeof *e);
    if (J && eval && ws && xp && e) {
        status = GSL_SUCCESS;
        memcpy(xp, x, n * sizeof(double));
        for (size_t j = 0; j < n && status == GSL_SUCCESS; j++) {
            double h = 1e-5 * fmax(1.0, fabs(x[j]));
            double hi = x[j] + h, lo = x[j] - h;
            xp[j] = hi;
            if (field(xp, vp, ctx) != 0)
                status = GSL_EFAILED;
            xp[j] = lo;
            if (status == GSL_SUCCESS && field(xp, vm, ctx) != 0)
                status = GSL_EFAILED;
            xp[j] = x[j];
            for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
                gsl_matrix_set(J, i, j, (vp[i] - vm[i]) / (hi - lo));
        }
        /* the Jacobian is not symmetric in a game: the general (Francis QR) solver */
        if (status == GSL_SUCCESS)
            status = gsl_eigen_nonsymm(J, eval, ws);
        if (status == GSL_SUCCESS) {
            for (size_t i = 0; i < n; i++) {
                gsl_complex z = gsl_vector_complex_get(eval, i);
                e[i] = (lab04_eig){ GSL_REAL(z), GSL_IMAG(z) };
            }
            qsort(e, n, sizeof *e, by_real_then_imag);
            for (size_t i = 0; i < n; i++) {
                re[i] = e[i].re;
                im[i] = e[i].im;
            }
        }
    }
    free(e);
    free(xp);
    gsl_eigen_nonsymm_free(ws); /* GSL's free functions accept NULL */
    gsl_vector_complex_free(eval);
    gsl_matrix_free(J);
    return status;
    /* END SOLUTION */
    /* STUB (void)field; (void)ctx; (void)x; (void)re; (void)im; (void)n; (void)by_real_then_imag; lg_todo_value("Task 4.2"); return -1; */
}
/* END REGION */

/* REGION max_step */
/* Task 4.4: the largest step size h for which x <- x - h M x converges, from the
 * eigenvalues mu_k = re[k] + i im[k] of M (k < n): the supremum of the h > 0
 * with |1 - h mu_k| < 1 for every k, and 0 when no h > 0 is stable. */
double lab04_max_step(size_t n, const double *re, const double *im)
{
    /* BEGIN SOLUTION Task 4.4 */
    /* |1 - h mu|^2 = 1 - 2 h Re mu + h^2 |mu|^2 < 1  <=>  h < 2 Re mu / |mu|^2 (h > 0);
     * with Re mu <= 0 no h > 0 satisfies it (a purely imaginary mu gives
     * |1 - h mu| = sqrt(1 + h^2 |mu|^2) > 1: the spiral out of Question 1). */
    double best = INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (!(re[k] > 0))
            return 0;
        double h = 2.0 * re[k] / (re[k] * re[k] + im[k] * im[k]);
        if (h < best)
            best = h;
    }
    return best;
    /* END SOLUTION */
    /* STUB (void)n; (void)re; (void)im; return lg_todo_value("Task 4.4"); */
}
/* END REGION */
