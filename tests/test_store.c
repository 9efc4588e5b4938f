/* Tests for the indicator store (store.h, store_import.h,
 * indicator_meta.h) on a synthetic study area written here: four small
 * areas in two zones of one region, and two big areas that straddle the
 * zones.  Covers the import report, suppression, rejects, replacement,
 * failed imports leaving the store untouched, spatial links, population
 * apportionment with its overlay fallback, and the read API; then, on a
 * second synthetic authority, long tables filtered with `where`, England's
 * row and England's sum, coverage, estimates, the weight chosen from a
 * list, and intervals with their comparisons, each checked by hand. */
#include "error.h"
#include "indicator_meta.h"
#include "interval.h"
#include "layer.h"
#include "store.h"
#include "store_import.h"
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_rect_layer(const char *name, int n, const char *const *codes, const double (*box)[4],
                             const char *extra)
{
    char text[8192];
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                                   "{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[");
    for (int i = 0; i < n; i++) {
        const double *b = box[i];
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%s{\"type\":\"Feature\",\"properties\":{\"CD\":\"%s\",\"NM\":\"Synthetic %s\"%s},"
                                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%g,%g],[%g,%g],[%g,%g],"
                                 "[%g,%g],[%g,%g]]]}}",
                                 i ? "," : "", codes[i], codes[i], extra ? extra : "", b[0], b[1], b[2], b[1], b[2],
                                 b[3], b[0], b[3], b[0], b[1]);
    }
    snprintf(text + used, sizeof text - used, "]}");
    CHECK(wm_test_write_file(wm_test_tmp_path(name), text) == 0);
}

static const char counts_csv[] =
    "code,name,households,fuel_poor,pct,decile\n"
    "A1,Area 1,\"1,000\",100,10.0,1\n"
    "A2,Area 2,500,50,10.0,s\n"
    "A3,Area 3,200,50,25,3\n"
    "A3,Area 3 again,200,50,25,3\n"
    "A4,Area 4,300,12a,4,1\n"
    ",blank,1,1,1,1\n"
    "Z9,Elsewhere,1,1,1,1\n";

static const char counts_meta[] =
    "# synthetic\n"
    "[source]\n"
    "table = synthetic_counts.csv\n"
    "geography = small\n"
    "code = code\n"
    "name = name\n"
    "publisher = Synthetic Office, Synthetic Indices of Synthetic Deprivation 2099, File 99 (scores, ranks and deciles, all synthetic), as published in a synthetic package of a synthetic organisation, kept whole however long it is\n"
    "licence = none: synthetic\n"
    "period = 2020\n"
    "family = synthetic\n"
    "to = zone, region\n"
    "\n"
    "[indicator fp]\n"
    "title = Synthetic fuel poverty\n"
    "label = FP\n"
    "unit = %\n"
    "polarity = higher is worse\n"
    "value = pct\n"
    "numerator = fuel_poor\n"
    "denominator = households\n"
    "aggregate = ratio\n"
    "table = yes\n"
    "\n"
    "[indicator dec]\n"
    "title = Synthetic decile\n"
    "unit = decile\n"
    "polarity = higher is better\n"
    "value = decile\n"
    "\n"
    "[indicator dec1_share]\n"
    "title = Synthetic share in decile 1\n"
    "unit = %\n"
    "polarity = higher is worse\n"
    "from = dec\n"
    "aggregate = share in class\n"
    "class = 1\n"
    "\n"
    "[indicator pct_mean]\n"
    "title = Synthetic weighted mean\n"
    "unit = %\n"
    "polarity = higher is worse\n"
    "value = pct\n"
    "aggregate = weighted mean\n"
    "weight = pop\n";

static void setup(void)
{
    const char *small[] = { "A1", "A2", "A3", "A4" };
    const double small_box[][4] = { { 0, 0, 500, 1000 }, { 500, 0, 1000, 1000 }, { 1000, 0, 1500, 1000 },
                                    { 1500, 0, 2000, 1000 } };
    write_rect_layer("synthetic_small.geojson", 4, small, small_box, NULL);
    const char *big[] = { "B1", "B2" };
    const double big_box[][4] = { { 0, 0, 1500, 1000 }, { 1500, 0, 2000, 1000 } };
    write_rect_layer("synthetic_big.geojson", 2, big, big_box, NULL);
    const char *zone[] = { "T1", "T2" };
    const double zone_box[][4] = { { 0, 0, 1000, 1000 }, { 1000, 0, 2000, 1000 } };
    write_rect_layer("synthetic_zone.geojson", 2, zone, zone_box, ",\"REG\":\"R1\",\"REGNM\":\"Synthetic region\"");
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_small_zone.csv"), "small,zone\r\nA1,T1\r\nA2,T1\r\nA3,T2\r\nA4,T2\r\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_pop.csv"), "code,pop\nA1,100\nA2,100\nA3,200\nA4,s\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_pop.meta"),
                             "[source]\ntable = synthetic_pop.csv\ngeography = small\ncode = code\nperiod = 2021\n"
                             "to = zone\n[indicator pop]\ntitle = Synthetic population\nunit = count\n"
                             "polarity = neutral\nvalue = pop\naggregate = sum\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_bigtable.csv"), "code,num,den,count\nB1,40,400,300\nB2,10,50,60\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_big.meta"),
                             "[source]\ntable = synthetic_bigtable.csv\ngeography = big\ncode = code\nperiod = 2021\n"
                             "to = zone, region\n"
                             "[indicator big_ratio]\ntitle = Synthetic apportioned ratio\nunit = %\n"
                             "polarity = neutral\nnumerator = num\ndenominator = den\naggregate = ratio\n"
                             "apportion = pop\n"
                             "[indicator big_sum]\ntitle = Synthetic overlaid count\nunit = count\n"
                             "polarity = neutral\nvalue = count\naggregate = sum\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_counts.csv"), counts_csv) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_counts.meta"), counts_meta) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic.manifest"),
                             "[areas small]\nlayer = synthetic_small.geojson\ncode = CD\nname = NM\n"
                             "[areas big]\nlayer = synthetic_big.geojson\ncode = CD\n"
                             "[areas zone]\nlayer = synthetic_zone.geojson\ncode = CD\nname = NM\n"
                             "parent = REG | region\nparent_name = REGNM\n"
                             "[link small zone]\nlookup = synthetic_small_zone.csv | small | zone\n"
                             "[link small big]\nmethod = point-on-surface\n"
                             "[imports]\nmeta = synthetic_pop.meta\nmeta = synthetic_big.meta\n"
                             "meta = synthetic_counts.meta\n") == 0);
}

/* One stored value, or NAN; n_areas/n_missing/method when asked. */
static double stored(sqlite3 *db, const char *id, const char *geo, const char *code, int *n_areas, int *n_missing,
                     char *method, size_t msize)
{
    wm_store_value row;
    double v = wm_test_stored(db, id, geo, code, &row);
    if (n_areas) *n_areas = row.n_areas;
    if (n_missing && row.n_areas >= 0) *n_missing = row.n_missing;
    if (method && row.n_areas >= 0) snprintf(method, msize, "%s", row.method);
    return v;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A fingerprint of everything in the store. */
static void fingerprint(sqlite3 *db, char *buf, size_t size)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT (SELECT count(*) FROM indicator_values) || '/' || (SELECT total(value) FROM "
                       "indicator_values) || '/' || (SELECT count(*) FROM indicators) || '/' || (SELECT count(*) "
                       "FROM imports) || '/' || (SELECT count(*) FROM areas) || '/' || (SELECT count(*) FROM "
                       "area_links)",
                       -1, &q, NULL);
    buf[0] = '\0';
    if (sqlite3_step(q) == SQLITE_ROW) snprintf(buf, size, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
}

static void test_meta_format(void)
{
    wm_error err;
    wm_meta_doc *d = wm_meta_parse("\xEF\xBB\xBF# c\r\n[indicator a_b]\r\ntitle = A = B \r\n  # x\n\nunit=%\n"
                                   "[imports]\nmeta = x.meta\nmeta = y.meta\n",
                                   "/some/dir/f.meta", &err);
    CHECK(d != NULL);
    if (d) {
        CHECK(d->n == 2);
        CHECK_STR(d->sections[0].type, "indicator");
        CHECK_STR(d->sections[0].name, "a_b");
        CHECK_STR(wm_meta_get(&d->sections[0], "title"), "A = B");
        CHECK_STR(wm_meta_get(&d->sections[0], "unit"), "%");
        CHECK(wm_meta_find(&d->sections[0], "unit")->line == 6);
        size_t n = 0;
        const char **all = wm_meta_all(&d->sections[1], "meta", &n);
        CHECK(n == 2 && strcmp(all[1], "y.meta") == 0);
        free(all);
        CHECK_STR(d->dir, "/some/dir");
        char p[256];
        CHECK_STR(wm_meta_path(d, "x.csv", p, sizeof p), "/some/dir/x.csv");
        static const char *const allowed[] = { "title", NULL };
        CHECK(wm_meta_check(d, &d->sections[0], allowed, NULL, NULL, &err) != 0);
        CHECK(strstr(err.msg, "/some/dir/f.meta:6: unknown key \"unit\"") != NULL);
        wm_meta_free(d);
    }
    CHECK(wm_meta_parse("[indicator x]\njust words\n", "bad.meta", &err) == NULL);
    CHECK(strstr(err.msg, "bad.meta:2:") != NULL && err.code == WM_EXIT_DATA);
    CHECK(wm_meta_parse("[indicator x\n", "bad.meta", &err) == NULL);
    CHECK(strstr(err.msg, "bad.meta:1:") != NULL);
    CHECK(wm_meta_parse("[x]\nTitle = y\n", "bad.meta", &err) == NULL);
    CHECK(strstr(err.msg, "bad.meta:2:") != NULL);
    char *parts[3];
    CHECK(wm_meta_split(" a.csv | b c |d ", '|', parts, 3) == 3);
    CHECK_STR(parts[1], "b c");
    for (int i = 0; i < 3; i++) free(parts[i]);
    CHECK(wm_meta_split("a|b|c|d", '|', parts, 3) == -1);
    CHECK(wm_meta_read(wm_test_tmp_path("no_such.meta"), &err) == NULL);
    CHECK(strstr(err.msg, "no such file") != NULL);
}

static void test_import(void)
{
    wm_error err;
    const char *path = wm_test_tmp_path("synthetic_store.sqlite");
    remove(path);
    wm_store *s = wm_store_open(path, 1, &err);
    CHECK(s != NULL);
    if (!s) return;
    sqlite3 *db = wm_store_db(s);
    char *report = NULL;
    size_t rlen = 0;
    FILE *rf = open_memstream(&report, &rlen);
    int rc = wm_import_manifest(s, wm_test_tmp_path("synthetic.manifest"), rf, &err);
    fclose(rf);
    CHECK(rc == 0);
    if (rc != 0) fprintf(stderr, "import: %s\n", err.msg);
    /* The report: every row accounted for, with reasons. */
    CHECK(report && strstr(report, "synthetic_counts.csv: 7 rows read, 2 loaded, 1 suppressed, 3 rejected, "
                                   "1 outside the study area (small)") != NULL);
    CHECK(report && strstr(report, "line 5: code A3 repeats line 4") != NULL);
    CHECK(report && strstr(report, "line 6: fuel_poor \"12a\" is not a number") != NULL);
    CHECK(report && strstr(report, "line 7: empty code") != NULL);
    CHECK(report && strstr(report, "1 small areas have no row (No data): A4") != NULL);
    CHECK(report && strstr(report, "link small -> big: 4 areas by point on surface") != NULL);
    if (wm_test_failed) fprintf(stderr, "%s", report ? report : "");
    free(report);

    /* Areas, parents and links. */
    CHECK(scalar(db, "SELECT count(*) FROM areas WHERE geography = 'small'") == 4);
    CHECK(scalar(db, "SELECT count(*) FROM areas WHERE geography = 'region' AND code = 'R1' AND "
                     "name = 'Synthetic region'") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_geography = 'small' AND parent_geography = 'big' "
                     "AND parent_code = 'B1'") == 3);
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_geography = 'zone' AND parent_code = 'R1'") == 2);

    /* Published values as published, thousands separators and all. */
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT denominator, published, status FROM indicator_values WHERE indicator_id = 'fp' "
                           "AND geography = 'small' AND area_code = 'A1'", -1, &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW);
    CHECK_NEAR(sqlite3_column_double(q, 0), 1000, 0);
    CHECK_STR((const char *)sqlite3_column_text(q, 1), "10.0");
    CHECK_STR((const char *)sqlite3_column_text(q, 2), "published");
    sqlite3_finalize(q);
    CHECK(scalar(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'dec' AND area_code = 'A2' AND "
                     "value IS NULL AND status = 'suppressed' AND published = 's'") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'fp' AND geography = 'small'") == 3);

    /* Ratio of sums: T1 = (100+50)/(1000+500); T2 lacks A4: No data. */
    int na = 0, nm = 0;
    char method[700];
    CHECK_NEAR(stored(db, "fp", "zone", "T1", &na, &nm, method, sizeof method), 10.0, 1e-12);
    CHECK(na == 2 && nm == 0);
    CHECK(strstr(method, "ratio of summed numerator") != NULL && strstr(method, "best-fit lookup") != NULL);
    CHECK(isnan(stored(db, "fp", "zone", "T2", &na, &nm, NULL, 0)));
    CHECK(na == 1 && nm == 1);
    CHECK(isnan(stored(db, "fp", "region", "R1", NULL, NULL, NULL, 0)));
    /* Class share: the suppressed decile of A2 makes T1 No data. */
    CHECK(isnan(stored(db, "dec1_share", "zone", "T1", NULL, NULL, NULL, 0)));
    CHECK(isnan(stored(db, "dec1_share", "zone", "T2", &na, &nm, NULL, 0)));   /* A4's row was rejected */
    CHECK(na == 1 && nm == 1);
    /* Weighted mean by population: A4 has neither value nor weight. */
    CHECK_NEAR(stored(db, "pct_mean", "zone", "T1", NULL, NULL, NULL, 0), 10.0, 1e-12);
    CHECK_NEAR(stored(db, "pct_mean", "zone", "T2", &na, &nm, NULL, 0), 25.0, 1e-12);
    CHECK(na == 1 && nm == 1);

    /* Apportioned by population through the small areas; B2's only small
     * area has no population, so B2 is overlaid instead. */
    CHECK_NEAR(stored(db, "big_ratio", "zone", "T1", NULL, NULL, method, sizeof method), 10.0, 1e-9);
    CHECK(strstr(method, "apportioned by pop of the small areas") != NULL);
    CHECK(strstr(method, "area-weighted overlay for 1 big area without pop") != NULL);
    CHECK_NEAR(stored(db, "big_ratio", "zone", "T2", NULL, NULL, NULL, 0), 30.0 / 250 * 100, 1e-9);
    CHECK_NEAR(stored(db, "big_ratio", "region", "R1", &na, NULL, NULL, 0), 50.0 / 450 * 100, 1e-9);
    CHECK(na == 2);
    /* No apportioning indicator: area-weighted overlay. */
    CHECK_NEAR(stored(db, "big_sum", "zone", "T1", NULL, NULL, method, sizeof method), 200, 1e-6);
    CHECK(strstr(method, "area-weighted overlay") != NULL);
    CHECK_NEAR(stored(db, "big_sum", "zone", "T2", NULL, NULL, NULL, 0), 160, 1e-6);
    CHECK_NEAR(stored(db, "big_sum", "region", "R1", NULL, NULL, NULL, 0), 360, 1e-6);

    /* Re-import with a changed table: replaced, not added to. */
    char changed[sizeof counts_csv];
    snprintf(changed, sizeof changed, "%s", counts_csv);
    char *at = strstr(changed, "10.0,1\n");
    memcpy(at - 4, "200", 3);   /* A1 fuel_poor 100 -> 200 */
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_counts.csv"), changed) == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_counts.meta"), NULL, &err) == 0);
    CHECK_NEAR(stored(db, "fp", "zone", "T1", NULL, NULL, NULL, 0), 250.0 / 1500 * 100, 1e-12);
    CHECK(scalar(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'fp' AND geography = 'small'") == 3);
    CHECK(scalar(db, "SELECT count(*) FROM indicators WHERE id = 'fp'") == 1);

    /* Failed imports change nothing. */
    char before[256], after[256];
    fingerprint(db, before, sizeof before);
    char bad[sizeof counts_meta + 64];
    snprintf(bad, sizeof bad, "%s", counts_meta);
    char *col = strstr(bad, "value = pct\nnumerator");
    memcpy(col, "value = pcx", 11);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_badcol.meta"), bad) == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_badcol.meta"), NULL, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no column \"pcx\"") != NULL);
    fingerprint(db, after, sizeof after);
    CHECK_STR(after, before);
    /* ... even when it fails after replacing values (unknown target). */
    snprintf(bad, sizeof bad, "%s", counts_meta);
    memcpy(strstr(bad, "to = zone, region"), "to = zone, nowhe", 16);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_badto.meta"), bad) == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_badto.meta"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "no nowhen areas") != NULL);
    if (!strstr(err.msg, "no nowhen areas")) fprintf(stderr, "got: %s\n", err.msg);
    fingerprint(db, after, sizeof after);
    CHECK_STR(after, before);
    CHECK_NEAR(stored(db, "fp", "zone", "T1", NULL, NULL, NULL, 0), 250.0 / 1500 * 100, 1e-12);

    /* Metadata errors name file:line. */
    snprintf(bad, sizeof bad, "%s", counts_meta);
    memcpy(strstr(bad, "unit = decile"), "unit = dozen ", 13);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_badunit.meta"), bad) == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_badunit.meta"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "synthetic_badunit.meta:26: unit \"dozen\"") != NULL);
    if (!strstr(err.msg, "synthetic_badunit.meta:26: unit \"dozen\"")) fprintf(stderr, "got: %s\n", err.msg);
    snprintf(bad, sizeof bad, "%s", counts_meta);
    memcpy(strstr(bad, "aggregate = ratio"), "agregate = ratio ", 17);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_badkey.meta"), bad) == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_badkey.meta"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "synthetic_badkey.meta:21: unknown key \"agregate\"") != NULL);
    if (!strstr(err.msg, "synthetic_badkey.meta:21: unknown key \"agregate\"")) fprintf(stderr, "got: %s\n", err.msg);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_nosource.meta"),
                             "[indicator x]\ntitle = X\nunit = %\nperiod = 1\npolarity = neutral\nvalue = v\n") == 0);
    CHECK(wm_import_meta_file(s, wm_test_tmp_path("synthetic_nosource.meta"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "no [source] section") != NULL);
    if (!strstr(err.msg, "no [source] section")) fprintf(stderr, "got: %s\n", err.msg);
    fingerprint(db, after, sizeof after);
    CHECK_STR(after, before);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_badlink.manifest"), "[link small]\nmethod = point-on-surface\n") == 0);
    CHECK(wm_import_manifest(s, wm_test_tmp_path("synthetic_badlink.manifest"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "synthetic_badlink.manifest:1:") != NULL);

    /* A lookup that misses an area: an error, unless point on surface
     * may place it. */
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_partial.csv"), "small,zone\nA1,T1\nA2,T1\nA3,T2\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_partial.manifest"),
                             "[link small zone]\nlookup = synthetic_partial.csv | small | zone\n") == 0);
    CHECK(wm_import_manifest(s, wm_test_tmp_path("synthetic_partial.manifest"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "small A4 is not in the lookup") != NULL);
    fingerprint(db, after, sizeof after);
    CHECK_STR(after, before);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_fallback.manifest"),
                             "[link small zone]\nlookup = synthetic_partial.csv | small | zone\n"
                             "fallback = point-on-surface\n") == 0);
    CHECK(wm_import_manifest(s, wm_test_tmp_path("synthetic_fallback.manifest"), NULL, &err) == 0);
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_geography = 'small' AND parent_geography = "
                     "'zone' AND method = 'best-fit lookup'") == 3);
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_code = 'A4' AND parent_geography = 'zone' AND "
                     "parent_code = 'T2' AND method = 'point on surface'") == 1);
    wm_store_close(s);

    /* A file that is not a store is refused, and left alone. */
    CHECK(wm_test_write_file(wm_test_tmp_path("not_a_store.sqlite"), "hello") == 0);
    CHECK(wm_store_open(wm_test_tmp_path("not_a_store.sqlite"), 1, &err) == NULL);
    CHECK(wm_store_open(wm_test_tmp_path("missing.sqlite"), 0, &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no such store") != NULL);
}

static void test_read_api(void)
{
    wm_error err;
    const char *path = wm_test_tmp_path("synthetic_store.sqlite");
    wm_layer *zone = wm_layer_read(wm_test_tmp_path("synthetic_zone.geojson"), "CD", "NM", NULL, &err);
    CHECK(zone != NULL);
    if (!zone) return;
    wm_store *s = wm_store_open(path, 0, &err);
    CHECK(s != NULL);
    if (!s) { wm_layer_free(zone); return; }
    wm_indicator_meta m;
    double *v = wm_store_values_for_layer(s, "fp", NULL, "zone", zone, &m, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK_NEAR(v[wm_layer_find(zone, "T1")], 250.0 / 1500 * 100, 1e-12);
        CHECK(isnan(v[wm_layer_find(zone, "T2")]));
        CHECK_STR(m.id, "fp");
        CHECK_STR(m.title, "Synthetic fuel poverty");
        CHECK_STR(m.label, "FP");
        CHECK_STR(m.unit, "%");
        CHECK(m.higher_is_worse == 1);
        CHECK_STR(m.period, "2020");
        CHECK_STR(m.geography, "small");
        CHECK_STR(m.values_geography, "zone");
        /* Kept whole (the IMD 2025 and Census publishers run to 196 characters). */
        CHECK_STR(m.publisher, "Synthetic Office, Synthetic Indices of Synthetic Deprivation 2099, File 99 (scores, ranks and deciles, all synthetic), as published in a synthetic package of a synthetic organisation, kept whole however long it is");
        CHECK_STR(m.licence, "none: synthetic");
        CHECK(strstr(m.source_file, "synthetic_counts.csv") != NULL);
        CHECK(strstr(m.method, "ratio of summed numerator") != NULL);
        CHECK(strstr(m.report, "1/2 areas have a value") != NULL);
        free(v);
    }
    /* No geography named: the one whose codes match the layer. */
    v = wm_store_values_for_layer(s, "big_sum", "2021", NULL, zone, &m, &err);
    CHECK(v && strcmp(m.values_geography, "zone") == 0);
    free(v);
    /* Errors: unknown indicator, period, geography. */
    CHECK(wm_store_values_for_layer(s, "fq", NULL, NULL, zone, &m, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "no indicator \"fq\"") != NULL);
    CHECK(wm_store_values_for_layer(s, "fp", "1999", NULL, zone, &m, &err) == NULL);
    CHECK(strstr(err.msg, "no period 1999 (periods: 2020") != NULL);
    CHECK(wm_store_values_for_layer(s, "dec", NULL, "zone", zone, &m, &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "it has: small") != NULL);
    wm_layer_free(zone);

    wm_store_value *vals = NULL;
    size_t n = 0;
    CHECK(wm_store_values(s, "big_ratio", NULL, "zone", &vals, &n, NULL, &err) == 0);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(vals[0].area_code, "T1");
        CHECK_STR(vals[0].area_name, "Synthetic T1");
        CHECK_NEAR(vals[0].numerator, 20, 1e-9);
        CHECK_NEAR(vals[0].denominator, 200, 1e-9);
        CHECK(vals[0].n_areas == 1);
        CHECK_STR(vals[0].status, "aggregated");
    }
    free(vals);

    wm_indicator_meta *list = NULL;
    CHECK(wm_store_list_indicators(s, "zone", 0, &list, &n, &err) == 0);
    CHECK(n == 6);   /* pop, big_ratio, big_sum, fp, dec1_share, pct_mean */
    if (n == 6) {
        CHECK_STR(list[0].id, "pop");
        CHECK_STR(list[3].id, "fp");
        CHECK_STR(list[0].values_geography, "zone");
    }
    free(list);
    CHECK(wm_store_list_indicators(s, "zone", 1, &list, &n, &err) == 0);
    CHECK(n == 1 && strcmp(list[0].id, "fp") == 0);
    free(list);
    CHECK(wm_store_list_indicators(s, NULL, 0, &list, &n, &err) == 0);
    CHECK(n == 7);
    free(list);
    wm_store_close(s);
}

/* ---- A second synthetic authority: filters, England, coverage, intervals ---- */

static const char long_csv[] =
    "code,name,measure,period,events,people,share\n"
    "E01000001,One,admissions,2023,30,\"1,000\",0.03\n"
    "E01000001,One,admissions,2022,99,\"1,000\",0.099\n"
    "E01000002,Two,admissions,2023,5,500,0.01\n"
    "E01000003,Three,admissions,2023,12,\"2,000\",0.006\n"
    "E01000004,Four,admissions,2023,40,\"1,000\",0.04\n"
    "E92000001,England,admissions,2023,\"50,000\",\"10,000,000\",0.005\n"
    "E01000001,One,smokers,2023,150,\"1,000\",0.15\n"
    "E01000002,Two,smokers,2023,50,500,0.1\n"
    "E01000003,Three,smokers,2023,300,\"2,000\",0.15\n"
    "E01000004,Four,smokers,2023,250,\"1,000\",0.25\n"
    "E92000001,England,smokers,2023,\"1,300,000\",\"10,000,000\",0.13\n";

static const char long_meta[] =
    "[source]\n"
    "table = long.csv\n"
    "geography = sm\n"
    "code = code\n"
    "name = name\n"
    "period = 2023\n"
    "to = zn, lad99\n"
    "where = period = 2023\n"
    "england_row = E92000001\n"
    "[indicator adm]\n"
    "title = Admissions\n"
    "unit = rate per 100,000\n"
    "polarity = higher is worse\n"
    "where = measure = admissions\n"
    "numerator = events\n"
    "denominator = people\n"
    "aggregate = ratio\n"
    "[indicator adm_share]\n"
    "title = Admissions as published (a proportion)\n"
    "unit = %\n"
    "polarity = higher is worse\n"
    "where = measure = admissions\n"
    "value = share\n"
    "value_scale = 100\n"
    "[indicator smk]\n"
    "title = Smokers\n"
    "unit = %\n"
    "polarity = higher is worse\n"
    "where = measure = smokers\n"
    "numerator = events\n"
    "denominator = people\n"
    "aggregate = ratio\n"
    "compare_level = 99.8\n";

static const char national_csv[] =
    "code,total,group,popa,popb\n"
    "E01000001,1000,100,10,100\n"
    "E01000002,500,s,,50\n"
    "E01000003,2000,100,,200\n"
    "E01000004,1000,500,,100\n"
    "E01000005,3000,300,,300\n"
    "W01000001,800,700,,80\n";

static const char national_meta[] =
    "[source]\n"
    "table = national.csv\n"
    "geography = sm\n"
    "code = code\n"
    "period = 2021\n"
    "to = zn, lad99\n"
    "england_sum = E01\n"
    "[indicator grp]\n"
    "title = Group\n"
    "unit = %\n"
    "polarity = neutral\n"
    "numerator = group\n"
    "denominator = total\n"
    "aggregate = ratio\n"
    "[indicator grp_modelled]\n"
    "title = Group, modelled\n"
    "unit = %\n"
    "polarity = neutral\n"
    "numerator = group\n"
    "denominator = total\n"
    "aggregate = ratio\n"
    "estimate = modelled\n"
    "[indicator popa]\n"
    "title = Population A (one area only)\n"
    "unit = count\n"
    "polarity = neutral\n"
    "value = popa\n"
    "[indicator popb]\n"
    "title = Population B\n"
    "unit = count\n"
    "polarity = neutral\n"
    "value = popb\n";

static const char mean_meta[] =
    "[source]\n"
    "table = national.csv\n"
    "geography = sm\n"
    "code = code\n"
    "period = 2021\n"
    "to = zn, lad99\n"
    "[indicator grp_mean]\n"
    "title = Group share, mean weighted by the first complete population\n"
    "unit = %\n"
    "polarity = neutral\n"
    "numerator = group\n"
    "denominator = total\n"
    "interval = none\n"
    "aggregate = weighted mean\n"
    "weight = popa, popb\n";

static void test_coverage_intervals(void)
{
    const char *sm[] = { "E01000001", "E01000002", "E01000003", "E01000004" };
    const double sm_box[][4] = { { 0, 0, 500, 1000 }, { 500, 0, 1000, 1000 }, { 1000, 0, 1500, 1000 },
                                 { 1500, 0, 2000, 1000 } };
    write_rect_layer("cov_sm.geojson", 4, sm, sm_box, NULL);
    const char *zn[] = { "Z1", "Z2" };
    const double zn_box[][4] = { { 0, 0, 1000, 1000 }, { 1000, 0, 2000, 1000 } };
    write_rect_layer("cov_zn.geojson", 2, zn, zn_box, ",\"LAD\":\"L1\",\"LADNM\":\"Synthetic district\"");
    CHECK(wm_test_write_file(wm_test_tmp_path("cov_sm_zn.csv"),
                             "sm,zn\nE01000001,Z1\nE01000002,Z1\nE01000003,Z2\nE01000004,Z2\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("long.csv"), long_csv) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("long.meta"), long_meta) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("national.csv"), national_csv) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("national.meta"), national_meta) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("mean.meta"), mean_meta) == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("cov.manifest"),
                             "[areas sm]\nlayer = cov_sm.geojson\ncode = CD\nname = NM\n"
                             "[areas zn]\nlayer = cov_zn.geojson\ncode = CD\nname = NM\n"
                             "parent = LAD | lad99\nparent_name = LADNM\n"
                             "[link sm zn]\nlookup = cov_sm_zn.csv | sm | zn\n"
                             "[imports]\nmeta = long.meta\nmeta = national.meta\nmeta = mean.meta\n") == 0);
    wm_error err;
    const char *path = wm_test_tmp_path("cov_store.sqlite");
    remove(path);
    wm_store *s = wm_store_open(path, 1, &err);
    CHECK(s != NULL);
    if (!s) return;
    sqlite3 *db = wm_store_db(s);
    char *report = NULL;
    size_t rlen = 0;
    FILE *rf = open_memstream(&report, &rlen);
    int rc = wm_import_manifest(s, wm_test_tmp_path("cov.manifest"), rf, &err);
    fclose(rf);
    CHECK(rc == 0);
    if (rc != 0) fprintf(stderr, "import: %s\n", err.msg);
    /* Each filter reads its own rows; a code repeated under another period
     * is no duplicate. */
    CHECK(report && strstr(report, "long.csv, rows where period = 2023; measure = admissions: 5 of 11 rows match, "
                                   "4 loaded, 0 suppressed, 0 rejected, 0 outside the study area (sm)") != NULL);
    CHECK(report && strstr(report, "rows where period = 2023; measure = smokers: 5 of 11 rows match") != NULL);
    CHECK(report && strstr(report, "England benchmark: the row E92000001") != NULL);
    CHECK(report && strstr(report, "England benchmark: the counts of 5 rows whose code starts with E01") != NULL);
    CHECK(report && strstr(report, "grp_mean: weighted by popb") != NULL);
    if (wm_test_failed) fprintf(stderr, "%s", report ? report : "");
    free(report);

    wm_store_value v;
    /* A rate per 100,000 of summed counts, Byar's limits (35 events). */
    double z95 = wm_z_for_confidence(0.95);
    CHECK_NEAR(wm_test_stored(db, "adm", "zn", "Z1", &v), 35.0 / 1500 * 1e5, 1e-9);
    CHECK_NEAR(v.lower95, 35 * pow(1 - 1 / (9 * 35.0) - z95 / (3 * sqrt(35.0)), 3) / 1500 * 1e5, 1e-9);
    CHECK_NEAR(v.upper95, 36 * pow(1 - 1 / (9 * 36.0) + z95 / (3 * sqrt(36.0)), 3) / 1500 * 1e5, 1e-9);
    CHECK_STR(v.ci_method, "Byar");
    CHECK(v.coverage == 1 && !v.estimate);
    /* The district: 87 events in 4,500; England's row: 50,000 in 10 million. */
    double lad = wm_test_stored(db, "adm", "lad99", "L1", &v);
    CHECK_NEAR(lad, 87.0 / 4500 * 1e5, 1e-9);
    CHECK_NEAR(wm_test_stored(db, "adm", "ctry", "E92000001", NULL), 500, 1e-9);
    CHECK_STR(v.compare_authority, "not compared");     /* the district itself */
    CHECK_STR(v.compare_england, "higher");
    /* Z1 (2,333 per 100,000; 95% limits about 1,625 to 3,245) against the
     * district (1,933): similar; against England (500): higher. */
    wm_test_stored(db, "adm", "zn", "Z1", &v);
    CHECK(v.lower95 < lad && lad < v.upper95);
    CHECK_STR(v.compare_authority, "similar");
    CHECK_STR(v.compare_england, "higher");
    /* Five events: the exact Poisson limits, not Byar's. */
    wm_test_stored(db, "adm", "sm", "E01000002", &v);
    CHECK_STR(v.ci_method, "exact Poisson");
    CHECK_NEAR(v.lower95, wm_poisson_exact_lower(5, 0.95) / 500 * 1e5, 1e-6);
    /* value_scale: the published 0.03 shown as 3%, the cell kept. */
    CHECK_NEAR(wm_test_stored(db, "adm_share", "sm", "E01000001", NULL), 3, 1e-12);
    CHECK(scalar(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'adm_share' AND "
                     "area_code = 'E01000001' AND published = '0.03'") == 1);

    /* Wilson limits for the smokers, compared at 99.8%: Z2 = 550 of 3,000
     * (18.3%) against the district 750 of 4,500 (16.7%) and England 13%. */
    double lo, hi;
    wm_ci_wilson(550, 3000, 0.998, &lo, &hi);
    CHECK_NEAR(wm_test_stored(db, "smk", "zn", "Z2", &v), 550.0 / 3000 * 100, 1e-9);
    CHECK_NEAR(v.lower998, lo * 100, 1e-9);
    CHECK_NEAR(v.upper998, hi * 100, 1e-9);
    CHECK_STR(v.compare_authority, lo * 100 > 750.0 / 4500 * 100 ? "higher" : "similar");
    CHECK_STR(v.compare_england, "higher");
    wm_ci_wilson(550, 3000, 0.95, &lo, &hi);
    CHECK_NEAR(v.lower95, lo * 100, 1e-9);

    /* England as the sum of the E01 rows (Welsh rows left out): group has a
     * suppressed English row, so England is No data for it; the other 4
     * rows hold 7,000 residents (and are kept as the components). */
    CHECK(isnan(wm_test_stored(db, "grp", "ctry", "E92000001", &v)));
    CHECK(v.n_missing == 1 && v.n_areas == 4);
    CHECK_NEAR(v.denominator, 7000, 0);
    CHECK_NEAR(v.coverage, 4.0 / 5, 1e-12);
    /* Coverage: Z1 lacks E01000002's group but knows its 500 residents:
     * 1,000 of 1,500 residents covered; the value is No data. */
    CHECK(isnan(wm_test_stored(db, "grp", "zn", "Z1", &v)));
    CHECK_NEAR(v.coverage, 1000.0 / 1500, 1e-12);
    CHECK_NEAR(wm_test_stored(db, "grp", "zn", "Z2", &v), 600.0 / 3000 * 100, 1e-9);
    CHECK(v.coverage == 1);
    CHECK_STR(v.ci_method, "Wilson score");
    /* Modelled at source: an estimate everywhere, and no interval. */
    CHECK_NEAR(wm_test_stored(db, "grp_modelled", "zn", "Z2", &v), 20, 1e-9);
    CHECK(v.estimate && strcmp(v.estimate_note, "modelled at source") == 0);
    CHECK(isnan(v.lower95) && v.ci_method[0] == '\0');
    CHECK_STR(v.compare_authority, "not compared");
    wm_test_stored(db, "grp_modelled", "sm", "E01000001", &v);
    CHECK(v.estimate && isnan(v.lower95));

    /* weight = popa, popb: popa is held for one area only, so popb weights.
     * Z1: 10% weighted by 100 (E01000002 has no value, weight 50):
     * coverage 100 of 150 in the weight. */
    CHECK_NEAR(wm_test_stored(db, "grp_mean", "zn", "Z1", &v), 10, 1e-9);
    CHECK_NEAR(v.coverage, 100.0 / 150, 1e-12);
    CHECK(v.n_missing == 1 && isnan(v.lower95));
    CHECK(scalar(db, "SELECT count(*) FROM indicators WHERE id = 'grp_mean' AND weight = 'popb' AND "
                     "weight_choices = 'popa, popb' AND coverage_basis LIKE 'popb: Population B%'") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM indicators WHERE id = 'smk' AND interval = 'Wilson score' AND "
                     "compare_level = 99.8 AND filter = 'period = 2023; measure = smokers'") == 1);
    /* The reading API returns the new fields. */
    wm_store_value *vals = NULL;
    size_t n = 0;
    CHECK(wm_store_read_values(s, "grp_mean", "2021", "zn", &vals, &n, &err) == 0);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_NEAR(vals[0].coverage, 100.0 / 150, 1e-12);
        CHECK(!vals[0].estimate && isnan(vals[0].lower95));
    }
    free(vals);
    CHECK(wm_store_read_values(s, "smk", "2023", "zn", &vals, &n, &err) == 0);
    CHECK(n == 2);
    if (n == 2) {
        wm_ci_wilson(550, 3000, 0.998, &lo, &hi);
        CHECK_NEAR(vals[1].lower998, lo * 100, 1e-9);
        CHECK_STR(vals[1].ci_method, "Wilson score");
        CHECK_STR(vals[1].compare_england, "higher");
    }
    free(vals);
    CHECK(wm_store_read_values(s, "grp_modelled", "2021", "zn", &vals, &n, &err) == 0);
    CHECK(n == 2 && vals[1].estimate && strcmp(vals[1].estimate_note, "modelled at source") == 0);
    free(vals);
    wm_store_close(s);
}

/* Apportioned values are estimates without intervals; their sum over
 * whole sources is a count again. */
static void test_apportioned_estimates(void)
{
    wm_error err;
    wm_store *s = wm_store_open(wm_test_tmp_path("synthetic_store.sqlite"), 0, &err);
    CHECK(s != NULL);
    if (!s) return;
    wm_store_value *vals = NULL;
    size_t n = 0;
    CHECK(wm_store_read_values(s, "big_ratio", "2021", "zone", &vals, &n, &err) == 0);
    CHECK(n == 2);
    for (size_t i = 0; i < n; i++) {
        CHECK(vals[i].estimate);
        CHECK_STR(vals[i].estimate_note, "apportioned from big");
        CHECK(isnan(vals[i].lower95));
    }
    free(vals);
    CHECK(wm_store_read_values(s, "big_ratio", "2021", "region", &vals, &n, &err) == 0);
    CHECK(n == 1);
    if (n == 1) {
        double lo, hi;
        wm_ci_wilson(50, 450, 0.95, &lo, &hi);
        CHECK(!vals[0].estimate);
        CHECK_NEAR(vals[0].lower95, lo * 100, 1e-9);
    }
    free(vals);
    wm_store_close(s);
}

/* follow = ...: one membership across vintages, driven by a change table
 * with U, S and M rows; splits settled by weight; where it differs from a
 * published lookup is reported. */
static void test_follow(void)
{
    const char *old[] = { "O1", "O2", "O3", "O4" };
    const char *nw[] = { "N1", "N2", "N3", "N4" };
    const double box4[][4] = { { 0, 0, 500, 1000 }, { 500, 0, 1000, 1000 }, { 1000, 0, 1500, 1000 },
                               { 1500, 0, 2000, 1000 } };
    write_rect_layer("fol_old.geojson", 4, old, box4, NULL);
    write_rect_layer("fol_new.geojson", 4, nw, box4, NULL);
    const char *zz[] = { "Z1", "Z2" };
    const double box2[][4] = { { 0, 0, 1000, 1000 }, { 1000, 0, 2000, 1000 } };
    write_rect_layer("fol_zn.geojson", 2, zz, box2, NULL);
    CHECK(wm_test_write_file(wm_test_tmp_path("fol_new_zn.csv"), "new,zn\nN1,Z1\nN2,Z1\nN3,Z2\nN4,Z2\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("fol_changes.csv"),
                             "old,new,change\nO1,N1,U\nO2,N2,S\nO2,N3,S\nO3,N4,M\nO4,N4,M\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("fol_weights.csv"), "new,people\nN1,5\nN2,10\nN3,30\nN4,7\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("fol_old_zn.csv"), "old,zn\nO1,Z1\nO2,Z1\nO3,Z2\nO4,Z1\n") == 0);
    const char *areas = "[areas old]\nlayer = fol_old.geojson\ncode = CD\n"
                        "[areas new]\nlayer = fol_new.geojson\ncode = CD\n"
                        "[areas zn]\nlayer = fol_zn.geojson\ncode = CD\n"
                        "[link new zn]\nlookup = fol_new_zn.csv | new | zn\n";
    char text[2048];
    snprintf(text, sizeof text, "%s[link old zn]\nfollow = new | fol_changes.csv | old | new | change\n"
             "split_by = fol_weights.csv | new | people\nlookup = fol_old_zn.csv | old | zn\n", areas);
    CHECK(wm_test_write_file(wm_test_tmp_path("fol.manifest"), text) == 0);
    wm_error err;
    const char *path = wm_test_tmp_path("fol_store.sqlite");
    remove(path);
    wm_store *s = wm_store_open(path, 1, &err);
    CHECK(s != NULL);
    if (!s) return;
    sqlite3 *db = wm_store_db(s);
    char *report = NULL;
    size_t rlen = 0;
    FILE *rf = open_memstream(&report, &rlen);
    int rc = wm_import_manifest(s, wm_test_tmp_path("fol.manifest"), rf, &err);
    fclose(rf);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "follow: %s\n", err.msg);
    CHECK(report && strstr(report, "link old -> zn: 4 areas follow their new areas (1 U unchanged, 1 S split, "
                                   "2 M merged, 0 X irregular)") != NULL);
    CHECK(report && strstr(report, "2 old areas in another zn than the lookup fol_old_zn.csv gives: O2: Z1 in the "
                                   "lookup, Z2 here; O4: Z1 in the lookup, Z2 here") != NULL);
    if (wm_test_failed) fprintf(stderr, "%s", report ? report : "");
    free(report);
    /* U follows its area; S goes where most of its weight is (30 of 40);
     * M (many to one) follows the area it merged into. */
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_geography = 'old' AND parent_geography = 'zn' AND "
                     "((child_code = 'O1' AND parent_code = 'Z1' AND method LIKE '%follows new N1 (U: unchanged)') OR "
                     "(child_code = 'O2' AND parent_code = 'Z2' AND method LIKE '%most people (30 of 40) (S: split)')"
                     " OR (child_code IN ('O3', 'O4') AND parent_code = 'Z2' AND method LIKE '%(M: merged)'))") == 4);
    /* A split without weights cannot be settled: an error, nothing changed. */
    snprintf(text, sizeof text, "[link old zn]\nfollow = new | fol_changes.csv | old | new | change\n");
    CHECK(wm_test_write_file(wm_test_tmp_path("fol_noweight.manifest"), text) == 0);
    CHECK(wm_import_manifest(s, wm_test_tmp_path("fol_noweight.manifest"), NULL, &err) != 0);
    CHECK(strstr(err.msg, "old O2 became new areas in 2 zn areas; give split_by") != NULL);
    if (!strstr(err.msg, "give split_by")) fprintf(stderr, "got: %s\n", err.msg);
    CHECK(scalar(db, "SELECT count(*) FROM area_links WHERE child_code = 'O2' AND parent_code = 'Z2'") == 1);
    wm_store_close(s);
}

int main(void)
{
    wm_gdal_init();
    setup();
    test_meta_format();
    test_import();
    test_read_api();
    test_apportioned_estimates();
    test_coverage_intervals();
    test_follow();
    return wm_test_summary();
}
