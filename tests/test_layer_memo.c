/* Tests for layer_memo.h through wm_layer_open(): while a memo is open, a
 * second reading of an unchanged plain file with the same options is a
 * copy of the first (same keys, names, extent and coordinates), and one
 * the caller owns; a file changed in any way the memo can see (size,
 * time, a new inode) is read again; other options, SQL statements and
 * GeoPackages are read from the file; with no memo open nothing is kept.
 * The same file by another path is the same file, and fields asked for by
 * name are served by a reading that guessed them (not the other way).
 *
 * How a test sees that a reading came from the memo: the file is
 * rewritten in place with text of the same length, and its modification
 * time put back.  The memo cannot tell the difference (by design: it
 * trusts size and time, as make does), so a kept layer shows the old
 * coordinates and a fresh reading the new ones.  Synthetic layers only. */
#include "layer.h"
#include "layer_memo.h"
#include "testutil.h"

#include <fcntl.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Rewrite `path` in place (same inode) and put its times back. */
static void rewrite_keeping_time(const char *path, const char *text)
{
    struct stat st;
    CHECK(stat(path, &st) == 0);
    FILE *f = fopen(path, "r+");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
}

/* The largest northing of the feature with key E05000002. */
static double top_of_b(const wm_layer *L)
{
    long i = wm_layer_find(L, "E05000002");
    if (i < 0) return -1;
    OGREnvelope env;
    OGR_G_GetEnvelope(L->features[i].geom, &env);
    return env.MaxY;
}

static wm_layer *open_layer(const char *spec, const wm_layer_options *opt)
{
    wm_error err;
    wm_error_clear(&err);
    wm_layer *L = wm_layer_open(spec, opt, &err);
    if (!L) fprintf(stderr, "%s\n", err.msg);
    return L;
}

static int same_layer(const wm_layer *a, const wm_layer *b)
{
    if (!a || !b || a->n != b->n || a->minx != b->minx || a->miny != b->miny || a->maxx != b->maxx ||
        a->maxy != b->maxy || strcmp(a->key_field, b->key_field) != 0)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->features[i].key, b->features[i].key) != 0 ||
            strcmp(a->features[i].name, b->features[i].name) != 0 ||
            !OGR_G_Equals(a->features[i].geom, b->features[i].geom) ||
            a->features[i].geom == b->features[i].geom)
            return 0;
    return 1;
}

int main(void)
{
    GDALAllRegister();
    /* The memo alone: the layer cache (layer_cache.h) would serve a file
     * rewritten with the same size and time from its copy too. */
    setenv("WARDMAP_CACHE", "off", 1);
    const char *src = wm_test_tmp_path("synthetic_wards.geojson");
    CHECK(wm_test_write_file(src, wm_test_two_wards_geojson(52.410)) == 0);
    wm_layer_options opt = { 0 };

    /* No memo open: every reading is of the file. */
    wm_layer *a = open_layer(src, &opt);
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.420));
    wm_layer *b = open_layer(src, &opt);
    CHECK(a && b && top_of_b(a) < top_of_b(b));
    wm_layer_free(a);
    wm_layer_free(b);

    /* A memo open: the second reading is the first's copy. */
    wm_layer_memo_begin();
    a = open_layer(src, &opt);
    b = open_layer(src, &opt);
    CHECK(same_layer(a, b));
    wm_layer_free(b);
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.430));
    b = open_layer(src, &opt);
    CHECK(b && a && top_of_b(b) == top_of_b(a));   /* kept: the old coordinates */
    wm_layer_free(b);

    /* Other options are other readings. */
    wm_layer_options named = { .name_field = "WD25CD" };
    b = open_layer(src, &named);
    CHECK(b && a && top_of_b(b) > top_of_b(a));
    CHECK(b && b->n == 2 && strcmp(b->features[0].name, "E05000001") == 0);
    wm_layer_free(b);
    wm_layer_options where = { .where = "LAD25CD = 'E08000026'" };
    b = open_layer(src, &where);
    CHECK(b && b->n == 1 && top_of_b(b) > top_of_b(a));
    wm_layer_free(b);
    wm_layer_options sql = { .sql = "SELECT * FROM synthetic_wards" };
    wm_layer *s1 = open_layer(src, &sql);
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.440));
    wm_layer *s2 = open_layer(src, &sql);
    CHECK(s1 && s2 && top_of_b(s1) < top_of_b(s2));   /* statements are never kept */
    wm_layer_free(s1);
    wm_layer_free(s2);

    /* A changed modification time: read again. */
    CHECK(wm_test_write_file(src, wm_test_two_wards_geojson(52.450)) == 0);
    struct timespec later[2] = { { 0, UTIME_NOW }, { time(NULL) + 10, 0 } };
    CHECK(utimensat(AT_FDCWD, src, later, 0) == 0);
    wm_layer *c = open_layer(src, &opt);
    CHECK(c && a && top_of_b(c) > top_of_b(a));

    /* The same file by another path, and the fields that reading guessed
     * asked for by name: the kept reading, under the spec asked for. */
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.455));
    char spelled[4096];
    const char *slash = strrchr(src, '/');
    CHECK(slash != NULL);
    if (slash) snprintf(spelled, sizeof spelled, "%.*s/./%s", (int)(slash - src), src, slash + 1);
    b = slash ? open_layer(spelled, &opt) : NULL;
    CHECK(b && c && top_of_b(b) == top_of_b(c) && strcmp(b->spec, spelled) == 0);
    wm_layer_free(b);
    wm_layer_options asked = { .key_field = c ? c->key_field : NULL, .name_field = c ? c->name_field : NULL };
    CHECK(asked.key_field && asked.name_field);
    b = open_layer(src, &asked);
    CHECK(b && c && top_of_b(b) == top_of_b(c));
    wm_layer_free(b);

    /* A GeoPackage is never kept: its content changes through SQLite. */
    const char *gpkg = wm_test_tmp_path("synthetic_wards.gpkg");
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    char *argv[] = { "-f", "GPKG", NULL };
    GDALVectorTranslateOptions *vt = GDALVectorTranslateOptionsNew(argv, NULL);
    GDALDatasetH out = in && vt ? GDALVectorTranslate(gpkg, NULL, 1, &in, vt, NULL) : NULL;
    CHECK(out != NULL);
    if (out) GDALClose(out);
    if (vt) GDALVectorTranslateOptionsFree(vt);
    if (in) GDALClose(in);
    wm_layer *g1 = open_layer(gpkg, &opt);
    GDALDatasetH up = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    CHECK(up != NULL);
    if (up) {
        OGRLayerH lyr = GDALDatasetGetLayer(up, 0);
        OGRFeatureH f;
        OGR_L_ResetReading(lyr);
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "WD25NM"), "Renamed");
            CHECK(OGR_L_SetFeature(lyr, f) == OGRERR_NONE);
            OGR_F_Destroy(f);
        }
        GDALClose(up);
    }
    wm_layer *g2 = open_layer(gpkg, &opt);
    CHECK(g1 && g2 && strcmp(g1->features[0].name, "A ward") == 0 && strcmp(g2->features[0].name, "Renamed") == 0);
    wm_layer_free(g1);
    wm_layer_free(g2);

    /* Nested begin and end: the memo lives until the last end. */
    wm_layer_memo_begin();
    wm_layer_memo_end();
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.460));
    b = open_layer(src, &opt);
    CHECK(b && c && top_of_b(b) == top_of_b(c));   /* still the kept reading */
    wm_layer_free(b);
    wm_layer_memo_end();
    b = open_layer(src, &opt);
    CHECK(b && c && top_of_b(b) > top_of_b(c));    /* memo closed: the file */

    /* A field left to be guessed is not served by a reading that asked for
     * it by name (the guess could have been another field). */
    wm_layer_memo_begin();
    wm_layer_options by_name = { .key_field = b ? b->key_field : NULL, .name_field = b ? b->name_field : NULL };
    wm_layer *d = open_layer(src, &by_name);
    rewrite_keeping_time(src, wm_test_two_wards_geojson(52.470));
    wm_layer *e = open_layer(src, &opt);
    CHECK(d && e && top_of_b(e) > top_of_b(d));
    wm_layer_free(d);
    wm_layer_free(e);
    wm_layer_memo_end();
    wm_layer_free(b);
    wm_layer_free(c);
    wm_layer_free(a);
    return wm_test_summary();
}
