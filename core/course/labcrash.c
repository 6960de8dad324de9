/*
 * labcrash.c - a crash in student code during `litgan lab NN` says where it
 * happened and how to debug it, instead of a bare "Segmentation fault":
 *
 *   litgan lab 01: your code crashed: SIGSEGV (a bad pointer: NULL, freed or
 *   out of bounds) in plugins/gan.c, function gan_d_loss, during training
 *   step 1 of the minimax run.
 *   To debug it: gdb -q -ex run -ex bt --args /abs/bin/litgan lab 01 --smoke
 *
 * Why a signal handler in this process and not the experiment in a child
 * process reported on by the parent: the experiment loads the student's code
 * in-process on purpose (it is the student's own run), and only the crashing
 * process knows where it stopped - the parent of a child would see a signal
 * number and nothing else, unless it ran a debugger. The handler sees the
 * faulting instruction and the call stack directly.
 *
 * How. While an experiment runs (lg_labcrash_begin/end, labcmd.c) SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL and SIGABRT are caught on an alternate stack (a stack
 * overflow is a SIGSEGV too). Everything the handler needs is prepared
 * beforehand, outside it: each student object (built one per lab file by
 * lg_labkit_files_open) is registered with its lab file's name and the
 * function symbols of its ELF symbol table (.symtab: static functions too,
 * which dladdr does not see), and the gdb command line is made from
 * /proc/self/cmdline. In the handler only async-signal-safe calls are made
 * (open, read, write, close) plus backtrace(), warmed up once at begin so
 * that it loads nothing there: the faulting instruction (from the signal's
 * context) and the return addresses of the stack are looked up in
 * /proc/self/maps; the first that lies in a student object names the file,
 * and its offset in that object the function. The lab kit keeps the step
 * (lg_labkit_run_step) and the phase (lg_labkit_phase) in plain variables.
 * Then the signal's default action is restored and the signal raised again,
 * so the exit status is the crash's as before.
 */
#include "lg_labcrash.h"

#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_OBJECTS 16
#define MAX_FRAMES 64

typedef struct crash_sym {
    uintptr_t value, size;
    char *name;
} crash_sym;

typedef struct crash_object {
    char path[4096];          /* the .so the lab kit built */
    char file[256];           /* the lab file it is built from: "plugins/gan.c" */
    crash_sym *syms;
    size_t n_syms;
} crash_object;

static crash_object objects[MAX_OBJECTS];
static volatile sig_atomic_t n_objects;

/* what the experiment is doing: set by the lab kit, read by the handler */
static const char *volatile phase_what;
static volatile long phase_step = -1;
static volatile int phase_kind; /* 0 a phase, 1 during a training step, 2 after one */

static char who[64] = "litgan lab";
static char gdb_line[8192];
static bool active;
static struct sigaction saved[5];
static stack_t saved_stack;
static char alt_stack[1 << 16];
static const int crash_signals[5] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

/* ------------------------------------------------------ the phase and step --- */

void lg_labkit_phase(const char *what, long step)
{
    phase_kind = 0;
    phase_step = step;
    phase_what = what;
}

void lg_labcrash_step(const char *what, long step, bool during)
{
    phase_what = what;
    phase_step = step;
    phase_kind = during ? 1 : 2;
}

/* --------------------------------------------------- the student's objects --- */

/* The function symbols (STT_FUNC, defined, with a size) of the ELF shared
 * object at path: .symtab when it has one, else .dynsym. */
static void read_symbols(const char *path, crash_object *o)
{
    size_t len;
    char *img = lg_read_file(path, &len);
    if (!img)
        return;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len) {
        free(img);
        return;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    const Elf64_Shdr *tab = NULL;
    for (int want = SHT_SYMTAB; !tab && want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0)
        for (size_t i = 0; i < eh->e_shnum; i++)
            if (sh[i].sh_type == (Elf64_Word)want && sh[i].sh_link < eh->e_shnum) {
                tab = &sh[i];
                break;
            }
    if (tab && tab->sh_offset + tab->sh_size <= len) {
        const Elf64_Shdr *str = &sh[tab->sh_link];
        const Elf64_Sym *sym = (const Elf64_Sym *)(img + tab->sh_offset);
        size_t n = tab->sh_size / sizeof *sym;
        o->syms = lg_xcalloc(n + 1, sizeof *o->syms);
        for (size_t i = 0; i < n && str->sh_offset + str->sh_size <= len; i++) {
            if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC || sym[i].st_shndx == SHN_UNDEF || !sym[i].st_size ||
                sym[i].st_name >= str->sh_size)
                continue;
            const char *name = img + str->sh_offset + sym[i].st_name;
            crash_sym *s = &o->syms[o->n_syms++];
            s->value = sym[i].st_value;
            s->size = sym[i].st_size;
            s->name = strndup(name, str->sh_size - sym[i].st_name);
        }
    }
    free(img);
}

void lg_labcrash_add(const char *so_path, const char *lab_file)
{
    if (!so_path[0] || n_objects >= MAX_OBJECTS)
        return;
    crash_object *o = &objects[n_objects];
    memset(o, 0, sizeof *o);
    snprintf(o->path, sizeof o->path, "%s", so_path);
    snprintf(o->file, sizeof o->file, "%s", lab_file);
    read_symbols(so_path, o);
    n_objects = n_objects + 1; /* visible to the handler once complete */
}

void lg_labcrash_remove(const char *so_path)
{
    for (sig_atomic_t i = 0; i < n_objects; i++)
        if (!strcmp(objects[i].path, so_path)) {
            crash_object gone = objects[i];
            objects[i] = objects[n_objects - 1];
            n_objects = n_objects - 1;
            for (size_t k = 0; k < gone.n_syms; k++)
                free(gone.syms[k].name);
            free(gone.syms);
            return;
        }
}

/* -------------------------------------------------------------- the handler --- */

/* A line buffer filled without stdio (async-signal-safe). */
typedef struct line {
    char b[2048];
    size_t n;
} line;

static void put(line *l, const char *s)
{
    while (s && *s && l->n + 1 < sizeof l->b)
        l->b[l->n++] = *s++;
}

static void put_num(line *l, unsigned long v, unsigned base)
{
    char d[32];
    size_t k = 0;
    do
        d[k++] = "0123456789abcdef"[v % base];
    while ((v /= base) && k < sizeof d);
    while (k && l->n + 1 < sizeof l->b)
        l->b[l->n++] = d[--k];
}

static unsigned long parse_hex(const char **p)
{
    unsigned long v = 0;
    for (;; (*p)++) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return v;
        v = v * 16 + (unsigned long)d;
    }
}

static char maps[1 << 18];

/* Read /proc/self/maps into maps (once per crash). */
static size_t read_maps(void)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t n = 0;
    ssize_t got;
    while (n + 1 < sizeof maps && (got = read(fd, maps + n, sizeof maps - 1 - n)) > 0)
        n += (size_t)got;
    close(fd);
    maps[n] = '\0';
    return n;
}

/* The registered object that holds addr, and addr's offset from its load
 * address (the lowest mapping of its file), from the text of /proc/self/maps. */
static const crash_object *object_of(uintptr_t addr, uintptr_t *rel)
{
    for (sig_atomic_t i = 0; i < n_objects; i++) {
        const crash_object *o = &objects[i];
        size_t pl = strlen(o->path);
        uintptr_t base = UINTPTR_MAX;
        bool inside = false;
        for (const char *l = maps; *l;) {
            const char *end = strchr(l, '\n');
            if (!end)
                end = l + strlen(l);
            const char *path = memchr(l, '/', (size_t)(end - l));
            if (path && (size_t)(end - path) == pl && !memcmp(path, o->path, pl)) {
                const char *p = l;
                uintptr_t lo = parse_hex(&p);
                p++;
                uintptr_t hi = parse_hex(&p);
                base = lo < base ? lo : base;
                inside |= addr >= lo && addr < hi;
            }
            l = *end ? end + 1 : end;
        }
        if (inside) {
            *rel = addr - base;
            return o;
        }
    }
    return NULL;
}

static const char *function_at(const crash_object *o, uintptr_t rel)
{
    for (size_t i = 0; i < o->n_syms; i++)
        if (rel >= o->syms[i].value && rel < o->syms[i].value + o->syms[i].size)
            return o->syms[i].name;
    return NULL;
}

static const char *signal_says(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (a bad pointer: NULL, freed or out of bounds; or a stack overflow)";
    case SIGBUS: return "SIGBUS (a misaligned or unmapped memory access)";
    case SIGFPE: return "SIGFPE (an integer division by zero or overflow)";
    case SIGILL: return "SIGILL (an illegal instruction, e.g. __builtin_trap or unreachable code reached)";
    case SIGABRT: return "SIGABRT (abort: a failed assert, or the C library found corrupted memory)";
    }
    return "a fatal signal";
}

static uintptr_t context_pc(void *uc)
{
    const ucontext_t *u = uc;
#if defined(__x86_64__)
    return (uintptr_t)u->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)u->uc_mcontext.pc;
#else
    (void)u;
    return 0;
#endif
}

static void on_crash(int sig, siginfo_t *info, void *uc)
{
    (void)info;
    void *frames[MAX_FRAMES];
    int n = backtrace(frames, MAX_FRAMES);
    read_maps();
    const crash_object *o = NULL;
    uintptr_t rel = 0;
    bool own_frame = false; /* the crash is in the student's function itself */
    uintptr_t pc = context_pc(uc);
    if (pc && (o = object_of(pc, &rel)))
        own_frame = true;
    for (int i = 0; !o && i < n; i++)
        if ((o = object_of((uintptr_t)frames[i] - 1, &rel))) /* -1: inside the call, not after it */
            break;
    line l = { .n = 0 };
    put(&l, "\n");
    put(&l, who);
    put(&l, o ? ": your code crashed: " : ": crashed: ");
    put(&l, signal_says(sig));
    if (o) {
        put(&l, own_frame ? " in " : " in a call made from ");
        put(&l, o->file);
        const char *fn = function_at(o, rel);
        put(&l, fn ? ", function " : ", at offset 0x");
        if (fn)
            put(&l, fn);
        else
            put_num(&l, rel, 16);
    } else if (n_objects) {
        put(&l, " outside your files (");
        for (sig_atomic_t i = 0; i < n_objects; i++) {
            put(&l, i ? ", " : "");
            put(&l, objects[i].file);
        }
        put(&l, "): perhaps from a value your code returned (a NULL node, a wrong size)");
    }
    const char *what = phase_what;
    if (what) {
        long step = phase_step;
        int kind = phase_kind;
        put(&l, kind == 1 ? ", during training step " : kind == 2 ? ", after training step " : ", while ");
        if (kind) {
            put_num(&l, (unsigned long)step, 10);
            put(&l, " of ");
            put(&l, what);
        } else {
            put(&l, what);
            if (step >= 0) {
                put(&l, " (step ");
                put_num(&l, (unsigned long)step, 10);
                put(&l, ")");
            }
        }
    }
    put(&l, ".\n");
    if (gdb_line[0]) {
        put(&l, "To debug it, rerun it under gdb (it stops where it crashes; bt shows the calls):\n  ");
        put(&l, gdb_line);
        put(&l, "\n");
    }
    lg_write_all(STDERR_FILENO, l.b, l.n);
    /* the default action, as if nothing had caught it */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ------------------------------------------------------------ begin and end --- */

/* "gdb -q -ex run -ex bt --args EXE ARG...", from /proc/self (arguments quoted
 * for the shell when they need it). */
static void make_gdb_line(void)
{
    char exe[4096];
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t len;
    char *cmd = lg_read_file("/proc/self/cmdline", &len);
    gdb_line[0] = '\0';
    if (el <= 0 || !cmd) {
        free(cmd);
        return;
    }
    exe[el] = '\0';
    FILE *o = fmemopen(gdb_line, sizeof gdb_line, "w");
    if (!o) {
        free(cmd);
        return;
    }
    const char *home = getenv("LITGAN_HOME"); /* the tree this run reads: the rerun must too */
    if (home && *home)
        fprintf(o, "LITGAN_HOME='%s' ", home);
    fprintf(o, "gdb -q -ex run -ex bt --args %s", exe);
    size_t i = strlen(cmd) + 1; /* past argv[0]: the executable itself */
    for (; i < len; i += strlen(cmd + i) + 1) {
        const char *a = cmd + i;
        if (a[0] && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@") ==
                        strlen(a)) {
            fprintf(o, " %s", a);
            continue;
        }
        fputs(" '", o);
        for (; *a; a++)
            *a == '\'' ? fputs("'\\''", o) : fputc(*a, o);
        fputc('\'', o);
    }
    fclose(o);
    free(cmd);
}

void lg_labcrash_begin(const lg_lab *lab)
{
    if (active)
        return;
    snprintf(who, sizeof who, "litgan lab %02d", lab->number);
    make_gdb_line();
    lg_labkit_phase("setting up the experiment", -1);
    void *warm[4];
    backtrace(warm, 4); /* loads the unwinder now, not in the handler */
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0 };
    sigaltstack(&ss, &saved_stack);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 5; i++)
        sigaction(crash_signals[i], &sa, &saved[i]);
    active = true;
}

void lg_labcrash_end(void)
{
    if (!active)
        return;
    for (size_t i = 0; i < 5; i++)
        sigaction(crash_signals[i], &saved[i], NULL);
    sigaltstack(&saved_stack, NULL);
    phase_what = NULL;
    active = false;
}
