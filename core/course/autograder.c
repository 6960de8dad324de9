/*
 * autograder.c - lg_autograder_run (`litgan autograder NN OUT.zip`): a
 * Gradescope autograder package for one lab.
 *
 * Gradescope unpacks the zip into /autograder/source, runs its setup.sh once,
 * as root, when it builds the autograder's image, then, for each submission,
 * run_autograder (copied to /autograder/run_autograder) with the student's
 * files in /autograder/submission; it reads /autograder/results/results.json.
 *
 * What the zip holds: at its top, setup.sh and run_autograder (mode 0755,
 * written here for this lab), and the instructor's source tree - the files of
 * `litgan handout`'s listing (handout/tree.c: `git ls-files --cached --others
 * --exclude-standard` in a git checkout, so no .git, build/, bin/, runs/ or
 * generated reports; elsewhere a walk that skips them) without any handout
 * exclusion: the hidden tests and the reference student files must be there
 * to build the grader. Left out as well: the package itself, grade-all's
 * output folders (grades-*), and a top-level setup.sh or run_autograder of
 * the tree (the generated ones take their place).
 *
 * setup.sh: core/deps.sh (the Debian packages, only those missing), make,
 * a check that the lab's objects were built; then it removes what no grading
 * needs and what a student's code must not read - every lab's reference
 * student files (lab.ini's `files`) and the plugins built from them,
 * labs/NN-name/grade_hidden*.c and check/, tests/, .ci/, .git - and makes the
 * tree readable by root only (chmod -R go-rwx), but for the runner and
 * liblitgan (o+rx) and the folders above them (o+x): where bubblewrap cannot
 * run, the runner executes student code as uid 65534 with what that user can
 * read (README.md, "Gradescope").
 *
 * run_autograder: bin/litgan grade NN --submission /autograder/submission
 * --json /autograder/results/results.json; when the grader fails (an exit
 * status above 1, or no results.json), a results.json with score 0 that says
 * so. The grader's exit status is passed on (2 when it wrote nothing).
 *
 * The zip is made by Info-ZIP's `zip` (Debian package zip) through lg_proc,
 * the names on its standard input (-@) in batches, into a private folder
 * beside OUT, then renamed to OUT: never seen half written, and readable by
 * its owner only (0600: it holds the solutions and the hidden tests).
 */
#include "lg_course.h"
#include "handout/lg_handout.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------- scripts --- */

/* s as one word of sh: single-quoted, a ' as '\''. */
static void sh_word(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* Every lab's student files (lab.ini's files), each once. */
static void reference_files(lg_strvec *files)
{
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *l = lg_lab_at(i);
        for (size_t k = 0; k < LG_MAX_LAB_FILES && l->files[k]; k++) {
            bool seen = false;
            for (size_t j = 0; j < files->n && !seen; j++)
                seen = !strcmp(files->w[j], l->files[k]);
            if (!seen)
                lg_strvec_push(files, l->files[k]);
        }
    }
}

static int write_setup(const char *path, const lg_lab *lab, const char *root)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    lg_strvec refs = { 0 };
    reference_files(&refs);
    fprintf(f,
            "#!/bin/sh\n"
            "# setup.sh - the Gradescope autograder of litgan's Lab %02d (%s), made by\n"
            "# `litgan autograder` (litgan %s) from %s.\n"
            "# Gradescope runs it once, as root, when it builds the autograder's image, in\n"
            "# /autograder/source (this folder): it installs the Debian packages litgan needs,\n"
            "# builds litgan, removes what no grading needs and what student code must not\n"
            "# read, and leaves the tree readable by root only but for the runner.\n"
            "set -eu\n"
            "cd \"$(dirname \"$0\")\"\n"
            "echo \"setup.sh: the Debian packages (core/deps.sh installs those missing)\"\n"
            "sh core/deps.sh\n"
            "echo \"setup.sh: building litgan\"\n"
            "make -j\"$(nproc)\"\n",
            lab->number, lab->dir, lg_version(), root);
    /* make goes on when a lab does not compile: this lab must have */
    fprintf(f, "for f in build/lib/litgan/litgan-runner build/lib/liblitgan.so bin/litgan");
    const char *objs[] = { "lab.so", lab->has_hidden ? "hidden.so" : NULL, lab->child ? "child.so" : NULL };
    for (size_t i = 0; i < 3; i++)
        if (objs[i]) {
            char p[PATH_MAX];
            snprintf(p, sizeof p, "build/labs/%s/%s", lab->dir, objs[i]);
            fputc(' ', f);
            sh_word(f, p);
        }
    fprintf(f, "; do\n");
    fprintf(f,
            "    [ -f \"$f\" ] || { echo \"setup.sh: $f was not built (make's errors are above)\" >&2; exit 1; }\n"
            "done\n"
            "echo \"setup.sh: removing the reference solutions, the hidden tests' sources, the tests, git\"\n"
            "# every lab's reference student files (lab.ini's files) and the plugins built from them\n"
            "rm -f");
    for (size_t i = 0; i < refs.n; i++) {
        fputc(' ', f);
        sh_word(f, refs.w[i]);
    }
    fprintf(f, "\nrm -f");
    for (size_t i = 0; i < refs.n; i++) {
        size_t n = strlen(refs.w[i]);
        if (!strncmp(refs.w[i], "plugins/", 8) && !strchr(refs.w[i] + 8, '/') && n > 10 &&
            !strcmp(refs.w[i] + n - 2, ".c")) {
            char so[PATH_MAX];
            snprintf(so, sizeof so, "build/plugins/%.*s.so", (int)(n - 10), refs.w[i] + 8);
            fputc(' ', f);
            sh_word(f, so);
        }
    }
    fprintf(f,
            "\n"
            "# the hidden tests' sources (built into hidden.so), the labs' check data (mutants\n"
            "# quote the solutions), the test suite, CI, git\n"
            "rm -f labs/*/grade_hidden*.c\n"
            "rm -rf labs/*/check tests .ci .git build-san runs\n"
            "echo \"setup.sh: the tree is root's alone but for the runner and liblitgan\"\n"
            "chmod -R go-rwx .\n"
            "chmod go+x . build build/lib build/lib/litgan\n"
            "chmod go+rx build/lib/litgan/litgan-runner build/lib/liblitgan.so\n"
            "echo \"setup.sh: ready: run_autograder grades lab %02d (bin/litgan grade %02d)\"\n",
            lab->number, lab->number);
    lg_strvec_free(&refs);
    if (fclose(f) != 0)
        return lg_seterr(LG_EIO, "%s: write failed", path);
    chmod(path, 0755);
    return LG_OK;
}

static int write_run(const char *path, const lg_lab *lab)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f,
            "#!/bin/sh\n"
            "# run_autograder - the Gradescope autograder of litgan's Lab %02d (%s), made by\n"
            "# `litgan autograder` (litgan %s). Gradescope runs it (as /autograder/run_autograder)\n"
            "# for each submission, the student's files in /autograder/submission. It writes\n"
            "# /autograder/results/results.json in every case: the grader's, or, when the grader\n"
            "# itself fails, one with score 0 that says so. Exit status: the grader's (0 every\n"
            "# test passed, 1 a test failed, 2 the grader failed).\n"
            "results=/autograder/results/results.json\n"
            "mkdir -p /autograder/results\n"
            "rm -f \"$results\"\n"
            "log=$(mktemp 2>/dev/null) || log=\"\"\n"
            "cd /autograder/source &&\n"
            "    OPENBLAS_NUM_THREADS=1 bin/litgan grade %02d --submission /autograder/submission \\\n"
            "        --json \"$results\" 2>\"${log:-/dev/null}\"\n"
            "status=$?\n"
            "[ -n \"$log\" ] && cat \"$log\" >&2\n"
            "if [ \"$status\" -gt 1 ] || [ ! -s \"$results\" ]; then\n"
            "    [ \"$status\" -eq 0 ] && status=2\n"
            "    # the grader's last lines as a JSON string: printable ASCII, \\ and \" escaped\n"
            "    why=$([ -n \"$log\" ] && tail -n 5 \"$log\" | LC_ALL=C tr -d '\\000-\\010\\013-\\037\\177-\\377' | tr '\\t' ' ' |\n"
            "        sed -e 's/\\\\/\\\\\\\\/g' -e 's/\"/\\\\\"/g' -e 's/$/\\\\n/' | tr -d '\\n')\n"
            "    printf '{\"score\": 0, \"tests\": [], \"output\": \"%%s\\\\n%%s\"}\\n' \"The autograder could not grade \\\n"
            "this submission (litgan grade exited with status $status). Please tell your instructor.\" \\\n"
            "        \"$why\" > \"$results\"\n"
            "fi\n"
            "[ -n \"$log\" ] && rm -f \"$log\"\n"
            "exit \"$status\"\n",
            lab->number, lab->dir, lg_version(), lab->number);
    if (fclose(f) != 0)
        return lg_seterr(LG_EIO, "%s: write failed", path);
    chmod(path, 0755);
    return LG_OK;
}

/* ------------------------------------------------------------- the zip --- */

/* zip -q -X -y ZIP -@ in cwd, the names (one a line) on its standard input. */
static int zip_names(const char *zip, const char *cwd, const char *names, size_t n)
{
    char *argv[] = { "zip", "-q", "-X", "-y", (char *)zip, "-@", NULL };
    lg_proc_spec spec = { .argv = argv, .cwd = cwd, .in = names, .n_in = n, .capture = LG_PROC_OUT | LG_PROC_ERR,
                          .out_cap = 2048, .what = "zip", .timeout = 600 };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK)
        return lg_seterr(LG_EIO, "cannot run zip (%s)", lg_errmsg());
    int rc = LG_OK;
    if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127)
        rc = lg_seterr(LG_EIO, "zip is not installed: sh core/deps.sh installs it (Debian package zip)");
    else if (!lg_proc_exited_ok(&r)) {
        char *nl = strchr(r.out, '\n');
        if (nl)
            *nl = '\0';
        rc = lg_seterr(LG_EIO, "zip failed (exit status %d): %s", WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1,
                       r.out[0] ? r.out : "no message");
    }
    lg_proc_result_free(&r);
    return rc;
}

/* The files into zip, batches of names that fit a pipe. */
static int zip_files(const char *zip, const char *cwd, const lg_strvec *files)
{
    char buf[LG_PROC_IN_MAX];
    size_t len = 0;
    for (size_t i = 0; i <= files->n; i++) {
        size_t l = i < files->n ? strlen(files->w[i]) + 1 : 0;
        if (len && (i == files->n || len + l > sizeof buf)) {
            int rc = zip_names(zip, cwd, buf, len);
            if (rc != LG_OK)
                return rc;
            len = 0;
        }
        if (i < files->n) {
            LG_ASSERT(l <= sizeof buf, "a path fits a pipe");
            memcpy(buf + len, files->w[i], l - 1);
            buf[len + l - 1] = '\n';
            len += l;
        }
    }
    return LG_OK;
}

/* -------------------------------------------------------------- the run --- */

/* The tree's files to ship (relative to root), counted in *n_skipped when left out. */
static void bundle_list(const char *root, const char *out_rel, lg_strvec *ship, bool *used_git, size_t *n_skipped)
{
    lg_strvec files = { 0 }, pats = { 0 };
    lg_handout_list(root, &files, used_git);
    lg_strvec_push(&pats, "grades-*/"); /* grade-all's output: students' grades */
    lg_strvec_push(&pats, "setup.sh");
    lg_strvec_push(&pats, "run_autograder");
    lg_strvec_push(&pats, "reports/readme/"); /* the README's pictures: nothing a grader runs */
    *n_skipped = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = files.w[i];
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue; /* tracked, but deleted in the working tree */
        if (!strcmp(rel, out_rel) || lg_handout_excluded(rel, &pats) || strchr(rel, '\n') ||
            !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
            (*n_skipped)++;
            continue;
        }
        lg_strvec_push(ship, rel);
    }
    lg_strvec_free(&files);
    lg_strvec_free(&pats);
}

static bool has(const lg_strvec *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->w[i], s))
            return true;
    return false;
}

int lg_autograder_run(const lg_lab *lab, const char *out_zip, bool force, FILE *log)
{
    char root[PATH_MAX], dir[PATH_MAX], dir_real[PATH_MAX];
    if (!realpath(lab->root, root))
        return lg_seterr(LG_EIO, "%s: the source root is not readable (%s)", lab->root, strerror(errno));
    const char *need[] = { "Makefile", "core/deps.sh", "core/include/litgan.h" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        char p[PATH_MAX + 64];
        snprintf(p, sizeof p, "%s/%s", root, need[i]);
        if (access(p, R_OK) != 0)
            return lg_seterr(LG_EINVAL, "%s is not a litgan source tree (no %s): the package builds litgan "
                                        "from source; run the litgan built in the instructor's tree",
                             root, need[i]);
    }
    /* OUT: a new file (or, with force, a file to replace) in a folder that exists */
    struct stat st;
    if (lstat(out_zip, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return lg_seterr(LG_EINVAL, "%s exists and is not a regular file", out_zip);
        if (!force)
            return lg_seterr(LG_EINVAL, "%s exists: name a new file, or add --force to replace it", out_zip);
    }
    snprintf(dir, sizeof dir, "%s", out_zip);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : out_zip;
    if (slash)
        slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
    else
        snprintf(dir, sizeof dir, ".");
    if (!*base)
        return lg_seterr(LG_EINVAL, "%s names a folder: name the zip file, e.g. lab01-autograder.zip", out_zip);
    if (!realpath(dir, dir_real))
        return lg_seterr(LG_EIO, "%s: the folder of %s cannot be used (%s)", dir, out_zip, strerror(errno));
    char out_abs[PATH_MAX + 256], out_rel[PATH_MAX + 256] = "";
    snprintf(out_abs, sizeof out_abs, "%s/%s", dir_real, base);
    size_t rl = strlen(root);
    if (!strncmp(out_abs, root, rl) && out_abs[rl] == '/')
        snprintf(out_rel, sizeof out_rel, "%s", out_abs + rl + 1);

    lg_strvec ship = { 0 };
    bool used_git;
    size_t n_skipped;
    bundle_list(root, out_rel, &ship, &used_git, &n_skipped);
    char ini[PATH_MAX];
    snprintf(ini, sizeof ini, "labs/%s/lab.ini", lab->dir);
    if (!has(&ship, ini)) {
        lg_strvec_free(&ship);
        return lg_seterr(LG_EINVAL, "%s/%s is not among the tree's files (%s): is it ignored by git?", root, ini,
                         used_git ? "git ls-files" : "walked");
    }

    /* the package, made in a private folder beside OUT, then renamed */
    char tmp[PATH_MAX + 64], zip[PATH_MAX + 96], path[PATH_MAX + 96];
    snprintf(tmp, sizeof tmp, "%s/.litgan-autograder-XXXXXX", dir_real);
    if (!mkdtemp(tmp)) {
        lg_strvec_free(&ship);
        return lg_seterr(LG_EIO, "%s: cannot make a folder for the package (%s)", dir_real, strerror(errno));
    }
    snprintf(zip, sizeof zip, "%s/package.zip", tmp);
    snprintf(path, sizeof path, "%s/setup.sh", tmp);
    int rc = write_setup(path, lab, root);
    if (rc == LG_OK) {
        snprintf(path, sizeof path, "%s/run_autograder", tmp);
        rc = write_run(path, lab);
    }
    static const char top[] = "setup.sh\nrun_autograder\n";
    if (rc == LG_OK)
        rc = zip_names(zip, tmp, top, sizeof top - 1);
    if (rc == LG_OK)
        rc = zip_files(zip, root, &ship);
    /* it holds the solutions and the hidden tests: its owner's, as the grade files are */
    if (rc == LG_OK && (chmod(zip, 0600) != 0 || stat(zip, &st) != 0 || rename(zip, out_abs) != 0))
        rc = lg_seterr(LG_EIO, "%s: cannot write (%s)", out_zip, strerror(errno));
    if (rc == LG_OK)
        fprintf(log, "litgan autograder: %s: lab %02d (%s) for Gradescope, %.0f KiB: setup.sh, run_autograder and "
                     "%zu files of %s (%s; %zu left out); upload it as the autograder of a programming "
                     "assignment (an Ubuntu base image)\n",
                out_zip, lab->number, lab->dir, (double)st.st_size / 1024, ship.n, root,
                used_git ? "git ls-files" : "walked", n_skipped);
    lg_rm_rf(tmp);
    lg_strvec_free(&ship);
    return rc;
}
