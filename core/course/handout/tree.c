/*
 * tree.c - the files of `litgan handout`: which files of the source tree go
 * into the release (git's list or a walk, minus the exclusions), writing one,
 * the scan of the written release for surviving markers, and HANDOUT.md.
 */
#include "lg_handout.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }


/* Git's own rule: a file with a NUL byte in its first 8000 bytes is binary. */
bool lg_handout_is_text(const char *data, size_t len)
{
    return memchr(data, '\0', len < 8000 ? len : 8000) == NULL;
}

/* Run argv with stdout into a buffer (stderr dropped, at most 256 MiB);
 * NULL unless it exits 0 with all of it. */
static char *run_capture(char *const argv[], size_t *len)
{
    lg_proc_spec spec = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = (size_t)256 << 20,
                          .discard = LG_PROC_ERR };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK || !lg_proc_exited_ok(&r) || r.out_over) {
        lg_proc_result_free(&r);
        return NULL;
    }
    char *out = r.out; /* the caller's now */
    *len = r.n_out;
    r.out = NULL;
    lg_proc_result_free(&r);
    return out;
}

/* Folders the walk (without git) never enters, relative to the root: the
 * build outputs, runs, generated reports (reports/templates/ stays). */
static bool walk_skips(const char *rel)
{
    static const char *const top[] = { "build", "build-san", "bin", "runs" };
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        if (!strcmp(rel, top[i]))
            return true;
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    if (!strcmp(base, ".git") || !strcmp(base, "__pycache__"))
        return true;
    return !strncmp(rel, "reports/", 8) && !strchr(rel + 8, '/') && strcmp(rel, "reports/templates") != 0;
}

/* The walk without git: every entry but folders (links are not followed)
 * and *.tmp files, relative to the root. */
static int walk_visit(const lg_dir_entry *e, void *files)
{
    size_t ln = strlen(e->name);
    if (S_ISDIR(e->st.st_mode))
        return walk_skips(e->rel) ? LG_DIR_SKIP : LG_DIR_NEXT;
    if (!(ln > 4 && !strcmp(e->name + ln - 4, ".tmp")))
        lg_strvec_push(files, e->rel);
    return LG_DIR_NEXT;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The tree's files, relative to root, sorted. */
void lg_handout_list(const char *root, lg_strvec *files, bool *used_git)
{
    char dotgit[PATH_MAX];
    snprintf(dotgit, sizeof dotgit, "%s/.git", root);
    struct stat st;
    *used_git = false;
    if (stat(dotgit, &st) == 0) {
        char *argv[] = { "git", "-C", (char *)root, "ls-files", "-z", "--cached", "--others",
                         "--exclude-standard", NULL };
        size_t len;
        char *out = run_capture(argv, &len);
        if (out) {
            for (size_t i = 0; i < len; i += strlen(out + i) + 1)
                if (out[i])
                    lg_strvec_push(files, out + i);
            free(out);
            *used_git = true;
        }
    }
    if (!*used_git)
        lg_dir_walk(root, 0, walk_visit, files);
    if (files->n > 1)
        qsort(files->w, files->n, sizeof *files->w, cmp_str);
    /* --cached and --others can both name a file only in odd states; dedupe */
    size_t k = 0;
    for (size_t i = 0; i < files->n; i++) {
        if (k && !strcmp(files->w[k - 1], files->w[i])) {
            free(files->w[i]);
            continue;
        }
        files->w[k++] = files->w[i];
    }
    files->n = k;
}

/* Exclusion patterns (globs relative to the root; a trailing '/' means a
 * folder and everything in it). */
bool lg_handout_excluded(const char *rel, const lg_strvec *pats)
{
    for (size_t i = 0; i < pats->n; i++) {
        const char *p = pats->w[i];
        size_t pl = strlen(p);
        if (pl && p[pl - 1] == '/') {
            /* folder: match the pattern against each leading part of rel */
            char pre[PATH_MAX];
            for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
                snprintf(pre, sizeof pre, "%.*s", (int)(s - rel + 1), rel);
                if (fnmatch(p, pre, FNM_PATHNAME) == 0)
                    return true;
            }
        } else if (fnmatch(p, rel, FNM_PATHNAME) == 0) {
            return true;
        }
    }
    return false;
}

/* The built-in exclusions, then every labs/NN-name/handout-exclude. */
void lg_handout_exclusions(const char *root, const lg_strvec *files, lg_strvec *pats)
{
    lg_strvec_push(pats, "tests/");
    lg_strvec_push(pats, ".ci/");
    lg_strvec_push(pats, "reports/readme/"); /* the course README's pictures, not the student's */
    lg_strvec_push(pats, "labs/*/grade_hidden*.c");
    lg_strvec_push(pats, "labs/*/check/");
    lg_strvec_push(pats, "labs/*/handout-exclude");
    for (size_t i = 0; i < files->n; i++) {
        const char *rel = files->w[i];
        if (fnmatch("labs/*/handout-exclude", rel, FNM_PATHNAME) != 0)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        size_t len;
        char *text = lg_read_file(path, &len);
        if (!text)
            continue;
        size_t dl = (size_t)(strrchr(rel, '/') - rel); /* "labs/NN-name" */
        for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
            char *h = strchr(l, '#');
            if (h)
                *h = '\0';
            while (*l && is_space(*l))
                l++;
            size_t ll = strlen(l);
            while (ll && is_space(l[ll - 1]))
                l[--ll] = '\0';
            if (!ll)
                continue;
            char pat[PATH_MAX];
            if (l[0] == '/')
                snprintf(pat, sizeof pat, "%s", l + 1);
            else
                snprintf(pat, sizeof pat, "%.*s/%s", (int)dl, rel, l);
            lg_strvec_push(pats, pat);
        }
        free(text);
    }
}


int lg_handout_write_file(const char *path, const lg_handout_file *f)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        int rc = lg_mkdir_p(dir);
        if (rc != LG_OK)
            return rc;
    }
    if (f->link) {
        unlink(path);
        if (symlink(f->data, path) != 0)
            return lg_seterr(LG_EIO, "%s: cannot make the link (%s)", path, strerror(errno));
        return LG_OK;
    }
    unlink(path); /* a read-only file left by an earlier handout */
    FILE *o = fopen(path, "wb");
    if (!o)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    size_t put = fwrite(f->data, 1, f->len, o);
    if (fclose(o) != 0 || put != f->len)
        return lg_seterr(LG_EIO, "%s: write failed (%s)", path, strerror(errno));
    chmod(path, f->mode & 0777);
    return LG_OK;
}

typedef struct scan {
    FILE *err;
    size_t found;
} scan;

static int scan_visit(const lg_dir_entry *e, void *ctx)
{
    scan *sc = ctx;
    if (S_ISREG(e->st.st_mode)) {
        size_t len;
        char *text = lg_read_file(e->path, &len);
        if (text)
            sc->found += lg_handout_scan_markers(e->rel, text, len, sc->err);
        free(text);
    }
    return LG_DIR_NEXT;
}

/* Scan every regular file under dir (recursively, links not followed) for
 * surviving markers; names in messages are relative to dir. */
size_t lg_handout_scan_tree(const char *dir, FILE *err)
{
    scan sc = { err, 0 };
    lg_dir_walk(dir, 0, scan_visit, &sc);
    return sc.found;
}

/* OUTDIR/HANDOUT.md: what a student does with the release. */
int lg_handout_write_guide(const char *outdir, const lg_handout_file *files, size_t n, const lg_handout_labs *labs)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/HANDOUT.md", outdir);
    FILE *o = fopen(path, "w");
    if (!o)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(o,
            "# litgan: the student handout\n"
            "\n"
            "This folder is the release of the litgan lab course: the engine, the plugins, and\n"
            "the labs with their writeups, experiments and grading tests. Where a reference\n"
            "solution was, you find a stub that stops with \"Task N.M is not implemented yet\"\n"
            "and a comment `TODO Task N.M: your code here`. Replace each stub by your code.\n"
            "\n"
            "## Build\n"
            "\n"
            "```sh\n"
            "sh core/deps.sh # on a fresh Debian machine: installs the packages that are missing\n"
            "make            # builds bin/litgan, the plugins and the labs\n"
            "```\n"
            "\n"
            "## Work on a lab\n"
            "\n"
            "```sh\n"
            "bin/litgan lab 01          # run Lab 01's experiment with your code: runs/lab-01/\n"
            "bin/litgan grade 01        # grade your code: a table per task, non-zero exit until all pass\n"
            "bin/litgan weave 01        # the report: writeup, your code, figures, results, grades\n"
            "```\n"
            "\n"
            "Read the writeup first (`labs/NN-name/README.md`, or the woven report\n"
            "`reports/NN-name/index.html`, which opens in a browser without a network).\n"
            "`bin/litgan grade NN` shows, for every failed test, the input, the value it\n"
            "expected, the value your code gave, and a hint. Your code runs in a sandbox with\n"
            "time and memory limits: a crash or an endless loop costs that test only.\n"
            "`make lab LAB=01`, `make grade LAB=01` and `make weave LAB=01` do the same.\n"
            "\n"
            "To hand in, give your grader the files you changed (by their names: `gan.c`,\n"
            "`optimal.c`, ...); `bin/litgan grade NN --submission DIR` grades such a folder.\n");
    bool heading = false;
    for (size_t i = 0; i < labs->n; i++) {
        const lg_handout_lab *lab = &labs->v[i];
        if (!lg_handout_lab_ships(labs, lab->number))
            continue;
        if (!heading)
            fprintf(o, "\n## The labs\n\n");
        heading = true;
        fprintf(o, "- **Lab %02d: %s** (`labs/%s/`, `bin/litgan lab %02d`)%s\n", lab->number, lab->title, lab->dir,
                lab->number, labs->stage && lab->number < labs->stage ? ": its solutions are released" : "");
        for (size_t t = 0; t < lab->tasks.n; t++)
            fprintf(o, "  - Task %s: %s\n", lab->tasks.w[t], lab->task_titles.w[t]);
        fprintf(o, "  - your files:");
        for (size_t k = 0; k < lab->files.n; k++)
            fprintf(o, "%s `%s`", k ? "," : "", lab->files.w[k]);
        fprintf(o, "\n");
    }
    bool any = false;
    for (size_t i = 0; i < n; i++)
        if (files[i].regions) {
            if (!any)
                fprintf(o, "\n## Where the stubs are\n\n| file | stubs |\n|---|---|\n");
            any = true;
            fprintf(o, "| `%s` | %zu |\n", files[i].rel, files[i].regions);
        }
    if (fclose(o) != 0)
        return lg_seterr(LG_EIO, "%s: write failed", path);
    return LG_OK;
}
