/*
 * test_gradeout.c - the grader's files against a hostile student, II: what it
 * writes. The sanitiser and the CSV cell writer on their own; then, graded by
 * bin/litgan (see tests/gradefiles.h), a student whose compile error and whose
 * code's output carry ANSI escapes, a forged "Total 18.0 / 18.0" after a
 * carriage return, C1 bytes, invalid UTF-8 and an RLO, and a student whose
 * folder's name does: the terminal table, NAME.txt, results.json, grades.csv
 * and grade-all's progress hold none of it raw, and only one line begins
 * with Total; folder names that spreadsheets would run as formulas; the
 * grader's records (version, a CRC-32 of the tests computed here, compiler,
 * BLAS); owner-only modes; `grade-all --only NAME` leaving the others' files
 * byte for byte.
 */
#include "gradefiles.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <zlib.h>

#define EVIL_COMPILE "EVILMARK-C \x1b[2J\x1b[31m Total 18.0 / 18.0 \xc2\x9b\x9b\xff\xfe\xe2\x80\xae end"

/* Every string of a JSON document clean (newlines allowed) and the
 * concatenation of them in *all (caller frees). */
static void json_strings(const json_t *v, const char *what, lg_strvec *all)
{
    if (json_is_string(v)) {
        gf_assert_clean(what, json_string_value(v), json_string_length(v), true);
        lg_strvec_push(all, json_string_value(v));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *x;
        json_object_foreach((json_t *)v, key, x) json_strings(x, what, all);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_strings(x, what, all);
    }
}

/* How many lines of text begin with head. */
static size_t lines_starting(const char *text, const char *head)
{
    size_t n = 0, h = strlen(head);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        n += !strncmp(l, head, h);
    return n;
}


/* ------------------------------------------------- the sanitiser itself --- */

static void test_sanitizer(void)
{
    char out[64];
    lg_text_clean(out, sizeof out, "a\tb\nc\rd", 7, 0);
    CU_ASSERT_STRING_EQUAL(out, "a b c d");
    lg_text_clean(out, sizeof out, "a\tb\nc", 5, LG_TEXT_NEWLINES);
    CU_ASSERT_STRING_EQUAL(out, "a b\nc");
    lg_text_clean(out, sizeof out, "\x1b[31mred\x7f\x01", 10, 0);
    CU_ASSERT_STRING_EQUAL(out, "?[31mred??");
    /* C1 (U+009B, CSI), a bare C1 byte, an RLO, an overlong '/', a surrogate */
    const char *in = "x\xc2\x9by\x9bz\xe2\x80\xae!\xc0\xaf\xed\xa0\x80.";
    lg_text_clean(out, sizeof out, in, strlen(in), 0);
    CU_ASSERT_STRING_EQUAL(out, "x?y\xef\xbf\xbdz?!\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.");
    /* valid UTF-8 is kept */
    lg_text_clean(out, sizeof out, "D* = p/(p+q) \xe2\x89\xa4 1, \xc3\xa9t\xc3\xa9", 25, 0);
    CU_ASSERT_STRING_EQUAL(out, "D* = p/(p+q) \xe2\x89\xa4 1, \xc3\xa9t\xc3\xa9");
    /* the cap: at a character boundary, marked */
    char big[3001];
    for (int i = 0; i < 1500; i++)
        memcpy(big + 2 * i, "\xc3\xa9", 2);
    big[3000] = '\0';
    char *capped = lg_text_sanitize(big, LG_TEXT_MAX, 0);
    size_t len = strlen(capped);
    LG_ASSERT_MSG(len <= LG_TEXT_MAX && len > LG_TEXT_MAX - 8 &&
                      !strcmp(capped + len - 3, "\xe2\x80\xa6"),
                  "capped to %zu bytes", len);
    gf_assert_clean("capped", capped, len, false);
    free(capped);
    char *same = lg_text_sanitize("short", LG_TEXT_MAX, 0);
    CU_ASSERT_STRING_EQUAL(same, "short");
    free(same);
}

static char *cell(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    lg_csv_cell(f, s);
    fclose(f);
    return text;
}

static void test_csv_cells(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "alice", "alice" },
        { "3.5", "3.5" },                                   /* a name, not a formula */
        { "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"" },
        { "+SUM(A1:A9)", "\"'+SUM(A1:A9)\"" },
        { "-2+3", "\"'-2+3\"" },
        { "@SUM(A1)", "\"'@SUM(A1)\"" },
        { "\t=1+1", "\"' =1+1\"" },                         /* a tab first */
        { "\r=1+1", "\"' =1+1\"" },                         /* a carriage return first */
        { "=HYPERLINK(\"http://evil\",\"click\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\"" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\nlines", "two lines" },
        { "\x1b[2Jx", "?[2Jx" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = cell(cases[i].in);
        LG_ASSERT_MSG(!strcmp(got, cases[i].out), "cell %zu: got [%s], want [%s]", i, got, cases[i].out);
        free(got);
    }
}

/* ------------------------------------------------------ what goes out --- */

/* optimal.c that prints a line meant to fool the table - ANSI escapes, a
 * carriage return before a forged total, C1 bytes, invalid UTF-8, an RLO, a
 * bell - in the form a stub's message takes, and returns NaN. */
static const char evil_optimal[] =
    "#include <math.h>\n#include <stdio.h>\n"
    "typedef double (*lab01_density)(double x, void *ctx);\n"
    "static double evil(const char *task)\n{\n"
    "    fprintf(stderr, \"%s\\x1b[2J\\x1b[H\\rTotal 18.0 / 18.0 EVILMARK-R\\xc2\\x9b\\x9b\\xff\\xe2\\x80\\xae\\x07"
    " is not implemented yet\\n\", task);\n"
    "    return NAN;\n}\n"
    "double lab01_optimal_d(double p_data, double p_g) { (void)p_data; (void)p_g; return evil(\"Task 1.3\"); }\n"
    "double lab01_criterion(lab01_density p, void *pc, lab01_density q, void *qc, double lo, double hi)\n"
    "{ (void)p; (void)pc; (void)q; (void)qc; (void)lo; (void)hi; return evil(\"Task 1.4\"); }\n";

/* The text outputs of one run checked: clean, one Total line (the real one). */
static void check_table(const char *what, const char *text, const char *real_total)
{
    gf_assert_clean(what, text, text ? strlen(text) : 0, true);
    LG_ASSERT_MSG(text && lines_starting(text, "Total") == 1 && strstr(text, real_total),
                  "%s: %zu lines start with Total, want one with %s: %.600s", what,
                  text ? lines_starting(text, "Total") : 0, real_total, text ? text : "");
}

static void test_sanitised_outputs(void)
{
    const char *evil = gf_path("sanitise/evil");
    gf_put_str(evil, "gan.c", "#error \"" EVIL_COMPILE "\"\n");
    gf_put_str(evil, "optimal.c", evil_optimal);
    const char *red = gf_path("sanitise/\x1b[31mred\x9b\xff\r"); /* a folder name with escapes */
    gf_put_ref(red, "gan.c");
    gf_put_ref(red, "optimal.c");

    /* litgan grade: the terminal table, results.json */
    const char *json = gf_path("evil-alone.json");
    const char *args[] = { "grade", "01", "--submission", evil, "--json", json, NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    CU_ASSERT_EQUAL(st, 1);
    check_table("grade's table", out, "0.0 / 18.0");
    LG_ASSERT_MSG(out && strstr(out, "EVILMARK-C") && strstr(out, "EVILMARK-R") && strstr(out, "?[2J"),
                  "the messages reach the table, sanitised: %.600s", out ? out : "");
    free(out);

    /* grade-all: progress, NAME.txt, NAME.json, grades.csv */
    const char *outdir = gf_path("sanitise-grades");
    const char *args2[] = { "grade-all", "--weaker-sandbox", "01", gf_path("sanitise"), "--out", outdir, "-j", "2", NULL };
    st = gf_litgan(args2, 60, &out);
    CU_ASSERT_EQUAL(st, 0);
    gf_assert_clean("grade-all's progress", out, out ? strlen(out) : 0, true);
    LG_ASSERT_MSG(out && strstr(out, "?[31mred\xef\xbf\xbd\xef\xbf\xbd : 18.0 / 18.0"), "progress: %.600s",
                  out ? out : "");
    free(out);
    lg_strvec names = { 0 };
    lg_dir_list(outdir, &names);
    size_t tables = 0, docs = 0;
    for (size_t i = 0; i < names.n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", outdir, names.w[i]);
        size_t n = 0;
        char *text = gf_slurp(path, &n);
        size_t len = strlen(names.w[i]);
        bool is_evil = !strncmp(names.w[i], "evil.", 5);
        if (len > 4 && !strcmp(names.w[i] + len - 4, ".txt")) {
            tables++;
            check_table(names.w[i], text, is_evil ? "0.0 / 18.0" : "18.0 / 18.0");
            if (is_evil)
                CU_ASSERT(text && strstr(text, "EVILMARK-C") && strstr(text, "EVILMARK-R"));
        } else if (len > 5 && !strcmp(names.w[i] + len - 5, ".json")) {
            docs++;
            json_error_t e;
            json_t *doc = json_loadb(text ? text : "", n, 0, &e);
            LG_ASSERT_MSG(doc, "%s: %s", names.w[i], e.text);
            lg_strvec strs = { 0 };
            json_strings(doc, names.w[i], &strs);
            bool marks = false, forged = false;
            for (size_t k = 0; k < strs.n; k++) {
                marks = marks || strstr(strs.w[k], "EVILMARK-R");
                forged = forged || strstr(strs.w[k], "\nTotal");
            }
            CU_ASSERT(!forged);
            CU_ASSERT(marks == is_evil);
            lg_strvec_free(&strs);
            json_decref(doc);
        } else if (!strcmp(names.w[i], "grades.csv")) {
            gf_assert_clean("grades.csv", text, n, true);
            CU_ASSERT(text && strstr(text, "\n\"?[31mred\xef\xbf\xbd\xef\xbf\xbd \",18,18,4,4,4,6") &&
                      strstr(text, "\nevil,0,18,0,0,0,0"));
        }
        free(text);
    }
    CU_ASSERT_EQUAL(tables, 2);
    CU_ASSERT_EQUAL(docs, 2);
    lg_strvec_free(&names);
}

/* Folder names a spreadsheet would run as formulas: their cells begin with a
 * quote; the numbers litgan writes stay plain numbers. */
static void test_csv_injection(void)
{
    const char *names[] = { "=cmd|' -C calc'!A0", "+SUM(A1)", "-2+3", "@HYPERLINK", "alice" };
    for (size_t i = 0; i < 5; i++) {
        char rel[300];
        snprintf(rel, sizeof rel, "class-csv/%s", names[i]);
        char *d = lg_xstrdup(gf_path(rel));
        gf_put_ref(d, "gan.c");
        gf_put_ref(d, "optimal.c");
        free(d);
    }
    const char *outdir = gf_path("class-csv-grades");
    const char *args[] = { "grade-all", "--weaker-sandbox", "01", gf_path("class-csv"), "--out", outdir, NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    LG_ASSERT_MSG(st == 0, "grade-all: %d: %.400s", st, out ? out : "");
    free(out);
    char path[4400];
    snprintf(path, sizeof path, "%s/grades.csv", outdir);
    char *csv = gf_slurp(path, NULL);
    CU_ASSERT_FATAL(csv != NULL);
    const char *rows[] = { "\n\"'+SUM(A1)\",18,18,4,4,4,6", "\n\"'-2+3\",18,18,4,4,4,6",
                           "\n\"'=cmd|' -C calc'!A0\",18,18,4,4,4,6", "\n\"'@HYPERLINK\",18,18,4,4,4,6",
                           "\nalice,18,18,4,4,4,6" };
    for (size_t i = 0; i < 5; i++)
        LG_ASSERT_MSG(strstr(csv, rows[i]), "no row %s in:\n%s", rows[i] + 1, csv);
    /* no line (no cell of the first column) begins with a formula character */
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        CU_ASSERT(!strchr("=+-@\t\r", *l));
    free(csv);
}

/* ------------------------------------------------------------- records --- */

/* CRC-32 of a file's bytes, continuing crc. */
static uLong crc_file(uLong crc, const char *path)
{
    size_t n = 0;
    char *bytes = gf_slurp(path, &n);
    CU_ASSERT(bytes != NULL);
    crc = crc32(crc, (const Bytef *)(bytes ? bytes : ""), (uInt)n);
    free(bytes);
    return crc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records in results.json and grades.csv: the version, a CRC-32 of lab
 * 01's test objects (hidden.so, lab.so) and test table computed here, the
 * compiler's first line, the BLAS. */
static void test_records(void)
{
    const char *dir = gf_path("records/alice");
    gf_put_ref(dir, "gan.c");
    gf_put_ref(dir, "optimal.c");
    const char *outdir = gf_path("records-grades");
    const char *args[] = { "grade-all", "--weaker-sandbox", "01", gf_path("records"), "--out", outdir, NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    LG_ASSERT_MSG(st == 0, "grade-all: %d: %.400s", st, out ? out : "");
    free(out);

    /* the expected CRC: the objects' bytes in the order of their paths, then
     * the tests' lines (task, name, points, visibility) sorted */
    const lg_lab *lab = lg_lab_find("01");
    CU_ASSERT_FATAL(lab != NULL);
    char obj[4200];
    uLong crc = crc32(0L, Z_NULL, 0);
    snprintf(obj, sizeof obj, "%s/01-minimax/hidden.so", lg_lab_object_dir());
    crc = crc_file(crc, obj);
    snprintf(obj, sizeof obj, "%s/01-minimax/lab.so", lg_lab_object_dir());
    crc = crc_file(crc, obj);
    size_t n = 0;
    const lg_grade_test *tests = lg_lab_tests(lab, &n);
    char **lines = lg_xcalloc(n, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s\t%s\t%.17g\t%s\n", tests[i].task, tests[i].name, tests[i].points,
                 tests[i].visibility == LG_HIDDEN ? "hidden" : "visible");
        lines[i] = lg_xstrdup(line);
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    for (size_t i = 0; i < n; i++) {
        crc = crc32(crc, (const Bytef *)lines[i], (uInt)strlen(lines[i]));
        free(lines[i]);
    }
    free(lines);
    char want_crc[16];
    snprintf(want_crc, sizeof want_crc, "%08lx", (unsigned long)crc);
    char cc[512];
    CU_ASSERT_FATAL(lg_test_run_capture("cc --version 2>/dev/null", cc, sizeof cc) == 0);
    cc[strcspn(cc, "\n")] = '\0';

    char path[4400];
    snprintf(path, sizeof path, "%s/alice.json", outdir);
    json_error_t e;
    json_t *doc = json_load_file(path, 0, &e);
    CU_ASSERT_FATAL(doc != NULL);
    json_t *rec = json_object_get(json_object_get(doc, "extra_data"), "litgan");
    const char *v = json_string_value(json_object_get(rec, "version"));
    const char *c = json_string_value(json_object_get(rec, "tests_crc32"));
    const char *of = json_string_value(json_object_get(rec, "tests_crc32_of"));
    const char *comp = json_string_value(json_object_get(rec, "compiler"));
    const char *blas = json_string_value(json_object_get(rec, "blas"));
    LG_ASSERT_MSG(v && !strcmp(v, lg_version()), "version %s", v ? v : "(none)");
    LG_ASSERT_MSG(c && !strcmp(c, want_crc), "tests_crc32 %s, want %s", c ? c : "(none)", want_crc);
    LG_ASSERT_MSG(of && !strcmp(of, "hidden.so+lab.so"), "tests_crc32_of %s", of ? of : "(none)");
    LG_ASSERT_MSG(comp && !strcmp(comp, cc), "compiler [%s], want [%s]", comp ? comp : "", cc);
    LG_ASSERT_MSG(blas && *blas && strcmp(blas, "unknown") != 0, "blas %s", blas ? blas : "(none)");
    /* the same four in the CSV: its last columns */
    snprintf(path, sizeof path, "%s/grades.csv", outdir);
    char *csv = gf_slurp(path, NULL);
    char row[2048];
    /* (the six written questions, not graded yet, between the tasks and the records) */
    snprintf(row, sizeof row, "\nalice,18,18,4,4,4,6,,,,,,,6,%s,%s,", v ? v : "", c ? c : "");
    CU_ASSERT(csv && strstr(csv, "submission,score,max_score,Task 1.1,Task 1.2,Task 1.3,Task 1.4,Question 1,"
                                 "Question 2,Question 3,Question 4,Question 5,Question 6,questions_not_graded,"
                                 "litgan_version,tests_crc32,compiler,blas\n"));
    LG_ASSERT_MSG(csv && strstr(csv, row) && strstr(csv, comp ? comp : "?") && strstr(csv, blas ? blas : "?"),
                  "grades.csv:\n%s", csv ? csv : "");
    free(csv);
    json_decref(doc);
}

/* Grade files are their owner's: 0600 files, a 0700 folder when litgan made
 * it; a results.json replacing a 0644 file, or written under umask 0, too. */
static void test_modes(void)
{
    const char *outdir = gf_path("records-grades"); /* made by litgan in test_records */
    CU_ASSERT_EQUAL(gf_mode_of(outdir), 0700);
    lg_strvec names = { 0 };
    lg_dir_list(outdir, &names);
    CU_ASSERT(names.n >= 3);
    for (size_t i = 0; i < names.n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", outdir, names.w[i]);
        LG_ASSERT_MSG(gf_mode_of(path) == 0600, "%s: mode %o", names.w[i], (unsigned)gf_mode_of(path));
    }
    lg_strvec_free(&names);
    const char *json = gf_path("public.json");
    gf_put_str(gf_tmp(), "public.json", "{}\n");
    CU_ASSERT_FATAL(chmod(json, 0644) == 0);
    const char *args[] = { "grade", "01", "--submission", gf_path("records/alice"), "--json", json, NULL };
    int st = gf_litgan(args, 60, NULL);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_EQUAL(gf_mode_of(json), 0600);
    mode_t old = umask(0); /* inherited by the grader */
    const char *fresh = gf_path("fresh.json");
    const char *args2[] = { "grade", "01", "--submission", gf_path("records/alice"), "--json", fresh, NULL };
    st = gf_litgan(args2, 60, NULL);
    umask(old);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_EQUAL(gf_mode_of(fresh), 0600);
}

/* ---------------------------------------------------------- --only NAME --- */

typedef struct snap {
    char *bytes;
    size_t n;
    struct stat st;
} snap;

static snap take(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snap s = { 0 };
    s.bytes = gf_slurp(path, &s.n);
    stat(path, &s.st);
    return s;
}

static bool unchanged(const snap *a, const char *dir, const char *name)
{
    snap b = take(dir, name);
    bool same = a->bytes && b.bytes && a->n == b.n && !memcmp(a->bytes, b.bytes, a->n) &&
                a->st.st_ino == b.st.st_ino && a->st.st_mtim.tv_sec == b.st.st_mtim.tv_sec &&
                a->st.st_mtim.tv_nsec == b.st.st_mtim.tv_nsec;
    free(b.bytes);
    return same;
}

/* The line of grades.csv that starts with head, newline included (caller frees). */
static char *csv_line(const char *csv, const char *head)
{
    char want[300];
    snprintf(want, sizeof want, "\n%s", head);
    const char *l = csv ? strstr(csv, want) : NULL;
    if (!l)
        return NULL;
    l++;
    size_t len = strcspn(l, "\n") + 1;
    char *out = lg_xmalloc(len + 1);
    memcpy(out, l, len);
    out[len] = '\0';
    return out;
}

static void test_only(void)
{
    const char *cls = gf_path("only"), *outdir = gf_path("only-grades");
    char d[4400];
    const char *full[] = { "alice", "carol" };
    for (int i = 0; i < 2; i++) {
        snprintf(d, sizeof d, "%s/%s", cls, full[i]);
        gf_put_ref(d, "gan.c");
        gf_put_ref(d, "optimal.c");
    }
    snprintf(d, sizeof d, "%s/bob", cls);
    gf_put_ref(d, "gan.c"); /* no optimal.c yet: 8 points */
    const char *args[] = { "grade-all", "--weaker-sandbox", "01", cls, "--out", outdir, "-j", "2", NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    LG_ASSERT_MSG(st == 0, "grade-all: %d: %.400s", st, out ? out : "");
    free(out);
    snap keep[4] = { take(outdir, "alice.json"), take(outdir, "alice.txt"), take(outdir, "carol.json"),
                     take(outdir, "carol.txt") };
    const char *kept[4] = { "alice.json", "alice.txt", "carol.json", "carol.txt" };
    snap csv0 = take(outdir, "grades.csv");
    char *alice_row = csv_line(csv0.bytes, "alice,"), *carol_row = csv_line(csv0.bytes, "carol,");
    CU_ASSERT_FATAL(alice_row && carol_row);
    CU_ASSERT(csv0.bytes && strstr(csv0.bytes, "\nbob,8,18,4,4,0,0,"));

    /* bob hands in optimal.c; a regrade of bob alone */
    gf_put_ref(d, "optimal.c");
    const char *args2[] = { "grade-all", "--weaker-sandbox", "01", cls, "--out", outdir, "--only", "bob", NULL };
    st = gf_litgan(args2, 60, &out);
    LG_ASSERT_MSG(st == 0 && out && strstr(out, "[1/1] bob: 18.0 / 18.0"), "--only: %d: %.400s", st,
                  out ? out : "");
    free(out);
    for (int i = 0; i < 4; i++)
        LG_ASSERT_MSG(unchanged(&keep[i], outdir, kept[i]), "%s changed", kept[i]);
    snap csv1 = take(outdir, "grades.csv");
    char *head0 = csv0.bytes ? lg_xstrdup(csv0.bytes) : NULL;
    if (head0)
        head0[strcspn(head0, "\n")] = '\0';
    LG_ASSERT_MSG(csv1.bytes && head0 && !strncmp(csv1.bytes, head0, strlen(head0)) &&
                      strstr(csv1.bytes, alice_row) && strstr(csv1.bytes, carol_row) &&
                      strstr(csv1.bytes, "\nbob,18,18,4,4,4,6,") && !strstr(csv1.bytes, "\nbob,8,"),
                  "grades.csv after --only bob:\n%s", csv1.bytes ? csv1.bytes : "");
    CU_ASSERT_EQUAL(gf_mode_of(gf_path("only-grades/grades.csv")), 0600);
    /* a new folder: its row is added in name order, the others kept */
    snprintf(d, sizeof d, "%s/ben", cls);
    gf_put_ref(d, "gan.c");
    const char *args3[] = { "grade-all", "--weaker-sandbox", "01", cls, "--out", outdir, "--only", "ben", NULL };
    st = gf_litgan(args3, 60, NULL);
    CU_ASSERT_EQUAL(st, 0);
    snap csv2 = take(outdir, "grades.csv");
    const char *a = csv2.bytes ? strstr(csv2.bytes, "\nalice,") : NULL, *b = csv2.bytes ? strstr(csv2.bytes, "\nben,8,18,") : NULL,
               *c = csv2.bytes ? strstr(csv2.bytes, "\nbob,18,") : NULL;
    LG_ASSERT_MSG(a && b && c && a < b && b < c && strstr(csv2.bytes, carol_row), "grades.csv after --only ben:\n%s",
                  csv2.bytes ? csv2.bytes : "");
    for (int i = 0; i < 4; i++)
        LG_ASSERT_MSG(unchanged(&keep[i], outdir, kept[i]), "%s changed", kept[i]);

    /* what --only refuses: one line, exit 2, nothing written */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "grade-all --weaker-sandbox 01 '%s' --out '%s' --only nobody", cls, outdir);
    lg_test_cli_expect(cmd, 2, "no submission folder 'nobody' in", true);
    snprintf(cmd, sizeof cmd, "grade-all --weaker-sandbox 01 '%s' --out '%s' --only ../only", cls, outdir);
    lg_test_cli_expect(cmd, 2, "--only takes the name of a submission folder", true);
    const char *other = gf_path("only-other");
    gf_put_str(other, "grades.csv", "submission,score,max_score,Task 2.1\nalice,1,1,1\n");
    snprintf(cmd, sizeof cmd, "grade-all --weaker-sandbox 01 '%s' --out '%s' --only bob", cls, other);
    lg_test_cli_expect(cmd, 2, "has other columns than this grader writes", true);
    char p[4400];
    snprintf(p, sizeof p, "%s/bob.json", other);
    CU_ASSERT(access(p, F_OK) != 0);
    CU_ASSERT(unchanged(&csv2, outdir, "grades.csv"));
    for (int i = 0; i < 4; i++)
        free(keep[i].bytes);
    free(csv0.bytes);
    free(csv1.bytes);
    free(csv2.bytes);
    free(head0);
    free(alice_row);
    free(carol_row);
}

/* ------------------------------------------------- failures that teach --- */

/* The reference file of lab 01 named name with its one occurrence of from
 * replaced by to, into dir. */
static void put_mutant(const char *dir, const char *name, const char *from, const char *to)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", lg_source_root(),
             !strcmp(name, "gan.c") ? "plugins/gan.c" : "labs/01-minimax/optimal.c");
    char *text = gf_slurp(path, NULL);
    const char *at = text ? strstr(text, from) : NULL;
    LG_ASSERT(at, "the reference holds the text to replace");
    if (!at) {
        free(text);
        return;
    }
    char *out = lg_xmalloc(strlen(text) + strlen(to) + 1);
    sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    gf_put_str(dir, name, out);
    free(out);
    free(text);
}

/* How many lines of text start with head. */
static size_t count_lines(const char *text, const char *head) { return lines_starting(text, head); }

/* A submission with a batch sum for a mean (gan.c's g_loss), a constant D*, and C(G)
 * that ignores GSL's failure status (optimal.c): each failure names the class
 * of mistake and gives its hint, one line per wrong value, at most 5 and
 * "and N more", in the table and in results.json. */
static void test_teaching_failures(void)
{
    const char *dir = gf_path("teach/sub");
    put_mutant(dir, "gan.c", "return lg_neg(t, lg_mean(t, lg_softplus(t, s_fake)));",
               "return lg_neg(t, lg_sum(t, lg_softplus(t, s_fake)));");
    put_mutant(dir, "optimal.c", "return p_data / s;", "return 0.3 + 0 * s;");
    char path[4200];
    snprintf(path, sizeof path, "%s/optimal.c", dir);
    char *opt = gf_slurp(path, NULL);
    LG_ASSERT(opt && strstr(opt, "return status == GSL_SUCCESS ? sum : NAN;"), "the reference checks the status");
    free(opt);
    put_mutant(dir, "optimal.c", "return status == GSL_SUCCESS ? sum : NAN;", "return sum;");
    /* put_mutant starts from the reference: redo the D* change on top */
    opt = gf_slurp(path, NULL);
    char *at = opt ? strstr(opt, "return p_data / s;") : NULL;
    if (at) {
        char *out = lg_xmalloc(strlen(opt) + 32);
        sprintf(out, "%.*sreturn 0.3 + 0 * s;%s", (int)(at - opt), opt, at + strlen("return p_data / s;"));
        gf_put_str(dir, "optimal.c", out);
        free(out);
    }
    free(opt);

    const char *json = gf_path("teach.json");
    const char *args[] = { "grade", "01", "--submission", dir, "--json", json, NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    CU_ASSERT_EQUAL(st, 1);
    const char *t = out ? out : "";
    /* D* on 37 grid points, all wrong: the first line after the name, four below, then the rest counted */
    LG_ASSERT_MSG(strstr(t, "  FAIL D* for two Gaussians on a grid (1 pt): input: p_data = N(0, 1), p_g = N(1, 1), "
                            "x = -4; expected ") &&
                      count_lines(t, "       input: p_data = N(0, 1), p_g = N(1, 1), x = -3.75; expected ") == 1 &&
                      count_lines(t, "       input: p_data = N(0, 1), p_g = N(1, 1), x = -") == 4 &&
                      count_lines(t, "       and 32 more") == 1,
                  "one line per wrong value, capped: %.3000s", t);
    /* the class seen and the hint for it */
    LG_ASSERT_MSG(strstr(t, "(3 times the expected value, the batch size: a sum where a mean belongs?); hint: "
                            "the expectation over the batch is a mean (lg_mean), not a sum"),
                  "a sum for a mean is named: %.3000s", t);
    LG_ASSERT_MSG(strstr(t, "expected NaN (the failure reported), got ") &&
                      strstr(t, " (GSL reported an error: gsl: ") &&
                      strstr(t, "; hint: GSL reported a failure: check the status of every GSL call"),
                  "an ignored GSL failure is named: %.3000s", t);
    /* no answer in a visible name or message: the closed forms of the tests stay in the grader */
    LG_ASSERT_MSG(!strstr(t, "sigmoid(1/2 - x)") && !strstr(t, "= -log 4") && !strstr(t, "C(G) = 0"),
                  "a message states an answer: %.3000s", t);
    free(out);

    /* results.json: the same lines, joined by newlines */
    char *doc_text = gf_slurp(json, NULL);
    json_error_t e;
    json_t *doc = doc_text ? json_loads(doc_text, 0, &e) : NULL;
    LG_ASSERT_MSG(doc, "results.json parses");
    const json_t *tests = json_object_get(doc, "tests");
    bool seen = false;
    for (size_t i = 0; i < json_array_size(tests); i++) {
        const json_t *x = json_array_get(tests, i);
        if (strcmp(json_string_value(json_object_get(x, "name")), "Task 1.3: D* for two Gaussians on a grid"))
            continue;
        const char *o = json_string_value(json_object_get(x, "output"));
        size_t lines = 1;
        for (const char *c = o; c && *c; c++)
            lines += *c == '\n';
        const char *first = "input: p_data = N(0, 1), p_g = N(1, 1), x = -4; ";
        LG_ASSERT_MSG(o && lines == 6 && !strncmp(o, first, strlen(first)) &&
                          strstr(o, "\ninput: p_data = N(0, 1), p_g = N(1, 1), x = -3.75; ") &&
                          strstr(o, "\nand 32 more") && o[strlen(o) - 1] != '\n',
                      "results.json output: %s", o ? o : "(none)");
        seen = true;
    }
    CU_ASSERT(seen);
    json_decref(doc);
    free(doc_text);
}

static void test_nothing_left(void) { gf_cleanup(); }

void lg_suite_gradeout(void)
{
    LG_ADD_SUITE("gradeout",
                 { "sanitiser: controls, C1, invalid UTF-8, cap", test_sanitizer },
                 { "CSV cells: formulas neutralised, quoting", test_csv_cells },
                 { "escapes and forged totals sanitised everywhere", test_sanitised_outputs },
                 { "CSV injection by folder names", test_csv_injection },
                 { "records: version, tests CRC, compiler, BLAS", test_records },
                 { "grade files readable by their owner only", test_modes },
                 { "grade-all --only NAME", test_only },
                 { "failures: the class of mistake, its hint, one line per value, capped", test_teaching_failures },
                 { "nothing left behind", test_nothing_left });
}
