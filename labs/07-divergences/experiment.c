/*
 * experiment.c - `litgan lab 07`: what the losses minimise, and how they
 * compare when trained, in three parts:
 *
 *  1. the divergences of Task 7.2 (divergences.c as it stands) between
 *     p = N(0, 1) and q = N(theta, 1), discretised, against theta, beside
 *     W1 = |theta|: divergences.csv, fig_divergences.png;
 *  2. the calibration of Task 7.1's graded run (lg_lab07_train) of lsgan.c
 *     as it stands on seeds 1..calib_seeds, both codings: calibration.csv;
 *  3. `litgan compare` of every loss of lab.ini's list with its paper's
 *     defaults on ring8, grid25 and MNIST (lsgan from the student's lsgan.c,
 *     the others from the course's plugins): compare-DATA/ with compare's own
 *     report.md, runs.csv, samples.png and metrics.png.
 * Then settings.gp and results.md (the tables the writeup's questions use).
 */
#include "lab07.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

typedef struct config {
    lg_labkit_gan gan; /* seed only: the runs' other settings are below */
    double thetas[3], div_grid[3];
    long calib_seeds, calib_steps, toy_batch, toy_steps, toy_seeds, mnist_steps, mnist_seeds, jobs;
    char losses[512], toy_g[128], toy_d[128], toy_data[256];
} config;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int read_config(const lg_lab_run *run, config *c)
{
    *c = (config){ .gan = { .seed = 1 }, .thetas = { 0, 6, 25 }, .div_grid = { -8, 14, 501 }, .calib_seeds = 10, .calib_steps = LG_LAB07_TRAIN_STEPS,
                   .toy_batch = 128, .toy_steps = 2000, .toy_seeds = 3, .mnist_steps = 300, .mnist_seeds = 1,
                   .jobs = 2, .losses = "gan nsgan wgan wgan+gp ganqp lsgan lsgan:a=0,b=1,c=1",
                   .toy_g = "2-64r-64r-2", .toy_d = "2-64r-64r-1", .toy_data = "ring8 grid25" };
#define S(name) { #name, LG_LABKIT_STRING, c->name, sizeof c->name, NULL }
#define L(name) { #name, LG_LABKIT_LONG, &c->name, 1, NULL }
    const lg_labkit_key keys[] = {
        { "thetas", LG_LABKIT_DOUBLES, c->thetas, 3, NULL }, { "div_grid", LG_LABKIT_DOUBLES, c->div_grid, 3, NULL },
        L(calib_seeds), L(calib_steps), S(losses), S(toy_data), S(toy_g), S(toy_d), L(toy_batch), L(toy_steps), L(toy_seeds), L(mnist_steps),
        L(mnist_seeds), L(jobs),
    };
#undef S
#undef L
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    const char *path = run->ini_path;
    if (!(c->thetas[0] < c->thetas[1]) || c->thetas[2] < 2 || c->thetas[2] > 1000)
        return lg_seterr(LG_EINVAL, "%s: thetas = LO, HI, POINTS with LO < HI and 2..1000 points", path);
    if (!(c->div_grid[0] < c->div_grid[1]) || c->div_grid[2] < 2 || c->div_grid[2] > LG_LAB07_DIV_MAX)
        return lg_seterr(LG_EINVAL, "%s: div_grid = LO, HI, POINTS with LO < HI and 2..%d points", path,
                         LG_LAB07_DIV_MAX);
    if (c->calib_seeds < 1 || c->calib_seeds > 1000 || c->calib_steps < 1 || c->calib_steps > 100000 || c->toy_seeds < 1 || c->toy_seeds > 100 || c->mnist_seeds < 1 ||
        c->mnist_seeds > 100 || c->toy_batch < 2 || c->toy_steps < 1 || c->jobs < 1 || c->jobs > 64)
        return lg_seterr(LG_EINVAL, "%s: calib_seeds 1..1000, calib_steps 1..100000, toy_seeds and mnist_seeds 1..100, toy_batch >= 2, "
                                    "toy_steps >= 1, jobs 1..64 (mnist_steps 0 leaves MNIST out)", path);
    return LG_OK;
}

/* ------------------------------------------------- part 1: divergences --- */

/* p = N(0, 1), q = N(theta, 1) on the grid, each normalised to sum 1. */
static void gaussians(const double grid[3], double theta, double *p, double *q)
{
    size_t n = (size_t)grid[2];
    double sp = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        double x = lg_labkit_grid_x(grid, i);
        p[i] = exp(-0.5 * x * x);
        q[i] = exp(-0.5 * (x - theta) * (x - theta));
        sp += p[i];
        sq += q[i];
    }
    for (size_t i = 0; i < n; i++) {
        p[i] /= sp;
        q[i] /= sq;
    }
}

static int part_divergences(const config *c, lg_lab07_js_fn js, lg_lab07_ls_fn ls, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "divergences.csv");
    if (!f)
        return LG_EIO;
    static double p[LG_LAB07_DIV_MAX], q[LG_LAB07_DIV_MAX];
    size_t n = (size_t)c->div_grid[2];
    fprintf(f, "theta,js,ls_chi2,ls_binary,w1\n");
    for (size_t k = 0; k < (size_t)c->thetas[2]; k++) {
        double th = lg_labkit_grid_x(c->thetas, k);
        gaussians(c->div_grid, th, p, q);
        double v_js = js ? js(p, q, n) : NAN, chi = ls ? ls(p, q, n, -1, 1, 0) : NAN;
        double bin = ls ? ls(p, q, n, 0, 1, 1) : NAN;
        fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", th, v_js, chi, bin, fabs(th));
    }
    return lg_labkit_fclose(f, dir, "divergences.csv");
}

/* ------------------------------------------------- part 2: calibration --- */

typedef struct calib {
    double worst_sw1[2], worst_modes[2], mean_sw1[2], secs;
    int ok;
} calib;

static const char *const codings[2] = { "a=-1,b=1,c=0", "a=0,b=1,c=1" };
static const char *const coding_names[2] = { "chi2", "binary" }; /* calibration.csv: no commas */

static int part_calibration(const config *c, const lg_plugin *pl, const char *dir, calib *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = lg_labkit_fopen(dir, "calibration.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "seed,coding,sliced_w1,modes,high_quality,seconds\n");
    double t0 = now();
    out->ok = pl != NULL;
    for (int k = 0; k < 2; k++) {
        out->worst_modes[k] = 8;
        for (long s = 1; pl && s <= c->calib_seeds; s++) {
            lg_lab07_train_arg a = { .seed = (unsigned long)s, .steps = c->calib_steps };
            snprintf(a.kv, sizeof a.kv, "%s", codings[k]);
            double r[LG_LAB07_TRAIN_OUT] = { NAN, NAN, NAN }, t = now();
            lg_labkit_phase("the calibration runs of Task 7.1", -1);
            if (lg_lab07_train(pl, &a, r) != LG_OK) { /* a stub or a loss that fails: said in results.md */
                out->ok = 0;
                break;
            }
            fprintf(f, "%ld,%s,%.6f,%g,%.4f,%.3f\n", s, coding_names[k], r[LG_LAB07_OUT_SW1], r[LG_LAB07_OUT_MODES],
                    r[LG_LAB07_OUT_HQ], now() - t);
            out->worst_sw1[k] = fmax(out->worst_sw1[k], r[LG_LAB07_OUT_SW1]);
            out->worst_modes[k] = fmin(out->worst_modes[k], r[LG_LAB07_OUT_MODES]);
            out->mean_sw1[k] += r[LG_LAB07_OUT_SW1] / (double)c->calib_seeds;
        }
    }
    out->secs = now() - t0;
    return lg_labkit_fclose(f, dir, "calibration.csv");
}

/* ---------------------------------------------------- part 3: compare --- */

/* lab.ini's losses, split at spaces; "lsgan..." becomes the student's object. */
static int part_compare(const config *c, const char *data, const char *lsgan_so, const char *dir, double *secs)
{
    static char specs[LG_COMPARE_MAX_LOSSES][600];
    lg_compare_config cc;
    lg_compare_config_init(&cc);
    char buf[sizeof c->losses], *save = NULL;
    snprintf(buf, sizeof buf, "%s", c->losses);
    for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (cc.n_losses == LG_COMPARE_MAX_LOSSES)
            return lg_seterr(LG_EINVAL, "lab.ini: losses: at most %d", LG_COMPARE_MAX_LOSSES);
        char *spec = specs[cc.n_losses];
        if (!strncmp(tok, "lsgan", 5) && (tok[5] == '\0' || tok[5] == ':' || tok[5] == '+'))
            snprintf(spec, sizeof specs[0], "%s%s", lsgan_so, tok + 5);
        else
            snprintf(spec, sizeof specs[0], "%s", tok);
        cc.losses[cc.n_losses++] = spec;
    }
    if (cc.n_losses == 0)
        return lg_seterr(LG_EINVAL, "lab.ini: losses is empty: name some, e.g. nsgan lsgan");
    bool mnist = !strcmp(data, "mnist");
    cc.data = data;
    cc.budget = "evals";
    cc.steps = mnist ? c->mnist_steps : c->toy_steps;
    cc.seeds = mnist ? c->mnist_seeds : c->toy_seeds;
    if (!mnist) {
        cc.g = c->toy_g;
        cc.d = c->toy_d;
        cc.batch = c->toy_batch;
    } else {
        cc.batch = 64;
    }
    cc.jobs = c->jobs;
    cc.quiet = 1;
    cc.progress = 0;
    char out[4096];
    snprintf(out, sizeof out, "%s/compare-%s", dir, data);
    cc.out = out;
    double t = now();
    lg_labkit_phase("litgan compare", -1);
    int rc = lg_compare_run(&cc);
    *secs = now() - t;
    /* a loss whose runs failed is in the report (marked failed): the experiment goes on */
    if (rc != LG_OK)
        fprintf(stderr, "litgan lab 07: compare on %s: %s (see %s/report.md)\n", data, lg_errmsg(), out);
    return LG_OK;
}

/* The summary table of compare-DATA/report.md, copied into f. */
static void copy_table(FILE *f, const char *dir, const char *data)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/compare-%s/report.md", dir, data);
    FILE *r = fopen(path, "r");
    if (!r) {
        fprintf(f, "(no report: %s)\n", path);
        return;
    }
    char line[2048];
    bool in = false;
    while (fgets(line, sizeof line, r)) {
        if (!in && !strncmp(line, "| loss | runs finished", 22))
            in = true;
        if (in && line[0] != '|')
            break;
        if (in)
            fputs(line, f);
    }
    fclose(r);
}

/* ------------------------------------------------------------ outputs --- */

static int write_settings(const lg_lab *lab, const config *c, const char *dir)
{
    FILE *f = lg_labkit_settings_open(dir, lab, NULL);
    if (!f)
        return LG_EIO;
    lg_labkit_gp_number(f, "seed", (double)c->gan.seed, NULL);
    lg_labkit_gp_number(f, "div_points", c->div_grid[2], "the grid of the two Gaussians");
    lg_labkit_gp_number(f, "div_lo", c->div_grid[0], NULL);
    lg_labkit_gp_number(f, "div_hi", c->div_grid[1], NULL);
    lg_labkit_gp_number(f, "calib_seeds", (double)c->calib_seeds, NULL);
    lg_labkit_gp_number(f, "calib_steps", (double)c->calib_steps, NULL);
    lg_labkit_gp_number(f, "toy_steps", (double)c->toy_steps, NULL);
    lg_labkit_gp_number(f, "toy_seeds", (double)c->toy_seeds, NULL);
    lg_labkit_gp_string(f, "losses", c->losses, NULL);
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static int write_results(const config *c, const calib *k, const double secs[3], const bool ran[3], const char *dir,
                         const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "Lab 07, seed %ld. %s**Part 1, the divergences** between N(0, 1) and N(theta, 1) on %g points of "
               "[%g, %g]: `divergences.csv`, fig_divergences.png.\n\n",
            c->gan.seed, notes, c->div_grid[2], c->div_grid[0], c->div_grid[1]);
    fprintf(f, "**Part 2, the calibration of Task 7.1's graded run** (%.1f s): `lsgan.c` as it stands, %ld generator steps on "
               "`%s`, seeds 1..%ld (the graded runs take %d).\n\n| coding | worst sliced W1 | mean sliced W1 | fewest modes |\n|---|---:|---:|---:|\n",
            k->secs, c->calib_steps, LG_LAB07_TRAIN_DATA, c->calib_seeds, LG_LAB07_TRAIN_STEPS);
    for (int i = 0; i < 2 && k->ok; i++)
        fprintf(f, "| `%s` | %.4f | %.4f | %g |\n", codings[i], k->worst_sw1[i], k->mean_sw1[i], k->worst_modes[i]);
    if (!k->ok)
        fprintf(f, "| (lsgan.c does not train yet) | | | |\n");
    fprintf(f, "\nThe graded thresholds (lab07.h): sliced W1 at most %.2f and at least %d modes, with the 0-1 "
               "coding.\n\n",
            LG_LAB07_SW1_MAX, LG_LAB07_MODES_MIN);
    static const char *const data[3] = { "ring8", "grid25", "mnist" };
    for (int i = 0; i < 3; i++) {
        if (!ran[i])
            continue;
        fprintf(f, "**Part 3, `litgan compare` on %s** (%.0f s; `compare-%s/report.md`):\n\n", data[i], secs[i],
                data[i]);
        copy_table(f, dir, data[i]);
        fprintf(f, "\n![final samples on %s](compare-%s/samples.png)\n\n![metrics over training on %s](compare-%s/"
                   "metrics.png)\n\n",
                data[i], data[i], data[i], data[i]);
    }
    fprintf(f, "![the divergences against the shift](fig_divergences.png)\n");
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab07_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *dir = lr->out_dir;
    config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    char notes[512] = "";
    void *dl_ls = lg_labkit_dlopen(sub, 0), *dl_div = lg_labkit_dlopen(sub, 1);
    typedef const lg_plugin *(*entry_fn)(void);
    entry_fn entry = dl_ls ? (entry_fn)lg_labkit_sym(dl_ls, "litgan_plugin_entry") : NULL;
    const lg_plugin *pl = entry ? entry() : NULL;
    lg_lab07_js_fn js = dl_div ? (lg_lab07_js_fn)lg_labkit_sym(dl_div, "lab07_js") : NULL;
    lg_lab07_ls_fn ls = dl_div ? (lg_lab07_ls_fn)lg_labkit_sym(dl_div, "lab07_lsgan_criterion") : NULL;
    static const double one = 1;
    if (!js || !ls || isnan(js(&one, &one, 1)) || isnan(ls(&one, &one, 1, -1, 1, 0))) {
        js = NULL;
        ls = NULL;
        snprintf(notes, sizeof notes, "Task 7.2 is not implemented yet: the divergences are NaN. ");
    }
    calib k;
    double secs[3] = { 0, 0, 0 };
    bool ran[3] = { strstr(c.toy_data, "ring8") != NULL, strstr(c.toy_data, "grid25") != NULL, c.mnist_steps > 0 };
    static const char *const data[3] = { "ring8", "grid25", "mnist" };
    if ((rc = part_divergences(&c, js, ls, dir)) != LG_OK || (rc = part_calibration(&c, pl, dir, &k)) != LG_OK)
        goto out;
    if (!k.ok)
        snprintf(notes + strlen(notes), sizeof notes - strlen(notes),
                 "lsgan.c does not train yet (Task 7.1): its runs fail. ");
    if (notes[0])
        strncat(notes, "\n\n", sizeof notes - strlen(notes) - 1);
    for (int i = 0; i < 3 && rc == LG_OK; i++)
        if (ran[i])
            rc = part_compare(&c, data[i], lg_labkit_object(sub, 0), dir, &secs[i]);
    if (rc != LG_OK || (rc = write_settings(lab, &c, dir)) != LG_OK || (rc = lg_labkit_copy_scripts(lab, dir)) != LG_OK ||
        (rc = write_results(&c, &k, secs, ran, dir, notes)) != LG_OK)
        goto out;
    lg_gnuplot_run(dir, "fig_divergences.gp", "litgan lab 07", stderr);
out:
    if (dl_ls)
        dlclose(dl_ls);
    if (dl_div)
        dlclose(dl_div);
    lg_labkit_files_close(sub);
    return rc;
}
