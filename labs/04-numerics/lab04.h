/*
 * lab04.h - what Lab 04's grade.c, grade_hidden.c, refs.c, child.c and the
 * experiment share (not student code: the student's files are dirac.c,
 * eigen.c and plugins/consensus.c). The probes and the lab kit are the course
 * library's (litgan/course.h).
 *
 * Conventions of the whole lab (README.md states them for the students):
 *   - each player MINIMISES its own loss, L_D(psi, theta) and L_G(psi, theta);
 *   - a point of the game is x = (psi, theta) = [theta_D, theta_G], D's
 *     parameters first (the engine's order);
 *   - the game's vector field is v(x) = (dL_D/dpsi, dL_G/dtheta), plain
 *     simultaneous descent is x <- x - h v(x), and J = dv/dx is its Jacobian
 *     (J[i][j] = dv_i/dx_j, stored row-major);
 *   - consensus optimization steps by -h (v + gamma J^T v).
 */
#ifndef LG_LAB04_H
#define LG_LAB04_H

#include "litgan/course.h"

#include <math.h>
#include <stddef.h>

/* The Dirac-GAN's losses (dirac.c's LAB04_* values). */
enum { LG_LAB04_MINIMAX = 0, LG_LAB04_NONSAT = 1, LG_LAB04_WGAN = 2, LG_LAB04_LOSSES = 3 };

/* The student's functions, looked up by name (never linked in). */
typedef int (*lg_lab04_dirac_fn)(int loss, double psi, double theta, double out[]);
typedef int (*lg_lab04_field_fn)(const double *x, double *v, void *ctx);
typedef int (*lg_lab04_eigen_fn)(lg_lab04_field_fn field, void *ctx, size_t n, const double *x, double *re,
                                 double *im);
typedef double (*lg_lab04_max_step_fn)(size_t n, const double *re, const double *im);

/* ------------------------------------------- the grader's own closed forms ---
 * Inline so that child.c (which may share only headers) evaluates the same
 * fields the grader takes its expected values from. */

/* sigma(u) = 1 / (1 + e^-u): accurate to a few ulps for u >= -709; below, e^-u
 * overflows and it is 0 where the true value is subnormal at most (the tests
 * stay at |u| <= 700). */
static inline double lg_lab04_sigmoid(double u) { return 1.0 / (1.0 + exp(-u)); }

/* The Dirac-GAN (p_data = delta_0, G = theta, D's logit psi x) in litgan's
 * convention, u = psi theta, s = sigma(u), s' = sigma(u) sigma(-u):
 *   minimax  L_D = log 2 + softplus(u), L_G = -softplus(u):
 *            v = (theta s, -psi s)
 *   nonsat   L_G = softplus(-u):  v = (theta s, -psi sigma(-u))
 *   wgan     L_D = u, L_G = -u:   v = (theta, -psi)
 * v[0..2) the field, v[2..6) its Jacobian row-major. */
static inline void lg_lab04_dirac_ref(int loss, double psi, double theta, double v[6])
{
    double u = psi * theta, s = lg_lab04_sigmoid(u), sm = lg_lab04_sigmoid(-u), d = s * sm;
    switch (loss) {
    case LG_LAB04_MINIMAX:
        v[0] = theta * s, v[1] = -psi * s;
        v[2] = theta * theta * d, v[3] = s + u * d;
        v[4] = -s - u * d, v[5] = -psi * psi * d;
        break;
    case LG_LAB04_NONSAT:
        v[0] = theta * s, v[1] = -psi * sm;
        v[2] = theta * theta * d, v[3] = s + u * d;
        v[4] = -sm + u * d, v[5] = psi * psi * d;
        break;
    default:
        v[0] = theta, v[1] = -psi;
        v[2] = 0, v[3] = 1, v[4] = -1, v[5] = 0;
    }
}

/* ------------------------------------------------------ Task 4.1: "dirac" --- */

#define LG_LAB04_POINTS 24
typedef struct lg_lab04_dirac_arg {
    int loss;
    size_t n;
    double psi[LG_LAB04_POINTS], theta[LG_LAB04_POINTS];
} lg_lab04_dirac_arg;
/* out: per point v0, v1, J00, J01, J10, J11 (6 n values), then the two status
 * codes of the last point (field, Jacobian). */

/* ------------------------------------------------------ Task 4.2: "eigen" --- */

/* The fields the grader evaluates v of (child.c): */
enum {
    LG_LAB04_LINEAR = 0,      /* v(x) = A (x - c), A (n, n) row-major */
    LG_LAB04_DIRAC = 1,       /* the Dirac-GAN's field of loss param[0] (lg_lab04_dirac_ref) */
    LG_LAB04_CUBIC = 2,       /* v(x) = A (x - c) + (x - c)^3 elementwise: J = A at x = c */
    LG_LAB04_FAILING = 3,     /* A (x - c), but returns -1 when some x_i > c_i */
    LG_LAB04_NAN = 4,         /* A (x - c) with a NaN in component 1 */
    LG_LAB04_FAILING_LOW = 5  /* A (x - c), but returns -1 when some x_i < c_i */
};
#define LG_LAB04_NMAX 4
typedef struct lg_lab04_eigen_arg {
    int field;
    size_t n;
    double a[LG_LAB04_NMAX * LG_LAB04_NMAX], c[LG_LAB04_NMAX], x[LG_LAB04_NMAX];
    int loss;
} lg_lab04_eigen_arg;
/* out: the status, then re[0..n), im[0..n), then how many times the field was
 * called, how many errors GSL reported (to its error handler), and 1 when
 * the code wrote past re[n - 1] or im[n - 1]. */

/* ------------------------------------------------- Task 4.4: "max_step" --- */

#define LG_LAB04_SETS 8
typedef struct lg_lab04_step_arg {
    size_t sets;
    size_t n[LG_LAB04_SETS];
    double re[LG_LAB04_SETS][LG_LAB04_NMAX], im[LG_LAB04_SETS][LG_LAB04_NMAX];
} lg_lab04_step_arg;
/* out: h_max of each set */

/* ---------------------------------------------- Task 4.3: "consensus" --- */

/* The games of the consensus tests (child.c builds them from "1-1" nets,
 * D(x) = w x + c (or "1-1n", D(x) = w x), G(z) = a z + b, E(x) = e x + f, on the
 * batches x = z = (0, 1), so every parameter is a value the loss can read): */
enum {
    LG_LAB04_GAME_QUAD = 0,   /* quadratic f_D, f_G given by P, p, Q, q below (n = 4 or 6) */
    LG_LAB04_GAME_DIRAC = 1   /* the Dirac-GAN's loss `loss` in (psi, theta) = (w, b), + quadratic rest */
};
#define LG_LAB04_PMAX 6
typedef struct lg_lab04_game_arg {
    int game, loss;
    int encoder;              /* 1: a third net E (two more parameters) */
    int d_nobias;             /* 1: D is "1-1n", one parameter w (else w, c) */
    int steps;                /* 1 or 2 steps */
    int fail_moved_d;         /* 1: the losses fail once D's first parameter moves from x0 */
    int simultaneous;         /* 0: an alternating step (must be refused) */
    double gamma, h;          /* consensus:gamma=..., SGD's lr */
    double x0[LG_LAB04_PMAX]; /* the start, in the game's order [w, (c), a, b, (e, f)] */
    /* f_D = 1/2 x^T P x + p^T x, f_G = 1/2 x^T Q x + q^T x (P, Q symmetric) */
    double P[LG_LAB04_PMAX * LG_LAB04_PMAX], Q[LG_LAB04_PMAX * LG_LAB04_PMAX];
    double p[LG_LAB04_PMAX], q[LG_LAB04_PMAX];
} lg_lab04_game_arg;
/* out: the steps' status (0 done), whether the message names "simultaneous"
 * (1/0), then the parameters after each step (n per step). */

/* ------------------------------------------- hints (grade*.c, checks.c) --- */

#define FIELD_HINTS                                                                                            \
    { { LG_MISTAKE_SIGN, "each player minimises its own loss: v = (dL_D/dpsi, dL_G/dtheta), not the payoffs' "  \
                         "gradients" },                                                                       \
      { LG_MISTAKE_NAN, "e^-u / (1 + e^-u)^2 is inf / inf for very negative u: write sigma'(u) as "            \
                        "sigma(u) sigma(-u)" },                                                                \
      { LG_MISTAKE_ZERO, "1 - sigma(u) is 0 in double once u > 37: compute sigma(-u) itself" },               \
      { LG_MISTAKE_TWICE, "check the chain rule: d(psi theta)/dpsi = theta, once" },                          \
      { LG_MISTAKE_HALF, "check the chain rule: d(psi theta)/dpsi = theta, once" } }

#define EIGEN_HINTS                                                                                           \
    { { LG_MISTAKE_SIGN, "the Jacobian of v, not of -v: J[i][j] = dv_i/dx_j" },                               \
      { LG_MISTAKE_GSL, "GSL reported a failure: return its status" },                                       \
      { LG_MISTAKE_HALF, "a centred difference divides by the distance between the two points, 2h" },        \
      { LG_MISTAKE_TWICE, "a centred difference divides by the distance between the two points, 2h" },       \
      { LG_MISTAKE_UNREPORTED, "a failure must be returned as a non-zero status" } }

#define STEP_HINTS                                                                                            \
    { { LG_MISTAKE_SIGN, "descent x <- x - h M x: stability needs Re mu > 0 (the paper's ascent convention "   \
                         "flips the sign)" },                                                                   \
      { LG_MISTAKE_HALF, "expand |1 - h mu|^2 < 1 again: the bound is 2 Re mu / |mu|^2" },                     \
      { LG_MISTAKE_TWICE, "expand |1 - h mu|^2 < 1 again: the bound is 2 Re mu / |mu|^2" },                    \
      { LG_MISTAKE_UNREPORTED, "no h > 0 is stable when some Re mu <= 0: return 0" } }

#define STEP43_HINTS                                                                                          \
    { { LG_MISTAKE_SIGN, "descend 1/2 |v|^2 as the players descend their losses: the gradients become "         \
                         "v + gamma J^T v (the paper's minus sign belongs to its ascent field)" },              \
      { LG_MISTAKE_HALF, "the gradient of 1/2 |v|^2 is J^T v itself: no factor 1/2 is left" },                   \
      { LG_MISTAKE_TWICE, "the gradient of 1/2 |v|^2 is J^T v: the 1/2 cancels the 2 of the square, once" },     \
      { LG_MISTAKE_ZERO, "no correction reached these parameters: add gamma J^T v to every net's gradients "      \
                         "(D, G and E when there is one)" } }

/* ---------------------------------------------------------- checks.c ---
 * One computation in the sandbox and its checks, for the visible and the
 * hidden tests alike. */
void lg_lab04_check_dirac(int loss, size_t n, const double *psi, const double *theta, int what, double tol,
                          const char *hint, const char *file, int line);
void lg_lab04_check_eigen(const lg_lab04_eigen_arg *a, const double *re, const double *im, double tol,
                          const char *in, const char *hint, const char *file, int line);
void lg_lab04_check_step(const lg_lab04_game_arg *a, double tol, const char *in, const char *hint, const char *file,
                         int line);
void lg_lab04_check_steps(const lg_lab04_step_arg *a, const char *in, const char *hint, const char *file,
                          int line);

/* ------------------------------------------------------------ refs.c --- */

/* The number of parameters of the test game a, D's first (nD of them). */
static inline size_t lg_lab04_game_size(const lg_lab04_game_arg *a, size_t *nD)
{
    *nD = a->d_nobias ? 1 : 2;
    return *nD + 2 + (a->encoder ? 2 : 0);
}
/* v and J of the test game a at x, closed forms; returns n. */
size_t lg_lab04_game_field(const lg_lab04_game_arg *a, const double *x, double *v, double *J);
/* The consensus step: x0 - h (v + gamma J^T v) (what plain SGD on the
 * consensus field gives), into x1; returns n. */
size_t lg_lab04_consensus_ref(const lg_lab04_game_arg *a, double *x1);
/* Eigenvalues of a real 2x2 matrix m (row-major) in the lab's order
 * (decreasing real part, a conjugate pair with +im first). */
void lg_lab04_eig2(const double m[4], double re[2], double im[2]);
/* h_max of the linearised descent: min over mu of 2 Re mu / |mu|^2, 0 when
 * some Re mu <= 0. */
double lg_lab04_max_step_ref(size_t n, const double *re, const double *im);

/* `litgan lab 04` (experiment.c) */
int lg_lab04_experiment(const lg_lab_run *run);

#endif
