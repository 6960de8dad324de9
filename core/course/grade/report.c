/*
 * report.c - what a grading run shows: the per-task table on the terminal
 * (each failed test with its input, expected and actual value and hint) and
 * Gradescope's results.json.
 *
 * results.json follows Gradescope's autograder schema: score, max_score,
 * output, execution_time, tests[] with name, number, score, max_score, status
 * ("passed" / "failed"), output and visibility ("visible" / "hidden"). It is
 * built with jansson and written with the one atomic write (lg_atomic_*), so it
 * is never seen half written and a --json naming /dev/null writes through it.
 * Messages can carry bytes a student's code printed: invalid UTF-8 becomes
 * U+FFFD before it reaches jansson (which takes valid UTF-8 only).
 */
#include "grade_impl.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *lg_grade_pts(char *buf, size_t cap, double v)
{
    if (fabs(v * 10 - round(v * 10)) < 1e-9)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.2f", v);
    return buf;
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
    if (subdir)
        fprintf(f, "Submission: %s\n", subdir);
    else
        fprintf(f, "Submission: the source tree (%s)\n", lab->root);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub->compile_error[i][0]) {
            const char *base = strrchr(lab->files[i], '/') ? strrchr(lab->files[i], '/') + 1
                                                          : lab->files[i];
            char line[700];
            if (strstr(sub->compile_error[i], " is not in ") ||
                strstr(sub->compile_error[i], " is missing "))
                snprintf(line, sizeof line, "%s", sub->compile_error[i]);
            else
                snprintf(line, sizeof line, "%s did not compile: %s", base, sub->compile_error[i]);
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
            if (recs[i].task == k && !recs[i].passed)
                fprintf(f, "  FAIL %s%s (%g pt%s): %s\n", recs[i].t->name,
                        recs[i].t->visibility == LG_HIDDEN ? " [hidden]" : "",
                        recs[i].t->points, recs[i].t->points == 1 ? "" : "s", recs[i].msg);
    }
    fprintf(f, "%-*s %6s / %s\n", 5 + nw + 2 + tw, "Total", lg_grade_pts(a, sizeof a, o->score),
            lg_grade_pts(b, sizeof b, o->max));
    fflush(f);

}

/* ---------------------------------------------------------- results.json --- */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    for (size_t k = 1; k < len; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 0;
    if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
        return 0; /* overlong, surrogate */
    if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
        return 0;
    return len;
}

/* A JSON string of s, each byte that is not part of valid UTF-8 as U+FFFD. */
static json_t *jstring(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    char *clean = lg_xmalloc(3 * strlen((const char *)p) + 1);
    size_t k = 0;
    while (*p) {
        size_t len = utf8_len(p);
        if (len) {
            memcpy(clean + k, p, len);
            k += len;
            p += len;
        } else {
            memcpy(clean + k, "\xef\xbf\xbd", 3);
            k += 3;
            p++;
        }
    }
    json_t *v = json_stringn(clean, k);
    free(clean);
    return v;
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
                             jstring(r->passed ? "passed" : r->msg), "visibility",
                             r->t->visibility == LG_HIDDEN ? "hidden" : "visible"));
    }
    json_t *doc = json_pack("{s:f, s:f, s:o, s:f, s:o}", "score", o->score, "max_score", o->max,
                            "output", jstring(summary), "execution_time",
                            round(seconds * 1000) / 1000, "tests", tests);
    if (!doc || json_array_size(tests) != n) {
        json_decref(doc);
        return lg_seterr(LG_EIO, "cannot write %s: results.json could not be built", path);
    }
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
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
