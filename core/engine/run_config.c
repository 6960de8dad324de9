/*
 * run_config.c - a run's configuration: the config struct's "unset" state and
 * defaults, the default networks (the one place they are written), and the
 * words of the command line that plugins (their `defaults`) and checkpoints
 * (the options that define a run) speak.
 *
 * The effective options of a new run are words: the loss plugin's defaults,
 * then each regularizer's, then the config's fields, so the config wins.
 */
#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void lg_run_config_init(lg_run_config *c)
{
    memset(c, 0, sizeof *c);
    c->d_steps = c->d_pretrain = c->steps = c->batch = c->seed = LG_UNSET;
    c->log_every = c->ckpt_every = c->samples = LG_UNSET;
    c->progress = -1;
}

int lg_parse_long(const char *what, const char *text, long lo, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (!*text || *end || errno || x < lo)
        return lg_seterr(LG_EINVAL, "%s '%s': expected a whole number >= %ld", what, text, lo);
    *out = x;
    return LG_OK;
}

/* The first width of a spec ("2-128r-1" -> 2; an image "2x5x5-..." -> 50), 0
 * when there is none. */
static size_t first_width(const char *spec)
{
    size_t w = 1;
    const char *p = spec;
    for (int i = 0; p && i < 3; i++) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p)
            return 0;
        w *= v;
        if (*end != 'x')
            break;
        p = end + 1;
    }
    return spec ? w : 0;
}

void lg_run_default_nets(const lg_dataset *ds, bool encoder, const char *g_spec, char *g, char *d, char *e,
                         size_t len)
{
    size_t x_dim = ds->dim;
    if (ds->height) {
        /* images: the MLP GAN of the PyTorch-GAN collection's MNIST example
         * (LeakyReLU 0.2, BatchNorm with its eps of 0.8, tanh pixels), the
         * encoder D's mirror into the noise */
        size_t z_dim = g_spec && first_width(g_spec) ? first_width(g_spec) : 100;
        snprintf(g, len, "%zu-128l-256b0.8l-512b0.8l-1024b0.8l-%zut", z_dim, x_dim);
        snprintf(d, len, "%zu-512l-256l-1", x_dim + (encoder ? z_dim : 0));
        if (e)
            snprintf(e, len, "%zu-512l-256l-%zu", x_dim, z_dim);
        return;
    }
    if (!encoder && !strcmp(ds->name, "dirac")) {
        /* the Dirac-GAN's players: G(z) = theta, D(x) = psi x (one parameter each) */
        snprintf(g, len, "%zu-1c", g_spec && first_width(g_spec) ? first_width(g_spec) : 1);
        snprintf(d, len, "1-1n");
        return;
    }
    size_t z_dim = g_spec && first_width(g_spec) ? first_width(g_spec) : 2;
    snprintf(g, len, "%zu-128r-128r-%zu", z_dim, x_dim);
    snprintf(d, len, "%zu-128r-128r-1", x_dim + (encoder ? z_dim : 0));
    if (e)
        snprintf(e, len, "%zu-128r-128r-%zu", x_dim, z_dim);
}

int lg_run_nets_for(const lg_dataset *ds, bool encoder, const char *g_spec, const char *family,
                    char *g, char *d, char *e, size_t len)
{
    if (!family || !strcmp(family, "mlp")) {
        lg_run_default_nets(ds, encoder, g_spec, g, d, e, len);
        return LG_OK;
    }
    if (strcmp(family, "dcgan"))
        return lg_seterr(LG_EINVAL, "--nets '%s': the families are mlp (the default) and dcgan (images)", family);
    size_t h = ds->height, w = ds->width;
    if (!h || h % 4 || w % 4)
        return lg_seterr(LG_EINVAL, "--nets dcgan: --data %s is %s; DCGAN's two stride-2 layers need images whose "
                         "height and width are multiples of 4 (--data mnist or fashion)", ds->name,
                         h ? "images whose sides are not multiples of 4" : "not images");
    lg_run_default_nets(ds, encoder, g_spec, g, d, e, len);
    size_t c = ds->dim / (h * w), z_dim = g_spec && first_width(g_spec) ? first_width(g_spec) : 100;
    /* DCGAN (Radford et al. 2016) at MNIST's size: G projects z to 128
     * channels at a quarter of the size, two transposed convolutions double
     * it (BatchNorm, ReLU; tanh pixels); D mirrors it with strided
     * convolutions (LeakyReLU 0.2, BatchNorm on the second) and a Linear score */
    snprintf(g, len, "%zu-%zubr-128x%zux%zu-T64k4s2p1br-T%zuk4s2p1t", z_dim, 128 * (h / 4) * (w / 4), h / 4,
             w / 4, c);
    if (!encoder)
        snprintf(d, len, "%zux%zux%zu-C64k4s2p1l-C128k4s2p1bl-1", c, h, w);
    else /* the joint critic on (x, z): x through the same convolutions, z
          * carried past them and joined before a Linear layer (BiGAN's D) */
        snprintf(d, len, "%zux%zux%zu+%zu-C64k4s2p1l-C128k4s2p1bl-+%zu-1024l-1", c, h, w, z_dim, z_dim);
    if (e)
        snprintf(e, len, "%zux%zux%zu-C64k4s2p1l-C128k4s2p1bl-%zu", c, h, w, z_dim);
    return LG_OK;
}

/* Fill what is still unset with the engine's defaults (networks excepted:
 * they depend on the data and the loss, see run.c). */
void lg_run_config_fill(lg_run_config *c)
{
    if (!c->data) c->data = "ring8";
    if (!c->opt_d) c->opt_d = "adam:lr=2e-4,b1=0.5";
    if (!c->opt_g) c->opt_g = "adam:lr=2e-4,b1=0.5";
    if (c->d_steps == LG_UNSET) c->d_steps = 1;
    if (c->d_pretrain == LG_UNSET) c->d_pretrain = 0;
    if (c->steps == LG_UNSET) c->steps = 2000;
    if (c->batch == LG_UNSET) c->batch = 256;
    if (c->log_every == LG_UNSET) c->log_every = 100;
    if (c->ckpt_every == LG_UNSET) c->ckpt_every = 500;
    if (c->samples == LG_UNSET) c->samples = 2500;
}

/* Split a defaults string on spaces. */
static void words_split(lg_strvec *v, const char *s)
{
    while (s && *s) {
        s += strspn(s, " \t");
        size_t n = strcspn(s, " \t");
        if (n) {
            char *w = lg_xmalloc(n + 1);
            memcpy(w, s, n);
            w[n] = '\0';
            lg_strvec_push(v, w);
            free(w);
        }
        s += n;
    }
}

/* Words -> config. Pointers into w stay valid while w lives. */
int lg_run_words_parse(const lg_strvec *w, lg_run_config *c)
{
    static const struct { const char *word; size_t off; long lo; } nums[] = {
        { "--d-steps", offsetof(lg_run_config, d_steps), 1 },
        { "--d-pretrain", offsetof(lg_run_config, d_pretrain), 0 },
        { "--steps", offsetof(lg_run_config, steps), 0 },
        { "--batch", offsetof(lg_run_config, batch), 1 },
        { "--seed", offsetof(lg_run_config, seed), 0 },
        { "--log-every", offsetof(lg_run_config, log_every), 1 },
        { "--ckpt-every", offsetof(lg_run_config, ckpt_every), 1 },
        { "--samples", offsetof(lg_run_config, samples), 1 },
    };
    static const struct { const char *word; size_t off; } strs[] = {
        { "--loss", offsetof(lg_run_config, loss) }, { "--data", offsetof(lg_run_config, data) },
        { "--g", offsetof(lg_run_config, g) }, { "--d", offsetof(lg_run_config, d) },
        { "--e", offsetof(lg_run_config, e) }, { "--opt-d", offsetof(lg_run_config, opt_d) },
        { "--opt-g", offsetof(lg_run_config, opt_g) }, { "--precision", offsetof(lg_run_config, precision) },
    };
    for (size_t i = 0; i < w->n; i++) {
        const char *o = w->w[i];
        const char *v = (i + 1 < w->n) ? w->w[i + 1] : NULL;
        bool known = false;
        if (!strcmp(o, "--simultaneous")) {
            c->simultaneous = 1;
            continue;
        }
        for (size_t k = 0; !known && k < sizeof strs / sizeof strs[0]; k++)
            if (!strcmp(o, strs[k].word)) {
                if (!v)
                    return lg_seterr(LG_EINVAL, "%s needs a value", o);
                *(const char **)((char *)c + strs[k].off) = v;
                known = true;
            }
        for (size_t k = 0; !known && k < sizeof nums / sizeof nums[0]; k++)
            if (!strcmp(o, nums[k].word)) {
                if (!v)
                    return lg_seterr(LG_EINVAL, "%s needs a value", o);
                int rc = lg_parse_long(o, v, nums[k].lo, (long *)((char *)c + nums[k].off));
                if (rc != LG_OK)
                    return rc;
                known = true;
            }
        if (!known && !strcmp(o, "--reg")) {
            if (!v)
                return lg_seterr(LG_EINVAL, "%s needs a value", o);
            if (c->n_regs == LG_RUN_MAX_REGS)
                return lg_seterr(LG_EINVAL, "--reg: at most %d regularizers", LG_RUN_MAX_REGS);
            c->regs[c->n_regs++] = v;
            known = true;
        }
        if (!known)
            return lg_seterr(LG_EINVAL, "unknown option '%s' in a plugin's defaults or a checkpoint", o);
        i++;
    }
    return LG_OK;
}

static void push_num(lg_strvec *v, const char *word, long x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", x);
    lg_strvec_push(v, word);
    lg_strvec_push(v, buf);
}

static void push_str(lg_strvec *v, const char *word, const char *s)
{
    if (s) {
        lg_strvec_push(v, word);
        lg_strvec_push(v, s);
    }
}

/* The config's fields that shape the run, in a fixed order. */
static void config_words(const lg_run_config *c, lg_strvec *v)
{
    push_str(v, "--loss", c->loss);
    for (size_t i = 0; i < c->n_regs; i++)
        push_str(v, "--reg", c->regs[i]);
    push_str(v, "--data", c->data);
    push_str(v, "--g", c->g);
    push_str(v, "--d", c->d);
    push_str(v, "--e", c->e);
    push_str(v, "--opt-d", c->opt_d);
    push_str(v, "--opt-g", c->opt_g);
    const struct { const char *word; long x; } nums[] = {
        { "--d-steps", c->d_steps }, { "--d-pretrain", c->d_pretrain }, { "--steps", c->steps },
        { "--batch", c->batch }, { "--seed", c->seed }, { "--log-every", c->log_every },
        { "--samples", c->samples }, { "--ckpt-every", c->ckpt_every },
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (nums[i].x != LG_UNSET)
            push_num(v, nums[i].word, nums[i].x);
    if (c->simultaneous)
        lg_strvec_push(v, "--simultaneous");
    /* only when not the default: a double run's words (and hash) are as they
     * were before there was a choice */
    if (c->precision && strcmp(c->precision, "double"))
        push_str(v, "--precision", c->precision);
}

int lg_run_words_from_config(const lg_run_config *uc, lg_strvec *eff)
{
    /* no loss named: the non-saturating GAN, the seeds' BCE pair */
    lg_run_config k = *uc;
    if (!k.loss)
        k.loss = "nsgan";
    const lg_run_config *c = &k;
    lg_plugin_inst pi;
    int rc = lg_plugin_inst_open(c->loss, LG_PLUGIN_KIND_LOSS, &pi);
    if (rc != LG_OK)
        return lg_seterr(rc, "--loss %s: %s", c->loss, lg_errmsg());
    /* the loss's defaults; a regularizer it prescribes (WGAN's clipping) only
     * when the config names none */
    lg_strvec d = { 0 };
    words_split(&d, pi.h->desc->defaults);
    lg_plugin_inst_close(&pi);
    for (size_t i = 0; i < d.n; i++) {
        if (c->n_regs && !strcmp(d.w[i], "--reg") && i + 1 < d.n) {
            i++;
            continue;
        }
        lg_strvec_push(eff, d.w[i]);
    }
    lg_strvec_free(&d);
    /* then each regularizer's defaults (consensus asks for simultaneous steps) */
    for (size_t i = 0; i < c->n_regs; i++) {
        if ((rc = lg_plugin_inst_open(c->regs[i], LG_PLUGIN_KIND_REG, &pi)) != LG_OK)
            return lg_seterr(rc, "--reg %s: %s", c->regs[i], lg_errmsg());
        words_split(eff, pi.h->desc->defaults);
        lg_plugin_inst_close(&pi);
    }
    config_words(c, eff);
    return LG_OK;
}

/* A resolved config (every field set) as words, in config_words' fixed order:
 * what a checkpoint stores, so a resumed run depends on no default. */
void lg_run_words_all(const lg_run_config *c, lg_strvec *eff) { config_words(c, eff); }

/* The words a resolved run must have stored; the first one missing, or NULL.
 * (--e only with an encoder loss: the network setup checks it.) */
const char *lg_run_words_missing(const lg_run_config *c)
{
    const struct { const char *word; bool set; } need[] = {
        { "--loss", c->loss }, { "--data", c->data }, { "--g", c->g }, { "--d", c->d },
        { "--opt-d", c->opt_d }, { "--opt-g", c->opt_g }, { "--d-steps", c->d_steps != LG_UNSET },
        { "--d-pretrain", c->d_pretrain != LG_UNSET }, { "--steps", c->steps != LG_UNSET },
        { "--batch", c->batch != LG_UNSET }, { "--seed", c->seed != LG_UNSET },
        { "--log-every", c->log_every != LG_UNSET }, { "--samples", c->samples != LG_UNSET },
        { "--ckpt-every", c->ckpt_every != LG_UNSET },
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!need[i].set)
            return need[i].word;
    return NULL;
}

/* FNV-1a (64 bits) of the words, each ended by a NUL, leaving out what a
 * resume may change (--steps, --ckpt-every and their values): the same run
 * has the same hash from its first step to its last. */
uint64_t lg_run_config_hash(const lg_strvec *eff)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < eff->n; i++) {
        if ((!strcmp(eff->w[i], "--steps") || !strcmp(eff->w[i], "--ckpt-every")) && i + 1 < eff->n) {
            i++;
            continue;
        }
        for (const unsigned char *p = (const unsigned char *)eff->w[i];; p++) {
            h = (h ^ *p) * 1099511628211ull;
            if (!*p)
                break;
        }
    }
    return h;
}
