/* backward-loops: the residuals as lg_sub of the score and lg_shift(0 * s, target);
 * g_loss with lg_abs squared; the D terms averaged with lg_scale(0.5) each. */
#include "litgan.h"

static lg_node *resid(lg_tape *t, lg_node *s, double target)
{
    return lg_shift(t, s, -target);
}

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    double a = lg_param_double(p, "a"), b = lg_param_double(p, "b");
    lg_node *xf = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *r_real = resid(t, lg_apply(g, LG_NET_D, lg_game_real(g)), b);
    lg_node *r_fake = resid(t, lg_apply(g, LG_NET_D, xf), a);
    return lg_add(t, lg_scale(t, lg_mean(t, lg_square(t, r_real)), 0.5), lg_scale(t, lg_mean(t, lg_square(t, r_fake)), 0.5));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *r = resid(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))), lg_param_double(p, "c"));
    lg_node *sq = lg_square(t, lg_abs(t, r));
    return lg_scale(t, lg_mean(t, sq), 0.5);
}

static const lg_param_doc params[] = {
    { "a", LG_PARAM_TYPE_DOUBLE, "-1", "[-1e3, 1e3]", "fake target" },
    { "b", LG_PARAM_TYPE_DOUBLE, "1", "[-1e3, 1e3]", "real target" },
    { "c", LG_PARAM_TYPE_DOUBLE, "0", "[-1e3, 1e3]", "G's target" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin), .kind = LG_PLUGIN_KIND_LOSS,
    .name = "lsgan", .title = "Least-squares GAN", .citation = "Mao et al. 2017",
    .params = params, .d_loss = d_loss, .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
