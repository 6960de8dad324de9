/*
 * test_labs.c - the labs' content proves that it grades (Labs 01 and 02).
 *
 * labs_content   both labs are registered with their tasks, files, writeup and
 *                experiment definition; every task has visible tests with points;
 *                the writeup names every task and every "@code FILE REGION" line
 *                names a region that exists.
 * labs_grading   per lab: the reference files score full marks; the untouched
 *                handout (made by `litgan handout`, lg_handout_main) scores zero and
 *                says "Task N.M is not implemented yet" for every task; every wrong
 *                implementation in tests/labs/NN-name/mutants.txt (at least five,
 *                each applying exactly once) loses points. The points of every run
 *                are printed as a table.
 * labs_experiment per lab: the experiment, shortened through a copy of lab.ini
 *                (later keys override earlier ones), writes its CSV data, gnuplot
 *                scripts, results.md and (with gnuplot) its PNG figures; Lab 01's
 *                C(G) from optimal.c agrees with -log 4 + 2 JSD from lg_jsd_1d on the
 *                estimated densities; a bad key in lab.ini is named with its line.
 */
#include "lg_test.h"
#include "lg_lab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ----------------------------------------------------------------- helpers --- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0, k;
    char chunk[65536];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = 2 * (n + k + 1);
            buf = lg_xrealloc(buf, cap);
        }
        memcpy(buf + n, chunk, k);
        n += k;
    }
    fclose(f);
    if (!buf)
        buf = lg_xcalloc(1, 1);
    buf[n] = '\0';
    return buf;
}

static bool spill(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p && len; p = strstr(p + len, needle))
        n++;
    return n;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static const lg_lab *find_lab(const char *which)
{
    const lg_lab *lab = lg_lab_find(which);
    LG_ASSERT_MSG(lab != NULL, "lab %s is not registered: %s", which, lg_errmsg());
    return lab;
}

/* A submission folder named name holding the lab's reference files by basename,
 * with file `edit` (a lab file path, or NULL) replaced by text. */
static const char *make_submission(const lg_lab *lab, const char *name, const char *edit, const char *text)
{
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir(name));
    LG_ASSERT_MSG(lg_mkdir_p(dir) == LG_OK, "cannot make %s", dir);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        char src[2048], dst[2048];
        snprintf(src, sizeof src, "%s/%s", lg_source_root(), lab->files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, base_name(lab->files[i]));
        char *s = (edit && !strcmp(edit, lab->files[i])) ? lg_xstrdup(text) : slurp(src);
        LG_ASSERT_MSG(s && spill(dst, s), "cannot write %s", dst);
        free(s);
    }
    return dir;
}

/* Grade; the table in *table (caller frees). */
static int grade(const lg_lab *lab, const char *sub, double *score, double *max, char **table)
{
    size_t tl;
    FILE *f = open_memstream(table, &tl);
    *score = *max = -1;
    int rc = lg_grade_lab(lab, sub, NULL, f, score, max);
    fclose(f);
    return rc;
}

/* --------------------------------------------------------------- content --- */

static void check_lab_content(const char *which)
{
    const lg_lab *lab = find_lab(which);
    if (!lab)
        return;
    char path[2048];
    snprintf(path, sizeof path, "%s/labs/%s/README.md", lg_source_root(), lab->dir);
    char *readme = slurp(path);
    LG_ASSERT_MSG(readme != NULL, "no writeup %s", path);
    snprintf(path, sizeof path, "%s/labs/%s/lab.ini", lg_source_root(), lab->dir);
    LG_ASSERT_MSG(exists(path), "no experiment definition %s", path);
    CU_ASSERT(lab->experiment != NULL);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", lg_source_root(), lab->files[i]);
        LG_ASSERT_MSG(exists(path), "lab %s lists %s, which does not exist", which, lab->files[i]);
    }
    size_t n;
    const lg_grade_test *t = lg_lab_tests(lab, &n);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        double visible = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(t[i].task, lab->tasks[k].number) && t[i].visibility == LG_VISIBLE)
                visible += t[i].points;
        LG_ASSERT_MSG(visible > 0, "task %s has no visible test with points", lab->tasks[k].number);
        char name[32];
        snprintf(name, sizeof name, "Task %s", lab->tasks[k].number);
        LG_ASSERT_MSG(readme && strstr(readme, name), "the writeup never names %s", name);
    }
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t k = 0; k < lab->n_tasks; k++)
            known |= !strcmp(t[i].task, lab->tasks[k].number);
        LG_ASSERT_MSG(known, "test '%s' belongs to task %s, which lab %s does not have", t[i].name, t[i].task, which);
    }
    /* every "@code FILE REGION" names a region of that file */
    for (const char *p = readme ? strstr(readme, "\n@code ") : NULL; p; p = strstr(p + 1, "\n@code ")) {
        char file[512], region[128];
        LG_ASSERT_MSG(sscanf(p + 7, "%511s %127s", file, region) == 2, "malformed @code line: %.60s", p + 1);
        snprintf(path, sizeof path, "%s/%s", lg_source_root(), file);
        char *src = slurp(path);
        LG_ASSERT_MSG(src != NULL, "@code names %s, which does not exist", file);
        char marker[192];
        snprintf(marker, sizeof marker, "/* REGION %s */", region);
        LG_ASSERT_MSG(src && count(src, marker) == 1, "@code %s %s: the region is not in the file exactly once", file,
                      region);
        free(src);
    }
    free(readme);
}

static void test_content_01(void) { check_lab_content("01"); }
static void test_content_02(void) { check_lab_content("02"); }

/* --------------------------------------------------------------- grading --- */

static void check_reference(const char *which)
{
    const lg_lab *lab = find_lab(which);
    if (!lab)
        return;
    double score, max;
    char *table;
    int rc = grade(lab, NULL, &score, &max, &table);
    size_t n;
    const lg_grade_test *t = lg_lab_tests(lab, &n);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].points;
    LG_ASSERT_MSG(rc == LG_OK && score == max && max == total,
                  "lab %s, reference: rc %d, %g / %g (tests hold %g points)\n%s", which, rc, score, max, total, table);
    printf("\n    lab %s  reference   %5.1f / %.1f", which, score, max);
    free(table);
}

/* The untouched handout: made by `litgan handout OUTDIR` (once for both labs). */
static const char *handout_dir(void)
{
    static char out[1024];
    static int made = -1;
    if (made < 0) {
        snprintf(out, sizeof out, "%s", lg_test_tmpdir("labs-handout"));
        char *argv[] = { out };
        made = lg_handout_main(1, argv) == LG_OK;
    }
    LG_ASSERT_MSG(made == 1, "litgan handout %s failed: %s", out, lg_errmsg());
    return made == 1 ? out : NULL;
}

static void check_handout(const char *which)
{
    const lg_lab *lab = find_lab(which);
    const char *ho = handout_dir();
    if (!lab || !ho)
        return;
    char name[64];
    snprintf(name, sizeof name, "labs-handout-sub-%s", which);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s", lg_test_tmpdir(name));
    LG_ASSERT_MSG(lg_mkdir_p(sub) == LG_OK, "cannot make %s", sub);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        char src[2048], dst[2048];
        snprintf(src, sizeof src, "%s/%s", ho, lab->files[i]);
        snprintf(dst, sizeof dst, "%s/%s", sub, base_name(lab->files[i]));
        char *s = slurp(src);
        LG_ASSERT_MSG(s != NULL, "the handout has no %s", lab->files[i]);
        if (!s)
            return;
        LG_ASSERT_MSG(!strstr(s, "SOLUTION"), "%s: a solution marker survived the handout", lab->files[i]);
        LG_ASSERT_MSG(spill(dst, s), "cannot write %s", dst);
        free(s);
    }
    double score, max;
    char *table;
    int rc = grade(lab, sub, &score, &max, &table);
    LG_ASSERT_MSG(rc == LG_EINVAL && score == 0 && max > 0, "lab %s, untouched handout: rc %d, %g / %g\n%s", which,
                  rc, score, max, table);
    /* each task fails clearly */
    for (size_t k = 0; k < lab->n_tasks; k++) {
        char msg[64];
        snprintf(msg, sizeof msg, "Task %s is not implemented yet", lab->tasks[k].number);
        LG_ASSERT_MSG(strstr(table, msg), "the handout's failures never say '%s':\n%s", msg, table);
    }
    printf("\n    lab %s  handout     %5.1f / %.1f", which, score, max);
    free(table);
}

/* tests/labs/NN-name/mutants.txt: file TAB search TAB replace TAB what mistake */
static void check_mutants(const char *which)
{
    const lg_lab *lab = find_lab(which);
    if (!lab)
        return;
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/labs/%s/mutants.txt", lg_source_root(), lab->dir);
    char *list = slurp(path);
    LG_ASSERT_MSG(list != NULL, "no %s", path);
    if (!list)
        return;
    size_t n_mut = 0, n_lost = 0;
    char *save = NULL;
    for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *f[4] = { line, NULL, NULL, NULL };
        for (int k = 1; k < 4; k++) {
            char *tab = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
            if (tab) {
                *tab = '\0';
                f[k] = tab + 1;
            }
        }
        LG_ASSERT_MSG(f[3] && *f[3], "%s: a line without four tab-separated fields: %s", path, line);
        if (!f[3])
            continue;
        n_mut++;
        bool listed = false;
        for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
            listed |= !strcmp(lab->files[i], f[0]);
        LG_ASSERT_MSG(listed, "mutant %zu edits %s, not a file of lab %s", n_mut, f[0], which);
        char src_path[2048];
        snprintf(src_path, sizeof src_path, "%s/%s", lg_source_root(), f[0]);
        char *src = slurp(src_path);
        size_t hits = src ? count(src, f[1]) : 0;
        LG_ASSERT_MSG(hits == 1, "mutant %zu (%s): '%s' occurs %zu times in %s (must be once)", n_mut, f[3], f[1],
                      hits, f[0]);
        if (hits != 1) {
            free(src);
            continue;
        }
        /* the single literal replacement */
        const char *at = strstr(src, f[1]);
        size_t pre = (size_t)(at - src), ls = strlen(f[1]), lr = strlen(f[2]);
        char *mut = lg_xmalloc(strlen(src) - ls + lr + 1);
        memcpy(mut, src, pre);
        memcpy(mut + pre, f[2], lr);
        strcpy(mut + pre + lr, at + ls);
        char name[64];
        snprintf(name, sizeof name, "labs-mutant-%s-%02zu", which, n_mut);
        const char *sub = make_submission(lab, name, f[0], mut);
        double score, max;
        char *table;
        grade(lab, sub, &score, &max, &table);
        LG_ASSERT_MSG(score >= 0 && score < max, "mutant %zu does not lose points (%g / %g): %s\n%s", n_mut, score,
                      max, f[3], table);
        n_lost += score >= 0 && score < max;
        printf("\n    lab %s  mutant %2zu   %5.1f / %.1f  %s", which, n_mut, score, max, f[3]);
        free(table);
        free(mut);
        free(src);
    }
    LG_ASSERT_MSG(n_mut >= 5, "%s holds %zu mutants; at least five are needed", path, n_mut);
    printf("\n    lab %s: %zu of %zu mutants lose points ", which, n_lost, n_mut);
    free(list);
}

static void test_reference_01(void) { check_reference("01"); }
static void test_reference_02(void) { check_reference("02"); }
static void test_handout_01(void) { check_handout("01"); }
static void test_handout_02(void) { check_handout("02"); }
static void test_mutants_01(void) { check_mutants("01"); }
static void test_mutants_02(void) { check_mutants("02"); }

/* ------------------------------------------------------------ experiment --- */

/* Run lab's experiment with its lab.ini plus the lines of extra (overrides),
 * into a fresh folder; returns the folder. */
static const char *run_experiment(const lg_lab *lab, const char *name, const char *extra, int *rc)
{
    static char out[1024];
    char ini_src[2048], ini[1024];
    snprintf(ini_src, sizeof ini_src, "%s/labs/%s/lab.ini", lg_source_root(), lab->dir);
    snprintf(ini, sizeof ini, "%s", lg_test_tmpdir(name));
    snprintf(out, sizeof out, "%s.out", ini);
    char *text = slurp(ini_src);
    LG_ASSERT_MSG(text != NULL, "cannot read %s", ini_src);
    size_t len = strlen(text ? text : "") + strlen(extra) + 2;
    char *all = lg_xmalloc(len);
    snprintf(all, len, "%s\n%s", text ? text : "", extra);
    LG_ASSERT_MSG(spill(ini, all), "cannot write %s", ini);
    free(all);
    free(text);
    LG_ASSERT_MSG(lg_mkdir_p(out) == LG_OK, "cannot make %s", out);
    *rc = lab->experiment(lab, ini, out);
    return out;
}

static bool have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

static void check_files(const char *dir, const char *const *files, size_t n)
{
    char path[2048];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        bool png = strstr(files[i], ".png") != NULL;
        if (png && !have_gnuplot())
            continue;
        LG_ASSERT_MSG(exists(path), "the experiment wrote no %s", path);
    }
}

static void test_experiment_01(void)
{
    const lg_lab *lab = find_lab("01");
    if (!lab)
        return;
    int rc;
    const char *out = run_experiment(lab, "lab01.ini",
                                     "steps = 40\nsnapshots = 0, 20, 40\nsamples = 3000\ncurve_every = 20\n"
                                     "grid = -5, 5, 101\n", &rc);
    LG_ASSERT_MSG(rc == LG_OK, "lab 01 experiment: %s", lg_errmsg());
    const char *files[] = { "snap_00000.csv", "snap_00020.csv", "snap_00040.csv", "criterion.csv",
                            "fig_training.gp", "fig_criterion.gp", "results.md", "fig_training.png",
                            "fig_criterion.png" };
    check_files(out, files, sizeof files / sizeof files[0]);
    char path[2048];
    snprintf(path, sizeof path, "%s/results.md", out);
    char *md = slurp(path);
    LG_ASSERT_MSG(md && strstr(md, "| 20 |") && strstr(md, "| 40 |") && strstr(md, "seed 1"),
                  "results.md lacks the rows of steps 20 and 40 or the seed:\n%s", md ? md : "");
    free(md);
    /* C(G) of the reference optimal.c against -log 4 + 2 JSD on the same estimated
     * densities: steps 0, 20, 40 */
    snprintf(path, sizeof path, "%s/criterion.csv", out);
    FILE *f = fopen(path, "r");
    char line[512];
    size_t rows = 0;
    double worst = 0;
    while (f && fgets(line, sizeof line, f)) {
        long step;
        double mine, ref, jsd, w1;
        if (sscanf(line, "%ld,%lf,%lf,%lf,%lf", &step, &mine, &ref, &jsd, &w1) == 5) {
            rows++;
            worst = fmax(worst, fabs(mine - ref));
            CU_ASSERT(ref >= -log(4.0) - 1e-9 && ref <= 1e-9);
        }
    }
    if (f)
        fclose(f);
    CU_ASSERT_EQUAL(rows, 3);
    LG_ASSERT_MSG(worst <= 1e-6, "C(G) from optimal.c and from lg_jsd_1d differ by %.3g", worst);
    printf("\n    lab 01 experiment: |C(G) - (-log 4 + 2 JSD)| <= %.2e on the estimated densities ", worst);
}

static void test_experiment_02(void)
{
    const lg_lab *lab = find_lab("02");
    if (!lab)
        return;
    int rc;
    const char *out = run_experiment(lab, "lab02.ini",
                                     "steps = 30\nd_pretrain = 100\nlog_every = 10\nsamples = 1000\n", &rc);
    LG_ASSERT_MSG(rc == LG_OK, "lab 02 experiment: %s", lg_errmsg());
    const char *files[] = { "train_gan.csv", "train_nsgan.csv", "curves.csv", "final.csv", "fig_gradients.gp",
                            "fig_training.gp", "fig_densities.gp", "results.md", "fig_gradients.png",
                            "fig_training.png", "fig_densities.png" };
    check_files(out, files, sizeof files / sizeof files[0]);
    char path[2048];
    snprintf(path, sizeof path, "%s/results.md", out);
    char *md = slurp(path);
    LG_ASSERT_MSG(md && strstr(md, "| minimax (`gan`) |") && strstr(md, "| non-saturating (`nsgan`) |"),
                  "results.md lacks a row per loss:\n%s", md ? md : "");
    free(md);
    /* the curves are the closed forms of Task 2.2 (the reference gradients.c) */
    snprintf(path, sizeof path, "%s/curves.csv", out);
    FILE *f = fopen(path, "r");
    char line[512];
    size_t rows = 0;
    double worst = 0;
    while (f && fgets(line, sizeof line, f)) {
        double d, mm, ns;
        if (sscanf(line, "%lf,%lf,%lf", &d, &mm, &ns) == 3) {
            rows++;
            worst = fmax(worst, fmax(fabs(mm - d), fabs(ns - (1 - d))));
        }
    }
    if (f)
        fclose(f);
    CU_ASSERT(rows > 100);
    LG_ASSERT_MSG(worst <= 1e-8, "curves.csv differs from D and 1 - D by %.3g", worst);
    /* 4 rows per run: steps 1, 10, 20, 30 */
    snprintf(path, sizeof path, "%s/train_nsgan.csv", out);
    char *csv = slurp(path);
    CU_ASSERT(csv && count(csv, "\n") == 2 + 4);
    free(csv);
}

/* A key lab.ini does not know: the error names the file's line. */
static void test_experiment_bad_ini(void)
{
    for (int k = 1; k <= 2; k++) {
        char which[8];
        snprintf(which, sizeof which, "%02d", k);
        const lg_lab *lab = find_lab(which);
        if (!lab)
            continue;
        char name[32];
        snprintf(name, sizeof name, "bad%d.ini", k);
        int rc;
        run_experiment(lab, name, "stepz = 10\n", &rc);
        LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), "unknown key 'stepz'") && strstr(lg_errmsg(), ".ini:"),
                      "lab %s, a bad key: rc %d, '%s'", which, rc, lg_errmsg());
    }
}

void lg_suite_labs(void)
{
    LG_ADD_SUITE("labs",
                 { "lab 01: registered, files, writeup, tasks and regions", test_content_01 },
                 { "lab 02: registered, files, writeup, tasks and regions", test_content_02 },
                 { "lab 01: the reference scores full marks", test_reference_01 },
                 { "lab 02: the reference scores full marks", test_reference_02 },
                 { "lab 01: the untouched handout scores zero", test_handout_01 },
                 { "lab 02: the untouched handout scores zero", test_handout_02 },
                 { "lab 01: every mutant loses points", test_mutants_01 },
                 { "lab 02: every mutant loses points", test_mutants_02 },
                 { "lab 01: the experiment writes data, scripts, figures, results", test_experiment_01 },
                 { "lab 02: the experiment writes data, scripts, figures, results", test_experiment_02 },
                 { "labs: a bad lab.ini key is named with its line", test_experiment_bad_ini });
}
