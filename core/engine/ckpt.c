/*
 * ckpt.c - checkpoints: magic, format version, CRC-32; everything a run needs
 * to continue bit for bit (parameters, BatchNorm statistics, optimizer state,
 * the random generator's state, the options, the configuration's hash).
 *
 * The frame (frame.h) reads only a regular file of bounded size and tells a
 * short file from a foreign one; after its checksum every field is checked
 * here against what it can hold - a valid CRC only says the bytes are the
 * ones written, not that whoever wrote them wrote sense.
 */
#include "frame.h"
#include "lg_impl.h"

#include <stdlib.h>
#include <string.h>

static const lg_frame_kind CKPT = {
    .magic = LG_CKPT_MAGIC,
    .version = LG_CKPT_VERSION,
    .noun = "checkpoint",
    .file_noun = "checkpoint",
    .too_big = "a checkpoint of this run can hold",
    .missing = "no checkpoint there (a run writes its first one at --ckpt-every steps, and when it ends or is "
               "stopped); nothing to resume",
    .regular = "litgan train writes regular files",
    .upgrade = "train the run again with this litgan",
};

int lg_ckpt_write(const char *path, long step, uint64_t hash, const lg_strvec *args, const gsl_rng *rng,
                  lg_net *const *nets, lg_optim *const *opts)
{
    lg_bytes b = { 0 };
    lg_bytes_put_i64(&b, step);
    lg_bytes_put_u64(&b, hash);
    lg_bytes_put_u64(&b, args->n);
    for (size_t i = 0; i < args->n; i++) {
        lg_bytes_put_u64(&b, strlen(args->w[i]));
        lg_bytes_put(&b, args->w[i], strlen(args->w[i]));
    }
    lg_bytes_put_u64(&b, gsl_rng_size(rng));
    lg_bytes_put(&b, gsl_rng_state(rng), gsl_rng_size(rng));
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = nets[i];
        if (n)
            lg_net_use_double(n); /* a float net's parameters, exactly (float -> double) */
        if (opts[i])
            lg_optim_use_double(opts[i]);
    }
    for (int i = 0; i < LG_NET_COUNT; i++) {
        const lg_net *n = nets[i];
        lg_bytes_put_u64(&b, n ? n->n_params : 0);
        if (n)
            lg_bytes_put_doubles(&b, n->theta, n->n_params);
        lg_bytes_put_u64(&b, n ? n->n_buffers : 0);
        if (n)
            lg_bytes_put_doubles(&b, n->buffers, n->n_buffers);
    }
    for (int i = 0; i < LG_NET_COUNT; i++) {
        const lg_optim *o = opts[i];
        lg_bytes_put_u64(&b, o ? o->n : 0);
        if (o) {
            lg_bytes_put_doubles(&b, o->m, o->n);
            lg_bytes_put_doubles(&b, o->v, o->n);
            lg_bytes_put_i64(&b, o->t);
        }
    }
    int rc = lg_frame_write(path, &CKPT, &b);
    lg_bytes_free(&b);
    return rc;
}


/* ------------------------------------------------------------------ read --- */

#define CKPT_ARGS_MAX (1u << 20)  /* the stored options' bytes: far more than any command line */
#define CKPT_NARGS_MAX 4096       /* and their words (a run stores about 30) */

/* A stored mt19937 state (lg_mt_state): another index than 0..624 reads
 * outside the words; a word of more than 32 bits makes gsl_rng_uniform return
 * 1 or more; a state whose 19937 significant bits are all zero stays zero, and
 * gsl_ran_gaussian then waits forever for a nonzero number. */

static int check_rng_state(const char *path, const void *state, size_t size)
{
    LG_ASSERT(size == sizeof(lg_mt_state), "the runs' generator is GSL's mt19937");
    lg_mt_state s;
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

static int read_net(lg_bytes *b, const char *path, int i, lg_net *n)
{
    if (n)
        lg_net_use_double(n); /* what is read becomes the current copy */
    char what[96];
    uint64_t np = lg_bytes_get_u64(b);
    if (!b->bad && np != (n ? n->n_params : 0))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %llu parameters in the checkpoint, %zu in the "
                         "network its options describe (%s)", path, net_name(i), (unsigned long long)np,
                         n ? n->n_params : 0, n ? n->spec : "none");
    int rc;
    snprintf(what, sizeof what, "network %s's parameter", net_name(i));
    if (n && (rc = lg_bytes_get_doubles(b, path, n->theta, n->n_params, false, what)) != LG_OK)
        return rc;
    uint64_t nb = lg_bytes_get_u64(b);
    if (!b->bad && nb != (n ? n->n_buffers : 0))
        return lg_seterr(LG_EFORMAT, "%s: network %s has %llu BatchNorm statistics in the checkpoint, "
                         "%zu in the network its options describe (%s)", path, net_name(i),
                         (unsigned long long)nb, n ? n->n_buffers : 0, n ? n->spec : "none");
    if (!n)
        return LG_OK;
    snprintf(what, sizeof what, "network %s's BatchNorm statistic", net_name(i));
    if ((rc = lg_bytes_get_doubles(b, path, n->buffers, n->n_buffers, false, what)) != LG_OK || b->bad)
        return rc;
    /* a running variance below zero would take a square root of it */
    for (size_t l = 0; l < n->n_layers; l++) {
        const lg_layer *L = &n->layers[l];
        if (L->kind != LG_LAYER_BATCHNORM && L->kind != LG_LAYER_BATCHNORM2D)
            continue;
        size_t C = L->p_len / 2; /* features (BatchNorm1d) or channels (2d) */
        for (size_t k = 0; k < C; k++)
            if (n->buffers[L->b_off + C + k] < 0)
                return lg_seterr(LG_EFORMAT, "%s: network %s's BatchNorm running variance %zu is %g "
                                 "(must be >= 0)", path, net_name(i), k, n->buffers[L->b_off + C + k]);
    }
    return LG_OK;
}

static int read_optim(lg_bytes *b, const char *path, int i, lg_optim *o)
{
    if (o)
        lg_optim_use_double(o);
    uint64_t n = lg_bytes_get_u64(b);
    if (!b->bad && n != (o ? o->n : 0))
        return lg_seterr(LG_EFORMAT, "%s: the optimizer of network %s has state for %llu parameters, "
                         "the network has %zu", path, net_name(i), (unsigned long long)n, o ? o->n : 0);
    if (!o)
        return LG_OK;
    char what[96];
    int rc;
    snprintf(what, sizeof what, "optimizer of %s: first moment", net_name(i));
    if ((rc = lg_bytes_get_doubles(b, path, o->m, o->n, false, what)) != LG_OK)
        return rc;
    snprintf(what, sizeof what, "optimizer of %s: second moment", net_name(i));
    if ((rc = lg_bytes_get_doubles(b, path, o->v, o->n, true, what)) != LG_OK)
        return rc;
    int64_t t = lg_bytes_get_i64(b);
    if (!b->bad && t < 0)
        return lg_seterr(LG_EFORMAT, "%s: the optimizer of network %s has taken %lld steps (must be >= 0)",
                         path, net_name(i), (long long)t);
    o->t = (long)t;
    return LG_OK;
}

static int read_payload(lg_bytes *b, const char *path, long *step, uint64_t *hash, lg_strvec *args,
                        gsl_rng *rng, lg_net **nets, lg_optim **opts, bool args_only)
{
    int64_t st = lg_bytes_get_i64(b);
    uint64_t h = lg_bytes_get_u64(b);
    if (!b->bad && st < 0)
        return lg_seterr(LG_EFORMAT, "%s: stored step %lld is negative", path, (long long)st);
    *step = (long)st;
    if (hash)
        *hash = h;
    uint64_t na = lg_bytes_get_u64(b), total = 0;
    if (!b->bad && na > CKPT_NARGS_MAX)
        return lg_seterr(LG_EFORMAT, "%s: %llu stored options (at most %d)", path, (unsigned long long)na,
                         CKPT_NARGS_MAX);
    for (uint64_t i = 0; i < na && !b->bad; i++) {
        uint64_t l = lg_bytes_get_u64(b);
        if (l > lg_bytes_left(b) || (total += l) > CKPT_ARGS_MAX) {
            b->bad = true;
            break;
        }
        char *s = lg_xmalloc(l + 1);
        lg_bytes_get(b, s, l);
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
    uint64_t rs = lg_bytes_get_u64(b);
    if (!b->bad && rs != gsl_rng_size(rng))
        return lg_seterr(LG_EFORMAT, "%s: random generator state has %llu bytes, expected %zu", path,
                         (unsigned long long)rs, gsl_rng_size(rng));
    unsigned char *state = lg_xmalloc(gsl_rng_size(rng));
    lg_bytes_get(b, state, gsl_rng_size(rng));
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
                         lg_bytes_left(b));
    return rc;
}

/* The most bytes a checkpoint of the given nets may have: its fixed fields,
 * the options' bound, and per net theta, buffers, m and v. Without nets, the
 * largest run lg_run_open accepts. */
static uint64_t size_bound(lg_net **nets, bool args_only)
{
    uint64_t fixed = LG_FRAME_HEADER + 4 + 8 + 8 + 8 + CKPT_ARGS_MAX + 8 + 8192 + LG_NET_COUNT * 48;
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
    lg_bytes b;
    int rc = lg_frame_read(path, &CKPT, size_bound(nets, args_only), &b);
    if (rc != LG_OK)
        return rc;
    rc = read_payload(&b, path, step, hash, args, rng, nets, opts, args_only);
    return lg_frame_done(path, &CKPT, &b, rc);
}
