/*
 * lg_base.h - what every file of liblitgan shares, the engine's own files
 * (through lg_impl.h) and the dataset generators in datasets/ (through
 * lg_dataset.h): the check for programmer errors, allocation that cannot
 * fail, the length of a name. Not for plugins (they see litgan.h only).
 */
#ifndef LG_BASE_H
#define LG_BASE_H

#include <stdio.h>
#include <stdlib.h>

/* Run-time errors: functions return LG_OK (0) or an LG_E* status and leave a
 * one-line message in lg_errmsg() (lg_seterr, litgan/engine.h). Programmer
 * errors: LG_ASSERT stops with file, line and a hint. */
#define LG_ASSERT(cond, hint)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: internal error: %s (%s)\n", __FILE__,      \
                    __LINE__, #cond, hint);                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* malloc, calloc, realloc, strdup that stop the process with a message when
 * memory is used up, so they never return NULL (util.c). */
void *lg_xmalloc(size_t n);
void *lg_xcalloc(size_t n, size_t size);
void *lg_xrealloc(void *p, size_t n);
char *lg_xstrdup(const char *s);

/* Names of plugins, datasets, parameters: at most LG_NAME_MAX - 1 bytes. */
#define LG_NAME_MAX 64

#endif /* LG_BASE_H */
