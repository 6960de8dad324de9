/* bad_abi.c - WRONG: claims ABI version 99, which the runner (version 1) does not speak. */
#include "litgan.h"

static lg_node *objective(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return lg_mean(t, lg_apply(g, LG_NET_D, lg_game_real(g)));
}

static const lg_plugin plugin = {
    .abi_version = 99,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "bad_abi",
    .title = "A loss built for a future ABI",
    .citation = "litgan test suite",
    .d_loss = objective,
    .g_loss = objective,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
