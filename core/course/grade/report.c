/*
 * report.c - what a grading run shows: the per-task table on the terminal
 * (each failed test with its input, expected and actual value and hint) and
 * Gradescope's results.json.
 *
 * results.json follows Gradescope's autograder schema: score, max_score,
 * output, execution_time, tests[] with name, number, score, max_score, status
 * ("passed" / "failed"), output and visibility ("visible" / "hidden"), and
 * extra_data.litgan with the grader's records (records.c). It is built with
 * jansson and written with the one atomic write (lg_atomic_*), readable by its
 * owner only, so it is never seen half written and a --json naming /dev/null
 * writes through it.
 * Every text that can carry a student's bytes - failure messages, compiler
 * lines, the submission's path - goes through the sanitiser (text.c) on its
 * way out, here and in the JSON: no control character, no invalid UTF-8, at
 * most LG_TEXT_MAX bytes a line. A failed test's message is one line per
 * failure (run.c joins them with newlines after sanitising each): in the table
 * the first follows the test's name and the others are indented below it; in
 * results.json the output keeps the newlines (Gradescope shows them).
 */
#include "grade_impl.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *lg_grade_pts(char *buf, size_t cap, double v)
{
    if (fabs(v * 10 - round(v * 10)) < 1e-9)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.2f", v);
    return buf;
}

/* A test's failures (one line each): the first after the test's name, the
 * others below it, indented, each line sanitised on its own. */
static void put_failures(FILE *f, const char *msg)
{
    const char *m = msg ? msg : "failed";
    for (int k = 0;; k++) {
        const char *end = strchr(m, '\n');
        size_t n = end ? (size_t)(end - m) : strlen(m);
        char line[LG_TEXT_MAX + 1];
        lg_text_clean(line, sizeof line, m, n, 0);
        fprintf(f, "%s%s\n", k ? "       " : " ", line);
        if (!end)
            break;
        m = end + 1;
    }
}

void lg_grade_table(FILE *f, const lg_lab *lab, const char *subdir, const lg_submission *sub,
                    const lg_grade_rec *recs, size_t n, const lg_grade_outcome *o,
                    char *summary, size_t cap)
{
    char a[32], b[32];
    size_t sl = (size_t)snprintf(summary, cap, "Lab %02d (%s): %s / %s points",
                                 lab->number, lab->title, lg_grade_pts(a, sizeof a, o->score),
                                 lg_grade_pts(b, sizeof b, o->max));
    fprintf(f, "Lab %02d  %s\n", lab->number, lab->title);
    if (subdir) {
        char *clean = lg_text_sanitize(subdir, LG_TEXT_MAX, 0);
        fprintf(f, "Submission: %s\n", clean);
        free(clean);
    } else
        fprintf(f, "Submission: the source tree (%s)\n", lab->root);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub->compile_error[i][0]) {
            const char *base = strrchr(lab->files[i], '/') ? strrchr(lab->files[i], '/') + 1
                                                          : lab->files[i];
            char line[700], err[sizeof sub->compile_error[i]];
            lg_text_clean(err, sizeof err, sub->compile_error[i], strlen(sub->compile_error[i]), 0);
            size_t bl = strlen(base); /* "gan.c is a symbolic link: ...", not "gan.c:3:1: ..." */
            if (strstr(err, " is missing ") || (!strncmp(err, base, bl) && err[bl] == ' '))
                snprintf(line, sizeof line, "%s", err);
            else
                snprintf(line, sizeof line, "%s did not compile: %s", base, err);
            fprintf(f, "  %s\n", line);
            if (sl < cap)
                sl += (size_t)snprintf(summary + sl, cap - sl, "\n%s", line);
        }
    fputc('\n', f);
    int nw = 0, tw = 24; /* column widths */
    for (size_t k = 0; k < lab->n_tasks; k++) {
        nw = (int)fmax(nw, (double)strlen(lab->tasks[k].number));
        tw = (int)fmax(tw, (double)strlen(lab->tasks[k].title));
    }
    for (size_t k = 0; k < lab->n_tasks; k++) {
        fprintf(f, "Task %-*s  %-*s %6s / %s\n", nw, lab->tasks[k].number, tw, lab->tasks[k].title,
                lg_grade_pts(a, sizeof a, o->task_score[k]), lg_grade_pts(b, sizeof b, o->task_max[k]));
        for (size_t i = 0; i < n; i++)
            if (recs[i].task == k && !recs[i].passed) {
                fprintf(f, "  FAIL %s%s (%g pt%s):", recs[i].t->name,
                        recs[i].t->visibility == LG_HIDDEN ? " [hidden]" : "",
                        recs[i].t->points, recs[i].t->points == 1 ? "" : "s");
                put_failures(f, recs[i].msg);
            }
    }
    fprintf(f, "%-*s %6s / %s\n", 5 + nw + 2 + tw, "Total", lg_grade_pts(a, sizeof a, o->score),
            lg_grade_pts(b, sizeof b, o->max));
    fflush(f);

}

/* ---------------------------------------------------------- results.json --- */

/* A JSON string of litgan's own text (valid UTF-8 already, but checked). */
static json_t *jstring(const char *s)
{
    char *clean = lg_text_sanitize(s ? s : "", (size_t)1 << 20, LG_TEXT_NEWLINES);
    json_t *v = json_string(clean);
    free(clean);
    return v;
}

/* A JSON string of text that may carry a student's bytes: one line, capped. */
static json_t *jstudent(const char *s, size_t max, unsigned flags)
{
    char *clean = lg_text_sanitize(s ? s : "", max, flags);
    json_t *v = json_string(clean);
    free(clean);
    return v;
}

int lg_grade_file_open(lg_atomic *a, const char *path)
{
    int rc = lg_atomic_open(a, path);
    if (rc == LG_OK && !a->direct && fchmod(fileno(a->f), 0600) != 0) {
        lg_atomic_abort(a);
        rc = lg_seterr(LG_EIO, "cannot write %s: cannot make it private", path);
    }
    return rc;
}

static json_t *records_json(const lg_grade_rec *recs, size_t n)
{
    const lg_grade_test **tests = lg_xcalloc(n ? n : 1, sizeof *tests);
    for (size_t i = 0; i < n; i++)
        tests[i] = recs[i].t;
    lg_grade_records r;
    lg_grade_records_get(tests, n, &r);
    free(tests);
    return json_pack("{s:{s:s, s:s, s:s, s:s, s:s}}", "litgan", "version", r.version, "tests_crc32",
                     r.tests_crc32, "tests_crc32_of", r.tests_of, "compiler", r.compiler, "blas",
                     r.blas);
}

int lg_grade_json(const char *path, const lg_grade_rec *recs, size_t n, const lg_grade_outcome *o,
                  const char *summary, double seconds)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < n; i++) {
        const lg_grade_rec *r = &recs[i];
        char name[512];
        snprintf(name, sizeof name, "Task %s: %s", r->t->task, r->t->name);
        json_array_append_new(
            tests, json_pack("{s:o, s:o, s:f, s:f, s:s, s:o, s:s}", "name", jstring(name),
                             "number", jstring(r->number), "score",
                             r->passed ? r->t->points : 0.0, "max_score", r->t->points, "status",
                             r->passed ? "passed" : "failed", "output",
                             jstudent(r->passed ? "passed" : r->msg, 8 * LG_TEXT_MAX, LG_TEXT_NEWLINES),
                             "visibility",
                             r->t->visibility == LG_HIDDEN ? "hidden" : "visible"));
    }
    /* the summary: litgan's first line, then the compile errors' (each
     * sanitised when the table made them); a few messages' worth at most */
    json_t *doc = json_pack("{s:f, s:f, s:o, s:f, s:o, s:o}", "score", o->score, "max_score", o->max,
                            "output", jstudent(summary, 8 * LG_TEXT_MAX, LG_TEXT_NEWLINES),
                            "execution_time", round(seconds * 1000) / 1000, "tests", tests,
                            "extra_data", records_json(recs, n));
    if (!doc || json_array_size(tests) != n) {
        json_decref(doc);
        return lg_seterr(LG_EIO, "cannot write %s: results.json could not be built", path);
    }
    lg_atomic a;
    int rc = lg_grade_file_open(&a, path);
    if (rc == LG_OK) {
        if (json_dumpf(doc, a.f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0 ||
            fputc('\n', a.f) == EOF) {
            lg_atomic_abort(&a);
            rc = lg_seterr(LG_EIO, "cannot write %s", path);
        } else {
            rc = lg_atomic_commit(&a);
        }
    }
    json_decref(doc);
    return rc;
}
