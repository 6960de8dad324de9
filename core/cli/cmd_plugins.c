/*
 * cmd_plugins.c - `litgan plugins` and `litgan check-plugin`.
 */
#include "cli.h"
#include "litgan/sys.h"

#include <stdlib.h>
#include <string.h>

/* The names listed so far (an earlier folder wins), grown as needed. */
typedef struct names {
    char **v;
    size_t n, cap;
} names;

static bool names_has(const names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], name))
            return true;
    return false;
}

static void names_add(names *s, const char *name)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        char **v = realloc(s->v, s->cap * sizeof *v);
        if (!v) {
            fprintf(stderr, "litgan plugins: out of memory\n");
            exit(LG_EXIT_USAGE);
        }
        s->v = v;
    }
    s->v[s->n++] = strdup(name);
}

static void list_one(const char *path, names *seen, int *found, int *bad)
{
    lg_plugin_handle *h;
    if (lg_plugin_open(path, &h) != LG_OK) {
        printf("  (error)  %s\n", lg_errmsg());
        (*bad)++;
        return;
    }
    const lg_plugin *p = lg_plugin_desc(h);
    if (names_has(seen, p->name)) {
        printf("  (error)  %s: duplicate plugin name '%s' (an earlier folder wins)\n", path, p->name);
        (*bad)++;
    } else {
        names_add(seen, p->name);
        printf("%-10s %-5s %s\n           %s\n           %s\n", p->name,
               p->kind == LG_PLUGIN_KIND_LOSS ? "loss" : "reg", p->title, p->citation, path);
        for (const lg_param_doc *q = p->params; q && q->type != LG_PARAM_TYPE_END; q++)
            printf("           %s=%s%s%s  %s\n", q->key, q->default_value, q->choices ? (q->type == LG_PARAM_TYPE_CHOICE ? " of " : " in ") : "",
                   q->choices ? q->choices : "", q->help);
        (*found)++;
    }
    lg_plugin_close(h);
}

int lg_cmd_plugins(int argc, char **argv)
{
    static const struct option options[] = { { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch != 'h')
            return lg_cli_bad_option("plugins", ch, argv);
        printf("usage: litgan plugins\n\n"
               "Lists every plugin that a bare name finds, with its kind, title, citation and\n"
               "parameters. Files that fail to load are listed with the reason.\n\n"
               "A bare name (--loss nsgan) is NAME.so in the first folder that holds it of:\n"
               "  1. $LITGAN_PLUGIN_PATH, ':'-separated folders, in order;\n"
               "  2. litgan/plugins next to liblitgan.so: <prefix>/lib/litgan/plugins when\n"
               "     installed, build/plugins in the build tree.\n"
               "A name with a '/' or ending in .so (--loss ./myloss.so) is that file.\n\n"
               "Searched here: %s\n",
               lg_plugin_search_path());
        return LG_EXIT_OK;
    }
    const char *dirs = lg_plugin_search_path();
    names seen = { 0 };
    int found = 0, bad = 0;
    while (*dirs) {
        size_t dl = strcspn(dirs, ":");
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)dl, dirs);
        dirs += dl + (dirs[dl] == ':');
        lg_strvec list = { 0 };
        if (dl && lg_dir_list(dir, &list) == LG_OK)
            for (size_t k = 0; k < list.n; k++) {
                const char *fn = list.w[k];
                size_t len = strlen(fn);
                if (len > 3 && !strcmp(fn + len - 3, ".so")) {
                    char path[8192];
                    snprintf(path, sizeof path, "%s/%s", dir, fn);
                    list_one(path, &seen, &found, &bad);
                }
            }
        lg_strvec_free(&list);
    }
    for (size_t i = 0; i < seen.n; i++)
        free(seen.v[i]);
    free(seen.v);
    if (!found && !bad)
        printf("no plugins found in %s (run make)\n", lg_plugin_search_path());
    return bad ? LG_EXIT_FAIL : LG_EXIT_OK;
}

int lg_cmd_check(int argc, char **argv)
{
    static const struct option options[] = { { "tol", required_argument, 0, 't' },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    double tol = 1e-6;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch == 'h') {
            printf("usage: litgan check-plugin NAME|FILE.so[:k=v,...] [--tol T]\n\n"
                   "Loads the plugin, checks its descriptor, builds a small random game\n"
                   "(x in R^3, z in R^2, batch 6, tanh networks) and compares the analytic\n"
                   "gradient of each objective with centred differences in double, per\n"
                   "parameter block. A regularizer is checked on top of nsgan.\n"
                   "Prints the worst relative error per block and PASS or FAIL (tol 1e-6).\n");
            return LG_EXIT_OK;
        }
        if (ch != 't')
            return lg_cli_bad_option("check-plugin", ch, argv);
        char *end;
        tol = strtod(optarg, &end);
        if (*end || !(tol > 0)) {
            fprintf(stderr, "litgan check-plugin: --tol must be a positive number\n");
            return LG_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "litgan check-plugin: name a plugin (e.g. litgan check-plugin nsgan)\n");
        return LG_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "litgan check-plugin: one plugin at a time (got '%s' and '%s')\n", argv[optind],
                argv[optind + 1]);
        return LG_EXIT_USAGE;
    }
    double worst = 0;
    int rc = lg_check_plugin(argv[optind], stdout, tol, &worst);
    if (rc == LG_OK) {
        printf("PASS  worst relative error %.2e <= %.0e\n", worst, tol);
        return LG_EXIT_OK;
    }
    printf("FAIL  %s\n", lg_errmsg());
    return LG_EXIT_FAIL;
}
