/*
 * cmd_compare.c - `litgan compare`: options into an lg_compare_config.
 */
#include "cli.h"
#include "litgan/sys.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: litgan compare --losses gan,nsgan,wgan,ganqp [options]\n"
    "\n"
    "Trains each loss with its paper's defaults (optimizers, critic steps, clipping)\n"
    "on the same data with the same seeds, then writes a report folder:\n"
    "  report.md      table of mean +- 95% confidence interval (Student t) over seeds:\n"
    "                 modes covered, high-quality %, sliced W1, steps/s; what each\n"
    "                 loss ran (optimizers, critic steps, regularizers); the metrics\n"
    "  runs.csv       every run: status ok / failed / stopped / not run, its metrics\n"
    "  samples.png    2D data: final samples over D's shade, one panel per loss, with\n"
    "                 a colour bar (P(real), or the critic's value; T(x, E(x)))\n"
    "  densities.png  1D data: densities of real and generated samples, D and D*\n"
    "  metrics.png    modes, high-quality % and sliced W1 over training steps\n"
    "  *.gp, *.dat    the gnuplot scripts and their data (edit, then: gnuplot samples.gp)\n"
    "  runs/LOSS-sSEED/  each run's log.csv, samples, checkpoint\n"
    "A failed run is marked failed (never scored); only runs of this invocation count.\n"
    "\n"
    "  --losses LIST   comma-separated losses, each LOSS or LOSS+REG[+REG...]:\n"
    "                  --losses wgan,wgan+gp,nsgan,nsgan+r1 (a REG replaces the\n"
    "                  loss's own regularizer, e.g. WGAN's clipping, as train --reg)\n"
    "  --loss SPEC     one entry with parameters (repeatable): LOSS[:k=v,...][+REG[:k=v,...]]\n"
    "                  e.g. --loss ganqp:metric=l2  --loss wgan+gp:lambda=5\n"
    "  --reg SPEC      a regularizer added to every loss (repeatable)\n"
    "                  Each entry's name (its label, runs/LABEL-sSEED) must be unique.\n"
    "  --data SPEC     dataset (default ring8)\n"
    "  --steps N       generator steps per run (default 2000)\n"
    "  --budget B      steps (default): N generator steps for every loss;\n"
    "                  evals: equal updates, 2N (critic and generator steps counted): a\n"
    "                  loss with k critic steps trains 2N/(k+1) generator steps;\n"
    "                  SECONDSs (e.g. 60s): every run trains that long (at most N steps)\n"
    "  --seeds K       seeds 1..K (default 3)\n"
    "  --batch B       batch size (default 256; 64 on images)\n"
    "  --g SPEC, --d SPEC   networks (defaults as in litgan train); an encoder loss\n"
    "                  gets D's input widened to x + z and an encoder mirroring G\n"
    "  --out DIR       report folder (default reports/compare-DATA): new, empty, or an\n"
    "                  earlier compare's, whose runs and report (as its .litgan-compare\n"
    "                  lists them) are removed first; any other folder is refused\n"
    "  -j N            runs in parallel (default 2), the longest (steps x critic steps x\n"
    "                  the nets' size) first\n"
    "  --threads N     each run's matrix-product threads (OpenBLAS; default 1): with -j\n"
    "                  as large as the CPUs, 1 is best; more pay only with spare cores\n"
    "  --precision P   double (default) or float: every run's arithmetic (see litgan train\n"
    "                  --help; gp, r1 and consensus need double)\n"
    "  --nets FAMILY   every run's default networks (those --g and --d do not give), as\n"
    "                  litgan train --nets: mlp (default) or dcgan (--data mnist, fashion)\n"
    "  --progress, --no-progress   one progress line with the ETA over all runs\n"
    "                  (default on a terminal), or a line every 10 %\n"
    "  --quiet         no progress lines\n"
    "  --plan FILE     run nothing: write one self-contained `litgan train` command per\n"
    "                  run to FILE (absolute paths; each run its own folder under --out)\n"
    "                  for GNU parallel, a Slurm job array or any batch system on\n"
    "                  machines sharing --out: parallel -j 2 < FILE\n"
    "  --collect DIR   the report of the finished runs of the plan in DIR (the other\n"
    "                  options come from DIR/plan.txt); a run of another configuration\n"
    "                  is refused, an unfinished one is marked stopped, a missing one\n"
    "                  not run\n"
    "Ctrl-C or SIGTERM: each running run stops with a checkpoint (resume one with\n"
    "litgan train --resume DIR/runs/LABEL-sSEED), no further run starts; exit 130/143.\n";


enum { OPT_LOSSES = 256, OPT_LOSS, OPT_DATA, OPT_STEPS, OPT_SEEDS, OPT_BATCH, OPT_G, OPT_D, OPT_OUT, OPT_QUIET,
       OPT_REG, OPT_BUDGET, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_THREADS, OPT_PLAN, OPT_COLLECT,
       OPT_PRECISION, OPT_NETS };

static const struct option options[] = {
    { "losses", required_argument, 0, OPT_LOSSES }, { "loss", required_argument, 0, OPT_LOSS },
    { "data", required_argument, 0, OPT_DATA }, { "steps", required_argument, 0, OPT_STEPS },
    { "seeds", required_argument, 0, OPT_SEEDS }, { "batch", required_argument, 0, OPT_BATCH },
    { "g", required_argument, 0, OPT_G }, { "d", required_argument, 0, OPT_D },
    { "out", required_argument, 0, OPT_OUT }, { "quiet", no_argument, 0, OPT_QUIET },
    { "reg", required_argument, 0, OPT_REG }, { "budget", required_argument, 0, OPT_BUDGET },
    { "progress", no_argument, 0, OPT_PROGRESS }, { "no-progress", no_argument, 0, OPT_NO_PROGRESS },
    { "threads", required_argument, 0, OPT_THREADS }, { "plan", required_argument, 0, OPT_PLAN },
    { "collect", required_argument, 0, OPT_COLLECT }, { "precision", required_argument, 0, OPT_PRECISION },
    { "nets", required_argument, 0, OPT_NETS },
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

/* The signal that asked compare to stop; compare passes SIGTERM on to its
 * runs, which checkpoint. No SA_RESETHAND: the runs share the terminal's
 * process group, so a Ctrl-C reaches them as well as compare. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int lg_cmd_compare(int argc, char **argv)
{
    lg_compare_config c;
    lg_compare_config_init(&c);
    int ch, bad = LG_EXIT_OK;
    lg_strvec lists = { 0 }; /* the --losses words, cut at commas */
    optind = 0;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        const char *v = optarg;
        switch (ch) {
        case 'h':
            fputs(help, stdout);
            lg_strvec_free(&lists);
            return LG_EXIT_OK;
        case OPT_LOSSES: /* appends, as --loss does: every entry named is run */
            lg_strvec_push(&lists, v);
            for (char *p = strtok(lists.w[lists.n - 1], ","); p && !bad; p = strtok(NULL, ","))
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
        case OPT_THREADS: bad = in_range("--threads", v, 1, LG_MAX_THREADS, &c.threads); break;
        case OPT_PRECISION:
            if (strcmp(v, "float") && strcmp(v, "double")) {
                fprintf(stderr, "litgan compare: --precision '%s': use float or double\n", v);
                bad = LG_EXIT_USAGE;
            }
            c.precision = v;
            break;
        case OPT_NETS:
            if (strcmp(v, "mlp") && strcmp(v, "dcgan")) {
                fprintf(stderr, "litgan compare: --nets '%s': the families are mlp (the default) and dcgan "
                                "(images: --data mnist or fashion)\n", v);
                bad = LG_EXIT_USAGE;
            }
            c.nets = v;
            break;
        case OPT_PLAN: c.plan = v; break;
        case OPT_COLLECT: c.collect = v; break;
        case OPT_QUIET: c.quiet = 1; break;
        case OPT_PROGRESS: c.progress = 1; break;
        case OPT_NO_PROGRESS: c.progress = 0; break;
        case OPT_BUDGET: c.budget = v; break;
        case OPT_REG:
            if (c.n_regs == LG_RUN_MAX_REGS) {
                fprintf(stderr, "litgan compare: --reg: at most %d regularizers\n", LG_RUN_MAX_REGS);
                bad = LG_EXIT_USAGE;
            } else {
                c.regs[c.n_regs++] = v;
            }
            break;
        default:
            lg_strvec_free(&lists);
            return lg_cli_bad_option("compare", ch, argv);
        }
    }
    if (!bad && optind < argc) {
        fprintf(stderr, "litgan compare: unexpected argument '%s' (see litgan compare --help)\n", argv[optind]);
        bad = LG_EXIT_USAGE;
    }
    if (!bad && c.collect && (c.n_losses || c.plan)) {
        fprintf(stderr, "litgan compare: --collect DIR takes the losses and the rest from DIR/plan.txt: give it "
                        "alone (with --quiet or --progress at most)\n");
        bad = LG_EXIT_USAGE;
    }
    if (!bad && !c.n_losses && !c.collect) {
        fprintf(stderr, "litgan compare: name the losses to compare: --losses gan,nsgan,wgan,ganqp\n");
        bad = LG_EXIT_USAGE;
    }
    if (bad) {
        lg_strvec_free(&lists);
        return bad;
    }
    char exe[4096];
    ssize_t n_exe = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n_exe > 0) { /* the commands of a plan run this very litgan */
        exe[n_exe] = '\0';
        c.exe = exe;
    }
    stop_signal = 0;
    c.stop = &stop_signal;
    catch_signals();
    int rc = lg_compare_run(&c);
    if (rc != LG_OK)
        fprintf(stderr, "litgan compare: %s\n", lg_errmsg());
    lg_strvec_free(&lists);
    if (rc == LG_ESTOPPED)
        return 128 + (int)stop_signal;
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
