/* bad_noentry.c - WRONG: a valid shared object that does not export litgan_plugin_entry. */
#include "litgan.h"

LG_PLUGIN_EXPORT int lg_test_not_an_entry(void) { return 42; }
