/*
 * params.c - "name:key=val,key=val" specs, checked against a parameter table.
 * One parser for plugin parameters, optimizers and datasets.
 */
#include "lg_impl.h"

#include <stdlib.h>
#include <string.h>

int lg_spec_split(const char *spec, char name[LG_NAME_MAX], const char **kv)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len == 0)
        return lg_seterr(LG_EINVAL, "'%s': the name before ':' is empty", spec);
    if (len >= LG_NAME_MAX)
        return lg_seterr(LG_EINVAL, "'%.*s...': name longer than %d characters", 20, spec,
                         LG_NAME_MAX - 1);
    memcpy(name, spec, len);
    name[len] = '\0';
    *kv = colon ? colon + 1 : "";
    return LG_OK;
}

static void keys_list(const lg_param_doc *doc, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const lg_param_doc *d = doc; d && d->type != LG_PARAM_TYPE_END; d++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? ", " : "", d->key);
    }
    if (!buf[0])
        snprintf(buf, len, "none");
}

/* "[lo, hi)" and the like: '[' ']' include a bound, '(' ')' exclude it. */
static bool range_parse(const char *r, double *lo, double *hi, bool *lo_in, bool *hi_in)
{
    size_t n = strlen(r);
    const char *comma = strchr(r, ',');
    if (n < 5 || !strchr("[(", r[0]) || !strchr("])", r[n - 1]) || !comma)
        return false;
    char a[64], b[64];
    const char *a0 = r + 1 + strspn(r + 1, " "), *b0 = comma + 1 + strspn(comma + 1, " ");
    size_t al = (size_t)(comma - a0), bl = (size_t)(r + n - 1 - b0);
    if (al == 0 || bl == 0 || al >= sizeof a || bl >= sizeof b)
        return false;
    memcpy(a, a0, al), a[al] = '\0';
    memcpy(b, b0, bl), b[bl] = '\0';
    *lo_in = r[0] == '[';
    *hi_in = r[n - 1] == ']';
    return lg_parse_decimal(a, lo) && lg_parse_decimal(b, hi) && *lo <= *hi;
}

/* The number v of key=val within the table's range (none: any finite number). */
static int check_range(const lg_param_doc *d, const char *val, double v, const char *what)
{
    double lo, hi;
    bool lo_in, hi_in;
    if (!d->choices)
        return LG_OK;
    if (!range_parse(d->choices, &lo, &hi, &lo_in, &hi_in))
        return lg_seterr(LG_EINVAL, "%s: parameter %s has the range '%s' in its table, not an interval "
                         "such as [0, 1) or (0, 1e4]", what, d->key, d->choices);
    if ((lo_in ? v >= lo : v > lo) && (hi_in ? v <= hi : v < hi))
        return LG_OK;
    return lg_seterr(LG_EINVAL, "%s: parameter %s=%s is out of range: give %s in %s (%s)", what, d->key,
                     val, d->key, d->choices, d->help ? d->help : "");
}

static int set_value(lg_params *p, size_t i, const char *val, const char *what)
{
    const lg_param_doc *d = &p->doc[i];
    switch (d->type) {
    case LG_PARAM_TYPE_DOUBLE: {
        double v;
        if (!lg_parse_decimal(val, &v))
            return lg_seterr(LG_EINVAL, "%s: parameter %s='%s' is not a finite number (write it in decimal, "
                             "e.g. 0.5 or 1e-3: no hex, inf or nan)", what, d->key, val);
        int rc = check_range(d, val, v, what);
        if (rc != LG_OK)
            return rc;
        p->num[i] = v;
        break;
    }
    case LG_PARAM_TYPE_INT: {
        long v;
        if (!lg_parse_whole(val, &v))
            return lg_seterr(LG_EINVAL, "%s: parameter %s='%s' is not a whole number (write decimal digits, "
                             "e.g. 8)", what, d->key, val);
        int rc = check_range(d, val, (double)v, what);
        if (rc != LG_OK)
            return rc;
        p->num[i] = (double)v;
        break;
    }
    case LG_PARAM_TYPE_CHOICE: {
        const char *c = d->choices ? d->choices : "";
        size_t vl = strlen(val);
        bool ok = false;
        while (*c && !ok) {
            size_t wl = strcspn(c, "|");
            ok = (wl == vl && strncmp(c, val, vl) == 0);
            c += wl + (c[wl] == '|');
        }
        if (!ok)
            return lg_seterr(LG_EINVAL, "%s: parameter %s='%s' must be one of %s", what, d->key,
                             val, d->choices ? d->choices : "(none)");
        break;
    }
    case LG_PARAM_TYPE_PATH: /* any text: the list's ',' already ended it */
        break;
    default:
        return lg_seterr(LG_EINVAL, "%s: parameter %s has an unknown type", what, d->key);
    }
    free(p->str[i]);
    p->str[i] = lg_xstrdup(val);
    return LG_OK;
}

int lg_params_parse(const lg_param_doc *doc, const char *kv, const char *what, lg_params **out)
{
    *out = NULL;
    lg_params *p = lg_xcalloc(1, sizeof *p);
    p->doc = doc;
    while (doc && doc[p->n].type != LG_PARAM_TYPE_END)
        p->n++;
    p->num = lg_xcalloc(p->n, sizeof *p->num);
    p->str = lg_xcalloc(p->n, sizeof *p->str);
    int rc = LG_OK;
    for (size_t i = 0; i < p->n && rc == LG_OK; i++) {
        if (!doc[i].key || !doc[i].default_value)
            rc = lg_seterr(LG_EINVAL, "%s: parameter %zu has no key or no default", what, i);
        else if ((rc = set_value(p, i, doc[i].default_value, what)) != LG_OK)
            lg_seterr(rc, "%s (the default in the parameter table)", lg_errmsg());
        for (size_t j = 0; j < i && rc == LG_OK; j++)
            if (!strcmp(doc[j].key, doc[i].key))
                rc = lg_seterr(LG_EINVAL, "%s: parameter %s appears twice in the table", what,
                               doc[i].key);
    }
    bool *given = lg_xcalloc(p->n, sizeof *given);
    const char *s = kv ? kv : "";
    while (rc == LG_OK && *s) {
        size_t len = strcspn(s, ",");
        if (len == 0) {
            rc = lg_seterr(LG_EINVAL, "%s: malformed parameter list '%s' (write key=value,key=value)",
                           what, kv);
            break;
        }
        /* (sized to the item: a path may be long) */
        char *item = lg_xmalloc(len + 1);
        memcpy(item, s, len);
        item[len] = '\0';
        char *eq = strchr(item, '=');
        if (!eq || eq == item) {
            rc = lg_seterr(LG_EINVAL, "%s: malformed parameter '%s' (write key=value)", what, item);
            free(item);
            break;
        }
        *eq = '\0';
        size_t i = 0;
        while (i < p->n && strcmp(doc[i].key, item) != 0)
            i++;
        if (i == p->n) {
            char keys[256];
            keys_list(doc, keys, sizeof keys);
            rc = lg_seterr(LG_EINVAL, "%s: unknown parameter '%s' (known: %s)", what, item, keys);
        } else if (given[i]) {
            rc = lg_seterr(LG_EINVAL, "%s: parameter %s is given twice", what, item);
        } else {
            given[i] = true;
            rc = set_value(p, i, eq + 1, what);
        }
        free(item);
        if (rc != LG_OK)
            break;
        s += len;
        if (*s == ',') {
            s++;
            if (!*s)
                rc = lg_seterr(LG_EINVAL, "%s: parameter list '%s' ends with ','", what, kv);
        }
    }
    free(given);
    if (rc != LG_OK) {
        lg_params_free(p);
        return rc;
    }
    *out = p;
    return LG_OK;
}

void lg_params_free(lg_params *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->str[i]);
    free(p->str);
    free(p->num);
    free(p);
}

char *lg_params_format(const lg_params *p)
{
    size_t len = 1;
    for (size_t i = 0; i < p->n; i++)
        len += strlen(p->doc[i].key) + strlen(p->str[i]) + 2;
    char *s = lg_xcalloc(len, 1);
    for (size_t i = 0; i < p->n; i++) {
        size_t used = strlen(s);
        snprintf(s + used, len - used, "%s%s=%s", i ? "," : "", p->doc[i].key, p->str[i]);
    }
    return s;
}

static size_t find(const lg_params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->doc[i].key, key) == 0)
            return i;
    fprintf(stderr, "litgan: internal error: parameter '%s' is not in the plugin's table "
                    "(add it to the lg_param_doc table)\n", key);
    abort();
}

double lg_param_double(const lg_params *p, const char *key) { return p->num[find(p, key)]; }
long lg_param_int(const lg_params *p, const char *key) { return (long)p->num[find(p, key)]; }
const char *lg_param_str(const lg_params *p, const char *key) { return p->str[find(p, key)]; }
