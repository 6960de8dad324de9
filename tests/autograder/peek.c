/*
 * peek.c - appended by tests/autograder/run.sh to Lab 01's reference optimal.c
 * (whose lab01_optimal_d it renamed lab01_optimal_d_ref): a submission that
 * tries to open the instructor's files from inside the grader's runner. It
 * answers correctly only when it can open a system header (so open() works in
 * the runner) and none of the instructor's files: full marks mean that no
 * instructor file was readable to student code.
 */
#include <fcntl.h>
#include <unistd.h>

double lab01_optimal_d_ref(double p_data, double p_g);
double lab01_optimal_d(double p_data, double p_g);

static int peek_opens(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

double lab01_optimal_d(double p_data, double p_g)
{
    static const char *const instructor[] = {
        "/autograder/source/Makefile",
        "/autograder/source/labs/01-minimax/refs.c",
        "/autograder/source/labs/01-minimax/grade.c",
        "/autograder/source/build/labs/01-minimax/hidden.so",
        "/autograder/source/build/labs/01-minimax/lab.so",
        "/autograder/source/build/lib/liblitgan-course.so",
        "/autograder/source/bin/litgan",
    };
    if (!peek_opens("/usr/include/stdio.h"))
        return -1; /* open() itself failed: the probe proves nothing */
    for (size_t i = 0; i < sizeof instructor / sizeof instructor[0]; i++)
        if (peek_opens(instructor[i]))
            return -2;
    return lab01_optimal_d_ref(p_data, p_g);
}
