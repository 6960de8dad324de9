/*
 * test_compare.c - `litgan compare` end to end on tiny tasks: the report
 * folder holds the table (95% t intervals checked by hand), what each loss
 * ran, every run, the figures' scripts and data (the heatmap grid read back
 * as gnuplot reads it); duplicate names and foreign folders are refused; a
 * rerun clears only compare's own runs; a failed run is shown as failed,
 * never scored; SIGTERM stops every run with a checkpoint and leaves no
 * process behind; bad options give one-line errors.
 */
#include "lg_test.h"
#include "compare.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[] = "/tmp/litgan-compare-XXXXXX";

/* The suite's scratch folder, made by whichever test runs first. */
static const char *scratch(void)
{
    static bool made;
    if (!made)
        made = mkdtemp(root) != NULL;
    return root;
}

static int compare(int argc, const char **argv)
{
    return lg_test_cli("compare", argc, (char **)argv);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* One row of runs.csv: status and the fields after it (empty when absent). */
typedef struct row {
    char loss[128], status[16];
    long seed;
    char f[9][32]; /* modes, hq, sw1, steps/s, loss_d, loss_g, seconds, steps, d_steps */
} row;

static int read_runs(const char *out, row *rows, int max)
{
    char path[512];
    snprintf(path, sizeof path, "%s/runs.csv", out);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int n = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    while (n < max && fgets(line, sizeof line, f)) {
        row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        line[strcspn(line, "\n")] = '\0';
        char *p = line, *fields[12];
        int k = 0;
        for (; k < 12; k++) {
            fields[k] = p;
            char *comma = strchr(p, ',');
            if (!comma) {
                k++;
                break;
            }
            *comma = '\0';
            p = comma + 1;
        }
        if (k != 12) {
            fclose(f);
            return -2;
        }
        snprintf(r->loss, sizeof r->loss, "%s", fields[0]);
        r->seed = atol(fields[1]);
        snprintf(r->status, sizeof r->status, "%s", fields[2]);
        for (int i = 0; i < 9; i++)
            snprintf(r->f[i], sizeof r->f[i], "%s", fields[3 + i]);
    }
    fclose(f);
    return n;
}

static const row *find_row(const row *rows, int n, const char *loss, long seed)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].loss, loss) && rows[i].seed == seed)
            return &rows[i];
    return NULL;
}

/* The report.md line of a loss's table row. */
static char *table_row(char *md, const char *loss, char *buf, size_t len)
{
    char key[160];
    snprintf(key, sizeof key, "\n| %s | ", loss);
    char *p = strstr(md, key);
    if (!p)
        return NULL;
    p++;
    size_t n = strcspn(p, "\n");
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
    return buf;
}

/* nsgan, WGAN-GP (wgan+gp: its five critic steps and Adam) and BiGAN-QP
 * with an equal update budget, 2 seeds, 20 steps, tiny nets. */
static char rep[256];

static void test_report_folder(void)
{
    snprintf(rep, sizeof rep, "%s/rep", scratch());
    const char *argv[] = { "--losses", "nsgan,wgan+gp", "--loss", "biganqp", "--steps", "20", "--budget",
                           "evals", "--seeds", "2", "--batch", "32", "--g", "2-16r-2", "--d", "2-16r-1",
                           "--out", rep, "--quiet" };
    CU_ASSERT_EQUAL_FATAL(compare(19, argv), LG_OK);
    row rows[16];
    int n = read_runs(rep, rows, 16);
    CU_ASSERT_EQUAL_FATAL(n, 6);
    for (int i = 0; i < n; i++)
        LG_ASSERT_MSG(!strcmp(rows[i].status, "ok"), "%s seed %ld: %s", rows[i].loss, rows[i].seed, rows[i].status);
    /* the budget: 2 x 20 updates; nsgan 1 critic step -> 20 generator steps,
     * wgan+gp 5 -> 40 / 6 = 6.7 -> 7, biganqp 2 -> 40 / 3 = 13.3 -> 13 */
    CU_ASSERT_STRING_EQUAL(find_row(rows, n, "nsgan", 1)->f[7], "20");
    CU_ASSERT_STRING_EQUAL(find_row(rows, n, "wgan+gp", 2)->f[7], "7");
    CU_ASSERT_STRING_EQUAL(find_row(rows, n, "wgan+gp", 2)->f[8], "5");
    CU_ASSERT_STRING_EQUAL(find_row(rows, n, "biganqp", 1)->f[7], "13");

    char path[512];
    snprintf(path, sizeof path, "%s/report.md", rep);
    char *md = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    /* the 95% interval of sliced W1 over the 2 seeds, by hand:
     * t(0.975, 1) = 12.7062047361747, half-width t s / sqrt(2) */
    double a = atof(find_row(rows, n, "nsgan", 1)->f[2]), b = atof(find_row(rows, n, "nsgan", 2)->f[2]);
    double mean = (a + b) / 2, sd = fabs(a - b) / sqrt(2.0), hw = 12.7062047361747 * sd / sqrt(2.0);
    char want[128], line[512];
    snprintf(want, sizeof want, "| %.4f ± %.4f |", mean, hw);
    CU_ASSERT_PTR_NOT_NULL_FATAL(table_row(md, "nsgan", line, sizeof line));
    LG_ASSERT_MSG(strstr(line, want), "nsgan row '%s' lacks the hand-computed '%s'", line, want);
    LG_ASSERT_MSG(strstr(line, "| 2 of 2 |"), "nsgan row: %s", line);
    /* what each loss ran, and the metrics defined */
    LG_ASSERT_MSG(strstr(md, "| wgan+gp | 7 | 5 | `adam:lr=1e-4,b1=0,b2=0.9` | `adam:lr=1e-4,b1=0,b2=0.9` | gp |"),
                  "report.md: wgan+gp's setup:\n%s", md);
    LG_ASSERT_MSG(strstr(md, "| nsgan | 20 | 1 | `adam:lr=2e-4,b1=0.5`"), "report.md: nsgan's setup");
    LG_ASSERT_MSG(strstr(md, "**modes covered**") && strstr(md, "**sliced W1**") && strstr(md, "Student t") &&
                  strstr(md, "equal updates"), "report.md defines its metrics, interval and budget");
    LG_ASSERT_MSG(strstr(md, "(samples.png)") && strstr(md, "(metrics.png)") && !strstr(md, "densities.png"),
                  "report.md links the figures made, and only those");
    free(md);
    const char *files[] = { "samples.gp", "samples.png", "metrics.gp", "metrics.png", "heat_nsgan.dat",
                            "heat_biganqp.dat", "samples_wgan+gp.csv", "real.csv", ".litgan-compare",
                            "runs/wgan+gp-s2/log.csv", "runs/biganqp-s1/checkpoint.bin" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        LG_ASSERT_MSG(exists(rep, files[i]), "%s/%s is missing or empty", rep, files[i]);
    /* the scripts use relative paths; the colour bars say what the shade is */
    snprintf(path, sizeof path, "%s/samples.gp", rep);
    char *gp = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    LG_ASSERT_MSG(strstr(gp, "'heat_nsgan.dat'") && !strstr(gp, root), "samples.gp should use relative paths");
    LG_ASSERT_MSG(strstr(gp, "set cblabel 'D(x) = P(real)'") && strstr(gp, "set cblabel 'critic T(x, E(x))'") &&
                  strstr(gp, "set cblabel 'critic T(x)'"), "samples.gp: colour bar labels");
    LG_ASSERT_MSG(!strstr(gp, "set datafile columnheaders"), "samples.gp must not read the header-less grids with columnheaders");
    free(gp);
}

/* The heatmap grid as written: 120 blocks of 120 rows (x outer), values of
 * P(real) in [0, 1] for nsgan; and gnuplot, with samples.gp's own datafile
 * settings, reads every one of its rows (the first one too). */
static void test_heatmap_grid(void)
{
    CU_ASSERT_FATAL(rep[0] != '\0');
    char path[512];
    snprintf(path, sizeof path, "%s/heat_nsgan.dat", rep);
    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[256];
    size_t rows = 0, blocks = 0, in_block = 0;
    double x0 = NAN, y0 = NAN, xb = NAN, lo = INFINITY, hi = -INFINITY;
    bool same_x = true, square = true;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (line[0] == '\n') {
            square &= in_block == 120;
            in_block = 0;
            continue;
        }
        double x, y, v;
        CU_ASSERT_EQUAL_FATAL(sscanf(line, "%lf,%lf,%lf", &x, &y, &v), 3);
        if (rows == 0) {
            x0 = x;
            y0 = y;
        }
        if (in_block == 0) {
            blocks++;
            xb = x;
        }
        same_x &= x == xb;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
        rows++;
        in_block++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(rows, 120 * 120);
    CU_ASSERT_EQUAL(blocks, 120);
    CU_ASSERT(same_x);
    CU_ASSERT(square);
    LG_ASSERT_MSG(lo >= 0 && hi <= 1 && hi > lo, "nsgan's shade is P(real): [%g, %g]", lo, hi);
    /* gnuplot with the script's datafile settings */
    char cmd[1024], out[512];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && { grep '^set datafile' samples.gp; echo \"stats 'heat_nsgan.dat' using 1:2 nooutput\"; "
             "echo 'print sprintf(\"%%d %%.9g %%.9g\", STATS_records, STATS_min_x, STATS_min_y)'; } > stats.gp && "
             "gnuplot stats.gp 2>&1; rm -f stats.gp", rep);
    int st = lg_test_run_capture(cmd, out, sizeof out);
    if (st == 127 || strstr(out, "not found")) {
        printf("\n    gnuplot not installed: the read-back through gnuplot is not checked");
        return;
    }
    long recs = 0;
    double gx = NAN, gy = NAN;
    LG_ASSERT_MSG(sscanf(out, "%ld %lf %lf", &recs, &gx, &gy) == 3, "gnuplot said: %s", out);
    CU_ASSERT_EQUAL(recs, 120 * 120);
    LG_ASSERT_CLOSE(gx, x0, 1e-9);
    LG_ASSERT_CLOSE(gy, y0, 1e-9);
}

/* The interval itself: 1, 2, 3, 4 has mean 2.5, s = 1.290994449, and
 * t(0.975, 3) = 3.182446305, so the half-width is 2.054260257. */
static void test_ci95(void)
{
    double v[4] = { 1, 2, 3, 4 }, mean;
    LG_ASSERT_CLOSE(lg_cmp_ci95(v, 4, &mean), 2.054260256760879, 1e-9);
    LG_ASSERT_CLOSE(mean, 2.5, 1e-15);
    CU_ASSERT(isnan(lg_cmp_ci95(v, 1, &mean)));
    LG_ASSERT_CLOSE(mean, 1.0, 1e-15);
}

/* A rerun into the same folder: only compare's own old runs go (a user's
 * file stays); the first loss fails (NaN at step 6), and is shown as failed
 * while gan is scored on its own run. */
static void test_rerun_and_failed_run(void)
{
    CU_ASSERT_FATAL(rep[0] != '\0');
    char path[512], loss[512];
    snprintf(path, sizeof path, "%s/notes.txt", rep);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("mine\n", f);
    fclose(f);
    snprintf(loss, sizeof loss, "%s:calls=5,what=loss", lg_test_plugin("nan_after"));
    const char *argv[] = { "--loss", loss, "--losses", "gan", "--steps", "20", "--seeds", "1", "--batch", "32",
                           "--g", "2-16r-2", "--d", "2-16r-1", "--out", rep, "--quiet" };
    int rc = compare(17, argv);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "1 of 2 runs failed"), "expected a failed run: %s", lg_errmsg());
    CU_ASSERT(exists(rep, "notes.txt"));
    CU_ASSERT(!exists(rep, "runs/nsgan-s1/log.csv"));
    CU_ASSERT(!exists(rep, "heat_nsgan.dat"));
    CU_ASSERT(!exists(rep, "heat_nan_after_calls-5-what-loss.dat"));
    row rows[8];
    int n = read_runs(rep, rows, 8);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    const row *bad = find_row(rows, n, "nan_after_calls-5-what-loss", 1), *good = find_row(rows, n, "gan", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    CU_ASSERT_STRING_EQUAL(bad->status, "failed");
    LG_ASSERT_MSG(!bad->f[0][0] && !bad->f[2][0], "a failed run has no scores: modes '%s', W1 '%s'", bad->f[0], bad->f[2]);
    CU_ASSERT_STRING_EQUAL(good->status, "ok");
    double w1 = atof(good->f[2]);
    LG_ASSERT_MSG(isfinite(w1) && w1 > 0.01, "gan is scored on its own run: sliced W1 %g", w1);
    snprintf(path, sizeof path, "%s/report.md", rep);
    char *md = slurp(path), line[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    CU_ASSERT_PTR_NOT_NULL_FATAL(table_row(md, "nan_after_calls-5-what-loss", line, sizeof line));
    LG_ASSERT_MSG(strstr(line, "0 of 1") && strstr(line, "| failed | failed | failed | failed |") &&
                  !strstr(line, "0.0000"), "the failed loss's row: %s", line);
    LG_ASSERT_MSG(strstr(md, "- nan_after_calls-5-what-loss seed 1: **failed**"), "report.md names the failed run");
    free(md);
    snprintf(path, sizeof path, "%s/samples.gp", rep);
    char *gp = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    LG_ASSERT_MSG(strstr(gp, "FAILED") && !strstr(gp, "heat_nan_after"), "samples.gp: the failed panel");
    free(gp);
}

/* A folder compare did not write is refused, whatever is in it. */
static void test_foreign_folder(void)
{
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/foreign", scratch());
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/data.csv", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    const char *argv[] = { "--losses", "gan", "--steps", "5", "--seeds", "1", "--out", dir, "--quiet" };
    int rc = compare(9, argv);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "did not write") && !strchr(lg_errmsg(), '\n'),
                  "a foreign folder: %s", lg_errmsg());
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0);
    snprintf(path, sizeof path, "%s/runs", dir);
    CU_ASSERT(stat(path, &st) != 0);
}

/* 1D data: densities.png from curve_*.dat (x, p_real, p_gen, D, D*), with
 * D* = p_real / (p_real + p_gen) for the GAN; --reg for every loss; a time
 * budget of 1 s; the progress lines say the ETA. */
static void test_1d_and_time_budget(void)
{
    char out[256], cmd[1024], said[8192];
    snprintf(out, sizeof out, "%s/oned", scratch());
    snprintf(cmd, sizeof cmd, "%s compare --losses gan --reg r1 --data mog1d --budget 1s --steps 100000 --seeds 1 "
             "--batch 32 --g 2-16r-1 --d 1-16r-1 --no-progress --out '%s' 2>&1", lg_test_bin(), out);
    int st = lg_test_run_capture(cmd, said, sizeof said);
    LG_ASSERT_MSG(st == 0, "compare on mog1d: %s", said);
    LG_ASSERT_MSG(strstr(said, "% of 1 runs") && strstr(said, "ETA"), "progress lines with an ETA: %s", said);
    row rows[2];
    CU_ASSERT_EQUAL_FATAL(read_runs(out, rows, 2), 1);
    long steps = atol(rows[0].f[7]);
    LG_ASSERT_MSG(!strcmp(rows[0].status, "ok") && steps > 0 && steps < 100000,
                  "1 s budget: status %s, %ld steps", rows[0].status, steps);
    /* the rate of the steps trained in the budget (the run is reopened at its
     * checkpoint to finish it, which trains none: its own rate would be 0) */
    double rate = atof(rows[0].f[3]);
    LG_ASSERT_MSG(isfinite(rate) && rate > 0 && rate < 1e7, "1 s budget: %s steps/s", rows[0].f[3]);
    CU_ASSERT(exists(out, "runs/gan-s1/samples.csv"));
    CU_ASSERT(exists(out, "densities.gp"));
    CU_ASSERT(!exists(out, "samples.gp"));
    char path[512];
    snprintf(path, sizeof path, "%s/curve_gan.dat", out);
    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[256];
    int n = 0, checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        double x, pr, pg, d, ds;
        CU_ASSERT_EQUAL_FATAL(sscanf(line, "%lf,%lf,%lf,%lf,%lf", &x, &pr, &pg, &d, &ds), 5);
        CU_ASSERT(pr >= 0 && pg >= 0 && d >= 0 && d <= 1);
        if (pr + pg > 1e-3) {
            LG_ASSERT_CLOSE(ds, pr / (pr + pg), 1e-6);
            checked++;
        }
        n++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(n, 400);
    CU_ASSERT(checked > 100);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    LG_ASSERT_MSG(!strstr(md, "samples.png") && strstr(md, "equal time"), "1D report: no 2D figure links");
    LG_ASSERT_MSG(strstr(md, "| gan | 1 s (at most 100000) | 1 | `adam:lr=2e-4,b1=0.5` | `adam:lr=2e-4,b1=0.5` | r1 |"),
                  "--reg r1 reaches the run: %s", md);
    if (exists(out, "densities.png"))
        CU_ASSERT(strstr(md, "(densities.png)") != NULL);
    free(md);
}

/* The children of pid (from /proc). */
static int children_of(pid_t pid, pid_t *kids, int max)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        char path[300], buf[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t k = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[k] = '\0';
        char *rp = strrchr(buf, ')');
        int ppid;
        char state;
        if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == pid)
            kids[n++] = (pid_t)atol(e->d_name);
    }
    closedir(d);
    return n;
}

/* SIGTERM to a running compare: it passes it on, each run writes its
 * checkpoint, compare waits for them (no process left), says how to resume
 * and exits 143. */
static void test_sigterm(void)
{
    char out[256], errf[300];
    snprintf(out, sizeof out, "%s/term", scratch());
    snprintf(errf, sizeof errf, "%s/term.err", scratch());
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *e = freopen(errf, "w", stderr);
        (void)e;
        execl(lg_test_bin(), lg_test_bin(), "compare", "--losses", "gan,wgan", "--steps", "10000000", "--seeds",
              "1", "--batch", "32", "--g", "2-16r-2", "--d", "2-16r-1", "-j", "2", "--no-progress", "--out", out,
              (char *)NULL);
        _exit(127);
    }
    CU_ASSERT_FATAL(pid > 0);
    pid_t kids[8];
    int n = 0;
    for (int i = 0; i < 200 && n < 2; i++) { /* both runs started: up to 20 s */
        usleep(100000);
        n = children_of(pid, kids, 8);
    }
    LG_ASSERT_MSG(n == 2, "compare should run 2 children, saw %d", n);
    usleep(800000); /* some steps done */
    kill(pid, SIGTERM);
    int status = 0;
    pid_t w = 0;
    for (int i = 0; i < 300 && w == 0; i++) { /* up to 30 s */
        usleep(100000);
        w = waitpid(pid, &status, WNOHANG);
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CU_FAIL("compare did not end within 30 s of SIGTERM");
    }
    LG_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 143, "exit status %d, signal %d",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    for (int i = 0; i < n; i++) /* reaped by compare, not orphaned */
        LG_ASSERT_MSG(kill(kids[i], 0) == -1 && errno == ESRCH, "child %d survived compare", (int)kids[i]);
    CU_ASSERT(exists(out, "runs/gan-s1/checkpoint.bin"));
    CU_ASSERT(exists(out, "runs/wgan-s1/checkpoint.bin"));
    row rows[4];
    CU_ASSERT_EQUAL_FATAL(read_runs(out, rows, 4), 2);
    CU_ASSERT_STRING_EQUAL(rows[0].status, "stopped");
    CU_ASSERT_STRING_EQUAL(rows[1].status, "stopped");
    char *said = slurp(errf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(said);
    LG_ASSERT_MSG(strstr(said, "litgan train --resume") && strstr(said, "stopped by signal 15"),
                  "compare says how to resume: %s", said);
    free(said);
}

static void expect_fail(const char *what, int argc, const char **argv, const char *needle)
{
    int rc = compare(argc, argv);
    LG_ASSERT_MSG(rc != LG_OK, "%s: expected failure", what);
    LG_ASSERT_MSG(strstr(lg_errmsg(), needle) && !strchr(lg_errmsg(), '\n'),
                  "%s: message '%s' should be one line mentioning '%s'", what, lg_errmsg(), needle);
}

static void test_bad_options(void)
{
    const char *a[] = { "--steps", "10" };
    expect_fail("no losses", 2, a, "--losses");
    const char *b[] = { "--losses", "nsgan,nosuch", "--steps", "10", "--out", "/tmp/litgan-never" };
    expect_fail("unknown loss", 6, b, "nosuch");
    const char *c[] = { "--losses", "nsgan", "--seeds", "0" };
    expect_fail("zero seeds", 4, c, "--seeds");
    const char *d[] = { "--losses", "nsgan", "--data", "ring9" };
    expect_fail("bad data", 4, d, "ring9");
    const char *e[] = { "--losses", "nsgan", "--bogus", "1" };
    expect_fail("unknown option", 4, e, "--bogus");
    const char *f[] = { "--losses", "clip" };
    expect_fail("a regularizer is not a loss", 2, f, "regularizer");
    const char *g[] = { "--losses", "gan,gan", "--steps", "5" };
    expect_fail("a loss named twice", 4, g, "'gan' is named twice");
    const char *h[] = { "--losses", "wgan+nosuch", "--steps", "5" };
    expect_fail("an unknown regularizer", 4, h, "nosuch");
    const char *i[] = { "--losses", "gan", "--budget", "5x" };
    expect_fail("a bad budget", 4, i, "--budget '5x'");
    const char *j[] = { "--losses", "wgan+", "--steps", "5" };
    expect_fail("a '+' with nothing after", 4, j, "nothing after '+'");
}

/* One run at a time: the longest starts first. wgan takes 5 critic steps per
 * generator step (6 updates a step against nsgan's 2), and biganqp 2 with an
 * encoder and a wider critic, so the order is wgan, biganqp, nsgan whatever
 * the command line's; equal runs (the seeds) keep their order. --threads is
 * checked, and each run takes it (its result is the same bits at 1 thread). */
static void test_longest_first_and_threads(void)
{
    char out[512], cmd[2048], text[8192];
    snprintf(out, sizeof out, "%s/order", scratch());
    snprintf(cmd, sizeof cmd, "%s compare --losses nsgan,biganqp,wgan --seeds 2 --steps 4 -j 1 --threads 1 "
             "--no-progress --out %s 2>&1", lg_test_bin(), out);
    int rc = lg_test_run_capture(cmd, text, sizeof text);
    LG_ASSERT_MSG(rc == 0, "compare failed (%d):\n%s", rc, text);
    const char *want[] = { "wgan seed 1 done", "wgan seed 2 done", "biganqp seed 1 done", "biganqp seed 2 done",
                           "nsgan seed 1 done", "nsgan seed 2 done" };
    const char *at = text;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const char *hit = strstr(at, want[k]);
        LG_ASSERT_MSG(hit != NULL, "'%s' not after the runs before it:\n%s", want[k], text);
        at = hit ? hit : at;
    }
    const char *a[] = { "--losses", "nsgan", "--threads", "0" };
    expect_fail("zero threads", 4, a, "--threads");
    const char *b[] = { "--losses", "nsgan", "--threads", "257" };
    expect_fail("too many threads", 4, b, "--threads");
}

/* compare --plan writes one command per run (the longest first), GNU parallel
 * runs them two at a time, and compare --collect scores them: the same modes,
 * sliced W1 and losses as compare's own runs of the same plan (the scores
 * are of the same checkpoints; steps/s and seconds are the machine's). Then a
 * run retrained with another seed in its folder is refused by name, and a
 * missing run is reported "not run" with a non-zero exit. */
static void test_plan_parallel_collect(void)
{
    char out[512], cmds[600], cmd[2048], text[8192], own[512];
    snprintf(out, sizeof out, "%s/plan", scratch());
    snprintf(cmds, sizeof cmds, "%s/plan-commands.txt", scratch());
    snprintf(own, sizeof own, "%s/plan-own", scratch());
    const char *a[] = { "--losses", "nsgan,wgan", "--seeds", "1", "--steps", "12", "--quiet", "--out", out,
                        "--plan", cmds };
    LG_ASSERT_MSG(compare(11, a) == LG_OK, "--plan: %s", lg_errmsg());
    char *list = slurp(cmds);
    LG_ASSERT_MSG(list && strstr(list, "--seed 1") && strstr(list, "--out ") && strstr(list, "wgan-s1") &&
                      strstr(list, "wgan-s1") < strstr(list, "nsgan-s1"),
                  "the plan's commands (wgan, the longer, first):\n%s", list ? list : "(none)");
    free(list);
    LG_ASSERT_MSG(system("command -v parallel >/dev/null 2>&1") == 0,
                  "GNU parallel is missing (make test installs it: sh core/deps.sh test)");
    snprintf(cmd, sizeof cmd, "parallel --will-cite -j 2 < %s 2>&1", cmds);
    int rc = lg_test_run_capture(cmd, text, sizeof text);
    LG_ASSERT_MSG(rc == 0, "parallel ran the plan with status %d:\n%s", rc, text);
    const char *b[] = { "--collect", out, "--quiet" };
    LG_ASSERT_MSG(compare(3, b) == LG_OK, "--collect: %s", lg_errmsg());
    const char *c[] = { "--losses", "nsgan,wgan", "--seeds", "1", "--steps", "12", "--quiet", "--out", own };
    LG_ASSERT_MSG(compare(9, c) == LG_OK, "compare's own runs: %s", lg_errmsg());
    row got[4], want[4];
    int n = read_runs(out, got, 4), m = read_runs(own, want, 4);
    LG_ASSERT_MSG(n == 2 && m == 2, "runs.csv rows: %d collected, %d own", n, m);
    for (int i = 0; i < n && i < m; i++) {
        LG_ASSERT_MSG(!strcmp(got[i].status, "ok"), "%s: %s", got[i].loss, got[i].status);
        int same[] = { 0, 1, 2, 4, 5, 7 }; /* modes, hq, sliced W1, loss_d, loss_g, steps */
        for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
            LG_ASSERT_MSG(!strcmp(got[i].f[same[k]], want[i].f[same[k]]), "%s field %d: collected %s, own %s",
                          got[i].loss, same[k], got[i].f[same[k]], want[i].f[same[k]]);
    }
    /* wgan-s1 retrained with seed 2: another configuration */
    snprintf(cmd, sizeof cmd, "%s train --loss wgan --steps 12 --seed 2 --quiet --no-figures --force --out "
             "%s/runs/wgan-s1 2>&1", lg_test_bin(), out);
    LG_ASSERT_MSG(lg_test_run_capture(cmd, text, sizeof text) == 0, "retraining: %s", text);
    LG_ASSERT_MSG(compare(3, b) != LG_OK && strstr(lg_errmsg(), "wgan-s1") && strstr(lg_errmsg(), "another "
                  "configuration") && !strchr(lg_errmsg(), '\n'), "a foreign run: '%s'", lg_errmsg());
    /* wgan-s1 gone: not run, and a non-zero exit */
    snprintf(cmd, sizeof cmd, "%s/runs/wgan-s1", out);
    lg_rm_rf(cmd);
    LG_ASSERT_MSG(compare(3, b) != LG_OK && strstr(lg_errmsg(), "1 of 2 planned runs have not finished"),
                  "a missing run: '%s'", lg_errmsg());
    n = read_runs(out, got, 4);
    LG_ASSERT_MSG(n == 2 && !strcmp(got[0].status, "ok") && !strcmp(got[1].status, "not run"),
                  "runs.csv after a missing run: %d rows, %s, %s", n, n > 0 ? got[0].status : "-",
                  n > 1 ? got[1].status : "-");
    const char *d[] = { "--collect", scratch(), "--quiet" };
    LG_ASSERT_MSG(compare(3, d) != LG_OK && strstr(lg_errmsg(), "plan.txt"), "no plan: '%s'", lg_errmsg());
    const char *e[] = { "--collect", out, "--losses", "gan" };
    LG_ASSERT_MSG(compare(4, e) != LG_OK, "--collect with --losses must be refused");
}

/* The plan's "run" line of a plan.txt: its label, seed, hash and steps. */
static bool plan_run_line(const char *plan, char *buf, size_t len)
{
    const char *p = plan ? strstr(plan, "\nrun ") : NULL;
    if (!p)
        return false;
    snprintf(buf, len, "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
    return true;
}

/* compare --nets dcgan: the plan's commands and plan.txt carry the family (the
 * run's configuration, its hash, is not the MLP's), --collect reads it back
 * (the report names it), and a family that does not exist or does not fit the
 * data is refused in one line before any folder is made. */
static void test_nets(void)
{
    char out[512], cmds[600], mlp[512], mlp_cmds[600], path[700], cmd[2048], text[4096];
    snprintf(out, sizeof out, "%s/nets", scratch());
    snprintf(cmds, sizeof cmds, "%s/nets-commands.txt", scratch());
    snprintf(mlp, sizeof mlp, "%s/nets-mlp", scratch());
    snprintf(mlp_cmds, sizeof mlp_cmds, "%s/nets-mlp-commands.txt", scratch());
    const char *a[] = { "--losses", "nsgan", "--data", "mnist", "--nets", "dcgan", "--seeds", "1", "--steps", "10",
                        "--quiet", "--out", out, "--plan", cmds };
    LG_ASSERT_MSG(compare(15, a) == LG_OK, "--nets dcgan --plan: %s", lg_errmsg());
    const char *b[] = { "--losses", "nsgan", "--data", "mnist", "--nets", "mlp", "--seeds", "1", "--steps", "10",
                        "--quiet", "--out", mlp, "--plan", mlp_cmds };
    LG_ASSERT_MSG(compare(15, b) == LG_OK, "--nets mlp --plan: %s", lg_errmsg());
    char *list = slurp(cmds), *list_mlp = slurp(mlp_cmds);
    snprintf(path, sizeof path, "%s/plan.txt", out);
    char *plan = slurp(path);
    snprintf(path, sizeof path, "%s/plan.txt", mlp);
    char *plan_mlp = slurp(path);
    CU_ASSERT_FATAL(list && list_mlp && plan && plan_mlp);
    LG_ASSERT_MSG(strstr(list, " --nets dcgan ") && strstr(list, " --data mnist "), "the command: %s", list);
    LG_ASSERT_MSG(strstr(plan, "\nnets dcgan\n"), "plan.txt: %s", plan);
    /* mlp is the default: written as nothing, as train's own default */
    LG_ASSERT_MSG(!strstr(list_mlp, "--nets") && !strstr(plan_mlp, "nets "), "mlp plan: %s\n%s", list_mlp, plan_mlp);
    char run_dc[256], run_mlp[256];
    CU_ASSERT_FATAL(plan_run_line(plan, run_dc, sizeof run_dc) && plan_run_line(plan_mlp, run_mlp, sizeof run_mlp));
    LG_ASSERT_MSG(strcmp(run_dc, run_mlp) != 0, "DCGAN and MLP runs share a hash: %s", run_dc);
    free(list), free(list_mlp), free(plan), free(plan_mlp);
    /* --collect takes the family from plan.txt: the (unrun) run is "not run",
     * and the report says which networks */
    const char *c[] = { "--collect", out, "--quiet" };
    LG_ASSERT_MSG(compare(3, c) != LG_OK && strstr(lg_errmsg(), "1 of 1 planned runs have not finished"),
                  "--collect of an unrun plan: '%s'", lg_errmsg());
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    LG_ASSERT_MSG(md && strstr(md, "the default networks are the dcgan family's (--nets"), "report.md: %.400s",
                  md ? md : "(none)");
    free(md);
    /* refusals: an unknown family (the CLI, exit 2), and DCGAN on points */
    snprintf(cmd, sizeof cmd, "%s compare --losses nsgan --data mnist --nets resnet --out %s/never 2>&1",
             lg_test_bin(), scratch());
    CU_ASSERT_EQUAL(lg_test_run_capture(cmd, text, sizeof text), 2);
    LG_ASSERT_MSG(strstr(text, "--nets 'resnet': the families are mlp (the default) and dcgan") &&
                  strchr(text, '\n') == text + strlen(text) - 1, "--nets resnet: %s", text);
    snprintf(path, sizeof path, "%s/never", scratch());
    const char *d[] = { "--losses", "nsgan", "--data", "ring8", "--nets", "dcgan", "--steps", "5", "--out", path };
    expect_fail("dcgan on points", 10, d, "not images");
    struct stat st;
    LG_ASSERT_MSG(stat(path, &st) != 0, "a refused compare made its folder %s", path);
}

/* Every loss with its paper's defaults on the ring of 8 (radius 2, sigma 0.02),
 * default nets, batch 256, 1000 steps, seed 1. Measured (README) over seeds 1-4:
 *   modes    gan 8 8 8 8, nsgan 8 7 1 7, wgan 7 5 5 7, ganqp 8 7 6 8, biganqp 6 8 6 7
 *   sliced W1 <= 0.20 (gan), 0.25 (nsgan but seed 3: 1.41), 0.30 (wgan), 0.24 (ganqp), 0.22 (biganqp)
 * and on seed 1: modes 8, 8, 7, 8, 6 and sliced W1 0.131, 0.135, 0.223, 0.129, 0.193.
 * The thresholds: at least 5 modes and sliced W1 <= 0.35 (an untrained G scores
 * about 1.2), with margin on seed 1 for every loss. */
static void test_quality_thresholds(void)
{
    char out[256];
    snprintf(out, sizeof out, "%s/quality", scratch());
    const char *argv[] = { "--losses", "gan,nsgan,wgan,ganqp,biganqp", "--steps", "1000", "--seeds", "1",
                           "--out", out, "--quiet" };
    CU_ASSERT_EQUAL_FATAL(compare(9, argv), LG_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/runs.csv", out);
    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[512];
    int rows = 0;
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char loss[64], status[16];
        int seed;
        double modes, hq, sw1;
        int n = sscanf(line, "%63[^,],%d,%15[^,],%lf,%lf,%lf", loss, &seed, status, &modes, &hq, &sw1);
        CU_ASSERT_EQUAL(n, 6);
        LG_ASSERT_MSG(!strcmp(status, "ok"), "%s: run failed", loss);
        LG_ASSERT_MSG(modes >= 5, "%s seed 1: %.0f of 8 modes covered (threshold 5)", loss, modes);
        LG_ASSERT_MSG(sw1 <= 0.35, "%s seed 1: sliced W1 %.3f (threshold 0.35)", loss, sw1);
        printf("\n    %-8s modes %.0f  high quality %5.2f%%  sliced W1 %.3f", loss, modes, hq, sw1);
        rows++;
    }
    fclose(f);
    CU_ASSERT_EQUAL(rows, 5);
}

/* Images: every loss and regularizer of the course on MNIST (tiny nets, a few
 * steps, the encoder's default for images; the gradient penalty, R1 and
 * consensus take input gradients and Hessian-vector products on 784
 * values): runs.csv and the table score each with the
 * classifier (FID, classes, inception score), samples.png is a row per loss,
 * metrics.png plots classes and FID, and no 784-column real.csv is written. */
static void test_images(void)
{
    char out[256], path[512];
    snprintf(out, sizeof out, "%s/img", scratch());
    const char *argv[] = { "--losses", "gan,nsgan,wgan,ganqp,biganqp,wgan+gp,nsgan+r1,nsgan+consensus", "--data",
                           "mnist", "--steps", "6",
                           "--seeds", "1", "--g", "16-64l-784t", "--d", "784-64l-1", "--out", out, "--quiet" };
    CU_ASSERT_EQUAL_FATAL(compare((int)(sizeof argv / sizeof argv[0]), argv), LG_OK);
    snprintf(path, sizeof path, "%s/runs.csv", out);
    char *csv = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    LG_ASSERT_MSG(strstr(csv, ",d_steps,fid,classes,min_class_pct,inception\n"), "runs.csv header: %.200s", csv);
    const char *losses[] = { "gan", "nsgan", "wgan", "ganqp", "biganqp", "wgan+gp", "nsgan+r1", "nsgan+consensus" };
    for (size_t l = 0; l < sizeof losses / sizeof losses[0]; l++) {
        char key[64];
        snprintf(key, sizeof key, "\n%s,1,ok,", losses[l]);
        char *p = strstr(csv, key);
        LG_ASSERT_MSG(p, "runs.csv has no finished %s run:\n%s", losses[l], csv);
        if (!p)
            continue;
        /* the last four fields: fid, classes, rarest class %, inception score */
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
        double v[4];
        for (int k = 3; k >= 0; k--) {
            char *comma = strrchr(line, ',');
            CU_ASSERT_PTR_NOT_NULL_FATAL(comma);
            v[k] = atof(comma + 1);
            *comma = '\0';
        }
        LG_ASSERT_MSG(isfinite(v[0]) && v[0] > 0, "%s: fid %g", losses[l], v[0]);
        LG_ASSERT_MSG(v[1] >= 1 && v[1] <= 10, "%s: classes %g", losses[l], v[1]);
        LG_ASSERT_MSG(v[2] >= 0 && v[2] <= 100, "%s: rarest class %g%%", losses[l], v[2]);
        LG_ASSERT_MSG(v[3] >= 1 - 1e-9 && v[3] <= 10 + 1e-9, "%s: inception score %g", losses[l], v[3]);
    }
    free(csv);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    LG_ASSERT_MSG(strstr(md, "| loss | runs finished | FID | classes (of 10) | rarest class % | inception score |"),
                  "report.md: the image table");
    LG_ASSERT_MSG(strstr(md, "**FID**") && strstr(md, "(samples.png)") && strstr(md, "(metrics.png)") &&
                  !strstr(md, "sliced W1"), "report.md: image metrics and figures");
    free(md);
    const char *files[] = { "samples.png", "samples.dat", "samples.gp", "metrics.png", "runs/biganqp-s1/checkpoint.bin" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        LG_ASSERT_MSG(exists(out, files[i]), "%s/%s is missing or empty", out, files[i]);
    CU_ASSERT_FALSE(exists(out, "real.csv"));
    snprintf(path, sizeof path, "%s/samples.gp", out);
    char *gp = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    LG_ASSERT_MSG(strstr(gp, "biganqp") && strstr(gp, "wgan"), "samples.gp labels a row per loss");
    free(gp);
    snprintf(path, sizeof path, "%s/metrics.gp", out);
    gp = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    LG_ASSERT_MSG(strstr(gp, "'fid'") && strstr(gp, "'classes'"), "metrics.gp plots fid and classes");
    free(gp);
}

void lg_suite_compare(void)
{
    LG_ADD_SUITE("compare",
                 { "bad options give one-line errors", test_bad_options },
                 { "one run at a time: the longest first; --threads", test_longest_first_and_threads },
                 { "--plan, GNU parallel, --collect: the same scores; foreign and missing runs", test_plan_parallel_collect },
                 { "--nets dcgan: in the plan, read back by --collect; bad families refused", test_nets },
                 { "the report folder is complete", test_report_folder },
                 { "the heatmap grid is read back whole", test_heatmap_grid },
                 { "the 95% t interval by hand", test_ci95 },
                 { "a rerun clears its own runs; a failed run is shown failed", test_rerun_and_failed_run },
                 { "a foreign folder is refused", test_foreign_folder },
                 { "1D figures, a time budget, progress with an ETA", test_1d_and_time_budget },
                 { "SIGTERM: checkpoints, no orphans", test_sigterm },
                 { "every loss learns the ring (thresholds)", test_quality_thresholds },
                 { "images: every loss and regularizer on MNIST, scored by the classifier", test_images });
}
