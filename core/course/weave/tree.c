/*
 * tree.c - the parsed writeup, changed before it is rendered: the
 * placeholders become the HTML made for them (custom nodes, written as they
 * are), images become figures with data URIs, external links plain text,
 * links into the tree paths from the report's folder, tables get their
 * scrolling box.
 */
#include "lg_weave.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The path of target relative to folder dir (both absolute, canonical). */
static void relative_path(const char *dir, const char *target, char *out, size_t cap)
{
    size_t i = 0;
    while (dir[i] && dir[i] == target[i])
        i++;
    if (!dir[i] && target[i] == '/') {
        snprintf(out, cap, "%s", target + i + 1); /* inside dir */
        return;
    }
    size_t common = i; /* back to the last folder both share */
    while (common > 0 && dir[common - 1] != '/')
        common--;
    size_t ups = dir[common] ? 1 : 0;
    for (const char *p = dir + common; *p; p++)
        if (*p == '/' && p[1])
            ups++;
    size_t k = 0;
    out[0] = '\0';
    for (size_t u = 0; u < ups && k + 4 < cap; u++)
        k += (size_t)snprintf(out + k, cap - k, "../");
    snprintf(out + k, cap - k, "%s", target + common);
}

/* The fragment of a placeholder at s, its index in *k and length in *len. */
bool lg_weave_placeholder_at(const char *s, size_t *k, size_t *len)
{
    if (strncmp(s, LG_WEAVE_PH_OPEN, 3) != 0)
        return false;
    char *end;
    unsigned long v = strtoul(s + 3, &end, 10);
    if (end == s + 3 || strncmp(end, LG_WEAVE_PH_CLOSE, 3) != 0)
        return false;
    *k = v;
    *len = (size_t)(end + 3 - s);
    return true;
}

static bool has_scheme(const char *url)
{
    if (!strncmp(url, "//", 2))
        return true;
    for (const char *p = url; *p; p++) {
        if (*p == ':')
            return p > url;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '+' ||
              *p == '-' || *p == '.'))
            return false;
    }
    return false;
}

/* The text content of a node's children (for alt texts and captions). */
void lg_weave_node_text(cmark_node *n, FILE *o)
{
    for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
        cmark_node_type t = cmark_node_get_type(ch);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            fputs(cmark_node_get_literal(ch), o);
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            fputc(' ', o);
        else
            lg_weave_node_text(ch, o);
    }
}

/* Find an image the writeup names: relative to the lab folder, then the
 * lab's output folder. */
static bool find_image(lg_weave_ctx *c, const char *url, char *path, size_t cap)
{
    const char *dirs[] = { c->lab_dir, c->run_dir };
    for (size_t i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, cap, "%s/%s", dirs[i], url);
        if (file_exists(path)) {
            char real[PATH_MAX];
            if (realpath(path, real))
                snprintf(path, cap, "%s", real);
            return true;
        }
    }
    return false;
}

/* Every table (cmark-gfm's extension) into a <div class="table">, the box
 * that scrolls a wide table sideways. */
static void wrap_tables(cmark_node *doc)
{
    size_t n = 0, cap = 16;
    cmark_node **v = lg_xmalloc(cap * sizeof *v);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *nd = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && !strcmp(cmark_node_get_type_string(nd), "table")) {
            if (n == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = nd;
        }
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        cmark_node_set_on_enter(box, "<div class=\"table\">");
        cmark_node_set_on_exit(box, "</div>");
        LG_ASSERT(cmark_node_insert_before(v[i], box), "cmark_node_insert_before");
        cmark_node_unlink(v[i]);
        LG_ASSERT(cmark_node_append_child(box, v[i]), "a table inside a custom block");
    }
    free(v);
}

void lg_weave_transform(lg_weave_ctx *c, cmark_node *doc)
{
    /* collect first: the tree changes below */
    size_t n = 0, cap = 64;
    cmark_node **v = lg_xmalloc(cap * sizeof *v);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *nd = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(nd);
        if (t == CMARK_NODE_IMAGE || t == CMARK_NODE_LINK) {
            if (n == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = nd;
        }
    }
    cmark_iter_free(it);
    /* last first: the walk met parents before their children, so in reverse
     * a node replaced (and freed with its subtree) is never met again */
    for (size_t i = n; i-- > 0;) {
        cmark_node *nd = v[i];
        cmark_node_type t = cmark_node_get_type(nd);
        if (t == CMARK_NODE_LINK) {
            const char *url = cmark_node_get_url(nd);
            if (url && has_scheme(url)) {
                /* an external link: its text, then the address without a
                 * scheme, as plain text - the report follows no URL */
                char *text = NULL;
                size_t tl;
                FILE *o = open_memstream(&text, &tl);
                lg_weave_node_text(nd, o);
                fclose(o);
                const char *bare = strstr(url, "://") ? strstr(url, "://") + 3 : strchr(url, ':') + 1;
                if (!strncmp(url, "//", 2))
                    bare = url + 2;
                /* a link whose text is its address shows the address once */
                bool keep_text = strcmp(text, url) != 0 && strcmp(text, bare) != 0;
                char *lit = NULL;
                size_t ll;
                FILE *lo = open_memstream(&lit, &ll);
                fputs(keep_text ? "<span class=\"url\">(" : "<span class=\"url\">", lo);
                lg_weave_put_escaped(lo, bare, strlen(bare));
                fputs(keep_text ? ")</span>" : "</span>", lo);
                fclose(lo);
                if (keep_text) {
                    /* the link text, with its formatting, then a space */
                    cmark_node *ch;
                    while ((ch = cmark_node_first_child(nd))) {
                        cmark_node_unlink(ch);
                        cmark_node_insert_before(nd, ch);
                    }
                    cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
                    cmark_node_set_literal(sp, " ");
                    cmark_node_insert_before(nd, sp);
                }
                cmark_node *chunk = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
                cmark_node_set_on_enter(chunk, lit);
                cmark_node_set_on_exit(chunk, "");
                cmark_node_replace(nd, chunk);
                cmark_node_free(nd);
                free(lit);
                free(text);
                v[i] = NULL;
            } else if (url && url[0] && url[0] != '#' && url[0] != '/') {
                /* a file of the tree: a path from the report's folder */
                char target[PATH_MAX], real[PATH_MAX], rel[PATH_MAX];
                snprintf(target, sizeof target, "%s/%s", c->lab_dir, url);
                char *hash = strchr(target, '#');
                char frag_part[256] = "";
                if (hash) {
                    snprintf(frag_part, sizeof frag_part, "%s", hash);
                    *hash = '\0';
                }
                if (realpath(target, real)) {
                    relative_path(c->out_dir, real, rel, sizeof rel);
                    strncat(rel, frag_part, sizeof rel - strlen(rel) - 1);
                    cmark_node_set_url(nd, rel);
                }
            }
        } else if (t == CMARK_NODE_IMAGE) {
            const char *url = cmark_node_get_url(nd);
            char path[PATH_MAX];
            char *alt = NULL;
            size_t al;
            FILE *ao = open_memstream(&alt, &al);
            lg_weave_node_text(nd, ao);
            fclose(ao);
            char *html = NULL;
            size_t hl;
            FILE *o = open_memstream(&html, &hl);
            char *uri = NULL;
            if (url && !has_scheme(url) && find_image(c, url, path, sizeof path) && (uri = lg_weave_data_uri(path))) {
                lg_strvec_push(&c->figures, path);
                fprintf(o, "<img src=\"%s\" alt=\"", uri);
                lg_weave_put_escaped(o, alt, strlen(alt));
                fputs("\">", o);
            } else {
                fprintf(o, "<span class=\"missing\">figure <code>");
                lg_weave_put_escaped(o, url ? url : "", url ? strlen(url) : 0);
                fprintf(o, "</code> %s</span>",
                        url && has_scheme(url) ? "is not embedded (an external address)"
                                               : "is not there yet: run the lab's experiment (litgan lab)");
                if (url && !has_scheme(url))
                    fprintf(c->err, "litgan weave: warning: figure %s not found in %s nor %s\n", url, c->lab_dir,
                            c->run_dir ? c->run_dir : "(no output folder)");
            }
            fclose(o);
            free(uri);
            /* alone in its paragraph: a figure with its alt text as caption */
            cmark_node *par = cmark_node_parent(nd);
            bool alone = par && cmark_node_get_type(par) == CMARK_NODE_PARAGRAPH &&
                         cmark_node_first_child(par) == nd && cmark_node_last_child(par) == nd;
            if (alone) {
                char *fig = NULL;
                size_t fl;
                FILE *fo = open_memstream(&fig, &fl);
                fprintf(fo, "<figure class=\"figure\">%s", html);
                if (*alt) {
                    fputs("<figcaption>", fo);
                    lg_weave_put_escaped(fo, alt, strlen(alt));
                    fputs("</figcaption>", fo);
                }
                fputs("</figure>", fo);
                fclose(fo);
                cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
                cmark_node_set_on_enter(b, fig);
                cmark_node_set_on_exit(b, "");
                cmark_node_replace(par, b);
                cmark_node_free(par);
                free(fig);
            } else {
                cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
                cmark_node_set_on_enter(b, html);
                cmark_node_set_on_exit(b, "");
                cmark_node_replace(nd, b);
                cmark_node_free(nd);
            }
            free(html);
            free(alt);
            v[i] = NULL;
        }
    }
    free(v);
    /* placeholders: walk the tree again, since links and images moved nodes */
    n = 0;
    cap = 64;
    v = lg_xmalloc(cap * sizeof *v);
    it = cmark_iter_new(doc);
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *nd = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(nd) == CMARK_NODE_TEXT &&
            strstr(cmark_node_get_literal(nd), LG_WEAVE_PH_OPEN)) {
            if (n == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = nd;
        }
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *nd = v[i];
        const char *lit = cmark_node_get_literal(nd);
        size_t k, pl;
        cmark_node *par = cmark_node_parent(nd);
        /* a paragraph that holds only a block fragment becomes that block */
        if (lg_weave_placeholder_at(lit, &k, &pl) && !lit[pl] && k < c->n_frags && c->frags[k].block && par &&
            cmark_node_get_type(par) == CMARK_NODE_PARAGRAPH && cmark_node_first_child(par) == nd &&
            cmark_node_last_child(par) == nd) {
            cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
            cmark_node_set_on_enter(b, c->frags[k].html);
            cmark_node_set_on_exit(b, "");
            cmark_node_replace(par, b);
            cmark_node_free(par);
            continue;
        }
        /* else split the text around each fragment, inline; where the parent
         * takes no custom inline (a table cell) the placeholder stays text,
         * and lg_weave_render puts the fragment into the HTML it writes */
        cmark_node *probe = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
        bool takes = cmark_node_insert_before(nd, probe);
        cmark_node_free(probe);
        if (!takes)
            continue;
        char *copy = lg_xstrdup(lit);
        const char *p = copy;
        size_t start = 0;
        for (size_t j = 0; copy[j];) {
            if (lg_weave_placeholder_at(copy + j, &k, &pl) && k < c->n_frags) {
                if (j > start) {
                    cmark_node *tx = cmark_node_new(CMARK_NODE_TEXT);
                    char *part = lg_xmalloc(j - start + 1);
                    memcpy(part, p + start, j - start);
                    part[j - start] = '\0';
                    cmark_node_set_literal(tx, part);
                    free(part);
                    cmark_node_insert_before(nd, tx);
                }
                cmark_node *ci = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
                cmark_node_set_on_enter(ci, c->frags[k].html);
                cmark_node_set_on_exit(ci, "");
                cmark_node_insert_before(nd, ci);
                j += pl;
                start = j;
            } else {
                j++;
            }
        }
        cmark_node_set_literal(nd, copy + start);
        free(copy);
    }
    free(v);
    wrap_tables(doc);
}
