/*
 * cmd_plugin_template.c - `litgan plugin-template NAME`: write NAME.c, a loss
 * plugin that compiles and trains as it stands (the non-saturating GAN, to be
 * replaced by one's own objectives), and print the line that compiles it out of
 * the tree against the headers of this litgan and the line that trains it.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Plugin names the loader accepts (core/engine/plugin.c): lower-case letters,
 * digits and '_', at most 63 bytes; a leading letter keeps NAME a C word too. */
#define NAME_MAX_LEN 63

static bool good_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* The skeleton; every %1$s is the plugin's name. */
static const char skeleton[] =
    "/*\n"
    " * %1$s.c - a litgan loss plugin (written by `litgan plugin-template %1$s`).\n"
    " *\n"
    " * Each objective is the scalar its player MINIMISES, built on the tape from\n"
    " * lg_* ops (litgan/plugin.h lists them); expectations are batch means.\n"
    " * As written it is the non-saturating GAN on logits s = D(x):\n"
    " *   d_loss = mean softplus(-s_real) + mean softplus(s_fake)   (-E log D(x) - E log(1 - D(G(z))))\n"
    " *   g_loss = weight * mean softplus(-s_fake)                   (-E log D(G(z)))\n"
    " * Replace both with your own; `litgan check-plugin ./%1$s.so` gradient-checks them.\n"
    " */\n"
    "#include \"litgan.h\"\n"
    "\n"
    "static lg_node *d_loss(lg_game *g, const lg_params *p)\n"
    "{\n"
    "    (void)p;\n"
    "    lg_tape *t = lg_game_tape(g);\n"
    "    lg_node *s_real = lg_apply(g, LG_NET_D, lg_game_real(g));                         /* (B,1) */\n"
    "    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))); /* (B,1) */\n"
    "    return lg_add(t, lg_mean(t, lg_softplus(t, lg_neg(t, s_real))), lg_mean(t, lg_softplus(t, s_fake)));\n"
    "}\n"
    "\n"
    "static lg_node *g_loss(lg_game *g, const lg_params *p)\n"
    "{\n"
    "    lg_tape *t = lg_game_tape(g);\n"
    "    lg_node *s_fake = lg_apply(g, LG_NET_D, lg_apply(g, LG_NET_G, lg_game_noise(g))); /* (B,1) */\n"
    "    lg_node *loss = lg_mean(t, lg_softplus(t, lg_neg(t, s_fake)));                   /* (1,1) */\n"
    "    return lg_scale(t, loss, lg_param_double(p, \"weight\"));\n"
    "}\n"
    "\n"
    "/* Parameters: given as --loss ./%1$s.so:weight=2; the loader checks each value\n"
    " * against its interval, so the plugin needs no range checks of its own. */\n"
    "static const lg_param_doc params[] = {\n"
    "    { \"weight\", LG_PARAM_TYPE_DOUBLE, \"1\", \"(0, 1e3]\", \"scale of the generator's loss\" },\n"
    "    { NULL, LG_PARAM_TYPE_END, NULL, NULL, NULL },\n"
    "};\n"
    "\n"
    "static const lg_plugin plugin = {\n"
    "    .abi_version = LG_PLUGIN_ABI_VERSION,\n"
    "    .struct_size = sizeof(lg_plugin),\n"
    "    .kind = LG_PLUGIN_KIND_LOSS,\n"
    "    .name = \"%1$s\",\n"
    "    .title = \"%1$s: (say what each player minimises)\",\n"
    "    .citation = \"(the paper and equation it follows)\",\n"
    "    .params = params,\n"
    "    .d_loss = d_loss,\n"
    "    .g_loss = g_loss,\n"
    "    /* the runner's defaults: the paper's optimizers and critic steps */\n"
    "    .defaults = \"--opt-d adam:lr=2e-4,b1=0.5 --opt-g adam:lr=2e-4,b1=0.5 --d-steps 1\",\n"
    "};\n"
    "\n"
    "LG_PLUGIN_EXPORT const lg_plugin *litgan_plugin_entry(void) { return &plugin; }\n";

static void help(void)
{
    printf("usage: litgan plugin-template NAME [--dir DIR]\n\n"
           "Writes DIR/NAME.c (DIR: the current folder), a loss plugin that compiles and\n"
           "trains as it stands - the non-saturating GAN with one parameter - for you to\n"
           "replace with your own objectives, and prints the line that compiles it out of\n"
           "the tree against this litgan's headers and the line that trains it.\n"
           "NAME: lower-case letters, digits and '_', starting with a letter, at most %d.\n"
           "An existing NAME.c is never overwritten.\n",
           NAME_MAX_LEN);
}

int lg_cmd_plugin_template(int argc, char **argv)
{
    static const struct option options[] = { { "dir", required_argument, 0, 'd' },
                                              { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *dir = ".";
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch == 'h') {
            help();
            return LG_EXIT_OK;
        }
        if (ch != 'd')
            return lg_cli_bad_option("plugin-template", ch, argv);
        dir = optarg;
    }
    if (optind >= argc) {
        fprintf(stderr, "litgan plugin-template: name the plugin, e.g. litgan plugin-template myloss\n");
        return LG_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "litgan plugin-template: one name at a time (got '%s' and '%s')\n", argv[optind],
                argv[optind + 1]);
        return LG_EXIT_USAGE;
    }
    const char *name = argv[optind];
    if (!good_name(name)) {
        fprintf(stderr,
                "litgan plugin-template: '%s' is not a plugin name: use lower-case letters, digits and '_', "
                "starting with a letter, at most %d (e.g. my_loss)\n",
                name, NAME_MAX_LEN);
        return LG_EXIT_USAGE;
    }
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s.c", dir, name) >= sizeof path) {
        fprintf(stderr, "litgan plugin-template: --dir is too long\n");
        return LG_EXIT_USAGE;
    }
    /* O_EXCL: never over an existing file (or a link to one), not even one
     * that appears between a check and the write */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(stderr, "litgan plugin-template: %s exists: choose another name or remove it first\n", path);
        else
            fprintf(stderr, "litgan plugin-template: cannot create %s: %s\n", path, strerror(errno));
        return LG_EXIT_USAGE;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        fprintf(stderr, "litgan plugin-template: cannot write %s: %s\n", path, strerror(errno));
        return LG_EXIT_USAGE;
    }
    fprintf(f, skeleton, name);
    if (ferror(f) | fclose(f)) {
        unlink(path);
        fprintf(stderr, "litgan plugin-template: writing %s failed\n", path);
        return LG_EXIT_FAIL;
    }
    printf("wrote %s\n", path);
    printf("compile: cc -O2 -shared -fPIC -I%s/core/include -o %s/%s.so %s\n", lg_source_root(), dir, name, path);
    printf("train:   litgan train --loss %s/%s.so\n", dir, name);
    printf("check:   litgan check-plugin %s/%s.so\n", dir, name);
    return LG_EXIT_OK;
}
