/*
 * cmd_compare.c - `litgan compare`: options into an lg_compare_config.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: litgan compare --losses gan,nsgan,wgan,ganqp [options]\n"
    "\n"
    "Trains each loss with its paper's defaults (optimizers, critic steps, clipping)\n"
    "on the same data with the same seeds, then writes a report folder:\n"
    "  report.md      table of mean +- std over seeds: modes covered, high-quality %,\n"
    "                 sliced W1 to real samples, steps/s\n"
    "  runs.csv       every run's final metrics\n"
    "  samples.png    final samples over the discriminator's heatmap, one panel per loss\n"
    "  metrics.png    modes, high-quality % and sliced W1 over training steps\n"
    "  *.gp, *.dat    the gnuplot scripts and their data (edit, then: gnuplot samples.gp)\n"
    "  runs/LOSS-sSEED/  each run's log.csv, samples, checkpoint\n"
    "\n"
    "  --losses LIST   comma-separated plugin names (no parameters)\n"
    "  --loss SPEC     one loss with parameters, e.g. ganqp:metric=l2 (repeatable)\n"
    "  --data SPEC     dataset (default ring8)\n"
    "  --steps N       generator steps per run (default 2000)\n"
    "  --seeds K       seeds 1..K (default 3)\n"
    "  --batch B       batch size (default 256)\n"
    "  --g SPEC, --d SPEC   networks (defaults as in litgan train); an encoder loss\n"
    "                  gets D's input widened to x + z and an encoder mirroring G\n"
    "  --out DIR       report folder (default reports/compare-DATA)\n"
    "  -j N            runs in parallel (default 2)\n"
    "  --quiet         no progress lines\n";


enum { OPT_LOSSES = 256, OPT_LOSS, OPT_DATA, OPT_STEPS, OPT_SEEDS, OPT_BATCH, OPT_G, OPT_D, OPT_OUT, OPT_QUIET };

static const struct option options[] = {
    { "losses", required_argument, 0, OPT_LOSSES }, { "loss", required_argument, 0, OPT_LOSS },
    { "data", required_argument, 0, OPT_DATA }, { "steps", required_argument, 0, OPT_STEPS },
    { "seeds", required_argument, 0, OPT_SEEDS }, { "batch", required_argument, 0, OPT_BATCH },
    { "g", required_argument, 0, OPT_G }, { "d", required_argument, 0, OPT_D },
    { "out", required_argument, 0, OPT_OUT }, { "quiet", no_argument, 0, OPT_QUIET },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
};

/* A whole number in lo..hi, else one line on stderr. */
static int in_range(const char *opt, const char *v, long lo, long hi, long *out)
{
    if (lg_parse_long(opt, v, lo, out) == LG_OK && *out <= hi)
        return LG_EXIT_OK;
    fprintf(stderr, "litgan compare: %s '%s': expected a whole number in %ld..%ld\n", opt, v, lo, hi);
    return LG_EXIT_USAGE;
}

static int add_loss(lg_compare_config *c, const char *spec)
{
    if (c->n_losses == LG_COMPARE_MAX_LOSSES) {
        fprintf(stderr, "litgan compare: at most %d losses\n", LG_COMPARE_MAX_LOSSES);
        return LG_EXIT_USAGE;
    }
    c->losses[c->n_losses++] = spec;
    return LG_EXIT_OK;
}

int lg_cmd_compare(int argc, char **argv)
{
    lg_compare_config c;
    lg_compare_config_init(&c);
    int ch, bad = LG_EXIT_OK;
    char *list = NULL;
    optind = 0;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        const char *v = optarg;
        switch (ch) {
        case 'h':
            fputs(help, stdout);
            free(list);
            return LG_EXIT_OK;
        case OPT_LOSSES:
            free(list);
            list = strdup(v);
            c.n_losses = 0;
            for (char *p = strtok(list, ","); p && !bad; p = strtok(NULL, ","))
                bad = add_loss(&c, p);
            break;
        case OPT_LOSS: bad = add_loss(&c, v); break;
        case OPT_DATA: c.data = v; break;
        case OPT_G: c.g = v; break;
        case OPT_D: c.d = v; break;
        case OPT_OUT: c.out = v; break;
        case OPT_STEPS: bad = in_range("--steps", v, 1, 100000000, &c.steps); break;
        case OPT_SEEDS: bad = in_range("--seeds", v, 1, 16, &c.seeds); break;
        case OPT_BATCH: bad = in_range("--batch", v, 2, 1000000, &c.batch); break;
        case 'j': bad = in_range("-j", v, 1, 64, &c.jobs); break;
        case OPT_QUIET: c.quiet = 1; break;
        default:
            free(list);
            return lg_cli_bad_option("compare", ch, argv);
        }
    }
    if (!bad && optind < argc) {
        fprintf(stderr, "litgan compare: unexpected argument '%s' (see litgan compare --help)\n", argv[optind]);
        bad = LG_EXIT_USAGE;
    }
    if (!bad && !c.n_losses) {
        fprintf(stderr, "litgan compare: name the losses to compare: --losses gan,nsgan,wgan,ganqp\n");
        bad = LG_EXIT_USAGE;
    }
    if (bad) {
        free(list);
        return bad;
    }
    int rc = lg_compare_run(&c);
    if (rc != LG_OK)
        fprintf(stderr, "litgan compare: %s\n", lg_errmsg());
    free(list);
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
