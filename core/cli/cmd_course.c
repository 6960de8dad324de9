/*
 * cmd_course.c - the course's commands lab, handout and weave. Their options
 * are still parsed by the course library's *_main functions (lg_course.h);
 * this file maps their statuses to exit codes. (grade, grade-all: cmd_grade.c)
 */
#include "cli.h"
#include "lg_course.h"

int lg_cmd_lab(int argc, char **argv)
{
    int rc = lg_lab_main(argc - 1, argv + 1);
    if (rc != LG_OK)
        fprintf(stderr, "litgan lab: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}

int lg_cmd_handout(int argc, char **argv)
{
    return lg_handout_main(argc - 1, argv + 1) == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}

int lg_cmd_weave(int argc, char **argv)
{
    return lg_weave_main(argc - 1, argv + 1) == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
