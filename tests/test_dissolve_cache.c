/* analyse/dissolve.h and read/layer_cache.h on synthetic layers:
 *   - four unit squares (in British National Grid) dissolved by a group
 *     code into two rectangles: areas, names, extent, a feature left out;
 *   - a GeoJSON layer cached once in EPSG:27700: the same features and
 *     fields, not converted again while the source is unchanged, converted
 *     anew (and the older file removed) when it changes. */
#include "dissolve.h"
#include "error.h"
#include "layer.h"
#include "layer_cache.h"
#include "testutil.h"

#include <dirent.h>
#include <gdal.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Unit squares at x = 0..3 (metres from an origin in England). */
static const char squares[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A 001A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[400000,300000],[401000,300000],[401000,301000],[400000,301000],[400000,300000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000002\",\"LSOA11NM\":\"A 001B\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[401000,300000],[402000,300000],[402000,301000],[401000,301000],[401000,300000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000003\",\"LSOA11NM\":\"A 002A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[402000,300000],[403000,300000],[403000,301000],[402000,301000],[402000,300000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000004\",\"LSOA11NM\":\"A 002B\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[403000,300000],[404000,300000],[404000,301000],[403000,301000],[403000,300000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000005\",\"LSOA11NM\":\"Elsewhere\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[410000,300000],[411000,300000],[411000,301000],[410000,301000],[410000,300000]]]}}"
    "]}";

static size_t gpkg_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, ".gpkg") != NULL;
    if (d) closedir(d);
    return n;
}

int main(void)
{
    GDALAllRegister();
    char src[PATH_MAX], cache[PATH_MAX];
    snprintf(src, sizeof src, "%s/squares.geojson", wm_test_tmpdir());
    snprintf(cache, sizeof cache, "%s/cache", wm_test_tmpdir());
    CHECK(wm_test_write_file(src, squares) == 0);
    wm_error err;

    /* Dissolve. */
    wm_layer *L = wm_layer_read(src, "LSOA11CD", "LSOA11NM", NULL, &err);
    CHECK(L != NULL && L->n == 5);
    if (L) {
        const char *group[5] = { "E02000001", "E02000001", "E02000002", "E02000002", NULL };
        const char *name[5] = { "A 001", NULL, NULL, "A 002", NULL };
        wm_layer *M = wm_dissolve(L, group, name, "MSOA11CD", "MSOA11NM", &err);
        CHECK(M != NULL);
        if (M) {
            CHECK(M->n == 2);
            CHECK_STR(M->features[0].key, "E02000001");
            CHECK_STR(M->features[0].name, "A 001");
            CHECK_STR(M->features[1].name, "A 002");
            CHECK_STR(M->key_field, "MSOA11CD");
            CHECK(wm_layer_find(M, "E02000002") == 1);
            CHECK_NEAR(OGR_G_Area(M->features[0].geom), 2e6, 1e-3);
            CHECK_NEAR(OGR_G_Area(M->features[1].geom), 2e6, 1e-3);
            /* The shared edge is gone: one polygon of four edges' worth of outline. */
            CHECK_NEAR(OGR_G_Length(OGR_G_GetGeometryRef(M->features[0].geom, 0)), 6000, 1e-3);
            CHECK_NEAR(M->minx, 400000, 1e-6);
            CHECK_NEAR(M->maxx, 404000, 1e-6);
            wm_layer_free(M);
        }
        const char *none[5] = { NULL, NULL, NULL, NULL, NULL };
        CHECK(wm_dissolve(L, none, NULL, "X", NULL, &err) == NULL);
        CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no feature has a group") != NULL);
        wm_layer_free(L);
    }

    /* Cache. */
    char first[PATH_MAX], again[PATH_MAX], changed[PATH_MAX];
    CHECK(wm_layer_cache_path(src, cache, first, sizeof first, &err) == 0);
    struct stat st1, st2;
    CHECK(stat(first, &st1) == 0);
    wm_layer_options o = { .where = "LSOA11CD IN ('E01000002', 'E01000005')" };
    wm_layer *C = wm_layer_open(first, &o, &err);
    CHECK(C != NULL && C->n == 2);
    if (C) {
        CHECK_STR(C->features[1].name, "Elsewhere");
        CHECK_NEAR(C->minx, 401000, 0.01);
        wm_layer_free(C);
    }
    sleep(1);
    CHECK(wm_layer_cache_path(src, cache, again, sizeof again, &err) == 0);
    CHECK_STR(again, first);
    CHECK(stat(again, &st2) == 0 && st2.st_mtime == st1.st_mtime);
    /* A changed source (one feature fewer) gets a new cache; the old one goes. */
    char *less = strdup(squares);
    char *cut = strstr(less, ",{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000005\"");
    strcpy(cut, "]}");
    CHECK(wm_test_write_file(src, less) == 0);
    free(less);
    CHECK(wm_layer_cache_path(src, cache, changed, sizeof changed, &err) == 0);
    CHECK(strcmp(changed, first) != 0);
    CHECK(access(first, F_OK) != 0);
    CHECK(gpkg_files(cache) == 1);
    C = wm_layer_read(changed, NULL, NULL, NULL, &err);
    CHECK(C != NULL && C->n == 4);
    wm_layer_free(C);
    /* A missing source is an error naming it. */
    CHECK(wm_layer_cache_path("no/such.geojson", cache, again, sizeof again, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no/such.geojson") != NULL);
    return wm_test_summary();
}
