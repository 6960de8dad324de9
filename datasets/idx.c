/*
 * idx.c - LeCun's IDX files (MNIST's format), read and written: magic 0 0
 * TYPE NDIM, NDIM big-endian u32 sizes, the values. litgan keeps unsigned
 * bytes (TYPE 0x08) in 1 (labels) or 3 (images) dimensions.
 *
 * One validator, lg_idx_parse, on bytes in memory; lg_idx_read decompresses a
 * file into memory first (zlib reads plain files as they are) but never more
 * than its header asks for: a gzip bomb or a header claiming terabytes costs
 * at most what a valid file of LG_IDX_MAX_BYTES would, and is refused.
 */
#include "datasets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* What the other value types of the format are, to name the one found. */
static const char *type_name(unsigned t)
{
    switch (t) {
    case 0x09: return "signed bytes";
    case 0x0B: return "16-bit integers";
    case 0x0C: return "32-bit integers";
    case 0x0D: return "32-bit floats";
    case 0x0E: return "64-bit floats";
    default: return NULL;
    }
}

/* Bytes after the values that lg_idx_read counts for its message before it
 * stops reading ("more than 1048576 bytes after the values"). */
#define TAIL_MAX ((size_t)1 << 20)

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The header of buf: its length and the number of value bytes it announces.
 * LG_EINVAL with the one-line message when the header is wrong (all but the
 * file's length, which the callers check). */
static int parse_header(const unsigned char *b, size_t len, const char *what, size_t *ndim,
                        size_t dims[3], size_t *head, size_t *values)
{
    if (len < 4)
        return lg_seterr(LG_EINVAL, "%s: not an IDX file: %zu byte%s, shorter than the 4 of the magic "
                         "number (give an IDX file, e.g. train-images-idx3-ubyte.gz)", what, len,
                         len == 1 ? "" : "s");
    if (b[0] != 0 || b[1] != 0)
        return lg_seterr(LG_EINVAL, "%s: not an IDX file: it starts with 0x%02X 0x%02X, not the magic 0x00 "
                         "0x00 (give an IDX file, plain or gzip'd)", what, b[0], b[1]);
    if (b[2] != 0x08) {
        const char *t = type_name(b[2]);
        if (t)
            return lg_seterr(LG_EINVAL, "%s: IDX values of type 0x%02X (%s) are not supported, litgan "
                             "reads unsigned bytes (type 0x08): convert the values to bytes 0..255",
                             what, b[2], t);
        return lg_seterr(LG_EINVAL, "%s: unknown IDX value type 0x%02X (litgan reads unsigned bytes, "
                         "type 0x08)", what, b[2]);
    }
    if (b[3] != 1 && b[3] != 3)
        return lg_seterr(LG_EINVAL, "%s: IDX file of %u dimensions; litgan reads 1 (labels: n) or 3 "
                         "(images: n, rows, cols)", what, b[3]);
    *ndim = b[3];
    *head = 4 + 4 * *ndim;
    if (len < *head)
        return lg_seterr(LG_EINVAL, "%s: truncated header: %zu of %zu bytes (the file was cut short: "
                         "copy or convert it again)", what, len, *head);
    /* each factor < 2^32 and the product so far <= 2^30: no overflow in 64 bits */
    uint64_t n = 1;
    for (size_t k = 0; k < *ndim; k++) {
        uint32_t d = be32(b + 4 + 4 * k);
        if (d == 0)
            return lg_seterr(LG_EINVAL, "%s: dimension %zu of the IDX header has size 0 (an empty file "
                             "holds no %s)", what, k + 1, *ndim == 3 ? "images" : "labels");
        dims[k] = d;
        n *= d;
        if (n > LG_IDX_MAX_BYTES)
            return lg_seterr(LG_EINVAL, "%s: the IDX header asks for more than %llu bytes of values "
                             "(litgan's limit, LG_IDX_MAX_BYTES): split the file", what,
                             (unsigned long long)LG_IDX_MAX_BYTES);
    }
    *values = (size_t)n;
    return LG_OK;
}

static int length_error(const char *what, size_t have, size_t want, bool more)
{
    if (have < want)
        return lg_seterr(LG_EINVAL, "%s: truncated: %zu of %zu bytes of values (the file was cut short: "
                         "copy or convert it again)", what, have, want);
    return lg_seterr(LG_EINVAL, "%s: %s%zu bytes after the values (the header says %zu): not the file "
                     "its header describes", what, more ? "more than " : "", have - want, want);
}

int lg_idx_parse(const void *buf, size_t len, const char *what, lg_idx **out)
{
    *out = NULL;
    const unsigned char *b = buf;
    size_t ndim = 0, dims[3] = { 1, 1, 1 }, head = 0, values = 0;
    int rc = parse_header(b, len, what, &ndim, dims, &head, &values);
    if (rc != LG_OK)
        return rc;
    if (len - head != values)
        return length_error(what, len - head, values, false);
    lg_idx *x = lg_xcalloc(1, sizeof *x);
    x->ndim = ndim;
    memcpy(x->dims, dims, sizeof dims);
    x->data = lg_xmalloc(values);
    memcpy(x->data, b + head, values);
    *out = x;
    return LG_OK;
}

void lg_idx_free(lg_idx *x)
{
    if (!x)
        return;
    free(x->data);
    free(x);
}

/* The message of zlib's error on gz, if any: LG_OK when there is none. A
 * gzip stream cut short (Z_BUF_ERROR) is a truncated file. */
static int gz_status(gzFile gz, const char *path)
{
    int zerr;
    const char *m = gzerror(gz, &zerr);
    if (zerr == Z_OK || zerr == Z_STREAM_END)
        return LG_OK;
    if (zerr == Z_ERRNO)
        return lg_seterr(LG_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (zerr == Z_BUF_ERROR)
        return lg_seterr(LG_EINVAL, "%s: truncated gzip stream (the file was cut short: copy or convert "
                         "it again)", path);
    return lg_seterr(LG_EINVAL, "%s: corrupt gzip data (%s): copy or convert the file again", path,
                     m && *m ? m : "zlib error");
}

/* Up to n bytes from gz into p; how many came, or -1 after an error (the
 * message set). */
static long gz_get(gzFile gz, void *p, size_t n, const char *path)
{
    size_t got = 0;
    while (got < n) {
        unsigned ask = n - got > (1u << 30) ? 1u << 30 : (unsigned)(n - got);
        int r = gzread(gz, (char *)p + got, ask);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return gz_status(gz, path) == LG_OK ? (long)got : -1;
}

/* The header's hl bytes and then up to values bytes into *buf (allocated):
 * grown as the bytes come, so a short file that announces a gigabyte costs
 * what it holds, not what it claims. How many values came, or -1. */
static long read_values(gzFile gz, const unsigned char *head, size_t hl, size_t values, const char *path,
                        unsigned char **buf)
{
    size_t cap = values < (1u << 16) ? values : 1u << 16, got = 0;
    unsigned char *b = lg_xmalloc(hl + cap);
    memcpy(b, head, hl);
    for (;;) {
        long r = gz_get(gz, b + hl + got, cap - got, path);
        if (r < 0) {
            free(b);
            *buf = NULL;
            return -1;
        }
        got += (size_t)r;
        if (got < cap || cap == values)
            break;
        cap = values - cap < cap ? values : 2 * cap;
        b = lg_xrealloc(b, hl + cap);
    }
    *buf = b;
    return (long)got;
}

int lg_idx_read(const char *path, lg_idx **out)
{
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO does not wait for a writer; then only a
     * regular file is read */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return lg_seterr(LG_EIO, "%s: cannot open: %s (give the path of an IDX file, plain or .gz)", path,
                         strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return lg_seterr(LG_EINVAL, "%s: not a regular file (give an IDX file, plain or gzip'd)", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        return lg_seterr(LG_EIO, "%s: cannot read (zlib: out of memory)", path);
    }
    gzbuffer(gz, 1 << 17);
    unsigned char head[16], *buf = NULL;
    int rc = LG_OK;
    long got = gz_get(gz, head, 4, path);
    size_t ndim = 0, dims[3], hl = 4, values = 0;
    if (got < 0) {
        rc = LG_EINVAL;
    } else if (got == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && (head[3] == 1 || head[3] == 3)) {
        long more = gz_get(gz, head + 4, 4u * head[3], path);
        if (more < 0)
            rc = LG_EINVAL;
        got += more < 0 ? 0 : more;
    }
    /* the header's checks (and the messages of a short or wrong one) */
    if (rc == LG_OK)
        rc = parse_header(head, (size_t)got, path, &ndim, dims, &hl, &values);
    if (rc == LG_OK) {
        /* exactly the values the header announces, then what follows counted
         * up to TAIL_MAX: a bomb's tail is not read to its end */
        long v = read_values(gz, head, hl, values, path, &buf);
        if (v < 0) {
            rc = LG_EINVAL;
        } else if ((size_t)v < values) {
            rc = length_error(path, (size_t)v, values, false);
        } else {
            unsigned char tail[1 << 14];
            size_t extra = 0;
            long t = 0;
            while (extra <= TAIL_MAX && (t = gz_get(gz, tail, sizeof tail, path)) > 0)
                extra += (size_t)t;
            if (t < 0)
                rc = LG_EINVAL;
            else if (extra > 0)
                rc = length_error(path, values + (extra > TAIL_MAX ? TAIL_MAX : extra), values,
                                  extra > TAIL_MAX);
        }
    }
    gzclose(gz);
    if (rc == LG_OK)
        rc = lg_idx_parse(buf, hl + values, path, out);
    free(buf);
    return rc;
}

int lg_idx_write(const char *path, const lg_idx *x)
{
    LG_ASSERT(x->data, "lg_idx_write: an lg_idx with its values");
    if (x->ndim != 1 && x->ndim != 3)
        return lg_seterr(LG_EINVAL, "%s: cannot write %zu dimensions: litgan's IDX files have 1 or 3", path,
                         x->ndim);
    size_t values = 1, hl = 4 + 4 * x->ndim;
    for (size_t k = 0; k < x->ndim; k++) {
        if (x->dims[k] == 0 || x->dims[k] > LG_IDX_MAX_BYTES)
            return lg_seterr(LG_EINVAL, "%s: cannot write a size of %zu (dimension %zu): sizes run from 1 to "
                             "2^30", path, x->dims[k], k + 1);
        values *= x->dims[k];
        if (values > LG_IDX_MAX_BYTES)
            return lg_seterr(LG_EINVAL, "%s: more than %llu bytes of values, more than litgan reads back "
                             "(LG_IDX_MAX_BYTES)", path, (unsigned long long)LG_IDX_MAX_BYTES);
    }
    unsigned char *raw = lg_xmalloc(hl + values);
    raw[0] = raw[1] = 0;
    raw[2] = 0x08;
    raw[3] = (unsigned char)x->ndim;
    for (size_t k = 0; k < x->ndim; k++)
        for (int b = 0; b < 4; b++)
            raw[4 + 4 * k + (size_t)b] = (unsigned char)(x->dims[k] >> (24 - 8 * b));
    memcpy(raw + hl, x->data, values);
    size_t n = strlen(path);
    if (n < 3 || strcmp(path + n - 3, ".gz") != 0) {
        int rc = lg_write_atomic(path, raw, hl + values);
        free(raw);
        return rc;
    }
    /* gzip in memory (no time stamp in the header: the same data, the same
     * bytes), then the one atomic write */
    z_stream z = { 0 };
    int zrc = deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    LG_ASSERT(zrc == Z_OK, "deflateInit2 needs memory only");
    size_t cap = deflateBound(&z, (uLong)(hl + values));
    unsigned char *gzb = lg_xmalloc(cap);
    z.next_in = raw;
    z.avail_in = (uInt)(hl + values);
    z.next_out = gzb;
    z.avail_out = (uInt)cap;
    zrc = deflate(&z, Z_FINISH);
    LG_ASSERT(zrc == Z_STREAM_END, "deflate into deflateBound's room ends the stream");
    size_t len = z.total_out;
    deflateEnd(&z);
    free(raw);
    int rc = lg_write_atomic(path, gzb, len);
    free(gzb);
    return rc;
}

int lg_idx_read_pair(const char *images, const char *labels, size_t max_classes, lg_idx **x, lg_idx **y)
{
    *x = *y = NULL;
    lg_idx *a = NULL, *b = NULL;
    int rc = lg_idx_read(images, &a);
    if (rc == LG_OK)
        rc = lg_idx_read(labels, &b);
    if (rc == LG_OK && a->ndim != 3)
        rc = lg_seterr(LG_EINVAL, "%s: %zu dimension, images need 3 (n, rows, cols): are the images and "
                       "labels swapped?", images, a->ndim);
    else if (rc == LG_OK && b->ndim != 1)
        rc = lg_seterr(LG_EINVAL, "%s: %zu dimensions, labels need 1 (n): are the images and labels "
                       "swapped?", labels, b->ndim);
    else if (rc == LG_OK && a->dims[0] != b->dims[0])
        rc = lg_seterr(LG_EINVAL, "%s holds %zu images but %s holds %zu labels: give the labels of "
                       "these images", images, a->dims[0], labels, b->dims[0]);
    for (size_t i = 0; rc == LG_OK && i < b->dims[0]; i++)
        if (b->data[i] >= max_classes)
            rc = lg_seterr(LG_EINVAL, "%s: label %u of image %zu is not below %zu, the number of "
                           "classes", labels, b->data[i], i, max_classes);
    if (rc != LG_OK) {
        lg_idx_free(a);
        lg_idx_free(b);
        return rc;
    }
    *x = a;
    *y = b;
    return LG_OK;
}
