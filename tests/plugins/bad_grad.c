/* bad_grad.c - WRONG: g_loss detaches s_fake by copying its value into a constant, so its gradient is half the true one. */
#include "litgan.h"

/* d_loss is the correct non-saturating D objective (Goodfellow et al. 2014, Sec. 3):
 *   mean softplus(-s_real) + mean softplus(s_fake).
 *
 * g_loss is meant to be f = mean(s_fake^2) (a least-squares-like pull of the
 * logits to 0), but it is written as mean(s_fake * c) with c = a constant leaf
 * holding the current VALUE of s_fake. The value is right (c = s_fake), but the
 * tape sees c as a constant, so the analytic gradient is
 *   mean(c * ds) = mean(s_fake * ds)      instead of      mean(2 s_fake * ds),
 * exactly half the true gradient. lg_stop_gradient would be replayed by the
 * checker; a copy through lg_value/lg_const cannot be, so centred differences
 * see the full derivative and the relative error of every g_loss block is
 * |a - 2a| / |2a| = 1/2. */

/* s_real: (B,1), s_fake: (B,1) -> (1,1) */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))),
                     lg_mean(t, lg_softplus(t, s_fake)));
}

/* s_fake: (B,1), c: (B,1) a copy of its value -> (1,1) */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    if (!s_fake)
        return NULL;
    lg_node *c = lg_const(t, lg_value(s_fake)); /* the bug: a detached copy */
    return lg_mean(t, lg_mul(t, s_fake, c));
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "bad_grad",
    .title = "A loss whose generator gradient is half the true one",
    .citation = "litgan test suite (a deliberately wrong gradient)",
    .d_loss = d_loss,
    .g_loss = g_loss,
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
