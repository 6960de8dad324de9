/*
 * grade.c - the template lab's visible tests and its descriptor. Expected
 * values are computed here, never by student code (which runs in the sandbox).
 */
#include "template.h"

static void check(const squares_arg *a, const char *input, const char *hint)
{
    double out[8];
    if (!lg_grade_call("squares", a, sizeof *a, out, a->n, input))
        return;
    for (size_t i = 0; i < a->n; i++)
        LG_GRADE_CLOSE(out[i], a->x[i] * a->x[i], 1e-15, input, hint);
}

static void t_small(void)
{
    squares_arg a = { 3, { 0, 1, 2 } };
    check(&a, "x = 0, 1, 2", "x times x");
}

static void t_negative(void)
{
    squares_arg a = { 2, { -3, -0.5 } };
    check(&a, "x = -3, -0.5", "the square of a negative number is positive");
}

static const lg_grade_test tests[] = {
    { "90.1", "small numbers", 1, t_small, LG_VISIBLE },
    { "90.1", "negative numbers", 1, t_negative, LG_VISIBLE },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME, /* the folder's name, from the Makefile */
    .tests = tests,
    .n_tests = sizeof tests / sizeof tests[0],
    .experiment = template_experiment,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_entry(void) { return &module; }
