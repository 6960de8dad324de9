/*
 * labs.c - the lab registry. A lab is a folder ROOT/labs/NN-name/ with a
 * lab.ini (its title, student files, tasks and points, written questions) and
 * two objects built
 * from it, OBJECTS/NN-name/lab.so (visible tests, experiment) and hidden.so
 * (hidden tests; absent in a handout). The registry scans the folders once, on
 * first use, reads each lab.ini, loads the objects, checks them against it, and
 * keeps a lab that fails with its one-line error, so that one broken lab never
 * hides the others.
 */
#include "lg_course.h"

#include <ctype.h>
#include <dlfcn.h>
#include <glob.h>
#include <limits.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void scan(void);

static lg_lab **reg;            /* sorted by number */
static size_t n_labs, cap_labs;
static bool scanned;

/* FOLDER/litgan/sub, FOLDER the one that holds this library (dladdr), links
 * resolved: in the build tree build/lib/litgan/{home,labs} are links (made by
 * make) to the source tree and build/labs; installed, PREFIX/lib/litgan/labs
 * holds the objects and PREFIX/lib/litgan/home links to PREFIX/share/litgan. */
static const char lib_anchor = 0;
void lg_course_file(const char *sub, char *out, size_t n)
{
    Dl_info info;
    char lib[PATH_MAX], path[PATH_MAX + 64], real[PATH_MAX];
    snprintf(out, n, "%s", sub); /* relative to the working folder: no library path (not seen on glibc) */
    if (!dladdr(&lib_anchor, &info) || !info.dli_fname || !realpath(info.dli_fname, lib))
        return;
    *strrchr(lib, '/') = '\0';
    snprintf(path, sizeof path, "%s/litgan/%s", lib, sub);
    snprintf(out, n, "%s", realpath(path, real) ? real : path);
}

const char *lg_source_root(void)
{
    static char home[PATH_MAX];
    const char *env = getenv("LITGAN_HOME");
    if (env && *env)
        return env;
    if (!home[0])
        lg_course_file("home", home, sizeof home);
    return home;
}

const char *lg_lab_object_dir(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv("LITGAN_LAB_OBJECTS");
    if (env && *env)
        return env;
    if (!dir[0])
        lg_course_file("labs", dir, sizeof dir);
    return dir;
}

int lg_lab_number(const lg_lab *lab) { return lab->number; }
const char *lg_lab_dir(const lg_lab *lab) { return lab->dir; }
const char *lg_lab_title(const lg_lab *lab) { return lab->title; }
const char *lg_lab_teaches(const lg_lab *lab) { return lab->teaches; }
const char *lg_lab_time(const lg_lab *lab) { return lab->time; }
const char *lg_lab_error(const lg_lab *lab) { return lab->error; }
const char *lg_lab_root(const lg_lab *lab) { return lab->root; }
const char *lg_lab_file(const lg_lab *lab, size_t i) { return i < LG_MAX_LAB_FILES ? lab->files[i] : NULL; }
size_t lg_lab_task_count(const lg_lab *lab) { return lab->n_tasks; }

/* labs/DIR/answers.md, the student's written answers: by convention, not a key */
const char *lg_lab_answers(const lg_lab *lab, char *buf, size_t cap)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/labs/%s/answers.md", lab->root, lab->dir);
    if (access(path, R_OK) != 0)
        return NULL;
    snprintf(buf, cap, "labs/%s/answers.md", lab->dir);
    return buf;
}

const char *lg_lab_task(const lg_lab *lab, size_t k, const char **title, double *points)
{
    if (k >= lab->n_tasks)
        return NULL;
    if (title)
        *title = lab->tasks[k].title;
    if (points)
        *points = lab->tasks[k].points;
    return lab->tasks[k].number;
}

size_t lg_lab_question_count(const lg_lab *lab) { return lab->n_questions; }

const char *lg_lab_question(const lg_lab *lab, size_t k, const char **title, double *points)
{
    if (k >= lab->n_questions)
        return NULL;
    if (title)
        *title = lab->questions[k].title;
    if (points)
        *points = lab->questions[k].points;
    return lab->questions[k].number;
}

/* ---------------------------------------------------------------- lab.ini --- */

typedef struct ini_state {
    lg_lab *lab;
    lg_task *tasks;
    size_t cap;
    lg_question *questions;
    size_t q_cap;
    char bad[320];
} ini_state;

static char *trim_copy(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *c = lg_xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static int set_files(lg_lab *lab, const char *v, char *bad, size_t n_bad)
{
    size_t k = 0;
    for (const char *p = v; *p;) {
        size_t len = strcspn(p, ",");
        char *f = trim_copy(p, len);
        p += len + (p[len] == ',');
        if (!*f || f[0] == '/' || strstr(f, "..")) {
            snprintf(bad, n_bad, "files: '%s' is not a path inside the source tree", f);
            free(f);
            return 0;
        }
        if (k == LG_MAX_LAB_FILES) {
            snprintf(bad, n_bad, "files: more than %d student files", LG_MAX_LAB_FILES);
            free(f);
            return 0;
        }
        lab->files[k++] = f;
    }
    if (k == 0)
        snprintf(bad, n_bad, "files: no student file named");
    return k > 0;
}

static lg_task *task_named(ini_state *st, const char *number)
{
    for (size_t i = 0; i < st->lab->n_tasks; i++)
        if (!strcmp(st->tasks[i].number, number))
            return &st->tasks[i];
    return NULL;
}

static lg_question *question_named(ini_state *st, const char *number)
{
    for (size_t i = 0; i < st->lab->n_questions; i++)
        if (!strcmp(st->questions[i].number, number))
            return &st->questions[i];
    return NULL;
}

/* A title, or points: a number > 0 (NAN when the key is neither or repeated). */
static double points_value(const char *name, double have, const char *value)
{
    char *end = NULL;
    double p = !strcmp(name, "points") && have < 0 ? strtod(value, &end) : NAN;
    return end && end != value && !*end && isfinite(p) && p > 0 ? p : NAN;
}

/* [question N]: its title and points (the rubric's maximum). A question is
 * named by a whole number, as the writeup numbers its questions. */
static void on_question(ini_state *st, const char *section, const char *name, const char *value, char *why,
                        size_t cap)
{
    lg_lab *lab = st->lab;
    const char *number = section + 9;
    lg_question *q = question_named(st, number);
    if (!q) {
        bool ok = *number != '\0' && strlen(number) < 8 && *number != '0';
        for (const char *p = number; *p; p++)
            ok &= isdigit((unsigned char)*p) != 0;
        if (!ok) {
            snprintf(why, cap, "[%s]: a question is named by its number in the writeup, e.g. [question 3]",
                     section);
            return;
        }
        if (lab->n_questions == st->q_cap) {
            st->q_cap = st->q_cap ? 2 * st->q_cap : 8;
            st->questions = lg_xrealloc(st->questions, st->q_cap * sizeof *st->questions);
        }
        q = &st->questions[lab->n_questions++];
        *q = (lg_question){ lg_xstrdup(number), NULL, -1 };
    }
    double p = points_value(name, q->points, value);
    if (!strcmp(name, "title") && *value && !q->title)
        q->title = lg_xstrdup(value);
    else if (!isnan(p))
        q->points = p;
    else
        snprintf(why, cap, "[%s]: unknown, repeated or bad key '%s' (title, points > 0)", section, name);
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    ini_state *st = user;
    lg_lab *lab = st->lab;
    char why[sizeof st->bad] = "";
    if (!strcmp(section, "lab")) {
        if (!strcmp(name, "title") && *value && !lab->title)
            lab->title = lg_xstrdup(value);
        else if (!strcmp(name, "teaches") && *value && !lab->teaches)
            lab->teaches = lg_xstrdup(value);
        else if (!strcmp(name, "time") && *value && !lab->time)
            lab->time = lg_xstrdup(value);
        else if (!strcmp(name, "files") && !lab->files[0])
            set_files(lab, value, why, sizeof why);
        else
            snprintf(why, sizeof why, "[lab]: unknown or repeated key '%s' (title, teaches, time, files)", name);
    } else if (!strncmp(section, "task ", 5)) {
        const char *number = section + 5;
        lg_task *t = task_named(st, number);
        if (!t) {
            bool ok = *number != '\0';
            for (const char *p = number; *p; p++)
                ok &= isdigit((unsigned char)*p) || (*p == '.' && p != number && p[1]);
            if (!ok) {
                snprintf(why, sizeof why, "[%s]: a task is named by its number, e.g. [task 1.2]", section);
                goto bad;
            }
            if (lab->n_tasks == st->cap) {
                st->cap = st->cap ? 2 * st->cap : 8;
                st->tasks = lg_xrealloc(st->tasks, st->cap * sizeof *st->tasks);
            }
            t = &st->tasks[lab->n_tasks++];
            *t = (lg_task){ lg_xstrdup(number), NULL, -1 };
        }
        double p = points_value(name, t->points, value);
        if (!strcmp(name, "title") && *value && !t->title)
            t->title = lg_xstrdup(value);
        else if (!isnan(p))
            t->points = p;
        else
            snprintf(why, sizeof why, "[%s]: unknown, repeated or bad key '%s' (title, points > 0)", section,
                     name);
    } else if (!strncmp(section, "question ", 9)) {
        on_question(st, section, name, value, why, sizeof why);
    }
    /* other sections ([experiment], [smoke], ...) are the experiment's */
bad:
    if (!why[0])
        return 1;
    if (!st->bad[0])
        snprintf(st->bad, sizeof st->bad, "%s", why);
    return 0;
}

const char *lg_ini_bad_line(const char *path, int *line)
{
    /* inih reads a line in pieces of INI_MAX_LINE - 1 bytes and counts each
     * piece as a line: the first line longer than that, at or before the
     * one it names, is the one to fix */
    FILE *f = fopen(path, "r");
    int c, n = 1, pieces = 1;
    size_t len = 0;
    while (f && pieces <= *line && (c = getc(f)) != EOF) {
        if (++len + 1 > INI_MAX_LINE - 1 && c != '\n') {
            fclose(f);
            *line = n;
            return "the line is too long (at most 198 characters): shorten it";
        }
        if (c == '\n') {
            n++;
            pieces++;
            len = 0;
        }
    }
    if (f)
        fclose(f);
    return "not an ini line (a [section], key = value, or a ; comment)";
}

static int read_ini(lg_lab *lab)
{
    ini_state st = { .lab = lab };
    int line = ini_parse(lab->ini_path, on_ini, &st);
    lab->tasks = st.tasks;
    lab->questions = st.questions;
    if (line < 0)
        return lg_seterr(LG_EIO, "%s: cannot read the lab's definition", lab->ini_path);
    if (line > 0) {
        const char *why = st.bad[0] ? st.bad : lg_ini_bad_line(lab->ini_path, &line);
        return lg_seterr(LG_EFORMAT, "%s:%d: %s", lab->ini_path, line, why);
    }
    if (!lab->title)
        return lg_seterr(LG_EFORMAT, "%s: [lab] has no title", lab->ini_path);
    if (!lab->files[0])
        return lg_seterr(LG_EFORMAT, "%s: [lab] names no student files (files = PATH, PATH)", lab->ini_path);
    if (lab->n_tasks == 0)
        return lg_seterr(LG_EFORMAT, "%s: no [task N.M] section", lab->ini_path);
    for (size_t i = 0; i < lab->n_tasks; i++)
        if (!lab->tasks[i].title || lab->tasks[i].points < 0)
            return lg_seterr(LG_EFORMAT, "%s: [task %s] needs a title and points", lab->ini_path,
                             lab->tasks[i].number);
    for (size_t i = 0; i < lab->n_questions; i++)
        if (!lab->questions[i].title || lab->questions[i].points < 0)
            return lg_seterr(LG_EFORMAT, "%s: [question %s] needs a title and points", lab->ini_path,
                             lab->questions[i].number);
    return LG_OK;
}

/* ------------------------------------------------------------- the objects --- */

static size_t task_index(const lg_lab *lab, const char *task)
{
    for (size_t i = 0; i < lab->n_tasks; i++)
        if (strcmp(lab->tasks[i].number, task) == 0)
            return i;
    return lab->n_tasks;
}

/* Check one descriptor (from `what`) and append its tests. */
static int add_module(lg_lab *lab, const lg_lab_module *m, lg_visibility vis, const char *what)
{
    if (m->abi_version != LG_LAB_ABI_VERSION)
        return lg_seterr(LG_EFORMAT, "%s: lab ABI version %u, this litgan speaks %u (rebuild the lab: make)", what,
                         m->abi_version, LG_LAB_ABI_VERSION);
    if (m->struct_size < sizeof(lg_lab_module))
        return lg_seterr(LG_EFORMAT, "%s: descriptor of %u bytes, expected %zu (rebuild the lab: make)", what,
                         m->struct_size, sizeof(lg_lab_module));
    if (!m->dir || strcmp(m->dir, lab->dir) != 0)
        return lg_seterr(LG_EFORMAT, "%s: built for lab '%s', found in folder '%s'", what, m->dir ? m->dir : "",
                         lab->dir);
    if (m->n_tests && !m->tests)
        return lg_seterr(LG_EFORMAT, "%s: %zu tests but no table", what, m->n_tests);
    for (size_t i = 0; i < m->n_tests; i++) {
        const lg_grade_test *t = &m->tests[i];
        if (!t->task || !t->name || !*t->name || !t->fn || !(t->points >= 0))
            return lg_seterr(LG_EFORMAT, "%s: test %zu needs a task, a name, a function and points >= 0", what,
                             i + 1);
        if (task_index(lab, t->task) == lab->n_tasks)
            return lg_seterr(LG_EFORMAT, "%s: test '%s' belongs to task %s, which %s does not list", what, t->name,
                             t->task, lab->ini_path);
        if (t->visibility != vis)
            return lg_seterr(LG_EFORMAT, "%s: test '%s' is %s, but only %s tests belong in this object", what,
                             t->name, t->visibility == LG_HIDDEN ? "hidden" : "visible",
                             vis == LG_HIDDEN ? "hidden" : "visible");
    }
    lab->tests = lg_xrealloc(lab->tests, (lab->n_tests + m->n_tests + 1) * sizeof *lab->tests);
    if (m->n_tests) /* a module without tests may have no table: memcpy from NULL is undefined */
        memcpy(lab->tests + lab->n_tests, m->tests, m->n_tests * sizeof *m->tests);
    lab->n_tests += m->n_tests;
    return LG_OK;
}

/* Stable by construction: task order, visible first, then the module's order
 * (the visible module's tests come first in the array). */
static void sort_tests(lg_lab *lab)
{
    for (size_t i = 1; i < lab->n_tests; i++) {
        lg_grade_test t = lab->tests[i];
        size_t k = i, ti = task_index(lab, t.task);
        while (k > 0) {
            const lg_grade_test *p = &lab->tests[k - 1];
            size_t tp = task_index(lab, p->task);
            if (tp < ti || (tp == ti && p->visibility <= t.visibility))
                break;
            lab->tests[k] = *p;
            k--;
        }
        lab->tests[k] = t;
    }
}

/* Every task's tests add up to its points (only the visible ones are there
 * without hidden.so: they may not exceed them). */
static int check_points(const lg_lab *lab)
{
    for (size_t k = 0; k < lab->n_tasks; k++) {
        double sum = 0;
        for (size_t i = 0; i < lab->n_tests; i++)
            if (!strcmp(lab->tests[i].task, lab->tasks[k].number))
                sum += lab->tests[i].points;
        double want = lab->tasks[k].points;
        if (lab->has_hidden ? fabs(sum - want) > 1e-9 : sum > want + 1e-9)
            return lg_seterr(LG_EFORMAT, "%s: task %s has %g points, its %stests add up to %g", lab->ini_path,
                             lab->tasks[k].number, want, lab->has_hidden ? "" : "visible ", sum);
    }
    return LG_OK;
}

/* LG_EINVAL when a registered lab has lab's number. */
static int clash(const lg_lab *lab)
{
    for (size_t i = 0; i < n_labs; i++)
        if (reg[i]->number == lab->number)
            return lg_seterr(LG_EINVAL, "%s/labs/%s: lab %02d is also %s/labs/%s", lab->root, lab->dir, lab->number,
                             reg[i]->root, reg[i]->dir);
    return LG_OK;
}

static void insert(lg_lab *lab)
{
    if (n_labs == cap_labs) {
        cap_labs = cap_labs ? 2 * cap_labs : 16;
        reg = lg_xrealloc(reg, cap_labs * sizeof *reg);
    }
    size_t k = n_labs++;
    while (k > 0 && reg[k - 1]->number > lab->number) {
        reg[k] = reg[k - 1];
        k--;
    }
    reg[k] = lab;
}

/* The lab's number from its folder's name "NN-name"; -1 when it has none. */
static int folder_number(const char *dir)
{
    size_t d = strspn(dir, "0123456789");
    if (d == 0 || d > 4 || dir[d] != '-' || !dir[d + 1])
        return -1;
    return atoi(dir);
}

static lg_lab *new_lab(const char *root, const char *dir, const char *ini_path)
{
    lg_lab *lab = lg_xcalloc(1, sizeof *lab);
    lab->number = folder_number(dir);
    lab->dir = lg_xstrdup(dir);
    lab->root = lg_xstrdup(root);
    lab->ini_path = lg_xstrdup(ini_path);
    return lab;
}

static int fill(lg_lab *lab, const lg_lab_module *visible, const char *vis_what, const lg_lab_module *hidden,
                const char *hid_what)
{
    int rc = lab->number < 0 ? lg_seterr(LG_EINVAL, "labs/%s: a lab folder is named NN-name", lab->dir)
                             : read_ini(lab);
    if (rc == LG_OK)
        rc = add_module(lab, visible, LG_VISIBLE, vis_what);
    if (rc == LG_OK && hidden) {
        lab->has_hidden = true;
        rc = add_module(lab, hidden, LG_HIDDEN, hid_what);
    }
    if (rc == LG_OK) {
        sort_tests(lab);
        rc = check_points(lab);
    }
    if (rc == LG_OK)
        lab->experiment = visible->experiment;
    return rc;
}

static void lab_free(lg_lab *lab)
{
    if (!lab)
        return;
    for (size_t i = 0; i < lab->n_tasks; i++) {
        free((char *)lab->tasks[i].number);
        free((char *)lab->tasks[i].title);
    }
    free((lg_task *)lab->tasks);
    for (size_t i = 0; i < lab->n_questions; i++) {
        free((char *)lab->questions[i].number);
        free((char *)lab->questions[i].title);
    }
    free((lg_question *)lab->questions);
    for (size_t i = 0; i < LG_MAX_LAB_FILES; i++)
        free((char *)lab->files[i]);
    free((char *)lab->dir), free((char *)lab->title), free((char *)lab->root), free((char *)lab->ini_path);
    free((char *)lab->teaches), free((char *)lab->time);
    free((char *)lab->error);
    free((char *)lab->child);
    free(lab->tests);
    free(lab);
}

int lg_lab_open(const char *root, const char *dir, const char *ini_path, const lg_lab_module *visible,
                const lg_lab_module *hidden, lg_lab **out)
{
    lg_lab *lab = new_lab(root, dir, ini_path);
    int rc = fill(lab, visible, ini_path, hidden, ini_path);
    if (rc != LG_OK) {
        lab_free(lab);
        lab = NULL;
    }
    *out = lab;
    return rc;
}

void lg_lab_close(lg_lab *lab) { lab_free(lab); }

int lg_lab_add(const char *root, const char *dir, const char *ini_path, const lg_lab_module *visible,
               const lg_lab_module *hidden, const lg_lab **out)
{
    scan(); /* first the source tree's, so that a clash of numbers is seen */
    lg_lab *lab;
    int rc = lg_lab_open(root, dir, ini_path, visible, hidden, &lab);
    if (rc == LG_OK && (rc = clash(lab)) != LG_OK) {
        lab_free(lab);
        lab = NULL;
    }
    if (rc == LG_OK)
        insert(lab);
    if (out)
        *out = lab;
    return rc;
}

/* dlopen path and call its entry; NULL with lg_errmsg set. The object stays
 * loaded for the life of the process (its tests point into it). */
static const lg_lab_module *load_object(const char *path, const char *entry)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        lg_seterr(LG_EPLUGIN, "%s", dlerror());
        return NULL;
    }
    lg_lab_entry_fn fn;
    *(void **)&fn = dlsym(dl, entry);
    const lg_lab_module *m = fn ? fn() : NULL;
    if (!m) {
        lg_seterr(LG_EPLUGIN, "%s: no %s() returning a lab descriptor", path, entry);
        dlclose(dl);
    }
    return m;
}

static void load_folder(const char *root, const char *dir, const char *obj_dir)
{
    char ini[4096], so[4096], hid[4096];
    snprintf(ini, sizeof ini, "%s/labs/%s/lab.ini", root, dir);
    snprintf(so, sizeof so, "%s/%s/lab.so", obj_dir, dir);
    snprintf(hid, sizeof hid, "%s/%s/hidden.so", obj_dir, dir);
    lg_lab *lab = new_lab(root, dir, ini);
    int rc = LG_OK;
    const lg_lab_module *visible = NULL, *hidden = NULL;
    if (access(so, F_OK) != 0)
        rc = lg_seterr(LG_EIO, "lab %s is not built: no %s (run make; its compiler errors say why)", dir, so);
    else if (!(visible = load_object(so, LG_LAB_ENTRY)))
        rc = LG_EPLUGIN;
    else if (access(hid, F_OK) == 0 && !(hidden = load_object(hid, LG_LAB_HIDDEN_ENTRY)))
        rc = LG_EPLUGIN;
    if (rc == LG_OK)
        rc = fill(lab, visible, so, hidden, hid);
    char child[4096];
    snprintf(child, sizeof child, "%s/%s/child.so", obj_dir, dir);
    if (rc == LG_OK && access(child, F_OK) == 0)
        lab->child = lg_xstrdup(child);
    if (rc == LG_OK && lab->number >= 0)
        rc = clash(lab);
    if (rc != LG_OK) {
        lab->error = lg_xstrdup(lg_errmsg());
        if (!lab->title) /* the listing still names it */
            lab->title = lg_xstrdup("(not loaded)");
    }
    insert(lab);
}

int lg_lab_add_root(const char *root, const char *obj_dir)
{
    char pattern[4096];
    /* a pattern match, not a listing: glob is the clearest tool (lg_dir_list lists) */
    snprintf(pattern, sizeof pattern, "%s/labs/*/lab.ini", root);
    glob_t g;
    int grc = glob(pattern, 0, NULL, &g);
    if (grc == GLOB_NOMATCH)
        return LG_OK;
    if (grc != 0)
        return lg_seterr(LG_EIO, "%s/labs: cannot list the labs", root);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *p = g.gl_pathv[i];
        p[strlen(p) - strlen("/lab.ini")] = '\0';
        load_folder(root, strrchr(p, '/') + 1, obj_dir);
    }
    globfree(&g);
    return LG_OK;
}

void lg_lab_remove_root(const char *root)
{
    size_t k = 0;
    for (size_t i = 0; i < n_labs; i++) {
        if (!strcmp(reg[i]->root, root))
            lab_free(reg[i]); /* its objects stay loaded: nothing points into them then */
        else
            reg[k++] = reg[i];
    }
    n_labs = k;
}

static void scan(void)
{
    if (scanned)
        return;
    scanned = true;
    lg_lab_add_root(lg_source_root(), lg_lab_object_dir());
}

/* --------------------------------------------------------------- lookups --- */

size_t lg_lab_count(void)
{
    scan();
    return n_labs;
}

const lg_lab *lg_lab_at(size_t i)
{
    scan();
    return i < n_labs ? reg[i] : NULL;
}

const lg_grade_test *lg_lab_tests(const lg_lab *lab, size_t *n)
{
    *n = lab->n_tests;
    return lab->tests;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static const lg_lab *usable(const lg_lab *lab)
{
    if (lab->error) {
        lg_seterr(LG_EINVAL, "%s", lab->error);
        return NULL;
    }
    return lab;
}

const lg_lab *lg_lab_find(const char *which)
{
    scan();
    if (!which || !*which) {
        lg_seterr(LG_EINVAL, "name a lab by number (01) or folder (01-minimax)");
        return NULL;
    }
    /* accept "labs/01-minimax/" as typed with tab completion */
    char w[256];
    snprintf(w, sizeof w, "%s", strncmp(which, "labs/", 5) == 0 ? which + 5 : which);
    size_t len = strlen(w);
    while (len > 0 && w[len - 1] == '/')
        w[--len] = '\0';
    if (all_digits(w) && len <= 6) {
        int number = atoi(w);
        for (size_t i = 0; i < n_labs; i++)
            if (reg[i]->number == number)
                return usable(reg[i]);
    } else {
        for (size_t i = 0; i < n_labs; i++) {
            const char *dir = reg[i]->dir, *dash = strchr(dir, '-');
            if (strcmp(dir, w) == 0 || (dash && strcmp(dash + 1, w) == 0))
                return usable(reg[i]);
        }
    }
    char known[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n_labs && used + 1 < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", reg[i]->dir);
    if (n_labs)
        lg_seterr(LG_EINVAL, "no lab '%s' (labs: %s)", which, known);
    else
        lg_seterr(LG_EINVAL, "no lab '%s' (no labs/NN-name/lab.ini under %s)", which, lg_source_root());
    return NULL;
}

int lg_lab_experiment(const lg_lab *lab, const char *out_dir, const char *profile)
{
    if (!lab->experiment)
        return lg_seterr(LG_EINVAL, "lab %02d has no experiment", lab->number);
    lg_lab_run run = { lab, lab->ini_path, out_dir, profile };
    return lab->experiment(&run);
}
