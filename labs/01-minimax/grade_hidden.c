/*
 * grade_hidden.c - Lab 01's hidden tests (graded, not shown to students, left out
 * of the handout): every task again on inputs the visible tests do not use, so
 * that no expected value can be looked up or guessed from them - the losses on
 * small random networks and a larger batch, D* on other densities and near the
 * smallest doubles, C(G) with very narrow modes and modes at the ends of another
 * interval. Expected values as in grade.c: closed forms (in the logits, which
 * this process computes with the library's own layers) or the library's JSD.
 */
#include "lab01.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* G "1-8t-1", D "1-8l-1" (LeakyReLU 0.2), initialised from seed 7; a batch of 16
 * real points and noise values spread over [-3, 3]. */
static lg_probe mlp_probe(const char *file, lg_player player)
{
    lg_probe pr = { .player = player, .g_spec = "1-8t-1", .d_spec = "1-8l-1", .seed = 7, .batch = 16 };
    snprintf(pr.file, sizeof pr.file, "%s", file);
    for (size_t i = 0; i < pr.batch; i++) {
        pr.x_real[i] = -3.0 + 6.0 * (double)((i * 7) % 16) / 15.0;
        pr.z[i] = -3.0 + 6.0 * (double)i / 15.0;
    }
    return pr;
}

static const char mlp_text[] = "G 1-8t-1, D 1-8l-1 (seed 7), batch 16";

/* The objective against its closed form in the logits, and the gradient against
 * the chain rule with the logit derivatives derived in grade.c. */
static void check_mlp(lg_player player)
{
    lg_probe pr = mlp_probe("gan.c", player);
    lg_probe_check_net(&(lg_probe_check){
        .probe = &pr, .text = mlp_text, .file = "gan.c", .player = player, .tol = 1e-10,
        .ref = player == LG_PLAYER_D ? lg_probe_gan_d_loss_ref : lg_lab01_g_loss_ref,
        .hint = { "the batch mean of the per-sample loss, on any network" },
        .hints = { { LG_MISTAKE_SIGN, "check the sign of each term" },
                   { LG_MISTAKE_SUM, "expectations over the batch are means, not sums" } } });
}

static void h11_mlp(void) { check_mlp(LG_PLAYER_D); }
static void h12_mlp(void) { check_mlp(LG_PLAYER_G); }

/* p = N(-1, 2^2), q = N(2, 1.5^2) on x = -6, -5.5, ..., 6: unequal widths, so D*
 * is not a logistic of a line. From the log-densities in closed form,
 *   log N(x; mu, s^2) = -(x - mu)^2 / (2 s^2) - log s - log(2 pi)/2,
 * D* = p/(p + q) = sigma(log p - log q). Then pairs near the smallest doubles,
 * each sum exact and each ratio correctly rounded:
 *   (3 2^-1074, 2^-1074) -> 3/4;  (7 DBL_MIN, DBL_MIN) -> 7/8;  (9 2^-1060, 2^-1060) -> 9/10. */
static double log_gauss(double x, double mu, double s)
{
    return -(x - mu) * (x - mu) / (2 * s * s) - log(s) - 0.5 * log(2 * M_PI);
}

static void h13_other(void)
{
    enum { N = 28 };
    lg_lab01_dstar_arg a = { .n = N };
    double expected[N], out[N];
    for (int i = 0; i < 25; i++) {
        double x = -6 + 0.5 * i;
        a.p[i] = lg_lab01_gauss(x, -1, 2);
        a.q[i] = lg_lab01_gauss(x, 2, 1.5);
        expected[i] = lg_probe_sigmoid(log_gauss(x, -1, 2) - log_gauss(x, 2, 1.5));
    }
    const double pp[3] = { 0x3p-1074, 7 * DBL_MIN, 0x9p-1060 }, qq[3] = { 0x1p-1074, DBL_MIN, 0x1p-1060 };
    const double ee[3] = { 0.75, 0.875, 0.9 };
    for (int i = 0; i < 3; i++) {
        a.p[25 + i] = pp[i];
        a.q[25 + i] = qq[i];
        expected[25 + i] = ee[i];
    }
    const char *in = "p_data = N(-1, 2^2), p_g = N(2, 1.5^2) on x = -6, -5.5, ..., 6, and pairs near the "
                     "smallest doubles";
    if (!lg_grade_call("dstar", &a, sizeof a, out, N, in))
        return;
    lg_grade_expect e = { .tol = 1e-12, .hint = "the data density's share of the two, at every x",
                          .hints = { { LG_MISTAKE_ZERO, "no epsilon, no threshold: subnormal densities have a ratio" },
                                     { LG_MISTAKE_NAN, "0/0 or inf/inf somewhere" } } };
    for (int i = 0; i < N; i++) {
        char one[200], b1[LG_GRADE_NUM], b2[LG_GRADE_NUM];
        snprintf(one, sizeof one, "(p_data, p_g) = (%s, %s)", lg_grade_num(b1, a.p[i]), lg_grade_num(b2, a.q[i]));
        e.input = one;
        e.expected = expected[i];
        e.actual = out[i];
        lg_grade_check(&e, __FILE__, __LINE__);
    }
}

/* Modes of width 0.02 over [-6, 6]: against -log 4 + 2 JSD (lg_jsd_1d). */
static void h14_very_narrow(void)
{
    lg_lab01_crit_arg a = { { 4, { -3, -1, 1, 3 }, { 0.25, 0.25, 0.25, 0.25 }, { 0.02, 0.02, 0.02, 0.02 }, 0 },
                            { 2, { -1.02, 2.9 }, { 0.6, 0.4 }, { 0.05, 0.05 }, 0 }, -6, 6,
                            "4 modes at -3, -1, 1, 3 of sigma 0.02", "0.6 N(-1.02, 0.05^2) + 0.4 N(2.9, 0.05^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "one adaptive call over a wide interval can miss narrow modes: split it into pieces" });
}

/* One mode of width 0.01 at 3.3 on [-10, 10] in both densities, p_g's other half
 * a wide mode: against -log 4 + 2 JSD. 3.3 lies 36 widths from the nearest of
 * the 21 Gauss-Kronrod nodes on [-10, 10]: one adaptive call misses the narrow
 * mode and sees p_g's wide half alone. */
static void h14_hidden_mode(void)
{
    lg_lab01_crit_arg a = { { 1, { 3.3 }, { 1 }, { 0.01 }, 0 }, { 2, { 3.3, -2 }, { 0.5, 0.5 }, { 0.01, 1 }, 0 },
                            -10, 10, "N(3.3, 0.01^2)", "1/2 N(3.3, 0.01^2) + 1/2 N(-2, 1)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "a narrow mode between the first nodes of one adaptive call is invisible to it: "
                "split [lo, hi] into pieces narrower than the modes" });
}

/* Narrow modes 0.05 and 0.07 from both ends of [-7, 2], wide ones between:
 * against -log 4 + 2 JSD. */
static void h14_ends(void)
{
    lg_lab01_crit_arg a = { { 3, { -6.95, -2.5, 1.95 }, { 0.2, 0.5, 0.3 }, { 0.006, 0.5, 0.006 }, 0 },
                            { 3, { -6.93, -3, 1.93 }, { 0.35, 0.4, 0.25 }, { 0.006, 0.4, 0.006 }, 0 }, -7, 2,
                            "0.2 N(-6.95, 0.006^2) + 0.5 N(-2.5, 0.5^2) + 0.3 N(1.95, 0.006^2)",
                            "0.35 N(-6.93, 0.006^2) + 0.4 N(-3, 0.4^2) + 0.25 N(1.93, 0.006^2)" };
    lg_lab01_criterion_check(&a, &(lg_grade_expect){
        .expected = lg_lab01_criterion_ref(&a), .tol = 1e-7,
        .hint = "every piece of [lo, hi] counts, the first and the last included" });
}

static const lg_grade_test hidden[] = {
    { "1.1", "d_loss on small random networks, batch 16", 1, h11_mlp, LG_HIDDEN },
    { "1.2", "g_loss on small random networks, batch 16", 1, h12_mlp, LG_HIDDEN },
    { "1.3", "D* on other densities and near the smallest doubles", 1, h13_other, LG_HIDDEN },
    { "1.4", "C(G) with modes of width 0.02", 0.5, h14_very_narrow, LG_HIDDEN },
    { "1.4", "C(G) with one mode of width 0.01 on a wide interval", 0.25, h14_hidden_mode, LG_HIDDEN },
    { "1.4", "C(G) with narrow modes at both ends of another interval", 0.25, h14_ends, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
