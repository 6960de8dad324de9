/*
 * experiment.c - `litgan lab 05`: GAN-QP's claims on small problems.
 *
 *  1. ring8: GAN-QP (ganqp.c) against WGAN with clipping (Lab 03's wgan.c and
 *     clip.c), WGAN without any constraint (wgan.c alone, GAN-QP's optimizer and
 *     critic steps: the quadratic term is the only difference) and WGAN-GP
 *     (wgan.c with the library's gp), the same nets, batch and seed;
 *  2. ring8: GAN-QP with the l2 distance, and one run per lambda;
 *  3. MNIST: the four of part 1 with small nets.
 * Every run is watched at its log rows (exp_train.c): losses, G's gradient
 * norm, the critic's gap and the ratio |Delta| / (lambda d) on fixed pairs, the
 * quality. This file reads lab.ini, builds and opens the student's files, runs
 * the parts and writes samples_*.csv, mnist_samples.dat, lambda.csv,
 * settings.gp, the figure scripts and their PNGs, and results.md.
 */
#include "exp.h"

#include <dlfcn.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { R_QP, R_WGAN, R_FREE, R_GP, R_L2, N_MAIN };
static const char *const main_name[N_MAIN] = { "qp", "wgan", "free", "gp", "qp_l2" };
static const char *const main_title[N_MAIN] = { "GAN-QP (ganqp.c), l1", "WGAN, clipping (wgan.c + clip.c)",
                                                "WGAN, no constraint (wgan.c)", "WGAN-GP (wgan.c + gp)",
                                                "GAN-QP (ganqp.c), l2" };

/* "a, b, c": 1..EXP_MAX_LAMBDAS numbers in [1e-3, 1e4] (ganqp.c's range). */
static int parse_lambdas(exp_config *c, const char *path)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", c->lambdas_text);
    c->n_lambdas = 0;
    for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        double v;
        if (c->n_lambdas == EXP_MAX_LAMBDAS || !lg_parse_decimal(tok, &v) || !(v >= 1e-3 && v <= 1e4))
            return lg_seterr(LG_EINVAL, "%s: lambdas = '%s': give 1 to %d numbers in [1e-3, 1e4], e.g. 1, 10, 100",
                             path, c->lambdas_text, EXP_MAX_LAMBDAS);
        c->lambdas[c->n_lambdas++] = v;
    }
    if (c->n_lambdas == 0)
        return lg_seterr(LG_EINVAL, "%s: lambdas is empty: give 1 to %d numbers", path, EXP_MAX_LAMBDAS);
    return LG_OK;
}

static int read_config(const lg_lab_run *run, exp_config *c)
{
    *c = (exp_config){
        .gan = { .data = "ring8:sigma=0.1", .g = "2-64r-64r-2", .d = "2-64r-64r-1", .batch = 128, .steps = 1500,
                 .seed = 1, .d_steps = 1 },
        .log_every = 50, .qp_d_steps = 2, .wgan_d_steps = 5, .lambda = 10, .clip = 0.01,
        .opt_qp = "adam:lr=2e-4,b1=0.5", .opt_wgan = "rmsprop:lr=5e-5", .opt_free = "adam:lr=2e-4,b1=0.5",
        .opt_gp = "adam:lr=1e-4,b1=0,b2=0.9", .lambdas_text = "1, 3, 10, 30, 100",
        .mnist_data = "mnist", .mnist_g = "32-256l-784t", .mnist_d = "784-256l-1", .mnist_batch = 64,
        .mnist_steps = 300, .mnist_log_every = 50, .mnist_samples = 500, .mnist_runs = 4,
    };
#define S(name) { #name, LG_LABKIT_STRING, c->name, sizeof c->name, NULL }
#define L(name) { #name, LG_LABKIT_LONG, &c->name, 1, NULL }
#define P(name) { #name, LG_LABKIT_POSITIVE, &c->name, 1, NULL }
    const lg_labkit_key keys[] = {
        L(log_every), P(lambda), S(opt_qp), L(qp_d_steps), S(opt_wgan), S(opt_free), S(opt_gp), L(wgan_d_steps),
        P(clip), { "lambdas", LG_LABKIT_STRING, c->lambdas_text, sizeof c->lambdas_text, NULL },
        S(mnist_data), S(mnist_g), S(mnist_d), L(mnist_batch), L(mnist_steps), L(mnist_log_every), L(mnist_samples), L(mnist_runs),
    };
#undef S
#undef L
#undef P
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc == LG_OK)
        rc = parse_lambdas(c, run->ini_path);
    if (rc != LG_OK)
        return rc;
    if (c->gan.steps < 1 || c->log_every < 1 || c->mnist_steps < 1 || c->mnist_log_every < 1 || c->qp_d_steps < 1 ||
        c->wgan_d_steps < 1 || c->mnist_batch < 1 || c->mnist_samples < 10 || c->gan.batch < 1 ||
        c->mnist_runs > 4)
        return lg_seterr(LG_EINVAL, "%s: steps, log_every, mnist_steps, mnist_log_every, the critic steps and the "
                                    "batches >= 1, mnist_samples >= 10, mnist_runs 0..4", run->ini_path);
    if (!(c->lambda >= 1e-3 && c->lambda <= 1e4) || !(c->clip >= 1e-6 && c->clip <= 1e3))
        return lg_seterr(LG_EINVAL, "%s: lambda in [1e-3, 1e4] (ganqp.c's range), clip in [1e-6, 1e3] (clip.c's)",
                         run->ini_path);
    return LG_OK;
}

/* The specs of part 1 and 2's main runs, on ring8 (mnist 0) or MNIST. */
static void main_spec(const exp_config *c, const exp_student *s, int which, int mnist, exp_spec *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s%s", mnist ? "mnist_" : "", main_name[which]);
    snprintf(p->title, sizeof p->title, "%s%s", main_title[which], mnist ? " on MNIST" : "");
    p->lambda = c->lambda;
    p->l2 = which == R_L2;
    p->mnist = mnist;
    switch (which) {
    case R_QP:
    case R_L2:
        snprintf(p->loss, sizeof p->loss, "%s:lambda=%.17g,metric=%s", s->ganqp_so, c->lambda, p->l2 ? "l2" : "l1");
        snprintf(p->opt, sizeof p->opt, "%s", c->opt_qp);
        p->d_steps = c->qp_d_steps;
        break;
    case R_WGAN:
        snprintf(p->loss, sizeof p->loss, "%s", s->wgan_so);
        snprintf(p->reg, sizeof p->reg, "%s:c=%.17g", s->clip_so, c->clip);
        snprintf(p->opt, sizeof p->opt, "%s", c->opt_wgan);
        p->d_steps = c->wgan_d_steps;
        break;
    case R_FREE:
        /* the engine runs a loss's own regularizer (WGAN's clip) unless another
         * is named: a clip at 1000, which the critic's parameters never reach
         * (wmax in the CSV), is no constraint at all */
        snprintf(p->loss, sizeof p->loss, "%s", s->wgan_so);
        snprintf(p->reg, sizeof p->reg, "%s:c=1000", s->clip_so);
        snprintf(p->opt, sizeof p->opt, "%s", c->opt_free);
        p->d_steps = c->qp_d_steps;
        break;
    default:
        snprintf(p->loss, sizeof p->loss, "%s", s->wgan_so);
        snprintf(p->reg, sizeof p->reg, "gp");
        snprintf(p->opt, sizeof p->opt, "%s", c->opt_gp);
        p->d_steps = c->wgan_d_steps;
        break;
    }
}

/* ----------------------------------------------------------- outputs --- */

static int write_points(const char *dir, const char *name, const char *what, long seed, const double *xy, size_t n)
{
    FILE *f = lg_labkit_fopen(dir, name);
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 05, seed %ld: %s\nx,y\n", seed, what);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.6g,%.6g\n", xy[2 * i], xy[2 * i + 1]);
    return lg_labkit_fclose(f, dir, name);
}

/* The real points of ring8 and the samples of each ring8 run at the end. */
static int write_samples(const exp_config *c, const exp_out *out, const char *dir)
{
    lg_dataset *ds;
    int rc = lg_dataset_open(c->gan.data, &ds);
    if (rc != LG_OK)
        return rc;
    if (lg_dataset_dim(ds) != 2) {
        lg_dataset_free(ds);
        return LG_OK; /* the scatter plots are for 2D data */
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 906));
    gsl_matrix *x = gsl_matrix_alloc(EXP_SAMPLES, 2);
    lg_dataset_sample(ds, r, x);
    rc = write_points(dir, "samples_real.csv", "the data", c->gan.seed, x->data, EXP_SAMPLES);
    gsl_matrix_free(x);
    gsl_rng_free(r);
    lg_dataset_free(ds);
    for (int i = 0; rc == LG_OK && i < N_MAIN; i++) {
        char name[64], what[160];
        snprintf(name, sizeof name, "samples_%s.csv", main_name[i]);
        snprintf(what, sizeof what, "%s, G at the end on fixed z", main_title[i]);
        rc = write_points(dir, name, what, c->gan.seed, out[i].samples, EXP_SAMPLES);
    }
    return rc;
}

/* MNIST: EXP_IMAGES images of each run side by side, one run a band, as a
 * matrix gnuplot draws `with image` (row 0 at the top of the figure). */
static int write_images(const exp_config *c, const exp_out *m, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "mnist_samples.dat");
    if (!f)
        return LG_EIO;
    size_t side = 28;
    fprintf(f, "# litgan lab 05, seed %ld: %d samples of each MNIST run at the end (bands: qp, wgan, free, gp), "
               "pixels in [-1, 1]\n", c->gan.seed, EXP_IMAGES);
    for (int run = 0; run < 4; run++) /* a run left out (mnist_runs) is a black band */
        for (size_t row = 0; row < side; row++) {
            for (size_t k = 0; k < EXP_IMAGES; k++)
                for (size_t col = 0; col < side; col++)
                    fprintf(f, "%s%.3f", k + col ? " " : "",
                            m[run].samples ? m[run].samples[k * side * side + row * side + col] : -1.0);
            fputc('\n', f);
        }
    return lg_labkit_fclose(f, dir, "mnist_samples.dat");
}

/* The mean of column f of the rows in the last quarter of a run (from step 1). */
static double late(const exp_out *o, size_t off)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = o->n - (o->n + 3) / 4; i < o->n; i++) {
        double v = *(const double *)((const char *)&o->rows[i] + off);
        if (o->rows[i].step > 0 && isfinite(v)) {
            s += v;
            k++;
        }
    }
    return k ? s / (double)k : NAN;
}
#define LATE(o, field) late((o), offsetof(exp_row, field))

static int write_lambda(const exp_config *c, const exp_out *lam, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "lambda.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 05, seed %ld: GAN-QP on %s for each lambda, %ld steps; the last row's quality and the "
               "ratio |Delta| / (lambda d) averaged over the last quarter of the rows\n"
               "lambda,sliced_w1,high_quality,modes,ratio_mean,ratio_max,above_pct,gnorm_g\n",
            c->gan.seed, c->gan.data, c->gan.steps);
    for (size_t i = 0; i < c->n_lambdas; i++) {
        const exp_row *e = &lam[i].rows[lam[i].n - 1];
        fprintf(f, "%g,%.6g,%.4g,%.0f,%.6g,%.6g,%.4g,%.6g\n", c->lambdas[i], e->sliced_w1, e->hq, e->modes,
                LATE(&lam[i], ratio_mean), LATE(&lam[i], ratio_max), LATE(&lam[i], above), LATE(&lam[i], gnorm_g));
    }
    return lg_labkit_fclose(f, dir, "lambda.csv");
}

static int write_settings(const lg_lab *lab, const exp_config *c, const char *dir)
{
    FILE *f = lg_labkit_settings_open(dir, lab, &c->gan);
    if (!f)
        return LG_EIO;
    char list[256] = "";
    for (size_t i = 0; i < c->n_lambdas; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%g", i ? " " : "", c->lambdas[i]);
    lg_labkit_gp_string(f, "lambdas", list, "lab.ini: lambdas (one train_qp_lamN.csv each)");
    lg_labkit_gp_number(f, "lambda", c->lambda, "GAN-QP's lambda in parts 1 and 3");
    lg_labkit_gp_number(f, "clip", c->clip, "WGAN's clip value c");
    lg_labkit_gp_number(f, "mnist_steps", (double)c->mnist_steps, NULL);
    lg_labkit_gp_string(f, "mnist_g", c->mnist_g, NULL);
    lg_labkit_gp_string(f, "mnist_d", c->mnist_d, NULL);
    lg_labkit_gp_string(f, "opt_qp", c->opt_qp, NULL);
    lg_labkit_gp_string(f, "opt_wgan", c->opt_wgan, NULL);
    lg_labkit_gp_string(f, "opt_free", c->opt_free, NULL);
    lg_labkit_gp_string(f, "opt_gp", c->opt_gp, NULL);
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static void table_row(FILE *f, const char *title, const exp_out *o, int mnist)
{
    const exp_row *e = &o->rows[o->n - 1];
    fprintf(f, "| %s | %.1f | %.4g | %.4g | %.3g | %.3g | %.3g | %.3g | %.3g | %.3g |", title, o->secs, e->loss_d,
            e->gap, o->rows[o->n > 1 ? 1 : 0].gnorm_g, LATE(o, gnorm_g), LATE(o, ratio_mean), LATE(o, ratio_max),
            LATE(o, above), e->wmax);
    if (mnist)
        fprintf(f, " %.1f | %.0f |\n", e->fid, e->classes);
    else
        fprintf(f, " %.3f | %.1f | %.0f |\n", e->sliced_w1, e->hq, e->modes);
}

static const char table_head[] =
    "| run | time (s) | critic loss, last | gap, last | G grad norm, first row | G grad norm, late | ratio mean, late | "
    "ratio max, late | %% of pairs above 1, late | largest critic parameter |";

static int write_results(const exp_config *c, const exp_out *m, const exp_out *lam, const exp_out *mn,
                         const char *dir, const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "Lab 05, seed %ld. %sThe ratio is |Delta_i| / (lambda d_i) on 1000 fixed pairs (500 on MNIST), "
               "lambda = %g for every run (the WGAN runs are measured on GAN-QP's scale for comparison); \"late\" is "
               "the mean over the last quarter of the log rows.\n\n",
            c->gan.seed, notes, c->lambda);
    fprintf(f, "**Part 1, %s** (%ld generator steps, G `%s`, D `%s`, batch %ld).\n\n", c->gan.data, c->gan.steps,
            c->gan.g, c->gan.d, c->gan.batch);
    fprintf(f, table_head);
    fprintf(f, " sliced W1, last | high quality %%, last | modes, last |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
               "---:|---:|---:|---:|\n");
    for (int i = 0; i < N_MAIN; i++)
        table_row(f, main_title[i], &m[i], 0);
    fprintf(f, "\n**Part 2, the lambda sweep** (GAN-QP, l1, the same nets and seed).\n\n"
               "| lambda | time (s) | sliced W1, last | modes, last | ratio mean, late | ratio max, late | %% above 1, "
               "late | G grad norm, late |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < c->n_lambdas; i++) {
        const exp_row *e = &lam[i].rows[lam[i].n - 1];
        fprintf(f, "| %g | %.1f | %.3f | %.0f | %.3g | %.3g | %.3g | %.3g |\n", c->lambdas[i], lam[i].secs,
                e->sliced_w1, e->modes, LATE(&lam[i], ratio_mean), LATE(&lam[i], ratio_max), LATE(&lam[i], above),
                LATE(&lam[i], gnorm_g));
    }
    fprintf(f, "\n**Part 3, %s** (%ld generator steps, G `%s`, D `%s`, batch %ld; FID and classes of %ld samples "
               "through the data set's classifier against the held-out images).\n\n",
            c->mnist_data, c->mnist_steps, c->mnist_g, c->mnist_d, c->mnist_batch, c->mnist_samples);
    fprintf(f, table_head);
    fprintf(f, " FID, last | classes, last |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < 4; i++)
        if (mn[i].n)
            table_row(f, main_title[i], &mn[i], 1);
    double total = 0;
    for (int i = 0; i < N_MAIN; i++)
        total += m[i].secs;
    for (size_t i = 0; i < c->n_lambdas; i++)
        total += lam[i].secs;
    for (int i = 0; i < 4; i++)
        total += mn[i].secs;
    fprintf(f, "\nTraining took %.0f s in all.\n\n"
               "![ring8: losses, gradients, gap, quality](fig_training.png)\n\n"
               "![the ratio |Delta| / (lambda d) over training](fig_ratio.png)\n\n"
               "![the lambda sweep](fig_lambda.png)\n\n"
               "![ring8 samples at the end](fig_samples.png)\n\n"
               "![MNIST over training](fig_mnist.png)\n\n"
               "![MNIST samples at the end](fig_mnist_samples.png)\n",
            total);
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab05_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *dir = lr->out_dir;
    exp_config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub, *sub3;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    if ((rc = lg_labkit_other_files_open(lab, "03", &sub3)) != LG_OK) { /* WGAN: wgan.c, clip.c */
        lg_labkit_files_close(sub);
        return rc;
    }
    char notes[256] = "";
    void *dl = lg_labkit_dlopen(sub, 1);
    exp_student s = { lg_labkit_object(sub, 0), lg_labkit_object(sub3, 0), lg_labkit_object(sub3, 1),
                      (lg_lab05_opt_fn)lg_labkit_sym(dl, "lab05_optimal_gap") };
    if (!s.gap || !(fabs(s.gap(2, 3) - 6) < 1e-12)) {
        s.gap = NULL; /* not implemented yet, or wrong (said on stderr and in results.md) */
        snprintf(notes, sizeof notes, "Task 5.3's optimal gap is not implemented yet (or not lambda d at lambda = 2, "
                                      "d = 3): the ratios use lambda d.\n\n");
        fprintf(stderr, "litgan lab 05: %s", notes);
    }
    exp_out m[N_MAIN], lam[EXP_MAX_LAMBDAS], mn[4];
    memset(m, 0, sizeof m);
    memset(lam, 0, sizeof lam);
    memset(mn, 0, sizeof mn);
    exp_spec spec;
    for (int i = 0; rc == LG_OK && i < N_MAIN; i++) {
        main_spec(&c, &s, i, 0, &spec);
        rc = exp_train(&c, &s, &spec, dir, &m[i]);
    }
    for (size_t i = 0; rc == LG_OK && i < c.n_lambdas; i++) {
        main_spec(&c, &s, R_QP, 0, &spec);
        snprintf(spec.name, sizeof spec.name, "qp_lam%g", c.lambdas[i]);
        snprintf(spec.title, sizeof spec.title, "GAN-QP, lambda = %g", c.lambdas[i]);
        snprintf(spec.loss, sizeof spec.loss, "%s:lambda=%.17g,metric=l1", s.ganqp_so, c.lambdas[i]);
        spec.lambda = c.lambdas[i];
        rc = exp_train(&c, &s, &spec, dir, &lam[i]);
    }
    for (int i = 0; rc == LG_OK && i < c.mnist_runs; i++) {
        main_spec(&c, &s, i, 1, &spec);
        rc = exp_train(&c, &s, &spec, dir, &mn[i]);
    }
    if (rc == LG_OK && (rc = write_samples(&c, m, dir)) == LG_OK && (rc = write_images(&c, mn, dir)) == LG_OK &&
        (rc = write_lambda(&c, lam, dir)) == LG_OK && (rc = write_settings(lab, &c, dir)) == LG_OK &&
        (rc = lg_labkit_copy_scripts(lab, dir)) == LG_OK && (rc = write_results(&c, m, lam, mn, dir, notes)) == LG_OK) {
        /* a figure that fails is said on stderr; the data and the scripts stay */
        const char *figs[] = { "fig_training.gp", "fig_ratio.gp", "fig_lambda.gp", "fig_samples.gp", "fig_mnist.gp",
                               "fig_mnist_samples.gp" };
        for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
            lg_gnuplot_run(dir, figs[i], "litgan lab 05", stderr);
    }
    for (int i = 0; i < N_MAIN; i++)
        exp_out_free(&m[i]);
    for (size_t i = 0; i < EXP_MAX_LAMBDAS; i++)
        exp_out_free(&lam[i]);
    for (int i = 0; i < 4; i++)
        exp_out_free(&mn[i]);
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    lg_labkit_files_close(sub3);
    return rc;
}
