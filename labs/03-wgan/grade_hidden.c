/*
 * grade_hidden.c - Lab 03's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: wgan's losses on small
 * random networks, a critic step with clip.c on small random networks (the
 * expected step computed here with the library's own backpropagation,
 * refs.c), and W1 on a large sample, at the edges, and the lines at other
 * offsets.
 */
#include "lab03.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>

/* ============================================================ Task 3.1 === */

/* G "1-8t-1", D "1-8l-1" initialised from seed, a batch of 16 spread over
 * [-2.5, 2.5]; the player's objective against its closed form in the scores and
 * the gradient of its own parameters by the chain rule. */
static void check_mlp(lg_player player, unsigned long seed, lg_probe_ref_fn ref, const char *in)
{
    lg_probe pr = { .g_spec = "1-8t-1", .d_spec = "1-8l-1", .seed = seed, .batch = 16 };
    for (size_t i = 0; i < pr.batch; i++) {
        pr.x_real[i] = -2.5 + 5.0 * (double)((i * 5) % 16) / 15.0;
        pr.z[i] = -2.5 + 5.0 * (double)i / 15.0;
    }
    lg_probe_check_net(&(lg_probe_check){
        .probe = &pr, .text = in, .file = "wgan.c", .player = player, .ref = ref, .tol = 1e-10,
        .hint = { "a difference of batch means of the critic's scores, on any network" },
        .hints = { { LG_MISTAKE_SIGN, "check which player minimises what: the signs" },
                   { LG_MISTAKE_SUM, "expectations over the batch are means, not sums" } } });
}

static void h31_d_mlp(void)
{
    check_mlp(LG_PLAYER_D, 7, lg_lab03_wgan_d_ref, "G 1-8t-1, D 1-8l-1 (seed 7), batch 16");
}

static void h31_g_mlp(void)
{
    check_mlp(LG_PLAYER_G, 13, lg_lab03_wgan_g_ref, "G 1-8t-1, D 1-8l-1 (seed 13), batch 16");
}

/* ============================================================ Task 3.2 === */

/* G "2-3r-2", D "2-4r-1" with parameters drawn uniformly in [-scale, scale]
 * (seeded), a batch of 4 in 2D; one step of player with SGD lr, clip c. */
static lg_lab03_step_arg random_game(unsigned long seed, double scale, double c, double lr, lg_player p)
{
    lg_lab03_step_arg a = { .g_spec = "2-3r-2", .d_spec = "2-4r-1", .c = c, .lr = lr, .player = p, .batch = 4 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < LG_LAB03_STEP_PARAMS; i++) {
        a.theta_d[i] = scale * (2 * gsl_rng_uniform(r) - 1);
        a.theta_g[i] = scale * (2 * gsl_rng_uniform(r) - 1);
    }
    for (size_t i = 0; i < 8; i++) {
        a.x_real[i] = 3 * (2 * gsl_rng_uniform(r) - 1);
        a.z[i] = 2 * (2 * gsl_rng_uniform(r) - 1);
    }
    gsl_rng_free(r);
    return a;
}

/* The step's result against the grading process's own (refs.c: SGD on the
 * library's gradient of the same game, then the clip after a critic step). */
static void check_random(const lg_lab03_step_arg *a, const char *in)
{
    double out[2 * LG_LAB03_STEP_PARAMS], want[2 * LG_LAB03_STEP_PARAMS];
    size_t n = lg_lab03_step_expected(a, want);
    if (n != 17 + 17) { /* the grader's own game: 17 parameters a net */
        LG_GRADE_EXPECT(.input = "grader: the expected step", .expected = 34, .actual = (double)n,
                        .hint = "the grader could not build its own game; report this to the instructors");
        return;
    }
    if (!lg_grade_call("clip_step", a, sizeof *a, out, n, in))
        return;
    char what[300];
    snprintf(what, sizeof what, "%s; parameter [theta_D, theta_G]", in);
    LG_GRADE_EXPECT_ALL(out, want, n, what, NULL, .tol = 1e-12,
                        .hint = "every parameter of the critic (weights and biases of each layer) is clipped "
                                "after the critic's step, and nothing else");
}

static void h32_random_d(void)
{
    lg_lab03_step_arg a = random_game(3, 0.5, 0.2, 0.05, LG_PLAYER_D);
    check_random(&a, "G 2-3r-2, D 2-4r-1, parameters U(-0.5, 0.5) (seed 3), c = 0.2, SGD lr 0.05; one critic step");
}

static void h32_random_small_c(void)
{
    lg_lab03_step_arg a = random_game(17, 1, 0.003, 0.5, LG_PLAYER_D);
    check_random(&a, "G 2-3r-2, D 2-4r-1, parameters U(-1, 1) (seed 17), c = 0.003, SGD lr 0.5; one critic step");
    lg_lab03_step_arg b = random_game(19, 1, 0.003, 0.5, LG_PLAYER_G);
    check_random(&b, "G 2-3r-2, D 2-4r-1, parameters U(-1, 1) (seed 19), c = 0.003, SGD lr 0.5; one generator step");
}

/* ============================================================ Task 3.3 === */

/* 400 values each (seeded): x uniform on [-5, 5], y Gaussian-like (a sum of
 * uniforms) around 1, against the grader's own sort. */
static void h33_large(void)
{
    static lg_lab03_w1_arg a = { .n = 400 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 23);
    for (size_t i = 0; i < a.n; i++) {
        a.x[i] = 10 * gsl_rng_uniform(r) - 5;
        a.y[i] = 1 + gsl_rng_uniform(r) + gsl_rng_uniform(r) + gsl_rng_uniform(r) - 1.5;
    }
    gsl_rng_free(r);
    static double out[801];
    const char *in = "400 values: x ~ U(-5, 5), y around 1 (seed 23)";
    if (!lg_grade_call("w1", &a, sizeof a, out, 801, in))
        return;
    LG_GRADE_EXPECT(.input = in, .expected = lg_lab03_w1_sort(a.x, a.y, a.n), .actual = out[0], .tol = 1e-12,
                    .rel = true, .batch = 400, .hint = "sort both samples, pair them in order, take the mean cost");
    LG_GRADE_EXPECT_ALL(out + 1, a.x, a.n, "x after the call, value", NULL, .tol = 0,
                        .hint = "x and y are the caller's: sort copies of them");
}

/* n = 1: the one pair's distance; n = 0: no distribution, NaN. */
static void h33_edges(void)
{
    double one_x = -2.5, one_y = 4, out[3];
    lg_lab03_w1_arg a = { .n = 1, .x = { one_x }, .y = { one_y } };
    if (lg_grade_call("w1", &a, sizeof a, out, 3, "x = (-2.5), y = (4)"))
        LG_GRADE_EXPECT(.input = "x = (-2.5), y = (4)", .expected = 6.5, .actual = out[0], .tol = 1e-15,
                        .hint = "one point each: the distance between them");
    lg_lab03_w1_arg z = { .n = 0 };
    if (lg_grade_call("w1", &z, sizeof z, out, 1, "n = 0"))
        LG_GRADE_EXPECT(.input = "n = 0 (no values)", .expected = NAN, .actual = out[0],
                        .hint = "with no values there is no distribution: return NaN");
}

static void h33_lines(void)
{
    static const double th[] = { 0.1, -7, 2.2250738585072014e-308, -0.0, 42.5 };
    enum { N = sizeof th / sizeof th[0] };
    double out[2 * N], w[N], js[N];
    for (int i = 0; i < N; i++) {
        w[i] = fabs(th[i]);
        js[i] = th[i] != 0 ? log(2.0) : 0;
    }
    lg_lab03_lines_arg a = { .n = N };
    memcpy(a.theta, th, sizeof th);
    if (!lg_grade_call("lines", &a, sizeof a, out, 2 * N, "theta = 0.1, -7, DBL_MIN, -0, 42.5"))
        return;
    LG_GRADE_EXPECT_ALL(out, w, N, "W1 at theta", th, .tol = 1e-15, .rel = true, .hint = "how far does each point move?");
    LG_GRADE_EXPECT_ALL(out + N, js, N, "JS at theta", th, .tol = 1e-15,
                        .hint = "disjoint supports for every theta but one, however small theta is");
}

static const lg_grade_test hidden[] = {
    { "3.1", "d_loss on small random networks, batch 16", 1, h31_d_mlp, LG_HIDDEN },
    { "3.1", "g_loss on small random networks, batch 16", 1, h31_g_mlp, LG_HIDDEN },
    { "3.2", "a critic step on small random networks", 1, h32_random_d, LG_HIDDEN },
    { "3.2", "a tiny clip value on small random networks, both players", 1, h32_random_small_c, LG_HIDDEN },
    { "3.3", "W1 of two samples of 400", 1, h33_large, LG_HIDDEN },
    { "3.3", "W1 of one value, and of none", 0.5, h33_edges, LG_HIDDEN },
    { "3.3", "the lines at other offsets", 0.5, h33_lines, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
    .experiment = NULL,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
