/*
 * child.c - what a computation with student code sees in the runner
 * (litgan/course.h, "student code, sandboxed"): the student's objects by file
 * name, loaded on first use - after the runner's limits and system-call
 * filter are in place, so a constructor in a student's object runs confined
 * too - and the one line that says why a computation cannot go on.
 */
#include "runner.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lg_child_fail(lg_child *c, const char *fmt, ...)
{
    if (c->failed)
        return; /* the first reason is the useful one */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
    c->failed = true;
}

/* Index of the file named "optimal.c" or "optimal"; -1 if none. */
static int file_index(const lg_child *c, const char *file)
{
    size_t n = strlen(file);
    for (int i = 0; i < (int)c->req->n_files; i++) {
        const char *b = c->req->files[i].name;
        if (strcmp(b, file) == 0 || (strncmp(b, file, n) == 0 && strcmp(b + n, ".c") == 0))
            return i;
    }
    return -1;
}

void *lg_child_sym(lg_child *c, const char *file, const char *symbol)
{
    int i = file_index(c, file);
    if (i < 0) {
        lg_child_fail(c, "lab %s has no file %s (grader bug)", c->req->lab, file);
        return NULL;
    }
    const lg_wire_file *f = &c->req->files[i];
    if (!f->object[0]) {
        if (strstr(f->error, " is not in ") || strstr(f->error, " is missing "))
            lg_child_fail(c, "%s", f->error);
        else
            lg_child_fail(c, "%s did not compile: %s", f->name, f->error);
        return NULL;
    }
    if (!c->tried[i]) {
        c->tried[i] = true;
        c->dl[i] = dlopen(f->object, RTLD_NOW | RTLD_LOCAL);
        if (!c->dl[i]) {
            /* dlerror names the temporary path; keep what follows it */
            const char *e = dlerror();
            const char *tail = e ? strstr(e, ".so: ") : NULL;
            snprintf(c->dlerr[i], sizeof c->dlerr[i], "%s", tail ? tail + 5 : e ? e : "unknown error");
        }
    }
    if (!c->dl[i]) {
        lg_child_fail(c, "%s could not be loaded: %s", f->name, c->dlerr[i]);
        return NULL;
    }
    dlerror();
    void *p = dlsym(c->dl[i], symbol);
    if (!p)
        lg_child_fail(c, "%s does not define %s", f->name, symbol);
    return p;
}

const lg_plugin *lg_child_plugin(lg_child *c, const char *file)
{
    void *sym = lg_child_sym(c, file, LG_PLUGIN_ENTRY);
    if (!sym)
        return NULL;
    lg_plugin_entry_fn entry = (lg_plugin_entry_fn)sym;
    const lg_plugin *p = entry();
    if (!p) {
        lg_child_fail(c, "%s: %s() returned NULL", file, LG_PLUGIN_ENTRY);
        return NULL;
    }
    if (p->abi_version != LG_PLUGIN_ABI_VERSION) {
        lg_child_fail(c, "%s: plugin ABI version %u, the grader speaks %u (rebuild against "
                      "this litgan.h)", file, p->abi_version, LG_PLUGIN_ABI_VERSION);
        return NULL;
    }
    return p;
}
