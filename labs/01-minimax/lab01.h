/*
 * lab01.h - what Lab 01's grade.c, grade_hidden.c, refs.c and experiment.c
 * share (not student code: the student's files are gan.c and optimal.c). The
 * probes and the lab kit are the course library's (litgan/course.h).
 */
#ifndef LG_LAB01_H
#define LG_LAB01_H

#include "litgan/course.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The student's functions in optimal.c, looked up by name (never linked in). */
typedef double (*lg_lab01_density_fn)(double x, void *ctx);
typedef double (*lg_lab01_optimal_d_fn)(double p_data, double p_g);
typedef double (*lg_lab01_criterion_fn)(lg_lab01_density_fn p_data, void *data_ctx,
                                        lg_lab01_density_fn p_g, void *g_ctx, double lo, double hi);

/* A Gaussian mixture on the line, sum_k w_k N(x; mu_k, sigma_k^2), k <= 4; with
 * rough > 0 the density is multiplied by 1 + rough h(x), h(x) in [-1, 1] a hash
 * of the bits of x: a function that changes at every x, which no quadrature
 * can integrate to a tolerance (the test of GSL's failure status). */
typedef struct lg_lab01_mix {
    int k;
    double mu[4], w[4], sigma[4];
    double rough;
} lg_lab01_mix;
/* Gaussian density N(x; mu, s^2), from its definition. */
static inline double lg_lab01_gauss(double x, double mu, double s)
{
    double u = (x - mu) / s;
    return exp(-0.5 * u * u) / (s * sqrt(2.0 * M_PI));
}
/* h(x) in [-1, 1]: the bits of x mixed (splitmix64's finaliser). */
static inline double lg_lab01_roughness(double x)
{
    uint64_t z;
    memcpy(&z, &x, sizeof z);
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) / 4503599627370496.0 - 1.0; /* 2^52: [0, 2) - 1 */
}
/* The mixture's density (ctx: lg_lab01_mix). */
static inline double lg_lab01_mix_density(double x, void *ctx)
{
    const lg_lab01_mix *m = ctx;
    double v = 0;
    for (int k = 0; k < m->k; k++)
        v += m->w[k] * lg_lab01_gauss(x, m->mu[k], m->sigma[k]);
    return m->rough > 0 ? v * (1.0 + m->rough * lg_lab01_roughness(x)) : v;
}

/* The input of the computation "dstar" (child.c): pairs (p_data(x), p_g(x));
 * it returns D* at each. */
#define LG_LAB01_DSTAR_MAX 64
typedef struct lg_lab01_dstar_arg {
    size_t n;
    double p[LG_LAB01_DSTAR_MAX], q[LG_LAB01_DSTAR_MAX];
} lg_lab01_dstar_arg;

/* A C(G) test: the densities, the interval, and how the message names them
 * (the computation "criterion" of child.c gets the bytes before p_text). */
typedef struct lg_lab01_crit_arg {
    lg_lab01_mix p, q;
    double lo, hi;
    const char *p_text, *q_text;
} lg_lab01_crit_arg;
/* The student's C(G) on a, run in the sandbox, checked against e (its
 * expected, tol, hint and hints; the lab's hints for the usual mistakes of
 * Task 1.4 are added). */
void lg_lab01_criterion_check(const lg_lab01_crit_arg *a, const lg_grade_expect *e);
/* -log 4 + 2 JSD(p || q) with the library's quadrature (Theorem 1). */
double lg_lab01_criterion_ref(const lg_lab01_crit_arg *a);

/* The minimax generator loss and its logit derivatives (refs.c). */
double lg_lab01_g_loss_ref(const lg_probe *pr, double *cr, double *cf);

/* `litgan lab 01` (experiment.c) */
int lg_lab01_experiment(const lg_lab_run *run);

#endif
