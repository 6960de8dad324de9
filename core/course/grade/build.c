/*
 * build.c - building a submission, and the helpers of the sandbox.
 *
 * Each lab file is copied into a fresh private folder (scratch.c: 0700,
 * TMP/litgan-build-PID-XXXXXX, removed even when the grader is killed) and
 * compiled there into <stem>.so by `cc -std=c11 -O2 -fPIC -shared -Iinclude
 * $(pkg-config --cflags gsl)`, in a child process (lg_proc_run) with a 60 s
 * timeout, its own process group, 4 GiB of address space, files of at most
 * 64 MiB (RLIMIT_FSIZE: a 2 GB initialised array stops at the limit instead
 * of filling the disk), no core files, its temporary files in the build
 * folder, and, when the grader is root, as nobody: the compiler reads
 * untrusted source too (#include "/dev/zero" must not hang the grader). The
 * first error line is kept for the failure messages.
 *
 * A submission file is opened once, with O_NOFOLLOW and O_NONBLOCK (a FIFO
 * must not hang the grader), must be a regular file of at most 1 MiB, and is
 * copied from that descriptor: a symbolic link - to a classmate's file, to a
 * root-only file - is refused with one line, and nothing of its target is
 * read. Nothing is chown'ed or chmod'ed by path: the build folder is handed
 * to nobody through its descriptor, its files are made through it (openat),
 * with their modes set by fchmod and, for root, handed to nobody by fchown.
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
#define SOURCE_MAX ((off_t)1 << 20)          /* bytes of one submission file */
#define COMPILER_FSIZE ((rlim_t)64 << 20)    /* bytes of any file the compiler writes */

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
    int dir_fd;               /* the build folder (-1: none): cwd and TMPDIR */
    const char *dir;
} tool_setup;

static void tool_child(void *ctx)
{
    const tool_setup *t = ctx;
    setenv("LC_ALL", "C", 1);
    if (t->dir_fd >= 0) {
        if (fchdir(t->dir_fd) != 0)
            _exit(126);
        setenv("TMPDIR", t->dir, 1); /* the driver's temporary files go with the folder */
    }
    lg_sbx_set_limit(RLIMIT_CPU, (rlim_t)ceil(t->timeout));
    lg_sbx_set_limit(RLIMIT_CORE, 0);
    lg_sbx_set_limit(RLIMIT_FSIZE, COMPILER_FSIZE);
    lg_sbx_set_limit(RLIMIT_AS, (rlim_t)4 << 30);
    if (t->drop && !lg_sbx_drop_root())
        _exit(126);
}

/* The tool's process group, for the signal handler of scratch.c. */
static bool tool_watch(pid_t pid, void *ctx)
{
    (void)ctx;
    lg_scratch_set_tool(pid);
    return true;
}

/* Run argv (searched in PATH) in the folder open as dir_fd (-1: here),
 * stdout and stderr captured (the first 8 KiB), killed with its process group
 * after timeout seconds; drop: give up root first; bwrap: under bubblewrap,
 * seeing the system's files and the folder only. LG_OK when it ran (see
 * r->status); free r with lg_proc_result_free. */
static int run_tool(char *const argv[], int dir_fd, const char *dir, double timeout, bool drop, bool bwrap,
                    lg_proc_result *r)
{
    tool_setup t = { timeout, drop, dir_fd, dir };
    /* under bubblewrap: the system's files and the build folder, nothing else */
    char *wrapped[96];
    if (bwrap && dir) {
        size_t a = lg_sbx_bwrap_argv(wrapped, 64, NULL, 0, dir);
        for (size_t i = 0; argv[i] && a + 1 < sizeof wrapped / sizeof wrapped[0]; i++)
            wrapped[a++] = argv[i];
        wrapped[a] = NULL;
        argv = wrapped;
    }
    lg_proc_spec s = { .argv = argv, .ctx = &t, .capture = LG_PROC_OUT | LG_PROC_ERR,
                       .out_cap = 8191, .timeout = timeout, .setup = tool_child,
                       .watch = dir_fd >= 0 ? tool_watch : NULL, .watch_ms = 50 };
    int rc = lg_proc_run(&s, r);
    lg_scratch_set_tool(0);
    return rc;
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
        if (run_tool(argv, -1, NULL, 10, false, false, &r) == LG_OK) {
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

/* A new file name in the folder open as dir_fd with bytes as its content,
 * mode set by fchmod (whatever the umask), handed to nobody when to_nobody.
 * 0 or an errno. */
static int write_at(int dir_fd, const char *name, const char *bytes, size_t n, mode_t mode,
                    bool to_nobody)
{
    int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return errno;
    int e = 0;
    if (!lg_write_all(fd, bytes, n) || fchmod(fd, mode) != 0 ||
        (to_nobody && fchown(fd, LG_NOBODY, LG_NOBODY) != 0))
        e = errno ? errno : EIO;
    if (close(fd) != 0 && !e)
        e = errno;
    return e;
}

/* A new folder name in dir_fd, open (-1 on failure), mode set by fchmod and
 * handed to nobody when to_nobody. */
static int mkdir_at(int dir_fd, const char *name, bool to_nobody)
{
    if (mkdirat(dir_fd, name, 0700) != 0)
        return -1;
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && (fchmod(fd, 0700) != 0 || (to_nobody && fchown(fd, LG_NOBODY, LG_NOBODY) != 0))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Copy the plugin SDK - the only headers a student file may include - from
 * root/core/include (the instructor's tree) into include/ of the build folder. */
static void copy_headers(const char *root, int build_fd, bool to_nobody)
{
    static const char *const sdk[] = { "litgan.h", "litgan/plugin.h" };
    int inc = mkdir_at(build_fd, "include", to_nobody);
    int sub = inc >= 0 ? mkdir_at(inc, "litgan", to_nobody) : -1;
    for (size_t i = 0; sub >= 0 && i < sizeof sdk / sizeof sdk[0]; i++) {
        char from[4400];
        snprintf(from, sizeof from, "%s/core/include/%s", root, sdk[i]);
        size_t n = 0;
        char *text = lg_read_file(from, &n);
        if (text)
            write_at(i == 0 ? inc : sub, lg_sbx_base_name(sdk[i]), text, n, 0600, to_nobody);
        free(text);
    }
    if (sub >= 0)
        close(sub);
    if (inc >= 0)
        close(inc);
}

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) || S_ISBLK(m) ? "a device"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Copy the submission file name (relative to dir_fd; base: how the lab names
 * it) into the build folder: opened once without following a link, without
 * waiting on a FIFO, a regular file of at most SOURCE_MAX bytes, copied from
 * that descriptor. true, or false with one line in err (missing: what says
 * where it was looked for). */
static bool copy_in(int dir_fd, const char *name, const char *base, const char *missing,
                    int build_fd, bool to_nobody, char *err, size_t cap)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            snprintf(err, cap, "%s", missing);
        else if (e == ELOOP)
            snprintf(err, cap, "%s is a symbolic link: submit the file itself", base);
        else
            snprintf(err, cap, "%s cannot be read: %s", base, strerror(e));
        return false;
    }
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) != 0)
        snprintf(err, cap, "%s cannot be read: %s", base, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(err, cap, "%s is %s: submit the file itself", base, file_kind(st.st_mode));
    else if (st.st_size > SOURCE_MAX)
        snprintf(err, cap, "%s is larger than 1 MiB (%lld bytes): submit the source file only",
                 base, (long long)st.st_size);
    else
        ok = true;
    char *bytes = ok ? lg_xmalloc((size_t)SOURCE_MAX + 1) : NULL;
    size_t n = 0;
    while (ok && n <= (size_t)SOURCE_MAX) { /* the file may grow after fstat */
        ssize_t got = read(fd, bytes + n, (size_t)SOURCE_MAX + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(err, cap, "%s cannot be read: %s", base, strerror(errno));
            ok = false;
        }
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (ok && n > (size_t)SOURCE_MAX) {
        snprintf(err, cap, "%s is larger than 1 MiB: submit the source file only", base);
        ok = false;
    }
    int e = ok ? write_at(build_fd, base, bytes, n, 0600, to_nobody) : 0;
    if (e) {
        snprintf(err, cap, "%s cannot be copied into the build folder: %s", base, strerror(e));
        ok = false;
    }
    free(bytes);
    return ok;
}

/* The compiler's first error line, or its first line, or what went wrong. */
static void first_error(const lg_proc_result *r, char *dst, size_t cap)
{
    if (r->timed_out) {
        snprintf(dst, cap, "the compiler did not finish within %.0f s", COMPILE_SECONDS);
        return;
    }
    if ((WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGXFSZ) ||
        strstr(r->out, "File size limit exceeded")) {
        snprintf(dst, cap, "the compiler was stopped: it would write a file larger than %d MiB "
                 "(the limit; a huge initialised array?)", (int)(COMPILER_FSIZE >> 20));
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

/* The object the compiler wrote, name in the build folder: a regular file
 * (not a link, one name). */
static bool object_ok(int build_fd, const char *name)
{
    int fd = openat(build_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
    if (fd >= 0)
        close(fd);
    return ok;
}

int lg_submission_build(const lg_lab *lab, const char *src_dir, lg_submission *out)
{
    memset(out, 0, sizeof *out);
    out->lab = lab;
    lg_scratch_clean_stale(LG_BUILD_PREFIX);
    /* as root, the compiler runs as nobody - the folder is nobody's - unless
     * bubblewrap runs it (and the runner): then both are this user on the host,
     * without its capabilities, and the folder stays this user's */
    bool bwrap = lg_sandbox_mode() == LG_SANDBOX_BWRAP;
    bool root = geteuid() == 0 && !bwrap;
    int bfd = lg_scratch_make(LG_BUILD_PREFIX, root, out->build_dir, sizeof out->build_dir);
    if (bfd < 0)
        return LG_EIO; /* lg_errmsg() says why */
    /* the public headers, copied: the compiler may run as nobody, who need
     * not be able to read the source tree */
    copy_headers(lg_source_root(), bfd, root);
    /* the submission folder (the instructor's path: links followed there);
     * the tree's files relative to the lab's root */
    int sfd = src_dir ? open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : AT_FDCWD;
    int sfd_errno = sfd < 0 ? errno : 0;
    char gsl[8][256];
    size_t n_gsl = gsl_cflags(gsl);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        const char *base = lg_sbx_base_name(lab->files[i]);
        char *err = out->compile_error[i];
        size_t cap = sizeof out->compile_error[i];
        char src[4096], missing[sizeof out->compile_error[i]], so_name[300], stem[256];
        if (src_dir) {
            snprintf(src, sizeof src, "%s", base);
            snprintf(missing, sizeof missing, "%s is not in the submission folder %s", base, src_dir);
        } else {
            snprintf(src, sizeof src, "%s/%s", lab->root, lab->files[i]);
            snprintf(missing, sizeof missing, "%s is missing from the source tree (%s)",
                     lab->files[i], lab->root);
        }
        if (src_dir && sfd < 0) {
            snprintf(err, cap, "%s: the submission folder cannot be opened (%s)", base,
                     strerror(sfd_errno));
            continue;
        }
        if (!copy_in(sfd, src, base, missing, bfd, root, err, cap))
            continue;
        snprintf(stem, sizeof stem, "%s", base);
        char *dot = strrchr(stem, '.');
        if (dot)
            *dot = '\0';
        snprintf(so_name, sizeof so_name, "%s.so", stem);
        char *argv[32];
        size_t a = 0;
        argv[a++] = "cc";
        argv[a++] = "-std=c11";
        argv[a++] = "-O2";
        argv[a++] = "-fPIC";
        argv[a++] = "-shared";
        argv[a++] = "-Iinclude";
        for (size_t k = 0; k < n_gsl; k++)
            argv[a++] = gsl[k];
        argv[a++] = "-o";
        argv[a++] = so_name;
        argv[a++] = (char *)base;
        argv[a] = NULL;
        lg_proc_result r;
        if (run_tool(argv, bfd, out->build_dir, COMPILE_SECONDS, root, bwrap, &r) != LG_OK) {
            if (src_dir && sfd >= 0)
                close(sfd);
            lg_submission_free(out);
            return LG_EIO;
        }
        bool built = lg_proc_exited_ok(&r) && object_ok(bfd, so_name);
        if (!built) { /* the compiler quotes the student's source: sanitised here already */
            char line[sizeof out->compile_error[i]];
            first_error(&r, line, sizeof line);
            lg_text_clean(err, cap, line, strlen(line), 0);
        }
        lg_proc_result_free(&r);
        if (built)
            snprintf(out->so_path[i], sizeof out->so_path[i], "%s/%s", out->build_dir, so_name);
    }
    if (src_dir && sfd >= 0)
        close(sfd);
    /* the lab's computations beside the student's objects: the runner reads
     * this one folder (a name no student file's object can take) */
    if (lab->child) {
        size_t n = 0;
        char *bytes = lg_read_file(lab->child, &n);
        int e = bytes ? write_at(bfd, ".lab-child.so", bytes, n, 0755, root) : errno;
        free(bytes);
        if (e) {
            int rc = lg_seterr(LG_EIO, "cannot copy the lab's computations %s: %s", lab->child, strerror(e));
            lg_submission_free(out);
            return rc;
        }
        snprintf(out->child, sizeof out->child, "%s/.lab-child.so", out->build_dir);
    }
    return LG_OK;
}

void lg_submission_free(lg_submission *s)
{
    if (s && s->build_dir[0]) {
        lg_scratch_remove(s->build_dir);
        s->build_dir[0] = '\0';
    }
}
