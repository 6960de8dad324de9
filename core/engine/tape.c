/*
 * tape.c - reverse-mode automatic differentiation over GSL matrices: the tape,
 * its nodes, leaves and stops, and the backward walk.
 *
 * Ops are recorded in order on a tape; lg_tape_backward walks it backwards and
 * calls each node's own backward (n->op->backward), which accumulates into its
 * inputs' gradients with +=. The tape knows no op beyond leaves and stops: the
 * arithmetic ops live in ops.c, layers in net.c, lg_input_grad in game.c.
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

/* c (m, n) = u v^T + 0, u[i] = u[i us], v[j] = v[j vs]: what a GEMM of inner
 * dimension 1 writes on a zeroed C. Its kernel rounds each product once and
 * adds it to C's zero; + 0.0 does that addition (it turns a product of -0
 * into +0, and nothing else), so the bits are the GEMM's - but for which NaN
 * comes out when both factors are NaN, which depends on the operands' order
 * in the multiply (OpenBLAS's kernel gives u's, these loops either). */
LG_SIMD_CLONES
static void outer_d(size_t m, size_t n, const double *u, size_t us, const double *v, size_t vs, double *c,
                    size_t ldc)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            c[i * ldc + j] = u[i * us] * v[j * vs] + 0.0;
}

/* beta = 0 is a zeroing pass and beta = 1: OpenBLAS's own zeroing of C (its
 * "beta" kernel, scalar stores) took 4 % of a toy step, memset a quarter of
 * that; C = 0 + alpha A B either way, so the bits are the same. An inner
 * dimension of 1 with beta = 0 and alpha = 1 (the input gradient of a Linear
 * layer with one output, as every discriminator ends) is written as the outer
 * product it is: no zeroing pass, and no GEMM call, which at 256 x 128 took as
 * long as the memset and the product together (about 2 % of a toy step). */
void lg_dgemm(CBLAS_TRANSPOSE_t ta, CBLAS_TRANSPOSE_t tb, double alpha, const gsl_matrix *a,
              const gsl_matrix *b, double beta, gsl_matrix *c)
{
    size_t k = ta == CblasNoTrans ? a->size2 : a->size1;
    if (beta == 0.0 && alpha == 1.0 && k == 1) {
        LG_ASSERT(c->size1 == (ta == CblasNoTrans ? a->size1 : a->size2) &&
                      c->size2 == (tb == CblasNoTrans ? b->size2 : b->size1) &&
                      (tb == CblasNoTrans ? b->size1 : b->size2) == 1,
                  "shapes are checked before every GEMM");
        outer_d(c->size1, c->size2, a->data, ta == CblasNoTrans ? a->tda : 1, b->data,
                tb == CblasNoTrans ? 1 : b->tda, c->data, c->tda);
        return;
    }
    if (beta == 0.0) {
        if (c->tda == c->size2)
            memset(c->data, 0, c->size1 * c->size2 * sizeof(double));
        else
            for (size_t i = 0; i < c->size1; i++)
                memset(c->data + i * c->tda, 0, c->size2 * sizeof(double));
        beta = 1.0;
    }
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
        lg_tape_free(t->nodes[i]->inner);
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

lg_node *lg_tape_node(lg_tape *t, const lg_op_def *op, lg_node *a, lg_node *b,
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

/* Leaves have no backward: an input's gradient is read with lg_grad. */
static const lg_op_def op_const = { "const", NULL };
static const lg_op_def op_input = { "input", NULL };

static lg_node *leaf(lg_tape *t, const lg_op_def *op, const gsl_matrix *m)
{
    lg_node *n = lg_tape_node(t, op, NULL, NULL, m->size1, m->size2);
    for (size_t i = 0; i < m->size1; i++)
        memcpy(n->val.data + i * m->size2, m->data + i * m->tda, m->size2 * sizeof(double));
    n->needs_grad = (op == &op_input);
    return n;
}

lg_node *lg_const(lg_tape *t, const gsl_matrix *m) { return leaf(t, &op_const, m); }
lg_node *lg_input(lg_tape *t, const gsl_matrix *m) { return leaf(t, &op_input, m); }

lg_node *lg_fill(lg_tape *t, size_t rows, size_t cols, double v)
{
    lg_node *n = lg_tape_node(t, &op_const, NULL, NULL, rows, cols);
    for (size_t i = 0; i < rows * cols; i++)
        n->val.data[i] = v;
    return n;
}

/* The value passes, the gradient does not (see lg_stop_mode for finite
 * differences that must honour the stop). */
static const lg_op_def op_stop = { "lg_stop_gradient", NULL };

lg_node *lg_stop_gradient(lg_tape *t, lg_node *a)
{
    if (!a) {
        lg_tape_fail(t, "lg_stop_gradient: input is NULL (an earlier op failed)");
        return NULL;
    }
    lg_node *n = lg_tape_node(t, &op_stop, a, NULL, a->val.size1, a->val.size2);
    stop_value(t, a->val.data, n->val.data, a->val.size1 * a->val.size2);
    n->needs_grad = false;
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
        if (n->has_grad && n->needs_grad && n->op->backward)
            n->op->backward(n);
    }
    return LG_OK;
}
