/* bad_undef.c - WRONG: calls a host function that does not exist (RTLD_NOW must refuse it at load time). */
#include "litgan.h"

int lg_no_such_host_function(void); /* deliberately never defined anywhere */

static int after_step(lg_game *g, lg_player player, const lg_params *p)
{
    return lg_no_such_host_function();
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "bad_undef",
    .title = "A regularizer that links against a missing host function",
    .citation = "litgan test suite",
    .after_step = after_step,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
