/*
 * Alternative of Lab 02 (check/alternatives/lse-chain-rule): a correct
 * gradients.c that differs from the reference. The chain rule left as it comes,
 * sigmoid'(s) over the probability inside the log, with d (1 - d) for sigmoid'(s),
 * and a guard where that quotient is 0/0: 1 - d = 0 (minimax), d = 0 (non-saturating).
 */
#include <math.h>
#include "litgan.h"

double lab02_minimax_grad(double d);
double lab02_nonsat_grad(double d);

/* REGION minimax_grad */
double lab02_minimax_grad(double d)
{
    /* |d/ds log(1 - sigmoid(s))| = sigmoid'(s) / (1 - sigmoid(s)) */
    double one_minus = 1.0 - d;
    if (one_minus == 0.0)
        return 1.0; /* the limit d (1 - d) / (1 - d) -> 1 */
    return d * one_minus / one_minus;
}
/* END REGION */

/* REGION nonsat_grad */
double lab02_nonsat_grad(double d)
{
    /* |d/ds (-log sigmoid(s))| = sigmoid'(s) / sigmoid(s) */
    if (d == 0.0)
        return 1.0;
    return d * (1.0 - d) / d;
}
/* END REGION */
