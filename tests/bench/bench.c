/*
 * bench.c - `make bench`, the litgan half: whole training steps (one
 * discriminator step, then one generator step) of the runner object, exactly as
 * `litgan train` takes them, on random data; and the GEMMs of such a step alone,
 * the machine's limit for it. tests/bench/side_by_side.py drives it: it starts
 * `build/bench --serve` and alternates timed blocks of litgan (requests on this
 * process's stdin) with blocks of the same steps in PyTorch (see serve()).
 */
#include "litgan/engine.h"
#include "litgan/sys.h"

#include <gsl/gsl_cblas.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPEATS 5 /* blocks of a GEMM limit request, unless it says */

/* ------------------------------------------------------ the step's GEMMs ---
 * One training step as the runner takes it (plugins/nsgan.c on the tape, the
 * game freezing the player not on turn), in lg_net_gemms's passes:
 *   discriminator step: G forward on z (G frozen: G(z) is a constant for D);
 *                       D forward and backward into its parameters, on x and
 *                       on G(z), two separate applications;
 *   generator step:     G forward and backward into its parameters; D forward
 *                       and backward into its input only (D frozen: no dW, but
 *                       the gradient goes through all of D into G(z)).
 * lg_net_gemms knows which layer makes which GEMM (once per batch for Linear,
 * once per sample for the convolutions) and which input gradients run. */
#define MAX_GEMMS 256

static size_t step_gemms(const lg_net *G, const lg_net *D, size_t B, lg_gemm *list)
{
    size_t n = 0;
#define ADD(net, passes) (n += lg_net_gemms(net, B, passes, n < MAX_GEMMS ? list + n : NULL, \
                                             n < MAX_GEMMS ? MAX_GEMMS - n : 0))
    ADD(G, LG_GEMMS_FORWARD);
    ADD(D, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS);
    ADD(D, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS);
    ADD(G, LG_GEMMS_FORWARD | LG_GEMMS_PARAMS);
    ADD(D, LG_GEMMS_FORWARD | LG_GEMMS_INPUT);
#undef ADD
    return n;
}

/* GEMM FLOPs (2 per multiply-add) of one training step; elementwise work
 * (bias, activations, BatchNorm, im2col, losses, Adam) is not counted. */
static double step_flops(const lg_net *G, const lg_net *D, size_t B)
{
    lg_gemm list[MAX_GEMMS];
    size_t n = step_gemms(G, D, B, list);
    double f = 0;
    for (size_t i = 0; i < n && i < MAX_GEMMS; i++)
        f += 2.0 * (double)list[i].m * (double)list[i].n * (double)list[i].k * (double)list[i].count;
    return f;
}

/* CPU seconds used by this process: with the wall time it tells whether the
 * machine was busy (another process took the core) during a repetition. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Take n steps; returns the wall seconds they took (and the CPU seconds in
 * *cpu if not NULL), or -1 on error (message printed). */
static double time_steps(lg_run *run, long n, const char *name, double *cpu)
{
    double c0 = cpu_now(), t0 = lg_now();
    for (long i = 0; i < n; i++) {
        int rc = lg_run_step(run);
        if (rc != LG_OK) {
            fprintf(stderr, "bench %s: step failed: %s\n", name, lg_errmsg());
            return -1.0;
        }
    }
    double t = lg_now() - t0;
    if (cpu)
        *cpu = cpu_now() - c0;
    return t;
}

/* ------------------------------------------------------- the GEMM limit ---
 * The GEMMs of one training step alone (the list step_flops counts), timed
 * back to back with cblas_dgemm or cblas_sgemm on buffers of the step's
 * shapes: the rate a step could reach if everything but its GEMMs were free. */

/* Steps per second of the GEMMs alone, in double (single = false) or float:
 * warm-up, then the best of `repeats` blocks of about `seconds`. -1 when a spec
 * does not parse or the list does not fit (message in lg_errmsg()). */
static double gemm_limit(const char *g, const char *d, size_t B, bool single, double seconds, int repeats)
{
    lg_net *G = NULL, *D = NULL;
    if (lg_net_parse(g, &G) != LG_OK || lg_net_parse(d, &D) != LG_OK) {
        lg_net_free(G);
        return -1.0;
    }
    lg_gemm list[MAX_GEMMS];
    size_t n = step_gemms(G, D, B, list), big = 1;
    lg_net_free(G);
    lg_net_free(D);
    if (n > MAX_GEMMS) {
        lg_seterr(LG_EINVAL, "the step has %zu GEMM shapes, the bench holds %d", n, MAX_GEMMS);
        return -1.0;
    }
    for (size_t i = 0; i < n; i++) {
        big = list[i].m * list[i].k > big ? list[i].m * list[i].k : big;
        big = list[i].k * list[i].n > big ? list[i].k * list[i].n : big;
        big = list[i].m * list[i].n > big ? list[i].m * list[i].n : big;
    }
    size_t es = single ? sizeof(float) : sizeof(double);
    /* allocated as the nets' parameters are (huge pages from 2 MiB up; aborts
     * rather than return NULL) */
    char *a = lg_xcalloc_big(big, es), *b = lg_xcalloc_big(big, es), *c = lg_xcalloc_big(big, es);
    double rate = 0;
    for (size_t i = 0; i < big; i++) { /* values that stay finite */
        if (single)
            ((float *)a)[i] = ((float *)b)[i] = 1e-3f * (float)(i % 7);
        else
            ((double *)a)[i] = ((double *)b)[i] = 1e-3 * (double)(i % 7);
    }
    long steps = 1;
    for (int rep = -1; rep < repeats; rep++) {
        double t0 = lg_now();
        for (long s = 0; s < steps; s++)
            for (size_t i = 0; i < n; i++) {
                const lg_gemm *q = &list[i];
                int m = (int)q->m, nn = (int)q->n, k = (int)q->k;
                int lda = q->ta ? m : k, ldb = q->tb ? k : nn;
                enum CBLAS_TRANSPOSE ta = q->ta ? CblasTrans : CblasNoTrans, tb = q->tb ? CblasTrans : CblasNoTrans;
                for (size_t r = 0; r < q->count; r++) {
                    if (single)
                        cblas_sgemm(CblasRowMajor, ta, tb, m, nn, k, 1.0f, (float *)a, lda, (float *)b, ldb,
                                    1.0f, (float *)c, nn);
                    else
                        cblas_dgemm(CblasRowMajor, ta, tb, m, nn, k, 1.0, (double *)a, lda, (double *)b, ldb,
                                    1.0, (double *)c, nn);
                }
            }
        double dt = lg_now() - t0;
        if (rep < 0) /* the warm-up block sizes the others */
            steps = dt > 0 ? (long)ceil(seconds * (double)steps / dt) : 1000;
        else if ((double)steps / dt > rate)
            rate = (double)steps / dt;
        if (rep < 0 && steps < 1)
            steps = 1;
    }
    free(a);
    free(b);
    free(c);
    return rate;
}

/* ------------------------------------------------------------ serve mode ---
 * One request per line on stdin, one answer per line on stdout:
 *   step DATA G D BATCH SECONDS [double|float]
 *                                 -> "ok STEPS_PER_S CPU_SHARE GFLOP_PER_STEP"
 *       one timed block of whole training steps in that precision (double
 *       when not given; the run is opened, warmed up and kept on the first
 *       request for these nets: later blocks go on training it, as a long run
 *       would);
 *   gemm G D BATCH SECONDS double|float [REPEATS]
 *                                 -> "ok STEPS_PER_S" (gemm_limit: the best of
 *       REPEATS blocks, 5 when not given; 1 times one block, as a step
 *       request does, for a limit taken round by round beside the steps)
 *   quit
 * Anything else, or a failure: "error WHAT". The threads are OpenBLAS's, set by
 * the environment (OPENBLAS_NUM_THREADS) of this process. */
#define MAX_SERVED 16

typedef struct served {
    char key[512], dir[64];
    lg_run *run;
    double flops;
} served;

static served *served_open(served *tab, size_t *n, const char *data, const char *g, const char *d, long batch,
                           const char *precision)
{
    char key[512];
    snprintf(key, sizeof key, "%s %s %s %ld %s", data, g, d, batch, precision);
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(tab[i].key, key))
            return &tab[i];
    if (*n == MAX_SERVED)
        return NULL;
    served *s = &tab[*n];
    snprintf(s->key, sizeof s->key, "%s", key);
    snprintf(s->dir, sizeof s->dir, "/tmp/litgan-bench-XXXXXX");
    if (!mkdtemp(s->dir))
        return NULL;
    lg_run_config c;
    lg_run_config_init(&c);
    c.loss = "nsgan";
    c.data = data;
    c.g = g;
    c.d = d;
    c.batch = batch;
    c.precision = precision;
    c.opt_d = c.opt_g = "adam:lr=2e-4,b1=0.5,b2=0.999";
    c.d_steps = 1;
    c.out = s->dir;
    c.quiet = 1;
    c.seed = 1;
    if (lg_run_open(&c, &s->run) != LG_OK) {
        rmdir(s->dir);
        return NULL;
    }
    lg_game *gm = lg_run_game(s->run);
    s->flops = step_flops(lg_game_net(gm, LG_NET_G), lg_game_net(gm, LG_NET_D), (size_t)batch);
    double t = 0; /* warm-up: caches, page faults, the tape's first allocations */
    for (long k = 0; k < 3 || t < 0.2; k++) {
        double dt = time_steps(s->run, 1, "serve", NULL);
        if (dt < 0)
            return NULL;
        t += dt;
    }
    (*n)++;
    return s;
}

static int serve(void)
{
    served tab[MAX_SERVED];
    size_t n_tab = 0;
    char line[2048];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char what[16], data[256], g[256], d[256], dtype[16] = "double";
        long batch;
        double seconds;
        int repeats = REPEATS;
        int got = sscanf(line, "step %255s %255s %255s %ld %lf %15s", data, g, d, &batch, &seconds, dtype);
        if ((got == 5 || got == 6) && (!strcmp(dtype, "double") || !strcmp(dtype, "float"))) {
            served *s = served_open(tab, &n_tab, data, g, d, batch, dtype);
            if (!s) {
                printf("error cannot open a run of %s / %s on %s: %s\n", g, d, data, lg_errmsg());
                continue;
            }
            /* steps for about `seconds`, from the last block's rate (or one step's) */
            double t1 = time_steps(s->run, 1, "serve", NULL);
            long steps = t1 > 0 ? (long)ceil(seconds / t1) : 1;
            double cpu, dt = time_steps(s->run, steps < 1 ? 1 : steps, "serve", &cpu);
            if (dt <= 0)
                printf("error a step failed: %s\n", lg_errmsg());
            else
                printf("ok %.6g %.4f %.6g\n", (double)steps / dt, cpu / dt, s->flops * 1e-9);
        } else if ((got = sscanf(line, "gemm %255s %255s %ld %lf %15s %d", g, d, &batch, &seconds, dtype,
                                 &repeats)) >= 5 &&
                   (!strcmp(dtype, "double") || !strcmp(dtype, "float")) && repeats >= 1 && repeats <= 100) {
            double rate = gemm_limit(g, d, (size_t)batch, !strcmp(dtype, "float"), seconds, repeats);
            if (rate < 0)
                printf("error no GEMM limit for %s / %s: %s\n", g, d, lg_errmsg());
            else
                printf("ok %.6g\n", rate);
        } else if (sscanf(line, "%15s", what) == 1 && !strcmp(what, "quit")) {
            break;
        } else {
            printf("error not a request: %s", line);
        }
    }
    for (size_t i = 0; i < n_tab; i++) {
        lg_run_close(tab[i].run);
        lg_rm_rf(tab[i].dir);
    }
    return 0;
}

int main(int argc, char **argv)
{
    lg_gsl_report_errors(); /* a program, not the library, chooses GSL's handler */
    if (argc == 2 && !strcmp(argv[1], "--serve"))
        return serve();
    fprintf(stderr, "usage: %s --serve (requests on stdin; make bench runs tests/bench/side_by_side.py, which "
                    "drives it)\n", argc > 0 ? argv[0] : "bench");
    return 2;
}
