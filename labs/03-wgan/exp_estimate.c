/*
 * exp_estimate.c - part 2 of `litgan lab 03`, what the critic estimates
 * (Arjovsky, Chintala & Bottou 2017, Sec. 3: a clipped critic gives K W1 for
 * some K that depends on the clip value).
 *
 * 1D: N(0, 1) against a fixed generator N(m, 1) (W1 = |m|) and a two-Gaussian
 * mixture against N(m, 1) (W1 from w1.c on large samples); a critic (wgan.c +
 * clip.c) for each, its estimate mean f(x_r) - mean f(G(z)) on a fixed batch
 * over training - estimate.csv, final.csv; then one critic per clip value c at
 * m = c_mean - clip.csv.
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "litgan/sys.h"

/* Real samples: N(0, 1) (data NULL) or the mixture; fake: N(m, 1). */
static void draw_1d(const lg_dataset *data, gsl_rng *r, gsl_matrix *x)
{
    if (data)
        lg_dataset_sample(data, r, x);
    else
        for (size_t i = 0; i < x->size1; i++)
            x->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
}

/* One critic (wgan.c + clip.c with c) against the fixed generator G(z) = z + m;
 * its estimate on a fixed pair of batches over training into trace
 * (EXP_TRACE_POINTS + 1 values, may be NULL), the last one returned in *final. */
static int train_critic(const exp_config *c, const exp_student *f, const lg_dataset *data, double m, double clip,
                        unsigned long stream, double *trace, double *final)
{
    char reg[4400];
    snprintf(reg, sizeof reg, "%s:c=%.17g", f->clip_so, clip);
    size_t B = (size_t)c->critic_batch, ne = 2000;
    exp_game s;
    int rc = exp_game_open(&s, "1-1", c->critic, B, lg_seed_stream(c->gan.seed, stream), f->wgan_so, reg,
                           c->critic_opt);
    if (rc != LG_OK)
        return rc;
    size_t n;
    double *p = lg_game_params(s.g, LG_NET_G, &n);
    p[0] = 1; /* G(z) = z + m */
    p[1] = m;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, stream + 1));
    gsl_matrix *xe = gsl_matrix_alloc(ne, 1), *ye = gsl_matrix_alloc(ne, 1), *work = gsl_matrix_alloc(ne, 1);
    draw_1d(data, r, xe);
    for (size_t i = 0; i < ne; i++)
        ye->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0) + m;
    long every = c->critic_steps / EXP_TRACE_POINTS > 0 ? c->critic_steps / EXP_TRACE_POINTS : 1;
    size_t k = 0;
    for (long step = 0; rc == LG_OK && step <= c->critic_steps; step++) {
        if (step > 0) {
            draw_1d(data, r, lg_game_real_batch(s.g));
            gsl_matrix *z = lg_game_noise_batch(s.g);
            for (size_t i = 0; i < z->size1; i++)
                z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
            rc = exp_d_step(&s, "training a critic on 1D data (wgan.c, clip.c)", step);
        }
        if (rc == LG_OK && trace && step % every == 0 && k <= EXP_TRACE_POINTS)
            trace[k++] = exp_critic_estimate(lg_game_net(s.g, LG_NET_D), xe, ye, work);
    }
    if (rc == LG_OK)
        *final = exp_critic_estimate(lg_game_net(s.g, LG_NET_D), xe, ye, work);
    gsl_matrix_free(xe);
    gsl_matrix_free(ye);
    gsl_matrix_free(work);
    gsl_rng_free(r);
    exp_game_free(&s);
    return rc;
}

int exp_estimate_part(const exp_config *c, const exp_student *f, const char *dir, exp_estimate_out *o)
{
    double t0 = lg_now();
    lg_dataset *mix = NULL;
    int rc = lg_dataset_open(c->mixture_data, &mix);
    if (rc != LG_OK || lg_dataset_dim(mix) != 1) {
        lg_dataset_free(mix);
        return lg_seterr(LG_EINVAL, "lab 03: mixture_data = '%s': give 1D data (mog1d:...)", c->mixture_data);
    }
    size_t ns = (size_t)c->samples, T = EXP_TRACE_POINTS + 1;
    double *a = lg_labkit_calloc(2 * ns, sizeof(double), "samples"), *tr = lg_labkit_calloc(
        (c->n_means + c->n_clips) * T, sizeof(double), "traces");
    if (!a || !tr) {
        free(a);
        free(tr);
        lg_dataset_free(mix);
        return LG_ENOMEM;
    }
    double *b = a + ns;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; rc == LG_OK && i < c->n_means; i++) {
        double m = c->means[i];
        o->w1_gauss[i] = fabs(m); /* a shift of N(0, 1) by m */
        /* the exact W1 of the mixture against N(m, 1) from large samples (Task 3.3),
         * and the Gaussians' too, as a check of the sort against |m| */
        gsl_rng_set(r, lg_seed_stream(c->gan.seed, 400 + i));
        gsl_matrix_view av = gsl_matrix_view_array(a, ns, 1);
        lg_dataset_sample(mix, r, &av.matrix);
        for (size_t j = 0; j < ns; j++)
            b[j] = gsl_ran_gaussian_ziggurat(r, 1.0) + m;
        o->w1_mix[i] = f->sorted ? f->sorted(a, b, ns) : NAN;
        for (size_t j = 0; j < ns; j++)
            a[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
        o->w1_sorted_gauss[i] = f->sorted ? f->sorted(a, b, ns) : NAN;
        if ((rc = train_critic(c, f, NULL, m, c->clip, 500 + 10 * i, tr + i * T, &o->est_gauss[i])) == LG_OK)
            rc = train_critic(c, f, mix, m, c->clip, 600 + 10 * i, NULL, &o->est_mix[i]);
    }
    for (size_t i = 0; rc == LG_OK && i < c->n_clips; i++) {
        double fin;
        rc = train_critic(c, f, NULL, c->c_mean, c->clips[i], 700 + 10 * i, tr + (c->n_means + i) * T, &fin);
        o->ratio_c[i] = fin / c->c_mean;
    }
    gsl_rng_free(r);
    free(a);
    lg_dataset_free(mix);
    long every = c->critic_steps / EXP_TRACE_POINTS > 0 ? c->critic_steps / EXP_TRACE_POINTS : 1;
    size_t rows = (size_t)(c->critic_steps / every) + 1;
    rows = rows < T ? rows : T;
    FILE *fp = rc == LG_OK ? lg_labkit_fopen(dir, "estimate.csv") : NULL;
    if (rc == LG_OK && !fp)
        rc = LG_EIO;
    if (rc == LG_OK) { /* one block per m (gnuplot's index), two blank lines apart */
        fprintf(fp, "# litgan lab 03, seed %ld: the critic's estimate mean f(x_r) - mean f(G(z)) on fixed batches "
                    "of 2000; x_r ~ N(0, 1), G(z) ~ N(m, 1); critic %s, %s, clip c = %g\n# columns: step, estimate, "
                    "exact W1 = |m|\n", c->gan.seed, c->critic, c->critic_opt, c->clip);
        for (size_t i = 0; i < c->n_means; i++) {
            fprintf(fp, "%s# m = %g\n", i ? "\n\n" : "", c->means[i]);
            for (size_t k = 0; k < rows; k++)
                fprintf(fp, "%ld %.6g %.6g\n", (long)k * every, tr[i * T + k], fabs(c->means[i]));
        }
        rc = lg_labkit_fclose(fp, dir, "estimate.csv");
    }
    fp = rc == LG_OK ? lg_labkit_fopen(dir, "clip.csv") : NULL;
    if (rc == LG_OK && !fp)
        rc = LG_EIO;
    if (rc == LG_OK) {
        fprintf(fp, "# litgan lab 03, seed %ld: the critic's estimate over W1 = %g (N(0, 1) against N(%g, 1)) for "
                    "each clip value c; critic %s, %s\n# columns: step, estimate, estimate / W1\n",
                c->gan.seed, c->c_mean, c->c_mean, c->critic, c->critic_opt);
        for (size_t i = 0; i < c->n_clips; i++) {
            fprintf(fp, "%s# c = %g\n", i ? "\n\n" : "", c->clips[i]);
            for (size_t k = 0; k < rows; k++) {
                double e = tr[(c->n_means + i) * T + k];
                fprintf(fp, "%ld %.6g %.6g\n", (long)k * every, e, e / c->c_mean);
            }
        }
        rc = lg_labkit_fclose(fp, dir, "clip.csv");
    }
    free(tr);
    fp = rc == LG_OK ? lg_labkit_fopen(dir, "final.csv") : NULL;
    if (rc == LG_OK && !fp)
        rc = LG_EIO;
    if (rc == LG_OK) {
        fprintf(fp, "# litgan lab 03, seed %ld: exact W1 and the critic's final estimate (c = %g); the mixture is "
                    "%s, its W1 from w1.c on %zu samples\nm,w1_gauss,w1_sorted_gauss,est_gauss,w1_mix,est_mix\n",
                c->gan.seed, c->clip, c->mixture_data, ns);
        for (size_t i = 0; i < c->n_means; i++)
            fprintf(fp, "%g,%.6g,%.6g,%.6g,%.6g,%.6g\n", c->means[i], o->w1_gauss[i], o->w1_sorted_gauss[i],
                    o->est_gauss[i], o->w1_mix[i], o->est_mix[i]);
        rc = lg_labkit_fclose(fp, dir, "final.csv");
    }
    o->secs = lg_now() - t0;
    return rc;
}

