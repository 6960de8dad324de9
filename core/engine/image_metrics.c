/*
 * image_metrics.c - scores of a set of generated images through the data
 * set's own classifier (classifier.c): the Fréchet distance of its features
 * to those of held-out real images, the classes it sees and how evenly, and
 * an inception-style score.
 *
 * Fréchet distance between Gaussians (Dowson & Landau 1982; as a metric of
 * generated images, FID: Heusel et al. 2017, Eq. 6):
 *   d^2 = |mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr((C1 C2)^1/2)
 * C1 C2 = C1^1/2 (C1^1/2 C2 C1^1/2) C1^-1/2 is similar to the symmetric
 * positive semi-definite M = C1^1/2 C2 C1^1/2 (for a singular C1 by
 * continuity), so tr((C1 C2)^1/2) = sum_k sqrt(lambda_k(M)): two symmetric
 * eigenproblems (GSL), never the square root of a non-symmetric matrix.
 * Eigenvalues below zero come from rounding only and are taken as 0.
 */
#include "classifier.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>

struct lg_feature_stats {
    gsl_vector *mu;        /* (d) */
    gsl_matrix *cov;       /* (d, d), divided by n - 1 */
    gsl_matrix *sqrt_cov;  /* cov^1/2, (d, d) */
    double trace;          /* tr(cov) */
};

/* ------------------------------------------------------------ linear algebra --- */

static int gsl_failed(int status, const char *what)
{
    return lg_seterr(LG_EINVAL, "Fréchet distance: %s failed (%s)", what, gsl_strerror(status));
}

/* s = a^1/2 for a symmetric positive semi-definite a: (d, d), by a = V L V^T,
 * s = V max(L, 0)^1/2 V^T (only a's lower triangle is read). */
static int sym_sqrt(const gsl_matrix *a, gsl_matrix *s)
{
    size_t d = a->size1;
    gsl_matrix *w = gsl_matrix_alloc(d, d), *v = gsl_matrix_alloc(d, d);
    gsl_vector *l = gsl_vector_alloc(d);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(d);
    int rc = LG_OK, st = gsl_matrix_memcpy(w, a);
    if (st == GSL_SUCCESS)
        st = gsl_eigen_symmv(w, l, v, ws); /* destroys w */
    if (st != GSL_SUCCESS)
        rc = gsl_failed(st, "the eigendecomposition of a covariance");
    /* w = V max(L, 0)^1/2 column by column, then s = w V^T */
    for (size_t j = 0; rc == LG_OK && j < d; j++) {
        double r = sqrt(fmax(gsl_vector_get(l, j), 0.0));
        for (size_t i = 0; i < d; i++)
            gsl_matrix_set(w, i, j, gsl_matrix_get(v, i, j) * r);
    }
    if (rc == LG_OK && (st = gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, w, v, 0.0, s)) != GSL_SUCCESS)
        rc = gsl_failed(st, "a matrix product");
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(l);
    gsl_matrix_free(v);
    gsl_matrix_free(w);
    return rc;
}

static double trace(const gsl_matrix *a)
{
    double t = 0;
    for (size_t i = 0; i < a->size1; i++)
        t += gsl_matrix_get(a, i, i);
    return t;
}

/* The distance with C1's square root s1 and trace tr1 already known. */
static int frechet(const gsl_vector *mu1, const gsl_matrix *s1, double tr1, const gsl_vector *mu2,
                   const gsl_matrix *c2, double *out)
{
    size_t d = mu1->size;
    gsl_matrix *t = gsl_matrix_alloc(d, d), *m = gsl_matrix_alloc(d, d);
    gsl_vector *l = gsl_vector_alloc(d);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(d);
    int rc = LG_OK, st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, s1, c2, 0.0, t);
    if (st == GSL_SUCCESS)
        st = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, t, s1, 0.0, m);
    if (st != GSL_SUCCESS)
        rc = gsl_failed(st, "a matrix product");
    /* M is symmetric but for rounding: its mean with its transpose is */
    for (size_t i = 0; rc == LG_OK && i < d; i++)
        for (size_t j = 0; j < i; j++) {
            double v = 0.5 * (gsl_matrix_get(m, i, j) + gsl_matrix_get(m, j, i));
            gsl_matrix_set(m, i, j, v);
            gsl_matrix_set(m, j, i, v);
        }
    if (rc == LG_OK && (st = gsl_eigen_symm(m, l, ws)) != GSL_SUCCESS)
        rc = gsl_failed(st, "the eigenvalues of C1^1/2 C2 C1^1/2");
    if (rc == LG_OK) {
        double tr_sqrt = 0, dmu = 0;
        for (size_t k = 0; k < d; k++) {
            tr_sqrt += sqrt(fmax(gsl_vector_get(l, k), 0.0));
            double e = gsl_vector_get(mu1, k) - gsl_vector_get(mu2, k);
            dmu += e * e;
        }
        double fd = dmu + tr1 + trace(c2) - 2.0 * tr_sqrt;
        *out = fd > 0 ? fd : 0.0; /* below 0 only by rounding (equal Gaussians) */
        if (!isfinite(*out))
            rc = lg_seterr(LG_ENONFINITE, "Fréchet distance: the result is %g", *out);
    }
    gsl_eigen_symm_free(ws);
    gsl_vector_free(l);
    gsl_matrix_free(m);
    gsl_matrix_free(t);
    return rc;
}

static bool finite_matrix(const gsl_matrix *a)
{
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < a->size2; j++)
            if (!isfinite(gsl_matrix_get(a, i, j)))
                return false;
    return true;
}

/* A covariance: square (d, d), finite, symmetric to rounding. */
static int check_cov(const gsl_matrix *c, size_t d, const char *name)
{
    if (c->size1 != d || c->size2 != d)
        return lg_seterr(LG_EINVAL, "Fréchet distance: %s is (%zu, %zu), the means have %zu values", name, c->size1,
                         c->size2, d);
    if (!finite_matrix(c))
        return lg_seterr(LG_ENONFINITE, "Fréchet distance: %s has a value that is not finite", name);
    double big = 0;
    for (size_t i = 0; i < d * d; i++)
        big = fmax(big, fabs(c->data[(i / d) * c->tda + i % d]));
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < i; j++)
            if (fabs(gsl_matrix_get(c, i, j) - gsl_matrix_get(c, j, i)) > 1e-9 * big)
                return lg_seterr(LG_EINVAL, "Fréchet distance: %s is not symmetric (entries (%zu, %zu) and (%zu, %zu) "
                                 "differ)", name, i, j, j, i);
    return LG_OK;
}

int lg_frechet_distance(const gsl_vector *mu1, const gsl_matrix *c1, const gsl_vector *mu2, const gsl_matrix *c2,
                        double *out)
{
    *out = NAN;
    size_t d = mu1->size;
    if (d == 0 || mu2->size != d)
        return lg_seterr(LG_EINVAL, "Fréchet distance: means of %zu and %zu values (need the same, >= 1)", d,
                         mu2->size);
    for (size_t k = 0; k < d; k++)
        if (!isfinite(gsl_vector_get(mu1, k)) || !isfinite(gsl_vector_get(mu2, k)))
            return lg_seterr(LG_ENONFINITE, "Fréchet distance: mean value %zu is not finite", k);
    int rc = check_cov(c1, d, "c1");
    if (rc == LG_OK)
        rc = check_cov(c2, d, "c2");
    if (rc != LG_OK)
        return rc;
    gsl_matrix *s1 = gsl_matrix_alloc(d, d);
    if ((rc = sym_sqrt(c1, s1)) == LG_OK)
        rc = frechet(mu1, s1, trace(c1), mu2, c2, out);
    gsl_matrix_free(s1);
    return rc;
}

/* mu = mean of f's rows, cov = their covariance over n - 1: f (n, d), n >= 2. */
static void moments(const gsl_matrix *f, gsl_vector *mu, gsl_matrix *cov)
{
    size_t n = f->size1, d = f->size2;
    gsl_vector_set_zero(mu);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mu->data[j * mu->stride] += f->data[i * f->tda + j];
    gsl_vector_scale(mu, 1.0 / (double)n);
    gsl_matrix *x = gsl_matrix_alloc(n, d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            x->data[i * d + j] = f->data[i * f->tda + j] - mu->data[j * mu->stride];
    /* cov = x^T x / (n - 1): the upper triangle by SYRK, mirrored */
    int st = gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0 / (double)(n - 1), x, 0.0, cov);
    LG_ASSERT(st == GSL_SUCCESS, "cov is (d, d) for x (n, d)");
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < i; j++)
            gsl_matrix_set(cov, i, j, gsl_matrix_get(cov, j, i));
    gsl_matrix_free(x);
}

/* --------------------------------------------------------- feature statistics --- */

/* A file can hold finite weights whose outputs are not (fuzz_classifier found
 * one): refused here, before an eigensolver meets a NaN. */
static int not_finite(const char *what)
{
    return lg_seterr(LG_ENONFINITE, "%s: the classifier's outputs are not finite (a damaged classifier file? "
                     "delete it and it is trained again)", what);
}

static int check_samples(const lg_classifier *c, const gsl_matrix *x, const char *what)
{
    if (x->size1 < 2)
        return lg_seterr(LG_EINVAL, "%s: %zu images (need 2 or more for a covariance)", what, x->size1);
    if (x->size2 != c->body->in_dim)
        return lg_seterr(LG_EINVAL, "%s: images of %zu values, the classifier takes %zu", what, x->size2,
                         c->body->in_dim);
    if (!finite_matrix(x))
        return lg_seterr(LG_ENONFINITE, "%s: a pixel value is not finite", what);
    return LG_OK;
}

int lg_feature_stats_alloc(lg_classifier *c, const gsl_matrix *x, lg_feature_stats **out)
{
    *out = NULL;
    int rc = check_samples(c, x, "reference statistics");
    if (rc != LG_OK)
        return rc;
    size_t d = c->body->out_dim;
    lg_feature_stats *s = lg_xcalloc(1, sizeof *s);
    s->mu = gsl_vector_alloc(d);
    s->cov = gsl_matrix_alloc(d, d);
    s->sqrt_cov = gsl_matrix_alloc(d, d);
    gsl_matrix *f = gsl_matrix_alloc(x->size1, d);
    lg_classifier_run(c, x, NULL, f);
    if (!finite_matrix(f)) {
        gsl_matrix_free(f);
        lg_feature_stats_free(s);
        return not_finite("reference statistics");
    }
    moments(f, s->mu, s->cov);
    gsl_matrix_free(f);
    s->trace = trace(s->cov);
    if ((rc = sym_sqrt(s->cov, s->sqrt_cov)) != LG_OK) {
        lg_feature_stats_free(s);
        return rc;
    }
    *out = s;
    return LG_OK;
}

void lg_feature_stats_free(lg_feature_stats *s)
{
    if (!s)
        return;
    gsl_vector_free(s->mu);
    gsl_matrix_free(s->cov);
    gsl_matrix_free(s->sqrt_cov);
    free(s);
}

/* -------------------------------------------------------------------- scores --- */

void lg_class_scores(const gsl_matrix *probs, lg_image_scores *out)
{
    size_t n = probs->size1, K = probs->size2;
    LG_ASSERT(n >= 1 && K >= 1 && K <= LG_MAX_CLASSES, "probs: (n, K), K <= LG_MAX_CLASSES");
    memset(out, 0, sizeof *out);
    out->n = n;
    out->n_classes = K;
    out->fid = NAN;
    /* predicted classes and the marginal p(y) = mean_i p(y | x_i) */
    double *py = lg_xcalloc(K, sizeof *py);
    for (size_t i = 0; i < n; i++) {
        const double *r = probs->data + i * probs->tda;
        size_t best = 0;
        for (size_t k = 0; k < K; k++) {
            py[k] += r[k] / (double)n;
            if (r[k] > r[best])
                best = k;
        }
        out->counts[best]++;
    }
    /* coverage: a class is present with at least 1% of the samples */
    out->min_class_frac = 1.0;
    for (size_t k = 0; k < K; k++) {
        double h = (double)out->counts[k] / (double)n;
        out->classes_present += out->counts[k] * 100 >= n;
        out->min_class_frac = fmin(out->min_class_frac, h);
        if (h > 0)
            out->kl_uniform += h * log(h * (double)K); /* KL(h || 1/K), 0 log 0 = 0 */
    }
    /* inception-style score (Salimans et al. 2016, Sec. 4):
     * exp(mean_i KL(p(y|x_i) || p(y))); a term with p(y|x_i) = 0 is 0 */
    double kl = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < K; k++) {
            double p = probs->data[i * probs->tda + k];
            if (p > 0)
                kl += p * (log(p) - log(py[k]));
        }
    out->inception_score = exp(kl / (double)n);
    free(py);
}

int lg_image_score(lg_classifier *c, const lg_feature_stats *ref, const gsl_matrix *samples, lg_image_scores *out)
{
    memset(out, 0, sizeof *out);
    out->fid = out->min_class_frac = out->kl_uniform = out->inception_score = NAN;
    int rc = check_samples(c, samples, "image scores");
    if (rc != LG_OK)
        return rc;
    size_t n = samples->size1, K = c->n_classes, d = c->body->out_dim;
    if (ref && ref->mu->size != d)
        return lg_seterr(LG_EINVAL, "image scores: reference statistics of %zu features, the classifier has %zu",
                         ref->mu->size, d);
    gsl_matrix *probs = gsl_matrix_alloc(n, K), *f = ref ? gsl_matrix_alloc(n, d) : NULL;
    lg_classifier_apply(c, samples, probs, f);
    if (!finite_matrix(probs) || (f && !finite_matrix(f))) {
        gsl_matrix_free(probs);
        gsl_matrix_free(f);
        return not_finite("image scores");
    }
    lg_class_scores(probs, out);
    gsl_matrix_free(probs);
    if (ref) {
        gsl_vector *mu = gsl_vector_alloc(d);
        gsl_matrix *cov = gsl_matrix_alloc(d, d);
        moments(f, mu, cov);
        rc = frechet(ref->mu, ref->sqrt_cov, ref->trace, mu, cov, &out->fid);
        gsl_vector_free(mu);
        gsl_matrix_free(cov);
        gsl_matrix_free(f);
    }
    return rc;
}
