/*
 * experiment.c - `litgan lab 01`: the minimax GAN on a 1D mixture, pictured as in
 * Figure 1 of Goodfellow et al. 2014 - the data density, the generator's density
 * and the discriminator D(x), with the optimal D*(x) = p_data / (p_data + p_g) of
 * Proposition 1, at several points in training - and the criterion C(G) of
 * Theorem 1 over training.
 *
 * The lab's files are built as they stand (plugins/gan.c trains; optimal.c gives
 * D* and C(G)); lab.ini holds the settings. Writes into out_dir:
 *   snap_STEP.csv     x, p_data, p_g, D, D_star on the grid at each snapshot step
 *   criterion.csv     step, C(G) (optimal.c), -log 4 + 2 JSD (lg_jsd_1d), JSD, W1
 *   settings.gp       this run's values for the figure scripts (data, seed, snapshot
 *                     steps, ranges, which of Tasks 1.3 and 1.4 are there)
 *   fig_training.gp, fig_criterion.gp   copies of this folder's scripts, which load
 *                     settings.gp; their PNGs (rerun in out_dir: gnuplot fig_training.gp)
 *   results.md        the table at the snapshot steps, and the figures
 *
 * p_g is a Gaussian kernel density estimate from many samples of G with the
 * bandwidth of lab.ini, binned onto a fine lattice (lg_labkit_kde_fit in
 * the lab kit of litgan/course.h, which Lab 02 uses too). With p_g = data in
 * lab.ini it is the same estimate from samples of p_data itself - what a perfect
 * generator would give (Question 4) - while G and D train as usual.
 */
#include "lab01.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SNAPS 8 /* room to say that 1 to 4 panels fit in fig_training.png */

typedef struct config {
    lg_labkit_gan gan;             /* data, nets, optimizers, batch, steps, seed, d_steps */
    long samples, curve_every;
    double bandwidth;
    long snaps[MAX_SNAPS];
    size_t n_snaps;
    double grid[3];                /* lo, hi, points */
    char p_g[16];                  /* "generator", or "data": p_g from samples of p_data */
} config;

/* lab.ini: the keys, and their defaults (the values of labs/01-minimax/lab.ini). */
static int read_config(const lg_lab_run *run, config *c)
{
    const char *path = run->ini_path;
    *c = (config){
        .gan = { .data = "mog1d:k=2,lo=-2,hi=2,sigma=0.5", .g = "1-16t-16t-1", .d = "1-32l-32l-1",
                 .opt_d = "adam:lr=1e-3,b1=0.5", .opt_g = "adam:lr=1e-3,b1=0.5",
                 .batch = 128, .steps = 3000, .seed = 1, .d_steps = 1, .d_pretrain = 0 },
        .samples = 20000, .curve_every = 100, .bandwidth = 0.1,
        .snaps = { 0, 200, 1000, 3000 }, .n_snaps = 4, .grid = { -5, 5, 401 }, .p_g = "generator",
    };
    const lg_labkit_key keys[] = { /* besides the GAN's (lg_labkit_gan: data, g, d, opt_d, ...) */
        { "snapshots", LG_LABKIT_LONGS, c->snaps, MAX_SNAPS, &c->n_snaps },
        { "grid", LG_LABKIT_DOUBLES, c->grid, 3, NULL },
        { "samples", LG_LABKIT_LONG, &c->samples, 1, NULL },
        { "curve_every", LG_LABKIT_LONG, &c->curve_every, 1, NULL },
        { "bandwidth", LG_LABKIT_POSITIVE, &c->bandwidth, 1, NULL },
        { "p_g", LG_LABKIT_STRING, c->p_g, sizeof c->p_g, NULL },
    };
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    if (c->n_snaps > 4)
        return lg_seterr(LG_EINVAL, "%s: give 1 to 4 snapshot steps (snapshots = 0, 200, ...)", path);
    for (size_t i = 0; i < c->n_snaps; i++)
        if (c->snaps[i] > c->gan.steps || (i && c->snaps[i] <= c->snaps[i - 1]))
            return lg_seterr(LG_EINVAL, "%s: snapshot %ld is after the last step %ld or not after the one "
                             "before it (snapshots = 0, 200, ... in increasing order)", path,
                             c->snaps[i], c->gan.steps);
    if (!(c->grid[0] < c->grid[1]) || c->grid[2] < 11 || c->grid[2] > 100000)
        return lg_seterr(LG_EINVAL, "%s: grid = LO, HI, POINTS with LO < HI and 11..100000 points", path);
    if (strcmp(c->p_g, "generator") && strcmp(c->p_g, "data"))
        return lg_seterr(LG_EINVAL, "%s: p_g = generator (estimated from samples of G) or data (from samples "
                         "of p_data: a perfect generator), not '%s'", path, c->p_g);
    if (c->samples < 100 || c->gan.batch < 1 || c->curve_every < 1)
        return lg_seterr(LG_EINVAL, "%s: samples >= 100, batch >= 1 and curve_every >= 1", path);
    return LG_OK;
}

/* What one evaluation of the generator gives (the densities on the grid etc.). */
typedef struct state {
    const config *c;
    lg_dataset *ds;
    lg_lab01_optimal_d_fn dstar;   /* NULL: Task 1.3 not usable */
    lg_lab01_criterion_fn crit;    /* NULL: Task 1.4 not usable */
    size_t n;                      /* grid points */
    double *x, *p, *q, *dx, *ds_star, *samples, *real;
    lg_labkit_kde kde;
    double lo, hi;                 /* the integration interval */
    size_t crit_nan;               /* how often C(G) of optimal.c was NaN */
} state;

typedef struct snapshot {
    long step;
    double c_student, c_ref, jsd, gap, w1;
} snapshot;

/* Evaluate G and D at this step; write snap_STEP.csv when snap. */
static int evaluate(state *s, lg_run *run, long step, bool snap, snapshot *out, const char *dir)
{
    lg_game *g = lg_run_game(run);
    size_t ns = (size_t)s->c->samples;
    /* the same noise at every step, so the pictures differ only by G; or samples of
     * p_data, drawn apart from those W1 compares with (a perfect generator's are
     * independent of them) */
    if (!strcmp(s->c->p_g, "data"))
        lg_labkit_data_samples(s->ds, lg_seed_stream(s->c->gan.seed, 19), ns, s->samples);
    else
        lg_labkit_g_samples(lg_game_net(g, LG_NET_G), ns, lg_seed_stream(s->c->gan.seed, 17), s->samples);
    lg_labkit_kde_fit(&s->kde, s->samples, ns, s->c->bandwidth);
    s->lo = fmin(s->c->grid[0], s->kde.lo); /* where either density has mass */
    s->hi = fmax(s->c->grid[1], s->kde.hi);
    out->step = step;
    out->w1 = lg_w1_1d(s->samples, ns, s->real, ns);
    double jsd = lg_jsd_1d(lg_labkit_data_density, s->ds, lg_labkit_kde_density, &s->kde, s->lo, s->hi);
    out->jsd = jsd;
    out->c_ref = -log(4.0) + 2 * jsd; /* Theorem 1 */
    out->c_student = s->crit ? s->crit(lg_labkit_data_density, s->ds, lg_labkit_kde_density, &s->kde,
                                       s->lo, s->hi) : NAN;
    s->crit_nan += s->crit && isnan(out->c_student);
    lg_labkit_d_values(lg_game_net(g, LG_NET_D), s->x, s->n, s->dx);
    /* |D - D*| averaged over the mixture (p_data + p_g)/2, on the grid (Riemann sum) */
    double gap = 0, h = (s->x[s->n - 1] - s->x[0]) / (double)(s->n - 1);
    for (size_t i = 0; i < s->n; i++) {
        s->p[i] = lg_labkit_data_density(s->x[i], s->ds);
        s->q[i] = lg_labkit_kde_density(s->x[i], &s->kde);
        s->ds_star[i] = s->dstar ? s->dstar(s->p[i], s->q[i]) : NAN;
        gap += 0.5 * (s->p[i] + s->q[i]) * fabs(s->dx[i] - s->ds_star[i]) * h;
    }
    out->gap = s->dstar ? gap : NAN;
    if (!snap)
        return LG_OK;
    char name[64];
    snprintf(name, sizeof name, "snap_%05ld.csv", step);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 01, seed %ld, step %ld: p_g is a KDE of %zu samples of %s (bandwidth %g)\n"
               "x,p_data,p_g,D,D_star\n", s->c->gan.seed, step, ns, strcmp(s->c->p_g, "data") ? "G" : "p_data",
            s->kde.bw);
    for (size_t i = 0; i < s->n; i++)
        fprintf(f, "%.6g,%.6g,%.6g,%.6g,%.6g\n", s->x[i], s->p[i], s->q[i], s->dx[i], s->ds_star[i]);
    return lg_labkit_fclose(f, dir, name);
}

/* settings.gp: what fig_training.gp and fig_criterion.gp (labs/01-minimax) need
 * to know of this run. */
static int write_settings(const lg_lab *lab, const config *c, const char *dir, bool have_dstar,
                          bool have_crit, double ymax)
{
    FILE *f = lg_labkit_settings_open(dir, lab, &c->gan);
    if (!f)
        return LG_EIO;
    char steps[8 * 24] = "";
    for (size_t i = 0; i < c->n_snaps; i++)
        snprintf(steps + strlen(steps), sizeof steps - strlen(steps), "%s%ld", i ? " " : "", c->snaps[i]);
    lg_labkit_gp_string(f, "snapshots", steps, "one panel each, from snap_STEP.csv");
    lg_labkit_gp_number(f, "xmin", c->grid[0], "lab.ini: grid = xmin, xmax, points");
    lg_labkit_gp_number(f, "xmax", c->grid[1], NULL);
    lg_labkit_gp_number(f, "ymax", ymax, "max(1.05, 1.1 max p_data): p_g above it is clipped");
    lg_labkit_gp_number(f, "have_dstar", have_dstar, "1: optimal.c gives D* (Task 1.3)");
    lg_labkit_gp_number(f, "have_crit", have_crit, "1: optimal.c gives C(G) (Task 1.4)");
    lg_labkit_gp_string(f, "pg_from", c->p_g, "lab.ini p_g: samples of the generator, or of the data");
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static int write_results(const config *c, const snapshot *snaps, const char *dir, const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    bool data = !strcmp(c->p_g, "data");
    fprintf(f, "The minimax GAN (`plugins/gan.c`) on `%s`: G `%s`, D `%s`, `%s` / `%s`, batch %ld, "
               "seed %ld. p_g is a kernel density estimate from %ld samples of %s (bandwidth %g).\n\n%s%s"
               "| step | C(G), your `optimal.c` | −log 4 + 2·JSD (`lg_jsd_1d`) | JSD | "
               "mean abs(D − D*) | W1(p_g, p_data) |\n|---:|---:|---:|---:|---:|---:|\n",
            c->gan.data, c->gan.g, c->gan.d, c->gan.opt_d, c->gan.opt_g, c->gan.batch, c->gan.seed,
            c->samples, data ? "p_data" : "G", c->bandwidth,
            data ? "**p_g = data** (lab.ini): p_g is estimated from samples of p_data itself, as a perfect "
                   "generator's would be; G and D train as usual, and D in the figure is the trained D.\n\n"
                 : "",
            notes);
    for (size_t i = 0; i < c->n_snaps; i++)
        fprintf(f, "| %ld | %.6f | %.6f | %.6f | %.4f | %.4f |\n", snaps[i].step, snaps[i].c_student,
                snaps[i].c_ref, snaps[i].jsd, snaps[i].gap, snaps[i].w1);
    fprintf(f, "\n−log 4 = %.6f. mean abs(D − D*) weighs the grid by (p_data + p_g)/2.\n\n"
               "![data, generator, D and D* during training](fig_training.png)\n\n"
               "![C(G) over training](fig_criterion.png)\n", -log(4.0));
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab01_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *ini_path = lr->ini_path, *out_dir = lr->out_dir;
    config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    state s = { .c = &c };
    char notes[512] = "";
    /* Tasks 1.3 and 1.4 from optimal.c (files[1]); the run needs only gan.c */
    void *dl = lg_labkit_dlopen(sub, 1);
    s.dstar = (lg_lab01_optimal_d_fn)lg_labkit_sym(dl, "lab01_optimal_d");
    s.crit = (lg_lab01_criterion_fn)lg_labkit_sym(dl, "lab01_criterion");
    if (!s.dstar || !s.crit)
        fprintf(stderr, "litgan lab 01: optimal.c: %s; D* and C(G) are left out\n", lg_errmsg());
    if (s.dstar && isnan(s.dstar(1, 3)))
        s.dstar = NULL; /* not implemented yet (said once on stderr) */
    if (!s.dstar)
        s.crit = NULL; /* C(G) calls D* */
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run", out_dir);
    lg_run *run = NULL;
    FILE *curve = NULL;
    snapshot snaps[MAX_SNAPS];
    if ((rc = lg_labkit_run_open(&c.gan, lg_labkit_object(sub, 0), run_dir, &run)) != LG_OK ||
        (rc = lg_labkit_dataset_1d(c.gan.data, ini_path, &s.ds)) != LG_OK)
        goto out;
    s.n = (size_t)c.grid[2];
    if (!(s.x = lg_labkit_calloc(s.n, sizeof(double), "the grid")) ||
        !(s.p = lg_labkit_calloc(s.n, sizeof(double), "the grid")) ||
        !(s.q = lg_labkit_calloc(s.n, sizeof(double), "the grid")) ||
        !(s.dx = lg_labkit_calloc(s.n, sizeof(double), "the grid")) ||
        !(s.ds_star = lg_labkit_calloc(s.n, sizeof(double), "the grid")) ||
        !(s.samples = lg_labkit_calloc((size_t)c.samples, sizeof(double), "samples")) ||
        !(s.real = lg_labkit_calloc((size_t)c.samples, sizeof(double), "samples"))) {
        rc = LG_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < s.n; i++)
        s.x[i] = lg_labkit_grid_x(c.grid, i);
    lg_labkit_data_samples(s.ds, lg_seed_stream(c.gan.seed, 29), (size_t)c.samples, s.real);
    if (!(curve = lg_labkit_fopen(out_dir, "criterion.csv"))) {
        rc = LG_EIO;
        goto out;
    }
    fprintf(curve, "# litgan lab 01, seed %ld: C(G) from optimal.c and from lg_jsd_1d, W1 to the data\n"
                   "step,c_yours,c_ref,jsd,w1\n", c.gan.seed);
    size_t k = 0;
    for (long step = 0; step <= c.gan.steps; step++) {
        bool snap = k < c.n_snaps && c.snaps[k] == step;
        if (snap || step % c.curve_every == 0 || step == c.gan.steps) {
            snapshot e;
            if ((rc = evaluate(&s, run, step, snap, &e, out_dir)) != LG_OK)
                goto out;
            fprintf(curve, "%ld,%.9g,%.9g,%.9g,%.6g\n", step, e.c_student, e.c_ref, e.jsd, e.w1);
            if (snap)
                snaps[k++] = e;
        }
        if (step < c.gan.steps && (rc = lg_labkit_run_step(run, step + 1, "the minimax run")) != LG_OK)
            goto out;
    }
    rc = lg_labkit_fclose(curve, out_dir, "criterion.csv");
    curve = NULL;
    if (rc != LG_OK)
        goto out;
    double ymax = 1.05; /* D in [0, 1]; and all of p_data */
    for (size_t i = 0; i < s.n; i++)
        ymax = fmax(ymax, 1.1 * lg_labkit_data_density(s.x[i], s.ds));
    if (!s.dstar)
        snprintf(notes, sizeof notes, "Task 1.3 is not implemented yet: D* and C(G) are left out.\n\n");
    else if (s.crit_nan)
        snprintf(notes, sizeof notes, "C(G) of `optimal.c` was NaN at %zu of the steps where it was "
                 "computed (is Task 1.4 implemented?).\n\n", s.crit_nan);
    if ((rc = write_settings(lab, &c, out_dir, s.dstar != NULL, s.crit != NULL, ymax)) != LG_OK ||
        (rc = lg_labkit_copy_scripts(lab, out_dir)) != LG_OK ||
        (rc = write_results(&c, snaps, out_dir, notes)) != LG_OK)
        goto out;
    /* a figure that fails is said on stderr; the data and the scripts stay */
    lg_gnuplot_run(out_dir, "fig_training.gp", "litgan lab 01", stderr);
    lg_gnuplot_run(out_dir, "fig_criterion.gp", "litgan lab 01", stderr);
out:
    if (curve)
        fclose(curve);
    lg_run_close(run);
    lg_dataset_free(s.ds);
    free(s.x), free(s.p), free(s.q), free(s.dx), free(s.ds_star), free(s.samples), free(s.real);
    lg_labkit_kde_free(&s.kde);
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    return rc;
}
