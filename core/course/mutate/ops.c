/*
 * ops.c - the mutation operators: the small mistakes a student makes in a
 * solution region, each as one edit of the region's tokens.
 *
 *   bound     a loop's bounds off by one: < <-> <=, > <-> >= in a for's
 *             condition; its start c -> c + 1, c - 1
 *   ror       a comparison swapped for each of the five others
 *   aor       + - * / swapped for each other; += -= *= /= for each other and =
 *   sign      a unary minus removed; one inserted before a return value, an
 *             assigned value or an operand of + - * /; lg_neg removed around
 *             a tape call, or inserted around a node (a call or an lg_node
 *             variable)
 *   const     a number c: 0 -> 1, 1 -> 0, c + 1, 2 c, c / 2, -c
 *   reduce    lg_sum <-> lg_mean, lg_sum_rows <-> lg_mean_rows
 *   drop      a term of a sum dropped (each term of a + / - chain); lg_add and
 *             lg_sub replaced by one of their operands (lg_sub(t, a, b) by a or
 *             by lg_neg(t, b))
 *   guard     an if's condition made 1 or 0; a ! removed; an operand of
 *             && / || dropped
 *   stopgrad  lg_stop_gradient removed, or inserted around a node
 *
 * Expressions are found on the tokens with the precedence of C where it
 * matters (a term of a sum is a product of unary expressions; postfix calls,
 * subscripts and members bind tightest); an edit that does not compile is
 * fine - it is counted as stillborn - so the parsing needs to be right only
 * for the mutants to mean what their operator says.
 */
#include "lg_mutate.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ tokens --- */

static bool is(const lg_mut_ctx *c, size_t i, const char *s)
{
    return i < c->n && c->t[i].len == strlen(s) && !memcmp(c->text + c->t[i].at, s, c->t[i].len);
}

static bool is_any(const lg_mut_ctx *c, size_t i, const char *const *set)
{
    for (size_t k = 0; set[k]; k++)
        if (is(c, i, set[k]))
            return true;
    return false;
}

static const char *const keywords[] = { "return", "if", "else", "for", "while", "do", "switch", "case",
                                        "default", "break", "continue", "goto", "sizeof", "typedef",
                                        "static", "const", "double", "float", "int", "long", "short",
                                        "unsigned", "signed", "char", "void", "struct", "enum", "union",
                                        "extern", "register", "volatile", "inline", "restrict", "_Bool",
                                        NULL };

static bool is_ident(const lg_mut_ctx *c, size_t i)
{
    return i < c->n && c->t[i].kind == LG_TOK_IDENT && !is_any(c, i, keywords);
}

/* The tape operations and the game's functions that return an lg_node. */
static const char *const node_funcs[] = { "lg_add", "lg_sub", "lg_mul", "lg_div", "lg_matmul", "lg_scale",
                                          "lg_shift", "lg_neg", "lg_square", "lg_abs", "lg_sqrt", "lg_exp",
                                          "lg_log", "lg_softplus", "lg_sigmoid", "lg_tanh", "lg_relu",
                                          "lg_leaky_relu", "lg_sum", "lg_mean", "lg_sum_rows", "lg_mean_rows",
                                          "lg_concat", "lg_stop_gradient", "lg_apply", "lg_game_real",
                                          "lg_game_noise", "lg_input_grad", "lg_game_uniform", "lg_const",
                                          "lg_input", "lg_fill", NULL };
/* Those whose first argument is the tape. */
static const char *const tape_funcs[] = { "lg_add", "lg_sub", "lg_mul", "lg_div", "lg_matmul", "lg_scale",
                                          "lg_shift", "lg_neg", "lg_square", "lg_abs", "lg_sqrt", "lg_exp",
                                          "lg_log", "lg_softplus", "lg_sigmoid", "lg_tanh", "lg_relu",
                                          "lg_leaky_relu", "lg_sum", "lg_mean", "lg_sum_rows",
                                          "lg_mean_rows", "lg_concat", "lg_stop_gradient", NULL };
static const char *const comparisons[] = { "<", "<=", ">", ">=", "==", "!=", NULL };
static const char *const arith[] = { "+", "-", "*", "/", NULL };
static const char *const compound[] = { "+=", "-=", "*=", "/=", NULL };

/* The token that closes (or opens) the bracket at i; c->n when there is none. */
static size_t match(const lg_mut_ctx *c, size_t i)
{
    int depth = 0;
    for (size_t j = i; j < c->n; j++) {
        if (is(c, j, "(") || is(c, j, "[") || is(c, j, "{"))
            depth++;
        else if (is(c, j, ")") || is(c, j, "]") || is(c, j, "}"))
            if (--depth == 0)
                return j;
    }
    return c->n;
}

static size_t match_back(const lg_mut_ctx *c, size_t i)
{
    int depth = 0;
    for (size_t j = i + 1; j-- > 0;) {
        if (is(c, j, ")") || is(c, j, "]") || is(c, j, "}"))
            depth++;
        else if (is(c, j, "(") || is(c, j, "[") || is(c, j, "{"))
            if (--depth == 0)
                return j;
    }
    return c->n;
}

/* Can token i end an operand (so that an operator after it is binary)? */
static bool ends_operand(const lg_mut_ctx *c, size_t i)
{
    if (i >= c->n)
        return false;
    lg_tok_kind k = c->t[i].kind;
    return k == LG_TOK_NUMBER || k == LG_TOK_STRING || k == LG_TOK_CHAR || is_ident(c, i) || is(c, i, ")") ||
           is(c, i, "]") || is(c, i, "++") || is(c, i, "--");
}

/* A '*' that declares a pointer: "lg_node *x", "const T *p" at a statement's start. */
static bool declarator_star(const lg_mut_ctx *c, size_t i)
{
    if (!is(c, i, "*") || i == 0 || !is_ident(c, i - 1))
        return false;
    return i == 1 || is(c, i - 2, "{") || is(c, i - 2, "}") || is(c, i - 2, ";") || is(c, i - 2, "const") ||
           is(c, i - 2, "static") || is(c, i - 2, "struct");
}

static bool is_binary(const lg_mut_ctx *c, size_t i)
{
    return i > 0 && ends_operand(c, i - 1) && !declarator_star(c, i);
}

static bool is_unary_op(const lg_mut_ctx *c, size_t i)
{
    static const char *const u[] = { "-", "+", "!", "~", "*", "&", "++", "--", NULL };
    return is_any(c, i, u) && !is_binary(c, i);
}

/* Past the postfix expression that starts at i (i itself when none does). */
static size_t postfix_end(const lg_mut_ctx *c, size_t i)
{
    size_t j;
    if (is(c, i, "("))
        j = match(c, i) + 1;
    else if (i < c->n && (c->t[i].kind != LG_TOK_PUNCT) && (c->t[i].kind != LG_TOK_IDENT || is_ident(c, i)))
        j = i + 1;
    else
        return i;
    while (j < c->n) {
        if (is(c, j, "(") || is(c, j, "["))
            j = match(c, j) + 1;
        else if ((is(c, j, ".") || is(c, j, "->")) && is_ident(c, j + 1))
            j += 2;
        else if (is(c, j, "++") || is(c, j, "--"))
            j++;
        else
            break;
    }
    return j > c->n ? c->n : j;
}

/* Past the unary expression (unary operators, then a postfix one) at i. */
static size_t unary_end(const lg_mut_ctx *c, size_t i)
{
    while (i < c->n && (is_unary_op(c, i) || is(c, i, "sizeof")))
        i++;
    return postfix_end(c, i);
}

/* Past the product (a term of a sum) that starts at i. */
static size_t term_end(const lg_mut_ctx *c, size_t i)
{
    size_t j = unary_end(c, i);
    while (j > i && j < c->n && (is(c, j, "*") || is(c, j, "/") || is(c, j, "%")) && is_binary(c, j)) {
        size_t k = unary_end(c, j + 1);
        if (k == j + 1)
            break;
        j = k;
    }
    return j;
}

/* The first token of the postfix expression that ends at token k. */
static size_t postfix_start(const lg_mut_ctx *c, size_t k)
{
    size_t j = k;
    for (;;) {
        if (is(c, j, ")") || is(c, j, "]")) {
            size_t o = match_back(c, j);
            if (o >= c->n)
                return k;
            j = o;
            if (j > 0 && (is_ident(c, j - 1) || is(c, j - 1, ")") || is(c, j - 1, "]"))) {
                j--; /* a call or a subscript: its callee belongs to it */
                continue;
            }
            return j;
        }
        if (j >= 2 && (is(c, j - 1, ".") || is(c, j - 1, "->"))) {
            j -= 2;
            continue;
        }
        return j;
    }
}

/* The first token of the product that ends at token k. */
static size_t term_start(const lg_mut_ctx *c, size_t k)
{
    for (;;) {
        size_t j = postfix_start(c, k);
        while (j > 0 && is_unary_op(c, j - 1))
            j--;
        if (j >= 2 && (is(c, j - 1, "*") || is(c, j - 1, "/") || is(c, j - 1, "%")) && is_binary(c, j - 1)) {
            k = j - 2;
            continue;
        }
        return j;
    }
}

/* Past the expression at i: up to a ';' or ',' at its depth, or the bracket
 * that closes around it. */
static size_t expr_end(const lg_mut_ctx *c, size_t i)
{
    int depth = 0;
    for (size_t j = i; j < c->n; j++) {
        if (is(c, j, "(") || is(c, j, "[") || is(c, j, "{"))
            depth++;
        else if (is(c, j, ")") || is(c, j, "]") || is(c, j, "}")) {
            if (depth-- == 0)
                return j;
        } else if (depth == 0 && (is(c, j, ";") || is(c, j, ",")))
            return j;
    }
    return c->n;
}

/* ------------------------------------------------------------ emitting --- */

/* The text of tokens a..b-1 (as written, comments between them included). */
static char *span(const lg_mut_ctx *c, size_t a, size_t b)
{
    size_t from = c->t[a].at, to = c->t[b - 1].at + c->t[b - 1].len;
    char *s = lg_xmalloc(to - from + 1);
    memcpy(s, c->text + from, to - from);
    s[to - from] = '\0';
    return s;
}

/* Replace tokens a..b-1 by repl. */
static void replace(lg_mut_ctx *c, const char *op, size_t anchor, size_t a, size_t b, const char *repl)
{
    size_t from = c->t[a].at, to = c->t[b - 1].at + c->t[b - 1].len;
    c->emit(c->sink, op, anchor, from, to - from, repl);
}

/* Wrap tokens a..b-1 as pre TEXT post. */
static void wrap(lg_mut_ctx *c, const char *op, size_t anchor, size_t a, size_t b, const char *pre,
                 const char *post)
{
    char *s = span(c, a, b);
    size_t n = strlen(pre) + strlen(s) + strlen(post) + 1;
    char *r = lg_xmalloc(n);
    snprintf(r, n, "%s%s%s", pre, s, post);
    replace(c, op, anchor, a, b, r);
    free(r);
    free(s);
}

/* The arguments of the call whose '(' is at i: their first tokens and ends
 * (at most max); how many, 0 when the call does not close. */
static size_t call_args(const lg_mut_ctx *c, size_t i, size_t *from, size_t *to, size_t max)
{
    size_t close = match(c, i);
    if (close >= c->n)
        return 0;
    size_t n = 0, start = i + 1;
    for (size_t j = i + 1; j <= close && n < max; j++) {
        if (j < close && (is(c, j, "(") || is(c, j, "[") || is(c, j, "{"))) {
            j = match(c, j);
            continue;
        }
        if (j == close || is(c, j, ",")) {
            if (j > start) {
                from[n] = start;
                to[n++] = j;
            }
            start = j + 1;
        }
    }
    return n;
}

/* A node at i: a call of a node function or a use of an lg_node variable
 * (not its declaration, not assigned to). Past its end, or 0. */
static size_t node_at(const lg_mut_ctx *c, size_t i)
{
    if (!is_ident(c, i) || (i > 0 && (is(c, i - 1, ".") || is(c, i - 1, "->"))))
        return 0;
    if (is_any(c, i, node_funcs) && is(c, i + 1, "(")) {
        size_t close = match(c, i + 1);
        return close < c->n ? close + 1 : 0;
    }
    for (size_t k = 0; k < c->nodes.n; k++)
        if (is(c, i, c->nodes.w[k]) && !(i > 0 && is(c, i - 1, "*")) && !is(c, i + 1, "="))
            return i + 1;
    return 0;
}

/* Is the node at i..e the last argument of a call of fn ("lg_neg(t, X)")? */
static bool argument_of(const lg_mut_ctx *c, size_t i, size_t e, const char *fn)
{
    return i >= 4 && is(c, i - 1, ",") && is(c, i - 3, "(") && is(c, i - 4, fn) && is(c, e, ")");
}

/* ----------------------------------------------------------- operators --- */

static void op_bound(lg_mut_ctx *c)
{
    for (size_t i = 0; i + 1 < c->n; i++) {
        if (!is(c, i, "for") || !is(c, i + 1, "("))
            continue;
        size_t close = match(c, i + 1), semi[2], ns = 0;
        for (size_t j = i + 2; j < close && ns < 2; j++) {
            if (is(c, j, "("))
                j = match(c, j);
            else if (is(c, j, ";"))
                semi[ns++] = j;
        }
        if (ns < 2)
            continue;
        for (size_t j = i + 2; j < semi[0]; j++) /* the start: integers only */
            if (c->t[j].kind == LG_TOK_NUMBER && strspn(c->text + c->t[j].at, "0123456789") == c->t[j].len) {
                unsigned long long v = strtoull(c->text + c->t[j].at, NULL, 10);
                char r[32];
                snprintf(r, sizeof r, "%llu", v + 1);
                replace(c, "bound", j, j, j + 1, r);
                if (v > 0) {
                    snprintf(r, sizeof r, "%llu", v - 1);
                    replace(c, "bound", j, j, j + 1, r);
                }
            }
        static const char *const from[] = { "<", "<=", ">", ">=" }, *const to[] = { "<=", "<", ">=", ">" };
        for (size_t j = semi[0] + 1; j < semi[1]; j++)
            for (size_t k = 0; k < 4; k++)
                if (is(c, j, from[k]))
                    replace(c, "bound", j, j, j + 1, to[k]);
    }
}

/* Each token of set at a position that passes ok, replaced by every other of set. */
static void swap_set(lg_mut_ctx *c, const char *op, const char *const *set, bool binary_only)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!is_any(c, i, set) || (binary_only && !is_binary(c, i)))
            continue;
        for (size_t k = 0; set[k]; k++)
            if (!is(c, i, set[k]))
                replace(c, op, i, i, i + 1, set[k]);
    }
}

static void op_aor(lg_mut_ctx *c)
{
    swap_set(c, "aor", arith, true);
    swap_set(c, "aor", compound, false);
    for (size_t i = 0; i < c->n; i++)
        if (is_any(c, i, compound))
            replace(c, "aor", i, i, i + 1, "=");
}

/* Does the expression at i start with a node (a pointer: no minus for it)? */
static bool starts_with_node(const lg_mut_ctx *c, size_t i)
{
    return node_at(c, i) > 0 || (is(c, i, "lg_game_tape") && is(c, i + 1, "("));
}

static bool all_caps(const lg_mut_ctx *c, size_t i)
{
    if (c->t[i].kind != LG_TOK_IDENT)
        return false;
    for (size_t k = 0; k < c->t[i].len; k++)
        if (c->text[c->t[i].at + k] >= 'a' && c->text[c->t[i].at + k] <= 'z')
            return false;
    return true;
}

static void op_sign(lg_mut_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        /* a unary minus removed */
        if (is(c, i, "-") && !is_binary(c, i))
            replace(c, "sign", i, i, i + 1, "");
        /* a minus before a return value, an assigned value */
        bool ret = is(c, i, "return");
        bool assign = (is(c, i, "=") || is(c, i, "+=") || is(c, i, "-=")) && i > 0 &&
                      (is_ident(c, i - 1) || is(c, i - 1, "]")) && !(i >= 2 && declarator_star(c, i - 2));
        if ((ret || assign) && i + 1 < c->n && !is(c, i + 1, "{") && !is(c, i + 1, "-") &&
            !starts_with_node(c, i + 1)) {
            size_t e = expr_end(c, i + 1);
            /* one token: a number is const's (-c); a constant in capitals
             * (NAN, GSL_SUCCESS) would mostly be -0 or a NaN's sign; an
             * assigned variable is aor's (+= -> -=) */
            bool single = e == i + 2 && (c->t[i + 1].kind == LG_TOK_NUMBER || all_caps(c, i + 1) || assign);
            if (e > i + 1 && e < c->n && !single)
                wrap(c, "sign", i + 1, i + 1, e, "-(", ")");
        }
        /* a minus before an operand of + - * / (not right after + or -: aor
         * has those) */
        if ((is_ident(c, i) || is(c, i, "(")) && !(i > 0 && (is(c, i - 1, ".") || is(c, i - 1, "->") ||
                                                           is_ident(c, i - 1))) &&
            !(i > 0 && is_unary_op(c, i - 1)) && !(is(c, i, "(") && i > 0 && is_ident(c, i - 1))) {
            size_t e = postfix_end(c, i);
            bool after = i > 0 && (is(c, i - 1, "*") || is(c, i - 1, "/")) && is_binary(c, i - 1);
            bool before = e < c->n && is_any(c, e, arith) && is_binary(c, e) &&
                          !(i > 0 && (is(c, i - 1, "+") || is(c, i - 1, "-")) && is_binary(c, i - 1));
            if (e > i && (after || before) && !starts_with_node(c, i))
                wrap(c, "sign", i, i, e, "-", "");
        }
    }
    /* lg_neg removed, inserted */
    for (size_t i = 0; i < c->n; i++) {
        size_t from[3], to[3];
        if (is(c, i, "lg_neg") && is(c, i + 1, "(") && call_args(c, i + 1, from, to, 3) == 2) {
            char *x = span(c, from[1], to[1]);
            replace(c, "sign", i, i, match(c, i + 1) + 1, x);
            free(x);
        }
        size_t e = node_at(c, i);
        if (e && c->tape[0] && !is(c, i, "lg_neg") && !argument_of(c, i, e, "lg_neg")) {
            char pre[96];
            snprintf(pre, sizeof pre, "lg_neg(%s, ", c->tape);
            wrap(c, "sign", i, i, e, pre, ")");
        }
    }
}

/* A double as the shortest text that reads back as it, with a '.' or an exponent. */
static void format_double(double v, const char *suffix, char *out, size_t cap)
{
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        strcat(buf, ".0");
    snprintf(out, cap, "%s%s", buf, suffix);
}

static void op_const(lg_mut_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->t[i].kind != LG_TOK_NUMBER)
            continue;
        char text[64];
        if (c->t[i].len >= sizeof text)
            continue;
        memcpy(text, c->text + c->t[i].at, c->t[i].len);
        text[c->t[i].len] = '\0';
        bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        bool is_float = strchr(text, '.') || (hex ? strpbrk(text, "pP") != NULL : strpbrk(text, "eE") != NULL);
        size_t body = strlen(text);
        while (body > 0 && strchr(is_float ? "fFlL" : "uUlL", text[body - 1]))
            body--;
        const char *suffix = text + body;
        char num[64];
        snprintf(num, sizeof num, "%.*s", (int)body, text);
        char r[6][80];
        size_t nr = 0;
        bool negated = i > 0 && is(c, i - 1, "-") && !is_binary(c, i - 1);
        if (is_float) {
            double v = strtod(num, NULL);
            double to[4] = { v == 0 ? 1 : v == 1 ? 0 : v + 1, v + 1, 2 * v, v / 2 };
            for (size_t k = 0; k < 4; k++)
                format_double(to[k], suffix, r[nr++], sizeof r[0]);
        } else {
            unsigned long long v = strtoull(num, NULL, 0);
            unsigned long long to[4] = { v == 0 ? 1 : v == 1 ? 0 : v + 1, v + 1, 2 * v, v / 2 };
            for (size_t k = 0; k < 4; k++)
                if (k < 3 || v % 2 == 0)
                    snprintf(r[nr++], sizeof r[0], "%llu%s", to[k], suffix);
        }
        if (!negated && strtod(num, NULL) != 0)
            snprintf(r[nr++], sizeof r[0], "-%s", text);
        for (size_t k = 0; k < nr; k++) {
            bool dup = !strcmp(r[k], text);
            for (size_t m = 0; m < k && !dup; m++)
                dup = !strcmp(r[k], r[m]);
            if (!dup)
                replace(c, "const", i, i, i + 1, r[k]);
        }
    }
}

static void op_reduce(lg_mut_ctx *c)
{
    static const char *const pairs[][2] = { { "lg_sum", "lg_mean" }, { "lg_mean", "lg_sum" },
                                            { "lg_sum_rows", "lg_mean_rows" }, { "lg_mean_rows", "lg_sum_rows" } };
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < 4; k++)
            if (is(c, i, pairs[k][0]) && is(c, i + 1, "("))
                replace(c, "reduce", i, i, i + 1, pairs[k][1]);
}

static void op_drop(lg_mut_ctx *c)
{
    for (size_t k = 1; k + 1 < c->n; k++) {
        if (!(is(c, k, "+") || is(c, k, "-")) || !is_binary(c, k))
            continue;
        size_t e = term_end(c, k + 1);
        if (e > k + 1) /* "a + b" -> "a" */
            c->emit(c->sink, "drop", k + 1, c->t[k].at, c->t[e - 1].at + c->t[e - 1].len - c->t[k].at, "");
        size_t s = term_start(c, k - 1);
        bool first = !(s > 0 && (is(c, s - 1, "+") || is(c, s - 1, "-")) && is_binary(c, s - 1));
        if (first && s < k) { /* "a + b" -> "b", "a - b" -> "- b" */
            size_t to = is(c, k, "+") ? c->t[k + 1].at : c->t[k].at;
            c->emit(c->sink, "drop", s, c->t[s].at, to - c->t[s].at, "");
        }
    }
    for (size_t i = 0; i + 1 < c->n; i++) {
        bool add = is(c, i, "lg_add"), sub = is(c, i, "lg_sub");
        size_t from[4], to[4];
        if (!(add || sub) || !is(c, i + 1, "(") || call_args(c, i + 1, from, to, 4) != 3)
            continue;
        size_t end = match(c, i + 1) + 1;
        char *a = span(c, from[1], to[1]), *b = span(c, from[2], to[2]), *tape = span(c, from[0], to[0]);
        replace(c, "drop", from[2], i, end, a);
        if (add) {
            replace(c, "drop", from[1], i, end, b);
        } else {
            size_t n = strlen(tape) + strlen(b) + 16;
            char *neg = lg_xmalloc(n);
            snprintf(neg, n, "lg_neg(%s, %s)", tape, b);
            replace(c, "drop", from[1], i, end, neg);
            free(neg);
        }
        free(a);
        free(b);
        free(tape);
    }
}

static void op_guard(lg_mut_ctx *c)
{
    for (size_t i = 0; i + 1 < c->n; i++) {
        if (is(c, i, "if") && is(c, i + 1, "(")) {
            size_t close = match(c, i + 1);
            if (close < c->n && close > i + 2) {
                replace(c, "guard", i + 2, i + 2, close, "1");
                replace(c, "guard", i + 2, i + 2, close, "0");
            }
        }
        if (is(c, i, "!") && !is_binary(c, i))
            replace(c, "guard", i, i, i + 1, "");
    }
    /* an operand of && or || dropped: operands end at the same depth's
     * brackets, ',' ';' '?' ':' and the other && || */
    static const char *const stop[] = { "&&", "||", ",", ";", "?", ":", NULL };
    for (size_t k = 0; k < c->n; k++) {
        if (!is(c, k, "&&") && !is(c, k, "||"))
            continue;
        size_t s = k, e = k + 1;
        while (s > 0) {
            if (is(c, s - 1, ")") || is(c, s - 1, "]")) {
                size_t o = match_back(c, s - 1);
                if (o >= c->n)
                    break;
                s = o;
            } else if (is(c, s - 1, "(") || is(c, s - 1, "[") || is(c, s - 1, "{") || is_any(c, s - 1, stop)) {
                break;
            } else {
                s--;
            }
        }
        while (e < c->n && !is(c, e, ")") && !is(c, e, "]") && !is(c, e, "}") && !is_any(c, e, stop))
            e = (is(c, e, "(") || is(c, e, "[")) ? match(c, e) + 1 : e + 1;
        if (s < k && e > k + 1 && e <= c->n) {
            c->emit(c->sink, "guard", k + 1, c->t[k].at, c->t[e - 1].at + c->t[e - 1].len - c->t[k].at, "");
            c->emit(c->sink, "guard", s, c->t[s].at, c->t[k + 1].at - c->t[s].at, "");
        }
    }
}

static void op_stopgrad(lg_mut_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t from[3], to[3];
        if (is(c, i, "lg_stop_gradient") && is(c, i + 1, "(") && call_args(c, i + 1, from, to, 3) == 2) {
            char *x = span(c, from[1], to[1]);
            replace(c, "stopgrad", i, i, match(c, i + 1) + 1, x);
            free(x);
        }
        /* not around a constant leaf (the data, the noise): no gradient reaches it anyway */
        static const char *const leaves[] = { "lg_game_real", "lg_game_noise", "lg_game_uniform", "lg_const",
                                              "lg_input", "lg_fill", NULL };
        size_t e = is_any(c, i, leaves) ? 0 : node_at(c, i);
        if (e && c->tape[0] && !is(c, i, "lg_stop_gradient") && !argument_of(c, i, e, "lg_stop_gradient")) {
            char pre[96];
            snprintf(pre, sizeof pre, "lg_stop_gradient(%s, ", c->tape);
            wrap(c, "stopgrad", i, i, e, pre, ")");
        }
    }
}

/* The region's tape ("lg_tape *t", else the first argument of a tape call)
 * and its lg_node variables ("lg_node *x"). */
static void find_names(lg_mut_ctx *c)
{
    c->tape[0] = '\0';
    for (size_t i = 0; i + 2 < c->n; i++) {
        if (is(c, i + 1, "*") && is_ident(c, i + 2) && (is(c, i, "lg_tape") || is(c, i, "lg_node"))) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)c->t[i + 2].len, c->text + c->t[i + 2].at);
            if (is(c, i, "lg_node"))
                lg_strvec_push(&c->nodes, name);
            else if (!c->tape[0])
                snprintf(c->tape, sizeof c->tape, "%s", name);
        }
    }
    for (size_t i = 0; i + 3 < c->n && !c->tape[0]; i++)
        if (is_any(c, i, tape_funcs) && is(c, i + 1, "(") && is_ident(c, i + 2) && is(c, i + 3, ","))
            snprintf(c->tape, sizeof c->tape, "%.*s", (int)c->t[i + 2].len, c->text + c->t[i + 2].at);
}

void lg_mut_operators(lg_mut_ctx *c)
{
    memset(&c->nodes, 0, sizeof c->nodes);
    find_names(c);
    op_bound(c);
    swap_set(c, "ror", comparisons, false);
    op_aor(c);
    op_sign(c);
    op_const(c);
    op_reduce(c);
    op_drop(c);
    op_guard(c);
    op_stopgrad(c);
    lg_strvec_free(&c->nodes);
}
