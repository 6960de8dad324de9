/*
 * fuzz_labini.c - a lab's lab.ini as the registry reads it (core/course/
 * labs.c: title, student files, [task N.M] and [question N] sections with
 * points), checked against a lab object without tests. An accepted lab lists
 * its tasks, questions and files. Input: the file. Seeds: tests/fuzz/corpus/
 * labini (the labs' lab.ini).
 */
#include "fuzz.h"
#include "lg_course.h"

FUZZ_INIT
{
    char path[PATH_MAX];
    fuzz_write("lab.ini", data, size, path, sizeof path);
    const lg_lab_module m = { LG_LAB_ABI_VERSION, sizeof m, "01-fuzz", NULL, 0, NULL };
    lg_lab *lab = NULL;
    if (lg_lab_open(fuzz_dir, "01-fuzz", path, &m, NULL, &lab) == LG_OK) {
        const char *title;
        double points;
        for (size_t k = 0; k < lg_lab_task_count(lab); k++)
            LG_ASSERT(lg_lab_task(lab, k, &title, &points) && title && points >= 0, "a task has a title");
        for (size_t k = 0; k < lg_lab_question_count(lab); k++)
            LG_ASSERT(lg_lab_question(lab, k, &title, &points) && title && points >= 0, "a question has a title");
        for (size_t i = 0; lg_lab_file(lab, i); i++)
            LG_ASSERT(*lg_lab_file(lab, i), "a student file has a name");
        lg_lab_close(lab);
    } else {
        LG_ASSERT(!lab, "a refused lab.ini leaves no lab");
    }
    return 0;
}
