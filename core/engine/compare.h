/*
 * compare.h - internal to `litgan compare` (compare.c: the losses, the report
 * folder and the runs; compare_out.c: figures and report).
 */
#ifndef LG_COMPARE_H
#define LG_COMPARE_H

#include "lg_impl.h"

#include <signal.h>
#include <sys/types.h>

#define CMP_MAX_LOSSES LG_COMPARE_MAX_LOSSES
#define CMP_MAX_SEEDS 16
#define CMP_LABEL 128
#define CMP_MANIFEST ".litgan-compare" /* what compare wrote in its folder, one path a line */

typedef enum { CMP_PENDING, CMP_OK, CMP_FAILED, CMP_STOPPED, CMP_NOT_RUN } cmp_state;
typedef enum { CMP_BUDGET_STEPS, CMP_BUDGET_EVALS, CMP_BUDGET_SECONDS } cmp_budget;

/* One entry of --losses / --loss: "LOSS[:k=v,...][+REG[:k=v,...]]...". */
typedef struct cmp_loss {
    char loss[512];
    char regs[LG_RUN_MAX_REGS][256];
    size_t n_regs;
    char label[CMP_LABEL];    /* file-name safe, unique */
    bool encoder;             /* D scores (x, z): the figure shows T(x, E(x)) */
    bool prob;                /* D's output is the logit of P(real): shaded as sigmoid */
    /* the runs' setup, resolved as the runner resolves it (plugin defaults) */
    long steps, d_steps;
    char opt_d[160], opt_g[160], reg_list[512];
} cmp_loss;

struct cmp;

typedef struct cmp_job {
    struct cmp *c;
    cmp_loss *l;
    long seed;
    char dir[4200];
    lg_proc *proc;
    pid_t pid;                /* seen by the watch, for passing signals on */
    bool signalled;
    double t0, secs;
    cmp_state state;
    long step_seen;           /* last step in its log.csv (progress) */
    double modes, hq, sw1, rate, loss_d, loss_g;
    double fid, classes, min_class, inception; /* image data (NaN otherwise) */
    long steps_done;
} cmp_job;

typedef struct cmp {
    cmp_loss loss[CMP_MAX_LOSSES];
    size_t n_losses;
    const char *data, *g_spec, *d_spec;
    long steps, seeds, batch, jobs, threads;
    const char *precision;  /* NULL: double */
    const char *nets;       /* the runs' family of default networks (--nets): NULL (mlp) or "dcgan" */
    cmp_budget budget;
    double budget_s;
    bool quiet, tty;
    volatile sig_atomic_t *stop;
    int stop_sig;
    pid_t parent;
    char out[4096];
    cmp_job runs[CMP_MAX_LOSSES * CMP_MAX_SEEDS];
    size_t n_runs;
    lg_dataset *ds;
    double t0;
    int last_tenth;           /* progress lines off a terminal: every 10 % */
} cmp;

/* compare_runs.c: every run of c, --jobs at a time, each job's state and
 * scores filled in; a stop passed on (c->stop_sig set). */
void lg_cmp_run_all(cmp *c);
/* The order runs start in, the longest first: order[0..n_runs) indexes c->runs. */
void lg_cmp_run_order(const cmp *c, size_t *order);
/* A run's configuration, as its child (or its planned command) trains it;
 * dbuf holds an encoder loss's D spec. */
void lg_cmp_child_config(const cmp_job *j, lg_run_config *rc, char *dbuf, size_t dlen);
/* A job's scores from a run's summary (NULL: none, every score NaN). */
void lg_cmp_job_scores(cmp_job *j, const lg_run_summary *sum);
/* compare_plan.c: --plan FILE writes each run's `litgan train` command (and
 * the folder's plan.txt) instead of running; --collect scores the runs a plan
 * trained, refusing any whose configuration is not the plan's. */
#define CMP_PLAN "plan.txt"
int lg_cmp_plan_write(cmp *c, const lg_compare_config *cfg);
int lg_cmp_plan_collect(cmp *c);
int lg_cmp_plan_read(const char *dir, lg_compare_config *cfg, lg_strvec *store);
/* What a finished run's log.csv (in dir) says of its training: the mean of
 * the steps_per_s column over the rows, the losses of the last row, and the
 * seconds the steps took (the sum of each row's steps over its rate); NaN
 * for what it does not hold. */
typedef struct cmp_logged {
    double rate, loss_d, loss_g, secs;
} cmp_logged;
cmp_logged lg_cmp_read_log(const char *dir);
/* Samples each final generator is scored and drawn on (points; images: 1,000). */
#define LG_CMP_N_EVAL 2500
#define LG_CMP_N_EVAL_IMAGES 1000
/* compare_out.c: the figures; the names of every file compare may write
 * there (for the manifest) first. compare_report.c: report.md and runs.csv. */
void lg_cmp_output_names(const cmp *c, lg_strvec *names);
int lg_cmp_figures(cmp *c, lg_strvec *written);
int lg_cmp_report(const cmp *c, const lg_strvec *figures);
/* The half-width of the 95% Student t interval of v[0..n) (NaN for n < 2). */
double lg_cmp_ci95(const double *v, size_t n, double *mean);

#endif
