/*
 * exp.h - what the parts of `litgan lab 05` share: experiment.c (lab.ini, the
 * driver, settings.gp, results.md) and exp_train.c (one training run observed
 * at every log row). Internal to the lab (built into lab.so and, unused, into
 * hidden.so; -fvisibility=hidden keeps the names out of both).
 */
#ifndef LG_LAB05_EXP_H
#define LG_LAB05_EXP_H

#include "lab05.h"

#include <stdio.h>

#define EXP_MAX_LAMBDAS 8
#define EXP_SPEC 4400

/* lab.ini's [experiment] (experiment.c reads it). */
typedef struct exp_config {
    lg_labkit_gan gan; /* data, g, d, batch, steps, seed (ring8) */
    long log_every, qp_d_steps, wgan_d_steps;
    double lambda, clip;
    char opt_qp[128], opt_wgan[128], opt_free[128], opt_gp[128], lambdas_text[256];
    double lambdas[EXP_MAX_LAMBDAS];
    size_t n_lambdas;
    char mnist_data[256], mnist_g[256], mnist_d[256];
    long mnist_batch, mnist_steps, mnist_log_every, mnist_samples;
    long mnist_runs; /* the first 0..4 of GAN-QP, WGAN, free, GP on MNIST */
} exp_config;

/* The student's files as they stand: the built plugins (ganqp.c of this lab,
 * wgan.c and clip.c of Lab 03) and optimal.c's optimal gap (NULL when not
 * implemented yet: lambda d is used instead, said in results.md). */
typedef struct exp_student {
    const char *ganqp_so, *wgan_so, *clip_so;
    lg_lab05_opt_fn gap;
} exp_student;

/* One training run: its loss and regularizer specs, optimizer, critic steps,
 * and the lambda and metric of the ratio |Delta| / Delta* it is watched with. */
typedef struct exp_spec {
    char name[32];      /* the CSV's name: train_NAME.csv */
    char title[96];
    char loss[EXP_SPEC], reg[EXP_SPEC]; /* reg "": none but the loss's own */
    char opt[128];
    long d_steps;
    double lambda;
    int l2, mnist;
} exp_spec;

/* A log row: the last step's objectives and G's gradient norm, the critic's gap
 * mean D(x_r) - mean D(G(z)) on fixed pairs, the ratio |Delta_i| / Delta*_i over
 * them (mean, largest, share above 1), the critic's largest |parameter|, and
 * the quality (ring8: sliced W1, % high quality, modes; MNIST: FID, classes). */
typedef struct exp_row {
    long step;
    double loss_d, loss_g, gnorm_g, gap, ratio_mean, ratio_max, above, wmax;
    double sliced_w1, hq, modes, fid, classes;
} exp_row;

typedef struct exp_out {
    exp_row *rows;
    size_t n;
    double secs;
    double *samples; /* ring8: 2 x EXP_SAMPLES values of G at the end; MNIST: EXP_IMAGES images */
} exp_out;

#define EXP_SAMPLES 1000
#define EXP_IMAGES 8

/* Train spec (ring8 with c->gan, or MNIST with c->mnist_*), observing it at
 * every log row; writes train_NAME.csv (and run-NAME/). */
int exp_train(const exp_config *c, const exp_student *s, const exp_spec *spec, const char *dir, exp_out *o);
void exp_out_free(exp_out *o);

#endif
