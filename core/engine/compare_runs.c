/*
 * compare_runs.c - the runs of `litgan compare`: each a forked child (lg_proc)
 * that trains one loss on one seed and sends its summary back over its
 * channel; at most --jobs at a time, compare's stop passed on to each (the
 * child checkpoints), a time budget by SIGALRM, and the progress lines with
 * the ETA over all runs.
 */
#include "compare.h"
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The child's stop: SIGTERM/SIGINT passed on by compare, or SIGALRM at the
 * end of a time budget. The run looks at it between steps. */
static volatile sig_atomic_t child_stop;
static void on_child_signal(int sig) { child_stop = sig; }

static void child_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_child_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
}

void lg_cmp_child_config(const cmp_job *j, lg_run_config *rc, char *dbuf, size_t dlen)
{
    const cmp *c = j->c;
    lg_run_config_init(rc);
    rc->loss = j->l->loss;
    for (size_t i = 0; i < j->l->n_regs; i++)
        rc->regs[rc->n_regs++] = j->l->regs[i];
    rc->data = c->data;
    rc->steps = j->l->steps;
    rc->seed = j->seed;
    rc->batch = c->batch;
    rc->log_every = (rc->steps + 19) / 20; /* 20 log rows (each scores samples) */
    rc->out = j->dir;
    rc->quiet = 1;
    rc->g = c->g_spec;
    rc->d = c->d_spec;
    rc->precision = c->precision;
    rc->nets = c->nets;
    if (j->l->encoder && c->d_spec) { /* D's input: the width of the default D on (x, z) */
        char gdef[64], ddef[64];
        lg_run_default_nets(c->ds, true, c->g_spec, gdef, ddef, NULL, sizeof gdef);
        const char *rest = strchr(c->d_spec, '-');
        snprintf(dbuf, dlen, "%.*s%s", (int)strcspn(ddef, "-"), ddef, rest ? rest : "-1");
        rc->d = dbuf;
    }
}

/* One run in the child (a forked copy, lg_proc); its summary goes back over
 * the channel. Exit 0 sent, 2 stopped by a signal (checkpoint written), 1
 * failed. */
static int run_child(void *ctx, int fd)
{
    const cmp_job *j = ctx;
    const cmp *c = j->c;
    child_stop = 0;
    child_signals();
    /* a signal that came before these handlers went to compare's own (its
     * flag, copied into this process): it counts as ours */
    if (c->stop && *c->stop)
        child_stop = *c->stop;
#ifdef __linux__
    /* compare killed outright: its runs stop with a checkpoint, never orphaned */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != c->parent)
        return 2;
#endif
    lg_run_config rc;
    char dbuf[512];
    lg_cmp_child_config(j, &rc, dbuf, sizeof dbuf);
    rc.stop = &child_stop;
    lg_run *run = NULL;
    int status = lg_blas_set_threads(c->threads);
    if (status == LG_OK)
        status = lg_run_open(&rc, &run);
    if (status == LG_OK && c->budget == CMP_BUDGET_SECONDS) {
        struct itimerval it = { { 0, 0 }, { (time_t)c->budget_s,
                                            (suseconds_t)((c->budget_s - floor(c->budget_s)) * 1e6) } };
        setitimer(ITIMER_REAL, &it, NULL);
    }
    if (status == LG_OK)
        status = lg_run_train(run);
    bool timed_out = status == LG_ESTOPPED && child_stop == SIGALRM;
    if (timed_out) {
        /* the time is up: the run ends at its checkpoint, written out as a
         * finished run of that many steps (samples.csv and all) */
        lg_run_config rr;
        lg_run_config_init(&rr);
        rr.resume = j->dir;
        rr.steps = lg_run_steps_done(run);
        rr.quiet = 1;
        lg_run_close(run);
        run = NULL;
        child_stop = 0;
        if ((status = lg_run_open(&rr, &run)) == LG_OK)
            status = lg_run_train(run);
    }
    if (status == LG_OK) {
        lg_run_summary sum;
        /* images: the 1,000 samples train scores; points: 2,500 */
        status = lg_run_evaluate(run, c->ds->height ? LG_CMP_N_EVAL_IMAGES : LG_CMP_N_EVAL, &sum);
        if (timed_out) {
            /* the summary is of the reopened run, which trained no step: the
             * rate and the losses are the log's (as --collect reads them), the
             * steps over the budget when no log row was written */
            cmp_logged g = lg_cmp_read_log(j->dir);
            sum.steps_per_s = isfinite(g.rate) ? g.rate : (double)sum.step / c->budget_s;
            sum.loss_d = g.loss_d;
            sum.loss_g = g.loss_g;
        }
        if (status == LG_OK && !lg_write_all(fd, &sum, sizeof sum))
            status = LG_EIO;
    }
    if (status != LG_OK)
        fprintf(stderr, "litgan compare: %s seed %ld: %s\n", j->l->label, j->seed, lg_errmsg());
    lg_run_close(run);
    return status == LG_OK ? 0 : status == LG_ESTOPPED ? 2 : 1;
}

/* In the parent while the child runs: its pid, and compare's stop passed on. */
static bool watch(pid_t pid, void *ctx)
{
    cmp_job *j = ctx;
    j->pid = pid;
    if (j->c->stop && *j->c->stop && !j->signalled) {
        j->signalled = true;
        kill(pid, SIGTERM);
    }
    return true;
}

static int start(cmp_job *j)
{
    j->t0 = lg_now();
    j->signalled = false;
    lg_proc_spec spec = { .fn = run_child, .ctx = j, .chan_cap = sizeof(lg_run_summary),
                          .what = "a run", .watch = watch, .watch_ms = 50 };
    return lg_proc_start(&spec, &j->proc);
}

static void no_scores(cmp_job *j) { lg_cmp_job_scores(j, NULL); }

void lg_cmp_job_scores(cmp_job *j, const lg_run_summary *sum)
{
    j->modes = j->hq = j->sw1 = j->rate = j->loss_d = j->loss_g = NAN;
    j->fid = j->classes = j->min_class = j->inception = NAN;
    j->steps_done = 0;
    if (!sum)
        return;
    j->modes = sum->modes;
    j->hq = sum->high_quality;
    j->sw1 = sum->sliced_w1;
    j->rate = sum->steps_per_s;
    j->loss_d = sum->loss_d;
    j->loss_g = sum->loss_g;
    j->steps_done = sum->step;
    j->fid = sum->fid;
    j->classes = sum->classes;
    j->min_class = sum->min_class_pct;
    j->inception = sum->inception;
}

/* The run has ended: its state and summary (none unless it sent one). */
static void collect(cmp_job *j)
{
    lg_proc_result r;
    lg_proc_end(j->proc, &r);
    j->proc = NULL;
    j->secs = lg_now() - j->t0;
    int code = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    lg_run_summary sum;
    bool got = code == 0 && r.n_chan == sizeof sum && !r.chan_over;
    if (got)
        memcpy(&sum, r.chan, sizeof sum);
    lg_proc_result_free(&r);
    lg_cmp_job_scores(j, got ? &sum : NULL);
    j->state = got ? CMP_OK : code == 2 || (j->signalled && code != 1) ? CMP_STOPPED : CMP_FAILED;
}

/* The last step a run's log.csv records (its progress), or what was seen. */
static long last_logged_step(const cmp_job *j)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/log.csv", j->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return j->step_seen;
    char buf[4097];
    long step = j->step_seen;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        long from = size > 4096 ? size - 4096 : 0;
        fseek(f, from, SEEK_SET);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        /* the last whole line that starts with a number */
        char *end = strrchr(buf, '\n');
        if (end) {
            *end = '\0';
            char *line = strrchr(buf, '\n');
            line = line ? line + 1 : buf;
            char *e;
            long s = strtol(line, &e, 10);
            if (e != line && *e == ',' && s > step)
                step = s;
        }
    }
    fclose(f);
    return step;
}

/* Progress over all runs, weighted by each run's updates (critic steps
 * counted); the ETA from the rate so far. */
static void progress(cmp *c, size_t done, size_t running, bool final)
{
    if (c->quiet)
        return;
    double total = 0, got = 0;
    for (size_t i = 0; i < c->n_runs; i++) {
        cmp_job *j = &c->runs[i];
        double w = (double)(j->l->d_steps + 1);
        double want = c->budget == CMP_BUDGET_SECONDS ? c->budget_s : (double)j->l->steps;
        double have = 0;
        if (j->state == CMP_OK)
            have = want;
        else if (j->state != CMP_PENDING)
            have = c->budget == CMP_BUDGET_SECONDS ? 0 : (double)j->step_seen;
        else if (j->proc) {
            if (c->budget == CMP_BUDGET_SECONDS) {
                have = fmin(lg_now() - j->t0, want);
            } else {
                j->step_seen = last_logged_step(j);
                have = (double)j->step_seen;
            }
        }
        total += w * want;
        got += w * fmin(have, want);
    }
    double frac = total > 0 ? got / total : 1;
    double el = lg_now() - c->t0;
    char eta[32] = "?";
    if (frac > 0.005 && frac < 1) {
        double s = el * (1 - frac) / frac;
        snprintf(eta, sizeof eta, "%ldm%02lds", (long)s / 60, (long)s % 60);
    } else if (frac >= 1) {
        snprintf(eta, sizeof eta, "0s");
    }
    char line[256];
    snprintf(line, sizeof line, "litgan compare: %3.0f%% of %zu runs (%zu done, %zu running), %.0f s, ETA %s",
             100 * frac, c->n_runs, done, running, el, eta);
    if (c->tty) {
        struct winsize ws;
        size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
        if (strlen(line) > width)
            line[width] = '\0';
        fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
    } else {
        int tenth = (int)(10 * frac);
        if (tenth > c->last_tenth || final) {
            c->last_tenth = tenth;
            fprintf(stderr, "%s\n", line);
        }
    }
}

static void say_end(cmp *c, const cmp_job *j, size_t done, size_t running)
{
    if (c->quiet)
        return;
    if (c->tty)
        fprintf(stderr, "\r\033[K");
    static const char *what[] = { "", "done", "FAILED (see the message above and its log)",
                                  "stopped with a checkpoint", "not run" };
    fprintf(stderr, "litgan compare: [%zu/%zu] %s seed %ld %s in %.1f s\n", done, c->n_runs, j->l->label,
            j->seed, what[j->state], j->secs);
    progress(c, done, running, false);
}

/* What a run costs, roughly: its generator steps x (critic steps + 1) x the
 * FLOPs per sample of its nets (G, D and E as the run builds them). Only the
 * order of runs uses it. */
static double run_cost(const cmp_job *j)
{
    lg_run_config rc;
    char dbuf[512], g[512], d[512], e[512];
    lg_cmp_child_config(j, &rc, dbuf, sizeof dbuf);
    if (lg_run_nets_for(j->c->ds, j->l->encoder, rc.g, rc.nets, g, d, e, sizeof g) != LG_OK)
        lg_run_default_nets(j->c->ds, j->l->encoder, rc.g, g, d, e, sizeof g);
    const char *spec[3] = { rc.g ? rc.g : g, rc.d ? rc.d : d, j->l->encoder ? e : NULL };
    double flops = 0;
    for (int k = 0; k < 3; k++) {
        lg_net *n = NULL;
        if (spec[k] && lg_net_parse(spec[k], &n) == LG_OK)
            flops += lg_net_flops_per_sample(n);
        lg_net_free(n);
    }
    return (double)j->l->steps * (double)(j->l->d_steps + 1) * (flops > 0 ? flops : 1);
}

/* The order runs start in: the longest first, so that with -j N the last run
 * to end is not a long one started last; equal costs keep the command line's
 * order (losses, then seeds). An insertion sort: at most a few hundred runs. */
void lg_cmp_run_order(const cmp *c, size_t *order)
{
    double *cost = lg_xmalloc(c->n_runs * sizeof *cost);
    for (size_t i = 0; i < c->n_runs; i++) {
        cost[i] = run_cost(&c->runs[i]);
        size_t k = i;
        for (; k > 0 && cost[order[k - 1]] < cost[i]; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    free(cost);
}

/* Every run, c->jobs at a time, the longest first; a stop (c->stop) is
 * passed on to the running ones and starts no more. */
void lg_cmp_run_all(cmp *c)
{
    size_t slots = (size_t)(c->jobs > 0 ? c->jobs : 1);
    size_t *order = lg_xmalloc((c->n_runs ? c->n_runs : 1) * sizeof *order);
    lg_cmp_run_order(c, order);
    lg_proc **running = lg_xcalloc(slots, sizeof *running);
    cmp_job **owner = lg_xcalloc(slots, sizeof *owner);
    size_t next = 0, done = 0, busy = 0;
    while (done < c->n_runs) {
        bool stop = c->stop && *c->stop;
        if (stop && !c->stop_sig) {
            c->stop_sig = (int)*c->stop;
            if (!c->quiet)
                fprintf(stderr, "%slitgan compare: signal %d: SIGTERM passed on to the running runs (each "
                        "writes a checkpoint); no run starts after\n", c->tty ? "\r\033[K" : "", c->stop_sig);
        }
        for (size_t s = 0; s < slots && next < c->n_runs; s++) {
            if (running[s])
                continue;
            cmp_job *j = &c->runs[order[next++]];
            if (stop) {
                j->state = CMP_NOT_RUN;
                no_scores(j);
                done++;
                continue;
            }
            if (start(j) == LG_OK) {
                running[s] = j->proc;
                owner[s] = j;
                busy++;
                continue;
            }
            j->state = CMP_FAILED;
            no_scores(j);
            done++;
            fprintf(stderr, "litgan compare: %s seed %ld: %s\n", j->l->label, j->seed, lg_errmsg());
        }
        if (!busy)
            continue;
        if (lg_proc_wait(running, slots, 500) == 0) {
            progress(c, done, busy, false);
            continue;
        }
        for (size_t s = 0; s < slots; s++) {
            if (!running[s] || !lg_proc_ended(running[s]))
                continue;
            cmp_job *j = owner[s];
            running[s] = NULL;
            owner[s] = NULL;
            busy--;
            collect(j);
            done++;
            say_end(c, j, done, busy);
        }
    }
    free(running);
    free(owner);
    free(order);
    /* a stop the watch passed on while the last runs ended */
    if (c->stop && *c->stop && !c->stop_sig)
        c->stop_sig = (int)*c->stop;
}
