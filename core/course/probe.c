/*
 * probe.c - a student's loss plugin on a tiny game whose logits the grader
 * knows (litgan/course.h, "probes"): the game, the child that runs the
 * student's objective in the sandbox, the references computed in the grading
 * process, and the comparison of many values at once.
 */
#include "lg_course.h"

#include <gsl/gsl_rng.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

const lg_probe lg_probe_batch = {
    .w = 0.5, .c = 0.25, .a = 2, .b = -1, .batch = 3,
    .x_real = { 1, -2, 3 }, .z = { 0.5, 3, -1 },
};
const char lg_probe_batch_text[] =
    "D logit s = 0.5 x + 0.25, G(z) = 2 z - 1, x_real = (1, -2, 3), z = (0.5, 3, -1)";

const lg_probe lg_probe_extreme = {
    .w = 1, .c = 0, .a = 1, .b = 0, .batch = 2,
    .x_real = { 1000, -1000 }, .z = { -1000, 1000 },
};
const char lg_probe_extreme_text[] = "identity nets, s_real = (1000, -1000), s_fake = (-1000, 1000)";

/* Set the only Linear layer of a "1-1" net: weight then bias. */
/* ------------------------------------------------------------ references --- */

/* The logistic function and softplus in double, written from their definitions:
 * sigma(s) = 1 / (1 + e^-s); softplus(s) = log(1 + e^s) = max(s, 0) + log1p(e^-|s|). */
double lg_probe_sigmoid(double s)
{
    return s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
}
double lg_probe_softplus(double s) { return fmax(s, 0.0) + log1p(exp(-fabs(s))); }

/* The logits of a probe, computed in the grading process with the library's
 * layers (for specs) or by hand (for "1-1"): s_real[i], s_fake[i]. */
void lg_probe_logits(const lg_probe *pr, double *s_real, double *s_fake)
{
    if (!pr->g_spec[0] && !pr->d_spec[0]) {
        for (size_t i = 0; i < pr->batch; i++) {
            s_real[i] = pr->w * pr->x_real[i] + pr->c;
            s_fake[i] = pr->w * (pr->a * pr->z[i] + pr->b) + pr->c;
        }
        return;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g;
    LG_ASSERT(lg_probe_game(pr, rng, &g) == LG_OK, "probe specs must parse");
    lg_net *G = lg_game_net(g, LG_NET_G), *D = lg_game_net(g, LG_NET_D);
    lg_tape *t = lg_tape_alloc();
    lg_node *sr = lg_net_apply(t, D, lg_const(t, lg_game_real_batch(g)));
    lg_node *sf = lg_net_apply(t, D, lg_net_apply(t, G, lg_const(t, lg_game_noise_batch(g))));
    memcpy(s_real, lg_value(sr)->data, pr->batch * sizeof(double));
    memcpy(s_fake, lg_value(sf)->data, pr->batch * sizeof(double));
    lg_tape_free(t);
    lg_game_free(g);
    gsl_rng_free(rng);
}

/* The gradient, in the game's order, of sum_i cr[i] s_real[i] + cf[i] s_fake[i]
 * (cr, cf fixed numbers): by the chain rule this is the gradient of any loss whose
 * derivatives with respect to the logits are cr and cf, so a test derives those by
 * hand and the library's backpropagation (tested on its own in tests/test_tape.c)
 * does the rest. grad holds lg_game_param_count values. */
/* The linear form as a loss plugin (both players' objective), so that the
 * game's own gradient computes it; its coefficients are set just before (the
 * grading process is single-threaded). */
static const double *form_cr, *form_cf;
static size_t form_batch;

static lg_node *linear_form(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    gsl_matrix_const_view vr = gsl_matrix_const_view_array(form_cr, form_batch, 1);
    gsl_matrix_const_view vf = gsl_matrix_const_view_array(form_cf, form_batch, 1);
    lg_node *sr = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *sf = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_sum(t, lg_mul(t, sr, lg_const(t, &vr.matrix))), lg_sum(t, lg_mul(t, sf, lg_const(t, &vf.matrix))));
}

static const lg_plugin linear_form_plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin), .kind = LG_PLUGIN_KIND_LOSS,
    .name = "linear-form", .title = "sum cr s_real + cf s_fake", .d_loss = linear_form, .g_loss = linear_form,
};

void lg_probe_chain_grad(const lg_probe *pr, const double *cr, const double *cf, double *grad)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g;
    LG_ASSERT(lg_probe_game(pr, rng, &g) == LG_OK, "probe specs must parse");
    form_cr = cr;
    form_cf = cf;
    form_batch = pr->batch;
    LG_ASSERT(lg_game_set_loss_desc(g, &linear_form_plugin, "") == LG_OK, "the linear form is a loss");
    LG_ASSERT(lg_game_loss_grad(g, LG_PLAYER_D, grad) == LG_OK, "backward of a linear form");
    lg_game_free(g);
    gsl_rng_free(rng);
}

/* Gradient of sum_i cr_i s_real_i + cf_i s_fake_i for "1-1" nets with respect to
 * (w, c, a, b), by hand: s_real_i = w x_i + c, s_fake_i = w (a z_i + b) + c, so
 *   d/dw = sum cr_i x_i + sum cf_i (a z_i + b),  d/dc = sum cr_i + sum cf_i,
 *   d/da = sum cf_i w z_i,                       d/db = sum cf_i w. */
void lg_probe_linear_grad(const lg_probe *pr, const double *cr, const double *cf, double g[4])
{
    memset(g, 0, 4 * sizeof(double));
    for (size_t i = 0; i < pr->batch; i++) {
        g[0] += cr[i] * pr->x_real[i] + cf[i] * (pr->a * pr->z[i] + pr->b);
        g[1] += cr[i] + cf[i];
        g[2] += cf[i] * pr->w * pr->z[i];
        g[3] += cf[i] * pr->w;
    }
}

/* One line per wrong value (lg_grade_check_all); rel: relative to |expected|
 * (for values that are tiny). */
void lg_probe_close_all(const double *out, const double *expected, size_t n, double tol, int rel,
                        const char *what, const double *inputs, const char *hint)
{
    lg_grade_check_all(out, expected, n, what, inputs, &(lg_grade_expect){ .tol = tol, .rel = rel != 0, .hint = hint },
                       __FILE__, __LINE__);
}

/* ------------------------------------------------- a loss on "1-1" nets --- */




/* Run the player's objective in the sandbox once and check what k asks: the
 * value, and the gradient with respect to the player's own two parameters (w, c
 * for D; a, b for G), each with its own message "TEXT; d d_loss / d w". */
void lg_probe_check_loss(const lg_probe_check *k)
{
    static const char names[] = "wcab"; /* the game's order [theta_D, theta_G] */
    lg_probe pr = *k->probe;
    snprintf(pr.file, sizeof pr.file, "%s", k->file);
    pr.player = k->player;
    double out[5], cr[LG_PROBE_MAX_BATCH], cf[LG_PROBE_MAX_BATCH], g[4];
    if (!lg_grade_call(LG_PROBE_CHILD, &pr, sizeof pr, out, 5, k->text))
        return;
    double value = k->exact[0];
    if (k->ref) {
        value = k->ref(&pr, cr, cf);
        lg_probe_linear_grad(&pr, cr, cf, g);
    }
    /* a batch mean: its sum is B times it, and so is the sum's gradient */
    lg_grade_expect e = { .tol = k->tol, .batch = (double)pr.batch, .hint = k->hint[0] };
    memcpy(e.hints, k->hints, sizeof e.hints);
    if (k->what & LG_PROBE_VALUE) {
        e.input = k->text;
        e.expected = value;
        e.actual = out[0];
        lg_grade_check(&e, __FILE__, __LINE__);
    }
    int first = k->player == LG_PLAYER_D ? 0 : 2; /* index in (w, c, a, b) */
    for (int i = 0; (k->what & LG_PROBE_GRAD) && i < 2; i++) {
        char in[300];
        snprintf(in, sizeof in, "%s; d %s / d %c", k->text, k->player == LG_PLAYER_D ? "d_loss" : "g_loss",
                 names[first + i]);
        e.hint = k->hint[1 + i] ? k->hint[1 + i] : e.hint;
        e.input = in;
        e.expected = k->ref ? g[first + i] : k->exact[1 + i];
        e.actual = out[1 + first + i];
        lg_grade_check(&e, __FILE__, __LINE__);
    }
}

void lg_probe_check_net(const lg_probe_check *k)
{
    lg_probe pr = *k->probe;
    snprintf(pr.file, sizeof pr.file, "%s", k->file);
    pr.player = k->player;
    /* the game's order [theta_D, theta_G]: the player's block and its length */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g;
    LG_ASSERT(lg_probe_game(&pr, rng, &g) == LG_OK, "probe specs must parse");
    size_t n_d, n_g;
    lg_game_params(g, LG_NET_D, &n_d);
    lg_game_params(g, LG_NET_G, &n_g);
    lg_game_free(g);
    gsl_rng_free(rng);
    size_t off = k->player == LG_PLAYER_D ? 0 : n_d, n_own = k->player == LG_PLAYER_D ? n_d : n_g;
    double *out = lg_xmalloc((1 + n_d + n_g) * sizeof *out), *grad = lg_xmalloc((n_d + n_g) * sizeof *grad);
    double cr[LG_PROBE_MAX_BATCH], cf[LG_PROBE_MAX_BATCH];
    if (lg_grade_call(LG_PROBE_CHILD, &pr, sizeof pr, out, 1 + n_d + n_g, k->text)) {
        lg_grade_expect e = { .input = k->text, .expected = k->ref(&pr, cr, cf), .actual = out[0], .tol = k->tol,
                              .batch = (double)pr.batch, .hint = k->hint[0] };
        memcpy(e.hints, k->hints, sizeof e.hints);
        lg_grade_check(&e, __FILE__, __LINE__);
        lg_probe_chain_grad(&pr, cr, cf, grad);
        e.tol = 10 * k->tol;
        e.hint = k->hint[1] ? k->hint[1] : "the gradient must reach every parameter of the player's network";
        char what[300];
        snprintf(what, sizeof what, "%s; parameter", k->text);
        lg_grade_check_all(out + 1 + off, grad + off, n_own, what, NULL, &e, __FILE__, __LINE__);
    }
    free(out);
    free(grad);
}

/* d/ds log sigma(s) = 1 - sigma(s) and d/ds log(1 - sigma(s)) = -sigma(s) give the
 * logit derivatives of the batch means. */
double lg_probe_gan_d_loss_ref(const lg_probe *pr, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        v += -log(lg_probe_sigmoid(sr[i])) / B - log(1.0 - lg_probe_sigmoid(sf[i])) / B;
        cr[i] = -(1.0 - lg_probe_sigmoid(sr[i])) / B;
        cf[i] = lg_probe_sigmoid(sf[i]) / B;
    }
    return v;
}
