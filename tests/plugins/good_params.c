/* good_params.c - a valid loss plugin with one parameter of each type (the loader tests' control). */
#include "litgan.h"

/* The non-saturating GAN (Goodfellow et al. 2014, Sec. 3) on logits s:
 *   D minimises mean softplus(-s_real) + mean softplus(s_fake)   [-log sigmoid(s) = softplus(-s)]
 *   G minimises mean softplus(-s_fake)                           [-log D(G(z))]
 * The parameters below only exist to be parsed; the objectives ignore them. */

/* s_real: (B,1), s_fake: (B,1) -> (1,1) */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                     lg_mean(t, lg_softplus(t, s_fake)));
}

/* s_fake: (B,1) -> (1,1) */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));
}

static const lg_param_doc params[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", NULL, "a weight (unused)" },
    { "k", LG_PARAM_TYPE_INT, "5", NULL, "a count (unused)" },
    { "metric", LG_PARAM_TYPE_CHOICE, "l1", "l1|l2", "a distance (unused)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

/* What a range cannot say: refused past 1000 (the loader tests' check of check_params). */
static const char *check_params(const lg_params *p)
{
    return lg_param_int(p, "k") <= 1000 ? NULL : "k must be at most 1000";
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "good_params",
    .title = "Non-saturating GAN with test parameters",
    .citation = "Goodfellow et al. 2014, Generative Adversarial Nets, NeurIPS, Sec. 3",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .check_params = check_params,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
