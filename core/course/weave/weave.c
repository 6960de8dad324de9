/*
 * weave.c - lg_weave_run (`litgan weave NN`): one self-contained HTML report
 * of a lab, reports/NN-name/index.html, that opens in a browser with no network.
 * The pieces are in this folder (lg_weave.h lists them).
 *
 * What goes in, in order:
 *   - the writeup labs/NN-name/README.md rendered with cmark-gfm (CommonMark
 *     and GitHub's tables), in its safe mode: the writeup's own raw HTML is
 *     left out and dangerous link schemes are dropped. What weave generates
 *     itself (code, math, figures) enters the tree as custom nodes, which the
 *     renderer writes as they are (markdown.c, tree.c);
 *   - each line "@code FILE REGION" replaced by the named region of FILE as
 *     it is now (HTML-escaped, lightly highlighted, in <pre><code>); a missing
 *     file or region is an error naming both (code.c, markers.c);
 *   - $...$ and $$...$$ math kept as TeX for KaTeX, inlined with its fonts
 *     (katex.c, from Debian's libjs-katex): typeset when the page opens, no
 *     file fetched; render.js writes into the page what did not render;
 *   - a table of contents of the writeup's headings (toc.c);
 *   - the student's answers.md, each answer under its question (answers.c);
 *   - the figures: PNG files of the lab's output folder runs/lab-NN/ (or named
 *     by the writeup's images) as base64 data URIs (html.c);
 *   - the experiment's results (results.csv / results.md found there) as
 *     tables (page.c);
 *   - the grade of the tree as it stands (lg_grade_lab in-process; it forks
 *     its own sandboxes), failures as a table (grade.c);
 *   - a warning, on log and in the page, when the figures are older than the
 *     lab's student files or lab.ini (or the experiment re-run first).
 * External links (http, https, ...) become plain text: the file holds no URL
 * that a browser would follow. Page layout, style and the page's script come
 * from reports/templates/ (report.html, report.css, render.js), inlined.
 */
#include "lg_weave.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The grader on the tree as it stands: its printed table, its results.json
 * (through a private temporary folder), its status. */
static int grade_tree(const lg_lab *lab, char **table, char **json, double *score, double *max_score, char *err,
                      size_t cap)
{
    size_t tl;
    FILE *g = open_memstream(table, &tl);
    LG_ASSERT(g, "open_memstream");
    char dir[PATH_MAX], json_path[PATH_MAX + 32];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/litgan-weave-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    bool have_dir = mkdtemp(dir) != NULL;
    snprintf(json_path, sizeof json_path, "%s/results.json", dir);
    fflush(NULL);
    lg_seterr(LG_OK, "%s", ""); /* so that a message after it is the grader's */
    int grc = lg_grade_lab(lab, NULL, have_dir ? json_path : NULL, g, score, max_score);
    fclose(g);
    snprintf(err, cap, "%s", strcmp(lg_errmsg(), "no error") ? lg_errmsg() : "no test ran (has the lab grading tests?)");
    *json = have_dir ? lg_read_file(json_path, NULL) : NULL;
    if (have_dir) {
        unlink(json_path);
        rmdir(dir);
    }
    if (grc == LG_EINVAL && *max_score == 0)
        grc = LG_EFORMAT; /* no test ran: an error of the grader, not a failed test */
    return grc;
}

/* "What the experiment wrote": the definition, results files, the figures
 * the writeup did not show. Returns how many figures the page holds. */
static size_t put_outputs(FILE *o, lg_weave_ctx *c, const lg_lab *lab, const char *lab_dir, const char *run_dir,
                          const lg_strvec *pngs, const lg_strvec *results, const char *run_note)
{
    const char *id = lg_weave_heading_add(c, 2, "What the experiment wrote", "What the experiment wrote");
    fprintf(o, "<section class=\"results\">\n<h2 id=\"%s\">What the experiment wrote</h2>\n"
               "<p>The outputs of <code>litgan lab %02d</code> in <code>", id, lab->number);
    lg_weave_put_escaped(o, run_dir, strlen(run_dir));
    fputs("</code>.</p>\n", o);
    char ini[PATH_MAX];
    snprintf(ini, sizeof ini, "%s/lab.ini", lab_dir);
    char *ini_text = lg_read_file(ini, NULL);
    if (ini_text) {
        /* the definition, folded: <details> needs no script */
        fprintf(o, "<details><summary>The experiment's definition, <code>labs/%s/lab.ini</code></summary>\n"
                   "<pre class=\"ini\"><code>", lab->dir);
        lg_weave_put_escaped(o, ini_text, strlen(ini_text));
        fputs("</code></pre></details>\n", o);
        free(ini_text);
    }
    if (run_note[0]) {
        fputs("<p class=\"missing\">", o);
        lg_weave_put_escaped(o, run_note, strlen(run_note));
        fputs("</p>\n", o);
    }
    for (size_t i = 0; i < results->n; i++) {
        const char *rel = results->w[i] + strlen(run_dir) + 1;
        char *t = lg_read_file(results->w[i], NULL);
        if (!t)
            continue;
        fprintf(o, "<h3>Results: <code>");
        lg_weave_put_escaped(o, rel, strlen(rel));
        fputs("</code></h3>\n", o);
        size_t l = strlen(results->w[i]);
        if (!strcmp(results->w[i] + l - 3, ".md")) {
            /* its figures and links are relative to its own folder */
            char base[PATH_MAX];
            snprintf(base, sizeof base, "%s", results->w[i]);
            *strrchr(base, '/') = '\0';
            const char *saved = c->lab_dir;
            c->lab_dir = base;
            char *h = NULL;
            if (lg_weave_render(c, t, &h) == LG_OK)
                fputs(h, o);
            c->lab_dir = saved;
            free(h);
        } else {
            lg_weave_put_csv(o, t);
        }
        free(t);
    }
    /* figures the writeup did not show already */
    size_t figures = 0;
    bool heading = false;
    for (size_t i = 0; i < pngs->n; i++) {
        char real[PATH_MAX];
        bool used = false;
        if (realpath(pngs->w[i], real))
            for (size_t j = 0; j < c->figures.n; j++)
                used |= !strcmp(c->figures.w[j], real);
        if (used) {
            figures++;
            continue;
        }
        char *uri = lg_weave_data_uri(pngs->w[i]);
        if (!uri)
            continue;
        if (!heading)
            fputs("<h3>Figures</h3>\n", o);
        heading = true;
        const char *rel = pngs->w[i] + strlen(run_dir) + 1;
        fprintf(o, "<figure class=\"figure\"><img src=\"%s\" alt=\"", uri);
        lg_weave_put_escaped(o, rel, strlen(rel));
        fputs("\"><figcaption><code>", o);
        lg_weave_put_escaped(o, rel, strlen(rel));
        fputs("</code></figcaption></figure>\n", o);
        figures++;
        free(uri);
    }
    fputs("</section>\n", o);
    return figures;
}

/* Weave lab into out_path (NULL: reports/NN-name/index.html under root; the
 * page templates are this litgan's, under lg_source_root()), with the
 * experiment's outputs from run_dir (NULL: runs/lab-NN under root), running
 * the experiment first as run says (course.h). */
int lg_weave_run(const lg_lab *lab, const char *root, const char *run_dir_in, const char *out_path, int run,
                 FILE *log)
{
    char lab_dir[PATH_MAX], readme[PATH_MAX], run_dir[PATH_MAX], out_file[PATH_MAX], out_dir[PATH_MAX];
    snprintf(lab_dir, sizeof lab_dir, "%s/labs/%s", root, lab->dir);
    snprintf(readme, sizeof readme, "%s/README.md", lab_dir);
    if (run_dir_in)
        snprintf(run_dir, sizeof run_dir, "%s", run_dir_in);
    else
        snprintf(run_dir, sizeof run_dir, "%s/runs/lab-%02d", root, lab->number);
    if (out_path)
        snprintf(out_file, sizeof out_file, "%s", out_path);
    else
        snprintf(out_file, sizeof out_file, "%s/reports/%s/index.html", root, lab->dir);
    char *md = lg_read_file(readme, NULL);
    if (!md)
        return lg_seterr(LG_EIO, "%s: cannot read the writeup (%s)", readme, strerror(errno));
    static const char *const tpl_names[] = { "report.html", "report.css", "render.js" };
    char *tpl[3] = { NULL, NULL, NULL };
    for (size_t i = 0; i < 3; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/reports/templates/%s", lg_source_root(), tpl_names[i]);
        if (!(tpl[i] = lg_read_file(path, NULL))) {
            free(md);
            for (size_t j = 0; j < i; j++)
                free(tpl[j]);
            return lg_seterr(LG_EIO, "%s: the report template is missing", path);
        }
    }
    /* KaTeX: without it the page still tells everything, its math as TeX */
    char *katex_css = NULL, *katex_js = NULL, katex_err[1024] = "";
    if (lg_weave_katex(&katex_css, &katex_js) != LG_OK)
        snprintf(katex_err, sizeof katex_err, "%s", lg_errmsg());
    /* the output folder, made now: links in the writeup are relative to it */
    snprintf(out_dir, sizeof out_dir, "%s", out_file);
    char *slash = strrchr(out_dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(out_dir, sizeof out_dir, ".");
    int rc = lg_mkdir_p(out_dir);
    char out_dir_real[PATH_MAX], root_real[PATH_MAX], lab_real[PATH_MAX];
    if (rc == LG_OK && (!realpath(out_dir, out_dir_real) || !realpath(root, root_real) ||
                        !realpath(lab_dir, lab_real)))
        rc = lg_seterr(LG_EIO, "%s: cannot resolve the folders (%s)", out_dir, strerror(errno));

    /* the experiment, when its figures are missing (or older than the code) */
    lg_strvec pngs = { 0 }, results = { 0 };
    lg_weave_find_outputs(run_dir, 0, &pngs, &results);
    char run_note[512] = "", stale[1024] = "";
    int erc = LG_OK; /* the experiment's status, when it ran */
    bool is_stale = pngs.n && lg_weave_stale(lab, root, &pngs, stale, sizeof stale);
    bool run_now = lab->experiment && ((pngs.n == 0 && run >= LG_WEAVE_RUN_MISSING) ||
                                       (is_stale && run >= LG_WEAVE_RUN_STALE));
    if (rc == LG_OK && run_now) {
        if (pngs.n == 0)
            fprintf(log, "litgan weave: no figures in %s yet: running the experiment of Lab %02d first\n", run_dir,
                    lab->number);
        else
            fprintf(log, "litgan weave: %s: running the experiment of Lab %02d again first\n", stale, lab->number);
        erc = lg_mkdir_p(run_dir);
        if (erc == LG_OK)
            erc = lg_lab_experiment(lab, run_dir, NULL);
        if (erc != LG_OK) {
            snprintf(run_note, sizeof run_note, "The experiment failed: %s", lg_errmsg());
            fprintf(log, "litgan weave: the experiment failed: %s\n", lg_errmsg());
        }
        lg_strvec_free(&pngs);
        lg_strvec_free(&results);
        lg_weave_find_outputs(run_dir, 0, &pngs, &results);
        is_stale = pngs.n && lg_weave_stale(lab, root, &pngs, stale, sizeof stale);
    } else if (rc == LG_OK && pngs.n == 0) {
        snprintf(run_note, sizeof run_note, "No figures yet: run the experiment (litgan lab %02d) and weave again.",
                 lab->number);
    }
    if (rc == LG_OK && is_stale)
        fprintf(log, "litgan weave: warning: %s\n", stale);

    /* the student's answers, then the writeup with them under the questions */
    lg_weave_ctx c = { .root = root_real, .lab_dir = lab_real, .run_dir = run_dir, .out_dir = out_dir_real, .err = log };
    lg_weave_answers answers = { 0 };
    /* labs/DIR/answers.md, as lg_lab_answers names it, under this root */
    snprintf(answers.file, sizeof answers.file, "labs/%s/answers.md", lab->dir);
    if (rc == LG_OK) {
        char path[PATH_MAX + 600];
        snprintf(path, sizeof path, "%s/%s", root, answers.file);
        char *text = lg_read_file(path, NULL);
        if (text) {
            answers.present = true;
            lg_weave_answers_load(&c, text, &answers);
            free(text);
        }
    }
    char *body = NULL;
    if (rc == LG_OK) {
        c.answers = &answers;
        c.toc = true;
        rc = lg_weave_render(&c, md, &body);
        c.answers = NULL;
        c.toc = false;
        if (rc == LG_OK && c.errors)
            rc = lg_seterr(LG_EFORMAT, "%zu error%s in %s (listed above)", c.errors, c.errors > 1 ? "s" : "", readme);
    }

    char *page = NULL;
    size_t page_len = 0, figures_used = 0;
    double score = 0, max_score = 0;
    int grc = LG_OK;
    if (rc == LG_OK) {
        char *gtxt = NULL, *gjson = NULL, grade_err[512];
        grc = grade_tree(lab, &gtxt, &gjson, &score, &max_score, grade_err, sizeof grade_err);

        char *main_html = NULL;
        size_t ml;
        FILE *o = open_memstream(&main_html, &ml);
        LG_ASSERT(o, "open_memstream");
        /* the title, the warnings, the contents, then the writeup */
        const char *h1 = strstr(body, "<h1"), *h1_end = h1 ? strstr(h1, "</h1>") : NULL;
        const char *rest = body;
        if (h1_end) {
            rest = h1_end + 5;
            fwrite(body, 1, (size_t)(rest - body), o);
            fputc('\n', o);
        } else {
            fprintf(o, "<h1>Lab %02d: ", lab->number);
            lg_weave_put_escaped(o, lab->title, strlen(lab->title));
            fputs("</h1>\n", o);
        }
        if (is_stale) {
            fputs("<p class=\"warning stale\"><strong>Warning:</strong> ", o);
            lg_weave_put_escaped(o, stale, strlen(stale));
            fputs(".</p>\n", o);
        }
        if (katex_err[0]) {
            fputs("<p class=\"warning katex\"><strong>The math below is shown as TeX:</strong> ", o);
            lg_weave_put_escaped(o, katex_err, strlen(katex_err));
            fputs("</p>\n", o);
        }
        char *sections = NULL;
        size_t sl;
        FILE *so = open_memstream(&sections, &sl);
        LG_ASSERT(so, "open_memstream");
        fputs(rest, so);
        figures_used = put_outputs(so, &c, lab, lab_dir, run_dir, &pngs, &results, run_note);
        const char *gid = lg_weave_heading_add(&c, 2, "Grade", "Grade");
        fprintf(so, "<section class=\"grade\">\n<h2 id=\"%s\">Grade</h2>\n", gid);
        lg_weave_put_grade(so, lab, gjson, gtxt, grc, score, max_score, grade_err);
        fputs("</section>\n", so);
        fclose(so);
        lg_weave_put_toc(o, &c);
        fputs(sections, o);
        free(sections);
        fclose(o);
        free(gtxt);
        free(gjson);

        char title[512], meta[1024], stamp[64];
        snprintf(title, sizeof title, "Lab %02d: %s", lab->number, lab->title);
        time_t now = time(NULL);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", localtime(&now));
        snprintf(meta, sizeof meta, "litgan &middot; Lab %02d &middot; woven %s from <code>labs/%s/README.md</code>",
                 lab->number, stamp, lab->dir);
        char *title_esc = NULL;
        size_t tl;
        FILE *to = open_memstream(&title_esc, &tl);
        lg_weave_put_escaped(to, title, strlen(title));
        fclose(to);
        const char *keys[] = { "title", "katex_css", "css", "meta", "body", "katex_js", "render_js" };
        const char *vals[] = { title_esc, katex_css ? katex_css : "", tpl[1], meta, main_html,
                               katex_js ? katex_js : "", tpl[2] };
        FILE *po = open_memstream(&page, &page_len);
        lg_weave_put_template(po, tpl[0], keys, vals, sizeof keys / sizeof keys[0]);
        fclose(po);
        free(title_esc);
        free(main_html);

        FILE *f = fopen(out_file, "w");
        if (!f) {
            rc = lg_seterr(LG_EIO, "%s: cannot write (%s)", out_file, strerror(errno));
        } else {
            size_t put = fwrite(page, 1, page_len, f);
            if (fclose(f) != 0 || put != page_len)
                rc = lg_seterr(LG_EIO, "%s: write failed", out_file);
        }
    }
    if (rc == LG_OK) {
        fprintf(log, "litgan weave: %s (%zu KiB): writeup, %zu figure%s, %zu results file%s, %s, grade %g / %g\n",
                out_file, (page_len + 1023) / 1024, figures_used, figures_used == 1 ? "" : "s", results.n,
                results.n == 1 ? "" : "s", answers.present ? "answers" : "no answers.md", score, max_score);
        if (grc != LG_OK && grc != LG_EINVAL)
            rc = grc;
        else if (erc != LG_OK)
            rc = lg_seterr(erc, "the report is written, but the experiment failed (see above)");
        else if (katex_err[0])
            rc = lg_seterr(LG_EIO, "the report is written, but its math is not typeset: %s", katex_err);
    }
    free(page);
    free(body);
    lg_weave_answers_free(&answers);
    lg_weave_ctx_free(&c);
    lg_strvec_free(&pngs);
    lg_strvec_free(&results);
    free(md);
    for (size_t i = 0; i < 3; i++)
        free(tpl[i]);
    free(katex_css);
    free(katex_js);
    return rc;
}
