/*
 * test_report.c - the woven report (`litgan weave`) as a reader gets it.
 *
 * References are independent of the code under test: the KaTeX files of
 * Debian's libjs-katex as installed, coreutils' base64 for embedded files,
 * grep for what a writeup holds, and headless Chromium for what the page
 * shows: every lab's report, woven from its smoke run, is opened in it, and
 * the DOM it dumps (--dump-dom) must hold render.js's marker of a finished
 * page with no KaTeX error and no figure that failed to load.
 */
#include "lg_test.h"
#include "lg_course.h"
#include "weave/lg_weave.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

static char *slurp(const char *path) { return lg_read_file(path, NULL); }

/* stdout of a shell command (the reference tools). */
static char *shell(const char *cmd)
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
    pclose(p);
    return buf;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s ? strstr(s, what) : NULL; p; p = strstr(p + 1, what))
        n++;
    return n;
}

static const char *chromium_path(void) { return "/usr/bin/chromium"; }

/* The page as headless Chromium leaves it once loaded: its DOM (NULL when
 * Chromium cannot run). The virtual time budget lets the load event and
 * render.js finish without waiting in real time. */
static char *chromium_dom(const char *page)
{
    char cmd[4096], profile[1024], dom[1024];
    snprintf(profile, sizeof profile, "%s", lg_test_tmpdir("chromium-profile"));
    snprintf(dom, sizeof dom, "%s.dom", page);
    snprintf(cmd, sizeof cmd,
             "'%s' --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='%s' "
             "--virtual-time-budget=20000 --dump-dom 'file://%s' > '%s' 2>/dev/null",
             chromium_path(), profile, page, dom);
    free(shell(cmd));
    lg_rm_rf(profile); /* a few MB of Chromium's caches */
    char *d = slurp(dom);
    if (d && !*d) {
        free(d);
        d = NULL;
    }
    return d;
}

/* What render.js wrote into the page: done, and its problems (one a line). */
static bool render_status(const char *dom, size_t *errors, char *problems, size_t cap)
{
    problems[0] = '\0';
    *errors = 0;
    const char *box = dom ? strstr(dom, "<section id=\"lg-render\"") : NULL;
    if (!box)
        return false;
    const char *gt = strchr(box, '>');
    char tag[256];
    snprintf(tag, sizeof tag, "%.*s", gt ? (int)(gt - box) : 0, box);
    const char *e = strstr(tag, "data-errors=\"");
    *errors = e ? strtoul(e + 13, NULL, 10) : 0;
    size_t k = 0;
    for (const char *p = strstr(box, "<li class=\"lg-render-error\""); p && k + 2 < cap;
         p = strstr(p + 1, "<li class=\"lg-render-error\"")) {
        const char *a = strchr(p, '>'), *b = a ? strstr(a, "</li>") : NULL;
        if (!b)
            break;
        k += (size_t)snprintf(problems + k, cap - k, "%.*s\n", (int)(b - a - 1 > 300 ? 300 : b - a - 1), a + 1);
    }
    return strstr(tag, "data-done=\"1\"") != NULL;
}

/* ------------------------------------------------------------- KaTeX --- */

/* The style sheet keeps every rule of katex.min.css with each font's
 * sources cut to one data: URI (the WOFF2 file, byte for byte); the script
 * is katex.min.js as installed. A missing file is one error naming the
 * package. */
static void test_katex_inlined(void)
{
    char *css = NULL, *js = NULL;
    int rc = lg_weave_katex(&css, &js);
    LG_ASSERT_MSG(rc == LG_OK, "KaTeX: %s", lg_errmsg());
    if (rc != LG_OK)
        return;
    char path[1024], cmd[2048];
    snprintf(path, sizeof path, "%s/katex.min.css", lg_weave_katex_dir());
    char *orig = slurp(path);
    size_t faces = count(orig, "@font-face");
    LG_ASSERT_MSG(faces >= 10, "katex.min.css has %zu @font-face", faces);
    CU_ASSERT_EQUAL(count(css, "@font-face"), faces);
    CU_ASSERT_EQUAL(count(css, "src:url(data:font/woff2;base64,"), faces);
    CU_ASSERT_EQUAL(count(css, "url("), faces);
    /* a font, as coreutils' base64 encodes it */
    snprintf(cmd, sizeof cmd, "base64 -w0 '%s/fonts/KaTeX_Main-Regular.woff2'", lg_weave_katex_dir());
    char *b64 = shell(cmd);
    LG_ASSERT_MSG(b64[0] && strstr(css, b64), "KaTeX_Main-Regular.woff2 is not inlined byte for byte");
    free(b64);
    /* the rules after the fonts, unchanged */
    const char *tail = strstr(orig, ".katex{");
    LG_ASSERT_MSG(tail && strstr(css, tail), "the rules of katex.min.css are not all there");
    snprintf(path, sizeof path, "%s/katex.min.js", lg_weave_katex_dir());
    char *js_orig = slurp(path);
    CU_ASSERT(js_orig && !strcmp(js, js_orig));
    free(js_orig);
    free(orig);
    free(css);
    free(js);

    /* missing: the script, then a font */
    const char *dir = lg_test_tmpdir("katex-broken");
    snprintf(path, sizeof path, "%s/katex.min.css", dir);
    put_file(path, "@font-face{font-family:X;src:url(fonts/X.woff2) format('woff2')}.katex{x:y}");
    setenv("LITGAN_KATEX_DIR", dir, 1);
    rc = lg_weave_katex(&css, &js);
    CU_ASSERT_EQUAL(rc, LG_EIO);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "katex.min.js is missing") && strstr(lg_errmsg(), "libjs-katex") &&
                      !strchr(lg_errmsg(), '\n'),
                  "%s", lg_errmsg());
    snprintf(path, sizeof path, "%s/katex.min.js", dir);
    put_file(path, "var katex = {};\n");
    rc = lg_weave_katex(&css, &js);
    CU_ASSERT_EQUAL(rc, LG_EIO);
    LG_ASSERT_MSG(strstr(lg_errmsg(), "names a font that is not there") && strstr(lg_errmsg(), "libjs-katex"), "%s",
                  lg_errmsg());
    CU_ASSERT(css == NULL && js == NULL);
    unsetenv("LITGAN_KATEX_DIR");
}

/* ----------------------------------------------------------- answers --- */

static void test_answer_keys(void)
{
    static const struct {
        const char *h;
        char kind;
        int number;
        const char *task;
    } cases[] = {
        { "Question 3", 'q', 3, "" },   { "question 12: why", 'q', 12, "" }, { "Q4", 'q', 4, "" },
        { "Q 5.", 'q', 5, "" },         { "6. The kernel", 'q', 6, "" },     { "2) two", 'q', 2, "" },
        { "Task 2.2", 't', 0, "2.2" },  { "Task 1.4 — C(G)", 't', 0, "1.4" }, { "Task two", 0, 0, "" },
        { "Notes", 0, 0, "" },          { "3.5 things", 0, 0, "" },          { "Questions", 0, 0, "" },
        { "Quick thoughts", 0, 0, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = 0;
        char task[16] = "";
        char k = lg_answers_key(cases[i].h, &n, task, sizeof task);
        LG_ASSERT_MSG(k == cases[i].kind && (k != 'q' || n == cases[i].number) && (k != 't' || !strcmp(task, cases[i].task)),
                      "'%s': kind '%c' number %d task '%s'", cases[i].h, k ? k : '0', n, task);
    }
}

/* A writeup and an answers.md rendered together: each answer under its
 * question, the derivation at the end of its task, the restated question
 * left out, math kept for KaTeX; what has no place shown with a note. */
static void test_answers_placed(void)
{
    const char *writeup = "# Lab 09\n\n"
                          "## Task 9.1 — a derivation\n\nDerive it.\n\n"
                          "## Questions\n\n"
                          "1. First question?\n"
                          "2. Second question?\n"
                          "3. Third question?\n\n"
                          "## After\n\nThe end.\n";
    const char *answers = "# Lab 09 — your answers\n\nHow to write them.\n\n"
                          "## Question 1\n\n> First question, restated.\n\nIt is $\\frac12$, since x_1 * y_2.\n\n"
                          "```\n## Question 2 (inside code: not a heading)\n```\n\n"
                          "## Question 3\n\n> Third question, restated.\n\n"
                          "## Task 9.1\n\n> Derive it, restated.\n\nBy parts.\n\n"
                          "# Question 7\n\nAn answer to nothing.\n\n@code nowhere.c body\n\n"
                          "## Notes\n\nStray notes.\n";
    char *said = NULL;
    size_t said_len;
    FILE *err = open_memstream(&said, &said_len);
    lg_weave_ctx c = { .root = "/", .lab_dir = "/", .out_dir = "/", .err = err };
    lg_weave_answers a = { .present = true };
    snprintf(a.file, sizeof a.file, "labs/09-t/answers.md");
    lg_weave_answers_load(&c, answers, &a);
    CU_ASSERT_EQUAL(a.n, 5);
    /* an error in an answer names answers.md and its line, and is not one of the writeup */
    fflush(err);
    LG_ASSERT_MSG(strstr(said, "labs/09-t/answers.md:29: @code nowhere.c body: cannot read") && c.errors == 0,
                  "%s", said);
    c.answers = &a;
    c.toc = true;
    char *html = NULL;
    CU_ASSERT_EQUAL(lg_weave_render(&c, writeup, &html), LG_OK);
    LG_ASSERT(html, "no HTML");
    if (!html)
        return;
    const char *q1 = strstr(html, "First question?"), *q2 = strstr(html, "Second question?"),
               *q3 = strstr(html, "Third question?"), *after = strstr(html, ">After</h2>");
    const char *ans1 = strstr(html, "It is <span class=\"math\">\\frac12</span>, since x_1 * y_2.");
    LG_ASSERT_MSG(q1 && q2 && q3 && after && ans1 && q1 < ans1 && ans1 < q2, "answer 1:\n%s", html);
    /* the fence kept its "## Question 2" as code; question 2 says it has none */
    const char *none2 = strstr(html, "has no section &ldquo;## Question 2&rdquo;");
    LG_ASSERT_MSG(none2 && q2 < none2 && none2 < q3, "question 2's note:\n%s", html);
    CU_ASSERT(strstr(html, "## Question 2 (inside code: not a heading)") != NULL);
    const char *empty3 = strstr(q3, "Not answered yet.");
    LG_ASSERT_MSG(empty3 && empty3 < after, "question 3:\n%s", html);
    CU_ASSERT(strstr(html, "restated") == NULL);
    CU_ASSERT(strstr(html, "How to write them") == NULL);
    const char *deriv = strstr(html, "By parts."), *derive = strstr(html, "Derive it.");
    const char *qh = strstr(html, ">Questions</h2>");
    LG_ASSERT_MSG(deriv && derive && qh && derive < deriv && deriv < qh, "the derivation:\n%s", html);
    /* nothing dropped: the two that match nothing, before the next section */
    const char *q7 = strstr(html, "An answer to nothing."), *notes = strstr(html, "Stray notes.");
    LG_ASSERT_MSG(q7 && notes && q3 < q7 && q7 < after && notes < after &&
                      strstr(html, "the writeup has no question of this number") &&
                      strstr(html, "a heading that names no question"),
                  "answers without a question:\n%s", html);
    /* the headings got ids, listed for the contents */
    CU_ASSERT(strstr(html, "<h2 id=\"s-questions\">Questions</h2>") != NULL);
    CU_ASSERT(strstr(html, "<h2 id=\"s-task-9-1-a-derivation\">") != NULL);
    CU_ASSERT_EQUAL(c.n_heads, 3);
    free(html);
    lg_weave_answers_free(&a);

    /* no answers.md: one note where the answers would go */
    lg_weave_answers none = { .present = false };
    snprintf(none.file, sizeof none.file, "labs/09-t/answers.md");
    c.answers = &none;
    CU_ASSERT_EQUAL(lg_weave_render(&c, writeup, &html), LG_OK);
    const char *note = html ? strstr(html, "Your answers go in labs/09-t/answers.md") : NULL;
    LG_ASSERT_MSG(note && note > strstr(html, ">Questions</h2>") && note < strstr(html, "First question?"), "%s",
                  html ? html : "");
    free(html);
    lg_weave_ctx_free(&c);
    fclose(err);
    free(said);
}

/* The table of contents: level-2 entries, level-3 ones nested, ids unique. */
static void test_toc(void)
{
    lg_weave_ctx c = { .root = "/", .lab_dir = "/", .out_dir = "/", .err = stderr, .toc = true };
    char *html = NULL;
    CU_ASSERT_EQUAL(lg_weave_render(&c, "# T\n\n## A $x$\n\n### A.1\n\n## A $y$\n\n## [B](#x)\n", &html), LG_OK);
    char *toc = NULL;
    size_t tl;
    FILE *o = open_memstream(&toc, &tl);
    lg_weave_put_toc(o, &c);
    fclose(o);
    LG_ASSERT_MSG(!strcmp(toc, "<nav class=\"toc\" id=\"contents\">\n<p class=\"toc-title\">Contents</p>\n<ul>\n"
                               "<li><a href=\"#s-a\">A <span class=\"math\">x</span></a>\n<ul>\n"
                               "<li><a href=\"#s-a-1\">A.1</a></li>\n</ul></li>\n"
                               "<li><a href=\"#s-a-2\">A <span class=\"math\">y</span></a></li>\n"
                               "<li><a href=\"#s-b\">B</a></li>\n</ul>\n</nav>\n"),
                  "%s", toc);
    CU_ASSERT(html && strstr(html, "<h2 id=\"s-a-2\">A <span class=\"math\">y</span></h2>"));
    free(toc);
    free(html);
    lg_weave_ctx_free(&c);
}

/* ------------------------------------------------------------- grade --- */

static void test_failure_parse(void)
{
    lg_weave_failure f;
    CU_ASSERT(lg_weave_failure_parse("input: s = -1000; expected -0.5, got nan; hint: use softplus; not log", &f));
    CU_ASSERT_STRING_EQUAL(f.input, "s = -1000");
    CU_ASSERT_STRING_EQUAL(f.expected, "-0.5");
    CU_ASSERT_STRING_EQUAL(f.got, "nan");
    CU_ASSERT_STRING_EQUAL(f.hint, "use softplus; not log");
    /* a relative check: the error and its tolerance beside the value got */
    CU_ASSERT(lg_weave_failure_parse("input: d = 0.999999999; expected 1000, got 1001.001; relative error 0.001, "
                                     "tolerance 1e-09; hint: compute from d",
                                     &f));
    CU_ASSERT_STRING_EQUAL(f.input, "d = 0.999999999");
    CU_ASSERT_STRING_EQUAL(f.expected, "1000");
    CU_ASSERT_STRING_EQUAL(f.got, "1001.001 (relative error 0.001, tolerance 1e-09)");
    CU_ASSERT_STRING_EQUAL(f.hint, "compute from d");
    CU_ASSERT(lg_weave_failure_parse("input: x; relative error 0.5, tolerance 1e-06; expected 2, got 3", &f));
    CU_ASSERT_STRING_EQUAL(f.input, "x");
    CU_ASSERT_STRING_EQUAL(f.expected, "2");
    CU_ASSERT_STRING_EQUAL(f.got, "3 (relative error 0.5, tolerance 1e-06)");
    CU_ASSERT(lg_weave_failure_parse("input: d = 1e-300; relative error 2, tolerance 1e-09 (expected 1, got 3); "
                                     "hint: h", &f));
    CU_ASSERT_STRING_EQUAL(f.input, "d = 1e-300");
    CU_ASSERT_STRING_EQUAL(f.expected, "1");
    CU_ASSERT_STRING_EQUAL(f.got, "3 (relative error 2, tolerance 1e-09)");
    CU_ASSERT_STRING_EQUAL(f.hint, "h");
    /* input with a semicolon of its own, a verdict with no expected value */
    CU_ASSERT(lg_weave_failure_parse("input: a = 1; b = 2; the result is NaN", &f));
    CU_ASSERT_STRING_EQUAL(f.input, "a = 1; b = 2");
    CU_ASSERT_STRING_EQUAL(f.got, "the result is NaN");
    CU_ASSERT_STRING_EQUAL(f.expected, "");
    CU_ASSERT(!lg_weave_failure_parse("CU_ASSERT(x == 1)", &f));
    CU_ASSERT(!lg_weave_failure_parse("input: nothing else", &f));
}

/* The grade section from a results.json: a row per task, a row per failing
 * input (new lines and " | " both separate inputs), a raw row for the rest. */
static void test_grade_section(void)
{
    static const lg_task tasks[] = { { "9.1", "First", 2 }, { "9.2", "Second", 3 } };
    const lg_lab lab = { .number = 9, .dir = "09-t", .title = "T", .tasks = tasks, .n_tasks = 2 };
    const char *json =
        "{\"score\": 2, \"max_score\": 5, \"output\": \"Lab 09 (T): 2 / 5 points\\nx.c did not compile: x.c:1: oops\","
        " \"tests\": ["
        "{\"name\": \"Task 9.1: a\", \"score\": 2, \"max_score\": 2, \"status\": \"passed\", \"output\": \"passed\","
        " \"visibility\": \"visible\"},"
        "{\"name\": \"Task 9.2: b\", \"score\": 0, \"max_score\": 2, \"status\": \"failed\", \"output\": "
        "\"input: s = 1; expected 2, got 3; hint: h1 | input: s = 4; expected 5, got <6>\\ninput: s = 7; the result "
        "is inf input: s = 8; expected 9, got 10; hint: the input: 8 (and 2 more)\", \"visibility\": \"visible\"},"
        "{\"name\": \"Task 9.2: c\", \"score\": 0, \"max_score\": 1, \"status\": \"failed\", \"output\": "
        "\"the grader could not run\", \"visibility\": \"hidden\"}]}";
    char *html = NULL;
    size_t hl;
    FILE *o = open_memstream(&html, &hl);
    lg_weave_put_grade(o, &lab, json, "the printed table", LG_EINVAL, 2, 5, "");
    fclose(o);
    LG_ASSERT_MSG(strstr(html, "<tr class=\"pass\"><td>9.1</td><td>First</td><td class=\"num\">2 / 2</td>"
                               "<td class=\"num\">1 / 1</td></tr>") &&
                      strstr(html, "<tr class=\"fail\"><td>9.2</td><td>Second</td><td class=\"num\">0 / 3</td>"
                                   "<td class=\"num\">0 / 2</td></tr>"),
                  "tasks:\n%s", html);
    LG_ASSERT_MSG(strstr(html, "<td class=\"test\" rowspan=\"5\">Task 9.2: b (2 pts)</td><td class=\"input\">s = 1</td>"
                               "<td class=\"expected\">2</td><td class=\"got\">3</td><td class=\"hint\">h1</td>") &&
                      strstr(html, "<td class=\"input\">s = 4</td><td class=\"expected\">5</td>"
                                   "<td class=\"got\">&lt;6&gt;</td><td class=\"hint\"></td>") &&
                      strstr(html, "<td class=\"input\">s = 7</td><td class=\"expected\"></td>"
                                   "<td class=\"got\">the result is inf</td>") &&
                      strstr(html, "<td class=\"input\">s = 8</td><td class=\"expected\">9</td>"
                                   "<td class=\"got\">10</td><td class=\"hint\">the input: 8</td>") &&
                      strstr(html, "<td class=\"raw\" colspan=\"4\">and 2 more failing inputs not shown</td>"),
                  "failures:\n%s", html);
    CU_ASSERT(strstr(html, "Task 9.2: c [hidden] (1 pt)</td><td class=\"raw\" colspan=\"4\">the grader could not "
                           "run</td>") != NULL);
    CU_ASSERT(strstr(html, "<li>x.c did not compile: x.c:1: oops</li>") != NULL);
    CU_ASSERT(strstr(html, "<pre class=\"grade-table\">the printed table</pre>") != NULL);
    free(html);
    /* unreadable results: the printed table, unfolded */
    html = NULL;
    o = open_memstream(&html, &hl);
    lg_weave_put_grade(o, &lab, "{not json", "the printed table", LG_EINVAL, 2, 5, "");
    fclose(o);
    CU_ASSERT(strstr(html, "could not be read") && strstr(html, "<details open>"));
    free(html);
}

/* ------------------------------------------------------------ staleness --- */

static void set_mtime(const char *path, time_t t)
{
    struct timespec ts[2] = { { t, 0 }, { t, 0 } };
    LG_ASSERT(utimensat(AT_FDCWD, path, ts, 0) == 0, path);
}

static void test_stale(void)
{
    const char *root = lg_test_tmpdir("stale-root");
    char code[1024], ini[1024], fig[1024], msg[1024];
    snprintf(code, sizeof code, "%s/labs/09-t/k.c", root);
    snprintf(ini, sizeof ini, "%s/labs/09-t/lab.ini", root);
    snprintf(fig, sizeof fig, "%s/runs/fig.png", root);
    put_file(code, "int k;\n");
    put_file(ini, "[lab]\n");
    put_file(fig, "png");
    const lg_lab lab = { .number = 9, .dir = "09-t", .title = "T", .files = { "labs/09-t/k.c" } };
    lg_strvec pngs = { 0 };
    lg_strvec_push(&pngs, fig);
    time_t now = time(NULL);
    set_mtime(code, now - 100);
    set_mtime(ini, now - 100);
    set_mtime(fig, now - 50);
    CU_ASSERT(!lg_weave_stale(&lab, root, &pngs, msg, sizeof msg));
    set_mtime(code, now - 10); /* the code changed after the figures */
    CU_ASSERT(lg_weave_stale(&lab, root, &pngs, msg, sizeof msg));
    LG_ASSERT_MSG(strstr(msg, "labs/09-t/k.c changed") && strstr(msg, "litgan weave 09 --run"), "%s", msg);
    set_mtime(code, now - 100);
    set_mtime(ini, now - 5); /* so did the settings */
    CU_ASSERT(lg_weave_stale(&lab, root, &pngs, msg, sizeof msg) && strstr(msg, "labs/09-t/lab.ini changed"));
    lg_strvec_free(&pngs);
}

/* ------------------------------------------------ the page in Chromium --- */

/* The detector itself: a page with a TeX error and a figure that does not
 * decode is reported as exactly those two problems, of their kinds. */
static void test_chromium_sees_errors(void)
{
    static const lg_task tasks[] = { { "97.1", "a task", 1 } };
    const lg_lab lab = { .number = 97, .dir = "97-broken", .title = "Broken", .tasks = tasks, .n_tasks = 1 };
    const char *root = lg_test_tmpdir("report-broken");
    char p[1024], cmd[2048];
    snprintf(p, sizeof p, "%s/labs/97-broken/README.md", root);
    put_file(p, "# Broken\n\nGood $\\frac12$, bad $\\frac{1$.\n\n![a figure](bad.png)\n");
    snprintf(p, sizeof p, "%s/labs/97-broken/bad.png", root);
    put_file(p, "\x89PNG\r\n\x1a\n not an image after its signature");
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/reports' && cp -r '%s/reports/templates' '%s/reports/'", root,
             lg_source_root(), root);
    free(shell(cmd));
    char page[1024];
    snprintf(page, sizeof page, "%s/reports/97-broken/index.html", root);
    char *log = NULL;
    size_t ll;
    FILE *l = open_memstream(&log, &ll);
    lg_weave_run(&lab, root, NULL, NULL, LG_WEAVE_NO_RUN, l); /* no grading tests: the page is still written */
    fclose(l);
    free(log);
    char *dom = chromium_dom(page);
    LG_ASSERT_MSG(dom, "%s did not run (Debian package chromium: sh core/deps.sh)", chromium_path());
    size_t errors;
    char problems[2048];
    bool done = render_status(dom, &errors, problems, sizeof problems);
    LG_ASSERT_MSG(done && errors == 2 && count(dom, "data-kind=\"katex\"") == 1 &&
                      count(dom, "data-kind=\"figure\"") == 1 && strstr(problems, "\\frac{1"),
                  "done %d, %zu errors:\n%s", done, errors, problems);
    /* the good formula was typeset */
    CU_ASSERT(count(dom, "class=\"katex\"") >= 1);
    free(dom);
}

/* Every registered lab, woven from its smoke run and opened in Chromium:
 * every formula typeset, every figure loaded; the page holds every figure
 * the experiment wrote (base64 by coreutils), one code figure per "@code"
 * line, a contents entry per "##" heading, an answer block per question, the
 * grade, and no URL but the XML namespaces KaTeX's script names. */
static void test_labs_in_chromium(void)
{
    size_t n = lg_lab_count();
    LG_ASSERT_MSG(n >= 1, "no lab is registered");
    for (size_t i = 0; i < n; i++) {
        const lg_lab *lab = lg_lab_at(i);
        if (lg_lab_error(lab))
            continue;
        char name[64], readme[1024], cmd[4096], run_dir[1024], out[1024];
        snprintf(readme, sizeof readme, "%s/labs/%s/README.md", lg_source_root(), lab->dir);
        snprintf(name, sizeof name, "report-runs-%02d", lab->number);
        snprintf(run_dir, sizeof run_dir, "%s", lg_test_tmpdir(name));
        snprintf(name, sizeof name, "report-%02d/index.html", lab->number);
        snprintf(out, sizeof out, "%s", lg_test_tmpdir(name));
        LG_ASSERT(lg_mkdir_p(run_dir) == LG_OK, run_dir);
        int rc = lg_lab_experiment(lab, run_dir, "smoke");
        LG_ASSERT_MSG(rc == LG_OK, "lab %02d: the experiment failed: %s", lab->number, lg_errmsg());
        char *log = NULL;
        size_t ll;
        FILE *l = open_memstream(&log, &ll);
        rc = lg_weave_run(lab, lab->root, run_dir, out, LG_WEAVE_NO_RUN, l);
        fclose(l);
        LG_ASSERT_MSG(rc == LG_OK, "weave %02d: %s\n%s", lab->number, lg_errmsg(), log);
        free(log);
        char *html = slurp(out);
        LG_ASSERT_MSG(html != NULL, "weave %02d wrote no %s", lab->number, out);
        if (!html)
            continue;
        /* no address a browser would follow */
        for (const char *p = strstr(html, "http"); p; p = strstr(p + 1, "http"))
            LG_ASSERT_MSG(!strncmp(p, "http://www.w3.org/", 18), "lab %02d: the report names a URL: ...%.60s",
                          lab->number, p);
        for (const char *p = strstr(html, "src=\""); p; p = strstr(p + 1, "src=\""))
            LG_ASSERT_MSG(!strncmp(p + 5, "data:image/", 11), "lab %02d: an image not embedded: %.60s", lab->number,
                          p);
        /* every figure of the experiment, embedded */
        snprintf(cmd, sizeof cmd, "find '%s' -name '*.png' | sort", run_dir);
        char *pngs = shell(cmd);
        size_t n_png = 0;
        for (char *p = strtok(pngs, "\n"); p; p = strtok(NULL, "\n")) {
            snprintf(cmd, sizeof cmd, "base64 -w0 '%s'", p);
            char *b64 = shell(cmd);
            LG_ASSERT_MSG(b64[0] && strstr(html, b64), "lab %02d: figure %s is not in the report", lab->number, p);
            free(b64);
            n_png++;
        }
        free(pngs);
        LG_ASSERT_MSG(n_png >= 1, "lab %02d: the experiment wrote no figure into %s", lab->number, run_dir);
        /* every @code line a code figure, every "## " heading in the contents */
        snprintf(cmd, sizeof cmd, "grep -cE '^[[:space:]]*@code[[:space:]]' '%s'", readme);
        char *n_code = shell(cmd);
        LG_ASSERT_MSG((size_t)atoi(n_code) == count(html, "<figure class=\"code\">"), "lab %02d: %d @code lines, %zu "
                      "code figures", lab->number, atoi(n_code), count(html, "<figure class=\"code\">"));
        free(n_code);
        snprintf(cmd, sizeof cmd, "grep -cE '^## ' '%s'", readme);
        char *n_h2 = shell(cmd);
        const char *toc = strstr(html, "<nav class=\"toc\""), *toc_end = toc ? strstr(toc, "</nav>") : NULL;
        size_t entries = 0;
        for (const char *p = toc; p && p < toc_end; p = strstr(p + 1, "<li><a href=\"#s-"))
            entries += p != toc;
        LG_ASSERT_MSG(toc_end && entries == (size_t)atoi(n_h2) + 2, "lab %02d: %d headings, %zu contents entries "
                      "(+2: the outputs and the grade)", lab->number, atoi(n_h2), entries);
        free(n_h2);
        /* the answers: a block under each question when answers.md is there */
        char ans[1024];
        if (lg_lab_answers(lab, ans, sizeof ans)) {
            snprintf(cmd, sizeof cmd, "grep -cE '^## Question [0-9]+$' '%s/%s'", lab->root, ans);
            char *n_q = shell(cmd);
            const char *q = strstr(html, "id=\"s-questions\"");
            const char *q_end = q ? strstr(q, "<h2") : NULL;
            size_t placed = 0;
            for (const char *p = q ? strstr(q, "<div class=\"answer\">") : NULL; p && (!q_end || p < q_end);
                 p = strstr(p + 1, "<div class=\"answer\">"))
                placed++;
            LG_ASSERT_MSG(atoi(n_q) >= 1 && placed == (size_t)atoi(n_q) && !strstr(html, "answer orphan") &&
                              !strstr(html, "answer none"),
                          "lab %02d: %d questions in %s, %zu answers under the writeup's questions (or a note "
                          "that one has no place)", lab->number, atoi(n_q), ans, placed);
            free(n_q);
        }
        CU_ASSERT(strstr(html, "<section class=\"grade\">") && strstr(html, "Score: <strong>"));
        CU_ASSERT(strstr(html, "<p class=\"warning") == NULL);
        free(html);
        /* the page as a browser shows it */
        char *dom = chromium_dom(out);
        LG_ASSERT_MSG(dom, "%s did not run (Debian package chromium: sh core/deps.sh)", chromium_path());
        size_t errors;
        char problems[4096];
        bool done = render_status(dom, &errors, problems, sizeof problems);
        LG_ASSERT_MSG(done && errors == 0, "lab %02d in Chromium: %s, %zu problem%s:\n%s", lab->number,
                      done ? "rendered" : "render.js did not finish", errors, errors == 1 ? "" : "s", problems);
        LG_ASSERT_MSG(count(dom, "class=\"katex\"") >= 10, "lab %02d: %zu formulas typeset", lab->number,
                      count(dom, "class=\"katex\""));
        free(dom);
    }
}

void lg_suite_report(void)
{
    LG_ADD_SUITE("report",
                 { "KaTeX inlined, fonts as data URIs; a missing file names the package", test_katex_inlined },
                 { "answers.md headings: question numbers and tasks", test_answer_keys },
                 { "answers under their questions, nothing dropped", test_answers_placed },
                 { "table of contents", test_toc },
                 { "grading messages parsed, raw when not", test_failure_parse },
                 { "grade section: tasks, a row per failing input", test_grade_section },
                 { "figures older than the code", test_stale },
                 { "Chromium reports a TeX error and a broken figure", test_chromium_sees_errors },
                 { "every lab's report in Chromium: math typeset, figures loaded", test_labs_in_chromium });
}
