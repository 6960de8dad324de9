/*
 * checks.c - what Lab 04's visible and hidden tests share (built into both of
 * the lab's objects): each runs one computation of child.c in the sandbox and
 * checks what it returned against the closed forms of refs.c and lab04.h.
 */
#include "lab04.h"

#include <math.h>
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
    char sw[160];
    snprintf(sw, sizeof sw, "%s: the return values of both functions at the last point", in);
    if (!LG_GRADE_EXPECT(.input = sw, .expected = 0, .actual = fabs(out[6 * n]) + fabs(out[6 * n + 1]),
                         .hint = "return 0 for a loss the functions know"))
        return;
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
    double out[2 * LG_LAB04_NMAX + 4];
    size_t n = a->n;
    if (!lg_grade_call("eigen", a, sizeof *a, out, 2 * n + 4, in))
        return;
    char what[160];
    snprintf(what, sizeof what, "%s: errors GSL reported during the call", in);
    if (!LG_GRADE_EXPECT(.input = what, .expected = 0, .actual = out[2 + 2 * n],
                         .hint = "a GSL call was refused (an index out of range, a size that does not match): "
                                 "check the loop bounds and the sizes",
                         .hints = EIGEN_HINTS))
        return;
    snprintf(what, sizeof what, "%s: values written past the n eigenvalues", in);
    if (!LG_GRADE_EXPECT(.input = what, .expected = 0, .actual = out[3 + 2 * n],
                         .hint = "re and im hold n values: write re[0..n) and im[0..n) only"))
        return;
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

/* The correction the student's hook made in the step from x to x1 (x1 as the
 * student's run gave it): plain SGD on v + gamma J^T v moves x to
 * x - h (v + gamma J^T v), so it is (x - x1) / h - v(x), against gamma J^T v
 * (refs.c's closed forms); one failure line per wrong parameter. */
static void check_correction(const lg_lab04_game_arg *a, const double *x, const double *x1, double tol,
                             const char *what, const char *hint, const char *file, int line)
{
    double v[LG_LAB04_PMAX], J[LG_LAB04_PMAX * LG_LAB04_PMAX], want[LG_LAB04_PMAX], got[LG_LAB04_PMAX];
    size_t n = lg_lab04_game_field(a, x, v, J);
    for (size_t i = 0; i < n; i++) {
        want[i] = 0; /* gamma (J^T v)_i = gamma sum_k J_ki v_k */
        for (size_t k = 0; k < n; k++)
            want[i] += a->gamma * J[k * n + i] * v[k];
        got[i] = (x[i] - x1[i]) / a->h - v[i];
    }
    lg_grade_check_all(got, want, n, what, NULL,
                       &(lg_grade_expect){ .tol = tol, .hint = hint, .hints = STEP43_HINTS }, file, line);
}

/* a->steps steps (1 or 2) of game a with the student's consensus regularizer;
 * each step's correction checked at the point it started from (the second at
 * the student's own first result, so a mistake is reported once per step).
 * lg_game_hvp is a centred difference of gradients (about 1e-8 relative),
 * hence tol. */
void lg_lab04_check_step(const lg_lab04_game_arg *a, double tol, const char *in, const char *hint, const char *file,
                         int line)
{
    double out[2 * LG_LAB04_PMAX + 2];
    size_t nD, n = lg_lab04_game_size(a, &nD), steps = a->steps == 2 ? 2 : 1;
    if (!lg_grade_call("consensus", a, sizeof *a, out, 2 + steps * n, in))
        return;
    char what[192];
    snprintf(what, sizeof what, "%s: the step failed", in);
    lg_grade_expect st = { .input = what, .expected = 0, .actual = out[0], .tol = 0,
                           .hint = "a simultaneous step must go through (read the message printed above)" };
    if (!lg_grade_check(&st, file, line))
        return;
    snprintf(what, sizeof what, "%s: the correction added to v in step 1, at parameter (in the game's order)", in);
    check_correction(a, a->x0, out + 2, tol, what, hint, file, line);
    if (steps == 2) {
        snprintf(what, sizeof what, "%s: the correction added to v in step 2, at parameter (in the game's order)",
                 in);
        check_correction(a, out + 2, out + 2 + n, tol, what,
                         "the second step starts from what the first left in the work space: set every entry "
                         "of the direction you multiply by the Hessian",
                         file, line);
    }
}
