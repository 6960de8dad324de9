/*
 * compare.c - `litgan compare`: train several losses (each with its paper's
 * defaults, regularizers as named) on the same data and seeds in child
 * processes, then write one report folder (compare_out.c).
 *
 * The folder is compare's own: a new or empty one, or one an earlier compare
 * wrote (its manifest, CMP_MANIFEST, lists every path it wrote; exactly those
 * are removed first, nothing else). Every score comes from a run that
 * finished in this invocation: the child sends it back over its channel.
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

/* ------------------------------------------------------------- losses --- */

/* A file-name-safe label of one part of a spec: "ganqp:metric=l2" ->
 * "ganqp_metric-l2", a plugin path to its base name without .so. */
static void label_part(const char *spec, char *out, size_t len)
{
    const char *base = spec;
    for (const char *p = spec; *p && *p != ':'; p++)
        if (*p == '/')
            base = p + 1;
    size_t k = strlen(out);
    for (const char *p = base; *p && k + 1 < len; p++) {
        if (!strncmp(p, ".so", 3) && (p[3] == '\0' || p[3] == ':')) {
            p += 2;
            continue;
        }
        char ch = *p;
        out[k++] = (ch == ':') ? '_' : (ch == '=' || ch == ',') ? '-' : ch;
    }
    out[k] = '\0';
}

/* "wgan+gp:lambda=5" -> loss "wgan", regs "gp:lambda=5". A '+' splits only
 * before a name (a letter, '.' or '/'), so "lambda=1e+3" stays whole. */
static int split_spec(const char *spec, const char *const *extra, size_t n_extra, cmp_loss *l)
{
    const char *p = spec;
    size_t part = 0;
    size_t len = strlen(spec);
    if (len && spec[len - 1] == '+')
        return lg_seterr(LG_EINVAL, "'%s': nothing after '+' (write LOSS+REG, e.g. wgan+gp)", spec);
    while (*p) {
        const char *q = p;
        while (*q && !(*q == '+' && q > p && (q[1] == '.' || q[1] == '/' ||
                                               (q[1] >= 'a' && q[1] <= 'z') || (q[1] >= 'A' && q[1] <= 'Z'))))
            q++;
        size_t n = (size_t)(q - p);
        if (n == 0)
            return lg_seterr(LG_EINVAL, "'%s': an empty name (write LOSS+REG, e.g. wgan+gp)", spec);
        if (part == 0) {
            if (n >= sizeof l->loss)
                return lg_seterr(LG_EINVAL, "'%s': the loss spec is too long", spec);
            memcpy(l->loss, p, n);
            l->loss[n] = '\0';
        } else {
            if (l->n_regs == LG_RUN_MAX_REGS || n >= sizeof l->regs[0])
                return lg_seterr(LG_EINVAL, "'%s': at most %d regularizers of < %zu characters", spec,
                                 LG_RUN_MAX_REGS, sizeof l->regs[0]);
            memcpy(l->regs[l->n_regs], p, n);
            l->regs[l->n_regs++][n] = '\0';
        }
        part++;
        p = *q ? q + 1 : q;
        if (*q && !*p)
            return lg_seterr(LG_EINVAL, "'%s': nothing after '+' (write LOSS+REG, e.g. wgan+gp)", spec);
    }
    /* the label: the spec's parts joined by '+' ("wgan+gp"), --reg left out */
    l->label[0] = '\0';
    label_part(l->loss, l->label, sizeof l->label);
    for (size_t i = 0; i < l->n_regs; i++) {
        strncat(l->label, "+", sizeof l->label - strlen(l->label) - 1);
        label_part(l->regs[i], l->label, sizeof l->label);
    }
    for (size_t i = 0; i < n_extra; i++) {
        if (l->n_regs == LG_RUN_MAX_REGS)
            return lg_seterr(LG_EINVAL, "'%s' with --reg: at most %d regularizers", spec, LG_RUN_MAX_REGS);
        snprintf(l->regs[l->n_regs++], sizeof l->regs[0], "%s", extra[i]);
    }
    return LG_OK;
}

/* The runner's own resolution of a run's options (plugin defaults, then the
 * given ones): its critic steps and optimizers, before anything starts. */
static int resolve(cmp *c, cmp_loss *l)
{
    lg_plugin_inst pi;
    int rc = lg_plugin_inst_open(l->loss, LG_PLUGIN_KIND_LOSS, &pi);
    if (rc != LG_OK)
        return rc;
    l->encoder = (pi.h->desc->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
    /* D's output is a logit of P(real) for the saturating and non-saturating
     * GAN (their losses are softplus of it); plugins do not declare it, so
     * every other loss is shaded as a critic's raw score */
    l->prob = !strcmp(pi.h->desc->name, "gan") || !strcmp(pi.h->desc->name, "nsgan");
    lg_plugin_inst_close(&pi);
    for (size_t i = 0; i < l->n_regs; i++) {
        if ((rc = lg_plugin_inst_open(l->regs[i], LG_PLUGIN_KIND_REG, &pi)) != LG_OK)
            return lg_seterr(rc, "'%s' (in %s): %s", l->regs[i], l->label, lg_errmsg());
        lg_plugin_inst_close(&pi);
    }
    lg_run_config rc0, res;
    lg_run_config_init(&rc0);
    rc0.loss = l->loss;
    for (size_t i = 0; i < l->n_regs; i++)
        rc0.regs[rc0.n_regs++] = l->regs[i];
    lg_strvec eff = { 0 };
    lg_run_config_init(&res);
    if ((rc = lg_run_words_from_config(&rc0, &eff)) == LG_OK && (rc = lg_run_words_parse(&eff, &res)) == LG_OK) {
        lg_run_config_fill(&res);
        l->d_steps = res.d_steps > 0 ? res.d_steps : 1;
        snprintf(l->opt_d, sizeof l->opt_d, "%s", res.opt_d ? res.opt_d : "?");
        snprintf(l->opt_g, sizeof l->opt_g, "%s", res.opt_g ? res.opt_g : "?");
        l->reg_list[0] = '\0';
        for (size_t i = 0; i < res.n_regs; i++)
            snprintf(l->reg_list + strlen(l->reg_list), sizeof l->reg_list - strlen(l->reg_list), "%s%s",
                     i ? ", " : "", res.regs[i]);
        if (!res.n_regs)
            snprintf(l->reg_list, sizeof l->reg_list, "none");
    }
    lg_strvec_free(&eff);
    if (rc != LG_OK)
        return lg_seterr(rc, "%s: %s", l->label, lg_errmsg());
    /* the budget: --steps generator steps of a loss with one critic step
     * cost 2 updates each; a loss with k critic steps gets as many updates */
    l->steps = c->steps;
    if (c->budget == CMP_BUDGET_EVALS)
        l->steps = (long)llround(2.0 * (double)c->steps / (double)(l->d_steps + 1));
    if (l->steps < 1)
        l->steps = 1;
    return LG_OK;
}

/* ------------------------------------------------------ report folder --- */

/* A path of the manifest that compare may remove: a plain name in the folder
 * or runs/NAME; never absolute, never up. */
static bool own_path(const char *p)
{
    if (!strncmp(p, "runs/", 5))
        p += 5;
    return *p && *p != '.' && !strchr(p, '/');
}

/* The folder compare writes into: made when missing; if it holds anything,
 * it must be an earlier compare's (its manifest), whose listed paths go. */
static int prepare_folder(const cmp *c)
{
    struct stat st;
    if (lstat(c->out, &st) != 0)
        return lg_mkdir_p(c->out);
    if (!S_ISDIR(st.st_mode))
        return lg_seterr(LG_EINVAL, "--out %s: exists and is not a folder; choose another --out", c->out);
    lg_strvec names = { 0 };
    if (lg_dir_list(c->out, &names) != LG_OK)
        return lg_seterr(LG_EIO, "--out %s: cannot list it (%s)", c->out, lg_errmsg());
    size_t n = names.n;
    lg_strvec_free(&names);
    if (n == 0)
        return LG_OK;
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, CMP_MANIFEST);
    char *text = lg_read_file(path, NULL);
    if (!text)
        return lg_seterr(LG_EINVAL, "--out %s: the folder holds files litgan compare did not write (no %s); "
                         "choose a new --out or empty it", c->out, CMP_MANIFEST);
    /* the old runs and report go: exactly what the manifest lists */
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!own_path(line))
            continue;
        snprintf(path, sizeof path, "%s/%s", c->out, line);
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            lg_rm_rf(path);
        else
            unlink(path);
    }
    free(text);
    snprintf(path, sizeof path, "%s/runs", c->out);
    rmdir(path); /* only when empty: anything else there stays */
    snprintf(path, sizeof path, "%s/%s", c->out, CMP_MANIFEST);
    unlink(path);
    return LG_OK;
}

static int write_manifest(const cmp *c)
{
    lg_strvec v = { 0 };
    for (size_t i = 0; i < c->n_runs; i++)
        lg_strvec_push(&v, c->runs[i].dir + strlen(c->out) + 1);
    lg_cmp_output_names(c, &v);
    size_t len = 64;
    for (size_t i = 0; i < v.n; i++)
        len += strlen(v.w[i]) + 1;
    char *buf = lg_xcalloc(1, len);
    strcpy(buf, "# litgan compare wrote these; a new compare here removes them\n");
    for (size_t i = 0; i < v.n; i++) {
        strcat(buf, v.w[i]);
        strcat(buf, "\n");
    }
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, CMP_MANIFEST);
    int rc = lg_write_atomic(path, buf, strlen(buf));
    free(buf);
    lg_strvec_free(&v);
    return rc;
}

/* ---------------------------------------------------------------- runs --- */

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

static void child_config(const cmp_job *j, lg_run_config *rc, char *dbuf, size_t dlen)
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
    child_config(j, &rc, dbuf, sizeof dbuf);
    rc.stop = &child_stop;
    lg_run *run = NULL;
    int status = lg_run_open(&rc, &run);
    if (status == LG_OK && c->budget == CMP_BUDGET_SECONDS) {
        struct itimerval it = { { 0, 0 }, { (time_t)c->budget_s,
                                            (suseconds_t)((c->budget_s - floor(c->budget_s)) * 1e6) } };
        setitimer(ITIMER_REAL, &it, NULL);
    }
    if (status == LG_OK)
        status = lg_run_train(run);
    if (status == LG_ESTOPPED && child_stop == SIGALRM) {
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
        status = lg_run_evaluate(run, c->ds->height ? 1000 : 2500, &sum);
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

static void no_scores(cmp_job *j)
{
    j->modes = j->hq = j->sw1 = j->rate = j->loss_d = j->loss_g = NAN;
    j->fid = j->classes = j->min_class = j->inception = NAN;
    j->steps_done = 0;
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
    no_scores(j);
    if (!got) {
        j->state = code == 2 || (j->signalled && code != 1) ? CMP_STOPPED : CMP_FAILED;
        return;
    }
    j->state = CMP_OK;
    j->modes = sum.modes;
    j->hq = sum.high_quality;
    j->sw1 = sum.sliced_w1;
    j->rate = sum.steps_per_s;
    j->loss_d = sum.loss_d;
    j->loss_g = sum.loss_g;
    j->steps_done = sum.step;
    j->fid = sum.fid;
    j->classes = sum.classes;
    j->min_class = sum.min_class_pct;
    j->inception = sum.inception;
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

/* Every run, c->jobs at a time; a stop (c->stop) is passed on to the
 * running ones and starts no more. */
static void run_all(cmp *c)
{
    size_t slots = (size_t)(c->jobs > 0 ? c->jobs : 1);
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
            cmp_job *j = &c->runs[next++];
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
    /* a stop the watch passed on while the last runs ended */
    if (c->stop && *c->stop && !c->stop_sig)
        c->stop_sig = (int)*c->stop;
}

/* ---------------------------------------------------------- the whole --- */

void lg_compare_config_init(lg_compare_config *c)
{
    memset(c, 0, sizeof *c);
    c->data = "ring8";
    c->steps = 2000;
    c->seeds = 3;
    c->batch = LG_UNSET; /* the runs' default: 256 points, 64 images */
    c->jobs = 2;
    c->progress = -1;
}

static int parse_budget(cmp *c, const char *b)
{
    c->budget = CMP_BUDGET_STEPS;
    if (!b || !strcmp(b, "steps"))
        return LG_OK;
    if (!strcmp(b, "evals")) {
        c->budget = CMP_BUDGET_EVALS;
        return LG_OK;
    }
    char *e;
    errno = 0;
    double s = strtod(b, &e);
    if (e != b && !strcmp(e, "s") && !errno && isfinite(s) && s >= 0.1 && s <= 1e6 &&
        strspn(b, "0123456789.") == (size_t)(e - b)) {
        c->budget = CMP_BUDGET_SECONDS;
        c->budget_s = s;
        return LG_OK;
    }
    return lg_seterr(LG_EINVAL, "--budget '%s': expected steps, evals or SECONDS followed by s (0.1s..1000000s), "
                     "e.g. --budget 60s", b);
}

static int setup(cmp *c, const lg_compare_config *cfg)
{
    int rc;
    if (cfg->n_losses == 0 || cfg->n_losses > CMP_MAX_LOSSES)
        return lg_seterr(LG_EINVAL, "name 1 to %d losses to compare: --losses gan,nsgan,wgan,ganqp", CMP_MAX_LOSSES);
    if (cfg->seeds < 1 || cfg->seeds > CMP_MAX_SEEDS)
        return lg_seterr(LG_EINVAL, "--seeds '%ld': expected a whole number in 1..%d", cfg->seeds, CMP_MAX_SEEDS);
    if (cfg->n_regs > LG_RUN_MAX_REGS)
        return lg_seterr(LG_EINVAL, "--reg: at most %d regularizers", LG_RUN_MAX_REGS);
    c->data = cfg->data ? cfg->data : "ring8";
    c->g_spec = cfg->g;
    c->d_spec = cfg->d;
    c->steps = cfg->steps;
    c->seeds = cfg->seeds;
    c->batch = cfg->batch;
    c->jobs = cfg->jobs;
    c->quiet = cfg->quiet;
    c->stop = cfg->stop;
    c->parent = getpid();
    c->tty = !c->quiet && (cfg->progress == 1 || (cfg->progress == -1 && isatty(STDERR_FILENO)));
    if ((rc = parse_budget(c, cfg->budget)) != LG_OK)
        return rc;
    if (cfg->out) {
        snprintf(c->out, sizeof c->out, "%s", cfg->out);
    } else {
        char name[LG_NAME_MAX];
        const char *kv;
        if (lg_spec_split(c->data, name, &kv) != LG_OK)
            snprintf(name, sizeof name, "data");
        snprintf(c->out, sizeof c->out, "reports/compare-%s", name);
    }
    if ((rc = lg_dataset_open(c->data, &c->ds)) != LG_OK)
        return lg_seterr(rc, "--data: %s", lg_errmsg());
    if (c->batch == LG_UNSET)
        c->batch = c->ds->height ? 64 : 256;
    if (c->ds->height) {
        /* the classifier the runs score with, trained here once when it is not
         * stored yet (else every run would train its own, side by side) */
        lg_classifier *clf = NULL;
        if (lg_classifier_open(c->ds, NULL, LG_SCORE_CLASSIFIER_SEED, c->quiet ? NULL : stderr, &clf) != LG_OK && !c->quiet)
            fprintf(stderr, "litgan compare: no image scores: %s\n", lg_errmsg());
        lg_classifier_free(clf);
    }
    /* every loss and regularizer loads, and each name once, before anything starts */
    for (size_t l = 0; l < cfg->n_losses; l++) {
        cmp_loss *x = &c->loss[c->n_losses++];
        if ((rc = split_spec(cfg->losses[l], cfg->regs, cfg->n_regs, x)) != LG_OK)
            return rc;
        for (size_t k = 0; k < l; k++)
            if (!strcmp(c->loss[k].label, x->label))
                return lg_seterr(LG_EINVAL, "--losses: '%s' is named twice; name each loss once (--seeds K "
                                 "repeats runs)", cfg->losses[l]);
        if ((rc = resolve(c, x)) != LG_OK)
            return rc;
    }
    for (size_t l = 0; l < c->n_losses; l++)
        for (long s = 1; s <= c->seeds; s++) {
            cmp_job *j = &c->runs[c->n_runs++];
            j->c = c;
            j->l = &c->loss[l];
            j->seed = s;
            snprintf(j->dir, sizeof j->dir, "%s/runs/%s-s%ld", c->out, c->loss[l].label, s);
        }
    if ((rc = prepare_folder(c)) != LG_OK)
        return rc;
    return write_manifest(c);
}

int lg_compare_run(const lg_compare_config *cfg)
{
    cmp *c = lg_xcalloc(1, sizeof *c);
    c->last_tenth = -1;
    int rc = setup(c, cfg);
    if (rc != LG_OK) {
        if (c->ds)
            lg_dataset_free(c->ds);
        free(c);
        return rc;
    }
    c->t0 = lg_now();
    if (!c->quiet) {
        fprintf(stderr, "litgan compare: %zu runs (%zu losses x %ld seeds) on %s, %ld at a time, into %s\n",
                c->n_runs, c->n_losses, c->seeds, c->data, c->jobs, c->out);
        for (size_t l = 0; l < c->n_losses; l++) {
            const cmp_loss *x = &c->loss[l];
            if (c->budget == CMP_BUDGET_SECONDS)
                fprintf(stderr, "litgan compare:   %-16s %.1f s each (at most %ld steps), %ld critic step%s, reg %s\n",
                        x->label, c->budget_s, x->steps, x->d_steps, x->d_steps == 1 ? "" : "s", x->reg_list);
            else
                fprintf(stderr, "litgan compare:   %-16s %ld steps, %ld critic step%s, reg %s\n", x->label,
                        x->steps, x->d_steps, x->d_steps == 1 ? "" : "s", x->reg_list);
        }
    }
    run_all(c);
    if (c->tty)
        fprintf(stderr, "\r\033[K");
    size_t failed = 0, stopped = 0;
    for (size_t i = 0; i < c->n_runs; i++) {
        failed += c->runs[i].state == CMP_FAILED;
        stopped += c->runs[i].state == CMP_STOPPED || c->runs[i].state == CMP_NOT_RUN;
    }
    lg_strvec figs = { 0 };
    if (!c->stop_sig)
        lg_cmp_figures(c, &figs);
    rc = lg_cmp_report(c, &figs);
    lg_strvec_free(&figs);
    if (rc == LG_OK && !c->quiet)
        fprintf(stderr, "litgan compare: %s in %.0f s; report: %s/report.md\n",
                c->stop_sig ? "stopped" : "done", lg_now() - c->t0, c->out);
    if (rc == LG_OK && c->stop_sig) {
        const cmp_job *any = NULL;
        for (size_t i = 0; i < c->n_runs && !any; i++)
            if (c->runs[i].state == CMP_STOPPED)
                any = &c->runs[i];
        if (any)
            rc = lg_seterr(LG_ESTOPPED, "stopped by signal %d: %zu runs not finished; each stopped run kept "
                           "its checkpoint (continue one with litgan train --resume %s, and so on); "
                           "compare again with the same --out starts every run anew", c->stop_sig, stopped,
                           any->dir);
        else
            rc = lg_seterr(LG_ESTOPPED, "stopped by signal %d: %zu runs not finished (none had a step "
                           "to checkpoint); compare again with the same --out starts anew", c->stop_sig, stopped);
    } else if (rc == LG_OK && failed) {
        rc = lg_seterr(LG_EPLUGIN, "%zu of %zu runs failed (marked failed in report.md and runs.csv; each "
                       "run's message above)", failed, c->n_runs);
    }
    lg_dataset_free(c->ds);
    free(c);
    return rc;
}
