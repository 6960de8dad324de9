/*
 * proc.c - child processes: the one helper behind every program litgan runs
 * (the compiler, pkg-config, gnuplot, a shell in the tests) and every function
 * it runs in a forked copy of itself (the sandbox child, grading jobs).
 *
 * A child gets stdin from /dev/null; its stdout and/or stderr go to the
 * parent's terminal, to /dev/null, or into one capture buffer (the first
 * out_cap bytes kept, the rest read and dropped, so a chatty child never
 * blocks); a function child may also get a channel, a second pipe for a result
 * (chan_cap bytes kept).
 * With a wall-clock timeout the child leads its own process group, and the
 * whole group is killed with SIGKILL when the deadline passes (a compiler's
 * cc1 and as die with it); without one it stays in the parent's group, so a
 * Ctrl-C on the terminal reaches it. A watch callback, called every watch_ms
 * while the child runs, may stop it too (the sandbox's memory watch). Every
 * wait retries on EINTR; wait4 leaves the child's resource usage.
 *
 * lg_proc_run runs one child to its end; lg_proc_start / lg_proc_wait /
 * lg_proc_end run several side by side (grade-all's jobs, compare's runs).
 * Nothing else in litgan forks.
 */
#include "lg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 10 /* how often a child without open pipes is looked at */

struct lg_proc {
    pid_t pid;
    bool group;                /* leads its own process group */
    int fd[2];                 /* capture, channel; -1 when closed */
    char *buf[2];
    size_t n[2], alloc[2], cap[2];
    bool over[2];
    double deadline;           /* lg_now() seconds; 0: none */
    bool (*watch)(pid_t, void *);
    void *ctx;
    double watch_every, next_watch;
    bool reaped, ended, timed_out, stopped;
    int status;
    struct rusage ru;
};

static __attribute__((noreturn)) void child_side(const lg_proc_spec *s, int out_w, int chan_w, int in_r)
{
    if (s->timeout > 0)
        setpgid(0, 0);
    int null = in_r >= 0 ? in_r : open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0)
        _exit(127);
    if (out_w >= 0 && (((s->capture & LG_PROC_OUT) && dup2(out_w, 1) < 0) ||
                       ((s->capture & LG_PROC_ERR) && dup2(out_w, 2) < 0)))
        _exit(127);
    if (s->discard) {
        int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (sink < 0 || ((s->discard & LG_PROC_OUT) && dup2(sink, 1) < 0) ||
            ((s->discard & LG_PROC_ERR) && dup2(sink, 2) < 0))
            _exit(127);
    }
    if (s->cwd && chdir(s->cwd) != 0)
        _exit(127);
    if (s->setup)
        s->setup(s->ctx);
    if (s->fn) {
        int rc = s->fn(s->ctx, chan_w);
        fflush(NULL);
        _exit(rc & 0xff);
    }
    if (chan_w >= 0) { /* a program finds its channel at fd 3 */
        int fd = fcntl(chan_w, F_DUPFD, 10);
        if (fd < 0 || dup2(fd, LG_PROC_CHAN_FD) < 0)
            _exit(127);
    }
    if (s->envp)
        execvpe(s->argv[0], s->argv, s->envp);
    else
        execvp(s->argv[0], s->argv);
    char msg[512]; /* no stdio: the setup may have left it unable to allocate */
    int len = snprintf(msg, sizeof msg, "error: cannot run %s: %s\n", s->argv[0], strerror(errno));
    (void)!write(2, msg, (size_t)(len > 0 ? len : 0));
    _exit(127);
}

/* Close the ends of the three pipes that are open (-1: not made, or closed). */
static void close_all(int po[2], int pc[2], int pi[2])
{
    int *fds[] = { po, pc, pi };
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++)
            if (fds[i][k] >= 0) {
                close(fds[i][k]);
                fds[i][k] = -1;
            }
}

int lg_proc_start(const lg_proc_spec *s, lg_proc **out)
{
    LG_ASSERT((s->argv != NULL) != (s->fn != NULL), "a process runs either argv or fn");
    LG_ASSERT(!(s->discard & s->capture), "a stream is captured or discarded, not both");
    *out = NULL;
    const char *what = s->what ? s->what : s->argv ? s->argv[0] : "a child process";
    LG_ASSERT(s->n_in <= LG_PROC_IN_MAX, "a child's standard input holds at most LG_PROC_IN_MAX bytes");
    int po[2] = { -1, -1 }, pc[2] = { -1, -1 }, pi[2] = { -1, -1 };
    bool capture = s->capture && s->out_cap > 0, chan = s->chan_cap > 0;
    if ((capture && pipe2(po, O_CLOEXEC) != 0) || (chan && pipe2(pc, O_CLOEXEC) != 0) ||
        (s->in && pipe2(pi, O_CLOEXEC) != 0)) {
        int e = errno;
        close_all(po, pc, pi);
        return lg_seterr(LG_EIO, "cannot start %s: no pipe (%s)", what, strerror(e));
    }
    if (s->in) { /* the whole input fits the pipe: written now, read by the child */
        bool ok = lg_write_all(pi[1], s->in, s->n_in);
        close(pi[1]);
        pi[1] = -1;
        if (!ok) {
            close_all(po, pc, pi);
            return lg_seterr(LG_EIO, "cannot start %s: its input did not fit a pipe", what);
        }
    }
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close_all(po, pc, pi);
        return lg_seterr(LG_EIO, "cannot start %s: fork failed (%s)", what, strerror(e));
    }
    if (pid == 0)
        child_side(s, po[1], pc[1], pi[0]);
    if (pi[0] >= 0)
        close(pi[0]);
    if (s->timeout > 0)
        setpgid(pid, pid); /* also done by the child: whichever runs first */
    lg_proc *p = lg_xcalloc(1, sizeof *p);
    p->pid = pid;
    p->group = s->timeout > 0;
    p->fd[0] = po[0];
    p->fd[1] = pc[0];
    p->cap[0] = s->out_cap;
    p->cap[1] = s->chan_cap;
    for (int k = 0; k < 2; k++)
        if (p->fd[k] >= 0)
            fcntl(p->fd[k], F_SETFL, O_NONBLOCK);
    if (po[1] >= 0)
        close(po[1]);
    if (pc[1] >= 0)
        close(pc[1]);
    double now = lg_now();
    p->deadline = s->timeout > 0 ? now + s->timeout : 0;
    p->watch = s->watch;
    p->ctx = s->ctx;
    p->watch_every = (s->watch_ms > 0 ? s->watch_ms : SLICE_MS) / 1000.0;
    p->next_watch = now;
    *out = p;
    return LG_OK;
}

/* Keep what fits of n bytes in stream k. */
static void keep(lg_proc *p, int k, const char *b, size_t n)
{
    size_t room = p->cap[k] - p->n[k], take = n < room ? n : room;
    if (take < n)
        p->over[k] = true;
    if (!take)
        return;
    if (p->n[k] + take > p->alloc[k]) {
        size_t want = 2 * p->alloc[k] > 4096 ? 2 * p->alloc[k] : 4096;
        if (want < p->n[k] + take)
            want = p->n[k] + take;
        if (want > p->cap[k])
            want = p->cap[k];
        p->buf[k] = lg_xrealloc(p->buf[k], want + 1);
        p->alloc[k] = want;
    }
    memcpy(p->buf[k] + p->n[k], b, take);
    p->n[k] += take;
}

/* Read what stream k holds now; at its end (or an error) close it. */
static void drain(lg_proc *p, int k)
{
    while (p->fd[k] >= 0) {
        char tmp[16384];
        ssize_t r = read(p->fd[k], tmp, sizeof tmp);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r <= 0) {
            close(p->fd[k]);
            p->fd[k] = -1;
            return;
        }
        keep(p, k, tmp, (size_t)r);
    }
}

static void reap(lg_proc *p, bool block)
{
    while (!p->reaped) {
        pid_t w = wait4(p->pid, &p->status, block ? 0 : WNOHANG, &p->ru);
        if (w < 0 && errno == EINTR)
            continue;
        if (w == 0)
            return;
        if (w < 0) /* reaped elsewhere (SIGCHLD ignored): say it could not run */
            p->status = 127 << 8;
        p->reaped = true;
    }
}

/* After the child is gone: what is left in the pipes is all there is. */
static void finish(lg_proc *p)
{
    for (int k = 0; k < 2; k++) {
        drain(p, k);
        if (p->fd[k] >= 0) { /* a descendant holds it open: not waited for */
            close(p->fd[k]);
            p->fd[k] = -1;
        }
    }
    p->ended = true;
}

static void stop(lg_proc *p)
{
    if (p->group)
        kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    reap(p, true);
    finish(p);
}

/* Deadlines, watches, ends; the number of ended processes. */
static size_t look(lg_proc *const *ps, size_t n)
{
    size_t ended = 0;
    for (size_t i = 0; i < n; i++) {
        lg_proc *p = ps[i];
        if (!p)
            continue;
        if (!p->ended) {
            reap(p, false);
            double now = lg_now();
            if (p->reaped) {
                finish(p);
            } else if (p->deadline > 0 && now >= p->deadline) {
                p->timed_out = true;
                stop(p);
            } else if (p->watch && now >= p->next_watch) {
                p->next_watch = now + p->watch_every;
                if (!p->watch(p->pid, p->ctx)) {
                    p->stopped = true;
                    stop(p);
                }
            }
        }
        ended += p->ended;
    }
    return ended;
}

size_t lg_proc_wait(lg_proc *const *ps, size_t n, int ms)
{
    double until = ms < 0 ? INFINITY : lg_now() + ms / 1000.0;
    struct pollfd *fds = lg_xcalloc(2 * n, sizeof *fds);
    lg_proc **who = lg_xcalloc(2 * n, sizeof *who);
    size_t ended;
    while ((ended = look(ps, n)) == 0) {
        double now = lg_now(), wake = until;
        nfds_t nf = 0;
        bool pipeless = false;
        for (size_t i = 0; i < n; i++) {
            lg_proc *p = ps[i];
            if (!p)
                continue;
            bool open_ = false;
            for (int k = 0; k < 2; k++)
                if (p->fd[k] >= 0) {
                    fds[nf] = (struct pollfd){ .fd = p->fd[k], .events = POLLIN };
                    who[nf++] = p;
                    open_ = true;
                }
            if (p->deadline > 0)
                wake = fmin(wake, p->deadline);
            if (p->watch)
                wake = fmin(wake, p->next_watch);
            pipeless |= !open_;
        }
        if (now >= until)
            break;
        if (pipeless) { /* only wait4 tells when such a child ends */
            if (nf == 0 && n == 1 && isinf(wake)) {
                reap(ps[0], true);
                continue;
            }
            wake = fmin(wake, now + SLICE_MS / 1000.0);
        }
        int timeout = isinf(wake) ? -1 : (int)ceil(fmax(0, wake - now) * 1000);
        if (nf)
            poll(fds, nf, timeout);
        else if (timeout > 0)
            nanosleep(&(struct timespec){ .tv_sec = timeout / 1000,
                                          .tv_nsec = (timeout % 1000) * 1000000L }, NULL);
        for (nfds_t f = 0; f < nf; f++)
            if (fds[f].revents)
                for (int k = 0; k < 2; k++)
                    if (who[f]->fd[k] == fds[f].fd)
                        drain(who[f], k);
    }
    free(fds);
    free(who);
    return ended;
}

bool lg_proc_ended(const lg_proc *p) { return p->ended; }

void lg_proc_end(lg_proc *p, lg_proc_result *res)
{
    while (!p->ended)
        lg_proc_wait(&p, 1, -1);
    memset(res, 0, sizeof *res);
    res->status = p->status;
    res->timed_out = p->timed_out;
    res->stopped = p->stopped;
    res->ru = p->ru;
    for (int k = 0; k < 2; k++)
        if (!p->buf[k])
            p->buf[k] = lg_xmalloc(1);
    res->out = p->buf[0];
    res->out[p->n[0]] = '\0';
    res->n_out = p->n[0];
    res->out_over = p->over[0];
    res->chan = p->buf[1];
    res->chan[p->n[1]] = '\0';
    res->n_chan = p->n[1];
    res->chan_over = p->over[1];
    free(p);
}

int lg_proc_run(const lg_proc_spec *s, lg_proc_result *res)
{
    lg_proc *p;
    int rc = lg_proc_start(s, &p);
    if (rc != LG_OK) {
        memset(res, 0, sizeof *res);
        return rc;
    }
    lg_proc_end(p, res);
    return LG_OK;
}

void lg_proc_result_free(lg_proc_result *res)
{
    free(res->out);
    free(res->chan);
    res->out = res->chan = NULL;
}

bool lg_proc_exited_ok(const lg_proc_result *res)
{
    return !res->timed_out && !res->stopped && WIFEXITED(res->status) &&
           WEXITSTATUS(res->status) == 0;
}
