/* Alternative (Tasks 4.2, 4.4): eigenvalues and eigenvectors with gsl_eigen_nonsymmv
 * (its own workspace), sorted through an index array with qsort_r-free selection sort;
 * the field's two evaluations in one scratch buffer of 3n; h_max with an explicit
 * stability flag checked after the loop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include "litgan.h"

typedef int (*lab04_field)(const double *x, double *v, void *ctx);
int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im);
double lab04_max_step(size_t n, const double *re, const double *im);

int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im)
{
    int rc = GSL_SUCCESS;
    double *s = malloc(3 * n * sizeof *s);
    gsl_matrix *J = gsl_matrix_alloc(n, n);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_matrix_complex *V = gsl_matrix_complex_alloc(n, n);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(n);
    if (!s || !J || !ev || !V || !w)
        rc = GSL_ENOMEM;
    for (size_t j = 0; rc == GSL_SUCCESS && j < n; j++) {
        double *xp = s, *fp = s + n, *fm = s + 2 * n, step = 1e-5 * fmax(1.0, fabs(x[j]));
        memcpy(xp, x, n * sizeof *xp);
        xp[j] += step;
        double up = xp[j];
        if (field(xp, fp, ctx)) {
            rc = GSL_EFAILED;
            break;
        }
        xp[j] = x[j] - step;
        double lo = xp[j];
        if (field(xp, fm, ctx)) {
            rc = GSL_EFAILED;
            break;
        }
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(J, i, j, (fp[i] - fm[i]) / (up - lo));
    }
    if (rc == GSL_SUCCESS)
        rc = gsl_eigen_nonsymmv(J, ev, V, w);
    if (rc == GSL_SUCCESS) {
        char *used = calloc(n, 1);
        if (!used)
            rc = GSL_ENOMEM;
        for (size_t k = 0; rc == GSL_SUCCESS && k < n; k++) {
            size_t best = n;
            for (size_t i = 0; i < n; i++) {
                if (used[i])
                    continue;
                gsl_complex a = gsl_vector_complex_get(ev, i);
                if (best == n)
                    best = i;
                else {
                    gsl_complex b = gsl_vector_complex_get(ev, best);
                    if (GSL_REAL(a) > GSL_REAL(b) || (GSL_REAL(a) == GSL_REAL(b) && GSL_IMAG(a) > GSL_IMAG(b)))
                        best = i;
                }
            }
            used[best] = 1;
            re[k] = GSL_REAL(gsl_vector_complex_get(ev, best));
            im[k] = GSL_IMAG(gsl_vector_complex_get(ev, best));
        }
        free(used);
    }
    gsl_eigen_nonsymmv_free(w);
    gsl_matrix_complex_free(V);
    gsl_vector_complex_free(ev);
    gsl_matrix_free(J);
    free(s);
    return rc;
}

double lab04_max_step(size_t n, const double *re, const double *im)
{
    int stable = 1;
    double h = INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (re[k] <= 0.0)
            stable = 0;
        else
            h = fmin(h, (re[k] + re[k]) / (re[k] * re[k] + im[k] * im[k]));
    }
    return stable ? h : 0.0;
}
