/*
 * refs.c - what Lab 07's visible and hidden tests share (built into both of
 * the lab's objects): LSGAN's objectives in closed form at a probe's logits,
 * and the two divergences of Task 7.2 from their definitions. No student code.
 */
#include "lab07.h"

/* The probe's scores s = D(x) (no sigmoid in LSGAN: the raw output), computed
 * by the library's layers for specs and by hand for "1-1" (lg_probe_logits),
 * then the batch means of Mao et al.'s Eq. 2:
 *   d_loss = 1/2 mean (s_r - b)^2 + 1/2 mean (s_f - a)^2
 *   g_loss = 1/2 mean (s_f - c)^2
 * and d/ds of 1/2 (s - t)^2 / B = (s - t) / B. */
double lg_lab07_lsgan_ref(const lg_probe *pr, lg_player player, lg_lab07_abc p, double *cr, double *cf)
{
    double sr[LG_PROBE_MAX_BATCH], sf[LG_PROBE_MAX_BATCH], v = 0, B = (double)pr->batch;
    lg_probe_logits(pr, sr, sf);
    for (size_t i = 0; i < pr->batch; i++) {
        if (player == LG_PLAYER_D) {
            v += 0.5 * ((sr[i] - p.b) * (sr[i] - p.b) + (sf[i] - p.a) * (sf[i] - p.a)) / B;
            cr[i] = (sr[i] - p.b) / B;
            cf[i] = (sf[i] - p.a) / B;
        } else {
            v += 0.5 * (sf[i] - p.c) * (sf[i] - p.c) / B;
            cr[i] = 0;
            cf[i] = (sf[i] - p.c) / B;
        }
    }
    return v;
}

/* JS = H(m) - (H(p) + H(q)) / 2 with m = (p + q) / 2 and H the entropy
 * (-sum x log x, 0 log 0 = 0): another road to the same number than the
 * definition students write. */
static double entropy(const double *x, size_t n)
{
    double h = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0)
            h -= x[i] * log(x[i]);
    return h;
}

double lg_lab07_js_ref(const double *p, const double *q, size_t n)
{
    double hm = 0;
    for (size_t i = 0; i < n; i++) {
        double m = 0.5 * (p[i] + q[i]);
        if (m > 0)
            hm -= m * log(m);
    }
    return hm - 0.5 * (entropy(p, n) + entropy(q, n));
}

/* 1/2 sum (p + q) (D* - c)^2 with D* = (b p + a q) / (p + q), over p + q > 0. */
double lg_lab07_ls_ref(const double *p, const double *q, size_t n, lg_lab07_abc abc)
{
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        double mass = p[i] + q[i];
        if (mass <= 0)
            continue;
        double dstar = (abc.b * p[i] + abc.a * q[i]) / mass;
        v += 0.5 * mass * (dstar - abc.c) * (dstar - abc.c);
    }
    return v;
}

/* The classes of mistake a check of the LSGAN objectives tells apart. */
static const lg_grade_hint lsgan_hints[LG_GRADE_HINTS] = {
    { LG_MISTAKE_TWICE, "Eq. 2 of the paper halves each expectation: 1/2 E[(D - target)^2]" },
    { LG_MISTAKE_HALF, "the factor 1/2 multiplies each expectation once, not twice" },
    { LG_MISTAKE_SUM, "expectations over the batch are means (lg_mean), not sums" },
    { LG_MISTAKE_SIGN, "a squared distance to a target is never negative: the player minimises it as it is" },
    { LG_MISTAKE_ZERO, "no gradient reaches the player's own network: apply D to G(z) without lg_stop_gradient" },
    { LG_MISTAKE_NAN, "no log and no sigmoid: LSGAN's D outputs a raw score" },
    { LG_MISTAKE_INF, "no log and no sigmoid: LSGAN's D outputs a raw score" },
};

void lg_lab07_check_lsgan(const lg_probe *pr, lg_player player, lg_lab07_abc p, const char *text, const char *hint)
{
    lg_lab07_probe_arg arg = { .pr = *pr };
    snprintf(arg.pr.file, sizeof arg.pr.file, "lsgan.c");
    arg.pr.player = player;
    snprintf(arg.kv, sizeof arg.kv, "a=%.17g,b=%.17g,c=%.17g", p.a, p.b, p.c);
    char in[400];
    snprintf(in, sizeof in, "%s; %s with a = %g, b = %g, c = %g", text, player == LG_PLAYER_D ? "d_loss" : "g_loss",
             p.a, p.b, p.c);
    enum { MAXP = 128 };
    double out[MAXP + 1], cr[LG_PROBE_MAX_BATCH], cf[LG_PROBE_MAX_BATCH], grad[MAXP];
    /* the game's parameter count: D's, then G's */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    lg_game *g = NULL;
    size_t nd = 0, n = 0;
    if (lg_lab07_probe_game(&arg.pr, rng, &g) == LG_OK) {
        n = lg_game_param_count(g);
        lg_game_params(g, LG_NET_D, &nd);
    }
    lg_game_free(g);
    gsl_rng_free(rng);
    if (n == 0 || n > MAXP) { /* the grader's own mistake: a failed check that says so */
        LG_GRADE_CLOSE(NAN, 0, 0, in, "grader: the probe's game has no or too many parameters");
        return;
    }
    if (!lg_grade_call("lsgan", &arg, sizeof arg, out, n + 1, in))
        return;
    lg_grade_expect e = { .input = in, .expected = lg_lab07_lsgan_ref(&arg.pr, player, p, cr, cf), .actual = out[0],
                          .tol = 1e-12, .batch = (double)pr->batch, .hint = hint };
    memcpy(e.hints, lsgan_hints, sizeof e.hints);
    if (!lg_grade_check(&e, __FILE__, __LINE__))
        return; /* one wrong value is one message: the gradient follows from it */
    lg_probe_chain_grad(&arg.pr, cr, cf, grad);
    size_t first = player == LG_PLAYER_D ? 0 : nd, count = player == LG_PLAYER_D ? nd : n - nd;
    char what[480];
    snprintf(what, sizeof what, "%s; d %s / d %s parameter", in, player == LG_PLAYER_D ? "d_loss" : "g_loss",
             player == LG_PLAYER_D ? "D's" : "G's");
    e.tol = 1e-10;
    e.hint = "the value is right but its gradient is not: does the gradient reach the player's network (no "
             "lg_stop_gradient on its path)?";
    lg_grade_check_all(out + 1 + first, grad + first, count, what, NULL, &e, __FILE__, __LINE__);
}

/* A short run of lsgan.c with the 0-1 coding (lg_lab07_train: ring8 with sigma
 * 0.1, G 2-32r-32r-2, D 2-32r-32r-1, Adam(1e-3, 0.5), batch 64, 1500 steps),
 * judged by thresholds calibrated on the reference over seeds 1..10
 * (README.md, Task 7.1, "A short run that must train"; lab07.h). Shared with grade_hidden.c through the header. */
void lg_lab07_check_run(unsigned long seed)
{
    lg_lab07_train_arg a = { .seed = seed, .steps = LG_LAB07_TRAIN_STEPS };
    snprintf(a.kv, sizeof a.kv, "a=0,b=1,c=1");
    char in[160];
    snprintf(in, sizeof in, "lsgan.c with a = 0, b = c = 1 on ring8:sigma=0.1, %d steps, seed %lu",
             LG_LAB07_TRAIN_STEPS, seed);
    double out[LG_LAB07_TRAIN_OUT];
    if (!lg_grade_call("train", &a, sizeof a, out, LG_LAB07_TRAIN_OUT, in))
        return;
    char what[300];
    snprintf(what, sizeof what, "%s: sliced W1 %.4f (at most %.2f passes), modes covered %g of 8 (at least %d "
             "pass), high quality %.0f%%", in, out[LG_LAB07_OUT_SW1], LG_LAB07_SW1_MAX, out[LG_LAB07_OUT_MODES],
             LG_LAB07_MODES_MIN, 100 * out[LG_LAB07_OUT_HQ]);
    const char *hint = "Task 7.1's tests first: a loss that is right in value and gradient trains here; "
                       "one whose G runs from its target, or whose D learns no boundary, does not";
    bool ok = out[LG_LAB07_OUT_SW1] <= LG_LAB07_SW1_MAX && out[LG_LAB07_OUT_MODES] >= LG_LAB07_MODES_MIN;
    LG_GRADE_EXPECT(.input = what, .expected = 1, .actual = ok ? 1 : 0, .tol = 0, .hint = hint,
                    .hints = { { LG_MISTAKE_ZERO, hint } });
}

/* Run divergences.c on (p, q) with abc; check both against refs.c. */
static const lg_grade_hint js_hints[LG_GRADE_HINTS] = {
    { LG_MISTAKE_NAN, "0 log 0 = 0: a point that one distribution does not charge adds nothing to its term" },
    { LG_MISTAKE_INF, "log(p / m) is finite wherever p > 0, since m >= p / 2 there; skip p = 0" },
    { LG_MISTAKE_TWICE, "JS is the mean of the two KL divergences to the mixture, not their sum" },
    { LG_MISTAKE_HALF, "each KL to the mixture has weight 1/2, once" },
    { LG_MISTAKE_SIGN, "KL(p || m) = sum p log(p / m), the data's probability over the mixture's" },
};
static const lg_grade_hint ls_hints[LG_GRADE_HINTS] = {
    { LG_MISTAKE_NAN, "where p + q = 0 the optimal D is undefined and the point carries no mass: skip it" },
    { LG_MISTAKE_TWICE, "the generator's objective halves the expectation: 1/2 sum (p + q)(D* - c)^2" },
    { LG_MISTAKE_HALF, "1/2 once: C = 1/2 sum (p + q) (D* - c)^2" },
    { LG_MISTAKE_SIGN, "a sum of squares over positive masses is never negative" },
};

void lg_lab07_check_div(const double *p, const double *q, size_t n, lg_lab07_abc abc, const char *text,
                        double tol)
{
    static lg_lab07_div_arg a; /* 8 KiB: not on the stack */
    memset(&a, 0, sizeof a);
    a.n = n;
    a.abc = abc;
    memcpy(a.p, p, n * sizeof *p);
    memcpy(a.q, q, n * sizeof *q);
    double out[2];
    if (!lg_grade_call("divergences", &a, sizeof a, out, 2, text))
        return;
    char in[300];
    snprintf(in, sizeof in, "%s; JS(p, q)", text);
    lg_grade_expect e = { .input = in, .expected = lg_lab07_js_ref(p, q, n), .actual = out[0], .tol = tol,
                          .hint = "JS = 1/2 KL(p || m) + 1/2 KL(q || m) with m the mixture (p + q) / 2" };
    memcpy(e.hints, js_hints, sizeof e.hints);
    lg_grade_check(&e, __FILE__, __LINE__);
    snprintf(in, sizeof in, "%s; LSGAN's criterion with a = %g, b = %g, c = %g", text, abc.a, abc.b, abc.c);
    e.expected = lg_lab07_ls_ref(p, q, n, abc);
    e.actual = out[1];
    e.hint = "the optimal D is (b p + a q) / (p + q) at each point; C = 1/2 sum (p + q) (D* - c)^2";
    memcpy(e.hints, ls_hints, sizeof e.hints);
    lg_grade_check(&e, __FILE__, __LINE__);
}

