/*
 * lg_weave.h - the pieces of `litgan weave` (core/course/weave/), internal:
 *   weave.c     the command: lg_weave_run (the report) and lg_weave_main
 *   markdown.c  the writeup to HTML (placeholders, cmark-gfm, lg_weave_markdown)
 *   tree.c      the parsed writeup changed: fragments, figures, links, tables
 *   code.c      "@code FILE REGION": lg_weave_region, the C highlighter
 *   katex.c     KaTeX (libjs-katex) inlined: its style sheet with the fonts, its script
 *   toc.c       ids on the writeup's headings, the table of contents
 *   answers.c   the students' answers.md (read by ../answers.c), each answer
 *               under its question
 *   grade.c     the grade section: per task, failures as a table
 *   page.c      the page around the writeup: outputs, CSV tables, template,
 *               figures older than the code
 *   html.c      escaping, images and fonts as data URIs
 */
#ifndef LG_WEAVE_H
#define LG_WEAVE_H

#include "lg_answers.h"
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

/* A heading of the report, for the table of contents. */
typedef struct lg_weave_heading {
    int level;
    char *id, *html; /* its id and its inside, as HTML */
} lg_weave_heading;

/* One section of answers.md (lg_answers.h), rendered. */
typedef struct lg_weave_answer {
    const lg_answer *sec; /* the section: its heading, what it names, its body */
    char *html;           /* its body, rendered ("" when nothing is written) */
    bool placed;
} lg_weave_answer;

typedef struct lg_weave_answers {
    char file[512]; /* "labs/NN-name/answers.md", as the student knows it */
    bool present;   /* the file exists */
    lg_answers parsed;
    lg_weave_answer *v;
    size_t n;
} lg_weave_answers;

/* One writeup being rendered: its folders, the fragments, the figures it
 * embedded, and its errors (each a line on err); for the writeup itself (not
 * a results file) the answers to place and the headings to list. */
typedef struct lg_weave_ctx {
    const char *root, *lab_dir, *run_dir, *out_dir;
    lg_weave_frag *frags;
    size_t n_frags, cap_frags;
    lg_strvec figures; /* image files the writeup embedded (absolute paths) */
    size_t errors;
    FILE *err;
    const char *src;           /* the Markdown's file, for errors (NULL: README.md) */
    size_t line0;              /* the lines of that file before this Markdown */
    lg_weave_answers *answers; /* NULL: none placed */
    bool toc;                  /* give headings ids, listed in heads */
    lg_weave_heading *heads;
    size_t n_heads, cap_heads;
} lg_weave_ctx;

static inline bool lg_weave_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static inline const char *lg_weave_src(const lg_weave_ctx *c) { return c->src ? c->src : "README.md"; }

/* html.c */
void lg_weave_put_escaped(FILE *o, const char *s, size_t n);
/* "data:image/png;base64,..." for an image file, NULL when unreadable or not
 * a PNG, JPEG or GIF (checked by its magic bytes). */
char *lg_weave_data_uri(const char *path);
/* "data:MIME;base64,..." of n bytes. */
char *lg_weave_data_uri_bytes(const void *data, size_t n, const char *mime);

/* katex.c: KaTeX's style sheet (fonts inside as data URIs) and script, from
 * lg_weave_katex_dir(); a missing file is an error naming the package. */
const char *lg_weave_katex_dir(void);
int lg_weave_katex(char **css, char **js);

/* toc.c */
/* Ids on the document's headings of levels 2-3, each recorded in c->heads. */
void lg_weave_heading_ids(lg_weave_ctx *c, cmark_node *doc, cmark_llist *exts);
/* Record a heading the page adds itself; returns its id. */
const char *lg_weave_heading_add(lg_weave_ctx *c, int level, const char *text, const char *html);
void lg_weave_put_toc(FILE *o, const lg_weave_ctx *c);

/* answers.c */
/* answers.md's sections (lg_answers_parse), each rendered (with c->answers NULL). */
void lg_weave_answers_load(lg_weave_ctx *c, const char *md, lg_weave_answers *a);
/* Each answer under its question (or task) in the writeup's tree. */
void lg_weave_answers_place(lg_weave_ctx *c, cmark_node *doc);
void lg_weave_answers_free(lg_weave_answers *a);

/* grade.c */
/* A failure message of the grader, one failing input: its parts, each ""
 * when absent; false when the line is not of the grader's form (shown raw). */
typedef struct lg_weave_failure {
    char input[1024], expected[256], got[512], hint[1024];
} lg_weave_failure;
bool lg_weave_failure_parse(const char *line, lg_weave_failure *f);
/* The grade section from the grader's results.json and its printed table. */
void lg_weave_put_grade(FILE *o, const lg_lab *lab, const char *json_text, const char *table, int grc,
                        double score, double max_score, const char *grade_err);

/* code.c: the HTML of "@code FILE REGION" (line lineno of the writeup), or
 * NULL after reporting the error on c->err. */
char *lg_weave_code_html(lg_weave_ctx *c, const char *file, const char *region, size_t lineno);

/* markdown.c: Markdown to HTML (fragments kept in c); lg_weave_ctx_free frees them. */
int lg_weave_render(lg_weave_ctx *c, const char *md, char **html);
void lg_weave_ctx_free(lg_weave_ctx *c);
/* The element KaTeX fills: <span class="math[ display]">TeX, escaped</span>. */
char *lg_weave_math_html(const char *tex, size_t n, bool display);
/* A fenced code block's opening line: the fence length (3+) and its
 * character in *ch, else 0; and its closing line. */
size_t lg_weave_fence_open(const char *s, size_t n, char *ch);
bool lg_weave_fence_close(const char *s, size_t n, char ch, size_t len);

/* tree.c: replace images, links, tables and placeholders in the parsed document. */
/* Is there a placeholder at s? Its fragment's index in *k, its length in *len. */
bool lg_weave_placeholder_at(const char *s, size_t *k, size_t *len);
void lg_weave_transform(lg_weave_ctx *c, cmark_node *doc);
/* The text of a node's children. */
void lg_weave_node_text(cmark_node *n, FILE *o);

/* page.c */
/* Files the experiment wrote, found under dir (three levels deep at most). */
void lg_weave_find_outputs(const char *dir, int depth, lg_strvec *pngs, lg_strvec *results);
/* A CSV file (comma-separated, "quoted" fields) as an HTML table. */
void lg_weave_put_csv(FILE *o, const char *text);
/* The template with {{key}} replaced by the values given. */
void lg_weave_put_template(FILE *o, const char *tpl, const char *const *keys, const char *const *vals, size_t n);
/* Text escaped, ANSI colour sequences dropped. */
void lg_weave_put_plain(FILE *o, const char *s);
/* Are the figures older than the code they came from? The lab's student
 * files and lab.ini under root against the oldest figure: true with a
 * sentence in msg. */
bool lg_weave_stale(const lg_lab *lab, const char *root, const lg_strvec *pngs, char *msg, size_t cap);

#endif /* LG_WEAVE_H */
