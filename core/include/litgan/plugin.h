/*
 * litgan/plugin.h - the plugin SDK: what a plugin may use (include "litgan.h").
 *
 * A plugin sees three things:
 *   1. the autodiff tape: matrices (double, row-major) recorded as nodes, combined
 *      by a small set of differentiable ops (lg_add, lg_softplus, lg_mean, ...);
 *   2. the game: the networks G, D and optionally E applied as ops, the real batch,
 *      the noise batch, seeded random numbers, and second-order host services;
 *   3. the plugin descriptor that the runner loads with dlopen.
 *
 * Conventions
 *   - Every objective a plugin returns is a scalar (1x1 node) that its player
 *     MINIMISES. A discriminator that "maximises log D(x) + log(1-D(G(z)))" therefore
 *     returns the negative of that expression.
 *   - Shapes are written (rows, cols); a batch is (batch, dim), one sample per row.
 *   - Ops never abort on bad shapes: they return NULL and record a one-line message
 *     on the tape (lg_tape_error); an op given NULL returns NULL. The runner reports
 *     the first error, so a plugin need not check every call.
 */
#ifndef LITGAN_PLUGIN_H
#define LITGAN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Functions the runner exports to plugins. */
#define LG_API __attribute__((visibility("default")))

/* ------------------------------------------------------------------ tape --- */

typedef struct lg_tape lg_tape;
typedef struct lg_node lg_node;

/* The value of a node: a (rows, cols) matrix owned by the tape. Valid until the
 * tape is reset. The gradient is valid after lg_tape_backward (NULL if none
 * reached the node). */
LG_API const gsl_matrix *lg_value(const lg_node *n);
LG_API const gsl_matrix *lg_grad(const lg_node *n);
LG_API double lg_scalar(const lg_node *n); /* value of a 1x1 node */

/* Leaves. lg_const copies m and never receives a gradient; lg_input copies m and
 * receives one (for gradients with respect to data, e.g. nabla_x D(x)). */
LG_API lg_node *lg_const(lg_tape *t, const gsl_matrix *m);
LG_API lg_node *lg_input(lg_tape *t, const gsl_matrix *m);
LG_API lg_node *lg_fill(lg_tape *t, size_t rows, size_t cols, double v);

/* Binary elementwise ops. b may have the same shape as a, be a single row
 * (1, cols) broadcast over a's rows, a single column (rows, 1) broadcast over
 * a's columns, or a scalar (1, 1). */
LG_API lg_node *lg_add(lg_tape *t, lg_node *a, lg_node *b);
LG_API lg_node *lg_sub(lg_tape *t, lg_node *a, lg_node *b);
LG_API lg_node *lg_mul(lg_tape *t, lg_node *a, lg_node *b);
LG_API lg_node *lg_div(lg_tape *t, lg_node *a, lg_node *b);

/* a: (n, k), b: (k, m) -> (n, m) through gsl_blas_dgemm */
LG_API lg_node *lg_matmul(lg_tape *t, lg_node *a, lg_node *b);

/* Unary elementwise ops, output shape = input shape. */
LG_API lg_node *lg_scale(lg_tape *t, lg_node *a, double s);   /* s*a */
LG_API lg_node *lg_shift(lg_tape *t, lg_node *a, double c);   /* a + c */
LG_API lg_node *lg_neg(lg_tape *t, lg_node *a);
LG_API lg_node *lg_square(lg_tape *t, lg_node *a);
LG_API lg_node *lg_abs(lg_tape *t, lg_node *a);               /* d|a|/da = sign(a), 0 at 0 */
LG_API lg_node *lg_sqrt(lg_tape *t, lg_node *a);
LG_API lg_node *lg_exp(lg_tape *t, lg_node *a);
LG_API lg_node *lg_log(lg_tape *t, lg_node *a);
LG_API lg_node *lg_softplus(lg_tape *t, lg_node *a);          /* log(1 + e^a), stable for |a| large */
LG_API lg_node *lg_sigmoid(lg_tape *t, lg_node *a);
LG_API lg_node *lg_tanh(lg_tape *t, lg_node *a);
LG_API lg_node *lg_relu(lg_tape *t, lg_node *a);
LG_API lg_node *lg_leaky_relu(lg_tape *t, lg_node *a, double slope);

/* Reductions. lg_sum/lg_mean -> (1, 1); the _rows variants reduce each row,
 * (rows, cols) -> (rows, 1). */
LG_API lg_node *lg_sum(lg_tape *t, lg_node *a);
LG_API lg_node *lg_mean(lg_tape *t, lg_node *a);
LG_API lg_node *lg_sum_rows(lg_tape *t, lg_node *a);
LG_API lg_node *lg_mean_rows(lg_tape *t, lg_node *a);

/* Row-wise softmax in logs, stable for any finite logits (each row shifted by
 * its maximum): lg_log_softmax (rows, cols) -> (rows, cols),
 * y_ij = a_ij - log sum_k exp(a_ik); lg_logsumexp_rows (rows, cols) -> (rows, 1),
 * y_i = log sum_k exp(a_ik). Cross-entropy with one-hot targets Y (a const
 * leaf): lg_neg(t, lg_mean(t, lg_sum_rows(t, lg_mul(t, Y, lg_log_softmax(t, a))))). */
LG_API lg_node *lg_log_softmax(lg_tape *t, lg_node *a);
LG_API lg_node *lg_logsumexp_rows(lg_tape *t, lg_node *a);

/* a: (n, p), b: (n, q) -> (n, p+q) */
LG_API lg_node *lg_concat(lg_tape *t, lg_node *a, lg_node *b);

/* Same value as a; no gradient flows back through it. */
LG_API lg_node *lg_stop_gradient(lg_tape *t, lg_node *a);

/* The first error recorded on this tape since the last reset, or NULL. */
LG_API const char *lg_tape_error(const lg_tape *t);

/* ------------------------------------------------------------------ game --- */

typedef struct lg_game lg_game;

typedef enum lg_net_id {
    LG_NET_G = 0, /* generator     z -> x                     */
    LG_NET_D = 1, /* discriminator x -> score (or T(x, z))    */
    LG_NET_E = 2, /* encoder       x -> z (optional)          */
    LG_NET_COUNT
} lg_net_id;

typedef enum lg_player {
    LG_PLAYER_D = 0, /* trains D                     */
    LG_PLAYER_G = 1  /* trains G, and E if present   */
} lg_player;

LG_API lg_tape *lg_game_tape(lg_game *g);
LG_API int lg_game_has_net(const lg_game *g, lg_net_id id);
LG_API lg_node *lg_game_real(lg_game *g);   /* (batch, x_dim), a const leaf */
LG_API lg_node *lg_game_noise(lg_game *g);  /* (batch, z_dim), a const leaf */
LG_API size_t lg_game_batch(const lg_game *g);

/* Apply network id to x on the tape: (batch, in) -> (batch, out). */
LG_API lg_node *lg_apply(lg_game *g, lg_net_id id, lg_node *x);

/* The gradient of a scalar-output network with respect to its input, as a
 * differentiable op: x: (batch, in) -> (batch, in), row i = nabla_x net(x_i)
 * (exactly, by backpropagation; with BatchNorm in training mode the rows are
 * coupled through the batch statistics). Its own gradient - needed by
 * gradient penalties such as WGAN-GP and R1 - is computed by the host by
 * central differences along the incoming gradient W:
 *   d/dtheta sum_i W_i . nabla_x net(x_i) ~ (nabla_theta sum net(x + eps W) -
 *                                            nabla_theta sum net(x - eps W)) / 2 eps
 * and likewise for x, eps = 6e-6 max(1, max|x|) / max|W|, with relative error
 * about 1e-9. */
LG_API lg_node *lg_input_grad(lg_game *g, lg_net_id id, lg_node *x);

/* Seeded uniform U(0,1) numbers as a const leaf. Within one step every evaluation
 * of a loss gets the same numbers in the same call order, so objectives stay
 * deterministic functions of the parameters (needed for finite differences). */
LG_API lg_node *lg_game_uniform(lg_game *g, size_t rows, size_t cols);

/* Say why a hook or objective fails, in one line (printf-style); the runner
 * reports it with the plugin's name and the step. Then return non-zero from a
 * hook, or NULL from an objective. */
LG_API void lg_game_fail(lg_game *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the student handout's stubs call in place of a solution: lg_todo_node
 * fails the objective with "Task N.M is not implemented yet" and returns NULL;
 * lg_todo_value says the same on stderr and returns NaN. */
LG_API lg_node *lg_todo_node(lg_game *g, const char *task);
LG_API double lg_todo_value(const char *task);

/* 1 when both players step from the same point (--simultaneous), else 0. */
LG_API int lg_game_simultaneous(const lg_game *g);

/* Record a named scalar for the training log (e.g. a Wasserstein estimate): a
 * column of log.csv named name (any length, any number of them); logging a
 * name again in the same step replaces its value. */
LG_API void lg_game_log(lg_game *g, const char *name, double value);

/* ---- second-order host services (central differences of gradients) ----
 * A parameter vector of the game is the concatenation [theta_D, theta_G, theta_E]
 * (E only when present); lg_game_param_count gives its length.
 *
 * lg_game_loss_grad: evaluates player's objective (loss plugin plus regularizer
 * terms) at the current parameters and writes its gradient with respect to every
 * parameter of the game into grad. Returns 0 or a non-zero status.
 *
 * lg_game_hvp: out = H_f u ~ (grad f(theta + eps u) - grad f(theta - eps u)) / 2 eps,
 * f the player's objective, eps = 6e-6 / max_i |u_i| (the host's one
 * finite-difference step, shared with lg_input_grad). Accuracy is O(eps^2) plus
 * rounding O(macheps/eps): about 1e-8 relative.
 */
LG_API size_t lg_game_param_count(const lg_game *g);
LG_API int lg_game_loss_grad(lg_game *g, lg_player p, double *grad);
LG_API int lg_game_hvp(lg_game *g, lg_player p, const double *u, double *out);

/* Work space for a hook: n doubles owned by the game, kept (and grown when
 * needed) from step to step, so a hook allocates nothing once shapes are known.
 * Valid until the next call; NULL only when memory runs out. */
LG_API double *lg_game_work(lg_game *g, size_t n);

/* Views of the game's parameters and gradients per network (for regularizers
 * that act on weights, e.g. clipping). Length in *n. NULL when absent. The
 * gradients hold the step's from its backward until its update, which spends
 * them (the optimizer zeroes each one as it uses it): adjust_grads sees them,
 * after_step and the code after lg_game_step read zeros. */
LG_API double *lg_game_params(lg_game *g, lg_net_id id, size_t *n);
LG_API double *lg_game_grads(lg_game *g, lg_net_id id, size_t *n);

/* The player whose objective is being built or whose step is being taken. */
LG_API lg_player lg_game_player(const lg_game *g);

/* ---------------------------------------------------------------- plugins --- */

#define LG_PLUGIN_ABI_VERSION 1u
#define LG_PLUGIN_ENTRY "litgan_plugin_entry"
#define LG_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef enum lg_plugin_kind {
    LG_PLUGIN_KIND_LOSS = 1,
    LG_PLUGIN_KIND_REG  = 2
} lg_plugin_kind;

typedef enum lg_param_type {
    LG_PARAM_TYPE_END = 0,    /* terminates a parameter table */
    LG_PARAM_TYPE_DOUBLE,
    LG_PARAM_TYPE_INT,
    LG_PARAM_TYPE_CHOICE,     /* one of the '|'-separated words in choices */
    LG_PARAM_TYPE_PATH        /* a file's path: any text without ',' (may be
                                 empty, "not given"); read with lg_param_str */
} lg_param_type;

/* One parameter. Values are written in decimal (no hex, inf or nan). The
 * fourth field, choices, says which values are valid, and the loader refuses
 * any other (a default too) in one line naming the key and the value as typed:
 *   CHOICE          the words, "l1|l2";
 *   DOUBLE and INT  the range, an interval: "[0, 1)", "(0, 1e4]" ('[' ']'
 *                   include the bound, '(' ')' exclude it); NULL: any finite
 *                   number (what tables written before ranges existed hold,
 *                   so they load as before: the layout is unchanged);
 *   PATH            NULL (any text without ','; idx:images=PATH,...).
 * What one range cannot say (lo < hi) is check_params' job. */
typedef struct lg_param_doc {
    const char *key;          /* e.g. "lambda" */
    lg_param_type type;
    const char *default_value;/* as text, e.g. "10" or "l1" */
    const char *choices;      /* CHOICE: "l1|l2"; DOUBLE, INT: "[0, 1)" or NULL */
    const char *help;         /* one line */
} lg_param_doc;

/* Parsed parameters of one loaded plugin instance. */
typedef struct lg_params lg_params;
LG_API double lg_param_double(const lg_params *p, const char *key);
LG_API long lg_param_int(const lg_params *p, const char *key);
LG_API const char *lg_param_str(const lg_params *p, const char *key);

/* A loss objective: build the scalar that player minimises on lg_game_tape(g).
 * Return NULL on error (after an op failed, the tape holds the message). */
typedef lg_node *(*lg_objective_fn)(lg_game *g, const lg_params *p);

/* A regularizer term added to player's objective; NULL hook = no term. Return
 * NULL on error. A regularizer returns a 1x1 zero (lg_fill) when it does not
 * apply to this player. */
typedef lg_node *(*lg_term_fn)(lg_game *g, lg_player player, const lg_params *p);

/* Hooks returning int: 0 on success, non-zero on error. */
typedef int (*lg_grad_hook_fn)(lg_game *g, const lg_params *p);          /* after backward of both players (simultaneous updates) or of lg_game_player(g) */
typedef int (*lg_step_hook_fn)(lg_game *g, lg_player player, const lg_params *p); /* after player's optimizer step */

/* The loss needs an encoder E (--e), and D scores the pair (x, z) concatenated:
 * D's input width is x_dim + z_dim. */
#define LG_PLUGIN_FLAG_ENCODER 1u

typedef struct lg_plugin {
    /* --- version 1 header: never moves --- */
    uint32_t abi_version;     /* LG_PLUGIN_ABI_VERSION the plugin was built for */
    uint32_t struct_size;     /* sizeof(lg_plugin) as the plugin saw it */
    lg_plugin_kind kind;
    const char *name;         /* short, unique: "nsgan" */
    const char *title;        /* one line: "Non-saturating GAN" */
    const char *citation;     /* "Goodfellow et al. 2014, Generative Adversarial Nets, Sec. 3" */
    const lg_param_doc *params; /* table ending with type LG_PARAM_TYPE_END; may be NULL */

    /* loss plugins: both required */
    lg_objective_fn d_loss;
    lg_objective_fn g_loss;

    /* regularizer plugins: at least one required */
    lg_term_fn add_term;
    lg_grad_hook_fn adjust_grads;
    lg_step_hook_fn after_step;

    /* Runner defaults the paper prescribes, as command-line words, e.g.
     * "--opt-d rmsprop:lr=5e-5 --opt-g rmsprop:lr=5e-5 --d-steps 5"; may be NULL.
     * Options given explicitly on the command line win. */
    const char *defaults;

    /* LG_PLUGIN_FLAG_* bits */
    uint32_t flags;

    /* Optional: check parameter values when the plugin is loaded (what the
     * ranges of the table cannot say, e.g. lo < hi); return NULL when they are
     * fine, else a one-line reason ("need lo < hi"). */
    const char *(*check_params)(const lg_params *p);
    /* --- grows only below this line; struct_size tells the runner what exists --- */
} lg_plugin;

/* The one symbol a plugin exports. */
typedef const lg_plugin *(*lg_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif /* LITGAN_PLUGIN_H */
