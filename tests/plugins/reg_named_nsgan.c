/* reg_named_nsgan.c - valid alone, but a regularizer that takes the name "nsgan" of the reference loss. */
#include "litgan.h"

static int after_step(lg_game *g, lg_player player, const lg_params *p) { return 0; }

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "nsgan",
    .title = "A do-nothing regularizer that clashes with the nsgan loss",
    .citation = "litgan test suite",
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
