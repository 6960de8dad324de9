/*
 * katex.c - the math of the report, typeset in the browser by KaTeX (Debian's
 * libjs-katex, fonts from fonts-katex), inlined into the page so that it opens
 * with no other file and no network:
 *   - katex.min.css with each @font-face's sources cut down to one font file
 *     (WOFF2 when the package has it) as a data: URI;
 *   - katex.min.js as it is;
 *   - render.js (reports/templates): renders each math element the writeup
 *     made (markdown.c: <span class="math">TeX</span>, <div class="math
 *     display">), and records every KaTeX error and every figure that did not
 *     load in the page itself, where a reader sees them and a test reads them.
 * The folder is /usr/share/javascript/katex, or $LITGAN_KATEX_DIR.
 */
#include "lg_weave.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *lg_weave_katex_dir(void)
{
    const char *d = getenv("LITGAN_KATEX_DIR");
    return d && *d ? d : "/usr/share/javascript/katex";
}

/* The file of a font source "fonts/KaTeX_Main-Regular.woff2" and its type. */
static const char *font_mime(const char *url, size_t n)
{
    static const struct {
        const char *ext, *mime;
    } types[] = { { ".woff2", "font/woff2" }, { ".woff", "font/woff" }, { ".ttf", "font/ttf" } };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t l = strlen(types[i].ext);
        if (n > l && !memcmp(url + n - l, types[i].ext, l))
            return types[i].mime;
    }
    return NULL;
}

/* One "src:" declaration of an @font-face, s just past "src:": the first
 * source whose file is there, preferring WOFF2, written as a data: URI.
 * Returns where the declaration ends (at its ';' or '}'), or NULL after
 * setting the error when no source of it is readable. */
static const char *put_font_src(FILE *o, const char *dir, const char *s, int *rc)
{
    size_t n = strcspn(s, ";}");
    const char *best = NULL;
    size_t best_len = 0;
    int best_rank = 99;
    for (const char *p = s; p < s + n;) {
        const char *u = strstr(p, "url(");
        if (!u || u >= s + n)
            break;
        u += 4;
        const char *e = memchr(u, ')', (size_t)(s + n - u));
        if (!e)
            break;
        size_t ul = (size_t)(e - u);
        if (ul >= 2 && (*u == '\'' || *u == '"')) {
            u++;
            ul -= 2;
        }
        const char *mime = font_mime(u, ul);
        int rank = !mime ? 99 : !strcmp(mime, "font/woff2") ? 0 : !strcmp(mime, "font/woff") ? 1 : 2;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)ul, u);
        if (rank < best_rank && access(path, R_OK) == 0) {
            best = u;
            best_len = ul;
            best_rank = rank;
        }
        p = e + 1;
    }
    if (!best) {
        *rc = lg_seterr(LG_EIO, "%s/katex.min.css names a font that is not there (%.60s): install the Debian package "
                          "libjs-katex (its fonts are in fonts-katex): sudo apt-get install libjs-katex", dir, s);
        return NULL;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%.*s", dir, (int)best_len, best);
    size_t len;
    char *data = lg_read_file(path, &len);
    if (!data) {
        *rc = lg_seterr(LG_EIO, "%s: cannot read (%s): reinstall the Debian package libjs-katex", path, strerror(errno));
        return NULL;
    }
    char *uri = lg_weave_data_uri_bytes(data, len, font_mime(best, best_len));
    fprintf(o, "src:url(%s) format('%s')", uri,
            best_rank == 0 ? "woff2" : best_rank == 1 ? "woff" : "truetype");
    free(uri);
    free(data);
    return s + n;
}

/* KaTeX's style sheet with its fonts inside, in *out. */
static int inline_css(const char *dir, const char *css, char **out)
{
    int rc = LG_OK;
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    const char *p = css;
    for (;;) {
        const char *src = strstr(p, "src:");
        if (!src) {
            fputs(p, o);
            break;
        }
        fwrite(p, 1, (size_t)(src - p), o);
        p = put_font_src(o, dir, src + 4, &rc);
        if (!p) {
            fclose(o);
            free(buf);
            return rc;
        }
    }
    fclose(o);
    if (strstr(buf, "url(") && !strstr(buf, "url(data:")) {
        free(buf);
        return lg_seterr(LG_EFORMAT, "%s/katex.min.css: a reference this version of litgan does not inline", dir);
    }
    *out = buf;
    return LG_OK;
}

int lg_weave_katex(char **css_out, char **js_out)
{
    *css_out = *js_out = NULL;
    const char *dir = lg_weave_katex_dir();
    char css_path[PATH_MAX], js_path[PATH_MAX];
    snprintf(css_path, sizeof css_path, "%s/katex.min.css", dir);
    snprintf(js_path, sizeof js_path, "%s/katex.min.js", dir);
    char *css = lg_read_file(css_path, NULL);
    char *js = css ? lg_read_file(js_path, NULL) : NULL;
    if (!css || !js) {
        free(css);
        return lg_seterr(LG_EIO, "%s is missing (%s): install the Debian package libjs-katex "
                                 "(sudo apt-get install libjs-katex, or sh core/deps.sh)",
                         css ? js_path : css_path, strerror(errno));
    }
    /* inside <script>, "</script" would end it early (KaTeX has none) */
    if (strstr(js, "</script") || strstr(js, "</SCRIPT")) {
        free(css);
        free(js);
        return lg_seterr(LG_EFORMAT, "%s holds '</script': it cannot be inlined", js_path);
    }
    char *styled = NULL;
    int rc = inline_css(dir, css, &styled);
    free(css);
    if (rc != LG_OK) {
        free(js);
        return rc;
    }
    *css_out = styled;
    *js_out = js;
    return LG_OK;
}
