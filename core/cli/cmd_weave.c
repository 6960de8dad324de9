/*
 * cmd_weave.c - `litgan weave NN [--run | --no-run] [--out FILE]`: its arguments, then
 * lg_weave_run (core/course/weave/). Exit status: 0 when the report is
 * written, 1 when it could not be or the experiment it ran failed, 2 on a
 * usage error.
 */
#include "cli.h"
#include "litgan/course.h"

static const char help[] =
    "usage: litgan weave NN [--run | --no-run] [--out FILE]\n"
    "\n"
    "Writes one self-contained HTML report of lab NN (default\n"
    "reports/NN-name/index.html): the writeup rendered from labs/NN-name/README.md,\n"
    "each '@code FILE REGION' line replaced by that named code region as it is now,\n"
    "the figures of the lab's experiment (runs/lab-NN/*.png) embedded, its results\n"
    "tables, your answers (labs/NN-name/answers.md) under the questions, and the\n"
    "grade of your code as it stands. It opens in a browser without a network:\n"
    "no external URL; the math is typeset by KaTeX, inlined (Debian libjs-katex).\n"
    "The experiment runs first when its figures are missing; figures older than\n"
    "your code or lab.ini are a warning (on stderr and in the page).\n"
    "\n"
    "  --run        run the experiment again first when its figures are older\n"
    "               than the code (or missing)\n"
    "  --no-run     do not run the experiment, even when its outputs are missing\n"
    "               (the report then says so where the figures would be)\n"
    "  --out FILE   write the report there instead\n";

enum { OPT_NO_RUN = 256, OPT_RUN, OPT_OUT };

int lg_cmd_weave(int argc, char **argv)
{
    static const struct option options[] = { { "no-run", no_argument, 0, OPT_NO_RUN },
                                              { "run", no_argument, 0, OPT_RUN },
                                              { "out", required_argument, 0, OPT_OUT },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *out = NULL;
    int run = LG_WEAVE_RUN_MISSING;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case OPT_NO_RUN: run = LG_WEAVE_NO_RUN; break;
        case OPT_RUN: run = LG_WEAVE_RUN_STALE; break;
        case OPT_OUT: out = optarg; break;
        default: return lg_cli_bad_option("weave", ch, argv);
        }
    }
    const lg_lab *lab = lg_cli_one_lab("weave", argc, argv);
    if (!lab)
        return LG_EXIT_USAGE;
    int rc = lg_weave_run(lab, lg_lab_root(lab), NULL, out, run, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan weave: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
