/*
 * classifier.c - the data set's own classifier, the yardstick of the image
 * metrics (image_metrics.c): an MLP trained by the engine's tape and Adam on
 * the cross-entropy of a stable log-softmax, seeded, and kept in a file beside
 * the data (classifier_io.c has the format).
 *
 * Nothing here is Inception: the features are the last hidden layer of a
 * small network trained on the very data set, which is what makes a
 * Fréchet distance on them cheap and download-free (the idea of scoring
 * generated images with a classifier of the data set itself: Salimans et al.
 * 2016 for the score, Heusel et al. 2017 for the distance; both used an
 * ImageNet network, which MNIST-sized data does not need).
 */
#include "classifier.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <gsl/gsl_randist.h>

/* -------------------------------------------------------------- networks --- */

int lg_classifier_make(const char *spec, size_t dim, size_t n_classes, lg_classifier **out)
{
    *out = NULL;
    if (n_classes < 2 || n_classes > LG_MAX_CLASSES)
        return lg_seterr(LG_EINVAL, "classifier: %zu classes (need 2..%d)", n_classes, LG_MAX_CLASSES);
    char dflt[96];
    if (!spec) {
        snprintf(dflt, sizeof dflt, "%zu-256r-256r-%zu", dim, n_classes);
        spec = dflt;
    }
    lg_net *whole;
    int rc = lg_net_parse(spec, &whole);
    if (rc != LG_OK)
        return lg_seterr(rc, "classifier: %s", lg_errmsg());
    size_t n_linear = 0;
    for (size_t i = 0; i < whole->n_layers; i++)
        n_linear += whole->layers[i].kind == LG_LAYER_LINEAR;
    bool plain_out = whole->layers[whole->n_layers - 1].kind == LG_LAYER_LINEAR;
    size_t in = whole->in_dim, out_dim = whole->out_dim;
    lg_net_free(whole);
    if (in != dim)
        return lg_seterr(LG_EINVAL, "classifier network '%s' takes %zu values, the images have %zu", spec, in, dim);
    if (out_dim != n_classes)
        return lg_seterr(LG_EINVAL, "classifier network '%s' gives %zu outputs, the data has %zu classes", spec,
                         out_dim, n_classes);
    if (n_linear < 2)
        return lg_seterr(LG_EINVAL, "classifier network '%s' has no hidden layer (its features are the last "
                         "hidden layer's outputs: write e.g. %zu-256r-256r-%zu)", spec, dim, n_classes);
    if (!plain_out)
        return lg_seterr(LG_EINVAL, "classifier network '%s': its last layer gives the logits, so no modifier "
                         "may follow its width (the log-softmax is the classifier's own)", spec);
    /* body: everything before the last '-'; head: the body's width, then the last layer */
    const char *last = strrchr(spec, '-');
    lg_classifier *c = lg_xcalloc(1, sizeof *c);
    c->spec = lg_xstrdup(spec);
    c->n_classes = n_classes;
    c->test_accuracy = NAN;
    char *body = lg_xstrdup(spec);
    body[last - spec] = '\0';
    rc = lg_net_parse(body, &c->body);
    free(body);
    if (rc == LG_OK) {
        char head[64];
        snprintf(head, sizeof head, "%zu%s", c->body->out_dim, last);
        rc = lg_net_parse(head, &c->head);
    }
    LG_ASSERT(rc == LG_OK, "a valid spec splits into two valid specs");
    c->tape = lg_tape_alloc();
    *out = c;
    return LG_OK;
}

void lg_classifier_free(lg_classifier *c)
{
    if (!c)
        return;
    free(c->spec);
    lg_net_free(c->body);
    lg_net_free(c->head);
    lg_tape_free(c->tape);
    free(c);
}

size_t lg_classifier_n_classes(const lg_classifier *c) { return c->n_classes; }
size_t lg_classifier_feature_dim(const lg_classifier *c) { return c->body->out_dim; }

/* ---------------------------------------------------------------- applying --- */

lg_node *lg_classifier_input(lg_tape *t, lg_node *x) { return lg_scale(t, lg_shift(t, x, 1.0), 0.5); }

#define RUN_CHUNK 256 /* rows per forward pass: the tape holds a chunk, never the whole set */

void lg_classifier_run(lg_classifier *c, const gsl_matrix *x, gsl_matrix *logp, gsl_matrix *features)
{
    size_t n = x->size1;
    LG_ASSERT(x->size2 == c->body->in_dim, "lg_classifier_apply: x has the classifier's input width");
    LG_ASSERT(!logp || (logp->size1 == n && logp->size2 == c->n_classes), "probs: (n, n_classes)");
    LG_ASSERT(!features || (features->size1 == n && features->size2 == c->body->out_dim),
              "features: (n, lg_classifier_feature_dim)");
    lg_net *nets[2] = { c->body, c->head };
    bool train[2], rg[2];
    for (int k = 0; k < 2; k++) {
        train[k] = nets[k]->train, rg[k] = nets[k]->requires_grad;
        nets[k]->train = false, nets[k]->requires_grad = false;
    }
    lg_tape *t = c->tape;
    for (size_t first = 0; first < n; first += RUN_CHUNK) {
        size_t m = n - first < RUN_CHUNK ? n - first : RUN_CHUNK;
        gsl_matrix_const_view xv = gsl_matrix_const_submatrix(x, first, 0, m, x->size2);
        lg_tape_reset(t);
        lg_node *h = lg_net_apply(t, c->body, lg_classifier_input(t, lg_const(t, &xv.matrix)));
        if (features) {
            gsl_matrix_view fv = gsl_matrix_submatrix(features, first, 0, m, features->size2);
            gsl_matrix_memcpy(&fv.matrix, lg_value(h));
        }
        if (logp) {
            lg_node *lp = lg_log_softmax(t, lg_net_apply(t, c->head, h));
            gsl_matrix_view lv = gsl_matrix_submatrix(logp, first, 0, m, logp->size2);
            gsl_matrix_memcpy(&lv.matrix, lg_value(lp));
        }
    }
    for (int k = 0; k < 2; k++)
        nets[k]->train = train[k], nets[k]->requires_grad = rg[k];
}

void lg_classifier_apply(lg_classifier *c, const gsl_matrix *x, gsl_matrix *probs, gsl_matrix *features)
{
    lg_classifier_run(c, x, probs, features);
    if (probs)
        for (size_t i = 0; i < probs->size1; i++)
            for (size_t k = 0; k < probs->size2; k++)
                probs->data[i * probs->tda + k] = exp(probs->data[i * probs->tda + k]);
}

/* The most probable class of each row of logp: (m, K); how many equal y. */
static size_t count_right(const gsl_matrix *logp, const int *y)
{
    size_t right = 0;
    for (size_t i = 0; i < logp->size1; i++) {
        const double *r = logp->data + i * logp->tda;
        size_t best = 0;
        for (size_t k = 1; k < logp->size2; k++)
            if (r[k] > r[best])
                best = k;
        right += (int)best == y[i];
    }
    return right;
}

double lg_classifier_accuracy(lg_classifier *c, const gsl_matrix *x, const int *y)
{
    if (x->size1 == 0)
        return NAN;
    gsl_matrix *logp = gsl_matrix_alloc(x->size1, c->n_classes);
    lg_classifier_run(c, x, logp, NULL);
    size_t right = count_right(logp, y);
    gsl_matrix_free(logp);
    return (double)right / (double)x->size1;
}

/* Accuracy on a split of ds, RUN_CHUNK rows at a time. */
static double split_accuracy(lg_classifier *c, const lg_dataset *ds, lg_split split)
{
    size_t n = lg_dataset_count(ds, split), right = 0;
    if (n == 0)
        return NAN;
    gsl_matrix *x = gsl_matrix_alloc(RUN_CHUNK, lg_dataset_dim(ds));
    gsl_matrix *logp = gsl_matrix_alloc(RUN_CHUNK, c->n_classes);
    int y[RUN_CHUNK];
    for (size_t first = 0; first < n; first += RUN_CHUNK) {
        size_t m = n - first < RUN_CHUNK ? n - first : RUN_CHUNK;
        gsl_matrix_view xv = gsl_matrix_submatrix(x, 0, 0, m, x->size2);
        gsl_matrix_view lv = gsl_matrix_submatrix(logp, 0, 0, m, logp->size2);
        lg_dataset_rows(ds, split, first, &xv.matrix, y);
        lg_classifier_run(c, &xv.matrix, &lv.matrix, NULL);
        right += count_right(&lv.matrix, y);
    }
    gsl_matrix_free(x);
    gsl_matrix_free(logp);
    return (double)right / (double)n;
}

/* ---------------------------------------------------------------- training --- */

struct lg_classifier_trainer {
    lg_classifier *c;
    gsl_matrix *x, *onehot;    /* (B, dim), (B, K) */
    int *y;                    /* (B) */
    lg_optim *opt[2];          /* body, head: Adam is per coordinate, so two are one */
};

lg_classifier_trainer *lg_classifier_trainer_alloc(lg_classifier *c)
{
    lg_classifier_trainer *tr = lg_xcalloc(1, sizeof *tr);
    tr->c = c;
    tr->x = gsl_matrix_alloc(LG_CLASSIFIER_BATCH, c->body->in_dim);
    tr->onehot = gsl_matrix_calloc(LG_CLASSIFIER_BATCH, c->n_classes);
    tr->y = lg_xcalloc(LG_CLASSIFIER_BATCH, sizeof *tr->y);
    int rc = lg_optim_parse(LG_CLASSIFIER_OPTIM, c->body->n_params, &tr->opt[0]);
    rc |= lg_optim_parse(LG_CLASSIFIER_OPTIM, c->head->n_params, &tr->opt[1]);
    LG_ASSERT(rc == LG_OK, "LG_CLASSIFIER_OPTIM is a valid optimizer");
    return tr;
}

void lg_classifier_trainer_free(lg_classifier_trainer *tr)
{
    if (!tr)
        return;
    gsl_matrix_free(tr->x);
    gsl_matrix_free(tr->onehot);
    free(tr->y);
    lg_optim_free(tr->opt[0]);
    lg_optim_free(tr->opt[1]);
    free(tr);
}

gsl_matrix *lg_classifier_trainer_x(lg_classifier_trainer *tr) { return tr->x; }
int *lg_classifier_trainer_y(lg_classifier_trainer *tr) { return tr->y; }

int lg_classifier_step(lg_classifier_trainer *tr, size_t b, double *loss, size_t *correct)
{
    lg_classifier *c = tr->c;
    size_t K = c->n_classes;
    LG_ASSERT(b >= 1 && b <= LG_CLASSIFIER_BATCH, "a batch of 1..LG_CLASSIFIER_BATCH rows");
    gsl_matrix_view xv = gsl_matrix_submatrix(tr->x, 0, 0, b, tr->x->size2);
    gsl_matrix_view yv = gsl_matrix_submatrix(tr->onehot, 0, 0, b, K);
    gsl_matrix_set_zero(&yv.matrix);
    for (size_t i = 0; i < b; i++) {
        LG_ASSERT(tr->y[i] >= 0 && (size_t)tr->y[i] < K, "labels are checked before training");
        yv.matrix.data[i * K + (size_t)tr->y[i]] = 1.0;
    }
    lg_net *nets[2] = { c->body, c->head };
    for (int k = 0; k < 2; k++) {
        nets[k]->train = true;
        nets[k]->requires_grad = true;
        lg_net_zero_grad(nets[k]);
    }
    /* cross-entropy: -mean_i sum_k onehot_ik log softmax(logits)_ik */
    lg_tape *t = c->tape;
    lg_tape_reset(t);
    lg_node *h = lg_net_apply(t, c->body, lg_classifier_input(t, lg_const(t, &xv.matrix)));
    lg_node *logits = lg_net_apply(t, c->head, h);
    lg_node *logp = lg_log_softmax(t, logits);
    lg_node *L = lg_neg(t, lg_mean(t, lg_sum_rows(t, lg_mul(t, lg_const(t, &yv.matrix), logp))));
    int rc = lg_tape_backward(t, L);
    for (int k = 0; k < 2; k++)
        nets[k]->requires_grad = false;
    if (rc != LG_OK)
        return lg_seterr(rc, "classifier %s: %s", c->spec, lg_errmsg());
    *loss = lg_scalar(L);
    if (!isfinite(*loss))
        return lg_seterr(LG_ENONFINITE, "classifier %s: the loss is %g (the data or the network diverged)",
                         c->spec, *loss);
    *correct = count_right(lg_value(logp), tr->y);
    for (int k = 0; k < 2; k++)
        lg_optim_step(tr->opt[k], nets[k]->theta, nets[k]->grad);
    return LG_OK;
}

/* Where training rows come from: a matrix and its labels, or a split of a
 * data set (read a row at a time: no copy of the whole set in doubles). */
typedef struct source {
    const gsl_matrix *x;
    const int *y;
    const lg_dataset *ds;
    lg_split split;
    size_t n;
} source;

static void source_row(const source *s, size_t i, gsl_matrix *x, size_t row, int *y)
{
    gsl_matrix_view dst = gsl_matrix_submatrix(x, row, 0, 1, x->size2);
    if (s->ds) {
        lg_dataset_rows(s->ds, s->split, i, &dst.matrix, y);
    } else {
        gsl_matrix_const_view src = gsl_matrix_const_submatrix(s->x, i, 0, 1, x->size2);
        gsl_matrix_memcpy(&dst.matrix, &src.matrix);
        *y = s->y[i];
    }
}

/* Initialise c's networks from its seed and train them for c->epochs epochs:
 * each a seeded shuffle of the rows, then minibatches in that order (a last
 * batch of one row is left for the next epoch's shuffle: BatchNorm needs two). */
static int train(lg_classifier *c, const source *src, FILE *log)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, lg_seed_stream(c->seed, 0));
    lg_net_init(c->body, rng);
    lg_net_init(c->head, rng);
    gsl_rng_set(rng, lg_seed_stream(c->seed, 1));
    size_t n = src->n, *order = lg_xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    lg_classifier_trainer *tr = lg_classifier_trainer_alloc(c);
    gsl_matrix *x = lg_classifier_trainer_x(tr);
    int *y = lg_classifier_trainer_y(tr), rc = LG_OK;
    double t0 = lg_now();
    for (long e = 1; e <= c->epochs && rc == LG_OK; e++) {
        gsl_ran_shuffle(rng, order, n, sizeof *order);
        double loss_sum = 0;
        size_t right = 0, seen = 0;
        for (size_t first = 0; first + 2 <= n && rc == LG_OK; first += LG_CLASSIFIER_BATCH) {
            size_t b = n - first < LG_CLASSIFIER_BATCH ? n - first : LG_CLASSIFIER_BATCH, ok = 0;
            for (size_t i = 0; i < b; i++)
                source_row(src, order[first + i], x, i, &y[i]);
            double loss = 0;
            rc = lg_classifier_step(tr, b, &loss, &ok);
            loss_sum += loss * (double)b;
            right += ok;
            seen += b;
        }
        if (rc != LG_OK)
            rc = lg_seterr(rc, "%s (epoch %ld)", lg_errmsg(), e);
        else if (log)
            fprintf(log, "classifier %s: epoch %ld/%ld  loss %.4f  train accuracy %.2f%%  %.1f s\n", c->spec, e,
                    c->epochs, loss_sum / (double)seen, 100.0 * (double)right / (double)seen, lg_now() - t0);
    }
    c->body->train = c->head->train = false;
    lg_classifier_trainer_free(tr);
    free(order);
    gsl_rng_free(rng);
    return rc;
}

static int check_seed(long seed)
{
    if (seed < 1 || (unsigned long)seed > 0xfffffffful)
        return lg_seterr(LG_EINVAL, "classifier: seed %ld outside 1..4294967295", seed);
    return LG_OK;
}

int lg_classifier_fit(const char *spec, const gsl_matrix *x, const int *y, size_t n_classes, long seed, long epochs,
                      FILE *log, lg_classifier **out)
{
    *out = NULL;
    int rc = check_seed(seed);
    if (rc != LG_OK)
        return rc;
    if (epochs < 1 || epochs > LG_CLASSIFIER_MAX_EPOCHS)
        return lg_seterr(LG_EINVAL, "classifier: %ld epochs (need 1..%d)", epochs, LG_CLASSIFIER_MAX_EPOCHS);
    if (x->size1 < 2)
        return lg_seterr(LG_EINVAL, "classifier: %zu training rows (need 2 or more)", x->size1);
    for (size_t i = 0; i < x->size1; i++) {
        if (y[i] < 0 || (size_t)y[i] >= n_classes)
            return lg_seterr(LG_EINVAL, "classifier: label %zu is %d, outside 0..%zu", i, y[i],
                             n_classes ? n_classes - 1 : 0);
        for (size_t j = 0; j < x->size2; j++)
            if (!isfinite(x->data[i * x->tda + j]))
                return lg_seterr(LG_ENONFINITE, "classifier: training value (%zu, %zu) is %g", i, j,
                                 x->data[i * x->tda + j]);
    }
    lg_classifier *c;
    if ((rc = lg_classifier_make(spec, x->size2, n_classes, &c)) != LG_OK)
        return rc;
    c->seed = seed;
    c->epochs = epochs;
    c->print = lg_data_print_matrix(x, y);
    source src = { .x = x, .y = y, .n = x->size1 };
    if ((rc = train(c, &src, log)) != LG_OK) {
        lg_classifier_free(c);
        return rc;
    }
    *out = c;
    return LG_OK;
}

/* ------------------------------------------------------------ fingerprints --- */

static uint32_t crc_labels(uint32_t crc, const int *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t v = y[i];
        crc = (uint32_t)crc32_z(crc, (const unsigned char *)&v, sizeof v);
    }
    return crc;
}

lg_data_print lg_data_print_matrix(const gsl_matrix *x, const int *y)
{
    lg_data_print p = { x->size1, x->size2, (uint32_t)crc32_z(0L, NULL, 0), 0 };
    for (size_t i = 0; i < x->size1; i++)
        p.crc_x = (uint32_t)crc32_z(p.crc_x, (const unsigned char *)(x->data + i * x->tda),
                                    x->size2 * sizeof(double));
    p.crc_y = crc_labels((uint32_t)crc32_z(0L, NULL, 0), y, x->size1);
    return p;
}

lg_data_print lg_data_print_split(const lg_dataset *ds, lg_split split)
{
    size_t n = lg_dataset_count(ds, split), dim = lg_dataset_dim(ds);
    lg_data_print p = { n, dim, (uint32_t)crc32_z(0L, NULL, 0), (uint32_t)crc32_z(0L, NULL, 0) };
    gsl_matrix *x = gsl_matrix_alloc(RUN_CHUNK, dim);
    int y[RUN_CHUNK];
    for (size_t first = 0; first < n; first += RUN_CHUNK) {
        size_t m = n - first < RUN_CHUNK ? n - first : RUN_CHUNK;
        gsl_matrix_view xv = gsl_matrix_submatrix(x, 0, 0, m, dim);
        lg_dataset_rows(ds, split, first, &xv.matrix, y);
        p.crc_x = (uint32_t)crc32_z(p.crc_x, (const unsigned char *)x->data, m * dim * sizeof(double));
        p.crc_y = crc_labels(p.crc_y, y, m);
    }
    gsl_matrix_free(x);
    return p;
}

/* ---------------------------------------------------- the data set's own --- */

/* Epochs for n training rows: about 120,000 rows seen in all, 3 at least, 20
 * at most. MNIST's 8,000 digits: 15 epochs (held-out accuracy 96.3-96.8% for
 * seeds 1-3, against 95.4-96.0% after 6); Fashion-MNIST's 60,000: 3 (87.2%;
 * 86.1-86.7% after 2). */
static long epochs_for(size_t n)
{
    long e = (long)((120000 + n - 1) / n);
    return e < 3 ? 3 : e > 20 ? 20 : e;
}

/* Why the stored classifier c will not do for this data and these settings,
 * into why; false when it will. */
static bool stale(const lg_classifier *c, const lg_data_print *p, const char *spec, long seed, long epochs,
                  char *why, size_t len)
{
    if (c->print.n != p->n || c->print.dim != p->dim)
        snprintf(why, len, "it was trained on %llu images of %llu values, the data has %llu of %llu",
                 (unsigned long long)c->print.n, (unsigned long long)c->print.dim, (unsigned long long)p->n,
                 (unsigned long long)p->dim);
    else if (c->print.crc_x != p->crc_x || c->print.crc_y != p->crc_y)
        snprintf(why, len, "it was trained on other %s (data fingerprint %08x/%08x, the data's %08x/%08x)",
                 c->print.crc_x != p->crc_x ? "images" : "labels", c->print.crc_x, c->print.crc_y, p->crc_x,
                 p->crc_y);
    else if (strcmp(c->spec, spec) != 0)
        snprintf(why, len, "its network is %s, the default is now %s", c->spec, spec);
    else if (c->seed != seed || c->epochs != epochs)
        snprintf(why, len, "it was trained with seed %ld for %ld epochs, not seed %ld for %ld", c->seed, c->epochs,
                 seed, epochs);
    else
        return false;
    return true;
}

int lg_classifier_open(const lg_dataset *ds, const char *dir, long seed, FILE *log, lg_classifier **out)
{
    *out = NULL;
    size_t K = lg_dataset_n_classes(ds), n = lg_dataset_count(ds, LG_SPLIT_TRAIN);
    if (!lg_dataset_image_shape(ds, NULL, NULL) || K < 2 || n < 2)
        return lg_seterr(LG_EINVAL, "dataset %s has no labelled images: the classifier needs image data "
                         "(mnist, fashion, idx:images=PATH,labels=PATH)", lg_dataset_name(ds));
    int rc = check_seed(seed);
    if (rc != LG_OK)
        return rc;
    if (!dir)
        dir = lg_data_dir();
    if (!*dir) /* lg_data_dir found no folder beside the library */
        return lg_seterr(LG_EIO, "classifier of %s: litgan's data folder is unknown (set LITGAN_DATA to a folder)",
                         lg_dataset_name(ds));
    char path[4096], spec[96], why[512];
    snprintf(path, sizeof path, "%s/classifier-%s-s%ld.bin", dir, lg_dataset_name(ds), seed);
    snprintf(spec, sizeof spec, "%zu-256r-256r-%zu", lg_dataset_dim(ds), K);
    long epochs = epochs_for(n);
    lg_data_print print = lg_data_print_split(ds, LG_SPLIT_TRAIN);

    lg_classifier *c = NULL;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        snprintf(why, sizeof why, "none stored yet");
    else if (lg_classifier_load(path, &c) != LG_OK)
        snprintf(why, sizeof why, "%s", lg_errmsg());
    else if (!stale(c, &print, spec, seed, epochs, why, sizeof why)) {
        *out = c;
        return LG_OK;
    }
    lg_classifier_free(c);
    if (log)
        fprintf(log, "classifier %s: %s; training one (seed %ld, %ld epochs on %zu images)\n", path, why, seed,
                epochs, n);
    if ((rc = lg_classifier_make(spec, lg_dataset_dim(ds), K, &c)) != LG_OK)
        return rc;
    c->seed = seed;
    c->epochs = epochs;
    c->print = print;
    source src = { .ds = ds, .split = LG_SPLIT_TRAIN, .n = n };
    double t0 = lg_now();
    if ((rc = train(c, &src, log)) != LG_OK) {
        lg_classifier_free(c);
        return rc;
    }
    double secs = lg_now() - t0;
    c->test_accuracy = split_accuracy(c, ds, LG_SPLIT_TEST);
    if (log)
        fprintf(log, "classifier %s: test accuracy %.2f%% on %zu held-out images (trained in %.1f s)\n", path,
                100.0 * c->test_accuracy, lg_dataset_count(ds, LG_SPLIT_TEST), secs);
    if (lg_mkdir_p(dir) != LG_OK || lg_classifier_save(c, path) != LG_OK) {
        if (log)
            fprintf(log, "classifier %s: not stored (%s): it is trained again next time\n", path, lg_errmsg());
    }
    *out = c;
    return LG_OK;
}
