/*
 * test_main.c - runs every suite with CUnit's basic runner. CUnit's runner
 * returns 0 even when tests fail, so the exit status comes from the failure
 * count. Usage: run_tests [SUITE [TEST]]  (only that suite, or that test of it,
 * named as the run prints it)
 */
#include "lg_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <CUnit/Basic.h>

const char *lg_test_build_dir(void)
{
    const char *b = getenv("LG_BUILD");
    return b && *b ? b : "build";
}

const char *lg_test_bin(void)
{
    const char *b = getenv("LG_BIN");
    return b && *b ? b : "bin/litgan";
}

const char *lg_test_tmpdir(const char *name)
{
    static char root[] = "/tmp/litgan-test-XXXXXX";
    static char buf[8][512];
    static int k;
    static bool made;
    if (!made)
        LG_ASSERT(mkdtemp(root), "mkdtemp");
    made = true;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root, name);
    return b;
}

const char *lg_test_plugin(const char *name)
{
    static char buf[8][512];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/tests/plugins/%s.so", lg_test_build_dir(), name);
    return b;
}

int lg_test_run_capture(const char *cmd, char *out, size_t len)
{
    char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
    lg_proc_spec spec = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = len ? len - 1 : 0 };
    lg_proc_result r;
    if (len)
        out[0] = '\0';
    if (lg_proc_run(&spec, &r) != LG_OK)
        return -1;
    if (len) {
        memcpy(out, r.out, r.n_out);
        out[r.n_out] = '\0';
    }
    int st = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    lg_proc_result_free(&r);
    return st;
}

int main(int argc, char **argv)
{
    lg_gsl_report_errors();
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define LG_CALL_SUITE(name) lg_suite_##name();
    LG_SUITES(LG_CALL_SUITE)
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        CU_pSuite s = CU_get_suite(argv[1]);
        if (!s) {
            fprintf(stderr, "run_tests: no suite named '%s'\n", argv[1]);
            CU_cleanup_registry();
            return 2;
        }
        CU_pTest t = argc > 2 ? CU_get_test(s, argv[2]) : NULL;
        if (argc > 2 && !t) {
            fprintf(stderr, "run_tests: suite '%s' has no test named '%s'\n", argv[1], argv[2]);
            CU_cleanup_registry();
            return 2;
        }
        if (t)
            CU_basic_run_test(s, t);
        else
            CU_basic_run_suite(s);
    } else {
        CU_basic_run_tests();
    }
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (run == 0) {
        fprintf(stderr, "run_tests: no test ran\n");
        return 2;
    }
    return failed ? 1 : 0;
}
