/*
 * seccomp.c - the sandbox child's system-call filter (libseccomp; default
 * allow, listed calls fail with EPERM): no new processes or threads, no exec,
 * no signals to other processes, no ptrace, no sockets, no file creation,
 * deletion, renaming, permission changes, no open for writing, no raised
 * limits. Installed by the child (child.c) before any student object is loaded.
 */
#include "grade_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

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
int lg_sbx_install_filter(void)
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

