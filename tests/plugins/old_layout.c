/*
 * old_layout.c - a valid loss plugin whose descriptor is as long as the first
 * version-1 layout (it ends before check_params). The loader must not read a
 * field past struct_size: the check_params set here would refuse every load.
 */
#include "litgan.h"
#include <stddef.h>

static lg_node *loss(lg_game *g, const lg_params *p)
{
    (void)p;
    return lg_mean(lg_game_tape(g), lg_apply(g, LG_NET_D, lg_game_real(g)));
}

static const char *refuse(const lg_params *p)
{
    (void)p;
    return "check_params was read past struct_size";
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = offsetof(lg_plugin, check_params),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "old_layout",
    .title = "Test plugin with the first version-1 descriptor layout",
    .citation = "litgan test fixture",
    .d_loss = loss,
    .g_loss = loss,
    .check_params = refuse,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
