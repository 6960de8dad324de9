/*
 * answers.c - a student's answers.md (labs/NN-name/answers.md) read into its
 * sections: the one reading of the file that `litgan weave` (which shows each
 * answer under its question) and `litgan pack` (which refuses the untouched
 * template and names the headings still unanswered) share.
 *
 * The shipped file is a title, a few lines of instructions, then a heading per
 * question ("## Question N") and per derivation ("## Task N.M"), each with a
 * block quote restating the question and perhaps a <!-- prompt -->. None of
 * that is an answer: a section's body is what is under its heading without
 * the HTML comments (the reader of the report never sees them), without the
 * restating quote (the first block quote, the report leaves it out since the
 * question is printed right above) and without blank lines at its ends. So an
 * untouched section has an empty body, and a section whose body is not empty
 * is answered, whatever else the file holds.
 *
 * A heading is a line "## anything" (up to three spaces before it; "###" and
 * deeper belong to the answer), or "# Question N" / "# Task N.M" (a "# Title"
 * otherwise is the file's own). Inside a fenced code block nothing is a
 * heading or a comment; inside a comment nothing is a heading or a fence.
 * Comments are cut out keeping their line breaks, so a line of a body is the
 * same line of answers.md and errors in an answer can name it.
 */
#include "lg_answers.h"

#include "lg_course.h"
#include "weave/lg_weave.h" /* the fences, read as cmark reads them */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char lg_answers_key(const char *h, int *number, char *task, size_t cap)
{
    while (*h == ' ' || *h == '\t' || *h == '#')
        h++;
    const char *p = h;
    if (!strncasecmp(p, "question", 8))
        p += 8;
    else if ((*p == 'q' || *p == 'Q') && (isdigit((unsigned char)p[1]) || p[1] == ' ' || p[1] == '.'))
        p += 1;
    else if (!strncasecmp(p, "task", 4)) {
        p += 4;
        while (*p == ' ')
            p++;
        size_t n = 0;
        while ((isdigit((unsigned char)p[n]) || p[n] == '.') && n + 1 < cap)
            n++;
        while (n && p[n - 1] == '.')
            n--;
        if (n && memchr(p, '.', n)) { /* "2.2", not "2" */
            memcpy(task, p, n);
            task[n] = '\0';
            return 't';
        }
        return 0;
    }
    while (*p == ' ' || *p == '.')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    char *end;
    long v = strtol(p, &end, 10);
    /* "3." or "3)" or "3" alone or "3 " then text; not "3.5" */
    if (v <= 0 || v > 999 || (*end == '.' && isdigit((unsigned char)end[1])))
        return 0;
    if (p == h && !(*end == '.' || *end == ')' || *end == ' ' || *end == '\0'))
        return 0;
    *number = (int)v;
    return 'q';
}

/* ------------------------------------------------------------ the text --- */

typedef struct text_buf {
    char *s;
    size_t n, cap;
} text_buf;

static void put(text_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap)
        b->s = lg_xrealloc(b->s, b->cap = 2 * (b->n + n + 1) + 256);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* A line s[0..n) without its HTML comments; *in carries a comment still open
 * at the end of the line to the next. */
static void put_uncommented(text_buf *b, const char *s, size_t n, bool *in)
{
    for (size_t i = 0; i < n;) {
        if (*in) {
            const char *e = memmem(s + i, n - i, "-->", 3);
            if (!e)
                return;
            i = (size_t)(e - s) + 3;
            *in = false;
        } else {
            const char *o = memmem(s + i, n - i, "<!--", 4);
            size_t k = o ? (size_t)(o - s) : n;
            put(b, s + i, k - i);
            if (!o)
                return;
            i = k + 4;
            *in = true;
        }
    }
}

/* Is l[0..n) a heading of answers.md? Its level (1, 2), its text's start and
 * length; 0 when not. */
static int heading_of(const char *l, size_t n, const char **text, size_t *len)
{
    size_t ind = 0;
    while (ind < n && ind < 3 && l[ind] == ' ')
        ind++;
    const char *h = l + ind;
    size_t hn = n - ind;
    int level = hn >= 3 && !strncmp(h, "## ", 3) ? 2 : hn >= 2 && !strncmp(h, "# ", 2) ? 1 : 0;
    if (!level)
        return 0;
    const char *t = h + level + 1;
    size_t tl = hn - (size_t)level - 1;
    while (tl && (*t == ' ' || *t == '\t')) {
        t++;
        tl--;
    }
    while (tl && (t[tl - 1] == '\r' || t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '#'))
        tl--;
    if (level == 1) { /* "# Question N" or "# Task N.M", not a title */
        char buf[256], task[16];
        int num;
        snprintf(buf, sizeof buf, "%.*s", (int)tl, t);
        if (!lg_answers_key(buf, &num, task, sizeof task))
            return 0;
    }
    *text = t;
    *len = tl;
    return level;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The answer in a section's text s[0..n) (comments already out): after the
 * blank lines and the block quote that restates the question, up to the
 * blank end. *skipped: the lines before it. */
static char *body_of(const char *s, size_t n, size_t *skipped)
{
    const char *p = s, *end = s + n;
    int phase = 0; /* 0 before the quote, 1 in it, 2 after it */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *t = p;
        while (t < le && is_blank(*t))
            t++;
        bool blank = t == le, quote = !blank && *t == '>';
        if (!blank && !(quote && phase < 2))
            break; /* a line not blank after the quote (a second one is the student's) */
        if (quote)
            phase = 1;
        else if (phase == 1)
            phase = 2;
        p = nl ? nl + 1 : end;
    }
    *skipped = 0;
    for (const char *q = s; q < p; q++)
        *skipped += *q == '\n';
    while (end > p && is_blank(end[-1]))
        end--;
    char *b = lg_xmalloc((size_t)(end - p) + 1);
    memcpy(b, p, (size_t)(end - p));
    b[end - p] = '\0';
    return b;
}

/* ---------------------------------------------------------- the sections --- */

void lg_answers_parse(const char *text, lg_answers *a)
{
    memset(a, 0, sizeof *a);
    text_buf clean = { 0 }; /* the text without its comments, line for line */
    put(&clean, "", 0);
    size_t *start = NULL, *stop = NULL; /* each section's body in clean */
    bool comment = false;
    char fch = 0;
    size_t flen = 0, lineno = 0;
    for (const char *p = text; *p; lineno++) {
        const char *nl = strchr(p, '\n');
        size_t m = nl ? (size_t)(nl - p) : strlen(p);
        size_t at = clean.n;
        if (flen) {
            put(&clean, p, m);
            if (lg_weave_fence_close(p, m, fch, flen))
                flen = 0;
        } else {
            put_uncommented(&clean, p, m, &comment);
            const char *l = clean.s + at, *h;
            size_t hl, lm = clean.n - at;
            int level;
            if ((flen = lg_weave_fence_open(l, lm, &fch))) {
                comment = false; /* a "<!--" in its info string opens nothing */
            } else if ((level = heading_of(l, lm, &h, &hl))) {
                if (a->n)
                    stop[a->n - 1] = at;
                a->v = lg_xrealloc(a->v, (a->n + 1) * sizeof *a->v);
                start = lg_xrealloc(start, (a->n + 1) * sizeof *start);
                stop = lg_xrealloc(stop, (a->n + 1) * sizeof *stop);
                lg_answer *s = &a->v[a->n];
                memset(s, 0, sizeof *s);
                s->level = level;
                s->heading = lg_xmalloc(hl + 1);
                memcpy(s->heading, h, hl);
                s->heading[hl] = '\0';
                s->kind = lg_answers_key(s->heading, &s->number, s->task, sizeof s->task);
                s->line = lineno + 1;
                start[a->n++] = clean.n + 1; /* after this line's break, put below */
            }
        }
        put(&clean, "\n", 1);
        p = nl ? nl + 1 : p + m;
    }
    if (a->n)
        stop[a->n - 1] = clean.n;
    for (size_t i = 0; i < a->n; i++) {
        size_t skipped;
        a->v[i].body = body_of(clean.s + start[i], stop[i] - start[i], &skipped);
        a->v[i].body_line = a->v[i].line + skipped;
    }
    free(start);
    free(stop);
    free(clean.s);
}

void lg_answers_free(lg_answers *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].heading);
        free(a->v[i].body);
    }
    free(a->v);
    a->v = NULL;
    a->n = 0;
}
