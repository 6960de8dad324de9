/*
 * compare_report.c - what `litgan compare` writes of its runs once they have
 * ended: runs.csv (every run, its state and scores) and report.md (the table
 * with 95% t intervals, what each loss ran, the metrics defined, the runs that
 * did not finish, the figures compare_out.c drew). Only runs that finished in
 * this invocation are scored.
 */
#include "compare.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

static const char *state_word[] = { "pending", "ok", "failed", "stopped", "not run" };

double lg_cmp_ci95(const double *v, size_t n, double *mean)
{
    *mean = n ? gsl_stats_mean(v, 1, n) : NAN;
    if (n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd(v, 1, n) / sqrt((double)n);
}

/* ------------------------------------------------------------- report --- */

/* "mean ± half-width" of the 95% t interval over the runs of loss l that
 * finished; one run: its value; none: "failed". */
static void cell(const cmp *c, size_t l, size_t off, const char *fmt, char *out, size_t len)
{
    double v[CMP_MAX_SEEDS], mean;
    size_t k = 0;
    for (long s = 0; s < c->seeds; s++) {
        const cmp_job *j = &c->runs[l * (size_t)c->seeds + (size_t)s];
        double x = *(const double *)((const char *)j + off);
        if (j->state == CMP_OK && isfinite(x))
            v[k++] = x;
    }
    if (!k) {
        snprintf(out, len, "failed");
        return;
    }
    double h = lg_cmp_ci95(v, k, &mean);
    char a[64], b[64];
    snprintf(a, sizeof a, fmt, mean);
    if (k < 2) {
        snprintf(out, len, "%s", a);
        return;
    }
    snprintf(b, sizeof b, fmt, h);
    snprintf(out, len, "%s ± %s", a, b);
}

static int write_runs_csv(const cmp *c)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/runs.csv", c->out);
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
    if (rc != LG_OK)
        return rc;
    bool images = c->ds->height > 0;
    fprintf(a.f, "loss,seed,status,modes,high_quality_pct,sliced_w1,steps_per_s,loss_d,loss_g,seconds,steps,"
                 "d_steps%s\n", images ? ",fid,classes,min_class_pct,inception" : "");
    for (size_t i = 0; i < c->n_runs; i++) {
        const cmp_job *j = &c->runs[i];
        if (j->state == CMP_OK) {
            fprintf(a.f, "%s,%ld,ok,%g,%.2f,%.6g,%.1f,%.6g,%.6g,%.1f,%ld,%ld", j->l->label, j->seed, j->modes,
                    j->hq, j->sw1, j->rate, j->loss_d, j->loss_g, j->secs, j->steps_done, j->l->d_steps);
            if (images)
                fprintf(a.f, ",%.6g,%g,%.4g,%.6g", j->fid, j->classes, j->min_class, j->inception);
            fprintf(a.f, "\n");
        } else { /* no numbers at all: a failed run must not read as a score */
            fprintf(a.f, "%s,%ld,%s,,,,,,,%.1f,,%ld%s\n", j->l->label, j->seed, state_word[j->state], j->secs,
                    j->l->d_steps, images ? ",,,," : "");
        }
    }
    return lg_atomic_commit(&a);
}

static bool has(const lg_strvec *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->w[i], s))
            return true;
    return false;
}

int lg_cmp_report(const cmp *c, const lg_strvec *figs)
{
    int rc = write_runs_csv(c);
    if (rc != LG_OK)
        return rc;
    char path[4300];
    snprintf(path, sizeof path, "%s/report.md", c->out);
    lg_atomic a;
    if ((rc = lg_atomic_open(&a, path)) != LG_OK)
        return rc;
    FILE *f = a.f;
    fprintf(f, "# Comparing losses on %s\n\n", c->data);
    if (c->budget == CMP_BUDGET_EVALS)
        fprintf(f, "Budget: equal updates. Every loss gets the optimizer updates (critic and generator steps, "
                   "each a forward and backward pass on one batch) of %ld generator steps with one critic "
                   "step, %ld updates: a loss with k critic steps trains 2 × %ld / (k + 1) generator steps "
                   "(regularizers' extra passes are not counted). ", c->steps, 2 * c->steps, c->steps);
    else if (c->budget == CMP_BUDGET_SECONDS)
        fprintf(f, "Budget: equal time. Every run trains %g seconds of wall-clock time (at most %ld generator "
                   "steps), %ld runs side by side. ", c->budget_s, c->steps, c->jobs);
    else
        fprintf(f, "Every loss trains %ld generator steps (critic steps per generator step as below). ", c->steps);
    fprintf(f, "Batch %ld, seeds 1..%ld, each loss with its paper's defaults unless named otherwise%s%s%s%s.\n\n"
               "Each cell: the mean over the seeds whose runs finished ± the half-width of its 95%% "
               "confidence interval (Student t with n − 1 degrees of freedom: t₀.₉₇₅,ₙ₋₁ · s / √n); a "
               "single finished run shows its value alone; \"failed\" when none finished.\n\n",
            c->batch, c->seeds, c->nets ? "; the default networks are the " : "", c->nets ? c->nets : "",
            c->nets ? " family's (--nets; see litgan train --help)" : "",
            c->precision ? "; the networks compute in float (--precision float)" : "");
    bool images = c->ds->height > 0;
    if (images)
        fprintf(f, "| loss | runs finished | FID | classes (of %zu) | rarest class %% | inception score | "
                   "steps/s |\n|---|---|---|---|---|---|---|\n", c->ds->n_classes);
    else if (c->ds->n_modes)
        fprintf(f, "| loss | runs finished | modes covered (of %zu) | high quality %% | sliced W1 | steps/s |\n"
                   "|---|---|---|---|---|---|\n", c->ds->n_modes);
    else
        fprintf(f, "| loss | runs finished | sliced W1 | steps/s |\n|---|---|---|---|\n");
    for (size_t l = 0; l < c->n_losses; l++) {
        size_t ok = 0;
        for (long s = 0; s < c->seeds; s++)
            ok += c->runs[l * (size_t)c->seeds + (size_t)s].state == CMP_OK;
        char m[96], h[96], w[96], r[96];
        cell(c, l, offsetof(cmp_job, modes), "%.1f", m, sizeof m);
        cell(c, l, offsetof(cmp_job, hq), "%.1f", h, sizeof h);
        cell(c, l, offsetof(cmp_job, sw1), "%.4f", w, sizeof w);
        cell(c, l, offsetof(cmp_job, rate), "%.0f", r, sizeof r);
        if (images) {
            char fid[96], cl[96], mc[96], is[96];
            cell(c, l, offsetof(cmp_job, fid), "%.1f", fid, sizeof fid);
            cell(c, l, offsetof(cmp_job, classes), "%.1f", cl, sizeof cl);
            cell(c, l, offsetof(cmp_job, min_class), "%.1f", mc, sizeof mc);
            cell(c, l, offsetof(cmp_job, inception), "%.2f", is, sizeof is);
            fprintf(f, "| %s | %zu of %ld%s | %s | %s | %s | %s | %s |\n", c->loss[l].label, ok, c->seeds,
                    ok < (size_t)c->seeds ? " (**failed** or stopped: see below)" : "", fid, cl, mc, is, r);
        } else if (c->ds->n_modes)
            fprintf(f, "| %s | %zu of %ld%s | %s | %s | %s | %s |\n", c->loss[l].label, ok, c->seeds,
                    ok < (size_t)c->seeds ? " (**failed** or stopped: see below)" : "", m, h, w, r);
        else
            fprintf(f, "| %s | %zu of %ld%s | %s | %s |\n", c->loss[l].label, ok, c->seeds,
                    ok < (size_t)c->seeds ? " (**failed** or stopped: see below)" : "", w, r);
    }
    fprintf(f, "\n## What each loss ran\n\n"
               "| loss | generator steps | critic steps per generator step | optimizer of D | optimizer of G | "
               "regularizers |\n|---|---|---|---|---|---|\n");
    for (size_t l = 0; l < c->n_losses; l++) {
        const cmp_loss *x = &c->loss[l];
        char steps[64];
        if (c->budget == CMP_BUDGET_SECONDS)
            snprintf(steps, sizeof steps, "%g s (at most %ld)", c->budget_s, x->steps);
        else
            snprintf(steps, sizeof steps, "%ld", x->steps);
        fprintf(f, "| %s | %s | %ld | `%s` | `%s` | %s |\n", x->label, steps, x->d_steps, x->opt_d, x->opt_g,
                x->reg_list);
    }
    if (images)
        fprintf(f, "\n## The metrics\n\n"
                   "Scored on 1,000 samples of the final generator through %s's own classifier (an MLP "
                   "litgan trained on its training split, seed %d, the same for every run; `litgan classifier "
                   "%s` prints its held-out accuracy), against the %zu held-out images no run trained on.\n\n"
                   "- **FID**: the Fréchet distance between Gaussians fitted to the classifier's features "
                   "(its last hidden layer) of the samples and of the held-out images (lower is better; held-out "
                   "images against themselves score near 0, noise in the thousands).\n"
                   "- **classes**: classes the classifier finds in at least 1%% of the samples; **rarest class "
                   "%%**: the share of the least frequent class (10%% each for balanced samples, 0 when a class "
                   "is missing).\n"
                   "- **inception score**: exp of the mean KL divergence of each sample's class probabilities to "
                   "their average: 1 for one blurred class, up to %zu for confident, balanced samples.\n",
                c->ds->name, LG_SCORE_CLASSIFIER_SEED, c->ds->name, lg_dataset_count(c->ds, LG_SPLIT_TEST),
                c->ds->n_classes);
    else
        fprintf(f, "\n## The metrics\n\n"
                   "Scored on %d samples of the final generator against %d real ones.\n\n", LG_CMP_N_EVAL, LG_CMP_N_EVAL);
    if (c->ds->n_modes)
        fprintf(f, "- **modes covered**: modes with at least one high-quality sample nearest to them (of %zu).\n"
                   "- **high quality %%**: the percentage of generated samples within 3 σ of their nearest mode "
                   "(σ the modes' standard deviation).\n", c->ds->n_modes);
    if (!images)
        fprintf(f, "- **sliced W1**: the Wasserstein-1 distance between generated and real samples projected on "
               "100 random unit directions, averaged over the directions (0 for equal distributions; lower is "
               "better).\n");
    fprintf(f, "- **steps/s**: generator steps per second (its critic steps included), mean over the log rows; "
               "runs share the machine (%ld at a time).\n", c->jobs);
    bool any_bad = false;
    for (size_t i = 0; i < c->n_runs; i++)
        any_bad |= c->runs[i].state != CMP_OK;
    if (any_bad) {
        fprintf(f, "\n## Runs that did not finish\n\nThey are not in the table's numbers.\n\n");
        for (size_t i = 0; i < c->n_runs; i++) {
            const cmp_job *j = &c->runs[i];
            if (j->state == CMP_OK)
                continue;
            fprintf(f, "- %s seed %ld: **%s**%s\n", j->l->label, j->seed, state_word[j->state],
                    j->state == CMP_STOPPED ? " (its checkpoint is in `runs/`: `litgan train --resume` it)"
                    : j->state == CMP_FAILED ? " (its message was printed; its folder is in `runs/`)" : "");
        }
    }
    fprintf(f, "\n## Figures\n\n");
    if (has(figs, "samples.png") && images)
        fprintf(f, "![samples of each loss](samples.png)\n\n`samples.png`: a row of samples of each loss's "
                   "final generator (its first seed that finished), the same noise z for every loss.\n\n");
    else if (has(figs, "samples.png"))
        fprintf(f, "![final samples over what each D does](samples.png)\n\n`samples.png`: real samples (black), "
                   "generated ones (red), and the shade of D over the plane, as its colour bar says: D(x) = "
                   "P(real) for GAN and NSGAN, the critic's value T(x) otherwise, and T(x, E(x)) for an "
                   "encoder loss (the critic on x paired with the code its encoder gives).\n\n");
    if (has(figs, "densities.png"))
        fprintf(f, "![densities, D and D*](densities.png)\n\n`densities.png`: kernel density estimates of the "
                   "real and generated samples, D over x (right axis) and, where D is a probability, the "
                   "optimal D* = p_real / (p_real + p_gen).\n\n");
    if (has(figs, "metrics.png"))
        fprintf(f, "![metrics over training](metrics.png)\n\n");
    if (!figs->n)
        fprintf(f, "No figures were made%s.\n\n", c->stop_sig ? " (compare was stopped)" : "");
    fprintf(f, "Every run: `runs.csv`; each run's log, samples and checkpoint: `runs/LOSS-sSEED/`. The figures' "
               "scripts (`*.gp`) sit next to their data in this folder; edit and rerun them with gnuplot. "
               "A new compare with this folder as `--out` removes what `.litgan-compare` lists and "
               "nothing else.\n");
    if (ferror(f)) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: write failed (disk full?)", path);
    }
    return lg_atomic_commit(&a);
}
