/*
 * jobs.c - grade-all (lg_grade_all, `litgan grade-all`): every folder of DIR graded as a submission,
 * N at a time, each in a forked copy of this process (the proc helper) that
 * writes OUT/NAME.json and OUT/NAME.txt and sends its numbers back; then
 * OUT/grades.csv (one row per submission), written atomically. As many jobs
 * run side by side as asked for: no fixed table of them.
 *
 * The grade files are the instructor's: OUT is made 0700, every file in it
 * 0600 (lg_grade_file_open), grades.csv is written under an exclusive lock on
 * OUT (two runs never lose each other's rows). A submission's name is the
 * student's choice: it goes through the sanitiser in the progress lines and
 * through the CSV cell writer (text.c) in grades.csv. Each row ends with the
 * grader's records (records.c). With --only NAME one folder is graded and
 * only its row is replaced: the other rows are kept byte for byte, found by
 * splitting the old file into records (RFC 4180: a newline inside quotes
 * belongs to its cell) and comparing their first cells.
 *
 * The written answers: the rubric (DIR/rubric.csv, or the one named; see
 * rubric.c) is read and checked once, before anything is graded; each job
 * grades the tests alone, and this process adds the written questions to its
 * NAME.txt and NAME.json when it ends, and their points to grades.csv (a
 * column per question, empty when not graded yet, and how many are not).
 */
#include "rubric.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct sub_job {
    char name[256];
    char shown[800];          /* the name, sanitised, for the progress lines */
    const lg_lab *lab;
    const char *dir, *out;
    lg_proc *proc;
    bool graded;
    lg_grade_outcome o;
    const lg_rubric *rubric;  /* NULL: none (the questions are not graded yet) */
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
    lg_atomic a;
    if (lg_grade_file_open(&a, txt) != LG_OK) {
        lg_outcome_init(&o, j->lab->n_tasks);
        lg_outcome_error(&o, LG_EIO, "cannot write the table file");
    } else {
        int rc = lg_grade_collect(j->lab, subdir, json, a.f, &o);
        if (lg_atomic_commit(&a) != LG_OK && (rc == LG_OK || rc == LG_EINVAL))
            lg_outcome_error(&o, LG_EIO, lg_errmsg());
    }
    lg_outcome_send(chan, &o, NULL, 0);
    return 0;
}

/* A fresh `PROGRAM grade NN --submission DIR/NAME --json OUT/NAME.json --tests-only`:
 * nothing of this process (other students' names and scores) is in it. */
static int start_fresh_job(sub_job *j, const char *program)
{
    char subdir[4400], json[4400];
    snprintf(subdir, sizeof subdir, "%s/%s", j->dir, j->name);
    snprintf(json, sizeof json, "%s/%s.json", j->out, j->name);
    unlink(json); /* a stale one must not be read as this run's */
    /* the tests alone: the written answers are this process's (add_written) */
    char *argv[] = { (char *)program, "grade", (char *)j->lab->dir, "--submission", subdir, "--json", json,
                     "--tests-only", NULL };
    lg_proc_spec spec = { .argv = argv, .what = "a grading job", .capture = LG_PROC_OUT,
                          .out_cap = (size_t)4 << 20, .discard = LG_PROC_ERR };
    return lg_proc_start(&spec, &j->proc);
}

static int start_job(sub_job *j, const char *program)
{
    if (program)
        return start_fresh_job(j, program);
    lg_proc_spec spec = { .fn = job_main, .ctx = j,
                          .chan_cap = lg_outcome_wire_size(j->lab->n_tasks, 0) };
    return lg_proc_start(&spec, &j->proc);
}

/* A fresh job has ended: its table (stdout) into OUT/NAME.txt, its numbers
 * from OUT/NAME.json (the tests' scores, "number" TASK.K), its exit status
 * the verdict (0 passed, 1 a test failed, else it could not be graded). */
static void end_fresh_job(sub_job *j)
{
    lg_proc_result r;
    lg_proc_end(j->proc, &r);
    j->proc = NULL;
    lg_grade_outcome *o = &j->o;
    lg_outcome_init(o, j->lab->n_tasks);
    int code = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.txt", j->out, j->name);
    lg_atomic a;
    if (lg_grade_file_open(&a, path) == LG_OK) {
        fwrite(r.out, 1, r.n_out, a.f);
        if (lg_atomic_commit(&a) != LG_OK)
            lg_outcome_error(o, LG_EIO, lg_errmsg());
    }
    snprintf(path, sizeof path, "%s/%s.json", j->out, j->name);
    json_error_t err;
    json_t *doc = code == 0 || code == 1 ? json_load_file(path, 0, &err) : NULL;
    json_t *tests = json_object_get(doc, "tests");
    j->graded = doc && json_is_array(tests);
    if (j->graded) {
        o->rc = code == 0 ? LG_OK : LG_EINVAL;
        o->score = json_number_value(json_object_get(doc, "score"));
        o->max = json_number_value(json_object_get(doc, "max_score"));
        size_t i;
        json_t *t;
        json_array_foreach(tests, i, t) {
            const char *number = json_string_value(json_object_get(t, "number"));
            const char *dot = number ? strrchr(number, '.') : NULL;
            for (size_t k = 0; dot && k < j->lab->n_tasks; k++)
                if (strlen(j->lab->tasks[k].number) == (size_t)(dot - number) &&
                    !strncmp(number, j->lab->tasks[k].number, (size_t)(dot - number))) {
                    o->task_score[k] += json_number_value(json_object_get(t, "score"));
                    o->task_max[k] += json_number_value(json_object_get(t, "max_score"));
                }
        }
    } else if (!o->err[0]) {
        snprintf(o->err, sizeof o->err, "the grading job %s (exit status %d)",
                 code == 127 ? "could not be started" : "failed", code);
    }
    json_decref(doc);
    lg_proc_result_free(&r);
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

/* A graded job's written answers: under its table in OUT/NAME.txt, as tests
 * in OUT/NAME.json, and in its score (the tests' so far). */
static void add_written(sub_job *j)
{
    const lg_lab *lab = j->lab;
    if (!j->graded || !lab->n_questions)
        return;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.txt", j->out, j->name);
    size_t n = 0;
    char *old = lg_read_file(path, &n);
    lg_atomic a;
    int rc = LG_OK;
    if (old && (rc = lg_grade_file_open(&a, path)) == LG_OK) {
        fwrite(old, 1, n, a.f);
        lg_rubric_table(a.f, lab, j->rubric, j->name, j->o.score, j->o.max);
        rc = lg_atomic_commit(&a);
    }
    free(old);
    snprintf(path, sizeof path, "%s/%s.json", j->out, j->name);
    if (rc == LG_OK)
        rc = lg_rubric_merge_json(path, lab, j->rubric, j->name);
    if (rc != LG_OK) {
        j->graded = false;
        lg_outcome_error(&j->o, rc, lg_errmsg());
        return;
    }
    lg_rubric_sum s = lg_rubric_total(lab, j->rubric, j->name);
    j->o.score += s.given;
    j->o.max += s.graded_max;
}

/* ------------------------------------------------------------ grades.csv --- */

/* The header line, newline included. Caller frees. */
static char *csv_header(const lg_lab *lab)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    LG_ASSERT(f, "open_memstream");
    fputs("submission,score,max_score", f);
    for (size_t k = 0; k < lab->n_tasks; k++) {
        char col[64];
        snprintf(col, sizeof col, "Task %s", lab->tasks[k].number);
        fputc(',', f);
        lg_csv_cell(f, col);
    }
    for (size_t k = 0; k < lab->n_questions; k++) {
        char col[64];
        snprintf(col, sizeof col, "Question %s", lab->questions[k].number);
        fputc(',', f);
        lg_csv_cell(f, col);
    }
    if (lab->n_questions)
        fputs(",questions_not_graded", f);
    fputs(",litgan_version,tests_crc32,compiler,blas\n", f);
    fclose(f);
    return text;
}

/* One submission's row, newline included: its name (a cell of text), the
 * numbers litgan wrote (never negative, never text), the records. */
static char *csv_row(const lg_lab *lab, const sub_job *j, const lg_grade_records *rec)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    LG_ASSERT(f, "open_memstream");
    lg_csv_cell(f, j->name);
    if (j->graded) {
        fprintf(f, ",%.10g,%.10g", j->o.score, j->o.max);
        for (size_t k = 0; k < lab->n_tasks; k++)
            fprintf(f, ",%.10g", j->o.task_score[k]);
    } else {
        fputs(",,", f);
        for (size_t k = 0; k < lab->n_tasks; k++)
            fputc(',', f);
    }
    /* the rubric's points whether or not the tests ran: empty, not graded yet */
    for (size_t k = 0; k < lab->n_questions; k++) {
        const lg_rubric_row *row = lg_rubric_find(j->rubric, j->name, k);
        if (row)
            fprintf(f, ",%.10g", row->points);
        else
            fputc(',', f);
    }
    if (lab->n_questions)
        fprintf(f, ",%zu", lg_rubric_total(lab, j->rubric, j->name).open);
    const char *cells[] = { rec->version, rec->tests_crc32, rec->compiler, rec->blas };
    for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
        fputc(',', f);
        lg_csv_cell(f, cells[k]);
    }
    fputc('\n', f);
    fclose(f);
    return text;
}

/* The records of a CSV text, each with its newline (the last one may lack
 * it): a newline inside a quoted cell belongs to the cell. */
static void csv_split(const char *text, lg_strvec *out)
{
    const char *start = text;
    bool quoted = false;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted; /* "" inside a quoted cell toggles twice */
        else if (*p == '\n' && !quoted) {
            char *rec = lg_xmalloc((size_t)(p - start) + 2);
            memcpy(rec, start, (size_t)(p - start) + 1);
            rec[p - start + 1] = '\0';
            lg_strvec_push(out, rec);
            free(rec);
            start = p + 1;
        }
    }
    if (*start)
        lg_strvec_push(out, start);
}

/* Bytes of a record's first cell as written (quotes included). */
static size_t first_cell(const char *rec)
{
    bool quoted = false;
    size_t i = 0;
    for (; rec[i]; i++) {
        if (rec[i] == '"')
            quoted = !quoted;
        else if (!quoted && (rec[i] == ',' || rec[i] == '\n' || rec[i] == '\r'))
            break;
    }
    return i;
}

static bool same_first_cell(const char *a, const char *b)
{
    size_t la = first_cell(a), lb = first_cell(b);
    return la == lb && !memcmp(a, b, la);
}

/* The old grades.csv at path: LG_OK with its records in recs (none when there
 * is no such file), LG_EFORMAT when its header is not header. */
static int csv_read(const char *path, const char *header, lg_strvec *recs)
{
    size_t len = 0;
    char *text = lg_read_file(path, &len);
    if (!text)
        return errno == ENOENT ? LG_OK : lg_seterr(LG_EIO, "cannot read %s: %s", path, strerror(errno));
    csv_split(text, recs);
    free(text);
    if (recs->n == 0)
        return LG_OK;
    if (strcmp(recs->w[0], header) != 0)
        return lg_seterr(LG_EFORMAT, "%s has other columns than this grader writes (another lab, "
                         "or another version of litgan): grade every submission again, without --only", path);
    return LG_OK;
}

/* Write grades.csv under an exclusive lock on its folder: every row (only:
 * NULL), or the old rows with only's row replaced (or added, in name order). */
static int write_csv(const char *out, const lg_lab *lab, const sub_job *subs, size_t n,
                     const char *only)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/grades.csv", out);
    int lock = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock >= 0)
        while (flock(lock, LOCK_EX) != 0 && errno == EINTR)
            ;
    lg_grade_records rec;
    lg_grade_records_of_lab(lab, &rec);
    char *header = csv_header(lab);
    lg_strvec rows = { 0 };
    int rc = LG_OK;
    if (only) {
        rc = csv_read(path, header, &rows);
        char *mine = csv_row(lab, &subs[0], &rec);
        if (rows.n == 0)
            lg_strvec_push(&rows, header);
        size_t at = rows.n;
        bool replaced = false;
        for (size_t i = 1; i < rows.n && !replaced; i++)
            if (same_first_cell(rows.w[i], mine)) {
                free(rows.w[i]);
                rows.w[i] = lg_xstrdup(mine);
                replaced = true;
            } else if (at == rows.n && strcmp(rows.w[i], mine) > 0) {
                at = i;
            }
        if (!replaced) { /* a new row, before the first that sorts after it */
            lg_strvec merged = { 0 };
            for (size_t i = 0; i <= rows.n; i++) {
                if (i == at)
                    lg_strvec_push(&merged, mine);
                if (i < rows.n)
                    lg_strvec_push(&merged, rows.w[i]);
            }
            lg_strvec_free(&rows);
            rows = merged;
        }
        free(mine);
    } else {
        lg_strvec_push(&rows, header);
        for (size_t i = 0; i < n; i++) {
            char *row = csv_row(lab, &subs[i], &rec);
            lg_strvec_push(&rows, row);
            free(row);
        }
    }
    lg_atomic a;
    if (rc == LG_OK && (rc = lg_grade_file_open(&a, path)) == LG_OK) {
        for (size_t i = 0; i < rows.n; i++) {
            size_t len = strlen(rows.w[i]);
            fputs(rows.w[i], a.f);
            if (len && rows.w[i][len - 1] != '\n')
                fputc('\n', a.f); /* an old last line without its newline */
        }
        rc = lg_atomic_commit(&a);
    }
    free(header);
    lg_strvec_free(&rows);
    if (lock >= 0)
        close(lock); /* and with it the lock */
    return rc;
}

/* OUT made 0700 when it does not exist (an existing folder keeps its mode). */
static int make_out_dir(const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0)
        return S_ISDIR(st.st_mode) ? LG_OK
                                   : lg_seterr(LG_EIO, "cannot write into %s: not a folder", out);
    char *parent = lg_xstrdup(out);
    char *slash = strrchr(parent, '/');
    int rc = LG_OK;
    if (slash && slash != parent) {
        *slash = '\0';
        rc = lg_mkdir_p(parent);
    }
    free(parent);
    if (rc == LG_OK && mkdir(out, 0700) != 0 && errno != EEXIST)
        rc = lg_seterr(LG_EIO, "cannot make %s: %s", out, strerror(errno));
    return rc;
}

static void add_sub(sub_job **subs, size_t *n, const char *name, const lg_lab *lab, const char *dir,
                    const char *out)
{
    *subs = lg_xrealloc(*subs, (*n + 1) * sizeof **subs);
    sub_job *j = &(*subs)[*n];
    memset(j, 0, sizeof *j);
    snprintf(j->name, sizeof j->name, "%s", name);
    lg_text_clean(j->shown, sizeof j->shown, name, strlen(name), 0);
    j->lab = lab;
    j->dir = dir;
    j->out = out;
    (*n)++;
}

/* The submissions: every folder of dir (sorted by name), or only the one. */
static int list_subs(const lg_lab *lab, const char *dir, const char *out, const char *only, FILE *log,
                     sub_job **subs, size_t *n)
{
    char path[4400];
    struct stat st;
    if (only) {
        char *shown = lg_text_sanitize(only, 300, 0);
        snprintf(path, sizeof path, "%s/%s", dir, only);
        int rc = LG_OK;
        if (!*only || strchr(only, '/') || only[0] == '.' || strlen(only) >= sizeof (*subs)->name)
            rc = lg_seterr(LG_EFORMAT, "--only takes the name of a submission folder in %s, not '%s'",
                           dir, shown);
        else if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = lg_seterr(LG_EFORMAT, "no submission folder '%s' in %s", shown, dir);
        free(shown);
        if (rc == LG_OK)
            add_sub(subs, n, only, lab, dir, out);
        return rc;
    }
    lg_strvec names = { 0 };
    int rc = lg_dir_list(dir, &names); /* "cannot open DIR: ..." */
    for (size_t i = 0; rc == LG_OK && i < names.n; i++) {
        const char *name = names.w[i];
        if (name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (strlen(name) >= sizeof (*subs)->name) {
            char *shown = lg_text_sanitize(path, LG_TEXT_MAX, 0);
            fprintf(log, "litgan grade-all: skipping %s: a name of more than %zu bytes\n", shown,
                    sizeof (*subs)->name - 1);
            free(shown);
            continue;
        }
        add_sub(subs, n, name, lab, dir, out);
    }
    lg_strvec_free(&names);
    if (rc == LG_OK && *n == 0)
        rc = lg_seterr(LG_EFORMAT, "no submission folders in %s", dir);
    return rc;
}

int lg_grade_all(const lg_lab *lab, const char *dir, const lg_grade_all_opts *opts)
{
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* its memory holds the class's scores: see run.c */
    FILE *log = opts && opts->log ? opts->log : stderr;
    long jobs = opts && opts->jobs > 0 ? opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    const char *only = opts ? opts->only : NULL;
    const char *program = opts ? opts->program : NULL;
    char out_default[300];
    const char *out = opts ? opts->out : NULL;
    if (!out) {
        snprintf(out_default, sizeof out_default, "grades-%s", lab->dir);
        out = out_default;
    }
    sub_job *subs = NULL;
    size_t n = 0;
    int rc = list_subs(lab, dir, out, only, log, &subs, &n);
    char csv[4400];
    snprintf(csv, sizeof csv, "%s/grades.csv", out);
    if (rc == LG_OK && only) { /* a grades.csv of other columns: refused before grading */
        char *header = csv_header(lab);
        lg_strvec old = { 0 };
        rc = csv_read(csv, header, &old);
        lg_strvec_free(&old);
        free(header);
    }
    /* the rubric, checked against every folder of dir (also with --only) */
    char rubric_default[4400];
    snprintf(rubric_default, sizeof rubric_default, "%s/rubric.csv", dir);
    const char *rubric_path = opts && opts->rubric ? opts->rubric
                            : access(rubric_default, F_OK) == 0 ? rubric_default : NULL;
    lg_rubric rubric = { 0 };
    bool have_rubric = false;
    if (rc == LG_OK && rubric_path) {
        lg_strvec known = { 0 };
        rc = lg_rubric_known(dir, &known);
        if (rc == LG_OK)
            rc = lg_rubric_read(rubric_path, lab, &known, &rubric);
        have_rubric = rc == LG_OK;
        lg_strvec_free(&known);
    }
    for (size_t i = 0; i < n; i++)
        subs[i].rubric = have_rubric ? &rubric : NULL;
    if (rc == LG_OK)
        rc = make_out_dir(out);
    if (rc != LG_OK) {
        free(subs);
        lg_rubric_free(&rubric);
        return rc;
    }
    /* once here, not in every job: stale build folders, the grader's records */
    lg_scratch_clean_stale(LG_BUILD_PREFIX);
    lg_grade_records_warm();

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
            if (start_job(j, program) != LG_OK) {
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
            if (program)
                end_fresh_job(j);
            else
                end_job(j);
            add_written(j);
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

    rc = write_csv(out, lab, subs, n, only ? subs[0].name : NULL); /* its message stays in lg_errmsg() */
    if (only)
        fprintf(log, "grade-all: %s of lab %02d regraded in %.1f s; its row of %s replaced, "
                     "%s/%s.json and .txt rewritten, the others left as they were\n",
                subs[0].shown, lab->number, lg_now() - t0, csv, out, subs[0].shown);
    else
        fprintf(log, "grade-all: %zu submission%s of lab %02d in %.1f s; %s, one .json and .txt "
                     "per submission in %s%s\n", n, n == 1 ? "" : "s", lab->number,
                lg_now() - t0, csv, out,
                failed_to_grade ? " (some could not be graded: see above)" : "");
    for (size_t i = 0; i < n; i++)
        lg_outcome_free(&subs[i].o);
    free(subs);
    lg_rubric_free(&rubric);
    if (rc == LG_OK && failed_to_grade)
        rc = lg_seterr(LG_EINVAL, "%zu of %zu submission%s could not be graded (see above)", failed_to_grade, n,
                       n == 1 ? "" : "s");
    return rc;
}
