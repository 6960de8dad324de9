/*
 * child.c - Lab 05's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): ganqp.c's objectives on a
 * small game with any lambda and metric (Task 5.2), its per-pair distance on
 * its own (Task 5.1), and optimal.c's closed forms (Task 5.3). They return
 * numbers only; grade.c, grade_hidden.c and refs.c hold the expected values.
 */
#include "lab05.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Build the game of a with the loss desc and lambda, metric as its parameters. */
static lg_game *open_game(lg_child *c, const lg_lab05_game_arg *a, const lg_plugin *desc, gsl_rng *rng)
{
    lg_game *g = NULL;
    char kv[96];
    snprintf(kv, sizeof kv, "lambda=%.17g,metric=%s", a->lambda, a->l2 ? "l2" : "l1");
    if (lg_lab05_game(a, rng, &g) != LG_OK) {
        lg_child_fail(c, "grader: cannot build the game: %s", lg_errmsg());
        return NULL;
    }
    if (lg_game_set_loss_desc(g, desc, desc->params ? kv : "") != LG_OK) {
        lg_child_fail(c, "ganqp.c: %s", lg_errmsg());
        lg_game_free(g);
        return NULL;
    }
    return g;
}

/* The student's objective of a->player and its gradient: 1 + nd + ng values. */
static int qp_loss(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab05_game_arg *a = arg;
    const lg_plugin *pl = lg_child_plugin(c, "ganqp.c");
    if (!pl)
        return -1;
    if (pl->kind != LG_PLUGIN_KIND_LOSS || !pl->d_loss || !pl->g_loss) {
        lg_child_fail(c, "ganqp.c: the descriptor is not a loss plugin with d_loss and g_loss");
        return -1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = open_game(c, a, pl, rng);
    int rc = -1;
    if (g) {
        size_t n = lg_game_param_count(g);
        if (n + 1 > max)
            lg_child_fail(c, "grader: %zu parameters do not fit in %zu values", n, max);
        else if (lg_game_eval(g, a->player, &out[0], out + 1) != LG_OK)
            lg_child_fail(c, "%s", lg_errmsg());
        else
            rc = (int)(n + 1);
    }
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc;
}

/* ------------------------------------------- Task 5.1 on its own: a loss
 * whose objective is sum_i (i + 1) d_i, d the student's distance of
 * (x_real, G(z)); the node's shape and values are kept for the answer. */
static lg_lab05_dist_fn dist_fn;
static const char *dist_metric;
static size_t dist_rows, dist_cols;
static double dist_values[LG_LAB05_BATCH];

static lg_node *dist_objective(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *d = dist_fn(g, lg_game_real(g), x_fake, dist_metric);
    if (!d)
        return NULL;
    const gsl_matrix *v = lg_value(d);
    size_t B = lg_game_batch(g);
    dist_rows = v->size1;
    dist_cols = v->size2;
    if (dist_rows != B || dist_cols != 1)
        return lg_sum(t, d); /* the shape is wrong: the answer says so, no weights */
    gsl_matrix *w = gsl_matrix_alloc(B, 1);
    for (size_t i = 0; i < B; i++) {
        dist_values[i] = v->data[i * v->tda];
        w->data[i] = (double)(i + 1);
    }
    lg_node *r = lg_sum(t, lg_mul(t, d, lg_const(t, w)));
    gsl_matrix_free(w);
    return r;
}

static int qp_dist(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab05_game_arg *a = arg;
    dist_fn = (lg_lab05_dist_fn)lg_child_sym(c, "ganqp.c", "ganqp_pair_distance");
    if (!dist_fn)
        return -1;
    dist_metric = a->l2 ? "l2" : "l1";
    dist_rows = dist_cols = 0;
    static const lg_plugin loss = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                    .kind = LG_PLUGIN_KIND_LOSS, .name = "lab05-dist",
                                    .title = "sum_i (i + 1) d_i of ganqp_pair_distance",
                                    .d_loss = dist_objective, .g_loss = dist_objective };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = open_game(c, a, &loss, rng);
    int rc = -1;
    double value, grad[2 * LG_LAB05_PARAMS];
    if (g) {
        size_t nd, ng, B = a->batch;
        lg_game_params(g, LG_NET_D, &nd);
        lg_game_params(g, LG_NET_G, &ng);
        if (2 + B + ng > max || nd + ng > 2 * LG_LAB05_PARAMS)
            lg_child_fail(c, "grader: %zu values do not fit in %zu", 2 + B + ng, max);
        else if (lg_game_eval(g, LG_PLAYER_D, &value, grad) != LG_OK)
            lg_child_fail(c, "%s", lg_errmsg());
        else {
            bool ok = dist_rows == B && dist_cols == 1;
            out[0] = (double)dist_rows;
            out[1] = (double)dist_cols;
            for (size_t i = 0; i < B; i++)
                out[2 + i] = ok ? dist_values[i] : NAN;
            for (size_t k = 0; k < ng; k++)
                out[2 + B + k] = ok ? grad[nd + k] : NAN;
            rc = (int)(2 + B + ng);
        }
    }
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc;
}

/* ------------------------------------------------------------ Task 5.3 --- */

static int closed(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab05_closed_arg *a = arg;
    lg_lab05_qp_fn q = (lg_lab05_qp_fn)lg_child_sym(c, "optimal.c", "lab05_qp_pair");
    lg_lab05_opt_fn gap = (lg_lab05_opt_fn)lg_child_sym(c, "optimal.c", "lab05_optimal_gap");
    lg_lab05_opt_fn val = (lg_lab05_opt_fn)lg_child_sym(c, "optimal.c", "lab05_optimal_value");
    if (!q || !gap || !val)
        return -1;
    if (a->n > LG_LAB05_CLOSED_MAX || 3 * a->n > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 3 * a->n, max);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++) {
        out[i] = q(a->delta[i], a->lambda[i], a->d[i]);
        out[a->n + i] = gap(a->lambda[i], a->d[i]);
        out[2 * a->n + i] = val(a->lambda[i], a->d[i]);
    }
    return (int)(3 * a->n);
}

static int opt_grad(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab05_grad_arg *a = arg;
    lg_lab05_grad_fn f = (lg_lab05_grad_fn)lg_child_sym(c, "optimal.c", "lab05_optimal_grad");
    if (!f)
        return -1;
    if (a->n > LG_LAB05_GRAD_MAX || 1 + 3 * a->n > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 1 + 3 * a->n, max);
        return -1;
    }
    static lg_lab05_grad_arg in; /* the student's own copy */
    static double grad[LG_LAB05_GRAD_MAX];
    in = *a;
    for (size_t j = 0; j < LG_LAB05_GRAD_MAX; j++)
        grad[j] = NAN;
    out[0] = f(in.x_real, in.x_fake, in.n, in.lambda, in.l2, grad);
    for (size_t j = 0; j < a->n; j++) {
        out[1 + j] = grad[j];
        out[1 + a->n + j] = in.x_real[j];
        out[1 + 2 * a->n + j] = in.x_fake[j];
    }
    return (int)(1 + 3 * a->n);
}

static const lg_child_def defs[] = {
    { "qp_loss", qp_loss }, { "qp_dist", qp_dist }, { "closed", closed }, { "opt_grad", opt_grad }
};

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
