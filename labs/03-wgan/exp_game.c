/*
 * exp_game.c - the game that parts 1 and 2 of `litgan lab 03` build by hand:
 * nets from their specs, a loss and a regularizer from the student's plugins,
 * D stepped by the engine's own step on batches the part fills; and the
 * critic's estimate mean f(x_r) - mean f(x_f), which part 3 reads too.
 */
#include "exp.h"

#include <string.h>

void exp_game_free(exp_game *s)
{
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(s->opt[i]);
    lg_game_free(s->g);
    if (s->rng)
        gsl_rng_free(s->rng);
    memset(s, 0, sizeof *s);
}

int exp_game_open(exp_game *s, const char *g_spec, const char *d_spec, size_t batch, unsigned long seed,
                  const char *loss_spec, const char *reg_spec, const char *opt_d)
{
    memset(s, 0, sizeof *s);
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(s->rng, seed);
    lg_net *G = NULL, *D = NULL;
    int rc = lg_net_parse(g_spec, &G);
    if (rc == LG_OK)
        rc = lg_net_parse(d_spec, &D);
    if (rc != LG_OK) {
        lg_net_free(G);
        gsl_rng_free(s->rng);
        s->rng = NULL;
        return rc;
    }
    lg_net_init(G, s->rng);
    lg_net_init(D, s->rng);
    size_t nd, ng;
    lg_net_params(D, &nd);
    lg_net_params(G, &ng);
    if ((rc = lg_game_alloc(G, D, NULL, batch, s->rng, &s->g)) == LG_OK && (rc = lg_game_set_loss(s->g, loss_spec)) == LG_OK &&
        (!reg_spec || (rc = lg_game_add_reg(s->g, reg_spec)) == LG_OK) &&
        (rc = lg_optim_parse(opt_d, nd, &s->opt[LG_NET_D])) == LG_OK)
        rc = lg_optim_parse("sgd:lr=0.01", ng, &s->opt[LG_NET_G]); /* never stepped */
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        exp_game_free(s);
        return lg_seterr(rc, "lab 03: the game of %s: %s", loss_spec, why);
    }
    return LG_OK;
}

/* The engine's own step: objective, backward, optimizer, then after_step - the
 * clip of clip.c. */
int exp_d_step(exp_game *s, const char *what, long step)
{
    lg_labkit_phase(what, step);
    lg_game_new_step(s->g);
    int rc = lg_game_step(s->g, LG_PLAYER_D, s->opt);
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        return lg_seterr(rc, "%s, step %ld: %s", what, step, why);
    }
    return LG_OK;
}

double exp_critic_estimate(lg_net *D, const gsl_matrix *x, const gsl_matrix *y, gsl_matrix *work)
{
    double e = 0;
    lg_net_forward(D, x, work);
    for (size_t i = 0; i < x->size1; i++)
        e += work->data[i] / (double)x->size1;
    lg_net_forward(D, y, work);
    for (size_t i = 0; i < y->size1; i++)
        e -= work->data[i] / (double)y->size1;
    return e;
}
