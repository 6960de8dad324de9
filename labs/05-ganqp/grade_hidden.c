/*
 * grade_hidden.c - Lab 05's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: the distance and both
 * objectives on small random networks with other batches, dimensions, lambdas
 * and metrics (expected values by refs.c: the formulas in plain doubles,
 * gradients by centred differences); the closed forms at extreme values; the
 * optimal generator's gradient in 50 dimensions against centred differences,
 * and the inputs that have no answer.
 */
#include "lab05.h"
#include "grade05.h"

#include <math.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>

/* G g_spec, D d_spec with parameters U(-1, 1) and batches U(-2, 2) from seed. */
static lg_lab05_game_arg random_game(const char *g_spec, const char *d_spec, size_t batch, unsigned long seed,
                                     double lambda, int l2, lg_player p)
{
    lg_lab05_game_arg a = { .lambda = lambda, .l2 = l2, .player = p, .batch = batch };
    snprintf(a.g_spec, sizeof a.g_spec, "%s", g_spec);
    snprintf(a.d_spec, sizeof a.d_spec, "%s", d_spec);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < LG_LAB05_PARAMS; i++) {
        a.theta_d[i] = 2 * gsl_rng_uniform(r) - 1;
        a.theta_g[i] = 2 * gsl_rng_uniform(r) - 1;
    }
    for (size_t i = 0; i < LG_LAB05_BATCH * LG_LAB05_DIM; i++) {
        a.x_real[i] = 4 * gsl_rng_uniform(r) - 2;
        a.z[i] = 4 * gsl_rng_uniform(r) - 2;
    }
    gsl_rng_free(r);
    return a;
}

static void h51_l1(void)
{
    lg_lab05_game_arg a = random_game("2-4t-3", "3-1", 6, 5, 10, 0, LG_PLAYER_D);
    lab05_check_dist(&a, "G 2-4t-3 (seed 5), batch 6 in 3D, metric l1", NULL);
}

static void h51_l2(void)
{
    lg_lab05_game_arg a = random_game("3-4t-4", "4-1", 7, 11, 10, 1, LG_PLAYER_D);
    lab05_check_dist(&a, "G 3-4t-4 (seed 11), batch 7 in 4D, metric l2", NULL);
}

static void h52_d(void)
{
    lg_lab05_game_arg a = random_game("2-3t-2", "2-5t-1", 8, 29, 10, 0, LG_PLAYER_D);
    lab05_check_loss(&a, "G 2-3t-2, D 2-5t-1 (seed 29), batch 8, lambda = 10, metric l1; the critic's objective");
}

static void h52_both(void)
{
    lg_lab05_game_arg a = random_game("3-4t-3", "3-4t-1", 5, 31, 50, 1, LG_PLAYER_D);
    lab05_check_loss(&a, "G 3-4t-3, D 3-4t-1 (seed 31), batch 5, lambda = 50, metric l2; the critic's objective");
    a.player = LG_PLAYER_G;
    lab05_check_loss(&a, "G 3-4t-3, D 3-4t-1 (seed 31), batch 5, lambda = 50, metric l2; the generator's objective");
}

/* (Delta, lambda, d): (-1e3, 1e4, 1e-8): q = -1e3 - 1e6 / 2e-4 = -1e3 - 5e9; Delta* = 1e-4, q* = 5e-5;
 * (0, 7, 2): q = 0, Delta* = 14, q* = 7; (14, 7, 2): q = 14 - 196 / 28 = 7 = q*. */
static void h53_closed(void)
{
    lg_lab05_closed_arg a = { .n = 3, .delta = { -1e3, 0, 14 }, .lambda = { 1e4, 7, 7 }, .d = { 1e-8, 2, 2 } };
    const double q[3] = { -1e3 - 5e9, 0, 7 }, gap[3] = { 1e-4, 14, 14 }, val[3] = { 5e-5, 7, 7 };
    lab05_check_closed(&a, "(Delta, lambda, d) = (-1e3, 1e4, 1e-8), (0, 7, 2), (14, 7, 2)", q, gap, val);
}

/* 50 coordinates (seeded, no two equal), both metrics, against centred
 * differences of lambda d; the norm is lambda / sqrt(n) for both. */
static void h53_grad(void)
{
    lg_lab05_grad_arg a = { .n = 50, .lambda = 3 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 37);
    for (size_t j = 0; j < a.n; j++) {
        a.x_real[j] = 2 * gsl_rng_uniform(r) - 1;
        a.x_fake[j] = a.x_real[j] + (gsl_rng_uniform(r) < 0.5 ? -1 : 1) * (0.1 + gsl_rng_uniform(r));
    }
    gsl_rng_free(r);
    lab05_check_grad(&a, "50 coordinates (seed 37), lambda = 3, metric l1", NULL, 3 / sqrt(50));
    a.l2 = 1;
    lab05_check_grad(&a, "50 coordinates (seed 37), lambda = 3, metric l2", NULL, 3 / sqrt(50));
}

static void h53_none(void)
{
    lg_lab05_grad_arg same = { .n = 3, .lambda = 10, .l2 = 1, .x_real = { 1, 2, 3 }, .x_fake = { 1, 2, 3 } };
    lab05_check_grad(&same, "x_r = x_f = (1, 2, 3), lambda = 10, metric l2", NULL, NAN);
    same.l2 = 0;
    lab05_check_grad(&same, "x_r = x_f = (1, 2, 3), lambda = 10, metric l1", NULL, NAN);
    lg_lab05_grad_arg zero = { .n = 2, .lambda = 0, .x_real = { 0, 0 }, .x_fake = { 1, 1 } };
    lab05_check_grad(&zero, "x_r = (0, 0), x_f = (1, 1), lambda = 0", NULL, NAN);
    lg_lab05_grad_arg none = { .n = 0, .lambda = 10 };
    lab05_check_grad(&none, "n = 0 coordinates", NULL, NAN);
    lg_lab05_grad_arg neg = { .n = 2, .lambda = -2, .x_real = { 0, 0 }, .x_fake = { 1, -1 } };
    lab05_check_grad(&neg, "x_r = (0, 0), x_f = (1, -1), lambda = -2", NULL, NAN);
}

/* One coordinate, and a lambda below 1: d = |x_f - x_r|, the gradient lambda sign(x_f - x_r). */
static void h53_small(void)
{
    lg_lab05_grad_arg one = { .n = 1, .lambda = 0.5, .x_real = { 2 }, .x_fake = { -1.5 } };
    static const double g1[1] = { -0.5 };
    lab05_check_grad(&one, "n = 1, x_r = 2, x_f = -1.5, lambda = 0.5, metric l1", g1, 0.5);
    one.l2 = 1;
    lab05_check_grad(&one, "n = 1, x_r = 2, x_f = -1.5, lambda = 0.5, metric l2", g1, 0.5);
}

static const lg_grade_test hidden[] = {
    { "5.1", "the distance on a small random generator, l1", 1, h51_l1, LG_HIDDEN },
    { "5.1", "the distance on a small random generator, l2", 1, h51_l2, LG_HIDDEN },
    { "5.2", "the critic's objective on small random networks", 1, h52_d, LG_HIDDEN },
    { "5.2", "both objectives, another lambda and metric", 1, h52_both, LG_HIDDEN },
    { "5.3", "the closed forms at extreme values", 0.5, h53_closed, LG_HIDDEN },
    { "5.3", "the optimal generator's gradient in 50 dimensions", 1, h53_grad, LG_HIDDEN },
    { "5.3", "pairs without an answer", 0.25, h53_none, LG_HIDDEN },
    { "5.3", "one coordinate, and lambda below 1", 0.25, h53_small, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME,
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
    .experiment = NULL,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
