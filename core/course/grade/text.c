/*
 * text.c - what a student's bytes look like when they leave litgan: the one
 * sanitiser (lg_text_sanitize) every exit point of the grader uses (the
 * terminal table, NAME.txt, results.json, grades.csv, grade-all's progress
 * lines), and the one CSV cell writer (lg_csv_cell).
 *
 * What may come from a student: compiler messages (they quote the source),
 * what the student's code printed or named (a stub's "Task N.M is not
 * implemented yet" line, an undefined symbol), a submission folder's name.
 * The sanitiser turns
 *   - tab, newline and carriage return into a space (so nothing printed can
 *     start a line of its own: no "Total 18.0 / 18.0" forged after a \r);
 *   - every other C0 control (NUL..US), DEL and every C1 control
 *     (U+0080..U+009F) into '?' (no ANSI escape sequence survives: ESC and
 *     CSI both go);
 *   - the characters that move text around without being seen - line and
 *     paragraph separators (U+2028, U+2029), the bidirectional marks,
 *     embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 *     U+202A..U+202E, U+2066..U+2069) - into '?';
 *   - each byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
 *     forms, no surrogates, nothing above U+10FFFF) into U+FFFD;
 * and keeps at most cap bytes, ending in "…" when it had to cut (at a
 * character boundary). With LG_TEXT_NEWLINES a newline is kept (for litgan's
 * own multi-line summaries, built from pieces already sanitised one line
 * each). The result is valid UTF-8, so jansson takes it as it is.
 */
#include "grade_impl.h"

#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/* The code point of the well-formed UTF-8 sequence at p (n bytes left) and
 * its length in *len; -1 when the byte at p starts none. */
static long utf8_decode(const unsigned char *p, size_t n, size_t *len)
{
    unsigned c = p[0];
    size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (k == 0 || k > n)
        return -1;
    for (size_t i = 1; i < k; i++)
        if ((p[i] & 0xc0) != 0x80)
            return -1;
    if (k == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
        return -1; /* overlong, surrogate */
    if (k == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
        return -1; /* overlong, above U+10FFFF */
    long cp = k == 1 ? (long)c : k == 2 ? (long)(c & 0x1f) : k == 3 ? (long)(c & 0x0f) : (long)(c & 0x07);
    for (size_t i = 1; i < k; i++)
        cp = (cp << 6) | (p[i] & 0x3f);
    *len = k;
    return cp;
}

/* Characters that reorder or break text without showing themselves. */
static bool invisible_mover(long cp)
{
    return cp == 0x061c || cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Every byte of src[0..n) mapped; *len bytes (no cap). Caller frees. */
static char *clean_all(const char *src, size_t n, unsigned flags, size_t *len)
{
    const unsigned char *p = (const unsigned char *)src;
    char *out = lg_xmalloc(3 * n + 1); /* a byte grows to at most 3 (U+FFFD) */
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t step = 1;
        long cp = utf8_decode(p + i, n - i, &step);
        if (cp < 0) {
            memcpy(out + k, "\xef\xbf\xbd", 3); /* U+FFFD */
            k += 3;
            step = 1;
        } else if (cp == '\n' && (flags & LG_TEXT_NEWLINES)) {
            out[k++] = '\n';
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            out[k++] = ' ';
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || invisible_mover(cp)) {
            out[k++] = '?';
        } else {
            memcpy(out + k, p + i, step);
            k += step;
        }
        i += step;
    }
    out[k] = '\0';
    *len = k;
    return out;
}

size_t lg_text_clean(char *dst, size_t cap, const char *src, size_t n, unsigned flags)
{
    if (cap == 0)
        return 0;
    size_t len;
    char *all = clean_all(src ? src : "", src ? n : 0, flags, &len);
    size_t limit = cap - 1;
    if (len > limit) { /* cut at a character boundary, then the ellipsis */
        size_t keep = limit >= 3 ? limit - 3 : 0;
        while (keep > 0 && ((unsigned char)all[keep] & 0xc0) == 0x80)
            keep--;
        memcpy(dst, all, keep);
        len = keep;
        if (limit >= 3) {
            memcpy(dst + len, ELLIPSIS, 3);
            len += 3;
        }
    } else {
        memcpy(dst, all, len);
    }
    dst[len] = '\0';
    free(all);
    return len;
}

char *lg_text_sanitize(const char *s, size_t max, unsigned flags)
{
    size_t n = s ? strlen(s) : 0;
    size_t room = 3 * n + 1;
    if (room > max + 1)
        room = max + 1;
    char *out = lg_xmalloc(room);
    lg_text_clean(out, room, s, n, flags);
    return out;
}

/* ---------------------------------------------------------------- CSV --- */

void lg_csv_cell(FILE *f, const char *s)
{
    char *clean = lg_text_sanitize(s, LG_TEXT_MAX, 0);
    const char *t = clean;
    while (*t == ' ')
        t++;
    /* a formula for a spreadsheet: = + - @ first (tab and CR are spaces by now) */
    bool formula = *t && strchr("=+-@", *t) != NULL;
    bool quote = formula || strpbrk(clean, ",\"") || clean[0] == ' ' ||
                 (clean[0] && clean[strlen(clean) - 1] == ' ');
    if (quote)
        fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (const char *c = clean; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    if (quote)
        fputc('"', f);
    free(clean);
}
