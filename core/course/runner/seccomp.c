/*
 * seccomp.c - the runner's system-call filter (libseccomp): an allowlist.
 * What is not listed fails with EPERM (so student code sees an error it can
 * report, and a test can tell what was refused); a system call of a foreign
 * ABI (int 0x80, x32) kills the whole process. The filter binds every thread of the
 * process (TSYNC) and is installed before any student object is mapped. A
 * name this libseccomp cannot resolve is an error, never skipped.
 *
 * What a computation may do: use memory; read files it may see (dlopen needs
 * open, read, mmap; what it may see is the sandbox's business: bubblewrap
 * shows it only the runner, the system libraries and this submission); write
 * to its standard output and error and to the result channel (fds 1-3); read
 * the clocks, sleep, take and handle signals sent to itself; end.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* Allow name under the argument conditions (ANDed); -1 naming it on err
 * when libseccomp does not know it or refuses the rule. */
static int allow(scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *cmp,
                 char *err, size_t n_err)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
        snprintf(err, n_err, "the system-call filter does not know %s", name);
        return -1;
    }
    if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp) < 0) {
        snprintf(err, n_err, "the system-call filter refused its rule for %s", name);
        return -1;
    }
    return 0;
}

int lg_runner_install_filter(char *err, size_t n_err)
{
    static const char *const plain[] = {
        /* memory */
        "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
        /* files it may see, read only (open is checked below) */
        "read", "pread64", "readv", "close", "fstat", "newfstatat", "statx", "lseek", "fcntl",
        /* time */
        "clock_gettime", "gettimeofday", "time", "nanosleep", "clock_nanosleep", "clock_getres",
        /* signals to itself, and their handling */
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
        /* what it is */
        "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getrusage", "uname",
        "sched_getaffinity", "sched_yield", "getrandom", "futex",
        /* a thread's own registrations as it starts (glibc aborts without them) */
        "rseq", "set_robust_list",
        /* its end */
        "exit", "exit_group",
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (!ctx) {
        snprintf(err, n_err, "the system-call filter could not be made");
        return -1;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0 ||
                     seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0
                 ? -1
                 : 0;
    if (rc)
        snprintf(err, n_err, "the system-call filter could not bind every thread (TSYNC)");
    for (size_t i = 0; rc == 0 && i < sizeof plain / sizeof plain[0]; i++)
        rc = allow(ctx, plain[i], 0, NULL, err, n_err);
    /* writes to stdout, stderr and the result channel only (one rule a
     * descriptor: libseccomp takes one comparison per argument and rule) */
    for (int fd = 1; rc == 0 && fd <= 3; fd++) {
        struct scmp_arg_cmp is_fd = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd);
        rc = allow(ctx, "write", 1, &is_fd, err, n_err);
        if (rc == 0)
            rc = allow(ctx, "writev", 1, &is_fd, err, n_err);
    }
    /* open for reading only: no write access, no creation, no truncation */
    struct scmp_arg_cmp rdonly = { .arg = 2, .op = SCMP_CMP_MASKED_EQ,
                                   .datum_a = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, .datum_b = O_RDONLY };
    if (rc == 0)
        rc = allow(ctx, "openat", 1, &rdonly, err, n_err);
    /* signals only to itself (abort() raises SIGABRT with tgkill(self, self)) */
    scmp_datum_t self = (scmp_datum_t)getpid();
    struct scmp_arg_cmp self0 = SCMP_A0_32(SCMP_CMP_EQ, self);
    if (rc == 0)
        rc = allow(ctx, "kill", 1, &self0, err, n_err);
    if (rc == 0)
        rc = allow(ctx, "tkill", 1, &self0, err, n_err);
    if (rc == 0) /* any thread of its own (abort() in a thread raises SIGABRT at that thread) */
        rc = allow(ctx, "tgkill", 1, &self0, err, n_err);
    /* limits may be read (getrlimit uses prlimit64), never set */
    struct scmp_arg_cmp no_new = SCMP_A2(SCMP_CMP_EQ, 0);
    if (rc == 0)
        rc = allow(ctx, "prlimit64", 1, &no_new, err, n_err);
    /* ioctl: isatty's TCGETS only */
    struct scmp_arg_cmp tcgets = SCMP_A1_32(SCMP_CMP_EQ, TCGETS);
    if (rc == 0)
        rc = allow(ctx, "ioctl", 1, &tcgets, err, n_err);
    if (rc == 0 && seccomp_load(ctx) != 0) {
        snprintf(err, n_err, "the system-call filter could not be loaded");
        rc = -1;
    }
    seccomp_release(ctx);
    return rc;
}
