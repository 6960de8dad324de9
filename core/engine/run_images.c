/*
 * run_images.c - the images of a training run on image data: the fixed-noise
 * snapshots while it trains (RUN/fixed_noise_snapshots.dat, a line per image: step,
 * image, pixels), and the two figures drawn from a run, the sample grid and
 * the fixed-noise grid (rows: snapshots at increasing steps; columns: the
 * same z each time), which litgan train leaves in the run folder and litgan
 * sample draws again.
 */
#include "image_figures.h"
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_FILE "fixed_noise_snapshots.dat"
#define SNAP_MAX_BYTES (1L << 30)

const char *lg_data_title(const lg_run *r)
{
    return strlen(r->c.data) <= 24 ? r->c.data : r->ds->name;
}

/* G at n z of stream `stream` of seed, in eval mode (lg_net_forward). */
static gsl_matrix *generate(lg_run *r, long seed, unsigned long stream, size_t n)
{
    lg_net *G = r->g.net[LG_NET_G];
    gsl_matrix *z = lg_noise(seed, stream, n, G->in_dim);
    gsl_matrix *x = gsl_matrix_alloc(n, G->out_dim);
    lg_net_forward(G, z, x);
    gsl_matrix_free(z);
    return x;
}

/* The lines of the snapshot file to keep on resume: comments, and the rows
 * of steps <= step (those after the checkpoint are made again). */
static int truncate_snapshots(const char *path, long step)
{
    size_t len = 0;
    char *text = lg_read_file(path, &len);
    if (!text)
        return errno == ENOENT ? LG_OK : lg_seterr(LG_EIO, "%s: cannot read (%s)", path, strerror(errno));
    size_t keep = 0;
    for (size_t p = 0; p < len;) {
        char *nl = memchr(text + p, '\n', len - p);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        if (text[p] != '#' && strtol(text + p, NULL, 10) > step)
            break; /* the rows come in order of steps */
        keep = end;
        p = end;
    }
    int rc = LG_OK;
    if (keep < len && (rc = lg_write_atomic(path, text, keep)) != LG_OK)
        rc = lg_seterr(rc, "%s: cannot rewrite (%s)", path, lg_errmsg());
    free(text);
    return rc;
}

int lg_run_fixed_noise_snapshot(lg_run *r)
{
    size_t h, w;
    if (!lg_dataset_image_shape(r->ds, &h, &w))
        return LG_OK;
    char path[4200];
    snprintf(path, sizeof path, "%s/" SNAP_FILE, r->c.out);
    /* called after each log row: the first row of this process (n_rows 1)
     * starts the file anew, or trims it to the step a resumed run began at */
    bool first = r->n_rows == 1;
    int rc;
    if (first && r->c.resume && (rc = truncate_snapshots(path, r->step_first)) != LG_OK)
        return rc;
    FILE *f = fopen(path, first && !r->c.resume ? "w" : "a");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write the fixed-noise snapshots (%s)", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0)
        fprintf(f, "# " SNAP_FILE " - litgan train: G(z) in eval mode at the same %d z (stream %d of seed %ld) "
                "at every log row, images of %zu x %zu pixels in [-1, 1]\n# step image pixels...\n",
                LG_FIXED_NOISE_N, LG_STREAM_FIXED_NOISE, r->c.seed, h, w);
    gsl_matrix *x = generate(r, r->c.seed, LG_STREAM_FIXED_NOISE, LG_FIXED_NOISE_N);
    for (size_t i = 0; i < x->size1; i++) {
        fprintf(f, "%ld %zu", r->step, i);
        for (size_t j = 0; j < x->size2; j++)
            fprintf(f, " %.4g", gsl_matrix_get(x, i, j));
        fputc('\n', f);
    }
    gsl_matrix_free(x);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return lg_seterr(LG_EIO, "%s: write failed (disk full?)", path);
    return LG_OK;
}

int lg_image_grid_figure(lg_run *r, const char *dir, size_t n, long seed)
{
    size_t h, w;
    LG_ASSERT(lg_dataset_image_shape(r->ds, &h, &w) && n > 0, "a sample grid of image data");
    gsl_matrix *x = generate(r, seed, LG_STREAM_GRID, n);
    size_t cols = (size_t)ceil(sqrt((double)n));
    char title[LG_NAME_MAX * 4 + 160];
    snprintf(title, sizeof title, "%s on %s: %zu samples G(z), step %ld, seed %ld", r->c.loss, lg_data_title(r), n,
             r->step, seed);
    lg_mosaic m = { .h = h, .w = w, .rows = (n + cols - 1) / cols, .cols = cols, .img = x, .title = title };
    int rc = lg_mosaic_write(dir, "grid", &m, NULL, NULL);
    gsl_matrix_free(x);
    return rc;
}

/* The snapshots of RUN/fixed_noise_snapshots.dat: their steps (one per snapshot, in
 * order) and images (LG_FIXED_NOISE_N per snapshot). */
typedef struct snapshots {
    long *step;
    size_t n;
    gsl_matrix *img;
} snapshots;

static int read_snapshots(const char *path, size_t dim, snapshots *s)
{
    memset(s, 0, sizeof *s);
    size_t len = 0;
    char *text = lg_read_file(path, &len);
    if (!text)
        return errno == ENOENT ? LG_OK : lg_seterr(LG_EIO, "%s: cannot read (%s)", path, strerror(errno));
    if (len > SNAP_MAX_BYTES) {
        free(text);
        return lg_seterr(LG_EFORMAT, "%s: over 1 GiB, not the snapshots litgan writes", path);
    }
    size_t lines = 0, cap = 0;
    double *px = NULL;
    int rc = LG_OK;
    for (char *p = text, *next; *p && rc == LG_OK; p = next) {
        next = strchr(p, '\n');
        next = next ? next + 1 : p + strlen(p);
        lines++;
        if (*p == '#')
            continue;
        char *e;
        long step = strtol(p, &e, 10);
        long k = strtol(e, &e, 10);
        size_t at = s->n ? s->n - 1 : 0;
        if (k == 0) { /* a new snapshot */
            if (s->n == cap) {
                cap = 2 * cap + 16;
                s->step = lg_xrealloc(s->step, cap * sizeof *s->step);
                px = lg_xrealloc(px, cap * LG_FIXED_NOISE_N * dim * sizeof *px);
            }
            at = s->n++;
            s->step[at] = step;
        }
        if (k < 0 || k >= LG_FIXED_NOISE_N || !s->n || s->step[at] != step) {
            rc = lg_seterr(LG_EFORMAT, "%s: line %zu is not a snapshot's image (\"STEP IMAGE PIXELS...\", "
                           "images 0..%d of one step in order)", path, lines, LG_FIXED_NOISE_N - 1);
            break;
        }
        double *row = px + (at * LG_FIXED_NOISE_N + (size_t)k) * dim;
        for (size_t j = 0; j < dim && rc == LG_OK; j++) {
            char *q = e;
            row[j] = strtod(q, &e);
            if (e == q)
                rc = lg_seterr(LG_EFORMAT, "%s: line %zu has fewer than %zu pixels", path, lines, dim);
        }
    }
    free(text);
    if (rc == LG_OK && s->n) {
        s->img = gsl_matrix_alloc(s->n * LG_FIXED_NOISE_N, dim);
        memcpy(s->img->data, px, s->n * LG_FIXED_NOISE_N * dim * sizeof *px);
    }
    free(px);
    if (rc != LG_OK) {
        free(s->step);
        s->step = NULL;
    }
    return rc;
}

int lg_fixed_noise_figure(lg_run *r, const char *dir, bool *drawn)
{
    size_t h, w;
    *drawn = false;
    if (!lg_dataset_image_shape(r->ds, &h, &w))
        return LG_OK;
    char path[4200];
    snprintf(path, sizeof path, "%s/" SNAP_FILE, r->c.out);
    snapshots s;
    int rc = read_snapshots(path, h * w, &s);
    if (rc != LG_OK || !s.n)
        return rc;
    /* at most LG_FIXED_NOISE_ROWS rows, spread evenly, the first and the last kept */
    size_t rows = s.n < LG_FIXED_NOISE_ROWS ? s.n : LG_FIXED_NOISE_ROWS;
    long *cell = lg_xmalloc(rows * LG_FIXED_NOISE_N * sizeof *cell);
    char (*label)[32] = lg_xmalloc(rows * sizeof *label);
    const char **labels = lg_xmalloc(rows * sizeof *labels);
    for (size_t i = 0; i < rows; i++) {
        size_t k = rows == 1 ? s.n - 1 : (size_t)llround((double)i * (double)(s.n - 1) / (double)(rows - 1));
        for (size_t j = 0; j < LG_FIXED_NOISE_N; j++)
            cell[i * LG_FIXED_NOISE_N + j] = (long)(k * LG_FIXED_NOISE_N + j);
        snprintf(label[i], sizeof label[i], "step %ld", s.step[k]);
        labels[i] = label[i];
    }
    char title[LG_NAME_MAX * 4 + 160];
    snprintf(title, sizeof title, "%s on %s: G at the same %d z over training, seed %ld", r->c.loss, lg_data_title(r),
             LG_FIXED_NOISE_N, r->c.seed);
    char note[128];
    snprintf(note, sizeof note, "%zu of %zu snapshots (one per log row)", rows, s.n);
    lg_mosaic m = { .h = h, .w = w, .rows = rows, .cols = LG_FIXED_NOISE_N, .img = s.img, .cell = cell,
                    .title = title, .row_label = labels, .note = note };
    rc = lg_mosaic_write(dir, "fixed_noise", &m, NULL, NULL);
    *drawn = rc == LG_OK;
    free(cell);
    free(label);
    free(labels);
    free(s.step);
    gsl_matrix_free(s.img);
    return rc;
}
