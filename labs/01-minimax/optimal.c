/*
 * optimal.c - Lab 01, Tasks 1.3 and 1.4: the optimal discriminator and the
 * generator's criterion C(G) (Goodfellow et al. 2014, Proposition 1 and Theorem 1).
 *
 * For a fixed generator with density p_g, D maximises
 *   V(D, G) = integral of  p_data(x) log D(x) + p_g(x) log(1 - D(x))  dx.
 * Pointwise, y -> a log y + b log(1 - y) (a, b >= 0, a + b > 0) peaks at y = a / (a + b),
 * so the best discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and
 *   C(G) = max_D V(D, G) = E_{p_data}[log D*(x)] + E_{p_g}[log(1 - D*(x))].
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 * so it may use litgan.h and GSL (no other file of this folder).
 */
#include <math.h>
#include <stddef.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include "litgan.h"

/* A probability density on the real line: its value at x; ctx holds its parameters. */
typedef double (*lab01_density)(double x, void *ctx);

double lab01_optimal_d(double p_data, double p_g);
double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi);

/* REGION optimal_d */
/* Task 1.3: D*(x) from the two densities at x, p_data = p_data(x) >= 0 and
 * p_g = p_g(x) >= 0. Where both vanish, every D(x) gives V the same value (both
 * terms have weight 0): this lab's convention is D*(x) = 1/2 there, "no evidence
 * either way", the value D* takes wherever p_data = p_g. */
double lab01_optimal_d(double p_data, double p_g)
{
    /* BEGIN SOLUTION Task 1.3 */
    double s = p_data + p_g;
    if (!(s > 0)) /* both vanish (or underflowed to 0): the convention */
        return 0.5;
    /* no epsilon in the denominator: densities far in the tails are tiny (1e-300)
     * but their ratio is still well defined */
    return p_data / s;
    /* END SOLUTION */
    /* STUB (void)p_data; (void)p_g; return lg_todo_value("Task 1.3"); */
}
/* END REGION */

/* REGION criterion */
/* The two densities, for the integrand. */
typedef struct criterion_ctx {
    lab01_density p, q;
    void *pctx, *qctx;
} criterion_ctx;

/* Task 1.4: the integrand of C(G) at x, p_data log D* + p_g log(1 - D*) (arg: a
 * criterion_ctx). */
static double criterion_integrand(double x, void *arg)
{
    /* BEGIN SOLUTION Task 1.4 */
    /* log D* = log p - log(p + q) and log(1 - D*) = log q - log(p + q): in logs, since
     * the ratio D* = p / (p + q) underflows to 0 when p is subnormal (1e-320) and q is
     * not, and 1e-320 * log(0) is -inf where the true term is about -7e-318.
     * 0 log 0 = 0: a term whose density is 0 contributes nothing. */
    const criterion_ctx *c = arg;
    double p = c->p(x, c->pctx), q = c->q(x, c->qctx), f = 0;
    double log_s = log(p + q); /* -inf where both vanish: then neither term is added */
    if (p > 0)
        f += p * (log(p) - log_s);
    if (q > 0)
        f += q * (log(q) - log_s);
    return f;
    /* END SOLUTION */
    /* STUB (void)x; (void)arg; return lg_todo_value("Task 1.4"); */
}

/* Task 1.4: C(G) by GSL quadrature over [lo, hi] (densities with no mass outside).
 * Returns NaN when the quadrature fails. */
double lab01_criterion(lab01_density p_data, void *data_ctx, lab01_density p_g, void *g_ctx,
                       double lo, double hi)
{
    criterion_ctx c = { p_data, p_g, data_ctx, g_ctx };
    /* BEGIN SOLUTION Task 1.4 */
    /* Adaptive Gauss-Kronrod (QAG, 21 points) on 64 equal pieces: one adaptive call
     * over a wide interval can sample a narrow mode at none of its first 21 nodes,
     * see the mode as absent and stop; pieces narrower than the modes cannot miss
     * them. */
    enum { PIECES = 64, LIMIT = 200 };
    gsl_function f = { criterion_integrand, &c };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(LIMIT);
    if (!ws)
        return NAN;
    double sum = 0, h = (hi - lo) / PIECES;
    int status = GSL_SUCCESS;
    for (int k = 0; k < PIECES && status == GSL_SUCCESS; k++) {
        double a = lo + k * h, b = (k + 1 == PIECES) ? hi : lo + (k + 1) * h, r, err;
        status = gsl_integration_qag(&f, a, b, 1e-13, 1e-10, LIMIT, GSL_INTEG_GAUSS21, ws, &r, &err);
        sum += r;
    }
    gsl_integration_workspace_free(ws);
    return status == GSL_SUCCESS ? sum : NAN;
    /* END SOLUTION */
    /* STUB (void)c; (void)lo; (void)hi; (void)criterion_integrand; return lg_todo_value("Task 1.4"); */
}
/* END REGION */
