/*
 * records.c - what a grade file says about the grader that wrote it, so an
 * instructor can tell whether two grades were given by the same grader:
 *   version    lg_version() of the engine;
 *   tests      a CRC-32 (zlib) of the lab's tests: the bytes of every object
 *              file that holds one of its test functions (found with dladdr:
 *              lab.so and hidden.so for a built lab; the program itself for a
 *              lab registered from tables), in the order of their paths, then
 *              one line per test - task, name, points, visibility - in sorted
 *              order; tests_of names the objects ("lab.so+hidden.so");
 *   compiler   the first line of `cc --version` (the compiler that builds the
 *              submissions), "unknown" when it does not run;
 *   blas       the grading process's BLAS: OpenBLAS's configuration string
 *              (openblas_get_config, a weak reference) or "unknown".
 * results.json carries them in extra_data.litgan (Gradescope keeps extra_data
 * and shows it to no one), grades.csv in its last four columns.
 */
#include "grade_impl.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

extern char *openblas_get_config(void) __attribute__((weak));

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The per-process part: version, compiler, BLAS (asked once). */
static void process_records(lg_grade_records *r)
{
    static lg_grade_records cached;
    static bool done;
    if (!done) {
        done = true;
        snprintf(cached.version, sizeof cached.version, "%s", lg_version());
        snprintf(cached.compiler, sizeof cached.compiler, "unknown");
        char *argv[] = { "cc", "--version", NULL };
        lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .discard = LG_PROC_ERR,
                           .out_cap = 4096, .timeout = 10 };
        lg_proc_result pr;
        if (lg_proc_run(&s, &pr) == LG_OK) {
            size_t line = strcspn(pr.out, "\n");
            if (lg_proc_exited_ok(&pr) && line > 0)
                lg_text_clean(cached.compiler, sizeof cached.compiler, pr.out, line, 0);
            lg_proc_result_free(&pr);
        }
        const char *blas = openblas_get_config ? openblas_get_config() : NULL;
        lg_text_clean(cached.blas, sizeof cached.blas, blas ? blas : "unknown",
                      strlen(blas ? blas : "unknown"), 0);
        /* "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 " */
        size_t bl = strlen(cached.blas);
        while (bl && cached.blas[bl - 1] == ' ')
            cached.blas[--bl] = '\0';
    }
    snprintf(r->version, sizeof r->version, "%s", cached.version);
    snprintf(r->compiler, sizeof r->compiler, "%s", cached.compiler);
    snprintf(r->blas, sizeof r->blas, "%s", cached.blas);
}

void lg_grade_records_warm(void)
{
    lg_grade_records r;
    process_records(&r);
}

void lg_grade_records_get(const lg_grade_test *const *tests, size_t n, lg_grade_records *r)
{
    memset(r, 0, sizeof *r);
    process_records(r);
    /* the objects that hold the test functions, in the order of their paths */
    lg_strvec objs = { 0 }, lines = { 0 };
    for (size_t i = 0; i < n; i++) {
        Dl_info info;
        void *fn;
        memcpy(&fn, &tests[i]->fn, sizeof fn);
        if (dladdr(fn, &info) && info.dli_fname && *info.dli_fname) {
            bool seen = false;
            for (size_t k = 0; k < objs.n && !seen; k++)
                seen = strcmp(objs.w[k], info.dli_fname) == 0;
            if (!seen)
                lg_strvec_push(&objs, info.dli_fname);
        }
        char line[1024];
        snprintf(line, sizeof line, "%s\t%s\t%.17g\t%s\n", tests[i]->task, tests[i]->name,
                 tests[i]->points, tests[i]->visibility == LG_HIDDEN ? "hidden" : "visible");
        lg_strvec_push(&lines, line);
    }
    if (objs.n > 1)
        qsort(objs.w, objs.n, sizeof *objs.w, cmp_str);
    if (lines.n > 1)
        qsort(lines.w, lines.n, sizeof *lines.w, cmp_str);
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t off = 0;
    for (size_t k = 0; k < objs.n; k++) {
        size_t len = 0;
        char *bytes = lg_read_file(objs.w[k], &len);
        if (bytes) /* an object that cannot be read counts by its name */
            crc = crc32(crc, (const Bytef *)bytes, (uInt)len);
        else
            crc = crc32(crc, (const Bytef *)objs.w[k], (uInt)strlen(objs.w[k]));
        free(bytes);
        if (off < sizeof r->tests_of)
            off += (size_t)snprintf(r->tests_of + off, sizeof r->tests_of - off, "%s%s",
                                    k ? "+" : "", lg_sbx_base_name(objs.w[k]));
    }
    for (size_t k = 0; k < lines.n; k++)
        crc = crc32(crc, (const Bytef *)lines.w[k], (uInt)strlen(lines.w[k]));
    if (!objs.n)
        snprintf(r->tests_of, sizeof r->tests_of, "the test table");
    snprintf(r->tests_crc32, sizeof r->tests_crc32, "%08lx", (unsigned long)crc);
    lg_strvec_free(&objs);
    lg_strvec_free(&lines);
}

void lg_grade_records_of_lab(const lg_lab *lab, lg_grade_records *r)
{
    size_t n = 0;
    const lg_grade_test *tests = lg_lab_tests(lab, &n);
    const lg_grade_test **ptrs = lg_xcalloc(n ? n : 1, sizeof *ptrs);
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &tests[i];
    lg_grade_records_get(ptrs, n, r);
    free(ptrs);
}
