/*
 * jobs.c - grade-all (lg_grade_all, `litgan grade-all`): every folder of DIR graded as a submission,
 * N at a time, each in a forked copy of this process (the proc helper) that
 * writes OUT/NAME.json and OUT/NAME.txt and sends its numbers back; then
 * OUT/grades.csv (one row per submission), written atomically. As many jobs
 * run side by side as asked for: no fixed table of them.
 *
 * A submission's name is the student's choice: it goes through the sanitiser
 * in the progress lines and through the CSV cell writer (text.c) in
 * grades.csv, where only litgan's own numbers are written as they are.
 */
#include "grade_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct sub_job {
    char name[256];
    char shown[800];          /* the name, sanitised, for the progress lines */
    const lg_lab *lab;
    const char *dir, *out;
    lg_proc *proc;
    bool graded;
    lg_grade_outcome o;
} sub_job;

/* In the forked copy: the same as `litgan grade NN --submission DIR/NAME
 * --json OUT/NAME.json`, with the table in OUT/NAME.txt and the numbers sent
 * back. */
static int job_main(void *ctx, int chan)
{
    const sub_job *j = ctx;
    char subdir[4400], json[4400], txt[4400];
    snprintf(subdir, sizeof subdir, "%s/%s", j->dir, j->name);
    snprintf(json, sizeof json, "%s/%s.json", j->out, j->name);
    snprintf(txt, sizeof txt, "%s/%s.txt", j->out, j->name);
    lg_grade_outcome o;
    FILE *f = fopen(txt, "w");
    if (!f) {
        lg_outcome_init(&o, j->lab->n_tasks);
        lg_outcome_error(&o, LG_EIO, "cannot write the table file");
    } else {
        lg_grade_collect(j->lab, subdir, json, f, &o);
        fclose(f);
    }
    lg_outcome_send(chan, &o, NULL, 0);
    return 0;
}

static int start_job(sub_job *j)
{
    lg_proc_spec spec = { .fn = job_main, .ctx = j,
                          .chan_cap = lg_outcome_wire_size(j->lab->n_tasks, 0) };
    return lg_proc_start(&spec, &j->proc);
}

/* The job has ended: its numbers, or why it could not be graded. */
static void end_job(sub_job *j)
{
    lg_proc_result r;
    lg_proc_end(j->proc, &r);
    j->proc = NULL;
    lg_outcome_init(&j->o, j->lab->n_tasks);
    j->graded = !r.chan_over &&
                lg_outcome_parse(r.chan, r.n_chan, j->lab->n_tasks, &j->o, NULL, NULL) &&
                (j->o.rc == LG_OK || j->o.rc == LG_EINVAL);
    if (!j->graded && !j->o.err[0])
        snprintf(j->o.err, sizeof j->o.err, "the grading process died");
    lg_proc_result_free(&r);
}

static int write_csv(const char *path, const lg_lab *lab, const sub_job *subs, size_t n)
{
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
    if (rc != LG_OK)
        return rc;
    FILE *f = a.f;
    fputs("submission,score,max_score", f);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        char col[64];
        snprintf(col, sizeof col, "Task %s", lab->tasks[k].number);
        fputc(',', f);
        lg_csv_cell(f, col);
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        lg_csv_cell(f, subs[i].name); /* the numbers are litgan's: never negative, never text */
        if (subs[i].graded) {
            fprintf(f, ",%.10g,%.10g", subs[i].o.score, subs[i].o.max);
            for (size_t k = 0; k < lab->n_tasks; k++)
                fprintf(f, ",%.10g", subs[i].o.task_score[k]);
        } else {
            fputs(",,", f);
            for (size_t k = 0; k < lab->n_tasks; k++)
                fputc(',', f);
        }
        fputc('\n', f);
    }
    return lg_atomic_commit(&a);
}

int lg_grade_all(const lg_lab *lab, const char *dir, const lg_grade_all_opts *opts)
{
    FILE *log = opts && opts->log ? opts->log : stderr;
    long jobs = opts && opts->jobs > 0 ? opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    char out_default[300];
    const char *out = opts ? opts->out : NULL;
    if (!out) {
        snprintf(out_default, sizeof out_default, "grades-%s", lab->dir);
        out = out_default;
    }
    lg_strvec names = { 0 };
    int rc = lg_dir_list(dir, &names); /* "cannot open DIR: ..." */
    if (rc != LG_OK) {
        lg_strvec_free(&names);
        return rc;
    }
    sub_job *subs = NULL;
    size_t n = 0;
    for (size_t i = 0; i < names.n; i++) { /* sorted by name */
        const char *name = names.w[i];
        if (name[0] == '.')
            continue;
        char path[4400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (strlen(name) >= sizeof subs->name) {
            char *shown = lg_text_sanitize(path, LG_TEXT_MAX, 0);
            fprintf(log, "litgan grade-all: skipping %s: a name of more than %zu bytes\n",
                    shown, sizeof subs->name - 1);
            free(shown);
            continue;
        }
        subs = lg_xrealloc(subs, (n + 1) * sizeof *subs);
        memset(&subs[n], 0, sizeof subs[n]);
        snprintf(subs[n].name, sizeof subs[n].name, "%s", name);
        lg_text_clean(subs[n].shown, sizeof subs[n].shown, name, strlen(name), 0);
        subs[n].lab = lab;
        subs[n].dir = dir;
        subs[n].out = out;
        n++;
    }
    lg_strvec_free(&names);
    if (n == 0) {
        free(subs);
        return lg_seterr(LG_EFORMAT, "no submission folders in %s", dir);
    }
    rc = lg_mkdir_p(out);
    if (rc != LG_OK) {
        free(subs);
        return rc;
    }

    bool tty = isatty(fileno(log));
    size_t slots = jobs < 1 ? 1 : (size_t)jobs;
    lg_proc **running = lg_xcalloc(slots, sizeof *running);
    sub_job **owner = lg_xcalloc(slots, sizeof *owner);
    size_t next = 0, finished = 0, failed_to_grade = 0;
    double t0 = lg_now();
    while (finished < n) {
        for (size_t s = 0; s < slots && next < n; s++) {
            if (running[s])
                continue;
            sub_job *j = &subs[next++];
            if (start_job(j) != LG_OK) {
                lg_outcome_init(&j->o, lab->n_tasks);
                lg_outcome_error(&j->o, LG_EIO, lg_errmsg());
                char *err = lg_text_sanitize(j->o.err, LG_TEXT_MAX, 0);
                fprintf(log, "%sgrade-all: [%zu/%zu] %s: not graded: %s\n", tty ? "\r\033[K" : "",
                        ++finished, n, j->shown, err);
                free(err);
                failed_to_grade++;
                continue;
            }
            running[s] = j->proc;
            owner[s] = j;
        }
        if (lg_proc_wait(running, slots, 1000) == 0)
            continue;
        for (size_t s = 0; s < slots; s++) {
            if (!running[s] || !lg_proc_ended(running[s]))
                continue;
            sub_job *j = owner[s];
            running[s] = NULL;
            owner[s] = NULL;
            end_job(j);
            finished++;
            char a[32], b[32];
            if (tty)
                fprintf(log, "\r\033[K");
            if (j->graded) {
                fprintf(log, "grade-all: [%zu/%zu] %s: %s / %s%s", finished, n, j->shown,
                        lg_grade_pts(a, sizeof a, j->o.score), lg_grade_pts(b, sizeof b, j->o.max),
                        tty ? "" : "\n");
            } else {
                failed_to_grade++;
                char *err = lg_text_sanitize(j->o.err, LG_TEXT_MAX, 0);
                fprintf(log, "grade-all: [%zu/%zu] %s: not graded: %s\n", finished, n, j->shown, err);
                free(err);
            }
        }
    }
    if (tty)
        fputc('\n', log);
    free(running);
    free(owner);

    char csv[4400];
    snprintf(csv, sizeof csv, "%s/grades.csv", out);
    rc = write_csv(csv, lab, subs, n); /* its message stays in lg_errmsg() */
    fprintf(log, "grade-all: %zu submission%s of lab %02d in %.1f s; %s, one .json and .txt "
                    "per submission in %s%s\n", n, n == 1 ? "" : "s", lab->number,
            lg_now() - t0, csv, out,
            failed_to_grade ? " (some could not be graded: see above)" : "");
    for (size_t i = 0; i < n; i++)
        lg_outcome_free(&subs[i].o);
    free(subs);
    if (rc == LG_OK && failed_to_grade)
        rc = lg_seterr(LG_EINVAL, "%zu of %zu submission%s could not be graded (see above)", failed_to_grade, n,
                       n == 1 ? "" : "s");
    return rc;
}
