/*
 * net.c - a network on the tape: lg_net_apply records its layers, Linear and
 * BatchNorm1d here as forward/backward pairs (a Linear layer and the
 * activation after it as one node), the image layers through conv.c, a whole
 * float network through net_float.c. An image is a row of C*H*W values (NCHW),
 * so reshaping between widths and images is free. The spec, the memory and the
 * initialisation of a network: net_spec.c.
 */
#include "lg_impl.h"
#include "act_loops.h"
#include "vmath.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>

/* ---------------------------------------------------------------- forward --- */

/* y: (B, out) = x: (B, in) W^T: (in, out) + b: (1, out), then f, the
 * activation fused into the node (NULL: none). dgemm.c's kernel does it in one
 * pass when it takes the shape, f included when f is ReLU or LeakyReLU; else
 * the bias rows go in first and the GEMM adds onto them (beta = 1), as
 * torch.addmm does. The bits are the same either way. Returns whether f is
 * done. */
static bool linear_forward_f(lg_node *n, const lg_layer *f)
{
    const lg_layer *l = n->layer;
    const double *b = lg_layer_bias(n->net, l);
    if (!l->no_weight) {
        gsl_matrix_view W = lg_layer_weight(n->net, l);
        lg_layer_kind act = f ? f->kind : LG_LAYER_LINEAR;
        if (lg_dgemm_bias_act(&n->a->val, &W.matrix, l->no_bias ? NULL : b, act, f ? f->slope : 0.0, &n->val))
            return act == LG_LAYER_RELU || act == LG_LAYER_LEAKY_RELU;
    }
    size_t B = n->val.size1, O = l->out;
    for (size_t i = 0; i < B; i++) {
        if (l->no_bias)
            memset(n->val.data + i * O, 0, O * sizeof(double));
        else
            memcpy(n->val.data + i * O, b, O * sizeof(double));
    }
    if (l->no_weight) /* "c": the bias alone, whatever the input */
        return false;
    gsl_matrix_view W = lg_layer_weight(n->net, l);
    lg_dgemm(CblasNoTrans, CblasTrans, 1.0, &n->a->val, &W.matrix, 1.0, &n->val);
    return false;
}

static void linear_forward(lg_node *n) { linear_forward_f(n, NULL); }

/* ------------------------------------------------- Linear + activation ---
 * A Linear layer followed in the spec by ReLU, LeakyReLU, Tanh or Sigmoid is
 * one node: the activation is applied in place on the GEMM's output, and its
 * backward turns the arriving gradient into the Linear's (dz = dy * f'(z))
 * before the Linear's backward. One buffer and one pass fewer each way than
 * two nodes, and the same arithmetic: f'(z) needs only y (relu, leaky: y > 0
 * exactly when z > 0, the slope being >= 0; tanh 1 - y^2; sigmoid y (1 - y)),
 * as the separate ops compute it (act_loops.h), so a run gives the same bits
 * either way. The activation is the layer after n->layer in the net's array. */
static const lg_layer *act_of(const lg_node *n) { return n->layer + 1; }

LG_ACT_LOOPS(double, , tanh_d, sigmoid_d)

static void linear_act_forward(lg_node *n)
{
    const lg_layer *a = act_of(n);
    if (!linear_forward_f(n, a))
        act_forward(a->kind, a->slope, n->val.data, n->val.size1 * n->val.size2);
}

/* BatchNorm1d (Ioffe & Szegedy 2015; PyTorch semantics):
 *   train: mu, var = batch mean and biased variance;
 *          running = (1 - momentum) running + momentum * (mu, unbiased var)
 *   eval:  mu, var = running statistics
 *   y = gamma (x - mu) / sqrt(var + eps) + beta
 * cache: xhat (B, n), then inv_std (n). */
LG_SIMD_CLONES
static void batchnorm_forward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    size_t B = n->val.size1, C = l->out;
    const double *x = n->a->val.data, *gamma = net->theta + l->p_off, *beta = gamma + C;
    double *rm = net->buffers + l->b_off, *rv = rm + C;
    /* cache: xhat (B, C), inv_std (C), then work rows mu (C) and ss (C), and
     * one more for the backward */
    double *xhat = lg_buf_reserve(&n->cache, B * C + 4 * C), *inv_std = xhat + B * C;
    double *mu = inv_std + C, *ss = mu + C;
    double *y = n->val.data;
    /* rows outer, columns inner (memory order); each column still sums in row order */
    if (net->train) {
        memset(mu, 0, 2 * C * sizeof(double));
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < C; j++)
                mu[j] += x[i * C + j];
        for (size_t j = 0; j < C; j++)
            mu[j] /= (double)B;
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < C; j++) {
                double d = x[i * C + j] - mu[j];
                ss[j] += d * d;
            }
        for (size_t j = 0; j < C; j++) {
            double var = ss[j] / (double)B, unbiased = B > 1 ? ss[j] / (double)(B - 1) : var;
            rm[j] = (1.0 - l->momentum) * rm[j] + l->momentum * mu[j];
            rv[j] = (1.0 - l->momentum) * rv[j] + l->momentum * unbiased;
            inv_std[j] = 1.0 / sqrt(var + l->eps);
        }
    } else {
        for (size_t j = 0; j < C; j++) {
            mu[j] = rm[j];
            inv_std[j] = 1.0 / sqrt(rv[j] + l->eps);
        }
    }
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < C; j++) {
            double h = (x[i * C + j] - mu[j]) * inv_std[j];
            xhat[i * C + j] = h;
            y[i * C + j] = gamma[j] * h + beta[j];
        }
}

/* BatchNorm1d + activation: one node, as Linear + activation above (the
 * activation in place on the normalised values, and in the backward dz = dy *
 * f'(z) before BatchNorm's backward; the same bits as two nodes). Only inside
 * the net: its backward turns the node's own gradient into dz in place, and
 * the net's output node keeps its gradient for lg_grad. */
static void batchnorm_act_forward(lg_node *n)
{
    batchnorm_forward(n);
    const lg_layer *a = act_of(n);
    act_forward(a->kind, a->slope, n->val.data, n->val.size1 * n->val.size2);
}

/* Each layer op is its forward (above) and its backward (below). */
static void linear_backward(lg_node *n);
static void linear_act_backward(lg_node *n);
static void batchnorm_backward(lg_node *n);
static void batchnorm_act_backward(lg_node *n);
static const lg_op_def op_linear = { "linear", linear_backward };
static const lg_op_def op_linear_act = { "linear+activation", linear_act_backward };
static const lg_op_def op_batchnorm = { "batchnorm", batchnorm_backward };
static const lg_op_def op_batchnorm_act = { "batchnorm+activation", batchnorm_act_backward };

static lg_node *layer_node(lg_tape *t, const lg_op_def *op, lg_net *net, const lg_layer *l,
                           lg_node *x)
{
    lg_node *n = lg_tape_node(t, op, x, NULL, x->val.size1, l->out);
    n->net = net;
    n->layer = l;
    n->needs_grad = x->needs_grad || net->requires_grad;
    return n;
}

/* Batch statistics need two values or more per feature (per channel on
 * images): else one line on the tape, false. */
static bool batchnorm_batch_ok(lg_tape *t, const lg_net *net, size_t B)
{
    for (size_t i = 0; net->train && i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        if (l->kind == LG_LAYER_BATCHNORM && B < 2) {
            lg_tape_fail(t, "network %s: BatchNorm in training mode needs a batch of 2 or more", net->spec);
            return false;
        }
        if (l->kind == LG_LAYER_BATCHNORM2D && B * l->ish.h * l->ish.w < 2) {
            lg_tape_fail(t, "network %s: BatchNorm2d in training mode needs 2 or more values per channel "
                         "(batch x height x width)", net->spec);
            return false;
        }
    }
    return true;
}

static bool fusable(lg_layer_kind k)
{
    return k == LG_LAYER_RELU || k == LG_LAYER_LEAKY_RELU || k == LG_LAYER_TANH || k == LG_LAYER_SIGMOID;
}

lg_node *lg_net_apply(lg_tape *t, lg_net *net, lg_node *x)
{
    if (!x) {
        lg_tape_fail(t, "network %s: input is NULL (an earlier op failed)", net->spec);
        return NULL;
    }
    if (x->val.size2 != net->in_dim) {
        lg_tape_fail(t, "network %s: input has %zu columns, the network takes %zu",
                     net->spec, x->val.size2, net->in_dim);
        return NULL;
    }
    if (!batchnorm_batch_ok(t, net, x->val.size1))
        return NULL;
    if (net->requires_grad)
        net->grad_zero = false; /* the backward of this tape writes the gradient */
    if (net->prec == LG_PREC_FLOAT)
        return lg_net_apply_float(t, net, x);
    lg_node *carried = NULL; /* a split input: the values that skip to the JOIN */
    if (net->carry) {
        carried = lg_cols(t, x, net->in_dim - net->carry, net->carry);
        x = lg_cols(t, x, 0, net->in_dim - net->carry);
    }
    for (size_t i = 0; i < net->n_layers && x; i++) {
        const lg_layer *l = &net->layers[i];
        switch (l->kind) {
        case LG_LAYER_LINEAR:
            if (i + 1 < net->n_layers && fusable(l[1].kind)) {
                x = layer_node(t, &op_linear_act, net, l, x);
                linear_act_forward(x);
                i++; /* the activation is done */
            } else {
                x = layer_node(t, &op_linear, net, l, x);
                linear_forward(x);
            }
            break;
        case LG_LAYER_BATCHNORM:
            if (i + 2 < net->n_layers && fusable(l[1].kind)) {
                x = layer_node(t, &op_batchnorm_act, net, l, x);
                batchnorm_act_forward(x);
                i++;
            } else {
                x = layer_node(t, &op_batchnorm, net, l, x);
                batchnorm_forward(x);
            }
            break;
        case LG_LAYER_CONV:
            x = layer_node(t, &lg_op_conv, net, l, x);
            lg_conv_forward(x);
            break;
        case LG_LAYER_CONVT:
            x = layer_node(t, &lg_op_convt, net, l, x);
            lg_convt_forward(x);
            break;
        case LG_LAYER_BATCHNORM2D:
            x = layer_node(t, &lg_op_bn2d, net, l, x);
            lg_bn2d_forward(x);
            break;
        case LG_LAYER_RELU:       x = lg_relu(t, x); break;
        case LG_LAYER_LEAKY_RELU: x = lg_leaky_relu(t, x, l->slope); break;
        case LG_LAYER_TANH:       x = lg_tanh(t, x); break;
        case LG_LAYER_SIGMOID:    x = lg_sigmoid(t, x); break;
        case LG_LAYER_JOIN:       x = lg_concat(t, x, carried); break;
        }
    }
    return x;
}

/* --------------------------------------------------------------- backward --- */

/* dW: (out, in) += dy^T: (out, B) x: (B, in);  db += sum_rows dy;
 * dx: (B, in) += dy: (B, out) W: (out, in) */
static void linear_backward_dy(lg_node *n, const gsl_matrix *dy, bool bias_done)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    lg_node *x = n->a;
    if (net->requires_grad) {
        if (!l->no_weight) {
            gsl_matrix_view dW = gsl_matrix_view_array(net->grad + l->p_off, l->out, l->in);
            lg_dgemm(CblasTrans, CblasNoTrans, 1.0, dy, &x->val, 1.0, &dW.matrix);
        }
        if (!l->no_bias && !bias_done) {
            double *db = net->grad + (lg_layer_bias(net, l) - net->theta);
            size_t B = dy->size1, O = l->out;
            for (size_t i = 0; i < B; i++)
                for (size_t j = 0; j < O; j++)
                    db[j] += dy->data[i * O + j];
        }
    }
    if (x->needs_grad && l->no_weight) {
        lg_node_dgrad(x); /* the output does not depend on x: a zero gradient */
    } else if (x->needs_grad) {
        bool first;
        lg_node_dgrad_first(x, &first);
        gsl_matrix_view W = lg_layer_weight(net, l);
        lg_dgemm(CblasNoTrans, CblasNoTrans, 1.0, dy, &W.matrix, first ? 0.0 : 1.0, &x->grad);
    }
}

static void linear_backward(lg_node *n) { linear_backward_dy(n, &n->grad, false); }

/* dz goes over dy in place when the node is inside the net: no one else holds
 * it, so its gradient is read by this backward alone. The net's output node
 * keeps dy (lg_grad may read it) and puts dz in its cache. */
static void linear_act_backward(lg_node *n)
{
    size_t B = n->val.size1, O = n->val.size2;
    lg_net *net = n->net;
    const lg_layer *a = act_of(n);
    bool output = a == net->layers + net->n_layers - 1;
    double *dz = output ? lg_buf_reserve(&n->cache, B * O) : n->grad.data;
    /* the bias gradient summed as each row of dz is made */
    double *db = net->requires_grad && !n->layer->no_bias ? net->grad + (lg_layer_bias(net, n->layer) - net->theta)
                                                          : NULL;
    act_backward_db(a->kind, a->slope, n->val.data, n->grad.data, dz, B, O, db);
    gsl_matrix_view dzm = gsl_matrix_view_array(dz, B, O);
    linear_backward_dy(n, &dzm.matrix, db != NULL);
}

/* Train mode, with h = xhat, g = dy * gamma, per column over the batch of B:
 *   dx = inv_std / B * (B g - sum(g) - h sum(g h))
 * Eval mode: dx = g * inv_std.  dgamma += sum(dy h), dbeta += sum(dy). */
LG_SIMD_CLONES
static void batchnorm_backward(lg_node *n)
{
    const lg_layer *l = n->layer;
    lg_net *net = n->net;
    size_t B = n->val.size1, C = l->out;
    const double *dy = n->grad.data, *gamma = net->theta + l->p_off;
    const double *xhat = n->cache.data, *inv_std = xhat + B * C;
    double *sdy = n->cache.data + B * C + C, *sdyh = sdy + C, *kg = sdyh + C; /* the forward's work rows */
    memset(sdy, 0, 2 * C * sizeof(double));
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < C; j++) {
            sdy[j] += dy[i * C + j];
            sdyh[j] += dy[i * C + j] * xhat[i * C + j];
        }
    if (net->requires_grad)
        for (size_t j = 0; j < C; j++) {
            net->grad[l->p_off + j] += sdyh[j];
            net->grad[l->p_off + C + j] += sdy[j];
        }
    if (!n->a->needs_grad)
        return;
    /* dx starts from 0.0 when this is its first gradient (0.0 + v, as a
     * zeroed buffer would give, without the pass that zeroes it) */
    bool first;
    double *dx = lg_node_dgrad_first(n->a, &first);
    if (net->train) {
        for (size_t j = 0; j < C; j++)
            kg[j] = inv_std[j] / (double)B * gamma[j];
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < C; j++) {
                size_t k = i * C + j;
                dx[k] = (first ? 0.0 : dx[k]) + kg[j] * ((double)B * dy[k] - sdy[j] - xhat[k] * sdyh[j]);
            }
    } else {
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < C; j++) {
                size_t k = i * C + j;
                dx[k] = (first ? 0.0 : dx[k]) + gamma[j] * dy[k] * inv_std[j];
            }
    }
}

static void batchnorm_act_backward(lg_node *n)
{
    const lg_layer *a = act_of(n);
    act_backward(a->kind, a->slope, n->val.data, n->grad.data, n->grad.data, n->val.size1 * n->val.size2);
    batchnorm_backward(n);
}
