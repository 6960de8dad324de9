/* concat-columns: JS through log(2p / (p + q)); LSGAN's criterion as
 * 1/2 sum (p + q) (D* - c)^2 with D* written out. */
#include <math.h>
#include <stddef.h>

double lab07_js(const double *p, const double *q, size_t n)
{
    double kp = 0, kq = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] > 0)
            kp += p[i] * log(2 * p[i] / (p[i] + q[i]));
        if (q[i] > 0)
            kq += q[i] * log(2 * q[i] / (p[i] + q[i]));
    }
    return (kp + kq) / 2;
}

double lab07_lsgan_criterion(const double *p, const double *q, size_t n, double a, double b, double c)
{
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        double s = p[i] + q[i];
        if (s == 0)
            continue;
        double d = (b * p[i] + a * q[i]) / s - c;
        v += s * d * d / 2;
    }
    return v;
}
