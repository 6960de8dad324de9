/*
 * labkit.c - the lab kit: the pieces every lab's experiment.c is made of
 * (declared with a comment each in lg_lab.h, "the lab kit").
 *
 *   lab.ini        a table of {key, type, pointer} per lab, read by one inih
 *                  handler; the lab's checks of ranges stay in the lab;
 *   training       the runner's options from the lab's settings (lg_run_open);
 *   student code   the lab's files built as they stand and opened with dlopen:
 *                  `litgan lab NN` is the student's own run of their own code,
 *                  so unlike grading it runs in this process;
 *   1D pictures    samples of G, values of D, p_data, and a kernel density
 *                  estimate of p_g;
 *   figures        the lab's static gnuplot scripts (the .gp files of
 *                  labs/NN-name) copied next to their data (a script the
 *                  student edited there is kept: scripts.sums), a generated
 *                  settings.gp with the run's values that they load, and
 *                  gnuplot run in that folder
 *                  (litgan compare runs its scripts through the same function);
 *   crashes        labcrash.c: a crash in student code names file, function
 *                  and step.
 */
#include "lg_course.h"
#include "lg_labcrash.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>
#include <zlib.h>

/* ================================================================ lab.ini === */

/* The valid values of each key type, and of the GAN's keys (what lg_run
 * accepts): a value outside is refused on its line, before a lab sizes an
 * array by it or hands it to an integrator (samples = 100000000000 aborted on
 * memory, grid = -1e308, 1e308, 401 printed 64 GSL errors and exited 0). */
#define LONG_MAX_VALUE 10000000L   /* LONG, LONGS: counts, sizes, steps of a lab */
#define DOUBLE_MAX_ABS 1e4         /* DOUBLES: coordinates (data lies within 1e3) */
#define DOUBLE_RANGE "[-1e4, 1e4]"
#define POSITIVE_MIN 1e-6          /* POSITIVE: widths, bandwidths */
#define POSITIVE_MAX 1e6
#define POSITIVE_RANGE "[1e-6, 1e6]"

static const struct { const char *key; long lo, hi; } gan_bounds[] = {
    { "batch", 1, 1048576 }, { "steps", 0, 100000000 }, { "seed", 1, 4294967295L },
    { "d_steps", 1, 1000 }, { "d_pretrain", 0, 100000000 },
};

/* The next comma-separated item of *v, blanks around it removed, into buf
 * (false when it does not fit); *v moves past its comma. */
static bool next_item(const char **v, char *buf, size_t len)
{
    const char *s = *v + strspn(*v, " \t");
    size_t n = strcspn(s, ",");
    *v = s + n + (s[n] == ',');
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= len)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

/* "0, 200, 1000" -> out[0..*n): 1..max whole numbers in [lo, hi]. */
static int parse_longs(const char *v, long *out, size_t max, size_t *n, long lo, long hi)
{
    *n = 0;
    char item[64];
    do {
        long x;
        if (*n == max || !next_item(&v, item, sizeof item) || !lg_parse_whole(item, &x) || x < lo || x > hi)
            return LG_EINVAL;
        out[(*n)++] = x;
    } while (*v);
    return LG_OK;
}

/* "a, b, c" -> exactly n numbers in [lo, hi]. */
static int parse_doubles(const char *v, double *out, size_t n, double lo, double hi)
{
    char item[64];
    for (size_t i = 0; i < n; i++)
        if (!*v || !next_item(&v, item, sizeof item) || !lg_parse_decimal(item, &out[i]) || out[i] < lo ||
            out[i] > hi)
            return LG_EINVAL;
    return *v ? LG_EINVAL : LG_OK;
}

/* Parse v into k's pointer; on failure, what a valid value is, into why. */
static int set_value(const lg_labkit_key *k, bool gan_key, const char *v, char *why, size_t len)
{
    size_t n;
    long lo = 0, hi = LONG_MAX_VALUE;
    for (size_t i = 0; gan_key && i < sizeof gan_bounds / sizeof gan_bounds[0]; i++)
        if (!strcmp(k->name, gan_bounds[i].key))
            lo = gan_bounds[i].lo, hi = gan_bounds[i].hi;
    switch (k->type) {
    case LG_LABKIT_STRING:
        snprintf(why, len, "at most %zu characters", k->size - 1);
        if (strlen(v) >= k->size)
            return LG_EINVAL;
        memcpy(k->ptr, v, strlen(v) + 1);
        return LG_OK;
    case LG_LABKIT_LONG:
        snprintf(why, len, "one whole number in %ld..%ld", lo, hi);
        return parse_longs(v, k->ptr, 1, &n, lo, hi);
    case LG_LABKIT_LONGS:
        snprintf(why, len, "1 to %zu whole numbers in %ld..%ld, separated by commas", k->size, lo, hi);
        return parse_longs(v, k->ptr, k->size, k->count, lo, hi);
    case LG_LABKIT_DOUBLES:
        snprintf(why, len, "%zu decimal numbers in " DOUBLE_RANGE ", separated by commas", k->size);
        return parse_doubles(v, k->ptr, k->size, -DOUBLE_MAX_ABS, DOUBLE_MAX_ABS);
    case LG_LABKIT_POSITIVE:
        snprintf(why, len, "one decimal number in " POSITIVE_RANGE);
        return parse_doubles(v, k->ptr, 1, POSITIVE_MIN, POSITIVE_MAX);
    }
    return LG_EINVAL;
}

typedef struct key_table {
    const lg_labkit_key *keys[2];   /* the GAN's, the lab's */
    size_t n[2];
    const char *profile;            /* the section that overrides [experiment], or NULL */
    char bad[320];                  /* why the first bad line is bad (inih reports its number) */
    bool profile_seen;              /* the profile's section is there */
} key_table;

/* The key called name, and whether it is one of the GAN's (table 0). */
static const lg_labkit_key *find_key(const key_table *t, const char *name, bool *gan_key)
{
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < t->n[k]; i++)
            if (!strcmp(t->keys[k][i].name, name)) {
                *gan_key = k == 0;
                return &t->keys[k][i];
            }
    return NULL;
}

/* The experiment's sections: [experiment], the profiles [smoke] and [full],
 * and longer variants of the full run [full-NAME] (Lab 06's [full-conv]). */
static bool is_profile(const char *s)
{
    return !strcmp(s, "smoke") || !strcmp(s, "full") || (!strncmp(s, "full-", 5) && s[5]);
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    key_table *t = user;
    char why[sizeof t->bad];
    const lg_labkit_key *key;
    bool gan_key = false;
    char valid[160];
    if (!strcmp(section, "lab") || !strncmp(section, "task ", 5) || !strncmp(section, "question ", 9))
        return 1; /* the registry's */
    bool apply = !strcmp(section, "experiment") || (t->profile && !strcmp(section, t->profile));
    t->profile_seen |= t->profile && !strcmp(section, t->profile);
    if (strcmp(section, "experiment") != 0 && !is_profile(section))
        snprintf(why, sizeof why, "unknown section [%s] (an experiment's sections: [experiment], [smoke], [full], "
                 "[full-NAME])", section);
    else if (!(key = find_key(t, name, &gan_key)))
        snprintf(why, sizeof why, "unknown key '%s'", name);
    else if (!apply) /* another profile's value: checked, not taken */
        return 1;
    else if (set_value(key, gan_key, value, valid, sizeof valid) != LG_OK)
        snprintf(why, sizeof why, "bad value '%s' for %s: give %s", value, name, valid);
    else
        return 1;
    if (!t->bad[0]) /* inih goes on and returns the first bad line: keep its reason */
        snprintf(t->bad, sizeof t->bad, "%s", why);
    return 0;
}

int lg_labkit_read_ini(const lg_lab_run *run, lg_labkit_gan *gan, const lg_labkit_key *keys, size_t n)
{
    const char *path = run->ini_path;
    if (run->profile && !is_profile(run->profile))
        return lg_seterr(LG_EINVAL, "%s: no profile '%s' (profiles: smoke, full, full-NAME)", path, run->profile);
    const lg_labkit_key gan_keys[] = {
        { "data", LG_LABKIT_STRING, gan ? gan->data : NULL, sizeof gan->data, NULL },
        { "g", LG_LABKIT_STRING, gan ? gan->g : NULL, sizeof gan->g, NULL },
        { "d", LG_LABKIT_STRING, gan ? gan->d : NULL, sizeof gan->d, NULL },
        { "opt_d", LG_LABKIT_STRING, gan ? gan->opt_d : NULL, sizeof gan->opt_d, NULL },
        { "opt_g", LG_LABKIT_STRING, gan ? gan->opt_g : NULL, sizeof gan->opt_g, NULL },
        { "batch", LG_LABKIT_LONG, gan ? &gan->batch : NULL, 1, NULL },
        { "steps", LG_LABKIT_LONG, gan ? &gan->steps : NULL, 1, NULL },
        { "seed", LG_LABKIT_LONG, gan ? &gan->seed : NULL, 1, NULL },
        { "d_steps", LG_LABKIT_LONG, gan ? &gan->d_steps : NULL, 1, NULL },
        { "d_pretrain", LG_LABKIT_LONG, gan ? &gan->d_pretrain : NULL, 1, NULL },
        { "precision", LG_LABKIT_STRING, gan ? gan->precision : NULL, sizeof gan->precision, NULL },
    };
    key_table t = { { gan_keys, keys }, { gan ? sizeof gan_keys / sizeof gan_keys[0] : 0, n }, run->profile, "",
                    false };
    int line = ini_parse(path, on_ini, &t);
    if (line < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the experiment definition", path);
    if (line > 0) {
        const char *why = t.bad[0] ? t.bad : lg_ini_bad_line(path, &line);
        return lg_seterr(LG_EFORMAT, "%s:%d: %s", path, line, why);
    }
    if (run->profile && !t.profile_seen)
        return lg_seterr(LG_EINVAL, "%s has no [%s] section: %s", path, run->profile,
                         strcmp(run->profile, "full") ? "add one" : "this lab's default run is its full setting");
    return LG_OK;
}

/* =============================================================== training === */

int lg_labkit_run_open(const lg_labkit_gan *s, const char *loss_so, const char *run_dir, lg_run **out)
{
    lg_run_config c;
    lg_run_config_init(&c);
    c.loss = loss_so;
    c.data = s->data;
    c.g = s->g;
    c.d = s->d;
    c.opt_d = s->opt_d;
    c.opt_g = s->opt_g;
    c.batch = s->batch;
    c.steps = s->steps;
    c.seed = s->seed;
    c.d_steps = s->d_steps;
    c.d_pretrain = s->d_pretrain;
    c.precision = s->precision[0] ? s->precision : NULL;
    c.out = run_dir;
    c.quiet = 1;
    lg_labkit_phase("opening the training run (loading the loss plugin)", -1);
    return lg_run_open(&c, out);
}

int lg_labkit_run_step(lg_run *run, long step, const char *what)
{
    lg_labcrash_step(what, step, true);
    int rc = lg_run_step(run);
    lg_labcrash_step(what, step, false);
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg()); /* lg_seterr would read its own buffer */
        lg_seterr(rc, "%s, training step %ld: %s", what, step, why);
    }
    return rc;
}


/* ========================================================== student code === */

int lg_labkit_files_open(const lg_lab *lab, lg_submission **out)
{
    lg_submission *sub = lg_xcalloc(1, sizeof *sub);
    *out = NULL;
    int rc = lg_submission_build(lab, NULL, sub);
    if (rc != LG_OK) {
        free(sub);
        return rc;
    }
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (sub->compile_error[i][0] || !sub->so_path[i][0]) {
            rc = lg_seterr(LG_EINVAL, "%s does not compile: %s", lab->files[i],
                           sub->compile_error[i][0] ? sub->compile_error[i] : "no object built");
            lg_labkit_files_close(sub);
            return rc;
        }
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        lg_labcrash_add(sub->so_path[i], lab->files[i]);
    lg_labkit_phase("checking which of your functions are implemented, before training", -1);
    *out = sub;
    return LG_OK;
}

int lg_labkit_other_files_open(const lg_lab *lab, const char *other, lg_submission **out)
{
    *out = NULL;
    const lg_lab *o = lg_lab_find(other);
    if (!o)
        return lg_seterr(LG_EINVAL, "Lab %02d's experiment needs Lab %s's files too: %s", lab->number, other,
                         lg_errmsg());
    int rc = lg_labkit_files_open(o, out);
    if (rc != LG_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", lg_errmsg());
        return lg_seterr(rc, "Lab %02d's experiment uses Lab %02d's files too (%s): %s", lab->number, o->number,
                         o->title, why);
    }
    return LG_OK;
}

void lg_labkit_files_close(lg_submission *sub)
{
    if (!sub)
        return;
    for (size_t i = 0; i < LG_MAX_LAB_FILES && sub->lab->files[i]; i++)
        lg_labcrash_remove(sub->so_path[i]);
    lg_submission_free(sub);
    free(sub);
}

const char *lg_labkit_object(const lg_submission *sub, size_t i)
{
    return i < LG_MAX_LAB_FILES ? sub->so_path[i] : "";
}

void *lg_labkit_dlopen(const lg_submission *sub, size_t i)
{
    void *dl = dlopen(sub->so_path[i], RTLD_NOW | RTLD_LOCAL);
    if (!dl)
        lg_seterr(LG_EPLUGIN, "%s: %s", sub->lab->files[i], dlerror());
    return dl;
}

void *lg_labkit_calloc(size_t n, size_t size, const char *what)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        lg_seterr(LG_ENOMEM, "out of memory: %s (%zu x %zu bytes)", what, n, size);
    return p;
}

void *lg_labkit_sym(void *dl, const char *name)
{
    void *f = dl ? dlsym(dl, name) : NULL;
    if (!f)
        lg_seterr(LG_EPLUGIN, "no function %s (was it renamed?)", name);
    return f;
}

/* ============================================================ 1D pictures === */

int lg_labkit_dataset_1d(const char *spec, const char *ini_path, lg_dataset **out)
{
    int rc = lg_dataset_open(spec, out);
    if (rc != LG_OK)
        return rc;
    if (lg_dataset_dim(*out) != 1 || !lg_dataset_has_density(*out)) {
        lg_dataset_free(*out);
        *out = NULL;
        return lg_seterr(LG_EINVAL, "%s: data = %s must be 1D with an exact density (mog1d)", ini_path, spec);
    }
    return LG_OK;
}

void lg_labkit_data_samples(const lg_dataset *ds, unsigned long seed, size_t n, double *out)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gsl_matrix_view v = gsl_matrix_view_array(out, n, 1); /* (n, 1) */
    lg_dataset_sample(ds, r, &v.matrix);
    gsl_rng_free(r);
}

double lg_labkit_data_density(double x, void *ctx)
{
    const lg_dataset *ds = ctx;
    return lg_dataset_density(ds, &x);
}

/* net on x: (n, in_dim) in eval mode; out: (n) of the output (n, 1), through
 * the logistic function when sigmoid. */
static void apply_eval(lg_net *net, const gsl_matrix *x, bool sigmoid, double *out)
{
    gsl_matrix_view y = gsl_matrix_view_array(out, x->size1, 1);
    lg_net_forward(net, x, &y.matrix);
    for (size_t i = 0; sigmoid && i < x->size1; i++) /* as the engine's sigmoid op computes it */
        out[i] = out[i] >= 0 ? 1.0 / (1.0 + exp(-out[i])) : exp(out[i]) / (1.0 + exp(out[i]));
}

void lg_labkit_g_samples(lg_net *G, size_t n, unsigned long seed, double *out)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    gsl_matrix *z = gsl_matrix_alloc(n, lg_net_in_dim(G)); /* z: (n, z_dim) */
    for (size_t i = 0; i < z->size1 * z->size2; i++)
        z->data[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
    apply_eval(G, z, false, out);
    gsl_matrix_free(z);
    gsl_rng_free(r);
}

void lg_labkit_d_values(lg_net *D, const double *x, size_t n, double *out)
{
    gsl_matrix_const_view v = gsl_matrix_const_view_array(x, n, 1); /* (n, 1) */
    apply_eval(D, &v.matrix, true, out);
}

double lg_labkit_grid_x(const double grid[3], size_t i)
{
    size_t n = (size_t)grid[2];
    return grid[0] + (grid[1] - grid[0]) * (double)i / (double)(n - 1);
}

/* A Gaussian kernel density estimate with bandwidth bw, evaluated fast and smooth:
 * the samples are first spread onto a lattice of centres c_j = a + j dx, dx = bw/10,
 * by linear binning (each sample shares its weight 1/n between its two nearest
 * centres, so the mean is kept exactly); the estimate is then the mixture
 *   p_g(x) = sum_j w_j N(x; c_j, bw^2)
 * - a smooth function, as adaptive quadrature needs, that differs from the plain KDE
 * by O(dx^2 / bw^2) ~ 1e-2 relative at most (Wand and Jones 1995, Sec. 3.5, on binned
 * kernel estimators). Terms beyond 9 bw (weight e^-40) are left out. */
void lg_labkit_kde_fit(lg_labkit_kde *k, const double *x, size_t n, double bw)
{
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++)
        lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    k->bw = bw;
    k->dx = fmax(bw / 10, (hi - lo) / 1e6); /* at most about a million centres */
    k->a = lo;
    k->m = (size_t)((hi - lo) / k->dx) + 2;
    k->w = lg_xrealloc(k->w, k->m * sizeof(double));
    memset(k->w, 0, k->m * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double u = (x[i] - k->a) / k->dx;
        size_t j = (size_t)u;
        if (j + 1 >= k->m)
            j = k->m - 2;
        double f = u - (double)j;
        k->w[j] += (1 - f) / (double)n;
        k->w[j + 1] += f / (double)n;
    }
    k->lo = k->a - 9 * bw;
    k->hi = k->a + (double)(k->m - 1) * k->dx + 9 * bw;
}

double lg_labkit_kde_density(double x, void *ctx)
{
    const lg_labkit_kde *k = ctx;
    if (!(x > k->lo && x < k->hi))
        return 0;
    double u0 = (x - 9 * k->bw - k->a) / k->dx, u1 = (x + 9 * k->bw - k->a) / k->dx;
    size_t j0 = u0 <= 0 ? 0 : (size_t)ceil(u0);
    size_t j1 = u1 >= (double)(k->m - 1) ? k->m - 1 : (size_t)u1;
    double s = 0;
    for (size_t j = j0; j <= j1; j++) {
        double z = (x - (k->a + (double)j * k->dx)) / k->bw;
        s += k->w[j] * exp(-0.5 * z * z); /* N(x; c_j, bw^2) without its constant */
    }
    return s / (k->bw * sqrt(2 * M_PI));
}

void lg_labkit_kde_free(lg_labkit_kde *k)
{
    free(k->w);
    k->w = NULL;
}

/* ================================================================ figures === */

FILE *lg_labkit_fopen(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        lg_seterr(LG_EIO, "%s: cannot write (%s)", path, strerror(errno));
    return f;
}

int lg_labkit_fclose(FILE *f, const char *dir, const char *name)
{
    bool ok = !ferror(f);
    ok &= fclose(f) == 0;
    return ok ? LG_OK : lg_seterr(LG_EIO, "%s/%s: write failed", dir, name);
}

FILE *lg_labkit_settings_open(const char *dir, const lg_lab *lab, const lg_labkit_gan *gan)
{
    FILE *f = lg_labkit_fopen(dir, "settings.gp");
    if (!f)
        return NULL;
    fprintf(f, "# settings.gp - this run of `litgan lab %02d` (%s), written by the experiment.\n"
               "# The figure scripts here (copies of labs/%s/*.gp) load it; edit a script and\n"
               "# rerun it in this folder, e.g.: gnuplot fig_training.gp\n",
            lab->number, lab->title, lab->dir);
    if (gan) {
        fprintf(f, "\n# the training run (lab.ini)\n");
        lg_labkit_gp_string(f, "data", gan->data, NULL);
        lg_labkit_gp_string(f, "g", gan->g, "networks");
        lg_labkit_gp_string(f, "d", gan->d, NULL);
        lg_labkit_gp_string(f, "opt_d", gan->opt_d, "optimizers");
        lg_labkit_gp_string(f, "opt_g", gan->opt_g, NULL);
        lg_labkit_gp_number(f, "batch", (double)gan->batch, NULL);
        lg_labkit_gp_number(f, "steps", (double)gan->steps, "generator steps");
        lg_labkit_gp_number(f, "seed", (double)gan->seed, NULL);
        lg_labkit_gp_number(f, "d_steps", (double)gan->d_steps, "discriminator steps per generator step");
        lg_labkit_gp_number(f, "d_pretrain", (double)gan->d_pretrain, "discriminator steps before the first of G");
    }
    fprintf(f, "\n# the figures\n");
    return f;
}

/* name = value, then the comment from column 34 */
static void gp_line(FILE *f, const char *assignment, const char *comment)
{
    if (comment)
        fprintf(f, "%-33s # %s\n", assignment, comment);
    else
        fprintf(f, "%s\n", assignment);
}

void lg_labkit_gp_string(FILE *f, const char *name, const char *value, const char *comment)
{
    char line[1024];
    size_t k = (size_t)snprintf(line, sizeof line, "%s = '", name);
    for (const char *p = value; *p && k + 4 < sizeof line; p++) {
        if (*p == '\'')
            line[k++] = '\''; /* '' is a quote inside a single-quoted gnuplot string */
        line[k++] = *p;
    }
    line[k++] = '\'';
    line[k] = '\0';
    gp_line(f, line, comment);
}

void lg_labkit_gp_number(FILE *f, const char *name, double value, const char *comment)
{
    char line[256];
    if (isfinite(value) && value == floor(value) && fabs(value) < 1e15)
        snprintf(line, sizeof line, "%s = %.0f", name, value); /* an integer to gnuplot (%d) */
    else if (isfinite(value))
        snprintf(line, sizeof line, "%s = %.10g", name, value);
    else
        snprintf(line, sizeof line, "%s = NaN", name); /* gnuplot's own NaN */
    gp_line(f, line, comment);
}

/* The figure scripts in the run folder are the student's to edit (README:
 * "edit one and rerun it"), so a rerun must not overwrite an edited one.
 * SCRIPTS_SUMS in the run folder records the CRC-32 of every script as litgan
 * last wrote it there: a script that still has that CRC (or that is already
 * the lab's current text) is the lab's and is replaced silently; any other
 * one - edited, or found without a record, e.g. from a run before the record
 * existed - is kept, the lab's current version is written beside it as
 * NAME.new, and one line says so. The figures are drawn from the script in
 * place, the student's: the student edited it to change the figure, and
 * NAME.new is there to compare with when the lab's script changed. A
 * NAME.new left from an earlier run goes when the script is the lab's again. */
#define SCRIPTS_SUMS "scripts.sums"

typedef struct script_sums {
    lg_strvec names;
    unsigned long crc[64];
} script_sums;

static unsigned long crc_of(const char *data, size_t len)
{
    return crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data, (uInt)len);
}

/* "CRC NAME" lines of dir/SCRIPTS_SUMS ('#' comments); none when absent. */
static void sums_read(const char *dir, script_sums *s)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, SCRIPTS_SUMS);
    size_t len;
    char *text = lg_read_file(path, &len);
    if (!text)
        return;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        char name[256];
        unsigned long crc;
        if (l[0] != '#' && s->names.n < 64 && sscanf(l, "%lx %255s", &crc, name) == 2) {
            s->crc[s->names.n] = crc;
            lg_strvec_push(&s->names, name);
        }
    }
    free(text);
}

static bool sums_find(const script_sums *s, const char *name, unsigned long *crc)
{
    for (size_t i = 0; i < s->names.n; i++)
        if (!strcmp(s->names.w[i], name)) {
            *crc = s->crc[i];
            return true;
        }
    return false;
}

/* One script of the lab (text, len) into dir/base; its CRC as written in *crc. */
static int place_script(const lg_lab *lab, const char *dir, const char *base, const char *text, size_t len,
                        const script_sums *old, unsigned long *crc)
{
    char to[8400], side[8420];
    snprintf(to, sizeof to, "%s/%s", dir, base);
    snprintf(side, sizeof side, "%s.new", to);
    unsigned long lab_crc = crc_of(text, len), recorded;
    size_t have_len;
    char *have = lg_read_file(to, &have_len);
    bool is_lab = have && have_len == len && !memcmp(have, text, len);
    bool unedited = have && sums_find(old, base, &recorded) && recorded == crc_of(have, have_len);
    bool absent = !have;
    free(have);
    *crc = lab_crc; /* what litgan wrote, here or beside the student's */
    if (absent || is_lab || unedited) {
        unlink(side);
        return lg_write_atomic(to, text, len);
    }
    int rc = lg_write_atomic(side, text, len);
    if (rc == LG_OK)
        fprintf(stderr, "litgan lab %02d: %s: your edited script is kept and draws the figure; the lab's "
                        "version is beside it: %s.new\n", lab->number, base, base);
    return rc;
}

int lg_labkit_copy_scripts(const lg_lab *lab, const char *dir)
{
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/labs/%s/*.gp", lab->root, lab->dir);
    /* glob, not lg_dir_list: a pattern is the clearest way to say which files */
    glob_t g;
    int gr = glob(pattern, 0, NULL, &g);
    if (gr == GLOB_NOMATCH)
        return lg_seterr(LG_EIO, "%s: no gnuplot scripts for the figures", pattern);
    if (gr != 0)
        return lg_seterr(LG_EIO, "%s: cannot list the gnuplot scripts", pattern);
    script_sums old = { 0 };
    sums_read(dir, &old);
    char *sums = NULL;
    size_t sums_len = 0;
    FILE *o = open_memstream(&sums, &sums_len);
    LG_ASSERT(o, "open_memstream");
    fprintf(o, "# %s - written by `litgan lab %02d`: the CRC-32 of each figure script as litgan last\n"
               "# wrote it. A script here whose CRC differs was edited: the next run keeps it (and draws\n"
               "# the figure from it) and writes the lab's version beside it as NAME.gp.new.\n",
            SCRIPTS_SUMS, lab->number);
    int rc = LG_OK;
    for (size_t i = 0; rc == LG_OK && i < g.gl_pathc; i++) {
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        size_t len;
        char *text = lg_read_file(g.gl_pathv[i], &len);
        if (!text) {
            rc = lg_seterr(LG_EIO, "%s: cannot read (%s)", g.gl_pathv[i], strerror(errno));
            break;
        }
        unsigned long crc;
        rc = place_script(lab, dir, base, text, len, &old, &crc);
        free(text);
        fprintf(o, "%08lx %s\n", crc, base);
    }
    fclose(o);
    if (rc == LG_OK) {
        char path[8400];
        snprintf(path, sizeof path, "%s/%s", dir, SCRIPTS_SUMS);
        rc = lg_write_atomic(path, sums, sums_len);
    }
    free(sums);
    lg_strvec_free(&old.names);
    globfree(&g);
    return rc;
}
