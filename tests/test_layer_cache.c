/* Tests for layer_cache.h as the layer reader uses it: a layer
 * converted once to a BNG GeoPackage, reused while the source is
 * unchanged, remade (and the stale copy removed) when it changes, with
 * the same features, names and coordinates as the source read directly;
 * small layers, GeoPackages and what GDAL cannot read left to the reader;
 * a source with a field named FID; WARDMAP_CACHE naming the directory or
 * turning the cache off.  The area
 * store's use (filtered cuts) is in test_dissolve_cache.  Synthetic
 * layers only. */
#include "layer.h"
#include "layer_cache.h"
#include "source_cache.h"
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <gdal.h>
#include <limits.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_gpkg(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, ".gpkg") != NULL;
    if (d) closedir(d);
    return n;
}

static const char *layer_text(double shift)
{
    return wm_test_two_wards_geojson(52.41 + shift);
}

int main(void)
{
    GDALAllRegister();
    const char *src = wm_test_tmp_path("wards.geojson");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", wm_test_tmp_path("cache"));
    CHECK(wm_test_write_file(src, layer_text(0)) == 0);
    wm_error err;
    wm_error_clear(&err);
    setenv("WARDMAP_CACHE", dir, 1);
    CHECK(wm_source_cache_dir() && strcmp(wm_source_cache_dir(), dir) == 0);

    /* Too small for the reader's threshold: not cached. */
    char path[PATH_MAX], again[PATH_MAX];
    CHECK(wm_layer_cache_for_reading(src, 1L << 30, path, sizeof path) == 0);
    CHECK(count_gpkg(dir) == 0);

    /* Converted once, then found. */
    CHECK(wm_layer_cache_for_reading(src, 0, path, sizeof path) == 1);
    CHECK(strncmp(path, dir, strlen(dir)) == 0 && strstr(path, "/wards-") && strstr(path, ".gpkg"));
    struct stat a, b;
    CHECK(stat(path, &a) == 0);
    CHECK(wm_layer_cache_for_reading(src, 0, again, sizeof again) == 1);
    CHECK(strcmp(path, again) == 0);
    CHECK(stat(again, &b) == 0 && a.st_ino == b.st_ino);
    CHECK(count_gpkg(dir) == 1);
    /* The area store's call names the same file. */
    CHECK(wm_layer_cache_path(src, dir, again, sizeof again, &err) == 0);
    CHECK(strcmp(path, again) == 0);

    /* The cached layer is the source's: keys, names, order, SRS,
     * coordinates (its polygons written as MultiPolygons). */
    wm_layer *direct = wm_layer_read(src, "WD25CD", NULL, NULL, &err);
    wm_layer *cached = wm_layer_read(path, "WD25CD", NULL, NULL, &err);
    CHECK(direct && cached);
    if (direct && cached) {
        CHECK(direct->n == 2 && cached->n == 2);
        for (size_t i = 0; i < 2 && i < cached->n; i++) {
            CHECK(strcmp(direct->features[i].key, cached->features[i].key) == 0);
            CHECK(strcmp(direct->features[i].name, cached->features[i].name) == 0);
            OGRGeometryH multi = OGR_G_ForceToMultiPolygon(OGR_G_Clone(direct->features[i].geom));
            CHECK(OGR_G_Equals(multi, cached->features[i].geom));
            OGR_G_DestroyGeometry(multi);
        }
        CHECK(direct->minx == cached->minx && direct->maxy == cached->maxy);
        CHECK(OSRIsSame(direct->srs, cached->srs));
    }
    wm_layer_free(direct);
    wm_layer_free(cached);
    /* Attributes survive, so a filter works on the cached copy. */
    wm_layer_options lo = { "WD25CD", NULL, NULL, "LAD25CD = 'E08000025'", NULL };
    wm_layer *one = wm_layer_open(path, &lo, &err);
    CHECK(one && one->n == 1 && strcmp(one->features[0].name, "A ward") == 0);
    wm_layer_free(one);

    /* The source changes: a new copy, the old one removed. */
    sleep(1);
    CHECK(wm_test_write_file(src, layer_text(0.005)) == 0);
    CHECK(wm_layer_cache_for_reading(src, 0, again, sizeof again) == 1);
    CHECK(strcmp(path, again) != 0);
    CHECK(access(path, F_OK) != 0 && access(again, F_OK) == 0);
    CHECK(count_gpkg(dir) == 1);

    /* A source of the same name in another folder has its own copy. */
    char other_dir[4096], other[4200];
    snprintf(other_dir, sizeof other_dir, "%s", wm_test_tmp_path("elsewhere"));
    mkdir(other_dir, 0777);
    snprintf(other, sizeof other, "%s/wards.geojson", other_dir);
    CHECK(wm_test_write_file(other, layer_text(0)) == 0);
    CHECK(wm_layer_cache_for_reading(other, 0, path, sizeof path) == 1);
    CHECK(strcmp(path, again) != 0);
    CHECK(count_gpkg(dir) == 2);

    /* What GDAL cannot convert is left to the reader (and its errors). */
    const char *bad = wm_test_tmp_path("bad.geojson");
    CHECK(wm_test_write_file(bad, "{\"type\":\"FeatureCollection\",\"features\":[") == 0);
    CHECK(wm_layer_cache_for_reading(bad, 0, path, sizeof path) == 0);
    CHECK(count_gpkg(dir) == 2);
    /* A GeoPackage is read as it is. */
    CHECK(wm_layer_cache_for_reading(again, 0, path, sizeof path) == 0);

    /* A source with a field named FID (as the ONS's downloads have),
     * whose values are not GDAL's feature numbers: cached all the same,
     * with the field's values, the features in order. */
    const char *fid = wm_test_tmp_path("synthetic_fid.geojson");
    CHECK(wm_test_write_file(fid, "{\"type\":\"FeatureCollection\",\"features\":["
                                  "{\"type\":\"Feature\",\"properties\":{\"FID\":9243,\"CD\":\"E01000001\"},"
                                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.5,52.4],[-1.49,52.4],"
                                  "[-1.49,52.41],[-1.5,52.4]]]}},"
                                  "{\"type\":\"Feature\",\"properties\":{\"FID\":17,\"CD\":\"E01000002\"},"
                                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.48,52.4],[-1.47,52.4],"
                                  "[-1.47,52.41],[-1.48,52.4]]]}}]}") == 0);
    CHECK(wm_layer_cache_for_reading(fid, 0, path, sizeof path) == 1);
    GDALDatasetH fds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH fl = fds ? GDALDatasetGetLayer(fds, 0) : NULL;
    CHECK(fl && OGR_L_GetFeatureCount(fl, TRUE) == 2);
    if (fl) {
        static const int want_fid[] = { 9243, 17 };
        OGR_L_ResetReading(fl);
        for (int i = 0; i < 2; i++) {
            OGRFeatureH f = OGR_L_GetNextFeature(fl);
            CHECK(f && OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "FID")) == want_fid[i]);
            CHECK(f && OGR_F_GetFID(f) == i);   /* the source's feature numbers, as GDAL gave them */
            if (f) OGR_F_Destroy(f);
        }
    }
    if (fds) GDALClose(fds);

    /* The reader (wm_layer_open) caches a small layer too: the first
     * reading makes the copy, later ones read it, with the same features
     * and coordinates as a reading of the source with the cache off.  A
     * reading with an attribute filter reads the source (its filter is
     * in the source's dialect), and a layer of points is not copied, so
     * the reader's message names its geometries as the source has them. */
    const char *small = wm_test_tmp_path("synthetic_small.geojson");
    CHECK(wm_test_write_file(small, layer_text(0.01)) == 0);
    char small_dir[4096];
    snprintf(small_dir, sizeof small_dir, "%s", wm_test_tmp_path("cache-small"));
    setenv("WARDMAP_CACHE", small_dir, 1);
    wm_layer_options plain = { "WD25CD", NULL, NULL, NULL, NULL };
    wm_layer *first = wm_layer_open(small, &plain, &err);
    CHECK(first && count_gpkg(small_dir) == 1);
    wm_layer *second = wm_layer_open(small, &plain, &err);
    setenv("WARDMAP_CACHE", "off", 1);
    wm_layer *uncached = wm_layer_open(small, &plain, &err);
    CHECK(first && second && uncached && second->n == 2 && uncached->n == 2);
    for (size_t i = 0; second && uncached && i < second->n && i < uncached->n; i++) {
        CHECK(strcmp(second->features[i].key, uncached->features[i].key) == 0);
        OGRGeometryH multi = OGR_G_ForceToMultiPolygon(OGR_G_Clone(uncached->features[i].geom));
        CHECK(OGR_G_Equals(multi, second->features[i].geom));
        OGR_G_DestroyGeometry(multi);
    }
    wm_layer_free(first);
    wm_layer_free(second);
    wm_layer_free(uncached);
    setenv("WARDMAP_CACHE", small_dir, 1);
    const char *points = wm_test_tmp_path("synthetic_points.geojson");
    CHECK(wm_test_write_file(points, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                                     "\"properties\":{\"WD25CD\":\"E05000001\"},\"geometry\":{\"type\":\"Point\","
                                     "\"coordinates\":[-1.5,52.4]}}]}") == 0);
    wm_error_clear(&err);
    CHECK(wm_layer_open(points, &plain, &err) == NULL && strstr(err.msg, "Point") && count_gpkg(small_dir) == 1);

    /* WARDMAP_CACHE=off (or empty): no cache. */
    setenv("WARDMAP_CACHE", "off", 1);
    CHECK(wm_source_cache_dir() == NULL);
    CHECK(wm_layer_cache_for_reading(src, 0, path, sizeof path) == 0);
    setenv("WARDMAP_CACHE", "", 1);
    CHECK(wm_source_cache_dir() == NULL);
    return wm_test_summary();
}
