/*
 * lab03.h - what Lab 03's grade.c, grade_hidden.c, refs.c, child.c and
 * experiment.c share (not student code: the student's files are wgan.c,
 * clip.c and w1.c). The probes and the lab kit are the course library's
 * (litgan/course.h).
 */
#ifndef LG_LAB03_H
#define LG_LAB03_H

#include "litgan/course.h"

/* ------------------------------------------------ Task 3.3: w1.c's functions */

/* W1 between the empirical distributions of x[0..n) and y[0..n). */
typedef double (*lg_lab03_w1_fn)(const double *x, const double *y, size_t n);
/* W1 or JS between P_0 and P_theta, the two parallel lines. */
typedef double (*lg_lab03_line_fn)(double theta);

/* The input of the computation "w1" (child.c): two samples of n values; it
 * returns W1, then x and y as the call left them (2n + 1 values). */
#define LG_LAB03_W1_MAX 500
typedef struct lg_lab03_w1_arg {
    size_t n;
    double x[LG_LAB03_W1_MAX], y[LG_LAB03_W1_MAX];
} lg_lab03_w1_arg;

/* The input of "lines": offsets theta; it returns W1 at each, then JS at each. */
#define LG_LAB03_LINES_MAX 64
typedef struct lg_lab03_lines_arg {
    size_t n;
    double theta[LG_LAB03_LINES_MAX];
} lg_lab03_lines_arg;

/* ------------------------------------------- Task 3.2: one step of the game */

/* The input of "clip_step" (child.c): a game of G (g_spec) and D (d_spec) whose
 * parameters are set to theta_g and theta_d, batches filled by hand, the loss
 * lg_lab03_step_loss below, the student's clip.c with c, plain SGD with rate lr
 * for both nets, and one step of player (the engine's own, lg_game_step). It
 * returns the parameters after the step, [theta_D, theta_G]. */
#define LG_LAB03_STEP_PARAMS 64
#define LG_LAB03_STEP_BATCH 8
typedef struct lg_lab03_step_arg {
    char g_spec[32], d_spec[32];
    double theta_d[LG_LAB03_STEP_PARAMS], theta_g[LG_LAB03_STEP_PARAMS];
    double c, lr;
    lg_player player;
    size_t batch;                                   /* <= LG_LAB03_STEP_BATCH */
    double x_real[LG_LAB03_STEP_BATCH * 2];         /* (batch, x_dim), x_dim <= 2 */
    double z[LG_LAB03_STEP_BATCH * 2];              /* (batch, z_dim), z_dim <= 2 */
} lg_lab03_step_arg;

/* The loss of that game, written here so that Task 3.2 is graded whatever
 * wgan.c holds (s = D's output, x_f = G(z)):
 *   D minimises  -mean s(x_r) + 1/2 mean s(x_f)^2     (every critic parameter moves)
 *   G minimises  -mean s(x_f) */
static inline lg_node *lg_lab03_step_d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *sr = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *sf = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_neg(t, lg_mean(t, sr)), lg_scale(t, lg_mean(t, lg_square(t, sf)), 0.5));
}
static inline lg_node *lg_lab03_step_g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    return lg_neg(t, lg_mean(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)))));
}
#define LG_LAB03_STEP_LOSS                                                                                  \
    { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin), .kind = LG_PLUGIN_KIND_LOSS, \
      .name = "lab03-step", .title = "-mean s(x_r) + 1/2 mean s(x_f)^2 for D, -mean s(x_f) for G",       \
      .d_loss = lg_lab03_step_d_loss, .g_loss = lg_lab03_step_g_loss }

/* Build that game (without the regularizer): nets parsed and set, batches
 * filled; LG_OK or a status with lg_errmsg set. rng is the game's. In the
 * header: the runner (child.c) and the grading process (refs.c) build it alike. */
static inline int lg_lab03_step_game(const lg_lab03_step_arg *a, gsl_rng *rng, lg_game **out)
{
    lg_net *G = NULL, *D = NULL;
    int rc = lg_net_parse(a->g_spec, &G);
    if (rc == LG_OK)
        rc = lg_net_parse(a->d_spec, &D);
    if (rc == LG_OK && (a->batch < 1 || a->batch > LG_LAB03_STEP_BATCH || lg_net_in_dim(G) > 2 ||
                        lg_net_in_dim(D) > 2 || lg_net_out_dim(G) != lg_net_in_dim(D)))
        rc = lg_seterr(LG_EINVAL, "lab 03: the step game's nets or batch do not fit its input");
    size_t nd = 0, ng = 0;
    double *td = rc == LG_OK ? lg_net_params(D, &nd) : NULL, *tg = rc == LG_OK ? lg_net_params(G, &ng) : NULL;
    if (rc == LG_OK && (nd > LG_LAB03_STEP_PARAMS || ng > LG_LAB03_STEP_PARAMS))
        rc = lg_seterr(LG_EINVAL, "lab 03: the step game has more than %d parameters a net", LG_LAB03_STEP_PARAMS);
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

/* ------------------------------------------------------------- refs.c --- */

/* The WGAN losses in closed form at a probe's logits (linear in them, so exact
 * at any value): d_loss = mean s_f - mean s_r (cr = -1/B, cf = 1/B), g_loss =
 * -mean s_f (cr = 0, cf = -1/B). */
double lg_lab03_wgan_d_ref(const lg_probe *pr, double *cr, double *cf);
double lg_lab03_wgan_g_ref(const lg_probe *pr, double *cr, double *cf);
/* Exact W1 of two equal-size samples, the grader's own: the minimum over every
 * permutation (n <= 8), and by sorting copies (any n). */
double lg_lab03_w1_brute(const double *x, const double *y, size_t n);
double lg_lab03_w1_sort(const double *x, const double *y, size_t n);
/* What one step of the game of lg_lab03_step_arg must leave, computed in the
 * grading process: the step by SGD on the library's gradient, then D's
 * parameters clipped to [-c, c] after a critic step; into out, [theta_D,
 * theta_G]; how many values, 0 when the game cannot be built. */
size_t lg_lab03_step_expected(const lg_lab03_step_arg *a, double *out);

/* `litgan lab 03` (experiment.c) */
int lg_lab03_experiment(const lg_lab_run *run);

#endif
