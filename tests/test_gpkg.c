/* test_gpkg.c -- writing GeoPackages (gpkg.h) on a synthetic layer:
 * layers, NULLs, column titles, layer_styles as QGIS reads it, the
 * indicator_metadata table, and the atomic begin/commit/abort/append
 * cycle.  The 3x3 grid of squares and its values are made up here
 * (codes SYN001..SYN009); no real figure is involved. */
#include "testutil.h"
#include "error.h"
#include "gpkg.h"
#include "layer.h"
#include "qgis_style.h"

#include <cpl_conv.h>
#include <dirent.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define N 9

static char grid_path[4096];

/* A synthetic 3x3 grid of 0.01-degree squares near Coventry. */
static void write_synthetic_grid(void)
{
    snprintf(grid_path, sizeof grid_path, "%s/synthetic_grid.geojson", wm_test_tmpdir());
    FILE *fp = fopen(grid_path, "w");
    fprintf(fp, "{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (int i = 0; i < N; i++) {
        double x = -1.53 + 0.01 * (i % 3), y = 52.39 + 0.01 * (i / 3);
        fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"SYNCD\":\"SYN%03d\",\"SYNNM\":\"Synthetic & <area> %d\"},"
                    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}\n",
                i ? "," : "", i + 1, i + 1, x, y, x + 0.01, y, x + 0.01, y + 0.01, x, y + 0.01, x, y);
    }
    fprintf(fp, "]}\n");
    fclose(fp);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, fp);
    s[got] = '\0';
    fclose(fp);
    return s;
}

/* Entries of the scratch directory whose name contains ".wardmap-". */
static int leftover_tmpdirs(void)
{
    DIR *d = opendir(wm_test_tmpdir());
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".wardmap-")) n++;
    if (d) closedir(d);
    return n;
}

/* The first column of the first row of `sql` as text into buf ("" if none,
 * "(null)" for NULL). */
static const char *query1(GDALDatasetH ds, const char *sql, char *buf, size_t size)
{
    buf[0] = '\0';
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    if (!res) return buf;
    OGRFeatureH f = OGR_L_GetNextFeature(res);
    if (f) {
        snprintf(buf, size, "%s", OGR_F_IsFieldSetAndNotNull(f, 0) ? OGR_F_GetFieldAsString(f, 0) : "(null)");
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, res);
    return buf;
}

static double values[N] = { 1, 2, 3, 4, NAN, 6, 7, 8, 9 };
static double classes_idx[N] = { 1, 1, 2, 2, NAN, 2, 3, 3, 3 };
static const char *colours[N] = { "#aaaaaa", "#aaaaaa", "#bbbbbb", "#bbbbbb", NULL, "#bbbbbb",
                                  "#cccccc", "#cccccc", "#cccccc" };

static int write_grid(wm_gpkg *g, wm_layer *L, const char *name, wm_error *err)
{
    wm_gpkg_column cols[] = {
        { "syn_value", "Synthetic value (%)", "A made-up value & its <unit>", WM_GPKG_REAL, values, NULL },
        { "syn_value_class", "Class of the synthetic value", NULL, WM_GPKG_INTEGER, classes_idx, NULL },
        { "syn_value_colour", NULL, NULL, WM_GPKG_TEXT, NULL, colours },
    };
    wm_gpkg_layer spec = { name, NULL, "Synthetic grid", L, "Area code", "Area name", cols, 3 };
    return wm_gpkg_write_layer(g, &spec, err);
}

static void test_write_and_read_back(wm_layer *L)
{
    char target[4096], buf[512];
    snprintf(target, sizeof target, "%s/out.gpkg", wm_test_tmpdir());
    wm_error err;
    wm_error_clear(&err);
    wm_gpkg *g = wm_gpkg_begin(target, WM_GPKG_NEW, &err);
    CHECK(g != NULL);
    if (!g) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK(strstr(wm_gpkg_temp_path(g), ".wardmap-") != NULL);
    CHECK(file_size(target) < 0);            /* nothing at the target while writing */
    CHECK(write_grid(g, L, "grid", &err) == 0);
    CHECK(wm_gpkg_has_layer(g, "grid"));
    CHECK_STR(wm_gpkg_geometry_column(g, "grid"), "geom");
    /* writing the same layer twice is refused */
    CHECK(write_grid(g, L, "grid", &err) != 0 && err.code == WM_EXIT_USAGE);

    wm_gpkg_style st = { "grid", "synthetic graduated", "<qgis/>", "<StyledLayerDescriptor/>", "made up", 1 };
    CHECK(wm_gpkg_add_style(g, &st, &err) == 0);
    wm_gpkg_style st2 = { "grid", "a style name much longer than thirty characters", "<qgis a=\"2\"/>", NULL, NULL, 1 };
    CHECK(wm_gpkg_add_style(g, &st2, &err) == 0);   /* becomes the default */
    wm_gpkg_style bad = { "nosuch", "x", "<qgis/>", NULL, NULL, 1 };
    CHECK(wm_gpkg_add_style(g, &bad, &err) != 0);

    wm_indicator_meta m;
    memset(&m, 0, sizeof m);
    snprintf(m.id, sizeof m.id, "syn_value");
    snprintf(m.title, sizeof m.title, "Synthetic value");
    snprintf(m.unit, sizeof m.unit, "%%");
    snprintf(m.period, sizeof m.period, "2000");
    snprintf(m.publisher, sizeof m.publisher, "nobody (synthetic)");
    snprintf(m.licence, sizeof m.licence, "none");
    snprintf(m.aggregation, sizeof m.aggregation, "none");
    wm_gpkg_indicator row = { "grid", "syn_value", &m };
    CHECK(wm_gpkg_add_indicators(g, &row, 1, &err) == 0);
    CHECK(wm_gpkg_commit(g, &err) == 0);
    CHECK(file_size(target) > 0);
    CHECK(leftover_tmpdirs() == 0);

    GDALDatasetH ds = GDALOpenEx(target, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK_STR(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG");
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "grid");
    CHECK(l != NULL);
    if (l) {
        CHECK(OGR_L_GetFeatureCount(l, TRUE) == N);
        CHECK(wkbFlatten(OGR_L_GetGeomType(l)) == wkbMultiPolygon);
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
        CHECK(srs && OSRGetAuthorityCode(srs, NULL) && strcmp(OSRGetAuthorityCode(srs, NULL), "27700") == 0);
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        CHECK(OGR_FD_GetFieldCount(d) == 5);
        CHECK(OGR_FD_GetFieldIndex(d, "SYNCD") == 0);
        CHECK(OGR_FD_GetFieldIndex(d, "SYNNM") == 1);
        CHECK(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 2)) == OFTReal);
        CHECK(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 3)) == OFTInteger64);
        CHECK(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 4)) == OFTString);
    }
    /* No data is NULL, never 0 or "" */
    CHECK_STR(query1(ds, "SELECT syn_value FROM grid WHERE SYNCD = 'SYN005'", buf, sizeof buf), "(null)");
    CHECK_STR(query1(ds, "SELECT syn_value_class FROM grid WHERE SYNCD = 'SYN005'", buf, sizeof buf), "(null)");
    CHECK_STR(query1(ds, "SELECT syn_value_colour FROM grid WHERE SYNCD = 'SYN005'", buf, sizeof buf), "(null)");
    CHECK_STR(query1(ds, "SELECT syn_value FROM grid WHERE SYNCD = 'SYN009'", buf, sizeof buf), "9");
    CHECK_STR(query1(ds, "SELECT SYNNM FROM grid WHERE SYNCD = 'SYN001'", buf, sizeof buf), "Synthetic & <area> 1");
    /* titles and descriptions in gpkg_data_columns, schema extension registered */
    CHECK_STR(query1(ds, "SELECT title FROM gpkg_data_columns WHERE table_name = 'grid' AND column_name = 'syn_value'",
                     buf, sizeof buf), "Synthetic value (%)");
    CHECK_STR(query1(ds, "SELECT description FROM gpkg_data_columns WHERE table_name = 'grid' AND column_name = 'syn_value'",
                     buf, sizeof buf), "A made-up value & its <unit>");
    CHECK_STR(query1(ds, "SELECT title FROM gpkg_data_columns WHERE table_name = 'grid' AND column_name = 'SYNCD'",
                     buf, sizeof buf), "Area code");
    CHECK_STR(query1(ds, "SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'grid' AND column_name = 'syn_value_colour'",
                     buf, sizeof buf), "0");
    CHECK_STR(query1(ds, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'", buf, sizeof buf), "2");
    /* layer_styles as QGIS makes and reads it */
    CHECK_STR(query1(ds, "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'", buf, sizeof buf),
              "attributes");
    CHECK_STR(query1(ds, "SELECT count(*) FROM layer_styles WHERE f_table_catalog = '' AND f_table_schema = '' "
                         "AND f_table_name = 'grid' AND f_geometry_column = 'geom'", buf, sizeof buf), "2");
    CHECK_STR(query1(ds, "SELECT styleQML FROM layer_styles WHERE useAsDefault = 1", buf, sizeof buf), "<qgis a=\"2\"/>");
    CHECK_STR(query1(ds, "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1", buf, sizeof buf), "1");
    CHECK_STR(query1(ds, "SELECT styleName FROM layer_styles WHERE useAsDefault = 1", buf, sizeof buf),
              "a style name much longer than ");
    CHECK_STR(query1(ds, "SELECT styleSLD FROM layer_styles WHERE useAsDefault = 0", buf, sizeof buf),
              "<StyledLayerDescriptor/>");
    CHECK(strlen(query1(ds, "SELECT update_time FROM layer_styles WHERE useAsDefault = 0", buf, sizeof buf)) >= 19);
    CHECK(strstr(query1(ds, "SELECT sql FROM sqlite_master WHERE name = 'layer_styles'", buf, sizeof buf),
                 "\"id\" INTEGER PRIMARY KEY AUTOINCREMENT") != NULL);
    /* indicator_metadata */
    CHECK_STR(query1(ds, "SELECT data_type FROM gpkg_contents WHERE table_name = 'indicator_metadata'", buf, sizeof buf),
              "attributes");
    CHECK_STR(query1(ds, "SELECT title || '|' || unit || '|' || period || '|' || publisher || '|' || licence || '|' || "
                         "aggregation FROM indicator_metadata WHERE column_name = 'syn_value'", buf, sizeof buf),
              "Synthetic value|%|2000|nobody (synthetic)|none|none");
    CHECK_STR(query1(ds, "SELECT notes FROM indicator_metadata", buf, sizeof buf), "(null)");
    GDALClose(ds);
}

static void test_refusals_and_abort(wm_layer *L)
{
    char target[4096], text[4096];
    snprintf(target, sizeof target, "%s/out.gpkg", wm_test_tmpdir());
    char *before = slurp(target);
    long size = file_size(target);
    wm_error err;

    /* an existing target is not overwritten in NEW mode */
    wm_error_clear(&err);
    CHECK(wm_gpkg_begin(target, WM_GPKG_NEW, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "already exists"));

    /* an aborted REPLACE leaves the target as it was */
    wm_gpkg *g = wm_gpkg_begin(target, WM_GPKG_REPLACE, &err);
    CHECK(g != NULL);
    if (g) {
        CHECK(write_grid(g, L, "other", &err) == 0);
        wm_gpkg_abort(g);
    }
    char *after = slurp(target);
    CHECK(file_size(target) == size && before && after && memcmp(before, after, (size_t)size) == 0);
    free(after);
    CHECK(leftover_tmpdirs() == 0);

    /* APPEND to a missing file, or to something that is not a GeoPackage */
    char missing[4096];
    snprintf(missing, sizeof missing, "%s/missing.gpkg", wm_test_tmpdir());
    CHECK(wm_gpkg_begin(missing, WM_GPKG_APPEND, &err) == NULL && err.code == WM_EXIT_USAGE);
    snprintf(text, sizeof text, "%s/not_a_gpkg.gpkg", wm_test_tmpdir());
    wm_test_write_file(text, "this is text, not SQLite\n");
    CHECK(wm_gpkg_begin(text, WM_GPKG_APPEND, &err) == NULL && err.code == WM_EXIT_DATA);
    char *t = slurp(text);
    CHECK(t && strcmp(t, "this is text, not SQLite\n") == 0);
    free(t);
    CHECK(leftover_tmpdirs() == 0);
    /* a directory is not a target */
    CHECK(wm_gpkg_begin(wm_test_tmpdir(), WM_GPKG_REPLACE, &err) == NULL && err.code == WM_EXIT_USAGE);
    free(before);
}

static void test_append_and_drop(wm_layer *L)
{
    char target[4096], buf[256];
    snprintf(target, sizeof target, "%s/out.gpkg", wm_test_tmpdir());
    wm_error err;
    wm_error_clear(&err);
    wm_gpkg *g = wm_gpkg_begin(target, WM_GPKG_APPEND, &err);
    CHECK(g != NULL);
    if (!g) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK(wm_gpkg_has_layer(g, "grid"));
    CHECK(write_grid(g, L, "grid2", &err) == 0);
    wm_gpkg_style st = { "grid2", "second", "<qgis b=\"1\"/>", NULL, NULL, 1 };
    CHECK(wm_gpkg_add_style(g, &st, &err) == 0);
    wm_indicator_meta m;
    memset(&m, 0, sizeof m);
    snprintf(m.id, sizeof m.id, "syn_value");
    wm_gpkg_indicator row = { "grid2", "syn_value", &m };
    CHECK(wm_gpkg_add_indicators(g, &row, 1, &err) == 0);
    CHECK(wm_gpkg_commit(g, &err) == 0);

    GDALDatasetH ds = GDALOpenEx(target, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(GDALDatasetGetLayerByName(ds, "grid") != NULL);     /* kept */
        CHECK(GDALDatasetGetLayerByName(ds, "grid2") != NULL);    /* added */
        CHECK_STR(query1(ds, "SELECT count(*) FROM layer_styles", buf, sizeof buf), "3");
        CHECK_STR(query1(ds, "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1", buf, sizeof buf), "2");
        CHECK_STR(query1(ds, "SELECT count(*) FROM indicator_metadata", buf, sizeof buf), "2");
        GDALClose(ds);
    }

    /* dropping a layer takes its styles, metadata and column titles with it */
    g = wm_gpkg_begin(target, WM_GPKG_APPEND, &err);
    CHECK(g != NULL);
    if (!g) return;
    CHECK(wm_gpkg_drop_layer(g, "grid", &err) == 0);
    CHECK(!wm_gpkg_has_layer(g, "grid"));
    CHECK(wm_gpkg_commit(g, &err) == 0);
    ds = GDALOpenEx(target, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(GDALDatasetGetLayerByName(ds, "grid") == NULL);
        CHECK_STR(query1(ds, "SELECT count(*) FROM layer_styles", buf, sizeof buf), "1");
        CHECK_STR(query1(ds, "SELECT f_table_name FROM layer_styles", buf, sizeof buf), "grid2");
        CHECK_STR(query1(ds, "SELECT count(*) FROM indicator_metadata", buf, sizeof buf), "1");
        CHECK_STR(query1(ds, "SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'grid'", buf, sizeof buf), "0");
        GDALClose(ds);
    }
    CHECK(leftover_tmpdirs() == 0);
}

static void test_duplicate_columns(wm_layer *L)
{
    char target[4096];
    snprintf(target, sizeof target, "%s/dup.gpkg", wm_test_tmpdir());
    wm_error err;
    wm_gpkg *g = wm_gpkg_begin(target, WM_GPKG_NEW, &err);
    CHECK(g != NULL);
    if (!g) return;
    wm_gpkg_column cols[] = {
        { "v", NULL, NULL, WM_GPKG_REAL, values, NULL },
        { "V", NULL, NULL, WM_GPKG_REAL, values, NULL },
    };
    wm_gpkg_layer spec = { "dup", NULL, NULL, L, NULL, NULL, cols, 2 };
    CHECK(wm_gpkg_write_layer(g, &spec, &err) != 0 && strstr(err.msg, "two columns"));
    wm_gpkg_column key[] = { { "syncd", NULL, NULL, WM_GPKG_TEXT, NULL, NULL } };
    wm_gpkg_layer spec2 = { "dup2", NULL, NULL, L, NULL, NULL, key, 1 };
    CHECK(wm_gpkg_write_layer(g, &spec2, &err) != 0);
    wm_gpkg_abort(g);
    CHECK(file_size(target) < 0);
}

/* One synthetic GeoPackage with a style, written to `name`. */
static int write_styled(wm_layer *L, const char *name, time_t when, char *target, size_t size)
{
    snprintf(target, size, "%s/%s", wm_test_tmpdir(), name);
    wm_error err;
    wm_error_clear(&err);
    wm_gpkg *g = wm_gpkg_begin(target, WM_GPKG_REPLACE, &err);
    if (!g) return -1;
    if (when) wm_gpkg_set_date(g, when);
    wm_gpkg_style st = { "grid", "synthetic", "<qgis/>", NULL, NULL, 1 };
    if (write_grid(g, L, "grid", &err) != 0 || wm_gpkg_add_style(g, &st, &err) != 0) {
        wm_gpkg_abort(g);
        return -1;
    }
    return wm_gpkg_commit(g, &err);
}

static int same_bytes(const char *a, const char *b)
{
    long na = file_size(a), nb = file_size(b);
    if (na < 0 || na != nb) return 0;
    char *x = slurp(a), *y = slurp(b);
    int same = x && y && memcmp(x, y, (size_t)na) == 0;
    free(x);
    free(y);
    return same;
}

/* SOURCE_DATE_EPOCH gives both timestamps a GeoPackage carries
 * (gpkg_contents.last_change, layer_styles.update_time), so the same
 * input gives the same bytes, over a date the caller gives (epoch2);
 * without either they are the clock's. */
static void test_source_date_epoch(wm_layer *L)
{
    char a[4096], b[4096], buf[128];
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    CHECK(write_styled(L, "epoch1.gpkg", 0, a, sizeof a) == 0);
    struct timespec pause = { 1, 100000000 };   /* a clock time would differ */
    nanosleep(&pause, NULL);
    CHECK(write_styled(L, "epoch2.gpkg", 1800000000, b, sizeof b) == 0);
    CHECK(same_bytes(a, b));
    GDALDatasetH ds = GDALOpenEx(a, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK_STR(query1(ds, "SELECT DISTINCT substr(last_change, 1, 24) FROM gpkg_contents", buf, sizeof buf),
                  "2023-11-14T22:13:20.000Z");
        CHECK_STR(query1(ds, "SELECT count(DISTINCT last_change) FROM gpkg_contents", buf, sizeof buf), "1");
        CHECK(strncmp(query1(ds, "SELECT substr(update_time, 1, 19) FROM layer_styles", buf, sizeof buf),
                      "2023-11-14T22:13:20", 19) == 0);
        GDALClose(ds);
    }
    /* OGR_CURRENT_DATE is set only while the GeoPackage is open. */
    CHECK(CPLGetConfigOption("OGR_CURRENT_DATE", NULL) == NULL);
    unsetenv("SOURCE_DATE_EPOCH");
    CHECK(write_styled(L, "clock.gpkg", 0, a, sizeof a) == 0);
    ds = GDALOpenEx(a, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (ds) {
        CHECK(strncmp(query1(ds, "SELECT substr(last_change, 1, 4) FROM gpkg_contents LIMIT 1", buf, sizeof buf), "2023", 4) != 0);
        GDALClose(ds);
    }
    /* A date the caller gives stamps both, and the same bytes again a
     * second later. */
    CHECK(write_styled(L, "given1.gpkg", 1600000000, a, sizeof a) == 0);
    nanosleep(&pause, NULL);
    CHECK(write_styled(L, "given2.gpkg", 1600000000, b, sizeof b) == 0);
    CHECK(same_bytes(a, b));
    ds = GDALOpenEx(a, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK_STR(query1(ds, "SELECT DISTINCT substr(last_change, 1, 24) FROM gpkg_contents", buf, sizeof buf),
                  "2020-09-13T12:26:40.000Z");
        CHECK(strncmp(query1(ds, "SELECT substr(update_time, 1, 19) FROM layer_styles", buf, sizeof buf), "2020-09-13T12:26:40", 19) == 0);
        GDALClose(ds);
    }
    CHECK(CPLGetConfigOption("OGR_CURRENT_DATE", NULL) == NULL);
}

int main(void)
{
    wm_gdal_init();
    write_synthetic_grid();
    wm_error err;
    wm_error_clear(&err);
    wm_layer *L = wm_layer_read(grid_path, "SYNCD", NULL, NULL, &err);
    CHECK(L != NULL);
    if (!L) {
        fprintf(stderr, "%s\n", err.msg);
        return wm_test_summary();
    }
    CHECK(L->n == N);
    test_write_and_read_back(L);
    test_refusals_and_abort(L);
    test_append_and_drop(L);
    test_duplicate_columns(L);
    test_source_date_epoch(L);
    wm_layer_free(L);
    return wm_test_summary();
}
