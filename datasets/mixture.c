/*
 * mixture.c - mixtures of isotropic Gaussians: the sampler and exact density
 * shared by ring8, grid25 and mog1d, and the 1D mixture mog1d.
 *
 * mog1d:k=2,lo=-2,hi=2,sigma=0.5,w=0
 *   k Gaussians on the line with a common standard deviation sigma.
 *   Means: evenly spaced, mu_i = lo + i (hi - lo) / (k - 1) for i = 0..k-1
 *   (so mu_0 = lo and mu_{k-1} = hi); for k = 1 the one mean is (lo + hi) / 2.
 *   Weights: w = 0 (the default) gives equal weights 1/k; 0 < w < 1 (k >= 2)
 *   gives the first component weight w and each of the other k - 1 the weight
 *   (1 - w) / (k - 1).
 *   Examples: mog1d:k=1,sigma=1 is N(0, 1); mog1d:k=2,lo=-1,hi=1,w=0.25 is
 *   0.25 N(-1, 0.25) + 0.75 N(1, 0.25).
 *   The exact density p(x) = sum_i w_i N(x; mu_i, sigma^2) is ds->density, the
 *   means are ds->modes and the weights ds->weights (always set), as the labs on
 *   D* = p / (p + q) and on the JSD need them.
 *   Ranges: k in [1, 100], lo and hi in [-1e3, 1e3], sigma in [1e-4, 1e3] (as
 *   for the 2D mixtures, toy2d.c), w in [0, 1).
 */
#include "datasets.h"

#include <math.h>
#include <gsl/gsl_randist.h>

/* Ancestral sampling of a mixture: component, then Gaussian noise. With equal
 * weights the component is gsl_rng_uniform_int (one draw, the stream that the
 * runner's tests and checkpoints were recorded with); with weights it is the
 * first k whose cumulative weight exceeds u ~ U[0, 1). */
void lg_mixture_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    LG_ASSERT(out->size2 == ds->dim, "the sample matrix needs one column per dimension");
    LG_ASSERT(ds->n_modes > 0, "a mixture needs at least one mode");
    for (size_t i = 0; i < out->size1; i++) {
        size_t k;
        if (!ds->weights) {
            k = gsl_rng_uniform_int(rng, ds->n_modes);
        } else {
            double u = gsl_rng_uniform(rng), c = 0;
            for (k = 0; k + 1 < ds->n_modes; k++) {
                c += ds->weights[k];
                if (u < c)
                    break;
            }
        }
        for (size_t j = 0; j < ds->dim; j++)
            gsl_matrix_set(out, i, j, ds->modes[k * ds->dim + j] + gsl_ran_gaussian(rng, ds->sigma));
    }
}

/* p(x) = sum_k w_k N(x; mu_k, sigma^2 I), and an isotropic Gaussian factorises:
 * N(x; mu, sigma^2 I) = prod_j N(x_j; mu_j, sigma^2). Far from every mode the
 * terms underflow to 0, never to NaN. */
double lg_mixture_density(const lg_dataset *ds, const double *x)
{
    double p = 0;
    for (size_t k = 0; k < ds->n_modes; k++) {
        double t = ds->weights ? ds->weights[k] : 1.0 / (double)ds->n_modes;
        for (size_t j = 0; j < ds->dim; j++)
            t *= gsl_ran_gaussian_pdf(x[j] - ds->modes[k * ds->dim + j], ds->sigma);
        p += t;
    }
    return p;
}

static const lg_param_doc mog1d_doc[] = {
    { "k", LG_PARAM_TYPE_INT, "2", "[1, 100]", "number of components" },
    { "lo", LG_PARAM_TYPE_DOUBLE, "-2", "[-1e3, 1e3]", "mean of the first component" },
    { "hi", LG_PARAM_TYPE_DOUBLE, "2", "[-1e3, 1e3]", "mean of the last component (k=1: mean (lo+hi)/2)" },
    { "sigma", LG_PARAM_TYPE_DOUBLE, "0.5", "[1e-4, 1e3]", "standard deviation of every component" },
    { "w", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1)",
      "weight of the first component, the others share 1-w (0: equal weights)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int mog1d_make(lg_dataset *ds)
{
    long k = lg_param_int(ds->params, "k");
    double lo = lg_param_double(ds->params, "lo"), hi = lg_param_double(ds->params, "hi");
    double s = lg_param_double(ds->params, "sigma"), w = lg_param_double(ds->params, "w");
    if (k >= 2 && !(lo < hi))
        return lg_seterr(LG_EINVAL, "dataset mog1d: need lo < hi for k >= 2 (got lo=%s, hi=%s)",
                         lg_param_str(ds->params, "lo"), lg_param_str(ds->params, "hi"));
    if (w > 0 && k < 2)
        return lg_seterr(LG_EINVAL, "dataset mog1d: w=%s must be 0 (equal weights) with k=1 (a weight "
                         "for the first component needs k >= 2)", lg_param_str(ds->params, "w"));
    size_t n = (size_t)k;
    ds->dim = 1;
    ds->n_modes = n;
    ds->sigma = s;
    ds->modes = lg_xcalloc(n, sizeof(double));
    ds->weights = lg_xcalloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        /* mu_i = (1 - t) lo + t hi with t = i / (k - 1): exactly lo and hi at the ends */
        double t = n == 1 ? 0.5 : (double)i / (double)(n - 1);
        ds->modes[i] = (1.0 - t) * lo + t * hi;
        if (w == 0)
            ds->weights[i] = 1.0 / (double)n;
        else
            ds->weights[i] = i == 0 ? w : (1.0 - w) / (double)(n - 1);
    }
    ds->sample = lg_mixture_sample;
    ds->density = lg_mixture_density;
    return LG_OK;
}

const lg_dataset_kind lg_mog1d_kind = {
    "mog1d", mog1d_doc,
    "1D: k Gaussians, means evenly spaced from lo to hi (k=1:\n"
    "(lo+hi)/2), common sigma; w=0 equal weights, else the first\n"
    "weighs w and the others share 1-w; exact density",
    mog1d_make
};
