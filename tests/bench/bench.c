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

#define REPEATS 5

/* Forward FLOPs per sample of the first Linear layer: 2 * in * out, its widths
 * the spec's first two ("2-128r-..."). */
static double first_linear_flops(const lg_net *net)
{
    const char *dash = strchr(lg_net_spec(net), '-');
    return dash ? 2.0 * (double)lg_net_in_dim(net) * strtod(dash + 1, NULL) : 0.0;
}

/* GEMM FLOPs (2 per multiply-add) of one training step, as core/src/net.c does them.
 *
 * A Linear layer y = x W^T (x: (B, in), W: (out, in)) costs 2 B in out in its
 * forward GEMM; its backward costs the same again for dW = dy^T x (only when the
 * net is being trained) and again for dx = dy W (only when x needs a gradient).
 * So with F = lg_net_flops_per_sample (sum of 2 in out over the Linear layers) and
 * F1 = the first Linear layer's share, per sample:
 *   forward                                     F
 *   backward dW of every layer                  F
 *   backward dx of every layer but the first    F - F1   (its input is a constant)
 *   backward dx of every layer                  F        (its input needs a gradient)
 *
 * Discriminator step (G frozen, z and x constants, so no gradient reaches G):
 *   G forward on z                        F_G
 *   D forward on x and on G(z)            2 F_D
 *   D backward, dW and dx (not first) x2  2 (2 F_D - F_D1)
 * Generator step (D frozen: no dW for D, but dx through all of D into G(z)):
 *   G forward, D forward                  F_G + F_D
 *   D backward, dx only                   F_D
 *   G backward, dW and dx (not first)     2 F_G - F_G1
 * Total per sample: 4 F_G - F_G1 + 8 F_D - 2 F_D1, times the batch B.
 * Elementwise work (bias, activations, BatchNorm, losses, Adam) is not counted. */
static double step_flops(const lg_net *G, const lg_net *D, double B)
{
    double FG = lg_net_flops_per_sample(G), FG1 = first_linear_flops(G);
    double FD = lg_net_flops_per_sample(D), FD1 = first_linear_flops(D);
    return B * (4.0 * FG - FG1 + 8.0 * FD - 2.0 * FD1);
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

#define MAX_LAYERS 16

/* The widths of a net spec, "100-128l-256b0.8l-784t" -> 100 128 256 784. */
static size_t spec_widths(const char *spec, size_t *w)
{
    size_t n = 0;
    for (const char *p = spec; p && *p && n < MAX_LAYERS + 1; p = strchr(p, '-') ? strchr(p, '-') + 1 : NULL)
        w[n++] = (size_t)strtoul(p, NULL, 10);
    return n;
}

/* C (m, n) = op(A) (m, k) op(B) (k, n), op a transpose or not, as net.c calls them */
typedef struct gemm {
    size_t m, n, k;
    bool ta, tb;
} gemm;

/* The step's GEMMs (see step_flops): per Linear layer (in -> out) at batch B,
 * with x (B, in), W (out, in), dy (B, out) as net.c stores them:
 * forward y = x W^T (B, out), dW = dy^T x (out, in), dx = dy W (B, in). */
static size_t step_gemms(const size_t *wg, size_t ng, const size_t *wd, size_t nd, size_t B, gemm *list)
{
    size_t n = 0;
#define FWD(w, i) (list[n++] = (gemm){ B, w[i + 1], w[i], false, true })
#define DW(w, i) (list[n++] = (gemm){ w[i + 1], w[i], B, true, false })
#define DX(w, i) (list[n++] = (gemm){ B, w[i], w[i + 1], false, false })
    /* D step: G forward; D forward on real and fake; D backward twice (dW, dx but the first) */
    for (size_t i = 0; i + 1 < ng; i++)
        FWD(wg, i);
    for (int twice = 0; twice < 2; twice++)
        for (size_t i = 0; i + 1 < nd; i++) {
            FWD(wd, i);
            DW(wd, i);
            if (i > 0)
                DX(wd, i);
        }
    /* G step: G and D forward; D backward dx only; G backward dW, dx but the first */
    for (size_t i = 0; i + 1 < ng; i++) {
        FWD(wg, i);
        DW(wg, i);
        if (i > 0)
            DX(wg, i);
    }
    for (size_t i = 0; i + 1 < nd; i++) {
        FWD(wd, i);
        DX(wd, i);
    }
#undef FWD
#undef DW
#undef DX
    return n;
}

/* Steps per second of the GEMMs alone, in double (single = false) or float:
 * warm-up, then the best of REPEATS blocks of about `seconds`. */
static double gemm_limit(const char *g, const char *d, size_t B, bool single, double seconds)
{
    size_t wg[MAX_LAYERS + 1], wd[MAX_LAYERS + 1];
    size_t ng = spec_widths(g, wg), nd = spec_widths(d, wd);
    gemm list[8 * MAX_LAYERS];
    size_t n = step_gemms(wg, ng, wd, nd, B, list), big = 1;
    for (size_t i = 0; i < n; i++) {
        big = list[i].m * list[i].k > big ? list[i].m * list[i].k : big;
        big = list[i].k * list[i].n > big ? list[i].k * list[i].n : big;
        big = list[i].m * list[i].n > big ? list[i].m * list[i].n : big;
    }
    size_t es = single ? sizeof(float) : sizeof(double);
    char *a = calloc(big, es), *b = calloc(big, es), *c = calloc(big, es);
    double rate = 0;
    if (a && b && c) {
        for (size_t i = 0; i < big; i++) { /* values that stay finite */
            if (single)
                ((float *)a)[i] = ((float *)b)[i] = 1e-3f * (float)(i % 7);
            else
                ((double *)a)[i] = ((double *)b)[i] = 1e-3 * (double)(i % 7);
        }
        long steps = 1;
        for (int rep = -1; rep < REPEATS; rep++) {
            double t0 = lg_now();
            for (long s = 0; s < steps; s++)
                for (size_t i = 0; i < n; i++) {
                    const gemm *q = &list[i];
                    int m = (int)q->m, nn = (int)q->n, k = (int)q->k;
                    int lda = q->ta ? m : k, ldb = q->tb ? k : nn;
                    enum CBLAS_TRANSPOSE ta = q->ta ? CblasTrans : CblasNoTrans, tb = q->tb ? CblasTrans : CblasNoTrans;
                    if (single)
                        cblas_sgemm(CblasRowMajor, ta, tb, m, nn, k, 1.0f, (float *)a, lda, (float *)b, ldb, 1.0f,
                                    (float *)c, nn);
                    else
                        cblas_dgemm(CblasRowMajor, ta, tb, m, nn, k, 1.0, (double *)a, lda, (double *)b, ldb, 1.0,
                                    (double *)c, nn);
                }
            double dt = lg_now() - t0;
            if (rep < 0) /* the warm-up block sizes the others */
                steps = dt > 0 ? (long)ceil(seconds * (double)steps / dt) : 1000;
            else if ((double)steps / dt > rate)
                rate = (double)steps / dt;
            if (rep < 0 && steps < 1)
                steps = 1;
        }
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
 *   gemm G D BATCH SECONDS double|float -> "ok STEPS_PER_S" (gemm_limit)
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
    s->flops = step_flops(lg_game_net(gm, LG_NET_G), lg_game_net(gm, LG_NET_D), (double)batch);
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
        } else if (sscanf(line, "gemm %255s %255s %ld %lf %15s", g, d, &batch, &seconds, dtype) == 5 &&
                   (!strcmp(dtype, "double") || !strcmp(dtype, "float"))) {
            printf("ok %.6g\n", gemm_limit(g, d, (size_t)batch, !strcmp(dtype, "float"), seconds));
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
