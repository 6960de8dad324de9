/*
 * exp.h - what the parts of `litgan lab 06` share: experiment.c (lab.ini, the
 * driver, settings.gp, results.md), exp_loss.c (BiGAN-QP with the stops as a
 * parameter, for the ablation without them), exp_train.c (one training run and
 * its trace) and exp_images.c (reconstructions, interpolations, samples and the
 * codes' PCA). Internal to the lab: built into lab.so and, being neither
 * grade.c nor experiment.c, into hidden.so too, where nothing calls them.
 */
#ifndef LG_LAB06_EXP_H
#define LG_LAB06_EXP_H

#include "lab06.h"

#include <stdio.h>

/* lab.ini's [experiment] (experiment.c reads it). */
typedef struct exp_config {
    lg_labkit_gan gan;             /* data, g, d, opt_d, opt_g, batch, steps, seed, d_steps */
    char e[256], fashion[256];
    double beta1, beta2;
    long log_every, heldout, fid_samples, ablations, fashion_steps;
} exp_config;

/* The student's files as they stand. */
typedef struct exp_student {
    const char *loss_so;           /* biganqp.c, built */
    lg_lab06_recon_fn recon;       /* recon.c (NULL when not implemented yet) */
    lg_lab06_by_class_fn by_class;
} exp_student;

/* The runs: the full model, the ablations, the full model on Fashion-MNIST. */
enum { RUN_FULL, RUN_NONE, RUN_LATENT, RUN_IMAGE, RUN_NOSTOP, RUN_FASHION, N_RUNS };
extern const char *const exp_run_name[N_RUNS];  /* full, none, ...: train_NAME.csv */
extern const char *const exp_run_title[N_RUNS];

typedef struct exp_row {
    long step;
    double loss_d, loss_g, recon, latent, fid, classes, inception;
} exp_row;

typedef struct exp_run_out {
    exp_row *rows;
    size_t n;
    double secs;
    bool done;
    double by_class[LG_LAB06_RECON_K]; /* the held-out error per class at the end */
} exp_run_out;

/* ------------------------------------------------ exp_loss.c: ablation --- */

/* BiGAN-QP with parameters lambda, beta1, beta2 and stop = both|none (none:
 * neither guidance term stops a gradient, so each trains G and E). */
extern const lg_plugin exp_biganqp_stops;

/* ------------------------------------------------ exp_train.c: one run --- */

/* Train run `which` into dir/run-NAME and write train_NAME.csv; keeps the
 * trained run open in *keep (for the images) when keep is not NULL. */
int exp_train_run(const exp_config *c, const exp_student *s, int which, const char *dir, exp_run_out *o,
                  lg_run **keep);
void exp_run_free(exp_run_out *o);
/* The held-out images of ds: the first n (or all) into *x (n, dim), labels *y. */
int exp_heldout(const lg_dataset *ds, long want, gsl_matrix **x, int **y);

/* ------------------------------------ exp_images.c: what the nets draw --- */

typedef struct exp_pca {
    double share[2]; /* the variance share of the two components */
} exp_pca;

/* PCA of the codes E(x) of x (n, dim), labels y: codes.csv (pc1, pc2, label). */
int exp_codes(lg_run *run, const gsl_matrix *x, const int *y, const char *dir, const char *name, exp_pca *out);
/* One held-out image of each class (the first), on a row, into rows[0];
 * returns how many classes were found; idx gets their rows in x. */
size_t exp_class_examples(const gsl_matrix *x, const int *y, size_t *idx);
/* Images as a gnuplot matrix file: rows of images (n_rows, per_row, each
 * side x side pixels in [-1, 1]) written as intensities in [0, 1], top row
 * first; images NULL in a slot leave it grey. */
int exp_write_images(const char *dir, const char *name, const double *const *images, size_t n_rows,
                     size_t per_row, size_t side);
/* G(E(x)) of the rows idx of x into out (m, dim). */
void exp_reconstruct(lg_run *run, const gsl_matrix *x, const size_t *idx, size_t m, gsl_matrix *out);
/* interp.dat: G along the segment between E(x_a) and E(x_b) for each pair. */
int exp_interp(lg_run *run, const gsl_matrix *x, const size_t *pairs, size_t n_pairs, size_t steps,
               const char *dir);
/* samples NAME: an 8 x 8 grid of G(z), z from a stream of seed. */
int exp_samples(lg_run *run, long seed, const char *dir, const char *name);

#endif
