/*
 * Alternative of Lab 02 (check/alternatives/literal-fabs): a correct gradients.c
 * that differs from the reference. The signed derivatives written out, then
 * their magnitude with fabs: -d and d - 1 (exact for d >= 1/2, Sterbenz).
 */
#include <math.h>
#include "litgan.h"

double lab02_minimax_grad(double d);
double lab02_nonsat_grad(double d);

/* REGION minimax_grad */
double lab02_minimax_grad(double d)
{
    double dl_ds = -d; /* d/ds log(1 - sigmoid(s)) = -sigmoid(s) */
    return fabs(dl_ds);
}
/* END REGION */

/* REGION nonsat_grad */
double lab02_nonsat_grad(double d)
{
    double dl_ds = d - 1.0; /* d/ds (-log sigmoid(s)) = sigmoid(s) - 1 */
    return fabs(dl_ds);
}
/* END REGION */
