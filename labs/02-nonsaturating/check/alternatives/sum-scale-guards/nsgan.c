/*
 * Alternative of Lab 02 (check/alternatives/sum-scale-guards): a correct nsgan.c
 * that differs from the reference. Batch means as sums times 1/B; D's two terms
 * side by side in one (B, 2) matrix summed once; lg_scale(s, -1) for -s.
 */
#include "litgan.h"

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    const double b = (double)lg_game_batch(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *terms = lg_concat(t, lg_softplus(t, lg_scale(t, s_real, -1.0)), lg_softplus(t, s_fake));
    return lg_scale(t, lg_sum(t, terms), 1.0 / b);
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *per_sample = lg_softplus(t, lg_scale(t, s_fake, -1.0)); /* -log D(G(z_i)) */
    return lg_scale(t, lg_sum(t, per_sample), 1.0 / (double)lg_game_batch(g));
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
