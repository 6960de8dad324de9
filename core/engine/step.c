/*
 * step.c - one optimizer step of a game (lg_game_step): the objective, its
 * backward, the regularizers' hooks around the update, and the guards against
 * NaN and infinities. The runner (run.c) is made of these steps and words
 * their failures its own way from g->fault; a lab or a grader takes the same
 * step on a game it built by hand.
 */
#include "lg_impl.h"

#include <math.h>
#include <string.h>

static const char *player_name(lg_player p) { return p == LG_PLAYER_D ? "discriminator" : "generator"; }

static int fault(lg_game *g, lg_fault_kind kind, lg_player p, lg_net_id net)
{
    memset(&g->fault, 0, sizeof g->fault);
    g->fault.kind = kind;
    g->fault.player = p;
    g->fault.net = net;
    return LG_ENONFINITE;
}

/* Every regularizer's hook, in order; the first failure stops them. */
static int call_hooks(lg_game *g, bool after, lg_player p)
{
    for (size_t i = 0; i < g->n_regs; i++) {
        const lg_plugin *d = g->regs[i].h->desc;
        int bad;
        if (after) {
            g->player = p;
            bad = d->after_step && d->after_step(g, p, g->regs[i].params) != 0;
        } else {
            bad = d->adjust_grads && d->adjust_grads(g, g->regs[i].params) != 0;
        }
        if (bad) {
            const char *why = lg_tape_error(g->tape) ? lg_tape_error(g->tape) : "no reason given";
            memset(&g->fault, 0, sizeof g->fault);
            g->fault.kind = LG_FAULT_HOOK;
            g->fault.player = p;
            g->fault.reg = d->name;
            g->fault.hook = after ? "after_step" : "adjust_grads";
            snprintf(g->fault.reason, sizeof g->fault.reason, "%s", why);
            return lg_seterr(LG_EPLUGIN, "regularizer %s: %s failed: %s", d->name, g->fault.hook, why);
        }
    }
    return LG_OK;
}

/* Forward and backward of player p's objective into its nets' gradients
 * (the other nets' gradients are left alone: requires_grad off). */
static int player_grad(lg_game *g, lg_player p)
{
    lg_game_set_trainable(g, p, false);
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i] && lg_player_owns(p, (lg_net_id)i))
            lg_net_zero_grad(g->net[i]);
    lg_node *obj = lg_game_objective(g, p);
    if (!obj)
        return LG_EPLUGIN;
    g->last_loss[p] = lg_scalar(obj);
    if (!isfinite(g->last_loss[p])) {
        fault(g, LG_FAULT_LOSS, p, LG_NET_D);
        g->fault.value = g->last_loss[p];
        return lg_seterr(LG_ENONFINITE, "the %s loss (%g) is not finite: lower the learning rate or "
                         "check the plugin", player_name(p), g->last_loss[p]);
    }
    return lg_tape_backward(g->tape, obj);
}

static bool moved_by_hooks(const lg_game *g)
{
    for (size_t i = 0; i < g->n_regs; i++)
        if (g->regs[i].h->desc->after_step)
            return true;
    return false;
}

/* The optimizer steps of p's nets, then the after_step hooks (clipping acts on
 * the updated weights), then the check that the update left them finite. Each
 * update is one pass over its buffers that also takes the gradient's norm and
 * checks it (the norm is logged) and spends the gradient (zeroes it): after a
 * step the gradients read zero, and the next backward needs no zeroing pass.
 * A gradient found not finite is reported as such, the nets holding a partial
 * step, as lg_game_step says. */
static int apply_step(lg_game *g, lg_player p, lg_optim *const opt[LG_NET_COUNT])
{
    bool finite[LG_NET_COUNT];
    double s = 0;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = g->net[i];
        finite[i] = true;
        if (!n || !lg_player_owns(p, (lg_net_id)i))
            continue;
        lg_spent u = n->prec == LG_PREC_FLOAT ? (lg_net_use_float(n), lg_optim_spend_f(opt[i], n->theta_f, n->grad_f))
                                             : lg_optim_spend(opt[i], n->theta, n->grad);
        n->grad_zero = true; /* spent: the next lg_net_zero_grad has nothing to do */
        if (!u.grad_finite) {
            fault(g, LG_FAULT_GRAD, p, (lg_net_id)i);
            return lg_seterr(LG_ENONFINITE, "a gradient of the %s's parameters (network %s) is not finite: "
                             "lower the learning rate or check the plugin", player_name(p), n->spec);
        }
        finite[i] = u.theta_finite;
        s += u.sumsq;
    }
    g->last_gnorm[p] = sqrt(s);
    int rc = call_hooks(g, true, p);
    if (rc != LG_OK)
        return rc;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = g->net[i];
        /* the update's own pass told; after a hook that may have moved
         * weights (clipping: it works on the double copy) only a pass over
         * what the hook left can */
        bool untouched = !moved_by_hooks(g) || (n && n->prec == LG_PREC_FLOAT && n->f_current);
        if (n && lg_player_owns(p, (lg_net_id)i) &&
            !(untouched ? finite[i] : lg_all_finite(n->theta, n->n_params))) {
            /* the gradients were finite: the optimizer's update made it so */
            fault(g, LG_FAULT_PARAM, p, (lg_net_id)i);
            return lg_seterr(LG_ENONFINITE, "a parameter of the %s (network %s) is not finite after its "
                             "update: a learning rate too large, or eps=0 dividing by a zero second moment",
                             player_name(p), n->spec);
        }
    }
    return LG_OK;
}

/* Every net the step will move has an optimizer of its size. */
static int check_opts(const lg_game *g, lg_player p, lg_optim *const opt[LG_NET_COUNT])
{
    static const char *const slot[LG_NET_COUNT] = { "opt[LG_NET_G]", "opt[LG_NET_D]", "opt[LG_NET_E]" };
    for (int i = 0; i < LG_NET_COUNT; i++) {
        const lg_net *n = g->net[i];
        if (!n || !(g->simultaneous || lg_player_owns(p, (lg_net_id)i)))
            continue;
        if (!opt || !opt[i])
            return lg_seterr(LG_EINVAL, "lg_game_step: network %s has no optimizer (give %s)", n->spec, slot[i]);
        if (opt[i]->n != n->n_params)
            return lg_seterr(LG_EINVAL, "lg_game_step: %s is sized for %zu parameters, but network %s has %zu",
                             slot[i], opt[i]->n, n->spec, n->n_params);
        if (n->prec == LG_PREC_FLOAT)
            lg_optim_set_float(opt[i]); /* once: its float moments */
    }
    return LG_OK;
}

int lg_game_step(lg_game *g, lg_player p, lg_optim *const opt[LG_NET_COUNT])
{
    memset(&g->fault, 0, sizeof g->fault);
    if (!g->loss.h)
        return lg_seterr(LG_EINVAL, "the game has no loss plugin (lg_game_set_loss)");
    if (p != LG_PLAYER_D && p != LG_PLAYER_G)
        return lg_seterr(LG_EINVAL, "lg_game_step: player %d is neither LG_PLAYER_D nor LG_PLAYER_G", (int)p);
    int rc = check_opts(g, p, opt);
    if (rc != LG_OK)
        return rc;
    if (!g->simultaneous) {
        if ((rc = player_grad(g, p)) || (rc = call_hooks(g, false, p)) || (rc = apply_step(g, p, opt)))
            return rc;
        return LG_OK;
    }
    /* Both players' gradients at the same parameters, then both updates: the
     * simultaneous gradient steps of Mescheder et al. 2017. Regularizers that
     * need the whole game's vector field (consensus) see both gradients at once. */
    if ((rc = player_grad(g, LG_PLAYER_D)) || (rc = player_grad(g, LG_PLAYER_G)))
        return rc;
    if ((rc = call_hooks(g, false, LG_PLAYER_G)) || (rc = apply_step(g, LG_PLAYER_D, opt)) ||
        (rc = apply_step(g, LG_PLAYER_G, opt)))
        return rc;
    return LG_OK;
}

void lg_game_set_simultaneous(lg_game *g, bool on) { g->simultaneous = on; }
double lg_game_last_loss(const lg_game *g, lg_player p) { return p <= LG_PLAYER_G ? g->last_loss[p] : NAN; }
double lg_game_last_gnorm(const lg_game *g, lg_player p) { return p <= LG_PLAYER_G ? g->last_gnorm[p] : NAN; }
