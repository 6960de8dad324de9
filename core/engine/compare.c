/*
 * compare.c - `litgan compare`: train several losses with their papers'
 * defaults on the same data and seeds, then write one report folder: a
 * Markdown table (mean +- std over seeds), a CSV of every run, and gnuplot
 * figures whose scripts sit next to their data.
 */
#include "lg_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <gsl/gsl_statistics_double.h>

#define MAX_LOSSES 16
#define MAX_SEEDS 16

struct compare;

typedef struct job {
    const struct compare *c;
    const char *loss;
    char name[LG_NAME_MAX + 16]; /* loss name, or name with parameters flattened */
    long seed;
    char dir[4096];
    lg_proc *proc;               /* the child (lg_proc), its summary on the channel */
    double t0, secs;
    int status;
    /* results */
    double modes, hq, sw1, rate, loss_d, loss_g;
} job;

typedef struct compare {
    const char *losses[MAX_LOSSES];
    size_t n_losses;
    const char *data, *g_spec, *d_spec;
    long steps, seeds, batch, jobs;
    bool quiet;
    char out[4096];
    job runs[MAX_LOSSES * MAX_SEEDS];
    size_t n_runs;
    lg_dataset *ds;
} compare;

/* ---------------------------------------------------------------- runs --- */

/* A file-name-safe label for a loss spec: "ganqp:metric=l2" -> "ganqp_metric-l2". */
static void label(const char *spec, char *out, size_t len)
{
    const char *base = strrchr(spec, '/');
    base = base ? base + 1 : spec;
    size_t k = 0;
    for (const char *p = base; *p && k + 1 < len; p++) {
        if (!strncmp(p, ".so", 3) && (p[3] == '\0' || p[3] == ':')) {
            p += 2;
            continue;
        }
        char ch = *p;
        out[k++] = (ch == ':') ? '_' : (ch == '=' || ch == ',') ? '-' : ch;
    }
    out[k] = '\0';
}

/* One run in the child (a forked copy, lg_proc): the loss's own defaults
 * apply, as in litgan train; its summary goes back to the parent over the
 * channel fd. Exit status 0 when it was sent, 1 otherwise. */
static int run_child(void *ctx, int fd)
{
    const job *j = ctx;
    const compare *c = j->c;
    lg_run_config rc;
    lg_run_config_init(&rc);
    rc.loss = j->loss;
    rc.data = c->data;
    rc.steps = c->steps;
    rc.seed = j->seed;
    rc.batch = c->batch;
    rc.log_every = c->steps >= 20 ? c->steps / 20 : 1;
    rc.out = j->dir;
    rc.quiet = 1;
    rc.force = 1; /* compare's own folder: a run of a previous compare there is replaced */
    rc.g = c->g_spec;
    char dbuf[512];
    /* an encoder loss scores (x, z): a D given here is widened to x + z (E is
     * the default, mirroring G) */
    lg_plugin_inst pi;
    bool enc = false;
    if (lg_plugin_inst_open(j->loss, LG_PLUGIN_KIND_LOSS, &pi) == LG_OK) {
        enc = (pi.h->desc->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
        lg_plugin_inst_close(&pi);
    }
    rc.d = c->d_spec;
    if (enc && c->d_spec) { /* D's input: the width of the default D on (x, z) */
        char gdef[64], ddef[64];
        lg_run_default_nets(c->ds->dim, true, c->g_spec, gdef, ddef, NULL, sizeof gdef);
        const char *rest = strchr(c->d_spec, '-');
        snprintf(dbuf, sizeof dbuf, "%.*s%s", (int)strcspn(ddef, "-"), ddef, rest ? rest : "-1");
        rc.d = dbuf;
    }
    lg_run *run;
    int status = lg_run_open(&rc, &run);
    if (status == LG_OK && (status = lg_run_train(run)) == LG_OK) {
        lg_run_summary sum;
        status = lg_run_evaluate(run, 2500, &sum);
        if (status == LG_OK && !lg_write_all(fd, &sum, sizeof sum))
            status = LG_EIO;
    }
    if (status != LG_OK)
        fprintf(stderr, "litgan compare: %s seed %ld: %s\n", j->name, j->seed, lg_errmsg());
    lg_run_close(run);
    return status == LG_OK ? 0 : 1;
}

static int start(job *j)
{
    j->t0 = lg_now();
    lg_proc_spec spec = { .fn = run_child, .ctx = j, .chan_cap = sizeof(lg_run_summary),
                          .what = "a run" };
    return lg_proc_start(&spec, &j->proc);
}

/* The run has ended: its time, exit status and summary (NaN everywhere when
 * it sent none). */
static void collect(job *j)
{
    lg_proc_result r;
    lg_proc_end(j->proc, &r);
    j->proc = NULL;
    j->secs = lg_now() - j->t0;
    j->status = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
    lg_run_summary sum;
    bool got = r.n_chan == sizeof sum && !r.chan_over;
    if (got)
        memcpy(&sum, r.chan, sizeof sum);
    lg_proc_result_free(&r);
    if (!got || j->status) {
        j->modes = j->hq = j->sw1 = j->rate = j->loss_d = j->loss_g = NAN;
        return;
    }
    j->modes = sum.modes;
    j->hq = sum.high_quality;
    j->sw1 = sum.sliced_w1;
    j->rate = sum.steps_per_s;
    j->loss_d = sum.loss_d;
    j->loss_g = sum.loss_g;
}

/* ------------------------------------------------------------- figures --- */

/* D on a grid over box, for the final state of the run in dir: gnuplot "x,y,z"
 * blocks (one per x), for `plot ... with image`. */
static int write_heatmap(const char *dir, const char *path, const double box[4], size_t n)
{
    lg_run_config rc_;
    lg_run_config_init(&rc_);
    rc_.resume = dir;
    rc_.quiet = 1;
    lg_run *run;
    int rc = lg_run_open(&rc_, &run);
    if (rc != LG_OK)
        return rc;
    lg_game *g = lg_run_game(run);
    lg_net *D = g->net[LG_NET_D];
    FILE *f = fopen(path, "w");
    if (!f) {
        lg_run_close(run);
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    }
    if (D->in_dim == 2) {
        gsl_matrix *pts = gsl_matrix_alloc(n * n, 2);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++) {
                gsl_matrix_set(pts, i * n + k, 0, box[0] + (box[1] - box[0]) * (double)i / (double)(n - 1));
                gsl_matrix_set(pts, i * n + k, 1, box[2] + (box[3] - box[2]) * (double)k / (double)(n - 1));
            }
        D->train = false;
        D->requires_grad = false;
        lg_tape *t = lg_tape_alloc();
        lg_node *s = lg_net_apply(t, D, lg_const(t, pts));
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++)
                fprintf(f, "%.6g,%.6g,%.6g\n", gsl_matrix_get(pts, i * n + k, 0),
                        gsl_matrix_get(pts, i * n + k, 1), lg_value(s)->data[i * n + k]);
            fprintf(f, "\n");
        }
        lg_tape_free(t);
        gsl_matrix_free(pts);
    }
    fclose(f);
    lg_run_close(run);
    return LG_OK;
}

static void box_of(const gsl_matrix *real, double box[4])
{
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    for (size_t i = 0; i < real->size1; i++)
        for (size_t k = 0; k < 2; k++) {
            double v = gsl_matrix_get(real, i, k);
            box[2 * k] = fmin(box[2 * k], v);
            box[2 * k + 1] = fmax(box[2 * k + 1], v);
        }
    for (size_t k = 0; k < 2; k++) {
        double m = 0.25 * (box[2 * k + 1] - box[2 * k]) + 0.1;
        box[2 * k] -= m;
        box[2 * k + 1] += m;
    }
}

static int write_scripts(const compare *c, const char labels[][LG_NAME_MAX + 16], const double box[4])
{
    char path[4200];
    snprintf(path, sizeof path, "%s/samples.gp", c->out);
    FILE *f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    size_t n = c->n_losses;
    fprintf(f, "# litgan compare: final samples (seed 1) over each discriminator's output.\n"
               "# Edit and rerun in this folder: gnuplot samples.gp\n"
               "set terminal pngcairo size %zu,440 font ',10'\n"
               "set output 'samples.png'\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set multiplot layout 1,%zu title '%s, %ld steps, seed 1: real (black), generated (red), D (shade)'\n"
               "set size ratio -1\nunset colorbox\nset palette gray\n"
               "set xrange [%g:%g]\nset yrange [%g:%g]\nset key off\n",
            380 * n + 20, n, c->data, c->steps, box[0], box[1], box[2], box[3]);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "set title '%s'\n"
                   "plot 'heat_%s.dat' using 1:2:3 with image, \\\n"
                   "     'samples_%s.csv' using 1:2 with points pt 7 ps 0.15 lc rgb 'red', \\\n"
                   "     'real.csv' every 5 using 1:2 with points pt 7 ps 0.25 lc rgb 'black'\n",
                labels[i], labels[i], labels[i]);
    fprintf(f, "unset multiplot\n");
    fclose(f);

    snprintf(path, sizeof path, "%s/metrics.gp", c->out);
    f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f, "# litgan compare: metrics over training (seed 1 of each loss).\n"
               "# Edit and rerun in this folder: gnuplot metrics.gp\n"
               "set terminal pngcairo size 1200,400 font ',10'\n"
               "set output 'metrics.png'\n"
               "set datafile separator comma\nset datafile columnheaders\n"
               "set multiplot layout 1,3 title '%s: metrics over generator steps (seed 1)'\n"
               "set xlabel 'step'\nset key top left\nset grid\n", c->data);
    const char *cols[3] = { "modes", "high_quality", "sliced_w1" };
    const char *titles[3] = { "modes covered", "high-quality fraction", "sliced W1 to real" };
    for (int k = 0; k < 3; k++) {
        if (k < 2 && !c->ds->n_modes)
            continue;
        fprintf(f, "set title '%s'\n%s", titles[k], k == 2 ? "set logscale y\n" : "");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s 'runs/%s-s1/log.csv' using 'step':'%s' with lines lw 2 title '%s'%s\n",
                    i ? "    " : "plot", labels[i], cols[k], labels[i], i + 1 < n ? ", \\" : "");
    }
    fprintf(f, "unset multiplot\n");
    fclose(f);
    return LG_OK;
}

/* The lab kit's way to run a figure script: in the report folder, stderr to
 * gnuplot.err, one line on stderr when it fails (unless --quiet). */
static void gnuplot(const compare *c, const char *script)
{
    lg_gnuplot_run(c->out, script, "litgan compare", c->quiet ? NULL : stderr);
}

/* ------------------------------------------------------------- report --- */

static void mean_sd(const job *runs, size_t n, size_t off, double *mean, double *sd)
{
    double v[MAX_SEEDS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double x = *(const double *)((const char *)&runs[i] + off);
        if (isfinite(x))
            v[k++] = x;
    }
    *mean = k ? gsl_stats_mean(v, 1, k) : NAN;
    *sd = k > 1 ? gsl_stats_sd(v, 1, k) : 0.0;
}

static int write_report(compare *c, const char labels[][LG_NAME_MAX + 16])
{
    char path[4200];
    snprintf(path, sizeof path, "%s/runs.csv", c->out);
    FILE *f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f, "loss,seed,status,modes,high_quality_pct,sliced_w1,steps_per_s,loss_d,loss_g,seconds\n");
    for (size_t i = 0; i < c->n_runs; i++) {
        const job *j = &c->runs[i];
        fprintf(f, "%s,%ld,%s,%g,%.2f,%.6g,%.1f,%.6g,%.6g,%.1f\n", j->name, j->seed,
                j->status ? "failed" : "ok", j->modes, j->hq, j->sw1, j->rate, j->loss_d, j->loss_g,
                j->secs);
    }
    fclose(f);

    snprintf(path, sizeof path, "%s/report.md", c->out);
    f = fopen(path, "w");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    fprintf(f, "# Comparing losses on %s\n\n"
               "Each loss trained with its paper's defaults for %ld generator steps, batch %ld, "
               "seeds 1..%ld; mean ± standard deviation over seeds. Scored on 2500 generated "
               "samples against 2500 real ones.\n\n", c->data, c->steps, c->batch, c->seeds);
    if (c->ds->n_modes)
        fprintf(f, "| loss | modes covered (of %zu) | high quality %% | sliced W1 | steps/s |\n"
                   "|---|---|---|---|---|\n", c->ds->n_modes);
    else
        fprintf(f, "| loss | sliced W1 | steps/s |\n|---|---|---|\n");
    for (size_t l = 0; l < c->n_losses; l++) {
        const job *r = &c->runs[l * (size_t)c->seeds];
        double m[4], s[4];
        mean_sd(r, (size_t)c->seeds, offsetof(job, modes), &m[0], &s[0]);
        mean_sd(r, (size_t)c->seeds, offsetof(job, hq), &m[1], &s[1]);
        mean_sd(r, (size_t)c->seeds, offsetof(job, sw1), &m[2], &s[2]);
        mean_sd(r, (size_t)c->seeds, offsetof(job, rate), &m[3], &s[3]);
        size_t failed = 0;
        for (long k = 0; k < c->seeds; k++)
            failed += r[k].status != 0;
        char note[64] = "";
        if (failed)
            snprintf(note, sizeof note, " (%zu of %ld runs failed)", failed, c->seeds);
        if (c->ds->n_modes)
            fprintf(f, "| %s%s | %.1f ± %.1f | %.1f ± %.1f | %.4f ± %.4f | %.0f ± %.0f |\n", labels[l],
                    note, m[0], s[0], m[1], s[1], m[2], s[2], m[3], s[3]);
        else
            fprintf(f, "| %s%s | %.4f ± %.4f | %.0f ± %.0f |\n", labels[l], note, m[2], s[2], m[3], s[3]);
    }
    fprintf(f, "\n![final samples over each discriminator](samples.png)\n\n"
               "![metrics over training](metrics.png)\n\n"
               "Every run: `runs.csv`; each run's log, samples and checkpoint: `runs/LOSS-sSEED/`. "
               "The figures are `samples.gp` and `metrics.gp` run in this folder; edit and rerun "
               "them with gnuplot.\n");
    fclose(f);
    return LG_OK;
}

/* Every run, c->jobs at a time; the number of runs that failed. A run that
 * cannot be started fails with its reason on stderr; the others go on. */
static int run_all(compare *c)
{
    size_t slots = (size_t)(c->jobs > 0 ? c->jobs : 1);
    lg_proc **running = lg_xcalloc(slots, sizeof *running);
    job **owner = lg_xcalloc(slots, sizeof *owner);
    size_t next = 0, done = 0;
    int failures = 0;
    while (done < c->n_runs) {
        for (size_t s = 0; s < slots && next < c->n_runs; s++) {
            if (running[s])
                continue;
            job *j = &c->runs[next++];
            if (start(j) == LG_OK) {
                running[s] = j->proc;
                owner[s] = j;
                continue;
            }
            j->status = 1;
            j->modes = j->hq = j->sw1 = j->rate = j->loss_d = j->loss_g = NAN;
            failures++;
            done++;
            fprintf(stderr, "litgan compare: %s seed %ld: %s\n", j->name, j->seed, lg_errmsg());
            if (!c->quiet)
                fprintf(stderr, "litgan compare: [%zu/%zu] %s seed %ld FAILED (not started)\n", done,
                        c->n_runs, j->name, j->seed);
        }
        if (lg_proc_wait(running, slots, -1) == 0)
            continue;
        for (size_t s = 0; s < slots; s++) {
            if (!running[s] || !lg_proc_ended(running[s]))
                continue;
            job *j = owner[s];
            running[s] = NULL;
            owner[s] = NULL;
            collect(j);
            failures += j->status != 0;
            done++;
            if (!c->quiet)
                fprintf(stderr, "litgan compare: [%zu/%zu] %s seed %ld %s in %.1f s\n", done, c->n_runs,
                        j->name, j->seed, j->status ? "FAILED (see its log)" : "done", j->secs);
        }
    }
    free(running);
    free(owner);
    return failures;
}

void lg_compare_config_init(lg_compare_config *c)
{
    memset(c, 0, sizeof *c);
    c->data = "ring8";
    c->steps = 2000;
    c->seeds = 3;
    c->batch = 256;
    c->jobs = 2;
}

int lg_compare_run(const lg_compare_config *cfg)
{
    compare *c = lg_xcalloc(1, sizeof *c);
    static char labels[MAX_LOSSES][LG_NAME_MAX + 16];
    int rc = LG_OK;
    if (cfg->n_losses == 0 || cfg->n_losses > MAX_LOSSES)
        rc = lg_seterr(LG_EINVAL, "name 1 to %d losses to compare: --losses gan,nsgan,wgan,ganqp", MAX_LOSSES);
    else if (cfg->seeds < 1 || cfg->seeds > MAX_SEEDS)
        rc = lg_seterr(LG_EINVAL, "--seeds '%ld': expected a whole number in 1..%d", cfg->seeds, MAX_SEEDS);
    memcpy(c->losses, cfg->losses, cfg->n_losses * sizeof *cfg->losses);
    c->n_losses = cfg->n_losses;
    c->data = cfg->data;
    c->g_spec = cfg->g;
    c->d_spec = cfg->d;
    c->steps = cfg->steps;
    c->seeds = cfg->seeds;
    c->batch = cfg->batch;
    c->jobs = cfg->jobs;
    c->quiet = cfg->quiet;
    if (cfg->out) {
        snprintf(c->out, sizeof c->out, "%s", cfg->out);
    } else {
        char name[LG_NAME_MAX];
        const char *kv;
        if (lg_spec_split(c->data, name, &kv) != LG_OK)
            snprintf(name, sizeof name, "data");
        snprintf(c->out, sizeof c->out, "reports/compare-%s", name);
    }
    if (rc == LG_OK && (rc = lg_dataset_open(c->data, &c->ds)) != LG_OK)
        lg_seterr(rc, "--data: %s", lg_errmsg());
    /* check every loss loads before starting anything */
    for (size_t l = 0; rc == LG_OK && l < c->n_losses; l++) {
        lg_plugin_inst pi;
        if ((rc = lg_plugin_inst_open(c->losses[l], LG_PLUGIN_KIND_LOSS, &pi)) == LG_OK)
            lg_plugin_inst_close(&pi);
        label(c->losses[l], labels[l], sizeof labels[l]);
    }
    if (rc == LG_OK)
        rc = lg_mkdir_p(c->out);
    for (size_t l = 0; rc == LG_OK && l < c->n_losses; l++)
        for (long s = 1; s <= c->seeds; s++) {
            job *j = &c->runs[c->n_runs++];
            j->c = c;
            j->loss = c->losses[l];
            snprintf(j->name, sizeof j->name, "%s", labels[l]);
            j->seed = s;
            snprintf(j->dir, sizeof j->dir, "%s/runs/%s-s%ld", c->out, labels[l], s);
        }
    if (rc != LG_OK) {
        lg_dataset_free(c->ds);
        free(c);
        return rc;
    }
    double t0 = lg_now();
    if (!c->quiet)
        fprintf(stderr, "litgan compare: %zu runs (%zu losses x %ld seeds) of %ld steps on %s, %ld at a time\n",
                c->n_runs, c->n_losses, c->seeds, c->steps, c->data, c->jobs);
    int failures = run_all(c);
    /* real samples of seed 1, as every run draws them (real.csv) */
    char path[4200], to[4200];
    snprintf(path, sizeof path, "%s/runs/%s-s1/real.csv", c->out, labels[0]);
    snprintf(to, sizeof to, "%s/real.csv", c->out);
    lg_copy_file(path, to);
    gsl_matrix *real = lg_real_samples(c->ds, 1, 2500);
    if (real && c->ds->dim == 2) {
        double box[4];
        box_of(real, box);
        for (size_t l = 0; l < c->n_losses; l++) {
            job *j = &c->runs[l * (size_t)c->seeds];
            if (j->status)
                continue;
            snprintf(path, sizeof path, "%s/heat_%s.dat", c->out, labels[l]);
            if (write_heatmap(j->dir, path, box, 120) != LG_OK && !c->quiet)
                fprintf(stderr, "litgan compare: heatmap of %s: %s\n", labels[l], lg_errmsg());
            snprintf(path, sizeof path, "%s/samples.csv", j->dir);
            snprintf(to, sizeof to, "%s/samples_%s.csv", c->out, labels[l]);
            lg_copy_file(path, to);
        }
        rc = write_scripts(c, (const char(*)[LG_NAME_MAX + 16])labels, box);
        if (rc == LG_OK) {
            gnuplot(c, "samples.gp");
            gnuplot(c, "metrics.gp");
        }
    }
    if (rc == LG_OK)
        rc = write_report(c, (const char(*)[LG_NAME_MAX + 16])labels);
    if (real)
        gsl_matrix_free(real);
    if (rc == LG_OK && !c->quiet)
        fprintf(stderr, "litgan compare: done in %.0f s; report: %s/report.md (figures samples.png, "
                        "metrics.png)%s\n", lg_now() - t0, c->out,
                failures ? "; some runs FAILED" : "");
    if (rc == LG_OK && failures)
        rc = lg_seterr(LG_EPLUGIN, "%d of %zu runs failed (see runs.csv and each run's log)", failures,
                       c->n_runs);
    lg_dataset_free(c->ds);
    free(c);
    return rc;
}
