/*
 * run_sample.c - litgan sample: image figures from a run's checkpoint without
 * training (lg_run_load opens it read-only). Each figure is a mosaic
 * (image_figures.h) with its script, drawn by gnuplot in the output folder:
 *   grid.png        n samples G(z) (the grid litgan train leaves, at --seed);
 *   fixed_noise.png the run's fixed-noise snapshots over training;
 *   classes.png     held-out real images grouped by label, with counts;
 *   classes_generated.png  1,000 samples grouped by the class the data
 *                   set's classifier gives them (the classifier of the log's
 *                   scores), with counts and the Frechet distance;
 *   recon.png       held-out x above G(E(x)) (losses with an encoder);
 *   interp.png      G along straight lines between two z, and between the
 *                   codes E(x1), E(x2) of two held-out images;
 *   neighbours.png  the grid's first samples, each beside its 5 nearest
 *                   training images in pixel L2.
 * The output folder is new, empty, or an earlier sample output (a
 * .litgan-sample file lists what it wrote; those files are replaced, nothing
 * else is touched).
 */
#include "image_figures.h"
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER ".litgan-sample"
#define MAX_GRID 1024
#define CLASS_COLS 10   /* images per class */
#define PAIRS 4         /* reconstructions: rows of x and G(E(x)); interpolations per kind */
#define INTERP_STEPS 10
#define N_NEIGHBOURS 8  /* samples shown with their neighbours */
#define K_NEAREST 5
#define CLASS_SAMPLES 1000 /* generated samples sorted by class */

void lg_sample_config_init(lg_sample_config *c)
{
    memset(c, 0, sizeof *c);
    c->n = 64;
    c->seed = LG_UNSET;
}

/* ------------------------------------------------------- output folder --- */

/* The folder must be new, empty, or hold an earlier sample output: then the
 * files its marker lists go (they are drawn again), nothing else. */
static int prepare_out(const char *out)
{
    struct stat st;
    if (stat(out, &st) != 0)
        return lg_mkdir_p(out);
    if (!S_ISDIR(st.st_mode))
        return lg_seterr(LG_EINVAL, "--out %s: exists and is not a folder", out);
    char path[4200];
    snprintf(path, sizeof path, "%s/" MARKER, out);
    char *list = lg_read_file(path, NULL);
    if (!list) {
        lg_strvec names = { 0 };
        int rc = lg_dir_list(out, &names);
        if (rc == LG_OK && names.n)
            rc = lg_seterr(LG_EINVAL, "--out %s: holds files that litgan sample did not write (%s%s); give a "
                           "new or empty folder", out, names.w[0], names.n > 1 ? ", ..." : "");
        lg_strvec_free(&names);
        return rc;
    }
    for (char *p = list, *next; *p; p = next) {
        next = p + strcspn(p, "\n");
        if (*next)
            *next++ = '\0';
        /* names only: a marker that names a path elsewhere is not followed */
        if (*p && *p != '#' && !strchr(p, '/') && strcmp(p, ".") && strcmp(p, "..")) {
            snprintf(path, sizeof path, "%s/%s", out, p);
            unlink(path);
        }
    }
    free(list);
    return LG_OK;
}

typedef struct sampler {
    lg_run *r;
    const char *out;
    long seed;
    size_t h, w;
    lg_strvec files;   /* written, for the marker */
    FILE *log;
} sampler;

static void wrote(sampler *s, const char *name)
{
    const char *ext[] = { ".dat", ".gp", ".png" };
    for (int i = 0; i < 3; i++) {
        char f[256];
        snprintf(f, sizeof f, "%s%s", name, ext[i]);
        lg_strvec_push(&s->files, f);
    }
}

static int write_marker(sampler *s)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" MARKER, s->out);
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, lg_errmsg());
    fprintf(a.f, "# litgan sample wrote these files here (a new litgan sample into this folder replaces them)\n");
    for (size_t i = 0; i < s->files.n; i++)
        fprintf(a.f, "%s\n", s->files.w[i]);
    fprintf(a.f, "gnuplot.err\n");
    if (ferror(a.f)) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: write failed", path);
    }
    return lg_atomic_commit(&a);
}

/* gnuplot NAME.gp in the folder, and where the PNG went. */
static int draw(sampler *s, const char *name, const char *what)
{
    wrote(s, name);
    char script[300];
    snprintf(script, sizeof script, "%s.gp", name);
    int rc = lg_gnuplot_run(s->out, script, "litgan sample", NULL);
    if (rc == LG_OK && s->log)
        fprintf(s->log, "litgan sample: %s/%s.png: %s\n", s->out, name, what);
    return rc;
}

static gsl_matrix *forward(lg_net *net, const gsl_matrix *x)
{
    gsl_matrix *y = gsl_matrix_alloc(x->size1, lg_net_out_dim(net));
    lg_net_forward(net, x, y);
    return y;
}

/* ---------------------------------------------------------------- figures --- */

static int fig_classes(sampler *s)
{
    const lg_dataset *ds = s->r->ds;
    size_t k = lg_dataset_n_classes(ds), n = lg_dataset_count(ds, LG_SPLIT_TEST);
    /* the labels are read in place, the pixels of the images shown only */
    gsl_matrix *x = gsl_matrix_alloc(k * CLASS_COLS, ds->dim);
    long *cell = lg_xmalloc(k * CLASS_COLS * sizeof *cell);
    size_t *count = lg_xcalloc(k, sizeof *count);
    for (size_t i = 0; i < k * CLASS_COLS; i++)
        cell[i] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t c = ds->test_y[i];
        if (c < k && count[c]++ < CLASS_COLS) {
            size_t at = c * CLASS_COLS + count[c] - 1;
            gsl_matrix_view v = gsl_matrix_submatrix(x, at, 0, 1, ds->dim);
            lg_dataset_rows(ds, LG_SPLIT_TEST, i, &v.matrix, NULL);
            cell[at] = (long)at;
        }
    }
    size_t cols = 1; /* as many columns as the largest class fills */
    for (size_t c = 0; c < k; c++)
        cols = count[c] > cols ? (count[c] < CLASS_COLS ? count[c] : CLASS_COLS) : cols;
    for (size_t c = 0; c < k && cols < CLASS_COLS; c++)
        memmove(cell + c * cols, cell + c * CLASS_COLS, cols * sizeof *cell);
    char (*names)[64] = lg_xmalloc(k * sizeof *names), (*counts)[32] = lg_xmalloc(k * sizeof *counts);
    const char **left = lg_xmalloc(k * sizeof *left), **right = lg_xmalloc(k * sizeof *right);
    for (size_t c = 0; c < k; c++) {
        snprintf(names[c], sizeof names[c], "%s", lg_dataset_class_name(ds, c));
        snprintf(counts[c], sizeof counts[c], "%zu", count[c]);
        left[c] = names[c];
        right[c] = counts[c];
    }
    char title[LG_NAME_MAX + 96];
    snprintf(title, sizeof title, "%s: held-out real images by label (right: how many)", lg_data_title(s->r));
    lg_mosaic m = { .h = s->h, .w = s->w, .rows = k, .cols = cols, .img = x, .cell = cell,
                    .title = title, .row_label = left, .right_label = right };
    int rc = lg_mosaic_write(s->out, "classes", &m, NULL, NULL);
    gsl_matrix_free(x);
    free(cell), free(count), free(names), free(counts), free(left), free(right);
    return rc == LG_OK ? draw(s, "classes", "held-out real images, a row per class") : rc;
}

/* Generated samples grouped by the class the data set's classifier gives
 * them (lg_classifier_open: trained on first use, then read back), with how
 * many fall in each class: mode collapse shows as empty rows. */
static int fig_classes_generated(sampler *s, bool *skipped)
{
    lg_net *G = s->r->g.net[LG_NET_G];
    size_t n = CLASS_SAMPLES;
    gsl_matrix *z = lg_noise(s->seed, LG_STREAM_GRID, n, lg_net_in_dim(G)); /* the grid's first */
    gsl_matrix *x = forward(G, z);
    /* the run's scores open the classifier the log rows use (one seed for all runs) */
    lg_image_scores sc;
    int rc = lg_run_image_scores(s->r, x, &sc);
    if (rc != LG_OK) {
        gsl_matrix_free(z), gsl_matrix_free(x);
        *skipped = true;
        return rc;
    }
    size_t k = lg_classifier_n_classes(s->r->clf);
    gsl_matrix *p = gsl_matrix_alloc(n, k);
    lg_classifier_apply(s->r->clf, x, p, NULL);
    long *cell = lg_xmalloc(k * CLASS_COLS * sizeof *cell);
    size_t *count = lg_xcalloc(k, sizeof *count), present = 0;
    for (size_t i = 0; i < k * CLASS_COLS; i++)
        cell[i] = -1;
    for (size_t i = 0; i < n; i++) {
        gsl_vector_view row = gsl_matrix_row(p, i);
        size_t c = gsl_vector_max_index(&row.vector);
        if (count[c]++ < CLASS_COLS)
            cell[c * CLASS_COLS + count[c] - 1] = (long)i;
    }
    char (*names)[64] = lg_xmalloc(k * sizeof *names), (*counts)[32] = lg_xmalloc(k * sizeof *counts);
    const char **left = lg_xmalloc(k * sizeof *left), **right = lg_xmalloc(k * sizeof *right);
    for (size_t c = 0; c < k; c++) {
        snprintf(names[c], sizeof names[c], "%s", lg_dataset_class_name(s->r->ds, c));
        snprintf(counts[c], sizeof counts[c], "%zu (%.1f%%)", count[c], 100.0 * (double)count[c] / (double)n);
        left[c] = names[c];
        right[c] = counts[c];
        present += 100 * count[c] >= n; /* at least 1% */
    }
    char title[LG_NAME_MAX * 2 + 128], note[200];
    snprintf(title, sizeof title, "%s on %s: %zu samples by the classifier's class, step %ld, seed %ld",
             s->r->c.loss, lg_data_title(s->r), n, s->r->step, s->seed);
    snprintf(note, sizeof note, "%zu of %zu classes present (at least 1%% of the samples), Frechet distance %.2f; "
             "right: samples in the class", present, k, sc.fid);
    lg_mosaic m = { .h = s->h, .w = s->w, .rows = k, .cols = CLASS_COLS, .img = x, .cell = cell, .title = title,
                    .row_label = left, .right_label = right, .note = note };
    rc = lg_mosaic_write(s->out, "classes_generated", &m, NULL, NULL);
    gsl_matrix_free(z), gsl_matrix_free(x), gsl_matrix_free(p);
    free(cell), free(count), free(names), free(counts), free(left), free(right);
    return rc == LG_OK ? draw(s, "classes_generated", "generated samples by the classifier's class, with counts")
                       : rc;
}

static int fig_recon(sampler *s)
{
    lg_net *G = s->r->g.net[LG_NET_G], *E = s->r->g.net[LG_NET_E];
    const lg_dataset *ds = s->r->ds;
    size_t cols = 8, n = PAIRS * cols;
    if (n > lg_dataset_count(ds, LG_SPLIT_TEST))
        n = lg_dataset_count(ds, LG_SPLIT_TEST);
    gsl_matrix *both = gsl_matrix_alloc(2 * n, ds->dim);
    gsl_matrix_view xv = gsl_matrix_submatrix(both, 0, 0, n, ds->dim);
    lg_dataset_rows(ds, LG_SPLIT_TEST, 0, &xv.matrix, NULL);
    gsl_matrix *z = forward(E, &xv.matrix), *xr = forward(G, z);
    gsl_matrix_view rv = gsl_matrix_submatrix(both, n, 0, n, ds->dim);
    gsl_matrix_memcpy(&rv.matrix, xr);
    double mse = 0;
    for (size_t i = 0; i < n * ds->dim; i++) {
        double d = xv.matrix.data[(i / ds->dim) * xv.matrix.tda + i % ds->dim] - xr->data[i];
        mse += d * d;
    }
    mse /= (double)(n * ds->dim);
    size_t rows = 2 * ((n + cols - 1) / cols);
    long *cell = lg_xmalloc(rows * cols * sizeof *cell);
    const char **left = lg_xmalloc(rows * sizeof *left);
    for (size_t r = 0; r < rows; r++) {
        left[r] = r % 2 ? "G(E(x))" : "x";
        for (size_t c = 0; c < cols; c++) {
            size_t i = (r / 2) * cols + c;
            cell[r * cols + c] = i < n ? (long)(i + (r % 2 ? n : 0)) : -1;
        }
    }
    char title[LG_NAME_MAX * 2 + 96], note[96];
    snprintf(title, sizeof title, "%s on %s: reconstructions, step %ld", s->r->c.loss, lg_data_title(s->r), s->r->step);
    snprintf(note, sizeof note, "held-out x above G(E(x)); mean squared error per pixel %.4f", mse);
    lg_mosaic m = { .h = s->h, .w = s->w, .rows = rows, .cols = cols, .img = both, .cell = cell, .title = title,
                    .row_label = left, .note = note };
    int rc = lg_mosaic_write(s->out, "recon", &m, NULL, NULL);
    gsl_matrix_free(both), gsl_matrix_free(z), gsl_matrix_free(xr);
    free(cell), free(left);
    return rc == LG_OK ? draw(s, "recon", "held-out images and their reconstructions G(E(x))") : rc;
}

/* Rows of G along the lines from a_i to b_i, into img from row at. */
static void interpolate(lg_net *G, const gsl_matrix *a, const gsl_matrix *b, gsl_matrix *img, size_t at)
{
    gsl_matrix *z = lg_interp_lines(a, b, INTERP_STEPS);
    gsl_matrix *x = forward(G, z);
    gsl_matrix_view v = gsl_matrix_submatrix(img, at, 0, x->size1, x->size2);
    gsl_matrix_memcpy(&v.matrix, x);
    gsl_matrix_free(z), gsl_matrix_free(x);
}

static int fig_interp(sampler *s)
{
    lg_net *G = s->r->g.net[LG_NET_G], *E = s->r->g.net[LG_NET_E];
    const lg_dataset *ds = s->r->ds;
    size_t ne = E && lg_dataset_count(ds, LG_SPLIT_TEST) >= 2 * PAIRS ? PAIRS : 0, rows = PAIRS + ne;
    /* with codes of real images, a column at each end for them */
    size_t zd = lg_net_in_dim(G), off = ne ? 1 : 0, cols = INTERP_STEPS + 2 * off;
    /* images: the z rows' steps, the E rows' steps, then the real ends x1, x2 */
    gsl_matrix *img = gsl_matrix_alloc(rows * INTERP_STEPS + 2 * ne, ds->dim);
    gsl_matrix *z = lg_noise(s->seed, LG_STREAM_INTERP, 2 * PAIRS, zd);
    gsl_matrix_view za = gsl_matrix_submatrix(z, 0, 0, PAIRS, zd), zb = gsl_matrix_submatrix(z, PAIRS, 0, PAIRS, zd);
    interpolate(G, &za.matrix, &zb.matrix, img, 0);
    if (ne) {
        gsl_matrix_view xs = gsl_matrix_submatrix(img, rows * INTERP_STEPS, 0, 2 * ne, ds->dim);
        lg_dataset_rows(ds, LG_SPLIT_TEST, 0, &xs.matrix, NULL);
        gsl_matrix *code = forward(E, &xs.matrix);
        gsl_matrix_view ca = gsl_matrix_submatrix(code, 0, 0, ne, zd), cb = gsl_matrix_submatrix(code, ne, 0, ne, zd);
        interpolate(G, &ca.matrix, &cb.matrix, img, PAIRS * INTERP_STEPS);
        gsl_matrix_free(code);
    }
    gsl_matrix_free(z);
    long *cell = lg_xmalloc(rows * cols * sizeof *cell);
    const char **left = lg_xmalloc(rows * sizeof *left), *top[INTERP_STEPS + 2] = { 0 };
    char tl[INTERP_STEPS][16];
    for (size_t t = 0; t < INTERP_STEPS; t++) {
        snprintf(tl[t], sizeof tl[t], "%.2g", (double)t / (INTERP_STEPS - 1));
        top[t + off] = tl[t];
    }
    if (ne)
        top[0] = "x1", top[cols - 1] = "x2";
    for (size_t r = 0; r < rows; r++) {
        bool enc = r >= PAIRS;
        left[r] = enc ? "E(x1)..E(x2)" : "z1..z2";
        for (size_t t = 0; t < INTERP_STEPS; t++)
            cell[r * cols + t + off] = (long)(r * INTERP_STEPS + t);
        if (off) {
            cell[r * cols] = enc ? (long)(rows * INTERP_STEPS + (r - PAIRS)) : -1;
            cell[r * cols + cols - 1] = enc ? (long)(rows * INTERP_STEPS + ne + (r - PAIRS)) : -1;
        }
    }
    char title[LG_NAME_MAX * 2 + 96];
    snprintf(title, sizeof title, "%s on %s: G along straight lines in z, step %ld, seed %ld", s->r->c.loss,
             lg_data_title(s->r), s->r->step, s->seed);
    lg_mosaic m = { .h = s->h, .w = s->w, .rows = rows, .cols = cols, .img = img, .cell = cell, .title = title,
                    .row_label = left, .col_label = top,
                    .note = ne ? "top: between two random z; below: between the codes of two held-out images "
                                 "x1, x2 (shown at the ends)" : "between two random z (t from 0 to 1)" };
    int rc = lg_mosaic_write(s->out, "interp", &m, NULL, NULL);
    gsl_matrix_free(img);
    free(cell), free(left);
    return rc == LG_OK ? draw(s, "interp", ne ? "interpolations between z, and between codes E(x)"
                                              : "interpolations between z") : rc;
}

static int fig_neighbours(sampler *s)
{
    const lg_dataset *ds = s->r->ds;
    size_t n = N_NEIGHBOURS, k = K_NEAREST, cols = k + 1;
    if (k > lg_dataset_count(ds, LG_SPLIT_TRAIN))
        k = lg_dataset_count(ds, LG_SPLIT_TRAIN), cols = k + 1;
    gsl_matrix *z = lg_noise(s->seed, LG_STREAM_GRID, n, lg_net_in_dim(s->r->g.net[LG_NET_G]));
    gsl_matrix *x = forward(s->r->g.net[LG_NET_G], z); /* the first samples of the grid */
    size_t *idx = lg_xmalloc(n * k * sizeof *idx);
    double *d2 = lg_xmalloc(n * k * sizeof *d2);
    lg_knn_train(ds, x, k, idx, d2);
    gsl_matrix *img = gsl_matrix_alloc(n * cols, ds->dim);
    long *cell = lg_xmalloc(n * cols * sizeof *cell);
    char (*dist)[32] = lg_xmalloc(n * sizeof *dist);
    const char **right = lg_xmalloc(n * sizeof *right);
    for (size_t i = 0; i < n; i++) {
        gsl_vector_const_view src = gsl_matrix_const_row(x, i);
        gsl_matrix_set_row(img, i * cols, &src.vector);
        for (size_t j = 0; j < k; j++) {
            gsl_matrix_view v = gsl_matrix_submatrix(img, i * cols + 1 + j, 0, 1, ds->dim);
            lg_dataset_rows(ds, LG_SPLIT_TRAIN, idx[i * k + j], &v.matrix, NULL);
        }
        for (size_t c = 0; c < cols; c++)
            cell[i * cols + c] = (long)(i * cols + c);
        snprintf(dist[i], sizeof dist[i], "%.2f", sqrt(d2[i * k]));
        right[i] = dist[i];
    }
    const char *top[K_NEAREST + 1] = { "sample", "1st", "2nd", "3rd", "4th", "5th" };
    char title[LG_NAME_MAX * 2 + 96];
    snprintf(title, sizeof title, "%s on %s: samples and their nearest training images, step %ld, seed %ld",
             s->r->c.loss, lg_data_title(s->r), s->r->step, s->seed);
    lg_mosaic m = { .h = s->h, .w = s->w, .rows = n, .cols = cols, .img = img, .cell = cell, .wide_after = 1,
                    .title = title, .col_label = top, .right_label = right,
                    .note = "right: pixel L2 distance to the nearest (near 0: a copy of a training image)" };
    int rc = lg_mosaic_write(s->out, "neighbours", &m, NULL, NULL);
    gsl_matrix_free(z), gsl_matrix_free(x), gsl_matrix_free(img);
    free(idx), free(d2), free(cell), free(dist), free(right);
    return rc == LG_OK ? draw(s, "neighbours", "samples beside their 5 nearest training images") : rc;
}

/* --------------------------------------------------------------- sampling --- */

static int sample_images(sampler *s, unsigned what, size_t n)
{
    lg_run *r = s->r;
    char skipped[512] = "";
    size_t k = 0;
#define SKIP(...) (k += (size_t)snprintf(skipped + k, k < sizeof skipped ? sizeof skipped - k : 0, \
                                         "%s", k ? "; " : ""), \
                   k += (size_t)snprintf(skipped + k, k < sizeof skipped ? sizeof skipped - k : 0, __VA_ARGS__))
    int rc = LG_OK;
    if (what & LG_SAMPLE_GRID) {
        if ((rc = lg_image_grid_figure(r, s->out, n, s->seed)) == LG_OK)
            rc = draw(s, "grid", "samples G(z)");
        bool drawn = false;
        if (rc == LG_OK && (rc = lg_fixed_noise_figure(r, s->out, &drawn)) == LG_OK && drawn)
            rc = draw(s, "fixed_noise", "the same z over training (the run's snapshots)");
        else if (rc == LG_OK)
            SKIP("the fixed-noise grid (the run has no snapshots: it logged no row)");
    }
    if (rc == LG_OK && (what & LG_SAMPLE_CLASSES)) {
        bool no_clf = false;
        if (!lg_dataset_n_classes(r->ds))
            SKIP("per-class grids (the data has no labels)");
        else if ((rc = fig_classes(s)) == LG_OK && (rc = fig_classes_generated(s, &no_clf)) != LG_OK && no_clf) {
            SKIP("generated samples by class (%s)", lg_errmsg());
            rc = LG_OK;
        }
    }
    bool enc = r->g.net[LG_NET_E] != NULL;
    if (rc == LG_OK && (what & LG_SAMPLE_RECON)) {
        if (!enc)
            SKIP("reconstructions (loss %s has no encoder)", r->c.loss);
        else
            rc = fig_recon(s);
    }
    if (rc == LG_OK && (what & LG_SAMPLE_INTERP))
        rc = fig_interp(s);
    if (rc == LG_OK && (what & LG_SAMPLE_NEIGHBOURS))
        rc = fig_neighbours(s);
#undef SKIP
    if (rc == LG_OK && !s->files.n) /* all asked for was skipped */
        return lg_seterr(LG_EINVAL, "%s: nothing to draw: %s", r->c.out, skipped);
    if (rc == LG_OK && k && s->log)
        fprintf(s->log, "litgan sample: skipped: %s\n", skipped);
    return rc;
}

int lg_run_sample(const lg_sample_config *c, FILE *log)
{
    if (!c->run)
        return lg_seterr(LG_EINVAL, "name the run's folder (litgan sample RUN)");
    if (c->n < 1 || c->n > MAX_GRID)
        return lg_seterr(LG_EINVAL, "--n %ld: a grid holds 1 to %d images", c->n, MAX_GRID);
    if (c->seed != LG_UNSET && (c->seed < 1 || (unsigned long)c->seed > 0xfffffffful))
        return lg_seterr(LG_EINVAL, "--seed %ld: seeds are 1..4294967295", c->seed);
    unsigned what = c->what ? c->what : LG_SAMPLE_ALL;
    if (what & ~(unsigned)LG_SAMPLE_ALL)
        return lg_seterr(LG_EINVAL, "unknown figures asked for (bits %#x)", what & ~(unsigned)LG_SAMPLE_ALL);
    lg_run *r;
    int rc = lg_run_load(c->run, &r);
    if (rc != LG_OK)
        return rc;
    sampler s = { .r = r, .seed = c->seed == LG_UNSET ? r->c.seed : c->seed, .log = log };
    r->c.quiet = log == NULL; /* a classifier trained on first use says so (lg_run_image_scores) */
    if (!lg_dataset_image_shape(r->ds, &s.h, &s.w)) {
        rc = r->ds->dim <= 2
             ? lg_seterr(LG_EINVAL, "%s: data %s is %zu-D points, not images: its figure is %s/samples.png, which "
                         "litgan train draws", c->run, r->c.data, r->ds->dim, c->run)
             : lg_seterr(LG_EINVAL, "%s: data %s has %zu values per sample but no image shape: there is nothing "
                         "to draw", c->run, r->c.data, r->ds->dim);
        lg_run_close(r);
        return rc;
    }
    char out[4200];
    if (c->out)
        snprintf(out, sizeof out, "%s", c->out);
    else
        snprintf(out, sizeof out, "%s/sample", c->run);
    s.out = out;
    if ((rc = prepare_out(out)) == LG_OK) {
        rc = sample_images(&s, what, (size_t)c->n);
        /* what was written is listed even after a failure: the next sample replaces it */
        int mrc = write_marker(&s);
        if (rc == LG_OK)
            rc = mrc;
    }
    lg_strvec_free(&s.files);
    lg_run_close(r);
    return rc;
}
