/*
 * run.c - a grading run: one CUnit suite per task, every computation with
 * student code in the sandbox (lg_grade_call), the scores.
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
 * list; the grading then runs in a forked copy of the grading process (the
 * proc helper), which sends back the scores and the table. Either way the
 * process that runs the CUnit tests never loads a student's object.
 *
 * Limits of each computation: lg_limits_default(), and 60 s of computation
 * for a whole submission (so one that hangs in every test is graded within
 * about a minute: the tests after that fail "not run"); or the environment
 * variable LITGAN_GRADE_LIMITS="cpu=S,wall=S,memory=MIB,total=S" (any
 * subset), e.g. for a slow autograder machine or for short test runs.
 */
#include "grade_impl.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAX_FAILURES_SHOWN 5 /* lines of one test's failures; then "and N more" */

static const lg_submission *g_sub; /* the submission being graded */
static double g_deadline;          /* lg_now() by which its computations must be done */

const lg_submission *lg_grade_submission(void) { return g_sub; }

/* ---------------------------------------------------------------- limits --- */

/* Seconds of computation a submission gets in all: one that hangs in every
 * test is graded within this (and the time of the tests themselves). */
#define TOTAL_SECONDS 60.0

static lg_limits grade_limits(double *total)
{
    lg_limits lim = lg_limits_default();
    *total = TOTAL_SECONDS;
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
        else if (eq && v > 0 && !strncmp(kv, "total=", 6))
            *total = v;
        else {
            static bool warned;
            if (!warned)
                fprintf(stderr, "litgan: ignoring '%s' in LITGAN_GRADE_LIMITS (keys: cpu=S, "
                                "wall=S, memory=MiB, total=S)\n", kv);
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

/* What the last computation printed (its start): the checks after it look
 * for a GSL error there. */
static char g_last_output[sizeof(((lg_child_result *)0)->output)];

const char *lg_grade_last_output(void) { return g_last_output; }

/* The first "gsl: " line of output, one line, after "; " in dst (or nothing). */
static void gsl_note(char *dst, size_t cap, const char *output)
{
    dst[0] = '\0';
    for (const char *l = output; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, "gsl: ", 5)) {
            const char *end = strchr(l, '\n');
            size_t k = (size_t)snprintf(dst, cap, "; it printed: ");
            if (k < cap)
                lg_text_clean(dst + k, cap - k, l, end ? (size_t)(end - l) : strlen(l), 0);
            return;
        }
}

int lg_grade_call(const char *fn, const void *arg, size_t arg_size, double *out, size_t n, const char *input)
{
    LG_ASSERT(g_sub, "lg_grade_call is for grading tests run by lg_grade_lab");
    const char *in = input && *input ? input : "(none)";
    g_last_output[0] = '\0';
    double total;
    lg_limits lim = grade_limits(&total);
    double left = g_deadline - lg_now();
    if (left < 0.1) {
        record_failure("input: %s; not run: this submission used up its %g s of computation", in, total);
        return 0;
    }
    lim.wall_seconds = fmin(lim.wall_seconds, floor(left * 10) / 10); /* "timed out after 1.4 s" */
    lim.cpu_seconds = fmin(lim.cpu_seconds, ceil(left));
    lg_child_result r;
    if (lg_sandbox_run(g_sub, fn, arg, arg_size, out, n, &lim, &r) != LG_OK) {
        record_failure("input: %s; the grader could not run the code: %s", in, lg_errmsg());
        return 0;
    }
    snprintf(g_last_output, sizeof g_last_output, "%s", r.output);
    if (!r.ok) {
        char note[400];
        gsl_note(note, sizeof note, r.output);
        record_failure("input: %s; %s%s", in, r.why[0] ? r.why : "failed", note);
        return 0;
    }
    if (r.n != n) {
        record_failure("input: %s; returned %zu value%s where %zu were expected", in, r.n,
                       r.n == 1 ? "" : "s", n);
        return 0;
    }
    /* NaN and Inf are values the checks compare and explain; a stub left in
     * place is not a mistake to explain but work to do */
    char todo[256];
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i]) && todo_line(r.output, todo, sizeof todo)) {
            record_failure("input: %s; %s", in, todo);
            return 0;
        }
    return 1;
}

/* ----------------------------------------------------- running the tests --- */

/* The failures CUnit recorded in the last CU_run_test, one line each
 * (sanitised here, so a newline in the result can only be this join), the
 * first MAX_FAILURES_SHOWN of them and "and N more". */
static char *collect_failures(void)
{
    lg_strvec lines = { 0 };
    size_t count = 0;
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext, count++)
        if (count < MAX_FAILURES_SHOWN) {
            char *one = lg_text_sanitize(f->strCondition ? f->strCondition : "failed", LG_TEXT_MAX, 0);
            lg_strvec_push(&lines, one);
            free(one);
        }
    if (count > MAX_FAILURES_SHOWN) {
        char more[64];
        snprintf(more, sizeof more, "and %zu more", count - MAX_FAILURES_SHOWN);
        lg_strvec_push(&lines, more);
    }
    size_t len = 0;
    for (size_t i = 0; i < lines.n; i++)
        len += strlen(lines.w[i]) + 1;
    char *s = lg_xmalloc(len + 8);
    s[0] = '\0';
    for (size_t i = 0, k = 0; i < lines.n; i++)
        k += (size_t)sprintf(s + k, "%s%s", i ? "\n" : "", lines.w[i]);
    if (!lines.n)
        strcpy(s, "failed");
    lg_strvec_free(&lines);
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
                      lg_grade_outcome *o)
{
    double t0 = lg_now();
    lg_outcome_init(o, lab->n_tasks);
    size_t n = 0;
    const lg_grade_test *tests = lg_lab_tests(lab, &n);
    char msg[512];
    if (n == 0) {
        snprintf(msg, sizeof msg, "lab %02d has no grading tests registered", lab->number);
        return lg_outcome_error(o, LG_EFORMAT, msg);
    }
    lg_grade_rec *recs = lg_xcalloc(n, sizeof *recs);
    size_t *count = lg_xcalloc(lab->n_tasks, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        recs[i].t = &tests[i];
        recs[i].task = task_of(lab, tests[i].task);
        if (recs[i].task == lab->n_tasks) {
            snprintf(msg, sizeof msg, "lab %02d: test '%s' belongs to task %s, which the lab "
                     "does not list", lab->number, tests[i].name, tests[i].task);
            free(recs);
            free(count);
            return lg_outcome_error(o, LG_EFORMAT, msg);
        }
        snprintf(recs[i].number, sizeof recs[i].number, "%s.%zu", tests[i].task,
                 ++count[recs[i].task]);
    }
    free(count);

    lg_submission sub;
    if (lg_submission_build(lab, subdir, &sub) != LG_OK) {
        free(recs);
        return lg_outcome_error(o, LG_EIO, lg_errmsg());
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
    double total;
    grade_limits(&total);
    g_deadline = lg_now() + total;
    for (size_t i = 0; i < n; i++) {
        CU_ErrorCode e = CU_run_test(&suites[recs[i].task], &cts[i]);
        bool failed = CU_get_number_of_failures() > 0 || CU_get_number_of_failure_records() > 0;
        recs[i].passed = e == CUE_SUCCESS && !failed;
        if (!recs[i].passed)
            recs[i].msg = failed ? collect_failures() : lg_xstrdup(CU_get_error_msg());
        g_last_output[0] = '\0';
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

    /* the table, results.json */
    char summary[2048];
    lg_grade_table(f, lab, subdir, &sub, recs, n, o, summary, sizeof summary);
    int rc = o->rc;
    if (json_path &&
        lg_grade_json(json_path, recs, n, o, summary, lg_now() - t0) != LG_OK)
        rc = lg_outcome_error(o, LG_EIO, lg_errmsg());
    lg_submission_free(&sub);
    for (size_t i = 0; i < n; i++)
        free(recs[i].msg);
    free(recs);
    free(cts);
    free(suites);
    free(suite_names);
    return rc;
}

/* A grading run in a forked copy: the table and the numbers come back
 * through the channel. */
typedef struct grade_job {
    const lg_lab *lab;
    const char *subdir, *json_path;
} grade_job;

static int grade_child(void *ctx, int chan)
{
    const grade_job *j = ctx;
    char *table = NULL;
    size_t table_len = 0;
    FILE *mem = open_memstream(&table, &table_len);
    lg_grade_outcome mine;
    if (!mem)
        return 3;
    grade_here(j->lab, j->subdir, j->json_path, mem, &mine);
    fclose(mem);
    lg_outcome_send(chan, &mine, table, table_len);
    return 0;
}

/* Grade, in a forked copy when a CUnit run is in progress in this process. */
int lg_grade_collect(const lg_lab *lab, const char *subdir, const char *json_path, FILE *f,
                     lg_grade_outcome *o)
{
    if (!CU_is_test_running()) {
        int rc = grade_here(lab, subdir, json_path, f, o);
        if (rc != LG_OK && rc != LG_EINVAL)
            lg_seterr(rc, "%s", o->err);
        return rc;
    }
    lg_outcome_init(o, lab->n_tasks);
    grade_job job = { lab, subdir, json_path };
    lg_proc_spec spec = { .fn = grade_child, .ctx = &job, .chan_cap = (size_t)1 << 28 };
    lg_proc_result pr;
    if (lg_proc_run(&spec, &pr) != LG_OK)
        return lg_seterr(lg_outcome_error(o, LG_EIO, lg_errmsg()), "%s", o->err);
    int status = pr.status;
    const char *buf = pr.chan;
    size_t len = pr.chan_over ? 0 : pr.n_chan;
    const char *table = NULL;
    size_t table_len = 0;
    int rc;
    if (!lg_outcome_parse(buf, len, lab->n_tasks, o, &table, &table_len)) {
        char msg[128];
        snprintf(msg, sizeof msg, "the grading process died (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        rc = lg_seterr(lg_outcome_error(o, LG_EIO, msg), "%s", msg);
    } else {
        fwrite(table, 1, table_len, f);
        fflush(f);
        rc = o->rc;
        if (rc != LG_OK && rc != LG_EINVAL)
            lg_seterr(rc, "%s", o->err);
    }
    lg_proc_result_free(&pr);
    return rc;
}

int lg_grade_lab(const lg_lab *lab, const char *submission_dir, const char *json_path, FILE *f,
                 double *score, double *max_score)
{
    /* no process of this user may read this one's memory (/proc/PID/mem): where
     * the sandbox is weaker, the runner is this user */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct stat st;
    if (submission_dir && (stat(submission_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        if (score)
            *score = 0;
        if (max_score)
            *max_score = 0;
        return lg_seterr(LG_EIO, "submission folder %s not found", submission_dir);
    }
    lg_grade_outcome o;
    int rc = lg_grade_collect(lab, submission_dir, json_path, f, &o);
    if (score)
        *score = o.score;
    if (max_score)
        *max_score = o.max;
    lg_outcome_free(&o);
    return rc;
}

