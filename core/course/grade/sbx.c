/*
 * sbx.c - what the grader and the runner share about a sandboxed process:
 * its memory from /proc, limits, giving up root, signal names, one line of
 * untrusted text. Built into liblitgan-course and into the runner.
 */
#include "grade_impl.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Virtual size and resident set of a process from /proc/PID/statm, in bytes. */
bool lg_sbx_statm(pid_t pid, size_t *vm, size_t *rss)
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

/* Give up root in a child: supplementary groups, gid, uid. Returns false when
 * the system refuses (e.g. a user namespace without uid 65534); the caller
 * goes on with the seccomp filter alone. */
bool lg_sbx_drop_root(void)
{
    if (geteuid() != 0)
        return true;
    return setgroups(0, NULL) == 0 && setgid(LG_NOBODY) == 0 && setuid(LG_NOBODY) == 0;
}

void lg_sbx_set_limit(int resource, rlim_t value)
{
    struct rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_max != RLIM_INFINITY && value > r.rlim_max)
        value = r.rlim_max;
    r.rlim_cur = r.rlim_max = value;
    setrlimit(resource, &r);
}

const char *lg_sbx_signal_name(int sig)
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
void lg_sbx_one_line(char *dst, size_t cap, const char *src, size_t n)
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
