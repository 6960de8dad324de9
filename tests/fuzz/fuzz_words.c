/*
 * fuzz_words.c - the option words a checkpoint stores and a plugin's
 * defaults give (core/engine/run_config.c, lg_run_words_parse): parsed into a
 * config, the missing word named, the configuration hashed; and the words of
 * a parsed config parse to the same config (same words, same hash).
 * Input: the words, one a line. Seeds: tests/fuzz/corpus/words.
 */
#include "fuzz.h"

static void split_lines(lg_strvec *v, const char *s)
{
    for (;;) {
        size_t n = strcspn(s, "\n");
        char *w = lg_xmalloc(n + 1);
        memcpy(w, s, n);
        w[n] = '\0';
        lg_strvec_push(v, w);
        free(w);
        if (!s[n])
            break;
        s += n + 1;
    }
}

FUZZ_INIT
{
    char *s = fuzz_str(data, size);
    lg_strvec w = { 0 }, once = { 0 }, twice = { 0 };
    split_lines(&w, s);
    lg_run_config c, c2;
    lg_run_config_init(&c);
    lg_run_config_init(&c2);
    if (lg_run_words_parse(&w, &c) == LG_OK) {
        (void)lg_run_words_missing(&c);
        (void)lg_run_config_hash(&w);
        lg_run_words_all(&c, &once);
        LG_ASSERT(lg_run_words_parse(&once, &c2) == LG_OK, "a parsed config's words parse");
        lg_run_words_all(&c2, &twice);
        LG_ASSERT(once.n == twice.n, "the words of a config are stable");
        for (size_t i = 0; i < once.n; i++)
            LG_ASSERT(!strcmp(once.w[i], twice.w[i]), "the words of a config are stable");
        LG_ASSERT(lg_run_config_hash(&once) == lg_run_config_hash(&twice), "so is its hash");
    }
    lg_strvec_free(&w);
    lg_strvec_free(&once);
    lg_strvec_free(&twice);
    free(s);
    return 0;
}
