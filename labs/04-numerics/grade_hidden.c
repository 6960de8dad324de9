/*
 * grade_hidden.c - Lab 04's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: the Dirac-GAN's Jacobian
 * on a grid against centred differences of the field (computed here), a loss
 * the functions do not know; eigenvalues of fields conjugated by a shear and
 * of the Dirac-GAN away from its equilibrium; step sizes of other spectra.
 */
#include "lab04.h"

#include <stdio.h>
#include <string.h>

/* ============================================================ Task 4.1 === */

/* J on a 4 x 4 grid of (psi, theta) in [-3, 3]^2 against a fourth-order centred
 * difference of the closed-form field: (8 (v(x + h) - v(x - h)) - (v(x + 2h) -
 * v(x - 2h))) / 12h, h = 1e-3, error about 1e-12 here; the field against its
 * closed form. The expected values are the differences, so the tolerance is
 * theirs (1e-8). */
static void h41_grid(void)
{
    for (int loss = 0; loss < LG_LAB04_LOSSES; loss++) {
        lg_lab04_dirac_arg a = { .loss = loss, .n = 16 };
        for (int i = 0; i < 16; i++) {
            a.psi[i] = -3 + 2.0 * (i % 4) + 0.1 * (i / 4);
            a.theta[i] = -2.9 + 2.0 * (i / 4) - 0.05 * (i % 4);
        }
        double out[6 * 16 + 2];
        char in[64];
        snprintf(in, sizeof in, "the %s Dirac-GAN on a 4 x 4 grid", loss == 0 ? "minimax" : loss == 1 ? "non-saturating" : "WGAN");
        if (!lg_grade_call("dirac", &a, sizeof a, out, 6 * 16 + 2, in))
            return;
        const double h = 1e-3;
        for (int i = 0; i < 16; i++) {
            double p = a.psi[i], t = a.theta[i], e[6], f[4][6];
            lg_lab04_dirac_ref(loss, p, t, e);
            for (int col = 0; col < 2; col++) { /* d/dpsi, then d/dtheta */
                double dp = col == 0 ? h : 0, dt = col == 0 ? 0 : h;
                lg_lab04_dirac_ref(loss, p + dp, t + dt, f[0]);
                lg_lab04_dirac_ref(loss, p - dp, t - dt, f[1]);
                lg_lab04_dirac_ref(loss, p + 2 * dp, t + 2 * dt, f[2]);
                lg_lab04_dirac_ref(loss, p - 2 * dp, t - 2 * dt, f[3]);
                for (int row = 0; row < 2; row++)
                    e[2 + 2 * row + col] = (8 * (f[0][row] - f[1][row]) - (f[2][row] - f[3][row])) / (12 * h);
            }
            char where[160], b1[LG_GRADE_NUM], b2[LG_GRADE_NUM];
            snprintf(where, sizeof where, "%s, (psi, theta) = (%s, %s): v and J", in, lg_grade_num(b1, p),
                     lg_grade_num(b2, t));
            if (!LG_GRADE_EXPECT_ALL(out + 6 * i, e, 6, where, NULL, .tol = 1e-8,
                                     .hint = "J must be the derivative of your v: check each entry's chain rule",
                                     .hints = FIELD_HINTS))
                return;
        }
    }
}

/* A loss the functions do not know (7): both return -1 and NaN in every output. */
static void h41_unknown(void)
{
    lg_lab04_dirac_arg a = { .loss = 7, .n = 1, .psi = { 1 }, .theta = { 1 } };
    double out[8], nan6[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
    if (!lg_grade_call("dirac", &a, sizeof a, out, 8, "loss 7 (no such loss)"))
        return;
    LG_GRADE_EXPECT(.input = "loss 7: the field's return value", .expected = -1, .actual = out[6],
                    .hint = "return -1 for a loss the function does not know");
    LG_GRADE_EXPECT(.input = "loss 7: the Jacobian's return value", .expected = -1, .actual = out[7],
                    .hint = "return -1 for a loss the function does not know");
    LG_GRADE_EXPECT_ALL(out, nan6, 6, "loss 7: v and J, output", NULL,
                        .hint = "fill every output (v[0], v[1], J[0..3]) with NaN for a loss the function does "
                                "not know");
}

/* ============================================================ Task 4.2 === */

/* B = [[0.5, -3], [3, 0.5]] conjugated by the shear S = [[1, 1], [0, 1]]
 * (S^-1 = [[1, -1], [0, 1]], all exact): A = S B S^-1 = [[3.5, -6], [3, -2.5]],
 * eigenvalues 0.5 +- 3i; and the upper triangular [[2, 1, -1], [0, -1, 4],
 * [0, 0, 0.25]] with rows and columns reversed, as a cubic field at c + 0.5:
 * eigenvalues 2, 0.25, -1 each moved by 3 (0.5)^2 = 0.75. */
static void h42_conjugated(void)
{
    lg_lab04_eigen_arg a = { .field = LG_LAB04_LINEAR, .n = 2, .a = { 3.5, -6, 3, -2.5 }, .c = { -4, 7 },
                             .x = { 1, 1 } };
    lg_lab04_check_eigen(&a, (double[]){ 0.5, 0.5 }, (double[]){ 3, -3 }, 1e-7,
                         "v(x) = [[3.5, -6], [3, -2.5]] (x - c), away from c", "the Jacobian of a linear field is "
                         "its matrix, wherever it is taken",
                         __FILE__, __LINE__);
    static const double T[9] = { 2, 1, -1, 0, -1, 4, 0, 0, 0.25 };
    lg_lab04_eigen_arg b = { .field = LG_LAB04_CUBIC, .n = 3, .c = { 1, -2, 0.5 } };
    for (int i = 0; i < 3; i++) {
        b.x[i] = b.c[i] + 0.5;
        for (int j = 0; j < 3; j++)
            b.a[i * 3 + j] = T[(2 - i) * 3 + (2 - j)];
    }
    lg_lab04_check_eigen(&b, (double[]){ 2.75, 1.0, -0.25 }, (double[]){ 0, 0, 0 }, 1e-7,
                         "a 3x3 field A (x - c) + (x - c)^3 at x = c + 0.5",
                         "centred differences: (v(x + h e_j) - v(x - h e_j)) / 2h", __FILE__, __LINE__);
}

/* The non-saturating Dirac-GAN at (psi, theta) = (0.7, -0.4): the eigenvalues of
 * its closed-form Jacobian (lg_lab04_eig2). */
static void h42_dirac(void)
{
    double d[6], re[2], im[2];
    lg_lab04_dirac_ref(LG_LAB04_NONSAT, 0.7, -0.4, d);
    lg_lab04_eig2(d + 2, re, im);
    lg_lab04_eigen_arg a = { .field = LG_LAB04_DIRAC, .loss = LG_LAB04_NONSAT, .n = 2, .x = { 0.7, -0.4 } };
    lg_lab04_check_eigen(&a, re, im, 1e-7, "the non-saturating Dirac-GAN's field at (0.7, -0.4)",
                         "the Jacobian at the point given, by centred differences", __FILE__, __LINE__);
}

/* ============================================================ Task 4.3 === */

/* The Dirac-GAN's losses in (psi, theta) = (w, b), with c^2/2 for D and, for G,
 * a^2/2 + c a/2 (G's loss depends on D's c too); minimax at gamma = 2, step 0.1,
 * with an encoder (e^2/2 + f^2/2 + 0.3 f in G's loss, c f/2 in D's), two steps; non-saturating
 * at gamma = 10 (the paper's), step 0.01, away from the equilibrium. */
static void h43_dirac(void)
{
    static const int loss[2] = { LG_LAB04_MINIMAX, LG_LAB04_NONSAT };
    static const double gamma[2] = { 2, 10 }, h[2] = { 0.1, 0.01 };
    for (int k = 0; k < 2; k++) {
        lg_lab04_game_arg a = { .game = LG_LAB04_GAME_DIRAC, .loss = loss[k], .simultaneous = 1, .steps = 2,
                                .encoder = k == 0, .gamma = gamma[k], .h = h[k],
                                .x0 = { 0.8, 0.3, -0.2, -1.2, 0.4, -0.6 } };
        a.P[1 * LG_LAB04_PMAX + 1] = 1;
        a.Q[2 * LG_LAB04_PMAX + 2] = 1;
        a.Q[1 * LG_LAB04_PMAX + 2] = a.Q[2 * LG_LAB04_PMAX + 1] = 0.5;
        if (k == 0) { /* E's parameters in both losses: D's couples c and f */
            a.Q[4 * LG_LAB04_PMAX + 4] = a.Q[5 * LG_LAB04_PMAX + 5] = 1;
            a.q[5] = 0.3;
            a.P[1 * LG_LAB04_PMAX + 5] = a.P[5 * LG_LAB04_PMAX + 1] = 0.5;
        }
        char in[160];
        snprintf(in, sizeof in, "the %s Dirac-GAN (+ c^2/2 for D, a^2/2 + c a/2 for G)%s, gamma = %g, two SGD steps of %g",
                 k == 0 ? "minimax" : "non-saturating", k == 0 ? " with an encoder" : "", gamma[k], h[k]);
        lg_lab04_check_step(&a, 1e-6, in, "the correction is gamma J^T v for any pair of losses", __FILE__,
                            __LINE__);
    }
}

/* The bilinear game of the visible tests, whose losses cannot be evaluated once
 * D's w moves: the product along (v_D, 0) fails, so the hook must fail (and
 * the step with it), whatever the other product does. */
static void h43_hvp_fails(void)
{
    lg_lab04_game_arg a = { .game = LG_LAB04_GAME_QUAD, .simultaneous = 1, .fail_moved_d = 1, .gamma = 1, .h = 0.1,
                            .x0 = { 0.8, -0.4, 0.6, 1.2 }, .p = { 0, 0.5, 0, 0 }, .q = { 0, 0, -0.3, 0 } };
    a.P[0 * LG_LAB04_PMAX + 3] = a.P[3 * LG_LAB04_PMAX + 0] = 1;
    a.P[1 * LG_LAB04_PMAX + 1] = 1;
    a.Q[0 * LG_LAB04_PMAX + 3] = a.Q[3 * LG_LAB04_PMAX + 0] = -1;
    a.Q[2 * LG_LAB04_PMAX + 2] = 2;
    double out[6];
    const char *in = "a game whose losses fail away from w = 0.8 (a Hessian-vector product along D's block fails)";
    if (!lg_grade_call("consensus", &a, sizeof a, out, 6, in))
        return;
    LG_GRADE_EXPECT(.input = "a failed Hessian-vector product: the step fails", .expected = 1, .actual = out[0],
                    .hint = "check what lg_game_hvp returns, both times, and return it from the hook when it is "
                            "not 0");
}

/* ============================================================ Task 4.4 === */

/* One eigenvalue; a spectrum whose binding eigenvalue is neither the smallest
 * nor the largest in modulus; the consensus Dirac-GAN at gamma = 0.5 and 20. */
static void h44_other(void)
{
    lg_lab04_step_arg a = { .sets = 4, .n = { 1, 3, 2, 2 },
                            .re = { { 0.3 }, { 5, 0.2, 1 }, { 0.125, 0.125 }, { 5, 5 } },
                            .im = { { 0 }, { 0, 0.1, 3 }, { 0.5, -0.5 }, { 0.5, -0.5 } } };
    lg_lab04_check_steps(&a, "eigenvalues {0.3}; {5, 0.2 + 0.1i, 1 + 3i}; 1/8 +- i/2; 5 +- i/2",
                         "the bound of each eigenvalue is 2 Re mu / |mu|^2; the smallest wins", __FILE__, __LINE__);
}

static const lg_grade_test hidden[] = {
    { "4.1", "field and Jacobian on a grid, against finite differences", 1, h41_grid, LG_HIDDEN },
    { "4.1", "a loss the functions do not know", 0.5, h41_unknown, LG_HIDDEN },
    { "4.2", "conjugated matrices: a shear and a reversal", 1, h42_conjugated, LG_HIDDEN },
    { "4.2", "the non-saturating Dirac-GAN away from its equilibrium", 0.5, h42_dirac, LG_HIDDEN },
    { "4.3", "consensus steps of the Dirac-GAN's losses", 1, h43_dirac, LG_HIDDEN },
    { "4.3", "a failed Hessian-vector product fails the hook", 0.5, h43_hvp_fails, LG_HIDDEN },
    { "4.4", "step sizes of other spectra", 1, h44_other, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
