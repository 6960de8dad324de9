/*
 * build.c - building a submission, and the helpers of the sandbox.
 *
 * Each lab file is copied into a fresh temporary folder and compiled there
 * into <stem>.so by `cc -std=c11 -O2 -fPIC -shared -I<build>/include
 * $(pkg-config --cflags gsl)`, in a child process (lg_proc_run) with a 60 s
 * timeout, its own process group, 4 GiB of address space and, when the grader
 * is root, as nobody: the compiler reads untrusted source too (#include
 * "/dev/zero" must not hang the grader). The first error line is kept for
 * the failure messages.
 */
#include "grade_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define COMPILE_SECONDS 60.0

/* ------------------------------------------------------------- helpers --- */

/* $TMPDIR or /tmp; /tmp also when we are root and $TMPDIR is closed to
 * others (the compiler and the child run as nobody and must get through). */
const char *lg_sbx_tmp_base(void)
{
    const char *t = getenv("TMPDIR");
    struct stat st;
    if (!t || !*t || (geteuid() == 0 && (stat(t, &st) != 0 || !(st.st_mode & S_IXOTH))))
        return "/tmp";
    return t;
}

/* -------------------------------------------------------- running tools --- */

/* In the tool's child, before exec: plain ASCII messages; limits (before
 * RLIMIT_AS binds: a sanitized grading process has far more address space
 * than the compiler will get); root given up when asked. */
typedef struct tool_setup {
    double timeout;
    bool drop;
} tool_setup;

static void tool_child(void *ctx)
{
    const tool_setup *t = ctx;
    setenv("LC_ALL", "C", 1);
    lg_sbx_set_limit(RLIMIT_CPU, (rlim_t)ceil(t->timeout));
    lg_sbx_set_limit(RLIMIT_CORE, 0);
    lg_sbx_set_limit(RLIMIT_AS, (rlim_t)4 << 30);
    if (t->drop && !lg_sbx_drop_root())
        _exit(126);
}

/* Run argv (searched in PATH) in cwd, stdout and stderr captured (the first
 * 8 KiB), killed with its process group after timeout seconds; drop: give up
 * root first. LG_OK when it ran (see r->status); free r with
 * lg_proc_result_free. */
static int run_tool(char *const argv[], const char *cwd, double timeout, bool drop,
                    lg_proc_result *r)
{
    tool_setup t = { timeout, drop };
    lg_proc_spec s = { .argv = argv, .ctx = &t, .cwd = cwd, .capture = LG_PROC_OUT | LG_PROC_ERR,
                       .out_cap = 8191, .timeout = timeout, .setup = tool_child };
    return lg_proc_run(&s, r);
}

/* `pkg-config --cflags gsl`, split into words, once per process. */
static size_t gsl_cflags(char words[8][256])
{
    static char cached[8][256];
    static size_t n = 0;
    static bool done = false;
    if (!done) {
        done = true;
        char *argv[] = { "pkg-config", "--cflags", "gsl", NULL };
        lg_proc_result r;
        if (run_tool(argv, NULL, 10, false, &r) == LG_OK) {
            char *save = NULL;
            if (lg_proc_exited_ok(&r))
                for (char *w = strtok_r(r.out, " \t\n", &save); w && n < 8;
                     w = strtok_r(NULL, " \t\n", &save))
                    snprintf(cached[n++], sizeof cached[0], "%s", w);
            lg_proc_result_free(&r);
        }
    }
    memcpy(words, cached, sizeof cached);
    return n;
}

/* ------------------------------------------------------------ building --- */

const char *lg_sbx_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Copy the plugin SDK - the only headers a student file may include - from
 * root/core/include into dir (made here, readable by all). */
static void copy_headers(const char *root, const char *dir)
{
    static const char *const sdk[] = { "litgan.h", "litgan/plugin.h" };
    char sub[4400];
    snprintf(sub, sizeof sub, "%s/litgan", dir);
    if (mkdir(dir, 0755) != 0 || mkdir(sub, 0755) != 0)
        return;
    chmod(dir, 0755);
    chmod(sub, 0755);
    for (size_t i = 0; i < sizeof sdk / sizeof sdk[0]; i++) {
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/core/include/%s", root, sdk[i]);
        snprintf(to, sizeof to, "%s/%s", dir, sdk[i]);
        if (lg_copy_file(from, to) == 0)
            chmod(to, 0644);
    }
}

/* The compiler's first error line, or its first line, or what went wrong. */
static void first_error(const lg_proc_result *r, char *dst, size_t cap)
{
    if (r->timed_out) {
        snprintf(dst, cap, "the compiler did not finish within %.0f s", COMPILE_SECONDS);
        return;
    }
    const char *line = NULL, *s = r->out;
    while (*s && !line) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char tmp[1024];
        lg_sbx_one_line(tmp, sizeof tmp, s, len);
        if (strstr(tmp, "error:") || strstr(tmp, "error :"))
            line = s;
        s = e ? e + 1 : s + len;
    }
    if (!line) /* no "error:" line: the first non-empty one */
        for (line = r->out; *line == '\n'; line++)
            ;
    lg_sbx_one_line(dst, cap, line, strlen(line));
    if (!*dst) {
        const char *sig = WIFSIGNALED(r->status) ? lg_sbx_signal_name(WTERMSIG(r->status)) : NULL;
        if (WIFSIGNALED(r->status))
            snprintf(dst, cap, "the compiler was killed (%s)", sig ? sig : "a signal");
        else
            snprintf(dst, cap, "the compiler exited with status %d", WEXITSTATUS(r->status));
    }
}

int lg_submission_build(const lg_lab *lab, const char *src_dir, lg_submission *out)
{
    memset(out, 0, sizeof *out);
    out->lab = lab;
    snprintf(out->build_dir, sizeof out->build_dir, "%s/litgan-build-XXXXXX", lg_sbx_tmp_base());
    if (!mkdtemp(out->build_dir)) {
        int e = errno;
        out->build_dir[0] = '\0';
        return lg_seterr(LG_EIO, "cannot make a build folder in %s: %s", lg_sbx_tmp_base(), strerror(e));
    }
    bool root = geteuid() == 0;
    /* the compiler runs as nobody when we are root: it must write here */
    if (root && chown(out->build_dir, LG_NOBODY, LG_NOBODY) != 0) {
        int e = errno;
        lg_submission_free(out);
        return lg_seterr(LG_EIO, "cannot hand the build folder to uid %d: %s", LG_NOBODY, strerror(e));
    }
    chmod(out->build_dir, 0755);
    const char *srcroot = lab->root; /* the lab's files; the SDK is this litgan's */
    /* the public headers, copied: the compiler may run as nobody, who need
     * not be able to read the source tree */
    char inc_dir[4200], inc[4300];
    snprintf(inc_dir, sizeof inc_dir, "%s/include", out->build_dir);
    copy_headers(lg_source_root(), inc_dir);
    snprintf(inc, sizeof inc, "-I%s", inc_dir);
    char gsl[8][256];
    size_t n_gsl = gsl_cflags(gsl);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        const char *base = lg_sbx_base_name(lab->files[i]);
        char src[4096], copy[4096], so[4096], stem[256];
        if (src_dir)
            snprintf(src, sizeof src, "%s/%s", src_dir, base);
        else
            snprintf(src, sizeof src, "%s/%s", srcroot, lab->files[i]);
        snprintf(stem, sizeof stem, "%s", base);
        char *dot = strrchr(stem, '.');
        if (dot)
            *dot = '\0';
        snprintf(copy, sizeof copy, "%s/%s", out->build_dir, base);
        snprintf(so, sizeof so, "%s/%s.so", out->build_dir, stem);
        struct stat st;
        if (stat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (src_dir)
                snprintf(out->compile_error[i], sizeof out->compile_error[i],
                         "%s is not in the submission folder %s", base, src_dir);
            else
                snprintf(out->compile_error[i], sizeof out->compile_error[i],
                         "%s is missing from the source tree (%s)", lab->files[i], srcroot);
            continue;
        }
        if (lg_copy_file(src, copy) != 0) {
            snprintf(out->compile_error[i], sizeof out->compile_error[i], "cannot read %s: %s",
                     src, strerror(errno));
            continue;
        }
        if (root && chown(copy, LG_NOBODY, LG_NOBODY) != 0) {
            snprintf(out->compile_error[i], sizeof out->compile_error[i],
                     "cannot hand %s to uid %d: %s", base, LG_NOBODY, strerror(errno));
            continue;
        }
        char *argv[32];
        size_t a = 0;
        argv[a++] = "cc";
        argv[a++] = "-std=c11";
        argv[a++] = "-O2";
        argv[a++] = "-fPIC";
        argv[a++] = "-shared";
        argv[a++] = inc;
        for (size_t k = 0; k < n_gsl; k++)
            argv[a++] = gsl[k];
        argv[a++] = "-o";
        argv[a++] = so;
        argv[a++] = (char *)base;
        argv[a] = NULL;
        lg_proc_result r;
        if (run_tool(argv, out->build_dir, COMPILE_SECONDS, root, &r) != LG_OK) {
            int rc = LG_EIO;
            lg_submission_free(out);
            return rc;
        }
        bool built = lg_proc_exited_ok(&r) && stat(so, &st) == 0;
        if (!built)
            first_error(&r, out->compile_error[i], sizeof out->compile_error[i]);
        lg_proc_result_free(&r);
        if (!built)
            continue;
        /* the object belongs to the grader again; readable by the child */
        if (root && chown(so, 0, 0) != 0) {
            snprintf(out->compile_error[i], sizeof out->compile_error[i],
                     "cannot take back %s.so: %s", stem, strerror(errno));
            continue;
        }
        chmod(so, 0755);
        snprintf(out->so_path[i], sizeof out->so_path[i], "%s", so);
    }
    if (root && chown(out->build_dir, 0, 0) != 0) {
        int e = errno;
        lg_submission_free(out);
        return lg_seterr(LG_EIO, "cannot take back the build folder: %s", strerror(e));
    }
    /* the lab's computations beside the student's objects: the runner reads
     * this one folder (a name no student file's object can take) */
    if (lab->child) {
        snprintf(out->child, sizeof out->child, "%s/.lab-child.so", out->build_dir);
        unlink(out->child);
        if (lg_copy_file(lab->child, out->child) != LG_OK) {
            int rc = lg_seterr(LG_EIO, "cannot copy the lab's computations %s: %s", lab->child, lg_errmsg());
            lg_submission_free(out);
            return rc;
        }
        chmod(out->child, 0755);
    }
    return LG_OK;
}

void lg_submission_free(lg_submission *s)
{
    if (s && s->build_dir[0]) {
        lg_rm_rf(s->build_dir);
        s->build_dir[0] = '\0';
    }
}

