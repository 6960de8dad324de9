/*
 * reg_zerosum.c - a zero-sum test loss (the WGAN critic and generator losses):
 *   d_loss = mean D(G(z)) - mean D(x_r),   g_loss = -d_loss.
 * Used to test consensus optimization's zero-sum identity J^T v = H_f (v_D, -v_G)
 * (f = d_loss) on nonlinear networks.
 */
#include "litgan.h"

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));                          /* (B, 1) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))); /* (B, 1) */
    return lg_sub(t, lg_mean(t, s_fake), lg_mean(t, s_real));
}

static lg_node *g_loss(lg_game *g, const lg_params *p) { return lg_neg(lg_game_tape(g), d_loss(g, p)); }

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "reg_zerosum",
    .title = "Test loss: a zero-sum game, g_loss = -d_loss (WGAN's losses)",
    .citation = "Arjovsky et al. 2017, Wasserstein GAN (losses); litgan test",
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
