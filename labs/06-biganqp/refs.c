/*
 * refs.c - what Lab 06's visible and hidden tests share (built into lab.so and
 * hidden.so, never into the runner): BiGAN-QP's two objectives computed with
 * the library's own layers and their gradients by centred differences, the
 * grader's own reconstruction error, and random games. None of it calls
 * student code.
 */
#include "lab06.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>

/* Nets at one parameter vector [theta_D, theta_G, theta_E] (as the game orders
 * them); the arg's own parameters are overwritten by theta. */
typedef struct ref_nets {
    lg_net *G, *D, *E;
    size_t nd, ng, ne;
} ref_nets;

static int ref_open(const lg_lab06_game_arg *a, ref_nets *r)
{
    if (lg_lab06_nets(a, &r->G, &r->D, &r->E) != LG_OK)
        return 0;
    lg_net_params(r->D, &r->nd);
    lg_net_params(r->G, &r->ng);
    lg_net_params(r->E, &r->ne);
    return 1;
}

static void ref_set(ref_nets *r, const double *theta)
{
    size_t n;
    memcpy(lg_net_params(r->D, &n), theta, r->nd * sizeof *theta);
    memcpy(lg_net_params(r->G, &n), theta + r->nd, r->ng * sizeof *theta);
    memcpy(lg_net_params(r->E, &n), theta + r->nd + r->ng, r->ne * sizeof *theta);
}

static void ref_close(ref_nets *r)
{
    lg_net_free(r->G);
    lg_net_free(r->D);
    lg_net_free(r->E);
}

/* T([x, z]) for the rows of x: (B, xd) and z: (B, zd) into t: (B, 1). */
static void critic(lg_net *D, const gsl_matrix *x, const gsl_matrix *z, gsl_matrix *t)
{
    gsl_matrix *xz = gsl_matrix_alloc(x->size1, x->size2 + z->size2);
    for (size_t i = 0; i < x->size1; i++) {
        for (size_t j = 0; j < x->size2; j++)
            gsl_matrix_set(xz, i, j, gsl_matrix_get(x, i, j));
        for (size_t j = 0; j < z->size2; j++)
            gsl_matrix_set(xz, i, x->size2 + j, gsl_matrix_get(z, i, j));
    }
    lg_net_forward(D, xz, t);
    gsl_matrix_free(xz);
}

/* mean over every element of (a - b)^2 */
static double mse(const gsl_matrix *a, const gsl_matrix *b)
{
    double s = 0;
    size_t n = a->size1 * a->size2;
    for (size_t i = 0; i < n; i++)
        s += (a->data[i] - b->data[i]) * (a->data[i] - b->data[i]);
    return s / (double)n;
}

/* The objective with the live nets at live and the stopped ones (G inside the
 * latent guidance, E inside the image guidance) at frozen:
 *   D: mean_i( -Delta_i + Delta_i^2 / (2 d_i) ),
 *      Delta_i = T(x_i, E(x_i)) - T(G(z_i), z_i),
 *      d_i = lambda (mean_j |x_ij - G(z_i)_j| + mean_j |E(x_i)_j - z_ij|);
 *   G: mean_i Delta_i + beta1 mean (z - E(G_frozen(z)))^2 + beta2 mean (x - G(E_frozen(x)))^2. */
static double objective(const lg_lab06_game_arg *a, ref_nets *live, ref_nets *frozen)
{
    size_t B = a->batch, xd = lg_net_out_dim(live->G), zd = lg_net_in_dim(live->G);
    gsl_matrix *x = gsl_matrix_alloc(B, xd), *z = gsl_matrix_alloc(B, zd), *zr = gsl_matrix_alloc(B, zd),
               *xf = gsl_matrix_alloc(B, xd), *tr = gsl_matrix_alloc(B, 1), *tf = gsl_matrix_alloc(B, 1);
    memcpy(x->data, a->x_real, B * xd * sizeof(double));
    memcpy(z->data, a->z, B * zd * sizeof(double));
    lg_net_forward(live->E, x, zr);
    lg_net_forward(live->G, z, xf);
    critic(live->D, x, zr, tr);
    critic(live->D, xf, z, tf);
    double v = 0;
    if (a->player == LG_PLAYER_D) {
        for (size_t i = 0; i < B; i++) {
            double delta = tr->data[i] - tf->data[i], dx = 0, dz = 0;
            for (size_t j = 0; j < xd; j++)
                dx += fabs(gsl_matrix_get(x, i, j) - gsl_matrix_get(xf, i, j)) / (double)xd;
            for (size_t j = 0; j < zd; j++)
                dz += fabs(gsl_matrix_get(zr, i, j) - gsl_matrix_get(z, i, j)) / (double)zd;
            double d = a->lambda * (dx + dz);
            v += (-delta + delta * delta / (2 * d)) / (double)B;
        }
    } else {
        for (size_t i = 0; i < B; i++)
            v += (tr->data[i] - tf->data[i]) / (double)B;
        gsl_matrix *xs = gsl_matrix_alloc(B, xd), *zrec = gsl_matrix_alloc(B, zd), *zs = gsl_matrix_alloc(B, zd),
                   *xrec = gsl_matrix_alloc(B, xd);
        lg_net_forward(frozen->G, z, xs);  /* G_ng(z) */
        lg_net_forward(live->E, xs, zrec); /* E(G_ng(z)) */
        lg_net_forward(frozen->E, x, zs);  /* E_ng(x) */
        lg_net_forward(live->G, zs, xrec); /* G(E_ng(x)) */
        v += a->beta1 * mse(z, zrec) + a->beta2 * mse(x, xrec);
        gsl_matrix_free(xs);
        gsl_matrix_free(zrec);
        gsl_matrix_free(zs);
        gsl_matrix_free(xrec);
    }
    gsl_matrix_free(x);
    gsl_matrix_free(z);
    gsl_matrix_free(zr);
    gsl_matrix_free(xf);
    gsl_matrix_free(tr);
    gsl_matrix_free(tf);
    return v;
}

/* The value, then d/dtheta_k by centred differences of the live nets alone
 * (step 1e-5 max(1, |theta_k|): truncation about 1e-10, rounding about 1e-11). */
size_t lg_lab06_expected(const lg_lab06_game_arg *a, double *out)
{
    ref_nets live, frozen;
    if (!ref_open(a, &live))
        return 0;
    if (!ref_open(a, &frozen)) {
        ref_close(&live);
        return 0;
    }
    size_t n = live.nd + live.ng + live.ne;
    double theta[3 * LG_LAB06_PARAMS];
    memcpy(theta, a->theta_d, live.nd * sizeof *theta);
    memcpy(theta + live.nd, a->theta_g, live.ng * sizeof *theta);
    memcpy(theta + live.nd + live.ng, a->theta_e, live.ne * sizeof *theta);
    out[0] = objective(a, &live, &frozen);
    for (size_t k = 0; k < n; k++) {
        double t0 = theta[k], h = 1e-5 * fmax(1, fabs(t0));
        theta[k] = t0 + h;
        ref_set(&live, theta);
        double up = objective(a, &live, &frozen);
        theta[k] = t0 - h;
        ref_set(&live, theta);
        double down = objective(a, &live, &frozen);
        theta[k] = t0;
        ref_set(&live, theta);
        out[1 + k] = (up - down) / (2 * h);
    }
    ref_close(&live);
    ref_close(&frozen);
    return n + 1;
}

double lg_lab06_recon_ref(const double *x, const double *y, size_t n, size_t dim)
{
    if (n == 0 || dim == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n * dim; i++)
        s += (x[i] - y[i]) * (x[i] - y[i]) / 4;
    return s / (double)(n * dim);
}

void lg_lab06_by_class_ref(const double *x, const double *y, const int *labels, size_t n, size_t dim, size_t k,
                           double *out)
{
    for (size_t c = 0; c < k; c++) {
        double s = 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (labels[i] == (int)c) {
                s += lg_lab06_recon_ref(x + i * dim, y + i * dim, 1, dim);
                m++;
            }
        out[c] = m ? s / (double)m : NAN;
    }
}

lg_lab06_game_arg lg_lab06_random_game(const char *g, const char *d, const char *e, unsigned long seed,
                                       double scale, size_t batch, lg_player p)
{
    lg_lab06_game_arg a = { .lambda = 10, .beta1 = 2, .beta2 = 3, .player = p, .batch = batch };
    snprintf(a.g_spec, sizeof a.g_spec, "%s", g);
    snprintf(a.d_spec, sizeof a.d_spec, "%s", d);
    snprintf(a.e_spec, sizeof a.e_spec, "%s", e);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < LG_LAB06_PARAMS; i++) {
        a.theta_d[i] = scale * (2 * gsl_rng_uniform(r) - 1);
        a.theta_g[i] = scale * (2 * gsl_rng_uniform(r) - 1);
        a.theta_e[i] = scale * (2 * gsl_rng_uniform(r) - 1);
    }
    for (size_t i = 0; i < LG_LAB06_BATCH * LG_LAB06_DIM; i++) {
        a.x_real[i] = 2 * gsl_rng_uniform(r) - 1;
        a.z[i] = gsl_ran_gaussian(r, 1.0);
    }
    gsl_rng_free(r);
    return a;
}
