/*
 * api.c - the accessors of litgan/engine.h over the engine's opaque objects
 * (nets, plugin handles, games; datasets' are in dataset.c): what a program
 * outside the engine reads and sets instead of struct fields.
 */
#include "lg_impl.h"

#include <stdlib.h>
#include <string.h>

const char *lg_version(void) { return "0.7.0"; }

/* ------------------------------------------------------------------- nets --- */

size_t lg_net_in_dim(const lg_net *net) { return net->in_dim; }
size_t lg_net_out_dim(const lg_net *net) { return net->out_dim; }
const char *lg_net_spec(const lg_net *net) { return net->spec; }
void lg_net_set_train(lg_net *net, bool train) { net->train = train; }

void lg_net_forward(lg_net *net, const gsl_matrix *x, gsl_matrix *y)
{
    lg_tape *t = lg_tape_alloc();
    lg_net_forward_on(t, net, x, y);
    lg_tape_free(t);
}

void lg_net_forward_on(lg_tape *t, lg_net *net, const gsl_matrix *x, gsl_matrix *y)
{
    LG_ASSERT(x->size2 == net->in_dim && y->size1 == x->size1 && y->size2 == net->out_dim,
              "lg_net_forward: x is (n, in_dim), y (n, out_dim)");
    bool train = net->train, rg = net->requires_grad;
    net->train = false;
    net->requires_grad = false;
    lg_tape_reset(t);
    lg_node *out = lg_net_apply(t, net, lg_const(t, x));
    gsl_matrix_memcpy(y, lg_value(out));
    net->train = train;
    net->requires_grad = rg;
}

double *lg_net_params(lg_net *net, size_t *n)
{
    lg_net_use_double(net); /* a float net: valid until its next step */
    *n = net->n_params;
    return net->theta;
}

double *lg_net_grads(lg_net *net, size_t *n)
{
    lg_net_use_double(net);
    net->grad_zero = false; /* the caller may write them */
    *n = net->n_params;
    return net->grad;
}

double *lg_net_buffers(lg_net *net, size_t *n)
{
    *n = net->n_buffers;
    return net->buffers;
}

/* ---------------------------------------------------------------- plugins --- */

const lg_plugin *lg_plugin_desc(const lg_plugin_handle *h) { return h->desc; }
const char *lg_plugin_path(const lg_plugin_handle *h) { return h->path; }

/* datasets: dataset.c */

/* ------------------------------------------------------------------ games --- */

int lg_game_alloc(lg_net *G, lg_net *D, lg_net *E, size_t batch, gsl_rng *rng, lg_game **out)
{
    lg_game *g = lg_xcalloc(1, sizeof *g);
    int rc = lg_game_init(g, G, D, E, batch, G->in_dim, rng);
    if (rc != LG_OK) {
        lg_game_clear(g);
        free(g);
        *out = NULL;
        return rc;
    }
    *out = g;
    return LG_OK;
}

void lg_game_free(lg_game *g)
{
    if (!g)
        return;
    lg_game_clear(g);
    free(g);
}

/* A plugin given as a descriptor is not the game's to close: a handle
 * without a dlopen handle (lg_plugin_inst_close leaves it open). */
int lg_game_set_loss_desc(lg_game *g, const lg_plugin *desc, const char *kv)
{
    lg_plugin_inst_close(&g->loss);
    if (!desc || desc->kind != LG_PLUGIN_KIND_LOSS || !desc->d_loss || !desc->g_loss)
        return lg_seterr(LG_EPLUGIN, "the descriptor is not a loss plugin with d_loss and g_loss");
    lg_plugin_handle *h = lg_xcalloc(1, sizeof *h);
    h->desc = desc;
    h->path = lg_xstrdup(desc->name ? desc->name : "(in memory)");
    g->loss.h = h;
    int rc = lg_params_parse(desc->params, kv ? kv : "", h->path, &g->loss.params);
    if (rc != LG_OK)
        lg_plugin_inst_close(&g->loss);
    return rc;
}

int lg_game_set_loss(lg_game *g, const char *spec)
{
    lg_plugin_inst_close(&g->loss);
    return lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &g->loss);
}

int lg_game_add_reg(lg_game *g, const char *spec)
{
    if (g->n_regs == LG_MAX_REGS)
        return lg_seterr(LG_EINVAL, "%s: at most %d regularizers", spec, LG_MAX_REGS);
    int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_REG, &g->regs[g->n_regs]);
    if (rc == LG_OK)
        g->n_regs++;
    return rc;
}

/* As lg_game_set_loss_desc: a handle without a dlopen handle, so the game
 * never closes what it does not own. */
int lg_game_add_reg_desc(lg_game *g, const lg_plugin *desc, const char *kv)
{
    const char *name = desc && desc->name ? desc->name : "(in memory)";
    if (!desc || desc->kind != LG_PLUGIN_KIND_REG)
        return lg_seterr(LG_EPLUGIN, "descriptor %s is not a regularizer (kind LG_PLUGIN_KIND_REG); a loss "
                         "goes to lg_game_set_loss_desc", name);
    if (!desc->add_term && !desc->adjust_grads && !desc->after_step)
        return lg_seterr(LG_EPLUGIN, "regularizer %s has none of the hooks add_term, adjust_grads, "
                         "after_step: give it at least one", name);
    if (g->n_regs == LG_MAX_REGS)
        return lg_seterr(LG_EINVAL, "%s: at most %d regularizers", name, LG_MAX_REGS);
    lg_plugin_inst *ri = &g->regs[g->n_regs];
    memset(ri, 0, sizeof *ri);
    ri->h = lg_xcalloc(1, sizeof *ri->h);
    ri->h->desc = desc;
    ri->h->path = lg_xstrdup(name);
    char what[LG_NAME_MAX + 16];
    snprintf(what, sizeof what, "plugin %s", name);
    int rc = lg_params_parse(desc->params, kv ? kv : "", what, &ri->params);
    const char *why = rc == LG_OK && desc->check_params ? desc->check_params(ri->params) : NULL;
    if (why)
        rc = lg_seterr(LG_EINVAL, "plugin %s: %s", name, why);
    if (rc != LG_OK) {
        lg_plugin_inst_close(ri);
        return rc;
    }
    g->n_regs++;
    return LG_OK;
}

lg_net *lg_game_net(lg_game *g, lg_net_id id) { return id < LG_NET_COUNT ? g->net[id] : NULL; }
gsl_matrix *lg_game_real_batch(lg_game *g) { return g->real; }
gsl_matrix *lg_game_noise_batch(lg_game *g) { return g->noise; }

int lg_game_eval(lg_game *g, lg_player p, double *value, double *grad)
{
    if (!g->loss.h)
        return lg_seterr(LG_EINVAL, "the game has no loss plugin (lg_game_set_loss)");
    lg_node *obj = lg_game_objective(g, p);
    if (!obj)
        return LG_EPLUGIN;
    if (value)
        *value = lg_scalar(obj);
    return grad ? lg_game_loss_grad(g, p, grad) : LG_OK;
}
