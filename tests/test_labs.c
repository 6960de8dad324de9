/*
 * test_labs.c - every lab proves that it grades: one generic test over the
 * registry (every labs/NN-name/ found, so a new lab is tested without an edit
 * here), a throwaway lab built from the template to show that a lab needs no
 * file outside its folder, and the lab kit.
 *
 * For every lab:
 *   content    it loaded; its writeup names every task and each "@code FILE
 *              REGION" line names a region that exists; every task has a
 *              visible test with points; its student files exist;
 *   reference  the reference files score full marks;
 *   handout    its student files with every solution region stubbed (as the
 *              handout does) score zero and say "Task N.M is not implemented
 *              yet" for every task;
 *   mutants    every wrong implementation in labs/NN-name/check/mutants.txt
 *              (at least five, each applying exactly once) loses points (make
 *              test grades five of each lab's, spread over the list; make
 *              test-labs, LG_LABS_FULL=1, grades them all);
 *   smoke      the experiment with lab.ini's [smoke] profile finishes within
 *              10 s and writes what labs/NN-name/check/smoke.txt lists; weave
 *              turns the run into a page.
 * The points of every run are printed as a table. The lab kit: lab.ini read
 * from a table of keys and profiles, every bad line refused with its number
 * and reason; the binned KDE against the plain Gaussian KDE; gnuplot run in a
 * folder with a quote in its name, settings.gp read back by gnuplot itself, a
 * bad script and a missing gnuplot reported in one line with gnuplot.err.
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
    size_t len;
    return lg_read_file(path, &len);
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

static bool have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

/* A file of the lab's folder: ROOT/labs/NN-name/rel. */
static const char *lab_path(const lg_lab *lab, const char *rel)
{
    static char path[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/labs/%s/%s", lab->root, lab->dir, rel);
    return path[k];
}

/* A submission folder holding the lab's files by basename: the reference
 * files, file `edit` (a lab file path, or NULL) replaced by text, or with
 * stub set every file through lg_handout_stub_text. */
static const char *make_submission(const lg_lab *lab, const char *name, const char *edit, const char *text,
                                   bool stub)
{
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir(name));
    LG_ASSERT_MSG(lg_mkdir_p(dir) == LG_OK, "cannot make %s", dir);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        char src[4200], dst[2048];
        snprintf(src, sizeof src, "%s/%s", lab->root, lab->files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, base_name(lab->files[i]));
        char *s = (edit && !strcmp(edit, lab->files[i])) ? lg_xstrdup(text) : slurp(src);
        LG_ASSERT_MSG(s != NULL, "cannot read %s", src);
        if (s && stub) {
            char *out = NULL;
            size_t out_len, n_regions;
            int rc = lg_handout_stub_text(lab->files[i], s, strlen(s), &out, &out_len, &n_regions, stderr);
            LG_ASSERT_MSG(rc == LG_OK && n_regions > 0, "%s: rc %d, %zu solution regions", lab->files[i], rc,
                          n_regions);
            free(s);
            s = out;
        }
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

/* ----------------------------------------------------------- the checks --- */

static void check_content(const lg_lab *lab)
{
    LG_ASSERT_MSG(lg_lab_error(lab) == NULL, "lab %s does not load: %s", lab->dir, lg_lab_error(lab));
    if (lg_lab_error(lab))
        return;
    char *readme = slurp(lab_path(lab, "README.md"));
    LG_ASSERT_MSG(readme != NULL, "no writeup %s", lab_path(lab, "README.md"));
    CU_ASSERT(lab->experiment != NULL);
    LG_ASSERT_MSG(lab->teaches && lab->time, "lab %s: lab.ini's [lab] needs teaches and time (README.md's course table)",
                  lab->dir);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", lab->root, lab->files[i]);
        LG_ASSERT_MSG(exists(path), "lab %s lists %s, which does not exist", lab->dir, lab->files[i]);
    }
    size_t n;
    const lg_grade_test *t = lg_lab_tests(lab, &n);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        double visible = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(t[i].task, lab->tasks[k].number) && t[i].visibility == LG_VISIBLE)
                visible += t[i].points;
        LG_ASSERT_MSG(visible > 0, "lab %s: task %s has no visible test with points", lab->dir,
                      lab->tasks[k].number);
        char name[32];
        snprintf(name, sizeof name, "Task %s", lab->tasks[k].number);
        LG_ASSERT_MSG(readme && strstr(readme, name), "lab %s: the writeup never names %s", lab->dir, name);
    }
    /* every "@code FILE REGION" names a region of that file */
    for (const char *p = readme ? strstr(readme, "\n@code ") : NULL; p; p = strstr(p + 1, "\n@code ")) {
        char file[512], region[128], path[4200];
        LG_ASSERT_MSG(sscanf(p + 7, "%511s %127s", file, region) == 2, "malformed @code line: %.60s", p + 1);
        snprintf(path, sizeof path, "%s/%s", lab->root, file);
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

static void check_reference(const lg_lab *lab)
{
    double score, max;
    char *table;
    int rc = grade(lab, NULL, &score, &max, &table);
    size_t n;
    const lg_grade_test *t = lg_lab_tests(lab, &n);
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].points;
    LG_ASSERT_MSG(rc == LG_OK && score == max && max == total,
                  "lab %s, reference: rc %d, %g / %g (tests hold %g points)\n%s", lab->dir, rc, score, max, total,
                  table);
    printf("\n    lab %02d  reference   %5.1f / %.1f", lab->number, score, max);
    free(table);
}

static void check_handout(const lg_lab *lab)
{
    char name[64];
    snprintf(name, sizeof name, "labs-handout-%s", lab->dir);
    const char *sub = make_submission(lab, name, NULL, NULL, true);
    double score, max;
    char *table;
    int rc = grade(lab, sub, &score, &max, &table);
    LG_ASSERT_MSG(rc == LG_EINVAL && score == 0 && max > 0, "lab %s, untouched handout: rc %d, %g / %g\n%s",
                  lab->dir, rc, score, max, table);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        char msg[64];
        snprintf(msg, sizeof msg, "Task %s is not implemented yet", lab->tasks[k].number);
        LG_ASSERT_MSG(strstr(table, msg), "the handout's failures never say '%s':\n%s", msg, table);
    }
    printf("\n    lab %02d  handout     %5.1f / %.1f", lab->number, score, max);
    free(table);
}

/* The score and max of submission name in grade-all's grades.csv under out;
 * false when it has no graded row. */
static bool graded_row(const char *out, const char *name, double *score, double *max)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/grades.csv", out);
    char *csv = slurp(path), *save = NULL;
    bool found = false;
    for (char *line = csv ? strtok_r(csv, "\n", &save) : NULL; line && !found; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(name);
        found = !strncmp(line, name, n) && line[n] == ',' && sscanf(line + n, ",%lf,%lf", score, max) == 2;
    }
    free(csv);
    return found;
}

/* Whether the suite runs in full (make test-labs sets LG_LABS_FULL=1): every
 * hand-written mutant and a larger sample of the automatic ones. make test
 * grades a fixed part of each, so that seven labs stay within its budget. */
static bool labs_full(void)
{
    const char *v = getenv("LG_LABS_FULL");
    return v && *v && strcmp(v, "0");
}

/* How many of a lab's hand-written mutants make test grades. */
#define HAND_QUICK 5

/* Whether mutant k (0-based) of n is graded: all in full; else HAND_QUICK of
 * them spread evenly over the list (first and last included), so that every
 * task's mutants are represented however the list is ordered. */
static bool hand_mutant_graded(size_t k, size_t n)
{
    if (labs_full() || n <= HAND_QUICK)
        return true;
    for (size_t j = 0; j < HAND_QUICK; j++)
        if (k == j * (n - 1) / (HAND_QUICK - 1))
            return true;
    return false;
}

/* labs/NN-name/check/mutants.txt: file TAB search TAB replace TAB what mistake.
 * Every mutant must apply exactly once; the graded ones (hand_mutant_graded)
 * become submission folders, and grade-all grades them two at a time (the
 * machine's cores), as an instructor grades a class. */
static void check_mutants(const lg_lab *lab)
{
    const char *path = lab_path(lab, "check/mutants.txt");
    char *list = slurp(path);
    LG_ASSERT_MSG(list != NULL, "no %s", path);
    if (!list)
        return;
    char parent[1024], out[1024], name[96];
    snprintf(name, sizeof name, "labs-mutants-%s", lab->dir);
    snprintf(parent, sizeof parent, "%s", lg_test_tmpdir(name));
    snprintf(name, sizeof name, "labs-mutants-%s-grades", lab->dir);
    snprintf(out, sizeof out, "%s", lg_test_tmpdir(name));
    lg_rm_rf(parent);
    lg_rm_rf(out);
    enum { MAX_MUT = 64 };
    const char *what[MAX_MUT];
    size_t n_mut = 0, n_lost = 0, n_graded = 0, n_lines = 0;
    for (const char *l = list; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
        n_lines += l[0] != '#' && l[0] != '\n';
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
        LG_ASSERT_MSG(n_mut < MAX_MUT, "%s: more than %d mutants", path, MAX_MUT);
        if (n_mut == MAX_MUT)
            break;
        what[n_mut++] = f[3];
        bool listed = false;
        for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
            listed |= !strcmp(lab->files[i], f[0]);
        LG_ASSERT_MSG(listed, "mutant %zu edits %s, not a file of lab %s", n_mut, f[0], lab->dir);
        char src_path[4200];
        snprintf(src_path, sizeof src_path, "%s/%s", lab->root, f[0]);
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
        if (hand_mutant_graded(n_mut - 1, n_lines)) {
            snprintf(name, sizeof name, "labs-mutants-%s/m%02zu", lab->dir, n_mut);
            make_submission(lab, name, f[0], mut, false);
            n_graded++;
        }
        free(mut);
        free(src);
    }
    LG_ASSERT_MSG(n_mut >= 5, "%s holds %zu mutants; at least five are needed", path, n_mut);
    FILE *quiet = fopen("/dev/null", "w");
    int rc = lg_grade_all(lab, parent, &(lg_grade_all_opts){ .out = out, .jobs = 2, .log = quiet });
    if (quiet)
        fclose(quiet);
    LG_ASSERT_MSG(rc == LG_OK, "grade-all of the mutants of lab %s: %s", lab->dir, lg_errmsg());
    for (size_t k = 0; k < n_mut; k++) {
        if (!hand_mutant_graded(k, n_lines))
            continue;
        char sub[16], txt[2048];
        snprintf(sub, sizeof sub, "m%02zu", k + 1);
        double score = -1, max = -1;
        bool row = graded_row(out, sub, &score, &max);
        snprintf(txt, sizeof txt, "%s/%s.txt", out, sub);
        char *table = row && score < max ? NULL : slurp(txt);
        LG_ASSERT_MSG(row && score >= 0 && score < max, "mutant %zu does not lose points (%g / %g): %s\n%s", k + 1,
                      score, max, what[k], table ? table : "(no table)");
        n_lost += row && score >= 0 && score < max;
        printf("\n    lab %02d  mutant %2zu   %5.1f / %.1f  %s", lab->number, k + 1, score, max, what[k]);
        free(table);
    }
    printf("\n    lab %02d: %zu of %zu graded mutants lose points (of %zu written%s) ", lab->number, n_lost, n_graded,
           n_mut, n_graded < n_mut ? "; make test-labs grades all" : "");
    free(list);
}

/* The numbers of column `name` of a CSV with a header line (lines before it
 * that start with '#' are skipped); "1-name" gives one minus them. How many
 * rows; *v (caller frees). 0 with a failed assertion when there is no such
 * column. */
static size_t csv_column(const char *path, const char *name, double **v)
{
    bool one_minus = !strncmp(name, "1-", 2);
    if (one_minus)
        name += 2;
    *v = NULL;
    char *text = slurp(path);
    LG_ASSERT_MSG(text != NULL, "cannot read %s", path);
    if (!text)
        return 0;
    size_t rows = 0, cap = 0;
    long col = -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        if (col < 0) { /* the header */
            long k = 0;
            for (char *c = line, *end; c; c = end ? end + 1 : NULL, k++) {
                end = strchr(c, ',');
                size_t len = end ? (size_t)(end - c) : strlen(c);
                if (len == strlen(name) && !strncmp(c, name, len))
                    col = k;
            }
            LG_ASSERT_MSG(col >= 0, "%s has no column '%s' (header: %s)", path, name, line);
            if (col < 0)
                break;
            continue;
        }
        const char *c = line;
        for (long k = 0; k < col && c; k++)
            c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
        LG_ASSERT_MSG(c != NULL, "%s: a row without column %s: %s", path, name, line);
        if (!c)
            continue;
        if (rows == cap)
            *v = lg_xrealloc(*v, (cap = cap ? 2 * cap : 64) * sizeof **v);
        double x = strtod(c, NULL);
        (*v)[rows++] = one_minus ? 1 - x : x;
    }
    free(text);
    return rows;
}

/* One line of check/smoke.txt against the run in out. */
static void check_smoke_line(const lg_lab *lab, const char *out, const char *line, const char *settings,
                             const char *results)
{
    char what[32] = "", a[256] = "", b[256] = "", c[256] = "", d[64] = "";
    int n = sscanf(line, "%31s %255s %255s %255s %63s", what, a, b, c, d);
    const char *rest = line + strlen(what) + (line[strlen(what)] == ' ');
    char text[512], path[4200];
    size_t k = 0;
    for (const char *p = rest; *p && k + 1 < sizeof text; p++) /* \n in TEXT is a line break */
        text[k++] = (p[0] == '\\' && p[1] == 'n') ? (p++, '\n') : *p;
    text[k] = '\0';
    snprintf(path, sizeof path, "%s/%s", out, a);
    if (!strcmp(what, "file")) {
        if (!strstr(a, ".png") || have_gnuplot())
            LG_ASSERT_MSG(exists(path), "lab %s: the smoke run wrote no %s", lab->dir, a);
    } else if (!strcmp(what, "settings")) {
        LG_ASSERT_MSG(settings && strstr(settings, text), "lab %s: settings.gp lacks '%s':\n%s", lab->dir, rest,
                      settings ? settings : "(none)");
    } else if (!strcmp(what, "results")) {
        LG_ASSERT_MSG(results && strstr(results, text), "lab %s: results.md lacks '%s'", lab->dir, rest);
    } else if (!strcmp(what, "rows") && n == 3) {
        char *csv = slurp(path);
        size_t data = 0;
        for (const char *p = csv; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            data += (*p >= '0' && *p <= '9') || *p == '-';
        LG_ASSERT_MSG(csv && data == strtoul(b, NULL, 10), "lab %s: %s has %zu data rows, expected %s", lab->dir, a,
                      data, b);
        free(csv);
    } else if (!strcmp(what, "close") && n == 5) {
        double *x, *y, tol = strtod(d, NULL), worst = 0;
        size_t nx = csv_column(path, b, &x), ny = csv_column(path, c, &y);
        for (size_t i = 0; i < nx && i < ny; i++) {
            double e = fabs(x[i] - y[i]);
            worst = e <= worst ? worst : isnan(e) ? INFINITY : e;
        }
        LG_ASSERT_MSG(nx > 0 && nx == ny && worst <= tol, "lab %s: %s: %s and %s differ by %.3g (tolerance %s, %zu rows)",
                      lab->dir, a, b, c, worst, d, nx);
        printf("\n    lab %02d  smoke: %s %s vs %s within %.2e", lab->number, a, b, c, worst);
        free(x);
        free(y);
    } else if (!strcmp(what, "range") && n == 5) {
        double *x, lo = strtod(c, NULL), hi = strtod(d, NULL);
        size_t nx = csv_column(path, b, &x), bad = 0;
        for (size_t i = 0; i < nx; i++)
            bad += !(x[i] >= lo && x[i] <= hi);
        LG_ASSERT_MSG(nx > 0 && bad == 0, "lab %s: %s: %zu of %zu values of %s outside [%s, %s]", lab->dir, a, bad, nx,
                      b, c, d);
        free(x);
    } else {
        LG_ASSERT_MSG(false, "lab %s: check/smoke.txt: cannot read '%s'", lab->dir, line);
    }
}

/* The smoke run: within 10 s, what check/smoke.txt lists, and a woven page. */
static void check_smoke(const lg_lab *lab)
{
    char name[96], out[1024], page[1024];
    snprintf(name, sizeof name, "labs-smoke-%s", lab->dir);
    snprintf(out, sizeof out, "%s", lg_test_tmpdir(name));
    LG_ASSERT_MSG(lg_mkdir_p(out) == LG_OK, "cannot make %s", out);
    double t0 = lg_now();
    int rc = lg_lab_experiment(lab, out, "smoke");
    double took = lg_now() - t0;
    LG_ASSERT_MSG(rc == LG_OK, "lab %s, smoke run: %s", lab->dir, lg_errmsg());
    LG_ASSERT_MSG(took <= 10.0, "lab %s: the smoke run took %.1f s (at most 10 s: shorten lab.ini's [smoke])",
                  lab->dir, took);
    printf("\n    lab %02d  smoke run   %.1f s", lab->number, took);
    char path[1200];
    snprintf(path, sizeof path, "%s/settings.gp", out);
    char *settings = slurp(path);
    snprintf(path, sizeof path, "%s/results.md", out);
    char *results = slurp(path);
    char *list = slurp(lab_path(lab, "check/smoke.txt"));
    LG_ASSERT_MSG(list != NULL, "no %s", lab_path(lab, "check/smoke.txt"));
    size_t checks = 0;
    char *save = NULL;
    for (char *line = list ? strtok_r(list, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#' && line[0] != '\0') {
            check_smoke_line(lab, out, line, settings, results);
            checks++;
        }
    LG_ASSERT_MSG(list == NULL || checks > 0, "%s lists no check", lab_path(lab, "check/smoke.txt"));
    free(list);
    free(settings);
    free(results);
    /* weave writes a page from that run */
    snprintf(name, sizeof name, "labs-smoke-%s.html", lab->dir);
    snprintf(page, sizeof page, "%s", lg_test_tmpdir(name));
    char *log = NULL;
    size_t ll;
    FILE *l = open_memstream(&log, &ll);
    rc = lg_weave_run(lab, lab->root, out, page, false, l);
    fclose(l);
    char *html = slurp(page);
    char title[300];
    snprintf(title, sizeof title, "Lab %02d: %s", lab->number, lab->title);
    LG_ASSERT_MSG(rc == LG_OK && html && strstr(html, title), "lab %s: weave: rc %d, %s\n%s", lab->dir, rc,
                  lg_errmsg(), log ? log : "");
    free(html);
    free(log);
}

/* Each check over every lab of the registry. */
static void every_lab(void (*check)(const lg_lab *))
{
    size_t n = lg_lab_count();
    LG_ASSERT_MSG(n >= 1, "no lab under %s/labs", lg_source_root());
    for (size_t i = 0; i < n; i++) {
        const lg_lab *lab = lg_lab_at(i);
        if (check == check_content || !lg_lab_error(lab))
            check(lab);
    }
}
static void test_content(void) { every_lab(check_content); }
static void test_reference(void) { every_lab(check_reference); }
static void test_handout(void) { every_lab(check_handout); }
static void test_mutants(void) { every_lab(check_mutants); }
static void test_smoke(void) { every_lab(check_smoke); }

/* ------------------------------------ correct alternatives, BLAS kernels --- */

/* labs/NN-name/check/alternatives/NAME/ holds correct implementations that
 * differ from the reference: files named as the lab's student files (by
 * basename), each replacing that file; the others stay the reference's. Every
 * alternative must score full marks, and a lab holds at least four. A file that
 * is not a student file, or one identical to the reference, is refused (a typo
 * would silently grade the reference). */
static void check_alternatives(const lg_lab *lab)
{
    const char *dir = lab_path(lab, "check/alternatives");
    lg_strvec names = { 0 };
    LG_ASSERT_MSG(lg_dir_list(dir, &names) == LG_OK, "lab %s: %s", lab->dir, lg_errmsg());
    char parent[1024], out[1024], tmp[300];
    snprintf(tmp, sizeof tmp, "labs-alt-%s", lab->dir);
    snprintf(parent, sizeof parent, "%s", lg_test_tmpdir(tmp));
    snprintf(tmp, sizeof tmp, "labs-alt-%s-grades", lab->dir);
    snprintf(out, sizeof out, "%s", lg_test_tmpdir(tmp));
    lg_rm_rf(parent);
    lg_rm_rf(out);
    lg_strvec alts = { 0 };
    size_t n_graded = 0;
    for (size_t a = 0; a < names.n; a++) {
        char alt[4200];
        snprintf(alt, sizeof alt, "%s/%s", dir, names.w[a]);
        struct stat st;
        if (stat(alt, &st) != 0 || !S_ISDIR(st.st_mode))
            continue; /* README.md */
        char sub_name[300];
        snprintf(sub_name, sizeof sub_name, "labs-alt-%s/%s", lab->dir, names.w[a]);
        const char *sub = make_submission(lab, sub_name, NULL, NULL, false);
        lg_strvec files = { 0 };
        LG_ASSERT_MSG(lg_dir_list(alt, &files) == LG_OK && files.n > 0, "alternative %s: empty or unreadable",
                      alt);
        for (size_t f = 0; f < files.n; f++) {
            const char *student = NULL;
            for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
                if (!strcmp(base_name(lab->files[i]), files.w[f]))
                    student = lab->files[i];
            LG_ASSERT_MSG(student != NULL, "alternative %s holds %s, not a student file of lab %s", alt,
                          files.w[f], lab->dir);
            if (!student)
                continue;
            char from[8400], ref[4200], to[2048];
            snprintf(from, sizeof from, "%s/%s", alt, files.w[f]);
            snprintf(ref, sizeof ref, "%s/%s", lab->root, student);
            snprintf(to, sizeof to, "%s/%s", sub, files.w[f]);
            char *mine = slurp(from), *theirs = slurp(ref);
            LG_ASSERT_MSG(mine && theirs && strcmp(mine, theirs), "alternative %s: %s is the reference's", alt,
                          files.w[f]);
            LG_ASSERT_MSG(mine && spill(to, mine), "cannot write %s", to);
            free(mine);
            free(theirs);
        }
        lg_strvec_free(&files);
        /* make test grades every other one (which half alternates with the lab's
         * number); make test-labs all: each is checked for its files either way */
        if (labs_full() || (alts.n + (size_t)lab->number) % 2 == 0) {
            lg_strvec_push(&alts, names.w[a]);
            n_graded++;
        } else {
            lg_strvec_push(&alts, "");
            lg_rm_rf(sub);
        }
    }
    lg_strvec_free(&names);
    LG_ASSERT_MSG(alts.n >= 4, "lab %s: %s holds %zu correct alternatives; at least four are needed", lab->dir, dir,
                  alts.n);
    /* graded as a class is: grade-all, two at a time */
    FILE *quiet = fopen("/dev/null", "w");
    int rc = lg_grade_all(lab, parent, &(lg_grade_all_opts){ .out = out, .jobs = 2, .log = quiet });
    if (quiet)
        fclose(quiet);
    LG_ASSERT_MSG(rc == LG_OK, "grade-all of the alternatives of lab %s: %s", lab->dir, lg_errmsg());
    for (size_t a = 0; a < alts.n; a++) {
        if (!alts.w[a][0])
            continue; /* not graded by make test */
        double score = -1, max = -1;
        bool row = graded_row(out, alts.w[a], &score, &max);
        char txt[2048];
        snprintf(txt, sizeof txt, "%s/%s.txt", out, alts.w[a]);
        char *table = row && score == max ? NULL : slurp(txt);
        LG_ASSERT_MSG(row && score == max && max > 0, "lab %s, correct alternative %s: %g / %g\n%s", lab->dir,
                      alts.w[a], score, max, table ? table : "(no table)");
        printf("\n    lab %02d  alternative %-18s %5.1f / %.1f", lab->number, alts.w[a], score, max);
        free(table);
    }
    if (n_graded < alts.n)
        printf("\n    lab %02d: %zu of %zu alternatives graded (make test-labs grades all)", lab->number, n_graded,
               alts.n);
    lg_strvec_free(&alts);
}
static void test_alternatives(void) { every_lab(check_alternatives); }

/* OpenBLAS picks its kernels for the CPU it runs on (OPENBLAS_CORETYPE
 * overrides it), and kernels round differently: expected values and tolerances
 * must hold on whichever a grading machine gets. `litgan grade NN` of the
 * reference, in a process of its own (OpenBLAS reads the variable once, when it
 * loads), under kernels other than this machine's default (the default is
 * check_reference's): exit 0 (no test failed), and OpenBLAS says it took that
 * kernel. Only kernels this CPU can execute: Sandybridge needs AVX; Nehalem
 * needs no more than any x86-64 has. OpenBLAS elsewhere (another
 * architecture, no DYNAMIC_ARCH) has other names: nothing to vary there.
 * The runner's environment is its own (core/course/grade/sandbox.c): whether
 * the kernel reaches it is told, from a probe that runs there. */
static const char *blas_kernels(size_t i)
{
#if defined(__x86_64__)
    const char *k[] = { "Nehalem", __builtin_cpu_supports("avx") ? "Sandybridge" : NULL };
    return i < sizeof k / sizeof k[0] ? k[i] : NULL;
#else
    (void)i;
    return NULL;
#endif
}

static void check_blas_kernels(const lg_lab *lab)
{
    size_t n = 0;
    for (size_t i = 0; i < 2; i++) {
        /* make test: one kernel a lab, alternating with its number (both when only one runs here) */
        const char *core = blas_kernels(i);
        if (!labs_full() && blas_kernels(0) && blas_kernels(1) && i != (size_t)lab->number % 2)
            continue;
        if (!core)
            continue;
        char cmd[4400], out[1 << 14], says[64];
        snprintf(cmd, sizeof cmd, "OPENBLAS_CORETYPE=%s OPENBLAS_VERBOSE=2 '%s' grade %02d 2>&1", core, lg_test_bin(),
                 lab->number);
        int st = lg_test_run_capture(cmd, out, sizeof out);
        snprintf(says, sizeof says, "Core: %s", core);
        LG_ASSERT_MSG(strstr(out, says), "lab %s: OpenBLAS did not take the kernel %s:\n%.300s", lab->dir, core, out);
        LG_ASSERT_MSG(st == 0, "lab %s, reference under OPENBLAS_CORETYPE=%s: exit %d\n%.400s", lab->dir, core, st,
                      out);
        printf("\n    lab %02d  reference, OpenBLAS kernel %-12s exit %d", lab->number, core, st);
        n += st == 0;
    }
#if defined(__x86_64__)
    LG_ASSERT_MSG(n >= 1, "lab %s: graded under no kernel but the default", lab->dir);
#endif
}

/* Does OPENBLAS_CORETYPE reach the runner, where the student's code runs? Lab
 * 01's reference optimal.c with lab01_optimal_d renamed (a #define before it) and
 * wrapped (after it): the wrapper asks OpenBLAS in the runner which kernel it
 * took and answers D* only when that is the kernel asked for, so `grade` exits 0
 * only then (core/course/grade/sandbox.c passes the grader's OPENBLAS_CORETYPE
 * on to the runner's otherwise fixed environment). */

static void runner_kernel_probe(void)
{
    const lg_lab *lab = lg_lab_find("01");
    const char *core = blas_kernels(1) ? blas_kernels(1) : blas_kernels(0);
    if (!lab || !core)
        return;
    char *ref = slurp(lab_path(lab, "optimal.c"));
    LG_ASSERT_MSG(ref != NULL, "cannot read Lab 01's optimal.c");
    if (!ref)
        return;
    size_t len = strlen(ref) + 1024;
    char *probe = lg_xmalloc(len);
    snprintf(probe, len,
             "#define lab01_optimal_d reference_optimal_d\n%s\n#undef lab01_optimal_d\n#include <string.h>\n"
             "extern char *openblas_get_corename(void) __attribute__((weak));\n"
             "double lab01_optimal_d(double p_data, double p_g);\n"
             "double lab01_optimal_d(double p_data, double p_g)\n{\n"
             "    const char *c = openblas_get_corename ? openblas_get_corename() : \"none\";\n"
             "    return strcmp(c, \"%s\") == 0 ? reference_optimal_d(p_data, p_g) : 2.0;\n}\n",
             ref, core);
    const char *sub = make_submission(lab, "labs-runner-kernel", "labs/01-minimax/optimal.c", probe, false);
    free(probe);
    free(ref);
    char cmd[4400], out[1 << 14];
    snprintf(cmd, sizeof cmd, "OPENBLAS_CORETYPE=%s '%s' grade 01 --submission '%s' 2>&1", core, lg_test_bin(), sub);
    int st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0, "OPENBLAS_CORETYPE=%s does not reach the runner: exit %d\n%.300s", core, st, out);
}
static void test_blas_kernels(void)
{
    every_lab(check_blas_kernels);
    runner_kernel_probe();
}

/* Lab 01, Question 4: p_g = data in lab.ini estimates p_g from samples of
 * p_data itself, as a perfect generator's would be. C(G) of that estimate is
 * -log 4 + 2 JSD(p_data || KDE), a little above -log 4 (the JSD is > 0 for any
 * estimate that is not p_data exactly): with the smoke profile's 3000 samples and
 * bandwidth 0.1, above by 2.2e-3 (and by 2.9e-3 with 2000 samples, by 4.4e-4
 * with 20000). Any value other than generator or data is refused in one line. */
static void test_lab01_perfect_generator(void)
{
    const lg_lab *lab = lg_lab_find("01");
    LG_ASSERT_MSG(lab && lab->experiment, "no Lab 01: %s", lg_errmsg());
    if (!lab || !lab->experiment)
        return;
    char *text = slurp(lab->ini_path);
    size_t len = strlen(text ? text : "") + 64;
    char *ini_text = lg_xmalloc(len), ini[1024], out[1024];
    snprintf(ini_text, len, "%s\n[smoke]\np_g = data\n", text ? text : "");
    snprintf(ini, sizeof ini, "%s", lg_test_tmpdir("lab01-perfect.ini"));
    snprintf(out, sizeof out, "%s", lg_test_tmpdir("lab01-perfect"));
    LG_ASSERT_MSG(spill(ini, ini_text) && lg_mkdir_p(out) == LG_OK, "cannot write %s", ini);
    lg_lab_run run = { lab, ini, out, "smoke" };
    int rc = lab->experiment(&run);
    LG_ASSERT_MSG(rc == LG_OK, "lab 01 with p_g = data: %s", lg_errmsg());
    char path[1200];
    snprintf(path, sizeof path, "%s/criterion.csv", out);
    const char *cols[] = { "c_ref", "c_yours" };
    for (size_t k = 0; rc == LG_OK && k < 2; k++) {
        double *v;
        size_t n = csv_column(path, cols[k], &v), bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += !(v[i] > -log(4.0) && v[i] <= -log(4.0) + 0.01);
        LG_ASSERT_MSG(n >= 2 && bad == 0, "p_g = data: %zu of %zu values of %s outside (-log 4, -log 4 + 0.01]; "
                      "the first is %.9g", bad, n, cols[k], n ? v[0] : NAN);
        if (n && k == 0)
            printf("\n    lab 01, p_g = data: C(G) = -log 4 + %.3g", v[0] + log(4.0));
        free(v);
    }
    snprintf(path, sizeof path, "%s/results.md", out);
    char *results = slurp(path);
    LG_ASSERT_MSG(results && strstr(results, "**p_g = data**"), "results.md does not say p_g = data");
    free(results);
    /* a value it does not know */
    snprintf(ini_text, len, "%s\n[experiment]\np_g = gan\n", text ? text : "");
    LG_ASSERT_MSG(spill(ini, ini_text), "cannot write %s", ini);
    rc = lab->experiment(&run);
    LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), "p_g = generator (") && strstr(lg_errmsg(), "not 'gan'"),
                  "p_g = gan: rc %d, '%s'", rc, lg_errmsg());
    free(ini_text);
    free(text);
}

/* A key lab.ini does not know: the error names the file's line. */
static void test_experiment_bad_ini(void)
{
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        if (lg_lab_error(lab) || !lab->experiment)
            continue;
        char name[96], ini[1024];
        snprintf(name, sizeof name, "bad-%s.ini", lab->dir);
        snprintf(ini, sizeof ini, "%s", lg_test_tmpdir(name));
        char *text = slurp(lab->ini_path);
        size_t len = strlen(text ? text : "") + 64;
        char *all = lg_xmalloc(len);
        snprintf(all, len, "%s\n[experiment]\nstepz = 10\n", text ? text : "");
        LG_ASSERT_MSG(spill(ini, all), "cannot write %s", ini);
        free(all);
        free(text);
        lg_lab_run run = { lab, ini, lg_test_tmpdir("bad-ini-out"), NULL };
        int rc = lab->experiment(&run);
        LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), "unknown key 'stepz'") && strstr(lg_errmsg(), ".ini:"),
                      "lab %s, a bad key: rc %d, '%s'", lab->dir, rc, lg_errmsg());
    }
}

/* `litgan labs`: every lab with its points; README.md's table is what
 * `litgan labs --markdown` prints now (make readme rewrites it). */
static void test_labs_command(void)
{
    lg_test_cli_expect("labs", 0, "Lab 01  The minimax GAN  (labs/01-minimax, 18 points)", false);
    lg_test_cli_expect("labs", 0, "    files: plugins/gan.c labs/01-minimax/optimal.c", false);
    lg_test_cli_expect("labs --help", 0, "usage: litgan labs [--markdown]", false);
    lg_test_cli_expect("labs --bogus", 2, "litgan labs: unknown option '--bogus' (see litgan labs --help)", true);
    lg_test_cli_expect("labs 01", 2, "unexpected argument '01'", true);
    char cmd[4096], *table = lg_xmalloc(1 << 16);
    snprintf(cmd, sizeof cmd, "'%s' labs --markdown", lg_test_bin());
    int st = lg_test_run_capture(cmd, table, 1 << 16);
    char path[4200];
    snprintf(path, sizeof path, "%s/README.md", lg_source_root());
    char *readme = slurp(path);
    const char *from = readme ? strstr(readme, "<!-- labs table:") : NULL;
    const char *start = from ? strchr(from, '\n') : NULL;
    const char *end = start ? strstr(start, "<!-- end of labs table -->") : NULL;
    LG_ASSERT_MSG(st == 0 && end, "litgan labs --markdown: exit %d; README.md has %s", st,
                  end ? "the table's markers" : "no labs table markers");
    if (end) {
        start++;
        bool same = (size_t)(end - start) == strlen(table) && !strncmp(start, table, strlen(table));
        LG_ASSERT_MSG(same, "README.md's labs table is not what litgan labs --markdown prints (run make readme):\n%s",
                      table);
        CU_ASSERT(count(table, "\n| [") == lg_lab_count());
    }
    free(readme);
    free(table);
}

/* ---------------------------------------------------------- a new lab --- */

/* Build a lab folder with the Makefile's own rule (as `make` does for labs/NN-name/),
 * its output (the compiler's errors) in *log. The make of the calling make
 * (sanitize) must not leak in: its flags and jobserver are dropped. */
static int build_lab(const char *src, const char *out, char **log)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '%s' lab-module LAB_SRC='%s' LAB_OUT='%s' 2>&1",
             lg_source_root(), src, out);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t len;
    FILE *m = open_memstream(log, &len);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;)
        fwrite(buf, 1, n, m);
    fclose(m);
    return pclose(p);
}

/* Copy tests/lab-template into ROOT/labs/DIR with sed expressions applied to
 * every file (at least the folder's new name). */
static void copy_template(const char *root, const char *dir, const char *sed)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s/labs' && cp -r '%s/tests/lab-template' '%s/labs/%s' && "
             "find '%s/labs/%s' -type f -exec sed -i -e 's/90-template/%s/g' %s {} +",
             root, root, lg_source_root(), root, dir, root, dir, dir, sed ? sed : "");
    LG_ASSERT_MSG(system(cmd) == 0, "cannot copy the template: %s", cmd);
}

/* The template copied to a throwaway root is a lab like any other: built by
 * the Makefile's rule, found by the registry, and it passes every check of
 * the generic test - with no file outside its folder. */
static void test_new_lab(void)
{
    char root[1024], obj[1100], lab_dir[1200];
    snprintf(root, sizeof root, "%s", lg_test_tmpdir("new-lab"));
    snprintf(obj, sizeof obj, "%s/obj", root);
    copy_template(root, "90-template", NULL);
    snprintf(lab_dir, sizeof lab_dir, "%s/labs/90-template", root);
    char out[1200], *log = NULL;
    snprintf(out, sizeof out, "%s/90-template", obj);
    int st = build_lab(lab_dir, out, &log);
    LG_ASSERT_MSG(st == 0 && !strstr(log, "not built"), "make lab-module: status %d\n%s", st, log);
    free(log);
    LG_ASSERT_MSG(lg_lab_add_root(root, obj) == LG_OK, "%s", lg_errmsg());
    const lg_lab *lab = lg_lab_find("90");
    LG_ASSERT_MSG(lab != NULL, "the new lab is not registered: %s", lg_errmsg());
    if (lab) {
        CU_ASSERT_STRING_EQUAL(lab->title, "A template lab");
        CU_ASSERT(lab->has_hidden && lab->n_tests == 3);
        check_content(lab);
        check_reference(lab);
        check_handout(lab);
        check_mutants(lab);
        check_smoke(lab);
    }
    lg_lab_remove_root(root);
    CU_ASSERT(lg_lab_find("90") == NULL);
}

/* A lab whose code does not compile (a warning, with -Werror) is reported
 * and left out; the other labs are not affected. */
static void test_broken_lab(void)
{
    char root[1024], obj[1100], lab_dir[1200], out[1200], *log = NULL;
    snprintf(root, sizeof root, "%s", lg_test_tmpdir("broken-lab"));
    snprintf(obj, sizeof obj, "%s/obj", root);
    copy_template(root, "91-broken", "-e 's/^static void t_small(void)$/static void t_small(void) { int unused; }\\nstatic void t_small2(void)/'");
    snprintf(lab_dir, sizeof lab_dir, "%s/labs/91-broken", root);
    snprintf(out, sizeof out, "%s/91-broken", obj);
    int st = build_lab(lab_dir, out, &log);
    LG_ASSERT_MSG(st == 0 && strstr(log, "unused") && strstr(log, "make: lab 91-broken is not built"),
                  "make lab-module: status %d\n%s", st, log);
    free(log);
    LG_ASSERT_MSG(lg_lab_add_root(root, obj) == LG_OK, "%s", lg_errmsg());
    CU_ASSERT(lg_lab_find("91") == NULL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "lab 91-broken is not built: no ") && strstr(lg_errmsg(), "run make"),
                  "'%s'", lg_errmsg());
    CU_ASSERT(lg_lab_find("01") != NULL);
    lg_lab_remove_root(root);
}

/* ------------------------------------------------------------- the lab kit --- */

/* lg_labkit_read_ini: values land where the table says, defaults stay, a later
 * line overrides an earlier one, and every kind of bad line is refused with the
 * file, the line and the reason (the first bad line's, as inih numbers it). */
static int read_ini(const char *path, const char *profile, lg_labkit_gan *gan, const lg_labkit_key *keys,
                    size_t n)
{
    lg_lab_run run = { NULL, path, NULL, profile };
    return lg_labkit_read_ini(&run, gan, keys, n);
}

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
    int rc = read_ini(path, NULL, &gan, keys, nk);
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
        /* bounds per key type and for the GAN's keys, with what to give instead */
        { "[experiment]\ngrid = -1e308, 1e308, 401\n",
          ":2: bad value '-1e308, 1e308, 401' for grid: give 3 decimal numbers in [-1e4, 1e4], separated by commas" },
        { "[experiment]\ngrid = 0x10, 20, 11\n", ":2: bad value '0x10, 20, 11' for grid: give 3 decimal numbers" },
        { "[experiment]\nsnapshots = 0, 100000000000\n",
          ":2: bad value '0, 100000000000' for snapshots: give 1 to 4 whole numbers in 0..10000000, separated by commas" },
        { "[experiment]\nwidth = 1e-300\n", ":2: bad value '1e-300' for width: give one decimal number in [1e-6, 1e6]" },
        { "[experiment]\nseed = 0\n", ":2: bad value '0' for seed: give one whole number in 1..4294967295" },
        { "[experiment]\nbatch = 10000000000\n", ":2: bad value '10000000000' for batch: give one whole number in 1..1048576" },
        { "[experiment]\nsteps = 1e11\n", ":2: bad value '1e11' for steps: give one whole number in 0..100000000" },
        { "[experiment]\nname = abcdefgh\n", ":2: bad value 'abcdefgh' for name: give at most 7 characters" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "kit-bad%zu.ini", i);
        const char *p = lg_test_tmpdir(name);
        LG_ASSERT_MSG(spill(p, bad[i].text), "cannot write %s", p);
        lg_labkit_gan g = { .steps = 1 };
        rc = read_ini(p, NULL, &g, keys, nk);
        LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), name) && strstr(lg_errmsg(), bad[i].says),
                      "case %zu: rc %d, '%s' (expected '%s')", i, rc, lg_errmsg(), bad[i].says);
    }
    /* a line past inih's buffer is named by its own number (inih counts its pieces as lines) */
    char longer[512] = "[experiment]\nsteps = 1\ndata = ";
    const char *lp = lg_test_tmpdir("kit-long.ini");
    memset(longer + strlen(longer), 'x', 220);
    strcat(longer, "\nseed = 2\n");
    LG_ASSERT_MSG(spill(lp, longer), "cannot write %s", lp);
    rc = read_ini(lp, NULL, &gan, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":3: the line is too long"), "a long line: '%s'",
                  lg_errmsg());
    /* the bounds themselves are valid values */
    char bounds[1024];
    snprintf(bounds, sizeof bounds, "%s", lg_test_tmpdir("kit-bounds.ini"));
    LG_ASSERT_MSG(spill(bounds, "[experiment]\ngrid = -1e4, 10000, 11\nwidth = 1e6\nother = 0.000001\nseed = 4294967295\n"
                              "batch = 1048576\nsteps = 100000000\nsnapshots = 0, 10000000\n"), "cannot write %s", bounds);
    rc = read_ini(bounds, NULL, &gan, keys, nk);
    LG_ASSERT_MSG(rc == LG_OK, "the bounds: %s", lg_errmsg());
    CU_ASSERT(grid[0] == -1e4 && grid[1] == 1e4 && width == 1e6 && other == 1e-6 && gan.seed == 4294967295L &&
              gan.batch == 1048576 && gan.steps == 100000000 && n_snaps == 2 && snaps[1] == 10000000);
    /* without gan, its keys are unknown */
    rc = read_ini(path, NULL, NULL, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":6: unknown key 'steps'"), "no gan: '%s'", lg_errmsg());
    rc = read_ini(lg_test_tmpdir("kit-none.ini"), NULL, &gan, keys, nk);
    LG_ASSERT_MSG(rc == LG_EIO && strstr(lg_errmsg(), "cannot read"), "a missing file: rc %d, '%s'", rc, lg_errmsg());
    /* [smoke] overrides [experiment] with the profile, and is checked without it */
    LG_ASSERT_MSG(spill(path, "[lab]\ntitle = t\n[task 1.1]\ntitle = a\npoints = 1\n[experiment]\nsteps = 40\n"
                              "seed = 2\n[smoke]\nsteps = 3\n"), "cannot write %s", path);
    lg_labkit_gan g2 = { .steps = 1 };
    CU_ASSERT(read_ini(path, NULL, &g2, keys, nk) == LG_OK && g2.steps == 40 && g2.seed == 2);
    CU_ASSERT(read_ini(path, "smoke", &g2, keys, nk) == LG_OK && g2.steps == 3 && g2.seed == 2);
    /* a lab without [full]: its default run is its full setting, and --full says so */
    rc = read_ini(path, "full", &g2, keys, nk);
    LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), "has no [full] section") &&
                      strstr(lg_errmsg(), "default run is its full setting"), "no [full]: '%s'", lg_errmsg());
    rc = read_ini(path, "fast", &g2, keys, nk);
    LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), "no profile 'fast'"), "profile fast: '%s'", lg_errmsg());
    /* [full] overrides [experiment] as [smoke] does; neither leaks into the other */
    LG_ASSERT_MSG(spill(path, "[experiment]\nsteps = 40\nseed = 2\n[full]\nsteps = 4000\n[smoke]\nsteps = 3\n"),
                  "cannot write %s", path);
    CU_ASSERT(read_ini(path, "full", &g2, keys, nk) == LG_OK && g2.steps == 4000 && g2.seed == 2);
    CU_ASSERT(read_ini(path, "smoke", &g2, keys, nk) == LG_OK && g2.steps == 3);
    CU_ASSERT(read_ini(path, NULL, &g2, keys, nk) == LG_OK && g2.steps == 40);
    LG_ASSERT_MSG(spill(path, "[experiment]\nsteps = 40\n[smoke]\nstepz = 3\n"), "cannot write %s", path);
    rc = read_ini(path, NULL, &g2, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":4: unknown key 'stepz'"), "[smoke] typo: '%s'",
                  lg_errmsg());
    LG_ASSERT_MSG(spill(path, "[experiment]\nsteps = 40\n[full]\nsteps = -5\n"), "cannot write %s", path);
    rc = read_ini(path, "full", &g2, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":4: bad value '-5' for steps"), "[full] checked: '%s'",
                  lg_errmsg());
    /* a variant of the full run, [full-NAME] (Lab 06's [full-conv]), with the run's precision; [fullx] and
     * a bare [full-] are no profiles */
    LG_ASSERT_MSG(spill(path, "[experiment]\nsteps = 40\n[full]\nsteps = 400\n[full-conv]\nsteps = 100\n"
                              "precision = float\n"), "cannot write %s", path);
    lg_labkit_gan g3 = { .steps = 1 };
    CU_ASSERT(read_ini(path, "full-conv", &g3, keys, nk) == LG_OK && g3.steps == 100 && !strcmp(g3.precision, "float"));
    lg_labkit_gan g4 = { .steps = 1 };
    CU_ASSERT(read_ini(path, "full", &g4, keys, nk) == LG_OK && g4.steps == 400 && g4.precision[0] == 0);
    rc = read_ini(path, "full-", &g4, keys, nk);
    LG_ASSERT_MSG(rc == LG_EINVAL && strstr(lg_errmsg(), "no profile 'full-'"), "profile full-: '%s'", lg_errmsg());
    LG_ASSERT_MSG(spill(path, "[experiment]\nsteps = 40\n[fullx]\nsteps = 4\n"), "cannot write %s", path);
    rc = read_ini(path, NULL, &g4, keys, nk);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), ":4: unknown section [fullx]"), "[fullx]: '%s'",
                  lg_errmsg());
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
    const lg_lab *lab = lg_lab_find("01");
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

/* ------------------------------------------------------ mutation testing ---
 * litgan mutate (core/course/mutate/): the generator on a synthetic region,
 * exactly; and every lab kills at least 95% of a seeded sample of its
 * automatic mutants (equivalent.txt's listed ones left out). */

#include "mutate/lg_mutate.h"

/* The markers, spelt in pieces (no marker survives in this file's text). */
#define MUT_BEGIN "/* BEG" "IN SOLU" "TION Task 9.1 */\n"
#define MUT_END "/* EN" "D SOLU" "TION */\n"
#define MUT_STUB "/* ST" "UB return lg_todo_value(\"Task 9.1\"); */\n"

/* A region whose comments and string hold operators that must not be mutated. */
static const char mut_synth[] = "/* before the region: a - b < c */\n"
                                "double f(double a, double b)\n"
                                "{\n"
                                "    " MUT_BEGIN
                                "    if (a < b) /* a - b */\n"
                                "        return a - b; // a < b\n"
                                "    return f(\"x - 1 < 2\", 2 * a);\n"
                                "    " MUT_END
                                "    " MUT_STUB
                                "}\n";

/* The lexer: longest match, comments and preprocessor lines skipped, strings,
 * characters and numbers (with an exponent's sign) whole. */
static void test_mutate_lexer(void)
{
    const char *src = "#define X 1 - 2\na<=b->c /* - */ \"s\\\"-\" '-' 1e-5 0x1p-3 0x1e-2 x-1 // -\n";
    lg_toks t;
    lg_mut_lex(src, strlen(src), &t);
    const char *want[] = { "a", "<=", "b", "->", "c", "\"s\\\"-\"", "'-'", "1e-5", "0x1p-3", "0x1e", "-", "2",
                           "x", "-", "1" };
    const lg_tok_kind kinds[] = { LG_TOK_IDENT, LG_TOK_PUNCT, LG_TOK_IDENT, LG_TOK_PUNCT, LG_TOK_IDENT,
                                  LG_TOK_STRING, LG_TOK_CHAR, LG_TOK_NUMBER, LG_TOK_NUMBER, LG_TOK_NUMBER,
                                  LG_TOK_PUNCT, LG_TOK_NUMBER, LG_TOK_IDENT, LG_TOK_PUNCT, LG_TOK_NUMBER };
    size_t n = sizeof want / sizeof want[0];
    LG_ASSERT_MSG(t.n == n, "%zu tokens, expected %zu", t.n, n);
    for (size_t i = 0; i < n && i < t.n; i++)
        LG_ASSERT_MSG(t.v[i].len == strlen(want[i]) && !memcmp(src + t.v[i].at, want[i], t.v[i].len) &&
                          t.v[i].kind == kinds[i] && t.v[i].line == 2,
                      "token %zu: '%.*s' (kind %d, line %zu), expected '%s' (kind %d, line 2)", i, (int)t.v[i].len,
                      src + t.v[i].at, (int)t.v[i].kind, t.v[i].line, want[i], (int)kinds[i]);
    lg_toks_free(&t);
}

/* The synthetic region gives exactly these mutants, in this order: nothing
 * from the comments, the string or the code outside the region. */
static void test_mutate_generator(void)
{
    lg_mutants ms = { 0 };
    int rc = lg_mut_generate("labs/99-x/synth.c", mut_synth, strlen(mut_synth), &ms);
    LG_ASSERT_MSG(rc == LG_OK, "generate: %s", lg_errmsg());
    static const char *const want[][2] = {
        { "ror", "synth.c:5 '<' -> '<='" },  { "ror", "synth.c:5 '<' -> '>'" },
        { "ror", "synth.c:5 '<' -> '>='" },  { "ror", "synth.c:5 '<' -> '=='" },
        { "ror", "synth.c:5 '<' -> '!='" },  { "aor", "synth.c:6 '-' -> '+'" },
        { "aor", "synth.c:6 '-' -> '*'" },   { "aor", "synth.c:6 '-' -> '/'" },
        { "aor", "synth.c:7 '*' -> '+'" },   { "aor", "synth.c:7 '*' -> '-'" },
        { "aor", "synth.c:7 '*' -> '/'" },   { "sign", "synth.c:6 'a - b' -> '-(a - b)'" },
        { "sign", "synth.c:6 'a' -> '-a'" }, { "sign", "synth.c:7 'f(\"x - 1 < 2\", 2 * a)' -> '-(f(\"x - 1 < 2\", 2 * a))'" },
        { "sign", "synth.c:7 'a' -> '-a'" }, { "const", "synth.c:7 '2' -> '3'" },
        { "const", "synth.c:7 '2' -> '4'" }, { "const", "synth.c:7 '2' -> '1'" },
        { "const", "synth.c:7 '2' -> '-2'" }, { "drop", "synth.c:6 '- b' -> ''" },
        { "drop", "synth.c:6 'a' -> ''" },   { "guard", "synth.c:5 'a < b' -> '1'" },
        { "guard", "synth.c:5 'a < b' -> '0'" },
    };
    size_t n = sizeof want / sizeof want[0];
    LG_ASSERT_MSG(ms.n == n, "%zu mutants, expected %zu", ms.n, n);
    for (size_t i = 0; i < ms.n && i < n; i++) {
        const lg_mutant *m = &ms.v[i];
        LG_ASSERT_MSG(!strcmp(m->op, want[i][0]) && !strcmp(m->desc, want[i][1]) && !strcmp(m->task, "9.1"),
                      "mutant %zu: %s '%s' (Task %s), expected %s '%s'", i, m->op, m->desc, m->task, want[i][0],
                      want[i][1]);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "synth.c:%s:", m->op);
        LG_ASSERT_MSG(!strncmp(m->id, prefix, strlen(prefix)) && strlen(m->id) == strlen(prefix) + 8,
                      "id %s: not %s and 8 hex digits", m->id, prefix);
        for (size_t k = 0; k < i; k++)
            LG_ASSERT_MSG(strcmp(ms.v[k].id, m->id) != 0, "mutants %zu and %zu share the id %s", k, i, m->id);
    }
    /* applied: one edit, the rest of the file as it was; the lines before and after */
    if (ms.n == n) {
        size_t len;
        char *t = lg_mut_apply(mut_synth, strlen(mut_synth), &ms.v[0], &len);
        const char *at = strstr(mut_synth, "if (a < b)");
        LG_ASSERT_MSG(len == strlen(mut_synth) + 1 && !strncmp(t, mut_synth, (size_t)(at - mut_synth)) &&
                          !strncmp(t + (at - mut_synth), "if (a <= b)", 11) && !strcmp(t + (at - mut_synth) + 11, at + 10),
                      "applied:\n%s", t);
        free(t);
        char before[128], after[128];
        lg_mut_lines(mut_synth, strlen(mut_synth), &ms.v[19], before, after, sizeof before);
        LG_ASSERT_MSG(!strcmp(before, "return a - b; // a < b") && !strcmp(after, "return a ; // a < b"),
                      "lines: '%s' -> '%s'", before, after);
        /* reproducible: the same text, the same mutants */
        lg_mutants again = { 0 };
        lg_mut_generate("labs/99-x/synth.c", mut_synth, strlen(mut_synth), &again);
        bool same = again.n == ms.n;
        for (size_t i = 0; same && i < ms.n; i++)
            same = !strcmp(again.v[i].id, ms.v[i].id) && again.v[i].at == ms.v[i].at &&
                   !strcmp(again.v[i].repl, ms.v[i].repl);
        CU_ASSERT(same);
        lg_mutants_free(&again);
    }
    lg_mutants_free(&ms);
    /* malformed markers: the markers' error */
    const char *bad = "int f(void)\n{\n    " MUT_BEGIN "    return 1;\n}\n";
    rc = lg_mut_generate("bad.c", bad, strlen(bad), &ms);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), "bad.c:3:"), "bad markers: rc %d, '%s'", rc, lg_errmsg());
    lg_mutants_free(&ms);
}

/* Ids stay when a line is inserted outside the region, and when a line of
 * other tokens is inserted inside it; the description's line numbers move. */
static void test_mutate_ids_stable(void)
{
    lg_mutants a = { 0 }, b = { 0 }, c = { 0 };
    lg_mut_generate("labs/99-x/synth.c", mut_synth, strlen(mut_synth), &a);
    char *moved = lg_xmalloc(strlen(mut_synth) + 64), *inside = lg_xmalloc(strlen(mut_synth) + 64);
    snprintf(moved, strlen(mut_synth) + 64, "#include <math.h>\n%s", mut_synth);
    const char *at = strstr(mut_synth, "    if (a < b)");
    snprintf(inside, strlen(mut_synth) + 64, "%.*s    (void)a;\n%s", (int)(at - mut_synth), mut_synth, at);
    lg_mut_generate("labs/99-x/synth.c", moved, strlen(moved), &b);
    lg_mut_generate("labs/99-x/synth.c", inside, strlen(inside), &c);
    LG_ASSERT_MSG(a.n > 0 && a.n == b.n && a.n == c.n, "%zu, %zu, %zu mutants", a.n, b.n, c.n);
    for (size_t i = 0; i < a.n && i < b.n && i < c.n; i++) {
        LG_ASSERT_MSG(!strcmp(a.v[i].id, b.v[i].id) && !strcmp(a.v[i].id, c.v[i].id),
                      "mutant %zu: id %s, %s after a line outside, %s after a line inside", i, a.v[i].id, b.v[i].id,
                      c.v[i].id);
        CU_ASSERT(b.v[i].line == a.v[i].line + 1 && c.v[i].line == a.v[i].line + 1);
    }
    /* the mutated line itself edited: its mutants get new ids */
    char *edited = lg_xstrdup(mut_synth);
    char *ret = strstr(edited, "return a - b");
    memcpy(ret, "return b - a", 12);
    lg_mutants d = { 0 };
    lg_mut_generate("labs/99-x/synth.c", edited, strlen(edited), &d);
    bool changed = d.n == a.n;
    for (size_t i = 0; changed && i < a.n; i++)
        if (a.v[i].line == 6)
            changed = strcmp(a.v[i].id, d.v[i].id) != 0;
    LG_ASSERT_MSG(changed, "an edit of line 6 kept an id of line 6");
    lg_mutants_free(&a);
    lg_mutants_free(&b);
    lg_mutants_free(&c);
    lg_mutants_free(&d);
    free(moved);
    free(inside);
    free(edited);
}

/* check/equivalent.txt: "ID  argument" lines, comments and blank lines
 * skipped; an id without its argument, or listed twice, is refused naming the
 * file and the id; no file is an empty list. */
static void test_mutate_equivalent_file(void)
{
    char root[1024], dir[1200], path[1300];
    snprintf(root, sizeof root, "%s", lg_test_tmpdir("mutate-equiv"));
    snprintf(dir, sizeof dir, "%s/labs/99-x/check", root);
    snprintf(path, sizeof path, "%s/equivalent.txt", dir);
    LG_ASSERT_MSG(lg_mkdir_p(dir) == LG_OK, "cannot make %s", dir);
    struct lg_lab lab = { .number = 99, .dir = "99-x", .root = root };
    lg_equiv e;
    unlink(path);
    CU_ASSERT(lg_equiv_read(&lab, &e) == LG_OK && e.n == 0);
    lg_equiv_free(&e);
    LG_ASSERT_MSG(spill(path, "# header\n\n  a.c:ror:0000000a   why a\r\nb.c:sign:0000000b\twhy b, at length \n"),
                  "cannot write %s", path);
    int rc = lg_equiv_read(&lab, &e);
    LG_ASSERT_MSG(rc == LG_OK && e.n == 2 && !strcmp(e.id[0], "a.c:ror:0000000a") && !strcmp(e.why[0], "why a") &&
                      !strcmp(e.id[1], "b.c:sign:0000000b") && !strcmp(e.why[1], "why b, at length") &&
                      lg_equiv_find(&e, "b.c:sign:0000000b") == 1 && lg_equiv_find(&e, "c") == 2,
                  "read: rc %d, %zu ids", rc, e.n);
    lg_equiv_free(&e);
    LG_ASSERT_MSG(spill(path, "a.c:ror:0000000a why\na.c:guard:0000000c\n"), "cannot write %s", path);
    rc = lg_equiv_read(&lab, &e);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), "equivalent.txt: mutant a.c:guard:0000000c has no argument"),
                  "no argument: rc %d, '%s'", rc, lg_errmsg());
    LG_ASSERT_MSG(spill(path, "a.c:ror:0000000a why\na.c:ror:0000000a again\n"), "cannot write %s", path);
    rc = lg_equiv_read(&lab, &e);
    LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), "mutant a.c:ror:0000000a is listed twice"),
                  "twice: rc %d, '%s'", rc, lg_errmsg());
}

/* `litgan mutate`: its usage errors in one line; --show prints a patch that
 * `patch -p1` applies to give exactly the mutant (one of one line, one whose
 * edit spans two lines). */
static void test_mutate_command(void)
{
    lg_test_cli_expect("mutate --help", 0, "usage: litgan mutate [NN ...] [-j N] [--sample K]", false);
    lg_test_cli_expect("mutate --bogus", 2, "litgan mutate: unknown option '--bogus' (see litgan mutate --help)",
                       true);
    lg_test_cli_expect("mutate 02 --show nope", 2, "lab 02 has no mutant 'nope' (litgan mutate 02 --list lists them)",
                       true);
    lg_test_cli_expect("mutate 02 --list --show x", 2, "--list or --show, not both", true);
    lg_test_cli_expect("mutate 99", 2, "litgan mutate: ", true);
    lg_test_cli_expect("mutate 02 --sample 0", 2, "--sample", true);
    const lg_lab *lab = lg_lab_find("02");
    LG_ASSERT_MSG(lab != NULL, "no lab 02: %s", lg_errmsg());
    if (!lab)
        return;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", lab->root, lab->files[0]);
    size_t len;
    char *text = lg_read_file(path, &len);
    lg_mutants ms = { 0 };
    LG_ASSERT_MSG(text && lg_mut_generate(lab->files[0], text, len, &ms) == LG_OK && ms.n > 0, "%s: no mutants",
                  path);
    size_t pick[2] = { 0, ms.n };
    for (size_t i = 0; i < ms.n && pick[1] == ms.n; i++)
        if (memchr(text + ms.v[i].at, '\n', ms.v[i].len))
            pick[1] = i;
    LG_ASSERT_MSG(pick[1] < ms.n, "%s: no mutant whose edit spans two lines", path);
    for (size_t k = 0; k < 2 && pick[k] < ms.n; k++) {
        const lg_mutant *m = &ms.v[pick[k]];
        char dir[1024], cmd[8192], out[256];
        snprintf(dir, sizeof dir, "%s", lg_test_tmpdir(k ? "mutate-show-1" : "mutate-show-0"));
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/plugins' && cp '%s' '%s/%s' && '%s' mutate 02 --show '%s' "
                 "> '%s/m.diff' && patch -s -p1 -d '%s' < '%s/m.diff' 2>&1",
                 dir, dir, path, dir, lab->files[0], lg_test_bin(), m->id, dir, dir, dir);
        int st = lg_test_run_capture(cmd, out, sizeof out);
        char got_path[2048];
        snprintf(got_path, sizeof got_path, "%s/%s", dir, lab->files[0]);
        char *got = lg_read_file(got_path, NULL);
        char *want = lg_mut_apply(text, len, m, NULL);
        LG_ASSERT_MSG(st == 0 && got && !strcmp(got, want), "%s: --show's patch (status %d: %s) does not give the mutant",
                      m->id, st, out);
        free(got);
        free(want);
    }
    lg_mutants_free(&ms);
    free(text);
}

/* The grading of mutants (run.c), on lab 02's gradients.c: the reference
 * survives, a wrong formula is killed, a mutant that does not compile is
 * stillborn (with the compiler's error), each in its own job. */
static void test_mutate_fates(void)
{
    const lg_lab *lab = lg_lab_find("02");
    LG_ASSERT_MSG(lab != NULL && !strcmp(lab->files[1], "labs/02-nonsaturating/gradients.c"), "lab 02: %s",
                  lab ? lab->files[1] : lg_errmsg());
    if (!lab)
        return;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", lab->root, lab->files[1]);
    size_t len;
    char *text = lg_read_file(path, &len);
    const char *at = text ? strstr(text, "return 1.0 - d;") : NULL;
    LG_ASSERT_MSG(at != NULL, "%s: no 'return 1.0 - d;'", path);
    if (!at) {
        free(text);
        return;
    }
    lg_mutant wrong = { .file = "labs/02-nonsaturating/gradients.c", .at = (size_t)(at - text) + 7, .len = 7,
                        .repl = "d" },
              broken = { .file = "labs/02-nonsaturating/gradients.c", .at = (size_t)(at - text) + 7, .len = 7,
                         .repl = "1.0 - d d" };
    lg_mut_job jobs[3] = { { .m = NULL }, { .m = &wrong }, { .m = &broken } };
    int rc = lg_mut_grade(lab, jobs, 3, 2, NULL, "test");
    LG_ASSERT_MSG(rc == LG_OK, "lg_mut_grade: %s", lg_errmsg());
    LG_ASSERT_MSG(jobs[0].fate == LG_MUT_SURVIVED && jobs[0].score == jobs[0].max && jobs[0].max > 0,
                  "the reference: fate %d, %g / %g (%s)", (int)jobs[0].fate, jobs[0].score, jobs[0].max, jobs[0].why);
    LG_ASSERT_MSG(jobs[1].fate == LG_MUT_KILLED && jobs[1].score < jobs[1].max,
                  "'return d' for 1 - d: fate %d, %g / %g (%s)", (int)jobs[1].fate, jobs[1].score, jobs[1].max,
                  jobs[1].why);
    LG_ASSERT_MSG(jobs[2].fate == LG_MUT_STILLBORN && strstr(jobs[2].why, "error"),
                  "a syntax error: fate %d (%s)", (int)jobs[2].fate, jobs[2].why);
    free(text);
}

/* A sample's survivors against the 95% bar, by hand: P(S >= s) for S ~
 * Binomial(n, 0.05) is 1 - sum_{k<s} C(n,k) 0.05^k 0.95^(n-k). */
static void test_mutate_sample_p(void)
{
    double q = 0.95, p = 0.05;
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(0, 24), 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(1, 6), 1 - pow(q, 6), 1e-14);
    /* two of Lab 04's three survivors (of 559) in a sample of 24: a pass (p = 0.34) */
    double p2 = 1 - pow(q, 24) - 24 * p * pow(q, 23);
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(2, 24), p2, 1e-14);
    CU_ASSERT_TRUE(p2 > LG_MUTATE_SAMPLE_P);
    /* three of six: a lab that kills only half fails (p = 0.0022) */
    double p3 = 1 - pow(q, 6) - 6 * p * pow(q, 5) - 15 * p * p * pow(q, 4);
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(3, 6), p3, 1e-14);
    CU_ASSERT_TRUE(p3 < LG_MUTATE_SAMPLE_P);
    /* five of 24 (a lab at about 80%): p = 0.0060, a fail */
    double below = 0, c = 1;
    for (int k = 0; k < 5; k++) {
        below += c * pow(p, k) * pow(q, 24 - k);
        c = c * (24 - k) / (k + 1);
    }
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(5, 24), 1 - below, 1e-13);
    CU_ASSERT_TRUE(1 - below < LG_MUTATE_SAMPLE_P);
    CU_ASSERT_DOUBLE_EQUAL(lg_mut_sample_p(7, 6), 0.0, 0);
}

/* How many of each lab's automatic mutants make test grades (seeded: the same
 * ones each run); make test-labs grades MUT_SAMPLE_FULL, make mutants all. */
#define MUT_SAMPLE 4
#define MUT_SAMPLE_FULL 24

static void check_mutation_sample(const lg_lab *lab)
{
    char *text = NULL;
    size_t tl;
    FILE *f = open_memstream(&text, &tl);
    size_t sample = labs_full() ? MUT_SAMPLE_FULL : MUT_SAMPLE;
    lg_mutate_opts o = { .jobs = 2, .sample = sample, .seed = 1 };
    lg_mutate_counts c;
    memset(&c, 0, sizeof c);
    double t0 = lg_now();
    int rc = lg_mutate_run(&lab, 1, &o, f, &c);
    fclose(f);
    LG_ASSERT_MSG(rc == LG_OK && c.pass && c.graded == (c.generated < sample ? c.generated : sample),
                  "lab %s: mutation sample: rc %d (%s)\n%s", lab->dir, rc, lg_errmsg(), text ? text : "");
    printf("\n    lab %02d  mutants: %zu generated; of %zu sampled %zu killed, %zu survived, %zu equivalent, %zu "
           "stillborn: %.0f%%, p = %.2f (%.1f s)",
           lab->number, c.generated, c.graded, c.killed, c.survived, c.equivalent, c.stillborn, 100 * c.kill_rate,
           c.p_value, lg_now() - t0);
    free(text);
}
static void test_mutation_sample(void) { every_lab(check_mutation_sample); }

void lg_suite_labs(void)
{
    LG_ADD_SUITE("labs",
                 { "every lab: loaded, files, writeup, tasks and regions", test_content },
                 { "every lab: the reference scores full marks", test_reference },
                 { "every lab: the untouched handout scores zero", test_handout },
                 { "every lab: every mutant loses points", test_mutants },
                 { "every lab: 95% of a sample of its automatic mutants are killed", test_mutation_sample },
                 { "mutation: the lexer", test_mutate_lexer },
                 { "mutation: the mutants of a synthetic region, exactly", test_mutate_generator },
                 { "mutation: ids survive edits elsewhere", test_mutate_ids_stable },
                 { "mutation: litgan mutate's errors; --show is a patch", test_mutate_command },
                 { "mutation: check/equivalent.txt read, bad lines refused", test_mutate_equivalent_file },
                 { "mutation: a mutant survives, is killed or is stillborn", test_mutate_fates },
                 { "mutation: a sample's survivors against the bar, a binomial tail", test_mutate_sample_p },
                 { "every lab: the smoke run writes its data and figures; weave a page", test_smoke },
                 { "every lab: every correct alternative scores full marks", test_alternatives },
                 { "every lab: the reference scores full marks on other OpenBLAS kernels", test_blas_kernels },
                 { "lab 01: p_g = data, a perfect generator's C(G) a little above -log 4", test_lab01_perfect_generator },
                 { "every lab: a bad lab.ini key is named with its line", test_experiment_bad_ini },
                 { "litgan labs; README.md's table is generated from lab.ini", test_labs_command },
                 { "a new lab from the template: built, found, passes every check", test_new_lab },
                 { "a lab that does not compile is left out, alone", test_broken_lab },
                 { "lab kit: lab.ini from a table of keys, profiles", test_kit_ini },
                 { "lab kit: the binned kernel density estimate", test_kit_kde },
                 { "lab kit: gnuplot in a folder, settings.gp read back", test_kit_gnuplot });
}
