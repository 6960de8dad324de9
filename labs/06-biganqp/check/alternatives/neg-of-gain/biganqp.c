/* Correct alternative 'neg-of-gain' (instructor only): minus the critic's gain; stopped copies named first. */
/*
 * biganqp.c - BiGAN-QP: GAN-QP with an encoder (Su 2018, kexue.fm/archives/6214,
 * added to arXiv:1811.07296).
 *
 * BiGAN (Donahue et al. 2017) scores pairs: real (x, E(x)) against fake (G(z), z),
 * with a joint critic T(x, z). The paper's final objective:
 *
 *   T    = argmax_T E_{x~p(x), z~q(z)}[ Delta_T - Delta_T^2 / (2 lambda d(x, E(x); G(z), z)) ]
 *   G, E = argmin_{G,E} E_{x~p(x), z~q(z)}[ Delta_T + beta1 ||z - E(G_ng(z))||^2
 *                                                    + beta2 ||x - G(E_ng(x))||^2 ]
 *   Delta_T = T(x, E(x)) - T(G(z), z)
 *
 * where _ng stops the gradient: the latent guidance term trains E only, the image
 * guidance term trains G only. T is the D network applied to lg_concat(x, z), so
 * D's input width is x_dim + z_dim (LG_PLUGIN_FLAG_ENCODER; the runner checks it).
 *
 * Per pair i (the i-th real row, the i-th noise row), as in the paper's code:
 *   Delta_i = T(x_r,i, E(x_r,i)) - T(G(z_i), z_i)                            (B,1)
 *   d_i     = lambda * (mean_j |x_r,ij - G(z)_ij| + mean_j |E(x_r)_ij - z_ij|) (B,1)
 * (the code's "10 * (mean|x_r - x_f| + mean|z_r - z_f|)": lambda is folded into d_i).
 * "||.||^2" is read as the mean squared error over every element of the batch (MSE,
 * the paper's K.mean(K.square(.)): a mean over rows and over coordinates), so
 *   guide_z = mean_ij (z_ij - E(stop(G(z)))_ij)^2
 *   guide_x = mean_ij (x_r,ij - G(stop(E(x_r)))_ij)^2
 *
 * Sign convention: each objective below is what its player MINIMISES.
 *   d_loss (T only)   = mean_i( -Delta_i + Delta_i^2 / (2 d_i) )
 *   g_loss (G and E)  = mean_i( Delta_i ) + beta1 guide_z + beta2 guide_x
 * The runner gives E the generator's optimizer and updates it in the G step.
 *
 * Parameters: lambda = 10, beta1 = 2, beta2 = 3 (the paper's code).
 * Runner defaults: Adam(lr 2e-4, b1 0.5) for both players, two D steps per G step.
 * Lab 06, Tasks 6.1 (d_loss) and 6.2 (g_loss) (labs/06-biganqp/README.md).
 */
#include "litgan.h"

/* T(x, z) = D([x, z]): (B,1) */
static lg_node *joint_critic(lg_game *g, lg_node *x, lg_node *z)
{
    return lg_apply(g, LG_NET_D, lg_concat(lg_game_tape(g), x, z)); /* (B, x_dim+z_dim) -> (B,1) */
}

/* REGION d_loss */
/* Task 6.1: the joint critic's objective, mean( -Delta + Delta^2 / (2 d) ). */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *xr = lg_game_real(g), *zf = lg_game_noise(g);
    lg_node *zr = lg_apply(g, LG_NET_E, xr), *xf = lg_apply(g, LG_NET_G, zf);
    lg_node *real = joint_critic(g, xr, zr), *fake = joint_critic(g, xf, zf);
    lg_node *delta = lg_sub(t, real, fake);
    lg_node *half_x = lg_mean_rows(t, lg_abs(t, lg_sub(t, xf, xr)));
    lg_node *half_z = lg_mean_rows(t, lg_abs(t, lg_sub(t, zf, zr)));
    lg_node *two_d = lg_scale(t, lg_add(t, half_x, half_z), 2 * lg_param_double(p, "lambda"));
    lg_node *gain = lg_sub(t, delta, lg_div(t, lg_mul(t, delta, delta), two_d));
    return lg_neg(t, lg_mean(t, gain));
}
/* END REGION */

/* REGION g_loss */
/* Task 6.2: mean(Delta) + beta1 mean (z - E(stop G(z)))^2 + beta2 mean (x - G(stop E(x)))^2 */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *xr = lg_game_real(g), *zf = lg_game_noise(g);
    lg_node *zr = lg_apply(g, LG_NET_E, xr), *xf = lg_apply(g, LG_NET_G, zf);
    lg_node *xf_ng = lg_stop_gradient(t, xf), *zr_ng = lg_stop_gradient(t, zr);
    lg_node *delta = lg_sub(t, joint_critic(g, xr, zr), joint_critic(g, xf, zf));
    lg_node *lat = lg_mean(t, lg_mean_rows(t, lg_square(t, lg_sub(t, zf, lg_apply(g, LG_NET_E, xf_ng)))));
    lg_node *img = lg_mean(t, lg_mean_rows(t, lg_square(t, lg_sub(t, xr, lg_apply(g, LG_NET_G, zr_ng)))));
    lg_node *guide = lg_add(t, lg_scale(t, lat, lg_param_double(p, "beta1")), lg_scale(t, img, lg_param_double(p, "beta2")));
    return lg_add(t, guide, lg_mean(t, delta));
}
/* END REGION */

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", "[1e-3, 1e4]",
      "joint distance d = lambda (mean|x_r - G(z)| + mean|E(x_r) - z|)" },
    { "beta1", LG_PARAM_TYPE_DOUBLE, "2", "[0, 1e4]",
      "weight of the latent guidance mean (z - E(stop G(z)))^2 (trains E)" },
    { "beta2", LG_PARAM_TYPE_DOUBLE, "3", "[0, 1e4]",
      "weight of the image guidance mean (x - G(stop E(x)))^2 (trains G)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "biganqp",
    .title = "BiGAN-QP: GAN-QP with an encoder, joint critic T(x, z) and MSE guidance",
    .citation = "Su 2018, BiGAN-QP (kexue.fm/archives/6214), in GAN-QP: A Novel GAN Framework "
                "without Gradient Vanishing and Lipschitz Constraint, arXiv:1811.07296",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 2",
    .flags = LG_PLUGIN_FLAG_ENCODER,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
