/*
 * page.c - the parts of the report page around the writeup: the outputs the
 * experiment wrote (figures, results files), CSV results as tables, the page
 * template, and plain text from a grader's output.
 */
#include "lg_weave.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct outputs {
    int depth;
    lg_strvec *pngs, *results;
} outputs;

/* Links followed; hidden entries left out; folders entered down to depth 3. */
static int outputs_visit(const lg_dir_entry *e, void *ctx)
{
    outputs *o = ctx;
    size_t l = strlen(e->name);
    if (e->name[0] == '.')
        return LG_DIR_SKIP;
    if (S_ISDIR(e->st.st_mode))
        return o->depth + e->depth < 3 ? LG_DIR_NEXT : LG_DIR_SKIP;
    if (l > 4 && !strcmp(e->name + l - 4, ".png"))
        lg_strvec_push(o->pngs, e->path);
    else if (!strcmp(e->name, "results.csv") || !strcmp(e->name, "results.md"))
        lg_strvec_push(o->results, e->path);
    return LG_DIR_NEXT;
}

/* Files the experiment wrote, found under dir (three levels deep at most). */
void lg_weave_find_outputs(const char *dir, int depth, lg_strvec *pngs, lg_strvec *results)
{
    outputs o = { depth, pngs, results };
    lg_dir_walk(dir, LG_DIR_FOLLOW, outputs_visit, &o);
}

static bool looks_numeric(const char *s)
{
    char *end;
    if (!*s)
        return false;
    strtod(s, &end);
    while (*end == ' ' || *end == '%')
        end++;
    return *end == '\0';
}

/* A CSV file (comma-separated, "quoted" fields) as an HTML table. */
void lg_weave_put_csv(FILE *o, const char *text)
{
    fputs("<div class=\"table\"><table>\n", o);
    size_t row = 0;
    const size_t max_rows = 200;
    const char *p = text;
    while (*p && row <= max_rows) {
        fputs(row == 0 ? "<thead><tr>" : "<tr>", o);
        for (;;) {
            char cell[1024];
            size_t k = 0;
            if (*p == '"') {
                p++;
                while (*p && !(*p == '"' && p[1] != '"')) {
                    if (*p == '"')
                        p++;
                    if (k < sizeof cell - 1)
                        cell[k++] = *p;
                    p++;
                }
                if (*p == '"')
                    p++;
            }
            while (*p && *p != ',' && *p != '\n' && *p != '\r') {
                if (k < sizeof cell - 1)
                    cell[k++] = *p;
                p++;
            }
            cell[k] = '\0';
            const char *tag = row == 0 ? "th" : "td";
            fprintf(o, "<%s%s>", tag, row && looks_numeric(cell) ? " class=\"num\"" : "");
            lg_weave_put_escaped(o, cell, k);
            fprintf(o, "</%s>", tag);
            if (*p == ',') {
                p++;
                continue;
            }
            break;
        }
        while (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
        fputs(row == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n", o);
        row++;
    }
    fputs("</tbody></table></div>\n", o);
    if (*p)
        fprintf(o, "<p class=\"note\">(the first %zu rows)</p>\n", max_rows);
}

/* The template with {{key}} replaced by the values given. */
void lg_weave_put_template(FILE *o, const char *tpl, const char *const *keys, const char *const *vals, size_t n)
{
    for (const char *p = tpl; *p;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            fputs(p, o);
            break;
        }
        fwrite(p, 1, (size_t)(open - p), o);
        const char *close = strstr(open, "}}");
        bool done = false;
        for (size_t i = 0; close && i < n; i++)
            if (strlen(keys[i]) == (size_t)(close - open - 2) && !strncmp(open + 2, keys[i], strlen(keys[i]))) {
                fputs(vals[i], o);
                done = true;
            }
        if (done) {
            p = close + 2;
        } else {
            fputs("{{", o);
            p = open + 2;
        }
    }
}

/* Drop ANSI colour sequences (a grader writing to a terminal may use them). */
void lg_weave_put_plain(FILE *o, const char *s)
{
    for (size_t i = 0; s[i];) {
        if (s[i] == '\x1b' && s[i + 1] == '[') {
            i += 2;
            while (s[i] && !(s[i] >= '@' && s[i] <= '~'))
                i++;
            if (s[i])
                i++;
            continue;
        }
        lg_weave_put_escaped(o, s + i, 1);
        i++;
    }
}

static double mtime(const struct stat *st) { return (double)st->st_mtim.tv_sec + 1e-9 * st->st_mtim.tv_nsec; }

/* Figures are written by one run of the experiment: the oldest of them
 * dates the run. A student file or lab.ini changed after it means the
 * figures show older code (or settings) than the page shows next to them. */
bool lg_weave_stale(const lg_lab *lab, const char *root, const lg_strvec *pngs, char *msg, size_t cap)
{
    struct stat st;
    double oldest = 0; /* seconds, to the nanosecond the file system keeps */
    for (size_t i = 0; i < pngs->n; i++)
        if (stat(pngs->w[i], &st) == 0 && (oldest == 0 || mtime(&st) < oldest))
            oldest = mtime(&st);
    if (oldest == 0)
        return false;
    char newest[4200] = "";
    double newest_t = oldest;
    char path[4200], ini[512];
    snprintf(ini, sizeof ini, "labs/%s/lab.ini", lab->dir);
    for (size_t i = 0; i <= LG_MAX_LAB_FILES; i++) {
        const char *rel = i < LG_MAX_LAB_FILES ? lab->files[i] : ini;
        if (!rel)
            continue;
        snprintf(path, sizeof path, "%s/%s", root, rel);
        if (stat(path, &st) == 0 && mtime(&st) > newest_t) {
            newest_t = mtime(&st);
            snprintf(newest, sizeof newest, "%s", rel);
        }
    }
    if (!newest[0])
        return false;
    char when_fig[32], when_code[32];
    time_t a = (time_t)oldest, b = (time_t)newest_t;
    strftime(when_fig, sizeof when_fig, "%Y-%m-%d %H:%M:%S", localtime(&a));
    strftime(when_code, sizeof when_code, "%Y-%m-%d %H:%M:%S", localtime(&b));
    snprintf(msg, cap,
             "the figures are older than the code they came from: %s changed at %s, the figures were made at %s. "
             "Run the experiment again: litgan weave %02d --run (or litgan lab %02d, then weave)",
             newest, when_code, when_fig, lab->number, lab->number);
    return true;
}
