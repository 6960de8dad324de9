/* bad_null.c - WRONG: the entry symbol exists but returns NULL instead of a descriptor. */
#include "litgan.h"
#include <stddef.h>

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return NULL; }
