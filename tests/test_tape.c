/*
 * test_tape.c - the autodiff tape (core/src/tape.c) and the layers (core/src/net.c)
 * against independent references:
 *
 *   tape_ops     every op's gradient, for every operand and broadcast shape, by
 *                centred differences in double; lg_stop_gradient;
 *   tape_values  op values against closed forms derived by hand (the derivation
 *                sits beside each one), including the extreme arguments that a
 *                naive softplus / sigmoid gets wrong;
 *   tape_layers  networks from lg_net_parse: gradients with respect to every
 *                parameter block and to the input by centred differences (Linear,
 *                the activations, BatchNorm1d in train and eval mode); layer values
 *                by hand; PyTorch's default initialisation by its distribution;
 *   tape_errors  shape errors, NULL propagation, backward on a non-scalar, and
 *                lg_net_parse's error messages;
 *   tape_memory  recording the same graph twice allocates nothing.
 *
 * The gradient checks follow one pattern. Leaves are lg_input nodes; the op's
 * output y is reduced to the scalar L = sum(y .* R) with a fixed random R, so
 * dL/dy = R exercises every entry of the op's backward with a different weight.
 * The numeric derivative is the centred difference
 *     dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / ((x_i + h) - (x_i - h)),
 * h = 1e-6 max(1, |x_i|), whose error is O(h^2 L''') + O(macheps |L| / h), about
 * 1e-10 relative here; the tolerance is 1e-6 (lg_rel_error: max abs difference
 * over max magnitude). Inputs sit away from kinks (|x| >= 0.2 for abs, relu, leaky
 * relu), in the domain (x >= 0.3 for log and sqrt) and away from poles (|b| >= 0.5
 * for a denominator), so the difference never straddles a non-smooth point.
 *
 * Set LG_TEST_VERBOSE=1 to print every measured relative error.
 */
#include "lg_test.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#define GC_TOL 1e-6     /* relative error allowed to a gradient check */
#define GC_MAX_IN 3     /* inputs of one checked expression */
#define GC_SEED 20240611UL

/* ------------------------------------------------------------- helpers --- */

static bool verbose(void)
{
    const char *v = getenv("LG_TEST_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* Domains of random test inputs (see the header comment). */
typedef enum dom {
    DOM_ANY,   /* U(-1.5, 1.5) */
    DOM_AWAY,  /* |x| ~ U(0.2, 1.5), random sign: away from 0 */
    DOM_POS,   /* U(0.3, 2.0) */
    DOM_WIDE   /* U(-4, 4): both tails of sigmoid-like functions */
} dom;

static double draw(gsl_rng *r, dom d)
{
    double u = gsl_rng_uniform(r);
    switch (d) {
    case DOM_AWAY: {
        double m = 0.2 + 1.3 * u;
        return gsl_rng_uniform(r) < 0.5 ? -m : m;
    }
    case DOM_POS:  return 0.3 + 1.7 * u;
    case DOM_WIDE: return -4.0 + 8.0 * u;
    default:       return -1.5 + 3.0 * u;
    }
}

/* m: (rows, cols) filled from domain d; contiguous (tda == cols). */
static gsl_matrix *rand_matrix_alloc(gsl_rng *r, size_t rows, size_t cols, dom d)
{
    gsl_matrix *m = gsl_matrix_alloc(rows, cols);
    for (size_t i = 0; i < rows * cols; i++)
        m->data[i] = draw(r, d);
    return m;
}

/* A matrix from a row-major literal. */
static gsl_matrix *literal_alloc(size_t rows, size_t cols, const double *v)
{
    gsl_matrix *m = gsl_matrix_alloc(rows, cols);
    memcpy(m->data, v, rows * cols * sizeof(double));
    return m;
}

/* The matrix of a node, entry (i, j), with bounds already known. */
static double at(const lg_node *n, size_t i, size_t j)
{
    return gsl_matrix_get(lg_value(n), i, j);
}

static double grad_at(const lg_node *n, size_t i, size_t j)
{
    const gsl_matrix *g = lg_grad(n);
    return g ? gsl_matrix_get(g, i, j) : NAN;
}

/* -------------------------------------------------- gradient-check core --- */

/* An expression of up to GC_MAX_IN leaves: returns its output node. */
typedef lg_node *(*gc_build_fn)(lg_tape *t, lg_node *const *in, const void *ctx);

typedef struct gc_expr {
    const char *name;
    gc_build_fn build;
    const void *ctx;
    size_t n_in;
    size_t rows[GC_MAX_IN], cols[GC_MAX_IN];
    dom dom[GC_MAX_IN];
} gc_expr;

/* Record L = sum(y .* R) on a reset tape; in[] receives the leaves. */
static lg_node *gc_record(lg_tape *t, const gc_expr *e, gsl_matrix *const *x,
                          lg_node **in, const gsl_matrix *R)
{
    lg_tape_reset(t);
    for (size_t k = 0; k < e->n_in; k++)
        in[k] = lg_input(t, x[k]);
    lg_node *y = e->build(t, in, e->ctx);
    return lg_sum(t, lg_mul(t, y, lg_const(t, R)));
}

/* Worst relative error over the inputs of e, each input judged on its own (a
 * small gradient cannot hide behind a large one). Asserts <= GC_TOL. */
static double gradcheck(const gc_expr *e, gsl_rng *rng)
{
    lg_tape *t = lg_tape_alloc();
    gsl_matrix *x[GC_MAX_IN] = { 0 };
    lg_node *in[GC_MAX_IN] = { 0 };
    for (size_t k = 0; k < e->n_in; k++)
        x[k] = rand_matrix_alloc(rng, e->rows[k], e->cols[k], e->dom[k]);

    /* probe the output shape, then fix R ~ U(-1, 1) of that shape */
    for (size_t k = 0; k < e->n_in; k++)
        in[k] = lg_input(t, x[k]);
    lg_node *y = e->build(t, in, e->ctx);
    LG_ASSERT_MSG(y != NULL, "%s: the op failed: %s", e->name,
                  lg_tape_error(t) ? lg_tape_error(t) : "(no message)");
    double worst = 0;
    if (!y)
        goto done;
    gsl_matrix *R = rand_matrix_alloc(rng, lg_value(y)->size1, lg_value(y)->size2, DOM_ANY);

    lg_node *L = gc_record(t, e, x, in, R);
    int rc = lg_tape_backward(t, L);
    LG_ASSERT_MSG(rc == LG_OK, "%s: backward failed: %s", e->name, lg_errmsg());
    double *ana[GC_MAX_IN] = { 0 };
    for (size_t k = 0; k < e->n_in; k++) {
        size_t N = x[k]->size1 * x[k]->size2;
        const gsl_matrix *g = lg_grad(in[k]);
        LG_ASSERT_MSG(g != NULL, "%s: no gradient reached input %zu", e->name, k);
        ana[k] = calloc(N, sizeof(double));
        if (g)
            memcpy(ana[k], g->data, N * sizeof(double));
    }

    for (size_t k = 0; k < e->n_in; k++) {
        size_t N = x[k]->size1 * x[k]->size2;
        double *num = calloc(N, sizeof(double));
        for (size_t i = 0; i < N; i++) {
            double x0 = x[k]->data[i], h = 1e-6 * fmax(1.0, fabs(x0));
            x[k]->data[i] = x0 + h;
            double xp = x[k]->data[i], Lp = lg_scalar(gc_record(t, e, x, in, R));
            x[k]->data[i] = x0 - h;
            double xm = x[k]->data[i], Lm = lg_scalar(gc_record(t, e, x, in, R));
            x[k]->data[i] = x0;
            num[i] = (Lp - Lm) / (xp - xm); /* the step actually taken */
        }
        double err = lg_rel_error(ana[k], num, N);
        LG_ASSERT_MSG(err <= GC_TOL, "%s: d/d(input %zu) relative error %.3g > %g "
                      "(analytic[0] = %.10g, numeric[0] = %.10g)",
                      e->name, k, err, GC_TOL, ana[k][0], num[0]);
        if (verbose())
            printf("\n    %-34s input %zu  rel err %.2e", e->name, k, err);
        worst = fmax(worst, err);
        free(num);
    }
    for (size_t k = 0; k < e->n_in; k++)
        free(ana[k]);
    gsl_matrix_free(R);
done:
    for (size_t k = 0; k < e->n_in; k++)
        gsl_matrix_free(x[k]);
    lg_tape_free(t);
    return worst;
}

static void report(const char *what, double worst)
{
    if (verbose())
        printf("\n  %s: worst relative error %.2e\n", what, worst);
}

/* --------------------------------------------------------- op adapters --- */

typedef lg_node *(*op1_fn)(lg_tape *, lg_node *);
typedef lg_node *(*op1s_fn)(lg_tape *, lg_node *, double);
typedef lg_node *(*op2_fn)(lg_tape *, lg_node *, lg_node *);

typedef struct unary_op {
    const char *name;
    op1_fn f;      /* plain unary, or NULL */
    op1s_fn fs;    /* with a scalar argument s */
    double s;
    dom dom;
} unary_op;

static lg_node *build_unary(lg_tape *t, lg_node *const *in, const void *ctx)
{
    const unary_op *u = ctx;
    return u->f ? u->f(t, in[0]) : u->fs(t, in[0], u->s);
}

static lg_node *build_binary(lg_tape *t, lg_node *const *in, const void *ctx)
{
    op2_fn f = *(const op2_fn *)ctx;
    return f(t, in[0], in[1]);
}

/* x .* x, x + x, x @ x, concat(x, x): one leaf on both sides of an op, so its
 * gradient is the sum of two contributions. */
static lg_node *build_self(lg_tape *t, lg_node *const *in, const void *ctx)
{
    op2_fn f = *(const op2_fn *)ctx;
    return f(t, in[0], in[0]);
}

/* A small network written with ops, with fan-out (h is used three times):
 *   h = tanh(x W + b)                  x: (4, 3), W: (3, 5), b: (1, 5)
 *   y = concat(sigmoid(h) .* h, softplus(-h) / mean_rows(h .* h + 1))  (4, 10) */
static lg_node *build_composite(lg_tape *t, lg_node *const *in, const void *ctx)
{
    (void)ctx;
    lg_node *h = lg_tanh(t, lg_add(t, lg_matmul(t, in[0], in[1]), in[2]));
    lg_node *left = lg_mul(t, lg_sigmoid(t, h), h);
    lg_node *den = lg_mean_rows(t, lg_shift(t, lg_square(t, h), 1.0));
    lg_node *right = lg_div(t, lg_softplus(t, lg_neg(t, h)), den);
    return lg_concat(t, left, right);
}

/* -------------------------------------------------------------- tape_ops --- */

/* lg_add, lg_sub, lg_mul, lg_div with b of the same shape as a (3, 4), a row
 * (1, 4), a column (3, 1) and a scalar (1, 1); gradients for both operands. The
 * broadcast operand's gradient is the sum over the broadcast dimension. */
static void test_binary_broadcast(void)
{
    static const op2_fn fns[4] = { lg_add, lg_sub, lg_mul, lg_div };
    static const char *names[4] = { "lg_add", "lg_sub", "lg_mul", "lg_div" };
    static const size_t br[4] = { 3, 1, 3, 1 }, bc[4] = { 4, 4, 1, 1 };
    static const char *shape[4] = { "same (3,4)", "row (1,4)", "column (3,1)", "scalar (1,1)" };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED);
    double worst = 0;
    for (int o = 0; o < 4; o++)
        for (int s = 0; s < 4; s++) {
            char name[64];
            snprintf(name, sizeof name, "%s b %s", names[o], shape[s]);
            /* a denominator of lg_div stays away from 0 */
            gc_expr e = { name, build_binary, &fns[o], 2, { 3, br[s] }, { 4, bc[s] },
                          { DOM_ANY, o == 3 ? DOM_AWAY : DOM_ANY } };
            worst = fmax(worst, gradcheck(&e, rng));
        }
    report("binary ops", worst);
    gsl_rng_free(rng);
}

static void test_unary(void)
{
    static const unary_op ops[] = {
        { "lg_scale(s = -1.7)", NULL, lg_scale, -1.7, DOM_ANY },
        { "lg_shift(c = 0.3)", NULL, lg_shift, 0.3, DOM_ANY },
        { "lg_neg", lg_neg, NULL, 0, DOM_ANY },
        { "lg_square", lg_square, NULL, 0, DOM_ANY },
        { "lg_abs", lg_abs, NULL, 0, DOM_AWAY },
        { "lg_sqrt", lg_sqrt, NULL, 0, DOM_POS },
        { "lg_exp", lg_exp, NULL, 0, DOM_ANY },
        { "lg_log", lg_log, NULL, 0, DOM_POS },
        { "lg_softplus", lg_softplus, NULL, 0, DOM_WIDE },
        { "lg_sigmoid", lg_sigmoid, NULL, 0, DOM_WIDE },
        { "lg_tanh", lg_tanh, NULL, 0, DOM_WIDE },
        { "lg_relu", lg_relu, NULL, 0, DOM_AWAY },
        { "lg_leaky_relu(slope = 0.1)", NULL, lg_leaky_relu, 0.1, DOM_AWAY },
        { "lg_leaky_relu(slope = 0.2)", NULL, lg_leaky_relu, 0.2, DOM_AWAY },
        /* reductions: (3, 4) -> (1, 1) or (3, 1) */
        { "lg_sum", lg_sum, NULL, 0, DOM_ANY },
        { "lg_mean", lg_mean, NULL, 0, DOM_ANY },
        { "lg_sum_rows", lg_sum_rows, NULL, 0, DOM_ANY },
        { "lg_mean_rows", lg_mean_rows, NULL, 0, DOM_ANY },
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 1);
    double worst = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        gc_expr e = { ops[i].name, build_unary, &ops[i], 1, { 3 }, { 4 }, { ops[i].dom } };
        worst = fmax(worst, gradcheck(&e, rng));
    }
    report("unary ops and reductions", worst);
    gsl_rng_free(rng);
}

static void test_matmul_concat(void)
{
    static const op2_fn mm = lg_matmul, cat = lg_concat, mul = lg_mul, add = lg_add;
    const gc_expr cases[] = {
        { "lg_matmul (3,4) x (4,2)", build_binary, &mm, 2, { 3, 4 }, { 4, 2 }, { 0 } },
        { "lg_matmul (1,4) x (4,1)", build_binary, &mm, 2, { 1, 4 }, { 4, 1 }, { 0 } },
        { "lg_matmul (5,1) x (1,3)", build_binary, &mm, 2, { 5, 1 }, { 1, 3 }, { 0 } },
        { "lg_matmul x x (3,3)", build_self, &mm, 1, { 3 }, { 3 }, { 0 } },
        { "lg_concat (3,2) | (3,4)", build_binary, &cat, 2, { 3, 3 }, { 2, 4 }, { 0 } },
        { "lg_concat x | x (2,3)", build_self, &cat, 1, { 2 }, { 3 }, { 0 } },
        { "lg_mul x .* x", build_self, &mul, 1, { 3 }, { 4 }, { 0 } },
        { "lg_add x + x", build_self, &add, 1, { 3 }, { 4 }, { 0 } },
        { "composite (fan-out)", build_composite, NULL, 3, { 4, 3, 1 }, { 3, 5, 5 }, { 0 } },
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 2);
    double worst = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        worst = fmax(worst, gradcheck(&cases[i], rng));
    report("matmul, concat, shared leaves", worst);
    gsl_rng_free(rng);
}

/* lg_stop_gradient. With x, w leaves and R fixed,
 *   L = sum(R .* (stop(x) .* w + x .* x))
 * the only path from x that is not stopped is x .* x, so
 *   dL/dx = 2 R .* x   (nothing from the stopped product, which would add R .* w)
 *   dL/dw = R .* stop(x) = R .* x.
 * Both are formed by the tape in exactly these floating-point operations (R*x + R*x
 * equals 2*R*x exactly), so the comparison is exact. */
static void test_stop_gradient(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 3);
    gsl_matrix *x = rand_matrix_alloc(rng, 3, 4, DOM_AWAY);
    gsl_matrix *w = rand_matrix_alloc(rng, 3, 4, DOM_AWAY);
    gsl_matrix *R = rand_matrix_alloc(rng, 3, 4, DOM_AWAY);
    lg_tape *t = lg_tape_alloc();

    lg_node *xn = lg_input(t, x), *wn = lg_input(t, w), *Rn = lg_const(t, R);
    lg_node *s = lg_stop_gradient(t, xn);
    lg_node *y = lg_add(t, lg_mul(t, s, wn), lg_mul(t, xn, xn));
    lg_node *L = lg_sum(t, lg_mul(t, y, Rn));
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, L), LG_OK);
    CU_ASSERT_PTR_NULL(lg_grad(s)); /* the stop node itself passes nothing on */
    CU_ASSERT_PTR_NOT_NULL_FATAL(lg_grad(xn));
    CU_ASSERT_PTR_NOT_NULL_FATAL(lg_grad(wn));
    size_t bad_x = 0, bad_w = 0, bad_v = 0;
    for (size_t i = 0; i < 12; i++) {
        double r = R->data[i], xv = x->data[i];
        bad_x += lg_grad(xn)->data[i] != 2.0 * r * xv;
        bad_w += lg_grad(wn)->data[i] != r * xv;
        bad_v += lg_value(s)->data[i] != xv; /* same value as its input */
    }
    LG_ASSERT_MSG(bad_x == 0, "dL/dx through stop_gradient: %zu of 12 entries differ from 2 R.*x "
                  "(e.g. %.17g vs %.17g)", bad_x, lg_grad(xn)->data[0], 2.0 * R->data[0] * x->data[0]);
    CU_ASSERT_EQUAL(bad_w, 0);
    CU_ASSERT_EQUAL(bad_v, 0);

    /* only a stopped path: L = sum(R .* stop(x)); nothing needs a gradient, so
     * backward succeeds and x receives none */
    lg_tape_reset(t);
    xn = lg_input(t, x);
    L = lg_sum(t, lg_mul(t, lg_stop_gradient(t, xn), lg_const(t, R)));
    CU_ASSERT_EQUAL(lg_tape_backward(t, L), LG_OK);
    CU_ASSERT_PTR_NULL(lg_grad(xn));

    /* stop of a stop, then through an op: still nothing */
    lg_tape_reset(t);
    xn = lg_input(t, x);
    wn = lg_input(t, w);
    L = lg_sum(t, lg_add(t, lg_exp(t, lg_stop_gradient(t, lg_stop_gradient(t, xn))), wn));
    CU_ASSERT_EQUAL(lg_tape_backward(t, L), LG_OK);
    CU_ASSERT_PTR_NULL(lg_grad(xn));
    CU_ASSERT_PTR_NOT_NULL(lg_grad(wn));

    /* Finite differences honour stops in RECORD/REPLAY mode (used by the plugin
     * checker): record stop(x)'s value once, then replay it while x moves, so the
     * centred difference of L = sum(R .* x .* stop(x)) is R .* x, as backward says. */
    t->stop_mode = LG_STOP_RECORD;
    lg_tape_reset(t);
    xn = lg_input(t, x);
    L = lg_sum(t, lg_mul(t, lg_mul(t, xn, lg_stop_gradient(t, xn)), lg_const(t, R)));
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, L), LG_OK);
    double ana[12], num[12];
    memcpy(ana, lg_grad(xn)->data, sizeof ana);
    t->stop_mode = LG_STOP_REPLAY;
    for (size_t i = 0; i < 12; i++) {
        double x0 = x->data[i], h = 1e-6 * fmax(1.0, fabs(x0)), Lpm[2], xs[2];
        for (int side = 0; side < 2; side++) {
            x->data[i] = side ? x0 - h : x0 + h;
            xs[side] = x->data[i];
            lg_tape_reset(t);
            xn = lg_input(t, x);
            L = lg_sum(t, lg_mul(t, lg_mul(t, xn, lg_stop_gradient(t, xn)), lg_const(t, R)));
            Lpm[side] = lg_scalar(L);
        }
        x->data[i] = x0;
        num[i] = (Lpm[0] - Lpm[1]) / (xs[0] - xs[1]);
    }
    t->stop_mode = LG_STOP_PASS;
    double err = lg_rel_error(ana, num, 12);
    LG_ASSERT_MSG(err <= GC_TOL, "stop_gradient in REPLAY mode: relative error %.3g", err);
    report("stop_gradient replay", err);

    lg_tape_free(t);
    gsl_matrix_free(x);
    gsl_matrix_free(w);
    gsl_matrix_free(R);
    gsl_rng_free(rng);
}

/* ----------------------------------------------------------- tape_values --- */

/* Value and gradient of one unary op at one point: records y = op(x) for a
 * (1, 1) leaf x and returns y; *dy receives dy/dx (from backward of sum(y)). */
static double unary_at(const unary_op *u, double x, double *dy)
{
    lg_tape *t = lg_tape_alloc();
    gsl_matrix *m = gsl_matrix_alloc(1, 1);
    gsl_matrix_set(m, 0, 0, x);
    lg_node *xn = lg_input(t, m);
    lg_node *y = build_unary(t, &xn, u);
    double v = lg_scalar(y);
    *dy = NAN;
    if (lg_tape_backward(t, lg_sum(t, y)) == LG_OK && lg_grad(xn))
        *dy = lg_grad(xn)->data[0];
    gsl_matrix_free(m);
    lg_tape_free(t);
    return v;
}

static double op1_at(op1_fn f, double x, double *dy)
{
    return unary_at(&(unary_op){ "op", f, NULL, 0, DOM_ANY }, x, dy);
}

static double op1s_at(op1s_fn f, double s, double x, double *dy)
{
    return unary_at(&(unary_op){ "op", NULL, f, s, DOM_ANY }, x, dy);
}

/* softplus(x) = log(1 + e^x), d/dx = sigmoid(x) = 1 / (1 + e^-x). */
static void test_softplus_sigmoid_extremes(void)
{
    double d, v;
    /* softplus(1000) = 1000 + log(1 + e^-1000); e^-1000 ~ 5e-435 is far below half
     * an ulp of 1000 (5.7e-14), so the double result is exactly 1000; a naive
     * log(1 + exp(1000)) overflows to inf. */
    v = op1_at(lg_softplus, 1000.0, &d);
    CU_ASSERT_DOUBLE_EQUAL(v, 1000.0, 0.0);
    /* d/dx at 1000: sigmoid(1000) = 1 / (1 + e^-1000) = 1 in double */
    CU_ASSERT_DOUBLE_EQUAL(d, 1.0, 0.0);
    /* softplus(-1000) = log(1 + e^-1000) ~ e^-1000 ~ 5e-435, below the smallest
     * subnormal (4.9e-324): exactly 0; its slope sigmoid(-1000) ~ e^-1000 -> 0 */
    v = op1_at(lg_softplus, -1000.0, &d);
    LG_ASSERT_MSG(v == 0.0 && d == 0.0, "softplus(-1000) = %g (expected 0), slope %g (expected 0)", v, d);
    /* softplus(0) = log 2, slope sigmoid(0) = 1/2 */
    v = op1_at(lg_softplus, 0.0, &d);
    LG_ASSERT_CLOSE(v, M_LN2, 1e-16);
    LG_ASSERT_CLOSE(d, 0.5, 0.0);
    /* softplus(-40) = log(1 + u), u = e^-40 ~ 4.2e-18: log(1 + u) = u - u^2/2 + ...,
     * and u^2/2 is 2e-18 of u relatively, so the answer is e^-40 to full precision.
     * A naive log(1 + exp(-40)) returns log(1) = 0. */
    v = op1_at(lg_softplus, -40.0, &d);
    LG_ASSERT_CLOSE(v / exp(-40.0), 1.0, 1e-15);
    /* softplus(x) - softplus(-x) = log((1 + e^x) / (1 + e^-x)) = log(e^x) = x */
    double dp, dm;
    v = op1_at(lg_softplus, 3.7, &dp) - op1_at(lg_softplus, -3.7, &dm);
    LG_ASSERT_CLOSE(v, 3.7, 1e-15);
    /* and the slopes: sigmoid(x) + sigmoid(-x) = 1 */
    LG_ASSERT_CLOSE(dp + dm, 1.0, 1e-15);

    /* sigmoid(-800) = e^-800 / (1 + e^-800) ~ 3.7e-348 rounds to 0 (or at most the
     * smallest subnormal); naive 1 / (1 + exp(800)) is fine too, but e^800 / ... is
     * inf/inf = NaN. Its slope y (1 - y) -> 0. */
    v = op1_at(lg_sigmoid, -800.0, &d);
    LG_ASSERT_MSG(isfinite(v) && v >= 0.0 && v <= 5e-324, "sigmoid(-800) = %g", v);
    LG_ASSERT_MSG(isfinite(d) && d >= 0.0 && d <= 5e-324, "sigmoid'(-800) = %g", d);
    /* sigmoid(800) = 1 / (1 + e^-800) = 1; slope 0 */
    v = op1_at(lg_sigmoid, 800.0, &d);
    LG_ASSERT_MSG(v == 1.0 && d == 0.0, "sigmoid(800) = %.17g (expected 1), slope %g", v, d);
    /* sigmoid(0) = 1/2, slope 1/2 (1 - 1/2) = 1/4 */
    v = op1_at(lg_sigmoid, 0.0, &d);
    LG_ASSERT_CLOSE(v, 0.5, 0.0);
    LG_ASSERT_CLOSE(d, 0.25, 0.0);
    /* sigmoid(-40) = u / (1 + u) with u = e^-40: equals u to relative 4e-18 */
    v = op1_at(lg_sigmoid, -40.0, &d);
    LG_ASSERT_CLOSE(v / exp(-40.0), 1.0, 1e-15);
    /* sigmoid(log 3) = 1 / (1 + 1/3) = 3/4; slope 3/4 * 1/4 = 3/16 */
    v = op1_at(lg_sigmoid, log(3.0), &d);
    LG_ASSERT_CLOSE(v, 0.75, 1e-16);
    LG_ASSERT_CLOSE(d, 3.0 / 16.0, 1e-16);
}

static void test_unary_values(void)
{
    double d, v;
    /* tanh(log(3) / 2) = (e^{log 3} - 1) / (e^{log 3} + 1) = (3 - 1) / (3 + 1) = 1/2;
     * slope 1 - tanh^2 = 3/4 */
    v = op1_at(lg_tanh, 0.5 * log(3.0), &d); /* log(3) itself is rounded: a few ulps */
    LG_ASSERT_CLOSE(v, 0.5, 1e-15);
    LG_ASSERT_CLOSE(d, 0.75, 1e-15);
    /* exp(log 2) = 2, slope exp = 2 */
    v = op1_at(lg_exp, M_LN2, &d);
    LG_ASSERT_CLOSE(v, 2.0, 1e-15);
    LG_ASSERT_CLOSE(d, 2.0, 1e-15);
    /* log(4) = 2 log 2, slope 1/4 */
    v = op1_at(lg_log, 4.0, &d);
    LG_ASSERT_CLOSE(v, 2.0 * M_LN2, 1e-15);
    LG_ASSERT_CLOSE(d, 0.25, 0.0);
    /* sqrt(2.25) = 1.5, slope 1 / (2 sqrt x) = 1/3 */
    v = op1_at(lg_sqrt, 2.25, &d);
    LG_ASSERT_CLOSE(v, 1.5, 0.0);
    LG_ASSERT_CLOSE(d, 1.0 / 3.0, 1e-16);
    /* |-3| = 3, slope sign(-3) = -1; |0| = 0 with slope 0 as documented */
    v = op1_at(lg_abs, -3.0, &d);
    LG_ASSERT_CLOSE(v, 3.0, 0.0);
    LG_ASSERT_CLOSE(d, -1.0, 0.0);
    v = op1_at(lg_abs, 0.0, &d);
    LG_ASSERT_CLOSE(v, 0.0, 0.0);
    LG_ASSERT_CLOSE(d, 0.0, 0.0);
    /* relu(-2) = 0 slope 0; relu(2) = 2 slope 1 */
    v = op1_at(lg_relu, -2.0, &d);
    LG_ASSERT_CLOSE(v, 0.0, 0.0);
    LG_ASSERT_CLOSE(d, 0.0, 0.0);
    v = op1_at(lg_relu, 2.0, &d);
    LG_ASSERT_CLOSE(v, 2.0, 0.0);
    LG_ASSERT_CLOSE(d, 1.0, 0.0);
    /* leaky_relu(-2, 0.1) = 0.1 (-2) = -0.2, slope 0.1; leaky_relu(3, 0.1) = 3, slope 1 */
    v = op1s_at(lg_leaky_relu, 0.1, -2.0, &d);
    LG_ASSERT_CLOSE(v, -0.2, 1e-17);
    LG_ASSERT_CLOSE(d, 0.1, 0.0);
    v = op1s_at(lg_leaky_relu, 0.1, 3.0, &d);
    LG_ASSERT_CLOSE(v, 3.0, 0.0);
    LG_ASSERT_CLOSE(d, 1.0, 0.0);
    /* (-3)^2 = 9, slope 2x = -6; -(2) = -2, slope -1 */
    v = op1_at(lg_square, -3.0, &d);
    LG_ASSERT_CLOSE(v, 9.0, 0.0);
    LG_ASSERT_CLOSE(d, -6.0, 0.0);
    v = op1_at(lg_neg, 2.0, &d);
    LG_ASSERT_CLOSE(v, -2.0, 0.0);
    LG_ASSERT_CLOSE(d, -1.0, 0.0);
    /* -1.5 * 2 = -3, slope -1.5; 2 + 0.5 = 2.5, slope 1 */
    v = op1s_at(lg_scale, -1.5, 2.0, &d);
    LG_ASSERT_CLOSE(v, -3.0, 0.0);
    LG_ASSERT_CLOSE(d, -1.5, 0.0);
    v = op1s_at(lg_shift, 0.5, 2.0, &d);
    LG_ASSERT_CLOSE(v, 2.5, 0.0);
    LG_ASSERT_CLOSE(d, 1.0, 0.0);
}

/* lg_dgemm with an inner dimension of 1 and beta = 0 writes the outer product
 * itself; it must leave the bits a zeroed C plus OpenBLAS's GEMM leaves: each
 * transpose of A and B, A, B and C with rows wider than their columns (views
 * of wider matrices), and products of -0 (the GEMM's C = 0 + (-0) is +0),
 * infinities, NaN (in one factor: with NaN in both, which one comes out
 * depends on the order of the multiply's operands), subnormals. beta = 1
 * (accumulate) and alpha = 2 go through the GEMM; they are checked the same
 * way. */
static void test_dgemm_outer(void)
{
    enum { M = 7, N = 13, LD = 16 };
    static const double u[M] = { -1.0, 0.0, -0.0, NAN, 1e-310, -INFINITY, 0.1 };
    static const double v[N] = { 0.0, -0.0, 2.0, -3.0, 1e308, 1e-10, NAN, 0.3, -0.7, 5.0, 1e-300, 7.0, -1.0 };
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int beta = 0; beta < 3; beta++) { /* beta 0, 1, and 0 with alpha = 2 */
                /* A: (M, 1), or (1, M) when transposed; B: (1, N), or (N, 1);
                 * each a view of a matrix three times as wide and as high, so
                 * that a row is 3 or 3 M or 3 N apart */
                gsl_matrix *Aw = gsl_matrix_alloc(3 * M, 3 * M), *Bw = gsl_matrix_alloc(3 * N, 3 * N);
                gsl_matrix_set_all(Aw, 1e300);
                gsl_matrix_set_all(Bw, 1e300);
                gsl_matrix_view Av = ta ? gsl_matrix_submatrix(Aw, 1, 1, 1, M) : gsl_matrix_submatrix(Aw, 1, 1, M, 1);
                gsl_matrix_view Bv = tb ? gsl_matrix_submatrix(Bw, 1, 1, N, 1) : gsl_matrix_submatrix(Bw, 1, 1, 1, N);
                gsl_matrix *A = &Av.matrix, *B = &Bv.matrix;
                for (size_t i = 0; i < M; i++)
                    ta ? gsl_matrix_set(A, 0, i, u[i]) : gsl_matrix_set(A, i, 0, u[i]);
                for (size_t j = 0; j < N; j++)
                    tb ? gsl_matrix_set(B, j, 0, v[j]) : gsl_matrix_set(B, 0, j, v[j]);
                double alpha = beta == 2 ? 2.0 : 1.0;
                double got_d[M * LD], want_d[M * LD];
                for (size_t i = 0; i < M * LD; i++)
                    got_d[i] = want_d[i] = beta == 1 ? 0.25 * (double)(i % 5) - 0.5 : 99.0;
                gsl_matrix_view got = gsl_matrix_view_array_with_tda(got_d, M, N, LD);
                gsl_matrix_view want = gsl_matrix_view_array_with_tda(want_d, M, N, LD);
                CBLAS_TRANSPOSE_t TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
                lg_dgemm(TA, TB, alpha, A, B, beta == 1 ? 1.0 : 0.0, &got.matrix);
                if (beta != 1)
                    gsl_matrix_set_zero(&want.matrix);
                gsl_blas_dgemm(TA, TB, alpha, A, B, 1.0, &want.matrix);
                LG_ASSERT_MSG(memcmp(got_d, want_d, sizeof got_d) == 0,
                              "ta %d tb %d beta %d alpha %g: not the GEMM's bits (or a value outside C written)",
                              ta, tb, beta == 1, alpha);
                gsl_matrix_free(Aw);
                gsl_matrix_free(Bw);
            }
    /* the case that needs + 0.0: (-1) * 0 = -0, which the GEMM adds to C's +0 */
    gsl_matrix *A = gsl_matrix_alloc(1, 1), *B = gsl_matrix_alloc(1, 1), *C = gsl_matrix_alloc(1, 1);
    gsl_matrix_set(A, 0, 0, -1.0);
    gsl_matrix_set(B, 0, 0, 0.0);
    gsl_matrix_set(C, 0, 0, 42.0);
    lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, C);
    CU_ASSERT_FALSE(signbit(gsl_matrix_get(C, 0, 0)));
    gsl_matrix_free(A);
    gsl_matrix_free(B);
    gsl_matrix_free(C);
}

/* y = f(b + x W^T), the BLAS way: the bias rows (zeros without b), the GEMM
 * onto them, the activation as net.c's loop has it */
static void bias_act_by_blas(const gsl_matrix *x, const gsl_matrix *W, const double *b, lg_layer_kind f,
                             double slope, gsl_matrix *y)
{
    for (size_t i = 0; i < y->size1; i++)
        for (size_t j = 0; j < y->size2; j++)
            gsl_matrix_set(y, i, j, b ? b[j] : 0.0);
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, x, W, 1.0, y);
    for (size_t i = 0; i < y->size1; i++)
        for (size_t j = 0; j < y->size2; j++) {
            double v = gsl_matrix_get(y, i, j);
            if (f == LG_LAYER_RELU)
                gsl_matrix_set(y, i, j, v > 0 ? v : 0.0);
            else if (f == LG_LAYER_LEAKY_RELU)
                gsl_matrix_set(y, i, j, v > 0 ? v : slope * v);
        }
}

/* the same bits, or NaN both (which NaN comes out of a NaN operand is the
 * multiply's business, not the sum order's) */
static bool same_or_nan(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* dgemm.c's one-pass Linear forward: OpenBLAS's bits over the course's layer
 * shapes and every edge of its tiles, inputs with -0, infinities, NaN and
 * subnormals, through views; by hand on a small case; refused where BLAS sums
 * differently (an odd batch, k past one block) and with 2 BLAS threads. And
 * it must be in use on a CPU with AVX2 and FMA: a kernel that summed in any
 * other order would fail its check against BLAS at the first call and leave
 * every product to BLAS. */
static void test_dgemm_bias_act(void)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        CU_ASSERT_TRUE_FATAL(lg_dgemm_own_in_use());
#endif
    if (!lg_dgemm_own_in_use())
        return;
    static const size_t shapes[][3] = { { 256, 128, 128 }, { 256, 128, 2 }, { 256, 2, 128 }, { 256, 1, 128 },
                                        { 64, 128, 100 }, { 2, 1, 1 }, { 6, 9, 256 }, { 250, 127, 200 },
                                        { 12, 4, 3 }, { 130, 300, 2 }, { 8, 5, 17 },
                                        { 64, 6272, 100 }, { 8, 203, 256 } };
    static const double odd[] = { -0.0, 0.0, INFINITY, -INFINITY, NAN, 4.9e-324, -2.2e-308, 1e300, -1e-300 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        gsl_matrix *xw = gsl_matrix_alloc(m + 1, k + 2), *Ww = gsl_matrix_alloc(n, k + 5);
        gsl_matrix *yw = gsl_matrix_alloc(m, n + 3), *want = gsl_matrix_alloc(m, n);
        double *b = malloc(n * sizeof *b);
        for (size_t i = 0; i < xw->size1 * xw->size2; i++)
            xw->data[i] = gsl_rng_uniform(r) * 4 - 2;
        for (size_t i = 0; i < Ww->size1 * Ww->size2; i++)
            Ww->data[i] = gsl_rng_uniform(r) - 0.5;
        for (size_t j = 0; j < n; j++)
            b[j] = gsl_rng_uniform(r) - 0.5;
        if (s > 0) /* the first shape stays finite */
            for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
                xw->data[gsl_rng_uniform_int(r, xw->size1 * xw->size2)] = odd[i];
        gsl_matrix_view x = gsl_matrix_submatrix(xw, 1, 2, m, k), W = gsl_matrix_submatrix(Ww, 0, 3, n, k);
        gsl_matrix_view y = gsl_matrix_submatrix(yw, 0, 1, m, n);
        for (int v = 0; v < 5; v++) {
            lg_layer_kind f = v == 0 ? LG_LAYER_RELU : v == 1 ? LG_LAYER_LEAKY_RELU
                            : v == 2 ? LG_LAYER_TANH : LG_LAYER_LINEAR;
            const double *bias = v == 4 ? NULL : b;
            bias_act_by_blas(&x.matrix, &W.matrix, bias, f, 0.2, want);
            gsl_matrix_set_all(yw, 123.0);
            CU_ASSERT_TRUE_FATAL(lg_dgemm_bias_act(&x.matrix, &W.matrix, bias, f, 0.2, &y.matrix));
            size_t bad = 0;
            for (size_t i = 0; i < m; i++) {
                bad += gsl_matrix_get(yw, i, 0) != 123.0 || gsl_matrix_get(yw, i, n + 1) != 123.0 ||
                       gsl_matrix_get(yw, i, n + 2) != 123.0;
                for (size_t j = 0; j < n; j++)
                    bad += !same_or_nan(gsl_matrix_get(&y.matrix, i, j), gsl_matrix_get(want, i, j));
            }
            LG_ASSERT_MSG(bad == 0, "(%zu, %zu, %zu) variant %d: %zu values not BLAS's bits (or written outside y)",
                          m, n, k, v, bad);
        }
        gsl_matrix_free(xw);
        gsl_matrix_free(Ww);
        gsl_matrix_free(yw);
        gsl_matrix_free(want);
        free(b);
    }
    gsl_rng_free(r);

    /* by hand: x = [1 2; 3 4], W = [1 0; 0 1; 1 1], b = (0.5, -10, 0):
     * x W^T + b = [1.5 -8 3; 3.5 -6 7] */
    static const double xv[] = { 1, 2, 3, 4 }, Wv[] = { 1, 0, 0, 1, 1, 1 }, bv[] = { 0.5, -10, 0 };
    static const double relu[] = { 1.5, 0, 3, 3.5, 0, 7 }, leaky[] = { 1.5, -2, 3, 3.5, -1.5, 7 };
    gsl_matrix_const_view x = gsl_matrix_const_view_array(xv, 2, 2), W = gsl_matrix_const_view_array(Wv, 3, 2);
    double yv[6];
    gsl_matrix_view y = gsl_matrix_view_array(yv, 2, 3);
    CU_ASSERT_TRUE(lg_dgemm_bias_act(&x.matrix, &W.matrix, bv, LG_LAYER_RELU, 0.0, &y.matrix));
    CU_ASSERT_EQUAL(memcmp(yv, relu, sizeof yv), 0);
    CU_ASSERT_TRUE(lg_dgemm_bias_act(&x.matrix, &W.matrix, bv, LG_LAYER_LEAKY_RELU, 0.25, &y.matrix));
    CU_ASSERT_EQUAL(memcmp(yv, leaky, sizeof yv), 0);

    /* products that underflow to -0: (-1e-200)(1e-200) and (1e-300)(-1e-300)
     * round to -0, and so does their chain; BLAS adds it to C's +0: y = +0 */
    static const double xz[] = { -1e-200, 1e-300, 0, 0 }, Wz[] = { 1e-200, -1e-300 };
    double yz[2];
    gsl_matrix_const_view xzv = gsl_matrix_const_view_array(xz, 2, 2), Wzv = gsl_matrix_const_view_array(Wz, 1, 2);
    gsl_matrix_view yzv = gsl_matrix_view_array(yz, 2, 1);
    for (int v = 0; v < 2; v++) {
        CU_ASSERT_TRUE(lg_dgemm_bias_act(&xzv.matrix, &Wzv.matrix, NULL, v ? LG_LAYER_LEAKY_RELU : LG_LAYER_LINEAR,
                                         0.2, &yzv.matrix));
        CU_ASSERT_TRUE(yz[0] == 0.0 && !signbit(yz[0]) && yz[1] == 0.0 && !signbit(yz[1]));
    }

    /* refused, y untouched: an odd batch, k past BLAS's block, 2 BLAS threads */
    gsl_matrix *x3 = gsl_matrix_calloc(3, 2), *y3 = gsl_matrix_alloc(3, 3);
    gsl_matrix *xk = gsl_matrix_calloc(2, 257), *Wk = gsl_matrix_calloc(3, 257);
    gsl_matrix_set_all(y3, 5.0);
    CU_ASSERT_FALSE(lg_dgemm_bias_act(x3, &W.matrix, bv, LG_LAYER_RELU, 0.0, y3));
    CU_ASSERT_FALSE(lg_dgemm_bias_act(xk, Wk, bv, LG_LAYER_RELU, 0.0, &y.matrix));
    CU_ASSERT_EQUAL(gsl_matrix_get(y3, 2, 2), 5.0);
    CU_ASSERT_EQUAL(memcmp(yv, leaky, sizeof yv), 0);
    if (lg_blas_set_threads(2) == LG_OK) {
        CU_ASSERT_FALSE(lg_dgemm_bias_act(&x.matrix, &W.matrix, bv, LG_LAYER_RELU, 0.0, &y.matrix));
        lg_blas_set_threads(1);
    }
    gsl_matrix_free(x3);
    gsl_matrix_free(y3);
    gsl_matrix_free(xk);
    gsl_matrix_free(Wk);
}

/* A net's forward through dgemm.c's kernel (an even batch) against the BLAS
 * path written out layer by layer (bias_act_by_blas): Linear + ReLU, a
 * bias-free Linear + LeakyReLU, a plain Linear, the output Linear; and a
 * bias-only layer + ReLU (which ends the input's say, so in a net of its
 * own); parameters and inputs with values whose products underflow. The same
 * bits, and the same again at an odd batch (the BLAS path itself). */
static void net_forward_kernel(const char *spec)
{
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec, &net), LG_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < net->n_params; i++)
        net->theta[i] = (gsl_rng_uniform(r) - 0.5) * (i % 7 == 3 ? 1e-170 : 1.0);
    for (size_t batch = 6; batch <= 7; batch++) {
        gsl_matrix *x = gsl_matrix_alloc(batch, 3);
        for (size_t i = 0; i < batch * 3; i++)
            x->data[i] = (gsl_rng_uniform(r) - 0.5) * (i % 5 == 1 ? 1e-170 : 4.0);
        lg_tape *t = lg_tape_alloc();
        lg_node *y = lg_net_apply(t, net, lg_const(t, x));
        CU_ASSERT_PTR_NOT_NULL_FATAL(y);
        /* by layers: a Linear (l), maybe an activation after it (l + 1) */
        gsl_matrix *h = gsl_matrix_alloc(batch, 3);
        gsl_matrix_memcpy(h, x);
        for (size_t i = 0; i < net->n_layers; i++) {
            const lg_layer *l = &net->layers[i];
            CU_ASSERT_EQUAL_FATAL(l->kind, LG_LAYER_LINEAR);
            lg_layer_kind f = i + 1 < net->n_layers && net->layers[i + 1].kind != LG_LAYER_LINEAR
                                  ? net->layers[i + 1].kind : LG_LAYER_LINEAR;
            double slope = f == LG_LAYER_LINEAR ? 0.0 : net->layers[i + 1].slope;
            gsl_matrix *o = gsl_matrix_alloc(batch, l->out);
            const double *b = l->no_bias ? NULL : lg_layer_bias(net, l);
            if (l->no_weight) { /* "c": the bias rows, then f */
                gsl_matrix *z = gsl_matrix_calloc(batch, 1), *w0 = gsl_matrix_calloc(l->out, 1);
                bias_act_by_blas(z, w0, b, f, slope, o);
                gsl_matrix_free(z);
                gsl_matrix_free(w0);
            } else {
                gsl_matrix_view W = lg_layer_weight(net, l);
                bias_act_by_blas(h, &W.matrix, b, f, slope, o);
            }
            gsl_matrix_free(h);
            h = o;
            i += f != LG_LAYER_LINEAR;
        }
        const gsl_matrix *got = lg_value(y);
        LG_ASSERT_MSG(got->size1 == batch && got->size2 == 2 && got->tda == 2 &&
                          memcmp(got->data, h->data, batch * 2 * sizeof(double)) == 0,
                      "%s, batch %zu: not the BLAS path's bits", spec, batch);
        gsl_matrix_free(h);
        gsl_matrix_free(x);
        lg_tape_free(t);
    }
    gsl_rng_free(r);
    lg_net_free(net);
}

static void test_net_forward_kernel(void)
{
    net_forward_kernel("3-8r-6nl-5-2");
    net_forward_kernel("3-4cr-2");
}

/* Binary ops, broadcasting, matmul, reductions, concat, leaves - by hand. */
static void test_matrix_values(void)
{
    lg_tape *t = lg_tape_alloc();
    static const double Av[] = { 1, 2, 3, 4 }, rowv[] = { 10, 20 }, colv[] = { 10, 20 };
    static const double Bv[] = { 5, 6, 7, 8 }, Cv[] = { 1, 2, 3, 4, 5, 6 };
    gsl_matrix *A = literal_alloc(2, 2, Av), *B = literal_alloc(2, 2, Bv);
    gsl_matrix *row = literal_alloc(1, 2, rowv), *col = literal_alloc(2, 1, colv);
    gsl_matrix *C = literal_alloc(2, 3, Cv);
    lg_node *a = lg_input(t, A);

    /* A = [[1,2],[3,4]] + row [10,20] = [[11,22],[13,24]] (row added to each row) */
    lg_node *y = lg_add(t, a, lg_const(t, row));
    CU_ASSERT(at(y, 0, 0) == 11 && at(y, 0, 1) == 22 && at(y, 1, 0) == 13 && at(y, 1, 1) == 24);
    /* A - col [[10],[20]] = [[1-10, 2-10], [3-20, 4-20]] = [[-9,-8],[-17,-16]] */
    y = lg_sub(t, a, lg_const(t, col));
    CU_ASSERT(at(y, 0, 0) == -9 && at(y, 0, 1) == -8 && at(y, 1, 0) == -17 && at(y, 1, 1) == -16);
    /* A .* 3 = [[3,6],[9,12]] */
    y = lg_mul(t, a, lg_fill(t, 1, 1, 3.0));
    CU_ASSERT(at(y, 0, 0) == 3 && at(y, 0, 1) == 6 && at(y, 1, 0) == 9 && at(y, 1, 1) == 12);
    /* A ./ row [2,4] = [[1/2, 2/4], [3/2, 4/4]] */
    static const double r24[] = { 2, 4 };
    gsl_matrix *row24 = literal_alloc(1, 2, r24);
    y = lg_div(t, a, lg_const(t, row24));
    CU_ASSERT(at(y, 0, 0) == 0.5 && at(y, 0, 1) == 0.5 && at(y, 1, 0) == 1.5 && at(y, 1, 1) == 1.0);
    /* A B = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]] = [[19,22],[43,50]] */
    y = lg_matmul(t, a, lg_const(t, B));
    CU_ASSERT(at(y, 0, 0) == 19 && at(y, 0, 1) == 22 && at(y, 1, 0) == 43 && at(y, 1, 1) == 50);
    CU_ASSERT_PTR_NULL(lg_tape_error(t));

    /* C = [[1,2,3],[4,5,6]]: sum 21, mean 21/6 = 3.5, row sums [6,15], row means [2,5] */
    lg_node *c = lg_const(t, C);
    CU_ASSERT_DOUBLE_EQUAL(lg_scalar(lg_sum(t, c)), 21.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(lg_scalar(lg_mean(t, c)), 3.5, 0.0);
    y = lg_sum_rows(t, c);
    CU_ASSERT(lg_value(y)->size1 == 2 && lg_value(y)->size2 == 1);
    CU_ASSERT(at(y, 0, 0) == 6 && at(y, 1, 0) == 15);
    y = lg_mean_rows(t, c);
    CU_ASSERT(at(y, 0, 0) == 2 && at(y, 1, 0) == 5);
    /* concat(A, C^T-shaped column) : [[1,2],[3,4]] | [[10],[20]] = [[1,2,10],[3,4,20]] */
    y = lg_concat(t, a, lg_const(t, col));
    CU_ASSERT(lg_value(y)->size2 == 3);
    CU_ASSERT(at(y, 0, 0) == 1 && at(y, 0, 1) == 2 && at(y, 0, 2) == 10 &&
              at(y, 1, 0) == 3 && at(y, 1, 1) == 4 && at(y, 1, 2) == 20);
    /* lg_fill(2, 3, 7): every entry 7 */
    y = lg_fill(t, 2, 3, 7.0);
    CU_ASSERT(lg_value(y)->size1 == 2 && lg_value(y)->size2 == 3);
    CU_ASSERT(at(y, 0, 0) == 7 && at(y, 1, 2) == 7);
    /* a leaf copies a strided view: the (2, 2) block of C at column 1 is [[2,3],[5,6]] */
    gsl_matrix_view sub = gsl_matrix_submatrix(C, 0, 1, 2, 2);
    y = lg_const(t, &sub.matrix);
    CU_ASSERT(at(y, 0, 0) == 2 && at(y, 0, 1) == 3 && at(y, 1, 0) == 5 && at(y, 1, 1) == 6);
    /* and the copy is a copy: changing C afterwards leaves the node alone */
    gsl_matrix_set(C, 0, 1, -1.0);
    CU_ASSERT(at(y, 0, 0) == 2);

    /* Gradients of broadcast operands by hand.
     * L = sum(A + b_row): each b_j is added to both rows -> dL/db = [2, 2].
     * L = sum(A ./ s), s = 2: L = (1+2+3+4)/s, dL/ds = -10/s^2 = -2.5, dL/dA_ij = 1/s.
     * L = sum(mean_rows(C) .* [1; 2]): dL/dC_ij = w_i / 3 -> rows 1/3 and 2/3. */
    lg_tape_reset(t);
    a = lg_input(t, A);
    lg_node *b = lg_input(t, row);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_add(t, a, b))), LG_OK);
    CU_ASSERT(grad_at(b, 0, 0) == 2 && grad_at(b, 0, 1) == 2);
    CU_ASSERT(grad_at(a, 1, 1) == 1);

    lg_tape_reset(t);
    a = lg_input(t, A);
    gsl_matrix *two = gsl_matrix_alloc(1, 1);
    gsl_matrix_set(two, 0, 0, 2.0);
    lg_node *s = lg_input(t, two);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_div(t, a, s))), LG_OK);
    LG_ASSERT_CLOSE(grad_at(s, 0, 0), -2.5, 1e-15);
    LG_ASSERT_CLOSE(grad_at(a, 0, 1), 0.5, 0.0);

    lg_tape_reset(t);
    lg_node *cn = lg_input(t, C);
    lg_node *wcol = lg_const(t, col); /* [10; 20]: dL/dC row i = w_i / 3 */
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, lg_mean_rows(t, cn), wcol))), LG_OK);
    LG_ASSERT_CLOSE(grad_at(cn, 0, 2), 10.0 / 3.0, 1e-15);
    LG_ASSERT_CLOSE(grad_at(cn, 1, 0), 20.0 / 3.0, 1e-15);

    /* L = mean(C): dL/dC_ij = 1/6 */
    lg_tape_reset(t);
    cn = lg_input(t, C);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_mean(t, cn)), LG_OK);
    LG_ASSERT_CLOSE(grad_at(cn, 1, 2), 1.0 / 6.0, 1e-17);

    /* a const leaf never receives a gradient, even next to an input */
    lg_tape_reset(t);
    a = lg_input(t, A);
    lg_node *k = lg_const(t, B);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, a, k))), LG_OK);
    CU_ASSERT_PTR_NULL(lg_grad(k));
    CU_ASSERT(grad_at(a, 1, 0) == 7); /* d(sum A.*B)/dA = B */

    gsl_matrix_free(A);
    gsl_matrix_free(B);
    gsl_matrix_free(row);
    gsl_matrix_free(col);
    gsl_matrix_free(C);
    gsl_matrix_free(row24);
    gsl_matrix_free(two);
    lg_tape_free(t);
}

/* ----------------------------------------------------------- tape_layers --- */

typedef struct net_case {
    const char *spec;
    bool train;        /* BatchNorm mode */
    size_t batch;
    bool twice;        /* apply to two batches on one tape, outputs concatenated */
    bool skip;         /* y = concat(net(x), x .* x): x's gradient has two sources */
} net_case;

/* Record L = sum(R .* y), y = net(x), concat(net(x1), net(x2)) or
 * concat(net(x), x .* x), with the BatchNorm buffers restored first (train-mode
 * forward updates them). With the skip, backward reaches x from the square
 * first (it was recorded last), so the Linear layer must add to x's gradient. */
static lg_node *net_record(lg_tape *t, lg_net *net, const double *buf0, const net_case *c,
                           const gsl_matrix *x, const gsl_matrix *R, lg_node **xn)
{
    memcpy(net->buffers, buf0, net->n_buffers * sizeof(double));
    lg_tape_reset(t);
    lg_node *y;
    if (c->twice) {
        gsl_matrix_const_view h1 = gsl_matrix_const_submatrix(x, 0, 0, c->batch, x->size2);
        gsl_matrix_const_view h2 = gsl_matrix_const_submatrix(x, c->batch, 0, c->batch, x->size2);
        /* x holds both batches; each half is its own leaf with its own gradient */
        lg_node *x1 = lg_input(t, &h1.matrix), *x2 = lg_input(t, &h2.matrix);
        xn[0] = x1;
        xn[1] = x2;
        y = lg_concat(t, lg_net_apply(t, net, x1), lg_net_apply(t, net, x2));
    } else {
        xn[0] = lg_input(t, x);
        y = lg_net_apply(t, net, xn[0]);
        if (c->skip)
            y = lg_concat(t, y, lg_square(t, xn[0]));
    }
    return lg_sum(t, lg_mul(t, y, lg_const(t, R)));
}

/* Gradient check of one network: every parameter block (one per Linear or
 * BatchNorm layer: W and b, or gamma and beta) and the input. */
static double net_gradcheck(const net_case *c, gsl_rng *rng)
{
    lg_net *net = NULL;
    int rc = lg_net_parse(c->spec, &net);
    LG_ASSERT_MSG(rc == LG_OK, "lg_net_parse(%s): %s", c->spec, lg_errmsg());
    if (rc != LG_OK)
        return INFINITY;
    lg_net_init(net, rng);
    net->train = c->train;
    /* non-trivial BatchNorm parameters and running statistics */
    for (size_t li = 0; li < net->n_layers; li++) {
        const lg_layer *l = &net->layers[li];
        if (l->kind != LG_LAYER_BATCHNORM && l->kind != LG_LAYER_BATCHNORM2D)
            continue;
        size_t C = l->p_len / 2; /* features, or channels of an image */
        for (size_t j = 0; j < C; j++) {
            net->theta[l->p_off + j] = 0.5 + gsl_rng_uniform(rng);           /* gamma */
            net->theta[l->p_off + C + j] = gsl_rng_uniform(rng) - 0.5;       /* beta */
            net->buffers[l->b_off + j] = gsl_rng_uniform(rng) - 0.5;         /* mean */
            net->buffers[l->b_off + C + j] = 0.5 + 1.5 * gsl_rng_uniform(rng); /* var */
        }
    }
    char label[96]; /* spec, mode and wiring for messages */
    snprintf(label, sizeof label, "%s %s%s", c->spec, c->train ? "train" : "eval",
             c->twice ? " x2" : c->skip ? " +skip" : "");
    double *buf0 = malloc((net->n_buffers + 1) * sizeof(double));
    memcpy(buf0, net->buffers, net->n_buffers * sizeof(double));

    size_t rows = c->twice ? 2 * c->batch : c->batch;
    gsl_matrix *x = rand_matrix_alloc(rng, rows, net->in_dim, DOM_ANY);
    size_t ycols = c->twice ? 2 * net->out_dim : c->skip ? net->out_dim + net->in_dim : net->out_dim;
    gsl_matrix *R = rand_matrix_alloc(rng, c->batch, ycols, DOM_ANY);
    lg_tape *t = lg_tape_alloc();
    lg_node *xn[2] = { 0 };

    /* analytic */
    net->requires_grad = true;
    lg_net_zero_grad(net);
    lg_node *L = net_record(t, net, buf0, c, x, R, xn);
    rc = lg_tape_backward(t, L);
    LG_ASSERT_MSG(rc == LG_OK, "%s: backward: %s", label, lg_errmsg());
    size_t P = net->n_params, X = rows * net->in_dim, half = c->batch * net->in_dim;
    double *gth = malloc(P * sizeof(double)), *gx = calloc(X, sizeof(double));
    memcpy(gth, net->grad, P * sizeof(double));
    for (int k = 0; k < (c->twice ? 2 : 1); k++) {
        const gsl_matrix *g = lg_grad(xn[k]);
        LG_ASSERT_MSG(g != NULL, "%s: no gradient reached the input", label);
        if (g)
            memcpy(gx + k * half, g->data, (c->twice ? half : X) * sizeof(double));
    }

    /* backward accumulates: a second backward without zero_grad doubles grad */
    L = net_record(t, net, buf0, c, x, R, xn);
    CU_ASSERT_EQUAL(lg_tape_backward(t, L), LG_OK);
    double acc = 0;
    for (size_t k = 0; k < P; k++)
        acc = fmax(acc, fabs(net->grad[k] - 2.0 * gth[k]));
    LG_ASSERT_MSG(acc <= 1e-12 * (1.0 + lg_norm2(gth, P)),
                  "%s: grad after two backwards differs from twice one by %g", label, acc);

    /* numeric: parameters, then inputs */
    double *num = malloc((P > X ? P : X) * sizeof(double)), worst = 0;
    for (size_t k = 0; k < P; k++) {
        double th0 = net->theta[k], h = 1e-6 * fmax(1.0, fabs(th0));
        net->theta[k] = th0 + h;
        double tp = net->theta[k], Lp = lg_scalar(net_record(t, net, buf0, c, x, R, xn));
        net->theta[k] = th0 - h;
        double tm = net->theta[k], Lm = lg_scalar(net_record(t, net, buf0, c, x, R, xn));
        net->theta[k] = th0;
        num[k] = (Lp - Lm) / (tp - tm);
    }
    for (size_t li = 0; li < net->n_layers; li++) {
        const lg_layer *l = &net->layers[li];
        if (!l->p_len)
            continue;
        double err = lg_rel_error(gth + l->p_off, num + l->p_off, l->p_len);
        static const char *const kinds[] = {
            [LG_LAYER_LINEAR] = "linear", [LG_LAYER_BATCHNORM] = "batchnorm", [LG_LAYER_CONV] = "conv2d",
            [LG_LAYER_CONVT] = "convT2d", [LG_LAYER_BATCHNORM2D] = "bn2d" };
        const char *kind = kinds[l->kind];
        LG_ASSERT_MSG(err <= GC_TOL, "%s: layer %zu (%s) parameters: relative error %.3g",
                      label, li, kind, err);
        if (verbose())
            printf("\n    %-26s layer %zu %-9s (%4zu params) rel err %.2e", label, li, kind,
                   l->p_len, err);
        worst = fmax(worst, err);
    }
    for (size_t i = 0; i < X; i++) {
        double x0 = x->data[i], h = 1e-6 * fmax(1.0, fabs(x0));
        x->data[i] = x0 + h;
        double xp = x->data[i], Lp = lg_scalar(net_record(t, net, buf0, c, x, R, xn));
        x->data[i] = x0 - h;
        double xm = x->data[i], Lm = lg_scalar(net_record(t, net, buf0, c, x, R, xn));
        x->data[i] = x0;
        num[i] = (Lp - Lm) / (xp - xm);
    }
    double err = lg_rel_error(gx, num, X);
    LG_ASSERT_MSG(err <= GC_TOL, "%s: d/dx relative error %.3g", label, err);
    if (verbose())
        printf("\n    %-26s input               (%3zu values) rel err %.2e", label, X, err);
    worst = fmax(worst, err);

    /* requires_grad = false: net->grad untouched, dL/dx unchanged */
    net->requires_grad = false;
    lg_net_zero_grad(net);
    L = net_record(t, net, buf0, c, x, R, xn);
    CU_ASSERT_EQUAL(lg_tape_backward(t, L), LG_OK);
    CU_ASSERT_EQUAL(lg_norm2(net->grad, P), 0.0);
    if (lg_grad(xn[0]))
        LG_ASSERT_MSG(lg_rel_error(lg_grad(xn[0])->data, gx, c->twice ? half : X) <= 1e-14,
                      "%s: dL/dx depends on requires_grad", label);
    else
        CU_FAIL("no input gradient with requires_grad = false");

    memcpy(net->buffers, buf0, net->n_buffers * sizeof(double));
    lg_tape_free(t);
    free(num);
    free(gth);
    free(gx);
    free(buf0);
    gsl_matrix_free(x);
    gsl_matrix_free(R);
    lg_net_free(net);
    return worst;
}

static void test_net_gradients(void)
{
    static const net_case cases[] = {
        { "3-4-2", true, 5, false, false },
        { "3-4r-2", true, 5, false, false },
        { "3-4l0.1-2", true, 5, false, false },
        { "3-4l-2", true, 5, false, false },
        { "3-4t-2", true, 5, false, false },
        { "3-4s-2", true, 5, false, false },
        { "3-5b-4t-2", true, 6, false, false },      /* BatchNorm, train mode */
        { "3-5b0.8l-4b-2s", true, 6, false, false }, /* eps 0.8 (the seeds' quirk), two BNs */
        { "3-5b-4t-2", false, 6, false, false },     /* BatchNorm, eval mode */
        { "3-5b0.8l-4b-2s", false, 6, false, false },
        { "3-4r-4t-2", true, 4, true, false },       /* one net on two batches (D(real), D(fake)) */
        { "3-5b-2", true, 4, true, false },          /* ... with batch statistics per call */
        { "3-4t-2", true, 5, false, true },          /* skip connection: x feeds two ops */
        { "3-4b-2", true, 5, false, true },          /* ... and a BatchNorm net */
        { "3-4l0.1-4r-2t", true, 5, true, false },   /* three fused Linear + activation, one the output */
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 4);
    double worst = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        worst = fmax(worst, net_gradcheck(&cases[i], rng));
    report("networks", worst);
    gsl_rng_free(rng);
}

/* A Linear layer and the activation after it are one node (net.c): the
 * output node's gradient is still dL/dy, as lg_grad promises, not the
 * gradient behind the activation. "2-2t", L = sum(R .* y): dL/dy = R. */
static void test_fused_output_grad(void)
{
    lg_tape *t = lg_tape_alloc();
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("2-2t", &net), LG_OK);
    static const double th[] = { 0.5, -1, 2, 0.25, 0.1, -0.3 }, xv[] = { 1, 2, -1, 0.5 }, rv[] = { 3, -2, 0.5, 7 };
    memcpy(net->theta, th, sizeof th);
    net->requires_grad = true;
    gsl_matrix *x = literal_alloc(2, 2, xv), *r = literal_alloc(2, 2, rv);
    lg_node *y = lg_net_apply(t, net, lg_const(t, x));
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_EQUAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, y, lg_const(t, r)))), LG_OK);
    const gsl_matrix *dy = lg_grad(y);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dy);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(dy->data[i], rv[i]);
    /* and the bias gradient is sum over rows of R (1 - y^2) */
    for (size_t j = 0; j < 2; j++) {
        double db = 0;
        for (size_t i = 0; i < 2; i++)
            db += rv[i * 2 + j] * (1.0 - at(y, i, j) * at(y, i, j));
        LG_ASSERT_CLOSE(net->grad[4 + j], db, 1e-15);
    }
    lg_net_free(net);
    gsl_matrix_free(x);
    gsl_matrix_free(r);
    lg_tape_free(t);
}

/* "6-13b0.8A-5" (BatchNorm + activation A as one node inside the net) against
 * "6-13b0.8", the op, then "13-5", on the same parameters and running
 * statistics, a batch of 7, train and eval mode: values, running statistics,
 * every parameter gradient and the input gradient the same bits. */
static void bn_act_vs_op(char act, bool train)
{
    char spec[32];
    snprintf(spec, sizeof spec, "6-13b0.8%c-5", act);
    lg_net *fused = NULL, *bn = NULL, *lin = NULL;
    CU_ASSERT_FATAL(lg_net_parse(spec, &fused) == LG_OK && lg_net_parse("6-13b0.8", &bn) == LG_OK &&
                    lg_net_parse("13-5", &lin) == LG_OK);
    CU_ASSERT_FATAL(fused->n_params == bn->n_params + lin->n_params);
    size_t nb = 0, nbf = 0;
    double *buf = lg_net_buffers(bn, &nb), *buff = lg_net_buffers(fused, &nbf);
    CU_ASSERT_FATAL(nb == nbf && nb == 26);
    for (size_t i = 0; i < fused->n_params; i++)
        fused->theta[i] = 2.0 * sin(1.3 * (double)i + 0.2);
    memcpy(bn->theta, fused->theta, bn->n_params * sizeof(double));
    memcpy(lin->theta, fused->theta + bn->n_params, lin->n_params * sizeof(double));
    for (size_t i = 0; i < nb; i++) /* running means, then variances (> 0) */
        buf[i] = buff[i] = i < 13 ? 0.3 * cos((double)i) : 1.0 + 0.5 * sin((double)i);
    gsl_matrix *x = gsl_matrix_alloc(7, 6), *r = gsl_matrix_alloc(7, 5);
    for (size_t i = 0; i < 7 * 6; i++)
        x->data[i] = 3.0 * cos(0.9 * (double)i);
    for (size_t i = 0; i < 7 * 5; i++)
        r->data[i] = sin(0.37 * (double)i) - 0.2;
    lg_net *nets[3] = { fused, bn, lin };
    for (int k = 0; k < 3; k++) {
        nets[k]->requires_grad = true;
        nets[k]->train = train;
        lg_net_zero_grad(nets[k]);
    }
    gsl_matrix *ys[2], *gx[2];
    for (int k = 0; k < 2; k++) {
        lg_tape *t = lg_tape_alloc();
        lg_node *in = lg_input(t, x), *y;
        if (k == 0) {
            y = lg_net_apply(t, fused, in);
            CU_ASSERT_PTR_NOT_NULL_FATAL(y);
            LG_ASSERT_MSG(strcmp(y->a->op->name, "batchnorm+activation") == 0,
                          "%s: the node before the output is %s, not one fused node", spec, y->a->op->name);
        } else {
            lg_node *h = lg_net_apply(t, bn, in);
            h = act == 'r' ? lg_relu(t, h) : act == 'l' ? lg_leaky_relu(t, h, 0.2)
                : act == 't' ? lg_tanh(t, h) : lg_sigmoid(t, h);
            y = lg_net_apply(t, lin, h);
            CU_ASSERT_PTR_NOT_NULL_FATAL(y);
        }
        CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, y, lg_const(t, r)))), LG_OK);
        ys[k] = gsl_matrix_alloc(7, 5);
        gsl_matrix_memcpy(ys[k], &y->val);
        gx[k] = gsl_matrix_alloc(7, 6);
        gsl_matrix_memcpy(gx[k], lg_grad(in));
        lg_tape_free(t);
    }
    LG_ASSERT_MSG(memcmp(ys[0]->data, ys[1]->data, 7 * 5 * sizeof(double)) == 0, "%s: values differ", spec);
    LG_ASSERT_MSG(memcmp(buf, buff, nb * sizeof(double)) == 0, "%s: running statistics differ", spec);
    LG_ASSERT_MSG(memcmp(fused->grad, bn->grad, bn->n_params * sizeof(double)) == 0 &&
                  memcmp(fused->grad + bn->n_params, lin->grad, lin->n_params * sizeof(double)) == 0,
                  "%s (%s mode): parameter gradients differ", spec, train ? "train" : "eval");
    LG_ASSERT_MSG(memcmp(gx[0]->data, gx[1]->data, 7 * 6 * sizeof(double)) == 0,
                  "%s (%s mode): input gradients differ", spec, train ? "train" : "eval");
    for (int k = 0; k < 2; k++) {
        gsl_matrix_free(ys[k]);
        gsl_matrix_free(gx[k]);
    }
    gsl_matrix_free(x);
    gsl_matrix_free(r);
    for (int k = 0; k < 3; k++)
        lg_net_free(nets[k]);
}

static void test_fused_bn_act(void)
{
    for (int train = 0; train < 2; train++)
        for (const char *a = "rlts"; *a; a++)
            bn_act_vs_op(*a, train);
}

/* The image layers (conv.c) the same way: Conv2d and ConvTranspose2d with
 * stride 2 and padding 1 (DCGAN's), odd kernels and strides, no bias,
 * BatchNorm2d in both modes, and small DCGAN-like nets on one and two batches. */
static void test_conv_gradients(void)
{
    static const net_case cases[] = {
        { "2x5x5-C3k3s1p0", true, 3, false, false },
        { "2x6x6-C3k4s2p1l-2", true, 3, false, false },
        { "1x7x7-C2k3s2p1nt-T1k3s2p1", true, 2, false, false },  /* odd: 7 -> 4 -> 7, no bias */
        { "3x3x3-T2k4s2p1t", true, 3, false, false },
        { "3x3x3-T2k3s1p0-3", true, 3, false, false },
        { "2x5x5-C3k3s1p1b-2", true, 3, false, false },         /* BatchNorm2d, train mode */
        { "2x5x5-C3k3s1p1b-2", false, 3, false, false },        /* ... eval mode */
        { "2x4x4-C3k3s1p1bl-T2k4s2p1b0.8t", true, 2, false, false },
        { "2x4x4-C3k3s1p1bl-T2k4s2p1b0.8t", false, 2, false, false },
        { "4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t", true, 3, false, false }, /* a generator */
        { "4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t", false, 3, false, false },
        { "1x8x8-C3k4s2p1l-C4k4s2p1bl-1", true, 2, true, false },        /* a critic, D(real), D(fake) */
        { "1x6x6-C2k3s1p1b-T1k3s1p1", true, 2, false, true },            /* skip connection */
        /* a joint critic on (x, z): the image through a conv layer, z carried to
         * the join; and the same with Linear layers, on two batches */
        { "4+2-1x2x2-C2k2s1p0l-+2-3l-1", true, 3, false, false },
        { "3+2-4r-+2-3t-1", true, 3, true, false },
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 9);
    double worst = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        worst = fmax(worst, net_gradcheck(&cases[i], rng));
    report("image layers", worst);
    gsl_rng_free(rng);
}

/* Linear and BatchNorm values by hand. */
static void test_layer_values(void)
{
    lg_tape *t = lg_tape_alloc();
    lg_net *net = NULL;
    /* Linear "2-2": y = x W^T + b with W = [[1,2],[3,4]] (out, in), b = [0.5, -1]:
     *   x = [1, 1]: [1+2, 3+4] + b = [3.5, 6];  x = [2, 0]: [2, 6] + b = [2.5, 5] */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("2-2", &net), LG_OK);
    CU_ASSERT_EQUAL(net->n_params, 6);
    static const double th[] = { 1, 2, 3, 4, 0.5, -1 }, xv[] = { 1, 1, 2, 0 };
    memcpy(net->theta, th, sizeof th);
    gsl_matrix *x = literal_alloc(2, 2, xv);
    lg_node *y = lg_net_apply(t, net, lg_const(t, x));
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT(at(y, 0, 0) == 3.5 && at(y, 0, 1) == 6 && at(y, 1, 0) == 2.5 && at(y, 1, 1) == 5);
    lg_net_free(net);
    gsl_matrix_free(x);

    /* BatchNorm "3-3b1" with the Linear set to the identity, eps = 1.
     * Eval mode: y = gamma (x - mu_run) / sqrt(var_run + eps) + beta. With
     * mu_run = 0.5, var_run = 3: sqrt(3 + 1) = 2, so y = gamma (x - 0.5) / 2 + beta;
     * x = 2.5, gamma = 3, beta = 1: 3 * 2 / 2 + 1 = 4;  x = -1.5: 3 * (-2) / 2 + 1 = -2. */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-3b1", &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 2);
    const lg_layer *bn = &net->layers[1];
    CU_ASSERT_EQUAL(bn->kind, LG_LAYER_BATCHNORM);
    CU_ASSERT_DOUBLE_EQUAL(bn->eps, 1.0, 0.0);
    memset(net->theta, 0, net->n_params * sizeof(double));
    for (size_t j = 0; j < 3; j++) {
        net->theta[j * 3 + j] = 1.0;                  /* W = I, b = 0 */
        net->theta[bn->p_off + j] = 3.0;              /* gamma */
        net->theta[bn->p_off + 3 + j] = 1.0;          /* beta */
        net->buffers[bn->b_off + j] = 0.5;            /* running mean */
        net->buffers[bn->b_off + 3 + j] = 3.0;        /* running var */
    }
    static const double ev[] = { 2.5, -1.5, 0.5, 0.5, 2.5, -1.5 };
    x = literal_alloc(2, 3, ev);
    net->train = false;
    lg_tape_reset(t);
    y = lg_net_apply(t, net, lg_const(t, x));
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    static const double ey[] = { 4, -2, 1, 1, 4, -2 }; /* 0.5 -> gamma * 0 + beta = 1 */
    for (size_t i = 0; i < 6; i++)
        LG_ASSERT_CLOSE(lg_value(y)->data[i], ey[i], 1e-15);
    /* eval mode leaves the running statistics alone */
    CU_ASSERT(net->buffers[bn->b_off] == 0.5 && net->buffers[bn->b_off + 3] == 3.0);
    lg_net_free(net);
    gsl_matrix_free(x);

    /* Train mode, "3-3b" (eps 1e-5), W = I, b = 0, gamma = 1, beta = 0, batch 5.
     * Per column with batch mean mu and biased variance v:
     *   y = (x - mu) / sqrt(v + eps)  =>  mean(y) = 0 and mean(y^2) = v / (v + eps).
     * Running statistics from (0, 1), momentum 0.1, unbiased variance v B/(B-1):
     *   mean_run = 0.9 * 0 + 0.1 mu,  var_run = 0.9 * 1 + 0.1 v B / (B - 1). */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-3b", &net), LG_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 5);
    lg_net_init(net, rng);
    bn = &net->layers[1];
    for (size_t k = 0; k < 12; k++)
        net->theta[k] = 0.0;
    for (size_t j = 0; j < 3; j++)
        net->theta[j * 3 + j] = 1.0;
    const size_t B = 5;
    x = rand_matrix_alloc(rng, B, 3, DOM_WIDE);
    lg_tape_reset(t);
    y = lg_net_apply(t, net, lg_const(t, x));
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    for (size_t j = 0; j < 3; j++) {
        double mu = 0, v = 0, my = 0, my2 = 0;
        for (size_t i = 0; i < B; i++)
            mu += gsl_matrix_get(x, i, j) / (double)B;
        for (size_t i = 0; i < B; i++) {
            double d = gsl_matrix_get(x, i, j) - mu;
            v += d * d / (double)B;
            my += at(y, i, j) / (double)B;
            my2 += at(y, i, j) * at(y, i, j) / (double)B;
        }
        LG_ASSERT_CLOSE(my, 0.0, 1e-15);
        LG_ASSERT_CLOSE(my2, v / (v + 1e-5), 1e-14);
        LG_ASSERT_CLOSE(net->buffers[bn->b_off + j], 0.1 * mu, 1e-15);
        LG_ASSERT_CLOSE(net->buffers[bn->b_off + 3 + j], 0.9 + 0.1 * v * (double)B / (B - 1.0), 1e-14);
    }
    gsl_rng_free(rng);
    gsl_matrix_free(x);
    lg_net_free(net);
    lg_tape_free(t);
}

/* lg_net_init against PyTorch's default: nn.Linear draws W and b from U(-a, a),
 * a = 1/sqrt(fan_in) (kaiming_uniform with a = sqrt 5 gives gain sqrt(1/3) and
 * bound gain sqrt(3 / fan_in) = 1/sqrt(fan_in)); BatchNorm1d gamma = 1, beta = 0,
 * running mean 0, running var 1.
 * For U(-a, a): E x = 0, E x^2 = a^2/3, E x^4 = a^4/5, so Var(x^2) = a^4/5 - a^4/9
 * = 4a^4/45. With N draws the sample variance s^2 has standard error about
 * sqrt(4a^4/(45N)), i.e. sqrt(0.8/N) relative to a^2/3: 0.88% at N = 10240; the
 * tolerance is 6 of those. The sample mean has standard error a/sqrt(3N). */
static void check_net_init(const char *spec)
{
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec, &net), LG_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 6);
    for (size_t k = 0; k < net->n_params; k++)
        net->theta[k] = NAN; /* every entry must be written */
    lg_net_init(net, rng);
    for (size_t li = 0; li < net->n_layers; li++) {
        const lg_layer *l = &net->layers[li];
        const double *p = net->theta + l->p_off;
        if (l->kind == LG_LAYER_LINEAR || l->kind == LG_LAYER_CONV || l->kind == LG_LAYER_CONVT) {
            /* torch's fan_in is W.size(1) k k: Linear in; Conv2d (out, in, k, k)
             * C_in k k; ConvTranspose2d (in, out, k, k) C_out k k */
            size_t fan = l->kind == LG_LAYER_LINEAR ? l->in
                         : (l->kind == LG_LAYER_CONV ? l->ish.c : l->osh.c) * l->k * l->k;
            size_t n_w = l->kind == LG_LAYER_LINEAR ? l->in * l->out : l->ish.c * l->osh.c * l->k * l->k;
            size_t n_b = l->p_len - n_w;
            double a = 1.0 / sqrt((double)fan), mx = 0;
            size_t outside = 0, n = l->p_len;
            for (size_t k = 0; k < n; k++) {
                outside += !(fabs(p[k]) <= a);
                mx = fmax(mx, fabs(p[k]));
            }
            LG_ASSERT_MSG(outside == 0, "layer %zu: %zu of %zu entries outside [-%g, %g]", li,
                          outside, n, a, a);
            /* the whole interval is used: P(all N draws within 0.8a) = 0.8^N < 1e-11 */
            LG_ASSERT_MSG(mx > 0.8 * a, "layer %zu: max |w| = %g, bound %g", li, mx, a);
            /* the bias too is drawn (non-zero) within the bound */
            const double *b = lg_layer_bias(net, l);
            double bmax = 0;
            for (size_t k = 0; k < n_b; k++)
                bmax = fmax(bmax, fabs(b[k]));
            CU_ASSERT(bmax > 0 && bmax <= a);
            if (n_w >= 10000) {
                size_t N = n_w; /* weights only */
                double m = 0, s2 = 0;
                for (size_t k = 0; k < N; k++)
                    m += p[k] / (double)N;
                for (size_t k = 0; k < N; k++)
                    s2 += (p[k] - m) * (p[k] - m) / (double)(N - 1);
                double var = a * a / 3.0, se = sqrt(0.8 / (double)N);
                LG_ASSERT_MSG(fabs(s2 / var - 1.0) <= 6.0 * se,
                              "layer %zu: sample variance %g, expected 1/(3n) = %g (+- %.2g%%)", li,
                              s2, var, 600.0 * se);
                LG_ASSERT_MSG(fabs(m) <= 6.0 * a / sqrt(3.0 * (double)N),
                              "layer %zu: sample mean %g", li, m);
                if (verbose())
                    printf("\n    init: fan_in = %zu, s^2 / (1/3n) = %.4f, mean = %.2e (se %.2e)", fan,
                           s2 / var, m, a / sqrt(3.0 * N));
            }
        } else if (l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D) {
            size_t C = l->kind == LG_LAYER_BATCHNORM ? l->out : l->ish.c;
            CU_ASSERT_EQUAL(l->p_len, 2 * C);
            for (size_t k = 0; k < C; k++) {
                CU_ASSERT(p[k] == 1.0 && p[C + k] == 0.0);
                CU_ASSERT(net->buffers[l->b_off + k] == 0.0);
                CU_ASSERT(net->buffers[l->b_off + C + k] == 1.0);
            }
        }
    }
    /* the same seed gives the same weights, another seed others */
    double *first = malloc(net->n_params * sizeof(double));
    memcpy(first, net->theta, net->n_params * sizeof(double));
    gsl_rng_set(rng, GC_SEED + 6);
    lg_net_init(net, rng);
    CU_ASSERT(memcmp(first, net->theta, net->n_params * sizeof(double)) == 0);
    gsl_rng_set(rng, GC_SEED + 7);
    lg_net_init(net, rng);
    CU_ASSERT(memcmp(first, net->theta, net->n_params * sizeof(double)) != 0);
    free(first);
    gsl_rng_free(rng);
    lg_net_free(net);
}

static void test_net_init(void)
{
    check_net_init("256-40-3b");
    /* Conv2d fan_in 16*5*5 = 400 (bound 0.05, 16000 weights: the variance
     * test); ConvTranspose2d 40 -> 3 channels, k 4: fan_in 3*16 = 48 (bound
     * 0.144), not 40*16 = 640 (0.040): the maximum over 1920 weights tells */
    check_net_init("16x4x4-C40k5s1p2b-T3k4s2p1");
}

/* The parsed structure follows the grammar in lg_impl.h. */
static void test_net_parse_structure(void)
{
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-4l0.1-2", &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 3);
    CU_ASSERT(net->layers[0].kind == LG_LAYER_LINEAR && net->layers[0].in == 3 && net->layers[0].out == 4);
    CU_ASSERT(net->layers[1].kind == LG_LAYER_LEAKY_RELU);
    CU_ASSERT_DOUBLE_EQUAL(net->layers[1].slope, 0.1, 0.0);
    CU_ASSERT(net->layers[2].kind == LG_LAYER_LINEAR && net->layers[2].in == 4 && net->layers[2].out == 2);
    /* (3*4 + 4) + (4*2 + 2) = 26 parameters, contiguous per layer */
    CU_ASSERT_EQUAL(net->n_params, 26);
    CU_ASSERT(net->layers[0].p_off == 0 && net->layers[0].p_len == 16);
    CU_ASSERT(net->layers[2].p_off == 16 && net->layers[2].p_len == 10);
    CU_ASSERT(net->in_dim == 3 && net->out_dim == 2);
    lg_net_free(net);

    /* the seeds' MNIST generator: LeakyReLU default slope 0.2, BatchNorm eps 0.8 */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("100-128l-256b0.8l-784t", &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 7);
    static const lg_layer_kind kinds[7] = { LG_LAYER_LINEAR, LG_LAYER_LEAKY_RELU, LG_LAYER_LINEAR,
                                            LG_LAYER_BATCHNORM, LG_LAYER_LEAKY_RELU,
                                            LG_LAYER_LINEAR, LG_LAYER_TANH };
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(net->layers[i].kind, kinds[i]);
    CU_ASSERT_DOUBLE_EQUAL(net->layers[1].slope, 0.2, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(net->layers[3].eps, 0.8, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(net->layers[3].momentum, 0.1, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(net->layers[4].slope, 0.2, 0.0);
    /* 100*128+128 + 128*256+256 + 2*256 + 256*784+784 */
    CU_ASSERT_EQUAL(net->n_params, 100 * 128 + 128 + 128 * 256 + 256 + 2 * 256 + 256 * 784 + 784);
    CU_ASSERT_EQUAL(net->n_buffers, 2 * 256);
    CU_ASSERT(net->in_dim == 100 && net->out_dim == 784);
    CU_ASSERT(net->train); /* a new network is in training mode */
    lg_net_free(net);
}

/* The DCGAN nets for MNIST (the --help examples): shapes, parameter counts,
 * statistics, multiply-adds and lg_net_spec_cost. */
static void test_conv_parse_structure(void)
{
    lg_net *net = NULL;
    /* generator: 100 -> 6272 (BN1d, ReLU) -> 128x7x7 -> 64x14x14 (BN2d, ReLU) -> 1x28x28, Tanh */
    const char *g = "100-6272br-128x7x7-T64k4s2p1br-T1k4s2p1t";
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(g, &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 8);
    static const lg_layer_kind gk[8] = { LG_LAYER_LINEAR, LG_LAYER_BATCHNORM, LG_LAYER_RELU, LG_LAYER_CONVT,
                                         LG_LAYER_BATCHNORM2D, LG_LAYER_RELU, LG_LAYER_CONVT, LG_LAYER_TANH };
    for (size_t i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(net->layers[i].kind, gk[i]);
    const lg_layer *t1 = &net->layers[3], *bn = &net->layers[4], *t2 = &net->layers[6];
    CU_ASSERT(t1->ish.c == 128 && t1->ish.h == 7 && t1->ish.w == 7 && t1->in == 6272);
    CU_ASSERT(t1->osh.c == 64 && t1->osh.h == 14 && t1->osh.w == 14 && t1->out == 12544);
    CU_ASSERT(t1->k == 4 && t1->stride == 2 && t1->pad == 1);
    CU_ASSERT(bn->ish.c == 64 && bn->p_len == 128 && bn->out == 12544);
    CU_ASSERT(t2->osh.c == 1 && t2->osh.h == 28 && t2->osh.w == 28);
    CU_ASSERT(net->in_dim == 100 && net->out_dim == 784);
    size_t np = 100 * 6272 + 6272 + 2 * 6272 + 128 * 64 * 16 + 64 + 2 * 64 + 64 * 1 * 16 + 1;
    CU_ASSERT_EQUAL(net->n_params, np);
    CU_ASSERT_EQUAL(net->n_buffers, 2 * 6272 + 2 * 64);
    /* ConvTranspose2d C_in x C_out k k x H_in W_in multiply-adds */
    double fl = 2.0 * (100 * 6272 + 128 * 64 * 16 * 49 + 64 * 16 * 196);
    CU_ASSERT_DOUBLE_EQUAL(lg_net_flops_per_sample(net), fl, 0.0);
    double cp, cu;
    CU_ASSERT_EQUAL(lg_net_spec_cost(g, &cp, &cu), LG_OK);
    CU_ASSERT_DOUBLE_EQUAL(cp, (double)(np + 2 * 6272 + 2 * 64), 0.0);
    CU_ASSERT_DOUBLE_EQUAL(cu, 100.0 + 3 * 6272 + 3 * 12544 + 2 * 784, 0.0);
    lg_net_free(net);

    /* critic: 1x28x28 -> 64x14x14 (LeakyReLU) -> 128x7x7 (BN2d, LeakyReLU) -> flatten -> 1 */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1x28x28-C64k4s2p1l-C128k4s2p1bl-1", &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 6);
    const lg_layer *c1 = &net->layers[0], *c2 = &net->layers[2], *lin = &net->layers[5];
    CU_ASSERT(c1->kind == LG_LAYER_CONV && c1->osh.c == 64 && c1->osh.h == 14 && c1->osh.w == 14);
    CU_ASSERT(c2->kind == LG_LAYER_CONV && c2->osh.c == 128 && c2->osh.h == 7 && c2->osh.w == 7);
    CU_ASSERT(net->layers[3].kind == LG_LAYER_BATCHNORM2D && net->layers[3].ish.c == 128);
    CU_ASSERT(lin->kind == LG_LAYER_LINEAR && lin->in == 6272 && lin->out == 1);
    CU_ASSERT(net->in_dim == 784 && net->out_dim == 1);
    CU_ASSERT_EQUAL(net->n_params, 64 * 16 + 64 + 128 * 64 * 16 + 128 + 2 * 128 + 6272 + 1);
    CU_ASSERT_EQUAL(net->n_buffers, 2 * 128);
    /* Conv2d C_out x C_in k k x Ho Wo */
    CU_ASSERT_DOUBLE_EQUAL(lg_net_flops_per_sample(net), 2.0 * (64 * 16 * 196 + 128 * 64 * 16 * 49 + 6272),
                           0.0);
    lg_net_free(net);

    /* a flat input read as an image, odd geometry, no bias: 7 -> (7 + 0 - 3)/2 + 1 = 3 */
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("98-2x7x7-C5k3s2p0n", &net), LG_OK);
    CU_ASSERT_EQUAL_FATAL(net->n_layers, 1);
    CU_ASSERT(net->layers[0].no_bias && net->layers[0].osh.h == 3 && net->layers[0].osh.w == 3);
    CU_ASSERT_EQUAL(net->n_params, 5 * 2 * 9);
    CU_ASSERT(net->in_dim == 98 && net->out_dim == 45);
    lg_net_free(net);
}

/* ----------------------------------------------------------- tape_errors --- */

static bool has(const char *msg, const char *needle)
{
    return msg && strstr(msg, needle) != NULL;
}

static void test_shape_errors(void)
{
    lg_tape *t = lg_tape_alloc();
    gsl_matrix *m23 = gsl_matrix_calloc(2, 3), *m32 = gsl_matrix_calloc(3, 2);
    gsl_matrix *m22 = gsl_matrix_calloc(2, 2), *m12 = gsl_matrix_calloc(1, 2);
    static const op2_fn fns[4] = { lg_add, lg_sub, lg_mul, lg_div };
    static const char *names[4] = { "lg_add", "lg_sub", "lg_mul", "lg_div" };
    /* (2,3) against (3,2), (2,2), (1,2): none matches or is 1 along each dim */
    const gsl_matrix *bad[3] = { m32, m22, m12 };
    for (int o = 0; o < 4; o++)
        for (int k = 0; k < 3; k++) {
            lg_tape_reset(t);
            CU_ASSERT_PTR_NULL(lg_tape_error(t));
            lg_node *y = fns[o](t, lg_input(t, m23), lg_input(t, bad[k]));
            LG_ASSERT_MSG(y == NULL, "%s (2,3) with (%zu,%zu) should fail", names[o],
                          bad[k]->size1, bad[k]->size2);
            LG_ASSERT_MSG(has(lg_tape_error(t), names[o]), "%s: message '%s' should name the op",
                          names[o], lg_tape_error(t) ? lg_tape_error(t) : "(none)");
        }
    /* the broadcast is one-sided: a (1,2) first operand does not stretch */
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_add(t, lg_const(t, m12), lg_const(t, m22)));
    /* matmul (2,3) x (2,2): inner sizes 3 and 2 */
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_matmul(t, lg_const(t, m23), lg_const(t, m22)));
    CU_ASSERT(has(lg_tape_error(t), "lg_matmul"));
    /* concat (2,3) | (3,2): row counts differ */
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_concat(t, lg_const(t, m23), lg_const(t, m32)));
    CU_ASSERT(has(lg_tape_error(t), "lg_concat"));
    /* the first error is kept; a reset clears it */
    lg_tape_reset(t);
    lg_node *y = lg_matmul(t, lg_const(t, m23), lg_const(t, m22));
    y = lg_concat(t, lg_const(t, m23), lg_const(t, m32));
    CU_ASSERT_PTR_NULL(y);
    CU_ASSERT(has(lg_tape_error(t), "lg_matmul"));
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_tape_error(t));

    /* a network given the wrong width, or a batch of 1 in BatchNorm train mode */
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-2b", &net), LG_OK);
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_net_apply(t, net, lg_const(t, m22)));
    CU_ASSERT(has(lg_tape_error(t), "3-2b"));
    gsl_matrix *one = gsl_matrix_calloc(1, 3);
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_net_apply(t, net, lg_const(t, one)));
    CU_ASSERT_PTR_NOT_NULL(lg_tape_error(t));
    net->train = false; /* eval mode takes a batch of 1 */
    lg_tape_reset(t);
    CU_ASSERT_PTR_NOT_NULL(lg_net_apply(t, net, lg_const(t, one)));
    CU_ASSERT_PTR_NULL(lg_tape_error(t));
    lg_net_free(net);
    gsl_matrix_free(one);

    gsl_matrix_free(m23);
    gsl_matrix_free(m32);
    gsl_matrix_free(m22);
    gsl_matrix_free(m12);
    lg_tape_free(t);
}

/* Every op given NULL returns NULL and leaves a message. */
static void test_null_propagation(void)
{
    static const op1_fn ops1[] = { lg_neg, lg_square, lg_abs, lg_sqrt, lg_exp, lg_log, lg_softplus,
                                   lg_sigmoid, lg_tanh, lg_relu, lg_sum, lg_mean, lg_sum_rows,
                                   lg_mean_rows, lg_stop_gradient };
    static const op1s_fn ops1s[] = { lg_scale, lg_shift, lg_leaky_relu };
    static const op2_fn ops2[] = { lg_add, lg_sub, lg_mul, lg_div, lg_matmul, lg_concat };
    lg_tape *t = lg_tape_alloc();
    gsl_matrix *m = gsl_matrix_calloc(2, 2);
    size_t fails = 0;
    for (size_t i = 0; i < sizeof ops1 / sizeof ops1[0]; i++) {
        lg_tape_reset(t);
        fails += ops1[i](t, NULL) != NULL || !lg_tape_error(t);
    }
    for (size_t i = 0; i < sizeof ops1s / sizeof ops1s[0]; i++) {
        lg_tape_reset(t);
        fails += ops1s[i](t, NULL, 0.5) != NULL || !lg_tape_error(t);
    }
    for (size_t i = 0; i < sizeof ops2 / sizeof ops2[0]; i++)
        for (int side = 0; side < 3; side++) {
            lg_tape_reset(t);
            lg_node *x = lg_const(t, m);
            lg_node *a = side == 1 ? x : NULL, *b = side == 0 ? x : NULL;
            fails += ops2[i](t, a, b) != NULL || !lg_tape_error(t);
        }
    CU_ASSERT_EQUAL(fails, 0);
    CU_ASSERT_PTR_NULL(lg_value(NULL));
    CU_ASSERT_PTR_NULL(lg_grad(NULL));
    /* a chain after a failure stays NULL, and backward on it fails cleanly */
    lg_tape_reset(t);
    lg_node *y = lg_mean(t, lg_exp(t, lg_matmul(t, lg_const(t, m), lg_fill(t, 3, 1, 1.0))));
    CU_ASSERT_PTR_NULL(y);
    CU_ASSERT(has(lg_tape_error(t), "lg_matmul")); /* the first cause, not a consequence */
    CU_ASSERT_EQUAL(lg_tape_backward(t, y), LG_EINVAL);
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("2-2", &net), LG_OK);
    lg_tape_reset(t);
    CU_ASSERT_PTR_NULL(lg_net_apply(t, net, NULL));
    CU_ASSERT_PTR_NOT_NULL(lg_tape_error(t));
    lg_net_free(net);
    gsl_matrix_free(m);
    lg_tape_free(t);
}

static void test_backward_errors(void)
{
    lg_tape *t = lg_tape_alloc();
    gsl_matrix *m = gsl_matrix_calloc(2, 3);
    lg_node *x = lg_input(t, m);
    lg_node *y = lg_exp(t, x); /* (2, 3): not a scalar */
    lg_seterr(LG_OK, "%s", "");
    CU_ASSERT_EQUAL(lg_tape_backward(t, y), LG_EINVAL);
    CU_ASSERT(has(lg_errmsg(), "scalar"));
    CU_ASSERT_PTR_NOT_NULL(lg_tape_error(t));
    /* a (2, 1) row reduction is not a scalar either */
    lg_tape_reset(t);
    x = lg_input(t, m);
    CU_ASSERT_EQUAL(lg_tape_backward(t, lg_sum_rows(t, x)), LG_EINVAL);
    lg_tape_reset(t);
    CU_ASSERT_EQUAL(lg_tape_backward(t, NULL), LG_EINVAL);
    /* after a reset the same tape works again: d(sum e^x)/dx = e^0 = 1 */
    lg_tape_reset(t);
    x = lg_input(t, m);
    CU_ASSERT_EQUAL(lg_tape_backward(t, lg_sum(t, lg_exp(t, x))), LG_OK);
    CU_ASSERT(lg_grad(x) && lg_grad(x)->data[5] == 1.0);
    gsl_matrix_free(m);
    lg_tape_free(t);
}

static void test_net_parse_errors(void)
{
    /* the brief's list, then more: a zero width, an empty layer, a leading '-', a
     * zero BatchNorm eps, trailing junk, an absurd width, and non-finite numbers
     * (strtod reads "1e999" as +inf: an infinite slope or eps is no network) */
    static const char *bad[] = { "", "2", "2-", "2-x", "2-3q", "0-3", "2-0", "2--3", "-2-3",
                                 "2-3b0", "2-3 ", "2-1000001", "2-3l1e999", "2-3b1e999",
                                 /* numbers are decimal, within the ranges of --help */
                                 "2-3l0x10", "2-3l2", "2-3l-", "2-3b2", "2-3b1e",
                                 /* shapes and conv layers */
                                 "1x28x28", "784-1x28x28", "0x28x28-1", "1x28x0-1", "1x28-1", "1x28x28x2-1",
                                 "2-3x4x4", "784-C64k4s2p1", "1x28x28-C64", "1x28x28-C64k4s2p",
                                 "1x28x28-C64k4p1s2", "1x28x28-C0k4s2p1", "1x28x28-C64k0s1p0",
                                 "1x28x28-C64k4s0p1", "1x28x28-C64k4s2p4", "1x28x28-C64k30s1p0",
                                 "1x2x2-T1k3s1p2", "1x28x28-C64k4s2p1c", "1x28x28-C64k4s2p1nn",
                                 "2-8x4x4n", "1x28x28-C64k4s2p1q", "1x1000x1000-C2k1s1p0",
                                 "1x28x28-c64k4s2p1", "1x28x28b-1",
                                 /* split inputs: never joined, nothing carried, another count, joined
                                  * twice, an empty carry, n after a join */
                                 "3+2-4r-1", "3-4-+2-1", "3+2-4-+3-1", "3+2-4-+2-+2-1", "3+0-4-+0-1",
                                 "3+2-4-+2n-1", "3+-4-1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lg_net *net = (lg_net *)&net; /* must be overwritten with NULL */
        lg_seterr(LG_OK, "%s", "");
        int rc = lg_net_parse(bad[i], &net);
        const char *msg = lg_errmsg();
        LG_ASSERT_MSG(rc == LG_EINVAL, "lg_net_parse(\"%s\") returned %d, expected LG_EINVAL", bad[i], rc);
        if (rc == LG_OK) {
            lg_net_free(net);
            continue;
        }
        LG_ASSERT_MSG(net == NULL, "lg_net_parse(\"%s\") left a network", bad[i]);
        LG_ASSERT_MSG(strcmp(msg, "no error") != 0 && strlen(msg) > 10,
                      "lg_net_parse(\"%s\"): no message", bad[i]);
        if (*bad[i])
            LG_ASSERT_MSG(has(msg, bad[i]), "lg_net_parse(\"%s\"): message '%s' does not quote the spec",
                          bad[i], msg);
    }
    /* the number echoed as typed, with the range */
    lg_net *n2 = NULL;
    CU_ASSERT_EQUAL(lg_net_parse("2-3l2-1", &n2), LG_EINVAL);
    LG_ASSERT_MSG(has(lg_errmsg(), "slope '2' is not a decimal number in [0, 1]"), "%s", lg_errmsg());
    CU_ASSERT_EQUAL(lg_net_parse("2-3b0-1", &n2), LG_EINVAL);
    LG_ASSERT_MSG(has(lg_errmsg(), "eps '0' is not a decimal number in (0, 1]"), "%s", lg_errmsg());
    /* shape errors name the layer, its settings and the shapes, and what to write */
    static const struct {
        const char *spec, *msg;
    } shape_msg[] = {
        { "784-C64k4s2p1", "layer 1 (Conv2d k4 s2 p1) needs an image but gets 784 flat values: give their "
                           "shape first (e.g. 784-1x28x28-C64k4s2p1)" },
        { "1x28x28-C64k4s2p1-C128k4s2p1-C256k4s2p1-C512k4s2p1-C1k4s2p1",
          "layer 5 (Conv2d k4 s2 p1) on 512x1x1 gives 1x0x0, an empty image: use a smaller kernel or more "
          "padding" },
        { "1x2x2-T1k3s1p3", "padding 3 is not smaller than the kernel 3" },
        { "1x2x2-T1k3s1p2", "layer 1 (ConvTranspose2d k3 s1 p2) on 1x2x2 gives 1x0x0, an empty image: use "
                            "less padding" },
        { "6272-128x7x6-1", "layer 1, the shape 128x7x6, has 5376 values but the layer before gives 6272" },
        { "1x28x28-C64k4s2", "layer 1 'C64k4s2' is not a Conv2d layer: write C, the output channels, then k "
                             "kernel, s stride, p padding (e.g. C64k4s2p1)" },
        { "1x28x28-C64k4s2p1c", "'c' (bias only) is for Linear layers" },
        { "2-3x4-1", "a shape is channels x height x width" },
        { "1x250x250-C1k200s1p100", "layer 1 (Conv2d k200 s1 p100) on 1x250x250 unfolds 40000 x 63001 values a "
                                    "sample for its GEMM, more than 10000000" },
    };
    for (size_t i = 0; i < sizeof shape_msg / sizeof shape_msg[0]; i++) {
        int rc = lg_net_parse(shape_msg[i].spec, &n2);
        CU_ASSERT_EQUAL(rc, LG_EINVAL);
        if (rc == LG_OK) {
            lg_net_free(n2);
            n2 = NULL;
            continue;
        }
        LG_ASSERT_MSG(has(lg_errmsg(), shape_msg[i].msg), "lg_net_parse(\"%s\"): '%s', expected '%s'",
                      shape_msg[i].spec, lg_errmsg(), shape_msg[i].msg);
    }
    /* the bounds and the seeds' eps 0.8 are accepted */
    static const char *good[] = { "2-3l0-1", "2-3l1-1", "2-3l0.2-1", "2-3b1-1", "2-3b0.8l-1", "2-3b1e-5r-1",
                                  /* 28 -> 14 -> 7 -> 3 -> 1; a 1e6-value image; a shape with modifiers */
                                  "1x28x28-C64k4s2p1-C128k4s2p1-C256k4s2p1-C512k4s2p1",
                                  "1x1000x1000-C1k1s1p0", "36-4x3x3b0.8l-C2k3s1p1n" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        LG_ASSERT_MSG(lg_net_parse(good[i], &n2) == LG_OK, "lg_net_parse(\"%s\"): %s", good[i], lg_errmsg());
        lg_net_free(n2);
        n2 = NULL;
    }
    lg_net *net = NULL;
    CU_ASSERT_EQUAL(lg_net_parse(NULL, &net), LG_EINVAL);
    CU_ASSERT_PTR_NULL(net);
}

/* ----------------------------------------------------------- tape_memory --- */

/* A graph with every op and a network with BatchNorm. */
static lg_node *memory_graph(lg_tape *t, lg_net *net, const gsl_matrix *x, const gsl_matrix *w,
                             lg_node **xn)
{
    *xn = lg_input(t, x);                                        /* (4, 3) */
    lg_node *wn = lg_input(t, w);                                /* (3, 3) */
    lg_node *h = lg_matmul(t, *xn, wn);
    lg_node *u = lg_add(t, lg_sub(t, h, lg_fill(t, 1, 3, 0.1)), lg_fill(t, 4, 1, 0.2));
    u = lg_div(t, lg_mul(t, u, lg_fill(t, 1, 1, 2.0)), lg_shift(t, lg_square(t, u), 1.0));
    u = lg_scale(t, lg_neg(t, lg_abs(t, u)), 0.5);
    lg_node *v = lg_sqrt(t, lg_exp(t, lg_log(t, lg_softplus(t, u))));
    v = lg_add(t, lg_sigmoid(t, v), lg_tanh(t, lg_relu(t, lg_leaky_relu(t, v, 0.1))));
    lg_node *z = lg_concat(t, v, lg_stop_gradient(t, h));        /* (4, 6) */
    lg_node *n = lg_net_apply(t, net, lg_matmul(t, z, lg_fill(t, 6, 3, 0.3)));
    lg_node *s = lg_add(t, lg_sum_rows(t, n), lg_mean_rows(t, n));
    return lg_add(t, lg_sum(t, s), lg_mean(t, v));
}

/* Recording the same graph again after lg_tape_reset reuses every node and its
 * value and gradient buffers (same addresses), and malloc's count of bytes in
 * use does not move. */
/* The kernel's THP mode: the word in brackets of
 * /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise", "never"),
 * or "" when the file cannot be read. */
static void thp_mode(char *mode, size_t len)
{
    mode[0] = '\0';
    char buf[128] = { 0 };
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;
    if (a && b && (size_t)(b - a) < len)
        snprintf(mode, len, "%.*s", (int)(b - a - 1), a + 1);
}

/* kB of huge pages in this process (AnonHugePages of smaps_rollup), -1 if unknown */
static long anon_huge_kb(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* lg_xcalloc_big: zeroed; from 2 MiB up aligned to 2 MiB and, where the kernel
 * gives transparent huge pages on request, on huge pages (checked in
 * smaps_rollup); below, plain calloc. A net's parameters come from it. */
static void test_big_alloc(void)
{
    const size_t huge = (size_t)2 << 20;
    double *small = lg_xcalloc_big(1000, sizeof(double));
    CU_ASSERT_PTR_NOT_NULL_FATAL(small);
    for (size_t i = 0; i < 1000; i++)
        CU_ASSERT_EQUAL(small[i], 0.0);
    free(small);
    long before = anon_huge_kb();
    size_t n = 3 * huge / sizeof(double) + 17; /* 6 MiB and a bit: rounded up to 8 */
    double *big = lg_xcalloc_big(n, sizeof(double));
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    CU_ASSERT_EQUAL((uintptr_t)big % huge, 0);
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++)
        nonzero += big[i] != 0.0;
    CU_ASSERT_EQUAL(nonzero, 0);
    big[n - 1] = 1.0; /* the whole length is usable */
    char mode[16];
    thp_mode(mode, sizeof mode);
    long after = anon_huge_kb();
    if (before >= 0 && (!strcmp(mode, "always") || !strcmp(mode, "madvise")))
        LG_ASSERT_MSG(after - before >= 4096, "THP mode %s, but huge pages grew by %ld kB for an 8 MiB buffer",
                      mode, after - before);
    else if (verbose())
        printf("\n    THP mode '%s': huge pages not checked\n", mode);
    free(big);
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1024-1024-1024", &net), LG_OK); /* 2.1 M parameters, 16 MiB */
    CU_ASSERT_EQUAL((uintptr_t)net->theta % huge, 0);
    CU_ASSERT_EQUAL((uintptr_t)net->grad % huge, 0);
    lg_net_free(net);
}

static void test_steady_state(void)
{
    lg_net *net = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-5b-4t-2", &net), LG_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 8);
    lg_net_init(net, rng);
    net->requires_grad = true;
    gsl_matrix *x = rand_matrix_alloc(rng, 4, 3, DOM_ANY), *w = rand_matrix_alloc(rng, 3, 3, DOM_ANY);
    lg_tape *t = lg_tape_alloc();
    lg_node *xn;

    lg_node *L = memory_graph(t, net, x, w, &xn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(L);
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, L), LG_OK);
    size_t n = t->n;
    const double **val = malloc(n * sizeof *val), **grd = malloc(n * sizeof *grd);
    lg_node **nodes = malloc(n * sizeof *nodes);
    for (size_t i = 0; i < n; i++) {
        nodes[i] = t->nodes[i];
        val[i] = lg_value(t->nodes[i])->data;
        grd[i] = lg_grad(t->nodes[i]) ? lg_grad(t->nodes[i])->data : NULL;
    }
    double L0 = lg_scalar(L);

    struct mallinfo2 before = mallinfo2();
    lg_tape_reset(t);
    L = memory_graph(t, net, x, w, &xn);
    int rc = lg_tape_backward(t, L);
    struct mallinfo2 after = mallinfo2();

    CU_ASSERT_EQUAL(rc, LG_OK);
    CU_ASSERT_EQUAL_FATAL(t->n, n);
    size_t moved_v = 0, moved_g = 0, moved_n = 0;
    for (size_t i = 0; i < n; i++) {
        moved_n += t->nodes[i] != nodes[i];
        moved_v += lg_value(t->nodes[i])->data != val[i];
        const gsl_matrix *g = lg_grad(t->nodes[i]);
        moved_g += (g ? g->data : NULL) != grd[i];
    }
    LG_ASSERT_MSG(moved_n == 0 && moved_v == 0 && moved_g == 0,
                  "second recording of %zu nodes: %zu nodes, %zu value and %zu gradient buffers moved",
                  n, moved_n, moved_v, moved_g);
    LG_ASSERT_MSG(after.uordblks == before.uordblks && after.hblkhd == before.hblkhd,
                  "record + backward allocated: heap in use %zu -> %zu bytes, mmapped %zu -> %zu",
                  before.uordblks, after.uordblks, before.hblkhd, after.hblkhd);
    /* the train-mode BatchNorm changed its running statistics, not its output */
    LG_ASSERT_CLOSE(lg_scalar(L), L0, 1e-15 * fmax(1.0, fabs(L0)));
    if (verbose())
        printf("\n    %zu nodes reused; heap in use %zu bytes before and after\n", n, after.uordblks);

    free(val);
    free(grd);
    free(nodes);
    gsl_matrix_free(x);
    gsl_matrix_free(w);
    lg_tape_free(t);
    lg_net_free(net);
    gsl_rng_free(rng);
}

/* Conv nets keep two promises of the engine: their flat parameter and
 * statistics vectors go through a checkpoint bit for bit (and a negative
 * BatchNorm2d running variance is refused), and recording and differentiating
 * them again after a reset allocates nothing (im2col columns live in the
 * node's cache). */
static void test_conv_ckpt_memory(void)
{
    static const char *const spec[2] = { "4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t",
                                          "1x12x12-C3k4s2p1l-C4k4s2p1bl-1" };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937), *rng2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, GC_SEED + 10);
    lg_net *a[LG_NET_COUNT] = { 0 }, *b[LG_NET_COUNT] = { 0 };
    lg_optim *opts[LG_NET_COUNT] = { 0 };
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec[k], &a[k]), LG_OK);
        CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec[k], &b[k]), LG_OK);
        lg_net_init(a[k], rng);
        for (size_t i = 0; i < a[k]->n_buffers; i++) /* statistics other than the defaults */
            a[k]->buffers[i] = 0.5 + gsl_rng_uniform(rng);
    }
    char path[512];
    snprintf(path, sizeof path, "%s/conv.ckpt", lg_test_tmpdir("conv-ckpt"));
    lg_strvec args = { 0 }, args2 = { 0 };
    lg_strvec_push(&args, "--g");
    CU_ASSERT_EQUAL_FATAL(lg_ckpt_write(path, 7, 42, &args, rng, a, opts), LG_OK);
    long step = 0;
    uint64_t hash = 0;
    int rc = lg_ckpt_read(path, &step, &hash, &args2, rng2, b, opts, false);
    LG_ASSERT_MSG(rc == LG_OK, "reading the conv nets' checkpoint: %s", lg_errmsg());
    CU_ASSERT(step == 7 && hash == 42);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT(memcmp(a[k]->theta, b[k]->theta, a[k]->n_params * sizeof(double)) == 0);
        CU_ASSERT(memcmp(a[k]->buffers, b[k]->buffers, a[k]->n_buffers * sizeof(double)) == 0);
    }
    /* the critic's BatchNorm2d (layer 3, 4 channels): a negative running variance */
    const lg_layer *bn = &a[LG_NET_D]->layers[3];
    CU_ASSERT_EQUAL_FATAL(bn->kind, LG_LAYER_BATCHNORM2D);
    a[LG_NET_D]->buffers[bn->b_off + 4 + 2] = -1.0;
    CU_ASSERT_EQUAL_FATAL(lg_ckpt_write(path, 7, 42, &args, rng, a, opts), LG_OK);
    lg_strvec_free(&args2);
    rc = lg_ckpt_read(path, &step, &hash, &args2, rng2, b, opts, false);
    CU_ASSERT_EQUAL(rc, LG_EFORMAT);
    LG_ASSERT_MSG(has(lg_errmsg(), "running variance 2 is -1"), "%s", lg_errmsg());
    unlink(path);
    lg_strvec_free(&args);
    lg_strvec_free(&args2);

    /* steady state: G(z) then D(G(z)), both trained, on one tape */
    lg_net *G = a[LG_NET_G], *D = a[LG_NET_D];
    G->requires_grad = D->requires_grad = true;
    gsl_matrix *z = rand_matrix_alloc(rng, 3, 4, DOM_ANY);
    lg_tape *t = lg_tape_alloc();
    double L0 = 0, L1 = 0;
    struct mallinfo2 before = { 0 }, after = { 0 };
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            before = mallinfo2();
        lg_tape_reset(t);
        lg_node *L = lg_sum(t, lg_net_apply(t, D, lg_net_apply(t, G, lg_input(t, z))));
        CU_ASSERT_PTR_NOT_NULL_FATAL(L);
        CU_ASSERT_EQUAL(lg_tape_backward(t, L), LG_OK);
        *(pass ? &L1 : &L0) = lg_scalar(L);
    }
    after = mallinfo2();
    LG_ASSERT_MSG(after.uordblks == before.uordblks && after.hblkhd == before.hblkhd,
                  "conv nets: record + backward allocated: heap in use %zu -> %zu bytes", before.uordblks,
                  after.uordblks);
    CU_ASSERT(isfinite(L0) && isfinite(L1));
    lg_tape_free(t);
    gsl_matrix_free(z);
    for (int k = 0; k < 2; k++) {
        lg_net_free(a[k]);
        lg_net_free(b[k]);
    }
    gsl_rng_free(rng);
    gsl_rng_free(rng2);
}

/* ---------------------------------------------------------------- suites --- */

void lg_suite_tape(void)
{
    LG_ADD_SUITE("tape_ops",
                 { "binary ops, four broadcast shapes, both operands", test_binary_broadcast },
                 { "unary ops and reductions", test_unary },
                 { "matmul, concat, shared leaves, composite", test_matmul_concat },
                 { "stop_gradient", test_stop_gradient });
    LG_ADD_SUITE("tape_values",
                 { "softplus and sigmoid at extreme arguments", test_softplus_sigmoid_extremes },
                 { "unary values and slopes by hand", test_unary_values },
                 { "binary, broadcast, matmul, reductions by hand", test_matrix_values },
                 { "lg_dgemm of inner dimension 1: the GEMM's bits", test_dgemm_outer },
                 { "a Linear forward in one pass: BLAS's bits, by hand, refusals", test_dgemm_bias_act },
                 { "a net's forward through that kernel: the BLAS path's bits", test_net_forward_kernel });
    LG_ADD_SUITE("tape_layers",
                 { "network gradients (Linear, activations, BatchNorm)", test_net_gradients },
                 { "network gradients (Conv2d, ConvTranspose2d, BatchNorm2d)", test_conv_gradients },
                 { "Linear and BatchNorm values by hand", test_layer_values },
                 { "a fused Linear + Tanh output keeps dL/dy", test_fused_output_grad },
                 { "a fused BatchNorm + activation node = BatchNorm and the op, bit for bit", test_fused_bn_act },
                 { "lg_net_init matches PyTorch's default", test_net_init },
                 { "lg_net_parse structure", test_net_parse_structure },
                 { "lg_net_parse structure of conv nets (DCGAN)", test_conv_parse_structure },
                 { "conv nets: checkpoint round trip, no allocation in steady state", test_conv_ckpt_memory });
    LG_ADD_SUITE("tape_errors",
                 { "shape errors", test_shape_errors },
                 { "NULL inputs", test_null_propagation },
                 { "backward errors", test_backward_errors },
                 { "lg_net_parse errors", test_net_parse_errors });
    LG_ADD_SUITE("tape_memory",
                 { "no allocation in steady state", test_steady_state },
                 { "large buffers: zeroed, 2 MiB-aligned, on huge pages where the kernel gives them", test_big_alloc });
}
