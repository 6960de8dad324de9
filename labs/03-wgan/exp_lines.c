/*
 * exp_lines.c - part 1 of `litgan lab 03`, disjoint supports (Arjovsky,
 * Chintala & Bottou 2017, Example 1; Arjovsky & Bottou 2017).
 *
 * P_0 on {0} x [0, 1] against P_theta on {theta} x [0, 1]: JS and W1 over
 * theta, the closed forms of w1.c beside estimates: JS from a discriminator
 * (Lab 01's gan.c) trained from scratch for each theta, JS ~ (V(D, G) + log 4) / 2
 * with V = -d_loss; W1 from samples, the cost of the plan that matches the
 * sorted heights (at least |theta|, and |theta| in the limit) - lines.csv.
 * Then a fixed, distant generator G(z) = (theta_far, z): a discriminator
 * (gan.c, Adam) and a critic (wgan.c + clip.c, RMSProp) each trained against
 * it, and the norm of G's gradient from each over training - far.csv.
 */
#include "exp.h"

#include <math.h>
#include <stdlib.h>
#include "litgan/sys.h"

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

/* P_0 against P_theta over the grid of thetas: lines.csv. */
static int parallel_lines(const exp_config *c, const exp_student *f, const char *dir, exp_lines_out *o)
{
    double t0 = lg_now();
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
        double th = lg_labkit_grid_x(c->thetas, k);
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
        exp_game s;
        if ((rc = exp_game_open(&s, "1-2", c->lines_d, B, lg_seed_stream(c->gan.seed, 100 + k), f->gan_so, NULL,
                                c->lines_opt)) != LG_OK)
            break;
        line_generator(s.g, th);
        for (long step = 1; rc == LG_OK && step <= c->lines_steps; step++) {
            line_batches(s.g, r);
            rc = exp_d_step(&s, "training a discriminator on the parallel lines (gan.c of Lab 01)", step);
        }
        double v_sum = 0;
        for (int rep = 0; rc == LG_OK && rep < 8; rep++) {
            double loss;
            line_batches(s.g, r);
            rc = lg_game_eval(s.g, LG_PLAYER_D, &loss, NULL);
            v_sum += -loss / 8;
        }
        o->js_est[k] = (v_sum + log(4.0)) / 2;
        exp_game_free(&s);
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
    o->secs = lg_now() - t0;
    return rc;
}

/* The fixed, distant generator: a discriminator (gan.c) and a critic (wgan.c +
 * clip.c) trained against it, the norm of G's gradient from each. */
static int distant_generator(const exp_config *c, const exp_student *f, const char *dir, exp_lines_out *o)
{
    double t0 = lg_now();
    char reg[4400];
    snprintf(reg, sizeof reg, "%s:c=%.17g", f->clip_so, c->far_clip);
    const char *loss[2] = { f->gan_so, f->wgan_so }, *opt[2] = { c->far_opt_gan, c->far_opt_wgan };
    const char *what[2] = { "training a discriminator against a distant generator (gan.c of Lab 01)",
                            "training a critic against a distant generator (wgan.c, clip.c)" };
    size_t B = (size_t)c->lines_batch,
           every = (size_t)(c->far_steps / EXP_TRACE_POINTS > 0 ? c->far_steps / EXP_TRACE_POINTS : 1);
    size_t rows = (size_t)c->far_steps / every + 2;
    double *tab = lg_labkit_calloc(rows * 5, sizeof(double), "part 1");
    if (!tab)
        return LG_ENOMEM;
    size_t n_rows = 0;
    int rc = LG_OK;
    for (int p = 0; rc == LG_OK && p < 2; p++) {
        exp_game s;
        if ((rc = exp_game_open(&s, "1-2", c->far_d, B, lg_seed_stream(c->gan.seed, 200), loss[p], p ? reg : NULL,
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
                if ((rc = exp_d_step(&s, what[p], step)) != LG_OK)
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
        exp_game_free(&s);
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
    o->secs += lg_now() - t0;
    return rc;
}

int exp_lines_part(const exp_config *c, const exp_student *s, const char *dir, exp_lines_out *o)
{
    int rc = parallel_lines(c, s, dir, o);
    return rc == LG_OK ? distant_generator(c, s, dir, o) : rc;
}

void exp_lines_free(exp_lines_out *o)
{
    free(o->theta);
    o->theta = NULL;
}
