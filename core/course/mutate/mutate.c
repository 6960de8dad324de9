/*
 * mutate.c - `litgan mutate`: a lab's mutants generated (gen.c), sampled
 * when asked, graded (run.c) beside the reference, counted against
 * check/equivalent.txt (equiv.c) and reported: the counts, the kill rate
 * against the bar, every survivor with its lines before and after, every
 * stale line of equivalent.txt; and, when asked, all of it as JSON.
 *
 * The kill rate is killed / (killed + survived), over the graded mutants that
 * compile and are not listed as equivalent. A listed mutant must still be
 * generated and must survive: a listed id that is killed, that does not
 * compile or that no longer exists is an error (the list is stale), and so
 * is a reference that does not score full marks (nothing could be killed).
 */
#include "lg_mutate.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The lab's files and all their mutants. */
typedef struct lab_mutants {
    char *text[LG_MAX_LAB_FILES];
    size_t len[LG_MAX_LAB_FILES];
    lg_mutants ms;
} lab_mutants;

static void lab_mutants_free(lab_mutants *lm)
{
    for (size_t i = 0; i < LG_MAX_LAB_FILES; i++)
        free(lm->text[i]);
    lg_mutants_free(&lm->ms);
}

static int lab_mutants_make(const lg_lab *lab, lab_mutants *lm)
{
    memset(lm, 0, sizeof *lm);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", lab->root, lab->files[i]);
        lm->text[i] = lg_read_file(path, &lm->len[i]);
        if (!lm->text[i]) {
            int rc = lg_seterr(LG_EIO, "cannot read %s: %s", path, strerror(errno));
            lab_mutants_free(lm);
            return rc;
        }
        int rc = lg_mut_generate(lab->files[i], lm->text[i], lm->len[i], &lm->ms);
        if (rc != LG_OK) {
            lab_mutants_free(lm);
            return rc;
        }
    }
    return LG_OK;
}

static size_t text_of(const lg_lab *lab, const lg_mutant *m)
{
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        if (!strcmp(lab->files[i], m->file))
            return i;
    return 0;
}

/* ------------------------------------------------------------ sampling --- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* k of 0..n-1 (all when k is 0 or >= n), drawn with seed, in order. */
double lg_mut_sample_p(size_t survived, size_t counted)
{
    if (survived == 0 || survived > counted)
        return survived == 0 ? 1.0 : 0.0;
    return gsl_cdf_binomial_Q((unsigned)(survived - 1), 1 - LG_MUTATE_BAR, (unsigned)counted); /* P(S > s - 1) */
}

static size_t sample(size_t n, size_t k, unsigned long seed, size_t **out)
{
    size_t *idx = lg_xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    if (k == 0 || k >= n) {
        *out = idx;
        return n;
    }
    uint64_t s = seed;
    for (size_t i = 0; i < k; i++) {
        size_t j = i + (size_t)(splitmix(&s) % (n - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    qsort(idx, k, sizeof *idx, by_index);
    *out = idx;
    return k;
}

/* ------------------------------------------------------------- one lab --- */

static const char *fate_name(lg_mut_fate f)
{
    switch (f) {
    case LG_MUT_KILLED: return "killed";
    case LG_MUT_SURVIVED: return "survived";
    case LG_MUT_STILLBORN: return "stillborn";
    case LG_MUT_ERROR: return "error";
    default: return "not run";
    }
}

static int one_lab(const lg_lab *lab, const lg_mutate_opts *o, FILE *out, json_t *jlabs, lg_mutate_counts *c)
{
    memset(c, 0, sizeof *c);
    lab_mutants lm;
    lg_equiv eq;
    int rc = lab_mutants_make(lab, &lm);
    if (rc != LG_OK)
        return rc;
    if ((rc = lg_equiv_read(lab, &eq)) != LG_OK) {
        lab_mutants_free(&lm);
        return rc;
    }
    size_t *pick, n = sample(lm.ms.n, o ? o->sample : 0, o ? o->seed : 1, &pick);
    c->generated = lm.ms.n;
    c->graded = n;
    /* job 0: the reference as it stands */
    lg_mut_job *jobs = lg_xcalloc(n + 1, sizeof *jobs);
    for (size_t k = 0; k < n; k++)
        jobs[k + 1].m = &lm.ms.v[pick[k]];
    char what[64];
    snprintf(what, sizeof what, "mutate: lab %02d", lab->number);
    rc = lg_mut_grade(lab, jobs, n + 1, o ? o->jobs : 0, o ? o->log : NULL, what);
    if (rc != LG_OK)
        goto done;

    lg_strvec errors = { 0 };
    char line[1200];
    if (jobs[0].fate != LG_MUT_SURVIVED) {
        snprintf(line, sizeof line, "the reference files do not score full marks (%g / %g%s%s): no mutant can be "
                 "judged; run litgan grade %02d", jobs[0].score, jobs[0].max, jobs[0].why[0] ? "; " : "",
                 jobs[0].why, lab->number);
        lg_strvec_push(&errors, line);
    }
    for (size_t i = 0; i < eq.n; i++) {
        bool found = false;
        for (size_t k = 0; k < lm.ms.n && !found; k++)
            found = !strcmp(lm.ms.v[k].id, eq.id[i]);
        if (!found) {
            snprintf(line, sizeof line, "check/equivalent.txt lists %s, which is no longer generated (stale: "
                     "remove its line)", eq.id[i]);
            lg_strvec_push(&errors, line);
        }
    }
    size_t *survivors = lg_xmalloc((n + 1) * sizeof *survivors), n_surv = 0;
    for (size_t k = 1; k <= n; k++) {
        const lg_mut_job *j = &jobs[k];
        bool listed = lg_equiv_find(&eq, j->m->id) < eq.n;
        switch (j->fate) {
        case LG_MUT_STILLBORN:
            c->stillborn++;
            break;
        case LG_MUT_KILLED:
            if (listed) {
                snprintf(line, sizeof line, "check/equivalent.txt lists %s, which the tests kill (stale: remove "
                         "its line): %s", j->m->id, j->m->desc);
                lg_strvec_push(&errors, line);
            } else {
                c->killed++;
            }
            break;
        case LG_MUT_SURVIVED:
            if (listed)
                c->equivalent++;
            else {
                c->survived++;
                survivors[n_surv++] = k;
            }
            break;
        default:
            snprintf(line, sizeof line, "%s could not be graded: %s", j->m->id, j->why);
            lg_strvec_push(&errors, line);
            break;
        }
        if (listed && j->fate == LG_MUT_STILLBORN) {
            snprintf(line, sizeof line, "check/equivalent.txt lists %s, which does not compile (stale: remove "
                     "its line)", j->m->id);
            lg_strvec_push(&errors, line);
        }
    }
    size_t counted = c->killed + c->survived;
    c->kill_rate = counted ? (double)c->killed / (double)counted : 1.0;
    c->errors = errors.n;
    /* a sample: how likely this many survivors are at a kill rate of exactly the bar */
    bool sampled = n < lm.ms.n;
    c->p_value = sampled ? lg_mut_sample_p(c->survived, counted) : 1.0;
    c->pass = errors.n == 0 && (c->kill_rate >= LG_MUTATE_BAR || (sampled && c->p_value >= LG_MUTATE_SAMPLE_P));

    /* the report */
    fprintf(out, "Lab %02d  %s: mutation testing of", lab->number, lab->title);
    for (size_t i = 0; i < LG_MAX_LAB_FILES && lab->files[i]; i++)
        fprintf(out, " %s", lab->files[i]);
    fprintf(out, "\n  generated   %5zu", c->generated);
    if (n < lm.ms.n)
        fprintf(out, "   (%zu graded: a sample drawn with seed %lu)", n, o ? o->seed : 1);
    fprintf(out, "\n  stillborn   %5zu   do not compile: not counted\n", c->stillborn);
    fprintf(out, "  equivalent  %5zu   survive, listed in labs/%s/check/equivalent.txt\n", c->equivalent, lab->dir);
    fprintf(out, "  killed      %5zu\n  survived    %5zu\n", c->killed, c->survived);
    fprintf(out, "  kill rate   %5.1f%%  (%zu of %zu; the bar is %.0f%%): %s\n", 100 * c->kill_rate, c->killed,
            counted, 100 * LG_MUTATE_BAR, c->pass ? "pass" : errors.n ? "FAIL (see the errors)" : "FAIL");
    if (sampled && c->kill_rate < LG_MUTATE_BAR)
        fprintf(out, "  a sample: %zu or more survivors of %zu at a kill rate of %.0f%% has p = %.3g (%s %.2g)\n",
                c->survived, counted, 100 * LG_MUTATE_BAR, c->p_value, c->p_value >= LG_MUTATE_SAMPLE_P ?
                "consistent with the bar: p >=" : "not consistent with the bar: p <", LG_MUTATE_SAMPLE_P);
    if (n_surv)
        fprintf(out, "Survivors (killed by no test: add a test, or list them in check/equivalent.txt with the "
                     "argument why they are equivalent):\n");
    for (size_t s = 0; s < n_surv; s++) {
        const lg_mutant *m = jobs[survivors[s]].m;
        size_t f = text_of(lab, m);
        char before[400], after[400];
        lg_mut_lines(lm.text[f], lm.len[f], m, before, after, sizeof before);
        fprintf(out, "  %-30s %s  (Task %s)\n      - %s\n      + %s\n", m->id, m->desc, m->task, before, after);
    }
    if (errors.n)
        fprintf(out, "Errors:\n");
    for (size_t e = 0; e < errors.n; e++)
        fprintf(out, "  %s\n", errors.w[e]);
    fflush(out);

    if (jlabs) {
        json_t *jl = json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:b}", "lab", lab->number,
                               "dir", lab->dir, "generated", (json_int_t)c->generated, "graded", (json_int_t)n,
                               "stillborn", (json_int_t)c->stillborn, "equivalent", (json_int_t)c->equivalent,
                               "killed", (json_int_t)c->killed, "survived", (json_int_t)c->survived,
                               "kill_rate", c->kill_rate, "bar", LG_MUTATE_BAR, "p_value", c->p_value, "pass", c->pass);
        json_t *jm = json_array(), *je = json_array();
        for (size_t k = 1; k <= n; k++) {
            const lg_mut_job *j = &jobs[k];
            const lg_mutant *m = j->m;
            size_t f = text_of(lab, m);
            char before[400], after[400];
            lg_mut_lines(lm.text[f], lm.len[f], m, before, after, sizeof before);
            bool listed = lg_equiv_find(&eq, m->id) < eq.n;
            const char *fate = listed && j->fate == LG_MUT_SURVIVED ? "equivalent" : fate_name(j->fate);
            json_array_append_new(jm, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:f, s:f}", "id",
                                                m->id, "file", m->file, "task", m->task, "operator", m->op,
                                                "line", (json_int_t)m->line, "description", m->desc, "before",
                                                before, "after", after, "outcome", fate, "score", j->score,
                                                "max_score", j->max));
        }
        for (size_t e = 0; e < errors.n; e++)
            json_array_append_new(je, json_string(errors.w[e]));
        json_object_set_new(jl, "mutants", jm);
        json_object_set_new(jl, "errors", je);
        json_array_append_new(jlabs, jl);
    }
    free(survivors);
    lg_strvec_free(&errors);
done:
    free(jobs);
    free(pick);
    lg_equiv_free(&eq);
    lab_mutants_free(&lm);
    return rc;
}

int lg_mutate_run(const lg_lab *const *labs, size_t n, const lg_mutate_opts *o, FILE *out, lg_mutate_counts *counts)
{
    json_t *doc = o && o->json ? json_object() : NULL;
    json_t *jlabs = doc ? json_array() : NULL;
    int rc = LG_OK;
    bool all_pass = true;
    for (size_t i = 0; i < n && (rc == LG_OK || rc == LG_EINVAL); i++) {
        lg_mutate_counts c;
        int r = one_lab(labs[i], o, out, jlabs, &c);
        if (counts)
            counts[i] = c;
        if (r != LG_OK)
            rc = r;
        all_pass = all_pass && c.pass;
        if (i + 1 < n)
            fputc('\n', out);
    }
    if (doc) {
        json_object_set_new(doc, "labs", jlabs);
        char *s = json_dumps(doc, JSON_INDENT(2));
        json_decref(doc);
        int w = s ? lg_write_atomic(o->json, s, strlen(s)) : lg_seterr(LG_EIO, "out of memory: the JSON");
        free(s);
        if (w != LG_OK && rc == LG_OK)
            rc = w;
    }
    if (rc == LG_OK && !all_pass)
        rc = lg_seterr(LG_EINVAL, "a lab kills fewer than %.0f%% of its mutants, or its equivalent.txt is stale",
                       100 * LG_MUTATE_BAR);
    return rc;
}

int lg_mutate_list(const lg_lab *lab, FILE *out)
{
    lab_mutants lm;
    lg_equiv eq;
    int rc = lab_mutants_make(lab, &lm);
    if (rc != LG_OK)
        return rc;
    if ((rc = lg_equiv_read(lab, &eq)) != LG_OK) {
        lab_mutants_free(&lm);
        return rc;
    }
    for (size_t k = 0; k < lm.ms.n; k++) {
        const lg_mutant *m = &lm.ms.v[k];
        fprintf(out, "%-30s Task %-5s %s%s\n", m->id, m->task, m->desc,
                lg_equiv_find(&eq, m->id) < eq.n ? "  [equivalent]" : "");
    }
    lg_equiv_free(&eq);
    lab_mutants_free(&lm);
    return LG_OK;
}

int lg_mutate_show(const lg_lab *lab, const char *id, FILE *out)
{
    lab_mutants lm;
    int rc = lab_mutants_make(lab, &lm);
    if (rc != LG_OK)
        return rc;
    rc = lg_seterr(LG_EINVAL, "lab %02d has no mutant '%s' (litgan mutate %02d --list lists them)", lab->number, id,
                   lab->number);
    for (size_t k = 0; k < lm.ms.n; k++) {
        const lg_mutant *m = &lm.ms.v[k];
        if (strcmp(m->id, id) != 0)
            continue;
        size_t f = text_of(lab, m);
        fprintf(out, "# %s  Task %s, operator %s: %s\n# apply in the source root with: patch -p1\n", m->id, m->task,
                m->op, m->desc);
        lg_mut_diff(out, lm.text[f], lm.len[f], m);
        rc = LG_OK;
        break;
    }
    lab_mutants_free(&lm);
    return rc;
}
