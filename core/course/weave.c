/*
 * weave.c - `litgan weave NN`: one self-contained HTML report of a lab,
 * reports/NN-name/index.html, that opens in a browser with no network.
 *
 * What goes in, in order:
 *   - the writeup labs/NN-name/README.md rendered with cmark (CommonMark), in
 *     cmark's safe mode: the writeup's own raw HTML is left out as cmark's
 *     default does, and dangerous link schemes are dropped. What this file
 *     generates itself (code, math, tables, figures) enters the tree as
 *     cmark custom nodes, which the renderer writes as they are;
 *   - each line "@code FILE REGION" replaced by the region
 *     "/" "* REGION name *" "/" ... "/" "* END REGION *" "/" of FILE as it is
 *     now (HTML-escaped, lightly highlighted, in <pre><code>); a missing file
 *     or region is an error naming both;
 *   - $...$ and $$...$$ math converted from simple TeX to Unicode and HTML
 *     (sub/superscripts, fractions, Greek, operators): no MathJax, no fonts
 *     fetched; GitHub-style pipe tables (CommonMark has none);
 *   - the figures: PNG files of the lab's output folder runs/lab-NN/ (or named
 *     by the writeup's images) as base64 data URIs;
 *   - the experiment's results (results.csv / results.md found there) as tables;
 *   - the grade table of the tree as it stands (lg_grade_lab in-process; it
 *     forks its own sandboxes).
 * External links (http, https, ...) become plain text: the file holds no URL
 * that a browser would follow. Page layout and CSS come from
 * reports/templates/report.html and report.css, inlined.
 */
#include "lg_course.h"

#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char weave_help[] =
    "usage: litgan weave NN [--no-run] [--out FILE]\n"
    "\n"
    "Writes one self-contained HTML report of lab NN (default\n"
    "reports/NN-name/index.html): the writeup rendered from labs/NN-name/README.md,\n"
    "each '@code FILE REGION' line replaced by that named code region as it is now,\n"
    "the figures of the lab's experiment (runs/lab-NN/*.png) embedded, its results\n"
    "tables, and the grade table of your code as it stands. It opens in a browser\n"
    "without a network: no external URL, math shown as text.\n"
    "\n"
    "  --no-run     do not run the experiment, even when its outputs are missing\n"
    "               (the report then says so where the figures would be)\n"
    "  --out FILE   write the report there instead\n";

/* ------------------------------------------------------------- helpers --- */

static void put_escaped(FILE *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        switch (s[i]) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        default: fputc(s[i], o);
        }
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* RFC 4648 base64 of n bytes. */
static void put_base64(FILE *o, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        fputc(tab[v >> 18], o);
        fputc(tab[(v >> 12) & 63], o);
        fputc(tab[(v >> 6) & 63], o);
        fputc(tab[v & 63], o);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        fprintf(o, "%c%c==", tab[v >> 18], tab[(v >> 12) & 63]);
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        fprintf(o, "%c%c%c=", tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63]);
    }
}

/* "data:image/png;base64,..." for an image file, NULL when unreadable or not
 * a PNG, JPEG or GIF (checked by its magic bytes). */
static char *image_data_uri(const char *path)
{
    size_t len;
    char *data = lg_read_file(path, &len);
    if (!data)
        return NULL;
    const unsigned char *u = (const unsigned char *)data;
    const char *mime = len >= 8 && !memcmp(u, "\x89PNG\r\n\x1a\n", 8) ? "image/png"
                       : len >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff ? "image/jpeg"
                       : len >= 6 && !memcmp(u, "GIF8", 4) ? "image/gif" : NULL;
    char *uri = NULL;
    if (mime) {
        size_t ulen;
        FILE *o = open_memstream(&uri, &ulen);
        LG_ASSERT(o, "open_memstream");
        fprintf(o, "data:%s;base64,", mime);
        put_base64(o, u, len);
        fclose(o);
    }
    free(data);
    return uri;
}

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

/* -------------------------------------------------------- code regions --- */

/* Is this line a region marker? kind 1 = "REGION name" (name copied), 2 = "END REGION". */
static int region_marker(const char *s, size_t n, char *name, size_t cap)
{
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    if (i + 2 > n || s[i] != '/' || s[i + 1] != '*')
        return 0;
    i += 2;
    while (i < n && is_blank(s[i]))
        i++;
    int kind = 0;
    if (n - i >= 6 && !memcmp(s + i, "REGION", 6) && i + 6 < n && is_blank(s[i + 6])) {
        kind = 1;
        i += 6;
    } else if (n - i >= 3 && !memcmp(s + i, "END", 3)) {
        size_t j = i + 3;
        while (j < n && is_blank(s[j]))
            j++;
        if (j > i + 3 && n - j >= 6 && !memcmp(s + j, "REGION", 6)) {
            kind = 2;
            i = j + 6;
        }
    }
    if (!kind)
        return 0;
    while (i < n && is_blank(s[i]))
        i++;
    size_t a = i;
    while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'))
        i++;
    if (i + 1 >= n)
        return 0;
    size_t b = i;
    while (b > a && is_blank(s[b - 1]))
        b--;
    for (size_t j = i + 2; j < n; j++)
        if (!is_blank(s[j]))
            return 0; /* code after the marker: not a marker line */
    if (name) {
        size_t m = b - a < cap - 1 ? b - a : cap - 1;
        memcpy(name, s + a, m);
        name[m] = '\0';
    }
    return kind;
}

int lg_weave_region(const char *text, const char *name, char **out, size_t *first, size_t *last)
{
    *out = NULL;
    size_t lineno = 0, start = 0;
    int depth = 0; /* > 0 inside the region (nested regions count) */
    char *buf = NULL;
    size_t blen;
    FILE *o = NULL;
    size_t min_indent = SIZE_MAX;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char nm[256];
        int k = region_marker(p, n, nm, sizeof nm);
        if (depth == 0) {
            if (k == 1 && !strcmp(nm, name)) {
                depth = 1;
                start = lineno;
                o = open_memstream(&buf, &blen);
                LG_ASSERT(o, "open_memstream");
            }
        } else if (k == 1) {
            depth++; /* a region inside: its marker lines are not shown */
        } else if (k == 2) {
            if (--depth == 0)
                break;
        } else {
            size_t ind = 0;
            while (ind < n && (p[ind] == ' ' || p[ind] == '\t'))
                ind++;
            if (ind < n && !(n - ind == 1 && p[ind] == '\r') && ind < min_indent)
                min_indent = ind;
            fprintf(o, "%.*s\n", (int)(n && p[n - 1] == '\r' ? n - 1 : n), p);
        }
        p += n + (nl != NULL);
    }
    if (!o)
        return lg_seterr(LG_EFORMAT, "no region '%s' (a line '/" "* REGION %s *" "/' is missing)", name, name);
    fclose(o);
    if (depth != 0) {
        free(buf);
        return lg_seterr(LG_EFORMAT, "the region '%s' opened on line %zu has no END REGION line", name, start);
    }
    /* strip the common indentation and the blank lines at both ends */
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
    while (k > a && (res[k - 1] == '\n'))
        k--;
    memmove(res, res + a, k - a);
    res[k - a] = '\0';
    *out = res;
    if (first)
        *first = start + 1;
    if (last)
        *last = lineno - 1;
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
        put_escaped(o, s + i, j - i);
        if (cls)
            fputs("</span>", o);
        for (size_t k = i; k < j; k++)
            if (s[k] == '\n')
                line_start = true;
            else if (!is_blank(s[k]))
                line_start = false;
        i = j;
    }
}

/* ------------------------------------------------------------------ TeX --- */

/* A small TeX-to-HTML converter for the math of a writeup: enough for
 * E_{x ~ p_data}[log D(x)], \frac, \sqrt, Greek, operators, accents and
 * blackboard letters. Unknown commands show their name upright. */
typedef struct tex {
    const char *s;
    size_t i;
    FILE *o;
    bool operand; /* the last thing written is an operand (for binary minus) */
    bool op_space; /* an operator name's scripts are open: a thin space after them */
} tex;

typedef struct tex_sym {
    const char *name, *utf8;
    char cls; /* 'o' ordinary, 'b' binary operator, 'r' relation, 'f' function name,
                 'l' large operator */
} tex_sym;

static const tex_sym tex_syms[] = {
    { "alpha", "α", 'o' }, { "beta", "β", 'o' }, { "gamma", "γ", 'o' }, { "delta", "δ", 'o' },
    { "epsilon", "ϵ", 'o' }, { "varepsilon", "ε", 'o' }, { "zeta", "ζ", 'o' }, { "eta", "η", 'o' },
    { "theta", "θ", 'o' }, { "vartheta", "ϑ", 'o' }, { "iota", "ι", 'o' }, { "kappa", "κ", 'o' },
    { "lambda", "λ", 'o' }, { "mu", "μ", 'o' }, { "nu", "ν", 'o' }, { "xi", "ξ", 'o' },
    { "pi", "π", 'o' }, { "rho", "ρ", 'o' }, { "sigma", "σ", 'o' }, { "tau", "τ", 'o' },
    { "upsilon", "υ", 'o' }, { "phi", "ϕ", 'o' }, { "varphi", "φ", 'o' }, { "chi", "χ", 'o' },
    { "psi", "ψ", 'o' }, { "omega", "ω", 'o' }, { "Gamma", "Γ", 'o' }, { "Delta", "Δ", 'o' },
    { "Theta", "Θ", 'o' }, { "Lambda", "Λ", 'o' }, { "Xi", "Ξ", 'o' }, { "Pi", "Π", 'o' },
    { "Sigma", "Σ", 'o' }, { "Phi", "Φ", 'o' }, { "Psi", "Ψ", 'o' }, { "Omega", "Ω", 'o' },
    { "infty", "∞", 'o' }, { "nabla", "∇", 'o' }, { "partial", "∂", 'o' }, { "ell", "ℓ", 'o' },
    { "emptyset", "∅", 'o' }, { "prime", "′", 'o' }, { "ldots", "…", 'o' }, { "dots", "…", 'o' },
    { "cdots", "⋯", 'o' }, { "vdots", "⋮", 'o' }, { "|", "‖", 'o' }, { "lVert", "‖", 'o' },
    { "rVert", "‖", 'o' }, { "Vert", "‖", 'o' }, { "lvert", "|", 'o' }, { "rvert", "|", 'o' },
    { "vert", "|", 'o' }, { "langle", "⟨", 'o' }, { "rangle", "⟩", 'o' }, { "{", "{", 'o' },
    { "}", "}", 'o' }, { "lbrace", "{", 'o' }, { "rbrace", "}", 'o' }, { "%", "%", 'o' },
    { "$", "$", 'o' }, { "_", "_", 'o' }, { "#", "#", 'o' }, { "&", "&amp;", 'o' },
    { "lfloor", "⌊", 'o' }, { "rfloor", "⌋", 'o' }, { "lceil", "⌈", 'o' }, { "rceil", "⌉", 'o' },
    { "star", "⋆", 'o' }, { "ast", "∗", 'o' }, { "top", "⊤", 'o' }, { "perp", "⊥", 'o' },
    { "forall", "∀", 'o' }, { "exists", "∃", 'o' }, { "neg", "¬", 'o' },
    { "cdot", "·", 'b' }, { "times", "×", 'b' }, { "div", "÷", 'b' }, { "pm", "±", 'b' },
    { "mp", "∓", 'b' }, { "circ", "∘", 'b' }, { "odot", "⊙", 'b' }, { "otimes", "⊗", 'b' },
    { "oplus", "⊕", 'b' }, { "cup", "∪", 'b' }, { "cap", "∩", 'b' }, { "setminus", "∖", 'b' },
    { "wedge", "∧", 'b' }, { "vee", "∨", 'b' }, { "land", "∧", 'b' }, { "lor", "∨", 'b' },
    { "le", "≤", 'r' }, { "leq", "≤", 'r' }, { "ge", "≥", 'r' }, { "geq", "≥", 'r' },
    { "ne", "≠", 'r' }, { "neq", "≠", 'r' }, { "approx", "≈", 'r' }, { "equiv", "≡", 'r' },
    { "sim", "∼", 'r' }, { "simeq", "≃", 'r' }, { "propto", "∝", 'r' }, { "ll", "≪", 'r' },
    { "gg", "≫", 'r' }, { "in", "∈", 'r' }, { "notin", "∉", 'r' }, { "subset", "⊂", 'r' },
    { "subseteq", "⊆", 'r' }, { "supset", "⊃", 'r' }, { "to", "→", 'r' }, { "rightarrow", "→", 'r' },
    { "leftarrow", "←", 'r' }, { "gets", "←", 'r' }, { "Rightarrow", "⇒", 'r' },
    { "Leftarrow", "⇐", 'r' }, { "iff", "⇔", 'r' }, { "Leftrightarrow", "⇔", 'r' },
    { "implies", "⇒", 'r' }, { "mapsto", "↦", 'r' }, { "coloneqq", "≔", 'r' }, { "mid", "|", 'r' },
    { "log", "log", 'f' }, { "ln", "ln", 'f' }, { "exp", "exp", 'f' }, { "max", "max", 'f' },
    { "min", "min", 'f' }, { "sup", "sup", 'f' }, { "inf", "inf", 'f' }, { "arg", "arg", 'f' },
    { "sin", "sin", 'f' }, { "cos", "cos", 'f' }, { "tan", "tan", 'f' }, { "tanh", "tanh", 'f' },
    { "det", "det", 'f' }, { "lim", "lim", 'f' }, { "Pr", "Pr", 'f' }, { "argmax", "arg max", 'f' },
    { "argmin", "arg min", 'f' }, { "tr", "tr", 'f' }, { "KL", "KL", 'f' }, { "JSD", "JSD", 'f' },
    { "sum", "∑", 'l' }, { "prod", "∏", 'l' }, { "int", "∫", 'l' }, { "oint", "∮", 'l' },
};

/* Commands that only affect size or spacing TeX decides by itself. */
static const char *const tex_ignored[] = { "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr",
                                           "Bigl", "Bigr", "biggl", "biggr", "displaystyle", "textstyle",
                                           "limits", "nolimits", "middle" };

static void tex_utf8(FILE *o, unsigned long cp)
{
    if (cp < 0x80) {
        fputc((int)cp, o);
    } else if (cp < 0x800) {
        fputc((int)(0xc0 | (cp >> 6)), o);
        fputc((int)(0x80 | (cp & 63)), o);
    } else if (cp < 0x10000) {
        fputc((int)(0xe0 | (cp >> 12)), o);
        fputc((int)(0x80 | ((cp >> 6) & 63)), o);
        fputc((int)(0x80 | (cp & 63)), o);
    } else {
        fputc((int)(0xf0 | (cp >> 18)), o);
        fputc((int)(0x80 | ((cp >> 12) & 63)), o);
        fputc((int)(0x80 | ((cp >> 6) & 63)), o);
        fputc((int)(0x80 | (cp & 63)), o);
    }
}

/* Letter c in a mathematical alphabet (Unicode block "Mathematical
 * Alphanumeric Symbols"; the holes are filled from "Letterlike Symbols"). */
static void tex_alphabet(FILE *o, char c, char font)
{
    if (font == 'b' && c >= 'A' && c <= 'Z') {
        static const char *const holes = "CHNPQRZ";
        static const unsigned long fill[] = { 0x2102, 0x210D, 0x2115, 0x2119, 0x211A, 0x211D, 0x2124 };
        const char *h = strchr(holes, c);
        tex_utf8(o, h ? fill[h - holes] : 0x1D538ul + (unsigned long)(c - 'A'));
    } else if (font == 'b' && c >= '0' && c <= '9') {
        tex_utf8(o, 0x1D7D8ul + (unsigned long)(c - '0'));
    } else if (font == 'c' && c >= 'A' && c <= 'Z') {
        static const char *const holes = "BEFHILMR";
        static const unsigned long fill[] = { 0x212C, 0x2130, 0x2131, 0x210B, 0x2110, 0x2112, 0x2133, 0x211B };
        const char *h = strchr(holes, c);
        tex_utf8(o, h ? fill[h - holes] : 0x1D49Cul + (unsigned long)(c - 'A'));
    } else {
        fputc(c, o);
    }
}

static void tex_atom(tex *t);

static void tex_skip_space(tex *t)
{
    while (t->s[t->i] == ' ' || t->s[t->i] == '\t' || t->s[t->i] == '\n' || t->s[t->i] == '\r')
        t->i++;
}

/* Render up to the matching '}' (consumed) or the end. */
static void tex_group(tex *t)
{
    for (;;) {
        tex_skip_space(t);
        char c = t->s[t->i];
        if (!c)
            return;
        if (c == '}') {
            t->i++;
            return;
        }
        tex_atom(t);
    }
}

/* The argument of a command: a {group} or one atom. */
static void tex_arg(tex *t)
{
    tex_skip_space(t);
    if (t->s[t->i] == '{') {
        t->i++;
        tex_group(t);
    } else if (t->s[t->i]) {
        tex_atom(t);
    }
}

/* The raw text of a {group} argument (for fonts and \text). */
static size_t tex_raw_arg(tex *t, const char **start)
{
    tex_skip_space(t);
    if (t->s[t->i] != '{') {
        *start = t->s + t->i;
        if (!t->s[t->i])
            return 0;
        t->i++;
        return 1;
    }
    size_t a = ++t->i;
    int depth = 1;
    while (t->s[t->i] && depth) {
        if (t->s[t->i] == '\\' && t->s[t->i + 1]) {
            t->i += 2;
            continue;
        }
        depth += t->s[t->i] == '{';
        depth -= t->s[t->i] == '}';
        t->i++;
    }
    *start = t->s + a;
    return t->i - a - (depth == 0);
}

static void tex_spaced(tex *t, const char *sym, char cls)
{
    if (cls == 'b' && !t->operand) { /* unary: -x, +1 */
        fputs(sym, t->o);
        t->operand = false;
        return;
    }
    fprintf(t->o, " %s ", sym); /* binary operators and relations */
    t->operand = false;
}

static void tex_command(tex *t)
{
    t->i++; /* the backslash */
    char name[32];
    size_t k = 0;
    const char *s = t->s;
    if ((s[t->i] >= 'a' && s[t->i] <= 'z') || (s[t->i] >= 'A' && s[t->i] <= 'Z')) {
        while (((s[t->i] >= 'a' && s[t->i] <= 'z') || (s[t->i] >= 'A' && s[t->i] <= 'Z')) && k < sizeof name - 1)
            name[k++] = s[t->i++];
    } else if (s[t->i]) {
        name[k++] = s[t->i++];
    }
    name[k] = '\0';
    FILE *o = t->o;
    /* spacing */
    if (!strcmp(name, ",") || !strcmp(name, ":") || !strcmp(name, ";") || !strcmp(name, " ")) {
        fputs(name[0] == ',' ? "\u2009" : name[0] == ' ' ? " " : "\u2005", o);
        return;
    }
    if (!strcmp(name, "quad") || !strcmp(name, "qquad")) {
        fputs(name[0] == 'q' && name[1] == 'q' ? "\u2003\u2003" : "\u2003", o);
        return;
    }
    if (!strcmp(name, "!"))
        return;
    if (!strcmp(name, "\\")) {
        fputs("<br>", o);
        t->operand = false;
        return;
    }
    for (size_t i = 0; i < sizeof tex_ignored / sizeof tex_ignored[0]; i++)
        if (!strcmp(name, tex_ignored[i])) {
            tex_skip_space(t);
            if (s[t->i] == '.')
                t->i++; /* \left. is an invisible delimiter */
            return;
        }
    if (!strcmp(name, "begin") || !strcmp(name, "end")) {
        const char *a;
        tex_raw_arg(t, &a);
        return;
    }
    if (!strcmp(name, "frac") || !strcmp(name, "dfrac") || !strcmp(name, "tfrac")) {
        fputs("<span class=\"frac\"><span class=\"num\">", o);
        t->operand = false;
        tex_arg(t);
        fputs("</span><span class=\"den\">", o);
        t->operand = false;
        tex_arg(t);
        fputs("</span></span>", o);
        t->operand = true;
        return;
    }
    if (!strcmp(name, "sqrt")) {
        fputs("√<span class=\"sqrt\">", o);
        t->operand = false;
        tex_arg(t);
        fputs("</span>", o);
        t->operand = true;
        return;
    }
    static const struct { const char *name; const char *comb; } accents[] = {
        { "hat", "\u0302" }, { "widehat", "\u0302" }, { "tilde", "\u0303" }, { "widetilde", "\u0303" },
        { "bar", "\u0305" }, { "dot", "\u0307" }, { "ddot", "\u0308" }, { "vec", "\u20D7" },
    };
    for (size_t i = 0; i < sizeof accents / sizeof accents[0]; i++)
        if (!strcmp(name, accents[i].name)) {
            tex_arg(t);
            fputs(accents[i].comb, o);
            t->operand = true;
            return;
        }
    if (!strcmp(name, "overline")) {
        fputs("<span class=\"overline\">", o);
        tex_arg(t);
        fputs("</span>", o);
        t->operand = true;
        return;
    }
    if (!strcmp(name, "mathbb") || !strcmp(name, "mathcal") || !strcmp(name, "mathrm") ||
        !strcmp(name, "text") || !strcmp(name, "textrm") || !strcmp(name, "operatorname") ||
        !strcmp(name, "mathsf") || !strcmp(name, "mathbf") || !strcmp(name, "boldsymbol") ||
        !strcmp(name, "mathit") || !strcmp(name, "textit") || !strcmp(name, "textbf")) {
        bool is_op = !strcmp(name, "operatorname");
        const char *a;
        size_t n = tex_raw_arg(t, &a);
        char font = name[4] == 'b' && name[5] == 'b' ? 'b' : !strcmp(name, "mathcal") ? 'c' : 0;
        if (font) {
            for (size_t i = 0; i < n; i++)
                tex_alphabet(o, a[i], font);
        } else if (!strcmp(name, "mathbf") || !strcmp(name, "boldsymbol") || !strcmp(name, "textbf") ||
                   !strcmp(name, "mathit") || !strcmp(name, "textit")) {
            /* bold or italic math: render the inside as math */
            bool bold = strstr(name, "bf") || !strcmp(name, "boldsymbol");
            fputs(bold ? "<b>" : "<i>", o);
            char *inner = lg_xmalloc(n + 1);
            memcpy(inner, a, n);
            inner[n] = '\0';
            tex sub = { inner, 0, o, false, false };
            tex_group(&sub);
            free(inner);
            fputs(bold ? "</b>" : "</i>", o);
        } else {
            /* upright text: letters as they are, escaped */
            fputs(is_op ? "<span class=\"mop\">" : "<span class=\"mtext\">", o);
            put_escaped(o, a, n);
            fputs("</span>", o);
        }
        t->operand = true;
        return;
    }
    for (size_t i = 0; i < sizeof tex_syms / sizeof tex_syms[0]; i++)
        if (!strcmp(name, tex_syms[i].name)) {
            const tex_sym *y = &tex_syms[i];
            if (y->cls == 'b' || y->cls == 'r') {
                tex_spaced(t, y->utf8, y->cls);
            } else if (y->cls == 'f') {
                fprintf(o, "<span class=\"mop\">%s</span>", y->utf8);
                /* a thin space before what it applies to, unless a script or
                 * a bracket follows */
                tex_skip_space(t);
                char c = s[t->i];
                if (c && c != '_' && c != '^' && c != '(' && c != '[' && c != '}' && c != '\\')
                    fputs("\u2009", o);
                t->op_space = c == '_' || c == '^';
                t->operand = false;
            } else if (y->cls == 'l') {
                fprintf(o, "<span class=\"mlarge\">%s</span>", y->utf8);
                t->operand = false;
            } else {
                fputs(y->utf8, o);
                t->operand = true;
            }
            return;
        }
    /* unknown: its name, upright */
    fputs("<span class=\"mtext\">", o);
    put_escaped(o, name, strlen(name));
    fputs("</span>", o);
    t->operand = true;
}

static void tex_atom(tex *t)
{
    const char *s = t->s;
    char c = s[t->i];
    FILE *o = t->o;
    if (c == '\\') {
        tex_command(t);
    } else if (c == '{') {
        t->i++;
        tex_group(t);
        t->operand = true;
    } else if (c == '}') {
        t->i++; /* a stray closing brace: dropped */
    } else if (c == '^' || c == '_') {
        t->i++;
        fputs(c == '^' ? "<sup>" : "<sub>", o);
        bool op = t->op_space;
        t->op_space = false;
        t->operand = false;
        tex_arg(t);
        fputs(c == '^' ? "</sup>" : "</sub>", o);
        t->operand = !op;
        tex_skip_space(t);
        if (op && (s[t->i] == '_' || s[t->i] == '^'))
            t->op_space = true; /* \max_a^b: after the last script */
        else if (op && s[t->i] && s[t->i] != '(' && s[t->i] != '[' && s[t->i] != '}')
            fputs("\u2009", o);
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        fputs("<i>", o); /* a run of letters in one italic span */
        while ((s[t->i] >= 'a' && s[t->i] <= 'z') || (s[t->i] >= 'A' && s[t->i] <= 'Z'))
            fputc(s[t->i++], o);
        fputs("</i>", o);
        t->operand = true;
    } else if (c >= '0' && c <= '9') {
        while ((s[t->i] >= '0' && s[t->i] <= '9') || (s[t->i] == '.' && s[t->i + 1] >= '0' && s[t->i + 1] <= '9'))
            fputc(s[t->i++], o);
        t->operand = true;
    } else if (c == '-' || c == '+') {
        t->i++;
        tex_spaced(t, c == '-' ? "−" : "+", 'b');
    } else if (c == '=' || c == '<' || c == '>') {
        t->i++;
        tex_spaced(t, c == '=' ? "=" : c == '<' ? "&lt;" : "&gt;", 'r');
    } else if (c == ',' || c == ';') {
        t->i++;
        fprintf(o, "%c ", c);
        t->operand = false;
    } else if (c == '\'') {
        t->i++;
        fputs("′", o);
    } else if (c == '~') {
        t->i++;
        fputs("&nbsp;", o);
    } else if (c == '&') {
        t->i++;
        fputs(" ", o); /* an alignment point */
    } else if (c == '(' || c == '[') {
        t->i++;
        fputc(c, o);
        t->operand = false;
    } else if (c == '*') {
        t->i++;
        fputs("∗", o);
        t->operand = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        t->i++;
    } else {
        /* ) ] | / ! . and any UTF-8 byte: as they are, escaped */
        put_escaped(o, s + t->i, 1);
        t->i++;
        t->operand = c == ')' || c == ']' || c == '|' || c == '!' || (unsigned char)c >= 0x80;
    }
}

char *lg_weave_tex(const char *src, bool display)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    fprintf(o, display ? "<div class=\"math display\">" : "<span class=\"math\">");
    tex t = { src, 0, o, false, false };
    while (src[t.i])
        tex_atom(&t);
    fputs(display ? "</div>" : "</span>", o);
    fclose(o);
    return buf;
}

/* -------------------------------------------------------------- markdown --- */

/* Fragments of HTML made here, standing in the Markdown as placeholders
 * U+E000 index U+E001 (private-use characters: cmark keeps them as text). */
#define PH_OPEN "\xee\x80\x80"
#define PH_CLOSE "\xee\x80\x81"

typedef struct frag {
    char *html;
    bool block; /* a paragraph holding only it becomes this block */
} frag;

typedef struct weave_ctx {
    const char *root, *lab_dir, *run_dir, *out_dir;
    frag *frags;
    size_t n_frags, cap_frags;
    lg_strvec figures; /* image files the writeup embedded (absolute paths) */
    size_t errors;
    FILE *err;
} weave_ctx;

static size_t frag_add(weave_ctx *c, char *html, bool block)
{
    if (c->n_frags == c->cap_frags)
        c->frags = lg_xrealloc(c->frags, (c->cap_frags = c->cap_frags * 2 + 16) * sizeof *c->frags);
    c->frags[c->n_frags].html = html;
    c->frags[c->n_frags].block = block;
    return c->n_frags++;
}

static int render(weave_ctx *c, const char *md, char **html);

/* A fenced code block's opening line: returns the fence length (3+) and its
 * character, else 0. */
static size_t fence_open(const char *s, size_t n, char *ch)
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

static bool fence_close(const char *s, size_t n, char ch, size_t len)
{
    size_t i = 0;
    while (i < n && i < 4 && s[i] == ' ')
        i++;
    size_t k = i;
    while (k < n && s[k] == ch)
        k++;
    if (k - i < len)
        return false;
    while (k < n && is_blank(s[k]))
        k++;
    return k == n;
}

/* A pipe table's delimiter row: | --- | :---: | ---: | */
static bool table_delim(const char *s, size_t n, size_t *cols)
{
    size_t i = 0, c = 0;
    bool dash = false, any_pipe = false;
    while (i < n && is_blank(s[i]))
        i++;
    if (i < n && s[i] == '|') {
        any_pipe = true;
        i++;
    }
    while (i < n) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n)
            break;
        if (s[i] == ':')
            i++;
        size_t d = i;
        while (i < n && s[i] == '-')
            i++;
        if (i == d)
            return false;
        dash = true;
        if (i < n && s[i] == ':')
            i++;
        while (i < n && is_blank(s[i]))
            i++;
        c++;
        if (i < n) {
            if (s[i] != '|')
                return false;
            any_pipe = true;
            i++;
        }
    }
    *cols = c;
    return dash && (any_pipe || c > 1);
}

/* Split a table row into cells: on '|' outside `code` and $math$, "\|" is a
 * literal bar. Cells are trimmed; leading and trailing pipes dropped. */
static size_t table_cells(const char *s, size_t n, char ***cells)
{
    size_t cap = 8, k = 0;
    char **v = lg_xmalloc(cap * sizeof *v);
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    if (i < n && s[i] == '|')
        i++;
    while (n > i && is_blank(s[n - 1]))
        n--;
    if (n > i && s[n - 1] == '|' && !(n >= 2 && s[n - 2] == '\\'))
        n--;
    char *cell = lg_xmalloc(n - i + 1);
    size_t m = 0;
    bool code = false, math = false;
    for (;; i++) {
        if (i >= n || (s[i] == '|' && !code && !math)) {
            size_t a = 0;
            while (a < m && is_blank(cell[a]))
                a++;
            while (m > a && is_blank(cell[m - 1]))
                m--;
            if (k == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[k] = lg_xmalloc(m - a + 1);
            memcpy(v[k], cell + a, m - a);
            v[k++][m - a] = '\0';
            m = 0;
            if (i >= n)
                break;
            continue;
        }
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
            cell[m++] = '|';
            i++;
            continue;
        }
        if (s[i] == '`')
            code = !code;
        if (s[i] == '$' && !code)
            math = !math;
        cell[m++] = s[i];
    }
    free(cell);
    *cells = v;
    return k;
}

/* Render one table cell's Markdown to inline HTML (no <p>). */
static void put_cell(weave_ctx *c, FILE *o, const char *md)
{
    char *h = NULL;
    if (render(c, md, &h) != LG_OK || !h) {
        put_escaped(o, md, strlen(md));
        free(h);
        return;
    }
    size_t n = strlen(h);
    while (n && h[n - 1] == '\n')
        n--;
    const char *s = h;
    if (n >= 7 && !strncmp(s, "<p>", 3) && !strncmp(s + n - 4, "</p>", 4)) {
        s += 3;
        n -= 7;
    }
    fwrite(s, 1, n, o);
    free(h);
}

/* The HTML of a pipe table (rows[0] the header, rows[1] the delimiter). */
static char *table_html(weave_ctx *c, const char *const *rows, const size_t *lens, size_t n_rows)
{
    char *buf = NULL;
    size_t len;
    FILE *o = open_memstream(&buf, &len);
    LG_ASSERT(o, "open_memstream");
    /* alignment from the delimiter row */
    char **dc;
    size_t nd = table_cells(rows[1], lens[1], &dc);
    char align[64];
    for (size_t j = 0; j < nd && j < sizeof align; j++) {
        size_t l = strlen(dc[j]);
        bool left = l && dc[j][0] == ':', right = l && dc[j][l - 1] == ':';
        align[j] = left && right ? 'c' : right ? 'r' : left ? 'l' : 0;
        free(dc[j]);
    }
    free(dc);
    fputs("<div class=\"table\"><table>\n", o);
    for (size_t r = 0; r < n_rows; r++) {
        if (r == 1)
            continue;
        char **cells;
        size_t nc = table_cells(rows[r], lens[r], &cells);
        fputs(r == 0 ? "<thead><tr>" : "<tr>", o);
        for (size_t j = 0; j < nd; j++) {
            const char *tag = r == 0 ? "th" : "td";
            char a = j < sizeof align ? align[j] : 0;
            if (a)
                fprintf(o, "<%s style=\"text-align:%s\">", tag, a == 'c' ? "center" : a == 'r' ? "right" : "left");
            else
                fprintf(o, "<%s>", tag);
            if (j < nc)
                put_cell(c, o, cells[j]);
            fprintf(o, "</%s>", tag);
        }
        fputs(r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n", o);
        for (size_t j = 0; j < nc; j++)
            free(cells[j]);
        free(cells);
    }
    fputs("</tbody></table></div>", o);
    fclose(o);
    return buf;
}

/* The HTML of "@code FILE REGION", or NULL after reporting the error. */
static char *code_html(weave_ctx *c, const char *file, const char *region, size_t lineno)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", c->root, file);
    char *text = lg_read_file(path, NULL);
    if (!text) {
        fprintf(c->err, "README.md:%zu: @code %s %s: cannot read %s (%s)\n", lineno, file, region, file,
                strerror(errno));
        c->errors++;
        return NULL;
    }
    char *code;
    size_t first, last;
    if (lg_weave_region(text, region, &code, &first, &last) != LG_OK) {
        fprintf(c->err, "README.md:%zu: @code %s %s: %s: %s\n", lineno, file, region, file, lg_errmsg());
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
    put_escaped(o, file, strlen(file));
    fprintf(o, "</code>, region <code>");
    put_escaped(o, region, strlen(region));
    fprintf(o, "</code>, lines %zu&ndash;%zu</figcaption><pre><code class=\"language-c\">", first, last);
    put_c_code(o, code);
    fputs("</code></pre></figure>", o);
    fclose(o);
    free(code);
    return buf;
}

/* Line pass: fenced blocks are left alone; "@code" lines and pipe tables
 * become block placeholders. */
static char *pass_lines(weave_ctx *c, const char *md)
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
            if (fence_close(s, m, fch, flen))
                flen = 0;
            fprintf(o, "%.*s\n", (int)m, s);
            continue;
        }
        if ((flen = fence_open(s, m, &fch))) {
            fprintf(o, "%.*s\n", (int)m, s);
            continue;
        }
        size_t ind = 0;
        while (ind < m && is_blank(s[ind]))
            ind++;
        if (m - ind > 6 && !memcmp(s + ind, "@code", 5) && is_blank(s[ind + 5])) {
            char file[1024] = "", region[256] = "", extra[8] = "";
            char line[2048];
            snprintf(line, sizeof line, "%.*s", (int)(m - ind - 5), s + ind + 5);
            int got = sscanf(line, "%1023s %255s %7s", file, region, extra);
            char *h = NULL;
            if (got != 2) {
                fprintf(c->err, "README.md:%zu: '@code' takes a file and a region name: @code plugins/gan.c d_loss\n",
                        i + 1);
                c->errors++;
            } else {
                h = code_html(c, file, region, i + 1);
            }
            if (!h) {
                h = NULL;
                FILE *e;
                size_t el;
                e = open_memstream(&h, &el);
                fputs("<p class=\"missing\">missing code region: <code>", e);
                put_escaped(e, line, strlen(line));
                fputs("</code></p>", e);
                fclose(e);
            }
            size_t k = frag_add(c, h, true);
            fprintf(o, "\n%.*s" PH_OPEN "%zu" PH_CLOSE "\n\n", (int)ind, s, k);
            continue;
        }
        size_t cols;
        if (i + 1 < n && memchr(s, '|', m) && table_delim(ls[i + 1], ll[i + 1], &cols)) {
            char **hc;
            size_t nh = table_cells(s, m, &hc);
            for (size_t j = 0; j < nh; j++)
                free(hc[j]);
            free(hc);
            if (nh == cols) {
                size_t end = i + 2;
                while (end < n && ll[end] && memchr(ls[end], '|', ll[end]))
                    end++;
                char *h = table_html(c, ls + i, ll + i, end - i);
                size_t k = frag_add(c, h, true);
                fprintf(o, "\n" PH_OPEN "%zu" PH_CLOSE "\n\n", k);
                i = end - 1;
                continue;
            }
        }
        fprintf(o, "%.*s\n", (int)m, s);
    }
    free(ls);
    free(ll);
    fclose(o);
    return buf;
}

/* Math pass: $...$ and $$...$$ outside code become inline placeholders. The
 * usual rules keep prices apart: an opening $ is not followed by a blank, a
 * closing $ not preceded by one nor followed by a digit; \$ is a dollar. */
static char *pass_math(weave_ctx *c, const char *md)
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
                if (fence_close(md + i, m, fch, flen))
                    flen = 0;
                fenced = true;
            } else if ((flen = fence_open(md + i, m, &fch))) {
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
            } else if (a < n && !is_blank(md[a]) && md[a] != '\n') {
                while (j < n && md[j] != '$' && !(md[j] == '\n' && md[j + 1] == '\n'))
                    j += md[j] == '\\' && j + 1 < n ? 2 : 1;
                ok = j < n && md[j] == '$' && !is_blank(md[j - 1]) && !(md[j + 1] >= '0' && md[j + 1] <= '9');
            }
            if (!ok) {
                fputc(ch, o);
                i++;
                continue;
            }
            char *tex_src = lg_xmalloc(j - a + 1);
            memcpy(tex_src, md + a, j - a);
            tex_src[j - a] = '\0';
            size_t k = frag_add(c, lg_weave_tex(tex_src, display), display);
            free(tex_src);
            fprintf(o, PH_OPEN "%zu" PH_CLOSE, k);
            i = j + (display ? 2 : 1);
        } else {
            fputc(ch, o);
            i++;
        }
    }
    fclose(o);
    return buf;
}

/* The fragment of a placeholder at s, its index in *k and length in *len. */
static bool placeholder_at(const char *s, size_t *k, size_t *len)
{
    if (strncmp(s, PH_OPEN, 3) != 0)
        return false;
    char *end;
    unsigned long v = strtoul(s + 3, &end, 10);
    if (end == s + 3 || strncmp(end, PH_CLOSE, 3) != 0)
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
static void node_text(cmark_node *n, FILE *o)
{
    for (cmark_node *ch = cmark_node_first_child(n); ch; ch = cmark_node_next(ch)) {
        cmark_node_type t = cmark_node_get_type(ch);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            fputs(cmark_node_get_literal(ch), o);
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            fputc(' ', o);
        else
            node_text(ch, o);
    }
}

/* Find an image the writeup names: relative to the lab folder, then the
 * lab's output folder. */
static bool find_image(weave_ctx *c, const char *url, char *path, size_t cap)
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

/* Replace images, links and placeholders in the parsed document. */
static void transform(weave_ctx *c, cmark_node *doc)
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
                node_text(nd, o);
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
                put_escaped(lo, bare, strlen(bare));
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
            node_text(nd, ao);
            fclose(ao);
            char *html = NULL;
            size_t hl;
            FILE *o = open_memstream(&html, &hl);
            char *uri = NULL;
            if (url && !has_scheme(url) && find_image(c, url, path, sizeof path) && (uri = image_data_uri(path))) {
                lg_strvec_push(&c->figures, path);
                fprintf(o, "<img src=\"%s\" alt=\"", uri);
                put_escaped(o, alt, strlen(alt));
                fputs("\">", o);
            } else {
                fprintf(o, "<span class=\"missing\">figure <code>");
                put_escaped(o, url ? url : "", url ? strlen(url) : 0);
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
                    put_escaped(fo, alt, strlen(alt));
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
            strstr(cmark_node_get_literal(nd), PH_OPEN)) {
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
        if (placeholder_at(lit, &k, &pl) && !lit[pl] && k < c->n_frags && c->frags[k].block && par &&
            cmark_node_get_type(par) == CMARK_NODE_PARAGRAPH && cmark_node_first_child(par) == nd &&
            cmark_node_last_child(par) == nd) {
            cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
            cmark_node_set_on_enter(b, c->frags[k].html);
            cmark_node_set_on_exit(b, "");
            cmark_node_replace(par, b);
            cmark_node_free(par);
            continue;
        }
        /* else split the text around each fragment, inline */
        char *copy = lg_xstrdup(lit);
        const char *p = copy;
        size_t start = 0;
        for (size_t j = 0; copy[j];) {
            if (placeholder_at(copy + j, &k, &pl) && k < c->n_frags) {
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
}

static int render(weave_ctx *c, const char *md, char **html)
{
    char *lines = pass_lines(c, md);
    char *math = pass_math(c, lines);
    free(lines);
    cmark_node *doc = cmark_parse_document(math, strlen(math), CMARK_OPT_DEFAULT);
    free(math);
    if (!doc)
        return lg_seterr(LG_EFORMAT, "cmark could not parse the writeup");
    cmark_consolidate_text_nodes(doc);
    transform(c, doc);
    /* safe mode (the default): the writeup's own raw HTML is omitted, while the
     * custom nodes made above are written as they are */
    *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
    cmark_node_free(doc);
    return LG_OK;
}

static void ctx_free(weave_ctx *c)
{
    for (size_t i = 0; i < c->n_frags; i++)
        free(c->frags[i].html);
    free(c->frags);
    lg_strvec_free(&c->figures);
}

int lg_weave_markdown(const char *md, const char *root, const char *lab_dir, const char *run_dir,
                      const char *out_dir, char **html, FILE *err)
{
    weave_ctx c = { .root = root, .lab_dir = lab_dir, .run_dir = run_dir, .out_dir = out_dir, .err = err };
    *html = NULL;
    int rc = render(&c, md, html);
    if (rc == LG_OK && c.errors) {
        rc = lg_seterr(LG_EFORMAT, "%zu error%s in the writeup (listed above)", c.errors, c.errors > 1 ? "s" : "");
        free(*html);
        *html = NULL;
    }
    ctx_free(&c);
    return rc;
}

/* ----------------------------------------------------------- the report --- */

/* Files the experiment wrote, found under dir (three levels deep at most). */
static void find_outputs(const char *dir, int depth, lg_strvec *pngs, lg_strvec *results)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = list[i]->d_name;
        if (nm[0] != '.') {
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, nm);
            struct stat st;
            size_t l = strlen(nm);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (depth < 3)
                    find_outputs(path, depth + 1, pngs, results);
            } else if (l > 4 && !strcmp(nm + l - 4, ".png")) {
                lg_strvec_push(pngs, path);
            } else if (!strcmp(nm, "results.csv") || !strcmp(nm, "results.md")) {
                lg_strvec_push(results, path);
            }
        }
        free(list[i]);
    }
    if (n > 0)
        free(list);
}

static bool looks_numeric(const char *s)
{
    char *end;
    if (!*s)
        return false;
    strtod(s, &end);
    while (*end == ' ' || *end == '%')
        end++;
    return *end == '\0';
}

/* A CSV file (comma-separated, "quoted" fields) as an HTML table. */
static void put_csv_table(FILE *o, const char *text)
{
    fputs("<div class=\"table\"><table>\n", o);
    size_t row = 0;
    const size_t max_rows = 200;
    const char *p = text;
    while (*p && row <= max_rows) {
        fputs(row == 0 ? "<thead><tr>" : "<tr>", o);
        for (;;) {
            char cell[1024];
            size_t k = 0;
            if (*p == '"') {
                p++;
                while (*p && !(*p == '"' && p[1] != '"')) {
                    if (*p == '"')
                        p++;
                    if (k < sizeof cell - 1)
                        cell[k++] = *p;
                    p++;
                }
                if (*p == '"')
                    p++;
            }
            while (*p && *p != ',' && *p != '\n' && *p != '\r') {
                if (k < sizeof cell - 1)
                    cell[k++] = *p;
                p++;
            }
            cell[k] = '\0';
            const char *tag = row == 0 ? "th" : "td";
            fprintf(o, "<%s%s>", tag, row && looks_numeric(cell) ? " class=\"num\"" : "");
            put_escaped(o, cell, k);
            fprintf(o, "</%s>", tag);
            if (*p == ',') {
                p++;
                continue;
            }
            break;
        }
        while (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
        fputs(row == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n", o);
        row++;
    }
    fputs("</tbody></table></div>\n", o);
    if (*p)
        fprintf(o, "<p class=\"note\">(the first %zu rows)</p>\n", max_rows);
}

/* The template with {{key}} replaced by the values given. */
static void put_template(FILE *o, const char *tpl, const char *const *keys, const char *const *vals, size_t n)
{
    for (const char *p = tpl; *p;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            fputs(p, o);
            break;
        }
        fwrite(p, 1, (size_t)(open - p), o);
        const char *close = strstr(open, "}}");
        bool done = false;
        for (size_t i = 0; close && i < n; i++)
            if (strlen(keys[i]) == (size_t)(close - open - 2) && !strncmp(open + 2, keys[i], strlen(keys[i]))) {
                fputs(vals[i], o);
                done = true;
            }
        if (done) {
            p = close + 2;
        } else {
            fputs("{{", o);
            p = open + 2;
        }
    }
}

/* Drop ANSI colour sequences (a grader writing to a terminal may use them). */
static void put_plain(FILE *o, const char *s)
{
    for (size_t i = 0; s[i];) {
        if (s[i] == '\x1b' && s[i + 1] == '[') {
            i += 2;
            while (s[i] && !(s[i] >= '@' && s[i] <= '~'))
                i++;
            if (s[i])
                i++;
            continue;
        }
        put_escaped(o, s + i, 1);
        i++;
    }
}

/* Weave lab into out_path (NULL: reports/NN-name/index.html under root), with
 * the experiment's outputs from run_dir (NULL: runs/lab-NN under root), running
 * the experiment first when run is set and no figure is there. */
int lg_weave_run(const lg_lab *lab, const char *root, const char *run_dir_in, const char *out_path, bool run,
                 FILE *log)
{
    char lab_dir[PATH_MAX], readme[PATH_MAX], run_dir[PATH_MAX], out_file[PATH_MAX], out_dir[PATH_MAX];
    snprintf(lab_dir, sizeof lab_dir, "%s/labs/%s", root, lab->dir);
    snprintf(readme, sizeof readme, "%s/README.md", lab_dir);
    if (run_dir_in)
        snprintf(run_dir, sizeof run_dir, "%s", run_dir_in);
    else
        snprintf(run_dir, sizeof run_dir, "%s/runs/lab-%02d", root, lab->number);
    if (out_path)
        snprintf(out_file, sizeof out_file, "%s", out_path);
    else
        snprintf(out_file, sizeof out_file, "%s/reports/%s/index.html", root, lab->dir);
    char *md = lg_read_file(readme, NULL);
    if (!md)
        return lg_seterr(LG_EIO, "%s: cannot read the writeup (%s)", readme, strerror(errno));
    char tpl_path[PATH_MAX], css_path[PATH_MAX];
    snprintf(tpl_path, sizeof tpl_path, "%s/reports/templates/report.html", root);
    snprintf(css_path, sizeof css_path, "%s/reports/templates/report.css", root);
    char *tpl = lg_read_file(tpl_path, NULL), *css = lg_read_file(css_path, NULL);
    if (!tpl || !css) {
        free(md);
        free(tpl);
        free(css);
        return lg_seterr(LG_EIO, "%s: the report template is missing", !tpl ? tpl_path : css_path);
    }
    /* the output folder, made now: links in the writeup are relative to it */
    snprintf(out_dir, sizeof out_dir, "%s", out_file);
    char *slash = strrchr(out_dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(out_dir, sizeof out_dir, ".");
    int rc = lg_mkdir_p(out_dir);
    char out_dir_real[PATH_MAX], root_real[PATH_MAX], lab_real[PATH_MAX];
    if (rc == LG_OK && (!realpath(out_dir, out_dir_real) || !realpath(root, root_real) ||
                        !realpath(lab_dir, lab_real)))
        rc = lg_seterr(LG_EIO, "%s: cannot resolve the folders (%s)", out_dir, strerror(errno));

    /* the experiment, when its figures are missing */
    lg_strvec pngs = { 0 }, results = { 0 };
    find_outputs(run_dir, 0, &pngs, &results);
    char run_note[512] = "";
    int erc = LG_OK; /* the experiment's status, when it ran */
    if (rc == LG_OK && pngs.n == 0) {
        if (run && lab->experiment) {
            char ini[PATH_MAX];
            snprintf(ini, sizeof ini, "%s/lab.ini", lab_dir);
            fprintf(log, "litgan weave: no figures in %s yet: running the experiment of Lab %02d first\n", run_dir,
                    lab->number);
            erc = lg_mkdir_p(run_dir);
            if (erc == LG_OK)
                erc = lab->experiment(lab, ini, run_dir);
            if (erc != LG_OK) {
                snprintf(run_note, sizeof run_note, "The experiment failed: %s", lg_errmsg());
                fprintf(log, "litgan weave: the experiment failed: %s\n", lg_errmsg());
            }
            find_outputs(run_dir, 0, &pngs, &results);
        } else {
            snprintf(run_note, sizeof run_note, "No figures yet: run the experiment (litgan lab %02d) and weave again.",
                     lab->number);
        }
    }

    /* the writeup */
    char *body = NULL;
    size_t figures_used = 0;
    weave_ctx c = { .root = root_real, .lab_dir = lab_real, .run_dir = run_dir, .out_dir = out_dir_real, .err = log };
    if (rc == LG_OK) {
        rc = render(&c, md, &body);
        if (rc == LG_OK && c.errors)
            rc = lg_seterr(LG_EFORMAT, "%zu error%s in %s (listed above)", c.errors, c.errors > 1 ? "s" : "", readme);
    }

    char *page = NULL;
    size_t page_len = 0;
    double score = 0, max_score = 0;
    int grc = LG_OK;
    if (rc == LG_OK) {
        /* the grade, in-process: lg_grade_lab forks its own sandboxes */
        char *gtxt = NULL;
        size_t gl;
        FILE *g = open_memstream(&gtxt, &gl);
        LG_ASSERT(g, "open_memstream");
        fflush(NULL);
        lg_seterr(LG_OK, "%s", ""); /* so that a message after it is the grader's */
        grc = lg_grade_lab(lab, NULL, NULL, g, &score, &max_score);
        fclose(g);
        char grade_err[512];
        snprintf(grade_err, sizeof grade_err, "%s",
                 strcmp(lg_errmsg(), "no error") ? lg_errmsg() : "no test ran (has the lab grading tests?)");

        char *main_html = NULL;
        size_t ml;
        FILE *o = open_memstream(&main_html, &ml);
        LG_ASSERT(o, "open_memstream");
        if (!strstr(body, "<h1"))
            fprintf(o, "<h1>Lab %02d: %s</h1>\n", lab->number, lab->title);
        fputs(body, o);

        fprintf(o, "<section class=\"results\">\n<h2>What the experiment wrote</h2>\n"
                   "<p>The outputs of <code>litgan lab %02d</code> in <code>", lab->number);
        put_escaped(o, run_dir, strlen(run_dir));
        fputs("</code>.</p>\n", o);
        char ini[PATH_MAX];
        snprintf(ini, sizeof ini, "%s/lab.ini", lab_dir);
        char *ini_text = lg_read_file(ini, NULL);
        if (ini_text) {
            /* the definition, folded: <details> needs no script */
            fprintf(o, "<details><summary>The experiment's definition, <code>labs/%s/lab.ini</code></summary>\n"
                       "<pre class=\"ini\"><code>", lab->dir);
            put_escaped(o, ini_text, strlen(ini_text));
            fputs("</code></pre></details>\n", o);
            free(ini_text);
        }
        if (run_note[0]) {
            fputs("<p class=\"missing\">", o);
            put_escaped(o, run_note, strlen(run_note));
            fputs("</p>\n", o);
        }
        for (size_t i = 0; i < results.n; i++) {
            const char *rel = results.w[i] + strlen(run_dir) + 1;
            char *t = lg_read_file(results.w[i], NULL);
            if (!t)
                continue;
            fprintf(o, "<h3>Results: <code>");
            put_escaped(o, rel, strlen(rel));
            fputs("</code></h3>\n", o);
            size_t l = strlen(results.w[i]);
            if (!strcmp(results.w[i] + l - 3, ".md")) {
                /* its figures and links are relative to its own folder */
                char base[PATH_MAX];
                snprintf(base, sizeof base, "%s", results.w[i]);
                *strrchr(base, '/') = '\0';
                const char *saved = c.lab_dir;
                c.lab_dir = base;
                char *h = NULL;
                if (render(&c, t, &h) == LG_OK)
                    fputs(h, o);
                c.lab_dir = saved;
                free(h);
            } else {
                put_csv_table(o, t);
            }
            free(t);
        }
        /* figures the writeup did not show already */
        bool heading = false;
        for (size_t i = 0; i < pngs.n; i++) {
            char real[PATH_MAX];
            bool used = false;
            if (realpath(pngs.w[i], real))
                for (size_t j = 0; j < c.figures.n; j++)
                    used |= !strcmp(c.figures.w[j], real);
            if (used) {
                figures_used++;
                continue;
            }
            char *uri = image_data_uri(pngs.w[i]);
            if (!uri)
                continue;
            if (!heading)
                fputs("<h3>Figures</h3>\n", o);
            heading = true;
            const char *rel = pngs.w[i] + strlen(run_dir) + 1;
            fprintf(o, "<figure class=\"figure\"><img src=\"%s\" alt=\"", uri);
            put_escaped(o, rel, strlen(rel));
            fputs("\"><figcaption><code>", o);
            put_escaped(o, rel, strlen(rel));
            fputs("</code></figcaption></figure>\n", o);
            figures_used++;
            free(uri);
        }
        fputs("</section>\n", o);

        fputs("<section class=\"grade\">\n<h2>Grade</h2>\n", o);
        if (grc == LG_EINVAL && max_score == 0)
            grc = LG_EFORMAT; /* no test ran: an error of the grader, not a failed test */
        if (grc == LG_OK || grc == LG_EINVAL) {
            fprintf(o, "<p class=\"score %s\">Score: <strong>%g / %g</strong>%s</p>\n",
                    grc == LG_OK ? "pass" : "fail", score, max_score,
                    grc == LG_OK ? " &mdash; every test passed" : "");
            /* the grader's table as it prints it, a line at a time: failures
             * in the failure colour, task and total lines in bold */
            fputs("<pre class=\"grade-table\">", o);
            for (char *line = gtxt ? gtxt : ""; *line;) {
                char *nl = strchr(line, '\n');
                if (nl)
                    *nl = '\0';
                const char *t = line + strspn(line, " \t");
                const char *cls = !strncmp(t, "FAIL", 4) ? "g-fail"
                                  : !strncmp(t, "Task ", 5) || !strncmp(t, "Total", 5) ? "g-head" : NULL;
                if (cls)
                    fprintf(o, "<span class=\"%s\">", cls);
                put_plain(o, line);
                fputs(cls ? "</span>\n" : "\n", o);
                if (!nl)
                    break;
                line = nl + 1;
            }
            fputs("</pre>\n", o);
        } else {
            fputs("<p class=\"missing\">The grader could not run: ", o);
            put_escaped(o, grade_err, strlen(grade_err));
            fputs("</p>\n", o);
        }
        fputs("</section>\n", o);
        fclose(o);
        free(gtxt);

        char title[512], meta[1024], stamp[64];
        snprintf(title, sizeof title, "Lab %02d: %s", lab->number, lab->title);
        time_t now = time(NULL);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", localtime(&now));
        snprintf(meta, sizeof meta, "litgan &middot; Lab %02d &middot; woven %s from <code>labs/%s/README.md</code>",
                 lab->number, stamp, lab->dir);
        char *title_esc = NULL;
        size_t tl;
        FILE *to = open_memstream(&title_esc, &tl);
        put_escaped(to, title, strlen(title));
        fclose(to);
        const char *keys[] = { "title", "css", "meta", "body" };
        const char *vals[] = { title_esc, css, meta, main_html };
        FILE *po = open_memstream(&page, &page_len);
        put_template(po, tpl, keys, vals, 4);
        fclose(po);
        free(title_esc);
        free(main_html);

        FILE *f = fopen(out_file, "w");
        if (!f) {
            rc = lg_seterr(LG_EIO, "%s: cannot write (%s)", out_file, strerror(errno));
        } else {
            size_t put = fwrite(page, 1, page_len, f);
            if (fclose(f) != 0 || put != page_len)
                rc = lg_seterr(LG_EIO, "%s: write failed", out_file);
        }
    }
    if (rc == LG_OK) {
        fprintf(log, "litgan weave: %s (%zu KiB): writeup, %zu figure%s, %zu results file%s, grade %g / %g\n",
                out_file, (page_len + 1023) / 1024, figures_used, figures_used == 1 ? "" : "s", results.n,
                results.n == 1 ? "" : "s", score, max_score);
        if (grc != LG_OK && grc != LG_EINVAL)
            rc = grc;
        else if (erc != LG_OK)
            rc = lg_seterr(erc, "the report is written, but the experiment failed (see above)");
    }
    free(page);
    free(body);
    ctx_free(&c);
    lg_strvec_free(&pngs);
    lg_strvec_free(&results);
    free(md);
    free(tpl);
    free(css);
    return rc;
}

int lg_weave_main(int argc, char **argv)
{
    const char *which = NULL, *out = NULL;
    bool run = true;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(weave_help, stdout);
            return LG_OK;
        }
        if (!strcmp(argv[i], "--no-run")) {
            run = false;
        } else if (!strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litgan weave: --out needs a file name\n");
                return LG_EINVAL;
            }
            out = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan weave: unknown option '%s' (see --help)\n", argv[i]);
            return LG_EINVAL;
        } else if (!which) {
            which = argv[i];
        } else {
            fprintf(stderr, "litgan weave: one lab at a time (got '%s' and '%s')\n", which, argv[i]);
            return LG_EINVAL;
        }
    }
    if (!which) {
        fprintf(stderr, "litgan weave: name a lab (e.g. litgan weave 01)\n");
        return LG_EINVAL;
    }
    const lg_lab *lab = lg_lab_find(which);
    if (!lab) {
        fprintf(stderr, "litgan weave: %s\n", lg_errmsg());
        return LG_EINVAL;
    }
    int rc = lg_weave_run(lab, lg_source_root(), NULL, out, run, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan weave: %s\n", lg_errmsg());
    return rc;
}
