/*
 * refs.c - what Lab 03's visible and hidden tests and its experiment share
 * (built into lab.so and hidden.so, never into the runner): the WGAN losses in
 * closed form, the grader's own W1, and the expected result of one step of the
 * clip game. None of it calls student code.
 */
#include "lab03.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* d_loss = (1/B) sum s_f - (1/B) sum s_r: linear in the logits, so its value and
 * its derivatives are exact at any logit. */
double lg_lab03_wgan_d_ref(const lg_probe *pr, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        v += (sf[i] - sr[i]) / B;
        cr[i] = -1.0 / B;
        cf[i] = 1.0 / B;
    }
    return v;
}

/* g_loss = -(1/B) sum s_f. */
double lg_lab03_wgan_g_ref(const lg_probe *pr, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        v -= sf[i] / B;
        cr[i] = 0;
        cf[i] = -1.0 / B;
    }
    return v;
}

/* The cost of matching x[i] to y[perm[i]] over every permutation (Heap's
 * algorithm, n! of them): the definition of W1 between two uniform samples of
 * the same size (Birkhoff: an optimal plan may be taken a permutation). */
double lg_lab03_w1_brute(const double *x, const double *y, size_t n)
{
    size_t perm[8], c[8] = { 0 };
    if (n == 0 || n > 8)
        return NAN;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    double best = INFINITY;
    for (size_t i = 0;;) {
        double cost = 0;
        for (size_t k = 0; k < n; k++)
            cost += fabs(x[k] - y[perm[k]]);
        best = fmin(best, cost);
        while (i < n && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= n)
            break;
        size_t j = i % 2 ? c[i] : 0, tmp = perm[j];
        perm[j] = perm[i];
        perm[i] = tmp;
        c[i]++;
        i = 0;
    }
    return best / (double)n;
}

static int by_value(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return u < v ? -1 : u > v;
}

double lg_lab03_w1_sort(const double *x, const double *y, size_t n)
{
    if (n == 0)
        return NAN;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), s = 0;
    if (!a || !b) {
        free(a);
        free(b);
        return NAN;
    }
    memcpy(a, x, n * sizeof *a);
    memcpy(b, y, n * sizeof *b);
    qsort(a, n, sizeof *a, by_value);
    qsort(b, n, sizeof *b, by_value);
    for (size_t i = 0; i < n; i++)
        s += fabs(a[i] - b[i]);
    free(a);
    free(b);
    return s / (double)n;
}

/* The step by SGD on the gradient the library computes for the same game (the
 * grading process's own backpropagation, no student code), then the clip of
 * Algorithm 1 after a critic step only. */
size_t lg_lab03_step_expected(const lg_lab03_step_arg *a, double *out)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = NULL;
    static const lg_plugin loss = LG_LAB03_STEP_LOSS;
    size_t n = 0;
    if (lg_lab03_step_game(a, rng, &g) == LG_OK && lg_game_set_loss_desc(g, &loss, "") == LG_OK) {
        size_t nd, ng;
        double *td = lg_game_params(g, LG_NET_D, &nd), *tg = lg_game_params(g, LG_NET_G, &ng);
        double grad[2 * LG_LAB03_STEP_PARAMS];
        if (lg_game_loss_grad(g, a->player, grad) == LG_OK) {
            for (size_t i = 0; i < nd; i++) {
                double w = td[i] - (a->player == LG_PLAYER_D ? a->lr * grad[i] : 0);
                out[i] = a->player != LG_PLAYER_D ? w : w > a->c ? a->c : w < -a->c ? -a->c : w;
            }
            for (size_t i = 0; i < ng; i++)
                out[nd + i] = tg[i] - (a->player == LG_PLAYER_G ? a->lr * grad[nd + i] : 0);
            n = nd + ng;
        }
    }
    lg_game_free(g);
    gsl_rng_free(rng);
    return n;
}
