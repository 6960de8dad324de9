/*
 * child.c - Lab 01's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): D* on pairs of densities
 * and C(G) on two mixtures. They return numbers only; grade.c and refs.c hold
 * the expected values.
 */
#include "lab01.h"

static int dstar(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab01_dstar_arg *a = arg;
    lg_lab01_optimal_d_fn f = (lg_lab01_optimal_d_fn)lg_child_sym(c, "optimal.c", "lab01_optimal_d");
    if (!f)
        return -1;
    if (a->n > max || a->n > LG_LAB01_DSTAR_MAX) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", a->n, max);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++)
        out[i] = f(a->p[i], a->q[i]);
    return (int)a->n;
}

static int criterion(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab01_crit_arg *a = arg; /* up to p_text: the texts are the grader's */
    (void)max;
    lg_lab01_criterion_fn f = (lg_lab01_criterion_fn)lg_child_sym(c, "optimal.c", "lab01_criterion");
    if (!f)
        return -1;
    lg_lab01_mix p = a->p, q = a->q; /* the student may write through ctx: copies */
    out[0] = f(lg_lab01_mix_density, &p, lg_lab01_mix_density, &q, a->lo, a->hi);
    return 1;
}

static const lg_child_def defs[] = { { "dstar", dstar }, { "criterion", criterion } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
