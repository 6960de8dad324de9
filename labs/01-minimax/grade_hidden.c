/*
 * grade_hidden.c - Lab 01's hidden tests (graded, not shown to students, left out
 * of the handout): the losses on small random networks and a larger batch, and
 * C(G) with very narrow modes. Expected values as in grade.c: closed forms in the
 * logits, which this process computes with the library's own layers.
 */
#include "lab01.h"

#include <math.h>
#include <stdio.h>

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
    double out[51], cr[LG_PROBE_MAX_BATCH], cf[LG_PROBE_MAX_BATCH], g[50];
    if (!lg_grade_call(LG_PROBE_CHILD, &pr, sizeof pr, out, 51, mlp_text))
        return;
    double v = player == LG_PLAYER_D ? lg_probe_gan_d_loss_ref(&pr, cr, cf) : lg_lab01_g_loss_ref(&pr, cr, cf);
    LG_GRADE_CLOSE(out[0], v, 1e-10, mlp_text, "the batch mean of the per-sample loss, on any network");
    lg_probe_chain_grad(&pr, cr, cf, g);
    /* D's parameters for d_loss, G's for g_loss: (1*8 + 8) + (8*1 + 1) = 25 each */
    size_t off = player == LG_PLAYER_D ? 0 : 25;
    lg_probe_close_all(out + 1 + off, g + off, 25, 1e-9, 0, "parameter index", NULL,
                    "the gradient must reach every parameter of the player's network");
}

static void h11_mlp(void) { check_mlp(LG_PLAYER_D); }
static void h12_mlp(void) { check_mlp(LG_PLAYER_G); }

/* Modes of width 0.02 over [-6, 6]: against -log 4 + 2 JSD (lg_jsd_1d). */
static void h14_very_narrow(void)
{
    lg_lab01_crit_arg a = { { 4, { -3, -1, 1, 3 }, { 0.25, 0.25, 0.25, 0.25 }, 0.02 },
                            { 2, { -1.02, 2.9 }, { 0.6, 0.4 }, 0.05 }, -6, 6,
                            "4 modes at -3, -1, 1, 3 of sigma 0.02", "0.6 N(-1.02, 0.05^2) + 0.4 N(2.9, 0.05^2)" };
    lg_lab01_criterion_check(&a, lg_lab01_criterion_ref(&a), 1e-7,
                             "one adaptive call over a wide interval can miss narrow modes: split it into pieces");
}

/* One mode of width 0.01 at 3.3 on [-10, 10], p_g = p_data: C(G) = -log 4 (closed
 * form, D* = 1/2). 3.3 lies 36 widths from the nearest of the 21 Gauss-Kronrod
 * nodes on [-10, 10], so one adaptive call sees a zero integrand with a zero
 * error estimate and returns 0. */
static void h14_hidden_mode(void)
{
    lg_lab01_crit_arg a = { { 1, { 3.3 }, { 1 }, 0.01 }, { 1, { 3.3 }, { 1 }, 0.01 }, -10, 10,
                            "N(3.3, 0.01^2)", "p_data" };
    lg_lab01_criterion_check(&a, -log(4.0), 1e-7,
                             "a narrow mode between the first nodes of one adaptive call is invisible to it: "
                             "split [lo, hi] into pieces narrower than the modes");
}

static const lg_grade_test hidden[] = {
    { "1.1", "d_loss on small random networks, batch 16", 1, h11_mlp, LG_HIDDEN },
    { "1.2", "g_loss on small random networks, batch 16", 1, h12_mlp, LG_HIDDEN },
    { "1.4", "C(G) with modes of width 0.02", 1, h14_very_narrow, LG_HIDDEN },
    { "1.4", "C(G) with one mode of width 0.01 on a wide interval", 1, h14_hidden_mode, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
