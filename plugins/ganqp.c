/*
 * ganqp.c - GAN-QP, the quadratic-potential GAN (Su 2018, arXiv:1811.07296).
 *
 * The paper's objective, over pairs (x_r, x_f) ~ p(x_r) q(x_f):
 *
 *   T = argmax_T E[ T(x_r,x_f) - T(x_f,x_r) - (T(x_r,x_f) - T(x_f,x_r))^2 / (2 lambda d(x_r,x_f)) ]
 *   G = argmin_G E[ T(x_r,x_f) - T(x_f,x_r) ]
 *
 * in its simplified form T(x_r, x_f) = D(x_r), the one the paper's experiments use:
 * Delta = D(x_r) - D(x_f). The quadratic term replaces a Lipschitz constraint: the
 * optimal D satisfies |Delta| <= lambda d, so G's gradient neither vanishes nor
 * explodes, with no clipping or gradient penalty.
 *
 * A batch holds B pairs: the i-th real row with the i-th fake row (independent
 * draws, so a sample of p(x_r) q(x_f)). Everything below is per pair, (B,1):
 *   Delta_i = D(x_r,i) - D(x_f,i)
 *   d_i     = mean_j |x_r,ij - x_f,ij|                    metric=l1 (default; the paper's code)
 *           = sqrt(mean_j (x_r,ij - x_f,ij)^2)            metric=l2 (root mean square)
 *
 * Sign convention: each objective below is what its player MINIMISES.
 *   d_loss = mean_i( -Delta_i + Delta_i^2 / (2 lambda d_i) )
 *   g_loss = mean_i( Delta_i )
 * d_i is undefined when a fake row equals its real partner exactly (probability
 * zero for continuous data); as in the paper no epsilon is added.
 *
 * Parameters: lambda = 10 (in [1e-3, 1e4]), metric = l1 | l2.
 * Runner defaults, the paper's: Adam(lr 2e-4, b1 0.5) for both players, two D steps
 * per G step.
 *
 * Lab 05 (labs/05-ganqp/README.md): Task 5.1 is the per-pair distance, Task 5.2
 * the two objectives.
 */
#include "litgan.h"

#include <string.h>

/* Exported (not static) so that Lab 05's grader can evaluate it on its own. */
LG_PLUGIN_EXPORT lg_node *ganqp_pair_distance(lg_game *g, lg_node *x_real, lg_node *x_fake, const char *metric);

/* REGION pair_distance */
/* Task 5.1: d_i between the i-th real and the i-th fake row, (B,1) - never (B,B)
 * and never one number for the whole batch. x_real, x_fake: (B, x_dim);
 * metric "l1" (mean_j |.|) or "l2" (sqrt(mean_j (.)^2)). */
lg_node *ganqp_pair_distance(lg_game *g, lg_node *x_real, lg_node *x_fake, const char *metric)
{
    /* BEGIN SOLUTION Task 5.1 */
    lg_tape *t = lg_game_tape(g);
    lg_node *diff = lg_sub(t, x_real, x_fake);                 /* (B, x_dim) */
    if (strcmp(metric, "l2") == 0)
        return lg_sqrt(t, lg_mean_rows(t, lg_square(t, diff))); /* (B,1) RMS */
    return lg_mean_rows(t, lg_abs(t, diff));                    /* (B,1) mean |.| */
    /* END SOLUTION */
    /* STUB (void)x_real; (void)x_fake; (void)metric; return lg_todo_node(g, "Task 5.1"); */
}
/* END REGION */

/* REGION d_loss */
/* Task 5.2: what the critic minimises, mean_i( -Delta_i + Delta_i^2 / (2 lambda d_i) ). */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    double lambda = lg_param_double(p, "lambda");
    const char *metric = lg_param_str(p, "metric");
    /* BEGIN SOLUTION Task 5.2 */
    lg_tape *t = lg_game_tape(g);
    lg_node *x_real = lg_game_real(g);                          /* (B, x_dim) */
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));  /* (B, x_dim) */
    lg_node *s_real = lg_apply(g, LG_NET_D, x_real);            /* (B,1) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);            /* (B,1) */
    lg_node *delta = lg_sub(t, s_real, s_fake);                 /* (B,1) Delta_i */
    lg_node *d = ganqp_pair_distance(g, x_real, x_fake, metric); /* (B,1) d_i */
    lg_node *quad = lg_div(t, lg_square(t, delta), lg_scale(t, d, 2.0 * lambda)); /* (B,1) */
    return lg_mean(t, lg_sub(t, quad, delta));                  /* (1,1) */
    /* END SOLUTION */
    /* STUB (void)lambda; (void)metric; return lg_todo_node(g, "Task 5.2"); */
}
/* END REGION */

/* REGION g_loss */
/* Task 5.2: what the generator minimises, mean_i( Delta_i ). */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    /* BEGIN SOLUTION Task 5.2 */
    lg_tape *t = lg_game_tape(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));  /* (B, x_dim) */
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));   /* (B,1) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);            /* (B,1) */
    return lg_mean(t, lg_sub(t, s_real, s_fake));               /* (1,1) */
    /* END SOLUTION */
    /* STUB return lg_todo_node(g, "Task 5.2"); */
}
/* END REGION */

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", "[1e-3, 1e4]",
      "scale of the quadratic potential: D loss has Delta^2 / (2 lambda d)" },
    { "metric", LG_PARAM_TYPE_CHOICE, "l1", "l1|l2",
      "per-pair distance d: l1 = mean |x_r - x_f|, l2 = sqrt(mean (x_r - x_f)^2)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "ganqp",
    .title = "GAN-QP: quadratic-potential critic, no Lipschitz constraint",
    .citation = "Su 2018, GAN-QP: A Novel GAN Framework without Gradient Vanishing and Lipschitz "
                "Constraint, arXiv:1811.07296",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 2",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
