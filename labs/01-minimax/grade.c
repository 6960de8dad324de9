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
 * Points: Task 1.1 3, Task 1.2 3, Task 1.3 3, Task 1.4 5 (visible); grade_hidden.c
 * adds hidden tests (1, 1, 1 and 1 points) on other inputs, so that no visible
 * value can be looked up. Names and messages say what is tested and point at
 * the idea behind a mistake, never at the value expected.
 */
#include "lab01.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ============================================================ Task 1.1 === */

/* The classes of mistake of a loss on logits, and what each suggests. */
#define D_LOSS_HINTS                                                                                           \
    { { LG_MISTAKE_SIGN, "D maximises V, so its loss is -V: check the sign of each term" },                    \
      { LG_MISTAKE_SUM, "expectations over the batch are means (lg_mean), not sums" },                          \
      { LG_MISTAKE_INF, "a probability that rounds to 0 has log -inf: write each log-probability with softplus" }, \
      { LG_MISTAKE_NAN, "the gradient of log(0) is NaN: write each log-probability with softplus" },              \
      { LG_MISTAKE_HALF, "each of the two terms has weight 1" } }

/* The value on the small batch, against the formula in probabilities. */
static void t11_value(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_VALUE, .ref = lg_probe_gan_d_loss_ref, .tol = 1e-10,
        .hint = { "one term for the real batch and one for the fake batch G(z) (not z), each on D's logits" },
        .hints = D_LOSS_HINTS });
}

/* The gradient with respect to D's parameters (w, c), by the chain rule. */
static void t11_gradient(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_D,
        .what = LG_PROBE_GRAD, .ref = lg_probe_gan_d_loss_ref, .tol = 1e-10,
        .hint = { NULL, "build the loss from tape ops on D's logits so the gradient reaches D's weight",
                  "the bias of D sees both terms of the loss" },
        .hints = D_LOSS_HINTS });
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
        .hint = { "sigmoid(-1000) is 0 in double: write log sigmoid(s) and log(1 - sigmoid(s)) with softplus "
                  "(the writeup shows how)" },
        .hints = D_LOSS_HINTS });
}

/* ============================================================ Task 1.2 === */

#define G_LOSS_HINTS                                                                                          \
    { { LG_MISTAKE_SIGN, "G minimises V: its loss is the fake term of V as it stands, sign included" },       \
      { LG_MISTAKE_SUM, "the expectation over the batch is a mean (lg_mean), not a sum" },                     \
      { LG_MISTAKE_INF, "a probability that rounds to 1 gives log(1 - D) = -inf: use softplus" },             \
      { LG_MISTAKE_NAN, "the gradient of log(0) is NaN: use softplus" },                                      \
      { LG_MISTAKE_ZERO, "no gradient reaches G: apply D to G's output, without lg_stop_gradient" } }

static void t12_value(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_VALUE, .ref = lg_lab01_g_loss_ref, .tol = 1e-10,
        .hint = { "the minimax generator's loss is the term of V that depends on G (Lab 02's loss is another)" },
        .hints = G_LOSS_HINTS });
}

/* The gradient with respect to G's parameters (a, b): cf_i = -sigma(s_f_i) / B. */
static void t12_gradient(void)
{
    lg_probe_check_loss(&(lg_probe_check){
        .probe = &lg_probe_batch, .text = lg_probe_batch_text, .file = "gan.c", .player = LG_PLAYER_G,
        .what = LG_PROBE_GRAD, .ref = lg_lab01_g_loss_ref, .tol = 1e-10,
        .hint = { NULL, "the gradient must flow through D into G (apply D to lg_apply(g, LG_NET_G, noise), "
                        "no lg_stop_gradient)" },
        .hints = G_LOSS_HINTS });
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
        .hint = { "sigmoid(1000) is 1 in double: write log(1 - sigmoid(s)) with softplus" },
        .hints = G_LOSS_HINTS });
}

/* ============================================================ Task 1.3 === */

static const lg_grade_hint dstar_hints[] = {
    { LG_MISTAKE_NAN, "0/0 is NaN: where both densities vanish, return the lab's convention" },
    { LG_MISTAKE_ZERO, "tiny densities still have a ratio: no epsilon, no threshold on their sum" },
    { LG_MISTAKE_OTHER, NULL },
};

/* D* at n pairs in the sandbox, each checked within tol (absolute), named
 * "LABEL x = X" when x is given, else by the pair itself. */
static void dstar_check(size_t n, const double *p, const double *q, const double *expected, const double *x,
                        const char *label, const char *in, double tol, const char *hint)
{
    lg_lab01_dstar_arg a = { .n = n };
    memcpy(a.p, p, n * sizeof *p);
    memcpy(a.q, q, n * sizeof *q);
    double out[LG_LAB01_DSTAR_MAX];
    if (!lg_grade_call("dstar", &a, sizeof a, out, n, in))
        return;
    lg_grade_expect e = { .tol = tol, .hint = hint };
    memcpy(e.hints, dstar_hints, sizeof dstar_hints);
    for (size_t i = 0; i < n; i++) {
        char one[256], b1[LG_GRADE_NUM], b2[LG_GRADE_NUM];
        if (x && !isnan(x[i]))
            snprintf(one, sizeof one, "%s, x = %s", label, lg_grade_num(b1, x[i]));
        else
            snprintf(one, sizeof one, "(p_data, p_g) = (%s, %s)", lg_grade_num(b1, p[i]), lg_grade_num(b2, q[i]));
        e.input = one;
        e.expected = expected[i];
        e.actual = out[i];
        lg_grade_check(&e, __FILE__, __LINE__);
    }
}

/* p = N(0, 1), q = N(1, 1) on x = -4, -3.75, ..., 5. Derivation:
 *   q(x)/p(x) = exp(-(x-1)^2/2 + x^2/2) = exp(x - 1/2),
 *   D*(x) = p / (p + q) = 1 / (1 + q/p) = sigma(1/2 - x). */
static void t13_gaussians(void)
{
    enum { N = 37 };
    double x[N], p[N], q[N], expected[N];
    for (int i = 0; i < N; i++) {
        x[i] = -4 + 0.25 * i;
        p[i] = lg_lab01_gauss(x[i], 0, 1);
        q[i] = lg_lab01_gauss(x[i], 1, 1);
        expected[i] = lg_probe_sigmoid(0.5 - x[i]);
    }
    dstar_check(N, p, q, expected, x, "p_data = N(0, 1), p_g = N(1, 1)",
                "p_data = N(0, 1), p_g = N(1, 1) on x = -4, -3.75, ..., 5", 1e-12,
                "D* maximises p_data log D + p_g log(1 - D) at each x: the data density goes on top");
}

/* Where p_data = p_g > 0, D* = p / 2p = 1/2; where only p_g vanishes D* = p/p = 1;
 * where only p_data vanishes D* = 0; where both vanish, the lab's convention
 * (the writeup and optimal.c state it): 1/2. The tolerance is 1e-12, not
 * machine precision: a correct D* in log space, exp(log p - log(p + q)), is off
 * by up to 3e-14 near 1/2 (2.75e-14 at p = q = 1e-300). */
static void t13_equal_or_vanishing(void)
{
    enum { N = 10 };
    const double p[N] = { 1, 3.7, 1e-5, 1e-200, 2.5, 1e-250, 0, 0, 0, 0 };
    const double q[N] = { 1, 3.7, 1e-5, 1e-200, 0, 0, 2.5, 1e-250, 0.4, 0 };
    const double expected[N] = { 0.5, 0.5, 0.5, 0.5, 1, 1, 0, 0, 0, 0.5 };
    dstar_check(N, p, q, expected, NULL, NULL,
                "(p_data, p_g) = (1, 1), (3.7, 3.7), (1e-5, 1e-5), (1e-200, 1e-200), (2.5, 0), (1e-250, 0), "
                "(0, 2.5), (0, 1e-250), (0, 0.4), (0, 0)", 1e-12,
                "equal densities give no evidence either way; a density of 0 is certain evidence");
}

/* Tiny densities: p = N(0, 0.05^2), q = N(1, 0.05^2) near x = 1/2, where both are
 * about 1e-22. With common sigma, log p/q = ((x-1)^2 - x^2) / (2 sigma^2) = (1 - 2x)/(2 sigma^2),
 * so D* = sigma((1 - 2x) / (2 sigma^2)) = sigma(200 (1 - 2x)). Then pairs near the
 * smallest doubles, where p/(p + q) is exact or correctly rounded:
 *   (1e-300, 3e-300) -> 1/4;  (DBL_MIN, 4 DBL_MIN) -> 1/5;
 *   (2^-1074, 2^-1073), the two smallest subnormals -> 1/3 (their sum 3 2^-1074 is exact). */
static void t13_tiny(void)
{
    enum { N = 14 };
    double x[N], p[N], q[N], expected[N];
    const double s = 0.05;
    for (int i = 0; i < 11; i++) {
        x[i] = 0.49 + 0.002 * i;
        p[i] = lg_lab01_gauss(x[i], 0, s);
        q[i] = lg_lab01_gauss(x[i], 1, s);
        expected[i] = lg_probe_sigmoid((1 - 2 * x[i]) / (2 * s * s));
    }
    const double pp[3] = { 1e-300, DBL_MIN, 0x1p-1074 }, qq[3] = { 3e-300, 4 * DBL_MIN, 0x1p-1073 };
    const double ee[3] = { 0.25, 0.2, 1.0 / 3.0 };
    for (int i = 0; i < 3; i++) {
        x[11 + i] = NAN; /* not a grid point: named by the pair */
        p[11 + i] = pp[i];
        q[11 + i] = qq[i];
        expected[11 + i] = ee[i];
    }
    dstar_check(N, p, q, expected, x, "p_data = N(0, 0.05^2), p_g = N(1, 0.05^2)",
                "p_data = N(0, 0.05^2), p_g = N(1, 0.05^2) on x = 0.49..0.51 (densities near 1e-22), and "
                "(1e-300, 3e-300), (DBL_MIN, 4 DBL_MIN), (2^-1074, 2^-1073)", 1e-9,
                "tiny, even subnormal, densities are still densities with a ratio: no epsilon, no threshold");
}

/* ============================================================ Task 1.4 === */

/* p_g = p_data: D* = 1/2 everywhere, so C(G) = E log 1/2 + E log 1/2 = -log 4. */
static void t14_equal(void)
{
    lg_lab01_crit_arg a = { { 2, { -2, 2 }, { 0.5, 0.5 }, { 0.5, 0.5 }, 0 },
                            { 2, { -2, 2 }, { 0.5, 0.5 }, { 0.5, 0.5 }, 0 },
                            -8, 8, "1/2 N(-2, 0.5^2) + 1/2 N(2, 0.5^2)", "p_data" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = -log(4.0), .tol = 1e-8,
        .hint = "integrate p_data log D* + p_g log(1 - D*) over [lo, hi]: what is D* when the densities agree?" });
}

/* Disjoint supports (to double precision): N(-20, 1) and N(20, 1). Where p_data > 0
 * D* = 1 and where p_g > 0 D* = 0 (the overlap is below 1e-80), so both terms are
 * 0 log 1 and C(G) = 0 = -log 4 + 2 log 2 (JSD at its maximum). Beyond |x| = 58 both
 * densities underflow to 0: the integrand must be 0 there, not NaN. In between,
 * p_g is tiny next to p_data (1e-266 at x = -15): 1 - p/(p + q) rounds to 0 there. */
static void t14_disjoint(void)
{
    lg_lab01_crit_arg a = { { 1, { -20 }, { 1 }, { 1 }, 0 }, { 1, { 20 }, { 1 }, { 1 }, 0 }, -60, 60, "N(-20, 1)",
                            "N(20, 1) (each density is 0 where the other has its mass, both are 0 beyond "
                            "|x| = 58)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = 0.0, .tol = 1e-8,
        .hint = "where one density is 0 or tiny next to the other, each term must stay finite and exact" });
}

/* Overlapping densities: against -log 4 + 2 JSD. */
static void t14_overlap(void)
{
    lg_lab01_crit_arg a = { { 2, { -2, 2 }, { 0.5, 0.5 }, { 0.5, 0.5 }, 0 }, { 1, { 0.5 }, { 1 }, { 1.2 }, 0 },
                            -10, 10, "1/2 N(-2, 0.5^2) + 1/2 N(2, 0.5^2)", "N(0.5, 1.2^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "both terms, each weighted by its own density, over the whole interval [lo, hi]" });
}

/* Narrow modes, unequal weights and an interval not centred at 0. */
static void t14_narrow(void)
{
    lg_lab01_crit_arg a = { { 3, { -1, 0.5, 2 }, { 0.2, 0.5, 0.3 }, { 0.1, 0.1, 0.1 }, 0 },
                            { 1, { 1 }, { 1 }, { 0.7 }, 0 }, -3, 6,
                            "0.2 N(-1, 0.1^2) + 0.5 N(0.5, 0.1^2) + 0.3 N(2, 0.1^2)", "N(1, 0.7^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "integrate from lo to hi (both limits as given) with tolerances near 1e-10" });
}

/* Narrow modes of both densities close to both ends of [-3, 5] (8 widths from
 * the end: their mass outside is below 1e-15), a wide one of each between:
 * against -log 4 + 2 JSD. A split of [lo, hi] that leaves out its first or its
 * last piece loses a fifth of the value. */
static void t14_ends(void)
{
    lg_lab01_crit_arg a = { { 3, { -2.93, 1, 4.93 }, { 0.3, 0.4, 0.3 }, { 0.01, 0.5, 0.01 }, 0 },
                            { 3, { -2.91, 1.3, 4.91 }, { 0.3, 0.4, 0.3 }, { 0.01, 0.6, 0.01 }, 0 }, -3, 5,
                            "0.3 N(-2.93, 0.01^2) + 0.4 N(1, 0.5^2) + 0.3 N(4.93, 0.01^2)",
                            "0.3 N(-2.91, 0.01^2) + 0.4 N(1.3, 0.6^2) + 0.3 N(4.91, 0.01^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "the mass right next to lo and hi counts too: every piece of [lo, hi], the first and the last "
                "included" });
}

/* The narrow-modes trap of the writeup: one mode of width 0.004 at -7.03 on
 * [-12, 12], 0.43 from the nearest node of one adaptive call and 4 from the
 * nearest of 16 equal pieces' first nodes: a split into 16 pieces or fewer
 * misses it (and its 0.4 of the mass), 32 or more find it. Against
 * -log 4 + 2 JSD. */
static void t14_narrow_wide(void)
{
    lg_lab01_crit_arg a = { { 2, { -7.03, 2 }, { 0.4, 0.6 }, { 0.004, 1.5 }, 0 }, { 1, { 1 }, { 1 }, { 2 }, 0 },
                            -12, 12, "0.4 N(-7.03, 0.004^2) + 0.6 N(2, 1.5^2)", "N(1, 2^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "a mode narrower than the spacing of an adaptive call's first nodes is invisible to it: split "
                "[lo, hi] into pieces narrower than the features you expect",
        .hints = { { LG_MISTAKE_HALF, "part of the mass is missing: a narrow mode missed?" } } });
}

/* p_data with a rough factor (1 + 0.5 h(x), h a hash of x's bits in [-1, 1]):
 * no quadrature reaches a tolerance near 1e-10 on it, GSL's adaptive
 * Gauss-Kronrod routines (qag, qags, qagp: the writeup's choices) return a
 * failure status, and the writeup asks for NaN then. A hand-made rule cannot
 * tell it fails and returns a number. */
static void t14_gsl_fails(void)
{
    lg_lab01_crit_arg a = { { 1, { 0 }, { 1 }, { 1 }, 0.5 }, { 1, { 0.5 }, { 1 }, { 1 }, 0 }, -8, 8,
                            "N(0, 1) times a factor that jumps between 0.5 and 1.5 at every x",
                            "N(0.5, 1) (GSL cannot reach a tolerance near 1e-10 on this integrand)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = NAN, .tol = 0,
        .hint = "when GSL reports a failure (a status other than GSL_SUCCESS), C(G) is NaN",
        .hints = { { LG_MISTAKE_GSL, "GSL reported a failure: check the status of every GSL call and return NaN "
                                     "when one is not GSL_SUCCESS" } } });
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
    { "1.3", "D* where the densities are equal or vanish", 1, t13_equal_or_vanishing, LG_VISIBLE },
    { "1.3", "D* for tiny, subnormal and smallest densities", 1, t13_tiny, LG_VISIBLE },
    { "1.4", "C(G) when p_g = p_data", 0.5, t14_equal, LG_VISIBLE },
    { "1.4", "C(G) for disjoint supports", 0.5, t14_disjoint, LG_VISIBLE },
    { "1.4", "C(G) for overlapping densities", 0.5, t14_overlap, LG_VISIBLE },
    { "1.4", "C(G) with narrow modes and unequal weights", 0.5, t14_narrow, LG_VISIBLE },
    { "1.4", "C(G) with mass next to both ends of the interval", 1, t14_ends, LG_VISIBLE },
    { "1.4", "C(G) with one very narrow mode on a wide interval", 1, t14_narrow_wide, LG_VISIBLE },
    { "1.4", "C(G) where GSL cannot reach the tolerance", 1, t14_gsl_fails, LG_VISIBLE },
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
