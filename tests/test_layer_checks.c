/* Tests for what layer.h refuses: no features, a shapefile without its
 * .dbf, layers without polygons, absurd coordinates, text that is not
 * UTF-8, two features of one key; and what it accepts: padded keys,
 * curved polygons, features in any order.  Every layer
 * here is synthetic, written by the test. */
#include "layer.h"
#include "testutil.h"
#include "utf8.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *write_text(const char *name, const char *text)
{
    const char *path = wm_test_tmp_path(name);
    CHECK(wm_test_write_file(path, text) == 0);
    return path;
}

/* A small square near Coventry (lon/lat) as a GeoJSON polygon. */
#define SQUARE "{\"type\":\"Polygon\",\"coordinates\":[[[-1.55,52.40],[-1.54,52.40],[-1.54,52.41],[-1.55,52.41],[-1.55,52.40]]]}"

static void expect_refused(const char *path, const char *key, const char *what)
{
    wm_error err;
    wm_error_clear(&err);
    wm_layer *L = wm_layer_read(path, key, NULL, NULL, &err);
    CHECK(L == NULL);
    wm_layer_free(L);
    CHECK(err.code == WM_EXIT_DATA);
    int ok = strncmp(err.msg, path, strlen(path)) == 0 && strstr(err.msg, what) != NULL &&
             !strchr(err.msg, '\n') && wm_utf8_valid(err.msg);
    CHECK(ok);
    if (!ok) fprintf(stderr, "  got \"%s\", want \"%s: ...%s...\"\n", err.msg, path, what);
}

static void test_empty_and_missing(void)
{
    expect_refused(write_text("synthetic_empty.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}"),
                   NULL, "holds no features (an empty FeatureCollection)");

    /* A shapefile whose .dbf is gone: say so, not "no CD field". */
    const char *shp = wm_test_tmp_path("synthetic_nodbf.shp");
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    GDALDatasetH ds = drv ? GDALCreate(drv, shp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetCreateLayer(ds, "synthetic_nodbf", NULL, wkbPolygon, NULL);
    OGRFieldDefnH fd = OGR_Fld_Create("WD25CD", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "A1");
    OGRGeometryH g = NULL;
    char wkt[] = "POLYGON ((400000 250000,401000 250000,401000 251000,400000 250000))";
    char *p = wkt;
    OGR_G_CreateFromWkt(&p, NULL, &g);
    OGR_F_SetGeometryDirectly(f, g);
    CHECK(OGR_L_CreateFeature(l, f) == OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    CHECK(unlink(wm_test_tmp_path("synthetic_nodbf.dbf")) == 0);
    expect_refused(shp, NULL, "has no .dbf beside it");
}

static void test_not_polygons(void)
{
    expect_refused(write_text("synthetic_points.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.5,52.4]}},"
        "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A2\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.4,52.4]}}]}"),
        NULL, "holds no polygons (its features are Point geometries)");
    expect_refused(write_text("synthetic_lines.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[-1.5,52.4],[-1.4,52.5]]}}]}"),
        NULL, "holds no polygons (its features are Line String geometries)");
    /* A line among polygons is named. */
    expect_refused(write_text("synthetic_mixed.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":" SQUARE "},"
        "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A2\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[-1.5,52.4],[-1.4,52.5]]}}]}"),
        NULL, "feature 1 (A2) is a Line String, not a polygon");
}

static void test_bad_coordinates(void)
{
    /* Already in the target SRS: nothing would catch it before the page
     * layout ("the page is too small"). */
    expect_refused(write_text("synthetic_huge_bng.geojson",
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
        "\"features\":[{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[400000,250000],[1e300,250000],[400000,260000],[400000,250000]]]}}]}"),
        NULL, "feature 0 (A1) has a bad coordinate (1e+300, 250000)");
    /* Longitude/latitude out of range. */
    expect_refused(write_text("synthetic_huge_lonlat.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[-1.5,52],[-1.5,1e300],[-1.4,52],[-1.5,52]]]}}]}"),
        NULL, "feature 0 (A1) has a bad coordinate (-1.5, 1e+300)");
    /* Also when the target SRS is the source's. */
    wm_error err;
    wm_error_clear(&err);
    const char *path = write_text("synthetic_huge_4326.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[1e300,52],[-1.5,52],[-1.5,52.1],[1e300,52]]]}}]}");
    CHECK(wm_layer_read(path, NULL, NULL, "EPSG:4326", &err) == NULL);
    CHECK(strstr(err.msg, "bad coordinate (1e+300, 52)") != NULL);
    /* A ring of more points than the checker holds on its stack (512),
     * its bad point near the end. */
    char *big = malloc(64 * 1000 + 1000);
    if (big) {
        size_t n = (size_t)sprintf(big, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                                        "\"properties\":{\"WD25CD\":\"A1\"},\"geometry\":{\"type\":\"Polygon\","
                                        "\"coordinates\":[[");
        for (int i = 0; i < 999; i++)
            n += (size_t)sprintf(big + n, "[%.6f,%.6f],", -1.5 + 0.0001 * i, i == 990 ? 1e300 : 52 + 0.0001 * (i % 2));
        sprintf(big + n, "[-1.5,52]]]}}]}");
        expect_refused(write_text("synthetic_huge_long_ring.geojson", big), NULL,
                       "feature 0 (A1) has a bad coordinate (-1.401, 1e+300)");
        free(big);
    }
}

static void test_text(void)
{
    /* A Latin-1 name never reaches cairo or SQLite. */
    expect_refused(write_text("synthetic_latin1.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"WD25CD\":\"A1\",\"WD25NM\":\"Ynys M\xF4n\"},\"geometry\":" SQUARE "}]}"),
        NULL, "feature 0 (A1): WD25NM \"Ynys M\\xF4n\" is not valid UTF-8");
    expect_refused(write_text("synthetic_latin1_key.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"WD25CD\":\"A\xE9" "1\"},\"geometry\":" SQUARE "}]}"),
        NULL, "feature 0: WD25CD \"A\\xE91\" is not valid UTF-8");

    /* Keys padded with no-break spaces are trimmed; names in UTF-8 kept. */
    wm_error err;
    wm_layer *L = wm_layer_read(write_text("synthetic_nbsp.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"WD25CD\":\"A1\xC2\xA0\",\"WD25NM\":\"Ynys M\xC3\xB4n\"},\"geometry\":" SQUARE "}]}"),
        NULL, NULL, NULL, &err);
    CHECK(L != NULL);
    if (L) {
        CHECK(wm_layer_find(L, "A1") == 0);
        CHECK_STR(L->features[0].name, "Ynys M\xC3\xB4n");
        wm_layer_free(L);
    }
}

/* Found by fuzzing: a .geojson file is read by the GeoJSON driver only;
 * its content cannot make GDAL read it as a VRT (which opens other
 * files) or another format, and GDAL's reason is quoted escaped. */
static void test_driver_by_extension(void)
{
    char text[8192];
    snprintf(text, sizeof text,
             "<OGRVRTDataSource><OGRVRTLayer name=\"x\"><SrcDataSource>%s</SrcDataSource>"
             "<GeometryType>wkbPolygon</GeometryType></OGRVRTLayer></OGRVRTDataSource>\n",
             write_text("synthetic_vrt_source.csv",
                        "WKT,WD25CD\n\"POLYGON((-1.55 52.40,-1.54 52.40,-1.54 52.41,-1.55 52.40))\",A1\n"));
    expect_refused(write_text("synthetic_vrt.geojson", text), NULL, "cannot read as a vector layer");
    expect_refused(write_text("synthetic_bad_json.geojson", "{\"type\": \"FeatureCollection\", \xff\xfe"),
                   NULL, "cannot read as a vector layer");
}

/* A curved polygon (here from a CSV with a WKT column) is made into
 * straight segments, which is what the renderer draws. */
static void test_curves(void)
{
    const char *path = write_text("synthetic_curve.csv",
        "WKT,WD25CD\n\"CURVEPOLYGON(CIRCULARSTRING(-1.55 52.40,-1.54 52.41,-1.53 52.40,-1.54 52.39,-1.55 52.40))\",A1\n");
    wm_error err;
    wm_layer *L = wm_layer_read(path, "WD25CD", NULL, NULL, &err);
    CHECK(L != NULL);
    if (!L) { fprintf(stderr, "  %s\n", err.msg); return; }
    CHECK(L->n == 1);
    CHECK(wkbFlatten(OGR_G_GetGeometryType(L->features[0].geom)) == wkbPolygon);
    CHECK(OGR_G_Area(L->features[0].geom) > 1e6);   /* square metres in BNG */
    wm_layer_free(L);
}

/* Features come back in order of their keys, whether the file has them
 * in order or not, and two features of one key are refused either way. */
static void test_key_order(void)
{
#define FEATURE(code) "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"" code "\"},\"geometry\":" SQUARE "}"
    const char *orders[2] = { "synthetic_sorted.geojson", "synthetic_unsorted.geojson" };
    const char *texts[2] = {
        "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("A1") "," FEATURE("A2") "," FEATURE("B1") "]}",
        "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("B1") "," FEATURE("A1") "," FEATURE("A2") "]}",
    };
    for (int k = 0; k < 2; k++) {
        wm_error err;
        wm_layer *L = wm_layer_read(write_text(orders[k], texts[k]), NULL, NULL, NULL, &err);
        CHECK(L != NULL && L->n == 3);
        if (!L) continue;
        CHECK_STR(L->features[0].key, "A1");
        CHECK_STR(L->features[1].key, "A2");
        CHECK_STR(L->features[2].key, "B1");
        CHECK(wm_layer_find(L, "A2") == 1 && wm_layer_find(L, "B1") == 2 && wm_layer_find(L, "C1") == -1);
        wm_layer_free(L);
    }
    expect_refused(write_text("synthetic_twice_sorted.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("A1") "," FEATURE("A2") "," FEATURE("A2") "]}"),
        NULL, "two features have WD25CD = A2");
    expect_refused(write_text("synthetic_twice_unsorted.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("A2") "," FEATURE("A1") "," FEATURE("A2") "]}"),
        NULL, "two features have WD25CD = A2");
#undef FEATURE
}

int main(void)
{
    wm_gdal_init();
    test_empty_and_missing();
    test_not_polygons();
    test_bad_coordinates();
    test_text();
    test_curves();
    test_driver_by_extension();
    test_key_order();
    return wm_test_summary();
}
