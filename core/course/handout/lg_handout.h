/*
 * lg_handout.h - the pieces of `litgan handout` (core/course/handout/):
 * handout.c the command (stubbing, the run), tree.c the files, stage.c the
 * labs of the tree and staged releases, readme.c the students' README.md and
 * the handout's Makefile.
 */
#ifndef LG_HANDOUT_H
#define LG_HANDOUT_H

#include "lg_course.h"

#include <sys/types.h>

/* One file of the release. */
typedef struct lg_handout_file {
    const char *rel;
    char *data;        /* contents, or the link target of a symlink */
    size_t len;
    mode_t mode;
    bool link;
    size_t regions;    /* solution regions stubbed */
} lg_handout_file;

/* The tree's files, relative to root, sorted: `git ls-files` in a checkout
 * (used_git set), else a walk that skips the build outputs. */
void lg_handout_list(const char *root, lg_strvec *files, bool *used_git);
/* The exclusion patterns: the built-in ones, then every labs/NN-name/handout-exclude. */
void lg_handout_exclusions(const char *root, const lg_strvec *files, lg_strvec *pats);
/* Does rel match a pattern (a glob; a trailing '/' means a folder and its content)? */
bool lg_handout_excluded(const char *rel, const lg_strvec *pats);
/* Git's own rule: a file with a NUL byte in its first 8000 bytes is binary. */
bool lg_handout_is_text(const char *data, size_t len);
/* Write f at path (folders made; a symlink as a symlink). */
int lg_handout_write_file(const char *path, const lg_handout_file *f);
/* Scan every regular file under dir (links not followed) for surviving solution
 * markers (reported on err, named relative to dir); how many were found. */
size_t lg_handout_scan_tree(const char *dir, FILE *err);

/* A lab of the tree handed out, from its labs/NN-name/lab.ini. */
typedef struct lg_handout_lab {
    int number;
    char dir[256];            /* "01-minimax" */
    char title[256];
    lg_strvec files;          /* the student files, paths from the root */
    lg_strvec tasks, task_titles;
    double *task_points;
} lg_handout_lab;

/* The tree's labs (sorted by number) and the stage released: 0 every lab,
 * stubbed; NN: the labs before NN released, NN stubbed, those after left out. */
typedef struct lg_handout_labs {
    lg_handout_lab *v;
    size_t n;
    int stage;
} lg_handout_labs;

/* The labs whose labs/NN-name/lab.ini is among files (the tree's, relative to root). */
void lg_handout_labs_read(const char *root, const lg_strvec *files, lg_handout_labs *out);
void lg_handout_labs_free(lg_handout_labs *labs);
const lg_handout_lab *lg_handout_labs_find(const lg_handout_labs *labs, int number);
/* Does lab number ship at this stage (its folder, its row in the README)? */
bool lg_handout_lab_ships(const lg_handout_labs *labs, int number);
/* Is the solution region of task released (its reference code kept): the task
 * of a lab before the stage. Never without a stage (labs NULL or stage 0). */
bool lg_handout_region_released(const lg_handout_labs *labs, const char *task);
/* Is rel left out at this stage: in the folder of a later lab, or a student
 * file of later labs only. */
bool lg_handout_left_out(const lg_handout_labs *labs, const char *rel);

/* lg_handout_stub_text with a stage: the regions of the labs before it are
 * released (their code kept, markers and STUB line gone), the others stubbed;
 * *n_released counts the first (may be NULL). labs NULL: every region stubbed. */
int lg_handout_stage_text(const char *name, const char *text, size_t len, const lg_handout_labs *labs,
                          char **out, size_t *out_len, size_t *n_regions, size_t *n_released, FILE *err);

/* The students' README.md of the release, from the template
 * core/course/handout/README.student.md of root (NULL when root has none):
 * its lines `<!-- if PATH -->` ... `<!-- end if -->` kept only when PATH is
 * among the release's files, @LAB@ the lab of the stage (or the first lab),
 * @LABS@ the table of the labs that ship. */
char *lg_handout_readme(const char *root, const lg_handout_labs *labs, const lg_handout_file *files, size_t n,
                        size_t *len);
/* The handout's Makefile: warnings of the student files shown, not fatal
 * (STUDENT_WERROR emptied). A new buffer, or NULL when there is nothing to change. */
char *lg_handout_makefile(const char *text, size_t len, size_t *out_len);

/* OUTDIR/HANDOUT.md: what a student does with the release (the labs that ship). */
int lg_handout_write_guide(const char *outdir, const lg_handout_file *files, size_t n, const lg_handout_labs *labs);

#endif /* LG_HANDOUT_H */
