/*
 * train.c - the training runner: options, the alternating (or simultaneous)
 * step, logging, progress, NaN guards, checkpoints and bit-exact resume.
 */
#include "lg_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

const char lg_train_help[] =
    "usage: litgan train --loss NAME[:k=v,...]|FILE.so [options]\n"
    "       litgan train --resume DIR [--steps N] [--quiet] [--progress|--no-progress]\n"
    "\n"
    "Trains a GAN with a loss plugin on a dataset and writes DIR/log.csv, DIR/samples.csv,\n"
    "DIR/real.csv and DIR/checkpoint.bin. Options the loss plugin's paper prescribes\n"
    "(optimizers, critic steps) are its defaults; options given here win.\n"
    "\n"
    "  --loss SPEC        loss plugin: a name (see `litgan plugins`) or a .so path, with\n"
    "                     parameters after ':' (e.g. ganqp:lambda=10,metric=l2)\n"
    "  --reg SPEC         regularizer plugin (repeatable, at most 8)\n"
    "  --data SPEC        dataset (default ring8); see below\n"
    "  --g SPEC           generator network (default 2-128r-128r-2; the first width is\n"
    "                     the noise dimension, noise ~ N(0, I))\n"
    "  --d SPEC           discriminator network (default 2-128r-128r-1)\n"
    "  --e SPEC           encoder network (optional; data -> noise)\n"
    "  --opt-d SPEC       discriminator optimizer (default adam:lr=2e-4,b1=0.5)\n"
    "  --opt-g SPEC       generator (and encoder) optimizer (default adam:lr=2e-4,b1=0.5)\n"
    "  --d-steps K        discriminator steps per generator step (default 1)\n"
    "  --d-pretrain K     discriminator steps before the first generator step (default 0)\n"
    "  --simultaneous     both players step from the same point (needs --d-steps 1)\n"
    "  --steps N          generator steps (default 2000)\n"
    "  --batch B          batch size (default 256)\n"
    "  --seed S           random seed (default: $GSL_RNG_SEED, else 1)\n"
    "  --out DIR          output folder (default runs/LOSS-sSEED)\n"
    "  --log-every N      log a row every N steps (default 100)\n"
    "  --ckpt-every N     write the checkpoint every N steps (default 500)\n"
    "  --samples N        generated samples written and scored (default 2500)\n"
    "  --resume DIR       continue the run in DIR from its checkpoint, bit for bit\n"
    "  --progress | --no-progress   progress line (default: when stderr is a terminal)\n"
    "  --quiet            print nothing but errors\n"
    "\n"
    "Network spec: widths joined by '-', each followed by modifiers applied in order:\n"
    "  r ReLU, l[slope] LeakyReLU (0.2), t Tanh, s Sigmoid, b[eps] BatchNorm1d (1e-5).\n"
    "  e.g. 100-128l-256b0.8l-512b0.8l-784t\n";

/* ------------------------------------------------------------- options --- */

/* Split a defaults string on spaces. */
static void words_split(lg_strvec *v, const char *s)
{
    while (s && *s) {
        s += strspn(s, " \t");
        size_t n = strcspn(s, " \t");
        if (n) {
            char *w = lg_xmalloc(n + 1);
            memcpy(w, s, n);
            w[n] = '\0';
            lg_strvec_push(v, w);
            free(w);
        }
        s += n;
    }
}

static int parse_long(const char *opt, const char *v, long lo, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo)
        return lg_seterr(LG_EINVAL, "%s '%s': expected a whole number >= %ld", opt, v, lo);
    *out = x;
    return LG_OK;
}

static void config_defaults(lg_train_config *c)
{
    memset(c, 0, sizeof *c);
    c->data = "ring8";
    c->g_spec = "2-128r-128r-2";
    c->d_spec = "2-128r-128r-1";
    c->opt_d = "adam:lr=2e-4,b1=0.5";
    c->opt_g = "adam:lr=2e-4,b1=0.5";
    c->d_steps = 1;
    c->steps = 2000;
    c->batch = 256;
    c->seed = 1;
    c->log_every = 100;
    c->ckpt_every = 500;
    c->n_samples = 2500;
    c->progress = -1;
}

/* Apply words to c. Pointers into w stay valid while w lives. */
static int parse_words(const lg_strvec *w, lg_train_config *c)
{
    for (size_t i = 0; i < w->n; i++) {
        const char *o = w->w[i];
        const char *v = (i + 1 < w->n) ? w->w[i + 1] : NULL;
        int rc = LG_OK;
#define NEEDS_VALUE                                                                    \
    if (!v)                                                                            \
        return lg_seterr(LG_EINVAL, "%s needs a value (see litgan train --help)", o); \
    i++;
        if (!strcmp(o, "--loss")) { NEEDS_VALUE c->loss = v; }
        else if (!strcmp(o, "--reg")) {
            NEEDS_VALUE
            if (c->n_regs == LG_MAX_REGS)
                return lg_seterr(LG_EINVAL, "--reg: at most %d regularizers", LG_MAX_REGS);
            c->regs[c->n_regs++] = v;
        }
        else if (!strcmp(o, "--data")) { NEEDS_VALUE c->data = v; }
        else if (!strcmp(o, "--g")) { NEEDS_VALUE c->g_spec = v; }
        else if (!strcmp(o, "--d")) { NEEDS_VALUE c->d_spec = v; }
        else if (!strcmp(o, "--e")) { NEEDS_VALUE c->e_spec = v; }
        else if (!strcmp(o, "--opt-d")) { NEEDS_VALUE c->opt_d = v; }
        else if (!strcmp(o, "--opt-g")) { NEEDS_VALUE c->opt_g = v; }
        else if (!strcmp(o, "--d-steps")) { NEEDS_VALUE rc = parse_long(o, v, 1, &c->d_steps); }
        else if (!strcmp(o, "--d-pretrain")) { NEEDS_VALUE rc = parse_long(o, v, 0, &c->d_pretrain); }
        else if (!strcmp(o, "--steps")) { NEEDS_VALUE rc = parse_long(o, v, 0, &c->steps); }
        else if (!strcmp(o, "--batch")) { NEEDS_VALUE rc = parse_long(o, v, 1, &c->batch); }
        else if (!strcmp(o, "--log-every")) { NEEDS_VALUE rc = parse_long(o, v, 1, &c->log_every); }
        else if (!strcmp(o, "--ckpt-every")) { NEEDS_VALUE rc = parse_long(o, v, 1, &c->ckpt_every); }
        else if (!strcmp(o, "--samples")) { NEEDS_VALUE rc = parse_long(o, v, 1, &c->n_samples); }
        else if (!strcmp(o, "--seed")) {
            NEEDS_VALUE
            long s = 0;
            rc = parse_long(o, v, 0, &s);
            c->seed = (unsigned long)s;
            c->seed_set = true;
        }
        else if (!strcmp(o, "--out")) { NEEDS_VALUE c->out = v; }
        else if (!strcmp(o, "--resume")) { NEEDS_VALUE c->resume = v; }
        else if (!strcmp(o, "--simultaneous")) c->simultaneous = true;
        else if (!strcmp(o, "--progress")) c->progress = 1;
        else if (!strcmp(o, "--no-progress")) c->progress = 0;
        else if (!strcmp(o, "--quiet")) c->quiet = true;
        else
            return lg_seterr(LG_EINVAL, "unknown option '%s' (see litgan train --help)", o);
#undef NEEDS_VALUE
        if (rc != LG_OK)
            return rc;
    }
    return LG_OK;
}

/* Options that only change what is shown or how long the run goes: allowed with
 * --resume, where everything else must be as the run was started. */
static bool resume_option(const char *o)
{
    return !strcmp(o, "--steps") || !strcmp(o, "--quiet") || !strcmp(o, "--progress") ||
           !strcmp(o, "--no-progress") || !strcmp(o, "--resume") || !strcmp(o, "--ckpt-every");
}

/* ------------------------------------------------------------- the run --- */

struct lg_run {
    lg_train_config c;
    lg_strvec eff;                 /* the effective options, stored in the checkpoint */
    gsl_rng *rng;
    lg_dataset *ds;
    lg_game g;
    bool game_ready;
    lg_optim *opt[LG_NET_COUNT];
    long step;                 /* generator steps done */
    double loss[2], gnorm[2];
    FILE *log;
    char path_log[4096], path_ckpt[4096];
    long ckpt_step;
    bool tty;
    double t_start, t_last;
    long step_last;
    long step_first;           /* the step this process started from */
    double rate;
    char out[4096];
    bool encoder;              /* the loss needs E; D scores (x, z) */
    gsl_matrix *eval_real;     /* fixed real samples the metrics compare against */
};
typedef struct lg_run run;

static void run_free(run *r)
{
    if (r->log)
        fclose(r->log);
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(r->opt[i]);
    if (r->game_ready) {
        lg_game_free(&r->g);
    } else {
        lg_plugin_inst_close(&r->g.loss);
        for (size_t i = 0; i < r->g.n_regs; i++)
            lg_plugin_inst_close(&r->g.regs[i]);
    }
    lg_dataset_free(r->ds);
    if (r->eval_real)
        gsl_matrix_free(r->eval_real);
    if (r->rng)
        gsl_rng_free(r->rng);
    lg_strvec_free(&r->eff);
}

static const char *player_name(lg_player p) { return p == LG_PLAYER_D ? "discriminator" : "generator"; }

/* NaN/Inf guard: names the step and the quantity. */
static int nonfinite(run *r, const char *what)
{
    if (r->ckpt_step >= 0)
        return lg_seterr(LG_ENONFINITE, "step %ld: %s is not finite; stopped. The last good "
                         "checkpoint (step %ld) is kept in %s", r->step + 1, what, r->ckpt_step,
                         r->path_ckpt);
    return lg_seterr(LG_ENONFINITE, "step %ld: %s is not finite; stopped before any checkpoint "
                     "(lower the learning rate or check the plugin)", r->step + 1, what);
}

static void sample_batches(run *r)
{
    r->ds->sample(r->ds, r->rng, r->g.real);
    gsl_matrix *z = r->g.noise;
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r->rng, 1.0);
    lg_game_new_step(&r->g);
}

static int call_grad_hooks(run *r)
{
    for (size_t i = 0; i < r->g.n_regs; i++) {
        const lg_plugin *d = r->g.regs[i].h->desc;
        if (d->adjust_grads && d->adjust_grads(&r->g, r->g.regs[i].params) != 0)
            return lg_seterr(LG_EPLUGIN, "regularizer %s: adjust_grads failed at step %ld: %s", d->name,
                             r->step + 1, lg_tape_error(r->g.tape) ? lg_tape_error(r->g.tape) : "no reason given");
    }
    return LG_OK;
}

static int call_step_hooks(run *r, lg_player p)
{
    for (size_t i = 0; i < r->g.n_regs; i++) {
        const lg_plugin *d = r->g.regs[i].h->desc;
        r->g.player = p;
        if (d->after_step && d->after_step(&r->g, p, r->g.regs[i].params) != 0)
            return lg_seterr(LG_EPLUGIN, "regularizer %s: after_step failed at step %ld: %s", d->name,
                             r->step + 1, lg_tape_error(r->g.tape) ? lg_tape_error(r->g.tape) : "no reason given");
    }
    return LG_OK;
}

/* Forward and backward of player p's objective into its nets' gradients. */
static int player_grad(run *r, lg_player p)
{
    lg_game *g = &r->g;
    lg_game_set_trainable(g, p, false);
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i] && lg_player_owns(p, (lg_net_id)i))
            lg_net_zero_grad(g->net[i]);
    lg_node *obj = lg_game_objective(g, p);
    if (!obj)
        return LG_EPLUGIN;
    r->loss[p] = lg_scalar(obj);
    char what[64];
    snprintf(what, sizeof what, "the %s loss (%g)", player_name(p), r->loss[p]);
    if (!isfinite(r->loss[p]))
        return nonfinite(r, what);
    return lg_tape_backward(g->tape, obj);
}

/* One pass over the gradients: their norm, and NaN/Inf (a non-finite value
 * makes the sum of squares non-finite). */
static int check_grads(run *r, lg_player p)
{
    double s = 0;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = r->g.net[i];
        if (!n || !lg_player_owns(p, (lg_net_id)i))
            continue;
        double q = 0;
        for (size_t k = 0; k < n->n_params; k++)
            q += n->grad[k] * n->grad[k];
        if (!isfinite(q) && !lg_all_finite(n->grad, n->n_params)) {
            char what[96];
            snprintf(what, sizeof what, "a gradient of the %s's parameters (network %s)",
                     player_name(p), n->spec);
            return nonfinite(r, what);
        }
        s += q;
    }
    r->gnorm[p] = sqrt(s);
    return LG_OK;
}

static int apply_step(run *r, lg_player p)
{
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = r->g.net[i];
        if (n && lg_player_owns(p, (lg_net_id)i))
            lg_optim_step(r->opt[i], n->theta, n->grad);
    }
    int rc = call_step_hooks(r, p);
    if (rc != LG_OK)
        return rc;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = r->g.net[i];
        if (n && lg_player_owns(p, (lg_net_id)i) && !lg_all_finite(n->theta, n->n_params)) {
            char what[96];
            snprintf(what, sizeof what, "a parameter of the %s (network %s) after its update",
                     player_name(p), n->spec);
            return nonfinite(r, what);
        }
    }
    return LG_OK;
}

/* Discriminator steps alone; before the first generator step there are
 * --d-pretrain more (a strong discriminator to start from, as in Lab 02). */
static int d_steps(run *r, long k_steps)
{
    int rc;
    for (long k = 0; k < k_steps; k++) {
        sample_batches(r);
        if ((rc = player_grad(r, LG_PLAYER_D)) || (rc = call_grad_hooks(r)) ||
            (rc = check_grads(r, LG_PLAYER_D)) || (rc = apply_step(r, LG_PLAYER_D)))
            return rc;
    }
    return LG_OK;
}

static int alternating_step(run *r)
{
    int rc;
    r->g.n_log = 0; /* what either player logs in this step */
    r->g.simultaneous = false;
    if ((rc = d_steps(r, r->c.d_steps + (r->step == 0 ? r->c.d_pretrain : 0))) != LG_OK)
        return rc;
    sample_batches(r);
    if ((rc = player_grad(r, LG_PLAYER_G)) || (rc = call_grad_hooks(r)) ||
        (rc = check_grads(r, LG_PLAYER_G)) || (rc = apply_step(r, LG_PLAYER_G)))
        return rc;
    return LG_OK;
}

/* Both players' gradients at the same parameters, then both updates: the
 * simultaneous gradient steps of Mescheder et al. 2017. Regularizers that need
 * the whole game's vector field (consensus) see both gradients at once. */
static int simultaneous_step(run *r)
{
    int rc;
    r->g.n_log = 0;
    if (r->step == 0) {
        r->g.simultaneous = false;
        if ((rc = d_steps(r, r->c.d_pretrain)) != LG_OK)
            return rc;
    }
    r->g.simultaneous = true;
    sample_batches(r);
    if ((rc = player_grad(r, LG_PLAYER_D)) || (rc = player_grad(r, LG_PLAYER_G)))
        return rc;
    if ((rc = call_grad_hooks(r)) || (rc = check_grads(r, LG_PLAYER_D)) ||
        (rc = check_grads(r, LG_PLAYER_G)) || (rc = apply_step(r, LG_PLAYER_D)) ||
        (rc = apply_step(r, LG_PLAYER_G)))
        return rc;
    return LG_OK;
}

/* ------------------------------------------------------ samples, metrics --- */

/* n samples of G in eval mode (BatchNorm uses running statistics), drawn from
 * a separate generator seeded from the run's seed so evaluation never moves
 * the training stream. */
static gsl_matrix *generate(run *r, size_t n, unsigned long salt)
{
    lg_net *G = r->g.net[LG_NET_G];
    gsl_rng *er = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(er, r->c.seed * 1000003ul + salt);
    gsl_matrix *z = gsl_matrix_alloc(n, G->in_dim);
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(er, 1.0);
    gsl_rng_free(er);
    bool train = G->train, rg = G->requires_grad;
    G->train = false;
    G->requires_grad = false;
    lg_tape *t = lg_tape_alloc();
    lg_node *x = lg_net_apply(t, G, lg_const(t, z));
    gsl_matrix *out = gsl_matrix_alloc(n, G->out_dim);
    gsl_matrix_memcpy(out, lg_value(x));
    lg_tape_free(t);
    gsl_matrix_free(z);
    G->train = train;
    G->requires_grad = rg;
    return out;
}

static int write_matrix_csv(const char *path, const gsl_matrix *m, const char *header)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f, "%s\n", header);
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            fprintf(f, "%.9g%c", gsl_matrix_get(m, i, j), j + 1 < m->size2 ? ',' : '\n');
    if (fclose(f) != 0)
        return lg_seterr(LG_EIO, "%s: write failed", path);
    return LG_OK;
}

/* --------------------------------------------------------------- the log --- */

static void log_header(run *r)
{
    fprintf(r->log, "# litgan train, seed %lu:", r->c.seed);
    for (size_t i = 0; i < r->eff.n; i++)
        fprintf(r->log, " %s", r->eff.w[i]);
    fprintf(r->log, "\nstep,loss_d,loss_g,gnorm_d,gnorm_g,steps_per_s,modes,high_quality,sliced_w1");
    for (size_t i = 0; i < r->g.n_log; i++)
        fprintf(r->log, ",%s", r->g.log_name[i]);
    fprintf(r->log, "\n");
}

/* Real samples drawn from their own seeded stream (never the training one). */
static gsl_matrix *real_samples(run *r)
{
    if (!r->eval_real) {
        gsl_rng *dr = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(dr, r->c.seed * 1000003ul + 3);
        r->eval_real = gsl_matrix_alloc((size_t)r->c.n_samples, r->ds->dim);
        r->ds->sample(r->ds, dr, r->eval_real);
        gsl_rng_free(dr);
    }
    return r->eval_real;
}

/* sliced W1 with 50 directions from a fixed stream, so rows are comparable */
static double sliced_w1(run *r, const gsl_matrix *x)
{
    gsl_rng *pr = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(pr, 4242);
    double w = lg_sliced_w1(x, real_samples(r), 50, pr);
    gsl_rng_free(pr);
    return w;
}

static void log_row(run *r)
{
    lg_mode_stats ms = { 0, 0 };
    gsl_matrix *x = generate(r, (size_t)r->c.n_samples, 1);
    if (r->ds->n_modes)
        ms = lg_mode_coverage(r->ds, x);
    double sw = sliced_w1(r, x);
    gsl_matrix_free(x);
    fprintf(r->log, "%ld,%.9g,%.9g,%.9g,%.9g,%.1f,", r->step, r->loss[LG_PLAYER_D],
            r->loss[LG_PLAYER_G], r->gnorm[LG_PLAYER_D], r->gnorm[LG_PLAYER_G], r->rate);
    if (r->ds->n_modes) /* coverage means nothing without modes: empty fields */
        fprintf(r->log, "%zu,%.4f,", ms.modes_covered, ms.high_quality);
    else
        fprintf(r->log, ",,");
    fprintf(r->log, "%.6g", sw);
    for (size_t i = 0; i < r->g.n_log; i++)
        fprintf(r->log, ",%.9g", r->g.log_value[i]);
    fprintf(r->log, "\n");
    fflush(r->log);
    if (!r->c.quiet && !r->tty) {
        fprintf(stderr, "step %ld/%ld  %.0f steps/s  loss_d %.4f  loss_g %.4f", r->step, r->c.steps,
                r->rate, r->loss[0], r->loss[1]);
        if (r->ds->n_modes)
            fprintf(stderr, "  modes %zu/%zu  hq %.1f%%", ms.modes_covered, r->ds->n_modes,
                    100 * ms.high_quality);
        fprintf(stderr, "  sliced W1 %.4f\n", sw);
    }
}

static void progress(run *r, bool last)
{
    if (r->c.quiet || !r->tty)
        return;
    double now = lg_now();
    static double shown;
    if (!last && now - shown < 0.2)
        return;
    shown = now;
    double rate = (double)(r->step - r->step_first) / fmax(now - r->t_start, 1e-9);
    long left = r->c.steps - r->step;
    double eta = rate > 0 ? (double)left / rate : 0;
    fprintf(stderr, "\r\033[Kstep %ld/%ld  %.0f steps/s  ETA %ld:%02ld  loss_d %.4f  loss_g %.4f%s",
            r->step, r->c.steps, rate, (long)eta / 60, (long)eta % 60, r->loss[0], r->loss[1],
            last ? "\n" : "");
}

/* Keep only the log rows of steps <= step (a resumed run rewrites what came
 * after its checkpoint). */
static int truncate_log(const char *path, long step)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot read the log of the run to resume", path);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        bool keep = true;
        if (line[0] >= '0' && line[0] <= '9')
            keep = strtol(line, NULL, 10) <= step;
        if (!keep)
            break;
        size_t n = strlen(line);
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            buf = lg_xrealloc(buf, cap);
        }
        memcpy(buf + len, line, n);
        len += n;
    }
    fclose(f);
    f = fopen(path, "w");
    if (!f) {
        free(buf);
        return lg_seterr(LG_EIO, "%s: cannot rewrite the log", path);
    }
    if (len)
        fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
    return LG_OK;
}

/* ------------------------------------------------------------ checkpoints --- */

static int save(run *r)
{
    int rc = lg_ckpt_write(r->path_ckpt, r->step, &r->eff, r->rng, r->g.net, r->opt);
    if (rc == LG_OK)
        r->ckpt_step = r->step;
    return rc;
}

/* ------------------------------------------------------------------ setup --- */

static int open_nets(run *r)
{
    lg_net *G = NULL, *D = NULL, *E = NULL;
    int rc;
    if ((rc = lg_net_parse(r->c.g_spec, &G)) != LG_OK) {
        lg_seterr(rc, "--g: %s", lg_errmsg());
        return rc;
    }
    if ((rc = lg_net_parse(r->c.d_spec, &D)) != LG_OK ||
        (r->c.e_spec && (rc = lg_net_parse(r->c.e_spec, &E)) != LG_OK)) {
        lg_net_free(G);
        lg_net_free(D);
        return rc;
    }
    if (G->out_dim != r->ds->dim) {
        rc = lg_seterr(LG_EINVAL, "--g %s produces %zu values per sample but dataset %s has %zu "
                       "(make the last width %zu)", G->spec, G->out_dim, r->ds->name, r->ds->dim,
                       r->ds->dim);
        lg_net_free(G), lg_net_free(D), lg_net_free(E);
        return rc;
    }
    size_t d_in = G->out_dim + (r->encoder ? G->in_dim : 0);
    if (r->encoder && !E)
        rc = lg_seterr(LG_EINVAL, "--loss %s needs an encoder: give --e %zu-...-%zu (data -> noise)",
                       r->c.loss, G->out_dim, G->in_dim);
    else if (!r->encoder && E)
        rc = lg_seterr(LG_EINVAL, "--e is given but --loss %s uses no encoder", r->c.loss);
    else if (D->in_dim != d_in || D->out_dim != 1)
        rc = lg_seterr(LG_EINVAL, "--d %s must map %zu -> 1 (%s) ", D->spec, d_in,
                       r->encoder ? "the pair (x, z) concatenated, to a score" : "a sample to a score");
    if (rc != LG_OK) {
        lg_net_free(G), lg_net_free(D), lg_net_free(E);
        return rc;
    }
    rc = lg_game_init(&r->g, G, D, E, (size_t)r->c.batch, G->in_dim, r->rng);
    r->game_ready = true;
    if (rc != LG_OK)
        return rc;
    lg_net_init(G, r->rng);
    lg_net_init(D, r->rng);
    if (E)
        lg_net_init(E, r->rng);
    return LG_OK;
}

static int open_plugins(run *r)
{
    int rc = lg_plugin_inst_open(r->c.loss, LG_PLUGIN_KIND_LOSS, &r->g.loss);
    if (rc != LG_OK)
        return rc;
    r->encoder = (r->g.loss.h->desc->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
    for (size_t i = 0; i < r->c.n_regs; i++) {
        if ((rc = lg_plugin_inst_open(r->c.regs[i], LG_PLUGIN_KIND_REG, &r->g.regs[i])) != LG_OK)
            return rc;
        r->g.n_regs++;
        const char *name = r->g.regs[i].h->desc->name;
        if (!strcmp(name, r->g.loss.h->desc->name))
            return lg_seterr(LG_EPLUGIN, "%s: duplicate plugin name '%s'", r->g.regs[i].h->path, name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(name, r->g.regs[j].h->desc->name))
                return lg_seterr(LG_EPLUGIN, "%s: duplicate plugin name '%s' (already loaded from %s)",
                                 r->g.regs[i].h->path, name, r->g.regs[j].h->path);
    }
    return LG_OK;
}

static int open_optims(run *r)
{
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = r->g.net[i];
        if (!n)
            continue;
        const char *spec = (i == LG_NET_D) ? r->c.opt_d : r->c.opt_g;
        int rc = lg_optim_parse(spec, n->n_params, &r->opt[i]);
        if (rc != LG_OK) {
            lg_seterr(rc, "%s: %s", i == LG_NET_D ? "--opt-d" : "--opt-g", lg_errmsg());
            return rc;
        }
    }
    return LG_OK;
}

/* The loss named by the user's words (pre-scan, before defaults apply). */
static const char *find_loss(const lg_strvec *w)
{
    const char *loss = NULL;
    for (size_t i = 0; i + 1 < w->n; i++)
        if (!strcmp(w->w[i], "--loss"))
            loss = w->w[i + 1];
    return loss;
}

/* Effective words: the plugin's defaults first, then the user's words (so the
 * user's win), without the options that do not shape the run. */
static int build_effective(run *r, const lg_strvec *user)
{
    const char *loss = find_loss(user);
    if (!loss)
        return lg_seterr(LG_EINVAL, "--loss is required (e.g. --loss nsgan; see litgan plugins)");
    bool user_regs = false;
    for (size_t i = 0; i + 1 < user->n; i++)
        user_regs |= !strcmp(user->w[i], "--reg");
    lg_plugin_inst pi;
    int rc = lg_plugin_inst_open(loss, LG_PLUGIN_KIND_LOSS, &pi);
    if (rc != LG_OK)
        return rc;
    /* the loss's defaults; a regularizer it prescribes (WGAN's clipping) only
     * when the user names none */
    lg_strvec d = { 0 };
    words_split(&d, pi.h->desc->defaults);
    lg_plugin_inst_close(&pi);
    for (size_t i = 0; i < d.n; i++) {
        if (user_regs && !strcmp(d.w[i], "--reg") && i + 1 < d.n) {
            i++;
            continue;
        }
        lg_strvec_push(&r->eff, d.w[i]);
    }
    lg_strvec_free(&d);
    /* then each regularizer's defaults (consensus asks for simultaneous steps) */
    for (size_t i = 0; i + 1 < user->n; i++) {
        if (strcmp(user->w[i], "--reg") != 0)
            continue;
        if ((rc = lg_plugin_inst_open(user->w[i + 1], LG_PLUGIN_KIND_REG, &pi)) != LG_OK)
            return rc;
        words_split(&r->eff, pi.h->desc->defaults);
        lg_plugin_inst_close(&pi);
    }
    for (size_t i = 0; i < user->n; i++) {
        const char *o = user->w[i];
        bool shown = !strcmp(o, "--quiet") || !strcmp(o, "--progress") || !strcmp(o, "--no-progress");
        bool valued = !strcmp(o, "--out") || !strcmp(o, "--ckpt-every");
        if (shown)
            continue;
        if (valued) {
            i++;
            continue;
        }
        lg_strvec_push(&r->eff, o);
    }
    return LG_OK;
}

static int run_setup(run *r, int argc, char **argv)
{
    lg_strvec user = { 0 };
    for (int i = 0; i < argc; i++)
        lg_strvec_push(&user, argv[i]);
    int rc;
    lg_train_config uc;
    config_defaults(&uc);
    if ((rc = parse_words(&user, &uc)) != LG_OK)
        goto out;
    long stored_step = 0;
    if (uc.resume) {
        for (size_t i = 0; i < user.n; i++)
            if (user.w[i][0] == '-' && !resume_option(user.w[i])) {
                rc = lg_seterr(LG_EINVAL, "%s cannot change a resumed run (with --resume only "
                               "--steps, --ckpt-every, --quiet and --progress may be given)", user.w[i]);
                goto out;
            }
        snprintf(r->path_ckpt, sizeof r->path_ckpt, "%s/checkpoint.bin", uc.resume);
        if ((rc = lg_ckpt_read(r->path_ckpt, &stored_step, &r->eff, NULL, NULL, NULL, true)) != LG_OK)
            goto out;
    } else if ((rc = build_effective(r, &user)) != LG_OK) {
        goto out;
    }
    config_defaults(&r->c);
    if ((rc = parse_words(&r->eff, &r->c)) != LG_OK)
        goto out;
    /* options that are not part of the run's identity come from the user */
    if (uc.resume || uc.out)
        snprintf(r->out, sizeof r->out, "%s", uc.resume ? uc.resume : uc.out);
    r->c.out = (uc.resume || uc.out) ? r->out : NULL;
    r->c.quiet = uc.quiet;
    r->c.progress = uc.progress;
    r->c.ckpt_every = uc.ckpt_every;
    r->c.resume = uc.resume;
    if (uc.resume)
        for (size_t i = 0; i + 1 < user.n; i++)
            if (!strcmp(user.w[i], "--steps")) {
                r->c.steps = uc.steps; /* the new length becomes part of the run */
                lg_strvec_push(&r->eff, "--steps");
                lg_strvec_push(&r->eff, user.w[i + 1]);
            }
    if (!r->c.seed_set) {
        const char *env = getenv("GSL_RNG_SEED");
        if (env && *env) {
            long s = 0;
            if ((rc = parse_long("GSL_RNG_SEED", env, 0, &s)) != LG_OK)
                goto out;
            r->c.seed = (unsigned long)s;
            char buf[32];
            snprintf(buf, sizeof buf, "%ld", s);
            lg_strvec_push(&r->eff, "--seed"); /* the seed is part of the run's identity */
            lg_strvec_push(&r->eff, buf);
            r->c.seed_set = true;
        }
    }
    if (r->c.simultaneous && r->c.d_steps != 1) {
        rc = lg_seterr(LG_EINVAL, "--simultaneous needs --d-steps 1 (got %ld)", r->c.d_steps);
        goto out;
    }
    if (!r->c.out) {
        char name[LG_NAME_MAX];
        const char *kv;
        if (lg_spec_split(r->c.loss, name, &kv) != LG_OK)
            snprintf(name, sizeof name, "run");
        const char *base = strrchr(name, '/');
        snprintf(r->out, sizeof r->out, "runs/%s-s%lu", base ? base + 1 : name, r->c.seed);
        r->c.out = r->out;
    }
    r->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r->rng, r->c.seed);
    if ((rc = lg_dataset_open(r->c.data, &r->ds)) != LG_OK) {
        lg_seterr(rc, "--data: %s", lg_errmsg());
        goto out;
    }
    if ((rc = open_plugins(r)) != LG_OK || (rc = open_nets(r)) != LG_OK ||
        (rc = open_optims(r)) != LG_OK)
        goto out;
    if ((rc = lg_mkdir_p(r->c.out)) != LG_OK)
        goto out;
    snprintf(r->path_ckpt, sizeof r->path_ckpt, "%s/checkpoint.bin", r->c.out);
    snprintf(r->path_log, sizeof r->path_log, "%s/log.csv", r->c.out);
    r->ckpt_step = -1;
    if (uc.resume) {
        lg_strvec dummy = { 0 };
        rc = lg_ckpt_read(r->path_ckpt, &r->step, &dummy, r->rng, r->g.net, r->opt, false);
        lg_strvec_free(&dummy);
        if (rc != LG_OK)
            goto out;
        r->ckpt_step = r->step;
        if ((rc = truncate_log(r->path_log, r->step)) != LG_OK)
            goto out;
    }
out:
    lg_strvec_free(&user);
    return rc;
}

static int run_loop(run *r)
{
    int rc = LG_OK;
    r->tty = r->c.progress == 1 || (r->c.progress == -1 && isatty(STDERR_FILENO));
    r->log = fopen(r->path_log, r->c.resume ? "a" : "w");
    if (!r->log)
        return lg_seterr(LG_EIO, "%s: cannot write the log (%s)", r->path_log, strerror(errno));
    bool header = !r->c.resume;
    r->t_start = r->t_last = lg_now();
    r->step_last = r->step_first = r->step;
    if (!r->c.quiet)
        fprintf(stderr, "litgan: training %s on %s, seed %lu, steps %ld..%ld, output %s\n",
                r->c.loss, r->c.data, r->c.seed, r->step + 1, r->c.steps, r->c.out);
    while (r->step < r->c.steps) {
        rc = r->c.simultaneous ? simultaneous_step(r) : alternating_step(r);
        if (rc != LG_OK)
            break;
        r->step++;
        if (header) {
            log_header(r); /* after the first step: plugins' logged names are known */
            header = false;
        }
        if (r->step % r->c.log_every == 0 || r->step == r->c.steps) {
            double now = lg_now();
            r->rate = (double)(r->step - r->step_last) / fmax(now - r->t_last, 1e-9);
            progress(r, false);
            r->t_last = now;
            r->step_last = r->step;
            log_row(r);
        } else {
            progress(r, false);
        }
        if (r->step % r->c.ckpt_every == 0 || r->step == r->c.steps)
            if ((rc = save(r)) != LG_OK)
                break;
    }
    if (rc == LG_OK) {
        progress(r, true);
        char path[4200];
        gsl_matrix *x = generate(r, (size_t)r->c.n_samples, 2);
        snprintf(path, sizeof path, "%s/samples.csv", r->c.out);
        rc = write_matrix_csv(path, x, r->ds->dim == 2 ? "x,y" : "# one sample per row");
        gsl_matrix_free(x);
        if (rc == LG_OK) {
            snprintf(path, sizeof path, "%s/real.csv", r->c.out);
            rc = write_matrix_csv(path, real_samples(r), r->ds->dim == 2 ? "x,y" : "# one sample per row");
        }
        if (rc == LG_OK && !r->c.quiet)
            fprintf(stderr, "litgan: done in %.1f s; wrote %s/{log.csv,samples.csv,real.csv,checkpoint.bin}\n",
                    lg_now() - r->t_start, r->c.out);
    } else if (r->tty && !r->c.quiet) {
        fprintf(stderr, "\n");
    }
    return rc;
}

int lg_run_open(int argc, char **argv, lg_run **out)
{
    lg_gsl_init();
    run *r = lg_xcalloc(1, sizeof *r);
    int rc = run_setup(r, argc, argv);
    if (rc != LG_OK) {
        run_free(r);
        free(r);
        *out = NULL;
        return rc;
    }
    *out = r;
    return LG_OK;
}

int lg_run_step(lg_run *r)
{
    int rc = r->c.simultaneous ? simultaneous_step(r) : alternating_step(r);
    if (rc == LG_OK)
        r->step++;
    return rc;
}

lg_game *lg_run_game(lg_run *r) { return &r->g; }
const lg_train_config *lg_run_config(const lg_run *r) { return &r->c; }

void lg_run_close(lg_run *r)
{
    if (!r)
        return;
    run_free(r);
    free(r);
}

int lg_train_main(int argc, char **argv)
{
    lg_gsl_init();
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(lg_train_help, stdout);
            fputs("\n", stdout);
            fputs(lg_optim_help, stdout);
            fputs("\n", stdout);
            fputs(lg_dataset_help, stdout);
            return LG_OK;
        }
    run r;
    memset(&r, 0, sizeof r);
    int rc = run_setup(&r, argc, argv);
    if (rc == LG_OK)
        rc = run_loop(&r);
    if (rc != LG_OK)
        fprintf(stderr, "litgan train: %s\n", lg_errmsg());
    run_free(&r);
    return rc;
}
