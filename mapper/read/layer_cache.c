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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* BASE: the file name without directory or extension, then "-LAYER". */
static void cache_base(const char *file, const char *layer, char *out, size_t size)
{
    const char *slash = strrchr(file, '/');
    const char *name = slash ? slash + 1 : file;
    const char *dot = strrchr(name, '.');
    int len = dot && dot > name ? (int)(dot - name) : (int)strlen(name);
    snprintf(out, size, "%.*s%s%s", len, name, layer ? "-" : "", layer ? layer : "");
    for (char *p = out; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            *p = '_';
}

/* Remove CACHE_DIR/BASE-*.gpkg other than `keep`. */
static void remove_stale(const char *dir, const char *base, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d) return;
    size_t bl = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t l = strlen(n);
        if (strncmp(n, base, bl) != 0 || n[bl] != '-' || l < 5 || strcmp(n + l - 5, ".gpkg") != 0) continue;
        /* BASE-SIZE-MTIME.gpkg: the rest is digits and one '-'. */
        if (strspn(n + bl + 1, "0123456789-") != l - bl - 6) continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, n);
        if (strcmp(p, keep) != 0) unlink(p);
    }
    closedir(d);
}

static int convert(const char *file, const char *layer_name, const char *target, wm_error *err)
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
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(from, to);
    int rc = -1;
    wm_atomic *a = NULL;
    GDALDatasetH dst = NULL;
    if (!ct) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform its coordinates into %s", file, WM_DEFAULT_SRS);
        goto done;
    }
    a = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!a) goto done;
    dst = wm_gpkg_dataset_create(wm_atomic_path(a), err);
    if (!dst) goto done;
    char lname[200];
    cache_base(file, layer_name, lname, sizeof lname);
    if (wm_layer_copy_features(dst, lname, lyr, to, ct, NULL, NULL, NULL, err) != 0) goto done;
    /* An index on each code field: attribute filters read only what they select. */
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        size_t len = strlen(f);
        if (len < 3 || strcasecmp(f + len - 2, "CD") != 0 || strspn(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != len)
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
    VSIStatBufL st;
    if (VSIStatL(file, &st) != 0) {
        rc = wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        goto done;
    }
    char base[200];
    cache_base(file, layer, base, sizeof base);
    int n = snprintf(out, size, "%s/%s-%lld-%lld.gpkg", cache_dir, base, (long long)st.st_size,
                     (long long)st.st_mtime);
    if (n < 0 || (size_t)n >= size) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: the cache path is too long", cache_dir);
        goto done;
    }
    if (access(out, R_OK) == 0) goto done;
    if (wm_make_dirs(cache_dir) != 0) {
        rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot make the cache folder", cache_dir);
        goto done;
    }
    rc = convert(file, layer, out, err);
    if (rc == 0) remove_stale(cache_dir, base, out);
done:
    free(file);
    free(layer);
    return rc;
}
