/*
 * experiment.c - `litgan lab 03`: the claims of Arjovsky, Chintala & Bottou
 * 2017 (and Arjovsky & Bottou 2017) on small problems, in three parts.
 *
 *  1. Disjoint supports. P_0 on {0} x [0, 1] against P_theta on {theta} x [0, 1]:
 *     JS and W1 over theta, the closed forms of w1.c beside estimates: JS from a
 *     discriminator (Lab 01's gan.c) trained from scratch for each theta,
 *     JS ~ (V(D, G) + log 4) / 2 with V = -d_loss; W1 from samples, the cost of the
 *     plan that matches the sorted heights (at least |theta|, and |theta| in the
 *     limit). Then a fixed, distant generator G(z) = (theta_far, z): a
 *     discriminator (gan.c, Adam) and a critic (wgan.c + clip.c, RMSProp) each
 *     trained against it, and the norm of G's gradient from each over training.
 *  2. What the critic estimates. 1D: N(0, 1) against a fixed generator N(m, 1)
 *     (W1 = |m|) and a two-Gaussian mixture against N(m, 1) (W1 from w1.c on
 *     large samples); a critic (wgan.c + clip.c) for each, its estimate
 *     mean f(x_r) - mean f(G(z)) on a fixed batch over training; then one critic
 *     per clip value c at m = c_mean.
 *  3. Training on a 2D toy (ring8): the minimax GAN (gan.c) against WGAN with
 *     RMSProp (the paper's), WGAN with Adam (momentum), and WGAN-GP (wgan.c with
 *     the library's gp), the same nets and seed; the estimate beside sample
 *     quality (sliced W1, high-quality samples, modes); the WGAN critic's
 *     parameters at the end.
 *
 * Writes into out_dir: lines.csv, far.csv, estimate.csv, final.csv, clip.csv,
 * train_{gan,wgan,wgan_adam,wgan_gp}.csv, weights.csv, settings.gp, the
 * figure scripts (fig_*.gp) and their PNGs, results.md.
 * The runs use the student's files as they stand: wgan.c, clip.c and w1.c of
 * this lab and gan.c of Lab 01.
 */
#include "lab03.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>

#define MAX_LIST 16
#define TRACE_POINTS 40 /* rows of a critic's estimate over training */

typedef struct config {
    lg_labkit_gan gan; /* data, g, d, batch, steps, seed (ring8 part) */
    double thetas[3], theta_far, far_clip, clip, c_mean;
    char lines_d[128], lines_opt[128], far_d[128], far_opt_gan[128], far_opt_wgan[128];
    char means_text[256], clips_text[256], mixture_data[256], critic[128], critic_opt[128];
    char opt_wgan[128], opt_adam[128], opt_gan[128], opt_gp[128];
    long lines_steps, lines_batch, far_steps, critic_steps, critic_batch, samples, log_every;
    double means[MAX_LIST], clips[MAX_LIST];
    size_t n_means, n_clips;
} config;

/* "a, b, c": 1..MAX_LIST decimal numbers into out. */
static int parse_list(const char *text, const char *key, const char *path, double *out, size_t *n)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", text);
    *n = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = '\0';
        if (*n == MAX_LIST || !lg_parse_decimal(tok, &out[*n]) || fabs(out[*n]) > 1e4)
            return lg_seterr(LG_EINVAL, "%s: %s = '%s': give 1 to %d numbers within +-1e4, e.g. 0, 1, 2", path, key,
                             text, MAX_LIST);
        (*n)++;
    }
    if (*n == 0)
        return lg_seterr(LG_EINVAL, "%s: %s is empty: give 1 to %d numbers", path, key, MAX_LIST);
    return LG_OK;
}

/* lab.ini: the keys and their defaults (the values of labs/03-wgan/lab.ini). */
static int read_config(const lg_lab_run *run, config *c)
{
    *c = (config){
        .gan = { .data = "ring8:sigma=0.1", .g = "2-64r-64r-2", .d = "2-64r-64r-1", .batch = 128, .steps = 2000, .seed = 1,
                 .d_steps = 1 },
        .thetas = { -1, 1, 21 }, .theta_far = 2, .far_clip = 0.01, .clip = 0.01, .c_mean = 2,
        .lines_d = "2-16l-16l-1", .lines_opt = "adam:lr=1e-3,b1=0.5", .far_d = "2-32r-32r-1",
        .far_opt_gan = "adam:lr=1e-3,b1=0.5", .far_opt_wgan = "rmsprop:lr=5e-5",
        .means_text = "0, 1, 2, 3, 4", .clips_text = "0.0001, 0.001, 0.01, 0.1, 1",
        .mixture_data = "mog1d:k=2,lo=-2,hi=2,sigma=0.5", .critic = "1-32r-32r-1", .critic_opt = "rmsprop:lr=1e-3",
        .opt_wgan = "rmsprop:lr=5e-5", .opt_adam = "adam:lr=5e-5,b1=0.5", .opt_gan = "adam:lr=2e-4,b1=0.5",
        .opt_gp = "adam:lr=1e-4,b1=0,b2=0.9",
        .lines_steps = 300, .lines_batch = 128, .far_steps = 1000, .critic_steps = 1000, .critic_batch = 128,
        .samples = 20000, .log_every = 50,
    };
#define S(name) { #name, LG_LABKIT_STRING, c->name, sizeof c->name, NULL }
#define L(name) { #name, LG_LABKIT_LONG, &c->name, 1, NULL }
#define P(name) { #name, LG_LABKIT_POSITIVE, &c->name, 1, NULL }
    const lg_labkit_key keys[] = {
        { "thetas", LG_LABKIT_DOUBLES, c->thetas, 3, NULL },
        S(lines_d), S(lines_opt), L(lines_steps), L(lines_batch),
        P(theta_far), S(far_d), L(far_steps), P(far_clip), S(far_opt_gan), S(far_opt_wgan),
        { "means", LG_LABKIT_STRING, c->means_text, sizeof c->means_text, NULL },
        S(mixture_data), S(critic), S(critic_opt), L(critic_steps), L(critic_batch), P(clip),
        { "clips", LG_LABKIT_STRING, c->clips_text, sizeof c->clips_text, NULL },
        P(c_mean), L(samples), L(log_every), S(opt_wgan), S(opt_adam), S(opt_gan), S(opt_gp),
    };
#undef S
#undef L
#undef P
    const char *path = run->ini_path;
    int rc = lg_labkit_read_ini(run, &c->gan, keys, sizeof keys / sizeof keys[0]);
    if (rc == LG_OK)
        rc = parse_list(c->means_text, "means", path, c->means, &c->n_means);
    if (rc == LG_OK)
        rc = parse_list(c->clips_text, "clips", path, c->clips, &c->n_clips);
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < c->n_clips; i++)
        if (!(c->clips[i] >= 1e-6 && c->clips[i] <= 1e3))
            return lg_seterr(LG_EINVAL, "%s: clips: every c in [1e-6, 1e3] (clip.c's range)", path);
    if (c->thetas[2] < 2 || c->thetas[2] > 201 || !(c->thetas[0] < c->thetas[1]))
        return lg_seterr(LG_EINVAL, "%s: thetas = LO, HI, POINTS with LO < HI and 2..201 points", path);
    if (c->gan.steps < 1 || c->gan.batch < 1 || c->log_every < 1 || c->lines_steps < 1 || c->far_steps < 1 ||
        c->critic_steps < 1 || c->lines_batch < 2 || c->critic_batch < 2 || c->samples < 100)
        return lg_seterr(LG_EINVAL, "%s: steps, log_every, lines_steps, far_steps, critic_steps >= 1, batches >= 2, "
                                    "samples >= 100", path);
    return LG_OK;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ------------------------------------------------------------ games --- */

/* A game of G (g_spec, initialised from seed) and D (d_spec) with the loss at
 * loss_spec and, when reg_spec is not NULL, a regularizer; optimizers for both
 * nets (opt_d, and plain SGD for G, which these parts never step). */
typedef struct game {
    lg_game *g;
    gsl_rng *rng;
    lg_optim *opt[LG_NET_COUNT];
} game;

static void game_free(game *s)
{
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(s->opt[i]);
    lg_game_free(s->g);
    if (s->rng)
        gsl_rng_free(s->rng);
    memset(s, 0, sizeof *s);
}

static int game_open(game *s, const char *g_spec, const char *d_spec, size_t batch, unsigned long seed,
                     const char *loss_spec, const char *reg_spec, const char *opt_d)
{
    memset(s, 0, sizeof *s);
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(s->rng, seed);
    lg_net *G = NULL, *D = NULL;
    int rc = lg_net_parse(g_spec, &G);
    if (rc == LG_OK)
        rc = lg_net_parse(d_spec, &D);
    if (rc != LG_OK) {
        lg_net_free(G);
        gsl_rng_free(s->rng);
        s->rng = NULL;
        return rc;
    }
    lg_net_init(G, s->rng);
    lg_net_init(D, s->rng);
    size_t nd, ng;
    lg_net_params(D, &nd);
    lg_net_params(G, &ng);
    if ((rc = lg_game_alloc(G, D, NULL, batch, s->rng, &s->g)) == LG_OK && (rc = lg_game_set_loss(s->g, loss_spec)) == LG_OK &&
        (!reg_spec || (rc = lg_game_add_reg(s->g, reg_spec)) == LG_OK) &&
        (rc = lg_optim_parse(opt_d, nd, &s->opt[LG_NET_D])) == LG_OK)
        rc = lg_optim_parse("sgd:lr=0.01", ng, &s->opt[LG_NET_G]); /* never stepped */
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        game_free(s);
        return lg_seterr(rc, "lab 03: the game of %s: %s", loss_spec, why);
    }
    return LG_OK;
}

/* One step of D on the batches as they are (the engine's own step: objective,
 * backward, optimizer, then after_step - the clip of clip.c). */
static int d_step(game *s, const char *what, long step)
{
    lg_labkit_phase(what, step);
    lg_game_new_step(s->g);
    int rc = lg_game_step(s->g, LG_PLAYER_D, s->opt);
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        return lg_seterr(rc, "%s, step %ld: %s", what, step, why);
    }
    return LG_OK;
}

/* G "1-2" set to G(z) = (theta, z): weight (2, 1) = (0, 1), bias (theta, 0). */
static void line_generator(lg_game *g, double theta)
{
    size_t n;
    double *p = lg_game_params(g, LG_NET_G, &n);
    p[0] = 0;
    p[1] = 1;
    p[2] = theta;
    p[3] = 0;
}

/* Real batch (0, u), noise u', both U(0, 1). */
static void line_batches(lg_game *g, gsl_rng *r)
{
    gsl_matrix *x = lg_game_real_batch(g), *z = lg_game_noise_batch(g);
    for (size_t i = 0; i < x->size1; i++) {
        gsl_matrix_set(x, i, 0, 0.0);
        gsl_matrix_set(x, i, 1, gsl_rng_uniform(r));
        gsl_matrix_set(z, i, 0, gsl_rng_uniform(r));
    }
}

/* The critic's estimate mean f(x) - mean f(y) on x: (n, d), y: (n, d). */
static double estimate(lg_net *D, const gsl_matrix *x, const gsl_matrix *y, gsl_matrix *work)
{
    double e = 0;
    lg_net_forward(D, x, work);
    for (size_t i = 0; i < x->size1; i++)
        e += work->data[i] / (double)x->size1;
    lg_net_forward(D, y, work);
    for (size_t i = 0; i < y->size1; i++)
        e -= work->data[i] / (double)y->size1;
    return e;
}

/* The student's functions of w1.c (NULL when not implemented yet). */
typedef struct w1fns {
    lg_lab03_w1_fn sorted;
    lg_lab03_line_fn w1, js;
} w1fns;

/* ------------------------------------------------- part 1: the lines --- */

typedef struct lines_out {
    size_t n;
    double *theta, *js_closed, *w1_closed, *js_est, *w1_est;
    double far_g0[2], far_g1[2], far_gmax[2], far_dfake1, far_est1; /* G's gradient norm after D's first step, its largest, its last */
    double secs;
} lines_out;

static int part_lines(const config *c, const char *gan_so, const w1fns *f, const char *dir, lines_out *o)
{
    double t0 = now_s();
    size_t n = (size_t)c->thetas[2], B = (size_t)c->lines_batch, ne = 4 * B;
    o->n = n;
    double *mem = lg_labkit_calloc(5 * n + 2 * ne, sizeof(double), "part 1");
    if (!mem)
        return LG_ENOMEM;
    o->theta = mem;
    o->js_closed = mem + n;
    o->w1_closed = mem + 2 * n;
    o->js_est = mem + 3 * n;
    o->w1_est = mem + 4 * n;
    double *u = mem + 5 * n, *v = u + ne;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = LG_OK;
    for (size_t k = 0; rc == LG_OK && k < n; k++) {
        double th = c->thetas[0] + (c->thetas[1] - c->thetas[0]) * (double)k / (double)(n - 1);
        if (fabs(th) < 1e-12 * (c->thetas[1] - c->thetas[0]))
            th = 0; /* the grid's middle point, exactly */
        o->theta[k] = th;
        o->js_closed[k] = f->js ? f->js(th) : NAN;
        o->w1_closed[k] = f->w1 ? f->w1(th) : NAN;
        /* W1 from samples: each point moves across by theta, and up or down to the
         * height its rank gives it */
        gsl_rng_set(r, lg_seed_stream(c->gan.seed, 300 + k));
        for (size_t i = 0; i < ne; i++) {
            u[i] = gsl_rng_uniform(r);
            v[i] = gsl_rng_uniform(r);
        }
        double vert = lg_w1_1d(u, ne, v, ne); /* sorted u against sorted v */
        o->w1_est[k] = sqrt(th * th + vert * vert);
        /* JS from a discriminator trained from scratch: D maximises V, so at its best
         * V = -d_loss = 2 JS - log 4 */
        game s;
        if ((rc = game_open(&s, "1-2", c->lines_d, B, lg_seed_stream(c->gan.seed, 100 + k), gan_so, NULL,
                            c->lines_opt)) != LG_OK)
            break;
        line_generator(s.g, th);
        for (long step = 1; rc == LG_OK && step <= c->lines_steps; step++) {
            line_batches(s.g, r);
            rc = d_step(&s, "training a discriminator on the parallel lines (gan.c of Lab 01)", step);
        }
        double v_sum = 0;
        for (int rep = 0; rc == LG_OK && rep < 8; rep++) {
            double loss;
            line_batches(s.g, r);
            rc = lg_game_eval(s.g, LG_PLAYER_D, &loss, NULL);
            v_sum += -loss / 8;
        }
        o->js_est[k] = (v_sum + log(4.0)) / 2;
        game_free(&s);
    }
    gsl_rng_free(r);
    if (rc != LG_OK)
        return rc;
    FILE *fp = lg_labkit_fopen(dir, "lines.csv");
    if (!fp)
        return LG_EIO;
    fprintf(fp, "# litgan lab 03, seed %ld: P_0 on {0}x[0,1], P_theta on {theta}x[0,1]; closed forms of w1.c; JS "
                "from D (%s, %ld steps of %s), W1 from %zu samples\ntheta,js_closed,w1_closed,js_est,w1_est\n",
            c->gan.seed, c->lines_d, c->lines_steps, c->lines_opt, ne);
    for (size_t k = 0; k < n; k++)
        fprintf(fp, "%.6g,%.9g,%.9g,%.6g,%.6g\n", o->theta[k], o->js_closed[k], o->w1_closed[k], o->js_est[k],
                o->w1_est[k]);
    rc = lg_labkit_fclose(fp, dir, "lines.csv");
    o->secs = now_s() - t0;
    return rc;
}

/* The fixed, distant generator: a discriminator (gan.c) and a critic (wgan.c +
 * clip.c) trained against it, the norm of G's gradient from each. */
static int part_far(const config *c, const char *gan_so, const char *wgan_so, const char *clip_so, const char *dir,
                    lines_out *o)
{
    double t0 = now_s();
    char reg[4400];
    snprintf(reg, sizeof reg, "%s:c=%.17g", clip_so, c->far_clip);
    const char *loss[2] = { gan_so, wgan_so }, *opt[2] = { c->far_opt_gan, c->far_opt_wgan };
    const char *what[2] = { "training a discriminator against a distant generator (gan.c of Lab 01)",
                            "training a critic against a distant generator (wgan.c, clip.c)" };
    size_t B = (size_t)c->lines_batch, every = (size_t)(c->far_steps / TRACE_POINTS > 0 ? c->far_steps / TRACE_POINTS : 1);
    size_t rows = (size_t)c->far_steps / every + 2;
    double *tab = lg_labkit_calloc(rows * 5, sizeof(double), "part 1");
    if (!tab)
        return LG_ENOMEM;
    size_t n_rows = 0;
    int rc = LG_OK;
    for (int p = 0; rc == LG_OK && p < 2; p++) {
        game s;
        if ((rc = game_open(&s, "1-2", c->far_d, B, lg_seed_stream(c->gan.seed, 200), loss[p], p ? reg : NULL,
                            opt[p])) != LG_OK)
            break;
        line_generator(s.g, c->theta_far);
        size_t np = lg_game_param_count(s.g), nd;
        lg_game_params(s.g, LG_NET_D, &nd);
        double *grad = lg_labkit_calloc(np, sizeof(double), "a gradient");
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *fixed = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, lg_seed_stream(c->gan.seed, 201));
        n_rows = 0;
        for (long step = 0; grad && rc == LG_OK && step <= c->far_steps; step++) {
            if (step > 0) {
                line_batches(s.g, r);
                if ((rc = d_step(&s, what[p], step)) != LG_OK)
                    break;
            }
            if (step % (long)every && step != 1 && step != c->far_steps)
                continue;
            /* on a fixed batch: G's gradient, and D(G(z)) (or the critic's estimate) */
            gsl_rng_set(fixed, lg_seed_stream(c->gan.seed, 202));
            line_batches(s.g, fixed);
            double *row = tab + 5 * n_rows;
            if ((rc = lg_game_loss_grad(s.g, LG_PLAYER_G, grad)) != LG_OK)
                break;
            double loss_d;
            if ((rc = lg_game_eval(s.g, LG_PLAYER_D, &loss_d, NULL)) != LG_OK)
                break;
            row[0] = (double)step;
            row[1 + p] = lg_norm2(grad + nd, np - nd);
            row[3 + p] = p == 0 ? NAN : -loss_d;
            if (p == 0) { /* mean D(G(z)) = mean sigmoid(s_fake) */
                gsl_matrix *xf = gsl_matrix_alloc(B, 2), *sf = gsl_matrix_alloc(B, 1);
                for (size_t i = 0; i < B; i++) {
                    gsl_matrix_set(xf, i, 0, c->theta_far);
                    gsl_matrix_set(xf, i, 1, gsl_matrix_get(lg_game_noise_batch(s.g), i, 0));
                }
                lg_net_forward(lg_game_net(s.g, LG_NET_D), xf, sf);
                row[3] = 0;
                for (size_t i = 0; i < B; i++)
                    row[3] += 1 / (1 + exp(-sf->data[i])) / (double)B;
                gsl_matrix_free(xf);
                gsl_matrix_free(sf);
            }
            n_rows++;
        }
        if (!grad)
            rc = LG_ENOMEM;
        free(grad);
        gsl_rng_free(r);
        gsl_rng_free(fixed);
        game_free(&s);
    }
    FILE *fp = rc == LG_OK ? lg_labkit_fopen(dir, "far.csv") : NULL;
    if (rc == LG_OK && !fp)
        rc = LG_EIO;
    if (rc == LG_OK) {
        fprintf(fp, "# litgan lab 03, seed %ld: G(z) = (%g, z) fixed; D %s (gan.c, %s) and critic %s (wgan.c, clip "
                    "c = %g, %s); on a fixed batch of %zu\nstep,gnorm_gan,gnorm_wgan,dfake_gan,est_wgan\n",
                c->gan.seed, c->theta_far, c->far_d, c->far_opt_gan, c->far_d, c->far_clip, c->far_opt_wgan, B);
        for (size_t i = 0; i < n_rows; i++) {
            const double *w = tab + 5 * i;
            fprintf(fp, "%.0f,%.6g,%.6g,%.6g,%.6g\n", w[0], w[1], w[2], w[3], w[4]);
        }
        rc = lg_labkit_fclose(fp, dir, "far.csv");
        o->far_g0[0] = tab[5 + 1]; /* row 1: after the first step (the clip has acted) */
        o->far_g0[1] = tab[5 + 2];
        for (size_t i = 1; i < n_rows; i++)
            for (int p = 0; p < 2; p++)
                o->far_gmax[p] = fmax(o->far_gmax[p], tab[5 * i + 1 + p]);
        o->far_g1[0] = tab[5 * (n_rows - 1) + 1];
        o->far_g1[1] = tab[5 * (n_rows - 1) + 2];
        o->far_dfake1 = tab[5 * (n_rows - 1) + 3];
        o->far_est1 = tab[5 * (n_rows - 1) + 4];
    }
    free(tab);
    o->secs += now_s() - t0;
    return rc;
}

/* ------------------------------------- part 2: what the critic estimates --- */

typedef struct critic_out {
    double w1_gauss[MAX_LIST], est_gauss[MAX_LIST], w1_mix[MAX_LIST], est_mix[MAX_LIST];
    double w1_sorted_gauss[MAX_LIST];
    double ratio_c[MAX_LIST];
    double secs;
} critic_out;

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
 * its estimate on a fixed pair of batches over training into trace (TRACE_POINTS
 * + 1 values, may be NULL), the last one returned in *final. */
static int train_critic(const config *c, const char *wgan_so, const char *clip_so, const lg_dataset *data, double m,
                        double clip, unsigned long stream, double *trace, double *final)
{
    char reg[4400];
    snprintf(reg, sizeof reg, "%s:c=%.17g", clip_so, clip);
    size_t B = (size_t)c->critic_batch, ne = 2000;
    game s;
    int rc = game_open(&s, "1-1", c->critic, B, lg_seed_stream(c->gan.seed, stream), wgan_so, reg, c->critic_opt);
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
    long every = c->critic_steps / TRACE_POINTS > 0 ? c->critic_steps / TRACE_POINTS : 1;
    size_t k = 0;
    for (long step = 0; rc == LG_OK && step <= c->critic_steps; step++) {
        if (step > 0) {
            draw_1d(data, r, lg_game_real_batch(s.g));
            gsl_matrix *z = lg_game_noise_batch(s.g);
            for (size_t i = 0; i < z->size1; i++)
                z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
            rc = d_step(&s, "training a critic on 1D data (wgan.c, clip.c)", step);
        }
        if (rc == LG_OK && trace && step % every == 0 && k <= TRACE_POINTS)
            trace[k++] = estimate(lg_game_net(s.g, LG_NET_D), xe, ye, work);
    }
    if (rc == LG_OK)
        *final = estimate(lg_game_net(s.g, LG_NET_D), xe, ye, work);
    gsl_matrix_free(xe);
    gsl_matrix_free(ye);
    gsl_matrix_free(work);
    gsl_rng_free(r);
    game_free(&s);
    return rc;
}

static int part_critic(const config *c, const char *wgan_so, const char *clip_so, const w1fns *f, const char *dir,
                       critic_out *o)
{
    double t0 = now_s();
    lg_dataset *mix = NULL;
    int rc = lg_dataset_open(c->mixture_data, &mix);
    if (rc != LG_OK || lg_dataset_dim(mix) != 1) {
        lg_dataset_free(mix);
        return lg_seterr(LG_EINVAL, "lab 03: mixture_data = '%s': give 1D data (mog1d:...)", c->mixture_data);
    }
    size_t ns = (size_t)c->samples, T = TRACE_POINTS + 1;
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
        if ((rc = train_critic(c, wgan_so, clip_so, NULL, m, c->clip, 500 + 10 * i, tr + i * T, &o->est_gauss[i])) ==
            LG_OK)
            rc = train_critic(c, wgan_so, clip_so, mix, m, c->clip, 600 + 10 * i, NULL, &o->est_mix[i]);
    }
    for (size_t i = 0; rc == LG_OK && i < c->n_clips; i++) {
        double fin;
        rc = train_critic(c, wgan_so, clip_so, NULL, c->c_mean, c->clips[i], 700 + 10 * i, tr + (c->n_means + i) * T,
                          &fin);
        o->ratio_c[i] = fin / c->c_mean;
    }
    gsl_rng_free(r);
    free(a);
    lg_dataset_free(mix);
    long every = c->critic_steps / TRACE_POINTS > 0 ? c->critic_steps / TRACE_POINTS : 1;
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
    o->secs = now_s() - t0;
    return rc;
}

/* ------------------------------------------- part 3: training on ring8 --- */

enum { RUN_GAN, RUN_WGAN, RUN_ADAM, RUN_GP, N_RUNS };
static const char *const run_name[N_RUNS] = { "gan", "wgan", "wgan_adam", "wgan_gp" };
static const char *const run_title[N_RUNS] = { "minimax GAN (gan.c), Adam", "WGAN (wgan.c + clip.c), RMSProp",
                                               "WGAN (wgan.c + clip.c), Adam with momentum",
                                               "WGAN-GP (wgan.c + gp), Adam" };

typedef struct train_row {
    long step;
    double est, sliced_w1, hq, modes;
} train_row;

typedef struct train_out {
    train_row *rows[N_RUNS];
    size_t n[N_RUNS];
    double secs[N_RUNS], corr[N_RUNS], at_bound;
    size_t n_weights;
    double *weights; /* the WGAN critic's parameters / c at the end */
} train_out;

static int train_one(const config *c, int which, const char *loss, const char *reg, const char *opt, long d_steps,
                     const char *dir, train_out *o)
{
    double t0 = now_s();
    char run_dir[4200];
    snprintf(run_dir, sizeof run_dir, "%s/run-%s", dir, run_name[which]);
    lg_run_config rc_;
    lg_run_config_init(&rc_);
    rc_.loss = loss;
    if (reg) {
        rc_.regs[0] = reg;
        rc_.n_regs = 1;
    }
    rc_.data = c->gan.data;
    rc_.g = c->gan.g;
    rc_.d = c->gan.d;
    rc_.opt_d = rc_.opt_g = opt;
    rc_.d_steps = d_steps;
    rc_.d_pretrain = 0;
    rc_.batch = c->gan.batch;
    rc_.steps = c->gan.steps;
    rc_.seed = c->gan.seed;
    rc_.out = run_dir;
    rc_.quiet = 1;
    rc_.force = 1;
    lg_labkit_phase("opening a training run on ring8", -1);
    lg_run *run;
    int rc = lg_run_open(&rc_, &run);
    if (rc != LG_OK)
        return rc;
    size_t cap = (size_t)(c->gan.steps / c->log_every) + 2, B = 1000;
    train_row *rows = o->rows[which] = lg_labkit_calloc(cap, sizeof(train_row), "the trace");
    /* a fixed pair of batches for the estimate */
    const lg_dataset *ds = lg_run_dataset(run);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, lg_seed_stream(c->gan.seed, 900));
    lg_game *g = lg_run_game(run);
    lg_net *G = lg_game_net(g, LG_NET_G), *D = lg_game_net(g, LG_NET_D);
    size_t zd = lg_net_in_dim(G), xd = lg_dataset_dim(ds);
    gsl_matrix *x = gsl_matrix_alloc(B, xd), *z = gsl_matrix_alloc(B, zd), *y = gsl_matrix_alloc(B, xd),
               *work = gsl_matrix_alloc(B, 1);
    lg_dataset_sample(ds, r, x);
    for (size_t i = 0; i < B * zd; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    const char *what[N_RUNS] = { "the minimax GAN on ring8 (gan.c of Lab 01)", "WGAN on ring8 (wgan.c, clip.c)",
                                 "WGAN with Adam on ring8 (wgan.c, clip.c)", "WGAN-GP on ring8 (wgan.c, gp)" };
    for (long step = 0; rows && rc == LG_OK && step <= c->gan.steps; step++) {
        if (step > 0 && (rc = lg_labkit_run_step(run, step, what[which])) != LG_OK)
            break;
        if (step % c->log_every && step != c->gan.steps)
            continue;
        lg_run_summary sm;
        if ((rc = lg_run_evaluate(run, 2500, &sm)) != LG_OK)
            break;
        lg_net_forward(G, z, y);
        train_row *w = &rows[o->n[which]++];
        w->step = step;
        w->est = estimate(D, x, y, work);
        w->sliced_w1 = sm.sliced_w1;
        w->hq = sm.high_quality; /* a percentage already */
        w->modes = sm.modes;
    }
    if (!rows)
        rc = LG_ENOMEM;
    if (rc == LG_OK && which == RUN_WGAN) {
        size_t n;
        const double *p = lg_net_params(D, &n);
        if ((o->weights = lg_labkit_calloc(n, sizeof(double), "the critic's parameters"))) {
            o->n_weights = n;
            size_t at = 0;
            for (size_t i = 0; i < n; i++) {
                o->weights[i] = p[i] / c->clip;
                at += fabs(o->weights[i]) >= 0.99;
            }
            o->at_bound = (double)at / (double)n;
        } else
            rc = LG_ENOMEM;
    }
    gsl_matrix_free(x);
    gsl_matrix_free(y);
    gsl_matrix_free(z);
    gsl_matrix_free(work);
    gsl_rng_free(r);
    lg_run_close(run);
    /* how well the estimate follows sample quality: Pearson's r with sliced W1 */
    size_t n = o->n[which];
    double me = 0, mw = 0, see = 0, sww = 0, sew = 0;
    for (size_t i = 0; rows && i < n; i++) {
        me += rows[i].est / (double)n;
        mw += rows[i].sliced_w1 / (double)n;
    }
    for (size_t i = 0; rows && i < n; i++) {
        double de = rows[i].est - me, dw = rows[i].sliced_w1 - mw;
        see += de * de;
        sww += dw * dw;
        sew += de * dw;
    }
    o->corr[which] = see > 0 && sww > 0 ? sew / sqrt(see * sww) : NAN;
    o->secs[which] = now_s() - t0;
    if (rc != LG_OK)
        return rc;
    char name[64];
    snprintf(name, sizeof name, "train_%s.csv", run_name[which]);
    FILE *fp = lg_labkit_fopen(dir, name);
    if (!fp)
        return LG_EIO;
    fprintf(fp, "# litgan lab 03, seed %ld: %s on %s, G %s, D %s, %s, %ld critic steps per generator step, batch %ld; "
                "estimate = mean D(x_r) - mean D(G(z)) on fixed batches of %zu; 2500 samples for the metrics\n"
                "step,estimate,sliced_w1,high_quality,modes\n",
            c->gan.seed, run_title[which], c->gan.data, c->gan.g, c->gan.d, opt, d_steps, c->gan.batch, B);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%ld,%.6g,%.6g,%.4g,%.0f\n", rows[i].step, rows[i].est, rows[i].sliced_w1, rows[i].hq,
                rows[i].modes);
    return lg_labkit_fclose(fp, dir, name);
}

static int write_weights(const config *c, const train_out *o, const char *dir)
{
    enum { BINS = 45 }; /* bins of width 0.05 in units of c, centred on -1.1, -1.05, ..., 1.1 (so on +-1) */
    double count[BINS] = { 0 };
    for (size_t i = 0; i < o->n_weights; i++) {
        long k = lround(o->weights[i] / 0.05) + BINS / 2;
        count[k < 0 ? 0 : k >= BINS ? BINS - 1 : k] += 1.0 / (double)o->n_weights;
    }
    FILE *fp = lg_labkit_fopen(dir, "weights.csv");
    if (!fp)
        return LG_EIO;
    fprintf(fp, "# litgan lab 03, seed %ld: the WGAN critic's %zu parameters after %ld generator steps, in units "
                "of c = %g: the share in each bin of width 0.05\nw_over_c,share\n",
            c->gan.seed, o->n_weights, c->gan.steps, c->clip);
    for (int k = 0; k < BINS; k++)
        fprintf(fp, "%.3f,%.6g\n", 0.05 * (k - BINS / 2), count[k]);
    return lg_labkit_fclose(fp, dir, "weights.csv");
}

/* ----------------------------------------------------------- outputs --- */

static int write_settings(const lg_lab *lab, const config *c, const char *dir)
{
    FILE *f = lg_labkit_settings_open(dir, lab, &c->gan);
    if (!f)
        return LG_EIO;
    char list[600] = "";
    for (size_t i = 0; i < c->n_means; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%g", i ? " " : "", c->means[i]);
    lg_labkit_gp_string(f, "means", list, "lab.ini: means (one block of estimate.csv each)");
    list[0] = '\0';
    for (size_t i = 0; i < c->n_clips; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%g", i ? " " : "", c->clips[i]);
    lg_labkit_gp_string(f, "clips", list, "lab.ini: clips (one block of clip.csv each)");
    lg_labkit_gp_number(f, "theta_far", c->theta_far, "the distant generator's offset");
    lg_labkit_gp_number(f, "far_clip", c->far_clip, NULL);
    lg_labkit_gp_number(f, "clip", c->clip, "c of the 1D critics and of the ring8 WGAN");
    lg_labkit_gp_number(f, "c_mean", c->c_mean, "m of the clip figure");
    lg_labkit_gp_number(f, "critic_steps", (double)c->critic_steps, NULL);
    lg_labkit_gp_number(f, "far_steps", (double)c->far_steps, NULL);
    lg_labkit_gp_number(f, "lines_steps", (double)c->lines_steps, NULL);
    lg_labkit_gp_string(f, "critic", c->critic, NULL);
    lg_labkit_gp_string(f, "critic_opt", c->critic_opt, NULL);
    lg_labkit_gp_string(f, "mixture_data", c->mixture_data, NULL);
    lg_labkit_gp_string(f, "far_opt_gan", c->far_opt_gan, NULL);
    lg_labkit_gp_string(f, "far_opt_wgan", c->far_opt_wgan, NULL);
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static int write_results(const config *c, const lines_out *l, const critic_out *k, const train_out *t,
                         const char *dir, const char *notes)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    size_t n = l->n, mid = 0;
    for (size_t i = 0; i < n; i++)
        mid = fabs(l->theta[i]) < fabs(l->theta[mid]) ? i : mid;
    fprintf(f, "Lab 03, seed %ld. %s**Part 1, disjoint supports** (%.1f s). At theta = %g the discriminator's JS "
               "estimate is %.4f, at theta = %g it is %.4f (log 2 = %.4f); W1 from samples: %.4f and %.4f.\n\n",
            c->gan.seed, notes, l->secs, l->theta[mid], l->js_est[mid], l->theta[n - 1], l->js_est[n - 1], log(2.0),
            l->w1_est[mid], l->w1_est[n - 1]);
    fprintf(f, "Against the distant generator G(z) = (%g, z), the norm of G's gradient:\n\n"
               "| | after step 1 | largest | step %ld | last / largest |\n|---|---:|---:|---:|---:|\n"
               "| discriminator (`gan.c`, %s) | %.3g | %.3g | %.3g | %.3g |\n| critic (`wgan.c` + `clip.c`, c = %g, %s) | "
               "%.3g | %.3g | %.3g | %.3g |\n\nAt the end the discriminator gives the fakes mean D(G(z)) = %.3g; the critic's "
               "estimate is %.4g.\n\n",
            c->theta_far, c->far_steps, c->far_opt_gan, l->far_g0[0], l->far_gmax[0], l->far_g1[0],
            l->far_g1[0] / l->far_gmax[0], c->far_clip, c->far_opt_wgan, l->far_g0[1], l->far_gmax[1], l->far_g1[1],
            l->far_g1[1] / l->far_gmax[1], l->far_dfake1, l->far_est1);
    /* the scale K of the estimate: least squares through the origin over the Gaussians */
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < c->n_means; i++) {
        sxy += k->w1_gauss[i] * k->est_gauss[i];
        sxx += k->w1_gauss[i] * k->w1_gauss[i];
    }
    double K = sxx > 0 ? sxy / sxx : NAN;
    fprintf(f, "**Part 2, what the critic estimates** (%.1f s; critic `%s`, `%s`, %ld steps, c = %g).\n\n"
               "| m | W1(N(0,1), N(m,1)) | by sorting | estimate | estimate / W1 | W1(mixture, N(m,1)) | estimate | "
               "estimate / W1 |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            k->secs, c->critic, c->critic_opt, c->critic_steps, c->clip);
    for (size_t i = 0; i < c->n_means; i++)
    {
        char ratio[32] = "-"; /* W1 = 0: no ratio */
        if (k->w1_gauss[i] > 0)
            snprintf(ratio, sizeof ratio, "%.4g", k->est_gauss[i] / k->w1_gauss[i]);
        fprintf(f, "| %g | %.4g | %.4g | %.4g | %s | %.4g | %.4g | %.4g |\n", c->means[i], k->w1_gauss[i],
                k->w1_sorted_gauss[i], k->est_gauss[i], ratio, k->w1_mix[i], k->est_mix[i],
                k->est_mix[i] / k->w1_mix[i]);
    }
    fprintf(f, "\nLeast squares through the origin over the Gaussians: estimate = %.4g x W1.\n\n"
               "The clip value at m = %g (W1 = %g):\n\n| c | estimate / W1 at the end |\n|---:|---:|\n",
            K, c->c_mean, c->c_mean);
    for (size_t i = 0; i < c->n_clips; i++)
        fprintf(f, "| %g | %.4g |\n", c->clips[i], k->ratio_c[i]);
    fprintf(f, "\n**Part 3, training on %s** (%ld generator steps, G `%s`, D `%s`, batch %ld).\n\n"
               "| run | time (s) | estimate, last | sliced W1, first | sliced W1, last | high quality %%, last | modes, "
               "last | r(estimate, sliced W1) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
            c->gan.data, c->gan.steps, c->gan.g, c->gan.d, c->gan.batch);
    for (int i = 0; i < N_RUNS; i++) {
        const train_row *a = &t->rows[i][0], *b = &t->rows[i][t->n[i] - 1];
        fprintf(f, "| %s (`%s`) | %.1f | %.4g | %.3f | %.3f | %.1f | %.0f | %.2f |\n", run_title[i], run_name[i],
                t->secs[i], b->est, a->sliced_w1, b->sliced_w1, b->hq, b->modes, t->corr[i]);
    }
    fprintf(f, "\nThe WGAN critic at the end: %.1f%% of its %zu parameters lie within 1%% of +-c.\n\n"
               "![JS and W1 of the parallel lines](fig_lines.png)\n\n"
               "![the norm of G's gradient against a distant generator](fig_gradnorm.png)\n\n"
               "![the critic's estimate against the exact W1](fig_estimate.png)\n\n"
               "![the effect of the clip value c](fig_clip.png)\n\n"
               "![training on ring8](fig_training.png)\n\n"
               "![the critic's parameters after training](fig_weights.png)\n",
            100 * t->at_bound, t->n_weights);
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab03_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    const char *dir = lr->out_dir;
    config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    const lg_lab *lab1 = lg_lab_find("01");
    if (!lab1)
        return lg_seterr(LG_EINVAL, "Lab 03's experiment needs Lab 01 (plugins/gan.c): %s", lg_errmsg());
    lg_submission *sub, *sub1;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    if ((rc = lg_labkit_files_open(lab1, &sub1)) != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        lg_labkit_files_close(sub);
        return lg_seterr(rc, "Lab 03 trains Lab 01's minimax loss too: %s", why);
    }
    const char *gan_so = lg_labkit_object(sub1, 0), *wgan_so = lg_labkit_object(sub, 0),
               *clip_so = lg_labkit_object(sub, 1);
    char notes[256] = "", clip_reg[4400];
    snprintf(clip_reg, sizeof clip_reg, "%s:c=%.17g", clip_so, c.clip);
    void *dl = lg_labkit_dlopen(sub, 2);
    w1fns f = { (lg_lab03_w1_fn)lg_labkit_sym(dl, "lab03_w1_sorted"),
                (lg_lab03_line_fn)lg_labkit_sym(dl, "lab03_w1_lines"),
                (lg_lab03_line_fn)lg_labkit_sym(dl, "lab03_js_lines") };
    static const double probe_x[2] = { 0, 1 };
    if (!f.sorted || !f.w1 || !f.js || isnan(f.sorted(probe_x, probe_x, 2)) || isnan(f.w1(1)) || isnan(f.js(1))) {
        f = (w1fns){ NULL, NULL, NULL }; /* not implemented yet (said on stderr) */
        snprintf(notes, sizeof notes, "Task 3.3 is not implemented yet: its closed forms and sorted W1 are NaN.\n\n");
    }
    lines_out l;
    critic_out k;
    train_out t;
    memset(&l, 0, sizeof l);
    memset(&k, 0, sizeof k);
    memset(&t, 0, sizeof t);
    if ((rc = part_lines(&c, gan_so, &f, dir, &l)) != LG_OK ||
        (rc = part_far(&c, gan_so, wgan_so, clip_so, dir, &l)) != LG_OK ||
        (rc = part_critic(&c, wgan_so, clip_so, &f, dir, &k)) != LG_OK)
        goto out;
    if ((rc = train_one(&c, RUN_GAN, gan_so, NULL, c.opt_gan, 1, dir, &t)) != LG_OK ||
        (rc = train_one(&c, RUN_WGAN, wgan_so, clip_reg, c.opt_wgan, 5, dir, &t)) != LG_OK ||
        (rc = train_one(&c, RUN_ADAM, wgan_so, clip_reg, c.opt_adam, 5, dir, &t)) != LG_OK ||
        (rc = train_one(&c, RUN_GP, wgan_so, "gp", c.opt_gp, 5, dir, &t)) != LG_OK)
        goto out;
    if ((rc = write_weights(&c, &t, dir)) != LG_OK || (rc = write_settings(lab, &c, dir)) != LG_OK ||
        (rc = lg_labkit_copy_scripts(lab, dir)) != LG_OK || (rc = write_results(&c, &l, &k, &t, dir, notes)) != LG_OK)
        goto out;
    /* a figure that fails is said on stderr; the data and the scripts stay */
    const char *figs[] = { "fig_lines.gp", "fig_gradnorm.gp", "fig_estimate.gp", "fig_clip.gp", "fig_training.gp",
                           "fig_weights.gp" };
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
        lg_gnuplot_run(dir, figs[i], "litgan lab 03", stderr);
out:
    free(l.theta);
    for (int i = 0; i < N_RUNS; i++)
        free(t.rows[i]);
    free(t.weights);
    if (dl)
        dlclose(dl);
    lg_labkit_files_close(sub);
    lg_labkit_files_close(sub1);
    return rc;
}
