/*
 * registry.c - the one table of datasets, the list the engine reads
 * (lg_dataset_kinds, declared in core/engine/lg_dataset.h): its order is the
 * order of litgan train --help and of the unknown-dataset message. A new kind
 * is a generator file that defines an lg_dataset_kind, plus one line here.
 * The generators: toy2d.c (ring8, grid25, swissroll, moons, uniform) and
 * mixture.c (mog1d, and the sampler and density of every Gaussian mixture),
 * dirac.c (dirac, the point mass of the Dirac-GAN),
 * images.c (mnist, fashion, idx: image data from IDX files, idx.c).
 */
#include "datasets.h"

const lg_dataset_kind *const lg_dataset_kinds[] = {
    &lg_ring8_kind,
    &lg_grid25_kind,
    &lg_swissroll_kind,
    &lg_moons_kind,
    &lg_mog1d_kind,
    &lg_dirac_kind,
    &lg_uniform_kind,
    &lg_mnist_kind,
    &lg_fashion_kind,
    &lg_idx_kind,
};
const size_t lg_n_dataset_kinds = sizeof lg_dataset_kinds / sizeof lg_dataset_kinds[0];
