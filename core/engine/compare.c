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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_statistics_double.h>

const char lg_compare_help[] =
    "usage: litgan compare --losses gan,nsgan,wgan,ganqp [options]\n"
    "\n"
    "Trains each loss with its paper's defaults (optimizers, critic steps, clipping)\n"
    "on the same data with the same seeds, then writes a report folder:\n"
    "  report.md      table of mean +- std over seeds: modes covered, high-quality %,\n"
    "                 sliced W1 to real samples, steps/s\n"
    "  runs.csv       every run's final metrics\n"
    "  samples.png    final samples over the discriminator's heatmap, one panel per loss\n"
    "  metrics.png    modes, high-quality % and sliced W1 over training steps\n"
    "  *.gp, *.dat    the gnuplot scripts and their data (edit, then: gnuplot samples.gp)\n"
    "  runs/LOSS-sSEED/  each run's log.csv, samples, checkpoint\n"
    "\n"
    "  --losses LIST   comma-separated plugin names (no parameters)\n"
    "  --loss SPEC     one loss with parameters, e.g. ganqp:metric=l2 (repeatable)\n"
    "  --data SPEC     dataset (default ring8)\n"
    "  --steps N       generator steps per run (default 2000)\n"
    "  --seeds K       seeds 1..K (default 3)\n"
    "  --batch B       batch size (default 256)\n"
    "  --g SPEC, --d SPEC   networks (defaults as in litgan train); an encoder loss\n"
    "                  gets D's input widened to x + z and an encoder mirroring G\n"
    "  --out DIR       report folder (default reports/compare-DATA)\n"
    "  -j N            runs in parallel (default 2)\n"
    "  --quiet         no progress lines\n";

#define MAX_LOSSES 16
#define MAX_SEEDS 16

typedef struct job {
    const char *loss;
    char name[LG_NAME_MAX + 16]; /* loss name, or name with parameters flattened */
    long seed;
    char dir[4096];
    pid_t pid;
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
    char *list_buf;
} compare;

/* ------------------------------------------------------------- options --- */

static int parse_num(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || x < lo || x > hi)
        return lg_seterr(LG_EINVAL, "%s '%s': expected a whole number in %ld..%ld", opt,
                         v ? v : "", lo, hi);
    *out = x;
    return LG_OK;
}

static int parse_args(compare *c, int argc, char **argv)
{
    c->data = "ring8";
    c->steps = 2000;
    c->seeds = 3;
    c->batch = 256;
    c->jobs = 2;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = LG_OK;
        bool valued = true;
        if (!strcmp(o, "--losses")) {
            if (!v)
                return lg_seterr(LG_EINVAL, "--losses needs a list, e.g. gan,nsgan,wgan,ganqp");
            free(c->list_buf);
            c->list_buf = lg_xstrdup(v);
            for (char *p = strtok(c->list_buf, ","); p; p = strtok(NULL, ",")) {
                if (c->n_losses == MAX_LOSSES)
                    return lg_seterr(LG_EINVAL, "at most %d losses", MAX_LOSSES);
                c->losses[c->n_losses++] = p;
            }
        } else if (!strcmp(o, "--loss")) {
            if (!v)
                return lg_seterr(LG_EINVAL, "--loss needs a plugin spec");
            if (c->n_losses == MAX_LOSSES)
                return lg_seterr(LG_EINVAL, "at most %d losses", MAX_LOSSES);
            c->losses[c->n_losses++] = v;
        } else if (!strcmp(o, "--data") && v) c->data = v;
        else if (!strcmp(o, "--g") && v) c->g_spec = v;
        else if (!strcmp(o, "--d") && v) c->d_spec = v;
        else if (!strcmp(o, "--out") && v) snprintf(c->out, sizeof c->out, "%s", v);
        else if (!strcmp(o, "--steps")) rc = parse_num(o, v, 1, 100000000, &c->steps);
        else if (!strcmp(o, "--seeds")) rc = parse_num(o, v, 1, MAX_SEEDS, &c->seeds);
        else if (!strcmp(o, "--batch")) rc = parse_num(o, v, 2, 1000000, &c->batch);
        else if (!strcmp(o, "-j")) rc = parse_num(o, v, 1, 64, &c->jobs);
        else if (!strcmp(o, "--quiet")) { c->quiet = true; valued = false; }
        else if (!v && o[0] == '-' && strcmp(o, "--quiet"))
            return lg_seterr(LG_EINVAL, "%s needs a value (see litgan compare --help)", o);
        else
            return lg_seterr(LG_EINVAL, "unknown option '%s' (see litgan compare --help)", o);
        if (rc != LG_OK)
            return rc;
        i += valued;
    }
    if (!c->n_losses)
        return lg_seterr(LG_EINVAL, "name the losses to compare: --losses gan,nsgan,wgan,ganqp");
    if (!c->out[0]) {
        char name[LG_NAME_MAX];
        const char *kv;
        if (lg_spec_split(c->data, name, &kv) != LG_OK)
            snprintf(name, sizeof name, "data");
        snprintf(c->out, sizeof c->out, "reports/compare-%s", name);
    }
    return LG_OK;
}

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

/* The widths of a network spec: first and last. */
static int spec_ends(const char *spec, size_t *in, size_t *out)
{
    lg_net *n;
    int rc = lg_net_parse(spec, &n);
    if (rc != LG_OK)
        return rc;
    *in = n->in_dim;
    *out = n->out_dim;
    lg_net_free(n);
    return LG_OK;
}

/* The child's words for one run: the loss's own defaults apply (litgan train). */
static int run_child(const compare *c, const job *j)
{
    char steps[32], seed[32], batch[32], log_every[32];
    snprintf(steps, sizeof steps, "%ld", c->steps);
    snprintf(seed, sizeof seed, "%ld", j->seed);
    snprintf(batch, sizeof batch, "%ld", c->batch);
    snprintf(log_every, sizeof log_every, "%ld", c->steps >= 20 ? c->steps / 20 : 1);
    const char *g = c->g_spec ? c->g_spec : "2-128r-128r-2";
    const char *d = c->d_spec ? c->d_spec : "2-128r-128r-1";
    char dbuf[512], ebuf[512];
    char *argv[40];
    int n = 0;
#define W(x) argv[n++] = (char *)(x)
    W("--loss"); W(j->loss); W("--data"); W(c->data); W("--steps"); W(steps); W("--seed"); W(seed);
    W("--batch"); W(batch); W("--log-every"); W(log_every); W("--out"); W(j->dir); W("--quiet");
    W("--g"); W(g);
    /* an encoder loss scores (x, z): widen D's input, mirror G for E */
    lg_plugin_inst pi;
    bool enc = false;
    if (lg_plugin_inst_open(j->loss, LG_PLUGIN_KIND_LOSS, &pi) == LG_OK) {
        enc = (pi.h->desc->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
        lg_plugin_inst_close(&pi);
    }
    if (enc) {
        size_t zi, xo, di, dout;
        if (spec_ends(g, &zi, &xo) != LG_OK || spec_ends(d, &di, &dout) != LG_OK)
            return LG_EINVAL;
        const char *rest = strchr(d, '-');
        snprintf(dbuf, sizeof dbuf, "%zu%s", xo + zi, rest ? rest : "-1");
        snprintf(ebuf, sizeof ebuf, "%zu-128r-128r-%zu", xo, zi);
        W("--d"); W(dbuf); W("--e"); W(ebuf);
    } else {
        W("--d"); W(d);
    }
#undef W
    argv[n] = NULL;
    return lg_train_main(n, argv);
}

static int start(compare *c, job *j)
{
    fflush(NULL);
    j->t0 = lg_now();
    j->pid = fork();
    if (j->pid < 0)
        return lg_seterr(LG_EIO, "cannot start a run: fork failed (%s)", strerror(errno));
    if (j->pid == 0) {
        int rc = run_child(c, j);
        fflush(NULL);
        _exit(rc == LG_OK ? 0 : 1);
    }
    return LG_OK;
}

/* Read a CSV with a header; returns rows x cols values or NULL. */
static gsl_matrix *read_csv(const char *path, size_t cols)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[8192];
    size_t cap = 1024, n = 0;
    double *v = lg_xmalloc(cap * cols * sizeof *v);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !(line[0] == '-' || line[0] == '.' || (line[0] >= '0' && line[0] <= '9')))
            continue;
        if (n == cap)
            v = lg_xrealloc(v, (cap *= 2) * cols * sizeof *v);
        char *p = line;
        for (size_t k = 0; k < cols; k++) {
            v[n * cols + k] = strtod(p, &p);
            if (*p == ',')
                p++;
        }
        n++;
    }
    fclose(f);
    gsl_matrix *m = NULL;
    if (n) {
        m = gsl_matrix_alloc(n, cols);
        memcpy(m->data, v, n * cols * sizeof *v);
    }
    free(v);
    return m;
}

/* The final metrics of a run, scored from its files against fixed real samples. */
static void score(compare *c, job *j, const gsl_matrix *real)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/samples.csv", j->dir);
    gsl_matrix *x = read_csv(path, c->ds->dim);
    j->modes = j->hq = j->sw1 = NAN;
    if (x) {
        if (c->ds->n_modes) {
            lg_mode_stats ms = lg_mode_coverage(c->ds, x);
            j->modes = (double)ms.modes_covered;
            j->hq = 100.0 * ms.high_quality;
        }
        gsl_rng *pr = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(pr, 4242);
        j->sw1 = lg_sliced_w1(x, real, 100, pr);
        gsl_rng_free(pr);
        gsl_matrix_free(x);
    }
    /* steps/s: the mean over the log rows; final losses: the last row */
    snprintf(path, sizeof path, "%s/log.csv", j->dir);
    gsl_matrix *log = read_csv(path, 6);
    j->rate = j->loss_d = j->loss_g = NAN;
    if (log) {
        double s = 0;
        for (size_t i = 0; i < log->size1; i++)
            s += gsl_matrix_get(log, i, 5);
        j->rate = s / (double)log->size1;
        j->loss_d = gsl_matrix_get(log, log->size1 - 1, 1);
        j->loss_g = gsl_matrix_get(log, log->size1 - 1, 2);
        gsl_matrix_free(log);
    }
}

/* ------------------------------------------------------------- figures --- */

/* D on a grid over box, for the final state of the run in dir: gnuplot "x,y,z"
 * blocks (one per x), for `plot ... with image`. */
static int write_heatmap(const char *dir, const char *path, const double box[4], size_t n)
{
    char *argv[] = { "--resume", (char *)dir, "--quiet" };
    lg_run *run;
    int rc = lg_run_open(3, argv, &run);
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

static int run_all(compare *c)
{
    size_t next = 0, done = 0, running = 0;
    int failures = 0;
    while (done < c->n_runs) {
        while (running < (size_t)c->jobs && next < c->n_runs) {
            int rc = start(c, &c->runs[next]);
            if (rc != LG_OK)
                return rc;
            next++;
            running++;
        }
        int status;
        pid_t pid = wait(&status);
        if (pid < 0)
            return lg_seterr(LG_EIO, "waiting for runs failed (%s)", strerror(errno));
        for (size_t i = 0; i < next; i++) {
            job *j = &c->runs[i];
            if (j->pid != pid)
                continue;
            j->secs = lg_now() - j->t0;
            j->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            failures += j->status != 0;
            done++;
            running--;
            if (!c->quiet)
                fprintf(stderr, "litgan compare: [%zu/%zu] %s seed %ld %s in %.1f s\n", done, c->n_runs,
                        j->name, j->seed, j->status ? "FAILED (see its log)" : "done", j->secs);
        }
    }
    return failures;
}

int lg_compare_main(int argc, char **argv)
{
    lg_gsl_init();
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(lg_compare_help, stdout);
            return LG_OK;
        }
    compare *c = lg_xcalloc(1, sizeof *c);
    static char labels[MAX_LOSSES][LG_NAME_MAX + 16];
    int rc = parse_args(c, argc, argv);
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
            j->loss = c->losses[l];
            snprintf(j->name, sizeof j->name, "%s", labels[l]);
            j->seed = s;
            snprintf(j->dir, sizeof j->dir, "%s/runs/%s-s%ld", c->out, labels[l], s);
        }
    if (rc != LG_OK) {
        fprintf(stderr, "litgan compare: %s\n", lg_errmsg());
        lg_dataset_free(c->ds);
        free(c->list_buf);
        free(c);
        return rc;
    }
    double t0 = lg_now();
    if (!c->quiet)
        fprintf(stderr, "litgan compare: %zu runs (%zu losses x %ld seeds) of %ld steps on %s, %ld at a time\n",
                c->n_runs, c->n_losses, c->seeds, c->steps, c->data, c->jobs);
    int failures = run_all(c);
    if (failures < 0) {
        fprintf(stderr, "litgan compare: %s\n", lg_errmsg());
        failures = (int)c->n_runs;
    }
    /* real samples of seed 1 (the runs write the same ones: real.csv) */
    char path[4200], to[4200];
    snprintf(path, sizeof path, "%s/runs/%s-s1/real.csv", c->out, labels[0]);
    gsl_matrix *real = read_csv(path, c->ds->dim);
    if (real) {
        snprintf(to, sizeof to, "%s/real.csv", c->out);
        lg_copy_file(path, to);
    }
    for (size_t i = 0; real && i < c->n_runs; i++)
        score(c, &c->runs[i], real);
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
    if (rc != LG_OK)
        fprintf(stderr, "litgan compare: %s\n", lg_errmsg());
    else if (!c->quiet)
        fprintf(stderr, "litgan compare: done in %.0f s; report: %s/report.md (figures samples.png, "
                        "metrics.png)%s\n", lg_now() - t0, c->out,
                failures ? "; some runs FAILED" : "");
    if (rc == LG_OK && failures)
        rc = lg_seterr(LG_EPLUGIN, "%d of %zu runs failed (see runs.csv and each run's log)", failures,
                       c->n_runs);
    lg_dataset_free(c->ds);
    free(c->list_buf);
    free(c);
    return rc;
}
