/*
 * grade.c - Lab 05 (GAN-QP): the lab's registration and its visible grading
 * tests, one group per task.
 *
 * Student code runs only in the sandboxed runner (child.c's computations);
 * every expected value is a closed form written out beside its test, or the
 * grading process's own evaluation of the formulas in plain doubles with
 * centred differences for the gradients (refs.c), which calls no student code
 * and no tape. When a value is wrong, diagnose() compares it with the values
 * of the usual mistakes, computed here, and picks the hint of the one it
 * matches.
 *
 * Points: Tasks 5.1, 5.2 and 5.3 have 4 visible points each; grade_hidden.c
 * adds 2 hidden points to each.
 */
#include "lab05.h"
#include "grade05.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ============================================================ Task 5.1 === */

/* G "2-2" with W = I and b = (0.5, -0.25): x_f = z + b.
 *   z   = (1, 2), (-1, 0.5), (3, -2)   ->  x_f = (1.5, 1.75), (-0.5, 0.25), (3.5, -2.25)
 *   x_r = (0, 1), (2, 2), (-1, -3):       x_r - x_f = (-1.5, -0.75), (2.5, 1.75), (-4.5, -0.75)
 *   l1: d = (1.125, 2.125, 2.625); l2: d = sqrt(1.40625), sqrt(4.65625), sqrt(10.40625).
 * D "2-1" (w = (1, -1), c = 0.5) plays no part. */
static lg_lab05_game_arg small_game(int l2)
{
    lg_lab05_game_arg a = { .g_spec = "2-2", .d_spec = "2-1", .theta_d = { 1, -1, 0.5 },
                            .theta_g = { 1, 0, 0, 1, 0.5, -0.25 }, .lambda = 10, .l2 = l2,
                            .player = LG_PLAYER_D, .batch = 3,
                            .x_real = { 0, 1, 2, 2, -1, -3 }, .z = { 1, 2, -1, 0.5, 3, -2 } };
    return a;
}

static void t51_l1(void)
{
    lg_lab05_game_arg a = small_game(0);
    static const double want[3] = { 1.125, 2.125, 2.625 }; /* by hand, above */
    lab05_check_dist(&a, "x_r = (0, 1), (2, 2), (-1, -3); x_f = (1.5, 1.75), (-0.5, 0.25), (3.5, -2.25); metric l1",
                     want);
}

static void t51_l2(void)
{
    lg_lab05_game_arg a = small_game(1);
    const double want[3] = { sqrt(1.40625), sqrt(4.65625), sqrt(10.40625) }; /* by hand, above */
    lab05_check_dist(&a, "x_r = (0, 1), (2, 2), (-1, -3); x_f = (1.5, 1.75), (-0.5, 0.25), (3.5, -2.25); metric l2",
                     want);
}

/* Four pairs in 3D whose distances differ by orders of magnitude: a distance
 * of the whole batch, or row i against another row, cannot pass. G "3-3" the
 * identity (x_f = z), x_r - x_f = (0.01, -0.02, 0.03), (1, 1, -1), (-30, 0, 60),
 * (0.5, 0, 0): l1 d = (0.02, 1, 30, 1/6). */
static void t51_pairs(void)
{
    lg_lab05_game_arg a = { .g_spec = "3-3", .d_spec = "3-1", .theta_d = { 1, 1, 1, 0 },
                            .theta_g = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }, .lambda = 10, .player = LG_PLAYER_D,
                            .batch = 4,
                            .x_real = { 0.01, -0.02, 0.03, 1, 1, -1, -30, 0, 60, 0.5, 0, 0 },
                            .z = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } };
    static const double want[4] = { 0.02, 1, 30, 1.0 / 6 };
    lab05_check_dist(&a, "x_f = 0, x_r = (0.01, -0.02, 0.03), (1, 1, -1), (-30, 0, 60), (0.5, 0, 0); metric l1", want);
}

/* ============================================================ Task 5.2 === */

/* The critic's objective on the game of small_game: D's scores s = x_1 - x_2 + 0.5,
 *   s_real = (-0.5, 0.5, 2.5), s_fake = (0.25, -0.25, 6.25), Delta = (-0.75, 0.75, -3.75);
 * with l1, lambda = 10: d_loss = mean(-Delta + Delta^2 / (20 d))
 *   = ((0.75 + 0.025) + (-0.75 + 0.5625 / 42.5) + (3.75 + 14.0625 / 52.5)) / 3 = 1.42...
 * (the grader's refs.c evaluates the same formula; its gradient by centred differences). */
static void t52_d_l1(void)
{
    lg_lab05_game_arg a = small_game(0);
    lab05_check_loss(&a, "D s = x_1 - x_2 + 0.5 on small_game's pairs, lambda = 10, metric l1; the critic's objective");
}

static void t52_d_l2(void)
{
    lg_lab05_game_arg a = small_game(1);
    a.lambda = 0.25; /* the quadratic term dominates: lambda must divide it */
    lab05_check_loss(&a, "D s = x_1 - x_2 + 0.5 on small_game's pairs, lambda = 0.25, metric l2; the critic's "
                         "objective");
}

/* g_loss = mean Delta = (-0.75 + 0.75 - 3.75) / 3 = -1.25; dL/db = -(1/3) sum dD/dx_f = -(1, -1). */
static void t52_g(void)
{
    lg_lab05_game_arg a = small_game(0);
    a.player = LG_PLAYER_G;
    lab05_check_loss(&a, "D s = x_1 - x_2 + 0.5 on small_game's pairs, lambda = 10; the generator's objective");
}

/* A larger critic: D "2-3t-1" with fixed weights, G "2-2" not the identity,
 * batch 5, lambda = 3, both players. */
static void t52_mlp(void)
{
    lg_lab05_game_arg a = { .g_spec = "2-2", .d_spec = "2-3t-1",
                            .theta_d = { 0.5, -1, 1.5, 0.25, -0.75, 1, 0.1, -0.2, 0.3, 1.2, -0.8, 0.6, 0.05 },
                            .theta_g = { 0.9, 0.2, -0.3, 1.1, 0.1, -0.4 }, .lambda = 3, .l2 = 1,
                            .player = LG_PLAYER_D, .batch = 5,
                            .x_real = { 1, 0, -1, 2, 0.5, -0.5, 2, 2, -2, 1 },
                            .z = { 0.3, -1, 1.5, 0.2, -0.7, 0.8, 0, 1.3, 1, -1.6 } };
    lab05_check_loss(&a, "D 2-3t-1, G 2-2 (fixed weights), batch 5, lambda = 3, metric l2; the critic's objective");
    a.player = LG_PLAYER_G;
    lab05_check_loss(&a, "D 2-3t-1, G 2-2 (fixed weights), batch 5, lambda = 3, metric l2; the generator's objective");
}

/* ============================================================ Task 5.3 === */

/* Closed forms by hand, q = Delta - Delta^2 / (2 lambda d), Delta* = lambda d, q* = lambda d / 2:
 *   (1, 10, 0.5):   q = 1 - 1/10 = 0.9,          Delta* = 5,   q* = 2.5
 *   (-2, 0.5, 3):   q = -2 - 4/3 = -10/3,        Delta* = 1.5, q* = 0.75
 *   (6, 2, 1.5):    q = 6 - 36/6 = 0,            Delta* = 3,   q* = 1.5
 *   (3, 2, 1.5):    q = 3 - 9/6 = 1.5 (= q*: at the optimum), Delta* = 3, q* = 1.5 */
static void t53_closed(void)
{
    lg_lab05_closed_arg a = { .n = 4, .delta = { 1, -2, 6, 3 }, .lambda = { 10, 0.5, 2, 2 }, .d = { 0.5, 3, 1.5, 1.5 } };
    static const double q[4] = { 0.9, -10.0 / 3, 0, 1.5 }, gap[4] = { 5, 1.5, 3, 3 }, val[4] = { 2.5, 0.75, 1.5, 1.5 };
    lab05_check_closed(&a, "(Delta, lambda, d) = (1, 10, 0.5), (-2, 0.5, 3), (6, 2, 1.5), (3, 2, 1.5)", q, gap, val);
}

/* lambda <= 0 or d <= 0: no quadratic potential; NaN. */
static void t53_invalid(void)
{
    lg_lab05_closed_arg a = { .n = 4, .delta = { 1, 1, 1, 1 }, .lambda = { 0, 2, -1, 2 }, .d = { 1, 0, 1, -1 } };
    static const double nan4[4] = { NAN, NAN, NAN, NAN };
    lab05_check_closed(&a, "(Delta, lambda, d) = (1, 0, 1), (1, 2, 0), (1, -1, 1), (1, 2, -1)", nan4, nan4, nan4);
}

/* x_r = (0, 1, 2, 3), x_f = (1, 1, 0, 5), lambda = 10: u = x_f - x_r = (1, 0, -2, 2);
 *   l1: grad = (10/4) sign(u) = (2.5, 0, -2.5, 2.5), norm 2.5 sqrt(3);
 *   l2: d = sqrt(9/4) = 1.5, grad = 10 u / (4 1.5) = (5/3, 0, -10/3, 10/3), norm 5 = lambda / sqrt(n). */
static void t53_grad(void)
{
    lg_lab05_grad_arg a = { .n = 4, .lambda = 10, .l2 = 0, .x_real = { 0, 1, 2, 3 }, .x_fake = { 1, 1, 0, 5 } };
    static const double g1[4] = { 2.5, 0, -2.5, 2.5 }, g2[4] = { 5.0 / 3, 0, -10.0 / 3, 10.0 / 3 };
    lab05_check_grad(&a, "x_r = (0, 1, 2, 3), x_f = (1, 1, 0, 5), lambda = 10, metric l1", g1, 2.5 * sqrt(3));
    a.l2 = 1;
    lab05_check_grad(&a, "x_r = (0, 1, 2, 3), x_f = (1, 1, 0, 5), lambda = 10, metric l2", g2, 5);
    /* n = 3 of the same arrays: the fourth coordinates (3 and 5) are not part of the points */
    a.n = 3;
    a.l2 = 0;
    static const double g3[3] = { 10.0 / 3, 0, -10.0 / 3 };
    lab05_check_grad(&a, "n = 3 (x_r = (0, 1, 2), x_f = (1, 1, 0); the arrays hold more values), lambda = 10, metric l1",
                     g3, 10 * sqrt(2) / 3);
    /* l2: d = sqrt(5/3), |grad| = lambda |u| / (n d) = 10 sqrt(5) / (3 sqrt(5/3)) = 10 / sqrt(3);
     * the coordinates by centred differences of lambda d */
    a.l2 = 1;
    lab05_check_grad(&a, "n = 3 (x_r = (0, 1, 2), x_f = (1, 1, 0); the arrays hold more values), lambda = 10, metric l2",
                     NULL, 10 / sqrt(3));
}

/* The same directions 1000 times further apart: the gradient does not change
 * (l1: the signs; l2: u / d is scale-free). */
static void t53_far(void)
{
    lg_lab05_grad_arg a = { .n = 4, .lambda = 10, .l2 = 1, .x_real = { 0, 1, 2, 3 },
                            .x_fake = { 1000, 1, -1998, 2003 } };
    static const double g2[4] = { 5.0 / 3, 0, -10.0 / 3, 10.0 / 3 };
    lab05_check_grad(&a, "x_r = (0, 1, 2, 3), x_f = x_r + 1000 (1, 0, -2, 2), lambda = 10, metric l2", g2, 5);
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "5.1", "the distance of each pair, metric l1", 1.5, t51_l1, LG_VISIBLE },
    { "5.1", "the distance of each pair, metric l2", 1.5, t51_l2, LG_VISIBLE },
    { "5.1", "pairs far apart and close together", 1, t51_pairs, LG_VISIBLE },
    { "5.2", "the critic's objective, metric l1", 1, t52_d_l1, LG_VISIBLE },
    { "5.2", "the critic's objective, metric l2, another lambda", 1, t52_d_l2, LG_VISIBLE },
    { "5.2", "the generator's objective", 1, t52_g, LG_VISIBLE },
    { "5.2", "both objectives with a larger critic", 1, t52_mlp, LG_VISIBLE },
    { "5.3", "the potential, the optimal gap and its value", 1.5, t53_closed, LG_VISIBLE },
    { "5.3", "lambda or d not positive", 0.5, t53_invalid, LG_VISIBLE },
    { "5.3", "the generator's gradient at the optimal critic, l1 and l2", 1.5, t53_grad, LG_VISIBLE },
    { "5.3", "the same gradient for points far apart", 0.5, t53_far, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab05_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
