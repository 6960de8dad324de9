/*
 * consensus.c - consensus optimization (Mescheder, Nowozin and Geiger 2017, The
 * Numerics of GANs, NeurIPS: consensus optimization, Algorithm 2).
 *
 * The game. Each player minimises its own objective (litgan's convention): D
 * minimises f_D(theta_D, theta_G), G minimises f_G(theta_D, theta_G). Game vectors
 * are ordered [theta_D, theta_G] (theta_G includes the encoder E when present).
 * Simultaneous gradient descent, theta <- theta - h v, follows the vector field
 *
 *   v = ( nabla_D f_D , nabla_G f_G )
 *
 * which is what the nets' gradient buffers hold after both players' backward in a
 * simultaneous step. v is not the gradient of anything in general: near a Nash
 * equilibrium its Jacobian J = dv/dtheta can have eigenvalues with zero or tiny
 * real part, and the iterates circle (or spiral out of) the equilibrium.
 *
 * The fix. L = 1/2 ||v||^2 vanishes exactly at the stationary points of v and
 * nabla L = J^T v. Consensus optimization follows v + gamma nabla L:
 *
 *   v <- v + gamma J^T v                                              (1)
 *
 * (The paper maximises payoffs and writes w = v - gamma nabla L for the ascent
 * field; with descent on both players' objectives the sign of the correction is +.)
 *
 * J^T v from two Hessian-vector products. Write H^XY_f = d^2 f / dtheta_X dtheta_Y
 * (rows X, columns Y; H^XY = (H^YX)^T). Row block D of J differentiates v_D =
 * nabla_D f_D, row block G differentiates v_G = nabla_G f_G:
 *
 *   J   = [ H^DD_fD  H^DG_fD ]        J^T = [ H^DD_fD  H^DG_fG ]
 *         [ H^GD_fG  H^GG_fG ]              [ H^GD_fD  H^GG_fG ]
 *
 *   J^T v = ( H^DD_fD v_D + H^DG_fG v_G ,  H^GD_fD v_D + H^GG_fG v_G ).
 *
 * The full Hessian of f_D applied to (v_D, 0) is (H^DD_fD v_D, H^GD_fD v_D), that
 * of f_G applied to (0, v_G) is (H^DG_fG v_G, H^GG_fG v_G); their sum is J^T v:
 *
 *   J^T v = H_{f_D} (v_D, 0) + H_{f_G} (0, v_G)                        (2)
 *
 * two calls of lg_game_hvp (central differences of gradients, about 1e-8 relative).
 * Zero-sum special case, f_G = -f_D =: -f:  J^T v = H_f (v_D, 0) - H_f (0, v_G)
 * = H_f (v_D, -v_G), with f D's objective.
 *
 * Example (the bilinear game of tests/test_regs.c): f_D = -psi theta, f_G = psi theta
 * (psi D's parameter, theta G's), so v = (-theta, psi), J = [[0, -1], [1, 0]] with
 * eigenvalues +-i: plain simultaneous steps multiply ||(psi, theta)|| by
 * sqrt(1 + h^2) > 1 each step. J^T v = (psi, theta), and with (1) the step matrix is
 * I - h [[gamma, -1], [1, gamma]], which contracts by sqrt((1 - h gamma)^2 + h^2).
 *
 * Conventions
 *   - adjust_grads runs after both players' backward of a simultaneous step; it
 *     needs both gradients at the same point, so the plugin's runner defaults are
 *     "--simultaneous". In an alternating step the hook is first called after the
 *     discriminator's backward alone (lg_game_player(g) == LG_PLAYER_D, while a
 *     simultaneous step calls it after the generator's): it then stops the run
 *     with a message instead of using a stale v_G.
 *   - The paper's experiments use RMSProp with lr 1e-4 and gamma = 10.
 *
 * Parameters: gamma (default 10).
 * Lab 04, Task 4.3 (labs/04-numerics/README.md): adjust_grads.
 */
#include "litgan.h"

#include <string.h>

static const lg_param_doc params[] = {
    { "gamma", LG_PARAM_TYPE_DOUBLE, "10", "[0, 1e4]", "weight of the consensus term: v <- v + gamma J^T v" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

/* Alternative (Task 4.3): one pass over the game's vector through a table of the three
 * blocks (D, G, E) instead of three loops; J^T v accumulated into hD before the update. */
static int adjust_grads(lg_game *g, const lg_params *p)
{
    if (lg_game_simultaneous(g) == 0) {
        lg_game_fail(g, "consensus: the hook needs both gradients at one point, so run with simultaneous steps");
        return 1;
    }
    const double gamma = lg_param_double(p, "gamma");
    size_t n = lg_game_param_count(g), len[3];
    double *blk[3] = { lg_game_grads(g, LG_NET_D, &len[0]), lg_game_grads(g, LG_NET_G, &len[1]),
                       lg_game_grads(g, LG_NET_E, &len[2]) };
    if (!blk[2])
        len[2] = 0;
    double *u = lg_game_work(g, 3 * n);
    if (!u) {
        lg_game_fail(g, "consensus: no memory for J^T v");
        return 1;
    }
    double *hD = u + n, *hG = u + 2 * n;
    size_t off = 0;
    for (int b = 0; b < 3; b++) /* u = (v_D, 0, 0) */
        for (size_t i = 0; i < len[b]; i++)
            u[off++] = b == 0 ? blk[b][i] : 0.0;
    if (lg_game_hvp(g, LG_PLAYER_D, u, hD) != 0)
        return 1;
    off = 0;
    for (int b = 0; b < 3; b++) /* u = (0, v_G, v_E) */
        for (size_t i = 0; i < len[b]; i++)
            u[off++] = b == 0 ? 0.0 : blk[b][i];
    if (lg_game_hvp(g, LG_PLAYER_G, u, hG) != 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        hD[i] += hG[i];
    off = 0;
    for (int b = 0; b < 3; b++)
        for (size_t i = 0; i < len[b]; i++, off++)
            blk[b][i] = blk[b][i] + gamma * hD[off];
    return 0;
}

static const lg_plugin plugin = {
    .abi_version = LG_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(lg_plugin),
    .kind = LG_PLUGIN_KIND_REG,
    .name = "consensus",
    .title = "Consensus optimization: v <- v + gamma J^T v, v the game's gradient field",
    .citation = "Mescheder, Nowozin, Geiger 2017, The Numerics of GANs, NeurIPS, Algorithm 2 (consensus optimization)",
    .params = params,
    .adjust_grads = adjust_grads,
    .defaults = "--simultaneous",
};

LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }
