/*
 * test_hvp.c - the host's Hessian-vector products (central differences of
 * gradients, lg_game_hvp) against Hessians derived by hand for small networks.
 */
#include "lg_test.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

typedef struct fixture {
    lg_game g;
    gsl_rng *rng;
} fixture;

/* A game with the test loss mean_critic (d_loss = mean D(x), g_loss = -mean D(G(z))). */
static void setup(fixture *fx, const char *gspec, const char *dspec, size_t batch)
{
    fx->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(fx->rng, 99);
    lg_net *G, *D;
    LG_ASSERT(lg_net_parse(gspec, &G) == LG_OK, "G spec");
    LG_ASSERT(lg_net_parse(dspec, &D) == LG_OK, "D spec");
    LG_ASSERT(lg_game_init(&fx->g, G, D, NULL, batch, G->in_dim, fx->rng) == LG_OK, "game");
    lg_net_init(G, fx->rng);
    lg_net_init(D, fx->rng);
    for (size_t i = 0; i < fx->g.real->size1 * fx->g.real->size2; i++)
        fx->g.real->data[i] = gsl_ran_gaussian(fx->rng, 1.0);
    for (size_t i = 0; i < fx->g.noise->size1 * fx->g.noise->size2; i++)
        fx->g.noise->data[i] = gsl_ran_gaussian(fx->rng, 1.0);
    char path[512];
    snprintf(path, sizeof path, "%s/tests/plugins/mean_critic.so", lg_test_build_dir());
    LG_ASSERT(lg_plugin_inst_open(path, LG_PLUGIN_KIND_LOSS, &fx->g.loss) == LG_OK, lg_errmsg());
}

static void teardown(fixture *fx)
{
    lg_game_clear(&fx->g);
    gsl_rng_free(fx->rng);
}

/* D(x) = v . tanh(W x + c) + d, f = mean_i D(x_i) (d_loss of mean_critic).
 * With a = W x + c, h = tanh a, s = 1 - h^2 (= dh/da), ds/da = -2 h s, the gradient is
 *   df/dW_jk = mean v_j s_j x_k,  df/dc_j = mean v_j s_j,  df/dv_j = mean h_j,  df/dd = 1.
 * Its derivative along u = (uW, uc, uv, ud), with da = uW x + uc:
 *   (Hu)_W_jk = mean (uv_j s_j - 2 v_j h_j s_j da_j) x_k
 *   (Hu)_c_j  = mean (uv_j s_j - 2 v_j h_j s_j da_j)
 *   (Hu)_v_j  = mean s_j da_j,   (Hu)_d = 0. */
static void test_hvp_tanh_critic(void)
{
    fixture fx = { 0 };
    const size_t B = 5, X = 3, H = 4;
    setup(&fx, "2-3", "3-4t-1", B);
    lg_game *g = &fx.g;
    size_t n = lg_game_param_count(g), nD;
    double *theta = lg_game_params(g, LG_NET_D, &nD);
    CU_ASSERT_EQUAL_FATAL(nD, H * X + H + H + 1);
    const double *W = theta, *c = theta + H * X, *v = c + H;
    double *u = calloc(n, sizeof *u), *out = calloc(n, sizeof *out), *exact = calloc(n, sizeof *exact);
    for (size_t i = 0; i < nD; i++)
        u[i] = gsl_ran_gaussian(fx.rng, 1.0);
    const double *uW = u, *uc = u + H * X, *uv = uc + H;
    for (size_t i = 0; i < B; i++) {
        const double *x = g->real->data + i * X;
        for (size_t j = 0; j < H; j++) {
            double a = c[j], da = uc[j];
            for (size_t k = 0; k < X; k++) {
                a += W[j * X + k] * x[k];
                da += uW[j * X + k] * x[k];
            }
            double h = tanh(a), s = 1 - h * h;
            double q = (uv[j] * s - 2 * v[j] * h * s * da) / (double)B;
            for (size_t k = 0; k < X; k++)
                exact[j * X + k] += q * x[k];
            exact[H * X + j] += q;
            exact[H * X + H + j] += s * da / (double)B;
        }
    }
    double *keep = malloc(nD * sizeof *keep);
    memcpy(keep, theta, nD * sizeof *keep);
    CU_ASSERT_EQUAL_FATAL(lg_game_hvp(g, LG_PLAYER_D, u, out), LG_OK);
    double e = lg_rel_error(out, exact, n);
    LG_ASSERT_MSG(e <= 1e-7, "relative error of H u: %.3e (want <= 1e-7)", e);
    printf("\n    tanh critic: H u relative error %.2e ", e);
    LG_ASSERT_MSG(memcmp(keep, theta, nD * sizeof *keep) == 0, "parameters not restored bit for bit");
    free(keep);
    free(u), free(out), free(exact);
    teardown(&fx);
}

/* G(z) = A z + a0 (A: 3x2), D(x) = w . x + d, f = g_loss = -mean_i D(G(z_i))
 * = -(w . (A zbar + a0) + d) with zbar the mean noise. The only second
 * derivatives are d2f/dw_j dA_jk = -zbar_k and d2f/dw_j da0_j = -1, so
 *   (Hu)_w_j = -(sum_k uA_jk zbar_k + ua0_j),  (Hu)_A_jk = -uw_j zbar_k,
 *   (Hu)_a0_j = -uw_j,  (Hu)_d = 0.
 * Game vectors are ordered [theta_D, theta_G]. */
static void test_hvp_cross_players(void)
{
    fixture fx = { 0 };
    const size_t B = 4, X = 3, Z = 2;
    setup(&fx, "2-3", "3-1", B);
    lg_game *g = &fx.g;
    size_t n = lg_game_param_count(g);
    CU_ASSERT_EQUAL_FATAL(n, (X + 1) + (X * Z + X));
    double *u = calloc(n, sizeof *u), *out = calloc(n, sizeof *out), *exact = calloc(n, sizeof *exact);
    for (size_t i = 0; i < n; i++)
        u[i] = gsl_ran_gaussian(fx.rng, 1.0);
    double zbar[2] = { 0, 0 };
    for (size_t i = 0; i < B; i++)
        for (size_t k = 0; k < Z; k++)
            zbar[k] += g->noise->data[i * Z + k] / (double)B;
    const double *uw = u, *uA = u + X + 1, *ua0 = uA + X * Z;
    double *ew = exact, *eA = exact + X + 1, *ea0 = eA + X * Z;
    for (size_t j = 0; j < X; j++) {
        ew[j] = -ua0[j];
        for (size_t k = 0; k < Z; k++) {
            ew[j] -= uA[j * Z + k] * zbar[k];
            eA[j * Z + k] = -uw[j] * zbar[k];
        }
        ea0[j] = -uw[j];
    }
    CU_ASSERT_EQUAL_FATAL(lg_game_hvp(g, LG_PLAYER_G, u, out), LG_OK);
    double e = lg_rel_error(out, exact, n);
    LG_ASSERT_MSG(e <= 1e-7, "relative error of H u: %.3e (want <= 1e-7)", e);
    printf("\n    linear game, cross-player blocks: H u relative error %.2e ", e);
    free(u), free(out), free(exact);
    teardown(&fx);
}

/* The host services leave the game as they found it: BatchNorm running
 * statistics, gradients already in the nets, parameters. */
static void test_hvp_leaves_state(void)
{
    fixture fx = { 0 };
    setup(&fx, "2-4b-3", "3-4b-1", 6);
    lg_game *g = &fx.g;
    size_t n = lg_game_param_count(g);
    lg_net *D = g->net[LG_NET_D], *G = g->net[LG_NET_G];
    for (size_t i = 0; i < D->n_params; i++)
        D->grad[i] = (double)i;
    double *bufD = malloc(D->n_buffers * sizeof(double)), *bufG = malloc(G->n_buffers * sizeof(double));
    memcpy(bufD, D->buffers, D->n_buffers * sizeof(double));
    memcpy(bufG, G->buffers, G->n_buffers * sizeof(double));
    double *u = calloc(n, sizeof *u), *out = calloc(n, sizeof *out), *gr = calloc(n, sizeof *gr);
    for (size_t i = 0; i < n; i++)
        u[i] = gsl_ran_gaussian(fx.rng, 1.0);
    CU_ASSERT_EQUAL(lg_game_hvp(g, LG_PLAYER_D, u, out), LG_OK);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    CU_ASSERT(memcmp(bufD, D->buffers, D->n_buffers * sizeof(double)) == 0);
    CU_ASSERT(memcmp(bufG, G->buffers, G->n_buffers * sizeof(double)) == 0);
    for (size_t i = 0; i < D->n_params; i++)
        LG_ASSERT_MSG(D->grad[i] == (double)i, "gradient %zu of D overwritten", i);
    CU_ASSERT(lg_all_finite(out, n));
    free(bufD), free(bufG), free(u), free(out), free(gr);
    teardown(&fx);
}

/* f = mean(sum_rows(gA^2)) + sum(gB * gB * c): a gradient penalty on two
 * batches of different sizes, gA = nabla_x D on xA: (7, 3), gB on xB: (3, 3),
 * both lg_input_grad nodes on one tape (larger first, so a work space sized by
 * the last forward would be too small for the first node's backward). */
static lg_node *two_penalties(lg_game *g, const gsl_matrix *xa, const gsl_matrix *xb,
                              const gsl_matrix *c, lg_node **na, lg_node **nb)
{
    lg_tape *t = lg_game_tape(g);
    lg_tape_reset(t);
    *na = lg_input(t, xa);
    *nb = lg_input(t, xb);
    lg_node *ga = lg_input_grad(g, LG_NET_D, *na), *gb = lg_input_grad(g, LG_NET_D, *nb);
    lg_node *pa = lg_mean(t, lg_sum_rows(t, lg_square(t, ga)));
    lg_node *pb = lg_sum(t, lg_mul(t, lg_mul(t, gb, gb), lg_const(t, c)));
    return lg_add(t, pa, pb);
}

static double penalty_value(lg_game *g, const gsl_matrix *xa, const gsl_matrix *xb,
                            const gsl_matrix *c)
{
    lg_node *na, *nb;
    return lg_scalar(two_penalties(g, xa, xb, c, &na, &nb));
}

/* Gradients of f with respect to D's parameters and to both inputs, through
 * the host's central differences of lg_input_grad's backward, against central
 * differences of f itself. */
static void test_input_grad_two_shapes(void)
{
    fixture fx = { 0 };
    setup(&fx, "2-3", "3-5t-4t-1", 4);
    lg_game *g = &fx.g;
    lg_net *D = g->net[LG_NET_D];
    gsl_matrix *xa = gsl_matrix_alloc(7, 3), *xb = gsl_matrix_alloc(3, 3), *c = gsl_matrix_alloc(3, 3);
    for (size_t i = 0; i < 21; i++)
        xa->data[i] = gsl_ran_gaussian(fx.rng, 1.0);
    for (size_t i = 0; i < 9; i++) {
        xb->data[i] = gsl_ran_gaussian(fx.rng, 1.0);
        c->data[i] = 0.5 + gsl_rng_uniform(fx.rng);
    }
    D->requires_grad = true;
    lg_net_zero_grad(D);
    lg_node *na, *nb;
    lg_node *f = two_penalties(g, xa, xb, c, &na, &nb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(lg_game_tape(g), f), LG_OK);
    size_t P = D->n_params;
    double *ana = malloc((P + 30) * sizeof *ana), *num = malloc((P + 30) * sizeof *num);
    memcpy(ana, D->grad, P * sizeof *ana);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lg_grad(na));
    CU_ASSERT_PTR_NOT_NULL_FATAL(lg_grad(nb));
    memcpy(ana + P, lg_grad(na)->data, 21 * sizeof *ana);
    memcpy(ana + P + 21, lg_grad(nb)->data, 9 * sizeof *ana);
    double *v[3] = { D->theta, xa->data, xb->data };
    size_t len[3] = { P, 21, 9 }, k = 0;
    for (int b = 0; b < 3; b++)
        for (size_t i = 0; i < len[b]; i++, k++) {
            double keep = v[b][i], h = 1e-5 * fmax(1.0, fabs(keep));
            v[b][i] = keep + h;
            double fp = penalty_value(g, xa, xb, c);
            v[b][i] = keep - h;
            double fm = penalty_value(g, xa, xb, c);
            v[b][i] = keep;
            num[k] = (fp - fm) / (2.0 * h);
        }
    double eth = lg_rel_error(ana, num, P), ex = lg_rel_error(ana + P, num + P, 30);
    LG_ASSERT_MSG(eth <= 1e-6, "d f / d theta_D: relative error %.3e (want <= 1e-6)", eth);
    LG_ASSERT_MSG(ex <= 1e-6, "d f / d x: relative error %.3e (want <= 1e-6)", ex);
    printf("\n    two input grads (7 and 3 rows): relative errors theta %.2e, x %.2e ", eth, ex);
    free(ana), free(num);
    gsl_matrix_free(xa), gsl_matrix_free(xb), gsl_matrix_free(c);
    teardown(&fx);
}

/* lg_game_log has no cap: 20 names of 40-odd characters all reach the log,
 * whole, and a second step that logs the same names reuses them. */
static void test_game_log_grows(void)
{
    fixture fx = { 0 };
    setup(&fx, "2-3", "3-1", 2);
    lg_game *g = &fx.g;
    char name[64];
    for (int step = 0; step < 2; step++) {
        g->n_log = 0;
        for (int i = 0; i < 20; i++) {
            snprintf(name, sizeof name, "a_rather_long_name_for_a_logged_scalar_%02d", i);
            lg_game_log(g, name, step * 100 + i);
        }
        lg_game_log(g, "a_rather_long_name_for_a_logged_scalar_03", -1.0); /* replaces */
        CU_ASSERT_EQUAL_FATAL(g->n_log, 20);
        for (int i = 0; i < 20; i++) {
            snprintf(name, sizeof name, "a_rather_long_name_for_a_logged_scalar_%02d", i);
            CU_ASSERT_STRING_EQUAL(g->log_name[i], name);
            CU_ASSERT_EQUAL(g->log_value[i], i == 3 ? -1.0 : step * 100 + i);
        }
    }
    teardown(&fx);
}

void lg_suite_hvp(void)
{
    LG_ADD_SUITE("hvp",
                 { "H u of a tanh critic against the closed form", test_hvp_tanh_critic },
                 { "H u across players against the closed form", test_hvp_cross_players },
                 { "host services restore the game's state", test_hvp_leaves_state },
                 { "two lg_input_grad nodes of different shapes on one tape",
                   test_input_grad_two_shapes },
                 { "lg_game_log keeps every name, whole", test_game_log_grows });
}
