/*
 * toy2d.c - synthetic 2D data: Gaussian mixtures with known modes (VEEGAN /
 * PacGAN protocol), two manifolds without modes, and uniform noise.
 *
 * ring8:n=8,radius=2,sigma=0.02
 *   n Gaussians of standard deviation sigma on a circle of the given radius,
 *   centres at angles 2 pi k / n for k = 0..n-1, equal weights. Dividing by n,
 *   not n - 1 (the linspace(0, 2 pi, 8) mistake), keeps the n centres distinct.
 * grid25:spacing=2,sigma=0.05
 *   25 Gaussians of standard deviation sigma, equal weights, centres on the
 *   lattice {-2, -1, 0, 1, 2}^2 * spacing (the default: {-4, -2, 0, 2, 4}^2).
 *   Mode k = 5 i + j sits at ((i - 2) spacing, (j - 2) spacing).
 * swissroll:noise=0.05,scale=0.15
 *   t ~ U(1.5 pi, 4.5 pi), (x, y) = scale (t cos t, t sin t) + noise (e1, e2),
 *   e ~ N(0, I): one and a half turns of an Archimedean spiral, radius scale*t
 *   from 0.71 to 2.12 with the defaults (sklearn's make_swiss_roll uses the same
 *   t in its (x, z) plane). The sampler draws t, then e1, then e2. No modes, no
 *   density.
 * moons:noise=0.05
 *   Two interleaving half circles of radius 1 (sklearn's make_moons shape): a
 *   fair coin picks the moon, theta ~ U(0, pi); upper moon (cos theta,
 *   sin theta), lower moon (1 - cos theta, 1/2 - sin theta); both shifted by
 *   (-1/2, -1/4) so that the data is centred in [-1.5, 1.5] x [-0.75, 0.75]; then
 *   noise (e1, e2), e ~ N(0, I). The sampler draws the coin, theta, e1, e2. No
 *   modes, no density.
 * uniform:dim=2
 *   dim values each U(-1, 1), no modes: random data for benchmarks.
 *
 * Ranges (the tables' fourth column, checked when the spec is parsed): lengths
 * (radius, spacing, scale) in [1e-4, 1e3] and standard deviations in [1e-4, 1e3]
 * (noise may be 0), so that a sample's noise stays visible next to its mode in
 * a double and in the 9 digits samples.csv keeps, and the densities the
 * metrics evaluate neither overflow nor vanish at the modes.
 */
#include "datasets.h"

#include <math.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

/* ------------------------------------------------------------------ ring8 --- */

static const lg_param_doc ring8_doc[] = {
    { "n", LG_PARAM_TYPE_INT, "8", "[1, 1000]", "number of modes" },
    { "radius", LG_PARAM_TYPE_DOUBLE, "2", "[1e-4, 1e3]", "radius of the circle" },
    { "sigma", LG_PARAM_TYPE_DOUBLE, "0.02", "[1e-4, 1e3]", "standard deviation of each mode" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int ring8_make(lg_dataset *ds)
{
    long n = lg_param_int(ds->params, "n");
    double r = lg_param_double(ds->params, "radius"), s = lg_param_double(ds->params, "sigma");
    ds->dim = 2;
    ds->n_modes = (size_t)n;
    ds->sigma = s;
    ds->modes = lg_xcalloc(2 * (size_t)n, sizeof(double));
    for (long k = 0; k < n; k++) {
        double a = 2.0 * M_PI * (double)k / (double)n; /* angle 2 pi k / n */
        ds->modes[2 * k] = r * cos(a);
        ds->modes[2 * k + 1] = r * sin(a);
    }
    ds->sample = lg_mixture_sample;
    ds->density = lg_mixture_density;
    return LG_OK;
}

const lg_dataset_kind lg_ring8_kind = {
    "ring8", ring8_doc,
    "n Gaussians at angles 2 pi k/n on a circle, equal weights",
    ring8_make
};

/* ----------------------------------------------------------------- grid25 --- */

static const lg_param_doc grid25_doc[] = {
    { "spacing", LG_PARAM_TYPE_DOUBLE, "2", "[1e-4, 1e3]", "distance between neighbouring modes" },
    { "sigma", LG_PARAM_TYPE_DOUBLE, "0.05", "[1e-4, 1e3]", "standard deviation of each mode" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int grid25_make(lg_dataset *ds)
{
    double h = lg_param_double(ds->params, "spacing"), s = lg_param_double(ds->params, "sigma");
    ds->dim = 2;
    ds->n_modes = 25;
    ds->sigma = s;
    ds->modes = lg_xcalloc(50, sizeof(double));
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            ds->modes[2 * (5 * i + j)] = (double)(i - 2) * h;
            ds->modes[2 * (5 * i + j) + 1] = (double)(j - 2) * h;
        }
    ds->sample = lg_mixture_sample;
    ds->density = lg_mixture_density;
    return LG_OK;
}

const lg_dataset_kind lg_grid25_kind = {
    "grid25", grid25_doc,
    "25 Gaussians at {-2,-1,0,1,2}^2 * spacing, equal weights",
    grid25_make
};

/* -------------------------------------------------------------- swissroll --- */

static const lg_param_doc swissroll_doc[] = {
    { "noise", LG_PARAM_TYPE_DOUBLE, "0.05", "[0, 1e3]", "standard deviation of the Gaussian noise" },
    { "scale", LG_PARAM_TYPE_DOUBLE, "0.15", "[1e-4, 1e3]", "(x, y) = scale (t cos t, t sin t)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static void swissroll_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    LG_ASSERT(out->size2 == 2, "swissroll samples have 2 columns");
    double noise = lg_param_double(ds->params, "noise"), c = lg_param_double(ds->params, "scale");
    for (size_t i = 0; i < out->size1; i++) {
        double t = gsl_ran_flat(rng, 1.5 * M_PI, 4.5 * M_PI);
        double e1 = gsl_ran_gaussian(rng, noise), e2 = gsl_ran_gaussian(rng, noise);
        gsl_matrix_set(out, i, 0, c * t * cos(t) + e1);
        gsl_matrix_set(out, i, 1, c * t * sin(t) + e2);
    }
}

static int swissroll_make(lg_dataset *ds)
{
    ds->dim = 2;
    ds->sample = swissroll_sample;
    return LG_OK;
}

const lg_dataset_kind lg_swissroll_kind = {
    "swissroll", swissroll_doc,
    "t ~ U(1.5 pi, 4.5 pi), scale*(t cos t, t sin t) + noise*N(0,I)",
    swissroll_make
};

/* ------------------------------------------------------------------ moons --- */

static const lg_param_doc moons_doc[] = {
    { "noise", LG_PARAM_TYPE_DOUBLE, "0.05", "[0, 1e3]", "standard deviation of the Gaussian noise" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static void moons_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    LG_ASSERT(out->size2 == 2, "moons samples have 2 columns");
    double noise = lg_param_double(ds->params, "noise");
    for (size_t i = 0; i < out->size1; i++) {
        unsigned long lower = gsl_rng_uniform_int(rng, 2);
        double th = gsl_ran_flat(rng, 0.0, M_PI);
        double e1 = gsl_ran_gaussian(rng, noise), e2 = gsl_ran_gaussian(rng, noise);
        double x = lower ? 1.0 - cos(th) : cos(th);
        double y = lower ? 0.5 - sin(th) : sin(th);
        gsl_matrix_set(out, i, 0, x - 0.5 + e1);
        gsl_matrix_set(out, i, 1, y - 0.25 + e2);
    }
}

static int moons_make(lg_dataset *ds)
{
    ds->dim = 2;
    ds->sample = moons_sample;
    return LG_OK;
}

const lg_dataset_kind lg_moons_kind = {
    "moons", moons_doc,
    "two half circles: (cos a, sin a) or (1-cos a, 1/2-sin a),\n"
    "a ~ U(0, pi), shifted by (-1/2, -1/4), + noise*N(0,I)",
    moons_make
};

/* ---------------------------------------------------------------- uniform --- */

static void uniform_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    LG_ASSERT(out->size2 == ds->dim, "the sample matrix needs one column per dimension");
    for (size_t i = 0; i < out->size1; i++) {
        double *row = out->data + i * out->tda;
        lg_uniforms(rng, row, out->size2);
        for (size_t j = 0; j < out->size2; j++)
            row[j] = 2.0 * row[j] - 1.0;
    }
}

static const lg_param_doc uniform_doc[] = {
    { "dim", LG_PARAM_TYPE_INT, "2", "[1, 1000000]", "dimension" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int uniform_make(lg_dataset *ds)
{
    ds->dim = (size_t)lg_param_int(ds->params, "dim");
    ds->sample = uniform_sample;
    return LG_OK;
}

const lg_dataset_kind lg_uniform_kind = {
    "uniform", uniform_doc,
    "U(-1,1)^dim, no modes (for benchmarks)",
    uniform_make
};
