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
#include "litgan.h"

double lab06_recon_error(const double *x, const double *y, size_t n, size_t dim);
void lab06_recon_by_class(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                          double *out);

/* REGION recon_error */
/* Task 6.3: the error of n images x against y (both (n, dim), row-major), in
 * units of the [0, 1] intensity. NaN when there is no pixel (n = 0 or dim = 0). */
double lab06_recon_error(const double *x, const double *y, size_t n, size_t dim)
{
    /* BEGIN SOLUTION Task 6.3 */
    double sum = 0;
    for (size_t i = 0; i < n * dim; i++) {
        double diff = (x[i] - y[i]) / 2; /* the intensity difference */
        sum += diff * diff;
    }
    return sum / ((double)n * (double)dim); /* no pixel: 0 / 0, NaN */
    /* END SOLUTION */
    /* STUB (void)x; (void)y; (void)n; (void)dim; return lg_todo_value("Task 6.3"); */
}
/* END REGION */

/* REGION recon_by_class */
/* Task 6.3: out[c] for c < k, the error of the images labelled c (NaN when no
 * image is); an image whose label is not in [0, k) counts for no class. */
void lab06_recon_by_class(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                          double *out)
{
    /* BEGIN SOLUTION Task 6.3 */
    for (size_t c = 0; c < k; c++) {
        double sum = 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (labels[i] != (int)c)
                continue;
            sum += lab06_recon_error(x + i * dim, y + i * dim, 1, dim);
            m++;
        }
        out[c] = sum / (double)m; /* no image of class c: 0 / 0, NaN */
    }
    /* END SOLUTION */
    /* STUB (void)x; (void)y; (void)labels; (void)n; (void)dim; for (size_t c = 0; c < k; c++) out[c] = lg_todo_value("Task 6.3"); */
}
/* END REGION */
