/* dup_nsgan.c - valid alone, but a second loss plugin named "nsgan" (the reference already is). */
#include "litgan.h"

/* The non-saturating GAN on logits (Goodfellow et al. 2014, Sec. 3):
 *   D: mean softplus(-s_real) + mean softplus(s_fake);  G: mean softplus(-s_fake). */

/* s_real: (B,1), s_fake: (B,1) -> (1,1) */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                     lg_mean(t, lg_softplus(t, s_fake)));
}

/* s_fake: (B,1) -> (1,1) */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "nsgan",
    .title = "Non-saturating GAN (a duplicate, for the loader tests)",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Sec. 3",
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
