/*
 * answer.c - the template lab's student file: Task 90.1.
 */
#include "litgan.h"

double template_square(double x);

/* REGION square */
/* Task 90.1: x squared. */
double template_square(double x)
{
    /* BEGIN SOLUTION Task 90.1 */
    return x * x;
    /* END SOLUTION */
    /* STUB (void)x; return lg_todo_value("Task 90.1"); */
}
/* END REGION */
