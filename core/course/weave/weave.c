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
 *   - $...$ and $$...$$ math converted from simple TeX to Unicode and HTML
 *     (tex.c): no MathJax, no fonts fetched;
 *   - the figures: PNG files of the lab's output folder runs/lab-NN/ (or named
 *     by the writeup's images) as base64 data URIs (html.c);
 *   - the experiment's results (results.csv / results.md found there) as
 *     tables (page.c);
 *   - the grade table of the tree as it stands (lg_grade_lab in-process; it
 *     forks its own sandboxes).
 * External links (http, https, ...) become plain text: the file holds no URL
 * that a browser would follow. Page layout and CSS come from
 * reports/templates/report.html and report.css, inlined.
 */
#include "lg_weave.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Weave lab into out_path (NULL: reports/NN-name/index.html under root; the
 * page templates are this litgan's, under lg_source_root()), with
 * the experiment's outputs from run_dir (NULL: runs/lab-NN under root), running
 * the experiment first when run is set and no figure is there. */
int lg_weave_run(const lg_lab *lab, const char *root, const char *run_dir_in, const char *out_path, bool run,
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
    char tpl_path[PATH_MAX], css_path[PATH_MAX];
    snprintf(tpl_path, sizeof tpl_path, "%s/reports/templates/report.html", lg_source_root());
    snprintf(css_path, sizeof css_path, "%s/reports/templates/report.css", lg_source_root());
    char *tpl = lg_read_file(tpl_path, NULL), *css = lg_read_file(css_path, NULL);
    if (!tpl || !css) {
        free(md);
        free(tpl);
        free(css);
        return lg_seterr(LG_EIO, "%s: the report template is missing", !tpl ? tpl_path : css_path);
    }
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

    /* the experiment, when its figures are missing */
    lg_strvec pngs = { 0 }, results = { 0 };
    lg_weave_find_outputs(run_dir, 0, &pngs, &results);
    char run_note[512] = "";
    int erc = LG_OK; /* the experiment's status, when it ran */
    if (rc == LG_OK && pngs.n == 0) {
        if (run && lab->experiment) {
            fprintf(log, "litgan weave: no figures in %s yet: running the experiment of Lab %02d first\n", run_dir,
                    lab->number);
            erc = lg_mkdir_p(run_dir);
            if (erc == LG_OK)
                erc = lg_lab_experiment(lab, run_dir, NULL);
            if (erc != LG_OK) {
                snprintf(run_note, sizeof run_note, "The experiment failed: %s", lg_errmsg());
                fprintf(log, "litgan weave: the experiment failed: %s\n", lg_errmsg());
            }
            lg_weave_find_outputs(run_dir, 0, &pngs, &results);
        } else {
            snprintf(run_note, sizeof run_note, "No figures yet: run the experiment (litgan lab %02d) and weave again.",
                     lab->number);
        }
    }

    /* the writeup */
    char *body = NULL;
    size_t figures_used = 0;
    lg_weave_ctx c = { .root = root_real, .lab_dir = lab_real, .run_dir = run_dir, .out_dir = out_dir_real, .err = log };
    if (rc == LG_OK) {
        rc = lg_weave_render(&c, md, &body);
        if (rc == LG_OK && c.errors)
            rc = lg_seterr(LG_EFORMAT, "%zu error%s in %s (listed above)", c.errors, c.errors > 1 ? "s" : "", readme);
    }

    char *page = NULL;
    size_t page_len = 0;
    double score = 0, max_score = 0;
    int grc = LG_OK;
    if (rc == LG_OK) {
        /* the grade, in-process: lg_grade_lab forks its own sandboxes */
        char *gtxt = NULL;
        size_t gl;
        FILE *g = open_memstream(&gtxt, &gl);
        LG_ASSERT(g, "open_memstream");
        fflush(NULL);
        lg_seterr(LG_OK, "%s", ""); /* so that a message after it is the grader's */
        grc = lg_grade_lab(lab, NULL, NULL, g, &score, &max_score);
        fclose(g);
        char grade_err[512];
        snprintf(grade_err, sizeof grade_err, "%s",
                 strcmp(lg_errmsg(), "no error") ? lg_errmsg() : "no test ran (has the lab grading tests?)");

        char *main_html = NULL;
        size_t ml;
        FILE *o = open_memstream(&main_html, &ml);
        LG_ASSERT(o, "open_memstream");
        if (!strstr(body, "<h1"))
            fprintf(o, "<h1>Lab %02d: %s</h1>\n", lab->number, lab->title);
        fputs(body, o);

        fprintf(o, "<section class=\"results\">\n<h2>What the experiment wrote</h2>\n"
                   "<p>The outputs of <code>litgan lab %02d</code> in <code>", lab->number);
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
        for (size_t i = 0; i < results.n; i++) {
            const char *rel = results.w[i] + strlen(run_dir) + 1;
            char *t = lg_read_file(results.w[i], NULL);
            if (!t)
                continue;
            fprintf(o, "<h3>Results: <code>");
            lg_weave_put_escaped(o, rel, strlen(rel));
            fputs("</code></h3>\n", o);
            size_t l = strlen(results.w[i]);
            if (!strcmp(results.w[i] + l - 3, ".md")) {
                /* its figures and links are relative to its own folder */
                char base[PATH_MAX];
                snprintf(base, sizeof base, "%s", results.w[i]);
                *strrchr(base, '/') = '\0';
                const char *saved = c.lab_dir;
                c.lab_dir = base;
                char *h = NULL;
                if (lg_weave_render(&c, t, &h) == LG_OK)
                    fputs(h, o);
                c.lab_dir = saved;
                free(h);
            } else {
                lg_weave_put_csv(o, t);
            }
            free(t);
        }
        /* figures the writeup did not show already */
        bool heading = false;
        for (size_t i = 0; i < pngs.n; i++) {
            char real[PATH_MAX];
            bool used = false;
            if (realpath(pngs.w[i], real))
                for (size_t j = 0; j < c.figures.n; j++)
                    used |= !strcmp(c.figures.w[j], real);
            if (used) {
                figures_used++;
                continue;
            }
            char *uri = lg_weave_data_uri(pngs.w[i]);
            if (!uri)
                continue;
            if (!heading)
                fputs("<h3>Figures</h3>\n", o);
            heading = true;
            const char *rel = pngs.w[i] + strlen(run_dir) + 1;
            fprintf(o, "<figure class=\"figure\"><img src=\"%s\" alt=\"", uri);
            lg_weave_put_escaped(o, rel, strlen(rel));
            fputs("\"><figcaption><code>", o);
            lg_weave_put_escaped(o, rel, strlen(rel));
            fputs("</code></figcaption></figure>\n", o);
            figures_used++;
            free(uri);
        }
        fputs("</section>\n", o);

        fputs("<section class=\"grade\">\n<h2>Grade</h2>\n", o);
        if (grc == LG_EINVAL && max_score == 0)
            grc = LG_EFORMAT; /* no test ran: an error of the grader, not a failed test */
        if (grc == LG_OK || grc == LG_EINVAL) {
            fprintf(o, "<p class=\"score %s\">Score: <strong>%g / %g</strong>%s</p>\n",
                    grc == LG_OK ? "pass" : "fail", score, max_score,
                    grc == LG_OK ? " &mdash; every test passed" : "");
            /* the grader's table as it prints it, a line at a time: failures
             * in the failure colour, task and total lines in bold */
            fputs("<pre class=\"grade-table\">", o);
            for (char *line = gtxt ? gtxt : ""; *line;) {
                char *nl = strchr(line, '\n');
                if (nl)
                    *nl = '\0';
                const char *t = line + strspn(line, " \t");
                const char *cls = !strncmp(t, "FAIL", 4) ? "g-fail"
                                  : !strncmp(t, "Task ", 5) || !strncmp(t, "Total", 5) ? "g-head" : NULL;
                if (cls)
                    fprintf(o, "<span class=\"%s\">", cls);
                lg_weave_put_plain(o, line);
                fputs(cls ? "</span>\n" : "\n", o);
                if (!nl)
                    break;
                line = nl + 1;
            }
            fputs("</pre>\n", o);
        } else {
            fputs("<p class=\"missing\">The grader could not run: ", o);
            lg_weave_put_escaped(o, grade_err, strlen(grade_err));
            fputs("</p>\n", o);
        }
        fputs("</section>\n", o);
        fclose(o);
        free(gtxt);

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
        const char *keys[] = { "title", "css", "meta", "body" };
        const char *vals[] = { title_esc, css, meta, main_html };
        FILE *po = open_memstream(&page, &page_len);
        lg_weave_put_template(po, tpl, keys, vals, 4);
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
        fprintf(log, "litgan weave: %s (%zu KiB): writeup, %zu figure%s, %zu results file%s, grade %g / %g\n",
                out_file, (page_len + 1023) / 1024, figures_used, figures_used == 1 ? "" : "s", results.n,
                results.n == 1 ? "" : "s", score, max_score);
        if (grc != LG_OK && grc != LG_EINVAL)
            rc = grc;
        else if (erc != LG_OK)
            rc = lg_seterr(erc, "the report is written, but the experiment failed (see above)");
    }
    free(page);
    free(body);
    lg_weave_ctx_free(&c);
    lg_strvec_free(&pngs);
    lg_strvec_free(&results);
    free(md);
    free(tpl);
    free(css);
    return rc;
}
