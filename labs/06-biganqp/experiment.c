/*
 * experiment.c - `litgan lab 06`: BiGAN-QP (Su 2018) on MNIST and
 * Fashion-MNIST with the student's biganqp.c and recon.c.
 *
 *  1. the full model (beta1 = 2, beta2 = 3, the paper's stops): its trace
 *     (exp_train.c: train_full.csv), samples, reconstructions x -> G(E(x)),
 *     interpolations between the codes of two real digits, and the codes of
 *     held-out digits on their two principal axes (exp_images.c: codes.csv);
 *  2. the ablations, the same nets and seed: no guidance (beta1 = beta2 = 0),
 *     the latent term only, the image term only, and both terms without their
 *     stop-gradient (exp_loss.c): train_NAME.csv and a row of reconstructions
 *     each;
 *  3. the full model on Fashion-MNIST: train_fashion.csv, samples and
 *     reconstructions.
 *
 * This file reads lab.ini, builds and opens the student's files, runs the
 * parts in turn and writes settings.gp, the figure scripts (fig_*.gp) and
 * their PNGs, and results.md.
 */
#include "exp.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* lab.ini: the keys and their defaults (the values of labs/06-biganqp/lab.ini). */
static int read_config(const lg_lab_run *run, exp_config *c)
{
    *c = (exp_config){
        .gan = { .data = "mnist", .g = "32-256b0.8l-512b0.8l-784t", .d = "816-512l-256l-1", .opt_d = "adam:lr=2e-4,b1=0.5",
                 .opt_g = "adam:lr=2e-4,b1=0.5", .batch = 64, .steps = 500, .seed = 1, .d_steps = 2 },
        .e = "784-512l-256l-32", .fashion = "fashion", .beta1 = 2, .beta2 = 3,
        .log_every = 100, .heldout = 1000, .fid_samples = 1000, .ablations = 1, .fashion_steps = 500,
    };
    const lg_labkit_key keys[] = {
        { "e", LG_LABKIT_STRING, c->e, sizeof c->e, NULL },
        { "fashion", LG_LABKIT_STRING, c->fashion, sizeof c->fashion, NULL },
        { "beta1", LG_LABKIT_POSITIVE, &c->beta1, 1, NULL },
        { "beta2", LG_LABKIT_POSITIVE, &c->beta2, 1, NULL },
        { "log_every", LG_LABKIT_LONG, &c->log_every, 1, NULL },
        { "heldout", LG_LABKIT_LONG, &c->heldout, 1, NULL },
        { "fid_samples", LG_LABKIT_LONG, &c->fid_samples, 1, NULL },
        { "ablations", LG_LABKIT_LONG, &c->ablations, 1, NULL },
        { "fashion_steps", LG_LABKIT_LONG, &c->fashion_steps, 1, NULL },
    };
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    const char *path = run->ini_path;
    if (c->gan.steps < 1 || c->log_every < 1 || c->heldout < 20 || c->fid_samples < 2 || c->ablations > 1)
        return lg_seterr(LG_EINVAL, "%s: steps and log_every >= 1, heldout >= 20, fid_samples >= 2, ablations 0 or 1",
                         path);
    if (c->beta1 > 1e4 || c->beta2 > 1e4)
        return lg_seterr(LG_EINVAL, "%s: beta1 and beta2 in (0, 1e4] (biganqp.c's range)", path);
    return LG_OK;
}

/* ----------------------------------------------------------- outputs --- */

static int write_settings(const lg_lab *lab, const exp_config *c, const char *dir, const exp_pca *pca)
{
    FILE *f = lg_labkit_settings_open(dir, lab, &c->gan);
    if (!f)
        return LG_EIO;
    lg_labkit_gp_string(f, "e", c->e, "the encoder");
    lg_labkit_gp_string(f, "runs", c->ablations ? "full none latent image nostop" : "full",
                        "the MNIST runs (train_NAME.csv)");
    lg_labkit_gp_string(f, "fashion", c->fashion, NULL);
    lg_labkit_gp_number(f, "fashion_steps", (double)c->fashion_steps, "0: no Fashion-MNIST run");
    lg_labkit_gp_number(f, "beta1", c->beta1, NULL);
    lg_labkit_gp_number(f, "beta2", c->beta2, NULL);
    lg_labkit_gp_number(f, "heldout", (double)c->heldout, "held-out images for the errors and the codes");
    lg_labkit_gp_number(f, "pc1_share", 100 * pca->share[0], "% of the codes' variance");
    lg_labkit_gp_number(f, "pc2_share", 100 * pca->share[1], NULL);
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static int write_class_errors(const exp_config *c, const exp_run_out *o, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "recon_class.csv");
    if (!f)
        return LG_EIO;
    fprintf(f, "# litgan lab 06, seed %ld: the reconstruction error of G(E(x)) per class, %ld held-out images "
               "(recon.c), at the end of each run\nclass",
            c->gan.seed, c->heldout);
    for (int r = 0; r < RUN_FASHION; r++)
        if (o[r].done)
            fprintf(f, ",%s", exp_run_name[r]);
    fputc('\n', f);
    for (size_t k = 0; k < LG_LAB06_RECON_K; k++) {
        fprintf(f, "%zu", k);
        for (int r = 0; r < RUN_FASHION; r++)
            if (o[r].done)
                fprintf(f, ",%.6g", o[r].by_class[k]);
        fputc('\n', f);
    }
    return lg_labkit_fclose(f, dir, "recon_class.csv");
}

static int write_results(const exp_config *c, const exp_run_out *o, const exp_pca *pca, const char *dir,
                         const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "Lab 06, seed %ld. %sG `%s`, joint critic T `%s`, encoder E `%s`, batch %ld, %ld critic steps per "
               "generator step, Adam (`%s`); errors on %ld held-out images, FID on %ld samples.\n\n"
               "| run | data | steps | time (s) | recon error, first | recon error, last | latent MSE, last | FID, "
               "last | classes | inception |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            c->gan.seed, notes, c->gan.g, c->gan.d, c->e, c->gan.batch, c->gan.d_steps, c->gan.opt_g, c->heldout,
            c->fid_samples);
    for (int r = 0; r < N_RUNS; r++) {
        if (!o[r].done)
            continue;
        const exp_row *a = &o[r].rows[0], *b = &o[r].rows[o[r].n - 1];
        fprintf(f, "| %s (`%s`) | %s | %ld | %.1f | %.4f | %.4f | %.4g | %.1f | %.0f | %.2f |\n", exp_run_title[r],
                exp_run_name[r], r == RUN_FASHION ? c->fashion : c->gan.data, b->step, o[r].secs, a->recon, b->recon,
                b->latent, b->fid, b->classes, b->inception);
    }
    fprintf(f, "\nThe codes of the held-out digits (full model): the first two principal axes hold %.1f%% and %.1f%% "
               "of their variance.\n\nThe full model's error per digit at the end:",
            100 * pca->share[0], 100 * pca->share[1]);
    for (size_t k = 0; k < LG_LAB06_RECON_K; k++)
        fprintf(f, " %zu: %.4f%s", k, o[RUN_FULL].by_class[k], k + 1 < LG_LAB06_RECON_K ? "," : ".\n\n");
    fprintf(f, "![samples](fig_samples.png)\n\n![reconstructions](fig_recon.png)\n\n"
               "![training](fig_training.png)\n\n![interpolations](fig_interp.png)\n\n![codes](fig_codes.png)\n");
    if (o[RUN_FASHION].done)
        fprintf(f, "\n![Fashion-MNIST](fig_fashion.png)\n");
    return lg_labkit_fclose(f, dir, "results.md");
}

/* The originals of one image of each class, then a row of reconstructions per run. */
typedef struct recon_grid {
    size_t idx[LG_LAB06_RECON_K], n_cls, n_rows;
    gsl_matrix *rows[N_RUNS + 1];
} recon_grid;

static void grid_add(recon_grid *rg, lg_run *run, const gsl_matrix *x)
{
    gsl_matrix *m = gsl_matrix_alloc(rg->n_cls, x->size2);
    exp_reconstruct(run, x, rg->idx, rg->n_cls, m);
    rg->rows[rg->n_rows++] = m;
}

static int grid_write(recon_grid *rg, const gsl_matrix *x, const char *dir, const char *name)
{
    const double *img[(N_RUNS + 2) * LG_LAB06_RECON_K];
    size_t side = (size_t)lround(sqrt((double)x->size2));
    for (size_t i = 0; i < rg->n_cls; i++)
        img[i] = x->data + rg->idx[i] * x->size2;
    for (size_t r = 0; r < rg->n_rows; r++)
        for (size_t i = 0; i < rg->n_cls; i++)
            img[(r + 1) * rg->n_cls + i] = rg->rows[r]->data + i * x->size2;
    int rc = exp_write_images(dir, name, img, rg->n_rows + 1, rg->n_cls, side);
    for (size_t r = 0; r < rg->n_rows; r++)
        gsl_matrix_free(rg->rows[r]);
    rg->n_rows = 0;
    return rc;
}

static int run_parts(const exp_config *c, const exp_student *s, const char *dir, exp_run_out *o, exp_pca *pca)
{
    lg_run *run = NULL;
    gsl_matrix *x = NULL;
    int *y = NULL;
    recon_grid rg = { .n_rows = 0 };
    int rc = exp_train_run(c, s, RUN_FULL, dir, &o[RUN_FULL], &run);
    if (rc == LG_OK)
        rc = exp_heldout(lg_run_dataset(run), c->heldout, &x, &y);
    if (rc != LG_OK) {
        if (run)
            lg_run_close(run);
        return rc;
    }
    rg.n_cls = exp_class_examples(x, y, rg.idx);
    /* pairs of digits to walk between: 1 -> 7, 3 -> 8, 4 -> 9 (or the classes there are) */
    size_t pairs[6], n_pairs = 0;
    static const size_t want[6] = { 1, 7, 3, 8, 4, 9 };
    for (size_t p = 0; p < 3; p++)
        if (want[2 * p + 1] < rg.n_cls) {
            pairs[2 * n_pairs] = rg.idx[want[2 * p]];
            pairs[2 * n_pairs + 1] = rg.idx[want[2 * p + 1]];
            n_pairs++;
        }
    if (n_pairs == 0) { /* fewer than 8 classes among the held-out images: the first two */
        pairs[0] = 0;
        pairs[1] = 1;
        n_pairs = 1;
    }
    grid_add(&rg, run, x);
    if ((rc = exp_samples(run, c->gan.seed, dir, "samples.dat")) == LG_OK &&
        (rc = exp_codes(run, x, y, dir, "codes.csv", pca)) == LG_OK)
        rc = exp_interp(run, x, pairs, n_pairs, 8, dir);
    lg_run_close(run);
    for (int r = RUN_NONE; rc == LG_OK && c->ablations && r <= RUN_NOSTOP; r++) {
        if ((rc = exp_train_run(c, s, r, dir, &o[r], &run)) != LG_OK)
            break;
        grid_add(&rg, run, x);
        lg_run_close(run);
    }
    if (rc == LG_OK)
        rc = grid_write(&rg, x, dir, "recon.dat");
    for (size_t r = 0; r < rg.n_rows; r++)
        gsl_matrix_free(rg.rows[r]);
    rg.n_rows = 0;
    gsl_matrix_free(x);
    free(y);
    x = NULL;
    y = NULL;
    if (rc == LG_OK)
        rc = write_class_errors(c, o, dir);
    if (rc != LG_OK || c->fashion_steps < 1)
        return rc;
    if ((rc = exp_train_run(c, s, RUN_FASHION, dir, &o[RUN_FASHION], &run)) != LG_OK)
        return rc;
    if ((rc = exp_heldout(lg_run_dataset(run), c->heldout, &x, &y)) == LG_OK) {
        rg.n_cls = exp_class_examples(x, y, rg.idx);
        grid_add(&rg, run, x);
        if ((rc = exp_samples(run, c->gan.seed, dir, "fashion_samples.dat")) == LG_OK)
            rc = grid_write(&rg, x, dir, "fashion_recon.dat");
        for (size_t r = 0; r < rg.n_rows; r++)
            gsl_matrix_free(rg.rows[r]);
        gsl_matrix_free(x);
        free(y);
    }
    lg_run_close(run);
    return rc;
}

int lg_lab06_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *dir = lr->out_dir;
    exp_config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    char notes[256] = "";
    void *dl = lg_labkit_dlopen(sub, 1);
    exp_student s = { lg_labkit_object(sub, 0), (lg_lab06_recon_fn)lg_labkit_sym(dl, "lab06_recon_error"),
                      (lg_lab06_by_class_fn)lg_labkit_sym(dl, "lab06_recon_by_class") };
    static const double probe[2] = { 0, 1 };
    if (!s.recon || !s.by_class || isnan(s.recon(probe, probe, 1, 2))) {
        s.recon = NULL; /* not implemented yet (said on stderr) */
        s.by_class = NULL;
        snprintf(notes, sizeof notes, "Task 6.3 is not implemented yet: the reconstruction errors are NaN. ");
    }
    exp_run_out o[N_RUNS];
    exp_pca pca = { { NAN, NAN } };
    memset(o, 0, sizeof o);
    if ((rc = run_parts(&c, &s, dir, o, &pca)) != LG_OK || (rc = write_settings(lab, &c, dir, &pca)) != LG_OK ||
        (rc = lg_labkit_copy_scripts(lab, dir)) != LG_OK || (rc = write_results(&c, o, &pca, dir, notes)) != LG_OK)
        goto out;
    /* a figure that fails is said on stderr; the data and the scripts stay */
    const char *figs[] = { "fig_samples.gp", "fig_recon.gp", "fig_training.gp", "fig_interp.gp", "fig_codes.gp",
                           "fig_fashion.gp" };
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
        if (i < 5 || o[RUN_FASHION].done)
            lg_gnuplot_run(dir, figs[i], "litgan lab 06", stderr);
out:
    for (int r = 0; r < N_RUNS; r++)
        exp_run_free(&o[r]);
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    return rc;
}
