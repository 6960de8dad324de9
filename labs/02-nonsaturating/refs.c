/*
 * refs.c - what Lab 02's visible and hidden tests share (built into both of
 * the lab's objects): the non-saturating generator loss in closed form.
 */
#include "lab02.h"

#include <math.h>

/* The non-saturating generator loss from its definition (Goodfellow et al. 2014,
 * Sec. 3: G maximises log D(G(z))), as a batch mean to minimise:
 *   g_loss = -(1/B) sum log sigma(s_f),  d g_loss / d s_f_i = -(1 - sigma(s_f_i)) / B
 * (d/ds log sigma(s) = 1 - sigma(s)). Valid for moderate logits. */
double lg_lab02_ns_loss_ref(const lg_probe *pr, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        v += -log(lg_probe_sigmoid(sf[i])) / B;
        cr[i] = 0;
        cf[i] = -(1.0 - lg_probe_sigmoid(sf[i])) / B;
    }
    return v;
}
