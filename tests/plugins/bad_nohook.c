/* bad_nohook.c - WRONG: a loss plugin with d_loss but without the required g_loss. */
#include "litgan.h"

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return lg_mean(t, lg_apply(g, LG_NET_D, lg_game_real(g)));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "bad_nohook",
    .title = "A loss without a generator objective",
    .citation = "litgan test suite",
    .d_loss = d_loss,
    .g_loss = NULL,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
