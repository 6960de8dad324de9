/*
 * labcmd.c - what `litgan lab NN` runs (core/cli/cmd_lab.c parses its
 * arguments): a lab's experiment with the plugins as they stand, writing its
 * data, figures and results into runs/lab-NN/ or the folder given.
 */
#include "lg_course.h"
#include "lg_labcrash.h"

#include <string.h>
#include <unistd.h>

int lg_lab_experiment_run(const lg_lab *lab, const char *out_dir, const char *profile, FILE *log)
{
    if (!lab->experiment)
        return lg_seterr(LG_EINVAL, "lab %02d has no experiment", lab->number);
    char dflt[4200];
    if (!out_dir) { /* where weave looks for the figures */
        snprintf(dflt, sizeof dflt, "%s/runs/lab-%02d", lab->root, lab->number);
        out_dir = dflt;
    }
    if (access(lab->ini_path, R_OK) != 0)
        return lg_seterr(LG_EIO, "%s: cannot read the lab's experiment definition", lab->ini_path);
    int rc = lg_mkdir_p(out_dir);
    if (rc != LG_OK)
        return rc;
    if (log)
        fprintf(log, "litgan lab %02d: %s%s%s%s; writing into %s\n", lab->number, lab->title,
                profile ? " (" : "", profile ? profile : "", profile ? " profile)" : "", out_dir);
    double t0 = lg_now();
    lg_labcrash_begin(lab); /* a crash in student code names file, function, step */
    rc = lg_lab_experiment(lab, out_dir, profile);
    lg_labcrash_end();
    if (rc == LG_OK && log)
        fprintf(log, "litgan lab %02d: done in %.0f s; figures and results in %s\n", lab->number, lg_now() - t0,
                out_dir);
    return rc;
}
