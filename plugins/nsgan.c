/*
 * nsgan.c - the non-saturating GAN (Goodfellow et al. 2014, Sec. 3).
 * Lab 02, Task 2.1 (labs/02-nonsaturating/README.md).
 *
 * D outputs a logit s, D(x) = sigmoid(s). Each objective is what its player
 * MINIMISES; expectations are batch means.
 *
 *   D maximises  E log D(x_r) + E log(1 - D(G(z)))   (as in the minimax game, gan.c)
 *   G maximises  E log D(G(z))                        (the "non-saturating" trick: the
 *                                                      same fixed point, strong gradients
 *                                                      early in training)
 *
 * Both objectives must be finite, with finite gradients, for any logit.
 */
#include "litgan.h"

/* REGION d_loss */
/* The discriminator's objective: -E log D(x_r) - E log(1 - D(G(z))), as in gan.c. */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    /* BEGIN SOLUTION Task 2.1 */
    /* s_real: (B,1), s_fake: (B,1); log sigmoid(s) = -softplus(-s),
     * log(1 - sigmoid(s)) = -softplus(s):
     *   d_loss = mean softplus(-s_real) + mean softplus(s_fake) */
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                     lg_mean(t, lg_softplus(t, s_fake)));
    /* END SOLUTION */
    /* STUB return lg_todo_node(g, "Task 2.1"); */
}
/* END REGION */

/* REGION g_loss */
/* The generator's non-saturating objective: -E log D(G(z)). */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    /* BEGIN SOLUTION Task 2.1 */
    /* -log sigmoid(s) = softplus(-s): g_loss = mean softplus(-s_fake) (1,1); its
     * gradient, -(1 - sigmoid(s_fake))/B per sample, is largest when D rejects the fakes. */
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));
    /* END SOLUTION */
    /* STUB return lg_todo_node(g, "Task 2.1"); */
}
/* END REGION */

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "nsgan",
    .title = "Non-saturating GAN: G minimises -log D(G(z))",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Sec. 3",
    .params = NULL,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
