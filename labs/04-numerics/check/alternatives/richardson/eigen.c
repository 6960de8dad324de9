/*
 * Alternative (Tasks 4.2, 4.4): a fourth-order centred difference (Richardson:
 * (8 (v(x+h) - v(x-h)) - (v(x+2h) - v(x-2h))) / 12h, h = 1e-3 max(1, |x_j|)), the matrix in
 * a plain array wrapped by gsl_matrix_view_array, the eigenvalues sorted by qsort with a
 * comparator on (-re, -im); h_max written as (2 / |mu|) cos(arg mu). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include "litgan.h"

typedef int (*lab04_field)(const double *x, double *v, void *ctx);
int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im);
double lab04_max_step(size_t n, const double *re, const double *im);

typedef struct { double r, i; } ev_t;

static int cmp(const void *pa, const void *pb)
{
    const ev_t *a = pa, *b = pb;
    double ka = -a->r, kb = -b->r;
    if (ka < kb)
        return -1;
    if (ka > kb)
        return 1;
    return (b->i > a->i) - (b->i < a->i);
}

int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im)
{
    double *m = malloc(n * n * sizeof *m), *y = malloc(n * sizeof *y), *f = malloc(4 * n * sizeof *f);
    ev_t *e = malloc(n * sizeof *e);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(n);
    int rc = (m && y && f && e && ev && w) ? GSL_SUCCESS : GSL_ENOMEM;
    static const double off[4] = { 1, -1, 2, -2 };
    for (size_t j = 0; rc == GSL_SUCCESS && j < n; j++) {
        double h = 1e-3 * fmax(1.0, fabs(x[j]));
        for (int k = 0; k < 4 && rc == GSL_SUCCESS; k++) {
            memcpy(y, x, n * sizeof *y);
            y[j] = x[j] + off[k] * h;
            if (field(y, f + k * n, ctx) != 0)
                rc = GSL_EFAILED;
        }
        for (size_t i = 0; rc == GSL_SUCCESS && i < n; i++)
            m[i * n + j] = (8 * (f[i] - f[n + i]) - (f[2 * n + i] - f[3 * n + i])) / (12 * h);
    }
    if (rc == GSL_SUCCESS) {
        gsl_matrix_view J = gsl_matrix_view_array(m, n, n);
        rc = gsl_eigen_nonsymm(&J.matrix, ev, w);
    }
    if (rc == GSL_SUCCESS) {
        for (size_t k = 0; k < n; k++)
            e[k] = (ev_t){ GSL_REAL(gsl_vector_complex_get(ev, k)), GSL_IMAG(gsl_vector_complex_get(ev, k)) };
        qsort(e, n, sizeof *e, cmp);
        for (size_t k = 0; k < n; k++)
            re[k] = e[k].r, im[k] = e[k].i;
    }
    if (w)
        gsl_eigen_nonsymm_free(w);
    if (ev)
        gsl_vector_complex_free(ev);
    free(e);
    free(f);
    free(y);
    free(m);
    return rc;
}

double lab04_max_step(size_t n, const double *re, const double *im)
{
    double h = INFINITY;
    for (size_t k = 0; k < n; k++) {
        double a = hypot(re[k], im[k]);
        if (!(re[k] > 0.0))
            return 0.0;
        double c = re[k] / a; /* cos of the eigenvalue's angle */
        h = fmin(h, 2.0 / a * c);
    }
    return h;
}
