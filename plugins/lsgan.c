/*
 * lsgan.c - the least-squares GAN (Mao et al. 2017, Eq. 2, the a-b-c coding).
 * Lab 07, Task 7.1 (labs/07-divergences/README.md).
 *
 * D outputs a raw score s (no sigmoid); a and b are the targets D gives fakes
 * and reals, c the value G wants D to give its fakes:
 *
 *   min_D  1/2 E_x[(D(x) - b)^2] + 1/2 E_z[(D(G(z)) - a)^2]
 *   min_G  1/2 E_z[(D(G(z)) - c)^2]
 *
 * Each objective is what its player MINIMISES; expectations are batch means.
 * With b - c = 1 and b - a = 2 (a = -1, b = 1, c = 0, the paper's Eq. 8) G
 * minimises the Pearson chi^2 divergence between p_data + p_g and 2 p_g; the
 * 0-1 coding a = 0, b = c = 1 (Eq. 9) makes G aim at D's label of the reals.
 * The squares never saturate: a fake on the right side of the boundary but far
 * from c is still pulled, in proportion to its distance.
 *
 * Parameters: a = -1, b = 1, c = 0 (any finite numbers in [-1e3, 1e3]).
 * Runner defaults: Adam(lr 2e-4, b1 0.5) for both players, one D step per G step.
 */
#include "litgan.h"

/* REGION d_loss */
/* The discriminator's objective: 1/2 mean (s_real - b)^2 + 1/2 mean (s_fake - a)^2. */
static lg_node *d_loss(lg_game *g, const lg_params *p)
{
    /* BEGIN SOLUTION Task 7.1 */
    lg_tape *t = lg_game_tape(g);
    double a = lg_param_double(p, "a"), b = lg_param_double(p, "b");
    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));                           /* (B,1) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));   /* (B,1) */
    lg_node *real_term = lg_mean(t, lg_square(t, lg_shift(t, s_real, -b)));             /* (1,1) */
    lg_node *fake_term = lg_mean(t, lg_square(t, lg_shift(t, s_fake, -a)));             /* (1,1) */
    return lg_scale(t, lg_add(t, real_term, fake_term), 0.5);                          /* (1,1) */
    /* END SOLUTION */
    /* STUB (void)p; return lg_todo_node(g, "Task 7.1"); */
}
/* END REGION */

/* REGION g_loss */
/* The generator's objective: 1/2 mean (s_fake - c)^2. */
static lg_node *g_loss(lg_game *g, const lg_params *p)
{
    /* BEGIN SOLUTION Task 7.1 */
    lg_tape *t = lg_game_tape(g);
    double c = lg_param_double(p, "c");
    lg_node *x_fake = lg_apply(g, LG_NET_G, lg_game_noise(g));          /* (B, x_dim) */
    lg_node *s_fake = lg_apply(g, LG_NET_D, x_fake);                    /* (B,1), D's raw score */
    return lg_scale(t, lg_mean(t, lg_square(t, lg_shift(t, s_fake, -c))), 0.5); /* (1,1) */
    /* END SOLUTION */
    /* STUB (void)p; return lg_todo_node(g, "Task 7.1"); */
}
/* END REGION */

static const lg_param_doc params[] = {
    { "a", LG_PARAM_TYPE_DOUBLE, "-1", "[-1e3, 1e3]", "D's target for fake samples" },
    { "b", LG_PARAM_TYPE_DOUBLE, "1", "[-1e3, 1e3]", "D's target for real samples" },
    { "c", LG_PARAM_TYPE_DOUBLE, "0", "[-1e3, 1e3]", "the score G wants D to give its samples" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
};

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_LOSS,
    .name = "lsgan",
    .title = "Least-squares GAN: D regresses to b (real) and a (fake), G to c",
    .citation = "Mao et al. 2017, Least Squares Generative Adversarial Networks, ICCV, Eq. 2 and 8",
    .params = params,
    .d_loss = d_loss,
    .g_loss = g_loss,
    .defaults = "--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
