/*
 * game.c - the two-player game a plugin sees: networks applied as tape ops,
 * the batches, seeded random numbers, and second-order host services.
 */
#include "lg_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int lg_game_init(lg_game *g, lg_net *G, lg_net *D, lg_net *E, size_t batch, size_t z_dim,
                 gsl_rng *rng)
{
    /* plugins may be opened before the nets: keep them */
    lg_plugin_inst loss = g->loss, regs[LG_MAX_REGS];
    size_t n_regs = g->n_regs;
    memcpy(regs, g->regs, sizeof regs);
    memset(g, 0, sizeof *g);
    g->loss = loss;
    memcpy(g->regs, regs, sizeof regs);
    g->n_regs = n_regs;
    g->net[LG_NET_G] = G;
    g->net[LG_NET_D] = D;
    g->net[LG_NET_E] = E;
    g->rng = rng;
    g->tape = lg_tape_alloc();
    g->real = gsl_matrix_calloc(batch, G->out_dim);
    g->noise = gsl_matrix_calloc(batch, z_dim);
    /* host-service work space, allocated once (see the layout at saved_state) */
    size_t nb = 0;
    for (int i = 0; i < LG_NET_COUNT; i++)
        nb += g->net[i] ? g->net[i]->n_buffers : 0;
    g->scratch = lg_xcalloc(5 * lg_game_param_count(g) + nb + 1, sizeof(double));
    if (G->in_dim != z_dim)
        return lg_seterr(LG_EINVAL, "generator %s takes %zu inputs but the noise has %zu "
                         "(make the first width of --g equal to --z-dim)", G->spec, G->in_dim, z_dim);
    if (E && (E->in_dim != G->out_dim || E->out_dim != z_dim))
        return lg_seterr(LG_EINVAL, "encoder %s must map %zu -> %zu (data -> noise)", E->spec,
                         G->out_dim, z_dim);
    return LG_OK;
}

void lg_game_clear(lg_game *g)
{
    lg_tape_free(g->tape);
    gsl_matrix_free(g->real);
    gsl_matrix_free(g->noise);
    for (size_t i = 0; i < g->cap_rand; i++)
        gsl_matrix_free(g->rand[i]);
    free(g->rand);
    free(g->scratch);
    free(g->work);
    for (size_t i = 0; i < g->cap_log; i++)
        free(g->log_name[i]);
    free(g->log_name);
    free(g->log_value);
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_net_free(g->net[i]);
    lg_plugin_inst_close(&g->loss);
    for (size_t i = 0; i < g->n_regs; i++)
        lg_plugin_inst_close(&g->regs[i]);
    memset(g, 0, sizeof *g);
}

lg_tape *lg_game_tape(lg_game *g) { return g->tape; }
int lg_game_has_net(const lg_game *g, lg_net_id id) { return id < LG_NET_COUNT && g->net[id] != NULL; }
size_t lg_game_batch(const lg_game *g) { return g->real->size1; }
lg_player lg_game_player(const lg_game *g) { return g->player; }

lg_node *lg_game_real(lg_game *g)
{
    if (!g->real_node)
        g->real_node = lg_const(g->tape, g->real);
    return g->real_node;
}

lg_node *lg_game_noise(lg_game *g)
{
    if (!g->noise_node)
        g->noise_node = lg_const(g->tape, g->noise);
    return g->noise_node;
}

lg_node *lg_apply(lg_game *g, lg_net_id id, lg_node *x)
{
    if (id >= LG_NET_COUNT || !g->net[id]) {
        lg_tape_fail(g->tape, "lg_apply: network %d is not part of this game (%s)", (int)id,
                     id == LG_NET_E ? "give an encoder with --e" : "G=0, D=1, E=2");
        return NULL;
    }
    return lg_net_apply(g->tape, g->net[id], x);
}

void lg_game_new_step(lg_game *g)
{
    g->n_rand = 0; /* matrices stay allocated and are refilled on demand */
    g->rand_next = 0;
}

lg_node *lg_game_uniform(lg_game *g, size_t rows, size_t cols)
{
    size_t k = g->rand_next++;
    bool fresh = (k >= g->n_rand); /* first call with this number in this step */
    if (fresh && k == g->cap_rand) {
        g->cap_rand = g->cap_rand ? 2 * g->cap_rand : 4;
        g->rand = lg_xrealloc(g->rand, g->cap_rand * sizeof *g->rand);
        for (size_t i = k; i < g->cap_rand; i++)
            g->rand[i] = NULL;
    }
    gsl_matrix *m = g->rand[k];
    if (!m || m->size1 != rows || m->size2 != cols) {
        gsl_matrix_free(m);
        m = g->rand[k] = gsl_matrix_alloc(rows, cols);
        fresh = true;
    }
    if (fresh) {
        for (size_t i = 0; i < rows * cols; i++)
            m->data[i] = gsl_rng_uniform(g->rng);
        if (k >= g->n_rand)
            g->n_rand = k + 1;
    }
    return lg_const(g->tape, m);
}

void lg_game_fail(lg_game *g, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lg_tape_fail(g->tape, "%s", msg);
}

lg_node *lg_todo_node(lg_game *g, const char *task)
{
    lg_game_fail(g, "%s is not implemented yet", task);
    return NULL;
}

double lg_todo_value(const char *task)
{
    fprintf(stderr, "%s is not implemented yet\n", task);
    return NAN;
}

int lg_game_simultaneous(const lg_game *g) { return g->simultaneous ? 1 : 0; }

/* Names are kept past n_log: a step that logs the same names as the last one
 * (the runner sets n_log to 0 per step) allocates nothing. */
void lg_game_log(lg_game *g, const char *name, double value)
{
    for (size_t i = 0; i < g->n_log; i++)
        if (strcmp(g->log_name[i], name) == 0) {
            g->log_value[i] = value;
            return;
        }
    size_t k = g->n_log;
    if (k == g->cap_log) {
        g->cap_log = g->cap_log ? 2 * g->cap_log : 8;
        g->log_name = lg_xrealloc(g->log_name, g->cap_log * sizeof *g->log_name);
        g->log_value = lg_xrealloc(g->log_value, g->cap_log * sizeof *g->log_value);
        for (size_t i = k; i < g->cap_log; i++)
            g->log_name[i] = NULL;
    }
    if (!g->log_name[k] || strcmp(g->log_name[k], name) != 0) {
        free(g->log_name[k]);
        g->log_name[k] = lg_xstrdup(name);
    }
    g->log_value[k] = value;
    g->n_log = k + 1;
}

bool lg_player_owns(lg_player p, lg_net_id id)
{
    return p == LG_PLAYER_D ? id == LG_NET_D : id != LG_NET_D;
}

void lg_game_set_trainable(lg_game *g, lg_player p, bool all)
{
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i])
            g->net[i]->requires_grad = all || lg_player_owns(p, (lg_net_id)i);
}

lg_node *lg_game_objective(lg_game *g, lg_player p)
{
    lg_tape_reset(g->tape);
    g->real_node = g->noise_node = NULL;
    g->rand_next = 0;
    g->player = p;
    const lg_plugin *loss = g->loss.h->desc;
    lg_node *obj = (p == LG_PLAYER_D ? loss->d_loss : loss->g_loss)(g, g->loss.params);
    const char *who = p == LG_PLAYER_D ? "d_loss" : "g_loss";
    for (size_t i = 0; obj && i < g->n_regs; i++) {
        const lg_plugin *r = g->regs[i].h->desc;
        if (!r->add_term)
            continue;
        lg_node *term = r->add_term(g, p, g->regs[i].params);
        if (!term) {
            lg_seterr(LG_EPLUGIN, "regularizer %s: add_term failed: %s", r->name,
                      lg_tape_error(g->tape) ? lg_tape_error(g->tape) : "it returned NULL");
            return NULL;
        }
        obj = lg_add(g->tape, obj, term);
    }
    if (!obj) {
        lg_seterr(LG_EPLUGIN, "plugin %s: %s failed: %s", loss->name, who,
                  lg_tape_error(g->tape) ? lg_tape_error(g->tape) : "it returned NULL");
        return NULL;
    }
    if (obj->val.size1 != 1 || obj->val.size2 != 1) {
        lg_seterr(LG_EPLUGIN, "plugin %s: %s returned a (%zu,%zu) matrix; an objective must be "
                  "a scalar (reduce it with lg_mean)", loss->name, who, obj->val.size1,
                  obj->val.size2);
        return NULL;
    }
    return obj;
}

/* ------------------------------------------------------------ input grad --- */

/* The op's memory lives with its node (kept across tape resets, so two input
 * grads of different shapes on one tape each have their own): n->inner, a
 * private tape, and n->cache laid out for x: (B, in) with N = B in, a net of P
 * parameters and nb BatchNorm statistics as
 *   [0, N) perturbed inputs x +- eps W, [N, 2N) their input gradients,
 *   [2N, 2N + P) the caller's parameter gradients, [2N + P, 2N + 2P) those at
 *   x + eps W, [2N + 2P, 2N + 2P + nb) the BatchNorm statistics. */
typedef struct ig_space {
    gsl_matrix_view xp, gp;
    double *saved, *plus, *keep;
} ig_space;

static ig_space ig_reserve(lg_node *n)
{
    size_t B = n->val.size1, C = n->val.size2, N = B * C, P = n->net->n_params;
    double *c = lg_buf_reserve(&n->cache, 2 * N + 2 * P + n->net->n_buffers);
    if (!n->inner)
        n->inner = lg_tape_alloc();
    ig_space w = { gsl_matrix_view_array(c, B, C), gsl_matrix_view_array(c + N, B, C),
                   c + 2 * N, c + 2 * N + P, c + 2 * N + 2 * P };
    return w;
}

/* dx: (B, in) = nabla_x sum_i net(x_i) for x: (B, in), on the node's private
 * tape. With accumulate_params, nabla_theta of the same sum is added (+=) into
 * net->grad instead. BatchNorm statistics are left as they were (kept in keep). */
static void input_grad(lg_node *n, const gsl_matrix *x, gsl_matrix *dx, bool accumulate_params,
                       double *keep)
{
    lg_net *net = n->net;
    lg_tape *aux = n->inner;
    size_t nb = net->n_buffers;
    memcpy(keep, net->buffers, nb * sizeof(double));
    bool rg = net->requires_grad;
    net->requires_grad = accumulate_params;
    lg_tape_reset(aux);
    lg_node *xin = dx ? lg_input(aux, x) : lg_const(aux, x);
    lg_node *sum = lg_sum(aux, lg_net_apply(aux, net, xin));
    int rc = lg_tape_backward(aux, sum);
    LG_ASSERT(rc == LG_OK, "shapes were checked by lg_input_grad");
    if (dx) {
        const gsl_matrix *gr = lg_grad(xin);
        if (gr)
            gsl_matrix_memcpy(dx, gr);
        else
            gsl_matrix_set_zero(dx);
    }
    net->requires_grad = rg;
    memcpy(net->buffers, keep, nb * sizeof(double));
}

/* W = n->grad: (B, in). With x+- = x +- eps W:
 *   theta: grad += (nabla_theta sum net(x+) - nabla_theta sum net(x-)) / 2 eps
 *   x:     dx   += (nabla_x sum net(x+) - nabla_x sum net(x-)) / 2 eps        */
static void input_grad_backward(lg_node *n)
{
    lg_net *net = n->net;
    const gsl_matrix *x = &n->a->val, *W = &n->grad;
    size_t N = x->size1 * x->size2, P = net->n_params;
    double wmax = 0, xmax = 1;
    for (size_t i = 0; i < N; i++) {
        wmax = fmax(wmax, fabs(W->data[i]));
        xmax = fmax(xmax, fabs(x->data[i]));
    }
    if (wmax == 0)
        return;
    double eps = lg_fd_step(xmax, wmax);
    ig_space w = ig_reserve(n);
    gsl_matrix *xp = &w.xp.matrix, *gp = &w.gp.matrix;
    if (net->requires_grad) {
        memcpy(w.saved, net->grad, P * sizeof(double));
        for (int sign = 1; sign >= -1; sign -= 2) {
            for (size_t i = 0; i < N; i++)
                xp->data[i] = x->data[i] + sign * eps * W->data[i];
            lg_net_zero_grad(net);
            input_grad(n, xp, NULL, true, w.keep);
            if (sign == 1)
                memcpy(w.plus, net->grad, P * sizeof(double));
        }
        for (size_t k = 0; k < P; k++)
            net->grad[k] = w.saved[k] + (w.plus[k] - net->grad[k]) / (2.0 * eps);
    }
    if (n->a->needs_grad) {
        double *dx = lg_node_dgrad(n->a);
        for (int sign = 1; sign >= -1; sign -= 2) {
            for (size_t i = 0; i < N; i++)
                xp->data[i] = x->data[i] + sign * eps * W->data[i];
            input_grad(n, xp, gp, false, w.keep);
            for (size_t i = 0; i < N; i++)
                dx[i] += sign * gp->data[i] / (2.0 * eps);
        }
    }
}

static const lg_op_def op_input_grad = { "lg_input_grad", input_grad_backward };

lg_node *lg_input_grad(lg_game *g, lg_net_id id, lg_node *x)
{
    lg_tape *t = g->tape;
    if (!x) {
        lg_tape_fail(t, "lg_input_grad: input is NULL (an earlier op failed)");
        return NULL;
    }
    if (id >= LG_NET_COUNT || !g->net[id]) {
        lg_tape_fail(t, "lg_input_grad: network %d is not part of this game", (int)id);
        return NULL;
    }
    lg_net *net = g->net[id];
    if (net->prec == LG_PREC_FLOAT) {
        /* its backward is a centred difference of gradients: float's 7 digits
         * would leave about 2 of it */
        lg_tape_fail(t, "lg_input_grad: network %s computes in float, and gradient penalties need double "
                        "(run with --precision double)", net->spec);
        return NULL;
    }
    if (net->out_dim != 1 || x->val.size2 != net->in_dim) {
        lg_tape_fail(t, "lg_input_grad: network %s must have one output and take (%zu,%zu) "
                        "(it maps %zu -> %zu)", net->spec, x->val.size1, x->val.size2,
                     net->in_dim, net->out_dim);
        return NULL;
    }
    lg_node *n = lg_tape_node(t, &op_input_grad, x, NULL, x->val.size1, x->val.size2);
    n->net = net;
    if (net->requires_grad)
        net->grad_zero = false; /* its backward writes net->grad */
    n->needs_grad = x->needs_grad || net->requires_grad;
    ig_space w = ig_reserve(n);
    input_grad(n, &x->val, &n->val, false, w.keep);
    return n;
}

/* ------------------------------------------------------- second order --- */

size_t lg_game_param_count(const lg_game *g)
{
    size_t n = 0;
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i])
            n += g->net[i]->n_params;
    return n;
}

/* Order of blocks in a game vector: D, G, E. */
static const lg_net_id block_order[LG_NET_COUNT] = { LG_NET_D, LG_NET_G, LG_NET_E };

static void game_vec(lg_game *g, double *v, bool to_vec, bool grads)
{
    size_t off = 0;
    for (int k = 0; k < LG_NET_COUNT; k++) {
        lg_net *net = g->net[block_order[k]];
        if (!net)
            continue;
        double *src = grads ? net->grad : net->theta;
        if (grads && !to_vec)
            net->grad_zero = false;
        if (to_vec)
            memcpy(v + off, src, net->n_params * sizeof(double));
        else
            memcpy(src, v + off, net->n_params * sizeof(double));
        off += net->n_params;
    }
}

double *lg_game_work(lg_game *g, size_t n)
{
    if (n > g->work_cap) {
        double *grown = realloc(g->work, n * sizeof(double));
        if (!grown)
            return NULL;
        g->work = grown;
        g->work_cap = n;
    }
    return g->work;
}

double *lg_game_params(lg_game *g, lg_net_id id, size_t *n)
{
    if (id >= LG_NET_COUNT || !g->net[id]) {
        *n = 0;
        return NULL;
    }
    return lg_net_params(g->net[id], n);
}

double *lg_game_grads(lg_game *g, lg_net_id id, size_t *n)
{
    if (id >= LG_NET_COUNT || !g->net[id]) {
        *n = 0;
        return NULL;
    }
    return lg_net_grads(g->net[id], n);
}

/* Evaluating an objective again must not move BatchNorm's running statistics,
 * nor lose the gradients the runner holds: host services save and restore
 * them. Work space (g->scratch, allocated with the game, n = parameter count):
 *   [0, n) theta, [n, 2n) the caller's gradients, [2n, 5n) lg_fd_hvp's work,
 *   [5n, 5n + buffers) BatchNorm statistics. */
typedef struct saved_state {
    bool rg[LG_NET_COUNT];
    lg_player player;
} saved_state;

static void save_state(lg_game *g, saved_state *s)
{
    size_t n = lg_game_param_count(g);
    double *bn = g->scratch + 5 * n;
    s->player = g->player;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        if (!g->net[i])
            continue;
        s->rg[i] = g->net[i]->requires_grad;
        memcpy(bn, g->net[i]->buffers, g->net[i]->n_buffers * sizeof(double));
        bn += g->net[i]->n_buffers;
    }
    game_vec(g, g->scratch + n, true, true);
}

static void restore_state(lg_game *g, const saved_state *s)
{
    size_t n = lg_game_param_count(g);
    const double *bn = g->scratch + 5 * n;
    g->player = s->player;
    for (int i = 0; i < LG_NET_COUNT; i++) {
        if (!g->net[i])
            continue;
        g->net[i]->requires_grad = s->rg[i];
        memcpy(g->net[i]->buffers, bn, g->net[i]->n_buffers * sizeof(double));
        bn += g->net[i]->n_buffers;
    }
    game_vec(g, g->scratch + n, false, true);
}

static int eval_grad(lg_game *g, lg_player p, double *grad)
{
    lg_game_set_trainable(g, p, true);
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i])
            lg_net_zero_grad(g->net[i]);
    lg_node *obj = lg_game_objective(g, p);
    if (!obj)
        return LG_EPLUGIN;
    int rc = lg_tape_backward(g->tape, obj);
    if (rc == LG_OK)
        game_vec(g, grad, true, true);
    return rc;
}

/* The second-order tools work on the double copies by finite differences:
 * a float game is refused. */
static int refuse_float(lg_game *g, const char *what)
{
    for (int i = 0; i < LG_NET_COUNT; i++)
        if (g->net[i] && g->net[i]->prec == LG_PREC_FLOAT) {
            lg_seterr(LG_EINVAL, "%s: network %s computes in float; this needs double (run with --precision "
                      "double)", what, g->net[i]->spec);
            /* a hook that fails on it is worded from the tape's error */
            lg_tape_fail(g->tape, "%s", lg_errmsg());
            return LG_EINVAL;
        }
    return LG_OK;
}

int lg_game_loss_grad(lg_game *g, lg_player p, double *grad)
{
    if (refuse_float(g, "lg_game_loss_grad"))
        return LG_EINVAL;
    saved_state s;
    save_state(g, &s);
    int rc = eval_grad(g, p, grad);
    restore_state(g, &s);
    return rc;
}

typedef struct hvp_ctx {
    lg_game *g;
    lg_player p;
} hvp_ctx;

static int hvp_grad(void *ctx, double *grad)
{
    hvp_ctx *c = ctx;
    lg_game *g = c->g;
    game_vec(g, g->scratch, false, false); /* theta (perturbed) -> nets */
    int rc = eval_grad(g, c->p, grad);
    return rc;
}

int lg_game_hvp(lg_game *g, lg_player p, const double *u, double *out)
{
    if (refuse_float(g, "lg_game_hvp (consensus optimization)"))
        return LG_EINVAL;
    size_t n = lg_game_param_count(g);
    saved_state s;
    save_state(g, &s);
    double *theta = g->scratch;
    game_vec(g, theta, true, false);
    hvp_ctx c = { g, p };
    int rc = lg_fd_hvp(hvp_grad, &c, theta, n, u, out, g->scratch + 2 * n);
    game_vec(g, theta, false, false); /* restored bit for bit by lg_fd_hvp */
    restore_state(g, &s);
    return rc;
}

/* The one finite-difference step of the host. eps balances truncation
 * O(eps^2 |f'''|) against rounding O(macheps |grad| / eps): eps ~ cbrt(macheps)
 * ~ 6e-6 for a unit direction at a point of unit size; dividing by the largest
 * component of the direction and multiplying by the size of the point makes
 * the step a relative one. */
double lg_fd_step(double scale, double dmax)
{
    return dmax > 0 ? 6e-6 * scale / dmax : 0.0;
}

double lg_fd_eps(const double *u, size_t n)
{
    double un = 0;
    for (size_t i = 0; i < n; i++)
        un = fmax(un, fabs(u[i]));
    return lg_fd_step(1.0, un);
}

int lg_fd_hvp(lg_grad_fn grad_fn, void *ctx, double *theta, size_t n, const double *u,
              double *out, double *work)
{
    double eps = lg_fd_eps(u, n);
    if (eps == 0) {
        memset(out, 0, n * sizeof(double));
        return LG_OK;
    }
    double *gp = work, *gm = work + n, *theta0 = work + 2 * n;
    memcpy(theta0, theta, n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        theta[i] = theta0[i] + eps * u[i];
    int rc = grad_fn(ctx, gp);
    for (size_t i = 0; i < n; i++)
        theta[i] = theta0[i] - eps * u[i];
    if (rc == LG_OK)
        rc = grad_fn(ctx, gm);
    memcpy(theta, theta0, n * sizeof(double)); /* bit-exact restore */
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = (gp[i] - gm[i]) / (2.0 * eps);
    return LG_OK;
}
