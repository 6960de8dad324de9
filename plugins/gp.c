/*
 * gp.c - the WGAN-GP gradient penalty (Gulrajani, Ahmed, Arjovsky, Dumoulin and
 * Courville 2017, Improved Training of Wasserstein GANs, NeurIPS, Eq. 3 and
 * Algorithm 1, lines 6-8):
 *
 *   xhat_i = t_i x_r,i + (1 - t_i) x_f,i,      t_i ~ U(0, 1),  x_f = G(z)
 *   GP     = lambda * mean_i ( ||nabla_x D(xhat_i)||_2 - 1 )^2
 *
 * and the one-sided variant the paper mentions (Sec. 4, "one-sided penalty"):
 *
 *   GP_1   = lambda * mean_i max(0, ||nabla_x D(xhat_i)||_2 - 1)^2
 *
 * Conventions
 *   - The term is added to the critic's (D player's) objective, which D minimises;
 *     for the G player the term is 0. x_f enters through lg_stop_gradient: the
 *     penalty trains D only, never G.
 *   - t: (B, 1) from lg_game_uniform, seeded by the run and replayed within a step,
 *     so the objective is a deterministic function of the parameters.
 *   - nabla_x D(xhat_i) is row i of lg_input_grad; its own gradient (the second
 *     derivative the penalty needs) is computed by the host.
 *   - ||g|| = sqrt(sum_j g_j^2 + 1e-12): the 1e-12 keeps d||g||/dg finite where a
 *     ReLU critic is flat (g = 0) and moves ||g|| by less than 1e-12 / (2 ||g||).
 *   - With an encoder (BiGAN) D scores pairs: the real pair is (x_r, E(x_r)), the
 *     fake pair (G(z), z), both stopped, and xhat interpolates the pairs.
 *
 * Parameters: lambda (default 10, the paper's value), one_sided (0|1, default 0).
 * Runner defaults: the paper's Algorithm 1, n_critic = 5 and Adam(1e-4, 0, 0.9) for
 * both players (options given on the command line win).
 */
#include "litgan.h"

#include <string.h>

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", "[0, 1e4]", "weight of the penalty" },
    { "one_sided", LG_PARAM_TYPE_CHOICE, "0", "0|1",
      "1: penalise only norms above 1, max(0, ||g|| - 1)^2" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

/* What D scores, real and fake, with no gradient into G or E: (B, d) each. */
static void scored(lg_game *g, lg_node **real, lg_node **fake)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *xr = lg_game_real(g), *z = lg_game_noise(g);
    lg_node *xf = lg_stop_gradient(t, lg_apply(g, LG_NET_G, z));
    if (lg_game_has_net(g, LG_NET_E)) {
        xr = lg_concat(t, xr, lg_stop_gradient(t, lg_apply(g, LG_NET_E, xr)));
        xf = lg_concat(t, xf, z);
    }
    *real = xr;
    *fake = xf;
}

static lg_node *add_term(lg_game *g, lg_player player, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    if (player != LG_PLAYER_D)
        return lg_fill(t, 1, 1, 0.0);
    double lambda = lg_param_double(p, "lambda");
    int one_sided = strcmp(lg_param_str(p, "one_sided"), "1") == 0;

    lg_node *xr, *xf;
    scored(g, &xr, &xf);                                       /* (B, d) each */
    lg_node *u = lg_game_uniform(g, lg_game_batch(g), 1);      /* t_i: (B, 1) */
    lg_node *xhat = lg_add(t, lg_mul(t, xr, u),                 /* t x_r + (1 - t) x_f */
                              lg_mul(t, xf, lg_shift(t, lg_neg(t, u), 1.0)));
    lg_node *grad = lg_input_grad(g, LG_NET_D, xhat);          /* (B, d) */
    lg_node *norm = lg_sqrt(t, lg_shift(t, lg_sum_rows(t, lg_square(t, grad)), 1e-12)); /* (B, 1) */
    lg_node *dev = lg_shift(t, norm, -1.0);                    /* ||g|| - 1 */
    if (one_sided)
        dev = lg_relu(t, dev);                                 /* max(0, ||g|| - 1) */
    return lg_scale(t, lg_mean(t, lg_square(t, dev)), lambda); /* (1, 1) */
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "gp",
    .title = "Gradient penalty: lambda mean (||grad_x D(xhat)|| - 1)^2 on real-fake interpolates",
    .citation = "Gulrajani et al. 2017, Improved Training of Wasserstein GANs, NeurIPS, Eq. 3, Alg. 1",
    .params = params,
    .add_term = add_term,
    .defaults = "--opt-d adam:lr=1e-4,b1=0,b2=0.9 --opt-g adam:lr=1e-4,b1=0,b2=0.9 --d-steps 5",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
