/*
 * fuzz_classifier.c - the classifier file's reader (core/engine/classifier_io.c,
 * lg_classifier_load), as lg_classifier_open reads the file it keeps beside
 * the data. An accepted classifier must be usable: scoring two rows of its
 * input width gives an inception-style score in [1, classes], or the one
 * refusal of outputs that are not finite (finite weights can still overflow:
 * the first finding, now a test in imgmetrics_classifier).
 *
 * Input: one byte of flags, then the file. Flag 1: the payload length and
 * CRC-32 are made to fit (the classifier's frame is the checkpoint's, so
 * fuzz_fix_ckpt does it), so the fields behind the checksum are reached.
 * Seeds: tests/fuzz/corpus/classifier (tiny classifiers written byte by byte
 * by make_corpus.sh: 2-1r-2, and 2-2b-2 with BatchNorm statistics).
 */
#include "fuzz.h"
#include "classifier.h"

#include <math.h>

FUZZ_INIT
{
    if (size < 1)
        return 0;
    size_t n = size - 1;
    unsigned char *f = lg_xmalloc(n + 1);
    memcpy(f, data + 1, n);
    if (data[0] & 1)
        fuzz_fix_ckpt(f, n);
    char path[PATH_MAX];
    fuzz_write("classifier.bin", f, n, path, sizeof path);
    free(f);

    lg_classifier *c;
    if (lg_classifier_load(path, &c) != LG_OK)
        return 0;
    size_t K = lg_classifier_n_classes(c), dim = lg_net_in_dim(c->body);
    LG_ASSERT(K >= 2 && K <= LG_MAX_CLASSES && dim > 0, "an accepted classifier has classes and an input");
    gsl_matrix *x = gsl_matrix_calloc(2, dim);
    gsl_matrix_set(x, 1, 0, 0.5);
    lg_image_scores s;
    int rc = lg_image_score(c, NULL, x, &s);
    /* scores, or the one refusal of outputs that are not finite */
    LG_ASSERT(rc == LG_ENONFINITE || (rc == LG_OK && s.n == 2 && s.inception_score >= 1 - 1e-9 &&
                                      s.inception_score <= (double)K + 1e-9),
              "an accepted classifier scores, or refuses outputs that are not finite");
    gsl_matrix_free(x);
    lg_classifier_free(c);
    return 0;
}
