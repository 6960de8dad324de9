/*
 * test_gradeout.c - the grader's files against a hostile student, II: what it
 * writes. The sanitiser and the CSV cell writer on their own; then, graded by
 * bin/litgan (see tests/gradefiles.h), a student whose compile error and whose
 * code's output carry ANSI escapes, a forged "Total 18.0 / 18.0" after a
 * carriage return, C1 bytes, invalid UTF-8 and an RLO, and a student whose
 * folder's name does: the terminal table, NAME.txt, results.json, grades.csv
 * and grade-all's progress hold none of it raw, and only one line begins
 * with Total; folder names that spreadsheets would run as formulas.
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
    const char *args2[] = { "grade-all", "01", gf_path("sanitise"), "--out", outdir, "-j", "2", NULL };
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
    const char *args[] = { "grade-all", "01", gf_path("class-csv"), "--out", outdir, NULL };
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

static void test_nothing_left(void) { gf_cleanup(); }

void lg_suite_gradeout(void)
{
    LG_ADD_SUITE("gradeout",
                 { "sanitiser: controls, C1, invalid UTF-8, cap", test_sanitizer },
                 { "CSV cells: formulas neutralised, quoting", test_csv_cells },
                 { "escapes and forged totals sanitised everywhere", test_sanitised_outputs },
                 { "CSV injection by folder names", test_csv_injection },
                 { "nothing left behind", test_nothing_left });
}
