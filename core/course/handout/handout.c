/*
 * handout.c - lg_handout_run (`litgan handout OUTDIR`): the student release of
 * the source tree.
 *
 * What is copied: the tree's tracked-style content (`git ls-files --cached
 * --others --exclude-standard` in a git checkout, so new files not yet
 * committed come along and ignored ones do not; elsewhere a walk that skips
 * build/, build-san/, bin/, runs/ and reports/ except reports/templates/).
 * What is left out (instructor material): tests/ (unit tests, hostile
 * plugins, mutants), .ci/, reports/readme/ (the README's pictures),
 * labs/NN-name/grade_hidden*.c and check/, and what a
 * labs/NN-name/handout-exclude file lists (one path or glob a line, relative
 * to that lab's folder, or to the source root when it starts with '/';
 * a trailing '/' names a folder; '#' starts a comment).
 *
 * Solution regions. In every text file a region
 *       / * BEGIN SOLUTION Task 1.1 * /     (here and below without the spaces
 *       ... reference code ...               between '/' and '*', so that this
 *       / * END SOLUTION * /                 file is no region itself)
 *       / * STUB return lg_todo_node(g, "Task 1.1"); * /
 * becomes, with the indentation of the BEGIN line,
 *       / * TODO Task 1.1: your code here * /
 *       return lg_todo_node(g, "Task 1.1");
 * The marker grammar and its errors (one line each, with file and line) are
 * markers.c's (lg_markers_scan). Nothing is written while any file has an
 * error. After writing, every file under OUTDIR is scanned again (tree.c): a
 * surviving solution marker fails the command.
 *
 * With a stage (--lab NN, stage.c) the regions of the labs before NN are
 * released instead - their code kept, the marker lines gone - and the labs
 * after NN are left out. In every release README.md is the students' (from
 * core/course/handout/README.student.md, readme.c) and the Makefile's
 * STUDENT_WERROR is emptied: the student files' warnings are shown, not fatal.
 */
#include "lg_handout.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --------------------------------------------------------------- stubs --- */

int lg_handout_stub_text(const char *name, const char *text, size_t len, char **out,
                         size_t *out_len, size_t *n_regions, FILE *err)
{
    return lg_handout_stage_text(name, text, len, NULL, out, out_len, n_regions, NULL, err);
}

int lg_handout_stage_text(const char *name, const char *text, size_t len, const lg_handout_labs *labs,
                          char **out, size_t *out_len, size_t *n_regions, size_t *n_released, FILE *err)
{
    lg_regions rg;
    int rc = lg_markers_scan(name, text, len, &rg, err);
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (n_regions)
        *n_regions = 0;
    if (n_released)
        *n_released = 0;
    if (rc != LG_OK) {
        lg_regions_free(&rg);
        return rc;
    }
    char *buf = NULL;
    size_t buf_len = 0, regions = 0, released = 0, at = 0;
    FILE *o = open_memstream(&buf, &buf_len);
    LG_ASSERT(o, "open_memstream");
    for (size_t i = 0; i < rg.n; i++) {
        const lg_region *g = &rg.v[i];
        if (g->kind != LG_REGION_SOLUTION)
            continue;
        fwrite(text + at, 1, g->start - at, o); /* the text before it */
        if (lg_handout_region_released(labs, g->name)) {
            /* an earlier lab's: its reference code, as it stands */
            fwrite(text + g->body, 1, g->body_len, o);
            released++;
        } else {
            /* the stub, indented as the BEGIN line */
            const char *ind = text + g->start;
            fprintf(o, "%.*s/* TODO Task %s: your code here */%s", (int)g->indent, ind, g->name, g->open_eol);
            fprintf(o, "%.*s%.*s%s", (int)g->indent, ind, (int)g->stub_len, text + g->stub, g->stub_eol);
            regions++;
        }
        at = g->end;
    }
    fwrite(text + at, 1, len - at, o);
    fclose(o);
    lg_regions_free(&rg);
    *out = buf;
    if (out_len)
        *out_len = buf_len;
    if (n_regions)
        *n_regions = regions;
    if (n_released)
        *n_released = released;
    return LG_OK;
}

/* -------------------------------------------------------------- the run --- */

/* No entries in dir (or no folder to list); *exists unless it is not there. */
static bool dir_is_empty(const char *dir, bool *exists)
{
    lg_strvec names = { 0 };
    bool listed = lg_dir_list(dir, &names) == LG_OK;
    *exists = listed || errno != ENOENT;
    bool empty = names.n == 0;
    lg_strvec_free(&names);
    return empty;
}

/* Is b equal to a or inside it (both canonical absolute paths)? */
static bool path_within(const char *b, const char *a)
{
    size_t la = strlen(a);
    return !strncmp(a, b, la) && (b[la] == '\0' || b[la] == '/' || (la == 1 && a[0] == '/'));
}

int lg_handout_run(const char *root, const char *outdir, bool force, FILE *log)
{
    return lg_handout_release(root, outdir, 0, force, log);
}

/* "01, 02" into buf: the labs there are. */
static const char *lab_numbers(const lg_handout_labs *labs, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < labs->n; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%02d", i ? ", " : "", labs->v[i].number);
    return labs->n ? buf : "none";
}

int lg_handout_release(const char *root, const char *outdir, int stage, bool force, FILE *log)
{
    char root_real[PATH_MAX], out_real[PATH_MAX];
    if (!realpath(root, root_real))
        return lg_seterr(LG_EIO, "%s: the source root is not readable (%s)", root, strerror(errno));
    lg_strvec files = { 0 }, pats = { 0 };
    bool used_git;
    lg_handout_list(root_real, &files, &used_git);
    lg_handout_labs labs;
    lg_handout_labs_read(root_real, &files, &labs);
    labs.stage = stage;
    lg_handout_file *outs = NULL;
    size_t n_out = 0;
    int rc = LG_OK;
    bool exists = false;
    if (stage && !lg_handout_labs_find(&labs, stage)) {
        char nums[256];
        rc = lg_seterr(LG_EINVAL, "--lab %02d: no such lab in %s/labs (labs: %s)", stage, root_real,
                       lab_numbers(&labs, nums, sizeof nums));
        goto done;
    }
    bool empty = dir_is_empty(outdir, &exists);
    if (exists && !empty && !force) {
        rc = lg_seterr(LG_EINVAL, "%s exists and is not empty: name a new folder, or add --force", outdir);
        goto done;
    }
    if (exists) {
        struct stat st;
        if (stat(outdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = lg_seterr(LG_EINVAL, "%s exists and is not a folder", outdir);
            goto done;
        }
    }
    /* where OUTDIR will be, to refuse the source tree itself (even with --force) */
    if ((rc = lg_mkdir_p(outdir)) != LG_OK)
        goto done;
    if (!realpath(outdir, out_real)) {
        rc = lg_seterr(LG_EIO, "%s: cannot resolve (%s)", outdir, strerror(errno));
        goto done;
    }
    if (path_within(root_real, out_real)) {
        if (!exists)
            rmdir(outdir);
        rc = lg_seterr(LG_EINVAL, "%s is the source tree or holds it: the handout would overwrite the solutions",
                       outdir);
        goto done;
    }
    /* the handout folder inside the tree is no part of the tree */
    char out_rel[PATH_MAX] = "";
    if (path_within(out_real, root_real))
        snprintf(out_rel, sizeof out_rel, "%s/", out_real + strlen(root_real) + 1);
    lg_handout_exclusions(root_real, &files, &pats);

    outs = lg_xcalloc(files.n + 1, sizeof *outs);
    size_t n_left_out = 0, n_later = 0, n_regions = 0, n_released = 0, n_stubbed_files = 0, n_bad_files = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = files.w[i];
        if ((*out_rel && !strncmp(rel, out_rel, strlen(out_rel))) || !strcmp(rel, "HANDOUT.md"))
            continue;
        if (lg_handout_excluded(rel, &pats)) {
            n_left_out++;
            continue;
        }
        if (lg_handout_left_out(&labs, rel)) { /* a later lab's */
            n_later++;
            continue;
        }
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root_real, rel);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue; /* tracked, but deleted in the working tree */
        lg_handout_file *f = &outs[n_out];
        f->rel = files.w[i];
        f->mode = st.st_mode;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t tl = readlink(path, target, sizeof target - 1);
            if (tl < 0)
                continue;
            f->link = true;
            f->data = lg_xmalloc((size_t)tl + 1);
            memcpy(f->data, target, (size_t)tl);
            f->data[tl] = '\0';
            f->len = (size_t)tl;
            n_out++;
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue; /* a submodule or a socket: not content */
        size_t len;
        char *data = lg_read_file(path, &len);
        if (!data) {
            fprintf(log, "%s: cannot read (%s)\n", rel, strerror(errno));
            n_bad_files++;
            continue;
        }
        if (lg_handout_is_text(data, len)) {
            char *stubbed;
            size_t slen, released;
            if (lg_handout_stage_text(rel, data, len, &labs, &stubbed, &slen, &f->regions, &released, log) !=
                LG_OK) {
                n_bad_files++;
                free(data);
                continue;
            }
            free(data);
            data = stubbed;
            len = slen;
            n_regions += f->regions;
            n_released += released;
            n_stubbed_files += f->regions > 0;
            char *mk = !strcmp(rel, "Makefile") ? lg_handout_makefile(data, len, &slen) : NULL;
            if (mk) {
                free(data);
                data = mk;
                len = slen;
            }
        }
        f->data = data;
        f->len = len;
        n_out++;
    }
    if (n_bad_files) {
        rc = lg_seterr(LG_EFORMAT, "%zu file%s with errors (listed above); nothing was written", n_bad_files,
                       n_bad_files > 1 ? "s" : "");
        if (!exists)
            rmdir(outdir);
        goto done;
    }
    /* the students' README.md in place of the instructor's */
    size_t readme_len;
    char *readme = lg_handout_readme(root_real, &labs, outs, n_out, &readme_len);
    bool own_readme = readme != NULL;
    if (readme) {
        size_t k = 0;
        while (k < n_out && strcmp(outs[k].rel, "README.md") != 0)
            k++;
        if (k == n_out) {
            outs[n_out].rel = "README.md";
            outs[n_out].mode = S_IFREG | 0644;
            n_out++;
        }
        free(outs[k].data);
        outs[k].data = readme;
        outs[k].len = readme_len;
    }
    for (size_t i = 0; i < n_out && rc == LG_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", out_real, outs[i].rel);
        rc = lg_handout_write_file(path, &outs[i]);
    }
    if (rc == LG_OK)
        rc = lg_handout_write_guide(out_real, outs, n_out, &labs);
    if (rc == LG_OK) {
        size_t left = lg_handout_scan_tree(out_real, log);
        if (left)
            rc = lg_seterr(LG_EFORMAT, "%zu marker%s survived in %s (listed above): this handout would leak solutions",
                           left, left > 1 ? "s" : "", outdir);
    }
    if (rc == LG_OK) {
        char staged[512] = "";
        if (stage)
            snprintf(staged, sizeof staged, "; lab %02d's stage: %zu solution region%s of the labs before it "
                     "released, %zu file%s of the labs after it left out", stage, n_released,
                     n_released == 1 ? "" : "s", n_later, n_later == 1 ? "" : "s");
        fprintf(log, "litgan handout: %s: %zu files from %s (%s), %zu solution region%s stubbed in %zu file%s, "
                     "%zu instructor file%s left out%s; see %s/%s\n",
                outdir, n_out, root_real, used_git ? "git ls-files" : "walked", n_regions, n_regions == 1 ? "" : "s",
                n_stubbed_files, n_stubbed_files == 1 ? "" : "s", n_left_out, n_left_out == 1 ? "" : "s", staged,
                outdir, own_readme ? "README.md" : "HANDOUT.md");
    }
done:
    for (size_t i = 0; i < n_out; i++)
        free(outs[i].data);
    free(outs);
    lg_strvec_free(&files);
    lg_strvec_free(&pats);
    lg_handout_labs_free(&labs);
    return rc;
}
