/*
 * answers.c - the students' written answers (labs/NN-name/answers.md, a
 * section "## Question N" per question of the writeup, "## Task N.M" for a
 * derivation a task asks for) woven into the report: each answer right under
 * its question (inside its list item, or after a question heading) or at the
 * end of its task's section. Nothing is dropped: a question with no section
 * says so where the answer would be, a section that matches nothing is shown
 * at the end of the questions with a note, and without answers.md the
 * questions say where the answers go.
 */
#include "lg_weave.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char lg_weave_answer_key(const char *h, int *number, char *task, size_t cap)
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

/* The body of a section without the question it restates (a block quote
 * first) and without blank lines at its ends; "" when nothing is written. */
static char *answer_body(const char *s, size_t n, size_t *skipped)
{
    const char *p = s, *end = s + n;
    bool quote_seen = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *t = p;
        while (t < le && (*t == ' ' || *t == '\t' || *t == '\r'))
            t++;
        bool blank = t == le, quote = !blank && *t == '>';
        /* blank lines before the quote; the quote's lines; then the answer */
        if ((blank && !quote_seen) || quote) {
            quote_seen |= quote;
            p = nl ? nl + 1 : end;
            if (quote_seen && !quote)
                break;
            continue;
        }
        break;
    }
    *skipped = 0;
    for (const char *q = s; q < p; q++)
        *skipped += *q == '\n';
    while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    char *b = lg_xmalloc((size_t)(end - p) + 1);
    memcpy(b, p, (size_t)(end - p));
    b[end - p] = '\0';
    return b;
}

static void add_section(lg_weave_ctx *c, lg_weave_answers *a, const char *heading, size_t hl, const char *body,
                        size_t bl)
{
    a->v = lg_xrealloc(a->v, (a->n + 1) * sizeof *a->v);
    lg_weave_answer *s = &a->v[a->n++];
    memset(s, 0, sizeof *s);
    s->heading = lg_xmalloc(hl + 1);
    memcpy(s->heading, heading, hl);
    s->heading[hl] = '\0';
    s->kind = lg_weave_answer_key(s->heading, &s->number, s->task, sizeof s->task);
    size_t skipped;
    char *text = answer_body(body, bl, &skipped);
    c->line0 += skipped; /* so that errors name the line of answers.md */
    s->empty = text[strspn(text, " \t\r\n")] == '\0';
    if (s->empty || lg_weave_render(c, text, &s->html) != LG_OK)
        s->html = lg_xstrdup("");
    free(text);
}

void lg_weave_answers_load(lg_weave_ctx *c, const char *md, lg_weave_answers *a)
{
    /* a student's "@code" naming no region shows as missing in the answer;
     * it is not an error of the writeup (the count is restored below) */
    lg_weave_answers *saved = c->answers;
    bool toc = c->toc;
    size_t errors = c->errors;
    c->src = a->file;
    c->answers = NULL;
    c->toc = false;
    const char *head = NULL, *body = NULL;
    size_t head_len = 0;
    char fch = 0;
    size_t flen = 0, level_skip = 3, lineno = 0, body_line = 0; /* lines before p, before body */
    for (const char *p = md;;) {
        const char *nl = strchr(p, '\n');
        size_t m = nl ? (size_t)(nl - p) : strlen(p);
        bool heading = false;
        if (flen) {
            if (lg_weave_fence_close(p, m, fch, flen))
                flen = 0;
        } else if (!(flen = lg_weave_fence_open(p, m, &fch))) {
            size_t ind = 0;
            while (ind < m && ind < 3 && p[ind] == ' ')
                ind++;
            /* "## anything", or "# Question N" / "# Task N.M" (a title
             * "# ..." otherwise: the text under it is the file's own) */
            int num;
            char task[16], line[256];
            snprintf(line, sizeof line, "%.*s", (int)(m - ind), p + ind);
            heading = !strncmp(line, "## ", 3) ||
                      (!strncmp(line, "# ", 2) && lg_weave_answer_key(line + 2, &num, task, sizeof task));
            level_skip = ind + (line[1] == ' ' ? 2 : 3); /* where the heading's text starts */
        }
        if (heading || !*p) {
            if (head) {
                c->line0 = body_line;
                add_section(c, a, head, head_len, body, (size_t)(p - body));
            }
            if (!*p)
                break;
            head = p + level_skip;
            head_len = m - level_skip;
            while (head_len && (head[head_len - 1] == '\r' || head[head_len - 1] == ' ' || head[head_len - 1] == '#'))
                head_len--;
            while (head_len && *head == ' ') {
                head++;
                head_len--;
            }
            body = nl ? nl + 1 : p + m;
            body_line = lineno + 1;
        }
        p = nl ? nl + 1 : p + m;
        lineno++;
    }
    c->answers = saved;
    c->toc = toc;
    c->errors = errors;
    c->src = NULL;
    c->line0 = 0;
}

void lg_weave_answers_free(lg_weave_answers *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].heading);
        free(a->v[i].html);
    }
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

static void insert_block(cmark_node *where, bool append_child, const char *html)
{
    cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(b, html);
    cmark_node_set_on_exit(b, "");
    if (append_child)
        LG_ASSERT(cmark_node_append_child(where, b), "an answer inside a list item");
    else
        LG_ASSERT(cmark_node_insert_before(where, b), "an answer before a node");
}

/* Every answer to question number (or task), as HTML; a note when none. */
static char *answers_html(lg_weave_answers *a, char kind, int number, const char *task)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    bool any = false;
    for (size_t i = 0; i < a->n; i++) {
        lg_weave_answer *s = &a->v[i];
        if (s->kind != kind || (kind == 'q' && s->number != number) || (kind == 't' && strcmp(s->task, task)))
            continue;
        s->placed = any = true;
        fputs("<div class=\"answer\"><p class=\"answer-label\">Your answer <span class=\"note\">(", o);
        lg_weave_put_escaped(o, a->file, strlen(a->file));
        fputs(", &ldquo;", o);
        lg_weave_put_escaped(o, s->heading, strlen(s->heading));
        fputs("&rdquo;)</span></p>\n", o);
        if (s->empty)
            fputs("<p class=\"missing\">Not answered yet.</p>\n", o);
        else
            fputs(s->html, o);
        fputs("</div>\n", o);
    }
    if (!any && kind == 'q') {
        fprintf(o, "<div class=\"answer none\"><p class=\"missing\">No answer: %s has no section "
                   "&ldquo;## Question %d&rdquo; (add one and weave again).</p></div>\n", a->file, number);
    }
    fclose(o);
    if (!any && kind == 't') {
        free(buf);
        return NULL;
    }
    return buf;
}

static bool is_heading(cmark_node *n, int max_level)
{
    return n && cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) <= max_level;
}

static char *heading_text(cmark_node *n)
{
    char *t = NULL;
    size_t tl;
    FILE *o = open_memstream(&t, &tl);
    LG_ASSERT(o, "open_memstream");
    lg_weave_node_text(n, o);
    fclose(o);
    return t;
}

/* The questions of the "## Questions" section at h: its ordered lists'
 * items, or its headings that name a question. Returns the node that ends
 * the section (NULL: the end of the document). */
static cmark_node *place_questions(lg_weave_answers *a, cmark_node *h)
{
    cmark_node *n = cmark_node_next(h);
    if (!a->present) {
        char note[1024];
        snprintf(note, sizeof note, "<p class=\"answer none missing\">Your answers go in %s, a section "
                                    "&ldquo;## Question N&rdquo; for each question below; there is none yet.</p>\n",
                 a->file);
        if (n) {
            insert_block(n, false, note);
        } else {
            cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
            cmark_node_set_on_enter(b, note);
            cmark_node_set_on_exit(b, "");
            LG_ASSERT(cmark_node_append_child(cmark_node_parent(h), b), "a note at the end");
        }
    }
    for (; n && !is_heading(n, 2); n = cmark_node_next(n)) {
        if (!a->present)
            continue;
        if (cmark_node_get_type(n) == CMARK_NODE_LIST && cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) {
            int k = cmark_node_get_list_start(n);
            for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it), k++) {
                char *html = answers_html(a, 'q', k, NULL);
                insert_block(it, true, html);
                free(html);
            }
        } else if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
            int num;
            char task[16];
            char *t = heading_text(n);
            char kind = lg_weave_answer_key(t, &num, task, sizeof task);
            free(t);
            if (kind != 'q')
                continue;
            /* after the question's text: before the next heading as high */
            int lvl = cmark_node_get_heading_level(n);
            cmark_node *e = cmark_node_next(n);
            while (e && !is_heading(e, lvl))
                e = cmark_node_next(e);
            char *html = answers_html(a, 'q', num, NULL);
            if (e) {
                insert_block(e, false, html);
            } else {
                cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
                cmark_node_set_on_enter(b, html);
                cmark_node_set_on_exit(b, "");
                LG_ASSERT(cmark_node_append_child(cmark_node_parent(n), b), "an answer at the end");
            }
            free(html);
        }
    }
    return n;
}

void lg_weave_answers_place(lg_weave_ctx *c, cmark_node *doc)
{
    lg_weave_answers *a = c->answers;
    cmark_node *questions_end = NULL;
    bool have_questions = false;
    /* top-level sections first: they do not move while answers go in */
    size_t n = 0, cap = 32;
    cmark_node **hs = lg_xmalloc(cap * sizeof *hs);
    for (cmark_node *nd = cmark_node_first_child(doc); nd; nd = cmark_node_next(nd))
        if (is_heading(nd, 2)) {
            if (n == cap)
                hs = lg_xrealloc(hs, (cap *= 2) * sizeof *hs);
            hs[n++] = nd;
        }
    for (size_t i = 0; i < n; i++) {
        char *t = heading_text(hs[i]);
        int num;
        char task[16];
        const char *s = t + strspn(t, " ");
        if (!have_questions && !strncasecmp(s, "questions", 9)) {
            have_questions = true;
            questions_end = place_questions(a, hs[i]);
        } else if (lg_weave_answer_key(s, &num, task, sizeof task) == 't' && a->present) {
            char *html = answers_html(a, 't', 0, task);
            if (html) {
                cmark_node *end = i + 1 < n ? hs[i + 1] : NULL;
                if (end)
                    insert_block(end, false, html);
                else {
                    cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
                    cmark_node_set_on_enter(b, html);
                    cmark_node_set_on_exit(b, "");
                    cmark_node_append_child(doc, b);
                }
            }
            free(html);
        }
        free(t);
    }
    free(hs);
    /* what matched nothing: at the end of the questions, with a note */
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    for (size_t i = 0; i < a->n; i++) {
        lg_weave_answer *s = &a->v[i];
        if (s->placed)
            continue;
        fputs("<div class=\"answer orphan\"><p class=\"answer-label\">From ", o);
        lg_weave_put_escaped(o, a->file, strlen(a->file));
        fputs(", &ldquo;", o);
        lg_weave_put_escaped(o, s->heading, strlen(s->heading));
        fprintf(o, "&rdquo; <span class=\"note\">(%s)</span></p>\n",
                s->kind == 'q'   ? "the writeup has no question of this number"
                : s->kind == 't' ? "the writeup has no section for this task"
                                 : "a heading that names no question: use &ldquo;## Question N&rdquo;");
        fputs(s->empty ? "<p class=\"missing\">Nothing written yet.</p>\n" : s->html, o);
        fputs("</div>\n", o);
    }
    fclose(o);
    if (*buf) {
        cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        cmark_node_set_on_enter(b, buf);
        cmark_node_set_on_exit(b, "");
        if (questions_end)
            cmark_node_insert_before(questions_end, b);
        else
            cmark_node_append_child(doc, b);
    }
    free(buf);
}
