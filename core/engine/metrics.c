/*
 * metrics.c - sample-quality metrics and divergences.
 *
 * Mode coverage (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a
 * sample is "high quality" when it lies within 3 sigma of its nearest mode; a
 * mode is covered when at least one high-quality sample is nearest to it.
 *
 * W1 in 1D: for distributions on the line, W1(a, b) = int |F_a(t) - F_b(t)| dt
 * (Vallender 1973; e.g. Villani, Optimal Transport, remark 2.19). For two
 * empirical distributions both CDFs are step functions that only jump at sample
 * points, so the integral is a finite sum over the merged sorted samples.
 * Sliced W1 (Rabin et al. 2011; Deshpande et al. 2018): the mean over random
 * unit directions u of W1 between the projections <x, u> and <y, u>.
 *
 * Jensen-Shannon divergence (Lin 1991), natural log:
 *   JSD(P, Q) = 1/2 KL(P || M) + 1/2 KL(Q || M),  M = (P + Q) / 2,
 * 0 <= JSD <= log 2, with log 2 exactly when P and Q have disjoint supports.
 * Goodfellow et al. 2014, theorem 1: the minimax GAN's C(G) = -log 4 + 2 JSD.
 */
#include "lg_impl.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

lg_mode_stats lg_mode_coverage(const lg_dataset *ds, const gsl_matrix *x)
{
    lg_mode_stats st = { 0, 0.0 };
    if (!ds->n_modes || x->size1 == 0)
        return st;
    bool *hit = lg_xcalloc(ds->n_modes, sizeof *hit);
    size_t good = 0;
    double r2 = 9.0 * ds->sigma * ds->sigma;
    for (size_t i = 0; i < x->size1; i++) {
        size_t best = 0;
        double bd = INFINITY;
        for (size_t k = 0; k < ds->n_modes; k++) {
            double d = 0;
            for (size_t j = 0; j < ds->dim; j++) {
                double e = gsl_matrix_get(x, i, j) - ds->modes[k * ds->dim + j];
                d += e * e;
            }
            if (d < bd)
                bd = d, best = k;
        }
        if (bd <= r2) {
            good++;
            hit[best] = true;
        }
    }
    for (size_t k = 0; k < ds->n_modes; k++)
        st.modes_covered += hit[k];
    st.high_quality = (double)good / (double)x->size1;
    free(hit);
    return st;
}

/* ------------------------------------------------------------------- W1 --- */

static bool any_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return true;
    return false;
}

/* W1 of two sorted samples. Walk the merged order; after consuming every value
 * <= t, F_a(t) = i / na and F_b(t) = j / nb, constant up to the next sample
 * point t', so the integral gains |i nb - j na| / (na nb) * (t' - t). Ties
 * (equal values in a and b) give zero-width pieces. A NaN has no place in the
 * order (nothing is <= it, so the walk would never pass it): W1 is NaN then. */
static double w1_sorted(const double *a, size_t na, const double *b, size_t nb)
{
    if (any_nan(a, na) || any_nan(b, nb))
        return NAN;
    size_t i = 0, j = 0;
    double sum = 0, t = fmin(a[0], b[0]);
    double nab = (double)na * (double)nb;
    while (i < na || j < nb) {
        /* consume every value equal to t from both samples */
        while (i < na && a[i] <= t)
            i++;
        while (j < nb && b[j] <= t)
            j++;
        if (i == na && j == nb)
            break;
        double next = i == na ? b[j] : j == nb ? a[i] : fmin(a[i], b[j]);
        double gap = fabs((double)i * (double)nb - (double)j * (double)na) / nab;
        sum += gap * (next - t);
        t = next;
    }
    return sum;
}

/* An LSD radix sort of doubles on their bits, 8 bits a pass: each double's
 * bits mapped to an unsigned key that orders as the number does (the sign bit
 * set on positives; every bit flipped on negatives), 8 stable counting passes,
 * the keys mapped back. About 3x faster than GSL's heapsort at the 2,500
 * samples of a log row. -0 sorts before +0 (equal as numbers: W1 does not
 * see it); the same numbers as any sort. scratch: n doubles. */
void lg_sort_doubles(double *x, size_t n, double *scratch)
{
    uint64_t *a = (uint64_t *)(void *)x, *b = (uint64_t *)(void *)scratch;
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], sizeof u);
        a[i] = u ^ ((u >> 63) ? ~(uint64_t)0 : (uint64_t)1 << 63);
    }
    for (int shift = 0; shift < 64; shift += 8) { /* 8 passes: the keys end in x */
        size_t start[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            start[((a[i] >> shift) & 0xff) + 1]++;
        for (int k = 0; k < 256; k++)
            start[k + 1] += start[k];
        for (size_t i = 0; i < n; i++)
            b[start[(a[i] >> shift) & 0xff]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t u = a[i] ^ ((a[i] >> 63) ? (uint64_t)1 << 63 : ~(uint64_t)0);
        memcpy(&x[i], &u, sizeof u);
    }
}

double lg_w1_1d(const double *a, size_t na, const double *b, size_t nb)
{
    LG_ASSERT(na > 0 && nb > 0, "W1 needs at least one sample on each side");
    double *sa = lg_xmalloc(na * sizeof *sa), *sb = lg_xmalloc(nb * sizeof *sb);
    double *tmp = lg_xmalloc((na > nb ? na : nb) * sizeof *tmp);
    memcpy(sa, a, na * sizeof *sa);
    memcpy(sb, b, nb * sizeof *sb);
    lg_sort_doubles(sa, na, tmp);
    lg_sort_doubles(sb, nb, tmp);
    double w = w1_sorted(sa, na, sb, nb);
    free(sa);
    free(sb);
    free(tmp);
    return w;
}

/* A fixed sample y on fixed directions: the directions (uniform on the unit
 * sphere S^{d-1}; GSL normalises a Gaussian vector), drawn in turn from rng,
 * and y's projection on each, sorted, computed once. A training run scores
 * its generator against the same real sample on the same directions at every
 * log row: only the generated side is projected and sorted there. */
struct lg_sliced_ref {
    size_t d, m, n_proj;
    gsl_matrix *u;    /* (n_proj, d): one unit direction a row */
    double *py;       /* (n_proj, m): y u_p, sorted, a row per direction */
    gsl_vector *px;   /* (n) scratch for the other side, sized at first use */
    double *tmp;      /* (max(n, m)) the sort's scratch */
    size_t tmp_n;
};

lg_sliced_ref *lg_sliced_ref_alloc(const gsl_matrix *y, size_t n_proj, gsl_rng *rng)
{
    LG_ASSERT(y->size1 > 0 && n_proj > 0, "sliced W1 needs samples and at least one projection");
    lg_sliced_ref *s = lg_xcalloc(1, sizeof *s);
    s->d = y->size2;
    s->m = y->size1;
    s->n_proj = n_proj;
    s->u = gsl_matrix_alloc(n_proj, s->d);
    s->py = lg_xmalloc(n_proj * s->m * sizeof *s->py);
    s->tmp = lg_xmalloc(s->m * sizeof *s->tmp);
    s->tmp_n = s->m;
    for (size_t p = 0; p < n_proj; p++) {
        gsl_vector_view u = gsl_matrix_row(s->u, p);
        gsl_vector_view py = gsl_vector_view_array(s->py + p * s->m, s->m);
        gsl_ran_dir_nd(rng, s->d, u.vector.data);
        int st = gsl_blas_dgemv(CblasNoTrans, 1.0, y, &u.vector, 0.0, &py.vector); /* py = y u: (m) */
        LG_ASSERT(st == GSL_SUCCESS, "dgemv on checked shapes");
        lg_sort_doubles(py.vector.data, s->m, s->tmp);
    }
    return s;
}

double lg_sliced_ref_w1(lg_sliced_ref *s, const gsl_matrix *x)
{
    LG_ASSERT(x->size2 == s->d, "both sample sets need the same dimension");
    LG_ASSERT(x->size1 > 0, "sliced W1 needs samples on each side");
    if (!s->px || s->px->size != x->size1) {
        if (s->px)
            gsl_vector_free(s->px);
        s->px = gsl_vector_alloc(x->size1);
    }
    if (s->tmp_n < x->size1) {
        free(s->tmp);
        s->tmp = lg_xmalloc(x->size1 * sizeof *s->tmp);
        s->tmp_n = x->size1;
    }
    double sum = 0;
    for (size_t p = 0; p < s->n_proj; p++) {
        gsl_vector_const_view u = gsl_matrix_const_row(s->u, p);
        int st = gsl_blas_dgemv(CblasNoTrans, 1.0, x, &u.vector, 0.0, s->px); /* px = x u: (n) */
        LG_ASSERT(st == GSL_SUCCESS, "dgemv on checked shapes");
        lg_sort_doubles(s->px->data, s->px->size, s->tmp);
        sum += w1_sorted(s->px->data, s->px->size, s->py + p * s->m, s->m);
    }
    return sum / (double)s->n_proj;
}

void lg_sliced_ref_free(lg_sliced_ref *s)
{
    if (!s)
        return;
    gsl_matrix_free(s->u);
    free(s->py);
    free(s->tmp);
    if (s->px)
        gsl_vector_free(s->px);
    free(s);
}

/* The same numbers as a reference made for this one call: the directions
 * come from rng in the same order. */
double lg_sliced_w1(const gsl_matrix *x, const gsl_matrix *y, size_t n_proj, gsl_rng *rng)
{
    LG_ASSERT(x->size2 == y->size2, "both sample sets need the same dimension");
    lg_sliced_ref *s = lg_sliced_ref_alloc(y, n_proj, rng);
    double w = lg_sliced_ref_w1(s, x);
    lg_sliced_ref_free(s);
    return w;
}

/* ------------------------------------------------------------------ JSD --- */

/* The JSD's summand (and integrand), 0 log 0 = 0:
 *   1/2 [p log(p / m) + q log(q / m)],  m = (p + q) / 2,
 * written with s = p + q, r = p / s, r' = q / s as
 *   1/2 [p (log 2 + log r) + q (log 2 + log r')].
 * Safe where a density underflows: r, r' are in [0, 1] (fl(p + q) >= p), so no
 * log exceeds 0 and no 0 / 0 occurs; where p / s underflows to 0 the term
 * p log(2 r) is below 1e-320 in size and is dropped instead of becoming
 * 0 * -inf. (The naive m = (p + q) / 2 rounds to 0 for p = 5e-324, q = 0, and
 * p log(p / m) is then inf.) */
static double jsd_term(double p, double q)
{
    double s = p + q, hp = p, hq = q;
    if (s == 0)
        return 0;
    if (!isfinite(s)) /* both near DBL_MAX: the same ratios from halves */
        hp = 0.5 * p, hq = 0.5 * q, s = hp + hq;
    double r = hp / s, rq = hq / s, t = 0;
    if (r > 0)
        t += p * (M_LN2 + log(r));
    if (rq > 0)
        t += q * (M_LN2 + log(rq));
    return 0.5 * t;
}

#define JSD_MAX_CELLS ((size_t)1 << 26)

double lg_jsd_hist(const gsl_matrix *x, const gsl_matrix *y, size_t bins)
{
    LG_ASSERT(x->size2 == y->size2, "both sample sets need the same dimension");
    size_t d = x->size2, n = x->size1, m = y->size1;
    if (n == 0 || m == 0 || d == 0 || bins == 0) {
        lg_seterr(LG_EINVAL, "JSD: need samples on both sides and bins >= 1");
        return NAN;
    }
    size_t cells = 1;
    for (size_t j = 0; j < d; j++) {
        if (cells > JSD_MAX_CELLS / bins) {
            lg_seterr(LG_EINVAL, "JSD: %zu^%zu histogram cells are too many (at most %zu)", bins,
                      d, JSD_MAX_CELLS);
            return NAN;
        }
        cells *= bins;
    }
    /* One gsl_histogram per axis defines the bins of that axis: bins equal
     * ranges over [lo, hi], the box that holds both sets. GSL's bins are
     * half-open [r_i, r_{i+1}), so a value equal to hi would fall outside and
     * be dropped; the last edge is moved to the next double above hi, which
     * puts the maximum into the last bin. */
    gsl_histogram **axis = lg_xcalloc(d, sizeof *axis);
    double *edges = lg_xmalloc((bins + 1) * sizeof *edges);
    double *cx = lg_xcalloc(cells, sizeof *cx), *cy = lg_xcalloc(cells, sizeof *cy);
    double result = NAN;
    for (size_t j = 0; j < d; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int set = 0; set < 2; set++) {
            const gsl_matrix *s = set ? y : x;
            for (size_t i = 0; i < s->size1; i++) {
                double v = gsl_matrix_get(s, i, j);
                if (!isfinite(v)) {
                    lg_seterr(LG_EINVAL, "JSD: sample %zu of the %s set, column %zu, is %g", i,
                              set ? "second" : "first", j, v);
                    goto done;
                }
                lo = fmin(lo, v), hi = fmax(hi, v);
            }
        }
        /* w = (hi - lo) / bins without overflow; a spread too small to give
         * strictly increasing edges counts as flat: every sample in bin 0 */
        double w = hi / (double)bins - lo / (double)bins;
        if (!(w > 4 * DBL_EPSILON * fmax(fabs(lo), fabs(hi))) || !(w > 0)) {
            hi = lo + fmax(1.0, fabs(lo));
            w = hi / (double)bins - lo / (double)bins;
        }
        for (size_t b = 0; b < bins; b++)
            edges[b] = lo + (double)b * w;
        edges[bins] = nextafter(hi, INFINITY);
        axis[j] = gsl_histogram_alloc(bins);
        if (gsl_histogram_set_ranges(axis[j], edges, bins + 1) != GSL_SUCCESS) {
            lg_seterr(LG_EINVAL, "JSD: could not set the bins of column %zu", j);
            goto done;
        }
    }
    /* cell index of a row: sum_j bin_j * bins^j */
    for (int set = 0; set < 2; set++) {
        const gsl_matrix *s = set ? y : x;
        double *c = set ? cy : cx;
        for (size_t i = 0; i < s->size1; i++) {
            size_t cell = 0, stride = 1;
            for (size_t j = 0; j < d; j++) {
                size_t b;
                double v = gsl_matrix_get(s, i, j);
                /* every value is finite and inside [edges[0], edges[bins]) by construction */
                int st = gsl_histogram_find(axis[j], v, &b);
                LG_ASSERT(st == GSL_SUCCESS, "a sample outside the box that was built to hold it");
                cell += b * stride;
                stride *= bins;
            }
            c[cell] += 1;
        }
    }
    /* JSD of the two histograms: P = cx / n, Q = cy / m (every sample counted) */
    double sum = 0;
    for (size_t k = 0; k < cells; k++)
        sum += jsd_term(cx[k] / (double)n, cy[k] / (double)m);
    result = fmin(fmax(sum, 0.0), M_LN2); /* rounding may step outside [0, log 2] */
done:
    for (size_t j = 0; j < d; j++)
        if (axis[j])
            gsl_histogram_free(axis[j]);
    free(axis);
    free(edges);
    free(cx);
    free(cy);
    return result;
}

typedef struct jsd_ctx {
    lg_density_fn p, q;
    void *pctx, *qctx;
    bool bad;           /* a density returned a negative or non-finite value */
} jsd_ctx;

static double jsd_integrand(double x, void *vctx)
{
    jsd_ctx *c = vctx;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    if (!(p >= 0 && q >= 0 && isfinite(p) && isfinite(q))) {
        c->bad = true;
        return 0;
    }
    return jsd_term(p, q);
}

/* Adaptive quadrature on a fixed partition: QAG (Gauss-Kronrod 21) alone on the
 * whole interval can miss a narrow peak between its 21 first nodes (both rules
 * agree on ~0 and it stops), so (lo, hi) is cut into JSD_PIECES equal pieces
 * first and QAG refines each. Features narrower than about (hi - lo) / 20000
 * can still be missed: give an interval that fits the densities. */
#define JSD_PIECES 512
#define JSD_LIMIT 200

double lg_jsd_1d(lg_density_fn p, void *pctx, lg_density_fn q, void *qctx, double lo, double hi)
{
    if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {
        lg_seterr(LG_EINVAL, "JSD: the interval (%g, %g) must be finite with lo < hi", lo, hi);
        return NAN;
    }
    jsd_ctx c = { p, q, pctx, qctx, false };
    gsl_function f = { jsd_integrand, &c };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(JSD_LIMIT);
    double sum = 0, h = (hi - lo) / JSD_PIECES;
    int status = GSL_SUCCESS;
    for (int k = 0; k < JSD_PIECES && status == GSL_SUCCESS; k++) {
        double a = lo + k * h, b = k + 1 == JSD_PIECES ? hi : lo + (k + 1) * h, r, err;
        /* the integrand is <= (p + q) log(2) / 2: absolute 1e-14 per piece is far below
         * any tolerance a test or a lab needs; relative 1e-10 */
        status = gsl_integration_qag(&f, a, b, 1e-14, 1e-10, JSD_LIMIT, GSL_INTEG_GAUSS21, ws,
                                     &r, &err);
        sum += r;
    }
    gsl_integration_workspace_free(ws);
    if (c.bad) {
        lg_seterr(LG_EINVAL, "JSD: a density returned a negative or non-finite value on (%g, %g)",
                  lo, hi);
        return NAN;
    }
    if (status != GSL_SUCCESS) {
        lg_seterr(LG_EINVAL, "JSD: quadrature failed on (%g, %g): %s", lo, hi,
                  gsl_strerror(status));
        return NAN;
    }
    /* the integrand is >= 0 pointwise (at p + q = s, p = a s it is s (log 2 - H(a)) / 2
     * with the binary entropy H(a) <= log 2), so for densities the integral over any
     * interval is in [0, log 2]; only rounding may step outside */
    if (sum > M_LN2 + 1e-6) {
        lg_seterr(LG_EINVAL, "JSD: %g > log 2 on (%g, %g): the densities do not integrate to 1",
                  sum, lo, hi);
        return NAN;
    }
    return fmin(sum, M_LN2);
}
