/*
 * grade_hidden.c - Lab 02's hidden tests (graded, not shown, left out of the
 * handout), on inputs the visible tests do not use: nsgan's two losses on small
 * random networks and a batch of 16, against the closed forms in the logits
 * (computed here with the library's layers) and the chain rule; both gradient
 * magnitudes of Task 2.2 at other values of D, down to the smallest subnormal.
 */
#include "lab02.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* G "1-8t-1", D "1-8l-1" initialised from seed, a batch of 16 spread over
 * [-2.5, 2.5]. */
static lg_probe mlp_probe(lg_player player, unsigned long seed)
{
    lg_probe pr = { .file = "nsgan.c", .player = player, .g_spec = "1-8t-1", .d_spec = "1-8l-1", .seed = seed,
                    .batch = 16 };
    for (size_t i = 0; i < pr.batch; i++) {
        pr.x_real[i] = -2.5 + 5.0 * (double)((i * 5) % 16) / 15.0;
        pr.z[i] = -2.5 + 5.0 * (double)i / 15.0;
    }
    return pr;
}

/* The player's objective against its closed form in the logits and its own
 * parameters' gradient against the chain rule. */
static void check_mlp(lg_player player, unsigned long seed, lg_probe_ref_fn ref, const char *in)
{
    lg_probe pr = mlp_probe(player, seed);
    lg_probe_check_net(&(lg_probe_check){
        .probe = &pr, .text = in, .file = "nsgan.c", .player = player, .ref = ref, .tol = 1e-10,
        .hint = { "the batch mean of the per-sample loss, on any network" },
        .hints = { { LG_MISTAKE_SIGN, "check the sign of each term" },
                   { LG_MISTAKE_SUM, "expectations over the batch are means, not sums" } } });
}

static void h21_d_mlp(void)
{
    check_mlp(LG_PLAYER_D, 5, lg_probe_gan_d_loss_ref, "G 1-8t-1, D 1-8l-1 (seed 5), batch 16");
}

static void h21_mlp(void)
{
    check_mlp(LG_PLAYER_G, 11, lg_lab02_ns_loss_ref, "G 1-8t-1, D 1-8l-1 (seed 11), batch 16");
}

/* Both magnitudes, d and 1 - d, at values of D(G(z)) the visible tests do not
 * use, from the middle to the smallest subnormal; 1 - d is exact for d >= 1/2
 * (Sterbenz) and exactly 1 below 2^-53. */
static void h22_other(void)
{
    enum { N = 9 };
    const double d[N] = { 0.3, 0.6, 0.95, 1e-5, 0x1p-40, 1 - 0x1p-40, 2.2250738585072014e-308, 0x1p-1074,
                          0.999999 };
    double e_mm[N], e_ns[N], out[2 * N];
    for (int i = 0; i < N; i++) {
        e_mm[i] = d[i];
        e_ns[i] = 1.0 - d[i];
    }
    lg_lab02_grad_arg a = { .n = N };
    memcpy(a.d, d, sizeof d);
    const char *in = "D(G(z)) = 0.3, 0.6, 0.95, 1e-5, 2^-40, 1 - 2^-40, DBL_MIN, 2^-1074, 0.999999";
    if (!lg_grade_call("grads", &a, sizeof a, out, 2 * N, in))
        return;
    const char *hint = "differentiate with respect to the logit, and compute from D directly";
    LG_GRADE_EXPECT_ALL(out, e_mm, N, "minimax at D(G(z))", d, .tol = 1e-12, .rel = true, .hint = hint);
    LG_GRADE_EXPECT_ALL(out + N, e_ns, N, "non-saturating at D(G(z))", d, .tol = 1e-12, .rel = true, .hint = hint);
}

static const lg_grade_test hidden[] = {
    { "2.1", "d_loss on small random networks, batch 16", 1, h21_d_mlp, LG_HIDDEN },
    { "2.1", "g_loss on small random networks, batch 16", 1, h21_mlp, LG_HIDDEN },
    { "2.2", "both magnitudes at other values of D(G(z))", 1, h22_other, LG_HIDDEN },
};
static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
