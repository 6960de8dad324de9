/*
 * grade_impl.h - what the files of core/course/grade/ share (internal to the
 * course library; the interface is the sandbox and grading section of
 * lg_course.h).
 *
 *   run.c      a grading run: the CUnit glue (one hand-made suite per task,
 *              one CU_run_test per test), lg_grade_call, the scores; in a
 *              forked copy when a CUnit run is in progress
 *   check.c    the checks of a test (lg_grade_check): the class of mistake
 *              and the message that names it
 *   outcome.c  the numbers of a grading run, and their wire form between processes
 *   report.c   the per-task table on the terminal and Gradescope's results.json
 *   jobs.c     grade-all (lg_grade_all): submissions graded N at a time, grades.csv
 *   build.c    building a submission (the compiler in a child with a timeout)
 *   sandbox.c  a sandboxed computation: the runner started fresh with its
 *              request, the memory watch, what happened in one line
 *   sbx.c      what the grader and the runner share (/proc, limits, root)
 *   wire.h     the request to the runner and its result frame
 *   text.c     the one sanitiser of student text and the one CSV cell writer
 *   records.c  what a grade file records about its grader (version, tests,
 *              compiler, BLAS)
 *   scratch.c  the build folders: made private, removed on a signal, stale
 *              ones of dead graders cleaned
 * The runner itself (the process that runs student code) is core/course/runner/.
 */
#ifndef LG_GRADE_IMPL_H
#define LG_GRADE_IMPL_H

#include "lg_course.h"
#include "wire.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define LG_NOBODY 65534 /* uid and gid the child and the compiler take when the grader is root */

/* ------------------------------------------------------ sandbox helpers --- */

/* $TMPDIR or /tmp; /tmp also when we are root and $TMPDIR is closed to others. */
const char *lg_sbx_tmp_base(void);
const char *lg_sbx_base_name(const char *path);
/* Give up root: groups, gid, uid; false when the system refuses. */
bool lg_sbx_drop_root(void);
/* Soft and hard limit, no higher than the hard limit there is. */
void lg_sbx_set_limit(int resource, rlim_t value);
const char *lg_sbx_signal_name(int sig);
/* One line of printable text from untrusted bytes. */
void lg_sbx_one_line(char *dst, size_t cap, const char *src, size_t n);
/* Virtual size and resident set of pid (0: this process), in bytes. */
bool lg_sbx_statm(pid_t pid, size_t *vm, size_t *rss);

/* The runner (core/course/runner/): where it is, and what it is told (wire.h). */
const char *lg_sbx_runner_path(void);
/* bubblewrap's arguments (sandbox.c) into argv (room for cap): the base view,
 * the n_ro paths read-only, rw (may be NULL) read-write and the working folder
 * (else /tmp), then "--"; how many. The program and its arguments follow. */
size_t lg_sbx_bwrap_argv(char **argv, size_t cap, const char *const *ro, size_t n_ro, const char *rw);

/* -------------------------------------------------------------- grading --- */

typedef struct lg_grade_rec {
    const lg_grade_test *t;
    size_t task;              /* index in lab->tasks */
    char number[32];          /* "1.1.2" */
    bool passed;
    char *msg;                /* failures, one sanitised line each, joined by '\n'; NULL when passed */
} lg_grade_rec;

/* What grading one submission gives, as sent between processes. */
typedef struct lg_grade_outcome {
    int rc;                   /* LG_OK, LG_EINVAL (a test failed), else a grader error */
    double score, max;
    size_t n_tasks;
    double *task_score, *task_max;
    char err[512];
} lg_grade_outcome;

void lg_outcome_init(lg_grade_outcome *o, size_t n_tasks);
void lg_outcome_free(lg_grade_outcome *o);
int lg_outcome_error(lg_grade_outcome *o, int rc, const char *msg);
/* The wire form: a header, the task scores, then table_len bytes of table. */
void lg_outcome_send(int fd, const lg_grade_outcome *o, const char *table, size_t table_len);
size_t lg_outcome_wire_size(size_t n_tasks, size_t table_len);
bool lg_outcome_parse(const char *buf, size_t len, size_t n_tasks, lg_grade_outcome *o,
                      const char **table, size_t *table_len);

/* Grade (run.c): in this process, or in a forked copy when a CUnit run is in
 * progress here; the table on f, results.json to json_path (may be NULL). */
int lg_grade_collect(const lg_lab *lab, const char *subdir, const char *json_path, FILE *f,
                     lg_grade_outcome *o);

/* What the last lg_grade_call's computation printed (its start; "" before
 * any), for the checks that follow it. */
const char *lg_grade_last_output(void);

/* Points: one decimal, two when needed (0.25). */
const char *lg_grade_pts(char *buf, size_t cap, double v);
/* The per-task table on f; summary gets its first line and the compile errors. */
void lg_grade_table(FILE *f, const lg_lab *lab, const char *subdir, const lg_submission *sub,
                    const lg_grade_rec *recs, size_t n, const lg_grade_outcome *o,
                    char *summary, size_t cap);
/* Gradescope's results.json (jansson), written atomically. */
int lg_grade_json(const char *path, const lg_grade_rec *recs, size_t n, const lg_grade_outcome *o,
                  const char *summary, double seconds);

/* ------------------------------------------------------ build folders --- */

/* scratch.c: a private folder TMP/PREFIX-PID-XXXXXX (0700; handed to nobody by
 * fchown on its descriptor when to_nobody), its path in path; removed on
 * SIGINT, SIGTERM, SIGHUP. Its descriptor (O_DIRECTORY, close-on-exec; owned
 * here, do not close), or -1 with lg_errmsg() set. */
int lg_scratch_make(const char *prefix, bool to_nobody, char *path, size_t cap);
void lg_scratch_remove(const char *path); /* through its descriptor; unregistered */
/* The running tool's process group (0: none), killed with the folders. */
void lg_scratch_set_tool(pid_t pgid);
/* Remove PREFIX-PID-* folders of dead PIDs that are ours; once per process. */
void lg_scratch_clean_stale(const char *prefix);
#define LG_BUILD_PREFIX "litgan-build"

/* ------------------------------------------------- what leaves litgan --- */

/* The sanitiser (text.c): C0 and C1 controls, DEL, invisible reordering
 * characters and invalid UTF-8 replaced (tab, CR, LF by a space; LF kept with
 * LG_TEXT_NEWLINES), at most max bytes of text ("…" ending a cut). */
#define LG_TEXT_MAX 1000 /* bytes of one message in any output */
enum { LG_TEXT_NEWLINES = 1 };
char *lg_text_sanitize(const char *s, size_t max, unsigned flags); /* caller frees */
/* The same into dst (cap bytes with the NUL); the length written. */
size_t lg_text_clean(char *dst, size_t cap, const char *src, size_t n, unsigned flags);
/* One CSV cell of text: sanitised, a leading = + - @ neutralised with a
 * quote (') as spreadsheets expect, quoted when needed (RFC 4180). */
void lg_csv_cell(FILE *f, const char *s);

/* What a grade file records about its grader (records.c). */
typedef struct lg_grade_records {
    char version[32];         /* lg_version() */
    char tests_crc32[16];     /* 8 hex digits */
    char tests_of[256];       /* what the CRC covers: "lab.so+hidden.so" and the test table */
    char compiler[256];       /* `cc --version`, first line */
    char blas[256];           /* openblas_get_config(), or "unknown" */
} lg_grade_records;
/* Of the given tests (the lab's, in any order) / of the lab's tests. */
void lg_grade_records_get(const lg_grade_test *const *tests, size_t n, lg_grade_records *r);
void lg_grade_records_of_lab(const lg_lab *lab, lg_grade_records *r);
/* Ask the compiler and the BLAS now (before forking jobs that would each ask). */
void lg_grade_records_warm(void);
/* A grade file (results.json, NAME.txt, grades.csv): the atomic write, the
 * new file readable by its owner only (0600) whatever the umask or the mode of
 * the file it replaces (report.c). */
int lg_grade_file_open(lg_atomic *a, const char *path);

#endif
