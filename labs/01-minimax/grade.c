/*
 * grade.c - Lab 01 (the minimax GAN): the lab's registration and its grading
 * tests, one CUnit suite per task.
 *
 * Every computation with student code runs in the runner (child.c: the
 * functions below return numbers only); every expected value is computed here,
 * in the grading process, from a closed form derived in the comment beside it,
 * or from lg_jsd_1d (the library's own JSD by quadrature, tested on its own in
 * tests/test_data.c) - never from the reference solution.
 *
 * Points: Task 1.1 3, Task 1.2 3, Task 1.3 4, Task 1.4 4 (visible); grade_hidden.c
 * adds hidden tests.
 */
#include "lab01.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ============================================================ Task 1.1 === */

/* The value on the small batch, against the formula in probabilities. */
static void t11_value(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE, .ref = lg_probe_gan_d_loss_ref, .tol = 1e-10,
        .hint = { "d_loss = -mean log D(x_real) - mean log(1 - D(G(z))) with D = sigmoid(logit): check each "
                  "sign, take batch means (lg_mean, not lg_sum), and score G(z), not z" } });
}

/* The gradient with respect to D's parameters (w, c), by the chain rule above. */
static void t11_gradient(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_GRAD, .ref = lg_probe_gan_d_loss_ref, .tol = 1e-10,
        .hint = { NULL,
                  "d/ds of -log sigmoid(s) is -(1 - sigmoid(s)) and of -log(1 - sigmoid(s)) is "
                  "sigmoid(s); build the loss from tape ops so the gradient flows to D",
                  "the bias of D sees both terms of the loss" } });
}

/* Logits of +-1000: with softplus, -log sigma(-1000) = softplus(1000) = 1000 and
 * -log sigma(1000) = softplus(-1000) = e^-1000 = 0 in double, so
 *   d_loss = 1/2 (0 + 1000) + 1/2 (0 + 1000) = 1000.
 * Gradient (sigma(1000) = 1, sigma(-1000) = 0 in double): cr = (0, -1/2), cf = (0, 1/2),
 *   d/dw = (0)(1000) + (-1/2)(-1000) + (0)(-1000) + (1/2)(1000) = 1000,  d/dc = 0. */
static void t11_extreme(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_extreme, .text = lg_probe_extreme_text, .file = "gan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { 1000.0, 1000.0, 0.0 }, .tol = 1e-9,
        .hint = { "log(sigmoid(s)) is log(0) = -inf at s = -1000 in double; use "
                  "log sigmoid(s) = -softplus(-s) and log(1 - sigmoid(s)) = -softplus(s)" } });
}

/* ============================================================ Task 1.2 === */

static void t12_value(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE, .ref = lg_lab01_g_loss_ref, .tol = 1e-10,
        .hint = { "the minimax generator minimises mean log(1 - D(G(z))) - the second term of V - not "
                  "-mean log D(G(z)) (that is Lab 02); check the sign and take the batch mean" } });
}

/* The gradient with respect to G's parameters (a, b): cf_i = -sigma(s_f_i) / B. */
static void t12_gradient(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_GRAD, .ref = lg_lab01_g_loss_ref, .tol = 1e-10,
        .hint = { NULL, "d/ds log(1 - sigmoid(s)) = -sigmoid(s): the gradient must flow through "
                        "D into G (apply D to lg_apply(g, LG_NET_G, noise), no lg_stop_gradient)" } });
}

/* s_fake = (-1000, 1000): log(1 - sigma(s)) = -softplus(s) gives
 *   g_loss = 1/2 (-softplus(-1000) - softplus(1000)) = -500,
 * and with cf = -sigma(s_f)/2 = (0, -1/2), w = 1, z = (-1000, 1000):
 *   d/da = (-1/2)(1)(1000) = -500,  d/db = -1/2.
 * The sample at -1000 (rejected by D) contributes nothing: the saturation. */
static void t12_extreme(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_extreme, .text = lg_probe_extreme_text, .file = "gan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE | LG_PROBE_GRAD, .exact = { -500.0, -500.0, -0.5 }, .tol = 1e-9,
        .hint = { "log(1 - sigmoid(1000)) is log(0) = -inf when computed naively; use "
                  "log(1 - sigmoid(s)) = -softplus(s)" } });
}

/* ============================================================ Task 1.3 === */

/* The input of "dstar" (child.c) from n pairs. */
static lg_lab01_dstar_arg dstar_in(size_t n, const double *p, const double *q)
{
    lg_lab01_dstar_arg a = { .n = n };
    memcpy(a.p, p, n * sizeof *p);
    memcpy(a.q, q, n * sizeof *q);
    return a;
}

/* p = N(0, 1), q = N(1, 1) on x = -4, -3.75, ..., 5. Derivation:
 *   q(x)/p(x) = exp(-(x-1)^2/2 + x^2/2) = exp(x - 1/2),
 *   D*(x) = p / (p + q) = 1 / (1 + q/p) = sigma(1/2 - x). */
static void t13_gaussians(void)
{
    enum { N = 37 };
    double x[N], p[N], q[N], out[N], expected[N];
    for (int i = 0; i < N; i++) {
        x[i] = -4 + 0.25 * i;
        p[i] = lg_lab01_gauss(x[i], 0, 1);
        q[i] = lg_lab01_gauss(x[i], 1, 1);
        expected[i] = lg_probe_sigmoid(0.5 - x[i]);
    }
    lg_lab01_dstar_arg a = dstar_in(N, p, q);
    const char *in = "p_data = N(0, 1), p_g = N(1, 1) on x = -4, -3.75, ..., 5";
    if (!lg_grade_call("dstar", &a, sizeof a, out, N, in))
        return;
    lg_probe_close_all(out, expected, N, 1e-12, 0, "p_data = N(0, 1), p_g = N(1, 1), x", x,
                    "D*(x) = p_data(x) / (p_data(x) + p_g(x)): the data density on top "
                    "(here D*(x) = sigmoid(1/2 - x))");
}

/* Where p_data = p_g > 0, D* = p / 2p = 1/2; where only p_g vanishes D* = p/p = 1;
 * where only p_data vanishes D* = 0. */
static void t13_equal_or_one_zero(void)
{
    enum { N = 9 };
    const double p[N] = { 1, 3.7, 1e-5, 1e-200, 2.5, 1e-250, 0, 0, 0 };
    const double q[N] = { 1, 3.7, 1e-5, 1e-200, 0, 0, 2.5, 1e-250, 0.4 };
    const double expected[N] = { 0.5, 0.5, 0.5, 0.5, 1, 1, 0, 0, 0 };
    double out[N];
    lg_lab01_dstar_arg a = dstar_in(N, p, q);
    const char *in = "(p_data, p_g) = (1, 1), (3.7, 3.7), (1e-5, 1e-5), (1e-200, 1e-200), (2.5, 0), "
                     "(1e-250, 0), (0, 2.5), (0, 1e-250), (0, 0.4)";
    if (!lg_grade_call("dstar", &a, sizeof a, out, N, in))
        return;
    for (size_t i = 0; i < N; i++)
        if (fabs(out[i] - expected[i]) > 1e-14) { /* the first wrong pair, named */
            char one[128];
            snprintf(one, sizeof one, "(p_data, p_g) = (%g, %g)", p[i], q[i]);
            LG_GRADE_CLOSE(out[i], expected[i], 1e-14, one,
                           "equal densities give 1/2; where only p_g vanishes D* = 1, where only "
                           "p_data vanishes D* = 0 (an epsilon in the denominator breaks tiny densities)");
            break;
        }
}

/* Both densities 0 (as in the far tails, where they underflow): this lab's
 * convention, stated in the writeup and in optimal.c, is D* = 1/2. */
static void t13_both_vanish(void)
{
    const double p[1] = { 0 }, q[1] = { 0 };
    double out[1];
    lg_lab01_dstar_arg a = dstar_in(1, p, q);
    const char *in = "p_data(x) = p_g(x) = 0";
    if (!lg_grade_call("dstar", &a, sizeof a, out, 1, in))
        return;
    LG_GRADE_CLOSE(out[0], 0.5, 1e-15, in,
                   "0/0 is NaN: where both densities vanish, return the lab's convention 1/2");
}

/* Tiny densities: p = N(0, 0.05^2), q = N(1, 0.05^2) near x = 1/2, where both are
 * about 1e-22. With common sigma, log p/q = ((x-1)^2 - x^2) / (2 sigma^2) = (1 - 2x)/(2 sigma^2),
 * so D* = sigma((1 - 2x) / (2 sigma^2)) = sigma(200 (1 - 2x)), and far out
 * (1e-300, 3e-300) gives 1/4. */
static void t13_tiny(void)
{
    enum { N = 12 };
    double x[N], p[N], q[N], out[N], expected[N];
    const double s = 0.05;
    for (int i = 0; i < 11; i++) {
        x[i] = 0.49 + 0.002 * i;
        p[i] = lg_lab01_gauss(x[i], 0, s);
        q[i] = lg_lab01_gauss(x[i], 1, s);
        expected[i] = lg_probe_sigmoid((1 - 2 * x[i]) / (2 * s * s));
    }
    x[11] = NAN; /* not a grid point: the pair below */
    p[11] = 1e-300;
    q[11] = 3e-300;
    expected[11] = 0.25;
    lg_lab01_dstar_arg a = dstar_in(N, p, q);
    const char *in = "p_data = N(0, 0.05^2), p_g = N(1, 0.05^2) on x = 0.49..0.51 (densities "
                     "near 1e-22), and (1e-300, 3e-300)";
    if (!lg_grade_call("dstar", &a, sizeof a, out, N, in))
        return;
    const char *hint = "tiny but non-zero densities still have a ratio: no epsilon in p/(p+q)";
    lg_probe_close_all(out, expected, N - 1, 1e-9, 0, "p_data = N(0, 0.05^2), p_g = N(1, 0.05^2), x", x, hint);
    LG_GRADE_CLOSE(out[11], expected[11], 1e-9, "(p_data, p_g) = (1e-300, 3e-300)", hint);
}

/* ============================================================ Task 1.4 === */

/* p_g = p_data: D* = 1/2 everywhere, so C(G) = E log 1/2 + E log 1/2 = -log 4. */
static void t14_equal(void)
{
    lg_lab01_crit_arg a = { { 2, { -2, 2 }, { 0.5, 0.5 }, 0.5 }, { 2, { -2, 2 }, { 0.5, 0.5 }, 0.5 },
                         -8, 8, "1/2 N(-2, 0.5^2) + 1/2 N(2, 0.5^2)", "p_data" };
    lg_lab01_criterion_check(&a, -log(4.0), 1e-8,
                             "with p_g = p_data, D* = 1/2 and C(G) = -log 4: integrate "
                             "p_data log D* + p_g log(1 - D*) over [lo, hi]");
}

/* Disjoint supports (to double precision): N(-20, 1) and N(20, 1). Where p_data > 0
 * D* = 1 and where p_g > 0 D* = 0 (the overlap is below 1e-80), so both terms are
 * 0 log 1 and C(G) = 0 = -log 4 + 2 log 2 (JSD at its maximum). Beyond |x| = 58 both
 * densities underflow to 0: the integrand must be 0 there, not NaN. */
static void t14_disjoint(void)
{
    lg_lab01_crit_arg a = { { 1, { -20 }, { 1 }, 1 }, { 1, { 20 }, { 1 }, 1 }, -60, 60, "N(-20, 1)",
                         "N(20, 1) (each density is 0 where the other has its mass, both are 0 beyond "
                         "|x| = 58)" };
    lg_lab01_criterion_check(&a, 0.0, 1e-8,
                             "disjoint supports give C(G) = 0; where a density is 0 its term is 0 (0 log 0 "
                             "= 0), and where both vanish D* must not be NaN");
}

/* Overlapping densities: against -log 4 + 2 JSD. */
static void t14_identity(void)
{
    lg_lab01_crit_arg a = { { 2, { -2, 2 }, { 0.5, 0.5 }, 0.5 }, { 1, { 0.5 }, { 1 }, 1.2 }, -10, 10,
                         "1/2 N(-2, 0.5^2) + 1/2 N(2, 0.5^2)", "N(0.5, 1.2^2)" };
    lg_lab01_criterion_check(&a, lg_lab01_criterion_ref(&a), 1e-7,
                             "C(G) = E_pdata log D* + E_pg log(1 - D*): both terms, each weighted by its "
                             "own density, over the whole interval [lo, hi]");
}

/* Narrow modes, unequal weights and an interval not centred at 0. */
static void t14_narrow(void)
{
    lg_lab01_crit_arg a = { { 3, { -1, 0.5, 2 }, { 0.2, 0.5, 0.3 }, 0.1 }, { 1, { 1 }, { 1 }, 0.7 }, -3, 6,
                         "0.2 N(-1, 0.1^2) + 0.5 N(0.5, 0.1^2) + 0.3 N(2, 0.1^2)", "N(1, 0.7^2)" };
    lg_lab01_criterion_check(&a, lg_lab01_criterion_ref(&a), 1e-7,
                             "integrate from lo to hi (both limits as given) with a tolerance near 1e-10; "
                             "narrow modes need the interval split into pieces");
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "1.1", "d_loss: value on a small batch", 1, t11_value, LG_VISIBLE },
    { "1.1", "d_loss: gradient with respect to D's parameters", 1, t11_gradient, LG_VISIBLE },
    { "1.1", "d_loss: finite and exact at logits of +-1000", 1, t11_extreme, LG_VISIBLE },
    { "1.2", "g_loss: value on a small batch", 1, t12_value, LG_VISIBLE },
    { "1.2", "g_loss: gradient with respect to G's parameters", 1, t12_gradient, LG_VISIBLE },
    { "1.2", "g_loss: finite and exact at logits of +-1000", 1, t12_extreme, LG_VISIBLE },
    { "1.3", "D* for two Gaussians on a grid", 1, t13_gaussians, LG_VISIBLE },
    { "1.3", "D* where the densities are equal or one vanishes", 1, t13_equal_or_one_zero, LG_VISIBLE },
    { "1.3", "D* where both densities vanish (the convention 1/2)", 1, t13_both_vanish, LG_VISIBLE },
    { "1.3", "D* for tiny but non-zero densities", 1, t13_tiny, LG_VISIBLE },
    { "1.4", "C(G) = -log 4 when p_g = p_data", 1, t14_equal, LG_VISIBLE },
    { "1.4", "C(G) = 0 for disjoint supports", 1, t14_disjoint, LG_VISIBLE },
    { "1.4", "C(G) = -log 4 + 2 JSD for overlapping densities", 1, t14_identity, LG_VISIBLE },
    { "1.4", "C(G) = -log 4 + 2 JSD with narrow modes", 1, t14_narrow, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab01_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
