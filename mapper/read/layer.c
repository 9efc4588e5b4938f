#include "layer.h"
#include "table.h"

#include <cpl_conv.h>
#include <math.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>


static int pick_name_field(OGRFeatureDefnH defn, const char *key_field)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        size_t len = strlen(f);
        if (len > 2 && strcasecmp(f + len - 2, "NM") == 0 && strcasecmp(f, key_field) != 0)
            return i;
    }
    return OGR_FD_GetFieldIndex(defn, "name");
}

/* ONS codes live in fields named like LSOA11CD, WD25CD, MSOA21CD. */
static int guess_key_field(OGRFeatureDefnH defn)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        size_t len = strlen(f);
        if (len > 2 && strcasecmp(f + len - 2, "CD") == 0) return i;
    }
    return -1;
}

static int compare_features(const void *a, const void *b)
{
    return strcmp(((const wm_feature *)a)->key, ((const wm_feature *)b)->key);
}

wm_layer *wm_layer_read(const char *spec, const char *key_field, const char *name_field,
                        const char *target_srs, wm_error *err)
{
    char *file = NULL, *layer_name = NULL;
    wm_split_layer_spec(spec, &file, &layer_name);
    wm_layer *L = NULL;
    GDALDatasetH ds = NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH src = NULL;

    struct stat st;
    if (stat(file, &st) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        goto fail;
    }
    CPLErrorReset();
    ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a vector layer (%s)", file,
                     *wm_gdal_last_error() ? wm_gdal_last_error() : "format not recognised");
        goto fail;
    }
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name) : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file, layer_name ? layer_name : "in the file");
        goto fail;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int key_idx = key_field ? OGR_FD_GetFieldIndex(defn, key_field) : guess_key_field(defn);
    if (!key_field && key_idx < 0) {
        wm_error_set(err, WM_EXIT_USAGE, "%s: no field ending in CD to use as the area code; name one with --key", spec);
        goto fail;
    }
    if (!key_field) key_field = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, key_idx));
    if (key_idx < 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no field \"%s\" to use as the area code", spec, key_field);
        goto fail;
    }
    int name_idx;
    if (name_field) {
        name_idx = OGR_FD_GetFieldIndex(defn, name_field);
        if (name_idx < 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: no field \"%s\" to use as the area name", spec, name_field);
            goto fail;
        }
    } else {
        name_idx = pick_name_field(defn, key_field);
    }

    L = calloc(1, sizeof *L);
    L->spec = strdup(spec);
    L->key_field = strdup(key_field);
    L->name_field = name_idx >= 0 ? strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, name_idx))) : NULL;
    L->srs = OSRNewSpatialReference(NULL);
    if (OSRSetFromUserInput(L->srs, target_srs ? target_srs : WM_DEFAULT_SRS) != OGRERR_NONE) {
        wm_error_set(err, WM_EXIT_USAGE, "target SRS \"%s\" is not understood by PROJ",
                     target_srs ? target_srs : WM_DEFAULT_SRS);
        goto fail;
    }
    OSRSetAxisMappingStrategy(L->srs, OAMS_TRADITIONAL_GIS_ORDER);

    OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(lyr);
    src = layer_srs ? OSRClone(layer_srs) : OSRNewSpatialReference(NULL);
    if (!layer_srs) OSRSetWellKnownGeogCS(src, "WGS84");
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(src, L->srs)) {
        ct = OCTNewCoordinateTransformation(src, L->srs);
        if (!ct) {
            wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform from its SRS to %s (%s)", spec,
                         target_srs ? target_srs : WM_DEFAULT_SRS, wm_gdal_last_error());
            goto fail;
        }
    }

    size_t cap = 256;
    L->features = malloc(cap * sizeof *L->features);
    L->minx = L->miny = 1e300;
    L->maxx = L->maxy = -1e300;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        long fid = (long)OGR_F_GetFID(f);
        const char *key = OGR_F_IsFieldSetAndNotNull(f, key_idx) ? OGR_F_GetFieldAsString(f, key_idx) : "";
        char *k = wm_trimmed_dup(key);
        if (!*k) {
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld has an empty %s", spec, fid, key_field);
            free(k); OGR_F_Destroy(f);
            goto fail;
        }
        OGRGeometryH g = OGR_F_StealGeometry(f);
        if (!g || OGR_G_IsEmpty(g)) {
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) has no geometry", spec, fid, k);
            if (g) OGR_G_DestroyGeometry(g);
            free(k); OGR_F_Destroy(f);
            goto fail;
        }
        if (ct && OGR_G_Transform(g, ct) != OGRERR_NONE) {
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) cannot be projected (%s)", spec, fid, k,
                         wm_gdal_last_error());
            OGR_G_DestroyGeometry(g);
            free(k); OGR_F_Destroy(f);
            goto fail;
        }
        if (L->n == cap) {
            cap *= 2;
            L->features = realloc(L->features, cap * sizeof *L->features);
        }
        wm_feature *w = &L->features[L->n++];
        w->key = k;
        w->name = name_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, name_idx)
                      ? wm_trimmed_dup(OGR_F_GetFieldAsString(f, name_idx)) : strdup(k);
        w->geom = g;
        OGREnvelope env;
        OGR_G_GetEnvelope(g, &env);
        if (env.MinX < L->minx) L->minx = env.MinX;
        if (env.MinY < L->miny) L->miny = env.MinY;
        if (env.MaxX > L->maxx) L->maxx = env.MaxX;
        if (env.MaxY > L->maxy) L->maxy = env.MaxY;
        OGR_F_Destroy(f);
    }
    if (L->n == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the layer has no features", spec);
        goto fail;
    }
    /* Sorted by key: lookups are binary searches, and output order does
     * not depend on the source's feature order. */
    qsort(L->features, L->n, sizeof *L->features, compare_features);
    for (size_t i = 1; i < L->n; i++)
        if (strcmp(L->features[i - 1].key, L->features[i].key) == 0) {
            wm_error_set(err, WM_EXIT_DATA, "%s: two features have %s = %s", spec, key_field,
                         L->features[i].key);
            goto fail;
        }
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (src) OSRDestroySpatialReference(src);
    GDALClose(ds);
    free(file); free(layer_name);
    return L;

fail:
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (src) OSRDestroySpatialReference(src);
    if (ds) GDALClose(ds);
    wm_layer_free(L);
    free(file); free(layer_name);
    return NULL;
}

long wm_layer_find(const wm_layer *layer, const char *key)
{
    size_t lo = 0, hi = layer->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(layer->features[mid].key, key);
        if (c == 0) return (long)mid;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}

void wm_layer_free(wm_layer *L)
{
    if (!L) return;
    for (size_t i = 0; i < L->n; i++) {
        free(L->features[i].key);
        free(L->features[i].name);
        if (L->features[i].geom) OGR_G_DestroyGeometry(L->features[i].geom);
    }
    free(L->features);
    if (L->srs) OSRDestroySpatialReference(L->srs);
    free(L->spec);
    free(L->key_field);
    free(L->name_field);
    free(L);
}

wm_layer *wm_layer_select(const wm_layer *src, const size_t *index, size_t n, const char *const *names,
                          wm_error *err)
{
    wm_layer *L = calloc(1, sizeof *L);
    if (!L) goto oom;
    L->spec = strdup(src->spec);
    L->key_field = strdup(src->key_field);
    L->name_field = src->name_field ? strdup(src->name_field) : NULL;
    L->srs = src->srs ? OSRClone(src->srs) : NULL;
    L->features = calloc(n ? n : 1, sizeof *L->features);
    if (!L->spec || !L->key_field || !L->features) goto oom;
    L->minx = L->miny = HUGE_VAL;
    L->maxx = L->maxy = -HUGE_VAL;
    for (size_t k = 0; k < n; k++) {
        const wm_feature *f = &src->features[index[k]];
        wm_feature *w = &L->features[L->n++];
        w->key = strdup(f->key);
        w->name = strdup(names && names[k] ? names[k] : f->name);
        w->geom = OGR_G_Clone(f->geom);
        if (!w->key || !w->name || !w->geom) goto oom;
        OGREnvelope env;
        OGR_G_GetEnvelope(w->geom, &env);
        if (env.MinX < L->minx) L->minx = env.MinX;
        if (env.MinY < L->miny) L->miny = env.MinY;
        if (env.MaxX > L->maxx) L->maxx = env.MaxX;
        if (env.MaxY > L->maxy) L->maxy = env.MaxY;
    }
    qsort(L->features, L->n, sizeof *L->features, compare_features);
    return L;
oom:
    wm_layer_free(L);
    wm_error_set(err, WM_EXIT_IO, "%s: out of memory", src->spec);
    return NULL;
}
