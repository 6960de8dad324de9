/*
 * test_pack.c - the student's archive and the instructors' rubric.
 *
 * `litgan pack 01` runs on a small source tree of its own (LITGAN_HOME: Lab
 * 01's lab.ini, the reference gan.c and optimal.c, the plugin headers, an
 * answers.md and a report), and its zip is read with Info-ZIP's unzip, not
 * with litgan's code: exactly the student files, answers.md and report.html
 * at the top, byte for byte the tree's (the reference files: the labs suite
 * grades them full marks), and pack's own check (unpacked, graded in the
 * sandbox) says 18 of 18. Refusals: no answers.md, the untouched template
 * (headings and <!-- prompts --> only), a file that does not compile, an
 * existing zip without --force (left byte for byte); a report older than the
 * code is named. answers.md as weave and pack both read it (lg_answers_parse):
 * a restating quote or a comment is no answer, on exact lines; every lab's
 * shipped answers.md is refused by `litgan pack NN` as the template, and Lab
 * 01's is packed once one answer is written under one heading.
 * The rubric: lab.ini's [question N] sections read strictly; rubric.csv beside
 * two submissions merged by grade-all into grades.csv and NAME.json with exact
 * values (and by grade --rubric); every malformed line refused with
 * FILE:LINE before anything is graded.
 */
#include "gradefiles.h"
#include "lg_answers.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char answers_filled[] =
    "# Lab 01: my answers\n\n"
    "## Question 1\n<!-- How far is D from D*? -->\nFar at step 0, closer later.\n\n"
    "## Question 2\n<!-- What does D do in the tails? -->\n\n"
    "## Question 3\n```\n## a line of code, not a heading\n```\n";
static const char answers_template[] =
    "# Lab 01: my answers\n\n<!-- one heading per question -->\n\n"
    "## Question 1\n<!-- How far is D from D*?\n  (two lines of prompt) -->\n\n"
    "## Question 2\n   \n<!-- What does D do in the tails? -->\n";

/* The test's source tree (made once): what `litgan pack 01` reads. */
static const char *home(void)
{
    static char h[4200];
    if (h[0])
        return h;
    snprintf(h, sizeof h, "%s", lg_test_tmpdir("pack-home"));
    const char *rel[] = { "labs/01-minimax/lab.ini", "labs/01-minimax/optimal.c", "plugins/gan.c",
                          "core/include/litgan.h", "core/include/litgan/plugin.h" };
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char from[4400], to[4400], dir[4400];
        snprintf(from, sizeof from, "%s/%s", lg_source_root(), rel[i]);
        snprintf(to, sizeof to, "%s/%s", h, rel[i]);
        snprintf(dir, sizeof dir, "%s", to);
        *strrchr(dir, '/') = '\0';
        CU_ASSERT_FATAL(lg_mkdir_p(dir) == LG_OK);
        LG_ASSERT_MSG(lg_copy_file(from, to) == LG_OK, "copy %s: %s", from, lg_errmsg());
    }
    return h;
}

/* home()/rel */
static const char *hpath(const char *rel)
{
    static char buf[4][4400];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", home(), rel);
    return b;
}

static void put(const char *path, const char *text)
{
    char dir[4400];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    CU_ASSERT_FATAL(lg_mkdir_p(dir) == LG_OK);
    CU_ASSERT_FATAL(lg_write_atomic(path, text, strlen(text)) == LG_OK);
}

/* bin/litgan ARGS in cwd with LITGAN_HOME = home() (with_home), what it
 * printed (stdout and stderr) in *out; its exit status. */
static int litgan(bool with_home, const char *cwd, const char *const *args, char **out)
{
    char bin[PATH_MAX], env_home[4300];
    CU_ASSERT_FATAL(realpath(lg_test_bin(), bin) != NULL);
    snprintf(env_home, sizeof env_home, "LITGAN_HOME=%s", home());
    char *argv[40];
    size_t a = 0;
    if (with_home) {
        argv[a++] = "env";
        argv[a++] = env_home;
    }
    argv[a++] = bin;
    for (; *args && a < 39; args++)
        argv[a++] = (char *)*args;
    argv[a] = NULL;
    gf_env env = { NULL, 0 };
    lg_proc_spec s = { .argv = argv, .cwd = cwd, .ctx = &env, .setup = gf_setup,
                       .capture = LG_PROC_OUT | LG_PROC_ERR, .out_cap = 1 << 16, .timeout = 60 };
    lg_proc_result r;
    *out = NULL;
    if (lg_proc_run(&s, &r) != LG_OK)
        return -1;
    *out = lg_xstrdup(r.out);
    int st = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    lg_proc_result_free(&r);
    return st;
}

static size_t lines_of(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static bool same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = lg_read_file(a, &na), *y = lg_read_file(b, &nb);
    bool same = x && y && na == nb && !memcmp(x, y, na);
    free(x);
    free(y);
    return same;
}

/* -------------------------------------------------------------- pack --- */

/* The reference tree with answers and a report: exactly these four files at
 * the zip's top, the tree's bytes, full marks when graded on their own. */
static void test_pack_reference(void)
{
    put(hpath("labs/01-minimax/answers.md"), answers_filled);
    put(hpath("reports/01-minimax/index.html"), "<!doctype html><title>Lab 01</title>\n");
    const char *zip = gf_path("pack-ref.zip");
    const char *args[] = { "pack", "01", "--out", zip, NULL };
    char *out = NULL;
    int st = litgan(true, NULL, args, &out);
    LG_ASSERT_MSG(st == 0, "pack: %d: %.600s", st, out ? out : "");
    LG_ASSERT_MSG(out && strstr(out, "It grades 18.0 / 18.0 points") && strstr(out, zip) &&
                  strstr(out, "no answer yet under '## Question 2'") && !strstr(out, "Question 3'") &&
                  !strstr(out, "no report") && !strstr(out, "older than"), "pack said: %.600s", out ? out : "");
    free(out);

    char cmd[4400], listing[1024];
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", zip);
    CU_ASSERT(lg_test_run_capture(cmd, listing, sizeof listing) == 0);
    LG_ASSERT_MSG(!strcmp(listing, "gan.c\noptimal.c\nanswers.md\nreport.html\n"), "listing:\n%s", listing);
    const char *dir = gf_path("pack-ref-unzipped");
    snprintf(cmd, sizeof cmd, "unzip -q '%s' -d '%s'", zip, dir);
    CU_ASSERT_FATAL(lg_test_run_capture(cmd, listing, sizeof listing) == 0);
    const char *pairs[][2] = { { "gan.c", "plugins/gan.c" }, { "optimal.c", "labs/01-minimax/optimal.c" },
                               { "answers.md", "labs/01-minimax/answers.md" },
                               { "report.html", "reports/01-minimax/index.html" } };
    for (size_t i = 0; i < 4; i++) {
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, pairs[i][0]);
        LG_ASSERT_MSG(same_bytes(p, hpath(pairs[i][1])), "%s is not %s", p, pairs[i][1]);
    }
    unlink(hpath("reports/01-minimax/index.html"));
}

/* Refused in one line, nothing written: no answers.md; the untouched
 * template; a file that does not compile (the compiler's first error). */
static void test_pack_refusals(void)
{
    const char *zip = gf_path("pack-refused.zip");
    const char *args[] = { "pack", "01", "--out", zip, NULL };
    struct {
        const char *answers;  /* NULL: none */
        const char *gan_tail; /* appended to gan.c, or NULL */
        const char *says;
    } cases[] = {
        { NULL, NULL, "litgan pack: labs/01-minimax/answers.md is missing: write your answers there" },
        { answers_template, NULL, "litgan pack: labs/01-minimax/answers.md is still the template: none of its 2 "
                                  "headings has an answer" },
        { "# Lab 01\n\nAll my answers, without headings.\n", NULL,
          "litgan pack: labs/01-minimax/answers.md has no '## ' heading" },
        { answers_filled, "int broken(void) { return }\n",
          "litgan pack: plugins/gan.c does not compile, so the archive would score nothing for it: gan.c:" },
    };
    char *ref = lg_read_file(hpath("plugins/gan.c"), NULL);
    CU_ASSERT_FATAL(ref != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unlink(hpath("labs/01-minimax/answers.md"));
        if (cases[i].answers)
            put(hpath("labs/01-minimax/answers.md"), cases[i].answers);
        if (cases[i].gan_tail) {
            char *bad = lg_xmalloc(strlen(ref) + strlen(cases[i].gan_tail) + 1);
            sprintf(bad, "%s%s", ref, cases[i].gan_tail);
            put(hpath("plugins/gan.c"), bad);
            free(bad);
        }
        char *out = NULL;
        int st = litgan(true, NULL, args, &out);
        const char *last = out ? strstr(out, "litgan pack: ") : NULL;
        while (last && strstr(last + 1, "litgan pack: "))
            last = strstr(last + 1, "litgan pack: ");
        LG_ASSERT_MSG(st == 1 && last && !strncmp(last, cases[i].says, strlen(cases[i].says)) &&
                      lines_of(last) == 1 && access(zip, F_OK) != 0,
                      "case %zu: exit %d, wanted '%s' as the last line of: %.600s", i, st, cases[i].says,
                      out ? out : "");
        free(out);
        put(hpath("plugins/gan.c"), ref);
    }
    free(ref);
    /* no folder of the archive's making is left beside it */
    lg_strvec names = { 0 };
    lg_dir_list(gf_tmp(), &names);
    for (size_t i = 0; i < names.n; i++)
        LG_ASSERT_MSG(strncmp(names.w[i], ".litgan-pack-", 13), "left behind: %s", names.w[i]);
    lg_strvec_free(&names);
}

/* ----------------------------------------------------- answers.md read --- */

/* answers.md's sections as weave and pack read them (lg_answers_parse): what
 * is an answer and what is not, on the line it starts. */
static void test_answers_parsed(void)
{
    const char *text = "# Lab 09: my answers\n\nThe instructions, not an answer.\n\n" /* 1-4 */
                       "## Question 1\n\n> Restated, over\n> two lines.\n\n"           /* 5-9 */
                       "## Question 2\n<!-- a prompt -->\n\n"                          /* 10-12 */
                       "## Question 3\n> Restated.\n<!-- a prompt\n## Question 9 (in the comment)\n-->\n" /* 13-17 */
                       "## Question 4\n\n> Restated.\n\nMy answer <!-- not this --> stays.\n\n"   /* 18-23 */
                       "## Question 5\n<!--\n> not the quote\n-->\nText right away.\n"          /* 24-28 */
                       "## Question 6\n> Restated.\n\n> A quote of my own.\n"                    /* 29-32 */
                       "# Task 6.1 #\n```\n## in code <!-- kept\n```\n"                          /* 33-36 */
                       "# A title, not a heading\n### Deeper: part of the answer to Task 6.1\n"   /* 37-38 */
                       "  ## Notes\n<!-- never closed\n## Question 7\n";                         /* 39-41 */
    static const struct {
        char kind;
        int number;
        const char *heading, *body; /* "" : unanswered */
        size_t line, body_line; /* the heading's line, the answer's first */
    } want[] = {
        { 'q', 1, "Question 1", "", 5, 9 },
        { 'q', 2, "Question 2", "", 10, 12 },
        { 'q', 3, "Question 3", "", 13, 17 },
        { 'q', 4, "Question 4", "My answer  stays.", 18, 22 },
        { 'q', 5, "Question 5", "Text right away.", 24, 28 },
        { 'q', 6, "Question 6", "> A quote of my own.", 29, 32 },
        { 't', 0, "Task 6.1", "```\n## in code <!-- kept\n```\n# A title, not a heading\n"
                              "### Deeper: part of the answer to Task 6.1", 33, 34 },
        { 0, 0, "Notes", "", 39, 41 },
    };
    lg_answers a;
    lg_answers_parse(text, &a);
    LG_ASSERT_MSG(a.n == sizeof want / sizeof want[0], "%zu sections", a.n);
    for (size_t i = 0; i < a.n && i < sizeof want / sizeof want[0]; i++) {
        const lg_answer *s = &a.v[i];
        LG_ASSERT_MSG(s->kind == want[i].kind && (s->kind != 'q' || s->number == want[i].number) &&
                          !strcmp(s->heading, want[i].heading) && !strcmp(s->body, want[i].body) &&
                          lg_answer_written(s) == (want[i].body[0] != '\0') && s->line == want[i].line &&
                          (!want[i].body[0] || s->body_line + 1 == want[i].body_line),
                      "section %zu: kind '%c' %d '%s' line %zu, body from line %zu: '%s'", i, s->kind ? s->kind : '0',
                      s->number, s->heading, s->line, s->body_line + 1, s->body);
    }
    CU_ASSERT(a.n < 7 || !strcmp(a.v[6].task, "6.1"));
    lg_answers_free(&a);
    lg_answers_parse("no heading at all\n> a quote\n", &a);
    CU_ASSERT_EQUAL(a.n, 0);
    lg_answers_free(&a);
}

/* Each lab's shipped answers.md (a heading per question and task, the
 * question restated in a quote): no section answered, a question section for
 * each of lab.ini's questions; one line written under any one heading makes
 * that section, and only it, answered, from the line it is on. */
static void test_answers_shipped(void)
{
    size_t labs = 0;
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        char rel[4096], path[8200];
        if (lg_lab_error(lab) || !lg_lab_answers(lab, rel, sizeof rel))
            continue;
        labs++;
        snprintf(path, sizeof path, "%s/%s", lg_lab_root(lab), rel);
        char *text = lg_read_file(path, NULL);
        LG_ASSERT_MSG(text != NULL, "no %s", path);
        if (!text)
            continue;
        lg_answers a;
        lg_answers_parse(text, &a);
        size_t questions = 0;
        for (size_t k = 0; k < a.n; k++) {
            questions += a.v[k].kind == 'q';
            LG_ASSERT_MSG(a.v[k].kind && !lg_answer_written(&a.v[k]), "%s:%zu: '%s' names nothing or has '%s' as "
                          "its answer", rel, a.v[k].line, a.v[k].heading, a.v[k].body);
        }
        LG_ASSERT_MSG(a.n && questions == lg_lab_question_count(lab), "%s: %zu sections, %zu questions, lab.ini %zu",
                      rel, a.n, questions, lg_lab_question_count(lab));
        /* an answer under section k: right after its heading's quote */
        for (size_t k = 0; k < a.n; k++) {
            const char *at = text;
            for (size_t l = 1; l < a.v[k].line + 1 && at; l++)
                at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
            while (at && (*at == '>' || *at == '\n'))
                at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
            CU_ASSERT_FATAL(at != NULL);
            char *edited = lg_xmalloc(strlen(text) + 64);
            sprintf(edited, "%.*sMy answer.\n\n%s", (int)(at - text), text, at);
            lg_answers b;
            lg_answers_parse(edited, &b);
            size_t line = 1;
            for (const char *q = edited; q < edited + (at - text); q++)
                line += *q == '\n';
            for (size_t j = 0; j < b.n; j++)
                LG_ASSERT_MSG(lg_answer_written(&b.v[j]) == (j == k) &&
                                  (j != k || (!strcmp(b.v[j].body, "My answer.") && b.v[j].body_line + 1 == line)),
                              "%s with an answer under '%s': '%s' has '%s' from line %zu", rel, a.v[k].heading,
                              b.v[j].heading, b.v[j].body, b.v[j].body_line + 1);
            CU_ASSERT_EQUAL(b.n, a.n);
            lg_answers_free(&b);
            free(edited);
        }
        lg_answers_free(&a);
        free(text);
    }
    CU_ASSERT(labs >= 2);
}

/* `litgan pack NN` on every lab's tree as shipped: refused as the template,
 * nothing written. */
static void test_pack_shipped_template(void)
{
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        char rel[4096], nn[8], says[4400];
        if (lg_lab_error(lab) || !lg_lab_answers(lab, rel, sizeof rel))
            continue;
        snprintf(nn, sizeof nn, "%02d", lg_lab_number(lab));
        const char *zip = gf_path("pack-shipped.zip");
        const char *args[] = { "pack", nn, "--out", zip, NULL };
        char *out = NULL;
        int st = litgan(false, NULL, args, &out);
        snprintf(says, sizeof says, "litgan pack: %s is still the template: none of its ", rel);
        LG_ASSERT_MSG(st == 1 && out && strstr(out, says) && lines_of(out) == 1 && access(zip, F_OK) != 0,
                      "lab %s as shipped: exit %d: %.600s", nn, st, out ? out : "");
        free(out);
        unlink(zip);
    }
}

/* Lab 01's shipped answers.md with one answer written under one heading is
 * packed; every other heading is named with its line. */
static void test_pack_one_answer(void)
{
    char src[4400];
    snprintf(src, sizeof src, "%s/labs/01-minimax/answers.md", lg_source_root());
    char *text = lg_read_file(src, NULL);
    CU_ASSERT_FATAL(text != NULL);
    const char *q3 = strstr(text, "\n## Question 3\n");
    const char *quote_end = q3 ? strstr(q3 + 1, "\n\n") : NULL;
    CU_ASSERT_FATAL(quote_end != NULL);
    char *edited = lg_xmalloc(strlen(text) + 64);
    sprintf(edited, "%.*s\n\nThe JSD saturates once the supports separate.%s", (int)(quote_end - text), text,
            quote_end);
    put(hpath("labs/01-minimax/answers.md"), edited);
    size_t q1_line = 1;
    for (const char *p = text; p < strstr(text, "\n## Question 1\n"); p++)
        q1_line += *p == '\n';
    char q1[128];
    snprintf(q1, sizeof q1, "answers.md:%zu: no answer yet under '## Question 1'\n", q1_line + 1);
    const char *zip = gf_path("pack-one.zip");
    const char *args[] = { "pack", "01", "--out", zip, NULL };
    char *out = NULL;
    int st = litgan(true, NULL, args, &out);
    LG_ASSERT_MSG(st == 0 && out && access(zip, F_OK) == 0 && strstr(out, q1) &&
                      strstr(out, "no answer yet under '## Task 1.1'") &&
                      strstr(out, "no answer yet under '## Question 6'") && !strstr(out, "'## Question 3'"),
                  "pack with one answer: exit %d: %.800s", st, out ? out : "");
    free(out);
    free(edited);
    free(text);
}

/* An existing zip is never replaced without --force (its bytes stay); with
 * --force it is. */
static void test_pack_overwrite(void)
{
    put(hpath("labs/01-minimax/answers.md"), answers_filled);
    const char *cwd = gf_path("pack-cwd");
    gf_put_str(cwd, "lab-01-submission.zip", "not a zip: the student's other file\n");
    char zip[4400];
    snprintf(zip, sizeof zip, "%s/lab-01-submission.zip", cwd);
    const char *args[] = { "pack", "01", NULL };
    char *out = NULL;
    int st = litgan(true, cwd, args, &out);
    char *kept = gf_slurp(zip, NULL);
    LG_ASSERT_MSG(st == 1 && out && strstr(out, "lab-01-submission.zip exists: add --force to replace it") &&
                  lines_of(out) == 1 && kept && !strcmp(kept, "not a zip: the student's other file\n"),
                  "pack over a file: %d: %.400s", st, out ? out : "");
    free(kept);
    free(out);
    /* with --force it is replaced; a report older than the code is named */
    put(hpath("reports/01-minimax/index.html"), "<!doctype html><title>Lab 01</title>\n");
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    CU_ASSERT(utimensat(AT_FDCWD, hpath("reports/01-minimax/index.html"), old, 0) == 0);
    const char *args2[] = { "pack", "01", "--force", NULL };
    st = litgan(true, cwd, args2, &out);
    LG_ASSERT_MSG(st == 0 && out && strstr(out, "the report reports/01-minimax/index.html is older than "
                                                "plugins/gan.c") && strstr(out, "litgan weave 01"),
                  "pack --force: %d: %.400s", st, out ? out : "");
    free(out);
    unlink(hpath("reports/01-minimax/index.html"));
    char cmd[4400], listing[512];
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", zip);
    CU_ASSERT(lg_test_run_capture(cmd, listing, sizeof listing) == 0 &&
              !strcmp(listing, "gan.c\noptimal.c\nanswers.md\nreport.html\n"));
}

/* ------------------------------------------------------------- rubric --- */

/* [question N] in lab.ini: read into the registry, strictly. */
static void noop(void) {}
static const lg_grade_test t97[] = { { "97.1", "one test", 2, noop, LG_VISIBLE } };
static const lg_lab_module m97 = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "97-questions", t97, 1, NULL };

static void test_questions_ini(void)
{
    const char *head = "[lab]\ntitle = Q\nfiles = a.c\n[task 97.1]\ntitle = T\npoints = 2\n";
    struct {
        const char *tail, *says; /* says NULL: loads */
    } cases[] = {
        { "[question 1]\ntitle = First\npoints = 2\n[question 2]\ntitle = Second\npoints = 1.5\n", NULL },
        { "[question x]\ntitle = A\npoints = 1\n", ":8: [question x]: a question is named by its number" },
        { "[question 01]\ntitle = A\npoints = 1\n", ":8: [question 01]: a question is named by its number" },
        { "[question 1]\ntitle = A\npoints = -1\n", ":9: [question 1]: unknown, repeated or bad key 'points'" },
        { "[question 1]\ntitle = A\npoints = 1\npoints = 2\n", ":10: [question 1]: unknown, repeated or bad key" },
        { "[question 1]\ntitle = A\nweight = 1\n", ":9: [question 1]: unknown, repeated or bad key 'weight'" },
        { "[question 1]\npoints = 1\n", ": [question 1] needs a title and points" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[64], text[1024];
        snprintf(name, sizeof name, "q%zu.ini", i);
        snprintf(text, sizeof text, "%s%s", head, cases[i].tail);
        const char *ini = lg_test_tmpdir(name);
        CU_ASSERT_FATAL(lg_write_atomic(ini, text, strlen(text)) == LG_OK);
        lg_lab *lab = NULL;
        int rc = lg_lab_open("/nonexistent", "97-questions", ini, &m97, NULL, &lab);
        if (!cases[i].says) {
            const char *title = NULL;
            double pts = 0;
            LG_ASSERT_MSG(rc == LG_OK && lg_lab_question_count(lab) == 2, "case %zu: %s", i, lg_errmsg());
            const char *num = rc == LG_OK ? lg_lab_question(lab, 1, &title, &pts) : NULL;
            CU_ASSERT(num && !strcmp(num, "2") && title && !strcmp(title, "Second") && pts == 1.5);
            CU_ASSERT(rc != LG_OK || lg_lab_question(lab, 2, NULL, NULL) == NULL);
        } else {
            LG_ASSERT_MSG(rc == LG_EFORMAT && strstr(lg_errmsg(), cases[i].says) && strstr(lg_errmsg(), ini),
                          "case %zu: rc %d, '%s', wanted '%s'", i, rc, lg_errmsg(), cases[i].says);
        }
        lg_lab_close(lab);
    }
}

static const char rubric_text[] =
    "\xef\xbb\xbfsubmission,question,points,comment\r\n"
    "alice,1,3,\r\n"
    "# the instructors' note: bob's written answers come next week\n"
    "\n"
    "alice,3,1.5,\"names the JSD, not W1; \"\"peaks\"\" missing\"\n";

static const char *rubric_class(void)
{
    static bool made;
    if (!made) {
        const char *names[] = { "alice", "bob" };
        for (size_t i = 0; i < 2; i++) {
            char rel[64];
            snprintf(rel, sizeof rel, "rubric-class/%s", names[i]);
            char *d = lg_xstrdup(gf_path(rel));
            gf_put_ref(d, "gan.c");
            gf_put_ref(d, "optimal.c");
            free(d);
        }
        gf_put_str(gf_path("rubric-class"), "rubric.csv", rubric_text);
        made = true;
    }
    return gf_path("rubric-class");
}

static json_t *test_numbered(json_t *doc, const char *number)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(doc, "tests"), i, t) {
        const char *n = json_string_value(json_object_get(t, "number"));
        if (n && !strcmp(n, number))
            return t;
    }
    return NULL;
}

/* SUBS/rubric.csv merged by grade-all: grades.csv's question columns and
 * totals, NAME.json's tests and totals, NAME.txt's lines; then grade --rubric. */
static void test_rubric_merge(void)
{
    char subs[4200];
    snprintf(subs, sizeof subs, "%s", rubric_class());
    const char *outdir = gf_path("rubric-grades");
    const char *args[] = { "grade-all", "--weaker-sandbox", "01", subs, "--out", outdir, "-j", "2", NULL };
    char *out = NULL;
    int st = gf_litgan(args, 60, &out);
    LG_ASSERT_MSG(st == 0 && out && strstr(out, "alice: 22.5 / 24.0") && strstr(out, "bob: 18.0 / 18.0"),
                  "grade-all: %d: %.600s", st, out ? out : "");
    free(out);
    char path[4400];
    snprintf(path, sizeof path, "%s/grades.csv", outdir);
    char *csv = gf_slurp(path, NULL);
    CU_ASSERT_FATAL(csv != NULL);
    const char *want[] = {
        "submission,score,max_score,Task 1.1,Task 1.2,Task 1.3,Task 1.4,Question 1,Question 2,Question 3,"
        "Question 4,Question 5,Question 6,questions_not_graded,litgan_version,",
        "\nalice,22.5,24,4,4,4,6,3,,1.5,,,,4,", "\nbob,18,18,4,4,4,6,,,,,,,6,"
    };
    for (size_t i = 0; i < 3; i++)
        LG_ASSERT_MSG(strstr(csv, want[i]) && (i || !strncmp(csv, want[0], strlen(want[0]))), "no '%s' in:\n%s",
                      want[i], csv);
    free(csv);

    snprintf(path, sizeof path, "%s/alice.json", outdir);
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    CU_ASSERT_FATAL(doc != NULL);
    CU_ASSERT(json_number_value(json_object_get(doc, "score")) == 22.5);
    CU_ASSERT(json_number_value(json_object_get(doc, "max_score")) == 24);
    json_t *q1 = test_numbered(doc, "Q1"), *q2 = test_numbered(doc, "Q2"), *q3 = test_numbered(doc, "Q3");
    CU_ASSERT_FATAL(q1 && q2 && q3 && test_numbered(doc, "Q6") && !test_numbered(doc, "Q7"));
    CU_ASSERT(json_number_value(json_object_get(q1, "score")) == 3 &&
              json_number_value(json_object_get(q1, "max_score")) == 3);
    CU_ASSERT(json_number_value(json_object_get(q3, "score")) == 1.5 &&
              !strcmp(json_string_value(json_object_get(q3, "output")), "names the JSD, not W1; \"peaks\" missing"));
    CU_ASSERT(!strncmp(json_string_value(json_object_get(q3, "name")), "Question 3 (written): ", 22));
    /* not graded yet: no score at all, said so */
    CU_ASSERT(json_object_get(q2, "score") == NULL && json_number_value(json_object_get(q2, "max_score")) == 2 &&
              !strcmp(json_string_value(json_object_get(q2, "output")), "not graded yet"));
    json_decref(doc);

    snprintf(path, sizeof path, "%s/bob.txt", outdir);
    char *txt = gf_slurp(path, NULL);
    LG_ASSERT_MSG(txt && strstr(txt, "not graded yet / 3.0") &&
                  strstr(txt, "18.0 / 18.0  (no question graded yet: 14.0 points to come)"), "bob.txt:\n%s",
                  txt ? txt : "");
    free(txt);
    snprintf(path, sizeof path, "%s/alice.txt", outdir);
    txt = gf_slurp(path, NULL);
    LG_ASSERT_MSG(txt && strstr(txt, "names the JSD, not W1; \"peaks\" missing") &&
                  strstr(txt, "22.5 / 24.0  (questions 2, 4, 5 and 6 not graded yet: 8.0 points to come)"),
                  "alice.txt:\n%s", txt ? txt : "");
    free(txt);

    /* grade --rubric: the same numbers for one submission */
    const char *json = gf_path("rubric-alice.json");
    char rubric[4400], alice[4400];
    snprintf(rubric, sizeof rubric, "%s/rubric.csv", subs);
    snprintf(alice, sizeof alice, "%s/alice", subs);
    const char *g[] = { "grade", "01", "--submission", alice, "--json", json, "--rubric", rubric, NULL };
    st = gf_litgan(g, 60, &out);
    doc = json_load_file(json, 0, &err);
    LG_ASSERT_MSG(st == 0 && doc && json_number_value(json_object_get(doc, "score")) == 22.5 &&
                  json_number_value(json_object_get(doc, "max_score")) == 24,
                  "grade --rubric: %d: %.400s", st, out ? out : "");
    json_decref(doc);
    free(out);
}

/* Every malformed line: one line FILE:LINE: why, exit 2, nothing graded. */
static void test_rubric_refused(void)
{
    char subs[4200];
    snprintf(subs, sizeof subs, "%s", rubric_class());
    const char *h = "submission,question,points,comment\n";
    struct {
        const char *body; /* after the header, unless it starts with '!' (the whole file) */
        const char *says;
    } cases[] = {
        { "!submission,question,score,comment\nalice,1,1,\n", ":1: the first line is the header" },
        { "!", ":1: empty: the first line is the header" },
        { "carol,1,1,\n", ":2: unknown submission 'carol'" },
        { "alice,1,1,\n\nalice,7,1,\n", ":4: unknown question '7' (lab 01's questions: 1, 2, 3, 4, 5, 6)" },
        { "alice,Q1,1,\n", ":2: unknown question 'Q1'" },
        { "alice,1,3.5,\n", ":2: points 3.5 for question 1, whose maximum is 3 (lab.ini)" },
        { "alice,1,-0.5,\n", ":2: points -0.5 for question 1: negative" },
        { "alice,1,two,\n", ":2: points 'two' for question 1: not a number" },
        { "alice,1,,\n", ":2: points '' for question 1: not a number" },
        { "alice,1,inf,\n", ":2: points 'inf' for question 1: not a number" },
        { "alice,1,1,\n# note\nalice,1,2,\n", ":4: submission 'alice', question 1 graded twice (first on line 2)" },
        { "alice,1\n", ":2: 2 cells, expected 3 or 4" },
        { "alice,1,1,a comment, with a comma\n", ":2: 5 cells, expected 3 or 4" },
        { "alice,1,1,\"never closed\n\n", ":2: a quoted cell opened on line 2 is never closed" },
        { "alice,1,1,\"a\"b\n", ":2: text after a quoted cell" },
        { ",1,1,\n", ":2: no submission named" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[64], text[512];
        snprintf(name, sizeof name, "bad-rubric-%zu.csv", i);
        snprintf(text, sizeof text, "%s%s", cases[i].body[0] == '!' ? "" : h,
                 cases[i].body + (cases[i].body[0] == '!'));
        gf_put_str(gf_tmp(), name, text);
        const char *file = gf_path(name), *outdir = gf_path("bad-rubric-grades");
        const char *args[] = { "grade-all", "--weaker-sandbox", "01", subs, "--rubric", file, "--out", outdir,
                               NULL };
        char *out = NULL;
        int st = gf_litgan(args, 30, &out);
        char want[600];
        snprintf(want, sizeof want, "litgan grade-all: %s%s", file, cases[i].says);
        LG_ASSERT_MSG(st == 2 && out && !strncmp(out, want, strlen(want)) && lines_of(out) == 1 &&
                      access(outdir, F_OK) != 0, "case %zu: exit %d, wanted '%s' in: %.400s", i, st, want,
                      out ? out : "");
        free(out);
    }
}

/* Every lab: lab.ini's [question N] are the writeup's numbered Questions, one
 * to one, and check/rubric.md has a "## Question N" section for each, with
 * lab.ini's points ("(3 points)"). */
static void test_every_lab_questions(void)
{
    for (size_t i = 0; i < lg_lab_count(); i++) {
        const lg_lab *lab = lg_lab_at(i);
        if (lg_lab_error(lab))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/labs/%s/README.md", lg_lab_root(lab), lg_lab_dir(lab));
        char *md = lg_read_file(path, NULL);
        LG_ASSERT_MSG(md != NULL, "no %s", path);
        const char *q = md ? strstr(md, "\n## Questions\n") : NULL;
        size_t listed = 0;
        for (const char *l = q ? strchr(q + 1, '\n') : NULL; l && strncmp(l, "\n## ", 4); l = strchr(l + 1, '\n')) {
            char want[32];
            snprintf(want, sizeof want, "\n%zu. ", listed + 1);
            listed += !strncmp(l, want, strlen(want));
        }
        free(md);
        size_t n = lg_lab_question_count(lab);
        LG_ASSERT_MSG(n == listed, "lab %s: lab.ini has %zu [question N] sections, its writeup's Questions list %zu",
                      lg_lab_dir(lab), n, listed);
        if (!n)
            continue;
        snprintf(path, sizeof path, "%s/labs/%s/check/rubric.md", lg_lab_root(lab), lg_lab_dir(lab));
        char *rubric = lg_read_file(path, NULL);
        LG_ASSERT_MSG(rubric != NULL, "lab %s: no check/rubric.md (the answer key of its questions)", lg_lab_dir(lab));
        for (size_t k = 0; rubric && k < n; k++) {
            const char *title = NULL;
            double pts = 0;
            const char *num = lg_lab_question(lab, k, &title, &pts);
            CU_ASSERT_FATAL(num && strtol(num, NULL, 10) == (long)k + 1);
            char head[64], points[64];
            snprintf(head, sizeof head, "\n## Question %s ", num);
            snprintf(points, sizeof points, "(%g point%s)\n", pts, pts == 1 ? "" : "s");
            const char *at = strstr(rubric, head);
            const char *eol = at ? strchr(at + 1, '\n') : NULL;
            bool ok = at && eol && (size_t)(eol - at) + 1 >= strlen(points) &&
                      !strncmp(eol + 1 - strlen(points), points, strlen(points));
            LG_ASSERT_MSG(ok, "lab %s: check/rubric.md has no '## Question %s ... %.*s' heading", lg_lab_dir(lab), num,
                          (int)strlen(points) - 1, points);
        }
        free(rubric);
    }
}

void lg_suite_pack(void)
{
    LG_ADD_SUITE("pack", { "pack: the reference with answers: exact listing, full marks", test_pack_reference },
                 { "pack: refused without answers, with the template, when not compiling", test_pack_refusals },
                 { "pack: an existing zip needs --force", test_pack_overwrite },
                 { "answers.md read: the quote and the comments are no answer", test_answers_parsed },
                 { "every lab's answers.md as shipped: no answer, one per question", test_answers_shipped },
                 { "pack: every lab's answers.md as shipped is the template", test_pack_shipped_template },
                 { "pack: one answer under one heading is enough", test_pack_one_answer },
                 { "lab.ini [question N]: read strictly", test_questions_ini },
                 { "every lab: lab.ini's questions, the writeup's and check/rubric.md agree",
                   test_every_lab_questions },
                 { "rubric.csv merged into grades.csv, NAME.json, NAME.txt", test_rubric_merge },
                 { "rubric.csv: each malformed line refused with FILE:LINE", test_rubric_refused });
}
