/*
 * gen.c - every mutant of a file's solution regions (markers.c finds them):
 * the region's tokens to the operators (ops.c), each edit given its id and
 * its one-line description; an edit that leaves the text as it was, or as an
 * earlier mutant left it, is dropped (so that one mistake is counted once).
 *
 * The id (lg_mutate.h) hashes what stays put when the file is edited
 * elsewhere: inserting a line outside the region, or a line of other tokens
 * inside it, changes no id; changing the mutated line itself does.
 */
#include "lg_mutate.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen_sink {
    const char *name, *text;
    size_t len;
    const lg_region *region;
    size_t same_task;         /* how many regions of its task come before it in the file */
    const lg_tok *t;          /* the region's tokens */
    size_t n;
    lg_mutants *out;
    size_t first;             /* the file's first mutant in out */
    uint64_t *seen;           /* hashes of the mutated texts so far (this file) */
    size_t n_seen, cap_seen;
} gen_sink;

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Text squeezed onto one line: runs of blanks as one space, at most cap - 1
 * bytes ("..." ending a cut). */
static void squeeze(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = 0, i = 0;
    bool blank = false;
    for (; i < n && k + 5 < cap; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            blank = k > 0;
            continue;
        }
        if (blank)
            dst[k++] = ' ';
        blank = false;
        dst[k++] = ch;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n) { /* cut */
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = '\0';
}

/* The hash of line `line`'s tokens (of the region) as normalised text, and
 * the index of token `tok` among them. */
static uint64_t line_hash(const gen_sink *g, size_t line, size_t tok, size_t *ordinal)
{
    uint64_t h = LG_FNV_START;
    *ordinal = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->t[i].line != line)
            continue;
        if (i < tok)
            (*ordinal)++;
        h = lg_mut_hash(h, g->text + g->t[i].at, g->t[i].len);
        h = lg_mut_hash(h, " ", 1);
    }
    return h;
}

static void emit(void *sink, const char *op, size_t anchor, size_t at, size_t len, const char *repl)
{
    gen_sink *g = sink;
    if (len == strlen(repl) && !memcmp(g->text + at, repl, len))
        return;
    /* the same text as the original or an earlier mutant: left out */
    uint64_t th = lg_mut_hash(LG_FNV_START, g->text, at);
    th = lg_mut_hash(th, repl, strlen(repl));
    th = lg_mut_hash(th, g->text + at + len, g->len - at - len);
    for (size_t i = 0; i < g->n_seen; i++)
        if (g->seen[i] == th)
            return;
    if (g->n_seen == g->cap_seen)
        g->seen = lg_xrealloc(g->seen, (g->cap_seen = g->cap_seen * 2 + 64) * sizeof *g->seen);
    g->seen[g->n_seen++] = th;

    size_t line = g->t[anchor].line, ordinal;
    uint64_t lh = line_hash(g, line, anchor, &ordinal);
    size_t same_before = 0; /* identical lines earlier in the region */
    for (size_t l = g->t[0].line; l < line; l++) {
        size_t o;
        bool has = false;
        for (size_t i = 0; i < g->n && !has; i++)
            has = g->t[i].line == l;
        same_before += has && line_hash(g, l, 0, &o) == lh;
    }
    char norm[512];
    squeeze(norm, sizeof norm, g->text + at, len);
    uint64_t h = lg_mut_hash(LG_FNV_START, g->region->name, strlen(g->region->name));
    if (g->same_task) { /* the second region of a task in this file, ... */
        char k[32];
        snprintf(k, sizeof k, "#%zu", g->same_task);
        h = lg_mut_hash(h, k, strlen(k));
    }
    h = lg_mut_hash(h, "|", 1);
    h = lg_mut_hash(h, &lh, sizeof lh);
    char num[64];
    snprintf(num, sizeof num, "|%zu|%zu|", ordinal, same_before);
    h = lg_mut_hash(h, num, strlen(num));
    h = lg_mut_hash(h, op, strlen(op));
    h = lg_mut_hash(h, "|", 1);
    h = lg_mut_hash(h, norm, strlen(norm));
    h = lg_mut_hash(h, "|", 1);
    h = lg_mut_hash(h, repl, strlen(repl));

    lg_mutants *out = g->out;
    if (out->n == out->cap)
        out->v = lg_xrealloc(out->v, (out->cap = out->cap * 2 + 64) * sizeof *out->v);
    lg_mutant *m = &out->v[out->n];
    memset(m, 0, sizeof *m);
    snprintf(m->op, sizeof m->op, "%s", op);
    snprintf(m->file, sizeof m->file, "%s", g->name);
    snprintf(m->task, sizeof m->task, "%s", g->region->name);
    m->line = line;
    m->at = at;
    m->len = len;
    m->repl = lg_xstrdup(repl);
    uint32_t short_h = (uint32_t)(h ^ (h >> 32));
    snprintf(m->id, sizeof m->id, "%s:%s:%08" PRIx32, base_name(g->name), op, short_h);
    /* an id taken already in this file (a 32-bit collision): a suffix */
    for (int k = 2; k < 100; k++) {
        bool taken = false;
        for (size_t i = g->first; i < out->n && !taken; i++)
            taken = !strcmp(out->v[i].id, m->id);
        if (!taken)
            break;
        snprintf(m->id, sizeof m->id, "%s:%s:%08" PRIx32 "-%d", base_name(g->name), op, short_h, k);
    }
    char before[120], after[120];
    squeeze(before, sizeof before, g->text + at, len);
    squeeze(after, sizeof after, repl, strlen(repl));
    snprintf(m->desc, sizeof m->desc, "%s:%zu '%s' -> '%s'", base_name(g->name), line, before, after);
    out->n++;
}

int lg_mut_generate(const char *name, const char *text, size_t len, lg_mutants *out)
{
    lg_regions regions;
    int rc = lg_markers_scan(name, text, len, &regions, NULL);
    if (rc != LG_OK) {
        lg_regions_free(&regions);
        return rc;
    }
    lg_toks toks;
    lg_mut_lex(text, len, &toks);
    gen_sink g = { .name = name, .text = text, .len = len, .out = out, .first = out->n };
    for (size_t r = 0; r < regions.n; r++) {
        const lg_region *reg = &regions.v[r];
        if (reg->kind != LG_REGION_SOLUTION)
            continue;
        size_t a = 0;
        while (a < toks.n && toks.v[a].at < reg->body)
            a++;
        size_t b = a;
        while (b < toks.n && toks.v[b].at < reg->body + reg->body_len)
            b++;
        if (b == a)
            continue;
        g.region = reg;
        g.same_task = 0;
        for (size_t q = 0; q < r; q++)
            g.same_task += regions.v[q].kind == LG_REGION_SOLUTION && !strcmp(regions.v[q].name, reg->name);
        g.t = toks.v + a;
        g.n = b - a;
        lg_mut_ctx ctx = { .text = text, .t = g.t, .n = g.n, .emit = emit, .sink = &g };
        lg_mut_operators(&ctx);
    }
    free(g.seen);
    lg_toks_free(&toks);
    lg_regions_free(&regions);
    return LG_OK;
}

void lg_mutants_free(lg_mutants *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].repl);
    free(m->v);
    memset(m, 0, sizeof *m);
}

char *lg_mut_apply(const char *text, size_t len, const lg_mutant *m, size_t *out_len)
{
    size_t rl = strlen(m->repl), n = len - m->len + rl;
    char *s = lg_xmalloc(n + 1);
    memcpy(s, text, m->at);
    memcpy(s + m->at, m->repl, rl);
    memcpy(s + m->at + rl, text + m->at + m->len, len - m->at - m->len);
    s[n] = '\0';
    if (out_len)
        *out_len = n;
    return s;
}

/* The lines [from, to) of text holding bytes [at, at + len): line starts. */
static void line_span(const char *text, size_t len, size_t at, size_t n, size_t *from, size_t *to)
{
    size_t a = at, b = at + n;
    while (a > 0 && text[a - 1] != '\n')
        a--;
    while (b < len && text[b] != '\n')
        b++;
    *from = a;
    *to = b;
}

void lg_mut_lines(const char *text, size_t len, const lg_mutant *m, char *before, char *after, size_t cap)
{
    size_t a, b;
    line_span(text, len, m->at, m->len, &a, &b);
    squeeze(before, cap, text + a, b - a);
    size_t ml;
    char *mt = lg_mut_apply(text, len, m, &ml);
    size_t rl = strlen(m->repl);
    size_t a2, b2;
    line_span(mt, ml, m->at, rl, &a2, &b2);
    squeeze(after, cap, mt + a2, b2 - a2);
    free(mt);
}

/* Line numbers (1-based) and starts of a text's lines. */
static size_t split(const char *s, size_t len, size_t **starts)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n' && i + 1 < len;
    *starts = lg_xmalloc((n + 1) * sizeof **starts);
    size_t k = 0;
    (*starts)[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' && i + 1 < len)
            (*starts)[k++] = i + 1;
    (*starts)[n] = len;
    return n;
}

static size_t line_of(const size_t *starts, size_t n, size_t at)
{
    size_t l = 0;
    while (l + 1 < n && starts[l + 1] <= at)
        l++;
    return l;
}

static void put_line(FILE *f, char mark, const char *s, size_t a, size_t b)
{
    fputc(mark, f);
    fwrite(s + a, 1, b - a, f);
    if (b == a || s[b - 1] != '\n')
        fputc('\n', f);
}

void lg_mut_diff(FILE *f, const char *text, size_t len, const lg_mutant *m)
{
    size_t ml;
    char *mt = lg_mut_apply(text, len, m, &ml);
    size_t *s0, *s1;
    size_t n0 = split(text, len, &s0), n1 = split(mt, ml, &s1);
    size_t rl = strlen(m->repl);
    size_t first = line_of(s0, n0, m->at);
    size_t last0 = line_of(s0, n0, m->at + (m->len ? m->len - 1 : 0));
    size_t last1 = line_of(s1, n1, m->at + (rl ? rl - 1 : 0));
    size_t c0 = first >= 3 ? first - 3 : 0;
    size_t e0 = last0 + 4 < n0 ? last0 + 4 : n0, e1 = last1 + 4 < n1 ? last1 + 4 : n1;
    size_t after = e0 - last0 - 1; /* context lines after */
    e1 = last1 + 1 + after <= n1 ? last1 + 1 + after : n1;
    fprintf(f, "--- a/%s\n+++ b/%s\n@@ -%zu,%zu +%zu,%zu @@\n", m->file, m->file, c0 + 1, e0 - c0, c0 + 1, e1 - c0);
    for (size_t l = c0; l < first; l++)
        put_line(f, ' ', text, s0[l], s0[l + 1]);
    for (size_t l = first; l <= last0; l++)
        put_line(f, '-', text, s0[l], s0[l + 1]);
    for (size_t l = first; l <= last1; l++)
        put_line(f, '+', mt, s1[l], s1[l + 1]);
    for (size_t l = last0 + 1; l < e0; l++)
        put_line(f, ' ', text, s0[l], s0[l + 1]);
    free(s0);
    free(s1);
    free(mt);
}
