/* entropy-form: the squares expanded, (s - t)^2 = s^2 - 2 t s + t^2, with the constant
 * t^2 added as a shift of the mean; the 1/2 folded into the scales. */
#include "litgan.h"

static lg_node *half_mean_sq_dist(lg_tape *t, lg_node *s, double v)
{
    lg_node *q = lg_sub(t, lg_scale(t, lg_square(t, s), 0.5), lg_scale(t, s, v)); /* s^2/2 - v s */
    return lg_shift(t, lg_mean(t, q), 0.5 * v * v);
}

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *sr = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *sf = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, half_mean_sq_dist(t, sr, lg_param_double(p, "b")), half_mean_sq_dist(t, sf, lg_param_double(p, "a")));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *sf = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return half_mean_sq_dist(t, sf, lg_param_double(p, "c"));
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
