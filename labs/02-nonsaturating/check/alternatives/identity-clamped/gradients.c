/*
 * Alternative of Lab 02 (check/alternatives/identity-clamped): a correct
 * gradients.c that differs from the reference. d clamped to [0, 1] first (fmin,
 * fmax), the non-saturating magnitude computed from the minimax one.
 */
#include <math.h>
#include "litgan.h"

double lab02_minimax_grad(double d);
double lab02_nonsat_grad(double d);

/* REGION minimax_grad */
double lab02_minimax_grad(double d)
{
    /* d/ds log(1 - sigmoid(s)) = -sigmoid(s) */
    return fmin(fmax(d, 0.0), 1.0);
}
/* END REGION */

/* REGION nonsat_grad */
double lab02_nonsat_grad(double d)
{
    /* d/ds (-log sigmoid(s)) = -(1 - sigmoid(s)): one minus the minimax magnitude */
    return 1.0 - lab02_minimax_grad(d);
}
/* END REGION */
