/*
 * exp_train.c - part 3 of `litgan lab 03`, training on a 2D toy (ring8): the
 * minimax GAN (Lab 01's gan.c) against WGAN with RMSProp (the paper's), WGAN
 * with Adam (momentum, which the paper found unstable) and WGAN-GP (wgan.c with
 * the library's gp), the same nets and seed; the critic's estimate beside sample
 * quality (sliced W1, high-quality samples, modes) - train_NAME.csv; and the
 * WGAN critic's parameters at the end, in units of c - weights.csv.
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "litgan/sys.h"

const char *const exp_run_name[EXP_N_RUNS] = { "gan", "wgan", "wgan_adam", "wgan_gp" };
const char *const exp_run_title[EXP_N_RUNS] = { "minimax GAN (gan.c), Adam", "WGAN (wgan.c + clip.c), RMSProp",
                                                "WGAN (wgan.c + clip.c), Adam with momentum",
                                                "WGAN-GP (wgan.c + gp), Adam" };

static int train_one(const exp_config *c, int which, const char *loss, const char *reg, const char *opt, long d_steps,
                     const char *dir, exp_train_out *o)
{
    double t0 = lg_now();
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", dir, exp_run_name[which]);
    /* by hand, not lg_labkit_run_open: a regularizer, both optimizers alike, and
     * force (run-NAME/ is rewritten each time) */
    lg_run_config rc_;
    lg_run_config_init(&rc_);
    rc_.loss = loss;
    if (reg) {
        rc_.regs[0] = reg;
        rc_.n_regs = 1;
    }
    rc_.data = c->gan.data;
    rc_.g = c->gan.g;
    rc_.d = c->gan.d;
    rc_.opt_d = rc_.opt_g = opt;
    rc_.d_steps = d_steps;
    rc_.d_pretrain = 0;
    rc_.batch = c->gan.batch;
    rc_.steps = c->gan.steps;
    rc_.seed = c->gan.seed;
    rc_.out = run_dir;
    rc_.quiet = 1;
    rc_.force = 1;
    lg_labkit_phase("opening a training run on ring8", -1);
    lg_run *run;
    int rc = lg_run_open(&rc_, &run);
    if (rc != LG_OK)
        return rc;
    size_t cap = (size_t)(c->gan.steps / c->log_every) + 2, B = 1000;
    exp_train_row *rows = o->rows[which] = lg_labkit_calloc(cap, sizeof(exp_train_row), "the trace");
    /* a fixed pair of batches for the estimate */
    const lg_dataset *ds = lg_run_dataset(run);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 900));
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *D = lg_game_net(g, LG_NET_D);
    size_t zd = lg_net_in_dim(G), xd = lg_dataset_dim(ds);
    gsl_matrix *x = gsl_matrix_alloc(B, xd), *z = gsl_matrix_alloc(B, zd), *y = gsl_matrix_alloc(B, xd),
               *work = gsl_matrix_alloc(B, 1);
    lg_dataset_sample(ds, r, x);
    for (size_t i = 0; i < B * zd; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    const char *what[EXP_N_RUNS] = { "the minimax GAN on ring8 (gan.c of Lab 01)", "WGAN on ring8 (wgan.c, clip.c)",
                                     "WGAN with Adam on ring8 (wgan.c, clip.c)", "WGAN-GP on ring8 (wgan.c, gp)" };
    for (long step = 0; rows && rc == LG_OK && step <= c->gan.steps; step++) {
        if (step > 0 && (rc = lg_labkit_run_step(run, step, what[which])) != LG_OK)
            break;
        if (step % c->log_every && step != c->gan.steps)
            continue;
        lg_run_summary sm;
        if ((rc = lg_run_evaluate(run, 2500, &sm)) != LG_OK)
            break;
        lg_net_forward(G, z, y);
        exp_train_row *w = &rows[o->n[which]++];
        w->step = step;
        w->est = exp_critic_estimate(D, x, y, work);
        w->sliced_w1 = sm.sliced_w1;
        w->hq = sm.high_quality; /* a percentage already */
        w->modes = sm.modes;
    }
    if (!rows)
        rc = LG_ENOMEM;
    if (rc == LG_OK && which == EXP_RUN_WGAN) {
        size_t n;
        const double *p = lg_net_params(D, &n);
        if ((o->weights = lg_labkit_calloc(n, sizeof(double), "the critic's parameters"))) {
            o->n_weights = n;
            size_t at = 0;
            for (size_t i = 0; i < n; i++) {
                o->weights[i] = p[i] / c->clip;
                at += fabs(o->weights[i]) >= 0.99;
            }
            o->at_bound = (double)at / (double)n;
        } else
            rc = LG_ENOMEM;
    }
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    gsl_matrix_free(z);
    gsl_matrix_free(work);
    gsl_rng_free(r);
    lg_run_close(run);
    /* how well the estimate follows sample quality: Pearson's r with sliced W1 */
    size_t n = o->n[which];
    double me = 0, mw = 0, see = 0, sww = 0, sew = 0;
    for (size_t i = 0; rows && i < n; i++) {
        me += rows[i].est / (double)n;
        mw += rows[i].sliced_w1 / (double)n;
    }
    for (size_t i = 0; rows && i < n; i++) {
        double de = rows[i].est - me, dw = rows[i].sliced_w1 - mw;
        see += de * de;
        sww += dw * dw;
        sew += de * dw;
    }
    o->corr[which] = see > 0 && sww > 0 ? sew / sqrt(see * sww) : NAN;
    o->secs[which] = lg_now() - t0;
    if (rc != LG_OK)
        return rc;
    char name[64];
    snprintf(name, sizeof name, "train_%s.csv", exp_run_name[which]);
    FILE *fp = lg_labkit_fopen(dir, name);
    if (!fp)
        return LG_EIO;
    fprintf(fp, "# litgan lab 03, seed %ld: %s on %s, G %s, D %s, %s, %ld critic steps per generator step, batch %ld; "
                "estimate = mean D(x_r) - mean D(G(z)) on fixed batches of %zu; 2500 samples for the metrics\n"
                "step,estimate,sliced_w1,high_quality,modes\n",
            c->gan.seed, exp_run_title[which], c->gan.data, c->gan.g, c->gan.d, opt, d_steps, c->gan.batch, B);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%ld,%.6g,%.6g,%.4g,%.0f\n", rows[i].step, rows[i].est, rows[i].sliced_w1, rows[i].hq,
                rows[i].modes);
    return lg_labkit_fclose(fp, dir, name);
}

static int write_weights(const exp_config *c, const exp_train_out *o, const char *dir)
{
    enum { BINS = 45 }; /* bins of width 0.05 in units of c, centred on -1.1, -1.05, ..., 1.1 (so on +-1) */
    double count[BINS] = { 0 };
    for (size_t i = 0; i < o->n_weights; i++) {
        long k = lround(o->weights[i] / 0.05) + BINS / 2;
        count[k < 0 ? 0 : k >= BINS ? BINS - 1 : k] += 1.0 / (double)o->n_weights;
    }
    FILE *fp = lg_labkit_fopen(dir, "weights.csv");
    if (!fp)
        return LG_EIO;
    fprintf(fp, "# litgan lab 03, seed %ld: the WGAN critic's %zu parameters after %ld generator steps, in units "
                "of c = %g: the share in each bin of width 0.05\nw_over_c,share\n",
            c->gan.seed, o->n_weights, c->gan.steps, c->clip);
    for (int k = 0; k < BINS; k++)
        fprintf(fp, "%.3f,%.6g\n", 0.05 * (k - BINS / 2), count[k]);
    return lg_labkit_fclose(fp, dir, "weights.csv");
}

int exp_train_part(const exp_config *c, const exp_student *s, const char *dir, exp_train_out *o)
{
    char clip_reg[4400];
    snprintf(clip_reg, sizeof clip_reg, "%s:c=%.17g", s->clip_so, c->clip);
    int rc;
    if ((rc = train_one(c, EXP_RUN_GAN, s->gan_so, NULL, c->opt_gan, 1, dir, o)) != LG_OK ||
        (rc = train_one(c, EXP_RUN_WGAN, s->wgan_so, clip_reg, c->opt_wgan, 5, dir, o)) != LG_OK ||
        (rc = train_one(c, EXP_RUN_ADAM, s->wgan_so, clip_reg, c->opt_adam, 5, dir, o)) != LG_OK ||
        (rc = train_one(c, EXP_RUN_GP, s->wgan_so, "gp", c->opt_gp, 5, dir, o)) != LG_OK)
        return rc;
    return write_weights(c, o, dir);
}

void exp_train_free(exp_train_out *o)
{
    for (int i = 0; i < EXP_N_RUNS; i++) {
        free(o->rows[i]);
        o->rows[i] = NULL;
    }
    free(o->weights);
    o->weights = NULL;
}
