/*
 * runner.h - the runner (bin: lib/litgan/litgan-runner): one computation with
 * student code in a fresh process that holds nothing of the grader - no
 * grading code, no expected values, no reference solution, no other student.
 *   runner.c   main: the request, limits, the filter, the computation, the result
 *   child.c    what a computation sees (lg_child_sym, lg_child_plugin, lg_child_fail)
 *   seccomp.c  the system-call allowlist
 * Computations: built in (the probe of a loss plugin, "lg_probe") or in the
 * lab's child.so (litgan_lab_child_entry). The request's layout: ../grade/wire.h.
 */
#ifndef LG_RUNNER_H
#define LG_RUNNER_H

#include "litgan/course.h"
#include "../grade/wire.h"

#include <stdbool.h>
#include <stddef.h>

struct lg_child {
    const lg_wire_request *req;
    void *dl[LG_WIRE_FILES];
    bool tried[LG_WIRE_FILES];
    char dlerr[LG_WIRE_FILES][300];
    bool failed;
    char why[512];
};

/* The allowlist, on every thread; 0, or -1 with the reason in err. */
int lg_runner_install_filter(char *err, size_t n_err);

#endif
