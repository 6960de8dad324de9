/*
 * runner.c - one computation with student code, in a fresh process.
 *
 * The grader (core/course/grade/sandbox.c) executes this program anew for
 * every computation, with a fixed environment, its stdout and stderr captured,
 * the request on stdin and the result channel on fd 3. In order:
 *   1. the request: magic, version, sizes checked (exit 120 otherwise);
 *   2. default signal dispositions, nothing blocked; every descriptor but
 *      0-3 closed;
 *   3. the lab's child.so, when the computation is one of its own (the lab's
 *      code: trusted; a thread it starts is bound by the filter all the same);
 *   4. limits: RLIMIT_CPU (SIGXCPU at the limit, SIGKILL a second later),
 *      RLIMIT_AS = what it has mapped now + 4 x memory_bytes (room for the
 *      grader's watch of its resident memory to act first), RLIMIT_FSIZE 0,
 *      RLIMIT_CORE 0, RLIMIT_NPROC 0 (the grader also watches its resident
 *      memory);
 *   5. as root (CI, Gradescope): uid and gid 65534 (nobody);
 *   6. the system-call allowlist on every thread (exit 121 when it cannot be
 *      installed: nothing runs unfiltered);
 *   7. the computation, with GSL's errors printed instead of aborting (the
 *      student's code sees the status); the student's objects are loaded
 *      when it asks for them, under the filter; one framed message on fd 3;
 *      _exit.
 */
#include "runner.h"
#include "../grade/grade_impl.h"

#include <gsl/gsl_errno.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* OpenBLAS, when linked: one thread (the environment says so too). Weak, so a
 * build on another BLAS still links. */
extern void openblas_set_num_threads(int n) __attribute__((weak));

/* No allocation: the student's code may have used up the memory. */
static void send_frame(uint32_t kind, const void *payload, uint64_t n, size_t elem)
{
    lg_frame_head head = { LG_FRAME_MAGIC, kind, n };
    if (lg_write_all(LG_PROC_CHAN_FD, &head, sizeof head) && n)
        lg_write_all(LG_PROC_CHAN_FD, payload, (size_t)n * elem);
}

static __attribute__((noreturn)) void fail(const char *why)
{
    fflush(NULL); /* what the computation printed: the grader keeps its start */
    send_frame(LG_FRAME_FAILURE, why, strlen(why), 1);
    _exit(0);
}

static bool read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* GSL's errors reported, not fatal: its default handler aborts, and the
 * student's code could never see the status it is asked to check. The line
 * has GSL's own form, which the grader's checks look for. */
static void gsl_say(const char *reason, const char *file, int line, int gsl_errno)
{
    fprintf(stderr, "gsl: %s:%d: ERROR: %s (status %d)\n", file, line, reason, gsl_errno);
}

/* What the grader measures a runner's own footprint with. */
static int noop(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)arg, (void)out, (void)max;
    return 0;
}

/* The computation named fn: built in, or in the lab's child.so. */
static lg_child_fn find_fn(const lg_wire_request *rq, char *why, size_t n_why)
{
    if (!strcmp(rq->fn, LG_PROBE_CHILD))
        return lg_probe_child;
    if (!strcmp(rq->fn, LG_NOOP_CHILD))
        return noop;
    if (!rq->child[0]) {
        snprintf(why, n_why, "grader: lab %s has no child.so for %s", rq->lab, rq->fn);
        return NULL;
    }
    void *dl = dlopen(rq->child, RTLD_NOW | RTLD_LOCAL);
    lg_lab_child_entry_fn entry = NULL;
    if (dl)
        *(void **)&entry = dlsym(dl, LG_LAB_CHILD_ENTRY);
    const lg_lab_children *ch = entry ? entry() : NULL;
    if (!ch || ch->abi_version != LG_LAB_ABI_VERSION || ch->struct_size < sizeof *ch) {
        snprintf(why, n_why, "grader: lab %s: %s", rq->lab,
                 !dl ? dlerror() : "child.so has no valid " LG_LAB_CHILD_ENTRY "()");
        return NULL;
    }
    for (size_t i = 0; i < ch->n_defs; i++)
        if (!strcmp(ch->defs[i].name, rq->fn))
            return ch->defs[i].fn;
    snprintf(why, n_why, "grader: lab %s has no computation %s", rq->lab, rq->fn);
    return NULL;
}

int main(void)
{
    static lg_wire_request rq;
    static char arg[LG_WIRE_ARG_MAX];
    /* a crash must end the runner with its signal (an inherited handler, e.g.
     * AddressSanitizer's, would turn it into an exit status) */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (fcntl(LG_PROC_CHAN_FD, F_GETFD) < 0)
        _exit(LG_RUNNER_BAD_REQUEST);
    if (!read_all(0, &rq, sizeof rq) || rq.magic != LG_WIRE_MAGIC || rq.version != LG_WIRE_VERSION ||
        rq.n_files > LG_WIRE_FILES || rq.arg_size > sizeof arg || rq.max > (1u << 20) ||
        !read_all(0, arg, (size_t)rq.arg_size))
        _exit(LG_RUNNER_BAD_REQUEST);
    rq.lab[sizeof rq.lab - 1] = rq.child[sizeof rq.child - 1] = rq.fn[sizeof rq.fn - 1] = '\0';
    for (uint32_t i = 0; i < rq.n_files; i++) {
        lg_wire_file *f = &rq.files[i];
        f->name[sizeof f->name - 1] = f->object[sizeof f->object - 1] = f->error[sizeof f->error - 1] = '\0';
    }
    if (close_range(LG_PROC_CHAN_FD + 1, ~0U, 0) != 0) /* kernels before 5.9 */
        for (int fd = LG_PROC_CHAN_FD + 1; fd < 65536; fd++)
            close(fd);

    /* the lab's own code first (trusted, and a thread it starts is bound by
     * the filter all the same) */
    char why[512] = "";
    lg_child_fn fn = find_fn(&rq, why, sizeof why);
    if (!fn)
        fail(why);

    size_t vm = 0, rss = 0;
    rlim_t cpu = (rlim_t)ceil(rq.cpu_seconds);
    struct rlimit r = { .rlim_cur = cpu < 1 ? 1 : cpu, .rlim_max = (cpu < 1 ? 1 : cpu) + 1 };
    setrlimit(RLIMIT_CPU, &r);
    if (lg_sbx_statm(0, &vm, &rss)) /* without /proc only the grader's watch is left */
        lg_sbx_set_limit(RLIMIT_AS, (rlim_t)vm + 4 * (rlim_t)rq.memory_bytes);
    lg_sbx_set_limit(RLIMIT_FSIZE, 0);
    lg_sbx_set_limit(RLIMIT_CORE, 0);
    lg_sbx_set_limit(RLIMIT_NPROC, 0);
    if (openblas_set_num_threads)
        openblas_set_num_threads(1);
    double *out = calloc(rq.max ? (size_t)rq.max : 1, sizeof *out);
    if (!out)
        fail("the sandbox could not allocate its result");
    lg_sbx_drop_root(); /* best effort: the filter below is what must hold */
    if (lg_runner_install_filter(why, sizeof why) != 0) {
        send_frame(LG_FRAME_FAILURE, why, strlen(why), 1);
        _exit(LG_RUNNER_NO_FILTER);
    }

    gsl_set_error_handler(gsl_say);
    lg_child c;
    memset(&c, 0, sizeof c);
    c.req = &rq;
    int n = fn(&c, arg, out, (size_t)rq.max);
    if (c.failed || n < 0)
        fail(c.failed ? c.why : "the computation failed without saying why");
    if ((size_t)n > rq.max) {
        snprintf(why, sizeof why, "returned %d values where at most %llu fit", n, (unsigned long long)rq.max);
        fail(why);
    }
    fflush(NULL);
    send_frame(LG_FRAME_VALUES, out, (uint64_t)n, sizeof(double));
    _exit(0);
}
