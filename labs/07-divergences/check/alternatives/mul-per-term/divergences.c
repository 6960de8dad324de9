/* mul-per-term: JS as the mean of two KL divergences to the mixture, each in its own
 * function; the criterion from (b - c) p + (a - c) q over the mass, times the mass. */
#include <math.h>
#include <stddef.h>

static double kl_to_mixture(const double *x, const double *y, size_t n)
{
    double k = 0;
    for (size_t i = 0; i < n; i++)
        k += x[i] > 0 ? x[i] * (log(x[i]) - log(0.5 * (x[i] + y[i]))) : 0.0;
    return k;
}

double lab07_js(const double *p, const double *q, size_t n)
{
    return 0.5 * kl_to_mixture(p, q, n) + 0.5 * kl_to_mixture(q, p, n);
}

double lab07_lsgan_criterion(const double *p, const double *q, size_t n, double a, double b, double c)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double m = p[i] + q[i];
        if (m > 0) {
            double u = ((b - c) * p[i] + (a - c) * q[i]) / m;
            total += 0.5 * m * u * u;
        }
    }
    return total;
}
