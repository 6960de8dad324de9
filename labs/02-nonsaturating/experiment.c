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
 * Every log_every steps, on a fixed batch (the same for both runs): G's loss, the
 * norm of its gradient, D's loss, the mean D(G(z)), the mean logit-gradient
 * magnitude that gradients.c predicts at those D(G(z)), and W1 to the data.
 *
 * Writes into out_dir:
 *   train_gan.csv, train_nsgan.csv   the rows above
 *   curves.csv                       d, |dL/ds| minimax, |dL/ds| non-saturating (gradients.c)
 *   final.csv                        x, p_data, p_g of each run at the end (KDE, as in Lab 01)
 *   fig_gradients.gp/.png, fig_training.gp/.png, fig_densities.gp/.png, results.md
 */
#include "lab02.h"

#include <dlfcn.h>
#include <ini.h>
#include <stdio.h>

typedef struct config {
    char data[256], g[256], d[256], opt_d[256], opt_g[256];
    long batch, steps, seed, d_pretrain, log_every, samples;
    double grid[3], bandwidth;
    char bad[300];
} config;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    config *c = user;
    size_t n = 0;
    int ok = 1;
    if (!strcmp(section, "lab"))
        return 1;
    if (strcmp(section, "experiment") != 0) {
        snprintf(c->bad, sizeof c->bad, "unknown section [%s]", section);
        return 0;
    }
#define STR(k) else if (!strcmp(name, #k)) snprintf(c->k, sizeof c->k, "%s", value)
#define NUM(k) else if (!strcmp(name, #k)) ok = lg_labx_parse_longs(value, &c->k, 1, &n) == LG_OK
    if (0) {}
    STR(data); STR(g); STR(d); STR(opt_d); STR(opt_g);
    NUM(batch); NUM(steps); NUM(seed); NUM(d_pretrain); NUM(log_every); NUM(samples);
    else if (!strcmp(name, "grid"))
        ok = lg_labx_parse_doubles(value, c->grid, 3) == LG_OK;
    else if (!strcmp(name, "bandwidth"))
        ok = lg_labx_parse_doubles(value, &c->bandwidth, 1) == LG_OK && c->bandwidth > 0;
    else {
        snprintf(c->bad, sizeof c->bad, "unknown key '%s'", name);
        return 0;
    }
#undef STR
#undef NUM
    if (!ok)
        snprintf(c->bad, sizeof c->bad, "bad value '%s' for %s", value, name);
    return ok;
}

static int read_config(const char *path, config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->data, sizeof c->data, "mog1d");
    snprintf(c->g, sizeof c->g, "1-16t-16t-1");
    snprintf(c->d, sizeof c->d, "1-32l-32l-1");
    snprintf(c->opt_d, sizeof c->opt_d, "adam:lr=1e-3,b1=0.5");
    snprintf(c->opt_g, sizeof c->opt_g, "sgd:lr=0.05");
    c->batch = 128, c->steps = 2000, c->seed = 1, c->d_pretrain = 1000, c->log_every = 10;
    c->samples = 5000;
    c->grid[0] = -5, c->grid[1] = 5, c->grid[2] = 401;
    c->bandwidth = 0.1;
    int line = ini_parse(path, on_ini, c);
    if (line < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the experiment definition", path);
    if (line > 0)
        return lg_seterr(LG_EFORMAT, "%s:%d: %s", path, line, c->bad[0] ? c->bad : "not an ini line");
    if (c->steps < 1 || c->batch < 1 || c->log_every < 1 || c->samples < 100)
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
    gsl_matrix_memcpy(g->real, real);
    gsl_matrix_memcpy(g->noise, noise);
    lg_node *o = lg_game_objective(g, LG_PLAYER_D);
    if (!o)
        return LG_EPLUGIN;
    out->loss_d = lg_scalar(o);
    if (!(o = lg_game_objective(g, LG_PLAYER_G)))
        return LG_EPLUGIN;
    out->loss_g = lg_scalar(o);
    size_t n = lg_game_param_count(g), nD = g->net[LG_NET_D]->n_params;
    double *grad = lg_xmalloc(n * sizeof(double));
    int rc = lg_game_loss_grad(g, LG_PLAYER_G, grad);
    out->gnorm = lg_norm2(grad + nD, g->net[LG_NET_G]->n_params); /* G's block of [theta_D, theta_G] */
    free(grad);
    if (rc != LG_OK)
        return rc;
    /* D(G(z)) on the fixed noise, and the magnitude gradients.c predicts there */
    size_t B = noise->size1;
    lg_labx_g_samples(g->net[LG_NET_G], B, (unsigned long)c->seed * 1000003ul + 41, work);
    lg_labx_d_values(g->net[LG_NET_D], work, B, work + B);
    out->d_fake = out->pred = 0;
    for (size_t i = 0; i < B; i++) {
        out->d_fake += work[B + i] / (double)B;
        out->pred += pred ? pred(work[B + i]) / (double)B : NAN;
    }
    lg_labx_g_samples(g->net[LG_NET_G], n_data, (unsigned long)c->seed * 1000003ul + 43, work);
    out->w1 = lg_w1_1d(work, n_data, data, n_data);
    return LG_OK;
}

static int train(const config *c, const char *loss_path, const char *name, const char *out_dir,
                 const double *data, lg_lab02_grad_fn pred, trace *t)
{
    char run_dir[4200], steps[32], batch[32], seed[32], pre[32];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", out_dir, name);
    snprintf(steps, sizeof steps, "%ld", c->steps);
    snprintf(batch, sizeof batch, "%ld", c->batch);
    snprintf(seed, sizeof seed, "%ld", c->seed);
    snprintf(pre, sizeof pre, "%ld", c->d_pretrain);
    char *argv[] = { "--loss", (char *)loss_path, "--data", (char *)c->data, "--g", (char *)c->g,
                     "--d", (char *)c->d, "--opt-d", (char *)c->opt_d, "--opt-g", (char *)c->opt_g,
                     "--batch", batch, "--steps", steps, "--seed", seed, "--d-pretrain", pre,
                     "--d-steps", "1", "--out", run_dir, "--quiet" };
    lg_run *run;
    int rc = lg_run_open((int)(sizeof argv / sizeof argv[0]), argv, &run);
    if (rc != LG_OK)
        return rc;
    t->name = name;
    t->rows = lg_xcalloc((size_t)(c->steps / c->log_every + 2), sizeof(row));
    t->n = 0;
    size_t B = (size_t)c->batch, nd = (size_t)c->samples;
    /* the fixed batch: the same stream for both runs */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, (unsigned long)c->seed * 1000003ul + 37);
    lg_game *g = lg_run_game(run);
    gsl_matrix *real = gsl_matrix_alloc(B, 1), *noise = gsl_matrix_alloc(B, g->noise->size2);
    lg_dataset *ds = NULL;
    if ((rc = lg_dataset_open(c->data, &ds)) == LG_OK) {
        ds->sample(ds, r, real);
        for (size_t i = 0; i < noise->size1 * noise->size2; i++)
            noise->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    }
    double *work = lg_xmalloc((2 * B + nd) * sizeof(double));
    for (long step = 1; rc == LG_OK && step <= c->steps; step++) {
        if ((rc = lg_run_step(run)) != LG_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", lg_errmsg());
            lg_seterr(rc, "the %s run (%s), training step %ld: %s",
                      !strcmp(name, "gan") ? "minimax" : "non-saturating",
                      !strcmp(name, "gan") ? "plugins/gan.c of Lab 01" : "plugins/nsgan.c", step, why);
            break;
        }
        if (step == 1 || step % c->log_every == 0 || step == c->steps) {
            row *w = &t->rows[t->n++];
            w->step = step;
            rc = measure(run, real, noise, data, nd, pred, c, work, w);
        }
    }
    if (rc == LG_OK) {
        t->final = lg_xmalloc(nd * sizeof(double));
        lg_labx_g_samples(lg_run_game(run)->net[LG_NET_G], nd, (unsigned long)c->seed * 1000003ul + 43,
                          t->final);
    }
    free(work);
    lg_dataset_free(ds);
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
    FILE *f = lg_labx_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 02, seed %ld: generator loss %s after %ld steps of D alone; measured on "
               "a fixed batch of %ld\nstep,loss_g,gnorm_g,loss_d,d_fake,pred_dlds,w1\n",
            c->seed, t->name, c->d_pretrain, c->batch);
    for (size_t i = 0; i < t->n; i++) {
        const row *w = &t->rows[i];
        fprintf(f, "%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.6g\n", w->step, w->loss_g, w->gnorm, w->loss_d,
                w->d_fake, w->pred, w->w1);
    }
    return fclose(f) == 0 ? LG_OK : lg_seterr(LG_EIO, "%s/%s: write failed", dir, name);
}

static int write_figures(const config *c, const char *dir, bool have_curves, double d0)
{
    FILE *f;
    if (have_curves) {
        if (!(f = lg_labx_fopen(dir, "fig_gradients.gp")))
            return LG_EIO;
        fprintf(f, "# litgan lab 02: |dL/ds| of each generator loss as a function of D(G(z)) (gradients.c),\n"
                   "# on linear and on logarithmic axes; the dashed line is the mean D(G(z)) on the fixed\n"
                   "# batch at step 1 of the minimax run, right after D's head start.\n"
                   "# Edit and rerun in this folder: gnuplot fig_gradients.gp\n"
                   "set terminal pngcairo size 1100,440 font ',10'\n"
                   "set output 'fig_gradients.png'\n"
                   "set datafile separator comma\nset datafile columnheaders\n"
                   "set multiplot layout 1,2 title 'How hard each generator loss pushes a fake sample: "
                   "|dL/ds| over D(G(z)), s the logit of D (seed %ld)'\n"
                   "set xlabel 'D(G(z))'\nset ylabel '|dL/ds|'\nset grid\nset key bottom center\n"
                   "set arrow 1 from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 lc rgb 'gray40'\n"
                   "set title 'linear axes'\nset xrange [0:1]\nset yrange [0:1.05]\n"
                   "plot 'curves.csv' using 'd':'minimax' with lines lw 2 lc rgb '#d73027' "
                   "title 'minimax, log(1 - D(G(z)))', \\\n"
                   "     '' using 'd':'nonsat' with lines lw 2 lc rgb '#1a9850' "
                   "title 'non-saturating, -log D(G(z))'\n"
                   "set title sprintf('logarithmic axes; dashed: D(G(z)) = %%.2g after D alone', %.6g)\n"
                   "set logscale xy\nset format x '10^{%%L}'\nset format y '10^{%%L}'\n"
                   "set xrange [1e-6:1]\nset yrange [1e-6:2]\nset key bottom right\n"
                   "plot 'curves.csv' using 'd':'minimax' with lines lw 2 lc rgb '#d73027' "
                   "title 'minimax', \\\n"
                   "     '' using 'd':'nonsat' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'\n"
                   "unset multiplot\n",
                c->seed, d0, d0, d0);
        fclose(f);
    }
    if (!(f = lg_labx_fopen(dir, "fig_training.gp")))
        return LG_EIO;
    fprintf(f, "# litgan lab 02: both generator losses from the same strong discriminator (seed %ld).\n"
               "# Edit and rerun in this folder: gnuplot fig_training.gp\n"
               "set terminal pngcairo size 1100,760 font ',10'\n"
               "set output 'fig_training.png'\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set multiplot layout 2,2 title '%s: G trained with %s after %ld steps of D alone, seed %ld'\n"
               "set xlabel 'generator step'\nset grid\nset key top right\n"
               "set title 'norm of the generator gradient'\nset logscale y\nset format y '10^{%%L}'\n"
               "plot 'train_gan.csv' using 'step':'gnorm_g' with lines lw 2 lc rgb '#d73027' title 'minimax', \\\n"
               "     'train_nsgan.csv' using 'step':'gnorm_g' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'\n"
               "set title 'losses'\nunset logscale y\nset format y '%%g'\n"
               "plot 'train_gan.csv' using 'step':'loss_g' with lines lw 2 lc rgb '#d73027' title 'G, minimax', \\\n"
               "     'train_nsgan.csv' using 'step':'loss_g' with lines lw 2 lc rgb '#1a9850' title 'G, non-saturating', \\\n"
               "     'train_gan.csv' using 'step':'loss_d' with lines dt 2 lc rgb '#d73027' title 'D (minimax run)', \\\n"
               "     'train_nsgan.csv' using 'step':'loss_d' with lines dt 2 lc rgb '#1a9850' title 'D (non-saturating run)'\n"
               "set title 'mean D(G(z))'\nset logscale y\nset format y '10^{%%L}'\nset key center right\n"
               "plot 'train_gan.csv' using 'step':'d_fake' with lines lw 2 lc rgb '#d73027' title 'minimax', \\\n"
               "     'train_nsgan.csv' using 'step':'d_fake' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'\n"
               "set title 'W1(p_g, p_{data})'\nunset logscale y\nset format y '%%g'\n"
               "plot 'train_gan.csv' using 'step':'w1' with lines lw 2 lc rgb '#d73027' title 'minimax', \\\n"
               "     'train_nsgan.csv' using 'step':'w1' with lines lw 2 lc rgb '#1a9850' title 'non-saturating'\n"
               "unset multiplot\n",
            c->seed, c->data, c->opt_g, c->d_pretrain, c->seed);
    fclose(f);
    if (!(f = lg_labx_fopen(dir, "fig_densities.gp")))
        return LG_EIO;
    fprintf(f, "# litgan lab 02: the generators' densities after %ld steps (KDE), seed %ld.\n"
               "# Edit and rerun in this folder: gnuplot fig_densities.gp\n"
               "set terminal pngcairo size 720,420 font ',10'\n"
               "set output 'fig_densities.png'\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set title 'after %ld generator steps (seed %ld)'\nset xlabel 'x'\nset grid\n"
               "set xrange [%g:%g]\nset yrange [0:*]\nset key top right\n"
               "plot 'final.csv' using 'x':'p_data' with lines dt 3 lw 2 lc rgb 'black' title 'p_{data}', \\\n"
               "     '' using 'x':'p_g_gan' with lines lw 2 lc rgb '#d73027' title 'p_g, minimax', \\\n"
               "     '' using 'x':'p_g_nsgan' with lines lw 2 lc rgb '#1a9850' title 'p_g, non-saturating'\n",
            c->steps, c->seed, c->steps, c->seed, c->grid[0], c->grid[1]);
    fclose(f);
    return LG_OK;
}

static int write_final(const config *c, trace *t, const char *dir)
{
    lg_dataset *ds;
    int rc = lg_dataset_open(c->data, &ds);
    if (rc != LG_OK)
        return rc;
    FILE *f = lg_labx_fopen(dir, "final.csv");
    if (!f) {
        lg_dataset_free(ds);
        return LG_EIO;
    }
    size_t n = (size_t)c->grid[2];
    lg_labx_kde k[2];
    memset(k, 0, sizeof k);
    for (int i = 0; i < 2; i++)
        lg_labx_kde_fit(&k[i], t[i].final, (size_t)c->samples, c->bandwidth);
    fprintf(f, "# litgan lab 02, seed %ld: p_g is a KDE of %ld samples of G (bandwidth %g)\n"
               "x,p_data,p_g_gan,p_g_nsgan\n", c->seed, c->samples, c->bandwidth);
    for (size_t i = 0; i < n; i++) {
        double x = c->grid[0] + (c->grid[1] - c->grid[0]) * (double)i / (double)(n - 1);
        fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", x, lg_labx_data_density(x, ds), lg_labx_kde_density(x, &k[0]),
                lg_labx_kde_density(x, &k[1]));
    }
    lg_labx_kde_free(&k[0]);
    lg_labx_kde_free(&k[1]);
    lg_dataset_free(ds);
    return fclose(f) == 0 ? LG_OK : lg_seterr(LG_EIO, "%s/final.csv: write failed", dir);
}

static int write_results(const config *c, const trace *t, const char *dir, const char *notes)
{
    FILE *f = lg_labx_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "Both generator losses on `%s` from the same discriminator, trained alone for %ld steps "
               "first: G `%s` with `%s`, D `%s` with `%s`, batch %ld, %ld generator steps, seed %ld. "
               "Measured on a fixed batch; step 1 is right after D's head start.\n\n%s"
               "| generator loss | mean D(G(z)), step 1 | ‖∇G‖, step 1 | ‖∇G‖, last | mean D(G(z)), last "
               "| W1, step 1 | W1, last |\n|---|---:|---:|---:|---:|---:|---:|\n",
            c->data, c->d_pretrain, c->g, c->opt_g, c->d, c->opt_d, c->batch, c->steps, c->seed, notes);
    for (int i = 0; i < 2; i++) {
        const row *a = &t[i].rows[0], *b = &t[i].rows[t[i].n - 1];
        fprintf(f, "| %s (`%s`) | %.3g | %.3g | %.3g | %.3g | %.3f | %.3f |\n",
                i == 0 ? "minimax" : "non-saturating", t[i].name, a->d_fake, a->gnorm, b->gnorm,
                b->d_fake, a->w1, b->w1);
    }
    fprintf(f, "\nAt step 1 the non-saturating gradient is %.3g times the minimax one.\n\n"
               "![both gradient magnitudes over D(G(z))](fig_gradients.png)\n\n"
               "![gradient norms, losses, D(G(z)) and W1 over training](fig_training.png)\n\n"
               "![the generators' densities at the end](fig_densities.png)\n",
            t[1].rows[0].gnorm / t[0].rows[0].gnorm);
    return fclose(f) == 0 ? LG_OK : lg_seterr(LG_EIO, "%s/results.md: write failed", dir);
}

int lg_lab02_experiment(const lg_lab *lab, const char *ini_path, const char *out_dir)
{
    config c;
    int rc = read_config(ini_path, &c);
    if (rc != LG_OK)
        return rc;
    const lg_lab *lab1 = lg_lab_find("01");
    if (!lab1)
        return lg_seterr(LG_EINVAL, "Lab 02's experiment needs Lab 01 (plugins/gan.c): %s", lg_errmsg());
    lg_submission sub, sub1;
    if ((rc = lg_labx_build(lab, &sub)) != LG_OK)
        return rc;
    if ((rc = lg_labx_build(lab1, &sub1)) != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        lg_submission_free(&sub);
        return lg_seterr(rc, "Lab 02 trains Lab 01's minimax loss too: %s", why);
    }
    trace t[2];
    memset(t, 0, sizeof t);
    char notes[256] = "";
    double *data = NULL;
    void *dl = lg_labx_open(&sub, 1);
    lg_lab02_grad_fn mm = (lg_lab02_grad_fn)lg_labx_sym(dl, "lab02_minimax_grad");
    lg_lab02_grad_fn ns = (lg_lab02_grad_fn)lg_labx_sym(dl, "lab02_nonsat_grad");
    if (!mm || !ns || isnan(mm(0.5)) || isnan(ns(0.5))) {
        mm = ns = NULL; /* not implemented yet (said on stderr) */
        snprintf(notes, sizeof notes, "Task 2.2 is not implemented yet: the gradient curves are left out.\n\n");
    }
    lg_dataset *ds = NULL;
    if ((rc = lg_dataset_open(c.data, &ds)) != LG_OK)
        goto out;
    if (ds->dim != 1 || !ds->density) {
        rc = lg_seterr(LG_EINVAL, "%s: data = %s must be 1D with an exact density (mog1d)", ini_path, c.data);
        goto out;
    }
    data = lg_xmalloc((size_t)c.samples * sizeof(double));
    {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, (unsigned long)c.seed * 1000003ul + 29);
        gsl_matrix_view v = gsl_matrix_view_array(data, (size_t)c.samples, 1);
        ds->sample(ds, r, &v.matrix);
        gsl_rng_free(r);
    }
    if ((rc = train(&c, sub1.so_path[0], "gan", out_dir, data, mm, &t[0])) != LG_OK ||
        (rc = train(&c, sub.so_path[0], "nsgan", out_dir, data, ns, &t[1])) != LG_OK)
        goto out;
    if ((rc = write_trace(&t[0], &c, out_dir)) != LG_OK || (rc = write_trace(&t[1], &c, out_dir)) != LG_OK ||
        (rc = write_final(&c, t, out_dir)) != LG_OK)
        goto out;
    if (mm) {
        FILE *f = lg_labx_fopen(out_dir, "curves.csv");
        if (!f) {
            rc = LG_EIO;
            goto out;
        }
        /* d = 0, then 1e-6 .. 1e-2 evenly in log d (for the log-log panel), then
         * 0.01 .. 1 evenly */
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
        for (int i = 1; i <= 40; i++) { /* 0.99 .. 1 - 1e-6, evenly in log(1 - d) */
            double d = 1.0 - pow(10.0, -2.0 - 4.0 * i / 40.0);
            fprintf(f, "%.9g,%.9g,%.9g\n", d, mm(d), ns(d));
        }
        fprintf(f, "1,%.9g,%.9g\n", mm(1), ns(1));
        fclose(f);
    }
    if ((rc = write_figures(&c, out_dir, mm != NULL, t[0].rows[0].d_fake)) != LG_OK ||
        (rc = write_results(&c, t, out_dir, notes)) != LG_OK)
        goto out;
    if (mm)
        lg_labx_gnuplot(out_dir, "fig_gradients.gp", "litgan lab 02");
    lg_labx_gnuplot(out_dir, "fig_training.gp", "litgan lab 02");
    lg_labx_gnuplot(out_dir, "fig_densities.gp", "litgan lab 02");
out:
    for (int i = 0; i < 2; i++) {
        free(t[i].rows);
        free(t[i].final);
    }
    free(data);
    lg_dataset_free(ds);
    if (dl)
        dlclose(dl);
    lg_submission_free(&sub);
    lg_submission_free(&sub1);
    return rc;
}
