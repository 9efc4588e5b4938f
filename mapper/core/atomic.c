#include "atomic.h"
#include "fault.h"
#include "home.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct wm_atomic {
    unsigned flags;
    char *target;      /* as given */
    char *dir;         /* the private directory beside the target */
    char *tmp;         /* the file being written, inside dir */
    FILE *fp;          /* wm_atomic_stream's stream, or NULL */
};

static const char marker[] = ".wardmap-";

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s/%s", dir, name);
    return p;
}

/* Delete a private directory and the files in it (it holds no folders). */
static void remove_private_dir(const char *dir)
{
    if (!dir) return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *p = join(dir, e->d_name);
            if (p) unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The process that made a private directory ".NAME.wardmap-PID-XXXXXX",
 * or 0 when `name` is not one. */
static long owner_of(const char *name)
{
    if (name[0] != '.') return 0;
    const char *m = NULL;
    for (const char *p = strstr(name, marker); p; p = strstr(p + 1, marker)) m = p;
    if (!m) return 0;
    char *end;
    long pid = strtol(m + sizeof marker - 1, &end, 10);
    if (pid <= 0 || *end != '-' || strlen(end + 1) != 6) return 0;
    return pid;
}

/* Private directories left in `dir` by processes that were killed. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = owner_of(e->d_name);
        if (pid == 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char *p = join(dir, e->d_name);
        struct stat st;
        if (p && lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) remove_private_dir(p);
        free(p);
    }
    closedir(d);
}

static void free_atomic(wm_atomic *a)
{
    if (!a) return;
    free(a->target);
    free(a->dir);
    free(a->tmp);
    free(a);
}

void wm_atomic_abort(wm_atomic *a)
{
    if (!a) return;
    if (a->fp) fclose(a->fp);
    remove_private_dir(a->dir);
    free_atomic(a);
}

wm_atomic *wm_atomic_begin(const char *target, unsigned flags, wm_error *err)
{
    if (!target || !*target) {
        wm_error_set(err, WM_EXIT_USAGE, "no output file named");
        return NULL;
    }
    struct stat st;
    int exists = stat(target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        wm_error_set(err, WM_EXIT_USAGE, "%s is a directory, not a file", target);
        return NULL;
    }
    if ((flags & WM_ATOMIC_NEW) && exists) {
        wm_error_set(err, WM_EXIT_USAGE, "%s already exists and is not overwritten", target);
        return NULL;
    }
    wm_atomic *a = calloc(1, sizeof *a);
    char *dir = dir_of(target);
    if (!a || !dir || !(a->target = strdup(target))) {
        free(dir);
        free_atomic(a);
        wm_error_set(err, WM_EXIT_IO, "%s: out of memory", target);
        return NULL;
    }
    a->flags = flags;
    if (wm_make_dirs(dir) != 0) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot create the directory (%s)", dir, strerror(errno));
        free(dir);
        free_atomic(a);
        return NULL;
    }
    remove_stale(dir);
    const char *base = base_of(target);
    size_t len = strlen(dir) + strlen(base) + 48;
    a->dir = malloc(len);
    if (a->dir) snprintf(a->dir, len, "%s/.%s%s%ld-XXXXXX", dir, base, marker, (long)getpid());
    free(dir);
    if (!a->dir || wm_fault(WM_FAULT_MKDIR, "mkdtemp (atomic)") || !mkdtemp(a->dir)) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot make a temporary directory beside it (%s)", target,
                     strerror(errno));
        free(a->dir);
        a->dir = NULL;
        free_atomic(a);
        return NULL;
    }
    a->tmp = join(a->dir, base);
    if (!a->tmp) {
        wm_error_set(err, WM_EXIT_IO, "%s: out of memory", target);
        wm_atomic_abort(a);
        return NULL;
    }
    return a;
}

static int copy_file(const char *from, const char *to, wm_error *err)
{
    int in = open(from, O_RDONLY);
    if (in < 0) return wm_error_set(err, WM_EXIT_IO, "%s: cannot read (%s)", from, strerror(errno));
    struct stat st;
    int out = fstat(in, &st) == 0 ? open(to, O_WRONLY | O_CREAT | O_EXCL, st.st_mode & 0777) : -1;
    if (out < 0) {
        close(in);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot create (%s)", to, strerror(errno));
    }
    char block[1 << 16];
    ssize_t got;
    int rc = 0;
    while (rc == 0 && (got = read(in, block, sizeof block)) != 0) {
        if (got < 0) {
            if (errno == EINTR) continue;
            rc = wm_error_set(err, WM_EXIT_IO, "%s: read failed (%s)", from, strerror(errno));
            break;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t put = wm_fault(WM_FAULT_WRITE, "write (atomic copy)") ? -1
                                                                          : write(out, block + done, (size_t)(got - done));
            if (put < 0) {
                if (errno == EINTR) continue;
                rc = wm_error_set(err, WM_EXIT_IO, "%s: write failed (%s)", to, strerror(errno));
                break;
            }
            done += put;
        }
    }
    close(in);
    if (close(out) != 0 && rc == 0) rc = wm_error_set(err, WM_EXIT_IO, "%s: write failed (%s)", to, strerror(errno));
    return rc;
}

wm_atomic *wm_atomic_begin_copy(const char *target, unsigned flags, wm_error *err)
{
    struct stat st;
    if (!target || stat(target, &st) != 0) {
        wm_error_set(err, WM_EXIT_USAGE, "%s: no such file to add to", target ? target : "(none)");
        return NULL;
    }
    wm_atomic *a = wm_atomic_begin(target, flags & ~(unsigned)WM_ATOMIC_NEW, err);
    if (a && copy_file(target, a->tmp, err) != 0) {
        wm_atomic_abort(a);
        return NULL;
    }
    return a;
}

const char *wm_atomic_path(const wm_atomic *a)
{
    return a ? a->tmp : NULL;
}

const char *wm_atomic_target(const wm_atomic *a)
{
    return a ? a->target : NULL;
}

FILE *wm_atomic_stream(wm_atomic *a, wm_error *err)
{
    if (a->fp) return a->fp;
    a->fp = wm_fault(WM_FAULT_WRITE, "fopen (atomic)") ? NULL : wm_fault_fopen(a->tmp, "wb");
    if (!a->fp) wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", a->target, strerror(errno));
    return a->fp;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Close the stream and flush the file to disk: everything that can fail
 * before the rename. */
static int finish_file(wm_atomic *a, wm_error *err)
{
    if (a->fp) {
        int bad = fflush(a->fp) != 0 || ferror(a->fp);
        int e = errno;
        bad |= fclose(a->fp) != 0;
        if (bad && !e) e = errno;
        a->fp = NULL;
        if (bad) return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", a->target, strerror(e ? e : EIO));
    }
    struct stat st;
    if (stat(a->tmp, &st) != 0)
        return wm_error_set(err, WM_EXIT_IO, "%s: nothing was written", a->target);
    if ((a->flags & WM_ATOMIC_DURABLE) && (wm_fault(WM_FAULT_SYNC, "fsync (atomic)") || fsync_path(a->tmp) != 0))
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot flush to disk (%s)", a->target, strerror(errno));
    return 0;
}

/* Move the finished file into place. */
static int place(wm_atomic *a, wm_error *err)
{
    if (a->flags & WM_ATOMIC_NEW) {
        /* link() never replaces: a target made meanwhile is kept. */
        if (wm_fault(WM_FAULT_RENAME, "link (atomic, new file)"))
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot move the finished file into place (%s)", a->target,
                                strerror(errno));
        if (link(a->tmp, a->target) == 0) return 0;
        if (errno == EEXIST)
            return wm_error_set(err, WM_EXIT_USAGE, "%s appeared while it was being written and is not overwritten",
                                a->target);
        struct stat st;
        if (stat(a->target, &st) == 0)
            return wm_error_set(err, WM_EXIT_USAGE, "%s already exists and is not overwritten", a->target);
        /* a file system without hard links: fall through to rename */
    }
    if (wm_fault(WM_FAULT_RENAME, "rename (atomic)") || rename(a->tmp, a->target) != 0)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot move the finished file into place (%s)", a->target,
                            strerror(errno));
    return 0;
}

static void sync_dir_of(const char *target)
{
    char *dir = dir_of(target);
    if (dir) fsync_path(dir);
    free(dir);
}

int wm_atomic_commit(wm_atomic *a, wm_error *err)
{
    if (!a) return wm_error_set(err, WM_EXIT_IO, "nothing to commit");
    int rc = finish_file(a, err);
    if (rc == 0) rc = place(a, err);
    if (rc == 0 && (a->flags & WM_ATOMIC_DURABLE)) sync_dir_of(a->target);
    wm_atomic_abort(a);   /* removes the private directory (and the link's second name) */
    return rc;
}

int wm_atomic_commit_all(wm_atomic *const *list, size_t n, wm_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (list[i]) rc = finish_file(list[i], err);
    /* Keep each old target under a second name in its private directory,
     * so it can be put back if a later one cannot be placed. */
    char **backup = calloc(n ? n : 1, sizeof *backup);
    if (rc == 0 && !backup) rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
    size_t placed = 0;   /* list[0..placed-1] are in place */
    for (size_t i = 0; i < n && rc == 0; i++) {
        wm_atomic *a = list[i];
        if (a) {
            struct stat st;
            if (stat(a->target, &st) == 0) {
                backup[i] = join(a->dir, ".previous");
                if (!backup[i] || wm_fault(WM_FAULT_RENAME, "link (atomic, keep the previous)") ||
                    link(a->target, backup[i]) != 0) {
                    rc = wm_error_set(err, WM_EXIT_IO,
                                      "%s: cannot keep the previous version while replacing it (%s)", a->target,
                                      strerror(errno));
                    break;
                }
            }
            if ((rc = place(a, err)) != 0) break;
        }
        placed = i + 1;
    }
    if (rc != 0) {
        /* Put back what was replaced, remove what was new. */
        for (size_t i = 0; i < placed; i++) {
            wm_atomic *a = list[i];
            if (!a) continue;
            if (backup[i]) rename(backup[i], a->target);
            else unlink(a->target);
        }
    } else {
        for (size_t i = 0; i < n; i++)
            if (list[i] && (list[i]->flags & WM_ATOMIC_DURABLE)) sync_dir_of(list[i]->target);
    }
    for (size_t i = 0; i < n; i++) {
        if (backup) free(backup[i]);
        wm_atomic_abort(list[i]);
    }
    free(backup);
    return rc;
}

int wm_atomic_write_with(const char *target, void (*write)(FILE *fp, const void *ctx), const void *ctx,
                         wm_error *err)
{
    wm_atomic *a = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!a) return -1;
    FILE *fp = wm_atomic_stream(a, err);
    if (!fp) {
        wm_atomic_abort(a);
        return -1;
    }
    write(fp, ctx);
    return wm_atomic_commit(a, err);
}

typedef struct bytes {
    const void *data;
    size_t len;
} bytes;

static void write_bytes(FILE *fp, const void *ctx)
{
    const bytes *b = ctx;
    if (b->len) fwrite(b->data, 1, b->len, fp);   /* a short write is a stream error commit reports */
}

int wm_atomic_write(const char *target, const void *data, size_t len, wm_error *err)
{
    bytes b = { data, len };
    return wm_atomic_write_with(target, write_bytes, &b, err);
}
