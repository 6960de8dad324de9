/*
 * refs.c - what Lab 01's visible and hidden tests share (built into both of the
 * lab's objects): the minimax generator loss in closed form, Gaussian mixtures,
 * and the C(G) check against Theorem 1.
 */
#include "lab01.h"

#include <math.h>
#include <stdio.h>

/* The minimax generator loss (1/B) sum log(1 - sigma(s_f)); d/ds_f = -sigma(s_f) / B. */
double lg_lab01_g_loss_ref(const lg_probe *pr, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        v += log(1.0 - lg_probe_sigmoid(sf[i])) / B;
        cr[i] = 0;
        cf[i] = -lg_probe_sigmoid(sf[i]) / B;
    }
    return v;
}

/* Gaussian density N(x; mu, s^2), from its definition. */
double lg_lab01_gauss(double x, double mu, double s)
{
    double u = (x - mu) / s;
    return exp(-0.5 * u * u) / (s * sqrt(2.0 * M_PI));
}

/* A Gaussian mixture on the line: sum_k w_k N(x; mu_k, sigma^2). */
double lg_lab01_mix_density(double x, void *ctx)
{
    const lg_lab01_mix *m = ctx;
    double v = 0;
    for (int k = 0; k < m->k; k++)
        v += m->w[k] * lg_lab01_gauss(x, m->mu[k], m->sigma);
    return v;
}

static int criterion_child(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab01_crit_arg *a = arg;
    (void)max;
    lg_lab01_criterion_fn f = (lg_lab01_criterion_fn)lg_child_sym(c, "optimal.c", "lab01_criterion");
    if (!f)
        return -1;
    lg_lab01_mix p = a->p, q = a->q; /* the student may write through ctx: copies */
    out[0] = f(lg_lab01_mix_density, &p, lg_lab01_mix_density, &q, a->lo, a->hi);
    return 1;
}

/* Run the student's C(G) on a in the sandbox; assert it is within tol of expected,
 * the message naming a's densities and interval. */
void lg_lab01_criterion_check(const lg_lab01_crit_arg *a, double expected, double tol, const char *hint)
{
    char in[512];
    double v;
    snprintf(in, sizeof in, "p_data = %s, p_g = %s, on [%g, %g]", a->p_text, a->q_text, a->lo, a->hi);
    if (lg_grade_call(criterion_child, a, &v, 1, in))
        LG_GRADE_CLOSE(v, expected, tol, in, hint);
}

/* The identity of Theorem 1: C(G) = -log 4 + 2 JSD(p_data || p_g), with the JSD
 * from the library's quadrature (lg_jsd_1d), independent of the student's code. */
double lg_lab01_criterion_ref(const lg_lab01_crit_arg *a)
{
    lg_lab01_mix p = a->p, q = a->q;
    return -log(4.0) + 2.0 * lg_jsd_1d(lg_lab01_mix_density, &p, lg_lab01_mix_density, &q, a->lo, a->hi);
}
