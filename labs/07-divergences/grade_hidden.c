/*
 * grade_hidden.c - Lab 07's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: lsgan.c on small random
 * networks with other targets, a graded run on another seed of the
 * calibration, and the divergences on a longer vector with zeros and on a
 * single point.
 */
#include "lab07.h"

/* G "1-8t-1", D "1-8l-1" initialised from seed, a batch of 16 over [-2.5, 2.5]. */
static lg_probe mlp_probe(unsigned long seed)
{
    lg_probe pr = { .g_spec = "1-8t-1", .d_spec = "1-8l-1", .seed = seed, .batch = 16 };
    for (size_t i = 0; i < pr.batch; i++) {
        pr.x_real[i] = -2.5 + 5.0 * (double)((i * 7) % 16) / 15.0;
        pr.z[i] = -2.5 + 5.0 * (double)i / 15.0;
    }
    return pr;
}

static void h71_mlp_d(void)
{
    lg_probe pr = mlp_probe(3);
    lg_lab07_check_lsgan(&pr, LG_PLAYER_D, (lg_lab07_abc){ 0.3, -1.5, 2 }, "G 1-8t-1, D 1-8l-1 (seed 3), batch 16",
                         "the batch mean of the per-sample squares, on any network, for any targets");
}

static void h71_mlp_g(void)
{
    lg_probe pr = mlp_probe(9);
    lg_lab07_check_lsgan(&pr, LG_PLAYER_G, (lg_lab07_abc){ -2, 0.5, -0.25 }, "G 1-8t-1, D 1-8l-1 (seed 9), batch 16",
                         "the gradient must reach every parameter of G, through D");
}

static void h71_run(void) { lg_lab07_check_run(7); }

/* 300 points of two mixtures with disjoint holes, the 0-1 coding; and one
 * point (p = q = 1): JS 0, C = 1/2 ((b - c) + (a - c))^2. */
static void h72_other(void)
{
    enum { N = 300 };
    static double p[N], q[N];
    double sp = 0, sq = 0;
    for (int i = 0; i < N; i++) {
        double x = -3 + 6.0 * i / (N - 1);
        p[i] = (i % 7 == 0) ? 0 : exp(-2 * (x - 1) * (x - 1)) + 0.5 * exp(-2 * (x + 1.5) * (x + 1.5));
        q[i] = (i % 5 == 0) ? 0 : exp(-0.5 * x * x);
        sp += p[i];
        sq += q[i];
    }
    for (int i = 0; i < N; i++) {
        p[i] /= sp;
        q[i] /= sq;
    }
    lg_lab07_check_div(p, q, N, (lg_lab07_abc){ 0, 1, 1 }, "two mixtures on 300 points with zeros", 1e-12);
    const double one = 1;
    lg_lab07_check_div(&one, &one, 1, (lg_lab07_abc){ -1, 1, 0.5 }, "p = q = (1)", 1e-15);
}

static const lg_grade_test hidden[] = {
    { "7.1", "d_loss on small random networks, other targets", 1, h71_mlp_d, LG_HIDDEN },
    { "7.1", "g_loss on small random networks, other targets", 1, h71_mlp_g, LG_HIDDEN },
    { "7.1", "a short run on another seed meets the calibrated quality", 1, h71_run, LG_HIDDEN },
    { "7.2", "both divergences on a long vector with zeros, and on one point", 1, h72_other, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
