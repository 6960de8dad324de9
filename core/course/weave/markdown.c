/*
 * markdown.c - the writeup to HTML: "@code" lines and $math$ become
 * placeholders (fenced code left alone), cmark-gfm parses the rest (GitHub
 * tables through its table extension) and tree.c puts the fragments back.
 * Math is kept from cmark that way (it would read \_ or \\ or *...* in TeX as
 * Markdown): each $...$ becomes <span class="math">TeX</span> and each
 * $$...$$ <span class="math display">, the TeX escaped, for KaTeX to
 * typeset in the browser (katex.c).
 */
#include "lg_weave.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

static size_t frag_add(lg_weave_ctx *c, char *html, bool block)
{
    if (c->n_frags == c->cap_frags)
        c->frags = lg_xrealloc(c->frags, (c->cap_frags = c->cap_frags * 2 + 16) * sizeof *c->frags);
    c->frags[c->n_frags].html = html;
    c->frags[c->n_frags].block = block;
    return c->n_frags++;
}

/* A fenced code block's opening line: returns the fence length (3+) and its
 * character, else 0. */
size_t lg_weave_fence_open(const char *s, size_t n, char *ch)
{
    size_t i = 0;
    while (i < n && i < 4 && s[i] == ' ')
        i++;
    if (i > 3 || i >= n || (s[i] != '`' && s[i] != '~'))
        return 0;
    size_t k = i;
    while (k < n && s[k] == s[i])
        k++;
    if (k - i < 3)
        return 0;
    if (s[i] == '`' && memchr(s + k, '`', n - k))
        return 0; /* an info string with a backtick: not a fence */
    *ch = s[i];
    return k - i;
}

bool lg_weave_fence_close(const char *s, size_t n, char ch, size_t len)
{
    size_t i = 0;
    while (i < n && i < 4 && s[i] == ' ')
        i++;
    size_t k = i;
    while (k < n && s[k] == ch)
        k++;
    if (k - i < len)
        return false;
    while (k < n && lg_weave_is_blank(s[k]))
        k++;
    return k == n;
}

/* Line pass: fenced blocks are left alone; "@code" lines become block
 * placeholders. */
static char *pass_lines(lg_weave_ctx *c, const char *md)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    /* split into lines */
    size_t n = 0, cap = 64;
    const char **ls = lg_xmalloc(cap * sizeof *ls);
    size_t *ll = lg_xmalloc(cap * sizeof *ll);
    for (const char *p = md; *p;) {
        const char *nl = strchr(p, '\n');
        if (n == cap) {
            ls = lg_xrealloc(ls, (cap *= 2) * sizeof *ls);
            ll = lg_xrealloc(ll, cap * sizeof *ll);
        }
        ls[n] = p;
        ll[n] = nl ? (size_t)(nl - p) : strlen(p);
        if (ll[n] && p[ll[n] - 1] == '\r')
            ll[n]--;
        n++;
        p = nl ? nl + 1 : p + strlen(p);
    }
    char fch = 0;
    size_t flen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = ls[i];
        size_t m = ll[i];
        if (flen) {
            if (lg_weave_fence_close(s, m, fch, flen))
                flen = 0;
            fprintf(o, "%.*s\n", (int)m, s);
            continue;
        }
        if ((flen = lg_weave_fence_open(s, m, &fch))) {
            fprintf(o, "%.*s\n", (int)m, s);
            continue;
        }
        size_t ind = 0;
        while (ind < m && lg_weave_is_blank(s[ind]))
            ind++;
        if (m - ind > 6 && !memcmp(s + ind, "@code", 5) && lg_weave_is_blank(s[ind + 5])) {
            char file[1024] = "", region[256] = "", extra[8] = "";
            char line[2048];
            snprintf(line, sizeof line, "%.*s", (int)(m - ind - 5), s + ind + 5);
            int got = sscanf(line, "%1023s %255s %7s", file, region, extra);
            char *h = NULL;
            if (got != 2) {
                fprintf(c->err, "%s:%zu: '@code' takes a file and a region name: @code plugins/gan.c d_loss\n",
                        lg_weave_src(c), c->line0 + i + 1);
                c->errors++;
            } else {
                h = lg_weave_code_html(c, file, region, i + 1);
            }
            if (!h) {
                h = NULL;
                FILE *e;
                size_t el;
                e = open_memstream(&h, &el);
                fputs("<p class=\"missing\">missing code region: <code>", e);
                lg_weave_put_escaped(e, line, strlen(line));
                fputs("</code></p>", e);
                fclose(e);
            }
            size_t k = frag_add(c, h, true);
            fprintf(o, "\n%.*s" LG_WEAVE_PH_OPEN "%zu" LG_WEAVE_PH_CLOSE "\n\n", (int)ind, s, k);
            continue;
        }
        fprintf(o, "%.*s\n", (int)m, s);
    }
    free(ls);
    free(ll);
    fclose(o);
    return buf;
}

/* The element KaTeX fills (katex.c), its text the TeX source as written. */
char *lg_weave_math_html(const char *tex, size_t n, bool display)
{
    char *h = NULL;
    size_t hl;
    FILE *o = open_memstream(&h, &hl);
    LG_ASSERT(o, "open_memstream");
    fputs(display ? "<span class=\"math display\">" : "<span class=\"math\">", o);
    lg_weave_put_escaped(o, tex, n);
    fputs("</span>", o);
    fclose(o);
    return h;
}

/* Math pass: $...$ and $$...$$ outside code become inline placeholders. The
 * usual rules keep prices apart: an opening $ is not followed by a blank, a
 * closing $ not preceded by one nor followed by a digit; \$ is a dollar. */
static char *pass_math(lg_weave_ctx *c, const char *md)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    size_t i = 0, n = strlen(md);
    bool line_start = true;
    char fch = 0;
    size_t flen = 0;
    while (i < n) {
        if (line_start) {
            const char *nl = strchr(md + i, '\n');
            size_t m = nl ? (size_t)(nl - (md + i)) : n - i;
            bool fenced = false;
            if (flen) {
                if (lg_weave_fence_close(md + i, m, fch, flen))
                    flen = 0;
                fenced = true;
            } else if ((flen = lg_weave_fence_open(md + i, m, &fch))) {
                fenced = true;
            }
            if (fenced) {
                fwrite(md + i, 1, m + (nl != NULL), o);
                i += m + (nl != NULL);
                continue;
            }
        }
        char ch = md[i];
        line_start = false;
        if (ch == '\n') {
            line_start = true;
            fputc(ch, o);
            i++;
        } else if (ch == '\\' && i + 1 < n) {
            fwrite(md + i, 1, 2, o);
            i += 2;
        } else if (ch == '`') {
            /* a code span: a run of k backticks up to the next run of k */
            size_t k = 0;
            while (md[i + k] == '`')
                k++;
            size_t j = i + k;
            const char *close = NULL;
            while ((close = strchr(md + j, '`'))) {
                size_t r = 0;
                while (close[r] == '`')
                    r++;
                if (r == k)
                    break;
                j = (size_t)(close - md) + r;
            }
            size_t end = close ? (size_t)(close - md) + k : i + k;
            fwrite(md + i, 1, end - i, o);
            i = end;
        } else if (ch == '$') {
            bool display = md[i + 1] == '$';
            size_t a = i + (display ? 2 : 1);
            size_t j = a;
            bool ok = false;
            if (display) {
                while (j + 1 < n && !(md[j] == '$' && md[j + 1] == '$'))
                    j += md[j] == '\\' ? 2 : 1;
                ok = j + 1 < n && j > a;
            } else if (a < n && !lg_weave_is_blank(md[a]) && md[a] != '\n') {
                while (j < n && md[j] != '$' && !(md[j] == '\n' && md[j + 1] == '\n'))
                    j += md[j] == '\\' && j + 1 < n ? 2 : 1;
                ok = j < n && md[j] == '$' && !lg_weave_is_blank(md[j - 1]) && !(md[j + 1] >= '0' && md[j + 1] <= '9');
            }
            if (!ok) {
                fputc(ch, o);
                i++;
                continue;
            }
            size_t k = frag_add(c, lg_weave_math_html(md + a, j - a, display), display);
            fprintf(o, LG_WEAVE_PH_OPEN "%zu" LG_WEAVE_PH_CLOSE, k);
            i = j + (display ? 2 : 1);
        } else {
            fputc(ch, o);
            i++;
        }
    }
    fclose(o);
    return buf;
}

/* The HTML with the placeholders left in the text (those in table cells)
 * replaced by their fragments. */
static char *put_fragments(const lg_weave_ctx *c, const char *html)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    for (const char *p = html; *p;) {
        const char *ph = strstr(p, LG_WEAVE_PH_OPEN);
        size_t k, pl;
        if (!ph) {
            fputs(p, o);
            break;
        }
        fwrite(p, 1, (size_t)(ph - p), o);
        if (lg_weave_placeholder_at(ph, &k, &pl) && k < c->n_frags) {
            fputs(c->frags[k].html, o);
            p = ph + pl;
        } else {
            fwrite(ph, 1, 3, o);
            p = ph + 3;
        }
    }
    fclose(o);
    return buf;
}

/* The writeup through cmark-gfm with its table extension. Safe mode (the
 * default): the writeup's own raw HTML is omitted, dangerous link schemes are
 * dropped, while the custom nodes made by lg_weave_transform are written as
 * they are. */
int lg_weave_render(lg_weave_ctx *c, const char *md, char **html)
{
    char *lines = pass_lines(c, md);
    char *math = pass_math(c, lines);
    free(lines);
    cmark_gfm_core_extensions_ensure_registered();
    cmark_syntax_extension *table = cmark_find_syntax_extension("table");
    if (!table) {
        free(math);
        return lg_seterr(LG_EFORMAT, "cmark-gfm has no table extension");
    }
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    LG_ASSERT(parser, "cmark_parser_new");
    cmark_parser_attach_syntax_extension(parser, table);
    cmark_parser_feed(parser, math, strlen(math));
    cmark_node *doc = cmark_parser_finish(parser);
    free(math);
    if (!doc) {
        cmark_parser_free(parser);
        return lg_seterr(LG_EFORMAT, "cmark-gfm could not parse the writeup");
    }
    cmark_consolidate_text_nodes(doc);
    lg_weave_transform(c, doc);
    /* the writeup alone (weave.c sets these for it): answers under their
     * questions, then ids on the headings (the answers' stay without) */
    if (c->answers)
        lg_weave_answers_place(c, doc);
    if (c->toc)
        lg_weave_heading_ids(c, doc, cmark_parser_get_syntax_extensions(parser));
    char *out = cmark_render_html(doc, CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES,
                                  cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(doc);
    cmark_parser_free(parser);
    *html = put_fragments(c, out);
    free(out);
    return LG_OK;
}
void lg_weave_ctx_free(lg_weave_ctx *c)
{
    for (size_t i = 0; i < c->n_frags; i++)
        free(c->frags[i].html);
    free(c->frags);
    for (size_t i = 0; i < c->n_heads; i++) {
        free(c->heads[i].id);
        free(c->heads[i].html);
    }
    free(c->heads);
    lg_strvec_free(&c->figures);
}

int lg_weave_markdown(const char *md, const char *root, const char *lab_dir, const char *run_dir,
                      const char *out_dir, char **html, FILE *err)
{
    lg_weave_ctx c = { .root = root, .lab_dir = lab_dir, .run_dir = run_dir, .out_dir = out_dir, .err = err };
    *html = NULL;
    int rc = lg_weave_render(&c, md, html);
    if (rc == LG_OK && c.errors) {
        rc = lg_seterr(LG_EFORMAT, "%zu error%s in the writeup (listed above)", c.errors, c.errors > 1 ? "s" : "");
        free(*html);
        *html = NULL;
    }
    lg_weave_ctx_free(&c);
    return rc;
}
