/*
 * Alternative of Lab 01 (check/alternatives/identity-qagp): a correct optimal.c
 * that differs from the reference. D* with the guard on the result (0/0 is the
 * only NaN p/(p + q) can give for densities); the integrand through log D* and
 * log(1 - D*) taken as differences of logs, each term only where its density is
 * positive; 64 pieces in 8 groups, the pieces' ends as the break points of one
 * gsl_integration_qagp call a group.
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
    double d = p_data / (p_data + p_g);
    if (isnan(d)) /* 0 / 0: both densities vanish */
        d = 0.5;
    return d;
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
    const double p = c->p(x, c->pctx), q = c->q(x, c->qctx), s = p + q;
    double v = 0;
    if (p != 0) {
        double log_dstar = log(p) - log(s);
        v += p * log_dstar;
    }
    if (q != 0) {
        double log_one_minus_dstar = log(q) - log(s);
        v += q * log_one_minus_dstar;
    }
    return v;
}

double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    /* 64 pieces in 8 groups: one qagp call a group, its 9 break points the
     * pieces' ends (qagp bisects from them, with the extrapolation of qags;
     * over the whole interval at once the extrapolation reports roundoff on
     * narrow modes, GSL_EROUND) */
    enum { GROUPS = 8, PTS = 9, LIMIT = 1000 };
    gsl_function f = { &criterion_integrand, &c };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(LIMIT);
    if (!ws)
        return NAN;
    double result = 0;
    for (int g = 0; g < GROUPS; g++) {
        double pts[PTS], r, abserr;
        for (int i = 0; i < PTS; i++)
            pts[i] = lo + (hi - lo) * (g * (PTS - 1) + i) / (GROUPS * (PTS - 1));
        if (g == GROUPS - 1)
            pts[PTS - 1] = hi;
        if (gsl_integration_qagp(&f, pts, PTS, 1e-12, 1e-10, LIMIT, ws, &r, &abserr) != GSL_SUCCESS) {
            gsl_integration_workspace_free(ws);
            return NAN;
        }
        result += r;
    }
    gsl_integration_workspace_free(ws);
    return result;
}
/* END REGION */
