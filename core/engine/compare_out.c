/*
 * compare_out.c - the figures `litgan compare` draws once its runs have ended
 * (samples over each critic, densities, metrics over training, a grid of
 * images per loss), their gnuplot scripts next to their data; the report and
 * runs.csv: compare_report.c. Only runs that finished in this invocation are scored or drawn; the
 * others are named as failed, stopped or not run.
 */
#include "compare.h"
#include "image_figures.h"
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#define HEAT_N 120   /* heatmap grid: HEAT_N x HEAT_N points */
#define CURVE_N 400  /* 1D curves: CURVE_N points */
#define N_EVAL LG_CMP_N_EVAL
#define IMG_COLS 10  /* images: samples of each loss in the grid, a row per loss */

void lg_cmp_output_names(const cmp *c, lg_strvec *v)
{
    static const char *fixed[] = { "report.md", "runs.csv", "real.csv", "samples.gp", "samples.png",
                                   "samples.dat", "metrics.gp", "metrics.png", "densities.gp", "densities.png",
                                   "gnuplot.err", "plan.txt" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        lg_strvec_push(v, fixed[i]);
    char name[CMP_LABEL + 16];
    for (size_t l = 0; l < c->n_losses; l++) {
        const char *fmt[] = { "heat_%s.dat", "samples_%s.csv", "curve_%s.dat" };
        for (size_t k = 0; k < 3; k++) {
            snprintf(name, sizeof name, fmt[k], c->loss[l].label);
            lg_strvec_push(v, name);
        }
    }
}

/* The first run of loss l that finished (the one drawn), or NULL. */
static const cmp_job *drawn_run(const cmp *c, size_t l)
{
    for (long s = 0; s < c->seeds; s++) {
        const cmp_job *j = &c->runs[l * (size_t)c->seeds + (size_t)s];
        if (j->state == CMP_OK)
            return j;
    }
    return NULL;
}

/* ------------------------------------------------------------ the critic --- */

/* What the figures shade: D at each row of pts, as P(real) = sigmoid(D) for
 * the GANs whose D is a logit, else the critic's raw value; with an encoder
 * loss, T(x, E(x)): the critic on x paired with the code E gives it. */
static void critic_at(lg_run *run, const cmp_loss *l, const gsl_matrix *pts, double *out)
{
    lg_game *g = lg_run_game(run);
    lg_net *D = g->net[LG_NET_D], *E = g->net[LG_NET_E];
    D->train = false;
    D->requires_grad = false;
    lg_tape *t = lg_tape_alloc();
    lg_node *in = lg_const(t, pts);
    if (l->encoder && E) {
        E->train = false;
        E->requires_grad = false;
        const gsl_matrix *z = lg_value(lg_net_apply(t, E, in));
        gsl_matrix *xz = gsl_matrix_alloc(pts->size1, pts->size2 + z->size2);
        for (size_t i = 0; i < pts->size1; i++) {
            for (size_t k = 0; k < pts->size2; k++)
                gsl_matrix_set(xz, i, k, gsl_matrix_get(pts, i, k));
            for (size_t k = 0; k < z->size2; k++)
                gsl_matrix_set(xz, i, pts->size2 + k, gsl_matrix_get(z, i, k));
        }
        in = lg_const(t, xz);
        gsl_matrix_free(xz);
    }
    const gsl_matrix *s = lg_value(lg_net_apply(t, D, in));
    for (size_t i = 0; i < pts->size1; i++) {
        double v = gsl_matrix_get(s, i, 0);
        out[i] = l->prob ? 1.0 / (1.0 + exp(-v)) : v;
    }
    lg_tape_free(t);
}

static const char *shade_name(const cmp_loss *l)
{
    return l->prob ? "D(x) = P(real)" : l->encoder ? "critic T(x, E(x))" : "critic T(x)";
}

static int open_final(const cmp_job *j, lg_run **run)
{
    lg_run_config rc;
    lg_run_config_init(&rc);
    rc.resume = j->dir;
    rc.quiet = 1;
    return lg_run_open(&rc, run);
}

/* D over a HEAT_N x HEAT_N grid of box: "x,y,value" rows, x outer, a blank
 * line after each x (gnuplot's grid for `with image`), no header: the
 * comment lines above the grid are skipped by any reader. */
static int write_heat(const cmp_job *j, const char *path, const double box[4])
{
    lg_run *run;
    int rc = open_final(j, &run);
    if (rc != LG_OK)
        return rc;
    size_t n = HEAT_N;
    gsl_matrix *pts = gsl_matrix_alloc(n * n, 2);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            gsl_matrix_set(pts, i * n + k, 0, box[0] + (box[1] - box[0]) * (double)i / (double)(n - 1));
            gsl_matrix_set(pts, i * n + k, 1, box[2] + (box[3] - box[2]) * (double)k / (double)(n - 1));
        }
    double *v = lg_xcalloc(n * n, sizeof *v);
    critic_at(run, j->l, pts, v);
    lg_atomic a;
    if ((rc = lg_atomic_open(&a, path)) == LG_OK) {
        fprintf(a.f, "# %s of %s seed %ld on a %zu x %zu grid: x,y,value; a block per x\n",
                shade_name(j->l), j->l->label, j->seed, n, n);
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++)
                fprintf(a.f, "%.9g,%.9g,%.9g\n", gsl_matrix_get(pts, i * n + k, 0),
                        gsl_matrix_get(pts, i * n + k, 1), v[i * n + k]);
            fprintf(a.f, "\n");
        }
        rc = ferror(a.f) ? (lg_atomic_abort(&a), lg_seterr(LG_EIO, "%s: write failed", path)) : lg_atomic_commit(&a);
    }
    free(v);
    gsl_matrix_free(pts);
    lg_run_close(run);
    return rc;
}

/* Gaussian kernel density of column 0 of x at t (Silverman's bandwidth). */
static double kde(const gsl_matrix *x, double h, double t)
{
    double s = 0;
    for (size_t i = 0; i < x->size1; i++) {
        double u = (t - gsl_matrix_get(x, i, 0)) / h;
        s += exp(-0.5 * u * u);
    }
    return s / ((double)x->size1 * h * sqrt(2 * M_PI));
}

static double bandwidth(const gsl_matrix *x)
{
    gsl_vector_const_view c = gsl_matrix_const_column(x, 0);
    double sd = gsl_stats_sd(c.vector.data, c.vector.stride, x->size1);
    return fmax(1.06 * sd * pow((double)x->size1, -0.2), 1e-3);
}

/* 1D: "x,p_real,p_gen,shade,dstar" over [lo, hi]: the two densities (kernel
 * estimates), what D does, and the optimal D* = p_real / (p_real + p_gen)
 * of the GAN (written only when D is a probability; NaN otherwise). */
static int write_curve(const cmp_job *j, const char *path, const gsl_matrix *real, double lo, double hi)
{
    lg_run *run;
    int rc = open_final(j, &run);
    if (rc != LG_OK)
        return rc;
    gsl_matrix *gen = lg_run_generate(run, N_EVAL, 2);
    gsl_matrix *pts = gsl_matrix_alloc(CURVE_N, 1);
    for (size_t i = 0; i < CURVE_N; i++)
        gsl_matrix_set(pts, i, 0, lo + (hi - lo) * (double)i / (CURVE_N - 1));
    double *v = lg_xcalloc(CURVE_N, sizeof *v);
    critic_at(run, j->l, pts, v);
    double hr = bandwidth(real), hg = bandwidth(gen);
    lg_atomic a;
    if ((rc = lg_atomic_open(&a, path)) == LG_OK) {
        fprintf(a.f, "# %s seed %ld: x,p_real,p_gen,%s,D*\n", j->l->label, j->seed, shade_name(j->l));
        for (size_t i = 0; i < CURVE_N; i++) {
            double x = gsl_matrix_get(pts, i, 0), pr = kde(real, hr, x), pg = kde(gen, hg, x);
            /* where neither has mass, D* is undefined: left out (blank) */
            double dstar = j->l->prob && pr + pg > 1e-3 ? pr / (pr + pg) : NAN;
            fprintf(a.f, "%.9g,%.9g,%.9g,%.9g,%.9g\n", x, pr, pg, v[i], dstar);
        }
        rc = ferror(a.f) ? (lg_atomic_abort(&a), lg_seterr(LG_EIO, "%s: write failed", path)) : lg_atomic_commit(&a);
    }
    free(v);
    gsl_matrix_free(pts);
    gsl_matrix_free(gen);
    lg_run_close(run);
    return rc;
}

/* ------------------------------------------------------------ scripts --- */

static FILE *script(const cmp *c, const char *name)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, name);
    FILE *f = fopen(path, "w");
    if (!f)
        lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    return f;
}

/* A panel of a failed loss: its frame and the word, nothing that looks like
 * a result. */
static void failed_panel(FILE *f, const cmp *c, size_t l)
{
    size_t bad = 0;
    for (long s = 0; s < c->seeds; s++)
        bad += c->runs[l * (size_t)c->seeds + (size_t)s].state != CMP_OK;
    fprintf(f, "set title '%s: FAILED (%zu of %ld runs)'\nunset colorbox\n"
               "set label 1 'FAILED: no run finished' at graph 0.5, graph 0.5 center font ',14' tc rgb 'red'\n"
               "plot NaN notitle\nunset label 1\n", c->loss[l].label, bad, c->seeds);
}

static int samples_script(const cmp *c, const double box[4])
{
    FILE *f = script(c, "samples.gp");
    if (!f)
        return LG_EIO;
    size_t n = c->n_losses;
    size_t cols = n < 3 ? n : 3, rows = (n + cols - 1) / cols;
    fprintf(f, "# litgan compare: final samples over what each D does (the first seed that finished).\n"
               "# The heat_*.dat grids have no header line: they are read as written (a header\n"
               "# setting would drop their first row). Edit and rerun in this folder: gnuplot samples.gp\n"
               "set terminal pngcairo size %zu,%zu font ',10'\n"
               "set output 'samples.png'\nset termoption noenhanced\n"
               "set datafile separator comma\n"
               "set multiplot layout %zu,%zu title '%s: real (black), generated (red) over D (shade, colour bar)'\n"
               "set size ratio -1\nset palette defined (0 '#f7fbff', 0.5 '#6baed6', 1 '#08306b')\n"
               "set xrange [%g:%g]\nset yrange [%g:%g]\nset key off\nset xtics out nomirror\n"
               "set ytics out nomirror\nset cbtics out\nset lmargin 6\nset rmargin 13\n",
            520 * cols + 40, 420 * rows + 40, rows, cols, c->data, box[0], box[1], box[2], box[3]);
    for (size_t l = 0; l < n; l++) {
        const cmp_job *j = drawn_run(c, l);
        if (!j) {
            failed_panel(f, c, l);
            continue;
        }
        const char *lab = c->loss[l].label;
        fprintf(f, "set title '%s (seed %ld)'\nset colorbox\nset cblabel '%s'\n%s"
                   "plot 'heat_%s.dat' using 1:2:3 with image, \\\n"
                   "     'samples_%s.csv' skip 1 using 1:2 with points pt 7 ps 0.15 lc rgb 'red', \\\n"
                   "     'real.csv' skip 1 every 5 using 1:2 with points pt 7 ps 0.25 lc rgb 'black'\n",
                lab, j->seed, shade_name(&c->loss[l]), c->loss[l].prob ? "set cbrange [0:1]\n" : "set autoscale cb\n",
                lab, lab);
    }
    fprintf(f, "unset multiplot\n");
    fclose(f);
    return LG_OK;
}

static int curves_script(const cmp *c)
{
    FILE *f = script(c, "densities.gp");
    if (!f)
        return LG_EIO;
    size_t n = c->n_losses;
    size_t cols = n < 3 ? n : 3, rows = (n + cols - 1) / cols;
    fprintf(f, "# litgan compare (1D data): densities of real and generated samples (kernel estimates),\n"
               "# D (right axis) and, for the GANs whose D is a probability, the optimal D* = p_real /\n"
               "# (p_real + p_gen). Edit and rerun in this folder: gnuplot densities.gp\n"
               "set terminal pngcairo size %zu,%zu font ',10'\n"
               "set output 'densities.png'\nset termoption noenhanced\n"
               "set datafile separator comma\n"
               "set multiplot layout %zu,%zu title '%s: densities (left axis), D and D* (right axis)'\n"
               "set key below horizontal font ',9'\nset ytics nomirror\nset y2tics\nset xlabel 'x'\n"
               "set ylabel 'density'\nset grid\n",
            480 * cols + 40, 440 * rows + 40, rows, cols, c->data);
    for (size_t l = 0; l < n; l++) {
        const cmp_job *j = drawn_run(c, l);
        if (!j) {
            failed_panel(f, c, l);
            continue;
        }
        const cmp_loss *x = &c->loss[l];
        fprintf(f, "set title '%s (seed %ld)'\nset y2label '%s'\n%s"
                   "plot 'curve_%s.dat' using 1:2 with lines lw 2 lc rgb 'black' title 'p_real', \\\n"
                   "     '' using 1:3 with lines lw 2 lc rgb 'red' title 'p_gen', \\\n"
                   "     '' using 1:4 axes x1y2 with lines lw 2 lc rgb 'blue' title '%s'%s\n",
                x->label, j->seed, shade_name(x), x->prob ? "set y2range [0:1]\n" : "set autoscale y2\n",
                x->label, shade_name(x),
                x->prob ? ", \\\n     '' using 1:5 axes x1y2 with lines lw 2 dt 2 lc rgb 'blue' title 'D*'" : "");
    }
    fprintf(f, "unset multiplot\n");
    fclose(f);
    return LG_OK;
}

static int metrics_script(const cmp *c)
{
    FILE *f = script(c, "metrics.gp");
    if (!f)
        return LG_EIO;
    long most = 1;
    for (size_t l = 0; l < c->n_losses; l++)
        most = c->loss[l].steps > most ? c->loss[l].steps : most;
    /* at most 5 labelled ticks on the step axis */
    double raw = (double)most / 4, mag = pow(10, floor(log10(raw))), tic = mag;
    for (double m = 1; m <= 10; m *= 2) /* 1, 2, 4 (close to 5), 8 */
        if (mag * m >= raw) {
            tic = mag * (m == 4 ? 5 : m == 8 ? 10 : m);
            break;
        }
    bool images = c->ds->height > 0;
    int panels = images ? 2 : c->ds->n_modes ? 3 : 1;
    fprintf(f, "# litgan compare: metrics over training (the first seed of each loss that finished).\n"
               "# Edit and rerun in this folder: gnuplot metrics.gp\n"
               "set terminal pngcairo size %d,460 font ',11'\n"
               "set output 'metrics.png'\nset termoption noenhanced\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set multiplot layout 1,%d title '%s: metrics over generator steps'\n"
               "set xlabel 'generator step'\nset key top right font ',9'\nset grid\n"
               "set xtics %g out nomirror\nset ytics out nomirror\nset format x '%%.0f'\nset xrange [0:%ld]\n",
            panels == 3 ? 1500 : panels == 2 ? 1100 : 640, panels, c->data, tic, most);
    const char *cols[3] = { "modes", "high_quality", "sliced_w1" };
    const char *titles[3] = { "modes covered", "high-quality fraction", "sliced W1 to real (log scale)" };
    if (images) { /* the classifier's scores: classes present, then the Fréchet distance */
        cols[1] = "classes";
        cols[2] = "fid";
        titles[1] = "classes with at least 1% of the samples";
        titles[2] = "Fréchet distance to held-out images (log scale)";
    }
    bool any = false;
    for (size_t l = 0; l < c->n_losses; l++)
        any |= drawn_run(c, l) != NULL;
    for (int k = 3 - panels; k < 3 && any; k++) {
        if (k == 0)
            fprintf(f, "set yrange [0:%zu.5]\nset ytics 1\n", c->ds->n_modes);
        else if (k == 1 && images)
            fprintf(f, "set yrange [0:%zu.5]\nset ytics 1\n", c->ds->n_classes);
        else if (k == 1)
            fprintf(f, "set yrange [0:1]\nset ytics 0.2\n");
        else
            fprintf(f, "set autoscale y\nset ytics auto\nset logscale y\nset format y '%%g'\n");
        fprintf(f, "set title '%s'\n", titles[k]);
        bool first = true;
        for (size_t l = 0; l < c->n_losses; l++) {
            const cmp_job *j = drawn_run(c, l);
            if (!j)
                continue;
            fprintf(f, "%s 'runs/%s-s%ld/log.csv' using 'step':'%s' with lines lw 2 title '%s, seed %ld'",
                    first ? "plot" : ", \\\n    ", c->loss[l].label, j->seed, cols[k], c->loss[l].label, j->seed);
            first = false;
        }
        fprintf(f, "\n");
    }
    fprintf(f, "unset multiplot\n");
    fclose(f);
    return LG_OK;
}

/* The figure made: its PNG is there (gnuplot ran). */
static void draw(const cmp *c, const char *gp, const char *png, lg_strvec *written)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, png);
    unlink(path);
    lg_gnuplot_run(c->out, gp, "litgan compare", c->quiet ? NULL : stderr);
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > 0)
        lg_strvec_push(written, png);
}

static void box_of(const gsl_matrix *real, double box[4])
{
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    for (size_t i = 0; i < real->size1; i++)
        for (size_t k = 0; k < 2; k++) {
            double v = gsl_matrix_get(real, i, k);
            box[2 * k] = fmin(box[2 * k], v);
            box[2 * k + 1] = fmax(box[2 * k + 1], v);
        }
    for (size_t k = 0; k < 2; k++) {
        double m = 0.25 * (box[2 * k + 1] - box[2 * k]) + 0.1;
        box[2 * k] -= m;
        box[2 * k + 1] += m;
    }
}

static int write_real(const cmp *c, const gsl_matrix *real)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/real.csv", c->out);
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
    if (rc != LG_OK)
        return rc;
    fprintf(a.f, "%s\n", real->size2 == 2 ? "x,y" : "# one sample per row");
    for (size_t i = 0; i < real->size1; i++)
        for (size_t k = 0; k < real->size2; k++)
            fprintf(a.f, "%.9g%c", gsl_matrix_get(real, i, k), k + 1 < real->size2 ? ',' : '\n');
    return lg_atomic_commit(&a);
}

/* Images: a row of IMG_COLS samples of each loss's drawn run (the same z for
 * every loss: noise of seed 1's grid stream), its label on the left; a blank
 * row for a loss without a finished run. */
static int image_grid(const cmp *c)
{
    size_t h = c->ds->height, w = c->ds->width, n = c->n_losses;
    gsl_matrix *img = gsl_matrix_calloc(n * IMG_COLS, h * w);
    long *cell = lg_xmalloc(n * IMG_COLS * sizeof *cell);
    const char **label = lg_xcalloc(n, sizeof *label);
    gsl_matrix *z = NULL;
    int rc = LG_OK;
    for (size_t l = 0; l < n; l++) {
        label[l] = c->loss[l].label;
        const cmp_job *j = drawn_run(c, l);
        lg_run *run = NULL;
        for (size_t k = 0; k < IMG_COLS; k++)
            cell[l * IMG_COLS + k] = -1;
        if (!j || open_final(j, &run) != LG_OK) {
            lg_run_close(run);
            continue;
        }
        lg_net *G = lg_run_game(run)->net[LG_NET_G];
        if (!z)
            z = lg_noise(1, LG_STREAM_GRID, IMG_COLS, G->in_dim);
        if (z->size2 == G->in_dim) {
            gsl_matrix_view rows = gsl_matrix_submatrix(img, l * IMG_COLS, 0, IMG_COLS, h * w);
            lg_net_forward(G, z, &rows.matrix);
            for (size_t k = 0; k < IMG_COLS; k++)
                cell[l * IMG_COLS + k] = (long)(l * IMG_COLS + k);
        }
        lg_run_close(run);
    }
    char title[512];
    snprintf(title, sizeof title, "samples of each loss on %s, seed 1 of each (the same %d z for every loss)",
             c->data, IMG_COLS);
    lg_mosaic m = { .h = h, .w = w, .rows = n, .cols = IMG_COLS, .img = img, .cell = cell, .title = title,
                    .row_label = label };
    rc = lg_mosaic_write(c->out, "samples", &m, NULL, NULL);
    if (z)
        gsl_matrix_free(z);
    gsl_matrix_free(img);
    free(cell);
    free(label);
    return rc;
}

int lg_cmp_figures(cmp *c, lg_strvec *written)
{
    size_t dim = c->ds->dim;
    if (c->ds->height) { /* images: no real.csv of 784 columns; a grid of samples per loss */
        if (image_grid(c) == LG_OK)
            draw(c, "samples.gp", "samples.png", written);
        else if (!c->quiet)
            fprintf(stderr, "litgan compare: the samples' grid: %s\n", lg_errmsg());
        if (metrics_script(c) == LG_OK)
            draw(c, "metrics.gp", "metrics.png", written);
        return LG_OK;
    }
    gsl_matrix *real = lg_real_samples(c->ds, 1, N_EVAL);
    if (!real)
        return LG_ENOMEM;
    int rc = write_real(c, real);
    char path[4300], from[4300];
    if (rc == LG_OK && dim == 2) {
        double box[4];
        box_of(real, box);
        for (size_t l = 0; l < c->n_losses; l++) {
            const cmp_job *j = drawn_run(c, l);
            if (!j)
                continue;
            snprintf(path, sizeof path, "%s/heat_%s.dat", c->out, c->loss[l].label);
            if (write_heat(j, path, box) != LG_OK && !c->quiet)
                fprintf(stderr, "litgan compare: heatmap of %s: %s\n", c->loss[l].label, lg_errmsg());
            snprintf(from, sizeof from, "%s/samples.csv", j->dir);
            snprintf(path, sizeof path, "%s/samples_%s.csv", c->out, c->loss[l].label);
            lg_copy_file(from, path);
        }
        if (samples_script(c, box) == LG_OK)
            draw(c, "samples.gp", "samples.png", written);
    } else if (rc == LG_OK && dim == 1) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < real->size1; i++) {
            lo = fmin(lo, gsl_matrix_get(real, i, 0));
            hi = fmax(hi, gsl_matrix_get(real, i, 0));
        }
        double m = 0.25 * (hi - lo) + 0.1;
        for (size_t l = 0; l < c->n_losses; l++) {
            const cmp_job *j = drawn_run(c, l);
            if (!j)
                continue;
            snprintf(path, sizeof path, "%s/curve_%s.dat", c->out, c->loss[l].label);
            if (write_curve(j, path, real, lo - m, hi + m) != LG_OK && !c->quiet)
                fprintf(stderr, "litgan compare: densities of %s: %s\n", c->loss[l].label, lg_errmsg());
        }
        if (curves_script(c) == LG_OK)
            draw(c, "densities.gp", "densities.png", written);
    }
    if (rc == LG_OK && metrics_script(c) == LG_OK)
        draw(c, "metrics.gp", "metrics.png", written);
    gsl_matrix_free(real);
    return rc;
}
