/*
 * Alternative of Lab 01 (check/alternatives/sum-scale-jsd): a correct gan.c
 * that differs from the reference. Batch means as sums scaled by 1/B
 * (lg_game_batch); D's two terms side by side in one (B, 2) matrix, summed
 * once: (sum of both columns) / B = mean of the first + mean of the second.
 */
#include "litgan.h"

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    double inv_b = 1.0 / (double)lg_game_batch(g);
    lg_node *fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, fake);
    /* column 1: -log D(x_i) = softplus(-s); column 2: -log(1 - D(G(z_i))) = softplus(s) */
    lg_node *both = lg_concat(t, lg_softplus(t, lg_neg(t, s_real)), lg_softplus(t, s_fake));
    return lg_scale(t, lg_sum(t, both), inv_b);
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    /* (1/B) sum log(1 - sigmoid(s_i)) = -(1/B) sum softplus(s_i) */
    return lg_scale(t, lg_sum(t, lg_softplus(t, s_fake)), -1.0 / (double)lg_game_batch(g));
}
/* END REGION */

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "gan",
    .title = "Minimax GAN: G minimises log(1 - D(G(z)))",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Eq. 1 and Algorithm 1",
    .params = NULL,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
