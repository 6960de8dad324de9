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
 *   fig_training.gp / .png, fig_criterion.gp / .png   (gnuplot, rerun in out_dir)
 *   results.md        the table at the snapshot steps, and the figures
 *
 * p_g is a Gaussian kernel density estimate from many samples of G (bandwidth by
 * Silverman's rule of thumb, h = 1.06 sd n^(-1/5); Silverman 1986, Eq. 3.28),
 * tabulated on a fine grid and read by linear interpolation.
 *
 * The helpers marked "shared" are Lab 02's too (declared in lab01.h).
 */
#include "lab01.h"

#include <dlfcn.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ============================================================ shared === */

int lg_labx_parse_longs(const char *v, long *out, size_t max, size_t *n)
{
    *n = 0;
    while (*v) {
        char *end;
        errno = 0;
        long x = strtol(v, &end, 10);
        if (end == v || errno || x < 0 || *n == max)
            return LG_EINVAL;
        out[(*n)++] = x;
        v = end + strspn(end, " \t");
        if (*v == ',')
            v++;
        else if (*v)
            return LG_EINVAL;
    }
    return *n ? LG_OK : LG_EINVAL;
}

int lg_labx_parse_doubles(const char *v, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *end;
        out[i] = strtod(v, &end);
        if (end == v || !isfinite(out[i]))
            return LG_EINVAL;
        v = end + strspn(end, " \t");
        if (i + 1 < n && *v++ != ',')
            return LG_EINVAL;
    }
    return *v ? LG_EINVAL : LG_OK;
}

int lg_labx_build(const lg_lab *lab, lg_submission *sub)
{
    int rc = lg_submission_build(lab, NULL, sub);
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub->compile_error[i][0] || !sub->so_path[i][0]) {
            rc = lg_seterr(LG_EINVAL, "%s does not compile: %s", lab->files[i],
                           sub->compile_error[i][0] ? sub->compile_error[i] : "no object built");
            lg_submission_free(sub);
            return rc;
        }
    return LG_OK;
}

void *lg_labx_open(const lg_submission *sub, size_t i)
{
    void *dl = dlopen(sub->so_path[i], RTLD_NOW | RTLD_LOCAL);
    if (!dl)
        lg_seterr(LG_EPLUGIN, "%s: %s", sub->lab->files[i], dlerror());
    return dl;
}

void *lg_labx_sym(void *dl, const char *name)
{
    void *f = dl ? dlsym(dl, name) : NULL;
    if (!f)
        lg_seterr(LG_EPLUGIN, "no function %s (was it renamed?)", name);
    return f;
}

double lg_labx_data_density(double x, void *ctx)
{
    const lg_dataset *ds = ctx;
    return ds->density(ds, &x);
}

/* out: (n) values of G(z) for z ~ N(0, I) from a stream seeded with seed; G in
 * eval mode, its flags restored. */
void lg_labx_g_samples(lg_net *G, size_t n, unsigned long seed, double *out)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gsl_matrix *z = gsl_matrix_alloc(n, G->in_dim);  /* z: (n, z_dim) */
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    bool train = G->train, rg = G->requires_grad;
    G->train = false;
    G->requires_grad = false;
    lg_tape *t = lg_tape_alloc();
    lg_node *x = lg_net_apply(t, G, lg_const(t, z)); /* x: (n, 1) */
    memcpy(out, lg_value(x)->data, n * sizeof(double));
    lg_tape_free(t);
    G->train = train;
    G->requires_grad = rg;
    gsl_matrix_free(z);
    gsl_rng_free(r);
}

/* D(x) = sigmoid(logit) at n points (D in eval mode, flags restored). */
void lg_labx_d_values(lg_net *D, const double *x, size_t n, double *out)
{
    gsl_matrix_const_view v = gsl_matrix_const_view_array(x, n, 1); /* (n, 1) */
    bool train = D->train, rg = D->requires_grad;
    D->train = false;
    D->requires_grad = false;
    lg_tape *t = lg_tape_alloc();
    lg_node *s = lg_net_apply(t, D, lg_const(t, &v.matrix)); /* (n, 1) logits */
    for (size_t i = 0; i < n; i++)
        out[i] = probe_sigmoid(lg_value(s)->data[i]);
    lg_tape_free(t);
    D->train = train;
    D->requires_grad = rg;
}

/* A Gaussian kernel density estimate with bandwidth bw, evaluated fast and smooth:
 * the samples are first spread onto a lattice of centres c_j = a + j dx, dx = bw/10,
 * by linear binning (each sample shares its weight 1/n between its two nearest
 * centres, so the mean is kept exactly); the estimate is then the mixture
 *   p_g(x) = sum_j w_j N(x; c_j, bw^2)
 * - a smooth function, as adaptive quadrature needs, that differs from the plain KDE
 * by O(dx^2 / bw^2) ~ 1e-2 relative at most (Wand and Jones 1995, Sec. 3.5, on binned
 * kernel estimators). Terms beyond 9 bw (weight e^-40) are left out. */
void lg_labx_kde_fit(lg_labx_kde *k, const double *x, size_t n, double bw)
{
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++)
        lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    k->bw = bw;
    k->dx = fmax(bw / 10, (hi - lo) / 1e6); /* at most about a million centres */
    k->a = lo;
    k->m = (size_t)((hi - lo) / k->dx) + 2;
    k->w = lg_xrealloc(k->w, k->m * sizeof(double));
    memset(k->w, 0, k->m * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double u = (x[i] - k->a) / k->dx;
        size_t j = (size_t)u;
        if (j + 1 >= k->m)
            j = k->m - 2;
        double f = u - (double)j;
        k->w[j] += (1 - f) / (double)n;
        k->w[j + 1] += f / (double)n;
    }
    k->lo = k->a - 9 * bw;
    k->hi = k->a + (double)(k->m - 1) * k->dx + 9 * bw;
}

double lg_labx_kde_density(double x, void *ctx)
{
    const lg_labx_kde *k = ctx;
    if (!(x > k->lo && x < k->hi))
        return 0;
    double u0 = (x - 9 * k->bw - k->a) / k->dx, u1 = (x + 9 * k->bw - k->a) / k->dx;
    size_t j0 = u0 <= 0 ? 0 : (size_t)ceil(u0);
    size_t j1 = u1 >= (double)(k->m - 1) ? k->m - 1 : (size_t)u1;
    double s = 0;
    for (size_t j = j0; j <= j1; j++) {
        double z = (x - (k->a + (double)j * k->dx)) / k->bw;
        s += k->w[j] * exp(-0.5 * z * z);
    }
    return s / (k->bw * sqrt(2 * M_PI));
}

void lg_labx_kde_free(lg_labx_kde *k)
{
    free(k->w);
    k->w = NULL;
}

int lg_labx_gnuplot(const char *dir, const char *script, const char *who)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot %s 2>>gnuplot.err", dir, script);
    if (system(cmd) != 0) {
        fprintf(stderr, "%s: gnuplot %s failed (see %s/gnuplot.err); the data and the script "
                        "are there to rerun\n", who, script, dir);
        return LG_EIO;
    }
    return LG_OK;
}

FILE *lg_labx_fopen(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    return f;
}

/* ============================================================ Lab 01 === */

#define MAX_SNAPS 8

typedef struct config {
    char data[256], g[256], d[256], opt_d[256], opt_g[256];
    long batch, steps, seed, d_steps, samples, curve_every;
    double bandwidth;
    long snaps[MAX_SNAPS];
    size_t n_snaps;
    double grid[3]; /* lo, hi, points */
    int bad_line;
    char bad[300];
} config;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    config *c = user;
    size_t n = 0;
    int ok = 1;
    if (!strcmp(section, "lab"))
        return 1; /* title: the registry's */
    if (strcmp(section, "experiment") != 0) {
        snprintf(c->bad, sizeof c->bad, "unknown section [%s]", section);
        return 0;
    }
#define STR(k) else if (!strcmp(name, #k)) snprintf(c->k, sizeof c->k, "%s", value)
#define NUM(k) else if (!strcmp(name, #k)) ok = lg_labx_parse_longs(value, &c->k, 1, &n) == LG_OK
    if (0) {}
    STR(data); STR(g); STR(d); STR(opt_d); STR(opt_g);
    NUM(batch); NUM(steps); NUM(seed); NUM(d_steps); NUM(samples); NUM(curve_every);
    else if (!strcmp(name, "snapshots"))
        ok = lg_labx_parse_longs(value, c->snaps, MAX_SNAPS, &c->n_snaps) == LG_OK;
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
    c->bandwidth = 0.1;
    snprintf(c->data, sizeof c->data, "mog1d");
    snprintf(c->g, sizeof c->g, "1-16t-16t-1");
    snprintf(c->d, sizeof c->d, "1-32l-32l-1");
    snprintf(c->opt_d, sizeof c->opt_d, "adam:lr=1e-3,b1=0.5");
    snprintf(c->opt_g, sizeof c->opt_g, "adam:lr=1e-3,b1=0.5");
    c->batch = 128, c->steps = 3000, c->seed = 1, c->d_steps = 1, c->samples = 20000;
    c->curve_every = 100;
    c->grid[0] = -5, c->grid[1] = 5, c->grid[2] = 401;
    int line = ini_parse(path, on_ini, c);
    if (line < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the experiment definition", path);
    if (line > 0)
        return lg_seterr(LG_EFORMAT, "%s:%d: %s", path, line, c->bad[0] ? c->bad : "not an ini line");
    if (!c->n_snaps || c->n_snaps > 4)
        return lg_seterr(LG_EINVAL, "%s: give 1 to 4 snapshot steps (snapshots = 0, 200, ...)", path);
    for (size_t i = 0; i < c->n_snaps; i++)
        if (c->snaps[i] > c->steps)
            return lg_seterr(LG_EINVAL, "%s: snapshot %ld is after the last step %ld", path,
                             c->snaps[i], c->steps);
    if (!(c->grid[0] < c->grid[1]) || c->grid[2] < 11 || c->grid[2] > 100000)
        return lg_seterr(LG_EINVAL, "%s: grid = LO, HI, POINTS with LO < HI and 11..100000 points", path);
    if (c->samples < 100 || c->batch < 1 || c->curve_every < 1)
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
    lg_labx_kde kde;
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
    /* the same noise at every step, so the pictures differ only by G */
    lg_labx_g_samples(g->net[LG_NET_G], ns, (unsigned long)s->c->seed * 1000003ul + 17, s->samples);
    lg_labx_kde_fit(&s->kde, s->samples, ns, s->c->bandwidth);
    s->lo = fmin(s->c->grid[0], s->kde.lo); /* where either density has mass */
    s->hi = fmax(s->c->grid[1], s->kde.hi);
    out->step = step;
    out->w1 = lg_w1_1d(s->samples, ns, s->real, ns);
    double jsd = lg_jsd_1d(lg_labx_data_density, s->ds, lg_labx_kde_density, &s->kde, s->lo, s->hi);
    out->jsd = jsd;
    out->c_ref = -log(4.0) + 2 * jsd; /* Theorem 1 */
    out->c_student = s->crit ? s->crit(lg_labx_data_density, s->ds, lg_labx_kde_density, &s->kde,
                                       s->lo, s->hi) : NAN;
    s->crit_nan += s->crit && isnan(out->c_student);
    lg_labx_d_values(g->net[LG_NET_D], s->x, s->n, s->dx);
    /* |D - D*| averaged over the mixture (p_data + p_g)/2, on the grid (Riemann sum) */
    double gap = 0, h = (s->x[s->n - 1] - s->x[0]) / (double)(s->n - 1);
    for (size_t i = 0; i < s->n; i++) {
        s->p[i] = lg_labx_data_density(s->x[i], s->ds);
        s->q[i] = lg_labx_kde_density(s->x[i], &s->kde);
        s->ds_star[i] = s->dstar ? s->dstar(s->p[i], s->q[i]) : NAN;
        gap += 0.5 * (s->p[i] + s->q[i]) * fabs(s->dx[i] - s->ds_star[i]) * h;
    }
    out->gap = s->dstar ? gap : NAN;
    if (!snap)
        return LG_OK;
    char name[64];
    snprintf(name, sizeof name, "snap_%05ld.csv", step);
    FILE *f = lg_labx_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 01, seed %ld, step %ld: p_g is a KDE of %zu samples of G (bandwidth %g)\n"
               "x,p_data,p_g,D,D_star\n", s->c->seed, step, ns, s->kde.bw);
    for (size_t i = 0; i < s->n; i++)
        fprintf(f, "%.6g,%.6g,%.6g,%.6g,%.6g\n", s->x[i], s->p[i], s->q[i], s->dx[i], s->ds_star[i]);
    return fclose(f) == 0 ? LG_OK : lg_seterr(LG_EIO, "%s/%s: write failed", dir, name);
}

static int write_figures(const config *c, const snapshot *snaps, const char *dir, bool have_dstar,
                         bool have_crit, double ymax)
{
    FILE *f = lg_labx_fopen(dir, "fig_training.gp");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 01: the minimax GAN on %s at %zu points of training (seed %ld).\n"
               "# As in Figure 1 of Goodfellow et al. 2014: data (black, dotted), generator (green),\n"
               "# discriminator D(x) (blue, dashed) and the optimal D*(x) (orange), drawn where\n"
               "# p_data + p_g > 1e-3 (elsewhere neither density says anything; D* is in the CSV).\n"
               "# The y range stops at %.3g: a generator density above it is clipped.\n"
               "# Edit and rerun in this folder: gnuplot fig_training.gp\n"
               "set terminal pngcairo size %zu,380 font ',10'\n"
               "set output 'fig_training.png'\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set multiplot layout 1,%zu title 'minimax GAN on %s, seed %ld: p_{data} (black, dotted), "
               "p_g (green), D(x) (blue, dashed)%s'\n"
               "set xrange [%g:%g]\nset yrange [0:%.3g]\nset grid\nset xlabel 'x'\nunset key\n",
            c->data, c->n_snaps, c->seed, ymax, 330 * c->n_snaps + 20, c->n_snaps, c->data, c->seed,
            have_dstar ? ", D*(x) (orange)" : "", c->grid[0], c->grid[1], ymax);
    for (size_t i = 0; i < c->n_snaps; i++) {
        fprintf(f, "set title 'step %ld'\n%s", snaps[i].step, "");
        fprintf(f, "plot 'snap_%05ld.csv' using 'x':'p_data' with lines dt 3 lw 2 lc rgb 'black' title 'p_{data}', \\\n"
                   "     '' using 'x':'p_g' with lines lw 2 lc rgb '#1a9850' title 'p_g', \\\n"
                   "     '' using 'x':'D' with lines dt 2 lw 2 lc rgb '#2166ac' title 'D(x)'%s\n",
                snaps[i].step,
                have_dstar ? ", \\\n     '' using 'x':(column('p_data') + column('p_g') > 1e-3 ? "
                             "column('D_star') : NaN) with lines lw 1.5 lc rgb '#e08214' title 'D*(x)'" : "");
    }
    fprintf(f, "unset multiplot\n");
    fclose(f);

    if (!(f = lg_labx_fopen(dir, "fig_criterion.gp")))
        return LG_EIO;
    fprintf(f, "# litgan lab 01: C(G) = max_D V(D, G) over training (seed %ld); its minimum is -log 4.\n"
               "# Edit and rerun in this folder: gnuplot fig_criterion.gp\n"
               "set terminal pngcairo size 720,420 font ',10'\n"
               "set output 'fig_criterion.png'\n"
               "set datafile separator comma\nset datafile columnheaders\nset datafile missing 'nan'\n"
               "set title 'C(G) over training, %s, seed %ld'\nset xlabel 'generator step'\n"
               "set ylabel 'C(G)'\nset grid\nset key top right\n"
               "plot 'criterion.csv' using 'step':'c_ref' with lines lw 2 lc rgb '#2166ac' "
               "title '-log 4 + 2 JSD (lg\\_jsd\\_1d)', \\\n%s"
               "     -log(4) with lines dt 2 lc rgb 'black' title '-log 4'\n",
            c->seed, c->data, c->seed,
            have_crit ? "     '' using 'step':'c_yours' with points pt 7 ps 0.6 lc rgb '#e08214' "
                        "title 'C(G), your optimal.c', \\\n" : "");
    fclose(f);
    return LG_OK;
}

static int write_results(const config *c, const snapshot *snaps, const char *dir, const char *notes)
{
    FILE *f = lg_labx_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "The minimax GAN (`plugins/gan.c`) on `%s`: G `%s`, D `%s`, `%s` / `%s`, batch %ld, "
               "seed %ld. p_g is a kernel density estimate from %ld samples of G (bandwidth %g).\n\n%s"
               "| step | C(G), your `optimal.c` | −log 4 + 2·JSD (`lg_jsd_1d`) | JSD | "
               "mean abs(D − D*) | W1(p_g, p_data) |\n|---:|---:|---:|---:|---:|---:|\n",
            c->data, c->g, c->d, c->opt_d, c->opt_g, c->batch, c->seed, c->samples, c->bandwidth, notes);
    for (size_t i = 0; i < c->n_snaps; i++)
        fprintf(f, "| %ld | %.6f | %.6f | %.6f | %.4f | %.4f |\n", snaps[i].step, snaps[i].c_student,
                snaps[i].c_ref, snaps[i].jsd, snaps[i].gap, snaps[i].w1);
    fprintf(f, "\n−log 4 = %.6f. mean abs(D − D*) weighs the grid by (p_data + p_g)/2.\n\n"
               "![data, generator, D and D* during training](fig_training.png)\n\n"
               "![C(G) over training](fig_criterion.png)\n", -log(4.0));
    return fclose(f) == 0 ? LG_OK : lg_seterr(LG_EIO, "%s/results.md: write failed", dir);
}

int lg_lab01_experiment(const lg_lab *lab, const char *ini_path, const char *out_dir)
{
    config c;
    int rc = read_config(ini_path, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission sub;
    if ((rc = lg_labx_build(lab, &sub)) != LG_OK)
        return rc;
    state s = { .c = &c };
    char notes[512] = "";
    /* Tasks 1.3 and 1.4 from optimal.c (files[1]); the run needs only gan.c */
    void *dl = lg_labx_open(&sub, 1);
    s.dstar = (lg_lab01_optimal_d_fn)lg_labx_sym(dl, "lab01_optimal_d");
    s.crit = (lg_lab01_criterion_fn)lg_labx_sym(dl, "lab01_criterion");
    if (!s.dstar || !s.crit)
        fprintf(stderr, "litgan lab 01: optimal.c: %s; D* and C(G) are left out\n", lg_errmsg());
    if (s.dstar && isnan(s.dstar(1, 3)))
        s.dstar = NULL; /* not implemented yet (said once on stderr) */
    if (!s.dstar)
        s.crit = NULL; /* C(G) calls D* */
    char run_dir[4200], steps[32], batch[32], seed[32], dsteps[32];
    snprintf(run_dir, sizeof run_dir, "%s/run", out_dir);
    snprintf(steps, sizeof steps, "%ld", c.steps);
    snprintf(batch, sizeof batch, "%ld", c.batch);
    snprintf(seed, sizeof seed, "%ld", c.seed);
    snprintf(dsteps, sizeof dsteps, "%ld", c.d_steps);
    char *argv[] = { "--loss", sub.so_path[0], "--data", c.data, "--g", c.g, "--d", c.d,
                     "--opt-d", c.opt_d, "--opt-g", c.opt_g, "--batch", batch, "--steps", steps,
                     "--seed", seed, "--d-steps", dsteps, "--out", run_dir, "--quiet" };
    lg_run *run = NULL;
    FILE *curve = NULL;
    snapshot snaps[MAX_SNAPS];
    if ((rc = lg_run_open((int)(sizeof argv / sizeof argv[0]), argv, &run)) != LG_OK)
        goto out;
    if ((rc = lg_dataset_open(c.data, &s.ds)) != LG_OK)
        goto out;
    if (s.ds->dim != 1 || !s.ds->density) {
        rc = lg_seterr(LG_EINVAL, "%s: data = %s must be 1D with an exact density (mog1d)", ini_path, c.data);
        goto out;
    }
    s.n = (size_t)c.grid[2];
    s.x = lg_xcalloc(s.n, sizeof(double));
    s.p = lg_xcalloc(s.n, sizeof(double));
    s.q = lg_xcalloc(s.n, sizeof(double));
    s.dx = lg_xcalloc(s.n, sizeof(double));
    s.ds_star = lg_xcalloc(s.n, sizeof(double));
    s.samples = lg_xcalloc((size_t)c.samples, sizeof(double));
    s.real = lg_xcalloc((size_t)c.samples, sizeof(double));
    for (size_t i = 0; i < s.n; i++)
        s.x[i] = c.grid[0] + (c.grid[1] - c.grid[0]) * (double)i / (double)(s.n - 1);
    {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, (unsigned long)c.seed * 1000003ul + 29);
        gsl_matrix_view v = gsl_matrix_view_array(s.real, (size_t)c.samples, 1);
        s.ds->sample(s.ds, r, &v.matrix);
        gsl_rng_free(r);
    }
    if (!(curve = lg_labx_fopen(out_dir, "criterion.csv"))) {
        rc = LG_EIO;
        goto out;
    }
    fprintf(curve, "# litgan lab 01, seed %ld: C(G) from optimal.c and from lg_jsd_1d, W1 to the data\n"
                   "step,c_yours,c_ref,jsd,w1\n", c.seed);
    size_t k = 0;
    for (long step = 0; step <= c.steps; step++) {
        bool snap = k < c.n_snaps && c.snaps[k] == step;
        if (snap || step % c.curve_every == 0 || step == c.steps) {
            snapshot e;
            if ((rc = evaluate(&s, run, step, snap, &e, out_dir)) != LG_OK)
                goto out;
            fprintf(curve, "%ld,%.9g,%.9g,%.9g,%.6g\n", step, e.c_student, e.c_ref, e.jsd, e.w1);
            if (snap)
                snaps[k++] = e;
        }
        if (step < c.steps && (rc = lg_run_step(run)) != LG_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", lg_errmsg());
            lg_seterr(rc, "training step %ld: %s", step + 1, why);
            goto out;
        }
    }
    fclose(curve);
    curve = NULL;
    double ymax = 1.05; /* D in [0, 1]; and all of p_data */
    for (size_t i = 0; i < s.n; i++)
        ymax = fmax(ymax, 1.1 * lg_labx_data_density(s.x[i], s.ds));
    if (!s.dstar)
        snprintf(notes, sizeof notes, "Task 1.3 is not implemented yet: D* and C(G) are left out.\n\n");
    else if (s.crit_nan)
        snprintf(notes, sizeof notes, "C(G) of `optimal.c` was NaN at %zu of the steps where it was "
                 "computed (is Task 1.4 implemented?).\n\n", s.crit_nan);
    if ((rc = write_figures(&c, snaps, out_dir, s.dstar != NULL, s.crit != NULL, ymax)) != LG_OK ||
        (rc = write_results(&c, snaps, out_dir, notes)) != LG_OK)
        goto out;
    lg_labx_gnuplot(out_dir, "fig_training.gp", "litgan lab 01");
    lg_labx_gnuplot(out_dir, "fig_criterion.gp", "litgan lab 01");
out:
    if (curve)
        fclose(curve);
    lg_run_close(run);
    lg_dataset_free(s.ds);
    free(s.x), free(s.p), free(s.q), free(s.dx), free(s.ds_star), free(s.samples), free(s.real);
    lg_labx_kde_free(&s.kde);
    if (dl)
        dlclose(dl);
    lg_submission_free(&sub);
    return rc;
}
