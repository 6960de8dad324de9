/*
 * child.c - the hostile lab's computations (tests/test_grade.c), built like a
 * lab's child.so and run by the runner: call a student's function, return
 * fixed values, fail, return too many, print a lot, try what the sandbox
 * forbids one thing at a time, report the limits and the environment.
 */
#include "litgan/course.h"
#include "child_args.h"

#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

static int call_answer(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_answer_arg *a = arg;
    (void)max;
    double (*f)(double) = (double (*)(double))lg_child_sym(c, a->file, a->symbol);
    if (!f)
        return -1;
    out[0] = f(a->x);
    return 1;
}

static int values(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)arg;
    if (max < 4)
        return -1;
    out[0] = 1.0 / 3.0;
    out[1] = -0.0;
    out[2] = 1e308;
    out[3] = 5e-324;
    return 4;
}

static int fail(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)arg, (void)out, (void)max;
    lg_child_fail(c, "Task %s is not implemented yet", "9.9");
    lg_child_fail(c, "a second reason is dropped");
    return -1;
}

static int too_many(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)arg, (void)out;
    return (int)max + 1;
}

static int chatty(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)arg, (void)max;
    printf("hello from the child\n");
    for (int i = 0; i < 100000; i++)
        fputs("0123456789", stdout); /* 1 MB: more than a pipe holds */
    fflush(stdout);
    out[0] = 42;
    return 1;
}

static int errno_of(int rc) { return rc < 0 ? errno : 0; }

/* Each attempt's errno (0: it worked), the limits, the uid, the environment. */
static int syscalls(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c;
    const char *dir = arg;
    if (max < S_COUNT)
        return -1;
    char file[4200], other[4200];
    snprintf(file, sizeof file, "%s/open-me", dir);
    snprintf(other, sizeof other, "%s/new", dir);
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    out[S_FORK] = errno_of(p);
    int fd = open(file, O_WRONLY);
    out[S_OPEN_W] = errno_of(fd);
    fd = open(other, O_RDONLY | O_CREAT, 0666);
    out[S_OPEN_CREAT] = errno_of(fd);
    fd = open(file, O_RDONLY);
    out[S_OPEN_R] = errno_of(fd);
    if (fd >= 0)
        close(fd);
    out[S_UNLINK] = errno_of(unlink(file));
    out[S_RENAME] = errno_of(rename(file, other));
    out[S_MKDIR] = errno_of(mkdir(other, 0777));
    out[S_KILL_PARENT] = errno_of(kill(getppid(), 0));
    out[S_KILL_SELF0] = errno_of(kill(getpid(), 0));
    out[S_SOCKET] = errno_of(socket(AF_INET, SOCK_STREAM, 0));
    char *argv[] = { "true", NULL };
    out[S_EXEC] = errno_of(execv("/bin/true", argv));
    struct rlimit r;
    getrlimit(RLIMIT_CPU, &r);
    r.rlim_cur = r.rlim_max; /* a soft limit up to the hard one: allowed without the filter */
    out[S_RAISE_LIMIT] = errno_of(setrlimit(RLIMIT_CPU, &r));
    out[S_PTRACE] = errno_of((int)ptrace(PTRACE_TRACEME, 0, NULL, NULL));
    out[S_GETRLIMIT] = errno_of(getrlimit(RLIMIT_AS, &r));
    out[S_UID] = geteuid();
    getrlimit(RLIMIT_FSIZE, &r);
    out[S_FSIZE] = (double)r.rlim_max;
    getrlimit(RLIMIT_CORE, &r);
    out[S_CORE] = (double)r.rlim_max;
    getrlimit(RLIMIT_NPROC, &r);
    out[S_NPROC] = (double)r.rlim_max;
    getrlimit(RLIMIT_CPU, &r);
    out[S_CPU] = (double)r.rlim_cur;
    extern char **environ;
    size_t n_env = 0;
    bool only_allowed = true;
    for (char **e = environ; e && *e; e++, n_env++)
        only_allowed &= !strncmp(*e, "OPENBLAS_NUM_THREADS=", 21) || !strncmp(*e, "LC_ALL=", 7) ||
                        !strncmp(*e, "OPENBLAS_CORETYPE=", 18) || /* the grader's, when it has one */
                        !strncmp(*e, "PWD=", 4);                  /* bubblewrap's */
    out[S_ENV] = only_allowed ? (double)n_env : -1; /* the grader's environment is not passed on */
    return S_COUNT;
}


/* A thread that exists before the filter (this object is loaded before it):
 * it waits for a job, then tries to leave a file in the folder it is given.
 * The filter binds every thread (TSYNC), so the attempt must fail. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static const char *job_dir;
static int job_errno = -1;
static bool worker_started;

static void *worker(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mu);
    while (!job_dir)
        pthread_cond_wait(&cv, &mu);
    char path[4200];
    snprintf(path, sizeof path, "%s/thread-was-here", job_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    job_errno = fd < 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return NULL;
}

__attribute__((constructor)) static void start_worker(void)
{
    pthread_t t;
    worker_started = getenv("NO_WORKER") ? false : pthread_create(&t, NULL, worker, NULL) == 0;
    if (worker_started)
        pthread_detach(t);
}

/* out[0]: whether the worker existed before the filter; out[1]: its errno. */
static int thread_escape(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c;
    if (max < 2)
        return -1;
    pthread_mutex_lock(&mu);
    job_dir = arg;
    pthread_cond_broadcast(&cv);
    while (worker_started && job_errno < 0)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    out[0] = worker_started;
    out[1] = job_errno;
    return 2;
}

/* A system call of the 32-bit ABI (int 0x80: getpid): the filter kills. */
static int foreign_abi(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)arg, (void)max;
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    out[0] = (double)ret;
#else
    out[0] = 0;
#endif
    return 1;
}

/* Whether the grader's environment is in the runner's memory: the strings a
 * process is executed with sit at the top of its stack, from the first
 * environment string to the program's name (AT_EXECFN); an environment
 * cleared after the fact (clearenv) would leave them there. out[1]: the span
 * scanned, in bytes. */
static int secret(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c, (void)max;
    const char *needle = arg;
    extern char **environ;
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    const char *lo = environ && environ[0] ? environ[0] : execfn;
    const char *hi = execfn ? execfn + strlen(execfn) : lo;
    out[0] = lo && hi > lo && memmem(lo, (size_t)(hi - lo), needle, strlen(needle)) != NULL;
    out[1] = lo && hi > lo ? (double)(hi - lo) : 0;
    return 2;
}

/* Try to open each of the NUL-separated paths of arg (up to 8) for reading:
 * out[i] its errno (0: it could be read). */
static int peek(lg_child *c, const void *arg, double *out, size_t max)
{
    (void)c;
    const char *p = arg;
    size_t n = 0;
    for (; *p && n < max && n < 8; p += strlen(p) + 1, n++) {
        int fd = open(p, O_RDONLY);
        out[n] = fd < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
    }
    return (int)n;
}

static const lg_child_def defs[] = {
    { "call_answer", call_answer }, { "values", values }, { "fail", fail },
    { "too_many", too_many },       { "chatty", chatty }, { "syscalls", syscalls },
    { "thread_escape", thread_escape }, { "foreign_abi", foreign_abi }, { "secret", secret },
    { "peek", peek },
};

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
