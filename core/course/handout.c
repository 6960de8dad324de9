/*
 * handout.c - `litgan handout OUTDIR`: the student release of the source tree.
 *
 * What is copied: the tree's tracked-style content (`git ls-files --cached
 * --others --exclude-standard` in a git checkout, so new files not yet
 * committed come along and ignored ones do not; elsewhere a walk that skips
 * build/, build-san/, bin/, runs/ and reports/ except reports/templates/).
 * What is left out (instructor material): tests/ (unit tests, hostile
 * plugins, mutants), .ci/, labs/NN-name/grade_hidden.c, and what a
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
 * Every marker sits alone on its line. Errors, one line each with file and
 * line: BEGIN without END, nested BEGIN, END without BEGIN, a region without
 * its STUB line, a STUB that names another task than its region (or none), a
 * marker sharing its line with code. Nothing is written while any file has an
 * error. After writing, every file under OUTDIR is scanned again: a surviving
 * marker comment fails the command.
 */
#include "lg_course.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char handout_help[] =
    "usage: litgan handout OUTDIR [--force]\n"
    "\n"
    "Writes the student release of this source tree into OUTDIR:\n"
    "  - every file git tracks (or would track: new files not yet committed\n"
    "    come along, ignored ones do not), or without git every file outside\n"
    "    build/, build-san/, bin/, runs/ and generated reports;\n"
    "  - minus the instructor's material: tests/, .ci/, labs/*/grade_hidden.c\n"
    "    and whatever a labs/*/handout-exclude file lists;\n"
    "  - with every solution region (BEGIN SOLUTION Task N.M ... END SOLUTION,\n"
    "    then its STUB line) replaced by the STUB's code and a TODO comment;\n"
    "  - plus HANDOUT.md: what students do (build, run, grade, weave).\n"
    "Nothing is written when a region is malformed (each error names its file\n"
    "and line). After writing, OUTDIR is scanned and the command fails if any\n"
    "marker survived.\n"
    "\n"
    "  --force   write into OUTDIR even when it is not empty (files are\n"
    "            overwritten, others are kept)\n";

/* --------------------------------------------------------------- markers --- */

typedef enum mk_kind {
    MK_KIND_NONE = 0,
    MK_KIND_BEGIN,
    MK_KIND_END,
    MK_KIND_STUB
} mk_kind;

/* The keywords are spelled in pieces so that this file holds no marker. */
#define KW_SOLUTION "SOLU" "TION"
#define KW_BEGIN "BEG" "IN"
#define KW_END "EN" "D"
#define KW_STUB "ST" "UB"

static const char *kind_name(mk_kind k)
{
    switch (k) {
    case MK_KIND_BEGIN: return KW_BEGIN " " KW_SOLUTION;
    case MK_KIND_END: return KW_END " " KW_SOLUTION;
    case MK_KIND_STUB: return KW_STUB;
    default: return "";
    }
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* Does s[0..n) start with word w followed by a non-identifier character? */
static bool starts_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    if (n < k || memcmp(s, w, k) != 0)
        return false;
    if (n == k)
        return true;
    char c = s[k];
    return !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

/* The first marker comment in s[0..n): "/" "*", blanks, then BEGIN SOLUTION,
 * END SOLUTION (blanks between the two words) or STUB. Returns its kind, with
 * *at the offset of its comment opener and *after the offset just past the
 * keyword(s); MK_KIND_NONE when there is none. */
static mk_kind find_marker(const char *s, size_t n, size_t *at, size_t *after)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '/' || s[i + 1] != '*')
            continue;
        size_t j = i + 2;
        while (j < n && is_space(s[j]))
            j++;
        mk_kind k = MK_KIND_NONE;
        size_t end = j;
        if (starts_word(s + j, n - j, KW_STUB)) {
            k = MK_KIND_STUB;
            end = j + strlen(KW_STUB);
        } else {
            const char *first = starts_word(s + j, n - j, KW_BEGIN) ? KW_BEGIN
                                : starts_word(s + j, n - j, KW_END) ? KW_END : NULL;
            if (first) {
                size_t m = j + strlen(first);
                size_t m0 = m;
                while (m < n && is_space(s[m]))
                    m++;
                if (m > m0 && starts_word(s + m, n - m, KW_SOLUTION)) {
                    k = !strcmp(first, KW_BEGIN) ? MK_KIND_BEGIN : MK_KIND_END;
                    end = m + strlen(KW_SOLUTION);
                }
            }
        }
        if (k != MK_KIND_NONE) {
            *at = i;
            *after = end;
            return k;
        }
    }
    return MK_KIND_NONE;
}

/* A line's marker: kind, the text between keyword and comment closer
 * (trimmed, in arg), and an error message when the marker is not alone on its
 * line or its comment does not close there. */
typedef struct marker {
    mk_kind kind;
    char arg[1024];
    char bad[160];
} marker;

static void parse_marker(const char *s, size_t n, marker *m)
{
    size_t at, after;
    m->kind = find_marker(s, n, &at, &after);
    m->arg[0] = m->bad[0] = '\0';
    if (m->kind == MK_KIND_NONE)
        return;
    for (size_t i = 0; i < at; i++)
        if (!is_space(s[i])) {
            snprintf(m->bad, sizeof m->bad, "the %s marker shares its line with code; put it on a line of its own",
                     kind_name(m->kind));
            return;
        }
    size_t close = after;
    while (close + 1 < n && !(s[close] == '*' && s[close + 1] == '/'))
        close++;
    if (close + 1 >= n) {
        snprintf(m->bad, sizeof m->bad, "the %s marker's comment does not close on its line", kind_name(m->kind));
        return;
    }
    for (size_t i = close + 2; i < n; i++)
        if (!is_space(s[i])) {
            snprintf(m->bad, sizeof m->bad, "the %s marker shares its line with code; put it on a line of its own",
                     kind_name(m->kind));
            return;
        }
    size_t a = after, b = close;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    if (b - a >= sizeof m->arg) {
        snprintf(m->bad, sizeof m->bad, "the %s marker is longer than %zu characters", kind_name(m->kind),
                 sizeof m->arg - 1);
        return;
    }
    memcpy(m->arg, s + a, b - a);
    m->arg[b - a] = '\0';
}

/* Every "Task N.M" in s, in order: returns how many, the first in first and
 * whether all are the same. A task number is digits '.' digits. */
static int find_tasks(const char *s, char first[32], bool *all_same)
{
    int count = 0;
    *all_same = true;
    first[0] = '\0';
    for (const char *p = strstr(s, "Task "); p; p = strstr(p + 1, "Task ")) {
        const char *q = p + 5;
        const char *d = q;
        while (*d >= '0' && *d <= '9')
            d++;
        if (d == q || *d != '.' || !(d[1] >= '0' && d[1] <= '9'))
            continue;
        d++;
        while (*d >= '0' && *d <= '9')
            d++;
        char num[32];
        snprintf(num, sizeof num, "%.*s", (int)(d - q), q);
        if (count == 0)
            snprintf(first, 32, "%s", num);
        else if (strcmp(first, num) != 0)
            *all_same = false;
        count++;
    }
    return count;
}

/* A line of the text: [start, start + len) without its line ending eol. */
typedef struct line {
    const char *start;
    size_t len;
    const char *eol; /* "\n", "\r\n" or "" at the end of the text */
} line;

static size_t split_lines(const char *text, size_t len, line **out)
{
    size_t n = 0, cap = 64;
    line *v = lg_xmalloc(cap * sizeof *v);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        if (n == cap)
            v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
        v[n].start = text + i;
        if (j < len) {
            bool cr = j > i && text[j - 1] == '\r';
            v[n].len = j - i - cr;
            v[n].eol = cr ? "\r\n" : "\n";
            i = j + 1;
        } else {
            v[n].len = j - i;
            v[n].eol = "";
            i = j;
        }
        n++;
    }
    *out = v;
    return n;
}

int lg_handout_stub_text(const char *name, const char *text, size_t len, char **out,
                         size_t *out_len, size_t *n_regions, FILE *err)
{
    line *lines;
    size_t n = split_lines(text, len, &lines);
    char *buf = NULL;
    size_t buf_len = 0;
    FILE *o = open_memstream(&buf, &buf_len);
    LG_ASSERT(o, "open_memstream");
    size_t errors = 0, regions = 0;
    char first_err[512] = "";
#define REPORT(lineno, ...)                                                                   \
    do {                                                                                      \
        char m_[400];                                                                         \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                                 \
        if (err)                                                                              \
            fprintf(err, "%s:%zu: %s\n", name, (size_t)(lineno), m_);                        \
        if (!errors++)                                                                        \
            snprintf(first_err, sizeof first_err, "%s:%zu: %s", name, (size_t)(lineno), m_); \
    } while (0)

    bool in = false;          /* inside BEGIN .. END */
    size_t begin_line = 0;    /* 1-based */
    char task[32] = "";       /* the open region's task */
    const line *begin = NULL; /* its BEGIN line */
    for (size_t i = 0; i < n; i++) {
        const line *l = &lines[i];
        marker m;
        parse_marker(l->start, l->len, &m);
        if (m.bad[0]) {
            REPORT(i + 1, "%s", m.bad);
            /* keep the structure, so that one mistake makes one error */
            if (m.kind == MK_KIND_BEGIN && !in) {
                in = true;
                begin_line = i + 1;
                begin = l;
                snprintf(task, sizeof task, "?");
            } else if (m.kind == MK_KIND_END && in) {
                in = false;
                marker s;
                if (i + 1 < n) {
                    parse_marker(lines[i + 1].start, lines[i + 1].len, &s);
                    i += s.kind == MK_KIND_STUB;
                }
            }
            continue;
        }
        switch (m.kind) {
        case MK_KIND_NONE:
            if (!in)
                fprintf(o, "%.*s%s", (int)l->len, l->start, l->eol);
            break;
        case MK_KIND_BEGIN: {
            char t[32];
            bool same;
            int k = find_tasks(m.arg, t, &same);
            if (in) {
                REPORT(i + 1, "nested %s (the region of Task %s opened on line %zu has no %s yet)",
                       kind_name(MK_KIND_BEGIN), task, begin_line, kind_name(MK_KIND_END));
                break;
            }
            if (k != 1 || strncmp(m.arg, "Task ", 5) != 0 || strcmp(m.arg + 5, t) != 0) {
                REPORT(i + 1, "%s needs exactly one task, as in '%s Task 1.1' (got '%s')",
                       kind_name(MK_KIND_BEGIN), kind_name(MK_KIND_BEGIN), m.arg);
                /* still open the region so that its END and STUB are not
                 * reported as strays */
                snprintf(t, sizeof t, "?");
            }
            in = true;
            begin_line = i + 1;
            begin = l;
            snprintf(task, sizeof task, "%s", t);
            break;
        }
        case MK_KIND_END: {
            if (!in) {
                REPORT(i + 1, "%s without %s", kind_name(MK_KIND_END), kind_name(MK_KIND_BEGIN));
                break;
            }
            in = false;
            if (m.arg[0]) {
                char t[32];
                bool same;
                int k = find_tasks(m.arg, t, &same);
                if ((k != 1 || strcmp(t, task) != 0) && strcmp(task, "?") != 0)
                    REPORT(i + 1, "task number mismatch: the region opened on line %zu is Task %s, its %s says '%s'",
                           begin_line, task, kind_name(MK_KIND_END), m.arg);
            }
            marker s;
            if (i + 1 < n)
                parse_marker(lines[i + 1].start, lines[i + 1].len, &s);
            if (i + 1 >= n || s.kind != MK_KIND_STUB) {
                if (!strcmp(task, "?"))
                    break; /* its BEGIN was reported already */
                REPORT(i + 1, "the region of Task %s (lines %zu-%zu) has no %s line right after its %s",
                       task, begin_line, i + 1, kind_name(MK_KIND_STUB), kind_name(MK_KIND_END));
                break;
            }
            i++; /* the STUB line is consumed with its region */
            if (s.bad[0]) {
                REPORT(i + 1, "%s", s.bad);
                break;
            }
            char t[32];
            bool same;
            int k = find_tasks(s.arg, t, &same);
            if (!s.arg[0]) {
                REPORT(i + 1, "the %s line of Task %s has no code", kind_name(MK_KIND_STUB), task);
                break;
            }
            if ((k == 0 || !same || strcmp(t, task) != 0) && strcmp(task, "?") != 0) {
                REPORT(i + 1, "task number mismatch: the region opened on line %zu is Task %s, its %s names %s%s",
                       begin_line, task, kind_name(MK_KIND_STUB), k ? "Task " : "no task",
                       k ? (same ? t : "several tasks") : "");
                break;
            }
            /* the replacement, indented as the BEGIN line */
            size_t ind = 0;
            while (ind < begin->len && is_space(begin->start[ind]) && begin->start[ind] != '\r')
                ind++;
            fprintf(o, "%.*s/* TODO Task %s: your code here */%s", (int)ind, begin->start, task,
                    begin->eol);
            fprintf(o, "%.*s%s%s", (int)ind, begin->start, s.arg, lines[i].eol[0] ? lines[i].eol : "");
            regions++;
            break;
        }
        case MK_KIND_STUB:
            REPORT(i + 1, "%s line without a solution region right before it (it must follow %s)",
                   kind_name(MK_KIND_STUB), kind_name(MK_KIND_END));
            break;
        }
    }
    if (in && strcmp(task, "?") != 0)
        REPORT(begin_line, "%s Task %s without %s", kind_name(MK_KIND_BEGIN), task, kind_name(MK_KIND_END));
#undef REPORT
    fclose(o);
    free(lines);
    if (n_regions)
        *n_regions = regions;
    if (errors) {
        free(buf);
        *out = NULL;
        if (out_len)
            *out_len = 0;
        return lg_seterr(LG_EFORMAT, "%s%s", first_err,
                         errors > 1 ? " (and more errors in this file)" : "");
    }
    *out = buf;
    if (out_len)
        *out_len = buf_len;
    return LG_OK;
}

size_t lg_handout_scan_markers(const char *name, const char *text, size_t len, FILE *err)
{
    size_t found = 0, lineno = 1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t at, after, off = 0;
        mk_kind k;
        while ((k = find_marker(p + off, n - off, &at, &after)) != MK_KIND_NONE) {
            if (err)
                fprintf(err, "%s:%zu: a %s marker survived in the handout\n", name, lineno, kind_name(k));
            found++;
            off += after;
        }
        p += n + 1;
        lineno++;
    }
    return found;
}

/* ------------------------------------------------------------ the files --- */

/* Git's own rule: a file with a NUL byte in its first 8000 bytes is binary. */
static bool is_text(const char *data, size_t len)
{
    return memchr(data, '\0', len < 8000 ? len : 8000) == NULL;
}

/* Run argv with stdout into a buffer (stderr dropped); NULL unless it exits 0. */
static char *run_capture(char *const argv[], size_t *len)
{
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (cap - n < 4096)
            buf = lg_xrealloc(buf, cap = cap * 2 + 4096);
        ssize_t got = read(fd[0], buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
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

static void walk(const char *root, const char *rel, lg_strvec *files)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = list[i]->d_name;
        if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            char r[PATH_MAX], full[PATH_MAX];
            snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", nm);
            snprintf(full, sizeof full, "%s/%s", root, r);
            struct stat st;
            size_t ln = strlen(nm);
            if (lstat(full, &st) == 0) {
                if (S_ISDIR(st.st_mode)) {
                    if (!walk_skips(r))
                        walk(root, r, files);
                } else if (!(ln > 4 && !strcmp(nm + ln - 4, ".tmp"))) {
                    lg_strvec_push(files, r);
                }
            }
        }
        free(list[i]);
    }
    if (n > 0)
        free(list);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The tree's files, relative to root, sorted. */
static void list_files(const char *root, lg_strvec *files, bool *used_git)
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
        walk(root, "", files);
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
static bool excluded(const char *rel, const lg_strvec *pats)
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
static void exclusions(const char *root, const lg_strvec *files, lg_strvec *pats)
{
    lg_strvec_push(pats, "tests/");
    lg_strvec_push(pats, ".ci/");
    lg_strvec_push(pats, "labs/*/grade_hidden.c");
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

typedef struct out_file {
    char *rel;
    char *data;        /* contents, or the link target of a symlink */
    size_t len;
    mode_t mode;
    bool link;
    size_t regions;    /* solution regions stubbed */
} out_file;

static int write_file(const char *path, const out_file *f)
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

/* Scan every file under dir (recursively) for surviving markers. */
static size_t scan_tree(const char *dir, const char *rel, FILE *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    struct dirent **list;
    int n = scandir(path, &list, NULL, alphasort);
    size_t found = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = list[i]->d_name;
        if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            char r[PATH_MAX], full[PATH_MAX];
            snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", nm);
            snprintf(full, sizeof full, "%s/%s", dir, r);
            struct stat st;
            if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
                found += scan_tree(dir, r, err);
            } else if (S_ISREG(st.st_mode)) {
                size_t len;
                char *text = lg_read_file(full, &len);
                if (text)
                    found += lg_handout_scan_markers(r, text, len, err);
                free(text);
            }
        }
        free(list[i]);
    }
    if (n > 0)
        free(list);
    return found;
}

/* OUTDIR/HANDOUT.md: what a student does with the release. */
static int write_guide(const char *outdir, const out_file *files, size_t n)
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
    size_t n_labs = lg_lab_count();
    if (n_labs) {
        fprintf(o, "\n## The labs\n\n");
        for (size_t i = 0; i < n_labs; i++) {
            const lg_lab *lab = lg_lab_at(i);
            fprintf(o, "- **Lab %02d: %s** (`labs/%s/`, `bin/litgan lab %02d`)\n", lab->number, lab->title,
                    lab->dir, lab->number);
            for (size_t t = 0; t < lab->n_tasks; t++)
                fprintf(o, "  - Task %s: %s\n", lab->tasks[t].number, lab->tasks[t].title);
            fprintf(o, "  - your files:");
            for (size_t k = 0; k < LG_MAX_LAB_FILES && lab->files[k]; k++)
                fprintf(o, "%s `%s`", k ? "," : "", lab->files[k]);
            fprintf(o, "\n");
        }
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

static bool dir_is_empty(const char *dir, bool *exists)
{
    DIR *d = opendir(dir);
    *exists = d != NULL || errno != ENOENT;
    if (!d)
        return true;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
            break;
        }
    closedir(d);
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
    char root_real[PATH_MAX], out_real[PATH_MAX];
    if (!realpath(root, root_real))
        return lg_seterr(LG_EIO, "%s: the source root is not readable (%s)", root, strerror(errno));
    bool exists;
    bool empty = dir_is_empty(outdir, &exists);
    if (exists && !empty && !force)
        return lg_seterr(LG_EINVAL, "%s exists and is not empty: name a new folder, or add --force", outdir);
    if (exists) {
        struct stat st;
        if (stat(outdir, &st) != 0 || !S_ISDIR(st.st_mode))
            return lg_seterr(LG_EINVAL, "%s exists and is not a folder", outdir);
    }
    /* where OUTDIR will be, to refuse the source tree itself (even with --force) */
    int rc = lg_mkdir_p(outdir);
    if (rc != LG_OK)
        return rc;
    if (!realpath(outdir, out_real)) {
        return lg_seterr(LG_EIO, "%s: cannot resolve (%s)", outdir, strerror(errno));
    }
    if (path_within(root_real, out_real)) {
        if (!exists)
            rmdir(outdir);
        return lg_seterr(LG_EINVAL, "%s is the source tree or holds it: the handout would overwrite the solutions",
                         outdir);
    }
    /* the handout folder inside the tree is no part of the tree */
    char out_rel[PATH_MAX] = "";
    if (path_within(out_real, root_real))
        snprintf(out_rel, sizeof out_rel, "%s/", out_real + strlen(root_real) + 1);

    lg_strvec files = { 0 }, pats = { 0 };
    bool used_git;
    list_files(root_real, &files, &used_git);
    exclusions(root_real, &files, &pats);

    out_file *outs = lg_xcalloc(files.n + 1, sizeof *outs);
    size_t n_out = 0, n_left_out = 0, n_regions = 0, n_stubbed_files = 0, n_bad_files = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = files.w[i];
        if ((*out_rel && !strncmp(rel, out_rel, strlen(out_rel))) || !strcmp(rel, "HANDOUT.md"))
            continue;
        if (excluded(rel, &pats)) {
            n_left_out++;
            continue;
        }
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root_real, rel);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue; /* tracked, but deleted in the working tree */
        out_file *f = &outs[n_out];
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
        if (is_text(data, len)) {
            char *stubbed;
            size_t slen;
            if (lg_handout_stub_text(rel, data, len, &stubbed, &slen, &f->regions, log) != LG_OK) {
                n_bad_files++;
                free(data);
                continue;
            }
            free(data);
            data = stubbed;
            len = slen;
            n_regions += f->regions;
            n_stubbed_files += f->regions > 0;
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
    for (size_t i = 0; i < n_out && rc == LG_OK; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", out_real, outs[i].rel);
        rc = write_file(path, &outs[i]);
    }
    if (rc == LG_OK)
        rc = write_guide(out_real, outs, n_out);
    if (rc == LG_OK) {
        size_t left = scan_tree(out_real, "", log);
        if (left)
            rc = lg_seterr(LG_EFORMAT, "%zu marker%s survived in %s (listed above): this handout would leak solutions",
                           left, left > 1 ? "s" : "", outdir);
    }
    if (rc == LG_OK)
        fprintf(log, "litgan handout: %s: %zu files from %s (%s), %zu solution region%s stubbed in %zu file%s, "
                     "%zu instructor file%s left out; see %s/HANDOUT.md\n",
                outdir, n_out, root_real, used_git ? "git ls-files" : "walked", n_regions, n_regions == 1 ? "" : "s",
                n_stubbed_files, n_stubbed_files == 1 ? "" : "s", n_left_out, n_left_out == 1 ? "" : "s", outdir);
done:
    for (size_t i = 0; i < n_out; i++)
        free(outs[i].data);
    free(outs);
    lg_strvec_free(&files);
    lg_strvec_free(&pats);
    return rc;
}

int lg_handout_main(int argc, char **argv)
{
    const char *out = NULL;
    bool force = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(handout_help, stdout);
            return LG_OK;
        }
        if (!strcmp(argv[i], "--force")) {
            force = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "litgan handout: unknown option '%s' (see --help)\n", argv[i]);
            return LG_EINVAL;
        } else if (!out) {
            out = argv[i];
        } else {
            fprintf(stderr, "litgan handout: one OUTDIR only (got '%s' and '%s')\n", out, argv[i]);
            return LG_EINVAL;
        }
    }
    if (!out) {
        fprintf(stderr, "litgan handout: name the folder to write (e.g. litgan handout ../litgan-student)\n");
        return LG_EINVAL;
    }
    int rc = lg_handout_run(lg_source_root(), out, force, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan handout: %s\n", lg_errmsg());
    return rc;
}
