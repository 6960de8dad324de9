/* bad_kind.c - WRONG: kind is 7, neither LG_PLUGIN_KIND_LOSS (1) nor LG_PLUGIN_KIND_REG (2). */
#include "litgan.h"

static int after_step(lg_game *g, lg_player player, const lg_params *p) { return 0; }

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = (lg_plugin_kind)7,
    .name = "bad_kind",
    .title = "A plugin of no known kind",
    .citation = "litgan test suite",
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
