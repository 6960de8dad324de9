/*
 * main.c - bin/litgan: the table of commands.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "version.h" /* LG_BUILD_DESCRIBE: git describe, or VERSION (the Makefile writes it) */

static const struct {
    const char *name, *args, *help;
    lg_cli_fn fn;
} commands[] = {
    { "train", "", "train a GAN with a loss plugin (and regularizers)", lg_cmd_train },
    { "compare", "", "train several losses on one task and write a report", lg_cmd_compare },
    { "sample", "RUN", "image figures from a run's checkpoint: grids, classes, interpolations...", lg_cmd_sample },
    { "labs", "", "list the labs: tasks, points, student files", lg_cmd_labs },
    { "lab", "NN", "run lab NN's experiment and write its figures", lg_cmd_lab },
    { "classifier", "DATA", "the image metrics' classifier of DATA: train or load it, its test accuracy",
      lg_cmd_classifier },
    { "plugins", "", "list the plugins found, with title and citation", lg_cmd_plugins },
    { "data", "ACTION", "image data: import-npm (make data), info SPEC (shape, splits, classes)", lg_cmd_data },
    { "check-plugin", "P", "validate a plugin and gradient-check its objectives", lg_cmd_check },
    { "plugin-template", "NAME", "write NAME.c, a loss plugin to start from, and how to build it", lg_cmd_plugin_template },
    { "grade", "NN", "grade lab NN (the source tree or --submission DIR)", lg_cmd_grade },
    { "grade-all", "NN DIR", "grade every submission folder in DIR, in parallel", lg_cmd_grade_all },
    { "handout", "OUTDIR", "write the student release (solutions stubbed, instructor files left out)",
      lg_cmd_handout },
    { "weave", "NN", "write lab NN's report: reports/NN-name/index.html", lg_cmd_weave },
    { "pack", "NN", "pack your lab NN submission: files, answers.md, report (a zip)", lg_cmd_pack },
    { "autograder", "NN OUT.zip", "write a Gradescope autograder package for lab NN", lg_cmd_autograder },
    { "mutate", "[NN ...]", "mutation testing: how many small mistakes lab NN's tests catch", lg_cmd_mutate },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: litgan COMMAND [options]     (litgan COMMAND --help for details)\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].args);
        fprintf(f, "  %-21s %s\n", head, commands[i].help);
    }
    fprintf(f, "  help                  this text\n  --version             litgan's version\n\n"
               "Plugins are found in $LITGAN_PLUGIN_PATH (':'-separated folders), then in\n"
               "litgan/plugins next to liblitgan.so (see litgan plugins --help); a path to a\n"
               ".so file also works everywhere.\n");
}

int lg_cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *typed = argv[optind - 1];
    if (c == ':')
        fprintf(stderr, "litgan %s: %s needs a value (see litgan %s --help)\n", cmd, typed, cmd);
    else
        fprintf(stderr, "litgan %s: unknown option '%s' (see litgan %s --help)\n", cmd, typed, cmd);
    return LG_EXIT_USAGE;
}

const lg_lab *lg_cli_one_lab(const char *cmd, int argc, char **argv)
{
    if (optind >= argc) {
        fprintf(stderr, "litgan %s: name a lab, e.g. litgan %s 01 (see litgan %s --help)\n", cmd, cmd, cmd);
        return NULL;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "litgan %s: one lab at a time (got '%s' and '%s'; see litgan %s --help)\n", cmd,
                argv[optind], argv[optind + 1], cmd);
        return NULL;
    }
    const lg_lab *lab = lg_lab_find(argv[optind]);
    if (!lab)
        fprintf(stderr, "litgan %s: %s\n", cmd, lg_errmsg());
    return lab;
}

int lg_cli_long(const char *cmd, const char *opt, const char *text, long lo, long *out)
{
    if (lg_parse_long(opt, text, lo, out) == LG_OK)
        return LG_EXIT_OK;
    fprintf(stderr, "litgan %s: %s\n", cmd, lg_errmsg());
    return LG_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    lg_gsl_report_errors();
    /* one GEMM thread for every command (train and compare take --threads):
     * the same bits on every machine, and no oversubscription when runs share
     * the cores */
    lg_blas_set_threads(1);
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? LG_EXIT_USAGE : LG_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        if (LG_BUILD_DESCRIBE[0])
            printf("litgan %s (%s)\n", lg_version(), LG_BUILD_DESCRIBE);
        else
            printf("litgan %s\n", lg_version());
        return LG_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "litgan: unknown command '%s' (commands:", argv[1]);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
    fprintf(stderr, "; see litgan help)\n");
    return LG_EXIT_USAGE;
}
