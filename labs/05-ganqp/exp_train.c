/*
 * exp_train.c - one training run of `litgan lab 05`, watched from outside:
 * the run is the engine's (lg_run_open, then lg_labkit_run_step, the training
 * step of `litgan train`), and at every log row the experiment reads what the
 * step left (lg_game_last_loss, lg_game_last_gnorm) and evaluates the critic
 * on a fixed set of pairs (x_r,i, G(z_i)), independent draws as in GAN-QP's
 * objective: the gap mean D(x_r) - mean D(G(z)), and for each pair the ratio
 * |Delta_i| / Delta*_i with Delta* = lambda d_i the optimal gap of Task 5.3.
 * Watching changes nothing in the run: the nets are only read (lg_net_forward),
 * and the fixed pairs come from a stream of their own.
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "litgan/sys.h"

void exp_out_free(exp_out *o)
{
    free(o->rows);
    free(o->samples);
    memset(o, 0, sizeof *o);
}

/* d_i of row i of x and y (dim values each), metric l1 or l2 (Task 5.1's). */
static double distance(const double *x, const double *y, size_t dim, int l2)
{
    double s = 0;
    for (size_t j = 0; j < dim; j++)
        s += l2 ? (x[j] - y[j]) * (x[j] - y[j]) : fabs(x[j] - y[j]);
    return l2 ? sqrt(s / (double)dim) : s / (double)dim;
}

/* The critic on the fixed pairs: gap, ratio statistics, largest |parameter|. */
static void watch(const exp_spec *spec, const exp_student *s, lg_net *D, const gsl_matrix *x, const gsl_matrix *y,
                  gsl_matrix *sr, gsl_matrix *sf, exp_row *w)
{
    size_t n = x->size1, dim = x->size2, np;
    lg_net_forward(D, x, sr);
    lg_net_forward(D, y, sf);
    double gap = 0, rsum = 0, rmax = 0, above = 0;
    for (size_t i = 0; i < n; i++) {
        double delta = sr->data[i] - sf->data[i];
        double d = distance(x->data + i * dim, y->data + i * dim, dim, spec->l2);
        double opt = s->gap ? s->gap(spec->lambda, d) : spec->lambda * d; /* Delta* = lambda d (Task 5.3) */
        double r = fabs(delta) / opt;
        gap += delta / (double)n;
        rsum += r;
        rmax = fmax(rmax, r);
        above += r > 1;
    }
    w->gap = gap;
    w->ratio_mean = rsum / (double)n;
    w->ratio_max = rmax;
    w->above = 100 * above / (double)n;
    const double *p = lg_net_params(D, &np);
    w->wmax = 0;
    for (size_t k = 0; k < np; k++)
        w->wmax = fmax(w->wmax, fabs(p[k]));
}

static int write_csv(const exp_config *c, const exp_spec *spec, const exp_out *o, const char *dir)
{
    char name[64];
    snprintf(name, sizeof name, "train_%s.csv", spec->name);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 05, seed %ld: %s on %s, G %s, D %s, %s, %ld critic steps per generator step, batch "
               "%ld; gap and ratio on fixed pairs (ratio = |Delta_i| / (lambda d_i), lambda %g, metric %s)\n"
               "step,loss_d,loss_g,gnorm_g,gap,ratio_mean,ratio_max,above_pct,wmax,sliced_w1,high_quality,modes,fid,"
               "classes\n",
            c->gan.seed, spec->title, spec->mnist ? c->mnist_data : c->gan.data, spec->mnist ? c->mnist_g : c->gan.g,
            spec->mnist ? c->mnist_d : c->gan.d, spec->opt, spec->d_steps, spec->mnist ? c->mnist_batch : c->gan.batch,
            spec->lambda, spec->l2 ? "l2" : "l1");
    for (size_t i = 0; i < o->n; i++) {
        const exp_row *r = &o->rows[i];
        fprintf(f, "%ld,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.4g,%.6g,%.6g,%.4g,%.0f,%.6g,%.0f\n", r->step, r->loss_d,
                r->loss_g, r->gnorm_g, r->gap, r->ratio_mean, r->ratio_max, r->above, r->wmax, r->sliced_w1, r->hq,
                r->modes, r->fid, r->classes);
    }
    return lg_labkit_fclose(f, dir, name);
}

int exp_train(const exp_config *c, const exp_student *s, const exp_spec *spec, const char *dir, exp_out *o)
{
    double t0 = lg_now();
    memset(o, 0, sizeof *o);
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", dir, spec->name);
    lg_run_config rc_;
    lg_run_config_init(&rc_);
    rc_.loss = spec->loss;
    if (spec->reg[0]) {
        rc_.regs[0] = spec->reg;
        rc_.n_regs = 1;
    }
    long steps = spec->mnist ? c->mnist_steps : c->gan.steps;
    long every = spec->mnist ? c->mnist_log_every : c->log_every;
    rc_.data = spec->mnist ? c->mnist_data : c->gan.data;
    rc_.g = spec->mnist ? c->mnist_g : c->gan.g;
    rc_.d = spec->mnist ? c->mnist_d : c->gan.d;
    rc_.opt_d = rc_.opt_g = spec->opt;
    rc_.d_steps = spec->d_steps;
    rc_.d_pretrain = 0;
    rc_.batch = spec->mnist ? c->mnist_batch : c->gan.batch;
    rc_.steps = steps;
    rc_.seed = c->gan.seed;
    rc_.out = run_dir;
    rc_.quiet = 1;
    rc_.force = 1;
    lg_labkit_phase("opening a training run", -1);
    lg_run *run;
    int rc = lg_run_open(&rc_, &run);
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        return lg_seterr(rc, "lab 05, %s: %s", spec->title, why);
    }
    size_t cap = (size_t)(steps / every) + 2, B = spec->mnist ? 500 : EXP_SAMPLES;
    size_t n_eval = spec->mnist ? (size_t)c->mnist_samples : 2500;
    o->rows = lg_labkit_calloc(cap, sizeof(exp_row), "the trace");
    const lg_dataset *ds = lg_run_dataset(run);
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *D = lg_game_net(g, LG_NET_D);
    size_t zd = lg_net_in_dim(G), xd = lg_dataset_dim(ds);
    /* the fixed pairs: a stream of their own, the same for every run */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 905));
    gsl_matrix *x = gsl_matrix_alloc(B, xd), *z = gsl_matrix_alloc(B, zd), *y = gsl_matrix_alloc(B, xd),
               *sr = gsl_matrix_alloc(B, 1), *sf = gsl_matrix_alloc(B, 1);
    lg_dataset_sample(ds, r, x);
    for (size_t i = 0; i < B * zd; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    for (long step = 0; o->rows && rc == LG_OK && step <= steps; step++) {
        if (step > 0 && (rc = lg_labkit_run_step(run, step, spec->title)) != LG_OK)
            break;
        if (step % every && step != steps)
            continue;
        lg_run_summary sm;
        if ((rc = lg_run_evaluate(run, n_eval, &sm)) != LG_OK)
            break;
        lg_net_forward(G, z, y);
        exp_row *w = &o->rows[o->n++];
        w->step = step;
        w->loss_d = step ? lg_game_last_loss(g, LG_PLAYER_D) : NAN;
        w->loss_g = step ? lg_game_last_loss(g, LG_PLAYER_G) : NAN;
        w->gnorm_g = step ? lg_game_last_gnorm(g, LG_PLAYER_G) : NAN;
        watch(spec, s, D, x, y, sr, sf, w);
        w->sliced_w1 = sm.sliced_w1;
        w->hq = sm.high_quality;
        w->modes = sm.modes;
        w->fid = sm.fid;
        w->classes = sm.classes;
    }
    if (!o->rows)
        rc = LG_ENOMEM;
    /* what G makes of the first fixed z at the end: points, or images */
    size_t keep = spec->mnist ? EXP_IMAGES : B;
    if (rc == LG_OK && (o->samples = lg_labkit_calloc(keep * xd, sizeof(double), "the samples")))
        memcpy(o->samples, y->data, keep * xd * sizeof(double));
    else if (rc == LG_OK)
        rc = LG_ENOMEM;
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    gsl_matrix_free(z);
    gsl_matrix_free(sr);
    gsl_matrix_free(sf);
    gsl_rng_free(r);
    lg_run_close(run);
    o->secs = lg_now() - t0;
    return rc == LG_OK ? write_csv(c, spec, o, dir) : rc;
}
