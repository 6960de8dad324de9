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
    /* BEGIN SOLUTION Task 6.1 */
    lg_tape *t = lg_game_tape(g);
    double lambda = lg_param_double(p, "lambda");
    lg_node *x_real = lg_game_real(g);                          /* (B, x_dim) */
    lg_node *z_fake = lg_game_noise(g);                         /* (B, z_dim) */
    lg_node *z_real = lg_apply(g, LG_NET_E, x_real);            /* (B, z_dim) E(x_r) */
    lg_node *x_fake = lg_apply(g, LG_NET_G, z_fake);            /* (B, x_dim) G(z) */
    lg_node *delta = lg_sub(t, joint_critic(g, x_real, z_real),
                               joint_critic(g, x_fake, z_fake)); /* (B,1) */
    /* the joint distance of pair i: row i against row i, never a (B, B) table */
    lg_node *dx = lg_mean_rows(t, lg_abs(t, lg_sub(t, x_real, x_fake))); /* (B,1) */
    lg_node *dz = lg_mean_rows(t, lg_abs(t, lg_sub(t, z_real, z_fake))); /* (B,1) */
    lg_node *d = lg_scale(t, lg_add(t, dx, dz), lambda);        /* (B,1) */
    lg_node *quad = lg_div(t, lg_square(t, delta), lg_scale(t, d, 2.0)); /* (B,1) */
    return lg_mean(t, lg_sub(t, quad, delta));                  /* (1,1) */
    /* END SOLUTION */
    /* STUB (void)p; return lg_todo_node(g, "Task 6.1"); */
}
/* END REGION */

/* REGION g_loss */
/* Task 6.2: mean(Delta) + beta1 mean (z - E(stop G(z)))^2 + beta2 mean (x - G(stop E(x)))^2 */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    /* BEGIN SOLUTION Task 6.2 */
    lg_tape *t = lg_game_tape(g);
    double beta1 = lg_param_double(p, "beta1"), beta2 = lg_param_double(p, "beta2");
    lg_node *x_real = lg_game_real(g);                          /* (B, x_dim) x */
    lg_node *z_fake = lg_game_noise(g);                         /* (B, z_dim) z */
    lg_node *z_real = lg_apply(g, LG_NET_E, x_real);            /* (B, z_dim) the real pair's code */
    lg_node *x_fake = lg_apply(g, LG_NET_G, z_fake);            /* (B, x_dim) the fake pair's image */
    lg_node *delta = lg_sub(t, joint_critic(g, x_real, z_real), /* d_loss's pairs */
                               joint_critic(g, x_fake, z_fake)); /* (B,1) */
    /* latent guidance: trains E only (G(z) is stopped) */
    lg_node *z_rec = lg_apply(g, LG_NET_E, lg_stop_gradient(t, x_fake)); /* (B, z_dim) */
    lg_node *guide_z = lg_mean(t, lg_square(t, lg_sub(t, z_fake, z_rec))); /* (1,1) MSE */
    /* image guidance: trains G only (E(x) is stopped) */
    lg_node *x_rec = lg_apply(g, LG_NET_G, lg_stop_gradient(t, z_real)); /* (B, x_dim) */
    lg_node *guide_x = lg_mean(t, lg_square(t, lg_sub(t, x_real, x_rec))); /* (1,1) MSE */
    lg_node *adv = lg_mean(t, delta);                           /* (1,1) */
    return lg_add(t, adv, lg_add(t, lg_scale(t, guide_z, beta1),
                                    lg_scale(t, guide_x, beta2))); /* (1,1) */
    /* END SOLUTION */
    /* STUB (void)p; return lg_todo_node(g, "Task 6.2"); */
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
