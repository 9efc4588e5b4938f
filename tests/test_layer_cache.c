/* Tests for layer_cache.h: a layer converted once to a BNG FlatGeobuf,
 * reused while the source is unchanged, remade (and the stale copy
 * removed) when it changes, and the same features, names and
 * coordinates as the source read directly.  Synthetic layers only. */
#include "layer.h"
#include "layer_cache.h"
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

static const char *tmp_path(const char *name)
{
    static char buf[4][4096];
    static int slot;
    char *b = buf[slot++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", wm_test_tmpdir(), name);
    return b;
}

static int count_fgb(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, ".fgb") != NULL;
    if (d) closedir(d);
    return n;
}

static const char *layer_text(double shift)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E05000002\",\"WD25NM\":\"B ward\",\"LAD25CD\":\"E08000026\"},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.55,52.40],[-1.54,52.40],[-1.54,%.3f],[-1.55,52.41],[-1.55,52.40]]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E05000001\",\"WD25NM\":\"A ward\",\"LAD25CD\":\"E08000025\"},"
             "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[-1.90,52.48],[-1.89,52.48],[-1.89,52.49],[-1.90,52.48]]]]}}"
             "]}",
             52.41 + shift);
    return text;
}

int main(void)
{
    GDALAllRegister();
    const char *src = tmp_path("wards.geojson");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tmp_path("cache"));
    CHECK(wm_test_write_file(src, layer_text(0)) == 0);
    wm_error err;
    wm_error_clear(&err);

    /* Too small for the threshold: not cached. */
    char path[PATH_MAX], again[PATH_MAX];
    CHECK(wm_layer_cache_path(src, NULL, dir, 1L << 30, path, sizeof path, &err) == 0);
    CHECK(count_fgb(dir) == 0);

    /* Converted once, then found. */
    CHECK(wm_layer_cache_path(src, NULL, dir, 0, path, sizeof path, &err) == 1);
    CHECK(strncmp(path, dir, strlen(dir)) == 0 && strstr(path, "/wards-") && strstr(path, ".fgb"));
    struct stat a, b;
    CHECK(stat(path, &a) == 0);
    CHECK(wm_layer_cache_path(src, NULL, dir, 0, again, sizeof again, &err) == 1);
    CHECK(strcmp(path, again) == 0);
    CHECK(stat(again, &b) == 0 && a.st_ino == b.st_ino);
    CHECK(count_fgb(dir) == 1);

    /* The cached layer is the source's: keys, names, SRS, coordinates. */
    wm_layer *direct = wm_layer_read(src, "WD25CD", NULL, NULL, &err);
    wm_layer *cached = wm_layer_read(path, "WD25CD", NULL, NULL, &err);
    CHECK(direct && cached);
    if (direct && cached) {
        CHECK(direct->n == 2 && cached->n == 2);
        for (size_t i = 0; i < 2 && i < cached->n; i++) {
            CHECK(strcmp(direct->features[i].key, cached->features[i].key) == 0);
            CHECK(strcmp(direct->features[i].name, cached->features[i].name) == 0);
            CHECK(OGR_G_Equals(direct->features[i].geom, cached->features[i].geom));
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
    CHECK(wm_layer_cache_path(src, NULL, dir, 0, again, sizeof again, &err) == 1);
    CHECK(strcmp(path, again) != 0);
    CHECK(access(path, F_OK) != 0 && access(again, F_OK) == 0);
    CHECK(count_fgb(dir) == 1);

    /* What GDAL cannot convert is left to the reader (and its errors). */
    const char *bad = tmp_path("bad.geojson");
    CHECK(wm_test_write_file(bad, "{\"type\":\"FeatureCollection\",\"features\":[") == 0);
    CHECK(wm_layer_cache_path(bad, NULL, dir, 0, path, sizeof path, &err) == 0);
    CHECK(count_fgb(dir) == 1);
    /* No directory: no cache. */
    CHECK(wm_layer_cache_path(src, NULL, NULL, 0, path, sizeof path, &err) == 0);

    /* The environment names the directory, or turns caching off. */
    setenv("WARDMAP_CACHE", dir, 1);
    CHECK(wm_layer_cache_dir() && strcmp(wm_layer_cache_dir(), dir) == 0);
    setenv("WARDMAP_CACHE", "off", 1);
    CHECK(wm_layer_cache_dir() == NULL);
    return wm_test_summary();
}
