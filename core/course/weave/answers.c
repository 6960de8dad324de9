/*
 * answers.c - the students' written answers (labs/NN-name/answers.md, a
 * section "## Question N" per question of the writeup, "## Task N.M" for a
 * derivation a task asks for) woven into the report: each answer right under
 * its question (inside its list item, or after a question heading) or at the
 * end of its task's section. Nothing is dropped: a question with no section
 * says so where the answer would be, a section that matches nothing is shown
 * at the end of the questions with a note, and without answers.md the
 * questions say where the answers go.
 *
 * The file is read by ../answers.c (lg_answers_parse), the reading `litgan
 * pack` uses too: an answer is what a section holds without the block quote
 * restating its question and without HTML comments, so the report says "Not
 * answered yet" exactly where pack names a heading as still unanswered. Only
 * the placing is done here.
 */
#include "lg_weave.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    lg_answers_parse(md, &a->parsed);
    a->n = a->parsed.n;
    a->v = lg_xmalloc((a->n ? a->n : 1) * sizeof *a->v);
    for (size_t i = 0; i < a->n; i++) {
        lg_weave_answer *s = &a->v[i];
        s->sec = &a->parsed.v[i];
        s->placed = false;
        c->line0 = s->sec->body_line; /* so that errors name the line of answers.md */
        if (!lg_answer_written(s->sec) || lg_weave_render(c, s->sec->body, &s->html) != LG_OK)
            s->html = lg_xstrdup("");
    }
    c->answers = saved;
    c->toc = toc;
    c->errors = errors;
    c->src = NULL;
    c->line0 = 0;
}

void lg_weave_answers_free(lg_weave_answers *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i].html);
    free(a->v);
    lg_answers_free(&a->parsed);
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
        const lg_answer *sec = s->sec;
        if (sec->kind != kind || (kind == 'q' && sec->number != number) || (kind == 't' && strcmp(sec->task, task)))
            continue;
        s->placed = any = true;
        fputs("<div class=\"answer\"><p class=\"answer-label\">Your answer <span class=\"note\">(", o);
        lg_weave_put_escaped(o, a->file, strlen(a->file));
        fputs(", &ldquo;", o);
        lg_weave_put_escaped(o, sec->heading, strlen(sec->heading));
        fputs("&rdquo;)</span></p>\n", o);
        if (!lg_answer_written(sec))
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
            char kind = lg_answers_key(t, &num, task, sizeof task);
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
        } else if (lg_answers_key(s, &num, task, sizeof task) == 't' && a->present) {
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
        lg_weave_put_escaped(o, s->sec->heading, strlen(s->sec->heading));
        fprintf(o, "&rdquo; <span class=\"note\">(%s)</span></p>\n",
                s->sec->kind == 'q'   ? "the writeup has no question of this number"
                : s->sec->kind == 't' ? "the writeup has no section for this task"
                                      : "a heading that names no question: use &ldquo;## Question N&rdquo;");
        fputs(!lg_answer_written(s->sec) ? "<p class=\"missing\">Nothing written yet.</p>\n" : s->html, o);
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
