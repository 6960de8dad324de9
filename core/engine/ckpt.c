/*
 * ckpt.c - checkpoints: magic, format version, CRC-32; everything a run needs
 * to continue bit for bit (parameters, BatchNorm statistics, optimizer state,
 * the random generator's state, the options).
 */
#include "lg_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct bytes {
    unsigned char *p;
    size_t n, cap, pos;
    bool bad;
} bytes;

static void put(bytes *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = 2 * (b->n + n) + 256;
        b->p = lg_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u64(bytes *b, uint64_t v) { put(b, &v, sizeof v); }

static void get(bytes *b, void *dst, size_t n)
{
    if (b->bad || n > b->n - b->pos) {
        b->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, b->p + b->pos, n);
    b->pos += n;
}

static uint64_t get_u64(bytes *b)
{
    uint64_t v;
    get(b, &v, sizeof v);
    return v;
}

int lg_ckpt_write(const char *path, long step, const lg_strvec *args, const gsl_rng *rng,
                  lg_net *const *nets, lg_optim *const *opts)
{
    bytes b = { 0 };
    int64_t st = step;
    put(&b, &st, sizeof st);
    put_u64(&b, args->n);
    for (size_t i = 0; i < args->n; i++) {
        put_u64(&b, strlen(args->w[i]));
        put(&b, args->w[i], strlen(args->w[i]));
    }
    put_u64(&b, gsl_rng_size(rng));
    put(&b, gsl_rng_state(rng), gsl_rng_size(rng));
    for (int i = 0; i < LG_NET_COUNT; i++) {
        const lg_net *n = nets[i];
        put_u64(&b, n ? n->n_params : 0);
        if (n)
            put(&b, n->theta, n->n_params * sizeof(double));
        put_u64(&b, n ? n->n_buffers : 0);
        if (n)
            put(&b, n->buffers, n->n_buffers * sizeof(double));
    }
    for (int i = 0; i < LG_NET_COUNT; i++) {
        const lg_optim *o = opts[i];
        put_u64(&b, o ? o->n : 0);
        if (o) {
            put(&b, o->m, o->n * sizeof(double));
            put(&b, o->v, o->n * sizeof(double));
            int64_t t = o->t;
            put(&b, &t, sizeof t);
        }
    }
    uint32_t crc = (uint32_t)crc32(0L, b.p, (uInt)b.n);
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK) {
        free(b.p);
        return lg_seterr(LG_EIO, "%s: cannot write the checkpoint (%s)", path, lg_errmsg());
    }
    uint32_t ver[2] = { LG_CKPT_VERSION, 0 };
    uint64_t len = b.n;
    FILE *f = a.f;
    bool ok = fwrite(LG_CKPT_MAGIC, 1, 8, f) == 8 && fwrite(ver, sizeof ver, 1, f) == 1 &&
              fwrite(&len, sizeof len, 1, f) == 1 && fwrite(b.p, 1, b.n, f) == b.n &&
              fwrite(&crc, sizeof crc, 1, f) == 1;
    free(b.p);
    if (!ok) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: writing the checkpoint failed (disk full?)", path);
    }
    if (lg_atomic_commit(&a) != LG_OK)
        return lg_seterr(LG_EIO, "%s: writing the checkpoint failed (%s)", path, lg_errmsg());
    return LG_OK;
}

static int read_all(const char *path, bytes *b)
{
    size_t n;
    char *p = lg_read_file(path, &n);
    if (!p)
        return lg_seterr(LG_EIO, "%s: cannot read the checkpoint (%s)", path, strerror(errno));
    b->p = (unsigned char *)p;
    b->n = n;
    b->pos = 0;
    return LG_OK;
}

int lg_ckpt_read(const char *path, long *step, lg_strvec *args, gsl_rng *rng, lg_net **nets,
                 lg_optim **opts, bool args_only)
{
    bytes file = { 0 };
    int rc = read_all(path, &file);
    if (rc != LG_OK)
        return rc;
    char magic[8];
    uint32_t ver[2];
    uint64_t len;
    get(&file, magic, 8);
    get(&file, ver, sizeof ver);
    len = get_u64(&file);
    if (file.bad || memcmp(magic, LG_CKPT_MAGIC, 8) != 0) {
        free(file.p);
        return lg_seterr(LG_EFORMAT, "%s: not a litgan checkpoint (bad magic number)", path);
    }
    if (ver[0] != LG_CKPT_VERSION) {
        free(file.p);
        return lg_seterr(LG_EFORMAT, "%s: checkpoint format version %u, this litgan reads version %u",
                         path, ver[0], LG_CKPT_VERSION);
    }
    if (len > file.n - file.pos || file.n - file.pos - len != sizeof(uint32_t)) {
        free(file.p);
        return lg_seterr(LG_EFORMAT, "%s: checkpoint is truncated or has trailing bytes", path);
    }
    uint32_t crc;
    memcpy(&crc, file.p + file.pos + len, sizeof crc);
    if ((uint32_t)crc32(0L, file.p + file.pos, (uInt)len) != crc) {
        free(file.p);
        return lg_seterr(LG_EFORMAT, "%s: checkpoint checksum mismatch (the file is damaged)", path);
    }
    bytes b = { file.p + file.pos, (size_t)len, 0, 0, false };
    int64_t st;
    get(&b, &st, sizeof st);
    *step = (long)st;
    uint64_t na = get_u64(&b);
    for (uint64_t i = 0; i < na && !b.bad; i++) {
        uint64_t l = get_u64(&b);
        if (l > b.n - b.pos) {
            b.bad = true;
            break;
        }
        char *s = lg_xmalloc(l + 1);
        get(&b, s, l);
        s[l] = '\0';
        lg_strvec_push(args, s);
        free(s);
    }
    if (!args_only && !b.bad) {
        rc = LG_OK;
        uint64_t rs = get_u64(&b);
        if (rs != gsl_rng_size(rng))
            rc = lg_seterr(LG_EFORMAT, "%s: random generator state has %llu bytes, expected %zu",
                           path, (unsigned long long)rs, gsl_rng_size(rng));
        else
            get(&b, gsl_rng_state(rng), rs);
        for (int i = 0; i < LG_NET_COUNT && rc == LG_OK; i++) {
            lg_net *n = nets[i];
            uint64_t np = get_u64(&b);
            if (np != (n ? n->n_params : 0)) {
                rc = lg_seterr(LG_EFORMAT, "%s: network %d has %llu parameters in the checkpoint, "
                               "%zu in this run", path, i, (unsigned long long)np, n ? n->n_params : 0);
                break;
            }
            if (n)
                get(&b, n->theta, np * sizeof(double));
            uint64_t nb = get_u64(&b);
            if (nb != (n ? n->n_buffers : 0)) {
                rc = lg_seterr(LG_EFORMAT, "%s: network %d buffers differ", path, i);
                break;
            }
            if (n)
                get(&b, n->buffers, nb * sizeof(double));
        }
        for (int i = 0; i < LG_NET_COUNT && rc == LG_OK; i++) {
            lg_optim *o = opts[i];
            uint64_t n = get_u64(&b);
            if (n != (o ? o->n : 0)) {
                rc = lg_seterr(LG_EFORMAT, "%s: optimizer %d state differs in size", path, i);
                break;
            }
            if (o) {
                get(&b, o->m, n * sizeof(double));
                get(&b, o->v, n * sizeof(double));
                int64_t t;
                get(&b, &t, sizeof t);
                o->t = (long)t;
            }
        }
        if (rc != LG_OK) {
            free(file.p);
            return rc;
        }
    }
    free(file.p);
    if (b.bad)
        return lg_seterr(LG_EFORMAT, "%s: checkpoint payload is malformed", path);
    return LG_OK;
}
