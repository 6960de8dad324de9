/*
 * run_figures.c - the figures `litgan train` leaves in its run folder, drawn
 * by gnuplot from data files beside their scripts (edit a script there and
 * rerun it with `gnuplot NAME.gp`):
 *   samples.png  2D data: D's output over the plane (d_grid.csv: x,y,d on a
 *                101 x 101 grid) as a heatmap with a colour bar, real and
 *                generated samples on top; 1D data: histograms of real and
 *                generated samples, the exact density when the data has one,
 *                and D(x) on the right axis (d_curve.csv: x,d,p); over the
 *                data's range, or for a point mass (dirac) over the point
 *                and the generated samples;
 *   metrics.png  the losses, sliced W1 and, for data with modes, the modes
 *                covered and high-quality share over the rows of log.csv
 *                (none before the first step).
 * settings.gp holds the run's values the scripts load (title, ranges, bin
 * width); figures.gp draws both in one gnuplot process. With an encoder D
 * scores pairs (x, z): there is no D over x alone, only the samples. Data of
 * more than two dimensions gets metrics.png only; image data also gets
 *   grid.png     64 samples of G at the run's seed (image_figures.h);
 *   fixed_noise.png  G at the same 8 z over training, from the snapshots
 *                of fixed_noise_snapshots.dat (run_images.c).
 */
#include "image_figures.h"
#include "run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID 101   /* points per side of the 2D grid */
#define CURVE 401  /* points of the 1D curve */

static const char samples2d_gp[] =
    "# samples.gp - litgan train: D over the plane, real and generated samples (rerun: gnuplot samples.gp)\n"
    "reset\n"
    "load 'settings.gp'    # title, xlo, xhi, ylo, yhi, has_d\n"
    "set terminal pngcairo size 680,640 font ',10'\n"
    "set output 'samples.png'\n"
    "set datafile separator comma\n"
    "set datafile columnheaders\n"
    "set title title noenhanced\n"
    "set xrange [xlo:xhi]\n"
    "set yrange [ylo:yhi]\n"
    "set size ratio -1\n"
    "set key outside bottom center horizontal\n"
    "if (has_d) {\n"
    "    # light: D scores the point low (judged fake), dark: high (judged real)\n"
    "    set palette defined (0 '#f7f7f7', 1 '#92c5de', 2 '#2166ac')\n"
    "    set cblabel \"D(x), the discriminator's output (dark: judged real)\"\n"
    "    plot 'd_grid.csv' using 1:2:3 with image notitle, \\\n"
    "         'real.csv' using 1:2 with points pt 7 ps 0.25 lc rgb '#555555' title 'real', \\\n"
    "         'samples.csv' using 1:2 with points pt 7 ps 0.25 lc rgb '#d6604d' title 'generated'\n"
    "} else {\n"
    "    plot 'real.csv' using 1:2 with points pt 7 ps 0.25 lc rgb '#555555' title 'real', \\\n"
    "         'samples.csv' using 1:2 with points pt 7 ps 0.25 lc rgb '#d6604d' title 'generated'\n"
    "}\n";

static const char samples1d_gp[] =
    "# samples.gp - litgan train: 1D densities and D(x) (rerun: gnuplot samples.gp)\n"
    "reset\n"
    "load 'settings.gp'    # title, xlo, xhi, w (bin width), n_real, n_gen, has_d, has_p\n"
    "set terminal pngcairo size 720,440 font ',10'\n"
    "set output 'samples.png'\n"
    "set datafile separator comma\n"
    "set title title noenhanced\n"
    "set xrange [xlo:xhi]\n"
    "set xlabel 'x'\n"
    "set ylabel 'density'\n"
    "set key outside bottom center horizontal\n"
    "set style fill transparent solid 0.35 noborder\n"
    "set boxwidth w absolute   # one bin each (a point mass fills a single bin)\n"
    "bin(x) = w * floor(x / w) + w / 2\n"
    "hist = \"'real.csv' using (bin($1)):(1.0 / (n_real * w)) smooth freq with boxes lc rgb '#555555' \" . \\\n"
    "       \"title 'real (histogram)', 'samples.csv' using (bin($1)):(1.0 / (n_gen * w)) smooth freq \" . \\\n"
    "       \"with boxes lc rgb '#d6604d' title 'generated (histogram)'\"\n"
    "dens = has_p ? \", 'd_curve.csv' using 1:3 with lines dt 2 lw 2 lc rgb 'black' title 'p_{data} (exact)'\" : ''\n"
    "if (has_d) {\n"
    "    set y2label 'D(x), the discriminator output'\n"
    "    set y2tics\n"
    "    set ytics nomirror\n"
    "    eval('plot ' . hist . dens . \", 'd_curve.csv' using 1:2 axes x1y2 with lines lw 2 lc rgb '#2166ac' \" . \\\n"
    "         \"title 'D(x) (right axis)'\")\n"
    "} else {\n"
    "    eval('plot ' . hist . dens)\n"
    "}\n";

static const char metrics_gp[] =
    "# metrics.gp - litgan train: the rows of log.csv over training (rerun: gnuplot metrics.gp)\n"
    "reset\n"
    "load 'settings.gp'    # title, has_modes, has_scores\n"
    "if (!exists('has_scores')) { has_scores = 0 }\n"
    "set terminal pngcairo size 720,760 font ',10'\n"
    "set output 'metrics.png'\n"
    "set datafile separator comma\n"
    "set datafile columnheaders\n"
    "set multiplot layout ((has_modes || has_scores) ? 3 : 2), 1 title title noenhanced\n"
    "set grid\n"
    "set key top right\n"
    "set xtics format '%.0s%c'   # 1k, 2k: readable at any length\n"
    "set ylabel 'loss'\n"
    "plot 'log.csv' using 'step':'loss_d' with lines lw 2 lc rgb '#2166ac' title 'D loss', \\\n"
    "     '' using 'step':'loss_g' with lines lw 2 lc rgb '#d6604d' title 'G loss'\n"
    "set ylabel 'sliced W1'\n"
    "if (!has_modes && !has_scores) { set xlabel 'generator step' }\n"
    "plot 'log.csv' using 'step':'sliced_w1' with linespoints pt 7 ps 0.5 lc rgb 'black' \\\n"
    "     title 'sliced W1 to the data (lower is better)'\n"
    "if (has_modes) {\n"
    "    set xlabel 'generator step'\n"
    "    set ylabel 'modes covered'\n"
    "    set y2label 'high quality (%)'\n"
    "    set y2tics\n"
    "    set ytics nomirror\n"
    "    set yrange [0:*]\n"
    "    set y2range [0:100]\n"
    "    plot 'log.csv' using 'step':'modes' with linespoints pt 7 ps 0.5 lc rgb '#1b7837' title 'modes covered', \\\n"
    "         '' using 'step':(100 * column('high_quality')) axes x1y2 with lines lc rgb '#762a83' \\\n"
    "         title 'high quality, % (right axis)'\n"
    "}\n"
    "if (has_scores) {   # images: the classifier's scores (log.csv's fid and classes)\n"
    "    set xlabel 'generator step'\n"
    "    set ylabel 'Frechet distance (log scale)'\n"
    "    set logscale y\n"
    "    set y2label 'classes'\n"
    "    set key bottom left\n"
    "    set y2tics 1\n"
    "    set ytics nomirror\n"
    "    set y2range [0:10.5]\n"
    "    plot 'log.csv' using 'step':'fid' with linespoints pt 7 ps 0.5 lc rgb '#b2182b' \\\n"
    "         title 'Frechet distance to held-out images (lower is better)', \\\n"
    "         '' using 'step':'classes' axes x1y2 with steps lc rgb '#1b7837' title 'classes with at least 1% of the samples (right axis)'\n"
    "}\n"
    "unset multiplot\n";

/* The box of the real samples, each side padded by a quarter of its extent:
 * where the data is, with room around it (far outliers of G are clipped). */
static void data_box(const gsl_matrix *x, size_t j, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < x->size1; i++) {
        double v = gsl_matrix_get(x, i, j);
        a = fmin(a, v);
        b = fmax(b, v);
    }
    double pad = 0.25 * fmax(b - a, 1e-3);
    *lo = a - pad;
    *hi = b + pad;
}

/* 1D data that is a point mass (dirac): its box has no width, and G is
 * then judged by how far it lies from the point, so the box spans the point
 * and the generated samples (those of samples.csv), at least x +- 1, each
 * side padded by a quarter of the extent. */
static void point_mass_box(lg_run *r, double x, double *lo, double *hi)
{
    gsl_matrix *gen = lg_run_generate(r, (size_t)r->c.samples, 2);
    double a = fmin(x - 1.0, gsl_matrix_min(gen)), b = fmax(x + 1.0, gsl_matrix_max(gen));
    gsl_matrix_free(gen);
    if (!isfinite(a) || !isfinite(b)) {
        a = x - 1.0;
        b = x + 1.0;
    }
    double pad = 0.25 * (b - a);
    *lo = a - pad;
    *hi = b + pad;
}

static int write_text(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lg_write_atomic(path, text, strlen(text));
}

/* D's output at the points of x, into d (NULL when D scores pairs). */
static gsl_matrix *d_values(lg_run *r, const gsl_matrix *x)
{
    if (r->encoder)
        return NULL;
    gsl_matrix *d = gsl_matrix_alloc(x->size1, 1);
    lg_net_forward(r->g.net[LG_NET_D], x, d);
    return d;
}

/* d_grid.csv (2D) or d_curve.csv (1D), and settings.gp. */
static int write_data(lg_run *r, const char *dir)
{
    const gsl_matrix *real = lg_run_real_samples(r);
    size_t dim = r->ds->dim, n = dim == 2 ? GRID * GRID : CURVE;
    double xlo, xhi, ylo = 0, yhi = 0;
    data_box(real, 0, &xlo, &xhi);
    if (dim == 1 && gsl_matrix_min(real) == gsl_matrix_max(real))
        point_mass_box(r, gsl_matrix_min(real), &xlo, &xhi);
    if (dim == 2)
        data_box(real, 1, &ylo, &yhi);
    gsl_matrix *x = gsl_matrix_alloc(n, dim);
    for (size_t i = 0; i < n; i++) {
        size_t a = dim == 2 ? i / GRID : i, b = i % GRID, m = dim == 2 ? GRID : CURVE;
        gsl_matrix_set(x, i, 0, xlo + (xhi - xlo) * (double)a / (double)(m - 1));
        if (dim == 2)
            gsl_matrix_set(x, i, 1, ylo + (yhi - ylo) * (double)b / (double)(GRID - 1));
    }
    gsl_matrix *d = d_values(r, x);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, dim == 2 ? "d_grid.csv" : "d_curve.csv");
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
    if (rc == LG_OK) {
        fprintf(a.f, dim == 2 ? "x,y,d\n" : "# x,d,p: D(x) and the exact density (nan: not known)\n");
        for (size_t i = 0; i < n; i++) {
            double v = d ? gsl_matrix_get(d, i, 0) : NAN;
            if (dim == 2) {
                fprintf(a.f, "%.6g,%.6g,%.6g\n", gsl_matrix_get(x, i, 0), gsl_matrix_get(x, i, 1), v);
            } else {
                double xi = gsl_matrix_get(x, i, 0);
                fprintf(a.f, "%.6g,%.6g,%.6g\n", xi, v, r->ds->density ? r->ds->density(r->ds, &xi) : NAN);
            }
        }
        rc = ferror(a.f) ? (lg_atomic_abort(&a), lg_seterr(LG_EIO, "%s: write failed", path)) : lg_atomic_commit(&a);
    }
    gsl_matrix_free(x);
    gsl_matrix_free(d);
    if (rc != LG_OK)
        return rc;
    snprintf(path, sizeof path, "%s/settings.gp", dir);
    if ((rc = lg_atomic_open(&a, path)) != LG_OK)
        return rc;
    fprintf(a.f, "# settings.gp - the values of this run that samples.gp and metrics.gp load\ntitle = ");
    char title[LG_NAME_MAX * 4 + 128];
    snprintf(title, sizeof title, "%s on %s, seed %ld, step %ld", r->c.loss, r->c.data, r->c.seed, r->step);
    lg_gp_quoted(a.f, title);
    fprintf(a.f, "\nhas_d = %d\nhas_modes = %d\nhas_p = %d\n", !r->encoder, r->ds->n_modes > 0,
            r->ds->density != NULL);
    fprintf(a.f, "xlo = %.9g\nxhi = %.9g\nylo = %.9g\nyhi = %.9g\n", xlo, xhi, ylo, yhi);
    fprintf(a.f, "w = %.9g    # histogram bin width: 60 bins over the range\n", (xhi - xlo) / 60);
    fprintf(a.f, "n_real = %zu\nn_gen = %ld\n", real->size1, r->c.samples);
    return ferror(a.f) ? (lg_atomic_abort(&a), lg_seterr(LG_EIO, "%s: write failed", path)) : lg_atomic_commit(&a);
}

int lg_run_figures(lg_run *r, FILE *log)
{
    const char *dir = r->c.out;
    size_t dim = r->ds->dim;
    int rc = LG_OK;
    if (r->readonly)
        return lg_seterr(LG_EINVAL, "the run in %s was opened read-only: its figures are not redrawn there "
                         "(litgan sample draws them into a folder of their own)", dir);
    if (dim <= 2) {
        if ((rc = write_data(r, dir)) == LG_OK)
            rc = write_text(dir, "samples.gp", dim == 2 ? samples2d_gp : samples1d_gp);
    } else { /* no picture of the samples: settings for metrics.gp only */
        char title[8400], *text = NULL;
        size_t len = 0;
        snprintf(title, sizeof title, "%s on %s, seed %ld, step %ld", r->c.loss, lg_data_title(r), r->c.seed,
                 r->step);
        FILE *f = open_memstream(&text, &len);
        LG_ASSERT(f, "open_memstream needs memory only");
        fprintf(f, "title = ");
        lg_gp_quoted(f, title); /* a loss given as a path may hold a quote */
        fprintf(f, "\nhas_modes = %d\nhas_scores = %d\n", r->ds->n_modes > 0, r->ds->height > 0);
        fclose(f);
        rc = write_text(dir, "settings.gp", text);
        free(text);
    }
    if (rc == LG_OK)
        rc = write_text(dir, "metrics.gp", metrics_gp);
    /* image data: the sample grid and the fixed-noise grid (image_figures.h) */
    bool images = lg_dataset_image_shape(r->ds, NULL, NULL), fixed = false;
    if (rc == LG_OK && images && (rc = lg_image_grid_figure(r, dir, 64, r->c.seed)) == LG_OK)
        rc = lg_fixed_noise_figure(r, dir, &fixed);
    /* a log without rows (--steps 0) has nothing to draw over training */
    bool rows = r->step > 0, samples = dim <= 2;
    char all[160];
    snprintf(all, sizeof all, "%s%s%s%s", samples ? "load 'samples.gp'\n" : "", images ? "load 'grid.gp'\n" : "",
             fixed ? "load 'fixed_noise.gp'\n" : "", rows ? "load 'metrics.gp'\n" : "");
    if (rc == LG_OK)
        rc = write_text(dir, "figures.gp", all);
    if (rc != LG_OK || !all[0])
        return rc;
    return lg_gnuplot_run(dir, "figures.gp", "litgan train", log);
}
