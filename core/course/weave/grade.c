/*
 * grade.c - the grade section of the report, from the grader's results.json
 * (lg_grade_lab, in-process): the score, a row per task, and each failing
 * input as a row of a table (test, input, expected, got, hint), so a student
 * reads a failure rather than decodes it. The grader's messages are parsed
 * defensively: "input: I; expected E, got G; hint: H" and its variants
 * ("relative error X, tolerance Y", "the result is NaN", several inputs a
 * line or joined by " | "); whatever does not parse is shown as it is.
 * The printed table stays below, folded.
 */
#include "lg_weave.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
    while (n && (*s == ' '))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == ';' || s[n - 1] == ','))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

bool lg_weave_failure_parse(const char *line, lg_weave_failure *f)
{
    memset(f, 0, sizeof *f);
    line += strspn(line, " ");
    if (strncmp(line, "input: ", 7) != 0)
        return false;
    const char *s = line + 7, *end = s + strlen(s);
    const char *h = strstr(s, "; hint: ");
    if (h) {
        copy(f->hint, sizeof f->hint, h + 8, (size_t)(end - h - 8));
        end = h;
    }
    /* the input ends where the verdict starts */
    const char *mark = NULL;
    static const char *const verdicts[] = { "; expected ", "; relative error ", "; absolute error ", "; got " };
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        const char *m = strstr(s, verdicts[i]);
        if (m && m < end && (!mark || m < mark))
            mark = m;
    }
    if (!mark) { /* "input: I; the result is NaN": the last "; " */
        for (const char *p = end; p > s; p--)
            if (p[-1] == ';' && *p == ' ') {
                mark = p - 1;
                break;
            }
    }
    if (!mark)
        return false;
    copy(f->input, sizeof f->input, s, (size_t)(mark - s));
    const char *v = mark + 2, *ve = end;
    const char *ex = strstr(v, "expected ");
    if (!ex || ex >= ve) {
        copy(f->got, sizeof f->got, v, (size_t)(ve - v));
        return true;
    }
    /* "expected E, got G" with anything around it (an error and its
     * tolerance) kept beside the value got */
    const char *e0 = ex + 9;
    const char *got = strstr(e0, ", got ");
    const char *e1 = got && got < ve ? got : ve;
    const char *semi = memchr(e0, ';', (size_t)(e1 - e0));
    if (semi)
        e1 = semi;
    copy(f->expected, sizeof f->expected, e0, (size_t)(e1 - e0));
    char g[512] = "", before[512] = "", after[512] = "";
    if (got && got < ve) {
        const char *g0 = got + 6;
        const char *g1 = memchr(g0, ';', (size_t)(ve - g0));
        copy(g, sizeof g, g0, (size_t)((g1 ? g1 : ve) - g0));
        if (g1)
            copy(after, sizeof after, g1 + 1, (size_t)(ve - g1 - 1));
    } else if (semi) {
        copy(after, sizeof after, semi + 1, (size_t)(ve - semi - 1));
    }
    copy(before, sizeof before, v, (size_t)(ex - v));
    /* "error R, tolerance T (expected E, got G)": the brackets go */
    size_t bl = strlen(before), gl = strlen(g);
    if (bl && before[bl - 1] == '(' && gl && g[gl - 1] == ')') {
        before[--bl] = '\0';
        g[--gl] = '\0';
        while (bl && before[bl - 1] == ' ')
            before[--bl] = '\0';
    }
    snprintf(f->got, sizeof f->got, "%s%s%s%s%s%s", g, g[0] && (before[0] || after[0]) ? " (" : "", before,
             before[0] && after[0] ? "; " : "", after, g[0] && (before[0] || after[0]) ? ")" : "");
    return true;
}

static void put_text(FILE *o, const char *s) { lg_weave_put_plain(o, s); }

/* One test's failing inputs: its message cut at new lines and " | ", and,
 * in a message that starts with "input: ", before each further " input: "
 * (new lines become spaces where the grader's text is sanitised). */
static size_t split_failures(const char *msg, lg_strvec *parts)
{
    char *m = lg_xstrdup(msg);
    bool inputs = !strncmp(m + strspn(m, " "), "input: ", 7);
    for (char *p = m; *p;) {
        char *nl = strchr(p, '\n');
        char *bar = strstr(p, " | ");
        /* " input: " starts another failing input when a verdict follows it */
        char *next = inputs ? strstr(p + strspn(p, " ") + 1, " input: ") : NULL;
        for (; next; next = strstr(next + 1, " input: ")) {
            const char *verdict = strstr(next + 8, "; ");
            if (verdict && (!nl || verdict < nl) && (!bar || verdict < bar))
                break;
        }
        char *cut = nl;
        size_t skip = 1;
        if (bar && (!cut || bar < cut)) {
            cut = bar;
            skip = 3;
        }
        if (next && (!cut || next < cut)) {
            cut = next;
            skip = 1;
        }
        if (cut)
            *cut = '\0';
        if (p[strspn(p, " \t\r")])
            lg_strvec_push(parts, p);
        if (!cut)
            break;
        p = cut + skip;
    }
    free(m);
    return parts->n;
}

static void put_failure_rows(FILE *o, const char *test, const char *msg)
{
    lg_strvec parts = { 0 };
    if (!split_failures(msg, &parts))
        lg_strvec_push(&parts, "failed");
    char more[64] = "";
    /* "(and 3 more)" after the last input: a row of its own */
    char *last = parts.w[parts.n - 1];
    char *and = strstr(last, " (and ");
    if (and && strstr(and, " more)") && !strstr(and, " more)")[6]) {
        snprintf(more, sizeof more, "%s", and + 2);
        more[strlen(more) - 1] = '\0';
        *and = '\0';
    }
    for (size_t i = 0; i < parts.n; i++) {
        fputs("<tr>", o);
        if (i == 0) {
            fprintf(o, "<td class=\"test\" rowspan=\"%zu\">", parts.n + (more[0] != 0));
            put_text(o, test);
            fputs("</td>", o);
        }
        lg_weave_failure f;
        if (lg_weave_failure_parse(parts.w[i], &f)) {
            const char *cells[] = { f.input, f.expected, f.got, f.hint };
            static const char *const cls[] = { "input", "expected", "got", "hint" };
            for (size_t k = 0; k < 4; k++) {
                fprintf(o, "<td class=\"%s\">", cls[k]);
                put_text(o, cells[k]);
                fputs("</td>", o);
            }
        } else {
            fputs("<td class=\"raw\" colspan=\"4\">", o);
            put_text(o, parts.w[i]);
            fputs("</td>", o);
        }
        fputs("</tr>\n", o);
    }
    if (more[0]) {
        fputs("<tr><td class=\"raw\" colspan=\"4\">", o);
        put_text(o, more);
        fputs(" failing inputs not shown</td></tr>\n", o);
    }
    lg_strvec_free(&parts);
}

void lg_weave_put_grade(FILE *o, const lg_lab *lab, const char *json_text, const char *table, int grc,
                        double score, double max_score, const char *grade_err)
{
    if (grc != LG_OK && grc != LG_EINVAL) {
        fputs("<p class=\"missing\">The grader could not run: ", o);
        lg_weave_put_escaped(o, grade_err, strlen(grade_err));
        fputs("</p>\n", o);
        return;
    }
    fprintf(o, "<p class=\"score %s\">Score: <strong>%g / %g</strong>%s</p>\n", grc == LG_OK ? "pass" : "fail",
            score, max_score, grc == LG_OK ? " &mdash; every test passed" : "");
    fprintf(o, "<p class=\"note\">Graded as this page was woven, on the files of the tree as they stand "
               "(the same as <code>litgan grade %02d</code>).</p>\n", lab->number);
    json_error_t jerr;
    json_t *doc = json_text ? json_loads(json_text, 0, &jerr) : NULL;
    json_t *tests = doc ? json_object_get(doc, "tests") : NULL;
    bool parsed = json_is_array(tests);
    if (parsed) {
        /* compile errors: the summary's lines after its first */
        const char *summary = json_string_value(json_object_get(doc, "output"));
        const char *nl = summary ? strchr(summary, '\n') : NULL;
        if (nl && nl[1]) {
            fputs("<ul class=\"compile missing\">\n", o);
            lg_strvec lines = { 0 };
            split_failures(nl + 1, &lines);
            for (size_t i = 0; i < lines.n; i++) {
                fputs("<li>", o);
                put_text(o, lines.w[i]);
                fputs("</li>\n", o);
            }
            lg_strvec_free(&lines);
            fputs("</ul>\n", o);
        }
        /* a row per task */
        fputs("<div class=\"table\"><table class=\"tasks\">\n<thead><tr><th>Task</th><th>What</th>"
              "<th>Points</th><th>Tests passed</th></tr></thead>\n<tbody>\n", o);
        size_t n_failed = 0;
        for (size_t k = 0; k < lab->n_tasks; k++) {
            double got = 0, max = 0;
            size_t passed = 0, total = 0;
            char prefix[64];
            snprintf(prefix, sizeof prefix, "Task %s: ", lab->tasks[k].number);
            for (size_t i = 0; i < json_array_size(tests); i++) {
                json_t *t = json_array_get(tests, i);
                const char *name = json_string_value(json_object_get(t, "name"));
                if (!name || strncmp(name, prefix, strlen(prefix)))
                    continue;
                total++;
                got += json_number_value(json_object_get(t, "score"));
                max += json_number_value(json_object_get(t, "max_score"));
                const char *st = json_string_value(json_object_get(t, "status"));
                if (st && !strcmp(st, "passed"))
                    passed++;
                else
                    n_failed++;
            }
            fprintf(o, "<tr class=\"%s\"><td>%s</td><td>", passed == total ? "pass" : "fail",
                    lab->tasks[k].number);
            put_text(o, lab->tasks[k].title);
            fprintf(o, "</td><td class=\"num\">%g / %g</td><td class=\"num\">%zu / %zu</td></tr>\n", got, max,
                    passed, total);
        }
        fputs("</tbody></table></div>\n", o);
        if (n_failed) {
            fputs("<h3>What failed</h3>\n<div class=\"table\"><table class=\"failures\">\n<thead><tr><th>Test</th>"
                  "<th>Input</th><th>Expected</th><th>Got</th><th>Hint</th></tr></thead>\n<tbody>\n", o);
            for (size_t i = 0; i < json_array_size(tests); i++) {
                json_t *t = json_array_get(tests, i);
                const char *st = json_string_value(json_object_get(t, "status"));
                if (st && !strcmp(st, "passed"))
                    continue;
                const char *name = json_string_value(json_object_get(t, "name"));
                const char *vis = json_string_value(json_object_get(t, "visibility"));
                const char *msg = json_string_value(json_object_get(t, "output"));
                char label[600];
                snprintf(label, sizeof label, "%s%s (%g pt%s)", name ? name : "?",
                         vis && !strcmp(vis, "hidden") ? " [hidden]" : "",
                         json_number_value(json_object_get(t, "max_score")),
                         json_number_value(json_object_get(t, "max_score")) == 1 ? "" : "s");
                put_failure_rows(o, label, msg ? msg : "failed");
            }
            fputs("</tbody></table></div>\n", o);
        }
    } else {
        fputs("<p class=\"missing\">The grader's results could not be read; its output is below.</p>\n", o);
    }
    json_decref(doc);
    /* the grader's table as it prints it */
    fprintf(o, "<details%s><summary>The grader's output, as <code>litgan grade %02d</code> prints it</summary>\n"
               "<pre class=\"grade-table\">", parsed ? "" : " open", lab->number);
    put_text(o, table ? table : "");
    fputs("</pre></details>\n", o);
}
