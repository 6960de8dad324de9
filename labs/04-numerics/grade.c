/*
 * grade.c - Lab 04 (the numerics of GANs): the lab's registration and its
 * visible grading tests, one block per task.
 *
 * As in Labs 01 and 02: student code runs only in the sandboxed child
 * (child.c), and every expected value is a closed form computed here (refs.c,
 * lab04.h): the Dirac-GAN's field and Jacobian from their formulas; the
 * eigenvalues of fields built with known spectra (rotations, spirals,
 * triangular blocks, conjugated by permutations); the largest stable step
 * from 2 Re mu / |mu|^2; the consensus step from the test game's v and J.
 *
 * Points: 4.1 3.5, 4.2 3.5, 4.3 4.5, 4.4 3 (visible); grade_hidden.c adds 1.5,
 * 1.5, 1.5 and 1 on other inputs (20 in all).
 */
#include "lab04.h"

#include <stdio.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>

/* ============================================================ Task 4.1 === */



static const double mid_psi[] = { 0, 1, 0.5, -1.5, 2, -0.75, 3 };
static const double mid_theta[] = { 0, 1, -2, 0.8, 0.3, -1.25, -0.6 };
#define N_MID (sizeof mid_psi / sizeof mid_psi[0])

static void t41_field(void)
{
    for (int loss = 0; loss < LG_LAB04_LOSSES; loss++)
        lg_lab04_check_dirac(loss, N_MID, mid_psi, mid_theta, 1, 1e-12,
                             "differentiate D's loss with respect to psi and G's with respect to theta, "
                             "with u = psi theta the logit of the fake",
                             __FILE__, __LINE__);
}

/* At (0, 0) the minimax and non-saturating J is [[0, 1/2], [-1/2, 0]] (sigma(0) = 1/2),
 * the WGAN's [[0, 1], [-1, 0]]. */
static void t41_jacobian(void)
{
    for (int loss = 0; loss < LG_LAB04_LOSSES; loss++)
        lg_lab04_check_dirac(loss, N_MID, mid_psi, mid_theta, 2, 1e-12,
                             "differentiate each component of v with respect to psi and to theta (product "
                             "and chain rules, u = psi theta depends on both)",
                             __FILE__, __LINE__);
}

/* u = psi theta = +-40 and +-700: sigma(u) is 1 (or 0) in double, while
 * sigma(-u) ~ e^-40 = 4.2e-18 and sigma'(u) ~ e^-700 = 9.9e-305 are not. */
static void t41_saturated(void)
{
    static const double psi[] = { 8, -8, 20, -20, 4 }, theta[] = { 5, 5, 35, 35, -10 };
    for (int loss = 0; loss < LG_LAB04_NONSAT + 1; loss++)
        lg_lab04_check_dirac(loss, 5, psi, theta, 3, 1e-10,
                             "where sigmoid saturates, compute sigma(-u) and sigma'(u) = sigma(u) sigma(-u) "
                             "from their own formulas, never as differences from 1",
                             __FILE__, __LINE__);
}

/* ============================================================ Task 4.2 === */



static const char order_hint[] = "sort by decreasing real part, a conjugate pair with its positive imaginary "
                                 "part first";

/* The rotation A = [[0, -1], [1, 0]] (the bilinear game's J up to sign): +-i;
 * the minimax Dirac-GAN at its equilibrium: +-i/2 (J = [[0, 1/2], [-1/2, 0]]). */
static void t42_rotation(void)
{
    lg_lab04_eigen_arg a = { .field = LG_LAB04_LINEAR, .n = 2, .a = { 0, -1, 1, 0 }, .c = { 0.3, -0.2 },
                             .x = { 0.3, -0.2 } };
    lg_lab04_check_eigen(&a, (double[]){ 0, 0 }, (double[]){ 1, -1 }, 1e-7, "v(x) = [[0, -1], [1, 0]] (x - c)",
                         order_hint, __FILE__, __LINE__);
    lg_lab04_eigen_arg d = { .field = LG_LAB04_DIRAC, .loss = LG_LAB04_MINIMAX, .n = 2 };
    lg_lab04_check_eigen(&d, (double[]){ 0, 0 }, (double[]){ 0.5, -0.5 }, 1e-7,
                         "the minimax Dirac-GAN's field at (0, 0)", order_hint, __FILE__, __LINE__);
}

/* A stable spiral [[-1/2, 2], [-2, -1/2]]: -1/2 +- 2i; a non-normal triangular
 * [[-1, 50], [0, -3]]: -1 and -3 (the diagonal). */
static void t42_spiral(void)
{
    lg_lab04_eigen_arg a = { .field = LG_LAB04_LINEAR, .n = 2, .a = { -0.5, 2, -2, -0.5 }, .c = { 1, 2 },
                             .x = { 1, 2 } };
    lg_lab04_check_eigen(&a, (double[]){ -0.5, -0.5 }, (double[]){ 2, -2 }, 1e-7,
                         "v(x) = [[-1/2, 2], [-2, -1/2]] (x - c)", order_hint, __FILE__, __LINE__);
    lg_lab04_eigen_arg b = { .field = LG_LAB04_LINEAR, .n = 2, .a = { -1, 50, 0, -3 }, .c = { -1, 0.5 },
                             .x = { -1, 0.5 } };
    lg_lab04_check_eigen(&b, (double[]){ -1, -3 }, (double[]){ 0, 0 }, 1e-6,
                         "v(x) = [[-1, 50], [0, -3]] (x - c)", order_hint, __FILE__, __LINE__);
}

/* T = [[0.3, -1.5, 4, 1], [1.5, 0.3, -2, 0.5], [0, 0, -2, 3], [0, 0, 0, 1.1]] is block
 * upper triangular: eigenvalues 0.3 +- 1.5i (the 2x2 block), -2 and 1.1. A is T
 * with rows and columns permuted by (2, 0, 3, 1) (a similarity: the same
 * eigenvalues). The field is A (x - c) + (x - c)^3 at x = c + 0.4 (every
 * component), where J = A + 3 (0.4)^2 I = A + 0.48 I: every eigenvalue moves
 * by 0.48. A one-sided difference errs by about h 3 (x - c) there. */
static void t42_four(void)
{
    static const double T[16] = { 0.3, -1.5, 4, 1, 1.5, 0.3, -2, 0.5, 0, 0, -2, 3, 0, 0, 0, 1.1 };
    static const int perm[4] = { 2, 0, 3, 1 };
    lg_lab04_eigen_arg a = { .field = LG_LAB04_CUBIC, .n = 4, .c = { 0.5, -1, 2, 0 } };
    for (int i = 0; i < 4; i++) {
        a.x[i] = a.c[i] + 0.4;
        for (int j = 0; j < 4; j++)
            a.a[i * 4 + j] = T[perm[i] * 4 + perm[j]];
    }
    lg_lab04_check_eigen(&a, (double[]){ 1.1 + 0.48, 0.3 + 0.48, 0.3 + 0.48, -2 + 0.48 },
                         (double[]){ 0, 1.5, -1.5, 0 }, 1e-7,
                         "a 4x4 field, nonlinear: A (x - c) + (x - c)^3 at x = c + 0.4", order_hint, __FILE__,
                         __LINE__);
}

/* A field that cannot be evaluated (GSL_EFAILED, the writeup's status), and a
 * 4x4 field with a NaN in its values, whose Jacobian has a row of NaN: the
 * status gsl_eigen_nonsymm returns on that matrix (computed here, on the same
 * matrix) must be returned. */
static void t42_failures(void)
{
    double out[2 * LG_LAB04_NMAX + 4];
    for (int k = 0; k < 4; k++) {
        int side = k % 2, code = k < 2 ? -1 : 1;
        lg_lab04_eigen_arg a = { .field = side ? LG_LAB04_FAILING_LOW : LG_LAB04_FAILING, .n = 2, .loss = code,
                                 .a = { 0, -1, 1, 0 } };
        char in[96];
        snprintf(in, sizeof in, "a field that returns %d %s the point", code, side ? "below" : "above");
        if (!lg_grade_call("eigen", &a, sizeof a, out, 8, in))
            return;
        char what[96];
        snprintf(what, sizeof what, "%s: the status", in);
        LG_GRADE_EXPECT(.input = what, .expected = GSL_EFAILED, .actual = out[0],
                        .hint = "check what the field returns at every point it is evaluated: when it is non-zero, "
                                "return GSL_EFAILED (the eigenvalues do not exist)",
                        .hints = EIGEN_HINTS);
    }
    lg_lab04_eigen_arg b = { .field = LG_LAB04_NAN, .n = 4, .a = { 1, 2, 0, 0, 0, 1, 3, 0, 0, 0, 1, 4, 5, 0, 0, 1 } };
    gsl_matrix *J = gsl_matrix_alloc(4, 4);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(4);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(4);
    for (int i = 0; i < 16; i++)
        J->data[i] = i / 4 == 1 ? NAN : b.a[i];
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int gsl_status = gsl_eigen_nonsymm(J, ev, w);
    gsl_set_error_handler(old);
    gsl_eigen_nonsymm_free(w);
    gsl_vector_complex_free(ev);
    gsl_matrix_free(J);
    if (!lg_grade_call("eigen", &b, sizeof b, out, 12, "a 4x4 field with a NaN in v"))
        return;
    LG_GRADE_EXPECT(.input = "a 4x4 field with a NaN in v: the status", .expected = gsl_status, .actual = out[0],
                    .hint = "check the status gsl_eigen_nonsymm returns and return it when it is not GSL_SUCCESS",
                    .hints = EIGEN_HINTS);
}

/* ============================================================ Task 4.3 === */

/* The bilinear test game in [w, c, a, b]: f_D = w b + c^2/2 + c/2, f_G = -w b + a^2 - 0.3 a
 * (D's psi = w against G's theta = b, zero-sum in them; c and a are each one
 * player's own quadratic). v = (b, c + 1/2, 2a - 0.3, -w): J^T v differs from J v
 * (J is not symmetric) and from -J^T v. */
static lg_lab04_game_arg bilinear(void)
{
    lg_lab04_game_arg a = { .game = LG_LAB04_GAME_QUAD, .simultaneous = 1, .gamma = 1, .h = 0.1,
                            .x0 = { 0.8, -0.4, 0.6, 1.2 }, .p = { 0, 0.5, 0, 0 }, .q = { 0, 0, -0.3, 0 } };
    a.P[0 * LG_LAB04_PMAX + 3] = a.P[3 * LG_LAB04_PMAX + 0] = 1;
    a.P[1 * LG_LAB04_PMAX + 1] = 1;
    a.Q[0 * LG_LAB04_PMAX + 3] = a.Q[3 * LG_LAB04_PMAX + 0] = -1;
    a.Q[2 * LG_LAB04_PMAX + 2] = 2;
    return a;
}

static void t43_bilinear(void)
{
    lg_lab04_game_arg a = bilinear();
    lg_lab04_check_step(&a, 1e-6, "a bilinear game in (w, c, a, b), gamma = 1, one simultaneous SGD step of 0.1",
                        "J^T v = H_{f_D} (v_D, 0) + H_{f_G} (0, v_G): two Hessian-vector products, each of one "
                        "player's loss", __FILE__, __LINE__);
}

/* A general-sum quadratic game with an encoder and a discriminator without bias
 * ("1-1n"): five parameters [w, a, b, e, f], f_D and f_G each a dense quadratic
 * form (P, Q symmetric, Q != -P); two steps, the second from what the first left. */
static void t43_encoder(void)
{
    lg_lab04_game_arg a = { .game = LG_LAB04_GAME_QUAD, .encoder = 1, .d_nobias = 1, .steps = 2,
                            .simultaneous = 1, .gamma = 0.5, .h = 0.05, .x0 = { 0.3, 1.1, 0.2, -0.5, 0.9 },
                            .p = { 0.1, 0.3, 0, 0.4, -0.1 }, .q = { -0.3, 0.1, 0.5, -0.2, 0.3 } };
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            a.P[i * LG_LAB04_PMAX + j] = (i == j ? 1.5 : 0) + 0.25 * ((i + 2 * j) % 5 + (j + 2 * i) % 5) - 1;
            a.Q[i * LG_LAB04_PMAX + j] = (i == j ? 2.0 : 0) - 0.2 * ((i * j) % 4) + 0.1 * (i + j) - 0.5;
        }
    lg_lab04_check_step(&a, 1e-6,
                        "a general-sum quadratic game with an encoder, D without bias (5 parameters), gamma = 0.5, "
                        "two SGD steps of 0.05",
                        "every network's gradients get their block of gamma J^T v: D's, G's and E's (E belongs "
                        "to G's player)",
                        __FILE__, __LINE__);
}

/* The bilinear game with alternating steps: the hook is called after D's
 * backward alone, v_G is not there yet: the step must fail, saying why. */
static void t43_alternating(void)
{
    lg_lab04_game_arg a = bilinear();
    a.simultaneous = 0;
    double out[6];
    const char *in = "the bilinear game, an alternating step (D's first)";
    if (!lg_grade_call("consensus", &a, sizeof a, out, 6, in))
        return;
    LG_GRADE_EXPECT(.input = "an alternating step: refused", .expected = 1, .actual = out[0],
                    .hint = "J^T v needs both players' gradients at the same point: when lg_game_simultaneous(g) "
                            "is 0, fail the hook (lg_game_fail, return non-zero)");
    LG_GRADE_EXPECT(.input = "an alternating step: the message names 'simultaneous'", .expected = 1,
                    .actual = out[1],
                    .hint = "say in the message (lg_game_fail) that consensus needs simultaneous steps");
}

/* ============================================================ Task 4.4 === */



/* The consensus eigenvalues of the Dirac-GAN (gamma/4 +- i/2: h_max = 8 gamma /
 * (gamma^2 + 4)) for gamma = 1, 2, 8, of the bilinear game (gamma +- i: 2 gamma /
 * (gamma^2 + 1)) for gamma = 3, and real ones {4, 0.5, 2}: min(1/2, 4, 1). */
static void t44_stable(void)
{
    lg_lab04_step_arg a = { .sets = 6, .n = { 2, 2, 2, 2, 3, 3 },
                            .re = { { 0.25, 0.25 }, { 0.5, 0.5 }, { 2, 2 }, { 3, 3 }, { 4, 0.5, 2 }, { 1, 0.1, 1 } },
                            .im = { { 0.5, -0.5 }, { 0.5, -0.5 }, { 0.5, -0.5 }, { 1, -1 }, { 0 }, { 2, 0, -2 } } };
    lg_lab04_check_steps(&a, "eigenvalues 1/4 +- i/2; 1/2 +- i/2; 2 +- i/2; 3 +- i; {4, 1/2, 2}; {1 + 2i, 0.1, 1 - 2i}",
                         "h must satisfy |1 - h mu| < 1 for every mu: the smallest bound wins", __FILE__, __LINE__);
}

/* Purely imaginary (the Dirac-GAN without consensus), one eigenvalue in the
 * left half-plane among stable ones, 0 itself: no h > 0 is stable. */
static void t44_unstable(void)
{
    lg_lab04_step_arg a = { .sets = 4, .n = { 2, 3, 2, 3 },
                            .re = { { 0, 0 }, { 1, -0.5, 2 }, { 0, 1 }, { 2, 2, -1e-9 } },
                            .im = { { 0.5, -0.5 }, { 0, 0, 0 }, { 0, 0 }, { 1, -1, 0 } } };
    lg_lab04_check_steps(&a, "eigenvalues +-i/2; {1, -1/2, 2}; {0, 1}; {2 +- i, -1e-9}",
                         "when some eigenvalue has Re mu <= 0, no step size h > 0 is stable", __FILE__, __LINE__);
}

/* ======================================================== registration === */

static const lg_grade_test tests[] = {
    { "4.1", "the field of each loss at moderate points", 1, t41_field, LG_VISIBLE },
    { "4.1", "the Jacobian of each loss at moderate points", 1.5, t41_jacobian, LG_VISIBLE },
    { "4.1", "field and Jacobian where the sigmoid saturates", 1, t41_saturated, LG_VISIBLE },
    { "4.2", "a rotation and the Dirac-GAN at its equilibrium", 1, t42_rotation, LG_VISIBLE },
    { "4.2", "a stable spiral and a non-normal matrix", 1, t42_spiral, LG_VISIBLE },
    { "4.2", "a nonlinear 4x4 field", 1, t42_four, LG_VISIBLE },
    { "4.2", "fields whose eigenvalues cannot be had", 0.5, t42_failures, LG_VISIBLE },
    { "4.3", "one consensus step of a bilinear game", 2, t43_bilinear, LG_VISIBLE },
    { "4.3", "one consensus step of a game with an encoder", 1.5, t43_encoder, LG_VISIBLE },
    { "4.3", "an alternating step is refused", 1, t43_alternating, LG_VISIBLE },
    { "4.4", "step sizes from stable spectra", 2, t44_stable, LG_VISIBLE },
    { "4.4", "spectra with no stable step size", 1, t44_unstable, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = lg_lab04_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
