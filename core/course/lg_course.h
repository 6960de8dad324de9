/*
 * lg_course.h - the course library's internal header: the registry's view of a
 * lab, the sandbox and the grader, markers, handout and weave. The lab SDK
 * (what labs/NN-name/ may use) is the public litgan/course.h; how a lab folder
 * is laid out is in README.md ("Adding a lab").
 *
 * Student code: the files a lab's lab.ini lists (plugins/gan.c,
 * labs/01-minimax/optimal.c, ...) with regions marked
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

#include "litgan/course.h"
#include "litgan/sys.h"

/* ----------------------------------------------------------------- labs --- */

#define LG_MAX_LAB_FILES 4

/* A [task N.M] section of lab.ini. */
typedef struct lg_task {
    const char *number;       /* "1.1" */
    const char *title;        /* "The discriminator loss on logits" */
    double points;            /* its tests' points, visible and hidden together */
} lg_task;

/* A [question N] section of lab.ini: a question of the writeup, answered in
 * answers.md and graded by the instructors' rubric (grade/rubric.c). */
typedef struct lg_question {
    const char *number;       /* "3" */
    const char *title;        /* "Why the JSD can get worse while W1 improves" */
    double points;            /* its maximum */
} lg_question;

/* A lab: lab.ini read, its objects loaded (labs.c). */
struct lg_lab {
    int number;               /* 1 (the folder's leading digits) */
    const char *dir;          /* "01-minimax" */
    const char *title;        /* [lab] title */
    const char *teaches;      /* [lab] teaches: one sentence (NULL: not given) */
    const char *time;         /* [lab] time: how long `litgan lab NN` takes (NULL: not given) */
    const char *root;         /* the source root its files are relative to */
    const char *ini_path;     /* ROOT/labs/DIR/lab.ini */
    const lg_task *tasks;     /* [task N.M] sections, in file order */
    size_t n_tasks;
    const lg_question *questions; /* [question N] sections, in file order (may be none) */
    size_t n_questions;
    /* [lab] files: student files, relative to root; each is built into its
     * own shared object for grading, named after its basename ("gan.so") */
    const char *files[LG_MAX_LAB_FILES];
    int (*experiment)(const lg_lab_run *run);
    /* the registry's */
    lg_grade_test *tests;     /* visible then hidden, sorted (lg_lab_tests) */
    size_t n_tests;
    bool has_hidden;          /* hidden.so was loaded */
    const char *error;        /* why the lab cannot be used (NULL: it can) */
    const char *child;        /* its child.so (the runner's computations), or NULL */
};

/* Its tests in grading order: by the lab's task order, visible before hidden,
 * then in the order the module listed them. */
const lg_grade_test *lg_lab_tests(const lg_lab *lab, size_t *n);
/* Why inih stopped at *line of the ini file at path when no handler gave a
 * reason: a line longer than inih's buffer (INI_MAX_LINE: 198 characters and
 * the newline; *line becomes its number, since inih counts each piece of it
 * as a line) or a line that is not a section, key = value or comment (labs.c). */
const char *lg_ini_bad_line(const char *path, int *line);
/* A lab from its lab.ini and the descriptors of its objects (hidden may be
 * NULL), validated as a loaded one is; dir names the folder ("99-sandbox").
 * lg_lab_open leaves it out of the registry (free it with lg_lab_close);
 * lg_lab_add registers it (the registry owns it then). LG_EFORMAT (or
 * LG_EINVAL) with one line naming the file otherwise, *out NULL. */
int lg_lab_open(const char *root, const char *dir, const char *ini_path, const lg_lab_module *visible,
                const lg_lab_module *hidden, lg_lab **out);
void lg_lab_close(lg_lab *lab);
int lg_lab_add(const char *root, const char *dir, const char *ini_path, const lg_lab_module *visible,
               const lg_lab_module *hidden, const lg_lab **out);
/* Scan another source root's labs/ (objects under obj_dir/NN-name/) too;
 * forget its labs again. */
int lg_lab_add_root(const char *root, const char *obj_dir);
void lg_lab_remove_root(const char *root);
/* Run the lab's experiment (profile NULL or "smoke") into out_dir. */
int lg_lab_experiment(const lg_lab *lab, const char *out_dir, const char *profile);

/* FOLDER/litgan/sub, FOLDER the one holding liblitgan-course.so (links
 * resolved): home, labs, litgan-runner. */
void lg_course_file(const char *sub, char *out, size_t n);
/* Where the labs' objects are: $LITGAN_LAB_OBJECTS if set, else litgan/labs
 * beside liblitgan-course.so (build/labs; PREFIX/lib/litgan/labs). */
const char *lg_lab_object_dir(void);

/* The game of a probe (probe_game.c; the grader's and the runner's): nets set
 * or initialised from pr->seed with rng (borrowed), batches filled. */
int lg_probe_game(const lg_probe *pr, gsl_rng *rng, lg_game **out);

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
struct lg_submission {
    const lg_lab *lab;
    char build_dir[4096];                 /* temporary folder with the .so files */
    char so_path[LG_MAX_LAB_FILES][4096]; /* per lab file, "" when missing */
    char compile_error[LG_MAX_LAB_FILES][512]; /* first error line, "" when built */
    char child[4096];                     /* a copy of the lab's child.so, "" when it has none */
};

/* Build the lab's files from src_dir (a submission folder holding the files by
 * basename) or, with src_dir NULL, from the source tree as it stands. Compiler
 * runs are sandboxed with a timeout too. Returns LG_OK even when a file fails
 * to compile (its tests fail with the compiler's first error line). */
int lg_submission_build(const lg_lab *lab, const char *src_dir, lg_submission *out);
void lg_submission_free(lg_submission *s); /* removes the build folder */


typedef struct lg_child_result {
    int ok;                   /* 1 when the child returned values */
    size_t n;                 /* how many */
    char why[512];            /* when not ok: "crashed (SIGSEGV)", "timed out after 10 s",
                                 "exited before returning a result", "Task 1.1 is not
                                 implemented yet", ... */
    char output[1024];        /* the start of what the child printed (never shown as a score) */
    size_t maxrss;            /* the runner's largest resident set, bytes */
} lg_child_result;

/* Run the computation fn (a name in the lab's child.so, or LG_PROBE_CHILD) on
 * arg_size bytes of arg in the runner, a fresh process (core/course/runner/)
 * that loads the submission's objects under its limits and system-call
 * filter, and read back at most max doubles. The grading process holds every
 * expected value and assertion; the runner only sends numbers. */
int lg_sandbox_run(const lg_submission *s, const char *fn, const void *arg, size_t arg_size, double *out,
                   size_t max, const lg_limits *lim, lg_child_result *res);

/* ------------------------------------------------------------- grading --- */

/* The submission the running grading test works on (set by the grader). */
const lg_submission *lg_grade_submission(void);



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
/* Pieces of weave/, tested one by one: a named region of a file's text, the
 * writeup to HTML, and the whole report (weave/lg_weave.h has the rest). */
int lg_weave_region(const char *text, const char *name, char **out, size_t *first, size_t *last);
int lg_weave_markdown(const char *md, const char *root, const char *lab_dir, const char *run_dir,
                      const char *out_dir, char **html, FILE *err);


/* Stub helpers the handout's stubs call (declared for plugins in litgan.h):
 * lg_todo_node fails the objective with "Task N.M is not implemented yet";
 * lg_todo_value prints the same on stderr and returns NaN. */

/* ---------------------------------------------------------- the lab kit ---
 * labkit.c (declared in litgan/course.h): the experiment kit. */

#endif /* LG_COURSE_H */
