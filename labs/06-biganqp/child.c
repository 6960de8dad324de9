/*
 * child.c - Lab 06's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): biganqp.c's objectives and
 * their gradients on a game with an encoder built by hand (Tasks 6.1, 6.2),
 * and the reconstruction errors of recon.c (Task 6.3). They return numbers
 * only; grade.c and refs.c hold the expected values.
 */
#include "lab06.h"

#include <stdio.h>

/* The player's objective from the student's biganqp.c, then its gradient
 * [theta_D, theta_G, theta_E]: lg_game_eval, as the runner's step sees it. */
static int game(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab06_game_arg *a = arg;
    const lg_plugin *loss = lg_child_plugin(c, "biganqp.c");
    if (!loss)
        return -1;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_net *G, *D, *E;
    lg_game *g = NULL;
    char kv[160];
    lg_lab06_kv(a, kv, sizeof kv);
    int rc = -1;
    if (lg_lab06_nets(a, &G, &D, &E) != LG_OK || lg_game_alloc(G, D, E, a->batch, rng, &g) != LG_OK) {
        lg_child_fail(c, "grader: cannot build the game: %s", lg_errmsg());
        goto out;
    }
    if (lg_game_set_loss_desc(g, loss, kv) != LG_OK) {
        lg_child_fail(c, "biganqp.c: %s", lg_errmsg());
        goto out;
    }
    gsl_matrix *xr = lg_game_real_batch(g), *z = lg_game_noise_batch(g);
    for (size_t i = 0; i < xr->size1 * xr->size2; i++)
        xr->data[i] = a->x_real[i];
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = a->z[i];
    size_t n = lg_game_param_count(g);
    if (n + 1 > max) {
        lg_child_fail(c, "grader: %zu values do not fit in %zu", n + 1, max);
        goto out;
    }
    if (lg_game_eval(g, a->player, &out[0], out + 1) != LG_OK) {
        lg_child_fail(c, "%s", lg_errmsg());
        goto out;
    }
    rc = (int)(n + 1);
out:
    lg_game_free(g); /* it owns the nets */
    gsl_rng_free(rng);
    return rc;
}

/* The error of all the images, then of each class, then what lies just past the
 * classes: k + 2 values. */
static int recon(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab06_recon_arg *a = arg;
    lg_lab06_recon_fn f = (lg_lab06_recon_fn)lg_child_sym(c, "recon.c", "lab06_recon_error");
    lg_lab06_by_class_fn fc = (lg_lab06_by_class_fn)lg_child_sym(c, "recon.c", "lab06_recon_by_class");
    if (!f || !fc)
        return -1;
    if (a->n > LG_LAB06_RECON_N || a->dim > LG_LAB06_RECON_DIM || a->k > LG_LAB06_RECON_K || a->k + 2 > max) {
        lg_child_fail(c, "grader: the input does not fit");
        return -1;
    }
    out[0] = f(a->x, a->y, a->n, a->dim);
    /* what a function that forgets a class leaves, and the value just past out[k - 1],
     * which the function must not write */
    for (size_t i = 0; i <= a->k; i++)
        out[1 + i] = LG_LAB06_UNTOUCHED;
    fc(a->x, a->y, a->labels, a->n, a->dim, a->k, out + 1);
    return (int)(a->k + 2);
}

static const lg_child_def defs[] = { { "game", game }, { "recon", recon } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
