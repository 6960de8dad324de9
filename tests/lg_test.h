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
    X(compare)       \
    X(handout)       \
    X(grade)         \
    X(proc)          \
    X(labs)

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

#endif
