/*
 * test_losses.c - the loss plugins gan, wgan, ganqp, biganqp and lsgan.
 *
 * losses_values     objectives (and some gradients) at fixed inputs on tiny linear
 *                   networks whose weights are set by hand, against closed forms
 *                   derived in the comments; gan at logits +-1000; ganqp's per-pair
 *                   distance against the (B,1)-by-(B,) broadcast bug; wgan's logged
 *                   Wasserstein estimate.
 * losses_gradients  lg_check_plugin (centred differences in double) for every plugin
 *                   and parameter variant; biganqp's stopped gradients, exactly.
 * losses_runs       descriptors, the runner's defaults, `litgan check-plugin`, and a
 *                   short training run per plugin through lg_train_main.
 */
#include "lg_test.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

/* ----------------------------------------------------------------- helpers --- */

/* "ganqp:metric=l2" -> "BUILD/plugins/ganqp.so:metric=l2" */
static const char *plugin_spec(const char *spec)
{
    static char buf[4][PATH_MAX];
    static int k;
    char *b = buf[k++ % 4];
    size_t n = strcspn(spec, ":");
    snprintf(b, PATH_MAX, "%s/plugins/%.*s.so%s", lg_test_build_dir(), (int)n, spec, spec + n);
    return b;
}

#define test_plugin lg_test_plugin

typedef struct fixture {
    lg_game g;
    gsl_rng *rng;
} fixture;

/* A game of the given networks (espec may be NULL), randomly initialised, with
 * zeroed batches; the loss is opened by use_loss. */
static void setup(fixture *fx, const char *gspec, const char *dspec, const char *espec, size_t batch)
{
    memset(fx, 0, sizeof *fx);
    fx->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(fx->rng, 2018);
    lg_net *G, *D, *E = NULL;
    LG_ASSERT(lg_net_parse(gspec, &G) == LG_OK, "G spec");
    LG_ASSERT(lg_net_parse(dspec, &D) == LG_OK, "D spec");
    if (espec)
        LG_ASSERT(lg_net_parse(espec, &E) == LG_OK, "E spec");
    LG_ASSERT(lg_game_init(&fx->g, G, D, E, batch, G->in_dim, fx->rng) == LG_OK, lg_errmsg());
    lg_net_init(G, fx->rng);
    lg_net_init(D, fx->rng);
    if (E)
        lg_net_init(E, fx->rng);
}

static void teardown(fixture *fx)
{
    lg_game_clear(&fx->g);
    gsl_rng_free(fx->rng);
}

/* Replace the game's loss plugin ("ganqp:metric=l2", or a path when path is true). */
static bool use_loss_spec(lg_game *g, const char *spec)
{
    lg_plugin_inst_close(&g->loss);
    int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &g->loss);
    LG_ASSERT_MSG(rc == LG_OK, "cannot open %s: %s", spec, lg_errmsg());
    return rc == LG_OK;
}
static bool use_loss(lg_game *g, const char *spec) { return use_loss_spec(g, plugin_spec(spec)); }

/* Set the only Linear layer of a one-layer net: W (out, in) row-major, b (out). */
static void set_linear(lg_game *g, lg_net_id id, const double *W, const double *b)
{
    lg_net *n = g->net[id];
    LG_ASSERT(n->n_layers == 1 && n->layers[0].kind == LG_LAYER_LINEAR, "one Linear layer");
    const lg_layer *l = &n->layers[0];
    gsl_matrix_view w = lg_layer_weight(n, l);
    memcpy(w.matrix.data, W, l->out * l->in * sizeof(double));
    memcpy(lg_layer_bias(n, l), b, l->out * sizeof(double));
}

static void fill(gsl_matrix *m, const double *v) { memcpy(m->data, v, m->size1 * m->size2 * sizeof(double)); }

/* Player p's objective at the current parameters, NAN on error. */
static double objective(lg_game *g, lg_player p)
{
    lg_node *o = lg_game_objective(g, p);
    LG_ASSERT_MSG(o != NULL, "objective failed: %s", lg_errmsg());
    return o ? lg_scalar(o) : NAN;
}

/* Relative closeness, with the values in the message. */
#define CLOSE(a, b, rtol) LG_ASSERT_CLOSE(a, b, (rtol) * fmax(1.0, fabs(b)))

/* ================================================================ values === */

static double sigm(double s) { return 1.0 / (1.0 + exp(-s)); }

/* gan: G "1-1" is the identity (x_f = z), D "1-1" is the identity (s = x), so the
 * logits are the inputs: s_r = (1, -2), s_f = (0.5, 3). From the paper's formula
 * in probabilities (no softplus), with sigma the logistic function:
 *   d_loss = -1/2 [log sigma(1) + log sigma(-2)] - 1/2 [log(1 - sigma(0.5)) + log(1 - sigma(3))]
 *   g_loss =  1/2 [log(1 - sigma(0.5)) + log(1 - sigma(3))]
 * Gradients, with s = w x + c (w = 1, c = 0) and x_f = a z + b (a = 1, b = 0):
 *   d d_loss/dw = 1/2 sum_r -(1 - sigma(s_r)) x_r + 1/2 sum_f sigma(s_f) x_f
 *   d d_loss/dc = 1/2 sum_r -(1 - sigma(s_r))     + 1/2 sum_f sigma(s_f)
 *   d g_loss/da = -1/2 sum_f sigma(s_f) w z,   d g_loss/db = -1/2 sum_f sigma(s_f) w
 * (d/ds log(1 - sigma(s)) = -sigma(s), d/ds log sigma(s) = 1 - sigma(s)). */
static void test_gan_values(void)
{
    fixture fx;
    setup(&fx, "1-1", "1-1", NULL, 2);
    lg_game *g = &fx.g;
    double one = 1, zero = 0;
    set_linear(g, LG_NET_G, &one, &zero);
    set_linear(g, LG_NET_D, &one, &zero);
    const double xr[2] = { 1, -2 }, z[2] = { 0.5, 3 };
    fill(g->real, xr);
    fill(g->noise, z);
    if (!use_loss(g, "gan"))
        goto out;
    double d_exp = -0.5 * (log(sigm(1)) + log(sigm(-2))) - 0.5 * (log(1 - sigm(0.5)) + log(1 - sigm(3)));
    double g_exp = 0.5 * (log(1 - sigm(0.5)) + log(1 - sigm(3)));
    CLOSE(objective(g, LG_PLAYER_D), d_exp, 1e-12);
    CLOSE(objective(g, LG_PLAYER_G), g_exp, 1e-12);
    /* game vector: [w, c | a, b] */
    double gr[4];
    CU_ASSERT_EQUAL_FATAL(lg_game_param_count(g), 4);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    double dw = 0.5 * (-(1 - sigm(1)) * 1 - (1 - sigm(-2)) * -2) + 0.5 * (sigm(0.5) * 0.5 + sigm(3) * 3);
    double dc = 0.5 * (-(1 - sigm(1)) - (1 - sigm(-2))) + 0.5 * (sigm(0.5) + sigm(3));
    CLOSE(gr[0], dw, 1e-12);
    CLOSE(gr[1], dc, 1e-12);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    CLOSE(gr[2], -0.5 * (sigm(0.5) * 0.5 + sigm(3) * 3), 1e-12);
    CLOSE(gr[3], -0.5 * (sigm(0.5) + sigm(3)), 1e-12);
out:
    teardown(&fx);
}

/* gan at logits +-1000: s_r = (1000, -1000), s_f = (-1000, 1000) (identity nets).
 * The naive formula is log(0) = -inf for two of the four terms; with softplus
 * (softplus(1000) = 1000, softplus(-1000) = e^-1000 = 0 in double):
 *   d_loss = 1/2 [sp(-1000) + sp(1000)] + 1/2 [sp(-1000) + sp(1000)] = 1000
 *   g_loss = -1/2 [sp(-1000) + sp(1000)] = -500
 * and, with sigma(1000) = 1, sigma(-1000) = 0 in double, the gradients above give
 *   dw = 1/2 [0 + (-1)(-1000)] + 1/2 [0 + 1000] = 1000,  dc = 1/2 (0 - 1) + 1/2 (0 + 1) = 0
 *   da = -1/2 [0 + 1000] = -500,  db = -1/2 [0 + 1] = -1/2. */
static void test_gan_extreme_logits(void)
{
    fixture fx;
    setup(&fx, "1-1", "1-1", NULL, 2);
    lg_game *g = &fx.g;
    double one = 1, zero = 0;
    set_linear(g, LG_NET_G, &one, &zero);
    set_linear(g, LG_NET_D, &one, &zero);
    const double xr[2] = { 1000, -1000 }, z[2] = { -1000, 1000 };
    fill(g->real, xr);
    fill(g->noise, z);
    if (!use_loss(g, "gan"))
        goto out;
    double fd = objective(g, LG_PLAYER_D), fg = objective(g, LG_PLAYER_G);
    LG_ASSERT_MSG(isfinite(fd) && isfinite(fg), "objectives %g, %g are not finite", fd, fg);
    CLOSE(fd, 1000.0, 1e-14);
    CLOSE(fg, -500.0, 1e-14);
    double gr[4];
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    LG_ASSERT_MSG(lg_all_finite(gr, 4), "D gradient not finite: %g %g %g %g", gr[0], gr[1], gr[2], gr[3]);
    CLOSE(gr[0], 1000.0, 1e-14);
    CLOSE(gr[1], 0.0, 1e-14);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    LG_ASSERT_MSG(lg_all_finite(gr, 4), "G gradient not finite: %g %g %g %g", gr[0], gr[1], gr[2], gr[3]);
    CLOSE(gr[2], -500.0, 1e-14);
    CLOSE(gr[3], -0.5, 1e-14);
out:
    teardown(&fx);
}

/* wgan: D "1-1" s = 0.5 x + 0.25, G "1-1" x_f = 2 z + 1, B = 3.
 *   x_r = (1, 3, -2), z = (0, 1, 2), x_f = (1, 3, 5)
 *   mean D(x_r) = 0.5 * 2/3 + 0.25 = 7/12,  mean D(x_f) = 0.5 * 3 + 0.25 = 7/4
 *   w_estimate = 7/12 - 7/4 = -7/6,  d_loss = 7/6,  g_loss = -7/4
 *   d d_loss/dw = mean x_f - mean x_r = 3 - 2/3 = 7/3,  d d_loss/dc = 0
 *   d g_loss/da = -w mean z = -1/2,  d g_loss/db = -w = -1/2 */
static void test_wgan_values(void)
{
    fixture fx;
    setup(&fx, "1-1", "1-1", NULL, 3);
    lg_game *g = &fx.g;
    double gw = 2, gb = 1, dw = 0.5, db = 0.25;
    set_linear(g, LG_NET_G, &gw, &gb);
    set_linear(g, LG_NET_D, &dw, &db);
    const double xr[3] = { 1, 3, -2 }, z[3] = { 0, 1, 2 };
    fill(g->real, xr);
    fill(g->noise, z);
    if (!use_loss(g, "wgan"))
        goto out;
    g->n_log = 0;
    CLOSE(objective(g, LG_PLAYER_D), 7.0 / 6.0, 1e-14);
    CU_ASSERT_EQUAL(g->n_log, 1);
    CU_ASSERT_STRING_EQUAL(g->log_name[0], "w_estimate");
    CLOSE(g->log_value[0], 7.0 / 12.0 - 7.0 / 4.0, 1e-14);
    CLOSE(objective(g, LG_PLAYER_G), -7.0 / 4.0, 1e-14);
    double gr[4];
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    CLOSE(gr[0], 7.0 / 3.0, 1e-14);
    CLOSE(gr[1], 0.0, 1e-14);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    CLOSE(gr[2], -0.5, 1e-14);
    CLOSE(gr[3], -0.5, 1e-14);
out:
    teardown(&fx);
}

/* ganqp: G "2-2" is the identity (x_f = z), D "2-1" s = x1 + 3 x2 + 0.5, B = 2.
 *   x_r1 = (1, 0), x_f1 = (0, 0): diff (1, 0),  Delta_1 = 1.5 - 0.5 = 1
 *   x_r2 = (0, 2), x_f2 = (1, 1): diff (-1, 1), Delta_2 = 6.5 - 4.5 = 2
 *   l1: d = (mean(1, 0), mean(1, 1)) = (0.5, 1)
 *   l2: d = (sqrt((1 + 0)/2), sqrt((1 + 1)/2)) = (sqrt(0.5), 1)
 * d_loss = mean_i(-Delta_i + Delta_i^2 / (2 lambda d_i)):
 *   l1, lambda 10: mean(-1 + 1/10, -2 + 4/20)              = mean(-0.9, -1.8) = -1.35
 *   l2, lambda 10: mean(-1 + 1/(20 sqrt(0.5)), -1.8)         = -1.4 + sqrt(2)/40
 *   l1, lambda 5:  mean(-1 + 1/5, -2 + 4/10)                = mean(-0.8, -1.6) = -1.2
 * The (B,1)-by-(B,) broadcast bug computes mean_ij(-Delta_i + Delta_i^2 / (2 lambda d_j))
 *   = -1.5 + mean(Delta^2) mean(1/d) / 20 = -1.5 + 2.5 * 1.5 / 20 = -1.3125 for l1,
 * which these inputs tell apart from -1.35.
 * g_loss = mean Delta = 1.5 for every metric and lambda.
 * Gradients (l1, lambda 10), with dDelta_i/dw = diff_i:
 *   d d_loss/dw = mean_i diff_i (-1 + Delta_i / (lambda d_i))
 *               = mean((1, 0)(-1 + 1/5), (-1, 1)(-1 + 2/10)) = mean((-0.8, 0), (0.8, -0.8)) = (0, -0.4)
 *   d d_loss/dc = 0 (c cancels in Delta)
 *   d g_loss/dW_G[j][k] = -w_j mean_i z_ik = -w_j / 2,  d g_loss/db_G[j] = -w_j */
static void test_ganqp_values(void)
{
    fixture fx;
    setup(&fx, "2-2", "2-1", NULL, 2);
    lg_game *g = &fx.g;
    const double I[4] = { 1, 0, 0, 1 }, zero2[2] = { 0, 0 }, w[2] = { 1, 3 }, c = 0.5;
    set_linear(g, LG_NET_G, I, zero2);
    set_linear(g, LG_NET_D, w, &c);
    const double xr[4] = { 1, 0, 0, 2 }, z[4] = { 0, 0, 1, 1 };
    fill(g->real, xr);
    fill(g->noise, z);
    const double bxb_l1 = -1.5 + 2.5 * 1.5 / 20.0;
    LG_ASSERT_MSG(fabs(bxb_l1 - -1.35) > 0.03, "the inputs must tell the BxB bug apart");

    if (!use_loss(g, "ganqp"))
        goto out;
    double f = objective(g, LG_PLAYER_D);
    CLOSE(f, -1.35, 1e-14);
    LG_ASSERT_MSG(fabs(f - bxb_l1) > 0.03, "d_loss %.17g is the BxB-broadcast value %.17g", f, bxb_l1);
    CLOSE(objective(g, LG_PLAYER_G), 1.5, 1e-14);
    /* game vector: [w1, w2, c | W_G (4), b_G (2)] */
    double gr[9];
    CU_ASSERT_EQUAL_FATAL(lg_game_param_count(g), 9);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    CLOSE(gr[0], 0.0, 1e-14);
    CLOSE(gr[1], -0.4, 1e-14);
    CLOSE(gr[2], 0.0, 1e-14);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    const double dWG[4] = { -0.5, -0.5, -1.5, -1.5 }, dbG[2] = { -1, -3 };
    for (int k = 0; k < 4; k++)
        CLOSE(gr[3 + k], dWG[k], 1e-14);
    for (int k = 0; k < 2; k++)
        CLOSE(gr[7 + k], dbG[k], 1e-14);

    if (!use_loss(g, "ganqp:metric=l2"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), -1.4 + sqrt(2.0) / 40.0, 1e-14);
    CLOSE(objective(g, LG_PLAYER_G), 1.5, 1e-14);

    if (!use_loss(g, "ganqp:lambda=5,metric=l1"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), -1.2, 1e-14);
out:
    teardown(&fx);
}

/* lsgan (Mao et al. 2017, Eq. 2): G "1-1" x_f = 2 z + 1, D "1-1" s = 0.5 x + 0.25, B = 3.
 *   x_r = (1, 3, -2) -> s_r = (0.75, 1.75, -0.75);  z = (0, 1, 2) -> x_f = (1, 3, 5) -> s_f = (0.75, 1.75, 2.75)
 * a = -1, b = 1, c = 0 (the defaults):
 *   s_r - b = (-0.25, 0.75, -1.75): squares sum 3.6875;  s_f - a = (1.75, 2.75, 3.75): squares sum 24.6875
 *   d_loss = 1/2 (3.6875 + 24.6875) / 3 = 28.375 / 6;  g_loss = 1/2 (0.5625 + 3.0625 + 7.5625) / 3 = 11.1875 / 6
 *   d d_loss/dw = [sum (s_r - b) x_r + sum (s_f - a) x_f] / 3 = (5.5 + 28.75) / 3,  d/dc = (-1.25 + 8.25) / 3
 *   d g_loss/dW_G = w sum (s_f - c) z / 3 = 0.5 * 7.25 / 3,  d/db_G = w sum (s_f - c) / 3 = 0.5 * 5.25 / 3
 * a = 0, b = c = 1: d_loss = 1/2 (3.6875 + 11.1875) / 3, g_loss = 1/2 (0.0625 + 0.5625 + 3.0625) / 3;
 * and the chi^2 coding shifted by 2 (a = 1, b = 3, c = 2) moves every target, so each term changes. */
static void test_lsgan_values(void)
{
    fixture fx;
    setup(&fx, "1-1", "1-1", NULL, 3);
    lg_game *g = &fx.g;
    double gw = 2, gb = 1, dw = 0.5, db = 0.25;
    set_linear(g, LG_NET_G, &gw, &gb);
    set_linear(g, LG_NET_D, &dw, &db);
    const double xr[3] = { 1, 3, -2 }, z[3] = { 0, 1, 2 };
    fill(g->real, xr);
    fill(g->noise, z);
    if (!use_loss(g, "lsgan"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), 28.375 / 6, 1e-14);
    CLOSE(objective(g, LG_PLAYER_G), 11.1875 / 6, 1e-14);
    double gr[4];
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    CLOSE(gr[0], 34.25 / 3, 1e-14);
    CLOSE(gr[1], 7.0 / 3, 1e-14);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    CLOSE(gr[2], 0.5 * 7.25 / 3, 1e-14);
    CLOSE(gr[3], 0.5 * 5.25 / 3, 1e-14);
    if (!use_loss(g, "lsgan:a=0,b=1,c=1"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), 14.875 / 6, 1e-14);
    CLOSE(objective(g, LG_PLAYER_G), 3.6875 / 6, 1e-14);
    /* targets shifted by 2: s_r - 3 = (-2.25, -1.25, -3.75), s_f - 1 = (-0.25, 0.75, 1.75), s_f - 2 = (-1.25, -0.25, 0.75) */
    if (!use_loss(g, "lsgan:a=1,b=3,c=2"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), 0.5 * (5.0625 + 1.5625 + 14.0625 + 0.0625 + 0.5625 + 3.0625) / 3, 1e-14);
    CLOSE(objective(g, LG_PLAYER_G), 0.5 * (1.5625 + 0.0625 + 0.5625) / 3, 1e-14);
out:
    teardown(&fx);
}

/* biganqp: x in R^2, z in R^1, B = 2, all nets one Linear layer:
 *   G "1-2": G(z) = (z, 2z);  E "2-1": E(x) = 0.5 x1 + 0.25;  D "3-1": T(x, z) = x1 + z.
 *   x_r = ((1, 0), (3, 1)),  z = (1, -1)
 *   G(z) = ((1, 2), (-1, -2)),  E(x_r) = (0.75, 1.75)
 *   T(x_r, E(x_r)) = (1.75, 4.75),  T(G(z), z) = (2, -2),  Delta = (-0.25, 6.75)
 *   d_1 = 10 (mean(|1-1|, |0-2|) + |0.75-1|)  = 10 (1 + 0.25)   = 12.5
 *   d_2 = 10 (mean(|3+1|, |1+2|) + |1.75+1|)  = 10 (3.5 + 2.75) = 62.5
 *   d_loss = mean(0.25 + 0.0625/25, -6.75 + 45.5625/125) = mean(0.2525, -6.3855) = -3.0665
 *   (the BxB broadcast bug: -3.25 + mean(Delta^2) mean(1/(2d)) = -3.25 + 22.8125 * 0.024 = -2.7025)
 *   latent guidance: E(G(z)) = (0.75, -0.25), z - E(G(z)) = (0.25, -0.75),
 *     MSE = (0.0625 + 0.5625)/2 = 0.3125
 *   image guidance: G(E(x_r)) = ((0.75, 1.5), (1.75, 3.5)), x_r - G(E(x_r)) = ((0.25, -1.5), (1.25, -2.5)),
 *     MSE = (0.0625 + 2.25 + 1.5625 + 6.25)/4 = 2.53125  (a per-sample sum of squares would give 5.0625)
 *   g_loss = mean Delta + 2 * 0.3125 + 3 * 2.53125 = 3.25 + 0.625 + 7.59375 = 11.46875
 * With lambda = 5, beta1 = 0, beta2 = 1: d = (6.25, 31.25),
 *   d_loss = mean(0.25 + 0.0625/12.5, -6.75 + 45.5625/62.5) = mean(0.255, -6.021) = -2.883
 *   g_loss = 3.25 + 2.53125 = 5.78125 */
static void test_biganqp_values(void)
{
    fixture fx;
    setup(&fx, "1-2", "3-1", "2-1", 2);
    lg_game *g = &fx.g;
    const double Wg[2] = { 1, 2 }, bg[2] = { 0, 0 };
    const double We[2] = { 0.5, 0 }, be = 0.25;
    const double Wd[3] = { 1, 0, 1 }, bd = 0;
    set_linear(g, LG_NET_G, Wg, bg);
    set_linear(g, LG_NET_E, We, &be);
    set_linear(g, LG_NET_D, Wd, &bd);
    const double xr[4] = { 1, 0, 3, 1 }, z[2] = { 1, -1 };
    fill(g->real, xr);
    fill(g->noise, z);
    if (!use_loss(g, "biganqp"))
        goto out;
    double f = objective(g, LG_PLAYER_D);
    CLOSE(f, -3.0665, 1e-13);
    LG_ASSERT_MSG(fabs(f - -2.7025) > 0.1, "d_loss %.17g is the BxB-broadcast value", f);
    CLOSE(objective(g, LG_PLAYER_G), 11.46875, 1e-13);
    if (!use_loss(g, "biganqp:lambda=5,beta1=0,beta2=1"))
        goto out;
    CLOSE(objective(g, LG_PLAYER_D), -2.883, 1e-13);
    CLOSE(objective(g, LG_PLAYER_G), 5.78125, 1e-13);
out:
    teardown(&fx);
}

/* ============================================================= gradients === */

/* lg_check_plugin: centred differences in double of every parameter block of
 * both objectives, on check.c's random tanh game (with E for biganqp). */
static void test_check_plugins(void)
{
    static const char *specs[] = {
        "gan", "wgan", "ganqp", "ganqp:metric=l2", "ganqp:lambda=3,metric=l1", "biganqp",
        "biganqp:lambda=5,beta1=0.5,beta2=7", "lsgan", "lsgan:a=0,b=1,c=1", "lsgan:a=0.3,b=-2,c=5",
    };
    static char text[16384];
    printf("\n");
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        FILE *f = fmemopen(text, sizeof text, "w");
        double worst = -1;
        int rc = lg_check_plugin(plugin_spec(specs[i]), f, 1e-6, &worst);
        fclose(f);
        LG_ASSERT_MSG(rc == LG_OK && worst >= 0 && worst <= 1e-6,
                      "%s: rc %d, worst relative error %g (%s)\n%s", specs[i], rc, worst,
                      lg_errmsg(), text);
        printf("    check-plugin %-36s worst relative error %.2e\n", specs[i], worst);
    }
}

/* The G player's gradient of biganqp over the whole game vector [D | G | E]. */
static bool g_grad(lg_game *g, const char *spec, double *out)
{
    if (!use_loss_spec(g, spec))
        return false;
    int rc = lg_game_loss_grad(g, LG_PLAYER_G, out);
    LG_ASSERT_MSG(rc == LG_OK, "lg_game_loss_grad(%s): %s", spec, lg_errmsg());
    return rc == LG_OK;
}

/* Elements of a and b that are not exactly equal, and the largest difference. */
static size_t n_differ(const double *a, const double *b, size_t n, double *maxdiff)
{
    size_t k = 0;
    *maxdiff = 0;
    for (size_t i = 0; i < n; i++) {
        k += a[i] != b[i];
        *maxdiff = fmax(*maxdiff, fabs(a[i] - b[i]));
    }
    return k;
}

typedef struct stop_result {
    size_t latent_into_G, image_into_E;    /* must be 0 */
    double latent_into_E, image_into_G;    /* must be > 0: the terms do train E and G */
} stop_result;

/* g_loss = mean Delta + beta1 guide_z + beta2 guide_x. Gradients of three variants:
 *   base   (beta1 = 0, beta2 = 0): mean Delta only
 *   latent (beta1 = 2, beta2 = 0): base + the latent term
 *   image  (beta1 = 0, beta2 = 3): base + the image term
 * latent - base is the latent term's gradient: exactly zero on G's block, non-zero on
 * E's; image - base likewise, exactly zero on E's block. The zero terms contribute
 * exact zeros, so "exactly" means bit-identical blocks, not a tolerance. */
static bool stop_check(const char *path, stop_result *r)
{
    fixture fx;
    setup(&fx, "2-4t-3", "5-5t-1", "3-4t-2", 6);
    lg_game *g = &fx.g;
    for (size_t i = 0; i < g->real->size1 * g->real->size2; i++)
        g->real->data[i] = gsl_ran_gaussian(fx.rng, 1.0);
    for (size_t i = 0; i < g->noise->size1 * g->noise->size2; i++)
        g->noise->data[i] = gsl_ran_gaussian(fx.rng, 1.0);
    size_t n = lg_game_param_count(g), nD = g->net[LG_NET_D]->n_params;
    size_t nG = g->net[LG_NET_G]->n_params, nE = g->net[LG_NET_E]->n_params;
    double *base = calloc(n, sizeof *base), *lat = calloc(n, sizeof *lat), *img = calloc(n, sizeof *img);
    char spec[3][PATH_MAX + 32];
    snprintf(spec[0], sizeof spec[0], "%s:beta1=0,beta2=0", path);
    snprintf(spec[1], sizeof spec[1], "%s:beta1=2,beta2=0", path);
    snprintf(spec[2], sizeof spec[2], "%s:beta1=0,beta2=3", path);
    bool ok = g_grad(g, spec[0], base) && g_grad(g, spec[1], lat) && g_grad(g, spec[2], img);
    if (ok) {
        double dummy;
        r->latent_into_G = n_differ(lat + nD, base + nD, nG, &dummy);
        n_differ(lat + nD + nG, base + nD + nG, nE, &r->latent_into_E);
        r->image_into_E = n_differ(img + nD + nG, base + nD + nG, nE, &dummy);
        n_differ(img + nD, base + nD, nG, &r->image_into_G);
    }
    free(base), free(lat), free(img);
    teardown(&fx);
    return ok;
}

static void test_biganqp_stops(void)
{
    stop_result r = { 0 };
    if (!stop_check(plugin_spec("biganqp"), &r))
        return;
    LG_ASSERT_MSG(r.latent_into_G == 0, "the latent term changes %zu of G's gradients (stop(G(z)) leaks)",
                  r.latent_into_G);
    LG_ASSERT_MSG(r.image_into_E == 0, "the image term changes %zu of E's gradients (stop(E(x)) leaks)",
                  r.image_into_E);
    LG_ASSERT_MSG(r.latent_into_E > 1e-6, "the latent term does not train E (max change %g)", r.latent_into_E);
    LG_ASSERT_MSG(r.image_into_G > 1e-6, "the image term does not train G (max change %g)", r.image_into_G);
    printf("\n    latent term: G changes in 0 places, E by up to %.3g; image term: E in 0, G up to %.3g",
           r.latent_into_E, r.image_into_G);
}

/* The same check on biganqp compiled without stops must find both leaks. */
static void test_biganqp_stops_can_fail(void)
{
    stop_result r = { 0 };
    if (!stop_check(test_plugin("loss_biganqp_nostop"), &r))
        return;
    LG_ASSERT_MSG(r.latent_into_G > 0 && r.image_into_E > 0,
                  "without stops the check should find leaks (G: %zu, E: %zu)", r.latent_into_G,
                  r.image_into_E);
}

/* ================================================================== runs === */


typedef struct expect {
    const char *name, *defaults, *opt_d, *opt_g;
    long d_steps;
    uint32_t flags;
    const char *params; /* keys of the parameter table, ',' separated */
} expect;

static const expect expected[] = {
    { "gan", "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
      "adam:lr=2e-4,b1=0.5", "adam:lr=2e-4,b1=0.5", 1, 0, "" },
    { "wgan", "--opt-d rmsprop:lr=5e-5 --opt-g rmsprop:lr=5e-5 --d-steps 5 --reg clip:c=0.01",
      "rmsprop:lr=5e-5", "rmsprop:lr=5e-5", 5, 0, "" },
    { "ganqp", "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 2",
      "adam:lr=2e-4,b1=0.5", "adam:lr=2e-4,b1=0.5", 2, 0, "lambda,metric" },
    { "lsgan", "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
      "adam:lr=2e-4,b1=0.5", "adam:lr=2e-4,b1=0.5", 1, 0, "a,b,c" },
    { "biganqp", "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 2",
      "adam:lr=2e-4,b1=0.5", "adam:lr=2e-4,b1=0.5", 2, LG_PLUGIN_FLAG_ENCODER, "lambda,beta1,beta2" },
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

/* Training words for plugin e: tiny nets on ring8; wgan gets a neutral --reg so the
 * test does not depend on clip.so (the runner then drops the default clip). */
static int run_words(const expect *e, const char *out, long steps, bool with_e, char **argv)
{
    static char steps_s[32];
    snprintf(steps_s, sizeof steps_s, "%ld", steps);
    int n = 0;
    argv[n++] = "--loss";
    argv[n++] = (char *)plugin_spec(e->name);
    argv[n++] = "--out";
    argv[n++] = (char *)out;
    argv[n++] = "--quiet";
    argv[n++] = "--steps";
    argv[n++] = steps_s;
    argv[n++] = "--batch";
    argv[n++] = "32";
    argv[n++] = "--samples";
    argv[n++] = "200";
    argv[n++] = "--log-every";
    argv[n++] = "10";
    argv[n++] = "--seed";
    argv[n++] = "7";
    argv[n++] = "--g";
    argv[n++] = "2-16r-2";
    argv[n++] = "--d";
    if (e->flags & LG_PLUGIN_FLAG_ENCODER) {
        argv[n++] = "4-16r-1";
        if (with_e) {
            argv[n++] = "--e";
            argv[n++] = "2-16r-2";
        }
    } else {
        argv[n++] = "2-16r-1";
    }
    if (!strcmp(e->name, "wgan")) {
        argv[n++] = "--reg";
        argv[n++] = (char *)test_plugin("good_reg");
    }
    argv[n] = NULL;
    return n;
}

/* Each descriptor: name, kind, title, citation, parameter table, flags, defaults;
 * and the runner applies the defaults (optimizers, critic steps). */
static void test_descriptors(void)
{
    char dir[] = "/tmp/lg-losses-XXXXXX";
    LG_ASSERT(mkdtemp(dir), "mkdtemp");
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const expect *e = &expected[i];
        lg_plugin_handle *h = NULL;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/plugins/%s.so", lg_test_build_dir(), e->name);
        int rc = lg_plugin_open(path, &h);
        LG_ASSERT_MSG(rc == LG_OK, "%s: %s", path, lg_errmsg());
        if (rc != LG_OK)
            continue;
        const lg_plugin *d = h->desc;
        CU_ASSERT_STRING_EQUAL(d->name, e->name);
        CU_ASSERT_EQUAL(d->kind, LG_PLUGIN_KIND_LOSS);
        CU_ASSERT_EQUAL(d->abi_version, LG_PLUGIN_ABI_VERSION);
        LG_ASSERT_MSG(d->title && strlen(d->title) > 10, "%s: no title", e->name);
        LG_ASSERT_MSG(d->citation && strstr(d->citation, "201"), "%s: citation '%s' has no year",
                      e->name, d->citation ? d->citation : "(null)");
        LG_ASSERT_MSG(d->defaults && !strcmp(d->defaults, e->defaults), "%s: defaults '%s', expected '%s'",
                      e->name, d->defaults ? d->defaults : "(null)", e->defaults);
        CU_ASSERT_EQUAL(d->flags, e->flags);
        char keys[128] = "";
        for (const lg_param_doc *p = d->params; p && p->type != LG_PARAM_TYPE_END; p++) {
            snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", keys[0] ? "," : "", p->key);
            LG_ASSERT_MSG(p->default_value && p->help && *p->help, "%s: parameter %s undocumented",
                          e->name, p->key);
        }
        LG_ASSERT_MSG(!strcmp(keys, e->params), "%s: parameters '%s', expected '%s'", e->name, keys,
                      e->params);
        lg_plugin_close(h);

        /* the runner's effective configuration */
        char out[PATH_MAX], *argv[40];
        snprintf(out, sizeof out, "%s/%s-cfg", dir, e->name);
        int argc = run_words(e, out, 1, true, argv);
        lg_run *r = NULL;
        rc = lg_test_run_open(argc, argv, &r);
        LG_ASSERT_MSG(rc == LG_OK, "%s: lg_run_open: %s", e->name, lg_errmsg());
        if (rc != LG_OK)
            continue;
        const lg_run_config *c = lg_run_get_config(r);
        LG_ASSERT_MSG(!strcmp(c->opt_d, e->opt_d) && !strcmp(c->opt_g, e->opt_g) &&
                          c->d_steps == e->d_steps,
                      "%s: runner got --opt-d %s --opt-g %s --d-steps %ld", e->name, c->opt_d, c->opt_g,
                      c->d_steps);
        if (!strcmp(e->name, "wgan")) /* the user's --reg replaces the default clip */
            LG_ASSERT_MSG(c->n_regs == 1 && strstr(c->regs[0], "good_reg"),
                          "wgan: %zu regularizers, the first '%s'", c->n_regs,
                          c->n_regs ? c->regs[0] : "");
        lg_run_close(r);
    }
    lg_rm_rf(dir);
}

/* `litgan check-plugin PATH[:params]` exits 0 and prints PASS. */
static void test_check_plugin_cli(void)
{
    if (access(lg_test_bin(), X_OK) != 0) {
        LG_ASSERT_MSG(0, "%s is missing: build it with make", lg_test_bin());
        return;
    }
    static const char *specs[] = { "gan", "wgan", "ganqp", "ganqp:metric=l2", "biganqp", "lsgan:a=0,b=1,c=1" };
    static char text[16384];
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char cmd[2 * PATH_MAX];
        snprintf(cmd, sizeof cmd, "%s check-plugin '%s' 2>&1", lg_test_bin(), plugin_spec(specs[i]));
        int st = lg_test_run_capture(cmd, text, sizeof text);
        LG_ASSERT_MSG(st == 0 && strstr(text, "PASS") && !strstr(text, "FAIL"), "%s exited %d:\n%s",
                      cmd, st, text);
    }
}

/* lg_train_main with stderr sent to a file; the file's text in err. */
static int train_capture(int argc, char **argv, const char *errpath, char *err, size_t len)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved >= 0 && fd >= 0)
        dup2(fd, STDERR_FILENO);
    int rc = lg_test_cli("train", argc, argv);
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (fd >= 0)
        close(fd);
    err[0] = '\0';
    FILE *f = fopen(errpath, "r");
    if (f) {
        size_t n = fread(err, 1, len - 1, f);
        err[n] = '\0';
        fclose(f);
    }
    return rc;
}

/* The header line of DIR/log.csv (the one after the '#' comment) into buf. */
static bool log_header(const char *dir, char *buf, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/log.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = false;
    while (fgets(buf, (int)len, f))
        if (buf[0] != '#') {
            ok = true;
            break;
        }
    fclose(f);
    return ok;
}

/* 30 steps of each plugin through the runner, with its defaults. */
static void test_smoke_runs(void)
{
    char dir[] = "/tmp/lg-losses-XXXXXX";
    LG_ASSERT(mkdtemp(dir), "mkdtemp");
    char errpath[PATH_MAX], err[4096], out[PATH_MAX], *argv[40];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const expect *e = &expected[i];
        snprintf(out, sizeof out, "%s/%s", dir, e->name);
        int argc = run_words(e, out, 30, true, argv);
        double t0 = lg_now();
        int rc = train_capture(argc, argv, errpath, err, sizeof err);
        LG_ASSERT_MSG(rc == LG_OK, "%s: 30 steps returned %d: %s", e->name, rc, err);
        printf("\n    %-8s 30 steps in %.2f s", e->name, lg_now() - t0);
        char hdr[1024];
        LG_ASSERT_MSG(rc != LG_OK || log_header(out, hdr, sizeof hdr), "%s: no log.csv", e->name);
        if (rc == LG_OK && !strcmp(e->name, "wgan"))
            LG_ASSERT_MSG(strstr(hdr, "w_estimate") != NULL,
                          "wgan: log.csv has no w_estimate column (header: %s)", hdr);
        if (e->flags & LG_PLUGIN_FLAG_ENCODER) {
            /* without --e the runner builds the default encoder, x_dim -> z_dim,
             * and widens D's default input to the pair (x, z) */
            snprintf(out, sizeof out, "%s/%s-noe", dir, e->name);
            argc = run_words(e, out, 30, false, argv);
            rc = train_capture(argc, argv, errpath, err, sizeof err);
            LG_ASSERT_MSG(rc == LG_OK, "%s without --e: rc %d, stderr:\n%s", e->name, rc, err);
            LG_ASSERT_MSG(rc != LG_OK || log_header(out, hdr, sizeof hdr), "%s: no log.csv", e->name);
        }
    }
    lg_rm_rf(dir);
}

/* Each numeric parameter has a range in the plugin's table, checked at load:
 * one line naming the plugin, the key and the value as typed; the bounds load. */
static void test_loss_ranges(void)
{
    static const struct { const char *spec, *says; } bad[] = {
        { "ganqp:lambda=1e-300",
          "plugin ganqp: parameter lambda=1e-300 is out of range: give lambda in [1e-3, 1e4] (scale of the quadratic potential: D loss has Delta^2 / (2 lambda d))" },
        { "ganqp:lambda=0",
          "parameter lambda=0 is out of range: give lambda in [1e-3, 1e4]" },
        { "ganqp:lambda=0x10",
          "plugin ganqp: parameter lambda='0x10' is not a finite number" },
        { "biganqp:beta1=-5",
          "plugin biganqp: parameter beta1=-5 is out of range: give beta1 in [0, 1e4] (weight of the latent guidance mean (z - E(stop G(z)))^2 (trains E))" },
        { "biganqp:beta2=1e5",
          "plugin biganqp: parameter beta2=1e5 is out of range: give beta2 in [0, 1e4]" },
        { "biganqp:lambda=1e-4",
          "plugin biganqp: parameter lambda=1e-4 is out of range: give lambda in [1e-3, 1e4]" },
        { "lsgan:a=2000",
          "plugin lsgan: parameter a=2000 is out of range: give a in [-1e3, 1e3] (D's target for fake samples)" },
    };
    char spec[1024];
    lg_plugin_inst pi;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(spec, sizeof spec, "%s/plugins/%.*s.so:%s", lg_test_build_dir(), (int)strcspn(bad[i].spec, ":"),
                 bad[i].spec, strchr(bad[i].spec, ':') + 1);
        int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &pi);
        LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), bad[i].says) && !strchr(lg_errmsg(), '\n'),
                      "%s: rc %d, '%s' (expected '%s')", bad[i].spec, rc, lg_errmsg(), bad[i].says);
        if (rc == LG_OK)
            lg_plugin_inst_close(&pi);
    }
    static const char *const ok[] = { "ganqp:lambda=1e-3", "ganqp:lambda=1e4,metric=l2", "biganqp:lambda=1e-3,beta1=0,beta2=0", "biganqp:lambda=1e4,beta1=1e4,beta2=1e4", "lsgan:a=-1e3,b=1e3,c=0" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(spec, sizeof spec, "%s/plugins/%.*s.so:%s", lg_test_build_dir(), (int)strcspn(ok[i], ":"), ok[i],
                 strchr(ok[i], ':') + 1);
        int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &pi);
        LG_ASSERT_MSG(rc == LG_OK, "%s refused: %s", ok[i], lg_errmsg());
        if (rc == LG_OK)
            lg_plugin_inst_close(&pi);
    }
}

void lg_suite_losses(void)
{
    LG_ADD_SUITE("losses_values",
                 { "gan: objectives and gradients at fixed inputs", test_gan_values },
                 { "gan: logits +-1000 give finite values and gradients", test_gan_extreme_logits },
                 { "wgan: objectives, gradients, logged w_estimate", test_wgan_values },
                 { "ganqp: l1, l2, lambda; per-pair distance (no BxB)", test_ganqp_values },
                 { "lsgan: both codings and shifted targets, gradients", test_lsgan_values },
                 { "biganqp: joint distance, MSE guidance terms", test_biganqp_values });
    LG_ADD_SUITE("losses_gradients",
                 { "check-plugin of every plugin and parameter variant", test_check_plugins },
                 { "biganqp: stopped gradients are exactly zero", test_biganqp_stops },
                 { "biganqp: the stop check fails without stops", test_biganqp_stops_can_fail });
    LG_ADD_SUITE("losses_runs",
                 { "descriptors and the runner's defaults", test_descriptors },
                 { "parameter ranges: refused outside, bounds accepted", test_loss_ranges },
                 { "litgan check-plugin prints PASS", test_check_plugin_cli },
                 { "30 training steps per plugin; biganqp needs --e", test_smoke_runs });
}
