/*
 * net_float.c - the float path of a network: parameters, gradients and every
 * layer's values in float, GEMMs by sgemm, the network one node on the tape.
 *
 * The tape and the plugins stay in double: the node takes its input in double
 * and gives its output in double (a conversion of B x in and B x out values),
 * and its backward takes dL/dy in double and gives dL/dx in double. Inside,
 * the layers run in float, forward and backward side by side as in net.c and
 * conv.c (Linear y = x W^T + b, BatchNorm1d, the activations in place on the
 * layer before them; Conv2d, ConvTranspose2d and BatchNorm2d on conv.c's
 * im2col / col2im, written once for both types). Memory: the node's cache holds the float input, each layer's
 * output, BatchNorm's xhat and 1/std, and two gradient rows of the widest
 * layer; reused from step to step like every node's.
 *
 * Two copies of the parameters: theta_f and grad_f (float) are what a step
 * computes with; theta and grad (double) are what everything outside the
 * step reads and writes (accessors, hooks, checkpoints, init). f_current says
 * which is current; lg_net_use_float / lg_net_use_double convert when the
 * other side asks. In a run without hooks that touch parameters the copies
 * convert only at set-up, logging and checkpoints.
 */
#include "lg_impl.h"
#include "act_loops.h"
#include "vmath.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

/* The layers of a float net are planned on the stack (float_plan). */
#define MAX_FLOAT_LAYERS 64

/* ------------------------------------------------------------- the copies --- */

int lg_net_set_precision(lg_net *net, lg_precision prec)
{
    if (prec == LG_PREC_DOUBLE) {
        lg_net_use_double(net);
        net->prec = prec;
        return LG_OK;
    }
    if (net->prec == LG_PREC_FLOAT)
        return LG_OK;
    if (net->n_layers > MAX_FLOAT_LAYERS)
        return lg_seterr(LG_EINVAL, "network %s has %zu layers (activations and BatchNorm count); the float path "
                         "takes at most %d: use --precision double", net->spec, net->n_layers, MAX_FLOAT_LAYERS);
    if (!net->theta_f) {
        net->theta_f = lg_xcalloc_big(net->n_params ? net->n_params : 1, sizeof(float));
        net->grad_f = lg_xcalloc_big(net->n_params ? net->n_params : 1, sizeof(float));
    }
    net->prec = prec;
    net->f_current = false;
    return LG_OK;
}

/* ------------------------------------------------------------ conversions --- */

/* doubles into floats and back: the parameter copies, the net's input and
 * output, the gradient arriving at it */
LG_SIMD_CLONES
static void floats_of(const double *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = (float)x[i];
}

LG_SIMD_CLONES
static void doubles_of(const float *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i];
}

void lg_net_use_float(lg_net *net)
{
    if (net->prec != LG_PREC_FLOAT || net->f_current)
        return;
    floats_of(net->theta, net->theta_f, net->n_params);
    floats_of(net->grad, net->grad_f, net->n_params);
    net->f_current = true;
}

void lg_net_use_double(lg_net *net)
{
    if (net->prec != LG_PREC_FLOAT || !net->f_current)
        return;
    doubles_of(net->theta_f, net->theta, net->n_params);
    doubles_of(net->grad_f, net->grad, net->n_params);
    net->f_current = false;
}

/* ------------------------------------------------------------ activations --- */

/* exp_f, tanh_f and sigmoid_f: vmath.h */
LG_ACT_LOOPS(float, _f, tanh_f, sigmoid_f)

/* ----------------------------------------------------------------- layers --- */

/* floats in blocks of 8 (32 bytes): a block of doubles after them stays
 * aligned, and vector loops start on the buffer's own alignment */
static size_t round8(size_t n) { return (n + 7) & ~(size_t)7; }

/* c (m, n) = a b^T + 0 for a (m), b (n): a GEMM of inner dimension 1 on a
 * zeroed C, the same bits (see lg_dgemm's outer_d) */
LG_SIMD_CLONES
static void outer_f(size_t m, size_t n, const float *a, const float *b, float *c)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            c[i * n + j] = a[i] * b[j] + 0.0f;
}

/* c (m, n) = a b + beta c, a (m, k) or its transpose, b (k, n) or its
 * transpose, all contiguous rows. beta = 0 is a memset and beta = 1, as
 * lg_dgemm does it (OpenBLAS's own zeroing is slower; the same bits), and with
 * k = 1 the outer product written directly, as lg_dgemm does it. */
static void sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, const float *a, const float *b, float beta,
                  float *c)
{
    if (beta == 0.0f && k == 1) { /* a and b are then contiguous vectors, transposed or not */
        outer_f(m, n, a, b, c);
        return;
    }
    if (beta == 0.0f) {
        memset(c, 0, m * n * sizeof(float));
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)k, 1.0f, a, ta ? (int)m : (int)k, b, tb ? (int)k : (int)n, beta, c, (int)n);
}

/* y: (B, out) = x: (B, in) W^T + b, the bias rows first and the GEMM onto them
 * (as the double path) */
static void linear_forward_f(const lg_net *net, const lg_layer *l, size_t B, const float *x, float *y)
{
    const float *W = net->theta_f + l->p_off, *b = W + (l->no_weight ? 0 : l->out * l->in);
    for (size_t i = 0; i < B; i++) {
        if (l->no_bias)
            memset(y + i * l->out, 0, l->out * sizeof(float));
        else
            memcpy(y + i * l->out, b, l->out * sizeof(float));
    }
    if (!l->no_weight)
        sgemm(false, true, B, l->out, l->in, x, W, 1.0f, y);
}

/* dW += dy^T x, db += sum_rows dy (when the net is trained); dx = dy W (dx
 * NULL: not wanted). */
static void linear_backward_f(lg_net *net, const lg_layer *l, size_t B, const float *x, const float *dy,
                              float *dx, bool bias_done)
{
    const float *W = net->theta_f + l->p_off;
    if (net->requires_grad) {
        float *dW = net->grad_f + l->p_off, *db = dW + (l->no_weight ? 0 : l->out * l->in);
        if (!l->no_weight)
            sgemm(true, false, l->out, l->in, B, dy, x, 1.0f, dW);
        if (!l->no_bias && !bias_done)
            for (size_t i = 0; i < B; i++)
                for (size_t j = 0; j < l->out; j++)
                    db[j] += dy[i * l->out + j];
    }
    if (!dx)
        return;
    if (l->no_weight)
        memset(dx, 0, B * l->in * sizeof(float));
    else
        sgemm(false, false, B, l->in, l->out, dy, W, 0.0f, dx);
}

/* ------------------------------------------------------------ image layers ---
 * Conv2d, ConvTranspose2d and BatchNorm2d as conv.c does them (NCHW rows, one
 * GEMM per sample on im2col / col2im columns), in float with sgemm. col and
 * dcol: one sample's columns (K, N), shared by every conv layer of the net. */

/* per sample: col = im2col(x); y (C_out, N) = W (C_out, K) col + b */
static void conv_forward_f(const lg_net *net, const lg_layer *l, size_t B, const float *x, float *y, float *col)
{
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t K = g.c * g.k * g.k, N = g.oh * g.ow, C = l->osh.c;
    const float *W = net->theta_f + l->p_off, *b = l->no_bias ? NULL : W + C * K;
    for (size_t i = 0; i < B; i++) {
        lg_im2col_f(&g, x + i * l->in, col);
        sgemm(false, false, C, N, K, W, col, 0.0f, y + i * l->out);
        if (b)
            lg_add_bias_f(y + i * l->out, b, C, N);
    }
}

/* per sample: dW += dy col^T, db += row sums of dy; dx = col2im(W^T dy) */
static void conv_backward_f(lg_net *net, const lg_layer *l, size_t B, const float *x, const float *dy, float *dx,
                            float *col, float *dcol)
{
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t K = g.c * g.k * g.k, N = g.oh * g.ow, C = l->osh.c;
    const float *W = net->theta_f + l->p_off;
    float *dW = net->grad_f + l->p_off, *db = l->no_bias ? NULL : dW + C * K;
    if (dx)
        memset(dx, 0, B * l->in * sizeof(float));
    for (size_t i = 0; i < B; i++) {
        const float *dyi = dy + i * l->out;
        if (net->requires_grad) {
            lg_im2col_f(&g, x + i * l->in, col);
            sgemm(false, true, C, K, N, dyi, col, 1.0f, dW);
            if (db)
                lg_sum_bias_f(dyi, db, C, N);
        }
        if (dx) {
            sgemm(true, false, K, N, C, W, dyi, 0.0f, dcol);
            lg_col2im_f(&g, dcol, dx + i * l->in);
        }
    }
}

/* per sample: col (K, N) = W^T (K, C_in) x (C_in, N); y = col2im(col) + b */
static void convt_forward_f(const lg_net *net, const lg_layer *l, size_t B, const float *x, float *y, float *col)
{
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t K = g.c * g.k * g.k, N = g.oh * g.ow, Cin = l->ish.c;
    const float *W = net->theta_f + l->p_off, *b = l->no_bias ? NULL : W + Cin * K;
    for (size_t i = 0; i < B; i++) {
        float *yi = y + i * l->out;
        sgemm(true, false, K, N, Cin, W, x + i * l->in, 0.0f, col);
        memset(yi, 0, l->out * sizeof(float));
        lg_col2im_f(&g, col, yi);
        if (b)
            lg_add_bias_f(yi, b, g.c, g.h * g.w);
    }
}

/* per sample, dcol = im2col(dy): dW (C_in, K) += x dcol^T, db += channel sums
 * of dy; dx (C_in, N) = W dcol */
static void convt_backward_f(lg_net *net, const lg_layer *l, size_t B, const float *x, const float *dy, float *dx,
                             float *dcol)
{
    lg_conv_geom g = lg_conv_geom_of(l);
    size_t K = g.c * g.k * g.k, N = g.oh * g.ow, Cin = l->ish.c;
    const float *W = net->theta_f + l->p_off;
    float *dW = net->grad_f + l->p_off, *db = l->no_bias ? NULL : dW + Cin * K;
    for (size_t i = 0; i < B; i++) {
        const float *dyi = dy + i * l->out;
        lg_im2col_f(&g, dyi, dcol);
        if (net->requires_grad) {
            sgemm(false, true, Cin, K, N, x + i * l->in, dcol, 1.0f, dW);
            if (db)
                lg_sum_bias_f(dyi, db, g.c, g.h * g.w);
        }
        if (dx)
            sgemm(false, false, Cin, N, K, W, dcol, 0.0f, dx + i * l->in);
    }
}

/* BatchNorm in float, BatchNorm2d as conv.c's and BatchNorm1d as net.c's
 * (its C features are channels of one position: HW = 1): per channel over its
 * B H W values, the batch statistics summed in double (as PyTorch's CPU kernel
 * accumulates float), the running statistics double (net->buffers).
 * bn: xhat (B, F), inv_std (C), then two rows of C doubles (the sums). */
static void bn_geom(const lg_layer *l, size_t *C, size_t *HW)
{
    bool flat = l->kind == LG_LAYER_BATCHNORM;
    *C = flat ? l->out : l->ish.c;
    *HW = flat ? 1 : l->ish.h * l->ish.w;
}

static size_t bn_floats(const lg_layer *l, size_t B)
{
    size_t C, HW;
    bn_geom(l, &C, &HW);
    return round8(round8(B * l->out + C) + 4 * C); /* the next block aligned too */
}

LG_SIMD_CLONES
static void bn_forward_f(lg_net *net, const lg_layer *l, size_t B, const float *x, float *y, float *bn)
{
    size_t C, HW, F = l->out;
    bn_geom(l, &C, &HW);
    double M = (double)(B * HW);
    const float *gamma = net->theta_f + l->p_off, *beta = gamma + C;
    double *rm = net->buffers + l->b_off, *rv = rm + C;
    float *xhat = bn, *inv_std = bn + B * F;
    double *mu = (double *)(bn + round8(B * F + C)), *ss = mu + C;
    if (net->train) {
        memset(mu, 0, 2 * C * sizeof(double));
        for (size_t i = 0; i < B; i++)
            if (HW == 1) /* BatchNorm1d: the same sums with the channels inner, vectorised */
                for (size_t c = 0; c < C; c++)
                    mu[c] += (double)x[i * F + c];
            else
                for (size_t c = 0; c < C; c++) {
                    const float *xc = x + i * F + c * HW;
                    double s = 0;
                    for (size_t j = 0; j < HW; j++)
                        s += xc[j];
                    mu[c] += s;
                }
        for (size_t c = 0; c < C; c++)
            mu[c] /= M;
        for (size_t i = 0; i < B; i++)
            if (HW == 1)
                for (size_t c = 0; c < C; c++) {
                    double d = x[i * F + c] - mu[c];
                    ss[c] += d * d;
                }
            else
                for (size_t c = 0; c < C; c++) {
                    const float *xc = x + i * F + c * HW;
                    double s = 0;
                    for (size_t j = 0; j < HW; j++)
                        s += (xc[j] - mu[c]) * (xc[j] - mu[c]);
                    ss[c] += s;
                }
        for (size_t c = 0; c < C; c++) {
            rm[c] = (1.0 - l->momentum) * rm[c] + l->momentum * mu[c];
            rv[c] = (1.0 - l->momentum) * rv[c] + l->momentum * ss[c] / (M - 1.0);
            inv_std[c] = (float)(1.0 / sqrt(ss[c] / M + l->eps));
        }
    } else {
        for (size_t c = 0; c < C; c++) {
            mu[c] = rm[c];
            inv_std[c] = (float)(1.0 / sqrt(rv[c] + l->eps));
        }
    }
    for (size_t i = 0; i < B; i++)
        if (HW == 1)
            for (size_t c = 0; c < C; c++) {
                size_t k = i * F + c;
                xhat[k] = (x[k] - (float)mu[c]) * inv_std[c];
                y[k] = gamma[c] * xhat[k] + beta[c];
            }
        else
            for (size_t c = 0; c < C; c++) {
                float m = (float)mu[c], is = inv_std[c], ga = gamma[c], be = beta[c];
                for (size_t j = 0; j < HW; j++) {
                    size_t k = i * F + c * HW + j;
                    xhat[k] = (x[k] - m) * is;
                    y[k] = ga * xhat[k] + be;
                }
            }
}

LG_SIMD_CLONES
static void bn_backward_f(lg_net *net, const lg_layer *l, size_t B, const float *dy, const float *bn, float *dx)
{
    size_t C, HW, F = l->out;
    bn_geom(l, &C, &HW);
    float M = (float)(B * HW);
    const float *gamma = net->theta_f + l->p_off, *xhat = bn, *inv_std = bn + B * F;
    double *sdy = (double *)(bn + round8(B * F + C)), *sdyh = sdy + C;
    memset(sdy, 0, 2 * C * sizeof(double));
    for (size_t i = 0; i < B; i++)
        if (HW == 1) /* as in the forward: channels inner */
            for (size_t c = 0; c < C; c++) {
                sdy[c] += (double)dy[i * F + c];
                sdyh[c] += (double)dy[i * F + c] * xhat[i * F + c];
            }
        else
            for (size_t c = 0; c < C; c++) {
                double s = 0, sh = 0;
                for (size_t j = 0; j < HW; j++) {
                    size_t k = i * F + c * HW + j;
                    s += dy[k];
                    sh += (double)dy[k] * xhat[k];
                }
                sdy[c] += s;
                sdyh[c] += sh;
            }
    if (net->requires_grad)
        for (size_t c = 0; c < C; c++) {
            net->grad_f[l->p_off + c] += (float)sdyh[c];
            net->grad_f[l->p_off + C + c] += (float)sdy[c];
        }
    if (!dx)
        return;
    bool train = net->train;
    for (size_t i = 0; i < B; i++)
        if (HW == 1)
            for (size_t c = 0; c < C; c++) {
                float k = gamma[c] * inv_std[c], s1 = (float)sdy[c], s2 = (float)sdyh[c];
                size_t q = i * F + c;
                dx[q] = train ? k / M * (M * dy[q] - s1 - xhat[q] * s2) : k * dy[q];
            }
        else
            for (size_t c = 0; c < C; c++) {
                float k = gamma[c] * inv_std[c], s1 = (float)sdy[c], s2 = (float)sdyh[c];
                for (size_t j = 0; j < HW; j++) {
                    size_t q = i * F + c * HW + j;
                    dx[q] = train ? k / M * (M * dy[q] - s1 - xhat[q] * s2) : k * dy[q];
                }
            }
}

/* ------------------------------------------------------------ the node --- */

/* Where each layer's values are in the node's cache (in floats, each block
 * on a 32-byte boundary): out[i] the output of layer i (an activation's is the
 * layer before's: it works in place), bn[i] BatchNorm's xhat and 1/std. */
typedef struct float_plan {
    float *in, *out[MAX_FLOAT_LAYERS], *bn[MAX_FLOAT_LAYERS], *g0, *g1, *col, *dcol;
    float *carry, *dcarry; /* a split input's carried values and their gradient */
} float_plan;

static bool is_activation(lg_layer_kind k)
{
    return k == LG_LAYER_RELU || k == LG_LAYER_LEAKY_RELU || k == LG_LAYER_TANH || k == LG_LAYER_SIGMOID;
}

/* one sample's im2col columns of layer l (0 for the other kinds) */
static size_t col_floats(const lg_layer *l)
{
    if (l->kind != LG_LAYER_CONV && l->kind != LG_LAYER_CONVT)
        return 0;
    lg_conv_geom g = lg_conv_geom_of(l);
    return round8(g.c * g.k * g.k * g.oh * g.ow);
}

static float_plan plan_of(lg_node *n)
{
    const lg_net *net = n->net;
    size_t B = n->val.size1, main = net->in_dim - net->carry, cols = 0;
    size_t total = round8(B * main) + 2 * round8(B * net->carry), widest = net->in_dim;
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        widest = l->out > widest ? l->out : widest;
        total += round8(B * l->out); /* at most: activations often work in place */
        if (l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D)
            total += bn_floats(l, B);
        cols = col_floats(l) > cols ? col_floats(l) : cols;
    }
    total += 2 * round8(B * widest) + 2 * cols;
    /* doubles hold floats: half as many, aligned as malloc aligns */
    float *f = (float *)lg_buf_reserve(&n->cache, total / 2 + 1);
    float_plan p = { .in = f };
    f += round8(B * main);
    p.carry = f;
    p.dcarry = f + round8(B * net->carry);
    f += 2 * round8(B * net->carry);
    float *prev = p.in;
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        p.out[i] = prev;
        p.bn[i] = NULL;
        /* an activation after an activation ("rt") needs its own buffer: the
         * first one's backward reads its own output */
        bool own = !is_activation(l->kind) || (i > 0 && is_activation(net->layers[i - 1].kind));
        if (own) {
            p.out[i] = f;
            f += round8(B * l->out);
        }
        if (l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D) {
            p.bn[i] = f;
            f += bn_floats(l, B);
        }
        prev = p.out[i];
    }
    p.g0 = f;
    p.g1 = f + round8(B * widest);
    p.col = p.g1 + round8(B * widest);
    p.dcol = p.col + cols;
    return p;
}

static void net_float_backward(lg_node *n);
static const lg_op_def op_net_float = { "network (float)", net_float_backward };

lg_node *lg_net_apply_float(lg_tape *t, lg_net *net, lg_node *x)
{
    LG_ASSERT(net->n_layers <= MAX_FLOAT_LAYERS, "lg_net_set_precision refuses a longer float network");
    lg_net_use_float(net);
    size_t B = x->val.size1;
    lg_node *n = lg_tape_node(t, &op_net_float, x, NULL, B, net->out_dim);
    n->net = net;
    n->needs_grad = x->needs_grad || net->requires_grad;
    float_plan p = plan_of(n);
    size_t main = net->in_dim - net->carry, C = net->carry;
    if (C == 0)
        floats_of(x->val.data, p.in, B * main);
    else
        for (size_t i = 0; i < B; i++) {
            const double *row = x->val.data + i * net->in_dim;
            floats_of(row, p.in + i * main, main);
            floats_of(row + main, p.carry + i * C, C);
        }
    const float *cur = p.in;
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        switch (l->kind) {
        case LG_LAYER_LINEAR:      linear_forward_f(net, l, B, cur, p.out[i]); break;
        case LG_LAYER_CONV:        conv_forward_f(net, l, B, cur, p.out[i], p.col); break;
        case LG_LAYER_CONVT:       convt_forward_f(net, l, B, cur, p.out[i], p.col); break;
        case LG_LAYER_BATCHNORM:
        case LG_LAYER_BATCHNORM2D: bn_forward_f(net, l, B, cur, p.out[i], p.bn[i]); break;
        case LG_LAYER_JOIN: /* each row: the layers' values, then the carried ones */
            for (size_t r = 0; r < B; r++) {
                memcpy(p.out[i] + r * l->out, cur + r * l->in, l->in * sizeof(float));
                memcpy(p.out[i] + r * l->out + l->in, p.carry + r * C, C * sizeof(float));
            }
            break;
        default:
            LG_ASSERT(is_activation(l->kind), "every layer kind has a float form in net_float.c");
            if (p.out[i] != cur)
                memcpy(p.out[i], cur, B * l->out * sizeof(float));
            act_forward_f(l->kind, (float)l->slope, p.out[i], B * l->out);
            break;
        }
        cur = p.out[i];
    }
    doubles_of(cur, n->val.data, B * net->out_dim);
    return n;
}

/* Layer by layer from the output: g holds dL/d(layer i's output), in one of
 * two buffers; each layer writes dL/d(its input) into the other. */
static void net_float_backward(lg_node *n)
{
    lg_net *net = n->net;
    lg_node *x = n->a;
    size_t B = n->val.size1;
    /* someone may have asked for the double copies since the forward (a
     * plugin reading the parameters): the float ones take them back before the
     * gradient goes in, else the double gradient would be the current one and
     * this backward's lost */
    lg_net_use_float(net);
    float_plan p = plan_of(n);
    float *g = p.g0, *other = p.g1;
    bool bias_done = false; /* the activation after a Linear layer summed its bias gradient */
    floats_of(n->grad.data, g, B * net->out_dim);
    for (size_t i = net->n_layers; i-- > 0;) {
        const lg_layer *l = &net->layers[i];
        const float *in = i ? p.out[i - 1] : p.in;
        /* the first layer's dL/dx only when x needs it */
        float *dx = (i > 0 || x->needs_grad) ? other : NULL;
        switch (l->kind) {
        case LG_LAYER_LINEAR:
            linear_backward_f(net, l, B, in, g, dx, bias_done);
            break;
        case LG_LAYER_CONV:
            conv_backward_f(net, l, B, in, g, dx, p.col, p.dcol);
            break;
        case LG_LAYER_CONVT:
            convt_backward_f(net, l, B, in, g, dx, p.dcol);
            break;
        case LG_LAYER_BATCHNORM:
        case LG_LAYER_BATCHNORM2D:
            bn_backward_f(net, l, B, g, p.bn[i], dx);
            break;
        case LG_LAYER_JOIN: /* split the gradient: the layers' part on, the carried part kept */
            for (size_t r = 0; r < B; r++) {
                if (dx) /* NULL: the join is the first layer and x needs no gradient */
                    memcpy(dx + r * l->in, g + r * l->out, l->in * sizeof(float));
                memcpy(p.dcarry + r * net->carry, g + r * l->out + l->in, net->carry * sizeof(float));
            }
            break;
        default: { /* in place: the gradient stays in g */
            const lg_layer *lin = i ? &net->layers[i - 1] : NULL;
            bool db_here = lin && lin->kind == LG_LAYER_LINEAR && !lin->no_bias && net->requires_grad;
            float *db = db_here ? net->grad_f + lin->p_off + (lin->no_weight ? 0 : lin->out * lin->in) : NULL;
            act_backward_db_f(l->kind, (float)l->slope, p.out[i], g, g, B, l->out, db);
            bias_done = db_here;
            dx = NULL;
            continue;
        }
        }
        bias_done = false;
        if (dx) {
            other = g;
            g = dx;
        }
    }
    if (x->needs_grad) {
        bool first;
        double *d = lg_node_dgrad_first(x, &first);
        size_t main = net->in_dim - net->carry, C = net->carry;
        for (size_t r = 0; r < B; r++) {
            double *dr = d + r * net->in_dim;
            LG_ACCUMULATE(first, dr, main, (double)g[r * main + i]);
            const float *dc = p.dcarry + r * C;
            LG_ACCUMULATE(first, dr + main, C, (double)dc[i]);
        }
    }
}
