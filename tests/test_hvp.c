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

void lg_suite_hvp(void)
{
    LG_ADD_SUITE("hvp",
                 { "H u of a tanh critic against the closed form", test_hvp_tanh_critic },
                 { "H u across players against the closed form", test_hvp_cross_players },
                 { "host services restore the game's state", test_hvp_leaves_state });
}
