/*
 * child.c - Lab 03's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): W1 of two samples and the
 * parallel lines' W1 and JS (w1.c), and one step of a small game with the
 * student's clip.c (Task 3.2). They return numbers only; grade.c and refs.c
 * hold the expected values.
 */
#include "lab03.h"

#include <stdio.h>

/* W1 of a->x, a->y, then both arrays as the student's function left them:
 * 2n + 1 values. */
static int w1(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab03_w1_arg *a = arg;
    lg_lab03_w1_fn f = (lg_lab03_w1_fn)lg_child_sym(c, "w1.c", "lab03_w1_sorted");
    if (!f)
        return -1;
    if (a->n > LG_LAB03_W1_MAX || 2 * a->n + 1 > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 2 * a->n + 1, max);
        return -1;
    }
    static lg_lab03_w1_arg in; /* the student's own copy: read-only input is the grader's */
    in = *a;
    out[0] = f(in.x, in.y, in.n);
    for (size_t i = 0; i < a->n; i++) {
        out[1 + i] = in.x[i];
        out[1 + a->n + i] = in.y[i];
    }
    return (int)(2 * a->n + 1);
}

/* W1 at each theta, then JS at each: 2n values. */
static int lines(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab03_lines_arg *a = arg;
    lg_lab03_line_fn w = (lg_lab03_line_fn)lg_child_sym(c, "w1.c", "lab03_w1_lines");
    lg_lab03_line_fn js = (lg_lab03_line_fn)lg_child_sym(c, "w1.c", "lab03_js_lines");
    if (!w || !js)
        return -1;
    if (a->n > LG_LAB03_LINES_MAX || 2 * a->n > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", 2 * a->n, max);
        return -1;
    }
    for (size_t i = 0; i < a->n; i++) {
        out[i] = w(a->theta[i]);
        out[a->n + i] = js(a->theta[i]);
    }
    return (int)(2 * a->n);
}

/* One step of the engine (lg_game_step: objective, backward, the optimizer's
 * step of the nets the player owns, then the regularizers' after_step) on the
 * game of lg_lab03_step_arg with the student's clip.c; the parameters after it. */
static int clip_step(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab03_step_arg *a = arg;
    const lg_plugin *clip = lg_child_plugin(c, "clip.c");
    if (!clip)
        return -1;
    static const lg_plugin loss = LG_LAB03_STEP_LOSS;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = NULL;
    lg_optim *opt[LG_NET_COUNT] = { NULL };
    char kv[64], spec[64];
    snprintf(kv, sizeof kv, "c=%.17g", a->c);
    snprintf(spec, sizeof spec, "sgd:lr=%.17g", a->lr);
    size_t nd = 0, ng = 0;
    int rc = -1;
    if (lg_lab03_step_game(a, rng, &g) != LG_OK || lg_game_set_loss_desc(g, &loss, "") != LG_OK) {
        lg_child_fail(c, "grader: cannot build the game: %s", lg_errmsg());
        goto out;
    }
    lg_game_params(g, LG_NET_D, &nd);
    lg_game_params(g, LG_NET_G, &ng);
    if (nd + ng > max || lg_optim_parse(spec, nd, &opt[LG_NET_D]) != LG_OK ||
        lg_optim_parse(spec, ng, &opt[LG_NET_G]) != LG_OK) {
        lg_child_fail(c, "grader: %zu parameters, %zu values: %s", nd + ng, max, lg_errmsg());
        goto out;
    }
    if (lg_game_add_reg_desc(g, clip, kv) != LG_OK) {
        lg_child_fail(c, "clip.c: %s", lg_errmsg());
        goto out;
    }
    if (lg_game_step(g, a->player, opt) != LG_OK) {
        lg_child_fail(c, "%s", lg_errmsg());
        goto out;
    }
    const double *td = lg_game_params(g, LG_NET_D, &nd), *tg = lg_game_params(g, LG_NET_G, &ng);
    for (size_t i = 0; i < nd; i++)
        out[i] = td[i];
    for (size_t i = 0; i < ng; i++)
        out[nd + i] = tg[i];
    rc = (int)(nd + ng);
out:
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(opt[i]);
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc;
}

static const lg_child_def defs[] = { { "w1", w1 }, { "lines", lines }, { "clip_step", clip_step } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
