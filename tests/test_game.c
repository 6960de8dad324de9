/*
 * test_game.c - one step of a hand-built game (lg_game_step) against closed
 * forms: an alternating critic step with plain SGD, the order of a
 * regularizer's hooks around the update, the simultaneous step of the
 * bilinear game, the guards and refusals; the Dirac-GAN's players in the net
 * grammar ("1-1c" G(z) = theta, "1-1n" D(x) = psi x); the dirac data set and a
 * training run on it.
 */
#include "lg_test.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ hand-built --- */

/* G(z) = a z + t and D(x) = p x + b ("1-1" each, weight then bias), batch 3. */
static const double A0 = 1.5, T0 = 0.3, P0 = 0.7, B0 = -0.2;
static const double XR[3] = { 0.5, -1.0, 2.0 }, Z[3] = { -0.4, 0.9, 1.3 };

/* A loss in memory whose gradients are easy to write by hand:
 *   f_D = mean_i D(G(z_i))^2 / 2 - mean_i D(x_i),  f_G = -mean_i D(G(z_i)). */
static lg_node *sq_d(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *real = lg_apply(g, LG_NET_D, lg_game_real(g));
    return lg_sub(t, lg_scale(t, lg_mean(t, lg_square(t, fake)), 0.5), lg_mean(t, real));
}
static lg_node *sq_g(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    return lg_neg(t, lg_mean(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)))));
}
static const lg_plugin sq_loss = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                   .kind = LG_PLUGIN_KIND_LOSS, .name = "sq", .title = "test loss",
                                   .citation = "test", .d_loss = sq_d, .g_loss = sq_g };

/* The closed-form gradient of f_D in (p, b) at (a, t, p, b). */
static void sq_grad_d(double a, double t, double p, double b, double grad[2])
{
    double gp = 0, gb = 0;
    for (int i = 0; i < 3; i++) {
        double gz = a * Z[i] + t, d = p * gz + b;
        gp += d * gz / 3 - XR[i] / 3;
        gb += d / 3 - 1.0 / 3;
    }
    grad[0] = gp, grad[1] = gb;
}

typedef struct handmade {
    gsl_rng *rng;
    lg_game *g;
    lg_optim *opt[LG_NET_COUNT];
    double *d, *gt;           /* D's (p, b), G's (a, t) */
} handmade;

static void handmade_open(handmade *h, const char *g_spec, const char *d_spec, size_t batch, double lr)
{
    memset(h, 0, sizeof *h);
    h->rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_net *G, *D;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(g_spec, &G), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(d_spec, &D), LG_OK);
    size_t ng, nd;
    h->gt = lg_net_params(G, &ng);
    h->d = lg_net_params(D, &nd);
    CU_ASSERT_EQUAL_FATAL(lg_game_alloc(G, D, NULL, batch, h->rng, &h->g), LG_OK);
    char spec[64];
    snprintf(spec, sizeof spec, "sgd:lr=%.17g", lr);
    CU_ASSERT_EQUAL_FATAL(lg_optim_parse(spec, nd, &h->opt[LG_NET_D]), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_optim_parse(spec, ng, &h->opt[LG_NET_G]), LG_OK);
}

static void handmade_close(handmade *h)
{
    lg_game_free(h->g);
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(h->opt[i]);
    gsl_rng_free(h->rng);
}

/* The linear game with its batches, and the sq loss. */
static void linear_open(handmade *h, double lr)
{
    handmade_open(h, "1-1", "1-1", 3, lr);
    h->gt[0] = A0, h->gt[1] = T0, h->d[0] = P0, h->d[1] = B0;
    gsl_matrix *x = lg_game_real_batch(h->g), *z = lg_game_noise_batch(h->g);
    for (int i = 0; i < 3; i++)
        gsl_matrix_set(x, i, 0, XR[i]), gsl_matrix_set(z, i, 0, Z[i]);
    lg_game_new_step(h->g);
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss_desc(h->g, &sq_loss, NULL), LG_OK);
}

static void test_alternating_d_step(void)
{
    handmade h;
    const double lr = 0.1;
    linear_open(&h, lr);
    double grad[2];
    sq_grad_d(A0, T0, P0, B0, grad);
    CU_ASSERT_EQUAL(lg_game_simultaneous(h.g), 0);
    CU_ASSERT_EQUAL_FATAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_OK);
    LG_ASSERT_CLOSE(h.d[0], P0 - lr * grad[0], 1e-15);
    LG_ASSERT_CLOSE(h.d[1], B0 - lr * grad[1], 1e-15);
    LG_ASSERT_MSG(h.gt[0] == A0 && h.gt[1] == T0, "a D step moved G: (%.17g, %.17g)", h.gt[0], h.gt[1]);
    /* what the step reports: f_D before the update, and |grad| */
    double f = 0;
    for (int i = 0; i < 3; i++) {
        double d = P0 * (A0 * Z[i] + T0) + B0;
        f += d * d / 6 - (P0 * XR[i] + B0) / 3;
    }
    LG_ASSERT_CLOSE(lg_game_last_loss(h.g, LG_PLAYER_D), f, 1e-15);
    LG_ASSERT_CLOSE(lg_game_last_gnorm(h.g, LG_PLAYER_D), hypot(grad[0], grad[1]), 1e-15);
    /* then a G step from the new D: df_G/d(a, t) = -p' (mean z, 1) */
    double p1 = h.d[0], b1 = h.d[1], mz = (Z[0] + Z[1] + Z[2]) / 3;
    CU_ASSERT_EQUAL_FATAL(lg_game_step(h.g, LG_PLAYER_G, h.opt), LG_OK);
    LG_ASSERT_CLOSE(h.gt[0], A0 + lr * p1 * mz, 1e-15);
    LG_ASSERT_CLOSE(h.gt[1], T0 + lr * p1, 1e-15);
    LG_ASSERT_MSG(h.d[0] == p1 && h.d[1] == b1, "a G step moved D");
    handmade_close(&h);
}

/* A regularizer in memory that records what its hooks see: D's parameters
 * and gradient when adjust_grads runs (which also doubles that gradient, so
 * the update shows it ran first), D's parameters when after_step runs. */
typedef struct hook_log {
    int adjust_calls, after_calls;
    double adj_theta[2], adj_grad[2], after_theta[2];
    lg_player after_player;
} hook_log;
static hook_log hooks;

static int rec_adjust(lg_game *g, const lg_params *p)
{
    (void)p;
    size_t n;
    double *th = lg_game_params(g, LG_NET_D, &n), *gr = lg_game_grads(g, LG_NET_D, &n);
    hooks.adjust_calls++;
    memcpy(hooks.adj_theta, th, 2 * sizeof(double));
    memcpy(hooks.adj_grad, gr, 2 * sizeof(double));
    gr[0] *= 2, gr[1] *= 2;
    return 0;
}
static int rec_after(lg_game *g, lg_player player, const lg_params *p)
{
    (void)p;
    size_t n;
    hooks.after_calls++;
    hooks.after_player = player;
    memcpy(hooks.after_theta, lg_game_params(g, LG_NET_D, &n), 2 * sizeof(double));
    return 0;
}
static const lg_plugin rec_reg = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                   .kind = LG_PLUGIN_KIND_REG, .name = "rec", .title = "records its hooks",
                                   .citation = "test", .adjust_grads = rec_adjust, .after_step = rec_after };

static void test_reg_hooks_order(void)
{
    handmade h;
    const double lr = 0.05;
    linear_open(&h, lr);
    memset(&hooks, 0, sizeof hooks);
    CU_ASSERT_EQUAL_FATAL(lg_game_add_reg_desc(h.g, &rec_reg, ""), LG_OK);
    double grad[2];
    sq_grad_d(A0, T0, P0, B0, grad);
    CU_ASSERT_EQUAL_FATAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_OK);
    CU_ASSERT_EQUAL(hooks.adjust_calls, 1);
    CU_ASSERT_EQUAL(hooks.after_calls, 1);
    /* adjust_grads: before the update, on the gradient */
    LG_ASSERT_MSG(hooks.adj_theta[0] == P0 && hooks.adj_theta[1] == B0,
                  "adjust_grads saw (%.17g, %.17g), the parameters before the step are (%g, %g)",
                  hooks.adj_theta[0], hooks.adj_theta[1], P0, B0);
    LG_ASSERT_CLOSE(hooks.adj_grad[0], grad[0], 1e-15);
    LG_ASSERT_CLOSE(hooks.adj_grad[1], grad[1], 1e-15);
    /* the update used the adjusted (doubled) gradient */
    LG_ASSERT_CLOSE(h.d[0], P0 - 2 * lr * grad[0], 1e-15);
    LG_ASSERT_CLOSE(h.d[1], B0 - 2 * lr * grad[1], 1e-15);
    /* after_step: after the update, for player D */
    LG_ASSERT_MSG(hooks.after_theta[0] == h.d[0] && hooks.after_theta[1] == h.d[1],
                  "after_step saw (%.17g, %.17g), the updated parameters are (%.17g, %.17g)",
                  hooks.after_theta[0], hooks.after_theta[1], h.d[0], h.d[1]);
    CU_ASSERT_EQUAL(hooks.after_player, LG_PLAYER_D);
    handmade_close(&h);
}

/* f_D = -mean D(G(z)) = -psi theta, f_G = psi theta on the Dirac-GAN's
 * players (D "1-1n", G "1-1c"): v = (-theta, psi). */
static lg_node *bil_d(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    return lg_neg(t, lg_mean(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)))));
}
static lg_node *bil_g(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    return lg_mean(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))));
}
static const lg_plugin bil_loss = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                    .kind = LG_PLUGIN_KIND_LOSS, .name = "bilinear", .title = "f = psi theta",
                                    .citation = "test", .d_loss = bil_d, .g_loss = bil_g };

static void test_simultaneous_bilinear(void)
{
    const double h = 0.2;
    double psi = 1.0, theta = 1.0, r0 = hypot(psi, theta);
    handmade m;
    handmade_open(&m, "1-1c", "1-1n", 4, h);
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss_desc(m.g, &bil_loss, NULL), LG_OK);
    gsl_matrix_set_all(lg_game_noise_batch(m.g), 0.37); /* G ignores it */
    lg_game_set_simultaneous(m.g, true);
    CU_ASSERT_EQUAL(lg_game_simultaneous(m.g), 1);
    m.d[0] = psi, m.gt[0] = theta;
    for (int k = 1; k <= 5; k++) {
        lg_game_new_step(m.g);
        CU_ASSERT_EQUAL_FATAL(lg_game_step(m.g, LG_PLAYER_G /* ignored */, m.opt), LG_OK);
        double p1 = psi + h * theta, t1 = theta - h * psi; /* both from the same point */
        psi = p1, theta = t1;
        LG_ASSERT_CLOSE(m.d[0], psi, 1e-14);
        LG_ASSERT_CLOSE(m.gt[0], theta, 1e-14);
    }
    /* simultaneous steps spiral out: |1 + h i| = sqrt(1 + h^2) per step */
    LG_ASSERT_CLOSE(hypot(m.d[0], m.gt[0]), r0 * pow(1 + h * h, 2.5), 1e-13);
    /* alternating from (1, 1): D, then G from the new psi: a different point */
    lg_game_set_simultaneous(m.g, false);
    m.d[0] = 1.0, m.gt[0] = 1.0;
    CU_ASSERT_EQUAL_FATAL(lg_game_step(m.g, LG_PLAYER_D, m.opt), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_game_step(m.g, LG_PLAYER_G, m.opt), LG_OK);
    LG_ASSERT_CLOSE(m.d[0], 1 + h, 1e-15);
    LG_ASSERT_CLOSE(m.gt[0], 1 - h * (1 + h), 1e-15);
    handmade_close(&m);
}

static lg_node *nan_d(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return lg_add(t, sq_d(g, p), lg_fill(t, 1, 1, NAN));
}
static const lg_plugin nan_loss = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                    .kind = LG_PLUGIN_KIND_LOSS, .name = "nanloss", .title = "NaN",
                                    .citation = "test", .d_loss = nan_d, .g_loss = sq_g };

static void test_step_guards(void)
{
    handmade h;
    linear_open(&h, 0.1);
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss_desc(h.g, &nan_loss, NULL), LG_OK);
    CU_ASSERT_EQUAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_ENONFINITE);
    const char *m = lg_errmsg();
    LG_ASSERT_MSG(strstr(m, "discriminator loss") && strstr(m, "not finite") && !strchr(m, '\n'),
                  "message: %s", m);
    LG_ASSERT_MSG(h.d[0] == P0 && h.d[1] == B0, "a refused step moved D");
    /* a net without its optimizer */
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss_desc(h.g, &sq_loss, NULL), LG_OK);
    lg_optim *only_d[LG_NET_COUNT] = { NULL, h.opt[LG_NET_D], NULL };
    CU_ASSERT_EQUAL(lg_game_step(h.g, LG_PLAYER_G, only_d), LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "opt[LG_NET_G]") && !strchr(lg_errmsg(), '\n'), "message: %s", lg_errmsg());
    CU_ASSERT_EQUAL(lg_game_step(h.g, LG_PLAYER_D, only_d), LG_OK); /* D's own step needs only D's */
    handmade_close(&h);
}

static const lg_plugin hookless = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                    .kind = LG_PLUGIN_KIND_REG, .name = "hookless", .title = "no hook",
                                    .citation = "test" };

static int fail_after(lg_game *g, lg_player player, const lg_params *p)
{
    (void)player, (void)p;
    lg_game_fail(g, "weights out of their box");
    return 1;
}
static const lg_plugin failing = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                   .kind = LG_PLUGIN_KIND_REG, .name = "failing", .title = "fails",
                                   .citation = "test", .after_step = fail_after };

static void test_add_reg_desc(void)
{
    handmade h;
    linear_open(&h, 0.1);
    CU_ASSERT_EQUAL(lg_game_add_reg_desc(h.g, &sq_loss, NULL), LG_EPLUGIN);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "not a regularizer") && !strchr(lg_errmsg(), '\n'), "message: %s",
                  lg_errmsg());
    CU_ASSERT_EQUAL(lg_game_add_reg_desc(h.g, &hookless, NULL), LG_EPLUGIN);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "hookless") && strstr(lg_errmsg(), "none of the hooks") &&
                  !strchr(lg_errmsg(), '\n'), "message: %s", lg_errmsg());
    CU_ASSERT_EQUAL(lg_game_add_reg_desc(h.g, &rec_reg, "k=1"), LG_EINVAL); /* it has no parameter k */
    /* none of them was added: a step runs no hook */
    memset(&hooks, 0, sizeof hooks);
    CU_ASSERT_EQUAL_FATAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_OK);
    CU_ASSERT_EQUAL(hooks.adjust_calls + hooks.after_calls, 0);
    /* a failing hook: LG_EPLUGIN naming the regularizer, the hook and its reason */
    CU_ASSERT_EQUAL_FATAL(lg_game_add_reg_desc(h.g, &failing, NULL), LG_OK);
    CU_ASSERT_EQUAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_EPLUGIN);
    const char *m = lg_errmsg();
    LG_ASSERT_MSG(strstr(m, "failing") && strstr(m, "after_step") && strstr(m, "out of their box") &&
                  !strchr(m, '\n'), "message: %s", m);
    handmade_close(&h);
}

/* ----------------------------------------------------- the Dirac-GAN nets --- */

static void test_dirac_nets(void)
{
    static const struct { const char *spec; size_t n; } counts[] = {
        { "1-1c", 1 }, { "1-1n", 1 }, { "3-2n", 6 }, { "3-2c", 2 }, { "2-4cr-1n", 8 }, { "1-1", 2 }
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        lg_net *n;
        CU_ASSERT_EQUAL_FATAL(lg_net_parse(counts[i].spec, &n), LG_OK);
        size_t k;
        lg_net_params(n, &k);
        LG_ASSERT_MSG(k == counts[i].n, "%s: %zu parameters, expected %zu", counts[i].spec, k, counts[i].n);
        lg_net_free(n);
    }
    lg_net *G, *D;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1c", &G), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1n", &D), LG_OK);
    size_t k;
    lg_net_params(G, &k)[0] = 0.625;
    lg_net_params(D, &k)[0] = -1.75;
    gsl_matrix *x = gsl_matrix_alloc(4, 1), *y = gsl_matrix_alloc(4, 1);
    const double pts[4] = { -3.0, 0.0, 2.5, 1e6 };
    for (int i = 0; i < 4; i++)
        gsl_matrix_set(x, i, 0, pts[i]);
    lg_net_forward(G, x, y);
    for (int i = 0; i < 4; i++)
        LG_ASSERT_MSG(gsl_matrix_get(y, i, 0) == 0.625, "G(%g) = %.17g, expected theta = 0.625", pts[i],
                      gsl_matrix_get(y, i, 0));
    lg_net_forward(D, x, y);
    for (int i = 0; i < 4; i++)
        LG_ASSERT_MSG(gsl_matrix_get(y, i, 0) == -1.75 * pts[i], "D(%g) = %.17g, expected psi x = %.17g", pts[i],
                      gsl_matrix_get(y, i, 0), -1.75 * pts[i]);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    lg_net_free(G);
    lg_net_free(D);
    /* refusals, one line each, saying what to write */
    static const char *bad[] = { "1-1nc", "1-1cn", "1-1rn", "1-1tc", "1-1x" };
    static const char *want[] = { "together", "together", "directly", "directly", "n no bias" };
    for (int i = 0; i < 5; i++) {
        lg_net *n = NULL;
        CU_ASSERT_EQUAL(lg_net_parse(bad[i], &n), LG_EINVAL);
        CU_ASSERT_PTR_NULL(n);
        LG_ASSERT_MSG(strstr(lg_errmsg(), want[i]) && !strchr(lg_errmsg(), '\n'), "%s: %s", bad[i], lg_errmsg());
    }
}

/* sum_i net(x_i) on a tape, its gradient in the parameters and the input. */
static double net_sum(lg_net *net, const gsl_matrix *x, double *gx)
{
    lg_tape *t = lg_tape_alloc();
    lg_node *in = lg_input(t, x);
    lg_node *s = lg_sum(t, lg_net_apply(t, net, in));
    double v = lg_scalar(s);
    if (gx) {
        lg_net_zero_grad(net);
        net->requires_grad = true;
        CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, s), LG_OK);
        const gsl_matrix *g = lg_grad(in);
        for (size_t i = 0; i < x->size1 * x->size2; i++)
            gx[i] = g ? g->data[i] : 0.0;
    }
    lg_tape_free(t);
    return v;
}

/* Gradients of nets with n and c layers, in parameters and inputs, against
 * centred differences. */
static void test_dirac_nets_gradients(void)
{
    static const char *specs[] = { "1-1c", "1-1n", "2-3nt-1c", "2-3ct-2n-1", "2-3nt-2" };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        lg_net *net;
        CU_ASSERT_EQUAL_FATAL(lg_net_parse(specs[s], &net), LG_OK);
        lg_net_init(net, rng);
        size_t n, m;
        double *th = lg_net_params(net, &n), *gr = lg_net_grads(net, &m);
        gsl_matrix *x = gsl_matrix_alloc(3, lg_net_in_dim(net));
        for (size_t i = 0; i < x->size1 * x->size2; i++)
            x->data[i] = 2 * gsl_rng_uniform(rng) - 1;
        double *gx = calloc(x->size1 * x->size2, sizeof *gx), worst = 0;
        net_sum(net, x, gx);
        const double eps = 1e-6;
        for (size_t k = 0; k < n; k++) {
            double keep = th[k];
            th[k] = keep + eps;
            double fp = net_sum(net, x, NULL);
            th[k] = keep - eps;
            double fm = net_sum(net, x, NULL);
            th[k] = keep;
            double fd = (fp - fm) / (2 * eps);
            worst = fmax(worst, fabs(fd - gr[k]) / fmax(1.0, fabs(fd)));
        }
        for (size_t k = 0; k < x->size1 * x->size2; k++) {
            double keep = x->data[k];
            x->data[k] = keep + eps;
            double fp = net_sum(net, x, NULL);
            x->data[k] = keep - eps;
            double fm = net_sum(net, x, NULL);
            x->data[k] = keep;
            double fd = (fp - fm) / (2 * eps);
            worst = fmax(worst, fabs(fd - gx[k]) / fmax(1.0, fabs(fd)));
        }
        LG_ASSERT_MSG(worst < 1e-8, "%s: worst relative gradient error %.3e", specs[s], worst);
        if (!strcmp(specs[s], "1-1c")) /* d sum theta / d theta = batch; nothing into x */
            LG_ASSERT_MSG(gr[0] == 3.0 && gx[0] == 0 && gx[1] == 0 && gx[2] == 0, "1-1c: grad %g, dx (%g %g %g)",
                          gr[0], gx[0], gx[1], gx[2]);
        free(gx);
        gsl_matrix_free(x);
        lg_net_free(net);
    }
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------ dirac data --- */

static void test_dirac_data(void)
{
    static const double xs[] = { 0.0, 1.5, -2.25 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *out = gsl_matrix_alloc(50, 1);
    for (int k = 0; k < 3; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "dirac:x=%g,tol=0.3", xs[k]);
        lg_dataset *ds;
        CU_ASSERT_EQUAL_FATAL(lg_dataset_open(spec, &ds), LG_OK);
        CU_ASSERT_EQUAL(lg_dataset_dim(ds), 1);
        lg_dataset_sample(ds, rng, out);
        for (size_t i = 0; i < out->size1; i++)
            LG_ASSERT_MSG(gsl_matrix_get(out, i, 0) == xs[k], "%s: sample %zu is %.17g", spec, i,
                          gsl_matrix_get(out, i, 0));
        size_t nm;
        double sigma;
        const double *modes = lg_dataset_modes(ds, &nm, &sigma);
        CU_ASSERT_EQUAL(nm, 1);
        CU_ASSERT(modes && modes[0] == xs[k]);
        LG_ASSERT_CLOSE(3 * sigma, 0.3, 1e-15);
        CU_ASSERT(!lg_dataset_has_density(ds));
        CU_ASSERT(isnan(lg_dataset_density(ds, &xs[k])));
        /* coverage: within tol of x is high quality */
        gsl_matrix *s = gsl_matrix_alloc(4, 1);
        const double off[4] = { 0.0, 0.29, -0.29, 0.31 };
        for (int i = 0; i < 4; i++)
            gsl_matrix_set(s, i, 0, xs[k] + off[i]);
        lg_mode_stats ms = lg_mode_coverage(ds, s);
        CU_ASSERT_EQUAL(ms.modes_covered, 1);
        LG_ASSERT_CLOSE(ms.high_quality, 0.75, 1e-15);
        gsl_matrix_free(s);
        lg_dataset_free(ds);
    }
    gsl_matrix_free(out);
    gsl_rng_free(rng);
    static const char *bad[] = { "dirac:x=abc", "dirac:x=1e4", "dirac:x=0x1", "dirac:tol=0", "dirac:y=1" };
    for (int i = 0; i < 5; i++) {
        lg_dataset *ds = NULL;
        CU_ASSERT_NOT_EQUAL(lg_dataset_open(bad[i], &ds), LG_OK);
        CU_ASSERT_PTR_NULL(ds);
        LG_ASSERT_MSG(strstr(lg_errmsg(), "dirac") && !strchr(lg_errmsg(), '\n'), "%s: %s", bad[i], lg_errmsg());
    }
    /* the default nets: the Dirac-GAN's players */
    lg_dataset *ds;
    CU_ASSERT_EQUAL_FATAL(lg_dataset_open("dirac", &ds), LG_OK);
    char g[64], d[64], e[64];
    lg_run_default_nets(ds, false, NULL, g, d, e, sizeof g);
    CU_ASSERT_STRING_EQUAL(g, "1-1c");
    CU_ASSERT_STRING_EQUAL(d, "1-1n");
    lg_dataset_free(ds);
}

static int train(const char *first, ...)
{
    char *argv[48];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *w = first; w && argc < 47; w = va_arg(ap, const char *))
        argv[argc++] = (char *)w;
    va_end(ap);
    argv[argc] = NULL;
    return lg_test_cli("train", argc, argv);
}

static double theta_of(const char *dir)
{
    lg_run *r;
    if (lg_run_load(dir, &r) != LG_OK) {
        LG_ASSERT_MSG(0, "%s: %s", dir, lg_errmsg());
        return NAN;
    }
    size_t n;
    lg_net *G = lg_game_net(lg_run_game(r), LG_NET_G);
    double t = lg_net_params(G, &n)[0];
    LG_ASSERT_MSG(n == 1 && !strcmp(lg_net_spec(G), "1-1c"), "G is %s with %zu parameters", lg_net_spec(G), n);
    /* G is the point mass theta: W1 to delta_x = |theta - x| */
    lg_run_summary s;
    CU_ASSERT_EQUAL(lg_run_evaluate(r, 500, &s), LG_OK);
    LG_ASSERT_CLOSE(s.sliced_w1, fabs(t - 0.5), 1e-12);
    CU_ASSERT_EQUAL(s.modes, fabs(t - 0.5) <= 0.1 ? 1 : 0);
    lg_run_close(r);
    return t;
}

/* litgan train on dirac with WGAN and clipping: to the end with figures; the
 * checkpoint carries theta (a resumed run ends where a straight one does). */
static void test_dirac_train(void)
{
    const char *a = lg_test_tmpdir("dirac-straight"), *b = lg_test_tmpdir("dirac-resumed");
    CU_ASSERT_EQUAL_FATAL(train("--data", "dirac:x=0.5", "--loss", "wgan", "--reg", "clip:c=1", "--steps", "20",
                                "--log-every", "5", "--out", a, "--quiet", NULL), 0);
    static const char *files[] = { "samples.png", "metrics.png", "log.csv", "checkpoint.bin", "samples.csv" };
    for (int i = 0; i < 5; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", a, files[i]);
        LG_ASSERT_MSG(access(p, F_OK) == 0, "%s is missing", p);
    }
    char p[4200];
    size_t len;
    snprintf(p, sizeof p, "%s/settings.gp", a);
    char *text = lg_read_file(p, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    double xlo = NAN, xhi = NAN;
    const char *lo = strstr(text, "xlo = "), *hi = strstr(text, "xhi = ");
    if (lo && hi)
        xlo = atof(lo + 6), xhi = atof(hi + 6);
    LG_ASSERT_MSG(strstr(text, "has_p = 0") && xlo <= -0.5 && xhi >= 1.5, "settings.gp: %s", text);
    free(text);
    /* the same run in two halves through its checkpoint */
    CU_ASSERT_EQUAL_FATAL(train("--data", "dirac:x=0.5", "--loss", "wgan", "--reg", "clip:c=1", "--steps", "10",
                                "--log-every", "5", "--out", b, "--quiet", "--no-figures", NULL), 0);
    CU_ASSERT_EQUAL_FATAL(train("--resume", b, "--steps", "20", "--quiet", "--no-figures", NULL), 0);
    double ta = theta_of(a), tb = theta_of(b);
    LG_ASSERT_MSG(ta == tb, "theta after 20 steps %.17g, after 10 + 10 resumed %.17g", ta, tb);
    LG_ASSERT_MSG(ta != 0 && isfinite(ta), "theta %.17g", ta);
}

/* ------------------------------------------------------- the step's passes --- */

/* The passes a step makes over whole buffers: the gradient's sum of squares
 * (eight partial sums, so its last bits may differ from one running sum: within
 * a few ulps of a long double sum), the finiteness scan, and each optimizer's
 * update telling whether it left every parameter finite. Lengths 0..19 cover the
 * vector loops' remainders; a bad value goes at every position. */
static void test_step_passes(void)
{
    double x[19] = { 0 };
    for (size_t n = 0; n <= 19; n++) {
        long double ref = 0;
        for (size_t i = 0; i < n; i++) {
            x[i] = 0.37 * (double)i - 2.0 + 1e-3 * (double)(i * i);
            ref += (long double)x[i] * x[i];
        }
        double s = lg_sumsq(x, n);
        CU_ASSERT(fabs(s - (double)ref) <= 4e-16 * (double)ref);
        CU_ASSERT(lg_all_finite(x, n));
        const double bad[3] = { NAN, INFINITY, -INFINITY };
        for (size_t i = 0; i < n; i++)
            for (int b = 0; b < 3; b++) {
                double keep = x[i];
                x[i] = bad[b];
                CU_ASSERT(!lg_all_finite(x, n));
                CU_ASSERT(!isfinite(lg_sumsq(x, n)));
                x[i] = keep;
            }
    }
    double edge[3] = { DBL_MAX, -DBL_MAX, 4.9e-324 };
    CU_ASSERT(lg_all_finite(edge, 3));

    /* An update that overflows at position k of 13 is reported; one that does
     * not is the rule's step, exactly. */
    static const char *const specs[] = { "sgd:lr=1", "sgd:lr=1,momentum=0.5", "adam:lr=1,wd=1",
                                         "rmsprop:lr=1,wd=1" };
    for (size_t sp = 0; sp < 4; sp++)
        for (size_t k = 0; k < 13; k++) {
            lg_optim *o;
            CU_ASSERT_FATAL(lg_optim_parse(specs[sp], 13, &o) == LG_OK);
            double theta[13], grad[13];
            for (size_t i = 0; i < 13; i++)
                theta[i] = 1.0, grad[i] = 0.25;
            /* SGD: 1.7e308 + 1e308 overflows. Adam and RMSProp move a
             * parameter by about lr at most, unless the decayed gradient
             * itself overflows (DBL_MAX + wd DBL_MAX): then inf / inf. */
            bool sgd = sp < 2;
            theta[k] = sgd ? 1.7e308 : DBL_MAX;
            grad[k] = sgd ? -1e308 : DBL_MAX;
            CU_ASSERT(!lg_optim_update(o, theta, grad));
            CU_ASSERT(!isfinite(theta[k]));
            if (sp == 0)
                CU_ASSERT_EQUAL(theta[(k + 1) % 13], 0.75);
            lg_optim_free(o);
        }
    lg_optim *o;
    CU_ASSERT_FATAL(lg_optim_parse("sgd:lr=0.5", 3, &o) == LG_OK);
    double th[3] = { 1, 2, 3 }, gr[3] = { 0.5, -1, 2 };
    CU_ASSERT(lg_optim_update(o, th, gr));
    CU_ASSERT(th[0] == 0.75 && th[1] == 2.5 && th[2] == 2.0);
    lg_optim_free(o);
}

/* lg_optim_spend is lg_optim_update in one pass with the gradient's check
 * and sum of squares, and zeroes the gradient: the same parameters bit for
 * bit as the update alone, lg_sumsq's bits exactly (float: within 2e-14 of a
 * long double sum), a non-finite gradient at any position told, lengths
 * 0..19 and 1003 (the loops' blocks of eight and their tails). */
static void test_spend(void)
{
    static const char *const specs[] = { "sgd:lr=0.1", "sgd:lr=0.1,momentum=0.9,nesterov=1", "adam:lr=0.01",
                                         "adam:lr=0.01,wd=0.1", "rmsprop:lr=0.01", "rmsprop:lr=0.01,momentum=0.5" };
    enum { N = 1003 };
    static double th0[N], gr0[N], tha[N], thb[N], grb[N];
    static float thf0[N], grf0[N], thfa[N], thfb[N], grfb[N];
    for (size_t i = 0; i < N; i++) {
        th0[i] = sin(0.7 * (double)i), gr0[i] = cos(1.3 * (double)i) * (1 + (double)(i % 5));
        thf0[i] = (float)th0[i], grf0[i] = (float)gr0[i];
    }
    for (size_t sp = 0; sp < sizeof specs / sizeof specs[0]; sp++)
        for (size_t n = 0; n <= 20; n++) {
            size_t len = n == 20 ? N : n;
            lg_optim *oa, *ob, *ofa, *ofb;
            CU_ASSERT_FATAL(lg_optim_parse(specs[sp], len, &oa) == LG_OK && lg_optim_parse(specs[sp], len, &ob) == LG_OK &&
                            lg_optim_parse(specs[sp], len, &ofa) == LG_OK && lg_optim_parse(specs[sp], len, &ofb) == LG_OK);
            lg_optim_set_float(ofa), lg_optim_set_float(ofb);
            memcpy(tha, th0, sizeof tha), memcpy(thb, th0, sizeof thb);
            memcpy(thfa, thf0, sizeof thfa), memcpy(thfb, thf0, sizeof thfb);
            for (int step = 0; step < 3; step++) { /* the moments non-zero from the second */
                memcpy(grb, gr0, sizeof grb), memcpy(grfb, grf0, sizeof grfb);
                bool ua = lg_optim_update(oa, tha, gr0);
                lg_spent ub = lg_optim_spend(ob, thb, grb);
                LG_ASSERT_MSG(!memcmp(tha, thb, len * sizeof(double)), "%s, n %zu, step %d: spend moved the "
                              "parameters differently from update", specs[sp], len, step);
                CU_ASSERT(ua && ub.theta_finite && ub.grad_finite);
                LG_ASSERT_MSG(ub.sumsq == lg_sumsq(gr0, len), "%s, n %zu: sum of squares %.17g, lg_sumsq %.17g",
                              specs[sp], len, ub.sumsq, lg_sumsq(gr0, len));
                bool ufa = lg_optim_update_f(ofa, thfa, grf0);
                lg_spent ufb = lg_optim_spend_f(ofb, thfb, grfb);
                CU_ASSERT(!memcmp(thfa, thfb, len * sizeof(float)) && ufa && ufb.theta_finite && ufb.grad_finite);
                long double ref = 0;
                for (size_t i = 0; i < len; i++)
                    ref += (long double)grf0[i] * grf0[i];
                CU_ASSERT(fabs(ufb.sumsq - (double)ref) <= 2e-14 * (double)ref); /* 125 terms per partial sum */
                for (size_t i = 0; i < len; i++)
                    LG_ASSERT_MSG(grb[i] == 0 && grfb[i] == 0, "%s, n %zu: gradient %zu not spent", specs[sp], len, i);
            }
            lg_optim_free(oa), lg_optim_free(ob), lg_optim_free(ofa), lg_optim_free(ofb);
        }
    /* a NaN or an infinity anywhere in the gradient is told, in double and float */
    const double bad[3] = { NAN, INFINITY, -INFINITY };
    for (size_t k = 0; k < 19; k++)
        for (int b = 0; b < 3; b++) {
            lg_optim *o, *of;
            CU_ASSERT_FATAL(lg_optim_parse("adam:lr=0.01", 19, &o) == LG_OK && lg_optim_parse("sgd:lr=0.1", 19, &of) == LG_OK);
            lg_optim_set_float(of);
            memcpy(grb, gr0, 19 * sizeof(double)), memcpy(grfb, grf0, 19 * sizeof(float));
            grb[k] = bad[b], grfb[k] = (float)bad[b];
            lg_spent u = lg_optim_spend(o, thb, grb), uf = lg_optim_spend_f(of, thfb, grfb);
            CU_ASSERT(!u.grad_finite && !isfinite(u.sumsq) && !uf.grad_finite && !isfinite(uf.sumsq));
            lg_optim_free(o), lg_optim_free(of);
        }
}

/* A gradient made non-finite after the backward (by a regularizer's
 * adjust_grads) stops the step as a gradient fault, in one line naming it. */
static int nan_adjust(lg_game *g, const lg_params *p)
{
    (void)p;
    size_t n;
    lg_game_grads(g, LG_NET_D, &n)[n - 1] = NAN;
    return 0;
}
static const lg_plugin nan_reg = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                   .kind = LG_PLUGIN_KIND_REG, .name = "nan", .title = "spoils D's gradient",
                                   .citation = "test", .adjust_grads = nan_adjust };

static void test_grad_fault(void)
{
    handmade h;
    linear_open(&h, 0.1);
    CU_ASSERT_EQUAL_FATAL(lg_game_add_reg_desc(h.g, &nan_reg, ""), LG_OK);
    CU_ASSERT_EQUAL(lg_game_step(h.g, LG_PLAYER_D, h.opt), LG_ENONFINITE);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "a gradient of the discriminator's parameters (network 1-1) is not finite"),
                  "message: %s", lg_errmsg());
    CU_ASSERT_EQUAL(h.g->fault.kind, LG_FAULT_GRAD);
    CU_ASSERT_EQUAL(h.g->fault.net, LG_NET_D);
    handmade_close(&h);
}

void lg_suite_game(void)
{
    LG_ADD_SUITE("game",
                 { "an alternating D step is theta_D - lr grad, G untouched", test_alternating_d_step },
                 { "a regularizer's adjust_grads runs before the update, after_step after it", test_reg_hooks_order },
                 { "simultaneous steps of the bilinear game start from the same point", test_simultaneous_bilinear },
                 { "a NaN loss or a missing optimizer stops a step in one line", test_step_guards },
                 { "lg_game_add_reg_desc refuses a loss and a hookless descriptor", test_add_reg_desc },
                 { "Dirac-GAN nets: 1-1c is theta, 1-1n is psi x, one parameter each", test_dirac_nets },
                 { "n and c layers: gradients against centred differences", test_dirac_nets_gradients },
                 { "dirac data: every sample x, one mode, no density, bad x refused", test_dirac_data },
                 { "litgan train on dirac: to the end with figures, resumed bit for bit", test_dirac_train },
                 { "the step's passes: sum of squares, finiteness, an update's overflow", test_step_passes },
                 { "the update spends the gradient: same bits, its sum of squares and check", test_spend },
                 { "a gradient spoiled after the backward stops the step as a gradient fault", test_grad_fault });
}
