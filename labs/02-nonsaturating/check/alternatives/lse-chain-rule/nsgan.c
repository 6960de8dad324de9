/*
 * Alternative of Lab 02 (check/alternatives/lse-chain-rule): a correct nsgan.c
 * that differs from the reference. No lg_softplus: -log sigmoid(s) written as the
 * stable log-sum-exp by hand, (|s| - s)/2 + log(1 + exp(-|s|)).
 */
#include "litgan.h"

/* -log sigmoid(s) = max(-s, 0) + log(1 + e^-|s|), elementwise: exp of a
 * non-positive number only. max(-s, 0) = (|s| - s)/2, whose slope at s = 0
 * (lg_abs takes 0 there) is -1/2: with the second term's 0, sigmoid(0) - 1. */
static lg_node *nls(lg_tape *t, lg_node *s)
{
    lg_node *a = lg_abs(t, s);
    return lg_add(t, lg_scale(t, lg_sub(t, a, s), 0.5), lg_log(t, lg_shift(t, lg_exp(t, lg_neg(t, a)), 1.0)));
}

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    /* -log(1 - sigmoid(s)) = -log sigmoid(-s) */
    return lg_add(t, lg_mean(t, nls(t, s_real)), lg_mean(t, nls(t, lg_neg(t, s_fake))));
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, nls(t, s_fake));
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
