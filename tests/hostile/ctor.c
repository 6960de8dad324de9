/*
 * ctor.c - a hostile "student file" whose constructor runs at load time,
 * before any graded function is called: it tries to leave a file, start a
 * process, kill the grading process and delete the sentinel. The grader
 * loads student objects only in the sandboxed child, after the system-call
 * filter is in place, so all of this must fail; ctor_escapes(x) reports how
 * many attempts succeeded (the test expects 0).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int escapes;

__attribute__((constructor)) static void misbehave(void)
{
    const char *dir = getenv("LG_HOSTILE_DIR");
    char path[4200];
    snprintf(path, sizeof path, "%s/ctor-was-here", dir ? dir : "/tmp");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        escapes++;
        close(fd);
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        escapes++;
    if (kill(getppid(), SIGKILL) == 0)
        escapes++;
    snprintf(path, sizeof path, "%s/sentinel", dir ? dir : "/tmp");
    if (unlink(path) == 0)
        escapes++;
}

double ctor_escapes(double x)
{
    (void)x;
    return escapes;
}
