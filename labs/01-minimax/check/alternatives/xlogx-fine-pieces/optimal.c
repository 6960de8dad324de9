/*
 * Alternative of Lab 01 (check/alternatives/xlogx-fine-pieces): a correct
 * optimal.c that differs from the reference (gan.c is the reference's). D* as
 * the logistic function of the log-ratio, 1 / (1 + exp(log q - log p)), guarded
 * where p + q <= 0; the integrand expanded into entropy terms,
 *   p log p + q log q - (p + q) log(p + q),  with x log x = 0 at x = 0,
 * and as many pieces as the interval holds widths of 0.1 (at least 8), each
 * integrated by qag with the 15-point rule.
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
    if (p_data + p_g <= 0)
        return 0.5;
    /* p_data = 0: exp(+inf) = inf and 1/inf = 0; p_g = 0: exp(-inf) = 0 and D* = 1 */
    return 1.0 / (1.0 + exp(log(p_g) - log(p_data)));
}
/* END REGION */

/* REGION criterion */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

static double xlogx(double v)
{
    return v > 0 ? v * log(v) : 0.0;
}

static double criterion_integrand(double x, void *arg)
{
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    return xlogx(p) + xlogx(q) - xlogx(p + q);
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    const double max_width = 0.1;
    long n = (long)ceil((hi - lo) / max_width);
    if (n < 8)
        n = 8;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(100);
    if (!ws)
        return NAN;
    gsl_function f = { criterion_integrand, &c };
    double h = (hi - lo) / (double)n, total = 0;
    int status = GSL_SUCCESS;
    for (long k = 0; k < n; k++) {
        double r, e;
        status = gsl_integration_qag(&f, lo + (double)k * h, k == n - 1 ? hi : lo + (double)(k + 1) * h, 1e-13,
                                     1e-10, 100, GSL_INTEG_GAUSS15, ws, &r, &e);
        if (status != GSL_SUCCESS)
            break;
        total += r;
    }
    gsl_integration_workspace_free(ws);
    return status == GSL_SUCCESS ? total : NAN;
}
/* END REGION */
