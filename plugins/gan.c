/*
 * gan.c - the minimax GAN (Goodfellow et al. 2014, Eq. 1 and Algorithm 1).
 * Lab 01, Tasks 1.1 and 1.2 (labs/01-minimax/README.md).
 *
 * The paper's two-player game, with value function V:
 *
 *   min_G max_D V(D, G) = E_{x ~ p_data(x)}[log D(x)] + E_{z ~ p_z(z)}[log(1 - D(G(z)))]
 *
 * Sign convention: each objective below is what its player MINIMISES.
 *   d_loss = -V                = -E log D(x) - E log(1 - D(G(z)))   (D maximises V)
 *   g_loss = E log(1 - D(G(z)))                                      (G minimises V; the
 *                                                                      first term of V does not
 *                                                                      depend on G)
 * Expectations are batch means.
 *
 * D outputs a logit s, D(x) = sigmoid(s) (no sigmoid layer in the network). Both
 * objectives must stay finite, with finite gradients, for any logit (s = +-1000
 * included): log(sigmoid(s)) computed naively is log(0) = -inf there.
 * g_loss saturates: when D rejects the fakes (s_fake -> -inf) its gradient
 * vanishes (Sec. 3 of the paper; nsgan.c is the remedy).
 *
 * Parameters: none.
 * Runner defaults: Adam(lr 2e-4, b1 0.5) for both players (the course's MNIST seed),
 * one D step per G step (k = 1, "the least expensive option", Algorithm 1).
 */
#include "litgan.h"

/* REGION d_loss */
/* The discriminator's objective: -E log D(x_r) - E log(1 - D(G(z))). */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    /* BEGIN SOLUTION Task 1.1 */
    /* With log sigmoid(s) = -softplus(-s) and log(1 - sigmoid(s)) = -softplus(s):
     *   d_loss = mean softplus(-s_real) + mean softplus(s_fake) */
    lg_tape *t = lg_game_tape(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));  /* (B, x_dim) */
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));   /* (B,1) logits */
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);            /* (B,1) logits */
    lg_node *real_term = lg_mean(t, lg_softplus(t, lg_neg(t, s_real))); /* (1,1) = -E log D(x_r) */
    lg_node *fake_term = lg_mean(t, lg_softplus(t, s_fake));  /* (1,1) = -E log(1 - D(G(z))) */
    return lg_add(t, real_term, fake_term);                    /* (1,1) */
    /* END SOLUTION */
    /* STUB return lg_todo_node(g, "Task 1.1"); */
}
/* END REGION */

/* REGION g_loss */
/* The generator's objective in the minimax game: E log(1 - D(G(z))). */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    /* BEGIN SOLUTION Task 1.2 */
    /* log(1 - sigmoid(s)) = -softplus(s), so g_loss = -mean softplus(s_fake); its
     * gradient, -sigmoid(s_fake)/B per sample, vanishes as s_fake -> -inf. */
    lg_tape *t = lg_game_tape(g);
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));  /* (B, x_dim) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);            /* (B,1) logits */
    return lg_neg(t, lg_mean(t, lg_softplus(t, s_fake)));       /* (1,1) */
    /* END SOLUTION */
    /* STUB return lg_todo_node(g, "Task 1.2"); */
}
/* END REGION */

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "gan",
    .title = "Minimax GAN: G minimises log(1 - D(G(z)))",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Eq. 1 and "
                "Algorithm 1",
    .params = NULL,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
