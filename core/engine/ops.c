/*
 * ops.c - the tape's arithmetic ops, each forward beside its backward.
 *
 * Adding an elementwise op is one row in one of the two tables below (the row
 * defines the public function lg_NAME declared in litgan/plugin.h, its loop and
 * its backward); any other op is one forward function and one backward function
 * tied by an lg_op_def, as matmul, the reductions, the softmax ops and concat
 * are here. Every backward accumulates into its inputs' gradients
 * (lg_node_dgrad_first: assign on the first gradient into a node, add after).
 */
#include "lg_impl.h"
#include "vmath.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>

/* -------------------------------------------------------- unary elementwise --- */

static double softplus(double x) { return fmax(x, 0.0) + log1p(exp(-fabs(x))); }

double lg_sigmoid_value(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* Branch-free derivative helpers: g is always read, so the loops vectorise. */
static inline double relu_grad(double x, double g) { return x > 0 ? g : 0.0; }
static inline double leaky_grad(double x, double g, double s) { return x > 0 ? g : s * g; }

/* A node y = f(a) of a's shape with scalar argument s, or NULL after an error. */
static lg_node *unary_node(lg_tape *t, const lg_op_def *op, lg_node *a, double s)
{
    if (!a) {
        lg_tape_fail(t, "%s: input is NULL (an earlier op failed)", op->name);
        return NULL;
    }
    lg_node *n = lg_tape_node(t, op, a, NULL, a->val.size1, a->val.size2);
    n->s = s;
    return n;
}

/* The forward loop, the backward loop and the op of one unary row. In FWD and
 * BWD: x[i] the input, y[i] the output, s the scalar argument, g[i] the
 * gradient arriving at y; BWD is the gradient passed on to x[i]. */
#define UNARY_PARTS(NAME, FWD, BWD)                                                 \
    static void NAME##_backward(lg_node *n)                                         \
    {                                                                               \
        size_t N = n->val.size1 * n->val.size2;                                     \
        const double *restrict g = n->grad.data, *restrict x = n->a->val.data;      \
        const double *restrict y = n->val.data;                                     \
        const double s = n->s;                                                      \
        bool first;                                                                 \
        if (!n->a->needs_grad)                                                      \
            return;                                                                 \
        double *restrict d = lg_node_dgrad_first(n->a, &first);                     \
        (void)x, (void)y, (void)s;                                                  \
        LG_ACCUMULATE(first, d, N, BWD);                                            \
    }                                                                               \
    static const lg_op_def op_##NAME = { "lg_" #NAME, NAME##_backward };            \
    static lg_node *NAME##_forward(lg_tape *t, lg_node *a, double s)                \
    {                                                                               \
        lg_node *n = unary_node(t, &op_##NAME, a, s);                               \
        if (!n)                                                                     \
            return NULL;                                                            \
        size_t N = n->val.size1 * n->val.size2;                                     \
        const double *restrict x = a->val.data;                                     \
        double *restrict y = n->val.data;                                           \
        (void)s;                                                                    \
        for (size_t i = 0; i < N; i++)                                              \
            y[i] = (FWD);                                                           \
        return n;                                                                   \
    }

/* lg_NAME(t, a) */
#define UNARY(NAME, FWD, BWD)                                                       \
    UNARY_PARTS(NAME, FWD, BWD)                                                     \
    lg_node *lg_##NAME(lg_tape *t, lg_node *a) { return NAME##_forward(t, a, 0); }

/* lg_NAME(t, a, s) */
#define UNARY_S(NAME, FWD, BWD)                                                     \
    UNARY_PARTS(NAME, FWD, BWD)                                                     \
    lg_node *lg_##NAME(lg_tape *t, lg_node *a, double s) { return NAME##_forward(t, a, s); }

/*       name         forward y[i]               backward: gradient into x[i]  */
UNARY_S(scale,        s * x[i],                  s * g[i])
UNARY_S(shift,        x[i] + s,                  g[i])
UNARY  (neg,          -x[i],                     -g[i])
UNARY  (square,       x[i] * x[i],               2.0 * x[i] * g[i])
UNARY  (abs,          fabs(x[i]),                x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0.0)
UNARY  (sqrt,         sqrt(x[i]),                0.5 * g[i] / y[i])
UNARY  (exp,          exp(x[i]),                 g[i] * y[i])
UNARY  (log,          log(x[i]),                 g[i] / x[i])
UNARY  (softplus,     softplus(x[i]),            g[i] * lg_sigmoid_value(x[i]))
UNARY  (sigmoid,      sigmoid_d(x[i]),           g[i] * y[i] * (1.0 - y[i]))
UNARY  (tanh,         tanh_d(x[i]),              g[i] * (1.0 - y[i] * y[i]))
UNARY  (relu,         x[i] > 0 ? x[i] : 0.0,     relu_grad(x[i], g[i]))
UNARY_S(leaky_relu,   x[i] > 0 ? x[i] : s * x[i], leaky_grad(x[i], g[i], s))

/* -------------------------------------------------------- binary elementwise --- */

/* How b broadcasts against a: its row and column strides into b's data. */
typedef struct bcast {
    size_t rs, cs;
} bcast;

static bcast bcast_of(const lg_node *a, const lg_node *b)
{
    (void)a;
    bcast bc = { (b->val.size1 == 1) ? 0 : b->val.size2, (b->val.size2 == 1) ? 0 : 1 };
    return bc;
}

/* A node z = a op b of a's shape (b matches a, or is 1 along a dimension), or
 * NULL after an error. */
static lg_node *binary_node(lg_tape *t, const lg_op_def *op, lg_node *a, lg_node *b)
{
    if (!a || !b) {
        lg_tape_fail(t, "%s: an input is NULL (an earlier op failed)", op->name);
        return NULL;
    }
    size_t ar = a->val.size1, ac = a->val.size2, br = b->val.size1, bc = b->val.size2;
    if ((br != ar && br != 1) || (bc != ac && bc != 1)) {
        lg_tape_fail(t, "%s: shapes (%zu,%zu) and (%zu,%zu) do not broadcast "
                        "(the second must match, or be 1 along a dimension)",
                     op->name, ar, ac, br, bc);
        return NULL;
    }
    return lg_tape_node(t, op, a, b, ar, ac);
}

/* The forward and the backward of one binary row. In FWD, DA, DB: u = a's
 * element, v = b's (broadcast), g the gradient arriving at z; DA and DB are
 * the gradients passed on to u and v (b's broadcast dimensions sum them up). */
#define BINARY(NAME, FWD, DA, DB)                                                   \
    static void NAME##_backward(lg_node *n)                                         \
    {                                                                               \
        lg_node *a = n->a, *b = n->b;                                               \
        size_t R = n->val.size1, C = n->val.size2, N = R * C;                       \
        bool same = b->val.size1 == R && b->val.size2 == C, first;                  \
        bcast bc = bcast_of(a, b);                                                  \
        const double *restrict gr = n->grad.data, *restrict x = a->val.data;        \
        const double *restrict y = b->val.data;                                     \
        if (a->needs_grad) {                                                        \
            double *restrict da = lg_node_dgrad_first(a, &first);                   \
            if (same && first) {                                                    \
                for (size_t i = 0; i < N; i++) {                                    \
                    double g = gr[i], v = y[i];                                     \
                    (void)g, (void)v;                                               \
                    da[i] = (DA);                                                   \
                }                                                                   \
            } else if (same) {                                                      \
                for (size_t i = 0; i < N; i++) {                                    \
                    double g = gr[i], v = y[i];                                     \
                    (void)g, (void)v;                                               \
                    da[i] += (DA);                                                  \
                }                                                                   \
            } else {                                                                \
                if (first)                                                          \
                    memset(da, 0, N * sizeof *da);                                  \
                for (size_t i = 0; i < R; i++)                                      \
                    for (size_t j = 0; j < C; j++) {                                \
                        double g = gr[i * C + j], v = y[i * bc.rs + j * bc.cs];     \
                        (void)g, (void)v;                                           \
                        da[i * C + j] += (DA);                                      \
                    }                                                               \
            }                                                                       \
        }                                                                           \
        if (b->needs_grad) {                                                        \
            double *restrict db = lg_node_dgrad(b);                                 \
            for (size_t i = 0; i < R; i++)                                          \
                for (size_t j = 0; j < C; j++) {                                    \
                    size_t k = i * bc.rs + j * bc.cs;                               \
                    double g = gr[i * C + j], u = x[i * C + j], v = y[k];           \
                    (void)g, (void)u, (void)v;                                      \
                    db[k] += (DB);                                                  \
                }                                                                   \
        }                                                                           \
    }                                                                               \
    static const lg_op_def op_##NAME = { "lg_" #NAME, NAME##_backward };            \
    lg_node *lg_##NAME(lg_tape *t, lg_node *a, lg_node *b)                          \
    {                                                                               \
        lg_node *n = binary_node(t, &op_##NAME, a, b);                              \
        if (!n)                                                                     \
            return NULL;                                                            \
        size_t R = n->val.size1, C = n->val.size2;                                  \
        bcast bc = bcast_of(a, b);                                                  \
        const double *x = a->val.data, *y = b->val.data;                            \
        double *z = n->val.data;                                                    \
        for (size_t i = 0; i < R; i++)                                              \
            for (size_t j = 0; j < C; j++) {                                        \
                double u = x[i * C + j], v = y[i * bc.rs + j * bc.cs];              \
                z[i * C + j] = (FWD);                                               \
            }                                                                       \
        return n;                                                                   \
    }

/*      name  forward z     backward into u   into v            */
BINARY(add,   u + v,        g,                g)
BINARY(sub,   u - v,        g,                -g)
BINARY(mul,   u * v,        g * v,            g * u)
BINARY(div,   u / v,        g / v,            -g * u / (v * v))

/* ------------------------------------------------------------------ matmul --- */

/* C = A B:  dA += dC B^T,  dB += A^T dC  (beta = 0 on first touch) */
static void matmul_backward(lg_node *n)
{
    lg_node *a = n->a, *b = n->b;
    bool first;
    if (a->needs_grad) {
        lg_node_dgrad_first(a, &first);
        lg_dgemm(CblasNoTrans, CblasTrans, 1.0, &n->grad, &b->val, first ? 0.0 : 1.0, &a->grad);
    }
    if (b->needs_grad) {
        lg_node_dgrad_first(b, &first);
        lg_dgemm(CblasTrans, CblasNoTrans, 1.0, &a->val, &n->grad, first ? 0.0 : 1.0, &b->grad);
    }
}

static const lg_op_def op_matmul = { "lg_matmul", matmul_backward };

lg_node *lg_matmul(lg_tape *t, lg_node *a, lg_node *b)
{
    if (!a || !b) {
        lg_tape_fail(t, "lg_matmul: an input is NULL (an earlier op failed)");
        return NULL;
    }
    if (a->val.size2 != b->val.size1) {
        lg_tape_fail(t, "lg_matmul: (%zu,%zu) x (%zu,%zu): inner sizes differ",
                     a->val.size1, a->val.size2, b->val.size1, b->val.size2);
        return NULL;
    }
    lg_node *n = lg_tape_node(t, &op_matmul, a, b, a->val.size1, b->val.size2);
    lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &a->val, &b->val, 0.0, &n->val);
    return n;
}

/* ------------------------------------------------------------- reductions --- */

/* sum, mean: every element of a gets the one incoming gradient (/ R C). */
static void total_backward(lg_node *n);
/* sum_rows, mean_rows: row i of a gets g[i] (/ C). */
static void rows_backward(lg_node *n);

static const lg_op_def op_sum = { "lg_sum", total_backward };
static const lg_op_def op_mean = { "lg_mean", total_backward };
static const lg_op_def op_sum_rows = { "lg_sum_rows", rows_backward };
static const lg_op_def op_mean_rows = { "lg_mean_rows", rows_backward };

static void total_backward(lg_node *n)
{
    lg_node *a = n->a;
    size_t R = a->val.size1, C = a->val.size2;
    bool first;
    double *d = lg_node_dgrad_first(a, &first);
    double v = (n->op == &op_mean) ? n->grad.data[0] / (double)(R * C) : n->grad.data[0];
    LG_ACCUMULATE(first, d, R * C, v);
}

static void rows_backward(lg_node *n)
{
    lg_node *a = n->a;
    size_t R = a->val.size1, C = a->val.size2;
    const double *g = n->grad.data;
    double *d = lg_node_dgrad(a);
    for (size_t i = 0; i < R; i++) {
        double v = (n->op == &op_mean_rows) ? g[i] / (double)C : g[i];
        for (size_t j = 0; j < C; j++)
            d[i * C + j] += v;
    }
}

static lg_node *reduce(lg_tape *t, const lg_op_def *op, lg_node *a)
{
    if (!a) {
        lg_tape_fail(t, "%s: input is NULL (an earlier op failed)", op->name);
        return NULL;
    }
    size_t R = a->val.size1, C = a->val.size2;
    bool rows = (op == &op_sum_rows || op == &op_mean_rows);
    bool mean = (op == &op_mean || op == &op_mean_rows);
    lg_node *n = lg_tape_node(t, op, a, NULL, rows ? R : 1, 1);
    const double *x = a->val.data;
    double total = 0;
    for (size_t i = 0; i < R; i++) {
        double s = 0;
        for (size_t j = 0; j < C; j++)
            s += x[i * C + j];
        if (rows)
            n->val.data[i] = mean ? s / (double)C : s;
        else
            total += s;
    }
    if (!rows)
        n->val.data[0] = mean ? total / (double)(R * C) : total;
    return n;
}

lg_node *lg_sum(lg_tape *t, lg_node *a) { return reduce(t, &op_sum, a); }
lg_node *lg_mean(lg_tape *t, lg_node *a) { return reduce(t, &op_mean, a); }
lg_node *lg_sum_rows(lg_tape *t, lg_node *a) { return reduce(t, &op_sum_rows, a); }
lg_node *lg_mean_rows(lg_tape *t, lg_node *a) { return reduce(t, &op_mean_rows, a); }

/* ------------------------------------------------------------- softmax --- */

/* Row-wise log-softmax and log-sum-exp, shifted by the row's maximum m_i so
 * that no exp overflows (the largest term is exp(0) = 1, the sum lies in
 * [1, C]) and no row underflows to log(0):
 *   lse_i = m_i + log sum_k exp(x_ik - m_i)
 *   log_softmax(x)_ij = x_ij - lse_i
 * Their derivatives (the softmax Jacobian, e.g. Goodfellow, Bengio & Courville
 * 2016, Deep Learning, Sec. 6.2.2.3), with p_ij = exp(x_ij - lse_i):
 *   d lse_i / d x_ij = p_ij
 *   d log_softmax_ij / d x_il = [j == l] - p_il
 * so for an incoming gradient g: dx_ij = g_i p_ij (log-sum-exp) and
 * dx_ij = g_ij - p_ij sum_l g_il (log-softmax). */
static void log_softmax_backward(lg_node *n);
static void logsumexp_rows_backward(lg_node *n);
static const lg_op_def op_log_softmax = { "lg_log_softmax", log_softmax_backward };
static const lg_op_def op_logsumexp_rows = { "lg_logsumexp_rows", logsumexp_rows_backward };

/* lse_i of row x: (C) */
static double row_lse(const double *x, size_t C)
{
    double m = x[0], s = 0;
    for (size_t j = 1; j < C; j++)
        m = fmax(m, x[j]);
    for (size_t j = 0; j < C; j++)
        s += exp(x[j] - m);
    return m + log(s);
}

static lg_node *softmax_node(lg_tape *t, const lg_op_def *op, lg_node *a, size_t cols)
{
    if (!a) {
        lg_tape_fail(t, "%s: input is NULL (an earlier op failed)", op->name);
        return NULL;
    }
    if (a->val.size2 == 0) {
        lg_tape_fail(t, "%s: (%zu,0) has no column to normalise over", op->name, a->val.size1);
        return NULL;
    }
    return lg_tape_node(t, op, a, NULL, a->val.size1, cols);
}

/* a: (R, C) -> (R, C) */
lg_node *lg_log_softmax(lg_tape *t, lg_node *a)
{
    lg_node *n = softmax_node(t, &op_log_softmax, a, a ? a->val.size2 : 0);
    if (!n)
        return NULL;
    size_t R = a->val.size1, C = a->val.size2;
    for (size_t i = 0; i < R; i++) {
        const double *x = a->val.data + i * C;
        double lse = row_lse(x, C), *y = n->val.data + i * C;
        for (size_t j = 0; j < C; j++)
            y[j] = x[j] - lse;
    }
    return n;
}

/* y = log p: p_ij = exp(y_ij), so the forward's values give the softmax. */
static void log_softmax_backward(lg_node *n)
{
    size_t R = n->val.size1, C = n->val.size2;
    double *d = lg_node_dgrad(n->a);
    for (size_t i = 0; i < R; i++) {
        const double *g = n->grad.data + i * C, *y = n->val.data + i * C;
        double gs = 0;
        for (size_t j = 0; j < C; j++)
            gs += g[j];
        for (size_t j = 0; j < C; j++)
            d[i * C + j] += g[j] - exp(y[j]) * gs;
    }
}

/* a: (R, C) -> (R, 1) */
lg_node *lg_logsumexp_rows(lg_tape *t, lg_node *a)
{
    lg_node *n = softmax_node(t, &op_logsumexp_rows, a, 1);
    if (!n)
        return NULL;
    size_t R = a->val.size1, C = a->val.size2;
    for (size_t i = 0; i < R; i++)
        n->val.data[i] = row_lse(a->val.data + i * C, C);
    return n;
}

static void logsumexp_rows_backward(lg_node *n)
{
    lg_node *a = n->a;
    size_t R = a->val.size1, C = a->val.size2;
    double *d = lg_node_dgrad(a);
    for (size_t i = 0; i < R; i++) {
        const double *x = a->val.data + i * C;
        double g = n->grad.data[i], lse = n->val.data[i];
        for (size_t j = 0; j < C; j++)
            d[i * C + j] += g * exp(x[j] - lse);
    }
}

/* ------------------------------------------------------------------ concat --- */

/* [a b]: the first P columns of the gradient go to a, the last Q to b. */
static void concat_backward(lg_node *n)
{
    lg_node *a = n->a, *b = n->b;
    size_t R = a->val.size1, P = a->val.size2, Q = b->val.size2;
    const double *g = n->grad.data;
    if (a->needs_grad) {
        double *d = lg_node_dgrad(a);
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < P; j++)
                d[i * P + j] += g[i * (P + Q) + j];
    }
    if (b->needs_grad) {
        double *d = lg_node_dgrad(b);
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < Q; j++)
                d[i * Q + j] += g[i * (P + Q) + P + j];
    }
}

static const lg_op_def op_concat = { "lg_concat", concat_backward };

/* y (R, n) = columns [from, from + n) of a (R, P); its backward adds g into
 * those columns of a's gradient (concat's adjoint). */
static void cols_backward(lg_node *n)
{
    lg_node *a = n->a;
    if (!a->needs_grad)
        return;
    size_t R = a->val.size1, P = a->val.size2, Q = n->val.size2, from = (size_t)n->s;
    double *d = lg_node_dgrad(a);
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < Q; j++)
            d[i * P + from + j] += n->grad.data[i * Q + j];
}

static const lg_op_def op_cols = { "columns", cols_backward };

lg_node *lg_cols(lg_tape *t, lg_node *a, size_t from, size_t n)
{
    if (!a || from + n > a->val.size2 || n == 0) {
        lg_tape_fail(t, "columns %zu..%zu of a node that has %zu", from, from + n, a ? a->val.size2 : 0);
        return NULL;
    }
    size_t R = a->val.size1, P = a->val.size2;
    lg_node *y = lg_tape_node(t, &op_cols, a, NULL, R, n);
    y->s = (double)from;
    for (size_t i = 0; i < R; i++)
        memcpy(y->val.data + i * n, a->val.data + i * P + from, n * sizeof(double));
    return y;
}

lg_node *lg_concat(lg_tape *t, lg_node *a, lg_node *b)
{
    if (!a || !b) {
        lg_tape_fail(t, "lg_concat: an input is NULL (an earlier op failed)");
        return NULL;
    }
    size_t R = a->val.size1, P = a->val.size2, Q = b->val.size2;
    if (b->val.size1 != R) {
        lg_tape_fail(t, "lg_concat: (%zu,%zu) and (%zu,%zu) have different row counts",
                     R, P, b->val.size1, Q);
        return NULL;
    }
    lg_node *n = lg_tape_node(t, &op_concat, a, b, R, P + Q);
    for (size_t i = 0; i < R; i++) {
        memcpy(n->val.data + i * (P + Q), a->val.data + i * P, P * sizeof(double));
        memcpy(n->val.data + i * (P + Q) + P, b->val.data + i * Q, Q * sizeof(double));
    }
    return n;
}
