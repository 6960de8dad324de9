/* Correct alternative 'sum-scale' (instructor only): sums scaled by 1/n; the halves of d by lg_sum_rows. */
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
    if (!n || !dim)
        return NAN;
    double total = 0;
    for (size_t i = 0; i < n; i++) { /* each image's mean, then the mean of those: the same weights */
        double s = 0;
        for (size_t j = 0; j < dim; j++)
            s += 0.25 * (x[i * dim + j] - y[i * dim + j]) * (x[i * dim + j] - y[i * dim + j]);
        total += s / (double)dim;
    }
    return total / (double)n;
}
/* END REGION */

/* REGION recon_by_class */
/* Task 6.3: out[c] for c < k, the error of the images labelled c (NaN when no
 * image is); an image whose label is not in [0, k) counts for no class. */
void lab06_recon_by_class(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                          double *out)
{
    double *sum = calloc(k + 1, sizeof *sum);
    size_t *cnt = calloc(k + 1, sizeof *cnt);
    for (size_t i = 0; sum && cnt && i < n; i++)
        if (labels[i] >= 0 && (size_t)labels[i] < k) {
            sum[labels[i]] += lab06_recon_error(x + i * dim, y + i * dim, 1, dim);
            cnt[labels[i]]++;
        }
    for (size_t c = 0; c < k; c++)
        out[c] = sum && cnt && cnt[c] ? sum[c] / (double)cnt[c] : NAN;
    free(sum);
    free(cnt);
}
/* END REGION */
