/*
 * classifier_io.c - a classifier's file: what lg_classifier_open keeps beside
 * the data (DIR/classifier-NAME-sSEED.bin) so that it is trained once.
 *
 * Layout: the frame of frame.h (the checkpoint's), magic "LGCLSF\r\n",
 * version 1, around the payload.
 * Payload, version 1:
 *   u64 spec length, the spec's bytes (no NUL);
 *   u64 classes; i64 seed; i64 epochs;
 *   the training data's fingerprint: u64 rows, u64 values per row,
 *     u32 CRC-32 of the values, u32 CRC-32 of the labels (classifier.h);
 *   f64 test accuracy (NaN: not measured);
 *   per network, body then head: u64 n_params, the parameters,
 *   u64 n_buffers, the BatchNorm statistics.
 * What the file does not say, version 1 fixes: the body reads the pixels
 * mapped to [0, 1] (classifier.h); a change there is a new version.
 * Written to a temporary file and renamed. Read as checkpoints are: the frame
 * (a regular file of bounded size only, a short file told from a foreign one,
 * the checksum), then every field checked here against what it may hold; each
 * refusal one line naming the file and the field.
 */
#include "classifier.h"
#include "frame.h"

#include <math.h>
#include <string.h>

#define CLS_MAX_BYTES (1ULL << 31)     /* 2 GiB: a 784-256r-256r-10 classifier has 2 MB */
#define CLS_SPEC_MAX 4096

static const lg_frame_kind CLS = {
    .magic = "LGCLSF\r\n",
    .version = 1,
    .noun = "classifier",
    .file_noun = "classifier file",
    .too_big = "a classifier file holds",
    .missing = NULL,
    .regular = "not a regular file",
    .upgrade = "delete the file: it is trained again",
    .zero_checked = true,
};

/* ------------------------------------------------------------------ write --- */

static void put_net(lg_bytes *b, const lg_net *net)
{
    lg_bytes_put_u64(b, net->n_params);
    lg_bytes_put_doubles(b, net->theta, net->n_params);
    lg_bytes_put_u64(b, net->n_buffers);
    lg_bytes_put_doubles(b, net->buffers, net->n_buffers);
}

int lg_classifier_save(const lg_classifier *c, const char *path)
{
    lg_bytes b = { 0 };
    lg_bytes_put_u64(&b, strlen(c->spec));
    lg_bytes_put(&b, c->spec, strlen(c->spec));
    lg_bytes_put_u64(&b, c->n_classes);
    lg_bytes_put_i64(&b, c->seed);
    lg_bytes_put_i64(&b, c->epochs);
    lg_bytes_put_u64(&b, c->print.n);
    lg_bytes_put_u64(&b, c->print.dim);
    lg_bytes_put(&b, &c->print.crc_x, sizeof c->print.crc_x);
    lg_bytes_put(&b, &c->print.crc_y, sizeof c->print.crc_y);
    lg_bytes_put(&b, &c->test_accuracy, sizeof c->test_accuracy);
    put_net(&b, c->body);
    put_net(&b, c->head);
    int rc = lg_frame_write(path, &CLS, &b);
    lg_bytes_free(&b);
    return rc;
}

/* ------------------------------------------------------------------- read --- */

static int read_net(lg_bytes *b, const char *path, const char *name, lg_net *net)
{
    char what[64];
    uint64_t np = lg_bytes_get_u64(b);
    if (!b->bad && np != net->n_params)
        return lg_seterr(LG_EFORMAT, "%s: the %s holds %llu parameters, its network %s has %zu", path, name,
                         (unsigned long long)np, net->spec, net->n_params);
    snprintf(what, sizeof what, "%s parameter", name);
    int rc = lg_bytes_get_doubles(b, path, net->theta, net->n_params, false, what);
    uint64_t nb = rc == LG_OK ? lg_bytes_get_u64(b) : 0;
    if (rc == LG_OK && !b->bad && nb != net->n_buffers)
        return lg_seterr(LG_EFORMAT, "%s: the %s holds %llu BatchNorm statistics, its network %s has %zu", path,
                         name, (unsigned long long)nb, net->spec, net->n_buffers);
    snprintf(what, sizeof what, "%s BatchNorm statistic", name);
    if (rc == LG_OK)
        rc = lg_bytes_get_doubles(b, path, net->buffers, net->n_buffers, false, what);
    for (size_t l = 0; l < net->n_layers && rc == LG_OK && !b->bad; l++) {
        const lg_layer *L = &net->layers[l];
        bool bn = L->kind == LG_LAYER_BATCHNORM || L->kind == LG_LAYER_BATCHNORM2D;
        size_t C = L->p_len / 2; /* features (BatchNorm1d) or channels (2d) */
        for (size_t k = 0; bn && k < C; k++)
            if (net->buffers[L->b_off + C + k] < 0)
                return lg_seterr(LG_EFORMAT, "%s: the %s's BatchNorm running variance %zu is %g (must be >= 0)",
                                 path, name, k, net->buffers[L->b_off + C + k]);
    }
    return rc;
}

static int read_payload(lg_bytes *b, const char *path, lg_classifier **out)
{
    uint64_t sl = lg_bytes_get_u64(b);
    if (!b->bad && (sl == 0 || sl > CLS_SPEC_MAX))
        return lg_seterr(LG_EFORMAT, "%s: network spec of %llu bytes (1..%d)", path, (unsigned long long)sl,
                         CLS_SPEC_MAX);
    char spec[CLS_SPEC_MAX + 1] = "";
    lg_bytes_get(b, spec, (size_t)sl);
    spec[sl] = '\0';
    if (!b->bad && strlen(spec) != sl)
        return lg_seterr(LG_EFORMAT, "%s: network spec holds a NUL byte", path);
    uint64_t K = lg_bytes_get_u64(b);
    int64_t seed = lg_bytes_get_i64(b), epochs = lg_bytes_get_i64(b);
    lg_data_print p;
    p.n = lg_bytes_get_u64(b);
    p.dim = lg_bytes_get_u64(b);
    lg_bytes_get(b, &p.crc_x, sizeof p.crc_x);
    lg_bytes_get(b, &p.crc_y, sizeof p.crc_y);
    double acc;
    lg_bytes_get(b, &acc, sizeof acc);
    if (b->bad)
        return LG_OK; /* the caller names the malformed payload */
    if (K < 2 || K > LG_MAX_CLASSES)
        return lg_seterr(LG_EFORMAT, "%s: %llu classes (2..%d)", path, (unsigned long long)K, LG_MAX_CLASSES);
    if (seed < 1 || seed > 0xffffffffLL)
        return lg_seterr(LG_EFORMAT, "%s: seed %lld outside 1..4294967295", path, (long long)seed);
    if (epochs < 1 || epochs > LG_CLASSIFIER_MAX_EPOCHS)
        return lg_seterr(LG_EFORMAT, "%s: %lld epochs (1..%d)", path, (long long)epochs, LG_CLASSIFIER_MAX_EPOCHS);
    if (p.n < 2)
        return lg_seterr(LG_EFORMAT, "%s: trained on %llu rows (2 or more)", path, (unsigned long long)p.n);
    if (!isnan(acc) && !(acc >= 0 && acc <= 1))
        return lg_seterr(LG_EFORMAT, "%s: test accuracy %g outside [0, 1]", path, acc);
    /* the parameters must be in the file: a forged spec of huge widths is
     * refused before anything is allocated for it */
    double np, units;
    if (lg_net_spec_cost(spec, &np, &units) != LG_OK)
        return lg_seterr(LG_EFORMAT, "%s: network spec: %s", path, lg_errmsg());
    if (np * sizeof(double) > (double)lg_bytes_left(b))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %.0f parameters and statistics, more than the %zu bytes "
                         "left in the file hold", path, spec, np, lg_bytes_left(b));
    lg_net *whole;
    if (lg_net_parse(spec, &whole) != LG_OK)
        return lg_seterr(LG_EFORMAT, "%s: network spec: %s", path, lg_errmsg());
    size_t dim = whole->in_dim;
    lg_net_free(whole);
    if (p.dim != dim)
        return lg_seterr(LG_EFORMAT, "%s: trained on rows of %llu values, its network %s takes %zu", path,
                         (unsigned long long)p.dim, spec, dim);
    lg_classifier *c;
    if (lg_classifier_make(spec, dim, (size_t)K, &c) != LG_OK)
        return lg_seterr(LG_EFORMAT, "%s: %s", path, lg_errmsg());
    c->seed = (long)seed;
    c->epochs = (long)epochs;
    c->print = p;
    c->test_accuracy = acc;
    int rc = read_net(b, path, "body", c->body);
    if (rc == LG_OK && !b->bad)
        rc = read_net(b, path, "head", c->head);
    if (rc == LG_OK && !b->bad && b->pos != b->n)
        rc = lg_seterr(LG_EFORMAT, "%s: %zu bytes after the classifier's last field", path, lg_bytes_left(b));
    if (rc != LG_OK || b->bad) {
        lg_classifier_free(c);
        return rc;
    }
    c->body->train = c->head->train = false;
    *out = c;
    return LG_OK;
}

int lg_classifier_load(const char *path, lg_classifier **out)
{
    *out = NULL;
    lg_bytes b;
    int rc = lg_frame_read(path, &CLS, CLS_MAX_BYTES, &b);
    if (rc != LG_OK)
        return rc;
    rc = read_payload(&b, path, out);
    return lg_frame_done(path, &CLS, &b, rc);
}
