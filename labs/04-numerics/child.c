/*
 * child.c - Lab 04's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): the Dirac-GAN's field and
 * Jacobian of dirac.c at given points; eigen.c's eigenvalues of fields this
 * file defines (their Jacobians are the grader's closed forms); eigen.c's
 * largest stable step; one step of a game with plugins/consensus.c. They
 * return numbers only; grade.c and refs.c hold the expected values.
 */
#include "lab04.h"

#include <string.h>

static int dirac(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab04_dirac_arg *a = arg;
    lg_lab04_dirac_fn field = (lg_lab04_dirac_fn)lg_child_sym(c, "dirac.c", "lab04_dirac_field");
    lg_lab04_dirac_fn jac = (lg_lab04_dirac_fn)lg_child_sym(c, "dirac.c", "lab04_dirac_jacobian");
    if (!field || !jac)
        return -1;
    if (6 * a->n + 2 > max || a->n > LG_LAB04_POINTS) {
        lg_child_fail(c, "grader: %zu points do not fit in %zu values", a->n, max);
        return -1;
    }
    int sf = 0, sj = 0;
    for (size_t i = 0; i < a->n; i++) {
        double *o = out + 6 * i;
        o[0] = o[1] = o[2] = o[3] = o[4] = o[5] = NAN;
        sf = field(a->loss, a->psi[i], a->theta[i], o);
        sj = jac(a->loss, a->psi[i], a->theta[i], o + 2);
    }
    out[6 * a->n] = sf;
    out[6 * a->n + 1] = sj;
    return (int)(6 * a->n + 2);
}

/* ------------------------------------------------------------ fields --- */

typedef struct field_ctx {
    const lg_lab04_eigen_arg *a;
    long calls;
} field_ctx;

static int field(const double *x, double *v, void *ctx)
{
    field_ctx *f = ctx;
    const lg_lab04_eigen_arg *a = f->a;
    size_t n = a->n;
    f->calls++;
    if (a->field == LG_LAB04_FAILING)
        return -1;
    if (a->field == LG_LAB04_DIRAC) {
        double d[6];
        lg_lab04_dirac_ref(a->loss, x[0], x[1], d);
        v[0] = d[0], v[1] = d[1];
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        v[i] = 0;
        for (size_t j = 0; j < n; j++)
            v[i] += a->a[i * n + j] * (x[j] - a->c[j]);
        if (a->field == LG_LAB04_CUBIC)
            v[i] += (x[i] - a->c[i]) * (x[i] - a->c[i]) * (x[i] - a->c[i]);
    }
    if (a->field == LG_LAB04_NAN)
        v[1] = NAN;
    return 0;
}

static int eigen(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab04_eigen_arg *a = arg;
    lg_lab04_eigen_fn f = (lg_lab04_eigen_fn)lg_child_sym(c, "eigen.c", "lab04_jacobian_eigen");
    if (!f)
        return -1;
    if (a->n < 1 || a->n > LG_LAB04_NMAX || 2 * a->n + 2 > max) {
        lg_child_fail(c, "grader: a field of %zu dimensions", a->n);
        return -1;
    }
    field_ctx ctx = { a, 0 };
    double x[LG_LAB04_NMAX], re[LG_LAB04_NMAX], im[LG_LAB04_NMAX];
    memcpy(x, a->x, sizeof x); /* the student may write through x: a copy */
    for (size_t i = 0; i < a->n; i++)
        re[i] = im[i] = NAN;
    out[0] = f(field, &ctx, a->n, x, re, im);
    for (size_t i = 0; i < a->n; i++) {
        out[1 + i] = re[i];
        out[1 + a->n + i] = im[i];
    }
    out[1 + 2 * a->n] = (double)ctx.calls;
    return (int)(2 * a->n + 2);
}

static int max_step(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab04_step_arg *a = arg;
    lg_lab04_max_step_fn f = (lg_lab04_max_step_fn)lg_child_sym(c, "eigen.c", "lab04_max_step");
    if (!f)
        return -1;
    if (a->sets > LG_LAB04_SETS || a->sets > max) {
        lg_child_fail(c, "grader: %zu sets do not fit in %zu", a->sets, max);
        return -1;
    }
    for (size_t k = 0; k < a->sets; k++) {
        double re[LG_LAB04_NMAX], im[LG_LAB04_NMAX];
        memcpy(re, a->re[k], sizeof re);
        memcpy(im, a->im[k], sizeof im);
        out[k] = f(a->n[k], re, im);
    }
    return (int)a->sets;
}

static const lg_child_def defs[] = { { "dirac", dirac }, { "eigen", eigen }, { "max_step", max_step } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
