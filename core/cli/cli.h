/*
 * cli.h - bin/litgan: one file per command (cmd_*.c), a table of them in
 * main.c. The CLI is the only place that parses argv and the only place that
 * maps statuses to exit codes: 0 everything passed, 1 a test or a run failed,
 * 2 a usage error or an error of the grader itself.
 */
#ifndef LG_CLI_H
#define LG_CLI_H

#include "litgan/course.h"

#include <getopt.h>

enum { LG_EXIT_OK = 0, LG_EXIT_FAIL = 1, LG_EXIT_USAGE = 2 };

/* A command: argv[0] is the command's name. Returns an exit status. */
typedef int (*lg_cli_fn)(int argc, char **argv);

int lg_cmd_train(int argc, char **argv);
int lg_cmd_compare(int argc, char **argv);
int lg_cmd_classifier(int argc, char **argv);
int lg_cmd_sample(int argc, char **argv);
int lg_cmd_plugins(int argc, char **argv);
int lg_cmd_check(int argc, char **argv);
int lg_cmd_plugin_template(int argc, char **argv);
int lg_cmd_lab(int argc, char **argv);
int lg_cmd_labs(int argc, char **argv);
int lg_cmd_grade(int argc, char **argv);
int lg_cmd_grade_all(int argc, char **argv);
int lg_cmd_handout(int argc, char **argv);
int lg_cmd_weave(int argc, char **argv);
int lg_cmd_pack(int argc, char **argv);
int lg_cmd_autograder(int argc, char **argv);
int lg_cmd_mutate(int argc, char **argv);
int lg_cmd_data(int argc, char **argv);

/* getopt_long's unknown-option and missing-value cases as one line on stderr
 * naming the command and what was typed; returns LG_EXIT_USAGE. */
int lg_cli_bad_option(const char *cmd, int c, char **argv);
/* A whole number >= lo for option opt, else one line on stderr. */
int lg_cli_long(const char *cmd, const char *opt, const char *text, long lo, long *out);
/* The one lab NN of `litgan CMD [options] NN` (argv[optind..argc)); NULL after
 * a one-line usage error on stderr (none named, two named, unknown). */
const lg_lab *lg_cli_one_lab(const char *cmd, int argc, char **argv);

#endif
