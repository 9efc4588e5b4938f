/* layer_cache.c -- BNG FlatGeobuf copies of large layers (layer_cache.h). */
#define _XOPEN_SOURCE 700   /* realpath */
#include "layer_cache.h"
#include "atomic.h"

#include <dirent.h>
#include <errno.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

const char *wm_layer_cache_dir(void)
{
    static char dir[PATH_MAX];
    const char *env = getenv("WARDMAP_CACHE");
    if (env) {
        if (!*env || strcmp(env, "off") == 0) return NULL;
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) snprintf(dir, sizeof dir, "%s/wardmap", xdg);
    else if (home && *home) snprintf(dir, sizeof dir, "%s/.cache/wardmap", home);
    else return NULL;
    return dir;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* Remove DIR/PREFIX*.fgb other than `keep`: caches of an older version
 * of the same source. */
static void remove_stale(const char *dir, const char *prefix, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t pl = strlen(prefix);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, pl) != 0 || n < 4 || strcmp(e->d_name + n - 4, ".fgb") != 0 ||
            strcmp(e->d_name, keep) == 0)
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path) unlink(path);
    }
    closedir(d);
}

/* GDALVectorTranslate of `file` (layer `layer`) to a BNG FlatGeobuf at `dst`. */
static int convert(const char *file, const char *layer, const char *dst)
{
    GDALDatasetH src = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src) return -1;
    char *argv[] = { "-f", "FlatGeobuf", "-t_srs", "EPSG:27700", "-lco", "SPATIAL_INDEX=NO",
                     "-a_srs", "EPSG:27700", (char *)layer, NULL };
    if (!layer) argv[8] = NULL;
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    int usage = 0;
    GDALDatasetH out = o ? GDALVectorTranslate(dst, NULL, 1, &src, o, &usage) : NULL;
    if (o) GDALVectorTranslateOptionsFree(o);
    int rc = out && !usage ? 0 : -1;
    if (out) GDALClose(out);
    GDALClose(src);
    return rc;
}

int wm_layer_cache_path(const char *file, const char *layer, const char *cache_dir, long min_bytes, char *out,
                        size_t size, wm_error *err)
{
    (void)err;
    struct stat st;
    if (!cache_dir || !*cache_dir || stat(file, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < min_bytes)
        return 0;
    size_t fl = strlen(file);
    /* FlatGeobuf and GeoPackage read fast already. */
    if ((fl >= 4 && strcasecmp(file + fl - 4, ".fgb") == 0) || (fl >= 5 && strcasecmp(file + fl - 5, ".gpkg") == 0))
        return 0;
    char abs[PATH_MAX];
    if (!realpath(file, abs)) return 0;
    uint64_t ph = fnv1a(14695981039346656037ULL, abs, strlen(abs) + 1);
    if (layer) ph = fnv1a(ph, layer, strlen(layer) + 1);
    int64_t key[3] = { (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec };
    uint64_t kh = fnv1a(14695981039346656037ULL, key, sizeof key);
    /* The source's name, without its extension, for people looking. */
    const char *base = strrchr(abs, '/');
    base = base ? base + 1 : abs;
    char stem[64];
    size_t bl = strlen(base) < sizeof stem - 1 ? strlen(base) : sizeof stem - 1;
    memcpy(stem, base, bl);
    stem[bl] = '\0';
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = '\0';
    char prefix[128], name[160];
    snprintf(prefix, sizeof prefix, "%s-%016llx-", stem, (unsigned long long)ph);
    snprintf(name, sizeof name, "%s%016llx.fgb", prefix, (unsigned long long)kh);
    if (snprintf(out, size, "%s/%s", cache_dir, name) >= (int)size) return 0;
    struct stat cs;
    if (stat(out, &cs) == 0 && S_ISREG(cs.st_mode) && cs.st_size > 0) return 1;

    /* A miss: convert, under a temporary name, then rename into place. */
    if (make_dirs(cache_dir) != 0) return 0;
    wm_error quiet;
    wm_atomic *a = wm_atomic_begin(out, WM_ATOMIC_REPLACE, &quiet);
    if (!a) return 0;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int rc = convert(file, layer, wm_atomic_path(a));
    CPLPopErrorHandler();
    CPLErrorReset();
    if (rc != 0) {
        wm_atomic_abort(a);
        return 0;
    }
    if (wm_atomic_commit(a, &quiet) != 0) return 0;
    remove_stale(cache_dir, prefix, name);
    return 1;
}
