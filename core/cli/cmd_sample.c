/*
 * cmd_sample.c - `litgan sample RUN`: image figures from a run's checkpoint,
 * without training (lg_run_sample).
 */
#include "cli.h"

#include <string.h>

static const char help[] =
    "usage: litgan sample RUN [--out DIR] [--grid] [--classes] [--recon] [--interp] [--neighbours]\n"
    "                         [--n N] [--seed S]\n"
    "\n"
    "Draws figures of images from the checkpoint of the run in folder RUN, without training and\n"
    "without writing anything in RUN but the output folder (default RUN/sample). Each figure is a\n"
    "PNG drawn by gnuplot from NAME.gp beside its data NAME.dat (edit a script and rerun it there\n"
    "with gnuplot NAME.gp). With no figure named, every one the run allows; those it does not\n"
    "(reconstructions without an encoder, classes without labels) are named as skipped.\n"
    "\n"
    "  --grid         grid.png: N samples G(z), with the step and the seed in the title; and\n"
    "                 fixed_noise.png: the run's snapshots during training, G at the same 8 z\n"
    "                 at increasing steps (a row per snapshot, at most 10 rows)\n"
    "  --classes      classes.png: held-out real images, a row per class, with how many\n"
    "                 images each class has; classes_generated.png: 1,000 samples grouped by\n"
    "                 the class the data set's classifier (the one the log's scores use)\n"
    "                 gives them, with counts, classes present and the Frechet distance\n"
    "  --recon        recon.png: held-out images x above their reconstructions G(E(x)), and\n"
    "                 the mean squared error per pixel (losses with an encoder, e.g. biganqp)\n"
    "  --interp       interp.png: G along straight lines between two random z (10 steps, a row\n"
    "                 per pair) and, with an encoder, between the codes E(x1), E(x2) of two\n"
    "                 held-out images, shown at the ends\n"
    "  --neighbours   neighbours.png: the grid's first 8 samples, each beside its 5 nearest\n"
    "                 training images in pixel L2 distance (a distance near 0: memorised)\n"
    "  --n N          images in the grid (default 64, at most 1024)\n"
    "  --seed S       the seed of the noise (default: the run's seed, as litgan train drew its\n"
    "                 grid.png)\n"
    "  --out DIR      output folder: new, empty, or an earlier litgan sample output (whose\n"
    "                 files, listed in its .litgan-sample, are replaced; nothing else is)\n"
    "\n"
    "Runs on 1-D or 2-D points have no images: their figure is RUN/samples.png, which litgan\n"
    "train draws.\n";

enum { OPT_OUT = 256, OPT_GRID, OPT_CLASSES, OPT_RECON, OPT_INTERP, OPT_NEIGHBOURS, OPT_N, OPT_SEED };

static const struct option options[] = {
    { "out", required_argument, 0, OPT_OUT }, { "grid", no_argument, 0, OPT_GRID },
    { "classes", no_argument, 0, OPT_CLASSES }, { "recon", no_argument, 0, OPT_RECON },
    { "interp", no_argument, 0, OPT_INTERP }, { "neighbours", no_argument, 0, OPT_NEIGHBOURS },
    { "n", required_argument, 0, OPT_N }, { "seed", required_argument, 0, OPT_SEED },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
};

int lg_cmd_sample(int argc, char **argv)
{
    lg_sample_config c;
    lg_sample_config_init(&c);
    int ch, bad = LG_EXIT_OK;
    optind = 0;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': printf("%s", help); return LG_EXIT_OK;
        case OPT_OUT: c.out = optarg; break;
        case OPT_GRID: c.what |= LG_SAMPLE_GRID; break;
        case OPT_CLASSES: c.what |= LG_SAMPLE_CLASSES; break;
        case OPT_RECON: c.what |= LG_SAMPLE_RECON; break;
        case OPT_INTERP: c.what |= LG_SAMPLE_INTERP; break;
        case OPT_NEIGHBOURS: c.what |= LG_SAMPLE_NEIGHBOURS; break;
        case OPT_N: bad = lg_cli_long("sample", "--n", optarg, 1, &c.n); break;
        case OPT_SEED: bad = lg_cli_long("sample", "--seed", optarg, 1, &c.seed); break;
        default: return lg_cli_bad_option("sample", ch, argv);
        }
    }
    if (bad)
        return bad;
    if (optind >= argc) {
        fprintf(stderr, "litgan sample: name a run's folder, e.g. litgan sample runs/nsgan-mnist-s1-... "
                "(see litgan sample --help)\n");
        return LG_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "litgan sample: one run at a time (got '%s' and '%s'; see litgan sample --help)\n",
                argv[optind], argv[optind + 1]);
        return LG_EXIT_USAGE;
    }
    c.run = argv[optind];
    int rc = lg_run_sample(&c, stderr);
    if (rc != 0) {
        fprintf(stderr, "litgan sample: %s\n", lg_errmsg());
        return rc == LG_EINVAL ? LG_EXIT_USAGE : LG_EXIT_FAIL;
    }
    return LG_EXIT_OK;
}
