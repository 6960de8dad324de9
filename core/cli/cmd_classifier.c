/*
 * cmd_classifier.c - `litgan classifier DATA`: the data set's own classifier
 * (the yardstick of the image metrics), trained or read from its file, and
 * its accuracy on the held-out images.
 */
#include "cli.h"
#include "litgan/sys.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: litgan classifier DATA [--seed S] [--seeds N] [--retrain] [--dir DIR]\n"
    "\n"
    "The classifier the image metrics score samples with (no Inception network, no\n"
    "download): an MLP DIM-256r-256r-CLASSES trained by litgan's own engine on the\n"
    "train split of DATA (mnist, fashion, idx:images=PATH,labels=PATH), with\n"
    "minibatches of 64, Adam(1e-3) and the cross-entropy of a stable log-softmax,\n"
    "for about 160,000 images seen (20 epochs of MNIST's 8,000 digits, 3 of\n"
    "Fashion-MNIST's 60,000). It is kept in DIR/classifier-DATA-sSEED.bin with a\n"
    "checksum and the fingerprint of the data, and trained again when the file is\n"
    "missing or damaged or the data changed. Prints its accuracy on the held-out\n"
    "(test) split, which training never sees.\n"
    "\n"
    "  --seed S           the first seed, in 1..4294967295 (default 1)\n"
    "  --seeds N          seeds S..S+N-1, then their median accuracy (default 1)\n"
    "  --retrain          train again even when a stored classifier is valid\n"
    "  --dir DIR          where the files are (default: litgan's data folder,\n"
    "                     $LITGAN_DATA or litgan/data beside liblitgan)\n"
    "  --min-accuracy P   exit 1 when the (median) accuracy is below P percent\n"
    "Training lines go to stderr, the accuracies to stdout.\n";

enum { OPT_SEED = 256, OPT_SEEDS, OPT_RETRAIN, OPT_DIR, OPT_MIN };

static const struct option options[] = {
    { "seed", required_argument, 0, OPT_SEED }, { "seeds", required_argument, 0, OPT_SEEDS },
    { "retrain", no_argument, 0, OPT_RETRAIN }, { "dir", required_argument, 0, OPT_DIR },
    { "min-accuracy", required_argument, 0, OPT_MIN }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The accuracy of seed's classifier of ds on the test split (x, y). */
static int one_seed(const lg_dataset *ds, const char *dir, long seed, bool retrain, const gsl_matrix *x,
                    const int *y, double *acc)
{
    if (retrain) { /* the file lg_classifier_open keeps (engine.h) */
        char path[4096];
        snprintf(path, sizeof path, "%s/classifier-%s-s%ld.bin", dir, lg_dataset_name(ds), seed);
        if (unlink(path) != 0 && errno != ENOENT) {
            fprintf(stderr, "litgan classifier: cannot remove %s to train again (%s)\n", path, strerror(errno));
            return LG_EXIT_FAIL;
        }
    }
    lg_classifier *c;
    double t0 = lg_now();
    if (lg_classifier_open(ds, dir, seed, stderr, &c) != LG_OK) {
        fprintf(stderr, "litgan classifier: %s\n", lg_errmsg());
        return LG_EXIT_FAIL;
    }
    *acc = lg_classifier_accuracy(c, x, y);
    printf("%s seed %ld: test accuracy %.2f%% on %zu held-out images (%.1f s)\n", lg_dataset_name(ds), seed,
           100.0 * *acc, x->size1, lg_now() - t0);
    fflush(stdout);
    lg_classifier_free(c);
    return LG_EXIT_OK;
}

int lg_cmd_classifier(int argc, char **argv)
{
    long seed = 1, seeds = 1;
    bool retrain = false;
    const char *dir = NULL;
    double min_acc = -1;
    int ch, bad = LG_EXIT_OK;
    optind = 0;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h': fputs(help, stdout); return LG_EXIT_OK;
        case OPT_SEED:
            bad = lg_cli_long("classifier", "--seed", optarg, 1, &seed);
            if (!bad && (unsigned long)seed > 0xfffffffful) {
                fprintf(stderr, "litgan classifier: --seed %ld: give a seed in 1..4294967295\n", seed);
                bad = LG_EXIT_USAGE;
            }
            break;
        case OPT_SEEDS:
            bad = lg_cli_long("classifier", "--seeds", optarg, 1, &seeds);
            if (!bad && seeds > 100) {
                fprintf(stderr, "litgan classifier: --seeds %ld: at most 100\n", seeds);
                bad = LG_EXIT_USAGE;
            }
            break;
        case OPT_RETRAIN: retrain = true; break;
        case OPT_DIR: dir = optarg; break;
        case OPT_MIN:
            if (!lg_parse_decimal(optarg, &min_acc) || min_acc < 0 || min_acc > 100) {
                fprintf(stderr, "litgan classifier: --min-accuracy '%s': expected a percentage in [0, 100]\n",
                        optarg);
                bad = LG_EXIT_USAGE;
            }
            break;
        default: return lg_cli_bad_option("classifier", ch, argv);
        }
    }
    if (bad)
        return bad;
    if (optind != argc - 1) {
        fprintf(stderr, "litgan classifier: name one data set, e.g. litgan classifier mnist (see litgan classifier "
                        "--help)\n");
        return LG_EXIT_USAGE;
    }
    if (seed + seeds - 1 > 0xffffffffL) {
        fprintf(stderr, "litgan classifier: seeds %ld..%ld pass 4294967295\n", seed, seed + seeds - 1);
        return LG_EXIT_USAGE;
    }
    lg_dataset *ds;
    if (lg_dataset_open(argv[optind], &ds) != LG_OK) {
        fprintf(stderr, "litgan classifier: %s\n", lg_errmsg());
        return LG_EXIT_USAGE;
    }
    size_t n = lg_dataset_count(ds, LG_SPLIT_TEST);
    if (lg_dataset_n_classes(ds) < 2 || n == 0) {
        fprintf(stderr, "litgan classifier: dataset %s has no labelled held-out images (use mnist, fashion or "
                        "idx:images=PATH,labels=PATH)\n", lg_dataset_name(ds));
        lg_dataset_free(ds);
        return LG_EXIT_USAGE;
    }
    if (!dir)
        dir = lg_data_dir();
    gsl_matrix *x = gsl_matrix_alloc(n, lg_dataset_dim(ds));
    int *y = lg_xmalloc(n * sizeof *y);
    double *acc = lg_xcalloc((size_t)seeds, sizeof *acc);
    lg_dataset_rows(ds, LG_SPLIT_TEST, 0, x, y);
    int status = LG_EXIT_OK;
    for (long k = 0; k < seeds && status == LG_EXIT_OK; k++)
        status = one_seed(ds, dir, seed + k, retrain, x, y, &acc[k]);
    if (status == LG_EXIT_OK) {
        qsort(acc, (size_t)seeds, sizeof *acc, cmp_double);
        double med = seeds % 2 ? acc[seeds / 2] : 0.5 * (acc[seeds / 2 - 1] + acc[seeds / 2]);
        if (seeds > 1)
            printf("%s: median test accuracy %.2f%% over seeds %ld..%ld (lowest %.2f%%, highest %.2f%%)\n",
                   lg_dataset_name(ds), 100.0 * med, seed, seed + seeds - 1, 100.0 * acc[0],
                   100.0 * acc[seeds - 1]);
        if (min_acc >= 0 && 100.0 * med < min_acc) {
            fprintf(stderr, "litgan classifier: %s: %s test accuracy %.2f%% is below %g%%\n", lg_dataset_name(ds),
                    seeds > 1 ? "median" : "the", 100.0 * med, min_acc);
            status = LG_EXIT_FAIL;
        }
    }
    free(acc);
    free(y);
    gsl_matrix_free(x);
    lg_dataset_free(ds);
    return status;
}
