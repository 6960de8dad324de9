/*
 * toy2d.c - synthetic 2D mixtures with known modes (VEEGAN / PacGAN protocol).
 *
 * ring8: n Gaussians (default 8) of standard deviation sigma on a circle of the
 * given radius, centres at angles 2 pi k / n for k = 0..n-1. Dividing by n, not
 * n-1 (the linspace(0, 2 pi, 8) mistake), keeps the n centres distinct.
 */
#include "../core/src/lg_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

static void sample_mixture(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    for (size_t i = 0; i < out->size1; i++) {
        size_t k = gsl_rng_uniform_int(rng, ds->n_modes);
        for (size_t j = 0; j < ds->dim; j++)
            gsl_matrix_set(out, i, j, ds->modes[k * ds->dim + j] + gsl_ran_gaussian(rng, ds->sigma));
    }
}

static const lg_param_doc ring_doc[] = {
    { "n", LG_PARAM_TYPE_INT, "8", NULL, "number of modes" },
    { "radius", LG_PARAM_TYPE_DOUBLE, "2", NULL, "radius of the circle" },
    { "sigma", LG_PARAM_TYPE_DOUBLE, "0.02", NULL, "standard deviation of each mode" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int ring_make(lg_dataset *ds)
{
    long n = lg_param_int(ds->params, "n");
    double r = lg_param_double(ds->params, "radius"), s = lg_param_double(ds->params, "sigma");
    if (n < 1 || n > 1000 || !(r > 0) || !(s > 0))
        return lg_seterr(LG_EINVAL, "dataset ring8: need 1 <= n <= 1000, radius > 0, sigma > 0");
    ds->dim = 2;
    ds->n_modes = (size_t)n;
    ds->sigma = s;
    ds->modes = lg_xcalloc(2 * (size_t)n, sizeof(double));
    for (long k = 0; k < n; k++) {
        double a = 2.0 * M_PI * (double)k / (double)n;
        ds->modes[2 * k] = r * cos(a);
        ds->modes[2 * k + 1] = r * sin(a);
    }
    ds->sample = sample_mixture;
    return LG_OK;
}

/* uniform: dim values each U(-1, 1), no modes - random data for benchmarks. */
static void sample_uniform(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    (void)ds;
    for (size_t i = 0; i < out->size1; i++)
        for (size_t j = 0; j < out->size2; j++)
            gsl_matrix_set(out, i, j, 2.0 * gsl_rng_uniform(rng) - 1.0);
}

static const lg_param_doc uniform_doc[] = {
    { "dim", LG_PARAM_TYPE_INT, "2", NULL, "dimension" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static int uniform_make(lg_dataset *ds)
{
    long d = lg_param_int(ds->params, "dim");
    if (d < 1 || d > 1000000)
        return lg_seterr(LG_EINVAL, "dataset uniform: dim must be in 1..1000000");
    ds->dim = (size_t)d;
    ds->sample = sample_uniform;
    return LG_OK;
}

typedef struct dataset_kind {
    const char *name;
    const lg_param_doc *doc;
    int (*make)(lg_dataset *ds);
    const char *help;
} dataset_kind;

static const dataset_kind kinds[] = {
    { "ring8", ring_doc, ring_make, "ring of n Gaussians, radius 2, sigma 0.02 (n=8)" },
    { "uniform", uniform_doc, uniform_make, "U(-1,1)^dim noise (benchmarks)" },
};

const char lg_dataset_help[] =
    "datasets:\n"
    "  ring8:n=8,radius=2,sigma=0.02   n Gaussians at angles 2 pi k/n on a circle\n"
    "  uniform:dim=2                   U(-1,1)^dim, no modes (for benchmarks)\n";

int lg_dataset_open(const char *spec, lg_dataset **out)
{
    *out = NULL;
    char name[LG_NAME_MAX];
    const char *kv;
    int rc = lg_spec_split(spec, name, &kv);
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].name, name) != 0)
            continue;
        lg_dataset *ds = lg_xcalloc(1, sizeof *ds);
        snprintf(ds->name, sizeof ds->name, "%s", name);
        char what[LG_NAME_MAX + 16];
        snprintf(what, sizeof what, "dataset %s", name);
        if ((rc = lg_params_parse(kinds[i].doc, kv, what, &ds->params)) == LG_OK)
            rc = kinds[i].make(ds);
        if (rc != LG_OK) {
            lg_dataset_free(ds);
            return rc;
        }
        *out = ds;
        return LG_OK;
    }
    return lg_seterr(LG_EINVAL, "dataset '%s' is unknown (known: ring8, uniform)", name);
}

void lg_dataset_free(lg_dataset *ds)
{
    if (!ds)
        return;
    lg_params_free(ds->params);
    free(ds->modes);
    free(ds);
}
