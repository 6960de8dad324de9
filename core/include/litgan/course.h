/*
 * litgan/course.h - the lab SDK: what a lab module (labs/NN-name/) is made of
 * and what it may call. A lab builds to two shared objects:
 *   lab.so     grade.c, experiment.c and the lab's other C files (not its
 *              student files, not grade_hidden*.c): the visible grading tests
 *              and the experiment; exports litgan_lab_entry;
 *   hidden.so  grade_hidden*.c and the same other C files: the hidden tests;
 *              exports litgan_lab_hidden_entry. The handout never ships it.
 * The registry (liblitgan-course) finds labs by scanning labs/NN-name/lab.ini:
 * the lab's title, its student files, its tasks and their points are there
 * (see README.md, "Adding a lab"); the module adds tests and the experiment.
 * Loading is strict: a wrong ABI version, struct size, folder name, a test of
 * an unknown task or points that do not add up to lab.ini's is a one-line
 * error naming the file, and only that lab is unusable.
 *
 * Symbols resolve against the host (bin/litgan, or a test program) at load
 * time, like plugins: a lab includes only the public headers.
 */
#ifndef LITGAN_COURSE_H
#define LITGAN_COURSE_H

#include "engine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------- a lab --- */

/* A registered lab (the registry owns it). */
typedef struct lg_lab lg_lab;
LG_API int lg_lab_number(const lg_lab *lab);        /* 1 */
LG_API const char *lg_lab_dir(const lg_lab *lab);   /* "01-minimax" */
LG_API const char *lg_lab_title(const lg_lab *lab); /* "The minimax GAN" */
/* lab.ini's [lab] teaches (what the lab teaches, one sentence) and time (how
 * long its experiment takes with the defaults, "25 s"); NULL when not given. */
LG_API const char *lg_lab_teaches(const lg_lab *lab);
LG_API const char *lg_lab_time(const lg_lab *lab);
/* A lab by number (1) or by "01" / "01-minimax" / "minimax" (another lab's
 * student files, for an experiment that builds on them); NULL with a message
 * when unknown or when it failed to load. */
LG_API const lg_lab *lg_lab_find(const char *which);

typedef enum lg_visibility {
    LG_VISIBLE = 0,           /* Gradescope "visible": in lab.so */
    LG_HIDDEN = 1             /* graded, not shown to students: in hidden.so only */
} lg_visibility;

/* One grading test: a CUnit test function that checks with lg_grade_call and
 * LG_GRADE_EXPECT (or LG_GRADE_CLOSE); its points count towards its task's.
 * Its name says what is tested, never the answer (no formula, no value). */
typedef struct lg_grade_test {
    const char *task;         /* "1.1": a [task 1.1] section of lab.ini */
    const char *name;         /* one line, e.g. "value at fixed logits" */
    double points;
    void (*fn)(void);
    lg_visibility visibility;
} lg_grade_test;

/* What `litgan lab NN` (and weave, and the tests' smoke run) hands the
 * experiment: lab.ini's path, the folder to write into, and the profile
 * ("smoke": the keys of lab.ini's [smoke] section override [experiment];
 * NULL: [experiment] alone). */
typedef struct lg_lab_run {
    const lg_lab *lab;
    const char *ini_path;
    const char *out_dir;
    const char *profile;
} lg_lab_run;

#define LG_LAB_ABI_VERSION 1u

/* The descriptor each object returns. Fields may only be added at the end
 * (struct_size tells the registry which ones a module has). */
typedef struct lg_lab_module {
    uint32_t abi_version;     /* LG_LAB_ABI_VERSION */
    uint32_t struct_size;     /* sizeof(lg_lab_module) */
    const char *dir;          /* "01-minimax": the folder it is built from */
    const lg_grade_test *tests;
    size_t n_tests;
    /* lab.so only (NULL in hidden.so, or for a lab without one): write the
     * lab's data and figures into run->out_dir; LG_OK or a status with
     * lg_errmsg() set */
    int (*experiment)(const lg_lab_run *run);
} lg_lab_module;

#define LG_LAB_EXPORT __attribute__((visibility("default")))
#define LG_LAB_ENTRY "litgan_lab_entry"
#define LG_LAB_HIDDEN_ENTRY "litgan_lab_hidden_entry"
typedef const lg_lab_module *(*lg_lab_entry_fn)(void);

/* --------------------------------------------- student code, sandboxed ---
 * Every computation with student code runs in the runner, a fresh process
 * that holds nothing of the grader (README: the threat model); the grading
 * process holds every expected value. */

/* What a computation sees in the runner. Valid only inside a computation. */
typedef struct lg_child lg_child;
/* dlsym in the object built from the lab file with this basename ("optimal.c"
 * or "optimal"); NULL (and a failure the parent reports) when missing. */
LG_API void *lg_child_sym(lg_child *c, const char *file, const char *symbol);
/* The plugin descriptor exported by that object (litgan_plugin_entry). */
LG_API const lg_plugin *lg_child_plugin(lg_child *c, const char *file);
/* Report why the computation cannot go on (one line); the child returns -1. */
LG_API void lg_child_fail(lg_child *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A computation with student code: fill out[0..max) and return how many
 * values, or -1 after lg_child_fail. arg is the test's own input. */
typedef int (*lg_child_fn)(lg_child *c, const void *arg, double *out, size_t max);

/* A lab's computations with student code, by name: the lab's child*.c files
 * build to child.so, which only the runner loads (a fresh process that holds
 * nothing of the grader); it returns their table from litgan_lab_child_entry. */
typedef struct lg_child_def {
    const char *name;
    lg_child_fn fn;
} lg_child_def;
typedef struct lg_lab_children {
    uint32_t abi_version;     /* LG_LAB_ABI_VERSION */
    uint32_t struct_size;     /* sizeof(lg_lab_children) */
    const char *dir;          /* LG_LAB_NAME */
    const lg_child_def *defs;
    size_t n_defs;
} lg_lab_children;
#define LG_LAB_CHILD_ENTRY "litgan_lab_child_entry"
typedef const lg_lab_children *(*lg_lab_child_entry_fn)(void);

/* Run the computation named fn (one of the lab's child.so, or LG_PROBE_CHILD)
 * in the sandbox for the current test, on arg_size bytes of input (at most
 * 16 KiB, copied: no pointers in it); on a failure to produce the values
 * (crash, timeout, fewer values than n, a stub left in place) record a failure
 * naming the input and the reason, and return 0; else 1 with the values in
 * out[0..n). NaN and Inf are values: the checks below compare them, so the
 * message shows what was expected and the hint for that mistake. What the run
 * printed is kept for the checks that follow (a GSL error shows there). */
LG_API int lg_grade_call(const char *fn, const void *arg, size_t arg_size, double *out, size_t n,
                         const char *input);

/* The classes of mistake a check tells apart, from the actual value against
 * the expected one (and from what the last lg_grade_call printed). */
typedef enum lg_grade_mistake {
    LG_MISTAKE_OTHER = 0,     /* none of the below */
    LG_MISTAKE_SIGN,          /* actual = -expected */
    LG_MISTAKE_TWICE,         /* 2 x expected */
    LG_MISTAKE_HALF,          /* expected / 2 */
    LG_MISTAKE_SUM,           /* B x expected with B the batch (a sum for a mean), or a whole multiple >= 3 */
    LG_MISTAKE_NAN,           /* NaN: 0 log 0, 0/0, inf - inf */
    LG_MISTAKE_INF,           /* +-Inf: log 0, x/0 */
    LG_MISTAKE_GSL,           /* the run printed a GSL error ("gsl: FILE:LINE: ERROR: ...") */
    LG_MISTAKE_ZERO,          /* 0 where a non-zero value was expected: a term or the value missing */
    LG_MISTAKE_UNREPORTED,    /* a number where NaN (a failure reported) was expected */
    LG_MISTAKE_COUNT
} lg_grade_mistake;

/* A hint for one class of mistake. */
typedef struct lg_grade_hint {
    lg_grade_mistake mistake; /* LG_MISTAKE_OTHER ends the table */
    const char *text;
} lg_grade_hint;
#define LG_GRADE_HINTS 8

/* One expected value. A failure reads, on one line,
 *   input: INPUT; expected E, got A (OBSERVED); hint: HINT
 * with "expected E, got A: relative error R, tolerance T" for relative checks,
 * E and A with the digits that tell them apart, OBSERVED the class seen ("the
 * sign is flipped", "NaN: ..."), and HINT the table's text for that class, else
 * hint. Hints point at the idea, never at the answer. */
typedef struct lg_grade_expect {
    const char *input;        /* what the value was computed from (numbers: lg_grade_num) */
    double expected;          /* NaN: the code must report a failure by returning NaN */
    double actual;
    double tol;               /* |a - e| <= tol max(1, |e|), or with rel tol |e| */
    bool rel;
    double batch;             /* B when the value is a batch mean (sum for mean); 0: none */
    const char *hint;         /* the hint for any mistake the table does not name */
    lg_grade_hint hints[LG_GRADE_HINTS];
} lg_grade_expect;

/* Check e (a passing or failing CUnit assertion at file:line); true when it holds. */
LG_API bool lg_grade_check(const lg_grade_expect *e, const char *file, int line);
#define LG_GRADE_EXPECT(...) lg_grade_check(&(lg_grade_expect){ __VA_ARGS__ }, __FILE__, __LINE__)

/* Check out[i] against expected[i] for i < n with the tolerance, batch and
 * hints of e (its expected, actual and input are ignored): one failure, one
 * line, per wrong value, named "WHAT = inputs[i]" (lg_grade_num) or, with
 * inputs NULL, "WHAT i" (from 1). True when all hold. */
LG_API bool lg_grade_check_all(const double *out, const double *expected, size_t n, const char *what,
                               const double *inputs, const lg_grade_expect *e, const char *file, int line);
#define LG_GRADE_EXPECT_ALL(out, expected, n, what, inputs, ...)                                    \
    lg_grade_check_all((out), (expected), (n), (what), (inputs), &(lg_grade_expect){ __VA_ARGS__ }, \
                       __FILE__, __LINE__)

/* The shortest text that reads back as v (%.17g at most: 1 - 1e-9 is
 * "0.999999999", not "1"), in buf; buf. */
#define LG_GRADE_NUM 32
LG_API const char *lg_grade_num(char buf[LG_GRADE_NUM], double v);

/* The check of one value with one hint: lg_grade_check with rel false. */
#define LG_GRADE_CLOSE(actual, expected, tol, input, hint)                            \
    lg_grade_close((actual), (expected), (tol), (input), (hint), __FILE__, __LINE__)
LG_API void lg_grade_close(double actual, double expected, double tol, const char *input, const char *hint,
                           const char *file, int line);

/* ------------------------------------------------------------- probes ---
 * A student's loss plugin on a tiny game whose logits the grader knows. G and
 * D are one Linear layer each ("1-1"), set by hand,
 *     G(z) = a z + b,   D's logit s(x) = w x + c,
 * so s_real = w x_r + c and s_fake = w (a z + b) + c and every expected value
 * is a closed form; or small networks (specs) initialised from a seed, whose
 * logits the grading process computes with the library's own layers.
 * lg_probe_child returns n + 1 numbers: the player's objective, then its
 * gradient with respect to every parameter of the game, in the game's order
 * [theta_D, theta_G] (for "1-1" nets: w, c, a, b). */

#define LG_PROBE_MAX_BATCH 16

typedef struct lg_probe {
    char file[32];                  /* the lab file of the plugin: "gan.c" */
    lg_player player;               /* whose objective */
    char g_spec[64], d_spec[64];    /* "": one Linear layer "1-1" set from a, b, w, c */
    double w, c, a, b;
    unsigned long seed;             /* with specs: the nets' initialisation */
    size_t batch;                   /* <= LG_PROBE_MAX_BATCH */
    double x_real[LG_PROBE_MAX_BATCH]; /* (batch, 1) */
    double z[LG_PROBE_MAX_BATCH];      /* (batch, 1) */
} lg_probe;

/* The batch the value tests of Labs 01 and 02 use: s = 0.5 x + 0.25, G(z) = 2 z - 1,
 *   x_r = (1, -2, 3)   -> s_real = (0.75, -0.75, 1.75)
 *   z   = (0.5, 3, -1) -> x_fake = (0, 5, -3) -> s_fake = (0.25, 2.75, -1.25);
 * and identity nets at logits of +-1000: s_real = (1000, -1000), s_fake = (-1000, 1000). */
LG_API extern const lg_probe lg_probe_batch, lg_probe_extreme;
LG_API extern const char lg_probe_batch_text[], lg_probe_extreme_text[];

/* The computation (built into the runner) that evaluates a student's loss
 * plugin on a probe (arg: an lg_probe): its objective and its gradient. */
#define LG_PROBE_CHILD "lg_probe"
LG_API int lg_probe_child(lg_child *c, const void *arg, double *out, size_t max);

/* The logistic function and softplus in double, from their definitions. */
LG_API double lg_probe_sigmoid(double s);
LG_API double lg_probe_softplus(double s);
/* The probe's logits, computed in the grading process: s_real[i], s_fake[i]. */
LG_API void lg_probe_logits(const lg_probe *pr, double *s_real, double *s_fake);
/* The gradient, in the game's order, of sum_i cr[i] s_real[i] + cf[i] s_fake[i]
 * (cr, cf fixed): by the chain rule the gradient of any loss whose derivatives
 * with respect to the logits are cr and cf. grad holds every parameter. */
LG_API void lg_probe_chain_grad(const lg_probe *pr, const double *cr, const double *cf, double *grad);
/* The same for "1-1" nets by hand: (d/dw, d/dc, d/da, d/db). */
LG_API void lg_probe_linear_grad(const lg_probe *pr, const double *cr, const double *cf, double g[4]);

/* The discriminator loss of the original GAN (minimax and non-saturating share
 * it), from the paper's formula in probabilities: -(1/B) sum log sigma(s_r)
 * - (1/B) sum log(1 - sigma(s_f)), and its logit derivatives
 * cr_i = -(1 - sigma(s_r_i)) / B, cf_i = sigma(s_f_i) / B (moderate logits). */
LG_API double lg_probe_gan_d_loss_ref(const lg_probe *pr, double *cr, double *cf);

/* lg_grade_check_all with one hint; rel: relative to |expected|. */
LG_API void lg_probe_close_all(const double *out, const double *expected, size_t n, double tol, int rel,
                               const char *what, const double *inputs, const char *hint);

/* A reference loss: its value at the probe's logits and its derivatives with
 * respect to them, cr[i] = dL/ds_real_i, cf[i] = dL/ds_fake_i. */
typedef double (*lg_probe_ref_fn)(const lg_probe *pr, double *cr, double *cf);

enum { LG_PROBE_VALUE = 1, LG_PROBE_GRAD = 2 };

/* One test of a loss plugin's objective on a "1-1" probe. The expected numbers
 * come from ref (the value; the gradient by the chain rule) or, with ref NULL,
 * are exact[]. */
typedef struct lg_probe_check {
    const lg_probe *probe;
    const char *text;         /* how the messages name the probe */
    const char *file;         /* the plugin's lab file: "gan.c" */
    lg_player player;
    int what;                 /* LG_PROBE_VALUE and/or LG_PROBE_GRAD */
    lg_probe_ref_fn ref;
    double exact[3];          /* ref NULL: the value, then d/d(first), d/d(second) parameter */
    double tol;
    const char *hint[3];      /* the value's hint, then each parameter's (NULL: the one before) */
    lg_grade_hint hints[LG_GRADE_HINTS]; /* for each class of mistake, all three (lg_grade_expect) */
} lg_probe_check;

/* Run the objective in the sandbox once and check what k asks: the value and
 * the gradient with respect to the player's own two parameters (w, c for D;
 * a, b for G), each with its own message "TEXT; d d_loss / d w"; the probe's
 * batch is the B of a sum for a mean. */
LG_API void lg_probe_check_loss(const lg_probe_check *k);
/* The same on a probe with small networks (g_spec, d_spec set, up to a few
 * hundred parameters): the value against ref at the logits the grading process
 * computes (tol), and the gradient of every parameter of the player's own
 * network against the chain rule (10 tol), "TEXT; parameter k"; hint[0] is the
 * value's hint, hint[1] the gradient's (NULL: "the gradient must reach every
 * parameter of the player's network"). */
LG_API void lg_probe_check_net(const lg_probe_check *k);

/* ---------------------------------------------------------- the lab kit ---
 * What an experiment needs: its lab.ini read from a table, its student files
 * built and opened, samples of G and values of D, a kernel density estimate,
 * and its figures (the lab's gnuplot scripts copied next to their data with a
 * generated settings.gp that they load). */

typedef enum lg_labkit_type {
    LG_LABKIT_STRING,   /* ptr: char[size]; longer values are refused */
    LG_LABKIT_LONG,     /* ptr: long; one whole number >= 0 */
    LG_LABKIT_LONGS,    /* ptr: long[size]; "0, 200, 1000": 1..size numbers >= 0, count in *count */
    LG_LABKIT_DOUBLES,  /* ptr: double[size]; exactly size finite numbers "a, b, c" */
    LG_LABKIT_POSITIVE  /* ptr: double; one finite number > 0 */
} lg_labkit_type;

/* One key of a lab's [experiment] section: where its value goes. */
typedef struct lg_labkit_key {
    const char *name;
    lg_labkit_type type;
    void *ptr;
    size_t size;        /* STRING: buffer bytes; LONGS: capacity; DOUBLES: how many */
    size_t *count;      /* LONGS only: how many were read */
} lg_labkit_key;

/* What trains a lab's GAN (lg_run_config's options), under these key names. */
typedef struct lg_labkit_gan {
    char data[256], g[256], d[256], opt_d[256], opt_g[256];
    long batch, steps, seed, d_steps, d_pretrain;
    char precision[16];     /* "" (double) or "float": litgan train's --precision */
} lg_labkit_gan;

/* Read run->ini_path: the keys of gan (none when gan is NULL), then the lab's
 * own keys[0..n), from [experiment] and, with run->profile, from the section of
 * that name (later lines win). Every pointer holds its default, kept when the
 * file does not set the key. [lab], [task ...] and [question ...] are the
 * registry's. LG_EIO
 * when the file cannot be read; LG_EFORMAT "PATH:LINE: unknown key 'x'" (or
 * unknown section, or "bad value 'v' for KEY") otherwise. */
LG_API int lg_labkit_read_ini(const lg_lab_run *run, lg_labkit_gan *gan, const lg_labkit_key *keys, size_t n);

/* lg_run_open with the loss plugin at loss_so, writing the run into run_dir, quiet. */
LG_API int lg_labkit_run_open(const lg_labkit_gan *s, const char *loss_so, const char *run_dir, lg_run **out);
/* lg_run_step; on failure the message says "WHAT, training step N: why". A
 * crash in student code during `litgan lab` names the step: "during training
 * step N of WHAT" (what must stay valid: a string literal). */
LG_API int lg_labkit_run_step(lg_run *run, long step, const char *what);
/* What the experiment does now, for that crash message: "while WHAT (step N)"
 * (step < 0: no step); what must stay valid until the next call. The lab kit
 * sets it itself when it builds the files, opens and steps the run. */
LG_API void lg_labkit_phase(const char *what, long step);

/* The lab's student files as they stand, built (each into its own object). */
typedef struct lg_submission lg_submission;
/* Build them; LG_EINVAL with the compiler's first error when one does not compile. */
LG_API int lg_labkit_files_open(const lg_lab *lab, lg_submission **out);
/* The files of another lab (other: "01" or "01-minimax") that this lab's
 * experiment trains too, built the same way; an error names both labs. */
LG_API int lg_labkit_other_files_open(const lg_lab *lab, const char *other, lg_submission **out);
LG_API void lg_labkit_files_close(lg_submission *sub);
/* dlopen the object of lab file i / dlsym a function in it; NULL with
 * lg_errmsg set ("no function NAME (was it renamed?)"). The experiment runs the
 * student's code in its own process: it is the student's own run, not grading. */
LG_API void *lg_labkit_dlopen(const lg_submission *sub, size_t i);
/* The path of the object built from lab file i (a loss plugin: lg_run_config.loss). */
LG_API const char *lg_labkit_object(const lg_submission *sub, size_t i);
LG_API void *lg_labkit_sym(void *dl, const char *name);

/* The lab's 1D dataset with an exact density (data = mog1d...); LG_EINVAL
 * naming ini_path otherwise. */
LG_API int lg_labkit_dataset_1d(const char *spec, const char *ini_path, lg_dataset **out);
/* out: (n) samples of ds from a stream seeded with seed. */
LG_API void lg_labkit_data_samples(const lg_dataset *ds, unsigned long seed, size_t n, double *out);
/* p_data(x) as an lg_density_fn (ctx: a 1D lg_dataset). */
LG_API double lg_labkit_data_density(double x, void *ctx);
/* out: (n) values of G(z), z ~ N(0, I) from a stream seeded with seed. */
LG_API void lg_labkit_g_samples(lg_net *G, size_t n, unsigned long seed, double *out);
/* out: (n) values of D(x) = sigmoid(logit) at x: (n). */
LG_API void lg_labkit_d_values(lg_net *D, const double *x, size_t n, double *out);
/* Point i of the grid {lo, hi, points}: lo + (hi - lo) i / (points - 1). */
LG_API double lg_labkit_grid_x(const double grid[3], size_t i);

/* A Gaussian kernel density estimate of bandwidth bw, binned and smooth; zero
 * outside (lo, hi). Zero-initialise, fit, read, free. */
typedef struct lg_labkit_kde {
    double a, dx, bw, lo, hi;
    size_t m;
    double *w;
} lg_labkit_kde;
LG_API void lg_labkit_kde_fit(lg_labkit_kde *k, const double *x, size_t n, double bw);
LG_API double lg_labkit_kde_density(double x, void *ctx); /* ctx: lg_labkit_kde */
LG_API void lg_labkit_kde_free(lg_labkit_kde *k);

/* calloc(n, size) that sets lg_errmsg ("out of memory: WHAT") and returns NULL
 * when it fails. */
LG_API void *lg_labkit_calloc(size_t n, size_t size, const char *what);

/* fopen dir/name for writing (NULL with lg_errmsg set); fclose it, LG_EIO
 * "dir/name: write failed" when the data did not reach the file. */
LG_API FILE *lg_labkit_fopen(const char *dir, const char *name);
LG_API int lg_labkit_fclose(FILE *f, const char *dir, const char *name);

/* settings.gp, the run's values for the lab's scripts: open it (a header naming
 * the lab, then gan's settings when gan is not NULL), then add the lab's own, one gnuplot
 * assignment a line with an optional comment:
 *   seed = 1                        # the run's --seed
 *   data = 'mog1d:k=2'              (a ' in the value is doubled, gnuplot's escape) */
LG_API FILE *lg_labkit_settings_open(const char *dir, const lg_lab *lab, const lg_labkit_gan *gan);
LG_API void lg_labkit_gp_string(FILE *f, const char *name, const char *value, const char *comment);
LG_API void lg_labkit_gp_number(FILE *f, const char *name, double value, const char *comment);
/* Copy every gnuplot script (.gp) of the lab's folder into dir, but never over
 * one the student edited there: dir/scripts.sums holds the CRC-32 of each
 * script as last written; a script that differs from it (or has no record) and
 * from the lab's is kept - the figure is drawn from it - and the lab's version
 * is written beside it as NAME.gp.new, said in one line on stderr. */
LG_API int lg_labkit_copy_scripts(const lg_lab *lab, const char *dir);

/* ------------------------------------------------- the course, for programs ---
 * What bin/litgan's course commands run (core/cli parses their arguments). */

/* The source root (the folder with labs/, plugins/, core/include, reports/templates):
 * $LITGAN_HOME if set, else litgan/home beside liblitgan-course.so (the source
 * tree it was built from; PREFIX/share/litgan when installed). */
LG_API const char *lg_source_root(void);

/* Every lab under lg_source_root()/labs (found and loaded once, on first use),
 * sorted by number; a lab whose lab.ini or objects fail to load is listed with
 * its error (lg_lab_error, NULL for a usable lab). */
LG_API size_t lg_lab_count(void);
LG_API const lg_lab *lg_lab_at(size_t i);
LG_API const char *lg_lab_error(const lg_lab *lab);
/* Its source root, student files (i past the last: NULL) and tasks. */
LG_API const char *lg_lab_root(const lg_lab *lab);
LG_API const char *lg_lab_file(const lg_lab *lab, size_t i);
/* Its students' written answers, labs/DIR/answers.md relative to the root (a
 * heading per question of the writeup; no SOLUTION regions: graded by a rubric,
 * not by tests), in buf; NULL when the lab has none. */
LG_API const char *lg_lab_answers(const lg_lab *lab, char *buf, size_t cap);
LG_API size_t lg_lab_task_count(const lg_lab *lab);
/* Task k's number ("1.1"), title and points. */
LG_API const char *lg_lab_task(const lg_lab *lab, size_t k, const char **title, double *points);
/* Its written questions, lab.ini's [question N] sections (title, points: the
 * most the rubric may give): question k's number ("3"), title and points;
 * NULL past the last. */
LG_API size_t lg_lab_question_count(const lg_lab *lab);
LG_API const char *lg_lab_question(const lg_lab *lab, size_t k, const char **title, double *points);

/* How student code is confined on this machine: bubblewrap around the runner;
 * the runner alone (weaker: its limits and system-call allowlist hold, but it
 * can read what its user can read); or not at all (LITGAN_SANDBOX=bwrap where
 * bubblewrap cannot run: nothing is run). Found once, by running bubblewrap;
 * LITGAN_SANDBOX=weak chooses the runner alone. */
typedef enum lg_sandbox_kind { LG_SANDBOX_BWRAP, LG_SANDBOX_WEAK, LG_SANDBOX_NONE } lg_sandbox_kind;
LG_API lg_sandbox_kind lg_sandbox_mode(void);
/* One line that says what it is. */
LG_API const char *lg_sandbox_describe(lg_sandbox_kind k);

/* `litgan grade NN [--submission DIR]`: grade the lab's files from
 * submission_dir (the files by basename; NULL: the source tree as it stands):
 * the per-task table on f, Gradescope JSON to json_path (may be NULL), the
 * points in *score and *max_score (may be NULL). LG_OK when everything passed,
 * LG_EINVAL when a test failed, another status on an error of the grader. */
LG_API int lg_grade_lab(const lg_lab *lab, const char *submission_dir, const char *json_path, FILE *f,
                        double *score, double *max_score);
/* `litgan grade NN [--submission DIR] [--rubric FILE]`: lg_grade_lab, then
 * the lab's written questions (lab.ini's [question N]) under the table, with
 * the instructors' points for DIR's answers from the rubric FILE (rows of
 * submission,question,points,comment; README.md, "Written answers"), or, with
 * rubric NULL or no row for a question, "not graded yet"; results.json gets
 * them as tests of their own ("Question N (written): TITLE"). *score and
 * *max_score count the tests and the graded questions (a question not graded
 * yet counts in neither). A bad rubric is refused before grading (LG_EFORMAT,
 * "FILE:LINE: why"); LG_EINVAL also when rubric is set without submission_dir.
 * The return value is otherwise lg_grade_lab's: the tests decide it. */
LG_API int lg_grade_lab_rubric(const lg_lab *lab, const char *submission_dir, const char *rubric,
                               const char *json_path, FILE *f, double *score, double *max_score);

/* `litgan grade-all NN DIR`: every folder in dir graded as a submission of lab,
 * o->jobs at a time (< 1: the number of CPUs), into o->out (NULL:
 * grades-NN-name, made 0700): NAME.json and NAME.txt each, and grades.csv, all
 * readable by their owner only; progress on o->log (NULL: stderr). With
 * o->only, only the folder of that name is graded: its NAME.json and NAME.txt
 * are replaced and its row of grades.csv (the other files and rows stay as
 * they were). o may be NULL. LG_OK when every submission was graded (whatever
 * its score), LG_EINVAL when one could not be graded (the others are,
 * grades.csv has empty cells for it), another status when nothing was graded
 * or grades.csv could not be written. */
typedef struct lg_grade_all_opts {
    const char *out;
    long jobs;
    FILE *log;
    const char *only;         /* a submission folder's name, or NULL: all */
    const char *program;      /* a litgan to start afresh for each submission (PROGRAM grade
                                 NN ...); NULL: a forked copy of this process grades it */
    const char *rubric;       /* the instructors' points for the written answers (see
                                 lg_grade_lab_rubric); NULL: DIR/rubric.csv when it exists.
                                 Read and checked before anything is graded; merged into
                                 NAME.json, NAME.txt and grades.csv (a column per question,
                                 empty when not graded yet) */
} lg_grade_all_opts;
LG_API int lg_grade_all(const lg_lab *lab, const char *dir, const lg_grade_all_opts *o);

/* `litgan pack NN [--out FILE] [--force]`: the student's submission archive
 * of lab, from its source tree as it stands, into out_zip (NULL:
 * lab-NN-submission.zip here): a zip with, at its top, the lab's student
 * files by basename (as `grade --submission` reads them), answers.md and the
 * woven report as report.html when reports/NN-name/index.html exists (a line
 * on log when it is missing or older than a student file or answers.md, with
 * the command that makes it). Refused (LG_EINVAL, one line) when answers.md is
 * missing or answers no question yet (every "## " heading's text empty but
 * for HTML comments: the template's prompts), when out_zip exists and force is
 * false, or when the archive cannot be graded (a file does not compile: the
 * compiler's first error); an archive that grades below full marks is written
 * with its score said. On log: where it is, its size, its contents, its score. */
LG_API int lg_pack_run(const lg_lab *lab, const char *out_zip, bool force, FILE *log);

/* `litgan lab NN`: the lab's experiment with the student files as they stand
 * (profile: NULL, or "smoke" for lab.ini's short run), into out_dir (NULL:
 * runs/lab-NN under the lab's source root, where weave looks); a line when it
 * starts and ends on log (may be NULL). */
LG_API int lg_lab_experiment_run(const lg_lab *lab, const char *out_dir, const char *profile, FILE *log);

/* `litgan handout OUTDIR`: the student release of the source tree at root
 * (solutions stubbed, instructor material left out); refuses a non-empty
 * outdir unless force; fails if a marker survives. */
LG_API int lg_handout_run(const char *root, const char *outdir, bool force, FILE *log);
/* `litgan handout OUTDIR --lab NN`: the release of one stage of the course:
 * the labs before lab NN with their solutions released (their regions' code
 * kept, the markers gone), lab NN stubbed, the labs after it left out (their
 * folders, their student files, their rows in the README); stage 0 is
 * lg_handout_run. LG_EINVAL naming the labs there are when root has no lab NN.
 * In both, README.md is the students' (core/course/handout/README.student.md
 * filled in) when root has that template, and the Makefile shows the student
 * files' warnings without failing on them. */
LG_API int lg_handout_release(const char *root, const char *outdir, int stage, bool force, FILE *log);

/* `litgan autograder NN OUT.zip`: a Gradescope autograder package for lab
 * into out_zip: at its top setup.sh (installs the Debian packages, builds
 * litgan, removes the reference solutions, the hidden tests' sources and the
 * tests, leaves the tree root's alone but for the runner) and run_autograder
 * (grades /autograder/submission into /autograder/results/results.json), with
 * the instructor's source tree (lg_lab_root: its git ls-files, or a walk
 * without the build outputs). Refuses an existing out_zip unless force; the
 * zip is its owner's only (0600); one line on log when written. Needs
 * Info-ZIP's zip. */
LG_API int lg_autograder_run(const lg_lab *lab, const char *out_zip, bool force, FILE *log);

/* `litgan weave NN`: the lab as one self-contained page, out_path (NULL:
 * reports/NN-name/index.html under root), with the experiment's outputs from
 * run_dir (NULL: runs/lab-NN under root). run says when the experiment runs
 * first: never (LG_WEAVE_NO_RUN, false), when no figure is there
 * (LG_WEAVE_RUN_MISSING, true), or also when the figures are older than the
 * lab's student files or lab.ini (LG_WEAVE_RUN_STALE, `--run`); figures older
 * than the code and not re-made are a warning on log and in the page. */
enum { LG_WEAVE_NO_RUN = 0, LG_WEAVE_RUN_MISSING = 1, LG_WEAVE_RUN_STALE = 2 };
LG_API int lg_weave_run(const lg_lab *lab, const char *root, const char *run_dir, const char *out_path, int run,
                        FILE *log);

/* ------------------------------------------------------------- mutation ---
 * `litgan mutate NN`: how much of a lab's solutions its tests check. Every
 * SOLUTION region of the lab's student files is mutated automatically, one
 * small mistake at a time (operators swapped, signs flipped, constants
 * changed, sum for mean, a term dropped, loop bounds off by one, a guard
 * removed, a stop-gradient inserted or removed); each mutant is graded as a
 * submission (the reference files with that one file mutated) and is killed
 * when it loses points. Mutants that do not compile (stillborn) are not
 * counted, nor those listed with their argument in
 * labs/NN-name/check/equivalent.txt ("ID  why", one a line). A lab passes
 * when it kills at least LG_MUTATE_BAR of the rest and its list is not stale
 * (every listed id still generated, and surviving). A sample passes when its
 * survivors are consistent with that bar: when a lab killing exactly
 * LG_MUTATE_BAR would leave at least as many survivors in a sample of this size
 * with probability LG_MUTATE_SAMPLE_P or more (one-sided binomial test), so
 * that a lab at 99.5 % is not failed by a sample that happens to hold two of
 * its three survivors, while a lab at 80 % fails. */

#define LG_MUTATE_BAR 0.95
#define LG_MUTATE_SAMPLE_P 0.01

typedef struct lg_mutate_opts {
    long jobs;                /* mutants graded side by side; < 1: the number of CPUs */
    size_t sample;            /* > 0: only this many of each lab's mutants, drawn with seed */
    unsigned long seed;
    FILE *log;                /* progress with an estimate of the time left (NULL: none) */
    const char *json;         /* every lab's counts and mutants as JSON to this path (NULL: none) */
} lg_mutate_opts;

typedef struct lg_mutate_counts {
    size_t generated, graded; /* all of the lab's mutants; those graded (the sample) */
    size_t stillborn, equivalent, killed, survived;
    size_t errors;            /* a stale equivalent.txt line, a reference short of full marks, ... */
    double kill_rate;         /* killed / (killed + survived) */
    double p_value;           /* a sample: P(survivors >= survived) at a kill rate of LG_MUTATE_BAR; else 1 */
    bool pass;                /* no error, and kill_rate >= LG_MUTATE_BAR (a sample: p_value >= LG_MUTATE_SAMPLE_P) */
} lg_mutate_counts;

/* Mutate, grade and report labs[0..n) on out (per lab: the counts, the kill
 * rate, each survivor with its id, place and line before and after, each
 * error); counts (may be NULL) gets n entries. LG_OK when every lab passes,
 * LG_EINVAL when one does not, another status when a lab could not be run. */
LG_API int lg_mutate_run(const lg_lab *const *labs, size_t n, const lg_mutate_opts *o, FILE *out,
                         lg_mutate_counts *counts);
/* Every mutant of the lab, one a line: id, task, description. */
LG_API int lg_mutate_list(const lg_lab *lab, FILE *out);
/* One mutant as a patch of its file (LG_EINVAL when the lab has no such id). */
LG_API int lg_mutate_show(const lg_lab *lab, const char *id, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* LITGAN_COURSE_H */
