/*
 * check_results.c - `make autograder-test`'s reader of a Gradescope
 * results.json (with jansson, not litgan's code): prints
 *     score S max M tests N
 * (M: the top-level max_score, else the sum of the tests' max_score) and the
 * top-level output's first line; exit status 0 when the file is JSON with a
 * numeric score, a tests array whose scores add up to it, and an output
 * string; 1 otherwise (with one line saying why).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check_results RESULTS.json\n");
        return 2;
    }
    json_error_t err;
    json_t *root = json_load_file(argv[1], 0, &err);
    if (!root) {
        printf("%s: not JSON: line %d: %s\n", argv[1], err.line, err.text);
        return 1;
    }
    json_t *score = json_object_get(root, "score"), *tests = json_object_get(root, "tests"),
           *max = json_object_get(root, "max_score"), *output = json_object_get(root, "output");
    if (!json_is_number(score) || !json_is_array(tests) || !json_is_string(output)) {
        printf("%s: no numeric score, tests array and output string\n", argv[1]);
        json_decref(root);
        return 1;
    }
    double sum = 0, sum_max = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t) {
        sum += json_number_value(json_object_get(t, "score"));
        sum_max += json_number_value(json_object_get(t, "max_score"));
    }
    double s = json_number_value(score), m = json_is_number(max) ? json_number_value(max) : sum_max;
    const char *out = json_string_value(output);
    printf("score %g max %g tests %zu\n%.*s\n", s, m, json_array_size(tests), (int)strcspn(out, "\n"), out);
    int bad = json_array_size(tests) > 0 && fabs(sum - s) > 1e-9;
    if (bad)
        printf("%s: the tests' scores add up to %g, not %g\n", argv[1], sum, s);
    json_decref(root);
    return bad;
}
