/*
 * wire.h - what the grader (sandbox.c) and the runner (core/course/runner/)
 * say to each other. The grader starts the runner fresh for each computation
 * with student code, writes one request to its standard input and reads one
 * result frame from fd 3; stdout and stderr are the student's (captured,
 * never read as a score). Both ends are built from this one tree: the layout
 * is checked by its magic and version, not negotiated.
 */
#ifndef LG_WIRE_H
#define LG_WIRE_H

#include <stdint.h>

#define LG_WIRE_MAGIC 0x5152474cu /* "LGRQ" */
#define LG_WIRE_VERSION 1u
#define LG_WIRE_FILES 4           /* = LG_MAX_LAB_FILES */
#define LG_WIRE_PATH 1024
#define LG_WIRE_NAME 64
#define LG_WIRE_ERROR 512
#define LG_WIRE_ARG_MAX 16384     /* bytes of a computation's input */

/* One student file: its basename ("optimal.c"), the object built from it
 * ("" when it did not build) and the compiler's first error line. */
typedef struct lg_wire_file {
    char name[LG_WIRE_NAME];
    char object[LG_WIRE_PATH];
    char error[LG_WIRE_ERROR];
} lg_wire_file;

/* The request, followed by arg_size bytes of the computation's input. */
typedef struct lg_wire_request {
    uint32_t magic, version;
    lg_wire_file files[LG_WIRE_FILES];
    uint32_t n_files;
    char lab[LG_WIRE_NAME];       /* "01-minimax", for messages */
    char child[LG_WIRE_PATH];     /* the lab's child.so ("" when it has none) */
    char fn[LG_WIRE_NAME];        /* the computation: a name in child.so or built in */
    uint64_t max;                 /* values the grader takes at most */
    uint64_t arg_size;
    double cpu_seconds;           /* RLIMIT_CPU */
    uint64_t memory_bytes;        /* growth of the address space allowed */
} lg_wire_request;

/* The result frame on fd 3: magic, kind, count, then count doubles (values)
 * or count bytes of one line (failure). */
#define LG_FRAME_MAGIC 0x3152474cu /* "LGR1" */
#define LG_FRAME_VALUES 0u
#define LG_FRAME_FAILURE 1u
typedef struct lg_frame_head {
    uint32_t magic, kind;
    uint64_t n;
} lg_frame_head;

/* The built-in computation that does nothing: the grader measures the
 * runner's own memory with it. */
#define LG_NOOP_CHILD "lg_noop"

/* The runner's exit statuses when it could not even start the computation
 * (the grader names them): */
enum { LG_RUNNER_BAD_REQUEST = 120, LG_RUNNER_NO_FILTER = 121 };

#endif /* LG_WIRE_H */
