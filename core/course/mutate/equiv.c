/*
 * equiv.c - labs/NN-name/check/equivalent.txt: the mutants of a lab that no
 * test can kill because they compute what the reference computes (or differ
 * from it by less than any sound alternative may), each with its argument.
 *
 *   # comment lines and blank lines are skipped
 *   optimal.c:const:1a2b3c4d  LIMIT only sizes the workspace; 64 pieces never need 100 subintervals
 *
 * The id is the first word; the argument, the rest of the line, is required.
 */
#include "lg_mutate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lg_equiv_read(const lg_lab *lab, lg_equiv *out)
{
    memset(out, 0, sizeof *out);
    char path[4400];
    snprintf(path, sizeof path, "%s/labs/%s/check/equivalent.txt", lab->root, lab->dir);
    size_t len;
    char *text = lg_read_file(path, &len);
    if (!text)
        return errno == ENOENT ? LG_OK : lg_seterr(LG_EIO, "cannot read %s: %s", path, strerror(errno));
    int rc = LG_OK;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == LG_OK; line = strtok_r(NULL, "\n", &save)) {
        char *p = line + strspn(line, " \t");
        size_t l = strlen(p);
        while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t'))
            p[--l] = '\0';
        if (!*p || *p == '#')
            continue;
        size_t idl = strcspn(p, " \t");
        char *why = p + idl + strspn(p + idl, " \t");
        p[idl] = '\0';
        if (!*why) {
            rc = lg_seterr(LG_EFORMAT, "%s: mutant %s has no argument: write why it is equivalent after its id",
                           path, p);
            break;
        }
        if (lg_equiv_find(out, p) < out->n) {
            rc = lg_seterr(LG_EFORMAT, "%s: mutant %s is listed twice", path, p);
            break;
        }
        out->id = lg_xrealloc(out->id, (out->n + 1) * sizeof *out->id);
        out->why = lg_xrealloc(out->why, (out->n + 1) * sizeof *out->why);
        out->id[out->n] = lg_xstrdup(p);
        out->why[out->n] = lg_xstrdup(why);
        out->n++;
    }
    free(text);
    if (rc != LG_OK)
        lg_equiv_free(out);
    return rc;
}

void lg_equiv_free(lg_equiv *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->id[i]);
        free(e->why[i]);
    }
    free(e->id);
    free(e->why);
    memset(e, 0, sizeof *e);
}

size_t lg_equiv_find(const lg_equiv *e, const char *id)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->id[i], id))
            return i;
    return e->n;
}
