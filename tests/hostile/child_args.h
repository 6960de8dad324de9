/*
 * child_args.h - the inputs of the hostile lab's computations (child.c) as
 * tests/test_grade.c sends them: plain bytes, no pointers.
 */
#ifndef LG_HOSTILE_CHILD_ARGS_H
#define LG_HOSTILE_CHILD_ARGS_H

typedef struct lg_answer_arg {
    char file[32], symbol[64];
    double x;
} lg_answer_arg;

/* "syscalls": the slots of its result (each attempt's errno, 0 = it worked). */
enum { S_FORK, S_OPEN_W, S_OPEN_CREAT, S_OPEN_R, S_UNLINK, S_RENAME, S_MKDIR, S_KILL_PARENT,
       S_KILL_SELF0, S_SOCKET, S_EXEC, S_RAISE_LIMIT, S_PTRACE, S_GETRLIMIT, S_UID, S_FSIZE,
       S_CORE, S_NPROC, S_CPU, S_ENV, S_COUNT };

#endif
