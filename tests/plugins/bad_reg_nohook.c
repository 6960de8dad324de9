/* bad_reg_nohook.c - WRONG: a regularizer with none of add_term, adjust_grads, after_step. */
#include "litgan.h"

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "bad_reg_nohook",
    .title = "A regularizer that hooks in nowhere",
    .citation = "litgan test suite",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
