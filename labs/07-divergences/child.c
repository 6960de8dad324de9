/*
 * child.c - Lab 07's computations with student code, run by the runner (a
 * fresh process that holds nothing of the grader): lsgan.c's objective and
 * gradient on a probe's game with given a, b, c; a short training run of
 * lsgan.c on ring8; the divergences of divergences.c on given distributions.
 * They return numbers only; grade.c and refs.c hold the expected values.
 */
#include "lab07.h"

/* The player's objective, then its gradient with respect to every parameter
 * of the game ([theta_D, theta_G]). */
static int lsgan(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab07_probe_arg *a = arg;
    const lg_plugin *pl = lg_child_plugin(c, "lsgan.c");
    if (!pl)
        return -1;
    if (pl->kind != LG_PLUGIN_KIND_LOSS || !pl->d_loss || !pl->g_loss) {
        lg_child_fail(c, "lsgan.c: the descriptor is not a loss plugin with d_loss and g_loss");
        return -1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = NULL;
    int rc = -1;
    if (lg_lab07_probe_game(&a->pr, rng, &g) != LG_OK) {
        lg_child_fail(c, "grader: cannot build the probe game: %s", lg_errmsg());
        goto out;
    }
    size_t n = lg_game_param_count(g);
    char kv[sizeof a->kv];
    memcpy(kv, a->kv, sizeof kv);
    kv[sizeof kv - 1] = '\0';
    if (n + 1 > max)
        lg_child_fail(c, "grader: %zu parameters do not fit in %zu values", n, max);
    else if (lg_game_set_loss_desc(g, pl, kv) != LG_OK)
        lg_child_fail(c, "lsgan.c: %s", lg_errmsg());
    else if (lg_game_eval(g, a->pr.player, &out[0], NULL) != LG_OK)
        lg_child_fail(c, "%s", lg_errmsg());
    else if (lg_game_loss_grad(g, a->pr.player, out + 1) != LG_OK)
        lg_child_fail(c, "the gradient failed: %s", lg_errmsg());
    else
        rc = (int)(n + 1); /* NaN and Inf go back as they are: the grader names them */
out:
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc;
}

/* A short run on ring8 (lg_lab07_train): sliced W1, modes, high-quality share. */
static int train(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_plugin *pl = lg_child_plugin(c, "lsgan.c");
    if (!pl)
        return -1;
    lg_lab07_train_arg a = *(const lg_lab07_train_arg *)arg;
    a.kv[sizeof a.kv - 1] = '\0';
    if (max < LG_LAB07_TRAIN_OUT || a.steps < 0 || a.steps > 100000) {
        lg_child_fail(c, "grader: a run of %ld steps, %zu values", a.steps, max);
        return -1;
    }
    if (lg_lab07_train(pl, &a, out) != LG_OK) {
        lg_child_fail(c, "lsgan.c: training failed: %s", lg_errmsg());
        return -1;
    }
    return LG_LAB07_TRAIN_OUT;
}

/* Each divergence of divergences.c on (p, q): JS, then LSGAN's criterion with
 * the given a, b, c. */
static int divergences(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_lab07_div_arg *a = arg;
    lg_lab07_js_fn js = (lg_lab07_js_fn)lg_child_sym(c, "divergences.c", "lab07_js");
    lg_lab07_ls_fn ls = (lg_lab07_ls_fn)lg_child_sym(c, "divergences.c", "lab07_lsgan_criterion");
    if (!js || !ls)
        return -1;
    if (a->n < 1 || a->n > LG_LAB07_DIV_MAX || max < 2) {
        lg_child_fail(c, "grader: %zu points, %zu values", a->n, max);
        return -1;
    }
    /* the student's own copy (read-only input is the grader's), with unequal
     * probabilities past the last point: a loop that runs one point too far
     * adds a term that shows */
    static lg_lab07_div_arg in;
    for (int k = 0; k < 2; k++) {
        in = *a;
        for (size_t i = a->n; i < LG_LAB07_DIV_MAX; i++) {
            in.p[i] = 0.25;
            in.q[i] = 0.75;
        }
        out[k] = k == 0 ? js(in.p, in.q, in.n) : ls(in.p, in.q, in.n, in.abc.a, in.abc.b, in.abc.c);
    }
    return 2;
}

static const lg_child_def defs[] = { { "lsgan", lsgan }, { "train", train }, { "divergences", divergences } };

static const lg_lab_children children = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_children),
    .dir = LG_LAB_NAME,
    .defs = defs,
    .n_defs = sizeof defs / sizeof defs[0],
};

LG_LAB_EXPORT const lg_lab_children *litgan_lab_child_entry(void) { return &children; }
