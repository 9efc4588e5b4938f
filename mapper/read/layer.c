/* VSIStatBufL is a struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE 1

#include "layer.h"
#include "layer_cache.h"
#include "layer_memo.h"
#include "reproject.h"
#include "sort.h"
#include "table.h"
#include "utf8.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* Whether a field's name ends in `suffix` (two letters, any case): the
 * ONS convention, codes in LSOA11CD, names in LSOA11NM. */
static int ends_in(const char *field, const char *suffix)
{
    size_t len = strlen(field);
    return len > 2 && strcasecmp(field + len - 2, suffix) == 0;
}

static int pick_name_field(OGRFeatureDefnH defn, const char *key_field)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (ends_in(f, "NM") && strcasecmp(f, key_field) != 0) return i;
    }
    return OGR_FD_GetFieldIndex(defn, "name");
}

/* ONS codes live in fields named like LSOA11CD, WD25CD, MSOA21CD. */
static int guess_key_field(OGRFeatureDefnH defn)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++)
        if (ends_in(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), "CD")) return i;
    return -1;
}

/* Whether a reading through GDAL's guess of the fields (layer_cache.h:
 * a first reading of a large GeoJSON source, or the copy it wrote) reads
 * what the source's full schema would: the code field and the name
 * field, as asked for or picked, are text fields, so their values are
 * the source's; a name field picked is the first whose name ends in NM,
 * which no field first seen after the guess can come before (GDAL adds
 * fields in the order it meets them).  A name picked as "name", or the
 * codes used as names, could be another field's in the full schema. */
static int guess_serves(OGRFeatureDefnH defn, int key_idx, int name_idx, int name_asked)
{
    if (key_idx < 0 || name_idx < 0) return 0;
    OGRFieldDefnH key = OGR_FD_GetFieldDefn(defn, key_idx), name = OGR_FD_GetFieldDefn(defn, name_idx);
    return OGR_Fld_GetType(key) == OFTString && OGR_Fld_GetType(name) == OFTString &&
           (name_asked || ends_in(OGR_Fld_GetNameRef(name), "NM"));
}

static int compare_features(const void *a, const void *b)
{
    return strcmp(((const wm_feature *)a)->key, ((const wm_feature *)b)->key);
}

/* GDAL's last error for a message: it may quote the file's bytes, so
 * it is escaped like any other text from a file (utf8.h). */
static const char *gdal_reason(char *buf, size_t size, const char *fallback)
{
    const char *e = wm_gdal_last_error();
    return wm_text_escape(*e ? e : fallback, buf, size);
}

const char *const *wm_layer_drivers_for(const char *file)
{
    static const char *const geojson[] = { "GeoJSON", NULL };
    static const char *const shapefile[] = { "ESRI Shapefile", NULL };
    static const char *const gpkg[] = { "GPKG", NULL };
    size_t n = strlen(file);
    if (n >= 8 && strcasecmp(file + n - 8, ".geojson") == 0) return geojson;
    if (n >= 4 && strcasecmp(file + n - 4, ".shp") == 0) return shapefile;
    if (n >= 5 && strcasecmp(file + n - 5, ".gpkg") == 0) return gpkg;
    return NULL;
}

/* A shapefile keeps its attributes (codes, names) in the .dbf beside
 * the .shp; GDAL opens a .shp without one and shows no fields. */
static int shapefile_without_dbf(GDALDatasetH ds, const char *file)
{
    if (strcasecmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") != 0) return 0;
    size_t n = strlen(file);
    if (n < 4 || strcasecmp(file + n - 4, ".shp") != 0) return 0;
    char *dbf = strdup(file);
    VSIStatBufL st;
    int found = 0;
    const char *const ext[] = { ".dbf", ".DBF", ".Dbf" };
    for (int i = 0; i < 3 && !found; i++) {
        memcpy(dbf + n - 4, ext[i], 4);
        found = VSIStatL(dbf, &st) == 0;
    }
    free(dbf);
    return !found;
}

/* Whether a geometry has area: polygons, curved polygons, and
 * collections holding at least one of them. */
static int is_areal(OGRGeometryH g)
{
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon: case wkbMultiSurface:
        return 1;
    case wkbGeometryCollection:
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            if (is_areal(OGR_G_GetGeometryRef(g, i))) return 1;
        return 0;
    default:
        return 0;
    }
}

/* The largest plausible |x| and |y| in a spatial reference: a little
 * over a turn of longitude and a quarter of latitude in a geographic
 * one, 100,000 km (in its unit) in any other.  A coordinate beyond them
 * (1e300, say) is a broken file, not a place. */
#define WM_PI 3.14159265358979323846

static void plausible_limits(OGRSpatialReferenceH srs, double *lx, double *ly)
{
    if (OSRIsGeographic(srs)) {
        double rad = OSRGetAngularUnits(srs, NULL);
        if (!(rad > 0)) rad = WM_PI / 180;
        *lx = 2 * WM_PI / rad;
        *ly = (WM_PI / 2) / rad * (1 + 1e-9);
    } else {
        double m = OSRGetLinearUnits(srs, NULL);
        if (!(m > 0)) m = 1;
        *lx = *ly = 1e8 / m;
    }
}

/* 0 when every vertex of g is finite and within the limits; otherwise
 * 1, with the first bad vertex in *bx, *by. */
static int bad_coordinate(OGRGeometryH g, double lx, double ly, double *bx, double *by)
{
    int n = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < n; i++)
        if (bad_coordinate(OGR_G_GetGeometryRef(g, i), lx, ly, bx, by)) return 1;
    int np = OGR_G_GetPointCount(g);
    if (np <= 0) return 0;
    /* The ring's coordinates copied out in one call, then checked: a
     * call per coordinate (OGR_G_GetX) was a fifth of the instructions
     * of drawing the national map from its cached copy. */
    double local[2 * 512], *xy = np <= 512 ? local : malloc(2 * (size_t)np * sizeof *xy);
    if (!xy) {
        for (int i = 0; i < np; i++) {
            double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
            if (!isfinite(x) || !isfinite(y) || fabs(x) > lx || fabs(y) > ly) {
                *bx = x;
                *by = y;
                return 1;
            }
        }
        return 0;
    }
    OGR_G_GetPoints(g, xy, 2 * sizeof(double), xy + 1, 2 * sizeof(double), NULL, 0);
    int bad = 0;
    for (int i = 0; i < np && !bad; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y) || fabs(x) > lx || fabs(y) > ly) {
            *bx = x;
            *by = y;
            bad = 1;
        }
    }
    if (xy != local) free(xy);
    return bad;
}

static int check_coordinates(OGRGeometryH g, OGRSpatialReferenceH srs, const char *spec, long fid,
                             const char *key, const char *where, wm_error *err)
{
    double lx, ly, x, y;
    plausible_limits(srs, &lx, &ly);
    if (!bad_coordinate(g, lx, ly, &x, &y)) return 0;
    char k[160];
    return wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) has a bad coordinate (%g, %g)%s", spec, fid,
                        wm_text_escape(key, k, sizeof k), x, y, where);
}

/* One feature: its key and name (trimmed, UTF-8), and its geometry,
 * which must have area and sane coordinates, linearised if curved and
 * projected to the target.  0, or -1 with err set and *w left empty. */
static int read_feature(OGRFeatureH f, int key_idx, int name_idx, const char *key_field, const char *spec,
                        OGRSpatialReferenceH src, wm_reproject *rp,
                        OGRSpatialReferenceH target, const char *src_note, OGRwkbGeometryType layer_type,
                        int *areal_seen, wm_feature *w, wm_error *err)
{
    long fid = (long)OGR_F_GetFID(f);
    char shown[160], k[160];
    const char *key = OGR_F_IsFieldSetAndNotNull(f, key_idx) ? OGR_F_GetFieldAsString(f, key_idx) : "";
    if (!wm_utf8_valid(key))
        return wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld: %s \"%s\" is not valid UTF-8", spec, fid,
                            key_field, wm_text_escape(key, shown, sizeof shown));
    w->key = wm_utf8_trimmed_dup(key);
    wm_text_escape(w->key, k, sizeof k);
    if (!*w->key) {
        wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld has an empty %s", spec, fid, key_field);
        goto fail;
    }
    const char *name = name_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, name_idx)
                           ? OGR_F_GetFieldAsString(f, name_idx) : NULL;
    if (name && !wm_utf8_valid(name)) {
        OGRFeatureDefnH defn = OGR_F_GetDefnRef(f);
        char field[128];
        wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s): %s \"%s\" is not valid UTF-8", spec, fid, k,
                     wm_text_escape(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, name_idx)), field, sizeof field),
                     wm_text_escape(name, shown, sizeof shown));
        goto fail;
    }
    w->name = name ? wm_utf8_trimmed_dup(name) : strdup(w->key);

    w->geom = OGR_F_StealGeometry(f);
    if (!w->geom || OGR_G_IsEmpty(w->geom)) {
        wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) has no geometry", spec, fid, k);
        goto fail;
    }
    if (!is_areal(w->geom)) {
        const char *type = OGRGeometryTypeToName(OGR_G_GetGeometryType(w->geom));
        OGRwkbGeometryType lt = wkbFlatten(layer_type);
        if (!*areal_seen && lt != wkbUnknown && lt != wkbGeometryCollection)
            wm_error_set(err, WM_EXIT_DATA, "%s: the layer holds no polygons (its features are %s "
                         "geometries): a choropleth needs areas", spec, OGRGeometryTypeToName(layer_type));
        else
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) is a %s, not a polygon: a choropleth "
                         "needs areas", spec, fid, k, type);
        goto fail;
    }
    *areal_seen = 1;
    if (check_coordinates(w->geom, src, spec, fid, w->key, src_note, err) != 0) goto fail;
    if (OGR_G_HasCurveGeometry(w->geom, TRUE)) {
        OGRGeometryH lin = OGR_G_GetLinearGeometry(w->geom, 0, NULL);
        if (!lin) {
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s): its curves cannot be made into lines (%s)",
                         spec, fid, k, gdal_reason(shown, sizeof shown, "no reason given"));
            goto fail;
        }
        OGR_G_DestroyGeometry(w->geom);
        w->geom = lin;
    }
    if (rp && wm_reproject_geometry(rp, w->geom) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: feature %ld (%s) cannot be projected (%s)", spec, fid, k,
                     gdal_reason(shown, sizeof shown, "no reason given"));
        goto fail;
    }
    if (rp && check_coordinates(w->geom, target, spec, fid, w->key, " once projected", err) != 0) goto fail;
    return 0;

fail:
    free(w->key);
    free(w->name);
    if (w->geom) OGR_G_DestroyGeometry(w->geom);
    memset(w, 0, sizeof *w);
    return -1;
}

wm_layer *wm_layer_read(const char *spec, const char *key_field, const char *name_field,
                        const char *target_srs, wm_error *err)
{
    wm_layer_options opt = { key_field, name_field, target_srs, NULL, NULL };
    return wm_layer_open(spec, &opt, err);
}

/* One reading of features: the whole layer, or one thread's share. */
typedef struct feature_run {
    OGRLayerH lyr;
    int key_idx, name_idx;
    const char *kf, *spec, *src_note;
    OGRwkbGeometryType type;
    OGRSpatialReferenceH src, target;   /* this run's own (OGR's are not shared between threads) */
    wm_reproject *rp;
    wm_layer_cache_tee *tee;
    int half;                           /* which half of a source cut in two the tee gets (layer_cache.h) */
    wm_feature *features;
    size_t n, cap;
    double minx, miny, maxx, maxy;
    int rc;
    wm_error err;
} feature_run;

static void read_run(feature_run *r)
{
    r->minx = r->miny = 1e300;
    r->maxx = r->maxy = -1e300;
    OGR_L_ResetReading(r->lyr);
    OGRFeatureH f;
    int areal_seen = 0;
    while ((f = OGR_L_GetNextFeature(r->lyr)) != NULL) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 256;
            wm_feature *more = realloc(r->features, cap * sizeof *more);
            if (!more) {
                OGR_F_Destroy(f);
                r->rc = wm_error_set(&r->err, WM_EXIT_IO, "%s: out of memory", r->spec);
                return;
            }
            r->features = more;
            r->cap = cap;
        }
        wm_feature w = { 0 };
        int rc = read_feature(f, r->key_idx, r->name_idx, r->kf, r->spec, r->src, r->rp, r->target, r->src_note,
                              r->type, &areal_seen, &w, &r->err);
        if (rc == 0 && r->tee) {
            /* The cache gets every field, and the geometry as drawn. */
            OGR_F_SetGeometryDirectly(f, OGR_G_Clone(w.geom));
            wm_layer_cache_tee_add(r->tee, r->half, f);
        } else {
            OGR_F_Destroy(f);
        }
        if (rc != 0) {
            r->rc = -1;
            return;
        }
        r->features[r->n++] = w;
        OGREnvelope env;
        OGR_G_GetEnvelope(w.geom, &env);
        if (env.MinX < r->minx) r->minx = env.MinX;
        if (env.MinY < r->miny) r->miny = env.MinY;
        if (env.MaxX > r->maxx) r->maxx = env.MaxX;
        if (env.MaxY > r->maxy) r->maxy = env.MaxY;
    }
}

static void free_run(feature_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->features[i].key);
        free(r->features[i].name);
        OGR_G_DestroyGeometry(r->features[i].geom);
    }
    free(r->features);
    r->features = NULL;
    r->n = 0;
}

/* A GeoPackage layer of this many features or more is read by two
 * threads, each its half of the FIDs through its own connection: the
 * national LSOA layer in 0.11 s instead of 0.2 s.  A large GeoJSON
 * source read for the first time is read in two halves too, when its
 * tee cut it (layer_cache.h). */
#define SPLIT_MIN_FEATURES 20000

typedef struct second_half {
    feature_run run;
    const char *file, *layer;           /* a GeoPackage's: opened by the thread, with `filter` */
    int projected;                      /* the first half has a wm_reproject: this one makes its own */
    int gdal_failed;                    /* GDAL reported a failure while this half was read */
    int in_line;                        /* read on the caller's thread, after the first half */
    char filter[200];
    pthread_t thread;
} second_half;

static void *read_second_half(void *arg)
{
    second_half *h = arg;
    static const char *const gpkg[] = { "GPKG", NULL };
    GDALDatasetH ds = NULL;
    if (!h->run.lyr) {
        ds = GDALOpenEx(h->file, GDAL_OF_VECTOR | GDAL_OF_READONLY, gpkg, NULL, NULL);
        h->run.lyr = ds ? GDALDatasetGetLayerByName(ds, h->layer) : NULL;
        if (!h->run.lyr || OGR_L_SetAttributeFilter(h->run.lyr, h->filter) != OGRERR_NONE) {
            h->run.rc = wm_error_set(&h->run.err, WM_EXIT_DATA, "%s: cannot read the layer's second half", h->file);
            goto done;
        }
    }
    CPLErrorReset();
    if (h->projected && !(h->run.rp = wm_reproject_new(h->run.src, h->run.target, &h->run.err)))
        h->run.rc = -1;
    else
        read_run(&h->run);
    h->gdal_failed = CPLGetLastErrorType() >= CE_Failure;
done:
    if (ds) GDALClose(ds);
    return NULL;
}

/* Whether `name` is a plain SQL identifier (quoted, it needs no escapes). */
static int plain_identifier(const char *name)
{
    return *name && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name);
}

/* The FID at or below which lie half of the `count` features of a
 * GeoPackage layer, so that two threads get even halves whatever the
 * FIDs (a first reading's copy numbers its second half from far on,
 * layer_cache.h); count / 2 when it cannot be asked. */
static GIntBig median_fid(GDALDatasetH ds, OGRLayerH lyr, const char *fid, GIntBig count)
{
    GIntBig mid = count / 2;
    const char *name = OGR_L_GetName(lyr);
    if (!plain_identifier(name)) return mid;
    char sql[600];
    snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" ORDER BY \"%s\" LIMIT 1 OFFSET " CPL_FRMT_GIB, fid, name,
             fid, count / 2 - 1);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    if (f) {
        mid = OGR_F_GetFID(f);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return mid;
}

/* The features of `lyr` (of `ds`, opened from `file`) as `opt` says.
 * `tee` (may be NULL) gets each feature read, its geometry in BNG
 * (layer_cache.h).  Without a tee an empty layer is found first by its
 * feature count, for a message naming an empty GeoJSON FeatureCollection;
 * a tee's reading would read the whole file to count.  `unserved` (NULL
 * unless the fields are GDAL's guess) gets 1 when the guess cannot serve
 * the reading, or the tee's second half (a source cut in two) could not
 * be read; NULL is then returned and err is not set. */
static wm_layer *read_layer(GDALDatasetH ds, OGRLayerH lyr, const char *spec, const char *file,
                            const wm_layer_options *opt, wm_layer_cache_tee *tee, int *unserved, wm_error *err)
{
    const char *key_field = opt->key_field, *name_field = opt->name_field, *target_srs = opt->target_srs;
    wm_layer *L = NULL;
    wm_reproject *rp = NULL;
    OGRSpatialReferenceH src = NULL;
    if (opt->where) {
        CPLErrorReset();
        if (OGR_L_SetAttributeFilter(lyr, opt->where) != OGRERR_NONE) {
            char why[300];
            wm_error_set(err, WM_EXIT_USAGE, "%s: --where \"%s\": %s", spec, opt->where,
                         gdal_reason(why, sizeof why, "not a filter OGR understands"));
            goto fail;
        }
    }
    if (shapefile_without_dbf(ds, file)) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the shapefile has no .dbf beside it, and that file holds its "
                     "attributes (area codes and names)", file);
        goto fail;
    }
    if (!tee && OGR_L_GetFeatureCount(lyr, TRUE) == 0) {
        int geojson = strcasecmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GeoJSON") == 0;
        if (opt->where || opt->sql)
            wm_error_set(err, WM_EXIT_DATA, "%s: %s \"%s\" selects no features", spec, opt->sql ? "--sql" : "--where",
                         opt->sql ? opt->sql : opt->where);
        else
            wm_error_set(err, WM_EXIT_DATA, "%s: the layer holds no features%s", spec,
                         geojson ? " (an empty FeatureCollection)" : "");
        goto fail;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    /* The code and name fields: as asked for, or picked by their names. */
    int key_idx = key_field ? OGR_FD_GetFieldIndex(defn, key_field) : guess_key_field(defn);
    int name_idx = name_field ? OGR_FD_GetFieldIndex(defn, name_field)
                   : key_idx >= 0 ? pick_name_field(defn, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, key_idx)))
                                  : -1;
    if (unserved && !guess_serves(defn, key_idx, name_idx, name_field != NULL)) {
        /* Fields guessed (layer_cache.h): read only what the guess gets
         * right; anything else, an error about the fields included, is
         * the full reading's to say. */
        *unserved = 1;
        goto fail;
    }
    if (OGR_FD_GetFieldCount(defn) == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the features have no attributes, so no area codes", spec);
        goto fail;
    }
    if (!key_field && key_idx < 0) {
        wm_error_set(err, WM_EXIT_USAGE, "%s: no field ending in CD to use as the area code; name one with --key", spec);
        goto fail;
    }
    if (!key_field) key_field = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, key_idx));
    char kf[128];   /* the key field's name as messages quote it */
    wm_text_escape(key_field, kf, sizeof kf);
    if (key_idx < 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no field \"%s\" to use as the area code", spec, kf);
        goto fail;
    }
    if (name_field && name_idx < 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no field \"%s\" to use as the area name", spec, name_field);
        goto fail;
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
        wm_error quiet;
        wm_error_clear(&quiet);
        rp = wm_reproject_new(src, L->srs, &quiet);
        if (!rp) {
            char why[300];
            wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform from its SRS to %s (%s)", spec,
                         target_srs ? target_srs : WM_DEFAULT_SRS, gdal_reason(why, sizeof why, "no reason given"));
            goto fail;
        }
    }

    feature_run first = { .lyr = lyr, .key_idx = key_idx, .name_idx = name_idx, .kf = kf, .spec = spec,
                          .src_note = layer_srs ? "" : " (the layer declares no coordinate system, so it is "
                                                       "read as longitude/latitude)",
                          .type = OGR_L_GetGeomType(lyr), .src = src, .target = L->srs, .rp = rp, .tee = tee };
    /* A large GeoPackage layer: the FIDs above the median on a second
     * thread.  A GeoJSON source cut in two by
     * its tee: half 1 on a second thread, its fields found by name. */
    second_half half;
    int split = 0;
    GIntBig count = tee ? 0 : OGR_L_GetFeatureCount(lyr, FALSE);
    const char *fid = OGR_L_GetFIDColumn(lyr);
    OGRLayerH lyr1 = tee ? wm_layer_cache_tee_second_half(tee) : NULL;
    if (lyr1 || (!tee && !opt->where && !opt->sql && count >= SPLIT_MIN_FEATURES && fid && plain_identifier(fid) &&
                 strcasecmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG") == 0)) {
        memset(&half, 0, sizeof half);
        half.run = first;
        half.run.src = OSRClone(src);
        half.run.target = OSRClone(L->srs);
        half.run.rp = NULL;
        half.projected = rp != NULL;
        if (lyr1) {
            OGRFeatureDefnH d1 = OGR_L_GetLayerDefn(lyr1);
            half.run.lyr = lyr1;
            half.run.half = 1;
            half.run.key_idx = OGR_FD_GetFieldIndex(d1, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, key_idx)));
            half.run.name_idx = OGR_FD_GetFieldIndex(d1, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, name_idx)));
            /* Without a thread of its own, half 1 is read after half 0. */
            half.in_line = pthread_create(&half.thread, NULL, read_second_half, &half) != 0;
            split = 1;
        } else {
            half.run.lyr = NULL;
            half.file = GDALGetDescription(ds);
            half.layer = OGR_L_GetName(lyr);
            GIntBig mid = median_fid(ds, lyr, fid, count);
            snprintf(half.filter, sizeof half.filter, "\"%s\" > " CPL_FRMT_GIB, fid, mid);
            char low[200];
            snprintf(low, sizeof low, "\"%s\" <= " CPL_FRMT_GIB, fid, mid);
            split = OGR_L_SetAttributeFilter(lyr, low) == OGRERR_NONE &&
                    pthread_create(&half.thread, NULL, read_second_half, &half) == 0;
            if (!split) OGR_L_SetAttributeFilter(lyr, NULL);
        }
        if (!split) {
            OSRDestroySpatialReference(half.run.src);
            OSRDestroySpatialReference(half.run.target);
        }
    }
    read_run(&first);
    if (split) {
        if (half.in_line) read_second_half(&half);
        else pthread_join(half.thread, NULL);
        if (!lyr1) OGR_L_SetAttributeFilter(lyr, NULL);
        wm_reproject_free(half.run.rp);
        OSRDestroySpatialReference(half.run.src);
        OSRDestroySpatialReference(half.run.target);
        /* The first half's error first; then the second's.  Half 1 of a
         * GeoJSON source numbers its features from 0 (layer_cache.h), and
         * GDAL's failure there may have cut it short: the source is read
         * again the usual way. */
        if (lyr1 && (half.run.rc != 0 || half.gdal_failed)) {
            free_run(&half.run);
            *unserved = 1;
            L->features = first.features;
            L->n = first.n;
            goto fail;
        }
        if (first.rc == 0 && half.run.rc != 0) {
            first.rc = -1;
            first.err = half.run.err;
        }
        if (first.rc == 0 && first.n + half.run.n > first.cap) {
            wm_feature *all = realloc(first.features, (first.n + half.run.n) * sizeof *all);
            if (all) {
                first.features = all;
                first.cap = first.n + half.run.n;
            } else {
                first.rc = wm_error_set(&first.err, WM_EXIT_IO, "%s: out of memory", spec);
            }
        }
        if (first.rc == 0) {
            memcpy(first.features + first.n, half.run.features, half.run.n * sizeof *half.run.features);
            first.n += half.run.n;
            free(half.run.features);
            if (half.run.minx < first.minx) first.minx = half.run.minx;
            if (half.run.miny < first.miny) first.miny = half.run.miny;
            if (half.run.maxx > first.maxx) first.maxx = half.run.maxx;
            if (half.run.maxy > first.maxy) first.maxy = half.run.maxy;
        } else {
            free_run(&half.run);
        }
    }
    L->features = first.features;
    L->n = first.n;
    L->minx = first.minx;
    L->miny = first.miny;
    L->maxx = first.maxx;
    L->maxy = first.maxy;
    if (first.rc != 0) {
        *err = first.err;
        goto fail;
    }
    if (L->n == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the layer has no features", spec);
        goto fail;
    }
    /* Sorted by key: lookups are binary searches, and output order does
     * not depend on the source's feature order. */
    wm_sort(L->features, L->n, sizeof *L->features, compare_features);
    for (size_t i = 1; i < L->n; i++)
        if (strcmp(L->features[i - 1].key, L->features[i].key) == 0) {
            char k[160];
            wm_error_set(err, WM_EXIT_DATA, "%s: two features have %s = %s", spec, kf,
                         wm_text_escape(L->features[i].key, k, sizeof k));
            goto fail;
        }
    wm_reproject_free(rp);
    if (src) OSRDestroySpatialReference(src);
    return L;

fail:
    wm_reproject_free(rp);
    if (src) OSRDestroySpatialReference(src);
    wm_layer_free(L);
    return NULL;
}

/* The first reading of a large GeoJSON layer, its copy written at the
 * same time (layer_cache.h).  *trusted is 0 when the tee could not
 * start, the reading needs fields the guess may have wrong, GDAL failed
 * while reading (a file cut short ends the guessed reading as if at its
 * end), or the reading failed at all: the caller then reads the source
 * the usual way, whose error, if any, is the one given.  (A reading can
 * fail because of the guess: GDAL's guess misses a "crs" member written
 * after the features, and a half's features are numbered from 0.) */
static wm_layer *read_while_caching(const char *spec, const char *file, const wm_layer_options *opt, int *trusted,
                                    wm_error *err)
{
    GDALDatasetH ds;
    OGRLayerH lyr;
    *trusted = 0;
    wm_layer_cache_tee *tee = wm_layer_cache_tee_begin(spec, WM_LAYER_CACHE_MIN_BYTES, &ds, &lyr);
    if (!tee) return NULL;
    int unserved = 0;
    CPLErrorReset();
    wm_layer *L = read_layer(ds, lyr, spec, file, opt, tee, &unserved, err);
    int failed = CPLGetLastErrorType() >= CE_Failure;
    wm_layer_cache_tee_end(tee, L != NULL && !failed);
    GDALClose(ds);
    *trusted = L != NULL && !unserved && !failed;
    if (!*trusted) {
        wm_layer_free(L);
        return NULL;
    }
    return L;
}

/* A layer read from the copy a first reading wrote (layer_cache.h),
 * `copy`.  *served is 0 when the reading needs what the copy may not
 * have right: the caller then reads the source the usual way. */
static wm_layer *read_guessed_copy(const char *copy, const char *spec, const char *file, const wm_layer_options *opt,
                                   int *served, wm_error *err)
{
    static const char *const gpkg[] = { "GPKG", NULL };
    *served = 0;
    GDALDatasetH ds = GDALOpenEx(copy, GDAL_OF_VECTOR | GDAL_OF_READONLY, gpkg, NULL, NULL);
    OGRLayerH lyr = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!lyr) {
        if (ds) GDALClose(ds);
        return NULL;
    }
    int unserved = 0;
    wm_layer *L = read_layer(ds, lyr, spec, file, opt, NULL, &unserved, err);
    GDALClose(ds);
    *served = !unserved;
    return L;
}

wm_layer *wm_layer_open(const char *spec, const wm_layer_options *opt, wm_error *err)
{
    const char *target_srs = opt->target_srs;
    char *file = NULL, *layer_name = NULL;
    wm_split_layer_spec(spec, &file, &layer_name);
    wm_layer *L = NULL;
    GDALDatasetH ds = NULL;
    OGRLayerH result = NULL;   /* an --sql statement's result set */

    VSIStatBufL st;
    if (VSIStatL(file, &st) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        goto done;
    }
    if ((L = wm_layer_memo_find(spec, file, layer_name, opt)) != NULL) goto done;
    /* A layer wanted in BNG is read from its cached BNG GeoPackage
     * (layer_cache.h), made on first use; messages still name the source.
     * A large GeoJSON source is read while its cache is written, the
     * first time; a smaller one is converted, then read from its copy. */
    char cached[PATH_MAX];
    int from_cache = 0;
    if (!opt->sql && (!target_srs || strcasecmp(target_srs, WM_DEFAULT_SRS) == 0)) {
        int state = wm_layer_cache_find(spec, 0, cached, sizeof cached);
        /* A reading through GDAL's guess of the fields, when it can be
         * trusted; otherwise the usual reading, through the full copy. */
        int large = st.st_size >= WM_LAYER_CACHE_MIN_BYTES;
        if (!opt->where && large && (state == WM_LAYER_CACHE_TO_MAKE || state == WM_LAYER_CACHE_GUESSED)) {
            int trusted;
            L = state == WM_LAYER_CACHE_TO_MAKE ? read_while_caching(spec, file, opt, &trusted, err)
                                                : read_guessed_copy(cached, spec, file, opt, &trusted, err);
            if (trusted) goto done;
            wm_error_clear(err);
        }
        /* A small source's attribute filter is read in the source's own
         * dialect (OGR SQL), not the copy's (SQLite), so it reads the source. */
        if (state != WM_LAYER_CACHE_NONE && (large || !opt->where))
            from_cache = wm_layer_cache_for_reading(spec, 0, cached, sizeof cached);
    }
    static const char *const gpkg[] = { "GPKG", NULL };
    CPLErrorReset();
    ds = GDALOpenEx(from_cache ? cached : file, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                    from_cache ? gpkg : wm_layer_drivers_for(file), NULL, NULL);
    if (!ds) {
        char why[300];
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a vector layer (%s)", file,
                     gdal_reason(why, sizeof why, "format not recognised"));
        goto done;
    }
    OGRLayerH lyr = NULL;
    if (opt->sql) {
        /* The statement's result is the layer (OGR SQL, or SQLite SQL with
         * the GeoPackage driver): e.g. one authority of a national file. */
        CPLErrorReset();
        lyr = result = GDALDatasetExecuteSQL(ds, opt->sql, NULL, NULL);
        if (!lyr) {
            char why[300];
            wm_error_set(err, WM_EXIT_USAGE, "%s: --sql \"%s\": %s", file, opt->sql,
                         gdal_reason(why, sizeof why, "the statement returns no layer"));
            goto done;
        }
    } else {
        lyr = layer_name && !from_cache ? GDALDatasetGetLayerByName(ds, layer_name) : GDALDatasetGetLayer(ds, 0);
        if (!lyr) {
            wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file, layer_name ? layer_name : "in the file");
            goto done;
        }
    }
    L = read_layer(ds, lyr, spec, file, opt, NULL, NULL, err);
    if (L && !from_cache) wm_layer_memo_keep(file, layer_name, opt, GDALGetDriverShortName(GDALGetDatasetDriver(ds)), L);
    /* A copy is made from its source and never changes, so a reading of a
     * small one is kept as the source's (a national one is not: memory). */
    else if (L && st.st_size < WM_LAYER_CACHE_MIN_BYTES) wm_layer_memo_keep(file, layer_name, opt, "cached copy", L);
done:
    if (result) GDALDatasetReleaseResultSet(ds, result);
    if (ds) GDALClose(ds);
    free(file);
    free(layer_name);
    return L;
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
    wm_sort(L->features, L->n, sizeof *L->features, compare_features);
    return L;
oom:
    wm_layer_free(L);
    wm_error_set(err, WM_EXIT_IO, "%s: out of memory", src->spec);
    return NULL;
}
