/*
 * Alternative of Lab 01 (check/alternatives/sum-scale-jsd): a correct optimal.c
 * that differs from the reference. D* in log space, exp(log p - log(p + q)), with
 * the guard written as p == 0 && q == 0; C(G) through Theorem 1: the integrand
 * is KL(p || m) + KL(q || m) at x with the mixture m = (p + q)/2 (= 2 JSD, >= 0),
 * and C(G) = -log 4 + its integral; qag with the 61-point rule on 32 pieces, an
 * absolute tolerance only (1e-12 per piece, epsrel 0).
 */
#include <math.h>
#include <stddef.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include "litgan.h"

typedef double (*lab01_density)(double x, void *ctx);

double lab01_optimal_d(double p_data, double p_g);
double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi);

/* REGION optimal_d */
double lab01_optimal_d(double p_data, double p_g)
{
    if (p_data == 0.0 && p_g == 0.0)
        return 0.5;
    return exp(log(p_data) - log(p_data + p_g)); /* log 0 = -inf gives exp(-inf) = 0 */
}
/* END REGION */

/* REGION criterion */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

/* 0 log 0 = 0 */
static double kl_term(double a, double log_m)
{
    return a > 0 ? a * (log(a) - log_m) : 0.0;
}

static double criterion_integrand(double x, void *arg)
{
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    if (p == 0.0 && q == 0.0)
        return 0.0;
    /* log m = log(p + q) - log 2: halving first would round the smallest
     * subnormal density to 0, and log 0 = -inf would make its term +inf */
    double log_m = log(p + q) - log(2.0);
    return kl_term(p, log_m) + kl_term(q, log_m);
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    enum { N = 32, LIMIT = 100 };
    gsl_function f;
    f.function = criterion_integrand;
    f.params = &c;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(LIMIT);
    if (!w)
        return NAN;
    double two_jsd = 0, width = (hi - lo) / N;
    for (int i = 0; i < N; i++) {
        double a = lo + i * width, b = i == N - 1 ? hi : a + width, part, abserr;
        int status = gsl_integration_qag(&f, a, b, 1e-12, 0, LIMIT, GSL_INTEG_GAUSS61, w, &part, &abserr);
        if (status) {
            gsl_integration_workspace_free(w);
            return NAN;
        }
        two_jsd += part;
    }
    gsl_integration_workspace_free(w);
    return -log(4.0) + two_jsd; /* Theorem 1 */
}
/* END REGION */
