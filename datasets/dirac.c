/*
 * dirac.c - the point mass of the Dirac-GAN (Mescheder, Geiger & Nowozin 2018,
 * "Which training methods for GANs actually converge?"): p_data = delta_x.
 *
 * dirac:x=0,tol=0.1
 *   1D; every sample is x exactly (the rng is not drawn from). One mode, x, so
 *   the coverage metrics apply: a generated sample within tol of x counts as
 *   high quality (a point mass has no spread of its own to measure closeness
 *   by, so the tolerance is given: ds->sigma = tol / 3, as the metrics count
 *   3 sigma). No density (delta_x has none). Against a generator that is a
 *   point mass theta too (the net 1-1c), W1 = |theta - x|, what the run's
 *   sliced W1 reports in 1D. The run's default nets for it are the paper's
 *   players, G(z) = theta (1-1c) and D(x) = psi x (1-1n).
 *   Ranges: x in [-1e3, 1e3], tol in (0, 1e3].
 */
#include "datasets.h"

static const lg_param_doc dirac_doc[] = {
    { "x", LG_PARAM_TYPE_DOUBLE, "0", "[-1e3, 1e3]", "where the point mass sits" },
    { "tol", LG_PARAM_TYPE_DOUBLE, "0.1", "(0, 1e3]",
      "a generated sample within tol of x counts as high quality (mode coverage)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static void dirac_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    (void)rng; /* nothing random: the batch is x, row after row */
    LG_ASSERT(out->size2 == 1, "dirac is 1D: the sample matrix has one column");
    gsl_matrix_set_all(out, ds->modes[0]);
}

static int dirac_make(lg_dataset *ds)
{
    ds->dim = 1;
    ds->n_modes = 1;
    ds->modes = lg_xcalloc(1, sizeof(double));
    ds->modes[0] = lg_param_double(ds->params, "x");
    ds->weights = lg_xcalloc(1, sizeof(double));
    ds->weights[0] = 1.0;
    ds->sigma = lg_param_double(ds->params, "tol") / 3.0;
    ds->sample = dirac_sample;
    return LG_OK;
}

const lg_dataset_kind lg_dirac_kind = {
    "dirac", dirac_doc,
    "1D: the point mass delta_x, every sample x (the Dirac-GAN);\n"
    "one mode, tol: high quality within tol of x; no density;\n"
    "default nets --g 1-1c (G = theta), --d 1-1n (D = psi x)",
    dirac_make
};
