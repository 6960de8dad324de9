/*
 * cmd_handout.c - `litgan handout OUTDIR [--lab NN] [--force]`: its arguments,
 * then lg_handout_release (core/course/handout/). Exit status: 0 when the release is
 * written, 1 when it could not be (a malformed region, a surviving marker, a
 * folder that is not empty), 2 on a usage error.
 */
#include "cli.h"
#include "litgan/course.h"

#include <stdlib.h>

static const char help[] =
    "usage: litgan handout OUTDIR [--lab NN] [--force]\n"
    "\n"
    "Writes the student release of this source tree into OUTDIR:\n"
    "  - every file git tracks (or would track: new files not yet committed\n"
    "    come along, ignored ones do not), or without git every file outside\n"
    "    build/, build-san/, bin/, runs/ and generated reports;\n"
    "  - minus the instructor's material: tests/, .ci/, labs/*/grade_hidden*.c, labs/*/check/\n"
    "    and whatever a labs/*/handout-exclude file lists;\n"
    "  - with every solution region (BEGIN SOLUTION Task N.M ... END SOLUTION,\n"
    "    then its STUB line) replaced by the STUB's code and a TODO comment;\n"
    "  - with README.md written for students (core/course/handout/README.student.md\n"
    "    filled in with the labs) instead of this tree's, and a Makefile that shows\n"
    "    the warnings of the student files without failing on them;\n"
    "  - plus HANDOUT.md: what students do (build, run, grade, weave), where the stubs are.\n"
    "Nothing is written when a region is malformed (each error names its file\n"
    "and line). After writing, OUTDIR is scanned and the command fails if any\n"
    "marker survived.\n"
    "\n"
    "  --lab NN  release one stage of the course: the labs before NN with their\n"
    "            solutions released (their code in place, no markers), lab NN\n"
    "            stubbed, the labs after NN left out (folders, student files,\n"
    "            README rows). Without it: every lab, every solution stubbed.\n"
    "  --force   write into OUTDIR even when it is not empty (files are\n"
    "            overwritten, others are kept)\n";

enum { OPT_FORCE = 256, OPT_LAB };

int lg_cmd_handout(int argc, char **argv)
{
    static const struct option options[] = { { "force", no_argument, 0, OPT_FORCE },
                                              { "lab", required_argument, 0, OPT_LAB },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool force = false;
    int ch, stage = 0;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case OPT_FORCE: force = true; break;
        case OPT_LAB: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 99) {
                fprintf(stderr, "litgan handout: --lab takes a lab's number, e.g. --lab 02 (got '%s'; see litgan "
                                "handout --help)\n", optarg);
                return LG_EXIT_USAGE;
            }
            stage = (int)n;
            break;
        }
        default: return lg_cli_bad_option("handout", ch, argv);
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "litgan handout: name the folder to write, e.g. litgan handout ../litgan-student "
                        "(see litgan handout --help)\n");
        return LG_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "litgan handout: one OUTDIR only (got '%s' and '%s'; see litgan handout --help)\n",
                argv[optind], argv[optind + 1]);
        return LG_EXIT_USAGE;
    }
    int rc = lg_handout_release(lg_source_root(), argv[optind], stage, force, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan handout: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
