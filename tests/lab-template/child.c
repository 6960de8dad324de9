/*
 * child.c - the template lab's computation with student code, run by the
 * runner (a fresh process that holds nothing of the grader): the student's
 * squares, numbers only.
 */
#include "template.h"

static int squares(lg_child *c, const void *arg, double *out, size_t max)
{
    const squares_arg *a = arg;
    template_square_fn f = (template_square_fn)lg_child_sym(c, "answer.c", "template_square");
    if (!f)
        return -1;
    if (a->n > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", a->n, max);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++)
        out[i] = f(a->x[i]);
    return (int)a->n;
}

static const lg_child_def defs[] = { { "squares", squares } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
