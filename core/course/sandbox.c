/*
 * sandbox.c - building a submission and running student code in a child
 * process that can only compute and send numbers back.
 *
 * Building. Each lab file is copied into a fresh temporary folder and compiled
 * there into <stem>.so by `cc -std=c11 -O2 -fPIC -shared -I<root>/core/include
 * $(pkg-config --cflags gsl)`, in a child process with a 60 s timeout (the
 * compiler reads untrusted source too: #include "/dev/zero" must not hang the
 * grader). The first error line is kept for the failure messages.
 *
 * Running (lg_sandbox_run). The grading process forks; the child, in order:
 *   1. its own process group (the parent kills the whole group on timeout);
 *   2. stdin from /dev/null, stdout and stderr into a pipe the parent drains
 *      (kept as "output", capped, never read as a score), every other file
 *      descriptor closed but the result pipe;
 *   3. cwd: an empty temporary folder;
 *   4. limits: RLIMIT_CPU (SIGXCPU at the limit, SIGKILL a second later),
 *      RLIMIT_AS = the address space it inherited + 2 x memory_bytes,
 *      RLIMIT_FSIZE 0, RLIMIT_CORE 0, RLIMIT_NPROC 0; the parent also watches
 *      the child's resident memory and kills it when it grows by more than
 *      memory_bytes. Why relative to what it inherited: a fork copies the
 *      grading process's address space (OpenBLAS buffers, and under
 *      AddressSanitizer terabytes of reserved shadow), so an absolute RLIMIT_AS
 *      would either fail at once or never bind. ASan reserves its shadow and its
 *      allocator's region when the grading process starts, so in the child
 *      only new mappings count against the limit; the resident-memory watch
 *      catches what an ASan build hands out from inside its reserved region.
 *   5. when the grader runs as root (CI, Gradescope): gives up root for
 *      uid/gid 65534 (nobody); root ignores RLIMIT_NPROC and file permissions;
 *   6. a seccomp filter (libseccomp; default allow, listed calls fail with
 *      EPERM): no new processes or threads, no exec, no signals to other
 *      processes, no ptrace, no sockets, no file creation, deletion, renaming,
 *      permission changes, no open for writing, no raised limits (full list in
 *      install_filter);
 *   7. only then dlopen(RTLD_NOW | RTLD_LOCAL) of the objects the computation
 *      asks for (lg_child_sym), so a constructor in a student's object runs
 *      confined too; run fn; send one framed message over the result pipe:
 *      magic, kind, count, then the doubles or the reason; _exit.
 * The parent polls both pipes until the wall-clock deadline, kills the group
 * when it passes, reaps the child and turns what happened into one line.
 */
#include "lg_course.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <math.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NOBODY 65534                 /* uid and gid the child takes when the grader is root */
#define COMPILE_SECONDS 60.0
#define FRAME_MAGIC 0x3152474cu      /* "LGR1" */
#define FRAME_VALUES 0u
#define FRAME_FAILURE 1u
#define WATCH_MS 10                  /* how often the parent looks at the child's memory */

/* OpenBLAS, when the binary links it: one thread in the child (it cannot
 * start threads there anyway). Weak, so a build without OpenBLAS still links. */
extern void openblas_set_num_threads(int n) __attribute__((weak, visibility("default")));

lg_limits lg_limits_default(void)
{
    return (lg_limits){ .cpu_seconds = 10, .wall_seconds = 10, .memory_bytes = (size_t)1 << 30 };
}

/* ------------------------------------------------------------- helpers --- */

/* $TMPDIR or /tmp; /tmp also when we are root and $TMPDIR is closed to
 * others (the compiler and the child run as nobody and must get through). */
static const char *tmp_base(void)
{
    const char *t = getenv("TMPDIR");
    struct stat st;
    if (!t || !*t || (geteuid() == 0 && (stat(t, &st) != 0 || !(st.st_mode & S_IXOTH))))
        return "/tmp";
    return t;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void rm_rf(const char *dir)
{
    if (dir && *dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Virtual size and resident set of a process from /proc/PID/statm, in bytes. */
static bool statm(pid_t pid, size_t *vm, size_t *rss)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/statm");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    unsigned long long pages_vm = 0, pages_rss = 0;
    if (sscanf(buf, "%llu %llu", &pages_vm, &pages_rss) != 2)
        return false;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *vm = (size_t)pages_vm * page;
    *rss = (size_t)pages_rss * page;
    return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

/* Give up root in a child: supplementary groups, gid, uid. Returns false when
 * the system refuses (e.g. a user namespace without uid 65534); the caller
 * goes on with the seccomp filter alone. */
static bool drop_root(void)
{
    if (geteuid() != 0)
        return true;
    return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0;
}

static void set_limit(int resource, rlim_t value)
{
    struct rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_max != RLIM_INFINITY && value > r.rlim_max)
        value = r.rlim_max;
    r.rlim_cur = r.rlim_max = value;
    setrlimit(resource, &r);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGALRM: return "SIGALRM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return NULL;
    }
}

/* One line of printable ASCII from untrusted bytes (for messages). */
static void one_line(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && src[i] && k + 1 < cap; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '\n' || ch == '\r')
            break;
        dst[k++] = (ch >= 0x20 && ch < 0x7f) || ch >= 0x80 ? (char)ch : '?';
    }
    dst[k] = '\0';
}

/* -------------------------------------------------------- running tools --- */

typedef struct tool_run {
    int status;              /* from waitpid */
    bool timed_out;
    char out[8192];          /* the start of stdout + stderr */
    size_t n_out;
} tool_run;

/* Run argv (searched in PATH) in cwd with stdin from /dev/null, stdout and
 * stderr captured, in its own process group, killed after timeout seconds;
 * drop: give up root first. Returns LG_OK when it ran (see r->status). */
static int run_tool(char *const argv[], const char *cwd, double timeout, bool drop, tool_run *r)
{
    memset(r, 0, sizeof *r);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return lg_seterr(LG_EIO, "cannot make a pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return lg_seterr(LG_EIO, "cannot fork: %s", strerror(errno));
    }
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(127);
        if (cwd && chdir(cwd) != 0)
            _exit(127);
        /* before the limits: RLIMIT_AS binds at once, and a sanitized grading
         * process has far more address space than the compiler will get */
        setenv("LC_ALL", "C", 1); /* plain ASCII messages */
        set_limit(RLIMIT_CPU, (rlim_t)ceil(timeout));
        set_limit(RLIMIT_CORE, 0);
        set_limit(RLIMIT_AS, (rlim_t)4 << 30);
        if (drop && !drop_root())
            _exit(126);
        execvp(argv[0], argv);
        char msg[512]; /* no stdio: under the limits it may not allocate */
        int len = snprintf(msg, sizeof msg, "error: cannot run %s: %s\n", argv[0], strerror(errno));
        (void)!write(2, msg, (size_t)len);
        _exit(127);
    }
    setpgid(pid, pid);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    double deadline = lg_now() + timeout;
    bool open_ = true;
    while (open_) {
        double left = deadline - lg_now();
        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        struct pollfd f = { .fd = p[0], .events = POLLIN };
        int k = poll(&f, 1, (int)ceil(fmin(left, 1.0) * 1000));
        if (k < 0 && errno != EINTR)
            break;
        for (;;) {
            char buf[4096];
            ssize_t n = read(p[0], buf, sizeof buf);
            if (n > 0) {
                size_t keep = fmin((double)n, (double)(sizeof r->out - 1 - r->n_out));
                memcpy(r->out + r->n_out, buf, keep);
                r->n_out += keep;
                continue;
            }
            if (n == 0)
                open_ = false;
            break;
        }
    }
    if (r->timed_out) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
        ;
    close(p[0]);
    r->out[r->n_out] = '\0';
    return LG_OK;
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
        tool_run r;
        if (run_tool(argv, NULL, 10, false, &r) == LG_OK && WIFEXITED(r.status) &&
            WEXITSTATUS(r.status) == 0) {
            char *save = NULL;
            for (char *w = strtok_r(r.out, " \t\n", &save); w && n < 8;
                 w = strtok_r(NULL, " \t\n", &save))
                snprintf(cached[n++], sizeof cached[0], "%s", w);
        }
    }
    memcpy(words, cached, sizeof cached);
    return n;
}

/* ------------------------------------------------------------ building --- */

static const char *base_name(const char *path)
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
static void first_error(const tool_run *r, char *dst, size_t cap)
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
        one_line(tmp, sizeof tmp, s, len);
        if (strstr(tmp, "error:") || strstr(tmp, "error :"))
            line = s;
        s = e ? e + 1 : s + len;
    }
    if (!line) /* no "error:" line: the first non-empty one */
        for (line = r->out; *line == '\n'; line++)
            ;
    one_line(dst, cap, line, strlen(line));
    if (!*dst) {
        const char *sig = WIFSIGNALED(r->status) ? signal_name(WTERMSIG(r->status)) : NULL;
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
    snprintf(out->build_dir, sizeof out->build_dir, "%s/litgan-build-XXXXXX", tmp_base());
    if (!mkdtemp(out->build_dir)) {
        int e = errno;
        out->build_dir[0] = '\0';
        return lg_seterr(LG_EIO, "cannot make a build folder in %s: %s", tmp_base(), strerror(e));
    }
    bool root = geteuid() == 0;
    /* the compiler runs as nobody when we are root: it must write here */
    if (root && chown(out->build_dir, NOBODY, NOBODY) != 0) {
        int e = errno;
        lg_submission_free(out);
        return lg_seterr(LG_EIO, "cannot hand the build folder to uid %d: %s", NOBODY, strerror(e));
    }
    chmod(out->build_dir, 0755);
    const char *srcroot = lg_source_root();
    /* the public headers, copied: the compiler may run as nobody, who need
     * not be able to read the source tree */
    char inc_dir[4200], inc[4300];
    snprintf(inc_dir, sizeof inc_dir, "%s/include", out->build_dir);
    copy_headers(srcroot, inc_dir);
    snprintf(inc, sizeof inc, "-I%s", inc_dir);
    char gsl[8][256];
    size_t n_gsl = gsl_cflags(gsl);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        const char *base = base_name(lab->files[i]);
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
        if (root && chown(copy, NOBODY, NOBODY) != 0) {
            snprintf(out->compile_error[i], sizeof out->compile_error[i],
                     "cannot hand %s to uid %d: %s", base, NOBODY, strerror(errno));
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
        tool_run r;
        if (run_tool(argv, out->build_dir, COMPILE_SECONDS, root, &r) != LG_OK) {
            int rc = LG_EIO;
            lg_submission_free(out);
            return rc;
        }
        if (r.timed_out || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 ||
            stat(so, &st) != 0) {
            first_error(&r, out->compile_error[i], sizeof out->compile_error[i]);
            continue;
        }
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
    return LG_OK;
}

void lg_submission_free(lg_submission *s)
{
    if (s && s->build_dir[0]) {
        rm_rf(s->build_dir);
        s->build_dir[0] = '\0';
    }
}

/* ------------------------------------------------------- the child side --- */

struct lg_child {
    const lg_submission *sub;
    void *dl[LG_MAX_LAB_FILES];
    bool tried[LG_MAX_LAB_FILES];
    char dlerr[LG_MAX_LAB_FILES][300];
    bool failed;
    char why[512];
};

void lg_child_fail(lg_child *c, const char *fmt, ...)
{
    if (c->failed)
        return; /* the first reason is the useful one */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
    c->failed = true;
}

/* Index of the lab file named "optimal.c" or "optimal"; -1 if none. */
static int file_index(const lg_lab *lab, const char *file)
{
    for (int i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        const char *b = base_name(lab->files[i]);
        size_t n = strlen(file);
        if (strcmp(b, file) == 0 || (strncmp(b, file, n) == 0 && strcmp(b + n, ".c") == 0))
            return i;
    }
    return -1;
}

void *lg_child_sym(lg_child *c, const char *file, const char *symbol)
{
    const lg_lab *lab = c->sub->lab;
    int i = file_index(lab, file);
    if (i < 0) {
        lg_child_fail(c, "lab %02d has no file %s (grader bug)", lab->number, file);
        return NULL;
    }
    const char *base = base_name(lab->files[i]);
    if (!c->sub->so_path[i][0]) {
        if (strstr(c->sub->compile_error[i], " is not in ") ||
            strstr(c->sub->compile_error[i], " is missing "))
            lg_child_fail(c, "%s", c->sub->compile_error[i]);
        else
            lg_child_fail(c, "%s did not compile: %s", base, c->sub->compile_error[i]);
        return NULL;
    }
    if (!c->tried[i]) {
        c->tried[i] = true;
        c->dl[i] = dlopen(c->sub->so_path[i], RTLD_NOW | RTLD_LOCAL);
        if (!c->dl[i]) {
            /* dlerror names the temporary path; keep what follows it */
            const char *e = dlerror();
            const char *tail = e ? strstr(e, ".so: ") : NULL;
            snprintf(c->dlerr[i], sizeof c->dlerr[i], "%s",
                     tail ? tail + 5 : e ? e : "unknown error");
        }
    }
    if (!c->dl[i]) {
        lg_child_fail(c, "%s could not be loaded: %s", base, c->dlerr[i]);
        return NULL;
    }
    dlerror();
    void *p = dlsym(c->dl[i], symbol);
    if (!p)
        lg_child_fail(c, "%s does not define %s", base, symbol);
    return p;
}

const lg_plugin *lg_child_plugin(lg_child *c, const char *file)
{
    void *sym = lg_child_sym(c, file, LG_PLUGIN_ENTRY);
    if (!sym)
        return NULL;
    lg_plugin_entry_fn entry = (lg_plugin_entry_fn)sym;
    const lg_plugin *p = entry();
    if (!p) {
        lg_child_fail(c, "%s: %s() returned NULL", file, LG_PLUGIN_ENTRY);
        return NULL;
    }
    if (p->abi_version != LG_PLUGIN_ABI_VERSION) {
        lg_child_fail(c, "%s: plugin ABI version %u, the grader speaks %u (rebuild against "
                      "this litgan.h)", file, p->abi_version, LG_PLUGIN_ABI_VERSION);
        return NULL;
    }
    return p;
}

/* Add "deny with EPERM" for name with the given argument conditions (ANDed).
 * A name this system does not know is skipped; any other failure is fatal. */
static int deny(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *cmp)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return 0;
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, cmp);
    return rc < 0 && nr >= 0 ? -1 : 0;
}

/* The system-call filter of the child (default: allow). */
static int install_filter(void)
{
    static const char *const always[] = {
        /* new processes and threads, other programs */
        "fork", "vfork", "clone", "clone3", "execve", "execveat",
        /* other processes */
        "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd",
        "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setpgid", "setsid",
        "setpriority", "sched_setscheduler", "sched_setparam", "sched_setattr",
        "sched_setaffinity", "ioprio_set", "migrate_pages", "move_pages", "process_madvise",
        /* the network */
        "socket", "socketpair",
        /* the file system: nothing created, removed, renamed or changed */
        "creat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "rmdir", "mkdir",
        "mkdirat", "mknod", "mknodat", "link", "linkat", "symlink", "symlinkat", "chmod",
        "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "truncate", "utime",
        "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
        "lremovexattr", "fremovexattr", "openat2", "open_by_handle_at", "name_to_handle_at",
        "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init",
        "inotify_init", "inotify_init1",
        /* the machine (they matter when the grader runs as root) */
        "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree",
        "move_mount", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr", "reboot",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
        "swapon", "swapoff", "sethostname", "setdomainname", "settimeofday", "clock_settime",
        "clock_adjtime", "adjtimex", "acct", "quotactl", "bpf", "perf_event_open", "keyctl",
        "add_key", "request_key", "iopl", "ioperm", "userfaultfd",
        /* limits stay as set */
        "setrlimit",
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        rc |= deny(ctx, always[i], 0, NULL);
    /* signals only to itself (abort() raises SIGABRT with tgkill(self, self)) */
    scmp_datum_t self = (scmp_datum_t)getpid();
    struct scmp_arg_cmp not_self0 = SCMP_A0_32(SCMP_CMP_NE, self);
    struct scmp_arg_cmp not_self1 = SCMP_A1_32(SCMP_CMP_NE, self);
    rc |= deny(ctx, "kill", 1, &not_self0);
    rc |= deny(ctx, "tkill", 1, &not_self0);
    rc |= deny(ctx, "tgkill", 1, &not_self0);
    rc |= deny(ctx, "tgkill", 1, &not_self1);
    /* open only for reading: flags are argument 1 of open, 2 of openat */
    const struct { const char *name; unsigned arg; } opens[] = { { "open", 1 }, { "openat", 2 } };
    const scmp_datum_t masks[][2] = {
        { O_ACCMODE, O_WRONLY }, { O_ACCMODE, O_RDWR }, { O_ACCMODE, O_ACCMODE },
        { O_CREAT, O_CREAT }, { O_TRUNC, O_TRUNC }, { O_APPEND, O_APPEND },
    };
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++) {
            struct scmp_arg_cmp c = { .arg = opens[i].arg, .op = SCMP_CMP_MASKED_EQ,
                                      .datum_a = masks[k][0], .datum_b = masks[k][1] };
            rc |= deny(ctx, opens[i].name, 1, &c);
        }
    /* prlimit64 may read limits (getrlimit uses it) but not set them */
    struct scmp_arg_cmp new_limit = SCMP_A2(SCMP_CMP_NE, 0);
    rc |= deny(ctx, "prlimit64", 1, &new_limit);
    /* ioctl: isatty's TCGETS only */
    struct scmp_arg_cmp not_tcgets = SCMP_A1_32(SCMP_CMP_NE, TCGETS);
    rc |= deny(ctx, "ioctl", 1, &not_tcgets);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc;
}

/* No allocation: the student's code may have used up the memory. */
static void send_frame(int fd, uint32_t kind, const void *payload, uint64_t n, size_t elem)
{
    struct { uint32_t magic, kind; uint64_t n; } head = { FRAME_MAGIC, kind, n };
    if (write_all(fd, &head, sizeof head) && n)
        write_all(fd, payload, (size_t)n * elem);
}

static void send_failure(int fd, const char *why)
{
    send_frame(fd, FRAME_FAILURE, why, strlen(why), 1);
}

#define RESULT_FD 3

static __attribute__((noreturn)) void child_main(const lg_submission *s, lg_child_fn fn,
                                                 const void *arg, size_t max,
                                                 const lg_limits *lim, int out_w, int res_w,
                                                 const char *workdir)
{
    setpgid(0, 0);
    /* default dispositions, nothing blocked: a crash must end the child with
     * its signal (an inherited handler, e.g. AddressSanitizer's, would turn it
     * into an exit status) */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int null = open("/dev/null", O_RDONLY);
    int res = fcntl(res_w, F_DUPFD, 64);
    if (null < 0 || res < 0 || dup2(null, 0) < 0 || dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0 ||
        dup2(res, RESULT_FD) < 0)
        _exit(121);
    if (close_range(RESULT_FD + 1, ~0U, 0) != 0) /* kernels before 5.9 */
        for (int fd = RESULT_FD + 1; fd < 65536; fd++)
            close(fd);
    if (chdir(workdir) != 0) {
        send_failure(RESULT_FD, "the sandbox could not enter its folder");
        _exit(0);
    }

    size_t vm = 0, rss = 0;
    rlim_t cpu = (rlim_t)ceil(lim->cpu_seconds);
    struct rlimit r = { .rlim_cur = cpu < 1 ? 1 : cpu, .rlim_max = (cpu < 1 ? 1 : cpu) + 1 };
    setrlimit(RLIMIT_CPU, &r);
    if (statm(0, &vm, &rss)) /* without /proc only the parent's watch is left */
        set_limit(RLIMIT_AS, (rlim_t)vm + 2 * (rlim_t)lim->memory_bytes);
    set_limit(RLIMIT_FSIZE, 0);
    set_limit(RLIMIT_CORE, 0);
    set_limit(RLIMIT_NPROC, 0);
    if (openblas_set_num_threads)
        openblas_set_num_threads(1);
    double *out = calloc(max ? max : 1, sizeof *out);
    lg_child c = { .sub = s };
    if (!out) {
        send_failure(RESULT_FD, "the sandbox could not allocate its result");
        _exit(0);
    }
    clearenv(); /* the grader's environment is none of the student's business */
    drop_root(); /* best effort: the filter below is what must hold */
    if (install_filter() != 0) {
        send_failure(RESULT_FD, "the sandbox could not install its system-call filter");
        _exit(0);
    }

    int n = fn(&c, arg, out, max);
    if (c.failed || n < 0)
        send_failure(RESULT_FD, c.failed ? c.why : "the computation failed without saying why");
    else if ((size_t)n > max) {
        char why[128];
        snprintf(why, sizeof why, "returned %d values where at most %zu fit", n, max);
        send_failure(RESULT_FD, why);
    } else
        send_frame(RESULT_FD, FRAME_VALUES, out, (uint64_t)n, sizeof(double));
    _exit(0);
}

/* ------------------------------------------------------ the parent side --- */

typedef struct grow {
    char *p;
    size_t n, cap;
    bool overflow;
} grow;

/* Read what is there; false at end of file. */
static bool drain(int fd, grow *g, char *text, size_t text_cap, size_t *text_n)
{
    for (;;) {
        char buf[8192];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return true; /* EAGAIN: more later */
        if (n == 0)
            return false;
        if (g) {
            if (g->n + (size_t)n > g->cap) {
                g->overflow = true;
            } else {
                memcpy(g->p + g->n, buf, (size_t)n);
                g->n += (size_t)n;
            }
        } else {
            size_t keep = *text_n + 1 < text_cap ? text_cap - 1 - *text_n : 0;
            if (keep > (size_t)n)
                keep = (size_t)n;
            memcpy(text + *text_n, buf, keep);
            *text_n += keep;
        }
    }
}

static void format_seconds(char *dst, size_t cap, double s)
{
    snprintf(dst, cap, "%g s", s);
}

int lg_sandbox_run(const lg_submission *s, lg_child_fn fn, const void *arg, double *out,
                   size_t max, const lg_limits *lim_in, lg_child_result *res)
{
    memset(res, 0, sizeof *res);
    lg_limits lim = lim_in ? *lim_in : lg_limits_default();
    char workdir[4096];
    snprintf(workdir, sizeof workdir, "%s/litgan-run-XXXXXX", tmp_base());
    if (!mkdtemp(workdir)) {
        snprintf(res->why, sizeof res->why, "the sandbox could not make its folder: %s",
                 strerror(errno));
        return lg_seterr(LG_EIO, "%s", res->why);
    }
    chmod(workdir, 0755); /* the child may have given up root: it still enters, never writes */
    int po[2], pr[2];
    if (pipe2(po, O_CLOEXEC) != 0) {
        rm_rf(workdir);
        return lg_seterr(LG_EIO, "cannot make a pipe: %s", strerror(errno));
    }
    if (pipe2(pr, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        rm_rf(workdir);
        return lg_seterr(LG_EIO, "cannot make a pipe: %s", strerror(errno));
    }
    size_t base_vm = 0, base_rss = 0;
    statm(0, &base_vm, &base_rss);
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(po[0]), close(po[1]), close(pr[0]), close(pr[1]);
        rm_rf(workdir);
        snprintf(res->why, sizeof res->why, "the sandbox could not fork: %s", strerror(e));
        return lg_seterr(LG_EIO, "%s", res->why);
    }
    if (pid == 0)
        child_main(s, fn, arg, max, &lim, po[1], pr[1], workdir);

    setpgid(pid, pid); /* also done by the child: whichever runs first */
    close(po[1]);
    close(pr[1]);
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pr[0], F_SETFL, O_NONBLOCK);
    size_t cap = 16 + max * sizeof(double) + sizeof res->why;
    grow frame = { .p = lg_xmalloc(cap), .cap = cap };
    size_t out_n = 0;
    bool out_open = true, res_open = true, reaped = false, mem_out = false, killed = false;
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    double deadline = lg_now() + lim.wall_seconds;
    for (;;) {
        if (!out_open && !res_open) {
            pid_t w = wait4(pid, &status, WNOHANG, &ru);
            if (w == pid) {
                reaped = true;
                break;
            }
        }
        double left = deadline - lg_now();
        if (left <= 0)
            break;
        size_t vm = 0, rss = 0;
        if (statm(pid, &vm, &rss) && rss > base_rss + lim.memory_bytes) {
            mem_out = true;
            break;
        }
        struct pollfd f[2];
        nfds_t nf = 0;
        if (out_open)
            f[nf++] = (struct pollfd){ .fd = po[0], .events = POLLIN };
        if (res_open)
            f[nf++] = (struct pollfd){ .fd = pr[0], .events = POLLIN };
        int ms = (int)fmin(ceil(left * 1000), WATCH_MS);
        if (nf)
            poll(f, nf, ms);
        else
            nanosleep(&(struct timespec){ .tv_nsec = ms * 1000000L }, NULL);
        if (out_open)
            out_open = drain(po[0], NULL, res->output, sizeof res->output, &out_n);
        if (res_open)
            res_open = drain(pr[0], &frame, NULL, 0, NULL);
    }
    if (!reaped) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        killed = true;
        while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
            ;
    }
    /* the child is gone: whatever is left in the pipes is all there is */
    fcntl(po[0], F_SETFL, 0);
    fcntl(pr[0], F_SETFL, 0);
    while (out_open && (out_open = drain(po[0], NULL, res->output, sizeof res->output, &out_n)))
        ;
    while (res_open && (res_open = drain(pr[0], &frame, NULL, 0, NULL)))
        ;
    close(po[0]);
    close(pr[0]);
    res->output[out_n] = '\0';
    rm_rf(workdir);

    /* what happened, in one line */
    char lim_s[64];
    double cpu_used = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                      (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    /* ru_maxrss (KiB) counts the pages the child shared with the grading
     * process too; base_rss is the grading process's resident set at the fork */
    double grown = (double)ru.ru_maxrss * 1024.0 - (double)base_rss;
    bool near_mem_limit = grown >= 0.9 * (double)lim.memory_bytes;
    char mem_note[96] = "";
    if (near_mem_limit)
        snprintf(mem_note, sizeof mem_note, " after reaching the memory limit (%zu MiB)",
                 lim.memory_bytes >> 20);
    struct { uint32_t magic, kind; uint64_t n; } head;
    bool valid = false;
    if (!frame.overflow && frame.n >= sizeof head) {
        memcpy(&head, frame.p, sizeof head);
        size_t elem = head.kind == FRAME_VALUES ? sizeof(double) : 1;
        valid = head.magic == FRAME_MAGIC &&
                (head.kind == FRAME_VALUES || head.kind == FRAME_FAILURE) &&
                head.n <= cap && frame.n == sizeof head + head.n * elem &&
                (head.kind != FRAME_VALUES || head.n <= max);
    }
    bool exited0 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (mem_out) {
        snprintf(res->why, sizeof res->why, "used more than %zu MiB of memory",
                 lim.memory_bytes >> 20);
    } else if (killed && !(exited0 && valid)) {
        format_seconds(lim_s, sizeof lim_s, lim.wall_seconds);
        snprintf(res->why, sizeof res->why, "timed out after %s", lim_s);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        format_seconds(lim_s, sizeof lim_s, ceil(lim.cpu_seconds));
        if (sig == SIGXCPU || (sig == SIGKILL && cpu_used >= ceil(lim.cpu_seconds)))
            snprintf(res->why, sizeof res->why, "ran out of CPU time (limit %s; an endless loop?)",
                     lim_s);
        else if (sig == SIGSYS)
            snprintf(res->why, sizeof res->why, "was stopped for a forbidden system call (SIGSYS)");
        else if (sig == SIGXFSZ)
            snprintf(res->why, sizeof res->why, "was stopped for writing a file (SIGXFSZ)");
        else if (signal_name(sig))
            snprintf(res->why, sizeof res->why, "crashed (%s)%s", signal_name(sig), mem_note);
        else
            snprintf(res->why, sizeof res->why, "crashed (signal %d)%s", sig, mem_note);
    } else if (exited0 && valid && head.kind == FRAME_VALUES) {
        res->ok = 1;
        res->n = (size_t)head.n;
        if (res->n)
            memcpy(out, frame.p + sizeof head, res->n * sizeof(double));
    } else if (exited0 && valid) {
        one_line(res->why, sizeof res->why, frame.p + sizeof head, (size_t)head.n);
        if (!res->why[0])
            snprintf(res->why, sizeof res->why, "failed without saying why");
    } else if (frame.n > 0 && !valid) {
        snprintf(res->why, sizeof res->why, "sent a malformed result (exit status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        snprintf(res->why, sizeof res->why, "exited before returning a result (exit status %d)%s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, mem_note);
    }
    free(frame.p);
    return LG_OK;
}
