/*
 * lg_course.h - the course machinery (internal): labs and their tasks, grading tests
 * with points, the sandbox that runs student code, experiments, handouts and
 * woven reports. The public plugin API stays in core/include/litgan.h.
 *
 * A lab is a folder labs/NN-name/ holding
 *   README.md      the writeup (Markdown): math, "Task N.M" sections, questions;
 *                  a line "@code FILE REGION" stands for a named code region
 *                  (woven in by `litgan weave`, never pasted);
 *   lab.ini        the experiment definition (read with inih): its [experiment]
 *                  section is the lab's own (data, nets, steps, seed, ...);
 *   grade.c        the grading tests (CUnit, one suite per task) with points,
 *                  compiled into bin/litgan; grade_hidden.c (optional) adds
 *                  hidden tests and is left out of the handout;
 *   experiment.c   the lab's experiment (`litgan lab NN`), compiled in too;
 *   *.gp           gnuplot scripts of the figures; the experiment copies them next
 *                  to their data (with a generated settings.gp) and runs them there.
 * Student code: the files a lab lists (plugins/gan.c, labs/01-minimax/optimal.c,
 * ...) with regions marked
 *       / * BEGIN SOLUTION Task 1.1 * /      (written without the spaces)
 *       ... reference code ...
 *       / * END SOLUTION * /
 *       / * STUB return lg_todo_node(g, "Task 1.1"); * /   (required, right after END)
 * which the handout replaces by the STUB's code: a call that fails with
 * "Task N.M is not implemented yet" (lg_todo_node, lg_todo_value).
 * Named regions for the writeup:
 *       / * REGION d_loss * / ... / * END REGION * /
 */
#ifndef LG_COURSE_H
#define LG_COURSE_H

#include "../engine/lg_impl.h"

/* ----------------------------------------------------------------- labs --- */

#define LG_MAX_LAB_FILES 4

typedef struct lg_task {
    const char *number;       /* "1.1" */
    const char *title;        /* "The discriminator loss on logits" */
} lg_task;

typedef enum lg_visibility {
    LG_VISIBLE = 0,           /* Gradescope "visible" */
    LG_HIDDEN = 1             /* "hidden": graded, not shown to students; not in the handout */
} lg_visibility;

typedef struct lg_grade_test {
    const char *task;         /* "1.1": the CUnit suite it belongs to */
    const char *name;         /* one line, e.g. "value at fixed logits" */
    double points;
    void (*fn)(void);         /* a CUnit test function (uses LG_GRADE_* below) */
    lg_visibility visibility;
} lg_grade_test;

typedef struct lg_lab {
    int number;               /* 1 */
    const char *dir;          /* "01-minimax" (under labs/) */
    const char *title;        /* "The minimax GAN" */
    const lg_task *tasks;
    size_t n_tasks;
    /* student files, relative to the source root; each is built into its own
     * shared object for grading, named after its basename ("gan.so") */
    const char *files[LG_MAX_LAB_FILES];
    /* `litgan lab NN`: run the experiment of lab.ini, writing into out_dir;
     * returns LG_OK or a status with lg_errmsg() set */
    int (*experiment)(const struct lg_lab *lab, const char *ini_path, const char *out_dir);
} lg_lab;

/* Called from a constructor in each lab's grade.c:
 *   static void reg(void) __attribute__((constructor));
 *   static void reg(void) { lg_lab_register(&lab); lg_lab_add_tests(1, tests, n); } */
void lg_lab_register(const lg_lab *lab);
void lg_lab_add_tests(int number, const lg_grade_test *tests, size_t n);
/* Lab by number (1) or by "01" / "01-minimax"; NULL with a message if unknown. */
const lg_lab *lg_lab_find(const char *which);
size_t lg_lab_count(void);
const lg_lab *lg_lab_at(size_t i);
const lg_grade_test *lg_lab_tests(const lg_lab *lab, size_t *n);

/* The source root (folder with core/, plugins/, labs/): $LITGAN_HOME if set,
 * else the folder the binary was built from. */
const char *lg_source_root(void);

/* ------------------------------------------------------------ the sandbox --- */

/* Limits of one child computation (defaults: 10 s CPU, 10 s wall clock,
 * 1 GiB address space, no file writes, no core files, no new processes). */
typedef struct lg_limits {
    double cpu_seconds, wall_seconds;
    size_t memory_bytes;
} lg_limits;
lg_limits lg_limits_default(void);

/* A built submission: a shared object per lab file, never opened by the
 * grading process itself. */
typedef struct lg_submission {
    const lg_lab *lab;
    char build_dir[4096];                 /* temporary folder with the .so files */
    char so_path[LG_MAX_LAB_FILES][4096]; /* per lab file, "" when missing */
    char compile_error[LG_MAX_LAB_FILES][512]; /* first error line, "" when built */
} lg_submission;

/* Build the lab's files from src_dir (a submission folder holding the files by
 * basename) or, with src_dir NULL, from the source tree as it stands. Compiler
 * runs are sandboxed with a timeout too. Returns LG_OK even when a file fails
 * to compile (its tests fail with the compiler's first error line). */
int lg_submission_build(const lg_lab *lab, const char *src_dir, lg_submission *out);
void lg_submission_free(lg_submission *s); /* removes the build folder */

/* What the child sees. Valid only inside a child function. */
typedef struct lg_child lg_child;
/* dlsym in the object built from the lab file with this basename ("optimal.c"
 * or "optimal"); NULL (and a failure the parent reports) when missing. */
void *lg_child_sym(lg_child *c, const char *file, const char *symbol);
/* The plugin descriptor exported by that object (litgan_plugin_entry). */
const lg_plugin *lg_child_plugin(lg_child *c, const char *file);
/* Report why the computation cannot go on (one line); the child returns -1. */
void lg_child_fail(lg_child *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A computation with student code: fill out[0..max) and return how many
 * values, or -1 after lg_child_fail. arg is the test's own input. */
typedef int (*lg_child_fn)(lg_child *c, const void *arg, double *out, size_t max);

typedef struct lg_child_result {
    int ok;                   /* 1 when the child returned values */
    size_t n;                 /* how many */
    char why[512];            /* when not ok: "crashed (SIGSEGV)", "timed out after 10 s",
                                 "exited before returning a result", "Task 1.1 is not
                                 implemented yet", ... */
    char output[1024];        /* the start of what the child printed (never shown as a score) */
} lg_child_result;

/* Fork, limit, seccomp-filter, load the submission's objects in the child,
 * run fn, read back at most max doubles over a pipe. The parent holds every
 * expected value and assertion; the child only sends numbers. */
int lg_sandbox_run(const lg_submission *s, lg_child_fn fn, const void *arg, double *out,
                   size_t max, const lg_limits *lim, lg_child_result *res);

/* ------------------------------------------------------------- grading --- */

/* The submission the running grading test works on (set by the grader). */
const lg_submission *lg_grade_submission(void);

/* Run fn in the sandbox for the current test; on any failure of the child
 * (crash, timeout, no result, NaN/Inf among the values) record a CUnit failure
 * naming the input and the reason, and return 0; else 1. */
int lg_grade_call(lg_child_fn fn, const void *arg, double *out, size_t n, const char *input);

/* Assert |actual - expected| <= tol (absolute, or relative to |expected| when
 * it is larger than 1), with a message that shows input, expected, actual and a
 * hint: "input: logits (1, -2); expected 1.4402, got -0.3133; hint: ...". */
#define LG_GRADE_CLOSE(actual, expected, tol, input, hint)                            \
    lg_grade_close((actual), (expected), (tol), (input), (hint), __FILE__, __LINE__)
void lg_grade_close(double actual, double expected, double tol, const char *input,
                    const char *hint, const char *file, int line);

/* Grade one lab: the per-task table on f, Gradescope JSON to json_path (may be
 * NULL). Returns LG_OK when everything passed, LG_EINVAL when a test failed,
 * another status on an error of the grader itself. */
int lg_grade_lab(const lg_lab *lab, const char *submission_dir, const char *json_path, FILE *f,
                 double *score, double *max_score);

/* ------------------------------------------------------------- markers ---
 * markers.c: the one parser of the marker comments above, for handout, weave
 * and the tests. */

typedef enum lg_marker_kind {
    LG_MARKER_NONE = 0,
    LG_MARKER_BEGIN,          /* the line: BEGIN SOLUTION Task N.M */
    LG_MARKER_END,            /* the line: END SOLUTION [Task N.M] */
    LG_MARKER_STUB,           /* the line: STUB code */
    LG_MARKER_REGION,         /* the line: REGION name */
    LG_MARKER_END_REGION      /* the line: END REGION [name] */
} lg_marker_kind;

/* "BEGIN SOLUTION", ..., "END REGION" (for messages). */
const char *lg_marker_name(lg_marker_kind k);

/* The first marker comment in s[0..n): its kind, *at the offset of its "/" "*"
 * and *after the offset just past its keyword(s); LG_MARKER_NONE when none. */
lg_marker_kind lg_marker_find(const char *s, size_t n, size_t *at, size_t *after);

/* One line's marker: its kind, the text between keyword and comment closer
 * (trimmed: arg, at s + arg_at), and in bad a message when the marker is not
 * alone on its line or its comment does not close there (arg is "" then). */
typedef struct lg_marker {
    lg_marker_kind kind;
    char arg[1024];
    size_t arg_at, arg_len;
    char bad[160];
} lg_marker;
void lg_marker_parse(const char *s, size_t n, lg_marker *m);

typedef enum lg_region_kind {
    LG_REGION_SOLUTION,       /* a solution region: BEGIN .. END SOLUTION, STUB */
    LG_REGION_NAMED           /* a named region: REGION name .. END REGION */
} lg_region_kind;

/* A region of a text; offsets are bytes into the text, lines 1-based. */
typedef struct lg_region {
    lg_region_kind kind;
    char name[64];            /* the task ("1.1") or the region's name */
    size_t line, end_line;    /* the opening marker's line, its END's (0: none) */
    size_t start, end;        /* the region's lines, markers (and STUB) included */
    size_t body, body_len;    /* the lines between the markers, line endings included */
    bool whole;               /* well formed (else an error was reported) */
    bool bad;                 /* (scan state) its opening marker is in error */
    /* SOLUTION only: */
    size_t indent;            /* blanks before the BEGIN marker */
    size_t stub, stub_len;    /* the STUB's code */
    const char *open_eol, *stub_eol; /* "\n", "\r\n" or "" ending the BEGIN, STUB line */
} lg_region;

typedef struct lg_regions {
    lg_region *v;             /* solution regions in order; named ones when they close */
    size_t n, cap;
    size_t errors;
} lg_regions;

/* Scan one file's text: every region into out (free with lg_regions_free,
 * also on error), every error as one line "NAME:LINE: why" on err (may be
 * NULL): BEGIN without END, nested BEGIN, END without BEGIN, a region without
 * its STUB line, a STUB that names another task (or none), an empty STUB, a
 * marker sharing its line with code or not closed there, REGION without a
 * one-word name, twice the same name, END REGION without REGION or naming
 * another, a REGION left open, a named marker inside a solution region.
 * LG_EFORMAT with the first error in lg_errmsg() when there is one. */
int lg_markers_scan(const char *name, const char *text, size_t len, lg_regions *out, FILE *err);
void lg_regions_free(lg_regions *r);

/* How many solution markers (BEGIN, END, STUB) the text holds, each reported
 * on err as "NAME:LINE: a ... marker survived in the handout". */
size_t lg_handout_scan_markers(const char *name, const char *text, size_t len, FILE *err);

/* --------------------------------------------------- handout and weave --- */

/* Pieces of handout/, tested one by one (tests/test_handout.c):
 * lg_handout_stub_text replaces every solution region of one file's text by its
 * stub (errors: those of lg_markers_scan); lg_handout_run writes the whole release. */
int lg_handout_stub_text(const char *name, const char *text, size_t len, char **out,
                         size_t *out_len, size_t *n_regions, FILE *err);
int lg_handout_run(const char *root, const char *outdir, bool force, FILE *log);
/* Pieces of weave/, tested one by one: a named region of a file's text, simple
 * TeX to HTML, the writeup to HTML, and the whole report. */
int lg_weave_region(const char *text, const char *name, char **out, size_t *first, size_t *last);
char *lg_weave_tex(const char *tex, bool display);
int lg_weave_markdown(const char *md, const char *root, const char *lab_dir, const char *run_dir,
                      const char *out_dir, char **html, FILE *err);
int lg_weave_run(const lg_lab *lab, const char *root, const char *run_dir, const char *out_path, bool run,
                 FILE *log);

/* --------------------------------------------- what the commands run ---
 * core/cli parses the course commands' arguments and calls these: grade
 * lg_grade_lab, handout lg_handout_run, weave lg_weave_run, and: */

/* `litgan grade-all NN DIR`: every folder in dir graded as a submission of lab,
 * o->jobs at a time (< 1: the number of CPUs), into o->out (NULL:
 * grades-NN-name): NAME.json and NAME.txt each, and grades.csv; progress on
 * o->log (NULL: stderr). o may be NULL. Returns LG_OK when every submission was
 * graded (whatever its score), LG_EINVAL when one could not be graded (the
 * others are, grades.csv has empty cells for it), another status when nothing
 * was graded or grades.csv could not be written (lg_errmsg() says why). */
typedef struct lg_grade_all_opts {
    const char *out;
    long jobs;
    FILE *log;
} lg_grade_all_opts;
int lg_grade_all(const lg_lab *lab, const char *dir, const lg_grade_all_opts *o);

/* `litgan lab NN`: run lab's experiment (labs/NN-name/lab.ini) with the plugins
 * as they stand, writing into out_dir (NULL: runs/lab-NN under the source root,
 * where weave looks); a line when it starts and ends on log (may be NULL).
 * LG_OK, or a status with lg_errmsg() set. */
int lg_lab_experiment_run(const lg_lab *lab, const char *out_dir, FILE *log);

/* Stub helpers the handout's stubs call (declared for plugins in litgan.h):
 * lg_todo_node fails the objective with "Task N.M is not implemented yet";
 * lg_todo_value prints the same on stderr and returns NaN. */

/* ---------------------------------------------------------- the lab kit ---
 * labkit.c: what every lab's experiment.c needs - its lab.ini read from a
 * table, its files built and opened, samples of G and values of D, a kernel
 * density estimate of p_g, and its figures: the lab's gnuplot scripts
 * (labs/NN-name/fig_*.gp) copied next to their data and a generated
 * settings.gp that they load for the run's values. Declared here for
 * labs/NN-name/experiment.c; litgan compare runs gnuplot through it too. */

/* The value types of a lab.ini key. */
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

/* What trains a lab's GAN: the runner's options (lg_run_open), which every
 * lab.ini may set under these key names. A lab's config holds one. */
typedef struct lg_labkit_gan {
    char data[256], g[256], d[256], opt_d[256], opt_g[256];
    long batch, steps, seed, d_steps, d_pretrain;
} lg_labkit_gan;

/* Read lab.ini at path: the keys of gan (data, g, d, opt_d, opt_g, batch, steps,
 * seed, d_steps, d_pretrain; none when gan is NULL), then the lab's own keys[0..n).
 * Every pointer holds its default, kept when the file does not set the key. [lab]
 * is skipped (its title is the registry's). LG_EIO when the file cannot be read;
 * LG_EFORMAT "PATH:LINE: unknown key 'x'" (or unknown section, or "bad value 'v'
 * for KEY") otherwise. */
int lg_labkit_read_ini(const char *path, lg_labkit_gan *gan, const lg_labkit_key *keys, size_t n);

/* lg_run_open with the loss plugin at loss_so, writing the run into run_dir, quiet. */
int lg_labkit_run_open(const lg_labkit_gan *s, const char *loss_so, const char *run_dir, lg_run **out);
/* lg_run_step; on failure the message says "WHAT, training step N: why". */
int lg_labkit_run_step(lg_run *run, long step, const char *what);

/* Build the lab's files as they stand (lg_submission_build); LG_EINVAL with
 * the compiler's first error when one does not compile (sub freed then). */
int lg_labkit_build(const lg_lab *lab, lg_submission *sub);
/* dlopen the object of lab file i / dlsym a function in it; NULL with
 * lg_errmsg set ("no function NAME (was it renamed?)"). The experiment runs the
 * student's code in its own process: it is the student's own run, not grading. */
void *lg_labkit_open(const lg_submission *sub, size_t i);
void *lg_labkit_sym(void *dl, const char *name);

/* The lab's 1D dataset with an exact density (data = mog1d...); LG_EINVAL
 * naming ini_path otherwise. */
int lg_labkit_dataset_1d(const char *spec, const char *ini_path, lg_dataset **out);
/* out: (n) samples of ds from a stream seeded with seed. */
void lg_labkit_data_samples(const lg_dataset *ds, unsigned long seed, size_t n, double *out);
/* p_data(x) as an lg_density_fn (ctx: a 1D lg_dataset). */
double lg_labkit_data_density(double x, void *ctx);
/* out: (n) values of G(z), z ~ N(0, I) from a stream seeded with seed. */
void lg_labkit_g_samples(lg_net *G, size_t n, unsigned long seed, double *out);
/* out: (n) values of D(x) = sigmoid(logit) at x: (n). */
void lg_labkit_d_values(lg_net *D, const double *x, size_t n, double *out);
/* Point i of the grid {lo, hi, points}: lo + (hi - lo) i / (points - 1). */
double lg_labkit_grid_x(const double grid[3], size_t i);

/* A Gaussian kernel density estimate of bandwidth bw, binned and smooth (see
 * labkit.c); zero outside (lo, hi). Zero-initialise, fit, read, free. */
typedef struct lg_labkit_kde {
    double a, dx, bw, lo, hi;
    size_t m;
    double *w;
} lg_labkit_kde;
void lg_labkit_kde_fit(lg_labkit_kde *k, const double *x, size_t n, double bw);
double lg_labkit_kde_density(double x, void *ctx); /* ctx: lg_labkit_kde */
void lg_labkit_kde_free(lg_labkit_kde *k);

/* fopen dir/name for writing (NULL with lg_errmsg set); fclose it, LG_EIO
 * "dir/name: write failed" when the data did not reach the file. */
FILE *lg_labkit_fopen(const char *dir, const char *name);
int lg_labkit_fclose(FILE *f, const char *dir, const char *name);

/* settings.gp, the run's values for the lab's scripts: open it (a header naming
 * the lab, then gan's settings: data, g, d, opt_d, opt_g as strings, batch,
 * steps, seed, d_steps, d_pretrain as numbers), then add the lab's own, one
 * gnuplot assignment a line with an optional comment:
 *   seed = 1                        # the run's --seed
 *   data = 'mog1d:k=2'              (a ' in the value is doubled, gnuplot's escape) */
FILE *lg_labkit_settings_open(const char *dir, const lg_lab *lab, const lg_labkit_gan *gan);
void lg_labkit_gp_string(FILE *f, const char *name, const char *value, const char *comment);
void lg_labkit_gp_number(FILE *f, const char *name, double value, const char *comment);
/* Copy every gnuplot script (.gp) of the lab's folder labs/NN-name (under
 * lg_source_root()) into dir. */
int lg_labkit_copy_scripts(const lg_lab *lab, const char *dir);


#endif /* LG_COURSE_H */
