/*
 * optim.c - SGD (with momentum), Adam and RMSProp, each a flat loop over one
 * network's parameter buffer, following torch.optim's update rules exactly
 * (same operations in the same order, so double results agree to rounding).
 */
#include "lg_impl.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The valid values (the fourth column, checked by the parameter parser):
 * a learning rate in (0, 10] (beyond, every step overshoots), decays and
 * momenta in [0, 1) (at 1 nothing is forgotten and Adam's bias correction
 * divides by 0), eps in [1e-16, 1] (0 divides 0 by 0 where a gradient is 0),
 * weight decay in [0, 1]. */
static const lg_param_doc sgd_doc[] = {
    { "lr", LG_PARAM_TYPE_DOUBLE, "0.01", "(0, 10]", "learning rate" },
    { "momentum", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1)", "momentum factor (0 = plain SGD)" },
    { "dampening", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1)", "dampening of the momentum" },
    { "nesterov", LG_PARAM_TYPE_INT, "0", "[0, 1]", "1 = Nesterov momentum" },
    { "wd", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1]", "weight decay (L2 added to the gradient)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static const lg_param_doc adam_doc[] = {
    { "lr", LG_PARAM_TYPE_DOUBLE, "0.001", "(0, 10]", "learning rate" },
    { "b1", LG_PARAM_TYPE_DOUBLE, "0.9", "[0, 1)", "decay of the first moment" },
    { "b2", LG_PARAM_TYPE_DOUBLE, "0.999", "[0, 1)", "decay of the second moment" },
    { "eps", LG_PARAM_TYPE_DOUBLE, "1e-8", "[1e-16, 1]", "added to the denominator" },
    { "wd", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1]", "weight decay (L2 added to the gradient)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static const lg_param_doc rmsprop_doc[] = {
    { "lr", LG_PARAM_TYPE_DOUBLE, "0.01", "(0, 10]", "learning rate" },
    { "alpha", LG_PARAM_TYPE_DOUBLE, "0.99", "[0, 1)", "decay of the squared-gradient average" },
    { "eps", LG_PARAM_TYPE_DOUBLE, "1e-8", "[1e-16, 1]", "added to the denominator" },
    { "momentum", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1)", "momentum factor" },
    { "wd", LG_PARAM_TYPE_DOUBLE, "0", "[0, 1]", "weight decay (L2 added to the gradient)" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static const char optim_help[] =
    "optimizers (torch.optim's rules and defaults):\n"
    "  sgd:lr=0.01,momentum=0,dampening=0,nesterov=0,wd=0\n"
    "  adam:lr=0.001,b1=0.9,b2=0.999,eps=1e-8,wd=0\n"
    "  rmsprop:lr=0.01,alpha=0.99,eps=1e-8,momentum=0,wd=0\n"
    "  valid values: lr in (0, 10]; momentum, dampening, b1, b2, alpha in [0, 1);\n"
    "  nesterov 0 or 1 (1 needs momentum > 0 and dampening 0); eps in [1e-16, 1];\n"
    "  wd in [0, 1]\n";

const char *lg_optim_help(void) { return optim_help; }

int lg_optim_parse(const char *spec, size_t n_params, lg_optim **out)
{
    *out = NULL;
    char name[LG_NAME_MAX];
    const char *kv;
    int rc = lg_spec_split(spec, name, &kv);
    if (rc != LG_OK)
        return rc;
    const lg_param_doc *doc;
    lg_optim_kind kind;
    if (strcmp(name, "sgd") == 0)
        doc = sgd_doc, kind = LG_OPTIM_SGD;
    else if (strcmp(name, "adam") == 0)
        doc = adam_doc, kind = LG_OPTIM_ADAM;
    else if (strcmp(name, "rmsprop") == 0)
        doc = rmsprop_doc, kind = LG_OPTIM_RMSPROP;
    else
        return lg_seterr(LG_EINVAL, "optimizer '%s' is unknown (use sgd, adam or rmsprop)", name);
    char what[LG_NAME_MAX + 16];
    snprintf(what, sizeof what, "optimizer %s", name);
    lg_params *p;
    if ((rc = lg_params_parse(doc, kv, what, &p)) != LG_OK)
        return rc;
    lg_optim *o = lg_xcalloc(1, sizeof *o);
    o->kind = kind;
    o->n = n_params;
    o->lr = lg_param_double(p, "lr");
    o->wd = lg_param_double(p, "wd");
    switch (kind) {
    case LG_OPTIM_SGD:
        o->momentum = lg_param_double(p, "momentum");
        o->dampening = lg_param_double(p, "dampening");
        o->nesterov = lg_param_int(p, "nesterov") != 0;
        break;
    case LG_OPTIM_ADAM:
        o->b1 = lg_param_double(p, "b1");
        o->b2 = lg_param_double(p, "b2");
        o->eps = lg_param_double(p, "eps");
        break;
    case LG_OPTIM_RMSPROP:
        o->alpha = lg_param_double(p, "alpha");
        o->eps = lg_param_double(p, "eps");
        o->momentum = lg_param_double(p, "momentum");
        break;
    }
    lg_params_free(p);
    if (o->nesterov && (o->momentum <= 0 || o->dampening != 0)) {
        lg_optim_free(o);
        return lg_seterr(LG_EINVAL, "optimizer '%s': nesterov=1 needs momentum > 0 and dampening=0", spec);
    }
    o->m = lg_xcalloc_big(n_params, sizeof(double));
    o->v = lg_xcalloc_big(n_params, sizeof(double));
    *out = o;
    return LG_OK;
}

void lg_optim_free(lg_optim *o)
{
    if (!o)
        return;
    free(o->m);
    free(o->v);
    free(o->m_f);
    free(o->v_f);
    free(o);
}

/* Each rule's loop is one pass over the buffers. Besides the update it tells
 * whether every updated parameter is finite and whether every gradient was,
 * and sums the gradient's squares in eight interleaved partial sums as
 * lg_sumsq does (the same bits). Finiteness is summed too, in the buffer's own
 * type: x - x is 0 for a finite x and NaN for an infinity or a NaN, so a sum
 * of them is 0 exactly when all were finite (vector adds in the loop's lanes;
 * flags ORed across lanes cost a float pass a shuffle per block of eight);
 * with spend set it zeroes each gradient once used. So a step reads each
 * buffer once: no pass of its own for the gradient norm and its check, nor
 * for the next step's zeroing (lg_optim_spend; step.c), each about 3 % of an
 * MNIST step, while this loop waits on its divisions and square roots.
 *
 * The loops are written once for T = double and T = float (a float run keeps
 * its parameters, gradients and moments in float). In float every scalar is
 * rounded to float first and every operation is a float operation, as
 * torch.optim does it on float tensors; the bias corrections are computed in
 * double, as torch computes them in Python. */

/* The pass around one rule's element update RULE(T, SQRT, k): blocks of eight (partial
 * sum j), then the tail, unrolled so that every j is a constant: a tail loop
 * indexing acc, bad and gbad by a variable kept them in memory, and the main
 * loop then waited on a store and a load per sum and block (about a fifth of
 * the float Adam pass). Uses n, theta, grad, spend, acc, bad, gbad. */
#define SPEND_LOOP(T, SQRT, RULE)                                                             \
    size_t i = 0;                                                                             \
    for (; i + 8 <= n; i += 8)                                                                \
        for (size_t j = 0; j < 8; j++)                                                        \
            SPEND_ELEM(T, SQRT, RULE, i + j, j)                                               \
    _Pragma("GCC unroll 8")                                                                   \
    for (size_t j = 0; j < 8; j++)                                                            \
        if (i + j < n)                                                                        \
            SPEND_ELEM(T, SQRT, RULE, i + j, j)

#define SPEND_ELEM(T, SQRT, RULE, K, J)                                                       \
    {                                                                                         \
        const size_t k = (K);                                                                 \
        acc[J] += (double)grad[k] * grad[k];                                                  \
        gbad[J] += grad[k] - grad[k];                                                         \
        RULE(T, SQRT, k)                                                                      \
        bad[J] += theta[k] - theta[k];                                                        \
        if (spend)                                                                            \
            grad[k] = 0;                                                                      \
    }

/* The rules, element k, as torch.optim writes them */
#define SGD_RULE(T, SQRT, k)                                                                  \
    {                                                                                         \
        T d = grad[k] + wd * theta[k];                                                        \
        if (mom != 0) {                                                                       \
            /* the first step copies the gradient into the buffer */                          \
            m[k] = first ? d : mom * m[k] + damp1 * d;                                        \
            d = nesterov ? d + mom * m[k] : m[k];                                             \
        }                                                                                     \
        theta[k] -= lr * d;                                                                   \
    }
#define ADAM_RULE(T, SQRT, k)                                                                 \
    {                                                                                         \
        T g = grad[k] + wd * theta[k];                                                        \
        m[k] = m[k] * b1 + b1c * g;                                                           \
        v[k] = v[k] * b2 + b2c * g * g;                                                       \
        T denom = SQRT(v[k]) / bc2_sqrt + eps;                                                \
        theta[k] -= step * (m[k] / denom);                                                    \
    }
#define RMSPROP_RULE(T, SQRT, k)                                                              \
    {                                                                                         \
        T g = grad[k] + wd * theta[k];                                                        \
        v[k] = v[k] * alpha + alpha1 * g * g;                                                 \
        T avg = SQRT(v[k]) + eps;                                                             \
        if (mom > 0) {                                                                        \
            m[k] = m[k] * mom + g / avg;                                                      \
            theta[k] -= lr * m[k];                                                            \
        } else {                                                                              \
            theta[k] -= lr * (g / avg);                                                       \
        }                                                                                     \
    }

/* What a pass tells besides the update */
typedef struct pass_out {
    double sumsq;  /* of the gradient */
    int theta_bad; /* an updated parameter is not finite */
    int grad_bad;  /* a gradient is not finite */
} pass_out;

#define PASS_BEGIN(T)                                                                         \
    double acc[8] = { 0 };                                                                    \
    T bad[8] = { 0 }, gbad[8] = { 0 };
#define SUM8(a) (((a)[0] + (a)[4]) + ((a)[2] + (a)[6])) + (((a)[1] + (a)[5]) + ((a)[3] + (a)[7]))
#define PASS_END                                                                              \
    return (pass_out){ SUM8(acc), SUM8(bad) != 0, SUM8(gbad) != 0 };

#define OPTIM_PASSES(T, SFX, SQRT)                                                            \
    LG_SIMD_CLONES                                                                            \
    static pass_out sgd_pass##SFX(const lg_optim *o, size_t n, T *restrict theta, T *restrict grad, \
                                  T *restrict m, int spend)                                   \
    {                                                                                         \
        const T lr = (T)o->lr, wd = (T)o->wd, mom = (T)o->momentum, damp1 = (T)(1.0 - o->dampening); \
        const bool first = o->t == 1, nesterov = o->nesterov;                                 \
        PASS_BEGIN(T)                                                                         \
        SPEND_LOOP(T, SQRT, SGD_RULE)                                                         \
        PASS_END                                                                              \
    }                                                                                         \
                                                                                              \
    LG_SIMD_CLONES                                                                            \
    static pass_out adam_pass##SFX(const lg_optim *o, size_t n, T *restrict theta, T *restrict grad, \
                                   T *restrict m, T *restrict v, int spend)                   \
    {                                                                                         \
        const T wd = (T)o->wd, b1 = (T)o->b1, b2 = (T)o->b2, eps = (T)o->eps;                 \
        const T b1c = (T)(1.0 - o->b1), b2c = (T)(1.0 - o->b2);                               \
        const double bc1 = 1.0 - pow(o->b1, (double)o->t);                                    \
        const T bc2_sqrt = (T)sqrt(1.0 - pow(o->b2, (double)o->t));                           \
        const T step = (T)(o->lr / bc1);                                                      \
        PASS_BEGIN(T)                                                                         \
        SPEND_LOOP(T, SQRT, ADAM_RULE)                                                        \
        PASS_END                                                                              \
    }                                                                                         \
                                                                                              \
    LG_SIMD_CLONES                                                                            \
    static pass_out rmsprop_pass##SFX(const lg_optim *o, size_t n, T *restrict theta, T *restrict grad, \
                                      T *restrict m, T *restrict v, int spend)                \
    {                                                                                         \
        const T lr = (T)o->lr, wd = (T)o->wd, mom = (T)o->momentum, alpha = (T)o->alpha;      \
        const T alpha1 = (T)(1.0 - o->alpha), eps = (T)o->eps;                                \
        PASS_BEGIN(T)                                                                         \
        SPEND_LOOP(T, SQRT, RMSPROP_RULE)                                                     \
        PASS_END                                                                              \
    }

OPTIM_PASSES(double, , sqrt)
OPTIM_PASSES(float, _f, sqrtf)

static lg_spent spent_of(pass_out r) { return (lg_spent){ r.sumsq, !r.grad_bad, !r.theta_bad }; }

/* o's rule on theta and grad with moments M and V, in the precision of SFX */
#define RULE_PASS(SFX, M, V)                                                                  \
    (o->kind == LG_OPTIM_SGD    ? sgd_pass##SFX(o, o->n, theta, grad, M, spend)               \
     : o->kind == LG_OPTIM_ADAM ? adam_pass##SFX(o, o->n, theta, grad, M, V, spend)           \
                                : rmsprop_pass##SFX(o, o->n, theta, grad, M, V, spend))

/* grad is written only when spend is set: lg_optim_update's const is kept */
static lg_spent update(lg_optim *o, double *theta, double *grad, int spend)
{
    o->t++;
    return spent_of(RULE_PASS(, o->m, o->v));
}

bool lg_optim_update(lg_optim *o, double *theta, const double *grad)
{
    return update(o, theta, (double *)grad, 0).theta_finite;
}
lg_spent lg_optim_spend(lg_optim *o, double *theta, double *grad) { return update(o, theta, grad, 1); }
void lg_optim_step(lg_optim *o, double *theta, const double *grad) { (void)lg_optim_update(o, theta, grad); }

/* ------------------------------------------------------------------ float ---
 * A float optimizer's moments live in m_f and v_f while it steps; m and v (the
 * double copies) are what a checkpoint writes and reads, brought up to date
 * by lg_optim_use_double, and read back by the next float step. */
void lg_optim_set_float(lg_optim *o)
{
    if (o->m_f)
        return;
    o->m_f = lg_xcalloc_big(o->n ? o->n : 1, sizeof(float));
    o->v_f = lg_xcalloc_big(o->n ? o->n : 1, sizeof(float));
    o->f_current = false;
}

void lg_optim_use_double(lg_optim *o)
{
    if (!o->m_f || !o->f_current)
        return;
    for (size_t i = 0; i < o->n; i++) {
        o->m[i] = o->m_f[i];
        o->v[i] = o->v_f[i];
    }
    o->f_current = false;
}

static lg_spent update_f(lg_optim *o, float *theta, float *grad, int spend)
{
    LG_ASSERT(o->m_f, "lg_optim_update_f: call lg_optim_set_float first");
    if (!o->f_current) {
        for (size_t i = 0; i < o->n; i++) {
            o->m_f[i] = (float)o->m[i];
            o->v_f[i] = (float)o->v[i];
        }
        o->f_current = true;
    }
    o->t++;
    return spent_of(RULE_PASS(_f, o->m_f, o->v_f));
}

bool lg_optim_update_f(lg_optim *o, float *theta, const float *grad)
{
    return update_f(o, theta, (float *)grad, 0).theta_finite;
}
lg_spent lg_optim_spend_f(lg_optim *o, float *theta, float *grad) { return update_f(o, theta, grad, 1); }
