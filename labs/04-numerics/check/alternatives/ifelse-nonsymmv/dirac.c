/* Alternative (Task 4.1): if/else on the loss, sigma(u) as exp(-softplus(-u)) with a
 * softplus written max(u, 0) + log1p(exp(-|u|)), sigma'(u) = exp(-|u| - 2 log1p(exp(-|u|)))
 * (symmetric in u), the Jacobian written from named partial derivatives. */
#include <math.h>
#include "litgan.h"

int lab04_dirac_field(int loss, double psi, double theta, double v[2]);
int lab04_dirac_jacobian(int loss, double psi, double theta, double J[4]);

static double softplus(double u) { return fmax(u, 0.0) + log1p(exp(-fabs(u))); }
static double sig(double u) { return exp(-softplus(-u)); }
static double dsig(double u) { return exp(-fabs(u) - 2.0 * log1p(exp(-fabs(u)))); }

int lab04_dirac_field(int loss, double psi, double theta, double v[2])
{
    double u = psi * theta;
    if (loss == 0) {
        v[0] = sig(u) * theta;
        v[1] = -(sig(u) * psi);
    } else if (loss == 1) {
        v[0] = sig(u) * theta;
        v[1] = -(sig(-u) * psi);
    } else if (loss == 2) {
        v[0] = theta;
        v[1] = -psi;
    } else {
        v[0] = NAN;
        v[1] = NAN;
        return -1;
    }
    return 0;
}

int lab04_dirac_jacobian(int loss, double psi, double theta, double J[4])
{
    double u = psi * theta, du_dpsi = theta, du_dtheta = psi, d = dsig(u);
    if (loss == 0 || loss == 1) {
        /* v_psi = theta sigma(u) */
        J[0] = theta * d * du_dpsi;
        J[1] = sig(u) + theta * d * du_dtheta;
        if (loss == 0) { /* v_theta = -psi sigma(u) */
            J[2] = -sig(u) - psi * d * du_dpsi;
            J[3] = -psi * d * du_dtheta;
        } else { /* v_theta = -psi sigma(-u), d sigma(-u)/du = -sigma'(u) */
            J[2] = -sig(-u) + psi * d * du_dpsi;
            J[3] = psi * d * du_dtheta;
        }
        return 0;
    }
    if (loss == 2) {
        J[0] = J[3] = 0;
        J[1] = 1;
        J[2] = -1;
        return 0;
    }
    J[0] = J[1] = J[2] = J[3] = NAN;
    return -1;
}
