/* source_cache.c -- naming cached copies of source files (source_cache.h). */
#define _XOPEN_SOURCE 700   /* realpath */
/* VSIStatBufL is a struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE 1

#include "source_cache.h"
#include "hash.h"
#include "text.h"

#include <cpl_vsi.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *wm_source_cache_dir(void)
{
    static _Thread_local char dir[PATH_MAX];   /* a figure set's workers ask at once */
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

/* BASE: the file name without directory or extension, then "-LAYER";
 * characters other than letters, digits, '_', '-' and '.' made '_'. */
static void cache_base(const char *file, const char *layer, char *out, size_t size)
{
    const char *slash = strrchr(file, '/');
    const char *name = slash ? slash + 1 : file;
    const char *dot = strrchr(name, '.');
    int len = dot && dot > name ? (int)(dot - name) : (int)strlen(name);
    if (len > 100) len = 100;
    snprintf(out, size, "%.*s%s%.60s", len, name, layer ? "-" : "", layer ? layer : "");
    for (char *p = out; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            *p = '_';
}

int wm_source_cache_entry_for(const char *source, const char *cache_dir, const char *ext,
                              wm_source_cache_entry *out, wm_error *err)
{
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    memset(out, 0, sizeof *out);
    int rc = 0;
    int64_t key[3] = { 0, 0, 0 };
    struct stat st;
    VSIStatBufL vst;
    if (file && stat(file, &st) == 0) {
        key[0] = (int64_t)st.st_size;
        key[1] = (int64_t)st.st_mtim.tv_sec;
        key[2] = (int64_t)st.st_mtim.tv_nsec;
    } else if (file && VSIStatL(file, &vst) == 0) {   /* a GDAL virtual file (/vsizip/...) */
        key[0] = (int64_t)vst.st_size;
        key[1] = (int64_t)vst.st_mtime;
    } else {
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file ? file : source);
        goto done;
    }
    char abs[PATH_MAX];
    if (!realpath(file, abs)) snprintf(abs, sizeof abs, "%s", file);
    uint64_t ph = wm_hash(WM_HASH_START, abs, strlen(abs) + 1);
    if (layer) ph = wm_hash(ph, layer, strlen(layer) + 1);
    uint64_t kh = wm_hash(WM_HASH_START, key, sizeof key);
    cache_base(file, layer, out->base, sizeof out->base);
    snprintf(out->prefix, sizeof out->prefix, "%s-%016llx-", out->base, (unsigned long long)ph);
    snprintf(out->name, sizeof out->name, "%s%016llx%s", out->prefix, (unsigned long long)kh, ext);
    int n = snprintf(out->path, sizeof out->path, "%s/%s", cache_dir, out->name);
    if (n < 0 || (size_t)n >= sizeof out->path) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: the cache path is too long", cache_dir);
        goto done;
    }
    struct stat cs;
    out->exists = stat(out->path, &cs) == 0 && S_ISREG(cs.st_mode) && cs.st_size > 0;
done:
    free(file);
    free(layer);
    return rc;
}

void wm_source_cache_remove_stale(const char *cache_dir, const wm_source_cache_entry *e, const char *ext)
{
    DIR *d = opendir(cache_dir);
    if (!d) return;
    size_t pl = strlen(e->prefix), el = strlen(ext);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t l = strlen(n);
        /* PREFIX, 16 hex digits, EXT. */
        if (strncmp(n, e->prefix, pl) != 0 || l != pl + 16 + el || strcmp(n + l - el, ext) != 0 ||
            strspn(n + pl, "0123456789abcdef") != 16 || strcmp(n, e->name) == 0)
            continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s/%s", cache_dir, n) < (int)sizeof p) unlink(p);
    }
    closedir(d);
}
