/*
 * markers.c - the one grammar of the marker comments in student files (the
 * comment at the top of lg_course.h shows them): solution regions for
 * `litgan handout`, named regions for `litgan weave`, and the scan for
 * markers that survived a handout.
 *
 * A marker is a C comment "/" "*", blanks, then a keyword:
 *   BEGIN SOLUTION Task N.M      END SOLUTION [Task N.M]      STUB code
 *   REGION name                  END REGION [name]
 * (blanks between the two words of BEGIN/END), alone on its line. A
 * solution region is BEGIN .. END with its STUB line right after END; named
 * regions nest, and no named marker sits inside a solution region (the
 * handout would remove it). Errors are one line each, "FILE:LINE: why".
 *
 * The keywords are spelt in pieces so that this file holds no marker.
 */
#include "lg_course.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define KW_SOLUTION "SOLU" "TION"
#define KW_REGION "REG" "ION"
#define KW_BEGIN "BEG" "IN"
#define KW_END "EN" "D"
#define KW_STUB "ST" "UB"

const char *lg_marker_name(lg_marker_kind k)
{
    switch (k) {
    case LG_MARKER_BEGIN: return KW_BEGIN " " KW_SOLUTION;
    case LG_MARKER_END: return KW_END " " KW_SOLUTION;
    case LG_MARKER_STUB: return KW_STUB;
    case LG_MARKER_REGION: return KW_REGION;
    case LG_MARKER_END_REGION: return KW_END " " KW_REGION;
    default: return "";
    }
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* Does s[0..n) start with word w followed by a non-identifier character? */
static bool starts_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    if (n < k || memcmp(s, w, k) != 0)
        return false;
    if (n == k)
        return true;
    char c = s[k];
    return !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

lg_marker_kind lg_marker_find(const char *s, size_t n, size_t *at, size_t *after)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '/' || s[i + 1] != '*')
            continue;
        size_t j = i + 2;
        while (j < n && is_space(s[j]))
            j++;
        lg_marker_kind k = LG_MARKER_NONE;
        size_t end = j;
        if (starts_word(s + j, n - j, KW_STUB)) {
            k = LG_MARKER_STUB;
            end = j + strlen(KW_STUB);
        } else if (starts_word(s + j, n - j, KW_REGION)) {
            k = LG_MARKER_REGION;
            end = j + strlen(KW_REGION);
        } else {
            const char *first = starts_word(s + j, n - j, KW_BEGIN) ? KW_BEGIN
                                : starts_word(s + j, n - j, KW_END) ? KW_END : NULL;
            if (first) {
                size_t m = j + strlen(first), m0 = m;
                while (m < n && is_space(s[m]))
                    m++;
                bool begin = !strcmp(first, KW_BEGIN);
                if (m > m0 && starts_word(s + m, n - m, KW_SOLUTION)) {
                    k = begin ? LG_MARKER_BEGIN : LG_MARKER_END;
                    end = m + strlen(KW_SOLUTION);
                } else if (m > m0 && !begin && starts_word(s + m, n - m, KW_REGION)) {
                    k = LG_MARKER_END_REGION;
                    end = m + strlen(KW_REGION);
                }
            }
        }
        if (k != LG_MARKER_NONE) {
            *at = i;
            *after = end;
            return k;
        }
    }
    return LG_MARKER_NONE;
}

void lg_marker_parse(const char *s, size_t n, lg_marker *m)
{
    size_t at, after;
    m->kind = lg_marker_find(s, n, &at, &after);
    m->arg[0] = m->bad[0] = '\0';
    m->arg_at = m->arg_len = 0;
    if (m->kind == LG_MARKER_NONE)
        return;
    const char *what = lg_marker_name(m->kind);
    for (size_t i = 0; i < at; i++)
        if (!is_space(s[i])) {
            snprintf(m->bad, sizeof m->bad, "the %s marker shares its line with code; put it on a line of its own",
                     what);
            return;
        }
    size_t close = after;
    while (close + 1 < n && !(s[close] == '*' && s[close + 1] == '/'))
        close++;
    if (close + 1 >= n) {
        snprintf(m->bad, sizeof m->bad, "the %s marker's comment does not close on its line", what);
        return;
    }
    for (size_t i = close + 2; i < n; i++)
        if (!is_space(s[i])) {
            snprintf(m->bad, sizeof m->bad, "the %s marker shares its line with code; put it on a line of its own",
                     what);
            return;
        }
    size_t a = after, b = close;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    if (b - a >= sizeof m->arg) {
        snprintf(m->bad, sizeof m->bad, "the %s marker is longer than %zu characters", what, sizeof m->arg - 1);
        return;
    }
    memcpy(m->arg, s + a, b - a);
    m->arg[b - a] = '\0';
    m->arg_at = a;
    m->arg_len = b - a;
}

/* Every "Task N.M" in s, in order: returns how many, the first in first and
 * whether all are the same. A task number is digits '.' digits. */
static int find_tasks(const char *s, char first[32], bool *all_same)
{
    int count = 0;
    *all_same = true;
    first[0] = '\0';
    for (const char *p = strstr(s, "Task "); p; p = strstr(p + 1, "Task ")) {
        const char *q = p + 5;
        const char *d = q;
        while (*d >= '0' && *d <= '9')
            d++;
        if (d == q || *d != '.' || !(d[1] >= '0' && d[1] <= '9'))
            continue;
        d++;
        while (*d >= '0' && *d <= '9')
            d++;
        char num[32];
        snprintf(num, sizeof num, "%.*s", (int)(d - q), q);
        if (count == 0)
            snprintf(first, 32, "%s", num);
        else if (strcmp(first, num) != 0)
            *all_same = false;
        count++;
    }
    return count;
}

/* A line of the text: [at, at + len) without its line ending eol. */
typedef struct mk_line {
    size_t at, len;
    const char *eol; /* "\n", "\r\n" or "" at the end of the text */
} mk_line;

static size_t split_lines(const char *text, size_t len, mk_line **out)
{
    size_t n = 0, cap = 64;
    mk_line *v = lg_xmalloc(cap * sizeof *v);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        if (n == cap)
            v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
        v[n].at = i;
        if (j < len) {
            bool cr = j > i && text[j - 1] == '\r';
            v[n].len = j - i - cr;
            v[n].eol = cr ? "\r\n" : "\n";
            i = j + 1;
        } else {
            v[n].len = j - i;
            v[n].eol = "";
            i = j;
        }
        n++;
    }
    *out = v;
    return n;
}

static lg_region *region_add(lg_regions *r)
{
    if (r->n == r->cap)
        r->v = lg_xrealloc(r->v, (r->cap = r->cap * 2 + 8) * sizeof *r->v);
    lg_region *g = &r->v[r->n++];
    memset(g, 0, sizeof *g);
    return g;
}

/* The scan's state: the open solution region and the stack of open named
 * regions (indices into out->v, whole = false until their END). */
typedef struct mk_scan {
    const char *name;
    FILE *err;
    size_t errors;
    char first_err[512];
    size_t *open;
    size_t n_open, cap_open;
} mk_scan;

static void report(mk_scan *s, size_t lineno, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(mk_scan *s, size_t lineno, const char *fmt, ...)
{
    char m[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    if (s->err)
        fprintf(s->err, "%s:%zu: %s\n", s->name, lineno, m);
    if (!s->errors++)
        snprintf(s->first_err, sizeof s->first_err, "%s:%zu: %s", s->name, lineno, m);
}

/* A REGION line (m well-formed or not) opens a named region. */
static void named_open(mk_scan *s, lg_regions *out, const lg_marker *m, const mk_line *l, size_t lineno)
{
    bool ok = !m->bad[0];
    if (ok && (!m->arg[0] || strpbrk(m->arg, " \t"))) {
        report(s, lineno, "%s needs one name, as in '%s d_loss' (got '%s')", lg_marker_name(LG_MARKER_REGION),
               lg_marker_name(LG_MARKER_REGION), m->arg);
        ok = false;
    }
    for (size_t i = 0; ok && i < out->n; i++)
        if (out->v[i].kind == LG_REGION_NAMED && !strcmp(out->v[i].name, m->arg)) {
            report(s, lineno, "a second region '%s' (the first opens on line %zu)", m->arg, out->v[i].line);
            ok = false;
        }
    size_t idx = out->n;
    lg_region *g = region_add(out);
    g->kind = LG_REGION_NAMED;
    snprintf(g->name, sizeof g->name, "%s", m->arg);
    g->line = lineno;
    g->start = l->at;
    g->body = l->at + l->len + strlen(l->eol);
    g->bad = !ok;
    if (s->n_open == s->cap_open)
        s->open = lg_xrealloc(s->open, (s->cap_open = s->cap_open * 2 + 8) * sizeof *s->open);
    s->open[s->n_open++] = idx;
}

/* An END REGION line closes the innermost open named region (returned). */
static lg_region *named_close(mk_scan *s, lg_regions *out, const lg_marker *m, const mk_line *l, size_t lineno)
{
    if (!s->n_open) {
        report(s, lineno, "%s without %s", lg_marker_name(LG_MARKER_END_REGION), lg_marker_name(LG_MARKER_REGION));
        return NULL;
    }
    lg_region *g = &out->v[s->open[--s->n_open]];
    g->end_line = lineno;
    g->body_len = l->at - g->body;
    g->end = l->at + l->len + strlen(l->eol);
    if (!m->bad[0] && m->arg[0] && strcmp(m->arg, g->name) != 0 && !g->bad) {
        report(s, lineno, "region name mismatch: the region opened on line %zu is '%s', its %s says '%s'", g->line,
               g->name, lg_marker_name(LG_MARKER_END_REGION), m->arg);
        g->bad = true;
    }
    g->whole = !g->bad && !m->bad[0];
    return g;
}

int lg_markers_scan(const char *name, const char *text, size_t len, lg_regions *out, FILE *err)
{
    memset(out, 0, sizeof *out);
    mk_line *lines;
    size_t n = split_lines(text, len, &lines);
    mk_scan s = { .name = name, .err = err };

    bool in = false;          /* inside BEGIN .. END */
    size_t begin_line = 0;    /* 1-based */
    char task[32] = "";       /* the open region's task */
    const mk_line *begin = NULL; /* its BEGIN line */
    for (size_t i = 0; i < n; i++) {
        const mk_line *l = &lines[i];
        lg_marker m;
        lg_marker_parse(text + l->at, l->len, &m);
        bool named = m.kind == LG_MARKER_REGION || m.kind == LG_MARKER_END_REGION;
        if (named && in && !m.bad[0]) {
            /* reported once; the region still opens or closes, so that its
             * other marker is no second error */
            report(&s, i + 1, "a %s marker inside the solution region of Task %s (line %zu): the handout would "
                   "remove it", lg_marker_name(m.kind), task, begin_line);
            if (m.kind == LG_MARKER_REGION) {
                named_open(&s, out, &m, l, i + 1);
                out->v[out->n - 1].bad = true;
            } else if (s.n_open) {
                lg_region *g = named_close(&s, out, &m, l, i + 1);
                g->bad = true;
                g->whole = false;
            }
            continue;
        }
        if (m.bad[0]) {
            report(&s, i + 1, "%s", m.bad);
            /* keep the structure, so that one mistake makes one error */
            if (m.kind == LG_MARKER_BEGIN && !in) {
                in = true;
                begin_line = i + 1;
                begin = l;
                snprintf(task, sizeof task, "?");
            } else if (m.kind == LG_MARKER_END && in) {
                in = false;
                lg_marker st;
                if (i + 1 < n) {
                    lg_marker_parse(text + lines[i + 1].at, lines[i + 1].len, &st);
                    i += st.kind == LG_MARKER_STUB;
                }
            } else if (m.kind == LG_MARKER_REGION) {
                named_open(&s, out, &m, l, i + 1);
            } else if (m.kind == LG_MARKER_END_REGION && s.n_open) {
                named_close(&s, out, &m, l, i + 1);
            }
            continue;
        }
        switch (m.kind) {
        case LG_MARKER_NONE:
            break;
        case LG_MARKER_REGION:
            named_open(&s, out, &m, l, i + 1);
            break;
        case LG_MARKER_END_REGION:
            named_close(&s, out, &m, l, i + 1);
            break;
        case LG_MARKER_BEGIN: {
            char t[32];
            bool same;
            int k = find_tasks(m.arg, t, &same);
            if (in) {
                report(&s, i + 1, "nested %s (the region of Task %s opened on line %zu has no %s yet)",
                       lg_marker_name(LG_MARKER_BEGIN), task, begin_line, lg_marker_name(LG_MARKER_END));
                break;
            }
            if (k != 1 || strncmp(m.arg, "Task ", 5) != 0 || strcmp(m.arg + 5, t) != 0) {
                report(&s, i + 1, "%s needs exactly one task, as in '%s Task 1.1' (got '%s')",
                       lg_marker_name(LG_MARKER_BEGIN), lg_marker_name(LG_MARKER_BEGIN), m.arg);
                /* still open the region so that its END and STUB are not
                 * reported as strays */
                snprintf(t, sizeof t, "?");
            }
            in = true;
            begin_line = i + 1;
            begin = l;
            snprintf(task, sizeof task, "%s", t);
            break;
        }
        case LG_MARKER_END: {
            if (!in) {
                report(&s, i + 1, "%s without %s", lg_marker_name(LG_MARKER_END), lg_marker_name(LG_MARKER_BEGIN));
                break;
            }
            in = false;
            if (m.arg[0]) {
                char t[32];
                bool same;
                int k = find_tasks(m.arg, t, &same);
                if ((k != 1 || strcmp(t, task) != 0) && strcmp(task, "?") != 0)
                    report(&s, i + 1, "task number mismatch: the region opened on line %zu is Task %s, its %s says '%s'",
                           begin_line, task, lg_marker_name(LG_MARKER_END), m.arg);
            }
            lg_marker st;
            if (i + 1 < n)
                lg_marker_parse(text + lines[i + 1].at, lines[i + 1].len, &st);
            if (i + 1 >= n || st.kind != LG_MARKER_STUB) {
                if (!strcmp(task, "?"))
                    break; /* its BEGIN was reported already */
                report(&s, i + 1, "the region of Task %s (lines %zu-%zu) has no %s line right after its %s", task,
                       begin_line, i + 1, lg_marker_name(LG_MARKER_STUB), lg_marker_name(LG_MARKER_END));
                break;
            }
            const mk_line *end_line = l;
            i++; /* the STUB line is consumed with its region */
            if (st.bad[0]) {
                report(&s, i + 1, "%s", st.bad);
                break;
            }
            char t[32];
            bool same;
            int k = find_tasks(st.arg, t, &same);
            if (!st.arg[0]) {
                report(&s, i + 1, "the %s line of Task %s has no code", lg_marker_name(LG_MARKER_STUB), task);
                break;
            }
            if ((k == 0 || !same || strcmp(t, task) != 0) && strcmp(task, "?") != 0) {
                report(&s, i + 1, "task number mismatch: the region opened on line %zu is Task %s, its %s names %s%s",
                       begin_line, task, lg_marker_name(LG_MARKER_STUB), k ? "Task " : "no task",
                       k ? (same ? t : "several tasks") : "");
                break;
            }
            if (!strcmp(task, "?"))
                break; /* reported at its BEGIN */
            lg_region *g = region_add(out);
            g->kind = LG_REGION_SOLUTION;
            snprintf(g->name, sizeof g->name, "%s", task);
            g->line = begin_line;
            g->end_line = (size_t)(end_line - lines) + 1;
            g->start = begin->at;
            g->body = begin->at + begin->len + strlen(begin->eol);
            g->body_len = end_line->at - g->body;
            g->end = lines[i].at + lines[i].len + strlen(lines[i].eol);
            while (g->indent < begin->len && is_space(text[begin->at + g->indent]) &&
                   text[begin->at + g->indent] != '\r')
                g->indent++;
            g->open_eol = begin->eol;
            g->stub_eol = lines[i].eol;
            g->stub = lines[i].at + st.arg_at;
            g->stub_len = st.arg_len;
            g->whole = true;
            break;
        }
        case LG_MARKER_STUB:
            report(&s, i + 1, "%s line without a solution region right before it (it must follow %s)",
                   lg_marker_name(LG_MARKER_STUB), lg_marker_name(LG_MARKER_END));
            break;
        }
    }
    if (in && strcmp(task, "?") != 0)
        report(&s, begin_line, "%s Task %s without %s", lg_marker_name(LG_MARKER_BEGIN), task,
               lg_marker_name(LG_MARKER_END));
    /* named regions left open, innermost last */
    for (size_t i = 0; i < s.n_open; i++) {
        const lg_region *g = &out->v[s.open[i]];
        if (!g->bad)
            report(&s, g->line, "%s %s without %s", lg_marker_name(LG_MARKER_REGION), g->name,
                   lg_marker_name(LG_MARKER_END_REGION));
    }
    free(s.open);
    free(lines);
    out->errors = s.errors;
    if (s.errors)
        return lg_seterr(LG_EFORMAT, "%s%s", s.first_err, s.errors > 1 ? " (and more errors in this file)" : "");
    return LG_OK;
}

void lg_regions_free(lg_regions *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

size_t lg_handout_scan_markers(const char *name, const char *text, size_t len, FILE *err)
{
    size_t found = 0, lineno = 1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t at, after, off = 0;
        lg_marker_kind k;
        while ((k = lg_marker_find(p + off, n - off, &at, &after)) != LG_MARKER_NONE) {
            if (k == LG_MARKER_BEGIN || k == LG_MARKER_END || k == LG_MARKER_STUB) {
                if (err)
                    fprintf(err, "%s:%zu: a %s marker survived in the handout\n", name, lineno, lg_marker_name(k));
                found++;
            }
            off += after;
        }
        p += n + 1;
        lineno++;
    }
    return found;
}
