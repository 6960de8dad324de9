/*
 * run.c - a training run's steps: the generator step with its critic steps
 * (each a game step, step.c) and the run's words for their failures, samples
 * of G and of the data, and evaluation. Opening a run
 * (plugins, data, nets, optimizers, resume, its folder): run_open.c; the log,
 * the progress line and the whole training loop: run_log.c; the options:
 * run_config.c.
 */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

typedef struct lg_run run;

static const char *player_name(lg_player p) { return p == LG_PLAYER_D ? "discriminator" : "generator"; }

/* NaN/Inf guard: names the step, the quantity, and what to try (hint). */
static int nonfinite(run *r, const char *what, const char *hint)
{
    if (r->ckpt_step >= 0)
        return lg_seterr(LG_ENONFINITE, "step %ld: %s is not finite; stopped (%s). The last good "
                         "checkpoint (step %ld) is kept in %s", r->step + 1, what, hint, r->ckpt_step,
                         r->path_ckpt);
    return lg_seterr(LG_ENONFINITE, "step %ld: %s is not finite; stopped before any checkpoint (%s)",
                     r->step + 1, what, hint);
}

static void sample_batches(run *r)
{
    double t0 = lg_now();
    r->ds->sample(r->ds, r->rng, r->g.real);
    gsl_matrix *z = r->g.noise;
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r->rng, 1.0);
    lg_game_new_step(&r->g);
    r->t_data += lg_now() - t0;
}

/* The runner's words for a failed game step: the step, the checkpoint kept,
 * and the option to change, from the facts the game left in g.fault. A
 * failure without a fault (an objective that could not be built) keeps the
 * game's message. */
static int step_failed(run *r, int rc)
{
    const lg_step_fault *f = &r->g.fault;
    lg_player p = f->player;
    const lg_net *n = r->g.net[f->net];
    char what[256];
    switch (f->kind) {
    case LG_FAULT_HOOK:
        return lg_seterr(LG_EPLUGIN, "regularizer %s: %s failed at step %ld: %s", f->reg, f->hook,
                         r->step + 1, f->reason);
    case LG_FAULT_LOSS:
        snprintf(what, sizeof what, "the %s loss (%g)", player_name(p), f->value);
        return nonfinite(r, what, "lower the learning rate or check the plugin");
    case LG_FAULT_GRAD:
        snprintf(what, sizeof what, "a gradient of the %s's parameters (network %s)", player_name(p), n->spec);
        return nonfinite(r, what, "lower the learning rate or check the plugin");
    case LG_FAULT_PARAM: {
        char hint[LG_NAME_MAX + 160];
        const char *opt = f->net == LG_NET_D ? "--opt-d" : "--opt-g";
        snprintf(what, sizeof what, "a parameter of the %s (network %s) after its %s update",
                 player_name(p), n->spec, opt);
        snprintf(hint, sizeof hint, "check %s %s: a learning rate too large, or eps=0 dividing by a zero "
                 "second moment", opt, f->net == LG_NET_D ? r->c.opt_d : r->c.opt_g);
        return nonfinite(r, what, hint);
    }
    case LG_FAULT_NONE:
        break;
    }
    return rc;
}

static int game_step(run *r, lg_player p)
{
    int rc = lg_game_step(&r->g, p, r->opt);
    return rc == LG_OK ? LG_OK : step_failed(r, rc);
}

/* Discriminator steps alone; before the first generator step there are
 * --d-pretrain more (a strong discriminator to start from, as in Lab 02). */
static int d_steps(run *r, long k_steps)
{
    int rc;
    for (long k = 0; k < k_steps; k++) {
        sample_batches(r);
        if ((rc = game_step(r, LG_PLAYER_D)) != LG_OK)
            return rc;
    }
    return LG_OK;
}

static int alternating_step(run *r)
{
    int rc;
    r->g.n_log = 0; /* what either player logs in this step */
    lg_game_set_simultaneous(&r->g, false);
    if ((rc = d_steps(r, r->c.d_steps + (r->step == 0 ? r->c.d_pretrain : 0))) != LG_OK)
        return rc;
    sample_batches(r);
    return game_step(r, LG_PLAYER_G);
}

/* Both players from the same point (lg_game_step with simultaneous on); the
 * --d-pretrain steps of D before the first are alternating ones. */
static int simultaneous_step(run *r)
{
    int rc;
    r->g.n_log = 0;
    if (r->step == 0) {
        lg_game_set_simultaneous(&r->g, false);
        if ((rc = d_steps(r, r->c.d_pretrain)) != LG_OK)
            return rc;
    }
    lg_game_set_simultaneous(&r->g, true);
    sample_batches(r);
    return game_step(r, LG_PLAYER_D);
}

/* ------------------------------------------------------ samples --- */

/* n samples of G in eval mode (BatchNorm uses running statistics), drawn from
 * a separate generator seeded from the run's seed so evaluation never moves
 * the training stream. G runs on EVAL_ROWS rows at a time on a tape the run
 * keeps: a log row after the first allocates nothing of G's size, and what it
 * keeps does not grow with --samples. */
enum { EVAL_ROWS = 256 };

gsl_matrix *lg_run_generate(lg_run *r, size_t n, unsigned long salt)
{
    lg_net *G = r->g.net[LG_NET_G];
    gsl_rng *er = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(er, lg_seed_stream(r->c.seed, salt));
    if (r->eval_z && (r->eval_z->size1 != n || r->eval_z->size2 != G->in_dim)) {
        gsl_matrix_free(r->eval_z);
        r->eval_z = NULL;
    }
    if (!r->eval_z)
        r->eval_z = gsl_matrix_alloc(n, G->in_dim);
    gsl_matrix *z = r->eval_z;
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(er, 1.0);
    gsl_rng_free(er);
    if (!r->eval_tape)
        r->eval_tape = lg_tape_alloc();
    gsl_matrix *out = gsl_matrix_alloc(n, G->out_dim);
    for (size_t i0 = 0; i0 < n; i0 += EVAL_ROWS) { /* G in eval mode: each row its own */
        size_t rows = n - i0 < EVAL_ROWS ? n - i0 : EVAL_ROWS;
        gsl_matrix_view zi = gsl_matrix_submatrix(z, i0, 0, rows, z->size2);
        gsl_matrix_view yi = gsl_matrix_submatrix(out, i0, 0, rows, out->size2);
        lg_net_forward_on(r->eval_tape, G, &zi.matrix, &yi.matrix);
    }
    return out;
}

unsigned long lg_seed_stream(long seed, unsigned long stream)
{
    return (unsigned long)seed * 1000003ul + stream;
}

/* n real samples from stream 3 of seed (never the training stream). */
gsl_matrix *lg_real_samples(const lg_dataset *ds, long seed, size_t n)
{
    gsl_rng *dr = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(dr, lg_seed_stream(seed, 3));
    gsl_matrix *x = gsl_matrix_alloc(n, ds->dim);
    ds->sample(ds, dr, x);
    gsl_rng_free(dr);
    return x;
}

gsl_matrix *lg_run_real_samples(lg_run *r)
{
    if (!r->eval_real)
        r->eval_real = lg_real_samples(r->ds, r->c.seed, (size_t)r->c.samples);
    return r->eval_real;
}

int lg_run_image_scores(lg_run *r, const gsl_matrix *x, lg_image_scores *s)
{
    memset(s, 0, sizeof *s);
    s->fid = s->min_class_frac = s->kl_uniform = s->inception_score = NAN;
    if (!r->ds->height)
        return lg_seterr(LG_EINVAL, "dataset %s has no images to score", r->ds->name);
    if (!r->clf_tried) {
        r->clf_tried = true;
        FILE *log = r->c.quiet ? NULL : stderr;
        int rc = lg_classifier_open(r->ds, NULL, LG_SCORE_CLASSIFIER_SEED, log, &r->clf);
        if (rc == LG_OK) {
            size_t n = lg_dataset_count(r->ds, LG_SPLIT_TEST);
            gsl_matrix *held = gsl_matrix_alloc(n, r->ds->dim);
            lg_dataset_rows(r->ds, LG_SPLIT_TEST, 0, held, NULL);
            rc = lg_feature_stats_alloc(r->clf, held, &r->ref);
            gsl_matrix_free(held);
        }
        if (rc != LG_OK) {
            if (log)
                fprintf(log, "litgan: no image scores (FID, classes): %s\n", lg_errmsg());
            lg_classifier_free(r->clf);
            r->clf = NULL;
        }
    }
    if (!r->clf)
        return lg_seterr(LG_EINVAL, "the classifier of %s could not be had", r->ds->name);
    return lg_image_score(r->clf, r->ref, x, s);
}

int lg_run_step(lg_run *r)
{
    if (r->readonly)
        return lg_seterr(LG_EINVAL, "the run in %s was opened read-only (to draw from it): it takes no step; "
                         "continue it with litgan train --resume %s", r->c.out, r->c.out);
    int rc = r->c.simultaneous ? simultaneous_step(r) : alternating_step(r);
    if (rc == LG_OK)
        r->step++;
    return rc;
}

int lg_run_save(lg_run *r)
{
    int rc = lg_ckpt_write(r->path_ckpt, r->step, r->hash, &r->eff, r->rng, r->g.net, r->opt);
    if (rc == LG_OK)
        r->ckpt_step = r->step;
    return rc;
}

void lg_run_close(lg_run *r)
{
    if (!r)
        return;
    lg_run_free_parts(r);
    free(r);
}

lg_game *lg_run_game(lg_run *r) { return &r->g; }
long lg_run_steps_done(const lg_run *r) { return r->step; }
const lg_run_config *lg_run_get_config(const lg_run *r) { return &r->c; }
const lg_dataset *lg_run_dataset(const lg_run *r) { return r->ds; }
const char *lg_run_dir(const lg_run *r) { return r->c.out; }
double lg_run_loss(const lg_run *r, lg_player p) { return r->g.last_loss[p]; }
double lg_run_gnorm(const lg_run *r, lg_player p) { return r->g.last_gnorm[p]; }

int lg_run_evaluate(lg_run *r, size_t n, lg_run_summary *s)
{
    memset(s, 0, sizeof *s);
    s->step = r->step;
    s->loss_d = r->g.last_loss[LG_PLAYER_D];
    s->loss_g = r->g.last_loss[LG_PLAYER_G];
    double wall = fmax(lg_now() - r->t_start, 1e-9);
    s->steps_per_s = r->n_rows ? r->rate_sum / (double)r->n_rows : (double)(r->step - r->step_first) / wall;
    s->steps_now = r->step - r->step_first;
    s->data_share = r->t_data / wall;
    s->eval_share = r->t_eval / wall;
    s->modes = s->high_quality = NAN;
    gsl_matrix *x = lg_run_generate(r, n, 2);
    if (r->ds->n_modes) {
        lg_mode_stats ms = lg_mode_coverage(r->ds, x);
        s->modes = (double)ms.modes_covered;
        s->high_quality = 100.0 * ms.high_quality;
    }
    gsl_rng *pr = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(pr, 4242);
    s->sliced_w1 = lg_sliced_w1(x, lg_run_real_samples(r), 100, pr);
    gsl_rng_free(pr);
    s->fid = s->classes = s->min_class_pct = s->kl_uniform = s->inception = NAN;
    lg_image_scores is;
    if (r->ds->height && n >= 2 && lg_run_image_scores(r, x, &is) == LG_OK) {
        s->fid = is.fid;
        s->classes = (double)is.classes_present;
        s->min_class_pct = 100 * is.min_class_frac;
        s->kl_uniform = is.kl_uniform;
        s->inception = is.inception_score;
    }
    gsl_matrix_free(x);
    return LG_OK;
}
