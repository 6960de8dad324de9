/*
 * lg_weave.h - the pieces of `litgan weave` (core/course/weave/), internal:
 *   weave.c     the command: lg_weave_run (the report) and lg_weave_main
 *   markdown.c  the writeup to HTML (placeholders, cmark-gfm, lg_weave_markdown)
 *   tree.c      the parsed writeup changed: fragments, figures, links, tables
 *   code.c      "@code FILE REGION": lg_weave_region, the C highlighter
 *   tex.c       $math$ to HTML: lg_weave_tex
 *   page.c      the page around the writeup: outputs, CSV tables, template
 *   html.c      escaping, images as data URIs
 */
#ifndef LG_WEAVE_H
#define LG_WEAVE_H

#include "lg_course.h"

#include <cmark-gfm.h>

/* Fragments of HTML made here, standing in the Markdown as placeholders
 * U+E000 index U+E001 (private-use characters: cmark keeps them as text). */
#define LG_WEAVE_PH_OPEN "\xee\x80\x80"
#define LG_WEAVE_PH_CLOSE "\xee\x80\x81"

typedef struct lg_weave_frag {
    char *html;
    bool block; /* a paragraph holding only it becomes this block */
} lg_weave_frag;

/* One writeup being rendered: its folders, the fragments, the figures it
 * embedded, and its errors (each a line on err). */
typedef struct lg_weave_ctx {
    const char *root, *lab_dir, *run_dir, *out_dir;
    lg_weave_frag *frags;
    size_t n_frags, cap_frags;
    lg_strvec figures; /* image files the writeup embedded (absolute paths) */
    size_t errors;
    FILE *err;
} lg_weave_ctx;

static inline bool lg_weave_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* html.c */
void lg_weave_put_escaped(FILE *o, const char *s, size_t n);
/* "data:image/png;base64,..." for an image file, NULL when unreadable or not
 * a PNG, JPEG or GIF (checked by its magic bytes). */
char *lg_weave_data_uri(const char *path);

/* code.c: the HTML of "@code FILE REGION" (line lineno of the writeup), or
 * NULL after reporting the error on c->err. */
char *lg_weave_code_html(lg_weave_ctx *c, const char *file, const char *region, size_t lineno);

/* markdown.c: Markdown to HTML (fragments kept in c); lg_weave_ctx_free frees them. */
int lg_weave_render(lg_weave_ctx *c, const char *md, char **html);
void lg_weave_ctx_free(lg_weave_ctx *c);

/* tree.c: replace images, links, tables and placeholders in the parsed document. */
/* Is there a placeholder at s? Its fragment's index in *k, its length in *len. */
bool lg_weave_placeholder_at(const char *s, size_t *k, size_t *len);
void lg_weave_transform(lg_weave_ctx *c, cmark_node *doc);

/* page.c */
/* Files the experiment wrote, found under dir (three levels deep at most). */
void lg_weave_find_outputs(const char *dir, int depth, lg_strvec *pngs, lg_strvec *results);
/* A CSV file (comma-separated, "quoted" fields) as an HTML table. */
void lg_weave_put_csv(FILE *o, const char *text);
/* The template with {{key}} replaced by the values given. */
void lg_weave_put_template(FILE *o, const char *tpl, const char *const *keys, const char *const *vals, size_t n);
/* Text escaped, ANSI colour sequences dropped. */
void lg_weave_put_plain(FILE *o, const char *s);

#endif /* LG_WEAVE_H */
