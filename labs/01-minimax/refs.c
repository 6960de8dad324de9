/*
 * refs.c - what Lab 01's visible and hidden tests share (built into both of the
 * lab's objects): the minimax generator loss in closed form and the C(G) check
 * against Theorem 1 (its computation runs in the runner: child.c).
 */
#include "lab01.h"

#include <math.h>
#include <stddef.h>
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

/* Run the student's C(G) on a in the sandbox; assert it is within tol of expected,
 * the message naming a's densities and interval. */
void lg_lab01_criterion_check(const lg_lab01_crit_arg *a, double expected, double tol, const char *hint)
{
    char in[512];
    double v;
    snprintf(in, sizeof in, "p_data = %s, p_g = %s, on [%g, %g]", a->p_text, a->q_text, a->lo, a->hi);
    if (lg_grade_call("criterion", a, offsetof(lg_lab01_crit_arg, p_text), &v, 1, in))
        LG_GRADE_CLOSE(v, expected, tol, in, hint);
}

/* The identity of Theorem 1: C(G) = -log 4 + 2 JSD(p_data || p_g), with the JSD
 * from the library's quadrature (lg_jsd_1d), independent of the student's code. */
double lg_lab01_criterion_ref(const lg_lab01_crit_arg *a)
{
    lg_lab01_mix p = a->p, q = a->q;
    return -log(4.0) + 2.0 * lg_jsd_1d(lg_lab01_mix_density, &p, lg_lab01_mix_density, &q, a->lo, a->hi);
}
