/*
 * gradients.c - Lab 02, Task 2.2: how strongly each generator loss pushes a fake
 * sample, as a function of how sure the discriminator is that it is fake.
 *
 * D outputs a logit s for a fake sample G(z), D(G(z)) = d = sigmoid(s). Per fake
 * sample the generator minimises
 *   minimax        (gan.c):   log(1 - sigmoid(s))
 *   non-saturating (nsgan.c): -log sigmoid(s)
 * and every gradient that reaches G's parameters passes through the derivative of
 * that loss with respect to s (the chain rule: dL/dtheta = dL/ds * ds/dtheta).
 * The functions below return the magnitude |dL/ds| at the logit where
 * sigmoid(s) = d, for 0 <= d <= 1.
 *
 * Built by the grader on its own:
 *   cc -std=c11 -O2 -fPIC -shared -I<root>/core/include $(pkg-config --cflags gsl)
 */
#include <math.h>
#include "litgan.h"

double lab02_minimax_grad(double d);
double lab02_nonsat_grad(double d);

/* REGION minimax_grad */
/* Task 2.2: |d/ds log(1 - sigmoid(s))| where sigmoid(s) = d. */
double lab02_minimax_grad(double d)
{
    /* BEGIN SOLUTION Task 2.2 */
    /* sigmoid'(s) = sigmoid(s) (1 - sigmoid(s)), so
     *   d/ds log(1 - sigmoid(s)) = -sigmoid(s) (1 - sigmoid(s)) / (1 - sigmoid(s)) = -sigmoid(s)
     * and its magnitude is d itself: it vanishes as D rejects the fakes (d -> 0). */
    return d;
    /* END SOLUTION */
    /* STUB (void)d; return lg_todo_value("Task 2.2"); */
}
/* END REGION */

/* REGION nonsat_grad */
/* Task 2.2: |d/ds (-log sigmoid(s))| where sigmoid(s) = d. */
double lab02_nonsat_grad(double d)
{
    /* BEGIN SOLUTION Task 2.2 */
    /* d/ds (-log sigmoid(s)) = -sigmoid(s) (1 - sigmoid(s)) / sigmoid(s) = -(1 - sigmoid(s)),
     * magnitude 1 - d: largest (1) exactly where the minimax one vanishes. For d >= 1/2,
     * 1 - d is exact in double (Sterbenz), so it stays accurate as d -> 1. */
    return 1.0 - d;
    /* END SOLUTION */
    /* STUB (void)d; return lg_todo_value("Task 2.2"); */
}
/* END REGION */
