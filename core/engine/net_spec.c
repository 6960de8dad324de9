/*
 * net_spec.c - a network from its spec string: the grammar (lg_impl.h has it)
 * parsed into layers with their shapes, parameter and statistic ranges; what a
 * spec costs before it is allocated; the network's memory, PyTorch's default
 * initialisation, the views of a layer's weight and bias, its FLOPs. The layers'
 * arithmetic is net.c's (Linear, BatchNorm1d), conv.c's and net_float.c's.
 *
 * Memory: one parameter buffer theta and one gradient buffer grad per network;
 * each layer owns a contiguous range [p_off, p_off + p_len) of both, so an
 * optimizer is a flat loop over the whole network.
 */
#include "lg_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ parse --- */

static int parse_width(const char **p, size_t *w, const char *spec)
{
    if (!isdigit((unsigned char)**p))
        return lg_seterr(LG_EINVAL, "network spec '%s': expected a width at '%s' "
                         "(write e.g. 2-128r-128r-1)", spec, *p);
    char *end;
    errno = 0;
    unsigned long v = strtoul(*p, &end, 10);
    if (v == 0 || v > 1000000 || errno) {
        /* echoed as typed: "0x10" is not "width 0", 1e30 is not ULONG_MAX */
        size_t n = strcspn(*p, "-");
        return lg_seterr(LG_EINVAL, "network spec '%s': width '%.*s' is not a whole number in 1..1000000 "
                         "(widths are decimal)", spec, (int)n, *p);
    }
    *w = v;
    *p = end;
    return LG_OK;
}

/* An optional number after a modifier letter ("l0.1", "b1e-5"): the decimal
 * digits, point and exponent there (never hex: "l0x10" is a slope of 0, then
 * an unknown modifier 'x'); *text gets them as typed. */
static double parse_opt_number(const char **p, double dflt, char text[32])
{
    const char *s = *p;
    size_t n = strspn(s, "0123456789.");
    if (n && (s[n] == 'e' || s[n] == 'E')) {
        size_t k = n + 1 + (s[n + 1] == '+' || s[n + 1] == '-');
        size_t ep = strspn(s + k, "0123456789");
        if (ep)
            n = k + ep;
    }
    snprintf(text, 32, "%.*s", (int)(n < 31 ? n : 31), s);
    if (n == 0)
        return dflt;
    *p = s + n;
    double v;
    return n < 32 && lg_parse_decimal(text, &v) ? v : NAN;
}

static void push(lg_net *net, size_t *cap, lg_layer l)
{
    if (net->n_layers == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        net->layers = lg_xrealloc(net->layers, *cap * sizeof *net->layers);
    }
    net->layers[net->n_layers++] = l;
}

#define LG_MAX_VALUES 1000000 /* per sample, between any two layers (as a width) */
#define LG_MAX_COLUMNS 1e7    /* a conv layer's im2col columns (DCGAN's largest: 1024 x 49) */

/* A whole number in [lo, hi] at *p (decimal digits only), or false. */
static bool parse_count(const char **p, size_t lo, size_t hi, size_t *v)
{
    size_t n = strspn(*p, "0123456789");
    if (n == 0 || n > 9)
        return false;
    unsigned long x = strtoul(*p, NULL, 10);
    if (x < lo || x > hi)
        return false;
    *v = x;
    *p += n;
    return true;
}

/* Does p start with a shape "CxHxW"? (Else "8x" stays a width and a bad
 * modifier, "0x10" a bad width.) */
static bool at_shape(const char *p)
{
    for (int i = 0; i < 3; i++) {
        size_t n = strspn(p, "0123456789");
        if (n == 0 || (i < 2 && p[n] != 'x'))
            return false;
        p += n + (i < 2);
    }
    return true;
}

static void shape_text(const lg_shape *s, char *buf, size_t len)
{
    snprintf(buf, len, "%zux%zux%zu", s->c, s->h, s->w);
}

static int parse_shape(const char **p, lg_shape *s, const char *spec)
{
    const char *t = *p;
    size_t n = strspn(t, "0123456789x");
    if (!parse_count(p, 1, LG_MAX_VALUES, &s->c) || *(*p)++ != 'x' ||
        !parse_count(p, 1, LG_MAX_VALUES, &s->h) || *(*p)++ != 'x' ||
        !parse_count(p, 1, LG_MAX_VALUES, &s->w) ||
        (double)s->c * (double)s->h * (double)s->w > LG_MAX_VALUES)
        return lg_seterr(LG_EINVAL, "network spec '%s': shape '%.*s' is not channels x height x width "
                         "of whole numbers with at most 1000000 values (e.g. 1x28x28)", spec, (int)n, t);
    return LG_OK;
}

/* "C64k4s2p1" or "T64k4s2p1" at *p (past the letter) into l, on the image in. */
static int parse_conv(const char **p, lg_layer *l, const lg_shape *in, size_t width, size_t no,
                      const char *spec)
{
    const char *t = *p - 1;
    bool tr = *t == 'T';
    const char *name = tr ? "ConvTranspose2d" : "Conv2d";
    size_t ch = 0;
    if (!parse_count(p, 1, LG_MAX_VALUES, &ch) || *(*p)++ != 'k' || !parse_count(p, 1, 1000, &l->k) ||
        *(*p)++ != 's' || !parse_count(p, 1, 1000, &l->stride) || *(*p)++ != 'p' ||
        !parse_count(p, 0, 1000, &l->pad))
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu '%.*s' is not a %s layer: write %c, the "
                         "output channels, then k kernel, s stride, p padding (e.g. %c64k4s2p1)",
                         spec, no, (int)strcspn(t, "-"), t, name, *t, *t);
    if (l->pad >= l->k)
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu (%s k%zu s%zu p%zu): padding %zu is not "
                         "smaller than the kernel %zu", spec, no, name, l->k, l->stride, l->pad, l->pad, l->k);
    if (in->c == 0)
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu (%s k%zu s%zu p%zu) needs an image but "
                         "gets %zu flat values: give their shape first (e.g. 784-1x28x28-%.*s)", spec, no,
                         name, l->k, l->stride, l->pad, width, (int)(*p - t), t);
    l->kind = tr ? LG_LAYER_CONVT : LG_LAYER_CONV;
    l->ish = *in;
    l->osh.c = ch;
    /* in signed arithmetic: a kernel past the padded input gives <= 0 */
    long k = (long)l->k, s = (long)l->stride, pd = (long)l->pad, h = (long)in->h, w = (long)in->w;
    long oh = tr ? (h - 1) * s - 2 * pd + k : (h + 2 * pd - k) / s + 1;
    long ow = tr ? (w - 1) * s - 2 * pd + k : (w + 2 * pd - k) / s + 1;
    if (!tr && (h + 2 * pd < k || w + 2 * pd < k))
        oh = ow = 0;
    char is[40], os[64];
    shape_text(in, is, sizeof is);
    snprintf(os, sizeof os, "%zux%ldx%ld", ch, oh, ow);
    if (oh < 1 || ow < 1)
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu (%s k%zu s%zu p%zu) on %s gives %s, an "
                         "empty image: %s", spec, no, name, l->k, l->stride, l->pad, is, os,
                         tr ? "use less padding" : "use a smaller kernel or more padding");
    if ((double)ch * (double)oh * (double)ow > LG_MAX_VALUES)
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu (%s k%zu s%zu p%zu) on %s gives %s, more "
                         "than 1000000 values a sample: use fewer channels", spec, no, name, l->k,
                         l->stride, l->pad, is, os);
    /* the columns im2col unfolds for one sample's GEMM (conv.c keeps them
     * and their gradient in the node's cache): bounded, as widths are */
    double K = (double)((tr ? ch : in->c) * l->k * l->k), N = tr ? (double)(in->h * in->w) : (double)(oh * ow);
    if (K * N > LG_MAX_COLUMNS)
        return lg_seterr(LG_EINVAL, "network spec '%s': layer %zu (%s k%zu s%zu p%zu) on %s unfolds %.0f x %.0f "
                         "values a sample for its GEMM, more than %.0f: use a smaller kernel, fewer channels or a "
                         "larger stride", spec, no, name, l->k, l->stride, l->pad, is, K, N, LG_MAX_COLUMNS);
    l->osh.h = (size_t)oh;
    l->osh.w = (size_t)ow;
    l->in = width;
    l->out = ch * l->osh.h * l->osh.w;
    return LG_OK;
}

/* The layers of spec into net, with their parameter and buffer ranges;
 * nothing sized by the widths is allocated (lg_net_spec_cost looks at a
 * network before its memory exists). Between layers the values are width
 * flat values, or an image img of that many values when img.c > 0. */
static int parse_layers(const char *spec, lg_net *net)
{
    if (!spec || !*spec)
        return lg_seterr(LG_EINVAL, "network spec is empty (write e.g. 2-128r-128r-1)");
    size_t cap = 0, width = 0;
    lg_shape img = { 0, 0, 0 };
    const char *p = spec;
    int rc;
    if (at_shape(p)) {
        rc = parse_shape(&p, &img, spec);
        width = img.c * img.h * img.w;
    } else {
        rc = parse_width(&p, &width, spec);
    }
    if (rc == LG_OK && *p == '+') { /* a split input: the values after + are carried */
        p++;
        rc = parse_width(&p, &net->carry, spec);
    }
    net->in_dim = width + net->carry;
    bool joined = false;
    size_t n_weighted = 0, no = 0;
    while (rc == LG_OK && *p) {
        if (*p != '-') {
            rc = lg_seterr(LG_EINVAL, "network spec '%s': unexpected '%c' (modifiers are "
                           "n c r l[slope] t s b[eps]; layers are joined by '-')", spec, *p);
            break;
        }
        p++;
        no++;
        lg_layer l = { .kind = LG_LAYER_LINEAR };
        bool shape_only = false;
        if (*p == '+') {
            p++;
            size_t c = 0;
            if ((rc = parse_width(&p, &c, spec)) != LG_OK)
                break;
            if (!net->carry || joined || c != net->carry) {
                rc = lg_seterr(LG_EINVAL, "network spec '%s': layer %zu joins %zu carried values, but %s", spec, no,
                               c, !net->carry ? "the input carries none (write e.g. 784+100-...-+100-1)"
                               : joined ? "they were joined already" : "the input carries another number");
                break;
            }
            l = (lg_layer){ .kind = LG_LAYER_JOIN, .in = width, .out = width + c };
            width += c;
            img = (lg_shape){ 0, 0, 0 }; /* the join flattens */
            joined = true;
            push(net, &cap, l);
        } else if (*p == 'C' || *p == 'T') {
            p++;
            if ((rc = parse_conv(&p, &l, &img, width, no, spec)) != LG_OK)
                break;
            img = l.osh;
            width = l.out;
        } else if (at_shape(p)) {
            lg_shape s;
            const char *t = p;
            if ((rc = parse_shape(&p, &s, spec)) != LG_OK)
                break;
            if (s.c * s.h * s.w != width) {
                rc = lg_seterr(LG_EINVAL, "network spec '%s': layer %zu, the shape %.*s, has %zu values but "
                               "the layer before gives %zu (channels x height x width must equal it)",
                               spec, no, (int)(p - t), t, s.c * s.h * s.w, width);
                break;
            }
            img = s;
            shape_only = true;
        } else {
            size_t w = 0;
            if (!isdigit((unsigned char)*p)) {
                rc = lg_seterr(LG_EINVAL, "network spec '%s': expected a width, a shape or a conv layer "
                               "at '%s' (write e.g. 2-128r-128r-1 or 1x28x28-C64k4s2p1l-1)", spec, p);
                break;
            }
            if ((rc = parse_width(&p, &w, spec)) != LG_OK)
                break;
            l.in = width;
            l.out = w;
            width = w;
            img = (lg_shape){ 0, 0, 0 }; /* a Linear layer flattens */
        }
        /* n or c, directly after the width, change the Linear layer itself
         * (the Dirac-GAN's players: D(x) = psi x is "1-1n", G(z) = theta "1-1c");
         * n drops a conv layer's bias */
        if (l.kind == LG_LAYER_JOIN) {
            shape_only = true; /* no n or c, and pushed already */
        } else if (!shape_only && (*p == 'n' || *p == 'c')) {
            if (*p == 'c' && l.kind != LG_LAYER_LINEAR) {
                rc = lg_seterr(LG_EINVAL, "network spec '%s': 'c' (bias only) is for Linear layers; a conv "
                               "layer takes 'n' (no bias)", spec);
                break;
            }
            l.no_bias = *p == 'n';
            l.no_weight = *p == 'c';
            p++;
            if (*p == 'n' || *p == 'c') {
                rc = lg_seterr(LG_EINVAL, "network spec '%s': 'n' (no bias) and 'c' (bias only) together "
                               "leave the layer nothing to learn: give one of them", spec);
                break;
            }
        }
        if (!shape_only) {
            push(net, &cap, l);
            n_weighted++;
        }
        while (*p && *p != '-' && rc == LG_OK) {
            lg_layer m = { .in = width, .out = width };
            char c = *p++, num[32];
            switch (c) {
            case 'r': m.kind = LG_LAYER_RELU; break;
            case 't': m.kind = LG_LAYER_TANH; break;
            case 's': m.kind = LG_LAYER_SIGMOID; break;
            case 'l':
                m.kind = LG_LAYER_LEAKY_RELU;
                m.slope = parse_opt_number(&p, 0.2, num);
                if (!(m.slope >= 0 && m.slope <= 1))
                    rc = lg_seterr(LG_EINVAL, "network spec '%s': LeakyReLU slope '%s' is not a decimal number "
                                   "in [0, 1] (e.g. l0.2)", spec, num);
                break;
            case 'b':
                /* on an image: per channel over batch and positions */
                m.kind = img.c ? LG_LAYER_BATCHNORM2D : LG_LAYER_BATCHNORM;
                m.ish = m.osh = img;
                m.eps = parse_opt_number(&p, 1e-5, num);
                m.momentum = 0.1;
                if (!(m.eps > 0 && m.eps <= 1))
                    rc = lg_seterr(LG_EINVAL, "network spec '%s': BatchNorm eps '%s' is not a decimal number in "
                                   "(0, 1] (e.g. b1e-5)", spec, num);
                break;
            case 'n':
            case 'c':
                rc = lg_seterr(LG_EINVAL, "network spec '%s': '%c' (%s) changes the Linear layer, so it must "
                               "follow its width directly (e.g. 1-1%c)", spec, c,
                               c == 'n' ? "no bias" : "bias only", c);
                break;
            default:
                rc = lg_seterr(LG_EINVAL, "network spec '%s': unknown modifier '%c' (use n no bias, c bias "
                               "only, r ReLU, l[slope] LeakyReLU, t Tanh, s Sigmoid, b[eps] BatchNorm%s)", spec,
                               c, c == 'x' ? "; a shape is channels x height x width, e.g. 1x28x28" : "");
            }
            if (rc == LG_OK)
                push(net, &cap, m);
        }
    }
    if (rc == LG_OK && n_weighted == 0)
        rc = lg_seterr(LG_EINVAL, "network spec '%s' has no layer (write e.g. 2-128r-1)", spec);
    if (rc == LG_OK && net->carry && !joined)
        rc = lg_seterr(LG_EINVAL, "network spec '%s': the %zu carried input values never join the layers: write "
                       "-+%zu where they join", spec, net->carry, net->carry);
    if (rc != LG_OK)
        return rc;
    net->out_dim = width;
    for (size_t i = 0; i < net->n_layers; i++) {
        lg_layer *l = &net->layers[i];
        l->p_off = net->n_params;
        if (l->kind == LG_LAYER_LINEAR)
            l->p_len = (l->no_weight ? 0 : l->out * l->in) + (l->no_bias ? 0 : l->out);
        else if (l->kind == LG_LAYER_CONV || l->kind == LG_LAYER_CONVT)
            l->p_len = l->ish.c * l->osh.c * l->k * l->k + (l->no_bias ? 0 : l->osh.c);
        else if (l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D) {
            size_t C = l->kind == LG_LAYER_BATCHNORM ? l->out : l->ish.c;
            l->p_len = 2 * C;
            l->b_off = net->n_buffers;
            net->n_buffers += 2 * C;
        }
        net->n_params += l->p_len;
    }
    return LG_OK;
}

int lg_net_spec_cost(const char *spec, double *n_params, double *units)
{
    lg_net net = { 0 };
    int rc = parse_layers(spec, &net);
    *n_params = (double)net.n_params + (double)net.n_buffers;
    *units = (double)net.in_dim;
    for (size_t i = 0; i < net.n_layers; i++)
        *units += (double)net.layers[i].out;
    free(net.layers);
    return rc;
}

int lg_net_parse(const char *spec, lg_net **out)
{
    *out = NULL;
    lg_net *net = lg_xcalloc(1, sizeof *net);
    net->spec = lg_xstrdup(spec ? spec : "");
    net->train = true;
    int rc = parse_layers(spec, net);
    if (rc != LG_OK) {
        lg_net_free(net);
        return rc;
    }
    net->theta = lg_xcalloc_big(net->n_params, sizeof(double));
    net->grad = lg_xcalloc_big(net->n_params, sizeof(double));
    net->buffers = lg_xcalloc(net->n_buffers ? net->n_buffers : 1, sizeof(double));
    *out = net;
    return LG_OK;
}

void lg_net_free(lg_net *net)
{
    if (!net)
        return;
    free(net->spec);
    free(net->layers);
    free(net->theta);
    free(net->grad);
    free(net->buffers);
    free(net->theta_f);
    free(net->grad_f);
    free(net);
}

gsl_matrix_view lg_layer_weight(const lg_net *net, const lg_layer *l)
{
    /* LINEAR: W (out, in) as in PyTorch. CONV: (C_out, C_in k k), CONVT:
     * (C_in, C_out k k), PyTorch's tensors with the kernel dimensions
     * flattened. BATCHNORM: gamma as a (1, n) row; BATCHNORM2D (1, C). */
    size_t kk = l->k * l->k;
    switch (l->kind) {
    case LG_LAYER_LINEAR:
        return gsl_matrix_view_array(net->theta + l->p_off, l->out, l->in);
    case LG_LAYER_CONV:
        return gsl_matrix_view_array(net->theta + l->p_off, l->osh.c, l->ish.c * kk);
    case LG_LAYER_CONVT:
        return gsl_matrix_view_array(net->theta + l->p_off, l->ish.c, l->osh.c * kk);
    case LG_LAYER_BATCHNORM2D:
        return gsl_matrix_view_array(net->theta + l->p_off, 1, l->ish.c);
    default:
        return gsl_matrix_view_array(net->theta + l->p_off, 1, l->out);
    }
}

double *lg_layer_bias(const lg_net *net, const lg_layer *l)
{
    gsl_matrix_view W = lg_layer_weight(net, l);
    size_t w = l->kind == LG_LAYER_LINEAR && l->no_weight ? 0 : W.matrix.size1 * W.matrix.size2;
    return net->theta + l->p_off + w;
}

void lg_net_init(lg_net *net, gsl_rng *rng)
{
    lg_net_use_double(net);
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        double *p = net->theta + l->p_off;
        if (l->kind == LG_LAYER_LINEAR || l->kind == LG_LAYER_CONV || l->kind == LG_LAYER_CONVT) {
            /* torch.nn.Linear.reset_parameters: kaiming_uniform(a = sqrt 5) on W
             * gives bound 1/sqrt(fan_in); the bias uses the same bound. The
             * conv layers do the same with fan_in = W.size(1) k k: C_in k k for
             * Conv2d (C_out, C_in, k, k), but C_out k k for ConvTranspose2d,
             * whose W is (C_in, C_out, k, k). */
            double fan_in = l->kind == LG_LAYER_LINEAR ? (double)l->in
                            : (double)((l->kind == LG_LAYER_CONV ? l->ish.c : l->osh.c) * l->k * l->k);
            double bound = 1.0 / sqrt(fan_in);
            for (size_t k = 0; k < l->p_len; k++)
                p[k] = bound * (2.0 * gsl_rng_uniform(rng) - 1.0);
        } else if (l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D) {
            size_t C = l->p_len / 2;
            for (size_t k = 0; k < C; k++) {
                p[k] = 1.0;                     /* gamma */
                p[C + k] = 0.0;                 /* beta */
                net->buffers[l->b_off + k] = 0.0;       /* running mean */
                net->buffers[l->b_off + C + k] = 1.0;   /* running var */
            }
        }
    }
}

void lg_net_zero_grad(lg_net *net)
{
    if (net->grad_zero) {
#ifdef LG_PARANOID
        bool f = net->prec == LG_PREC_FLOAT && net->f_current;
        for (size_t i = 0; i < net->n_params; i++)
            LG_ASSERT(f ? net->grad_f[i] == 0 : net->grad[i] == 0,
                      "a gradient was written while marked spent (grad_zero): its writer must clear the mark");
#endif
        return;
    }
    if (net->prec == LG_PREC_FLOAT && net->f_current)
        memset(net->grad_f, 0, net->n_params * sizeof(float));
    else
        memset(net->grad, 0, net->n_params * sizeof(double));
}

double lg_net_flops_per_sample(const lg_net *net)
{
    double f = 0;
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        if (l->kind == LG_LAYER_LINEAR && !l->no_weight)
            f += 2.0 * (double)l->in * (double)l->out;
        /* the GEMMs of conv.c: Conv2d C_out x C_in k k x Ho Wo, ConvTranspose2d
         * C_out k k x C_in x H Wi: both C_in C_out k k times the smaller grid */
        else if (l->kind == LG_LAYER_CONV)
            f += 2.0 * (double)(l->ish.c * l->k * l->k) * (double)l->out;
        else if (l->kind == LG_LAYER_CONVT)
            f += 2.0 * (double)(l->osh.c * l->k * l->k) * (double)l->in;
    }
    return f;
}
