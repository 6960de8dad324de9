/*
 * experiment.c - `litgan lab 04`: games as vector fields (Mescheder, Nowozin &
 * Geiger 2017, The Numerics of GANs) on the Dirac-GAN (Mescheder, Geiger &
 * Nowozin 2018) and the ring of 8 Gaussians.
 *
 * Builds the lab's files as they stand (dirac.c, eigen.c, plugins/consensus.c)
 * and the loss files of Labs 01 (gan.c) and 02 (nsgan.c), then:
 *   exp_dirac.c    the closed-form parts: the fields with simultaneous and
 *                  alternating trajectories, the consensus eigenvalues and the
 *                  largest stable step against gamma, a spurious stationary
 *                  point of the consensus field;
 *   exp_engine.c   the same game trained by litgan (the loss plugins on
 *                  --data dirac) beside the closed form, consensus through the
 *                  engine on the Dirac-GAN and on the ring of 8 Gaussians.
 * Writes the CSV files those name, settings.gp, the figures fig_fields.png,
 * fig_eigen.png, fig_consensus.png, fig_spurious.png (their scripts copied from
 * this folder) and results.md with the numbers the questions ask about.
 */
#include "exp.h"

#include <dlfcn.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* lab.ini: the keys, and their defaults (the values of labs/04-numerics/lab.ini). */
static int read_config(const lg_lab_run *run, exp_config *c)
{
    const char *path = run->ini_path;
    *c = (exp_config){ .seed = 1, .h = 0.2, .steps = 500, .start = { 1, 1 }, .arrows = 17, .lim = 2,
                       .gammas = { 0, 4, 81 }, .gamma_dirac = 1, .gamma_big = 32, .ring_steps = 4000,
                       .ring_every = 250, .ring_batch = 256, .ring_samples = 1000, .ring_gamma = 10,
                       .ring_lr = 1e-4, .ring_g = "16-16r-16r-16r-16r-2", .ring_d = "2-16r-16r-16r-16r-1" };
    double lim[1] = { c->lim }, gd[1] = { c->gamma_dirac }, gb[1] = { c->gamma_big }, rg[1] = { c->ring_gamma };
    const lg_labkit_key keys[] = {
        { "seed", LG_LABKIT_LONG, &c->seed, 1, NULL },
        { "h", LG_LABKIT_POSITIVE, &c->h, 1, NULL },
        { "steps", LG_LABKIT_LONG, &c->steps, 1, NULL },
        { "start", LG_LABKIT_DOUBLES, c->start, 2, NULL },
        { "arrows", LG_LABKIT_LONG, &c->arrows, 1, NULL },
        { "limit", LG_LABKIT_DOUBLES, lim, 1, NULL },
        { "gammas", LG_LABKIT_DOUBLES, c->gammas, 3, NULL },
        { "gamma_dirac", LG_LABKIT_DOUBLES, gd, 1, NULL },
        { "gamma_big", LG_LABKIT_DOUBLES, gb, 1, NULL },
        { "ring_steps", LG_LABKIT_LONG, &c->ring_steps, 1, NULL },
        { "ring_every", LG_LABKIT_LONG, &c->ring_every, 1, NULL },
        { "ring_batch", LG_LABKIT_LONG, &c->ring_batch, 1, NULL },
        { "ring_samples", LG_LABKIT_LONG, &c->ring_samples, 1, NULL },
        { "ring_gamma", LG_LABKIT_DOUBLES, rg, 1, NULL },
        { "ring_lr", LG_LABKIT_POSITIVE, &c->ring_lr, 1, NULL },
        { "ring_g", LG_LABKIT_STRING, c->ring_g, sizeof c->ring_g, NULL },
        { "ring_d", LG_LABKIT_STRING, c->ring_d, sizeof c->ring_d, NULL },
    };
    int rc = lg_labkit_read_ini(run, NULL, keys, sizeof keys / sizeof keys[0]);
    if (rc != LG_OK)
        return rc;
    c->lim = lim[0], c->gamma_dirac = gd[0], c->gamma_big = gb[0], c->ring_gamma = rg[0];
    if (c->seed < 1 || c->steps < 1 || c->steps > EXP_MAX_DIRAC || c->arrows < 3 || c->arrows > 101 || !(c->lim > 0))
        return lg_seterr(LG_EINVAL, "%s: seed >= 1, steps in 1..%d, arrows in 3..101 and limit > 0", path,
                         EXP_MAX_DIRAC);
    if (!(c->gammas[0] >= 0 && c->gammas[1] > c->gammas[0]) || c->gammas[2] < 2 || c->gammas[2] > 10000)
        return lg_seterr(LG_EINVAL, "%s: gammas = FROM, TO, POINTS with 0 <= FROM < TO and 2..10000 points", path);
    if (!(c->gamma_dirac >= 0) || !(c->gamma_big > 0) || !(c->ring_gamma >= 0))
        return lg_seterr(LG_EINVAL, "%s: gamma_dirac and ring_gamma >= 0, gamma_big > 0", path);
    if (c->ring_steps < 1 || c->ring_every < 1 || c->ring_batch < 1 || c->ring_samples < 100)
        return lg_seterr(LG_EINVAL, "%s: ring_steps, ring_every, ring_batch >= 1 and ring_samples >= 100", path);
    return LG_OK;
}

/* A function of the student's object, or NULL when it is a stub (which
 * returns -1 or NaN and says so on stderr). */
static void student_fns(void *dl, exp_student *s)
{
    s->field = (lg_lab04_dirac_fn)lg_labkit_sym(dl, "lab04_dirac_field");
    s->jacobian = (lg_lab04_dirac_fn)lg_labkit_sym(dl, "lab04_dirac_jacobian");
    double v[4];
    if (!s->field || !s->jacobian || s->field(0, 0.5, 0.5, v) != 0 || s->jacobian(0, 0.5, 0.5, v) != 0 || isnan(v[0]))
        s->field = s->jacobian = NULL;
}

static void student_eigen(void *dl, exp_student *s)
{
    s->eigen = (lg_lab04_eigen_fn)lg_labkit_sym(dl, "lab04_jacobian_eigen");
    s->max_step = (lg_lab04_max_step_fn)lg_labkit_sym(dl, "lab04_max_step");
    double re[1] = { 1 }, im[1] = { 0 };
    if (s->max_step && isnan(s->max_step(1, re, im)))
        s->max_step = NULL;
}

/* settings.gp: what the figure scripts need to know of this run. */
static int write_settings(const lg_lab *lab, const exp_config *c, const exp_results *r, const char *dir)
{
    FILE *f = lg_labkit_settings_open(dir, lab, NULL);
    if (!f)
        return LG_EIO;
    lg_labkit_gp_number(f, "seed", (double)c->seed, "lab.ini: seed");
    lg_labkit_gp_number(f, "h", c->h, "step size of the Dirac-GAN's trajectories");
    lg_labkit_gp_number(f, "steps", (double)c->steps, NULL);
    lg_labkit_gp_number(f, "theta0", c->start[0], "the start (theta, psi)");
    lg_labkit_gp_number(f, "psi0", c->start[1], NULL);
    lg_labkit_gp_number(f, "lim", c->lim, "the quiver's square [-lim, lim]^2");
    lg_labkit_gp_number(f, "arrow", 2 * c->lim / (double)(c->arrows - 1), "spacing of the arrows");
    lg_labkit_gp_number(f, "gamma_dirac", c->gamma_dirac, NULL);
    lg_labkit_gp_number(f, "gamma_big", c->gamma_big, NULL);
    lg_labkit_gp_number(f, "ring_gamma", c->ring_gamma, NULL);
    lg_labkit_gp_number(f, "ring_lr", c->ring_lr, NULL);
    lg_labkit_gp_number(f, "ring_steps", (double)c->ring_steps, NULL);
    lg_labkit_gp_number(f, "have_spur", r->spur_found, "a spurious stationary point was found");
    lg_labkit_gp_number(f, "spur_theta", r->spur_found ? r->spur_theta : 0, NULL);
    lg_labkit_gp_number(f, "spur_psi", r->spur_found ? r->spur_psi : 0, NULL);
    return lg_labkit_fclose(f, dir, "settings.gp");
}

static void row3(FILE *f, const char *what, const double *x, const char *fmt)
{
    fprintf(f, "| %s |", what);
    for (int k = 0; k < 3; k++) {
        fprintf(f, " ");
        fprintf(f, fmt, x[k]);
        fprintf(f, " |");
    }
    fprintf(f, "\n");
}

static int write_results(const exp_config *c, const exp_results *r, const char *dir)
{
    FILE *f = lg_labkit_fopen(dir, "results.md");
    if (!f)
        return LG_EIO;
    fprintf(f, "`litgan lab 04`, seed %ld. The closed-form parts took %.1f s, the runs through the engine "
               "%.1f s.\n\n%s", c->seed, r->secs_closed, r->secs_engine, r->notes);
    fprintf(f, "### The Dirac-GAN: %ld steps of h = %g from (theta, psi) = (%g, %g)\n\n"
               "| | minimax | non-saturating | WGAN |\n|---|---:|---:|---:|\n",
            c->steps, c->h, c->start[0], c->start[1]);
    row3(f, "distance to (0, 0) at the end, simultaneous", r->r_sim, "%.4g");
    row3(f, "distance to (0, 0) at the end, alternating", r->r_alt, "%.4g");
    row3(f, "alternating: smallest distance on the way", r->r_alt_min, "%.4g");
    row3(f, "alternating: largest distance on the way", r->r_alt_max, "%.4g");
    row3(f, "max abs(1 - h mu), mu eigenvalues of J(0, 0)", r->growth_sim, "%.6f");
    row3(f, "determinant of the alternating step's matrix at (0, 0)", r->det_alt, "%.6f");
    row3(f, "litgan's training against the closed form (largest relative deviation)", r->eng_dev, "%.2g");
    fprintf(f, "\nEigenvalues of J at the equilibrium (eigen.c): minimax %.4g %+.4gi, %.4g %+.4gi; "
               "WGAN %.4g %+.4gi, %.4g %+.4gi.\n\n",
            r->eq_re[0][0], r->eq_im[0][0], r->eq_re[0][1], r->eq_im[0][1], r->eq_re[1][0], r->eq_im[1][0],
            r->eq_re[1][1], r->eq_im[1][1]);
    fprintf(f, "### Consensus: J + gamma J^T J at the equilibrium, gamma from %g to %g\n\n"
               "eigen.c against the closed forms (gamma/4 +- i/2, gamma +- i): largest difference %.2g.\n\n"
               "| | minimax | WGAN |\n|---|---:|---:|\n| largest stable step h_max of the sweep | %.4g | %.4g |\n"
               "| at gamma | %.4g | %.4g |\n\n",
            c->gammas[0], c->gammas[1], r->eig_dev, r->best_h[0], r->best_h[1], r->best_gamma[0], r->best_gamma[1]);
    fprintf(f, "Through the engine, the minimax Dirac-GAN with consensus.c (gamma = %g, simultaneous SGD of %g): "
               "distance to (0, 0) after %ld steps %.3g (plain simultaneous steps: %.4g); largest deviation from "
               "the closed-form consensus steps %.2g.\n\n",
            c->gamma_dirac, c->h, c->steps, r->cons_r, r->r_sim[0], r->cons_dev);
    fprintf(f, "### The ring of 8 Gaussians, simultaneous RMSProp(%g), %ld steps\n\n"
               "| at the end | modes covered | high-quality samples (%%) | sliced W1 | seconds |\n"
               "|---|---:|---:|---:|---:|\n| plain | %g | %.1f | %.3f | %.1f |\n"
               "| consensus, gamma = %g | %g | %.1f | %.3f | %.1f |\n\n",
            c->ring_lr, c->ring_steps, r->ring_modes[0], r->ring_hq[0], r->ring_w1[0], r->ring_secs[0],
            c->ring_gamma, r->ring_modes[1], r->ring_hq[1], r->ring_w1[1], r->ring_secs[1]);
    if (r->spur_found)
        fprintf(f, "### A spurious stationary point (non-saturating Dirac-GAN, gamma = %g)\n\n"
                   "w = v + gamma J^T v vanishes at (theta, psi) = (%.6g, %.6g), where |v| = %.4g (|w| = %.2g); the "
                   "eigenvalues of w's Jacobian there (eigen.c) are %.4g %+.4gi and %.4g %+.4gi: it attracts "
                   "consensus steps. From (%.4g, %.4g), 40000 steps of h = %.3g (half of h_max there) end at "
                   "(%.6g, %.6g).\n\n",
                c->gamma_big, r->spur_theta, r->spur_psi, r->spur_v, r->spur_w, r->spur_re[0], r->spur_im[0],
                r->spur_re[1], r->spur_im[1], r->spur_theta * 0.7, r->spur_psi + 0.3, r->spur_h, r->spur_end[1],
                r->spur_end[0]);
    else
        fprintf(f, "No spurious stationary point of the consensus field was found at gamma = %g.\n\n", c->gamma_big);
    fprintf(f, "![the Dirac-GAN's fields with simultaneous and alternating steps](fig_fields.png)\n\n"
               "![eigenvalues and the largest stable step against gamma](fig_eigen.png)\n\n"
               "![consensus optimization through the engine](fig_consensus.png)\n\n"
               "![a spurious stationary point](fig_spurious.png)\n");
    return lg_labkit_fclose(f, dir, "results.md");
}

int lg_lab04_experiment(const lg_lab_run *lr)
{
    const lg_lab *lab = lr->lab;
    exp_config c;
    int rc = read_config(lr, &c);
    if (rc != LG_OK)
        return rc;
    lg_submission *sub = NULL, *sub1 = NULL, *sub2 = NULL;
    if ((rc = lg_labkit_files_open(lab, &sub)) != LG_OK)
        return rc;
    exp_results *r = lg_labkit_calloc(1, sizeof *r, "the results");
    exp_student s = { 0 };
    void *dl0 = lg_labkit_dlopen(sub, 0), *dl1 = lg_labkit_dlopen(sub, 1);
    if (!r || !dl0 || !dl1) {
        rc = r ? LG_EINVAL : LG_ENOMEM;
        goto out;
    }
    student_fns(dl0, &s);
    student_eigen(dl1, &s);
    s.consensus_so = lg_labkit_object(sub, 2);
    /* the losses of Labs 01 and 02 as they stand (a lab missing leaves its part out) */
    const lg_lab *l1 = lg_lab_find("01"), *l2 = lg_lab_find("02");
    if (l1 && lg_labkit_files_open(l1, &sub1) == LG_OK)
        s.gan_so = lg_labkit_object(sub1, 0);
    if (l2 && lg_labkit_files_open(l2, &sub2) == LG_OK)
        s.nsgan_so = lg_labkit_object(sub2, 0);
    double t0 = now();
    if ((rc = exp_dirac_part(&c, &s, lr->out_dir, r)) != LG_OK)
        goto out;
    double t1 = now();
    if ((rc = exp_engine_part(&c, &s, lr->out_dir, r)) != LG_OK)
        goto out;
    r->secs_closed = t1 - t0, r->secs_engine = now() - t1;
    if ((rc = write_settings(lab, &c, r, lr->out_dir)) != LG_OK || (rc = lg_labkit_copy_scripts(lab, lr->out_dir)) != LG_OK ||
        (rc = write_results(&c, r, lr->out_dir)) != LG_OK)
        goto out;
    /* a figure that fails is said on stderr; the data and the scripts stay */
    static const char *const figs[] = { "fig_fields.gp", "fig_eigen.gp", "fig_consensus.gp", "fig_spurious.gp" };
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
        lg_gnuplot_run(lr->out_dir, figs[i], "litgan lab 04", stderr);
out:
    free(r);
    if (dl0)
        dlclose(dl0);
    if (dl1)
        dlclose(dl1);
    lg_labkit_files_close(sub);
    lg_labkit_files_close(sub1);
    lg_labkit_files_close(sub2);
    return rc;
}
