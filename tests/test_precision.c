/*
 * test_precision.c - the float path (--precision float) against the double
 * path it must track: a float network's values and gradients on the same
 * parameters as the double network (every layer kind, train and eval), the
 * float optimizers against the double ones, whole float runs against double
 * runs over many steps (the relative difference bounded and stated), a float
 * run resumed bit for bit, the copies the step keeps in step with what hooks
 * and accessors see, no allocation in a float step, and the refusals.
 * (PyTorch float32 fixtures: test_fixtures.c.)
 */
#include "lg_test.h"

#include <float.h>
#include <gsl/gsl_cblas.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool verbose(void) { return getenv("LG_TEST_VERBOSE") != NULL; }

/* max |a - b| / max(max |b|, floor) */
static double rel_diff(const double *a, const double *b, size_t n, double floor)
{
    double d = 0, s = floor;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        s = fmax(s, fabs(b[i]));
    }
    return d / s;
}

/* L = sum(R .* net(x)) for fixed R, on a fresh tape; fills y (B x out), the
 * parameter gradient (net->grad after lg_net_use_double) and dL/dx. */
static void net_eval(lg_net *net, const gsl_matrix *x, const gsl_matrix *r, double *y, double *gp, double *gx)
{
    lg_tape *t = lg_tape_alloc();
    lg_net_zero_grad(net);
    lg_node *xn = lg_input(t, x);
    lg_node *out = lg_net_apply(t, net, xn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    memcpy(y, lg_value(out)->data, x->size1 * net->out_dim * sizeof(double));
    CU_ASSERT_EQUAL_FATAL(lg_tape_backward(t, lg_sum(t, lg_mul(t, out, lg_const(t, r)))), LG_OK);
    size_t n;
    memcpy(gp, lg_net_grads(net, &n), net->n_params * sizeof(double));
    memcpy(gx, lg_grad(xn)->data, x->size1 * x->size2 * sizeof(double));
    lg_tape_free(t);
}

/* One spec in float against double, same parameters, same statistics. */
static void compare_net(const char *spec, bool train, size_t B, gsl_rng *rng, double *worst)
{
    lg_net *d = NULL, *f = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec, &d), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse(spec, &f), LG_OK);
    lg_net_init(d, rng);
    /* parameters that float holds exactly, so only the arithmetic differs */
    for (size_t i = 0; i < d->n_params; i++)
        d->theta[i] = (float)d->theta[i];
    for (size_t i = 0; i < d->n_buffers; i++)
        d->buffers[i] = (float)(d->buffers[i] + (i % 2 ? 0.5 : 0.1) * gsl_rng_uniform(rng));
    memcpy(f->theta, d->theta, d->n_params * sizeof(double));
    memcpy(f->buffers, d->buffers, d->n_buffers * sizeof(double));
    CU_ASSERT_EQUAL_FATAL(lg_net_set_precision(f, LG_PREC_FLOAT), LG_OK);
    d->requires_grad = f->requires_grad = true;
    d->train = f->train = train;
    gsl_matrix *x = gsl_matrix_alloc(B, d->in_dim), *r = gsl_matrix_alloc(B, d->out_dim);
    for (size_t i = 0; i < x->size1 * x->size2; i++)
        x->data[i] = (float)(2 * gsl_rng_uniform(rng) - 1);
    for (size_t i = 0; i < r->size1 * r->size2; i++)
        r->data[i] = (float)(2 * gsl_rng_uniform(rng) - 1);
    size_t ny = B * d->out_dim, nx = B * d->in_dim, np = d->n_params;
    double *yd = malloc(ny * sizeof(double)), *yf = malloc(ny * sizeof(double));
    double *pd = malloc(np * sizeof(double)), *pf = malloc(np * sizeof(double));
    double *xd = malloc(nx * sizeof(double)), *xf = malloc(nx * sizeof(double));
    net_eval(d, x, r, yd, pd, xd);
    net_eval(f, x, r, yf, pf, xf);
    /* float's unit roundoff is 6e-8; sums over up to 64 terms, BatchNorm's 1/std */
    double ey = rel_diff(yf, yd, ny, 1e-3), ep = rel_diff(pf, pd, np, 1e-3), ex = rel_diff(xf, xd, nx, 1e-3);
    LG_ASSERT_MSG(ey < 2e-6 && ep < 2e-5 && ex < 2e-5, "%s (%s): float vs double: values %.2g, parameter "
                  "gradients %.2g, input gradients %.2g", spec, train ? "train" : "eval", ey, ep, ex);
    /* the running statistics moved alike (double sums in both) */
    CU_ASSERT(rel_diff(f->buffers, d->buffers, d->n_buffers, 1e-3) < 1e-6);
    *worst = fmax(*worst, fmax(ey, fmax(ep, ex)));
    free(yd), free(yf), free(pd), free(pf), free(xd), free(xf);
    gsl_matrix_free(x);
    gsl_matrix_free(r);
    lg_net_free(d);
    lg_net_free(f);
}

/* A float Linear layer of one output sends its input gradient, dx = dy W over
 * an inner dimension of 1, through a loop of its own (net_float.c's outer_f),
 * not sgemm: it must give cblas_sgemm's bits on a zeroed C. L = sum(R .*
 * net(x)) makes dy = R exactly; R and W hold -1 x 0 = -0 (the GEMM's C = 0 +
 * (-0) is +0), a NaN, an infinity, a subnormal. */
static void test_float_outer(void)
{
    enum { B = 6, IN = 5 };
    static const double Rv[B] = { -1.0, 0.5, NAN, 3.0, 1e-40, -2.0 };
    static const double Wv[IN] = { 0.0, -0.25, 1.5, INFINITY, -3.0 };
    lg_net *f = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("5-1", &f), LG_OK);
    memcpy(f->theta, Wv, IN * sizeof(double)); /* W (1, 5), then the bias */
    f->theta[IN] = 0.125;
    CU_ASSERT_EQUAL_FATAL(lg_net_set_precision(f, LG_PREC_FLOAT), LG_OK);
    f->requires_grad = true;
    gsl_matrix *x = gsl_matrix_alloc(B, IN), *r = gsl_matrix_alloc(B, 1);
    for (size_t i = 0; i < B * IN; i++)
        x->data[i] = 0.25 * (double)(i % 7) - 0.5;
    memcpy(r->data, Rv, sizeof Rv);
    double y[B], gp[IN + 1], gx[B * IN];
    net_eval(f, x, r, y, gp, gx);
    float dy[B], W[IN], c[B * IN] = { 0 };
    for (size_t i = 0; i < B; i++)
        dy[i] = (float)Rv[i];
    for (size_t j = 0; j < IN; j++)
        W[j] = (float)Wv[j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, IN, 1, 1.0f, dy, 1, W, IN, 1.0f, c, IN);
    size_t bad = B * IN;
    for (size_t i = 0; i < B * IN; i++) {
        double want = c[i];
        if (bad == B * IN && memcmp(&want, &gx[i], sizeof want) != 0)
            bad = i;
    }
    LG_ASSERT_MSG(bad == B * IN, "float input gradient %zu: %a, cblas_sgemm on a zeroed C gives %a", bad,
                  bad < B * IN ? gx[bad] : 0.0, bad < B * IN ? (double)c[bad] : 0.0);
    CU_ASSERT_FALSE(signbit(gx[0])); /* (-1) * 0 */
    gsl_matrix_free(x);
    gsl_matrix_free(r);
    lg_net_free(f);
}

static void test_float_nets(void)
{
    static const char *const specs[] = {
        "3-4-2", "3-4r-2", "3-4l0.1-2", "3-4t-2", "3-4s-2", "3-5b-4t-2", "3-5b0.8l-4b-2s",
        "3-4rt-2", "3-4n-3c-2", "2-16r-16r-1", "10-32l-64b0.8l-12t", "20-40l-30l-1",
        /* the image layers: Conv2d, ConvTranspose2d (DCGAN's stride 2 and odd
         * geometries, no bias), BatchNorm2d, a small DCGAN G and D */
        "2x6x6-C3k4s2p1l-2", "1x7x7-C2k3s2p1nt-T1k3s2p1", "3x3x3-T2k4s2p1t", "2x5x5-C3k3s1p1b-2",
        "4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t", "1x8x8-C3k4s2p1l-C4k4s2p1bl-1",
        /* a split input: z carried past the image layers to the join */
        "4+2-1x2x2-C2k2s1p0l-+2-3l-1", "3+2-4r-+2-3t-1",
    };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    double worst = 0;
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        for (int train = 0; train < 2; train++)
            compare_net(specs[i], train, 7, rng, &worst);
    compare_net("10-32l-64b0.8l-12t", true, 64, rng, &worst);
    if (verbose())
        printf("\n    float vs double networks: worst relative difference %.2g\n", worst);
    gsl_rng_free(rng);
}

/* What the reviewers found: a read of the parameters between a float net's
 * forward and backward (a plugin's add_term may read them) must not lose the
 * backward's gradient; a split input whose join is the first layer, on an
 * input that needs no gradient; a float net longer than the float path
 * plans for is refused in one line. */
static void test_float_edges(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 17);
    static const char *const specs[] = { "3-4r-1", "2+2-+2-3r-1" };
    for (int s = 0; s < 2; s++)
        for (int read = 0; read < 2; read++) {
            lg_net *d, *f;
            CU_ASSERT_FATAL(lg_net_parse(specs[s], &d) == LG_OK && lg_net_parse(specs[s], &f) == LG_OK);
            lg_net_init(d, rng);
            for (size_t i = 0; i < d->n_params; i++)
                d->theta[i] = (float)d->theta[i];
            memcpy(f->theta, d->theta, d->n_params * sizeof(double));
            CU_ASSERT_FATAL(lg_net_set_precision(f, LG_PREC_FLOAT) == LG_OK);
            double g[2][64] = { { 0 } };
            lg_net *nets[2] = { d, f };
            for (int k = 0; k < 2; k++) {
                lg_net *net = nets[k];
                net->requires_grad = true;
                lg_net_zero_grad(net);
                gsl_matrix *x = gsl_matrix_alloc(3, net->in_dim);
                for (size_t i = 0; i < x->size1 * x->size2; i++)
                    x->data[i] = 0.25 * (double)i - 0.7;
                lg_tape *t = lg_tape_alloc();
                lg_node *y = lg_net_apply(t, net, lg_const(t, x)); /* x needs no gradient */
                CU_ASSERT_PTR_NOT_NULL_FATAL(y);
                size_t n;
                if (read)
                    (void)lg_net_params(net, &n);
                CU_ASSERT_EQUAL(lg_tape_backward(t, lg_sum(t, y)), LG_OK);
                const double *gr = lg_net_grads(net, &n);
                memcpy(g[k], gr, n * sizeof(double));
                lg_tape_free(t);
                gsl_matrix_free(x);
            }
            double e = rel_diff(g[1], g[0], d->n_params, 1e-3), norm = 0;
            for (size_t i = 0; i < d->n_params; i++)
                norm += g[0][i] * g[0][i];
            LG_ASSERT_MSG(norm > 0 && e < 1e-5, "%s, %s: float gradient vs double %.2g (|g|^2 %g)", specs[s],
                          read ? "parameters read before the backward" : "no read", e, norm);
            lg_net_free(d);
            lg_net_free(f);
        }
    gsl_rng_free(rng);

    char spec[400] = "2";
    for (int i = 0; i < 33; i++)
        strcat(spec, "-4r");
    strcat(spec, "-1");
    lg_net *deep;
    CU_ASSERT_FATAL(lg_net_parse(spec, &deep) == LG_OK);
    CU_ASSERT_EQUAL(lg_net_set_precision(deep, LG_PREC_FLOAT), LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "has 67 layers") && strstr(lg_errmsg(), "--precision double"), "deep: %s",
                  lg_errmsg());
    CU_ASSERT_EQUAL(deep->prec, LG_PREC_DOUBLE);
    lg_net_free(deep);
}

/* Five steps of each optimizer in float against double on the same start. */
static void test_float_optimizers(void)
{
    static const char *const specs[] = { "sgd:lr=0.1", "sgd:lr=0.1,momentum=0.9,nesterov=1,wd=0.01",
                                         "adam:lr=0.01,b1=0.5", "adam:lr=0.001,wd=0.1",
                                         "rmsprop:lr=0.01", "rmsprop:lr=0.01,momentum=0.5" };
    enum { N = 9 };
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        lg_optim *od, *of;
        CU_ASSERT_FATAL(lg_optim_parse(specs[s], N, &od) == LG_OK && lg_optim_parse(specs[s], N, &of) == LG_OK);
        lg_optim_set_float(of);
        double td[N], gd[N], tf_d[N];
        float tf[N], gf[N];
        for (size_t i = 0; i < N; i++)
            td[i] = tf[i] = (float)(0.3 * (double)i - 1.1);
        for (int step = 1; step <= 5; step++) {
            for (size_t i = 0; i < N; i++)
                gd[i] = gf[i] = (float)sin(1.7 * (double)(i + 3 * step));
            CU_ASSERT(lg_optim_update(od, td, gd));
            CU_ASSERT(lg_optim_update_f(of, tf, gf));
        }
        for (size_t i = 0; i < N; i++)
            tf_d[i] = tf[i];
        double e = rel_diff(tf_d, td, N, 1.0);
        LG_ASSERT_MSG(e < 1e-6, "%s: float and double parameters after 5 steps differ by %.2g", specs[s], e);
        /* the moments reach the double copies for a checkpoint */
        lg_optim_use_double(of);
        double m_f[N];
        for (size_t i = 0; i < N; i++)
            m_f[i] = of->m_f[i];
        CU_ASSERT(memcmp(m_f, of->m, sizeof m_f) == 0);
        lg_optim_free(od);
        lg_optim_free(of);
    }
}

/* ------------------------------------------------------------------ runs --- */

static lg_run *open_run(const char *dir, const char *precision, const char *loss, const char *reg, long steps)
{
    lg_run_config c;
    lg_run_config_init(&c);
    c.loss = loss;
    if (reg)
        c.regs[c.n_regs++] = reg;
    c.data = "ring8";
    c.steps = steps;
    c.batch = 64;
    c.seed = 5;
    c.out = dir;
    c.quiet = 1;
    c.precision = precision;
    c.log_every = 1000;
    lg_run *r = NULL;
    int rc = lg_run_open(&c, &r);
    LG_ASSERT_MSG(rc == LG_OK, "lg_run_open (%s): %s", precision ? precision : "double", lg_errmsg());
    return r;
}

/* The same run in float and in double, 300 steps: the float run's
 * parameters stay within a bound of the double run's (a GAN's dynamics
 * amplify rounding, so the bound is loose and the figure is printed). */
static void test_float_run_tracks_double(void)
{
    char dd[] = "/tmp/lg-prec-d-XXXXXX", df[] = "/tmp/lg-prec-f-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dd) != NULL && mkdtemp(df) != NULL);
    lg_run *rd = open_run(dd, NULL, "nsgan", NULL, 300), *rf = open_run(df, "float", "nsgan", NULL, 300);
    CU_ASSERT_FATAL(rd && rf);
    double worst[LG_NET_COUNT] = { 0 }, first = -1;
    for (int step = 1; step <= 300; step++) {
        CU_ASSERT_EQUAL_FATAL(lg_run_step(rd), LG_OK);
        CU_ASSERT_EQUAL_FATAL(lg_run_step(rf), LG_OK);
        for (int i = 0; i < LG_NET_COUNT; i++) {
            lg_net *nd = lg_game_net(lg_run_game(rd), (lg_net_id)i), *nf = lg_game_net(lg_run_game(rf), (lg_net_id)i);
            if (!nd)
                continue;
            size_t n;
            const double *a = lg_net_params(nf, &n), *b = lg_net_params(nd, &n);
            double e = rel_diff(a, b, n, 1e-3);
            worst[i] = fmax(worst[i], e);
            if (step == 1 && i == LG_NET_D)
                first = e;
        }
    }
    if (verbose())
        printf("\n    float vs double, 300 steps: after step 1 %.2g, worst over the run: D %.2g, G %.2g\n",
               first, worst[LG_NET_D], worst[LG_NET_G]);
    CU_ASSERT(first < 1e-6);
    LG_ASSERT_MSG(worst[LG_NET_D] < 1e-2 && worst[LG_NET_G] < 1e-2,
                  "float run drifted from the double run: D %.2g, G %.2g (bound 1e-2)", worst[LG_NET_D],
                  worst[LG_NET_G]);
    lg_run_close(rd);
    lg_run_close(rf);
    lg_rm_rf(dd);
    lg_rm_rf(df);
}

/* Resumed float runs continue bit for bit, and their parameters reach the
 * checkpoint exactly (float -> double -> float). */
static void test_float_resume(void)
{
    char a[] = "/tmp/lg-prec-a-XXXXXX", b[] = "/tmp/lg-prec-b-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(a) != NULL && mkdtemp(b) != NULL);
    char pa[512], pb[512], ca[600], cb[600];
    snprintf(pa, sizeof pa, "%s/run", a);
    snprintf(pb, sizeof pb, "%s/run", b);
    const char *bin = lg_test_bin();
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s train --loss nsgan --data ring8 --steps 60 --batch 32 --precision float --quiet "
             "--no-figures --out %s", bin, pa);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s train --loss nsgan --data ring8 --steps 25 --batch 32 --precision float --quiet "
             "--no-figures --out %s && %s train --resume %s --steps 60 --quiet --no-figures", bin, pb, bin, pb);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    snprintf(ca, sizeof ca, "%s/checkpoint.bin", pa);
    snprintf(cb, sizeof cb, "%s/checkpoint.bin", pb);
    size_t na, nb;
    char *xa = lg_read_file(ca, &na), *xb = lg_read_file(cb, &nb);
    CU_ASSERT_FATAL(xa && xb);
    CU_ASSERT(na == nb && memcmp(xa, xb, na) == 0);
    free(xa);
    free(xb);
    /* --precision cannot change a resumed run */
    snprintf(cmd, sizeof cmd, "%s train --resume %s --steps 70 --precision double --quiet 2>/dev/null", bin, pb);
    CU_ASSERT_NOT_EQUAL(system(cmd), 0);
    lg_rm_rf(a);
    lg_rm_rf(b);
}

/* Weight clipping works on the double copy (lg_game_params): after each
 * float critic step every weight of D is within [-c, c], and the next float
 * step starts from the clipped weights. */
static void test_float_hooks(void)
{
    char dir[] = "/tmp/lg-prec-c-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    lg_run *r = open_run(dir, "float", "wgan", "clip:c=0.01", 20);
    CU_ASSERT_FATAL(r != NULL);
    lg_net *D = lg_game_net(lg_run_game(r), LG_NET_D);
    for (int s = 0; s < 20; s++) {
        CU_ASSERT_EQUAL_FATAL(lg_run_step(r), LG_OK);
        lg_net_use_float(D); /* what the next step computes with */
        double far = 0;
        for (size_t i = 0; i < D->n_params; i++)
            far = fmax(far, fabs((double)D->theta_f[i]));
        CU_ASSERT(far <= 0.01f);
    }
    lg_run_close(r);
    lg_rm_rf(dir);
}

/* A float step allocates nothing once the run is warm: MLPs with BatchNorm,
 * and conv nets (ConvTranspose2d, BatchNorm2d, Conv2d, a split input). */
static void steady_state(const char *data, const char *g, const char *d, const char *loss, const char *e)
{
    char dir[] = "/tmp/lg-prec-m-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    lg_run_config c;
    lg_run_config_init(&c);
    c.data = data;
    c.g = g;
    c.d = d;
    c.e = e;
    c.loss = loss;
    c.batch = 16;
    c.steps = 10;
    c.out = dir;
    c.quiet = 1;
    c.precision = "float";
    c.log_every = 1000;
    lg_run *r;
    CU_ASSERT_FATAL(lg_run_open(&c, &r) == LG_OK);
    for (int s = 0; s < 3; s++)
        CU_ASSERT_EQUAL_FATAL(lg_run_step(r), LG_OK);
    struct mallinfo2 before = mallinfo2();
    for (int s = 0; s < 3; s++)
        CU_ASSERT_EQUAL(lg_run_step(r), LG_OK);
    struct mallinfo2 after = mallinfo2();
    LG_ASSERT_MSG(after.uordblks == before.uordblks && after.hblkhd == before.hblkhd,
                  "float steps of %s / %s allocated: heap in use %zu -> %zu bytes", g, d, before.uordblks,
                  after.uordblks);
    lg_run_close(r);
    lg_rm_rf(dir);
}

static void test_float_steady_state(void)
{
    steady_state("uniform:dim=20", "8-32l-64b0.8l-20t", "20-32l-1", NULL, NULL);
    steady_state("uniform:dim=16", "4-32br-2x4x4-T1k3s1p1t", "1x4x4-C3k2s2p0l-C4k2s1p0bl-1", NULL, NULL);
    steady_state("uniform:dim=16", "4-32br-2x4x4-T1k3s1p1t", "1x4x4+4-C3k2s2p0l-+4-8l-1", "biganqp",
                 "1x4x4-C3k2s2p0l-4");
}

/* compare --precision float: the plan's commands and plan.txt carry it (a
 * float run's configuration hash is not a double run's), and a bad value is
 * refused in one line. */
static void test_float_compare_plan(void)
{
    char dir[] = "/tmp/lg-prec-p-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    const char *bin = lg_test_bin();
    char cmd[2048], out[4096], path[600];
    snprintf(cmd, sizeof cmd, "%s compare --losses nsgan --seeds 1 --steps 10 --precision float --quiet --out %s/r "
             "--plan %s/cmds.txt 2>&1", bin, dir, dir);
    CU_ASSERT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/cmds.txt", dir);
    char *cmds = lg_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/r/plan.txt", dir);
    char *plan = lg_read_file(path, NULL);
    CU_ASSERT_FATAL(cmds && plan);
    CU_ASSERT_PTR_NOT_NULL(strstr(cmds, " --precision float "));
    CU_ASSERT_PTR_NOT_NULL(strstr(plan, "\nprecision float\n"));
    /* the same plan in double has other hashes */
    snprintf(cmd, sizeof cmd, "%s compare --losses nsgan --seeds 1 --steps 10 --quiet --out %s/d --plan %s/cd.txt "
             "2>&1", bin, dir, dir);
    CU_ASSERT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/d/plan.txt", dir);
    char *plan_d = lg_read_file(path, NULL);
    CU_ASSERT_FATAL(plan_d != NULL);
    const char *rf = strstr(plan, "\nrun "), *rd = strstr(plan_d, "\nrun ");
    CU_ASSERT_FATAL(rf && rd);
    CU_ASSERT(strncmp(rf, rd, strcspn(rf + 1, "\n")) != 0);
    CU_ASSERT_PTR_NULL(strstr(plan_d, "precision"));
    free(cmds), free(plan), free(plan_d);
    snprintf(cmd, sizeof cmd, "%s compare --losses nsgan --precision fp16 --out %s/x 2>&1", bin, dir);
    CU_ASSERT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 2);
    LG_ASSERT_MSG(strstr(out, "--precision 'fp16': use float or double"), "compare --precision fp16: %s", out);
    lg_rm_rf(dir);
}

/* What float cannot do is refused in one line that says what to do. */
static void test_float_refusals(void)
{
    const char *bin = lg_test_bin();
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd, "%s train --precision half --steps 1 --quiet 2>&1", bin);
    CU_ASSERT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 2);
    LG_ASSERT_MSG(strstr(out, "--precision 'half': use float or double"), "--precision half: %s", out);

    char dir[] = "/tmp/lg-prec-r-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "%s train --loss wgan --reg gp --precision float --steps 2 --quiet --force "
             "--no-figures --out %s/run 2>&1", bin, dir);
    CU_ASSERT_NOT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 0);
    LG_ASSERT_MSG(strstr(out, "gradient penalties need double") && strstr(out, "--precision double"),
                  "gp in float: %s", out);
    snprintf(cmd, sizeof cmd, "%s train --reg consensus --simultaneous --precision float --steps 2 --quiet "
             "--force --no-figures --out %s/run 2>&1", bin, dir);
    CU_ASSERT_NOT_EQUAL(lg_test_run_capture(cmd, out, sizeof out), 0);
    LG_ASSERT_MSG(strstr(out, "computes in float") && strstr(out, "--precision double"), "consensus in float: %s",
                  out);
    lg_rm_rf(dir);

    /* the second-order tools of the API */
    lg_net *G, *D;
    CU_ASSERT_FATAL(lg_net_parse("2-4r-2", &G) == LG_OK && lg_net_parse("2-4r-1", &D) == LG_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_net_init(G, rng);
    lg_net_init(D, rng);
    CU_ASSERT_EQUAL(lg_net_set_precision(D, LG_PREC_FLOAT), LG_OK);
    lg_game *g;
    CU_ASSERT_FATAL(lg_game_alloc(G, D, NULL, 4, rng, &g) == LG_OK);
    size_t n = lg_game_param_count(g);
    double *u = calloc(n, sizeof(double)), *o = calloc(n, sizeof(double));
    CU_ASSERT_EQUAL(lg_game_hvp(g, LG_PLAYER_D, u, o), LG_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_errmsg(), "computes in float"));
    free(u);
    free(o);
    lg_game_free(g); /* and its nets */
    gsl_rng_free(rng);
}

/* The memory check counts a float run's float copies of the parameters, the
 * gradients and Adam's moments (48 bytes a parameter, not 32): a G whose
 * parameters take 40 bytes a parameter of the run's cap is refused in float,
 * the message giving 48 bytes a parameter. (In double it would fit: not run,
 * it would allocate most of the machine.) */
static void test_float_memory_check(void)
{
    double cap = lg_run_memory_cap(NULL);
    long w = lround(sqrt(cap / 40.0));
    char g[64], dir[] = "/tmp/lg-prec-mem-XXXXXX";
    snprintf(g, sizeof g, "2-%ldr-%ldr-2", w, w);
    double params, units;
    CU_ASSERT_FATAL(lg_net_spec_cost(g, &params, &units) == LG_OK);
    CU_ASSERT_FATAL(32 * params < cap && 48 * params > cap);
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    lg_run_config c;
    lg_run_config_init(&c);
    c.data = "ring8";
    c.g = g;
    c.loss = "nsgan";
    c.steps = 1;
    c.out = dir;
    c.quiet = 1;
    c.precision = "float";
    lg_run *r = NULL;
    CU_ASSERT_EQUAL(lg_run_open(&c, &r), LG_ENOMEM);
    char want[96];
    snprintf(want, sizeof want, "(%.1f GiB for its parameters", 48 * params / (1024.0 * 1024.0 * 1024.0));
    LG_ASSERT_MSG(strstr(lg_errmsg(), want), "expected \"%s\" in: %s", want, lg_errmsg());
    lg_run_close(r);
    lg_rm_rf(dir);
}

void lg_suite_precision(void)
{
    LG_ADD_SUITE("precision",
                 { "float nets = double nets to float's rounding (values, gradients, statistics)", test_float_nets },
                 { "float: a one-output Linear's input gradient has cblas_sgemm's bits", test_float_outer },
                 { "float optimizers = double optimizers over 5 steps", test_float_optimizers },
                 { "a read between forward and backward, a join first, a net too long", test_float_edges },
                 { "a float run tracks the double run over 300 steps", test_float_run_tracks_double },
                 { "a float run resumes bit for bit; --precision fixed on resume", test_float_resume },
                 { "clipping in a float run acts on the weights the next step uses", test_float_hooks },
                 { "a float step allocates nothing", test_float_steady_state },
                 { "compare --precision float: in the plan's commands and plan.txt", test_float_compare_plan },
                 { "float refuses what needs double, in one line", test_float_refusals },
                 { "the memory check counts a float run's float copies", test_float_memory_check });
}
