/*
 * conv.c - Conv2d, ConvTranspose2d and BatchNorm2d as forward/backward pairs
 * on the tape, lowered onto GEMM through im2col and col2im.
 *
 * Layout: NCHW, one sample per row. A node's value is the tape's usual (B,
 * features) matrix with features = C*H*W, each row the sample's image in
 * row-major order C, H, W (x[c*H*W + h*W + w]). So a reshape between a flat
 * width and an image shape moves no data, and every elementwise op, loss and
 * metric works on image rows unchanged.
 *
 * GEMMs: one per sample. Viewed as a (C, H*W) matrix, a sample's row is
 * already the GEMM's operand or result: Conv2d writes W (C_out, C_in k k) x
 * col (C_in k k, Ho Wo) straight into the output row, with no transpose. A
 * single batched GEMM would need the columns of all samples side by side and
 * the result permuted from (C, B, HW) to (B, C, HW) afterwards, an extra pass
 * over memory and B times the column buffer. The per-sample GEMMs are large
 * enough for OpenBLAS (DCGAN's second critic layer: 128 x 1024 x 49).
 *
 * Memory: each node's cache holds one sample's columns and their gradient
 * (2 K N doubles, reserved once); the backward recomputes a sample's columns
 * from the input instead of keeping all B of them, which costs one im2col
 * pass against a GEMM K times as costly.
 */
#include "lg_impl.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------ im2col and col2im --- */

lg_conv_geom lg_conv_geom_of(const lg_layer *l)
{
    /* Conv2d reads its input; ConvTranspose2d scatters into its output */
    const lg_shape *img = l->kind == LG_LAYER_CONV ? &l->ish : &l->osh;
    const lg_shape *grid = l->kind == LG_LAYER_CONV ? &l->osh : &l->ish;
    return (lg_conv_geom){ img->c, img->h, img->w, l->k, l->stride, l->pad, grid->h, grid->w };
}

/* Written once for T = double (this file) and T = float (net_float.c):
 *
 * im2col: col (c k k, oh ow): row (ci k + ki) k + kj, column y ow + x, holds
 * img[ci, y s - p + ki, x s - p + kj], 0 outside the image (the padding). The
 * row order matches the weights' (.., c, k, k) layout.
 * col2im, its adjoint: img += every column entry at its image position
 * (entries in the padding are dropped).
 * add_bias: y (C, n) row c += b[c]; sum_bias: db[c] += the sum of row c of dy. */
#define CONV_HELPERS(T, SFX)                                                                  \
    void lg_im2col##SFX(const lg_conv_geom *g, const T *img, T *col)                          \
    {                                                                                         \
        size_t n = g->oh * g->ow;                                                             \
        for (size_t ci = 0; ci < g->c; ci++)                                                  \
            for (size_t ki = 0; ki < g->k; ki++)                                              \
                for (size_t kj = 0; kj < g->k; kj++) {                                        \
                    T *row = col + ((ci * g->k + ki) * g->k + kj) * n;                        \
                    const T *plane = img + ci * g->h * g->w;                                  \
                    for (size_t y = 0; y < g->oh; y++) {                                      \
                        /* unsigned wrap-around puts rows above the image past h */          \
                        size_t iy = y * g->s + ki - g->p;                                     \
                        T *r = row + y * g->ow;                                               \
                        if (iy >= g->h) {                                                     \
                            memset(r, 0, g->ow * sizeof(T));                                  \
                            continue;                                                         \
                        }                                                                     \
                        for (size_t x = 0; x < g->ow; x++) {                                  \
                            size_t ix = x * g->s + kj - g->p;                                 \
                            r[x] = ix < g->w ? plane[iy * g->w + ix] : (T)0;                  \
                        }                                                                     \
                    }                                                                         \
                }                                                                             \
    }                                                                                         \
    void lg_col2im##SFX(const lg_conv_geom *g, const T *col, T *img)                          \
    {                                                                                         \
        size_t n = g->oh * g->ow;                                                             \
        for (size_t ci = 0; ci < g->c; ci++)                                                  \
            for (size_t ki = 0; ki < g->k; ki++)                                              \
                for (size_t kj = 0; kj < g->k; kj++) {                                        \
                    const T *row = col + ((ci * g->k + ki) * g->k + kj) * n;                  \
                    T *plane = img + ci * g->h * g->w;                                        \
                    for (size_t y = 0; y < g->oh; y++) {                                      \
                        size_t iy = y * g->s + ki - g->p;                                     \
                        if (iy >= g->h)                                                       \
                            continue;                                                         \
                        const T *r = row + y * g->ow;                                         \
                        for (size_t x = 0; x < g->ow; x++) {                                  \
                            size_t ix = x * g->s + kj - g->p;                                 \
                            if (ix < g->w)                                                    \
                                plane[iy * g->w + ix] += r[x];                                \
                        }                                                                     \
                    }                                                                         \
                }                                                                             \
    }                                                                                         \
    void lg_add_bias##SFX(T *y, const T *b, size_t C, size_t n)                               \
    {                                                                                         \
        for (size_t c = 0; c < C; c++)                                                        \
            for (size_t j = 0; j < n; j++)                                                    \
                y[c * n + j] += b[c];                                                         \
    }                                                                                         \
    void lg_sum_bias##SFX(const T *dy, T *db, size_t C, size_t n)                             \
    {                                                                                         \
        for (size_t c = 0; c < C; c++) {                                                      \
            T s = 0;                                                                          \
            for (size_t j = 0; j < n; j++)                                                    \
                s += dy[c * n + j];                                                           \
            db[c] += s;                                                                       \
        }                                                                                     \
    }

CONV_HELPERS(double, )
CONV_HELPERS(float, _f)

static gsl_matrix_view mview(double *p, size_t rows, size_t cols)
{
    return gsl_matrix_view_array(p, rows, cols);
}

/* ----------------------------------------------------------------- Conv2d --- */

/* Per sample, with K = C_in k k and N = Ho Wo:
 *   col (K, N) = im2col(x);  y (C_out, N) = W (C_out, K) col + b
 * cache: col (K, N), then dcol (K, N) for the backward. */
void lg_conv_forward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t B = n->val.size1, K = g.c * g.k * g.k, N = g.oh * g.ow, C = l->osh.c;
    double *col = lg_buf_reserve(&n->cache, 2 * K * N);
    gsl_matrix_view W = lg_layer_weight(n->net, l), cv = mview(col, K, N);
    const double *b = l->no_bias ? NULL : lg_layer_bias(n->net, l);
    for (size_t i = 0; i < B; i++) {
        lg_im2col(&g, n->a->val.data + i * l->in, col);
        gsl_matrix_view y = mview(n->val.data + i * l->out, C, N);
        lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &W.matrix, &cv.matrix, 0.0, &y.matrix);
        if (b)
            lg_add_bias(y.matrix.data, b, C, N);
    }
}

/* Per sample: dW (C_out, K) += dy (C_out, N) col^T;  db += row sums of dy;
 *   dx += col2im(W^T dy) */
static void conv_backward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t B = n->val.size1, K = g.c * g.k * g.k, N = g.oh * g.ow, C = l->osh.c;
    double *col = n->cache.data, *dcol = col + K * N, *dx = NULL;
    gsl_matrix_view W = lg_layer_weight(net, l), cv = mview(col, K, N), dcv = mview(dcol, K, N);
    gsl_matrix_view dW = mview(net->grad + l->p_off, W.matrix.size1, W.matrix.size2);
    double *db = l->no_bias ? NULL : net->grad + (lg_layer_bias(net, l) - net->theta);
    if (n->a->needs_grad) {
        bool first;
        dx = lg_node_dgrad_first(n->a, &first);
        if (first)
            memset(dx, 0, B * l->in * sizeof(double));
    }
    for (size_t i = 0; i < B; i++) {
        gsl_matrix_view dy = mview(n->grad.data + i * l->out, C, N);
        if (net->requires_grad) {
            lg_im2col(&g, n->a->val.data + i * l->in, col);
            lg_dgemm(CblasNoTrans, CblasTrans, 1.0, &dy.matrix, &cv.matrix, 1.0, &dW.matrix);
            if (db)
                lg_sum_bias(dy.matrix.data, db, C, N);
        }
        if (dx) {
            lg_dgemm(CblasTrans, CblasNoTrans, 1.0, &W.matrix, &dy.matrix, 0.0, &dcv.matrix);
            lg_col2im(&g, dcol, dx + i * l->in);
        }
    }
}

/* -------------------------------------------------------- ConvTranspose2d --- */

/* The adjoint of Conv2d's input map. Per sample, with K = C_out k k and
 * N = H_in W_in (the grid):
 *   col (K, N) = W^T (K, C_in) x (C_in, N);  y = col2im(col) + b
 * cache: col (K, N), then dcol (K, N). */
void lg_convt_forward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t B = n->val.size1, K = g.c * g.k * g.k, N = g.oh * g.ow, Cin = l->ish.c;
    double *col = lg_buf_reserve(&n->cache, 2 * K * N);
    gsl_matrix_view W = lg_layer_weight(n->net, l), cv = mview(col, K, N);
    const double *b = l->no_bias ? NULL : lg_layer_bias(n->net, l);
    for (size_t i = 0; i < B; i++) {
        double *y = n->val.data + i * l->out;
        gsl_matrix_view x = mview(n->a->val.data + i * l->in, Cin, N);
        lg_dgemm(CblasTrans, CblasNoTrans, 1.0, &W.matrix, &x.matrix, 0.0, &cv.matrix);
        memset(y, 0, l->out * sizeof(double));
        lg_col2im(&g, col, y);
        if (b)
            lg_add_bias(y, b, g.c, g.h * g.w);
    }
}

/* Per sample, with dcol = im2col(dy):
 *   dW (C_in, K) += x (C_in, N) dcol^T;  db += sums of dy per channel;
 *   dx (C_in, N) += W (C_in, K) dcol */
static void convt_backward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t B = n->val.size1, K = g.c * g.k * g.k, N = g.oh * g.ow, Cin = l->ish.c;
    double *dcol = n->cache.data, *dx = NULL;
    bool first = false;
    gsl_matrix_view W = lg_layer_weight(net, l), dcv = mview(dcol, K, N);
    gsl_matrix_view dW = mview(net->grad + l->p_off, W.matrix.size1, W.matrix.size2);
    double *db = l->no_bias ? NULL : net->grad + (lg_layer_bias(net, l) - net->theta);
    if (n->a->needs_grad)
        dx = lg_node_dgrad_first(n->a, &first);
    for (size_t i = 0; i < B; i++) {
        const double *dy = n->grad.data + i * l->out;
        lg_im2col(&g, dy, dcol);
        if (net->requires_grad) {
            gsl_matrix_view x = mview(n->a->val.data + i * l->in, Cin, N);
            lg_dgemm(CblasNoTrans, CblasTrans, 1.0, &x.matrix, &dcv.matrix, 1.0, &dW.matrix);
            if (db)
                lg_sum_bias(dy, db, g.c, g.h * g.w);
        }
        if (dx) {
            gsl_matrix_view dxv = mview(dx + i * l->in, Cin, N);
            lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &W.matrix, &dcv.matrix, first ? 0.0 : 1.0,
                     &dxv.matrix);
        }
    }
}

/* ------------------------------------------------------------ BatchNorm2d --- */

/* BatchNorm2d (PyTorch semantics): BatchNorm1d's formulas per channel c, with
 * the statistics over the B H W values of that channel (every sample, every
 * position), M = B H W of them:
 *   train: mu, var = their mean and biased variance;
 *          running = (1 - momentum) running + momentum * (mu, var M / (M - 1))
 *   eval:  mu, var = running statistics
 *   y = gamma (x - mu) / sqrt(var + eps) + beta
 * cache: xhat (B, C H W), inv_std (C), then work rows (C) and (C). */
void lg_bn2d_forward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    size_t B = n->val.size1, C = l->ish.c, HW = l->ish.h * l->ish.w, F = l->out;
    double M = (double)(B * HW);
    const double *x = n->a->val.data, *gamma = net->theta + l->p_off, *beta = gamma + C;
    double *rm = net->buffers + l->b_off, *rv = rm + C;
    double *xhat = lg_buf_reserve(&n->cache, B * F + 3 * C), *inv_std = xhat + B * F;
    double *mu = inv_std + C, *ss = mu + C, *y = n->val.data;
    if (net->train) {
        memset(mu, 0, 2 * C * sizeof(double));
        for (size_t i = 0; i < B; i++)
            for (size_t c = 0; c < C; c++) {
                const double *xc = x + i * F + c * HW;
                for (size_t j = 0; j < HW; j++)
                    mu[c] += xc[j];
            }
        for (size_t c = 0; c < C; c++)
            mu[c] /= M;
        for (size_t i = 0; i < B; i++)
            for (size_t c = 0; c < C; c++) {
                const double *xc = x + i * F + c * HW;
                for (size_t j = 0; j < HW; j++)
                    ss[c] += (xc[j] - mu[c]) * (xc[j] - mu[c]);
            }
        for (size_t c = 0; c < C; c++) {
            double var = ss[c] / M;
            rm[c] = (1.0 - l->momentum) * rm[c] + l->momentum * mu[c];
            rv[c] = (1.0 - l->momentum) * rv[c] + l->momentum * ss[c] / (M - 1.0);
            inv_std[c] = 1.0 / sqrt(var + l->eps);
        }
    } else {
        for (size_t c = 0; c < C; c++) {
            mu[c] = rm[c];
            inv_std[c] = 1.0 / sqrt(rv[c] + l->eps);
        }
    }
    for (size_t i = 0; i < B; i++)
        for (size_t c = 0; c < C; c++)
            for (size_t j = 0; j < HW; j++) {
                size_t k = i * F + c * HW + j;
                xhat[k] = (x[k] - mu[c]) * inv_std[c];
                y[k] = gamma[c] * xhat[k] + beta[c];
            }
}

/* Train mode, with h = xhat and per channel over its M values:
 *   dx = gamma inv_std / M * (M dy - sum(dy) - h sum(dy h))
 * Eval mode: dx = gamma inv_std dy.  dgamma += sum(dy h), dbeta += sum(dy). */
static void bn2d_backward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    size_t B = n->val.size1, C = l->ish.c, HW = l->ish.h * l->ish.w, F = l->out;
    double M = (double)(B * HW);
    const double *dy = n->grad.data, *gamma = net->theta + l->p_off;
    const double *xhat = n->cache.data, *inv_std = xhat + B * F;
    double *sdy = n->cache.data + B * F + C, *sdyh = sdy + C; /* the forward's work rows */
    memset(sdy, 0, 2 * C * sizeof(double));
    for (size_t i = 0; i < B; i++)
        for (size_t c = 0; c < C; c++)
            for (size_t j = 0; j < HW; j++) {
                size_t k = i * F + c * HW + j;
                sdy[c] += dy[k];
                sdyh[c] += dy[k] * xhat[k];
            }
    if (net->requires_grad)
        for (size_t c = 0; c < C; c++) {
            net->grad[l->p_off + c] += sdyh[c];
            net->grad[l->p_off + C + c] += sdy[c];
        }
    if (!n->a->needs_grad)
        return;
    bool first;
    double *dx = lg_node_dgrad_first(n->a, &first);
    if (first)
        memset(dx, 0, B * F * sizeof(double));
    for (size_t i = 0; i < B; i++)
        for (size_t c = 0; c < C; c++) {
            double k = gamma[c] * inv_std[c];
            for (size_t j = 0; j < HW; j++) {
                size_t q = i * F + c * HW + j;
                dx[q] += net->train ? k / M * (M * dy[q] - sdy[c] - xhat[q] * sdyh[c]) : k * dy[q];
            }
        }
}

const lg_op_def lg_op_conv = { "conv2d", conv_backward };
const lg_op_def lg_op_convt = { "convtranspose2d", convt_backward };
const lg_op_def lg_op_bn2d = { "batchnorm2d", bn2d_backward };
