/*
 * image_figures.h - internal to the engine: figures of images (image_figures.c)
 * and the fixed-noise snapshots of a training run. A figure is a mosaic of
 * images written as a gnuplot matrix (NAME.dat) with its script beside it
 * (NAME.gp, drawing NAME.png); litgan train (run_figures.c) and litgan sample
 * (run_sample.c) draw through it.
 */
#ifndef LG_IMAGE_FIGURES_H
#define LG_IMAGE_FIGURES_H

#include "lg_impl.h"

/* The random streams of the image figures (lg_seed_stream of a seed): never
 * the training stream, never those of the log and the samples (1 to 3). */
enum {
    LG_STREAM_FIXED_NOISE = 11, /* the z of the snapshots during training */
    LG_STREAM_GRID = 12,        /* the sample grid, the per-class grid, the neighbours */
    LG_STREAM_INTERP = 13       /* the end points of the interpolations */
};

/* Images at the fixed noise: 8 z, one row of the fixed-noise figure. */
#define LG_FIXED_NOISE_N 8
/* Rows of the fixed-noise figure at most (spread evenly over the snapshots). */
#define LG_FIXED_NOISE_ROWS 10

/* What a data file holds between cells (drawn as the background grey);
 * pixels are in [-1, 1] (black..white). */
#define LG_MOSAIC_GAP 2.0

/* A mosaic: rows x cols cells, each an image of (h, w) pixels or blank, one
 * pixel of gap between cells (wide_after: a wider gap after that many
 * columns; 0 for none). cell: rows * cols row indices into img, -1 for a
 * blank cell; NULL: cell i holds image i (blank past img's rows). The labels
 * may be NULL, each string too. */
typedef struct lg_mosaic {
    size_t h, w, rows, cols;
    const gsl_matrix *img;          /* (n, h * w), row-major images */
    const long *cell;
    size_t wide_after;
    const char *title;
    const char *const *row_label;   /* left of each row */
    const char *const *right_label; /* right of each row */
    const char *const *col_label;   /* above each column */
    const char *note;               /* a line under the mosaic */
} lg_mosaic;

/* The matrix's size in pixels (with the gaps). */
void lg_mosaic_size(const lg_mosaic *m, size_t *height, size_t *width);
/* DIR/NAME.dat (the matrix gnuplot reads with `matrix with image`, the top
 * row first) and DIR/NAME.gp (draws DIR/NAME.png, of png_w x png_h pixels;
 * either may be NULL); atomically. */
int lg_mosaic_write(const char *dir, const char *name, const lg_mosaic *m, size_t *png_w, size_t *png_h);

/* The k nearest rows of ref to each row of q in Euclidean distance: idx and
 * d2 (q->size1 x k each, nearest first) hold the best so far, of squared
 * distances; start them with lg_knn_init and feed ref in chunks, its row i
 * numbered first + i (a dgemm per chunk: |q|^2 + |r|^2 - 2 q.r). */
void lg_knn_init(size_t n, size_t k, size_t *idx, double *d2);
void lg_knn_update(const gsl_matrix *q, const gsl_matrix *ref, size_t first, size_t k, size_t *idx, double *d2);
/* Over the train split of image data, in chunks. */
void lg_knn_train(const lg_dataset *ds, const gsl_matrix *q, size_t k, size_t *idx, double *d2);

/* Points on the lines from a's rows to b's: row i * steps + t is
 * (1 - u) a_i + u b_i, u = t / (steps - 1), exactly a_i and b_i at the ends. */
gsl_matrix *lg_interp_lines(const gsl_matrix *a, const gsl_matrix *b, size_t steps);

/* The data as titles name it: its spec, or its kind when the spec is long
 * (idx:images=PATH,...). */
const char *lg_data_title(const lg_run *r);

/* n standard normal rows of z_dim from stream `stream` of seed. */
gsl_matrix *lg_noise(long seed, unsigned long stream, size_t n, size_t z_dim);

/* The fixed-noise snapshot of a training step (run_log.c calls it at each log
 * row): G at LG_FIXED_NOISE_N fixed z, in eval mode, appended to
 * RUN/fixed_noise_snapshots.dat. Image data only (else nothing). The first call of a
 * process starts the file (a new run) or drops its rows after the step the
 * run resumed from (as log.csv's). */
int lg_run_fixed_noise_snapshot(lg_run *r);
/* The figures of the training run (image data), written into dir: the sample
 * grid grid.{dat,gp} (n images of stream LG_STREAM_GRID of seed) and the
 * fixed-noise grid fixed_noise.{dat,gp} from
 * RUN/fixed_noise_snapshots.dat (false in *drawn when there is no
 * snapshot). */
int lg_image_grid_figure(lg_run *r, const char *dir, size_t n, long seed);
int lg_fixed_noise_figure(lg_run *r, const char *dir, bool *drawn);

#endif
