/*
 * Alternative of Lab 02 (check/alternatives/identity-clamped): a correct nsgan.c
 * that differs from the reference. From softplus(s) = s + softplus(-s):
 * -log sigmoid(s) = softplus(s) - s, in both players' losses.
 */
#include "litgan.h"

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);
    lg_node *real_part = lg_mean(t, lg_sub(t, lg_softplus(t, s_real), s_real)); /* -log D(x) */
    lg_node *fake_part = lg_mean(t, lg_softplus(t, s_fake));                   /* -log(1 - D(G(z))) */
    return lg_add(t, fake_part, real_part);
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_sub(t, lg_softplus(t, s_fake), s_fake));
}
/* END REGION */

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
