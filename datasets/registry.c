/*
 * registry.c - the one table of datasets: lg_dataset_open("name:key=val,...")
 * parses the parameters against the kind's table and builds the dataset;
 * lg_dataset_help documents every kind and parameter (the data suite checks
 * that every parameter of every kind appears in it).
 * The generators: toy2d.c (ring8, grid25, swissroll, moons, uniform) and
 * mixture.c (mog1d, and the sampler and density of every Gaussian mixture).
 */
#include "datasets.h"

#include <stdlib.h>
#include <string.h>

static const lg_dataset_kind kinds[] = {
    { "ring8", lg_ring8_doc, lg_ring8_make },
    { "grid25", lg_grid25_doc, lg_grid25_make },
    { "swissroll", lg_swissroll_doc, lg_swissroll_make },
    { "moons", lg_moons_doc, lg_moons_make },
    { "mog1d", lg_mog1d_doc, lg_mog1d_make },
    { "uniform", lg_uniform_doc, lg_uniform_make },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char dataset_help[] =
    "datasets (--data NAME or NAME:key=val,...; defaults shown):\n"
    "  ring8:n=8,radius=2,sigma=0.02   n Gaussians at angles 2 pi k/n on a circle, equal weights\n"
    "  grid25:spacing=2,sigma=0.05     25 Gaussians at {-2,-1,0,1,2}^2 * spacing, equal weights\n"
    "  swissroll:noise=0.05,scale=0.15 t ~ U(1.5 pi, 4.5 pi), scale*(t cos t, t sin t) + noise*N(0,I)\n"
    "  moons:noise=0.05                two half circles: (cos a, sin a) or (1-cos a, 1/2-sin a),\n"
    "                                  a ~ U(0, pi), shifted by (-1/2, -1/4), + noise*N(0,I)\n"
    "  mog1d:k=2,lo=-2,hi=2,sigma=0.5,w=0\n"
    "                                  1D: k Gaussians, means evenly spaced from lo to hi (k=1:\n"
    "                                  (lo+hi)/2), common sigma; w=0 equal weights, else the first\n"
    "                                  weighs w and the others share 1-w; exact density\n"
    "  uniform:dim=2                   U(-1,1)^dim, no modes (for benchmarks)\n";

const char *lg_dataset_help(void) { return dataset_help; }

int lg_dataset_open(const char *spec, lg_dataset **out)
{
    *out = NULL;
    char name[LG_NAME_MAX];
    const char *kv;
    int rc = lg_spec_split(spec, name, &kv);
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < N_KINDS; i++) {
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
    char known[256] = "";
    for (size_t i = 0; i < N_KINDS; i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", kinds[i].name);
    }
    return lg_seterr(LG_EINVAL, "dataset '%s' is unknown (known: %s; see litgan train --help)",
                     name, known);
}

void lg_dataset_free(lg_dataset *ds)
{
    if (!ds)
        return;
    lg_params_free(ds->params);
    free(ds->modes);
    free(ds->weights);
    free(ds);
}
