/*
 * experiment.c - `litgan lab 02`: the minimax and the non-saturating generator
 * losses from the same strong discriminator (Goodfellow et al. 2014, Sec. 3:
 * "Early in learning, when G is poor, D can reject samples with high confidence
 * ... log(1 - D(G(z))) saturates").
 *
 * Two runs with the same seed, hence the same initial networks and the same
 * discriminator after d_pretrain steps of D alone (the runner's --d-pretrain):
 * one trains G with plugins/gan.c (Lab 01), one with plugins/nsgan.c. Plain SGD
 * for G by default, so the size of G's step is the size of its gradient (Adam
 * would divide the gradient by its own running scale and hide the saturation).
 * At step 0 - after D's head start, before G's first step, the point both runs
 * share - and every log_every steps after it, on a fixed batch (the same for both
 * runs): G's loss, the norm of its gradient, D's loss, the mean D(G(z)), the mean
 * logit-gradient magnitude that gradients.c predicts at those D(G(z)), and W1 to
 * the data.
 *
 * Writes into out_dir:
 *   train_gan.csv, train_nsgan.csv   the rows above
 *   curves.csv                       d, |dL/ds| minimax, |dL/ds| non-saturating (gradients.c)
 *   final.csv                        x, p_data, p_g of each run at the end (KDE, as in Lab 01)
 *   settings.gp                      this run's values for the figure scripts (data, seed,
 *                                    steps, ranges, D(G(z)) at step 0)
 *   fig_gradients.gp, fig_training.gp, fig_densities.gp   copies of this folder's scripts,
 *                                    which load settings.gp; their PNGs; results.md
 * (fig_gradients.png only when gradients.c is implemented: it draws curves.csv.)
 */
#include "lab02.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

typedef struct config {
    lg_labkit_gan gan;             /* data, nets, optimizers, batch, steps, seed, d_pretrain */
    long log_every, samples;
    double grid[3], bandwidth;
} config;

/* lab.ini: the keys, and their defaults (the values of labs/02-nonsaturating/lab.ini). */
static int read_config(const lg_lab_run *run, config *c)
{
    const char *path = run->ini_path;
    *c = (config){
        .gan = { .data = "mog1d:k=2,lo=3,hi=6,sigma=0.5", .g = "1-16t-16t-1", .d = "1-32l-32l-1",
                 .opt_d = "adam:lr=1e-3,b1=0.5", .opt_g = "sgd:lr=0.02",
                 .batch = 128, .steps = 2000, .seed = 1, .d_steps = 1, .d_pretrain = 2000 },
        .log_every = 10, .samples = 5000, .grid = { -2, 9, 441 }, .bandwidth = 0.1,
    };
    const lg_labkit_key keys[] = { /* besides the GAN's (lg_labkit_gan: data, g, d, opt_d, ...) */
        { "log_every", LG_LABKIT_LONG, &c->log_every, 1, NULL },
        { "samples", LG_LABKIT_LONG, &c->samples, 1, NULL },
        { "bandwidth", LG_LABKIT_POSITIVE, &c->bandwidth, 1, NULL },
        { "grid", LG_LABKIT_DOUBLES, c->grid, 3, NULL },
    };
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    if (c->gan.steps < 1 || c->gan.batch < 1 || c->log_every < 1 || c->samples < 100)
        return lg_seterr(LG_EINVAL, "%s: steps, batch, log_every >= 1 and samples >= 100", path);
    if (!(c->grid[0] < c->grid[1]) || c->grid[2] < 11 || c->grid[2] > 100000)
        return lg_seterr(LG_EINVAL, "%s: grid = LO, HI, POINTS with LO < HI and 11..100000 points", path);
    return LG_OK;
}

/* One run's numbers at the rows we keep. */
typedef struct row {
    long step;
    double loss_g, gnorm, loss_d, d_fake, pred, w1;
} row;

typedef struct trace {
    const char *name;      /* "gan", "nsgan" */
    row *rows;
    size_t n;
    double *final;         /* G samples at the end */
} trace;

/* The measurements of one row, on the fixed batch (real, noise): overwriting the
 * game's batch is harmless, the runner refills it before every step. */
static int measure(lg_run *run, const gsl_matrix *real, const gsl_matrix *noise, const double *data,
                   size_t n_data, lg_lab02_grad_fn pred, const config *c, double *work, row *out)
{
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *D = lg_game_net(g, LG_NET_D);
    gsl_matrix_memcpy(lg_game_real_batch(g), real);
    gsl_matrix_memcpy(lg_game_noise_batch(g), noise);
    int rc = lg_game_eval(g, LG_PLAYER_D, &out->loss_d, NULL);
    if (rc != LG_OK || (rc = lg_game_eval(g, LG_PLAYER_G, &out->loss_g, NULL)) != LG_OK)
        return rc;
    size_t n = lg_game_param_count(g), nD, nG;
    lg_net_params(D, &nD);
    lg_net_params(G, &nG);
    double *grad = lg_labkit_calloc(n, sizeof(double), "the gradient");
    if (!grad)
        return LG_ENOMEM;
    rc = lg_game_loss_grad(g, LG_PLAYER_G, grad);
    out->gnorm = lg_norm2(grad + nD, nG); /* G's block of [theta_D, theta_G] */
    free(grad);
    if (rc != LG_OK)
        return rc;
    /* D(G(z)) on the fixed noise, and the magnitude gradients.c predicts there */
    size_t B = noise->size1;
    lg_labkit_g_samples(G, B, lg_seed_stream(c->gan.seed, 41), work);
    lg_labkit_d_values(D, work, B, work + B);
    out->d_fake = out->pred = 0;
    for (size_t i = 0; i < B; i++) {
        out->d_fake += work[B + i] / (double)B;
        out->pred += pred ? pred(work[B + i]) / (double)B : NAN;
    }
    lg_labkit_g_samples(G, n_data, lg_seed_stream(c->gan.seed, 43), work);
    out->w1 = lg_w1_1d(work, n_data, data, n_data);
    return LG_OK;
}

/* The runner does D's head start (d_pretrain) inside the first step, right before
 * G's first update, and that update moves only G. So the point both runs share -
 * D after its head start, G as initialised - is the state after step 1 with G's
 * initial parameters (theta0) put back: measured that way as step 0, then G's
 * own parameters are restored and training goes on. (A G with BatchNorm would
 * keep the running statistics of step 1; these networks have none.) */
static int measure_start(lg_run *run, const double *theta0, const gsl_matrix *real, const gsl_matrix *noise,
                         const double *data, size_t n_data, lg_lab02_grad_fn pred, const config *c, double *work,
                         row *out)
{
    size_t n;
    double *theta = lg_net_params(lg_game_net(lg_run_game(run), LG_NET_G), &n);
    double *now = lg_labkit_calloc(n, sizeof(double), "G's parameters");
    if (!now)
        return LG_ENOMEM;
    memcpy(now, theta, n * sizeof(double));
    memcpy(theta, theta0, n * sizeof(double));
    out->step = 0;
    int rc = measure(run, real, noise, data, n_data, pred, c, work, out);
    memcpy(theta, now, n * sizeof(double));
    free(now);
    return rc;
}

static int train(const config *c, const char *loss_path, const char *name, const char *out_dir,
                 const lg_dataset *ds, const double *data, lg_lab02_grad_fn pred, trace *t)
{
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", out_dir, name);
    lg_run *run;
    int rc = lg_labkit_run_open(&c->gan, loss_path, run_dir, &run);
    if (rc != LG_OK)
        return rc;
    t->name = name;
    t->n = 0;
    if (!(t->rows = lg_labkit_calloc((size_t)(c->gan.steps / c->log_every + 2), sizeof(row), "the trace"))) {
        lg_run_close(run);
        return LG_ENOMEM;
    }
    size_t B = (size_t)c->gan.batch, nd = (size_t)c->samples;
    /* the fixed batch: the same stream for both runs */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 37));
    lg_game *g = lg_run_game(run);
    gsl_matrix *real = gsl_matrix_alloc(B, 1), *noise = gsl_matrix_alloc(B, lg_game_noise_batch(g)->size2);
    lg_dataset_sample(ds, r, real);
    for (size_t i = 0; i < noise->size1 * noise->size2; i++)
        noise->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    double *work = lg_labkit_calloc(2 * B + nd, sizeof(double), "samples");
    size_t n_theta;
    const double *theta = lg_net_params(lg_game_net(g, LG_NET_G), &n_theta);
    double *theta0 = lg_labkit_calloc(n_theta, sizeof(double), "G's parameters");
    if (!work || !theta0)
        rc = LG_ENOMEM;
    else
        memcpy(theta0, theta, n_theta * sizeof(double));
    const char *what = !strcmp(name, "gan") ? "the minimax run (plugins/gan.c of Lab 01)"
                                            : "the non-saturating run (plugins/nsgan.c)";
    for (long step = 1; rc == LG_OK && step <= c->gan.steps; step++) {
        if ((rc = lg_labkit_run_step(run, step, what)) != LG_OK)
            break;
        if (step == 1)
            rc = measure_start(run, theta0, real, noise, data, nd, pred, c, work, &t->rows[t->n++]);
        if (rc == LG_OK && (step % c->log_every == 0 || step == c->gan.steps)) {
            row *w = &t->rows[t->n++];
            w->step = step;
            rc = measure(run, real, noise, data, nd, pred, c, work, w);
        }
    }
    free(theta0);
    if (rc == LG_OK && !(t->final = lg_labkit_calloc(nd, sizeof(double), "samples")))
        rc = LG_ENOMEM;
    if (rc == LG_OK) {
        lg_labkit_g_samples(lg_game_net(lg_run_game(run), LG_NET_G), nd, lg_seed_stream(c->gan.seed, 43), t->final);
    }
    free(work);
    gsl_matrix_free(real);
    gsl_matrix_free(noise);
    gsl_rng_free(r);
    lg_run_close(run);
    return rc;
}

static int write_trace(const trace *t, const config *c, const char *dir)
{
    char name[64];
    snprintf(name, sizeof name, "train_%s.csv", t->name);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 02, seed %ld: generator loss %s after %ld steps of D alone; measured on "
               "a fixed batch of %ld\nstep,loss_g,gnorm_g,loss_d,d_fake,pred_dlds,w1\n",
            c->gan.seed, t->name, c->gan.d_pretrain, c->gan.batch);
    for (size_t i = 0; i < t->n; i++) {
        const row *w = &t->rows[i];
        fprintf(f, "%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.6g\n", w->step, w->loss_g, w->gnorm, w->loss_d,
                w->d_fake, w->pred, w->w1);
    }
    return lg_labkit_fclose(f, dir, name);
}

/* curves.csv: both magnitudes of gradients.c at d = 0, then 1e-6 .. 1e-2 evenly in
 * log d (for the log-log panel), 0.01 .. 0.99 evenly, 0.99 .. 1 - 1e-6 evenly in
 * log(1 - d), and 1. */
static int write_curves(lg_lab02_grad_fn mm, lg_lab02_grad_fn ns, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "curves.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 02: |dL/ds| at D(G(z)) = d, from gradients.c\nd,minimax,nonsat\n");
    fprintf(f, "0,%.9g,%.9g\n", mm(0), ns(0));
    for (int i = 0; i < 80; i++) {
        double d = pow(10.0, -6.0 + 4.0 * i / 80.0);
        fprintf(f, "%.9g,%.9g,%.9g\n", d, mm(d), ns(d));
    }
    for (int i = 1; i <= 99; i++) {
        double d = i / 100.0;
        fprintf(f, "%.9g,%.9g,%.9g\n", d, mm(d), ns(d));
    }
    for (int i = 1; i <= 40; i++) {
        double d = 1.0 - pow(10.0, -2.0 - 4.0 * i / 40.0);
        fprintf(f, "%.9g,%.9g,%.9g\n", d, mm(d), ns(d));
    }
    fprintf(f, "1,%.9g,%.9g\n", mm(1), ns(1));
    return lg_labkit_fclose(f, dir, "curves.csv");
}

static int write_final(const config *c, lg_dataset *ds, trace *t, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "final.csv");
    if (!f)
        return LG_EIO;
    size_t n = (size_t)c->grid[2];
    lg_labkit_kde k[2];
    memset(k, 0, sizeof k);
    for (int i = 0; i < 2; i++)
        lg_labkit_kde_fit(&k[i], t[i].final, (size_t)c->samples, c->bandwidth);
    fprintf(f, "# litgan lab 02, seed %ld: p_g is a KDE of %ld samples of G (bandwidth %g)\n"
               "x,p_data,p_g_gan,p_g_nsgan\n", c->gan.seed, c->samples, c->bandwidth);
    for (size_t i = 0; i < n; i++) {
        double x = lg_labkit_grid_x(c->grid, i);
        fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", x, lg_labkit_data_density(x, ds),
                lg_labkit_kde_density(x, &k[0]), lg_labkit_kde_density(x, &k[1]));
    }
    lg_labkit_kde_free(&k[0]);
    lg_labkit_kde_free(&k[1]);
    return lg_labkit_fclose(f, dir, "final.csv");
}

/* settings.gp: what fig_gradients.gp, fig_training.gp and fig_densities.gp
 * (labs/02-nonsaturating) need to know of this run. */
static int write_settings(const lg_lab *lab, const config *c, const char *dir, double d0)
{
    FILE *f = lg_labkit_settings_open(dir, lab, &c->gan);
    if (!f)
        return LG_EIO;
    lg_labkit_gp_number(f, "xmin", c->grid[0], "lab.ini: grid = xmin, xmax, points");
    lg_labkit_gp_number(f, "xmax", c->grid[1], NULL);
    lg_labkit_gp_number(f, "d0", d0, "mean D(G(z)) at step 0, after D's head start (both runs)");
    return lg_labkit_fclose(f, dir, "settings.gp");
}

/* Whether both runs start from the same point: D after its head start is a
 * function of the seed and of D's loss, which gan.c and nsgan.c both implement
 * (Tasks 1.1 and 2.1); G is the same initial network. Bit for bit when both
 * d_loss are written alike; two correct ones written differently round
 * differently, which 2000 steps of D amplify, but not to 1e-6. Written into
 * results.md either way, with the numbers (NaN counts as a difference). */
static void write_start(FILE *f, const row *a, const row *b)
{
    double worst = 0;
    const double pairs[3][2] = { { a->d_fake, b->d_fake }, { a->loss_d, b->loss_d }, { a->w1, b->w1 } };
    for (int i = 0; i < 3; i++) {
        double rel = fabs(pairs[i][0] - pairs[i][1]) / fmax(fabs(pairs[i][0]), 1e-300);
        worst = rel <= worst ? worst : isnan(rel) ? INFINITY : rel;
    }
    if (worst <= 1e-6)
        fprintf(f, "Both runs start from the same point (step 0, after D's head start, before G's first "
                   "step): mean D(G(z)) = %.6g, D's loss = %.6g, W1 = %.4f in both.\n\n", a->d_fake, a->loss_d,
                a->w1);
    else
        fprintf(f, "The two runs do **not** start from the same point: at step 0 mean D(G(z)) is %.6g and %.6g, "
                   "D's loss %.6g and %.6g (relative difference up to %.2g). D's loss is the same in both games: "
                   "compare `d_loss` in `plugins/gan.c` and in `plugins/nsgan.c`.\n\n", a->d_fake, b->d_fake,
                a->loss_d, b->loss_d, worst);
}

static int write_results(const config *c, const trace *t, const char *dir, const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "Both generator losses on `%s` from the same discriminator, trained alone for %ld steps "
               "first: G `%s` with `%s`, D `%s` with `%s`, batch %ld, %ld generator steps, seed %ld. "
               "Measured on a fixed batch; step 0 is after D's head start and before G's first step.\n\n%s",
            c->gan.data, c->gan.d_pretrain, c->gan.g, c->gan.opt_g, c->gan.d, c->gan.opt_d, c->gan.batch,
            c->gan.steps, c->gan.seed, notes);
    write_start(f, &t[0].rows[0], &t[1].rows[0]);
    fprintf(f, "| generator loss | mean D(G(z)), step 0 | ‖∇G‖, step 0 | ‖∇G‖, last | mean D(G(z)), last "
               "| W1, step 0 | W1, last |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < 2; i++) {
        const row *a = &t[i].rows[0], *b = &t[i].rows[t[i].n - 1];
        fprintf(f, "| %s (`%s`) | %.3g | %.3g | %.3g | %.3g | %.3f | %.3f |\n",
                i == 0 ? "minimax" : "non-saturating", t[i].name, a->d_fake, a->gnorm, b->gnorm,
                b->d_fake, a->w1, b->w1);
    }
    fprintf(f, "\nAt step 0 the non-saturating gradient is %.3g times the minimax one.\n\n"
               "![both gradient magnitudes over D(G(z))](fig_gradients.png)\n\n"
               "![gradient norms, losses, D(G(z)) and W1 over training](fig_training.png)\n\n"
               "![the generators' densities at the end](fig_densities.png)\n",
            t[1].rows[0].gnorm / t[0].rows[0].gnorm);
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab02_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *ini_path = lr->ini_path, *out_dir = lr->out_dir;
    config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub, *sub1;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    if ((rc = lg_labkit_other_files_open(lab, "01", &sub1)) != LG_OK) {
        lg_labkit_files_close(sub);
        return rc;
    }
    trace t[2];
    memset(t, 0, sizeof t);
    char notes[256] = "";
    double *data = NULL;
    void *dl = lg_labkit_dlopen(sub, 1);
    lg_lab02_grad_fn mm = (lg_lab02_grad_fn)lg_labkit_sym(dl, "lab02_minimax_grad");
    lg_lab02_grad_fn ns = (lg_lab02_grad_fn)lg_labkit_sym(dl, "lab02_nonsat_grad");
    if (!mm || !ns || isnan(mm(0.5)) || isnan(ns(0.5))) {
        mm = ns = NULL; /* not implemented yet (said on stderr) */
        snprintf(notes, sizeof notes, "Task 2.2 is not implemented yet: the gradient curves are left out.\n\n");
    }
    lg_dataset *ds = NULL;
    if ((rc = lg_labkit_dataset_1d(c.gan.data, ini_path, &ds)) != LG_OK)
        goto out;
    if (!(data = lg_labkit_calloc((size_t)c.samples, sizeof(double), "samples"))) {
        rc = LG_ENOMEM;
        goto out;
    }
    lg_labkit_data_samples(ds, lg_seed_stream(c.gan.seed, 29), (size_t)c.samples, data);
    if ((rc = train(&c, lg_labkit_object(sub1, 0), "gan", out_dir, ds, data, mm, &t[0])) != LG_OK ||
        (rc = train(&c, lg_labkit_object(sub, 0), "nsgan", out_dir, ds, data, ns, &t[1])) != LG_OK)
        goto out;
    if ((rc = write_trace(&t[0], &c, out_dir)) != LG_OK || (rc = write_trace(&t[1], &c, out_dir)) != LG_OK ||
        (rc = write_final(&c, ds, t, out_dir)) != LG_OK || (mm && (rc = write_curves(mm, ns, out_dir)) != LG_OK))
        goto out;
    if ((rc = write_settings(lab, &c, out_dir, t[0].rows[0].d_fake)) != LG_OK ||
        (rc = lg_labkit_copy_scripts(lab, out_dir)) != LG_OK ||
        (rc = write_results(&c, t, out_dir, notes)) != LG_OK)
        goto out;
    /* a figure that fails is said on stderr; the data and the scripts stay */
    if (mm)
        lg_gnuplot_run(out_dir, "fig_gradients.gp", "litgan lab 02", stderr);
    lg_gnuplot_run(out_dir, "fig_training.gp", "litgan lab 02", stderr);
    lg_gnuplot_run(out_dir, "fig_densities.gp", "litgan lab 02", stderr);
out:
    for (int i = 0; i < 2; i++) {
        free(t[i].rows);
        free(t[i].final);
    }
    free(data);
    lg_dataset_free(ds);
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    lg_labkit_files_close(sub1);
    return rc;
}
