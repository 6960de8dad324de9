/* Alternative (Tasks 4.2, 4.4): step 6e-6 max(1, |x_j|) taken as written (no exact-step
 * trick), the matrix filled with gsl_matrix_set_col from gsl_vector views, an insertion
 * sort; h_max from the complex form 2 Re(mu) / |mu|^2 with gsl_complex_abs2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include "litgan.h"

typedef int (*lab04_field)(const double *x, double *v, void *ctx);
int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im);
double lab04_max_step(size_t n, const double *re, const double *im);

static int before(double ar, double ai, double br, double bi)
{
    return ar > br || (ar == br && ai > bi);
}

int lab04_jacobian_eigen(lab04_field field, void *ctx, size_t n, const double *x, double *re, double *im)
{
    gsl_matrix *J = gsl_matrix_alloc(n, n);
    gsl_vector *a = gsl_vector_alloc(n), *b = gsl_vector_alloc(n), *col = gsl_vector_alloc(n);
    double *y = malloc(n * sizeof *y);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(n);
    int rc = (J && a && b && col && y && ev && w) ? GSL_SUCCESS : GSL_ENOMEM;
    for (size_t j = 0; j < n && rc == GSL_SUCCESS; j++) {
        double h = 6e-6 * (fabs(x[j]) > 1 ? fabs(x[j]) : 1);
        memcpy(y, x, n * sizeof *y);
        y[j] = x[j] + h;
        int f1 = field(y, a->data, ctx);
        y[j] = x[j] - h;
        int f2 = field(y, b->data, ctx);
        if (f1 || f2) {
            rc = GSL_EFAILED;
            break;
        }
        gsl_vector_memcpy(col, a);
        gsl_vector_sub(col, b);
        gsl_vector_scale(col, 0.5 / h);
        gsl_matrix_set_col(J, j, col);
    }
    if (rc == GSL_SUCCESS)
        rc = gsl_eigen_nonsymm(J, ev, w);
    if (rc == GSL_SUCCESS)
        for (size_t i = 0; i < n; i++) {
            double r = GSL_REAL(gsl_vector_complex_get(ev, i)), m = GSL_IMAG(gsl_vector_complex_get(ev, i));
            size_t k = i;
            while (k > 0 && before(r, m, re[k - 1], im[k - 1])) {
                re[k] = re[k - 1], im[k] = im[k - 1];
                k--;
            }
            re[k] = r, im[k] = m;
        }
    gsl_eigen_nonsymm_free(w);
    gsl_vector_complex_free(ev);
    free(y);
    gsl_vector_free(col);
    gsl_vector_free(b);
    gsl_vector_free(a);
    gsl_matrix_free(J);
    return rc;
}

double lab04_max_step(size_t n, const double *re, const double *im)
{
    double h = HUGE_VAL;
    for (size_t k = 0; k < n; k++) {
        gsl_complex mu = gsl_complex_rect(re[k], im[k]);
        if (GSL_REAL(mu) <= 0)
            return 0;
        h = fmin(h, 2 * GSL_REAL(mu) / gsl_complex_abs2(mu));
    }
    return h;
}
