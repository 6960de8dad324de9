/* bad_size.c - WRONG: struct_size is smaller than the version-1 descriptor (ends before `defaults`). */
#include "litgan.h"
#include <stddef.h>

static lg_node *objective(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return lg_mean(t, lg_apply(g, LG_NET_D, lg_game_real(g)));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = (uint32_t)offsetof(lg_plugin, defaults),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "bad_size",
    .title = "A loss whose descriptor is too short",
    .citation = "litgan test suite",
    .d_loss = objective,
    .g_loss = objective,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
