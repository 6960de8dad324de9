/*
 * test_autograder.c - `litgan autograder NN OUT.zip`: the package's listing
 * and scripts, without running them (make autograder-test unpacks the package
 * into a Gradescope-like root and runs setup.sh and run_autograder there:
 * tests/autograder/run.sh).
 *
 * References are independent of the code under test: Info-ZIP's own `unzip
 * -Z` for the listing and the modes, `git ls-files` for what the tree holds,
 * `sh -n` for the scripts' syntax.
 */
#include "lg_test.h"
#include "lg_course.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* stdout of a shell command, at most 256 KiB; *status its exit status. */
static char *capture(const char *cmd, int *status)
{
    char *out = malloc((size_t)1 << 18);
    LG_ASSERT(out, "memory");
    int st = lg_test_run_capture(cmd, out, (size_t)1 << 18);
    if (status)
        *status = st;
    return out;
}

/* Is name a line of the listing? */
static bool listed(const char *listing, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = listing; (p = strstr(p, name)); p += n)
        if ((p == listing || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* Some line starts with prefix. */
static bool some_line_starts(const char *listing, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = listing; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (!strncmp(p, prefix, n))
            return true;
    return false;
}

static void test_package_listing(void)
{
    LG_ASSERT(lg_mkdir_p(lg_test_tmpdir("ag")) == LG_OK, "the test's folder");
    const char *zip = lg_test_tmpdir("ag/lab01.zip");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' autograder 01 '%s' 2>&1", lg_test_bin(), zip);
    int st;
    char *out = capture(cmd, &st);
    LG_ASSERT_MSG(st == 0, "litgan autograder 01: exit %d: %s", st, out);
    LG_ASSERT_MSG(strstr(out, "lab 01 (01-minimax) for Gradescope") && strchr(out, '\n') == out + strlen(out) - 1,
                  "one line naming the lab: %s", out);
    free(out);

    /* the names: scripts at the top, the tree's files, no .git, build/, bin/, runs/ */
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s'", zip);
    char *names = capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT(!strncmp(names, "setup.sh\nrun_autograder\n", 24));
    const char *want[] = { "Makefile", "core/deps.sh", "core/include/litgan.h", "core/course/runner/runner.c",
                           "labs/01-minimax/lab.ini", "labs/01-minimax/grade.c", "labs/01-minimax/grade_hidden.c",
                           "labs/01-minimax/child.c", "labs/01-minimax/optimal.c", "plugins/gan.c",
                           "labs/02-nonsaturating/lab.ini" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        LG_ASSERT_MSG(listed(names, want[i]), "%s is not in the package", want[i]);
    CU_ASSERT(!listed(names, ".git")); /* a worktree's .git is a file */
    const char *never[] = { ".git/", "build/", "build-san/", "bin/", "runs/", "grades-" };
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        LG_ASSERT_MSG(!some_line_starts(names, never[i]), "the package holds %s...", never[i]);
    /* reports/: the templates only, no generated report */
    for (const char *p = strstr(names, "reports/"); p; p = strstr(p + 1, "\nreports/"))
        LG_ASSERT_MSG(!strncmp(p + (*p == '\n'), "reports/templates/", 18), "a generated report: %.60s", p);

    /* as many files as git lists (tracked and untracked-not-ignored, but grade-all's
     * grades-* folders and a top-level setup.sh or run_autograder), plus the two scripts */
    const char *root = lg_source_root();
    struct stat sb;
    char dotgit[4096];
    snprintf(dotgit, sizeof dotgit, "%s/.git", root);
    if (stat(dotgit, &sb) == 0) {
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && git ls-files --cached --others --exclude-standard | sort -u | "
                 "grep -v -e '^grades-[^/]*/' -e '^setup.sh$' -e '^run_autograder$' -e '^reports/readme/' | "
                 "while IFS= read -r f; do [ -e \"$f\" ] || [ -L \"$f\" ] && echo; done | wc -l",
                 root);
        char *n = capture(cmd, &st);
        size_t n_names = 0;
        for (const char *p = names; *p; p++)
            n_names += *p == '\n';
        LG_ASSERT_MSG((size_t)atol(n) + 2 == n_names, "git lists %ld files, the package has %zu entries", atol(n),
                      n_names);
        free(n);
    }
    free(names);

    /* the modes: both scripts executable */
    snprintf(cmd, sizeof cmd, "unzip -Z '%s' | awk '$NF == \"setup.sh\" || $NF == \"run_autograder\" { print $1 }'",
             zip);
    char *modes = capture(cmd, &st);
    CU_ASSERT_STRING_EQUAL(modes, "-rwxr-xr-x\n-rwxr-xr-x\n");
    free(modes);

    /* the owner's only: it holds the solutions */
    struct stat zs;
    CU_ASSERT(stat(zip, &zs) == 0 && (zs.st_mode & 0777) == 0600);

    /* no folder of the making left beside it */
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c litgan-autograder", lg_test_tmpdir("ag"));
    char *left = capture(cmd, &st);
    CU_ASSERT_STRING_EQUAL(left, "0\n");
    free(left);
}

static void test_package_scripts(void)
{
    const char *zip = lg_test_tmpdir("ag/lab01.zip"), *dir = lg_test_tmpdir("ag/unpacked");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && unzip -q '%s' setup.sh run_autograder -d '%s'", dir,
             dir, zip, dir);
    int st;
    free(capture(cmd, &st));
    CU_ASSERT_EQUAL_FATAL(st, 0);
    snprintf(cmd, sizeof cmd, "sh -n '%s/setup.sh' && sh -n '%s/run_autograder'", dir, dir);
    free(capture(cmd, &st));
    LG_ASSERT_MSG(st == 0, "sh -n: the scripts do not parse");

    snprintf(cmd, sizeof cmd, "cat '%s/setup.sh'", dir);
    char *setup = capture(cmd, &st);
    /* the packages from core/deps.sh, the build, every lab's reference files out, root only */
    const char *in_setup[] = { "sh core/deps.sh\n", "make -j", "'plugins/gan.c'", "'labs/01-minimax/optimal.c'",
                               "'plugins/nsgan.c'", "'labs/02-nonsaturating/gradients.c'", "'build/plugins/gan.so'",
                               "rm -f labs/*/grade_hidden*.c\n", "rm -rf labs/*/check tests .ci .git",
                               "'build/labs/01-minimax/hidden.so'", "chmod -R go-rwx .\n",
                               "chmod go+rx build/lib/litgan/litgan-runner build/lib/liblitgan.so\n" };
    for (size_t i = 0; i < sizeof in_setup / sizeof in_setup[0]; i++)
        LG_ASSERT_MSG(strstr(setup, in_setup[i]), "setup.sh lacks %s", in_setup[i]);
    CU_ASSERT_PTR_NULL(strstr(setup, "apt-get")); /* core/deps.sh holds the list */
    free(setup);

    snprintf(cmd, sizeof cmd, "cat '%s/run_autograder'", dir);
    char *run = capture(cmd, &st);
    LG_ASSERT_MSG(strstr(run, "cd /autograder/source") &&
                      strstr(run, "bin/litgan grade 01 --submission /autograder/submission") &&
                      strstr(run, "--json \"$results\"") && strstr(run, "results=/autograder/results/results.json"),
                  "run_autograder: %s", run);
    free(run);
}

static void test_cli(void)
{
    LG_ASSERT(lg_mkdir_p(lg_test_tmpdir("ag")) == LG_OK, "the test's folder");
    const char *zip = lg_test_tmpdir("ag/again.zip");
    char args[4096];
    snprintf(args, sizeof args, "autograder 01 '%s'", zip);
    lg_test_cli_expect(args, 0, "for Gradescope", true);
    lg_test_cli_expect(args, 1, "exists: name a new file, or add --force", true);
    snprintf(args, sizeof args, "autograder 01 '%s' --force", zip);
    lg_test_cli_expect(args, 0, "for Gradescope", true);
    snprintf(args, sizeof args, "autograder 99 '%s'", lg_test_tmpdir("ag/none.zip"));
    lg_test_cli_expect(args, 2, "no lab '99'", true);
    CU_ASSERT(access(lg_test_tmpdir("ag/none.zip"), F_OK) != 0);
    lg_test_cli_expect("autograder 01", 2, "name a lab and the zip to write", true);
    lg_test_cli_expect("autograder 01 a.zip b.zip", 2, "unexpected argument 'b.zip'", true);
    lg_test_cli_expect("autograder --frobnicate", 2, "unknown option '--frobnicate'", true);
    snprintf(args, sizeof args, "autograder 01 '%s/no/such/folder/x.zip'", lg_test_tmpdir("ag"));
    lg_test_cli_expect(args, 1, "cannot be used", true);
    snprintf(args, sizeof args, "autograder 01 '%s'", lg_test_tmpdir("ag"));
    lg_test_cli_expect(args, 1, "is not a regular file", true);
    lg_test_cli_expect("autograder --help", 0, "usage: litgan autograder NN OUT.zip [--force]", false);
}

void lg_suite_autograder(void)
{
    LG_ADD_SUITE("autograder",
                 { "the package: scripts at the top, the tree without .git or build outputs", test_package_listing },
                 { "setup.sh and run_autograder", test_package_scripts },
                 { "the command: --force, one-line errors", test_cli });
}
