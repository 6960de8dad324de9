/*
 * gradefiles.h - what the suites of the grader's files share
 * (tests/test_gradefiles.c: what the grader reads and where it builds;
 * tests/test_gradeout.c: what it writes). Both grade Lab 01 submissions with
 * bin/litgan itself, TMPDIR pointing at a folder of theirs (gf_tmp).
 */
#ifndef LG_TEST_GRADEFILES_H
#define LG_TEST_GRADEFILES_H

#include "lg_test.h"
#include "lg_course.h"
#include "grade/grade_impl.h"

/* The suites' temporary base (TMPDIR of the graders they run): 0711, so the
 * compiler, run as nobody when we are root, gets through to its folder;
 * gf_cleanup asserts no build folder is left there and removes it. */
const char *gf_tmp(void);
void gf_cleanup(void);
char *gf_path(const char *rel); /* gf_tmp()/rel, in one of 8 buffers used in turn */
/* A file name in dir (made if need be): n bytes of text; a string; the
 * reference solution's gan.c or optimal.c. */
void gf_put(const char *dir, const char *name, const char *text, size_t n);
void gf_put_str(const char *dir, const char *name, const char *text);
void gf_put_ref(const char *dir, const char *name);
char *gf_slurp(const char *path, size_t *n); /* NULL when missing; caller frees */

/* bin/litgan ARGS... (NULL-ended) with TMPDIR = gf_tmp() and short limits:
 * the exit status, 100 + a signal, or -1 (timed out, not started); stdout and
 * stderr together in *out (may be NULL; caller frees). gf_setup and gf_watch
 * are its proc hooks, for a grader run by hand (ctx: a gf_env). */
typedef struct gf_env {
    const char *limits;       /* LITGAN_GRADE_LIMITS; NULL: cpu=5,wall=5 */
    pid_t pid;                /* the grader's, once the watch has run */
} gf_env;
void gf_setup(void *ctx);
bool gf_watch(pid_t pid, void *ctx);
int gf_litgan(const char *const *args, double timeout, char **out);

/* The build folders (litgan-build-*) in gf_tmp(): how many, their names. */
size_t gf_build_folders(lg_strvec *names);
/* Assert s[0..n) is valid UTF-8 without C0 (but newlines when nl), DEL, C1
 * or bidirectional overrides: an independent check of the sanitiser. */
void gf_assert_clean(const char *what, const char *s, size_t n, bool nl);
mode_t gf_mode_of(const char *path); /* permission bits, or (mode_t)-1 */

#endif
