/*
 * cli.c - `litgan grade NN [--submission DIR] [--json FILE]` and
 * `litgan grade-all NN DIR [-j N] [--out OUTDIR]`: their arguments and exit
 * statuses (0 everything passed / graded, 1 a test failed / a submission could
 * not be graded, 2 a usage or grader error). The work is in run.c and jobs.c.
 */
#include "grade_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------- litgan grade --- */

static const char grade_help[] =
    "usage: litgan grade NN [--submission DIR] [--json FILE]\n"
    "\n"
    "Grades lab NN (01 or 01-minimax): builds the lab's student files - from DIR,\n"
    "which holds them by name (gan.c, optimal.c, ...), or from the source tree as it\n"
    "stands - and runs the lab's grading tests, one suite per task. Student code runs\n"
    "only in sandboxed child processes (CPU, memory and wall-clock limits, no files,\n"
    "no new processes); a crash, a hang or a NaN costs only that test's points.\n"
    "\n"
    "Prints a table per task with, for each failed test, the input, the expected and\n"
    "the actual value and a hint. --json FILE also writes Gradescope's results.json.\n"
    "Exit status: 0 when every test passed, 1 when a test failed, 2 on a usage or\n"
    "grader error.\n"
    "\n"
    "Environment: LITGAN_GRADE_LIMITS=cpu=S,wall=S,memory=MiB changes the limits of\n"
    "each computation (default cpu=10,wall=10,memory=1024); LITGAN_HOME the source tree.\n";

int lg_grade_main(int argc, char **argv)
{
    const char *which = NULL, *sub = NULL, *json = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(grade_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--submission") || !strcmp(argv[i], "--json")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litgan grade: %s needs a value (see --help)\n", argv[i]);
                return 2;
            }
            *(argv[i][2] == 's' ? &sub : &json) = argv[i + 1];
            i++;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan grade: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!which) {
            which = argv[i];
        } else {
            fprintf(stderr, "litgan grade: one lab at a time (got '%s' and '%s')\n", which,
                    argv[i]);
            return 2;
        }
    }
    if (!which) {
        fprintf(stderr, "litgan grade: name a lab, e.g. litgan grade 01 (see --help)\n");
        return 2;
    }
    const lg_lab *lab = lg_lab_find(which);
    if (!lab) {
        fprintf(stderr, "litgan grade: %s\n", lg_errmsg());
        return 2;
    }
    struct stat st;
    if (sub && (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "litgan grade: submission folder %s not found\n", sub);
        return 2;
    }
    double score = 0, max = 0;
    int rc = lg_grade_lab(lab, sub, json, stdout, &score, &max);
    if (rc == LG_OK)
        return 0;
    if (rc == LG_EINVAL)
        return 1;
    fprintf(stderr, "litgan grade: %s\n", lg_errmsg());
    return 2;
}

/* ------------------------------------------------------ litgan grade-all --- */

static const char grade_all_help[] =
    "usage: litgan grade-all NN DIR [-j N] [--out OUTDIR]\n"
    "\n"
    "Grades every folder in DIR as a submission of lab NN (as litgan grade NN\n"
    "--submission DIR/NAME), N at a time (default: the number of CPUs). Writes, in\n"
    "OUTDIR (default grades-NN-name): NAME.json (Gradescope results) and NAME.txt (the\n"
    "table) per submission, and grades.csv with one row per submission: submission,\n"
    "score, max_score, then one column per task.\n"
    "Exit status: 0 when every submission was graded (whatever its score), 1 when\n"
    "one could not be graded, 2 on a usage error.\n";

int lg_grade_all_main(int argc, char **argv)
{
    const char *which = NULL, *dir = NULL, *out = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(grade_all_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litgan grade-all: %s needs a value (see --help)\n", argv[i]);
                return 2;
            }
            if (argv[i][1] == 'j') {
                char *end;
                jobs = strtol(argv[i + 1], &end, 10);
                if (*end || jobs < 1 || jobs > 256) {
                    fprintf(stderr, "litgan grade-all: -j needs a number from 1 to 256\n");
                    return 2;
                }
            } else {
                out = argv[i + 1];
            }
            i++;
        } else if (!strncmp(argv[i], "-j", 2) && argv[i][2]) {
            char *end;
            jobs = strtol(argv[i] + 2, &end, 10);
            if (*end || jobs < 1 || jobs > 256) {
                fprintf(stderr, "litgan grade-all: -j needs a number from 1 to 256\n");
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan grade-all: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!which) {
            which = argv[i];
        } else if (!dir) {
            dir = argv[i];
        } else {
            fprintf(stderr, "litgan grade-all: unexpected argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (!which || !dir) {
        fprintf(stderr, "litgan grade-all: name a lab and a folder of submissions, e.g. "
                        "litgan grade-all 01 submissions/ (see --help)\n");
        return 2;
    }
    if (jobs < 1)
        jobs = 1;
    const lg_lab *lab = lg_lab_find(which);
    if (!lab) {
        fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
        return 2;
    }
    char out_default[300];
    if (!out) {
        snprintf(out_default, sizeof out_default, "grades-%s", lab->dir);
        out = out_default;
    }
    return lg_grade_all_run(lab, dir, out, jobs);
}
