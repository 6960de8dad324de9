/*
 * tape.c - reverse-mode automatic differentiation over GSL matrices.
 *
 * Ops are recorded in order on a tape; lg_tape_backward walks it backwards.
 * Each op has a forward (computed when recorded) and a backward (below, in
 * node_backward) that accumulates into its inputs' gradients with +=.
 * Nodes keep their buffers across resets, so a training step that records the
 * same ops with the same shapes allocates nothing.
 */
#include "lg_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

double *lg_buf_reserve(lg_buf *b, size_t n)
{
    if (n > b->cap) {
        b->data = lg_xrealloc(b->data, (n ? n : 1) * sizeof(double));
        b->cap = n;
    }
    return b->data;
}

void lg_dgemm(CBLAS_TRANSPOSE_t ta, CBLAS_TRANSPOSE_t tb, double alpha, const gsl_matrix *a,
              const gsl_matrix *b, double beta, gsl_matrix *c)
{
    int status = gsl_blas_dgemm(ta, tb, alpha, a, b, beta, c);
    LG_ASSERT(status == GSL_SUCCESS, "shapes are checked before every GEMM");
}

static void view_set(gsl_matrix *m, double *data, size_t rows, size_t cols)
{
    m->size1 = rows;
    m->size2 = cols;
    m->tda = cols;
    m->data = data;
    m->block = NULL;
    m->owner = 0;
}

lg_tape *lg_tape_alloc(void)
{
    lg_tape *t = lg_xcalloc(1, sizeof *t);
    return t;
}

void lg_tape_free(lg_tape *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->nodes[i])
            continue;
        free(t->nodes[i]->vbuf.data);
        free(t->nodes[i]->gbuf.data);
        free(t->nodes[i]->cache.data);
        free(t->nodes[i]);
    }
    for (size_t i = 0; i < t->cap_stops; i++)
        free(t->stops[i].data);
    free(t->stops);
    free(t->nodes);
    free(t);
}

void lg_tape_reset(lg_tape *t)
{
    t->n = 0;
    t->err[0] = '\0';
    t->stop_next = 0;
    if (t->stop_mode == LG_STOP_RECORD)
        t->n_stops = 0;
}

/* lg_stop_gradient's value under the tape's stop mode. */
static void stop_value(lg_tape *t, const double *x, double *y, size_t N)
{
    size_t k = t->stop_next++;
    if (t->stop_mode == LG_STOP_RECORD) {
        if (k == t->cap_stops) {
            t->cap_stops = t->cap_stops ? 2 * t->cap_stops : 8;
            t->stops = lg_xrealloc(t->stops, t->cap_stops * sizeof *t->stops);
            memset(t->stops + k, 0, (t->cap_stops - k) * sizeof *t->stops);
        }
        memcpy(lg_buf_reserve(&t->stops[k], N), x, N * sizeof *x);
        t->n_stops = k + 1;
    }
    bool replay = t->stop_mode == LG_STOP_REPLAY && k < t->n_stops && t->stops[k].cap >= N;
    memcpy(y, replay ? t->stops[k].data : x, N * sizeof *y);
}

const char *lg_tape_error(const lg_tape *t)
{
    return t->err[0] ? t->err : NULL;
}

void lg_tape_fail(lg_tape *t, const char *fmt, ...)
{
    if (t->err[0])
        return; /* keep the first error: later ones are consequences */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
}

lg_node *lg_tape_node(lg_tape *t, lg_op op, lg_node *a, lg_node *b,
                      size_t rows, size_t cols)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        t->nodes = lg_xrealloc(t->nodes, cap * sizeof *t->nodes);
        memset(t->nodes + t->cap, 0, (cap - t->cap) * sizeof *t->nodes);
        t->cap = cap;
    }
    lg_node *n = t->nodes[t->n];
    if (!n)
        n = t->nodes[t->n] = lg_xcalloc(1, sizeof *n);
    t->n++;
    n->op = op;
    n->a = a;
    n->b = b;
    n->s = 0;
    n->net = NULL;
    n->layer = NULL;
    n->game = NULL;
    n->has_grad = false;
    n->needs_grad = (a && a->needs_grad) || (b && b->needs_grad);
    view_set(&n->val, lg_buf_reserve(&n->vbuf, rows * cols), rows, cols);
    view_set(&n->grad, NULL, rows, cols); /* buffer attached on first use */
    return n;
}

const gsl_matrix *lg_value(const lg_node *n) { return n ? &n->val : NULL; }
const gsl_matrix *lg_grad(const lg_node *n) { return n && n->has_grad ? &n->grad : NULL; }

double lg_scalar(const lg_node *n)
{
    LG_ASSERT(n && n->val.size1 == 1 && n->val.size2 == 1, "lg_scalar needs a 1x1 node");
    return n->val.data[0];
}

/* ---------------------------------------------------------------- leaves --- */

static lg_node *leaf(lg_tape *t, lg_op op, const gsl_matrix *m)
{
    lg_node *n = lg_tape_node(t, op, NULL, NULL, m->size1, m->size2);
    for (size_t i = 0; i < m->size1; i++)
        memcpy(n->val.data + i * m->size2, m->data + i * m->tda, m->size2 * sizeof(double));
    n->needs_grad = (op == LG_OP_INPUT);
    return n;
}

lg_node *lg_const(lg_tape *t, const gsl_matrix *m) { return leaf(t, LG_OP_CONST, m); }
lg_node *lg_input(lg_tape *t, const gsl_matrix *m) { return leaf(t, LG_OP_INPUT, m); }

lg_node *lg_fill(lg_tape *t, size_t rows, size_t cols, double v)
{
    lg_node *n = lg_tape_node(t, LG_OP_CONST, NULL, NULL, rows, cols);
    for (size_t i = 0; i < rows * cols; i++)
        n->val.data[i] = v;
    return n;
}

/* -------------------------------------------------------- binary elementwise --- */

/* How b broadcasts against a: its row and column strides into b's data. */
typedef struct bcast {
    size_t rs, cs;
} bcast;

static bool broadcast(lg_tape *t, const char *op, const lg_node *a, const lg_node *b, bcast *bc)
{
    size_t ar = a->val.size1, ac = a->val.size2, br = b->val.size1, bcn = b->val.size2;
    if ((br != ar && br != 1) || (bcn != ac && bcn != 1)) {
        lg_tape_fail(t, "%s: shapes (%zu,%zu) and (%zu,%zu) do not broadcast "
                        "(the second must match, or be 1 along a dimension)",
                     op, ar, ac, br, bcn);
        return false;
    }
    bc->rs = (br == 1) ? 0 : bcn;
    bc->cs = (bcn == 1) ? 0 : 1;
    return true;
}

static lg_node *binary(lg_tape *t, lg_op op, const char *name, lg_node *a, lg_node *b)
{
    if (!a || !b) {
        lg_tape_fail(t, "%s: an input is NULL (an earlier op failed)", name);
        return NULL;
    }
    bcast bc;
    if (!broadcast(t, name, a, b, &bc))
        return NULL;
    size_t R = a->val.size1, C = a->val.size2;
    lg_node *n = lg_tape_node(t, op, a, b, R, C);
    const double *x = a->val.data, *y = b->val.data;
    double *z = n->val.data;
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < C; j++) {
            double u = x[i * C + j], v = y[i * bc.rs + j * bc.cs];
            double r;
            switch (op) {
            case LG_OP_ADD: r = u + v; break;
            case LG_OP_SUB: r = u - v; break;
            case LG_OP_MUL: r = u * v; break;
            default:        r = u / v; break;
            }
            z[i * C + j] = r;
        }
    return n;
}

lg_node *lg_add(lg_tape *t, lg_node *a, lg_node *b) { return binary(t, LG_OP_ADD, "lg_add", a, b); }
lg_node *lg_sub(lg_tape *t, lg_node *a, lg_node *b) { return binary(t, LG_OP_SUB, "lg_sub", a, b); }
lg_node *lg_mul(lg_tape *t, lg_node *a, lg_node *b) { return binary(t, LG_OP_MUL, "lg_mul", a, b); }
lg_node *lg_div(lg_tape *t, lg_node *a, lg_node *b) { return binary(t, LG_OP_DIV, "lg_div", a, b); }

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
    lg_node *n = lg_tape_node(t, LG_OP_MATMUL, a, b, a->val.size1, b->val.size2);
    lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &a->val, &b->val, 0.0, &n->val);
    return n;
}

/* --------------------------------------------------------- unary elementwise --- */

static double softplus(double x) { return fmax(x, 0.0) + log1p(exp(-fabs(x))); }

static double sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

static lg_node *unary(lg_tape *t, lg_op op, const char *name, lg_node *a, double s)
{
    if (!a) {
        lg_tape_fail(t, "%s: input is NULL (an earlier op failed)", name);
        return NULL;
    }
    size_t N = a->val.size1 * a->val.size2;
    lg_node *n = lg_tape_node(t, op, a, NULL, a->val.size1, a->val.size2);
    n->s = s;
    const double *restrict x = a->val.data;
    double *restrict y = n->val.data;
    switch (op) {
    case LG_OP_SCALE:    for (size_t i = 0; i < N; i++) y[i] = s * x[i]; break;
    case LG_OP_SHIFT:    for (size_t i = 0; i < N; i++) y[i] = x[i] + s; break;
    case LG_OP_NEG:      for (size_t i = 0; i < N; i++) y[i] = -x[i]; break;
    case LG_OP_SQUARE:   for (size_t i = 0; i < N; i++) y[i] = x[i] * x[i]; break;
    case LG_OP_ABS:      for (size_t i = 0; i < N; i++) y[i] = fabs(x[i]); break;
    case LG_OP_SQRT:     for (size_t i = 0; i < N; i++) y[i] = sqrt(x[i]); break;
    case LG_OP_EXP:      for (size_t i = 0; i < N; i++) y[i] = exp(x[i]); break;
    case LG_OP_LOG:      for (size_t i = 0; i < N; i++) y[i] = log(x[i]); break;
    case LG_OP_SOFTPLUS: for (size_t i = 0; i < N; i++) y[i] = softplus(x[i]); break;
    case LG_OP_SIGMOID:  for (size_t i = 0; i < N; i++) y[i] = sigmoid(x[i]); break;
    case LG_OP_TANH:     for (size_t i = 0; i < N; i++) y[i] = tanh(x[i]); break;
    case LG_OP_RELU:     for (size_t i = 0; i < N; i++) y[i] = x[i] > 0 ? x[i] : 0.0; break;
    case LG_OP_LEAKY_RELU:
        for (size_t i = 0; i < N; i++) y[i] = x[i] > 0 ? x[i] : s * x[i];
        break;
    case LG_OP_STOP:     stop_value(t, x, y, N); n->needs_grad = false; break;
    default: LG_ASSERT(0, "not a unary op");
    }
    return n;
}

lg_node *lg_scale(lg_tape *t, lg_node *a, double s) { return unary(t, LG_OP_SCALE, "lg_scale", a, s); }
lg_node *lg_shift(lg_tape *t, lg_node *a, double c) { return unary(t, LG_OP_SHIFT, "lg_shift", a, c); }
lg_node *lg_neg(lg_tape *t, lg_node *a) { return unary(t, LG_OP_NEG, "lg_neg", a, 0); }
lg_node *lg_square(lg_tape *t, lg_node *a) { return unary(t, LG_OP_SQUARE, "lg_square", a, 0); }
lg_node *lg_abs(lg_tape *t, lg_node *a) { return unary(t, LG_OP_ABS, "lg_abs", a, 0); }
lg_node *lg_sqrt(lg_tape *t, lg_node *a) { return unary(t, LG_OP_SQRT, "lg_sqrt", a, 0); }
lg_node *lg_exp(lg_tape *t, lg_node *a) { return unary(t, LG_OP_EXP, "lg_exp", a, 0); }
lg_node *lg_log(lg_tape *t, lg_node *a) { return unary(t, LG_OP_LOG, "lg_log", a, 0); }
lg_node *lg_softplus(lg_tape *t, lg_node *a) { return unary(t, LG_OP_SOFTPLUS, "lg_softplus", a, 0); }
lg_node *lg_sigmoid(lg_tape *t, lg_node *a) { return unary(t, LG_OP_SIGMOID, "lg_sigmoid", a, 0); }
lg_node *lg_tanh(lg_tape *t, lg_node *a) { return unary(t, LG_OP_TANH, "lg_tanh", a, 0); }
lg_node *lg_relu(lg_tape *t, lg_node *a) { return unary(t, LG_OP_RELU, "lg_relu", a, 0); }
lg_node *lg_leaky_relu(lg_tape *t, lg_node *a, double slope)
{
    return unary(t, LG_OP_LEAKY_RELU, "lg_leaky_relu", a, slope);
}
lg_node *lg_stop_gradient(lg_tape *t, lg_node *a) { return unary(t, LG_OP_STOP, "lg_stop_gradient", a, 0); }

/* ------------------------------------------------------------- reductions --- */

static lg_node *reduce(lg_tape *t, lg_op op, const char *name, lg_node *a)
{
    if (!a) {
        lg_tape_fail(t, "%s: input is NULL (an earlier op failed)", name);
        return NULL;
    }
    size_t R = a->val.size1, C = a->val.size2;
    bool rows = (op == LG_OP_SUM_ROWS || op == LG_OP_MEAN_ROWS);
    bool mean = (op == LG_OP_MEAN || op == LG_OP_MEAN_ROWS);
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

lg_node *lg_sum(lg_tape *t, lg_node *a) { return reduce(t, LG_OP_SUM, "lg_sum", a); }
lg_node *lg_mean(lg_tape *t, lg_node *a) { return reduce(t, LG_OP_MEAN, "lg_mean", a); }
lg_node *lg_sum_rows(lg_tape *t, lg_node *a) { return reduce(t, LG_OP_SUM_ROWS, "lg_sum_rows", a); }
lg_node *lg_mean_rows(lg_tape *t, lg_node *a) { return reduce(t, LG_OP_MEAN_ROWS, "lg_mean_rows", a); }

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
    lg_node *n = lg_tape_node(t, LG_OP_CONCAT, a, b, R, P + Q);
    for (size_t i = 0; i < R; i++) {
        memcpy(n->val.data + i * (P + Q), a->val.data + i * P, P * sizeof(double));
        memcpy(n->val.data + i * (P + Q) + P, b->val.data + i * Q, Q * sizeof(double));
    }
    return n;
}

/* --------------------------------------------------------------- backward --- */

double *lg_node_dgrad(lg_node *n)
{
    bool first;
    double *d = lg_node_dgrad_first(n, &first);
    if (first)
        memset(d, 0, n->val.size1 * n->val.size2 * sizeof(double));
    return d;
}

double *lg_node_dgrad_first(lg_node *n, bool *first)
{
    *first = !n->has_grad;
    if (*first) {
        n->grad.data = lg_buf_reserve(&n->gbuf, n->val.size1 * n->val.size2);
        n->has_grad = true;
    }
    return n->grad.data;
}

/* d = expr on the first gradient into a node (no zeroing pass), d += expr after. */
#define ACCUMULATE(first, d, N, expr)                                                \
    do {                                                                             \
        if (first)                                                                   \
            for (size_t i = 0; i < (N); i++)                                         \
                (d)[i] = (expr);                                                     \
        else                                                                         \
            for (size_t i = 0; i < (N); i++)                                         \
                (d)[i] += (expr);                                                    \
    } while (0)

static void binary_backward(lg_node *n)
{
    lg_node *a = n->a, *b = n->b;
    size_t R = n->val.size1, C = n->val.size2, N = R * C;
    bool same = b->val.size1 == R && b->val.size2 == C, first;
    bcast bc = { (b->val.size1 == 1) ? 0 : b->val.size2, (b->val.size2 == 1) ? 0 : 1 };
    const double *restrict g = n->grad.data, *restrict x = a->val.data, *restrict y = b->val.data;
    if (a->needs_grad) {
        double *restrict da = lg_node_dgrad_first(a, &first);
        if (same) {
            switch (n->op) {
            case LG_OP_ADD: case LG_OP_SUB: ACCUMULATE(first, da, N, g[i]); break;
            case LG_OP_MUL: ACCUMULATE(first, da, N, g[i] * y[i]); break;
            default:        ACCUMULATE(first, da, N, g[i] / y[i]); break;
            }
        } else {
            if (first)
                memset(da, 0, N * sizeof *da);
            for (size_t i = 0; i < R; i++)
                for (size_t j = 0; j < C; j++) {
                    double gij = g[i * C + j], v = y[i * bc.rs + j * bc.cs];
                    switch (n->op) {
                    case LG_OP_ADD: case LG_OP_SUB: da[i * C + j] += gij; break;
                    case LG_OP_MUL: da[i * C + j] += gij * v; break;
                    default:        da[i * C + j] += gij / v; break;
                    }
                }
        }
    }
    if (b->needs_grad) {
        double *restrict db = lg_node_dgrad(b); /* broadcast dims sum up */
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++) {
                double gij = g[i * C + j], u = x[i * C + j];
                size_t k = i * bc.rs + j * bc.cs;
                switch (n->op) {
                case LG_OP_ADD: db[k] += gij; break;
                case LG_OP_SUB: db[k] -= gij; break;
                case LG_OP_MUL: db[k] += gij * u; break;
                default:        db[k] -= gij * u / (y[k] * y[k]); break;
                }
            }
    }
}

/* Branch-free derivative helpers: g is always read, so the loops vectorise. */
static inline double relu_grad(double x, double g) { return x > 0 ? g : 0.0; }
static inline double leaky_grad(double x, double g, double s) { return x > 0 ? g : s * g; }

static void unary_backward(lg_node *n)
{
    lg_node *a = n->a;
    size_t N = n->val.size1 * n->val.size2;
    const double *restrict g = n->grad.data, *restrict x = a->val.data, *restrict y = n->val.data;
    bool first;
    double *restrict d = lg_node_dgrad_first(a, &first);
    const double s = n->s;
    switch (n->op) {
    case LG_OP_SCALE:    ACCUMULATE(first, d, N, s * g[i]); break;
    case LG_OP_SHIFT:    ACCUMULATE(first, d, N, g[i]); break;
    case LG_OP_NEG:      ACCUMULATE(first, d, N, -g[i]); break;
    case LG_OP_SQUARE:   ACCUMULATE(first, d, N, 2.0 * x[i] * g[i]); break;
    case LG_OP_ABS:      ACCUMULATE(first, d, N, x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0.0); break;
    case LG_OP_SQRT:     ACCUMULATE(first, d, N, 0.5 * g[i] / y[i]); break;
    case LG_OP_EXP:      ACCUMULATE(first, d, N, g[i] * y[i]); break;
    case LG_OP_LOG:      ACCUMULATE(first, d, N, g[i] / x[i]); break;
    case LG_OP_SOFTPLUS: ACCUMULATE(first, d, N, g[i] * sigmoid(x[i])); break;
    case LG_OP_SIGMOID:  ACCUMULATE(first, d, N, g[i] * y[i] * (1.0 - y[i])); break;
    case LG_OP_TANH:     ACCUMULATE(first, d, N, g[i] * (1.0 - y[i] * y[i])); break;
    case LG_OP_RELU:     ACCUMULATE(first, d, N, relu_grad(x[i], g[i])); break;
    case LG_OP_LEAKY_RELU: ACCUMULATE(first, d, N, leaky_grad(x[i], g[i], s)); break;
    default: LG_ASSERT(0, "not a unary op");
    }
}

static void node_backward(lg_node *n)
{
    lg_node *a = n->a, *b = n->b;
    size_t R = a ? a->val.size1 : 0, C = a ? a->val.size2 : 0;
    const double *g = n->grad.data;
    bool first;
    switch (n->op) {
    case LG_OP_CONST: case LG_OP_INPUT: case LG_OP_STOP:
        return;
    case LG_OP_ADD: case LG_OP_SUB: case LG_OP_MUL: case LG_OP_DIV:
        binary_backward(n);
        return;
    case LG_OP_MATMUL:
        /* C = A B:  dA += dC B^T,  dB += A^T dC  (beta = 0 on first touch) */
        if (a->needs_grad) {
            lg_node_dgrad_first(a, &first);
            lg_dgemm(CblasNoTrans, CblasTrans, 1.0, &n->grad, &b->val, first ? 0.0 : 1.0, &a->grad);
        }
        if (b->needs_grad) {
            lg_node_dgrad_first(b, &first);
            lg_dgemm(CblasTrans, CblasNoTrans, 1.0, &a->val, &n->grad, first ? 0.0 : 1.0, &b->grad);
        }
        return;
    case LG_OP_SUM: case LG_OP_MEAN: {
        double *d = lg_node_dgrad_first(a, &first);
        double v = (n->op == LG_OP_MEAN) ? g[0] / (double)(R * C) : g[0];
        ACCUMULATE(first, d, R * C, v);
        return;
    }
    case LG_OP_SUM_ROWS: case LG_OP_MEAN_ROWS: {
        double *d = lg_node_dgrad(a);
        for (size_t i = 0; i < R; i++) {
            double v = (n->op == LG_OP_MEAN_ROWS) ? g[i] / (double)C : g[i];
            for (size_t j = 0; j < C; j++)
                d[i * C + j] += v;
        }
        return;
    }
    case LG_OP_CONCAT: {
        size_t P = a->val.size2, Q = b->val.size2;
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
        return;
    }
    case LG_OP_LINEAR: case LG_OP_BATCHNORM:
        lg_layer_backward(n);
        return;
    case LG_OP_INPUT_GRAD:
        lg_input_grad_backward(n);
        return;
    default:
        if (a->needs_grad)
            unary_backward(n);
        return;
    }
}

int lg_tape_backward(lg_tape *t, lg_node *root)
{
    if (!root) {
        lg_tape_fail(t, "backward: the objective is NULL (an earlier op failed)");
        return lg_seterr(LG_EINVAL, "%s", t->err);
    }
    if (root->val.size1 != 1 || root->val.size2 != 1) {
        lg_tape_fail(t, "backward: the objective must be a scalar (1,1), got (%zu,%zu); "
                        "reduce it with lg_mean or lg_sum",
                     root->val.size1, root->val.size2);
        return lg_seterr(LG_EINVAL, "%s", t->err);
    }
    for (size_t i = 0; i < t->n; i++)
        t->nodes[i]->has_grad = false;
    if (!root->needs_grad)
        return LG_OK; /* nothing trainable reaches the objective */
    lg_node_dgrad(root)[0] = 1.0;
    for (size_t i = t->n; i-- > 0;) {
        lg_node *n = t->nodes[i];
        if (n->has_grad && n->needs_grad)
            node_backward(n);
    }
    return LG_OK;
}
