/*
 * exp.h - what the parts of `litgan lab 04` share (experiment.c, exp_dirac.c,
 * exp_engine.c): the settings of lab.ini, the student's functions, and the
 * numbers results.md reports.
 */
#ifndef LG_LAB04_EXP_H
#define LG_LAB04_EXP_H

#include "lab04.h"

#include <stdio.h>

#define EXP_MAX_DIRAC 4000

typedef struct exp_config {
    long seed;
    double h;                 /* step size of the Dirac-GAN's trajectories */
    long steps;               /* their steps */
    double start[2];          /* (theta, psi) */
    long arrows;              /* quiver arrows per axis on [-lim, lim]^2 */
    double lim;
    double gammas[3];         /* gamma from, to, points */
    double gamma_dirac;       /* consensus on the Dirac-GAN through the engine */
    double gamma_big;         /* the too-large gamma of the spurious stationary point */
    long ring_steps, ring_every, ring_batch, ring_samples;
    double ring_gamma, ring_lr;
    char ring_g[64], ring_d[64];
} exp_config;

/* The student's functions (NULL: that task is not implemented yet). */
typedef struct exp_student {
    lg_lab04_dirac_fn field, jacobian;
    lg_lab04_eigen_fn eigen;
    lg_lab04_max_step_fn max_step;
    const char *consensus_so; /* the built plugins/consensus.c */
    const char *gan_so, *nsgan_so; /* Lab 01's and Lab 02's loss files, built (NULL: not there) */
} exp_student;

/* What results.md reports. */
typedef struct exp_results {
    /* per loss (minimax, nonsat, wgan): distance to the equilibrium after the
     * trajectory, simultaneous and alternating; the engine's largest deviation
     * from the closed-form trajectory (NaN when not run) */
    double r_sim[3], r_alt[3], r_alt_max[3], r_alt_min[3], eng_dev[3];
    double growth_sim[3];     /* |1 - h mu| of the equilibrium's eigenvalues (closed form) */
    double det_alt[3];        /* the alternating map's determinant at the equilibrium */
    /* eigenvalues at the equilibrium (Task 4.2), gamma = 0, minimax and WGAN */
    double eq_re[2][2], eq_im[2][2];
    double eig_dev;           /* eigen.c against the closed form over the gamma sweep */
    double best_gamma[2], best_h[2]; /* the sweep's largest h_max and its gamma */
    /* consensus on the Dirac-GAN through the engine */
    double cons_r, cons_dev, plain_r;
    /* the ring */
    double ring_modes[2], ring_hq[2], ring_w1[2], ring_secs[2];
    /* the spurious stationary point (non-saturating Dirac-GAN, gamma_big) */
    int spur_found;
    double spur_psi, spur_theta, spur_v, spur_w, spur_re[2], spur_im[2], spur_end[2], spur_h;
    double secs_closed, secs_engine;
    char notes[1024];
} exp_results;

int exp_dirac_part(const exp_config *c, const exp_student *s, const char *dir, exp_results *r);
int exp_engine_part(const exp_config *c, const exp_student *s, const char *dir, exp_results *r);
/* append a note for results.md */
void exp_note(exp_results *r, const char *text);

#endif
