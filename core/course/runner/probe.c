/*
 * probe.c - the runner's built-in computation LG_PROBE_CHILD: a student's loss
 * plugin on the game of a probe (probe_game.c), its objective and its
 * gradient with respect to every parameter, in the game's order.
 */
#include "runner.h"
#include "lg_course.h"

#include <gsl/gsl_rng.h>

/* In the sandboxed child: the student's objective and its gradient. */
int lg_probe_child(lg_child *c, const void *arg, double *out, size_t max)
{
    const lg_probe *pr = arg;
    const lg_plugin *pl = lg_child_plugin(c, pr->file);
    if (!pl)
        return -1;
    if (pl->kind != LG_PLUGIN_KIND_LOSS || !pl->d_loss || !pl->g_loss) {
        lg_child_fail(c, "%s: the descriptor is not a loss plugin with d_loss and g_loss", pr->file);
        return -1;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g;
    if (lg_probe_game(pr, rng, &g) != LG_OK) {
        lg_child_fail(c, "grader: cannot build the probe game: %s", lg_errmsg());
        gsl_rng_free(rng);
        return -1;
    }
    int rc = -1;
    size_t n = lg_game_param_count(g);
    if (lg_game_set_loss_desc(g, pl, "") != LG_OK) {
        lg_child_fail(c, "%s: %s", pr->file, lg_errmsg());
    } else if (n + 1 > max) {
        lg_child_fail(c, "grader: %zu parameters do not fit in %zu values", n, max);
    } else if (lg_game_eval(g, pr->player, &out[0], NULL) != LG_OK) {
        lg_child_fail(c, "%s", lg_errmsg());
    } else if (lg_game_loss_grad(g, pr->player, out + 1) != LG_OK) {
        lg_child_fail(c, "the gradient failed: %s", lg_errmsg());
    } else {
        /* NaN and Inf go back as they are: the grader compares them with the
         * expected values and names the mistake (log of a probability that
         * rounded to 0, usually) */
        rc = (int)(n + 1);
    }
    lg_game_free(g);
    gsl_rng_free(rng);
    return rc;
}
