/*
 * vmath.h - e^x, tanh and the sigmoid in forms GCC vectorises, for the
 * activation loops (act_loops.h) and the tape's tanh and sigmoid ops: no libm
 * call (a call stops the loop's vectorisation), no branch that if-conversion
 * cannot turn into a blend, only + - * / and bit moves, so a loop over them
 * runs 4 doubles (8 floats) to an AVX2 register.
 *
 * Only IEEE operations, each rounded once: the same input gives the same bits
 * in a scalar call, an SSE2 loop and an AVX2 loop (the build contracts no
 * FMA), which is what lets a Linear + Tanh node and the separate lg_tanh op
 * agree bit for bit.
 *
 *   double: exp_d  (|error| about 1 ulp),  tanh_d (<= 2 ulp),  sigmoid_d (<= 3 ulp);
 *           NaN propagates, tanh_d(+-0) = +-0, tanh_d(+-inf) = +-1,
 *           sigmoid_d(-1000) = 0 and sigmoid_d(1000) = 1 exactly (as libm's).
 *   float:  exp_f, tanh_f (<= 1.5 ulp), sigmoid_f (<= 3 ulp), for the float
 *           network (net_float.c).
 * The vmath suite measures every bound (tests/test_vmath.c).
 */
#ifndef LG_VMATH_H
#define LG_VMATH_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ double --- */

/* e^y for y in [-750, 710] (callers hold y there) or NaN: y = k ln 2 + r with
 * |r| <= ln 2 / 2, e^r by its Taylor polynomial to r^13 (truncation below
 * 5e-18, 1/25 ulp; coefficients 1/n!), 2^k from the exponent bits.
 *   k: adding 1.5 * 2^52 rounds y / ln 2 to the nearest integer and leaves
 *      2^51 + k in the low 52 bits of the sum (m below), with no float-to-int
 *      conversion (undefined for NaN); subtracting it again gives k as a double.
 *   r: ln 2 in two parts, the first with 32 significant bits, so that k ln2_hi
 *      (|k| < 2^11) is exact and y - k ln2_hi cancels exactly.
 *   2^k as two factors 2^floor(k/2) 2^ceil(k/2), each a normal double over the
 *      whole range: e^y then overflows to inf past 709.78 and underflows
 *      gradually (one rounding, in the last product) into the subnormals and to
 *      0 below -745.13, as the exact value rounded does. */
static inline double exp_d(double y)
{
    const double shifter = 0x1.8p52;
    const double ln2_hi = 0x1.62e42ffp-1, ln2_lo = -0x1.718432a1b0e26p-35;
    double s = y * 0x1.71547652b82fep0 + shifter; /* y / ln 2 + 1.5 * 2^52 */
    double k = s - shifter;
    double r = (y - k * ln2_hi) - k * ln2_lo;
    /* e^r = 1 + (r + r^2 E(r)), E(r) = sum_{n=2..13} r^(n-2) / n! by Estrin's
     * scheme (pairs, then pairs of pairs: a dependency chain of 4 levels, not
     * the 12 of Horner's; in a loop the chain, not the operation count, sets
     * the speed); the last additions in this order keep the rounding errors of
     * E on a term below 0.07 */
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double q0 = 1.0 / 2 + r * (1.0 / 6), q1 = 1.0 / 24 + r * (1.0 / 120);
    double q2 = 1.0 / 720 + r * (1.0 / 5040), q3 = 1.0 / 40320 + r * (1.0 / 362880);
    double q4 = 1.0 / 3628800 + r * (1.0 / 39916800), q5 = 1.0 / 479001600 + r * (1.0 / 6227020800);
    double e = (q0 + r2 * q1) + r4 * (q2 + r2 * q3) + r8 * (q4 + r2 * q5);
    double p = 1.0 + (r + r2 * e);
    uint64_t u;
    memcpy(&u, &s, sizeof u);
    uint64_t m = u & 0xfffffffffffffu; /* 2^51 + k */
    uint64_t h = m >> 1;                /* 2^50 + floor(k/2) */
    /* (2^50 + j + 1023) << 52 is 2^j's bits: the 2^50 shifts out */
    uint64_t b1 = (h + 1023) << 52, b2 = (m - h + 1023) << 52;
    double f1, f2;
    memcpy(&f1, &b1, sizeof f1);
    memcpy(&f2, &b2, sizeof f2);
    return p * f1 * f2;
}

/* tanh within 2 ulp (the vmath suite finds 1.31 over [-40, 40]).
 * Below 0.55: tanh(a) / a = P(z) / Q(z), z = a^2, the eighth convergent of
 * Lambert's continued fraction tanh a = a / (1 + z / (3 + z / (5 + ...)))
 * (P = 2027025 + 270270 z + 6930 z^2 + 36 z^3,
 *  Q = 2027025 + 945945 z + 51975 z^2 + 630 z^3 + z^4, from the recurrence
 *  of the convergents; its relative error at 0.55 is 8e-19); written
 * a + a z D(z) / Q(z) with D = (P - Q) / z, so that the rounding errors fall
 * on a correction below a tenth of the value. From 0.55 (tanh >= 1/2, so
 * 2 / (e^2a + 1) < 1/2 loses nothing in the subtraction) 1 - 2 / (e^2a + 1),
 * with a held to 20 (tanh is 1 in double past 19.1). The sign is put back
 * last: tanh(-0) = -0, and a tiny a (subnormals too) gives a itself, the
 * correction being below half its ulp. */
static inline double tanh_d(double x)
{
    double a = fabs(x), z = a * a;
    double d = ((-z - 594.0) * z - 45045.0) * z - 675675.0;
    double q = (((z + 630.0) * z + 51975.0) * z + 945945.0) * z + 2027025.0;
    double e = exp_d(2.0 * (a > 20.0 ? 20.0 : a)); /* NaN passes the clamp */
    /* both sides as base + scale (num / den), one division for the two: small,
     * a + (a z) (d / q); else 1 + (-1) (2 / (e + 1)), the same bits as
     * 1 - 2 / (e + 1) */
    bool small = a < 0.55;
    double base = small ? a : 1.0, scale = small ? a * z : -1.0;
    double num = small ? d : 2.0, den = small ? q : e + 1.0;
    return copysign(base + scale * (num / den), x);
}

/* 1 / (1 + e^-x) in the form that cannot overflow (e = e^-|x| <= 1; x >= 0:
 * 1 / (1 + e), else e / (1 + e)), |x| held to 750: beyond 745.13 e is 0, so
 * sigmoid_d(-1000) = 0 and sigmoid_d(1000) = 1 exactly, as libm's gives
 * (log(sigmoid(-1000)) = -inf is what the labs' naive-loss mutants show). */
static inline double sigmoid_d(double x)
{
    double a = fabs(x);
    double e = exp_d(-(a > 750.0 ? 750.0 : a)); /* NaN passes the clamp */
    return (x >= 0 ? 1.0 : e) / (1.0 + e);
}

/* ------------------------------------------------------------------- float --- */

/* e^y for y in [-87, 88], in a form that vectorises (libm's expf does not):
 * y = k ln 2 + r with |r| <= ln 2 / 2 (k rounded half away from zero by a
 * truncating conversion), e^r by its Taylor polynomial to r^7 (truncation
 * below 5e-9), 2^k from the exponent bits. ln 2 in two parts, the first with
 * few enough bits that k ln2_hi is exact. */
static inline float exp_f(float y)
{
    float t = y * 1.44269504f;
    /* k = t rounded half away from zero, as floor(|t| + 1/2) with its sign;
     * the floor from the shifter's nearest integer n, less 1 where n rounded
     * up: float operations only, no truncating call, which GCC cannot
     * if-convert when the caller's clamp splits the loop into two paths */
    float h = fabsf(t) + 0.5f, n = (h + 0x1.8p23f) - 0x1.8p23f;
    float k = copysignf(n > h ? n - 1.0f : n, t);
    int32_t ki = (int32_t)(k == k ? k : 0.0f); /* a NaN y (r carries it) never meets the conversion */
    float r = (y - k * 0.693145752f) - k * 1.42860677e-6f;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t bits = (uint32_t)(ki + 127) << 23;
    float two_k;
    memcpy(&two_k, &bits, sizeof two_k);
    return p * two_k;
}

/* tanh within 1.5 ulp of the exact value (the vmath suite measures it
 * over [-12, 12] and down to 1e-30): below 0.55 the odd Taylor series to x^15
 * (its terms fall by (2x/pi)^2 each), above 1 - 2 / (e^2|x| + 1); past 9.01 it
 * is 1 in float (|x| is held to 10 there; NaN passes the clamp). Both sides
 * are computed and one is chosen, as in tanh_d: a branch would keep the loop
 * from vectorising. */
static inline float tanh_f(float x)
{
    float a = fabsf(x), z = a * a, p = -929569.0f / 638512875.0f;
    p = p * z + 21844.0f / 6081075.0f;
    p = p * z - 1382.0f / 155925.0f;
    p = p * z + 62.0f / 2835.0f;
    p = p * z - 17.0f / 315.0f;
    p = p * z + 2.0f / 15.0f;
    p = p * z - 1.0f / 3.0f;
    float e = exp_f(2.0f * (a > 10.0f ? 10.0f : a));
    float t = a < 0.55f ? a + a * z * p : 1.0f - 2.0f / (e + 1.0f);
    return copysignf(t, x);
}

/* 1 / (1 + e^-x) in the form that cannot overflow (as sigmoid_d), with |x|
 * held to 87 (beyond, the float result is 1, or a value below 2e-38; NaN
 * passes the clamp). */
static inline float sigmoid_f(float x)
{
    float a = fabsf(x);
    float e = exp_f(-(a > 87.0f ? 87.0f : a));
    return (x >= 0 ? 1.0f : e) / (1.0f + e);
}

#endif /* LG_VMATH_H */
