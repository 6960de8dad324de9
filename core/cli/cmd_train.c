/*
 * cmd_train.c - `litgan train`: options into an lg_run_config, then the run.
 */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <string.h>

static const char help[] =
    "usage: litgan train [--loss NAME[:k=v,...]|FILE.so] [options]\n"
    "       litgan train --resume DIR [--steps N] [--ckpt-every N] [--quiet] [--progress|--no-progress]\n"
    "\n"
    "Trains a GAN with a loss plugin on a dataset and writes DIR/log.csv, DIR/samples.csv,\n"
    "DIR/real.csv and DIR/checkpoint.bin, then prints a summary of the metrics and draws\n"
    "DIR/samples.png (1D or 2D data: the samples over D's output) and DIR/metrics.png (the\n"
    "log over training) with gnuplot, from scripts beside their data (rerun one there with\n"
    "gnuplot samples.gp). On image data: DIR/grid.png (64 samples) and DIR/fixed_noise.png (G\n"
    "at the same 8 z at every log row, from DIR/fixed_noise_snapshots.dat); litgan sample\n"
    "draws more from the checkpoint. Options the loss plugin's paper prescribes\n"
    "(optimizers, critic steps) are its defaults; options given here win. A folder that\n"
    "holds a run already (log.csv or checkpoint.bin) is refused unless --resume or --force.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops after the current step with a checkpoint and prints\n"
    "how to resume (exit status 130 or 143).\n"
    "\n"
    "  --loss SPEC        loss plugin: a name (see `litgan plugins`) or a .so path, with\n"
    "                     parameters after ':' (e.g. ganqp:lambda=10,metric=l2); default nsgan\n"
    "  --reg SPEC         regularizer plugin (repeatable, at most 8)\n"
    "  --data SPEC        dataset (default ring8); see below\n"
    "  --g SPEC           generator network (default 2-128r-128r-X for data of dimension X;\n"
    "                     the first width is the noise dimension, noise ~ N(0, I))\n"
    "  --d SPEC           discriminator network (default X-128r-128r-1; with an encoder\n"
    "                     loss (X+Z)-128r-128r-1, scoring the pair (x, z))\n"
    "  --e SPEC           encoder network (default X-128r-128r-Z for a loss that needs one)\n"
    "  --nets FAMILY      the default networks (those not given): mlp (default; see above\n"
    "                     and the images' below) or dcgan, for 28x28 images (--data mnist,\n"
    "                     fashion): the DCGAN G, D and E of \"Images\" below (with an\n"
    "                     encoder loss D is the joint critic on (x, z) below)\n"
    "  --opt-d SPEC       discriminator optimizer (default adam:lr=2e-4,b1=0.5)\n"
    "  --opt-g SPEC       generator (and encoder) optimizer (default adam:lr=2e-4,b1=0.5)\n"
    "  --d-steps K        discriminator steps per generator step (default 1)\n"
    "  --d-pretrain K     discriminator steps before the first generator step (default 0)\n"
    "  --simultaneous     both players step from the same point (needs --d-steps 1)\n"
    "  --steps N          generator steps (default 2000)\n"
    "  --batch B          batch size (default 256, at most 1048576)\n"
    "  --seed S           random seed in 1..4294967295 (default: $GSL_RNG_SEED, else 1); GSL\n"
    "                     turns 0 into its default 4357 and mt19937 keeps 32 bits, so other\n"
    "                     seeds would repeat one of these and are refused\n"
    "  --out DIR          output folder (default runs/LOSS-DATA-sSEED-HASH, HASH 6 hex digits\n"
    "                     of the run's options: other data or options, another folder)\n"
    "  --force            replace the run already in the output folder\n"
    "  --log-every N      log a row every N steps (default 100)\n"
    "  --ckpt-every N     write the checkpoint every N steps (default 500; stored with the\n"
    "                     run, so --resume keeps it unless given again)\n"
    "  --samples N        generated samples written and scored (default 2500, at most 1000000)\n"
    "  Memory: a run whose networks (parameters, gradients, optimizer state) and values at\n"
    "  --batch and --samples would need more than 64 GiB, or more than this machine's\n"
    "  memory, is refused before anything is allocated, naming the option.\n"
    "  --resume DIR       continue the run in DIR from its checkpoint, bit for bit (with\n"
    "                     --steps N, N at least the steps done)\n"
    "  --progress | --no-progress   progress line, cut to the terminal's width (or $COLUMNS)\n"
    "                     (default: when stderr is a terminal)\n"
    "  --quiet            print nothing but errors\n"
    "  --no-figures       draw no figures (no gnuplot)\n"
    "  --threads N        threads of the matrix products (OpenBLAS; default 1). More pay on an\n"
    "                     idle machine with large batches or widths (batch 1024, width 512:\n"
    "                     see make bench); they cost when runs share the cores (compare -j).\n"
    "                     The same count gives the same bits; another count may change the\n"
    "                     last bits (the products split their sums another way)\n"
    "  --precision P      double (default) or float: the networks' arithmetic. float runs\n"
    "                     the products in sgemm and keeps parameters, gradients and Adam's\n"
    "                     moments in float (about twice as fast on wide nets; see make bench);\n"
    "                     the losses and metrics stay double. Gradient penalties (gp, r1)\n"
    "                     and consensus need double (their finite differences)\n"
    "\n"
    "Network spec: widths joined by '-', each followed by modifiers applied in order:\n"
    "  r ReLU, l[slope] LeakyReLU (0.2; slope in [0, 1]), t Tanh, s Sigmoid,\n"
    "  b[eps] BatchNorm1d (1e-5; eps in (0, 1]). Directly after a width, n drops its\n"
    "  layer's bias (y = W x) and c keeps the bias alone (y = b whatever the input).\n"
    "  e.g. 100-128l-256b0.8l-512b0.8l-784t; the Dirac-GAN (--data dirac, its\n"
    "  default nets): --g 1-1c (G(z) = theta) --d 1-1n (D(x) = psi x)\n"
    "Images: a shape CxHxW reads the values so far as C channels of H x W (NCHW:\n"
    "  a sample stays one row of C*H*W values, so the shape moves nothing; the\n"
    "  product must equal the width before it); it may start a spec. Then\n"
    "  C<ch>k<k>s<s>p<p> is a Conv2d into ch channels (kernel k, stride s,\n"
    "  zero padding p): H' = (H + 2p - k)/s + 1, rounded down; T<ch>k<k>s<s>p<p>\n"
    "  its transpose, H' = (H - 1)s - 2p + k. After them n drops the bias, b is\n"
    "  BatchNorm2d (per channel), r l t s as above; a plain width flattens the\n"
    "  image into a Linear layer. DCGAN on MNIST (z of 100):\n"
    "  --g 100-6272br-128x7x7-T64k4s2p1br-T1k4s2p1t\n"
    "  --d 1x28x28-C64k4s2p1l-C128k4s2p1bl-1   (an encoder: ...bl-100)\n"
    "Split input: W+Z first carries the last Z input values past the layers to\n"
    "  a later +Z, which appends them (BiGAN's joint critic on (x, z), x through\n"
    "  convolutions, z joined before a Linear layer):\n"
    "  --d 1x28x28+100-C64k4s2p1l-C128k4s2p1bl-+100-1024l-1\n";


enum {
    OPT_LOSS = 256, OPT_REG, OPT_DATA, OPT_G, OPT_D, OPT_E, OPT_OPT_D, OPT_OPT_G, OPT_D_STEPS,
    OPT_D_PRETRAIN, OPT_SIMULTANEOUS, OPT_STEPS, OPT_BATCH, OPT_SEED, OPT_OUT, OPT_LOG_EVERY,
    OPT_CKPT_EVERY, OPT_SAMPLES, OPT_RESUME, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_QUIET, OPT_FORCE,
    OPT_NO_FIGURES, OPT_THREADS, OPT_PRECISION, OPT_NETS
};

static const struct option options[] = {
    { "loss", required_argument, 0, OPT_LOSS }, { "reg", required_argument, 0, OPT_REG },
    { "data", required_argument, 0, OPT_DATA }, { "g", required_argument, 0, OPT_G },
    { "d", required_argument, 0, OPT_D }, { "e", required_argument, 0, OPT_E },
    { "nets", required_argument, 0, OPT_NETS },
    { "opt-d", required_argument, 0, OPT_OPT_D }, { "opt-g", required_argument, 0, OPT_OPT_G },
    { "d-steps", required_argument, 0, OPT_D_STEPS }, { "d-pretrain", required_argument, 0, OPT_D_PRETRAIN },
    { "simultaneous", no_argument, 0, OPT_SIMULTANEOUS }, { "steps", required_argument, 0, OPT_STEPS },
    { "batch", required_argument, 0, OPT_BATCH }, { "seed", required_argument, 0, OPT_SEED },
    { "out", required_argument, 0, OPT_OUT }, { "log-every", required_argument, 0, OPT_LOG_EVERY },
    { "ckpt-every", required_argument, 0, OPT_CKPT_EVERY }, { "samples", required_argument, 0, OPT_SAMPLES },
    { "resume", required_argument, 0, OPT_RESUME }, { "progress", no_argument, 0, OPT_PROGRESS },
    { "no-progress", no_argument, 0, OPT_NO_PROGRESS }, { "quiet", no_argument, 0, OPT_QUIET },
    { "force", no_argument, 0, OPT_FORCE }, { "no-figures", no_argument, 0, OPT_NO_FIGURES },
    { "threads", required_argument, 0, OPT_THREADS }, { "precision", required_argument, 0, OPT_PRECISION },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
};

/* The signal that asked the run to stop; the run looks at it between steps.
 * SA_RESETHAND: a second Ctrl-C stops at once (checkpoints are written
 * atomically, so nothing is left half written). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The metrics of the final generator, on the samples samples.csv holds. */
static void summary(lg_run *r)
{
    const lg_run_config *c = lg_run_get_config(r);
    lg_run_summary s;
    lg_run_evaluate(r, (size_t)c->samples, &s);
    fprintf(stderr, "litgan: summary at step %ld (%ld samples): ", s.step, c->samples);
    size_t n_modes;
    double sigma;
    lg_dataset_modes(lg_run_dataset(r), &n_modes, &sigma);
    if (!isnan(s.modes))
        fprintf(stderr, "modes %.0f/%zu, high quality %.1f%%, ", s.modes, n_modes, s.high_quality);
    if (!isnan(s.fid))
        fprintf(stderr, "FID %.2f, classes %.0f (the rarest %.1f%%), KL to uniform %.4f, inception score "
                "%.2f, ", s.fid, s.classes, s.min_class_pct, s.kl_uniform, s.inception);
    if (s.steps_now == 0) { /* a finished run reopened: no losses or speed of this process */
        fprintf(stderr, "sliced W1 %.4f; no step taken now\n", s.sliced_w1);
        return;
    }
    fprintf(stderr, "sliced W1 %.4f; last losses D %.4f, G %.4f; %.0f steps/s (drawing batches %.1f%%, "
            "metrics %.1f%% of the time)\n", s.sliced_w1, s.loss_d, s.loss_g, s.steps_per_s,
            100 * s.data_share, 100 * s.eval_share);
}

int lg_cmd_train(int argc, char **argv)
{
    lg_run_config c;
    lg_run_config_init(&c);
    int ch, bad = LG_EXIT_OK;
    bool figures = true;
    long threads = 1;
    optind = 0;
    opterr = 0;
    while (!bad && (ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        const char *v = optarg;
        switch (ch) {
        case 'h':
            printf("%s\n%s\n%s", help, lg_optim_help(), lg_dataset_help());
            return LG_EXIT_OK;
        case OPT_LOSS: c.loss = v; break;
        case OPT_REG:
            if (c.n_regs == LG_RUN_MAX_REGS) {
                fprintf(stderr, "litgan train: --reg: at most %d regularizers\n", LG_RUN_MAX_REGS);
                return LG_EXIT_USAGE;
            }
            c.regs[c.n_regs++] = v;
            break;
        case OPT_DATA: c.data = v; break;
        case OPT_G: c.g = v; break;
        case OPT_D: c.d = v; break;
        case OPT_E: c.e = v; break;
        case OPT_NETS: c.nets = v; break;
        case OPT_OPT_D: c.opt_d = v; break;
        case OPT_OPT_G: c.opt_g = v; break;
        case OPT_D_STEPS: bad = lg_cli_long("train", "--d-steps", v, 1, &c.d_steps); break;
        case OPT_D_PRETRAIN: bad = lg_cli_long("train", "--d-pretrain", v, 0, &c.d_pretrain); break;
        case OPT_SIMULTANEOUS: c.simultaneous = 1; break;
        case OPT_STEPS: bad = lg_cli_long("train", "--steps", v, 0, &c.steps); break;
        case OPT_BATCH: bad = lg_cli_long("train", "--batch", v, 1, &c.batch); break;
        case OPT_SEED: bad = lg_cli_long("train", "--seed", v, 0, &c.seed); break;
        case OPT_OUT: c.out = v; break;
        case OPT_LOG_EVERY: bad = lg_cli_long("train", "--log-every", v, 1, &c.log_every); break;
        case OPT_CKPT_EVERY: bad = lg_cli_long("train", "--ckpt-every", v, 1, &c.ckpt_every); break;
        case OPT_SAMPLES: bad = lg_cli_long("train", "--samples", v, 1, &c.samples); break;
        case OPT_RESUME: c.resume = v; break;
        case OPT_PROGRESS: c.progress = 1; break;
        case OPT_NO_PROGRESS: c.progress = 0; break;
        case OPT_QUIET: c.quiet = 1; break;
        case OPT_FORCE: c.force = 1; break;
        case OPT_NO_FIGURES: figures = false; break;
        case OPT_THREADS: bad = lg_cli_long("train", "--threads", v, 1, &threads); break;
        case OPT_PRECISION:
            if (strcmp(v, "float") && strcmp(v, "double")) {
                fprintf(stderr, "litgan train: --precision '%s': use float or double\n", v);
                return LG_EXIT_USAGE;
            }
            c.precision = v;
            break;
        default: return lg_cli_bad_option("train", ch, argv);
        }
    }
    if (bad)
        return bad;
    if (optind < argc) {
        fprintf(stderr, "litgan train: unexpected argument '%s' (see litgan train --help)\n", argv[optind]);
        return LG_EXIT_USAGE;
    }
    if (lg_blas_set_threads(threads) != LG_OK) {
        fprintf(stderr, "litgan train: --threads: %s\n", lg_errmsg());
        return LG_EXIT_USAGE;
    }
    lg_run *r;
    stop_signal = 0;
    c.stop = &stop_signal;
    catch_signals();
    int rc = lg_run_open(&c, &r);
    if (rc == LG_OK)
        rc = lg_run_train(r);
    if (rc == LG_OK && !c.quiet)
        summary(r);
    /* figures are for reading: a run whose figures fail has still succeeded */
    if (rc == LG_OK && figures) {
        bool drawn = lg_run_figures(r, NULL) == LG_OK;
        if (!c.quiet && drawn)
            fprintf(stderr, "litgan: figures in %s: %s, metrics.png; gnuplot figures.gp there redraws them\n",
                    lg_run_dir(r), lg_dataset_image_shape(lg_run_dataset(r), NULL, NULL)
                    ? "grid.png (samples), fixed_noise.png (the same z over training)" : "samples.png");
        else if (!c.quiet)
            fprintf(stderr, "litgan train: no figures: %s (see gnuplot.err there; the data and scripts stay "
                    "to rerun gnuplot figures.gp)\n", lg_errmsg());
    }
    if (rc != LG_OK)
        fprintf(stderr, "litgan train: %s\n", lg_errmsg());
    lg_run_close(r);
    if (rc == LG_ESTOPPED)
        return 128 + (int)stop_signal;
    return rc == LG_OK ? LG_EXIT_OK : LG_EXIT_FAIL;
}
