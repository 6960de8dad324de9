/*
 * fsio.c - the one atomic write: a temporary file in the target's folder,
 * written, flushed, fsync'ed and renamed over the target, so a reader sees the
 * old file or the new one, never half of one, and a failed write leaves the
 * old file as it was.
 *
 * Only a regular file (or a path that does not exist yet) is replaced. A path
 * that exists and is something else is never renamed over: a character device
 * or a FIFO (/dev/null, /dev/stdout, a pipe) is written through, in place; a
 * folder or anything else is refused. A symbolic link is followed, and the
 * file it points to is replaced (the link stays). A replaced file keeps its
 * permission bits; a new one gets 0666 less the umask, as fopen would.
 *
 * Beside it, two plain helpers every writer of files and pipes shares:
 * lg_write_all (a whole buffer through short writes and EINTR, allocating
 * nothing) and lg_rm_rf (a folder and everything in it, links not followed);
 * and the one directory listing, lg_dir_list (a folder's names, sorted) with
 * the walker over it, lg_dir_walk (a tree, depth first, in that order).
 */
#include "lg_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int lg_atomic_open(lg_atomic *a, const char *path)
{
    memset(a, 0, sizeof *a);
    char *real = realpath(path, NULL); /* NULL when it does not exist yet */
    a->path = lg_xstrdup(real ? real : path);
    free(real);
    struct stat st;
    bool exists = stat(a->path, &st) == 0;
    if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
        /* without blocking: a FIFO gets 10 s for a reader to open it (one
         * starting with the writer), then is refused instead of waited on forever */
        int fd = -1;
        for (int tries = 0; tries < 1000; tries++) {
            if ((fd = open(a->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0 || errno != ENXIO)
                break;
            struct timespec ts = { 0, 10000000 };
            nanosleep(&ts, NULL);
        }
        if (fd >= 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            if (!(a->f = fdopen(fd, "w")))
                close(fd);
        }
        if (!a->f) {
            int e = errno;
            lg_atomic_abort(a);
            return lg_seterr(LG_EIO, "cannot write %s: %s", path, e == ENXIO ? "a FIFO that nobody opened to "
                             "read in 10 s" : strerror(e));
        }
        a->direct = true;
        return LG_OK;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        lg_atomic_abort(a);
        return lg_seterr(LG_EIO, "cannot write %s: it exists and is not a regular file", path);
    }
    char *slash = strrchr(a->path, '/');
    if (slash && slash != a->path) {
        *slash = '\0';
        int rc = lg_mkdir_p(a->path);
        *slash = '/';
        if (rc != LG_OK) {
            lg_atomic_abort(a);
            return rc;
        }
    }
    size_t len = strlen(a->path) + 16;
    a->tmp = lg_xmalloc(len);
    snprintf(a->tmp, len, "%s.tmp.XXXXXX", a->path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        lg_atomic_abort(a);
        return lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(e));
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    a->f = fdopen(fd, "w");
    if (!a->f) {
        int e = errno;
        close(fd);
        lg_atomic_abort(a);
        return lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return LG_OK;
}

void lg_atomic_abort(lg_atomic *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
}

int lg_atomic_commit(lg_atomic *a)
{
    errno = 0;
    bool ok = fflush(a->f) == 0 && !ferror(a->f);
    int e = ok ? 0 : errno ? errno : EIO;
    if (ok && !a->direct && fsync(fileno(a->f)) != 0) {
        ok = false;
        e = errno;
    }
    if (fclose(a->f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    a->f = NULL;
    if (ok && !a->direct && rename(a->tmp, a->path) != 0) {
        ok = false;
        e = errno;
    }
    if (ok && !a->direct) {
        free(a->tmp); /* renamed: nothing left to remove */
        a->tmp = NULL;
        /* the rename itself reaches the disk with the folder */
        char *slash = strrchr(a->path, '/');
        if (slash) {
            *slash = '\0';
            int dfd = open(slash == a->path ? "/" : a->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            *slash = '/';
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
        }
    }
    int rc = ok ? LG_OK : lg_seterr(LG_EIO, "cannot write %s: %s", a->path, strerror(e));
    lg_atomic_abort(a);
    return rc;
}

int lg_write_atomic(const char *path, const void *data, size_t n)
{
    lg_atomic a;
    int rc = lg_atomic_open(&a, path);
    if (rc != LG_OK)
        return rc;
    if (n && fwrite(data, 1, n, a.f) != n) {
        int e = errno;
        lg_atomic_abort(&a);
        return lg_seterr(LG_EIO, "cannot write %s: %s", path, strerror(e ? e : EIO));
    }
    return lg_atomic_commit(&a);
}

bool lg_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* nftw, not lg_dir_walk: removal needs a folder's contents before the folder
 * (FTW_DEPTH) and must not follow links out of the tree (FTW_PHYS), which is
 * what nftw does. */
void lg_rm_rf(const char *dir)
{
    if (dir && *dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------- folder listings --- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lg_dir_list(const char *dir, lg_strvec *names)
{
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        lg_seterr(LG_EIO, "cannot open %s: %s", dir, strerror(e));
        errno = e;
        return LG_EIO;
    }
    size_t first = names->n;
    int e = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            e = errno;
            break;
        }
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            lg_strvec_push(names, de->d_name);
    }
    closedir(d);
    if (names->n - first > 1) /* (an empty list has no array to sort) */
        qsort(names->w + first, names->n - first, sizeof *names->w, cmp_names);
    if (e) {
        lg_seterr(LG_EIO, "cannot read %s: %s", dir, strerror(e));
        errno = e;
        return LG_EIO;
    }
    return LG_OK;
}

/* "a" + "/" + "b" in a new string. */
static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = lg_xmalloc(la + lb + 2);
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

/* One folder of the walk (rel "" for root); true when fn stopped it. */
static bool walk(const char *root, const char *rel, int depth, unsigned flags, lg_dir_fn fn,
                 void *ctx, int *rc)
{
    char *dir = *rel ? join(root, rel) : lg_xstrdup(root);
    lg_strvec names = { 0 };
    *rc = lg_dir_list(dir, &names);
    bool stopped = false;
    for (size_t i = 0; *rc == LG_OK && !stopped && i < names.n; i++) {
        lg_dir_entry e = { .name = names.w[i], .depth = depth };
        char *path = join(dir, e.name), *r = *rel ? join(rel, e.name) : lg_xstrdup(e.name);
        e.path = path;
        e.rel = r;
        if (((flags & LG_DIR_FOLLOW) ? stat : lstat)(path, &e.st) == 0) {
            int next = fn(&e, ctx);
            if (next == LG_DIR_STOP) {
                stopped = true;
            } else if (next == LG_DIR_NEXT && S_ISDIR(e.st.st_mode)) {
                int sub;
                stopped = walk(root, r, depth + 1, flags, fn, ctx, &sub); /* unreadable: passed over */
            }
        }
        free(path);
        free(r);
    }
    lg_strvec_free(&names);
    free(dir);
    return stopped;
}

int lg_dir_walk(const char *root, unsigned flags, lg_dir_fn fn, void *ctx)
{
    int rc;
    walk(root, "", 0, flags, fn, ctx, &rc);
    return rc;
}
