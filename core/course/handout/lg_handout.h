/*
 * lg_handout.h - the pieces of `litgan handout` (core/course/handout/):
 * handout.c the command (stubbing, the run), tree.c the files.
 */
#ifndef LG_HANDOUT_H
#define LG_HANDOUT_H

#include "lg_course.h"

#include <sys/types.h>

/* One file of the release. */
typedef struct lg_handout_file {
    char *rel;
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
/* OUTDIR/HANDOUT.md: what a student does with the release. */
int lg_handout_write_guide(const char *outdir, const lg_handout_file *files, size_t n);

#endif /* LG_HANDOUT_H */
