/*
 * grade.c - Lab 06 (BiGAN-QP): the lab's registration and its visible grading
 * tests, one group per task.
 *
 * Student code runs only in the sandboxed runner (child.c's computations: the
 * student's biganqp.c on a game with an encoder built by hand, and recon.c);
 * every expected value is a closed form derived beside its test, or the
 * grading process's own computation (refs.c: the objectives with the library's
 * layers, their gradients by centred differences) that calls no student code.
 *
 * Points: Task 6.1 has 4 visible points, 6.2 has 5 and 6.3 has 3;
 * grade_hidden.c adds 2, 3 and 1 hidden points on inputs the visible tests do
 * not use. Names and messages say what is tested and point at the idea behind
 * a mistake, never at the value expected.
 */
#include "lab06.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ===================================================== the linear game === */

/* G(z) = a z + b ("1-1"), E(x) = e x + f ("1-1"), the joint critic
 * T(x, z) = wx x + wz z + k ("2-1": weight row (wx, wz), then the bias k); one
 * coordinate each, so every mean over coordinates is the value itself. The
 * game's order: out = [value, wx, wz, k, a, b, e, f]. */
typedef struct linear {
    double wx, wz, k, a, b, e, f;
    double lambda, beta1, beta2;
    size_t batch;
    double x[LG_LAB06_BATCH], z[LG_LAB06_BATCH];
} linear;

static lg_lab06_game_arg linear_arg(const linear *l, lg_player p)
{
    lg_lab06_game_arg a = { .g_spec = "1-1", .d_spec = "2-1", .e_spec = "1-1",
                            .theta_d = { l->wx, l->wz, l->k }, .theta_g = { l->a, l->b }, .theta_e = { l->e, l->f },
                            .lambda = l->lambda, .beta1 = l->beta1, .beta2 = l->beta2, .player = p,
                            .batch = l->batch };
    memcpy(a.x_real, l->x, l->batch * sizeof(double));
    memcpy(a.z, l->z, l->batch * sizeof(double));
    return a;
}

/* The closed forms, with u_i = x_i - G(z_i), v_i = E(x_i) - z_i:
 *   Delta_i = T(x_i, E(x_i)) - T(G(z_i), z_i) = wx u_i + wz v_i,
 *   d_i = lambda (|u_i| + |v_i|);
 * the critic's objective L_D = mean(-Delta + Delta^2 / (2 d)), so
 *   dL_D/dwx = mean((-1 + Delta/d) u),  dL_D/dwz = mean((-1 + Delta/d) v),  dL_D/dk = 0;
 * the G/E objective, with q_i = z_i - E(G_ng(z_i)) and r_i = x_i - G(E_ng(x_i)),
 *   L_G = mean Delta + beta1 mean q^2 + beta2 mean r^2,
 *   dL_G/da = -wx mean z - 2 beta2 mean(r E(x)),   dL_G/db = -wx - 2 beta2 mean r,
 *   dL_G/de =  wz mean x - 2 beta1 mean(q G(z)),   dL_G/df =  wz - 2 beta1 mean q
 * (the stopped network is a constant inside each guidance term). */
static void linear_expected(const linear *l, lg_player p, double out[8])
{
    double B = (double)l->batch;
    memset(out, 0, 8 * sizeof *out);
    for (size_t i = 0; i < l->batch; i++) {
        double xf = l->a * l->z[i] + l->b, zr = l->e * l->x[i] + l->f;
        double u = l->x[i] - xf, v = zr - l->z[i], delta = l->wx * u + l->wz * v;
        if (p == LG_PLAYER_D) {
            double d = l->lambda * (fabs(u) + fabs(v));
            out[0] += (-delta + delta * delta / (2 * d)) / B;
            out[1] += (-1 + delta / d) * u / B;
            out[2] += (-1 + delta / d) * v / B;
        } else {
            double q = l->z[i] - (l->e * xf + l->f), r = l->x[i] - (l->a * zr + l->b);
            out[0] += (delta + l->beta1 * q * q + l->beta2 * r * r) / B;
            out[4] += (-l->wx * l->z[i] - 2 * l->beta2 * r * zr) / B;
            out[5] += (-l->wx - 2 * l->beta2 * r) / B;
            out[6] += (l->wz * l->x[i] - 2 * l->beta1 * q * xf) / B;
            out[7] += (l->wz - 2 * l->beta1 * q) / B;
        }
    }
}

static const char *const linear_names[8] = { "the objective",  "d / d wx (critic, x)", "d / d wz (critic, z)",
                                             "d / d k (critic bias)", "d / d a (G weight)", "d / d b (G bias)",
                                             "d / d e (E weight)", "d / d f (E bias)" };

/* Run the game in the sandbox and check the values listed in idx (indices into
 * [value, wx, wz, k, a, b, e, f]) against want, each with its hint. */
static void check_linear(const linear *l, lg_player p, const char *in, const int *idx, size_t n_idx, const double *want,
                         double tol, const char *const *hint, const lg_grade_hint *hints)
{
    lg_lab06_game_arg a = linear_arg(l, p);
    double out[8];
    if (!lg_grade_call("game", &a, sizeof a, out, 8, in))
        return;
    for (size_t m = 0; m < n_idx; m++) {
        int i = idx[m];
        char what[600];
        snprintf(what, sizeof what, "%s; %s %s", in, p == LG_PLAYER_D ? "d_loss" : "g_loss", linear_names[i]);
        lg_grade_expect e = { .input = what, .expected = want[i], .actual = out[i], .tol = tol,
                              .batch = (double)l->batch, .hint = hint[m] };
        for (size_t h = 0; hints && hints[h].mistake != LG_MISTAKE_OTHER && h < LG_GRADE_HINTS; h++)
            e.hints[h] = hints[h];
        lg_grade_check(&e, __FILE__, __LINE__);
    }
}

/* ============================================================ Task 6.1 === */

static const lg_grade_hint critic_hints[] = {
    { LG_MISTAKE_SIGN, "T maximises E[Delta - Delta^2 / (2 d)]; the loss it minimises is the negative" },
    { LG_MISTAKE_SUM, "the expectation over the pairs is a mean (lg_mean), not a sum" },
    { LG_MISTAKE_TWICE, "the quadratic's denominator is 2 d, with d = lambda times the joint distance" },
    { LG_MISTAKE_HALF, "the quadratic's denominator is 2 d, with d = lambda times the joint distance" },
    { LG_MISTAKE_INF, "d is positive for every pair here: a division by zero means a distance built wrongly" },
    { LG_MISTAKE_NAN, "d is positive for every pair here: 0/0 means a distance built wrongly" },
    { LG_MISTAKE_OTHER, NULL },
};

/* wx = 0.5, wz = -0.25, k = 0.1; G(z) = 2 z - 1, E(x) = 0.5 x + 0.2; x = (1, -0.5, 0.25),
 * z = (0.3, -1, 2), lambda = 10: u = (1.4, 2.5, -2.75), v = (0.4, 0.95, -1.675),
 * Delta = (0.6, 1.0125, -0.95625), d = (18, 34.5, 44.25). */
static const linear lin61 = { .wx = 0.5, .wz = -0.25, .k = 0.1, .a = 2, .b = -1, .e = 0.5, .f = 0.2,
                              .lambda = 10, .beta1 = 2, .beta2 = 3, .batch = 3,
                              .x = { 1, -0.5, 0.25 }, .z = { 0.3, -1, 2 } };
static const char lin61_text[] = "T(x, z) = 0.5 x - 0.25 z + 0.1, G(z) = 2 z - 1, E(x) = 0.5 x + 0.2, "
                                 "x = (1, -0.5, 0.25), z = (0.3, -1, 2), lambda = 10";

static void t61_linear(void)
{
    double want[8];
    linear_expected(&lin61, LG_PLAYER_D, want);
    static const int idx[] = { 0, 1, 2, 3 };
    static const char *const hint[] = {
        "pair i is (x_i, E(x_i)) against (G(z_i), z_i): Delta_i, then -Delta_i + Delta_i^2 / (2 d_i), then the mean",
        "T's weights move with (-1 + Delta_i / d_i) times the pair's inputs",
        "the z half of T's input: E(x) for the real pair, z for the generated one",
        "a constant added to T cancels in Delta" };
    check_linear(&lin61, LG_PLAYER_D, lin61_text, idx, 4, want, 1e-12, hint, critic_hints);
}

/* lambda = 2.5 on pairs at very different distances: x = (0, 3), z = (0.1, -2) with the
 * same nets: u = (0.8, 8), v = (0.1, 3.7), d = (2.25, 29.25). A distance averaged over the
 * batch (one d for every pair) or lambda left at its default gives other values. */
static void t61_pairs(void)
{
    linear l = lin61;
    l.lambda = 2.5;
    l.batch = 2;
    l.x[0] = 0;
    l.x[1] = 3;
    l.z[0] = 0.1;
    l.z[1] = -2;
    double want[8];
    linear_expected(&l, LG_PLAYER_D, want);
    static const int idx[] = { 0, 1, 2 };
    static const char *const hint[] = {
        "d_i belongs to pair i: lambda (mean_j |x_ij - G(z_i)_j| + mean_j |E(x_i)_j - z_ij|), row i with row i, "
        "and lambda is the plugin's parameter",
        "each pair has its own distance d_i; the mean over the batch comes last",
        "each pair has its own distance d_i; the mean over the batch comes last" };
    check_linear(&l, LG_PLAYER_D, "the same nets, x = (0, 3), z = (0.1, -2), lambda = 2.5", idx, 3, want, 1e-12,
                 hint, critic_hints);
}

/* Small networks in two dimensions (x and z of 2 coordinates each), the
 * objective and the gradient of every parameter of T against refs.c (the
 * library's layers, centred differences). */
static void check_mlp(const lg_lab06_game_arg *a, const char *in, size_t from, size_t count, const char *hint)
{
    double want[1 + 3 * LG_LAB06_PARAMS], out[1 + 3 * LG_LAB06_PARAMS];
    size_t n = lg_lab06_expected(a, want);
    if (n == 0) {
        LG_GRADE_EXPECT(.input = "grader: the expected values", .expected = 1, .actual = 0,
                        .hint = "the grader could not build its own game; report this to the instructors");
        return;
    }
    if (!lg_grade_call("game", a, sizeof *a, out, n, in))
        return;
    lg_grade_expect e = { .input = in, .expected = want[0], .actual = out[0], .tol = 1e-9, .batch = (double)a->batch,
                          .hint = hint,
                          .hints = { { LG_MISTAKE_SIGN, "check which player minimises what: the signs" },
                                     { LG_MISTAKE_SUM, "expectations over the batch are means, not sums" } } };
    lg_grade_check(&e, __FILE__, __LINE__);
    e.tol = 1e-6; /* centred differences: about 1e-9 */
    e.hint = a->player == LG_PLAYER_D
                 ? "T's gradient: every parameter of the critic, through both pairs of every row"
                 : "G's and E's gradients: the adversarial term for both, the latent guidance for E alone, the image "
                   "guidance for G alone";
    char what[300];
    snprintf(what, sizeof what, "%s; gradient, parameter", in);
    lg_grade_check_all(out + 1 + from, want + 1 + from, count, what, NULL, &e, __FILE__, __LINE__);
}

static void t61_mlp(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("2-3t-2", "4-3t-1", "2-3t-2", 5, 0.8, 4, LG_PLAYER_D);
    check_mlp(&a, "G 2-3t-2, T 4-3t-1, E 2-3t-2 (parameters U(-0.8, 0.8), seed 5), batch 4, lambda = 10", 0, 19,
              "with several coordinates, the joint distance of a pair is a mean over the coordinates of x plus a mean "
              "over those of z");
}

/* ============================================================ Task 6.2 === */

static const lg_grade_hint gen_hints[] = {
    { LG_MISTAKE_SIGN, "G and E minimise E[Delta] (the critic maximises it) plus the guidance terms" },
    { LG_MISTAKE_SUM, "each expectation and each squared norm is a mean (MSE): over rows and coordinates" },
    { LG_MISTAKE_OTHER, NULL },
};

/* The linear game of 6.1 with beta1 = 2, beta2 = 3 (the paper's): G(z) = (-0.4, -3, 3),
 * E(x) = (0.7, -0.05, 0.325). */
static void t62_linear(void)
{
    double want[8];
    linear_expected(&lin61, LG_PLAYER_G, want);
    static const int idx[] = { 0, 4, 5, 6, 7 };
    static const char *const hint[] = {
        "mean Delta + beta1 mean (z - E(G(z)))^2 + beta2 mean (x - G(E(x)))^2, each squared norm an MSE",
        "G's gradient: the adversarial term, and the image guidance with E(x) held fixed",
        "G's gradient: the adversarial term, and the image guidance with E(x) held fixed",
        "E's gradient: the adversarial term, and the latent guidance with G(z) held fixed",
        "E's gradient: the adversarial term, and the latent guidance with G(z) held fixed" };
    check_linear(&lin61, LG_PLAYER_G, "the game of Task 6.1, beta1 = 2, beta2 = 3", idx, 5, want, 1e-12, hint,
                 gen_hints);
}

/* T blind to x (wx = 0) and the image guidance off (beta2 = 0): the adversarial term
 * gives G no gradient (T(G(z), z) does not depend on G), so whatever G's gradient holds
 * comes from the latent guidance, which must not train G: exactly 0. E's gradient is
 * the closed form (the latent guidance trains E). */
static void t62_latent(void)
{
    linear l = lin61;
    l.wx = 0;
    l.beta2 = 0;
    double want[8];
    linear_expected(&l, LG_PLAYER_G, want);
    static const int idx[] = { 4, 5 };
    static const char *const hint0[] = {
        "the latent guidance beta1 ||z - E(G(z))||^2 must train E only: G(z) enters it through lg_stop_gradient",
        "the latent guidance beta1 ||z - E(G(z))||^2 must train E only: G(z) enters it through lg_stop_gradient" };
    check_linear(&l, LG_PLAYER_G, "T(x, z) = -0.25 z + 0.1 (blind to x), beta2 = 0; G's gradient must be exactly 0",
                 idx, 2, want, 0, hint0, NULL);
    static const int idx_e[] = { 6, 7 };
    static const char *const hint_e[] = {
        "the latent guidance trains E: stop the gradient at G(z), before E, not after E",
        "the latent guidance trains E: stop the gradient at G(z), before E, not after E" };
    check_linear(&l, LG_PLAYER_G, "T(x, z) = -0.25 z + 0.1, beta2 = 0; E's gradient", idx_e, 2, want, 1e-12, hint_e,
                 gen_hints);
}

/* T blind to z (wz = 0) and the latent guidance off (beta1 = 0): E's gradient must be
 * exactly 0 (the image guidance trains G only), G's the closed form. */
static void t62_image(void)
{
    linear l = lin61;
    l.wz = 0;
    l.beta1 = 0;
    double want[8];
    linear_expected(&l, LG_PLAYER_G, want);
    static const int idx[] = { 6, 7 };
    static const char *const hint0[] = {
        "the image guidance beta2 ||x - G(E(x))||^2 must train G only: E(x) enters it through lg_stop_gradient",
        "the image guidance beta2 ||x - G(E(x))||^2 must train G only: E(x) enters it through lg_stop_gradient" };
    check_linear(&l, LG_PLAYER_G, "T(x, z) = 0.5 x + 0.1 (blind to z), beta1 = 0; E's gradient must be exactly 0",
                 idx, 2, want, 0, hint0, NULL);
    static const int idx_g[] = { 4, 5 };
    static const char *const hint_g[] = {
        "the image guidance trains G: stop the gradient at E(x), before G, not after G",
        "the image guidance trains G: stop the gradient at E(x), before G, not after G" };
    check_linear(&l, LG_PLAYER_G, "T(x, z) = 0.5 x + 0.1, beta1 = 0; G's gradient", idx_g, 2, want, 1e-12, hint_g,
                 gen_hints);
}

static void t62_mlp(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("2-3t-2", "4-3t-1", "2-3t-2", 9, 0.8, 4, LG_PLAYER_G);
    /* [theta_D (19), theta_G (17), theta_E (17)]: G's and E's */
    check_mlp(&a, "G 2-3t-2, T 4-3t-1, E 2-3t-2 (parameters U(-0.8, 0.8), seed 9), batch 4, beta1 = 2, beta2 = 3", 19,
              34, "the squared norms are MSEs, a mean over the rows and the coordinates of the batch");
}

/* ============================================================ Task 6.3 === */

static const lg_grade_hint recon_hints[] = {
    { LG_MISTAKE_TWICE, "pixels in [-1, 1]: the intensity in [0, 1] is (x + 1) / 2, so differences halve" },
    { LG_MISTAKE_HALF, "pixels in [-1, 1]: the intensity in [0, 1] is (x + 1) / 2, so differences halve" },
    { LG_MISTAKE_SUM, "the error is a mean over every pixel of every image, not a sum" },
    { LG_MISTAKE_NAN, "NaN is for no pixel at all (n = 0 or dim = 0) only" },
    { LG_MISTAKE_OTHER, NULL },
};

/* Two images of 4 pixels: x against x + 0.5 everywhere (intensity difference 0.25,
 * error 1/16); x against itself (0); black against white (every difference 1: error 1). */
static void t63_closed(void)
{
    lg_lab06_recon_arg a = { .n = 2, .dim = 4, .k = 0, .x = { -1, -0.5, 0, 0.5, 0.25, -0.75, 0.1, 0.2 } };
    double out[2];
    for (size_t i = 0; i < 8; i++)
        a.y[i] = a.x[i] + 0.5;
    if (lg_grade_call("recon", &a, sizeof a, out, 2, "2 images of 4 pixels, y = x + 0.5"))
        LG_GRADE_EXPECT(.input = "2 images of 4 pixels, y = x + 0.5", .expected = 1.0 / 16, .actual = out[0],
                        .tol = 1e-15, .batch = 8, .hint = "the mean squared difference of intensities, (x - y) / 2",
                        .hints = { recon_hints[0], recon_hints[1], recon_hints[2], recon_hints[3] });
    memcpy(a.y, a.x, sizeof a.x);
    if (lg_grade_call("recon", &a, sizeof a, out, 2, "2 images of 4 pixels, y = x"))
        LG_GRADE_EXPECT(.input = "2 images of 4 pixels, y = x", .expected = 0, .actual = out[0], .tol = 1e-15,
                        .hint = "an image is its own perfect reconstruction");
    lg_lab06_recon_arg bw = { .n = 3, .dim = 2, .k = 0 };
    for (size_t i = 0; i < 6; i++) {
        bw.x[i] = -1;
        bw.y[i] = 1;
    }
    if (lg_grade_call("recon", &bw, sizeof bw, out, 2, "3 black images of 2 pixels against white ones"))
        LG_GRADE_EXPECT(.input = "3 black images of 2 pixels against white ones", .expected = 1, .actual = out[0],
                        .tol = 1e-15, .batch = 6,
                        .hint = "black for white is the largest error there is: every intensity differs by 1",
                        .hints = { recon_hints[0], recon_hints[1], recon_hints[2], recon_hints[3] });
}

/* 5 images of 2 pixels, labels (2, 0, 2, 3, 0), k = 4: per-image errors
 * (0.0625, 0.25, 0.0025, 1, 0): class 0 (0.25 + 0) / 2 = 0.125, class 1 none (NaN),
 * class 2 (0.0625 + 0.0025) / 2 = 0.0325, class 3 1; all five 1.315 / 5 = 0.263. */
static void t63_by_class(void)
{
    lg_lab06_recon_arg a = { .n = 5, .dim = 2, .k = 4,
                             .x = { 0, 0, 1, -1, 0.2, 0.2, -1, -1, 0.3, -0.3 },
                             .y = { 0.5, -0.5, 0, 0, 0.1, 0.1, 1, 1, 0.3, -0.3 },
                             .labels = { 2, 0, 2, 3, 0 } };
    double out[6];
    const char *in = "5 images of 2 pixels, labels (2, 0, 2, 3, 0), 4 classes";
    if (!lg_grade_call("recon", &a, sizeof a, out, 6, in))
        return;
    LG_GRADE_EXPECT(.input = in, .expected = 0.263, .actual = out[0], .tol = 1e-14,
                    .hint = "the mean over every pixel of every image", .hints = { recon_hints[0], recon_hints[2] });
    static const double want[4] = { 0.125, NAN, 0.0325, 1 }, cls[4] = { 0, 1, 2, 3 };
    LG_GRADE_EXPECT_ALL(out + 1, want, 4, "the error of class", cls, .tol = 1e-14,
                        .hint = "class c's error is the mean over the images labelled c alone; NaN for a class no "
                                "image has",
                        .hints = { { LG_MISTAKE_UNREPORTED, "a class without images has no error: NaN" },
                                   { LG_MISTAKE_HALF, "divide by the number of images of the class, not by n" } });
    LG_GRADE_EXPECT(.input = "5 images, 4 classes: the value just past out[3]", .expected = LG_LAB06_UNTOUCHED,
                    .actual = out[5], .tol = 0, .hint = "out holds k values: write out[0] to out[k - 1], nothing past");
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "6.1", "the critic's objective and gradient on a linear game", 1.5, t61_linear, LG_VISIBLE },
    { "6.1", "pairs at different distances, another lambda", 1.5, t61_pairs, LG_VISIBLE },
    { "6.1", "small networks in two dimensions", 1, t61_mlp, LG_VISIBLE },
    { "6.2", "the G/E objective and gradients on a linear game", 1.5, t62_linear, LG_VISIBLE },
    { "6.2", "what the latent guidance may train", 1, t62_latent, LG_VISIBLE },
    { "6.2", "what the image guidance may train", 1, t62_image, LG_VISIBLE },
    { "6.2", "small networks in two dimensions", 1.5, t62_mlp, LG_VISIBLE },
    { "6.3", "the error of a few images in closed form", 1.5, t63_closed, LG_VISIBLE },
    { "6.3", "the error per class", 1.5, t63_by_class, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab06_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
