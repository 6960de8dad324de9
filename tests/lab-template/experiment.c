/*
 * experiment.c - `litgan lab 90`: the student's squares on a grid, as data
 * (squares.csv), a figure (fig_squares.gp, run by gnuplot) and results.md.
 */
#include "template.h"

#include <dlfcn.h>
#include <stdio.h>

int template_experiment(const lg_lab_run *run)
{
    long points = 201;
    double lo = -2, hi = 2;
    const lg_labkit_key keys[] = {
        { "points", LG_LABKIT_LONG, &points, 1, NULL },
        { "lo", LG_LABKIT_DOUBLES, &lo, 1, NULL },
        { "hi", LG_LABKIT_DOUBLES, &hi, 1, NULL },
    };
    int rc = lg_labkit_read_ini(run, NULL, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    if (points < 2 || !(lo < hi))
        return lg_seterr(LG_EINVAL, "%s: points >= 2 and lo < hi", run->ini_path);
    lg_submission *sub;
    if ((rc = lg_labkit_files_open(run->lab, &sub)) != LG_OK)
        return rc;
    void *dl = lg_labkit_dlopen(sub, 0);
    template_square_fn f = (template_square_fn)lg_labkit_sym(dl, "template_square");
    FILE *csv = f ? lg_labkit_fopen(run->out_dir, "squares.csv") : NULL;
    if (!csv) {
        rc = f ? LG_EIO : LG_EPLUGIN;
        goto out;
    }
    fprintf(csv, "# litgan lab 90: your template_square on a grid\nx,square\n");
    for (long i = 0; i < points; i++) {
        double x = lo + (hi - lo) * (double)i / (double)(points - 1);
        fprintf(csv, "%.17g,%.17g\n", x, f(x));
    }
    FILE *set;
    if ((rc = lg_labkit_fclose(csv, run->out_dir, "squares.csv")) != LG_OK ||
        !(set = lg_labkit_settings_open(run->out_dir, run->lab, NULL))) {
        rc = rc ? rc : LG_EIO;
        goto out;
    }
    lg_labkit_gp_number(set, "points", (double)points, "lab.ini: points");
    FILE *res;
    if ((rc = lg_labkit_fclose(set, run->out_dir, "settings.gp")) != LG_OK ||
        (rc = lg_labkit_copy_scripts(run->lab, run->out_dir)) != LG_OK ||
        !(res = lg_labkit_fopen(run->out_dir, "results.md"))) {
        rc = rc ? rc : LG_EIO;
        goto out;
    }
    fprintf(res, "# Lab 90: results\n\n%ld points on [%g, %g].\n\n![your squares](fig_squares.png)\n", points, lo,
            hi);
    if ((rc = lg_labkit_fclose(res, run->out_dir, "results.md")) != LG_OK)
        goto out;
    lg_gnuplot_run(run->out_dir, "fig_squares.gp", "litgan lab 90", stderr); /* said on stderr when it fails */
out:
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    return rc;
}
