/*
 * checks.c - Lab 05's checks, shared by grade.c and grade_hidden.c (see
 * grade05.h). The expected values come from refs.c (formulas in plain doubles,
 * centred differences) or from the closed forms a test passes in; diagnose()
 * holds the usual mistakes of each task, evaluated here, to name the one a
 * wrong value matches.
 */
#include "grade05.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct cand {
    double value;
    const char *hint;
} cand;

/* The hint of the first mistake whose value the actual one matches; else fallback. */
static const char *diagnose(double actual, const cand *c, size_t n, const char *fallback)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(c[i].value) && fabs(actual - c[i].value) <= 1e-9 * fmax(1, fabs(c[i].value)))
            return c[i].hint;
    return fallback;
}

/* ============================================================ Task 5.1 === */

static double dist_objective(const lg_lab05_game_arg *a, lg_player p, const double *theta)
{
    (void)p;
    double d[LG_LAB05_BATCH];
    return lg_lab05_dist_ref(a, theta + lg_lab05_count(a->d_spec), d);
}

void lab05_check_dist(const lg_lab05_game_arg *a, const char *in, const double *want)
{
    double theta[2 * LG_LAB05_PARAMS], out[2 + LG_LAB05_BATCH + LG_LAB05_PARAMS];
    double ref[LG_LAB05_BATCH], other[LG_LAB05_BATCH], sr[LG_LAB05_BATCH], sf[LG_LAB05_BATCH];
    size_t nd, ng, B = a->batch;
    lg_lab05_theta(a, theta, &nd, &ng);
    size_t xd = lg_lab05_pairs(a, theta, sr, sf, ref);
    lg_lab05_game_arg flip = *a;
    flip.l2 = !a->l2;
    lg_lab05_pairs(&flip, theta, sr, sf, other);
    if (!want)
        want = ref;
    if (!lg_grade_call("qp_dist", a, sizeof *a, out, 2 + B + ng, in))
        return;
    char what[400];
    snprintf(what, sizeof what, "%s; the rows of d", in);
    const char *shape = out[0] == 1 && out[1] == 1 ? "one number for the whole batch: reduce each row's coordinates "
                                                     "(lg_mean_rows), not the batch"
                      : out[0] == (double)B && out[1] == (double)B ? "(B, B) compares every real with every fake; "
                                                                    "GAN-QP pairs row i with row i only"
                      : out[1] == (double)xd ? "each pair's coordinates must be reduced to one number"
                                             : "d has one row per pair and one column: (B, 1)";
    bool ok = LG_GRADE_EXPECT(.input = what, .expected = (double)B, .actual = out[0], .tol = 0, .hint = shape);
    snprintf(what, sizeof what, "%s; the columns of d", in);
    ok = LG_GRADE_EXPECT(.input = what, .expected = 1, .actual = out[1], .tol = 0, .hint = shape) && ok;
    if (!ok)
        return;
    double mean = 0;
    for (size_t i = 0; i < B; i++)
        mean += ref[i] / (double)B;
    for (size_t i = 0; i < B; i++) {
        double n = (double)xd;
        cand c[] = {
            { a->l2 ? sqrt(n) * ref[i] : n * ref[i],
              a->l2 ? "the l2 distance here is the root MEAN square: sqrt of the mean over the coordinates, not of the sum"
                    : "the l1 distance here is the MEAN of |x_r - x_f| over the coordinates, not the sum" },
            { a->l2 ? ref[i] * ref[i] : NAN, "the l2 distance is the square root of the mean square" },
            { other[i], a->l2 ? "metric l2 asks for the root mean square; this is the l1 distance"
                              : "metric l1 (the default) asks for the mean absolute difference; this is the l2 one" },
            { B > 1 ? mean : NAN, "this is the batch's mean distance: each pair needs its own d_i" },
        };
        snprintf(what, sizeof what, "%s; d of pair %zu", in, i + 1);
        LG_GRADE_EXPECT(.input = what, .expected = want[i], .actual = out[2 + i], .tol = 1e-12,
                        .hint = diagnose(out[2 + i], c, sizeof c / sizeof c[0],
                                         "d_i compares row i of x_real with row i of x_fake (lg_sub, then a mean over "
                                         "the coordinates of each row)"),
                        .hints = { { LG_MISTAKE_NAN, "d_i is a mean over the coordinates: no 0/0 for distinct points" } });
    }
    double fd[LG_LAB05_PARAMS];
    lg_lab05_fd(dist_objective, a, LG_PLAYER_D, theta, nd, ng, fd);
    snprintf(what, sizeof what, "%s; d/d(G's parameter) of sum_i (i+1) d_i,", in);
    LG_GRADE_EXPECT_ALL(out + 2 + B, fd, ng, what, NULL, .tol = 1e-7,
                        .hint = "the distance must be built on the tape from x_real and x_fake (lg_sub, lg_abs or "
                                "lg_square and lg_sqrt, lg_mean_rows), so that its gradient reaches G",
                        .hints = { { LG_MISTAKE_ZERO, "no gradient reaches G: is x_fake detached?" } });
}

/* ============================================================ Task 5.2 === */

void lab05_check_loss(const lg_lab05_game_arg *a, const char *in)
{
    double theta[2 * LG_LAB05_PARAMS], out[1 + 2 * LG_LAB05_PARAMS], sr[LG_LAB05_BATCH], sf[LG_LAB05_BATCH],
        d[LG_LAB05_BATCH];
    size_t nd, ng, B = a->batch;
    lg_lab05_theta(a, theta, &nd, &ng);
    lg_lab05_pairs(a, theta, sr, sf, d);
    bool crit = a->player == LG_PLAYER_D;
    double expected = lg_lab05_loss_ref(a, a->player, theta);
    if (!lg_grade_call("qp_loss", a, sizeof *a, out, 1 + nd + ng, in))
        return;
    /* the usual mistakes, at the same scores and distances */
    double lam = a->lambda, md = 0, mdel = 0, v[10] = { 0 };
    for (size_t i = 0; i < B; i++) {
        md += d[i] / (double)B;
        mdel += (sr[i] - sf[i]) / (double)B;
    }
    for (size_t i = 0; i < B; i++) {
        double del = sr[i] - sf[i], q = del * del, b = (double)B;
        v[0] += (-del - q / (2 * lam * d[i])) / b; /* the quadratic term added */
        v[1] += (-del + q / (lam * d[i])) / b;     /* no 2 */
        v[2] += (-del + q / (2 * d[i])) / b;       /* no lambda */
        v[3] += (-del + lam * q / (2 * d[i])) / b; /* lambda multiplies */
        v[4] += (-del + q / (2 * lam * md)) / b;   /* the batch's mean distance */
        v[5] += (-del + q / (2 * lam)) / b;        /* no distance */
        v[6] += (del + q / (2 * lam * d[i])) / b;  /* Delta the other way round */
        v[7] += -sf[i] / b;                        /* G: WGAN's -E D(G(z)) */
    }
    v[8] = -mdel + mdel * mdel / (2 * lam * md); /* the quadratic of the means */
    v[9] = -mdel;                                /* no quadratic term */
    cand cd[] = {
        { v[0], "the critic maximises Delta - Delta^2 / (2 lambda d): minimising, the quadratic term is added" },
        { v[1], "the quadratic term is Delta^2 / (2 lambda d): the factor 2 is missing" },
        { v[2], "the quadratic term is divided by lambda (the plugin's parameter)" },
        { v[3], "lambda divides the quadratic term, it does not multiply it" },
        { v[4], "each pair's quadratic term uses its own d_i, not the batch's mean distance" },
        { v[5], "the quadratic term is divided by the pair's distance d_i (Task 5.1)" },
        { v[6], "Delta is T(x_r) - T(x_f): real minus fake" },
        { v[8], "the quadratic term is taken per pair, then averaged: mean(Delta^2 / d), not (mean Delta)^2 / mean d" },
        { v[9], "the quadratic term is missing: without it the critic's objective is unbounded (WGAN without a "
                "constraint)" },
    };
    cand cg[] = {
        { v[7], "the generator's objective is E[T(x_r) - T(x_f)]: the real scores are part of it" },
        { -mdel, "the generator minimises E[Delta] = E[T(x_r) - T(x_f)] (it wants its scores up)" },
    };
    const char *hint = crit ? diagnose(out[0], cd, sizeof cd / sizeof cd[0],
                                       "mean over the pairs of -Delta_i + Delta_i^2 / (2 lambda d_i)")
                            : diagnose(out[0], cg, sizeof cg / sizeof cg[0], "mean over the pairs of Delta_i");
    char what[400];
    snprintf(what, sizeof what, "%s; the value", in);
    LG_GRADE_EXPECT(.input = what, .expected = expected, .actual = out[0], .tol = 1e-10, .batch = (double)B,
                    .hint = hint,
                    .hints = { { LG_MISTAKE_SUM, "expectations over the pairs are means (lg_mean), not sums" },
                               { LG_MISTAKE_NAN, "d_i > 0 here: a NaN comes from a wrong distance or a log" },
                               { LG_MISTAKE_INF, "d_i > 0 here: an infinity comes from a wrong distance" } });
    double fd[2 * LG_LAB05_PARAMS];
    size_t from = crit ? 0 : nd, n = crit ? nd : ng;
    lg_lab05_fd(lg_lab05_loss_ref, a, a->player, theta, from, n, fd);
    snprintf(what, sizeof what, "%s; d/d(%s's parameter)", in, crit ? "D" : "G");
    LG_GRADE_EXPECT_ALL(out + 1 + from, fd, n, what, NULL, .tol = 1e-7, .batch = (double)B,
                        .hint = crit ? "the critic's scores enter through Delta in both terms"
                                     : "the gradient reaches G through D applied to G(z), without lg_stop_gradient",
                        .hints = { { LG_MISTAKE_ZERO, "no gradient reaches this player: is something detached?" },
                                   { LG_MISTAKE_SUM, "expectations over the pairs are means (lg_mean), not sums" } });
}

/* ============================================================ Task 5.3 === */

void lab05_check_closed(const lg_lab05_closed_arg *a, const char *in, const double *q, const double *gap,
                        const double *val)
{
    double out[3 * LG_LAB05_CLOSED_MAX];
    size_t n = a->n;
    if (!lg_grade_call("closed", a, sizeof *a, out, 3 * n, in))
        return;
    static const lg_grade_hint nan_hint[] = {
        { LG_MISTAKE_UNREPORTED, "with lambda <= 0 or d <= 0 there is no potential (no maximum): return NaN" },
        { LG_MISTAKE_NAN, "NaN only when lambda <= 0 or d <= 0" }
    };
    for (size_t i = 0; i < n; i++) {
        double D = a->delta[i], L = a->lambda[i], d = a->d[i];
        char what[300];
        cand cq[] = { { D - D * D / (L * d), "the quadratic term is Delta^2 / (2 lambda d): the 2 is missing" },
                      { D + D * D / (2 * L * d), "the potential subtracts the quadratic term" },
                      { D - L * D * D / (2 * d), "lambda divides the quadratic term" },
                      { D - D * D / (2 * L), "the quadratic term is divided by d too" } };
        cand cg[] = { { 2 * L * d, "set q'(Delta) = 1 - Delta / (lambda d) to zero" },
                      { L / d, "q'(Delta) = 1 - Delta / (lambda d): solve for Delta" },
                      { 1 / (L * d), "q'(Delta) = 1 - Delta / (lambda d): solve for Delta" } };
        cand cv[] = { { L * d / 4, "q(Delta*) = Delta* - Delta*^2 / (2 lambda d) with Delta* = lambda d" },
                      { 1.5 * L * d, "the quadratic term is subtracted at the optimum too" } };
        snprintf(what, sizeof what, "%s; q of triple %zu", in, i + 1);
        lg_grade_expect e = { .input = what, .expected = q[i], .actual = out[i], .tol = 1e-13,
                              .hint = diagnose(out[i], cq, 4, "q(Delta) = Delta - Delta^2 / (2 lambda d)") };
        memcpy(e.hints, nan_hint, sizeof nan_hint);
        lg_grade_check(&e, __FILE__, __LINE__);
        snprintf(what, sizeof what, "%s; Delta* of triple %zu", in, i + 1);
        e.expected = gap[i];
        e.actual = out[n + i];
        e.hint = diagnose(out[n + i], cg, 3, "the maximiser of a concave parabola: where its derivative vanishes");
        lg_grade_check(&e, __FILE__, __LINE__);
        snprintf(what, sizeof what, "%s; q(Delta*) of triple %zu", in, i + 1);
        e.expected = val[i];
        e.actual = out[2 * n + i];
        e.hint = diagnose(out[2 * n + i], cv, 2, "evaluate q at its maximiser");
        lg_grade_check(&e, __FILE__, __LINE__);
    }
}

/* lambda d(x_r, x_f) as a function of x_f, for centred differences. */
static double lambda_d(const lg_lab05_grad_arg *a, const double *xf)
{
    double s = 0;
    for (size_t j = 0; j < a->n; j++)
        s += a->l2 ? (xf[j] - a->x_real[j]) * (xf[j] - a->x_real[j]) : fabs(xf[j] - a->x_real[j]);
    return a->lambda * (a->l2 ? sqrt(s / (double)a->n) : s / (double)a->n);
}

void lab05_check_grad(const lg_lab05_grad_arg *a, const char *in, const double *want, double norm)
{
    double out[1 + 3 * LG_LAB05_GRAD_MAX], fd[LG_LAB05_GRAD_MAX], xf[LG_LAB05_GRAD_MAX];
    size_t n = a->n;
    if (!lg_grade_call("opt_grad", a, sizeof *a, out, 1 + 3 * n, in))
        return;
    char what[300];
    snprintf(what, sizeof what, "%s; the norm", in);
    LG_GRADE_EXPECT(.input = what, .expected = norm, .actual = out[0], .tol = 1e-12, .rel = true,
                    .hint = isnan(norm) ? "no answer here (n = 0, lambda <= 0, or the two points equal): return NaN"
                                        : "the Euclidean norm of the gradient you wrote into grad",
                    .hints = { { LG_MISTAKE_UNREPORTED,
                                 "no answer here (n = 0, lambda <= 0, or the two points equal): return NaN" } });
    if (isnan(norm))
        return;
    if (!want) { /* centred differences of lambda d in x_f (kinks of l1 avoided by the inputs) */
        memcpy(xf, a->x_fake, n * sizeof *xf);
        for (size_t j = 0; j < n; j++) {
            double h = 1e-6 * fmax(1, fabs(xf[j]));
            xf[j] = a->x_fake[j] + h;
            double up = lambda_d(a, xf);
            xf[j] = a->x_fake[j] - h;
            fd[j] = (up - lambda_d(a, xf)) / (2 * h);
            xf[j] = a->x_fake[j];
        }
        want = fd;
    }
    snprintf(what, sizeof what, "%s; gradient coordinate", in);
    LG_GRADE_EXPECT_ALL(out + 1, want, n, what, NULL, .tol = want == fd ? 1e-7 : 1e-13,
                        .hint = a->l2 ? "d sqrt(mean u^2) / du_j = u_j / (n d) with u = x_f - x_r, times lambda"
                                      : "d mean|u| / du_j = sign(u_j) / n with u = x_f - x_r (0 where u_j = 0), times "
                                        "lambda",
                        .hints = { { LG_MISTAKE_SIGN, "the gradient with respect to x_fake: u = x_f - x_r" },
                                   { LG_MISTAKE_SUM, "d is a mean over the n coordinates: its gradient has a 1/n" },
                                   { LG_MISTAKE_NAN, "write every coordinate of grad" } });
    snprintf(what, sizeof what, "%s; x_real after the call, value", in);
    LG_GRADE_EXPECT_ALL(out + 1 + n, a->x_real, n, what, NULL, .tol = 0, .hint = "x_real and x_fake are inputs");
    snprintf(what, sizeof what, "%s; x_fake after the call, value", in);
    LG_GRADE_EXPECT_ALL(out + 1 + 2 * n, a->x_fake, n, what, NULL, .tol = 0, .hint = "x_real and x_fake are inputs");
}
