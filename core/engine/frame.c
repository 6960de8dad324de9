/*
 * frame.c - the framed binary files of checkpoints and classifiers: a byte
 * buffer to put and get fields, a bounded read of a regular file, the frame's
 * checks and its atomic write (frame.h).
 */
#include "frame.h"
#include "lg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ----------------------------------------------------------------- bytes --- */

void lg_bytes_put(lg_bytes *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = 2 * (b->n + n) + 256;
        b->p = lg_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

void lg_bytes_put_u64(lg_bytes *b, uint64_t v) { lg_bytes_put(b, &v, sizeof v); }
void lg_bytes_put_i64(lg_bytes *b, int64_t v) { lg_bytes_put(b, &v, sizeof v); }
void lg_bytes_put_doubles(lg_bytes *b, const double *x, size_t n) { lg_bytes_put(b, x, n * sizeof *x); }

void lg_bytes_get(lg_bytes *b, void *dst, size_t n)
{
    if (b->bad || n > b->n - b->pos) {
        b->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, b->p + b->pos, n);
    b->pos += n;
}

uint64_t lg_bytes_get_u64(lg_bytes *b)
{
    uint64_t v;
    lg_bytes_get(b, &v, sizeof v);
    return v;
}

int64_t lg_bytes_get_i64(lg_bytes *b)
{
    int64_t v;
    lg_bytes_get(b, &v, sizeof v);
    return v;
}

int lg_bytes_get_doubles(lg_bytes *b, const char *path, double *dst, size_t n, bool nonneg, const char *what)
{
    lg_bytes_get(b, dst, n * sizeof(double));
    if (b->bad)
        return LG_OK;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(dst[k]) || (nonneg && dst[k] < 0))
            return lg_seterr(LG_EFORMAT, "%s: %s[%zu] is %g (must be finite%s)", path, what, k, dst[k],
                             nonneg ? " and >= 0" : "");
    return LG_OK;
}

size_t lg_bytes_left(const lg_bytes *b) { return b->n - b->pos; }

void lg_bytes_free(lg_bytes *b)
{
    free(b->p);
    *b = (lg_bytes){ 0 };
}

/* ----------------------------------------------------------------- write --- */

int lg_frame_write(const char *path, const lg_frame_kind *k, const lg_bytes *payload)
{
    uint32_t crc = (uint32_t)crc32_z(0L, payload->p, payload->n), ver[2] = { k->version, 0 };
    uint64_t len = payload->n;
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK)
        return lg_seterr(LG_EIO, "%s: cannot write the %s (%s)", path, k->noun, lg_errmsg());
    bool ok = fwrite(k->magic, 1, 8, a.f) == 8 && fwrite(ver, sizeof ver, 1, a.f) == 1 &&
              fwrite(&len, sizeof len, 1, a.f) == 1 && fwrite(payload->p, 1, payload->n, a.f) == payload->n &&
              fwrite(&crc, sizeof crc, 1, a.f) == 1;
    if (!ok) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: writing the %s failed (disk full?)", path, k->noun);
    }
    if (lg_atomic_commit(&a) != LG_OK)
        return lg_seterr(LG_EIO, "%s: writing the %s failed (%s)", path, k->noun, lg_errmsg());
    return LG_OK;
}

/* ------------------------------------------------------------------ read --- */

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
           S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* The whole file into b, if it is a regular file of at most cap bytes.
 * Opened without blocking (a FIFO with no writer would wait forever) and
 * checked with fstat before a byte is read. */
static int read_all(const char *path, const lg_frame_kind *k, uint64_t cap, lg_bytes *b)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && k->missing)
        return lg_seterr(LG_EIO, "%s: %s", path, k->missing);
    if (fd < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the %s (%s)", path, k->noun, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lg_seterr(LG_EIO, "%s: cannot read the %s (%s)", path, k->noun, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lg_seterr(LG_EFORMAT, "%s: is %s, not a %s (%s)", path, file_kind(st.st_mode), k->noun,
                         k->regular);
    }
    if ((uint64_t)st.st_size > cap) {
        close(fd);
        return lg_seterr(LG_EFORMAT, "%s: %lld bytes, more than %s (%llu at most)", path, (long long)st.st_size,
                         k->too_big, (unsigned long long)cap);
    }
    size_t n = (size_t)st.st_size, got = 0;
    b->p = malloc(n + 1); /* sized by the file: no abort when it does not fit */
    if (!b->p) {
        close(fd);
        return lg_seterr(LG_ENOMEM, "%s: %zu bytes, more than there is memory to read it into", path, n);
    }
    while (got < n) {
        ssize_t r = read(fd, b->p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            lg_bytes_free(b);
            return lg_seterr(LG_EIO, "%s: cannot read the %s (%s)", path, k->noun, strerror(e));
        }
        if (r == 0)
            break; /* it shrank while read: the checks below call it truncated */
        got += (size_t)r;
    }
    close(fd);
    b->n = got;
    return LG_OK;
}

/* Magic, version, length and checksum of the file in f; a file too short for
 * what it announces is "truncated", one that does not start like the kind is
 * not one. On success f's pos and n delimit the payload. */
static int check_frame(const char *path, const lg_frame_kind *k, lg_bytes *f)
{
    if (memcmp(f->p, k->magic, f->n < 8 ? f->n : 8) != 0)
        return lg_seterr(LG_EFORMAT, "%s: not a litgan %s (bad magic number)", path, k->noun);
    if (f->n < LG_FRAME_HEADER)
        return lg_seterr(LG_EFORMAT, "%s: %s is truncated (%zu bytes, its header alone has %d)", path, k->file_noun,
                         f->n, LG_FRAME_HEADER);
    uint32_t ver[2];
    uint64_t len;
    memcpy(ver, f->p + 8, sizeof ver);
    memcpy(&len, f->p + 16, sizeof len);
    if (ver[0] != k->version || (k->zero_checked && ver[1] != 0))
        return lg_seterr(LG_EFORMAT, "%s: %s format version %u, this litgan reads version %u (%s)", path, k->noun,
                         ver[0], k->version, k->upgrade);
    uint64_t have = f->n - LG_FRAME_HEADER;
    if (len > have || have - len < sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: %s is truncated (%llu payload bytes announced, %llu present with the "
                         "checksum)", path, k->file_noun, (unsigned long long)len, (unsigned long long)have);
    if (have - len > sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: %s has %llu bytes after its checksum (the file is damaged)", path,
                         k->file_noun, (unsigned long long)(have - len - sizeof(uint32_t)));
    uint32_t crc;
    memcpy(&crc, f->p + LG_FRAME_HEADER + len, sizeof crc);
    if ((uint32_t)crc32_z(0L, f->p + LG_FRAME_HEADER, (size_t)len) != crc)
        return lg_seterr(LG_EFORMAT, "%s: %s checksum mismatch (the file is damaged)", path, k->noun);
    f->pos = LG_FRAME_HEADER;
    f->n = LG_FRAME_HEADER + (size_t)len;
    return LG_OK;
}

int lg_frame_read(const char *path, const lg_frame_kind *k, uint64_t max_bytes, lg_bytes *payload)
{
    *payload = (lg_bytes){ 0 };
    int rc = read_all(path, k, max_bytes, payload);
    if (rc == LG_OK && (rc = check_frame(path, k, payload)) != LG_OK)
        lg_bytes_free(payload);
    return rc;
}

int lg_frame_done(const char *path, const lg_frame_kind *k, lg_bytes *payload, int rc)
{
    if (rc == LG_OK && payload->bad)
        rc = lg_seterr(LG_EFORMAT, "%s: %s payload is malformed (a field runs past its end)", path, k->noun);
    lg_bytes_free(payload);
    return rc;
}
