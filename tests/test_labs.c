/*
 * test_labs.c - the labs' content proves that it grades (Labs 01 and 02).
 *
 * labs_content   both labs are registered with their tasks, files, writeup and
 *                experiment definition; every task has visible tests with points;
 *                the writeup names every task and every "@code FILE REGION" line
 *                names a region that exists.
 * labs_grading   per lab: the reference files score full marks; the untouched
 *                handout (made by `litgan handout`, lg_handout_run) scores zero and
 *                says "Task N.M is not implemented yet" for every task; every wrong
 *                implementation in tests/labs/NN-name/mutants.txt (at least five,
 *                each applying exactly once) loses points. The points of every run
 *                are printed as a table.
 * labs_experiment per lab: the experiment, shortened through a copy of lab.ini
 *                (later keys override earlier ones), writes its CSV data, settings.gp,
 *                copies of the lab's gnuplot scripts (labs/NN-name/fig_*.gp, which the
 *                handout keeps too), results.md and (with gnuplot) its PNG figures,
 *                and a figure rerun in that folder comes back; Lab 01's C(G) from
 *                optimal.c agrees with -log 4 + 2 JSD from lg_jsd_1d on the estimated
 *                densities; a bad key in lab.ini is named with its line.
 * lab kit        (core/src/labkit.c) lab.ini read from a table of keys, every bad
 *                line refused with its number and reason; the binned KDE against the
 *                plain Gaussian KDE summed here, its mass and mean by the trapezoid
 *                rule; gnuplot run in a folder with a quote in its name, settings.gp
 *                read back by gnuplot itself, a bad script and a missing gnuplot
 *                reported in one line with gnuplot.err.
 */
#include "lg_test.h"
#include "lg_course.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

/* ----------------------------------------------------------------- helpers --- */

/* A whole (regular) file as a string; NULL when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    char *buf = size >= 0 ? lg_xmalloc((size_t)size + 1) : NULL;
    size_t got = buf && fseek(f, 0, SEEK_SET) == 0 ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = '\0';
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

/* The lab's gnuplot scripts (the .gp files of labs/NN-name in the source tree):
 * how many (at least one is asserted); g to be freed with globfree. */
static size_t lab_scripts(const lg_lab *lab, glob_t *g)
{
    char pattern[2048];
    snprintf(pattern, sizeof pattern, "%s/labs/%s/*.gp", lg_source_root(), lab->dir);
    memset(g, 0, sizeof *g);
    int rc = glob(pattern, 0, NULL, g);
    LG_ASSERT_MSG(rc == 0 && g->gl_pathc > 0, "lab %s has no gnuplot scripts %s", lab->dir, pattern);
    return rc == 0 ? g->gl_pathc : 0;
}

/* The numeric rows of a CSV file (lines that start with a number; headers and
 * "#" comments are skipped): at most max rows of ncols values into v, row after
 * row ("nan" reads as NaN); returns how many rows. */
static size_t csv_rows(const char *path, size_t ncols, double *v, size_t max)
{
    FILE *f = fopen(path, "r");
    LG_ASSERT_MSG(f != NULL, "cannot read %s", path);
    char line[1024];
    size_t rows = 0;
    while (f && rows < max && fgets(line, sizeof line, f)) {
        const char *p = line;
        size_t k = 0;
        for (char *end; k < ncols; k++, p = end + (*end == ',')) {
            v[rows * ncols + k] = strtod(p, &end);
            if (end == p)
                break;
        }
        rows += k == ncols;
    }
    if (f)
        fclose(f);
    return rows;
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
        made = lg_handout_run(lg_source_root(), out, false, stderr) == LG_OK;
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
    /* the figure scripts come along */
    glob_t g;
    for (size_t i = 0, n = lab_scripts(lab, &g); i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/labs/%s/%s", ho, lab->dir, base_name(g.gl_pathv[i]));
        LG_ASSERT_MSG(exists(path), "the handout has no %s", path);
    }
    globfree(&g);
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

/* The figures of an experiment's folder: every script of the lab is there as
 * it is in labs/NN-name (a copy, not generated text), settings.gp holds the
 * lines `want` (the run's values), and a figure deleted there comes back when
 * its script is rerun in that folder, as a student would. */
static void check_figures(const lg_lab *lab, const char *out, const char *const *want, size_t n_want,
                          const char *rerun)
{
    glob_t g;
    for (size_t i = 0, n = lab_scripts(lab, &g); i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", out, base_name(g.gl_pathv[i]));
        char *orig = slurp(g.gl_pathv[i]), *copy = slurp(path);
        LG_ASSERT_MSG(orig && copy && !strcmp(orig, copy), "%s is not a copy of %s", path, g.gl_pathv[i]);
        LG_ASSERT_MSG(orig && strstr(orig, "load 'settings.gp'"), "%s does not load settings.gp", g.gl_pathv[i]);
        free(orig);
        free(copy);
    }
    globfree(&g);
    char path[2048];
    snprintf(path, sizeof path, "%s/settings.gp", out);
    char *settings = slurp(path);
    for (size_t i = 0; i < n_want; i++)
        LG_ASSERT_MSG(settings && strstr(settings, want[i]), "%s lacks '%s':\n%s", path, want[i],
                      settings ? settings : "(none)");
    free(settings);
    if (!have_gnuplot())
        return;
    char png[2048];
    snprintf(png, sizeof png, "%s/%.*s.png", out, (int)(strlen(rerun) - 3), rerun);
    LG_ASSERT_MSG(unlink(png) == 0, "cannot remove %s", png);
    int rc = lg_gnuplot_run(out, rerun, "test_labs", stderr);
    LG_ASSERT_MSG(rc == LG_OK && exists(png), "gnuplot %s in %s: rc %d, no %s", rerun, out, rc, png);
}

/* The largest |a - b| over rows of a CSV; NaN makes it infinite. */
static double worst_gap(double worst, double a, double b)
{
    double e = fabs(a - b);
    return e <= worst ? worst : isnan(e) ? INFINITY : e;
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
                            "settings.gp", "fig_training.gp", "fig_criterion.gp", "results.md",
                            "fig_training.png", "fig_criterion.png" };
    check_files(out, files, sizeof files / sizeof files[0]);
    const char *want[] = { "\nseed = 1\n", "\nsteps = 40 ", "\nsnapshots = '0 20 40' ", "\nxmin = -5 ",
                           "\nxmax = 5\n", "\nhave_dstar = 1 ", "\nhave_crit = 1 " };
    check_figures(lab, out, want, sizeof want / sizeof want[0], "fig_training.gp");
    char path[2048];
    snprintf(path, sizeof path, "%s/results.md", out);
    char *md = slurp(path);
    LG_ASSERT_MSG(md && strstr(md, "| 20 |") && strstr(md, "| 40 |") && strstr(md, "seed 1"),
                  "results.md lacks the rows of steps 20 and 40 or the seed:\n%s", md ? md : "");
    free(md);
    /* C(G) of the reference optimal.c against -log 4 + 2 JSD on the same estimated
     * densities: steps 0, 20, 40 (step, c_yours, c_ref, jsd, w1) */
    snprintf(path, sizeof path, "%s/criterion.csv", out);
    double v[16 * 5], worst = 0;
    size_t rows = csv_rows(path, 5, v, 16);
    for (size_t i = 0; i < rows; i++) {
        worst = worst_gap(worst, v[5 * i + 1], v[5 * i + 2]);
        CU_ASSERT(v[5 * i + 2] >= -log(4.0) - 1e-9 && v[5 * i + 2] <= 1e-9);
    }
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
    const char *files[] = { "train_gan.csv", "train_nsgan.csv", "curves.csv", "final.csv", "settings.gp",
                            "fig_gradients.gp", "fig_training.gp", "fig_densities.gp", "results.md",
                            "fig_gradients.png", "fig_training.png", "fig_densities.png" };
    check_files(out, files, sizeof files / sizeof files[0]);
    const char *want[] = { "\nseed = 1\n", "\nsteps = 30 ", "\nd_pretrain = 100 ", "\nopt_g = 'sgd:lr=0.02'\n",
                           "\nxmin = -2 ", "\nd0 = 0." };
    check_figures(lab, out, want, sizeof want / sizeof want[0], "fig_gradients.gp");
    char path[2048];
    snprintf(path, sizeof path, "%s/results.md", out);
    char *md = slurp(path);
    LG_ASSERT_MSG(md && strstr(md, "| minimax (`gan`) |") && strstr(md, "| non-saturating (`nsgan`) |"),
                  "results.md lacks a row per loss:\n%s", md ? md : "");
    free(md);
    /* the curves are the closed forms of Task 2.2 (the reference gradients.c):
     * d, minimax = d, nonsat = 1 - d */
    snprintf(path, sizeof path, "%s/curves.csv", out);
    double v[512 * 3], worst = 0;
    size_t rows = csv_rows(path, 3, v, 512);
    for (size_t i = 0; i < rows; i++) {
        worst = worst_gap(worst, v[3 * i + 1], v[3 * i]);
        worst = worst_gap(worst, v[3 * i + 2], 1 - v[3 * i]);
    }
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

/* ------------------------------------------------------------- the lab kit --- */

/* lg_labkit_read_ini: values land where the table says, defaults stay, a later
 * line overrides an earlier one, and every kind of bad line is refused with the
 * file, the line and the reason (the first bad line's, as inih numbers it). */
static void test_kit_ini(void)
{
    char path[1024]; /* lg_test_tmpdir's buffers are reused */
    snprintf(path, sizeof path, "%s", lg_test_tmpdir("kit.ini"));
    LG_ASSERT_MSG(spill(path, "; comment\n[lab]\ntitle = anything\n\n[experiment]\nsteps = 40\n"
                              "data = mog1d:k=3\nsnapshots = 0, 20,40\ngrid = -1.5, 2, 11\n"
                              "width = 0.25\nsnapshots = 5\n"), "cannot write %s", path);
    lg_labkit_gan gan = { .data = "ring8", .steps = 7, .seed = 3 };
    long snaps[4] = { 0 };
    size_t n_snaps = 0;
    double grid[3] = { 0 }, width = 1, other = 42;
    char name8[8] = "dflt";
    const lg_labkit_key keys[] = {
        { "name", LG_LABKIT_STRING, name8, sizeof name8, NULL },
        { "snapshots", LG_LABKIT_LONGS, snaps, 4, &n_snaps },
        { "grid", LG_LABKIT_DOUBLES, grid, 3, NULL },
        { "width", LG_LABKIT_POSITIVE, &width, 1, NULL },
        { "other", LG_LABKIT_POSITIVE, &other, 1, NULL },
    };
    const size_t nk = sizeof keys / sizeof keys[0];
    int rc = lg_labkit_read_ini(path, &gan, keys, nk);
    LG_ASSERT_MSG(rc == LG_OK, "read_ini: %s", lg_errmsg());
    CU_ASSERT_EQUAL(gan.steps, 40);
    CU_ASSERT_STRING_EQUAL(gan.data, "mog1d:k=3");
    CU_ASSERT_EQUAL(gan.seed, 3);      /* default kept */
    CU_ASSERT(n_snaps == 1 && snaps[0] == 5); /* the later line wins */
    CU_ASSERT(grid[0] == -1.5 && grid[1] == 2 && grid[2] == 11);
    CU_ASSERT_EQUAL(width, 0.25);
    CU_ASSERT_EQUAL(other, 42);        /* default kept */
    CU_ASSERT_STRING_EQUAL(name8, "dflt");
    const struct { const char *text, *says; } bad[] = {
        { "[experiment]\nstepz = 1\n", ":2: unknown key 'stepz'" },
        { "[experiment]\nsteps = -1\n", ":2: bad value '-1' for steps" },
        { "[experiment]\nsteps = 1, 2\n", ":2: bad value '1, 2' for steps" },
        { "[experiment]\nsteps = 12x\n", ":2: bad value '12x' for steps" },
        { "[experiment]\nsnapshots = 1, 2, 3, 4, 5\n", ":2: bad value '1, 2, 3, 4, 5' for snapshots" },
        { "[experiment]\nsnapshots =\n", ":2: bad value '' for snapshots" },
        { "[experiment]\ngrid = 1, 2\n", ":2: bad value '1, 2' for grid" },
        { "[experiment]\ngrid = 1, 2, 3, 4\n", ":2: bad value '1, 2, 3, 4' for grid" },
        { "[experiment]\nwidth = 0\n", ":2: bad value '0' for width" },
        { "[experiment]\nwidth = inf\n", ":2: bad value 'inf' for width" },
        { "[experiment]\nname = abcdefgh\n", ":2: bad value 'abcdefgh' for name" }, /* 8 + 1 bytes */
        { "[experiment]\nname = abcdefg\nsteps = -2\n", ":3: bad value '-2' for steps" },
        { "[other]\nsteps = 1\n", ":2: unknown section [other]" },
        { "[experiment]\nsteps = 1\nstepz = 2\nseed = x\n", ":3: unknown key 'stepz'" },
        { "[experiment]\nthis is no ini line\n", ":2: not an ini line" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "kit-bad%zu.ini", i);
        const char *p = lg_test_tmpdir(name);
        LG_ASSERT_MSG(spill(p, bad[i].text), "cannot write %s", p);
        lg_labkit_gan g = { .steps = 1 };
        rc = lg_labkit_read_ini(p, &g, keys, nk);
        LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), name) && strstr(lg_errmsg(), bad[i].says),
                      "case %zu: rc %d, '%s' (expected '%s')", i, rc, lg_errmsg(), bad[i].says);
    }
    /* without gan, its keys are unknown */
    rc = lg_labkit_read_ini(path, NULL, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":6: unknown key 'steps'"), "no gan: '%s'", lg_errmsg());
    rc = lg_labkit_read_ini(lg_test_tmpdir("kit-none.ini"), &gan, keys, nk);
    LG_ASSERT_MSG(rc == LG_EIO && strstr(lg_errmsg(), "cannot read"), "a missing file: rc %d, '%s'", rc, lg_errmsg());
}

/* lg_labkit_kde_*: the binned estimate against the plain Gaussian KDE
 *   p(x) = 1/(n bw sqrt(2 pi)) sum_i exp(-(x - x_i)^2 / (2 bw^2)),
 * computed here term by term; it integrates to 1 and keeps the sample mean
 * (linear binning moves no mass and no first moment), by the trapezoid rule on a
 * fine grid over (lo, hi), outside which it is 0. */
static void test_kit_kde(void)
{
    enum { N = 2000 };
    static double x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double mean = 0;
    for (size_t i = 0; i < N; i++) { /* 0.3 N(-1, 0.3^2) + 0.7 N(2, 0.5^2) */
        x[i] = gsl_rng_uniform(r) < 0.3 ? -1 + 0.3 * gsl_ran_gaussian(r, 1) : 2 + 0.5 * gsl_ran_gaussian(r, 1);
        mean += x[i] / N;
    }
    gsl_rng_free(r);
    const double bws[] = { 0.05, 0.2 };
    for (size_t b = 0; b < 2; b++) {
        double bw = bws[b];
        lg_labkit_kde k = { 0 };
        lg_labkit_kde_fit(&k, x, N, bw);
        double worst = 0, top = 0;
        for (int j = 0; j <= 400; j++) {
            double t = -3 + 7.0 * j / 400, p = 0;
            for (size_t i = 0; i < N; i++)
                p += exp(-0.5 * (t - x[i]) * (t - x[i]) / (bw * bw));
            p /= N * bw * sqrt(2 * M_PI);
            top = fmax(top, p);
            worst = fmax(worst, fabs(lg_labkit_kde_density(t, &k) - p));
        }
        double h = bw / 50, mass = 0, first = 0;
        size_t steps = (size_t)ceil((k.hi - k.lo) / h);
        h = (k.hi - k.lo) / (double)steps;
        for (size_t j = 0; j <= steps; j++) {
            double t = k.lo + h * (double)j, w = (j == 0 || j == steps) ? h / 2 : h;
            double p = lg_labkit_kde_density(t, &k);
            mass += w * p;
            first += w * t * p;
        }
        CU_ASSERT_EQUAL(lg_labkit_kde_density(k.lo - 1e-9, &k), 0);
        CU_ASSERT_EQUAL(lg_labkit_kde_density(k.hi + 1e-9, &k), 0);
        LG_ASSERT_MSG(worst <= 1e-3 * top, "bw %g: the binned KDE is %.3g from the plain one (peak %.3g)", bw,
                      worst, top);
        LG_ASSERT_MSG(fabs(mass - 1) <= 1e-9 && fabs(first - mean) <= 1e-9,
                      "bw %g: mass %.12g (1), mean %.12g (%.12g)", bw, mass, first, mean);
        printf("\n    kde bw %.2f: |binned - plain| <= %.1e of the peak; mass - 1 = %.1e, mean error %.1e ", bw,
               worst / top, mass - 1, first - mean);
        lg_labkit_kde_free(&k);
        CU_ASSERT_PTR_NULL(k.w);
    }
}

/* lg_gnuplot_run in a folder whose name has a quote and a space: it runs
 * there (the script reads settings.gp, whose strings gnuplot must read back as
 * written, quotes included); a bad script and a missing gnuplot fail with one
 * line naming gnuplot.err, which holds gnuplot's own words. */
static void test_kit_gnuplot(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("kit it's"));
    LG_ASSERT_MSG(lg_mkdir_p(dir) == LG_OK, "cannot make %s", dir);
    const lg_lab *lab = find_lab("01");
    lg_labkit_gan gan = { .data = "it's 'quoted'", .g = "1-8t-1", .steps = 12 };
    FILE *f = lab ? lg_labkit_settings_open(dir, lab, &gan) : NULL;
    LG_ASSERT_MSG(f != NULL, "settings_open: %s", lg_errmsg());
    if (!f)
        return;
    lg_labkit_gp_string(f, "title", "a 'b' c", "a comment");
    lg_labkit_gp_number(f, "x", 0.1, NULL);
    lg_labkit_gp_number(f, "half", 2.5, NULL);
    lg_labkit_gp_number(f, "bad", NAN, NULL);
    CU_ASSERT_EQUAL(lg_labkit_fclose(f, dir, "settings.gp"), LG_OK);
    char path[2048], log_buf[1024] = "";
    snprintf(path, sizeof path, "%s/print.gp", dir);
    LG_ASSERT_MSG(spill(path, "load 'settings.gp'\nset print 'values.txt'\nprint data\nprint title\nprint g\n"
                              "print sprintf('%.17g %g %d', x, half, steps * 2)\nprint (bad == bad)\n"),
                  "cannot write %s", path);
    snprintf(path, sizeof path, "%s/bad.gp", dir);
    LG_ASSERT_MSG(spill(path, "this is not gnuplot\n"), "cannot write %s", path);
    if (have_gnuplot()) {
        FILE *log = fmemopen(log_buf, sizeof log_buf, "w");
        int rc = lg_gnuplot_run(dir, "print.gp", "kit", log);
        fclose(log);
        LG_ASSERT_MSG(rc == LG_OK && !log_buf[0], "print.gp: rc %d, '%s'", rc, log_buf);
        snprintf(path, sizeof path, "%s/values.txt", dir);
        char *got = slurp(path);
        LG_ASSERT_MSG(got && !strcmp(got, "it's 'quoted'\na 'b' c\n1-8t-1\n0.10000000000000001 2.5 24\n0\n"),
                      "gnuplot read back:\n%s", got ? got : "(nothing)");
        free(got);
        log = fmemopen(log_buf, sizeof log_buf, "w");
        rc = lg_gnuplot_run(dir, "bad.gp", "kit", log);
        fclose(log);
        LG_ASSERT_MSG(rc == LG_EIO && strstr(log_buf, "kit: gnuplot bad.gp failed (see ") &&
                          strstr(log_buf, "/gnuplot.err); ") && count(log_buf, "\n") == 1,
                      "bad.gp: rc %d, '%s'", rc, log_buf);
        snprintf(path, sizeof path, "%s/gnuplot.err", dir);
        char *err = slurp(path);
        LG_ASSERT_MSG(err && strstr(err, "bad.gp"), "gnuplot.err says nothing of bad.gp: '%s'", err ? err : "");
        free(err);
    }
    /* no gnuplot on the PATH */
    char *old = getenv("PATH") ? lg_xstrdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1);
    int rc = lg_gnuplot_run(dir, "print.gp", "kit", NULL);
    if (old)
        setenv("PATH", old, 1);
    else
        unsetenv("PATH");
    free(old);
    CU_ASSERT_EQUAL(rc, LG_EIO);
    snprintf(path, sizeof path, "%s/gnuplot.err", dir);
    char *err = slurp(path);
    LG_ASSERT_MSG(err && strstr(err, "cannot run it"), "gnuplot.err: '%s'", err ? err : "");
    free(err);
    /* a folder that does not exist */
    CU_ASSERT_EQUAL(lg_gnuplot_run(lg_test_tmpdir("kit-none"), "print.gp", "kit", NULL), LG_EIO);
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
                 { "labs: a bad lab.ini key is named with its line", test_experiment_bad_ini },
                 { "lab kit: lab.ini from a table of keys", test_kit_ini },
                 { "lab kit: the binned kernel density estimate", test_kit_kde },
                 { "lab kit: gnuplot in a folder, settings.gp read back", test_kit_gnuplot });
}
