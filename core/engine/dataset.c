/*
 * dataset.c - datasets as the engine sees them: lg_dataset_open("name:key=val,...")
 * finds the kind in the table datasets/ provides (lg_dataset_kinds, see
 * lg_dataset.h), parses the parameters against the kind's table and lets the
 * kind's make build the dataset; lg_dataset_help documents every kind and
 * parameter from the same table (the data suite checks that every parameter of
 * every kind appears in it); the public accessors of litgan/engine.h.
 */
#include "lg_impl.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int lg_dataset_open(const char *spec, lg_dataset **out)
{
    *out = NULL;
    char name[LG_NAME_MAX];
    const char *kv;
    int rc = lg_spec_split(spec, name, &kv);
    if (rc != LG_OK)
        return rc;
    for (size_t i = 0; i < lg_n_dataset_kinds; i++) {
        const lg_dataset_kind *kind = lg_dataset_kinds[i];
        if (strcmp(kind->name, name) != 0)
            continue;
        lg_dataset *ds = lg_xcalloc(1, sizeof *ds);
        snprintf(ds->name, sizeof ds->name, "%s", name);
        char what[LG_NAME_MAX + 16];
        snprintf(what, sizeof what, "dataset %s", name);
        if ((rc = lg_params_parse(kind->doc, kv, what, &ds->params)) == LG_OK)
            rc = kind->make(ds);
        if (rc != LG_OK) {
            lg_dataset_free(ds);
            return rc;
        }
        LG_ASSERT(ds->dim > 0 && ds->sample, "a dataset's make sets dim and sample");
        *out = ds;
        return LG_OK;
    }
    char known[256] = "";
    for (size_t i = 0; i < lg_n_dataset_kinds; i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", lg_dataset_kinds[i]->name);
    }
    return lg_seterr(LG_EINVAL, "dataset '%s' is unknown (known: %s; see litgan train --help)",
                     name, known);
}

void lg_dataset_free(lg_dataset *ds)
{
    if (!ds)
        return;
    lg_params_free(ds->params);
    free(ds->modes);
    free(ds->weights);
    free(ds->train_x);
    free(ds->train_y);
    free(ds->test_x);
    free(ds->test_y);
    free(ds);
}

/* The summary's column: "  name:key=default,..." padded to it, or on a line of
 * its own when it reaches it. */
#define HELP_COLUMN 34

/* Built once from the kinds (they never change while the library is loaded);
 * kept until the process ends. */
static char *help;

static void build_help(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    LG_ASSERT(f, "open_memstream needs memory only");
    fprintf(f, "datasets (--data NAME or NAME:key=val,...; defaults shown):\n");
    for (size_t i = 0; i < lg_n_dataset_kinds; i++) {
        const lg_dataset_kind *kind = lg_dataset_kinds[i];
        int n = fprintf(f, "  %s", kind->name);
        for (const lg_param_doc *d = kind->doc; d && d->key; d++)
            n += fprintf(f, "%c%s=%s", d == kind->doc ? ':' : ',', d->key, d->default_value);
        if (n < HELP_COLUMN)
            fprintf(f, "%*s", HELP_COLUMN - n, "");
        else
            fprintf(f, "\n%*s", HELP_COLUMN, "");
        for (const char *s = kind->summary; *s; s++) {
            fputc(*s, f);
            if (*s == '\n')
                fprintf(f, "%*s", HELP_COLUMN, "");
        }
        /* the valid values, from the same table the parser checks them with */
        int col = 0; /* within the line after the column, wrapped at 60 */
        for (const lg_param_doc *d = kind->doc; d && d->key; d++)
            if (d->choices) {
                int len = (int)(strlen(d->key) + strlen(d->choices)) + 6;
                if (d == kind->doc || col + len > 60) {
                    fprintf(f, "%s\n%*s", d == kind->doc ? "" : ",", HELP_COLUMN, "");
                    col = 0;
                } else {
                    col += fprintf(f, ", ");
                }
                col += fprintf(f, "%s in %s", d->key, d->choices);
            }
        fputc('\n', f);
    }
    int closed = fclose(f);
    LG_ASSERT(closed == 0 && buf, "open_memstream needs memory only");
    help = buf;
}

const char *lg_dataset_help(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_help);
    return help;
}

/* -------------------------------------------------------------- accessors --- */

const char *lg_dataset_name(const lg_dataset *ds) { return ds->name; }
size_t lg_dataset_dim(const lg_dataset *ds) { return ds->dim; }
void lg_dataset_sample(const lg_dataset *ds, gsl_rng *rng, gsl_matrix *out) { ds->sample(ds, rng, out); }
bool lg_dataset_has_density(const lg_dataset *ds) { return ds->density != NULL; }

double lg_dataset_density(const lg_dataset *ds, const double *x)
{
    return ds->density ? ds->density(ds, x) : NAN;
}

const double *lg_dataset_modes(const lg_dataset *ds, size_t *n_modes, double *sigma)
{
    *n_modes = ds->n_modes;
    if (sigma)
        *sigma = ds->sigma;
    return ds->n_modes ? ds->modes : NULL;
}

/* ----------------------------------------------------------------- images --- */

bool lg_dataset_image_shape(const lg_dataset *ds, size_t *height, size_t *width)
{
    if (height)
        *height = ds->height;
    if (width)
        *width = ds->width;
    return ds->height > 0;
}

size_t lg_dataset_count(const lg_dataset *ds, lg_split split)
{
    return split == LG_SPLIT_TRAIN ? ds->n_train : ds->n_test;
}

size_t lg_dataset_n_classes(const lg_dataset *ds) { return ds->n_classes; }

const char *lg_dataset_class_name(const lg_dataset *ds, size_t k)
{
    static _Thread_local char num[24];
    if (ds->class_names && k < ds->n_classes)
        return ds->class_names[k];
    snprintf(num, sizeof num, "%zu", k);
    return num;
}

void lg_dataset_rows(const lg_dataset *ds, lg_split split, size_t first, gsl_matrix *out, int *labels)
{
    size_t n = lg_dataset_count(ds, split);
    LG_ASSERT(first <= n && out->size1 <= n - first && out->size2 == ds->dim,
              "lg_dataset_rows: the rows asked for lie in the split, out: (rows, dim)");
    const unsigned char *x = split == LG_SPLIT_TRAIN ? ds->train_x : ds->test_x;
    const unsigned char *y = split == LG_SPLIT_TRAIN ? ds->train_y : ds->test_y;
    for (size_t i = 0; i < out->size1; i++) {
        lg_pixels_to_row(x + (first + i) * ds->dim, ds->dim, out->data + i * out->tda);
        if (labels)
            labels[i] = y[first + i];
    }
}

/* $LITGAN_DATA, else litgan/data beside liblitgan.so (build/lib/litgan/data,
 * a link to build/data, in the build tree). */
const char *lg_data_dir(void)
{
    static _Thread_local char dir[PATH_MAX];
    const char *env = getenv("LITGAN_DATA");
    if (env && *env)
        snprintf(dir, sizeof dir, "%s", env);
    else
        lg_lib_home("data", dir, sizeof dir);
    return dir;
}
