/*
 * ckpt.c - checkpoints: magic, format version, CRC-32; everything a run needs
 * to continue bit for bit (parameters, BatchNorm statistics, optimizer state,
 * the random generator's state, the options, the configuration's hash).
 *
 * Reading trusts nothing: only a regular file of bounded size is read (a FIFO
 * or a link to /dev/zero would block or never end), a short file is told
 * apart from a foreign one, and after the checksum every field is checked
 * against what it can hold - a valid CRC only says the bytes are the ones
 * written, not that whoever wrote them wrote sense.
 */
#include "lg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

int lg_ckpt_write(const char *path, long step, uint64_t hash, const lg_strvec *args, const gsl_rng *rng,
                  lg_net *const *nets, lg_optim *const *opts)
{
    bytes b = { 0 };
    int64_t st = step;
    put(&b, &st, sizeof st);
    put_u64(&b, hash);
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
    uint32_t crc = (uint32_t)crc32_z(0L, b.p, b.n);
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


/* ------------------------------------------------------------------ read --- */

#define CKPT_HEADER 24            /* magic, version, zero, payload length */
#define CKPT_ARGS_MAX (1u << 20)  /* the stored options' bytes: far more than any command line */
#define CKPT_NARGS_MAX 4096       /* and their words (a run stores about 30) */

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
           S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* The whole file, if it is a regular file of at most cap bytes. Opened
 * without blocking (a FIFO with no writer would wait forever) and checked
 * with fstat before a byte is read. */
static int read_all(const char *path, bytes *b, uint64_t cap)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return lg_seterr(LG_EIO, "%s: no checkpoint there (a run writes its first one at --ckpt-every "
                         "steps, and when it ends or is stopped); nothing to resume", path);
    if (fd < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the checkpoint (%s)", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return lg_seterr(LG_EIO, "%s: cannot read the checkpoint (%s)", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lg_seterr(LG_EFORMAT, "%s: is %s, not a checkpoint (litgan train writes regular files)",
                         path, file_kind(st.st_mode));
    }
    if ((uint64_t)st.st_size > cap) {
        close(fd);
        return lg_seterr(LG_EFORMAT, "%s: %lld bytes, more than a checkpoint of this run can hold "
                         "(%llu at most)", path, (long long)st.st_size, (unsigned long long)cap);
    }
    size_t n = (size_t)st.st_size, got = 0;
    b->p = malloc(n + 1); /* sized by the file: no abort when it does not fit */
    if (!b->p) {
        close(fd);
        return lg_seterr(LG_ENOMEM, "%s: %zu bytes, more than there is memory to read it into", path, n);
    }
    while (got < n) {
        ssize_t k = read(fd, b->p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            free(b->p);
            b->p = NULL;
            return lg_seterr(LG_EIO, "%s: cannot read the checkpoint (%s)", path, strerror(e));
        }
        if (k == 0)
            break; /* it shrank while read: the checks below call it truncated */
        got += (size_t)k;
    }
    close(fd);
    b->n = got;
    b->pos = 0;
    return LG_OK;
}

/* The header: magic, version, payload length; a file too short for what it
 * announces is "truncated", one that does not start like a checkpoint is not
 * one. On success *payload and *len delimit the payload (CRC checked). */
static int check_header(const char *path, const bytes *f, const unsigned char **payload, uint64_t *len)
{
    size_t m = f->n < 8 ? f->n : 8;
    if (memcmp(f->p, LG_CKPT_MAGIC, m) != 0)
        return lg_seterr(LG_EFORMAT, "%s: not a litgan checkpoint (bad magic number)", path);
    if (f->n < CKPT_HEADER)
        return lg_seterr(LG_EFORMAT, "%s: checkpoint is truncated (%zu bytes, its header alone has %d)",
                         path, f->n, CKPT_HEADER);
    uint32_t ver[2];
    memcpy(ver, f->p + 8, sizeof ver);
    memcpy(len, f->p + 16, sizeof *len);
    if (ver[0] != LG_CKPT_VERSION)
        return lg_seterr(LG_EFORMAT, "%s: checkpoint format version %u, this litgan reads version %u "
                         "(train the run again with this litgan)", path, ver[0], LG_CKPT_VERSION);
    uint64_t have = f->n - CKPT_HEADER;
    if (*len > have || have - *len < sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: checkpoint is truncated (%llu payload bytes announced, %llu "
                         "present with the checksum)", path, (unsigned long long)*len,
                         (unsigned long long)have);
    if (have - *len > sizeof(uint32_t))
        return lg_seterr(LG_EFORMAT, "%s: checkpoint has %llu bytes after its checksum (the file is "
                         "damaged)", path, (unsigned long long)(have - *len - sizeof(uint32_t)));
    *payload = f->p + CKPT_HEADER;
    uint32_t crc;
    memcpy(&crc, *payload + *len, sizeof crc);
    if ((uint32_t)crc32_z(0L, *payload, (size_t)*len) != crc)
        return lg_seterr(LG_EFORMAT, "%s: checkpoint checksum mismatch (the file is damaged)", path);
    return LG_OK;
}

/* GSL's mt19937 state (gsl/rng/mt.c): 624 words of 32 bits and the index of
 * the next word, 0..624 (624: regenerate first). Another index reads outside
 * the words; a word of more than 32 bits makes gsl_rng_uniform return 1 or
 * more; a state whose 19937 significant bits are all zero stays zero, and
 * gsl_ran_gaussian then waits forever for a nonzero number. */
typedef struct mt_state {
    unsigned long mt[624];
    int mti;
} mt_state;

static int check_rng_state(const char *path, const void *state, size_t size)
{
    LG_ASSERT(size == sizeof(mt_state), "the runs' generator is GSL's mt19937");
    mt_state s;
    memcpy(&s, state, sizeof s);
    if (s.mti < 0 || s.mti > 624)
        return lg_seterr(LG_EFORMAT, "%s: random generator state: index %d outside 0..624", path, s.mti);
    bool zero = (s.mt[0] & 0x80000000ul) == 0;
    for (int i = 0; i < 624; i++) {
        if (s.mt[i] > 0xfffffffful)
            return lg_seterr(LG_EFORMAT, "%s: random generator state: word %d (%lu) has more than 32 bits",
                             path, i, s.mt[i]);
        if (i > 0 && s.mt[i])
            zero = false;
    }
    if (zero)
        return lg_seterr(LG_EFORMAT, "%s: random generator state is all zero (mt19937 never leaves it)", path);
    return LG_OK;
}

static const char *net_name(int i) { return i == LG_NET_G ? "G" : i == LG_NET_D ? "D" : "E"; }

/* n doubles into dst, each finite (and >= 0 with nonneg); the first bad one
 * named as WHAT[index]. */
static int get_doubles(bytes *b, const char *path, double *dst, size_t n, bool nonneg, const char *what)
{
    get(b, dst, n * sizeof(double));
    if (b->bad)
        return LG_OK; /* the caller reports the malformed payload */
    for (size_t k = 0; k < n; k++)
        if (!isfinite(dst[k]) || (nonneg && dst[k] < 0))
            return lg_seterr(LG_EFORMAT, "%s: %s[%zu] is %g (must be finite%s)", path, what, k, dst[k],
                             nonneg ? " and >= 0" : "");
    return LG_OK;
}

static int read_net(bytes *b, const char *path, int i, lg_net *n)
{
    char what[96];
    uint64_t np = get_u64(b);
    if (!b->bad && np != (n ? n->n_params : 0))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %llu parameters in the checkpoint, %zu in the "
                         "network its options describe (%s)", path, net_name(i), (unsigned long long)np,
                         n ? n->n_params : 0, n ? n->spec : "none");
    int rc;
    snprintf(what, sizeof what, "network %s's parameter", net_name(i));
    if (n && (rc = get_doubles(b, path, n->theta, n->n_params, false, what)) != LG_OK)
        return rc;
    uint64_t nb = get_u64(b);
    if (!b->bad && nb != (n ? n->n_buffers : 0))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %llu BatchNorm statistics in the checkpoint, "
                         "%zu in the network its options describe (%s)", path, net_name(i),
                         (unsigned long long)nb, n ? n->n_buffers : 0, n ? n->spec : "none");
    if (!n)
        return LG_OK;
    snprintf(what, sizeof what, "network %s's BatchNorm statistic", net_name(i));
    if ((rc = get_doubles(b, path, n->buffers, n->n_buffers, false, what)) != LG_OK || b->bad)
        return rc;
    /* a running variance below zero would take a square root of it */
    for (size_t l = 0; l < n->n_layers; l++) {
        const lg_layer *L = &n->layers[l];
        if (L->kind != LG_LAYER_BATCHNORM)
            continue;
        for (size_t k = 0; k < L->out; k++)
            if (n->buffers[L->b_off + L->out + k] < 0)
                return lg_seterr(LG_EFORMAT, "%s: network %s's BatchNorm running variance %zu is %g "
                                 "(must be >= 0)", path, net_name(i), k, n->buffers[L->b_off + L->out + k]);
    }
    return LG_OK;
}

static int read_optim(bytes *b, const char *path, int i, lg_optim *o)
{
    uint64_t n = get_u64(b);
    if (!b->bad && n != (o ? o->n : 0))
        return lg_seterr(LG_EFORMAT, "%s: the optimizer of network %s has state for %llu parameters, "
                         "the network has %zu", path, net_name(i), (unsigned long long)n, o ? o->n : 0);
    if (!o)
        return LG_OK;
    char what[96];
    int rc;
    snprintf(what, sizeof what, "optimizer of %s: first moment", net_name(i));
    if ((rc = get_doubles(b, path, o->m, o->n, false, what)) != LG_OK)
        return rc;
    snprintf(what, sizeof what, "optimizer of %s: second moment", net_name(i));
    if ((rc = get_doubles(b, path, o->v, o->n, true, what)) != LG_OK)
        return rc;
    int64_t t;
    get(b, &t, sizeof t);
    if (!b->bad && t < 0)
        return lg_seterr(LG_EFORMAT, "%s: the optimizer of network %s has taken %lld steps (must be >= 0)",
                         path, net_name(i), (long long)t);
    o->t = (long)t;
    return LG_OK;
}

static int read_payload(bytes *b, const char *path, long *step, uint64_t *hash, lg_strvec *args,
                        gsl_rng *rng, lg_net **nets, lg_optim **opts, bool args_only)
{
    int64_t st;
    get(b, &st, sizeof st);
    uint64_t h = get_u64(b);
    if (!b->bad && st < 0)
        return lg_seterr(LG_EFORMAT, "%s: stored step %lld is negative", path, (long long)st);
    *step = (long)st;
    if (hash)
        *hash = h;
    uint64_t na = get_u64(b), total = 0;
    if (!b->bad && na > CKPT_NARGS_MAX)
        return lg_seterr(LG_EFORMAT, "%s: %llu stored options (at most %d)", path, (unsigned long long)na,
                         CKPT_NARGS_MAX);
    for (uint64_t i = 0; i < na && !b->bad; i++) {
        uint64_t l = get_u64(b);
        if (l > b->n - b->pos || (total += l) > CKPT_ARGS_MAX) {
            b->bad = true;
            break;
        }
        char *s = lg_xmalloc(l + 1);
        get(b, s, l);
        s[l] = '\0';
        if (strlen(s) != l) {
            free(s);
            return lg_seterr(LG_EFORMAT, "%s: stored option %llu holds a NUL byte", path,
                             (unsigned long long)i + 1);
        }
        lg_strvec_push(args, s);
        free(s);
    }
    if (args_only || b->bad)
        return LG_OK;
    uint64_t rs = get_u64(b);
    if (!b->bad && rs != gsl_rng_size(rng))
        return lg_seterr(LG_EFORMAT, "%s: random generator state has %llu bytes, expected %zu", path,
                         (unsigned long long)rs, gsl_rng_size(rng));
    unsigned char *state = lg_xmalloc(gsl_rng_size(rng));
    get(b, state, gsl_rng_size(rng));
    int rc = b->bad ? LG_OK : check_rng_state(path, state, gsl_rng_size(rng));
    if (rc == LG_OK && !b->bad)
        memcpy(gsl_rng_state(rng), state, gsl_rng_size(rng));
    free(state);
    for (int i = 0; i < LG_NET_COUNT && rc == LG_OK && !b->bad; i++)
        rc = read_net(b, path, i, nets[i]);
    for (int i = 0; i < LG_NET_COUNT && rc == LG_OK && !b->bad; i++)
        rc = read_optim(b, path, i, opts[i]);
    if (rc == LG_OK && !b->bad && b->pos != b->n)
        return lg_seterr(LG_EFORMAT, "%s: checkpoint payload has %zu bytes after its last field", path,
                         b->n - b->pos);
    return rc;
}

/* The most bytes a checkpoint of the given nets may have: its fixed fields,
 * the options' bound, and per net theta, buffers, m and v. Without nets, the
 * largest run lg_run_open accepts. */
static uint64_t size_bound(lg_net **nets, bool args_only)
{
    uint64_t fixed = CKPT_HEADER + 4 + 8 + 8 + 8 + CKPT_ARGS_MAX + 8 + 8192 + LG_NET_COUNT * 48;
    if (args_only || !nets)
        return fixed + (uint64_t)lg_run_memory_cap(NULL);
    uint64_t n = fixed;
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (nets[i])
            n += 8 * (3 * (uint64_t)nets[i]->n_params + nets[i]->n_buffers);
    return n;
}

int lg_ckpt_read(const char *path, long *step, uint64_t *hash, lg_strvec *args, gsl_rng *rng,
                 lg_net **nets, lg_optim **opts, bool args_only)
{
    bytes file = { 0 };
    int rc = read_all(path, &file, size_bound(nets, args_only));
    if (rc != LG_OK)
        return rc;
    const unsigned char *payload = NULL;
    uint64_t len = 0;
    if ((rc = check_header(path, &file, &payload, &len)) == LG_OK) {
        bytes b = { (unsigned char *)payload, (size_t)len, 0, 0, false };
        rc = read_payload(&b, path, step, hash, args, rng, nets, opts, args_only);
        if (rc == LG_OK && b.bad)
            rc = lg_seterr(LG_EFORMAT, "%s: checkpoint payload is malformed (a field runs past its end)", path);
    }
    free(file.p);
    return rc;
}
