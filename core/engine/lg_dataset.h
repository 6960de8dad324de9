/*
 * lg_dataset.h - the dataset interface of liblitgan: how the generators in
 * datasets/ reach the engine. A file in datasets/ includes this header (and
 * GSL), nothing else of the engine.
 *
 * The engine (core/engine/dataset.c) owns lg_dataset_open, lg_dataset_free,
 * lg_dataset_help and the public accessors (litgan/engine.h). It learns which
 * kinds of data exist from one table that datasets/registry.c defines,
 * lg_dataset_kinds. Opening "NAME:key=val,..." finds the kind NAME, allocates
 * a zeroed lg_dataset, sets its name, parses the parameters against the
 * kind's table into ds->params (defaults filled in), and calls the kind's
 * make, which fills the rest.
 *
 * Adding a dataset touches only datasets/: a generator file that defines an
 * lg_dataset_kind, and its line in the table of registry.c. For example:
 *
 *     static const lg_param_doc line_doc[] = {   // the fourth column: the valid values
 *         { "len", LG_PARAM_TYPE_DOUBLE, "1", "[1e-4, 1e3]", "length of the segment" },
 *         { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
 *     };
 *     static void line_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
 *     {   // out: (batch, 1)
 *         for (size_t i = 0; i < out->size1; i++)
 *             gsl_matrix_set(out, i, 0, gsl_rng_uniform(rng) * lg_param_double(ds->params, "len"));
 *     }
 *     static int line_make(lg_dataset *ds)
 *     {   // len is in its range already (the parser checked it)
 *         ds->dim = 1;
 *         ds->sample = line_sample;
 *         return LG_OK;
 *     }
 *     const lg_dataset_kind lg_line_kind = { "line", line_doc, "U(0, len)", line_make };
 */
#ifndef LG_DATASET_H
#define LG_DATASET_H

#include "litgan/engine.h" /* lg_dataset (opaque there), lg_param_doc, lg_param_double,
                              lg_param_int, lg_seterr, LG_OK, LG_EINVAL */
#include "lg_base.h"       /* LG_ASSERT, lg_xmalloc, lg_xcalloc, lg_xrealloc, LG_NAME_MAX */
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

/* A dataset. The engine sets name and params; make fills the others (they
 * start zeroed) and lg_dataset_free frees params, modes and weights. */
struct lg_dataset {
    char name[LG_NAME_MAX];        /* the kind's name (engine) */
    lg_params *params;             /* parsed, defaults filled in (engine); read
                                      with lg_param_double / lg_param_int */
    size_t dim;                    /* values per sample (make: required, > 0) */
    /* A mixture of isotropic Gaussians, when the data is one: n_modes centres
     * (n_modes, dim), their weights (NULL = equal) and common sigma. Coverage
     * metrics need the modes; n_modes = 0 (modes NULL) for data without modes.
     * modes and weights: allocated with lg_xcalloc / lg_xmalloc. */
    size_t n_modes;
    double *modes;
    double *weights;
    double sigma;
    /* A finite set of images with labels (IDX data, datasets/images.c); all
     * zero for the sampled kinds. Pixels are bytes 0..255, one image a row of
     * dim = height * width bytes, row-major; the engine reads them as
     * x = p / 127.5 - 1 in [-1, 1] (tanh's range). Two splits fixed by the
     * files: train (what sample draws from) and test (held out: training never
     * sees it; the metrics compare against it). Labels 0..n_classes-1, one per
     * image. make allocates the four arrays with lg_xmalloc; lg_dataset_free
     * frees them. class_names: n_classes static strings (may be NULL). */
    size_t height, width;
    size_t n_train, n_test;
    unsigned char *train_x, *train_y;  /* (n_train, dim), (n_train) */
    unsigned char *test_x, *test_y;    /* (n_test, dim), (n_test) */
    size_t n_classes;
    const char *const *class_names;
    /* draws out->size1 samples into out: (batch, dim), from rng only (the same
     * rng state gives the same samples); make: required */
    void (*sample)(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out);
    /* the exact density p(x) at a point x of dim values; NULL when not known */
    double (*density)(const lg_dataset *ds, const double *x);
};

/* u[0..n) = n draws of gsl_rng_uniform(rng), in order, leaving rng as the n
 * calls would; for the runs' mt19937 many times faster than the calls
 * (core/engine/rng.c). */
void lg_uniforms(gsl_rng *rng, double *u, size_t n);

/* One image of dim bytes as a row of doubles in [-1, 1] (tanh's range):
 * x = p / 127.5 - 1, so 0 -> -1 and 255 -> 1. The one conversion of pixels
 * (lg_dataset_rows, the image kinds' sample). */
static inline void lg_pixels_to_row(const unsigned char *p, size_t dim, double *row)
{
    for (size_t j = 0; j < dim; j++)
        row[j] = p[j] / 127.5 - 1.0;
}

/* One kind of dataset.
 * name: what --data names ("ring8"), at most LG_NAME_MAX - 1 bytes.
 * doc: its parameters (keys, types, defaults as text, one-line help), ended
 *   by an LG_PARAM_TYPE_END entry; the engine parses "key=val,..." with it.
 * summary: what the data is, for lg_dataset_help (litgan train --help), which
 *   prints "  name:key=default,..." and the summary beside it from column 35;
 *   several lines are separated by '\n' (no '\n' at the end), each further
 *   line indented to the same column.
 * make: fills a dataset whose name and params are set (see struct lg_dataset);
 *   returns LG_OK, or LG_EINVAL after lg_seterr with one line that names the
 *   dataset and the allowed range ("dataset ring8: need 1 <= n <= 1000, ...").
 *   On an error the engine frees what make allocated. */
typedef struct lg_dataset_kind {
    const char *name;
    const lg_param_doc *doc;
    const char *summary;
    int (*make)(lg_dataset *ds);
} lg_dataset_kind;

/* Every kind, in the order of --help and of the unknown-dataset message
 * (datasets/registry.c). */
extern const lg_dataset_kind *const lg_dataset_kinds[];
extern const size_t lg_n_dataset_kinds;

#endif /* LG_DATASET_H */
