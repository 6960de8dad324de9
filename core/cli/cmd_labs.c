/*
 * cmd_labs.c - `litgan labs [--markdown]`: the course as the registry sees it
 * (every labs/NN-name/lab.ini): each lab's number, folder, title, what it
 * teaches, tasks and written questions with their points, the time of its
 * experiment, and student files; a lab that failed to load with its error.
 * --markdown prints the course table of README.md, which is generated from it
 * (tests/test_labs.c checks that the two agree).
 */
#include "cli.h"
#include "litgan/course.h"

static const char help[] =
    "usage: litgan labs [--markdown]\n"
    "\n"
    "Lists the labs found under labs/NN-name/ (their lab.ini): number, title, what it\n"
    "teaches, tasks and written questions with points, how long its experiment takes,\n"
    "and the files students complete. A lab that cannot be used is listed with the\n"
    "reason (e.g. not built: run make).\n"
    "\n"
    "  --markdown   the course table of README.md, as a Markdown table\n";

static double lab_points(const lg_lab *lab)
{
    double p = 0, sum = 0;
    for (size_t k = 0; lg_lab_task(lab, k, NULL, &p); k++)
        sum += p;
    return sum;
}

static void markdown(void)
{
    printf("| lab | title | what it teaches | experiment | tasks: points | student files |\n"
           "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        const char *teaches = lg_lab_teaches(lab), *time = lg_lab_time(lab);
        printf("| [%02d](labs/%s/README.md) | %s | %s | %s | ", lg_lab_number(lab), lg_lab_dir(lab), lg_lab_title(lab),
               teaches ? teaches : "", time ? time : "");
        const char *number, *title;
        double points;
        for (size_t k = 0; (number = lg_lab_task(lab, k, &title, &points)); k++)
            printf("%s%s %s: %g", k ? "<br>" : "", number, title, points);
        printf(" |");
        for (size_t k = 0; lg_lab_file(lab, k); k++)
            printf("%s `%s`", k ? "," : "", lg_lab_file(lab, k));
        printf(" |\n");
    }
}

int lg_cmd_labs(int argc, char **argv)
{
    static const struct option options[] = { { "markdown", no_argument, 0, 'm' },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool md = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case 'm': md = true; break;
        default: return lg_cli_bad_option("labs", ch, argv);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "litgan labs: unexpected argument '%s' (see litgan labs --help)\n", argv[optind]);
        return LG_EXIT_USAGE;
    }
    if (md) {
        markdown();
        return LG_EXIT_OK;
    }
    int broken = 0;
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        printf("Lab %02d  %s  (labs/%s, %g points)\n", lg_lab_number(lab), lg_lab_title(lab), lg_lab_dir(lab),
               lab_points(lab));
        if (lg_lab_error(lab)) {
            printf("    cannot be used: %s\n", lg_lab_error(lab));
            broken = 1;
            continue;
        }
        if (lg_lab_teaches(lab))
            printf("    %s\n", lg_lab_teaches(lab));
        const char *number, *title;
        double points;
        for (size_t k = 0; (number = lg_lab_task(lab, k, &title, &points)); k++)
            printf("    Task %-5s %-52s %g points\n", number, title, points);
        for (size_t k = 0; (number = lg_lab_question(lab, k, &title, &points)); k++)
            printf("    Question %-2s %-51s %g points (rubric)\n", number, title, points);
        if (lg_lab_time(lab))
            printf("    experiment: litgan lab %02d, %s\n", lg_lab_number(lab), lg_lab_time(lab));
        printf("    files:");
        for (size_t k = 0; lg_lab_file(lab, k); k++)
            printf(" %s", lg_lab_file(lab, k));
        printf("\n");
    }
    if (lg_lab_count() == 0)
        printf("no labs under %s/labs\n", lg_source_root());
    return broken ? LG_EXIT_FAIL : LG_EXIT_OK;
}
