/*
 * pack.c - lg_pack_run (`litgan pack NN`): the student's submission archive
 * of a lab, from the source tree as it stands.
 *
 * The archive is a zip laid out as `litgan grade NN --submission DIR` and
 * Gradescope read a submission: at its top, the lab's student files by
 * basename (gan.c, optimal.c, ...), answers.md (the written answers) and,
 * when `litgan weave NN` has made it, the report as report.html. Nothing else:
 * no folders, no build outputs.
 *
 * answers.md is required and must answer something. It is read as `litgan
 * weave` reads it (lg_answers_parse, core/course/answers.c): a section per
 * "## " heading (and "# Question N" / "# Task N.M"), its answer being what is
 * under it without the block quote that restates the question and without
 * HTML comments (the template's prompts): what the report would show as the
 * answer. A file without a heading, or with no answer under any heading, is
 * the untouched template and is refused; each heading still without an answer
 * is named with its line and packed. (There is no pristine template to compare
 * with in a student's tree: the student edits the one copy; so the rule is the
 * template's shape, which every lab's shipped answers.md has.)
 *
 * The report is optional: a line says when it is missing, or older than a
 * student file or answers.md (it would show other code or answers than the
 * ones packed), and that `litgan weave NN` makes it.
 *
 * Before the archive is put where it is asked for, it is checked as a grader
 * would see it: unpacked (Info-ZIP's unzip) into a private folder and graded
 * there with lg_grade_lab, in the sandbox. A student file that does not
 * compile refuses the archive with the compiler's first error; tests that
 * fail do not (partial work is still work to hand in): the score is said.
 * The zip is made in a private folder beside the target and renamed onto it:
 * never seen half written, and an existing file is replaced only with force.
 */
#include "lg_answers.h"
#include "lg_course.h"
#include "grade/grade_impl.h" /* lg_grade_pts, lg_sbx_base_name */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PACK_ANSWERS "answers.md"
#define PACK_REPORT "report.html"

/* ------------------------------------------------------------ answers.md --- */

/* answers.md read and checked: LG_OK (unanswered headings named on log), or
 * LG_EINVAL with what to do. */
static int answers_check(const lg_lab *lab, const char *path, const char *rel, FILE *log)
{
    size_t len = 0;
    char *text = lg_read_file(path, &len);
    if (!text)
        return lg_seterr(LG_EIO, "%s cannot be read: %s", rel, strerror(errno));
    lg_answers a;
    lg_answers_parse(text, &a);
    free(text);
    size_t answered = 0;
    for (size_t i = 0; i < a.n; i++)
        answered += lg_answer_written(&a.v[i]);
    int rc = LG_OK;
    if (a.n == 0)
        rc = lg_seterr(LG_EINVAL, "%s has no '## ' heading: write one per question of the writeup "
                       "(labs/%s/README.md, Questions) with your answer under it", rel, lab->dir);
    else if (answered == 0)
        rc = lg_seterr(LG_EINVAL, "%s is still the template: none of its %zu headings has an answer under it "
                       "(the quoted question and the <!-- prompts --> do not count); write your answers, then "
                       "pack again", rel, a.n);
    for (size_t i = 0; rc == LG_OK && i < a.n; i++)
        if (!lg_answer_written(&a.v[i]))
            fprintf(log, "litgan pack: %s:%zu: no answer yet under '%s %s'\n", rel, a.v[i].line,
                    a.v[i].level == 1 ? "#" : "##", a.v[i].heading);
    lg_answers_free(&a);
    return rc;
}

/* ------------------------------------------------------------ the files --- */

typedef struct pack_file {
    char from[PATH_MAX];      /* in the source tree */
    char rel[PATH_MAX];       /* as the messages name it */
    char name[256];           /* in the archive */
    off_t size;
    struct timespec mtime;
} pack_file;

static int add_file(pack_file *f, const char *root, const char *rel, const char *name)
{
    snprintf(f->from, sizeof f->from, "%s/%s", root, rel);
    snprintf(f->rel, sizeof f->rel, "%s", rel);
    snprintf(f->name, sizeof f->name, "%s", name);
    struct stat st;
    if (stat(f->from, &st) != 0)
        return lg_seterr(LG_EINVAL, "%s is missing from the source tree (%s)", rel, root);
    if (!S_ISREG(st.st_mode))
        return lg_seterr(LG_EINVAL, "%s is not a regular file", f->from);
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    return LG_OK;
}

static bool older(struct timespec a, struct timespec b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* ---------------------------------------------------------- zip, unzip --- */

/* A tool (zip or unzip) in cwd; LG_EIO with its first line when it fails. */
static int run_tool(char *const argv[], const char *cwd)
{
    lg_proc_spec spec = { .argv = argv, .cwd = cwd, .capture = LG_PROC_OUT | LG_PROC_ERR, .out_cap = 2048,
                          .what = argv[0], .timeout = 120 };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK)
        return lg_seterr(LG_EIO, "cannot run %s (%s)", argv[0], lg_errmsg());
    int rc = LG_OK;
    if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127)
        rc = lg_seterr(LG_EIO, "%s is not installed: sh core/deps.sh installs it (Debian package %s)", argv[0],
                       argv[0]);
    else if (!lg_proc_exited_ok(&r)) {
        r.out[strcspn(r.out, "\n")] = '\0';
        rc = lg_seterr(LG_EIO, "%s failed: %s", argv[0], r.out[0] ? r.out : "no message");
    }
    lg_proc_result_free(&r);
    return rc;
}

/* ------------------------------------------------------------- the check --- */

/* Grade the unpacked archive: LG_OK with the score, or LG_EINVAL when a file
 * does not compile (the compiler's first error). */
static int check_grades(const lg_lab *lab, const char *dir, double *score, double *max)
{
    char *table = NULL;
    size_t table_len = 0;
    FILE *mem = open_memstream(&table, &table_len);
    if (!mem)
        return lg_seterr(LG_EIO, "out of memory");
    int rc = lg_grade_lab(lab, dir, NULL, mem, score, max);
    fclose(mem);
    free(table); /* `litgan grade NN` shows the same table */
    if (rc != LG_OK && rc != LG_EINVAL)
        return rc;
    if (rc == LG_OK)
        return LG_OK;
    /* a test failed: because a file does not compile? */
    lg_submission sub;
    if ((rc = lg_submission_build(lab, dir, &sub)) != LG_OK)
        return rc;
    for (size_t i = 0; rc == LG_OK && i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub.compile_error[i][0])
            rc = lg_seterr(LG_EINVAL, "%s does not compile, so the archive would score nothing for it: %s "
                           "(litgan grade %02d shows the same)", lab->files[i], sub.compile_error[i], lab->number);
    lg_submission_free(&sub);
    return rc;
}

/* ------------------------------------------------------------------ run --- */

static const char *human_size(char *buf, size_t cap, double bytes)
{
    if (bytes < 1024)
        snprintf(buf, cap, "%.0f bytes", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, cap, "%.1f KiB", bytes / 1024);
    else
        snprintf(buf, cap, "%.1f MiB", bytes / (1024 * 1024));
    return buf;
}

/* The target: a new file (or, with force, a regular file to replace) in a
 * folder that exists; its folder's real path in dir, its name in base. */
static int check_target(const char *out, bool force, char *dir, size_t dcap, const char **base)
{
    struct stat st;
    if (lstat(out, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return lg_seterr(LG_EINVAL, "%s exists and is not a regular file: name the zip with --out FILE", out);
        if (!force)
            return lg_seterr(LG_EINVAL, "%s exists: add --force to replace it, or name another with --out FILE",
                             out);
    }
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s", out);
    char *slash = strrchr(d, '/');
    *base = slash ? out + (slash - d) + 1 : out;
    if (!**base)
        return lg_seterr(LG_EINVAL, "%s names a folder: name the zip file, e.g. --out lab-01-submission.zip", out);
    if (slash)
        slash == d ? (void)(d[1] = '\0') : (void)(*slash = '\0');
    else
        snprintf(d, sizeof d, ".");
    if (!realpath(d, dir) || strlen(dir) >= dcap)
        return lg_seterr(LG_EIO, "%s: the folder of %s cannot be used (%s)", d, out, strerror(errno));
    return LG_OK;
}

int lg_pack_run(const lg_lab *lab, const char *out_zip, bool force, FILE *log)
{
    char def[64], dir[PATH_MAX];
    if (!out_zip) {
        snprintf(def, sizeof def, "lab-%02d-submission.zip", lab->number);
        out_zip = def;
    }
    const char *base = NULL;
    int rc = check_target(out_zip, force, dir, sizeof dir, &base);
    if (rc != LG_OK)
        return rc;

    /* what goes in: the student files, answers.md, the report if made */
    pack_file files[LG_MAX_LAB_FILES + 2];
    size_t n = 0;
    for (size_t i = 0; rc == LG_OK && i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        rc = add_file(&files[n++], lab->root, lab->files[i], lg_sbx_base_name(lab->files[i]));
    char rel[PATH_MAX];
    if (rc == LG_OK && !lg_lab_answers(lab, rel, sizeof rel))
        rc = lg_seterr(LG_EINVAL, "labs/%s/%s is missing: write your answers there, a '## ' heading per question "
                       "of the writeup, then litgan pack %02d", lab->dir, PACK_ANSWERS, lab->number);
    if (rc == LG_OK && (rc = add_file(&files[n++], lab->root, rel, PACK_ANSWERS)) == LG_OK)
        rc = answers_check(lab, files[n - 1].from, rel, log);
    if (rc != LG_OK)
        return rc;
    char report_rel[PATH_MAX];
    snprintf(report_rel, sizeof report_rel, "reports/%s/index.html", lab->dir);
    pack_file report;
    if (add_file(&report, lab->root, report_rel, PACK_REPORT) != LG_OK) {
        fprintf(log, "litgan pack: no report (%s) to pack: litgan weave %02d makes it (then litgan pack "
                     "%02d --force)\n", report_rel, lab->number, lab->number);
    } else {
        const pack_file *newer = NULL;
        for (size_t i = 0; i < n && !newer; i++)
            if (older(report.mtime, files[i].mtime))
                newer = &files[i];
        if (newer)
            fprintf(log, "litgan pack: the report %s is older than %s: it shows other work than the archive's; "
                         "litgan weave %02d makes it anew (then litgan pack %02d --force)\n",
                    report_rel, newer->rel, lab->number, lab->number);
        files[n++] = report;
    }

    /* the archive, made and checked in a private folder beside the target */
    char tmp[PATH_MAX + 64], stage[PATH_MAX + 96], unpacked[PATH_MAX + 96], zip[PATH_MAX + 96];
    snprintf(tmp, sizeof tmp, "%s/.litgan-pack-XXXXXX", dir);
    if (!mkdtemp(tmp))
        return lg_seterr(LG_EIO, "%s: cannot make a folder for the archive (%s)", dir, strerror(errno));
    snprintf(stage, sizeof stage, "%s/files", tmp);
    snprintf(unpacked, sizeof unpacked, "%s/unpacked", tmp);
    snprintf(zip, sizeof zip, "%s/submission.zip", tmp);
    rc = lg_mkdir_p(stage);
    for (size_t i = 0; rc == LG_OK && i < n; i++) {
        char to[PATH_MAX + 400];
        snprintf(to, sizeof to, "%s/%s", stage, files[i].name);
        rc = lg_copy_file(files[i].from, to);
    }
    char *zargv[LG_MAX_LAB_FILES + 12];
    size_t za = 0;
    zargv[za++] = "zip";
    zargv[za++] = "-q";
    zargv[za++] = "-X"; /* no extra attributes: the same files give the same listing */
    zargv[za++] = "-D"; /* no folder entries */
    zargv[za++] = zip;
    for (size_t i = 0; i < n; i++)
        zargv[za++] = files[i].name;
    zargv[za] = NULL;
    if (rc == LG_OK)
        rc = run_tool(zargv, stage);
    char *uargv[] = { "unzip", "-q", zip, "-d", unpacked, NULL };
    if (rc == LG_OK)
        rc = run_tool(uargv, tmp);

    /* graded as a grader would: the sandbox says so when it is weaker */
    double score = 0, max = 0;
    lg_sandbox_kind sandbox = lg_sandbox_mode();
    if (rc == LG_OK && sandbox == LG_SANDBOX_NONE)
        rc = lg_seterr(LG_EINVAL, "cannot check that the archive grades: %s", lg_sandbox_describe(sandbox));
    if (rc == LG_OK && sandbox == LG_SANDBOX_WEAK)
        fprintf(log, "litgan pack: the sandbox is %s\n", lg_sandbox_describe(sandbox));
    if (rc == LG_OK)
        rc = check_grades(lab, unpacked, &score, &max);

    struct stat st;
    char out_abs[PATH_MAX + 300];
    snprintf(out_abs, sizeof out_abs, "%s/%s", dir, base);
    if (rc == LG_OK && (stat(zip, &st) != 0 || rename(zip, out_abs) != 0))
        rc = lg_seterr(LG_EIO, "%s: cannot write (%s)", out_zip, strerror(errno));
    lg_rm_rf(tmp);
    if (rc != LG_OK)
        return rc;

    char a[32], b[32];
    fprintf(log, "litgan pack: %s, %s, for lab %02d (%s):\n", out_abs, human_size(a, sizeof a, (double)st.st_size),
            lab->number, lab->title);
    for (size_t i = 0; i < n; i++)
        fprintf(log, "  %-14s %10s  from %s\n", files[i].name, human_size(a, sizeof a, (double)files[i].size),
                files[i].rel);
    if (score >= max - 1e-9)
        fprintf(log, "It grades %s / %s points as a submission (the tests; your written answers are graded "
                     "by your instructors). Hand in this file as it is.\n",
                lg_grade_pts(a, sizeof a, score), lg_grade_pts(b, sizeof b, max));
    else
        fprintf(log, "It grades %s / %s points as a submission: litgan grade %02d shows which tests fail. "
                     "Packed all the same; pack again (--force) after a fix.\n",
                lg_grade_pts(a, sizeof a, score), lg_grade_pts(b, sizeof b, max), lab->number);
    return LG_OK;
}
