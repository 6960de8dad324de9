/*
 * grade.c - Lab 02 (the non-saturating GAN): the lab's registration and its
 * grading tests, one CUnit suite per task.
 *
 * As in Lab 01 (the probes are the course library's, litgan/course.h): student
 * code runs only in the sandboxed child, and every expected value is a closed form
 * derived beside it and computed here.
 *
 * Points: Task 2.1 4, Task 2.2 3 (visible); grade_hidden.c adds hidden tests (2
 * and 1 points) on other inputs, so that no visible value can be looked up.
 * Names and messages say what is tested and point at the idea behind a
 * mistake, never at the value expected.
 */
#include "lab02.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ============================================================ Task 2.1 === */

#define D_LOSS_HINTS                                                                                           \
    { { LG_MISTAKE_SIGN, "D maximises V, so its loss is -V: check the sign of each term" },                    \
      { LG_MISTAKE_SUM, "expectations over the batch are means (lg_mean), not sums" },                          \
      { LG_MISTAKE_INF, "a probability that rounds to 0 has log -inf: write each log-probability with softplus" }, \
      { LG_MISTAKE_NAN, "the gradient of log(0) is NaN: write each log-probability with softplus" } }
#define G_LOSS_HINTS                                                                                          \
    { { LG_MISTAKE_SIGN, "G maximises E log D(G(z)), so it minimises its negative" },                        \
      { LG_MISTAKE_SUM, "the expectation over the batch is a mean (lg_mean), not a sum" },                     \
      { LG_MISTAKE_INF, "sigmoid(-1000) is 0 in double and its log -inf: use softplus" },                      \
      { LG_MISTAKE_NAN, "the gradient of log(0) is NaN: use softplus" },                                      \
      { LG_MISTAKE_ZERO, "no gradient reaches G: apply D to G's output, without lg_stop_gradient" } }

/* nsgan's discriminator plays the same game as gan's: the value and D's
 * gradient against the closed forms of the original GAN's D loss (lg_probe_gan_d_loss_ref). */
static void t21_d_loss(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "nsgan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .ref = lg_probe_gan_d_loss_ref, .tol = 1e-10,
        .hint = { "nsgan's discriminator plays the game of Lab 01: its loss is Task 1.1's" },
        .hints = D_LOSS_HINTS });
}

/* Logits of +-1000, as in Lab 01: d_loss = 1/2 (0 + 1000) + 1/2 (0 + 1000) = 1000,
 * d/dw = 1000, d/dc = 0 (labs/01-minimax/grade.c derives them). */
static void t21_d_extreme(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_extreme, .text = lg_probe_extreme_text, .file = "nsgan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { 1000.0, 1000.0, 0.0 }, .tol = 1e-9,
        .hint = { "sigmoid(+-1000) is 1 or 0 in double: write each log-probability with softplus" },
        .hints = D_LOSS_HINTS });
}

static void t21_value(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "nsgan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE, .ref = lg_lab02_ns_loss_ref, .tol = 1e-10,
        .hint = { "the non-saturating generator maximises log D(G(z)) (the minimax loss of Lab 01 is another)" },
        .hints = G_LOSS_HINTS });
}

/* Gradient with respect to G's parameters (a, b), cf_i = -(1 - sigma(s_f_i)) / B. */
static void t21_gradient(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "nsgan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_GRAD, .ref = lg_lab02_ns_loss_ref, .tol = 1e-10,
        .hint = { NULL, "the loss must be built from D applied to G(z) so the gradient reaches G" },
        .hints = G_LOSS_HINTS });
}

/* s_fake = (-1000, 1000) (identity nets): -log sigma(s) = softplus(-s), so
 *   g_loss = 1/2 (softplus(1000) + softplus(-1000)) = 1/2 (1000 + 0) = 500;
 * cf = -(1 - sigma(s_f))/2 = (-1/2, 0) and, with w = 1, z = (-1000, 1000),
 *   d/da = (-1/2)(1)(-1000) = 500,  d/db = -1/2:
 * the fake that D rejects (s = -1000) gets the full gradient - no saturation. */
static void t21_extreme(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_extreme, .text = lg_probe_extreme_text, .file = "nsgan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { 500.0, 500.0, -0.5 }, .tol = 1e-9,
        .hint = { "sigmoid(-1000) is 0 in double: write the log-probability with softplus" },
        .hints = G_LOSS_HINTS });
}

/* ============================================================ Task 2.2 === */

/* The input of "grads" (child.c) from n values of D(G(z)). */
static lg_lab02_grad_arg grad_in(size_t n, const double *d)
{
    lg_lab02_grad_arg a = { .n = n };
    memcpy(a.d, d, n * sizeof *d);
    return a;
}

#define GRAD_HINTS                                                                                           \
    { { LG_MISTAKE_NAN, "0/0 at an end: compute the magnitude from D directly, without dividing by D or 1 - D" }, \
      { LG_MISTAKE_INF, "a division by D or 1 - D: differentiate with respect to the logit, not D" },       \
      { LG_MISTAKE_SIGN, "a magnitude is never negative" } }

static const double d_grid[] = { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999 };
#define N_GRID (sizeof d_grid / sizeof d_grid[0])
static const char d_grid_text[] = "D(G(z)) = 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999";

/* With d = sigma(s) and sigma' = sigma (1 - sigma):
 *   d/ds log(1 - sigma(s)) = -sigma(s) = -d        ->  magnitude d. */
static void t22_minimax(void)
{
    lg_lab02_grad_arg a = grad_in(N_GRID, d_grid);
    double out[2 * N_GRID];
    if (!lg_grade_call("grads", &a, sizeof a, out, 2 * N_GRID, d_grid_text))
        return;
    LG_GRADE_EXPECT_ALL(out, d_grid, N_GRID, "minimax at D(G(z))", d_grid, .tol = 1e-9, .rel = true,
                        .hint = "differentiate log(1 - sigmoid(s)) with respect to the logit s (not with respect "
                                "to D), then write the result in terms of D = sigmoid(s)",
                        .hints = GRAD_HINTS);
}

/*   d/ds (-log sigma(s)) = -(1 - sigma(s)) = -(1 - d)  ->  magnitude 1 - d. */
static void t22_nonsat(void)
{
    lg_lab02_grad_arg a = grad_in(N_GRID, d_grid);
    double out[2 * N_GRID], expected[N_GRID];
    for (size_t i = 0; i < N_GRID; i++)
        expected[i] = 1.0 - d_grid[i];
    if (!lg_grade_call("grads", &a, sizeof a, out, 2 * N_GRID, d_grid_text))
        return;
    LG_GRADE_EXPECT_ALL(out + N_GRID, expected, N_GRID, "non-saturating at D(G(z))", d_grid, .tol = 1e-9,
                        .rel = true,
                        .hint = "differentiate -log sigmoid(s) with respect to the logit s, then write the "
                                "result in terms of D = sigmoid(s)",
                        .hints = GRAD_HINTS);
}

/* At the ends and very close to them, relative to the exact values: d = 0 gives
 * (0, 1), d = 1 gives (1, 0); d = 1e-300 gives (1e-300, 1); d = 1 - 1e-9 (the double
 * nearest to it) gives (d, 1 - d), and 1 - d is exact in double for d >= 1/2
 * (Sterbenz's lemma). A round trip through the logit loses about 7 digits there. */
static void t22_ends(void)
{
    enum { N = 4 };
    const double near1 = 1 - 1e-9;
    const double d[N] = { 0, 1, 1e-300, near1 };
    const double e_mm[N] = { 0, 1, 1e-300, near1 }, e_ns[N] = { 1, 0, 1, 1 - near1 };
    lg_lab02_grad_arg a = grad_in(N, d);
    double out[2 * N];
    const char *in = "D(G(z)) = 0, 1, 1e-300, 1 - 1e-9";
    if (!lg_grade_call("grads", &a, sizeof a, out, 2 * N, in))
        return;
    const char *hint = "compute the magnitudes directly from D: going through the logit "
                       "log(D / (1 - D)) and back is inf at D = 1 and loses precision near 0 and 1";
    LG_GRADE_EXPECT_ALL(out, e_mm, N, "minimax at D(G(z))", d, .tol = 1e-12, .rel = true, .hint = hint,
                        .hints = GRAD_HINTS);
    LG_GRADE_EXPECT_ALL(out + N, e_ns, N, "non-saturating at D(G(z))", d, .tol = 1e-12, .rel = true, .hint = hint,
                        .hints = GRAD_HINTS);
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "2.1", "d_loss: value and gradient on a small batch", 0.5, t21_d_loss, LG_VISIBLE },
    { "2.1", "d_loss: finite and exact at logits of +-1000", 0.5, t21_d_extreme, LG_VISIBLE },
    { "2.1", "g_loss: value on a small batch", 1, t21_value, LG_VISIBLE },
    { "2.1", "g_loss: gradient with respect to G's parameters", 1, t21_gradient, LG_VISIBLE },
    { "2.1", "g_loss: finite, exact and not saturated at logits of +-1000", 1, t21_extreme, LG_VISIBLE },
    { "2.2", "minimax magnitude on a grid of D(G(z))", 1, t22_minimax, LG_VISIBLE },
    { "2.2", "non-saturating magnitude on a grid of D(G(z))", 1, t22_nonsat, LG_VISIBLE },
    { "2.2", "both magnitudes at D = 0, 1 and next to them", 1, t22_ends, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab02_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
