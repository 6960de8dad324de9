/*
 * compare_plan.c - `litgan compare` on many machines: --plan FILE writes one
 * self-contained `litgan train` command per run (its loss, seed, steps and
 * output folder spelt out, paths absolute) for GNU parallel, a Slurm job array
 * or any batch system on machines that share the report folder, and the
 * folder's plan.txt; --collect DIR scores the finished runs of that plan (each
 * checkpoint opened read-only, its final generator evaluated as compare's own
 * children evaluate theirs) and writes the same report. A run whose stored
 * configuration is not the one planned (its hash) is refused, naming the run.
 *
 * plan.txt, one record a line (the first line names the format):
 *   litgan-compare-plan 1
 *   data SPEC | steps N | seeds K | batch B | budget steps|evals | g SPEC | d SPEC
 *   precision float   (only for float runs)   nets dcgan   (only for another family than mlp)
 *   loss SPEC   (each --losses / --loss entry, as given)   reg SPEC (each --reg)
 *   run LABEL SEED HASH STEPS   (every run: its configuration's hash, its steps)
 */
#include "compare.h"
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLAN_MAGIC "litgan-compare-plan 1"

/* A word for sh: itself when it is plain, else in single quotes. */
static void put_word(FILE *f, const char *w)
{
    bool plain = *w != '\0';
    for (const char *p = w; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+@%", *p) != NULL;
    if (plain) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = w; *p; p++)
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    fputc('\'', f);
}

/* The command that trains job j exactly as compare's child would. */
static void put_command(FILE *f, const cmp_job *j, const lg_run_config *rc, const char *exe, long threads)
{
    put_word(f, exe);
    fputs(" train --loss ", f);
    put_word(f, rc->loss);
    for (size_t i = 0; i < rc->n_regs; i++) {
        fputs(" --reg ", f);
        put_word(f, rc->regs[i]);
    }
    fputs(" --data ", f);
    put_word(f, rc->data);
    const char *spec[2] = { rc->g, rc->d }, *opt[2] = { "--g", "--d" };
    for (int k = 0; k < 2; k++)
        if (spec[k]) {
            fprintf(f, " %s ", opt[k]);
            put_word(f, spec[k]);
        }
    if (rc->precision)
        fprintf(f, " --precision %s", rc->precision);
    if (rc->nets) {
        fputs(" --nets ", f);
        put_word(f, rc->nets);
    }
    fprintf(f, " --steps %ld --seed %ld --batch %ld --log-every %ld --threads %ld --quiet --no-figures --out ",
            rc->steps, rc->seed, rc->batch, rc->log_every, threads);
    put_word(f, j->dir);
    fputc('\n', f);
}

/* The hash a run of rc stores (its effective options), by opening it in a
 * scratch folder: what --collect checks each finished run against. */
static int planned_hash(const lg_run_config *rc, uint64_t *hash)
{
    char tmp[] = "/tmp/litgan-plan-XXXXXX";
    if (!mkdtemp(tmp))
        return lg_seterr(LG_EIO, "cannot make a scratch folder in /tmp (%s)", strerror(errno));
    lg_run_config k = *rc;
    k.out = tmp;
    k.quiet = 1;
    k.force = 1;
    lg_run *r = NULL;
    int st = lg_run_open(&k, &r);
    if (st == LG_OK)
        *hash = r->hash;
    lg_run_close(r);
    lg_rm_rf(tmp);
    return st;
}

int lg_cmp_plan_write(cmp *c, const lg_compare_config *cfg)
{
    if (c->budget == CMP_BUDGET_SECONDS)
        return lg_seterr(LG_EINVAL, "--plan: a time budget (--budget %s) is compare's own clock; plan with "
                         "--budget steps or evals", cfg->budget);
    char abs_out[4096];
    if (!realpath(c->out, abs_out))
        return lg_seterr(LG_EIO, "--out %s: %s", c->out, strerror(errno));
    /* the runs' folders, absolute: the commands run from anywhere */
    for (size_t i = 0; i < c->n_runs; i++) {
        cmp_job *j = &c->runs[i];
        snprintf(j->dir, sizeof j->dir, "%s/runs/%s-s%ld", abs_out, j->l->label, j->seed);
    }
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, CMP_PLAN);
    FILE *plan = fopen(path, "w"), *cmds = fopen(cfg->plan, "w");
    if (!plan || !cmds) {
        int e = errno;
        if (plan)
            fclose(plan);
        if (cmds)
            fclose(cmds);
        return lg_seterr(LG_EIO, "--plan: cannot write %s (%s)", plan ? cfg->plan : path, strerror(e));
    }
    fprintf(plan, "%s\ndata %s\nsteps %ld\nseeds %ld\nbatch %ld\nbudget %s\n", PLAN_MAGIC, c->data, c->steps,
            c->seeds, c->batch, c->budget == CMP_BUDGET_EVALS ? "evals" : "steps");
    if (c->g_spec)
        fprintf(plan, "g %s\n", c->g_spec);
    if (c->precision)
        fprintf(plan, "precision %s\n", c->precision);
    if (c->nets)
        fprintf(plan, "nets %s\n", c->nets);
    if (c->d_spec)
        fprintf(plan, "d %s\n", c->d_spec);
    for (size_t l = 0; l < cfg->n_losses; l++)
        fprintf(plan, "loss %s\n", cfg->losses[l]);
    for (size_t r = 0; r < cfg->n_regs; r++)
        fprintf(plan, "reg %s\n", cfg->regs[r]);
    fprintf(cmds, "# litgan compare --plan: %zu runs, one command a line (each its own output folder).\n"
            "# Run them anywhere that sees %s, e.g. parallel -j 2 < %s,\n"
            "# then: litgan compare --collect %s\n", c->n_runs, abs_out, cfg->plan, abs_out);
    int rc = LG_OK;
    size_t *order = lg_xmalloc((c->n_runs ? c->n_runs : 1) * sizeof *order);
    lg_cmp_run_order(c, order); /* the longest first, as compare itself starts them */
    for (size_t i = 0; i < c->n_runs && rc == LG_OK; i++) {
        const cmp_job *j = &c->runs[order[i]];
        lg_run_config k;
        char dbuf[512];
        uint64_t hash = 0;
        lg_cmp_child_config(j, &k, dbuf, sizeof dbuf);
        if ((rc = planned_hash(&k, &hash)) != LG_OK) {
            rc = lg_seterr(rc, "--plan: %s seed %ld: %s", j->l->label, j->seed, lg_errmsg());
            break;
        }
        fprintf(plan, "run %s %ld %016llx %ld\n", j->l->label, j->seed, (unsigned long long)hash, k.steps);
        put_command(cmds, j, &k, cfg->exe ? cfg->exe : "litgan", c->threads);
    }
    free(order);
    bool ok = !ferror(plan) && !ferror(cmds);
    ok = (fclose(plan) == 0) & ok;
    ok = (fclose(cmds) == 0) & ok;
    if (rc == LG_OK && !ok)
        rc = lg_seterr(LG_EIO, "--plan: cannot write %s or %s", cfg->plan, path);
    if (rc == LG_OK && !c->quiet)
        fprintf(stderr, "litgan compare: %zu commands in %s (e.g. parallel -j 2 < %s); then litgan compare "
                "--collect %s\n", c->n_runs, cfg->plan, cfg->plan, abs_out);
    return rc;
}

/* --------------------------------------------------------------- collect --- */

int lg_cmp_plan_read(const char *dir, lg_compare_config *cfg, lg_strvec *store)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, CMP_PLAN);
    char *text = lg_read_file(path, NULL);
    if (!text)
        return lg_seterr(LG_EINVAL, "--collect %s: no %s there (it is written by litgan compare --plan)", dir,
                         CMP_PLAN);
    int rc = LG_OK;
    size_t line_no = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == LG_OK; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        if (line_no == 1) {
            if (strcmp(line, PLAN_MAGIC))
                rc = lg_seterr(LG_EFORMAT, "%s: not a plan of this litgan (its first line is not '%s')", path,
                               PLAN_MAGIC);
            continue;
        }
        char *sp = strchr(line, ' ');
        if (!sp) {
            rc = lg_seterr(LG_EFORMAT, "%s:%zu: not a plan line: %s", path, line_no, line);
            break;
        }
        *sp = '\0';
        const char *key = line, *val = sp + 1;
        if (!strcmp(key, "run"))
            continue;
        lg_strvec_push(store, val);
        const char *v = store->w[store->n - 1];
        long n = 0;
        if (!strcmp(key, "data"))
            cfg->data = v;
        else if (!strcmp(key, "g"))
            cfg->g = v;
        else if (!strcmp(key, "d"))
            cfg->d = v;
        else if (!strcmp(key, "budget"))
            cfg->budget = v;
        else if (!strcmp(key, "precision"))
            cfg->precision = v;
        else if (!strcmp(key, "nets"))
            cfg->nets = v;
        else if (!strcmp(key, "loss") && cfg->n_losses < LG_COMPARE_MAX_LOSSES)
            cfg->losses[cfg->n_losses++] = v;
        else if (!strcmp(key, "reg") && cfg->n_regs < LG_RUN_MAX_REGS)
            cfg->regs[cfg->n_regs++] = v;
        else if ((!strcmp(key, "steps") || !strcmp(key, "seeds") || !strcmp(key, "batch")) &&
                 lg_parse_whole(v, &n) && n > 0)
            *(!strcmp(key, "steps") ? &cfg->steps : !strcmp(key, "seeds") ? &cfg->seeds : &cfg->batch) = n;
        else
            rc = lg_seterr(LG_EFORMAT, "%s:%zu: not a plan line: %s %s", path, line_no, key, val);
    }
    free(text);
    return rc;
}

/* Column k of a CSV line, or NULL. */
static const char *csv_field(const char *line, long k)
{
    const char *p = line;
    for (long i = 0; i < k && p; i++)
        p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
    return p;
}

cmp_logged lg_cmp_read_log(const char *dir)
{
    cmp_logged g = { NAN, NAN, NAN, NAN };
    char path[4300];
    snprintf(path, sizeof path, "%s/log.csv", dir);
    char *text = lg_read_file(path, NULL);
    if (!text)
        return g;
    static const char *names[] = { "step", "loss_d", "loss_g", "steps_per_s" };
    long col[4] = { -1, -1, -1, -1 }, prev = 0;
    double sum = 0, secs = 0;
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        if (col[0] < 0) { /* the header */
            for (int c = 0; c < 4; c++)
                for (long k = 0; col[c] < 0 && csv_field(line, k); k++) {
                    const char *f = csv_field(line, k);
                    size_t len = strlen(names[c]);
                    if (!strncmp(f, names[c], len) && (f[len] == ',' || !f[len]))
                        col[c] = k;
                }
            if (col[0] < 0 || col[3] < 0)
                break;
            continue;
        }
        const char *f[4];
        for (int c = 0; c < 4; c++)
            f[c] = col[c] < 0 ? NULL : csv_field(line, col[c]);
        if (!f[0] || !f[3])
            continue;
        long step = strtol(f[0], NULL, 10);
        double rate = strtod(f[3], NULL);
        sum += rate;
        n++;
        if (rate > 0)
            secs += (double)(step - prev) / rate;
        prev = step;
        g.loss_d = f[1] ? strtod(f[1], NULL) : NAN;
        g.loss_g = f[2] ? strtod(f[2], NULL) : NAN;
    }
    free(text);
    if (n) {
        g.rate = sum / (double)n;
        g.secs = secs;
    }
    return g;
}

int lg_cmp_plan_collect(cmp *c)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->out, CMP_PLAN);
    char *text = lg_read_file(path, NULL);
    if (!text)
        return lg_seterr(LG_EIO, "--collect: cannot read %s", path);
    int rc = LG_OK;
    size_t found = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == LG_OK; line = strtok_r(NULL, "\n", &save)) {
        char label[CMP_LABEL];
        long seed, steps;
        unsigned long long hash;
        if (strncmp(line, "run ", 4) || sscanf(line + 4, "%127s %ld %llx %ld", label, &seed, &hash, &steps) != 4)
            continue;
        cmp_job *j = NULL;
        for (size_t i = 0; i < c->n_runs && !j; i++)
            if (!strcmp(c->runs[i].l->label, label) && c->runs[i].seed == seed)
                j = &c->runs[i];
        if (!j) {
            rc = lg_seterr(LG_EFORMAT, "%s: run %s seed %ld is not one of the plan's losses and seeds", path, label,
                           seed);
            break;
        }
        found++;
        lg_cmp_job_scores(j, NULL);
        char ckpt[4300];
        struct stat st;
        snprintf(ckpt, sizeof ckpt, "%s/checkpoint.bin", j->dir);
        if (stat(ckpt, &st) != 0) {
            j->state = CMP_NOT_RUN;
            continue;
        }
        lg_run *r = NULL;
        if (lg_run_load(j->dir, &r) != LG_OK) {
            fprintf(stderr, "litgan compare: %s seed %ld: %s\n", label, seed, lg_errmsg());
            j->state = CMP_FAILED;
            continue;
        }
        if (r->hash != hash) {
            rc = lg_seterr(LG_EINVAL, "--collect: %s holds a run of another configuration (hash %016llx, the "
                           "plan's %016llx): rerun its command from the plan, or plan again", j->dir,
                           (unsigned long long)r->hash, hash);
        } else if (r->step < steps) {
            j->state = CMP_STOPPED; /* its command again with --resume finishes it */
            j->steps_done = r->step;
        } else {
            lg_run_summary sum;
            if (lg_run_evaluate(r, c->ds->height ? LG_CMP_N_EVAL_IMAGES : LG_CMP_N_EVAL, &sum) == LG_OK) {
                cmp_logged g = lg_cmp_read_log(j->dir);
                sum.steps_per_s = g.rate;
                sum.loss_d = g.loss_d;
                sum.loss_g = g.loss_g;
                lg_cmp_job_scores(j, &sum);
                j->secs = g.secs;
                j->state = CMP_OK;
            } else {
                fprintf(stderr, "litgan compare: %s seed %ld: %s\n", label, seed, lg_errmsg());
                j->state = CMP_FAILED;
            }
        }
        lg_run_close(r);
    }
    free(text);
    if (rc == LG_OK && found != c->n_runs)
        rc = lg_seterr(LG_EFORMAT, "%s lists %zu runs, not the %zu of its losses and seeds: plan again", path, found,
                       c->n_runs);
    return rc;
}
