/*
 * grade.c - Lab 07 (comparing divergences): the lab's registration and its
 * visible grading tests, one group per task.
 *
 * As in the other labs, student code runs only in the sandboxed runner
 * (child.c's computations) and every expected value is a closed form derived
 * beside its test or the grading process's own computation (refs.c).
 *
 * Points: Task 7.1 6 visible + 3 hidden (closed forms 4 + 2, the graded run 2 + 1), Task 7.2 3 + 1
 * (grade_hidden.c). Names and messages say what is tested and point at the idea
 * behind a mistake, never at the value expected.
 */
#include "lab07.h"

/* ============================================================ Task 7.1 === */

/* The course's batch (lg_probe_batch): s = 0.5 x + 0.25, G(z) = 2 z - 1, so
 *   s_real = (0.75, -0.75, 1.75), s_fake = (0.25, 2.75, -1.25).
 * With the paper's chi^2 coding a = -1, b = 1, c = 0:
 *   d_loss = 1/2 mean((-0.25)^2, (-1.75)^2, 0.75^2) + 1/2 mean(1.25^2, 3.75^2, (-0.25)^2)
 *          = 1/2 (3.6875 / 3) + 1/2 (15.6875 / 3) = 19.375 / 6
 *   g_loss = 1/2 mean(0.25^2, 2.75^2, 1.25^2) = 1/2 (9.125 / 3)
 * (refs.c computes them; the gradients follow by the chain rule). */
static const lg_lab07_abc chi2 = { -1, 1, 0 }, binary = { 0, 1, 1 }, odd = { -0.5, 2, 0.75 };

static void t71_d_chi2(void)
{
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_D, chi2, lg_probe_batch_text,
                         "D regresses the real scores to b and the fake scores to a");
}

static void t71_g_chi2(void)
{
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_G, chi2, lg_probe_batch_text,
                         "G regresses the scores of its samples to c (not to a, not to b)");
}

/* The 0-1 coding, a = 0, b = c = 1 (the paper's Eq. 9): here c = b, so a G that
 * aims at b, or a D that uses c, passes the chi^2 tests' structure but not these. */
static void t71_binary(void)
{
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_D, binary, lg_probe_batch_text,
                         "read a and b from the parameters (lg_param_double), not the defaults");
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_G, binary, lg_probe_batch_text,
                         "read c from the parameters (lg_param_double), not the default");
}

/* Targets that are all different and none 0 or +-1: a swapped pair (a for b),
 * a target written as a number, or a target's sign flipped all show. */
static void t71_odd(void)
{
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_D, odd, lg_probe_batch_text,
                         "D regresses the real scores to b and the fake ones to a, each its own parameter");
    lg_lab07_check_lsgan(&lg_probe_batch, LG_PLAYER_G, odd, lg_probe_batch_text,
                         "G's target is c, its own parameter");
}

/* Identity nets at scores of +-1000 (lg_probe_extreme): nothing saturates and
 * nothing overflows; the gradient of a far fake is its distance to the target. */
static void t71_far(void)
{
    lg_lab07_check_lsgan(&lg_probe_extreme, LG_PLAYER_D, chi2, lg_probe_extreme_text,
                         "no log and no sigmoid: the squares are finite at any score");
    lg_lab07_check_lsgan(&lg_probe_extreme, LG_PLAYER_G, chi2, lg_probe_extreme_text,
                         "no log and no sigmoid: the squares are finite at any score");
}

/* ======================================= Task 7.1, the graded run === */

static void t71_run(void) { lg_lab07_check_run(1); }

/* ============================================================ Task 7.2 === */

/* Disjoint supports: JS = log 2 exactly (each term is 1/2 log 2 per unit of
 * mass), and with the chi^2 coding C = 1/2 sum (p - q)^2 / (p + q) = 1/2 sum (p + q)
 * = 1: both saturate. Equal distributions: JS = 0, C = 0 for chi^2, and
 * C = 1/4 (a + b - 2c)^2 = 1/4 for the 0-1 coding. */
static void t72_closed(void)
{
    const double p[4] = { 0.5, 0.5, 0, 0 }, q[4] = { 0, 0, 0.25, 0.75 }, u[4] = { 0.1, 0.2, 0.3, 0.4 };
    lg_lab07_check_div(p, q, 4, chi2, "p = (0.5, 0.5, 0, 0), q = (0, 0, 0.25, 0.75)", 1e-15);
    lg_lab07_check_div(u, u, 4, chi2, "p = q = (0.1, 0.2, 0.3, 0.4)", 1e-15);
    lg_lab07_check_div(u, u, 4, binary, "p = q = (0.1, 0.2, 0.3, 0.4)", 1e-15);
}

/* Overlapping supports with points that only one charges (0 log 0) and a point
 * that neither charges. */
static void t72_partial(void)
{
    const double p[5] = { 0.2, 0.3, 0.5, 0, 0 }, q[5] = { 0.4, 0, 0.1, 0.5, 0 };
    lg_lab07_check_div(p, q, 5, chi2, "p = (0.2, 0.3, 0.5, 0, 0), q = (0.4, 0, 0.1, 0.5, 0)", 1e-14);
    /* targets of unequal distances to c, b - c = 3 and a - c = 1.5 (swapping them changes nothing,
     * though: sum p^2 / (p + q) = sum q^2 / (p + q) when both sum to 1, since their difference is
     * sum (p - q) = 0, so C is symmetric in b - c and a - c) */
    lg_lab07_check_div(p, q, 5, (lg_lab07_abc){ 0.5, 2, -1 }, "p = (0.2, 0.3, 0.5, 0, 0), q = (0.4, 0, 0.1, 0.5, 0)",
                       1e-14);
}

/* Two discretised Gaussians N(0, 1) and N(1, 1) on 201 points of [-6, 7]. */
static void t72_gauss(void)
{
    enum { N = 201 };
    double p[N], q[N], sp = 0, sq = 0;
    for (int i = 0; i < N; i++) {
        double x = -6 + 13.0 * i / (N - 1);
        p[i] = exp(-0.5 * x * x);
        q[i] = exp(-0.5 * (x - 1) * (x - 1));
        sp += p[i];
        sq += q[i];
    }
    for (int i = 0; i < N; i++) {
        p[i] /= sp;
        q[i] /= sq;
    }
    lg_lab07_check_div(p, q, N, chi2, "N(0, 1) and N(1, 1) on 201 points of [-6, 7]", 1e-12);
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "7.1", "d_loss with the chi^2 coding: value and gradient", 1, t71_d_chi2, LG_VISIBLE },
    { "7.1", "g_loss with the chi^2 coding: value and gradient", 1, t71_g_chi2, LG_VISIBLE },
    { "7.1", "both losses with the 0-1 coding", 0.5, t71_binary, LG_VISIBLE },
    { "7.1", "both losses with three other targets", 1, t71_odd, LG_VISIBLE },
    { "7.1", "both losses at scores of +-1000", 0.5, t71_far, LG_VISIBLE },
    { "7.1", "a short run on ring8 meets the calibrated quality", 2, t71_run, LG_VISIBLE },
    { "7.2", "JS and LSGAN's criterion: disjoint and equal distributions", 1, t72_closed, LG_VISIBLE },
    { "7.2", "both where only one distribution charges a point", 1, t72_partial, LG_VISIBLE },
    { "7.2", "both between two discretised Gaussians", 1, t72_gauss, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab07_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
