/*
 * child.c - Lab 04's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): the Dirac-GAN's field and
 * Jacobian of dirac.c at given points; eigen.c's eigenvalues of fields this
 * file defines (their Jacobians are the grader's closed forms); eigen.c's
 * largest stable step; one step of a game with plugins/consensus.c. They
 * return numbers only; grade.c and refs.c hold the expected values.
 */
#include "lab04.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>

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
        o[0] = o[1] = o[2] = o[3] = o[4] = o[5] = 7.0; /* what an output not written shows */
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
    /* fails on one side of c only, so that each of the two calls is tested,
     * with the code a->loss (+1 or -1: "non-zero" has both signs) */
    for (size_t i = 0; i < n; i++)
        if ((a->field == LG_LAB04_FAILING && x[i] > a->c[i]) || (a->field == LG_LAB04_FAILING_LOW && x[i] < a->c[i]))
            return a->loss;
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

/* GSL errors during the student's computation (its handler, swapped in). */
static long gsl_errors;
static void count_gsl_error(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    gsl_errors++;
}

static int eigen(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab04_eigen_arg *a = arg;
    lg_lab04_eigen_fn f = (lg_lab04_eigen_fn)lg_child_sym(c, "eigen.c", "lab04_jacobian_eigen");
    if (!f)
        return -1;
    if (a->n < 1 || a->n > LG_LAB04_NMAX || 2 * a->n + 4 > max) {
        lg_child_fail(c, "grader: a field of %zu dimensions", a->n);
        return -1;
    }
    field_ctx ctx = { a, 0 };
    double x[LG_LAB04_NMAX], re[LG_LAB04_NMAX + 1], im[LG_LAB04_NMAX + 1];
    memcpy(x, a->x, sizeof x); /* the student may write through x: a copy */
    for (size_t i = 0; i <= a->n; i++)
        re[i] = im[i] = NAN;
    re[a->n] = im[a->n] = 7.0; /* one past the end: must stay */
    gsl_errors = 0;
    gsl_error_handler_t *old = gsl_set_error_handler(count_gsl_error);
    out[0] = f(field, &ctx, a->n, x, re, im);
    gsl_set_error_handler(old);
    for (size_t i = 0; i < a->n; i++) {
        out[1 + i] = re[i];
        out[1 + a->n + i] = im[i];
    }
    out[1 + 2 * a->n] = (double)ctx.calls;
    out[2 + 2 * a->n] = (double)gsl_errors;
    out[3 + 2 * a->n] = re[a->n] != 7.0 || im[a->n] != 7.0;
    return (int)(2 * a->n + 4);
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

/* ------------------------------------------------ consensus: one step --- */

/* The game being stepped: the loss below reads its P, p, Q, q (one game per
 * computation, one computation per runner process). */
static const lg_lab04_game_arg *cur;

/* Row r of a (2, 1) column as a (1, 1) node: sum(e_r * col). */
static lg_node *row(lg_tape *t, lg_node *col, size_t r)
{
    gsl_matrix *m = gsl_matrix_calloc(2, 1);
    gsl_matrix_set(m, r, 0, 1.0);
    lg_node *k = lg_const(t, m); /* a copy */
    gsl_matrix_free(m);
    return lg_sum(t, lg_mul(t, k, col));
}

/* The game's parameters as (1, 1) nodes in its order [w, (c), a, b, (e, f)]: the
 * nets on the batches x = z = (0, 1) give D (c, w + c) ("1-1") or (0, w) ("1-1n"),
 * G (b, a + b), E (f, e + f). */
static size_t params(lg_game *g, lg_node *x[LG_LAB04_PMAX])
{
    lg_tape *t = lg_game_tape(g);
    size_t nD, n = lg_lab04_game_size(cur, &nD), k = 0;
    lg_node *d = lg_apply(g, LG_NET_D, lg_game_real(g));
    if (nD == 1) {
        x[k++] = row(t, d, 1);
    } else {
        x[1] = row(t, d, 0);
        x[0] = lg_sub(t, row(t, d, 1), x[1]);
        k = 2;
    }
    for (int net = 0; k < n; net++, k += 2) {
        lg_node *y = lg_apply(g, net == 0 ? LG_NET_G : LG_NET_E, net == 0 ? lg_game_noise(g) : lg_game_real(g));
        x[k + 1] = row(t, y, 0);
        x[k] = lg_sub(t, row(t, y, 1), x[k + 1]);
    }
    return n;
}

/* 1/2 x^T M x + m^T x on the tape. */
static lg_node *quadratic(lg_tape *t, lg_node *const *x, size_t n, const double *M, const double *m)
{
    lg_node *f = lg_fill(t, 1, 1, 0.0);
    for (size_t i = 0; i < n; i++) {
        f = lg_add(t, f, lg_scale(t, x[i], m[i]));
        for (size_t j = 0; j < n; j++)
            if (M[i * LG_LAB04_PMAX + j] != 0)
                f = lg_add(t, f, lg_scale(t, lg_mul(t, x[i], x[j]), 0.5 * M[i * LG_LAB04_PMAX + j]));
    }
    return f;
}

/* f_D: the quadratic, plus the Dirac-GAN's L_D in (psi, theta) = (w, b) (its
 * constant log 2 left out): softplus(psi theta), or psi theta for the WGAN. */
/* With cur->fail_moved_d, the losses cannot be evaluated once D's first
 * parameter has moved from x0 (a Hessian-vector product along D's block then
 * fails, one along G's does not). */
static bool moved(lg_game *g, lg_node *w)
{
    if (!cur->fail_moved_d || !w || fabs(lg_scalar(w) - cur->x0[0]) <= 1e-10 * fmax(1, fabs(cur->x0[0])))
        return false;
    lg_game_fail(g, "the test game's loss is not defined away from w = %g", cur->x0[0]);
    return true;
}

static lg_node *game_d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *x[LG_LAB04_PMAX];
    size_t n = params(g, x);
    if (moved(g, x[0]))
        return NULL;
    lg_node *f = quadratic(t, x, n, cur->P, cur->p);
    if (cur->game != LG_LAB04_GAME_DIRAC)
        return f;
    size_t nD;
    lg_lab04_game_size(cur, &nD);
    lg_node *u = lg_mul(t, x[0], x[nD + 1]); /* psi theta = w b */
    return lg_add(t, f, cur->loss == LG_LAB04_WGAN ? u : lg_softplus(t, u));
}

/* f_G: the quadratic, plus -softplus(u) (minimax), softplus(-u) (non-saturating), -u (WGAN). */
static lg_node *game_g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *x[LG_LAB04_PMAX];
    size_t n = params(g, x);
    if (moved(g, x[0]))
        return NULL;
    lg_node *f = quadratic(t, x, n, cur->Q, cur->q);
    if (cur->game != LG_LAB04_GAME_DIRAC)
        return f;
    size_t nD;
    lg_lab04_game_size(cur, &nD);
    lg_node *u = lg_mul(t, x[0], x[nD + 1]); /* psi theta = w b */
    lg_node *l = cur->loss == LG_LAB04_WGAN      ? lg_neg(t, u)
                 : cur->loss == LG_LAB04_NONSAT ? lg_softplus(t, lg_neg(t, u))
                                                : lg_neg(t, lg_softplus(t, u));
    return lg_add(t, f, l);
}

static const lg_plugin game_loss = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "lab04-test-game",
    .title = "Lab 04's test games: quadratic objectives, and the Dirac-GAN's",
    .d_loss = game_d_loss,
    .g_loss = game_g_loss,
};

/* a->steps lg_game_steps of the game with the student's consensus regularizer
 * and SGD(lr h) for every net: out[0] 1 when a step failed, out[1] 1 when its
 * message names "simultaneous", then the parameters after each step (NaN after
 * a failure, whose message goes to stderr, where the grader reads a stub's). */
static int consensus(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab04_game_arg *a = arg;
    const lg_plugin *reg = lg_child_plugin(c, "consensus.c");
    if (!reg)
        return -1;
    size_t nD, n = lg_lab04_game_size(a, &nD), steps = a->steps == 2 ? 2 : 1;
    if (2 + steps * n > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 2 + steps * n, max);
        return -1;
    }
    cur = a;
    lg_net *net[LG_NET_COUNT] = { NULL, NULL, NULL };
    lg_optim *opt[LG_NET_COUNT] = { NULL, NULL, NULL };
    lg_game *g = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    char kv[64], sgd[64];
    snprintf(kv, sizeof kv, "gamma=%.17g", a->gamma);
    snprintf(sgd, sizeof sgd, "sgd:lr=%.17g", a->h);
    int rc = lg_net_parse(nD == 1 ? "1-1n" : "1-1", &net[LG_NET_D]);
    if (rc == LG_OK)
        rc = lg_net_parse("1-1", &net[LG_NET_G]);
    if (rc == LG_OK && a->encoder)
        rc = lg_net_parse("1-1", &net[LG_NET_E]);
    if (rc == LG_OK && (rc = lg_game_alloc(net[LG_NET_G], net[LG_NET_D], net[LG_NET_E], 2, rng, &g)) != LG_OK)
        for (int i = 0; i < LG_NET_COUNT; i++)
            lg_net_free(net[i]); /* the game owns them once allocated */
    if (rc == LG_OK && (rc = lg_game_set_loss_desc(g, &game_loss, NULL)) == LG_OK &&
        (rc = lg_game_add_reg_desc(g, reg, kv)) != LG_OK) {
        lg_child_fail(c, "the consensus plugin does not load: %s", lg_errmsg());
        lg_game_free(g);
        gsl_rng_free(rng);
        return -1;
    }
    static const lg_net_id order[3] = { LG_NET_D, LG_NET_G, LG_NET_E };
    for (size_t k = 0, off = 0; rc == LG_OK && off < n; k++) {
        size_t np;
        double *theta = lg_net_params(net[order[k]], &np);
        memcpy(theta, a->x0 + off, np * sizeof(double));
        off += np;
        rc = lg_optim_parse(sgd, np, &opt[order[k]]);
    }
    if (rc != LG_OK) {
        lg_child_fail(c, "grader: the test game cannot be built: %s", lg_errmsg());
    } else {
        gsl_matrix *xr = lg_game_real_batch(g), *z = lg_game_noise_batch(g);
        gsl_matrix_set(xr, 0, 0, 0.0), gsl_matrix_set(xr, 1, 0, 1.0);
        gsl_matrix_set(z, 0, 0, 0.0), gsl_matrix_set(z, 1, 0, 1.0);
        lg_game_set_simultaneous(g, a->simultaneous != 0);
        int st = LG_OK;
        for (size_t s = 0; s < steps; s++) {
            lg_game_new_step(g);
            if (st == LG_OK && (st = lg_game_step(g, LG_PLAYER_D, opt)) != LG_OK) {
                const char *msg = lg_errmsg(), *todo = strstr(msg, "Task ");
                out[1] = strstr(msg, "simultaneous") != NULL;
                /* a stub's "Task 4.3 is not implemented yet" on a line of its own, as the grader reads it */
                if (todo)
                    fprintf(stderr, "%.*s\n%s\n", (int)(todo - msg), msg, todo);
                else
                    fprintf(stderr, "%s\n", msg);
            }
            for (size_t k = 0, off = 0; off < n; k++) {
                size_t np;
                const double *theta = lg_net_params(net[order[k]], &np);
                for (size_t i = 0; i < np; i++)
                    out[2 + s * n + off + i] = st == LG_OK ? theta[i] : NAN;
                off += np;
            }
        }
        out[0] = st != LG_OK;
        if (st == LG_OK)
            out[1] = 0;
    }
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(opt[i]);
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc == LG_OK ? (int)(2 + steps * n) : -1;
}

static const lg_child_def defs[] = { { "dirac", dirac }, { "eigen", eigen }, { "max_step", max_step },
                                     { "consensus", consensus } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
