/*
 * datasets.h - private to datasets/: the registry's entry type and the
 * generators' constructors. The registry itself (one table, lg_dataset_open,
 * lg_dataset_help) is in registry.c.
 */
#ifndef LG_DATASETS_H
#define LG_DATASETS_H

#include "../core/engine/lg_impl.h"

/* One kind of dataset: its name, its parameter table, and the constructor that
 * fills dim, modes, weights, sigma, sample and density of a zeroed dataset whose
 * params are already parsed. make returns LG_OK or LG_EINVAL with a one-line
 * message naming the dataset and the allowed range. */
typedef struct lg_dataset_kind {
    const char *name;
    const lg_param_doc *doc;
    int (*make)(lg_dataset *ds);
} lg_dataset_kind;

/* Mixtures of isotropic Gaussians (mixture.c): draw a component k with
 * probability weights[k] (1/n_modes when weights is NULL), then
 * x = modes[k] + sigma * N(0, I). out: (batch, dim). */
void lg_mixture_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out);
/* p(x) = sum_k w_k prod_j N(x_j; modes[k][j], sigma^2). x: (dim) */
double lg_mixture_density(const lg_dataset *ds, const double *x);

/* Constructors (toy2d.c, mixture.c). */
int lg_ring8_make(lg_dataset *ds);
int lg_grid25_make(lg_dataset *ds);
int lg_swissroll_make(lg_dataset *ds);
int lg_moons_make(lg_dataset *ds);
int lg_uniform_make(lg_dataset *ds);
int lg_mog1d_make(lg_dataset *ds);

extern const lg_param_doc lg_ring8_doc[], lg_grid25_doc[], lg_swissroll_doc[], lg_moons_doc[],
    lg_uniform_doc[], lg_mog1d_doc[];

#endif
