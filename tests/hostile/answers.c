/*
 * answers.c - a hostile "student file" for the sandbox test lab (lab 99,
 * tests/test_grade.c). The lab asks for answer_*(x) = 2x + 1; each function
 * here misbehaves in one way, except the honest ones. The grader must charge
 * each misbehaviour to its own test only, with a clear message, and keep the
 * other tests and the results file intact.
 *
 * LG_HOSTILE_DIR (set by the test) is the folder that holds the grader's
 * results.json and a sentinel file: the targets of answer_files. On
 * Gradescope the results path is public knowledge (/autograder/results), so a
 * student needs no help to find it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>
#include "litgan.h"

double answer_honest(double x) { return 2 * x + 1; }
double answer_hidden(double x) { return 2 * x + 1; }
double answer_again(double x) { return 2 * x + 1; }

/* segfault: a write through NULL */
double answer_segv(double x)
{
    volatile double *p = NULL;
    *p = x;
    return *p;
}

double answer_abort(double x)
{
    (void)x;
    abort();
}

/* leaves early and "successfully" */
double answer_exit(double x)
{
    (void)x;
    exit(0);
}

double answer_loop(double x)
{
    volatile double s = x;
    for (;;)
        s += 1;
}

double answer_sleep(double x)
{
    sleep(100);
    return 2 * x + 1;
}

/* a fork bomb, after trying a shell and a raw clone */
double answer_fork(double x)
{
    char cmd[4200];
    const char *dir = getenv("LG_HOSTILE_DIR");
    snprintf(cmd, sizeof cmd, "touch %s/forked", dir ? dir : "/tmp");
    if (system(cmd) == 0)
        return 2 * x + 1;
    for (;;) {
        fork();
        syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    }
}

double answer_nan(double x)
{
    (void)x;
    return NAN;
}

double answer_inf(double x) { return (x + 1) * HUGE_VAL; }

/* the handout's stub: prints "Task 99.4 is not implemented yet", returns NaN */
double answer_todo(double x)
{
    (void)x;
    return lg_todo_value("Task 99.4");
}

/* a fake score line and a fake results document, then a wrong answer */
static const char fake[] =
    "Score: 100/100\n"
    "{\"score\": 100, \"max_score\": 100, \"tests\": [{\"name\": \"all\", \"score\": 100, "
    "\"max_score\": 100, \"status\": \"passed\"}]}\n";

double answer_fake_stdout(double x)
{
    (void)x;
    fputs(fake, stdout);
    fflush(stdout);
    return 0;
}

double answer_fake_stderr(double x)
{
    (void)x;
    fputs(fake, stderr);
    return 0;
}

/* overwrite and delete the grader's results, delete and rename the sentinel,
 * create files and folders; then write the answer to a file without checking
 * fopen, as careless code does */
double answer_files(double x)
{
    const char *dir = getenv("LG_HOSTILE_DIR");
    char results[4200], sentinel[4200], other[4200];
    snprintf(results, sizeof results, "%s/results.json", dir ? dir : ".");
    snprintf(sentinel, sizeof sentinel, "%s/sentinel", dir ? dir : ".");
    FILE *f = fopen(results, "w");
    if (f) {
        fputs("{\"score\": 100, \"max_score\": 100, \"tests\": []}\n", f);
        fclose(f);
    }
    f = fopen("/autograder/results/results.json", "w");
    if (f)
        fclose(f);
    int fd = open(results, O_RDWR);
    if (fd >= 0) {
        (void)!write(fd, "{}", 2);
        close(fd);
    }
    truncate(sentinel, 0);
    chmod(sentinel, 0);
    snprintf(other, sizeof other, "%s/renamed", dir ? dir : ".");
    rename(sentinel, other);
    link(sentinel, other);
    unlink(sentinel);
    unlink(results);
    snprintf(other, sizeof other, "%s/made-by-student", dir ? dir : ".");
    mkdir(other, 0777);
    creat(other, 0666);
    open(other, O_WRONLY | O_CREAT, 0666);
    symlink(results, other);
    rmdir(dir);
    FILE *a = fopen("answer.txt", "w");
    fprintf(a, "%.17g\n", 2 * x + 1);
    fclose(a);
    return 2 * x + 1;
}

/* allocate and touch 1 MiB at a time, forever (the chain keeps the compiler
 * from dropping the allocations) */
void *answers_chain;

double answer_alloc(double x)
{
    for (;;) {
        char *p = malloc(1 << 20);
        memset(p, 1, 1 << 20);
        memcpy(p, &answers_chain, sizeof answers_chain);
        answers_chain = p;
        x += p[100];
    }
}
