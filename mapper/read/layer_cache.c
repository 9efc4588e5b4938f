/* layer_cache.c -- BNG GeoPackage copies of large layers (layer_cache.h). */
#define _XOPEN_SOURCE 700   /* realpath */
/* VSIStatBufL is a struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE 1

#include "layer_cache.h"
#include "atomic.h"
#include "home.h"
#include "layer.h"
#include "layer_write.h"
#include "text.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <dirent.h>
#include <gdal.h>
#include <limits.h>
#include <ogr_srs_api.h>
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

/* Remove CACHE_DIR/PREFIX*.gpkg other than `keep` (a file name):
 * copies of an older version of the same source. */
static void remove_stale(const char *dir, const char *prefix, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d) return;
    size_t pl = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t l = strlen(n);
        /* PREFIX then 16 hex digits and ".gpkg". */
        if (strncmp(n, prefix, pl) != 0 || l != pl + 21 || strcmp(n + l - 5, ".gpkg") != 0 ||
            strspn(n + pl, "0123456789abcdef") != 16 || strcmp(n, keep) == 0)
            continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof p, "%s/%s", dir, n) < (int)sizeof p) unlink(p);
    }
    closedir(d);
}

static int convert(const char *file, const char *layer_name, const char *lname, const char *target, wm_error *err)
{
    CPLErrorReset();
    GDALDatasetH src = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src) {
        const char *m = CPLGetLastErrorMsg();
        return wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a vector layer (%s)", file,
                            m && *m ? m : "format not recognised");
    }
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(src, layer_name) : GDALDatasetGetLayer(src, 0);
    if (!lyr) {
        GDALClose(src);
        return wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file, layer_name ? layer_name : "in the file");
    }
    /* A source without a declared SRS is WGS84 longitude/latitude
     * (GeoJSON's rule, as layer.h reads it). */
    OGRSpatialReferenceH from = OGR_L_GetSpatialRef(lyr) ? OSRClone(OGR_L_GetSpatialRef(lyr)) : OSRNewSpatialReference(NULL);
    if (!OGR_L_GetSpatialRef(lyr)) OSRSetFromUserInput(from, "OGC:CRS84");
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OSRSetFromUserInput(to, WM_DEFAULT_SRS);
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OSRIsSame(from, to) ? NULL : OCTNewCoordinateTransformation(from, to);
    int rc = -1;
    wm_atomic *a = NULL;
    GDALDatasetH dst = NULL;
    if (!ct && !OSRIsSame(from, to)) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform its coordinates into %s", file, WM_DEFAULT_SRS);
        goto done;
    }
    a = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!a) goto done;
    dst = wm_gpkg_dataset_create(wm_atomic_path(a), err);
    if (!dst) goto done;
    if (wm_layer_copy_features(dst, lname, lyr, to, ct, NULL, NULL, NULL, err) != 0) goto done;
    /* An index on each code field: attribute filters read only what they select. */
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        size_t len = strlen(f);
        if (len < 3 || strcasecmp(f + len - 2, "CD") != 0 ||
            strspn(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != len)
            continue;
        char sql[1200];
        snprintf(sql, sizeof sql, "CREATE INDEX \"ix_%s_%s\" ON \"%s\" (\"%s\")", lname, f, lname, f);
        GDALDatasetExecuteSQL(dst, sql, NULL, "SQLITE");
    }
    rc = wm_gpkg_dataset_close(dst, target, err);
    dst = NULL;
    if (rc == 0) {
        rc = wm_atomic_commit(a, err);
        a = NULL;
    }
done:
    if (dst) GDALClose(dst);
    if (a) wm_atomic_abort(a);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(to);
    GDALClose(src);
    return rc;
}

int wm_layer_cache_path(const char *source, const char *cache_dir, char *out, size_t size, wm_error *err)
{
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    int rc = 0;
    /* The key: size and modification time, to the nanosecond where the
     * file system has it. */
    int64_t key[3] = { 0, 0, 0 };
    struct stat st;
    VSIStatBufL vst;
    if (stat(file, &st) == 0) {
        key[0] = (int64_t)st.st_size;
        key[1] = (int64_t)st.st_mtim.tv_sec;
        key[2] = (int64_t)st.st_mtim.tv_nsec;
    } else if (VSIStatL(file, &vst) == 0) {   /* a GDAL virtual file (/vsizip/...) */
        key[0] = (int64_t)vst.st_size;
        key[1] = (int64_t)vst.st_mtime;
    } else {
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        goto done;
    }
    char abs[PATH_MAX];
    if (!realpath(file, abs)) snprintf(abs, sizeof abs, "%s", file);
    uint64_t ph = fnv1a(14695981039346656037ULL, abs, strlen(abs) + 1);
    if (layer) ph = fnv1a(ph, layer, strlen(layer) + 1);
    uint64_t kh = fnv1a(14695981039346656037ULL, key, sizeof key);
    char base[200], prefix[240], name[280];
    cache_base(file, layer, base, sizeof base);
    snprintf(prefix, sizeof prefix, "%s-%016llx-", base, (unsigned long long)ph);
    snprintf(name, sizeof name, "%s%016llx.gpkg", prefix, (unsigned long long)kh);
    int n = snprintf(out, size, "%s/%s", cache_dir, name);
    if (n < 0 || (size_t)n >= size) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: the cache path is too long", cache_dir);
        goto done;
    }
    struct stat cs;
    if (stat(out, &cs) == 0 && S_ISREG(cs.st_mode) && cs.st_size > 0) goto done;
    if (wm_make_dirs(cache_dir) != 0) {
        rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot make the cache folder", cache_dir);
        goto done;
    }
    rc = convert(file, layer, base, out, err);
    if (rc == 0) remove_stale(cache_dir, prefix, name);
done:
    free(file);
    free(layer);
    return rc;
}

int wm_layer_cache_for_reading(const char *source, long min_bytes, char *out, size_t size)
{
    const char *dir = wm_layer_cache_dir();
    if (!dir) return 0;
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    struct stat st;
    size_t fl = strlen(file);
    int wanted = stat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= min_bytes &&
                 !(fl >= 4 && strcasecmp(file + fl - 4, ".fgb") == 0) &&
                 !(fl >= 5 && strcasecmp(file + fl - 5, ".gpkg") == 0);
    free(file);
    free(layer);
    if (!wanted) return 0;
    wm_error quiet;
    wm_error_clear(&quiet);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int rc = wm_layer_cache_path(source, dir, out, size, &quiet);
    CPLPopErrorHandler();
    CPLErrorReset();
    return rc == 0;
}
