/* layer_cache.c -- BNG GeoPackage copies of large layers (layer_cache.h). */
#include "layer_cache.h"
#include "atomic.h"
#include "home.h"
#include "layer.h"
#include "layer_write.h"
#include "reproject.h"
#include "source_cache.h"
#include "text.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <limits.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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
    wm_error quiet;
    wm_error_clear(&quiet);
    wm_reproject *rp = OSRIsSame(from, to) ? NULL : wm_reproject_new(from, to, &quiet);
    int rc = -1;
    wm_atomic *a = NULL;
    GDALDatasetH dst = NULL;
    if (!rp && !OSRIsSame(from, to)) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform its coordinates into %s", file, WM_DEFAULT_SRS);
        goto done;
    }
    a = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!a) goto done;
    dst = wm_gpkg_dataset_create(wm_atomic_path(a), err);
    if (!dst) goto done;
    if (wm_layer_copy_features(dst, lname, lyr, to, rp, NULL, NULL, NULL, err) != 0) goto done;
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
    wm_reproject_free(rp);
    OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(to);
    GDALClose(src);
    return rc;
}

int wm_layer_cache_path(const char *source, const char *cache_dir, char *out, size_t size, wm_error *err)
{
    wm_source_cache_entry e;
    if (wm_source_cache_entry_for(source, cache_dir, ".gpkg", &e, err) != 0) return -1;
    if (strlen(e.path) >= size) return wm_error_set(err, WM_EXIT_USAGE, "%s: the cache path is too long", cache_dir);
    memcpy(out, e.path, strlen(e.path) + 1);
    if (e.exists) return 0;
    if (wm_make_dirs(cache_dir) != 0)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot make the cache folder", cache_dir);
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    int rc = convert(file, layer, e.base, out, err);
    if (rc == 0) wm_source_cache_remove_stale(cache_dir, &e, ".gpkg");
    free(file);
    free(layer);
    return rc;
}

int wm_layer_cache_for_reading(const char *source, long min_bytes, char *out, size_t size)
{
    const char *dir = wm_source_cache_dir();
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
