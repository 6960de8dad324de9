/*
 * lab06.h - what Lab 06's grade.c, grade_hidden.c, refs.c, child.c and the
 * experiment share (not student code: the student's files are biganqp.c and
 * recon.c). The lab kit and the sandboxed calls are the course library's
 * (litgan/course.h).
 */
#ifndef LG_LAB06_H
#define LG_LAB06_H

#include "litgan/course.h"

#include <stdio.h>

/* ------------------------------------------------- Task 6.3: recon.c --- */

/* The reconstruction error of n images of dim pixels (x, y: (n, dim), pixels
 * in [-1, 1]), in units of the [0, 1] intensity. */
typedef double (*lg_lab06_recon_fn)(const double *x, const double *y, size_t n, size_t dim);
/* The same per class: out[c] for c < k over the images labelled c. */
typedef void (*lg_lab06_by_class_fn)(const double *x, const double *y, const int *labels, size_t n, size_t dim,
                                     size_t k, double *out);

/* The input of the computation "recon" (child.c); it returns the error, then
 * the k per-class errors, then the value just past them, which must still be
 * LG_LAB06_UNTOUCHED (k + 2 values). */
#define LG_LAB06_UNTOUCHED (-12345.0)
#define LG_LAB06_RECON_N 48
#define LG_LAB06_RECON_DIM 16
#define LG_LAB06_RECON_K 10
typedef struct lg_lab06_recon_arg {
    size_t n, dim, k;
    double x[LG_LAB06_RECON_N * LG_LAB06_RECON_DIM], y[LG_LAB06_RECON_N * LG_LAB06_RECON_DIM];
    int labels[LG_LAB06_RECON_N];
} lg_lab06_recon_arg;

/* ------------------------------------- Tasks 6.1, 6.2: a game with E --- */

/* The input of the computation "game" (child.c): G (g_spec), the joint critic
 * D (d_spec, input x_dim + z_dim) and the encoder E (e_spec) with their
 * parameters set by hand, the batches x_real (batch, x_dim) and z (batch,
 * z_dim), and biganqp's parameters; it returns player's objective from the
 * student's biganqp.c, then its gradient with respect to every parameter of
 * the game, [theta_D, theta_G, theta_E] (lg_game_eval). */
#define LG_LAB06_PARAMS 64
#define LG_LAB06_BATCH 8
#define LG_LAB06_DIM 2
typedef struct lg_lab06_game_arg {
    char g_spec[32], d_spec[32], e_spec[32];
    double theta_d[LG_LAB06_PARAMS], theta_g[LG_LAB06_PARAMS], theta_e[LG_LAB06_PARAMS];
    double lambda, beta1, beta2;
    lg_player player;
    size_t batch;                                   /* <= LG_LAB06_BATCH */
    double x_real[LG_LAB06_BATCH * LG_LAB06_DIM];   /* (batch, x_dim) */
    double z[LG_LAB06_BATCH * LG_LAB06_DIM];        /* (batch, z_dim) */
} lg_lab06_game_arg;

/* Nets of a game argument, parsed and set to its parameters; LG_OK or a status
 * with lg_errmsg set. In the header: the runner (child.c) and the grading
 * process (refs.c) build them alike. */
static inline int lg_lab06_nets(const lg_lab06_game_arg *a, lg_net **G, lg_net **D, lg_net **E)
{
    *G = *D = *E = NULL;
    int rc = lg_net_parse(a->g_spec, G);
    if (rc == LG_OK)
        rc = lg_net_parse(a->d_spec, D);
    if (rc == LG_OK)
        rc = lg_net_parse(a->e_spec, E);
    if (rc == LG_OK) {
        size_t xd = lg_net_out_dim(*G), zd = lg_net_in_dim(*G);
        if (a->batch < 1 || a->batch > LG_LAB06_BATCH || xd > LG_LAB06_DIM || zd > LG_LAB06_DIM ||
            lg_net_in_dim(*E) != xd || lg_net_out_dim(*E) != zd || lg_net_in_dim(*D) != xd + zd ||
            lg_net_out_dim(*D) != 1)
            rc = lg_seterr(LG_EINVAL, "lab 06: the game's nets or batch do not fit together");
    }
    lg_net *nets[3] = { *D, *G, *E };
    const double *theta[3] = { a->theta_d, a->theta_g, a->theta_e };
    for (int k = 0; rc == LG_OK && k < 3; k++) {
        size_t n;
        double *p = lg_net_params(nets[k], &n);
        if (n > LG_LAB06_PARAMS)
            rc = lg_seterr(LG_EINVAL, "lab 06: more than %d parameters a net", LG_LAB06_PARAMS);
        for (size_t i = 0; rc == LG_OK && i < n; i++)
            p[i] = theta[k][i];
    }
    if (rc != LG_OK) {
        lg_net_free(*G);
        lg_net_free(*D);
        lg_net_free(*E);
        *G = *D = *E = NULL;
    }
    return rc;
}

/* biganqp's parameters of a game argument as text. */
static inline void lg_lab06_kv(const lg_lab06_game_arg *a, char *kv, size_t cap)
{
    snprintf(kv, cap, "lambda=%.17g,beta1=%.17g,beta2=%.17g", a->lambda, a->beta1, a->beta2);
}

/* ------------------------------------------------------------- refs.c --- */

/* The objective of a->player, computed in the grading process with the
 * library's own layers (no student code), and its gradient by centred
 * differences: out[0] the value, out[1..] d/dtheta in the game's order
 * [theta_D, theta_G, theta_E]. The guidance terms' stopped networks are held
 * at the point while the live ones move, which is what lg_stop_gradient
 * means. Returns how many values (1 + parameters), 0 when the nets do not fit. */
size_t lg_lab06_expected(const lg_lab06_game_arg *a, double *out);
/* The grader's own reconstruction error (Task 6.3): the mean over images and
 * pixels of ((x - y) / 2)^2; per class into out (NaN for an empty class). */
double lg_lab06_recon_ref(const double *x, const double *y, size_t n, size_t dim);
void lg_lab06_by_class_ref(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                           double *out);
/* A game argument with nets given by spec and parameters drawn uniformly in
 * [-scale, scale] (seeded), batches x in [-1, 1], z ~ N(0, 1) (seeded). */
lg_lab06_game_arg lg_lab06_random_game(const char *g, const char *d, const char *e, unsigned long seed,
                                       double scale, size_t batch, lg_player p);

/* `litgan lab 06` (experiment.c) */
int lg_lab06_experiment(const lg_lab_run *run);

#endif
