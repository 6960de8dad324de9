/*
 * fuzz_answers.c - a student's answers.md (core/course/answers.c,
 * lg_answers_parse, lg_answers_key), as weave and pack read it. Every section
 * has a heading and a body; line numbers grow. Input: the file's text.
 * Seeds: tests/fuzz/corpus/answers (the labs' answers.md).
 */
#include "fuzz.h"
#include "lg_answers.h"

FUZZ_INIT
{
    char *s = fuzz_str(data, size);
    lg_answers a = { 0 };
    lg_answers_parse(s, &a);
    for (size_t i = 0; i < a.n; i++) {
        LG_ASSERT(a.v[i].heading && a.v[i].body, "a section has a heading and a body");
        LG_ASSERT(i == 0 || a.v[i].line > a.v[i - 1].line, "sections in order");
        int number;
        char task[16];
        (void)lg_answers_key(a.v[i].heading, &number, task, sizeof task);
    }
    lg_answers_free(&a);
    int number;
    char task[16];
    (void)lg_answers_key(s, &number, task, sizeof task);
    free(s);
    return 0;
}
