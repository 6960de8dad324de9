/*
 * exp_loss.c - BiGAN-QP as plugins/biganqp.c computes it, with where the
 * guidance terms stop the gradient as a parameter: stop = both (the paper's:
 * z - E(G_ng(z)) trains E, x - G(E_ng(x)) trains G) or stop = none (each term
 * trains both networks). The ablation "no stop-gradient" of `litgan lab 06`
 * installs it on a run opened with the student's biganqp.c
 * (lg_game_set_loss_desc), so that the student's file stays the one with the
 * paper's stops and this file is the lab's, not the student's.
 */
#include "exp.h"

#include <string.h>

static lg_node *critic(lg_game *g, lg_node *x, lg_node *z)
{
    return lg_apply(g, LG_NET_D, lg_concat(lg_game_tape(g), x, z));
}

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *x = lg_game_real(g), *z = lg_game_noise(g);
    lg_node *zr = lg_apply(g, LG_NET_E, x), *xf = lg_apply(g, LG_NET_G, z);
    lg_node *delta = lg_sub(t, critic(g, x, zr), critic(g, xf, z));
    lg_node *dx = lg_mean_rows(t, lg_abs(t, lg_sub(t, x, xf)));
    lg_node *dz = lg_mean_rows(t, lg_abs(t, lg_sub(t, zr, z)));
    lg_node *d = lg_scale(t, lg_add(t, dx, dz), lg_param_double(p, "lambda"));
    lg_node *quad = lg_div(t, lg_square(t, delta), lg_scale(t, d, 2.0));
    return lg_mean(t, lg_sub(t, quad, delta));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    int stop = !strcmp(lg_param_str(p, "stop"), "both");
    lg_node *x = lg_game_real(g), *z = lg_game_noise(g);
    lg_node *zr = lg_apply(g, LG_NET_E, x), *xf = lg_apply(g, LG_NET_G, z);
    lg_node *delta = lg_sub(t, critic(g, x, zr), critic(g, xf, z));
    lg_node *z_rec = lg_apply(g, LG_NET_E, stop ? lg_stop_gradient(t, xf) : xf);
    lg_node *x_rec = lg_apply(g, LG_NET_G, stop ? lg_stop_gradient(t, zr) : zr);
    lg_node *guide_z = lg_mean(t, lg_square(t, lg_sub(t, z, z_rec)));
    lg_node *guide_x = lg_mean(t, lg_square(t, lg_sub(t, x, x_rec)));
    return lg_add(t, lg_mean(t, delta), lg_add(t, lg_scale(t, guide_z, lg_param_double(p, "beta1")),
                                               lg_scale(t, guide_x, lg_param_double(p, "beta2"))));
}

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", "[1e-3, 1e4]", "the joint distance's factor" },
    { "beta1", LG_PARAM_TYPE_DOUBLE, "2", "[0, 1e4]", "weight of the latent guidance" },
    { "beta2", LG_PARAM_TYPE_DOUBLE, "3", "[0, 1e4]", "weight of the image guidance" },
    { "stop", LG_PARAM_TYPE_CHOICE, "both", "both|none", "both: the paper's stops; none: each term trains G and E" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

const lg_plugin exp_biganqp_stops = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "biganqp-stops",
    .title = "BiGAN-QP with the guidance terms' stop-gradients as a parameter (Lab 06's ablation)",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .flags = LG_PLUGIN_FLAG_ENCODER,
};
