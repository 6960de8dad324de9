/*
 * grade.c - grading a lab: one CUnit suite per task, every computation with
 * student code in the sandbox (sandbox.c), a per-task table, a Gradescope
 * results.json, and `litgan grade` / `litgan grade-all`.
 *
 * The tests of a lab are CUnit test functions that run in the grading process:
 * they hold the inputs, the expected values and the assertions, and call
 * lg_grade_call() for anything that needs the student's code. A test passes
 * when it recorded no failure; the score is the sum of the points of the
 * tests that passed.
 *
 * CUnit keeps its run state (current test, failure list, counts) in globals.
 * The suites here are built by hand (CU_Suite / CU_Test records, no registry)
 * and run one test at a time with CU_run_test, which needs no registry. When
 * lg_grade_lab is itself called from inside a running CUnit test (the test
 * suite of litgan), a nested CU_run_test would wipe the outer run's failure
 * list; the grading then runs in a forked copy of the grading process, which
 * sends back the scores and the table. Either way the process that runs the
 * CUnit tests never loads a student's object.
 *
 * Limits of each child computation: lg_limits_default(), or the environment
 * variable LITGAN_GRADE_LIMITS="cpu=SECONDS,wall=SECONDS,memory=MIB" (any
 * subset), e.g. for a slow autograder machine or for short test runs.
 *
 * results.json follows Gradescope's autograder schema: score, max_score,
 * output, execution_time, tests[] with name, number, score, max_score, status
 * ("passed" / "failed"), output and visibility ("visible" / "hidden"). It is
 * written to a temporary file next to the target and renamed over it once
 * every test has run, so it is never seen half written.
 */
#include "lg_course.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FAILURES_SHOWN 3

static const lg_submission *g_sub; /* the submission being graded */

const lg_submission *lg_grade_submission(void) { return g_sub; }

/* ---------------------------------------------------------------- limits --- */

static lg_limits grade_limits(void)
{
    lg_limits lim = lg_limits_default();
    const char *env = getenv("LITGAN_GRADE_LIMITS");
    if (!env || !*env)
        return lim;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", env);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        double v = eq ? strtod(eq + 1, NULL) : 0;
        if (eq && v > 0 && !strncmp(kv, "cpu=", 4))
            lim.cpu_seconds = v;
        else if (eq && v > 0 && !strncmp(kv, "wall=", 5))
            lim.wall_seconds = v;
        else if (eq && v > 0 && !strncmp(kv, "memory=", 7))
            lim.memory_bytes = (size_t)(v * 1048576.0);
        else {
            static bool warned;
            if (!warned)
                fprintf(stderr, "litgan: ignoring '%s' in LITGAN_GRADE_LIMITS (keys: cpu=S, "
                                "wall=S, memory=MiB)\n", kv);
            warned = true;
        }
    }
    return lim;
}

/* ------------------------------------------------------- test assertions --- */

static void record_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record_failure(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, 0, msg, "grade", "", CU_FALSE);
}

/* "Task 1.3 is not implemented yet" printed by lg_todo_value, if present. */
static bool todo_line(const char *output, char *dst, size_t cap)
{
    const char *hit = strstr(output, " is not implemented yet");
    if (!hit)
        return false;
    const char *start = hit;
    while (start > output && start[-1] != '\n')
        start--;
    if (strncmp(start, "Task ", 5) != 0)
        return false;
    snprintf(dst, cap, "%.*s", (int)(hit - start) + 23, start);
    return true;
}

static const char *nonfinite_name(double v)
{
    return isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

int lg_grade_call(lg_child_fn fn, const void *arg, double *out, size_t n, const char *input)
{
    LG_ASSERT(g_sub, "lg_grade_call is for grading tests run by lg_grade_lab");
    const char *in = input && *input ? input : "(none)";
    lg_limits lim = grade_limits();
    lg_child_result r;
    if (lg_sandbox_run(g_sub, fn, arg, out, n, &lim, &r) != LG_OK) {
        record_failure("input: %s; the grader could not run the code: %s", in, lg_errmsg());
        return 0;
    }
    if (!r.ok) {
        record_failure("input: %s; %s", in, r.why[0] ? r.why : "failed");
        return 0;
    }
    if (r.n != n) {
        record_failure("input: %s; returned %zu value%s where %zu were expected", in, r.n,
                       r.n == 1 ? "" : "s", n);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i])) {
            char todo[256];
            if (todo_line(r.output, todo, sizeof todo))
                record_failure("input: %s; %s", in, todo);
            else if (n == 1)
                record_failure("input: %s; the result is %s", in, nonfinite_name(out[i]));
            else
                record_failure("input: %s; value %zu of %zu is %s", in, i + 1, n,
                               nonfinite_name(out[i]));
            return 0;
        }
    return 1;
}

void lg_grade_close(double actual, double expected, double tol, const char *input,
                    const char *hint, const char *file, int line)
{
    double scale = fmax(1.0, fabs(expected));
    bool ok = isfinite(actual) && fabs(actual - expected) <= tol * scale;
    if (ok) {
        CU_assertImplementation(CU_TRUE, (unsigned)line, "close", file, "", CU_FALSE);
        return;
    }
    /* enough digits to see a difference at the tolerance */
    int digits = (int)ceil(-log10(tol > 0 ? tol : 1e-17)) + 2;
    digits = digits < 4 ? 4 : digits > 17 ? 17 : digits;
    char msg[1024];
    snprintf(msg, sizeof msg, "input: %s; expected %.*g, got %.*g%s%s",
             input && *input ? input : "(none)", digits, expected, digits, actual,
             hint && *hint ? "; hint: " : "", hint && *hint ? hint : "");
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

/* ------------------------------------------------------------- outcomes --- */

typedef struct test_rec {
    const lg_grade_test *t;
    size_t task;              /* index in lab->tasks */
    char number[32];          /* "1.1.2" */
    bool passed;
    char *msg;                /* failures, joined; NULL when passed */
} test_rec;

/* What grading one submission gives, as sent between processes. */
typedef struct grade_outcome {
    int rc;                   /* LG_OK, LG_EINVAL (a test failed), else a grader error */
    double score, max;
    size_t n_tasks;
    double *task_score, *task_max;
    char err[512];
} grade_outcome;

static void outcome_init(grade_outcome *o, size_t n_tasks)
{
    memset(o, 0, sizeof *o);
    o->n_tasks = n_tasks;
    o->task_score = lg_xcalloc(n_tasks ? n_tasks : 1, sizeof(double));
    o->task_max = lg_xcalloc(n_tasks ? n_tasks : 1, sizeof(double));
}

static void outcome_free(grade_outcome *o)
{
    free(o->task_score);
    free(o->task_max);
    o->task_score = o->task_max = NULL;
}

static int outcome_error(grade_outcome *o, int rc, const char *msg)
{
    o->rc = rc;
    snprintf(o->err, sizeof o->err, "%s", msg);
    return rc;
}

/* Points: one decimal, two when needed (0.25). */
static const char *pts(char *buf, size_t cap, double v)
{
    if (fabs(v * 10 - round(v * 10)) < 1e-9)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.2f", v);
    return buf;
}

/* --------------------------------------------------------------- JSON --- */

/* A JSON string: escapes, and invalid UTF-8 replaced by U+FFFD. */
static void json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            p++;
        } else if (c == '\n') {
            fputs("\\n", f);
            p++;
        } else if (c == '\t') {
            fputs("\\t", f);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            /* length of a well-formed UTF-8 sequence starting here, or 0 */
            size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                       : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            for (size_t k = 1; k < len; k++)
                if ((p[k] & 0xc0) != 0x80)
                    len = 0;
            if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
                len = 0; /* overlong, surrogate */
            if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
                len = 0;
            if (len) {
                fwrite(p, 1, len, f);
                p += len;
            } else {
                fputs("\\ufffd", f);
                p++;
            }
        }
    }
    fputc('"', f);
}

/* Open a temporary file next to path; lg_commit_file renames it over path. */
static FILE *open_temp(const char *path, char *tmp, size_t cap)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (lg_mkdir_p(dir) != LG_OK)
            return NULL;
    }
    snprintf(tmp, cap, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    return f;
}

static int commit_temp(FILE *f, const char *tmp, const char *path)
{
    bool ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return LG_OK;
}

static int write_results_json(const char *path, const test_rec *recs, size_t n,
                              const grade_outcome *o, const char *summary, double seconds)
{
    char tmp[4200];
    FILE *f = open_temp(path, tmp, sizeof tmp);
    if (!f)
        return LG_EIO;
    fprintf(f, "{\n  \"score\": %.10g,\n  \"max_score\": %.10g,\n", o->score, o->max);
    fputs("  \"output\": ", f);
    json_string(f, summary);
    fprintf(f, ",\n  \"execution_time\": %.3f,\n  \"tests\": [", seconds);
    for (size_t i = 0; i < n; i++) {
        const test_rec *r = &recs[i];
        char name[512];
        snprintf(name, sizeof name, "Task %s: %s", r->t->task, r->t->name);
        fputs(i ? ",\n    {" : "\n    {", f);
        fputs("\"name\": ", f);
        json_string(f, name);
        fputs(", \"number\": ", f);
        json_string(f, r->number);
        fprintf(f, ", \"score\": %.10g, \"max_score\": %.10g, \"status\": \"%s\", \"output\": ",
                r->passed ? r->t->points : 0.0, r->t->points, r->passed ? "passed" : "failed");
        json_string(f, r->passed ? "passed" : r->msg);
        fprintf(f, ", \"visibility\": \"%s\"}",
                r->t->visibility == LG_HIDDEN ? "hidden" : "visible");
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    return commit_temp(f, tmp, path);
}

/* ----------------------------------------------------- running the tests --- */

/* The failures CUnit recorded in the last CU_run_test, joined. */
static char *collect_failures(void)
{
    size_t cap = 256, len = 0, count = 0;
    char *s = lg_xmalloc(cap);
    s[0] = '\0';
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext, count++) {
        if (count >= MAX_FAILURES_SHOWN)
            continue;
        const char *c = f->strCondition ? f->strCondition : "failed";
        size_t need = len + strlen(c) + 8;
        if (need > cap) {
            cap = 2 * need;
            s = lg_xrealloc(s, cap);
        }
        len += (size_t)sprintf(s + len, "%s%s", len ? " | " : "", c);
    }
    if (count > MAX_FAILURES_SHOWN) {
        s = lg_xrealloc(s, len + 64);
        sprintf(s + len, " (and %zu more)", count - MAX_FAILURES_SHOWN);
    }
    if (!s[0]) {
        free(s);
        s = lg_xstrdup("failed");
    }
    return s;
}

static size_t task_of(const lg_lab *lab, const char *task)
{
    for (size_t i = 0; i < lab->n_tasks; i++)
        if (strcmp(lab->tasks[i].number, task) == 0)
            return i;
    return lab->n_tasks;
}

/* Grade in this process: table on f, JSON to json_path, numbers in o. */
static int grade_here(const lg_lab *lab, const char *subdir, const char *json_path, FILE *f,
                      grade_outcome *o)
{
    double t0 = lg_now();
    outcome_init(o, lab->n_tasks);
    size_t n = 0;
    const lg_grade_test *tests = lg_lab_tests(lab, &n);
    char msg[512];
    if (n == 0) {
        snprintf(msg, sizeof msg, "lab %02d has no grading tests registered", lab->number);
        return outcome_error(o, LG_EFORMAT, msg);
    }
    test_rec *recs = lg_xcalloc(n, sizeof *recs);
    size_t *count = lg_xcalloc(lab->n_tasks, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        recs[i].t = &tests[i];
        recs[i].task = task_of(lab, tests[i].task);
        if (recs[i].task == lab->n_tasks) {
            snprintf(msg, sizeof msg, "lab %02d: test '%s' belongs to task %s, which the lab "
                     "does not list", lab->number, tests[i].name, tests[i].task);
            free(recs);
            free(count);
            return outcome_error(o, LG_EFORMAT, msg);
        }
        snprintf(recs[i].number, sizeof recs[i].number, "%s.%zu", tests[i].task,
                 ++count[recs[i].task]);
    }
    free(count);

    lg_submission sub;
    if (lg_submission_build(lab, subdir, &sub) != LG_OK) {
        free(recs);
        return outcome_error(o, LG_EIO, lg_errmsg());
    }

    /* CUnit: hand-made suites (one per task), one CU_run_test per test; the
     * run handlers (a runner's printing) are off meanwhile */
    CU_TestStartMessageHandler h_start = CU_get_test_start_handler();
    CU_TestCompleteMessageHandler h_done = CU_get_test_complete_handler();
    CU_AllTestsCompleteMessageHandler h_all = CU_get_all_test_complete_handler();
    CU_SuiteStartMessageHandler h_sstart = CU_get_suite_start_handler();
    CU_SuiteCompleteMessageHandler h_sdone = CU_get_suite_complete_handler();
    CU_SuiteInitFailureMessageHandler h_init = CU_get_suite_init_failure_handler();
    CU_SuiteCleanupFailureMessageHandler h_clean = CU_get_suite_cleanup_failure_handler();
    CU_set_test_start_handler(NULL);
    CU_set_test_complete_handler(NULL);
    CU_set_all_test_complete_handler(NULL);
    CU_set_suite_start_handler(NULL);
    CU_set_suite_complete_handler(NULL);
    CU_set_suite_init_failure_handler(NULL);
    CU_set_suite_cleanup_failure_handler(NULL);

    CU_Suite *suites = lg_xcalloc(lab->n_tasks, sizeof *suites);
    CU_Test *cts = lg_xcalloc(n, sizeof *cts);
    char (*suite_names)[96] = lg_xcalloc(lab->n_tasks, sizeof *suite_names);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        snprintf(suite_names[k], sizeof suite_names[k], "Task %s", lab->tasks[k].number);
        suites[k].pName = suite_names[k];
        suites[k].fActive = CU_TRUE;
    }
    for (size_t i = 0; i < n; i++) {
        CU_Suite *s = &suites[recs[i].task];
        cts[i].pName = recs[i].number; /* unique within the suite */
        cts[i].fActive = CU_TRUE;
        cts[i].pTestFunc = recs[i].t->fn;
        /* append to the suite's list */
        CU_Test **tail = &s->pTest;
        CU_Test *prev = NULL;
        while (*tail) {
            prev = *tail;
            tail = &(*tail)->pNext;
        }
        *tail = &cts[i];
        cts[i].pPrev = prev;
        s->uiNumberOfTests++;
    }
    g_sub = &sub;
    for (size_t i = 0; i < n; i++) {
        CU_ErrorCode e = CU_run_test(&suites[recs[i].task], &cts[i]);
        bool failed = CU_get_number_of_failures() > 0 || CU_get_number_of_failure_records() > 0;
        recs[i].passed = e == CUE_SUCCESS && !failed;
        if (!recs[i].passed)
            recs[i].msg = failed ? collect_failures() : lg_xstrdup(CU_get_error_msg());
    }
    g_sub = NULL;
    CU_clear_previous_results();
    CU_set_test_start_handler(h_start);
    CU_set_test_complete_handler(h_done);
    CU_set_all_test_complete_handler(h_all);
    CU_set_suite_start_handler(h_sstart);
    CU_set_suite_complete_handler(h_sdone);
    CU_set_suite_init_failure_handler(h_init);
    CU_set_suite_cleanup_failure_handler(h_clean);

    /* scores */
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        o->task_max[recs[i].task] += recs[i].t->points;
        o->max += recs[i].t->points;
        if (recs[i].passed) {
            o->task_score[recs[i].task] += recs[i].t->points;
            o->score += recs[i].t->points;
        } else {
            all = false;
        }
    }
    o->rc = all ? LG_OK : LG_EINVAL;

    /* the table */
    char a[32], b[32], summary[2048];
    size_t sl = (size_t)snprintf(summary, sizeof summary, "Lab %02d (%s): %s / %s points",
                                 lab->number, lab->title, pts(a, sizeof a, o->score),
                                 pts(b, sizeof b, o->max));
    fprintf(f, "Lab %02d  %s\n", lab->number, lab->title);
    if (subdir)
        fprintf(f, "Submission: %s\n", subdir);
    else
        fprintf(f, "Submission: the source tree (%s)\n", lg_source_root());
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub.compile_error[i][0]) {
            const char *base = strrchr(lab->files[i], '/') ? strrchr(lab->files[i], '/') + 1
                                                          : lab->files[i];
            char line[700];
            if (strstr(sub.compile_error[i], " is not in ") ||
                strstr(sub.compile_error[i], " is missing "))
                snprintf(line, sizeof line, "%s", sub.compile_error[i]);
            else
                snprintf(line, sizeof line, "%s did not compile: %s", base, sub.compile_error[i]);
            fprintf(f, "  %s\n", line);
            if (sl < sizeof summary)
                sl += (size_t)snprintf(summary + sl, sizeof summary - sl, "\n%s", line);
        }
    fputc('\n', f);
    int nw = 0, tw = 24; /* column widths */
    for (size_t k = 0; k < lab->n_tasks; k++) {
        nw = (int)fmax(nw, (double)strlen(lab->tasks[k].number));
        tw = (int)fmax(tw, (double)strlen(lab->tasks[k].title));
    }
    for (size_t k = 0; k < lab->n_tasks; k++) {
        fprintf(f, "Task %-*s  %-*s %6s / %s\n", nw, lab->tasks[k].number, tw, lab->tasks[k].title,
                pts(a, sizeof a, o->task_score[k]), pts(b, sizeof b, o->task_max[k]));
        for (size_t i = 0; i < n; i++)
            if (recs[i].task == k && !recs[i].passed)
                fprintf(f, "  FAIL %s%s (%g pt%s): %s\n", recs[i].t->name,
                        recs[i].t->visibility == LG_HIDDEN ? " [hidden]" : "",
                        recs[i].t->points, recs[i].t->points == 1 ? "" : "s", recs[i].msg);
    }
    fprintf(f, "%-*s %6s / %s\n", 5 + nw + 2 + tw, "Total", pts(a, sizeof a, o->score),
            pts(b, sizeof b, o->max));
    fflush(f);

    int rc = o->rc;
    if (json_path &&
        write_results_json(json_path, recs, n, o, summary, lg_now() - t0) != LG_OK)
        rc = outcome_error(o, LG_EIO, lg_errmsg());
    lg_submission_free(&sub);
    for (size_t i = 0; i < n; i++)
        free(recs[i].msg);
    free(recs);
    free(cts);
    free(suites);
    free(suite_names);
    return rc;
}

/* ------------------------------------------- outcomes between processes --- */

typedef struct wire_head {
    uint32_t magic;
    int32_t rc;
    double score, max;
    uint64_t n_tasks, table_len;
    char err[512];
} wire_head;
#define WIRE_MAGIC 0x3147474cu /* "LGG1" */

static bool put_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static void send_outcome(int fd, const grade_outcome *o, const char *table, size_t table_len)
{
    wire_head h;
    memset(&h, 0, sizeof h);
    h.magic = WIRE_MAGIC;
    h.rc = o->rc;
    h.score = o->score;
    h.max = o->max;
    h.n_tasks = o->n_tasks;
    h.table_len = table_len;
    memcpy(h.err, o->err, sizeof h.err);
    put_all(fd, &h, sizeof h);
    put_all(fd, o->task_score, o->n_tasks * sizeof(double));
    put_all(fd, o->task_max, o->n_tasks * sizeof(double));
    if (table_len)
        put_all(fd, table, table_len);
}

/* Decode a buffer from send_outcome; false when it is not one. */
static bool parse_outcome(const char *buf, size_t len, size_t n_tasks, grade_outcome *o,
                          const char **table, size_t *table_len)
{
    wire_head h;
    if (len < sizeof h)
        return false;
    memcpy(&h, buf, sizeof h);
    if (h.magic != WIRE_MAGIC || h.n_tasks != n_tasks ||
        len != sizeof h + 2 * n_tasks * sizeof(double) + h.table_len)
        return false;
    o->rc = h.rc;
    o->score = h.score;
    o->max = h.max;
    memcpy(o->err, h.err, sizeof o->err);
    o->err[sizeof o->err - 1] = '\0';
    memcpy(o->task_score, buf + sizeof h, n_tasks * sizeof(double));
    memcpy(o->task_max, buf + sizeof h + n_tasks * sizeof(double), n_tasks * sizeof(double));
    if (table) {
        *table = buf + sizeof h + 2 * n_tasks * sizeof(double);
        *table_len = (size_t)h.table_len;
    }
    return true;
}

/* Read fd to its end into a growing buffer. */
static char *read_to_end(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = lg_xmalloc(cap);
    for (;;) {
        if (n == cap)
            b = lg_xrealloc(b, cap *= 2);
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return b;
}

/* Grade, in a forked copy when a CUnit run is in progress in this process. */
static int grade_collect(const lg_lab *lab, const char *subdir, const char *json_path, FILE *f,
                         grade_outcome *o)
{
    if (!CU_is_test_running()) {
        int rc = grade_here(lab, subdir, json_path, f, o);
        if (rc != LG_OK && rc != LG_EINVAL)
            lg_seterr(rc, "%s", o->err);
        return rc;
    }
    int p[2];
    outcome_init(o, lab->n_tasks);
    if (pipe2(p, O_CLOEXEC) != 0)
        return lg_seterr(outcome_error(o, LG_EIO, "cannot make a pipe"), "cannot make a pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return lg_seterr(outcome_error(o, LG_EIO, "cannot fork"), "cannot fork: %s",
                         strerror(errno));
    }
    if (pid == 0) {
        close(p[0]);
        char *table = NULL;
        size_t table_len = 0;
        FILE *mem = open_memstream(&table, &table_len);
        grade_outcome mine;
        if (!mem)
            _exit(3);
        grade_here(lab, subdir, json_path, mem, &mine);
        fclose(mem);
        send_outcome(p[1], &mine, table, table_len);
        _exit(0);
    }
    close(p[1]);
    size_t len = 0;
    char *buf = read_to_end(p[0], &len);
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    const char *table = NULL;
    size_t table_len = 0;
    int rc;
    if (!parse_outcome(buf, len, lab->n_tasks, o, &table, &table_len)) {
        char msg[128];
        snprintf(msg, sizeof msg, "the grading process died (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        rc = lg_seterr(outcome_error(o, LG_EIO, msg), "%s", msg);
    } else {
        fwrite(table, 1, table_len, f);
        fflush(f);
        rc = o->rc;
        if (rc != LG_OK && rc != LG_EINVAL)
            lg_seterr(rc, "%s", o->err);
    }
    free(buf);
    return rc;
}

int lg_grade_lab(const lg_lab *lab, const char *submission_dir, const char *json_path, FILE *f,
                 double *score, double *max_score)
{
    grade_outcome o;
    int rc = grade_collect(lab, submission_dir, json_path, f, &o);
    if (score)
        *score = o.score;
    if (max_score)
        *max_score = o.max;
    outcome_free(&o);
    return rc;
}

/* ---------------------------------------------------------- litgan grade --- */

static const char grade_help[] =
    "usage: litgan grade NN [--submission DIR] [--json FILE]\n"
    "\n"
    "Grades lab NN (01 or 01-minimax): builds the lab's student files - from DIR,\n"
    "which holds them by name (gan.c, optimal.c, ...), or from the source tree as it\n"
    "stands - and runs the lab's grading tests, one suite per task. Student code runs\n"
    "only in sandboxed child processes (CPU, memory and wall-clock limits, no files,\n"
    "no new processes); a crash, a hang or a NaN costs only that test's points.\n"
    "\n"
    "Prints a table per task with, for each failed test, the input, the expected and\n"
    "the actual value and a hint. --json FILE also writes Gradescope's results.json.\n"
    "Exit status: 0 when every test passed, 1 when a test failed, 2 on a usage or\n"
    "grader error.\n"
    "\n"
    "Environment: LITGAN_GRADE_LIMITS=cpu=S,wall=S,memory=MiB changes the limits of\n"
    "each computation (default cpu=10,wall=10,memory=1024); LITGAN_HOME the source tree.\n";

int lg_grade_main(int argc, char **argv)
{
    const char *which = NULL, *sub = NULL, *json = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(grade_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--submission") || !strcmp(argv[i], "--json")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litgan grade: %s needs a value (see --help)\n", argv[i]);
                return 2;
            }
            *(argv[i][2] == 's' ? &sub : &json) = argv[i + 1];
            i++;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan grade: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!which) {
            which = argv[i];
        } else {
            fprintf(stderr, "litgan grade: one lab at a time (got '%s' and '%s')\n", which,
                    argv[i]);
            return 2;
        }
    }
    if (!which) {
        fprintf(stderr, "litgan grade: name a lab, e.g. litgan grade 01 (see --help)\n");
        return 2;
    }
    const lg_lab *lab = lg_lab_find(which);
    if (!lab) {
        fprintf(stderr, "litgan grade: %s\n", lg_errmsg());
        return 2;
    }
    struct stat st;
    if (sub && (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "litgan grade: submission folder %s not found\n", sub);
        return 2;
    }
    double score = 0, max = 0;
    int rc = lg_grade_lab(lab, sub, json, stdout, &score, &max);
    if (rc == LG_OK)
        return 0;
    if (rc == LG_EINVAL)
        return 1;
    fprintf(stderr, "litgan grade: %s\n", lg_errmsg());
    return 2;
}

/* ------------------------------------------------------ litgan grade-all --- */

static const char grade_all_help[] =
    "usage: litgan grade-all NN DIR [-j N] [--out OUTDIR]\n"
    "\n"
    "Grades every folder in DIR as a submission of lab NN (as litgan grade NN\n"
    "--submission DIR/NAME), N at a time (default: the number of CPUs). Writes, in\n"
    "OUTDIR (default grades-NN-name): NAME.json (Gradescope results) and NAME.txt (the\n"
    "table) per submission, and grades.csv with one row per submission: submission,\n"
    "score, max_score, then one column per task.\n"
    "Exit status: 0 when every submission was graded (whatever its score), 1 when\n"
    "one could not be graded, 2 on a usage error.\n";

typedef struct sub_job {
    char name[256];
    pid_t pid;
    int fd;
    char *buf;
    size_t len, cap;
    bool done, graded;
    grade_outcome o;
} sub_job;

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static int start_job(const lg_lab *lab, const char *dir, const char *out, sub_job *j)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return lg_seterr(LG_EIO, "cannot make a pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return lg_seterr(LG_EIO, "cannot fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* the same as `litgan grade NN --submission DIR/NAME --json OUT/NAME.json`,
         * with the table in OUT/NAME.txt and the numbers sent back */
        close(p[0]);
        char subdir[4096], json[4096], txt[4096];
        snprintf(subdir, sizeof subdir, "%s/%s", dir, j->name);
        snprintf(json, sizeof json, "%s/%s.json", out, j->name);
        snprintf(txt, sizeof txt, "%s/%s.txt", out, j->name);
        grade_outcome o;
        FILE *f = fopen(txt, "w");
        if (!f) {
            outcome_init(&o, lab->n_tasks);
            outcome_error(&o, LG_EIO, "cannot write the table file");
        } else {
            grade_collect(lab, subdir, json, f, &o);
            fclose(f);
        }
        send_outcome(p[1], &o, NULL, 0);
        _exit(0);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    j->pid = pid;
    j->fd = p[0];
    return LG_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const sub_job *)a)->name, ((const sub_job *)b)->name);
}

int lg_grade_all_main(int argc, char **argv)
{
    const char *which = NULL, *dir = NULL, *out = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(grade_all_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litgan grade-all: %s needs a value (see --help)\n", argv[i]);
                return 2;
            }
            if (argv[i][1] == 'j') {
                char *end;
                jobs = strtol(argv[i + 1], &end, 10);
                if (*end || jobs < 1 || jobs > 256) {
                    fprintf(stderr, "litgan grade-all: -j needs a number from 1 to 256\n");
                    return 2;
                }
            } else {
                out = argv[i + 1];
            }
            i++;
        } else if (!strncmp(argv[i], "-j", 2) && argv[i][2]) {
            char *end;
            jobs = strtol(argv[i] + 2, &end, 10);
            if (*end || jobs < 1 || jobs > 256) {
                fprintf(stderr, "litgan grade-all: -j needs a number from 1 to 256\n");
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan grade-all: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!which) {
            which = argv[i];
        } else if (!dir) {
            dir = argv[i];
        } else {
            fprintf(stderr, "litgan grade-all: unexpected argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (!which || !dir) {
        fprintf(stderr, "litgan grade-all: name a lab and a folder of submissions, e.g. "
                        "litgan grade-all 01 submissions/ (see --help)\n");
        return 2;
    }
    if (jobs < 1)
        jobs = 1;
    const lg_lab *lab = lg_lab_find(which);
    if (!lab) {
        fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
        return 2;
    }
    char out_default[300];
    if (!out) {
        snprintf(out_default, sizeof out_default, "grades-%s", lab->dir);
        out = out_default;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "litgan grade-all: cannot open %s: %s\n", dir, strerror(errno));
        return 2;
    }
    sub_job *subs = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || strlen(e->d_name) >= 256)
            continue;
        subs = lg_xrealloc(subs, (n + 1) * sizeof *subs);
        memset(&subs[n], 0, sizeof subs[n]);
        snprintf(subs[n].name, sizeof subs[n].name, "%s", e->d_name);
        subs[n].fd = -1;
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "litgan grade-all: no submission folders in %s\n", dir);
        free(subs);
        return 2;
    }
    qsort(subs, n, sizeof *subs, cmp_names);
    if (lg_mkdir_p(out) != LG_OK) {
        fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
        free(subs);
        return 2;
    }

    bool tty = isatty(2);
    size_t next = 0, running = 0, finished = 0, failed_to_grade = 0;
    double t0 = lg_now();
    while (finished < n) {
        while (running < (size_t)jobs && next < n) {
            if (start_job(lab, dir, out, &subs[next]) != LG_OK) {
                outcome_init(&subs[next].o, lab->n_tasks);
                outcome_error(&subs[next].o, LG_EIO, lg_errmsg());
                subs[next].done = true;
                finished++;
                failed_to_grade++;
            } else {
                running++;
            }
            next++;
        }
        /* wait for output or the end of any running job */
        struct pollfd fds[256];
        size_t idx[256], nf = 0;
        for (size_t i = 0; i < next && nf < 256; i++)
            if (subs[i].fd >= 0) {
                fds[nf] = (struct pollfd){ .fd = subs[i].fd, .events = POLLIN };
                idx[nf++] = i;
            }
        if (nf == 0)
            continue;
        poll(fds, nf, 1000);
        for (size_t k = 0; k < nf; k++) {
            sub_job *j = &subs[idx[k]];
            for (;;) {
                if (j->len == j->cap) {
                    j->cap = j->cap ? 2 * j->cap : 4096;
                    j->buf = lg_xrealloc(j->buf, j->cap);
                }
                ssize_t r = read(j->fd, j->buf + j->len, j->cap - j->len);
                if (r > 0) {
                    j->len += (size_t)r;
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EINTR))
                    break;
                /* end of file: the job is over */
                close(j->fd);
                j->fd = -1;
                int status;
                while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
                    ;
                outcome_init(&j->o, lab->n_tasks);
                j->graded = parse_outcome(j->buf, j->len, lab->n_tasks, &j->o, NULL, NULL) &&
                            (j->o.rc == LG_OK || j->o.rc == LG_EINVAL);
                if (!j->graded) {
                    if (!j->o.err[0])
                        snprintf(j->o.err, sizeof j->o.err, "the grading process died");
                    failed_to_grade++;
                }
                j->done = true;
                finished++;
                running--;
                char a[32], b[32];
                if (tty)
                    fprintf(stderr, "\r\033[K");
                if (j->graded)
                    fprintf(stderr, "grade-all: [%zu/%zu] %s: %s / %s%s", finished, n, j->name,
                            pts(a, sizeof a, j->o.score), pts(b, sizeof b, j->o.max),
                            tty ? "" : "\n");
                else
                    fprintf(stderr, "grade-all: [%zu/%zu] %s: not graded: %s\n", finished, n,
                            j->name, j->o.err);
                break;
            }
        }
    }
    if (tty)
        fputc('\n', stderr);

    /* the CSV */
    char csv[4096], tmp[4200];
    snprintf(csv, sizeof csv, "%s/grades.csv", out);
    FILE *f = open_temp(csv, tmp, sizeof tmp);
    int rc = failed_to_grade ? 1 : 0;
    if (!f) {
        fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
        rc = 1;
    } else {
        fputs("submission,score,max_score", f);
        for (size_t k = 0; k < lab->n_tasks; k++) {
            char col[64];
            snprintf(col, sizeof col, "Task %s", lab->tasks[k].number);
            fputc(',', f);
            csv_field(f, col);
        }
        fputc('\n', f);
        for (size_t i = 0; i < n; i++) {
            csv_field(f, subs[i].name);
            if (subs[i].graded) {
                fprintf(f, ",%.10g,%.10g", subs[i].o.score, subs[i].o.max);
                for (size_t k = 0; k < lab->n_tasks; k++)
                    fprintf(f, ",%.10g", subs[i].o.task_score[k]);
            } else {
                fputs(",,", f);
                for (size_t k = 0; k < lab->n_tasks; k++)
                    fputc(',', f);
            }
            fputc('\n', f);
        }
        if (commit_temp(f, tmp, csv) != LG_OK) {
            fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
            rc = 1;
        }
    }
    fprintf(stderr, "grade-all: %zu submission%s of lab %02d in %.1f s; %s, one .json and .txt "
                    "per submission in %s%s\n", n, n == 1 ? "" : "s", lab->number,
            lg_now() - t0, csv, out,
            failed_to_grade ? " (some could not be graded: see above)" : "");
    for (size_t i = 0; i < n; i++) {
        free(subs[i].buf);
        outcome_free(&subs[i].o);
    }
    free(subs);
    return rc;
}
