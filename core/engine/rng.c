/*
 * rng.c - many draws of gsl_rng_uniform in one call (lg_uniforms, offered to
 * the data generators in lg_dataset.h).
 *
 * GSL hands out one number a call, through two calls by pointer
 * (gsl_rng_uniform, then the generator's get_double); at about 20 ns a number
 * the uniform kind's 64 x 784 values a batch took 4-5 % of an MNIST-sized
 * float training step. For mt19937, the generator of every run, lg_uniforms
 * regenerates and tempers the words of GSL's own state in place, the Mersenne
 * Twister of Matsumoto and Nishimura (1998) as gsl/rng/mt.c keeps it: the same
 * numbers, and the same state afterwards (a checkpoint, the next draw), as
 * the calls would give. Another generator, or a GSL whose mt19937 state is
 * laid out otherwise, goes through the calls: once per process a private
 * generator is drawn both ways and the fast way is used only if numbers and
 * state agree to the bit.
 */
#include "lg_impl.h"

#include <pthread.h>
#include <string.h>

#define MT_N 624
#define MT_M 397
#define MT_UPPER 0x80000000ul
#define MT_LOWER 0x7ffffffful
/* the twist's matrix row, XORed in when the word's lowest bit is set */
#define MT_MAG(y) ((0ul - ((y) & 1ul)) & 0x9908b0dful)

/* the next 624 words from the last 624 */
static void mt_regenerate(unsigned long *mt)
{
    int k = 0;
    for (; k < MT_N - MT_M; k++) {
        unsigned long y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + MT_M] ^ (y >> 1) ^ MT_MAG(y);
    }
    for (; k < MT_N - 1; k++) {
        unsigned long y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + MT_M - MT_N] ^ (y >> 1) ^ MT_MAG(y);
    }
    unsigned long y = (mt[MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ MT_MAG(y);
}

/* u[i] = tempered word w[i] / 2^32, as mt.c's get_double */
LG_SIMD_CLONES
static void mt_temper(const unsigned long *restrict w, double *restrict u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned long y = w[i];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680ul;
        y ^= (y << 15) & 0xefc60000ul;
        y ^= y >> 18;
        u[i] = (double)(uint32_t)y / 4294967296.0;
    }
}

static void mt_uniforms(lg_mt_state *s, double *u, size_t n)
{
    while (n > 0) {
        if (s->mti >= MT_N) {
            mt_regenerate(s->mt);
            s->mti = 0;
        }
        size_t take = (size_t)(MT_N - s->mti);
        take = take < n ? take : n;
        mt_temper(s->mt + s->mti, u, take);
        s->mti += (int)take;
        u += take;
        n -= take;
    }
}

static bool bulk_ok;
static pthread_once_t bulk_once = PTHREAD_ONCE_INIT;

/* Draw 1,500 numbers (three regenerations: a freshly seeded generator makes
 * its first words at the first draw; odd chunk sizes) both ways from two
 * generators of one seed; the bulk way is kept when they agree and so do the
 * states they leave. */
static void bulk_check(void)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    if (a && b && gsl_rng_size(a) == sizeof(lg_mt_state)) {
        gsl_rng_set(a, 20261201);
        gsl_rng_set(b, 20261201);
        static const size_t chunks[] = { 1, 700, 2, 797 };
        double got[800];
        bool same = true;
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            mt_uniforms(gsl_rng_state(b), got, chunks[c]);
            for (size_t i = 0; i < chunks[c]; i++)
                same = same && memcmp(&(double){ gsl_rng_uniform(a) }, &got[i], sizeof(double)) == 0;
        }
        bulk_ok = same && memcmp(gsl_rng_state(a), gsl_rng_state(b), sizeof(lg_mt_state)) == 0;
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

bool lg_uniforms_in_bulk(void)
{
    pthread_once(&bulk_once, bulk_check);
    return bulk_ok;
}

void lg_uniforms(gsl_rng *r, double *u, size_t n)
{
    if (r->type == gsl_rng_mt19937 && lg_uniforms_in_bulk()) {
        mt_uniforms(gsl_rng_state(r), u, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        u[i] = gsl_rng_uniform(r);
}
