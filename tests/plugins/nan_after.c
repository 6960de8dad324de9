/*
 * nan_after.c - a test loss that behaves like nsgan until its d_loss has been
 * built `calls` times, then poisons either the loss value (what=loss: adds
 * log(-1) = NaN) or only a gradient (what=grad: adds 0 * sqrt(s - s), whose
 * value is 0 but whose derivative is 0 * inf = NaN). Used to prove the runner
 * stops, names the step and the quantity, and keeps the last good checkpoint.
 */
#include "litgan.h"
#include <string.h>

static long calls;

static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    lg_node *loss = lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                              lg_mean(t, lg_softplus(t, s_fake)));
    if (++calls <= lg_param_int(p, "calls"))
        return loss;
    if (strcmp(lg_param_str(p, "what"), "loss") == 0)
        return lg_add(t, loss, lg_log(t, lg_fill(t, 1, 1, -1.0)));
    lg_node *zero = lg_sqrt(t, lg_sub(t, s_real, s_real));
    return lg_add(t, loss, lg_scale(t, lg_mean(t, zero), 0.0));
}

static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    (void)p;
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));
}

static const lg_param_doc params[] = {
    { "calls", LG_PARAM_TYPE_INT, "50", NULL, "healthy d_loss builds before the poison" },
    { "what", LG_PARAM_TYPE_CHOICE, "loss", "loss|grad", "poison the loss value or a gradient" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "nan_after",
    .title = "Test loss that turns NaN after a number of calls",
    .citation = "litgan test fixture",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
