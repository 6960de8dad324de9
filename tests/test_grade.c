/*
 * test_grade.c - the sandbox and the grader against hostile student code.
 *
 * Lab 99 ("the sandbox test lab") asks for answer_*(x) = 2x + 1 (tests/hostile/
 * answers.c) and for ctor_escapes(x) = 0 (tests/hostile/ctor.c). The tree's
 * answers.c misbehaves in every function but the honest ones: segfault, abort,
 * exit(0), endless loop, sleep, fork bomb, NaN, Inf, a stub left in place
 * (lg_todo_value), a fake score on stdout and stderr, writing and deleting
 * files (the results file too), unbounded allocation; ctor.c misbehaves in
 * its constructor. The expected outcome of
 * every test is written out by hand below: which pass, which fail, with which
 * message, the score (5.5 of 18.5) and the content of results.json, which the
 * test reads back with jansson.
 *
 * Lab 99's tests are added by number but the lab itself is only registered in
 * forked children (the grade-all and CLI tests), so other suites that walk the
 * lab list never see it.
 *
 * The limits are short (1 s CPU, 1.5 s wall clock, 64 MiB): the suite takes a
 * few seconds, most of it the three tests that run into a limit.
 */
#include "lg_test.h"
#include "hostile/child_args.h"
#include "lg_course.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <limits.h>
#include <unistd.h>

#define LIMITS "cpu=1,wall=1.5,memory=64"
#define X_IN 0.75
#define X_OUT 2.5 /* 2 * 0.75 + 1 */

/* ------------------------------------------------------------ lab 99 --- */

static void check_answer(const char *symbol)
{
    lg_answer_arg a = { "answers.c", "", X_IN };
    snprintf(a.symbol, sizeof a.symbol, "%s", symbol);
    double v;
    if (lg_grade_call("call_answer", &a, sizeof a, &v, 1, "x = 0.75"))
        LG_GRADE_CLOSE(v, X_OUT, 1e-12, "x = 0.75", "answer(x) = 2x + 1");
}

static void t99_honest(void) { check_answer("answer_honest"); }
static void t99_hidden(void) { check_answer("answer_hidden"); }
static void t99_segv(void) { check_answer("answer_segv"); }
static void t99_abort(void) { check_answer("answer_abort"); }
static void t99_exit(void) { check_answer("answer_exit"); }
static void t99_loop(void) { check_answer("answer_loop"); }
static void t99_sleep(void) { check_answer("answer_sleep"); }
static void t99_fork(void) { check_answer("answer_fork"); }
static void t99_nan(void) { check_answer("answer_nan"); }
static void t99_inf(void) { check_answer("answer_inf"); }
static void t99_todo(void) { check_answer("answer_todo"); }
static void t99_stdout(void) { check_answer("answer_fake_stdout"); }
static void t99_stderr(void) { check_answer("answer_fake_stderr"); }
static void t99_files(void) { check_answer("answer_files"); }
static void t99_alloc(void) { check_answer("answer_alloc"); }
static void t99_again(void) { check_answer("answer_again"); }

static void t99_ctor(void)
{
    lg_answer_arg a = { "ctor", "ctor_escapes", 0 };
    double v;
    if (lg_grade_call("call_answer", &a, sizeof a, &v, 1, "loading ctor.c"))
        LG_GRADE_CLOSE(v, 0, 0, "loading ctor.c", "its constructor must not escape the sandbox");
}

/* Runs in the grading process itself: the student's objects must not be
 * mapped there. */
static void t99_never_loaded(void)
{
    const lg_submission *s = lg_grade_submission();
    FILE *m = fopen("/proc/self/maps", "r");
    bool found = false;
    char line[4096];
    while (m && fgets(line, sizeof line, m))
        found |= strstr(line, s->build_dir) != NULL;
    if (m)
        fclose(m);
    LG_ASSERT_MSG(m && !found, "the grading process maps a file of %s", s->build_dir);
}

/* Listed out of order on purpose: lg_lab_tests sorts by task, visible first. */
static const lg_grade_test lab99_tests[] = {
    { "99.1", "honest answer", 2, t99_honest, LG_VISIBLE },
    { "99.2", "segfault", 1, t99_segv, LG_VISIBLE },
    { "99.2", "abort", 1, t99_abort, LG_VISIBLE },
    { "99.2", "early exit(0)", 1, t99_exit, LG_VISIBLE },
    { "99.3", "endless loop", 1, t99_loop, LG_VISIBLE },
    { "99.3", "sleep past the timeout", 1, t99_sleep, LG_VISIBLE },
    { "99.3", "fork bomb", 1, t99_fork, LG_VISIBLE },
    { "99.4", "NaN result", 1, t99_nan, LG_VISIBLE },
    { "99.4", "Inf result", 1, t99_inf, LG_VISIBLE },
    { "99.4", "a stub left in place", 1, t99_todo, LG_VISIBLE },
    { "99.5", "fake score on stdout", 1, t99_stdout, LG_VISIBLE },
    { "99.5", "fake score on stderr", 1, t99_stderr, LG_VISIBLE },
    { "99.5", "writes and deletes files", 1, t99_files, LG_VISIBLE },
    { "99.5", "unbounded allocation", 1, t99_alloc, LG_VISIBLE },
    { "99.5", "constructor confined", 1, t99_ctor, LG_VISIBLE },
    { "99.6", "honest answer again", 1, t99_again, LG_VISIBLE },
    { "99.6", "grader never loaded student code", 1, t99_never_loaded, LG_VISIBLE },
};
static const lg_grade_test lab99_hidden[] = {
    { "99.1", "honest answer, hidden", 0.5, t99_hidden, LG_HIDDEN },
};
static const lg_lab_module lab99_module = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "99-sandbox", lab99_tests,
                                            sizeof lab99_tests / sizeof lab99_tests[0], NULL };
static const lg_lab_module lab99_hidden_module = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "99-sandbox",
                                                   lab99_hidden, 1, NULL };
static const char lab99_ini[] =
    "[lab]\ntitle = The sandbox test lab\nfiles = tests/hostile/answers.c, tests/hostile/ctor.c\n"
    "[task 99.1]\ntitle = Honest code\npoints = 2.5\n[task 99.2]\ntitle = Crashes\npoints = 3\n"
    "[task 99.3]\ntitle = Hangs\npoints = 3\n[task 99.4]\ntitle = Bad numbers\npoints = 3\n"
    "[task 99.5]\ntitle = Tampering\npoints = 5\n[task 99.6]\ntitle = Afterwards\npoints = 2\n";

/* A lab.ini with text, in the test's temporary folder; its path. */
static const char *write_ini(const char *name, const char *text)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s", lg_test_tmpdir(name));
    FILE *f = fopen(path, "w");
    LG_ASSERT(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write a test lab.ini");
    return path;
}

/* The hostile lab's computations: built by make test from tests/hostile/child.c. */
static const char *hostile_child(void)
{
    static char path[PATH_MAX];
    char rel[4200];
    snprintf(rel, sizeof rel, "%s/tests/hostile/child.so", lg_test_build_dir());
    if (!realpath(rel, path)) /* the runner works in a folder of its own */
        snprintf(path, sizeof path, "%s", rel);
    return path;
}

/* The sandbox lab, made once (not registered: the CLI tests register it in
 * their children). */
static lg_lab *lab99;
static lg_lab *make_lab99(void)
{
    if (!lab99) {
        int rc = lg_lab_open(lg_source_root(), "99-sandbox", write_ini("lab99.ini", lab99_ini), &lab99_module,
                             &lab99_hidden_module, &lab99);
        LG_ASSERT(rc == LG_OK, "the sandbox lab must load");
        lab99->child = lg_xstrdup(hostile_child());
    }
    return lab99;
}
#define N99 (sizeof lab99_tests / sizeof lab99_tests[0] + 1)

/* The expected outcome, in the order the grader reports (task order, visible
 * before hidden). A failure message must contain one of the given texts. */
enum { N_ANY = 4 }; /* the messages a failing test may give, any one of them */

static const struct expect {
    const char *task, *name, *number;
    double points;
    bool pass, hidden;
    const char *any[N_ANY];
} expect99[] = {
    { "99.1", "honest answer", "99.1.1", 2, true, false, { NULL } },
    { "99.1", "honest answer, hidden", "99.1.2", 0.5, true, true, { NULL } },
    { "99.2", "segfault", "99.2.1", 1, false, false, { "input: x = 0.75; crashed (SIGSEGV)" } },
    { "99.2", "abort", "99.2.2", 1, false, false, { "input: x = 0.75; crashed (SIGABRT)" } },
    { "99.2", "early exit(0)", "99.2.3", 1, false, false,
      { "input: x = 0.75; exited before returning a result (exit status " } },
    { "99.3", "endless loop", "99.3.1", 1, false, false,
      { "input: x = 0.75; ran out of CPU time (limit 1 s",
        "input: x = 0.75; timed out after 1.5 s" } },
    { "99.3", "sleep past the timeout", "99.3.2", 1, false, false,
      { "input: x = 0.75; timed out after 1.5 s" } },
    { "99.3", "fork bomb", "99.3.3", 1, false, false,
      { "input: x = 0.75; ran out of CPU time (limit 1 s",
        "input: x = 0.75; timed out after 1.5 s" } },
    { "99.4", "NaN result", "99.4.1", 1, false, false, { "input: x = 0.75; expected 2.5, got NaN (NaN: from 0 * log 0, 0/0 or inf - inf?); hint: answer(x) = 2x + 1" } },
    { "99.4", "Inf result", "99.4.2", 1, false, false, { "input: x = 0.75; expected 2.5, got Inf (Inf: from log 0 or a division by 0?); hint: answer(x) = 2x + 1" } },
    { "99.4", "a stub left in place", "99.4.3", 1, false, false,
      { "input: x = 0.75; Task 99.4 is not implemented yet" } },
    { "99.5", "fake score on stdout", "99.5.1", 1, false, false,
      { "input: x = 0.75; expected 2.5, got 0 (0: a term, or the whole value, missing?); hint: answer(x) = 2x + 1" } },
    { "99.5", "fake score on stderr", "99.5.2", 1, false, false,
      { "input: x = 0.75; expected 2.5, got 0 (0: a term, or the whole value, missing?); hint: answer(x) = 2x + 1" } },
    { "99.5", "writes and deletes files", "99.5.3", 1, false, false,
      { "input: x = 0.75; crashed (SIGSEGV)" } },
    /* Under AddressSanitizer the runner's allocations go through ASan's allocator and
     * its shadow memory: on a loaded machine the 1.5 s wall clock can end the
     * computation before the memory watch does (seen twice in `make sanitize`), and
     * where page faults are slow the 1 s of CPU time can (seen on a VM whose process
     * starts cost 2 ms); the test still fails alone and costs its point, which is
     * what this line checks. */
    { "99.5", "unbounded allocation", "99.5.4", 1, false, false,
      { "used more than 64 MiB of memory", "after reaching the memory limit (64 MiB)"
#ifdef __SANITIZE_ADDRESS__
        , "input: x = 0.75; timed out after 1.5 s", "input: x = 0.75; ran out of CPU time (limit 1 s"
#endif
      } },
    { "99.5", "constructor confined", "99.5.5", 1, true, false, { NULL } },
    { "99.6", "honest answer again", "99.6.1", 1, true, false, { NULL } },
    { "99.6", "grader never loaded student code", "99.6.2", 1, true, false, { NULL } },
};
#define SCORE99 5.5
#define MAX99 18.5

/* ------------------------------------------ results.json through jansson --- */

static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The document in path, or NULL (with jansson's message on stdout). */
static json_t *load_json(const char *path)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc)
        printf("\n  %s: %s (line %d)\n", path, err.text, err.line);
    return doc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    LG_ASSERT(f, "cannot write a test file");
    fputs(text, f);
    fclose(f);
}

/* A folder anyone may write to, outside the test's private folder (which
 * the sandboxed child, running as nobody when the tests run as root, could
 * not even enter): whatever protects its files is the sandbox's filter. */
static const char *open_dir(const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/litgan-%s-XXXXXX", name);
    LG_ASSERT(mkdtemp(buf), "mkdtemp");
    chmod(buf, 0777);
    return buf;
}


/* A submission of lab 99 with no student object, only the lab's computations
 * in a build folder as lg_submission_build makes one (the runner sees that
 * folder and nothing else of ours); lg_submission_free removes it. */
static void sub99(lg_submission *s)
{
    memset(s, 0, sizeof *s);
    s->lab = make_lab99();
    snprintf(s->build_dir, sizeof s->build_dir, "/tmp/litgan-build-test-XXXXXX");
    LG_ASSERT(mkdtemp(s->build_dir), "mkdtemp");
    chmod(s->build_dir, 0755);
    snprintf(s->child, sizeof s->child, "%s/.lab-child.so", s->build_dir);
    LG_ASSERT(lg_copy_file(hostile_child(), s->child) == LG_OK, "copy the hostile lab's computations");
    chmod(s->child, 0755);
}

/* ------------------------------------------------- the sandbox directly --- */

static void test_sandbox_values(void)
{
    lg_submission s;
    sub99(&s);
    lg_limits lim = { 2, 5, (size_t)64 << 20 };
    double out[4] = { 0 };
    lg_child_result r;
    CU_ASSERT_EQUAL_FATAL(lg_sandbox_run(&s, "values", NULL, 0, out, 4, &lim, &r), LG_OK);
    CU_ASSERT(r.ok);
    CU_ASSERT_EQUAL(r.n, 4);
    /* bit for bit: the doubles travel as bytes */
    const double want[4] = { 1.0 / 3.0, -0.0, 1e308, 5e-324 };
    CU_ASSERT(memcmp(out, want, sizeof want) == 0);

    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "fail", NULL, 0, out, 4, &lim, &r), LG_OK);
    CU_ASSERT(!r.ok);
    CU_ASSERT_STRING_EQUAL(r.why, "Task 9.9 is not implemented yet");

    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "too_many", NULL, 0, out, 2, &lim, &r), LG_OK);
    CU_ASSERT(!r.ok);
    CU_ASSERT_STRING_EQUAL(r.why, "returned 3 values where at most 2 fit");

    double t0 = lg_now();
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "chatty", NULL, 0, out, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(r.ok && out[0] == 42, "chatty: %s (output %.60s)", r.why, r.output);
    CU_ASSERT(strncmp(r.output, "hello from the child\n0123456789", 31) == 0);
    CU_ASSERT_EQUAL(strlen(r.output), sizeof r.output - 1);
    LG_ASSERT_MSG(lg_now() - t0 < 2, "a chatty child took %.2f s", lg_now() - t0);
    lg_submission_free(&s);
}

/* What the runner may and may not do: each slot is the errno of one attempt
 * (0 = it worked; tests/hostile/child.c). The folder and file are writable by
 * anyone, so EPERM can only come from the filter. */
static void test_sandbox_syscalls(void)
{
    lg_submission s;
    sub99(&s);
    const char *dir = s.build_dir; /* the one folder of ours the runner sees */
    char file[4200];
    snprintf(file, sizeof file, "%s/open-me", dir);
    spit(file, "data\n");
    chmod(file, 0666);
    lg_limits lim = { 2, 5, (size_t)64 << 20 };
    double out[S_COUNT];
    lg_child_result r;
    CU_ASSERT_EQUAL_FATAL(lg_sandbox_run(&s, "syscalls", dir, strlen(dir) + 1, out, S_COUNT, &lim, &r), LG_OK);
    LG_ASSERT_MSG(r.ok && r.n == S_COUNT, "child failed: %s", r.why);
    if (!r.ok) {
        lg_submission_free(&s);
        return;
    }
    static const char *const what[] = { "fork", "open for writing", "open with O_CREAT",
                                        "open for reading", "unlink", "rename", "mkdir",
                                        "kill the parent", "kill self with 0", "socket", "exec",
                                        "raise a limit", "ptrace", "getrlimit" };
    const double want[] = { EPERM, EPERM, EPERM, 0, EPERM, EPERM, EPERM,
                            EPERM, 0,     EPERM, EPERM, EPERM, EPERM, 0 };
    for (int i = 0; i <= S_GETRLIMIT; i++)
        LG_ASSERT_MSG(out[i] == want[i], "%s: errno %g, expected %g", what[i], out[i], want[i]);
    double uid = geteuid() == 0 ? 65534 : geteuid();
    LG_ASSERT_MSG(out[S_UID] == uid, "child uid %g, expected %g", out[S_UID], uid);
    CU_ASSERT_EQUAL(out[S_FSIZE], 0);
    CU_ASSERT_EQUAL(out[S_CORE], 0);
    CU_ASSERT_EQUAL(out[S_NPROC], 0);
    CU_ASSERT_EQUAL(out[S_CPU], 2);
    /* OPENBLAS_NUM_THREADS, LC_ALL, bubblewrap's PWD, and OPENBLAS_CORETYPE
     * when the grader has it (machines that pin OpenBLAS's kernel set it) */
    double n_env = 3 + (getenv("OPENBLAS_CORETYPE") != NULL);
    LG_ASSERT_MSG(getenv("LG_BUILD") && out[S_ENV] >= n_env - 1 && out[S_ENV] <= n_env,
                  "the runner sees %g environment variables (-1: not only OPENBLAS_NUM_THREADS, LC_ALL, "
                  "OPENBLAS_CORETYPE, PWD)", out[S_ENV]);
    char *text = slurp(file);
    CU_ASSERT(text && !strcmp(text, "data\n"));
    free(text);
    lg_submission_free(&s);
}

#if defined(__x86_64__)
/* Whether this kernel answers the 32-bit system call gate (int 0x80), tried
 * in a child of the test with no filter: getpid (20 in that ABI) returns
 * (exit 0), or the gate faults where the kernel was built or booted without
 * it (exit 3 from the child's own SIGSEGV handler, which stands in for
 * AddressSanitizer's). */
static void int80_faulted(int sig)
{
    (void)sig;
    _exit(3);
}

static bool kernel_has_int80(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa = { .sa_handler = int80_faulted };
        sigaction(SIGSEGV, &sa, NULL);
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
        _exit(ret > 0 ? 0 : 1);
    }
    int st = 0;
    CU_ASSERT_FATAL(pid > 0 && waitpid(pid, &st, 0) == pid);
    LG_ASSERT_MSG(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3),
                  "int 0x80 outside the sandbox: status %#x, neither returned nor faulted", st);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
#endif

/* Real attacks on the runner itself: work handed to a thread that existed
 * before the filter (TSYNC binds it too); a system call of the 32-bit ABI
 * (kills); the grader's environment (never passed on, not in its memory). */
static void test_sandbox_escapes(void)
{
    lg_submission s;
    sub99(&s);
    const char *dir = s.build_dir; /* visible to the runner: a refusal is the filter's */
    lg_limits lim = { 2, 5, (size_t)64 << 20 };
    double out[2] = { -1, -1 };
    lg_child_result r;
    CU_ASSERT_EQUAL_FATAL(lg_sandbox_run(&s, "thread_escape", dir, strlen(dir) + 1, out, 2, &lim, &r), LG_OK);
    LG_ASSERT_MSG(r.ok && out[0] == 1 && out[1] == EPERM,
                  "a thread from before the filter: ok %d, started %g, errno %g (%s)", r.ok, out[0], out[1], r.why);
    char path[4200];
    snprintf(path, sizeof path, "%s/thread-was-here", dir);
    CU_ASSERT(access(path, F_OK) != 0);
#if defined(__x86_64__)
    /* the filter kills it (SIGSYS); a kernel built without the 32-bit ABI
     * faults first (SIGSEGV), which the same call shows outside the filter */
    bool abi32 = kernel_has_int80();
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "foreign_abi", NULL, 0, out, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(!r.ok && strstr(r.why, abi32 ? "forbidden system call (SIGSYS)" : "crashed (SIGSEGV)"),
                  "int 0x80 (the kernel %s the 32-bit ABI): ok %d, %s", abi32 ? "has" : "lacks", r.ok, r.why);
#endif
    setenv("LITGAN_TEST_SECRET", "hunter2", 1);
    const char needle[] = "LITGAN_TEST_SECRET";
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "secret", needle, sizeof needle, out, 2, &lim, &r), LG_OK);
    unsetenv("LITGAN_TEST_SECRET");
    LG_ASSERT_MSG(r.ok && out[1] > 0 && out[0] == 0, "the grader's environment: ok %d, %g bytes scanned, found %g (%s)",
                  r.ok, out[1], out[0], r.why);
    lg_submission_free(&s);
}

/* Under bubblewrap the runner sees only the runner, the system libraries and
 * this submission: not the instructor's tree (a lab's hidden tests, the
 * reference plugins of build/plugins), not a file the grader can read in /tmp.
 * Without bubblewrap here, say so and check that the weaker mode is the one in
 * use. */
static void test_sandbox_view(void)
{
    lg_sandbox_kind kind = lg_sandbox_mode();
    if (kind != LG_SANDBOX_BWRAP) {
        printf("\n    the sandbox here: %s ", lg_sandbox_describe(kind));
        CU_ASSERT_EQUAL(kind, LG_SANDBOX_WEAK);
        return;
    }
    char secret[256], hidden[PATH_MAX], plugin[PATH_MAX], rel[4200];
    const char *dir = open_dir("view", secret, sizeof secret);
    snprintf(rel, sizeof rel, "%s/other-student.c", dir);
    spit(rel, "double answer(double x) { return 2 * x + 1; }\n");
    chmod(rel, 0644); /* readable by anyone: only the sandbox's view hides it */
    snprintf(rel, sizeof rel, "%s/labs/01-minimax/grade_hidden.c", lg_source_root());
    LG_ASSERT(realpath(rel, hidden), "the lab's hidden tests exist");
    snprintf(rel, sizeof rel, "%s/plugins/gan.so", lg_test_build_dir());
    LG_ASSERT(realpath(rel, plugin), "the reference plugin is built");
    char arg[4 * PATH_MAX], *p = arg;
    const char *paths[] = { hidden, plugin, rel, "/etc/hostname" };
    snprintf(rel, sizeof rel, "%s/other-student.c", dir);
    for (size_t i = 0; i < 4; i++)
        p += sprintf(p, "%s", paths[i]) + 1;
    *p++ = '\0';
    lg_submission s;
    sub99(&s);
    lg_limits lim = { 2, 5, (size_t)64 << 20 };
    double out[4] = { -1, -1, -1, -1 };
    lg_child_result r;
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "peek", arg, (size_t)(p - arg), out, 4, &lim, &r), LG_OK);
    LG_ASSERT_MSG(r.ok && r.n == 4, "peek: %s", r.why);
    const char *what[] = { "the lab's hidden tests", "a reference plugin", "another submission in /tmp",
                           "/etc/hostname" };
    for (size_t i = 0; i < 4; i++)
        LG_ASSERT_MSG(out[i] == ENOENT, "the runner opened %s (%s): errno %g, expected ENOENT", what[i], paths[i],
                      out[i]);
    lg_submission_free(&s);
    lg_rm_rf(dir);
}

/* Where the sandbox is weaker, grade says so in one line and grade-all
 * refuses unless told --weaker-sandbox (LITGAN_SANDBOX=weak stands for a
 * machine without user namespaces). */
static void test_weaker_sandbox(void)
{
    const char *dir = lg_test_tmpdir("weaker-empty");
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, "mkdir");
    char args[4400];
    const char *was = getenv("LITGAN_SANDBOX");
    char *saved = was ? lg_xstrdup(was) : NULL;
    setenv("LITGAN_SANDBOX", "weak", 1);
    snprintf(args, sizeof args, "grade-all 01 '%s' --out '%s/out'", dir, dir);
    lg_test_cli_expect(args, 2, "litgan grade-all: the sandbox would be weaker: the runner without bubblewrap", true);
    lg_test_cli_expect(args, 2, "give --weaker-sandbox", true);
    snprintf(args, sizeof args, "grade-all 01 '%s' --out '%s/out' --weaker-sandbox", dir, dir);
    lg_test_cli_expect(args, 2, "no submission folders", false); /* past the check: the folder is empty */
    lg_test_cli_expect("grade 01 --submission /nonexistent", 2, "litgan grade: the sandbox is weaker:", false);
    setenv("LITGAN_SANDBOX", "bwrap", 1);
    if (system("bwrap --version >/dev/null 2>&1") != 0)
        lg_test_cli_expect("grade 01", 2, "LITGAN_SANDBOX=bwrap, but bubblewrap cannot run here", true);
    if (saved)
        setenv("LITGAN_SANDBOX", saved, 1);
    else
        unsetenv("LITGAN_SANDBOX");
    free(saved);
}

/* ------------------------------------------------------- hostile grading --- */

static bool contains_any(const char *s, const char *const any[N_ANY])
{
    for (int k = 0; k < N_ANY; k++)
        if (any[k] && strstr(s, any[k]))
            return true;
    return false;
}

/* Processes whose parent is this one (as a subreaper, escaped grandchildren
 * would be reparented here). */
static int count_children(void)
{
    DIR *d = opendir("/proc");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *close_paren = strrchr(buf, ')');
        int ppid = 0;
        char state;
        if (close_paren && sscanf(close_paren + 1, " %c %d", &state, &ppid) == 2 &&
            ppid == (int)getpid() && state != 'Z') /* a zombie is dead: bubblewrap's, reparented here */
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

static bool self_maps(const char *needle)
{
    FILE *m = fopen("/proc/self/maps", "r");
    char line[4096];
    bool found = false;
    while (m && fgets(line, sizeof line, m))
        found |= strstr(line, needle) != NULL;
    if (m)
        fclose(m);
    return found;
}

/* A line of text that starts with head and ends with tail. */
static bool has_line(const char *text, const char *head, const char *tail)
{
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l), hl = strlen(head), tl = strlen(tail);
        if (len >= hl + tl && !strncmp(l, head, hl) && !strncmp(l + len - tl, tail, tl))
            return true;
        l = e ? e + 1 : NULL;
    }
    return false;
}

static void test_hostile_lab(void)
{
    char dirbuf[256];
    const char *dir = open_dir("hostile", dirbuf, sizeof dirbuf);
    char results[4200], sentinel[4200];
    snprintf(results, sizeof results, "%s/results.json", dir);
    snprintf(sentinel, sizeof sentinel, "%s/sentinel", dir);
    spit(results, "stale results from an earlier run\n");
    spit(sentinel, "keep me\n");
    chmod(results, 0666);
    chmod(sentinel, 0666);
    setenv("LG_HOSTILE_DIR", dir, 1);
    setenv("LITGAN_GRADE_LIMITS", LIMITS, 1);
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    FILE *table = tmpfile();
    CU_ASSERT_FATAL(table != NULL);
    double score = -1, max = -1;
    int rc = lg_grade_lab(make_lab99(), NULL, results, table, &score, &max);

    unsetenv("LITGAN_GRADE_LIMITS");
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    CU_ASSERT_EQUAL(rc, LG_EINVAL);
    LG_ASSERT_CLOSE(score, SCORE99, 0);
    LG_ASSERT_CLOSE(max, MAX99, 0);

    /* the table */
    fseek(table, 0, SEEK_END);
    long len = ftell(table);
    rewind(table);
    char *text = calloc((size_t)len + 1, 1);
    CU_ASSERT((long)fread(text, 1, (size_t)len, table) == len);
    fclose(table);
    /* lines by their start and end (the padding between is layout) */
    static const char *const lines[][2] = {
        { "Lab 99  The sandbox test lab", "" },
        { "Task 99.1  Honest code ", " 2.5 / 2.5" },
        { "Task 99.2  Crashes ", " 0.0 / 3.0" },
        { "Task 99.5  Tampering ", " 1.0 / 5.0" },
        { "  FAIL segfault (1 pt): input: x = 0.75; crashed (SIGSEGV)", "" },
        { "  FAIL NaN result (1 pt): input: x = 0.75; expected 2.5, got NaN (NaN: ", "hint: answer(x) = 2x + 1" },
        { "Task 99.4  Bad numbers ", " 0.0 / 3.0" },
        { "Total ", " 5.5 / 18.5" },
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        LG_ASSERT_MSG(has_line(text, lines[i][0], lines[i][1]), "the table lacks the line: %s...%s",
                      lines[i][0], lines[i][1]);
    LG_ASSERT_MSG(!strstr(text, "100/100") && !strstr(text, "\"score\": 100"),
                  "the student's fake score reached the table");
    free(text);

    /* results.json: complete, parses, says what happened */
    char *json = slurp(results);
    CU_ASSERT_FATAL(json != NULL);
    LG_ASSERT_MSG(!strstr(json, "100/100") && !strstr(json, "\"score\": 100"),
                  "the student's fake score reached results.json");
    json_t *doc = load_json(results);
    LG_ASSERT_MSG(doc, "results.json does not parse: %.200s", json);
    free(json);
    if (!doc) {
        lg_rm_rf(dir);
        return;
    }
    LG_ASSERT_CLOSE(jnum(doc, "score"), SCORE99, 0);
    LG_ASSERT_CLOSE(jnum(doc, "max_score"), MAX99, 0);
    CU_ASSERT(jnum(doc, "execution_time") >= 0);
    CU_ASSERT(strstr(jstr(doc, "output"), "Lab 99") != NULL);
    const json_t *tests = json_object_get(doc, "tests");
    CU_ASSERT_FATAL(json_is_array(tests));
    LG_ASSERT_MSG(json_array_size(tests) == N99, "results.json lists %zu tests, expected %zu",
                  json_array_size(tests), (size_t)N99);
    double sum = 0;
    for (size_t i = 0; i < json_array_size(tests) && i < N99; i++) {
        const json_t *t = json_array_get(tests, i);
        const struct expect *e = &expect99[i];
        char name[256];
        snprintf(name, sizeof name, "Task %s: %s", e->task, e->name);
        LG_ASSERT_MSG(!strcmp(jstr(t, "name"), name), "test %zu is '%s', expected '%s'", i,
                      jstr(t, "name"), name);
        LG_ASSERT_MSG(!strcmp(jstr(t, "number"), e->number), "%s: number %s, expected %s", name,
                      jstr(t, "number"), e->number);
        LG_ASSERT_MSG(!strcmp(jstr(t, "status"), e->pass ? "passed" : "failed"),
                      "%s: %s, output: %s", name, jstr(t, "status"), jstr(t, "output"));
        LG_ASSERT_MSG(jnum(t, "max_score") == e->points, "%s: max_score %g", name,
                      jnum(t, "max_score"));
        LG_ASSERT_MSG(jnum(t, "score") == (e->pass ? e->points : 0), "%s: score %g", name,
                      jnum(t, "score"));
        LG_ASSERT_MSG(!strcmp(jstr(t, "visibility"), e->hidden ? "hidden" : "visible"),
                      "%s: visibility %s", name, jstr(t, "visibility"));
        if (!e->pass)
            LG_ASSERT_MSG(contains_any(jstr(t, "output"), e->any), "%s: message '%s'", name,
                          jstr(t, "output"));
        if (getenv("LG_GRADE_VERBOSE"))
            printf("\n  %-36s %s", name, jstr(t, "output"));
        sum += jnum(t, "score");
    }
    LG_ASSERT_CLOSE(sum, SCORE99, 0);
    json_decref(doc);

    /* nothing else changed: the folder holds exactly the two files */
    char *keep = slurp(sentinel);
    CU_ASSERT(keep && !strcmp(keep, "keep me\n"));
    free(keep);
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            entries++;
            LG_ASSERT_MSG(!strcmp(e->d_name, "results.json") || !strcmp(e->d_name, "sentinel"),
                          "unexpected file %s/%s", dir, e->d_name);
        }
    if (d)
        closedir(d);
    CU_ASSERT_EQUAL(entries, 2);
    struct stat st;
    CU_ASSERT(stat("/autograder/results/results.json", &st) != 0);
    /* no process escaped, the grader here never mapped a student object */
    LG_ASSERT_MSG(count_children() == 0, "%d child processes survived the grading",
                  count_children());
    CU_ASSERT(!self_maps("litgan-build-"));
    unsetenv("LG_HOSTILE_DIR");
    lg_rm_rf(dir);
}

/* -------------------------------------- building, CLI, grade-all, registry --- */

/* Run fn in a forked child (the proc helper) with stdout and stderr into log;
 * its exit status, 100 + the signal when one ended it. */
typedef struct child_call {
    int (*fn)(void *);
    void *ctx;
} child_call;

static int call_fn(void *ctx, int chan)
{
    (void)chan;
    const child_call *c = ctx;
    return c->fn(c->ctx);
}

static int in_child(int (*fn)(void *), void *ctx, const char *log)
{
    child_call c = { fn, ctx };
    lg_proc_spec spec = { .fn = call_fn, .ctx = &c, .capture = LG_PROC_OUT | LG_PROC_ERR,
                          .out_cap = (size_t)1 << 20 };
    lg_proc_result r;
    if (lg_proc_run(&spec, &r) != LG_OK)
        return -1;
    FILE *f = fopen(log, "w");
    if (f) {
        fwrite(r.out, 1, r.n_out, f);
        fclose(f);
    }
    int st = WIFEXITED(r.status) ? WEXITSTATUS(r.status)
                                 : 100 + (WIFSIGNALED(r.status) ? WTERMSIG(r.status) : 0);
    lg_proc_result_free(&r);
    return st;
}

static void copy_to(const char *from_rel, const char *dir, const char *name)
{
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/%s", lg_source_root(), from_rel);
    snprintf(to, sizeof to, "%s/%s", dir, name);
    char *text = slurp(from);
    LG_ASSERT(text, "cannot read a hostile test file");
    spit(to, text);
    free(text);
}

/* submissions: full (honest answers + ctor.c), wrong (every answer 2x), broken
 * (a syntax error, no ctor.c), empty */
static const char *make_submissions(void)
{
    const char *root = lg_test_tmpdir("submissions");
    char d[4200];
    const char *names[] = { "full", "wrong", "broken", "empty" };
    for (int i = 0; i < 4; i++) {
        snprintf(d, sizeof d, "%s/%s", root, names[i]);
        LG_ASSERT(lg_mkdir_p(d) == LG_OK, "mkdir");
    }
    snprintf(d, sizeof d, "%s/full", root);
    copy_to("tests/hostile/answers_honest.c", d, "answers.c");
    copy_to("tests/hostile/ctor.c", d, "ctor.c");
    snprintf(d, sizeof d, "%s/wrong/answers.c", root);
    FILE *f = fopen(d, "w");
    const char *fns[] = { "honest", "hidden", "again", "segv",        "abort",       "exit",
                          "loop",   "sleep",  "fork",  "nan",         "inf",         "todo",
                          "fake_stdout", "fake_stderr", "files", "alloc" };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        fprintf(f, "double answer_%s(double x) { return 2 * x; }\n", fns[i]);
    fclose(f);
    snprintf(d, sizeof d, "%s/broken/answers.c", root);
    spit(d, "double answer_honest(double x) { return 2 * x + 1 }\n");
    return root;
}

/* A submission that hangs in every test is graded within its total budget
 * (LITGAN_GRADE_LIMITS total=3 here): the tests after that fail "not run". */
static void leave_cunit_run(void);

typedef struct hang_ctx {
    const char *dir;
} hang_ctx;

static int hang_child(void *ctx)
{
    const hang_ctx *h = ctx;
    leave_cunit_run();
    setenv("LITGAN_GRADE_LIMITS", LIMITS ",total=3", 1);
    char *table = NULL;
    size_t tl;
    FILE *f = open_memstream(&table, &tl);
    double score = -1, max = -1, t0 = lg_now();
    lg_grade_lab(make_lab99(), h->dir, NULL, f, &score, &max);
    fclose(f);
    double took = lg_now() - t0;
    /* one point: "grader never loaded student code" runs none */
    int rc = score == 1 && took < 8 && strstr(table, "not run: this submission used up its 3 s of computation") ? 0 : 1;
    if (rc)
        fprintf(stderr, "score %g, %.1f s:\n%s\n", score, took, table);
    free(table);
    return rc;
}

static void test_total_budget(void)
{
    const char *dir = lg_test_tmpdir("hang-everywhere");
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, "mkdir");
    char path[4200];
    snprintf(path, sizeof path, "%s/answers.c", dir);
    FILE *f = fopen(path, "w");
    const char *fns[] = { "honest", "hidden", "again", "segv", "abort", "exit", "loop", "sleep",
                          "fork", "nan", "inf", "todo", "fake_stdout", "fake_stderr", "files", "alloc" };
    for (size_t i = 0; f && i < sizeof fns / sizeof fns[0]; i++)
        fprintf(f, "double answer_%s(double x) { (void)x; for (;;) {} }\n", fns[i]);
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/ctor.c", dir);
    spit(path, "double ctor_escapes(double x) { (void)x; for (;;) {} }\n");
    hang_ctx h = { dir };
    char log[4200];
    snprintf(log, sizeof log, "%s", lg_test_tmpdir("hang.log"));
    int st = in_child(hang_child, &h, log);
    char *text = st ? slurp(log) : NULL;
    LG_ASSERT_MSG(st == 0, "a submission hanging everywhere:\n%.3000s", text ? text : "");
    free(text);
}

static void test_build(void)
{
    const char *root = make_submissions();
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/broken", root);
    lg_submission s;
    CU_ASSERT_EQUAL_FATAL(lg_submission_build(make_lab99(), dir, &s), LG_OK);
    CU_ASSERT_EQUAL(s.so_path[0][0], '\0');
    LG_ASSERT_MSG(strstr(s.compile_error[0], "answers.c:1:") &&
                      strstr(s.compile_error[0], "error:"),
                  "compile error line: %s", s.compile_error[0]);
    LG_ASSERT_MSG(strstr(s.compile_error[1], "ctor.c is not in the submission folder"),
                  "missing file: %s", s.compile_error[1]);
    char build[4096];
    snprintf(build, sizeof build, "%s", s.build_dir);
    struct stat st;
    CU_ASSERT(stat(build, &st) == 0);
    lg_submission_free(&s);
    CU_ASSERT(stat(build, &st) != 0); /* removed */

    /* the messages a computation gets for each way a file can be unusable */
    lg_limits lim = { 2, 5, (size_t)64 << 20 };
    lg_child_result r;
    double v;
    lg_answer_arg a = { "answers.c", "answer_honest", X_IN };
    snprintf(dir, sizeof dir, "%s/broken", root);
    CU_ASSERT_EQUAL_FATAL(lg_submission_build(make_lab99(), dir, &s), LG_OK);
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "call_answer", &a, sizeof a, &v, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(!r.ok && !strncmp(r.why, "answers.c did not compile: answers.c:1:", 39),
                  "why: %s", r.why);
    snprintf(a.file, sizeof a.file, "ctor.c");
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "call_answer", &a, sizeof a, &v, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(!r.ok && strstr(r.why, "ctor.c is not in the submission folder"), "why: %s",
                  r.why);
    lg_submission_free(&s);

    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("undefined")); /* not among the submissions */
    CU_ASSERT_FATAL(lg_mkdir_p(dir) == LG_OK);
    char path[4300];
    snprintf(path, sizeof path, "%s/answers.c", dir);
    spit(path, "double helper(double);\ndouble answer_honest(double x) { return helper(x); }\n");
    CU_ASSERT_EQUAL_FATAL(lg_submission_build(make_lab99(), dir, &s), LG_OK);
    CU_ASSERT(s.so_path[0][0] != '\0'); /* it compiles; loading it fails */
    snprintf(a.file, sizeof a.file, "answers.c");
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "call_answer", &a, sizeof a, &v, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(!r.ok &&
                      !strcmp(r.why, "answers.c could not be loaded: undefined symbol: helper"),
                  "why: %s", r.why);
    lg_submission_free(&s);

    /* from the tree: both build; a name the object lacks */
    CU_ASSERT_EQUAL_FATAL(lg_submission_build(make_lab99(), NULL, &s), LG_OK);
    LG_ASSERT_MSG(s.so_path[0][0] && s.so_path[1][0], "tree build: %s | %s", s.compile_error[0],
                  s.compile_error[1]);
    snprintf(a.symbol, sizeof a.symbol, "answer_to_everything");
    CU_ASSERT_EQUAL(lg_sandbox_run(&s, "call_answer", &a, sizeof a, &v, 1, &lim, &r), LG_OK);
    LG_ASSERT_MSG(!r.ok && !strcmp(r.why, "answers.c does not define answer_to_everything"),
                  "why: %s", r.why);
    lg_submission_free(&s);
}

static void t_nothing(void) {}

/* In a forked child, end the CUnit run it inherited (CU_run_test clears the
 * "running" flag when it returns), so the grader there works as in
 * bin/litgan: in the process itself, not in a forked copy. */
static void leave_cunit_run(void)
{
    CU_Test t = { .pName = "nothing", .fActive = CU_TRUE, .pTestFunc = t_nothing };
    CU_Suite s = { .pName = "nothing", .fActive = CU_TRUE, .pTest = &t, .uiNumberOfTests = 1 };
    CU_set_test_start_handler(NULL);
    CU_set_test_complete_handler(NULL);
    CU_set_all_test_complete_handler(NULL);
    CU_run_test(&s, &t);
    LG_ASSERT(!CU_is_test_running(), "CU_run_test left the run flag set");
}

/* What `litgan grade` and `litgan grade-all` run, on lab 99 (registered in the
 * child only): lg_grade_lab or lg_grade_all; the child's exit status is the
 * status they return, their message the last line of its output. */
typedef struct lib_case {
    const char *which, *sub, *json; /* grade; grade-all when all is set */
    bool all;
    lg_grade_all_opts o;
} lib_case;

static int run_lib(void *ctx)
{
    const lib_case *c = ctx;
    leave_cunit_run();
    setenv("LITGAN_GRADE_LIMITS", LIMITS, 1);
    const lg_lab *l99 = NULL;
    LG_ASSERT(lg_lab_add(lg_source_root(), "99-sandbox", write_ini("lab99-cli.ini", lab99_ini), &lab99_module,
                         &lab99_hidden_module, &l99) == LG_OK, "the sandbox lab must register");
    ((lg_lab *)l99)->child = lg_xstrdup(hostile_child()); /* a test lab: its child.so is the tests' */
    const lg_lab *lab = lg_lab_find(c->which);
    LG_ASSERT(lab, "lab 99 is registered");
    int rc = c->all ? lg_grade_all(lab, c->sub, &c->o) : lg_grade_lab(lab, c->sub, c->json, stdout, NULL, NULL);
    if (rc != LG_OK)
        fprintf(stderr, "%s\n", lg_errmsg());
    return rc;
}

/* The arguments of `litgan grade` and `litgan grade-all` (bin/litgan, on lab
 * 01: lab 99 is not in it), and what they run (the library, on lab 99). */
static void test_cli(void)
{
    /* usage errors: exit 2 and one line that says what is wrong */
    lg_test_cli_expect("grade --help", 0, "usage: litgan grade NN [--submission DIR] [--json FILE]", false);
    lg_test_cli_expect("grade -h", 0, "LITGAN_GRADE_LIMITS", false);
    lg_test_cli_expect("grade", 2, "name a lab, e.g. litgan grade 01", true);
    lg_test_cli_expect("grade 98", 2, "no lab '98' (labs: ", true);
    lg_test_cli_expect("grade 01 --bogus", 2, "litgan grade: unknown option '--bogus' (see litgan grade --help)",
                       true);
    lg_test_cli_expect("grade -x 01", 2, "unknown option '-x'", true);
    lg_test_cli_expect("grade 01 --json", 2, "litgan grade: --json needs a value (see litgan grade --help)", true);
    lg_test_cli_expect("grade 01 --submission", 2, "--submission needs a value", true);
    lg_test_cli_expect("grade 01 02", 2, "one lab at a time (got '01' and '02'; see litgan grade --help)", true);
    lg_test_cli_expect("grade 01 --submission /nonexistent", 2, "litgan grade: submission folder /nonexistent not found",
                       true);
    lg_test_cli_expect("grade --submission=/nonexistent 01", 2, "submission folder /nonexistent not found", true);
    lg_test_cli_expect("grade-all --help", 0, "usage: litgan grade-all NN DIR [-j N] [--out OUTDIR]", false);
    lg_test_cli_expect("grade-all", 2, "name a lab and a folder of submissions", true);
    lg_test_cli_expect("grade-all 01", 2, "name a lab and a folder of submissions", true);
    lg_test_cli_expect("grade-all 01 /nonexistent -j0", 2, "-j needs a number from 1 to 256", true);
    lg_test_cli_expect("grade-all 01 /nonexistent -j 257", 2, "-j needs a number from 1 to 256", true);
    lg_test_cli_expect("grade-all 01 /nonexistent -j", 2, "litgan grade-all: -j needs a value", true);
    lg_test_cli_expect("grade-all 01 /nonexistent --out", 2, "--out needs a value", true);
    lg_test_cli_expect("grade-all 01 /nonexistent --bogus", 2, "unknown option '--bogus' (see litgan grade-all --help)",
                       true);
    lg_test_cli_expect("grade-all 01 a b", 2, "unexpected argument 'b'", true);
    lg_test_cli_expect("grade-all 98 /nonexistent", 2, "no lab '98'", true);
    /* a folder that cannot be graded: a grader error, nothing written */
    lg_test_cli_expect("grade-all 01 /nonexistent -j2 --weaker-sandbox", 2, "litgan grade-all: cannot open /nonexistent", true);
    char empty[4200], args[4400];
    snprintf(empty, sizeof empty, "%s", lg_test_tmpdir("cli-empty"));
    CU_ASSERT_FATAL(lg_mkdir_p(empty) == LG_OK);
    snprintf(args, sizeof args, "grade-all 01 '%s' --out '%s/out' --weaker-sandbox", empty, empty);
    lg_test_cli_expect(args, 2, "no submission folders in", true);

    /* what they run: statuses LG_OK, LG_EINVAL (a test failed), else an error */
    const char *root = make_submissions();
    char full[4200], wrong[4200], json[4200];
    snprintf(full, sizeof full, "%s/full", root);
    snprintf(wrong, sizeof wrong, "%s/wrong", root);
    snprintf(json, sizeof json, "%s/cli/full.json", lg_test_tmpdir("cli"));
    char folder[4200];
    snprintf(folder, sizeof folder, "%s", lg_test_tmpdir("cli-folder"));
    CU_ASSERT_FATAL(lg_mkdir_p(folder) == LG_OK);
    struct stat null_before;
    CU_ASSERT_FATAL(stat("/dev/null", &null_before) == 0 && S_ISCHR(null_before.st_mode));
    const char *log = lg_test_tmpdir("cli.log");
    const struct {
        lib_case c;
        int status; /* -1: neither LG_OK nor LG_EINVAL */
        const char *says;
    } cases[] = {
        { { "99", full, json, false, { 0 } }, LG_OK, "Total" },
        { { "sandbox", wrong, NULL, false, { 0 } }, LG_EINVAL, "expected 2.5, got 1.5" },
        { { "99", "/nonexistent", NULL, false, { 0 } }, -1, "submission folder /nonexistent not found" },
        /* a --json that is no regular file: written through, or refused */
        { { "99", full, "/dev/null", false, { 0 } }, LG_OK, "Total" },
        { { "99", full, folder, false, { 0 } }, -1, "exists and is not a regular file" },
        { { "99", "/nonexistent", NULL, true, { 0 } }, -1, "cannot open /nonexistent" },
        { { "99", empty, NULL, true, { 0 } }, -1, "no submission folders in" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lib_case c = cases[i].c;
        int st = in_child(run_lib, &c, log);
        char *out = slurp(log);
        bool status_ok = cases[i].status >= 0 ? st == cases[i].status
                                              : st != LG_OK && st != LG_EINVAL && st < 100;
        LG_ASSERT_MSG(status_ok && out && strstr(out, cases[i].says),
                      "case %zu: status %d (expected %d), output: %.300s", i, st, cases[i].status,
                      out ? out : "");
        free(out);
    }
    /* /dev/null is still the device (a rename over it would have made it a
     * regular file), the folder still a folder */
    struct stat st;
    CU_ASSERT(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) &&
              st.st_rdev == null_before.st_rdev);
    CU_ASSERT(stat(folder, &st) == 0 && S_ISDIR(st.st_mode));
    /* the full submission's JSON: full marks */
    json_t *doc = load_json(json);
    CU_ASSERT_FATAL(doc != NULL);
    LG_ASSERT_CLOSE(jnum(doc, "score"), MAX99, 0);
    json_decref(doc);
}

static void test_grade_all(void)
{
    const char *root = make_submissions();
    const char *out = lg_test_tmpdir("grades");
    const char *log = lg_test_tmpdir("grade-all.log");
    lib_case c = { "99", root, NULL, true, { .out = out, .jobs = 2 } };
    double t0 = lg_now();
    int st = in_child(run_lib, &c, log);
    double took = lg_now() - t0;
    char *progress = slurp(log);
    LG_ASSERT_MSG(st == 0, "grade-all: status %d, output %.400s", st, progress ? progress : "");
    CU_ASSERT(progress && strstr(progress, "[4/4]") && strstr(progress, "grades.csv"));
    free(progress);
    LG_ASSERT_MSG(took < 20, "grade-all took %.1f s", took);

    char path[4200];
    snprintf(path, sizeof path, "%s/grades.csv", out);
    char *csv = slurp(path);
    if (csv) { /* the lab's 9 columns; the grader's records after them are test_gradeout.c's */
        char *w = csv;
        int cells = 0;
        for (const char *r = csv; *r; r++) {
            if (*r == '\n')
                cells = 0;
            else if (*r == ',' && ++cells >= 9)
                continue;
            if (cells < 9 || *r == '\n')
                *w++ = *r;
        }
        *w = '\0';
    }
    /* by hand: full passes everything; wrong, broken and empty keep only the
     * grader's own check (1 pt) */
    const char *want =
        "submission,score,max_score,Task 99.1,Task 99.2,Task 99.3,Task 99.4,Task 99.5,Task 99.6\n"
        "broken,1,18.5,0,0,0,0,0,1\n"
        "empty,1,18.5,0,0,0,0,0,1\n"
        "full,18.5,18.5,2.5,3,3,3,5,2\n"
        "wrong,1,18.5,0,0,0,0,0,1\n";
    LG_ASSERT_MSG(csv && !strcmp(csv, want), "grades.csv:\n%s", csv ? csv : "(missing)");
    free(csv);
    const char *names[] = { "broken", "empty", "full", "wrong" };
    const double scores[] = { 1, 1, 18.5, 1 };
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s.json", out, names[i]);
        json_t *doc = load_json(path);
        LG_ASSERT_MSG(doc, "%s does not parse", path);
        if (doc) {
            LG_ASSERT_CLOSE(jnum(doc, "score"), scores[i], 0);
            json_decref(doc);
        }
        snprintf(path, sizeof path, "%s/%s.txt", out, names[i]);
        char *text = slurp(path);
        CU_ASSERT(text && strstr(text, "Total"));
        if (i == 0)
            LG_ASSERT_MSG(text && strstr(text, "answers.c did not compile: answers.c:1:"),
                          "broken.txt: %.300s", text ? text : "");
        if (i == 1)
            CU_ASSERT(text && strstr(text, "answers.c is not in the submission folder"));
        free(text);
    }
}

/* registry: lookups, order of tests, strict loading, the source root */
static void t_nop(void) {}
static const lg_grade_test lab97_vis[] = {
    { "97.2", "b1", 1, t_nop, LG_VISIBLE },
    { "97.1", "a1", 1, t_nop, LG_VISIBLE },
    { "97.2", "b2", 1, t_nop, LG_VISIBLE },
};
static const lg_grade_test lab97_hid[] = {
    { "97.2", "b-hidden", 1, t_nop, LG_HIDDEN },
    { "97.1", "a-hidden", 1, t_nop, LG_HIDDEN },
};
static const char lab97_ini[] = "[lab]\ntitle = Order\nfiles = tests/hostile/answers.c\n"
                                "[task 97.1]\ntitle = First\npoints = 2\n[task 97.2]\ntitle = Second\npoints = 3\n";

/* lg_lab_open with lab 97's tables and the given ini text; the status, and the
 * message in *why. */
static int make97(const char *ini, const lg_lab_module *vis, const lg_lab_module *hid, const char **why)
{
    lg_lab *lab = NULL;
    int rc = lg_lab_open(lg_source_root(), "97-order", write_ini("lab97-bad.ini", ini), vis, hid, &lab);
    *why = lg_errmsg();
    lg_lab_close(lab);
    return rc;
}

static int registry_checks(void *ctx)
{
    (void)ctx;
    const lg_lab_module vis = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "97-order", lab97_vis, 3, NULL };
    const lg_lab_module hid = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "97-order", lab97_hid, 2, NULL };
    const lg_lab *l99 = NULL, *l97 = NULL;
    if (lg_lab_add(lg_source_root(), "99-sandbox", write_ini("lab99-reg.ini", lab99_ini), &lab99_module,
                   &lab99_hidden_module, &l99) != LG_OK ||
        lg_lab_add(lg_source_root(), "97-order", write_ini("lab97.ini", lab97_ini), &vis, &hid, &l97) != LG_OK)
        return 10;
    if (lg_lab_find("99") != l99 || lg_lab_find("099") != l99 || lg_lab_find("99-sandbox") != l99 ||
        lg_lab_find("sandbox") != l99 || lg_lab_find("labs/99-sandbox/") != l99 || lg_lab_find("97") != l97)
        return 1;
    if (lg_lab_find("98") || !strstr(lg_errmsg(), "no lab '98' (labs: ") ||
        !strstr(lg_errmsg(), "97-order") || !strstr(lg_errmsg(), "99-sandbox"))
        return 2;
    if (lg_lab_find("") || lg_lab_find("9x"))
        return 3;
    /* sorted by number */
    size_t n = lg_lab_count();
    for (size_t i = 1; i < n; i++)
        if (lg_lab_number(lg_lab_at(i - 1)) >= lg_lab_number(lg_lab_at(i)))
            return 4;
    if (lg_lab_at(n))
        return 5;
    size_t k;
    const lg_grade_test *t = lg_lab_tests(l97, &k);
    const char *order[] = { "a1", "a-hidden", "b1", "b2", "b-hidden" };
    if (k != 5)
        return 6;
    for (size_t i = 0; i < 5; i++)
        if (strcmp(t[i].name, order[i]))
            return 7;
    setenv("LITGAN_HOME", "/some/where", 1);
    if (strcmp(lg_source_root(), "/some/where"))
        return 8;
    unsetenv("LITGAN_HOME");
    char header[4200];
    snprintf(header, sizeof header, "%s/core/course/lg_course.h", lg_source_root());
    if (access(header, R_OK) != 0)
        return 9;
    /* strict loading: each mistake is one line naming what is wrong */
    const char *why;
    lg_lab_module m = vis;
    m.abi_version = 99;
    if (make97(lab97_ini, &m, &hid, &why) != LG_EFORMAT || !strstr(why, "lab ABI version 99"))
        return 11;
    m = vis;
    m.struct_size = 8;
    if (make97(lab97_ini, &m, &hid, &why) != LG_EFORMAT || !strstr(why, "descriptor of 8 bytes"))
        return 12;
    m = vis;
    m.dir = "98-other";
    if (make97(lab97_ini, &m, &hid, &why) != LG_EFORMAT || !strstr(why, "built for lab '98-other'"))
        return 13;
    if (make97(lab97_ini, &hid, NULL, &why) != LG_EFORMAT || !strstr(why, "only visible tests belong"))
        return 14;
    if (make97(lab97_ini, &vis, NULL, &why) != LG_OK) /* a handout: no hidden tests, fewer points */
        return 15;
    if (make97("[lab]\ntitle = Order\nfiles = tests/hostile/answers.c\n[task 97.1]\ntitle = First\npoints = 2\n"
               "[task 97.2]\ntitle = Second\npoints = 4\n", &vis, &hid, &why) != LG_EFORMAT ||
        !strstr(why, "task 97.2 has 4 points, its tests add up to 3"))
        return 16;
    if (make97("[lab]\ntitle = Order\nfiles = tests/hostile/answers.c\n[task 97.1]\ntitle = First\npoints = 2\n",
               &vis, &hid, &why) != LG_EFORMAT || !strstr(why, "belongs to task 97.2, which"))
        return 17;
    if (make97("[lab]\ntitle = Order\n[task 97.1]\ntitle = First\npoints = 2\n", &vis, &hid, &why) != LG_EFORMAT ||
        !strstr(why, "names no student files"))
        return 18;
    if (make97("[lab]\ntitle = Order\nfiles = /etc/passwd\n", &vis, &hid, &why) != LG_EFORMAT ||
        !strstr(why, ":3: files: '/etc/passwd' is not a path inside the source tree"))
        return 19;
    if (make97("[lab]\ntitle = Order\nfiles = a.c\n[task 97.1]\npoints = two\n", &vis, &hid, &why) !=
            LG_EFORMAT || !strstr(why, ":5: [task 97.1]: unknown, repeated or bad key 'points'"))
        return 20;
    /* found by fuzzing lab.ini (tests/fuzz/fuzz_labini.c): a module without tests may have
     * no table; its tests were copied from NULL (undefined: UBSan stops make sanitize here) */
    const lg_lab_module none = { LG_LAB_ABI_VERSION, sizeof(lg_lab_module), "97-order", NULL, 0, NULL };
    if (make97(lab97_ini, &vis, &none, &why) != LG_EFORMAT || !strstr(why, "task 97.1 has 2 points, its tests add up to 1"))
        return 21;
    return 0;
}

static void test_registry(void)
{
    const char *log = lg_test_tmpdir("registry.log");
    int st = in_child(registry_checks, NULL, log);
    LG_ASSERT_MSG(st == 0, "registry check %d failed", st);
    /* and here, in the test process, lab 99 is not listed */
    for (size_t i = 0; i < lg_lab_count(); i++)
        CU_ASSERT(lg_lab_at(i)->number != 99);
}

/* lg_grade_close: tolerance absolute below 1, relative above; the message */
static void close_cases(void)
{
    LG_GRADE_CLOSE(0.5 + 1e-9, 0.5, 1e-8, "a", "h");      /* pass: |d| = 1e-9 <= 1e-8 */
    LG_GRADE_CLOSE(1000 + 1e-6, 1000, 1e-8, "b", "h");    /* pass: 1e-6 <= 1e-8 * 1000 */
    LG_GRADE_CLOSE(1000 + 1e-4, 1000, 1e-8, "c", "h");    /* fail: 1e-4 > 1e-5 */
    LG_GRADE_CLOSE(NAN, 0, 1, "d", NULL);                  /* fail: NaN */
    LG_GRADE_CLOSE(0.25, 0.125, 1e-3, "logits (1, -2)", "mean, not sum"); /* fail: twice */
}

/* lg_grade_check: each class of mistake with its own hint, the default for
 * the rest; NaN and Inf with the expected value; relative checks; inputs at
 * full precision, one failure per wrong value. */
#define HINTS                                                                                          \
    .hint = "hd", .hints = { { LG_MISTAKE_SIGN, "hs" }, { LG_MISTAKE_TWICE, "h2" }, { LG_MISTAKE_HALF, "hh" }, \
                             { LG_MISTAKE_SUM, "hsum" }, { LG_MISTAKE_NAN, "hnan" }, { LG_MISTAKE_INF, "hinf" }, \
                             { LG_MISTAKE_ZERO, "hz" }, { LG_MISTAKE_UNREPORTED, "hu" } }
static void class_cases(void)
{
    LG_GRADE_EXPECT(.input = "s", .expected = 1.5, .actual = -1.5, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "h", .expected = 1.5, .actual = 0.75, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "2", .expected = 1.5, .actual = 3, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "b", .expected = 1.5, .actual = 4.5, .tol = 1e-9, .batch = 3, HINTS);
    LG_GRADE_EXPECT(.input = "k", .expected = 1.5, .actual = 7.5, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "i", .expected = 1.5, .actual = INFINITY, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "m", .expected = 1.5, .actual = -INFINITY, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "n", .expected = 1.5, .actual = NAN, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "z", .expected = 1.5, .actual = 0, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "u", .expected = NAN, .actual = 0.3, .tol = 0, HINTS);
    LG_GRADE_EXPECT(.input = "ok", .expected = NAN, .actual = NAN, .tol = 0, HINTS); /* pass */
    LG_GRADE_EXPECT(.input = "o", .expected = 1.5, .actual = 2.2, .tol = 1e-9, HINTS);
    LG_GRADE_EXPECT(.input = "r", .expected = 1e-9, .actual = 1.0000001e-9, .tol = 1e-12, .rel = true, HINTS);
    LG_GRADE_EXPECT(.input = "r2", .expected = 1e-9, .actual = 1e-9 * (1 + 1e-13), .tol = 1e-12, .rel = true); /* pass */
    const double in[3] = { 1 - 1e-9, 0.1, 1e-300 }, out[3] = { 0, 0.1, 2.5e-300 }, want[3] = { 1, 0.1, 1e-300 };
    LG_GRADE_EXPECT_ALL(out, want, 3, "D", in, .tol = 1e-12, .rel = true, HINTS);
}
#undef HINTS

static CU_pFailureRecord run_cases(CU_TestFunc fn)
{
    static CU_Test t;
    static CU_Suite s;
    t = (CU_Test){ .pName = "close", .fActive = CU_TRUE, .pTestFunc = fn };
    s = (CU_Suite){ .pName = "close", .fActive = CU_TRUE, .pTest = &t, .uiNumberOfTests = 1 };
    CU_set_test_complete_handler(NULL);
    CU_set_test_start_handler(NULL);
    CU_set_all_test_complete_handler(NULL);
    CU_run_test(&s, &t);
    return CU_get_failure_list();
}

/* The failures of the last run against want[0..n), in order; 0 when equal. */
static int same_failures(const char *const *want, int n)
{
    int k = 0, bad = 0;
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext, k++)
        if (k >= n || strcmp(f->strCondition, want[k])) {
            fprintf(stderr, "failure %d: '%s'\n   wanted: '%s'\n", k, f->strCondition, k < n ? want[k] : "");
            bad = 1;
        }
    return bad || k != n ? 1 : 0;
}

/* In a child: the nested run would wipe this process's CUnit state. */
static int close_child(void *ctx)
{
    (void)ctx;
    run_cases(close_cases);
    static const char *const want[] = {
        "input: c; expected 1000, got 1000.0001; hint: h",
        "input: d; expected 0, got NaN (NaN: from 0 * log 0, 0/0 or inf - inf?)",
        "input: logits (1, -2); expected 0.125, got 0.25 (twice the expected value); hint: mean, not sum",
    };
    if (same_failures(want, 3))
        return 1;
    run_cases(class_cases);
    static const char *const want2[] = {
        "input: s; expected 1.5, got -1.5 (the sign is flipped); hint: hs",
        "input: h; expected 1.5, got 0.75 (half the expected value); hint: hh",
        "input: 2; expected 1.5, got 3 (twice the expected value); hint: h2",
        "input: b; expected 1.5, got 4.5 (3 times the expected value, the batch size: a sum where a mean "
        "belongs?); hint: hsum",
        "input: k; expected 1.5, got 7.5 (5 times the expected value: a sum where a mean belongs?); hint: hsum",
        "input: i; expected 1.5, got Inf (Inf: from log 0 or a division by 0?); hint: hinf",
        "input: m; expected 1.5, got -Inf (-Inf: from log 0 or a division by 0?); hint: hinf",
        "input: n; expected 1.5, got NaN (NaN: from 0 * log 0, 0/0 or inf - inf?); hint: hnan",
        "input: z; expected 1.5, got 0 (0: a term, or the whole value, missing?); hint: hz",
        "input: u; expected NaN (the failure reported), got 0.3 (a number where NaN was to report the failure); "
        "hint: hu",
        "input: o; expected 1.5, got 2.2; hint: hd",
        "input: r; expected 1e-09, got 1.0000001e-09: relative error 1e-07, tolerance 1e-12; hint: hd",
        "input: D = 0.999999999; expected 1, got 0: relative error 1, tolerance 1e-12 (0: a term, or the whole "
        "value, missing?); hint: hz",
        "input: D = 1e-300; expected 1e-300, got 2.5e-300: relative error 1.5, tolerance 1e-12; hint: hd",
    };
    return same_failures(want2, (int)(sizeof want2 / sizeof want2[0])) ? 2 : 0;
}

static void test_grade_close(void)
{
    /* under a hand-made suite, so the failures do not count against this test */
    int st = in_child(close_child, NULL, lg_test_tmpdir("close.log"));
    LG_ASSERT_MSG(st == 0, "lg_grade_close / lg_grade_check messages differ (status %d; see %s)", st,
                  lg_test_tmpdir("close.log"));
}

void lg_suite_grade(void)
{
    LG_ADD_SUITE("grade",
                 { "lg_grade_check: tolerances, classes of mistake, hints, messages", test_grade_close },
                 { "registry: find, order, source root", test_registry },
                 { "sandbox: values, reasons, output", test_sandbox_values },
                 { "sandbox: system calls and limits", test_sandbox_syscalls },
                 { "sandbox: a thread from before the filter, int 0x80, the environment", test_sandbox_escapes },
                 { "sandbox: bubblewrap shows the runner nothing of the instructor's", test_sandbox_view },
                 { "build: compile errors, missing files", test_build },
                 { "a submission hanging in every test: graded within its total budget", test_total_budget },
                 { "a weaker sandbox: grade says so, grade-all refuses unless told", test_weaker_sandbox },
                 { "hostile lab: each misbehaviour costs its own test", test_hostile_lab },
                 { "litgan grade: options, exit status", test_cli },
                 { "litgan grade-all: CSV and JSON per submission", test_grade_all });
}
