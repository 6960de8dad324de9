/*
 * nsgan.c - the non-saturating GAN (Goodfellow et al. 2014, Sec. 3).
 *
 * On logits s = D(x) with D(x) = sigmoid(s), using log sigmoid(s) = -softplus(-s)
 * and log(1 - sigmoid(s)) = -softplus(s) (stable for any |s|):
 *
 *   D maximises  E log D(x_r) + E log(1 - D(G(z)))
 *     i.e. minimises  mean softplus(-s_real) + mean softplus(s_fake)
 *   G maximises  E log D(G(z))               (the "non-saturating" trick)
 *     i.e. minimises  mean softplus(-s_fake)
 */
#include "litgan.h"

/* s_real: (B,1), s_fake: (B,1) -> scalar */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                     lg_mean(t, lg_softplus(t, s_fake)));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "nsgan",
    .title = "Non-saturating GAN: G minimises -log D(G(z))",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Sec. 3",
    .params = NULL,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
