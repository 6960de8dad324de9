/*
 * metrics.c - sample-quality metrics against a mixture's known modes.
 *
 * Mode coverage (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a
 * sample is "high quality" when it lies within 3 sigma of its nearest mode; a
 * mode is covered when at least one high-quality sample is nearest to it.
 */
#include "lg_impl.h"

#include <math.h>
#include <stdlib.h>

lg_mode_stats lg_mode_coverage(const lg_dataset *ds, const gsl_matrix *x)
{
    lg_mode_stats st = { 0, 0.0 };
    if (!ds->n_modes || x->size1 == 0)
        return st;
    bool *hit = lg_xcalloc(ds->n_modes, sizeof *hit);
    size_t good = 0;
    double r2 = 9.0 * ds->sigma * ds->sigma;
    for (size_t i = 0; i < x->size1; i++) {
        size_t best = 0;
        double bd = INFINITY;
        for (size_t k = 0; k < ds->n_modes; k++) {
            double d = 0;
            for (size_t j = 0; j < ds->dim; j++) {
                double e = gsl_matrix_get(x, i, j) - ds->modes[k * ds->dim + j];
                d += e * e;
            }
            if (d < bd)
                bd = d, best = k;
        }
        if (bd <= r2) {
            good++;
            hit[best] = true;
        }
    }
    for (size_t k = 0; k < ds->n_modes; k++)
        st.modes_covered += hit[k];
    st.high_quality = (double)good / (double)x->size1;
    free(hit);
    return st;
}
