/*
 * litgan - the command-line runner: a thin layer over liblitgan.
 */
#include "../course/lg_course.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: litgan COMMAND [options]     (litgan COMMAND --help for details)\n"
    "\n"
    "commands:\n"
    "  train            train a GAN with a loss plugin (and regularizers)\n"
    "  compare          train several losses on one task and write a report\n"
    "  lab NN           run lab NN's experiment and write its figures\n"
    "  plugins          list the plugins found, with title and citation\n"
    "  check-plugin P   validate a plugin and gradient-check its objectives\n"
    "  grade NN         grade lab NN (the source tree or --submission DIR)\n"
    "  grade-all NN DIR grade every submission folder in DIR, in parallel\n"
    "  handout OUTDIR   write the student release (solutions stubbed, instructor files left out)\n"
    "  weave NN         write lab NN's report: reports/NN-name/index.html\n"
    "  help             this text\n"
    "\n"
    "Plugins are found in $LITGAN_PLUGIN_PATH (':'-separated folders), then in\n"
    "the build folder; a path to a .so file also works everywhere.\n";

static int cmd_plugins(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: litgan plugins\n\nLists every plugin in %s with its kind, title, "
                   "citation and parameters.\nFiles that fail to load are listed with the reason.\n",
                   lg_plugin_search_path());
            return 0;
        }
    const char *dirs = lg_plugin_search_path();
    char seen[256][LG_NAME_MAX];
    size_t n_seen = 0;
    int found = 0, bad = 0;
    while (*dirs) {
        size_t dl = strcspn(dirs, ":");
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)dl, dirs);
        dirs += dl + (dirs[dl] == ':');
        DIR *d = dl ? opendir(dir) : NULL;
        if (!d)
            continue;
        struct dirent **list;
        closedir(d);
        int n = scandir(dir, &list, NULL, alphasort);
        for (int k = 0; k < n; k++) {
            const char *fn = list[k]->d_name;
            size_t len = strlen(fn);
            if (len > 3 && !strcmp(fn + len - 3, ".so")) {
                char path[8192];
                snprintf(path, sizeof path, "%s/%s", dir, fn);
                lg_plugin_handle *h;
                if (lg_plugin_open(path, &h) != LG_OK) {
                    printf("  (error)  %s\n", lg_errmsg());
                    bad++;
                } else {
                    const lg_plugin *p = h->desc;
                    bool dup = false;
                    for (size_t s = 0; s < n_seen; s++)
                        dup |= !strcmp(seen[s], p->name);
                    if (dup) {
                        printf("  (error)  %s: duplicate plugin name '%s' (an earlier folder wins)\n",
                               path, p->name);
                        bad++;
                    } else {
                        if (n_seen < 256)
                            snprintf(seen[n_seen++], LG_NAME_MAX, "%s", p->name);
                        printf("%-10s %-5s %s\n           %s\n           %s\n", p->name,
                               p->kind == LG_PLUGIN_KIND_LOSS ? "loss" : "reg", p->title,
                               p->citation, path);
                        for (const lg_param_doc *q = p->params; q && q->type != LG_PARAM_TYPE_END; q++)
                            printf("           %s=%s%s%s  %s\n", q->key, q->default_value,
                                   q->choices ? " of " : "", q->choices ? q->choices : "", q->help);
                        found++;
                    }
                    lg_plugin_close(h);
                }
            }
            free(list[k]);
        }
        if (n > 0)
            free(list);
    }
    if (!found && !bad)
        printf("no plugins found in %s (run make)\n", lg_plugin_search_path());
    return bad ? 1 : 0;
}

static int cmd_check(int argc, char **argv)
{
    double tol = 1e-6;
    const char *spec = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: litgan check-plugin NAME|FILE.so[:k=v,...] [--tol T]\n\n"
                   "Loads the plugin, checks its descriptor, builds a small random game\n"
                   "(x in R^3, z in R^2, batch 6, tanh networks) and compares the analytic\n"
                   "gradient of each objective with centred differences in double, per\n"
                   "parameter block. A regularizer is checked on top of nsgan.\n"
                   "Prints the worst relative error per block and PASS or FAIL (tol 1e-6).\n");
            return 0;
        }
        if (!strcmp(argv[i], "--tol") && i + 1 < argc) {
            tol = strtod(argv[++i], NULL);
            if (!(tol > 0)) {
                fprintf(stderr, "litgan check-plugin: --tol must be a positive number\n");
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "litgan check-plugin: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        } else if (!spec) {
            spec = argv[i];
        } else {
            fprintf(stderr, "litgan check-plugin: one plugin at a time (got '%s' and '%s')\n", spec, argv[i]);
            return 2;
        }
    }
    if (!spec) {
        fprintf(stderr, "litgan check-plugin: name a plugin (e.g. litgan check-plugin nsgan)\n");
        return 2;
    }
    double worst = 0;
    int rc = lg_check_plugin(spec, stdout, tol, &worst);
    if (rc == LG_OK) {
        printf("PASS  worst relative error %.2e <= %.0e\n", worst, tol);
        return 0;
    }
    printf("FAIL  %s\n", lg_errmsg());
    return 1;
}

int main(int argc, char **argv)
{
    lg_gsl_init();
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "train"))
        return lg_train_main(argc - 2, argv + 2) == LG_OK ? 0 : 1;
    if (!strcmp(cmd, "lab")) {
        int rc = lg_lab_main(argc - 2, argv + 2);
        if (rc != LG_OK)
            fprintf(stderr, "litgan lab: %s\n", lg_errmsg());
        return rc == LG_OK ? 0 : 1;
    }
    if (!strcmp(cmd, "compare"))
        return lg_compare_main(argc - 2, argv + 2) == LG_OK ? 0 : 1;
    if (!strcmp(cmd, "plugins"))
        return cmd_plugins(argc - 2, argv + 2);
    if (!strcmp(cmd, "check-plugin"))
        return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "grade"))
        return lg_grade_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "grade-all"))
        return lg_grade_all_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "handout"))
        return lg_handout_main(argc - 2, argv + 2) == LG_OK ? 0 : 1;
    if (!strcmp(cmd, "weave"))
        return lg_weave_main(argc - 2, argv + 2) == LG_OK ? 0 : 1;
    fprintf(stderr, "litgan: unknown command '%s' (commands: train, compare, lab, plugins, check-plugin, "
                    "grade, grade-all, handout, weave; see litgan help)\n", cmd);
    return 2;
}
