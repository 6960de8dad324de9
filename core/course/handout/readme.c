/*
 * readme.c - what the handout rewrites for students: README.md, from the
 * template core/course/handout/README.student.md (the instructor's README
 * stays in the source tree: its `make bench`, `make demo` and instructor
 * commands are not the students'), and one variable of the Makefile.
 *
 * The template is Markdown with three kinds of placeholders:
 *   <!-- if PATH -->          the lines up to the matching <!-- end if --> only
 *   ...                       when PATH is a file of the release (so a section
 *   <!-- end if -->           on a command ships only with the command's code);
 *   @LAB@                     the lab of the stage (--lab NN), else the first lab: "01";
 *   @LABS@                    (a line of its own) the table of the labs that ship.
 */
#include "lg_handout.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE "core/course/handout/README.student.md"

static bool in_release(const lg_handout_file *files, size_t n, const char *rel)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(files[i].rel, rel))
            return true;
    return false;
}

/* "<!-- if PATH -->" -> PATH in path (true); "<!-- end if -->" -> "" (true). */
static bool directive(const char *line, size_t len, char *path, size_t cap)
{
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (len == strlen("<!-- end if -->") && !memcmp(line, "<!-- end if -->", len)) {
        path[0] = '\0';
        return true;
    }
    size_t open = strlen("<!-- if "), close = strlen(" -->");
    if (len <= open + close || memcmp(line, "<!-- if ", open) != 0 || memcmp(line + len - close, " -->", close) != 0)
        return false;
    snprintf(path, cap, "%.*s", (int)(len - open - close), line + open);
    return true;
}

static void labs_table(FILE *o, const lg_handout_labs *labs)
{
    fprintf(o, "| lab | title | tasks: points | your files |\n|---|---|---|---|\n");
    for (size_t i = 0; i < labs->n; i++) {
        const lg_handout_lab *lab = &labs->v[i];
        if (!lg_handout_lab_ships(labs, lab->number))
            continue;
        bool released = labs->stage && lab->number < labs->stage;
        fprintf(o, "| [%02d](labs/%s/README.md) | %s%s | ", lab->number, lab->dir, lab->title,
                released ? " (solutions released)" : "");
        for (size_t t = 0; t < lab->tasks.n; t++)
            fprintf(o, "%s%s %s: %g", t ? "<br>" : "", lab->tasks.w[t], lab->task_titles.w[t], lab->task_points[t]);
        fprintf(o, " | ");
        for (size_t k = 0; k < lab->files.n; k++)
            fprintf(o, "%s`%s`", k ? ", " : "", lab->files.w[k]);
        fprintf(o, " |\n");
    }
}

char *lg_handout_readme(const char *root, const lg_handout_labs *labs, const lg_handout_file *files, size_t n,
                        size_t *len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", root, TEMPLATE);
    size_t tl;
    char *tpl = lg_read_file(path, &tl);
    if (!tpl)
        return NULL;
    char lab_no[16] = "01";
    for (size_t i = 0; i < labs->n; i++)
        if (lg_handout_lab_ships(labs, labs->v[i].number)) {
            snprintf(lab_no, sizeof lab_no, "%02d", labs->stage ? labs->stage : labs->v[i].number);
            break;
        }
    char *buf = NULL;
    size_t blen = 0;
    FILE *o = open_memstream(&buf, &blen);
    LG_ASSERT(o, "open_memstream");
    int depth = 0, skip_from = -1; /* lines are dropped while inside a false "if" (from that depth on) */
    for (const char *l = tpl; l < tpl + tl;) {
        const char *nl = memchr(l, '\n', (size_t)(tpl + tl - l));
        size_t ll = nl ? (size_t)(nl - l) : (size_t)(tpl + tl - l);
        char cond[PATH_MAX];
        if (directive(l, ll, cond, sizeof cond)) {
            if (cond[0]) {
                depth++;
                if (skip_from < 0 && !in_release(files, n, cond))
                    skip_from = depth;
            } else if (depth > 0) {
                if (skip_from == depth)
                    skip_from = -1;
                depth--;
            }
        } else if (skip_from < 0) {
            if (ll == 6 && !memcmp(l, "@LABS@", 6)) {
                labs_table(o, labs);
            } else {
                for (size_t k = 0; k < ll; k++) {
                    if (k + 5 <= ll && !memcmp(l + k, "@LAB@", 5)) {
                        fputs(lab_no, o);
                        k += 4;
                    } else {
                        fputc(l[k], o);
                    }
                }
                fputc('\n', o);
            }
        }
        l += ll + 1;
    }
    fclose(o);
    free(tpl);
    *len = blen;
    return buf;
}

char *lg_handout_makefile(const char *text, size_t len, size_t *out_len)
{
    static const char var[] = "STUDENT_WERROR";
    for (const char *l = text; l < text + len;) {
        const char *nl = memchr(l, '\n', (size_t)(text + len - l));
        const char *end = nl ? nl + 1 : text + len;
        const char *p = l + strlen(var);
        if ((size_t)(end - l) > strlen(var) && !memcmp(l, var, strlen(var))) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (p[0] == ':' && p[1] == '=') {
                char *buf = NULL;
                size_t blen = 0;
                FILE *o = open_memstream(&buf, &blen);
                LG_ASSERT(o, "open_memstream");
                fwrite(text, 1, (size_t)(l - text), o);
                fputs("# the handout: the student files' warnings are shown, not fatal\n"
                      "STUDENT_WERROR :=\n", o);
                fwrite(end, 1, (size_t)(text + len - end), o);
                fclose(o);
                *out_len = blen;
                return buf;
            }
        }
        l = end;
    }
    return NULL;
}
