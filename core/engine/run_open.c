/*
 * run_open.c - opening a training run from a config struct: the options in
 * force (or those a checkpoint stored, on resume), memory checked before
 * anything is allocated, the plugins, data, networks and optimizers, the run
 * folder (never another run's unless forced), and the checkpoint read back;
 * lg_run_load: a run's checkpoint opened read-only (the resume path, nothing
 * written).
 * The steps: run.c.
 */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct lg_run run;

void lg_run_free_parts(run *r)
{
    if (r->log)
        fclose(r->log);
    for (int i = 0; i < LG_NET_COUNT; i++)
        lg_optim_free(r->opt[i]);
    if (r->game_ready) {
        lg_game_clear(&r->g);
    } else {
        lg_plugin_inst_close(&r->g.loss);
        for (size_t i = 0; i < r->g.n_regs; i++)
            lg_plugin_inst_close(&r->g.regs[i]);
    }
    lg_feature_stats_free(r->ref);
    lg_classifier_free(r->clf);
    lg_dataset_free(r->ds);
    if (r->eval_real)
        gsl_matrix_free(r->eval_real);
    lg_sliced_ref_free(r->sw_ref);
    if (r->eval_tape)
        lg_tape_free(r->eval_tape);
    if (r->eval_z)
        gsl_matrix_free(r->eval_z);
    if (r->rng)
        gsl_rng_free(r->rng);
    lg_strvec_free(&r->eff);
}

static double phys_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

double lg_run_memory_cap(bool *by_machine)
{
    double cap = (double)LG_RUN_MAX_BYTES, phys = phys_memory();
    bool m = phys > 0 && phys < cap;
    if (by_machine)
        *by_machine = m;
    return m ? phys : cap;
}

/* What the run will need at least, from the specs alone (nothing is allocated
 * yet): per network theta, gradient and the optimizer's two moments (8 bytes
 * each; a float run keeps a float copy of each too, 4 more), and values with
 * their gradients for every layer of G, D twice (real and fake) and E at the
 * batch (8 bytes each; in float 4 for the values, the gradients taking two
 * buffers of the widest layer), and of G at --samples. More than
 * LG_RUN_MAX_BYTES or the machine's memory is refused, naming the option that
 * asks for the most: an allocation that fails would abort without a word. */
static int check_memory(run *r)
{
    const char *spec[3] = { r->c.g, r->c.d, r->c.e }, *opt[3] = { "--g", "--d", "--e" };
    double params[3] = { 0 }, units[3] = { 0 };
    int rc;
    for (int i = 0; i < 3; i++)
        if (spec[i] && (rc = lg_net_spec_cost(spec[i], &params[i], &units[i])) != LG_OK)
            return lg_seterr(rc, "%s: %s", opt[i], lg_errmsg());
    bool f = r->c.precision && !strcmp(r->c.precision, "float");
    double per_param = f ? 48 : 32, per_unit = f ? 4 : 16;
    double part[5] = { per_param * params[0], per_param * params[1], per_param * params[2],
                       per_unit * (double)r->c.batch * (units[0] + 2 * units[1] + units[2]),
                       per_unit * (double)r->c.samples * units[0] };
    double total = 0;
    int big = 0;
    for (int i = 0; i < 5; i++) {
        total += part[i];
        if (part[i] > part[big])
            big = i;
    }
    bool by_phys;
    double cap = lg_run_memory_cap(&by_phys);
    if (total <= cap)
        return LG_OK;
    char what[600];
    if (big < 3)
        snprintf(what, sizeof what, "%s %s", opt[big], spec[big]);
    else
        snprintf(what, sizeof what, "%s %ld", big == 3 ? "--batch" : "--samples",
                 big == 3 ? r->c.batch : r->c.samples);
    const double gib = 1024.0 * 1024.0 * 1024.0;
    return lg_seterr(LG_ENOMEM, "%s: the run would need at least %.1f GiB of memory (%.1f GiB for %s), "
                     "more than the %.1f GiB a run may use (%s): %s", what, total / gib, part[big] / gib,
                     big < 3 ? "its parameters, gradients and optimizer state" : "values and gradients at "
                     "that many samples", cap / gib, by_phys ? "this machine's memory" : "LG_RUN_MAX_BYTES",
                     big < 3 ? "use smaller widths" : big == 3 ? "use a smaller --batch" : "use fewer --samples");
}

/* ------------------------------------------------------------------ setup --- */

static int open_nets(run *r)
{
    lg_net *G = NULL, *D = NULL, *E = NULL;
    int rc;
    /* the default networks fit the data and the loss */
    if ((rc = lg_run_nets_for(r->ds, r->encoder, r->c.g, r->c.nets, r->nets[0], r->nets[1], r->nets[2],
                              sizeof r->nets[0])) != LG_OK)
        return rc;
    if (!r->c.g)
        r->c.g = r->nets[0];
    if (!r->c.d)
        r->c.d = r->nets[1];
    if (!r->c.e && r->encoder)
        r->c.e = r->nets[2];
    if ((rc = check_memory(r)) != LG_OK)
        return rc;
    if ((rc = lg_net_parse(r->c.g, &G)) != LG_OK) {
        lg_seterr(rc, "--g: %s", lg_errmsg());
        return rc;
    }
    if ((rc = lg_net_parse(r->c.d, &D)) != LG_OK ||
        (r->c.e && (rc = lg_net_parse(r->c.e, &E)) != LG_OK)) {
        lg_seterr(rc, "%s: %s", D ? "--e" : "--d", lg_errmsg());
        lg_net_free(G);
        lg_net_free(D);
        return rc;
    }
    if (G->out_dim != r->ds->dim) {
        rc = lg_seterr(LG_EINVAL, "--g %s produces %zu values per sample but dataset %s has %zu "
                       "(make the last width %zu)", G->spec, G->out_dim, r->ds->name, r->ds->dim,
                       r->ds->dim);
        lg_net_free(G), lg_net_free(D), lg_net_free(E);
        return rc;
    }
    size_t d_in = G->out_dim + (r->encoder ? G->in_dim : 0);
    if (r->encoder && !E)
        rc = lg_seterr(LG_EINVAL, "--loss %s needs an encoder: give --e %zu-...-%zu (data -> noise)",
                       r->c.loss, G->out_dim, G->in_dim);
    else if (!r->encoder && E)
        rc = lg_seterr(LG_EINVAL, "--e is given but --loss %s uses no encoder", r->c.loss);
    else if (D->in_dim != d_in || D->out_dim != 1)
        rc = lg_seterr(LG_EINVAL, "--d %s must map %zu -> 1 (%s) ", D->spec, d_in,
                       r->encoder ? "the pair (x, z) concatenated, to a score" : "a sample to a score");
    if (rc != LG_OK) {
        lg_net_free(G), lg_net_free(D), lg_net_free(E);
        return rc;
    }
    rc = lg_game_init(&r->g, G, D, E, (size_t)r->c.batch, G->in_dim, r->rng);
    r->game_ready = true;
    if (rc != LG_OK)
        return rc;
    lg_net_init(G, r->rng);
    lg_net_init(D, r->rng);
    if (E)
        lg_net_init(E, r->rng);
    if (r->c.precision && strcmp(r->c.precision, "double")) {
        if (strcmp(r->c.precision, "float"))
            return lg_seterr(LG_EINVAL, "--precision '%s': use float or double", r->c.precision);
        lg_net *nets[] = { G, D, E };
        for (int i = 0; i < 3; i++)
            if (nets[i] && (rc = lg_net_set_precision(nets[i], LG_PREC_FLOAT)) != LG_OK)
                return lg_seterr(rc, "--precision float: %s", lg_errmsg());
    }
    return LG_OK;
}

static int open_plugins(run *r)
{
    int rc = lg_plugin_inst_open(r->c.loss, LG_PLUGIN_KIND_LOSS, &r->g.loss);
    if (rc != LG_OK)
        return rc;
    r->encoder = (r->g.loss.h->desc->flags & LG_PLUGIN_FLAG_ENCODER) != 0;
    for (size_t i = 0; i < r->c.n_regs; i++) {
        if ((rc = lg_plugin_inst_open(r->c.regs[i], LG_PLUGIN_KIND_REG, &r->g.regs[i])) != LG_OK)
            return rc;
        r->g.n_regs++;
        const char *name = r->g.regs[i].h->desc->name;
        if (!strcmp(name, r->g.loss.h->desc->name))
            return lg_seterr(LG_EPLUGIN, "%s: duplicate plugin name '%s'", r->g.regs[i].h->path, name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(name, r->g.regs[j].h->desc->name))
                return lg_seterr(LG_EPLUGIN, "%s: duplicate plugin name '%s' (already loaded from %s)",
                                 r->g.regs[i].h->path, name, r->g.regs[j].h->path);
    }
    return LG_OK;
}

static int open_optims(run *r)
{
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net *n = r->g.net[i];
        if (!n)
            continue;
        const char *spec = (i == LG_NET_D) ? r->c.opt_d : r->c.opt_g;
        int rc = lg_optim_parse(spec, n->n_params, &r->opt[i]);
        if (rc != LG_OK) {
            lg_seterr(rc, "%s: %s", i == LG_NET_D ? "--opt-d" : "--opt-g", lg_errmsg());
            return rc;
        }
        if (n->prec == LG_PREC_FLOAT)
            lg_optim_set_float(r->opt[i]);
    }
    return LG_OK;
}


/* Options that only change what is shown, where it goes or how long the run
 * goes: the only ones a resumed run takes, everything else is as it started. */
static int check_resume_config(const lg_run_config *c)
{
    const struct { const char *option; bool set; } shaping[] = {
        { "--loss", c->loss }, { "--reg", c->n_regs > 0 }, { "--data", c->data }, { "--g", c->g },
        { "--d", c->d }, { "--e", c->e }, { "--nets", c->nets }, { "--opt-d", c->opt_d },
        { "--opt-g", c->opt_g }, { "--d-steps", c->d_steps != LG_UNSET },
        { "--d-pretrain", c->d_pretrain != LG_UNSET },
        { "--batch", c->batch != LG_UNSET }, { "--seed", c->seed != LG_UNSET },
        { "--log-every", c->log_every != LG_UNSET }, { "--samples", c->samples != LG_UNSET },
        { "--simultaneous", c->simultaneous }, { "--out", c->out }, { "--precision", c->precision },
    };
    for (size_t i = 0; i < sizeof shaping / sizeof shaping[0]; i++)
        if (shaping[i].set)
            return lg_seterr(LG_EINVAL, "%s cannot change a resumed run (with --resume only "
                             "--steps, --ckpt-every, --quiet and --progress may be given)", shaping[i].option);
    return LG_OK;
}

/* The options a checkpoint stores, parsed into r->c and checked: parsed,
 * complete, the hash they carry is theirs, the step within the run. */
static int read_stored_options(run *r, const lg_run_config *uc, long *stored_step, uint64_t *stored_hash)
{
    int rc = lg_ckpt_read(r->path_ckpt, stored_step, stored_hash, &r->eff, NULL, NULL, NULL, true);
    if (rc != LG_OK)
        return rc;
    lg_run_config_init(&r->c);
    if ((rc = lg_run_words_parse(&r->eff, &r->c)) != LG_OK)
        return lg_seterr(rc, "%s: stored options: %s", r->path_ckpt, lg_errmsg());
    const char *missing = lg_run_words_missing(&r->c);
    if (missing)
        return lg_seterr(LG_EFORMAT, "%s: the stored options lack %s (not a checkpoint this litgan wrote; "
                         "start the run anew with --force)", r->path_ckpt, missing);
    if (lg_run_config_hash(&r->eff) != *stored_hash)
        return lg_seterr(LG_EFORMAT, "%s: stored configuration hash %016llx is not that of its stored "
                         "options (%016llx): the file was altered", r->path_ckpt,
                         (unsigned long long)*stored_hash, (unsigned long long)lg_run_config_hash(&r->eff));
    if (r->c.seed < 1 || (unsigned long)r->c.seed > 0xfffffffful)
        return lg_seterr(LG_EFORMAT, "%s: stored --seed %ld outside 1..4294967295", r->path_ckpt, r->c.seed);
    if (*stored_step > r->c.steps)
        return lg_seterr(LG_EFORMAT, "%s: stored step %ld is past the run's stored --steps %ld", r->path_ckpt,
                         *stored_step, r->c.steps);
    if (uc->steps != LG_UNSET && uc->steps < *stored_step)
        return lg_seterr(LG_EINVAL, "--steps %ld: the run in %s has done %ld steps already; give --steps "
                         "%ld or more (or leave --steps out to keep its %ld)", uc->steps, uc->resume,
                         *stored_step, *stored_step, r->c.steps);
    return LG_OK;
}

/* eff again from the resolved config, every field spelled out, and the
 * config re-pointed into it (its strings point into the words they came
 * from): what the checkpoint stores and the log's header shows. */
static void resolve_words(run *r)
{
    lg_strvec w = { 0 };
    lg_run_words_all(&r->c, &w);
    lg_run_config k;
    lg_run_config_init(&k);
    int rc = lg_run_words_parse(&w, &k);
    LG_ASSERT(rc == LG_OK, "a resolved config's words parse");
    k.out = r->c.out;
    k.quiet = r->c.quiet;
    k.progress = r->c.progress;
    k.resume = r->c.resume;
    k.force = r->c.force;
    k.stop = r->c.stop;
    r->c = k;
    lg_strvec_free(&r->eff);
    r->eff = w;
    r->hash = lg_run_config_hash(&r->eff);
}

/* runs/LOSS-DATA-sSEED-HASH: a run of other data or options gets a folder of
 * its own (the hash: the first 24 bits of the configuration's). */
static void default_out(run *r)
{
    char loss[LG_NAME_MAX], data[LG_NAME_MAX];
    const char *kv;
    if (lg_spec_split(r->c.loss, loss, &kv) != LG_OK)
        snprintf(loss, sizeof loss, "run");
    if (lg_spec_split(r->c.data, data, &kv) != LG_OK)
        snprintf(data, sizeof data, "data");
    const char *base = strrchr(loss, '/');
    base = base ? base + 1 : loss;
    size_t n = strlen(base);
    if (n > 3 && !strcmp(base + n - 3, ".so"))
        n -= 3;
    snprintf(r->out, sizeof r->out, "runs/%.*s-%s-s%ld-%06llx", (int)n, base, data, r->c.seed,
             (unsigned long long)(r->hash >> 40));
    r->c.out = r->out;
}

/* A new run never writes over another: a folder that holds one (its log or
 * checkpoint) is refused unless force. */
static int check_fresh_out(run *r, bool user_out, bool force)
{
    const char *files[] = { "log.csv", "checkpoint.bin" };
    for (int i = 0; i < 2; i++) {
        char path[4200];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", r->c.out, files[i]);
        if (lstat(path, &st) == 0 && !force)
            return lg_seterr(LG_EINVAL, "%s%s already holds a run (%s): continue it with --resume %s, or give "
                             "--force to start it anew", user_out ? "--out " : "", r->c.out, files[i], r->c.out);
    }
    return LG_OK;
}

/* Each optimizer steps once per update of its network: G (and E) once a
 * generator step, D d_steps times and its d_pretrain steps before the first:
 * a checkpoint whose counts say otherwise holds an impossible step. */
static int check_optim_steps(run *r)
{
    long d = 0;
    bool over = __builtin_mul_overflow(r->step, r->c.d_steps, &d) ||
                (r->step > 0 && __builtin_add_overflow(d, r->c.d_pretrain, &d));
    for (int i = 0; i < LG_NET_COUNT; i++) {
        if (!r->opt[i])
            continue;
        long want = i == LG_NET_D ? d : r->step;
        if ((i == LG_NET_D && over) || r->opt[i]->t != want)
            return lg_seterr(LG_EFORMAT, "%s: stored step %ld is impossible: the optimizer of network %s has "
                             "taken %ld steps, a run at that step %s%ld", r->path_ckpt, r->step,
                             i == LG_NET_G ? "G" : i == LG_NET_D ? "D" : "E", r->opt[i]->t,
                             over && i == LG_NET_D ? "more than " : "", want);
    }
    return LG_OK;
}

/* Where an option of the run came from, for messages that name what the
 * user typed: "given" (the command line), or the plugin whose defaults hold
 * it ("the default of --reg consensus"), or the stored options of a resumed
 * run. */
static void option_origin(run *r, const lg_run_config *uc, const char *word, bool given, char *out, size_t len)
{
    if (uc->resume) {
        snprintf(out, len, "stored with the run");
        return;
    }
    if (given) {
        snprintf(out, len, "given");
        return;
    }
    const lg_plugin_inst *in[1 + LG_RUN_MAX_REGS];
    size_t n = 0;
    in[n++] = &r->g.loss;
    for (size_t i = 0; i < r->g.n_regs; i++)
        in[n++] = &r->g.regs[i];
    for (size_t i = 0; i < n; i++) {
        const char *d = in[i]->h->desc->defaults;
        const char *p = d ? strstr(d, word) : NULL;
        if (p && (p[strlen(word)] == ' ' || !p[strlen(word)])) {
            snprintf(out, len, "the default of %s %s", i ? "--reg" : "--loss", i ? r->c.regs[i - 1] : r->c.loss);
            return;
        }
    }
    snprintf(out, len, "the default");
}

static int run_setup(run *r, const lg_run_config *uc)
{
    int rc;
    long stored_step = 0;
    uint64_t stored_hash = 0;
    bool unset_batch = false, unset_samples = false; /* images change their defaults */
    if (uc->resume) {
        if ((rc = check_resume_config(uc)) != LG_OK)
            return rc;
        if (uc->force)
            return lg_seterr(LG_EINVAL, "--force cannot go with --resume (--force starts a run anew)");
        snprintf(r->path_ckpt, sizeof r->path_ckpt, "%s/checkpoint.bin", uc->resume);
        if ((rc = read_stored_options(r, uc, &stored_step, &stored_hash)) != LG_OK)
            return rc;
        if (uc->steps != LG_UNSET)
            r->c.steps = uc->steps; /* the new length becomes part of the run */
        if (uc->ckpt_every != LG_UNSET)
            r->c.ckpt_every = uc->ckpt_every; /* else the stored interval */
    } else {
        if ((rc = lg_run_words_from_config(uc, &r->eff)) != LG_OK)
            return rc;
        lg_run_config_init(&r->c);
        if ((rc = lg_run_words_parse(&r->eff, &r->c)) != LG_OK)
            return rc;
        if (r->c.seed == 0)
            return lg_seterr(LG_EINVAL, "--seed 0: GSL turns seed 0 into its default 4357, so it would repeat "
                             "--seed 4357; give a seed of 1 or more");
        if (r->c.seed == LG_UNSET) {
            const char *env = getenv("GSL_RNG_SEED");
            r->c.seed = 1;
            if (env && *env) {
                if ((rc = lg_parse_long("GSL_RNG_SEED", env, 1, &r->c.seed)) != LG_OK)
                    return lg_seterr(rc, "%s (GSL turns 0 into 4357: seeds start at 1)", lg_errmsg());
            }
        }
        unset_batch = r->c.batch == LG_UNSET;
        unset_samples = r->c.samples == LG_UNSET;
        lg_run_config_fill(&r->c);
        if ((unsigned long)r->c.seed > 0xfffffffful) /* long is 64 bits where litgan builds */
            return lg_seterr(LG_EINVAL, "%s %ld: mt19937 keeps the low 32 bits of a seed, so it would repeat "
                             "--seed %lu; give a seed in 1..4294967295", uc->seed != LG_UNSET ? "--seed" :
                             "GSL_RNG_SEED", r->c.seed, (unsigned long)r->c.seed & 0xfffffffful);
    }
    /* options that are not part of the run's identity come from the caller */
    if (uc->resume || uc->out)
        snprintf(r->out, sizeof r->out, "%s", uc->resume ? uc->resume : uc->out);
    r->c.out = (uc->resume || uc->out) ? r->out : NULL;
    r->c.quiet = uc->quiet;
    r->c.progress = uc->progress;
    r->c.resume = uc->resume ? r->out : NULL; /* the run keeps no pointer of the caller's */
    r->c.force = uc->force;
    r->c.stop = uc->stop;
    r->c.nets = uc->nets; /* the networks it gives are stored, not the family */
    /* sizes that must fit in memory: refused in one line naming the option,
     * before anything is allocated (an unchecked allocation crashed) */
    if (r->c.batch > LG_RUN_MAX_BATCH)
        return lg_seterr(LG_EINVAL, "--batch %ld: at most %ld samples a batch", r->c.batch, (long)LG_RUN_MAX_BATCH);
    if (r->c.samples > LG_RUN_MAX_SAMPLES)
        return lg_seterr(LG_EINVAL, "--samples %ld: at most %ld samples are generated and scored", r->c.samples,
                         (long)LG_RUN_MAX_SAMPLES);
    r->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r->rng, (unsigned long)r->c.seed);
    if ((rc = lg_dataset_open(r->c.data, &r->ds)) != LG_OK)
        return lg_seterr(rc, "--data: %s", lg_errmsg());
    if (r->ds->height) {
        /* images: the seeds' batch of 64; 1,000 samples to score */
        if (unset_batch)
            r->c.batch = 64;
        if (unset_samples)
            r->c.samples = 1000;
    }
    if ((rc = open_plugins(r)) != LG_OK)
        return rc;
    if (r->c.simultaneous && r->c.d_steps != 1) {
        char a[LG_NAME_MAX + 64], b[LG_NAME_MAX + 64];
        option_origin(r, uc, "--simultaneous", uc->simultaneous, a, sizeof a);
        option_origin(r, uc, "--d-steps", uc->d_steps != LG_UNSET, b, sizeof b);
        return lg_seterr(LG_EINVAL, "--simultaneous (%s) needs one critic step per generator step, but --d-steps "
                         "is %ld (%s): give --d-steps 1, or leave out what asks for simultaneous steps",
                         a, r->c.d_steps, b);
    }
    if ((rc = open_nets(r)) != LG_OK || (rc = open_optims(r)) != LG_OK)
        return rc;
    resolve_words(r);
    if (uc->resume && r->hash != stored_hash)
        return lg_seterr(LG_EFORMAT, "%s: its options resolve to configuration %016llx, not the stored "
                         "%016llx (a plugin's defaults changed?)", r->path_ckpt, (unsigned long long)r->hash,
                         (unsigned long long)stored_hash);
    if (!r->c.out)
        default_out(r);
    if (!uc->resume && (rc = check_fresh_out(r, uc->out != NULL, uc->force)) != LG_OK)
        return rc;
    if (!r->readonly && (rc = lg_mkdir_p(r->c.out)) != LG_OK)
        return rc;
    snprintf(r->path_ckpt, sizeof r->path_ckpt, "%s/checkpoint.bin", r->c.out);
    snprintf(r->path_log, sizeof r->path_log, "%s/log.csv", r->c.out);
    r->ckpt_step = -1;
    if (uc->resume) {
        if (!r->readonly && (rc = lg_run_log_check(r)) != LG_OK)
            return rc;
        lg_strvec dummy = { 0 };
        rc = lg_ckpt_read(r->path_ckpt, &r->step, NULL, &dummy, r->rng, r->g.net, r->opt, false);
        lg_strvec_free(&dummy);
        if (rc != LG_OK || (rc = check_optim_steps(r)) != LG_OK)
            return rc;
        r->ckpt_step = r->step;
    }
    r->t_start = lg_now();
    r->step_first = r->step;
    return LG_OK;
}

int lg_run_open(const lg_run_config *c, lg_run **out)
{
    run *r = lg_xcalloc(1, sizeof *r);
    int rc = run_setup(r, c);
    if (rc != LG_OK) {
        lg_run_free_parts(r);
        free(r);
        *out = NULL;
        return rc;
    }
    *out = r;
    return LG_OK;
}

/* The resume path without its writes: the stored options, the nets and
 * optimizers read back and checked as a resume does; no folder made, the
 * log neither checked nor touched. */
int lg_run_load(const char *dir, lg_run **out)
{
    *out = NULL;
    struct stat st;
    char path[4200];
    snprintf(path, sizeof path, "%s/checkpoint.bin", dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return lg_seterr(LG_EINVAL, "%s: not a folder (name the folder of a run, e.g. runs/nsgan-ring8-s1-...)", dir);
    if (lstat(path, &st) != 0)
        return lg_seterr(LG_EINVAL, "%s: no checkpoint.bin there (not a run's folder, or a run stopped before its "
                         "first checkpoint)", dir);
    lg_run_config c;
    lg_run_config_init(&c);
    c.resume = dir;
    c.quiet = 1;
    run *r = lg_xcalloc(1, sizeof *r);
    r->readonly = true;
    int rc = run_setup(r, &c);
    if (rc != LG_OK) {
        lg_run_free_parts(r);
        free(r);
        return rc;
    }
    *out = r;
    return LG_OK;
}
