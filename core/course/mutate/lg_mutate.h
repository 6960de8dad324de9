/*
 * lg_mutate.h - mutation testing of a lab's grading tests (internal to the
 * course library; the interface is the "mutation" section of litgan/course.h).
 *
 *   lex.c     a small C lexer: the tokens of a file, comments and
 *             preprocessor lines skipped, strings and characters whole
 *   ops.c     the mutation operators on the tokens of one solution region
 *   gen.c     every mutant of a file's solution regions: ids, descriptions,
 *             duplicates dropped; applying one; its diff
 *   equiv.c   labs/NN-name/check/equivalent.txt
 *   run.c     grading mutants N at a time, each in a forked copy that builds
 *             and grades it as a submission (lg_grade_collect)
 *   mutate.c  lg_mutate_run / lg_mutate_list / lg_mutate_show: the lab's
 *             mutants, sampled, graded, counted, reported (and JSON)
 *
 * A mutant is one edit of one student file: text[at, at + len) replaced by
 * repl, inside a SOLUTION region (markers.c). Its id names the file, the
 * operator and a hash of what does not move when other lines are edited: the
 * region's task, the anchor token's line as normalised tokens, the token's
 * ordinal on that line, how many identical lines come before it in the region,
 * the replaced tokens and the replacement.
 */
#ifndef LG_MUTATE_H
#define LG_MUTATE_H

#include "lg_course.h"

#include <stdint.h>

/* ------------------------------------------------------------ the lexer --- */

typedef enum lg_tok_kind {
    LG_TOK_IDENT,             /* identifiers and keywords */
    LG_TOK_NUMBER,            /* a preprocessing number: 1, 0x1f, 1e-13, 2.5f */
    LG_TOK_PUNCT,             /* an operator or punctuator, longest match */
    LG_TOK_STRING,            /* "..." (never mutated) */
    LG_TOK_CHAR               /* '.' (never mutated) */
} lg_tok_kind;

typedef struct lg_tok {
    lg_tok_kind kind;
    size_t at, len;           /* bytes of the text */
    size_t line;              /* 1-based */
} lg_tok;

typedef struct lg_toks {
    lg_tok *v;
    size_t n, cap;
} lg_toks;

/* The tokens of text[0, len): comments (both kinds) and preprocessor lines
 * (# at the start of a line, with their continuations) are not tokens. */
void lg_mut_lex(const char *text, size_t len, lg_toks *out);
void lg_toks_free(lg_toks *t);

/* ------------------------------------------------------------- mutants --- */

typedef struct lg_mutant {
    char id[64];              /* "optimal.c:ror:1a2b3c4d" */
    char op[12];              /* "ror" */
    char file[128];           /* the lab file: "labs/01-minimax/optimal.c" */
    char task[32];            /* the region's task: "1.4" */
    size_t line;              /* the anchor token's line */
    size_t at, len;           /* the edit */
    char *repl;
    char desc[256];           /* "optimal.c:57 '<' -> '<='" */
} lg_mutant;

typedef struct lg_mutants {
    lg_mutant *v;
    size_t n, cap;
} lg_mutants;

/* Every mutant of the solution regions of one file's text (name: its path
 * relative to the source root, as lab.ini lists it), appended to out in a
 * fixed order (regions, then operators, then tokens); a mutant whose text
 * equals the original or an earlier one's is left out. LG_EFORMAT (the
 * markers' first error) when the markers are malformed. */
int lg_mut_generate(const char *name, const char *text, size_t len, lg_mutants *out);
void lg_mutants_free(lg_mutants *m);

/* The file's text with m applied (NUL-terminated, length in *out_len). */
char *lg_mut_apply(const char *text, size_t len, const lg_mutant *m, size_t *out_len);

/* The lines m touches, before and after (whitespace squeezed, each line
 * trimmed, joined by " / "), into caller buffers. */
void lg_mut_lines(const char *text, size_t len, const lg_mutant *m, char *before, char *after, size_t cap);

/* A unified diff of m against the file (3 lines of context), a/FILE and
 * b/FILE: `patch -p1` applies it in the source root. */
void lg_mut_diff(FILE *f, const char *text, size_t len, const lg_mutant *m);

/* ------------------------------------------------------ the operators --- */

/* What an operator sees: the file's text and the tokens of one region. */
typedef struct lg_mut_ctx {
    const char *text;
    const lg_tok *t;          /* the region's tokens */
    size_t n;
    char tape[64];            /* the tape variable ("t"), "" when none is found */
    lg_strvec nodes;          /* the region's lg_node variables */
    /* emit: one candidate edit, anchored at token anchor (an index into t) */
    void (*emit)(void *sink, const char *op, size_t anchor, size_t at, size_t len, const char *repl);
    void *sink;
} lg_mut_ctx;

/* Run every operator over ctx, in the fixed order: bound, ror, aor, sign,
 * const, reduce, drop, guard, stopgrad. */
void lg_mut_operators(lg_mut_ctx *ctx);

/* ------------------------------------------------ equivalent mutants --- */

typedef struct lg_equiv {
    char **id, **why;
    size_t n;
} lg_equiv;

/* labs/NN-name/check/equivalent.txt of lab (missing: none). One line each,
 * "ID  why it is equivalent" ('#' starts a comment line); LG_EFORMAT naming
 * the file and the id for a line without its argument or an id listed twice. */
int lg_equiv_read(const lg_lab *lab, lg_equiv *out);
void lg_equiv_free(lg_equiv *e);
/* The index of id in e, or e->n. */
size_t lg_equiv_find(const lg_equiv *e, const char *id);

/* ------------------------------------------------------------ grading --- */

typedef enum lg_mut_fate {
    LG_MUT_NOT_RUN = 0,
    LG_MUT_KILLED,            /* lost points (a failed test, a crash, a timeout) */
    LG_MUT_SURVIVED,          /* full marks */
    LG_MUT_STILLBORN,         /* does not compile: not counted */
    LG_MUT_ERROR              /* the grader itself failed (why says how) */
} lg_mut_fate;

typedef struct lg_mut_job {
    const lg_mutant *m;       /* NULL: the reference files as they stand */
    lg_mut_fate fate;
    double score, max;
    char why[256];
} lg_mut_job;

/* Grade jobs[0..n) of lab, jobs_at_once side by side (< 1: the number of
 * CPUs), each as a submission folder (the reference files, the one file
 * mutated) in a private scratch folder; progress with an ETA on log (NULL:
 * none), headed by what. Each job's fate is set; LG_OK, or LG_EIO when the
 * files could not be read or written. */
int lg_mut_grade(const lg_lab *lab, lg_mut_job *jobs, size_t n, long jobs_at_once, FILE *log, const char *what);

/* FNV-1a, 64 bits, continued from h (start: LG_FNV_START). */
#define LG_FNV_START 1469598103934665603ull
uint64_t lg_mut_hash(uint64_t h, const void *p, size_t n);

/* A sample's survivors against the bar: P(S >= survived) for S ~ Binomial(counted, 1 - LG_MUTATE_BAR),
 * the chance that a lab killing exactly the bar leaves this many survivors or more (1 for none). */
double lg_mut_sample_p(size_t survived, size_t counted);

#endif
