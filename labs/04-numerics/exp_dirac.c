/*
 * exp_dirac.c - the closed-form parts of `litgan lab 04`, computed with the
 * student's dirac.c (Task 4.1) and eigen.c (Tasks 4.2, 4.4):
 *   field_LOSS.csv   the Dirac-GAN's descent direction -v on a grid (quiver)
 *   traj_LOSS.csv    simultaneous and alternating steps from the start
 *   eig.csv          eigenvalues of the consensus field's Jacobian at the
 *                    equilibrium for gamma over a range, and h_max
 *   spurious.csv, spur_traj.csv   |v| and |w| on a grid of the non-saturating
 *                    Dirac-GAN, and consensus steps into a spurious stationary
 *                    point of w = v + gamma_big J^T v
 * LOSS is minimax, nonsat or wgan. Points are (psi, theta) inside, written
 * theta first (the horizontal axis of the figures, as in Mescheder et al. 2018).
 */
#include "exp.h"

#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>

void exp_note(exp_results *r, const char *text)
{
    size_t n = strlen(r->notes);
    snprintf(r->notes + n, sizeof r->notes - n, "%s\n\n", text);
}

static const char *const loss_file[3] = { "minimax", "nonsat", "wgan" };

/* The consensus field w = v + gamma J^T v of the student's Dirac-GAN. */
typedef struct wctx {
    const exp_student *s;
    int loss;
    double gamma;
} wctx;

static int wfield(const double *x, double *w, void *ctx)
{
    const wctx *c = ctx;
    double v[2], J[4];
    if (c->s->field(c->loss, x[0], x[1], v) != 0 || c->s->jacobian(c->loss, x[0], x[1], J) != 0)
        return -1;
    w[0] = v[0] + c->gamma * (J[0] * v[0] + J[2] * v[1]);
    w[1] = v[1] + c->gamma * (J[1] * v[0] + J[3] * v[1]);
    return 0;
}

/* ------------------------------------------------- quiver and steps --- */

static int write_field(const exp_config *c, const exp_student *s, int loss, const char *dir)
{
    char name[64];
    snprintf(name, sizeof name, "field_%s.csv", loss_file[loss]);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 04: the %s Dirac-GAN's descent direction -v / |v| (dirac.c)\n"
               "theta,psi,dtheta,dpsi,speed\n", loss_file[loss]);
    long n = c->arrows;
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            double th = -c->lim + 2 * c->lim * (double)i / (double)(n - 1);
            double ps = -c->lim + 2 * c->lim * (double)j / (double)(n - 1), v[2];
            s->field(loss, ps, th, v);
            double sp = hypot(v[0], v[1]);
            fprintf(f, "%.6g,%.6g,%.6g,%.6g,%.6g\n", th, ps, sp > 0 ? -v[1] / sp : 0, sp > 0 ? -v[0] / sp : 0, sp);
        }
    return lg_labkit_fclose(f, dir, name);
}

/* Simultaneous: both from the same point. Alternating: D first, then G at D's
 * new psi (the runner's order). */
static int write_traj(const exp_config *c, const exp_student *s, int loss, const char *dir, exp_results *r)
{
    char name[64];
    snprintf(name, sizeof name, "traj_%s.csv", loss_file[loss]);
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 04: the %s Dirac-GAN, %ld gradient steps of %g from (theta, psi) = (%g, %g)\n"
               "step,sim_theta,sim_psi,alt_theta,alt_psi,sim_r,alt_r\n",
            loss_file[loss], c->steps, c->h, c->start[0], c->start[1]);
    double sp = c->start[1], st = c->start[0], ap = sp, at = st, h = c->h;
    r->r_alt_max[loss] = 0, r->r_alt_min[loss] = INFINITY;
    for (long k = 0; k <= c->steps; k++) {
        double rs = hypot(sp, st), ra = hypot(ap, at);
        fprintf(f, "%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", k, st, sp, at, ap, rs, ra);
        r->r_alt_max[loss] = fmax(r->r_alt_max[loss], ra);
        r->r_alt_min[loss] = fmin(r->r_alt_min[loss], ra);
        double v[2];
        s->field(loss, sp, st, v);
        sp -= h * v[0], st -= h * v[1];
        s->field(loss, ap, at, v);
        ap -= h * v[0];
        s->field(loss, ap, at, v);
        at -= h * v[1];
    }
    r->r_sim[loss] = hypot(sp, st), r->r_alt[loss] = hypot(ap, at);
    /* the linearisation at (0, 0): |1 - h mu| of J's eigenvalues, and the
     * alternating map's determinant (1 - h J00)(1 - h J11) */
    double J[4], re[2], im[2];
    s->jacobian(loss, 0, 0, J);
    lg_lab04_eig2(J, re, im);
    r->growth_sim[loss] = fmax(hypot(1 - h * re[0], h * im[0]), hypot(1 - h * re[1], h * im[1]));
    r->det_alt[loss] = (1 - h * J[0]) * (1 - h * J[3]);
    return lg_labkit_fclose(f, dir, name);
}

/* ----------------------------------------------- eigenvalues and gamma --- */

/* Closed forms at the equilibrium: J^T J = I/4 (minimax), I (WGAN), so
 * J + gamma J^T J has eigenvalues gamma/4 +- i/2 and gamma +- i. */
static void closed(int loss, double gamma, double re[2], double im[2], double *hmax)
{
    double a = loss == LG_LAB04_WGAN ? gamma : gamma / 4, b = loss == LG_LAB04_WGAN ? 1 : 0.5;
    re[0] = re[1] = a, im[0] = b, im[1] = -b;
    *hmax = lg_lab04_max_step_ref(2, re, im);
}

static int write_eig(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    FILE *f = lg_labkit_fopen(dir, "eig.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 04: eigenvalues of J + gamma J^T J at the equilibrium (eigen.c on the consensus "
               "field of dirac.c), h_max (eigen.c), and their closed forms\n"
               "gamma,mm_re1,mm_im1,mm_re2,mm_im2,mm_h,mm_re_ref,mm_im_ref,mm_h_ref,"
               "w_re1,w_im1,w_re2,w_im2,w_h,w_re_ref,w_im_ref,w_h_ref\n");
    static const int losses[2] = { LG_LAB04_MINIMAX, LG_LAB04_WGAN };
    long n = (long)c->gammas[2];
    r->eig_dev = 0;
    r->best_h[0] = r->best_h[1] = -1;
    for (long i = 0; i < n; i++) {
        double gamma = c->gammas[0] + (c->gammas[1] - c->gammas[0]) * (double)i / (double)(n - 1);
        fprintf(f, "%.6g", gamma);
        for (int k = 0; k < 2; k++) {
            wctx w = { s, losses[k], gamma };
            double x[2] = { 0, 0 }, re[2] = { NAN, NAN }, im[2] = { NAN, NAN }, rr[2], ri[2], href;
            if (s->eigen && s->eigen(wfield, &w, 2, x, re, im) != 0)
                re[0] = re[1] = im[0] = im[1] = NAN;
            double hm = s->max_step && !isnan(re[0]) ? s->max_step(2, re, im) : NAN;
            closed(losses[k], gamma, rr, ri, &href);
            for (int j = 0; j < 2; j++)
                r->eig_dev = fmax(r->eig_dev, isnan(re[j]) ? INFINITY : hypot(re[j] - rr[j], im[j] - ri[j]));
            if (hm > r->best_h[k])
                r->best_h[k] = hm, r->best_gamma[k] = gamma;
            if (i == 0)
                for (int j = 0; j < 2; j++)
                    r->eq_re[k][j] = re[j], r->eq_im[k][j] = im[j];
            fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", re[0], im[0], re[1], im[1], hm, rr[0], ri[0], href);
        }
        fprintf(f, "\n");
    }
    return lg_labkit_fclose(f, dir, "eig.csv");
}

/* ------------------------------------------------ the spurious point --- */

static int gsl_w(const gsl_vector *x, void *ctx, gsl_vector *out)
{
    double w[2];
    if (wfield(x->data, w, ctx) != 0)
        return GSL_EFAILED;
    gsl_vector_set(out, 0, w[0]);
    gsl_vector_set(out, 1, w[1]);
    return GSL_SUCCESS;
}

/* A root of w with |v| > 1e-3 whose consensus Jacobian has both eigenvalues in
 * the right half-plane (an attractor of descent on w), by GSL's hybrid method
 * from starts on a grid; false when none is found. */
static bool find_spurious(const exp_student *s, wctx *w, exp_results *r)
{
    gsl_multiroot_function F = { gsl_w, 2, w };
    gsl_multiroot_fsolver *sv = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, 2);
    gsl_vector *x = gsl_vector_alloc(2);
    bool found = false;
    for (int i = 0; i < 41 && !found; i++)
        for (int j = 0; j < 21 && !found; j++) {
            gsl_vector_set(x, 0, -2 + 0.2 * j);  /* psi */
            gsl_vector_set(x, 1, -10 + 0.5 * i); /* theta */
            if (gsl_multiroot_fsolver_set(sv, &F, x) != GSL_SUCCESS)
                continue;
            int st = GSL_CONTINUE;
            for (int it = 0; it < 200 && st == GSL_CONTINUE; it++)
                st = gsl_multiroot_fsolver_iterate(sv) ? GSL_EFAILED : gsl_multiroot_test_residual(sv->f, 1e-12);
            if (st != GSL_SUCCESS)
                continue;
            double p = gsl_vector_get(sv->x, 0), t = gsl_vector_get(sv->x, 1), v[2], re[2], im[2];
            s->field(w->loss, p, t, v);
            /* inside the figure's window, |psi| < 1.5 and |theta| < 12 */
            if (fabs(p) > 1.5 || fabs(t) > 12 || hypot(v[0], v[1]) < 1e-3 || s->eigen(wfield, w, 2, sv->x->data, re, im) != 0 || !(re[1] > 0))
                continue;
            found = true;
            r->spur_psi = p, r->spur_theta = t, r->spur_v = hypot(v[0], v[1]);
            r->spur_w = hypot(gsl_vector_get(sv->f, 0), gsl_vector_get(sv->f, 1));
            memcpy(r->spur_re, re, sizeof re);
            memcpy(r->spur_im, im, sizeof im);
        }
    gsl_vector_free(x);
    gsl_multiroot_fsolver_free(sv);
    return found;
}

static int write_spurious(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    wctx w = { s, LG_LAB04_NONSAT, c->gamma_big };
    gsl_error_handler_t *old = gsl_set_error_handler_off(); /* statuses are checked */
    r->spur_found = find_spurious(s, &w, r);
    gsl_set_error_handler(old);
    FILE *f = lg_labkit_fopen(dir, "spurious.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 04: the non-saturating Dirac-GAN, log10 |v| and log10 |v + gamma J^T v| at "
               "gamma = %g\ntheta,psi,log_v,log_w\n", c->gamma_big);
    for (int i = 0; i <= 120; i++) {
        for (int j = 0; j <= 60; j++) {
            double x[2] = { -1.5 + 3.0 * j / 60, -12 + 24.0 * i / 120 }, v[2], wv[2];
            s->field(LG_LAB04_NONSAT, x[0], x[1], v);
            wfield(x, wv, &w);
            fprintf(f, "%.6g,%.6g,%.6g,%.6g\n", x[1], x[0], log10(hypot(v[0], v[1]) + 1e-12),
                    log10(hypot(wv[0], wv[1]) + 1e-12));
        }
        fprintf(f, "\n"); /* gnuplot's grid rows */
    }
    int rc = lg_labkit_fclose(f, dir, "spurious.csv");
    if (rc != LG_OK)
        return rc;
    /* consensus descent from a start near it, at half the largest stable step there */
    if (!(f = lg_labkit_fopen(dir, "spur_traj.csv")))
        return LG_EIO;
    fprintf(f, "# litgan lab 04: consensus steps (gamma = %g) on the non-saturating Dirac-GAN\nstep,theta,psi,v\n",
            c->gamma_big);
    if (r->spur_found) {
        r->spur_h = 0.5 * s->max_step(2, r->spur_re, r->spur_im);
        double x[2] = { r->spur_psi + 0.3, r->spur_theta * 0.7 }, v[2], wv[2];
        for (long k = 0; k <= 40000; k++) {
            if (k % 200 == 0) {
                s->field(LG_LAB04_NONSAT, x[0], x[1], v);
                fprintf(f, "%ld,%.9g,%.9g,%.9g\n", k, x[1], x[0], hypot(v[0], v[1]));
            }
            wfield(x, wv, &w);
            x[0] -= r->spur_h * wv[0], x[1] -= r->spur_h * wv[1];
        }
        r->spur_end[0] = x[0], r->spur_end[1] = x[1];
    } else {
        fprintf(f, "0,NaN,NaN,NaN\n");
    }
    return lg_labkit_fclose(f, dir, "spur_traj.csv");
}

int exp_dirac_part(const exp_config *c, const exp_student *s, const char *dir, exp_results *r)
{
    int rc = LG_OK;
    if (!s->field || !s->jacobian) {
        exp_note(r, "Task 4.1 is not implemented yet: the Dirac-GAN's fields, trajectories and eigenvalues "
                    "are left out.");
        return LG_OK;
    }
    for (int loss = 0; loss < 3 && rc == LG_OK; loss++)
        if ((rc = write_field(c, s, loss, dir)) == LG_OK)
            rc = write_traj(c, s, loss, dir, r);
    if (rc != LG_OK)
        return rc;
    if (!s->eigen || !s->max_step) {
        exp_note(r, "Tasks 4.2 and 4.4 are not both implemented yet: the eigenvalues and the spurious point "
                    "are left out.");
        return LG_OK;
    }
    if ((rc = write_eig(c, s, dir, r)) != LG_OK)
        return rc;
    return write_spurious(c, s, dir, r);
}
