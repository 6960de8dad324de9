/*
 * grade.c - Lab 03 (the Wasserstein GAN): the lab's registration and its
 * visible grading tests, one group per task.
 *
 * As in Labs 01 and 02: student code runs only in the sandboxed runner (the loss
 * probes of litgan/course.h, and child.c's computations), and every expected
 * value is a closed form derived beside its test, or the grading process's own
 * computation (refs.c) that calls no student code.
 *
 * Points: Tasks 3.1, 3.2 and 3.3 have 4 visible points each; grade_hidden.c adds
 * 2 hidden points to each, on inputs the visible tests do not use. Names and
 * messages say what is tested and point at the idea behind a mistake, never at
 * the value expected.
 */
#include "lab03.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ============================================================ Task 3.1 === */

#define CRITIC_HINTS                                                                                       \
    { { LG_MISTAKE_SIGN, "the critic maximises E f(x_r) - E f(G(z)), so the loss it minimises is the negative" }, \
      { LG_MISTAKE_SUM, "expectations over the batch are means (lg_mean), not sums" },                           \
      { LG_MISTAKE_ZERO, "both expectations are needed: the critic's score of real and of generated samples" },  \
      { LG_MISTAKE_INF, "no log and no sigmoid: the critic's output is a score, used as it is" },                 \
      { LG_MISTAKE_NAN, "no log and no sigmoid: the critic's output is a score, used as it is" } }
#define GEN_HINTS                                                                                            \
    { { LG_MISTAKE_SIGN, "G wants the critic to score its samples high, so it minimises -E f(G(z))" },          \
      { LG_MISTAKE_SUM, "the expectation over the batch is a mean (lg_mean), not a sum" },                       \
      { LG_MISTAKE_ZERO, "no gradient reaches G: apply D to G's output, without lg_stop_gradient" },            \
      { LG_MISTAKE_INF, "no log and no sigmoid: the critic's output is a score, used as it is" },                 \
      { LG_MISTAKE_NAN, "no log and no sigmoid: the critic's output is a score, used as it is" } }

/* Lab 01's batch (lg_probe_batch) with G(z) = 2 z, so that the two means differ
 * (with b = -1 both are 2/3 and d_loss would be 0): x_r = (1, -2, 3), x_fake = (1, 6, -2),
 * s = 0.5 x + 0.25, mean s_real = 7/12, mean s_fake = 13/12;
 *   d_loss = 13/12 - 7/12 = 1/2, cr = -1/3, cf = 1/3 (lg_lab03_wgan_d_ref):
 *   d/dw = mean x_fake - mean x_real = 5/3 - 2/3 = 1, d/dc = 0. */
static lg_probe batch_probe(void)
{
    lg_probe pr = lg_probe_batch;
    pr.b = 0;
    return pr;
}
static const char batch_text[] = "s = 0.5 x + 0.25, G(z) = 2 z, x_r = (1, -2, 3), z = (0.5, 3, -1)";

static void t31_d_loss(void)
{
    lg_probe pr = batch_probe();
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &pr, .text = batch_text, .file = "wgan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .ref = lg_lab03_wgan_d_ref, .tol = 1e-12,
        .hint = { "the critic's loss is the negative of its estimate of W: E f(x_r) - E f(G(z))",
                  "the critic's weight moves the real scores up and the generated ones down",
                  "a constant added to f changes neither E f(x_r) - E f(G(z)) nor its gradient" },
        .hints = CRITIC_HINTS });
}

/* g_loss = -mean s_fake = -13/12; cf = -1/3, so d/da = -(1/3) sum w z = -0.5 * 2.5 / 3
 * = -5/12 and d/db = -w = -1/2. */
static void t31_g_loss(void)
{
    lg_probe pr = batch_probe();
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &pr, .text = batch_text, .file = "wgan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .ref = lg_lab03_wgan_g_ref, .tol = 1e-12,
        .hint = { "the generator's loss is the critic's score of its samples, with the sign of a minimisation",
                  "the loss must be built from D applied to G(z) so that the gradient reaches G" },
        .hints = GEN_HINTS });
}

/* Identity nets (s = x, G(z) = z) at scores of +-1000, where a log of a sigmoid
 * would overflow or vanish: x_r = (1000, -1000, 1000, 500), z = (-1000, -1000, 250, 1000),
 *   mean s_real = 375, mean s_fake = -187.5;
 *   d_loss = -187.5 - 375 = -562.5, d/dw = mean x_fake - mean x_real = -562.5, d/dc = 0;
 *   g_loss = 187.5, d/da = -w mean z = 187.5, d/db = -w = -1. */
static const lg_probe large_probe = { .w = 1, .c = 0, .a = 1, .b = 0, .batch = 4,
                                      .x_real = { 1000, -1000, 1000, 500 }, .z = { -1000, -1000, 250, 1000 } };
static const char large_text[] = "identity nets, s_real = (1000, -1000, 1000, 500), s_fake = (-1000, -1000, 250, 1000)";

static void t31_large(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &large_probe, .text = large_text, .file = "wgan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { -562.5, -562.5, 0 }, .tol = 1e-12,
        .hint = { "WGAN's losses are linear in the critic's scores: no sigmoid, no log, any score is fine" },
        .hints = CRITIC_HINTS });
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &large_probe, .text = large_text, .file = "wgan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { 187.5, 187.5, -1 }, .tol = 1e-12,
        .hint = { "WGAN's losses are linear in the critic's scores: no sigmoid, no log, any score is fine" },
        .hints = GEN_HINTS });
}

/* ============================================================ Task 3.2 === */

/* The game of lg_lab03_step_arg with "1-1" nets, D's output s = w x + k and
 * G(z) = a z + b, a batch of two. */
static lg_lab03_step_arg linear_game(double w, double k, double a, double b, double c, double lr, lg_player p,
                                     const double xr[2], const double z[2])
{
    lg_lab03_step_arg g = { .g_spec = "1-1", .d_spec = "1-1", .theta_d = { w, k }, .theta_g = { a, b },
                            .c = c, .lr = lr, .player = p, .batch = 2,
                            .x_real = { xr[0], xr[1] }, .z = { z[0], z[1] } };
    return g;
}

/* The closed form of one SGD step on that game: x_f = a z + b, s_f = w x_f + k;
 *   D's loss  -mean s(x_r) + 1/2 mean s_f^2:  dL/dw = -mean x_r + mean s_f x_f,
 *                                              dL/dk = -1 + mean s_f;
 *   G's loss  -mean s_f:                       dL/da = -w mean z,  dL/db = -w;
 * then the critic's parameters clipped to [-c, c] after a critic step (Algorithm 1,
 * lines 7-8). out: (w, k, a, b). */
static void linear_expected(const lg_lab03_step_arg *g, double out[4])
{
    double w = g->theta_d[0], k = g->theta_d[1], a = g->theta_g[0], b = g->theta_g[1];
    double mxr = 0, msf = 0, msfxf = 0, mz = 0;
    for (int i = 0; i < 2; i++) {
        double xf = a * g->z[i] + b, sf = w * xf + k;
        mxr += g->x_real[i] / 2;
        msf += sf / 2;
        msfxf += sf * xf / 2;
        mz += g->z[i] / 2;
    }
    out[0] = w;
    out[1] = k;
    out[2] = a;
    out[3] = b;
    if (g->player == LG_PLAYER_D) {
        out[0] = w - g->lr * (-mxr + msfxf);
        out[1] = k - g->lr * (-1 + msf);
        for (int i = 0; i < 2; i++)
            out[i] = fmin(g->c, fmax(-g->c, out[i]));
    } else {
        out[2] = a - g->lr * (-w * mz);
        out[3] = b - g->lr * (-w);
    }
}

static const char *const param_names[] = { "critic weight w", "critic bias k", "generator weight a",
                                           "generator bias b" };

/* Run the step in the sandbox and check the four parameters. */
static void check_linear(const lg_lab03_step_arg *g, const char *in, const char *hint)
{
    double out[4], want[4];
    if (!lg_grade_call("clip_step", g, sizeof *g, out, 4, in))
        return;
    linear_expected(g, want);
    for (int i = 0; i < 4; i++) {
        char what[400];
        snprintf(what, sizeof what, "%s; %s after the step", in, param_names[i]);
        LG_GRADE_EXPECT(.input = what, .expected = want[i], .actual = out[i], .tol = 1e-12, .hint = hint,
                        .hints = { { LG_MISTAKE_SIGN, "clip to the box [-c, c]: a value keeps its sign" } });
    }
}

/* w = 0.05, k = -0.5, G(z) = 2 z + 1, c = 0.1, SGD lr 0.1, x_r = (1, 3), z = (0.5, -1):
 * x_f = (2, -1), s_f = (-0.4, -0.55); dL/dw = -2 - 0.125 = -2.125, dL/dk = -1.475, so the
 * step gives w = 0.2625, k = -0.3525 and the clip (0.1, -0.1). Clipping before the step
 * would give 0.05 + 0.2125 = 0.2625 and -0.1 + 0.1475 = 0.0475 instead: both outside or
 * on the wrong side. G is not the critic: (2, 1) stays. */
static void t32_after_step(void)
{
    const double xr[2] = { 1, 3 }, z[2] = { 0.5, -1 };
    lg_lab03_step_arg g = linear_game(0.05, -0.5, 2, 1, 0.1, 0.1, LG_PLAYER_D, xr, z);
    check_linear(&g, "critic w = 0.05, k = -0.5, G(z) = 2 z + 1, c = 0.1, SGD lr 0.1, x_r = (1, 3), z = (0.5, -1); "
                     "one critic step",
                 "Algorithm 1 updates the critic (line 7), then clips what the update left (line 8); only the "
                 "critic's parameters, weights and biases");
}

/* Everything inside the box after the step (c = 0.5, lr 0.001): the clip changes
 * nothing, and the step's values come back as they are; G (3, -2) stays. */
static void t32_inside(void)
{
    const double xr[2] = { 1, 3 }, z[2] = { 0.5, -1 };
    lg_lab03_step_arg g = linear_game(0.02, 0.01, 3, -2, 0.5, 0.001, LG_PLAYER_D, xr, z);
    check_linear(&g, "critic w = 0.02, k = 0.01, G(z) = 3 z - 2, c = 0.5, SGD lr 0.001, x_r = (1, 3), z = (0.5, -1); "
                     "one critic step",
                 "a parameter inside [-c, c] is left as the critic's step left it, and the generator is never "
                 "clipped");
}

/* c = 2.5, lr 1: w = 1, k = 2, G(z) = z + 3, x_r = (40, 60), z = (1, 2): x_f = (4, 5),
 * s_f = (6, 7); dL/dw = -50 + 29.5 = -20.5 -> w = 21.5 -> 2.5; dL/dk = 5.5 -> k = -3.5
 * -> -2.5: the clip value is the parameter c, and both bounds are reached. */
static void t32_other_c(void)
{
    const double xr[2] = { 40, 60 }, z[2] = { 1, 2 };
    lg_lab03_step_arg g = linear_game(1, 2, 1, 3, 2.5, 1, LG_PLAYER_D, xr, z);
    check_linear(&g, "critic w = 1, k = 2, G(z) = z + 3, c = 2.5, SGD lr 1, x_r = (40, 60), z = (1, 2); one critic step",
                 "the box is [-c, c] with c the plugin's parameter (lg_param_double), on both sides");
}

/* A generator step (player G): G moves by -lr dL/d(a, b) = (0.07 mean z, 0.07), and
 * the critic (0.7, -0.3), outside the box, is left alone: the clip follows the
 * critic's steps only. */
static void t32_g_step(void)
{
    const double xr[2] = { 1, 3 }, z[2] = { 0.5, -1 };
    lg_lab03_step_arg g = linear_game(0.7, -0.3, 1, 0, 0.1, 0.1, LG_PLAYER_G, xr, z);
    check_linear(&g, "critic w = 0.7, k = -0.3, G(z) = z, c = 0.1, SGD lr 0.1, z = (0.5, -1); one generator step",
                 "the clip follows the critic's steps (Algorithm 1, line 8), not the generator's: look at the "
                 "player the hook is called for");
}

/* ============================================================ Task 3.3 === */

#define W1_HINTS                                                                                            \
    { { LG_MISTAKE_TWICE, "W1 of two samples of n points is a mean over the n pairs of the plan" },             \
      { LG_MISTAKE_HALF, "W1 of two samples of n points is a mean over the n pairs of the plan" },              \
      { LG_MISTAKE_SUM, "W1 of two samples of n points is a mean over the n pairs, not a sum" },                \
      { LG_MISTAKE_ZERO, "each pair of the plan costs the distance between its two points" },                  \
      { LG_MISTAKE_NAN, "NaN is for n = 0 only" } }

/* Call "w1" on x, y (n values each) and return its 2n + 1 values in out. */
static int call_w1(const double *x, const double *y, size_t n, double *out, const char *in)
{
    lg_lab03_w1_arg a = { .n = n };
    memcpy(a.x, x, n * sizeof *x);
    memcpy(a.y, y, n * sizeof *y);
    return lg_grade_call("w1", &a, sizeof a, out, 2 * n + 1, in);
}

/* W1 against its definition: the cheapest of the n! matchings (lg_lab03_w1_brute). */
static void t33_brute(void)
{
    static const double x1[5] = { 0.3, -1.2, 2.5, 0.0, 1.1 }, y1[5] = { 1.0, 4.0, -2.0, 0.5, 0.25 };
    static const double x2[7] = { 3, 1, 4, 1.5, 9, 2.6, 5 }, y2[7] = { -2, 7, 1.8, 2.8, -1, 8, 0.5 };
    double out[15];
    if (call_w1(x1, y1, 5, out, "x = (0.3, -1.2, 2.5, 0, 1.1), y = (1, 4, -2, 0.5, 0.25)"))
        LG_GRADE_EXPECT(.input = "x = (0.3, -1.2, 2.5, 0, 1.1), y = (1, 4, -2, 0.5, 0.25)",
                        .expected = lg_lab03_w1_brute(x1, y1, 5), .actual = out[0], .tol = 1e-12, .rel = true,
                        .hint = "the optimal plan on the line matches the sorted values of x to the sorted values "
                                "of y, in order",
                        .hints = W1_HINTS);
    if (call_w1(x2, y2, 7, out, "x = (3, 1, 4, 1.5, 9, 2.6, 5), y = (-2, 7, 1.8, 2.8, -1, 8, 0.5)"))
        LG_GRADE_EXPECT(.input = "x = (3, 1, 4, 1.5, 9, 2.6, 5), y = (-2, 7, 1.8, 2.8, -1, 8, 0.5)",
                        .expected = lg_lab03_w1_brute(x2, y2, 7), .actual = out[0], .tol = 1e-12, .rel = true,
                        .hint = "the optimal plan on the line matches the sorted values of x to the sorted values "
                                "of y, in order",
                        .hints = W1_HINTS);
}

/* Closed forms: y a shuffled copy of x shifted by d has W1 = |d| (every point
 * moves by d; the cost of any plan is at least |mean y - mean x| = |d|); a
 * shuffled copy of x itself has W1 = 0. */
static void t33_closed(void)
{
    static const double x[6] = { 0.5, -3, 2, 7.25, 1, -0.5 };
    static const double shifted[6] = { 0.5 - 1.5, 7.25 - 1.5, -3 - 1.5, 1 - 1.5, 2 - 1.5, -0.5 - 1.5 };
    static const double same[6] = { 7.25, 1, -0.5, 0.5, 2, -3 };
    double out[13];
    const char *in1 = "x = (0.5, -3, 2, 7.25, 1, -0.5), y = x - 1.5 in another order";
    if (call_w1(x, shifted, 6, out, in1))
        LG_GRADE_EXPECT(.input = in1, .expected = 1.5, .actual = out[0], .tol = 1e-12,
                        .hint = "pair the values in sorted order: the i-th smallest of x with the i-th smallest of y",
                        .hints = W1_HINTS);
    const char *in2 = "x = (0.5, -3, 2, 7.25, 1, -0.5), y = x in another order";
    if (call_w1(x, same, 6, out, in2))
        LG_GRADE_EXPECT(.input = in2, .expected = 0, .actual = out[0], .tol = 1e-12,
                        .hint = "the same values in another order are the same distribution: sort both samples",
                        .hints = W1_HINTS);
}

/* Ties and a reversed sample, and the inputs as the call left them: unchanged
 * (the function sorts copies). x = (2, 2, 2, 1, 1), y = (3, 0, 0, 3, 3): sorted
 * (1, 1, 2, 2, 2) and (0, 0, 3, 3, 3), costs 1 + 1 + 1 + 1 + 1, W1 = 1. */
static void t33_ties(void)
{
    static const double x[5] = { 2, 2, 2, 1, 1 }, y[5] = { 3, 0, 0, 3, 3 };
    double out[11];
    const char *in = "x = (2, 2, 2, 1, 1), y = (3, 0, 0, 3, 3)";
    if (!call_w1(x, y, 5, out, in))
        return;
    LG_GRADE_EXPECT(.input = in, .expected = 1, .actual = out[0], .tol = 1e-12,
                    .hint = "equal values are matched like any other: sort both samples, then pair them in order",
                    .hints = W1_HINTS);
    LG_GRADE_EXPECT_ALL(out + 1, x, 5, "x after the call, value", NULL, .tol = 0,
                        .hint = "x and y are the caller's: sort copies of them");
    LG_GRADE_EXPECT_ALL(out + 6, y, 5, "y after the call, value", NULL, .tol = 0,
                        .hint = "x and y are the caller's: sort copies of them");
}

/* P_0 on {0} x [0, 1], P_theta on {theta} x [0, 1]: W1 = |theta|; JS = log 2 for
 * every theta != 0, however small (the supports are disjoint), and 0 at theta = 0. */
static void t33_lines(void)
{
    static const double th[] = { -2, -0.5, 0, 1e-300, -1e-300, 0.25, 3, 1e300 };
    enum { N = sizeof th / sizeof th[0] };
    double out[2 * N], w[N], js[N];
    for (int i = 0; i < N; i++) {
        w[i] = fabs(th[i]);
        js[i] = th[i] != 0 ? log(2.0) : 0;
    }
    lg_lab03_lines_arg a = { .n = N };
    memcpy(a.theta, th, sizeof th);
    if (!lg_grade_call("lines", &a, sizeof a, out, 2 * N, "theta = -2, -0.5, 0, 1e-300, -1e-300, 0.25, 3, 1e300"))
        return;
    LG_GRADE_EXPECT_ALL(out, w, N, "W1 at theta", th, .tol = 1e-15, .rel = true,
                        .hint = "each point of P_0 moves straight across to P_theta: how far?",
                        .hints = { { LG_MISTAKE_SIGN, "a distance is never negative" } });
    LG_GRADE_EXPECT_ALL(out + N, js, N, "JS at theta", th, .tol = 1e-15,
                        .hint = "where the supports are disjoint, each density is twice the mixture's on its own "
                                "support; they are disjoint for every theta but one",
                        .hints = { { LG_MISTAKE_TWICE, "JS (natural log) of two distributions is at most log 2" } });
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "3.1", "d_loss: value and gradient on a small batch", 1.5, t31_d_loss, LG_VISIBLE },
    { "3.1", "g_loss: value and gradient on a small batch", 1.5, t31_g_loss, LG_VISIBLE },
    { "3.1", "both losses at scores of +-1000", 1, t31_large, LG_VISIBLE },
    { "3.2", "one critic step, then the clip", 1.5, t32_after_step, LG_VISIBLE },
    { "3.2", "parameters the step leaves inside the box", 1, t32_inside, LG_VISIBLE },
    { "3.2", "another clip value, both bounds", 1, t32_other_c, LG_VISIBLE },
    { "3.2", "a generator step", 0.5, t32_g_step, LG_VISIBLE },
    { "3.3", "W1 of two small samples against every matching", 1, t33_brute, LG_VISIBLE },
    { "3.3", "W1 of a shifted and of a reordered sample", 1, t33_closed, LG_VISIBLE },
    { "3.3", "W1 with ties; the inputs after the call", 1, t33_ties, LG_VISIBLE },
    { "3.3", "W1 and JS of the parallel lines", 1, t33_lines, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab03_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
