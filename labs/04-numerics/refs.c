/*
 * refs.c - what Lab 04's visible and hidden tests share (built into both of the
 * lab's objects): the closed forms the expected values come from.
 */
#include "lab04.h"

#include <string.h>

/* f_D = 1/2 x^T P x + p^T x, f_G = 1/2 x^T Q x + q^T x: row i of v and J is D's
 * for i < nD (w and c), G's otherwise (a, b and E's e, f): v_i = (P x + p)_i,
 * J_ij = P_ij for D's rows (Q for G's). The Dirac game adds the Dirac-GAN's
 * field in (psi, theta) = (w, b), indices 0 and nD + 1. */
size_t lg_lab04_game_field(const lg_lab04_game_arg *a, const double *x, double *v, double *J)
{
    size_t nD, n = lg_lab04_game_size(a, &nD);
    for (size_t i = 0; i < n; i++) {
        const double *M = i < nD ? a->P : a->Q;
        v[i] = i < nD ? a->p[i] : a->q[i];
        for (size_t j = 0; j < n; j++) {
            v[i] += M[i * LG_LAB04_PMAX + j] * x[j];
            J[i * n + j] = M[i * LG_LAB04_PMAX + j];
        }
    }
    if (a->game == LG_LAB04_GAME_DIRAC) {
        size_t t = nD + 1;
        double d[6];
        lg_lab04_dirac_ref(a->loss, x[0], x[t], d);
        v[0] += d[0], v[t] += d[1];
        J[0 * n + 0] += d[2], J[0 * n + t] += d[3];
        J[t * n + 0] += d[4], J[t * n + t] += d[5];
    }
    return n;
}

size_t lg_lab04_consensus_ref(const lg_lab04_game_arg *a, double *x1)
{
    double v[LG_LAB04_PMAX], J[LG_LAB04_PMAX * LG_LAB04_PMAX];
    size_t n = lg_lab04_game_field(a, a->x0, v, J);
    for (size_t i = 0; i < n; i++) {
        double jtv = 0; /* (J^T v)_i = sum_k J_ki v_k */
        for (size_t k = 0; k < n; k++)
            jtv += J[k * n + i] * v[k];
        x1[i] = a->x0[i] - a->h * (v[i] + a->gamma * jtv);
    }
    return n;
}

/* mu = tr/2 +- sqrt(tr^2/4 - det): a conjugate pair when the discriminant is
 * negative, else two real values, the larger first. */
void lg_lab04_eig2(const double m[4], double re[2], double im[2])
{
    double half = 0.5 * (m[0] + m[3]), det = m[0] * m[3] - m[1] * m[2], disc = half * half - det;
    if (disc < 0) {
        re[0] = re[1] = half;
        im[0] = sqrt(-disc), im[1] = -im[0];
    } else {
        re[0] = half + sqrt(disc), re[1] = half - sqrt(disc);
        im[0] = im[1] = 0;
    }
}

/* |1 - h mu|^2 < 1 <=> h (h |mu|^2 - 2 Re mu) < 0 <=> 0 < h < 2 Re mu / |mu|^2. */
double lg_lab04_max_step_ref(size_t n, const double *re, const double *im)
{
    double h = INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (re[k] <= 0)
            return 0;
        h = fmin(h, 2 * re[k] / (re[k] * re[k] + im[k] * im[k]));
    }
    return h;
}
