/*
 * fuzz_ckpt.c - the checkpoint reader (core/engine/ckpt.c, lg_ckpt_read) as
 * resume uses it: the stored options first (args_only), then, when they name
 * networks and optimizers the engine builds, the whole file into them.
 *
 * Input: one byte of flags, then the file. Flag 1: the payload length and
 * CRC-32 are made to fit (fuzz_fix_ckpt), so the fields behind the checksum
 * are reached; without it the header's own checks are fuzzed.
 * Seeds: tests/fuzz/corpus/ckpt (a 2-step run's checkpoint, make fuzz-corpus).
 */
#include "fuzz.h"

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
    fuzz_write("checkpoint.bin", f, n, path, sizeof path);
    free(f);

    long step;
    uint64_t hash;
    lg_strvec args = { 0 };
    if (lg_ckpt_read(path, &step, &hash, &args, NULL, NULL, NULL, true) != LG_OK) {
        lg_strvec_free(&args);
        return 0;
    }
    LG_ASSERT(step >= 0, "the reader refuses a negative step");
    lg_run_config c;
    lg_run_config_init(&c);
    lg_net *nets[LG_NET_COUNT] = { 0 };
    lg_optim *opts[LG_NET_COUNT] = { 0 };
    const char *specs[LG_NET_COUNT];
    bool ok = lg_run_words_parse(&args, &c) == LG_OK;
    specs[LG_NET_G] = c.g, specs[LG_NET_D] = c.d, specs[LG_NET_E] = c.e;
    for (int i = 0; ok && i < LG_NET_COUNT; i++) {
        if (!specs[i] && i == LG_NET_E)
            continue;
        ok = fuzz_net_small(specs[i]) && lg_net_parse(specs[i], &nets[i]) == LG_OK;
        const char *os = i == LG_NET_D ? c.opt_d : c.opt_g;
        ok = ok && os && lg_optim_parse(os, nets[i]->n_params, &opts[i]) == LG_OK;
    }
    if (ok) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        lg_strvec again = { 0 };
        if (lg_ckpt_read(path, &step, NULL, &again, rng, nets, opts, false) == LG_OK) {
            /* what was accepted must be usable: the generator draws */
            (void)gsl_rng_uniform(rng);
            for (int i = 0; i < LG_NET_COUNT; i++)
                if (nets[i])
                    LG_ASSERT(lg_all_finite(nets[i]->theta, nets[i]->n_params), "accepted parameters are finite");
        }
        lg_strvec_free(&again);
        gsl_rng_free(rng);
    }
    for (int i = 0; i < LG_NET_COUNT; i++) {
        lg_net_free(nets[i]);
        lg_optim_free(opts[i]);
    }
    lg_strvec_free(&args);
    return 0;
}
