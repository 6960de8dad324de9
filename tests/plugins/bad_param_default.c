/* bad_param_default.c - WRONG: the DOUBLE parameter lambda has the default "ten", not a number. */
#include "litgan.h"

static int after_step(lg_game *g, lg_player player, const lg_params *p) { return 0; }

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "ten", NULL, "a weight whose default is not a number" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "bad_param_default",
    .title = "A regularizer with an unparsable default",
    .citation = "litgan test suite",
    .params = params,
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
