/*
 * child.c - the sandbox child: it can only compute and send numbers back.
 *
 * The proc helper forks it (lg_sandbox_run, sandbox.c) with stdin from
 * /dev/null, stdout and stderr into a pipe the parent drains (kept as
 * "output", capped, never read as a score), in its own process group (the
 * parent kills the whole group on timeout). Then, in order:
 *   1. default signal dispositions; every file descriptor closed but the
 *      result pipe (fd 3);
 *   2. cwd: an empty temporary folder;
 *   3. limits: RLIMIT_CPU (SIGXCPU at the limit, SIGKILL a second later),
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
 *   4. an empty environment;
 *   5. when the grader runs as root (CI, Gradescope): gives up root for
 *      uid/gid 65534 (nobody); root ignores RLIMIT_NPROC and file permissions;
 *   6. the seccomp filter (seccomp.c);
 *   7. only then dlopen(RTLD_NOW | RTLD_LOCAL) of the objects the computation
 *      asks for (lg_child_sym), so a constructor in a student's object runs
 *      confined too; run fn; send one framed message over the result pipe:
 *      magic, kind, count, then the doubles or the reason; _exit.
 */
#include "grade_impl.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* OpenBLAS, when the binary links it: one thread in the child (it cannot
 * start threads there anyway). Weak, so a build without OpenBLAS still links. */
extern void openblas_set_num_threads(int n) __attribute__((weak, visibility("default")));

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
        const char *b = lg_sbx_base_name(lab->files[i]);
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
    const char *base = lg_sbx_base_name(lab->files[i]);
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

/* No allocation: the student's code may have used up the memory. */
static void send_frame(int fd, uint32_t kind, const void *payload, uint64_t n, size_t elem)
{
    lg_frame_head head = { LG_FRAME_MAGIC, kind, n };
    if (lg_write_all(fd, &head, sizeof head) && n)
        lg_write_all(fd, payload, (size_t)n * elem);
}

static void send_failure(int fd, const char *why)
{
    send_frame(fd, LG_FRAME_FAILURE, why, strlen(why), 1);
}

#define RESULT_FD 3

/* The sandbox child (the proc helper's fn): stdin is /dev/null, stdout and
 * stderr the parent's capture pipe, the process group its own. */
int lg_sbx_child_main(void *ctx, int res_w)
{
    const lg_sbx_job *job = ctx;
    const lg_submission *s = job->sub;
    const lg_limits *lim = &job->lim;
    size_t max = job->max;
    /* default dispositions, nothing blocked: a crash must end the child with
     * its signal (an inherited handler, e.g. AddressSanitizer's, would turn it
     * into an exit status) */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int res = fcntl(res_w, F_DUPFD, 64);
    if (res < 0 || dup2(res, RESULT_FD) < 0)
        _exit(121);
    if (close_range(RESULT_FD + 1, ~0U, 0) != 0) /* kernels before 5.9 */
        for (int fd = RESULT_FD + 1; fd < 65536; fd++)
            close(fd);
    if (chdir(job->workdir) != 0) {
        send_failure(RESULT_FD, "the sandbox could not enter its folder");
        _exit(0);
    }

    size_t vm = 0, rss = 0;
    rlim_t cpu = (rlim_t)ceil(lim->cpu_seconds);
    struct rlimit r = { .rlim_cur = cpu < 1 ? 1 : cpu, .rlim_max = (cpu < 1 ? 1 : cpu) + 1 };
    setrlimit(RLIMIT_CPU, &r);
    if (lg_sbx_statm(0, &vm, &rss)) /* without /proc only the parent's watch is left */
        lg_sbx_set_limit(RLIMIT_AS, (rlim_t)vm + 2 * (rlim_t)lim->memory_bytes);
    lg_sbx_set_limit(RLIMIT_FSIZE, 0);
    lg_sbx_set_limit(RLIMIT_CORE, 0);
    lg_sbx_set_limit(RLIMIT_NPROC, 0);
    if (openblas_set_num_threads)
        openblas_set_num_threads(1);
    double *out = calloc(max ? max : 1, sizeof *out);
    lg_child c;
    memset(&c, 0, sizeof c);
    c.sub = s;
    if (!out) {
        send_failure(RESULT_FD, "the sandbox could not allocate its result");
        _exit(0);
    }
    clearenv(); /* the grader's environment is none of the student's business */
    lg_sbx_drop_root(); /* best effort: the filter below is what must hold */
    if (lg_sbx_install_filter() != 0) {
        send_failure(RESULT_FD, "the sandbox could not install its system-call filter");
        _exit(0);
    }

    int n = job->fn(&c, job->arg, out, max);
    if (c.failed || n < 0)
        send_failure(RESULT_FD, c.failed ? c.why : "the computation failed without saying why");
    else if ((size_t)n > max) {
        char why[128];
        snprintf(why, sizeof why, "returned %d values where at most %zu fit", n, max);
        send_failure(RESULT_FD, why);
    } else
        send_frame(RESULT_FD, LG_FRAME_VALUES, out, (uint64_t)n, sizeof(double));
    _exit(0);
}

