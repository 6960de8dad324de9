/*
 * fuzz_resume.c - resume (lg_run_open with .resume, then lg_run_train): a run
 * folder holding a fuzzed checkpoint.bin and log.csv, continued through the
 * engine's API as `litgan train --resume DIR` does.
 *
 * Input: one byte of flags, the checkpoint, the line "LGFUZZLOG", the log.
 * Flag 1: the checkpoint's length and CRC-32 made to fit (fuzz_fix_ckpt).
 * Flag 2: its configuration hash made that of its stored options, in the
 * checkpoint and in the log's header ("config HASH:"), so mutated options get
 * past the check that they belong to the log and reach the run's setup.
 * Flag bits 2-3: how many more steps to train (0..3: the resume's --steps).
 * A run is trained only when small (batch <= 64, samples <= 500, nets under
 * FUZZ_MAX_UNITS): the engine accepts runs far larger, which would be
 * out-of-memory reports of the fuzzer, not findings.
 * Seeds: tests/fuzz/corpus/resume (2-step runs, make fuzz-corpus).
 */
#include "fuzz.h"

#include <sys/stat.h>

static const char SEP[] = "\nLGFUZZLOG\n";

/* Set the payload's hash (after i64 step) to that of its stored options;
 * returns that hash, 0 when the stored options cannot be read. */
static uint64_t fix_hash(const char *path, unsigned char *f, size_t n)
{
    long step;
    uint64_t h = 0;
    lg_strvec args = { 0 };
    if (n >= 24 + 16 + 4 && lg_ckpt_read(path, &step, &h, &args, NULL, NULL, NULL, true) == LG_OK) {
        h = lg_run_config_hash(&args);
        memcpy(f + 24 + 8, &h, sizeof h);
        fuzz_fix_ckpt(f, n);
    }
    lg_strvec_free(&args);
    return h;
}

/* The stored run is small enough to train here (see above); its step. */
static bool small_run(const char *path, long *step)
{
    lg_strvec args = { 0 };
    lg_run_config c;
    lg_run_config_init(&c);
    bool ok = lg_ckpt_read(path, step, NULL, &args, NULL, NULL, NULL, true) == LG_OK &&
              lg_run_words_parse(&args, &c) == LG_OK && c.batch <= 64 && c.samples <= 500 && (!c.g || fuzz_net_small(c.g)) && (!c.d || fuzz_net_small(c.d)) &&
              (!c.e || fuzz_net_small(c.e));
    lg_strvec_free(&args);
    return ok;
}

FUZZ_INIT
{
    if (size < 1)
        return 0;
    static unsigned long serial;
    char dir[PATH_MAX], ckpt[PATH_MAX + 32], logp[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/run%lu", fuzz_dir, serial++);
    if (mkdir(dir, 0700) != 0)
        abort();
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint.bin", dir);
    snprintf(logp, sizeof logp, "%s/log.csv", dir);

    const unsigned char *in = data + 1;
    size_t n = size - 1;
    const unsigned char *sep = memmem(in, n, SEP, sizeof SEP - 1);
    size_t nc = sep ? (size_t)(sep - in) : n;
    unsigned char *f = lg_xmalloc(nc + 1);
    memcpy(f, in, nc);
    char *log = sep ? fuzz_str(sep + sizeof SEP - 1, n - nc - (sizeof SEP - 1)) : lg_xstrdup("");
    if (data[0] & 1)
        fuzz_fix_ckpt(f, nc);
    lg_write_atomic(ckpt, f, nc);
    if (data[0] & 2) {
        uint64_t h = fix_hash(ckpt, f, nc);
        lg_write_atomic(ckpt, f, nc);
        char *at = strstr(log, "config ");
        if (h && at && strlen(at) >= 7 + 16) {
            char hex[17];
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
            memcpy(at + 7, hex, 16);
        }
    }
    lg_write_atomic(logp, log, strlen(log));

    long step;
    if (small_run(ckpt, &step)) {
        lg_run_config c;
        lg_run_config_init(&c);
        c.resume = dir;
        c.steps = step + ((data[0] >> 2) & 3);
        c.quiet = 1;
        c.progress = 0;
        lg_run *r = NULL;
        if (lg_run_open(&c, &r) == LG_OK) {
            (void)lg_run_train(r);
            lg_run_close(r);
        } else {
            LG_ASSERT(!r, "a refused resume leaves no run");
        }
    }
    free(f);
    free(log);
    lg_rm_rf(dir);
    return 0;
}
