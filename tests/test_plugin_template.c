/*
 * test_plugin_template.c - `litgan plugin-template NAME`: the file it writes
 * compiles out of the tree with the compile line it prints (-Wall -Wextra
 * -Werror added), passes check-plugin, loads by path in `litgan train --loss
 * ./NAME.so` and trains; its parameter is read; a bad name, an existing file
 * and a missing name are one-line usage errors that leave nothing behind.
 */
#include "lg_test.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The value after "TAG " on its own line of out (up to the end of the line). */
static bool line_after(const char *out, const char *tag, char *buf, size_t len)
{
    const char *p = strstr(out, tag);
    if (!p)
        return false;
    p += strlen(tag);
    size_t n = strcspn(p, "\n");
    if (n >= len)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return true;
}

/* lg_test_bin() as an absolute path: the commands below run in another folder. */
static const char *bin(void)
{
    static char abs[PATH_MAX];
    if (!realpath(lg_test_bin(), abs))
        snprintf(abs, sizeof abs, "%s", lg_test_bin());
    return abs;
}

static void test_template_builds_and_trains(void)
{
    const char *dir = lg_test_tmpdir("plugin-template");
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, "the test's folder");
    char cmd[4 * PATH_MAX], out[8192], compile[2 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' plugin-template my_loss 2>&1", dir, bin());
    int st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0 && strstr(out, "wrote ./my_loss.c"), "plugin-template exited %d:\n%s", st, out);
    if (st != 0)
        return;
    /* the printed line, run in that folder as printed, with every warning an error */
    LG_ASSERT_MSG(line_after(out, "compile: ", compile, sizeof compile) && strstr(compile, "-o ./my_loss.so"),
                  "no compile line in:\n%s", out);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s -std=c11 -Wall -Wextra -Werror 2>&1", dir, compile);
    st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0, "the compile line failed (%d): %s\n%s", st, cmd, out);
    if (st != 0)
        return;
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' check-plugin ./my_loss.so:weight=3 2>&1", dir, bin());
    st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0 && strstr(out, "PASS"), "check-plugin exited %d:\n%s", st, out);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' train --loss ./my_loss.so --steps 20 --batch 16 --g 2-8r-2 --d 2-8r-1 --samples 100 "
             "--log-every 10 --out run --quiet --no-figures 2>&1", dir, bin());
    st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st == 0, "train --loss ./my_loss.so exited %d:\n%s", st, out);
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/run/log.csv", dir);
    char *text = lg_read_file(log, NULL);
    LG_ASSERT_MSG(text && strstr(text, "--loss ./my_loss.so") && strstr(text, "\n20,"),
                  "%s: no row at step 20 of a run of ./my_loss.so:\n%.400s", log, text ? text : "(none)");
    free(text);
    /* the parameter is the plugin's: a value outside its interval is refused at load */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' check-plugin ./my_loss.so:weight=0 2>&1", dir, bin());
    st = lg_test_run_capture(cmd, out, sizeof out);
    LG_ASSERT_MSG(st != 0 && strstr(out, "weight=0 is out of range"), "weight=0 was not refused (%d):\n%s", st, out);
}

static void test_template_errors(void)
{
    const char *dir = lg_test_tmpdir("plugin-template-errors");
    LG_ASSERT(lg_mkdir_p(dir) == LG_OK, "the test's folder");
    char args[2 * PATH_MAX], path[PATH_MAX];
    snprintf(args, sizeof args, "plugin-template Bad-Name --dir '%s'", dir);
    lg_test_cli_expect(args, 2, "'Bad-Name' is not a plugin name: use lower-case letters", true);
    snprintf(args, sizeof args, "plugin-template 9lives --dir '%s'", dir);
    lg_test_cli_expect(args, 2, "starting with a letter", true);
    lg_test_cli_expect("plugin-template", 2, "name the plugin", true);
    lg_test_cli_expect("plugin-template a b", 2, "one name at a time", true);
    lg_test_cli_expect("plugin-template --nope x", 2, "unknown option '--nope'", true);
    snprintf(path, sizeof path, "%s/Bad-Name.c", dir);
    LG_ASSERT_MSG(access(path, F_OK) != 0, "%s was written for a bad name", path);
    /* an existing file is never overwritten, and says so */
    snprintf(path, sizeof path, "%s/mine.c", dir);
    FILE *f = fopen(path, "w");
    LG_ASSERT(f != NULL, "a file to keep");
    if (!f)
        return;
    fputs("/* mine */\n", f);
    fclose(f);
    snprintf(args, sizeof args, "plugin-template mine --dir '%s'", dir);
    lg_test_cli_expect(args, 2, "mine.c exists: choose another name or remove it first", true);
    char *text = lg_read_file(path, NULL);
    LG_ASSERT_MSG(text && !strcmp(text, "/* mine */\n"), "%s was changed: %s", path, text ? text : "(gone)");
    free(text);
    lg_test_cli_expect("plugin-template --help", 0, "usage: litgan plugin-template NAME [--dir DIR]", false);
}

void lg_suite_plugin_template(void)
{
    LG_ADD_SUITE("plugin_template",
                 { "the template compiles out of the tree, checks and trains", test_template_builds_and_trains },
                 { "bad names, existing files, usage: one line, nothing written", test_template_errors });
}
