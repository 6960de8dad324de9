/*
 * compare.c - `litgan compare`: train several losses (each with its paper's
 * defaults, regularizers as named) on the same data and seeds in child
 * processes (compare_runs.c), then write one report folder (compare_out.c:
 * figures, compare_report.c: report.md and runs.csv). Here: the losses to
 * compare, the report folder and its manifest, the setup.
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
#include <sys/stat.h>
#include <unistd.h>

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


/* ---------------------------------------------------------- the whole --- */

void lg_compare_config_init(lg_compare_config *c)
{
    memset(c, 0, sizeof *c);
    c->data = "ring8";
    c->steps = 2000;
    c->seeds = 3;
    c->batch = LG_UNSET; /* the runs' default: 256 points, 64 images */
    c->jobs = 2;
    c->threads = 1;
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

static int setup(cmp *c, const lg_compare_config *cfg, bool fresh)
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
    c->threads = cfg->threads;
    c->precision = cfg->precision && strcmp(cfg->precision, "double") ? cfg->precision : NULL;
    if (c->precision && strcmp(c->precision, "float"))
        return lg_seterr(LG_EINVAL, "--precision '%s': use float or double", c->precision);
    c->nets = cfg->nets && strcmp(cfg->nets, "mlp") ? cfg->nets : NULL;
    if (c->threads < 1 || c->threads > LG_MAX_THREADS)
        return lg_seterr(LG_EINVAL, "--threads: %ld is not in [1, %d]", c->threads, LG_MAX_THREADS);
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
    if (c->nets) { /* the family fits the data (train's own check), before any classifier is trained */
        char g[512], d[512];
        if ((rc = lg_run_nets_for(c->ds, false, c->g_spec, c->nets, g, d, NULL, sizeof g)) != LG_OK)
            return rc;
    }
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
    if (!fresh) /* --collect: the plan's folder as it stands */
        return LG_OK;
    if ((rc = prepare_folder(c)) != LG_OK)
        return rc;
    return write_manifest(c);
}

int lg_compare_run(const lg_compare_config *cfg)
{
    cmp *c = lg_xcalloc(1, sizeof *c);
    c->last_tenth = -1;
    lg_compare_config planned;
    lg_strvec store = { 0 };
    int rc = LG_OK;
    if (cfg->collect) {
        lg_compare_config_init(&planned);
        planned.out = cfg->collect;
        planned.quiet = cfg->quiet;
        planned.progress = cfg->progress;
        planned.stop = cfg->stop;
        rc = lg_cmp_plan_read(cfg->collect, &planned, &store);
    }
    if (rc == LG_OK)
        rc = setup(c, cfg->collect ? &planned : cfg, !cfg->collect);
    if (rc == LG_OK && cfg->plan)
        rc = lg_cmp_plan_write(c, cfg);
    if (rc != LG_OK || cfg->plan) {
        if (c->ds)
            lg_dataset_free(c->ds);
        free(c);
        lg_strvec_free(&store);
        return rc;
    }
    c->t0 = lg_now();
    if (!c->quiet && cfg->collect)
        fprintf(stderr, "litgan compare: scoring the %zu planned runs (%zu losses x %ld seeds) on %s in %s\n",
                c->n_runs, c->n_losses, c->seeds, c->data, c->out);
    if (!c->quiet && !cfg->collect) {
        fprintf(stderr, "litgan compare: %zu runs (%zu losses x %ld seeds) on %s, %ld at a time, into %s\n",
                c->n_runs, c->n_losses, c->seeds, c->data, c->jobs, c->out);
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        if (cpus > 0 && c->jobs * c->threads > cpus)
            fprintf(stderr, "litgan compare: note: %ld runs at a time x %ld threads each on %ld CPUs: the runs "
                    "will slow each other (-j %ld --threads 1 uses them best)\n", c->jobs, c->threads, cpus, cpus);
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
    if (cfg->collect) {
        rc = lg_cmp_plan_collect(c);
        if (rc != LG_OK) {
            lg_dataset_free(c->ds);
            free(c);
            lg_strvec_free(&store);
            return rc;
        }
    } else {
        lg_cmp_run_all(c);
    }
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
    } else if (rc == LG_OK && cfg->collect && stopped) {
        rc = lg_seterr(LG_EINVAL, "%zu of %zu planned runs have not finished (marked stopped or not run in "
                       "runs.csv): run their commands (a stopped one with --resume), then collect again", stopped,
                       c->n_runs);
    } else if (rc == LG_OK && failed) {
        rc = lg_seterr(LG_EPLUGIN, "%zu of %zu runs failed (marked failed in report.md and runs.csv; each "
                       "run's message above)", failed, c->n_runs);
    }
    lg_dataset_free(c->ds);
    free(c);
    lg_strvec_free(&store); /* --collect: the plan's strings, which c's fields point into */
    return rc;
}
