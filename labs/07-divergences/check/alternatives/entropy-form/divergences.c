/* entropy-form: JS = H(m) - (H(p) + H(q)) / 2; the criterion by expanding the square,
 * 1/2 sum [(b-c)^2 p^2 + 2 (b-c)(a-c) p q + (a-c)^2 q^2] / (p + q). */
#include <math.h>
#include <stddef.h>

static double xlogx(double x) { return x > 0 ? x * log(x) : 0.0; }

double lab07_js(const double *p, const double *q, size_t n)
{
    double hm = 0, hp = 0, hq = 0;
    for (size_t i = 0; i < n; i++) {
        hm -= xlogx(0.5 * (p[i] + q[i]));
        hp -= xlogx(p[i]);
        hq -= xlogx(q[i]);
    }
    return hm - 0.5 * (hp + hq);
}

double lab07_lsgan_criterion(const double *p, const double *q, size_t n, double a, double b, double c)
{
    double u = b - c, v = a - c, s = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] + q[i] > 0)
            s += (u * u * p[i] * p[i] + 2 * u * v * p[i] * q[i] + v * v * q[i] * q[i]) / (p[i] + q[i]);
    return s / 2;
}
