/* Correct alternative 'lambda-late' (instructor only): Delta^2 / (2 lambda) divided by the distance; means apart. */
/*
 * recon.c - Lab 06, Task 6.3: how well G(E(x)) gives x back.
 *
 * Pixels are stored as x = p / 127.5 - 1 in [-1, 1] (p the byte 0..255), so a
 * pixel's intensity in [0, 1] is p / 255 = (x + 1) / 2, and two images differ
 * in intensity by (x - y) / 2 at each pixel. The reconstruction error of n
 * images of dim pixels is the mean squared intensity difference over every
 * pixel of every image:
 *
 *   err(x, y) = (1 / (n dim)) sum_i sum_j ((x_ij - y_ij) / 2)^2     in [0, 1]
 *
 * (0: identical; 1: black for white everywhere). Per class c, the same mean
 * over the images labelled c alone.
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include "litgan.h"

double lab06_recon_error(const double *x, const double *y, size_t n, size_t dim);
void lab06_recon_by_class(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                          double *out);

/* REGION recon_error */
/* Task 6.3: the error of n images x against y (both (n, dim), row-major), in
 * units of the [0, 1] intensity. NaN when there is no pixel (n = 0 or dim = 0). */
double lab06_recon_error(const double *x, const double *y, size_t n, size_t dim)
{
    size_t m = n * dim;
    if (m == 0)
        return NAN;
    double s = 0;
    for (size_t i = m; i-- > 0;) /* backwards */
        s += (x[i] - y[i]) * (x[i] - y[i]);
    return s / 4 / (double)m;
}
/* END REGION */

/* REGION recon_by_class */
/* Task 6.3: out[c] for c < k, the error of the images labelled c (NaN when no
 * image is); an image whose label is not in [0, k) counts for no class. */
void lab06_recon_by_class(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                          double *out)
{
    size_t *cnt = calloc(k ? k : 1, sizeof *cnt);
    for (size_t c = 0; c < k; c++)
        out[c] = 0;
    for (size_t i = 0; cnt && i < n; i++) {
        int c = labels[i];
        if (c < 0 || (size_t)c >= k)
            continue;
        out[c] += lab06_recon_error(x + i * dim, y + i * dim, 1, dim);
        cnt[c]++;
    }
    for (size_t c = 0; c < k; c++)
        out[c] = cnt && cnt[c] ? out[c] / (double)cnt[c] : NAN;
    free(cnt);
}
/* END REGION */
