/*
 * run.c - grading mutants as submissions, N at a time.
 *
 * Each mutant becomes a submission folder in a private scratch folder
 * (scratch.c: removed on SIGINT/SIGTERM/SIGHUP too): the lab's reference
 * files by basename, the one file mutated. A forked copy of this process
 * (the proc helper, as grade-all's jobs) checks that the mutated file
 * compiles (a stillborn mutant does not), then grades it with
 * lg_grade_collect, the grader of `litgan grade`: the student code runs in
 * the sandboxed runner, a crash or a hang fails the test that ran it. The
 * copy sends back one small record: the fate and the points.
 *
 * Mutants that hang would each take the grader's whole budget (10 s a
 * computation, 60 s a submission); unless LITGAN_GRADE_LIMITS is set, the
 * jobs grade under tighter limits (MUTANT_LIMITS): the reference grades in
 * well under a second, and a mutant that times out counts as killed anyway.
 */
#include "lg_mutate.h"
#include "grade/grade_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MUTANT_LIMITS "cpu=5,wall=5,total=20"
#define JOB_SECONDS 300.0     /* a job that takes longer is stopped: its mutant counts as killed */
#define SCRATCH_PREFIX "litgan-mutate"

typedef struct job_record {
    int fate;
    double score, max;
    char why[256];
} job_record;

typedef struct job_ctx {
    const lg_lab *lab;
    const lg_mutant *m;
    char dir[4400];
} job_ctx;

/* `pkg-config --cflags gsl` split into words, asked once (before the jobs fork). */
static char gsl_words[8][256];
static size_t n_gsl_words;

static void gsl_flags(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    char *argv[] = { "pkg-config", "--cflags", "gsl", NULL };
    lg_proc_spec spec = { .argv = argv, .capture = LG_PROC_OUT, .out_cap = 4096, .discard = LG_PROC_ERR,
                          .timeout = 10 };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK)
        return;
    char *save = NULL;
    if (lg_proc_exited_ok(&r))
        for (char *w = strtok_r(r.out, " \t\n", &save); w && n_gsl_words < 8; w = strtok_r(NULL, " \t\n", &save))
            snprintf(gsl_words[n_gsl_words++], sizeof gsl_words[0], "%s", w);
    lg_proc_result_free(&r);
}

/* Does the mutated file compile? The grader's compiler command (build.c:
 * C11, the public headers, GSL's flags) with -fsyntax-only, which reports
 * the same errors at a fraction of the cost: each mutant would otherwise be
 * built twice. The mutants are the instructor's own code, one token changed.
 * true when it compiles; else the compiler's first error line in why. */
static bool compiles(const job_ctx *j, char *why, size_t cap)
{
    const char *base = strrchr(j->m->file, '/') ? strrchr(j->m->file, '/') + 1 : j->m->file;
    char inc[4400], src[4600];
    snprintf(inc, sizeof inc, "-I%s/core/include", lg_lab_root(j->lab));
    snprintf(src, sizeof src, "%s/%s", j->dir, base);
    char *argv[24];
    size_t a = 0;
    argv[a++] = "cc";
    argv[a++] = "-std=c11";
    argv[a++] = "-fsyntax-only";
    argv[a++] = inc;
    for (size_t k = 0; k < n_gsl_words; k++)
        argv[a++] = gsl_words[k];
    argv[a++] = src;
    argv[a] = NULL;
    lg_proc_spec spec = { .argv = argv, .capture = LG_PROC_OUT | LG_PROC_ERR, .out_cap = 4096, .timeout = 60 };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK) {
        snprintf(why, cap, "cannot run the compiler: %s", lg_errmsg());
        return true; /* then the grading says what happens */
    }
    bool ok = lg_proc_exited_ok(&r);
    if (!ok) {
        const char *e = strstr(r.out, "error:");
        const char *start = e ? e : r.out;
        size_t n = strcspn(start, "\n");
        snprintf(why, cap, "%.*s", (int)n, start);
    }
    lg_proc_result_free(&r);
    return ok;
}

/* In the forked copy: stillborn, or graded. */
static int job_main(void *ctx, int chan)
{
    const job_ctx *j = ctx;
    job_record r = { .fate = LG_MUT_ERROR };
    if (!getenv("LITGAN_GRADE_LIMITS"))
        setenv("LITGAN_GRADE_LIMITS", MUTANT_LIMITS, 1);
    bool stillborn = j->m && !compiles(j, r.why, sizeof r.why);
    if (stillborn)
        r.fate = LG_MUT_STILLBORN;
    if (!stillborn) {
        char *table = NULL;
        size_t tl = 0;
        FILE *mem = open_memstream(&table, &tl);
        lg_grade_outcome o;
        int rc = mem ? lg_grade_collect(j->lab, j->dir, NULL, mem, &o) : LG_EIO;
        if (mem)
            fclose(mem);
        free(table);
        if (mem) {
            r.score = o.score;
            r.max = o.max;
            if ((rc == LG_OK || rc == LG_EINVAL) && o.max > 0)
                r.fate = o.score < o.max ? LG_MUT_KILLED : LG_MUT_SURVIVED;
            else
                snprintf(r.why, sizeof r.why, "the grader failed: %s", o.err[0] ? o.err : lg_errmsg());
            lg_outcome_free(&o);
        }
    }
    lg_write_all(chan, &r, sizeof r);
    return 0;
}

/* The submission folder of job k: the reference files, one mutated. */
static int write_folder(const lg_lab *lab, char *const *texts, const size_t *lens, const lg_mutant *m,
                        const char *dir)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return lg_seterr(LG_EIO, "cannot make %s: %s", dir, strerror(errno));
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        const char *base = strrchr(lab->files[i], '/') ? strrchr(lab->files[i], '/') + 1 : lab->files[i];
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", dir, base);
        size_t n = lens[i];
        char *mut = m && !strcmp(m->file, lab->files[i]) ? lg_mut_apply(texts[i], lens[i], m, &n) : NULL;
        FILE *f = fopen(path, "wb");
        bool ok = f && fwrite(mut ? mut : texts[i], 1, n, f) == n;
        ok = (f && fclose(f) == 0) && ok;
        free(mut);
        if (!ok)
            return lg_seterr(LG_EIO, "cannot write %s", path);
    }
    return LG_OK;
}

static void eta(char *buf, size_t cap, double s)
{
    if (s >= 60)
        snprintf(buf, cap, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, cap, "%.0fs", s);
}

static void progress(FILE *log, bool tty, const char *what, size_t done, size_t n, const size_t *count,
                     double t0, bool last)
{
    char left[32] = "";
    if (done > 0 && done < n)
        eta(left, sizeof left, (lg_now() - t0) / (double)done * (double)(n - done));
    fprintf(log, "%s%s [%zu/%zu] killed %zu, survived %zu, stillborn %zu%s%s%s", tty ? "\r\033[K" : "", what, done,
            n, count[LG_MUT_KILLED], count[LG_MUT_SURVIVED], count[LG_MUT_STILLBORN], left[0] ? "; about " : "",
            left, left[0] ? " left" : "");
    if (!tty || last)
        fputc('\n', log);
    fflush(log);
}

int lg_mut_grade(const lg_lab *lab, lg_mut_job *jobs, size_t n, long at_once, FILE *log, const char *what)
{
    char *texts[LG_MAX_LAB_FILES] = { 0 };
    size_t lens[LG_MAX_LAB_FILES] = { 0 };
    int rc = LG_OK;
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i] && rc == LG_OK; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", lab->root, lab->files[i]);
        texts[i] = lg_read_file(path, &lens[i]);
        if (!texts[i])
            rc = lg_seterr(LG_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    char scratch[4096];
    lg_scratch_clean_stale(SCRATCH_PREFIX);
    if (rc == LG_OK && lg_scratch_make(SCRATCH_PREFIX, false, scratch, sizeof scratch) < 0)
        rc = LG_EIO;
    if (rc != LG_OK) {
        for (size_t i = 0; i < LG_MAX_LAB_FILES; i++)
            free(texts[i]);
        return rc;
    }
    lg_grade_records_warm(); /* asked once here, not in every job */
    gsl_flags();

    size_t slots = at_once < 1 ? (size_t)sysconf(_SC_NPROCESSORS_ONLN) : (size_t)at_once;
    slots = slots < 1 ? 1 : slots;
    lg_proc **running = lg_xcalloc(slots, sizeof *running);
    job_ctx *ctx = lg_xcalloc(slots, sizeof *ctx);
    size_t *owner = lg_xcalloc(slots, sizeof *owner);
    size_t next = 0, done = 0, count[LG_MUT_ERROR + 1] = { 0 };
    bool tty = log && isatty(fileno(log));
    double t0 = lg_now(), shown = t0;
    while (done < n && rc == LG_OK) {
        for (size_t s = 0; s < slots && next < n && rc == LG_OK; s++) {
            if (running[s])
                continue;
            size_t k = next++;
            ctx[s] = (job_ctx){ .lab = lab, .m = jobs[k].m };
            snprintf(ctx[s].dir, sizeof ctx[s].dir, "%s/m%05zu", scratch, k);
            rc = write_folder(lab, texts, lens, jobs[k].m, ctx[s].dir);
            lg_proc_spec spec = { .fn = job_main, .ctx = &ctx[s], .chan_cap = sizeof(job_record),
                                  .timeout = JOB_SECONDS, .what = "a mutant's grading" };
            if (rc == LG_OK)
                rc = lg_proc_start(&spec, &running[s]);
            owner[s] = k;
        }
        if (rc != LG_OK || lg_proc_wait(running, slots, 1000) == 0)
            continue;
        for (size_t s = 0; s < slots; s++) {
            if (!running[s] || !lg_proc_ended(running[s]))
                continue;
            lg_proc_result pr;
            lg_proc_end(running[s], &pr);
            running[s] = NULL;
            lg_mut_job *j = &jobs[owner[s]];
            job_record r;
            if (!pr.chan_over && pr.n_chan == sizeof r) {
                memcpy(&r, pr.chan, sizeof r);
                j->fate = (lg_mut_fate)r.fate;
                j->score = r.score;
                j->max = r.max;
                snprintf(j->why, sizeof j->why, "%s", r.why);
            } else { /* the job died or timed out: the mutant broke it */
                j->fate = LG_MUT_KILLED;
                snprintf(j->why, sizeof j->why, "its grading %s", pr.timed_out ? "timed out" : "died");
            }
            lg_proc_result_free(&pr);
            lg_rm_rf(ctx[s].dir);
            count[j->fate] += j->m != NULL; /* the reference is not a mutant */
            done++;
            if (log && (tty || lg_now() - shown >= 10 || done == n)) {
                progress(log, tty, what, done, n, count, t0, done == n);
                shown = lg_now();
            }
        }
    }
    for (size_t s = 0; s < slots; s++) /* after an error: the jobs still running */
        if (running[s]) {
            lg_proc_result pr;
            lg_proc_end(running[s], &pr);
            lg_proc_result_free(&pr);
        }
    free(running);
    free(ctx);
    free(owner);
    lg_scratch_remove(scratch);
    for (size_t i = 0; i < LG_MAX_LAB_FILES; i++)
        free(texts[i]);
    return rc;
}
