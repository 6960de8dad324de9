/*
 * cmd_pack.c - `litgan pack NN [--out FILE] [--force]`: its arguments, then
 * lg_pack_run (core/course/pack.c). Exit status: 0 when the archive is written
 * (whatever its score), 1 when it is refused (answers.md missing or untouched,
 * a file that does not compile, FILE exists), 2 on a usage error.
 */
#include "cli.h"
#include "litgan/course.h"

static const char help[] =
    "usage: litgan pack NN [--out FILE] [--force]\n"
    "\n"
    "Packs your submission of lab NN (01 or 01-minimax) from the source tree as it\n"
    "stands into one zip, ready to hand in (Gradescope takes it as it is). At its\n"
    "top, by name: the lab's student files (gan.c, optimal.c, ... as lab.ini lists\n"
    "them), answers.md (labs/NN-name/answers.md, your written answers) and the report\n"
    "as report.html (reports/NN-name/index.html: a line says when it is missing or\n"
    "older than your files, and that litgan weave NN makes it).\n"
    "\n"
    "answers.md is required: one '## ' heading per question, your answer under it.\n"
    "A heading with nothing under it but the template's <!-- prompts --> has no\n"
    "answer yet: it is named and packed; a file none of whose headings has an answer\n"
    "is the untouched template and is refused.\n"
    "\n"
    "Before it is written, the archive is unpacked into a private folder and graded\n"
    "there as a submission (litgan grade NN --submission DIR, in the sandbox): a file\n"
    "that does not compile refuses it, with the compiler's first error; failing tests\n"
    "do not (the score is printed). Then: where the zip is, its size and contents.\n"
    "\n"
    "  --out FILE   the zip to write (default lab-NN-submission.zip, here)\n"
    "  --force      replace FILE when it exists (never without)\n"
    "\n"
    "Needs Info-ZIP's zip and unzip (sh core/deps.sh installs them).\n"
    "Exit status: 0 written, 1 refused (the reason in one line), 2 a usage error.\n";

enum { OPT_OUT = 256, OPT_FORCE };

int lg_cmd_pack(int argc, char **argv)
{
    static const struct option options[] = { { "out", required_argument, 0, OPT_OUT },
                                              { "force", no_argument, 0, OPT_FORCE },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *out = NULL;
    bool force = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case OPT_OUT: out = optarg; break;
        case OPT_FORCE: force = true; break;
        default: return lg_cli_bad_option("pack", ch, argv);
        }
    }
    const lg_lab *lab = lg_cli_one_lab("pack", argc, argv);
    if (!lab)
        return LG_EXIT_USAGE;
    if (out && !*out) {
        fprintf(stderr, "litgan pack: --out needs a file name, e.g. --out lab-01-submission.zip\n");
        return LG_EXIT_USAGE;
    }
    int rc = lg_pack_run(lab, out, force, stderr);
    if (rc != LG_OK)
        fprintf(stderr, "litgan pack: %s\n", lg_errmsg());
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
