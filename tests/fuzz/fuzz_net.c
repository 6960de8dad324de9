/*
 * fuzz_net.c - network specs (--g, --d, --e; core/engine/net.c): the cost
 * lg_run_open checks before allocating (lg_net_spec_cost) must agree with the
 * network lg_net_parse builds, and a built network runs a forward pass.
 * Input: the spec. Seeds: tests/fuzz/corpus/net.
 */
#include "fuzz.h"

FUZZ_INIT
{
    char *s = fuzz_str(data, size);
    double np, units;
    int rc = lg_net_spec_cost(s, &np, &units);
    lg_net *net = NULL;
    if (rc != LG_OK || np + units > FUZZ_MAX_UNITS) {
        if (rc != LG_OK)
            LG_ASSERT(lg_net_parse(s, &net) != LG_OK && !net, "a spec the cost refuses, parse refuses");
        free(s);
        return 0;
    }
    LG_ASSERT(lg_net_parse(s, &net) == LG_OK, "a spec the cost accepts, parse accepts");
    LG_ASSERT((double)(net->n_params + net->n_buffers) == np, "the cost counts what parse allocates");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_net_init(net, rng);
    gsl_matrix *x = gsl_matrix_alloc(3, net->in_dim), *y = gsl_matrix_alloc(3, net->out_dim);
    for (size_t i = 0; i < x->size1 * x->size2; i++)
        x->data[i] = gsl_rng_uniform(rng) - 0.5;
    lg_net_forward(net, x, y);
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    gsl_rng_free(rng);
    lg_net_free(net);
    free(s);
    return 0;
}
