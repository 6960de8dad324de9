/*
 * lg_base.h - what every file of liblitgan shares, the engine's own files
 * (through lg_impl.h) and the dataset generators in datasets/ (through
 * lg_dataset.h): the check for programmer errors and allocation that cannot
 * fail (from litgan/sys.h), the length of a name. Not for plugins (they see litgan.h only).
 */
#ifndef LG_BASE_H
#define LG_BASE_H

/* LG_ASSERT and lg_xmalloc, lg_xcalloc, lg_xrealloc, lg_xstrdup (allocation
 * that stops the process with a message rather than return NULL). */
#include "litgan/sys.h"

/* Names of plugins, datasets, parameters: at most LG_NAME_MAX - 1 bytes. */
#define LG_NAME_MAX 64

#endif /* LG_BASE_H */
