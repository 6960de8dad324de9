/*
 * lab05.h - what Lab 05's grade.c, grade_hidden.c, refs.c, child.c and the
 * experiment share (not student code: the student's files are plugins/ganqp.c
 * and labs/05-ganqp/optimal.c). The lab kit is the course library's
 * (litgan/course.h).
 */
#ifndef LG_LAB05_H
#define LG_LAB05_H

#include "litgan/course.h"

/* ------------------------------------------------- Task 5.1 and Task 5.2 --- */

/* The per-pair distance of ganqp.c (Task 5.1), exported by the plugin. */
typedef lg_node *(*lg_lab05_dist_fn)(lg_game *g, lg_node *x_real, lg_node *x_fake, const char *metric);

#define LG_LAB05_BATCH 8   /* pairs at most */
#define LG_LAB05_DIM 4     /* coordinates of x and z at most */
#define LG_LAB05_PARAMS 96 /* parameters of a net at most */

/* A small game for ganqp.c: G (g_spec) and D (d_spec) with their parameters
 * set to theta_g and theta_d (layer after layer: weight (out, in) row-major,
 * then bias), the batches given, the plugin's parameters lambda and metric
 * (l2: "l2", else "l1"). "qp_loss" returns the player's objective, then its
 * gradient with respect to [theta_D, theta_G]; "qp_dist" evaluates Task 5.1's
 * function alone on (x_real, G(z)) and returns the rows and columns of the
 * node it built, its B values (NaN when not (B, 1)), then the gradient of
 * sum_i (i + 1) d_i with respect to theta_G. */
typedef struct lg_lab05_game_arg {
    char g_spec[32], d_spec[32];
    double theta_d[LG_LAB05_PARAMS], theta_g[LG_LAB05_PARAMS];
    double lambda;
    int l2;
    lg_player player;
    size_t batch;
    double x_real[LG_LAB05_BATCH * LG_LAB05_DIM]; /* (batch, x_dim) */
    double z[LG_LAB05_BATCH * LG_LAB05_DIM];      /* (batch, z_dim) */
} lg_lab05_game_arg;

/* Build that game (no loss set): nets parsed and set, batches filled; LG_OK or
 * a status with lg_errmsg set. In the header: the runner (child.c) and the
 * grading process (refs.c) build it alike. */
static inline int lg_lab05_game(const lg_lab05_game_arg *a, gsl_rng *rng, lg_game **out)
{
    lg_net *G = NULL, *D = NULL;
    int rc = lg_net_parse(a->g_spec, &G);
    if (rc == LG_OK)
        rc = lg_net_parse(a->d_spec, &D);
    if (rc == LG_OK && (a->batch < 1 || a->batch > LG_LAB05_BATCH || lg_net_in_dim(G) > LG_LAB05_DIM ||
                        lg_net_in_dim(D) > LG_LAB05_DIM || lg_net_out_dim(G) != lg_net_in_dim(D) ||
                        lg_net_out_dim(D) != 1))
        rc = lg_seterr(LG_EINVAL, "lab 05: the game's nets or batch do not fit its input");
    size_t nd = 0, ng = 0;
    double *td = rc == LG_OK ? lg_net_params(D, &nd) : NULL, *tg = rc == LG_OK ? lg_net_params(G, &ng) : NULL;
    if (rc == LG_OK && (nd > LG_LAB05_PARAMS || ng > LG_LAB05_PARAMS))
        rc = lg_seterr(LG_EINVAL, "lab 05: more than %d parameters a net", LG_LAB05_PARAMS);
    if (rc != LG_OK) {
        lg_net_free(G);
        lg_net_free(D);
        return rc;
    }
    for (size_t i = 0; i < nd; i++)
        td[i] = a->theta_d[i];
    for (size_t i = 0; i < ng; i++)
        tg[i] = a->theta_g[i];
    if ((rc = lg_game_alloc(G, D, NULL, a->batch, rng, out)) != LG_OK)
        return rc;
    gsl_matrix *xr = lg_game_real_batch(*out), *z = lg_game_noise_batch(*out);
    for (size_t i = 0; i < xr->size1 * xr->size2; i++)
        xr->data[i] = a->x_real[i];
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = a->z[i];
    return LG_OK;
}

/* ------------------------------------------------------------ Task 5.3 --- */

typedef double (*lg_lab05_qp_fn)(double delta, double lambda, double d);
typedef double (*lg_lab05_opt_fn)(double lambda, double d);
typedef double (*lg_lab05_grad_fn)(const double *x_real, const double *x_fake, size_t n, double lambda, int l2,
                                   double *grad);

/* "closed": for each of n triples (delta, lambda, d) returns q, then Delta*, then
 * q(Delta*): 3n values. */
#define LG_LAB05_CLOSED_MAX 32
typedef struct lg_lab05_closed_arg {
    size_t n;
    double delta[LG_LAB05_CLOSED_MAX], lambda[LG_LAB05_CLOSED_MAX], d[LG_LAB05_CLOSED_MAX];
} lg_lab05_closed_arg;

/* "opt_grad": one pair of n coordinates; returns the norm, then grad[0..n)
 * (NaN-filled before the call: what the function left), then x_real and x_fake
 * as the call left them: 1 + 3n values. */
#define LG_LAB05_GRAD_MAX 64
typedef struct lg_lab05_grad_arg {
    size_t n;
    double lambda;
    int l2;
    double x_real[LG_LAB05_GRAD_MAX], x_fake[LG_LAB05_GRAD_MAX];
} lg_lab05_grad_arg;

/* ------------------------------------------------------------- refs.c --- */

/* The GAN-QP objective of player p (lambda, l2 of a) at the game's parameters
 * theta = [theta_D, theta_G], from the formulas in plain doubles (the nets by
 * lg_net_forward): d_loss = mean(-Delta + Delta^2 / (2 lambda d)), g_loss =
 * mean(Delta). NaN when the game cannot be built. */
double lg_lab05_loss_ref(const lg_lab05_game_arg *a, lg_player p, const double *theta);
/* The scores, and the distances of a's metric, of the B pairs at theta; the x
 * dimension (0 when the nets do not parse). */
size_t lg_lab05_pairs(const lg_lab05_game_arg *a, const double *theta, double *s_real, double *s_fake, double *d);
/* The distances d_i of (x_real, G(z)) at theta_G (into d, B values); sum_i w_i d_i. */
double lg_lab05_dist_ref(const lg_lab05_game_arg *a, const double *theta_g, double *d);
/* The parameter counts of a's nets (0 when they do not parse). */
size_t lg_lab05_count(const char *spec);
/* Centred differences (h = 1e-6 max(1, |theta_k|)) of f at theta for k in
 * [from, from + n): grad[k - from]. */
typedef double (*lg_lab05_fn)(const lg_lab05_game_arg *a, lg_player p, const double *theta);
void lg_lab05_fd(lg_lab05_fn f, const lg_lab05_game_arg *a, lg_player p, const double *theta, size_t from, size_t n,
                 double *grad);
/* theta = [theta_D, theta_G] of a (nd + ng values). */
void lg_lab05_theta(const lg_lab05_game_arg *a, double *theta, size_t *nd, size_t *ng);

/* `litgan lab 05` (experiment.c) */
int lg_lab05_experiment(const lg_lab_run *run);

#endif
