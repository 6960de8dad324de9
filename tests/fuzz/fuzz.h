/*
 * fuzz.h - what every libFuzzer target of tests/fuzz shares (header-only: each
 * target is one program, `make fuzz` builds and runs them, README "Fuzzing").
 *
 * A target gets bytes and hands them to one reader or parser of the engine or
 * the course library as a user's input would reach it: a spec string, a file
 * on disk. Every refusal is fine; a crash, a leak, undefined behaviour, a hang
 * or an allocation the input sized without bound is a finding.
 *
 * Files go to a scratch folder of the process (under $TMPDIR, /dev/shm when
 * there is one: a file per execution), removed at exit. GSL reports an error by
 * returning, as in bin/litgan (lg_gsl_report_errors), but silently: thousands
 * of executions a second would print thousands of lines.
 */
#ifndef LG_FUZZ_H
#define LG_FUZZ_H

#include "run.h" /* lg_impl.h and the runner's words */

#include <dlfcn.h>
#include <glob.h>
#include <gsl/gsl_errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What a target builds from its input at most (parameters and BatchNorm
 * statistics, or values one sample passes through): the engine refuses
 * nothing below its 64 GiB cap, which a fuzzer cannot hold; a spec above this
 * is parsed for its cost only. */
#define FUZZ_MAX_UNITS 200000.0

static char fuzz_dir[PATH_MAX];

static void fuzz_cleanup(void)
{
    if (fuzz_dir[0])
        lg_rm_rf(fuzz_dir);
}

/* Every plugin of the search path loaded once for good (RTLD_NODELETE): the
 * plugins carry coverage counters too, and libFuzzer would read a module's
 * counters after dlclose unmapped them; the engine's own dlopen and dlclose
 * of a plugin then only count references. */
static inline void fuzz_pin_plugins(const char *dir)
{
    char pattern[PATH_MAX + 8];
    snprintf(pattern, sizeof pattern, "%s/*.so", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++)
        if (!dlopen(g.gl_pathv[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))
            fprintf(stderr, "fuzz: %s\n", dlerror());
    globfree(&g);
}

/* The scratch folder, and the plugins of this build (BUILD/plugins beside
 * BUILD/fuzz/TARGET) unless LITGAN_PLUGIN_PATH names others. */
static inline void fuzz_setup(const char *argv0)
{
    gsl_set_error_handler_off();
    char self[PATH_MAX], plugins[PATH_MAX + 16];
    if (!getenv("LITGAN_PLUGIN_PATH") && realpath(argv0, self)) {
        snprintf(plugins, sizeof plugins, "%s/../plugins", dirname(self));
        setenv("LITGAN_PLUGIN_PATH", plugins, 1);
    }
    if (getenv("LITGAN_PLUGIN_PATH") && !strchr(getenv("LITGAN_PLUGIN_PATH"), ':'))
        fuzz_pin_plugins(getenv("LITGAN_PLUGIN_PATH"));
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/litgan-fuzz-XXXXXX", tmp);
    if (!mkdtemp(fuzz_dir)) {
        perror("fuzz: cannot make a scratch folder");
        exit(1);
    }
    atexit(fuzz_cleanup);
}

#define FUZZ_INIT                                                    \
    int LLVMFuzzerInitialize(int *argc, char ***argv);               \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                \
    {                                                                \
        (void)argc;                                                  \
        fuzz_setup((*argv)[0]);                                      \
        return 0;                                                    \
    }                                                                \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)

/* The input as a C string (cut at its first NUL, as a command line would). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = lg_xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* fuzz_dir/name holding n bytes; its path in out. */
static inline void fuzz_write(const char *name, const void *p, size_t n, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", fuzz_dir, name);
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(out);
        abort();
    }
}

/* A checkpoint file (lg_ckpt_write's layout, lg_impl.h) with its payload
 * length and CRC-32 made to fit whatever the bytes between say: without it
 * nearly every mutation stops at the checksum, and the fields behind it -
 * what the reader must distrust most - would never be reached. */
static inline void fuzz_fix_ckpt(unsigned char *f, size_t n)
{
    if (n < 24 + 4)
        return;
    uint64_t len = n - 24 - 4;
    memcpy(f + 16, &len, sizeof len);
    uint32_t crc = (uint32_t)crc32_z(0L, f + 24, (size_t)len);
    memcpy(f + n - 4, &crc, sizeof crc);
}

/* The size of a network spec as lg_net_spec_cost counts it; false when the
 * spec is bad or above FUZZ_MAX_UNITS. */
static inline bool fuzz_net_small(const char *spec)
{
    double np, units;
    return spec && lg_net_spec_cost(spec, &np, &units) == LG_OK && np + units <= FUZZ_MAX_UNITS;
}

#endif /* LG_FUZZ_H */
