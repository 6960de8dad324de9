/*
 * grade_hidden.c - Lab 02's hidden tests (graded, not shown, left out of the
 * handout): nsgan's generator loss on small random networks and a batch of 16,
 * against the closed form in the logits (computed here with the library's layers)
 * and the chain rule.
 */
#include "lab02.h"

#include <math.h>

static void h21_mlp(void)
{
    lg_probe pr = { .file = "nsgan.c", .player = LG_PLAYER_G, .g_spec = "1-8t-1", .d_spec = "1-8l-1",
                    .seed = 11, .batch = 16 };
    for (size_t i = 0; i < pr.batch; i++) {
        pr.x_real[i] = -2.5 + 5.0 * (double)((i * 5) % 16) / 15.0;
        pr.z[i] = -2.5 + 5.0 * (double)i / 15.0;
    }
    const char *in = "G 1-8t-1, D 1-8l-1 (seed 11), batch 16";
    double out[51], cr[LG_PROBE_MAX_BATCH], cf[LG_PROBE_MAX_BATCH], g[50];
    if (!lg_grade_call(LG_PROBE_CHILD, &pr, sizeof pr, out, 51, in))
        return;
    LG_GRADE_CLOSE(out[0], lg_lab02_ns_loss_ref(&pr, cr, cf), 1e-10, in,
                   "the batch mean of -log D(G(z)), on any network");
    lg_probe_chain_grad(&pr, cr, cf, g);
    /* G's parameters follow D's 25 in the game's order */
    lg_probe_close_all(out + 1 + 25, g + 25, 25, 1e-9, 0, "parameter index", NULL,
                    "the gradient must reach every parameter of G");
}

static const lg_grade_test hidden[] = {
    { "2.1", "g_loss on small random networks, batch 16", 1, h21_mlp, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = hidden,
    .n_tests = sizeof hidden / sizeof hidden[0],
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
