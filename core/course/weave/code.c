/*
 * code.c - code regions in the writeup: a line "@code FILE REGION" stands for
 * the named region (markers.c finds it) of FILE as it is now, escaped and
 * lightly highlighted.
 */
#include "lg_weave.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int lg_weave_region(const char *text, const char *name, char **out, size_t *first, size_t *last)
{
    *out = NULL;
    lg_regions rg;
    lg_markers_scan("", text, strlen(text), &rg, NULL); /* errors elsewhere are the handout's */
    const lg_region *g = NULL;
    for (size_t i = 0; i < rg.n; i++)
        if (rg.v[i].kind == LG_REGION_NAMED && !strcmp(rg.v[i].name, name) && (!g || rg.v[i].line < g->line))
            g = &rg.v[i];
    int rc = LG_OK;
    if (!g)
        rc = lg_seterr(LG_EFORMAT, "no region '%s' (a line '/" "* REGION %s *" "/' is missing)", name, name);
    else if (!g->end_line)
        rc = lg_seterr(LG_EFORMAT, "the region '%s' opened on line %zu has no END REGION line", name, g->line);
    else if (!g->whole)
        rc = lg_seterr(LG_EFORMAT, "the region '%s' (lines %zu-%zu) is malformed", name, g->line, g->end_line);
    if (rc != LG_OK) {
        lg_regions_free(&rg);
        return rc;
    }
    /* its lines, without the marker lines of regions inside it, then the
     * common indentation and the blank lines at both ends stripped */
    char *buf = NULL;
    size_t blen;
    FILE *o = open_memstream(&buf, &blen);
    LG_ASSERT(o, "open_memstream");
    size_t min_indent = SIZE_MAX;
    const char *end = text + g->body + g->body_len;
    for (const char *p = text + g->body; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lg_marker m;
        lg_marker_parse(p, n, &m);
        if (!((m.kind == LG_MARKER_REGION || m.kind == LG_MARKER_END_REGION) && !m.bad[0])) {
            size_t ind = 0;
            while (ind < n && (p[ind] == ' ' || p[ind] == '\t'))
                ind++;
            if (ind < n && !(n - ind == 1 && p[ind] == '\r') && ind < min_indent)
                min_indent = ind;
            fprintf(o, "%.*s\n", (int)(n && p[n - 1] == '\r' ? n - 1 : n), p);
        }
        p += n + (nl != NULL);
    }
    fclose(o);
    if (first)
        *first = g->line + 1;
    if (last)
        *last = g->end_line - 1;
    lg_regions_free(&rg);
    if (min_indent == SIZE_MAX)
        min_indent = 0;
    char *res = lg_xmalloc(blen + 1);
    size_t k = 0;
    for (char *p = buf; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        size_t skip = n < min_indent ? n : min_indent;
        memcpy(res + k, p + skip, n - skip);
        k += n - skip;
        res[k++] = '\n';
        p = nl + 1;
    }
    res[k] = '\0';
    free(buf);
    size_t a = 0;
    while (res[a] == '\n')
        a++;
    while (k > a && res[k - 1] == '\n')
        k--;
    memmove(res, res + a, k - a);
    res[k - a] = '\0';
    *out = res;
    return LG_OK;
}

/* A light C highlighter: comments, strings, preprocessor lines, keywords,
 * numbers, each in a span the CSS colours. Escapes everything. */
static void put_c_code(FILE *o, const char *s)
{
    static const char *const kw[] = {
        "auto", "bool", "break", "case", "char", "const", "continue", "default", "do", "double",
        "else", "enum", "extern", "false", "float", "for", "goto", "if", "inline", "int", "long",
        "NULL", "register", "restrict", "return", "short", "signed", "size_t", "sizeof", "static",
        "struct", "switch", "true", "typedef", "union", "unsigned", "void", "volatile", "while",
    };
    bool line_start = true;
    for (size_t i = 0; s[i];) {
        char c = s[i];
        size_t j = i;
        const char *cls = NULL;
        if (c == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            j = e ? (size_t)(e - s) + 2 : strlen(s);
            cls = "c-com";
        } else if (c == '/' && s[i + 1] == '/') {
            while (s[j] && s[j] != '\n')
                j++;
            cls = "c-com";
        } else if (c == '"' || c == '\'') {
            j = i + 1;
            while (s[j] && s[j] != c && s[j] != '\n')
                j += s[j] == '\\' && s[j + 1] ? 2 : 1;
            if (s[j] == c)
                j++;
            cls = "c-str";
        } else if (c == '#' && line_start) {
            while (s[j] && s[j] != '\n')
                j++;
            cls = "c-pp";
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            while ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || s[j] == '_' ||
                   (s[j] >= '0' && s[j] <= '9'))
                j++;
            for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
                if (strlen(kw[k]) == j - i && !memcmp(kw[k], s + i, j - i))
                    cls = "c-kw";
        } else if (c >= '0' && c <= '9') {
            while ((s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == 'e' || s[j] == 'x' ||
                   ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e')) || (s[j] >= 'a' && s[j] <= 'f') ||
                   (s[j] >= 'A' && s[j] <= 'F'))
                j++;
            cls = "c-num";
        } else {
            j = i + 1;
        }
        if (cls)
            fprintf(o, "<span class=\"%s\">", cls);
        lg_weave_put_escaped(o, s + i, j - i);
        if (cls)
            fputs("</span>", o);
        for (size_t k = i; k < j; k++)
            if (s[k] == '\n')
                line_start = true;
            else if (!lg_weave_is_blank(s[k]))
                line_start = false;
        i = j;
    }
}

/* The HTML of "@code FILE REGION", or NULL after reporting the error. */
char *lg_weave_code_html(lg_weave_ctx *c, const char *file, const char *region, size_t lineno)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", c->root, file);
    char *text = lg_read_file(path, NULL);
    if (!text) {
        fprintf(c->err, "%s:%zu: @code %s %s: cannot read %s (%s)\n", lg_weave_src(c), c->line0 + lineno, file, region, file,
                strerror(errno));
        c->errors++;
        return NULL;
    }
    char *code;
    size_t first, last;
    if (lg_weave_region(text, region, &code, &first, &last) != LG_OK) {
        fprintf(c->err, "%s:%zu: @code %s %s: %s: %s\n", lg_weave_src(c), c->line0 + lineno, file, region, file,
                lg_errmsg());
        c->errors++;
        free(text);
        return NULL;
    }
    free(text);
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    fputs("<figure class=\"code\"><figcaption><code>", o);
    lg_weave_put_escaped(o, file, strlen(file));
    fprintf(o, "</code>, region <code>");
    lg_weave_put_escaped(o, region, strlen(region));
    fprintf(o, "</code>, lines %zu&ndash;%zu</figcaption><pre><code class=\"language-c\">", first, last);
    put_c_code(o, code);
    fputs("</code></pre></figure>", o);
    fclose(o);
    free(code);
    return buf;
}
