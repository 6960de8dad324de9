/*
 * grade_hidden.c - Lab 06's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: the objectives on other
 * small networks (ReLU and LeakyReLU, another lambda and other betas, a batch
 * of 8) against refs.c, the exact zeros of the guidance terms on networks, and
 * the reconstruction error on a larger set with labels outside the classes.
 */
#include "lab06.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>

/* The value and the gradient block [from, from + count) against refs.c. */
static void check(const lg_lab06_game_arg *a, const char *in, size_t from, size_t count, double tol, const char *hint)
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
    LG_GRADE_EXPECT(.input = in, .expected = want[0], .actual = out[0], .tol = 1e-9, .batch = (double)a->batch,
                    .hint = "the objective on any network",
                    .hints = { { LG_MISTAKE_SIGN, "check which player minimises what: the signs" },
                               { LG_MISTAKE_SUM, "expectations over the batch are means, not sums" } });
    char what[300];
    snprintf(what, sizeof what, "%s; gradient, parameter", in);
    if (tol == 0) /* exact zeros: compare with 0 itself */
        for (size_t i = 0; i < count; i++)
            want[1 + from + i] = 0;
    LG_GRADE_EXPECT_ALL(out + 1 + from, want + 1 + from, count, what, NULL, .tol = tol > 0 ? tol : 0, .hint = hint);
}

/* ReLU and LeakyReLU have kinks, where centred differences average two slopes:
 * the seeds of these tests keep every pre-activation farther than 1e-3 from 0
 * (seed 21 has one at 2e-5, and its centred difference is 2% off). */
static void h61_relu(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("2-4r-2", "4-4l-1", "2-4r-2", 22, 1, 8, LG_PLAYER_D);
    a.lambda = 4;
    check(&a, "G 2-4r-2, T 4-4l-1, E 2-4r-2 (seed 22), batch 8, lambda = 4", 0, 25, 1e-6,
          "every parameter of T, on any network and any lambda");
}

/* x of 2 coordinates, z of 1: the two halves of the joint distance are means over
 * different numbers of coordinates. */
static void h61_dims(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("1-3t-2", "3-3t-1", "2-3t-1", 33, 0.9, 5, LG_PLAYER_D);
    check(&a, "G 1-3t-2, T 3-3t-1, E 2-3t-1 (seed 33), batch 5: x of 2 coordinates, z of 1", 0, 16, 1e-6,
          "the joint distance: a mean over x's coordinates plus a mean over z's");
}

static void h62_relu(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("2-4r-2", "4-4l-1", "2-4r-2", 23, 1, 8, LG_PLAYER_G);
    a.beta1 = 0.5;
    a.beta2 = 7;
    check(&a, "G 2-4r-2, T 4-4l-1, E 2-4r-2 (seed 23), batch 8, beta1 = 0.5, beta2 = 7", 25, 44, 1e-6,
          "beta1 weighs the latent guidance (trains E), beta2 the image guidance (trains G)");
}

/* On networks: T's first layer blind to x (its columns for x set to 0) and beta2 = 0:
 * G's gradient exactly 0; blind to z and beta1 = 0: E's exactly 0. */
static void h62_zeros(void)
{
    lg_lab06_game_arg a = lg_lab06_random_game("2-3t-2", "4-3t-1", "2-3t-2", 41, 0.8, 6, LG_PLAYER_G);
    lg_lab06_game_arg b = a;
    for (size_t r = 0; r < 3; r++) { /* T's first weight (3, 4), row-major: x's columns 0, 1; z's 2, 3 */
        a.theta_d[4 * r] = a.theta_d[4 * r + 1] = 0;
        b.theta_d[4 * r + 2] = b.theta_d[4 * r + 3] = 0;
    }
    a.beta2 = 0;
    b.beta1 = 0;
    check(&a, "G 2-3t-2, T 4-3t-1 blind to x, E 2-3t-2 (seed 41), beta2 = 0; G's gradient", 19, 17, 0,
          "the latent guidance must not train G: G(z) is stopped inside it");
    check(&b, "G 2-3t-2, T 4-3t-1 blind to z, E 2-3t-2 (seed 41), beta1 = 0; E's gradient", 36, 17, 0,
          "the image guidance must not train E: E(x) is stopped inside it");
}

/* 40 images of 16 pixels (seeded), labels in -1..10 with k = 10: -1 and 10 count for
 * no class; against the grader's own error. */
static void h63_large(void)
{
    static lg_lab06_recon_arg a = { .n = 40, .dim = 16, .k = 10 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 29);
    for (size_t i = 0; i < a.n * a.dim; i++) {
        a.x[i] = 2 * gsl_rng_uniform(r) - 1;
        a.y[i] = 2 * gsl_rng_uniform(r) - 1;
    }
    for (size_t i = 0; i < a.n; i++)
        a.labels[i] = (int)(i % 12) - 1; /* -1, 0, ..., 10 */
    a.labels[3] = 2;                     /* class 3 keeps its other images */
    gsl_rng_free(r);
    double out[12], want[10];
    const char *in = "40 images of 16 pixels in [-1, 1] (seed 29), labels -1..10, 10 classes";
    if (!lg_grade_call("recon", &a, sizeof a, out, 12, in))
        return;
    LG_GRADE_EXPECT(.input = in, .expected = lg_lab06_recon_ref(a.x, a.y, a.n, a.dim), .actual = out[0], .tol = 1e-13,
                    .batch = 640, .hint = "the mean over every pixel of every image, whatever the labels");
    lg_lab06_by_class_ref(a.x, a.y, a.labels, a.n, a.dim, a.k, want);
    LG_GRADE_EXPECT_ALL(out + 1, want, 10, "the error of class", NULL, .tol = 1e-13,
                        .hint = "a label outside [0, k) belongs to no class");
    LG_GRADE_EXPECT(.input = "40 images, 10 classes: the value just past out[9]", .expected = LG_LAB06_UNTOUCHED,
                    .actual = out[11], .tol = 0, .hint = "out holds k values: write out[0] to out[k - 1], nothing past");
    lg_lab06_recon_arg none = { .n = 0, .dim = 16, .k = 2 };
    if (lg_grade_call("recon", &none, sizeof none, out, 4, "no image"))
        LG_GRADE_EXPECT(.input = "no image (n = 0)", .expected = NAN, .actual = out[0],
                        .hint = "with no pixel there is no error: NaN");
}

static const lg_grade_test hidden[] = {
    { "6.1", "ReLU networks, a batch of 8, another lambda", 1, h61_relu, LG_HIDDEN },
    { "6.1", "x and z of different sizes", 1, h61_dims, LG_HIDDEN },
    { "6.2", "ReLU networks, other betas", 1.5, h62_relu, LG_HIDDEN },
    { "6.2", "exact zeros on networks", 1.5, h62_zeros, LG_HIDDEN },
    { "6.3", "40 images, labels outside the classes, none", 1, h63_large, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
    .experiment = NULL,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
