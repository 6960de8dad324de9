/*
 * labs.c - the lab registry: labs and their grading tests, registered from
 * constructors in labs/NN-name/grade*.c (see lg_lab.h), and the source root.
 *
 * Tests are stored by lab number, not by lab: grade.c and grade_hidden.c
 * register from separate constructors whose order the linker decides, so the
 * tests of a lab may arrive before the lab itself. lg_lab_tests() returns them
 * in a fixed order whatever the order of registration: by the lab's task
 * order, visible before hidden, then in the order each file listed them.
 */
#include "lg_course.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#ifndef LG_SOURCE_ROOT
#define LG_SOURCE_ROOT "."
#endif

#define LG_MAX_LABS 64

static const lg_lab *registered[LG_MAX_LABS]; /* sorted by number */
static size_t n_labs;

typedef struct lab_tests {
    int number;
    lg_grade_test *t;
    size_t *seq;             /* registration order, the last sort key */
    size_t n, cap;
} lab_tests;

static lab_tests *store;
static size_t n_store;

void lg_lab_register(const lg_lab *lab)
{
    LG_ASSERT(lab && lab->dir && lab->title && lab->tasks && lab->n_tasks > 0,
              "a lab needs a folder, a title and at least one task");
    LG_ASSERT(n_labs < LG_MAX_LABS, "raise LG_MAX_LABS in labs.c");
    for (size_t i = 0; i < n_labs; i++)
        LG_ASSERT(registered[i]->number != lab->number, "two labs registered with the same number");
    size_t k = n_labs++;
    while (k > 0 && registered[k - 1]->number > lab->number) {
        registered[k] = registered[k - 1];
        k--;
    }
    registered[k] = lab;
}

static lab_tests *tests_of(int number, bool create)
{
    for (size_t i = 0; i < n_store; i++)
        if (store[i].number == number)
            return &store[i];
    if (!create)
        return NULL;
    store = lg_xrealloc(store, (n_store + 1) * sizeof *store);
    lab_tests *lt = &store[n_store++];
    memset(lt, 0, sizeof *lt);
    lt->number = number;
    return lt;
}

void lg_lab_add_tests(int number, const lg_grade_test *tests, size_t n)
{
    lab_tests *lt = tests_of(number, true);
    for (size_t i = 0; i < n; i++) {
        const lg_grade_test *t = &tests[i];
        LG_ASSERT(t->task && t->name && *t->name && t->fn && t->points >= 0,
                  "a grading test needs a task, a name, a function and points >= 0");
        if (lt->n == lt->cap) {
            lt->cap = lt->cap ? 2 * lt->cap : 16;
            lt->t = lg_xrealloc(lt->t, lt->cap * sizeof *lt->t);
            lt->seq = lg_xrealloc(lt->seq, lt->cap * sizeof *lt->seq);
        }
        lt->t[lt->n] = *t;
        lt->seq[lt->n] = lt->n;
        lt->n++;
    }
}

size_t lg_lab_count(void) { return n_labs; }

const lg_lab *lg_lab_at(size_t i) { return i < n_labs ? registered[i] : NULL; }

/* Index of the test's task in the lab's task list; n_tasks when unknown. */
static size_t task_index(const lg_lab *lab, const char *task)
{
    for (size_t i = 0; i < lab->n_tasks; i++)
        if (strcmp(lab->tasks[i].number, task) == 0)
            return i;
    return lab->n_tasks;
}

static bool before(const lg_lab *lab, const lg_grade_test *a, size_t sa, const lg_grade_test *b,
                   size_t sb)
{
    size_t ta = task_index(lab, a->task), tb = task_index(lab, b->task);
    if (ta != tb)
        return ta < tb;
    if (a->visibility != b->visibility)
        return a->visibility < b->visibility;
    return sa < sb;
}

const lg_grade_test *lg_lab_tests(const lg_lab *lab, size_t *n)
{
    lab_tests *lt = tests_of(lab->number, false);
    if (!lt || lt->n == 0) {
        *n = 0;
        return NULL;
    }
    /* insertion sort: few tests, and stable by construction */
    for (size_t i = 1; i < lt->n; i++) {
        lg_grade_test t = lt->t[i];
        size_t s = lt->seq[i], k = i;
        while (k > 0 && before(lab, &t, s, &lt->t[k - 1], lt->seq[k - 1])) {
            lt->t[k] = lt->t[k - 1];
            lt->seq[k] = lt->seq[k - 1];
            k--;
        }
        lt->t[k] = t;
        lt->seq[k] = s;
    }
    *n = lt->n;
    return lt->t;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

const lg_lab *lg_lab_find(const char *which)
{
    if (!which || !*which) {
        lg_seterr(LG_EINVAL, "name a lab by number (01) or folder (01-minimax)");
        return NULL;
    }
    /* accept "labs/01-minimax/" as typed with tab completion */
    char w[256];
    snprintf(w, sizeof w, "%s", strncmp(which, "labs/", 5) == 0 ? which + 5 : which);
    size_t len = strlen(w);
    while (len > 0 && w[len - 1] == '/')
        w[--len] = '\0';
    if (all_digits(w) && len <= 6) {
        int number = atoi(w);
        for (size_t i = 0; i < n_labs; i++)
            if (registered[i]->number == number)
                return registered[i];
    } else {
        for (size_t i = 0; i < n_labs; i++) {
            const char *dir = registered[i]->dir, *dash = strchr(dir, '-');
            if (strcmp(dir, w) == 0 || (dash && strcmp(dash + 1, w) == 0))
                return registered[i];
        }
    }
    char known[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n_labs && used + 1 < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 registered[i]->dir);
    if (n_labs)
        lg_seterr(LG_EINVAL, "no lab '%s' (labs: %s)", which, known);
    else
        lg_seterr(LG_EINVAL, "no lab '%s' (this litgan was built without labs)", which);
    return NULL;
}

const char *lg_source_root(void)
{
    const char *home = getenv("LITGAN_HOME");
    return home && *home ? home : LG_SOURCE_ROOT;
}
