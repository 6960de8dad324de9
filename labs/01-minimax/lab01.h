/*
 * lab01.h - what Lab 01's grade.c, grade_hidden.c and experiment.c share (not
 * student code: the student's files are gan.c and optimal.c).
 */
#ifndef LG_LAB01_H
#define LG_LAB01_H

#include "probe.h"

/* The student's functions in optimal.c, looked up by name (never linked in). */
typedef double (*lg_lab01_density_fn)(double x, void *ctx);
typedef double (*lg_lab01_optimal_d_fn)(double p_data, double p_g);
typedef double (*lg_lab01_criterion_fn)(lg_lab01_density_fn p_data, void *data_ctx,
                                        lg_lab01_density_fn p_g, void *g_ctx, double lo, double hi);

/* A Gaussian mixture on the line, sum_k w_k N(x; mu_k, sigma^2), k <= 4. */
typedef struct lg_lab01_mix {
    int k;
    double mu[4], w[4];
    double sigma;
} lg_lab01_mix;
double lg_lab01_gauss(double x, double mu, double s);
double lg_lab01_mix_density(double x, void *ctx); /* ctx: lg_lab01_mix */

/* A C(G) test: the densities, the interval, and how the message names them. */
typedef struct lg_lab01_crit_arg {
    lg_lab01_mix p, q;
    double lo, hi;
    const char *p_text, *q_text;
} lg_lab01_crit_arg;
int lg_lab01_criterion_call(const lg_lab01_crit_arg *a, double *v, char *in, size_t in_len);
double lg_lab01_criterion_ref(const lg_lab01_crit_arg *a);

/* The probes of the loss tests, their descriptions, and the closed forms. */
extern const lg_probe lg_lab01_batch, lg_lab01_extreme;
extern const char lg_lab01_batch_text[], lg_lab01_extreme_text[];
double lg_lab01_d_loss_ref(const lg_probe *pr, double *cr, double *cf);
double lg_lab01_g_loss_ref(const lg_probe *pr, double *cr, double *cf);

/* ---- experiment helpers (experiment.c), shared with Lab 02's experiment ---- */

/* "0, 200, 1000" -> out[0..*n), at most max, each >= 0; "a, b, c" -> n doubles. */
int lg_labx_parse_longs(const char *v, long *out, size_t max, size_t *n);
int lg_labx_parse_doubles(const char *v, double *out, size_t n);
/* Build the lab's files as they stand (lg_submission_build); LG_EINVAL with the
 * compiler's first error when one does not compile. */
int lg_labx_build(const lg_lab *lab, lg_submission *sub);
/* dlopen the object of lab file i, dlsym a function (NULL with lg_errmsg set). */
void *lg_labx_open(const lg_submission *sub, size_t i);
void *lg_labx_sym(void *dl, const char *name);
/* p_data(x) of a 1D dataset with an exact density (ctx: lg_dataset). */
double lg_labx_data_density(double x, void *ctx);
/* n samples of G, n values of D(x) = sigmoid(logit), both in eval mode. */
void lg_labx_g_samples(lg_net *G, size_t n, unsigned long seed, double *out);
void lg_labx_d_values(lg_net *D, const double *x, size_t n, double *out);
/* A Gaussian kernel density estimate of bandwidth bw (binned, smooth; see
 * experiment.c); zero outside (lo, hi). */
typedef struct lg_labx_kde {
    double a, dx, bw, lo, hi;
    size_t m;
    double *w;
} lg_labx_kde;
void lg_labx_kde_fit(lg_labx_kde *k, const double *x, size_t n, double bw);
double lg_labx_kde_density(double x, void *ctx); /* ctx: lg_labx_kde */
void lg_labx_kde_free(lg_labx_kde *k);
/* gnuplot SCRIPT in dir (errors appended to dir/gnuplot.err); fopen dir/name for writing. */
int lg_labx_gnuplot(const char *dir, const char *script, const char *who);
FILE *lg_labx_fopen(const char *dir, const char *name);

/* `litgan lab 01` (experiment.c) */
int lg_lab01_experiment(const lg_lab *lab, const char *ini_path, const char *out_dir);

#endif
