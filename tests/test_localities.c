/* Localities in the bundled Coventry store (store_groups.h): Coventry's
 * prototype neighbourhoods built from their published names, checked
 * against the raw files by hand (raw_files.h: table.h and number.h only).
 *
 *   membership: a locality named by an MSOA's House of Commons Library
 *   name holds exactly the 2021 LSOAs the ONS lookups put in that MSOA
 *   (LSOA 2021 -> 2011 -> MSOA); one made of a ward holds the ward's LSOAs
 *   by the best-fit lookup;
 *
 *   aggregation: each locality's figures equal the hand computation from
 *   its LSOAs: population (sum of the Census file), fuel poverty 2022
 *   (households fuel poor over households), IMD 2025 decile-1 count and
 *   the population-weighted IMD 2025 score (File 1 and File 7), and a
 *   ward-made locality equals its ward;
 *
 *   errors: unknown, ambiguous and overlapping members, one line each,
 *   leaving the store as it was. */
#include "error.h"
#include "layer.h"
#include "localities.h"
#include "store.h"
#include "store_groups.h"
#include "store_import.h"
#include "testutil.h"
#include "raw_files.h"

#include <math.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;

static double stored(const char *id, const char *geo, const char *code, wm_store_value *row)
{
    wm_store_value tmp;
    return wm_test_stored(db, id, geo, code, row ? row : &tmp);
}

/* The stored members of a locality at `geo`, sorted, into codes[]. */
static size_t members(const char *geo, const char *locality, char codes[][16], size_t max)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT child_code FROM area_links WHERE child_geography = ? AND parent_geography = "
                       "'locality' AND parent_code = ? ORDER BY child_code", -1, &q, NULL);
    sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, locality, -1, SQLITE_STATIC);
    size_t n = 0;
    while (sqlite3_step(q) == SQLITE_ROW && n < max)
        snprintf(codes[n++], 16, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return n;
}

typedef struct hand {
    double pop, fp_num, fp_den, d1, n, popx, pop7;
} hand;

/* A locality's figures from the raw files, over its 2021 LSOAs. */
static hand by_hand(char lsoas[][16], size_t n)
{
    hand h = { 0 };
    wm_table *pop = raw("layers/indicators/population/census21_lsoa21_pop_age6.csv");
    wm_table *fp = raw("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2022_lsoa_coventry.csv");
    wm_table *f1 = raw("layers/indicators/imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv");
    wm_table *f7 = raw("layers/indicators/imd2025/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators_"
                       "coventry.csv");
    if (pop && fp && f1 && f7) {
        int pc = col(pop, "lsoa21_code"), pv = col(pop, "usual_residents_total");
        int fc = col(fp, "LSOA Code"), fh = col(fp, "Number of households"),
            ff = col(fp, "Number of households in fuel poverty");
        int c1 = col(f1, "LSOA code (2021)"),
            d1 = col(f1, "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA");
        int c7 = col(f7, "LSOA code (2021)"), s7 = col(f7, "Index of Multiple Deprivation (IMD) Score"),
            p7 = col(f7, "Total population: mid 2022");
        for (size_t i = 0; i < n; i++) {
            h.pop += num_at(pop, find_row(pop, pc, lsoas[i]), pv);
            long rf = find_row(fp, fc, lsoas[i]);
            h.fp_num += num_at(fp, rf, ff);
            h.fp_den += num_at(fp, rf, fh);
            h.d1 += num_at(f1, find_row(f1, c1, lsoas[i]), d1) == 1;
            long r7 = find_row(f7, c7, lsoas[i]);
            h.popx += num_at(f7, r7, p7) * num_at(f7, r7, s7);
            h.pop7 += num_at(f7, r7, p7);
            h.n++;
        }
    }
    wm_table_free(pop);
    wm_table_free(fp);
    wm_table_free(f1);
    wm_table_free(f7);
    return h;
}

static void check_against_hand(const char *code, char lsoas[][16], size_t n)
{
    hand h = by_hand(lsoas, n);
    wm_store_value v;
    CHECK_NEAR(stored("pop_census2021", "locality", code, NULL), h.pop, 0);
    CHECK_NEAR(stored("fuel_poverty_2022", "locality", code, &v), h.fp_num / h.fp_den * 100, 1e-9);
    CHECK_NEAR(v.numerator, h.fp_num, 0);
    CHECK_NEAR(v.denominator, h.fp_den, 0);
    CHECK_NEAR(stored("imd2025_d1_count", "locality", code, &v), h.d1, 0);
    CHECK_NEAR(v.denominator, h.n, 0);
    CHECK_NEAR(stored("imd2025_score", "locality", code, NULL), h.popx / h.pop7, 1e-9);
}

/* The 2021 LSOAs of an MSOA by the raw lookups (2021 -> 2011 -> MSOA 2011). */
static size_t lsoas_of_msoa(const char *msoa, char out[][16], size_t max)
{
    lookup l21 = read_lookup("layers/lookups/coventry_lsoa11_lsoa21_lad22.csv", "lsoa21_code", "lsoa11_code");
    lookup l11 = read_lookup("layers/lookups/lsoa11_msoa11_UK.csv", "lsoa11_code", "msoa11_code");
    size_t n = 0;
    for (size_t i = 0; i < l21.n && n < max; i++) {
        const char *m = lookup_get(&l11, l21.parent[i]);
        if (m && strcmp(m, msoa) == 0) snprintf(out[n++], 16, "%s", l21.child[i]);
    }
    free_lookup(&l21);
    free_lookup(&l11);
    qsort(out, n, 16, (int (*)(const void *, const void *))strcmp);
    return n;
}

static size_t lsoas_of_ward(const char *ward, char out[][16], size_t max)
{
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    size_t n = 0;
    for (size_t i = 0; i < lw.n && n < max; i++)
        if (strcmp(lw.parent[i], ward) == 0) snprintf(out[n++], 16, "%s", lw.child[i]);
    free_lookup(&lw);
    qsort(out, n, 16, (int (*)(const void *, const void *))strcmp);
    return n;
}

static int add(wm_store *s, const wm_area_group *g, size_t n, wm_error *err)
{
    wm_group_members *m = NULL;
    if (wm_store_resolve_groups(s, g, n, &m, err) != 0) return -1;
    int rc = wm_store_add_groups(s, "locality", m, n, NULL, NULL, 0, NULL, err);
    wm_group_members_free(m, n);
    return rc;
}

static void test_coventry(wm_store *s)
{
    const char *wood_end[] = { "Henley Green & Wood End" };
    const char *canley[] = { "Tile Hill", "canley & westwood heath" };   /* names match without case */
    const char *bell[] = { "E02001961" };                                /* a code */
    const char *st_michaels[] = { "ward:St Michael's" };
    wm_area_group g[] = { { "Wood End and Henley Green", wood_end, 1 },
                          { "Canley and Tile Hill", canley, 2 },
                          { "Bell Green", bell, 1 },
                          { "St Michael's", st_michaels, 1 } };
    wm_error err;
    int rc = add(s, g, 4, &err);
    CHECK(rc == 0);
    if (rc != 0) {
        fprintf(stderr, "localities: %s\n", err.msg);
        return;
    }
    char got[64][16], want[64][16];
    /* Membership: exactly the MSOA's LSOAs. */
    size_t ng = members("lsoa21", "wood-end-and-henley-green", got, 64);
    size_t nw = lsoas_of_msoa("E02001964", want, 64);
    CHECK(nw > 0);
    CHECK(ng == nw);
    for (size_t i = 0; i < ng && i < nw; i++) CHECK_STR(got[i], want[i]);
    check_against_hand("wood-end-and-henley-green", got, ng);

    size_t a = lsoas_of_msoa("E02001986", want, 64);
    a += lsoas_of_msoa("E02001993", want + a, 64 - a);
    qsort(want, a, 16, (int (*)(const void *, const void *))strcmp);
    ng = members("lsoa21", "canley-and-tile-hill", got, 64);
    CHECK(ng == a);
    for (size_t i = 0; i < ng && i < a; i++) CHECK_STR(got[i], want[i]);
    check_against_hand("canley-and-tile-hill", got, ng);

    ng = members("lsoa21", "bell-green", got, 64);
    nw = lsoas_of_msoa("E02001961", want, 64);
    CHECK(ng == nw && ng > 0);
    check_against_hand("bell-green", got, ng);

    /* A ward-made locality: the ward's LSOAs, and the ward's figures for
     * every 2021-based indicator. */
    sqlite3_stmt *q = NULL;
    char ward[16] = "";
    sqlite3_prepare_v2(db, "SELECT code FROM areas WHERE geography = 'ward25' AND name = 'St Michael''s'", -1, &q,
                       NULL);
    if (sqlite3_step(q) == SQLITE_ROW) snprintf(ward, sizeof ward, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    CHECK(ward[0]);
    ng = members("lsoa21", "st-michaels", got, 64);
    nw = lsoas_of_ward(ward, want, 64);
    CHECK(ng == nw && ng > 0);
    for (size_t i = 0; i < ng && i < nw; i++) CHECK_STR(got[i], want[i]);
    check_against_hand("st-michaels", got, ng);
    const char *same[] = { "imd2025_score", "fuel_poverty_2022", "pop_census2021", "eth_lsoa_not_white",
                           "imd2025_d1_share" };
    for (size_t k = 0; k < sizeof same / sizeof *same; k++) {
        wm_store_value lv, wv;
        CHECK_NEAR(stored(same[k], "locality", "st-michaels", &lv), stored(same[k], "ward25", ward, &wv), 1e-9);
        CHECK(isnan(lv.lower95) == isnan(wv.lower95));
        if (!isnan(wv.lower95)) CHECK_NEAR(lv.lower95, wv.lower95, 1e-9);
        CHECK_STR(lv.compare_authority, wv.compare_authority);
        CHECK_STR(lv.compare_england, wv.compare_england);
    }
    /* The 2011 LSOAs follow: every one of Wood End's 2011 LSOAs has its
     * 2021 parts in the locality (the city's changes are splits). */
    char old[64][16];
    size_t no = members("lsoa11", "wood-end-and-henley-green", old, 64);
    CHECK(no > 0);
    lookup l21 = read_lookup("layers/lookups/coventry_lsoa11_lsoa21_lad22.csv", "lsoa21_code", "lsoa11_code");
    ng = members("lsoa21", "wood-end-and-henley-green", got, 64);
    for (size_t i = 0; i < no; i++) {
        int parts = 0;
        for (size_t k = 0; k < ng; k++) parts += strcmp(lookup_get(&l21, got[k]), old[i]) == 0;
        CHECK(parts > 0);
    }
    free_lookup(&l21);
    /* An MSOA-published figure is apportioned, and says so. */
    wm_store_value v;
    stored("eth_not_white_british", "locality", "wood-end-and-henley-green", &v);
    CHECK(v.n_areas >= 1);
    /* Each locality lies in Coventry. */
    sqlite3_prepare_v2(db, "SELECT count(*) FROM area_links WHERE child_geography = 'locality' AND parent_code = "
                       "'E08000026'", -1, &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 4);
    sqlite3_finalize(q);
}

/* The same groups with only some indicators aggregated (as the candidate
 * localities of a need ranking are): those come out exactly as with
 * every indicator, and the others are not there. */
static void test_some_indicators(wm_store *s)
{
    const char *wood_end[] = { "Henley Green & Wood End" };
    const char *canley[] = { "Tile Hill", "canley & westwood heath" };
    const char *bell[] = { "E02001961" };
    const char *st_michaels[] = { "ward:St Michael's" };
    wm_area_group g[] = { { "Wood End and Henley Green", wood_end, 1 },
                          { "Canley and Tile Hill", canley, 2 },
                          { "Bell Green", bell, 1 },
                          { "St Michael's", st_michaels, 1 } };
    /* A weighted share from 2011 LSOAs, a count with intervals, an
     * apportioned MSOA figure, a weighted mean from 2021 LSOAs. */
    const char *some[] = { "imd2019_d1_pop_share", "eth_lsoa_not_white", "eth_not_white_british", "imd2025_score" };
    wm_error err;
    wm_group_members *m = NULL;
    int rc = wm_store_resolve_groups(s, g, 4, &m, &err);
    if (rc == 0) rc = wm_store_add_groups(s, "picked", m, 4, NULL, some, 4, NULL, &err);
    wm_group_members_free(m, 4);
    CHECK(rc == 0);
    if (rc != 0) {
        fprintf(stderr, "some indicators: %s\n", err.msg);
        return;
    }
    const char *codes[] = { "wood-end-and-henley-green", "canley-and-tile-hill", "bell-green", "st-michaels" };
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < 4; i++) {
            wm_store_value pv, lv;
            double p = stored(some[k], "picked", codes[i], &pv), l = stored(some[k], "locality", codes[i], &lv);
            CHECK(!isnan(l));
            CHECK(p == l);
            CHECK(pv.numerator == lv.numerator || (isnan(pv.numerator) && isnan(lv.numerator)));
            CHECK(pv.lower95 == lv.lower95 || (isnan(pv.lower95) && isnan(lv.lower95)));
            CHECK(pv.upper998 == lv.upper998 || (isnan(pv.upper998) && isnan(lv.upper998)));
            CHECK(pv.n_areas == lv.n_areas && pv.n_missing == lv.n_missing);
            CHECK_STR(pv.compare_authority, lv.compare_authority);
            CHECK_STR(pv.compare_england, lv.compare_england);
        }
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT count(DISTINCT indicator_id) FROM indicator_values WHERE geography = 'picked'", -1,
                       &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 4);
    sqlite3_finalize(q);
}

static void test_errors(wm_store *s)
{
    wm_error err;
    const char *unknown[] = { "Henley Green" };
    wm_area_group g1 = { "X", unknown, 1 };
    CHECK(add(s, &g1, 1, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(strstr(err.msg, "\"Henley Green & Wood End\"") != NULL);   /* names that contain it */
    CHECK(strchr(err.msg, '\n') == NULL);

    const char *overlap_a[] = { "Tile Hill" }, *overlap_b[] = { "E02001986" };
    wm_area_group g2[] = { { "A", overlap_a, 1 }, { "B", overlap_b, 1 } };
    int rc = add(s, g2, 2, &err);
    /* Tile Hill's code: the same LSOAs twice. */
    CHECK(rc != 0);
    CHECK(strstr(err.msg, "must not overlap") != NULL);

    const char *none[] = { "" };
    wm_area_group g3 = { "Empty", none, 1 };
    CHECK(add(s, &g3, 1, &err) != 0);

    /* An imported geography is not replaced by localities. */
    wm_group_members *m = NULL;
    const char *ok[] = { "Bell Green" };
    wm_area_group g4 = { "Bell Green", ok, 1 };
    CHECK(wm_store_resolve_groups(s, &g4, 1, &m, &err) == 0);
    CHECK(wm_store_add_groups(s, "ward25", m, 1, NULL, NULL, 0, NULL, &err) != 0);
    CHECK(strstr(err.msg, "imported") != NULL);
    wm_group_members_free(m, 1);
    /* The failures left the localities of test_coventry as they were. */
    CHECK(!isnan(stored("pop_census2021", "locality", "wood-end-and-henley-green", NULL)));
}

/* The boundaries: each locality is the union of its LSOAs, so its area
 * is theirs and it has no holes but real ones (a hole is an area that is
 * not a member, never a sliver between neighbours). */
static void test_boundaries(const char *store_path)
{
    char csv[4200], gpkg[4200];
    snprintf(csv, sizeof csv, "%s/localities.csv", wm_test_tmpdir());
    snprintf(gpkg, sizeof gpkg, "%s/localities.gpkg", wm_test_tmpdir());
    /* As councils write them: BOM, CRLF, names with & and ', two rows for one locality. */
    CHECK(wm_test_write_file(csv, "\xEF\xBB\xBFlocality,area\r\n"
                                  "Wood End and Henley Green,Henley Green & Wood End\r\n"
                                  "Canley and Tile Hill,Tile Hill\r\n"
                                  "Canley and Tile Hill,Canley & Westwood Heath\r\n"
                                  "Bell Green,Bell Green\r\n"
                                  "St Michael's,ward:St Michael's\r\n") == 0);
    wm_localities_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.file = csv;
    spec.geography = "locality";
    spec.boundaries = gpkg;
    wm_store_handle h = { store_path, NULL };
    wm_report rep;
    wm_report_init(&rep);
    wm_error err;
    int rc = wm_localities(&spec, &h, &rep, &err);
    CHECK(rc == 0);
    if (rc != 0) fprintf(stderr, "localities: %s\n", err.msg);
    wm_store_release(&h);
    wm_report_free(&rep);
    if (rc != 0) return;
    wm_layer *loc = wm_layer_read(gpkg, "code", "name", NULL, &err);
    wm_layer *lsoa = wm_layer_read(wm_test_home_path("layers/boundaries/coventry_lsoa_2021_E08000026.geojson"),
                                   "LSOA21CD", NULL, NULL, &err);
    CHECK(loc && lsoa);
    if (!loc || !lsoa) return;
    CHECK(loc->n == 4);
    const char *codes[] = { "wood-end-and-henley-green", "canley-and-tile-hill", "bell-green", "st-michaels" };
    for (int k = 0; k < 4; k++) {
        long f = wm_layer_find(loc, codes[k]);
        CHECK(f >= 0);
        if (f < 0) continue;
        char members[64][16];
        size_t n = 0;
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(db, "SELECT child_code FROM area_links WHERE child_geography = 'lsoa21' AND "
                           "parent_geography = 'locality' AND parent_code = ?", -1, &q, NULL);
        sqlite3_bind_text(q, 1, codes[k], -1, SQLITE_STATIC);
        while (sqlite3_step(q) == SQLITE_ROW && n < 64)
            snprintf(members[n++], 16, "%s", (const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            long g = wm_layer_find(lsoa, members[i]);
            CHECK(g >= 0);
            if (g >= 0) sum += OGR_G_Area(lsoa->features[g].geom);
        }
        OGRGeometryH geom = loc->features[f].geom;
        double area = OGR_G_Area(geom);
        CHECK(sum > 0);
        CHECK_NEAR(area / sum, 1.0, 1e-6);
        /* No sliver holes: every interior ring is a real area. */
        int parts = wkbFlatten(OGR_G_GetGeometryType(geom)) == wkbMultiPolygon ? OGR_G_GetGeometryCount(geom) : 1;
        for (int p = 0; p < parts; p++) {
            OGRGeometryH poly = parts > 1 || wkbFlatten(OGR_G_GetGeometryType(geom)) == wkbMultiPolygon
                                    ? OGR_G_GetGeometryRef(geom, p) : geom;
            for (int r = 1; r < OGR_G_GetGeometryCount(poly); r++) {
                OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
                OGRGeometryH hole = OGR_G_CreateGeometry(wkbPolygon);
                OGR_G_AddGeometry(hole, ring);
                CHECK(OGR_G_Area(hole) > 1000);   /* m²: a sliver would be far smaller */
                OGR_G_DestroyGeometry(hole);
            }
        }
        /* Each prototype locality is one piece. */
        CHECK(parts == 1);
    }
    /* Named as the council names them. */
    long f = wm_layer_find(loc, "st-michaels");
    CHECK(f >= 0 && strcmp(loc->features[f].name, "St Michael's") == 0);
    wm_layer_free(loc);
    wm_layer_free(lsoa);
}

int main(void)
{
    wm_gdal_init();
    wm_error err;
    char store_path[4096];
    snprintf(store_path, sizeof store_path, "%s/coventry.sqlite", wm_test_tmpdir());
    remove(store_path);
    wm_store *s = wm_store_open(store_path, 1, &err);
    int rc = s ? wm_import_manifest(s, wm_test_home_path("layers/indicators/coventry.manifest"), NULL, &err) : -1;
    CHECK(rc == 0);
    if (rc != 0) {
        fprintf(stderr, "build: %s\n", err.msg);
        wm_store_close(s);
        return wm_test_summary();
    }
    CHECK(sqlite3_open_v2(store_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    test_coventry(s);
    test_some_indicators(s);
    test_errors(s);
    wm_store_close(s);
    test_boundaries(store_path);
    sqlite3_close(db);
    return wm_test_summary();
}
