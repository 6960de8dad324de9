/* mul-per-term: each square as a product (lg_mul of a difference with itself), the 1/2 on
 * each mean separately, the targets subtracted as constant-shifted nodes with lg_sub of
 * a zero-scaled copy (a node equal to the target on every row). */
#include "litgan.h"

/* a (B,1) node of the target value on every row, no gradient of its own */
static lg_node *target_like(lg_tape *t, lg_node *s, double v)
{
    return lg_shift(t, lg_stop_gradient(t, lg_scale(t, s, 0.0)), v);
}

static lg_node *half_mse(lg_tape *t, lg_node *s, double v)
{
    lg_node *d = lg_sub(t, s, target_like(t, s, v));
    return lg_scale(t, lg_mean(t, lg_mul(t, d, d)), 0.5);
}

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *fake = lg_apply(g, LG_NET_G, lg_game_noise(g));
    lg_node *real_part = half_mse(t, lg_apply(g, LG_NET_D, lg_game_real(g)), lg_param_double(p, "b"));
    lg_node *fake_part = half_mse(t, lg_apply(g, LG_NET_D, fake), lg_param_double(p, "a"));
    return lg_add(t, fake_part, real_part);
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return half_mse(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))), lg_param_double(p, "c"));
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
