/*
 * test_proc.c - the process helper (core/engine/proc.c) and the atomic write
 * (core/engine/fsio.c).
 *
 * The helper against a shell whose behaviour is known: what it prints where,
 * its exit status, a capture cap, a timeout that must take a grandchild with
 * it, EINTR storms during the wait, several children side by side, a watch
 * that stops a child, a function child with a result channel, a stream
 * discarded, a failed start named by spec.what. The atomic write
 * against the file system: new file, replaced file (mode kept, no temporary
 * left), a symbolic link (target replaced, link kept), /dev/null and a FIFO
 * (written through, never replaced), a folder (refused), and a write that
 * fails half way (RLIMIT_FSIZE) leaving the old file as it was. The folder
 * listing and walker against a tree with a hidden file, a link to a folder
 * and a dangling link.
 */
#include "lg_test.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static lg_proc_result run_sh(const char *script, unsigned capture, size_t cap, double timeout)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
    lg_proc_spec s = { .argv = argv, .capture = capture, .out_cap = cap, .timeout = timeout };
    lg_proc_result r;
    int rc = lg_proc_run(&s, &r);
    LG_ASSERT_MSG(rc == LG_OK, "lg_proc_run: %s", lg_errmsg());
    return r;
}

static void test_capture(void)
{
    lg_proc_result r = run_sh("echo out; echo err >&2; exit 3", LG_PROC_OUT | LG_PROC_ERR, 4096, 5);
    CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);
    CU_ASSERT(!lg_proc_exited_ok(&r));
    CU_ASSERT_STRING_EQUAL(r.out, "out\nerr\n");
    lg_proc_result_free(&r);

    /* stdout only; stdin is /dev/null (cat ends at once) */
    r = run_sh("cat; echo out; echo \"(proc test: stderr stays the terminal's)\" >&2", LG_PROC_OUT, 4096, 5);
    CU_ASSERT(lg_proc_exited_ok(&r));
    CU_ASSERT_STRING_EQUAL(r.out, "out\n");
    lg_proc_result_free(&r);

    /* a cap: the first bytes kept, the child never blocked on a full pipe */
    r = run_sh("head -c 300000 /dev/zero | tr '\\0' x", LG_PROC_OUT, 1000, 5);
    CU_ASSERT(lg_proc_exited_ok(&r));
    CU_ASSERT_EQUAL(r.n_out, 1000);
    CU_ASSERT(r.out_over);
    CU_ASSERT(r.out[0] == 'x' && r.out[999] == 'x' && r.out[1000] == '\0');
    lg_proc_result_free(&r);

    /* a program that does not exist */
    char *argv[] = { "litgan-no-such-program", NULL };
    lg_proc_spec s = { .argv = argv, .capture = LG_PROC_ERR, .out_cap = 4096 };
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s, &r), LG_OK);
    CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127);
    LG_ASSERT_MSG(strstr(r.out, "cannot run litgan-no-such-program"), "said: %s", r.out);
    lg_proc_result_free(&r);
}

/* discard: a stream to /dev/null, the other one still captured or the
 * parent's */
static void test_discard(void)
{
    char *argv[] = { "/bin/sh", "-c", "echo gone >&2; readlink /proc/self/fd/2", NULL };
    lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 4096,
                       .discard = LG_PROC_ERR, .timeout = 5 };
    lg_proc_result r;
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s, &r), LG_OK);
    CU_ASSERT(lg_proc_exited_ok(&r));
    CU_ASSERT_STRING_EQUAL(r.out, "/dev/null\n");
    lg_proc_result_free(&r);

    char *argv2[] = { "/bin/sh", "-c", "echo gone; t=$(readlink /proc/$$/fd/1); echo \"$t\" >&2", NULL };
    lg_proc_spec s2 = { .argv = argv2, .capture = LG_PROC_ERR, .out_cap = 4096,
                        .discard = LG_PROC_OUT, .timeout = 5 };
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s2, &r), LG_OK);
    CU_ASSERT(lg_proc_exited_ok(&r));
    CU_ASSERT_STRING_EQUAL(r.out, "/dev/null\n");
    lg_proc_result_free(&r);
}

/* In a child that can open no more files: starting a process with a pipe
 * fails, and the message names the child by spec.what. */
static int start_without_fds(void *ctx, int chan)
{
    (void)ctx, (void)chan;
    struct rlimit lim = { 3, 3 }; /* 0, 1, 2 are open: no pipe fits */
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 3;
    char *argv[] = { "true", NULL };
    lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 64, .what = "a run" };
    lg_proc *p;
    if (lg_proc_start(&s, &p) != LG_EIO || p)
        return 1;
    return !strncmp(lg_errmsg(), "cannot start a run: ", 20) ? 0 : 2;
}

static void test_what(void)
{
    lg_proc_spec s = { .fn = start_without_fds, .timeout = 10 };
    lg_proc_result r;
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s, &r), LG_OK);
    LG_ASSERT_MSG(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
                  "the failed start was not named by spec.what (status %d)", r.status);
    lg_proc_result_free(&r);
}

/* State of process pid from /proc: 0 when it is gone. */
static char proc_state(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] ? p[2] : 0;
}

static void test_timeout_group(void)
{
    /* the shell starts a grandchild that would outlive it, then waits */
    double t0 = lg_now();
    lg_proc_result r = run_sh("sleep 30 & echo $!; wait", LG_PROC_OUT, 256, 0.5);
    double took = lg_now() - t0;
    CU_ASSERT(r.timed_out);
    CU_ASSERT(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    LG_ASSERT_MSG(took >= 0.45 && took < 5, "the timeout took %.2f s", took);
    long grandchild = strtol(r.out, NULL, 10);
    CU_ASSERT_FATAL(grandchild > 0);
    char st = proc_state(grandchild);
    for (int i = 0; i < 100 && st && st != 'Z'; i++) {
        usleep(10000);
        st = proc_state(grandchild);
    }
    LG_ASSERT_MSG(!st || st == 'Z', "the grandchild %ld is still running (%c)", grandchild, st);
    lg_proc_result_free(&r);

    /* ending in time is not a timeout */
    r = run_sh("exit 0", 0, 0, 5);
    CU_ASSERT(lg_proc_exited_ok(&r) && !r.timed_out);
    lg_proc_result_free(&r);
}

static void on_alarm(int sig) { (void)sig; }

static void test_eintr(void)
{
    /* a signal every millisecond, without SA_RESTART: every poll, read and
     * wait is interrupted again and again */
    struct sigaction sa = { .sa_handler = on_alarm }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    struct itimerval every = { { 0, 1000 }, { 0, 1000 } }, none = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &every, NULL);
    lg_proc_result r = run_sh("sleep 0.3; head -c 100000 /dev/zero | tr '\\0' y; exit 4",
                              LG_PROC_OUT, 200000, 10);
    setitimer(ITIMER_REAL, &none, NULL);
    sigaction(SIGALRM, &old, NULL);
    CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4 && !r.timed_out);
    CU_ASSERT_EQUAL(r.n_out, 100000);
    CU_ASSERT(!r.out_over);
    lg_proc_result_free(&r);
}

static void test_side_by_side(void)
{
    /* three children ending in reverse order of their start, 0.4 s apart (wide
     * enough for a loaded machine under the sanitizers) */
    lg_proc *p[3];
    char scripts[3][64];
    for (int i = 0; i < 3; i++) {
        snprintf(scripts[i], sizeof scripts[i], "sleep 0.%d; echo %d; exit %d", 9 - 4 * i, i, 10 + i);
        char *argv[] = { "/bin/sh", "-c", scripts[i], NULL };
        lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 64, .timeout = 10 };
        CU_ASSERT_EQUAL_FATAL(lg_proc_start(&s, &p[i]), LG_OK);
    }
    int order[3], k = 0;
    while (k < 3) {
        lg_proc_wait(p, 3, -1);
        for (int i = 0; i < 3; i++)
            if (p[i] && lg_proc_ended(p[i])) {
                lg_proc_result r;
                lg_proc_end(p[i], &r);
                p[i] = NULL;
                char want[8];
                snprintf(want, sizeof want, "%d\n", i);
                CU_ASSERT_STRING_EQUAL(r.out, want);
                CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 10 + i);
                lg_proc_result_free(&r);
                order[k++] = i;
            }
    }
    CU_ASSERT(order[0] == 2 && order[1] == 1 && order[2] == 0);
}

/* a function child: a result through the channel, an exit status */
static int fn_child(void *ctx, int chan)
{
    const double *x = ctx;
    double y[2] = { 2 * x[0], x[0] + 1 };
    printf("chatter\n");
    return write(chan, y, sizeof y) == (ssize_t)sizeof y ? 7 : 1;
}

static int fn_spin(void *ctx, int chan)
{
    (void)ctx, (void)chan;
    for (;;)
        pause();
    return 0;
}

static bool stop_on_third(pid_t pid, void *ctx)
{
    (void)pid;
    int *calls = ctx;
    return ++*calls < 3;
}

static void test_fork_fn(void)
{
    double x = 1.5;
    lg_proc_spec s = { .fn = fn_child, .ctx = &x, .capture = LG_PROC_OUT, .out_cap = 64,
                       .chan_cap = 64 };
    lg_proc_result r;
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s, &r), LG_OK);
    CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 7);
    CU_ASSERT_STRING_EQUAL(r.out, "chatter\n");
    CU_ASSERT_EQUAL_FATAL(r.n_chan, 2 * sizeof(double));
    double y[2];
    memcpy(y, r.chan, sizeof y);
    CU_ASSERT(y[0] == 3.0 && y[1] == 2.5);
    lg_proc_result_free(&r);

    /* a watch stops a child that would run forever (no timeout) */
    int calls = 0;
    lg_proc_spec w = { .fn = fn_spin, .ctx = &calls, .watch = stop_on_third, .watch_ms = 5 };
    double t0 = lg_now();
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&w, &r), LG_OK);
    CU_ASSERT(r.stopped && !r.timed_out && calls == 3);
    CU_ASSERT(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    LG_ASSERT_MSG(lg_now() - t0 < 2, "the watch took %.2f s", lg_now() - t0);
    lg_proc_result_free(&r);
}

/* ------------------------------------------------------------ atomic write --- */

static char *slurp(const char *path)
{
    return lg_read_file(path, NULL);
}

static int count_entries(const char *dir)
{
    lg_strvec names = { 0 };
    lg_dir_list(dir, &names);
    int n = (int)names.n;
    lg_strvec_free(&names);
    return n;
}

static void test_atomic_files(void)
{
    const char *dir = lg_test_tmpdir("atomic");
    char path[600], link[600];
    snprintf(path, sizeof path, "%s/deeper/file.txt", dir); /* the folder is made */
    CU_ASSERT_EQUAL_FATAL(lg_write_atomic(path, "one\n", 4), LG_OK);
    char *t = slurp(path);
    CU_ASSERT(t && !strcmp(t, "one\n"));
    free(t);
    mode_t mask = umask(0);
    umask(mask);
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask));

    /* replaced: new content, the old mode, nothing else left in the folder */
    chmod(path, 0600);
    CU_ASSERT_EQUAL(lg_write_atomic(path, "two\n", 4), LG_OK);
    t = slurp(path);
    CU_ASSERT(t && !strcmp(t, "two\n"));
    free(t);
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/deeper", dir);
    CU_ASSERT_EQUAL(count_entries(sub), 1);

    /* a symbolic link: the file it points to is replaced, the link stays */
    snprintf(link, sizeof link, "%s/deeper/link.txt", dir);
    CU_ASSERT_FATAL(symlink(path, link) == 0);
    CU_ASSERT_EQUAL(lg_write_atomic(link, "three\n", 6), LG_OK);
    CU_ASSERT(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    t = slurp(path);
    CU_ASSERT(t && !strcmp(t, "three\n"));
    free(t);
    CU_ASSERT_EQUAL(count_entries(sub), 2);

    /* a folder is refused and stays */
    CU_ASSERT_EQUAL(lg_write_atomic(sub, "x", 1), LG_EIO);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "exists and is not a regular file"), "said: %s",
                  lg_errmsg());
    CU_ASSERT(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));

    /* /dev/null is written through and stays the device */
    struct stat before;
    CU_ASSERT_FATAL(stat("/dev/null", &before) == 0 && S_ISCHR(before.st_mode));
    CU_ASSERT_EQUAL(lg_write_atomic("/dev/null", "gone\n", 5), LG_OK);
    CU_ASSERT(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == before.st_rdev);
}

static void test_atomic_fifo(void)
{
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s", lg_test_tmpdir("atomic.fifo"));
    CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
    char *argv[] = { "cat", fifo, NULL };
    lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 64, .timeout = 10 };
    lg_proc *reader;
    CU_ASSERT_EQUAL_FATAL(lg_proc_start(&s, &reader), LG_OK);
    CU_ASSERT_EQUAL(lg_write_atomic(fifo, "through\n", 8), LG_OK);
    lg_proc_result r;
    lg_proc_end(reader, &r);
    CU_ASSERT(lg_proc_exited_ok(&r));
    CU_ASSERT_STRING_EQUAL(r.out, "through\n");
    lg_proc_result_free(&r);
    struct stat st;
    CU_ASSERT(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
}

/* In a child: files may not grow past 4 KiB; a 1 MiB write must fail. */
static int write_too_much(void *ctx, int chan)
{
    (void)chan;
    struct rlimit lim = { 4096, 4096 };
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        return 3;
    size_t n = (size_t)1 << 20;
    char *big = malloc(n);
    memset(big, 'z', n);
    int rc = lg_write_atomic(ctx, big, n);
    free(big);
    if (rc != LG_EIO)
        return 1;
    return strstr(lg_errmsg(), "cannot write") ? 0 : 2;
}

static void test_atomic_failure(void)
{
    const char *dir = lg_test_tmpdir("atomic-fail");
    char path[600];
    snprintf(path, sizeof path, "%s/results.json", dir);
    CU_ASSERT_EQUAL_FATAL(lg_write_atomic(path, "{\"old\": true}\n", 14), LG_OK);
    lg_proc_spec s = { .fn = write_too_much, .ctx = path };
    lg_proc_result r;
    CU_ASSERT_EQUAL_FATAL(lg_proc_run(&s, &r), LG_OK);
    LG_ASSERT_MSG(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
                  "the failed write was not reported (status %d)", r.status);
    lg_proc_result_free(&r);
    char *t = slurp(path);
    CU_ASSERT(t && !strcmp(t, "{\"old\": true}\n"));
    free(t);
    CU_ASSERT_EQUAL(count_entries(dir), 1); /* no temporary file left */
}

/* --------------------------------------------------------- folder listings --- */

static void put(const char *root, const char *rel, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    CU_ASSERT_EQUAL_FATAL(lg_write_atomic(path, text, strlen(text)), LG_OK);
}

/* root/ B, a/ (.hidden, deep/ (x), z.c), b.txt, c -> a, dangling -> nowhere */
static const char *make_tree(void)
{
    const char *root = lg_test_tmpdir("walk");
    put(root, "B", "1");
    put(root, "a/z.c", "2");
    put(root, "a/.hidden", "3");
    put(root, "a/deep/x", "4");
    put(root, "b.txt", "5");
    char path[700];
    snprintf(path, sizeof path, "%s/c", root);
    CU_ASSERT_FATAL(symlink("a", path) == 0);
    snprintf(path, sizeof path, "%s/dangling", root);
    CU_ASSERT_FATAL(symlink("nowhere", path) == 0);
    return root;
}

/* What the walk saw, "rel depth kind" per entry; stops, skips as asked. */
typedef struct seen {
    char text[1024];
    const char *skip, *stop;
} seen;

static int record(const lg_dir_entry *e, void *ctx)
{
    seen *s = ctx;
    size_t n = strlen(s->text);
    char kind = S_ISDIR(e->st.st_mode) ? 'd' : S_ISLNK(e->st.st_mode) ? 'l' : 'f';
    snprintf(s->text + n, sizeof s->text - n, "%s %d %c;", e->rel, e->depth, kind);
    /* path is root/rel, name the last part of rel */
    const char *slash = strrchr(e->rel, '/');
    CU_ASSERT_STRING_EQUAL(e->name, slash ? slash + 1 : e->rel);
    size_t lp = strlen(e->path), lr = strlen(e->rel);
    CU_ASSERT(lp > lr && !strcmp(e->path + lp - lr, e->rel) && e->path[lp - lr - 1] == '/');
    if (s->skip && !strcmp(e->rel, s->skip))
        return LG_DIR_SKIP;
    if (s->stop && !strcmp(e->rel, s->stop))
        return LG_DIR_STOP;
    return LG_DIR_NEXT;
}

static void test_dir_walk(void)
{
    const char *root = make_tree();

    /* a folder's names, sorted by strcmp, without . and .. */
    lg_strvec names = { 0 };
    CU_ASSERT_EQUAL_FATAL(lg_dir_list(root, &names), LG_OK);
    const char *want[] = { "B", "a", "b.txt", "c", "dangling" };
    CU_ASSERT_EQUAL_FATAL(names.n, 5);
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT_STRING_EQUAL(names.w[i], want[i]);
    lg_strvec_free(&names);

    /* a missing folder: one line naming it, errno kept */
    char missing[700];
    snprintf(missing, sizeof missing, "%s/none", root);
    CU_ASSERT_EQUAL(lg_dir_list(missing, &names), LG_EIO);
    CU_ASSERT_EQUAL(errno, ENOENT);
    LG_ASSERT_MSG(!strncmp(lg_errmsg(), "cannot open ", 12) && strstr(lg_errmsg(), missing) &&
                  strstr(lg_errmsg(), strerror(ENOENT)), "said: %s", lg_errmsg());
    CU_ASSERT_EQUAL(names.n, 0);

    /* depth first, sorted, a folder before its contents, links not entered */
    seen s = { "", NULL, NULL };
    CU_ASSERT_EQUAL(lg_dir_walk(root, 0, record, &s), LG_OK);
    CU_ASSERT_STRING_EQUAL(s.text, "B 0 f;a 0 d;a/.hidden 1 f;a/deep 1 d;a/deep/x 2 f;a/z.c 1 f;"
                                   "b.txt 0 f;c 0 l;dangling 0 l;");
    /* skip a folder, stop the walk */
    seen k = { "", "a/deep", "b.txt" };
    CU_ASSERT_EQUAL(lg_dir_walk(root, 0, record, &k), LG_OK);
    CU_ASSERT_STRING_EQUAL(k.text, "B 0 f;a 0 d;a/.hidden 1 f;a/deep 1 d;a/z.c 1 f;b.txt 0 f;");
    /* following links: c is a folder and entered, the dangling link passed over */
    seen f = { "", "a", NULL };
    CU_ASSERT_EQUAL(lg_dir_walk(root, LG_DIR_FOLLOW, record, &f), LG_OK);
    CU_ASSERT_STRING_EQUAL(f.text, "B 0 f;a 0 d;b.txt 0 f;c 0 d;c/.hidden 1 f;c/deep 1 d;c/deep/x 2 f;"
                                   "c/z.c 1 f;");
    /* no root: LG_EIO and nothing visited */
    seen m = { "", NULL, NULL };
    CU_ASSERT_EQUAL(lg_dir_walk(missing, 0, record, &m), LG_EIO);
    CU_ASSERT_STRING_EQUAL(m.text, "");
}

void lg_suite_proc(void)
{
    LG_ADD_SUITE("proc",
                 { "capture, exit status, cap, missing program", test_capture },
                 { "discard: a stream to /dev/null", test_discard },
                 { "a failed start names the child (what)", test_what },
                 { "timeout kills the process group", test_timeout_group },
                 { "waits survive EINTR", test_eintr },
                 { "children side by side", test_side_by_side },
                 { "function child: channel, watch", test_fork_fn },
                 { "atomic write: new, replaced, link, folder, /dev/null", test_atomic_files },
                 { "atomic write: a FIFO is written through", test_atomic_fifo },
                 { "atomic write: a failed write keeps the old file", test_atomic_failure },
                 { "folder listing and walk: order, skip, stop, links, errors", test_dir_walk });
}
