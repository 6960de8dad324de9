/*
 * grade_hidden.c - the template lab's hidden test (never in the handout).
 */
#include "template.h"

static void h_large(void)
{
    squares_arg a = { 2, { 1e150, 3.5 } };
    double out[2];
    if (!lg_grade_call("squares", &a, sizeof a, out, 2, "x = 1e150, 3.5"))
        return;
    LG_GRADE_CLOSE(out[0], 1e300, 1e-15, "x = 1e150", "x times x, in double");
    LG_GRADE_CLOSE(out[1], 12.25, 1e-15, "x = 3.5", "x times x");
}

static const lg_grade_test hidden[] = {
    { "90.1", "a large and a fractional number", 1, h_large, LG_HIDDEN },
};

static const lg_lab_module module = {
    .abi_version = LG_LAB_ABI_VERSION,
    .struct_size = sizeof(lg_lab_module),
    .dir = LG_LAB_NAME,
    .tests = hidden,
    .n_tests = 1,
};

LG_LAB_EXPORT const lg_lab_module *litgan_lab_hidden_entry(void) { return &module; }
