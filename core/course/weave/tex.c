/*
 * tex.c - a small TeX-to-HTML converter for the math of a writeup ($...$ and
 * $$...$$): Unicode and HTML (sub/superscripts, fractions, Greek, operators,
 * accents, blackboard letters), no MathJax, no fonts fetched.
 */
#include "lg_weave.h"

#include <stdlib.h>
#include <string.h>

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
            /* bold or italic math: lg_weave_render the inside as math */
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
            lg_weave_put_escaped(o, a, n);
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
    lg_weave_put_escaped(o, name, strlen(name));
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
        lg_weave_put_escaped(o, s + t->i, 1);
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
