/*
 * Alternative of Lab 01 (check/alternatives/handler-off-gk31): a correct
 * optimal.c that differs from the reference. D*'s guard as a comparison on the
 * sum; the integrand's 0 log 0 = 0 as isfinite checks on the logs (log 0 = -inf);
 * GSL's error handler switched off around the quadrature (GSL's default handler
 * aborts the program) and restored after it, so a failure comes back as a status;
 * qag with the 31-point rule on 100 pieces, epsabs 1e-13 per piece, epsrel 1e-9.
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
    double total = p_data + p_g;
    return total > 0.0 ? p_data / total : 0.5;
}
/* END REGION */

/* REGION criterion */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

static double criterion_integrand(double x, void *arg)
{
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    double lp = log(p), lq = log(q), ls = log(p + q); /* log 0 = -inf */
    double sum = 0.0;
    if (isfinite(lp))
        sum += p * (lp - ls);
    if (isfinite(lq))
        sum += q * (lq - ls);
    return sum;
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    const int n = 100;
    const size_t limit = 200;
    gsl_integration_workspace *work = gsl_integration_workspace_alloc(limit);
    if (work == NULL)
        return NAN;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_function f = { criterion_integrand, &c };
    double result = 0.0;
    for (int i = 0; i < n; i++) {
        double a = lo + (hi - lo) * i / n, b = (i == n - 1) ? hi : lo + (hi - lo) * (i + 1) / n;
        double piece = 0.0, err = 0.0;
        if (gsl_integration_qag(&f, a, b, 1e-13, 1e-9, limit, GSL_INTEG_GAUSS31, work, &piece, &err)) {
            result = NAN;
            break;
        }
        result += piece;
    }
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(work);
    return result;
}
/* END REGION */
