/*
 * child.c - Lab 02's computation with student code, run by the runner: both
 * gradient magnitudes of gradients.c at given values of D(G(z)).
 */
#include "lab02.h"

/* out[0..n): the minimax magnitude at each d, out[n..2n): the non-saturating one. */
static int grads(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab02_grad_arg *a = arg;
    lg_lab02_grad_fn mm = (lg_lab02_grad_fn)lg_child_sym(c, "gradients.c", "lab02_minimax_grad");
    lg_lab02_grad_fn ns = (lg_lab02_grad_fn)lg_child_sym(c, "gradients.c", "lab02_nonsat_grad");
    if (!mm || !ns)
        return -1;
    if (2 * a->n > max || a->n > LG_LAB02_GRAD_MAX) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 2 * a->n, max);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++) {
        out[i] = mm(a->d[i]);
        out[a->n + i] = ns(a->d[i]);
    }
    return (int)(2 * a->n);
}

static const lg_child_def defs[] = { { "grads", grads } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
