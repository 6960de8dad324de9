/*
 * litgan/sys.h - the engine's system helpers, for programs and for the course
 * library on top of it: the one of each that litgan uses everywhere - checked
 * allocation, a list of strings, files (read, copy, mkdir -p, remove a tree),
 * the one atomic write, and the one process helper (spawn, timeout, capture).
 * Errors as in engine.h: LG_OK or a status with a one-line lg_errmsg().
 */
#ifndef LITGAN_SYS_H
#define LITGAN_SYS_H

#include "plugin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- memory --- */

/* Programmer errors: stop with file, line and a hint. */
#define LG_ASSERT(cond, hint)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: internal error: %s (%s)\n", __FILE__,      \
                    __LINE__, #cond, hint);                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

LG_API void *lg_xmalloc(size_t n);
LG_API void *lg_xcalloc(size_t n, size_t size);
/* lg_xcalloc for a large buffer a training step streams through (parameters,
 * gradients, optimizer moments): from 2 MiB up, aligned to 2 MiB and advised as
 * transparent huge pages. Freed with free(). */
LG_API void *lg_xcalloc_big(size_t n, size_t size);
LG_API void *lg_xrealloc(void *p, size_t n);
LG_API char *lg_xstrdup(const char *s);

/* A list of owned strings. */
typedef struct lg_strvec {
    char **w;
    size_t n, cap;
} lg_strvec;
LG_API void lg_strvec_push(lg_strvec *v, const char *s);
LG_API void lg_strvec_free(lg_strvec *v);

/* -------------------------------------------------------------- files --- */

LG_API double lg_now(void); /* monotonic seconds */
/* mkdir -p; LG_EIO with a message when the folder cannot be made. */
LG_API int lg_mkdir_p(const char *dir);
/* A whole file, NUL-terminated; *len (may be NULL) counts its bytes; NULL when
 * it cannot be read. Caller frees. */
LG_API char *lg_read_file(const char *path, size_t *len);
/* Copy a file's bytes; LG_EIO with a message on failure. */
LG_API int lg_copy_file(const char *from, const char *to);

/* ----------------------------------------------------- child processes --- */

/* What a child runs (proc.c): argv (searched in PATH) or fn in a forked copy
 * of this process; exactly one. stdin is /dev/null; the streams named in
 * capture go into one buffer (first out_cap bytes kept, the rest read and
 * dropped; with out_cap 0 they stay the parent's), those named in discard go
 * to /dev/null, the others are the parent's. With timeout > 0 (wall-clock
 * seconds) the child leads its own process group, killed as a whole (SIGKILL)
 * when the time is up. Every child process of litgan starts here.
 * Examples: a program with its output and a 60 s limit:
 *     char *argv[] = { "cc", "-c", "x.c", NULL };
 *     lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT | LG_PROC_ERR,
 *                        .out_cap = 8192, .timeout = 60 };
 *     lg_proc_result r;
 *     if (lg_proc_run(&s, &r) == LG_OK && lg_proc_exited_ok(&r)) ... r.out ...
 *     lg_proc_result_free(&r);
 * a program's standard output, its complaints dropped:
 *     lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 1 << 20,
 *                        .discard = LG_PROC_ERR };
 * a function whose result comes back through the channel (fd: its write end):
 *     static int job(void *ctx, int fd) { ... write(fd, ...); return 0; }
 *     lg_proc_spec s = { .fn = job, .ctx = &args, .chan_cap = 1 << 20 };
 * several side by side: lg_proc_start each, lg_proc_wait on all (returns when
 * one has ended, or after ms), lg_proc_end the ended ones. */
enum { LG_PROC_OUT = 1, LG_PROC_ERR = 2 };
#define LG_PROC_CHAN_FD 3
#define LG_PROC_IN_MAX 65536 /* what a pipe holds without a reader */
typedef struct lg_proc_spec {
    char *const *argv;              /* a program, or NULL */
    int (*fn)(void *ctx, int chan); /* or a function; returns the exit status */
    void *ctx;                      /* for fn, setup and watch */
    const char *cwd;                /* NULL: this process's */
    unsigned capture;               /* LG_PROC_OUT | LG_PROC_ERR, or 0 */
    unsigned discard;               /* LG_PROC_OUT | LG_PROC_ERR to /dev/null, or 0 */
    const char *what;               /* names the child in messages ("a run"); NULL:
                                       argv[0], or "a child process" */
    size_t out_cap;                 /* bytes of the capture kept */
    size_t chan_cap;                /* > 0: a result pipe, bytes kept: fn gets its write
                                       end, a program finds it at fd 3 (LG_PROC_CHAN_FD) */
    const void *in;                 /* a program's standard input: n_in bytes (at most
                                       LG_PROC_IN_MAX), or NULL for /dev/null */
    size_t n_in;
    char *const *envp;              /* a program's environment; NULL: this process's */
    double timeout;                 /* seconds; <= 0: none */
    /* in the child, after its streams and cwd are set, before exec or fn */
    void (*setup)(void *ctx);
    /* in the parent every watch_ms (default 10) while the child runs; false
     * stops the child as a timeout does (res.stopped) */
    bool (*watch)(pid_t pid, void *ctx);
    int watch_ms;
} lg_proc_spec;

typedef struct lg_proc_result {
    int status;                     /* as from waitpid */
    bool timed_out, stopped;        /* killed at the deadline / by the watch */
    struct rusage ru;               /* the child's resource usage (wait4) */
    char *out;                      /* the capture, NUL-terminated (never NULL) */
    size_t n_out;
    bool out_over;                  /* more than out_cap bytes came */
    char *chan;                     /* what fn wrote to its channel, NUL-terminated */
    size_t n_chan;
    bool chan_over;
} lg_proc_result;

typedef struct lg_proc lg_proc;
/* LG_OK, or LG_EIO with a message when no child could be started. */
LG_API int lg_proc_run(const lg_proc_spec *spec, lg_proc_result *res);
LG_API int lg_proc_start(const lg_proc_spec *spec, lg_proc **out);
/* Wait until one of ps (NULL entries skipped) has ended or ms milliseconds
 * passed (ms < 0: no limit), reading their pipes and enforcing their
 * deadlines; returns how many of ps have ended. */
LG_API size_t lg_proc_wait(lg_proc *const *ps, size_t n, int ms);
LG_API bool lg_proc_ended(const lg_proc *p);
/* Wait for p's end if need be, fill res and free p. */
LG_API void lg_proc_end(lg_proc *p, lg_proc_result *res);
LG_API void lg_proc_result_free(lg_proc_result *res);
/* Exited with status 0, neither timed out nor stopped. */
LG_API bool lg_proc_exited_ok(const lg_proc_result *res);

/* ----------------------------------------------------------- atomic write --- */

/* The one atomic write (fsio.c): a temporary file in the target's folder,
 * fsync, rename. A path that exists and is a character device or a FIFO
 * (/dev/null) is written through in place (a FIFO that no reader opens
 * within 10 s is refused, never waited on forever), anything else but a
 * regular file refused; a symbolic link's target is replaced. lg_atomic_open makes the
 * folder if need be and gives a->f to write into; lg_atomic_commit replaces
 * the file (LG_EIO with a message on any failure, the old file intact);
 * lg_atomic_abort drops the temporary file. */
typedef struct lg_atomic {
    FILE *f;
    char *path, *tmp;
    bool direct;
} lg_atomic;
LG_API int lg_atomic_open(lg_atomic *a, const char *path);
LG_API int lg_atomic_commit(lg_atomic *a);
LG_API void lg_atomic_abort(lg_atomic *a);
/* n bytes as the whole new content of path. */
LG_API int lg_write_atomic(const char *path, const void *data, size_t n);
/* All n bytes to fd through short writes and EINTR; false on an error. Allocates
 * nothing (safe in a child whose memory may be used up). */
LG_API bool lg_write_all(int fd, const void *p, size_t n);
/* Remove dir and everything below it (symbolic links are not followed). */
LG_API void lg_rm_rf(const char *dir);

/* ------------------------------------------------------- folder listings --- */

#include <sys/stat.h>

/* The one directory listing (fsio.c); every folder litgan reads goes through
 * it. lg_dir_list appends the names of dir's entries (without "." and "..") to
 * names, sorted by strcmp; LG_EIO with "cannot open DIR: REASON" (errno as
 * opendir left it) when the folder cannot be read.
 * lg_dir_walk visits everything below root, depth first, each folder's
 * entries in lg_dir_list's order, a folder before what is in it. fn gets each
 * entry with its lstat (with LG_DIR_FOLLOW: stat, so a link to a folder is a
 * folder) and returns LG_DIR_NEXT (go on; into the entry if it is a folder),
 * LG_DIR_SKIP (go on, but not into this folder) or LG_DIR_STOP (end the walk).
 * Entries that vanish before their stat, and folders below root that cannot
 * be read, are passed over. LG_OK, or LG_EIO when root cannot be read.
 * Example: every regular file below dir, hidden folders left out:
 *     static int visit(const lg_dir_entry *e, void *ctx)
 *     {
 *         if (e->name[0] == '.')
 *             return LG_DIR_SKIP;
 *         if (S_ISREG(e->st.st_mode))
 *             lg_strvec_push(ctx, e->rel);
 *         return LG_DIR_NEXT;
 *     }
 *     lg_strvec files = { 0 };
 *     int rc = lg_dir_walk(dir, 0, visit, &files);
 * Removing a tree (lg_rm_rf) uses nftw instead: it needs a folder's contents
 * before the folder. */
typedef struct lg_dir_entry {
    const char *path;      /* root/rel, to open or stat */
    const char *rel;       /* relative to root: "name" or "sub/dir/name" */
    const char *name;      /* the last part of rel */
    int depth;             /* 0 for root's own entries */
    struct stat st;
} lg_dir_entry;
enum { LG_DIR_NEXT = 0, LG_DIR_SKIP = 1, LG_DIR_STOP = 2 };
enum { LG_DIR_FOLLOW = 1 };
typedef int (*lg_dir_fn)(const lg_dir_entry *e, void *ctx);
LG_API int lg_dir_list(const char *dir, lg_strvec *names);
LG_API int lg_dir_walk(const char *root, unsigned flags, lg_dir_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LITGAN_SYS_H */
