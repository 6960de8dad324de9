/*
 * fuzz_optim.c - optimizer specs (--opt-d, --opt-g; core/engine/optim.c):
 * parsed for 4 parameters, then a few steps taken with it.
 * Input: the spec. Seeds: tests/fuzz/corpus/optim.
 */
#include "fuzz.h"

FUZZ_INIT
{
    char *s = fuzz_str(data, size);
    lg_optim *o = NULL;
    if (lg_optim_parse(s, 4, &o) == LG_OK) {
        double theta[4] = { 0.5, -1, 2, 0 }, grad[4] = { 0.1, -0.2, 0, 3 };
        for (int k = 0; k < 3; k++)
            lg_optim_step(o, theta, grad);
        lg_optim_free(o);
    } else {
        LG_ASSERT(!o, "a refused spec leaves no optimizer");
    }
    free(s);
    return 0;
}
