/*
 * test_sample.c - image figures and litgan sample: the mosaic file holds the
 * pixels given at their places and the gaps between them, its script renders
 * a PNG of the size it says, nearest neighbours agree with a brute-force
 * loop, interpolations end exactly at G(z1) and G(z2), lg_run_load writes
 * nothing and takes no step, litgan sample refuses what it cannot draw.
 */
#include "lg_test.h"
#include "image_figures.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The numbers of a mosaic's .dat (comments skipped), rows x cols in *h, *w. */
static double *read_dat(const char *path, size_t *h, size_t *w)
{
    char *text = lg_read_file(path, NULL);
    if (!text)
        return NULL;
    size_t n = 0, cap = 1024, rows = 0, cols = 0;
    double *v = lg_xmalloc(cap * sizeof *v);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        size_t c = 0;
        for (char *p = line, *e;; p = e) {
            double x = strtod(p, &e);
            if (e == p)
                break;
            if (n == cap)
                v = lg_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = x;
            c++;
        }
        if (rows == 0)
            cols = c;
        if (c != cols)
            cols = (size_t)-1;
        rows++;
    }
    free(text);
    *h = rows;
    *w = cols;
    return v;
}

/* A PNG's size from its IHDR chunk; false when the file is not a PNG. */
static bool png_size(const char *path, size_t *w, size_t *h, size_t *bytes)
{
    size_t len = 0;
    unsigned char *p = (unsigned char *)lg_read_file(path, &len);
    bool ok = p && len > 24 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4);
    if (ok) {
        *w = (size_t)p[16] << 24 | (size_t)p[17] << 16 | (size_t)p[18] << 8 | p[19];
        *h = (size_t)p[20] << 24 | (size_t)p[21] << 16 | (size_t)p[22] << 8 | p[23];
        *bytes = len;
    }
    free(p);
    return ok;
}

/* 3 images of 2 x 3 pixels, image k's pixel j = (8k + j - 12) / 16, in a
 * 2 x 2 mosaic: the fourth cell blank. */
static void test_mosaic_pixels(void)
{
    const char *dir = lg_test_tmpdir("mosaic");
    CU_ASSERT_EQUAL_FATAL(lg_mkdir_p(dir), LG_OK);
    gsl_matrix *img = gsl_matrix_alloc(3, 6);
    for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < 6; j++)
            gsl_matrix_set(img, k, j, (8.0 * (double)k + (double)j - 12) / 16);
    gsl_matrix_set(img, 2, 5, 1.75); /* out of range: drawn white, never as a gap */
    lg_mosaic m = { .h = 2, .w = 3, .rows = 2, .cols = 2, .img = img, .title = "t" };
    CU_ASSERT_EQUAL_FATAL(lg_mosaic_write(dir, "m", &m, NULL, NULL), LG_OK);
    char path[600];
    snprintf(path, sizeof path, "%s/m.dat", dir);
    size_t H, W;
    double *v = read_dat(path, &H, &W);
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL_FATAL(H, 5); /* 2 rows of 2 pixels and a gap */
    CU_ASSERT_EQUAL_FATAL(W, 7); /* 2 columns of 3 pixels and a gap */
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            double want = LG_MOSAIC_GAP;
            size_t r = y / 3, c = x / 4, i = y % 3, j = x % 4, k = r * 2 + c;
            if (i < 2 && j < 3 && k < 3)
                want = k == 2 && i * 3 + j == 5 ? 1.0 : (8.0 * (double)k + (double)(i * 3 + j) - 12) / 16;
            LG_ASSERT_MSG(v[y * W + x] == want, "pixel (%zu, %zu) is %g, expected %g", y, x, v[y * W + x], want);
        }
    free(v);
    /* a cell table and a wider gap after the first column */
    long cell[4] = { 2, -1, 0, 1 };
    lg_mosaic m2 = { .h = 2, .w = 3, .rows = 2, .cols = 2, .img = img, .cell = cell, .wide_after = 1 };
    CU_ASSERT_EQUAL_FATAL(lg_mosaic_write(dir, "m2", &m2, NULL, NULL), LG_OK);
    snprintf(path, sizeof path, "%s/m2.dat", dir);
    v = read_dat(path, &H, &W);
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL_FATAL(W, 3 + 4 + 3);
    CU_ASSERT_EQUAL(v[0], gsl_matrix_get(img, 2, 0));      /* cell (0, 0): image 2 */
    CU_ASSERT_EQUAL(v[6], LG_MOSAIC_GAP);                  /* cell (0, 1) blank */
    CU_ASSERT_EQUAL(v[3], LG_MOSAIC_GAP);                  /* the wide gap */
    CU_ASSERT_EQUAL(v[6], LG_MOSAIC_GAP);
    CU_ASSERT_EQUAL(v[3 * W + 7], gsl_matrix_get(img, 1, 0)); /* cell (1, 1): image 1 at x 7 */
    CU_ASSERT_EQUAL(v[4 * W + 9], gsl_matrix_get(img, 1, 5));
    free(v);
    gsl_matrix_free(img);
}

static void test_mosaic_renders(void)
{
    const char *dir = lg_test_tmpdir("render");
    CU_ASSERT_EQUAL_FATAL(lg_mkdir_p(dir), LG_OK);
    /* 12 images of 28 x 28: a bright square on black, growing */
    gsl_matrix *img = gsl_matrix_alloc(12, 28 * 28);
    for (size_t k = 0; k < 12; k++)
        for (size_t p = 0; p < 28 * 28; p++) {
            size_t y = p / 28, x = p % 28, e = 2 + k;
            gsl_matrix_set(img, k, p, y > 14 - e / 2 && y < 14 + e / 2 && x > 14 - e / 2 && x < 14 + e / 2 ? 1 : -1);
        }
    const char *rows[3] = { "step 1", "step 10", "step 100" }, *right[3] = { "0.5", NULL, "1" };
    const char *top[4] = { "a", "b", "c", "d" };
    lg_mosaic m = { .h = 28, .w = 28, .rows = 3, .cols = 4, .img = img, .title = "squares, step 100, seed 7",
                    .row_label = rows, .right_label = right, .col_label = top, .note = "a note" };
    size_t pw = 0, ph = 0;
    CU_ASSERT_EQUAL_FATAL(lg_mosaic_write(dir, "sq", &m, &pw, &ph), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_gnuplot_run(dir, "sq.gp", "test", NULL), LG_OK);
    char path[600];
    snprintf(path, sizeof path, "%s/sq.png", dir);
    size_t w = 0, h = 0, bytes = 0;
    CU_ASSERT_FATAL(png_size(path, &w, &h, &bytes));
    LG_ASSERT_MSG(w == pw && h == ph, "the PNG is %zu x %zu, the script said %zu x %zu", w, h, pw, ph);
    /* the mosaic of 4 x 28 + 3 pixels wide, scaled to about 720 */
    LG_ASSERT_MSG(pw >= 115 * 6 && pw < 115 * 6 + 200 && bytes > 2000, "size %zu x %zu, %zu bytes", pw, ph, bytes);
    gsl_matrix_free(img);
}

static void test_knn_brute_force(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    size_t nq = 7, nr = 50, d = 13, k = 5;
    gsl_matrix *q = gsl_matrix_alloc(nq, d), *ref = gsl_matrix_alloc(nr, d);
    for (size_t i = 0; i < nq * d; i++)
        q->data[i] = gsl_ran_gaussian(rng, 1);
    for (size_t i = 0; i < nr * d; i++)
        ref->data[i] = gsl_ran_gaussian(rng, 1);
    size_t idx[7 * 5];
    double d2[7 * 5];
    lg_knn_init(nq, k, idx, d2);
    for (size_t first = 0; first < nr; first += 16) { /* in chunks, the last one short */
        size_t m = nr - first < 16 ? nr - first : 16;
        gsl_matrix_view v = gsl_matrix_submatrix(ref, first, 0, m, d);
        lg_knn_update(q, &v.matrix, first, k, idx, d2);
    }
    for (size_t i = 0; i < nq; i++) {
        double all[50];
        for (size_t j = 0; j < nr; j++) {
            double s = 0;
            for (size_t c = 0; c < d; c++) {
                double e = gsl_matrix_get(q, i, c) - gsl_matrix_get(ref, j, c);
                s += e * e;
            }
            all[j] = s;
        }
        bool used[50] = { false };
        for (size_t r = 0; r < k; r++) { /* the r-th nearest by selection */
            size_t best = 0;
            double bd = INFINITY;
            for (size_t j = 0; j < nr; j++)
                if (!used[j] && all[j] < bd)
                    bd = all[j], best = j;
            used[best] = true;
            LG_ASSERT_MSG(idx[i * k + r] == best, "query %zu, rank %zu: %zu, brute force %zu", i, r,
                          idx[i * k + r], best);
            LG_ASSERT_CLOSE(d2[i * k + r], bd, 1e-9 * bd);
        }
    }
    gsl_matrix_free(q);
    gsl_matrix_free(ref);
    gsl_rng_free(rng);
}

static void test_interp_ends(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 9);
    lg_net *G;
    CU_ASSERT_EQUAL_FATAL(lg_net_parse("3-16b0.8l-20t", &G), LG_OK);
    lg_net_init(G, rng);
    size_t nb;
    double *buf = lg_net_buffers(G, &nb); /* running statistics of a trained net */
    for (size_t i = 0; i < nb; i++)
        buf[i] = i < nb / 2 ? gsl_ran_gaussian(rng, 1) : 0.5 + gsl_rng_uniform(rng);
    gsl_matrix *a = lg_noise(3, LG_STREAM_INTERP, 4, 3), *b = lg_noise(4, LG_STREAM_INTERP, 4, 3);
    gsl_matrix *z = lg_interp_lines(a, b, 10);
    CU_ASSERT_EQUAL_FATAL(z->size1, 40);
    gsl_matrix *x = gsl_matrix_alloc(40, 20), *xa = gsl_matrix_alloc(4, 20), *xb = gsl_matrix_alloc(4, 20);
    lg_net_forward(G, z, x);
    lg_net_forward(G, a, xa);
    lg_net_forward(G, b, xb);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 20; j++) {
            CU_ASSERT_EQUAL(gsl_matrix_get(x, i * 10, j), gsl_matrix_get(xa, i, j));
            CU_ASSERT_EQUAL(gsl_matrix_get(x, i * 10 + 9, j), gsl_matrix_get(xb, i, j));
        }
    /* the middle lies on the line */
    LG_ASSERT_CLOSE(gsl_matrix_get(z, 13, 1), (6 * gsl_matrix_get(a, 1, 1) + 3 * gsl_matrix_get(b, 1, 1)) / 9, 1e-15);
    gsl_matrix_free(a), gsl_matrix_free(b), gsl_matrix_free(z);
    gsl_matrix_free(x), gsl_matrix_free(xa), gsl_matrix_free(xb);
    lg_net_free(G);
    gsl_rng_free(rng);
}

/* Every entry of dir with its size and modification time, one line each. */
static void listing(const char *dir, char *out, size_t len)
{
    lg_strvec names = { 0 };
    size_t k = 0;
    out[0] = '\0';
    CU_ASSERT_EQUAL(lg_dir_list(dir, &names), LG_OK);
    for (size_t i = 0; i < names.n && k < len; i++) {
        char path[700];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names.w[i]);
        if (lstat(path, &st) == 0)
            k += (size_t)snprintf(out + k, len - k, "%s %lld %lld.%09ld\n", names.w[i], (long long)st.st_size,
                                  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
    lg_strvec_free(&names);
}

static void test_load_read_only(void)
{
    const char *dir = lg_test_tmpdir("load-ring8");
    char *argv[] = { "--loss", "nsgan", "--data", "ring8", "--steps", "20", "--batch", "16", "--g", "2-8r-2",
                     "--d", "2-8r-1", "--samples", "50", "--log-every", "10", "--quiet", "--out", (char *)dir };
    lg_run *r;
    CU_ASSERT_EQUAL_FATAL(lg_test_run_open(19, argv, &r), LG_OK);
    CU_ASSERT_EQUAL_FATAL(lg_run_train(r), LG_OK);
    size_t n;
    double *theta = lg_net_params(lg_game_net(lg_run_game(r), LG_NET_G), &n);
    double *saved = lg_xmalloc(n * sizeof *saved);
    memcpy(saved, theta, n * sizeof *saved);
    lg_run_close(r);
    char before[4096], after[4096];
    listing(dir, before, sizeof before);
    CU_ASSERT_EQUAL_FATAL(lg_run_load(dir, &r), LG_OK);
    CU_ASSERT_EQUAL(lg_run_steps_done(r), 20);
    theta = lg_net_params(lg_game_net(lg_run_game(r), LG_NET_G), &n);
    CU_ASSERT(memcmp(theta, saved, n * sizeof *saved) == 0);
    CU_ASSERT_EQUAL(lg_run_step(r), LG_EINVAL);
    CU_ASSERT(strstr(lg_errmsg(), "read-only") != NULL);
    CU_ASSERT_EQUAL(lg_run_train(r), LG_EINVAL);
    CU_ASSERT_EQUAL(lg_run_figures(r, NULL), LG_EINVAL);
    CU_ASSERT_EQUAL(lg_run_steps_done(r), 20);
    lg_run_close(r);
    listing(dir, after, sizeof after);
    LG_ASSERT_MSG(!strcmp(before, after), "the folder changed:\n%s\nthen\n%s", before, after);
    /* points are not images: refused in one line, no output folder made */
    lg_sample_config c;
    lg_sample_config_init(&c);
    c.run = dir;
    CU_ASSERT_EQUAL(lg_run_sample(&c, NULL), LG_EINVAL);
    CU_ASSERT(strstr(lg_errmsg(), "samples.png") != NULL);
    listing(dir, after, sizeof after);
    CU_ASSERT(!strcmp(before, after));
    /* not a run */
    CU_ASSERT_EQUAL(lg_run_load(lg_test_tmpdir("no-such-run"), &r), LG_EINVAL);
    CU_ASSERT(r == NULL);
    free(saved);
}

/* ------------------------------------------------ runs on tiny image data --- */

/* 90 images of 8 x 8 in 3 classes (a bar at a row of its own, shifted a
 * little from image to image), written once as an IDX pair; the spec of the
 * idx data on them (20% of each class held out). */
static const char *tiny_images(void)
{
    static char spec[1400];
    if (spec[0])
        return spec;
    const char *im = lg_test_tmpdir("tiny-images.idx.gz"), *lb = lg_test_tmpdir("tiny-labels.idx");
    unsigned char x[90 * 64], y[90];
    for (size_t i = 0; i < 90; i++) {
        y[i] = (unsigned char)(i % 3);
        for (size_t p = 0; p < 64; p++) {
            size_t r = p / 8, c = p % 8, bar = 1 + 3 * y[i] + (i / 3) % 2;
            x[i * 64 + p] = (unsigned char)(r == bar && c >= (i / 6) % 3 ? 255 : (i * 7 + p) % 40);
        }
    }
    lg_idx xi = { .ndim = 3, .dims = { 90, 8, 8 }, .data = x }, yi = { .ndim = 1, .dims = { 90 }, .data = y };
    CU_ASSERT_EQUAL(lg_idx_write(im, &xi), LG_OK);
    CU_ASSERT_EQUAL(lg_idx_write(lb, &yi), LG_OK);
    snprintf(spec, sizeof spec, "idx:images=%s,labels=%s", im, lb);
    return spec;
}

/* The classifier that scores image runs is stored in lg_data_dir(): while a
 * test trains on tiny data, the test's own folder, not the build's data. */
static char *data_dir_set(void)
{
    const char *old = getenv("LITGAN_DATA");
    char *keep = old ? lg_xstrdup(old) : NULL;
    const char *data = lg_test_tmpdir("data");
    CU_ASSERT_EQUAL(lg_mkdir_p(data), LG_OK);
    setenv("LITGAN_DATA", data, 1);
    return keep;
}

static void data_dir_restore(char *keep)
{
    if (keep)
        setenv("LITGAN_DATA", keep, 1);
    else
        unsetenv("LITGAN_DATA");
    free(keep);
}

static int train_tiny(const char *loss, const char *out, const char *steps, bool resume)
{
    char *fresh[] = { "--loss", (char *)loss, "--data", (char *)tiny_images(), "--steps", (char *)steps, "--batch",
                      "16", "--g", "4-16r-64t", "--d", !strcmp(loss, "biganqp") ? "68-16l-1" : "64-16l-1",
                      "--log-every", "10", "--ckpt-every", "20", "--samples", "40", "--quiet", "--out",
                      (char *)out, "--e", "64-16r-4" };
    char *again[] = { "--resume", (char *)out, "--steps", (char *)steps, "--quiet" };
    lg_run *r;
    int rc = resume ? lg_test_run_open(5, again, &r)
                    : lg_test_run_open(!strcmp(loss, "biganqp") ? 23 : 21, fresh, &r);
    if (rc == LG_OK)
        rc = lg_run_train(r);
    lg_run_close(r);
    return rc;
}

/* The last snapshot in DIR's file is G of the run there at the fixed z. */
static void check_last_snapshot(const char *dir, size_t n_snapshots)
{
    lg_run *r;
    CU_ASSERT_EQUAL_FATAL(lg_run_load(dir, &r), LG_OK);
    lg_net *G = lg_game_net(lg_run_game(r), LG_NET_G);
    gsl_matrix *z = lg_noise(lg_run_get_config(r)->seed, LG_STREAM_FIXED_NOISE, LG_FIXED_NOISE_N, lg_net_in_dim(G));
    gsl_matrix *x = gsl_matrix_alloc(LG_FIXED_NOISE_N, 64);
    lg_net_forward(G, z, x);
    char path[700];
    snprintf(path, sizeof path, "%s/fixed_noise_snapshots.dat", dir);
    char *text = lg_read_file(path, NULL);
    CU_ASSERT_FATAL(text != NULL);
    size_t lines = 0, k = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *e;
        long step = strtol(line, &e, 10);
        long img = strtol(e, &e, 10);
        CU_ASSERT_EQUAL(step, 10 * (long)(lines / LG_FIXED_NOISE_N + 1));
        CU_ASSERT_EQUAL(img, (long)(lines % LG_FIXED_NOISE_N));
        lines++;
        if (step != lg_run_steps_done(r))
            continue;
        for (size_t j = 0; j < 64; j++) { /* 4 significant digits */
            double v = strtod(e, &e), want = gsl_matrix_get(x, (size_t)img, j);
            LG_ASSERT_MSG(fabs(v - want) <= 5e-4 * fmax(fabs(want), 1e-3), "image %ld pixel %zu: %g, G(z) %g",
                          img, j, v, want);
        }
        k++;
    }
    CU_ASSERT_EQUAL(lines, n_snapshots * LG_FIXED_NOISE_N);
    CU_ASSERT_EQUAL(k, LG_FIXED_NOISE_N);
    free(text);
    gsl_matrix_free(z), gsl_matrix_free(x);
    lg_run_close(r);
}

static void test_snapshots_resume(void)
{
    char *keep = data_dir_set();
    const char *a = lg_test_tmpdir("snap-straight"), *b = lg_test_tmpdir("snap-resumed");
    CU_ASSERT_EQUAL_FATAL(train_tiny("nsgan", a, "40", false), LG_OK);
    check_last_snapshot(a, 4);
    CU_ASSERT_EQUAL_FATAL(train_tiny("nsgan", b, "20", false), LG_OK);
    check_last_snapshot(b, 2);
    /* a row after the checkpoint, as a killed process leaves it: dropped */
    char path[700];
    snprintf(path, sizeof path, "%s/fixed_noise_snapshots.dat", b);
    FILE *f = fopen(path, "a");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "30 0 1 2 3\n");
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(train_tiny("nsgan", b, "40", true), LG_OK);
    check_last_snapshot(b, 4);
    char pa[700];
    snprintf(pa, sizeof pa, "%s/fixed_noise_snapshots.dat", a);
    size_t na = 0, nb = 0;
    char *ta = lg_read_file(pa, &na), *tb = lg_read_file(path, &nb);
    CU_ASSERT_FATAL(ta && tb);
    LG_ASSERT_MSG(na == nb && !memcmp(ta, tb, na), "40 steps and 20 + 20 resumed differ (%zu and %zu bytes)", na, nb);
    free(ta), free(tb);
    /* the figures of training: the grid and the fixed-noise grid */
    lg_run *r;
    char *again[] = { "--resume", (char *)a, "--quiet" };
    CU_ASSERT_EQUAL_FATAL(lg_test_run_open(3, again, &r), LG_OK);
    CU_ASSERT_EQUAL(lg_run_figures(r, NULL), LG_OK);
    lg_run_close(r);
    const char *png[] = { "grid.png", "fixed_noise.png", "metrics.png" };
    for (int i = 0; i < 3; i++) {
        size_t w, h, bytes;
        snprintf(path, sizeof path, "%s/%s", a, png[i]);
        LG_ASSERT_MSG(png_size(path, &w, &h, &bytes) && bytes > 1000, "%s: no PNG", path);
    }
    data_dir_restore(keep);
}

static void test_sample_figures(void)
{
    char *keep = data_dir_set();
    const char *run = lg_test_tmpdir("sample-biganqp"), *out = lg_test_tmpdir("sample-out");
    CU_ASSERT_EQUAL_FATAL(train_tiny("biganqp", run, "20", false), LG_OK);
    char before[4096], after[4096];
    listing(run, before, sizeof before);
    lg_sample_config c;
    lg_sample_config_init(&c);
    c.run = run;
    c.out = out;
    c.n = 16;
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    CU_ASSERT_EQUAL_FATAL(lg_run_sample(&c, log), LG_OK);
    fclose(log);
    const char *png[] = { "grid", "fixed_noise", "classes", "classes_generated", "recon", "interp", "neighbours" };
    for (int i = 0; i < 7; i++) {
        char path[700];
        size_t w, h, bytes;
        snprintf(path, sizeof path, "%s/%s.png", out, png[i]);
        LG_ASSERT_MSG(png_size(path, &w, &h, &bytes) && bytes > 1000, "%s: no PNG", path);
        LG_ASSERT_MSG(strstr(text, path) != NULL, "where %s went is not said: %s", path, text);
    }
    free(text);
    listing(run, after, sizeof after);
    CU_ASSERT(!strcmp(before, after));
    /* again into the same folder: replaced; into a folder of other files: refused */
    CU_ASSERT_EQUAL(lg_run_sample(&c, NULL), LG_OK);
    c.out = run;
    CU_ASSERT_EQUAL(lg_run_sample(&c, NULL), LG_EINVAL);
    CU_ASSERT(strstr(lg_errmsg(), "did not write") != NULL);
    /* a loss without an encoder: no reconstructions, said in one line */
    const char *plain = lg_test_tmpdir("sample-nsgan");
    CU_ASSERT_EQUAL_FATAL(train_tiny("nsgan", plain, "10", false), LG_OK);
    c.run = plain;
    c.out = NULL;
    c.what = LG_SAMPLE_RECON | LG_SAMPLE_GRID;
    text = NULL;
    log = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(lg_run_sample(&c, log), LG_OK);
    fclose(log);
    CU_ASSERT(strstr(text, "skipped: reconstructions (loss nsgan has no encoder)") != NULL);
    CU_ASSERT(strstr(text, "sample/grid.png") != NULL);
    free(text);
    c.what = LG_SAMPLE_RECON; /* all asked for cannot be drawn: an error that says why */
    CU_ASSERT_EQUAL(lg_run_sample(&c, NULL), LG_EINVAL);
    CU_ASSERT(strstr(lg_errmsg(), "nothing to draw: reconstructions (loss nsgan has no encoder)") != NULL);
    data_dir_restore(keep);
}

static void test_cli(void)
{
    lg_test_cli_expect("sample --help", 0, "neighbours.png", false);
    lg_test_cli_expect("sample", 2, "name a run's folder", true);
    lg_test_cli_expect("sample a b", 2, "one run at a time", true);
    lg_test_cli_expect("sample --n 0 x", 2, "--n", true);
    char args[700];
    snprintf(args, sizeof args, "sample '%s'", lg_test_tmpdir("no-such-run"));
    lg_test_cli_expect(args, 2, "not a folder", true);
}

void lg_suite_sample(void)
{
    LG_ADD_SUITE("sample",
                 { "mosaic: pixels at their places, gaps", test_mosaic_pixels },
                 { "mosaic: gnuplot renders the PNG it says", test_mosaic_renders },
                 { "nearest neighbours = brute force", test_knn_brute_force },
                 { "interpolation ends at G(z1), G(z2)", test_interp_ends },
                 { "lg_run_load writes nothing, takes no step", test_load_read_only },
                 { "fixed-noise snapshots: same z, resume bit for bit", test_snapshots_resume },
                 { "litgan sample: every figure, the output folder", test_sample_figures },
                 { "litgan sample: usage", test_cli });
}
