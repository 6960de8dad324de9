/*
 * wgan.c - Wasserstein GAN (Arjovsky, Chintala & Bottou 2017, Eq. 2-3 and Algorithm 1).
 * Lab 03, Task 3.1 (labs/03-wgan/README.md).
 * Correct alternative "sub-means": means subtracted directly; fmin/fmax over a forward loop; two buffers, an explicit |.|.
 *
 * The paper's objective: by Kantorovich-Rubinstein duality
 *
 *   W(P_r, P_theta) = sup_{||f||_L <= 1} E_{x ~ P_r}[f(x)] - E_{x ~ P_theta}[f(x)]
 *
 * estimated with a critic f_w whose weights are clipped to [-c, c] (a compact
 * set, so f_w is K-Lipschitz for some K):
 *
 *   max_w  E_{x ~ P_r}[f_w(x)] - E_{z ~ p(z)}[f_w(g_theta(z))]        (the critic)
 *   min_theta  -E_{z ~ p(z)}[f_w(g_theta(z))]                         (the generator)
 *
 * Sign convention: each objective below is what its player MINIMISES.
 *   d_loss = mean D(G(z)) - mean D(x_r)   (= minus the Wasserstein estimate)
 *   g_loss = -mean D(G(z))
 * D is the critic f_w: a real-valued score, no sigmoid and no log.
 * d_loss logs the estimate  w_estimate = mean D(x_r) - mean D(G(z)) = -d_loss (K
 * times W when the critic is optimal; the paper's curve that tracks sample quality).
 *
 * Parameters: none (the clipping constant c belongs to the `clip` regularizer).
 * Runner defaults, Algorithm 1's: RMSProp with alpha = 5e-5 for both players,
 * n_critic = 5 critic steps per generator step, and clipping of the critic's
 * weights to [-0.01, 0.01] after each critic step (--reg clip:c=0.01; the runner
 * drops it when the user names a --reg).
 */
#include "litgan.h"

/* REGION d_loss */
/* The critic's objective: -(E f_w(x_r) - E f_w(G(z))). */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *score_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *score_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    /* minimising E f(G(z)) - E f(x_r) is maximising the estimate */
    lg_node *loss = lg_sub(t, lg_mean(t, score_fake), lg_mean(t, score_real));
    if (loss) /* the estimate is -d_loss: the log follows the loss, whatever it is */
        lg_game_log(g, "w_estimate", -lg_scalar(loss));
    return loss;
}
/* END REGION */

/* REGION g_loss */
/* The generator's objective: -E f_w(G(z)). */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *score_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_scale(t, lg_mean(t, score_fake), -1.0);
}
/* END REGION */

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "wgan",
    .title = "Wasserstein GAN: critic maximises E D(x) - E D(G(z))",
    .citation = "Arjovsky, Chintala & Bottou 2017, Wasserstein Generative Adversarial Networks, "
                "ICML, Eq. 3 and Algorithm 1",
    .params = NULL,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d rmsprop:lr=5e-5 --opt-g rmsprop:lr=5e-5 --d-steps 5 --reg clip:c=0.01",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
