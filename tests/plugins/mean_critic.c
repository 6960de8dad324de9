/*
 * mean_critic.c - a test loss whose objectives are plain means of D:
 * d_loss = mean D(x_real), g_loss = -mean D(G(z)). Its Hessians have closed
 * forms for small networks, which test_hvp.c compares the host's
 * finite-difference Hessian-vector products against.
 */
#include "litgan.h"

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    return lg_mean(lg_game_tape(g), lg_apply(g, LG_NET_D, lg_game_real(g)));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    return lg_neg(t, lg_mean(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)))));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "mean_critic",
    .title = "Test loss: the mean of the critic",
    .citation = "litgan test fixture",
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
