/*
 * cmd_mutate.c - `litgan mutate [NN ...] [-j N] [--sample K] [--seed S]
 * [--list] [--show ID] [--json FILE]`: its arguments, then lg_mutate_run /
 * lg_mutate_list / lg_mutate_show (core/course/mutate/). Exit status: 0 when
 * every lab kills at least 95% of its mutants, 1 when one does not (or its
 * check/equivalent.txt is stale), 2 on a usage or grader error.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char mutate_help[] =
    "usage: litgan mutate [NN ...] [-j N] [--sample K] [--seed S] [--json FILE]\n"
    "       litgan mutate NN --list\n"
    "       litgan mutate NN --show ID\n"
    "\n"
    "Mutation testing of the labs' grading tests (every lab when none is named).\n"
    "Each SOLUTION region of a lab's student files is mutated, one small mistake at\n"
    "a time: arithmetic and comparison operators swapped, signs flipped (a minus,\n"
    "lg_neg), numbers changed (0 <-> 1, c+1, 2c, c/2, -c), lg_sum <-> lg_mean, a term\n"
    "of a sum dropped, loop bounds off by one, a guard removed, lg_stop_gradient\n"
    "inserted or removed. Each mutant - the reference files with that one file\n"
    "mutated - is graded as `litgan grade` grades a submission (in the sandbox) and\n"
    "is killed when it loses points (a crash or a timeout loses them too); one that\n"
    "does not compile is stillborn and not counted.\n"
    "\n"
    "Prints, per lab: how many mutants were generated, stillborn, equivalent (listed\n"
    "in labs/NN-name/check/equivalent.txt, one a line: the id, then the argument why\n"
    "no test can tell it from the reference), killed and survived, the kill rate\n"
    "killed / (killed + survived), and every survivor with its id, place and line\n"
    "before and after. Progress, with the time left, goes to stderr.\n"
    "\n"
    "  -j N         grade N mutants side by side (default: the number of CPUs)\n"
    "  --sample K   grade only K mutants of each lab, drawn at random (with --seed)\n"
    "  --seed S     the sample's seed (default 1): the same seed, the same mutants\n"
    "  --json FILE  also write every lab's counts and mutants (id, place, operator,\n"
    "               lines, outcome, points) as JSON\n"
    "  --list       list the lab's mutants (id, task, description) without grading\n"
    "  --show ID    print one mutant as a patch of its file (patch -p1 applies it in\n"
    "               the source root)\n"
    "\n"
    "An id (gan.c:sign:1a2b3c4d) names the file, the operator and a hash of the\n"
    "mutated line's tokens: it stays the same when other lines are edited.\n"
    "\n"
    "Exit status: 0 when every lab kills at least 95% of its non-equivalent\n"
    "mutants, 1 when one does not, or lists in equivalent.txt an id that is no\n"
    "longer generated or that is killed (stale), or its reference loses points;\n"
    "2 on a usage or grader error.\n"
    "\n"
    "Environment: LITGAN_GRADE_LIMITS as for litgan grade (default here\n"
    "cpu=5,wall=5,total=20: a mutant that hangs is killed sooner).\n";

enum { OPT_SAMPLE = 256, OPT_SEED, OPT_JSON, OPT_LIST, OPT_SHOW };

int lg_cmd_mutate(int argc, char **argv)
{
    static const struct option options[] = {
        { "sample", required_argument, 0, OPT_SAMPLE }, { "seed", required_argument, 0, OPT_SEED },
        { "json", required_argument, 0, OPT_JSON },     { "list", no_argument, 0, OPT_LIST },
        { "show", required_argument, 0, OPT_SHOW },     { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    lg_mutate_opts o = { .seed = 1, .log = stderr };
    const char *show = NULL;
    bool list = false;
    long v;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(mutate_help, stdout); return LG_EXIT_OK;
        case 'j':
            if (lg_cli_long("mutate", "-j", optarg, 1, &v) != LG_EXIT_OK)
                return LG_EXIT_USAGE;
            if (v > 256) {
                fprintf(stderr, "litgan mutate: -j needs a number from 1 to 256, not '%s'\n", optarg);
                return LG_EXIT_USAGE;
            }
            o.jobs = v;
            break;
        case OPT_SAMPLE:
            if (lg_cli_long("mutate", "--sample", optarg, 1, &v) != LG_EXIT_OK)
                return LG_EXIT_USAGE;
            o.sample = (size_t)v;
            break;
        case OPT_SEED:
            if (lg_cli_long("mutate", "--seed", optarg, 0, &v) != LG_EXIT_OK)
                return LG_EXIT_USAGE;
            o.seed = (unsigned long)v;
            break;
        case OPT_JSON: o.json = optarg; break;
        case OPT_LIST: list = true; break;
        case OPT_SHOW: show = optarg; break;
        default: return lg_cli_bad_option("mutate", ch, argv);
        }
    }
    if (list || show) {
        if (list && show) {
            fprintf(stderr, "litgan mutate: --list or --show, not both (see litgan mutate --help)\n");
            return LG_EXIT_USAGE;
        }
        const lg_lab *lab = lg_cli_one_lab("mutate", argc, argv);
        if (!lab)
            return LG_EXIT_USAGE;
        int rc = list ? lg_mutate_list(lab, stdout) : lg_mutate_show(lab, show, stdout);
        if (rc != LG_OK) {
            fprintf(stderr, "litgan mutate: %s\n", lg_errmsg());
            return LG_EXIT_USAGE;
        }
        return LG_EXIT_OK;
    }
    size_t n = optind < argc ? (size_t)(argc - optind) : lg_lab_count();
    const lg_lab **labs = calloc(n ? n : 1, sizeof *labs);
    if (!labs) {
        fprintf(stderr, "litgan mutate: out of memory\n");
        return LG_EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        labs[i] = optind < argc ? lg_lab_find(argv[optind + (int)i]) : lg_lab_at(i);
        const char *err = labs[i] && optind >= argc ? lg_lab_error(labs[i]) : NULL;
        if (!labs[i] || err) {
            fprintf(stderr, "litgan mutate: %s\n", err ? err : lg_errmsg());
            free(labs);
            return LG_EXIT_USAGE;
        }
    }
    if (n == 0) {
        fprintf(stderr, "litgan mutate: no lab under %s/labs\n", lg_source_root());
        free(labs);
        return LG_EXIT_USAGE;
    }
    lg_sandbox_kind sandbox = lg_sandbox_mode();
    if (sandbox == LG_SANDBOX_NONE) {
        fprintf(stderr, "litgan mutate: %s\n", lg_sandbox_describe(sandbox));
        free(labs);
        return LG_EXIT_USAGE;
    }
    if (sandbox == LG_SANDBOX_WEAK)
        fprintf(stderr, "litgan mutate: the sandbox is %s\n", lg_sandbox_describe(sandbox));
    int rc = lg_mutate_run(labs, n, &o, stdout, NULL);
    free(labs);
    if (rc == LG_OK)
        return LG_EXIT_OK;
    if (rc == LG_EINVAL)
        return LG_EXIT_FAIL;
    fprintf(stderr, "litgan mutate: %s\n", lg_errmsg());
    return LG_EXIT_USAGE;
}
