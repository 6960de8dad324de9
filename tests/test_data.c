/*
 * test_data.c - the datasets (suite "data") and the metrics (suite "metrics").
 *
 * References are independent of the code under test: closed forms derived in
 * the comments (mode positions, chi-square and half-normal probabilities, W1 of
 * shifts, E|v.u| over random directions), sampling theory for the tolerances
 * (k standard errors), plain trapezoid / Simpson sums written here for every
 * integral, and a quantile-coupling formula for W1 that shares no code with the
 * CDF formula of metrics.c.
 */
#include "lg_test.h"
#include <float.h>
#include <gsl/gsl_sort.h>

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_histogram2d.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* ---------------------------------------------------------------- helpers --- */

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

static lg_dataset *open_ok(const char *spec)
{
    lg_dataset *ds = NULL;
    int rc = lg_dataset_open(spec, &ds);
    LG_ASSERT_MSG(rc == LG_OK && ds, "lg_dataset_open(\"%s\"): %s", spec, lg_errmsg());
    return rc == LG_OK ? ds : NULL;
}

static gsl_matrix *draw(const lg_dataset *ds, size_t n, unsigned long seed)
{
    gsl_rng *r = rng_new(seed);
    gsl_matrix *x = gsl_matrix_alloc(n, ds->dim);
    ds->sample(ds, r, x);
    gsl_rng_free(r);
    return x;
}

static double dist2(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return s;
}

static size_t nearest_mode(const lg_dataset *ds, const double *x, double *d2)
{
    size_t best = 0;
    double bd = INFINITY;
    for (size_t k = 0; k < ds->n_modes; k++) {
        double d = dist2(x, ds->modes + k * ds->dim, ds->dim);
        if (d < bd)
            bd = d, best = k;
    }
    *d2 = bd;
    return best;
}

static const char *const known_names[] = { "ring8", "grid25", "swissroll", "moons", "mog1d",
                                           "dirac", "uniform" };
#define N_KNOWN (sizeof known_names / sizeof known_names[0])

/* ===================================================== suite "data" ======== */

/* Ring of n: centre k at angle 2 pi k / n and radius r. The smallest distance
 * between two centres is the chord of neighbours, 2 r sin(pi / n) (1.5307 for
 * n = 8, r = 2); the linspace(0, 2 pi, 8) mistake puts centres 0 and 7 both at
 * angle 0 and makes it 0. */
static void check_ring(const char *spec, size_t n, double r, double sigma)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    CU_ASSERT_EQUAL(ds->dim, 2);
    CU_ASSERT_EQUAL(ds->n_modes, n);
    LG_ASSERT_CLOSE(ds->sigma, sigma, 0);
    CU_ASSERT_PTR_NULL(ds->weights);    /* equal weights */
    CU_ASSERT_PTR_NOT_NULL(ds->density);
    double dmin = INFINITY;
    for (size_t k = 0; k < ds->n_modes; k++) {
        const double *m = ds->modes + 2 * k;
        LG_ASSERT_CLOSE(hypot(m[0], m[1]), r, 1e-12);
        /* angle 2 pi k / n, compared through cos and sin (no branch cut) */
        double a = 2 * M_PI * (double)k / (double)n;
        LG_ASSERT_CLOSE(m[0], r * cos(a), 1e-12);
        LG_ASSERT_CLOSE(m[1], r * sin(a), 1e-12);
        for (size_t l = 0; l < k; l++)
            dmin = fmin(dmin, sqrt(dist2(m, ds->modes + 2 * l, 2)));
    }
    if (n > 1) {
        CU_ASSERT(dmin > 0);
        LG_ASSERT_CLOSE(dmin, 2 * r * sin(M_PI / (double)n), 1e-12);
    }
    lg_dataset_free(ds);
}

static void test_ring_modes(void)
{
    check_ring("ring8", 8, 2.0, 0.02);
    check_ring("ring8:n=5,radius=1,sigma=0.01", 5, 1.0, 0.01);
}

/* grid25: the 25 centres are exactly the lattice {-2..2}^2 * spacing, each once. */
static void check_grid(const char *spec, double h, double sigma)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    CU_ASSERT_EQUAL(ds->dim, 2);
    CU_ASSERT_EQUAL_FATAL(ds->n_modes, 25);
    LG_ASSERT_CLOSE(ds->sigma, sigma, 0);
    CU_ASSERT_PTR_NULL(ds->weights);
    CU_ASSERT_PTR_NOT_NULL(ds->density);
    int seen[5][5] = { { 0 } };
    for (size_t k = 0; k < 25; k++) {
        double u = ds->modes[2 * k] / h + 2, v = ds->modes[2 * k + 1] / h + 2;
        long i = lround(u), j = lround(v);
        LG_ASSERT_MSG(fabs(u - (double)i) < 1e-12 && fabs(v - (double)j) < 1e-12 && i >= 0 &&
                      i < 5 && j >= 0 && j < 5, "%s: mode %zu (%g, %g) is off the lattice",
                      spec, k, ds->modes[2 * k], ds->modes[2 * k + 1]);
        if (i >= 0 && i < 5 && j >= 0 && j < 5)
            seen[i][j]++;
    }
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            LG_ASSERT_MSG(seen[i][j] == 1, "%s: lattice point (%g, %g) has %d modes", spec,
                          (i - 2) * h, (j - 2) * h, seen[i][j]);
    lg_dataset_free(ds);
}

static void test_grid_modes(void)
{
    check_grid("grid25", 2.0, 0.05);
    check_grid("grid25:spacing=0.5,sigma=0.01", 0.5, 0.01);
}

/* Samples of a mixture, each assigned to its nearest mode (the modes are
 * >= 8 sigma apart in every case here, so a sample lands nearer to another
 * mode with probability <= P(N(0,1) > 4) = 3e-5; the tolerances absorb it).
 * Checked with z = 5 standard errors:
 *   fraction of mode k:  w_k +- 5 sqrt(w_k (1 - w_k) / N)
 *   mean of a coordinate: mu +- 5 sigma / sqrt(n_k)
 *   SD of a coordinate:   sigma +- 5 sigma / sqrt(2 n_k)   (SE of a Gaussian SD)
 * Every sample lies within 6 sigma of its mode: in 2D, |x - mu|^2 / sigma^2 is
 * chi^2_2, i.e. Exp(1/2), so P(R > 6 sigma) = exp(-18) = 1.5e-8 (in 1D,
 * 2 Phi(-6) = 2e-9): with <= 1e5 samples the chance of a false failure is < 2e-3,
 * and the seeds are fixed.
 * High quality (within 3 sigma of the nearest mode): in 2D
 *   P(chi^2_2 <= 9) = 1 - exp(-9/2) = 0.98889
 * (the chi^2_2 density is exp(-s/2)/2); in 1D P(|Z| <= 3) = erf(3/sqrt 2) = 0.99730.
 * Its SE is sqrt(p (1 - p) / N). */
static void check_mixture_samples(const char *spec, size_t n, unsigned long seed)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    size_t K = ds->n_modes, d = ds->dim;
    double s = ds->sigma;
    gsl_matrix *x = draw(ds, n, seed);
    size_t *cnt = calloc(K, sizeof *cnt);
    double *sum = calloc(K * d, sizeof *sum), *sq = calloc(K * d, sizeof *sq);
    double worst_r = 0;
    for (size_t i = 0; i < n; i++) {
        double d2, *row = gsl_matrix_ptr(x, i, 0);
        size_t k = nearest_mode(ds, row, &d2);
        worst_r = fmax(worst_r, sqrt(d2) / s);
        cnt[k]++;
        for (size_t j = 0; j < d; j++) {
            double e = row[j] - ds->modes[k * d + j];
            sum[k * d + j] += e;
            sq[k * d + j] += e * e;
        }
    }
    LG_ASSERT_MSG(worst_r < 6, "%s: a sample is %.2f sigma from every mode", spec, worst_r);
    for (size_t k = 0; k < K; k++) {
        double w = ds->weights ? ds->weights[k] : 1.0 / (double)K;
        double frac = (double)cnt[k] / (double)n;
        LG_ASSERT_MSG(fabs(frac - w) <= 5 * sqrt(w * (1 - w) / (double)n),
                      "%s: mode %zu has %.4f of the samples, expected %.4f", spec, k, frac, w);
        if (cnt[k] < 2)
            continue;
        double nk = (double)cnt[k];
        for (size_t j = 0; j < d; j++) {
            double mean = sum[k * d + j] / nk; /* offset from the mode */
            double sd = sqrt((sq[k * d + j] - nk * mean * mean) / (nk - 1));
            LG_ASSERT_MSG(fabs(mean) <= 5 * s / sqrt(nk), "%s: mode %zu coordinate %zu: sample "
                          "mean is %.3g off the centre (5 SE = %.3g)", spec, k, j, mean,
                          5 * s / sqrt(nk));
            LG_ASSERT_MSG(fabs(sd - s) <= 5 * s / sqrt(2 * nk), "%s: mode %zu coordinate %zu: "
                          "sample SD %.5g, sigma %.5g (5 SE = %.3g)", spec, k, j, sd, s,
                          5 * s / sqrt(2 * nk));
        }
    }
    lg_mode_stats st = lg_mode_coverage(ds, x);
    CU_ASSERT_EQUAL(st.modes_covered, K);
    double p = d == 2 ? 1 - exp(-4.5) : erf(3 / M_SQRT2);
    double se = sqrt(p * (1 - p) / (double)n);
    printf("  %s: high quality %.5f (theory %.5f, SE %.5f), farthest sample %.2f sigma\n", spec,
           st.high_quality, p, se, worst_r);
    LG_ASSERT_MSG(fabs(st.high_quality - p) <= 5 * se, "%s: high quality %.5f, theory %.5f "
                  "(5 SE = %.5f)", spec, st.high_quality, p, 5 * se);
    free(cnt);
    free(sum);
    free(sq);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
}

static void test_mixture_samples(void)
{
    printf("\n");
    check_mixture_samples("ring8", 40000, 11);
    check_mixture_samples("grid25", 60000, 12);
    check_mixture_samples("mog1d", 20000, 13);
    check_mixture_samples("mog1d:k=2,lo=-1,hi=3,sigma=0.25,w=0.3", 40000, 14);
    check_mixture_samples("mog1d:k=4,lo=0,hi=6,sigma=0.2", 40000, 15);
}

/* mog1d: means evenly spaced from lo to hi ((lo + hi)/2 for k = 1), weights. */
static void check_mog1d(const char *spec, size_t k, const double *mu, const double *w,
                        double sigma)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    CU_ASSERT_EQUAL(ds->dim, 1);
    CU_ASSERT_EQUAL_FATAL(ds->n_modes, k);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds->weights);
    CU_ASSERT_PTR_NOT_NULL(ds->density);
    LG_ASSERT_CLOSE(ds->sigma, sigma, 0);
    for (size_t i = 0; i < k; i++) {
        LG_ASSERT_CLOSE(ds->modes[i], mu[i], 1e-14);
        LG_ASSERT_CLOSE(ds->weights[i], w[i], 1e-15);
    }
    lg_dataset_free(ds);
}

static void test_mog1d_params(void)
{
    check_mog1d("mog1d", 2, (double[]){ -2, 2 }, (double[]){ 0.5, 0.5 }, 0.5);
    check_mog1d("mog1d:k=1,sigma=1", 1, (double[]){ 0 }, (double[]){ 1 }, 1);
    check_mog1d("mog1d:k=1,lo=4,hi=4,sigma=0.5", 1, (double[]){ 4 }, (double[]){ 1 }, 0.5);
    check_mog1d("mog1d:k=3,lo=-1,hi=3", 3, (double[]){ -1, 1, 3 },
                (double[]){ 1 / 3., 1 / 3., 1 / 3. }, 0.5);
    check_mog1d("mog1d:k=2,lo=-1,hi=1,w=0.25,sigma=0.1", 2, (double[]){ -1, 1 },
                (double[]){ 0.25, 0.75 }, 0.1);
    check_mog1d("mog1d:k=3,w=0.5", 3, (double[]){ -2, 0, 2 }, (double[]){ 0.5, 0.25, 0.25 },
                0.5);
}

/* 1D density of a dataset for quadrature routines. */
static double ds_pdf(double x, void *ctx)
{
    const lg_dataset *ds = ctx;
    return ds->density(ds, &x);
}

/* Densities integrate to 1.
 * 1D: GSL's QAGI on (-inf, inf) (GSL is not the code under test here).
 * 2D: the trapezoid rule with step h over a box that reaches 10 sigma beyond
 * every mode. For a Gaussian of SD sigma the trapezoid sum over the whole line
 * has relative error 2 exp(-2 pi^2 sigma^2 / h^2) (Poisson summation); with
 * h = sigma / 2 that is 2 exp(-79) ~ 1e-34, and the mass beyond 10 sigma is
 * < 1e-22: the sum must be 1 to rounding. */
static double trapezoid_2d(const lg_dataset *ds, double h)
{
    double lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
    for (size_t k = 0; k < ds->n_modes; k++)
        for (int j = 0; j < 2; j++) {
            lo[j] = fmin(lo[j], ds->modes[2 * k + j] - 10 * ds->sigma);
            hi[j] = fmax(hi[j], ds->modes[2 * k + j] + 10 * ds->sigma);
        }
    long nx = lround(ceil((hi[0] - lo[0]) / h)), ny = lround(ceil((hi[1] - lo[1]) / h));
    double s = 0;
    for (long i = 0; i <= nx; i++)
        for (long j = 0; j <= ny; j++) {
            /* the density is ~1e-22 on the box's edge, so the end weights 1/2 do not matter */
            double p[2] = { lo[0] + (double)i * h, lo[1] + (double)j * h };
            s += ds->density(ds, p);
        }
    return s * h * h;
}

static void test_density_integrates(void)
{
    const char *specs1[] = { "mog1d", "mog1d:k=1,sigma=1", "mog1d:k=3,lo=-1,hi=3,sigma=0.2,w=0.6",
                             "mog1d:k=5,lo=-3,hi=3,sigma=0.05" };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (size_t i = 0; i < sizeof specs1 / sizeof specs1[0]; i++) {
        lg_dataset *ds = open_ok(specs1[i]);
        if (!ds)
            continue;
        /* split at 0 so that QAGI's (0, 1] map does not squeeze narrow modes to a
         * point: integrate (-inf, 0] and [0, inf) with QAGIL / QAGIU */
        gsl_function f = { ds_pdf, ds };
        double a, b, ea, eb;
        int s1 = gsl_integration_qagil(&f, 0, 1e-13, 1e-12, 1000, ws, &a, &ea);
        int s2 = gsl_integration_qagiu(&f, 0, 1e-13, 1e-12, 1000, ws, &b, &eb);
        CU_ASSERT(s1 == 0 && s2 == 0);
        LG_ASSERT_MSG(fabs(a + b - 1) < 1e-9, "%s: density integrates to %.15g", specs1[i],
                      a + b);
        printf("%s  %s: mass - 1 = %.1e\n", i ? "" : "\n", specs1[i], a + b - 1);
        /* at a mean, with the other modes >= 8 sigma away (contributing
         * < exp(-32)), p = w / (sigma sqrt(2 pi)) */
        double x0 = ds->modes[0];
        LG_ASSERT_CLOSE(ds->density(ds, &x0) * ds->sigma * sqrt(2 * M_PI) / ds->weights[0],
                        1.0, 1e-12);
        double far = 1e6;
        CU_ASSERT(ds->density(ds, &far) == 0.0);
        lg_dataset_free(ds);
    }
    gsl_integration_workspace_free(ws);

    const char *specs2[] = { "ring8", "grid25", "ring8:n=3,radius=1,sigma=0.1" };
    for (size_t i = 0; i < sizeof specs2 / sizeof specs2[0]; i++) {
        lg_dataset *ds = open_ok(specs2[i]);
        if (!ds)
            continue;
        double mass = trapezoid_2d(ds, ds->sigma / 2);
        LG_ASSERT_MSG(fabs(mass - 1) < 1e-9, "%s: density integrates to %.15g", specs2[i], mass);
        printf("  %s: mass - 1 = %.1e\n", specs2[i], mass - 1);
        /* at a centre: 1 / (K 2 pi sigma^2); the nearest other centre is >= 17 sigma away */
        double v = ds->density(ds, ds->modes);
        LG_ASSERT_CLOSE(v * (double)ds->n_modes * 2 * M_PI * ds->sigma * ds->sigma, 1.0, 1e-12);
        double far[2] = { 1e3, -1e3 };
        double pf = ds->density(ds, far);
        CU_ASSERT(pf == 0.0);
        lg_dataset_free(ds);
    }
}

/* Composite Simpson on [a, b] with n (even) intervals. */
static double simpson(double (*f)(double, void *), void *ctx, double a, double b, int n)
{
    double h = (b - a) / n, s = f(a, ctx) + f(b, ctx);
    for (int i = 1; i < n; i++)
        s += (i % 2 ? 4 : 2) * f(a + i * h, ctx);
    return s * h / 3;
}

typedef struct slice2d {
    const lg_dataset *ds;
    double x;
} slice2d;

static double slice_pdf(double y, void *ctx)
{
    slice2d *s = ctx;
    double p[2] = { s->x, y };
    return s->ds->density(s->ds, p);
}

typedef struct cell2d {
    const lg_dataset *ds;
    double y0, y1;
} cell2d;

static double cell_row(double x, void *ctx)
{
    cell2d *c = ctx;
    slice2d s = { c->ds, x };
    return simpson(slice_pdf, &s, c->y0, c->y1, 8);
}

/* Pearson chi-square of a histogram against N times the density's mass in each
 * cell (Simpson, 8 x 8 intervals per cell, so the expected counts come from the
 * density alone, the observed ones from the sampler alone). Cells with an
 * expected count below 5 are left out. Under the null hypothesis chi^2 has mean
 * = cells and SD sqrt(2 cells); the bound is mean + 6 SD. */
static void check_chi2(const char *spec, const double *obs, const double *expect, size_t cells)
{
    double chi2 = 0;
    size_t used = 0;
    for (size_t c = 0; c < cells; c++)
        if (expect[c] >= 5) {
            chi2 += (obs[c] - expect[c]) * (obs[c] - expect[c]) / expect[c];
            used++;
        }
    double bound = (double)used + 6 * sqrt(2.0 * (double)used);
    printf("  %s: chi^2 %.1f over %zu cells (bound %.1f)\n", spec, chi2, used, bound);
    LG_ASSERT_MSG(used > 10 && chi2 <= bound, "%s: chi^2 = %.1f over %zu cells (bound %.1f)",
                  spec, chi2, used, bound);
}

/* 2D: around each mode, 6 x 6 cells of width sigma spanning +-3 sigma, counted
 * with one gsl_histogram2d per mode. */
static void check_hist_2d(const char *spec, size_t n, unsigned long seed)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    size_t K = ds->n_modes, B = 6, cells = K * B * B;
    double s = ds->sigma;
    gsl_matrix *x = draw(ds, n, seed);
    double *obs = calloc(cells, sizeof *obs), *expect = calloc(cells, sizeof *expect);
    for (size_t k = 0; k < K; k++) {
        double mx = ds->modes[2 * k], my = ds->modes[2 * k + 1];
        gsl_histogram2d *h = gsl_histogram2d_alloc(B, B);
        gsl_histogram2d_set_ranges_uniform(h, mx - 3 * s, mx + 3 * s, my - 3 * s, my + 3 * s);
        for (size_t i = 0; i < n; i++) {
            double a = gsl_matrix_get(x, i, 0), b = gsl_matrix_get(x, i, 1);
            if (a >= h->xrange[0] && a < h->xrange[B] && b >= h->yrange[0] && b < h->yrange[B])
                gsl_histogram2d_increment(h, a, b);
        }
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < B; j++) {
                size_t c = (k * B + i) * B + j;
                obs[c] = gsl_histogram2d_get(h, i, j);
                cell2d cc = { ds, h->yrange[j], h->yrange[j + 1] };
                expect[c] = (double)n * simpson(cell_row, &cc, h->xrange[i], h->xrange[i + 1], 8);
            }
        gsl_histogram2d_free(h);
    }
    check_chi2(spec, obs, expect, cells);
    free(obs);
    free(expect);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
}

/* 1D: 80 bins over [min mean - 4 sigma, max mean + 4 sigma] with gsl_histogram. */
static void check_hist_1d(const char *spec, size_t n, unsigned long seed)
{
    lg_dataset *ds = open_ok(spec);
    if (!ds)
        return;
    size_t B = 80;
    double lo = ds->modes[0] - 4 * ds->sigma, hi = ds->modes[ds->n_modes - 1] + 4 * ds->sigma;
    gsl_matrix *x = draw(ds, n, seed);
    gsl_histogram *h = gsl_histogram_alloc(B);
    gsl_histogram_set_ranges_uniform(h, lo, hi);
    for (size_t i = 0; i < n; i++) {
        double v = gsl_matrix_get(x, i, 0);
        if (v >= lo && v < h->range[B])
            gsl_histogram_increment(h, v);
    }
    double obs[80], expect[80];
    for (size_t b = 0; b < B; b++) {
        obs[b] = gsl_histogram_get(h, b);
        expect[b] = (double)n * simpson(ds_pdf, ds, h->range[b], h->range[b + 1], 16);
    }
    check_chi2(spec, obs, expect, B);
    gsl_histogram_free(h);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
}

static void test_density_matches_histogram(void)
{
    printf("\n");
    check_hist_2d("ring8", 80000, 21);
    check_hist_2d("grid25", 100000, 22);
    check_hist_1d("mog1d", 100000, 23);
    check_hist_1d("mog1d:k=3,lo=-1,hi=1,sigma=0.4,w=0.2", 100000, 24);
}

/* swissroll and moons without noise lie exactly on their documented curves; the
 * noise is what a second run with the same seed adds (the samplers draw the
 * position first and the two noise values after it, as documented), i.i.d.
 * N(0, noise^2): mean within 5 SE, SD within 5 sigma / sqrt(2 n). */
static void check_noise(const char *name, const gsl_matrix *a, const gsl_matrix *b, double s)
{
    size_t n = a->size1;
    for (size_t j = 0; j < 2; j++) {
        double sum = 0, sq = 0;
        for (size_t i = 0; i < n; i++) {
            double e = gsl_matrix_get(b, i, j) - gsl_matrix_get(a, i, j);
            sum += e;
            sq += e * e;
        }
        double mean = sum / (double)n, sd = sqrt((sq - n * mean * mean) / (double)(n - 1));
        LG_ASSERT_MSG(fabs(mean) <= 5 * s / sqrt((double)n), "%s: noise mean %.3g", name, mean);
        LG_ASSERT_MSG(fabs(sd - s) <= 5 * s / sqrt(2.0 * (double)n), "%s: noise SD %.5g, "
                      "expected %.5g", name, sd, s);
    }
}

static void test_swissroll(void)
{
    lg_dataset *ds = open_ok("swissroll:noise=0,scale=0.2");
    lg_dataset *dn = open_ok("swissroll:noise=0.1,scale=0.2");
    if (!ds || !dn)
        return;
    CU_ASSERT_EQUAL(ds->dim, 2);
    CU_ASSERT_EQUAL(ds->n_modes, 0);
    CU_ASSERT_PTR_NULL(ds->density);
    size_t n = 20000;
    gsl_matrix *x = draw(ds, n, 31), *y = draw(dn, n, 31);
    /* (x, y) = 0.2 (t cos t, t sin t): t = |(x, y)| / 0.2 in [1.5 pi, 4.5 pi] */
    double worst = 0, sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        double px = gsl_matrix_get(x, i, 0) / 0.2, py = gsl_matrix_get(x, i, 1) / 0.2;
        double t = hypot(px, py);
        CU_ASSERT(t >= 1.5 * M_PI - 1e-9 && t <= 4.5 * M_PI + 1e-9);
        worst = fmax(worst, fmax(fabs(px - t * cos(t)), fabs(py - t * sin(t))));
        sum += t;
        sq += t * t;
    }
    LG_ASSERT_MSG(worst < 1e-9, "swissroll: a sample is %.3g off the spiral", worst);
    /* t ~ U(1.5 pi, 4.5 pi): mean 3 pi, SD 3 pi / sqrt 12; the SE of a uniform's
     * sample SD is SD sqrt(0.8) / (2 sqrt n) (kurtosis 9/5), below SD / (2 sqrt n) */
    double mean = sum / (double)n, sd = sqrt((sq - n * mean * mean) / (double)(n - 1));
    double sd0 = 3 * M_PI / sqrt(12.0);
    LG_ASSERT_CLOSE(mean, 3 * M_PI, 5 * sd0 / sqrt((double)n));
    LG_ASSERT_CLOSE(sd, sd0, 5 * sd0 / (2 * sqrt((double)n)));
    check_noise("swissroll", x, y, 0.1);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    lg_dataset_free(ds);
    lg_dataset_free(dn);
}

static void test_moons(void)
{
    lg_dataset *ds = open_ok("moons:noise=0");
    lg_dataset *dn = open_ok("moons:noise=0.08");
    if (!ds || !dn)
        return;
    CU_ASSERT_EQUAL(ds->dim, 2);
    CU_ASSERT_EQUAL(ds->n_modes, 0);
    CU_ASSERT_PTR_NULL(ds->density);
    size_t n = 20000, upper = 0;
    gsl_matrix *x = draw(ds, n, 41), *y = draw(dn, n, 41);
    double worst = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < n; i++) {
        /* undo the shift (-1/2, -1/4) */
        double a = gsl_matrix_get(x, i, 0) + 0.5, b = gsl_matrix_get(x, i, 1) + 0.25;
        sx += gsl_matrix_get(x, i, 0);
        sy += gsl_matrix_get(x, i, 1);
        /* upper: unit circle about (0, 0), b >= 0; lower: unit circle about
         * (1, 1/2), b <= 1/2 */
        double eu = fabs(hypot(a, b) - 1), el = fabs(hypot(a - 1, b - 0.5) - 1);
        if (eu < 1e-12 && b >= 0) {
            upper++;
        } else {
            CU_ASSERT(b <= 0.5 + 1e-12);
            worst = fmax(worst, el);
        }
    }
    LG_ASSERT_MSG(worst < 1e-12, "moons: a sample is %.3g off both half circles", worst);
    /* a fair coin: 1/2 +- 5 sqrt(1/4n) */
    LG_ASSERT_CLOSE((double)upper / (double)n, 0.5, 5 * 0.5 / sqrt((double)n));
    /* centred: the upper arc's mean is (0, 2/pi), the lower's (1, 1/2 - 2/pi),
     * their average (1/2, 1/4) is what the shift removes. SD of a coordinate is
     * < 1, so 5 / sqrt n bounds 5 SE */
    LG_ASSERT_CLOSE(sx / (double)n, 0.0, 5 / sqrt((double)n));
    LG_ASSERT_CLOSE(sy / (double)n, 0.0, 5 / sqrt((double)n));
    check_noise("moons", x, y, 0.08);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    lg_dataset_free(ds);
    lg_dataset_free(dn);
}

/* The same seed gives bit-identical samples; another seed does not. */
static void test_determinism(void)
{
    for (size_t i = 0; i < N_KNOWN; i++) {
        lg_dataset *ds = open_ok(known_names[i]);
        if (!ds)
            continue;
        gsl_matrix *a = draw(ds, 64, 5), *b = draw(ds, 64, 5), *c = draw(ds, 64, 6);
        LG_ASSERT_MSG(memcmp(a->data, b->data, 64 * ds->dim * sizeof(double)) == 0,
                      "%s: same seed, different samples", known_names[i]);
        /* (a point mass is the same under every seed) */
        LG_ASSERT_MSG(!strcmp(known_names[i], "dirac") || memcmp(a->data, c->data, 64 * ds->dim * sizeof(double)) != 0,
                      "%s: different seeds, same samples", known_names[i]);
        gsl_matrix_free(a);
        gsl_matrix_free(b);
        gsl_matrix_free(c);
        lg_dataset_free(ds);
    }
}

/* lg_uniforms against n calls of gsl_rng_uniform: from several seeds and
 * starting points in the generator's 624-word block (0, mid-block, the block's
 * end, where the next draw regenerates), lengths across one and several
 * regenerations, each number's bits, the state left behind and the draws that
 * follow (gsl_rng_uniform, gsl_ran_gaussian) the same. A generator that is not
 * mt19937 takes the calls' path: the same numbers too. Independent of GSL: the
 * 10,000th output of mt19937 seeded 5489 is 4123659995 (the C++ standard's
 * check value for std::mt19937; GSL seeds as the 2002 reference code does). */
static void test_uniforms_bulk(void)
{
    static const size_t lens[] = { 0, 1, 2, 7, 623, 624, 625, 1247, 1248, 5000 };
    static const size_t skips[] = { 0, 1, 300, 623, 624 };
    /* (a wrong twist or tempering would not give wrong numbers: the check at
     * the first use would send every draw through the calls) */
    CU_ASSERT_TRUE(lg_uniforms_in_bulk());
    double *u = lg_xmalloc(5000 * sizeof(double));
    for (unsigned long seed = 1; seed <= 3; seed++)
        for (size_t a = 0; a < sizeof skips / sizeof skips[0]; a++)
            for (size_t b = 0; b < sizeof lens / sizeof lens[0]; b++) {
                gsl_rng *ref = rng_new(seed * 7919), *got = rng_new(seed * 7919);
                for (size_t i = 0; i < skips[a]; i++) {
                    gsl_rng_uniform(ref);
                    gsl_rng_uniform(got);
                }
                lg_uniforms(got, u, lens[b]);
                size_t bad = lens[b];
                for (size_t i = 0; i < lens[b]; i++) {
                    double r = gsl_rng_uniform(ref);
                    if (bad == lens[b] && memcmp(&r, &u[i], sizeof r) != 0)
                        bad = i;
                }
                LG_ASSERT_MSG(bad == lens[b], "seed %lu, after %zu draws, %zu in bulk: number %zu differs",
                              seed * 7919, skips[a], lens[b], bad);
                LG_ASSERT_MSG(memcmp(gsl_rng_state(ref), gsl_rng_state(got), gsl_rng_size(ref)) == 0,
                              "seed %lu, after %zu draws, %zu in bulk: the generator's state differs",
                              seed * 7919, skips[a], lens[b]);
                double r1 = gsl_rng_uniform(ref), g1 = gsl_rng_uniform(got);
                double r2 = gsl_ran_gaussian(ref, 1.0), g2 = gsl_ran_gaussian(got, 1.0);
                LG_ASSERT_MSG(r1 == g1 && r2 == g2, "seed %lu: the draws after a bulk draw differ", seed * 7919);
                gsl_rng_free(ref);
                gsl_rng_free(got);
            }
    /* the C++ standard's check value */
    gsl_rng *r = rng_new(5489);
    lg_uniforms(r, u, 5000);
    lg_uniforms(r, u, 5000);
    CU_ASSERT_EQUAL(u[4999] * 4294967296.0, 4123659995.0);
    gsl_rng_free(r);
    /* another generator: the calls */
    gsl_rng *ta = gsl_rng_alloc(gsl_rng_taus2), *tb = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(ta, 11);
    gsl_rng_set(tb, 11);
    lg_uniforms(tb, u, 1000);
    size_t bad = 1000;
    for (size_t i = 0; i < 1000; i++) {
        double x = gsl_rng_uniform(ta);
        if (bad == 1000 && x != u[i])
            bad = i;
    }
    LG_ASSERT_MSG(bad == 1000, "taus2: number %zu differs from gsl_rng_uniform's", bad);
    gsl_rng_free(ta);
    gsl_rng_free(tb);
    free(u);
}

/* uniform:dim=D is 2 u - 1 of gsl_rng_uniform's numbers, row after row, in
 * [-1, 1); into a view of a wider matrix too, whose other columns stay */
static void test_uniform_kind(void)
{
    lg_dataset *ds = open_ok("uniform:dim=300");
    if (!ds)
        return;
    for (int wide = 0; wide < 2; wide++) {
        gsl_matrix *w = gsl_matrix_alloc(7, wide ? 311 : 300);
        gsl_matrix_set_all(w, 5.0);
        gsl_matrix_view x = gsl_matrix_submatrix(w, 0, wide ? 11 : 0, 7, 300);
        gsl_rng *r = rng_new(42), *s = rng_new(42);
        ds->sample(ds, s, &x.matrix);
        size_t bad = 7 * 300;
        for (size_t i = 0; i < 7 * 300; i++) {
            double want = 2.0 * gsl_rng_uniform(r) - 1.0, v = gsl_matrix_get(&x.matrix, i / 300, i % 300);
            if (bad == 7 * 300 && (v != want || v < -1.0 || v >= 1.0))
                bad = i;
        }
        LG_ASSERT_MSG(bad == 7 * 300, "uniform (row of %zu): value %zu is not 2 u - 1 of the generator's draw",
                      w->size2, bad);
        for (size_t i = 0; i < 7; i++)
            for (size_t j = 0; j < (wide ? 11u : 0u); j++)
                CU_ASSERT_EQUAL(gsl_matrix_get(w, i, j), 5.0);
        gsl_rng_free(r);
        gsl_rng_free(s);
        gsl_matrix_free(w);
    }
    lg_dataset_free(ds);
}

/* Every bad spec fails with LG_EINVAL, no dataset, and one line that names the
 * problem. */
static void test_bad_specs(void)
{
    static const struct {
        const char *spec, *needle;
    } bad[] = {
        { "ring9", "unknown" },
        { "ring8:sigma=-1", "ring8" },
        { "ring8:n=0", "ring8" },
        { "ring8:radius=0", "radius" },
        { "ring8:sigma=abc", "not a finite number" },
        { "ring8:radius=2,foo=1", "unknown parameter 'foo'" },
        { "ring8:n=2.5", "whole number" },
        { "grid25:spacing=0", "spacing" },
        { "grid25:sigma=-0.05", "sigma" },
        { "grid25:sigma=nan", "not a finite number" },
        { "swissroll:scale=0", "scale" },
        { "swissroll:noise=-0.1", "noise" },
        { "moons:noise=-1", "noise" },
        { "mog1d:k=0", "k=0" },
        { "mog1d:k=101", "k=101" },
        { "mog1d:k=2,lo=1,hi=1", "lo < hi" },
        { "mog1d:lo=3,hi=-3", "lo < hi" },
        { "mog1d:sigma=0", "sigma" },
        { "mog1d:w=1", "w=1" },
        { "mog1d:w=-0.2", "w=-0.2" },
        { "mog1d:k=1,w=0.5", "k >= 2" },
        { "uniform:dim=0", "dim" },
        { ":sigma=1", "empty" },
        { "mog1d:k=3,", "ends with" },
        /* ranges: within what a double samples and the metrics score; decimal only */
        { "ring8:radius=1e308", "dataset ring8: parameter radius=1e308 is out of range: give radius in [1e-4, 1e3] "
          "(radius of the circle)" },
        { "ring8:sigma=1e-300", "dataset ring8: parameter sigma=1e-300 is out of range: give sigma in [1e-4, 1e3]" },
        { "ring8:n=1001", "parameter n=1001 is out of range: give n in [1, 1000]" },
        { "ring8:n=0x8", "dataset ring8: parameter n='0x8' is not a whole number" },
        { "mog1d:lo=0x10", "dataset mog1d: parameter lo='0x10' is not a finite number" },
        { "mog1d:hi=1001", "parameter hi=1001 is out of range: give hi in [-1e3, 1e3]" },
        { "swissroll:noise=1e4", "parameter noise=1e4 is out of range: give noise in [0, 1e3]" },
        { "grid25:sigma=0.00009", "parameter sigma=0.00009 is out of range" },
    };
    static lg_dataset sentinel;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lg_dataset *ds = &sentinel; /* must be reset to NULL */
        int rc = lg_dataset_open(bad[i].spec, &ds);
        const char *m = lg_errmsg();
        LG_ASSERT_MSG(rc == LG_EINVAL && ds == NULL, "'%s' was accepted (rc %d)", bad[i].spec, rc);
        LG_ASSERT_MSG(strstr(m, bad[i].needle) && !strchr(m, '\n') && strlen(m) > 10,
                      "'%s': message '%s' should be one line containing '%s'", bad[i].spec, m,
                      bad[i].needle);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(bad[i].spec, ":"), bad[i].spec);
        LG_ASSERT_MSG(!name[0] || strstr(m, name), "'%s': message '%s' does not name the dataset",
                      bad[i].spec, m);
        if (rc == LG_OK)
            lg_dataset_free(ds);
    }
    /* the bounds are valid, and samples there are finite and keep their noise */
    static const char *const edge[] = { "ring8:n=1000,radius=1e3,sigma=1e-4", "grid25:spacing=1e3,sigma=1e3",
                                        "mog1d:k=100,lo=-1e3,hi=1e3,sigma=1e-4,w=0", "moons:noise=0",
                                        "swissroll:noise=1e3,scale=1e-4" };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        lg_dataset *e = NULL;
        LG_ASSERT_MSG(lg_dataset_open(edge[i], &e) == LG_OK, "%s refused: %s", edge[i], lg_errmsg());
        if (!e)
            continue;
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_matrix *x = gsl_matrix_alloc(200, lg_dataset_dim(e));
        lg_dataset_sample(e, rng, x);
        CU_ASSERT(lg_all_finite(x->data, x->size1 * x->size2));
        /* sigma 1e-4 at radius 1e3: written with 9 digits (samples.csv), a sample
         * is still about sigma from its mode (Rayleigh: mean sigma sqrt(pi/2)) */
        if (i == 0) {
            size_t nm;
            double sigma, mean = 0;
            const double *modes = lg_dataset_modes(e, &nm, &sigma);
            for (size_t k = 0; k < x->size1; k++) {
                char t[2][32];
                snprintf(t[0], sizeof t[0], "%.9g", gsl_matrix_get(x, k, 0));
                snprintf(t[1], sizeof t[1], "%.9g", gsl_matrix_get(x, k, 1));
                double px = strtod(t[0], NULL), py = strtod(t[1], NULL), best = INFINITY;
                for (size_t m = 0; m < nm; m++)
                    best = fmin(best, hypot(px - modes[2 * m], py - modes[2 * m + 1]));
                mean += best / (double)x->size1;
            }
            LG_ASSERT_MSG(mean > 0.9 * sigma * sqrt(M_PI / 2) && mean < 1.1 * sigma * sqrt(M_PI / 2),
                          "mean distance to the mode %g, sigma %g", mean, sigma);
        }
        gsl_matrix_free(x);
        gsl_rng_free(rng);
        lg_dataset_free(e);
    }
    /* "ring8:" is an empty parameter list: the defaults */
    lg_dataset *ds;
    CU_ASSERT_EQUAL(lg_dataset_open("ring8:", &ds), LG_OK);
    lg_dataset_free(ds);
    /* the unknown-dataset message lists every known dataset */
    CU_ASSERT_EQUAL(lg_dataset_open("ring9:sigma=1", &ds), LG_EINVAL);
    const char *m = lg_errmsg();
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "'ring9'"));
    for (size_t i = 0; i < N_KNOWN; i++)
        LG_ASSERT_MSG(strstr(m, known_names[i]), "'%s' does not list %s", m, known_names[i]);
}

/* lg_dataset_help documents every parameter of every dataset with its default:
 * the line of dataset NAME starts "  NAME:" and holds "key=default" for every
 * entry of the dataset's parameter table. */
static void test_help(void)
{
    for (size_t i = 0; i < N_KNOWN; i++) {
        lg_dataset *ds = open_ok(known_names[i]);
        if (!ds)
            continue;
        char head[80];
        snprintf(head, sizeof head, "\n  %s:", known_names[i]);
        const char *line = strstr(lg_dataset_help(), head);
        LG_ASSERT_MSG(line, "lg_dataset_help has no line for %s", known_names[i]);
        if (line) {
            line += 1;
            size_t len = strcspn(line, "\n");
            for (size_t k = 0; k < ds->params->n; k++) {
                char kv[128];
                snprintf(kv, sizeof kv, "%s=%s", ds->params->doc[k].key,
                         ds->params->doc[k].default_value);
                char *l = strndup(line, len);
                LG_ASSERT_MSG(strstr(l, kv), "help of %s lacks '%s'", known_names[i], kv);
                free(l);
                CU_ASSERT(ds->params->doc[k].help && strlen(ds->params->doc[k].help) > 5);
            }
        }
        lg_dataset_free(ds);
    }
    /* the engine's list is datasets/'s table (lg_dataset.h): the same kinds in
     * the same order, and each summary starts at column 35 of the help, further
     * lines indented to it */
    /* (the image kinds after the sampled ones: their files, suite "images") */
    static const char *const image_names[] = { "mnist", "fashion", "idx" };
    CU_ASSERT_EQUAL(lg_n_dataset_kinds, N_KNOWN + 3);
    for (size_t i = 0; i < lg_n_dataset_kinds && i < N_KNOWN + 3; i++) {
        const lg_dataset_kind *kind = lg_dataset_kinds[i];
        const char *want_name = i < N_KNOWN ? known_names[i] : image_names[i - N_KNOWN];
        LG_ASSERT_MSG(!strcmp(kind->name, want_name), "kind %zu is %s, expected %s", i,
                      kind->name, want_name);
        CU_ASSERT(kind->doc && kind->make && kind->summary && kind->summary[0]);
        const char *first = strchr(kind->summary, '\n');
        char want[256];
        snprintf(want, sizeof want, "%-34s%.*s\n", "",
                 (int)(first ? (size_t)(first - kind->summary) : strlen(kind->summary)), kind->summary);
        const char *at = strstr(lg_dataset_help(), want + 34);
        LG_ASSERT_MSG(at && (at[-1] == ' ' || at[-1] == '\n'), "the summary of %s is not in the help",
                      kind->name);
        if (at) {
            const char *bol = at;
            while (bol > lg_dataset_help() && bol[-1] != '\n')
                bol--;
            LG_ASSERT_MSG(at - bol == 34, "the summary of %s starts at column %td, not 35", kind->name,
                          at - bol + 1);
        }
    }
}

/* ================================================== suite "metrics" ======== */

/* Hand-computed W1 of point-mass sets (F: the step CDFs):
 *  {0} vs {1}: 1.
 *  {1, 0, 0} vs {0.5}: F_a = 2/3 on [0, 1), F_b = 1 from 0.5: |2/3 - 0| * 0.5
 *    + |2/3 - 1| * 0.5 = 1/2 (also E|X - 0.5| = 0.5 for X in {0, 0, 1}).
 *  {0, 1} vs {0, 1, 2}: [0,1): |1/2 - 1/3| = 1/6; [1,2): |1 - 2/3| = 1/3; total 1/2.
 *  {3, -1} vs {0, 4, 0, 0}: [-1,0): 1/2; [0,3): |1/2 - 3/4| * 3 = 3/4;
 *    [3,4): |1 - 3/4| = 1/4; total 3/2.
 *  {0, 1} vs {1, 0}: 0. */
static void test_w1_point_masses(void)
{
    static const struct {
        double a[4], b[4];
        size_t na, nb;
        double w;
    } c[] = {
        { { 0 }, { 1 }, 1, 1, 1.0 },
        { { 1, 0, 0 }, { 0.5 }, 3, 1, 0.5 },
        { { 0, 1 }, { 0, 1, 2 }, 2, 3, 0.5 },
        { { 3, -1 }, { 0, 4, 0, 0 }, 2, 4, 1.5 },
        { { 0, 1 }, { 1, 0 }, 2, 2, 0.0 },
        { { 2, 2, 2 }, { 2 }, 3, 1, 0.0 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double a[4], b[4];
        memcpy(a, c[i].a, sizeof a);
        memcpy(b, c[i].b, sizeof b);
        LG_ASSERT_CLOSE(lg_w1_1d(a, c[i].na, b, c[i].nb), c[i].w, 1e-15);
        LG_ASSERT_CLOSE(lg_w1_1d(b, c[i].nb, a, c[i].na), c[i].w, 1e-15); /* symmetric */
        CU_ASSERT(memcmp(a, c[i].a, sizeof a) == 0 && memcmp(b, c[i].b, sizeof b) == 0);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Independent reference: W1 = int_0^1 |F_a^-1(u) - F_b^-1(u)| du (quantile
 * coupling). F_a^-1 is a[i] on ((i)/n, (i+1)/n]; the breakpoints i/n and j/m
 * are merged in integer units of 1/(n m). */
static double w1_quantile(const double *a0, size_t n, const double *b0, size_t m)
{
    double *a = malloc(n * sizeof *a), *b = malloc(m * sizeof *b);
    memcpy(a, a0, n * sizeof *a);
    memcpy(b, b0, m * sizeof *b);
    qsort(a, n, sizeof *a, cmp_double);
    qsort(b, m, sizeof *b, cmp_double);
    size_t i = 0, j = 0, pos = 0;
    double s = 0;
    while (i < n && j < m) {
        size_t ea = (i + 1) * m, eb = (j + 1) * n, e = ea < eb ? ea : eb;
        s += fabs(a[i] - b[j]) * (double)(e - pos);
        pos = e;
        if (ea == e)
            i++;
        if (eb == e)
            j++;
    }
    free(a);
    free(b);
    return s / ((double)n * (double)m);
}

/* A sample and its shift by c: the CDFs are translates, W1 = |c| exactly
 * (rounding of a_i + c aside). Unequal sizes: b repeats a twice (the same
 * empirical distribution) then shifts. Random sets of sizes (n, m) against the
 * quantile formula. */
static void test_w1_shift_and_coupling(void)
{
    gsl_rng *r = rng_new(51);
    size_t n = 1000;
    double *a = malloc(n * sizeof *a), *b = malloc(2 * n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        a[i] = gsl_ran_gaussian(r, 1.0);
    const double shifts[] = { 0.37, -1.25, 10.0, 1e-6 };
    double worst = 0;
    for (size_t s = 0; s < 4; s++) {
        double c = shifts[s];
        for (size_t i = 0; i < n; i++)
            b[i] = b[i + n] = a[i] + c;
        double w_eq = lg_w1_1d(a, n, b, n), w_un = lg_w1_1d(a, n, b, 2 * n);
        worst = fmax(worst, fmax(fabs(w_eq - fabs(c)), fabs(w_un - fabs(c))));
        LG_ASSERT_CLOSE(w_eq, fabs(c), 1e-13 * (1 + fabs(c)));
        LG_ASSERT_CLOSE(w_un, fabs(c), 1e-13 * (1 + fabs(c)));
    }
    printf("\n  W1 of shifts: worst absolute error %.2e\n", worst);
    const size_t sizes[][2] = { { 1, 7 }, { 10, 10 }, { 37, 100 }, { 500, 333 }, { 1000, 1000 } };
    for (size_t k = 0; k < 5; k++) {
        size_t na = sizes[k][0], nb = sizes[k][1];
        for (size_t i = 0; i < na; i++)
            a[i] = gsl_ran_gaussian(r, 1.0);
        for (size_t i = 0; i < nb; i++)
            b[i] = 0.5 + gsl_ran_exponential(r, 1.0);
        double ref = w1_quantile(a, na, b, nb);
        LG_ASSERT_CLOSE(lg_w1_1d(a, na, b, nb), ref, 1e-12 * (1 + ref));
    }
    free(a);
    free(b);
    gsl_rng_free(r);
}

/* Sliced W1 between x and its translate x + v: each projection on a unit u is
 * shifted by v.u, so its W1 is |v.u| exactly, and the sliced W1 is the mean of
 * |v.u| over the drawn directions.
 * 2D: u = (cos phi, sin phi), phi ~ U(0, 2 pi); v.u = |v| cos(phi - phi_v), so
 *   E|v.u| = |v| (1/2pi) int_0^2pi |cos phi| dphi = |v| 4 / (2 pi) = 2|v|/pi,
 *   Var = |v|^2 (E cos^2 - (2/pi)^2) = |v|^2 (1/2 - 4/pi^2), SD 0.3078 |v|.
 * 3D: for u uniform on S^2, u_z is U(-1, 1) (Archimedes), so |v.u| = |v| |U| with
 *   |U| ~ U(0, 1): mean |v| / 2, SD |v| / sqrt 12.
 * With P projections the tolerance is 5 SD / sqrt(P). */
static void check_sliced(size_t d, const double *v, size_t P, double mean_c, double sd_c)
{
    gsl_rng *r = rng_new(61 + d);
    size_t n = 150, m = 2 * n;
    gsl_matrix *x = gsl_matrix_alloc(n, d), *y = gsl_matrix_alloc(m, d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double e = gsl_ran_gaussian(r, 1.0);
            gsl_matrix_set(x, i, j, e);
            /* y: every sample twice (unequal sizes, same distribution), shifted */
            gsl_matrix_set(y, i, j, e + v[j]);
            gsl_matrix_set(y, i + n, j, e + v[j]);
        }
    double nv = 0;
    for (size_t j = 0; j < d; j++)
        nv += v[j] * v[j];
    nv = sqrt(nv);
    double sw = lg_sliced_w1(x, y, P, r);
    double expect = mean_c * nv, tol = 5 * sd_c * nv / sqrt((double)P);
    printf("  sliced W1 %zuD: %.5f, expected %.5f (tol %.4f)\n", d, sw, expect, tol);
    LG_ASSERT_CLOSE(sw, expect, tol);
    LG_ASSERT_CLOSE(lg_sliced_w1(x, x, 10, r), 0.0, 0);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    gsl_rng_free(r);
}

/* Found by fuzzing resume (tests/fuzz/fuzz_resume.c): a checkpoint whose finite
 * parameters overflow gave the generator a NaN sample, and the log row's sliced W1
 * never returned (the merge walk never passes a NaN: nothing is <= it). W1 is NaN
 * then, at once; infinities still end the walk. Run in a child under a 10 s alarm,
 * so a regression fails instead of hanging the suite. */
static void test_w1_nan(void)
{
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        alarm(10);
        double a[3] = { 0, NAN, 1 }, b[2] = { 0.5, 2 }, c[2] = { 0, INFINITY };
        gsl_matrix *x = gsl_matrix_calloc(4, 2), *y = gsl_matrix_calloc(3, 2);
        gsl_matrix_set(x, 1, 0, NAN);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        bool ok = isnan(lg_w1_1d(a, 3, b, 2)) && isnan(lg_w1_1d(b, 2, a, 3)) &&
                  isnan(lg_sliced_w1(x, y, 5, r)) && isnan(lg_sliced_w1(y, x, 5, r)) &&
                  isinf(lg_w1_1d(c, 2, b, 2)) && lg_w1_1d(b, 2, b, 2) == 0;
        gsl_matrix_free(x);
        gsl_matrix_free(y);
        gsl_rng_free(r);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
    CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (WIFSIGNALED(st))
        printf("  W1 with a NaN sample: killed by signal %d (%s)\n", WTERMSIG(st),
               WTERMSIG(st) == SIGALRM ? "it hangs" : "it crashes");
}

/* The radix sort against GSL's heapsort: every size from 0 to 40 and 2,500,
 * values of every kind (negatives, zeros of both signs, subnormals, the
 * largest doubles, infinities, ties); ascending, and the same multiset (the
 * same numbers position by position as gsl_sort, -0 and +0 compared as numbers).
 * And a reference made once scores as lg_sliced_w1 does, bit for bit. */
static void test_sort_and_sliced_ref(void)
{
    gsl_rng *r = rng_new(97);
    const double special[] = { 0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, DBL_MAX, -DBL_MAX,
                               INFINITY, -INFINITY, 1.0, -1.0, 1.0 };
    size_t sizes[42];
    for (size_t k = 0; k <= 40; k++)
        sizes[k] = k;
    sizes[41] = 2500;
    for (size_t t = 0; t < 42; t++) {
        size_t n = sizes[t];
        double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y), *tmp = malloc((n + 1) * sizeof *tmp);
        for (size_t i = 0; i < n; i++)
            x[i] = gsl_rng_uniform(r) < 0.3 ? special[gsl_rng_uniform_int(r, 12)]
                                            : ldexp(gsl_ran_gaussian(r, 1.0), (int)gsl_rng_uniform_int(r, 40) - 20);
        memcpy(y, x, n * sizeof *x);
        lg_sort_doubles(x, n, tmp);
        gsl_sort(y, 1, n);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += !(x[i] == y[i]) || (i && x[i - 1] > x[i]);
        LG_ASSERT_MSG(bad == 0, "n = %zu: %zu positions differ from gsl_sort or descend", n, bad);
        free(x);
        free(y);
        free(tmp);
    }
    /* the reference, once, against lg_sliced_w1 with the same stream */
    gsl_matrix *a = gsl_matrix_alloc(300, 3), *b = gsl_matrix_alloc(200, 3);
    for (size_t i = 0; i < 300 * 3; i++) {
        a->data[i] = gsl_ran_gaussian(r, 1.0);
        if (i < 200 * 3)
            b->data[i] = gsl_ran_gaussian(r, 1.0) + 0.5;
    }
    gsl_rng *p1 = rng_new(4242), *p2 = rng_new(4242);
    lg_sliced_ref *ref = lg_sliced_ref_alloc(b, 25, p1);
    for (int k = 0; k < 2; k++) { /* twice: the reference is reused, the scratch resized */
        const gsl_matrix *x = k ? b : a;
        gsl_rng_set(p2, 4242);
        double once = lg_sliced_ref_w1(ref, x), plain = lg_sliced_w1(x, b, 25, p2);
        LG_ASSERT_MSG(once == plain, "the reference gives %.17g, lg_sliced_w1 %.17g", once, plain);
    }
    LG_ASSERT_MSG(lg_sliced_ref_w1(ref, b) == 0.0, "a sample against itself");
    lg_sliced_ref_free(ref);
    gsl_matrix_free(a);
    gsl_matrix_free(b);
    gsl_rng_free(p1);
    gsl_rng_free(p2);
    gsl_rng_free(r);
}

static void test_sliced_w1(void)
{
    check_sliced(2, (double[]){ 0.3, -0.4 }, 20000, 2 / M_PI, sqrt(0.5 - 4 / (M_PI * M_PI)));
    check_sliced(3, (double[]){ 1, 2, -2 }, 20000, 0.5, 1 / sqrt(12.0));
}

/* ----------------------------------------------------------------- JSD --- */

typedef struct gauss {
    double mu, s;
} gauss;

static double gauss_pdf(double x, void *ctx)
{
    const gauss *g = ctx;
    double z = (x - g->mu) / g->s;
    return exp(-0.5 * z * z) / (g->s * sqrt(2 * M_PI));
}

typedef struct pair {
    gauss p, q;
} pair;

/* The JSD integrand written out plainly, for the reference sum. */
static double jsd_plain(double x, void *ctx)
{
    pair *g = ctx;
    double p = gauss_pdf(x, &g->p), q = gauss_pdf(x, &g->q), m = (p + q) / 2, s = 0;
    if (p > 0)
        s += p * log(p / m);
    if (q > 0)
        s += q * log(q / m);
    return s / 2;
}

/* JSD(N(0,1), N(1,1)) by composite Simpson with h = 1e-3 on [-15, 16] (the
 * tails beyond carry < 1e-45): 0.11142148218473551. mpmath's quad (30 digits)
 * gives 0.111421482184736179717: the sum is good to 7e-16. */
static double jsd_01_reference(void)
{
    pair g = { { 0, 1 }, { 1, 1 } };
    return simpson(jsd_plain, &g, -15, 16, 31000);
}

static void test_jsd_1d(void)
{
    gauss n01 = { 0, 1 }, n11 = { 1, 1 };
    /* JSD(p, p) = 0 */
    LG_ASSERT_CLOSE(lg_jsd_1d(gauss_pdf, &n01, gauss_pdf, &n01, -10, 10), 0.0, 1e-15);
    /* far apart, narrow: disjoint supports to double precision -> log 2 */
    gauss a = { -5, 0.1 }, b = { 5, 0.1 };
    LG_ASSERT_CLOSE(lg_jsd_1d(gauss_pdf, &a, gauss_pdf, &b, -10, 10), M_LN2, 1e-10);
    /* densities that underflow to 0 between the modes (exp(-800) at 0) */
    gauss c = { -40, 1 }, d = { 40, 1 };
    double v = lg_jsd_1d(gauss_pdf, &c, gauss_pdf, &d, -80, 80);
    CU_ASSERT(isfinite(v));
    LG_ASSERT_CLOSE(v, M_LN2, 1e-10);
    /* narrow peaks at odd places of a wide interval */
    gauss e = { -7.31, 0.02 }, f = { 3.137, 0.02 };
    LG_ASSERT_CLOSE(lg_jsd_1d(gauss_pdf, &e, gauss_pdf, &f, -20, 20), M_LN2, 1e-10);
    /* N(0,1) vs N(1,1) against the Simpson sum */
    double ref = jsd_01_reference();
    LG_ASSERT_CLOSE(ref, 0.11142148218473618, 1e-13); /* the reference itself vs mpmath */
    double got = lg_jsd_1d(gauss_pdf, &n01, gauss_pdf, &n11, -15, 16);
    printf("\n  JSD(N(0,1), N(1,1)): quadrature %.17g, Simpson %.17g, diff %.2e\n", got, ref,
           fabs(got - ref));
    LG_ASSERT_CLOSE(got, ref, 1e-11);
    /* symmetric */
    LG_ASSERT_CLOSE(lg_jsd_1d(gauss_pdf, &n11, gauss_pdf, &n01, -15, 16), ref, 1e-11);
    /* a bad interval: NaN and a message */
    CU_ASSERT(isnan(lg_jsd_1d(gauss_pdf, &n01, gauss_pdf, &n11, 1, -1)));
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_errmsg(), "lo < hi"));
}

/* The labs' use: two mog1d datasets' exact densities through an adapter,
 * against the Simpson sum of the closed-form mixture. */
typedef struct mix2 {
    double w, m0, m1, s;
} mix2;

static double mix2_pdf(double x, void *ctx)
{
    mix2 *m = ctx;
    gauss a = { m->m0, m->s }, b = { m->m1, m->s };
    return m->w * gauss_pdf(x, &a) + (1 - m->w) * gauss_pdf(x, &b);
}

typedef struct mixpair {
    mix2 p;
    gauss q;
} mixpair;

static double jsd_mix_plain(double x, void *ctx)
{
    mixpair *g = ctx;
    double p = mix2_pdf(x, &g->p), q = gauss_pdf(x, &g->q), m = (p + q) / 2, s = 0;
    if (p > 0)
        s += p * log(p / m);
    if (q > 0)
        s += q * log(q / m);
    return s / 2;
}

static void test_jsd_1d_datasets(void)
{
    lg_dataset *p = open_ok("mog1d:k=2,lo=-2,hi=2,sigma=0.5,w=0.3");
    lg_dataset *q = open_ok("mog1d:k=1,sigma=1.5");
    if (!p || !q)
        return;
    mixpair g = { { 0.3, -2, 2, 0.5 }, { 0, 1.5 } };
    double ref = simpson(jsd_mix_plain, &g, -15, 15, 30000);
    double got = lg_jsd_1d(ds_pdf, p, ds_pdf, q, -15, 15);
    printf("  JSD(mixture, N(0, 1.5^2)): %.15f, Simpson %.15f\n", got, ref);
    LG_ASSERT_CLOSE(got, ref, 1e-10);
    lg_dataset_free(p);
    lg_dataset_free(q);
}

/* Histogram JSD of 200000 samples each of N(0,1) and N(1,1), 1D with 100 bins
 * and 2D (second coordinate N(0,1) in both: JSD(P x R, Q x R) = JSD(P, Q)
 * because M = (P + Q)/2 x R) with 30 x 30 bins, against the exact 0.111421.
 * Measured over 20 seeds: errors in [-0.0013, +0.0012] in 1D and in
 * [-0.0018, +0.0006] in 2D (binning lowers the JSD, the plug-in estimate of
 * a finite sample raises it); the tolerances 0.004 and 0.005 leave a margin
 * of about 3. */
static void test_jsd_hist_gaussians(void)
{
    double exact = 0.11142148218473618;
    size_t n = 200000;
    for (size_t d = 1; d <= 2; d++) {
        gsl_rng *r = rng_new(71 + d);
        gsl_matrix *x = gsl_matrix_alloc(n, d), *y = gsl_matrix_alloc(n, d);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                gsl_matrix_set(x, i, j, gsl_ran_gaussian(r, 1.0));
                gsl_matrix_set(y, i, j, (j == 0) + gsl_ran_gaussian(r, 1.0));
            }
        size_t bins = d == 1 ? 100 : 30;
        double v = lg_jsd_hist(x, y, bins);
        printf("  JSD histogram %zuD (%zu bins per axis): %.5f, exact %.5f\n", d, bins, v, exact);
        LG_ASSERT_CLOSE(v, exact, d == 1 ? 0.004 : 0.005);
        LG_ASSERT_CLOSE(lg_jsd_hist(y, x, bins), v, 1e-12);    /* symmetric */
        LG_ASSERT_CLOSE(lg_jsd_hist(x, x, bins), 0.0, 1e-15);
        gsl_matrix_free(x);
        gsl_matrix_free(y);
        gsl_rng_free(r);
    }
}

static gsl_matrix *column(const double *v, size_t n)
{
    gsl_matrix *m = gsl_matrix_alloc(n, 1);
    for (size_t i = 0; i < n; i++)
        gsl_matrix_set(m, i, 0, v[i]);
    return m;
}

/* Every sample is counted, the box's maximum included (GSL's bins are
 * half-open, so a naive histogram over [min, max] drops it).
 * 1: x = ten samples at 1, y = ten at 0, 4 bins: P = (0,0,0,1), Q = (1,0,0,0),
 *    disjoint: log 2. Had x's samples been dropped, P would be empty.
 * 2: y_i = (i + 1/2) / 100, i < 100, x = 50 samples at y's maximum 0.995; box
 *    [0.005, 0.995], 10 bins of width 0.099: y has 10 samples per bin (bin b
 *    holds i = 10b..10b+9: its edges are 0.005 + 0.099 b and 0.005 + 0.099 (b + 1),
 *    its values 0.005 + 0.1 b .. 0.095 + 0.1 b, at least 0.001 inside for b < 9); P =
 *    (0,...,0,1), Q = 0.1 each. JSD = 1/2 [1 log(1/0.55)] + 1/2 [9 (0.1 log 2)
 *    + 0.1 log(0.1/0.55)].
 * 3: in 2D, x all at the corner (max, max) of the box of y's 10 x 10 grid of
 *    points (i + 1/2)/10: 10 x 10 bins, one y point per cell: P is all in the
 *    last cell, Q = 0.01 each: JSD = 1/2 log(1/0.505) + 1/2 [99 (0.01 log 2) +
 *    0.01 log(0.01/0.505)].
 * 4: every sample at one value: one flat box, JSD 0. */
static void test_jsd_hist_counts_all(void)
{
    double ones[10], zeros[10], ys[100], xs[50];
    for (int i = 0; i < 10; i++)
        ones[i] = 1, zeros[i] = 0;
    gsl_matrix *x = column(ones, 10), *y = column(zeros, 10);
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 4), M_LN2, 1e-15);
    gsl_matrix_free(x);
    gsl_matrix_free(y);

    for (int i = 0; i < 100; i++)
        ys[i] = (i + 0.5) / 100;
    for (int i = 0; i < 50; i++)
        xs[i] = ys[99];
    x = column(xs, 50), y = column(ys, 100);
    double expect = 0.5 * log(1 / 0.55) + 0.5 * (0.9 * M_LN2 + 0.1 * log(0.1 / 0.55));
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 10), expect, 1e-14);
    gsl_matrix_free(x);
    gsl_matrix_free(y);

    x = gsl_matrix_alloc(30, 2), y = gsl_matrix_alloc(100, 2);
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 10; j++) {
            gsl_matrix_set(y, 10 * i + j, 0, (i + 0.5) / 10);
            gsl_matrix_set(y, 10 * i + j, 1, (j + 0.5) / 10);
        }
    for (int i = 0; i < 30; i++) {
        gsl_matrix_set(x, i, 0, 0.95);
        gsl_matrix_set(x, i, 1, 0.95);
    }
    expect = 0.5 * log(1 / 0.505) + 0.5 * (0.99 * M_LN2 + 0.01 * log(0.01 / 0.505));
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 10), expect, 1e-14);
    gsl_matrix_free(x);
    gsl_matrix_free(y);

    x = column(ones, 10), y = column(ones, 3);
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 7), 0.0, 0);
    gsl_matrix_free(x);
    gsl_matrix_free(y);

    /* a spread below the resolution of doubles is flat (no decreasing edges):
     * 0; the widest finite box (hi - lo overflows) still separates: log 2 */
    double one = 1, one_up = nextafter(1.0, 2.0), lo_big = -1e308, hi_big = 1e308;
    x = column(&one, 1), y = column(&one_up, 1);
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 100), 0.0, 0);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    x = column(&lo_big, 1), y = column(&hi_big, 1);
    LG_ASSERT_CLOSE(lg_jsd_hist(x, y, 2), M_LN2, 1e-15);
    gsl_matrix_free(x);
    gsl_matrix_free(y);

    /* non-finite samples and too many cells are errors, not silent drops */
    double bad[3] = { 0, NAN, 1 };
    x = column(bad, 3), y = column(zeros, 3);
    CU_ASSERT(isnan(lg_jsd_hist(x, y, 4)));
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_errmsg(), "sample 1"));
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    x = gsl_matrix_calloc(2, 8), y = gsl_matrix_calloc(2, 8);
    CU_ASSERT(isnan(lg_jsd_hist(x, y, 100)));
    gsl_matrix_free(x);
    gsl_matrix_free(y);
}

void lg_suite_data(void)
{
    LG_ADD_SUITE("data",
                 { "ring modes: 8 distinct at radius 2", test_ring_modes },
                 { "grid25 modes: the 25 lattice points", test_grid_modes },
                 { "mog1d means and weights", test_mog1d_params },
                 { "mixture samples: per-mode moments, coverage", test_mixture_samples },
                 { "densities integrate to 1", test_density_integrates },
                 { "densities match sample histograms", test_density_matches_histogram },
                 { "swissroll on its spiral, noise", test_swissroll },
                 { "moons on their half circles, noise", test_moons },
                 { "same seed, same samples", test_determinism },
                 { "lg_uniforms: gsl_rng_uniform's numbers and state, in bulk", test_uniforms_bulk },
                 { "uniform: 2 u - 1 of the generator's draws", test_uniform_kind },
                 { "bad specs: one-line errors", test_bad_specs },
                 { "help documents every parameter", test_help });
    LG_ADD_SUITE("metrics",
                 { "W1 1D: point masses by hand", test_w1_point_masses },
                 { "W1 1D: shifts, quantile coupling", test_w1_shift_and_coupling },
                 { "sliced W1 of a translate: 2|v|/pi", test_sliced_w1 },
                 { "the radix sort against gsl_sort; a sliced-W1 reference made once", test_sort_and_sliced_ref },
                 { "W1 and sliced W1 with a NaN sample: NaN at once, no hang", test_w1_nan },
                 { "JSD 1D quadrature", test_jsd_1d },
                 { "JSD 1D of mog1d densities", test_jsd_1d_datasets },
                 { "JSD histogram: two Gaussians", test_jsd_hist_gaussians },
                 { "JSD histogram: every sample counted", test_jsd_hist_counts_all });
}
