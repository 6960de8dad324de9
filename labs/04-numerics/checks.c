/*
 * checks.c - what Lab 04's visible and hidden tests share (built into both of
 * the lab's objects): each runs one computation of child.c in the sandbox and
 * checks what it returned against the closed forms of refs.c and lab04.h.
 */
#include "lab04.h"

#include <stdio.h>
#include <string.h>

static const char *loss_name(int loss)
{
    return loss == LG_LAB04_MINIMAX ? "minimax" : loss == LG_LAB04_NONSAT ? "non-saturating" : "WGAN";
}


/* Field (what & 1) and Jacobian (what & 2) of one loss at n points against
 * lg_lab04_dirac_ref, relative to each value (exactly 0 where it is 0). */
void lg_lab04_check_dirac(int loss, size_t n, const double *psi, const double *theta, int what, double tol,
                          const char *hint, const char *file, int line)
{
    lg_lab04_dirac_arg a = { .loss = loss, .n = n };
    memcpy(a.psi, psi, n * sizeof *psi);
    memcpy(a.theta, theta, n * sizeof *theta);
    double out[6 * LG_LAB04_POINTS + 2];
    char in[96];
    snprintf(in, sizeof in, "the %s Dirac-GAN at %zu points", loss_name(loss), n);
    if (!lg_grade_call("dirac", &a, sizeof a, out, 6 * n + 2, in))
        return;
    static const char *names[6] = { "v_psi", "v_theta", "J[0][0] = dv_psi/dpsi", "J[0][1] = dv_psi/dtheta",
                                    "J[1][0] = dv_theta/dpsi", "J[1][1] = dv_theta/dtheta" };
    for (size_t i = 0; i < n; i++) {
        double e[6];
        lg_lab04_dirac_ref(loss, psi[i], theta[i], e);
        char b1[LG_GRADE_NUM], b2[LG_GRADE_NUM], where[192];
        for (int k = (what & 1) ? 0 : 2; k < ((what & 2) ? 6 : 2); k++) {
            snprintf(where, sizeof where, "%s at (psi, theta) = (%s, %s); %s", in, lg_grade_num(b1, psi[i]),
                     lg_grade_num(b2, theta[i]), names[k]);
            lg_grade_expect x = { .input = where, .expected = e[k], .actual = out[6 * i + k], .tol = tol,
                                  .rel = true, .hint = hint, .hints = FIELD_HINTS };
            if (!lg_grade_check(&x, file, line))
                return; /* one failure per call: the first wrong value says enough */
        }
    }
}

/* The student's eigenvalues of field a against re, im (sorted in the lab's
 * order) within tol. */
void lg_lab04_check_eigen(const lg_lab04_eigen_arg *a, const double *re, const double *im, double tol,
                          const char *in, const char *hint, const char *file, int line)
{
    double out[2 * LG_LAB04_NMAX + 2];
    size_t n = a->n;
    if (!lg_grade_call("eigen", a, sizeof *a, out, 2 * n + 2, in))
        return;
    char what[160];
    snprintf(what, sizeof what, "%s: status", in);
    lg_grade_expect st = { .input = what, .expected = 0, .actual = out[0], .tol = 0,
                           .hint = "0 when the eigenvalues were computed", .hints = EIGEN_HINTS };
    if (!lg_grade_check(&st, file, line))
        return;
    snprintf(what, sizeof what, "%s: Re of eigenvalue", in);
    if (!lg_grade_check_all(out + 1, re, n, what, NULL,
                            &(lg_grade_expect){ .tol = tol, .hint = hint, .hints = EIGEN_HINTS }, file, line))
        return;
    snprintf(what, sizeof what, "%s: Im of eigenvalue", in);
    lg_grade_check_all(out + 1 + n, im, n, what, NULL,
                       &(lg_grade_expect){ .tol = tol, .hint = hint, .hints = EIGEN_HINTS }, file, line);
}

/* Run "max_step" on sets and check against lg_lab04_max_step_ref. */
void lg_lab04_check_steps(const lg_lab04_step_arg *a, const char *in, const char *hint, const char *file,
                          int line)
{
    double out[LG_LAB04_SETS], e[LG_LAB04_SETS];
    if (!lg_grade_call("max_step", a, sizeof *a, out, a->sets, in))
        return;
    for (size_t k = 0; k < a->sets; k++)
        e[k] = lg_lab04_max_step_ref(a->n[k], a->re[k], a->im[k]);
    char what[160];
    snprintf(what, sizeof what, "%s: set", in);
    lg_grade_check_all(out, e, a->sets, what, NULL,
                       &(lg_grade_expect){ .tol = 1e-12, .rel = true, .hint = hint, .hints = STEP_HINTS }, file,
                       line);
}

/* One step of game a with the student's consensus regularizer: plain SGD on
 * v + gamma J^T v moves x0 to x0 - h (v + gamma J^T v), so the correction the
 * student's hook made is (x0 - x1) / h - v, checked against gamma J^T v (closed
 * forms of refs.c) with hints for its usual mistakes. lg_game_hvp is a centred
 * difference of gradients (about 1e-8 relative), hence tol. */
void lg_lab04_check_step(const lg_lab04_game_arg *a, double tol, const char *in, const char *hint, const char *file,
                         int line)
{
    double out[LG_LAB04_PMAX + 2], v[LG_LAB04_PMAX], J[LG_LAB04_PMAX * LG_LAB04_PMAX];
    double want[LG_LAB04_PMAX], got[LG_LAB04_PMAX];
    size_t n = lg_lab04_game_field(a, a->x0, v, J);
    if (!lg_grade_call("consensus", a, sizeof *a, out, n + 2, in))
        return;
    char what[192];
    snprintf(what, sizeof what, "%s: the step failed", in);
    lg_grade_expect st = { .input = what, .expected = 0, .actual = out[0], .tol = 0,
                           .hint = "a simultaneous step must go through (read the message printed above)" };
    if (!lg_grade_check(&st, file, line))
        return;
    for (size_t i = 0; i < n; i++) {
        want[i] = 0; /* gamma (J^T v)_i = gamma sum_k J_ki v_k */
        for (size_t k = 0; k < n; k++)
            want[i] += a->gamma * J[k * n + i] * v[k];
        got[i] = (a->x0[i] - out[2 + i]) / a->h - v[i];
    }
    snprintf(what, sizeof what, "%s: the correction added to v, at parameter (in the game's order)", in);
    lg_grade_check_all(got, want, n, what, NULL,
                       &(lg_grade_expect){ .tol = tol, .hint = hint, .hints = STEP43_HINTS }, file, line);
}
