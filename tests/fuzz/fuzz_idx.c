/*
 * fuzz_idx.c - IDX files (datasets/idx.c): the validator on bytes in memory,
 * the reader on plain and gzip'd files, and pairs of images and labels. An
 * accepted file is written back (plain or .gz) and must read back the same.
 * Input: a flag byte, then the file: flag & 3 = 0 lg_idx_parse, 1 the bytes
 * as a plain file, 2 the bytes gzip'd here first (so the fuzzer's mutations
 * reach the header and values behind the decompressor), 3 a pair: two bytes
 * of big-endian length L, L bytes of images, the rest labels (plain files,
 * labels below flag >> 4 classes, 0 meaning 256). Seeds: tests/fuzz/corpus/idx.
 */
#include "fuzz.h"

/* gzip of n bytes into fuzz_dir/name (zlib, in memory). */
static void write_gz(const char *name, const uint8_t *p, size_t n, char *out, size_t cap)
{
    z_stream z = { 0 };
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t bound = deflateBound(&z, (uLong)n);
    unsigned char *b = lg_xmalloc(bound);
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    z.next_out = b;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    fuzz_write(name, b, z.total_out, out, cap);
    deflateEnd(&z);
    free(b);
}

/* x written with lg_idx_write and read again: the same object, or abort. */
static void round_trip(const lg_idx *x, bool gz)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/back.idx%s", fuzz_dir, gz ? ".gz" : "");
    if (lg_idx_write(path, x) != LG_OK)
        abort();
    lg_idx *y = NULL;
    if (lg_idx_read(path, &y) != LG_OK)
        abort();
    size_t n = 1;
    for (size_t k = 0; k < x->ndim; k++)
        n *= x->dims[k];
    if (y->ndim != x->ndim || memcmp(y->dims, x->dims, sizeof x->dims) || memcmp(y->data, x->data, n))
        abort();
    lg_idx_free(y);
}

FUZZ_INIT
{
    if (size < 1)
        return 0;
    unsigned flag = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    char path[PATH_MAX], path2[PATH_MAX];
    lg_idx *x = NULL, *y = NULL;
    switch (flag & 3) {
    case 0:
        if (lg_idx_parse(p, n, "input", &x) == LG_OK)
            round_trip(x, flag & 4);
        break;
    case 1:
        fuzz_write("in.idx", p, n, path, sizeof path);
        if (lg_idx_read(path, &x) == LG_OK)
            round_trip(x, flag & 4);
        break;
    case 2:
        write_gz("in.idx.gz", p, n, path, sizeof path);
        if (lg_idx_read(path, &x) == LG_OK)
            round_trip(x, flag & 4);
        break;
    default: {
        if (n < 2)
            return 0;
        size_t len = (size_t)p[0] << 8 | p[1];
        p += 2, n -= 2;
        if (len > n)
            len = n;
        fuzz_write("images.idx", p, len, path, sizeof path);
        fuzz_write("labels.idx", p + len, n - len, path2, sizeof path2);
        size_t classes = (flag >> 4) ? (flag >> 4) : 256;
        if (lg_idx_read_pair(path, path2, classes, &x, &y) == LG_OK) {
            if (x->ndim != 3 || y->ndim != 1 || x->dims[0] != y->dims[0])
                abort();
            for (size_t i = 0; i < y->dims[0]; i++)
                if (y->data[i] >= classes)
                    abort();
        }
        break;
    }
    }
    lg_idx_free(x);
    lg_idx_free(y);
    return 0;
}
