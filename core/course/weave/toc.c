/*
 * toc.c - the report's table of contents: every heading of the writeup (levels
 * 2 and 3; level 1 is the title) gets an id made from its text, and the list
 * of them, with the report's own sections, links to each.
 */
#include "lg_weave.h"

#include <stdlib.h>
#include <string.h>

/* An id from a heading's text: lower-case letters, digits and single dashes;
 * "s-" first, so it never meets an id of the page's own; "-2", "-3" on a
 * repeat. */
static char *make_id(lg_weave_ctx *c, const char *text)
{
    char base[96] = "s-";
    size_t k = 2;
    for (const char *p = text; *p && k + 1 < sizeof base - 8;) {
        size_t ph_len, idx;
        if (lg_weave_placeholder_at(p, &idx, &ph_len)) {
            p += ph_len; /* math in a heading: not part of its id */
            continue;
        }
        char ch = *p++;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.')
            base[k++] = ch == '.' ? '-' : ch;
        else if (base[k - 1] != '-')
            base[k++] = '-';
    }
    while (k > 2 && base[k - 1] == '-')
        k--;
    base[k] = '\0';
    if (k == 2)
        snprintf(base, sizeof base, "s-section");
    char id[128];
    snprintf(id, sizeof id, "%s", base);
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < c->n_heads; i++)
            taken |= !strcmp(c->heads[i].id, id);
        if (!taken)
            break;
        snprintf(id, sizeof id, "%s-%d", base, n);
    }
    return lg_xstrdup(id);
}

const char *lg_weave_heading_add(lg_weave_ctx *c, int level, const char *text, const char *html)
{
    if (c->n_heads == c->cap_heads)
        c->heads = lg_xrealloc(c->heads, (c->cap_heads = c->cap_heads * 2 + 16) * sizeof *c->heads);
    lg_weave_heading *h = &c->heads[c->n_heads];
    h->id = make_id(c, text);
    h->level = level;
    h->html = lg_xstrdup(html);
    c->n_heads++;
    return h->id;
}

void lg_weave_heading_ids(lg_weave_ctx *c, cmark_node *doc, cmark_llist *exts)
{
    size_t n = 0, cap = 32;
    cmark_node **v = lg_xmalloc(cap * sizeof *v);
    for (cmark_node *nd = cmark_node_first_child(doc); nd; nd = cmark_node_next(nd))
        if (cmark_node_get_type(nd) == CMARK_NODE_HEADING) {
            if (n == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = nd;
        }
    for (size_t i = 0; i < n; i++) {
        int level = cmark_node_get_heading_level(v[i]);
        /* the heading as cmark writes it, "<hN>...</hN>\n": its inside */
        char *whole = cmark_render_html(v[i], CMARK_OPT_DEFAULT, exts);
        const char *in = strchr(whole, '>');
        in = in ? in + 1 : whole;
        size_t il = strlen(in);
        while (il && (in[il - 1] == '\n'))
            il--;
        if (il >= 5 && !strncmp(in + il - 5, "</h", 3))
            il -= 5;
        char *inner = lg_xmalloc(il + 1);
        memcpy(inner, in, il);
        inner[il] = '\0';
        char *text = NULL;
        size_t tl;
        FILE *to = open_memstream(&text, &tl);
        lg_weave_node_text(v[i], to);
        fclose(to);
        /* the contents' entry is itself a link: the heading's own links
         * become their text there */
        char *entry = lg_xstrdup(inner);
        for (char *a; (a = strstr(entry, "<a ")) || (a = strstr(entry, "</a>"));) {
            char *gt = strchr(a, '>');
            if (!gt)
                break;
            memmove(a, gt + 1, strlen(gt + 1) + 1);
        }
        const char *id = level >= 2 && level <= 3 ? lg_weave_heading_add(c, level, text, entry) : NULL;
        free(entry);
        char *out = NULL;
        size_t ol;
        FILE *o = open_memstream(&out, &ol);
        if (id)
            fprintf(o, "<h%d id=\"%s\">%s</h%d>", level, id, inner, level);
        else
            fprintf(o, "<h%d>%s</h%d>", level, inner, level);
        fclose(o);
        cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        cmark_node_set_on_enter(b, out);
        cmark_node_set_on_exit(b, "");
        cmark_node_replace(v[i], b);
        cmark_node_free(v[i]);
        free(out);
        free(text);
        free(inner);
        free(whole);
    }
    free(v);
}

void lg_weave_put_toc(FILE *o, const lg_weave_ctx *c)
{
    if (!c->n_heads)
        return;
    fputs("<nav class=\"toc\" id=\"contents\">\n<p class=\"toc-title\">Contents</p>\n<ul>\n", o);
    bool item_open = false, sub_open = false; /* a level-2 entry, and its list of level-3 ones */
    for (size_t i = 0; i < c->n_heads; i++) {
        const lg_weave_heading *h = &c->heads[i];
        if (h->level >= 3 && item_open) {
            if (!sub_open)
                fputs("\n<ul>\n", o);
            sub_open = true;
            fprintf(o, "<li><a href=\"#%s\">%s</a></li>\n", h->id, h->html);
            continue;
        }
        if (sub_open)
            fputs("</ul>", o);
        if (item_open)
            fputs("</li>\n", o);
        sub_open = false;
        fprintf(o, "<li><a href=\"#%s\">%s</a>", h->id, h->html);
        item_open = true;
    }
    if (sub_open)
        fputs("</ul>", o);
    if (item_open)
        fputs("</li>\n", o);
    fputs("</ul>\n</nav>\n", o);
}
