/* backward-loops: both sums run from the last point to the first; JS with log1p of the
 * ratio's excess, log(2x / (x + y)) = log1p((x - y) / (x + y)); the criterion with the
 * 1/2 inside each term. */
#include <math.h>
#include <stddef.h>

double lab07_js(const double *p, const double *q, size_t n)
{
    double js = 0;
    for (size_t i = n; i-- > 0;) {
        double s = p[i] + q[i];
        if (p[i] > 0)
            js += 0.5 * p[i] * log1p((p[i] - q[i]) / s);
        if (q[i] > 0)
            js += 0.5 * q[i] * log1p((q[i] - p[i]) / s);
    }
    return js;
}

double lab07_lsgan_criterion(const double *p, const double *q, size_t n, double a, double b, double c)
{
    double v = 0;
    for (size_t i = n; i-- > 0;) {
        if (!(p[i] + q[i] > 0))
            continue;
        double r = (b - c) * p[i] + (a - c) * q[i];
        v += 0.5 * (r * r) / (p[i] + q[i]);
    }
    return v;
}
