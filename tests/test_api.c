/*
 * test_api.c - the engine as a program sees it (litgan/engine.h only): a game
 * built from given networks and batches, evaluated against closed forms; the
 * default networks; a run from a config struct on 1D data, evaluated.
 */
#include "lg_test.h"

#include <stdlib.h>
#include <string.h>

static double sigmoid(double s) { return s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s)); }
static double softplus(double s) { return fmax(s, 0.0) + log1p(exp(-fabs(s))); }

/* G(z) = a z + b and D's logit s(x) = w x + c, one Linear layer each ("1-1",
 * weight then bias), on a batch of 3. Parameters in the game's order
 * [theta_D, theta_G] = (w, c, a, b). */
static const double W = 0.7, C = -0.2, A = 1.5, B = 0.3;
static const double XR[3] = { 0.5, -1.0, 2.0 }, Z[3] = { -0.4, 0.9, 1.3 };

static lg_game *linear_game(gsl_rng *rng)
{
    lg_net *G, *D;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1", &G), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1", &D), LG_OK);
    size_t n;
    double *g = lg_net_params(G, &n), *d = lg_net_params(D, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    g[0] = A, g[1] = B, d[0] = W, d[1] = C;
    lg_game *game;
    CU_ASSERT_EQUAL_FATAL(lg_game_alloc(G, D, NULL, 3, rng, &game), LG_OK);
    memcpy(lg_game_real_batch(game)->data, XR, sizeof XR);
    memcpy(lg_game_noise_batch(game)->data, Z, sizeof Z);
    return game;
}

/* nsgan from its file, against the closed forms (s_r = w x + c, f = a z + b,
 * s_f = w f + c, means over the batch):
 *   d_loss = mean softplus(-s_r) + mean softplus(s_f)
 *     d/dw = mean(-sigma(-s_r) x) + mean(sigma(s_f) f),  d/dc = mean(-sigma(-s_r)) + mean(sigma(s_f))
 *     d/da = mean(sigma(s_f) w z),                      d/db = mean(sigma(s_f) w)
 *   g_loss = mean softplus(-s_f)
 *     d/dw = mean(-sigma(-s_f) f), d/dc = mean(-sigma(-s_f)), d/da = mean(-sigma(-s_f) w z),
 *     d/db = mean(-sigma(-s_f) w) */
static void test_game_nsgan(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *game = linear_game(rng);
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss(game, "nsgan"), LG_OK);
    double vd = 0, vg = 0, gd[4] = { 0 }, gg[4] = { 0 }, ed[4] = { 0 }, eg[4] = { 0 }, fd = 0, fg = 0;
    for (int i = 0; i < 3; i++) {
        double sr = W * XR[i] + C, f = A * Z[i] + B, sf = W * f + C;
        fd += (softplus(-sr) + softplus(sf)) / 3;
        fg += softplus(-sf) / 3;
        ed[0] += (-sigmoid(-sr) * XR[i] + sigmoid(sf) * f) / 3;
        ed[1] += (-sigmoid(-sr) + sigmoid(sf)) / 3;
        ed[2] += sigmoid(sf) * W * Z[i] / 3;
        ed[3] += sigmoid(sf) * W / 3;
        eg[0] += -sigmoid(-sf) * f / 3;
        eg[1] += -sigmoid(-sf) / 3;
        eg[2] += -sigmoid(-sf) * W * Z[i] / 3;
        eg[3] += -sigmoid(-sf) * W / 3;
    }
    CU_ASSERT_EQUAL_FATAL(lg_game_eval(game, LG_PLAYER_D, &vd, gd), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_game_eval(game, LG_PLAYER_G, &vg, gg), LG_OK);
    LG_ASSERT_CLOSE(vd, fd, 1e-14);
    LG_ASSERT_CLOSE(vg, fg, 1e-14);
    for (int k = 0; k < 4; k++) {
        LG_ASSERT_CLOSE(gd[k], ed[k], 1e-12);
        LG_ASSERT_CLOSE(gg[k], eg[k], 1e-12);
    }
    lg_game_free(game);
    gsl_rng_free(rng);
}

/* A loss given as a descriptor in memory: d_loss = mean D(x_real) (a logit),
 * g_loss = -mean D(G(z)); with a parameter "k" scaling both. */
static lg_node *mem_d(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    return lg_scale(t, lg_mean(t, lg_apply(g, LG_NET_D, lg_game_real(g))), lg_param_double(p, "k"));
}
static lg_node *mem_g(lg_game *g, const lg_params *p)
{
    lg_tape *t = lg_game_tape(g);
    lg_node *s = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));
    return lg_scale(t, lg_mean(t, s), -lg_param_double(p, "k"));
}
static const lg_param_doc mem_doc[] = { { "k", LG_PARAM_TYPE_DOUBLE, "1", NULL, "scale" },
                                        { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL } };
static const lg_plugin mem_plugin = { .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),
                                      .kind = LG_PLUGIN_KIND_LOSS, .name = "mem", .title = "in memory",
                                      .citation = "test", .params = mem_doc, .d_loss = mem_d, .g_loss = mem_g };

static void test_game_descriptor(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *game = linear_game(rng);
    CU_ASSERT_EQUAL_FATAL(lg_game_set_loss_desc(game, &mem_plugin, "k=3"), LG_OK);
    /* d_loss = 3 (w mean x_r + c); g_loss = -3 (w (a mean z + b) + c) */
    double mx = (XR[0] + XR[1] + XR[2]) / 3, mz = (Z[0] + Z[1] + Z[2]) / 3, v, grad[4];
    CU_ASSERT_EQUAL_FATAL(lg_game_eval(game, LG_PLAYER_D, &v, grad), LG_OK);
    LG_ASSERT_CLOSE(v, 3 * (W * mx + C), 1e-14);
    LG_ASSERT_CLOSE(grad[0], 3 * mx, 1e-13);
    LG_ASSERT_CLOSE(grad[1], 3.0, 1e-13);
    CU_ASSERT_EQUAL_FATAL(lg_game_eval(game, LG_PLAYER_G, &v, grad), LG_OK);
    LG_ASSERT_CLOSE(v, -3 * (W * (A * mz + B) + C), 1e-14);
    LG_ASSERT_CLOSE(grad[2], -3 * W * mz, 1e-13);
    LG_ASSERT_CLOSE(grad[3], -3 * W, 1e-13);
    /* a bad parameter is refused in one line naming it */
    CU_ASSERT_NOT_EQUAL(lg_game_set_loss_desc(game, &mem_plugin, "q=1"), LG_OK);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "q") && !strchr(lg_errmsg(), '\n'), "message: %s", lg_errmsg());
    /* without a loss there is nothing to evaluate */
    CU_ASSERT_NOT_EQUAL(lg_game_eval(game, LG_PLAYER_D, &v, NULL), LG_OK);
    lg_game_free(game);
    gsl_rng_free(rng);
}

static void test_default_nets(void)
{
    char g[64], d[64], e[64];
    lg_dataset *ring = NULL, *line = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_dataset_open("ring8", &ring), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_dataset_open("mog1d", &line), LG_OK);
    lg_run_default_nets(ring, false, NULL, g, d, e, sizeof g);
    CU_ASSERT_STRING_EQUAL(g, "2-128r-128r-2");
    CU_ASSERT_STRING_EQUAL(d, "2-128r-128r-1");
    lg_run_default_nets(line, true, "5-16t-1", g, d, e, sizeof g); /* z from the given G */
    CU_ASSERT_STRING_EQUAL(g, "5-128r-128r-1");
    CU_ASSERT_STRING_EQUAL(d, "6-128r-128r-1");
    CU_ASSERT_STRING_EQUAL(e, "1-128r-128r-5");
    lg_dataset_free(ring);
    lg_dataset_free(line);
    /* images: the seeds' MNIST GAN, z = 100 unless G names it; E mirrors D */
    lg_dataset *digits = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_dataset_open("mnist", &digits), LG_OK);
    lg_run_default_nets(digits, false, NULL, g, d, e, sizeof g);
    CU_ASSERT_STRING_EQUAL(g, "100-128l-256b0.8l-512b0.8l-1024b0.8l-784t");
    CU_ASSERT_STRING_EQUAL(d, "784-512l-256l-1");
    lg_run_default_nets(digits, true, "32-64l-784t", g, d, e, sizeof g);
    CU_ASSERT_STRING_EQUAL(d, "816-512l-256l-1");
    CU_ASSERT_STRING_EQUAL(e, "784-512l-256l-32");
    /* the families: mlp is the above, dcgan the conv nets on 1x28x28 */
    CU_ASSERT_EQUAL(lg_run_nets_for(digits, false, NULL, "mlp", g, d, e, sizeof g), LG_OK);
    CU_ASSERT_STRING_EQUAL(g, "100-128l-256b0.8l-512b0.8l-1024b0.8l-784t");
    CU_ASSERT_EQUAL(lg_run_nets_for(digits, false, NULL, "dcgan", g, d, e, sizeof g), LG_OK);
    CU_ASSERT_STRING_EQUAL(g, "100-6272br-128x7x7-T64k4s2p1br-T1k4s2p1t");
    CU_ASSERT_STRING_EQUAL(d, "1x28x28-C64k4s2p1l-C128k4s2p1bl-1");
    CU_ASSERT_STRING_EQUAL(e, "1x28x28-C64k4s2p1l-C128k4s2p1bl-100");
    /* an encoder: D the joint critic on (x, z), x through the convolutions and z
     * carried to the join; z from a given G, an image shape's product */
    CU_ASSERT_EQUAL(lg_run_nets_for(digits, true, "2x4x4-T1k4s2p1", "dcgan", g, d, e, sizeof g), LG_OK);
    CU_ASSERT_STRING_EQUAL(d, "1x28x28+32-C64k4s2p1l-C128k4s2p1bl-+32-1024l-1");
    CU_ASSERT_STRING_EQUAL(e, "1x28x28-C64k4s2p1l-C128k4s2p1bl-32");
    CU_ASSERT_EQUAL(lg_run_nets_for(digits, false, NULL, "resnet", g, d, e, sizeof g), LG_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_errmsg(), "--nets 'resnet': the families are mlp (the default) and dcgan"));
    lg_dataset_free(digits);
    CU_ASSERT_EQUAL_FATAL(lg_dataset_open("ring8", &ring), LG_OK);
    CU_ASSERT_EQUAL(lg_run_nets_for(ring, false, NULL, "dcgan", g, d, e, sizeof g), LG_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(lg_errmsg(), "--nets dcgan: --data ring8 is not images"));
    lg_dataset_free(ring);
}

/* A run from a config struct on 1D data: the defaults fill every unset field,
 * the networks follow the data, and evaluation scores the generator. */
static void test_run_config(void)
{
    char dir[] = "/tmp/litgan-api-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char out[64];
    snprintf(out, sizeof out, "%s/run", dir);
    lg_run_config c;
    lg_run_config_init(&c);
    c.loss = "nsgan";
    c.data = "mog1d:k=2,lo=-2,hi=2,sigma=0.5";
    c.steps = 5;
    c.batch = 16;
    c.samples = 300;
    c.seed = 3;
    c.out = out;
    c.quiet = 1;
    lg_run *r;
    CU_ASSERT_EQUAL_FATAL(lg_run_open(&c, &r), LG_OK);
    const lg_run_config *in = lg_run_get_config(r);
    CU_ASSERT_STRING_EQUAL(in->g, "2-128r-128r-1");
    CU_ASSERT_STRING_EQUAL(in->d, "1-128r-128r-1");
    CU_ASSERT_EQUAL(in->d_steps, 1);
    CU_ASSERT_EQUAL(in->log_every, 100);
    CU_ASSERT_PTR_NULL(in->e);
    CU_ASSERT_EQUAL_FATAL(lg_run_train(r), LG_OK);
    lg_run_summary s;
    CU_ASSERT_EQUAL_FATAL(lg_run_evaluate(r, 500, &s), LG_OK);
    CU_ASSERT_EQUAL(s.step, 5);
    CU_ASSERT_EQUAL(lg_run_steps_done(r), 5);
    LG_ASSERT_MSG(s.modes >= 0 && s.modes <= 2, "modes %g of 2", s.modes);
    LG_ASSERT_MSG(isfinite(s.sliced_w1) && s.sliced_w1 > 0, "sliced W1 %g", s.sliced_w1);
    LG_ASSERT_MSG(isfinite(s.loss_d) && isfinite(s.loss_g) && s.steps_per_s > 0, "summary not filled");
    lg_run_close(r);
    /* the same seed evaluates the same: nothing of the evaluation is left to chance */
    lg_run_config rc;
    lg_run_config_init(&rc);
    rc.resume = out;
    rc.quiet = 1;
    lg_run_summary s2;
    CU_ASSERT_EQUAL_FATAL(lg_run_open(&rc, &r), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_run_evaluate(r, 500, &s2), LG_OK);
    CU_ASSERT_EQUAL(s2.step, 5);
    CU_ASSERT_EQUAL(s2.sliced_w1, s.sliced_w1);
    lg_run_close(r);
    /* a resumed run takes no option that shapes it */
    rc.batch = 32;
    CU_ASSERT_NOT_EQUAL(lg_run_open(&rc, &r), LG_OK);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "--batch") != NULL, "message: %s", lg_errmsg());
    lg_rm_rf(dir);
}


/* What a program sets in the config struct: a folder that holds a run is
 * refused unless force; a stop flag set (as a signal handler would) ends
 * lg_run_train between steps with LG_ESTOPPED and a checkpoint to resume. */
static void test_run_force_and_stop(void)
{
    char dir[] = "/tmp/litgan-api-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char out[64];
    snprintf(out, sizeof out, "%s/run", dir);
    volatile sig_atomic_t stop = 0;
    lg_run_config c;
    lg_run_config_init(&c);
    c.loss = "nsgan";
    c.g = "2-8r-2";
    c.d = "2-8r-1";
    c.steps = 40;
    c.batch = 8;
    c.out = out;
    c.quiet = 1;
    c.stop = &stop;
    lg_run *r;
    CU_ASSERT_EQUAL_FATAL(lg_run_open(&c, &r), LG_OK);
    for (int i = 0; i < 7; i++) /* 7 steps by hand, then the flag: train stops before the 8th */
        CU_ASSERT_EQUAL_FATAL(lg_run_step(r), LG_OK);
    stop = SIGTERM;
    CU_ASSERT_EQUAL(lg_run_train(r), LG_ESTOPPED);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "at step 7 of 40") && strstr(lg_errmsg(), "--resume"), "%s", lg_errmsg());
    lg_run_close(r);
    /* the folder holds a run now: refused, then replaced with force */
    stop = 0;
    CU_ASSERT_EQUAL(lg_run_open(&c, &r), LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "already holds a run") && strstr(lg_errmsg(), "--force"), "%s", lg_errmsg());
    c.force = 1;
    c.steps = 3;
    CU_ASSERT_EQUAL_FATAL(lg_run_open(&c, &r), LG_OK);
    CU_ASSERT_EQUAL(lg_run_train(r), LG_OK);
    CU_ASSERT_EQUAL(lg_run_steps_done(r), 3);
    lg_run_close(r);
    lg_rm_rf(dir);
}

/* The one number grammar of specs, parameters and lab.ini: decimal, nothing
 * around it, within double's range; whole numbers as digits. */
static void test_number_grammar(void)
{
    static const struct { const char *text; double v; } ok[] = {
        { "1", 1 }, { "-2.5", -2.5 }, { "+.5", 0.5 }, { "5.", 5 }, { "1e-3", 1e-3 }, { "1E+3", 1e3 },
        { "1e308", 1e308 }, { "2.2250738585072014e-308", 2.2250738585072014e-308 }, { "007", 7 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = NAN;
        LG_ASSERT_MSG(lg_parse_decimal(ok[i].text, &v) && v == ok[i].v, "'%s' read as %g", ok[i].text, v);
    }
    static const char *const bad[] = { "0x10", "0x1p3", "inf", "-inf", "nan", "infinity", " 1", "1 ", "1e", "e5",
                                       ".", "", "+", "1e400", "1e-400", "1,5", "1.2.3", "--1", "1e+" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        LG_ASSERT_MSG(!lg_parse_decimal(bad[i], &v) && v == 42, "'%s' was read as a number (%g)", bad[i], v);
    }
    long w = 0;
    CU_ASSERT(lg_parse_whole("8", &w) && w == 8);
    CU_ASSERT(lg_parse_whole("-3", &w) && w == -3);
    CU_ASSERT(lg_parse_whole("+4294967295", &w) && w == 4294967295L);
    static const char *const bad_whole[] = { "0x8", "1.0", "1e3", "", " 8", "8 ", "-", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad_whole / sizeof bad_whole[0]; i++) {
        w = 42;
        LG_ASSERT_MSG(!lg_parse_whole(bad_whole[i], &w) && w == 42, "'%s' was read as a whole number", bad_whole[i]);
    }
}

/* Ranges in a parameter table: open and closed bounds, INT too; a malformed
 * range or a default outside its range is the table's error. */
static void test_param_ranges(void)
{
    static const lg_param_doc doc[] = {
        { "p", LG_PARAM_TYPE_DOUBLE, "0.5", "(0, 1)", "a probability" },
        { "n", LG_PARAM_TYPE_INT, "2", "[1, 3]", "a count" },
        { "x", LG_PARAM_TYPE_DOUBLE, "-7", NULL, "anything finite" },
        { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
    };
    static const struct { const char *kv, *says; } cases[] = {
        { "p=0.999,n=1,x=-1e300", NULL }, { "p=1e-300,n=3", NULL },
        { "p=0", "t: parameter p=0 is out of range: give p in (0, 1) (a probability)" },
        { "p=1", "parameter p=1 is out of range" }, { "n=0", "parameter n=0 is out of range: give n in [1, 3]" },
        { "n=4", "parameter n=4 is out of range" }, { "x=1e309", "parameter x='1e309' is not a finite number" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lg_params *p = NULL;
        int rc = lg_params_parse(doc, cases[i].kv, "t", &p);
        if (!cases[i].says)
            LG_ASSERT_MSG(rc == LG_OK, "%s refused: %s", cases[i].kv, lg_errmsg());
        else
            LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), cases[i].says), "%s: '%s' (expected '%s')",
                          cases[i].kv, rc == LG_OK ? "accepted" : lg_errmsg(), cases[i].says);
        lg_params_free(p);
    }
    static const lg_param_doc bad_range[] = {
        { "a", LG_PARAM_TYPE_DOUBLE, "0.5", "[0, 1", "unclosed" }, { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
    };
    static const lg_param_doc bad_default[] = {
        { "a", LG_PARAM_TYPE_DOUBLE, "2", "[0, 1]", "default outside" }, { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
    };
    lg_params *p = NULL;
    CU_ASSERT_EQUAL(lg_params_parse(bad_range, "", "t", &p), LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "t: parameter a has the range '[0, 1' in its table, not an interval"),
                  "bad range: %s", lg_errmsg());
    CU_ASSERT_EQUAL(lg_params_parse(bad_default, "", "t", &p), LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "parameter a=2 is out of range: give a in [0, 1] (default outside) (the "
                                      "default in the parameter table)"), "bad default: %s", lg_errmsg());
    CU_ASSERT_PTR_NULL(p);
}

/* Found by fuzzing resume (tests/fuzz/fuzz_resume.c): a game freed after
 * lg_game_new_step leaked the random numbers it keeps for the next step
 * (lg_game_clear freed as many as the current step had drawn, none after
 * new_step). LeakSanitizer (make sanitize) sees the leak; here: a step's
 * numbers are uniforms in [0, 1), drawn anew by the next step. */
static void test_game_uniform_freed(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *game = linear_game(rng);
    double first[6];
    lg_game_new_step(game);
    const gsl_matrix *u = &lg_game_uniform(game, 2, 3)->val;
    memcpy(first, u->data, sizeof first);
    for (int i = 0; i < 6; i++)
        CU_ASSERT(first[i] >= 0 && first[i] < 1);
    (void)lg_game_uniform(game, 4, 1);
    lg_game_new_step(game);
    u = &lg_game_uniform(game, 2, 3)->val;
    CU_ASSERT(memcmp(first, u->data, sizeof first) != 0);
    lg_game_new_step(game); /* both matrices kept for a step that never comes */
    lg_game_free(game);
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------ lg_net_gemms --- */

static void gemm_is(const lg_gemm *g, size_t m, size_t n, size_t k, bool ta, bool tb, size_t count)
{
    CU_ASSERT(g->m == m && g->n == n && g->k == k && g->ta == ta && g->tb == tb && g->count == count);
    if (!(g->m == m && g->n == n && g->k == k && g->ta == ta && g->tb == tb && g->count == count))
        fprintf(stderr, "\n  gemm %zu x %zu x %zu%s%s x%zu, expected %zu x %zu x %zu%s%s x%zu\n", g->m, g->n, g->k,
                g->ta ? " A^T" : "", g->tb ? " B^T" : "", g->count, m, n, k, ta ? " A^T" : "", tb ? " B^T" : "",
                count);
}

static double gemm_flops(const lg_gemm *g, size_t n)
{
    double f = 0;
    for (size_t i = 0; i < n; i++)
        f += 2.0 * (double)g[i].m * (double)g[i].n * (double)g[i].k * (double)g[i].count;
    return f;
}

/* The seed's MNIST critic 784-512l-256l-1 at batch 64: per Linear layer (in ->
 * out) y = x W^T is (64, out) x (64, in)(out, in)^T, dW = dy^T x is (out, in)
 * over k = 64, dx = dy W is (64, in) over k = out - the list bench.c derived
 * from the spec's widths before. A backward into the parameters skips the
 * first layer's input gradient (its input is a constant); one into the input
 * alone makes every input gradient and no weight gradient. */
static void test_net_gemms_mlp(void)
{
    lg_net *D;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("784-512l-256l-1", &D), LG_OK);
    lg_gemm g[16];
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_FORWARD, g, 16), 3);
    gemm_is(&g[0], 64, 512, 784, false, true, 1);
    gemm_is(&g[1], 64, 256, 512, false, true, 1);
    gemm_is(&g[2], 64, 1, 256, false, true, 1);
    CU_ASSERT_DOUBLE_EQUAL(gemm_flops(g, 3), 64 * lg_net_flops_per_sample(D), 0.0);
    /* (the last layer's input gradient, (64, 256) over k = 1, is written as
     * an outer product by lg_dgemm: no GEMM call, not listed) */
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS, g, 16), 7);
    gemm_is(&g[0], 64, 512, 784, false, true, 1);
    gemm_is(&g[1], 512, 784, 64, true, false, 1);
    gemm_is(&g[2], 64, 256, 512, false, true, 1);
    gemm_is(&g[3], 256, 512, 64, true, false, 1);
    gemm_is(&g[4], 64, 512, 256, false, false, 1);
    gemm_is(&g[5], 64, 1, 256, false, true, 1);
    gemm_is(&g[6], 1, 256, 64, true, false, 1);
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_INPUT, g, 16), 2);
    gemm_is(&g[0], 64, 784, 512, false, false, 1);
    gemm_is(&g[1], 64, 512, 256, false, false, 1);
    /* too small a list: the count all the same, nothing written past cap */
    lg_gemm mark = { 7, 7, 7, true, true, 7 };
    g[2] = mark;
    CU_ASSERT_EQUAL(lg_net_gemms(D, 64, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS | LG_GEMMS_INPUT, g, 2), 8);
    CU_ASSERT(memcmp(&g[2], &mark, sizeof mark) == 0);
    CU_ASSERT_EQUAL(lg_net_gemms(D, 64, LG_GEMMS_FORWARD, NULL, 0), 3);
    CU_ASSERT_EQUAL(lg_net_gemms(D, 64, 0, g, 16), 0);
    lg_net_free(D);
    /* "c" is the bias alone: no GEMM either way; "n" the weight alone */
    lg_net *Gc, *Dn;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1c", &Gc), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1-1n", &Dn), LG_OK);
    CU_ASSERT_EQUAL(lg_net_gemms(Gc, 5, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS | LG_GEMMS_INPUT, g, 16), 0);
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(Dn, 5, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS, g, 16), 2);
    gemm_is(&g[0], 5, 1, 1, false, true, 1);
    gemm_is(&g[1], 1, 1, 5, true, false, 1);
    lg_net_free(Gc);
    lg_net_free(Dn);
}

/* DCGAN's MNIST nets at batch 64, one GEMM per sample for each convolution
 * (conv.c). D 1x28x28-C64k4s2p1l-C128k4s2p1bl-1: Conv2d 1 -> 64 on 28x28 ->
 * 14x14 is W (64, 1*4*4) col (16, 196); Conv2d 64 -> 128 on 14x14 -> 7x7 is
 * W (128, 1024) col (1024, 49); then Linear 6272 -> 1. G's ConvTranspose2d
 * 128 -> 64 on 7x7 is col (64*4*4, 49) = W^T (1024, 128) x (128, 49). The
 * forward's FLOPs are lg_net_flops_per_sample's times the batch; the weight
 * gradients' output shapes cover the weights, which are the parameters less
 * the biases and BatchNorm's gamma and beta. */
static void test_net_gemms_dcgan(void)
{
    lg_net *D, *G;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("1x28x28-C64k4s2p1l-C128k4s2p1bl-1", &D), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("100-6272br-128x7x7-T64k4s2p1br-T1k4s2p1t", &G), LG_OK);
    lg_gemm g[16];
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_FORWARD, g, 16), 3);
    gemm_is(&g[0], 64, 196, 16, false, false, 64);
    gemm_is(&g[1], 128, 49, 1024, false, false, 64);
    gemm_is(&g[2], 64, 1, 6272, false, true, 1);
    CU_ASSERT_DOUBLE_EQUAL(gemm_flops(g, 3), 64 * lg_net_flops_per_sample(D), 0.0);
    /* the G step's pass through the frozen D: every input gradient, dcol = W^T dy */
    /* (the Linear's input gradient, (64, 6272) over k = 1, an outer product) */
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_INPUT, g, 16), 2);
    gemm_is(&g[0], 16, 196, 64, true, false, 64);
    gemm_is(&g[1], 1024, 49, 128, true, false, 64);
    /* the D step's: dW += dy col^T for each, no input gradient for the first */
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(D, 64, LG_GEMMS_PARAMS, g, 16), 4);
    gemm_is(&g[0], 64, 16, 196, false, true, 64);
    gemm_is(&g[1], 128, 1024, 49, false, true, 64);
    gemm_is(&g[2], 1024, 49, 128, true, false, 64);
    gemm_is(&g[3], 1, 6272, 64, true, false, 1);
    size_t np, weights = g[0].m * g[0].n + g[1].m * g[1].n + g[3].m * g[3].n;
    (void)lg_net_params(D, &np);
    CU_ASSERT_EQUAL(weights, np - (64 + 128 + 1) - 2 * 128);

    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(G, 64, LG_GEMMS_FORWARD, g, 16), 3);
    gemm_is(&g[0], 64, 6272, 100, false, true, 1);
    gemm_is(&g[1], 1024, 49, 128, true, false, 64);
    gemm_is(&g[2], 16, 196, 64, true, false, 64);
    CU_ASSERT_DOUBLE_EQUAL(gemm_flops(g, 3), 64 * lg_net_flops_per_sample(G), 0.0);
    /* ConvTranspose2d's backward: dW (C_in, K) += x dcol^T, dx (C_in, N) = W dcol */
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(G, 64, LG_GEMMS_PARAMS, g, 16), 5);
    gemm_is(&g[0], 6272, 100, 64, true, false, 1);
    gemm_is(&g[1], 128, 1024, 49, false, true, 64);
    gemm_is(&g[2], 128, 49, 1024, false, false, 64);
    gemm_is(&g[3], 64, 16, 196, false, true, 64);
    gemm_is(&g[4], 64, 196, 16, false, false, 64);
    weights = g[0].m * g[0].n + g[1].m * g[1].n + g[3].m * g[3].n;
    (void)lg_net_params(G, &np);
    CU_ASSERT_EQUAL(weights, np - (6272 + 64 + 1) - 2 * (6272 + 64));
    /* every backward GEMM costs what its layer's forward costs */
    CU_ASSERT_EQUAL_FATAL(lg_net_gemms(G, 64, LG_GEMMS_PARAMS | LG_GEMMS_INPUT, g, 16), 6);
    CU_ASSERT_DOUBLE_EQUAL(gemm_flops(g, 6), 2 * 64 * lg_net_flops_per_sample(G), 0.0);
    lg_net_free(D);
    lg_net_free(G);
}

void lg_suite_api(void)
{
    LG_ADD_SUITE("api",
                 { "game from given nets: nsgan against closed forms", test_game_nsgan },
                 { "game with a loss descriptor in memory", test_game_descriptor },
                 { "game: the random numbers kept for the next step are freed with it",
                   test_game_uniform_freed },
                 { "default networks follow the data and the loss", test_default_nets },
                 { "run from a config struct on 1D data", test_run_config },
                 { "a run refuses an existing folder unless force; a stop flag checkpoints",
                   test_run_force_and_stop },
                 { "numbers: decimal only, within double's range", test_number_grammar },
                 { "parameter tables: ranges, open and closed", test_param_ranges },
                 { "lg_net_gemms: the Linear GEMMs of an MLP, each pass", test_net_gemms_mlp },
                 { "lg_net_gemms: DCGAN's per-sample convolution GEMMs", test_net_gemms_dcgan });
}
