/*
 * check.c - the checks of a grading test (litgan/course.h, lg_grade_check):
 * an expected value against the student's, and a failure message that
 * teaches - the input at full precision, the expected and the actual value
 * with the digits that tell them apart, the class of mistake the pair looks
 * like, and the test author's hint for that class.
 *
 * The class comes from the numbers alone (a sign, a factor of 2 or 1/2, the
 * batch size, NaN, Inf, a zero, a number where NaN was to report a failure)
 * or from what the last computation printed (a GSL error). It is a guess at
 * the cause, said as one ("the sign is flipped"), never the answer.
 */
#include "grade_impl.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *lg_grade_num(char buf[LG_GRADE_NUM], double v)
{
    if (isnan(v))
        return strcpy(buf, "NaN");
    if (isinf(v))
        return strcpy(buf, v > 0 ? "Inf" : "-Inf");
    /* at least the integer digits below 1e17: 1000, not 1e+03 */
    int p = fabs(v) >= 1 && fabs(v) < 1e17 ? (int)floor(log10(fabs(v))) + 1 : 1;
    for (; p <= 17; p++) {
        snprintf(buf, LG_GRADE_NUM, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* ---------------------------------------------------- the class of mistake --- */

/* The first "gsl: ..." line of what the last computation printed (GSL's own
 * handler and the runner's write that form), one line, in dst; false if none. */
static bool gsl_line(char *dst, size_t cap)
{
    const char *out = lg_grade_last_output();
    for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, "gsl: ", 5)) {
            const char *end = strchr(l, '\n');
            lg_text_clean(dst, cap, l, end ? (size_t)(end - l) : strlen(l), 0);
            return true;
        }
    return false;
}

/* a ~ b, as loosely as the check itself (or one part in a million): the
 * class is a guess at the cause, not a verdict */
static bool near(const lg_grade_expect *e, double a, double b)
{
    double tol = e->rel ? e->tol * fabs(b) : e->tol * fmax(1.0, fabs(b));
    return fabs(a - b) <= fmax(tol, 1e-6 * fabs(b));
}

static lg_grade_mistake classify(const lg_grade_expect *e, bool gsl, long *multiple)
{
    double a = e->actual, x = e->expected;
    *multiple = 0;
    if (gsl)
        return LG_MISTAKE_GSL;
    if (isnan(a))
        return LG_MISTAKE_NAN;
    if (isinf(a))
        return LG_MISTAKE_INF;
    if (isnan(x))
        return LG_MISTAKE_UNREPORTED;
    if (x == 0 || !isfinite(x))
        return LG_MISTAKE_OTHER;
    if (a == 0)
        return LG_MISTAKE_ZERO;
    if (near(e, a, -x))
        return LG_MISTAKE_SIGN;
    if (e->batch > 1 && near(e, a, e->batch * x)) {
        *multiple = (long)e->batch;
        return LG_MISTAKE_SUM;
    }
    if (near(e, a, 2 * x))
        return LG_MISTAKE_TWICE;
    if (near(e, a, x / 2))
        return LG_MISTAKE_HALF;
    double k = round(a / x);
    if (k >= 3 && k <= 4096 && near(e, a, k * x)) {
        *multiple = (long)k;
        return LG_MISTAKE_SUM;
    }
    return LG_MISTAKE_OTHER;
}

/* What the pair looks like, in a few words (empty for OTHER). */
static void observed(char *dst, size_t cap, lg_grade_mistake m, long multiple, const lg_grade_expect *e,
                     const char *gsl)
{
    switch (m) {
    case LG_MISTAKE_SIGN: snprintf(dst, cap, "the sign is flipped"); break;
    case LG_MISTAKE_TWICE: snprintf(dst, cap, "twice the expected value"); break;
    case LG_MISTAKE_HALF: snprintf(dst, cap, "half the expected value"); break;
    case LG_MISTAKE_SUM:
        if (e->batch > 1 && multiple == (long)e->batch)
            snprintf(dst, cap, "%ld times the expected value, the batch size: a sum where a mean belongs?",
                     multiple);
        else
            snprintf(dst, cap, "%ld times the expected value: a sum where a mean belongs?", multiple);
        break;
    case LG_MISTAKE_NAN: snprintf(dst, cap, "NaN: from 0 * log 0, 0/0 or inf - inf?"); break;
    case LG_MISTAKE_INF:
        snprintf(dst, cap, "%s: from log 0 or a division by 0?", e->actual > 0 ? "Inf" : "-Inf");
        break;
    case LG_MISTAKE_GSL: snprintf(dst, cap, "GSL reported an error: %s", gsl); break;
    case LG_MISTAKE_ZERO: snprintf(dst, cap, "0: a term, or the whole value, missing?"); break;
    case LG_MISTAKE_UNREPORTED: snprintf(dst, cap, "a number where NaN was to report the failure"); break;
    default: dst[0] = '\0';
    }
}

static const char *hint_for(const lg_grade_expect *e, lg_grade_mistake m)
{
    for (size_t i = 0; i < LG_GRADE_HINTS && e->hints[i].mistake != LG_MISTAKE_OTHER; i++)
        if (e->hints[i].mistake == m && e->hints[i].text)
            return e->hints[i].text;
    return e->hint;
}

/* ------------------------------------------------------------ the check --- */

static bool holds(const lg_grade_expect *e)
{
    if (isnan(e->expected))
        return isnan(e->actual);
    if (!isfinite(e->actual))
        return e->actual == e->expected; /* an expected infinity, exactly */
    double scale = e->rel ? fabs(e->expected) : fmax(1.0, fabs(e->expected));
    if (e->rel && e->expected == 0)
        scale = 1.0;
    return fabs(e->actual - e->expected) <= e->tol * scale;
}

/* expected and actual with enough digits to see a difference at the
 * tolerance, more when they would still print alike */
static void pair_text(char *x, char *a, size_t cap, const lg_grade_expect *e)
{
    if (!isfinite(e->expected) || !isfinite(e->actual)) {
        char b[LG_GRADE_NUM];
        snprintf(x, cap, "%s", lg_grade_num(b, e->expected));
        snprintf(a, cap, "%s", lg_grade_num(b, e->actual));
        return;
    }
    int digits = (int)ceil(-log10(e->tol > 0 ? e->tol : 1e-17)) + 2;
    digits = digits < 4 ? 4 : digits > 17 ? 17 : digits;
    double big = fmax(fabs(e->expected), fabs(e->actual)); /* 1000, not 1e+03 */
    if (big >= 1 && big < 1e17 && floor(log10(big)) + 1 > digits)
        digits = (int)floor(log10(big)) + 1;
    for (;; digits++) {
        snprintf(x, cap, "%.*g", digits, e->expected);
        snprintf(a, cap, "%.*g", digits, e->actual);
        if (strcmp(x, a) || digits >= 17)
            break;
    }
}

bool lg_grade_check(const lg_grade_expect *e, const char *file, int line)
{
    if (holds(e)) {
        CU_assertImplementation(CU_TRUE, (unsigned)line, "check", file, "", CU_FALSE);
        return true;
    }
    char gsl[300] = "";
    bool has_gsl = gsl_line(gsl, sizeof gsl);
    long multiple;
    lg_grade_mistake m = classify(e, has_gsl, &multiple);
    char x[40], a[40], obs[400], rel[128] = "";
    pair_text(x, a, sizeof x, e);
    observed(obs, sizeof obs, m, multiple, e, gsl);
    if (e->rel && isfinite(e->actual) && isfinite(e->expected) && e->expected != 0)
        snprintf(rel, sizeof rel, ": relative error %.3g, tolerance %.3g",
                 fabs(e->actual - e->expected) / fabs(e->expected), e->tol);
    const char *hint = hint_for(e, m);
    char msg[2048];
    snprintf(msg, sizeof msg, "input: %s; expected %s%s, got %s%s%s%s%s%s%s",
             e->input && *e->input ? e->input : "(none)", x,
             isnan(e->expected) ? " (the failure reported)" : "", a, rel,
             obs[0] ? " (" : "", obs, obs[0] ? ")" : "", hint && *hint ? "; hint: " : "",
             hint && *hint ? hint : "");
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
    return false;
}

bool lg_grade_check_all(const double *out, const double *expected, size_t n, const char *what,
                        const double *inputs, const lg_grade_expect *e, const char *file, int line)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        char in[512], b[LG_GRADE_NUM];
        if (inputs)
            snprintf(in, sizeof in, "%s = %s", what, lg_grade_num(b, inputs[i]));
        else
            snprintf(in, sizeof in, "%s %zu", what, i + 1);
        lg_grade_expect one = *e;
        one.input = in;
        one.expected = expected[i];
        one.actual = out[i];
        all &= lg_grade_check(&one, file, line);
    }
    return all;
}

void lg_grade_close(double actual, double expected, double tol, const char *input, const char *hint,
                    const char *file, int line)
{
    lg_grade_check(&(lg_grade_expect){ .input = input, .expected = expected, .actual = actual, .tol = tol,
                                       .hint = hint },
                   file, line);
}
