/*
 * run.h - internal to the engine's runner (run.c, run_open.c, run_config.c, run_log.c):
 * the run's layout and the pieces its four files share.
 */
#ifndef LG_RUN_H
#define LG_RUN_H

#include "lg_impl.h"

struct lg_run {
    lg_run_config c;           /* in force: every field resolved */
    lg_strvec eff;             /* the effective options, stored in the checkpoint */
    char out[4096];
    gsl_rng *rng;
    lg_dataset *ds;
    lg_game g;
    bool game_ready;
    lg_optim *opt[LG_NET_COUNT];
    long step;                 /* generator steps done */
    FILE *log;
    char path_log[4096], path_ckpt[4096];
    long ckpt_step;
    bool tty;
    double t_start, t_last;
    long step_last;
    long step_first;           /* the step this process started from */
    double rate;
    double rate_sum;           /* over this process's log rows, for the mean */
    double t_data, t_eval;     /* seconds of this process in drawing batches, in log rows' metrics */
    long n_rows;
    bool encoder;              /* the loss needs E; D scores (x, z) */
    gsl_matrix *eval_real;     /* fixed real samples the metrics compare against */
    lg_sliced_ref *sw_ref;     /* eval_real on the log rows' 50 directions, sorted once */
    lg_tape *eval_tape;        /* G's forward for the metrics, kept: a log row allocates */
    gsl_matrix *eval_z;        /* nothing of G's size (fresh pages cost a fault each) */
    char nets[3][512];         /* default network specs, when the config names none */
    uint64_t hash;             /* lg_run_config_hash of eff */
    bool readonly;             /* lg_run_load: nothing written, no step taken */
    /* image data: the metrics' classifier and its features of the held-out
     * images, opened at the first score (lg_run_image_scores) */
    lg_classifier *clf;
    lg_feature_stats *ref;
    bool clf_tried;
};

/* run_config.c: the effective words of a new run (the plugins' defaults, then
 * the config's fields), and words -> config (plugin defaults and checkpoints
 * speak the command line's words). */
int lg_run_words_from_config(const lg_run_config *c, lg_strvec *eff);
int lg_run_words_parse(const lg_strvec *w, lg_run_config *c);
void lg_run_config_fill(lg_run_config *c);
/* A resolved config as words (all fields), the first required word missing
 * from a parsed one (NULL: none), and the hash that names a configuration. */
void lg_run_words_all(const lg_run_config *c, lg_strvec *eff);
const char *lg_run_words_missing(const lg_run_config *c);
uint64_t lg_run_config_hash(const lg_strvec *eff);
/* run.c */
/* Everything a run holds, freed (run_open.c; lg_run_close frees the run too). */
void lg_run_free_parts(lg_run *r);
gsl_matrix *lg_run_generate(lg_run *r, size_t n, unsigned long salt);
gsl_matrix *lg_run_real_samples(lg_run *r);
/* Image data: the classifier's scores of samples x: (n, dim) against the
 * held-out images. LG_OK, or LG_EINVAL when the data has no images or the
 * classifier cannot be had (said once on stderr; the scores are NaN then). */
int lg_run_image_scores(lg_run *r, const gsl_matrix *x, lg_image_scores *s);
/* run_log.c: keep only the log rows of steps <= step (atomically); a resumed
 * run's log header must name the run's configuration (r->hash). */
int lg_run_truncate_log(const char *path, long step);
int lg_run_log_check(lg_run *r);

#endif
