/*
 * cmd_grade.c - `litgan grade NN [--submission DIR] [--json FILE] [--rubric FILE]`
 * and `litgan grade-all NN DIR [-j N] [--out OUTDIR] [--only NAME] [--rubric FILE]`:
 * their arguments, then lg_grade_lab_rubric / lg_grade_all (core/course/grade/). Exit status: grade 0 when
 * every test passed, 1 when a test failed; grade-all 0 when every submission
 * was graded (whatever its score), 1 when one could not be graded; both 2 on a
 * usage error or an error of the grader itself.
 */
#include "cli.h"
#include "litgan/course.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

/* ---------------------------------------------------------- litgan grade --- */

static const char grade_help[] =
    "usage: litgan grade NN [--submission DIR] [--json FILE]\n"
    "                       [--rubric FILE | --tests-only]\n"
    "\n"
    "Grades lab NN (01 or 01-minimax): builds the lab's student files - from DIR,\n"
    "which holds them by name (gan.c, optimal.c, ...), or from the source tree as it\n"
    "stands - and runs the lab's grading tests, one suite per task. Student code runs\n"
    "only in a fresh runner process under bubblewrap (CPU, memory and wall-clock\n"
    "limits, a system-call allowlist, nothing of the machine in view but the system\n"
    "libraries and the submission); a crash, a hang or a NaN costs only that test's\n"
    "points. Where bubblewrap cannot run, one line on stderr says the sandbox is weaker.\n"
    "\n"
    "Prints a table per task with, for each failed test, the input, the expected and\n"
    "the actual value and a hint. --json FILE also writes Gradescope's results.json\n"
    "(readable by its owner only; extra_data.litgan records the grader: version, a\n"
    "CRC-32 of the lab's tests, compiler, BLAS).\n"
    "\n"
    "The lab's written questions (answered in answers.md, graded by the instructors)\n"
    "follow the table, as tests of their own in the JSON: \"not graded yet\", or with\n"
    "--rubric FILE the points FILE gives DIR (its rows: submission,question,points,\n"
    "comment; the submission is DIR's folder name, see litgan grade-all --help). The\n"
    "total then counts the tests and the questions graded so far. --tests-only\n"
    "leaves the questions out (grade-all grades each submission so, then adds them).\n"
    "\n"
    "Each student file is read once, as a regular file of at most 1 MiB: a symbolic\n"
    "link, a FIFO or a folder in its place is refused with one line. Everything the\n"
    "student's code or compiler prints reaches the table and the JSON sanitised (no\n"
    "control characters, valid UTF-8, 1000 bytes a message at most).\n"
    "\n"
    "Exit status: 0 when every test passed, 1 when a test failed, 2 on a usage or\n"
    "grader error.\n"
    "\n"
    "Environment: LITGAN_GRADE_LIMITS=cpu=S,wall=S,memory=MiB,total=S changes the\n"
    "limits of each computation and of a whole submission (default cpu=10,wall=10,\n"
    "memory=1024,total=60); LITGAN_SANDBOX=weak runs the runner without bubblewrap,\n"
    "=bwrap refuses to grade without it; LITGAN_HOME the source tree.\n";

enum { OPT_SUBMISSION = 256, OPT_JSON, OPT_RUBRIC, OPT_TESTS_ONLY };

int lg_cmd_grade(int argc, char **argv)
{
    static const struct option options[] = {
        { "submission", required_argument, 0, OPT_SUBMISSION }, { "json", required_argument, 0, OPT_JSON },
        { "rubric", required_argument, 0, OPT_RUBRIC }, { "tests-only", no_argument, 0, OPT_TESTS_ONLY },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    const char *sub = NULL, *json = NULL, *rubric = NULL;
    bool tests_only = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(grade_help, stdout); return LG_EXIT_OK;
        case OPT_SUBMISSION: sub = optarg; break;
        case OPT_JSON: json = optarg; break;
        case OPT_RUBRIC: rubric = optarg; break;
        case OPT_TESTS_ONLY: tests_only = true; break;
        default: return lg_cli_bad_option("grade", ch, argv);
        }
    }
    const lg_lab *lab = lg_cli_one_lab("grade", argc, argv);
    if (!lab)
        return LG_EXIT_USAGE;
    if (rubric && tests_only) {
        fprintf(stderr, "litgan grade: --rubric and --tests-only exclude each other (see litgan grade --help)\n");
        return LG_EXIT_USAGE;
    }
    if (rubric && !sub) {
        fprintf(stderr, "litgan grade: --rubric needs --submission DIR (the rubric's rows name submission "
                        "folders; see litgan grade --help)\n");
        return LG_EXIT_USAGE;
    }
    lg_sandbox_kind sandbox = lg_sandbox_mode();
    if (sandbox == LG_SANDBOX_NONE) {
        fprintf(stderr, "litgan grade: %s\n", lg_sandbox_describe(sandbox));
        return LG_EXIT_USAGE;
    }
    if (sandbox == LG_SANDBOX_WEAK)
        fprintf(stderr, "litgan grade: the sandbox is %s\n", lg_sandbox_describe(sandbox));
    int rc = tests_only ? lg_grade_lab(lab, sub, json, stdout, NULL, NULL)
                        : lg_grade_lab_rubric(lab, sub, rubric, json, stdout, NULL, NULL);
    if (rc == LG_OK)
        return LG_EXIT_OK;
    if (rc == LG_EINVAL) /* a test failed: the table says which */
        return LG_EXIT_FAIL;
    fprintf(stderr, "litgan grade: %s\n", lg_errmsg());
    return LG_EXIT_USAGE;
}

/* ------------------------------------------------------ litgan grade-all --- */

static const char grade_all_help[] =
    "usage: litgan grade-all NN DIR [-j N] [--out OUTDIR] [--only NAME]\n"
    "                        [--rubric FILE] [--weaker-sandbox]\n"
    "\n"
    "Grades every folder in DIR as a submission of lab NN (as litgan grade NN\n"
    "--submission DIR/NAME), N at a time (default: the number of CPUs). Writes, in\n"
    "OUTDIR (default grades-NN-name): NAME.json (Gradescope results) and NAME.txt (the\n"
    "table) per submission, and grades.csv with one row per submission: submission,\n"
    "score, max_score, one column per task, then what graded it: litgan_version,\n"
    "tests_crc32 (a CRC-32 of the lab's test objects and test table), compiler and\n"
    "blas (results.json has the same under extra_data.litgan). The files are readable\n"
    "by their owner only (0600); OUTDIR, when made here, too (0700).\n"
    "\n"
    "Written answers: the instructors' points for the lab's questions (lab.ini's\n"
    "[question N]; the answer key is labs/NN-name/check/rubric.md) are read from\n"
    "DIR/rubric.csv when it exists, or from --rubric FILE:\n"
    "    submission,question,points,comment\n"
    "    alice,3,1.5,\"right idea, no formula\"\n"
    "one row per graded answer (blank lines and # lines skipped; a comment with a\n"
    "comma quoted). It is checked before anything is graded: an unknown\n"
    "submission or question, points that are not a number, negative or above the\n"
    "question's points, or an answer graded twice stops grade-all with FILE:LINE.\n"
    "Each question becomes a test of NAME.json (\"Question 3 (written)\", the comment\n"
    "its output), a block under NAME.txt's table and a column of grades.csv (before\n"
    "questions_not_graded). A question without a row is \"not graded yet\" (an empty\n"
    "cell): score and max_score count the tests and the questions graded so far.\n"
    "\n"
    "  --only NAME  regrade the one folder DIR/NAME: its NAME.json and NAME.txt are\n"
    "               replaced and its row of grades.csv (added if missing); the other\n"
    "               files and rows stay as they were\n"
    "  --weaker-sandbox  grade even where bubblewrap cannot run (no user namespaces):\n"
    "               student code then runs in the runner alone, and can read what\n"
    "               uid 65534 (or, as an ordinary user, you) can read\n"
    "\n"
    "Exit status: 0 when every submission was graded (whatever its score), 1 when\n"
    "one could not be graded, 2 on a usage or grader error.\n";

enum { OPT_OUT = 256, OPT_ONLY, OPT_WEAKER, OPT_RUBRIC_ALL };

int lg_cmd_grade_all(int argc, char **argv)
{
    static const struct option options[] = { { "out", required_argument, 0, OPT_OUT },
                                              { "only", required_argument, 0, OPT_ONLY },
                                              { "weaker-sandbox", no_argument, 0, OPT_WEAKER },
                                              { "rubric", required_argument, 0, OPT_RUBRIC_ALL },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    lg_grade_all_opts o = { 0 };
    bool weaker = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(grade_all_help, stdout); return LG_EXIT_OK;
        case OPT_OUT: o.out = optarg; break;
        case OPT_ONLY: o.only = optarg; break;
        case OPT_WEAKER: weaker = true; break;
        case OPT_RUBRIC_ALL: o.rubric = optarg; break;
        case 'j': {
            char *end;
            o.jobs = strtol(optarg, &end, 10);
            if (!*optarg || *end || o.jobs < 1 || o.jobs > 256) {
                fprintf(stderr, "litgan grade-all: -j needs a number from 1 to 256, not '%s'\n", optarg);
                return LG_EXIT_USAGE;
            }
            break;
        }
        default: return lg_cli_bad_option("grade-all", ch, argv);
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "litgan grade-all: name a lab and a folder of submissions, e.g. "
                        "litgan grade-all 01 submissions/ (see litgan grade-all --help)\n");
        return LG_EXIT_USAGE;
    }
    if (argc - optind > 2) {
        fprintf(stderr, "litgan grade-all: unexpected argument '%s' (see litgan grade-all --help)\n",
                argv[optind + 2]);
        return LG_EXIT_USAGE;
    }
    const lg_lab *lab = lg_lab_find(argv[optind]);
    if (!lab) {
        fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
        return LG_EXIT_USAGE;
    }
    lg_sandbox_kind sandbox = lg_sandbox_mode();
    if (sandbox == LG_SANDBOX_NONE || (sandbox == LG_SANDBOX_WEAK && !weaker)) {
        fprintf(stderr, "litgan grade-all: the sandbox would be %s; %s\n", lg_sandbox_describe(sandbox),
                sandbox == LG_SANDBOX_WEAK ? "to grade a class anyway, give --weaker-sandbox"
                                           : "unset LITGAN_SANDBOX or install bubblewrap");
        return LG_EXIT_USAGE;
    }
    /* each submission by a fresh litgan: this one, wherever it is installed */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        o.program = self;
    }
    int rc = lg_grade_all(lab, argv[optind + 1], &o);
    if (rc == LG_OK)
        return LG_EXIT_OK;
    fprintf(stderr, "litgan grade-all: %s\n", lg_errmsg());
    return rc == LG_EINVAL ? LG_EXIT_FAIL : LG_EXIT_USAGE;
}
