/*
 * datasets.h - private to datasets/: the kinds each generator file defines
 * (listed in registry.c's table) and the Gaussian-mixture sampler and density
 * they share. The engine sees none of this; it reaches the data through
 * lg_dataset_kinds (core/engine/lg_dataset.h, the interface these files build
 * on and the only header of the engine they include).
 */
#ifndef LG_DATASETS_H
#define LG_DATASETS_H

#include "../core/engine/lg_dataset.h"

/* Mixtures of isotropic Gaussians (mixture.c): draw a component k with
 * probability weights[k] (1/n_modes when weights is NULL), then
 * x = modes[k] + sigma * N(0, I). out: (batch, dim). */
void lg_mixture_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out);
/* p(x) = sum_k w_k prod_j N(x_j; modes[k][j], sigma^2). x: (dim) */
double lg_mixture_density(const lg_dataset *ds, const double *x);

/* The held-out split of labelled data (images.c): is_test[i] = 1 for
 * round(frac * n_k) of the n_k rows of each class k, drawn with seed (classes
 * in order, one mt19937 stream): the same labels and seed, the same split.
 * Shared by the idx kind and the npm conversion (npm.c). */
void lg_split_stratified(const unsigned char *labels, size_t n, double frac, unsigned long seed,
                         unsigned char *is_test);

/* The kinds (toy2d.c, mixture.c, dirac.c, images.c). */
extern const lg_dataset_kind lg_ring8_kind, lg_grid25_kind, lg_swissroll_kind, lg_moons_kind,
    lg_mog1d_kind, lg_dirac_kind, lg_uniform_kind, lg_mnist_kind, lg_fashion_kind, lg_idx_kind;

#endif
