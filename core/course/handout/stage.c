/*
 * stage.c - the labs of the tree being handed out, and staged releases
 * (`litgan handout OUT --lab NN`): one lab at a time.
 *
 * The labs are read from the tree's own labs/NN-name/lab.ini ([lab] title and
 * files, [task N.M] title and points), not from the registry: the tree handed
 * out need not be the one litgan was built from, and nothing here needs a
 * lab's objects.
 *
 * At stage NN:
 *   - a lab before NN comes with its solutions released: each of its solution
 *     regions keeps its reference code, without the markers and the STUB line
 *     (so that a later lab that builds on it - Lab 02 trains Lab 01's loss,
 *     `litgan compare` runs it - works for the students);
 *   - lab NN is stubbed, as in a full handout;
 *   - a lab after NN is left out: its folder, its student files (plugins
 *     included), its rows in the README's table of labs; a region of its tasks
 *     in a file that stays (another lab's) is stubbed, never released.
 * A region whose task no lab.ini names is stubbed. Without a stage (0) every
 * region is stubbed and every lab ships: the full handout.
 */
#include "lg_handout.h"

#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct ini_ctx {
    lg_handout_lab *lab;
    size_t task_cap;
} ini_ctx;

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *c = lg_xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx *c = user;
    lg_handout_lab *lab = c->lab;
    if (!strcmp(section, "lab") && !strcmp(name, "title")) {
        snprintf(lab->title, sizeof lab->title, "%s", value);
    } else if (!strcmp(section, "lab") && !strcmp(name, "files")) {
        for (const char *p = value; *p;) {
            size_t n = strcspn(p, ",");
            char *f = trimmed(p, n);
            if (*f)
                lg_strvec_push(&lab->files, f);
            free(f);
            p += n + (p[n] == ',');
        }
    } else if (!strncmp(section, "task ", 5)) {
        const char *number = section + 5;
        size_t k = 0;
        while (k < lab->tasks.n && strcmp(lab->tasks.w[k], number) != 0)
            k++;
        if (k == lab->tasks.n) {
            lg_strvec_push(&lab->tasks, number);
            lg_strvec_push(&lab->task_titles, "");
            if (lab->tasks.n > c->task_cap) {
                c->task_cap = 2 * lab->tasks.n;
                lab->task_points = lg_xrealloc(lab->task_points, c->task_cap * sizeof(double));
            }
            lab->task_points[k] = 0;
        }
        if (!strcmp(name, "title")) {
            free(lab->task_titles.w[k]);
            lab->task_titles.w[k] = lg_xstrdup(value);
        } else if (!strcmp(name, "points")) {
            lab->task_points[k] = strtod(value, NULL);
        }
    }
    return 1; /* the registry judges lab.ini; here only what the release needs */
}

static int cmp_lab(const void *a, const void *b)
{
    return ((const lg_handout_lab *)a)->number - ((const lg_handout_lab *)b)->number;
}

void lg_handout_labs_read(const char *root, const lg_strvec *files, lg_handout_labs *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < files->n; i++) {
        const char *rel = files->w[i];
        char dir[256];
        int number, used = 0;
        /* labs/NN-name/lab.ini, NN two digits */
        if (strncmp(rel, "labs/", 5) != 0 || sscanf(rel + 5, "%2d-%*[^/]%n", &number, &used) != 1 || !used ||
            strcmp(rel + 5 + used, "/lab.ini") != 0 || used >= (int)sizeof dir)
            continue;
        snprintf(dir, sizeof dir, "%.*s", used, rel + 5);
        out->v = lg_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        lg_handout_lab *lab = &out->v[out->n++];
        memset(lab, 0, sizeof *lab);
        lab->number = number;
        snprintf(lab->dir, sizeof lab->dir, "%s", dir);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        ini_ctx c = { lab, 0 };
        ini_parse(path, on_ini, &c);
    }
    if (out->n > 1) /* qsort of no array is undefined */
        qsort(out->v, out->n, sizeof *out->v, cmp_lab);
}

void lg_handout_labs_free(lg_handout_labs *labs)
{
    for (size_t i = 0; i < labs->n; i++) {
        lg_strvec_free(&labs->v[i].files);
        lg_strvec_free(&labs->v[i].tasks);
        lg_strvec_free(&labs->v[i].task_titles);
        free(labs->v[i].task_points);
    }
    free(labs->v);
    memset(labs, 0, sizeof *labs);
}

const lg_handout_lab *lg_handout_labs_find(const lg_handout_labs *labs, int number)
{
    for (size_t i = 0; i < labs->n; i++)
        if (labs->v[i].number == number)
            return &labs->v[i];
    return NULL;
}

bool lg_handout_lab_ships(const lg_handout_labs *labs, int number)
{
    return !labs->stage || number <= labs->stage;
}

/* The lab whose lab.ini names task ("1.1"), or 0. */
static int task_lab(const lg_handout_labs *labs, const char *task)
{
    for (size_t i = 0; i < labs->n; i++)
        for (size_t k = 0; k < labs->v[i].tasks.n; k++)
            if (!strcmp(labs->v[i].tasks.w[k], task))
                return labs->v[i].number;
    return 0;
}

bool lg_handout_region_released(const lg_handout_labs *labs, const char *task)
{
    if (!labs || !labs->stage)
        return false;
    int n = task_lab(labs, task);
    return n > 0 && n < labs->stage;
}

bool lg_handout_left_out(const lg_handout_labs *labs, const char *rel)
{
    if (!labs->stage)
        return false;
    bool later = false, kept = false; /* a student file of a later lab, of one that ships */
    for (size_t i = 0; i < labs->n; i++) {
        const lg_handout_lab *lab = &labs->v[i];
        bool ships = lab->number <= labs->stage;
        size_t dl = strlen(lab->dir);
        if (!ships && !strncmp(rel, "labs/", 5) && !strncmp(rel + 5, lab->dir, dl) && rel[5 + dl] == '/')
            return true;
        for (size_t k = 0; k < lab->files.n; k++)
            if (!strcmp(lab->files.w[k], rel)) {
                kept |= ships;
                later |= !ships;
            }
    }
    return later && !kept;
}
