/*
 * net_gemms.c - the GEMMs a network's forward and backward perform, as shapes.
 *
 * The benchmark times a training step's GEMMs alone to know the machine's limit
 * for it; for that it needs the exact calls the layers make. They live here,
 * next to no computation, so the list has to follow net.c and conv.c: every
 * shape below names the call it mirrors. A GEMM is given in row-major CBLAS
 * terms, C (m, n) = op(A) (m, k) op(B) (k, n).
 */
#include "lg_impl.h"

/* Layers that are nodes of their own on the tape (net.c's layer_node): each
 * sets needs_grad on its output when the net is trained, so the gradient
 * reaches every later layer's input. Activations pass needs_grad on unchanged. */
static bool is_param_layer(lg_layer_kind k)
{
    return k == LG_LAYER_LINEAR || k == LG_LAYER_BATCHNORM || k == LG_LAYER_CONV || k == LG_LAYER_CONVT ||
           k == LG_LAYER_BATCHNORM2D;
}

/* Append one entry if there is room; count it either way (the caller sizes
 * its list from the total, as with snprintf). A product that overwrites its
 * output (beta = 0) with an inner dimension of 1 is no GEMM call: lg_dgemm
 * and the float path write it as an outer product, so it is left out. (An
 * input gradient in double overwrites only when it is the first to reach
 * that input, as inside a net; a net's own input that something else reads
 * too gets a real GEMM for a Linear of one output, which the list misses.) */
static void put(lg_gemm *list, size_t cap, size_t *n, size_t m, size_t nn, size_t k, bool ta, bool tb,
                size_t count, bool overwrites)
{
    if (overwrites && k == 1)
        return;
    if (*n < cap)
        list[*n] = (lg_gemm){ .m = m, .n = nn, .k = k, .ta = ta, .tb = tb, .count = count };
    (*n)++;
}

size_t lg_net_gemms(const lg_net *net, size_t batch, unsigned passes, lg_gemm *list, size_t cap)
{
    size_t n = 0;
    bool fwd = passes & LG_GEMMS_FORWARD, dw = passes & LG_GEMMS_PARAMS;
    /* whether a gradient must reach the current layer's input */
    bool dx = passes & LG_GEMMS_INPUT;
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        if (l->kind == LG_LAYER_LINEAR && !l->no_weight) {
            /* x (B, in), W (out, in), dy (B, out): linear_forward_f y = x W^T
             * (through BLAS or dgemm.c's kernel: the same product),
             * linear_backward_dy dW += dy^T x and dx = dy W; once per batch */
            if (fwd)
                put(list, cap, &n, batch, l->out, l->in, false, true, 1, false);
            if (dw)
                put(list, cap, &n, l->out, l->in, batch, true, false, 1, false);
            if (dx)
                put(list, cap, &n, batch, l->in, l->out, false, false, 1, true);
        } else if (l->kind == LG_LAYER_CONV) {
            /* once per sample, K = C_in k k, N = H_out W_out: lg_conv_forward
             * y (C_out, N) = W (C_out, K) col (K, N); conv_backward
             * dW += dy (C_out, N) col^T and dcol (K, N) = W^T dy */
            size_t K = l->ish.c * l->k * l->k, N = l->osh.h * l->osh.w, C = l->osh.c;
            if (fwd)
                put(list, cap, &n, C, N, K, false, false, batch, true);
            if (dw)
                put(list, cap, &n, C, K, N, false, true, batch, false);
            if (dx)
                put(list, cap, &n, K, N, C, true, false, batch, true);
        } else if (l->kind == LG_LAYER_CONVT) {
            /* once per sample, K = C_out k k, N = H_in W_in: lg_convt_forward
             * col (K, N) = W^T (K, C_in) x (C_in, N); convt_backward
             * dW (C_in, K) += x dcol^T and dx (C_in, N) = W dcol */
            size_t K = l->osh.c * l->k * l->k, N = l->ish.h * l->ish.w, C = l->ish.c;
            if (fwd)
                put(list, cap, &n, K, N, C, true, false, batch, true);
            if (dw)
                put(list, cap, &n, C, K, N, false, true, batch, false);
            if (dx)
                put(list, cap, &n, C, N, K, false, false, batch, true);
        }
        /* the layers after this one see an input that needs a gradient when
         * a backward runs through the net and this layer is a node with
         * parameters (net.c: needs_grad = x->needs_grad || requires_grad) */
        if (dw && is_param_layer(l->kind))
            dx = true;
    }
    return n;
}
