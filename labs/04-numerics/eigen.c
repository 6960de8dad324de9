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
#include <gsl/gsl_vector.h>
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

/* The finite-difference step for coordinate xj: small against |xj| and 1. */
static double fd_step(double xj) { return 1e-5 * fmax(1.0, fabs(xj)); }

/* Task 4.2, on work space allocated by the caller (n = J->size1): J (n, n), the
 * point xh and the field's values vp, vm (n each), GSL's eigenvalues eval and
 * workspace ws, e (n). Fills re[0..n) and im[0..n); returns GSL_SUCCESS,
 * GSL_EFAILED when the field fails, or the status of the GSL call that failed. */
static int eigen_sorted(lab04_field field, void *ctx, const double *x, gsl_matrix *J, gsl_vector *xh,
                        gsl_vector *vp, gsl_vector *vm, gsl_vector_complex *eval, gsl_eigen_nonsymm_workspace *ws,
                        lab04_eig *e, double *re, double *im)
{
    size_t n = J->size1;
    /* BEGIN SOLUTION Task 4.2 */
    /* Column j of J is dv/dx_j ~ (v(x + h e_j) - v(x - h e_j)) / 2h: error O(h^2)
     * against rounding O(eps |v| / h), about 1e-10 with fd_step's h. The width is
     * the difference of the two points actually evaluated, so that x_j + h
     * rounding does not bias it. */
    for (size_t j = 0; j < n; j++) {
        double h = fd_step(x[j]), hi = x[j] + h, lo = x[j] - h;
        for (size_t i = 0; i < n; i++)
            gsl_vector_set(xh, i, x[i]);
        gsl_vector_set(xh, j, hi);
        if (field(xh->data, vp->data, ctx) != 0)
            return GSL_EFAILED;
        gsl_vector_set(xh, j, lo);
        if (field(xh->data, vm->data, ctx) != 0)
            return GSL_EFAILED;
        gsl_vector_sub(vp, vm); /* v(x + h e_j) - v(x - h e_j) */
        gsl_vector_scale(vp, 1.0 / (hi - lo));
        gsl_matrix_set_col(J, j, vp);
    }
    /* the Jacobian is not symmetric in a game: the general (Francis QR) solver */
    int status = gsl_eigen_nonsymm(J, eval, ws);
    if (status != GSL_SUCCESS)
        return status;
    for (size_t i = 0; i < n; i++) {
        gsl_complex z = gsl_vector_complex_get(eval, i);
        e[i] = (lab04_eig){ GSL_REAL(z), GSL_IMAG(z) };
    }
    qsort(e, n, sizeof *e, by_real_then_imag);
    for (size_t i = 0; i < n; i++) {
        re[i] = e[i].re;
        im[i] = e[i].im;
    }
    return GSL_SUCCESS;
    /* END SOLUTION */
    /* STUB (void)field; (void)ctx; (void)x; (void)n; (void)xh; (void)vp; (void)vm; (void)eval; (void)ws; (void)e; (void)re; (void)im; (void)by_real_then_imag; (void)fd_step; lg_todo_value("Task 4.2"); return GSL_EUNIMPL; */
}
/* END REGION */

/* Task 4.2: the eigenvalues of J = v'(x) (n >= 1), J by centred finite
 * differences of field, in re[0..n) and im[0..n), sorted as above. Returns 0;
 * non-zero (GSL's status, or GSL_EFAILED when the field fails) when they cannot
 * be had, re and im then undefined. The work space is allocated here (given),
 * the computation is eigen_sorted's. */
int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im)
{
    gsl_matrix *J = gsl_matrix_alloc(n, n);
    gsl_vector *xh = gsl_vector_alloc(n), *vp = gsl_vector_alloc(n), *vm = gsl_vector_alloc(n);
    gsl_vector_complex *eval = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(n);
    lab04_eig *e = malloc(n * sizeof *e);
    int status = GSL_ENOMEM;
    if (J && xh && vp && vm && eval && ws && e)
        status = eigen_sorted(field, ctx, x, J, xh, vp, vm, eval, ws, e, re, im);
    free(e); /* GSL's free functions accept NULL */
    gsl_eigen_nonsymm_free(ws);
    gsl_vector_complex_free(eval);
    gsl_vector_free(vm);
    gsl_vector_free(vp);
    gsl_vector_free(xh);
    gsl_matrix_free(J);
    return status;
}

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
