/* good_reg.c - a valid regularizer that does nothing (an after_step returning 0). */
#include "litgan.h"

static int after_step(lg_game *g, lg_player player, const lg_params *p) { return 0; }

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "good_reg",
    .title = "A regularizer that leaves the game unchanged",
    .citation = "litgan test suite (no paper: the identity step)",
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
