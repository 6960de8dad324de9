/*
 * figures.c - gnuplot, run on a figure script in the folder of its data
 * (lg_gnuplot_run, litgan/engine.h): the lab kit and compare draw through it;
 * and the quoting of the strings the engine's scripts hold (lg_impl.h).
 */
#include "lg_impl.h"

#include <sys/wait.h>

int lg_gnuplot_run(const char *dir, const char *script, const char *who, FILE *log)
{
    char *argv[] = { "gnuplot", (char *)script, NULL };
    lg_proc_spec spec = { .argv = argv, .cwd = dir, .capture = LG_PROC_ERR, .out_cap = 1 << 20 };
    lg_proc_result r;
    bool ok = lg_proc_run(&spec, &r) == LG_OK;
    if (ok) {
        bool ran = lg_proc_exited_ok(&r);
        /* its messages, appended to dir/gnuplot.err as before */
        if (r.n_out || !ran) {
            char path[4200];
            snprintf(path, sizeof path, "%s/gnuplot.err", dir);
            FILE *e = fopen(path, "a");
            if (e) {
                fwrite(r.out, 1, r.n_out, e);
                if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127)
                    fputs("gnuplot: cannot run it (is gnuplot installed?)\n", e);
                fclose(e);
            }
        }
        ok = ran;
        lg_proc_result_free(&r);
    }
    if (ok)
        return LG_OK;
    if (log)
        fprintf(log, "%s: gnuplot %s failed (see %s/gnuplot.err); the data and the script are there "
                     "to rerun\n", who, script, dir);
    return lg_seterr(LG_EIO, "gnuplot %s failed in %s", script, dir);
}

void lg_gp_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}
