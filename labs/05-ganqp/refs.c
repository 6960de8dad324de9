/*
 * refs.c - what Lab 05's visible and hidden tests share (built into lab.so and
 * hidden.so, never into the runner): the GAN-QP objectives and the per-pair
 * distances from their formulas in plain doubles, and centred differences of
 * them. None of it calls student code, and none of it uses the tape: the nets
 * are evaluated by lg_net_forward, the rest is arithmetic written out here.
 */
#include "lab05.h"

#include <math.h>
#include <string.h>

size_t lg_lab05_count(const char *spec)
{
    lg_net *n = NULL;
    size_t k = 0;
    if (lg_net_parse(spec, &n) == LG_OK)
        lg_net_params(n, &k);
    lg_net_free(n);
    return k;
}

void lg_lab05_theta(const lg_lab05_game_arg *a, double *theta, size_t *nd, size_t *ng)
{
    *nd = lg_lab05_count(a->d_spec);
    *ng = lg_lab05_count(a->g_spec);
    memcpy(theta, a->theta_d, *nd * sizeof *theta);
    memcpy(theta + *nd, a->theta_g, *ng * sizeof *theta);
}

/* The scores s_real, s_fake (B each), the fakes x_f (B, x_dim) at theta; the
 * x dimension, or 0 when the nets do not parse. */
static size_t forward(const lg_lab05_game_arg *a, const double *theta, double *s_real, double *s_fake, double *x_f)
{
    lg_net *G = NULL, *D = NULL;
    size_t xd = 0;
    if (lg_net_parse(a->g_spec, &G) == LG_OK && lg_net_parse(a->d_spec, &D) == LG_OK) {
        size_t nd, ng, B = a->batch, zd = lg_net_in_dim(G);
        xd = lg_net_in_dim(D);
        double *td = lg_net_params(D, &nd), *tg = lg_net_params(G, &ng);
        memcpy(td, theta, nd * sizeof *theta);
        memcpy(tg, theta + nd, ng * sizeof *theta);
        gsl_matrix *z = gsl_matrix_alloc(B, zd), *xr = gsl_matrix_alloc(B, xd), *xf = gsl_matrix_alloc(B, xd),
                   *s = gsl_matrix_alloc(B, 1);
        memcpy(z->data, a->z, B * zd * sizeof(double));
        memcpy(xr->data, a->x_real, B * xd * sizeof(double));
        lg_net_forward(G, z, xf);
        memcpy(x_f, xf->data, B * xd * sizeof(double));
        lg_net_forward(D, xr, s);
        memcpy(s_real, s->data, B * sizeof(double));
        lg_net_forward(D, xf, s);
        memcpy(s_fake, s->data, B * sizeof(double));
        gsl_matrix_free(z);
        gsl_matrix_free(xr);
        gsl_matrix_free(xf);
        gsl_matrix_free(s);
    }
    lg_net_free(G);
    lg_net_free(D);
    return xd;
}

/* d_i = (1/n) sum_j |x_r,ij - x_f,ij| (l1) or sqrt((1/n) sum_j (x_r,ij - x_f,ij)^2) (l2). */
static double pair_distance(const double *xr, const double *xf, size_t n, int l2)
{
    double s = 0;
    for (size_t j = 0; j < n; j++)
        s += l2 ? (xr[j] - xf[j]) * (xr[j] - xf[j]) : fabs(xr[j] - xf[j]);
    return l2 ? sqrt(s / (double)n) : s / (double)n;
}

double lg_lab05_loss_ref(const lg_lab05_game_arg *a, lg_player p, const double *theta)
{
    double sr[LG_LAB05_BATCH], sf[LG_LAB05_BATCH], xf[LG_LAB05_BATCH * LG_LAB05_DIM], v = 0;
    size_t xd = forward(a, theta, sr, sf, xf), B = a->batch;
    if (xd == 0)
        return NAN;
    for (size_t i = 0; i < B; i++) {
        double delta = sr[i] - sf[i];
        if (p == LG_PLAYER_G) {
            v += delta / (double)B;
        } else {
            double d = pair_distance(a->x_real + i * xd, xf + i * xd, xd, a->l2);
            v += (-delta + delta * delta / (2 * a->lambda * d)) / (double)B;
        }
    }
    return v;
}

size_t lg_lab05_pairs(const lg_lab05_game_arg *a, const double *theta, double *s_real, double *s_fake, double *d)
{
    double xf[LG_LAB05_BATCH * LG_LAB05_DIM];
    size_t xd = forward(a, theta, s_real, s_fake, xf);
    for (size_t i = 0; xd && i < a->batch; i++)
        d[i] = pair_distance(a->x_real + i * xd, xf + i * xd, xd, a->l2);
    return xd;
}

double lg_lab05_dist_ref(const lg_lab05_game_arg *a, const double *theta_g, double *d)
{
    double theta[2 * LG_LAB05_PARAMS], sr[LG_LAB05_BATCH], sf[LG_LAB05_BATCH], xf[LG_LAB05_BATCH * LG_LAB05_DIM];
    size_t nd = lg_lab05_count(a->d_spec), ng = lg_lab05_count(a->g_spec);
    memcpy(theta, a->theta_d, nd * sizeof *theta);
    memcpy(theta + nd, theta_g, ng * sizeof *theta);
    size_t xd = forward(a, theta, sr, sf, xf);
    if (xd == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < a->batch; i++) {
        d[i] = pair_distance(a->x_real + i * xd, xf + i * xd, xd, a->l2);
        s += (double)(i + 1) * d[i];
    }
    return s;
}

void lg_lab05_fd(lg_lab05_fn f, const lg_lab05_game_arg *a, lg_player p, const double *theta, size_t from, size_t n,
                 double *grad)
{
    double t[2 * LG_LAB05_PARAMS];
    size_t all = lg_lab05_count(a->d_spec) + lg_lab05_count(a->g_spec);
    memcpy(t, theta, all * sizeof *t);
    for (size_t k = from; k < from + n; k++) {
        double h = 1e-6 * fmax(1, fabs(theta[k]));
        t[k] = theta[k] + h;
        double up = f(a, p, t);
        t[k] = theta[k] - h;
        double down = f(a, p, t);
        t[k] = theta[k];
        grad[k - from] = (up - down) / (2 * h);
    }
}
