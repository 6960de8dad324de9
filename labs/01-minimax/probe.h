/*
 * probe.h - a student's loss plugin on a tiny game whose logits the grader knows
 * (the loss tasks of Labs 01 and 02: Tasks 1.1, 1.2, 2.1), and the comparison of
 * many values at once. Included through lab01.h by the labs' C files.
 *
 * The game: G and D are either one Linear layer each ("1-1"), set by hand,
 *     G(z) = a z + b,   D's logit s(x) = w x + c,
 * so the logits are s_real = w x_r + c and s_fake = w (a z + b) + c and every
 * expected value is a closed form in the test; or small networks (specs given)
 * initialised from a seed, whose logits the grading process computes itself with
 * the library's own layers (never with the student's code).
 *
 * The child (probe_child) returns n + 1 numbers: the player's objective, then its
 * gradient with respect to every parameter of the game, in the game's order
 * [theta_D, theta_G] (for "1-1" nets: w, c, a, b).
 */
#ifndef LG_LAB_PROBE_H
#define LG_LAB_PROBE_H

#include "lg_course.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#define PROBE_MAX_BATCH 16

typedef struct lg_probe {
    const char *file;               /* the lab file of the plugin: "gan.c" */
    lg_player player;               /* whose objective */
    const char *g_spec, *d_spec;    /* NULL: one Linear layer "1-1" set from a, b, w, c */
    double w, c, a, b;
    unsigned long seed;             /* with specs: the nets' initialisation */
    size_t batch;                   /* <= PROBE_MAX_BATCH */
    double x_real[PROBE_MAX_BATCH]; /* (batch, 1) */
    double z[PROBE_MAX_BATCH];      /* (batch, 1) */
} lg_probe;

/* Set the only Linear layer of a "1-1" net: weight then bias. */
static inline void probe_set_linear(lg_net *n, double weight, double bias)
{
    n->theta[0] = weight;
    n->theta[1] = bias;
}

/* The probe's game (nets, batches), without a loss plugin. rng is kept by the game. */
static inline int probe_game_init(const lg_probe *pr, lg_game *g, gsl_rng *rng)
{
    lg_net *G = NULL, *D = NULL;
    memset(g, 0, sizeof *g);
    if (lg_net_parse(pr->g_spec ? pr->g_spec : "1-1", &G) != LG_OK ||
        lg_net_parse(pr->d_spec ? pr->d_spec : "1-1", &D) != LG_OK) {
        lg_net_free(G);
        return LG_EINVAL;
    }
    if (lg_game_init(g, G, D, NULL, pr->batch, 1, rng) != LG_OK)
        return LG_EINVAL;
    gsl_rng_set(rng, pr->seed);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    if (!pr->g_spec)
        probe_set_linear(G, pr->a, pr->b);
    if (!pr->d_spec)
        probe_set_linear(D, pr->w, pr->c);
    memcpy(g->real->data, pr->x_real, pr->batch * sizeof(double));
    memcpy(g->noise->data, pr->z, pr->batch * sizeof(double));
    return LG_OK;
}

/* In the sandboxed child: the student's objective and its gradient. */
static inline int probe_child(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_probe *pr = arg;
    const lg_plugin *pl = lg_child_plugin(c, pr->file);
    if (!pl)
        return -1;
    if (pl->kind != LG_PLUGIN_KIND_LOSS || !pl->d_loss || !pl->g_loss) {
        lg_child_fail(c, "%s: the descriptor is not a loss plugin with d_loss and g_loss", pr->file);
        return -1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game g;
    if (probe_game_init(pr, &g, rng) != LG_OK) {
        lg_child_fail(c, "grader: cannot build the probe game: %s", lg_errmsg());
        return -1;
    }
    lg_plugin_handle h = { NULL, pl, NULL }; /* not dlopened here: the child owns it */
    g.loss.h = &h;
    if (lg_params_parse(pl->params, "", pl->name ? pl->name : pr->file, &g.loss.params) != LG_OK) {
        lg_child_fail(c, "%s: %s", pr->file, lg_errmsg());
        return -1;
    }
    size_t n = lg_game_param_count(&g);
    int rc = -1;
    if (n + 1 > max) {
        lg_child_fail(c, "grader: %zu parameters do not fit in %zu values", n, max);
    } else {
        lg_node *obj = lg_game_objective(&g, pr->player);
        if (!obj) {
            lg_child_fail(c, "%s", lg_errmsg());
        } else {
            out[0] = lg_scalar(obj);
            if (lg_game_loss_grad(&g, pr->player, out + 1) != LG_OK)
                lg_child_fail(c, "the gradient failed: %s", lg_errmsg());
            else
                rc = (int)(n + 1);
            /* a stub fails above, never here: a non-finite number is the student's
             * arithmetic, and the usual cause is log of a probability that rounded */
            for (size_t i = 0; rc > 0 && i <= n; i++)
                if (!isfinite(out[i])) {
                    lg_child_fail(c, "%s %s is %g: log(sigmoid(s)) is log(0) = -inf for large |s| in "
                                  "double; use log sigmoid(s) = -softplus(-s) and log(1 - sigmoid(s)) = "
                                  "-softplus(s)", pr->player == LG_PLAYER_D ? "d_loss" : "g_loss",
                                  i == 0 ? "(the value)" : "(a gradient)", out[i]);
                    rc = -1;
                }
        }
    }
    lg_params_free(g.loss.params);
    g.loss.h = NULL;
    g.loss.params = NULL;
    lg_game_clear(&g);
    gsl_rng_free(rng);
    return rc;
}

/* ------------------------------------------------------------ references --- */

/* The logistic function and softplus in double, written from their definitions:
 * sigma(s) = 1 / (1 + e^-s); softplus(s) = log(1 + e^s) = max(s, 0) + log1p(e^-|s|). */
static inline double probe_sigmoid(double s)
{
    return s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
}
static inline double probe_softplus(double s) { return fmax(s, 0.0) + log1p(exp(-fabs(s))); }

/* The logits of a probe, computed in the grading process with the library's
 * layers (for specs) or by hand (for "1-1"): s_real[i], s_fake[i]. */
static inline void probe_logits(const lg_probe *pr, double *s_real, double *s_fake)
{
    if (!pr->g_spec && !pr->d_spec) {
        for (size_t i = 0; i < pr->batch; i++) {
            s_real[i] = pr->w * pr->x_real[i] + pr->c;
            s_fake[i] = pr->w * (pr->a * pr->z[i] + pr->b) + pr->c;
        }
        return;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game g;
    LG_ASSERT(probe_game_init(pr, &g, rng) == LG_OK, "probe specs must parse");
    lg_tape *t = lg_tape_alloc();
    lg_node *sr = lg_net_apply(t, g.net[LG_NET_D], lg_const(t, g.real));
    lg_node *sf = lg_net_apply(t, g.net[LG_NET_D], lg_net_apply(t, g.net[LG_NET_G], lg_const(t, g.noise)));
    memcpy(s_real, lg_value(sr)->data, pr->batch * sizeof(double));
    memcpy(s_fake, lg_value(sf)->data, pr->batch * sizeof(double));
    lg_tape_free(t);
    lg_game_clear(&g);
    gsl_rng_free(rng);
}

/* The gradient, in the game's order, of sum_i cr[i] s_real[i] + cf[i] s_fake[i]
 * (cr, cf fixed numbers): by the chain rule this is the gradient of any loss whose
 * derivatives with respect to the logits are cr and cf, so a test derives those by
 * hand and the library's backpropagation (tested on its own in tests/test_tape.c)
 * does the rest. grad holds lg_game_param_count values. */
static inline void probe_chain_grad(const lg_probe *pr, const double *cr, const double *cf, double *grad)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game g;
    LG_ASSERT(probe_game_init(pr, &g, rng) == LG_OK, "probe specs must parse");
    lg_net *G = g.net[LG_NET_G], *D = g.net[LG_NET_D];
    G->requires_grad = D->requires_grad = true;
    lg_net_zero_grad(G);
    lg_net_zero_grad(D);
    gsl_matrix_const_view vr = gsl_matrix_const_view_array(cr, pr->batch, 1);
    gsl_matrix_const_view vf = gsl_matrix_const_view_array(cf, pr->batch, 1);
    lg_tape *t = lg_tape_alloc();
    lg_node *sr = lg_net_apply(t, D, lg_const(t, g.real));
    lg_node *sf = lg_net_apply(t, D, lg_net_apply(t, G, lg_const(t, g.noise)));
    lg_node *lin = lg_add(t, lg_sum(t, lg_mul(t, sr, lg_const(t, &vr.matrix))),
                          lg_sum(t, lg_mul(t, sf, lg_const(t, &vf.matrix))));
    LG_ASSERT(lg_tape_backward(t, lin) == LG_OK, "backward of a linear form");
    memcpy(grad, D->grad, D->n_params * sizeof(double));
    memcpy(grad + D->n_params, G->grad, G->n_params * sizeof(double));
    lg_tape_free(t);
    lg_game_clear(&g);
    gsl_rng_free(rng);
}

/* Gradient of sum_i cr_i s_real_i + cf_i s_fake_i for "1-1" nets with respect to
 * (w, c, a, b), by hand: s_real_i = w x_i + c, s_fake_i = w (a z_i + b) + c, so
 *   d/dw = sum cr_i x_i + sum cf_i (a z_i + b),  d/dc = sum cr_i + sum cf_i,
 *   d/da = sum cf_i w z_i,                       d/db = sum cf_i w. */
static inline void probe_linear_grad(const lg_probe *pr, const double *cr, const double *cf, double g[4])
{
    memset(g, 0, 4 * sizeof(double));
    for (size_t i = 0; i < pr->batch; i++) {
        g[0] += cr[i] * pr->x_real[i] + cf[i] * (pr->a * pr->z[i] + pr->b);
        g[1] += cr[i] + cf[i];
        g[2] += cf[i] * pr->w * pr->z[i];
        g[3] += cf[i] * pr->w;
    }
}

/* Assert out[i] ~ expected[i] for i < n with one message, at the worst index.
 * rel: compare relative to |expected| (for values that are tiny). */
static inline void probe_close_all(const double *out, const double *expected, size_t n, double tol, int rel,
                     const char *what, const double *inputs, const char *hint)
{
    size_t worst = 0;
    double e_worst = -1;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(out[i] - expected[i]);
        if (rel && expected[i] != 0)
            e /= fabs(expected[i]);
        if (!(e <= e_worst) || isnan(e)) { /* NaN sorts first */
            e_worst = isnan(e) ? INFINITY : e;
            worst = i;
        }
    }
    char input[256];
    if (inputs)
        snprintf(input, sizeof input, "%s = %.6g (the worst of %zu)", what, inputs[worst], n);
    else
        snprintf(input, sizeof input, "%s %zu (the worst of %zu)", what, worst + 1, n);
    if (rel && expected[worst] != 0)
        LG_GRADE_CLOSE(out[worst] / expected[worst], 1.0, tol, input, hint);
    else
        LG_GRADE_CLOSE(out[worst], expected[worst], tol, input, hint);
}

/* ------------------------------------------------- a loss on "1-1" nets --- */

/* A reference loss: its value at the probe's logits, and its derivatives with
 * respect to the logits, cr[i] = dL/ds_real_i and cf[i] = dL/ds_fake_i, derived by
 * hand beside it (lg_lab01_d_loss_ref, ...). */
typedef double (*probe_ref_fn)(const lg_probe *pr, double *cr, double *cf);

enum { PROBE_VALUE = 1, PROBE_GRAD = 2 };

/* One test of a loss plugin's objective on a "1-1" probe (G(z) = a z + b, D's
 * logit w x + c). The expected numbers come from ref (the value; the gradient by
 * the chain rule, probe_linear_grad) or, with ref NULL, are exact[]. */
typedef struct probe_check {
    const lg_probe *probe;    /* lg_lab01_batch, lg_lab01_extreme */
    const char *text;         /* how the messages name the probe */
    const char *file;         /* the plugin's lab file: "gan.c" */
    lg_player player;         /* whose objective */
    int what;                 /* PROBE_VALUE and/or PROBE_GRAD */
    probe_ref_fn ref;
    double exact[3];          /* ref NULL: the value, then d/d(first), d/d(second) parameter */
    double tol;
    /* the value's hint, then each parameter's (NULL: the one before) */
    const char *hint[3];
} probe_check;

/* Run the player's objective in the sandbox once and check what k asks: the
 * value, and the gradient with respect to the player's own two parameters (w, c
 * for D; a, b for G), each with its own message "TEXT; d d_loss / d w". */
static inline void probe_check_loss(const probe_check *k)
{
    static const char names[] = "wcab"; /* the game's order [theta_D, theta_G] */
    lg_probe pr = *k->probe;
    pr.file = k->file;
    pr.player = k->player;
    double out[5], cr[PROBE_MAX_BATCH], cf[PROBE_MAX_BATCH], g[4];
    if (!lg_grade_call(probe_child, &pr, out, 5, k->text))
        return;
    double value = k->exact[0];
    if (k->ref) {
        value = k->ref(&pr, cr, cf);
        probe_linear_grad(&pr, cr, cf, g);
    }
    const char *hint = k->hint[0];
    if (k->what & PROBE_VALUE)
        LG_GRADE_CLOSE(out[0], value, k->tol, k->text, hint);
    int first = k->player == LG_PLAYER_D ? 0 : 2; /* index in (w, c, a, b) */
    for (int i = 0; (k->what & PROBE_GRAD) && i < 2; i++) {
        char in[300];
        snprintf(in, sizeof in, "%s; d %s / d %c", k->text, k->player == LG_PLAYER_D ? "d_loss" : "g_loss",
                 names[first + i]);
        hint = k->hint[1 + i] ? k->hint[1 + i] : hint;
        LG_GRADE_CLOSE(out[1 + first + i], k->ref ? g[first + i] : k->exact[1 + i], k->tol, in, hint);
    }
}

#endif
