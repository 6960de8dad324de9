/*
 * exp_train.c - one training run of `litgan lab 06`: BiGAN-QP (the student's
 * biganqp.c, or for the ablation without stops exp_loss.c's variant installed
 * on the same run) on MNIST or Fashion-MNIST, with a trace every log_every
 * steps: the objectives, the reconstruction error x -> G(E(x)) of held-out
 * images (the student's recon.c), the latent error z -> E(G(z)), and the
 * image metrics of the samples (FID, classes, inception score) -
 * train_NAME.csv.
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "litgan/sys.h"

const char *const exp_run_name[N_RUNS] = { "full", "none", "latent", "image", "nostop", "fashion" };
const char *const exp_run_title[N_RUNS] = { "BiGAN-QP (both guidance terms, stopped)",
                                            "no guidance (beta1 = beta2 = 0)",
                                            "latent guidance only (beta2 = 0)",
                                            "image guidance only (beta1 = 0)",
                                            "no stop-gradient (each term trains G and E)",
                                            "BiGAN-QP on Fashion-MNIST" };

int exp_heldout(const lg_dataset *ds, long want, gsl_matrix **x, int **y)
{
    size_t n = lg_dataset_count(ds, LG_SPLIT_TEST);
    if (want > 0 && (size_t)want < n)
        n = (size_t)want;
    if (n < 2)
        return lg_seterr(LG_EINVAL, "lab 06: %s has no held-out images to reconstruct", lg_dataset_name(ds));
    *x = gsl_matrix_alloc(n, lg_dataset_dim(ds));
    *y = lg_labkit_calloc(n, sizeof(int), "the held-out labels");
    if (!*y) {
        gsl_matrix_free(*x);
        return LG_ENOMEM;
    }
    lg_dataset_rows(ds, LG_SPLIT_TEST, 0, *x, *y);
    return LG_OK;
}

/* The mean squared error over every coordinate of z - E(G(z)). */
static double latent_error(lg_net *G, lg_net *E, const gsl_matrix *z, gsl_matrix *xf, gsl_matrix *zr)
{
    lg_net_forward(G, z, xf);
    lg_net_forward(E, xf, zr);
    double s = 0;
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        s += (z->data[i] - zr->data[i]) * (z->data[i] - zr->data[i]);
    return s / (double)(z->size1 * z->size2);
}

static int write_trace(const exp_config *c, int which, const char *loss, const exp_run_out *o, const char *dir)
{
    char name[64];
    snprintf(name, sizeof name, "train_%s.csv", exp_run_name[which]);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 06, seed %ld: %s; loss %s on %s, G %s, T %s, E %s, batch %ld, %ld critic steps per "
               "step; recon = error of G(E(x)) on %ld held-out images (recon.c), latent = MSE of z - E(G(z)), fid "
               "on %ld samples\nstep,loss_d,loss_g,recon,latent,fid,classes,inception\n",
            c->gan.seed, exp_run_title[which], loss, which == RUN_FASHION ? c->fashion : c->gan.data, c->gan.g,
            c->gan.d, c->e, c->gan.batch, c->gan.d_steps, c->heldout, c->fid_samples);
    for (size_t i = 0; i < o->n; i++) {
        const exp_row *r = &o->rows[i];
        fprintf(f, "%ld,%.6g,%.6g,%.6g,%.6g,%.6g,%.0f,%.4g\n", r->step, r->loss_d, r->loss_g, r->recon, r->latent,
                r->fid, r->classes, r->inception);
    }
    return lg_labkit_fclose(f, dir, name);
}

int exp_train_run(const exp_config *c, const exp_student *s, int which, const char *dir, exp_run_out *o,
                  lg_run **keep)
{
    double t0 = lg_now();
    double b1 = which == RUN_NONE || which == RUN_IMAGE ? 0 : c->beta1;
    double b2 = which == RUN_NONE || which == RUN_LATENT ? 0 : c->beta2;
    long steps = which == RUN_FASHION ? c->fashion_steps : c->gan.steps;
    char run_dir[4200], loss[4400], kv[128];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", dir, exp_run_name[which]);
    snprintf(kv, sizeof kv, "beta1=%.17g,beta2=%.17g", b1, b2);
    snprintf(loss, sizeof loss, "%s:%s", s->loss_so, kv);
    lg_run_config rc_;
    lg_run_config_init(&rc_);
    rc_.loss = loss;
    rc_.data = which == RUN_FASHION ? c->fashion : c->gan.data;
    rc_.g = c->gan.g;
    rc_.d = c->gan.d;
    rc_.e = c->e;
    rc_.opt_d = c->gan.opt_d;
    rc_.opt_g = c->gan.opt_g;
    rc_.d_steps = c->gan.d_steps;
    rc_.batch = c->gan.batch;
    rc_.steps = steps;
    rc_.seed = c->gan.seed;
    rc_.precision = c->gan.precision[0] ? c->gan.precision : NULL;
    rc_.out = run_dir;
    rc_.quiet = 1;
    rc_.force = 1;
    lg_labkit_phase("opening a BiGAN-QP run (biganqp.c)", -1);
    lg_run *run;
    int rc = lg_run_open(&rc_, &run);
    if (rc != LG_OK)
        return rc;
    lg_game *g = lg_run_game(run);
    if (which == RUN_NOSTOP) {
        char kv2[160];
        snprintf(kv2, sizeof kv2, "%s,stop=none", kv);
        if ((rc = lg_game_set_loss_desc(g, &exp_biganqp_stops, kv2)) != LG_OK) {
            lg_run_close(run);
            return rc;
        }
    }
    lg_net *G = lg_game_net(g, LG_NET_G), *E = lg_game_net(g, LG_NET_E);
    gsl_matrix *x = NULL;
    int *y = NULL;
    if ((rc = exp_heldout(lg_run_dataset(run), c->heldout, &x, &y)) != LG_OK) {
        lg_run_close(run);
        return rc;
    }
    size_t n = x->size1, xd = x->size2, zd = lg_net_in_dim(G), nz = 500;
    gsl_matrix *zr = gsl_matrix_alloc(n, zd), *xr = gsl_matrix_alloc(n, xd), *z = gsl_matrix_alloc(nz, zd),
               *zf = gsl_matrix_alloc(nz, xd), *zz = gsl_matrix_alloc(nz, zd);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 600));
    for (size_t i = 0; i < nz * zd; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    gsl_rng_free(r);
    size_t cap = (size_t)(steps / c->log_every) + 2;
    o->rows = lg_labkit_calloc(cap, sizeof(exp_row), "the trace");
    o->n = 0;
    const char *what = which == RUN_NOSTOP ? "BiGAN-QP without stop-gradients (the lab's variant of biganqp.c)"
                                          : "BiGAN-QP (biganqp.c)";
    for (long step = 0; o->rows && rc == LG_OK && step <= steps; step++) {
        if (step > 0 && (rc = lg_labkit_run_step(run, step, what)) != LG_OK)
            break;
        if (step % c->log_every && step != steps)
            continue;
        lg_run_summary sm;
        if ((rc = lg_run_evaluate(run, (size_t)c->fid_samples, &sm)) != LG_OK)
            break;
        exp_row *w = &o->rows[o->n++];
        w->step = step;
        w->loss_d = lg_game_last_loss(g, LG_PLAYER_D);
        w->loss_g = lg_game_last_loss(g, LG_PLAYER_G);
        w->fid = sm.fid;
        w->classes = sm.classes;
        w->inception = sm.inception;
        lg_net_forward(E, x, zr);
        lg_net_forward(G, zr, xr);
        w->recon = s->recon ? s->recon(x->data, xr->data, n, xd) : NAN;
        w->latent = latent_error(G, E, z, zf, zz);
    }
    if (!o->rows)
        rc = LG_ENOMEM;
    for (size_t k = 0; k < LG_LAB06_RECON_K; k++)
        o->by_class[k] = NAN;
    if (rc == LG_OK && s->by_class) /* xr holds G(E(x)) of the last row */
        s->by_class(x->data, xr->data, y, n, xd, LG_LAB06_RECON_K, o->by_class);
    gsl_matrix_free(zr);
    gsl_matrix_free(xr);
    gsl_matrix_free(z);
    gsl_matrix_free(zf);
    gsl_matrix_free(zz);
    gsl_matrix_free(x);
    free(y);
    o->secs = lg_now() - t0;
    if (rc == LG_OK)
        rc = write_trace(c, which, which == RUN_NOSTOP ? "biganqp-stops (stop=none)" : "biganqp.c", o, dir);
    o->done = rc == LG_OK;
    if (rc == LG_OK && keep)
        *keep = run;
    else
        lg_run_close(run);
    return rc;
}

void exp_run_free(exp_run_out *o)
{
    free(o->rows);
    o->rows = NULL;
}
