/*
 * cmd_lab.c - `litgan lab NN [--out DIR] [--smoke | --full]`: its arguments, then
 * lg_lab_experiment_run (core/course/labcmd.c). Exit status: 0 when the
 * experiment ran, 1 when it failed, 2 on a usage error.
 */
#include "cli.h"
#include "litgan/course.h"

static const char help[] =
    "usage: litgan lab NN [--out DIR] [--smoke | --full | --profile NAME]\n"
    "\n"
    "Runs lab NN's experiment (labs/NN-name/lab.ini) with the plugins as they stand\n"
    "and writes its data, gnuplot scripts, figures (PNG) and results.md into DIR\n"
    "(default runs/lab-NN in the source tree). Rerun a figure there with: gnuplot NAME.gp\n"
    "A script you edited there is kept on the next run and draws the figure; the lab's\n"
    "version is written beside it as NAME.gp.new (scripts.sums records what litgan wrote).\n"
    "If your code crashes, the message names the file, the function and the training\n"
    "step, with the gdb command that reruns it in the debugger.\n"
    "\n"
    "  --out DIR   write there instead\n"
    "  --smoke     the short run of lab.ini's [smoke] section (seconds; what the tests run)\n"
    "  --full      the longer run of lab.ini's [full] section, for the writeup's full\n"
    "              figures (labs whose default run is short; its time is in litgan labs)\n"
    "  --profile NAME  lab.ini's [NAME] section: smoke, full, or a variant of the full\n"
    "              run [full-NAME] (litgan lab 06 --profile full-conv: the DCGAN nets)\n"
    "\n"
    "labs:\n";

enum { OPT_OUT = 256, OPT_SMOKE, OPT_FULL, OPT_PROFILE };

int lg_cmd_lab(int argc, char **argv)
{
    static const struct option options[] = { { "out", required_argument, 0, OPT_OUT },
                                              { "smoke", no_argument, 0, OPT_SMOKE },
                                              { "full", no_argument, 0, OPT_FULL },
                                              { "profile", required_argument, 0, OPT_PROFILE },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *out = NULL, *profile = NULL;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(help, stdout);
            for (size_t i = 0; i < lg_lab_count(); i++) {
                const lg_lab *l = lg_lab_at(i);
                printf("  %02d  %-22s %s\n", lg_lab_number(l), lg_lab_dir(l), lg_lab_error(l) ? lg_lab_error(l) : lg_lab_title(l));
            }
            return LG_EXIT_OK;
        case OPT_OUT: out = optarg; break;
        case OPT_SMOKE: profile = "smoke"; break;
        case OPT_FULL: profile = "full"; break;
        case OPT_PROFILE: profile = optarg; break;
        default: return lg_cli_bad_option("lab", ch, argv);
        }
    }
    const lg_lab *lab = lg_cli_one_lab("lab", argc, argv);
    if (!lab)
        return LG_EXIT_USAGE;
    int rc = lg_lab_experiment_run(lab, out, profile, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan lab: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
