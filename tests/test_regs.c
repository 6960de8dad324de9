/*
 * test_regs.c - the regularizer plugins (plugins/clip.c, gp.c, r1.c, consensus.c)
 * against independent references:
 *   - gp and r1 values and gradients: closed forms for a linear critic, and for a
 *     one-hidden-layer tanh critic the input gradient computed by hand here, with
 *     the parameter gradient checked by centred differences of that hand formula;
 *   - lg_check_plugin on every plugin;
 *   - clip: the runner's critic lies in [-c, c] after every step, and equals
 *     clip(theta_prev - lr grad) exactly (so the clip comes after the step);
 *   - consensus: J^T v on the bilinear game against the exact J = [[0, -1], [1, 0]],
 *     the zero-sum identity J^T v = H_f (v_D, -v_G), J^T v on nonlinear games against
 *     centred differences of L = 1/2 ||v||^2 (whose gradient is J^T v), and runs of
 *     the runner against the 2x2 linear maps that plain and consensus steps are on
 *     the bilinear game.
 */
#include "lg_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

/* ---------------------------------------------------------------- helpers --- */

#define tmpdir lg_test_tmpdir
#define test_plugin lg_test_plugin

typedef struct fixture {
    lg_game g;
    gsl_rng *rng;
} fixture;

/* A game built as check.c and test_hvp.c build theirs: nets from specs, real data
 * and noise ~ N(0, 1), the loss plugin (a name or a path) and one regularizer. */
static void setup(fixture *fx, const char *gspec, const char *dspec, size_t batch, const char *loss,
                  const char *reg)
{
    memset(fx, 0, sizeof *fx);
    fx->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(fx->rng, 2024);
    lg_net *G, *D;
    LG_ASSERT(lg_net_parse(gspec, &G) == LG_OK, "G spec");
    LG_ASSERT(lg_net_parse(dspec, &D) == LG_OK, "D spec");
    LG_ASSERT(lg_plugin_inst_open(loss, LG_PLUGIN_KIND_LOSS, &fx->g.loss) == LG_OK, lg_errmsg());
    LG_ASSERT(lg_plugin_inst_open(reg, LG_PLUGIN_KIND_REG, &fx->g.regs[0]) == LG_OK, lg_errmsg());
    fx->g.n_regs = 1;
    LG_ASSERT(lg_game_init(&fx->g, G, D, NULL, batch, G->in_dim, fx->rng) == LG_OK, lg_errmsg());
    lg_net_init(G, fx->rng);
    lg_net_init(D, fx->rng);
    for (size_t i = 0; i < fx->g.real->size1 * fx->g.real->size2; i++)
        fx->g.real->data[i] = gsl_ran_gaussian(fx->rng, 1.0);
    for (size_t i = 0; i < fx->g.noise->size1 * fx->g.noise->size2; i++)
        fx->g.noise->data[i] = gsl_ran_gaussian(fx->rng, 1.0);
    lg_game_new_step(&fx->g);
}

static void teardown(fixture *fx)
{
    lg_game_clear(&fx->g);
    gsl_rng_free(fx->rng);
}

/* The regularizer's term in player p's objective: objective with it minus the
 * loss's objective alone (same step, so the same uniforms). */
static double reg_term(lg_game *g, lg_player p)
{
    lg_node *o = lg_game_objective(g, p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    double with = lg_scalar(o);
    size_t n = g->n_regs;
    g->n_regs = 0;
    o = lg_game_objective(g, p);
    g->n_regs = n;
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return with - lg_scalar(o);
}

/* The term's gradient with respect to every game parameter ([theta_D, theta_G]). */
static void reg_term_grad(lg_game *g, lg_player p, double *out)
{
    size_t n = lg_game_param_count(g);
    double *alone = malloc(n * sizeof *alone);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, p, out), LG_OK);
    size_t k = g->n_regs;
    g->n_regs = 0;
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, p, alone), LG_OK);
    g->n_regs = k;
    for (size_t i = 0; i < n; i++)
        out[i] -= alone[i];
    free(alone);
}

static double norm(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return sqrt(s);
}

/* ================================================= gp and r1: linear D === */

/* D(x) = w . x + b ("3-1"): nabla_x D = w for every x, so
 *   gp = lambda (||w|| - 1)^2,       d gp / dw = 2 lambda (||w|| - 1) w / ||w||,
 *   gp one-sided = lambda max(0, ||w|| - 1)^2,
 *   r1 = gamma/2 ||w||^2,            d r1 / dw = gamma w,
 * every derivative w.r.t. b and theta_G zero; the G player's term is 0. */
static void check_linear(const char *reg, double scale, double (*value)(double nw, double k),
                         double (*slope)(double nw, double k), double k)
{
    fixture fx;
    setup(&fx, "2-3", "3-1", 6, "nsgan", reg);
    lg_game *g = &fx.g;
    size_t nD, n = lg_game_param_count(g);
    double *w = lg_game_params(g, LG_NET_D, &nD);
    CU_ASSERT_EQUAL_FATAL(nD, 4);
    const double w0[3] = { 0.6, -1.2, 0.9 };
    for (int j = 0; j < 3; j++)
        w[j] = scale * w0[j];
    w[3] = 0.3;
    double nw = norm(w, 3);
    double term = reg_term(g, LG_PLAYER_D), exact = value(nw, k);
    LG_ASSERT_MSG(fabs(term - exact) <= 1e-10 * fmax(1.0, fabs(exact)),
                  "%s, ||w|| = %g: term %.15g, closed form %.15g", reg, nw, term, exact);
    LG_ASSERT_MSG(reg_term(g, LG_PLAYER_G) == 0.0, "%s: the G player's term is not 0", reg);

    double *gr = calloc(n, sizeof *gr), ex[4];
    reg_term_grad(g, LG_PLAYER_D, gr);
    for (int j = 0; j < 3; j++)
        ex[j] = slope(nw, k) * w[j];
    ex[3] = 0;
    double e = lg_rel_error(gr, ex, 4);
    double gmax = 0;
    for (size_t i = 4; i < n; i++)
        gmax = fmax(gmax, fabs(gr[i]));
    LG_ASSERT_MSG(e <= 1e-7 || (norm(ex, 4) == 0 && norm(gr, 4) <= 1e-12),
                  "%s, ||w|| = %g: gradient w.r.t. (w, b) has relative error %.3e", reg, nw, e);
    LG_ASSERT_MSG(gmax == 0.0, "%s trains G: |d term / d theta_G| = %g", reg, gmax);
    printf("\n    %-16s ||w|| = %.3f: term %.12f (closed form %.12f), gradient rel. error %.2e", reg, nw,
           term, exact, e);
    free(gr);
    teardown(&fx);
}

static double gp_value(double nw, double lambda) { return lambda * (nw - 1) * (nw - 1); }
static double gp_slope(double nw, double lambda) { return 2 * lambda * (nw - 1) / nw; }
static double gp1_value(double nw, double lambda) { return nw > 1 ? gp_value(nw, lambda) : 0.0; }
static double gp1_slope(double nw, double lambda) { return nw > 1 ? gp_slope(nw, lambda) : 0.0; }
static double r1_value(double nw, double gamma) { return 0.5 * gamma * nw * nw; }
static double r1_slope(double nw, double gamma) { (void)nw; return gamma; }

static void test_linear_closed_forms(void)
{
    check_linear("gp", 1.0, gp_value, gp_slope, 10);            /* ||w|| = 1.6155 */
    check_linear("gp", 0.4, gp_value, gp_slope, 10);            /* ||w|| = 0.646: below 1 */
    check_linear("gp:lambda=3", 1.0, gp_value, gp_slope, 3);
    check_linear("gp:one_sided=1", 1.0, gp1_value, gp1_slope, 10);
    check_linear("gp:one_sided=1", 0.4, gp1_value, gp1_slope, 10); /* no penalty below 1 */
    check_linear("r1", 1.0, r1_value, r1_slope, 10);
    check_linear("r1:gamma=4", 0.4, r1_value, r1_slope, 4);
}

/* =================================================== gp and r1: tanh D === */

/* D "3-4t-1": D(x) = v . tanh(W x + c) + d; theta_D = [W (4x3, row-major), c, v, d].
 *   nabla_x D(x) = W^T (v .* (1 - tanh(W x + c)^2))                      */
#define TX 3
#define TH 4
static void tanh_input_grad(const double *th, const double *x, double *out)
{
    const double *W = th, *c = th + TH * TX, *v = c + TH;
    for (size_t k = 0; k < TX; k++)
        out[k] = 0;
    for (size_t j = 0; j < TH; j++) {
        double a = c[j];
        for (size_t k = 0; k < TX; k++)
            a += W[j * TX + k] * x[k];
        double h = tanh(a), s = v[j] * (1 - h * h);
        for (size_t k = 0; k < TX; k++)
            out[k] += W[j * TX + k] * s;
    }
}

typedef struct hand {
    const gsl_matrix *real, *noise;  /* (B, 3), (B, 2) */
    const double *thG;               /* G "2-3": x_f = A z + a0, A (3x2), a0 (3) */
    const double *t;                 /* (B): the uniforms gp drew */
    double k;                        /* lambda or gamma */
    int kind;                        /* 0 gp, 1 gp one-sided, 2 r1 */
} hand;

/* The point where row i's input gradient is taken: x_r,i for R1, else
 * xhat_i = t_i x_r,i + (1 - t_i) x_f,i with x_f,i = A z_i + a0. x: (3) */
static void hand_point(const hand *h, size_t i, double *x)
{
    const double *xr = h->real->data + i * TX, *z = h->noise->data + i * 2;
    for (size_t k = 0; k < TX; k++) {
        double xf = h->thG[k * 2] * z[0] + h->thG[k * 2 + 1] * z[1] + h->thG[6 + k];
        x[k] = h->kind == 2 ? xr[k] : h->t[i] * xr[k] + (1 - h->t[i]) * xf;
    }
}

/* The paper's formulas, evaluated by hand at critic parameters thD. */
static double hand_term(const hand *h, const double *thD)
{
    size_t B = h->real->size1;
    double s = 0;
    for (size_t i = 0; i < B; i++) {
        double x[TX], gr[TX];
        hand_point(h, i, x);
        tanh_input_grad(thD, x, gr);
        double nn = norm(gr, TX);
        if (h->kind == 2)
            s += 0.5 * h->k * nn * nn;                                  /* gamma/2 ||g||^2 */
        else if (h->kind == 1)
            s += h->k * (nn > 1 ? (nn - 1) * (nn - 1) : 0.0);           /* lambda max(0, ||g|| - 1)^2 */
        else
            s += h->k * (nn - 1) * (nn - 1);                            /* lambda (||g|| - 1)^2 */
    }
    return s / (double)B;
}

static void check_tanh(const char *reg, int kind, double k)
{
    fixture fx;
    setup(&fx, "2-3", "3-4t-1", 5, "nsgan", reg);
    lg_game *g = &fx.g;
    size_t nD, nG, n = lg_game_param_count(g);
    double *thD = lg_game_params(g, LG_NET_D, &nD), *thG = lg_game_params(g, LG_NET_G, &nG);
    CU_ASSERT_EQUAL_FATAL(nD, TH * TX + TH + TH + 1);
    CU_ASSERT_EQUAL_FATAL(nG, 3 * 2 + 3);
    (void)reg_term(g, LG_PLAYER_D); /* draws the uniforms of this step */
    double t[5] = { 0 };
    if (kind != 2) {
        CU_ASSERT_FATAL(g->n_rand == 1 && g->rand[0]->size1 == 5 && g->rand[0]->size2 == 1);
        memcpy(t, g->rand[0]->data, sizeof t);
    }
    hand h = { g->real, g->noise, thG, t, k, kind };
    /* scale v so that the norms of the input gradients straddle 1 (both sides of
     * the one-sided penalty's kink are exercised): nabla_x D is linear in v */
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < 5; i++) {
        double x[TX], gr[TX];
        hand_point(&h, i, x);
        tanh_input_grad(thD, x, gr);
        lo = fmin(lo, norm(gr, TX));
        hi = fmax(hi, norm(gr, TX));
    }
    double sc = 2.0 / (lo + hi);
    for (size_t j = 0; j < TH; j++)
        thD[TH * TX + TH + j] *= sc;

    double term = reg_term(g, LG_PLAYER_D), exact = hand_term(&h, thD);
    LG_ASSERT_MSG(fabs(term - exact) <= 1e-9 * fmax(1.0, fabs(exact)),
                  "%s: term %.15g, by hand %.15g", reg, term, exact);
    LG_ASSERT_MSG(reg_term(g, LG_PLAYER_G) == 0.0, "%s: the G player's term is not 0", reg);

    /* d term / d theta_D against centred differences of the hand formula */
    double *gr = calloc(n, sizeof *gr), num[TH * TX + 2 * TH + 1];
    reg_term_grad(g, LG_PLAYER_D, gr);
    for (size_t i = 0; i < nD; i++) {
        double keep = thD[i], hh = 1e-6 * fmax(1.0, fabs(keep));
        thD[i] = keep + hh;
        double fp = hand_term(&h, thD);
        thD[i] = keep - hh;
        double fm = hand_term(&h, thD);
        thD[i] = keep;
        num[i] = (fp - fm) / (2 * hh);
    }
    double e = lg_rel_error(gr, num, nD), gmax = 0;
    for (size_t i = nD; i < n; i++)
        gmax = fmax(gmax, fabs(gr[i]));
    LG_ASSERT_MSG(e <= 1e-6, "%s: d term / d theta_D relative error %.3e against centred differences", reg, e);
    LG_ASSERT_MSG(gmax == 0.0, "%s trains G: |d term / d theta_G| = %g", reg, gmax);
    printf("\n    %-16s tanh critic, ||grad_x D|| in [%.2f, %.2f]: term %.12f (by hand %.12f), "
           "gradient rel. error %.2e", reg, lo * sc, hi * sc, term, exact, e);
    free(gr);
    teardown(&fx);
}

static void test_tanh_by_hand(void)
{
    check_tanh("gp", 0, 10);
    check_tanh("gp:one_sided=1", 1, 10);
    check_tanh("r1", 2, 10);
}

/* ============================================================ check-plugin === */

static void test_check_plugin(void)
{
    const char *specs[] = { "clip", "gp", "gp:one_sided=1", "gp:lambda=1", "r1", "consensus" };
    static char text[65536];
    printf("\n");
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        FILE *f = fmemopen(text, sizeof text, "w");
        double worst = -1;
        int rc = lg_check_plugin(specs[i], f, 1e-6, &worst);
        fclose(f);
        LG_ASSERT_MSG(rc == LG_OK && worst >= 0 && worst <= 1e-6, "check-plugin %s: rc %d, worst %g (%s)\n%s",
                      specs[i], rc, worst, lg_errmsg(), text);
        printf("    check-plugin %-15s worst relative error %.2e\n", specs[i], worst);
    }
}

/* =============================================================== clip runs === */

static lg_run *open_run(const char **words, int n)
{
    lg_run *r = NULL;
    int rc = lg_test_run_open(n, (char **)words, &r);
    LG_ASSERT_MSG(rc == LG_OK, "lg_run_open: %s", lg_errmsg());
    return r;
}

/* After every runner step (its critic step, then its generator step) every critic
 * parameter lies in [-c, c]. The generator step does not change the critic, so the
 * critic it used was the clipped one; the generator itself is not clipped. */
static void test_clip_run(void)
{
    const char *w[] = { "--loss", "nsgan", "--reg", "clip:c=0.01", "--g", "2-8r-2", "--d", "2-8r-1",
                        "--batch", "16", "--steps", "5", "--out", tmpdir("clip"), "--quiet" };
    lg_run *r = open_run(w, sizeof w / sizeof w[0]);
    if (!r)
        return;
    lg_game *g = lg_run_game(r);
    size_t nD, nG;
    double *thD = lg_game_params(g, LG_NET_D, &nD), *thG = lg_game_params(g, LG_NET_G, &nG);
    double maxd0 = 0;
    for (size_t i = 0; i < nD; i++)
        maxd0 = fmax(maxd0, fabs(thD[i]));
    LG_ASSERT_MSG(maxd0 > 0.01, "initial critic already inside the box (max |w| = %g): the test proves nothing", maxd0);
    for (int s = 1; s <= 5; s++) {
        CU_ASSERT_EQUAL_FATAL(lg_run_step(r), LG_OK);
        double maxd = 0, maxg = 0;
        for (size_t i = 0; i < nD; i++)
            maxd = fmax(maxd, fabs(thD[i]));
        for (size_t i = 0; i < nG; i++)
            maxg = fmax(maxg, fabs(thG[i]));
        LG_ASSERT_MSG(maxd <= 0.01, "step %d: a critic parameter is %.17g, outside [-0.01, 0.01]", s, maxd);
        LG_ASSERT_MSG(maxg > 0.01, "step %d: the generator looks clipped (max |theta_G| = %g)", s, maxg);
        if (s == 5)
            printf("\n    after step 5: max |theta_D| = %g (initially %.3f), max |theta_G| = %.3f", maxd, maxd0, maxg);
    }
    lg_run_close(r);
}

/* The clip comes after the critic's step: with SGD (lr 0.05) the critic after a
 * step is clip(theta_prev - lr grad) exactly, where grad is the critic gradient
 * the step used (copied by a regularizer's adjust_grads, which runs between the
 * backward and the update: the update spends the gradient buffer). Clipping
 * before the step would give clip(theta_prev) - lr grad, which leaves the box
 * for every parameter whose update is larger than the room left. */
static double clip_seen[64];
static int clip_seen_ok;

static int record_d_grad(lg_game *g, const lg_params *p)
{
    (void)p;
    size_t n;
    const double *gr = lg_game_grads(g, LG_NET_D, &n);
    if (lg_game_player(g) == LG_PLAYER_D && n <= 64)
        memcpy(clip_seen, gr, n * sizeof(double)), clip_seen_ok = 1;
    return 0;
}
static const lg_plugin grad_recorder = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                         .kind = LG_PLUGIN_KIND_REG, .name = "record", .title = "records D's gradient",
                                         .citation = "test", .adjust_grads = record_d_grad };

static void test_clip_after_step(void)
{
    const double c = 0.01, lr = 0.05;
    const char *w[] = { "--loss", "nsgan", "--reg", "clip:c=0.01", "--g", "2-8r-2", "--d", "2-8r-1",
                        "--opt-d", "sgd:lr=0.05", "--batch", "16", "--steps", "4",
                        "--out", tmpdir("clip-after"), "--quiet" };
    lg_run *r = open_run(w, sizeof w / sizeof w[0]);
    if (!r)
        return;
    lg_game *g = lg_run_game(r);
    size_t nD;
    double *thD = lg_game_params(g, LG_NET_D, &nD), *grD = clip_seen;
    CU_ASSERT_FATAL(nD <= 64);
    CU_ASSERT_EQUAL_FATAL(lg_game_add_reg_desc(g, &grad_recorder, ""), LG_OK);
    double *prev = malloc(nD * sizeof *prev);
    size_t saturated = 0, inside = 0;
    for (int s = 1; s <= 4; s++) {
        memcpy(prev, thD, nD * sizeof *prev);
        clip_seen_ok = 0;
        CU_ASSERT_EQUAL_FATAL(lg_run_step(r), LG_OK);
        CU_ASSERT_FATAL(clip_seen_ok);
        for (size_t i = 0; i < nD; i++) {
            double u = prev[i] - lr * grD[i];               /* the SGD step */
            double want = u > c ? c : (u < -c ? -c : u);     /* then the clip */
            LG_ASSERT_MSG(thD[i] == want, "step %d, critic parameter %zu: %.17g, expected clip(%.17g "
                          "- %g * %.17g) = %.17g", s, i, thD[i], prev[i], lr, grD[i], want);
            if (fabs(u) > c) {
                saturated++;
                LG_ASSERT_MSG(fabs(thD[i]) == c, "step %d: saturated parameter %zu is %.17g, not +-c", s, i, thD[i]);
            } else {
                inside++;
            }
        }
    }
    LG_ASSERT_MSG(saturated > 0, "no update left the box: the test cannot tell before from after");
    printf("\n    4 steps x %zu critic parameters: %zu saturated at exactly +-c, %zu inside", nD, saturated, inside);
    free(prev);
    lg_run_close(r);
}

/* ========================================================= consensus: J^T v === */

/* The consensus plugin's adjust_grads on the game's grads: returns J^T v =
 * (adjusted - v) / gamma, with v given. */
static int consensus_jtv(lg_game *g, const double *v, double gamma, double *jtv)
{
    size_t n = lg_game_param_count(g), nD, nG;
    double *gD = lg_game_grads(g, LG_NET_D, &nD), *gG = lg_game_grads(g, LG_NET_G, &nG);
    LG_ASSERT(nD + nG == n, "no encoder in these games");
    memcpy(gD, v, nD * sizeof(double));
    memcpy(gG, v + nD, nG * sizeof(double));
    const lg_plugin *d = g->regs[0].h->desc;
    g->player = LG_PLAYER_G; /* as after a simultaneous step's backward */
    g->simultaneous = true;
    int rc = d->adjust_grads(g, g->regs[0].params);
    for (size_t i = 0; i < nD; i++)
        jtv[i] = (gD[i] - v[i]) / gamma;
    for (size_t i = 0; i < nG; i++)
        jtv[nD + i] = (gG[i] - v[nD + i]) / gamma;
    return rc;
}

/* v = (nabla_D f_D, nabla_G f_G) at the current parameters. */
static void game_field(lg_game *g, double *v)
{
    size_t n = lg_game_param_count(g), nD;
    lg_game_params(g, LG_NET_D, &nD);
    double *gr = malloc(n * sizeof *gr);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_D, gr), LG_OK);
    memcpy(v, gr, nD * sizeof *v);
    CU_ASSERT_EQUAL(lg_game_loss_grad(g, LG_PLAYER_G, gr), LG_OK);
    memcpy(v + nD, gr + nD, (n - nD) * sizeof *v);
    free(gr);
}

/* Set the bilinear game's parameters: D "1-1" = (psi, b), G "1-1" = (a, theta). */
static void bilinear_set(lg_game *g, double psi, double b, double a, double theta)
{
    lg_net *D = g->net[LG_NET_D], *G = g->net[LG_NET_G];
    lg_layer_weight(D, &D->layers[0]).matrix.data[0] = psi;
    lg_layer_bias(D, &D->layers[0])[0] = b;
    lg_layer_weight(G, &G->layers[0]).matrix.data[0] = a;
    lg_layer_bias(G, &G->layers[0])[0] = theta;
}

/* Bilinear game, parameters ordered [psi, b | a, theta] (D's weight and bias, G's
 * weight and bias); f_D = -psi theta, f_G = psi theta, a and b absent.
 *   v = (-theta, 0 | 0, psi);  J = dv/dtheta has J[psi][theta] = -1, J[theta][psi] = 1,
 *   i.e. J = [[0, -1], [1, 0]] on (psi, theta), eigenvalues +-i.
 * For any v = (v1, v2 | v3, v4): J^T v = (v4, 0 | 0, -v1); at the field, (psi, 0 | 0, theta).
 * Zero-sum: H_{f_D} has -1 at (psi, theta) and (theta, psi), so
 *   H_{f_D} (v_D, -v_G) = (-(-v4), 0 | 0, -v1) = J^T v. */
static void test_consensus_bilinear_exact(void)
{
    fixture fx;
    setup(&fx, "1-1", "1-1", 1, test_plugin("reg_bilinear"), "consensus");
    lg_game *g = &fx.g;
    CU_ASSERT_EQUAL_FATAL(lg_game_param_count(g), 4);
    const double psi = 0.7, theta = -1.3;
    bilinear_set(g, psi, 0.25, -0.5, theta);
    double v[4], jtv[4], out[4], u[4];
    game_field(g, v);
    const double v_exact[4] = { -theta, 0, 0, psi };
    LG_ASSERT_MSG(lg_rel_error(v, v_exact, 4) <= 1e-15, "field (%g %g %g %g), expected (%g 0 0 %g)", v[0],
                  v[1], v[2], v[3], -theta, psi);
    /* at the field */
    CU_ASSERT_EQUAL_FATAL(consensus_jtv(g, v, 10.0, jtv), 0);
    const double at_field[4] = { psi, 0, 0, theta };
    double e1 = lg_rel_error(jtv, at_field, 4);
    LG_ASSERT_MSG(e1 <= 1e-9, "J^T v = (%g %g %g %g), exact (%g 0 0 %g): rel. error %.3e", jtv[0], jtv[1],
                  jtv[2], jtv[3], psi, theta, e1);
    /* at an arbitrary v */
    const double w[4] = { 0.3, -2.0, 1.1, 0.8 }, w_exact[4] = { 0.8, 0, 0, -0.3 };
    CU_ASSERT_EQUAL_FATAL(consensus_jtv(g, w, 10.0, jtv), 0);
    double e2 = lg_rel_error(jtv, w_exact, 4);
    LG_ASSERT_MSG(e2 <= 1e-9, "J^T w = (%g %g %g %g), exact (0.8 0 0 -0.3): rel. error %.3e", jtv[0],
                  jtv[1], jtv[2], jtv[3], e2);
    /* zero-sum identity: H_{f_D} (v_D, -v_G) */
    for (int i = 0; i < 4; i++)
        u[i] = i < 2 ? w[i] : -w[i];
    CU_ASSERT_EQUAL_FATAL(lg_game_hvp(g, LG_PLAYER_D, u, out), LG_OK);
    double e3 = lg_rel_error(out, w_exact, 4);
    LG_ASSERT_MSG(e3 <= 1e-9, "H_fD (v_D, -v_G) = (%g %g %g %g), exact (0.8 0 0 -0.3): rel. error %.3e",
                  out[0], out[1], out[2], out[3], e3);
    /* in an alternating step (the D player's backward alone) the hook refuses */
    size_t nD;
    double *gD = lg_game_grads(g, LG_NET_D, &nD);
    gD[0] = 42.0;
    g->player = LG_PLAYER_D;
    g->simultaneous = false;
    lg_tape_reset(g->tape);
    CU_ASSERT_NOT_EQUAL(g->regs[0].h->desc->adjust_grads(g, g->regs[0].params), 0);
    CU_ASSERT_EQUAL(gD[0], 42.0);
    LG_ASSERT_MSG(lg_tape_error(g->tape) && strstr(lg_tape_error(g->tape), "--simultaneous"),
                  "the refusal should say how to fix it: %s",
                  lg_tape_error(g->tape) ? lg_tape_error(g->tape) : "(none)");
    printf("\n    bilinear game: J^T v rel. error %.2e (at the field), %.2e (arbitrary v); "
           "zero-sum identity %.2e", e1, e2, e3);
    teardown(&fx);
}

/* J^T v = nabla (1/2 ||v||^2): reference by centred differences of L over every
 * parameter, with v computed from first-order gradients only. */
static void jtv_by_differences(lg_game *g, double *ref)
{
    size_t n = lg_game_param_count(g), nD;
    double *thD = lg_game_params(g, LG_NET_D, &nD);
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        lg_net *net = g->net[i < nD ? LG_NET_D : LG_NET_G];
        double *th = i < nD ? thD + i : net->theta + (i - nD);
        double keep = *th, h = 1e-5 * fmax(1.0, fabs(keep)), L[2];
        for (int s = 0; s < 2; s++) {
            *th = keep + (s ? -h : h);
            game_field(g, v);
            L[s] = 0.5 * norm(v, n) * norm(v, n);
        }
        *th = keep;
        ref[i] = (L[0] - L[1]) / (2 * h);
    }
    free(v);
}

static void check_jtv_nonlinear(const char *loss, bool zero_sum)
{
    fixture fx;
    setup(&fx, "2-3t-3", "3-4t-1", 6, loss, "consensus:gamma=2");
    lg_game *g = &fx.g;
    size_t n = lg_game_param_count(g), nD;
    lg_game_params(g, LG_NET_D, &nD);
    double *v = malloc(n * sizeof *v), *jtv = malloc(n * sizeof *v), *ref = malloc(n * sizeof *v);
    game_field(g, v);
    CU_ASSERT_EQUAL_FATAL(consensus_jtv(g, v, 2.0, jtv), 0);
    jtv_by_differences(g, ref);
    double e = lg_rel_error(jtv, ref, n), ez = -1;
    LG_ASSERT_MSG(e <= 1e-6, "%s: J^T v against differences of 1/2 ||v||^2: rel. error %.3e", loss, e);
    if (zero_sum) {
        double *u = malloc(n * sizeof *u), *hz = malloc(n * sizeof *u);
        for (size_t i = 0; i < n; i++)
            u[i] = i < nD ? v[i] : -v[i];
        CU_ASSERT_EQUAL_FATAL(lg_game_hvp(g, LG_PLAYER_D, u, hz), LG_OK);
        ez = lg_rel_error(jtv, hz, n);
        LG_ASSERT_MSG(ez <= 1e-7, "zero-sum: J^T v against H_f (v_D, -v_G): rel. error %.3e", ez);
        free(u), free(hz);
    }
    printf("\n    %s (%zu parameters): J^T v vs differences of 1/2||v||^2 %.2e", strrchr(loss, '/') ?
           strrchr(loss, '/') + 1 : loss, n, e);
    if (zero_sum)
        printf(", vs H_f (v_D, -v_G) %.2e", ez);
    free(v), free(jtv), free(ref);
    teardown(&fx);
}

static void test_consensus_nonlinear(void)
{
    check_jtv_nonlinear("nsgan", false);
    check_jtv_nonlinear(test_plugin("reg_zerosum"), true);
}

/* ========================================================= consensus: runs === */

/* Runs the bilinear game through the runner for `steps` simultaneous SGD steps
 * (lr h = 0.1) from (psi, theta) = (1, 1), and compares every step with the
 * linear map the update is on (psi, theta):
 *   plain:     M = [[1, h], [-h, 1]]                      (|eig| = sqrt(1 + h^2) > 1)
 *   consensus: M = [[1 - h gamma, h], [-h, 1 - h gamma]]  (|eig| = sqrt((1 - h gamma)^2 + h^2))
 * Returns the final norm of (psi, theta). */
static double bilinear_run(const char *reg, double gamma, int steps, double tol)
{
    const double h = 0.1;
    const char *w[32] = { "--loss", test_plugin("reg_bilinear"), "--g", "1-1", "--d", "1-1",
                          "--data", "uniform:dim=1", "--batch", "1", "--opt-d", "sgd:lr=0.1",
                          "--opt-g", "sgd:lr=0.1", "--steps", "1000", "--quiet" };
    int n = 0;
    while (w[n])
        n++;
    w[n++] = "--out";
    w[n++] = tmpdir(reg ? "bilinear-consensus" : "bilinear-plain");
    if (reg) {
        w[n++] = "--reg"; /* its defaults ask for --simultaneous */
        w[n++] = reg;
    } else {
        w[n++] = "--simultaneous";
    }
    lg_run *r = open_run(w, n);
    if (!r)
        return NAN;
    LG_ASSERT_MSG(lg_run_get_config(r)->simultaneous, "%s: the run is not simultaneous", reg ? reg : "plain");
    lg_game *g = lg_run_game(r);
    lg_net *D = g->net[LG_NET_D], *G = g->net[LG_NET_G];
    bilinear_set(g, 1.0, 0.25, -0.5, 1.0);
    double *psi = lg_layer_weight(D, &D->layers[0]).matrix.data, *theta = lg_layer_bias(G, &G->layers[0]);
    double p = 1.0, q = 1.0, a = 1 - h * gamma, worst = 0;
    for (int s = 1; s <= steps; s++) {
        int rc = lg_run_step(r);
        LG_ASSERT_MSG(rc == LG_OK, "step %d: %s", s, lg_errmsg());
        if (rc != LG_OK)
            break;
        double p1 = a * p + h * q, q1 = -h * p + a * q;
        p = p1, q = q1;
        double err = hypot(*psi - p, *theta - q) / hypot(p, q);
        worst = fmax(worst, err);
    }
    LG_ASSERT_MSG(worst <= tol, "%s: (psi, theta) left the linear map's orbit: worst rel. deviation %.3e",
                  reg ? reg : "plain", worst);
    LG_ASSERT_MSG(lg_layer_bias(D, &D->layers[0])[0] == 0.25 && lg_layer_weight(G, &G->layers[0]).matrix.data[0] == -0.5,
                  "the parameters outside the game moved");
    double nrm = hypot(*psi, *theta);
    printf("\n    %-18s %3d steps: ||(psi, theta)|| = %.6e (linear map %.6e), worst rel. deviation %.1e",
           reg ? reg : "plain", steps, nrm, hypot(p, q), worst);
    lg_run_close(r);
    return nrm;
}

static void test_consensus_runs(void)
{
    /* plain simultaneous steps spiral out: ||.|| = sqrt(2) (1 + h^2)^(k/2) */
    double plain = bilinear_run(NULL, 0, 100, 1e-13);
    LG_ASSERT_CLOSE(plain, sqrt(2.0) * pow(1.01, 50), 1e-12);
    CU_ASSERT(plain > 1.6 * sqrt(2.0));
    /* gamma = 1: contraction sqrt(0.81 + 0.01) = 0.9055 per step, followed exactly */
    double c1 = bilinear_run("consensus:gamma=1", 1, 100, 1e-6);
    LG_ASSERT_CLOSE(c1, sqrt(2.0) * pow(0.82, 50), 1e-6 * sqrt(2.0) * pow(0.82, 50));
    /* the default gamma = 10: contraction 0.1 per step; below 1e-3 after 200 steps (0.1^200 sqrt 2 in exact arithmetic) */
    double c10 = bilinear_run("consensus", 10, 200, INFINITY);
    LG_ASSERT_MSG(c10 < 1e-3, "consensus (gamma 10): ||(psi, theta)|| = %g after 200 steps", c10);
}

/* In an alternating step consensus stops the run with a message (the runner
 * never makes one with consensus's defaults, so the test switches it). */
static void test_consensus_alternating_fails(void)
{
    const char *w[] = { "--loss", "nsgan", "--reg", "consensus", "--g", "2-4t-2", "--d", "2-4t-1",
                        "--batch", "8", "--steps", "2", "--out", tmpdir("consensus-alt"), "--quiet" };
    lg_run *r = open_run(w, sizeof w / sizeof w[0]);
    if (!r)
        return;
    lg_run_config *c = (lg_run_config *)lg_run_get_config(r);
    CU_ASSERT_FATAL(c->simultaneous); /* from the plugin's defaults */
    CU_ASSERT_EQUAL(lg_run_step(r), LG_OK);
    c->simultaneous = false;
    fprintf(stderr, "\n    (expected message follows) ");
    int rc = lg_run_step(r);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "consensus") && strstr(lg_errmsg(), "adjust_grads"),
                  "alternating step with consensus: rc %d, '%s'", rc, lg_errmsg());
    lg_run_close(r);
}

/* Each numeric parameter has a range in the plugin's table, checked at load:
 * one line naming the plugin, the key and the value as typed; the bounds load. */
static void test_reg_ranges(void)
{
    static const struct { const char *spec, *says; } bad[] = {
        { "gp:lambda=-1",
          "plugin gp: parameter lambda=-1 is out of range: give lambda in [0, 1e4] (weight of the penalty)" },
        { "gp:lambda=1e5",
          "plugin gp: parameter lambda=1e5 is out of range: give lambda in [0, 1e4]" },
        { "r1:gamma=-0.5",
          "plugin r1: parameter gamma=-0.5 is out of range: give gamma in [0, 1e4]" },
        { "consensus:gamma=-1",
          "plugin consensus: parameter gamma=-1 is out of range: give gamma in [0, 1e4]" },
        { "clip:c=0",
          "plugin clip: parameter c=0 is out of range: give c in [1e-6, 1e3] (clip every critic parameter to [-c, c])" },
        { "clip:c=-0.01",
          "plugin clip: parameter c=-0.01 is out of range" },
        { "clip:c=nan",
          "plugin clip: parameter c='nan' is not a finite number" },
    };
    char spec[1024];
    lg_plugin_inst pi;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(spec, sizeof spec, "%s/plugins/%.*s.so:%s", lg_test_build_dir(), (int)strcspn(bad[i].spec, ":"),
                 bad[i].spec, strchr(bad[i].spec, ':') + 1);
        int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_REG, &pi);
        LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), bad[i].says) && !strchr(lg_errmsg(), '\n'),
                      "%s: rc %d, '%s' (expected '%s')", bad[i].spec, rc, lg_errmsg(), bad[i].says);
        if (rc == LG_OK)
            lg_plugin_inst_close(&pi);
    }
    static const char *const ok[] = { "gp:lambda=0", "gp:lambda=1e4", "r1:gamma=0", "r1:gamma=1e4", "consensus:gamma=0", "clip:c=1e-6", "clip:c=1e3" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(spec, sizeof spec, "%s/plugins/%.*s.so:%s", lg_test_build_dir(), (int)strcspn(ok[i], ":"), ok[i],
                 strchr(ok[i], ':') + 1);
        int rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_REG, &pi);
        LG_ASSERT_MSG(rc == LG_OK, "%s refused: %s", ok[i], lg_errmsg());
        if (rc == LG_OK)
            lg_plugin_inst_close(&pi);
    }
}

void lg_suite_regs(void)
{
    LG_ADD_SUITE("regs_values",
                 { "gp, r1: values and gradients, linear critic, closed forms", test_linear_closed_forms },
                 { "gp, r1: values and gradients, tanh critic, by hand", test_tanh_by_hand },
                 { "check-plugin passes for every regularizer", test_check_plugin },
                 { "parameter ranges: no negative weights, bounds accepted", test_reg_ranges },
                 { "consensus: J^T v on the bilinear game, exact", test_consensus_bilinear_exact },
                 { "consensus: J^T v = grad 1/2||v||^2 on nonlinear games", test_consensus_nonlinear });
    LG_ADD_SUITE("regs_runs",
                 { "clip: critic in [-c, c] after every step, G not clipped", test_clip_run },
                 { "clip: after the critic's step, exactly clip(theta - lr grad)", test_clip_after_step },
                 { "consensus: bilinear game, plain spirals out, consensus converges", test_consensus_runs },
                 { "consensus: refuses alternating steps", test_consensus_alternating_fails });
}
