/*
 * exp.h - what the parts of `litgan lab 03` share: experiment.c (lab.ini, the
 * driver, settings.gp, results.md), exp_game.c (the hand-built game of parts 1
 * and 2), exp_lines.c (part 1), exp_estimate.c (part 2) and exp_train.c
 * (part 3). Internal to the lab: the Makefile builds these files into lab.so
 * and, being neither grade.c nor experiment.c, into hidden.so too, where
 * nothing calls them; they only call each other and the libraries, so that
 * copy links and loads, and -fvisibility=hidden keeps the names out of both
 * objects' symbol tables.
 */
#ifndef LG_LAB03_EXP_H
#define LG_LAB03_EXP_H

#include "lab03.h"

#include <stdio.h>

#define EXP_MAX_LIST 16
#define EXP_TRACE_POINTS 40 /* rows of a critic's estimate over training */

/* lab.ini's [experiment] (experiment.c reads it). */
typedef struct exp_config {
    lg_labkit_gan gan; /* data, g, d, batch, steps, seed (ring8 part) */
    double thetas[3], theta_far, far_clip, clip, c_mean;
    char lines_d[128], lines_opt[128], far_d[128], far_opt_gan[128], far_opt_wgan[128];
    char means_text[256], clips_text[256], mixture_data[256], critic[128], critic_opt[128];
    char opt_wgan[128], opt_adam[128], opt_gan[128], opt_gp[128];
    long lines_steps, lines_batch, far_steps, critic_steps, critic_batch, samples, log_every;
    double means[EXP_MAX_LIST], clips[EXP_MAX_LIST];
    size_t n_means, n_clips;
} exp_config;

/* The student's files as they stand: the functions of w1.c (NULL when not
 * implemented yet) and the built loss and regularizer plugins. */
typedef struct exp_student {
    lg_lab03_w1_fn sorted;
    lg_lab03_line_fn w1, js;
    const char *gan_so;  /* Lab 01's gan.c */
    const char *wgan_so; /* wgan.c */
    const char *clip_so; /* clip.c */
} exp_student;

/* ------------------------------------------------ exp_game.c: one game --- */

/* A game of G and D built by hand (not a run: parts 1 and 2 set G themselves
 * and fill the batches), with optimizers for both nets. */
typedef struct exp_game {
    lg_game *g;
    gsl_rng *rng;
    lg_optim *opt[LG_NET_COUNT];
} exp_game;

/* G (g_spec, initialised from seed) and D (d_spec) with the loss at loss_spec
 * and, when reg_spec is not NULL, a regularizer; opt_d for D, plain SGD for G
 * (which these parts never step). */
int exp_game_open(exp_game *s, const char *g_spec, const char *d_spec, size_t batch, unsigned long seed,
                  const char *loss_spec, const char *reg_spec, const char *opt_d);
void exp_game_free(exp_game *s);
/* One step of D on the batches as they are; errors say "WHAT, step N: why". */
int exp_d_step(exp_game *s, const char *what, long step);
/* The critic's estimate mean f(x) - mean f(y) on x: (n, d), y: (n, d); work: (n, 1). */
double exp_critic_estimate(lg_net *D, const gsl_matrix *x, const gsl_matrix *y, gsl_matrix *work);

/* ---------------------------------- exp_lines.c: part 1, disjoint supports --- */

typedef struct exp_lines_out {
    size_t n;
    double *theta, *js_closed, *w1_closed, *js_est, *w1_est; /* one allocation, at theta */
    /* the distant generator: G's gradient norm after D's first step, its last and
     * its largest (discriminator, critic); mean D(G(z)) and the critic's estimate at the end */
    double far_g0[2], far_g1[2], far_gmax[2], far_dfake1, far_est1;
    double secs;
} exp_lines_out;

/* lines.csv and far.csv. */
int exp_lines_part(const exp_config *c, const exp_student *s, const char *dir, exp_lines_out *o);
void exp_lines_free(exp_lines_out *o);

/* ------------------------- exp_estimate.c: part 2, what the critic estimates --- */

typedef struct exp_estimate_out {
    double w1_gauss[EXP_MAX_LIST], est_gauss[EXP_MAX_LIST], w1_mix[EXP_MAX_LIST], est_mix[EXP_MAX_LIST];
    double w1_sorted_gauss[EXP_MAX_LIST];
    double ratio_c[EXP_MAX_LIST];
    double secs;
} exp_estimate_out;

/* estimate.csv, clip.csv and final.csv. */
int exp_estimate_part(const exp_config *c, const exp_student *s, const char *dir, exp_estimate_out *o);

/* ----------------------------------- exp_train.c: part 3, training on ring8 --- */

enum { EXP_RUN_GAN, EXP_RUN_WGAN, EXP_RUN_ADAM, EXP_RUN_GP, EXP_N_RUNS };
extern const char *const exp_run_name[EXP_N_RUNS];  /* gan, wgan, ...: train_NAME.csv */
extern const char *const exp_run_title[EXP_N_RUNS];

typedef struct exp_train_row {
    long step;
    double est, sliced_w1, hq, modes;
} exp_train_row;

typedef struct exp_train_out {
    exp_train_row *rows[EXP_N_RUNS];
    size_t n[EXP_N_RUNS];
    double secs[EXP_N_RUNS], corr[EXP_N_RUNS], at_bound;
    size_t n_weights;
    double *weights; /* the WGAN critic's parameters / c at the end */
} exp_train_out;

/* The four runs (train_NAME.csv, run-NAME/) and weights.csv. */
int exp_train_part(const exp_config *c, const exp_student *s, const char *dir, exp_train_out *o);
void exp_train_free(exp_train_out *o);

#endif
