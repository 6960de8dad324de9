/*
 * test_handout.c - `litgan handout` and `litgan weave`.
 *
 * References are independent of the code under test: expected texts written
 * out by hand, `grep -E` over the handout folder for surviving markers, the C
 * compiler for "every stubbed file still compiles", coreutils' `base64` for
 * the embedded figures, `git` itself for what a checkout tracks.
 *
 * Many inputs below are deliberately malformed regions. Their marker words are
 * spelt as adjacent literals ("BEGIN" " SOLUTION"), so this file itself holds no
 * marker a scanner (the handout's own, or a reviewer's grep) could count.
 */
#include "lg_test.h"
#include "lg_course.h"

#include <dirent.h>
#include <fcntl.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* ------------------------------------------------------------- helpers --- */

static void put_file(const char *path, const char *text)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, dir);
    FILE *f = fopen(path, "wb");
    LG_ASSERT(f, path);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* stdout of a shell command (the reference tools: grep, cc, base64, git). */
static char *shell(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    LG_ASSERT(p, cmd);
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
        fwrite(chunk, 1, got, o);
    fclose(o);
    int st = pclose(p);
    if (status)
        *status = st;
    return buf;
}

/* Stub text; error lines land in err (one buffer). */
typedef struct stub_res {
    int rc;
    char *out;
    size_t regions;
    char err[2048];
    size_t err_lines;
} stub_res;

static stub_res stub(const char *name, const char *in)
{
    stub_res r = { 0 };
    char *eb = NULL;
    size_t el = 0;
    FILE *e = open_memstream(&eb, &el);
    size_t ol;
    r.rc = lg_handout_stub_text(name, in, strlen(in), &r.out, &ol, &r.regions, e);
    fclose(e);
    snprintf(r.err, sizeof r.err, "%s", eb);
    for (const char *p = eb; *p; p++)
        r.err_lines += *p == '\n';
    free(eb);
    return r;
}

/* ----------------------------------------------------- the region stubs --- */

static void test_stub_basic(void)
{
    const char *in =
        "static lg_node *d_loss(lg_game *g, const lg_params *p)\n"
        "{\n"
        "    (void)p;\n"
        "    /* BEGIN" " SOLUTION Task 1.1 */\n"
        "    lg_tape *t = lg_game_tape(g);\n"
        "    return lg_mean(t, lg_game_real(g));\n"
        "    /* END" " SOLUTION */\n"
        "    /* STUB return lg_todo_node(g, \"Task 1.1\"); */\n"
        "}\n";
    const char *want =
        "static lg_node *d_loss(lg_game *g, const lg_params *p)\n"
        "{\n"
        "    (void)p;\n"
        "    /* TODO Task 1.1: your code here */\n"
        "    return lg_todo_node(g, \"Task 1.1\");\n"
        "}\n";
    stub_res r = stub("plugins/gan.c", in);
    CU_ASSERT_EQUAL(r.rc, LG_OK);
    CU_ASSERT_EQUAL(r.regions, 1);
    CU_ASSERT_EQUAL(r.err_lines, 0);
    LG_ASSERT_MSG(r.out && !strcmp(r.out, want), "got:\n%s", r.out ? r.out : "(null)");
    free(r.out);
}

/* Tabs, CRLF, two regions, END naming its task, blanks inside markers, a
 * stub of two statements, a region on line 1, an empty region, no newline at
 * the end, and text that only looks like a marker. */
static void test_stub_tricky(void)
{
    const char *in =
        "/* BEGIN" " SOLUTION Task 2.1 */\n"
        "/* END" " SOLUTION */\n"
        "/* STUB double x = lg_todo_value(\"Task 2.1\"); */\n"
        "/ * BEGIN" " SOLUTION Task 9.9 * / is prose about markers\n"
        "/* STUBBORN is not a marker */\n"
        "BEGIN" " SOLUTION and END" " SOLUTION as words\n"
        "void f(void)\r\n"
        "{\r\n"
        "\t\t/*   BEGIN   SOLUTION   Task 1.10   */\r\n"
        "\t\tint a = 1;\r\n"
        "\t\t/* END" " SOLUTION Task 1.10 */\r\n"
        "\t\t/*STUB (void)a; return lg_todo_value(\"Task 1.10\");*/\r\n"
        "\t}\r\n"
        "  /* BEGIN" " SOLUTION Task 1.3 */\n"
        "  secret();\n"
        "  /* END" " SOLUTION */\n"
        "  /* STUB return lg_todo_value(\"Task 1.3\"); */";
    const char *want =
        "/* TODO Task 2.1: your code here */\n"
        "double x = lg_todo_value(\"Task 2.1\");\n"
        "/ * BEGIN" " SOLUTION Task 9.9 * / is prose about markers\n"
        "/* STUBBORN is not a marker */\n"
        "BEGIN" " SOLUTION and END" " SOLUTION as words\n"
        "void f(void)\r\n"
        "{\r\n"
        "\t\t/* TODO Task 1.10: your code here */\r\n"
        "\t\t(void)a; return lg_todo_value(\"Task 1.10\");\r\n"
        "\t}\r\n"
        "  /* TODO Task 1.3: your code here */\n"
        "  return lg_todo_value(\"Task 1.3\");";
    stub_res r = stub("labs/x/optimal.c", in);
    CU_ASSERT_EQUAL(r.rc, LG_OK);
    CU_ASSERT_EQUAL(r.regions, 3);
    LG_ASSERT_MSG(r.out && !strcmp(r.out, want), "got:\n%s\nerrors:\n%s", r.out ? r.out : "(null)", r.err);
    CU_ASSERT_PTR_NULL(r.out ? strstr(r.out, "secret") : "");
    free(r.out);
    /* named regions around a solution region stay, markers and all */
    r = stub("plugins/n.c", "/* REG" "ION d_loss */\n  /* BEGIN" " SOLUTION Task 1.1 */\n  x();\n  /* END"
                            " SOLUTION */\n  /* STUB return lg_todo_value(\"Task 1.1\"); */\n/* END" " REGION */\n");
    LG_ASSERT_MSG(r.rc == LG_OK && r.regions == 1 && r.out &&
                      !strcmp(r.out, "/* REG" "ION d_loss */\n  /* TODO Task 1.1: your code here */\n"
                                     "  return lg_todo_value(\"Task 1.1\");\n/* END" " REGION */\n"),
                  "got:\n%s\nerrors:\n%s", r.out ? r.out : "(null)", r.err);
    free(r.out);
    /* a text without regions comes back byte for byte */
    const char *plain = "int main(void) { return 0; }\n/* a comment */\n";
    r = stub("a.c", plain);
    CU_ASSERT(r.rc == LG_OK && r.regions == 0 && r.out && !strcmp(r.out, plain));
    free(r.out);
}

/* Every error: one line, naming the file and the line. */
static void test_stub_errors(void)
{
    static const struct {
        const char *what, *in;
        int line;
        const char *says;
    } cases[] = {
        { "BEGIN without END",
          "a\n/* BEGIN" " SOLUTION Task 1.1 */\nx;\n", 2, "without END" " SOLUTION" },
        { "nested BEGIN",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* BEGIN" " SOLUTION Task 1.2 */\ny;\n/* END" " SOLUTION */\n"
          "/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 3, "nested" },
        { "END without BEGIN",
          "x;\ny;\n/* END" " SOLUTION */\n", 3, "without BEGIN" " SOLUTION" },
        { "region without its STUB line",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */\nreturn 0;\n", 3, "no STUB line" },
        { "region without STUB at the end of the file",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */\n", 3, "no STUB line" },
        { "STUB naming another task",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */\n"
          "/* STUB return lg_todo_node(g, \"Task 1.2\"); */\n", 4, "task number mismatch" },
        { "STUB naming no task",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */\n/* STUB return 0; */\n", 4,
          "task number mismatch" },
        { "END naming another task",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION Task 1.2 */\n"
          "/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 3, "task number mismatch" },
        { "BEGIN without a task",
          "/* BEGIN" " SOLUTION */\nx;\n/* END" " SOLUTION */\n/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 1,
          "needs exactly one task" },
        { "marker after code",
          "int x; /* BEGIN" " SOLUTION Task 1.1 */\n", 1, "shares its line" },
        { "marker after code, in a region otherwise whole",
          "int x; /* BEGIN" " SOLUTION Task 1.1 */\ny;\n/* END" " SOLUTION */\n"
          "/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 1, "shares its line" },
        { "code after a marker",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */ y();\n", 3, "shares its line" },
        { "marker comment not closed on its line",
          "/* BEGIN" " SOLUTION Task 1.1\n */\n", 1, "does not close" },
        { "stray STUB",
          "x;\n/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 2, "without a solution region" },
        { "empty STUB",
          "/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " SOLUTION */\n/* STUB */\n", 4, "has no code" },
        { "REGION without END REGION",
          "x;\n/* REG" "ION a */\ny;\n", 2, "without END" " REGION" },
        { "END REGION without REGION",
          "x;\n/* END" " REGION */\n", 2, "without REG" "ION" },
        { "REGION without a name",
          "/* REG" "ION */\nx;\n/* END" " REGION */\n", 1, "needs one name" },
        { "REGION with two words",
          "/* REG" "ION a b */\nx;\n/* END" " REGION */\n", 1, "needs one name" },
        { "END REGION naming another region",
          "/* REG" "ION a */\nx;\n/* END" " REGION b */\n", 3, "region name mismatch" },
        { "the same region twice",
          "/* REG" "ION a */\n/* END" " REGION */\n/* REG" "ION a */\n/* END" " REGION */\n", 3, "a second region" },
        { "REGION marker after code",
          "int x; /* REG" "ION a */\ny;\n/* END" " REGION */\n", 1, "shares its line" },
        { "END REGION inside a solution region",
          "/* REG" "ION a */\n/* BEGIN" " SOLUTION Task 1.1 */\nx;\n/* END" " REGION */\n/* END" " SOLUTION */\n"
          "/* STUB return lg_todo_value(\"Task 1.1\"); */\n", 4, "inside the solution region of Task 1.1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stub_res r = stub("plugins/bad.c", cases[i].in);
        char head[64];
        snprintf(head, sizeof head, "plugins/bad.c:%d: ", cases[i].line);
        LG_ASSERT_MSG(r.rc == LG_EFORMAT && r.out == NULL, "%s: rc %d", cases[i].what, r.rc);
        LG_ASSERT_MSG(r.err_lines == 1 && !strncmp(r.err, head, strlen(head)) && strstr(r.err, cases[i].says),
                      "%s: expected one line '%s...%s', got '%s'", cases[i].what, head, cases[i].says, r.err);
        /* lg_errmsg() carries the same first error */
        LG_ASSERT_MSG(!strncmp(lg_errmsg(), head, strlen(head)), "%s: lg_errmsg '%s'", cases[i].what, lg_errmsg());
        free(r.out);
    }
}

static void test_scan_markers(void)
{
    const char *t =
        "a /* BEGIN" " SOLUTION Task 1.1 */\n"
        "b\n"
        "c /*END   SOLUTION*/ and /* STUB x */\n"
        "/ * BEGIN" " SOLUTION * / (prose) STUB BEGIN" " SOLUTION /* STUBS */\n";
    char *eb = NULL;
    size_t el;
    FILE *e = open_memstream(&eb, &el);
    size_t n = lg_handout_scan_markers("f.c", t, strlen(t), e);
    fclose(e);
    CU_ASSERT_EQUAL(n, 3);
    LG_ASSERT_MSG(strstr(eb, "f.c:1: ") && strstr(eb, "f.c:3: ") && !strstr(eb, "f.c:4"), "%s", eb);
    free(eb);
    CU_ASSERT_EQUAL(lg_handout_scan_markers("g.c", "int x;\n", 7, NULL), 0);
}

/* ------------------------------------------------ the handout command --- */

static const char *p_c =
    "#include \"litgan.h\"\n"
    "int f(void)\n"
    "{\n"
    "    /* BEGIN" " SOLUTION Task 1.1 */\n"
    "    return 42;\n"
    "    /* END" " SOLUTION */\n"
    "    /* STUB return (int)lg_todo_value(\"Task 1.1\"); */\n"
    "}\n";
static const char *p_c_stubbed =
    "#include \"litgan.h\"\n"
    "int f(void)\n"
    "{\n"
    "    /* TODO Task 1.1: your code here */\n"
    "    return (int)lg_todo_value(\"Task 1.1\");\n"
    "}\n";

/* A small source tree with every kind of file the handout must sort. */
static void make_tree(const char *root)
{
    char p[1024];
#define PUT(rel, text) (snprintf(p, sizeof p, "%s/%s", root, rel), put_file(p, text))
    PUT("plugins/p.c", p_c);
    PUT("README.md", "# course\n");
    PUT("labs/01-x/grade.c", "/* visible tests */\n");
    PUT("labs/01-x/grade_hidden.c", "/* hidden tests */\n");
    PUT("labs/01-x/handout-exclude", "# instructor notes\nsecret.txt\n/notes/   # a folder\n\n");
    PUT("labs/01-x/secret.txt", "answers\n");
    PUT("labs/01-x/README.md", "# Lab 01\n");
    PUT("notes/plan.md", "plan\n");
    PUT("tests/test_x.c", "int t;\n");
    PUT(".ci/run", "make test\n");
    PUT("build/x.o", "obj\n");
    PUT("bin/litgan", "binary\n");
    PUT("runs/lab-01/f.png", "png\n");
    PUT("reports/01-x/index.html", "<html>\n");
    PUT("reports/templates/report.css", "body {}\n");
    PUT("tools/run.sh", "#!/bin/sh\necho hi\n");
    snprintf(p, sizeof p, "%s/tools/run.sh", root);
    chmod(p, 0755);
    /* a binary file: copied byte for byte, NUL included */
    snprintf(p, sizeof p, "%s/data/b.bin", root);
    put_file(p, "");
    FILE *f = fopen(p, "wb");
    fwrite("ab\0cd\n\xff", 1, 7, f);
    fclose(f);
#undef PUT
}

static void check_tree(const char *out)
{
    char p[1024];
#define AT(rel) (snprintf(p, sizeof p, "%s/%s", out, rel), p)
    char *s = slurp(AT("plugins/p.c"));
    LG_ASSERT_MSG(s && !strcmp(s, p_c_stubbed), "plugins/p.c in the handout:\n%s", s ? s : "(missing)");
    free(s);
    static const char *const kept[] = { "README.md", "labs/01-x/grade.c", "labs/01-x/README.md",
                                        "reports/templates/report.css", "tools/run.sh", "data/b.bin",
                                        "HANDOUT.md" };
    static const char *const gone[] = { "labs/01-x/grade_hidden.c", "labs/01-x/handout-exclude",
                                        "labs/01-x/secret.txt", "notes", "tests", ".ci", "build", "bin", "runs",
                                        "reports/01-x" };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        LG_ASSERT_MSG(exists(AT(kept[i])), "%s missing from the handout", kept[i]);
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        LG_ASSERT_MSG(!exists(AT(gone[i])), "%s must not be in the handout", gone[i]);
    struct stat st;
    CU_ASSERT(stat(AT("tools/run.sh"), &st) == 0 && (st.st_mode & 0777) == 0755);
    FILE *f = fopen(AT("data/b.bin"), "rb");
    char b[16];
    size_t n = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    CU_ASSERT(n == 7 && !memcmp(b, "ab\0cd\n\xff", 7));
#undef AT
}

static char *run_handout(const char *root, const char *out, bool force, int *rc)
{
    char *log = NULL;
    size_t ll;
    FILE *l = open_memstream(&log, &ll);
    *rc = lg_handout_run(root, out, force, l);
    fclose(l);
    return log;
}

static void test_handout_walk(void)
{
    const char *root = lg_test_tmpdir("walk-src"), *out = lg_test_tmpdir("walk-out");
    make_tree(root);
    int rc;
    char *log = run_handout(root, out, false, &rc);
    LG_ASSERT_MSG(rc == LG_OK, "handout: %s\n%s", lg_errmsg(), log);
    LG_ASSERT_MSG(strstr(log, "walked") != NULL, "without .git the tree is walked: %s", log);
    free(log);
    check_tree(out);
    char *guide = slurp(lg_test_tmpdir("walk-out/HANDOUT.md"));
    CU_ASSERT(guide && strstr(guide, "litgan grade 01") && strstr(guide, "plugins/p.c"));
    free(guide);

    /* a second time: the folder is not empty */
    log = run_handout(root, out, false, &rc);
    CU_ASSERT_EQUAL(rc, LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "--force"), "%s", lg_errmsg());
    free(log);
    log = run_handout(root, out, true, &rc);
    CU_ASSERT_EQUAL(rc, LG_OK);
    free(log);

    /* never into the source tree itself, --force or not */
    log = run_handout(root, root, true, &rc);
    CU_ASSERT_EQUAL(rc, LG_EINVAL);
    free(log);
    char *s = slurp(lg_test_tmpdir("walk-src/plugins/p.c"));
    CU_ASSERT(s && !strcmp(s, p_c));
    free(s);

    /* a stale marker left in OUTDIR by something else is caught by the scan */
    put_file(lg_test_tmpdir("walk-out/stale.c"), "/* END" " SOLUTION */\n");
    log = run_handout(root, out, true, &rc);
    CU_ASSERT_EQUAL(rc, LG_EFORMAT);
    LG_ASSERT_MSG(strstr(log, "stale.c:1: ") != NULL, "%s", log);
    free(log);
}

static void test_handout_errors_write_nothing(void)
{
    const char *root = lg_test_tmpdir("bad-src"), *out = lg_test_tmpdir("bad-out");
    make_tree(root);
    put_file(lg_test_tmpdir("bad-src/plugins/q.c"), "int g;\n/* BEGIN" " SOLUTION Task 1.2 */\n");
    put_file(lg_test_tmpdir("bad-src/labs/01-x/o.c"), "x\n/* END" " SOLUTION */\n");
    int rc;
    char *log = run_handout(root, out, false, &rc);
    CU_ASSERT_EQUAL(rc, LG_EFORMAT);
    LG_ASSERT_MSG(strstr(log, "plugins/q.c:2: ") && strstr(log, "labs/01-x/o.c:2: "), "both errors: %s", log);
    CU_ASSERT(!exists(out));
    free(log);
}

static void test_handout_git(void)
{
    int st;
    free(shell("git --version >/dev/null 2>&1", &st));
    if (st != 0) {
        fprintf(stderr, "\n  (git not installed: git mode not tested)\n");
        return;
    }
    const char *root = lg_test_tmpdir("git-src"), *out = lg_test_tmpdir("git-out");
    make_tree(root);
    put_file(lg_test_tmpdir("git-src/.gitignore"), "build/\nbin/\nruns/\nreports/*/\n!reports/templates/\n*.log\n");
    put_file(lg_test_tmpdir("git-src/untracked.c"), "int u;\n");
    put_file(lg_test_tmpdir("git-src/noise.log"), "ignored\n");
    put_file(lg_test_tmpdir("git-src/gone.c"), "int gone;\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && git init -q . && git add -A && rm gone.c", root);
    free(shell(cmd, &st));
    LG_ASSERT_MSG(st == 0, "git setup failed: %s", cmd);
    /* the reference: what git itself lists */
    snprintf(cmd, sizeof cmd, "cd '%s' && git ls-files --cached --others --exclude-standard", root);
    char *listed = shell(cmd, &st);
    CU_ASSERT(strstr(listed, "untracked.c") && !strstr(listed, "noise.log") && strstr(listed, "gone.c"));
    free(listed);
    int rc;
    char *log = run_handout(root, out, false, &rc);
    LG_ASSERT_MSG(rc == LG_OK, "handout: %s\n%s", lg_errmsg(), log);
    LG_ASSERT_MSG(strstr(log, "git ls-files") != NULL, "a checkout is listed by git: %s", log);
    free(log);
    check_tree(out);
    CU_ASSERT(exists(lg_test_tmpdir("git-out/untracked.c")));
    CU_ASSERT(exists(lg_test_tmpdir("git-out/.gitignore")));
    CU_ASSERT(!exists(lg_test_tmpdir("git-out/noise.log")));
    CU_ASSERT(!exists(lg_test_tmpdir("git-out/gone.c")));
    CU_ASSERT(!exists(lg_test_tmpdir("git-out/.git")));
}

/* The real tree: no marker survives (grep is the reference), no tests/, no
 * hidden tests, and every C file of the plugins and labs still compiles with
 * the Makefile's warnings as errors. */
static void test_handout_source_tree(void)
{
    const char *out = lg_test_tmpdir("handout");
    int rc;
    char *log = run_handout(lg_source_root(), out, false, &rc);
    LG_ASSERT_MSG(rc == LG_OK, "handout of %s: %s\n%s", lg_source_root(), lg_errmsg(), log);
    free(log);
    char cmd[4096];
    int st;
    snprintf(cmd, sizeof cmd,
             "grep -rlE '/[*][[:space:]]*(BEGIN[[:space:]]+SOLUTION|END[[:space:]]+SOLUTION|STUB)' '%s'", out);
    char *hits = shell(cmd, &st);
    LG_ASSERT_MSG(hits[0] == '\0', "markers survived in: %s", hits);
    free(hits);
    char p[1024];
    snprintf(p, sizeof p, "%s/tests", out);
    CU_ASSERT(!exists(p));
    snprintf(p, sizeof p, "%s/.ci", out);
    CU_ASSERT(!exists(p));
    snprintf(cmd, sizeof cmd, "cd '%s' && ls -d labs/*/grade_hidden*.c labs/*/check 2>/dev/null", out);
    hits = shell(cmd, &st);
    CU_ASSERT(hits[0] == '\0');
    free(hits);
    snprintf(p, sizeof p, "%s/HANDOUT.md", out);
    CU_ASSERT(exists(p));
    /* as many TODO stubs in the handout as BEGIN markers in the source */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && { git ls-files --cached --others --exclude-standard 2>/dev/null || find . -type f; } "
             "| grep -v '^tests/' | xargs grep -hE '^[[:space:]]*/[*][[:space:]]*BEGIN[[:space:]]+SOLUTION' "
             "2>/dev/null | wc -l", lg_source_root());
    char *n_src = shell(cmd, &st);
    snprintf(cmd, sizeof cmd, "grep -rhE '^[[:space:]]*/[*] TODO Task [0-9]+[.][0-9]+: your code here' '%s' | wc -l",
             out);
    char *n_out = shell(cmd, &st);
    LG_ASSERT_MSG(atoi(n_src) == atoi(n_out), "%d regions in the source, %d stubs in the handout", atoi(n_src),
                  atoi(n_out));
    free(n_src);
    free(n_out);
    /* every C file of plugins/ and labs/ compiles as the Makefile compiles it:
     * with the public headers only */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && fail=0; for f in plugins/*.c labs/*/*.c; do [ -f \"$f\" ] || continue; "
             "d=$(basename $(dirname \"$f\")); "
             "msg=$(cc -fsyntax-only -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation "
             "-Icore/include -DLG_LAB_NAME=\\\"$d\\\" $(pkg-config --cflags gsl 2>/dev/null) \"$f\" 2>&1) "
             "|| { echo \"FAILED $f\"; echo \"$msg\" | head -5; fail=1; }; done; exit $fail", out);
    char *cc = shell(cmd, &st);
    LG_ASSERT_MSG(st == 0, "stubbed files that do not compile:\n%s", cc);
    free(cc);
    /* that the untouched handout scores zero: tests/test_labs.c */
}

/* ---------------------------------------------------------------- weave --- */

static void test_weave_region(void)
{
    const char *src =
        "#include <x.h>\n"                    /* 1 */
        "/* REGION outer */\n"                /* 2 */
        "    static int f(void)\n"            /* 3 */
        "    {\n"                             /* 4 */
        "        /* REGION inner */\n"        /* 5 */
        "        return 1 < 2 && 3;\n"        /* 6 */
        "        /* END REGION */\n"          /* 7 */
        "    }\n"                             /* 8 */
        "/* END REGION */\n"                  /* 9 */
        "x = 1; /* REGION not_a_marker */\n"  /* 10 */
        "  /*REGION   spaced*/  \n"           /* 11 */
        "\n"                                  /* 12 */
        "\tint y;\n"                          /* 13 */
        "\n"                                  /* 14 */
        "  /* END   REGION */\n"              /* 15 */
        "/* REGION open */\n"                 /* 16 */
        "int z;\n";
    char *out;
    size_t a, b;
    CU_ASSERT_EQUAL(lg_weave_region(src, "outer", &out, &a, &b), LG_OK);
    LG_ASSERT_MSG(out && !strcmp(out, "static int f(void)\n{\n    return 1 < 2 && 3;\n}"), "outer: '%s'", out);
    CU_ASSERT(a == 3 && b == 8);
    free(out);
    CU_ASSERT_EQUAL(lg_weave_region(src, "inner", &out, &a, &b), LG_OK);
    LG_ASSERT_MSG(out && !strcmp(out, "return 1 < 2 && 3;"), "inner: '%s'", out);
    CU_ASSERT(a == 6 && b == 6);
    free(out);
    CU_ASSERT_EQUAL(lg_weave_region(src, "spaced", &out, &a, &b), LG_OK);
    LG_ASSERT_MSG(out && !strcmp(out, "int y;"), "spaced: '%s'", out);
    free(out);
    CU_ASSERT_EQUAL(lg_weave_region(src, "not_a_marker", &out, &a, &b), LG_EFORMAT);
    CU_ASSERT_EQUAL(lg_weave_region(src, "missing", &out, &a, &b), LG_EFORMAT);
    CU_ASSERT(strstr(lg_errmsg(), "missing") != NULL);
    CU_ASSERT_EQUAL(lg_weave_region(src, "open", &out, &a, &b), LG_EFORMAT);
    CU_ASSERT(strstr(lg_errmsg(), "line 16") != NULL);
    CU_ASSERT_EQUAL(lg_weave_region(src, "out", &out, &a, &b), LG_EFORMAT); /* names match whole */
}

/* Math is kept from cmark as written and handed to KaTeX: TeX escaped in a
 * span (display math a block of its own), underscores, backslashes and
 * asterisks untouched, prices and code left alone. */
static void test_weave_math(void)
{
    static const struct {
        const char *md, *html;
    } cases[] = {
        { "$\\frac12$", "<p><span class=\"math\">\\frac12</span></p>\n" },
        { "a $x_1 * y_2 * z$ b", "<p>a <span class=\"math\">x_1 * y_2 * z</span> b</p>\n" },
        { "$a<b \\& c$", "<p><span class=\"math\">a&lt;b \\&amp; c</span></p>\n" },
        { "$$\\sum_i x_i^2$$", "<span class=\"math display\">\\sum_i x_i^2</span>\n" },
        { "x\n\n$$a\nb$$\n\ny", "<p>x</p>\n<span class=\"math display\">a\nb</span>\n<p>y</p>\n" },
        { "costs $5 and $6.", "<p>costs $5 and $6.</p>\n" },
        { "`$x_1$` and \\$x", "<p><code>$x_1$</code> and $x</p>\n" },
        { "$ x$ and $x $", "<p>$ x$ and $x $</p>\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *html = NULL, *eb = NULL;
        size_t el;
        FILE *e = open_memstream(&eb, &el);
        int rc = lg_weave_markdown(cases[i].md, "/", "/", NULL, "/", &html, e);
        fclose(e);
        LG_ASSERT_MSG(rc == LG_OK && html && !strcmp(html, cases[i].html), "%s:\n got  %s\n want %s", cases[i].md,
                      html ? html : "(none)", cases[i].html);
        free(html);
        free(eb);
    }
}

/* A 1x1 PNG (a valid file: signature, IHDR, IDAT, IEND with their CRCs). */
static const unsigned char tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static void test_weave_markdown(void)
{
    const char *root = lg_test_tmpdir("wv-root");
    char p[1024];
    snprintf(p, sizeof p, "%s/plugins/k.c", root);
    put_file(p, "int a;\n/* REGION body */\nif (a < 1 && a > -1) return \"<b>\";\n/* END REGION */\n");
    snprintf(p, sizeof p, "%s/labs/09-t/README.md", root);
    put_file(p, "");
    snprintf(p, sizeof p, "%s/runs/lab-09/fig.png", root);
    put_file(p, "");
    FILE *f = fopen(p, "wb");
    fwrite(tiny_png, 1, sizeof tiny_png, f);
    fclose(f);
    char lab_dir[1024], run_dir[1024], out_dir[1024];
    snprintf(lab_dir, sizeof lab_dir, "%s/labs/09-t", root);
    snprintf(run_dir, sizeof run_dir, "%s/runs/lab-09", root);
    snprintf(out_dir, sizeof out_dir, "%s/reports/09-t", root);
    LG_ASSERT(lg_mkdir_p(out_dir) == LG_OK, "mkdir");
    const char *md =
        "# Lab 09\n"
        "\n"
        "Task 9.1 asks for $D^*(x) = \\frac{p}{p + q}$, which costs $5 and $6.\n"
        "\n"
        "@code plugins/k.c body\n"
        "\n"
        "```c\n"
        "/* $not math$ and @code not/a region */\n"
        "```\n"
        "\n"
        "| task | points |\n"
        "|:-----|-------:|\n"
        "| `1.1` | $2$ |\n"
        "\n"
        "<script>alert(1)</script>\n"
        "\n"
        "See [the paper](https://arxiv.org/abs/1406.2661) and <https://example.org/x>.\n"
        "\n"
        "![The figure](fig.png)\n";
    char *html = NULL, *eb = NULL;
    size_t el;
    FILE *e = open_memstream(&eb, &el);
    int rc = lg_weave_markdown(md, root, lab_dir, run_dir, out_dir, &html, e);
    fclose(e);
    LG_ASSERT_MSG(rc == LG_OK && html, "weave: %s\n%s", lg_errmsg(), eb);
    if (!html)
        return;
    /* the code region, escaped, with its place */
    LG_ASSERT_MSG(strstr(html, "&lt; <span class=\"c-num\">1</span> &amp;&amp;") &&
                      strstr(html, "<span class=\"c-str\">&quot;&lt;b&gt;&quot;</span>") &&
                      strstr(html, "<code>plugins/k.c</code>, region <code>body</code>, lines 3&ndash;3"),
                  "code region:\n%s", html);
    /* math kept for KaTeX, prices left alone, fenced code untouched */
    CU_ASSERT(strstr(html, "<span class=\"math\">D^*(x) = \\frac{p}{p + q}</span>") != NULL);
    CU_ASSERT(strstr(html, "costs $5 and $6.") != NULL);
    CU_ASSERT(strstr(html, "/* $not math$ and @code not/a region */") != NULL);
    /* the table (cmark-gfm's), aligned, in its scrolling box, math in a cell */
    LG_ASSERT_MSG(strstr(html, "<div class=\"table\">\n<table>\n<thead>\n<tr>\n"
                               "<th style=\"text-align: left\">task</th>\n"
                               "<th style=\"text-align: right\">points</th>") != NULL, "table:\n%s", html);
    CU_ASSERT(strstr(html, "<td style=\"text-align: left\"><code>1.1</code></td>\n"
                           "<td style=\"text-align: right\"><span class=\"math\">2</span></td>") != NULL);
    CU_ASSERT(strstr(html, "</table>\n</div>") != NULL);
    /* the writeup's raw HTML is omitted, as cmark's safe mode does */
    CU_ASSERT(strstr(html, "<script") == NULL);
    CU_ASSERT(strstr(html, "raw HTML omitted") != NULL);
    /* no URL a browser would follow; the addresses stay readable */
    LG_ASSERT_MSG(strstr(html, "http") == NULL, "an external URL survived:\n%s", html);
    CU_ASSERT(strstr(html, "the paper <span class=\"url\">(arxiv.org/abs/1406.2661)</span>") != NULL);
    CU_ASSERT(strstr(html, "<span class=\"url\">example.org/x</span>") != NULL);
    /* the figure as a data URI; coreutils' base64 is the reference */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "base64 -w0 '%s'", p);
    char *b64 = shell(cmd, NULL);
    char want[1024];
    snprintf(want, sizeof want, "<figure class=\"figure\"><img src=\"data:image/png;base64,%s\" alt=\"The figure\">"
                                "<figcaption>The figure</figcaption></figure>", b64);
    LG_ASSERT_MSG(strstr(html, want) != NULL, "figure:\n%s\nwant %s", html, want);
    free(b64);
    free(html);
    free(eb);

    /* a missing region or file is an error naming both */
    eb = NULL;
    e = open_memstream(&eb, &el);
    rc = lg_weave_markdown("text\n\n@code plugins/k.c nope\n\n@code plugins/none.c body\n", root, lab_dir, run_dir,
                           out_dir, &html, e);
    fclose(e);
    CU_ASSERT_EQUAL(rc, LG_EFORMAT);
    CU_ASSERT_PTR_NULL(html);
    LG_ASSERT_MSG(strstr(eb, "README.md:3: @code plugins/k.c nope") && strstr(eb, "no region 'nope'") &&
                      strstr(eb, "README.md:5: @code plugins/none.c body"),
                  "%s", eb);
    free(eb);
}

/* Without figures, weave runs the lab's experiment first (unless --no-run):
 * a lab of its own, whose experiment writes one PNG; it has no grading
 * tests, so the report also shows how a grader error looks. */
static int fake_runs;
static int fake_experiment(const lg_lab_run *run)
{
    const char *out_dir = run->out_dir;
    fake_runs++;
    char p[1024];
    snprintf(p, sizeof p, "%s/fig_fake.png", out_dir);
    FILE *f = fopen(p, "wb");
    if (!f)
        return lg_seterr(LG_EIO, "cannot write %s", p);
    fwrite(tiny_png, 1, sizeof tiny_png, f);
    fclose(f);
    return LG_OK;
}

static void test_weave_runs_experiment(void)
{
    static const lg_task tasks[] = { { "98.1", "a task", 1 } };
    const lg_lab lab = { .number = 98, .dir = "98-fake", .title = "Fake", .tasks = tasks, .n_tasks = 1,
                         .experiment = fake_experiment };
    const char *root = lg_test_tmpdir("wv-fake");
    char p[1024], cmd[2048];
    snprintf(p, sizeof p, "%s/labs/98-fake/README.md", root);
    put_file(p, "# Fake\n\nNo figure in the text.\n");
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/reports' && cp -r '%s/reports/templates' '%s/reports/'", root,
             lg_source_root(), root);
    int st;
    free(shell(cmd, &st));
    LG_ASSERT(st == 0, cmd);
    char out[1024], *log = NULL;
    size_t ll;
    snprintf(out, sizeof out, "%s/reports/98-fake/index.html", root);
    /* --no-run: no experiment, and the report says what to do */
    FILE *l = open_memstream(&log, &ll);
    lg_weave_run(&lab, root, NULL, NULL, false, l);
    fclose(l);
    free(log);
    char *html = slurp(out);
    CU_ASSERT(fake_runs == 0 && html && strstr(html, "No figures yet: run the experiment (litgan lab 98)"));
    free(html);
    /* run: the experiment writes into runs/lab-98, its figure is embedded */
    l = open_memstream(&log, &ll);
    int rc = lg_weave_run(&lab, root, NULL, NULL, true, l);
    fclose(l);
    CU_ASSERT_EQUAL(fake_runs, 1);
    html = slurp(out);
    snprintf(p, sizeof p, "%s/runs/lab-98/fig_fake.png", root);
    snprintf(cmd, sizeof cmd, "base64 -w0 '%s'", p);
    char *b64 = shell(cmd, NULL);
    LG_ASSERT_MSG(html && b64[0] && strstr(html, b64), "the experiment's figure is not in the report\n%s", log);
    free(b64);
    /* no grading tests: the report and the status say the grader failed */
    CU_ASSERT(rc != LG_OK);
    CU_ASSERT(html && strstr(html, "The grader could not run"));
    free(html);
    free(log);
    /* figures there now: a second weave does not run the experiment again */
    l = open_memstream(&log, &ll);
    lg_weave_run(&lab, root, NULL, NULL, true, l);
    fclose(l);
    free(log);
    CU_ASSERT_EQUAL(fake_runs, 1);
    /* lab.ini changed after the figures: a warning on the log and in the
     * page, no run; with LG_WEAVE_RUN_STALE (--run) the experiment runs again
     * and the warning is gone */
    snprintf(p, sizeof p, "%s/labs/98-fake/lab.ini", root);
    put_file(p, "[lab]\n");
    snprintf(cmd, sizeof cmd, "touch -d '-1 hour' '%s/runs/lab-98/fig_fake.png'", root);
    free(shell(cmd, &st));
    l = open_memstream(&log, &ll);
    lg_weave_run(&lab, root, NULL, NULL, LG_WEAVE_RUN_MISSING, l);
    fclose(l);
    html = slurp(out);
    CU_ASSERT_EQUAL(fake_runs, 1);
    LG_ASSERT_MSG(strstr(log, "litgan weave: warning: the figures are older than the code they came from: "
                              "labs/98-fake/lab.ini changed") && strstr(log, "litgan weave 98 --run"), "%s", log);
    CU_ASSERT(html && strstr(html, "<p class=\"warning stale\"><strong>Warning:</strong> the figures are older"));
    free(html);
    free(log);
    l = open_memstream(&log, &ll);
    lg_weave_run(&lab, root, NULL, NULL, LG_WEAVE_RUN_STALE, l);
    fclose(l);
    html = slurp(out);
    CU_ASSERT_EQUAL(fake_runs, 2);
    CU_ASSERT(strstr(log, "running the experiment of Lab 98 again first") != NULL);
    CU_ASSERT(html && !strstr(html, "class=\"warning stale\"") && !strstr(log, "warning:"));
    free(html);
    free(log);
}

/* The commands through the litgan binary: help, the one-line usage errors
 * (exit 2), and a run that fails (exit 1). */
static void test_cli(void)
{
    lg_test_cli_expect("weave --help", 0, "usage: litgan weave NN [--run | --no-run] [--out FILE]", false);
    lg_test_cli_expect("weave -h", 0, "--no-run", false);
    lg_test_cli_expect("weave -h", 0, "--run ", false);
    lg_test_cli_expect("weave", 2, "litgan weave: name a lab, e.g. litgan weave 01 (see litgan weave --help)", true);
    lg_test_cli_expect("weave 99", 2, "litgan weave: no lab '99'", true);
    lg_test_cli_expect("weave 01 --bogus", 2, "litgan weave: unknown option '--bogus' (see litgan weave --help)",
                       true);
    lg_test_cli_expect("weave 01 --out", 2, "litgan weave: --out needs a value (see litgan weave --help)", true);
    lg_test_cli_expect("weave 01 02", 2, "one lab at a time (got '01' and '02'; see litgan", true);

    lg_test_cli_expect("handout --help", 0, "usage: litgan handout OUTDIR [--lab NN] [--force]", false);
    lg_test_cli_expect("handout /tmp/x --lab", 2, "litgan handout: --lab needs a value (see litgan handout --help)",
                       true);
    lg_test_cli_expect("handout /tmp/x --lab 1x", 2, "litgan handout: --lab takes a lab's number, e.g. --lab 02 "
                       "(got '1x'; see litgan handout --help)", true);
    lg_test_cli_expect("handout", 2, "litgan handout: name the folder to write", true);
    lg_test_cli_expect("handout --force", 2, "name the folder to write", true);
    lg_test_cli_expect("handout /tmp/x --bogus", 2, "litgan handout: unknown option '--bogus' (see litgan handout --help)",
                       true);
    lg_test_cli_expect("handout /tmp/x /tmp/y", 2,
                       "one OUTDIR only (got '/tmp/x' and '/tmp/y'; see litgan handout --help)", true);
    char args[4400];
    snprintf(args, sizeof args, "handout '%s'", lg_source_root());
    lg_test_cli_expect(args, 1, "not empty", true);
    snprintf(args, sizeof args, "handout --force '%s'", lg_source_root());
    lg_test_cli_expect(args, 1, "is the source tree or holds it", true);

    lg_test_cli_expect("lab --help", 0, "usage: litgan lab NN [--out DIR]", false);
    lg_test_cli_expect("lab -h", 0, "01-minimax", false);
    lg_test_cli_expect("lab", 2, "litgan lab: name a lab, e.g. litgan lab 01", true);
    lg_test_cli_expect("lab 99", 2, "litgan lab: no lab '99'", true);
    lg_test_cli_expect("lab 01 --bogus", 2, "litgan lab: unknown option '--bogus' (see litgan lab --help)", true);
    lg_test_cli_expect("lab 01 --out", 2, "litgan lab: --out needs a value (see litgan lab --help)", true);
    lg_test_cli_expect("lab 01 02", 2, "one lab at a time (got '01' and '02'; see litgan", true);
    /* an output folder that cannot be made: the run fails */
    lg_test_cli_expect("lab 01 --out /dev/null/x", 1, "litgan lab: ", false);
}

/* ------------------------------------------------- litgan lab: workflow --- */

/* stderr of fn(ctx) in a buffer (fd 2 into a temporary file meanwhile). */
static char *stderr_of(void (*fn)(void *), void *ctx)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", lg_test_tmpdir("stderr"));
    LG_ASSERT(lg_mkdir_p(path) == LG_OK, path);
    strcat(path, "/stderr.txt");
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    LG_ASSERT(saved >= 0 && fd >= 0, path);
    dup2(fd, 2);
    close(fd);
    fn(ctx);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *s = slurp(path);
    return s ? s : calloc(1, 1);
}

typedef struct copy_call {
    const lg_lab *lab;
    const char *dir;
    int rc;
} copy_call;

static void do_copy(void *ctx)
{
    copy_call *c = ctx;
    c->rc = lg_labkit_copy_scripts(c->lab, c->dir);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A rerun of `litgan lab` keeps an edited figure script (the lab's version
 * beside it as NAME.gp.new, one line on stderr) and silently replaces one
 * still as litgan wrote it. The reference is the lab's own script file. */
static void test_lab_scripts_kept(void)
{
    const lg_lab *lab = lg_lab_find("01");
    LG_ASSERT_MSG(lab, "lab 01: %s", lg_errmsg());
    char dir[600], src[4200], at[1200], side[1300], sums[1200];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("scripts")); /* its buffers are reused */
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, dir);
    snprintf(src, sizeof src, "%s/labs/%s/fig_training.gp", lg_lab_root(lab), lg_lab_dir(lab));
    snprintf(at, sizeof at, "%s/fig_training.gp", dir);
    snprintf(side, sizeof side, "%s.new", at);
    snprintf(sums, sizeof sums, "%s/scripts.sums", dir);
    char *lab_text = slurp(src);
    LG_ASSERT(lab_text, src);

    /* first run: the lab's scripts, a record of them, nothing said */
    copy_call c = { lab, dir, -1 };
    char *err = stderr_of(do_copy, &c);
    CU_ASSERT_EQUAL(c.rc, LG_OK);
    LG_ASSERT_MSG(err[0] == '\0', "nothing to say on a first run: %s", err);
    free(err);
    char *s = slurp(at);
    CU_ASSERT(s && !strcmp(s, lab_text));
    free(s);
    s = slurp(sums);
    LG_ASSERT_MSG(s && strstr(s, " fig_training.gp\n") && strstr(s, " fig_criterion.gp\n"), "%s", s ? s : "none");
    free(s);

    /* unedited: replaced silently (a rerun changes nothing, says nothing) */
    err = stderr_of(do_copy, &c);
    CU_ASSERT(c.rc == LG_OK && err[0] == '\0' && !exists(side));
    free(err);

    /* edited: kept, the lab's beside it, one line that names both */
    const char *mine = "# my own figure\nplot sin(x)\n";
    put_file(at, mine);
    err = stderr_of(do_copy, &c);
    CU_ASSERT_EQUAL(c.rc, LG_OK);
    LG_ASSERT_MSG(count_lines(err) == 1 && strstr(err, "fig_training.gp") && strstr(err, "fig_training.gp.new") &&
                      strstr(err, "kept"), "one line naming the kept script and the new one: %s", err);
    free(err);
    s = slurp(at);
    CU_ASSERT(s && !strcmp(s, mine));
    free(s);
    s = slurp(side);
    CU_ASSERT(s && !strcmp(s, lab_text));
    free(s);
    /* and again on the next run (the record is the lab's, not the student's) */
    err = stderr_of(do_copy, &c);
    s = slurp(at);
    CU_ASSERT(c.rc == LG_OK && count_lines(err) == 1 && s && !strcmp(s, mine));
    free(s);
    free(err);

    /* the student takes the lab's version back: the stale .new goes */
    put_file(at, lab_text);
    err = stderr_of(do_copy, &c);
    CU_ASSERT(c.rc == LG_OK && err[0] == '\0' && !exists(side));
    free(err);

    /* an older version of the lab's script, as litgan wrote it (its CRC in the
     * record, by zlib): replaced silently */
    const char *older = "# an older fig_training.gp\n";
    put_file(at, older);
    s = slurp(sums);
    FILE *f = fopen(sums, "w");
    for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n"))
        if (strstr(l, " fig_training.gp"))
            fprintf(f, "%08lx fig_training.gp\n", crc32(0, (const Bytef *)older, (uInt)strlen(older)));
        else
            fprintf(f, "%s\n", l);
    fclose(f);
    free(s);
    err = stderr_of(do_copy, &c);
    s = slurp(at);
    CU_ASSERT(c.rc == LG_OK && err[0] == '\0' && s && !strcmp(s, lab_text) && !exists(side));
    free(s);
    free(err);

    /* no record at all (a run folder from before it): a differing script is kept */
    put_file(at, mine);
    unlink(sums);
    err = stderr_of(do_copy, &c);
    s = slurp(at);
    CU_ASSERT(c.rc == LG_OK && count_lines(err) == 1 && s && !strcmp(s, mine) && exists(side));
    free(s);
    free(err);
    free(lab_text);
}

/* A student file that dereferences NULL in the generator's loss: `litgan lab
 * 01` dies of SIGSEGV as before, saying the file, the function, the step and
 * a gdb line. The tree is a copy of the lab's own files (LITGAN_HOME). */
static void test_lab_crash_named(void)
{
    const lg_lab *lab = lg_lab_find("01");
    LG_ASSERT_MSG(lab, "lab 01: %s", lg_errmsg());
    char home[600], out[600], cmd[8192], p[1200];
    snprintf(home, sizeof home, "%s", lg_test_tmpdir("crash-home"));
    snprintf(out, sizeof out, "%s", lg_test_tmpdir("crash-out"));
    int st;
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/core' '%s/labs' '%s/plugins' && cp -r '%s/core/include' '%s/core/' && "
                              "cp -r '%s/labs/%s' '%s/labs/'", home, home, home, lg_lab_root(lab), home,
             lg_lab_root(lab), lg_lab_dir(lab), home);
    free(shell(cmd, &st));
    LG_ASSERT_MSG(st == 0, "%s", cmd);
    snprintf(p, sizeof p, "%s/plugins/gan.c", lg_lab_root(lab));
    char *gan = slurp(p);
    LG_ASSERT(gan, p);
    char *g = strstr(gan, "static lg_node *g_loss");
    char *v = g ? strstr(g, "(void)p;") : NULL;
    LG_ASSERT(v, "plugins/gan.c: g_loss and its (void)p;");
    snprintf(p, sizeof p, "%s/plugins/gan.c", home);
    FILE *f = fopen(p, "w");
    fprintf(f, "%.*s(void)p;\n    volatile double *scale = NULL; /* never set */\n    if (*scale > 1)\n"
               "        return NULL;%s", (int)(v - gan), gan, v + strlen("(void)p;"));
    fclose(f);
    free(gan);
    snprintf(cmd, sizeof cmd, "LITGAN_HOME='%s' '%s' lab 01 --smoke --out '%s' 2>&1; echo \"exit $?\"", home,
             lg_test_bin(), out);
    char *said = shell(cmd, &st);
    LG_ASSERT_MSG(strstr(said, "exit 139"), "killed by SIGSEGV (128 + 11), as without the report: %s", said);
    LG_ASSERT_MSG(strstr(said, "SIGSEGV") && strstr(said, "in plugins/gan.c, function g_loss") &&
                      strstr(said, "during training step 1 of the minimax run"),
                  "the file, the function and the step: %s", said);
    LG_ASSERT_MSG(strstr(said, "gdb -q -ex run -ex bt --args ") && strstr(said, "lab 01 --smoke --out"),
                  "a gdb line that reruns it: %s", said);
    free(said);
}

/* ------------------------------------------------- staged releases --- */

/* The reference for a released region, made without the handout's parser:
 * the source with every line that holds a solution marker deleted (sed). */
static char *released_reference(const char *src)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "sed -E '/\\/[*][[:space:]]*(BEGIN[[:space:]]+SOLUTION|END[[:space:]]+SOLUTION|STUB)/d' '%s'",
             src);
    int st;
    char *out = shell(cmd, &st);
    LG_ASSERT(st == 0, cmd);
    return out;
}

static size_t count_of(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* Every stage of the labs there are (and the full handout, stage 0): which
 * labs ship, which student files are released, stubbed or left out, the
 * README's rows, no marker left. The reference for "released" is sed. */
static void test_handout_stages(void)
{
    const char *root = lg_source_root();
    size_t n_labs = lg_lab_count();
    LG_ASSERT(n_labs > 0, "no lab registered");
    for (int stage = 0; stage <= lg_lab_number(lg_lab_at(n_labs - 1)); stage++) {
        bool is_lab = stage == 0;
        for (size_t i = 0; i < n_labs; i++)
            is_lab |= lg_lab_number(lg_lab_at(i)) == stage;
        if (!is_lab)
            continue;
        char out[600], name[32];
        snprintf(name, sizeof name, "stage-%02d", stage);
        snprintf(out, sizeof out, "%s", lg_test_tmpdir(name));
        char *log = NULL;
        size_t ll;
        FILE *l = open_memstream(&log, &ll);
        int rc = lg_handout_release(root, out, stage, false, l);
        fclose(l);
        LG_ASSERT_MSG(rc == LG_OK, "stage %d: %s\n%s", stage, lg_errmsg(), log);
        free(log);
        char p[1400], cmd[1400];
        int st;
        snprintf(cmd, sizeof cmd,
                 "grep -rlE '/[*][[:space:]]*(BEGIN[[:space:]]+SOLUTION|END[[:space:]]+SOLUTION|STUB)' '%s'", out);
        char *hits = shell(cmd, &st);
        LG_ASSERT_MSG(hits[0] == '\0', "stage %d: markers survived in: %s", stage, hits);
        free(hits);
        snprintf(p, sizeof p, "%s/README.md", out);
        char *readme = slurp(p);
        LG_ASSERT_MSG(readme && strstr(readme, "## Set up") && !strstr(readme, "make bench"),
                      "stage %d: the students' README", stage);
        for (size_t i = 0; i < n_labs; i++) {
            const lg_lab *lab = lg_lab_at(i);
            int n = lg_lab_number(lab);
            bool ships = stage == 0 || n <= stage, released = stage && n < stage;
            snprintf(p, sizeof p, "%s/labs/%s/lab.ini", out, lg_lab_dir(lab));
            LG_ASSERT_MSG(exists(p) == ships, "stage %d: lab %02d's folder %s", stage, n,
                          ships ? "missing" : "shipped");
            char row[64];
            snprintf(row, sizeof row, "| [%02d](labs/%s/README.md) |", n, lg_lab_dir(lab));
            LG_ASSERT_MSG((strstr(readme, row) != NULL) == ships, "stage %d: README row of lab %02d %s", stage, n,
                          ships ? "missing" : "shipped");
            for (size_t k = 0; lg_lab_file(lab, k); k++) {
                const char *rel = lg_lab_file(lab, k);
                char src[4400];
                snprintf(src, sizeof src, "%s/%s", root, rel);
                snprintf(p, sizeof p, "%s/%s", out, rel);
                char *have = slurp(p);
                if (!ships) {
                    LG_ASSERT_MSG(!have, "stage %d: %s of a later lab shipped", stage, rel);
                    continue;
                }
                LG_ASSERT_MSG(have, "stage %d: %s missing", stage, rel);
                char *source = slurp(src);
                size_t regions = count_of(source, "/* BEGIN" " SOLUTION Task ");
                if (released) {
                    char *ref = released_reference(src);
                    LG_ASSERT_MSG(!strcmp(have, ref), "stage %d: %s is not the reference without its markers:\n%s",
                                  stage, rel, have);
                    free(ref);
                } else {
                    LG_ASSERT_MSG(count_of(have, ": your code here */") == regions && regions > 0,
                                  "stage %d: %s has %zu stubs for %zu regions", stage, rel,
                                  count_of(have, ": your code here */"), regions);
                }
                free(source);
                free(have);
            }
        }
        free(readme);
    }
    /* a stage that is no lab: one line naming the labs, nothing written */
    char out[600];
    snprintf(out, sizeof out, "%s", lg_test_tmpdir("stage-none"));
    int rc;
    char *log = NULL;
    size_t ll;
    FILE *l = open_memstream(&log, &ll);
    rc = lg_handout_release(root, out, 99, false, l);
    fclose(l);
    free(log);
    CU_ASSERT_EQUAL(rc, LG_EINVAL);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "--lab 99: no such lab") && strstr(lg_errmsg(), "(labs: 01"), "%s",
                  lg_errmsg());
    CU_ASSERT(!exists(out));
}

/* The words of one shell line (no quotes needed by the README's commands but
 * "..." kept whole), at most max; how many. */
static size_t split_words(char *line, char **w, size_t max)
{
    size_t n = 0;
    for (char *p = line; *p && n < max;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        w[n++] = p;
        bool quoted = false;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            if (*p == '"')
                quoted = !quoted;
            p++;
        }
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* Every command in the code blocks of a handout's README.md exists there:
 * `make [TARGET...] [VAR=value...]` is a target of its Makefile (make -n in the
 * handout: no "No rule"), `bin/litgan ARGS` parses (ARGS --help exits 0 with
 * the litgan built from the same sources, lg_test_bin), `docker build -t IMAGE
 * . && docker run ... -v "$PWD":DIR IMAGE` has a Dockerfile whose COPY sources
 * ship and whose WORKDIR is DIR. Any other command fails the test: a README
 * edit must keep this check whole. Returns how many commands were checked. */
static size_t check_readme_commands(const char *out, const char *bin)
{
    char p[1400], bin_abs[4096];
    LG_ASSERT(realpath(bin, bin_abs), bin);
    bin = bin_abs; /* the commands run in the handout */
    snprintf(p, sizeof p, "%s/README.md", out);
    char *readme = slurp(p);
    LG_ASSERT(readme, p);
    size_t checked = 0;
    bool in_code = false;
    char *save;
    for (char *line = strtok_r(readme, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *t = line;
        while (*t == ' ')
            t++;
        if (!strncmp(t, "```", 3)) {
            in_code = !in_code;
            continue;
        }
        if (!in_code)
            continue;
        char *hash = strchr(t, '#');
        if (hash)
            *hash = '\0';
        char words[1024], *w[32];
        snprintf(words, sizeof words, "%s", t);
        size_t n = split_words(words, w, 32);
        if (!n)
            continue;
        char cmd[4096];
        int st;
        if (!strcmp(w[0], "make")) {
            size_t k = snprintf(cmd, sizeof cmd, "make -n -C '%s'", out);
            for (size_t i = 1; i < n; i++)
                k += snprintf(cmd + k, sizeof cmd - k, " %s", w[i]);
            snprintf(cmd + k, sizeof cmd - k, " >/dev/null 2>&1");
            free(shell(cmd, &st));
            LG_ASSERT_MSG(st == 0, "README: `%s`: not a target of the handout's Makefile (%s)", t, cmd);
        } else if (!strcmp(w[0], "bin/litgan")) {
            size_t k = snprintf(cmd, sizeof cmd, "cd '%s' && '%s'", out, bin);
            for (size_t i = 1; i < n; i++)
                k += snprintf(cmd + k, sizeof cmd - k, " %s", w[i]);
            snprintf(cmd + k, sizeof cmd - k, " --help 2>&1");
            char *said = shell(cmd, &st);
            LG_ASSERT_MSG(st == 0 && strstr(said, "usage: litgan"), "README: `%s`: %s", t, said);
            free(said);
        } else if (!strcmp(w[0], "docker")) {
            /* docker build -t IMAGE . && docker run --rm -it -v "$PWD":DIR IMAGE */
            LG_ASSERT_MSG(n >= 12 && !strcmp(w[1], "build") && !strcmp(w[2], "-t") && !strcmp(w[4], ".") &&
                              !strcmp(w[5], "&&") && !strcmp(w[7], "run") && !strcmp(w[n - 1], w[3]),
                          "README: `%s`: docker build -t IMAGE . && docker run ... IMAGE", t);
            const char *mount = NULL;
            for (size_t i = 8; i + 1 < n; i++)
                if (!strcmp(w[i], "-v") && !strncmp(w[i + 1], "\"$PWD\":", 7))
                    mount = w[i + 1] + 7;
            LG_ASSERT_MSG(mount, "README: `%s`: the folder is mounted with -v \"$PWD\":DIR", t);
            snprintf(p, sizeof p, "%s/Dockerfile", out);
            char *df = slurp(p);
            LG_ASSERT_MSG(df, "README names docker build, the handout has no Dockerfile");
            char workdir[256] = "";
            size_t copies = 0;
            char *dsave;
            for (char *dl = strtok_r(df, "\n", &dsave); dl; dl = strtok_r(NULL, "\n", &dsave)) {
                char a[512], b[512];
                if (sscanf(dl, "COPY %511s %511s", a, b) == 2) {
                    snprintf(p, sizeof p, "%s/%s", out, a);
                    LG_ASSERT_MSG(exists(p), "Dockerfile: COPY %s: not in the handout", a);
                    copies++;
                }
                sscanf(dl, "WORKDIR %255s", workdir);
            }
            CU_ASSERT(copies > 0);
            LG_ASSERT_MSG(!strcmp(workdir, mount), "Dockerfile: WORKDIR %s, the README mounts on %s", workdir, mount);
            free(df);
        } else {
            LG_ASSERT_MSG(false, "README: a command this test does not know how to check: `%s`", t);
        }
        checked++;
    }
    free(readme);
    return checked;
}

static void test_handout_readme_commands(void)
{
    char out[600];
    snprintf(out, sizeof out, "%s", lg_test_tmpdir("readme-commands"));
    int rc;
    char *log = run_handout(lg_source_root(), out, false, &rc);
    LG_ASSERT_MSG(rc == LG_OK, "%s\n%s", lg_errmsg(), log);
    free(log);
    size_t n = check_readme_commands(out, lg_test_bin());
    LG_ASSERT_MSG(n >= 6, "only %zu commands in the README's code blocks", n);
    /* every student file is compiled by make as grade compiles it (-std=c11
     * -O2 -fPIC -shared), with warnings; fatal in the source tree, not in the
     * handout: the commands make would run (make -n -B) */
    const lg_lab *lab = lg_lab_at(0);
    for (size_t k = 0; lg_lab_file(lab, k); k++) {
        char stem[512], cmd[2400];
        snprintf(stem, sizeof stem, "%s", lg_lab_file(lab, k));
        *strrchr(stem, '.') = '\0';
        for (int h = 0; h < 2; h++) {
            snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B -C '%s' BUILD=build build/student/%s.so "
                     "2>&1", h ? out : lg_source_root(), stem);
            int st;
            char *said = shell(cmd, &st);
            LG_ASSERT_MSG(st == 0 && strstr(said, "-std=c11 -O2 -fPIC -shared") && strstr(said, "-Wall -Wextra") &&
                              (strstr(said, "-Werror") != NULL) == !h,
                          "%s: %s", h ? "the handout" : "the source tree", said);
            free(said);
        }
    }
}

/* The last lab's stage of the real tree, built and graded as a student would
 * (make handout-test: LG_HANDOUT_BUILD=1; a full build, about a minute, so not
 * in make test): a warning in a student file is shown and the build goes on;
 * the handout's `make test` grades every lab, the labs before the stage at
 * full marks (their solutions are released), the stage's lab at zero; every
 * command of its README runs with its own bin/litgan. */
static void test_handout_stage_builds(void)
{
    if (!getenv("LG_HANDOUT_BUILD")) {
        fprintf(stderr, "\n  (a handout's full build: make handout-test)\n");
        return;
    }
    size_t n_labs = lg_lab_count();
    LG_ASSERT(n_labs > 1, "a stage with a lab before it needs two labs");
    const lg_lab *last = lg_lab_at(n_labs - 1);
    int stage = lg_lab_number(last);
    char out[600], p[1400], cmd[2400];
    snprintf(out, sizeof out, "%s", lg_test_tmpdir("stage-build"));
    int rc, st;
    char *log = NULL;
    size_t ll;
    FILE *l = open_memstream(&log, &ll);
    rc = lg_handout_release(lg_source_root(), out, stage, false, l);
    fclose(l);
    LG_ASSERT_MSG(rc == LG_OK, "%s\n%s", lg_errmsg(), log);
    free(log);
    /* a warning in the stage's first student file: shown, not fatal */
    snprintf(p, sizeof p, "%s/%s", out, lg_lab_file(last, 0));
    FILE *f = fopen(p, "a");
    LG_ASSERT(f, p);
    fputs("\nstatic int lg_never_used_here;\n", f);
    fclose(f);
    double t0 = lg_now();
    snprintf(cmd, sizeof cmd, "make -C '%s' -j2 all 2>&1", out);
    char *built = shell(cmd, &st);
    LG_ASSERT_MSG(st == 0, "the handout does not build:\n%s", built);
    LG_ASSERT_MSG(strstr(built, "lg_never_used_here") && strstr(built, "warning:"), "the warning is not shown:\n%s",
                  built);
    free(built);
    double t1 = lg_now();
    snprintf(cmd, sizeof cmd, "make -C '%s' test 2>&1", out);
    char *graded = shell(cmd, &st);
    LG_ASSERT_MSG(st != 0, "make test passes with lab %02d stubbed:\n%s", stage, graded);
    /* one "Total X / Y" per lab, in the order of the labs */
    size_t k = 0;
    for (char *t = graded; (t = strstr(t, "\nTotal")); t++, k++) {
        double score, max;
        LG_ASSERT_MSG(k < n_labs && sscanf(t + 6, " %lf / %lf", &score, &max) == 2, "%s", graded);
        int n = lg_lab_number(lg_lab_at(k));
        if (n < stage)
            LG_ASSERT_MSG(score == max && max > 0, "lab %02d, released: %g / %g\n%s", n, score, max, graded);
        else
            LG_ASSERT_MSG(score == 0, "lab %02d, stubbed: %g / %g\n%s", n, score, max, graded);
    }
    LG_ASSERT_MSG(k == n_labs, "%zu totals for %zu labs:\n%s", k, n_labs, graded);
    free(graded);
    double t2 = lg_now();
    snprintf(p, sizeof p, "%s/bin/litgan", out);
    size_t n = check_readme_commands(out, p);
    CU_ASSERT(n >= 6);
    fprintf(stderr, "\n  (handout of lab %02d's stage: built in %.0f s, make test in %.0f s)\n", stage, t1 - t0, t2 - t1);
}

void lg_suite_handout(void)
{
    LG_ADD_SUITE("handout",
                 { "region stub: plain region", test_stub_basic },
                 { "region stub: tricky inputs", test_stub_tricky },
                 { "region stub: every error, one line each", test_stub_errors },
                 { "marker scan", test_scan_markers },
                 { "handout of a walked tree", test_handout_walk },
                 { "handout: errors write nothing", test_handout_errors_write_nothing },
                 { "handout of a git checkout", test_handout_git },
                 { "handout of the source tree compiles, no marker", test_handout_source_tree },
                 { "weave: code regions", test_weave_region },
                 { "weave: math kept for KaTeX", test_weave_math },
                 { "weave: Markdown, code, math, figures, no URL", test_weave_markdown },
                 { "weave runs the experiment when figures are missing", test_weave_runs_experiment },
                 { "handout and weave commands", test_cli },
                 { "lab: an edited figure script is kept", test_lab_scripts_kept },
                 { "lab: a crash in student code names file, function, step", test_lab_crash_named },
                 { "handout --lab NN: every stage's files", test_handout_stages },
                 { "handout README: every command exists; student files built as grade builds them", test_handout_readme_commands },
                 { "handout --lab NN: builds, make test grades", test_handout_stage_builds });
}
