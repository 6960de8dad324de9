/*
 * Alternative of Lab 01 (check/alternatives/lse-by-hand): a correct gan.c that
 * differs from the reference. No lg_softplus: -log sigmoid(s) is written as the
 * stable log-sum-exp by hand, max(-s, 0) + log(1 + exp(-|s|)) (exp never sees a
 * positive argument), and log(1 - sigmoid(s)) as log sigmoid(-s).
 */
#include "litgan.h"

/* -log sigmoid(s) = log(1 + e^-s) = max(-s, 0) + log(1 + e^-|s|), elementwise, with
 * max(-s, 0) written (|s| - s)/2: the same value, and at s = 0 exactly the
 * gradient -1/2 = sigmoid(0) - 1 (lg_relu and lg_abs take the slope 0 at 0, so
 * relu(-s) would give 0 there). */
static lg_node *neg_log_sigmoid(lg_tape *t, lg_node *s)
{
    lg_node *abs_s = lg_abs(t, s);
    lg_node *max_neg_s = lg_scale(t, lg_sub(t, abs_s, s), 0.5);
    lg_node *tail = lg_log(t, lg_shift(t, lg_exp(t, lg_neg(t, abs_s)), 1.0));
    return lg_add(t, max_neg_s, tail);
}

/* REGION d_loss */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    /* -log D(x) = nls(s_real); -log(1 - D(G(z))) = -log sigmoid(-s_fake) = nls(-s_fake) */
    lg_node *real_term = lg_mean(t, neg_log_sigmoid(t, s_real));
    lg_node *fake_term = lg_mean(t, neg_log_sigmoid(t, lg_neg(t, s_fake)));
    return lg_add(t, real_term, fake_term);
}
/* END REGION */

/* REGION g_loss */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    /* log(1 - sigmoid(s)) = log sigmoid(-s) = -nls(-s) */
    return lg_neg(t, lg_mean(t, neg_log_sigmoid(t, lg_neg(t, s_fake))));
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
