/*
 * Alternative of Lab 01 (check/alternatives/lse-by-hand): a correct optimal.c
 * that differs from the reference. D* = 1 / (1 + q/p) with its guards (q/p may
 * overflow to inf for a subnormal p: 1/(1 + inf) = 0, which is D* to within
 * 1e-308); the integrand in the "entropy" form with the smaller-over-larger ratio
 * r in [0, 1] and log1p; GSL's qags (with extrapolation) on 64 pieces.
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
    if (p_data > 0)
        return 1.0 / (1.0 + p_g / p_data);
    return p_g > 0 ? 0.0 : 0.5; /* only p_g has mass / nothing has: the convention */
}
/* END REGION */

/* REGION criterion */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

static double criterion_integrand(double x, void *arg)
{
    /* With big = max(p, q), small = min(p, q), r = small / big:
     *   log(p + q) = log big + log1p(r), so
     *   p log(p/(p+q)) + q log(q/(p+q)) = small (log small - log big) - (p + q) log1p(r). */
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    double big = fmax(p, q), small = fmin(p, q);
    if (big == 0)
        return 0;
    double f = -(p + q) * log1p(small / big);
    if (small > 0)
        f += small * (log(small) - log(big));
    return f;
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    const int pieces = 64;
    const size_t limit = 500;
    gsl_function f = { criterion_integrand, &c };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(limit);
    if (ws == NULL)
        return NAN;
    double total = 0;
    int failed = 0;
    for (int k = 0; k < pieces && !failed; k++) {
        double a = lo + (hi - lo) * k / pieces, b = lo + (hi - lo) * (k + 1) / pieces, r, err;
        failed = gsl_integration_qags(&f, a, b, 1e-12, 1e-10, limit, ws, &r, &err) != GSL_SUCCESS;
        total += r;
    }
    gsl_integration_workspace_free(ws);
    return failed ? NAN : total;
}
/* END REGION */
