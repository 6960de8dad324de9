/*
 * test_vmath.c - the vectorisable e^x, tanh and sigmoid of vmath.h, which the
 * activation loops and the tape's tanh and sigmoid ops run on: their error in
 * ulps over dense grids (double against long double, float against double
 * libm; the worst printed with LG_TEST_VERBOSE), the special values (signed
 * zeros, subnormals, infinities, NaN, the sigmoid's exact 0 and 1 that the
 * labs' naive-loss mutants rely on), and a fused Linear + Tanh (or Sigmoid)
 * node against a Linear node and the separate op: the same bits, forward and
 * backward, as net.c promises.
 */
#include "lg_test.h"
#include "vmath.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

static bool verbose(void) { return getenv("LG_TEST_VERBOSE") != NULL; }

/* |got - exact| in units of the double spacing at the exact value (the
 * subnormal spacing below DBL_MIN) */
static double ulps_d(double got, long double exact)
{
    long double e = fabsl(exact);
    if (isnan(got) || isinf(got))
        return INFINITY;
    int ex;
    (void)frexpl(e, &ex); /* e in [2^(ex-1), 2^ex) */
    int p = ex - 1 - 52;
    long double ulp = ldexpl(1.0L, p < -1074 ? -1074 : p);
    return (double)(fabsl((long double)got - exact) / ulp);
}

typedef struct worst {
    double ulps, at;
} worst;

static void note(worst *w, double u, double x)
{
    if (u > w->ulps)
        w->ulps = u, w->at = x;
}

static long double sigmoid_ld(double x) { return 1.0L / (1.0L + expl(-(long double)x)); }

static void test_double_accuracy(void)
{
    worst t = { 0, 0 }, s = { 0, 0 }, e = { 0, 0 };
    /* [-40, 40] in 800,000 steps (both sides of tanh's switch at 0.55) */
    for (long i = 0; i <= 800000; i++) {
        double x = -40 + 1e-4 * (double)i;
        note(&t, ulps_d(tanh_d(x), tanhl(x)), x);
        note(&s, ulps_d(sigmoid_d(x), sigmoid_ld(x)), x);
    }
    /* tanh down to 1e-300, by a factor 1.01, both signs */
    for (double x = 1e-300; x < 1; x *= 1.01)
        for (int sign = -1; sign <= 1; sign += 2)
            note(&t, ulps_d(tanh_d(sign * x), tanhl((long double)sign * x)), sign * x);
    /* the sigmoid's tail, to the subnormals and past them to 0 */
    for (double x = -40; x > -746; x -= 0.0137)
        note(&s, ulps_d(sigmoid_d(x), sigmoid_ld(x)), x);
    /* e^y itself over the range the two hold it to */
    for (double y = -745.5; y < 709.78; y += 0.00731)
        note(&e, ulps_d(exp_d(y), expl(y)), y);
    if (verbose())
        printf("\n    tanh_d worst %.3f ulp (at %.17g), sigmoid_d worst %.3f ulp (at %.17g), "
               "exp_d worst %.3f ulp (at %.17g)\n", t.ulps, t.at, s.ulps, s.at, e.ulps, e.at);
    LG_ASSERT_MSG(t.ulps <= 2.0, "tanh_d: %.3f ulp at %.17g", t.ulps, t.at);
    LG_ASSERT_MSG(s.ulps <= 3.0, "sigmoid_d: %.3f ulp at %.17g", s.ulps, s.at);
    LG_ASSERT_MSG(e.ulps <= 1.5, "exp_d: %.3f ulp at %.17g", e.ulps, e.at);
}

static void test_double_special(void)
{
    /* signed zeros, tanh(x) = x for tiny x (subnormals too), saturation */
    CU_ASSERT(tanh_d(0.0) == 0 && !signbit(tanh_d(0.0)));
    CU_ASSERT(tanh_d(-0.0) == 0 && signbit(tanh_d(-0.0)));
    static const double tiny[] = { 1e-300, 3e-200, 1e-20, 1e-9, DBL_MIN, 1e-310, DBL_TRUE_MIN };
    for (size_t i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
        LG_ASSERT_MSG(tanh_d(tiny[i]) == tiny[i], "tanh_d(%g) = %.17g", tiny[i], tanh_d(tiny[i]));
        LG_ASSERT_MSG(tanh_d(-tiny[i]) == -tiny[i], "tanh_d(%g) = %.17g", -tiny[i], tanh_d(-tiny[i]));
    }
    CU_ASSERT(tanh_d(19.5) == 1 && tanh_d(25) == 1 && tanh_d(-1e300) == -1);
    CU_ASSERT(tanh_d(INFINITY) == 1 && tanh_d(-INFINITY) == -1);
    CU_ASSERT(isnan(tanh_d(NAN)) && isnan(tanh_d(-NAN)));
    /* the sigmoid's extremes as libm's: exact 0 and 1, so that a naive
     * log(sigmoid(-1000)) is -inf (the labs' mutants show it) */
    CU_ASSERT(sigmoid_d(-1000) == 0 && sigmoid_d(1000) == 1);
    CU_ASSERT(log(sigmoid_d(-1000)) == -INFINITY && log(1 - sigmoid_d(1000)) == -INFINITY);
    CU_ASSERT(sigmoid_d(-INFINITY) == 0 && sigmoid_d(INFINITY) == 1 && sigmoid_d(-DBL_MAX) == 0);
    CU_ASSERT(sigmoid_d(0.0) == 0.5 && sigmoid_d(-0.0) == 0.5);
    CU_ASSERT(isnan(sigmoid_d(NAN)));
    for (double x = -745.3; x <= -700; x += 1.3) /* the subnormal tail, to within one step of libm's */
        LG_ASSERT_MSG(fabs(sigmoid_d(x) - lg_sigmoid_value(x)) <= fmax(DBL_TRUE_MIN, 3e-16 * lg_sigmoid_value(x)),
                      "sigmoid_d(%g) = %a, libm's %a", x, sigmoid_d(x), lg_sigmoid_value(x));
    CU_ASSERT(exp_d(709.79) == INFINITY && exp_d(-745.2) == 0 && exp_d(-745.1) == DBL_TRUE_MIN);
    CU_ASSERT(exp_d(0) == 1 && fabs(exp_d(1) - M_E) <= 4.5e-16);
}

/* "6-13A" (one fused node) against "6-13" followed by the op, on the same
 * parameters and a batch of 7 (91 values: vector bodies and tails), with
 * pre-activations over about [-30, 30]: values and every gradient the same
 * bits. */
static void fused_vs_op(char act)
{
    char fused_spec[16];
    snprintf(fused_spec, sizeof fused_spec, "6-13%c", act);
    lg_net *fused = NULL, *plain = NULL;
    CU_ASSERT_FATAL(lg_net_parse(fused_spec, &fused) == LG_OK && lg_net_parse("6-13", &plain) == LG_OK);
    CU_ASSERT_FATAL(fused->n_params == plain->n_params);
    for (size_t i = 0; i < fused->n_params; i++)
        fused->theta[i] = plain->theta[i] = 6.0 * sin(1.7 * (double)i + 0.3);
    gsl_matrix *x = gsl_matrix_alloc(7, 6), *r = gsl_matrix_alloc(7, 13);
    for (size_t i = 0; i < 7 * 6; i++)
        x->data[i] = 3.0 * cos(0.9 * (double)i);
    for (size_t i = 0; i < 7 * 13; i++)
        r->data[i] = sin(0.37 * (double)i) - 0.2;
    gsl_matrix *ys[2], *gx[2];
    double *gp[2];
    double zmin = 0, zmax = 0;
    lg_net *nets[2] = { fused, plain };
    for (int k = 0; k < 2; k++) {
        lg_net *net = nets[k];
        net->requires_grad = true;
        lg_net_zero_grad(net);
        lg_tape *t = lg_tape_alloc();
        lg_node *in = lg_input(t, x);
        lg_node *y = lg_net_apply(t, net, in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(y);
        if (k == 1) {
            for (size_t i = 0; i < 7 * 13; i++)
                zmin = fmin(zmin, y->val.data[i]), zmax = fmax(zmax, y->val.data[i]);
            y = act == 't' ? lg_tanh(t, y) : lg_sigmoid(t, y);
        }
        /* the fused node is one node, not the op: else this test compares the op with itself */
        const char *op = act == 't' ? "lg_tanh" : "lg_sigmoid";
        LG_ASSERT_MSG((strcmp(y->op->name, op) == 0) == (k == 1), "%s: the output node is %s", k ? "6-13 + op" : fused_spec,
                      y->op->name);
        CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, y, lg_const(t, r)))), LG_OK);
        ys[k] = gsl_matrix_alloc(7, 13);
        gsl_matrix_memcpy(ys[k], &y->val);
        gx[k] = gsl_matrix_alloc(7, 6);
        gsl_matrix_memcpy(gx[k], lg_grad(in));
        gp[k] = malloc(net->n_params * sizeof(double));
        memcpy(gp[k], net->grad, net->n_params * sizeof(double));
        lg_tape_free(t);
    }
    LG_ASSERT_MSG(zmin < -20 && zmax > 20, "pre-activations over [%g, %g]: the test wants both saturations", zmin, zmax);
    LG_ASSERT_MSG(memcmp(ys[0]->data, ys[1]->data, 7 * 13 * sizeof(double)) == 0, "%s: values differ from the op's",
                  fused_spec);
    LG_ASSERT_MSG(memcmp(gp[0], gp[1], fused->n_params * sizeof(double)) == 0,
                  "%s: parameter gradients differ from the op's", fused_spec);
    LG_ASSERT_MSG(memcmp(gx[0]->data, gx[1]->data, 7 * 6 * sizeof(double)) == 0,
                  "%s: input gradients differ from the op's", fused_spec);
    for (int k = 0; k < 2; k++) {
        gsl_matrix_free(ys[k]);
        gsl_matrix_free(gx[k]);
        free(gp[k]);
    }
    gsl_matrix_free(x);
    gsl_matrix_free(r);
    lg_net_free(fused);
    lg_net_free(plain);
}

static void test_fused_equals_op(void)
{
    fused_vs_op('t');
    fused_vs_op('s');
}

/* The float path's tanh and sigmoid against double libm, in units of the
 * float spacing at the exact value: a dense grid over [-12, 12] and a
 * geometric one down to 1e-30. */
static double ulps_f(float got, double exact)
{
    float e = (float)fabs(exact);
    double ulp = e > 0 ? (double)nextafterf(e, INFINITY) - (double)e : 1.4e-45;
    return fabs((double)got - exact) / ulp;
}

static void test_float_tanh_sigmoid(void)
{
    double wt = 0, ws = 0;
    float at = 0, as = 0;
    for (double x = -12; x <= 12; x += 3e-5) {
        float xf = (float)x;
        double t = ulps_f(tanh_f(xf), tanh((double)xf)), s = ulps_f(sigmoid_f(xf), 1 / (1 + exp(-(double)xf)));
        if (t > wt)
            wt = t, at = xf;
        if (s > ws)
            ws = s, as = xf;
    }
    for (float xf = 1e-30f; xf < 1e-2f; xf *= 1.01f)
        for (int sign = -1; sign <= 1; sign += 2) {
            double t = ulps_f(tanh_f((float)sign * xf), tanh((double)sign * xf));
            if (t > wt)
                wt = t, at = (float)sign * xf;
        }
    for (float xf = 12; xf < 80; xf += 0.37f) { /* the sigmoid's small tail, relative to its own size */
        double s = ulps_f(sigmoid_f(-xf), 1 / (1 + exp((double)xf)));
        if (s > ws)
            ws = s, as = -xf;
    }
    if (verbose())
        printf("\n    float tanh worst %.2f ulp (at %g), sigmoid worst %.2f ulp (at %g)\n", wt, at, ws, as);
    LG_ASSERT_MSG(wt <= 2.0, "tanh_f: %.2f ulp at %g", wt, at);
    LG_ASSERT_MSG(ws <= 3.0, "sigmoid_f: %.2f ulp at %g", ws, as);
    CU_ASSERT(tanh_f(0.0f) == 0 && signbit(tanh_f(-0.0f)) && tanh_f(30) == 1 && tanh_f(-30) == -1);
    CU_ASSERT(sigmoid_f(200) == 1 && sigmoid_f(-200) >= 0 && sigmoid_f(-200) < 2e-38f);
    CU_ASSERT(sigmoid_f(0) == 0.5f);
    /* infinities saturate; NaN comes out NaN (a clamp by fminf once turned it into +-1) */
    CU_ASSERT(tanh_f(INFINITY) == 1 && tanh_f(-INFINITY) == -1);
    CU_ASSERT(sigmoid_f(INFINITY) == 1 && sigmoid_f(-INFINITY) >= 0 && sigmoid_f(-INFINITY) < 2e-38f);
    CU_ASSERT(isnan(tanh_f(NAN)) && isnan(tanh_f(-NAN)) && isnan(sigmoid_f(NAN)) && isnan(exp_f(NAN)));
}

void lg_suite_vmath(void)
{
    LG_ADD_SUITE("vmath",
                 { "double tanh and sigmoid within 2 and 3 ulp of the exact value", test_double_accuracy },
                 { "double tanh and sigmoid: zeros, subnormals, infinities, NaN, exact 0 and 1", test_double_special },
                 { "a fused Linear + Tanh/Sigmoid node = Linear and the op, bit for bit", test_fused_equals_op },
                 { "float tanh and sigmoid within 2 and 3 ulp of double libm; infinities, NaN", test_float_tanh_sigmoid });
}
