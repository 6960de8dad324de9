/*
 * classifier_io.c - a classifier's file: what lg_classifier_open keeps beside
 * the data (DIR/classifier-NAME-sSEED.bin) so that it is trained once.
 *
 * Layout (little-endian, as this machine writes it; the checkpoint's frame):
 *   magic[8] "LGCLSF\r\n", u32 version, u32 zero, u64 payload length,
 *   payload, u32 CRC-32 (zlib) of the payload.
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
 * Written to a temporary file and renamed. Read as checkpoints are: a
 * regular file of bounded size only, a short file told from a foreign one,
 * then after the checksum every field checked against what it may hold; each
 * refusal one line naming the file and the field.
 */
#include "classifier.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CLS_MAGIC "LGCLSF\r\n"
#define CLS_VERSION 1u
#define CLS_HEADER 24                  /* magic, version, zero, payload length */
#define CLS_MAX_BYTES (1ULL << 31)     /* 2 GiB: a 784-256r-256r-10 classifier has 2 MB */
#define CLS_SPEC_MAX 4096

/* ------------------------------------------------------------------ write --- */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
} wbuf;

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = 2 * (b->n + n) + 256;
        b->p = lg_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u64(wbuf *b, uint64_t v) { put(b, &v, sizeof v); }
static void put_i64(wbuf *b, int64_t v) { put(b, &v, sizeof v); }

static void put_net(wbuf *b, const lg_net *net)
{
    put_u64(b, net->n_params);
    put(b, net->theta, net->n_params * sizeof(double));
    put_u64(b, net->n_buffers);
    put(b, net->buffers, net->n_buffers * sizeof(double));
}

int lg_classifier_save(const lg_classifier *c, const char *path)
{
    wbuf b = { 0 };
    put_u64(&b, strlen(c->spec));
    put(&b, c->spec, strlen(c->spec));
    put_u64(&b, c->n_classes);
    put_i64(&b, c->seed);
    put_i64(&b, c->epochs);
    put_u64(&b, c->print.n);
    put_u64(&b, c->print.dim);
    put(&b, &c->print.crc_x, sizeof c->print.crc_x);
    put(&b, &c->print.crc_y, sizeof c->print.crc_y);
    put(&b, &c->test_accuracy, sizeof c->test_accuracy);
    put_net(&b, c->body);
    put_net(&b, c->head);
    uint32_t crc = (uint32_t)crc32_z(0L, b.p, b.n), ver[2] = { CLS_VERSION, 0 };
    uint64_t len = b.n;
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK) {
        free(b.p);
        return lg_seterr(LG_EIO, "%s: cannot write the classifier (%s)", path, lg_errmsg());
    }
    bool ok = fwrite(CLS_MAGIC, 1, 8, a.f) == 8 && fwrite(ver, sizeof ver, 1, a.f) == 1 &&
              fwrite(&len, sizeof len, 1, a.f) == 1 && fwrite(b.p, 1, b.n, a.f) == b.n &&
              fwrite(&crc, sizeof crc, 1, a.f) == 1;
    free(b.p);
    if (!ok) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: writing the classifier failed (disk full?)", path);
    }
    if (lg_atomic_commit(&a) != LG_OK)
        return lg_seterr(LG_EIO, "%s: writing the classifier failed (%s)", path, lg_errmsg());
    return LG_OK;
}

/* ------------------------------------------------------------------- read --- */

typedef struct rbuf {
    const unsigned char *p;
    size_t n, pos;
    bool bad;              /* a field ran past the end */
} rbuf;

static void get(rbuf *b, void *dst, size_t n)
{
    if (b->bad || n > b->n - b->pos) {
        b->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, b->p + b->pos, n);
    b->pos += n;
}

static uint64_t get_u64(rbuf *b)
{
    uint64_t v;
    get(b, &v, sizeof v);
    return v;
}

static int64_t get_i64(rbuf *b)
{
    int64_t v;
    get(b, &v, sizeof v);
    return v;
}

/* The whole of path, when it is a regular file of at most CLS_MAX_BYTES:
 * opened without blocking (a FIFO) and checked with fstat before reading. */
static int read_file(const char *path, unsigned char **out, size_t *len)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the classifier (%s)", path, strerror(errno));
    struct stat st;
    int rc = LG_OK;
    if (fstat(fd, &st) != 0)
        rc = lg_seterr(LG_EIO, "%s: cannot read the classifier (%s)", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = lg_seterr(LG_EFORMAT, "%s: not a regular file, so not a classifier", path);
    else if ((uint64_t)st.st_size > CLS_MAX_BYTES)
        rc = lg_seterr(LG_EFORMAT, "%s: %lld bytes, more than a classifier file holds (%llu at most)", path,
                       (long long)st.st_size, (unsigned long long)CLS_MAX_BYTES);
    unsigned char *p = rc == LG_OK ? malloc((size_t)st.st_size + 1) : NULL;
    if (rc == LG_OK && !p)
        rc = lg_seterr(LG_ENOMEM, "%s: no memory to read its %lld bytes", path, (long long)st.st_size);
    size_t got = 0;
    while (rc == LG_OK && got < (size_t)st.st_size) {
        ssize_t k = read(fd, p + got, (size_t)st.st_size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            rc = lg_seterr(LG_EIO, "%s: cannot read the classifier (%s)", path, strerror(errno));
        if (k <= 0)
            break; /* shrank while read: the checks call it truncated */
        got += (size_t)k;
    }
    close(fd);
    if (rc != LG_OK) {
        free(p);
        return rc;
    }
    *out = p;
    *len = got;
    return LG_OK;
}

/* Magic, version, length and checksum; the payload's bounds into *payload. */
static int check_frame(const char *path, const unsigned char *f, size_t n, rbuf *payload)
{
    if (memcmp(f, CLS_MAGIC, n < 8 ? n : 8) != 0)
        return lg_seterr(LG_EFORMAT, "%s: not a litgan classifier (bad magic number)", path);
    if (n < CLS_HEADER)
        return lg_seterr(LG_EFORMAT, "%s: classifier file is truncated (%zu bytes, its header alone has %d)", path,
                         n, CLS_HEADER);
    uint32_t ver[2];
    uint64_t len;
    memcpy(ver, f + 8, sizeof ver);
    memcpy(&len, f + 16, sizeof len);
    if (ver[0] != CLS_VERSION || ver[1] != 0)
        return lg_seterr(LG_EFORMAT, "%s: classifier format version %u, this litgan reads version %u (delete the "
                         "file: it is trained again)", path, ver[0], CLS_VERSION);
    uint64_t have = n - CLS_HEADER;
    if (len > have || have - len < sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: classifier file is truncated (%llu payload bytes announced, %llu present "
                         "with the checksum)", path, (unsigned long long)len, (unsigned long long)have);
    if (have - len > sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: classifier file has %llu bytes after its checksum (the file is damaged)",
                         path, (unsigned long long)(have - len - sizeof(uint32_t)));
    uint32_t crc;
    memcpy(&crc, f + CLS_HEADER + len, sizeof crc);
    if ((uint32_t)crc32_z(0L, f + CLS_HEADER, (size_t)len) != crc)
        return lg_seterr(LG_EFORMAT, "%s: classifier checksum mismatch (the file is damaged)", path);
    *payload = (rbuf){ f + CLS_HEADER, (size_t)len, 0, false };
    return LG_OK;
}

/* n doubles into dst, each finite; the first that is not named as WHAT[k]. */
static int get_doubles(rbuf *b, const char *path, double *dst, size_t n, const char *what)
{
    get(b, dst, n * sizeof(double));
    for (size_t k = 0; k < n && !b->bad; k++)
        if (!isfinite(dst[k]))
            return lg_seterr(LG_EFORMAT, "%s: %s[%zu] is %g (must be finite)", path, what, k, dst[k]);
    return LG_OK;
}

static int read_net(rbuf *b, const char *path, const char *name, lg_net *net)
{
    char what[64];
    uint64_t np = get_u64(b);
    if (!b->bad && np != net->n_params)
        return lg_seterr(LG_EFORMAT, "%s: the %s holds %llu parameters, its network %s has %zu", path, name,
                         (unsigned long long)np, net->spec, net->n_params);
    snprintf(what, sizeof what, "%s parameter", name);
    int rc = get_doubles(b, path, net->theta, net->n_params, what);
    uint64_t nb = rc == LG_OK ? get_u64(b) : 0;
    if (rc == LG_OK && !b->bad && nb != net->n_buffers)
        return lg_seterr(LG_EFORMAT, "%s: the %s holds %llu BatchNorm statistics, its network %s has %zu", path,
                         name, (unsigned long long)nb, net->spec, net->n_buffers);
    snprintf(what, sizeof what, "%s BatchNorm statistic", name);
    if (rc == LG_OK)
        rc = get_doubles(b, path, net->buffers, net->n_buffers, what);
    for (size_t l = 0; l < net->n_layers && rc == LG_OK && !b->bad; l++) {
        const lg_layer *L = &net->layers[l];
        for (size_t k = 0; L->kind == LG_LAYER_BATCHNORM && k < L->out; k++)
            if (net->buffers[L->b_off + L->out + k] < 0)
                return lg_seterr(LG_EFORMAT, "%s: the %s's BatchNorm running variance %zu is %g (must be >= 0)",
                                 path, name, k, net->buffers[L->b_off + L->out + k]);
    }
    return rc;
}

static int read_payload(rbuf *b, const char *path, lg_classifier **out)
{
    uint64_t sl = get_u64(b);
    if (!b->bad && (sl == 0 || sl > CLS_SPEC_MAX))
        return lg_seterr(LG_EFORMAT, "%s: network spec of %llu bytes (1..%d)", path, (unsigned long long)sl,
                         CLS_SPEC_MAX);
    char spec[CLS_SPEC_MAX + 1] = "";
    get(b, spec, (size_t)sl);
    spec[sl] = '\0';
    if (!b->bad && strlen(spec) != sl)
        return lg_seterr(LG_EFORMAT, "%s: network spec holds a NUL byte", path);
    uint64_t K = get_u64(b);
    int64_t seed = get_i64(b), epochs = get_i64(b);
    lg_data_print p;
    p.n = get_u64(b);
    p.dim = get_u64(b);
    get(b, &p.crc_x, sizeof p.crc_x);
    get(b, &p.crc_y, sizeof p.crc_y);
    double acc;
    get(b, &acc, sizeof acc);
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
    if (np * sizeof(double) > (double)(b->n - b->pos))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %.0f parameters and statistics, more than the %zu bytes "
                         "left in the file hold", path, spec, np, b->n - b->pos);
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
        rc = lg_seterr(LG_EFORMAT, "%s: %zu bytes after the classifier's last field", path, b->n - b->pos);
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
    unsigned char *f;
    size_t n = 0;
    int rc = read_file(path, &f, &n);
    if (rc != LG_OK)
        return rc;
    rbuf b;
    if ((rc = check_frame(path, f, n, &b)) == LG_OK) {
        rc = read_payload(&b, path, out);
        if (rc == LG_OK && b.bad)
            rc = lg_seterr(LG_EFORMAT, "%s: classifier payload is malformed (a field runs past its end)", path);
    }
    free(f);
    return rc;
}
