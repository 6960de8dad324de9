/*
 * dirac.c - Lab 04, Task 4.1: the Dirac-GAN's vector field and its Jacobian in
 * closed form (Mescheder, Geiger & Nowozin 2018, Sec. 2.2).
 *
 * The Dirac-GAN: the data is one point, p_data = delta_0; the generator is one
 * parameter, G(z) = theta (every fake sample is theta); the discriminator's
 * logit is linear without bias, D(x) = psi x. The game's point is
 * x = (psi, theta), D's parameter first (the engine's order [theta_D, theta_G]).
 * Each player MINIMISES its own loss; the field is
 *
 *   v(psi, theta) = ( dL_D/dpsi , dL_G/dtheta )
 *
 * and plain simultaneous descent steps by -h v. Its Jacobian J = dv/dx is
 *
 *   J = [ dv_0/dpsi  dv_0/dtheta ]      stored row-major: J[0], J[1], J[2], J[3].
 *       [ dv_1/dpsi  dv_1/dtheta ]
 *
 * The losses (the real sample is x = 0, so D's logit there is 0; the fake's is
 * u = psi theta):
 *   LAB04_MINIMAX  gan.c of Lab 01:   L_D = softplus(0) + softplus(u), L_G = -softplus(u)
 *   LAB04_NONSAT   nsgan.c of Lab 02: L_D as above,                    L_G = softplus(-u)
 *   LAB04_WGAN     wgan.c (Lab 03):   L_D = psi theta - psi 0,          L_G = -psi theta
 * Both functions return 0, or -1 (and NaN in every output) for a loss they do
 * not know. They must be exact to a few ulps wherever the values are
 * representable: at u = +-40 or +-700 too, where sigmoid(u) is 1 or 0 to
 * double precision but its complement and its derivative are not.
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 */
#include <math.h>
#include "litgan.h"

enum { LAB04_MINIMAX = 0, LAB04_NONSAT = 1, LAB04_WGAN = 2 };

int lab04_dirac_field(int loss, double psi, double theta, double v[2]);
int lab04_dirac_jacobian(int loss, double psi, double theta, double J[4]);

/* REGION field */
/* Task 4.1: v = (dL_D/dpsi, dL_G/dtheta) at (psi, theta). */
int lab04_dirac_field(int loss, double psi, double theta, double v[2])
{
    /* BEGIN SOLUTION Task 4.1 */
    /* d/du softplus(u) = sigma(u), d/du softplus(-u) = -sigma(-u), u = psi theta.
     * sigma(-u) is computed as such, never as 1 - sigma(u): at u = 40 that
     * difference is 0 while sigma(-40) = 4.2e-18. 1 / (1 + e^-u) is accurate to a
     * few ulps down to u = -709; below, e^-u overflows and it returns 0 where the
     * true value is under 1e-308 (subnormal at most). */
    double u = psi * theta, s = 1.0 / (1.0 + exp(-u)), sm = 1.0 / (1.0 + exp(u));
    switch (loss) {
    case LAB04_MINIMAX: /* dL_D/dpsi = theta s,  dL_G/dtheta = -psi s */
        v[0] = theta * s;
        v[1] = -psi * s;
        return 0;
    case LAB04_NONSAT: /* dL_G/dtheta = -psi sigma(-u) */
        v[0] = theta * s;
        v[1] = -psi * sm;
        return 0;
    case LAB04_WGAN: /* the bilinear game: L_D = psi theta, L_G = -psi theta */
        v[0] = theta;
        v[1] = -psi;
        return 0;
    }
    v[0] = v[1] = NAN;
    return -1;
    /* END SOLUTION */
    /* STUB (void)loss; (void)psi; (void)theta; v[0] = v[1] = lg_todo_value("Task 4.1"); return -1; */
}
/* END REGION */

/* REGION jacobian */
/* Task 4.1: J = dv/d(psi, theta) at (psi, theta), row-major. */
int lab04_dirac_jacobian(int loss, double psi, double theta, double J[4])
{
    /* BEGIN SOLUTION Task 4.1 */
    /* sigma'(u) = sigma(u) sigma(-u) (d below): a product of two factors each
     * accurate, where e^-u / (1 + e^-u)^2 is inf / inf = NaN for u < -709.
     * By the chain rule du/dpsi = theta, du/dtheta = psi:
     *   d(theta s)/dpsi = theta^2 d          d(theta s)/dtheta = s + u d
     *   d(-psi s)/dpsi = -s - u d            d(-psi s)/dtheta = -psi^2 d
     *   d(-psi sigma(-u))/dpsi = -sigma(-u) + u d,  d/dtheta = psi^2 d */
    double u = psi * theta, s = 1.0 / (1.0 + exp(-u)), sm = 1.0 / (1.0 + exp(u)), d = s * sm;
    switch (loss) {
    case LAB04_MINIMAX:
        J[0] = theta * theta * d;
        J[1] = s + u * d;
        J[2] = -s - u * d;
        J[3] = -psi * psi * d;
        return 0;
    case LAB04_NONSAT:
        J[0] = theta * theta * d;
        J[1] = s + u * d;
        J[2] = -sm + u * d;
        J[3] = psi * psi * d;
        return 0;
    case LAB04_WGAN:
        J[0] = 0;
        J[1] = 1;
        J[2] = -1;
        J[3] = 0;
        return 0;
    }
    J[0] = J[1] = J[2] = J[3] = NAN;
    return -1;
    /* END SOLUTION */
    /* STUB (void)loss; (void)psi; (void)theta; J[0] = J[1] = J[2] = J[3] = lg_todo_value("Task 4.1"); return -1; */
}
/* END REGION */
