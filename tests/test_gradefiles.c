/*
 * test_gradefiles.c - the grader's files against a hostile student, I: what it
 * reads and where it builds. Submission files that are links (to a
 * classmate's file, to a root-only file), a FIFO, a folder, 2 MB; a compile
 * that would write a 200 MiB object (the compiler's file-size limit); the
 * build folder - private, nobody's when the grader is root, removed when the
 * grader is killed by SIGTERM, SIGINT or SIGHUP, and removed by the next
 * grader when its own died by SIGKILL. What it writes is test_gradeout.c's.
 *
 * The submissions are Lab 01's: the reference gan.c and optimal.c
 * (plugins/gan.c, labs/01-minimax/optimal.c) for honest students, files
 * written here for the others, graded by bin/litgan itself (a fresh process,
 * as an instructor runs it) with TMPDIR pointing at a folder of this suite, so
 * the build folders it makes, leaves or cleans can be seen. Each test asserts
 * what the attack gains (no marks, no byte of a foreign file) and that nothing
 * outside the submission changed.
 */
#include "gradefiles.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECRET "SECRET-7f3a9c-DO-NOT-LEAK"

/* ------------------------------------------------------------- helpers --- */

/* This suite's temporary base (TMPDIR of the graders it runs): 0711, so the
 * compiler, run as nobody when we are root, gets through to its folder. */
static char gf_dir[64];

const char *gf_tmp(void)
{
    if (!gf_dir[0]) {
        snprintf(gf_dir, sizeof gf_dir, "/tmp/litgan-gf-XXXXXX");
        LG_ASSERT(mkdtemp(gf_dir), "mkdtemp");
        LG_ASSERT(chmod(gf_dir, 0711) == 0, "chmod");
    }
    return gf_dir;
}

void gf_cleanup(void)
{
    lg_strvec names = { 0 };
    size_t n = gf_build_folders(&names);
    LG_ASSERT_MSG(n == 0, "%zu build folder%s left, e.g. %s", n, n == 1 ? "" : "s", n ? names.w[0] : "");
    lg_strvec_free(&names);
    if (gf_dir[0])
        lg_rm_rf(gf_dir);
    gf_dir[0] = '\0';
}

char *gf_path(const char *rel)
{
    static char buf[8][4200];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", gf_tmp(), rel);
    return b;
}

void gf_put(const char *dir, const char *name, const char *text, size_t n)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, "mkdir");
    FILE *f = fopen(path, "wb");
    LG_ASSERT(f, "cannot write a test file");
    fwrite(text, 1, n, f);
    fclose(f);
}

void gf_put_str(const char *dir, const char *name, const char *text)
{
    gf_put(dir, name, text, strlen(text));
}

/* The reference solution's file (gan.c or optimal.c) into dir. */
void gf_put_ref(const char *dir, const char *name)
{
    char from[4200];
    snprintf(from, sizeof from, "%s/%s", lg_source_root(),
             !strcmp(name, "gan.c") ? "plugins/gan.c" : "labs/01-minimax/optimal.c");
    size_t n = 0;
    char *text = lg_read_file(from, &n);
    LG_ASSERT(text, "the reference files are in the tree");
    gf_put(dir, name, text, n);
    free(text);
}

char *gf_slurp(const char *path, size_t *n)
{
    size_t len = 0;
    char *s = lg_read_file(path, &len);
    if (n)
        *n = len;
    return s;
}

/* bin/litgan ARGS... with TMPDIR = gf_tmp() and short limits; stdout and
 * stderr together in *out (may be NULL; caller frees); the exit status, 100 +
 * the signal, or -1. */

bool gf_watch(pid_t pid, void *ctx)
{
    ((gf_env *)ctx)->pid = pid;
    return true;
}

void gf_setup(void *ctx)
{
    const gf_env *e = ctx;
    /* the grader starts with the signals at their defaults, whatever this suite
     * inherited: run in the background by a shell (SIGINT and SIGQUIT ignored)
     * or under nohup, a test that kills it would otherwise test that shell */
    const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    sigset_t none;
    sigemptyset(&none);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setenv("TMPDIR", gf_tmp(), 1);
    setenv("LITGAN_GRADE_LIMITS", e && e->limits ? e->limits : "cpu=5,wall=5", 1);
}

int gf_litgan(const char *const *args, double timeout, char **out)
{
    char *argv[32];
    size_t a = 0;
    argv[a++] = (char *)lg_test_bin();
    for (; *args && a < 31; args++)
        argv[a++] = (char *)*args;
    argv[a] = NULL;
    gf_env env = { NULL, 0 };
    lg_proc_spec s = { .argv = argv, .ctx = &env, .setup = gf_setup, .capture = LG_PROC_OUT | LG_PROC_ERR,
                       .out_cap = (size_t)1 << 20, .timeout = timeout };
    lg_proc_result r;
    if (out)
        *out = NULL;
    if (lg_proc_run(&s, &r) != LG_OK)
        return -1;
    if (out)
        *out = lg_xstrdup(r.out);
    int st = r.timed_out ? -1 : WIFEXITED(r.status) ? WEXITSTATUS(r.status)
                                                    : 100 + (WIFSIGNALED(r.status) ? WTERMSIG(r.status) : 0);
    lg_proc_result_free(&r);
    return st;
}

/* Names of the build folders in gf_tmp(). */
size_t gf_build_folders(lg_strvec *names)
{
    lg_strvec all = { 0 };
    lg_dir_list(gf_tmp(), &all);
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++)
        if (!strncmp(all.w[i], "litgan-build-", 13)) {
            if (names)
                lg_strvec_push(names, all.w[i]);
            n++;
        }
    lg_strvec_free(&all);
    return n;
}

/* Valid UTF-8 with no C0 control (but a newline when nl), no DEL, no C1
 * control, no bidirectional override; an independent check of the sanitiser's
 * promise. The offending byte's offset in *at. */
static bool gf_clean_text(const char *s, size_t n, bool nl, size_t *at)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        unsigned long cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++) {
            ok = (p[i + k] & 0xc0) == 0x80;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
        ok = ok && cp >= min[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
        ok = ok && !(cp < 0x20 && !(nl && cp == '\n')) && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) &&
             !(cp >= 0x202a && cp <= 0x202e);
        if (!ok) {
            *at = i;
            return false;
        }
        i += len;
    }
    return true;
}

void gf_assert_clean(const char *what, const char *s, size_t n, bool nl)
{
    size_t at = 0;
    bool ok = s && gf_clean_text(s, n, nl, &at);
    LG_ASSERT_MSG(ok, "%s: byte 0x%02x at %zu is not clean: ...%.40s", what,
                  s && at < n ? (unsigned char)s[at] : 0, at, s && at < n ? s + at : "");
}

mode_t gf_mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/* ------------------------------------------------- submission files --- */

/* A link to a classmate's file and a link to a root-only file: no marks,
 * nothing of either read, the classmate graded beside it keeps every mark,
 * both files as they were. */
static void test_links(void)
{
    char *alice = lg_xstrdup(gf_path("links/alice")), *eve = lg_xstrdup(gf_path("links/eve"));
    gf_put_ref(alice, "gan.c");
    gf_put_ref(alice, "optimal.c");
    const char *secret = gf_path("grader-secret.c");
    gf_put_str(gf_tmp(), "grader-secret.c", "#error \"" SECRET "\"\n");
    CU_ASSERT_FATAL(chmod(secret, 0600) == 0);
    LG_ASSERT(lg_mkdir_p(eve) == LG_OK, "mkdir");
    char link[4400], target[4400];
    snprintf(link, sizeof link, "%s/gan.c", eve);
    snprintf(target, sizeof target, "%s/gan.c", alice);
    CU_ASSERT_FATAL(symlink(target, link) == 0);
    snprintf(link, sizeof link, "%s/optimal.c", eve);
    CU_ASSERT_FATAL(symlink(secret, link) == 0);
    struct stat alice_before, secret_before;
    CU_ASSERT_FATAL(stat(target, &alice_before) == 0 && stat(secret, &secret_before) == 0);

    char *out = NULL;
    const char *out_dir = gf_path("links-grades");
    const char *args[] = { "grade-all", "--weaker-sandbox", "01", gf_path("links"), "-j", "2", "--out", out_dir, NULL };
    int st = gf_litgan(args, 60, &out);
    LG_ASSERT_MSG(st == 0, "grade-all: %d: %.400s", st, out ? out : "");
    LG_ASSERT_MSG(out && strstr(out, "alice: 18.0 / 18.0") && strstr(out, "eve: 0.0 / 18.0"),
                  "progress: %.400s", out ? out : "");
    LG_ASSERT_MSG(out && !strstr(out, SECRET), "the secret is in the progress: %.400s", out ? out : "");
    free(out);
    const char *files[] = { "eve.json", "eve.txt", "grades.csv" };
    for (size_t i = 0; i < 3; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", out_dir, files[i]);
        char *text = gf_slurp(path, NULL);
        LG_ASSERT_MSG(text && !strstr(text, SECRET), "%s holds the secret", files[i]);
        if (i == 1)
            LG_ASSERT_MSG(text && strstr(text, "gan.c is a symbolic link: submit the file itself") &&
                              strstr(text, "optimal.c is a symbolic link: submit the file itself"),
                          "eve.txt: %.400s", text ? text : "");
        free(text);
    }
    /* the `grade` command too: its table and results.json */
    const char *json = gf_path("eve-alone.json");
    const char *args1[] = { "grade", "01", "--submission", eve, "--json", json, NULL };
    st = gf_litgan(args1, 60, &out);
    LG_ASSERT_MSG(st == 1 && out && strstr(out, "gan.c is a symbolic link") && !strstr(out, SECRET),
                  "grade: %d: %.400s", st, out ? out : "");
    free(out);
    char *doc = gf_slurp(json, NULL);
    CU_ASSERT(doc && strstr(doc, "\"score\": 0") && !strstr(doc, SECRET));
    free(doc);
    struct stat a, s;
    CU_ASSERT(stat(target, &a) == 0 && a.st_mode == alice_before.st_mode && a.st_uid == alice_before.st_uid &&
              a.st_size == alice_before.st_size && a.st_mtime == alice_before.st_mtime);
    CU_ASSERT(stat(secret, &s) == 0 && s.st_mode == secret_before.st_mode && s.st_uid == secret_before.st_uid);
    free(alice);
    free(eve);
}

/* A FIFO, a folder and a 2 MB file where gan.c should be: one line each, at
 * once (the FIFO has no writer: an open that waited would hang). */
static void test_odd_files(void)
{
    const char *fifo = gf_path("odd/fifo"), *dir = gf_path("odd/folder"), *big = gf_path("odd/big");
    LG_ASSERT(lg_mkdir_p(fifo) == LG_OK && lg_mkdir_p(dir) == LG_OK, "mkdir");
    char path[4400];
    snprintf(path, sizeof path, "%s/gan.c", fifo);
    CU_ASSERT_FATAL(mkfifo(path, 0644) == 0);
    gf_put_ref(fifo, "optimal.c");
    snprintf(path, sizeof path, "%s/gan.c", dir);
    CU_ASSERT_FATAL(lg_mkdir_p(path) == LG_OK);
    gf_put_ref(dir, "optimal.c");
    size_t n = 2u << 20;
    char *text = lg_xmalloc(n);
    memset(text, ' ', n);
    memcpy(text, "/* ", 3);
    memcpy(text + n - 4, " */\n", 4); /* it would compile: a comment */
    gf_put(big, "gan.c", text, n);
    free(text);
    gf_put_ref(big, "optimal.c");
    const struct {
        const char *dir, *says;
    } cases[] = {
        { fifo, "gan.c is a FIFO: submit the file itself" },
        { dir, "gan.c is a folder: submit the file itself" },
        { big, "gan.c is larger than 1 MiB (2097152 bytes)" },
    };
    for (size_t i = 0; i < 3; i++) {
        char *out = NULL;
        const char *args[] = { "grade", "01", "--submission", cases[i].dir, NULL };
        double t0 = lg_now();
        int st = gf_litgan(args, 30, &out);
        double took = lg_now() - t0;
        /* optimal.c is the reference: Tasks 1.3 and 1.4 (10 points) still count */
        LG_ASSERT_MSG(st == 1 && out && strstr(out, cases[i].says) && strstr(out, "10.0 / 18.0") && took < 10,
                      "case %zu: status %d in %.1f s: %.400s", i, st, took, out ? out : "");
        free(out);
    }
}

/* A 200 MiB initialised array: the compiler stops at the 64 MiB file-size
 * limit, with a clear line, fast, and leaves nothing behind. */
static void test_file_size_limit(void)
{
    const char *dir = gf_path("huge-object");
    gf_put_str(dir, "gan.c", "static char big[200 << 20] = { 1 };\nchar *big_one(void) { return big; }\n");
    gf_put_ref(dir, "optimal.c");
    char *out = NULL;
    const char *args[] = { "grade", "01", "--submission", dir, NULL };
    double t0 = lg_now();
    int st = gf_litgan(args, 60, &out);
    double took = lg_now() - t0;
    LG_ASSERT_MSG(st == 1 && out && strstr(out, "gan.c did not compile: the compiler was stopped: it would "
                                                "write a file larger than 64 MiB") && took < 20,
                  "status %d in %.1f s: %.400s", st, took, out ? out : "");
    free(out);
    CU_ASSERT_EQUAL(gf_build_folders(NULL), 0);
    /* nothing big anywhere in the temporary base (the compiler's own
     * temporary files went into the build folder, removed with it) */
    lg_strvec all = { 0 };
    lg_dir_list(gf_tmp(), &all);
    for (size_t i = 0; i < all.n; i++) {
        struct stat st1;
        char *p = gf_path(all.w[i]);
        LG_ASSERT_MSG(lstat(p, &st1) != 0 || S_ISDIR(st1.st_mode) || st1.st_size < (1 << 20),
                      "%s is %lld bytes", p, (long long)st1.st_size);
    }
    lg_strvec_free(&all);
}

/* ------------------------------------------------------- build folders --- */

/* A grader killed while it grades (its student's code in an endless loop):
 * the build folder - private, nobody's when the grader is root - is gone
 * after the signal, and the grader died of that signal. */
static void killed_while_grading(int sig)
{
    const char *dir = gf_path("looping");
    gf_put_ref(dir, "gan.c");
    gf_put_str(dir, "optimal.c",
            "typedef double (*lab01_density)(double x, void *ctx);\n"
            "double lab01_optimal_d(double p, double q) { volatile int x = 0; (void)p; (void)q; for (;;) x++; }\n"
            "double lab01_criterion(lab01_density p, void *pc, lab01_density q, void *qc, double lo, double hi)\n"
            "{ volatile int x = 0; (void)p; (void)pc; (void)q; (void)qc; (void)lo; (void)hi; for (;;) x++; }\n");
    char *argv[] = { (char *)lg_test_bin(), "grade", "01", "--submission", (char *)dir, NULL };
    gf_env env = { "cpu=3,wall=3", 0 };
    lg_proc_spec s = { .argv = argv, .ctx = &env, .setup = gf_setup, .capture = LG_PROC_OUT | LG_PROC_ERR,
                       .out_cap = 1 << 16, .timeout = 60, .watch = gf_watch, .watch_ms = 10 };
    lg_proc *p = NULL;
    CU_ASSERT_FATAL(lg_proc_start(&s, &p) == LG_OK);
    char folder[4400] = "";
    bool built = false;
    for (double t0 = lg_now(); !built && lg_now() - t0 < 20 && !lg_proc_ended(p);) {
        lg_proc_wait(&p, 1, 20);
        lg_strvec names = { 0 };
        gf_build_folders(&names);
        if (names.n == 1) { /* both objects there: the build is over, the tests run */
            snprintf(folder, sizeof folder, "%s", gf_path(names.w[0]));
            char so[4500], so2[4500];
            snprintf(so, sizeof so, "%s/gan.so", folder);
            snprintf(so2, sizeof so2, "%s/optimal.so", folder);
            built = access(so, F_OK) == 0 && access(so2, F_OK) == 0;
        }
        lg_strvec_free(&names);
    }
    LG_ASSERT_MSG(built && env.pid > 0, "no build folder with both objects appeared");
    struct stat st;
    /* nobody's when root hands the compiler to nobody; this user's when
     * bubblewrap runs it (as this user on the host, without capabilities) */
    uid_t owner = geteuid() == 0 && lg_sandbox_mode() != LG_SANDBOX_BWRAP ? (uid_t)LG_NOBODY : geteuid();
    CU_ASSERT(stat(folder, &st) == 0 && (st.st_mode & 07777) == 0700 && st.st_uid == owner);
    char copy[4500];
    snprintf(copy, sizeof copy, "%s/gan.c", folder);
    CU_ASSERT(stat(copy, &st) == 0 && (st.st_mode & 07777) == 0600);
    /* the signal: to the grader only (its sandboxed child has a group of its own) */
    if (built && env.pid > 0)
        kill(env.pid, sig);
    lg_proc_result r;
    lg_proc_end(p, &r);
    LG_ASSERT_MSG(WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig, "the grader ended with status 0x%x: %.300s",
                  (unsigned)r.status, r.out);
    lg_proc_result_free(&r);
    LG_ASSERT_MSG(folder[0] && access(folder, F_OK) != 0, "%s is still there", folder);
}

static void test_killed(void)
{
    killed_while_grading(SIGTERM);
    killed_while_grading(SIGINT);
    killed_while_grading(SIGHUP);
}

/* Build folders of graders that died (SIGKILL: no handler runs) are removed
 * by the next grader; a live grader's, another user's and other names stay. */
static int nothing(void *ctx, int chan)
{
    (void)ctx, (void)chan;
    return 0;
}

static void test_stale(void)
{
    /* a PID that has just ended */
    gf_env env = { NULL, 0 };
    lg_proc_spec s = { .fn = nothing, .ctx = &env, .watch = gf_watch, .watch_ms = 1, .timeout = 5 };
    lg_proc *p = NULL;
    CU_ASSERT_FATAL(lg_proc_start(&s, &p) == LG_OK);
    lg_proc_wait(&p, 1, 2000);
    lg_proc_result r;
    lg_proc_end(p, &r);
    lg_proc_result_free(&r);
    pid_t dead = env.pid;
    if (dead <= 0 || kill(dead, 0) == 0) { /* the watch did not run in time: a PID far up */
        dead = 4194000;
        CU_ASSERT_FATAL(kill(dead, 0) != 0);
    }
    char stale[300], live[300], foreign[300], oldstyle[300];
    snprintf(stale, sizeof stale, "litgan-build-%d-AbCdEf", (int)dead);
    snprintf(live, sizeof live, "litgan-build-%d-LiVeXx", (int)getpid());
    snprintf(foreign, sizeof foreign, "litgan-build-%d-FoReIg", (int)dead);
    snprintf(oldstyle, sizeof oldstyle, "litgan-build-OlDsTy");
    char *dstale = lg_xstrdup(gf_path(stale));
    gf_put_str(dstale, "gan.c", "int x;\n");
    char sub[4400];
    snprintf(sub, sizeof sub, "%s/include/litgan", dstale);
    gf_put_str(sub, "plugin.h", "/* */\n");
    if (geteuid() == 0) { /* a grader as root hands its folder to nobody */
        CU_ASSERT(chown(dstale, LG_NOBODY, LG_NOBODY) == 0);
    }
    gf_put_str(gf_path(live), "gan.c", "int x;\n");
    gf_put_str(gf_path(oldstyle), "gan.c", "int x;\n");
    bool root = geteuid() == 0;
    if (root) { /* another user's folder (only root can make one here) */
        gf_put_str(gf_path(foreign), "gan.c", "int x;\n");
        CU_ASSERT(chown(gf_path(foreign), 12345, 12345) == 0);
    }
    const char *dir = gf_path("stale-alice");
    gf_put_ref(dir, "gan.c");
    gf_put_ref(dir, "optimal.c");
    const char *args[] = { "grade", "01", "--submission", dir, NULL };
    CU_ASSERT_EQUAL(gf_litgan(args, 60, NULL), 0);
    LG_ASSERT_MSG(access(dstale, F_OK) != 0, "%s is still there", stale);
    CU_ASSERT(access(gf_path(live), F_OK) == 0);
    CU_ASSERT(access(gf_path(oldstyle), F_OK) == 0);
    if (root)
        CU_ASSERT(access(gf_path(foreign), F_OK) == 0);
    lg_rm_rf(gf_path(live));
    lg_rm_rf(gf_path(oldstyle));
    if (root)
        lg_rm_rf(gf_path(foreign));
    free(dstale);
}

/* Every grader of this suite left no build folder; the suite's folder goes. */
static void test_nothing_left(void) { gf_cleanup(); }

void lg_suite_gradefiles(void)
{
    LG_ADD_SUITE("gradefiles",
                 { "links to a classmate's and a root-only file", test_links },
                 { "a FIFO, a folder, a 2 MB file as gan.c", test_odd_files },
                 { "compiler stopped at the file-size limit", test_file_size_limit },
                 { "build folder removed when the grader is killed", test_killed },
                 { "stale build folders of dead graders", test_stale },
                 { "nothing left behind", test_nothing_left });
}
