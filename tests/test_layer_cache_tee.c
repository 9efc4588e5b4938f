/* Tests for the first reading of a large GeoJSON layer, which writes a
 * copy at the same time (layer_cache.h, wm_layer_cache_tee_*), through
 * the layer reader as every command uses it:
 *   - the layer read equals the source read without a cache; the copy
 *     written has every feature and geometry of the full copy that
 *     wm_layer_cache_path() converts, the same text fields, and the
 *     guess's other fields left empty, and no spatial index;
 *   - when the fields guessed from the first 1,000 features are not the
 *     source's (a field whose values turn from numbers to text later, a
 *     field that first appears later), a reading of the code and name
 *     fields is still right, and the copy holds no wrong value; a
 *     reading that needs a field the guess lacks reads the source the
 *     usual way, which makes the full copy and drops the guessed one; so
 *     does a reading whose name field the full schema picks otherwise (a
 *     field ending in NM first seen after the guess);
 *   - such a source is read in two halves, on two threads, unless their
 *     guesses disagree (a field text in one and numbers in the other);
 *   - a bad feature late in the file, in either half, is an error naming
 *     it, read again through the full copy (which names it by the same
 *     number); a file cut short is an error and leaves no cache and no
 *     temporary file behind; a "crs" after the features is read;
 *   - a GeoPackage layer this large, read by two threads (layer.c),
 *     gives every feature once, and the first half's error first.
 * The layers are synthetic squares, generated here, over 8 MB each so
 * that the reader caches them. */
#include "layer.h"
#include "layer_cache.h"
#include "source_cache.h"
#include "testutil.h"

#include <dirent.h>
#include <gdal.h>
#include <limits.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FEATURES 40000

enum variant { PLAIN, TEXT_LATER, FIELD_LATER, BAD_LATER, NM_LATER, LABEL_TURNS, CRS_AT_END };

/* The feature without geometry of variant BAD_LATER. */
static int bad_feature = 20000;

/* A synthetic layer of FEATURES squares near Coventry: code, name, a
 * numeric field "v" and, per variant, a change after feature 1,500
 * (LABEL_TURNS: a field "label", text in the first quarter of the file
 * and numbers after, so from before the middle, where it is cut in two). */
static int write_layer(const char *path, enum variant v)
{
    FILE *fp = fopen(path, "w");
    if (!fp) return -1;
    fputs("{\"type\":\"FeatureCollection\",\"name\":\"synthetic_squares\",\"features\":[\n", fp);
    for (int i = 0; i < FEATURES; i++) {
        double x = -1.6 + (i % 200) * 0.001, y = 52.35 + (i / 200) * 0.001;
        if (v == CRS_AT_END) x = 430000 + (i % 200) * 70, y = 270000 + (i / 200) * 110;
        int late = i >= 1500;
        char value[64], extra[64] = "";
        if (v == TEXT_LATER && late) snprintf(value, sizeof value, "\"n/a\"");
        else snprintf(value, sizeof value, "%d", i % 97);
        if (v == FIELD_LATER && late) snprintf(extra, sizeof extra, ",\"late\":\"L%d\"", i);
        if (v == NM_LATER && late) snprintf(extra, sizeof extra, ",\"SQ24NM\":\"Late %d\"", i);
        if (v == LABEL_TURNS)
            snprintf(extra, sizeof extra, i < FEATURES / 4 ? ",\"label\":\"A%d\"" : ",\"label\":%d", i);
        fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"SQ24CD\":\"S%08d\",\"%s\":\"Square %d\","
                    "\"v\":%s%s},\"geometry\":",
                i ? ",\n" : "", i, v == NM_LATER ? "name" : "SQ24NM", i, value, extra);
        if (v == BAD_LATER && i == bad_feature)
            fputs("null}", fp);
        else {
            double d = v == CRS_AT_END ? 70 : 0.001;
            fprintf(fp, "{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],"
                        "[%.4f,%.4f]]]}}",
                    x, y, x + d, y, x + d, y + d, x, y + d, x, y);
        }
    }
    /* A "crs" after the features: GeoJSON of 2008 let it stand anywhere. */
    fputs(v == CRS_AT_END ? "\n],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}}}\n"
                          : "\n]}\n", fp);
    return fclose(fp);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d) closedir(d);
    return n;
}

/* Whether two layers have the same keys, names and geometries. */
static int same_layer(const wm_layer *a, const wm_layer *b)
{
    if (!a || !b || a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->features[i].key, b->features[i].key) != 0 || strcmp(a->features[i].name, b->features[i].name))
            return 0;
        OGRGeometryH ma = OGR_G_ForceToMultiPolygon(OGR_G_Clone(a->features[i].geom));
        OGRGeometryH mb = OGR_G_ForceToMultiPolygon(OGR_G_Clone(b->features[i].geom));
        int same = OGR_G_Equals(ma, mb);
        OGR_G_DestroyGeometry(ma);
        OGR_G_DestroyGeometry(mb);
        if (!same) return 0;
    }
    return 1;
}

/* A first reading's copy `pg` against the full copy `pf`: the same
 * features and geometries in the same order, the same fields; the text
 * fields' values the same, the others' left empty.  (The copy's FIDs
 * rise but may jump: a source read in two halves numbers the second
 * half's features from the byte where it starts, layer_cache.h.) */
static int copy_matches_full(const char *pg, const char *pf)
{
    GDALDatasetH a = GDALOpenEx(pg, GDAL_OF_VECTOR, NULL, NULL, NULL), b = GDALOpenEx(pf, GDAL_OF_VECTOR, NULL, NULL, NULL);
    int same = a && b;
    OGRLayerH la = same ? GDALDatasetGetLayer(a, 0) : NULL, lb = same ? GDALDatasetGetLayer(b, 0) : NULL;
    same = la && lb && OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(la)) == OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lb)) &&
           OGR_L_GetFeatureCount(la, TRUE) == OGR_L_GetFeatureCount(lb, TRUE);
    OGRFeatureH fa, fb;
    GIntBig last_fid = 0;
    while (same && (fa = OGR_L_GetNextFeature(la)) != NULL) {
        fb = OGR_L_GetNextFeature(lb);
        same = fb && OGR_F_GetFID(fa) > last_fid && OGR_G_Equals(OGR_F_GetGeometryRef(fa), OGR_F_GetGeometryRef(fb));
        last_fid = OGR_F_GetFID(fa);
        for (int i = 0; same && i < OGR_F_GetFieldCount(fa); i++) {
            OGRFieldDefnH d = OGR_F_GetFieldDefnRef(fa, i);
            same = strcmp(OGR_Fld_GetNameRef(d), OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(fb, i))) == 0 &&
                   (OGR_Fld_GetType(d) == OFTString
                        ? strcmp(OGR_F_GetFieldAsString(fa, i), OGR_F_GetFieldAsString(fb, i)) == 0
                        : !OGR_F_IsFieldSetAndNotNull(fa, i));
        }
        OGR_F_Destroy(fa);
        if (fb) OGR_F_Destroy(fb);
    }
    if (a) GDALClose(a);
    if (b) GDALClose(b);
    return same;
}

/* Whether field `name` of a GeoPackage's first layer is empty in every
 * feature (and exists). */
static int field_empty(const char *path, const char *name)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    int i = l ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name) : -1, empty = i >= 0;
    OGRFeatureH f;
    while (empty && (f = OGR_L_GetNextFeature(l)) != NULL) {
        empty = !OGR_F_IsFieldSetAndNotNull(f, i);
        OGR_F_Destroy(f);
    }
    if (ds) GDALClose(ds);
    return empty;
}

/* The largest FID in a GeoPackage's first layer, or -1.  Above FEATURES
 * when a source read in two halves wrote it (layer_cache.h). */
static long long max_fid(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    long long max = -1;
    OGRFeatureH f;
    while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        if (OGR_F_GetFID(f) > max) max = OGR_F_GetFID(f);
        OGR_F_Destroy(f);
    }
    if (ds) GDALClose(ds);
    return max;
}

/* Whether a GeoPackage's first layer has a spatial index (1, 0), or -1. */
static int has_spatial_index(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    int has = l ? OGR_L_TestCapability(l, OLCFastSpatialFilter) != 0 : -1;
    if (ds) GDALClose(ds);
    return has;
}

/* The field `name`'s type in a GeoPackage's first layer, or -1. */
static int field_type(const char *path, const char *name)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    int t = -1;
    if (ds) {
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(GDALDatasetGetLayer(ds, 0));
        int i = OGR_FD_GetFieldIndex(d, name);
        if (i >= 0) t = (int)OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, i));
        GDALClose(ds);
    }
    return t;
}

/* A synthetic GeoPackage of FEATURES squares in British National Grid
 * (read by two threads, layer.c): feature FID `no_geometry` (0: none)
 * without geometry, feature FID `no_key` (0: none) with an empty code. */
static int write_gpkg(const char *path, long no_geometry, long no_key)
{
    remove(path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) return -1;
    OGRSpatialReferenceH bng = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(bng, 27700);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "synthetic_squares", bng, wkbPolygon, NULL);
    OSRDestroySpatialReference(bng);
    OGRFieldDefnH fd = OGR_Fld_Create("SQ24CD", OFTString);
    OGR_L_CreateField(lyr, fd, TRUE);
    OGR_Fld_Destroy(fd);
    GDALDatasetStartTransaction(ds, FALSE);
    for (long i = 1; i <= FEATURES; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        char code[32];
        snprintf(code, sizeof code, "S%08ld", i);
        OGR_F_SetFieldString(f, 0, i == no_key ? "" : code);
        if (i != no_geometry) {
            double x = 430000 + (double)(i % 200) * 70, y = 270000 + (double)(i / 200) * 110;
            OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), poly = OGR_G_CreateGeometry(wkbPolygon);
            OGR_G_AddPoint_2D(ring, x, y);
            OGR_G_AddPoint_2D(ring, x + 70, y);
            OGR_G_AddPoint_2D(ring, x + 70, y + 110);
            OGR_G_AddPoint_2D(ring, x, y);
            OGR_G_AddGeometryDirectly(poly, ring);
            OGR_F_SetGeometryDirectly(f, poly);
        }
        int bad = OGR_L_CreateFeature(lyr, f) != OGRERR_NONE;
        OGR_F_Destroy(f);
        if (bad) {
            GDALClose(ds);
            return -1;
        }
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    return 0;
}

/* The layer read with the cache in `cache` (new), and without a cache. */
static void read_both(const char *src, const char *cache, wm_layer **cached, wm_layer **direct, wm_error *err)
{
    setenv("WARDMAP_CACHE", cache, 1);
    *cached = wm_layer_read(src, "SQ24CD", NULL, NULL, err);
    /* The cache is finished in the background; a process waits at exit. */
    wm_layer_cache_wait();
    setenv("WARDMAP_CACHE", "off", 1);
    wm_error quiet;
    wm_error_clear(&quiet);
    *direct = wm_layer_read(src, "SQ24CD", NULL, NULL, &quiet);
}

/* Layer variant `v` written to `src` and read with a new cache in
 * folder `cache` (its path in `dir`): the layer equals the source read
 * without a cache, and the cache is made (its path in `path`).
 * Returns the layer read without a cache. */
static wm_layer *read_with_cache(const char *src, enum variant v, const char *cache, char *dir, char *path)
{
    wm_error err;
    wm_error_clear(&err);
    CHECK(write_layer(src, v) == 0);
    snprintf(dir, PATH_MAX, "%s", wm_test_tmp_path(cache));
    wm_layer *cached, *direct;
    read_both(src, dir, &cached, &direct, &err);
    CHECK(cached && cached->n == FEATURES);
    CHECK(same_layer(cached, direct));
    setenv("WARDMAP_CACHE", dir, 1);
    CHECK(wm_layer_cache_find(src, WM_LAYER_CACHE_MIN_BYTES, path, PATH_MAX) == WM_LAYER_CACHE_GUESSED);
    CHECK(strstr(path, ".guess.gpkg") != NULL);
    wm_layer_free(cached);
    return direct;
}

/* After a reading the guess could not serve, so read the usual way:
 * `a` (read with the cache in `dir`) equals `b` (read without), its
 * first and last areas are named `first` and `last`, and the cache holds
 * the full copy alone (its path into `path`).  Frees both layers. */
static void read_the_usual_way(wm_layer *a, wm_layer *b, const char *first, const char *last, const char *src,
                               const char *dir, char *path)
{
    CHECK(a && b && same_layer(a, b));
    if (a && a->n == FEATURES) {
        CHECK(strcmp(a->features[0].name, first) == 0);
        CHECK(strcmp(a->features[FEATURES - 1].name, last) == 0);
    }
    wm_layer_free(a);
    wm_layer_free(b);
    setenv("WARDMAP_CACHE", dir, 1);
    CHECK(wm_layer_cache_find(src, WM_LAYER_CACHE_MIN_BYTES, path, PATH_MAX) == WM_LAYER_CACHE_FULL);
    CHECK(count_entries(dir) == 1);
}

int main(void)
{
    GDALAllRegister();
    wm_error err;
    wm_error_clear(&err);
    char path[PATH_MAX], converted[PATH_MAX];
    const char *src = wm_test_tmp_path("synthetic_squares.geojson");
    struct stat st;

    /* The guess holds: the layer and the cache are the usual ones. */
    char dir[PATH_MAX];
    wm_layer *cached, *direct = read_with_cache(src, PLAIN, "cache-plain", dir, path);
    CHECK(stat(src, &st) == 0 && st.st_size >= WM_LAYER_CACHE_MIN_BYTES);
    CHECK(count_entries(dir) == 1);
    CHECK(wm_layer_cache_path(src, wm_test_tmp_path("cache-converted"), converted, sizeof converted, &err) == 0);
    CHECK(copy_matches_full(path, converted));
    CHECK(field_empty(path, "v"));
    CHECK(has_spatial_index(converted) == 1 && has_spatial_index(path) == 0);
    /* It was read in two halves, on two threads (geojson_halves.h). */
    CHECK(max_fid(path) > FEATURES);
    /* Read again, from the copy now. */
    wm_layer *again = wm_layer_read(src, "SQ24CD", NULL, NULL, &err);
    CHECK(same_layer(again, direct));
    wm_layer_free(again);
    wm_layer_free(direct);

    /* "v" holds numbers in the first features and text later: the guess
     * types it integer, which would read "n/a" as 0; the codes and names
     * are right, and the copy leaves "v" empty.  A field first seen after
     * the guess: the same, and the copy does not have it. */
    wm_layer_free(read_with_cache(src, TEXT_LATER, "cache-text", dir, path));
    CHECK(field_type(path, "v") == OFTInteger && field_empty(path, "v"));
    direct = read_with_cache(src, FIELD_LATER, "cache-late", dir, path);
    wm_layer_free(direct);
    CHECK(field_type(path, "late") == -1);
    /* Names asked from that later field: the guess lacks it, so the
     * source is read the usual way (names right where the field is set,
     * the codes where not), and the full copy replaces the guessed one. */
    wm_error_clear(&err);
    wm_layer *late = wm_layer_read(src, "SQ24CD", "late", NULL, &err);
    setenv("WARDMAP_CACHE", "off", 1);
    direct = wm_layer_read(src, "SQ24CD", "late", NULL, &err);
    read_the_usual_way(late, direct, "S00000000", "L39999", src, dir, path);
    CHECK(field_type(path, "late") == OFTString);

    /* Names in a field "name", and a field ending in NM first seen after
     * the guess: the full schema names the areas from the NM field, so
     * the guess (which would pick "name") is not trusted and the source
     * is read the usual way. */
    CHECK(write_layer(src, NM_LATER) == 0);
    snprintf(dir, sizeof dir, "%s", wm_test_tmp_path("cache-nm"));
    wm_error_clear(&err);
    read_both(src, dir, &cached, &direct, &err);
    CHECK(cached && strcmp(cached->name_field, "SQ24NM") == 0);
    read_the_usual_way(cached, direct, "S00000000", "Late 39999", src, dir, path);

    /* A field text in the first half and numbers in the second: half 1's
     * guess types it integer, so the halves disagree and the source is
     * read whole; the copy holds the field's values as text, as the full
     * copy does. */
    direct = read_with_cache(src, LABEL_TURNS, "cache-label", dir, path);
    wm_layer_free(direct);
    CHECK(max_fid(path) == FEATURES);
    CHECK(wm_layer_cache_path(src, wm_test_tmp_path("cache-label-full"), converted, sizeof converted, &err) == 0);
    CHECK(field_type(path, "label") == OFTString && copy_matches_full(path, converted));

    /* A feature without geometry late in the file, in half 1 (whose
     * reading numbers features from 0) and in half 0: the failed guessed
     * reading leaves no copy, and the source is read again the usual
     * way, through the full copy, whose error names the feature. */
    const int bad[] = { 30000, 10000 };
    for (int i = 0; i < 2; i++) {
        bad_feature = bad[i];
        CHECK(write_layer(src, BAD_LATER) == 0);
        snprintf(dir, sizeof dir, "%s", wm_test_tmp_path(i ? "cache-bad-early" : "cache-bad"));
        wm_error_clear(&err);
        read_both(src, dir, &cached, &direct, &err);
        CHECK(!cached && !direct);
        char want[200];
        snprintf(want, sizeof want, "synthetic_squares.geojson: feature %d (S%08d) has no geometry", bad[i], bad[i]);
        CHECK(strstr(err.msg, want) != NULL);
        if (!strstr(err.msg, want)) fprintf(stderr, "got: %s\n", err.msg);
        setenv("WARDMAP_CACHE", dir, 1);
        CHECK(count_entries(dir) == 1 &&
              wm_layer_cache_find(src, WM_LAYER_CACHE_MIN_BYTES, path, PATH_MAX) == WM_LAYER_CACHE_FULL);
    }
    /* Read through the full copy (a --where reading): the copy keeps the
     * source's FIDs, so the message names the feature as above. */
    bad_feature = 30000;
    CHECK(write_layer(src, BAD_LATER) == 0);
    setenv("WARDMAP_CACHE", wm_test_tmp_path("cache-bad-where"), 1);
    wm_layer_options where = { .key_field = "SQ24CD", .where = "v >= 0" };
    wm_error_clear(&err);
    CHECK(wm_layer_open(src, &where, &err) == NULL);
    CHECK(strstr(err.msg, "synthetic_squares.geojson: feature 30000 (S00030000) has no geometry") != NULL);
    if (!strstr(err.msg, "feature 30000")) fprintf(stderr, "got: %s\n", err.msg);

    /* A "crs" after the features, which GDAL's guess misses: the source
     * is read the usual way, in British National Grid as it says. */
    CHECK(write_layer(src, CRS_AT_END) == 0);
    snprintf(dir, sizeof dir, "%s", wm_test_tmp_path("cache-crs"));
    wm_error_clear(&err);
    read_both(src, dir, &cached, &direct, &err);
    CHECK(cached && cached->n == FEATURES && same_layer(cached, direct));
    CHECK(cached && cached->minx == 430000 && cached->miny == 270000);
    wm_layer_free(cached);
    wm_layer_free(direct);

    /* A file cut short after the guess: the guessed reading stops at the
     * cut as if at the end, but the full opening fails, so the source is
     * read again the usual way, whose error names the file. */
    CHECK(write_layer(src, PLAIN) == 0);
    CHECK(stat(src, &st) == 0 && truncate(src, st.st_size * 9 / 10) == 0);
    snprintf(dir, sizeof dir, "%s", wm_test_tmp_path("cache-cut"));
    wm_error_clear(&err);
    read_both(src, dir, &cached, &direct, &err);
    CHECK(!cached && !direct);
    CHECK(strstr(err.msg, "synthetic_squares.geojson: cannot read as a vector layer") != NULL);
    CHECK(count_entries(dir) == 0);

    /* A GeoPackage this large is read by two threads, each half of the
     * FIDs: every feature once, in the same layer as one reading gives
     * (the cache above was read so); an error in the second half names
     * its feature; with errors in both halves, the first half's. */
    const char *gpkg = wm_test_tmp_path("synthetic_squares.gpkg");
    CHECK(write_gpkg(gpkg, 0, 0) == 0);
    wm_layer *all = wm_layer_read(gpkg, "SQ24CD", NULL, NULL, &err);
    CHECK(all && all->n == FEATURES);
    if (all && all->n == FEATURES) {
        CHECK(strcmp(all->features[0].key, "S00000001") == 0);
        CHECK(strcmp(all->features[FEATURES - 1].key, "S00040000") == 0);
        CHECK(all->minx == 430000 && all->maxx == 430000 + 199 * 70 + 70);
    }
    wm_layer_free(all);
    CHECK(write_gpkg(gpkg, 30000, 0) == 0);
    wm_error_clear(&err);
    CHECK(wm_layer_read(gpkg, "SQ24CD", NULL, NULL, &err) == NULL);
    CHECK(strstr(err.msg, "synthetic_squares.gpkg: feature 30000 (S00030000) has no geometry") != NULL);
    CHECK(write_gpkg(gpkg, 30000, 5) == 0);
    wm_error_clear(&err);
    CHECK(wm_layer_read(gpkg, "SQ24CD", NULL, NULL, &err) == NULL);
    CHECK(strstr(err.msg, "synthetic_squares.gpkg: feature 5 has an empty SQ24CD") != NULL);
    return wm_test_summary();
}
