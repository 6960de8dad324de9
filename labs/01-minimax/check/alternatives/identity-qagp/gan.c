/*
 * Alternative of Lab 01 (check/alternatives/identity-qagp): a correct gan.c
 * that differs from the reference. Built from softplus(s) = s + softplus(-s):
 *   -log sigmoid(s)     = softplus(-s) = softplus(s) - s,
 *   log(1 - sigmoid(s)) = -softplus(s) = -s - softplus(-s),
 * both finite at +-1000 (the difference of two 1000s is an exact 0).
 */
#include "litgan.h"

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *neg_log_d_real = lg_sub(t, lg_softplus(t, s_real), s_real);              /* -log D(x) */
    lg_node *log_1m_d_fake = lg_sub(t, lg_neg(t, s_fake), lg_softplus(t, lg_neg(t, s_fake))); /* log(1 - D) */
    return lg_sub(t, lg_mean(t, neg_log_d_real), lg_mean(t, log_1m_d_fake));
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_sub(t, lg_neg(t, s), lg_softplus(t, lg_neg(t, s))));
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
