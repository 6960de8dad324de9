/*
 * check.c - `litgan check-plugin`: a gradient check of a plugin's objectives on a
 * small random game, by centred differences in double (kann's idea of a built-in
 * gradient check). Stopped gradients are honoured: the numeric side replays the
 * values recorded at each lg_stop_gradient, so a perturbation cannot pass it.
 */
#include "lg_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#define CHECK_X_DIM 3
#define CHECK_Z_DIM 2
#define CHECK_BATCH 6

static const char *net_letter[LG_NET_COUNT] = { "G", "D", "E" };

/* The layers that have parameters, in the report's words */
static const char *layer_word(lg_layer_kind k)
{
    switch (k) {
    case LG_LAYER_LINEAR:      return "linear";
    case LG_LAYER_BATCHNORM:   return "batchnorm";
    case LG_LAYER_CONV:        return "conv2d";
    case LG_LAYER_CONVT:       return "convT2d";
    case LG_LAYER_BATCHNORM2D: return "bn2d";
    default:                   return "layer";
    }
}

/* The objective of player p at the current parameters (forward only). */
static int objective_value(lg_game *g, lg_player p, double *f)
{
    double *saved[LG_NET_COUNT] = { 0 };
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i] && g->net[i]->n_buffers) {
            saved[i] = lg_xmalloc(g->net[i]->n_buffers * sizeof(double));
            memcpy(saved[i], g->net[i]->buffers, g->net[i]->n_buffers * sizeof(double));
        }
    lg_node *obj = lg_game_objective(g, p);
    *f = obj ? lg_scalar(obj) : NAN;
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (saved[i]) {
            memcpy(g->net[i]->buffers, saved[i], g->net[i]->n_buffers * sizeof(double));
            free(saved[i]);
        }
    return obj ? LG_OK : LG_EPLUGIN;
}

static int check_player(lg_game *g, lg_player p, FILE *f, double tol, double *worst)
{
    const char *who = p == LG_PLAYER_D ? "d_loss" : "g_loss";
    lg_tape *t = g->tape;
    /* analytic gradients, recording the value at every stop */
    lg_game_set_trainable(g, p, true);
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i])
            lg_net_zero_grad(g->net[i]);
    t->stop_mode = LG_STOP_RECORD;
    double f0;
    int rc = objective_value(g, p, &f0);
    lg_node *obj = rc == LG_OK ? lg_game_objective(g, p) : NULL;
    if (!obj) {
        t->stop_mode = LG_STOP_PASS;
        return LG_EPLUGIN;
    }
    if (!isfinite(f0)) {
        t->stop_mode = LG_STOP_PASS;
        return lg_seterr(LG_ENONFINITE, "%s is %g on the check game", who, f0);
    }
    /* BatchNorm statistics must not drift between evaluations */
    if ((rc = lg_tape_backward(t, obj)) != LG_OK) {
        t->stop_mode = LG_STOP_PASS;
        return rc;
    }
    t->stop_mode = LG_STOP_REPLAY;
    int bad = 0;
    for (int i = 0; i < LG_NET_COUNT && rc == LG_OK; i++) {
        lg_net *net = g->net[i];
        if (!net)
            continue;
        for (size_t li = 0; li < net->n_layers; li++) {
            const lg_layer *l = &net->layers[li];
            if (!l->p_len)
                continue;
            double *num = lg_xmalloc(l->p_len * sizeof(double));
            for (size_t k = 0; k < l->p_len && rc == LG_OK; k++) {
                double *th = &net->theta[l->p_off + k], keep = *th;
                double h = 1e-5 * fmax(1.0, fabs(keep)), fp = NAN, fm = NAN;
                *th = keep + h;
                rc = objective_value(g, p, &fp);
                *th = keep - h;
                if (rc == LG_OK)
                    rc = objective_value(g, p, &fm);
                *th = keep;
                num[k] = (fp - fm) / (2.0 * h);
            }
            if (rc == LG_OK) {
                const double *ana = net->grad + l->p_off;
                double e = lg_rel_error(ana, num, l->p_len);
                double mag = 0;
                for (size_t k = 0; k < l->p_len; k++)
                    mag = fmax(mag, fabs(num[k]));
                if (mag < 1e-8 && e > tol) /* both sides vanish: absolute test */
                    e = 0;
                *worst = fmax(*worst, e);
                bad += e > tol;
                fprintf(f, "  %-7s %-2s layer %zu %-9s %6zu  %9.2e  %s\n", who, net_letter[i], li,
                        layer_word(l->kind), l->p_len, e,
                        e > tol ? "FAIL" : "ok");
            }
            free(num);
        }
    }
    t->stop_mode = LG_STOP_PASS;
    if (rc != LG_OK)
        return rc;
    return bad ? LG_EINVAL : LG_OK;
}

int lg_check_plugin(const char *spec, FILE *f, double tol, double *worst)
{
    *worst = 0;
    lg_plugin_inst probe;
    /* a regularizer is checked on top of the non-saturating loss */
    int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &probe);
    const char *loss_spec = spec, *reg_spec = NULL;
    if (rc != LG_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", lg_errmsg());
        if (lg_plugin_inst_open(spec, LG_PLUGIN_KIND_REG, &probe) != LG_OK)
            return lg_seterr(LG_EPLUGIN, "%s", strstr(msg, "is a regularizer") ? lg_errmsg() : msg);
        loss_spec = "nsgan";
        reg_spec = spec;
    }
    const lg_plugin *d = probe.h->desc;
    fprintf(f, "check-plugin %s (%s)\n  %s\n  %s\n", d->name, probe.h->path, d->title, d->citation);
    bool enc = (d->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
    lg_plugin_inst_close(&probe);

    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 12345);
    lg_net *G, *D, *E = NULL;
    char dspec[64];
    snprintf(dspec, sizeof dspec, "%d-5t-1", CHECK_X_DIM + (enc ? CHECK_Z_DIM : 0));
    lg_net_parse("2-4t-3", &G);
    lg_net_parse(dspec, &D);
    if (enc)
        lg_net_parse("3-4t-2", &E);
    lg_game g = { 0 };
    rc = lg_game_init(&g, G, D, E, CHECK_BATCH, CHECK_Z_DIM, rng);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    if (E)
        lg_net_init(E, rng);
    for (size_t i = 0; i < CHECK_BATCH * CHECK_X_DIM; i++)
        g.real->data[i] = gsl_ran_gaussian(rng, 1.0);
    for (size_t i = 0; i < CHECK_BATCH * CHECK_Z_DIM; i++)
        g.noise->data[i] = gsl_ran_gaussian(rng, 1.0);
    lg_game_new_step(&g);
    if (rc == LG_OK)
        rc = lg_plugin_inst_open(loss_spec, LG_PLUGIN_KIND_LOSS, &g.loss);
    if (rc == LG_OK && reg_spec) {
        rc = lg_plugin_inst_open(reg_spec, LG_PLUGIN_KIND_REG, &g.regs[0]);
        if (rc == LG_OK)
            g.n_regs = 1;
    }
    if (rc == LG_OK) {
        fprintf(f, "  %-7s %-2s %-15s %6s  %9s\n", "obj", "net", "block", "params", "rel.error");
        int r1 = check_player(&g, LG_PLAYER_D, f, tol, worst);
        char m1[512] = "";
        if (r1 != LG_OK && r1 != LG_EINVAL)
            snprintf(m1, sizeof m1, "%s", lg_errmsg());
        int r2 = check_player(&g, LG_PLAYER_G, f, tol, worst);
        if (r1 != LG_OK && r1 != LG_EINVAL)
            rc = lg_seterr(r1, "%s", m1);
        else if (r2 != LG_OK && r2 != LG_EINVAL)
            rc = r2;
        else if (r1 != LG_OK || r2 != LG_OK)
            rc = lg_seterr(LG_EINVAL, "worst relative error %.2e > %.0e: an analytic gradient "
                           "disagrees with centred differences", *worst, tol);
    }
    lg_game_clear(&g);
    gsl_rng_free(rng);
    return rc;
}
