/* Fault injection (fault.h): compiled only with WARDMAP_FAULTS. */
#ifdef WARDMAP_FAULTS

#define _GNU_SOURCE   /* fopencookie */
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fail_at;          /* the point to fail (1-based); 0: none */
static int fail_after;        /* ... and every later one */
static long passed;           /* points passed so far */
static int log_fd = -1;

static const char *const kind_names[] = { "write", "sync", "rename", "mkdir", "step" };

int wm_fault(wm_fault_kind kind, const char *site)
{
    long n = __atomic_add_fetch(&passed, 1, __ATOMIC_SEQ_CST);
    int fail = fail_at > 0 && (n == fail_at || (fail_after && n > fail_at));
    if (log_fd >= 0) {
        char line[256];
        int len = snprintf(line, sizeof line, "%ld %s %s%s\n", n, kind_names[kind], site, fail ? " FAILED" : "");
        if (len > 0 && write(log_fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1) < 0) {
            /* the log is for the test; a lost line shows there */
        }
    }
    if (fail) errno = kind == WM_FAULT_WRITE ? ENOSPC : EIO;
    return fail;
}

/* ---- output streams: every write is a point ---- */

/* A failed write returns 0, not the -1 fopencookie(3) documents: glibc
 * 2.36 takes a cookie's -1 as a count when fwrite hands it a block
 * larger than the buffer, and reads past the caller's data (ASan: a
 * SEGV in _IO_default_xsputn).  0 is a failure to it just the same. */
static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
    if (wm_fault(WM_FAULT_WRITE, "write (output stream)")) {
        errno = ENOSPC;
        return 0;
    }
    size_t put = fwrite(buf, 1, size, (FILE *)cookie);
    return (ssize_t)put;
}

static int stream_close(void *cookie)
{
    FILE *fp = cookie;
    if (wm_fault(WM_FAULT_WRITE, "close (output stream)")) {
        fclose(fp);
        errno = ENOSPC;
        return EOF;
    }
    return fclose(fp);
}

FILE *wm_fault_fopen(const char *path, const char *mode)
{
    FILE *real = fopen(path, mode);
    if (!real) return NULL;
    /* Unbuffered below: the cookie stream above buffers, and each of its
     * flushes is one point and one write. */
    setvbuf(real, NULL, _IONBF, 0);
    cookie_io_functions_t io = { NULL, stream_write, NULL, stream_close };
    FILE *fp = fopencookie(real, mode, io);
    if (!fp) fclose(real);
    return fp;
}

/* ---- SQLite: a VFS over the default one whose writes, truncates and
 * syncs are points ---- */

typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real;       /* follows this struct in the same allocation */
} shim_file;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((shim_file *)(f))->real)

static int shim_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (wm_fault(WM_FAULT_WRITE, "write (SQLite)")) return SQLITE_FULL;
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (wm_fault(WM_FAULT_WRITE, "truncate (SQLite)")) return SQLITE_IOERR_TRUNCATE;
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int shim_sync(sqlite3_file *f, int flags)
{
    if (wm_fault(WM_FAULT_SYNC, "fsync (SQLite)")) return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int shim_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int shim_lock(sqlite3_file *f, int lock) { return REAL(f)->pMethods->xLock(REAL(f), lock); }
static int shim_unlock(sqlite3_file *f, int lock) { return REAL(f)->pMethods->xUnlock(REAL(f), lock); }
static int shim_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int shim_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int shim_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void shim_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int shim_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

/* One table per version of the real file's methods (SQLite reads only
 * the members its version has). */
static sqlite3_io_methods shim_io[3];

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    shim_file *s = (shim_file *)f;
    s->real = (sqlite3_file *)(s + 1);
    memset(s->real, 0, (size_t)real_vfs->szOsFile);
    int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
    const sqlite3_io_methods *m = s->real->pMethods;
    s->base.pMethods = m ? &shim_io[m->iVersion >= 3 ? 2 : m->iVersion - 1] : NULL;
    return rc;
}
static int shim_delete(sqlite3_vfs *v, const char *name, int sync) { (void)v; return real_vfs->xDelete(real_vfs, name, sync); }
static int shim_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int shim_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *shim_dlopen(sqlite3_vfs *v, const char *name) { (void)v; return real_vfs->xDlOpen(real_vfs, name); }
static void shim_dlerror(sqlite3_vfs *v, int n, char *msg) { (void)v; real_vfs->xDlError(real_vfs, n, msg); }
static void (*shim_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return real_vfs->xDlSym(real_vfs, h, sym);
}
static void shim_dlclose(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int shim_random(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xRandomness(real_vfs, n, out); }
static int shim_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int shim_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int shim_last_error(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, msg) : 0;
}
static int shim_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, t); }
static int shim_set_call(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr p)
{
    (void)v;
    return real_vfs->xSetSystemCall(real_vfs, name, p);
}
static sqlite3_syscall_ptr shim_get_call(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real_vfs->xGetSystemCall(real_vfs, name);
}
static const char *shim_next_call(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real_vfs->xNextSystemCall(real_vfs, name);
}

static sqlite3_vfs shim_vfs;

static void install_vfs(void)
{
    if (sqlite3_initialize() != SQLITE_OK || !(real_vfs = sqlite3_vfs_find(NULL))) return;
    for (int v = 0; v < 3; v++) {
        sqlite3_io_methods *m = &shim_io[v];
        m->iVersion = v + 1;
        m->xClose = shim_close;
        m->xRead = shim_read;
        m->xWrite = shim_write;
        m->xTruncate = shim_truncate;
        m->xSync = shim_sync;
        m->xFileSize = shim_size;
        m->xLock = shim_lock;
        m->xUnlock = shim_unlock;
        m->xCheckReservedLock = shim_check_lock;
        m->xFileControl = shim_control;
        m->xSectorSize = shim_sector;
        m->xDeviceCharacteristics = shim_device;
        if (v >= 1) {
            m->xShmMap = shim_shm_map;
            m->xShmLock = shim_shm_lock;
            m->xShmBarrier = shim_shm_barrier;
            m->xShmUnmap = shim_shm_unmap;
        }
        if (v >= 2) {
            m->xFetch = shim_fetch;
            m->xUnfetch = shim_unfetch;
        }
    }
    shim_vfs = *real_vfs;
    shim_vfs.iVersion = real_vfs->iVersion < 3 ? real_vfs->iVersion : 3;
    shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
    shim_vfs.zName = "wardmap-faults";
    shim_vfs.pNext = NULL;
    shim_vfs.pAppData = NULL;
    shim_vfs.xOpen = shim_open;
    shim_vfs.xDelete = shim_delete;
    shim_vfs.xAccess = shim_access;
    shim_vfs.xFullPathname = shim_full;
    shim_vfs.xDlOpen = shim_dlopen;
    shim_vfs.xDlError = shim_dlerror;
    shim_vfs.xDlSym = shim_dlsym;
    shim_vfs.xDlClose = shim_dlclose;
    shim_vfs.xRandomness = shim_random;
    shim_vfs.xSleep = shim_sleep;
    shim_vfs.xCurrentTime = shim_time;
    shim_vfs.xGetLastError = shim_last_error;
    if (shim_vfs.iVersion >= 2) shim_vfs.xCurrentTimeInt64 = shim_time64;
    if (shim_vfs.iVersion >= 3) {
        shim_vfs.xSetSystemCall = shim_set_call;
        shim_vfs.xGetSystemCall = shim_get_call;
        shim_vfs.xNextSystemCall = shim_next_call;
    }
    sqlite3_vfs_register(&shim_vfs, 1);
}

/* Read the environment and put the VFS in place before main(): GDAL
 * and the store then open every database through it. */
__attribute__((constructor)) static void fault_init(void)
{
    const char *at = getenv("WARDMAP_FAULT");
    if (at && *at) {
        char *end;
        fail_at = strtol(at, &end, 10);
        fail_after = *end == '+';
    }
    const char *log = getenv("WARDMAP_FAULT_LOG");
    if (log && *log) log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    install_vfs();
}

#else

/* Normal builds: nothing here (fault.h makes every point the constant 0). */
typedef int wm_fault_unused;

#endif
