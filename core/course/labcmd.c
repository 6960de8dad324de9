/*
 * labcmd.c - `litgan lab NN`: run a lab's experiment with the plugins as they
 * stand, writing its data, figures and results into runs/lab-NN/.
 */
#include "lg_course.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void list_labs(FILE *f)
{
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *l = lg_lab_at(i);
        fprintf(f, "  %02d  %-22s %s\n", l->number, l->dir, l->title);
    }
}

int lg_lab_main(int argc, char **argv)
{
    const char *which = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: litgan lab NN [--out DIR]\n\n"
                   "Runs lab NN's experiment (labs/NN-name/lab.ini) with the plugins as they stand\n"
                   "and writes its data, gnuplot scripts, figures (PNG) and results.md into DIR\n"
                   "(default runs/lab-NN in the source tree). Rerun a figure there with: gnuplot NAME.gp\n\nlabs:\n");
            list_labs(stdout);
            return LG_OK;
        }
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-')
            return lg_seterr(LG_EINVAL, "unknown option '%s' (see litgan lab --help)", argv[i]);
        else if (!which)
            which = argv[i];
        else
            return lg_seterr(LG_EINVAL, "one lab at a time (got '%s' and '%s')", which, argv[i]);
    }
    if (!which)
        return lg_seterr(LG_EINVAL, "name a lab, e.g. litgan lab 01 (litgan lab --help lists them)");
    const lg_lab *lab = lg_lab_find(which);
    if (!lab)
        return LG_EINVAL;
    if (!lab->experiment)
        return lg_seterr(LG_EINVAL, "lab %02d has no experiment", lab->number);
    char dflt[4200];
    if (!out) { /* where weave looks for the figures */
        snprintf(dflt, sizeof dflt, "%s/runs/lab-%02d", lab->root, lab->number);
        out = dflt;
    }
    if (access(lab->ini_path, R_OK) != 0)
        return lg_seterr(LG_EIO, "%s: cannot read the lab's experiment definition", lab->ini_path);
    int rc = lg_mkdir_p(out);
    if (rc != LG_OK)
        return rc;
    fprintf(stderr, "litgan lab %02d: %s; writing into %s\n", lab->number, lab->title, out);
    double t0 = lg_now();
    rc = lg_lab_experiment(lab, out, NULL);
    if (rc == LG_OK)
        fprintf(stderr, "litgan lab %02d: done in %.0f s; figures and results in %s\n", lab->number,
                lg_now() - t0, out);
    return rc;
}
