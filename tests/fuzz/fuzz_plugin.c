/*
 * fuzz_plugin.c - loss and regularizer specs "name:key=value,..." (--loss,
 * --reg; core/engine/plugin.c, params.c, and each plugin's parameter table
 * and checks in plugins/NAME.c): opened, parameters parsed and formatted back.
 * Input: one byte (even: a loss, odd: a regularizer), then the spec. A spec
 * naming a file (a '/' or ".so") is skipped: loading code the user names is
 * not input to validate. Seeds: tests/fuzz/corpus/plugin.
 */
#include "fuzz.h"

FUZZ_INIT
{
    if (size < 1)
        return 0;
    char *s = fuzz_str(data + 1, size - 1);
    size_t name = strcspn(s, ":");
    if (memchr(s, '/', name) || (name >= 3 && !memcmp(s + name - 3, ".so", 3))) {
        free(s);
        return 0;
    }
    lg_plugin_kind kind = (data[0] & 1) ? LG_PLUGIN_KIND_REG : LG_PLUGIN_KIND_LOSS;
    lg_plugin_inst pi;
    if (lg_plugin_inst_open(s, kind, &pi) == LG_OK) {
        char *text = lg_params_format(pi.params);
        free(text);
        lg_plugin_inst_close(&pi);
    }
    free(s);
    return 0;
}
