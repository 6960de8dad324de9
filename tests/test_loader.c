/*
 * test_loader.c - the plugin loader (core/src/plugin.c) and the parameter parser
 * (core/src/params.c) against purpose-built plugins in tests/plugins/, each wrong
 * in exactly one way (its first line says how).
 *
 * What the loader promises (GUIDE.md, "The plugin ABI"): dlopen with
 * RTLD_NOW | RTLD_LOCAL; every failure is ONE line that names the file and what is
 * wrong; the handle is closed again. The references here are those promises and
 * the facts built into each test plugin (ABI 99, a descriptor ending before
 * `defaults`, a default "ten", ...), never the loader's own output.
 *
 * Whether a handle was closed is asked of the dynamic linker itself:
 * dlopen(path, RTLD_NOW | RTLD_NOLOAD) returns NULL exactly when no object of that
 * file is loaded (glibc dlopen(3)). The good plugin is the control: NOLOAD finds
 * it while it is open and no longer after lg_plugin_close.
 *
 * Suites: loader (lg_plugin_open, duplicates in `litgan train` and
 * `litgan plugins`), params (lg_spec_split, lg_params_parse, lg_plugin_inst_open,
 * lg_plugin_resolve), check_plugin (`litgan check-plugin` passes nsgan and fails
 * a plugin whose gradient is exactly half the true one).
 */
#include "lg_test.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ----------------------------------------------------------------- helpers --- */

/* Assert cond with a printf-style message of any length (paths can be long). */
static void check_at(int line, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check_at(int line, bool cond, const char *fmt, ...)
{
    char m[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    CU_assertImplementation(cond, line, m, __FILE__, "", CU_FALSE);
}
#define CHECK(cond, ...) check_at(__LINE__, !!(cond), __VA_ARGS__)

/* build/tests/plugins/NAME.so into buf. */
static const char *tplug(char *buf, size_t len, const char *name)
{
    int n = snprintf(buf, len, "%s/tests/plugins/%s.so", lg_test_build_dir(), name);
    LG_ASSERT(n > 0 && (size_t)n < len, "path buffer too small");
    return buf;
}

/* The litgan executable under test (LG_BIN, set by make test). */
static const char *litgan_bin(void) { return lg_test_bin(); }

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Is an object of this file currently loaded? (does not load it) */
static bool is_loaded(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (!h)
        return false;
    dlclose(h); /* drop the reference NOLOAD just took */
    return true;
}

/* Is `number` in s as a whole token (no digit right before or after it)? */
static bool has_number(const char *s, unsigned long number)
{
    char tok[32];
    snprintf(tok, sizeof tok, "%lu", number);
    size_t tl = strlen(tok);
    for (const char *p = strstr(s, tok); p; p = strstr(p + 1, tok)) {
        bool before = p > s && p[-1] >= '0' && p[-1] <= '9';
        bool after = p[tl] >= '0' && p[tl] <= '9';
        if (!before && !after)
            return true;
    }
    return false;
}

static bool one_line(const char *s) { return !strchr(s, '\n') && *s; }

/* Assert the last error message is one line and contains each NULL-terminated needle. */
static void expect_msg(int line, const char *context, ...)
{
    const char *m = lg_errmsg();

    check_at(line, one_line(m), "%s: message is not one line: '%s'", context, m);
    va_list ap;
    va_start(ap, context);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *)) {
        check_at(line, strstr(m, n) != NULL, "%s: expected '%s' in the message '%s'", context, n, m);
    }
    va_end(ap);
}
#define EXPECT_MSG(context, ...) expect_msg(__LINE__, context, __VA_ARGS__, (const char *)NULL)

/* lg_plugin_open(test plugin NAME) must fail with LG_EPLUGIN, a one-line message
 * naming the file and containing every needle, and leave nothing loaded. */
static void expect_open_fails(int line, const char *name, ...)
{
    char path[PATH_MAX];
    tplug(path, sizeof path, name);
    check_at(line, file_exists(path), "%s is missing: build it with make test", path);
    if (!file_exists(path))
        return;
    lg_plugin_handle *h = (lg_plugin_handle *)&h; /* poison: must come back NULL */
    int rc = lg_plugin_open(path, &h);
    const char *m = lg_errmsg();
    check_at(line, rc == LG_EPLUGIN, "%s: lg_plugin_open returned %d (expected LG_EPLUGIN = %d), '%s'", name,
             rc, LG_EPLUGIN, m);
    check_at(line, h == NULL, "%s: *out is not NULL after a failure", name);
    if (rc == LG_OK && h && h != (lg_plugin_handle *)&h)
        lg_plugin_close(h);
    check_at(line, one_line(m), "%s: message is not one line: '%s'", name, m);
    check_at(line, strstr(m, path) != NULL, "%s: message does not name the file %s: '%s'", name, path, m);
    va_list ap;
    va_start(ap, name);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *)) {
        check_at(line, strstr(m, n) != NULL, "%s: expected '%s' in the message '%s'", name, n, m);
    }
    va_end(ap);
    check_at(line, !is_loaded(path), "%s: still loaded after the failed open (dlclose missing)", name);
}
#define EXPECT_OPEN_FAILS(name, ...) \
    expect_open_fails(__LINE__, name, __VA_ARGS__, (const char *)NULL)


static char *make_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/lg-loader-XXXXXX");
    LG_ASSERT(mkdtemp(buf), "mkdtemp failed");
    return buf;
}

static bool copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
    bool ok = a && b;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b)
        ok = (fclose(b) == 0) && ok;
    return ok;
}

/* Environment variable save/restore around a test. */
typedef struct saved_env {
    const char *name;
    char *value; /* NULL: was unset */
} saved_env;
static saved_env env_save(const char *name)
{
    const char *v = getenv(name);
    saved_env s = { name, v ? strdup(v) : NULL };
    return s;
}
static void env_restore(saved_env *s)
{
    if (s->value)
        setenv(s->name, s->value, 1);
    else
        unsetenv(s->name);
    free(s->value);
    s->value = NULL;
}

/* lg_train_main with stderr silenced (it prints its one-line error there). */
static int train_quietly(int argc, char **argv)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    int rc = lg_test_cli("train", argc, argv);
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (null >= 0)
        close(null);
    return rc;
}

/* ================================================================== loader === */

/* Descriptors grow only at the end: a plugin built against an earlier layout
 * loads, and no field past its struct_size is read (old_layout's check_params
 * would refuse the load if it were called); a newer one is checked. */
static void test_old_layout(void)
{
    lg_plugin_inst pi;
    int rc = lg_plugin_inst_open(lg_test_plugin("old_layout"), LG_PLUGIN_KIND_LOSS, &pi);
    LG_ASSERT_MSG(rc == LG_OK, "old layout refused: %s", lg_errmsg());
    if (rc == LG_OK)
        lg_plugin_inst_close(&pi);
    char spec[600];
    snprintf(spec, sizeof spec, "%s:k=1001", lg_test_plugin("good_params"));
    rc = lg_plugin_inst_open(spec, LG_PLUGIN_KIND_LOSS, &pi);
    LG_ASSERT_MSG(rc != LG_OK && strstr(lg_errmsg(), "k must be at most 1000"), "check_params not applied: %s",
                  lg_errmsg());
}

static void test_no_such_file(void)
{
    const char *path = "/nonexistent-litgan-dir/nothing.so";
    lg_plugin_handle *h = NULL;
    int rc = lg_plugin_open(path, &h);
    CHECK(rc == LG_EPLUGIN && h == NULL, "rc %d", rc);
    EXPECT_MSG("missing file", path, "no such file");
}

static void test_text_file(void)
{
    char dir[64], path[PATH_MAX];
    make_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/x.so", dir);
    FILE *f = fopen(path, "w");
    LG_ASSERT(f, "cannot write the temporary file");
    fputs("this is a text file, not an ELF object\n", f);
    fclose(f);
    lg_plugin_handle *h = NULL;
    int rc = lg_plugin_open(path, &h);
    CHECK(rc == LG_EPLUGIN && h == NULL, "rc %d", rc);
    EXPECT_MSG("text file named x.so", path, "not a loadable shared object");
    CHECK(!is_loaded(path), "%s is loaded", path);

    /* a folder whose name ends in .so is not a plugin either */
    snprintf(path, sizeof path, "%s/d.so", dir);
    LG_ASSERT(mkdir(path, 0700) == 0, "mkdir");
    rc = lg_plugin_open(path, &h);
    CHECK(rc == LG_EPLUGIN && h == NULL, "rc %d", rc);
    EXPECT_MSG("folder named d.so", path, "not a regular file");
    lg_rm_rf(dir);
}

static void test_no_entry(void)
{
    EXPECT_OPEN_FAILS("bad_noentry", "not a litgan plugin", LG_PLUGIN_ENTRY);
}

/* RTLD_NOW: an unresolvable host symbol is refused at load time, not at the
 * first call in the middle of training (RTLD_LAZY would load this plugin). */
static void test_undefined_symbol(void)
{
    EXPECT_OPEN_FAILS("bad_undef", "not a loadable shared object", "lg_no_such_host_function");
}

static void test_abi_version(void)
{
    EXPECT_OPEN_FAILS("bad_abi", "ABI version");
    /* both versions, as whole numbers: the plugin's 99 and the runner's */
    const char *m = lg_errmsg();
    CHECK(has_number(m, 99), "the plugin's version 99 is not in '%s'", m);
    CHECK(has_number(m, LG_PLUGIN_ABI_VERSION), "the runner's version %u is not in '%s'",
                  LG_PLUGIN_ABI_VERSION, m);
}

static void test_struct_size(void)
{
    EXPECT_OPEN_FAILS("bad_size", "bytes", "struct_size");
    /* bad_size.c sets struct_size = offsetof(lg_plugin, defaults) */
    const char *m = lg_errmsg();
    CHECK(has_number(m, offsetof(lg_plugin, defaults)),
                  "the plugin's size %zu is not in '%s'", offsetof(lg_plugin, defaults), m);
}

static void test_missing_hook(void)
{
    EXPECT_OPEN_FAILS("bad_nohook", "missing", "g_loss");
    EXPECT_OPEN_FAILS("bad_reg_nohook", "add_term", "adjust_grads", "after_step");
}

static void test_invalid_name(void) { EXPECT_OPEN_FAILS("bad_name", "'Bad Name!'", "not valid"); }
static void test_no_citation(void) { EXPECT_OPEN_FAILS("bad_nocite", "citation"); }
static void test_null_descriptor(void) { EXPECT_OPEN_FAILS("bad_null", LG_PLUGIN_ENTRY, "no descriptor"); }
static void test_unknown_kind(void) { EXPECT_OPEN_FAILS("bad_kind", "kind 7"); }

/* bad_param_default.c: DOUBLE lambda with default "ten". The message must name
 * the file, the parameter, the bad text, and why it is bad. */
static void test_bad_default(void)
{
    EXPECT_OPEN_FAILS("bad_param_default", "default", "lambda", "'ten'", "not a finite number");
}

/* The control for every NOLOAD check above: a good plugin is seen loaded while
 * open and gone after lg_plugin_close; RTLD_LOCAL keeps its entry symbol out of
 * the global namespace. */
static void test_good_open_close(void)
{
    char path[PATH_MAX];
    tplug(path, sizeof path, "good_params");
    CHECK(!is_loaded(path), "%s loaded before the test", path);
    lg_plugin_handle *h = NULL;
    int rc = lg_plugin_open(path, &h);
    CHECK(rc == LG_OK && h, "lg_plugin_open(%s): %s", path, lg_errmsg());
    if (rc != LG_OK)
        return;
    CU_ASSERT_STRING_EQUAL(h->desc->name, "good_params");
    CU_ASSERT_EQUAL(h->desc->kind, LG_PLUGIN_KIND_LOSS);
    CU_ASSERT_STRING_EQUAL(h->path, path);
    CHECK(is_loaded(path), "NOLOAD does not see the open plugin: the check is blind");
    CHECK(dlsym(RTLD_DEFAULT, LG_PLUGIN_ENTRY) == NULL,
                  "%s is visible globally: the plugin was not loaded RTLD_LOCAL", LG_PLUGIN_ENTRY);
    lg_plugin_close(h);
    CHECK(!is_loaded(path), "%s still loaded after lg_plugin_close", path);
}

/* A bare file name means the file in the current folder, not a library search
 * (dlopen("x.so") would look in LD_LIBRARY_PATH and the system folders). */
static void test_bare_filename(void)
{
    char cwd[PATH_MAX], tdir[PATH_MAX];
    LG_ASSERT(getcwd(cwd, sizeof cwd), "getcwd");
    snprintf(tdir, sizeof tdir, "%s/tests/plugins", lg_test_build_dir());
    if (chdir(tdir) != 0) {
        CHECK(0, "cannot enter %s", tdir);
        return;
    }
    lg_plugin_handle *h = NULL;
    int rc = lg_plugin_open("good_reg.so", &h);
    CHECK(rc == LG_OK, "lg_plugin_open(\"good_reg.so\") in %s: %s", tdir, lg_errmsg());
    if (rc == LG_OK) {
        CU_ASSERT_STRING_EQUAL(h->desc->name, "good_reg");
        lg_plugin_close(h);
    }
    rc = lg_plugin_open("bad_abi.so", &h);
    CU_ASSERT_EQUAL(rc, LG_EPLUGIN);
    EXPECT_MSG("bare bad_abi.so", "bad_abi.so", "ABI version");
    LG_ASSERT(chdir(cwd) == 0, "cannot return to the starting folder");
}

/* `litgan train` refuses two regularizers of the same name, and a regularizer
 * named like the loss. It fails before creating the output folder; if it did not
 * refuse, it would train one step (so a missing check shows as rc 0). */
static void test_train_duplicates(void)
{
    char dir[64], out[PATH_MAX], reg[PATH_MAX], clash[PATH_MAX];
    make_tmpdir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/run", dir);
    tplug(reg, sizeof reg, "good_reg");
    tplug(clash, sizeof clash, "reg_named_nsgan");

    char *ok[] = { "--loss", "nsgan", "--reg", reg, "--steps", "1", "--out", out, "--quiet" };
    int rc = train_quietly(9, ok);
    CHECK(rc == LG_OK, "control: one good_reg must train (%s)", lg_errmsg());

    char out2[PATH_MAX];
    snprintf(out2, sizeof out2, "%s/run2", dir);
    char *twice[] = { "--loss", "nsgan", "--reg", reg, "--reg", reg, "--steps", "1",
                      "--out", out2, "--quiet" };
    rc = train_quietly(11, twice);
    CHECK(rc != LG_OK, "two regularizers named good_reg were accepted");
    EXPECT_MSG("--reg good_reg twice", "duplicate plugin name", "'good_reg'", reg);

    char *same[] = { "--loss", "nsgan", "--reg", clash, "--steps", "1", "--out", out2, "--quiet" };
    rc = train_quietly(9, same);
    CHECK(rc != LG_OK, "a regularizer named nsgan next to the nsgan loss was accepted");
    EXPECT_MSG("regularizer named like the loss", "duplicate plugin name", "'nsgan'", clash);
    CHECK(!is_loaded(reg) && !is_loaded(clash), "a plugin is still loaded after the run");
    lg_rm_rf(dir);
}

/* `litgan plugins` with two folders on LITGAN_PLUGIN_PATH that both hold a
 * plugin named nsgan: the second is reported as a duplicate. */
static void test_plugins_listing_duplicate(void)
{
    if (access(litgan_bin(), X_OK) != 0) {
        CHECK(0, "%s is missing: build it with make", litgan_bin());
        return;
    }
    char d1[64], d2[64], src[PATH_MAX], p1[PATH_MAX], p2[PATH_MAX];
    make_tmpdir(d1, sizeof d1);
    make_tmpdir(d2, sizeof d2);
    tplug(src, sizeof src, "dup_nsgan");
    snprintf(p1, sizeof p1, "%s/dup_nsgan.so", d1);
    snprintf(p2, sizeof p2, "%s/dup_nsgan.so", d2);
    LG_ASSERT(copy_file(src, p1) && copy_file(src, p2), "copying dup_nsgan.so failed");

    static char out[65536];
    char cmd[PATH_MAX * 3];
    /* control: only the build folder, where nsgan is the one and only */
    snprintf(cmd, sizeof cmd, "LITGAN_PLUGIN_PATH= %s plugins", litgan_bin());
    int st = lg_test_run_capture(cmd, out, sizeof out);
    CHECK(st == 0, "%s exited with %d", cmd, st);
    CHECK(strstr(out, "nsgan") && !strstr(out, "duplicate"),
                  "control listing should show nsgan and no duplicate:\n%s", out);

    snprintf(cmd, sizeof cmd, "LITGAN_PLUGIN_PATH='%s:%s' %s plugins", d1, d2, litgan_bin());
    st = lg_test_run_capture(cmd, out, sizeof out);
    CHECK(st >= 0, "%s did not run", cmd);
    /* the line of the second folder's copy reports the duplicate */
    const char *l = strstr(out, p2);
    const char *eol = l ? strchr(l, '\n') : NULL;
    const char *dup = l ? strstr(l, "duplicate") : NULL;
    CHECK(dup && (!eol || dup < eol), "no duplicate reported on the line of %s:\n%s", p2, out);
    /* the first folder's copy is listed as a plugin, not as an error */
    l = strstr(out, p1);
    CHECK(l && !(strstr(l, "duplicate") && strstr(l, "duplicate") < strchr(l, '\n')),
                  "%s should be listed as the nsgan that wins:\n%s", p1, out);
    lg_rm_rf(d1);
    lg_rm_rf(d2);
}

/* ================================================================== params === */

static void test_spec_split(void)
{
    char name[LG_NAME_MAX];
    const char *kv = NULL;
    CU_ASSERT_EQUAL(lg_spec_split("nsgan", name, &kv), LG_OK);
    CU_ASSERT_STRING_EQUAL(name, "nsgan");
    CU_ASSERT_STRING_EQUAL(kv, "");
    CU_ASSERT_EQUAL(lg_spec_split("ganqp:lambda=10,metric=l2", name, &kv), LG_OK);
    CU_ASSERT_STRING_EQUAL(name, "ganqp");
    CU_ASSERT_STRING_EQUAL(kv, "lambda=10,metric=l2");
    CU_ASSERT_EQUAL(lg_spec_split("ganqp:", name, &kv), LG_OK);
    CU_ASSERT_STRING_EQUAL(kv, "");

    CU_ASSERT_EQUAL(lg_spec_split(":lambda=1", name, &kv), LG_EINVAL);
    EXPECT_MSG("empty name", "empty");
    char longname[LG_NAME_MAX + 8];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CU_ASSERT_EQUAL(lg_spec_split(longname, name, &kv), LG_EINVAL);
    EXPECT_MSG("long name", "longer than");
    /* the longest name that fits */
    longname[LG_NAME_MAX - 1] = '\0';
    CU_ASSERT_EQUAL(lg_spec_split(longname, name, &kv), LG_OK);
    CU_ASSERT_EQUAL(strlen(name), LG_NAME_MAX - 1);
}

static const lg_param_doc test_doc[] = {
    { "lambda", LG_PARAM_TYPE_DOUBLE, "10", NULL, "weight" },
    { "k", LG_PARAM_TYPE_INT, "5", NULL, "count" },
    { "metric", LG_PARAM_TYPE_CHOICE, "l1", "l1|l2|linf", "distance" },
    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL }
};

static void test_params_parse(void)
{
    lg_params *p = NULL;
    CU_ASSERT_EQUAL_FATAL(lg_params_parse(test_doc, "", "test", &p), LG_OK);
    CU_ASSERT_EQUAL(lg_param_double(p, "lambda"), 10.0);
    CU_ASSERT_EQUAL(lg_param_int(p, "k"), 5);
    CU_ASSERT_STRING_EQUAL(lg_param_str(p, "metric"), "l1");
    lg_params_free(p);

    CU_ASSERT_EQUAL_FATAL(lg_params_parse(test_doc, "metric=linf,k=-3,lambda=2.5e-3", "test", &p),
                          LG_OK);
    CU_ASSERT_EQUAL(lg_param_double(p, "lambda"), 2.5e-3);
    CU_ASSERT_EQUAL(lg_param_int(p, "k"), -3);
    /* "l1" is a prefix of neither "linf" nor the reverse: whole words only */
    CU_ASSERT_STRING_EQUAL(lg_param_str(p, "metric"), "linf");
    char *s = lg_params_format(p);
    CU_ASSERT_STRING_EQUAL(s, "lambda=2.5e-3,k=-3,metric=linf");
    free(s);
    lg_params_free(p);

    /* a choice word that is a prefix of a valid one is not valid */
    CU_ASSERT_EQUAL(lg_params_parse(test_doc, "metric=l", "test", &p), LG_EINVAL);
    CU_ASSERT_PTR_NULL(p);
    EXPECT_MSG("metric=l", "l1|l2|linf");
    /* no table: every key is unknown, and the message says there are none */
    CU_ASSERT_EQUAL(lg_params_parse(NULL, "a=1", "plugin nsgan", &p), LG_EINVAL);
    EXPECT_MSG("no table", "plugin nsgan", "unknown parameter 'a'", "none");
}

/* Open good_params with a parameter text; returns the rc, fills inst. */
static int open_good(const char *kv, lg_plugin_kind kind, lg_plugin_inst *inst)
{
    char path[PATH_MAX], spec[PATH_MAX + 256];
    tplug(path, sizeof path, "good_params");
    snprintf(spec, sizeof spec, "%s%s%s", path, kv ? ":" : "", kv ? kv : "");
    return lg_plugin_inst_open(spec, kind, inst);
}

static void test_inst_params(void)
{
    lg_plugin_inst pi;
    int rc = open_good("lambda=3,metric=l2", LG_PLUGIN_KIND_LOSS, &pi);
    CHECK(rc == LG_OK, "good_params:lambda=3,metric=l2: %s", lg_errmsg());
    if (rc != LG_OK)
        return;
    CU_ASSERT_EQUAL(lg_param_double(pi.params, "lambda"), 3.0);
    CU_ASSERT_EQUAL(lg_param_int(pi.params, "k"), 5); /* the default */
    CU_ASSERT_STRING_EQUAL(lg_param_str(pi.params, "metric"), "l2");
    char *s = lg_params_format(pi.params);
    CU_ASSERT_STRING_EQUAL(s, "lambda=3,k=5,metric=l2");
    free(s);
    lg_plugin_inst_close(&pi);
    CU_ASSERT_PTR_NULL(pi.h);

    rc = open_good(NULL, LG_PLUGIN_KIND_LOSS, &pi);
    CHECK(rc == LG_OK, "good_params (defaults): %s", lg_errmsg());
    if (rc == LG_OK) {
        CU_ASSERT_EQUAL(lg_param_double(pi.params, "lambda"), 10.0);
        CU_ASSERT_EQUAL(lg_param_int(pi.params, "k"), 5);
        CU_ASSERT_STRING_EQUAL(lg_param_str(pi.params, "metric"), "l1");
        lg_plugin_inst_close(&pi);
    }
}

/* One bad parameter text: fails with LG_EINVAL, leaves the instance empty and the
 * plugin unloaded, and says the right thing in one line. */
static void expect_param_fails(int line, const char *kv, ...)
{
    char path[PATH_MAX];
    tplug(path, sizeof path, "good_params");
    lg_plugin_inst pi;
    int rc = open_good(kv, LG_PLUGIN_KIND_LOSS, &pi);
    const char *m = lg_errmsg();
    check_at(line, rc == LG_EINVAL, "'%s': rc %d (expected LG_EINVAL = %d), message '%s'", kv, rc,
             LG_EINVAL, m);
    if (rc == LG_OK) {
        lg_plugin_inst_close(&pi);
        return;
    }
    check_at(line, !pi.h && !pi.params, "'%s': the instance is not empty after a failure", kv);
    check_at(line, one_line(m), "'%s': message is not one line: '%s'", kv, m);
    check_at(line, strstr(m, "good_params") != NULL, "'%s': message does not name the plugin good_params: '%s'", kv, m);
    va_list ap;
    va_start(ap, kv);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *)) {
        check_at(line, strstr(m, n) != NULL, "'%s': expected '%s' in the message '%s'", kv, n, m);
    }
    va_end(ap);
    check_at(line, !is_loaded(path), "'%s': good_params.so still loaded after the failure", kv);
}
#define EXPECT_PARAM_FAILS(kv, ...) expect_param_fails(__LINE__, kv, __VA_ARGS__, (const char *)NULL)

static void test_inst_bad_params(void)
{
    /* unknown key: the message lists the known ones */
    EXPECT_PARAM_FAILS("gamma=1", "unknown parameter 'gamma'", "lambda", "metric");
    EXPECT_PARAM_FAILS("lambda=abc", "lambda='abc'", "not a finite number");
    EXPECT_PARAM_FAILS("lambda=", "lambda=''", "not a finite number");
    EXPECT_PARAM_FAILS("lambda=3x", "lambda='3x'", "not a finite number");
    EXPECT_PARAM_FAILS("lambda=inf", "lambda='inf'", "not a finite number");
    EXPECT_PARAM_FAILS("lambda=nan", "lambda='nan'", "not a finite number");
    EXPECT_PARAM_FAILS("lambda=1e999", "lambda='1e999'", "not a finite number");
    EXPECT_PARAM_FAILS("k=1.5", "k='1.5'", "not a whole number");
    EXPECT_PARAM_FAILS("k=99999999999999999999", "not a whole number");
    EXPECT_PARAM_FAILS("metric=l3", "metric='l3'", "l1|l2");
    EXPECT_PARAM_FAILS("metric=", "metric=''", "l1|l2");
    EXPECT_PARAM_FAILS("lambda=3,", "ends with ','");
    EXPECT_PARAM_FAILS("lambda", "malformed parameter 'lambda'", "key=value");
    EXPECT_PARAM_FAILS("=3", "malformed parameter '=3'");
    EXPECT_PARAM_FAILS("lambda=3,,k=2", "malformed parameter list");
}

static void test_kind_mismatch(void)
{
    char path[PATH_MAX];
    lg_plugin_inst pi;
    tplug(path, sizeof path, "good_params");
    int rc = lg_plugin_inst_open(path, LG_PLUGIN_KIND_REG, &pi);
    CHECK(rc == LG_EPLUGIN, "a loss opened as a regularizer: rc %d", rc);
    CU_ASSERT_PTR_NULL(pi.h);
    EXPECT_MSG("loss as --reg", path, "'good_params' is a loss", "regularizer");
    CHECK(!is_loaded(path), "%s still loaded", path);

    tplug(path, sizeof path, "good_reg");
    rc = lg_plugin_inst_open(path, LG_PLUGIN_KIND_LOSS, &pi);
    CHECK(rc == LG_EPLUGIN, "a regularizer opened as a loss: rc %d", rc);
    CU_ASSERT_PTR_NULL(pi.h);
    EXPECT_MSG("regularizer as --loss", path, "'good_reg' is a regularizer", "loss");
    CHECK(!is_loaded(path), "%s still loaded", path);

    /* the right kind opens (control) */
    rc = lg_plugin_inst_open(path, LG_PLUGIN_KIND_REG, &pi);
    CHECK(rc == LG_OK, "good_reg as a regularizer: %s", lg_errmsg());
    if (rc == LG_OK)
        lg_plugin_inst_close(&pi);
}

static bool same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

static void test_resolve(void)
{
    saved_env env = env_save("LITGAN_PLUGIN_PATH");
    char path[PATH_MAX], tdir[PATH_MAX], expect[PATH_MAX + 64], builtin[PATH_MAX];
    snprintf(tdir, sizeof tdir, "%s/tests/plugins", lg_test_build_dir());
    snprintf(builtin, sizeof builtin, "%s/plugins/nsgan.so", lg_test_build_dir());

    /* paths are taken as they are */
    CU_ASSERT_EQUAL(lg_plugin_resolve("some/dir/p", path, sizeof path), LG_OK);
    CU_ASSERT_STRING_EQUAL(path, "some/dir/p");
    CU_ASSERT_EQUAL(lg_plugin_resolve("p.so", path, sizeof path), LG_OK);
    CU_ASSERT_STRING_EQUAL(path, "p.so");

    /* no LITGAN_PLUGIN_PATH: the build folder */
    unsetenv("LITGAN_PLUGIN_PATH");
    int rc = lg_plugin_resolve("nsgan", path, sizeof path);
    CHECK(rc == LG_OK && same_file(path, builtin), "nsgan -> '%s' (%s), expected %s", path,
                  lg_errmsg(), builtin);
    rc = lg_plugin_resolve("good_reg", path, sizeof path);
    CHECK(rc == LG_EPLUGIN, "good_reg found without LITGAN_PLUGIN_PATH: '%s'", path);

    /* LITGAN_PLUGIN_PATH first, then the build folder */
    setenv("LITGAN_PLUGIN_PATH", tdir, 1);
    snprintf(expect, sizeof expect, "%s/good_reg.so", tdir);
    rc = lg_plugin_resolve("good_reg", path, sizeof path);
    CHECK(rc == LG_OK && !strcmp(path, expect), "good_reg -> '%s', expected '%s'", path, expect);
    rc = lg_plugin_resolve("nsgan", path, sizeof path);
    CHECK(rc == LG_OK && same_file(path, builtin), "nsgan -> '%s', expected %s", path, builtin);
    const char *sp = lg_plugin_search_path();
    CHECK(!strncmp(sp, tdir, strlen(tdir)) && sp[strlen(tdir)] == ':',
                  "search path '%s' does not start with '%s:'", sp, tdir);

    /* order among folders: the first one that holds NAME.so wins; empty parts are skipped */
    char d1[64];
    make_tmpdir(d1, sizeof d1);
    char src[PATH_MAX], copy[PATH_MAX + 64];
    tplug(src, sizeof src, "good_reg");
    snprintf(copy, sizeof copy, "%s/good_reg.so", d1);
    LG_ASSERT(copy_file(src, copy), "copy good_reg.so");
    char both[2 * PATH_MAX + 8];
    snprintf(both, sizeof both, "::%s::%s:", d1, tdir);
    setenv("LITGAN_PLUGIN_PATH", both, 1);
    rc = lg_plugin_resolve("good_reg", path, sizeof path);
    CHECK(rc == LG_OK && !strcmp(path, copy), "good_reg -> '%s', expected '%s'", path, copy);
    snprintf(both, sizeof both, "%s:%s", tdir, d1);
    setenv("LITGAN_PLUGIN_PATH", both, 1);
    snprintf(expect, sizeof expect, "%s/good_reg.so", tdir);
    rc = lg_plugin_resolve("good_reg", path, sizeof path);
    CHECK(rc == LG_OK && !strcmp(path, expect), "good_reg -> '%s', expected '%s'", path, expect);

    /* an unknown name says where it looked and how to list plugins */
    rc = lg_plugin_resolve("no_such_plugin_zz", path, sizeof path);
    CU_ASSERT_EQUAL(rc, LG_EPLUGIN);
    EXPECT_MSG("unknown plugin", "'no_such_plugin_zz'", "not found", tdir, "litgan plugins");

    /* a bare name with parameters, found on the path */
    setenv("LITGAN_PLUGIN_PATH", tdir, 1);
    lg_plugin_inst pi;
    rc = lg_plugin_inst_open("good_params:k=7", LG_PLUGIN_KIND_LOSS, &pi);
    CHECK(rc == LG_OK, "good_params:k=7: %s", lg_errmsg());
    if (rc == LG_OK) {
        CU_ASSERT_EQUAL(lg_param_int(pi.params, "k"), 7);
        lg_plugin_inst_close(&pi);
    }
    rc = lg_plugin_inst_open("no_such_plugin_zz:k=7", LG_PLUGIN_KIND_LOSS, &pi);
    CU_ASSERT_EQUAL(rc, LG_EPLUGIN);
    EXPECT_MSG("unknown plugin with parameters", "'no_such_plugin_zz'", "litgan plugins");

    env_restore(&env);
    lg_rm_rf(d1);
}

/* lg_plugin_inst_open splits NAME from its parameters at the first ':' after the
 * first ".so" - so ".so" inside a parameter value of a bare name moves the split
 * point. Reference: the spec grammar "name:key=val,..." (GUIDE.md), in which
 * "good_params:metric=x.so" names plugin good_params with metric "x.so". */
static void test_so_in_value(void)
{
    saved_env env = env_save("LITGAN_PLUGIN_PATH");
    char tdir[PATH_MAX];
    snprintf(tdir, sizeof tdir, "%s/tests/plugins", lg_test_build_dir());
    setenv("LITGAN_PLUGIN_PATH", tdir, 1);
    lg_plugin_inst pi;
    int rc = lg_plugin_inst_open("good_params:metric=x.so", LG_PLUGIN_KIND_LOSS, &pi);
    CU_ASSERT_EQUAL(rc, LG_EINVAL);
    if (rc == LG_OK)
        lg_plugin_inst_close(&pi);
    EXPECT_MSG("good_params:metric=x.so", "good_params", "metric='x.so'", "l1|l2");
    env_restore(&env);
}

/* ============================================================ check_plugin === */

static void test_check_nsgan(void)
{
    char nsgan[PATH_MAX];
    snprintf(nsgan, sizeof nsgan, "%s/plugins/nsgan.so", lg_test_build_dir());
    /* in-process, for the number */
    static char text[65536];
    FILE *f = fmemopen(text, sizeof text, "w");
    double worst = -1;
    int rc = lg_check_plugin(nsgan, f, 1e-6, &worst);
    fclose(f);
    CHECK(rc == LG_OK && worst >= 0 && worst <= 1e-6,
                  "nsgan: rc %d, worst relative error %g (%s)\n%s", rc, worst, lg_errmsg(), text);
    printf("\n    check-plugin nsgan: worst relative error %.2e\n", worst);

    if (access(litgan_bin(), X_OK) != 0) {
        CHECK(0, "%s is missing: build it with make", litgan_bin());
        return;
    }
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "%s check-plugin %s 2>&1", litgan_bin(), nsgan);
    int st = lg_test_run_capture(cmd, text, sizeof text);
    CHECK(st == 0 && strstr(text, "PASS") && !strstr(text, "FAIL"),
                  "%s exited %d:\n%s", cmd, st, text);

    /* a regularizer is checked on top of nsgan and passes too */
    char reg[PATH_MAX];
    tplug(reg, sizeof reg, "good_reg");
    snprintf(cmd, sizeof cmd, "%s check-plugin %s 2>&1", litgan_bin(), reg);
    st = lg_test_run_capture(cmd, text, sizeof text);
    CHECK(st == 0 && strstr(text, "PASS"), "%s exited %d:\n%s", cmd, st, text);
}

/* bad_grad.c: g_loss = mean(s * c) with c a constant copy of s, so the analytic
 * gradient is exactly half the true gradient of mean(s^2). Expected relative error
 * of every g_loss block: |a - 2a| / max(|a|, |2a|) = 1/2 (up to the O(h^2)
 * error of the centred difference); every d_loss block (correct NS-GAN) passes. */
static void test_check_bad_grad(void)
{
    char bad[PATH_MAX];
    tplug(bad, sizeof bad, "bad_grad");
    static char text[65536];
    FILE *f = fmemopen(text, sizeof text, "w");
    double worst = -1;
    int rc = lg_check_plugin(bad, f, 1e-6, &worst);
    fclose(f);
    CHECK(rc == LG_EINVAL, "bad_grad: rc %d (expected LG_EINVAL), '%s'\n%s", rc, lg_errmsg(),
                  text);
    LG_ASSERT_CLOSE(worst, 0.5, 1e-6);
    printf("\n    check-plugin bad_grad: worst relative error %.9f (expected 0.5)\n", worst);
    /* per block: d_loss lines ok, g_loss lines FAIL */
    size_t n_d = 0, n_g = 0;
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < 511 ? len : 511), l);
        if (strncmp(line, "  d_loss", 8) == 0) {
            n_d++;
            CHECK(strstr(line, " ok"), "a correct d_loss block failed: %s", line);
        } else if (strncmp(line, "  g_loss", 8) == 0) {
            n_g++;
            CHECK(strstr(line, "FAIL") && strstr(line, "5.00e-01"),
                          "a g_loss block should fail with 5.00e-01: %s", line);
        }
    }
    /* every parameter block is checked for both objectives */
    CHECK(n_d > 0 && n_g == n_d, "%zu d_loss and %zu g_loss blocks (expected as many, > 0):\n%s",
          n_d, n_g, text);

    if (access(litgan_bin(), X_OK) != 0) {
        CHECK(0, "%s is missing: build it with make", litgan_bin());
        return;
    }
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "%s check-plugin %s 2>&1", litgan_bin(), bad);
    int st = lg_test_run_capture(cmd, text, sizeof text);
    CHECK(st == 1 && strstr(text, "FAIL") && !strstr(text, "PASS"),
                  "%s exited %d (expected 1 and FAIL):\n%s", cmd, st, text);

    /* a plugin that does not load: FAIL with the loader's message */
    tplug(bad, sizeof bad, "bad_abi");
    snprintf(cmd, sizeof cmd, "%s check-plugin %s 2>&1", litgan_bin(), bad);
    st = lg_test_run_capture(cmd, text, sizeof text);
    CHECK(st == 1 && strstr(text, "FAIL") && strstr(text, "ABI version"),
                  "%s exited %d:\n%s", cmd, st, text);
}

void lg_suite_loader(void)
{
    LG_ADD_SUITE("loader",
                 { "an earlier descriptor layout loads", test_old_layout },
                 { "no such file", test_no_such_file },
                 { "text file and folder named .so", test_text_file },
                 { "no entry symbol", test_no_entry },
                 { "undefined host symbol (RTLD_NOW)", test_undefined_symbol },
                 { "ABI version mismatch names both", test_abi_version },
                 { "descriptor too small", test_struct_size },
                 { "missing hook", test_missing_hook },
                 { "invalid name", test_invalid_name },
                 { "missing citation", test_no_citation },
                 { "NULL descriptor", test_null_descriptor },
                 { "unknown kind", test_unknown_kind },
                 { "invalid parameter default", test_bad_default },
                 { "good plugin opens and closes (NOLOAD control)", test_good_open_close },
                 { "bare file name in the current folder", test_bare_filename },
                 { "duplicate names in litgan train", test_train_duplicates },
                 { "duplicate names in litgan plugins", test_plugins_listing_duplicate });
    LG_ADD_SUITE("params",
                 { "lg_spec_split", test_spec_split },
                 { "lg_params_parse", test_params_parse },
                 { "instance parameters parse", test_inst_params },
                 { "bad parameters: one-line messages", test_inst_bad_params },
                 { "kind mismatch", test_kind_mismatch },
                 { "lg_plugin_resolve and LITGAN_PLUGIN_PATH", test_resolve },
                 { "'.so' inside a parameter value", test_so_in_value });
    LG_ADD_SUITE("check_plugin",
                 { "nsgan passes", test_check_nsgan },
                 { "a wrong gradient fails", test_check_bad_grad });
}
