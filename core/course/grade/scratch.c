/*
 * scratch.c - the grader's build folders: private, never left behind.
 *
 * A folder is made with mkdtemp under the temporary base as
 * PREFIX-PID-XXXXXX (mode 0700, PID the grader's), opened at once with
 * O_NOFOLLOW and, when the compiler must work in it as nobody, handed to
 * nobody by fchown on that descriptor - never by path. Everything later done
 * in it goes through the descriptor (openat, mkdirat, unlinkat), so a folder
 * renamed or replaced by a link behind the grader's back cannot redirect it.
 *
 * The folders a process holds are registered here. While one is, SIGINT,
 * SIGTERM and SIGHUP (those not ignored) are caught: the handler kills the
 * running compiler's process group, removes this process's folders through
 * their descriptors (async-signal-safe: getdents64, unlinkat, openat, no
 * allocation), puts the old disposition back and raises the signal again, so
 * the grader still dies of it. A forked copy that inherits the registry leaves
 * the folders alone (each slot names the process that made it).
 *
 * A grader killed by SIGKILL leaves its folder; the next grader removes it:
 * lg_scratch_clean_stale removes PREFIX-PID-* folders whose PID no longer
 * runs and that belong to this user (or, for root, to nobody, to whom root
 * hands them), once per process.
 */
#include "grade_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SLOTS 16
#define MAX_DEPTH 16

typedef struct slot {
    volatile sig_atomic_t used;
    pid_t owner;
    int fd;
    char path[4096];
} slot;

static slot slots[SLOTS];
static volatile pid_t tool_pgid, tool_owner;
static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define N_CAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction old_action[N_CAUGHT];
static bool handled[N_CAUGHT];

/* ------------------------------------------------- removal through an fd --- */

struct dirent64_raw {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Remove everything inside the folder open as dfd; links are removed, never
 * followed. Async-signal-safe. */
static void rm_contents(int dfd, int depth)
{
    char buf[2048] __attribute__((aligned(8)));
    for (int pass = 0; pass < 64; pass++) {
        if (lseek(dfd, 0, SEEK_SET) < 0)
            return;
        bool any = false, removed = false;
        long n;
        while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64_raw *d = (struct dirent64_raw *)(void *)(buf + off);
                off += d->d_reclen;
                const char *name = d->d_name;
                if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                    continue;
                any = true;
                if (unlinkat(dfd, name, 0) == 0) {
                    removed = true;
                    continue;
                }
                if (depth < MAX_DEPTH) {
                    int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                    if (sub >= 0) {
                        rm_contents(sub, depth + 1);
                        close(sub);
                    }
                }
                if (unlinkat(dfd, name, AT_REMOVEDIR) == 0)
                    removed = true;
            }
        }
        if (!any || !removed)
            return;
    }
}

/* The folder at path, open as fd: its contents, then itself. */
static void rm_folder(int fd, const char *path)
{
    if (fd >= 0)
        rm_contents(fd, 0);
    rmdir(path); /* whatever is at path now: removed only when it is an empty folder */
}

/* ------------------------------------------------------------ signals --- */

static void on_signal(int sig)
{
    int saved = errno;
    pid_t me = getpid();
    if (tool_pgid > 0 && tool_owner == me)
        kill(-tool_pgid, SIGKILL);
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].used && slots[i].owner == me) {
            rm_folder(slots[i].fd, slots[i].path);
            slots[i].used = 0;
        }
    for (size_t k = 0; k < N_CAUGHT; k++)
        if (caught[k] == sig)
            sigaction(sig, &old_action[k], NULL);
    errno = saved;
    raise(sig); /* blocked until this handler returns, then the old disposition */
}

static void block(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    for (size_t k = 0; k < N_CAUGHT; k++)
        sigaddset(&s, caught[k]);
    sigprocmask(SIG_BLOCK, &s, old);
}

/* Catch the signals while a folder is registered; put them back after. */
static void update_handlers(void)
{
    size_t used = 0;
    for (size_t i = 0; i < SLOTS; i++)
        used += slots[i].used && slots[i].owner == getpid();
    for (size_t k = 0; k < N_CAUGHT; k++) {
        if (used && !handled[k]) {
            struct sigaction sa, old;
            if (sigaction(caught[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
                continue; /* ignored (nohup): it cannot kill us */
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            for (size_t j = 0; j < N_CAUGHT; j++)
                sigaddset(&sa.sa_mask, caught[j]);
            if (sigaction(caught[k], &sa, &old_action[k]) == 0)
                handled[k] = true;
        } else if (!used && handled[k]) {
            sigaction(caught[k], &old_action[k], NULL);
            handled[k] = false;
        }
    }
}

void lg_scratch_set_tool(pid_t pgid)
{
    sigset_t old;
    block(&old);
    tool_owner = getpid();
    tool_pgid = pgid;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---------------------------------------------------------- the folders --- */

int lg_scratch_make(const char *prefix, bool to_nobody, char *path, size_t cap)
{
    const char *base = lg_sbx_tmp_base();
    snprintf(path, cap, "%s/%s-%d-XXXXXX", base, prefix, (int)getpid());
    if (!mkdtemp(path)) { /* mode 0700 */
        int e = errno;
        path[0] = '\0';
        lg_seterr(LG_EIO, "cannot make a build folder in %s: %s", base, strerror(e));
        return -1;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    int e = 0;
    if (fd < 0 || fstat(fd, &st) != 0)
        why = "cannot open it", e = errno;
    else if (st.st_uid != geteuid())
        why = "it is not ours", e = EPERM;
    else if (fchmod(fd, 0700) != 0)
        why = "cannot make it private", e = errno;
    else if (to_nobody && fchown(fd, LG_NOBODY, LG_NOBODY) != 0)
        why = "cannot hand it to nobody", e = errno;
    sigset_t old;
    block(&old);
    size_t i = 0;
    while (!why && i < SLOTS && slots[i].used)
        i++;
    if (!why && i == SLOTS)
        why = "too many build folders at once", e = EBUSY;
    if (why) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        rm_folder(fd, path);
        if (fd >= 0)
            close(fd);
        lg_seterr(LG_EIO, "build folder %s: %s (%s)", path, why, strerror(e));
        path[0] = '\0';
        return -1;
    }
    slots[i].owner = getpid();
    slots[i].fd = fd;
    snprintf(slots[i].path, sizeof slots[i].path, "%s", path);
    slots[i].used = 1;
    update_handlers();
    sigprocmask(SIG_SETMASK, &old, NULL);
    return fd;
}

static slot *find(const char *path)
{
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].used && slots[i].owner == getpid() && !strcmp(slots[i].path, path))
            return &slots[i];
    return NULL;
}

void lg_scratch_remove(const char *path)
{
    if (!path || !*path)
        return;
    sigset_t old;
    block(&old);
    slot *s = find(path);
    if (s) {
        rm_folder(s->fd, s->path);
        close(s->fd);
        s->used = 0;
        update_handlers();
    } else { /* not this process's: through a fresh descriptor */
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rm_folder(fd, path);
        if (fd >= 0)
            close(fd);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void lg_scratch_clean_stale(const char *prefix)
{
    static bool done;
    if (done)
        return;
    done = true;
    const char *base = lg_sbx_tmp_base();
    int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    lg_strvec names = { 0 };
    if (bfd < 0 || lg_dir_list(base, &names) != LG_OK) {
        if (bfd >= 0)
            close(bfd);
        lg_strvec_free(&names);
        return;
    }
    size_t plen = strlen(prefix);
    uid_t me = geteuid();
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.w[i], *digits = name + plen + 1;
        if (strncmp(name, prefix, plen) != 0 || name[plen] != '-')
            continue;
        char *end;
        long pid = strtol(digits, &end, 10);
        if (end == digits || *end != '-' || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* still running (or not ours to ask) */
        int fd = openat(bfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 &&
            (st.st_uid == me || (me == 0 && st.st_uid == LG_NOBODY))) {
            rm_contents(fd, 0);
            unlinkat(bfd, name, AT_REMOVEDIR);
        }
        if (fd >= 0)
            close(fd);
    }
    close(bfd);
    lg_strvec_free(&names);
}
