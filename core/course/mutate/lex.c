/*
 * lex.c - the tokens of a C file for the mutation operators. Not a
 * preprocessor: it only has to tell code from comments, strings and character
 * constants, so that an operator never edits text a compiler would not read
 * as code (a '-' in a comment, a "<" in a format string), and to cut the code
 * into the tokens C sees (longest match: "<=" is one token, "->" is not a
 * minus).
 */
#include "lg_mutate.h"

#include <stdlib.h>
#include <string.h>

/* Three- and two-character punctuators, longest first. */
static const char *const punct3[] = { "<<=", ">>=", "...", NULL };
static const char *const punct2[] = { "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
                                      "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##", NULL };

static bool is_ident_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

static void push(lg_toks *out, lg_tok_kind kind, size_t at, size_t len, size_t line)
{
    if (out->n == out->cap)
        out->v = lg_xrealloc(out->v, (out->cap = out->cap * 2 + 64) * sizeof *out->v);
    out->v[out->n++] = (lg_tok){ kind, at, len, line };
}

/* Past a quoted literal starting at i (the quote q), escapes honoured; stops
 * at the end of the line when it does not close (the compiler will say so). */
static size_t skip_quoted(const char *s, size_t len, size_t i, char q)
{
    for (i++; i < len && s[i] != q && s[i] != '\n'; i++)
        if (s[i] == '\\' && i + 1 < len)
            i++;
    return i < len && s[i] == q ? i + 1 : i;
}

void lg_mut_lex(const char *s, size_t len, lg_toks *out)
{
    memset(out, 0, sizeof *out);
    size_t line = 1;
    bool line_start = true; /* only blanks since the last newline */
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c == '\n') {
            line++;
            line_start = true;
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '/' && i + 1 < len && s[i + 1] == '*') { /* a block comment: its newlines count */
            size_t j = i + 2;
            while (j + 1 < len && !(s[j] == '*' && s[j + 1] == '/'))
                line += s[j++] == '\n';
            i = j + 1 < len ? j + 2 : len;
            continue;
        }
        if (c == '/' && i + 1 < len && s[i + 1] == '/') {
            while (i < len && s[i] != '\n')
                i++;
            continue;
        }
        if (c == '#' && line_start) { /* a preprocessor line, with its continuations */
            while (i < len && s[i] != '\n') {
                if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\n') {
                    line++;
                    i++;
                }
                i++;
            }
            continue;
        }
        line_start = false;
        size_t start = i;
        if (c == '"' || c == '\'') {
            i = skip_quoted(s, len, i, c);
            push(out, c == '"' ? LG_TOK_STRING : LG_TOK_CHAR, start, i - start, line);
        } else if (is_ident_start(c)) {
            while (i < len && is_ident_char(s[i]))
                i++;
            if (i < len && (s[i] == '"' || s[i] == '\'') && i - start <= 2) { /* L"..", u8"..", u'.' */
                char q = s[i];
                i = skip_quoted(s, len, i, q);
                push(out, q == '"' ? LG_TOK_STRING : LG_TOK_CHAR, start, i - start, line);
            } else {
                push(out, LG_TOK_IDENT, start, i - start, line);
            }
        } else if (is_digit(c) || (c == '.' && i + 1 < len && is_digit(s[i + 1]))) {
            /* a pp-number: digits, letters, '.', and a sign after an exponent's
             * letter (e E, or p P in a hexadecimal number, where e is a digit) */
            bool hex = c == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
            i++;
            while (i < len) {
                char d = s[i], prev = s[i - 1];
                bool exp = hex ? (prev == 'p' || prev == 'P') : (prev == 'e' || prev == 'E');
                if ((d == '+' || d == '-') && exp)
                    i++;
                else if (is_ident_char(d) || d == '.')
                    i++;
                else
                    break;
            }
            push(out, LG_TOK_NUMBER, start, i - start, line);
        } else {
            size_t n = 1;
            for (size_t k = 0; punct3[k] && n == 1; k++)
                if (i + 3 <= len && !memcmp(s + i, punct3[k], 3))
                    n = 3;
            for (size_t k = 0; punct2[k] && n == 1; k++)
                if (i + 2 <= len && !memcmp(s + i, punct2[k], 2))
                    n = 2;
            i += n;
            push(out, LG_TOK_PUNCT, start, n, line);
        }
    }
}

void lg_toks_free(lg_toks *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

uint64_t lg_mut_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}
