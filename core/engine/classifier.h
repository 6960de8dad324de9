/*
 * classifier.h - the image classifier's insides, shared by classifier.c
 * (training, applying, the cached file of a data set), classifier_io.c (its
 * file format) and image_metrics.c (the scores). Public API: litgan/engine.h,
 * section "image metrics".
 *
 * A classifier is two networks: the body, dim-...-h, whose output is the
 * features (the last hidden layer, after its activation), and the head, h-K,
 * one Linear layer into the K logits. Split so, the features are one network's
 * output, and nothing in net.c needs to stop a network half way.
 */
#ifndef LG_CLASSIFIER_H
#define LG_CLASSIFIER_H

#include "lg_impl.h"

#include <stdint.h>

/* Training: minibatches of LG_CLASSIFIER_BATCH drawn by a seeded shuffle each
 * epoch, Adam with the learning rate below (torch.optim's defaults otherwise). */
#define LG_CLASSIFIER_BATCH 64
#define LG_CLASSIFIER_OPTIM "adam:lr=1e-3"
#define LG_CLASSIFIER_MAX_EPOCHS 1000

/* What a classifier was trained on: the rows and their width, the CRC-32
 * (zlib) of the values as doubles, row after row, and of the labels as
 * 32-bit integers. Two data sets that agree on all four are taken as one. */
typedef struct lg_data_print {
    uint64_t n, dim;
    uint32_t crc_x, crc_y;
} lg_data_print;

struct lg_classifier {
    char *spec;            /* the whole network, "784-256r-256r-10" */
    lg_net *body;          /* (n, dim) -> features (n, h) */
    lg_net *head;          /* features -> logits (n, K) */
    size_t n_classes;      /* K, 2..LG_MAX_CLASSES */
    long seed, epochs;     /* as trained */
    lg_data_print print;   /* of the training data */
    double test_accuracy;  /* on the held-out split when measured (lg_classifier_open), else NaN */
    lg_tape *tape;         /* apply's, kept: applying again allocates nothing */
};

/* The classifier of spec (NULL: dim-256r-256r-n_classes) with its networks
 * allocated, not initialised: the spec must take dim inputs, give n_classes
 * logits from a plain Linear layer, and have a hidden layer before it. */
int lg_classifier_make(const char *spec, size_t dim, size_t n_classes, lg_classifier **out);

/* Training's state: the batch, its one-hot labels, the optimizers, the tape.
 * Everything a step needs is allocated here, so a step allocates nothing. */
typedef struct lg_classifier_trainer lg_classifier_trainer;
lg_classifier_trainer *lg_classifier_trainer_alloc(lg_classifier *c);
void lg_classifier_trainer_free(lg_classifier_trainer *tr);
/* The batch to fill: rows (b, dim) and labels (b), b <= LG_CLASSIFIER_BATCH. */
gsl_matrix *lg_classifier_trainer_x(lg_classifier_trainer *tr);
int *lg_classifier_trainer_y(lg_classifier_trainer *tr);
/* One Adam step on the cross-entropy of the first b rows of the batch (b >= 2
 * when the network has BatchNorm); the mean loss into *loss and the rows
 * classified right into *correct. LG_ENONFINITE when the loss is not finite. */
int lg_classifier_step(lg_classifier_trainer *tr, size_t b, double *loss, size_t *correct);

/* The fingerprint of x (n, dim) and its labels y (n). */
lg_data_print lg_data_print_matrix(const gsl_matrix *x, const int *y);
/* The fingerprint of a split of an image data set, as its rows read by
 * lg_dataset_rows would give it (the same as the matrix of those rows). */
lg_data_print lg_data_print_split(const lg_dataset *ds, lg_split split);

/* Rows of x, as log-probabilities (n, K) and features (n, h) (either NULL),
 * in eval mode, a chunk at a time on the classifier's tape. */
void lg_classifier_run(lg_classifier *c, const gsl_matrix *x, gsl_matrix *logp, gsl_matrix *features);

/* The class scores of lg_image_score (all but fid, which is NaN) from the
 * class probabilities probs: (n, K) of n samples. */
void lg_class_scores(const gsl_matrix *probs, lg_image_scores *out);

#endif /* LG_CLASSIFIER_H */
