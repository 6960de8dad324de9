/*
 * run_log.c - what a run shows and writes while it trains: log.csv (a row
 * every --log-every steps with losses, gradient norms, speed and metrics),
 * the progress line on a terminal, samples.csv and real.csv at the end, and
 * the training loop that ties them to the checkpoints (lg_run_train).
 */
#include "image_figures.h" /* lg_run_fixed_noise_snapshot */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct lg_run run;

#define LOG_MAX_BYTES (1L << 30) /* a log read back to resume: 10 million rows */

/* samples.csv and real.csv, replaced atomically; something there that is
 * not a regular file (a FIFO would block the writer) is refused. */
static int write_matrix_csv(const char *path, const gsl_matrix *m, const char *header)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return lg_seterr(LG_EIO, "%s: exists and is not a regular file (remove it; a run writes its samples "
                         "there)", path);
    lg_atomic a;
    if (lg_atomic_open(&a, path) != LG_OK)
        return lg_seterr(LG_EIO, "%s: cannot write (%s)", path, lg_errmsg());
    fprintf(a.f, "%s\n", header);
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            fprintf(a.f, "%.9g%c", gsl_matrix_get(m, i, j), j + 1 < m->size2 ? ',' : '\n');
    if (ferror(a.f)) {
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "%s: write failed (disk full?)", path);
    }
    if (lg_atomic_commit(&a) != LG_OK)
        return lg_seterr(LG_EIO, "%s: write failed (%s)", path, lg_errmsg());
    return LG_OK;
}

static void log_header(run *r)
{
    fprintf(r->log, "# litgan train, seed %ld, config %016llx:", r->c.seed, (unsigned long long)r->hash);
    for (size_t i = 0; i < r->eff.n; i++)
        fprintf(r->log, " %s", r->eff.w[i]);
    fprintf(r->log, "\nstep,loss_d,loss_g,gnorm_d,gnorm_g,steps_per_s,modes,high_quality,sliced_w1");
    if (r->ds->height) /* images: the classifier's scores (lg_image_score) */
        fprintf(r->log, ",fid,classes,min_class_pct,kl_uniform,inception");
    for (size_t i = 0; i < r->g.n_log; i++)
        fprintf(r->log, ",%s", r->g.log_name[i]);
    fprintf(r->log, "\n");
    fflush(r->log); /* a kill before the first row leaves the header to match a checkpoint against */
}

/* sliced W1 with 50 directions from a fixed stream, so rows are comparable;
 * the real side projected and sorted at the first row only */
static double sliced_w1(run *r, const gsl_matrix *x)
{
    if (!r->sw_ref) {
        gsl_rng *pr = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(pr, 4242);
        r->sw_ref = lg_sliced_ref_alloc(lg_run_real_samples(r), 50, pr);
        gsl_rng_free(pr);
    }
    return lg_sliced_ref_w1(r->sw_ref, x);
}

static void log_row(run *r)
{
    lg_mode_stats ms = { 0, 0 };
    gsl_matrix *x = lg_run_generate(r, (size_t)r->c.samples, 1);
    if (r->ds->n_modes)
        ms = lg_mode_coverage(r->ds, x);
    double sw = sliced_w1(r, x);
    lg_image_scores is;
    bool scored = r->ds->height && lg_run_image_scores(r, x, &is) == LG_OK;
    gsl_matrix_free(x);
    fprintf(r->log, "%ld,%.9g,%.9g,%.9g,%.9g,%.1f,", r->step, r->g.last_loss[LG_PLAYER_D],
            r->g.last_loss[LG_PLAYER_G], r->g.last_gnorm[LG_PLAYER_D], r->g.last_gnorm[LG_PLAYER_G], r->rate);
    if (r->ds->n_modes) /* coverage means nothing without modes: empty fields */
        fprintf(r->log, "%zu,%.4f,", ms.modes_covered, ms.high_quality);
    else
        fprintf(r->log, ",,");
    fprintf(r->log, "%.6g", sw);
    if (scored)
        fprintf(r->log, ",%.6g,%zu,%.4g,%.6g,%.6g", is.fid, is.classes_present, 100 * is.min_class_frac,
                is.kl_uniform, is.inception_score);
    else if (r->ds->height)
        fprintf(r->log, ",,,,,");
    for (size_t i = 0; i < r->g.n_log; i++)
        fprintf(r->log, ",%.9g", r->g.log_value[i]);
    fprintf(r->log, "\n");
    fflush(r->log);
    if (!r->c.quiet && !r->tty) {
        fprintf(stderr, "step %ld/%ld  %.0f steps/s  loss_d %.4f  loss_g %.4f", r->step, r->c.steps,
                r->rate, r->g.last_loss[0], r->g.last_loss[1]);
        if (r->ds->n_modes)
            fprintf(stderr, "  modes %zu/%zu  hq %.1f%%", ms.modes_covered, r->ds->n_modes,
                    100 * ms.high_quality);
        if (scored)
            fprintf(stderr, "  FID %.2f  classes %zu (rarest %.1f%%)  IS %.2f", is.fid, is.classes_present,
                    100 * is.min_class_frac, is.inception_score);
        fprintf(stderr, "  sliced W1 %.4f\n", sw);
    }
}

/* The terminal's width: the tty's own (TIOCGWINSZ), else $COLUMNS (a pipe
 * with --progress), else 80. */
static size_t term_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    long c;
    const char *env = getenv("COLUMNS");
    if (env && lg_parse_whole(env, &c) && c > 0 && c <= 10000)
        return (size_t)c;
    return 80;
}

/* One line rewritten in place: cut to one column less than the terminal
 * (a line that reaches the last column wraps on some terminals, and a wrapped
 * line is no longer rewritten by '\r'). */
static void progress(run *r, bool last)
{
    if (r->c.quiet || !r->tty)
        return;
    double now = lg_now();
    static double shown;
    if (!last && now - shown < 0.2)
        return;
    shown = now;
    double rate = (double)(r->step - r->step_first) / fmax(now - r->t_start, 1e-9);
    long left = r->c.steps - r->step;
    double eta = rate > 0 ? (double)left / rate : 0;
    char line[256];
    snprintf(line, sizeof line, "step %ld/%ld  %.0f steps/s  ETA %ld:%02ld  loss_d %.4f  loss_g %.4f", r->step,
             r->c.steps, rate, (long)eta / 60, (long)eta % 60, r->g.last_loss[0], r->g.last_loss[1]);
    size_t w = term_width() - 1;
    if (strlen(line) > w)
        line[w] = '\0';
    fprintf(stderr, "\r\033[K%s%s", line, last ? "\n" : "");
}

/* The configuration in a log's first line ("# litgan train, seed S, config
 * HASH: OPTIONS..."): its hash and options; false when the line has none. */
static bool log_config(const char *line, uint64_t *hash, const char **words)
{
    const char *p = strstr(line, ", config ");
    if (strncmp(line, "# litgan train, ", 16) != 0 || !p)
        return false;
    char *end;
    errno = 0;
    unsigned long long h = strtoull(p + 9, &end, 16);
    if (errno || end != p + 25 || *end != ':')
        return false;
    *hash = h;
    *words = end + 1 + (end[1] == ' ');
    return true;
}

/* The options of a (option-value pairs, or a lone flag) that b lacks, as
 * words into out; --steps and --ckpt-every left out (a resume may change
 * them). What tells two configurations apart, short enough for one line. */
static void options_only_in(const lg_strvec *a, const lg_strvec *b, char *out, size_t len)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < a->n; i++) {
        bool pair = i + 1 < a->n && strncmp(a->w[i + 1], "--", 2) != 0;
        const char *v = pair ? a->w[i + 1] : NULL;
        bool found = !strcmp(a->w[i], "--steps") || !strcmp(a->w[i], "--ckpt-every");
        for (size_t j = 0; !found && j < b->n; j++)
            found = !strcmp(a->w[i], b->w[j]) &&
                    (!v || (j + 1 < b->n && !strcmp(v, b->w[j + 1])));
        if (!found && k < len)
            k += (size_t)snprintf(out + k, len - k, "%s%s%s%s", k ? " " : "", a->w[i], v ? " " : "", v ? v : "");
        i += pair;
    }
    if (!out[0])
        snprintf(out, len, "the same options in another order");
}

/* A resumed run continues its own log: the log's header names the
 * configuration its rows come from, and a checkpoint of another run (copied
 * in, or the folder's log replaced) is refused with both named. */
int lg_run_log_check(lg_run *r)
{
    /* a regular file only, opened without blocking (a FIFO would wait for a
     * writer), of a size a log can have: it is read whole to be rewritten */
    int fd = open(r->path_log, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the log of the run to resume (%s); without it the run "
                         "cannot continue: start it anew with --force", r->path_log, strerror(errno));
    struct stat st = { 0 };
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > LOG_MAX_BYTES) {
        close(fd);
        return lg_seterr(LG_EFORMAT, "%s: not a log litgan writes (%s); start the run anew with --force",
                         r->path_log, !S_ISREG(st.st_mode) ? "not a regular file" : "over 1 GiB");
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return lg_seterr(LG_EIO, "%s: cannot read the log of the run to resume", r->path_log);
    }
    char line[16384] = "";
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    uint64_t h;
    const char *words;
    if (!got || !log_config(line, &h, &words))
        return lg_seterr(LG_EFORMAT, "%s: its first line names no configuration (\"# litgan train, seed S, "
                         "config HASH: ...\"), so the checkpoint cannot be matched to it; start the run anew "
                         "with --force", r->path_log);
    if (h == r->hash)
        return LG_OK;
    lg_strvec theirs = { 0 };
    for (const char *p = words; *p;) {
        size_t n = strcspn(p, " ");
        if (n) {
            char *w = lg_xmalloc(n + 1);
            memcpy(w, p, n);
            w[n] = '\0';
            lg_strvec_push(&theirs, w);
            free(w);
        }
        p += n + (p[n] == ' ');
    }
    char in_ckpt[200], in_log[200];
    options_only_in(&r->eff, &theirs, in_ckpt, sizeof in_ckpt);
    options_only_in(&theirs, &r->eff, in_log, sizeof in_log);
    lg_strvec_free(&theirs);
    return lg_seterr(LG_EFORMAT, "%s belongs to another run than log.csv: checkpoint config %016llx (%s), "
                     "log config %016llx (%s); resume the folder it came from, or start anew with --force",
                     r->path_ckpt, (unsigned long long)r->hash, in_ckpt, (unsigned long long)h, in_log);
}

/* Keep only the log rows of steps <= step (a resumed run rewrites what came
 * after its checkpoint), replacing the file atomically: a kill midway leaves
 * the old log whole. */
int lg_run_truncate_log(const char *path, long step)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lg_seterr(LG_EIO, "%s: cannot read the log of the run to resume", path);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        bool keep = true;
        if (line[0] >= '0' && line[0] <= '9')
            keep = strtol(line, NULL, 10) <= step;
        if (!keep)
            break;
        size_t n = strlen(line);
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            buf = lg_xrealloc(buf, cap);
        }
        memcpy(buf + len, line, n);
        len += n;
    }
    fclose(f);
    int rc = lg_write_atomic(path, buf ? buf : "", len);
    free(buf);
    if (rc != LG_OK)
        return lg_seterr(rc, "%s: cannot rewrite the log (%s)", path, lg_errmsg());
    return LG_OK;
}

/* A new run in a folder given with force: the old run's files go first, so
 * none of them is mistaken for this run's. */
static void remove_old_run(run *r)
{
    const char *files[] = { "checkpoint.bin", "log.csv", "samples.csv", "real.csv", "samples.png", "metrics.png",
                            "d_grid.csv", "d_curve.csv", "settings.gp", "gnuplot.err",
                            "fixed_noise_snapshots.dat", "grid.png", "fixed_noise.png" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", r->c.out, files[i]);
        unlink(path);
    }
}

/* The temporary files of atomic writes that a kill interrupted
 * (checkpoint.bin.tmp.XXXXXX, log.csv.tmp.XXXXXX): a run starting in the
 * folder is the only writer there, so whatever of them is left is stale. */
static void remove_stale_temporaries(run *r)
{
    lg_strvec names = { 0 };
    if (lg_dir_list(r->c.out, &names) != LG_OK)
        return;
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.w[i];
        if ((!strncmp(n, "checkpoint.bin.tmp.", 19) && strlen(n) == 25) ||
            (!strncmp(n, "log.csv.tmp.", 12) && strlen(n) == 18)) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", r->c.out, n);
            unlink(path);
        }
    }
    lg_strvec_free(&names);
}

/* Stopped between steps (a signal): the checkpoint of this step, and how to
 * go on. */
static int stopped(run *r)
{
    long s = (long)*r->c.stop;
    if (r->step > r->ckpt_step && r->step > 0) {
        int rc = lg_run_save(r);
        if (rc != LG_OK)
            return rc;
    }
    if (r->ckpt_step < 0 && !r->c.resume) { /* nothing done: no run is left in the folder */
        fclose(r->log);
        r->log = NULL;
        unlink(r->path_log);
    }
    if (r->ckpt_step > 0)
        return lg_seterr(LG_ESTOPPED, "stopped by signal %ld at step %ld of %ld; checkpoint %s holds step %ld: "
                         "continue with litgan train --resume %s", s, r->step, r->c.steps, r->path_ckpt,
                         r->ckpt_step, r->c.out);
    return lg_seterr(LG_ESTOPPED, "stopped by signal %ld before the first step; nothing to resume (%s is "
                     "left without a run)", s, r->c.out);
}

int lg_run_train(lg_run *r)
{
    int rc = LG_OK;
    if (r->readonly) /* lg_run_load: nothing is written */
        return lg_run_step(r);
    remove_stale_temporaries(r);
    /* a resumed run: the rows after its checkpoint's step go (they are written again) */
    if (r->c.resume && (rc = lg_run_truncate_log(r->path_log, r->step)) != LG_OK)
        return rc;
    r->tty = r->c.progress == 1 || (r->c.progress == -1 && isatty(STDERR_FILENO));
    if (!r->c.resume && r->c.force)
        remove_old_run(r);
    r->log = fopen(r->path_log, r->c.resume ? "a" : "w");
    if (!r->log)
        return lg_seterr(LG_EIO, "%s: cannot write the log (%s)", r->path_log, strerror(errno));
    bool header = !r->c.resume;
    r->t_start = r->t_last = lg_now();
    r->step_last = r->step_first = r->step;
    if (!r->c.quiet && r->step >= r->c.steps)
        fprintf(stderr, "litgan: the run in %s has done its %ld steps (give --steps N above %ld to train "
                "on); writing its samples again\n", r->c.out, r->step, r->step);
    else if (!r->c.quiet)
        fprintf(stderr, "litgan: training %s on %s, seed %ld, steps %ld..%ld, output %s\n",
                r->c.loss, r->c.data, r->c.seed, r->step + 1, r->c.steps, r->c.out);
    while (r->step < r->c.steps) {
        if (r->c.stop && *r->c.stop) {
            rc = stopped(r);
            break;
        }
        if ((rc = lg_run_step(r)) != LG_OK)
            break;
        if (header) {
            log_header(r); /* after the first step: plugins' logged names are known */
            header = false;
        }
        if (r->step % r->c.log_every == 0 || r->step == r->c.steps) {
            double now = lg_now();
            r->rate = (double)(r->step - r->step_last) / fmax(now - r->t_last, 1e-9);
            progress(r, false);
            r->t_last = now;
            r->step_last = r->step;
            r->rate_sum += r->rate;
            r->n_rows++;
            log_row(r);
            if ((rc = lg_run_fixed_noise_snapshot(r)) != LG_OK)
                break;
            r->t_eval += lg_now() - now;
        } else {
            progress(r, false);
        }
        if (r->step % r->c.ckpt_every == 0 || r->step == r->c.steps)
            if ((rc = lg_run_save(r)) != LG_OK)
                break;
    }
    if (rc == LG_OK) {
        progress(r, true);
        char path[4200];
        gsl_matrix *x = lg_run_generate(r, (size_t)r->c.samples, 2);
        snprintf(path, sizeof path, "%s/samples.csv", r->c.out);
        rc = write_matrix_csv(path, x, r->ds->dim == 2 ? "x,y" : "# one sample per row");
        gsl_matrix_free(x);
        if (rc == LG_OK) {
            snprintf(path, sizeof path, "%s/real.csv", r->c.out);
            rc = write_matrix_csv(path, lg_run_real_samples(r), r->ds->dim == 2 ? "x,y" : "# one sample per row");
        }
        if (rc == LG_OK && !r->c.quiet)
            fprintf(stderr, "litgan: done in %.1f s; wrote %s/{log.csv,samples.csv,real.csv,checkpoint.bin}\n",
                    lg_now() - r->t_start, r->c.out);
    } else if (r->tty && !r->c.quiet) {
        fprintf(stderr, "\n");
    }
    return rc;
}
