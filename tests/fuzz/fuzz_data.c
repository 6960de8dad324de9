/*
 * fuzz_data.c - dataset specs (--data; core/engine/dataset.c, datasets/NAME.c):
 * an accepted dataset draws samples, gives its density and modes, and is
 * scored by the mode metrics. Input: the spec. Seeds: tests/fuzz/corpus/data.
 */
#include "fuzz.h"

FUZZ_INIT
{
    char *s = fuzz_str(data, size);
    lg_dataset *ds = NULL;
    if (lg_dataset_open(s, &ds) == LG_OK) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_matrix *x = gsl_matrix_alloc(8, lg_dataset_dim(ds));
        lg_dataset_sample(ds, rng, x);
        if (lg_dataset_has_density(ds))
            (void)lg_dataset_density(ds, x->data);
        size_t n_modes;
        double sigma;
        if (lg_dataset_modes(ds, &n_modes, &sigma))
            (void)lg_mode_coverage(ds, x);
        gsl_matrix_free(x);
        gsl_rng_free(rng);
        lg_dataset_free(ds);
    }
    free(s);
    return 0;
}
