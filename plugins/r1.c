/*
 * r1.c - the R1 regularizer (Mescheder, Geiger and Nowozin 2018, Which Training
 * Methods for GANs do actually Converge?, ICML, Eq. 9):
 *
 *   R1 = (gamma / 2) * mean_i ||nabla_x D(x_r,i)||_2^2        on real data only
 *
 * Conventions
 *   - The 1/2 is part of the formula, as in the paper's Eq. 9: gamma = 10 here
 *     means a term 5 * mean ||grad||^2. Codebases differ (some write gamma alone,
 *     i.e. twice this term): to match one that does, pass half its gamma.
 *   - The term is added to the D player's objective (D minimises it); for the G
 *     player it is 0. It needs no fake samples, so G gets no gradient from it.
 *   - nabla_x D(x_r,i) is row i of lg_input_grad; the host computes its own
 *     gradient with respect to D's parameters.
 *   - With an encoder (BiGAN) D scores pairs: the real pair is (x_r, E(x_r)) with
 *     E's output stopped, and the gradient is taken with respect to the pair.
 *
 * Parameters: gamma (default 10).
 */
#include "litgan.h"

static const lg_param_doc params[] = {
    { "gamma", LG_PARAM_TYPE_DOUBLE, "10", "[0, 1e4]", "weight; the term is (gamma/2) mean ||grad_x D(x_real)||^2" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static lg_node *add_term(lg_game *g, lg_player player, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    if (player != LG_PLAYER_D)
        return lg_fill(t, 1, 1, 0.0);
    double gamma = lg_param_double(p, "gamma");
    lg_node *xr = lg_game_real(g);                                 /* (B, x_dim) */
    if (lg_game_has_net(g, LG_NET_E))                              /* (B, x_dim + z_dim) */
        xr = lg_concat(t, xr, lg_stop_gradient(t, lg_apply(g, LG_NET_E, xr)));
    lg_node *grad = lg_input_grad(g, LG_NET_D, xr);                /* (B, d) */
    lg_node *sq = lg_sum_rows(t, lg_square(t, grad));              /* ||grad_i||^2: (B, 1) */
    return lg_scale(t, lg_mean(t, sq), 0.5 * gamma);               /* (1, 1) */
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "r1",
    .title = "R1: (gamma/2) mean ||grad_x D(x_real)||^2, a penalty on the critic's slope at the data",
    .citation = "Mescheder, Geiger, Nowozin 2018, Which Training Methods for GANs do actually Converge?, ICML, Eq. 9",
    .params = params,
    .add_term = add_term,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
