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

/* The hints every C(G) test gives for these classes of mistake (a test's own
 * come first). */
static const lg_grade_hint crit_hints[] = {
    { LG_MISTAKE_NAN, "a term whose density is 0 contributes 0 (0 log 0 = 0), whatever D* is there" },
    { LG_MISTAKE_INF, "1 - p/(p + q) rounds to 0 where p_g is tiny next to p_data: take the log of each "
                      "ratio as a difference of logs" },
    { LG_MISTAKE_GSL, "GSL could not integrate: look for an integrand that is NaN or infinite somewhere (0 log 0, "
                      "the log of a ratio that rounded to 0) or tolerances it cannot reach (an absolute tolerance "
                      "of 0 on pieces of negligible mass)" },
    { LG_MISTAKE_UNREPORTED, "no quadrature reaches the tolerance on this integrand, and GSL's adaptive "
                             "routines say so in their status: C(G) must then be NaN" },
    { LG_MISTAKE_HALF, "each term of the integrand has weight 1: no factor 1/2" },
    { LG_MISTAKE_TWICE, "each term of the integrand has weight 1: no factor 2" },
};

/* Run the student's C(G) on a in the sandbox; check it against e (expected,
 * tol, hint, hints), the message naming a's densities and interval. */
void lg_lab01_criterion_check(const lg_lab01_crit_arg *a, const lg_grade_expect *e)
{
    char in[512];
    double v;
    snprintf(in, sizeof in, "p_data = %s, p_g = %s, on [%g, %g]", a->p_text, a->q_text, a->lo, a->hi);
    if (!lg_grade_call("criterion", a, offsetof(lg_lab01_crit_arg, p_text), &v, 1, in))
        return;
    lg_grade_expect x = *e;
    x.input = in;
    x.actual = v;
    size_t k = 0;
    while (k < LG_GRADE_HINTS && x.hints[k].mistake != LG_MISTAKE_OTHER)
        k++;
    for (size_t i = 0; i < sizeof crit_hints / sizeof crit_hints[0] && k < LG_GRADE_HINTS; i++)
        x.hints[k++] = crit_hints[i];
    lg_grade_check(&x, __FILE__, __LINE__);
}

/* The identity of Theorem 1: C(G) = -log 4 + 2 JSD(p_data || p_g), with the JSD
 * from the library's quadrature (lg_jsd_1d), independent of the student's code. */
double lg_lab01_criterion_ref(const lg_lab01_crit_arg *a)
{
    lg_lab01_mix p = a->p, q = a->q;
    return -log(4.0) + 2.0 * lg_jsd_1d(lg_lab01_mix_density, &p, lg_lab01_mix_density, &q, a->lo, a->hi);
}
