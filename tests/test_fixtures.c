/*
 * test_fixtures.c - litgan against PyTorch, through fixture files that
 * tests/fixtures/make_fixtures.py writes with torch 1.13 in float64 (the files
 * are committed; see the script for their format and how to regenerate them).
 *
 * Suites
 *   fixtures_optim   lg_optim_step against torch.optim.SGD / Adam / RMSprop over
 *                    five steps (relative tolerance 1e-12), and the fixture
 *                    reader itself (missing, truncated, malformed files fail).
 *   fixtures_layers  Linear + BatchNorm1d (+ LeakyReLU, Tanh, a second Linear)
 *                    in train and eval mode: outputs, input gradient, parameter
 *                    gradients, running statistics (tolerance 1e-10); Conv2d,
 *                    ConvTranspose2d, BatchNorm2d and two small DCGAN-like
 *                    nets the same way (tolerance 1e-12).
 *
 * The tests run from the repository root and read tests/fixtures/NAME. A
 * missing or malformed fixture fails the test with a message naming the file.
 */
#include "lg_test.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FX_DIR "tests/fixtures/"
#define FX_MAX_VALUES 100000 /* per block: far above any fixture, guards bad headers */

/* ----------------------------------------------------------- fixture files ---
 * A file is a sequence of blocks "NAME ROWS COLS" followed by ROWS*COLS numbers
 * (row-major), with '#' comment lines between blocks. */

typedef struct fx_block {
    char name[64];
    size_t rows, cols;
    double *v;             /* v: (rows, cols), row-major */
    bool used;             /* looked up by a test (to find unchecked blocks) */
} fx_block;

typedef struct fx_file {
    char path[128];
    fx_block *b;
    size_t n, cap;
    char err[400];         /* one line naming the file when loading failed */
} fx_file;

static void fx_free(fx_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->b[i].v);
    free(f->b);
    f->b = NULL;
    f->n = f->cap = 0;
}

static int fx_fail(fx_file *f, FILE *fp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fx_fail(fx_file *f, FILE *fp, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(f->err, sizeof f->err, "fixture %s: %s (see tests/fixtures/make_fixtures.py; "
             "run the tests from the repository root)",
             f->path, msg);
    if (fp)
        fclose(fp);
    fx_free(f);
    return -1;
}

/* Skip white space and '#' comments; the next character, not consumed, or EOF. */
static int fx_skip(FILE *fp)
{
    for (;;) {
        int c = getc(fp);
        if (c == '#') {
            while ((c = getc(fp)) != EOF && c != '\n')
                ;
            continue;
        }
        if (c == EOF)
            return EOF;
        if (!isspace(c)) {
            ungetc(c, fp);
            return c;
        }
    }
}

/* Read every block of path into f. Returns 0, or -1 with f->err set. */
static int fx_load(const char *path, fx_file *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fx_fail(f, NULL, "cannot open it (%s)", strerror(errno));
    while (fx_skip(fp) != EOF) {
        fx_block b = { .used = false };
        size_t k = f->n + 1;
        if (fscanf(fp, "%63s %zu %zu", b.name, &b.rows, &b.cols) != 3)
            return fx_fail(f, fp, "block %zu: expected a header 'NAME ROWS COLS' after block '%s'",
                           k, f->n ? f->b[f->n - 1].name : "(none)");
        /* a name that is a number means the previous block had too many values */
        char *end;
        strtod(b.name, &end);
        if (*end == '\0')
            return fx_fail(f, fp, "block %zu: expected a block name, found the number '%s' "
                           "(too many values in block '%s'?)", k, b.name,
                           f->n ? f->b[f->n - 1].name : "(none)");
        if (b.rows == 0 || b.cols == 0 || b.rows > FX_MAX_VALUES ||
            b.cols > FX_MAX_VALUES / b.rows)
            return fx_fail(f, fp, "block '%s': bad shape %zu x %zu", b.name, b.rows, b.cols);
        for (size_t i = 0; i < f->n; i++)
            if (strcmp(f->b[i].name, b.name) == 0)
                return fx_fail(f, fp, "block '%s' appears twice", b.name);
        size_t m = b.rows * b.cols;
        b.v = malloc(m * sizeof(double));
        LG_ASSERT(b.v, "out of memory reading a fixture");
        for (size_t i = 0; i < m; i++) {
            if (fscanf(fp, "%lf", &b.v[i]) != 1 || !isfinite(b.v[i])) {
                free(b.v);
                return fx_fail(f, fp, "block '%s' (%zu x %zu): value %zu of %zu is missing, "
                               "not a number or not finite", b.name, b.rows, b.cols, i + 1, m);
            }
        }
        if (f->n == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 16;
            f->b = realloc(f->b, f->cap * sizeof *f->b);
            LG_ASSERT(f->b, "out of memory reading a fixture");
        }
        f->b[f->n++] = b;
    }
    fclose(fp);
    if (f->n == 0)
        return fx_fail(f, NULL, "no blocks (empty file?)");
    return 0;
}

/* The block called name with the given shape, or NULL and a message in err. */
static fx_block *fx_find(fx_file *f, const char *name, size_t rows, size_t cols,
                         char *err, size_t len)
{
    for (size_t i = 0; i < f->n; i++) {
        fx_block *b = &f->b[i];
        if (strcmp(b->name, name) != 0)
            continue;
        b->used = true; /* found: a wrong shape is reported here, not as unchecked */
        if (b->rows != rows || b->cols != cols) {
            snprintf(err, len, "fixture %s: block '%s' is %zu x %zu, the test expects %zu x %zu "
                     "(fixture and test out of step?)", f->path, name, b->rows, b->cols, rows, cols);
            return NULL;
        }
        return b;
    }
    snprintf(err, len, "fixture %s: no block '%s' (regenerate with tests/fixtures/make_fixtures.py)",
             f->path, name);
    return NULL;
}

/* fx_find that fails the current test when the block is missing. */
static fx_block *fx_need(fx_file *f, const char *name, size_t rows, size_t cols)
{
    char err[400];
    fx_block *b = fx_find(f, name, rows, cols, err, sizeof err);
    LG_ASSERT_MSG(b != NULL, "%s", err);
    return b;
}

/* Load tests/fixtures/file, failing the current test (message naming the
 * file) when it is missing or malformed. */
static bool fx_open(const char *file, fx_file *f)
{
    char path[128];
    snprintf(path, sizeof path, FX_DIR "%s", file);
    int rc = fx_load(path, f);
    LG_ASSERT_MSG(rc == 0, "%s", f->err);
    return rc == 0;
}

/* Every block the test did not look up (a fixture case without a C check). */
static void fx_assert_all_used(const fx_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        LG_ASSERT_MSG(f->b[i].used, "fixture %s: block '%s' is not checked by any test "
                      "(add it to tests/test_fixtures.c)", f->path, f->b[i].name);
}

static bool fx_verbose(void)
{
    const char *v = getenv("LG_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* Compare litgan's a (n values) with the reference block r:
 *   err_i = |a_i - r_i| / max(|r_i|, 1)
 * (relative for values above 1, absolute below, so a value near zero cannot
 * blow the ratio up). Fails the test once per block, naming the worst entry.
 * Returns the worst err_i. */
static double fx_compare(const fx_file *f, const char *what, const double *a, const fx_block *r,
                         double tol)
{
    size_t n = r->rows * r->cols, worst_i = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(a[i] - r->v[i]) / fmax(fabs(r->v[i]), 1.0);
        if (!(e <= worst)) { /* also catches NaN */
            worst = e;
            worst_i = i;
            if (isnan(e))
                break;
        }
    }
    LG_ASSERT_MSG(worst <= tol, "fixture %s, %s '%s' (%zu x %zu) at row %zu col %zu: litgan %.17g, "
                  "torch %.17g, error %.3g > tol %.3g", f->path, what, r->name, r->rows, r->cols,
                  worst_i / r->cols, worst_i % r->cols, a[worst_i], r->v[worst_i], worst, tol);
    return worst;
}

/* -------------------------------------------------------- the reader itself --- */

/* Write text to a fresh temporary file; its path goes to path (len >= 32). */
static void write_temp(char *path, const char *text)
{
    snprintf(path, 32, "/tmp/lg_fixture_XXXXXX");
    int fd = mkstemp(path);
    LG_ASSERT(fd >= 0, "mkstemp failed");
    FILE *fp = fdopen(fd, "w");
    LG_ASSERT(fp, "fdopen failed");
    fputs(text, fp);
    fclose(fp);
}

/* Each malformed text must be rejected with a message naming the file. */
static void test_reader_rejects(void)
{
    static const struct {
        const char *what, *text;
    } bad[] = {
        { "empty file", "" },
        { "comments only", "# nothing here\n" },
        { "bad header", "a two 2\n1 2\n3 4\n" },
        { "too few values", "a 2 2\n1 2 3\n" },
        { "a word among the values", "a 1 3\n1 x 3\n" },
        { "too many values", "a 1 2\n1 2 3\nb 1 1\n4\n" },
        { "not finite", "a 1 2\n1 nan\n" },
        { "infinite", "a 1 2\n1 -inf\n" },
        { "zero rows", "a 0 2\n" },
        { "huge shape", "a 100000 100000\n1\n" },
        { "negative shape", "a -1 2\n1 2\n" },
        { "duplicate block", "a 1 1\n1\na 1 1\n2\n" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[32];
        write_temp(path, bad[i].text);
        fx_file f;
        int rc = fx_load(path, &f);
        LG_ASSERT_MSG(rc != 0, "reader accepted a fixture with %s", bad[i].what);
        if (rc != 0)
            LG_ASSERT_MSG(strstr(f.err, path) != NULL, "message for %s does not name the file: %s",
                          bad[i].what, f.err);
        else
            fx_free(&f);
        unlink(path);
    }
    fx_file f;
    const char *missing = FX_DIR "no_such_fixture.txt";
    int rc = fx_load(missing, &f);
    LG_ASSERT_MSG(rc != 0 && strstr(f.err, missing), "missing file: rc %d, message '%s'", rc, f.err);
}

/* A well-formed file round-trips exactly; lookups check names and shapes. */
static void test_reader_accepts(void)
{
    char path[32];
    write_temp(path, "# a comment\nx 2 3\n0.10000000000000001 -2 3e-300\n4 5 6\n"
                     "# another\n\n  y 1 1\n-0.1\n");
    fx_file f;
    int rc = fx_load(path, &f);
    unlink(path);
    LG_ASSERT_MSG(rc == 0, "reader rejected a good file: %s", f.err);
    if (rc != 0)
        return;
    char err[400];
    fx_block *x = fx_find(&f, "x", 2, 3, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    /* %.17g text parses back to the same double (strtod is correctly rounded) */
    CU_ASSERT(x->v[0] == 0.1 && x->v[1] == -2.0 && x->v[2] == 3e-300 && x->v[5] == 6.0);
    fx_block *y = fx_find(&f, "y", 1, 1, err, sizeof err);
    CU_ASSERT(y && y->v[0] == -0.1);
    CU_ASSERT_PTR_NULL(fx_find(&f, "x", 3, 2, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
    CU_ASSERT_PTR_NULL(fx_find(&f, "z", 1, 1, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'z'"));
    fx_free(&f);
}

/* ---------------------------------------------------------------- optimizers ---
 * optim.txt: param0 (1, N), grads (STEPS, N), and per torch.optim configuration
 * the parameter after each step (STEPS, N). Each block name maps to the litgan
 * spec that should behave the same (torch's weight_decay is litgan's wd,
 * betas=(b1, b2) are b1, b2). */

#define OPT_N 7
#define OPT_STEPS 5
#define OPT_TOL 1e-12

static const struct {
    const char *block, *spec;
} optim_cases[] = {
    { "sgd", "sgd:lr=0.1" },
    { "sgd_momentum", "sgd:lr=0.1,momentum=0.9" },
    { "sgd_nesterov", "sgd:lr=0.1,momentum=0.9,nesterov=1" },
    { "sgd_dampening_wd", "sgd:lr=0.1,momentum=0.9,dampening=0.1,wd=0.01" },
    { "adam_betas", "adam:lr=0.01,b1=0.5,b2=0.999" },
    { "adam_wd", "adam:lr=0.01,wd=0.1" },
    { "rmsprop", "rmsprop:lr=0.01" },
    { "rmsprop_momentum_wd", "rmsprop:lr=0.01,alpha=0.9,momentum=0.5,wd=0.01" },
};
#define N_OPTIM_CASES (sizeof optim_cases / sizeof optim_cases[0])

/* optim_f32.txt: the same cases in float32, against the float path's
 * optimizers (lg_optim_update_f) to a few float roundings. */
#define OPT_TOL_F32 1e-6

/* Run the cases whose block name starts with prefix ("" = all), in double
 * from optim.txt or (single) in float from optim_f32.txt. */
static void optim_run_prec(const char *prefix, bool single)
{
    fx_file f;
    if (!fx_open(single ? "optim_f32.txt" : "optim.txt", &f))
        return;
    const fx_block *p0 = fx_need(&f, "param0", 1, OPT_N);
    const fx_block *g = fx_need(&f, "grads", OPT_STEPS, OPT_N);
    size_t ran = 0;
    for (size_t c = 0; p0 && g && c < N_OPTIM_CASES; c++) {
        if (strncmp(optim_cases[c].block, prefix, strlen(prefix)) != 0)
            continue;
        const fx_block *ref = fx_need(&f, optim_cases[c].block, OPT_STEPS, OPT_N);
        lg_optim *o = NULL;
        int rc = lg_optim_parse(optim_cases[c].spec, OPT_N, &o);
        LG_ASSERT_MSG(rc == LG_OK, "lg_optim_parse(\"%s\"): %s", optim_cases[c].spec, lg_errmsg());
        if (!ref || rc != LG_OK) {
            lg_optim_free(o);
            continue;
        }
        double theta[OPT_N], worst = 0;
        float theta_f[OPT_N], grad_f[OPT_N];
        memcpy(theta, p0->v, sizeof theta);
        for (size_t i = 0; i < OPT_N; i++)
            theta_f[i] = (float)theta[i];
        if (single)
            lg_optim_set_float(o);
        for (size_t k = 0; k < OPT_STEPS; k++) {
            if (single) {
                for (size_t i = 0; i < OPT_N; i++)
                    grad_f[i] = (float)g->v[k * OPT_N + i];
                lg_optim_update_f(o, theta_f, grad_f);
                for (size_t i = 0; i < OPT_N; i++)
                    theta[i] = theta_f[i];
            } else {
                lg_optim_step(o, theta, g->v + k * OPT_N);
            }
            /* row k of the reference: the parameter after step k + 1 */
            fx_block row = *ref;
            row.rows = 1;
            row.v = ref->v + k * OPT_N;
            char what[96];
            snprintf(what, sizeof what, "%s after step %zu of", optim_cases[c].spec, k + 1);
            worst = fmax(worst, fx_compare(&f, what, theta, &row, single ? OPT_TOL_F32 : OPT_TOL));
        }
        if (fx_verbose())
            printf("\n  %-48s %s worst error %.3g", optim_cases[c].spec, single ? "float32" : "float64", worst);
        lg_optim_free(o);
        ran++;
    }
    CU_ASSERT(ran > 0 || !p0 || !g);
    fx_free(&f);
}

static void optim_run(const char *prefix) { optim_run_prec(prefix, false); }
static void test_optim_float(void) { optim_run_prec("", true); }
static void test_optim_sgd(void) { optim_run("sgd"); }
static void test_optim_adam(void) { optim_run("adam"); }
static void test_optim_rmsprop(void) { optim_run("rmsprop"); }

/* Every optimizer block in optim.txt has a litgan spec above. */
static void test_optim_all_cases_checked(void)
{
    fx_file f;
    if (!fx_open("optim.txt", &f))
        return;
    char err[400];
    fx_find(&f, "param0", 1, OPT_N, err, sizeof err);
    fx_find(&f, "grads", OPT_STEPS, OPT_N, err, sizeof err);
    for (size_t c = 0; c < N_OPTIM_CASES; c++)
        fx_need(&f, optim_cases[c].block, OPT_STEPS, OPT_N);
    fx_assert_all_used(&f);
    fx_free(&f);
}

/* -------------------------------------------------------------------- layers ---
 * layers_*.txt: a network whose layer i is module i of a PyTorch nn.Sequential,
 * so block names follow its state_dict: "i.weight", "i.bias" (Linear W (out, in)
 * and b; BatchNorm gamma and beta), "i.running_mean", "i.running_var"; then x
 * (B, in), dy (B, out) and per mode (train, eval) y, dx, grad.<param> and the
 * running statistics after the forward pass. The loss sum(y .* dy) makes dy
 * the upstream gradient of y. */

#define LAYER_TOL 1e-10

/* Copy block name (rows, cols) into dst. */
static bool load_into(fx_file *f, const char *name, size_t rows, size_t cols, double *dst)
{
    const fx_block *b = fx_need(f, name, rows, cols);
    if (b)
        memcpy(dst, b->v, rows * cols * sizeof(double));
    return b != NULL;
}

/* Compare n values against block name (rows, cols); false if it is missing. */
static bool check_block(fx_file *f, const char *name, size_t rows, size_t cols, const double *a,
                        double *worst, double tol)
{
    const fx_block *b = fx_need(f, name, rows, cols);
    if (b)
        *worst = fmax(*worst, fx_compare(f, "block", a, b, tol));
    return b != NULL;
}

/* A layer with parameters: its weight block (rows, cols) as lg_layer_weight
 * views it (Linear W (out, in), conv W with the kernel flattened, BatchNorm
 * gamma (1, C)), and the length of its bias (0 without one). */
static bool layer_blocks(const lg_net *net, const lg_layer *l, size_t *rows, size_t *cols, size_t *nb)
{
    if (!l->p_len)
        return false;
    gsl_matrix_view W = lg_layer_weight(net, l);
    *rows = W.matrix.size1;
    *cols = W.matrix.size2;
    *nb = l->p_len - *rows * *cols;
    return true;
}

static bool is_bn(const lg_layer *l)
{
    return l->kind == LG_LAYER_BATCHNORM || l->kind == LG_LAYER_BATCHNORM2D;
}

/* Set every parameter and running statistic of net from the fixture. */
static bool layers_load_state(fx_file *f, lg_net *net)
{
    bool ok = true;
    char name[64];
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        size_t r, c, nb;
        if (!layer_blocks(net, l, &r, &c, &nb))
            continue;
        /* W or gamma; b or beta (1, nb) */
        snprintf(name, sizeof name, "%zu.weight", i);
        ok &= load_into(f, name, r, c, lg_layer_weight(net, l).matrix.data);
        snprintf(name, sizeof name, "%zu.bias", i);
        if (nb)
            ok &= load_into(f, name, 1, nb, lg_layer_bias(net, l));
        if (is_bn(l)) {
            snprintf(name, sizeof name, "%zu.running_mean", i);
            ok &= load_into(f, name, 1, nb, net->buffers + l->b_off);
            snprintf(name, sizeof name, "%zu.running_var", i);
            ok &= load_into(f, name, 1, nb, net->buffers + l->b_off + nb);
        }
    }
    return ok;
}

/* One mode of one fixture, batch B: forward, backward of sum(y .* dy), compare. */
static void layers_mode(fx_file *f, const char *spec, bool train, size_t B, double tol, lg_precision prec)
{
    const char *mode = train ? "train" : "eval";
    lg_net *net = NULL;
    int rc = lg_net_parse(spec, &net);
    LG_ASSERT_MSG(rc == LG_OK, "lg_net_parse(\"%s\"): %s", spec, lg_errmsg());
    if (rc != LG_OK)
        return;
    const fx_block *x = fx_need(f, "x", B, net->in_dim);
    const fx_block *dy = fx_need(f, "dy", B, net->out_dim);
    if (!x || !dy || !layers_load_state(f, net)) {
        lg_net_free(net);
        return;
    }
    if (prec == LG_PREC_FLOAT)
        CU_ASSERT_EQUAL(lg_net_set_precision(net, LG_PREC_FLOAT), LG_OK);
    net->train = train;
    net->requires_grad = true;
    lg_net_zero_grad(net);

    lg_tape *t = lg_tape_alloc();
    gsl_matrix_const_view xm = gsl_matrix_const_view_array(x->v, B, net->in_dim);
    gsl_matrix_const_view dym = gsl_matrix_const_view_array(dy->v, B, net->out_dim);
    lg_node *xn = lg_input(t, &xm.matrix);                     /* (B, in) */
    lg_node *y = lg_net_apply(t, net, xn);                     /* (B, out) */
    lg_node *loss = lg_sum(t, lg_mul(t, y, lg_const(t, &dym.matrix))); /* (1, 1) */
    LG_ASSERT_MSG(loss && !lg_tape_error(t), "%s %s: tape error: %s", spec, mode,
                  lg_tape_error(t) ? lg_tape_error(t) : "(none)");
    if (!loss || lg_tape_error(t)) {
        lg_tape_free(t);
        lg_net_free(net);
        return;
    }
    rc = lg_tape_backward(t, loss);
    LG_ASSERT_MSG(rc == LG_OK, "%s %s: backward failed: %s", spec, mode, lg_errmsg());
    lg_net_use_double(net); /* a float net's gradient, for reading */

    double worst = 0;
    char name[64];
    snprintf(name, sizeof name, "%s.y", mode);
    check_block(f, name, B, net->out_dim, lg_value(y)->data, &worst, tol);
    const gsl_matrix *dx = lg_grad(xn);
    LG_ASSERT_MSG(dx != NULL, "%s %s: no gradient reached the input", spec, mode);
    snprintf(name, sizeof name, "%s.dx", mode);
    if (dx)
        check_block(f, name, B, net->in_dim, dx->data, &worst, tol);
    for (size_t i = 0; i < net->n_layers; i++) {
        const lg_layer *l = &net->layers[i];
        size_t r, c, nb;
        if (!layer_blocks(net, l, &r, &c, &nb))
            continue;
        const double *g = net->grad + l->p_off;
        snprintf(name, sizeof name, "%s.grad.%zu.weight", mode, i);
        check_block(f, name, r, c, g, &worst, tol);
        snprintf(name, sizeof name, "%s.grad.%zu.bias", mode, i);
        if (nb)
            check_block(f, name, 1, nb, g + r * c, &worst, tol);
        if (is_bn(l)) {
            /* train: blended with the batch statistics; eval: unchanged */
            snprintf(name, sizeof name, "%s.%zu.running_mean", mode, i);
            check_block(f, name, 1, nb, net->buffers + l->b_off, &worst, tol);
            snprintf(name, sizeof name, "%s.%zu.running_var", mode, i);
            check_block(f, name, 1, nb, net->buffers + l->b_off + nb, &worst, tol);
        }
    }
    if (fx_verbose())
        printf("\n  %-36s %-6s %s worst error %.3g", spec, mode, prec == LG_PREC_FLOAT ? "float32" : "float64",
               worst);
    lg_tape_free(t);
    lg_net_free(net);
}

static void layers_run_batch(const char *file, const char *spec, size_t B, double tol, lg_precision prec)
{
    fx_file f;
    if (!fx_open(file, &f))
        return;
    layers_mode(&f, spec, true, B, tol, prec);
    layers_mode(&f, spec, false, B, tol, prec);
    fx_assert_all_used(&f);
    fx_free(&f);
}

/* layers_*.txt: batch 6 (make_layers in make_fixtures.py) */
static void layers_run(const char *file, const char *spec)
{
    layers_run_batch(file, spec, 6, LAYER_TOL, LG_PREC_DOUBLE);
}

/* layers_f32_*.txt (make_float_fixtures.py): the same cases in float32
 * against the float path. Float's unit roundoff is 6e-8; sums in other
 * orders and BatchNorm's backward (a difference of sums) leave up to 6e-7. */
#define LAYER_TOL_F32 1e-6
static void layers_run_f32(const char *file, const char *spec)
{
    layers_run_batch(file, spec, 6, LAYER_TOL_F32, LG_PREC_FLOAT);
}
static void test_f32_bn_eps08(void) { layers_run_f32("layers_f32_bn_eps0.8.txt", "5-4b0.8"); }
static void test_f32_bn_eps1e5(void) { layers_run_f32("layers_f32_bn_eps1e-5.txt", "5-4b"); }
static void test_f32_bn_lrelu_tanh(void) { layers_run_f32("layers_f32_bn_lrelu_tanh.txt", "5-4b0.8lt"); }
static void test_f32_mlp(void) { layers_run_f32("layers_f32_mlp.txt", "5-4b0.8l-3t"); }

/* conv_*.txt and the others of make_conv: batch 4; the image layers agree
 * with torch to 1e-12 */
#define CONV_TOL 1e-12
static void conv_run(const char *file, const char *spec)
{
    layers_run_batch(file, spec, 4, CONV_TOL, LG_PREC_DOUBLE);
}

/* Conv2d with stride 2 and padding 1 (the DCGAN critic's layer), and an odd
 * case: kernel 3, stride 1, no padding */
static void test_conv_s2p1(void) { conv_run("conv_s2p1.txt", "2x6x6-C3k4s2p1"); }
static void test_conv_k3(void) { conv_run("conv_k3.txt", "2x5x5-C3k3s1p0"); }
/* ConvTranspose2d: the same two geometries */
static void test_convt_s2p1(void) { conv_run("convt_s2p1.txt", "3x3x3-T2k4s2p1"); }
static void test_convt_k3(void) { conv_run("convt_k3.txt", "3x3x3-T2k3s1p0"); }
/* BatchNorm2d after a Conv2d; and with eps 0.8, a conv without bias, LeakyReLU */
static void test_bn2d(void) { conv_run("bn2d.txt", "2x5x5-C3k3s1p1b"); }
static void test_bn2d_eps(void) { conv_run("bn2d_eps0.8_lrelu.txt", "2x5x5-C3k3s1p1nb0.8l"); }
/* Small DCGAN-like generator (Linear, BN1d, reshape, two ConvTranspose2d, BN2d)
 * and critic (two Conv2d, BN2d, flatten, Linear) */
static void test_dcgan_g(void) { conv_run("dcgan_g.txt", "4-18br-2x3x3-T3k4s2p1nbr-T1k4s2p1t"); }
static void test_dcgan_d(void) { conv_run("dcgan_d.txt", "1x12x12-C3k4s2p1l-C4k4s2p1bl-1"); }

/* The seeds' BatchNorm quirk: eps = 0.8 (GUIDE.md, reference facts). */
static void test_bn_eps08(void) { layers_run("layers_bn_eps0.8.txt", "5-4b0.8"); }
/* PyTorch's default eps 1e-5. */
static void test_bn_eps1e5(void) { layers_run("layers_bn_eps1e-5.txt", "5-4b"); }
/* BatchNorm then LeakyReLU(0.2) then Tanh. */
static void test_bn_lrelu_tanh(void) { layers_run("layers_bn_lrelu_tanh.txt", "5-4b0.8lt"); }
/* Two Linear layers (parameter offsets past a BatchNorm), like the MNIST G. */
static void test_mlp(void) { layers_run("layers_mlp.txt", "5-4b0.8l-3t"); }

void lg_suite_fixtures(void)
{
    LG_ADD_SUITE("fixtures_optim",
                 { "reader rejects missing and malformed files", test_reader_rejects },
                 { "reader round-trips a good file", test_reader_accepts },
                 { "SGD (momentum, Nesterov, dampening, wd) = torch.optim.SGD", test_optim_sgd },
                 { "Adam (betas, wd) = torch.optim.Adam", test_optim_adam },
                 { "RMSprop (alpha, momentum, wd) = torch.optim.RMSprop", test_optim_rmsprop },
                 { "every optimizer fixture is checked", test_optim_all_cases_checked },
                 { "float path: SGD, Adam, RMSprop = torch.optim on float32", test_optim_float });
    LG_ADD_SUITE("fixtures_layers",
                 { "Linear + BatchNorm1d(eps 0.8) = torch, train and eval", test_bn_eps08 },
                 { "Linear + BatchNorm1d(eps 1e-5) = torch, train and eval", test_bn_eps1e5 },
                 { "Linear + BN + LeakyReLU + Tanh = torch", test_bn_lrelu_tanh },
                 { "Linear + BN + LeakyReLU + Linear + Tanh = torch", test_mlp },
                 { "Conv2d k4 s2 p1 = torch, train and eval", test_conv_s2p1 },
                 { "Conv2d k3 s1 p0 = torch", test_conv_k3 },
                 { "ConvTranspose2d k4 s2 p1 = torch", test_convt_s2p1 },
                 { "ConvTranspose2d k3 s1 p0 = torch", test_convt_k3 },
                 { "Conv2d + BatchNorm2d = torch, train and eval", test_bn2d },
                 { "Conv2d (no bias) + BatchNorm2d(eps 0.8) + LeakyReLU = torch", test_bn2d_eps },
                 { "DCGAN-like generator = torch", test_dcgan_g },
                 { "DCGAN-like critic = torch", test_dcgan_d },
                 { "float path: Linear + BatchNorm1d(eps 0.8) = torch float32", test_f32_bn_eps08 },
                 { "float path: Linear + BatchNorm1d(eps 1e-5) = torch float32", test_f32_bn_eps1e5 },
                 { "float path: Linear + BN + LeakyReLU + Tanh = torch float32", test_f32_bn_lrelu_tanh },
                 { "float path: Linear + BN + LeakyReLU + Linear + Tanh = torch float32", test_f32_mlp });
}
