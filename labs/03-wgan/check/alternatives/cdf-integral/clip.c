/*
 * clip.c - WGAN weight clipping (Arjovsky, Chintala and Bottou 2017,
 * Wasserstein GAN, ICML, Algorithm 1, line 8). Correct alternative "cdf-integral". Lab 03, Task 3.2 (labs/03-wgan/README.md):
 *
 *   after every critic update   w <- clip(w, -c, c)     for every parameter w of D
 *
 * Convention: the clip acts in after_step, i.e. AFTER the critic's optimizer step
 * (Algorithm 1 updates w with RMSProp on line 7, then clips on line 8), so the
 * critic that the next generator step sees satisfies |w| <= c. Clipping before
 * the step would let the last update push w outside the box. Every parameter of
 * D is clipped - weights, biases and BatchNorm's scale and shift alike - as the
 * paper's code does; the generator (and encoder) are never clipped.
 *
 * Parameters: c (default 0.01, the paper's value; in [1e-6, 1e3]).
 */
#include "litgan.h"

#include <stddef.h>

static const lg_param_doc params[] = {
    { "c", LG_PARAM_TYPE_DOUBLE, "0.01", "[1e-6, 1e3]", "clip every critic parameter to [-c, c]" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

/* REGION after_step */
/* Algorithm 1, line 8: after the critic's update, w <- clip(w, -c, c) for every
 * parameter w of D (theta_D, in place). */
static int after_step(lg_game *g, lg_player player, const lg_params *p)
{
    double c = lg_param_double(p, "c"); /* > 0: the parameter's range is [1e-6, 1e3] */
    if (player != LG_PLAYER_D)
        return 0;
    size_t n = 0;
    double *w = lg_game_params(g, LG_NET_D, &n);
    for (size_t i = n; i > 0; i--) {
        double v = w[i - 1];
        w[i - 1] = v < -c ? -c : v > c ? c : v;
    }
    return 0;
}
/* END REGION */

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "clip",
    .title = "WGAN weight clipping: every critic parameter to [-c, c] after the critic's step",
    .citation = "Arjovsky, Chintala, Bottou 2017, Wasserstein GAN, ICML, Algorithm 1 (line 8)",
    .params = params,
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
