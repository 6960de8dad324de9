/*
 * test_compare.c - `litgan compare` end to end on a tiny task: the report
 * folder holds the table, every run, the figures' scripts and data; bad
 * options give one-line errors.
 */
#include "lg_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char root[] = "/tmp/litgan-compare-XXXXXX";

static int compare(int argc, const char **argv)
{
    return lg_test_cli("compare", argc, (char **)argv);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
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

static void test_report_folder(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
    char out[256];
    snprintf(out, sizeof out, "%s/rep", root);
    const char *argv[] = { "--losses", "nsgan,gan", "--loss", "ganqp:metric=l2", "--steps", "40",
                           "--seeds", "2", "--batch", "32", "--g", "2-16r-2", "--d", "2-16r-1",
                           "--out", out, "--quiet" };
    CU_ASSERT_EQUAL_FATAL(compare(17, argv), LG_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    LG_ASSERT_MSG(strstr(md, "| nsgan |") && strstr(md, "| gan |") && strstr(md, "| ganqp_metric-l2 |"),
                  "report.md lacks a row per loss:\n%s", md);
    LG_ASSERT_MSG(strstr(md, "modes covered (of 8)") && strstr(md, "±"), "report.md table header:\n%s", md);
    free(md);
    snprintf(path, sizeof path, "%s/runs.csv", out);
    char *csv = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    int rows = 0, ok = 0;
    for (char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        rows++;
        ok += strncmp(strchr(p + 1, ',') + 1, "1,ok", 4) == 0 || strncmp(strchr(p + 1, ',') + 1, "2,ok", 4) == 0;
    }
    CU_ASSERT_EQUAL(rows, 6);
    CU_ASSERT_EQUAL(ok, 6);
    free(csv);
    const char *files[] = { "samples.gp", "metrics.gp", "heat_nsgan.dat", "samples_nsgan.csv", "real.csv",
                            "runs/gan-s2/log.csv", "runs/ganqp_metric-l2-s1/checkpoint.bin" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        LG_ASSERT_MSG(exists(out, files[i]), "%s/%s is missing or empty", out, files[i]);
    /* the scripts name their data by relative paths, so the folder can move */
    snprintf(path, sizeof path, "%s/samples.gp", out);
    char *gp = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    LG_ASSERT_MSG(strstr(gp, "'heat_gan.dat'") && !strstr(gp, root), "samples.gp should use relative paths");
    free(gp);
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
    snprintf(out, sizeof out, "%s/quality", root);
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

void lg_suite_compare(void)
{
    LG_ADD_SUITE("compare",
                 { "bad options give one-line errors", test_bad_options },
                 { "the report folder is complete", test_report_folder },
                 { "every loss learns the ring (thresholds)", test_quality_thresholds });
}
