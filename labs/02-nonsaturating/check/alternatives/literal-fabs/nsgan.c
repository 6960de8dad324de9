/*
 * Alternative of Lab 02 (check/alternatives/literal-fabs): a correct nsgan.c
 * that differs from the reference. The objectives translated literally: D
 * minimises -(mean log D(x) + mean log(1 - D(G(z)))) and G minimises
 * -(mean log D(G(z))), with log sigmoid(s) = -softplus(-s) and
 * log(1 - sigmoid(s)) = -softplus(s) built as nodes of their own.
 */
#include "litgan.h"

static lg_node *log_sigmoid(lg_tape *t, lg_node *s) { return lg_neg(t, lg_softplus(t, lg_neg(t, s))); }
static lg_node *log_one_minus_sigmoid(lg_tape *t, lg_node *s) { return lg_neg(t, lg_softplus(t, s)); }

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *v = lg_add(t, lg_mean(t, log_sigmoid(t, s_real)), lg_mean(t, log_one_minus_sigmoid(t, s_fake)));
    return lg_neg(t, v);
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_neg(t, lg_mean(t, log_sigmoid(t, s_fake)));
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
