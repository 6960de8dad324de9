/*
 * dgemm.c - a Linear layer's forward in one pass over its output:
 *   y (m, n) = f(b + x (m, k) W^T),  W (n, k), b (n) or none, f ReLU, LeakyReLU
 *   or none,
 * by a double GEMM kernel of litgan's own that adds the bias and applies the
 * activation to each tile while it is in registers. Through BLAS the same
 * layer is three passes: the bias rows, the GEMM onto them, the activation;
 * on a toy step (batch 256, width 128) the two besides the GEMM were 5-6 % of
 * the step, as each buffer no longer fits in L2 beside the GEMM's operands.
 *
 * The kernel gives OpenBLAS's bits. OpenBLAS's double kernels for x86-64 with
 * FMA (Haswell and Zen) compute each element of C as one chain of FMAs over
 * k, in order, from zero, and add the chain to C at the end; up to its block
 * of k (256 on these CPUs) there is one chain. The one exception in the
 * shapes tried is the last row of an odd number of rows, which it sums in
 * four lanes. So this kernel takes an even m and 1 <= k <= 256, one BLAS
 * thread (with more, OpenBLAS's threads pay), and a CPU with AVX2 and FMA.
 * Because all of that is knowledge about another library, a check at the
 * first call compares the kernel with the BLAS path bit for bit over shapes
 * that reach every edge of both; on any difference the BLAS path is used for
 * the rest of the process. lg_dgemm_bias_act returns false whenever it leaves
 * the product to its caller.
 *
 * Kernel: tiles of 6 rows x 8 columns, 12 AVX2 accumulators; the last
 * columns, when n is not a multiple of 8, in tiles 4 wide with masked loads
 * and stores. The columns go in panels whose W^T fills at most 192 KB (all
 * 128 columns of a toy layer, 96 at k = 256): a panel of W^T is packed, by
 * strips of 8 (or 4, padded with zeros) columns, into a buffer per thread that
 * is kept; then each block of 6 rows of x, which stays in L1, passes over
 * every strip of the panel, which stays in L2. x is read once a panel,
 * straight from its rows (each of its values broadcast to a vector), and y is
 * written once. (A whole W^T at a time ran as fast, timed alone, since the
 * prefetcher streams it from L3; panels keep the buffer at 192 KB, where
 * DCGAN's first layer, 100 -> 6272, needed 5 MB, and leave L3 to the step.)
 */
#include "lg_impl.h"

#include <pthread.h>
#include <string.h>
#include <gsl/gsl_blas.h>

enum { KC = 256, MR = 6, PANEL = 24576 /* doubles: 192 KB of W^T, under a 512 KB L2 */ };

#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__)
#define LG_OWN_DGEMM 1
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))
#define INLINE inline __attribute__((always_inline))

typedef struct {
    size_t m, k;
    const double *a; /* A (i, p) = a[i lda + p] */
    size_t lda;
    double *c;
    size_t ldc;
    const double *bias; /* NULL: zero */
    lg_layer_kind act;
    double slope;
} job;

/* the end of a tile's chain at column j: v = (b or +0) + chain, as BLAS adds
 * the chain to C (beta = 1) holding the bias row or zeros (the + 0 matters:
 * a chain of products that underflow to -0 is -0, which BLAS turns into +0),
 * then the activation */
TARGET static INLINE __m256d finish(const job *J, __m256d v, size_t j, __m256i mask)
{
    __m256d zero = _mm256_setzero_pd();
    v = _mm256_add_pd(J->bias ? _mm256_maskload_pd(J->bias + j, mask) : zero, v);
    if (J->act == LG_LAYER_RELU || J->act == LG_LAYER_LEAKY_RELU) {
        __m256d pos = _mm256_cmp_pd(v, zero, _CMP_GT_OQ); /* y > 0, false for NaN */
        v = J->act == LG_LAYER_RELU ? _mm256_and_pd(v, pos)
                                    : _mm256_blendv_pd(_mm256_mul_pd(_mm256_set1_pd(J->slope), v), v, pos);
    }
    return v;
}

/* rows i0 .. i0+mr-1 of the 8 columns from j0; s: the strip, k rows of 8 */
#define ROW8(r)                                                                      \
    if (mr > r) {                                                                    \
        __m256d ar = _mm256_broadcast_sd(ap + r * lda);                              \
        c##r##0 = _mm256_fmadd_pd(ar, b0, c##r##0);                                  \
        c##r##1 = _mm256_fmadd_pd(ar, b1, c##r##1);                                  \
    }
#define PUT8(r)                                                                      \
    if (mr > r) {                                                                    \
        double *y = J->c + (i0 + r) * J->ldc + j0;                                   \
        _mm256_storeu_pd(y, finish(J, c##r##0, j0, all));                            \
        _mm256_storeu_pd(y + 4, finish(J, c##r##1, j0 + 4, all));                    \
    }
TARGET static INLINE void tile8(const job *J, int mr, size_t i0, size_t j0, const double *s)
{
    __m256d z = _mm256_setzero_pd(), b0, b1;
    __m256d c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
    __m256d c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
    const size_t k = J->k, lda = J->lda;
    const double *ap = J->a + i0 * lda;
    for (size_t p = 0; p < k; p++, ap++, s += 8) {
        b0 = _mm256_loadu_pd(s);
        b1 = _mm256_loadu_pd(s + 4);
        ROW8(0) ROW8(1) ROW8(2) ROW8(3) ROW8(4) ROW8(5)
    }
    __m256i all = _mm256_set1_epi64x(-1);
    PUT8(0) PUT8(1) PUT8(2) PUT8(3) PUT8(4) PUT8(5)
}

/* the same, 4 columns wide, of which the mask's lanes are y's */
#define ROW4(r)                                                                      \
    if (mr > r)                                                                      \
        c##r = _mm256_fmadd_pd(_mm256_broadcast_sd(ap + r * lda), b0, c##r);
#define PUT4(r)                                                                      \
    if (mr > r)                                                                      \
        _mm256_maskstore_pd(J->c + (i0 + r) * J->ldc + j0, mask, finish(J, c##r, j0, mask));
TARGET static INLINE void tile4(const job *J, int mr, size_t i0, size_t j0, const double *s, __m256i mask)
{
    __m256d z = _mm256_setzero_pd(), b0;
    __m256d c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z;
    const size_t k = J->k, lda = J->lda;
    const double *ap = J->a + i0 * lda;
    for (size_t p = 0; p < k; p++, ap++, s += 4) {
        b0 = _mm256_loadu_pd(s);
        ROW4(0) ROW4(1) ROW4(2) ROW4(3) ROW4(4) ROW4(5)
    }
    PUT4(0) PUT4(1) PUT4(2) PUT4(3) PUT4(4) PUT4(5)
}

/* a constant mr for each case, so each tile's accumulators stay in registers;
 * m is even, so the last row block has 6, 4 or 2 rows */
#define BY_ROWS(call, ...)                                                           \
    switch (mr) {                                                                    \
    case 6: call(J, 6, __VA_ARGS__); break;                                          \
    case 4: call(J, 4, __VA_ARGS__); break;                                          \
    default: call(J, 2, __VA_ARGS__); break;                                         \
    }

/* the width of the strip at column j0 of n: 8, or 4 for the last columns
 * (of which n - j0 may be fewer, the rest zeros) */
static size_t strip_width(size_t n, size_t j0) { return n - j0 >= 8 ? 8 : 4; }

/* the columns of one panel of W^T: as many as fill PANEL doubles at this k
 * (a multiple of 8, at least 8), so that the panel stays in L2 while every
 * block of rows of A passes over it */
static size_t panel_width(size_t k)
{
    size_t nc = (PANEL / k) & ~(size_t)7;
    return nc < 8 ? 8 : nc;
}

/* C = f(b + A W^T), W (n, k), panel by panel of columns; ws: k x (the panel
 * width + 3) doubles, the panel's W^T by strips, strip j0 at ws + (j0 - jp) k */
TARGET static void product(const job *J, const double *w, size_t ldw, size_t n, double *ws)
{
    const size_t k = J->k, nc = panel_width(k);
    for (size_t jp = 0; jp < n; jp += nc) {
        size_t jend = n - jp < nc ? n : jp + nc; /* panels start at multiples of 8 */
        for (size_t j0 = jp, width; j0 < jend; j0 += width) {
            width = strip_width(n, j0);
            double *s = ws + (j0 - jp) * k;
            for (size_t q = 0; q < width; q++)
                for (size_t p = 0; p < k; p++)
                    s[p * width + q] = j0 + q < n ? w[(j0 + q) * ldw + p] : 0.0;
        }
        for (size_t i0 = 0; i0 < J->m; i0 += MR) {
            int mr = J->m - i0 < MR ? (int)(J->m - i0) : MR;
            for (size_t j0 = jp, width; j0 < jend; j0 += width) {
                width = strip_width(n, j0);
                const double *s = ws + (j0 - jp) * k;
                if (width == 8) {
                    BY_ROWS(tile8, i0, j0, s)
                } else {
                    size_t nr = n - j0;
                    __m256i mask = _mm256_set_epi64x(nr > 3 ? -1 : 0, nr > 2 ? -1 : 0, nr > 1 ? -1 : 0, -1);
                    BY_ROWS(tile4, i0, j0, s, mask)
                }
            }
        }
    }
}

/* the packed buffer product() needs for n columns at this k */
static size_t ws_doubles(size_t n, size_t k)
{
    size_t nc = panel_width(k);
    return k * ((n < nc ? n : nc) + 3);
}

/* the BLAS path, as net.c's Linear layer takes it: the bias rows (or zeros),
 * the GEMM onto them, the activation */
static void by_blas(const gsl_matrix *a, const gsl_matrix *w, const double *bias, lg_layer_kind act,
                    double slope, gsl_matrix *c)
{
    for (size_t i = 0; i < c->size1; i++) {
        double *y = c->data + i * c->tda;
        for (size_t j = 0; j < c->size2; j++)
            y[j] = bias ? bias[j] : 0.0;
    }
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, a, w, 1.0, c);
    for (size_t i = 0; i < c->size1; i++) {
        double *y = c->data + i * c->tda;
        for (size_t j = 0; j < c->size2; j++)
            if (act == LG_LAYER_RELU)
                y[j] = y[j] > 0 ? y[j] : 0.0;
            else if (act == LG_LAYER_LEAKY_RELU)
                y[j] = y[j] > 0 ? y[j] : slope * y[j];
    }
}

/* W^T packed: a buffer per thread, kept between calls (a step allocates
 * nothing once its shapes are known) and freed when the thread ends */
static pthread_key_t ws_key;

static void ws_free(void *p)
{
    lg_buf *b = p;
    free(b->data);
    free(b);
}

static double *ws_reserve(size_t n)
{
    lg_buf *b = pthread_getspecific(ws_key);
    if (!b) {
        b = lg_xcalloc(1, sizeof *b);
        pthread_setspecific(ws_key, b);
    }
    return lg_buf_reserve(b, n);
}

/* values with full mantissas, both signs, a few exact zeros and negative
 * zeros, and a few of 1e-170 or less, whose products underflow to +-0, from a
 * generator of the check's own */
static void fill(double *x, size_t n, uint64_t *state)
{
    for (size_t i = 0; i < n; i++) {
        *state = *state * 6364136223846793005u + 1442695040888963407u;
        uint64_t r = *state >> 11;
        double v = ((double)r / 9007199254740992.0 - 0.5) * 8.0;
        x[i] = r % 61 == 0 ? (r % 2 ? -0.0 : 0.0) : r % 61 == 1 ? v * 1e-170 : v;
    }
}

static bool own_ok;

static void own_check(void)
{
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || pthread_key_create(&ws_key, ws_free))
        return;
    /* (m, n, k): each tile height (6, 4, 2) and width (8, 4, and 4 with 1-3
     * columns); k from 1 to the block; both of BLAS's row edges that the
     * kernel takes (m % 4 = 0, 2); three panels, the last with a strip of 4 */
    static const size_t shapes[][3] = { { 2, 1, 1 }, { 4, 2, 2 }, { 6, 3, 3 }, { 8, 8, 5 }, { 10, 13, 128 },
                                        { 12, 127, 31 }, { 66, 20, 256 }, { 64, 100, 7 }, { 256, 12, 2 },
                                        { 14, 11, 255 }, { 4, 1, 64 }, { 8, 203, 256 } };
    uint64_t state = 20261201;
    bool same = true;
    for (size_t s = 0; same && s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        /* views into wider matrices: no leading dimension is its width */
        gsl_matrix *a = gsl_matrix_alloc(m, k + 3), *w = gsl_matrix_alloc(n, k + 1);
        gsl_matrix *want = gsl_matrix_alloc(m, n), *got = gsl_matrix_alloc(m, n + 2);
        double *bias = lg_xmalloc(n * sizeof(double));
        fill(a->data, m * (k + 3), &state);
        fill(w->data, n * (k + 1), &state);
        fill(bias, n, &state);
        gsl_matrix_view av = gsl_matrix_submatrix(a, 0, 1, m, k), wv = gsl_matrix_submatrix(w, 0, 0, n, k);
        gsl_matrix_view gv = gsl_matrix_submatrix(got, 0, 1, m, n);
        /* with b: ReLU, LeakyReLU, none; without b: none */
        for (int v = 0; same && v < 4; v++) {
            lg_layer_kind act = v == 0 ? LG_LAYER_RELU : v == 1 ? LG_LAYER_LEAKY_RELU : LG_LAYER_LINEAR;
            const double *b = v < 3 ? bias : NULL;
            by_blas(&av.matrix, &wv.matrix, b, act, 0.2, want);
            gsl_matrix_set_all(got, 7.0);
            job J = { m, k, av.matrix.data, av.matrix.tda, gv.matrix.data, gv.matrix.tda, b, act, 0.2 };
            product(&J, wv.matrix.data, wv.matrix.tda, n, ws_reserve(ws_doubles(n, k)));
            for (size_t i = 0; i < m; i++)
                same = same && memcmp(want->data + i * n, gv.matrix.data + i * gv.matrix.tda, n * sizeof(double)) == 0 &&
                       gsl_matrix_get(got, i, 0) == 7.0 && gsl_matrix_get(got, i, n + 1) == 7.0;
        }
        gsl_matrix_free(a);
        gsl_matrix_free(w);
        gsl_matrix_free(want);
        gsl_matrix_free(got);
        free(bias);
    }
    own_ok = same;
}
#endif

bool lg_dgemm_own_in_use(void)
{
#ifdef LG_OWN_DGEMM
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, own_check);
    return own_ok;
#else
    return false;
#endif
}

bool lg_dgemm_bias_act(const gsl_matrix *a, const gsl_matrix *w, const double *bias, lg_layer_kind act,
                       double slope, gsl_matrix *c)
{
    size_t m = c->size1, n = c->size2, k = a->size2;
    LG_ASSERT(a->size1 == m && w->size1 == n && w->size2 == k, "shapes are checked before every GEMM");
    if (m % 2 || k < 1 || k > KC || lg_blas_threads() != 1 || !lg_dgemm_own_in_use())
        return false;
#ifdef LG_OWN_DGEMM
    job J = { m, k, a->data, a->tda, c->data, c->tda, bias, act, slope };
    product(&J, w->data, w->tda, n, ws_reserve(ws_doubles(n, k)));
    return true;
#else
    (void)bias, (void)act, (void)slope;
    return false;
#endif
}
