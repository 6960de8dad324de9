/*
 * lab07.h - what Lab 07's grade.c, grade_hidden.c, refs.c, child.c and
 * experiment.c share (not student code: the student's files are lsgan.c and
 * divergences.c). The probes and the lab kit are the course library's
 * (litgan/course.h).
 */
#ifndef LG_LAB07_H
#define LG_LAB07_H

#include "litgan/course.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* ------------------------------------- Task 7.1: lsgan.c with parameters ---
 * The course's probes (lg_probe_check_loss) run a plugin with its default
 * parameters; LSGAN's a, b, c must be read from the parameters, so the
 * computation "lsgan" (child.c) evaluates it on a probe's game with kv. */

typedef struct lg_lab07_probe_arg {
    lg_probe pr;        /* file "lsgan.c", the player, the nets and batches */
    char kv[96];        /* "a=-1,b=1,c=0": the plugin's parameters */
} lg_lab07_probe_arg;

/* The game of a probe, built as the course library builds it (probe_game.c):
 * "1-1" nets set by hand from (w, c) and (a, b), or specs initialised from the
 * seed, G first; the batches copied. In the header: the runner (child.c) and
 * the grading process (refs.c) build it alike. */
static inline void lg_lab07_set_linear(lg_net *n, double weight, double bias)
{
    size_t k;
    double *theta = lg_net_params(n, &k);
    theta[0] = weight;
    theta[1] = bias;
}

static inline int lg_lab07_probe_game(const lg_probe *pr, gsl_rng *rng, lg_game **out)
{
    lg_net *G = NULL, *D = NULL;
    *out = NULL;
    if (pr->batch < 1 || pr->batch > LG_PROBE_MAX_BATCH)
        return lg_seterr(LG_EINVAL, "lab 07: a probe's batch is 1..%d", LG_PROBE_MAX_BATCH);
    if (lg_net_parse(pr->g_spec[0] ? pr->g_spec : "1-1", &G) != LG_OK ||
        lg_net_parse(pr->d_spec[0] ? pr->d_spec : "1-1", &D) != LG_OK) {
        lg_net_free(G);
        return LG_EINVAL;
    }
    if (lg_net_in_dim(G) != 1 || lg_net_out_dim(G) != 1 || lg_net_in_dim(D) != 1 || lg_net_out_dim(D) != 1) {
        lg_net_free(G);
        lg_net_free(D);
        return lg_seterr(LG_EINVAL, "lab 07: a probe's nets map 1 value to 1");
    }
    int rc = lg_game_alloc(G, D, NULL, pr->batch, rng, out);
    if (rc != LG_OK)
        return rc;
    gsl_rng_set(rng, pr->seed);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    if (!pr->g_spec[0])
        lg_lab07_set_linear(G, pr->a, pr->b);
    if (!pr->d_spec[0])
        lg_lab07_set_linear(D, pr->w, pr->c);
    memcpy(lg_game_real_batch(*out)->data, pr->x_real, pr->batch * sizeof(double));
    memcpy(lg_game_noise_batch(*out)->data, pr->z, pr->batch * sizeof(double));
    return LG_OK;
}

/* The LSGAN objectives in closed form at a probe's logits s (refs.c), with
 * their derivatives cr[i] = dL/ds_real_i, cf[i] = dL/ds_fake_i:
 *   d_loss = 1/2 mean (s_r - b)^2 + 1/2 mean (s_f - a)^2,  cr = (s_r - b)/B, cf = (s_f - a)/B
 *   g_loss = 1/2 mean (s_f - c)^2,                         cr = 0,           cf = (s_f - c)/B */
typedef struct lg_lab07_abc {
    double a, b, c;
} lg_lab07_abc;
double lg_lab07_lsgan_ref(const lg_probe *pr, lg_player player, lg_lab07_abc p, double *cr, double *cf);

/* Run the player's objective of lsgan.c with (a, b, c) on the probe in the
 * sandbox and check its value and its gradient with respect to the player's
 * own parameters against the closed form (the gradient by the chain rule,
 * lg_probe_chain_grad); text names the probe in the messages, hint is the
 * hint for a mistake no class names (refs.c). */
void lg_lab07_check_lsgan(const lg_probe *pr, lg_player player, lg_lab07_abc p, const char *text,
                          const char *hint);

/* ------------------------------ Task 7.1, the graded run: a short training run ---
 * The computation "train" (child.c) trains the student's lsgan.c on ring8
 * (8 modes on a circle of radius 2, sigma 0.02) with the settings below and
 * scores the generator; the experiment runs the same function on the reference
 * over several seeds to calibrate the threshold (README.md, Task 7.1). */

#define LG_LAB07_TRAIN_DATA "ring8:sigma=0.1"
#define LG_LAB07_TRAIN_G "2-32r-32r-2"
#define LG_LAB07_TRAIN_D "2-32r-32r-1"
#define LG_LAB07_TRAIN_OPT "adam:lr=1e-3,b1=0.5"
#define LG_LAB07_TRAIN_BATCH 64
#define LG_LAB07_TRAIN_SAMPLES 1000

typedef struct lg_lab07_train_arg {
    char kv[96];        /* the plugin's parameters */
    unsigned long seed; /* the run's seed: nets, batches and the scoring */
    long steps;         /* generator steps, one D step each */
} lg_lab07_train_arg;

/* What the run returns: sliced W1 (100 directions) of LG_LAB07_TRAIN_SAMPLES
 * generated against as many real samples, modes covered (of 8), high-quality
 * fraction. */
enum { LG_LAB07_OUT_SW1, LG_LAB07_OUT_MODES, LG_LAB07_OUT_HQ, LG_LAB07_TRAIN_OUT };

/* The run, for child.c and the experiment: the loss descriptor pl with kv;
 * out[LG_LAB07_TRAIN_OUT]. LG_OK or a status with lg_errmsg set. */
static inline int lg_lab07_train(const lg_plugin *pl, const lg_lab07_train_arg *a, double *out)
{
    for (int i = 0; i < LG_LAB07_TRAIN_OUT; i++)
        out[i] = NAN;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_dataset *ds = NULL;
    lg_game *g = NULL;
    lg_net *G = NULL, *D = NULL;
    lg_optim *opt[LG_NET_COUNT] = { NULL };
    gsl_matrix *z = NULL, *x = NULL, *y = NULL;
    int rc = lg_dataset_open(LG_LAB07_TRAIN_DATA, &ds);
    if (rc == LG_OK && (rc = lg_net_parse(LG_LAB07_TRAIN_G, &G)) == LG_OK)
        rc = lg_net_parse(LG_LAB07_TRAIN_D, &D);
    if (rc != LG_OK) {
        lg_net_free(G);
        goto out;
    }
    if ((rc = lg_game_alloc(G, D, NULL, LG_LAB07_TRAIN_BATCH, rng, &g)) != LG_OK)
        goto out;
    gsl_rng_set(rng, a->seed);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    size_t nd, ng;
    lg_net_params(D, &nd);
    lg_net_params(G, &ng);
    if ((rc = lg_game_set_loss_desc(g, pl, a->kv)) != LG_OK || (rc = lg_optim_parse(LG_LAB07_TRAIN_OPT, nd, &opt[LG_NET_D])) != LG_OK ||
        (rc = lg_optim_parse(LG_LAB07_TRAIN_OPT, ng, &opt[LG_NET_G])) != LG_OK)
        goto out;
    gsl_matrix *real = lg_game_real_batch(g), *noise = lg_game_noise_batch(g);
    for (long step = 0; step < a->steps && rc == LG_OK; step++) {
        for (int p = 0; p < 2 && rc == LG_OK; p++) { /* D's step, then G's, each on fresh batches */
            lg_dataset_sample(ds, rng, real);
            for (size_t i = 0; i < noise->size1 * noise->size2; i++)
                noise->data[i] = gsl_ran_gaussian(rng, 1.0);
            lg_game_new_step(g);
            rc = lg_game_step(g, p == 0 ? LG_PLAYER_D : LG_PLAYER_G, opt);
        }
    }
    if (rc != LG_OK)
        goto out;
    size_t n = LG_LAB07_TRAIN_SAMPLES;
    z = gsl_matrix_alloc(n, lg_net_in_dim(G));
    x = gsl_matrix_alloc(n, 2);
    y = gsl_matrix_alloc(n, 2);
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian(rng, 1.0);
    lg_net_forward(G, z, x);
    lg_dataset_sample(ds, rng, y);
    lg_mode_stats ms = lg_mode_coverage(ds, x);
    out[LG_LAB07_OUT_SW1] = lg_sliced_w1(x, y, 100, rng);
    out[LG_LAB07_OUT_MODES] = (double)ms.modes_covered;
    out[LG_LAB07_OUT_HQ] = ms.high_quality;
out:
    if (z) gsl_matrix_free(z);
    if (x) gsl_matrix_free(x);
    if (y) gsl_matrix_free(y);
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(opt[i]);
    lg_game_free(g);
    lg_dataset_free(ds);
    gsl_rng_free(rng);
    return rc;
}

/* The graded runs: their steps, and the thresholds calibrated on the reference
 * (README.md, Task 7.1: the worst of seeds 1..10 times the margin). */
#define LG_LAB07_TRAIN_STEPS 1500
#define LG_LAB07_SW1_MAX 0.41
#define LG_LAB07_MODES_MIN 6

/* --------------------------- Task 7.2: divergences.c, what the losses minimise ---
 * Two distributions on the same n points, p (data) and q (model). */
typedef double (*lg_lab07_js_fn)(const double *p, const double *q, size_t n);
typedef double (*lg_lab07_ls_fn)(const double *p, const double *q, size_t n, double a, double b, double c);

/* The input of "divergences" (child.c): it returns JS(p, q), then LSGAN's
 * criterion C(q) with a, b, c (2 values). */
#define LG_LAB07_DIV_MAX 512
typedef struct lg_lab07_div_arg {
    size_t n;
    lg_lab07_abc abc;
    double p[LG_LAB07_DIV_MAX], q[LG_LAB07_DIV_MAX];
} lg_lab07_div_arg;

/* The grader's own (refs.c): JS with 0 log 0 = 0, and
 * C = 1/2 sum ((b - c) p + (a - c) q)^2 / (p + q) over the points where p + q > 0. */
double lg_lab07_js_ref(const double *p, const double *q, size_t n);
double lg_lab07_ls_ref(const double *p, const double *q, size_t n, lg_lab07_abc abc);

/* The checks the visible and the hidden tests share (refs.c): a graded run of
 * Task 7.1 with the 0-1 coding and the given seed against the calibrated
 * thresholds; divergences.c on (p, q) with abc against the grader's own. */
void lg_lab07_check_run(unsigned long seed);
void lg_lab07_check_div(const double *p, const double *q, size_t n, lg_lab07_abc abc, const char *text,
                        double tol);

/* `litgan lab 07` (experiment.c) */
int lg_lab07_experiment(const lg_lab_run *run);

#endif
