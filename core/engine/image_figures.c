/*
 * image_figures.c - figures of images for gnuplot: a mosaic of images (the
 * sample grid, the fixed-noise grid, per-class grids, reconstructions,
 * interpolations, nearest neighbours are all one) as a matrix file with its
 * script beside it, the nearest rows of a set by one dgemm per chunk, and
 * seeded noise. Nothing here knows a run: run_images.c and run_sample.c
 * choose what goes into the cells.
 *
 * The matrix file holds one value per pixel, the top row first (the script
 * reverses y); pixels in [-1, 1] drawn black..white through a grey palette,
 * LG_MOSAIC_GAP between cells drawn in a light grey: with a value of its own
 * the gaps need no missing values, which gnuplot warns about. The PNG's size
 * is computed here, so every image pixel is a square of `scale` screen pixels
 * and the tests can check what gnuplot made.
 */
#include "image_figures.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDE_GAP 4          /* pixels of the wider gap (wide_after) */
#define TARGET_WIDTH 720.0  /* screen pixels the mosaic aims at */
#define MAX_HEIGHT 1300.0   /* and at most this high */
#define CHAR_PX 7           /* a character of the 10 pt font, about */

static size_t col_x(const lg_mosaic *m, size_t c)
{
    return c * (m->w + 1) + (m->wide_after && c >= m->wide_after ? WIDE_GAP - 1 : 0);
}

void lg_mosaic_size(const lg_mosaic *m, size_t *height, size_t *width)
{
    *height = m->rows * (m->h + 1) - 1;
    *width = col_x(m, m->cols - 1) + m->w;
}

static size_t max_len(const char *const *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; s && i < n; i++)
        if (s[i] && strlen(s[i]) > k)
            k = strlen(s[i]);
    return k;
}

static int write_matrix(const char *path, const char *name, const lg_mosaic *m, size_t H, size_t W)
{
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, lg_errmsg());
    /* the cell each pixel column and row falls in, -1 in a gap */
    long *cx = lg_xmalloc(W * sizeof *cx), *px = lg_xmalloc(W * sizeof *px);
    for (size_t x = 0; x < W; x++)
        cx[x] = -1;
    for (size_t c = 0; c < m->cols; c++)
        for (size_t j = 0; j < m->w; j++) {
            cx[col_x(m, c) + j] = (long)c;
            px[col_x(m, c) + j] = (long)j;
        }
    fprintf(a.f, "# %s.dat - litgan: %zu x %zu images of %zu x %zu pixels in [-1, 1] (%g: the gaps), the top "
            "row first; gnuplot %s.gp draws it\n", name, m->rows, m->cols, m->h, m->w, LG_MOSAIC_GAP, name);
    size_t n = m->img ? m->img->size1 : 0;
    for (size_t y = 0; y < H; y++) {
        size_t r = y / (m->h + 1), i = y % (m->h + 1);
        for (size_t x = 0; x < W; x++) {
            long img = -1;
            if (i < m->h && cx[x] >= 0) {
                size_t k = r * m->cols + (size_t)cx[x];
                img = m->cell ? m->cell[k] : (k < n ? (long)k : -1);
            }
            if (img < 0 || (size_t)img >= n) {
                fprintf(a.f, "%g", LG_MOSAIC_GAP);
            } else {
                double v = gsl_matrix_get(m->img, (size_t)img, i * m->w + (size_t)px[x]);
                /* a value out of range must not pass for a gap */
                v = isnan(v) ? 0 : fmin(1, fmax(-1, v));
                fprintf(a.f, "%.4g", v);
            }
            fputc(x + 1 < W ? ' ' : '\n', a.f);
        }
    }
    free(cx);
    free(px);
    if (ferror(a.f)) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: write failed (disk full?)", path);
    }
    return lg_atomic_commit(&a);
}

int lg_mosaic_write(const char *dir, const char *name, const lg_mosaic *m, size_t *png_w, size_t *png_h)
{
    LG_ASSERT(m->rows > 0 && m->cols > 0 && m->h > 0 && m->w > 0 && (!m->img || m->img->size2 == m->h * m->w),
              "a mosaic has cells, and its images are (n, h * w)");
    size_t H, W;
    lg_mosaic_size(m, &H, &W);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    int rc = write_matrix(path, name, m, H, W);
    if (rc != LG_OK)
        return rc;
    /* every image pixel a square of s screen pixels; room for the labels */
    double s = fmax(1, fmin(8, floor(fmin(TARGET_WIDTH / (double)W, MAX_HEIGHT / (double)H))));
    size_t left = 16 + CHAR_PX * max_len(m->row_label, m->rows);
    size_t right = 16 + CHAR_PX * max_len(m->right_label, m->rows);
    size_t top = 34 + (m->col_label ? 18 : 0), bottom = 12 + (m->note ? 24 : 0);
    size_t pw = left + (size_t)(s * (double)W) + right, ph = top + (size_t)(s * (double)H) + bottom;
    /* the title and the note must fit too */
    size_t tw = m->title ? (CHAR_PX + 2) * strlen(m->title) + 24 : 0; /* 11 pt */
    if (m->note && (CHAR_PX + 1) * strlen(m->note) + 24 > tw)
        tw = (CHAR_PX + 1) * strlen(m->note) + 24;
    if (tw > pw) {
        left += (tw - pw) / 2;
        right += tw - pw - (tw - pw) / 2;
        pw = tw;
    }
    if (png_w)
        *png_w = pw;
    if (png_h)
        *png_h = ph;
    snprintf(path, sizeof path, "%s/%s.gp", dir, name);
    lg_atomic a;
    if ((rc = lg_atomic_open(&a, path)) != LG_OK)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, lg_errmsg());
    FILE *f = a.f;
    fprintf(f, "# %s.gp - litgan: images from %s.dat, drawn into %s.png (rerun: gnuplot %s.gp)\n"
               "reset\n"
               "set terminal pngcairo size %zu,%zu font ',10'\n"
               "set output '%s.png'\n"
               "# pixels in [-1, 1]: black..white; %g (the gaps between images): light grey\n"
               "set palette defined (-1 'black', 1 'white', 1.001 '#c8c8c8', 2 '#c8c8c8')\n"
               "set cbrange [-1:2]\n"
               "unset colorbox\n"
               "unset tics\n"
               "unset border\n"
               "unset key\n"
               "# the margins in screen pixels: each image pixel a square of %g x %g\n"
               "set lmargin at screen %.6f\n"
               "set rmargin at screen %.6f\n"
               "set tmargin at screen %.6f\n"
               "set bmargin at screen %.6f\n"
               "set xrange [-0.5:%zu.5]\n"
               "set yrange [%zu.5:-0.5]   # the top row first\n",
            name, name, name, name, pw, ph, name, LG_MOSAIC_GAP, s, s, (double)left / (double)pw,
            1 - (double)right / (double)pw, 1 - (double)top / (double)ph, (double)bottom / (double)ph, W - 1,
            H - 1);
    if (m->title) {
        fprintf(f, "set label ");
        lg_gp_quoted(f, m->title);
        fprintf(f, " at screen 0.5, screen %.6f center font ',11' noenhanced\n", 1 - 17.0 / (double)ph);
    }
    for (size_t r = 0; r < m->rows; r++) {
        double yc = (double)r * (double)(m->h + 1) + (double)(m->h - 1) / 2;
        if (m->row_label && m->row_label[r]) {
            fprintf(f, "set label ");
            lg_gp_quoted(f, m->row_label[r]);
            fprintf(f, " at first -0.5, first %g right offset -0.7, 0 noenhanced\n", yc);
        }
        if (m->right_label && m->right_label[r]) {
            fprintf(f, "set label ");
            lg_gp_quoted(f, m->right_label[r]);
            fprintf(f, " at first %zu.5, first %g left offset 0.7, 0 noenhanced\n", W - 1, yc);
        }
    }
    for (size_t c = 0; m->col_label && c < m->cols; c++)
        if (m->col_label[c]) {
            fprintf(f, "set label ");
            lg_gp_quoted(f, m->col_label[c]);
            fprintf(f, " at first %g, first -0.5 center offset 0, 0.8 noenhanced\n",
                    (double)col_x(m, c) + (double)(m->w - 1) / 2);
        }
    if (m->note) {
        fprintf(f, "set label ");
        lg_gp_quoted(f, m->note);
        fprintf(f, " at screen 0.5, screen %.6f center noenhanced\n", 14.0 / (double)ph);
    }
    fprintf(f, "plot '%s.dat' matrix with image\n", name);
    if (ferror(f)) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: write failed (disk full?)", path);
    }
    return lg_atomic_commit(&a);
}

/* ---------------------------------------------------- nearest neighbours --- */

void lg_knn_init(size_t n, size_t k, size_t *idx, double *d2)
{
    for (size_t i = 0; i < n * k; i++) {
        idx[i] = (size_t)-1;
        d2[i] = INFINITY;
    }
}

static void row_norms(const gsl_matrix *x, double *out)
{
    for (size_t i = 0; i < x->size1; i++) {
        const double *p = x->data + i * x->tda;
        double s = 0;
        for (size_t j = 0; j < x->size2; j++)
            s += p[j] * p[j];
        out[i] = s;
    }
}

void lg_knn_update(const gsl_matrix *q, const gsl_matrix *ref, size_t first, size_t k, size_t *idx, double *d2)
{
    LG_ASSERT(q->size2 == ref->size2 && k > 0, "lg_knn_update: q and ref of one dimension, k >= 1");
    size_t nq = q->size1, nr = ref->size1;
    gsl_matrix *dot = gsl_matrix_alloc(nq, nr);
    lg_dgemm(CblasNoTrans, CblasTrans, 1.0, q, ref, 0.0, dot);
    double *qn = lg_xmalloc(nq * sizeof *qn), *rn = lg_xmalloc(nr * sizeof *rn);
    row_norms(q, qn);
    row_norms(ref, rn);
    for (size_t i = 0; i < nq; i++) {
        size_t *ix = idx + i * k;
        double *dd = d2 + i * k;
        for (size_t j = 0; j < nr; j++) {
            double d = fmax(0, qn[i] + rn[j] - 2 * gsl_matrix_get(dot, i, j));
            if (!(d < dd[k - 1]))
                continue;
            size_t p = k - 1; /* insertion into the sorted list */
            while (p > 0 && d < dd[p - 1]) {
                dd[p] = dd[p - 1];
                ix[p] = ix[p - 1];
                p--;
            }
            dd[p] = d;
            ix[p] = first + j;
        }
    }
    free(qn);
    free(rn);
    gsl_matrix_free(dot);
}

void lg_knn_train(const lg_dataset *ds, const gsl_matrix *q, size_t k, size_t *idx, double *d2)
{
    size_t n = lg_dataset_count(ds, LG_SPLIT_TRAIN), chunk = 1024;
    lg_knn_init(q->size1, k, idx, d2);
    gsl_matrix *x = gsl_matrix_alloc(chunk, ds->dim);
    for (size_t first = 0; first < n; first += chunk) {
        size_t m = n - first < chunk ? n - first : chunk;
        gsl_matrix_view v = gsl_matrix_submatrix(x, 0, 0, m, ds->dim);
        lg_dataset_rows(ds, LG_SPLIT_TRAIN, first, &v.matrix, NULL);
        lg_knn_update(q, &v.matrix, first, k, idx, d2);
    }
    gsl_matrix_free(x);
}

/* ------------------------------------------------------------------ noise --- */

gsl_matrix *lg_noise(long seed, unsigned long stream, size_t n, size_t z_dim)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, lg_seed_stream(seed, stream));
    gsl_matrix *z = gsl_matrix_alloc(n, z_dim);
    for (size_t i = 0; i < n * z_dim; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    gsl_rng_free(rng);
    return z;
}

gsl_matrix *lg_interp_lines(const gsl_matrix *a, const gsl_matrix *b, size_t steps)
{
    LG_ASSERT(a->size1 == b->size1 && a->size2 == b->size2 && steps >= 2, "lg_interp_lines: a, b alike, 2 steps");
    gsl_matrix *z = gsl_matrix_alloc(a->size1 * steps, a->size2);
    for (size_t i = 0; i < a->size1; i++)
        for (size_t t = 0; t < steps; t++) {
            double u = (double)t / (double)(steps - 1);
            for (size_t j = 0; j < a->size2; j++) {
                double va = gsl_matrix_get(a, i, j), vb = gsl_matrix_get(b, i, j);
                /* the ends exactly: G(z1) and G(z2) as they are */
                gsl_matrix_set(z, i * steps + t, j, t == 0 ? va : t == steps - 1 ? vb : (1 - u) * va + u * vb);
            }
        }
    return z;
}
