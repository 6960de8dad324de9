/*
 * exp_images.c - what the trained nets of `litgan lab 06` draw: the codes E(x)
 * of held-out images projected on their two principal axes (PCA of their
 * covariance with GSL's symmetric eigensolver) - codes.csv; images written as
 * gnuplot matrices (intensities in [0, 1], the top row first): reconstructions
 * G(E(x)), interpolations G((1 - t) E(x_a) + t E(x_b)), and samples G(z).
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>

int exp_codes(lg_run *run, const gsl_matrix *x, const int *y, const char *dir, const char *name, exp_pca *out)
{
    lg_net *E = lg_game_net(lg_run_game(run), LG_NET_E);
    size_t n = x->size1, k = lg_net_out_dim(E);
    gsl_matrix *z = gsl_matrix_alloc(n, k), *cov = gsl_matrix_calloc(k, k), *vec = gsl_matrix_alloc(k, k);
    gsl_vector *mean = gsl_vector_calloc(k), *val = gsl_vector_alloc(k);
    lg_net_forward(E, x, z);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            mean->data[j] += gsl_matrix_get(z, i, j) / (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b <= a; b++) {
                double v = (gsl_matrix_get(z, i, a) - mean->data[a]) * (gsl_matrix_get(z, i, b) - mean->data[b]) /
                           (double)(n - 1);
                gsl_matrix_set(cov, a, b, gsl_matrix_get(cov, a, b) + v);
            }
    for (size_t a = 0; a < k; a++) /* the lower triangle is what was summed */
        for (size_t b = a + 1; b < k; b++)
            gsl_matrix_set(cov, a, b, gsl_matrix_get(cov, b, a));
    double total = 0;
    for (size_t a = 0; a < k; a++)
        total += gsl_matrix_get(cov, a, a);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(k);
    gsl_eigen_symmv(cov, val, vec, w); /* cov is destroyed; its trace was taken first */
    gsl_eigen_symmv_free(w);
    gsl_eigen_symmv_sort(val, vec, GSL_EIGEN_SORT_VAL_DESC);
    out->share[0] = total > 0 ? val->data[0] / total : NAN;
    out->share[1] = total > 0 && k > 1 ? val->data[1] / total : NAN;
    int rc = LG_OK;
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        rc = LG_EIO;
    else {
        fprintf(f, "# litgan lab 06: the codes E(x) of %zu held-out images (%zu coordinates) on their two principal "
                   "axes (%.1f%% and %.1f%% of the variance)\npc1,pc2,label\n",
                n, k, 100 * out->share[0], 100 * out->share[1]);
        for (size_t i = 0; i < n; i++) {
            double p[2] = { 0, 0 };
            for (size_t c = 0; c < 2 && c < k; c++)
                for (size_t j = 0; j < k; j++)
                    p[c] += (gsl_matrix_get(z, i, j) - mean->data[j]) * gsl_matrix_get(vec, j, c);
            fprintf(f, "%.6g,%.6g,%d\n", p[0], p[1], y[i]);
        }
        rc = lg_labkit_fclose(f, dir, name);
    }
    gsl_matrix_free(z);
    gsl_matrix_free(cov);
    gsl_matrix_free(vec);
    gsl_vector_free(mean);
    gsl_vector_free(val);
    return rc;
}

size_t exp_class_examples(const gsl_matrix *x, const int *y, size_t *idx)
{
    size_t found = 0;
    for (int c = 0; c < (int)LG_LAB06_RECON_K; c++)
        for (size_t i = 0; i < x->size1; i++)
            if (y[i] == c) {
                idx[found++] = i;
                break;
            }
    return found;
}

int exp_write_images(const char *dir, const char *name, const double *const *images, size_t n_rows, size_t per_row,
                     size_t side)
{
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    for (size_t r = 0; r < n_rows * side; r++) {
        size_t row = r / side, py = r % side;
        for (size_t c = 0; c < per_row * side; c++) {
            const double *img = images[row * per_row + c / side];
            fprintf(f, "%s%.3f", c ? " " : "", img ? (img[py * side + c % side] + 1) / 2 : 0.5);
        }
        fputc('\n', f);
    }
    return lg_labkit_fclose(f, dir, name);
}

void exp_reconstruct(lg_run *run, const gsl_matrix *x, const size_t *idx, size_t m, gsl_matrix *out)
{
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *E = lg_game_net(g, LG_NET_E);
    gsl_matrix *xs = gsl_matrix_alloc(m, x->size2), *z = gsl_matrix_alloc(m, lg_net_out_dim(E));
    for (size_t i = 0; i < m; i++)
        memcpy(xs->data + i * x->size2, x->data + idx[i] * x->size2, x->size2 * sizeof(double));
    lg_net_forward(E, xs, z);
    lg_net_forward(G, z, out);
    gsl_matrix_free(xs);
    gsl_matrix_free(z);
}

int exp_interp(lg_run *run, const gsl_matrix *x, const size_t *pairs, size_t n_pairs, size_t steps, const char *dir)
{
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *E = lg_game_net(g, LG_NET_E);
    size_t k = lg_net_out_dim(E), d = x->size2, side = (size_t)lround(sqrt((double)d));
    gsl_matrix *ends = gsl_matrix_alloc(2, d), *ze = gsl_matrix_alloc(2, k), *z = gsl_matrix_alloc(steps, k),
               *out = gsl_matrix_alloc(n_pairs * (steps + 2), d);
    const double **img = calloc(n_pairs * (steps + 2), sizeof *img);
    for (size_t p = 0; img && p < n_pairs; p++) {
        for (int e = 0; e < 2; e++)
            memcpy(ends->data + (size_t)e * d, x->data + pairs[2 * p + (size_t)e] * d, d * sizeof(double));
        lg_net_forward(E, ends, ze);
        for (size_t s = 0; s < steps; s++) {
            double t = (double)s / (double)(steps - 1);
            for (size_t j = 0; j < k; j++)
                gsl_matrix_set(z, s, j, (1 - t) * gsl_matrix_get(ze, 0, j) + t * gsl_matrix_get(ze, 1, j));
        }
        gsl_matrix_view o = gsl_matrix_submatrix(out, p * (steps + 2) + 1, 0, steps, d);
        lg_net_forward(G, z, &o.matrix);
        /* the real images at both ends, the decoded segment between them */
        img[p * (steps + 2)] = x->data + pairs[2 * p] * d;
        for (size_t s = 0; s < steps; s++)
            img[p * (steps + 2) + 1 + s] = out->data + (p * (steps + 2) + 1 + s) * d;
        img[p * (steps + 2) + steps + 1] = x->data + pairs[2 * p + 1] * d;
    }
    int rc = img ? exp_write_images(dir, "interp.dat", img, n_pairs, steps + 2, side) : LG_ENOMEM;
    free(img);
    gsl_matrix_free(ends);
    gsl_matrix_free(ze);
    gsl_matrix_free(z);
    gsl_matrix_free(out);
    return rc;
}

int exp_samples(lg_run *run, long seed, const char *dir, const char *name)
{
    lg_net *G = lg_game_net(lg_run_game(run), LG_NET_G);
    size_t k = lg_net_in_dim(G), d = lg_net_out_dim(G), side = (size_t)lround(sqrt((double)d));
    gsl_matrix *z = gsl_matrix_alloc(64, k), *x = gsl_matrix_alloc(64, d);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(seed, 601));
    for (size_t i = 0; i < 64 * k; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    gsl_rng_free(r);
    lg_net_forward(G, z, x);
    const double *img[64];
    for (size_t i = 0; i < 64; i++)
        img[i] = x->data + i * d;
    int rc = exp_write_images(dir, name, img, 8, 8, side);
    gsl_matrix_free(z);
    gsl_matrix_free(x);
    return rc;
}
