/*
 * lg_impl.h - internal interface of liblitgan (not for plugins).
 * Public API: core/include/litgan.h.
 */
#ifndef LG_IMPL_H
#define LG_IMPL_H

#include "litgan/engine.h"
#include "litgan/sys.h"
#include <gsl/gsl_blas.h>
#include <stdio.h>
#include <stdbool.h>

/* ------------------------------------------------------------ vector loops ---
 * The loops that run over whole parameter buffers or layer outputs every step
 * (optimizers, gradient norms, activations) are compiled twice, for AVX2 and
 * for baseline x86-64 (SSE2), and the dynamic loader picks one by the CPU
 * (GCC's target_clones, an ifunc): the build needs no -march and runs on any
 * x86-64. Only the vector width differs, never the arithmetic (AVX2 does not
 * bring FMA contraction), so either clone gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define LG_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LG_SIMD_CLONES
#endif

/* ----------------------------------------------------------------- errors ---
 * Run-time errors: functions return LG_OK (0) or an LG_E* status and leave a
 * one-line message in lg_errmsg(). Programmer errors: LG_ASSERT stops with
 * file, line and a hint. */
/* lg_status, lg_seterr and lg_errmsg: litgan/engine.h; LG_ASSERT, allocation,
 * files, folders, processes: litgan/sys.h; LG_NAME_MAX: lg_base.h */
#include "lg_base.h"

/* ------------------------------------------------------------------- tape --- */

struct lg_net;
struct lg_layer;

/* A growable buffer that keeps its memory across tape resets. */
typedef struct lg_buf {
    double *data;
    size_t cap;
} lg_buf;
double *lg_buf_reserve(lg_buf *b, size_t n);

/* What a node is: its name (for messages) and its backward, which reads the
 * node's grad and accumulates into its inputs' gradients (lg_node_dgrad) or into
 * a network's gradient buffer. NULL backward: no gradient flows through (leaves,
 * stop). Each op defines its forward next to its backward: the elementwise ops
 * in the table of ops.c, the others there too, layers in net.c, lg_input_grad
 * in game.c. The tape knows no op but its leaves and stops. */
typedef struct lg_op_def {
    const char *name;
    void (*backward)(lg_node *n);
} lg_op_def;

struct lg_node {
    const lg_op_def *op;
    lg_node *a, *b;        /* inputs (b may be NULL) */
    double s;              /* scalar argument: scale, shift, slope */
    gsl_matrix val;        /* view onto vbuf */
    gsl_matrix grad;       /* view onto gbuf, same shape */
    bool needs_grad;       /* a gradient must flow into this node */
    bool has_grad;         /* grad written during the current backward */
    struct lg_net *net;    /* layers, input grad: the network */
    const struct lg_layer *layer;
    /* Memory of the node's slot on the tape, kept across resets (so a step that
     * records the same ops allocates nothing) and freed with the tape: values,
     * gradients, the op's scratch (cache), and a private tape an op may record
     * on (inner: lg_input_grad). */
    lg_buf vbuf, gbuf, cache;
    lg_tape *inner;
};

/* How lg_stop_gradient treats values, for finite differences that must honour
 * stopped gradients: RECORD keeps each stop's value, REPLAY outputs the kept
 * value (so a perturbation cannot pass through a stop). */
typedef enum lg_stop_mode { LG_STOP_PASS, LG_STOP_RECORD, LG_STOP_REPLAY } lg_stop_mode;

struct lg_tape {
    lg_node **nodes;       /* each node allocated once, reused after reset */
    size_t n, cap;
    char err[256];
    lg_stop_mode stop_mode;
    lg_buf *stops;         /* values kept by RECORD, by call order */
    size_t n_stops, cap_stops, stop_next;
};

/* gsl_blas_dgemm with its status checked (callers validate shapes first). */
void lg_dgemm(CBLAS_TRANSPOSE_t ta, CBLAS_TRANSPOSE_t tb, double alpha, const gsl_matrix *a,
              const gsl_matrix *b, double beta, gsl_matrix *c);
lg_tape *lg_tape_alloc(void);
void lg_tape_free(lg_tape *t);
/* Forget every node but keep their memory: recording the same ops with the same
 * shapes again allocates nothing. */
void lg_tape_reset(lg_tape *t);
/* lg_net_forward on tape t, reset first and kept by the caller: the same
 * shapes again allocate nothing (a run's log rows). */
void lg_net_forward_on(lg_tape *t, lg_net *net, const gsl_matrix *x, gsl_matrix *y);
/* Backpropagate from the scalar root: fills grads of every node on a path from a
 * node that needs a gradient, and accumulates (+=) into each network's gradient
 * buffer whose requires_grad is set. Returns LG_OK or LG_EINVAL. */
int lg_tape_backward(lg_tape *t, lg_node *root);
/* Record a node of the given op and shape, its value uninitialised (the op's
 * forward writes it). needs_grad is set when an input needs a gradient. */
lg_node *lg_tape_node(lg_tape *t, const lg_op_def *op, lg_node *a, lg_node *b,
                      size_t rows, size_t cols);
/* The gradient buffer of n for accumulation (+=), zeroed on first touch in the
 * current backward. */
double *lg_node_dgrad(lg_node *n);
/* The same without zeroing: *first tells the caller to assign, not add. */
double *lg_node_dgrad_first(lg_node *n, bool *first);
/* Assign on the first gradient into a node (no zeroing pass), add after. */
#define LG_ACCUMULATE(first, d, N, expr)                                             \
    do {                                                                             \
        if (first)                                                                   \
            for (size_t i = 0; i < (N); i++)                                         \
                (d)[i] = (expr);                                                     \
        else                                                                         \
            for (size_t i = 0; i < (N); i++)                                         \
                (d)[i] += (expr);                                                    \
    } while (0)
void lg_tape_fail(lg_tape *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Columns [from, from + n) of a, as a node (net.c's split input). */
lg_node *lg_cols(lg_tape *t, lg_node *a, size_t from, size_t n);
/* 1 / (1 + e^-x) by libm, without overflow for either sign: softplus's
 * derivative in lg_softplus's backward (lg_sigmoid's value and the fused Linear +
 * Sigmoid use vmath.h's sigmoid_d, which vectorises). */
double lg_sigmoid_value(double x);

/* ---------------------------------------------------------------- network --- */

typedef enum lg_layer_kind {
    LG_LAYER_LINEAR, LG_LAYER_BATCHNORM, LG_LAYER_RELU, LG_LAYER_LEAKY_RELU,
    LG_LAYER_TANH, LG_LAYER_SIGMOID,
    LG_LAYER_CONV, LG_LAYER_CONVT, LG_LAYER_BATCHNORM2D,   /* conv.c */
    LG_LAYER_JOIN          /* the carried input values appended (a joint critic) */
} lg_layer_kind;

/* An image shape. Images are NCHW: a sample is one row of C*H*W values in
 * row-major order C, H, W, so a flat width and an image of as many values
 * are the same row (reshaping moves nothing). */
typedef struct lg_shape {
    size_t c, h, w;
} lg_shape;

typedef struct lg_layer {
    lg_layer_kind kind;
    size_t in, out;        /* widths, C*H*W for images (in == out but for LINEAR, CONV, CONVT) */
    size_t p_off, p_len;   /* parameter range in the net's theta */
    size_t b_off;          /* BATCHNORM(2D): running mean at buffers[b_off], var after */
    double eps, momentum;  /* BATCHNORM(2D) (PyTorch: eps 1e-5, momentum 0.1) */
    /* CONV, CONVT, BATCHNORM2D: the input and output images (c = 0 for the
     * other kinds); CONV, CONVT: kernel size, stride, zero padding. CONV's
     * parameters are W (C_out, C_in, k, k) then b (C_out); CONVT's W (C_in,
     * C_out, k, k) then b (C_out) (PyTorch's layouts); BATCHNORM2D's gamma,
     * beta (C), its statistics mean, var (C). */
    lg_shape ish, osh;
    size_t k, stride, pad;
    double slope;          /* LEAKY_RELU */
    /* LINEAR: "n" y = x W^T, no bias; "c" y = b, no weight (the input only
     * gives the batch its rows). Their parameters: W alone, or b alone.
     * CONV, CONVT: "n" no bias. */
    bool no_bias, no_weight;
} lg_layer;

/* A Linear layer's forward in one pass (dgemm.c): c (m, n) = f(bias + a (m, k)
 * w^T), w (n, k), bias (n) or NULL for zero, f LG_LAYER_RELU, _LEAKY_RELU (with
 * slope) or any other kind for none. The bits are those of the BLAS path: the
 * bias rows in c, gsl_blas_dgemm onto them (beta = 1), the activation's loop.
 * false: not done (a shape, the CPU, more than one BLAS thread, or the check
 * against BLAS at the first call said no), and the caller takes the BLAS
 * path. lg_dgemm_own_in_use: that check's answer. */
bool lg_dgemm_bias_act(const gsl_matrix *a, const gsl_matrix *w, const double *bias, lg_layer_kind act,
                       double slope, gsl_matrix *c);
bool lg_dgemm_own_in_use(void);

/* The arithmetic of a network's forward, backward and optimizer step: double
 * (the default, and every check) or float (net_float.c). */
typedef enum lg_precision { LG_PREC_DOUBLE, LG_PREC_FLOAT } lg_precision;

typedef struct lg_net {
    char *spec;
    lg_layer *layers;
    size_t n_layers;
    size_t in_dim, out_dim;
    size_t n_params;       /* theta and grad: one buffer each, per-layer views */
    double *theta, *grad;
    /* A split input ("784+100-..."): the last `carry` of the in_dim values skip
     * the layers before the JOIN layer ("+100"), which appends them. 0: none. */
    size_t carry;
    size_t n_buffers;      /* BatchNorm running statistics */
    double *buffers;
    bool train;            /* BatchNorm uses batch statistics when true */
    bool requires_grad;    /* backward accumulates into grad when true */
    lg_precision prec;     /* LG_PREC_FLOAT: the step computes with theta_f, grad_f */
    float *theta_f, *grad_f;
    bool f_current;        /* theta_f, grad_f newer than theta, grad (net_float.c) */
    /* The gradient (grad_f when f_current) is all zero: the optimizer spent it
     * (step.c), and lg_net_zero_grad has nothing to do. Whatever may write the
     * gradient clears it first: lg_net_apply and lg_input_grad of a net that
     * requires grad (their backward writes), lg_net_grads (its caller may),
     * the game's restore of saved gradients. A build with -DLG_PARANOID
     * (make sanitize) checks it at every lg_net_zero_grad. */
    bool grad_zero;
} lg_net;

/* Spec grammar, e.g. "2-128r-128r-2" or "100-128l-256b0.8l-784t", or with
 * images "1x28x28-C64k4s2p1l-C128k4s2p1bl-1":
 *   spec  := first ('-' layer)+
 *   first := ( width | shape ) [ '+' carry ]
 *   layer := ... | '+' carry mods              the carried values joined
 *   layer := width [ 'n' | 'c' ] mods          Linear into width
 *          | 'C' chans 'k' k 's' s 'p' p ['n'] mods   Conv2d into chans channels
 *          | 'T' chans 'k' k 's' s 'p' p ['n'] mods   ConvTranspose2d into chans
 *          | shape mods                         the values so far read as an image
 *   shape := chans 'x' height 'x' width        (C*H*W must equal the width before)
 *   mods  := ( 'r' | 'l' [slope] | 't' | 's' | 'b' [eps] )*
 * Each width after the first is a Linear layer into that width (after an image:
 * over its C*H*W values, a flatten that moves nothing), followed by the
 * modifiers in order: r ReLU, l LeakyReLU (slope 0.2 unless given), t Tanh,
 * s Sigmoid, b BatchNorm (eps 1e-5 unless given, momentum 0.1): BatchNorm1d
 * on flat values, BatchNorm2d (per channel) on an image. n or c, directly
 * after the width, change the Linear layer: n no bias (y = x W^T), c bias
 * only (y = b for every input); n after a conv layer: no bias. A conv layer
 * needs an image before it (a shape first); its output is H' = (H + 2p - k)/s
 * + 1 (rounded down) for C, H' = (H - 1) s - 2p + k for T, likewise W'.
 * Bounds: every width and image at most 1000000 values, k and s in 1..1000,
 * p < k, and a conv layer's im2col columns ((C_in or C_out) k k by the
 * positions of the smaller grid) at most 1e7 values.
 * A split input, "784+100-1x28x28-C64k4s2p1l-C128k4s2p1bl-+100-1024l-1" (a
 * joint critic of BiGAN on (x, z)): the net takes 784 + 100 values; the first
 * 784 go through the layers, the last 100 are carried past them and appended
 * where "+100" stands (a layer that flattens), and the layers after see both. */
int lg_net_parse(const char *spec, lg_net **out);
/* What spec would hold, without allocating it: parameters and BatchNorm
 * statistics, and the values one sample passes through (every layer's
 * output, the input included). LG_EINVAL as lg_net_parse for a bad spec. */
int lg_net_spec_cost(const char *spec, double *n_params, double *units);
void lg_net_free(lg_net *net);
/* PyTorch's default initialisation: Linear W, b ~ U(-1/sqrt(in), 1/sqrt(in));
 * Conv2d and ConvTranspose2d W, b ~ U(-1/sqrt(f), 1/sqrt(f)) with f = W's
 * size(1) k k as torch computes it: C_in k k for Conv2d, C_out k k for
 * ConvTranspose2d; BatchNorm gamma = 1, beta = 0, running mean 0, var 1. */
void lg_net_init(lg_net *net, gsl_rng *rng);
void lg_net_zero_grad(lg_net *net);
lg_node *lg_net_apply(lg_tape *t, lg_net *net, lg_node *x);
/* The float path (net_float.c). lg_net_set_precision refuses a net of more
 * than 64 layers (LG_EINVAL, one line). A float net keeps two
 * copies of its parameters and gradient: lg_net_use_float makes theta_f and
 * grad_f current (the step calls it), lg_net_use_double makes theta and grad
 * current (everything that reads or writes them from outside the step calls
 * it first: accessors, hooks, checkpoints, init). No-ops for a double net. */
int lg_net_set_precision(lg_net *net, lg_precision prec);
void lg_net_use_float(lg_net *net);
void lg_net_use_double(lg_net *net);
/* The whole float net as one node: input and output in double. */
lg_node *lg_net_apply_float(lg_tape *t, lg_net *net, lg_node *x);
/* Views of one layer's weight (out, in) and bias (out) - or gamma, beta as
 * (1, C). Conv2d: W as (C_out, C_in k k); ConvTranspose2d: (C_in, C_out k k).
 * A Linear "c" layer has no weight and an "n" layer no bias: do not ask. */
gsl_matrix_view lg_layer_weight(const lg_net *net, const lg_layer *l);
double *lg_layer_bias(const lg_net *net, const lg_layer *l);
double lg_net_flops_per_sample(const lg_net *net); /* forward multiply-adds x 2 */

/* conv.c: forward of each image layer (n->net, n->layer set, n->a its input;
 * the value (B, out) written), and its op, whose backward reads the cache. */
/* The geometry of one convolution (conv.c): an image (c, h, w) read by a
 * k x k kernel at stride s with zero padding p gives a grid (oh, ow). For
 * ConvTranspose2d the image is its output and the grid its input. */
typedef struct lg_conv_geom {
    size_t c, h, w, k, s, p, oh, ow;
} lg_conv_geom;
lg_conv_geom lg_conv_geom_of(const lg_layer *l);
/* im2col, col2im, the bias over each channel's positions and its gradient,
 * in double and (_f) in float: see conv.c. */
void lg_im2col(const lg_conv_geom *g, const double *img, double *col);
void lg_col2im(const lg_conv_geom *g, const double *col, double *img);
void lg_add_bias(double *y, const double *b, size_t C, size_t n);
void lg_sum_bias(const double *dy, double *db, size_t C, size_t n);
void lg_im2col_f(const lg_conv_geom *g, const float *img, float *col);
void lg_col2im_f(const lg_conv_geom *g, const float *col, float *img);
void lg_add_bias_f(float *y, const float *b, size_t C, size_t n);
void lg_sum_bias_f(const float *dy, float *db, size_t C, size_t n);
void lg_conv_forward(lg_node *n);
void lg_convt_forward(lg_node *n);
void lg_bn2d_forward(lg_node *n);
extern const lg_op_def lg_op_conv, lg_op_convt, lg_op_bn2d;

/* -------------------------------------------------------------- optimizer --- */

typedef enum lg_optim_kind { LG_OPTIM_SGD, LG_OPTIM_ADAM, LG_OPTIM_RMSPROP } lg_optim_kind;

typedef struct lg_optim {
    lg_optim_kind kind;
    double lr, momentum, dampening, wd, b1, b2, eps, alpha;
    bool nesterov;
    size_t n;
    double *m, *v;         /* state: momentum buffer / first moment, second moment */
    long t;                /* steps taken */
    float *m_f, *v_f;      /* a float optimizer's state (lg_optim_set_float) */
    bool f_current;        /* m_f, v_f newer than m, v */
} lg_optim;

/* Spec: "sgd:lr=0.01,momentum=0.9", "adam:lr=2e-4,b1=0.5,b2=0.999",
 * "rmsprop:lr=5e-5,alpha=0.99". Unknown keys are errors. */
int lg_optim_parse(const char *spec, size_t n_params, lg_optim **out);
void lg_optim_free(lg_optim *o);
/* One update of theta with grad, exactly as torch.optim does it (lg_optim_step,
 * public), in one pass that also tells whether every updated parameter is
 * finite (lg_optim_update: true when they all are). */
void lg_optim_step(lg_optim *o, double *theta, const double *grad);
bool lg_optim_update(lg_optim *o, double *theta, const double *grad);
/* lg_optim_update that also zeroes grad in the same pass (the gradient is
 * spent: the caller sets the net's grad_zero), and tells of the gradient it
 * used: its sum of squares (lg_sumsq's bits) and whether it was finite. With
 * a gradient not finite the parameters are updated with it all the same: the
 * caller reports the fault (lg_game_step: "the nets may hold a partial step"). */
typedef struct lg_spent {
    double sumsq;
    bool grad_finite, theta_finite;
} lg_spent;
lg_spent lg_optim_spend(lg_optim *o, double *theta, double *grad);
/* The float path: lg_optim_set_float gives o float moments (once, at set-up),
 * lg_optim_update_f steps float parameters with them, lg_optim_use_double
 * brings m and v up to date (before a checkpoint reads or writes them). */
void lg_optim_set_float(lg_optim *o);
bool lg_optim_update_f(lg_optim *o, float *theta, const float *grad);
lg_spent lg_optim_spend_f(lg_optim *o, float *theta, float *grad);
void lg_optim_use_double(lg_optim *o);

/* litgan/SUB beside liblitgan.so, links resolved (plugin.c): where plugins
 * ("plugins") and image data ("data", lg_data_dir) are found. "" when the
 * library cannot be located. */
void lg_lib_home(const char *sub, char *dir, size_t len);

/* ------------------------------------------------------------- parameters --- */

struct lg_params {
    const lg_param_doc *doc;
    size_t n;
    double *num;           /* DOUBLE and INT values */
    char **str;            /* CHOICE and PATH values (and the text of every value) */
};

/* Parse "name" or "name:key=val,key=val". Writes the name (at most
 * LG_NAME_MAX-1 chars) and a pointer to the key/value text (or "" ). */
int lg_spec_split(const char *spec, char name[LG_NAME_MAX], const char **kv);
/* Fill defaults from doc, then apply "key=val,..." (may be ""). what names the
 * owner in messages ("plugin ganqp"). */
int lg_params_parse(const lg_param_doc *doc, const char *kv, const char *what,
                    lg_params **out);
void lg_params_free(lg_params *p);
/* "key=value,key=value" for logs and reports; caller frees. */
char *lg_params_format(const lg_params *p);

/* ----------------------------------------------------------------- plugins --- */

typedef struct lg_plugin_handle {
    void *dl;
    const lg_plugin *desc;
    char *path;
} lg_plugin_handle;

/* dlopen(RTLD_NOW|RTLD_LOCAL) and validate. Every failure: one line in
 * lg_errmsg() naming the file, handle closed. */
int lg_plugin_open(const char *path, lg_plugin_handle **out);
void lg_plugin_close(lg_plugin_handle *h);
/* Resolve "nsgan" (searched in LITGAN_PLUGIN_PATH, then <libdir>/litgan/plugins
 * next to liblitgan.so: the installed plugins, or build/plugins in the tree) or a
 * path containing '/' or ending in .so. */
int lg_plugin_resolve(const char *name_or_path, char *path, size_t len);
/* Directories searched, ':'-separated, in order (a per-thread buffer). */
const char *lg_plugin_search_path(void);

/* A loaded plugin with parsed parameters. */
typedef struct lg_plugin_inst {
    lg_plugin_handle *h;
    lg_params *params;
} lg_plugin_inst;
/* "ganqp:lambda=10,metric=l2" -> loaded, kind-checked, parameters parsed. */
int lg_plugin_inst_open(const char *spec, lg_plugin_kind kind, lg_plugin_inst *out);
void lg_plugin_inst_close(lg_plugin_inst *pi);

/* ------------------------------------------------------------------- data --- */

/* struct lg_dataset, the kinds of data and what a generator in datasets/ may
 * call: lg_dataset.h; lg_dataset_open, lg_dataset_free: litgan/engine.h. */
#include "lg_dataset.h"

/* ---------------------------------------------------------------- metrics --- */

lg_mode_stats lg_mode_coverage(const lg_dataset *ds, const gsl_matrix *samples);

/* Exact W1 between two empirical 1D distributions (a: na values, b: nb values),
 * the integral of |F_a - F_b|, by sorting (gsl_sort). a and b are not changed. */
double lg_w1_1d(const double *a, size_t na, const double *b, size_t nb);
/* Sliced W1 between sample sets x: (n, d) and y: (m, d): the mean of the exact
 * 1D W1 of their projections on n_proj random unit directions drawn from rng. */
double lg_sliced_w1(const gsl_matrix *x, const gsl_matrix *y, size_t n_proj, gsl_rng *rng);
/* Sliced W1 against a fixed sample y on fixed directions (drawn from rng in
 * the order lg_sliced_w1 draws them): y projected and sorted once, so each
 * lg_sliced_ref_w1 projects and sorts only x. Same numbers as lg_sliced_w1. */
typedef struct lg_sliced_ref lg_sliced_ref;
/* Sort x[0..n) ascending (a radix sort on the bits; scratch holds n doubles). */
void lg_sort_doubles(double *x, size_t n, double *scratch);
lg_sliced_ref *lg_sliced_ref_alloc(const gsl_matrix *y, size_t n_proj, gsl_rng *rng);
double lg_sliced_ref_w1(lg_sliced_ref *s, const gsl_matrix *x);
void lg_sliced_ref_free(lg_sliced_ref *s);
/* Jensen-Shannon divergence (natural log, in [0, log 2]) estimated from samples
 * with histograms of bins^d cells over the box that holds every sample of both
 * sets (every sample is counted). */
double lg_jsd_hist(const gsl_matrix *x, const gsl_matrix *y, size_t bins);
/* Exact JSD between two 1D densities by GSL adaptive quadrature on (lo, hi). */
typedef double (*lg_density_fn)(double x, void *ctx);
double lg_jsd_1d(lg_density_fn p, void *pctx, lg_density_fn q, void *qctx, double lo, double hi);

/* ------------------------------------------------------------------- game --- */

#define LG_MAX_REGS 8

/* What stopped the last lg_game_step (step.c), so that the runner words its
 * own message (the step, the checkpoint kept, the option to change) from the
 * facts rather than by editing the game's. kind NONE: a failure without a
 * fault of its own (an objective that could not be built, a bad argument):
 * lg_errmsg() says it all. */
typedef enum lg_fault_kind {
    LG_FAULT_NONE,
    LG_FAULT_LOSS,     /* player's objective not finite (value) */
    LG_FAULT_GRAD,     /* a gradient of net not finite */
    LG_FAULT_PARAM,    /* a parameter of net not finite after its update */
    LG_FAULT_HOOK      /* regularizer reg's hook failed (reason) */
} lg_fault_kind;
typedef struct lg_step_fault {
    lg_fault_kind kind;
    lg_player player;
    lg_net_id net;
    double value;
    const char *reg, *hook;
    char reason[256];
} lg_step_fault;

struct lg_game {
    lg_net *net[LG_NET_COUNT];
    lg_tape *tape;
    gsl_matrix *real, *noise;            /* (batch, x_dim), (batch, z_dim) */
    lg_node *real_node, *noise_node;     /* leaves on the current recording */
    lg_player player;
    bool simultaneous;                   /* lg_game_set_simultaneous (the runner sets it per step) */
    lg_plugin_inst loss;
    lg_plugin_inst regs[LG_MAX_REGS];
    size_t n_regs;
    gsl_rng *rng;
    /* seeded uniforms replayed within a step (see lg_game_uniform) */
    gsl_matrix **rand;
    size_t n_rand, cap_rand, rand_next;
    /* named scalars logged by plugins (lg_game_log) since n_log was set to 0:
     * n_log of them, any number of any length; the names in [n_log, cap_log)
     * are kept from earlier steps for reuse (NULL or owned strings) */
    char **log_name;
    double *log_value;
    size_t n_log, cap_log;
    double last_loss[2], last_gnorm[2];  /* per player, from lg_game_step */
    lg_step_fault fault;                 /* why the last lg_game_step failed (step.c) */
    double *scratch;                     /* host-service work space: see game.c */
    double *work;                        /* lg_game_work's buffer */
    size_t work_cap;
};

/* Nets are owned by the game. rng is borrowed. g->loss and g->regs are kept
 * (plugins may be opened first); everything else starts zeroed, so a game on
 * the stack must be zeroed before its plugins are set. */
int lg_game_init(lg_game *g, lg_net *G, lg_net *D, lg_net *E, size_t batch,
                 size_t z_dim, gsl_rng *rng);
void lg_game_clear(lg_game *g);
/* Start a new step: fresh random numbers for lg_game_uniform. */
void lg_game_new_step(lg_game *g);
/* Reset the tape and build player's full objective (loss + regularizer terms).
 * Returns NULL and sets lg_errmsg() on error. */
lg_node *lg_game_objective(lg_game *g, lg_player p);
/* Which nets a player trains. */
bool lg_player_owns(lg_player p, lg_net_id id);
/* Set requires_grad of each net as player p's step needs it (all=true: every net). */
void lg_game_set_trainable(lg_game *g, lg_player p, bool all);

/* ------------------------------------------------------------------ train --- */

/* The runner: litgan/engine.h (lg_run_*), internals in run.h. Runner
 * services the engine shares: */
int lg_run_save(lg_run *r);                      /* write the checkpoint now */
/* n real samples of ds as a run of this seed draws them (real.csv). */
gsl_matrix *lg_real_samples(const lg_dataset *ds, long seed, size_t n);
double lg_run_loss(const lg_run *r, lg_player p); /* the last step's objective */

/* The seed of the classifier that scores images (lg_classifier_open): one for
 * every run, so that scores compare across runs, losses and seeds; it is
 * part of the metric, not of the run. */
#define LG_SCORE_CLASSIFIER_SEED 1

/* ------------------------------------------------------------- checkpoint --- */

#define LG_CKPT_MAGIC "LGCKPT\r\n"
#define LG_CKPT_VERSION 2u

/* File layout (little-endian, as written by this machine):
 *   magic[8] "LGCKPT\r\n", u32 version, u32 zero, u64 payload length,
 *   payload, u32 CRC-32 (zlib) of the payload.
 * Payload: i64 step; u64 configuration hash (lg_run_config_hash of the
 * options); u64 n_args, then each arg as u64 length + bytes; u64 rng state
 * size + state; per network G, D, E (present or not): u64 n_params (0 if
 * absent), theta, u64 n_buffers, buffers; per optimizer of the same nets: u64
 * n, m[n], v[n], i64 t.
 * Written to a temporary file and renamed, so a crash never leaves half a file.
 * lg_ckpt_read reads only a regular file (never blocks on a FIFO or a device)
 * of bounded size, tells a truncated file from a foreign one, and after the
 * checksum checks every field: step >= 0, the generator's state (index
 * 0..624, 32-bit words, not all zero), the shapes against the nets and
 * optimizers given, parameters, statistics and moments finite, second moments
 * and running variances >= 0, optimizer steps >= 0; each refusal one line
 * naming the file and the field. With args_only it reads only step, hash (may
 * be NULL) and args (rng, nets, opts NULL). */
/* The memory a run may use: LG_RUN_MAX_BYTES, or the machine's physical
 * memory when that is less (*by_machine true then; may be NULL). */
double lg_run_memory_cap(bool *by_machine);
/* GSL's mt19937 state (gsl/rng/mt.c), what gsl_rng_state points at for the
 * runs' generator: 624 words of 32 bits and the index of the next word,
 * 0..624 (624: regenerate first). ckpt.c checks a stored one; rng.c draws
 * from it in bulk. */
typedef struct lg_mt_state {
    unsigned long mt[624];
    int mti;
} lg_mt_state;
/* Whether lg_uniforms (lg_dataset.h) draws mt19937 in bulk in this process:
 * its check against gsl_rng_uniform passed (rng.c). */
bool lg_uniforms_in_bulk(void);
int lg_ckpt_write(const char *path, long step, uint64_t hash, const lg_strvec *args, const gsl_rng *rng,
                  lg_net *const *nets, lg_optim *const *opts);
int lg_ckpt_read(const char *path, long *step, uint64_t *hash, lg_strvec *args, gsl_rng *rng,
                 lg_net **nets, lg_optim **opts, bool args_only);

/* ------------------------------------------------------------ second order --- */

/* Central-difference Jacobian-vector product of a gradient map:
 *   out = (grad(theta + eps u) - grad(theta - eps u)) / (2 eps)
 * grad_fn writes the gradient at theta (length n) into g and returns a status.
 * theta is restored bit for bit on return; work holds 3n doubles. */
typedef int (*lg_grad_fn)(void *ctx, double *g);
int lg_fd_hvp(lg_grad_fn grad_fn, void *ctx, double *theta, size_t n,
              const double *u, double *out, double *work);
/* The central-difference step of every gradient difference (lg_fd_hvp and
 * lg_input_grad's backward): eps = 6e-6 * scale / dmax for a direction whose
 * largest |component| is dmax, at a point of size scale (1 for parameters;
 * max(1, max|x|) for inputs); 0 when dmax is 0. See game.c. */
double lg_fd_step(double scale, double dmax);
/* lg_fd_step(1, max|u_i|) over the n components of u. */
double lg_fd_eps(const double *u, size_t n);

/* --------------------------------------------------------------- checking --- */

/* Gradient-check a loss plugin's objectives (and regularizer terms) on a small
 * random game; prints one line per parameter block to f. Returns LG_OK when the
 * worst relative error <= tol, LG_EINVAL otherwise (message in lg_errmsg()). */
int lg_check_plugin(const char *spec, FILE *f, double tol, double *worst);

/* ---------------------------------------------------------------- helpers --- */

/* Relative error between analytic a and numeric b over n values:
 * max|a-b| / max(max|a|, max|b|, 1e-12). */
double lg_rel_error(const double *a, const double *b, size_t n);
bool lg_all_finite(const double *x, size_t n);
/* The sum of x[i]^2 (NaN or Inf when an x[i] is not finite), vectorised; the
 * summation order is fixed, so the result does not depend on the CPU. */
double lg_sumsq(const double *x, size_t n);
/* s as a gnuplot single-quoted string onto f: its ' doubled, nothing else
 * escaped (figures.c; the run's and the images' figure scripts). */
void lg_gp_quoted(FILE *f, const char *s);


#endif /* LG_IMPL_H */
