/*
 * lg_test.h - shared helpers of the CUnit suites (one binary, tests/run_tests).
 *
 * Each tests/test_NAME.c defines `void lg_suite_NAME(void)` that adds its suite(s)
 * with CU_add_suite / CU_add_test; tests/test_main.c calls every one listed in
 * LG_SUITES below.
 */
#ifndef LG_TEST_H
#define LG_TEST_H

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include "lg_impl.h"

/* X-macro: one line per test file. */
#define LG_SUITES(X) \
    X(tape)          \
    X(fixtures)      \
    X(loader)        \
    X(train)         \
    X(hvp)           \
    X(losses)        \
    X(regs)          \
    X(data)          \
    X(images)        \
    X(compare)       \
    X(handout)       \
    X(report)        \
    X(grade)         \
    X(gradefiles)    \
    X(gradeout)      \
    X(proc)          \
    X(api)           \
    X(labs)          \
    X(install)       \
    X(autograder)    \
    X(pack)          \
    X(imgmetrics)    \
    X(sample)        \
    X(game)          \
    X(plugin_template) \
    X(precision)     \
    X(vmath)

#define LG_DECLARE_SUITE(name) void lg_suite_##name(void);
LG_SUITES(LG_DECLARE_SUITE)

/* Add a suite and its tests: LG_ADD_SUITE("name", {"test", fn}, ...) */
typedef struct lg_test_case {
    const char *name;
    CU_TestFunc fn;
} lg_test_case;

static inline void lg_add_suite(const char *name, const lg_test_case *cases, size_t n)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        CU_add_test(s, cases[i].name, cases[i].fn);
}
#define LG_ADD_SUITE(name, ...)                                                    \
    do {                                                                           \
        static const lg_test_case cases_[] = { __VA_ARGS__ };                      \
        lg_add_suite(name, cases_, sizeof cases_ / sizeof cases_[0]);             \
    } while (0)

/* Assert |a - b| <= tol with both values in the failure message. */
#define LG_ASSERT_CLOSE(a, b, tol)                                                  \
    do {                                                                           \
        double a_ = (a), b_ = (b);                                                 \
        char m_[256];                                                              \
        snprintf(m_, sizeof m_, "%s = %.17g, expected %s = %.17g (tol %g)", #a, a_, \
                 #b, b_, (double)(tol));                                           \
        CU_assertImplementation(fabs(a_ - b_) <= (tol), __LINE__, m_, __FILE__, "", \
                                CU_FALSE);                                         \
    } while (0)

/* Assert a condition with a formatted message. */
#define LG_ASSERT_MSG(cond, ...)                                                    \
    do {                                                                           \
        char m_[512];                                                              \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                      \
        CU_assertImplementation(!!(cond), __LINE__, m_, __FILE__, "", CU_FALSE);   \
    } while (0)

/* Folder of the build (plugins, test plugins), from the environment that
 * make test sets, or "build". */
const char *lg_test_build_dir(void);
/* A path NAME inside this run's temporary folder (made on first use); the
 * returned buffer is one of 8 reused in turn. */
const char *lg_test_tmpdir(const char *name);
/* The path of test plugin NAME (tests/plugins/NAME.c built under the build folder). */
const char *lg_test_plugin(const char *name);
/* Run a shell command, capture what it prints on stdout (the command may
 * redirect stderr there) into out; returns its exit status, or -1. */
int lg_test_run_capture(const char *cmd, char *out, size_t len);
/* The litgan executable under test (LG_BIN, set by make test), or "bin/litgan". */
const char *lg_test_bin(void);


/* ------------------------------------------------ the command line and runs ---
 * lg_test_cli runs `bin/litgan CMD ARGS...` ($LG_BIN) as a child with this
 * process's stdout, passes its stderr on, and returns its exit status (0 ok,
 * 1 a run failed, 2 a usage error; 127 when it could not start); on failure
 * lg_errmsg() holds its last line without the "litgan CMD: " prefix. lg_test_run_open opens a run from command-line words (the
 * engine's own words parser, plus --out, --quiet, --resume, --ckpt-every). */
#include "run.h"
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int lg_test_cli(const char *cmd, int argc, char **argv)
{
    const char *bin = getenv("LG_BIN");
    char *args[80];
    int n = 0;
    args[n++] = (char *)(bin ? bin : "bin/litgan");
    args[n++] = (char *)cmd;
    for (int i = 0; i < argc && n < 79; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    fflush(NULL);
    int p[2];
    if (pipe(p) != 0)
        return lg_seterr(LG_EIO, "pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        execv(args[0], args);
        _exit(127);
    }
    close(p[1]);
    /* the child's stderr, passed on to ours; its last line becomes lg_errmsg() */
    char buf[1 << 16];
    size_t len = 0;
    ssize_t got;
    while ((got = read(p[0], buf + len, sizeof buf - 1 - len)) > 0) {
        if (write(STDERR_FILENO, buf + len, (size_t)got) < 0) {
            /* the test's own stderr is gone: keep reading */
        }
        len += (size_t)got;
        if (len == sizeof buf - 1)
            len = 0;
    }
    close(p[0]);
    buf[len] = '\0';
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0)
        ;
    int status = pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 127;
    if (status == 0)
        return LG_OK;
    while (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    char *line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "litgan %s: ", cmd);
    if (!strncmp(line, prefix, strlen(prefix)))
        line += strlen(prefix);
    lg_seterr(LG_EINVAL, "%s", line);
    return status;
}

/* `litgan ARGS 2>&1` through the shell (ARGS as typed, quoted by the caller):
 * asserts its exit status, that what it printed holds says, and with one_line
 * that it printed exactly one line (a usage error names the problem and what
 * to do in one line). */
static inline void lg_test_cli_expect(const char *args, int status, const char *says, bool one_line)
{
    char cmd[4096], out[32768]; /* train --help is over 8 KB */
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", lg_test_bin(), args);
    int st = lg_test_run_capture(cmd, out, sizeof out);
    size_t len = strlen(out), lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += out[i] == '\n';
    bool ok = st == status && strstr(out, says) && (!one_line || (lines == 1 && out[len - 1] == '\n'));
    LG_ASSERT_MSG(ok, "litgan %s: exit %d (expected %d), %zu line%s (expected %s), wanted '%s' in: %.300s", args,
                  st, status, lines, lines == 1 ? "" : "s", one_line ? "one" : "any", says, out);
}

static inline int lg_test_run_open(int argc, char **argv, lg_run **out)
{
    lg_run_config c;
    lg_run_config_init(&c);
    lg_strvec w = { 0 };
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--quiet")) c.quiet = 1;
        else if (!strcmp(o, "--out") && v) c.out = argv[++i];
        else if (!strcmp(o, "--resume") && v) c.resume = argv[++i];
        else if (!strcmp(o, "--ckpt-every") && v) c.ckpt_every = atol(argv[++i]);
        else lg_strvec_push(&w, o);
    }
    int rc = lg_run_words_parse(&w, &c);
    if (rc == LG_OK && c.resume) { /* a resume takes only these */
        lg_run_config r;
        lg_run_config_init(&r);
        r.resume = c.resume, r.quiet = c.quiet, r.steps = c.steps, r.ckpt_every = c.ckpt_every;
        c = r;
    }
    *out = NULL;
    if (rc == LG_OK)
        rc = lg_run_open(&c, out); /* the run copies what it keeps */
    lg_strvec_free(&w);
    return rc;
}

#endif
