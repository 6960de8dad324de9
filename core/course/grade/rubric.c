/*
 * rubric.c - the instructors' points for the students' written answers.
 *
 * A lab's written questions are lab.ini's [question N] sections (a title and
 * points, the most an answer earns); the students answer them in answers.md,
 * the instructors grade the answers with labs/NN-name/check/rubric.md (the
 * answer key, never in the handout) and enter the points in a CSV file beside
 * the submissions (SUBS/rubric.csv, or --rubric FILE):
 *
 *     submission,question,points,comment
 *     alice,1,3,
 *     alice,3,1.5,"names the JSD's saturation, not the peaks' mass"
 *
 * The first line is that header; then one row per graded answer: the
 * submission folder's name, the question's number, the points (a number from
 * 0 to the question's points) and an optional comment (quoted as RFC 4180
 * says when it holds a comma, a quote or a newline; shown to the student).
 * Blank lines and lines starting with # are skipped; a UTF-8 byte order mark
 * and CRLF line ends (spreadsheets write both) are accepted. Anything else is
 * refused with one line naming the file and the line: a wrong header, a row
 * of fewer than 3 or more than 4 cells, a submission that is no folder beside
 * the others, a question lab.ini does not list, points that are not a number,
 * negative or above the maximum, an answer graded twice.
 *
 * A question without a row is "not graded yet": never zero, never left out.
 * The total then counts what has been graded: the tests' points and the
 * points given, out of the tests' maximum and the graded questions' maxima;
 * the questions still open are named with their points beside it. Once every
 * answer is graded it is the lab's full total.
 */
#include "rubric.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------- reading --- */

/* One CSV record from *p: its cells (unquoted cells trimmed), the line it
 * starts on in *line (advanced past it). false at the end of the text; a
 * quote left open is an error in why. */
static bool csv_record(const char **p, size_t *line, lg_strvec *cells, char *why, size_t cap)
{
    const char *s = *p;
    if (!*s)
        return false;
    size_t len = 0, size = 64, start_line = *line;
    char *cell = lg_xmalloc(size);
    bool quoted = false, was_quoted = false;
    for (;;) {
        char c = *s;
        if (quoted) {
            if (!c) {
                snprintf(why, cap, "a quoted cell opened on line %zu is never closed", start_line);
                break;
            }
            s++;
            if (c == '"' && *s != '"') {
                quoted = false;
                continue;
            }
            if (c == '"')
                s++; /* "" is one quote */
            if (c == '\n')
                (*line)++;
        } else {
            bool eol = c == '\n' || c == '\0' || (c == '\r' && (s[1] == '\n' || s[1] == '\0'));
            if (c == ',' || eol) {
                size_t lead = 0;
                while (!was_quoted && len && isspace((unsigned char)cell[len - 1]))
                    len--;
                while (!was_quoted && lead < len && isspace((unsigned char)cell[lead]))
                    lead++;
                cell[len] = '\0';
                lg_strvec_push(cells, cell + lead);
                len = 0;
                was_quoted = false;
                if (c == ',') {
                    s++;
                    continue;
                }
                if (c == '\r')
                    s++;
                if (*s == '\n') {
                    (*line)++;
                    s++;
                }
                break;
            }
            s++;
            if (c == '"' && !was_quoted) {
                bool blank = true; /* only blanks before the opening quote */
                for (size_t i = 0; i < len; i++)
                    blank &= isspace((unsigned char)cell[i]) != 0;
                if (blank) {
                    quoted = was_quoted = true;
                    len = 0;
                    continue;
                }
            }
            if (was_quoted) {
                if (!isspace((unsigned char)c)) {
                    snprintf(why, cap, "text after a quoted cell (a quote inside a quoted cell is written \"\")");
                    break;
                }
                continue;
            }
        }
        if (len + 2 > size)
            cell = lg_xrealloc(cell, size *= 2);
        cell[len++] = c;
    }
    free(cell);
    *p = s;
    return true;
}

static bool skip_line(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '#' || *s == '\n' || *s == '\0' || (*s == '\r' && s[1] == '\n');
}

static size_t question_index(const lg_lab *lab, const char *number)
{
    for (size_t k = 0; k < lab->n_questions; k++)
        if (!strcmp(lab->questions[k].number, number))
            return k;
    return lab->n_questions;
}

/* "1, 2, 3" */
static void question_list(const lg_lab *lab, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < lab->n_questions && at < cap; k++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%s", k ? ", " : "", lab->questions[k].number);
}

/* One row checked into out, or why it is refused. */
static bool check_row(const lg_lab *lab, const lg_strvec *known, const lg_strvec *c, const lg_rubric *r,
                      lg_rubric_row *out, char *why, size_t cap)
{
    char shown[200];
    if (c->n < 3 || c->n > 4) {
        snprintf(why, cap, "%zu cell%s, expected 3 or 4: submission,question,points,comment (quote a "
                 "comment that holds a comma)", c->n, c->n == 1 ? "" : "s");
        return false;
    }
    lg_text_clean(shown, sizeof shown, c->w[0], strlen(c->w[0]), 0);
    bool is_known = false;
    for (size_t i = 0; known && i < known->n && !is_known; i++)
        is_known = !strcmp(known->w[i], c->w[0]);
    if (!*c->w[0]) {
        snprintf(why, cap, "no submission named (the first cell is a submission folder's name)");
        return false;
    }
    if (!is_known) {
        snprintf(why, cap, "unknown submission '%s' (no such folder beside the others)", shown);
        return false;
    }
    char list[200];
    question_list(lab, list, sizeof list);
    size_t k = question_index(lab, c->w[1]);
    if (k == lab->n_questions) {
        char q[64];
        lg_text_clean(q, sizeof q, c->w[1], strlen(c->w[1]), 0);
        if (lab->n_questions)
            snprintf(why, cap, "unknown question '%s' (lab %02d's questions: %s)", q, lab->number, list);
        else
            snprintf(why, cap, "unknown question '%s' (lab %02d has no written questions)", q, lab->number);
        return false;
    }
    const char *v = c->w[2];
    char *end = NULL;
    errno = 0;
    double p = strtod(v, &end);
    char pv[64];
    lg_text_clean(pv, sizeof pv, v, strlen(v), 0);
    if (!*v || strspn(v, "0123456789.eE+-") != strlen(v) || !end || *end || errno == ERANGE || !isfinite(p)) {
        snprintf(why, cap, "points '%s' for question %s: not a number", pv, c->w[1]);
        return false;
    }
    if (p < 0 || (p == 0 && signbit(p))) {
        snprintf(why, cap, "points %s for question %s: negative (0 is the least)", pv, c->w[1]);
        return false;
    }
    if (p > lab->questions[k].points + 1e-9) {
        snprintf(why, cap, "points %s for question %s, whose maximum is %g (lab.ini)", pv, c->w[1],
                 lab->questions[k].points);
        return false;
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].question == k && !strcmp(r->rows[i].submission, c->w[0])) {
            snprintf(why, cap, "submission '%s', question %s graded twice (first on line %zu)", shown, c->w[1],
                     r->rows[i].line);
            return false;
        }
    out->submission = lg_xstrdup(c->w[0]);
    out->question = k;
    out->points = p;
    out->comment = lg_xstrdup(c->n == 4 ? c->w[3] : "");
    return true;
}

int lg_rubric_read(const char *path, const lg_lab *lab, const lg_strvec *known, lg_rubric *out)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    char *text = lg_read_file(path, &len);
    if (!text)
        return lg_seterr(LG_EIO, "cannot read the rubric %s: %s", path, strerror(errno));
    if (strlen(text) != len) {
        free(text);
        return lg_seterr(LG_EFORMAT, "%s: a NUL byte: not a CSV text file", path);
    }
    out->path = lg_xstrdup(path);
    const char *p = text;
    if (!strncmp(p, "\xef\xbb\xbf", 3)) /* a spreadsheet's byte order mark */
        p += 3;
    size_t line = 1;
    bool header = false;
    int rc = LG_OK;
    char why[400] = "";
    while (rc == LG_OK && *p) {
        if (skip_line(p)) {
            const char *nl = strchr(p, '\n');
            p = nl ? nl + 1 : p + strlen(p);
            line++;
            continue;
        }
        size_t at = line;
        lg_strvec cells = { 0 };
        csv_record(&p, &line, &cells, why, sizeof why);
        if (why[0]) {
            rc = lg_seterr(LG_EFORMAT, "%s:%zu: %s", path, at, why);
        } else if (!header) {
            bool ok = cells.n == 4 && !strcmp(cells.w[0], "submission") && !strcmp(cells.w[1], "question") &&
                      !strcmp(cells.w[2], "points") && !strcmp(cells.w[3], "comment");
            if (!ok)
                rc = lg_seterr(LG_EFORMAT, "%s:%zu: the first line is the header "
                               "submission,question,points,comment", path, at);
            header = true;
        } else {
            lg_rubric_row row = { 0 };
            if (!check_row(lab, known, &cells, out, &row, why, sizeof why)) {
                rc = lg_seterr(LG_EFORMAT, "%s:%zu: %s", path, at, why);
            } else {
                row.line = at;
                out->rows = lg_xrealloc(out->rows, (out->n + 1) * sizeof *out->rows);
                out->rows[out->n++] = row;
            }
        }
        lg_strvec_free(&cells);
    }
    free(text);
    if (rc == LG_OK && !header)
        rc = lg_seterr(LG_EFORMAT, "%s:1: empty: the first line is the header submission,question,points,comment",
                       path);
    if (rc != LG_OK)
        lg_rubric_free(out);
    return rc;
}

void lg_rubric_free(lg_rubric *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->rows[i].submission);
        free(r->rows[i].comment);
    }
    free(r->rows);
    free(r->path);
    memset(r, 0, sizeof *r);
}

int lg_rubric_known(const char *dir, lg_strvec *names)
{
    lg_strvec all = { 0 };
    int rc = lg_dir_list(dir, &all);
    for (size_t i = 0; rc == LG_OK && i < all.n; i++) {
        char path[4400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, all.w[i]);
        if (all.w[i][0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            lg_strvec_push(names, all.w[i]);
    }
    lg_strvec_free(&all);
    return rc;
}

/* -------------------------------------------------------------- totals --- */

const lg_rubric_row *lg_rubric_find(const lg_rubric *r, const char *name, size_t k)
{
    for (size_t i = 0; r && name && i < r->n; i++)
        if (r->rows[i].question == k && !strcmp(r->rows[i].submission, name))
            return &r->rows[i];
    return NULL;
}

lg_rubric_sum lg_rubric_total(const lg_lab *lab, const lg_rubric *r, const char *name)
{
    lg_rubric_sum s = { 0 };
    for (size_t k = 0; k < lab->n_questions; k++) {
        const lg_rubric_row *row = lg_rubric_find(r, name, k);
        if (row) {
            s.given += row->points;
            s.graded_max += lab->questions[k].points;
            s.graded++;
        } else {
            s.open_max += lab->questions[k].points;
            s.open++;
        }
    }
    return s;
}

/* "questions 2 and 5 not graded yet: 4.0 points", "" when all are graded */
static void open_text(const lg_lab *lab, const lg_rubric *r, const char *name, char *buf, size_t cap)
{
    lg_rubric_sum s = lg_rubric_total(lab, r, name);
    buf[0] = '\0';
    if (!s.open)
        return;
    char a[32];
    lg_grade_pts(a, sizeof a, s.open_max);
    if (!s.graded) {
        snprintf(buf, cap, "no question graded yet: %s point%s to come", a, s.open_max == 1 ? "" : "s");
        return;
    }
    size_t at = (size_t)snprintf(buf, cap, "question%s ", s.open == 1 ? "" : "s");
    size_t seen = 0;
    for (size_t k = 0; k < lab->n_questions && at < cap; k++)
        if (!lg_rubric_find(r, name, k)) {
            seen++;
            at += (size_t)snprintf(buf + at, cap - at, "%s%s", seen == 1 ? "" : seen == s.open ? " and " : ", ",
                                   lab->questions[k].number);
        }
    if (at < cap)
        snprintf(buf + at, cap - at, " not graded yet: %s point%s to come", a, s.open_max == 1 ? "" : "s");
}

/* --------------------------------------------------------------- table --- */

void lg_rubric_table(FILE *f, const lg_lab *lab, const lg_rubric *r, const char *name, double score, double max)
{
    if (!lab->n_questions)
        return;
    if (r) {
        char *clean = lg_text_sanitize(r->path, LG_TEXT_MAX, 0);
        fprintf(f, "\nWritten answers (answers.md; points from %s)\n", clean);
        free(clean);
    } else {
        fprintf(f, "\nWritten answers (answers.md; graded by the instructors, not by tests)\n");
    }
    int nw = 0, tw = 24;
    for (size_t k = 0; k < lab->n_questions; k++) {
        nw = (int)fmax(nw, (double)strlen(lab->questions[k].number));
        tw = (int)fmax(tw, (double)strlen(lab->questions[k].title));
    }
    char a[32], b[32];
    for (size_t k = 0; k < lab->n_questions; k++) {
        const lg_rubric_row *row = lg_rubric_find(r, name, k);
        fprintf(f, "Question %-*s  %-*s  %14s / %s\n", nw, lab->questions[k].number, tw, lab->questions[k].title,
                row ? lg_grade_pts(a, sizeof a, row->points) : "not graded yet",
                lg_grade_pts(b, sizeof b, lab->questions[k].points));
        if (row && row->comment[0]) {
            char *clean = lg_text_sanitize(row->comment, LG_TEXT_MAX, 0);
            fprintf(f, "  %s\n", clean);
            free(clean);
        }
    }
    lg_rubric_sum s = lg_rubric_total(lab, r, name);
    char open[300];
    open_text(lab, r, name, open, sizeof open);
    fprintf(f, "%-*s  %14s / %s%s%s%s\n", 9 + nw + 2 + tw, "With the written answers",
            lg_grade_pts(a, sizeof a, score + s.given), lg_grade_pts(b, sizeof b, max + s.graded_max),
            open[0] ? "  (" : "", open, open[0] ? ")" : "");
    fflush(f);
}

/* ---------------------------------------------------------- results.json --- */

static json_t *jtext(const char *s)
{
    char *clean = lg_text_sanitize(s, LG_TEXT_MAX, 0);
    json_t *v = json_string(clean);
    free(clean);
    return v;
}

int lg_rubric_merge_json(const char *path, const lg_lab *lab, const lg_rubric *r, const char *name)
{
    struct stat st;
    if (!lab->n_questions || !path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return LG_OK;
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    json_t *tests = json_object_get(doc, "tests");
    if (!json_is_array(tests)) {
        json_decref(doc);
        return lg_seterr(LG_EIO, "%s: not the results.json litgan wrote (%s)", path, doc ? "no tests" : err.text);
    }
    for (size_t k = 0; k < lab->n_questions; k++) {
        const lg_question *q = &lab->questions[k];
        const lg_rubric_row *row = lg_rubric_find(r, name, k);
        char tname[512], number[32];
        snprintf(tname, sizeof tname, "Question %s (written): %s", q->number, q->title);
        snprintf(number, sizeof number, "Q%s", q->number);
        json_t *t = json_pack("{s:o, s:s, s:f, s:o, s:s}", "name", jtext(tname), "number", number, "max_score",
                              q->points, "output",
                              jtext(!row ? "not graded yet" : row->comment[0] ? row->comment : "graded"),
                              "visibility", "visible");
        if (t && row)
            json_object_set_new(t, "score", json_real(row->points));
        json_array_append_new(tests, t);
    }
    lg_rubric_sum s = lg_rubric_total(lab, r, name);
    double score = json_number_value(json_object_get(doc, "score")) + s.given;
    double max = json_number_value(json_object_get(doc, "max_score")) + s.graded_max;
    json_object_set_new(doc, "score", json_real(score));
    json_object_set_new(doc, "max_score", json_real(max));
    char tail[600], a[32], b[32], open[300];
    open_text(lab, r, name, open, sizeof open);
    snprintf(tail, sizeof tail, "With the written answers: %s / %s points%s%s%s", lg_grade_pts(a, sizeof a, score),
             lg_grade_pts(b, sizeof b, max), open[0] ? " (" : "", open, open[0] ? ")" : "");
    const char *old = json_string_value(json_object_get(doc, "output"));
    size_t n = (old ? strlen(old) : 0) + strlen(tail) + 2;
    char *output = lg_xmalloc(n);
    snprintf(output, n, "%s%s%s", old ? old : "", old && *old ? "\n" : "", tail);
    json_object_set_new(doc, "output", json_string(output));
    free(output);
    lg_atomic a_file;
    int rc = lg_grade_file_open(&a_file, path);
    if (rc == LG_OK) {
        if (json_dumpf(doc, a_file.f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0 || fputc('\n', a_file.f) == EOF) {
            lg_atomic_abort(&a_file);
            rc = lg_seterr(LG_EIO, "cannot write %s", path);
        } else {
            rc = lg_atomic_commit(&a_file);
        }
    }
    json_decref(doc);
    return rc;
}

/* ------------------------------------------------------ litgan grade --- */

int lg_grade_lab_rubric(const lg_lab *lab, const char *submission_dir, const char *rubric, const char *json_path,
                        FILE *f, double *score, double *max_score)
{
    lg_rubric r, *rp = NULL;
    char name[256] = "";
    if (rubric) {
        if (!submission_dir)
            return lg_seterr(LG_EINVAL, "--rubric needs --submission DIR: the rubric's rows name submission folders");
        /* the submission's name: the folder's, its siblings the known ones */
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", submission_dir);
        size_t n = strlen(parent);
        while (n > 1 && parent[n - 1] == '/')
            parent[--n] = '\0';
        char *slash = strrchr(parent, '/');
        snprintf(name, sizeof name, "%s", slash ? slash + 1 : parent);
        if (slash)
            slash == parent ? (void)(parent[1] = '\0') : (void)(*slash = '\0');
        else
            snprintf(parent, sizeof parent, ".");
        lg_strvec known = { 0 };
        int rc = lg_rubric_known(parent, &known);
        if (rc == LG_OK)
            rc = lg_rubric_read(rubric, lab, &known, &r);
        lg_strvec_free(&known);
        if (rc != LG_OK)
            return rc;
        rp = &r;
    }
    double s = 0, m = 0;
    int rc = lg_grade_lab(lab, submission_dir, json_path, f, &s, &m);
    if (rc == LG_OK || rc == LG_EINVAL) {
        lg_rubric_table(f, lab, rp, name, s, m);
        int mrc = lg_rubric_merge_json(json_path, lab, rp, name);
        if (mrc != LG_OK)
            rc = mrc;
        lg_rubric_sum sum = lg_rubric_total(lab, rp, name);
        s += sum.given;
        m += sum.graded_max;
    }
    if (score)
        *score = s;
    if (max_score)
        *max_score = m;
    if (rp)
        lg_rubric_free(rp);
    return rc;
}
