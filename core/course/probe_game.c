/*
 * probe_game.c - the game of a probe (litgan/course.h, "probes"): its nets,
 * set by hand or initialised from its seed, and its batches. The grader
 * (probe.c: the expected logits and gradients) and the runner (the student's
 * objective on it) build it alike, so both see the same numbers.
 */
#include "lg_course.h"

#include <string.h>
#include <gsl/gsl_rng.h>

static void set_linear(lg_net *n, double weight, double bias)
{
    size_t k;
    double *theta = lg_net_params(n, &k);
    theta[0] = weight;
    theta[1] = bias;
}

/* The probe's game (nets, batches), without a loss plugin; rng is borrowed. */
int lg_probe_game(const lg_probe *pr, gsl_rng *rng, lg_game **out)
{
    lg_net *G = NULL, *D = NULL;
    *out = NULL;
    if (lg_net_parse(pr->g_spec[0] ? pr->g_spec : "1-1", &G) != LG_OK ||
        lg_net_parse(pr->d_spec[0] ? pr->d_spec : "1-1", &D) != LG_OK) {
        lg_net_free(G);
        return LG_EINVAL;
    }
    lg_game *g;
    if (lg_game_alloc(G, D, NULL, pr->batch, rng, &g) != LG_OK)
        return LG_EINVAL;
    gsl_rng_set(rng, pr->seed);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    if (!pr->g_spec[0])
        set_linear(G, pr->a, pr->b);
    if (!pr->d_spec[0])
        set_linear(D, pr->w, pr->c);
    memcpy(lg_game_real_batch(g)->data, pr->x_real, pr->batch * sizeof(double));
    memcpy(lg_game_noise_batch(g)->data, pr->z, pr->batch * sizeof(double));
    *out = g;
    return LG_OK;
}
