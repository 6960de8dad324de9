/* concat-columns: d_loss as one mean over the (B, 2) block [s_r - b, s_f - a] (the
 * mean of B x 2 squares is the average of the two means, so the 1/2 is built in);
 * g_loss as a mean of 1/2 (s - c)^2 per sample. */
#include "litgan.h"

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *sr = lg_shift(t, lg_apply(g, LG_NET_D, lg_game_real(g)), -lg_param_double(p, "b"));
    lg_node *sf = lg_shift(t, lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))), -lg_param_double(p, "a"));
    return lg_mean(t, lg_square(t, lg_concat(t, sr, sf)));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *sf = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_scale(t, lg_square(t, lg_shift(t, sf, -lg_param_double(p, "c"))), 0.5));
}

static const lg_param_doc params[] = {
    { "a", LG_PARAM_TYPE_DOUBLE, "-1", "[-1e3, 1e3]", "D's target for fake samples" },
    { "b", LG_PARAM_TYPE_DOUBLE, "1", "[-1e3, 1e3]", "D's target for real samples" },
    { "c", LG_PARAM_TYPE_DOUBLE, "0", "[-1e3, 1e3]", "the score G wants D to give its samples" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin), .kind = LG_PLUGIN_KIND_LOSS,
    .name = "lsgan", .title = "Least-squares GAN", .citation = "Mao et al. 2017, Eq. 2",
    .params = params, .d_loss = d_loss, .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
