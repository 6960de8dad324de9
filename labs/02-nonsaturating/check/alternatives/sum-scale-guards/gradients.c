/*
 * Alternative of Lab 02 (check/alternatives/sum-scale-guards): a correct
 * gradients.c that differs from the reference. The ends handled first by
 * explicit guards, written as comparisons the other way round (0 >= d, d >= 1).
 */
#include <math.h>
#include "litgan.h"

double lab02_minimax_grad(double d);
double lab02_nonsat_grad(double d);

/* REGION minimax_grad */
double lab02_minimax_grad(double d)
{
    if (0.0 >= d)
        return 0.0; /* D rejects the fake outright: no gradient (saturated) */
    if (d >= 1.0)
        return 1.0;
    return d;
}
/* END REGION */

/* REGION nonsat_grad */
double lab02_nonsat_grad(double d)
{
    if (0.0 >= d)
        return 1.0;
    if (d >= 1.0)
        return 0.0; /* D is fooled: nothing left to push */
    return 1.0 - d;
}
/* END REGION */
