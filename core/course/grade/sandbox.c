/*
 * sandbox.c - running student code (lg_sandbox_run): the grader's side.
 *
 * The computation runs in the runner (core/course/runner/), executed afresh
 * through the proc helper: a fixed environment (runner_env), an empty
 * temporary folder as its working folder, its own process group, stdout and
 * stderr captured (the first 1 KiB kept, never read as a score), the request
 * (wire.h) on its stdin, a result pipe at fd 3 for one framed message, a
 * wall-clock deadline after which the whole group is killed, and a watch
 * every 10 ms on its resident memory (killed past memory_bytes). Once it is
 * gone, what happened becomes one line: "crashed (SIGSEGV)", "timed out after
 * 10 s", "ran out of CPU time", ...
 */
#include "grade_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WATCH_MS 10 /* how often the parent looks at the child's memory */

lg_limits lg_limits_default(void)
{
    return (lg_limits){ .cpu_seconds = 10, .wall_seconds = 10, .memory_bytes = (size_t)1 << 30 };
}

/* The runner's whole environment: one BLAS thread, plain messages, and the
 * grader's OPENBLAS_CORETYPE when it names a kernel (letters and digits, as
 * OpenBLAS spells them), so the tests can grade under another kernel. */
static char *const *runner_env(void)
{
    static char core[64];
    static char *env[] = { "OPENBLAS_NUM_THREADS=1", "LC_ALL=C", NULL, NULL };
    const char *c = getenv("OPENBLAS_CORETYPE");
    size_t n = c ? strlen(c) : 0;
    bool ok = n > 0 && n < 32;
    for (size_t i = 0; ok && i < n; i++)
        ok = (c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9');
    if (ok)
        snprintf(core, sizeof core, "OPENBLAS_CORETYPE=%s", c);
    env[2] = ok ? core : NULL;
    return env;
}

const char *lg_sbx_runner_path(void)
{
    static char path[4096];
    if (!path[0])
        lg_course_file("litgan-runner", path, sizeof path);
    return path;
}

/* Resident memory of pid and its descendants (bubblewrap, its init, the
 * runner), as far as /proc lists children; depth-bounded. */
static size_t tree_rss(pid_t pid, int depth)
{
    size_t vm = 0, rss = 0;
    lg_sbx_statm(pid, &vm, &rss);
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = depth > 0 ? fopen(path, "r") : NULL;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    for (char *p = buf, *end; *p; p = end) {
        long child = strtol(p, &end, 10);
        if (end == p)
            break;
        rss += tree_rss((pid_t)child, depth - 1);
    }
    return rss;
}

/* What the watch compares: the limit, and what a runner occupies before any
 * computation (its libraries; under AddressSanitizer much more). */
typedef struct watch_ctx {
    size_t limit, base;
} watch_ctx;

/* The memory watch: false once the runner has grown past its limit. */
static bool memory_ok(pid_t pid, void *ctx)
{
    const watch_ctx *w = ctx;
    return tree_rss(pid, 3) <= w->base + w->limit;
}

static int run_runner(const lg_submission *s, const char *fn, const void *arg, size_t arg_size, double *out,
                      size_t max, const lg_limits *lim, size_t base, lg_child_result *res);

/* The resident memory of a runner that computes nothing (the built-in
 * "lg_noop"), measured once: the watch's starting point. */
static size_t runner_base(const lg_submission *s)
{
    static size_t base;
    static bool known;
    if (!known) {
        lg_child_result r;
        lg_limits lim = { 10, 30, (size_t)1 << 40 };
        known = true;
        if (run_runner(s, LG_NOOP_CHILD, NULL, 0, NULL, 0, &lim, 0, &r) == LG_OK)
            base = r.maxrss;
    }
    return base;
}

/* ----------------------------------------------------------- bubblewrap ---
 * The runner under bubblewrap: new user (uid 65534), PID, network, IPC, UTS
 * and mount namespaces; read-only: /usr (with /usr/local hidden), the loader's
 * cache and the alternatives it follows, the runner, liblitgan, and this
 * submission's build folder (its objects, the lab's computations); a private
 * /tmp of 64 MiB; nothing else of the machine (no source tree, no build/plugins,
 * no installed plugins, no other submission). Where bubblewrap cannot run
 * (missing, or user namespaces forbidden) the runner runs alone: its limits
 * and its system-call filter still hold, but it can read what uid 65534 (or,
 * as an ordinary user, that user) can read. LITGAN_SANDBOX=weak chooses that;
 * =bwrap insists on bubblewrap. */

static const char *const BWRAP_BASE[] = {
    "bwrap", "--unshare-all", "--die-with-parent", "--uid", "65534", "--gid", "65534",
    "--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local",
    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
    "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
    "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
    "--proc", "/proc", "--dev", "/dev", "--size", "67108864", "--tmpfs", "/tmp",
};
#define N_BASE (sizeof BWRAP_BASE / sizeof BWRAP_BASE[0])

size_t lg_sbx_bwrap_argv(char **argv, size_t cap, const char *const *ro, size_t n_ro, const char *rw)
{
    size_t a = 0;
    LG_ASSERT(cap >= N_BASE + 3 * n_ro + 6, "room for bubblewrap's arguments");
    for (size_t i = 0; i < N_BASE; i++)
        argv[a++] = (char *)BWRAP_BASE[i];
    for (size_t i = 0; i < n_ro; i++)
        if (ro[i] && ro[i][0]) {
            argv[a++] = "--ro-bind";
            argv[a++] = (char *)ro[i];
            argv[a++] = (char *)ro[i];
        }
    if (rw) {
        argv[a++] = "--bind";
        argv[a++] = (char *)rw;
        argv[a++] = (char *)rw;
    }
    argv[a++] = "--chdir";
    argv[a++] = rw ? (char *)rw : "/tmp";
    argv[a++] = "--";
    return a;
}

lg_sandbox_kind lg_sandbox_mode(void)
{
    static int mode = -1;
    if (mode >= 0)
        return (lg_sandbox_kind)mode;
    const char *env = getenv("LITGAN_SANDBOX");
    if (env && !strcmp(env, "weak"))
        return (lg_sandbox_kind)(mode = LG_SANDBOX_WEAK);
    char *argv[N_BASE + 3];
    for (size_t i = 0; i < N_BASE; i++)
        argv[i] = (char *)BWRAP_BASE[i];
    argv[N_BASE] = "/bin/true";
    argv[N_BASE + 1] = NULL;
    lg_proc_spec spec = { .argv = argv, .discard = LG_PROC_OUT | LG_PROC_ERR, .timeout = 10, .what = "bwrap" };
    lg_proc_result r;
    int rc = lg_proc_run(&spec, &r);
    bool ok = rc == LG_OK && lg_proc_exited_ok(&r);
    if (rc == LG_OK)
        lg_proc_result_free(&r);
    mode = ok ? LG_SANDBOX_BWRAP : LG_SANDBOX_WEAK;
    if (!ok && env && !strcmp(env, "bwrap"))
        mode = LG_SANDBOX_NONE;
    return (lg_sandbox_kind)mode;
}

const char *lg_sandbox_describe(lg_sandbox_kind k)
{
    switch (k) {
    case LG_SANDBOX_BWRAP:
        return "bubblewrap (namespaces, a read-only view of the runner, the system libraries and this "
               "submission), limits, system-call allowlist";
    case LG_SANDBOX_WEAK:
        return "weaker: the runner without bubblewrap (missing, user namespaces forbidden, or "
               "LITGAN_SANDBOX=weak): its limits and system-call allowlist hold, but student code can "
               "read what its user can read";
    default:
        return "none: LITGAN_SANDBOX=bwrap, but bubblewrap cannot run here";
    }
}

/* The request for fn on s; NULL with res->why set when it cannot be made. */
static lg_wire_request *make_request(const lg_submission *s, const char *fn, const void *arg, size_t arg_size,
                                     size_t max, const lg_limits *lim, lg_child_result *res, size_t *n)
{
    const lg_lab *lab = s->lab;
    if (arg_size > LG_WIRE_ARG_MAX || strlen(fn) >= LG_WIRE_NAME) {
        snprintf(res->why, sizeof res->why, "grader: the input of %s is over %d bytes", fn, LG_WIRE_ARG_MAX);
        return NULL;
    }
    *n = sizeof(lg_wire_request) + arg_size;
    lg_wire_request *rq = lg_xcalloc(1, *n);
    rq->magic = LG_WIRE_MAGIC;
    rq->version = LG_WIRE_VERSION;
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        lg_wire_file *f = &rq->files[rq->n_files++];
        snprintf(f->name, sizeof f->name, "%s", lg_sbx_base_name(lab->files[i]));
        snprintf(f->object, sizeof f->object, "%s", s->so_path[i]);
        snprintf(f->error, sizeof f->error, "%s", s->compile_error[i]);
    }
    snprintf(rq->lab, sizeof rq->lab, "%s", lab->dir);
    snprintf(rq->child, sizeof rq->child, "%s", s->child);
    snprintf(rq->fn, sizeof rq->fn, "%s", fn);
    rq->max = max;
    rq->arg_size = arg_size;
    rq->cpu_seconds = lim->cpu_seconds;
    rq->memory_bytes = lim->memory_bytes;
    if (arg_size)
        memcpy(rq + 1, arg, arg_size);
    return rq;
}

static void format_seconds(char *dst, size_t cap, double s)
{
    snprintf(dst, cap, "%g s", s);
}

int lg_sandbox_run(const lg_submission *s, const char *fn, const void *arg, size_t arg_size, double *out,
                   size_t max, const lg_limits *lim_in, lg_child_result *res)
{
    lg_limits lim = lim_in ? *lim_in : lg_limits_default();
    return run_runner(s, fn, arg, arg_size, out, max, &lim, runner_base(s), res);
}

static int run_runner(const lg_submission *s, const char *fn, const void *arg, size_t arg_size, double *out,
                      size_t max, const lg_limits *lim_in, size_t base, lg_child_result *res)
{
    memset(res, 0, sizeof *res);
    lg_limits lim = *lim_in;
    watch_ctx watch = { lim.memory_bytes, base };
    size_t n_rq;
    lg_wire_request *rq = make_request(s, fn, arg, arg_size, max, &lim, res, &n_rq);
    if (!rq)
        return lg_seterr(LG_EINVAL, "%s", res->why);
    char workdir[4096];
    snprintf(workdir, sizeof workdir, "%s/litgan-run-XXXXXX", lg_sbx_tmp_base());
    if (!mkdtemp(workdir)) {
        free(rq);
        snprintf(res->why, sizeof res->why, "the sandbox could not make its folder: %s", strerror(errno));
        return lg_seterr(LG_EIO, "%s", res->why);
    }
    chmod(workdir, 0755); /* the runner may have given up root: it still enters, never writes */
    lg_sandbox_kind kind = lg_sandbox_mode();
    if (kind == LG_SANDBOX_NONE) {
        free(rq);
        lg_rm_rf(workdir);
        snprintf(res->why, sizeof res->why, "grader: %s", lg_sandbox_describe(kind));
        return lg_seterr(LG_EINVAL, "%s", res->why);
    }
    /* liblitgan where the runner's rpath finds it: $ORIGIN/.. */
    char lib[PATH_MAX + 32] = "";
    char runner_real[PATH_MAX];
    if (realpath(lg_sbx_runner_path(), runner_real)) {
        char *slash = strrchr(runner_real, '/');
        *slash = '\0';
        slash = strrchr(runner_real, '/');
        if (slash)
            *slash = '\0';
        snprintf(lib, sizeof lib, "%s/liblitgan.so", runner_real);
    }
    char *argv[N_BASE + 16];
    size_t a = 0;
    if (kind == LG_SANDBOX_BWRAP) {
        const char *binds[] = { s->build_dir, lg_sbx_runner_path(), lib };
        a = lg_sbx_bwrap_argv(argv, N_BASE + 15, binds, 3, NULL);
    }
    argv[a++] = (char *)lg_sbx_runner_path();
    argv[a] = NULL;
    size_t cap = sizeof(lg_frame_head) + max * sizeof(double) + sizeof res->why;
    lg_proc_spec spec = { .argv = argv, .envp = runner_env(), .cwd = workdir, .in = rq, .n_in = n_rq,
                          .what = "the runner", .capture = LG_PROC_OUT | LG_PROC_ERR,
                          .out_cap = sizeof res->output - 1, .chan_cap = cap, .timeout = lim.wall_seconds,
                          .watch = memory_ok, .ctx = &watch, .watch_ms = WATCH_MS };
    lg_proc_result pr;
    int prc = lg_proc_run(&spec, &pr);
    free(rq);
    if (prc != LG_OK) {
        lg_rm_rf(workdir);
        snprintf(res->why, sizeof res->why, "the sandbox could not start: %s", lg_errmsg());
        return lg_seterr(LG_EIO, "%s", res->why);
    }
    memcpy(res->output, pr.out, pr.n_out);
    res->output[pr.n_out] = '\0';
    lg_rm_rf(workdir);

    /* what happened, in one line */
    int status = pr.status;
    /* bubblewrap exits with 128 + N when the runner was killed by signal N */
    if (kind == LG_SANDBOX_BWRAP && WIFEXITED(status) && WEXITSTATUS(status) > 128 &&
        WEXITSTATUS(status) < 128 + NSIG)
        status = WEXITSTATUS(status) - 128; /* as waitpid would give it */
    const struct rusage *ru = &pr.ru;
    bool mem_out = pr.stopped, killed = pr.timed_out || pr.stopped;
    char lim_s[64];
    double cpu_used = (double)ru->ru_utime.tv_sec + 1e-6 * (double)ru->ru_utime.tv_usec +
                      (double)ru->ru_stime.tv_sec + 1e-6 * (double)ru->ru_stime.tv_usec;
    res->maxrss = (size_t)ru->ru_maxrss * 1024; /* KiB */
    double grown = (double)res->maxrss - (double)base;
    bool near_mem_limit = grown >= 0.9 * (double)lim.memory_bytes;
    char mem_note[96] = "";
    if (near_mem_limit)
        snprintf(mem_note, sizeof mem_note, " after reaching the memory limit (%zu MiB)",
                 lim.memory_bytes >> 20);
    lg_frame_head head;
    bool valid = false;
    if (!pr.chan_over && pr.n_chan >= sizeof head) {
        memcpy(&head, pr.chan, sizeof head);
        size_t elem = head.kind == LG_FRAME_VALUES ? sizeof(double) : 1;
        valid = head.magic == LG_FRAME_MAGIC &&
                (head.kind == LG_FRAME_VALUES || head.kind == LG_FRAME_FAILURE) &&
                head.n <= cap && pr.n_chan == sizeof head + head.n * elem &&
                (head.kind != LG_FRAME_VALUES || head.n <= max);
    }
    bool exited0 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == LG_RUNNER_NO_FILTER && valid && head.kind == LG_FRAME_FAILURE) {
        char why[400];
        lg_sbx_one_line(why, sizeof why, pr.chan + sizeof head, (size_t)head.n);
        snprintf(res->why, sizeof res->why, "grader: the sandbox is not safe here, nothing ran: %s", why);
    } else if (code == LG_RUNNER_BAD_REQUEST || code == 127) {
        snprintf(res->why, sizeof res->why, "grader: the runner %s %s", lg_sbx_runner_path(),
                 code == 127 ? "could not be started (run make)" : "refused its request (a stale build? run make)");
    } else if (mem_out) {
        snprintf(res->why, sizeof res->why, "used more than %zu MiB of memory",
                 lim.memory_bytes >> 20);
    } else if (killed && !(exited0 && valid)) {
        format_seconds(lim_s, sizeof lim_s, lim.wall_seconds);
        snprintf(res->why, sizeof res->why, "timed out after %s", lim_s);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = lg_sbx_signal_name(sig);
        format_seconds(lim_s, sizeof lim_s, ceil(lim.cpu_seconds));
        if (sig == SIGXCPU || (sig == SIGKILL && cpu_used >= ceil(lim.cpu_seconds)))
            snprintf(res->why, sizeof res->why, "ran out of CPU time (limit %s; an endless loop?)",
                     lim_s);
        else if (sig == SIGSYS)
            snprintf(res->why, sizeof res->why, "was stopped for a forbidden system call (SIGSYS)");
        else if (sig == SIGXFSZ)
            snprintf(res->why, sizeof res->why, "was stopped for writing a file (SIGXFSZ)");
        else if (name)
            snprintf(res->why, sizeof res->why, "crashed (%s)%s", name, mem_note);
        else
            snprintf(res->why, sizeof res->why, "crashed (signal %d)%s", sig, mem_note);
    } else if (exited0 && valid && head.kind == LG_FRAME_VALUES) {
        res->ok = 1;
        res->n = (size_t)head.n;
        if (res->n)
            memcpy(out, pr.chan + sizeof head, res->n * sizeof(double));
    } else if (exited0 && valid) {
        lg_sbx_one_line(res->why, sizeof res->why, pr.chan + sizeof head, (size_t)head.n);
        if (!res->why[0])
            snprintf(res->why, sizeof res->why, "failed without saying why");
    } else if (pr.n_chan > 0 && !valid) {
        snprintf(res->why, sizeof res->why, "sent a malformed result (exit status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        snprintf(res->why, sizeof res->why, "exited before returning a result (exit status %d)%s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, mem_note);
    }
    lg_proc_result_free(&pr);
    return LG_OK;
}
