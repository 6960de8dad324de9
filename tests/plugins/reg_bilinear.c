/*
 * reg_bilinear.c - a test loss for consensus optimization: the bilinear game
 * f(theta, psi) = psi * theta, D maximising f and G minimising it (zero-sum).
 *
 * With G and D both "1-1" (G(u) = a u + theta, D(x) = psi x + b) and the constant
 * input 0, G(0) = theta and D(G(0)) - D(0) = psi * theta exactly (b cancels, a
 * multiplies 0): the loss reads psi = D's weight and theta = G's bias, and the
 * other two parameters get exactly zero gradient. It is the Dirac-GAN of
 * Mescheder et al. 2018 (data at 0, linear critic) with f(t) = t.
 *   d_loss = -psi theta   (D maximises f),   g_loss = psi theta   (G minimises f).
 */
#include "litgan.h"

/* (1, 1): psi * theta */
static lg_node *payoff(lg_game *g)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *zero = lg_fill(t, 1, 1, 0.0);
    lg_node *theta = lg_apply(g, LG_NET_G, zero);
    return lg_sub(t, lg_apply(g, LG_NET_D, theta), lg_apply(g, LG_NET_D, zero));
}

static lg_node *d_loss(lg_game *g, const lg_params *p) { return lg_neg(lg_game_tape(g), payoff(g)); }
static lg_node *g_loss(lg_game *g, const lg_params *p) { return payoff(g); }

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "reg_bilinear",
    .title = "Test loss: the bilinear game psi * theta (D maximises, G minimises)",
    .citation = "Mescheder, Nowozin, Geiger 2017, The Numerics of GANs (bilinear example); litgan test",
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
