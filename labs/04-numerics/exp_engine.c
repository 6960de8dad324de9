/*
 * exp_engine.c - the parts of `litgan lab 04` that train through the engine:
 *   eng_LOSS.csv   the Dirac-GAN (--data dirac:x=0, G 1-1c, D 1-1n) trained by
 *                  the loss plugins with SGD, simultaneous and alternating,
 *                  beside the closed-form trajectory of lab04.h (LOSS: minimax
 *                  with Lab 01's gan.c, nonsat with Lab 02's nsgan.c, wgan)
 *   cons.csv       the minimax Dirac-GAN with the student's consensus.c
 *                  (simultaneous SGD) beside the closed-form consensus steps
 *   ring.csv, samples_plain.csv, samples_cons.csv, modes.csv
 *                  the ring of 8 Gaussians with simultaneous RMSProp, plain and
 *                  with consensus: modes covered over training, final samples
 */
#include "exp.h"

#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One run: loss (a path or a name), one regularizer or NULL. */
static int open_run(const char *loss, const char *reg, const char *data, const char *g, const char *d,
                    const char *opt, long batch, long steps, long seed, int simultaneous, const char *dir,
                    const char *name, lg_run **out)
{
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", dir, name);
    lg_run_config rc;
    lg_run_config_init(&rc);
    rc.loss = loss;
    if (reg) {
        rc.regs[0] = reg;
        rc.n_regs = 1;
    }
    rc.data = data, rc.g = g, rc.d = d, rc.opt_d = rc.opt_g = opt;
    rc.batch = batch, rc.steps = steps, rc.seed = seed, rc.d_steps = 1, rc.d_pretrain = 0;
    rc.simultaneous = simultaneous, rc.out = run_dir, rc.quiet = 1, rc.force = 1;
    return lg_run_open(&rc, out);
}

/* (psi, theta) of a Dirac-GAN run, and setting them. */
static void dirac_get(lg_run *run, double x[2])
{
    size_t n;
    x[0] = lg_game_params(lg_run_game(run), LG_NET_D, &n)[0];
    x[1] = lg_game_params(lg_run_game(run), LG_NET_G, &n)[0];
}

static void dirac_set(lg_run *run, const double x[2])
{
    size_t n;
    lg_game_params(lg_run_game(run), LG_NET_D, &n)[0] = x[0];
    lg_game_params(lg_run_game(run), LG_NET_G, &n)[0] = x[1];
}

/* The closed-form step of lab04.h: simultaneous (alt 0) or D then G (alt 1),
 * with the consensus correction gamma J^T v (simultaneous only). */
static void ref_step(int loss, double h, double gamma, int alt, double x[2])
{
    double d[6];
    lg_lab04_dirac_ref(loss, x[0], x[1], d);
    if (alt) {
        x[0] -= h * d[0];
        lg_lab04_dirac_ref(loss, x[0], x[1], d);
        x[1] -= h * d[1];
        return;
    }
    double w0 = d[0] + gamma * (d[2] * d[0] + d[4] * d[1]), w1 = d[1] + gamma * (d[3] * d[0] + d[5] * d[1]);
    x[0] -= h * w0, x[1] -= h * w1;
}

static const char *const dirac_data = "dirac:x=0", *const dirac_g = "1-1c", *const dirac_d = "1-1n";

/* The three losses through the engine, both step orders. */
static int engine_dirac(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    const char *loss[3] = { s->gan_so, s->nsgan_so, "wgan" };
    /* wgan brings clipping at 0.01 (its paper's default), which would pin psi;
     * naming a regularizer replaces it: R1 with weight 0 adds nothing */
    const char *reg[3] = { NULL, NULL, "r1:gamma=0" };
    static const char *const file[3] = { "minimax", "nonsat", "wgan" };
    char opt[64];
    snprintf(opt, sizeof opt, "sgd:lr=%.17g", c->h);
    for (int k = 0; k < 3; k++) {
        r->eng_dev[k] = NAN;
        if (!loss[k])
            continue;
        double *xs = lg_labkit_calloc((size_t)(c->steps + 1) * 8, sizeof(double), "the trajectories");
        if (!xs)
            return LG_ENOMEM;
        int rc = LG_OK;
        for (int alt = 0; alt < 2 && rc == LG_OK; alt++) {
            char name[64];
            snprintf(name, sizeof name, "dirac-%s-%s", file[k], alt ? "alt" : "sim");
            lg_run *run;
            if ((rc = open_run(loss[k], reg[k], dirac_data, dirac_g, dirac_d, opt, 1, c->steps, c->seed, !alt, dir,
                               name, &run)) != LG_OK)
                break;
            double x[2] = { c->start[1], c->start[0] }, ref[2] = { c->start[1], c->start[0] };
            dirac_set(run, x);
            for (long t = 0; t <= c->steps && rc == LG_OK; t++) {
                double *row = xs + 8 * t + 4 * alt;
                dirac_get(run, x);
                row[0] = x[1], row[1] = x[0], row[2] = ref[1], row[3] = ref[0];
                if (t < c->steps) {
                    rc = lg_labkit_run_step(run, t + 1, "the Dirac-GAN through the engine");
                    ref_step(k, c->h, 0, alt, ref);
                }
            }
            lg_run_close(run);
        }
        if (rc != LG_OK) {
            free(xs);
            return rc;
        }
        char name[64];
        snprintf(name, sizeof name, "eng_%s.csv", file[k]);
        FILE *f = lg_labkit_fopen(dir, name);
        if (!f) {
            free(xs);
            return LG_EIO;
        }
        fprintf(f, "# litgan lab 04: the %s Dirac-GAN trained by litgan (--data %s, G %s, D %s, %s, batch 1) "
                   "beside the closed form\nstep,sim_theta,sim_psi,ref_sim_theta,ref_sim_psi,alt_theta,alt_psi,"
                   "ref_alt_theta,ref_alt_psi\n", file[k], dirac_data, dirac_g, dirac_d, opt);
        r->eng_dev[k] = 0;
        for (long t = 0; t <= c->steps; t++) {
            const double *w = xs + 8 * t;
            fprintf(f, "%ld", t);
            for (int i = 0; i < 8; i++)
                fprintf(f, ",%.12g", w[i]);
            fprintf(f, "\n");
            /* relative to the size of the orbit (it grows when simultaneous) */
            for (int i = 0; i < 8; i += 2)
                if (i % 4 == 0) {
                    double dev = hypot(w[i] - w[i + 2], w[i + 1] - w[i + 3]) / fmax(1, hypot(w[i + 2], w[i + 3]));
                    r->eng_dev[k] = fmax(r->eng_dev[k], isnan(dev) ? INFINITY : dev);
                }
        }
        free(xs);
        if ((rc = lg_labkit_fclose(f, dir, name)) != LG_OK)
            return rc;
    }
    return LG_OK;
}

/* The minimax Dirac-GAN with the student's consensus regularizer. */
static int engine_consensus(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    char opt[64], reg[4300];
    snprintf(opt, sizeof opt, "sgd:lr=%.17g", c->h);
    snprintf(reg, sizeof reg, "%s:gamma=%.17g", s->consensus_so, c->gamma_dirac);
    lg_run *run;
    int rc = open_run(s->gan_so, reg, dirac_data, dirac_g, dirac_d, opt, 1, c->steps, c->seed, 1, dir,
                      "dirac-consensus", &run);
    if (rc != LG_OK)
        return rc;
    FILE *f = lg_labkit_fopen(dir, "cons.csv");
    if (!f) {
        lg_run_close(run);
        return LG_EIO;
    }
    fprintf(f, "# litgan lab 04: the minimax Dirac-GAN, simultaneous SGD(%g) with consensus.c (gamma = %g), "
               "beside the closed form\nstep,theta,psi,ref_theta,ref_psi,r\n", c->h, c->gamma_dirac);
    double x[2] = { c->start[1], c->start[0] }, ref[2] = { c->start[1], c->start[0] };
    dirac_set(run, x);
    r->cons_dev = 0;
    for (long t = 0; t <= c->steps && rc == LG_OK; t++) {
        dirac_get(run, x);
        fprintf(f, "%ld,%.12g,%.12g,%.12g,%.12g,%.6g\n", t, x[1], x[0], ref[1], ref[0], hypot(x[0], x[1]));
        double dev = hypot(x[0] - ref[0], x[1] - ref[1]);
        r->cons_dev = fmax(r->cons_dev, isnan(dev) ? INFINITY : dev);
        r->cons_r = hypot(x[0], x[1]);
        if (t < c->steps) {
            rc = lg_labkit_run_step(run, t + 1, "consensus on the Dirac-GAN (plugins/consensus.c)");
            ref_step(LG_LAB04_MINIMAX, c->h, c->gamma_dirac, 0, ref);
        }
    }
    lg_run_close(run);
    int rc2 = lg_labkit_fclose(f, dir, "cons.csv");
    return rc != LG_OK ? rc : rc2;
}

/* ------------------------------------------------------------- the ring --- */

static int write_samples(lg_run *run, const char *dir, const char *name, long n, long seed)
{
    lg_net *G = lg_game_net(lg_run_game(run), LG_NET_G);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, lg_seed_stream(seed, 47));
    gsl_matrix *z = gsl_matrix_alloc((size_t)n, lg_net_in_dim(G)), *x = gsl_matrix_alloc((size_t)n, 2);
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    lg_net_forward(G, z, x);
    FILE *f = lg_labkit_fopen(dir, name);
    int rc = LG_EIO;
    if (f) {
        fprintf(f, "# litgan lab 04: %ld samples of G at the end\nx,y\n", n);
        for (long i = 0; i < n; i++)
            fprintf(f, "%.6g,%.6g\n", gsl_matrix_get(x, (size_t)i, 0), gsl_matrix_get(x, (size_t)i, 1));
        rc = lg_labkit_fclose(f, dir, name);
    }
    gsl_matrix_free(z);
    gsl_matrix_free(x);
    gsl_rng_free(rng);
    return rc;
}

static int engine_ring(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    char opt[64], reg[4300];
    snprintf(opt, sizeof opt, "rmsprop:lr=%.17g", c->ring_lr);
    snprintf(reg, sizeof reg, "%s:gamma=%.17g", s->consensus_so, c->ring_gamma);
    long rows = c->ring_steps / c->ring_every + 1;
    double *m = lg_labkit_calloc((size_t)rows * 6, sizeof(double), "the ring's modes");
    if (!m)
        return LG_ENOMEM;
    int rc = LG_OK;
    for (int k = 0; k < 2 && rc == LG_OK; k++) {
        double t0 = now();
        lg_run *run;
        if ((rc = open_run(s->nsgan_so, k ? reg : NULL, "ring8", c->ring_g, c->ring_d, opt, c->ring_batch,
                           c->ring_steps, c->seed, 1, dir, k ? "ring-consensus" : "ring-plain", &run)) != LG_OK)
            break;
        if (k == 0) { /* the modes, for the figure */
            size_t nm;
            double sigma;
            const double *mu = lg_dataset_modes(lg_run_dataset(run), &nm, &sigma);
            FILE *f = lg_labkit_fopen(dir, "modes.csv");
            if (!f) {
                lg_run_close(run);
                rc = LG_EIO;
                break;
            }
            fprintf(f, "# litgan lab 04: the modes of ring8 (sigma %g)\nx,y\n", sigma);
            for (size_t i = 0; i < nm; i++)
                fprintf(f, "%.6g,%.6g\n", mu[2 * i], mu[2 * i + 1]);
            if ((rc = lg_labkit_fclose(f, dir, "modes.csv")) != LG_OK) {
                lg_run_close(run);
                break;
            }
        }
        for (long t = 0, row = 0; t <= c->ring_steps && rc == LG_OK; t++) {
            if (t % c->ring_every == 0) {
                lg_run_summary sum;
                if ((rc = lg_run_evaluate(run, (size_t)c->ring_samples, &sum)) != LG_OK)
                    break;
                m[6 * row + 3 * k] = sum.modes, m[6 * row + 3 * k + 1] = sum.high_quality;
                m[6 * row + 3 * k + 2] = sum.sliced_w1;
                r->ring_modes[k] = sum.modes, r->ring_hq[k] = sum.high_quality, r->ring_w1[k] = sum.sliced_w1;
                row++;
            }
            if (t < c->ring_steps)
                rc = lg_labkit_run_step(run, t + 1, k ? "the ring with consensus (plugins/consensus.c)"
                                                      : "the ring, plain simultaneous steps");
        }
        if (rc == LG_OK)
            rc = write_samples(run, dir, k ? "samples_cons.csv" : "samples_plain.csv", c->ring_samples, c->seed);
        lg_run_close(run);
        r->ring_secs[k] = now() - t0;
    }
    if (rc == LG_OK) {
        FILE *f = lg_labkit_fopen(dir, "ring.csv");
        if (!f) {
            free(m);
            return LG_EIO;
        }
        fprintf(f, "# litgan lab 04: ring8, nsgan, simultaneous %s, batch %ld, G %s, D %s; modes covered and %% "
                   "of high-quality samples of %ld, sliced W1 to the data\nstep,modes_plain,hq_plain,w1_plain,modes_cons,hq_cons,w1_cons\n",
                opt, c->ring_batch, c->ring_g, c->ring_d, c->ring_samples);
        for (long row = 0; row < rows; row++)
            fprintf(f, "%ld,%g,%g,%.6g,%g,%g,%.6g\n", row * c->ring_every, m[6 * row], m[6 * row + 1],
                    m[6 * row + 2], m[6 * row + 3], m[6 * row + 4], m[6 * row + 5]);
        rc = lg_labkit_fclose(f, dir, "ring.csv");
    }
    free(m);
    return rc;
}

/* A part that fails because a task (this lab's or an earlier one's) is still
 * a stub is left out with a note; any other failure stops the experiment. */
static int stubbed(int rc, exp_results *r, const char *what)
{
    if (rc == LG_OK || !strstr(lg_errmsg(), "is not implemented yet"))
        return rc;
    char note[512];
    snprintf(note, sizeof note, "%s is left out: %s.", what, lg_errmsg());
    exp_note(r, note);
    return LG_OK;
}

int exp_engine_part(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    int rc = stubbed(engine_dirac(c, s, dir, r), r, "The Dirac-GAN through the engine");
    if (rc != LG_OK)
        return rc;
    if (!s->consensus_so || !s->gan_so || !s->nsgan_so) {
        exp_note(r, "Consensus through the engine needs plugins/consensus.c (Task 4.3) and the losses of Labs 01 "
                    "and 02: left out.");
        return LG_OK;
    }
    if ((rc = stubbed(engine_consensus(c, s, dir, r), r, "Consensus on the Dirac-GAN")) != LG_OK)
        return rc;
    return stubbed(engine_ring(c, s, dir, r), r, "Consensus on the ring");
}
