/*
 * Alternative of Lab 01 (check/alternatives/handler-off-gk31): a correct gan.c
 * that differs from the reference. Signs moved inside the means (mean(-x) in place
 * of -mean(x)) and lg_scale(s, -1) in place of lg_neg; G(z) built once per loss.
 */
#include "litgan.h"

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *x_real = lg_game_real(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *s_r = lg_apply(g, LG_NET_D, x_real), *s_f = lg_apply(g, LG_NET_D, x_fake);
    /* log D = -softplus(-s), log(1 - D) = -softplus(s); d_loss = mean(-log D(x)) + mean(-log(1 - D(G(z)))) */
    lg_node *log_d_real = lg_scale(t, lg_softplus(t, lg_scale(t, s_r, -1.0)), -1.0);
    lg_node *log_1m_d_fake = lg_scale(t, lg_softplus(t, s_f), -1.0);
    return lg_add(t, lg_mean(t, lg_neg(t, log_d_real)), lg_mean(t, lg_neg(t, log_1m_d_fake)));
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *s_f = lg_apply(g, LG_NET_D, x_fake);
    return lg_mean(t, lg_scale(t, lg_softplus(t, s_f), -1.0)); /* mean log(1 - D(G(z))) */
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
