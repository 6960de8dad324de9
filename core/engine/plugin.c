/*
 * plugin.c - loading plugins: dlopen(RTLD_NOW | RTLD_LOCAL), one entry symbol,
 * a versioned descriptor checked field by field. Every failure is one line that
 * names the file and what is wrong, and the handle is closed again.
 */
#include "lg_impl.h"

#include <ctype.h>
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A field added after version 1's first layout exists only when the plugin's
 * descriptor is long enough to hold it (descriptors grow only at the end). */
#define LG_HAS_FIELD(d, field) ((d)->struct_size >= offsetof(lg_plugin, field) + sizeof((d)->field))

/* The smallest descriptor of ABI version 1: everything up to `flags`. */
#define LG_PLUGIN_V1_SIZE (offsetof(lg_plugin, flags) + sizeof(uint32_t))

static int fail(lg_plugin_handle *h, int rc)
{
    if (h) {
        if (h->dl)
            dlclose(h->dl);
        free(h->path);
        free(h);
    }
    return rc;
}

static bool valid_name(const char *s)
{
    if (!s || !*s || strlen(s) >= LG_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

static int check_descriptor(const char *path, const lg_plugin *d)
{
    if (d->abi_version != LG_PLUGIN_ABI_VERSION)
        return lg_seterr(LG_EPLUGIN, "%s: plugin ABI version %u but the runner speaks version %u "
                         "(rebuild the plugin against this litgan.h)", path, d->abi_version,
                         LG_PLUGIN_ABI_VERSION);
    if (d->struct_size < LG_PLUGIN_V1_SIZE)
        return lg_seterr(LG_EPLUGIN, "%s: descriptor is %u bytes, version 1 needs at least %zu "
                         "(set struct_size = sizeof(lg_plugin))", path, d->struct_size,
                         (size_t)LG_PLUGIN_V1_SIZE);
    if (!valid_name(d->name))
        return lg_seterr(LG_EPLUGIN, "%s: plugin name '%s' is not valid (lower-case letters, "
                         "digits and '_', at most %d)", path, d->name ? d->name : "(null)",
                         LG_NAME_MAX - 1);
    if (!d->title || !*d->title || !d->citation || !*d->citation)
        return lg_seterr(LG_EPLUGIN, "%s: plugin '%s' needs a title and a citation", path, d->name);
    if (d->kind == LG_PLUGIN_KIND_LOSS) {
        if (!d->d_loss || !d->g_loss)
            return lg_seterr(LG_EPLUGIN, "%s: loss plugin '%s' is missing the required hook %s",
                             path, d->name, d->d_loss ? "g_loss" : "d_loss");
    } else if (d->kind == LG_PLUGIN_KIND_REG) {
        if (!d->add_term && !d->adjust_grads && !d->after_step)
            return lg_seterr(LG_EPLUGIN, "%s: regularizer '%s' has none of the hooks add_term, "
                             "adjust_grads, after_step", path, d->name);
    } else {
        return lg_seterr(LG_EPLUGIN, "%s: plugin '%s' has unknown kind %d (1 loss, 2 regularizer)",
                         path, d->name, (int)d->kind);
    }
    lg_params *p;
    char what[LG_NAME_MAX + 300];
    snprintf(what, sizeof what, "%s: plugin %s", path, d->name);
    if (lg_params_parse(d->params, "", what, &p) != LG_OK)
        return LG_EPLUGIN;
    lg_params_free(p);
    return LG_OK;
}

int lg_plugin_open(const char *path, lg_plugin_handle **out)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return lg_seterr(LG_EPLUGIN, "%s: no such file (build it with make, or give the path of a .so)", path);
    if (!S_ISREG(st.st_mode))
        return lg_seterr(LG_EPLUGIN, "%s: not a regular file", path);
    lg_plugin_handle *h = lg_xcalloc(1, sizeof *h);
    h->path = lg_xstrdup(path);
    /* dlopen needs a '/' to avoid a library search: make the path explicit */
    char *p = h->path;
    char *rel = NULL;
    if (!strchr(path, '/')) {
        rel = lg_xmalloc(strlen(path) + 3);
        sprintf(rel, "./%s", path);
        p = rel;
    }
    dlerror();
    h->dl = dlopen(p, RTLD_NOW | RTLD_LOCAL);
    free(rel);
    if (!h->dl) {
        const char *e = dlerror();
        return fail(h, lg_seterr(LG_EPLUGIN, "%s: not a loadable shared object (%s)", path,
                                 e ? e : "dlopen failed"));
    }
    void *sym = dlsym(h->dl, LG_PLUGIN_ENTRY);
    if (!sym)
        return fail(h, lg_seterr(LG_EPLUGIN, "%s: not a litgan plugin (no symbol %s)", path,
                                 LG_PLUGIN_ENTRY));
    lg_plugin_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* ISO C: object pointer to function pointer */
    h->desc = entry();
    if (!h->desc)
        return fail(h, lg_seterr(LG_EPLUGIN, "%s: %s returned no descriptor", path, LG_PLUGIN_ENTRY));
    int rc = check_descriptor(path, h->desc);
    if (rc != LG_OK)
        return fail(h, rc);
    *out = h;
    return LG_OK;
}

void lg_plugin_close(lg_plugin_handle *h)
{
    fail(h, LG_OK);
}

/* Where a bare name is looked for, in order:
 *   1. the folders of $LITGAN_PLUGIN_PATH (':'-separated; empty parts skipped);
 *   2. litgan/plugins in the folder that holds liblitgan.so itself (lg_lib_home):
 *      <prefix>/lib/litgan/plugins when installed; in the build tree,
 *      build/lib/litgan/plugins, a link to build/plugins that make creates. */
static const char lib_anchor; /* an address inside liblitgan for dladdr */

/* litgan/SUB in the folder that holds liblitgan.so (found with dladdr, so the
 * answer follows the library wherever it is copied), its links resolved when
 * it exists; "" when the library cannot be found (not seen on glibc). The
 * plugins (litgan/plugins) and the image data (litgan/data, lg_data_dir) are
 * found this way. */
void lg_lib_home(const char *sub, char *dir, size_t len)
{
    Dl_info info;
    char lib[PATH_MAX], home[PATH_MAX + 64];
    dir[0] = '\0';
    if (!dladdr(&lib_anchor, &info) || !info.dli_fname || !realpath(info.dli_fname, lib))
        return;
    *strrchr(lib, '/') = '\0'; /* realpath gives an absolute path: there is a '/' */
    snprintf(home, sizeof home, "%s/litgan/%s", lib, sub);
    char real[PATH_MAX];
    snprintf(dir, len, "%s", realpath(home, real) ? real : home);
}

const char *lg_plugin_search_path(void)
{
    static _Thread_local char buf[4096 + PATH_MAX];
    const char *env = getenv("LITGAN_PLUGIN_PATH");
    char home[PATH_MAX];
    lg_lib_home("plugins", home, sizeof home);
    snprintf(buf, sizeof buf, "%s%s%s", env && *env ? env : "", env && *env && home[0] ? ":" : "",
             home);
    return buf;
}

int lg_plugin_resolve(const char *name, char *path, size_t len)
{
    size_t n = strlen(name);
    if (strchr(name, '/') || (n > 3 && strcmp(name + n - 3, ".so") == 0)) {
        snprintf(path, len, "%s", name);
        return LG_OK;
    }
    const char *dirs = lg_plugin_search_path();
    while (*dirs) {
        size_t dl = strcspn(dirs, ":");
        if (dl > 0) {
            snprintf(path, len, "%.*s/%s.so", (int)dl, dirs, name);
            if (access(path, F_OK) == 0)
                return LG_OK;
        }
        dirs += dl + (dirs[dl] == ':');
    }
    return lg_seterr(LG_EPLUGIN, "plugin '%s' not found in %s (list them with: litgan plugins)",
                     name, lg_plugin_search_path());
}

int lg_plugin_inst_open(const char *spec, lg_plugin_kind kind, lg_plugin_inst *out)
{
    memset(out, 0, sizeof *out);
    /* NAME[:params] or PATH[:params]: a bare name has no ':', so the first ':'
     * ends it; a path (with '/') may hold ':' in folder names, so it ends at
     * ".so:" or at the end of the spec. */
    char name[4096];
    const char *colon = strchr(spec, ':');
    if (colon && memchr(spec, '/', (size_t)(colon - spec))) {
        const char *so = strstr(spec, ".so:");
        size_t n = strlen(spec);
        colon = so ? so + 3 : (n > 3 && !strcmp(spec + n - 3, ".so")) ? NULL : colon;
    }
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len == 0 || len >= sizeof name)
        return lg_seterr(LG_EINVAL, "plugin spec '%s' has no name", spec);
    memcpy(name, spec, len);
    name[len] = '\0';
    char path[4096];
    int rc = lg_plugin_resolve(name, path, sizeof path);
    if (rc != LG_OK)
        return rc;
    if ((rc = lg_plugin_open(path, &out->h)) != LG_OK)
        return rc;
    const lg_plugin *d = out->h->desc;
    if (d->kind != kind) {
        lg_seterr(LG_EPLUGIN, "%s: plugin '%s' is a %s, but a %s is needed here", path, d->name,
                  d->kind == LG_PLUGIN_KIND_LOSS ? "loss" : "regularizer",
                  kind == LG_PLUGIN_KIND_LOSS ? "loss (--loss)" : "regularizer (--reg)");
        lg_plugin_close(out->h);
        out->h = NULL;
        return LG_EPLUGIN;
    }
    char what[LG_NAME_MAX + 16];
    snprintf(what, sizeof what, "plugin %s", d->name);
    if ((rc = lg_params_parse(d->params, colon ? colon + 1 : "", what, &out->params)) != LG_OK) {
        lg_plugin_close(out->h);
        out->h = NULL;
        return rc;
    }
    const char *why = LG_HAS_FIELD(d, check_params) && d->check_params ? d->check_params(out->params)
                                                                       : NULL;
    if (why) {
        char *vals = lg_params_format(out->params);
        rc = lg_seterr(LG_EINVAL, "plugin %s (%s): %s", d->name, vals, why);
        free(vals);
        lg_plugin_inst_close(out);
        return rc;
    }
    return LG_OK;
}

void lg_plugin_inst_close(lg_plugin_inst *pi)
{
    if (!pi)
        return;
    lg_params_free(pi->params);
    lg_plugin_close(pi->h);
    memset(pi, 0, sizeof *pi);
}
