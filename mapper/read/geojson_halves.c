#define _GNU_SOURCE 1   /* pread, O_CLOEXEC */

#include "geojson_halves.h"

#include <cpl_vsi.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "/vsiwmhalf/"
/* The "features" array must start this early: a root member before it
 * larger than this is no GeoJSON this tool meets. */
#define HEADER_LIMIT (1L << 20)
#define CHUNK (1 << 20)

/* A half is the concatenation of up to two pieces: a range of the
 * source, or bytes of its own. */
typedef struct piece {
    long long off, len;
    const char *bytes;   /* NULL: the source's bytes at `off` */
} piece;

typedef struct half_file {
    piece pieces[2];
    long long size;
} half_file;

struct wm_geojson_halves {
    unsigned long id;
    char *file;
    half_file half[2];
    long long cut;
    char *path[2];
    struct wm_geojson_halves *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static wm_geojson_halves *registry;
static unsigned long next_id = 1;

/* ---- Finding the cut -------------------------------------------------- */

/* The scan's state from one chunk of the file to the next. */
typedef struct scan {
    int depth, in_string, escaped;
} scan;

/* Within the "features" array (depth 2 is between its elements): the
 * offset in buf of the first comma between two elements at or after
 * buf offset `from`, -1 when none is in buf (*s then follows it), -2
 * when the array closes first. */
static long follow_array(scan *s, const unsigned char *buf, long n, long from)
{
    /* Brackets change the depth by one each; this table is that change,
     * so that the bytes before `from` (half the file) cost an add and
     * two tests each.  The state is in locals: buf may alias *s. */
    static const signed char step[256] = { ['{'] = 1, ['['] = 1, ['}'] = -1, [']'] = -1 };
    long i = 0, at = -1;
    int depth = s->depth, escaped = s->escaped;
    if (s->in_string) goto string;
    for (; i < n; i++) {
        unsigned char c = buf[i];
        depth += step[c];
        if (depth < 2) {
            at = -2;
            break;
        }
        if (i >= from && c == ',' && depth == 2) {
            at = i;
            break;
        }
        if (c == '"') {
            i++;
        string:
            /* Inside a string only a quote not escaped ends it. */
            for (; i < n; i++) {
                if (escaped) escaped = 0;
                else if (buf[i] == '\\') escaped = 1;
                else if (buf[i] == '"') break;
            }
            if (i == n) {
                s->in_string = 1;
                s->depth = depth;
                s->escaped = escaped;
                return -1;
            }
        }
    }
    s->in_string = 0;
    s->depth = depth;
    s->escaped = escaped;
    return at;
}

/* The offset just after the "[" of the root object's "features" member
 * in buf (the first `n` bytes of a file), or -1: the root must be an
 * object (after a byte-order mark and space), and its members before
 * "features" must end in buf.  *s gets the state after it. */
static long find_features(const unsigned char *buf, long n, scan *s)
{
    long i = 0;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && strchr(" \t\r\n", buf[i]) && buf[i]) i++;
    if (i == n || buf[i] != '{') return -1;
    s->depth = 1;
    for (i++; i < n; i++) {
        unsigned char c = buf[i];
        if (c == '"') {
            /* A string: a member's name, or a value. */
            long start = ++i;
            int escapes = 0;
            for (; i < n && buf[i] != '"'; i++)
                if (buf[i] == '\\') escapes = 1, i++;
            if (i >= n) return -1;
            if (s->depth != 1 || escapes || i - start != 8 || memcmp(buf + start, "features", 8) != 0) continue;
            /* "features": a name when a colon follows. */
            long j = i + 1;
            while (j < n && strchr(" \t\r\n", buf[j]) && buf[j]) j++;
            if (j == n || buf[j] != ':') continue;
            for (j++; j < n && strchr(" \t\r\n", buf[j]) && buf[j]; j++) {}
            if (j == n || buf[j] != '[') return -1;   /* not an array */
            s->depth = 2;
            return j + 1;
        }
        if (c == '{' || c == '[') s->depth++;
        else if ((c == '}' || c == ']') && --s->depth < 1) return -1;
    }
    return -1;
}

/* *header gets the offset just after the "[" of the root's "features"
 * array, *comma the offset of the first comma between two of its
 * elements at or after half the bytes that follow it.  0 when both are
 * found. */
static int find_cut(int fd, long long size, long long *header, long long *comma)
{
    unsigned char *buf = malloc(CHUNK);
    if (!buf) return -1;
    scan s = { 0, 0, 0 };
    int rc = -1;
    ssize_t n = pread(fd, buf, size < HEADER_LIMIT ? (size_t)size : HEADER_LIMIT, 0);
    long h = n > 0 ? find_features(buf, (long)n, &s) : -1;
    if (h < 0) goto done;
    long long target = h + (size - h) / 2, off = 0;
    long from = h;
    for (;;) {
        long at = follow_array(&s, buf + from, (long)n - from, target - off - from);
        if (at == -2) break;
        if (at >= 0) {
            *header = h;
            *comma = off + from + at;
            rc = 0;
            break;
        }
        off += n;
        from = 0;
        if (off >= size || (n = pread(fd, buf, CHUNK, off)) <= 0) break;
    }
done:
    free(buf);
    return rc;
}

/* ---- The virtual files ------------------------------------------------ */

typedef struct open_half {
    int fd;
    half_file f;
    long long pos;
    int eof;
} open_half;

/* The halves a path names, or NULL; the caller holds registry_lock.
 * GDAL gives the callbacks the path without PREFIX. */
static const wm_geojson_halves *lookup(const char *path, int *which)
{
    unsigned long id;
    int half, used = 0;
    if (strncmp(path, PREFIX, strlen(PREFIX)) == 0) path += strlen(PREFIX);
    if (sscanf(path, "%lu/%d/%n", &id, &half, &used) != 2 || used == 0 || (half != 0 && half != 1)) return NULL;
    for (const wm_geojson_halves *h = registry; h; h = h->next)
        if (h->id == id && strcmp(h->path[half] + strlen(PREFIX), path) == 0) {
            *which = half;
            return h;
        }
    return NULL;
}

static int half_stat(void *user, const char *path, VSIStatBufL *st, int flags)
{
    (void)user;
    (void)flags;
    int which;
    pthread_mutex_lock(&registry_lock);
    const wm_geojson_halves *h = lookup(path, &which);
    long long size = h ? h->half[which].size : 0;
    pthread_mutex_unlock(&registry_lock);
    if (!h) {
        errno = ENOENT;
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->st_size = size;
    st->st_mode = S_IFREG | 0444;
    return 0;
}

static void *half_open(void *user, const char *path, const char *access)
{
    (void)user;
    if (strchr(access, 'w') || strchr(access, 'a') || strchr(access, '+')) {
        errno = EACCES;
        return NULL;
    }
    int which;
    open_half *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->fd = -1;
    pthread_mutex_lock(&registry_lock);
    const wm_geojson_halves *h = lookup(path, &which);
    if (h) {
        o->f = h->half[which];
        o->fd = open(h->file, O_RDONLY | O_CLOEXEC);
    }
    pthread_mutex_unlock(&registry_lock);
    if (o->fd < 0) {
        if (!h) errno = ENOENT;
        free(o);
        return NULL;
    }
    return o;
}

static vsi_l_offset half_tell(void *file)
{
    return (vsi_l_offset)((open_half *)file)->pos;
}

static int half_seek(void *file, vsi_l_offset offset, int whence)
{
    open_half *o = file;
    long long to = whence == SEEK_SET ? (long long)offset
                 : whence == SEEK_CUR ? o->pos + (long long)offset
                 : whence == SEEK_END ? o->f.size + (long long)offset : -1;
    if (to < 0) return -1;
    o->pos = to;
    o->eof = 0;
    return 0;
}

static size_t half_read(void *file, void *buffer, size_t size, size_t count)
{
    open_half *o = file;
    if (size == 0 || count == 0) return 0;
    unsigned char *out = buffer;
    size_t want = size * count, got = 0;
    long long start = 0;
    for (int i = 0; i < 2 && got < want; i++) {
        const piece *p = &o->f.pieces[i];
        long long end = start + p->len;
        if (o->pos < end) {
            long long from = o->pos - start;
            size_t n = (size_t)(end - o->pos) < want - got ? (size_t)(end - o->pos) : want - got;
            if (p->bytes) {
                memcpy(out + got, p->bytes + from, n);
            } else {
                size_t done = 0;
                while (done < n) {
                    ssize_t r = pread(o->fd, out + got + done, n - done, p->off + from + (long long)done);
                    if (r < 0 && errno == EINTR) continue;
                    if (r <= 0) break;
                    done += (size_t)r;
                }
                if (done < n) {   /* the source shrank under us: what was read, then a read error */
                    got += done;
                    o->pos += (long long)done;
                    o->eof = 1;
                    return got / size;
                }
            }
            got += n;
            o->pos += (long long)n;
        }
        start = end;
    }
    if (got < want) o->eof = 1;
    return got / size;
}

static int half_eof(void *file)
{
    return ((open_half *)file)->eof;
}

static int half_close(void *file)
{
    open_half *o = file;
    int rc = close(o->fd);
    free(o);
    return rc;
}

static void install_handler(void)
{
    VSIFilesystemPluginCallbacksStruct *cb = VSIAllocFilesystemPluginCallbacksStruct();
    cb->stat = half_stat;
    cb->open = half_open;
    cb->tell = half_tell;
    cb->seek = half_seek;
    cb->read = half_read;
    cb->eof = half_eof;
    cb->close = half_close;
    VSIInstallPluginHandler(PREFIX, cb);
    VSIFreeFilesystemPluginCallbacksStruct(cb);
}

/* ---- The halves ------------------------------------------------------- */

wm_geojson_halves *wm_geojson_halves_open(const char *file)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    long long header = 0, comma = 0;
    int found = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && find_cut(fd, st.st_size, &header, &comma) == 0;
    close(fd);
    if (!found) return NULL;

    wm_geojson_halves *h = calloc(1, sizeof *h);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (!h || !(h->file = strdup(file))) {
        free(h);
        return NULL;
    }
    h->half[0].pieces[0] = (piece){ 0, comma, NULL };
    h->half[0].pieces[1] = (piece){ 0, 2, "]}" };
    h->half[1].pieces[0] = (piece){ 0, header, NULL };
    h->half[1].pieces[1] = (piece){ comma + 1, (long long)st.st_size - comma - 1, NULL };
    for (int i = 0; i < 2; i++) h->half[i].size = h->half[i].pieces[0].len + h->half[i].pieces[1].len;
    h->cut = comma + 1;
    pthread_once(&once, install_handler);
    pthread_mutex_lock(&registry_lock);
    h->id = next_id++;
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(PREFIX) + strlen(base) + 48;
        if ((h->path[i] = malloc(n)) != NULL) snprintf(h->path[i], n, PREFIX "%lu/%d/%s", h->id, i, base);
    }
    h->next = registry;
    registry = h;
    pthread_mutex_unlock(&registry_lock);
    if (!h->path[0] || !h->path[1]) {
        wm_geojson_halves_close(h);
        return NULL;
    }
    return h;
}

const char *wm_geojson_halves_path(const wm_geojson_halves *h, int half)
{
    return h->path[half ? 1 : 0];
}

long long wm_geojson_halves_cut(const wm_geojson_halves *h)
{
    return h->cut;
}

void wm_geojson_halves_close(wm_geojson_halves *h)
{
    if (!h) return;
    pthread_mutex_lock(&registry_lock);
    for (wm_geojson_halves **p = &registry; *p; p = &(*p)->next)
        if (*p == h) {
            *p = h->next;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    free(h->path[0]);
    free(h->path[1]);
    free(h->file);
    free(h);
}
