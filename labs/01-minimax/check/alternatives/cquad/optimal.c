/*
 * Alternative of Lab 01 (check/alternatives/cquad): a correct optimal.c that
 * differs from the reference (gan.c is the reference's). D* with the guard on
 * the densities themselves (both <= 0); the integrand through lab01_optimal_d
 * where D* is safe to use and through logs where it is not; GSL's doubly
 * adaptive CQUAD on 48 pieces.
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
    if (p_data <= 0 && p_g <= 0)
        return 0.5;
    return p_data / (p_data + p_g);
}
/* END REGION */

/* REGION criterion */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

static double criterion_integrand(double x, void *arg)
{
    /* Where p and q are within a factor of 1e6 of each other, D* and 1 - D* both lie
     * in [1e-6, 1 - 1e-6] and lose no digit worth having: log D* and log1p(-D*).
     * Elsewhere one of them is close to 0 or 1: logs of the densities. */
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx);
    if (p <= 0 && q <= 0)
        return 0;
    if (p > 1e-6 * q && q > 1e-6 * p) {
        double d = lab01_optimal_d(p, q);
        return p * log(d) + q * log1p(-d);
    }
    double ls = log(p + q), v = 0;
    if (p > 0)
        v += p * (log(p) - ls);
    if (q > 0)
        v += q * (log(q) - ls);
    return v;
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    enum { PIECES = 48 };
    gsl_integration_cquad_workspace *ws = gsl_integration_cquad_workspace_alloc(200);
    if (!ws)
        return NAN;
    gsl_function f = { criterion_integrand, &c };
    double sum = 0;
    int status = GSL_SUCCESS;
    for (int k = 0; k < PIECES && status == GSL_SUCCESS; k++) {
        double a = lo + (hi - lo) * k / PIECES, b = k == PIECES - 1 ? hi : lo + (hi - lo) * (k + 1) / PIECES;
        double r = 0, err;
        size_t nevals;
        status = gsl_integration_cquad(&f, a, b, 1e-13, 1e-10, ws, &r, &err, &nevals);
        sum += r;
    }
    gsl_integration_cquad_workspace_free(ws);
    return status == GSL_SUCCESS ? sum : NAN;
}
/* END REGION */
