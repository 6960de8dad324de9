/*
 * test_install.c - `make install` and `make install-solutions` into a temporary
 * prefix, used from outside the source tree as a user would use them.
 *
 * The make runs use this run's build folder and litgan (LG_BUILD, LG_BIN as
 * BUILD and BINDIR) and keep the variables a parent make was given (make
 * sanitize's BUILD, BINDIR and OPT reach this test in MAKEFLAGS), so nothing is
 * rebuilt and the sanitizer run installs its own sanitized build. Checks:
 *   - the files: bin/litgan, both libraries, the public headers, litgan.pc, and
 *     in lib/litgan/plugins every reference plugin except the labs' solutions;
 *   - a plugin written in a folder outside the tree builds with only
 *     `pkg-config --cflags litgan` and trains 2 steps with the installed
 *     litgan (`--loss ./myloss.so`), which writes its log;
 *   - the installed `litgan plugins` lists the installed plugins by bare name,
 *     from the prefix and not the build tree; gan and nsgan (Lab 01, 02) are
 *     absent and `--loss gan` is not found;
 *   - `make install-solutions` adds the solutions with mode 0600, and then they
 *     are listed and load by name;
 *   - a program on the engine API builds with `pkg-config --cflags --libs` and
 *     sees the prefix's plugin folder;
 *   - DESTDIR stages the same tree, with PREFIX (not DESTDIR) in litgan.pc;
 *   - the labs under the prefix: listed by `litgan labs`; a reference
 *     submission scores the visible points (hidden.so comes only with
 *     install-solutions, mode 0600, and then full marks); the installed student
 *     files are the handout's stubs (zero points, "not implemented yet").
 * The solutions are read from labs/NN-name/lab.ini ([lab] files = ...), as the
 * Makefile reads them; gan and nsgan must be among them.
 */
#include "lg_test.h"

#include <glob.h>
#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole install test is a few seconds; a minute means something hangs. */
#define SH_TIMEOUT 120.0

static char sh_out[1 << 16];

/* Run a shell command, stdout and stderr into sh_out; its exit status, or -1. */
static int sh(const char *cmd)
{
    char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
    lg_proc_spec s = { .argv = argv, .capture = LG_PROC_OUT | LG_PROC_ERR, .out_cap = sizeof sh_out - 1,
                       .timeout = SH_TIMEOUT };
    lg_proc_result r;
    sh_out[0] = '\0';
    if (lg_proc_run(&s, &r) != LG_OK)
        return -1;
    memcpy(sh_out, r.out, r.n_out + 1);
    int st = !r.timed_out && WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    lg_proc_result_free(&r);
    return st;
}

static bool exists(const char *dir, const char *rel, mode_t *mode)
{
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    if (stat(p, &st) != 0)
        return false;
    if (mode)
        *mode = st.st_mode & 07777;
    return true;
}

/* ------------------------------------------------------ what is a solution --- */

typedef struct names {
    char v[64][LG_NAME_MAX];
    size_t n;
} names;

static bool has(const names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], name))
            return true;
    return false;
}

static void add(names *s, const char *name, size_t len)
{
    if (s->n < 64 && len < LG_NAME_MAX) {
        memcpy(s->v[s->n], name, len);
        s->v[s->n][len] = '\0';
        if (!has(s, s->v[s->n]))
            s->n++;
    }
}

/* [lab] files = plugins/gan.c, labs/01-minimax/optimal.c: the plugins among them */
static int on_lab_ini(void *user, const char *section, const char *key, const char *value)
{
    if (strcmp(section, "lab") || strcmp(key, "files"))
        return 1;
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",");
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 10 && !strncmp(p, "plugins/", 8) && !strncmp(p + n - 2, ".c", 2))
            add(user, p + 8, n - 10);
        p += n;
    }
    return 1;
}

static void lab_solutions(names *s)
{
    glob_t g;
    s->n = 0;
    if (glob("labs/*/lab.ini", 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++)
        ini_parse(g.gl_pathv[i], on_lab_ini, s);
    globfree(&g);
}

/* build/plugins/NAME.so -> NAME */
static void built_plugins(names *s)
{
    char pat[PATH_MAX];
    glob_t g;
    s->n = 0;
    snprintf(pat, sizeof pat, "%s/plugins/*.so", lg_test_build_dir());
    if (glob(pat, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *b = strrchr(g.gl_pathv[i], '/') + 1;
        add(s, b, strlen(b) - 3);
    }
    globfree(&g);
}

/* The names `litgan plugins` printed: each entry's first line starts in column 0. */
static void listed(const char *out, names *s)
{
    s->n = 0;
    for (const char *l = out; *l; l += strcspn(l, "\n"), l += *l == '\n') {
        if (*l != ' ' && *l != '\n')
            add(s, l, strcspn(l, " \n"));
    }
}

/* ------------------------------------------------------------------ make --- */

/* The variables a parent make was given (the part of MAKEFLAGS after "--"),
 * without its flags and jobserver, so that `make sanitize` installs its own build. */
static void make_env(void)
{
    const char *mf = getenv("MAKEFLAGS");
    const char *vars = mf ? strstr(mf, " -- ") : NULL;
    if (vars)
        vars += 1;
    else if (mf && !strncmp(mf, "-- ", 3))
        vars = mf;
    if (vars)
        setenv("MAKEFLAGS", vars, 1);
    else
        unsetenv("MAKEFLAGS");
    unsetenv("MFLAGS");
}

static int make(const char *target, const char *vars)
{
    char bindir[PATH_MAX], cmd[4 * PATH_MAX];
    snprintf(bindir, sizeof bindir, "%s", lg_test_bin());
    char *slash = strrchr(bindir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(bindir, sizeof bindir, ".");
    snprintf(cmd, sizeof cmd, "${MAKE:-make} -s --no-print-directory %s BUILD='%s' BINDIR='%s' %s 2>&1",
             target, lg_test_build_dir(), bindir, vars);
    int st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);
    return st;
}

static const char myloss_c[] =
    "/* a loss plugin built outside the tree: the non-saturating GAN */\n"
    "#include \"litgan.h\"\n"
    "static lg_node *d_loss(lg_game *g, const lg_params *p)\n"
    "{\n"
    "    (void)p;\n"
    "    lg_tape *t = lg_game_tape(g);\n"
    "    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));\n"
    "    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));\n"
    "    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))), lg_mean(t, lg_softplus(t, s_fake)));\n"
    "}\n"
    "static lg_node *g_loss(lg_game *g, const lg_params *p)\n"
    "{\n"
    "    (void)p;\n"
    "    lg_tape *t = lg_game_tape(g);\n"
    "    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g)));\n"
    "    return lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));\n"
    "}\n"
    "static const lg_plugin plugin = {\n"
    "    .abi_version = LG_PLUGIN_ABI_VERSION, .struct_size = sizeof(lg_plugin),\n"
    "    .kind = LG_PLUGIN_KIND_LOSS, .name = \"myloss\", .title = \"an out-of-tree loss\",\n"
    "    .citation = \"tests/test_install.c\", .d_loss = d_loss, .g_loss = g_loss,\n"
    "};\n"
    "LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }\n";

static const char prog_c[] =
    "/* a program on the engine API */\n"
    "#include <stdio.h>\n"
    "#include <litgan/engine.h>\n"
    "int main(void) { printf(\"%s\\n\", lg_plugin_search_path()); return 0; }\n";

static bool write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    return f ? fclose(f) == 0 && ok : false;
}

/* The installed litgan, run as a user would: no plugin path, no library path. */
#define RUN_INSTALLED "cd '%s' && env -u LITGAN_PLUGIN_PATH -u LD_LIBRARY_PATH OPENBLAS_NUM_THREADS=1 '%s/bin/litgan' "

static void test_install(void)
{
    if (access("Makefile", R_OK) != 0 || access("labs", R_OK) != 0) {
        LG_ASSERT_MSG(0, "run the tests from the source root (make test does)");
        return;
    }
    char prefix[PATH_MAX], work[PATH_MAX], cmd[6 * PATH_MAX], vars[2 * PATH_MAX], path[2 * PATH_MAX];
    snprintf(prefix, sizeof prefix, "%s", lg_test_tmpdir("install-prefix"));
    snprintf(work, sizeof work, "%s", lg_test_tmpdir("install-work"));
    lg_rm_rf(prefix);
    lg_rm_rf(work);
    LG_ASSERT(lg_mkdir_p(work) == LG_OK, "mkdir of the work folder");

    names solutions, built, expected = { .n = 0 }, got;
    lab_solutions(&solutions);
    LG_ASSERT_MSG(has(&solutions, "gan") && has(&solutions, "nsgan"),
                  "labs/*/lab.ini should name plugins/gan.c and plugins/nsgan.c as student files ([lab] files)");
    built_plugins(&built);
    for (size_t i = 0; i < built.n; i++)
        if (!has(&solutions, built.v[i]))
            add(&expected, built.v[i], strlen(built.v[i]));
    LG_ASSERT_MSG(expected.n >= 1, "only %zu non-solution plugins in %s/plugins: run make", expected.n,
                  lg_test_build_dir());

    char *saved_mf = getenv("MAKEFLAGS") ? strdup(getenv("MAKEFLAGS")) : NULL;
    make_env();

    /* make install */
    snprintf(vars, sizeof vars, "PREFIX='%s'", prefix);
    if (make("install", vars) != 0)
        goto out;
    static const char *const files[] = { "bin/litgan", "lib/liblitgan.so", "lib/liblitgan-course.so",
                                         "include/litgan.h", "include/litgan/plugin.h",
                                         "include/litgan/engine.h", "lib/pkgconfig/litgan.pc" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        LG_ASSERT_MSG(exists(prefix, files[i], NULL), "make install did not install %s", files[i]);
    for (size_t i = 0; i < built.n; i++) {
        snprintf(path, sizeof path, "lib/litgan/plugins/%s.so", built.v[i]);
        bool solution = has(&solutions, built.v[i]);
        LG_ASSERT_MSG(exists(prefix, path, NULL) == !solution, "%s %s by make install", path,
                      solution ? "installed (a lab's solution)" : "not installed");
    }

    /* the image data beside the installed library: found from anywhere */
    snprintf(cmd, sizeof cmd, "cd '%s' && env -u LITGAN_DATA '%s/bin/litgan' data info mnist 2>&1", work, prefix);
    int dst = sh(cmd);
    LG_ASSERT_MSG(dst == 0 && strstr(sh_out, "28x28") && strstr(sh_out, "2000"),
                  "the installed litgan does not find lib/litgan/data/mnist: %s exited with %d:\n%s", cmd, dst,
                  sh_out);

    /* a plugin from a folder outside the tree, with pkg-config's flags only */
    snprintf(path, sizeof path, "%s/myloss.c", work);
    LG_ASSERT(write_text(path, myloss_c), "write myloss.c");
    snprintf(cmd, sizeof cmd,
             "cd '%s' && cflags=$(PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config --cflags litgan) && echo \"$cflags\" && "
             "cc -Wall -Wextra -Werror -shared -fPIC $cflags -o myloss.so myloss.c",
             work, prefix);
    int st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);
    snprintf(path, sizeof path, "-I%s/include", prefix);
    LG_ASSERT_MSG(strstr(sh_out, path), "pkg-config --cflags litgan gave '%s', expected %s", sh_out, path);

    snprintf(cmd, sizeof cmd, RUN_INSTALLED "train --loss ./myloss.so --steps 2 --out run --quiet 2>&1", work,
             prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);
    snprintf(path, sizeof path, "%s/run/log.csv", work);
    char *log = lg_read_file(path, NULL);
    LG_ASSERT_MSG(log && strchr(log, '\n') && strchr(strchr(log, '\n') + 1, '\n'),
                  "the run with ./myloss.so wrote no log rows in %s", path);
    free(log);

    /* the installed plugins by bare name, from the prefix; the solutions absent */
    char plugdir[PATH_MAX], real[PATH_MAX];
    snprintf(path, sizeof path, "%s/lib/litgan/plugins", prefix);
    snprintf(plugdir, sizeof plugdir, "%s", realpath(path, real) ? real : path);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "plugins 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);
    listed(sh_out, &got);
    for (size_t i = 0; i < expected.n; i++) {
        snprintf(path, sizeof path, "%s/%s.so", plugdir, expected.v[i]);
        LG_ASSERT_MSG(has(&got, expected.v[i]) && strstr(sh_out, path),
                      "installed litgan plugins does not list %s from %s:\n%s", expected.v[i], path, sh_out);
    }
    LG_ASSERT_MSG(!has(&got, "gan") && !has(&got, "nsgan"), "gan or nsgan listed without install-solutions:\n%s",
                  sh_out);
    snprintf(path, sizeof path, "%s/plugins", lg_test_build_dir());
    LG_ASSERT_MSG(!realpath(path, real) || !strstr(sh_out, real),
                  "the installed litgan lists plugins of the build tree %s:\n%s", real, sh_out);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "train --loss gan --steps 1 --out run-gan --quiet 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st != 0 && strstr(sh_out, "'gan' not found") && strstr(sh_out, plugdir),
                  "--loss gan without install-solutions: exit %d:\n%s", st, sh_out);
    /* an installed plugin by name: every loss is a lab's solution today, so a
     * regularizer beside the out-of-tree loss (a loss, if one is installed) */
    char kind_line[96];
    snprintf(kind_line, sizeof kind_line, "\n%-10s loss", expected.v[0]);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "plugins 2>&1", work, prefix);
    sh(cmd);
    bool is_loss = strstr(sh_out, kind_line) != NULL || !strncmp(sh_out, kind_line + 1, strlen(kind_line) - 1);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "train %s%s --steps 1 --out run-bare --quiet 2>&1", work, prefix,
             is_loss ? "--loss " : "--loss ./myloss.so --reg ", expected.v[0]);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);

    /* the labs, from the prefix: listed; a submission graded on the visible tests
     * (no hidden tests without install-solutions); the installed student files
     * are the handout's stubs, which score zero; the smoke run writes its figures */
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "labs 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0 && strstr(sh_out, "Lab 01  The minimax GAN") && strstr(sh_out, "Lab 02  ") &&
                      !strstr(sh_out, "cannot be used"),
                  "the installed litgan labs: exit %d:\n%s", st, sh_out);
    snprintf(path, sizeof path, "lib/litgan/labs/01-minimax/hidden.so");
    LG_ASSERT_MSG(exists(prefix, "lib/litgan/labs/01-minimax/lab.so", NULL) && !exists(prefix, path, NULL),
                  "make install: lab.so without hidden.so expected in lib/litgan/labs/01-minimax");
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/sub' && cp plugins/gan.c labs/01-minimax/optimal.c '%s/sub/'", work, work);
    LG_ASSERT_MSG(sh(cmd) == 0, "%s: %s", cmd, sh_out);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "grade 01 --submission sub 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0 && strstr(sh_out, "Total") && strstr(sh_out, "14.0 / 14.0"),
                  "the installed litgan grades the reference on the visible tests: exit %d:\n%s", st, sh_out);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "grade 01 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 1 && strstr(sh_out, "0.0 / 14.0") && strstr(sh_out, "Task 1.1 is not implemented yet"),
                  "the installed student files are stubs: exit %d:\n%s", st, sh_out);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "lab 01 --smoke --out lab01 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 1 && strstr(sh_out, "Task 1.1 is not implemented yet"),
                  "the installed lab 01 with stubs: exit %d:\n%s", st, sh_out);

    /* make install-solutions: mode 0600, then listed and found by name */
    if (make("install-solutions", vars) != 0)
        goto out;
    for (size_t i = 0; i < solutions.n; i++) {
        if (!has(&built, solutions.v[i]))
            continue;
        mode_t mode = 0;
        snprintf(path, sizeof path, "lib/litgan/plugins/%s.so", solutions.v[i]);
        bool there = exists(prefix, path, &mode);
        LG_ASSERT_MSG(there && mode == 0600, "%s after install-solutions: %s, mode %04o (expected 0600)", path,
                      there ? "present" : "missing", (unsigned)mode);
    }
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "plugins 2>&1", work, prefix);
    st = sh(cmd);
    listed(sh_out, &got);
    LG_ASSERT_MSG(st == 0 && has(&got, "gan") && has(&got, "nsgan"),
                  "after install-solutions litgan plugins exited %d and should list gan and nsgan:\n%s", st, sh_out);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "train --loss gan --steps 1 --out run-gan --quiet 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0, "%s exited with %d:\n%s", cmd, st, sh_out);
    /* and the hidden tests and the reference student files, owner only: full marks */
    mode_t hmode = 0, fmode = 0;
    LG_ASSERT_MSG(exists(prefix, "lib/litgan/labs/01-minimax/hidden.so", &hmode) && hmode == 0600 &&
                      exists(prefix, "share/litgan/labs/01-minimax/optimal.c", &fmode) && fmode == 0600,
                  "install-solutions: hidden.so mode %04o, optimal.c mode %04o (expected 0600)", (unsigned)hmode,
                  (unsigned)fmode);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "grade 01 2>&1", work, prefix);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0 && strstr(sh_out, "18.0 / 18.0"), "after install-solutions, grade 01: exit %d:\n%s", st,
                  sh_out);

    /* a program on the engine API: --cflags --libs, and the prefix's plugin folder */
    snprintf(path, sizeof path, "%s/prog.c", work);
    LG_ASSERT(write_text(path, prog_c), "write prog.c");
#ifdef __SANITIZE_ADDRESS__
    const char *san = "-fsanitize=address,undefined"; /* the installed library is sanitized */
#else
    const char *san = "";
#endif
    snprintf(cmd, sizeof cmd,
             "cd '%s' && export PKG_CONFIG_PATH='%s/lib/pkgconfig' && "
             "cc -Wall -Wextra -Werror %s $(pkg-config --cflags litgan) -o prog prog.c $(pkg-config --libs litgan) "
             "-Wl,-rpath,\"$(pkg-config --variable=libdir litgan)\" && env -u LITGAN_PLUGIN_PATH ./prog",
             work, prefix, san);
    st = sh(cmd);
    LG_ASSERT_MSG(st == 0 && !strncmp(sh_out, plugdir, strlen(plugdir)) && sh_out[strlen(plugdir)] == '\n',
                  "a program on the engine API: exit %d, search path '%s', expected '%s'", st, sh_out, plugdir);

    /* DESTDIR stages the tree; litgan.pc names PREFIX, and the staged copy runs where it is */
    snprintf(vars, sizeof vars, "DESTDIR='%s/stage' PREFIX=/opt/litgan", work);
    if (make("install", vars) != 0)
        goto out;
    snprintf(path, sizeof path, "%s/stage/opt/litgan/lib/pkgconfig/litgan.pc", work);
    char *pc = lg_read_file(path, NULL);
    LG_ASSERT_MSG(pc && strstr(pc, "prefix=/opt/litgan\n") && strstr(pc, "Cflags: -I${includedir}") &&
                      strstr(pc, "Libs: -L${libdir} -llitgan"),
                  "%s:\n%s", path, pc ? pc : "(missing)");
    free(pc);
    snprintf(path, sizeof path, "%s/stage/opt/litgan", work);
    snprintf(cmd, sizeof cmd, RUN_INSTALLED "plugins 2>&1", work, path);
    st = sh(cmd);
    listed(sh_out, &got);
    LG_ASSERT_MSG(st == 0 && got.n == expected.n && !has(&got, "gan"),
                  "the staged litgan lists %zu plugins (exit %d), expected %zu:\n%s", got.n, st, expected.n, sh_out);

out:
    if (saved_mf)
        setenv("MAKEFLAGS", saved_mf, 1);
    else
        unsetenv("MAKEFLAGS");
    free(saved_mf);
    lg_rm_rf(prefix);
    lg_rm_rf(work);
}

void lg_suite_install(void)
{
    LG_ADD_SUITE("install", { "make install, a plugin built outside the tree, install-solutions", test_install });
}
