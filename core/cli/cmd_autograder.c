/*
 * cmd_autograder.c - `litgan autograder NN OUT.zip [--force]`: its arguments,
 * then lg_autograder_run (core/course/autograder.c). Exit status: 0 when the
 * package is written, 1 when it could not be (OUT.zip exists, zip missing or
 * failing, not a source tree), 2 on a usage error (an unknown lab, a lab that
 * cannot be used, missing arguments).
 */
#include "cli.h"
#include "litgan/course.h"

static const char help[] =
    "usage: litgan autograder NN OUT.zip [--force]\n"
    "\n"
    "Writes OUT.zip, a Gradescope autograder for lab NN (upload it as the\n"
    "autograder of a programming assignment; Ubuntu base image). Gradescope unpacks\n"
    "it into /autograder/source; at its top:\n"
    "  setup.sh        run once, as root, when Gradescope builds the image: installs\n"
    "                  the Debian packages (core/deps.sh), builds litgan (make),\n"
    "                  removes every lab's reference student files (lab.ini's files)\n"
    "                  and the plugins built from them, labs/*/grade_hidden*.c,\n"
    "                  labs/*/check/, tests/, .ci/, .git, then makes the tree readable\n"
    "                  by root only but for the runner and liblitgan;\n"
    "  run_autograder  for each submission: litgan grade NN --submission\n"
    "                  /autograder/submission --json /autograder/results/results.json\n"
    "                  (a results.json with score 0 and the reason when the grader\n"
    "                  itself fails); the grader's exit status;\n"
    "and the instructor's source tree this litgan was built from: the files git\n"
    "lists (tracked, and untracked ones git does not ignore: keep submissions and\n"
    "grades out of the tree), or without git every file outside build/, build-san/,\n"
    "bin/, runs/ and generated reports; grades-*/ folders are left out. A student\n"
    "submits the lab's files by name (gan.c, optimal.c, ...) at the top of the\n"
    "submission.\n"
    "\n"
    "  --force   replace OUT.zip when it exists\n"
    "\n"
    "Needs Info-ZIP's zip (Debian package zip; sh core/deps.sh installs it).\n"
    "Exit status: 0 written, 1 not written (the reason in one line), 2 a usage error.\n";

enum { OPT_FORCE = 256 };

int lg_cmd_autograder(int argc, char **argv)
{
    static const struct option options[] = { { "force", no_argument, 0, OPT_FORCE },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool force = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case OPT_FORCE: force = true; break;
        default: return lg_cli_bad_option("autograder", ch, argv);
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "litgan autograder: name a lab and the zip to write, e.g. litgan autograder 01 "
                        "lab01-autograder.zip (see litgan autograder --help)\n");
        return LG_EXIT_USAGE;
    }
    if (argc - optind > 2) {
        fprintf(stderr, "litgan autograder: unexpected argument '%s' (see litgan autograder --help)\n",
                argv[optind + 2]);
        return LG_EXIT_USAGE;
    }
    const lg_lab *lab = lg_lab_find(argv[optind]);
    if (!lab) {
        fprintf(stderr, "litgan autograder: %s\n", lg_errmsg());
        return LG_EXIT_USAGE;
    }
    int rc = lg_autograder_run(lab, argv[optind + 1], force, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan autograder: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
