/* Any authority's store from the national files (store_area.h), against
 * the published figures and hand computations made here from the raw
 * files with table.h and number.h only.
 *
 * Published checks (issue 9):
 *   Leicester (E06000016): 21 wards; fuel poverty 2020 data 25,286 of
 *   132,444 households (19.1%); IMD 2019: 39 of 192 LSOAs in decile 1.
 *   Birmingham (E08000025): 69 wards; fuel poverty 2020 96,795 of 443,703
 *   (21.8%); IMD 2019: 264 of 639 LSOAs in decile 1.
 *   Both: the Year 6 obesity estimate for the whole authority (a mean of
 *   MSOA rates weighted by children) within 0.3 points of the published
 *   local authority count (layers/indicators/ncmp).
 * And a county made of districts (Leicestershire, from the MSOA to UTLA
 * lookup): the study area's values are those of its districts together.
 *
 * Needs the national files of ../shared/data (WARDMAP_SHARED). */
#include "area.h"
#include "error.h"
#include "number.h"
#include "store.h"
#include "store_area.h"
#include "table.h"
#include "text.h"
#include "testutil.h"
#include "raw_files.h"

#include <gdal.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char national[PATH_MAX / 2];
static wm_table *wards_raw, *imd, *fuel, *ncmp_la, *msoa_la;

static wm_table *shared_table(const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%s", national, rel);
    wm_error err;
    wm_table *t = wm_table_read(p, &err);
    if (!t) fprintf(stderr, "%s\n", err.msg);
    CHECK(t != NULL);
    return t;
}

static int in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0) return 1;
    return 0;
}

/* Rows of `t` whose column `c` is one of the districts. */
static size_t rows_in(const wm_table *t, int c, const char *const *lads, size_t n)
{
    size_t k = 0;
    for (size_t r = 0; r < t->nrows; r++) k += in_list(wm_table_cell(t, r, c), lads, n);
    return k;
}

static size_t sql_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    size_t n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

typedef struct expect {
    const char *area;            /* as given to --area */
    const char *code;            /* the study area's code */
    size_t wards, lsoa11, d1;    /* published: -1 when not given */
    double fp_num, fp_den;       /* published fuel poverty 2020 */
} expect;

static void check_area(const expect *x, const char *cache)
{
    wm_area_build_options o = { .national = national, .work_dir = cache };
    wm_area_store st;
    wm_error err;
    int rc = wm_area_store_build(x->area, &o, &st, NULL, &err);
    if (rc != 0) fprintf(stderr, "%s: %s\n", x->area, err.msg);
    CHECK(rc == 0);
    if (rc != 0) return;
    CHECK_STR(st.area.code, x->code);
    const char *lads[16];
    size_t n = st.area.n < 16 ? st.area.n : 16;
    for (size_t i = 0; i < n; i++) lads[i] = st.area.districts[i].code;
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(st.store, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    const char *geo = st.area.n > 1 ? WM_AREA_STUDY_GEOGRAPHY : "lad25";

    /* Wards: the national ward file's features of the districts. */
    size_t wards = rows_in(wards_raw, col(wards_raw, "LAD25CD"), lads, n);
    CHECK(sql_count(db, "SELECT count(*) FROM areas WHERE geography = 'ward25'") == wards);
    if (x->wards) CHECK(wards == x->wards);

    /* IMD 2019: File 1's LSOAs of the districts (their 2019 codes are
     * today's for these), and those in decile 1. */
    int lc = col(imd, "Local Authority District code (2019)"), dc = col(imd, "Index of Multiple Deprivation (IMD) Decile");
    size_t lsoas = 0, d1 = 0;
    for (size_t r = 0; r < imd->nrows; r++)
        if (in_list(wm_table_cell(imd, r, lc), lads, n)) {
            lsoas++;
            d1 += num_at(imd, (long)r, dc) == 1;
        }
    CHECK(sql_count(db, "SELECT count(*) FROM areas WHERE geography = 'lsoa11'") == lsoas);
    if (x->lsoa11) CHECK(lsoas == x->lsoa11);
    if (x->d1) CHECK(d1 == x->d1);
    wm_store_value v;
    CHECK_NEAR(wm_test_stored(db, "imd2019_d1_count", geo, x->code, &v), (double)d1, 1e-9);
    CHECK_NEAR(wm_test_stored(db, "imd2019_d1_share", geo, x->code, &v), 100.0 * (double)d1 / (double)lsoas, 1e-9);

    /* Fuel poverty 2020: the file's LSOAs of the districts, summed. */
    int fl = col(fuel, "LA Code"), fn = col(fuel, "Number of households in fuel poverty"),
        fd = col(fuel, "Number of households");
    double num = 0, den = 0;
    for (size_t r = 0; r < fuel->nrows; r++)
        if (in_list(wm_table_cell(fuel, r, fl), lads, n)) {
            num += num_at(fuel, (long)r, fn);
            den += num_at(fuel, (long)r, fd);
        }
    if (x->fp_den > 0) {
        CHECK_NEAR(num, x->fp_num, 0.5);
        CHECK_NEAR(den, x->fp_den, 0.5);
    }
    double fp = wm_test_stored(db, "fuel_poverty_2020", geo, x->code, &v);
    CHECK_NEAR(v.numerator, num, 1e-6);
    CHECK_NEAR(v.denominator, den, 1e-6);
    CHECK_NEAR(fp, 100 * num / den, 1e-9);
    /* Every ward that holds a 2011 LSOA (best fit: a small ward may hold
     * none, and is then No data, never 0) has a value. */
    size_t holding = sql_count(db, "SELECT count(DISTINCT parent_code) FROM area_links WHERE child_geography = "
                                   "'lsoa11' AND parent_geography = 'ward25'");
    CHECK(holding > 0 && holding <= wards);
    CHECK(sql_count(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'fuel_poverty_2020' AND "
                        "geography = 'ward25' AND value IS NOT NULL") == holding);
    CHECK(sql_count(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'fuel_poverty_2020' AND "
                        "geography = 'ward25' AND value IS NULL AND n_areas = 0") == wards - holding);

    /* Year 6 obesity: the estimate for each district against its
     * published count, within 0.3 points. */
    int nc = col(ncmp_la, "Area code"), nn = col(ncmp_la, "Numerator"), nd = col(ncmp_la, "Denominator");
    for (size_t i = 0; i < n; i++) {
        long r = find_row(ncmp_la, nc, lads[i]);
        CHECK(r >= 0);
        double published = 100 * num_at(ncmp_la, r, nn) / num_at(ncmp_la, r, nd);
        double est = wm_test_stored(db, "ncmp_year6_obese", "lad25", lads[i], NULL);
        if (fabs(est - published) > 0.3)
            fprintf(stderr, "%s: Year 6 obese estimate %.2f, published %.2f\n", lads[i], est, published);
        CHECK(fabs(est - published) <= 0.3);
        CHECK_NEAR(wm_test_stored(db, "ncmp_year6_obese_la", "lad25", lads[i], NULL), published, 1e-9);
    }
    /* Every 2011 and 2021 LSOA has a ward, and each link says how it was made. */
    CHECK(sql_count(db, "SELECT count(*) FROM area_links WHERE child_geography = 'lsoa11' AND parent_geography = "
                        "'ward25' AND method <> ''") == lsoas);
    CHECK(sql_count(db, "SELECT count(*) FROM area_links WHERE child_geography = 'lsoa21' AND parent_geography = "
                        "'ward25'") == sql_count(db, "SELECT count(*) FROM areas WHERE geography = 'lsoa21'"));
    /* MSOAs (2011) dissolved from the LSOAs: each LSOA's MSOA is an area. */
    CHECK(sql_count(db, "SELECT count(*) FROM areas WHERE geography = 'msoa11'") > 0);
    sqlite3_close(db);

    /* A second build reuses the store. */
    wm_area_store again;
    CHECK(wm_area_store_build(x->area, &o, &again, NULL, &err) == 0);
    CHECK(again.rebuilt == 0);
    wm_area_store_free(&again);
    wm_area_store_free(&st);
}

/* A district formed after a national table was published (Buckinghamshire,
 * 2020: the NCMP district tables of 2015/16-2017/18 know its four former
 * districts): its store is built, the table imports nothing for it, the
 * report says so, and no value is made up for it. */
static void check_new_district(const char *code, const char *cache)
{
    wm_area_build_options o = { .national = national, .work_dir = cache };
    wm_area_store st;
    wm_error err;
    int rc = wm_area_store_build(code, &o, &st, NULL, &err);
    if (rc != 0) fprintf(stderr, "%s: %s\n", code, err.msg);
    CHECK(rc == 0);
    if (rc != 0) return;
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(st.store, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM indicator_values WHERE indicator_id = 'ncmp_year6_obese_la' AND "
             "area_code = '%s'", code);
    CHECK(sql_count(db, sql) == 0);
    /* The MSOA estimate is still made, from today's MSOAs. */
    CHECK(!isnan(wm_test_stored(db, "ncmp_year6_obese", "lad25", code, NULL)));
    sqlite3_close(db);
    char report[PATH_MAX + 32];
    snprintf(report, sizeof report, "%s", st.store);
    char *slash = strrchr(report, '/');
    if (slash) snprintf(slash + 1, sizeof report - (size_t)(slash + 1 - report), "import.txt");
    char *text = wm_read_text_file(report, 0, &err);
    CHECK(text && strstr(text, "ncmp_la_year6_obese_counts") && strstr(text, "is an area of this store"));
    free(text);
    wm_area_store_free(&st);
}

int main(void)
{
    GDALAllRegister();
    const char *shared = getenv("WARDMAP_SHARED");
    CHECK(shared != NULL);
    if (!shared) return wm_test_summary();
    snprintf(national, sizeof national, "%s/data", shared);
    char cache[PATH_MAX];
    snprintf(cache, sizeof cache, "%s/area-cache", getenv("WARDMAP_AREA_CACHE") ? getenv("WARDMAP_AREA_CACHE") : "..");

    wards_raw = shared_table("boundaries/national/england_wards_2025_bgc.geojson");
    imd = raw("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
    fuel = shared_table("indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_england.csv");
    ncmp_la = raw("layers/indicators/ncmp/ncmp_la_year6_obese_counts_2015-16_to_2017-18.csv");
    msoa_la = shared_table("boundaries/lookups/msoa_la_drkane_UK.csv");
    if (!wards_raw || !imd || !fuel || !ncmp_la || !msoa_la) return wm_test_summary();

    expect leicester = { "Leicester", "E06000016", 21, 192, 39, 25286, 132444 };
    expect birmingham = { "E08000025", "E08000025", 69, 639, 264, 96795, 443703 };
    expect county = { "leicestershire", "E10000018", 0, 0, 0, 0, 0 };
    check_area(&leicester, cache);
    check_area(&birmingham, cache);
    check_area(&county, cache);
    /* Coastal districts with a 2011 LSOA whose point on surface falls
     * between the generalised coastlines of two vintages (Cornwall 029D,
     * E01018800; Adur): every LSOA of the district is still its. */
    expect cornwall = { "Cornwall", "E06000052", 0, 0, 0, 0, 0 };
    expect adur = { "E07000223", "E07000223", 0, 0, 0, 0, 0 };
    check_area(&cornwall, cache);
    check_area(&adur, cache);
    /* On the Welsh border: Welsh LSOAs lie in no ward of England's file,
     * and are no part of Herefordshire for it. */
    expect hereford = { "E06000019", "E06000019", 0, 0, 0, 0, 0 };
    check_area(&hereford, cache);
    check_new_district("E06000060", cache);
    CHECK_NEAR(round_to(100.0 * 25286 / 132444, 1), 19.1, 1e-9);
    CHECK_NEAR(round_to(100.0 * 96795 / 443703, 1), 21.8, 1e-9);

    /* The county's districts are those the lookup gives it. */
    wm_area a;
    wm_error err;
    char wards_path[PATH_MAX], la_path[PATH_MAX];
    snprintf(wards_path, sizeof wards_path, "%s/boundaries/national/england_wards_2025_bgc.geojson", national);
    snprintf(la_path, sizeof la_path, "%s/boundaries/lookups/msoa_la_drkane_UK.csv", national);
    CHECK(wm_area_resolve("Leicestershire", wards_path, la_path, &a, &err) == 0);
    int uc = col(msoa_la, "UTLACD"), lc = col(msoa_la, "LADCD_ACTIVE");
    size_t in_county = 0;
    for (size_t i = 0; i < a.n; i++) CHECK(strncmp(a.districts[i].code, "E07", 3) == 0);
    for (size_t r = 0; r < msoa_la->nrows; r++)
        if (strcmp(wm_table_cell(msoa_la, r, uc), "E10000018") == 0) {
            int seen = 0;
            for (size_t i = 0; i < a.n; i++) seen |= strcmp(a.districts[i].code, wm_table_cell(msoa_la, r, lc)) == 0;
            CHECK(seen);
            in_county++;
        }
    CHECK(a.n == 7 && in_county > 0);
    wm_area_free(&a);
    /* The same districts listed by hand make the same study area. */
    CHECK(wm_area_resolve("Blaby, Charnwood, Harborough, Hinckley and Bosworth, Melton, North West Leicestershire, "
                          "Oadby and Wigston", wards_path, la_path, &a, &err) == 0);
    CHECK_STR(a.code, "E10000018");
    CHECK_STR(a.name, "Leicestershire");
    wm_area_free(&a);
    /* A list that is no county is a study area of its own. */
    CHECK(wm_area_resolve("blaby,E07000130", wards_path, la_path, &a, &err) == 0);
    CHECK_STR(a.code, WM_AREA_STUDY_CODE);
    CHECK_STR(a.name, "Blaby and Charnwood");
    wm_area_free(&a);
    /* A misspelt name is refused with the closest names. */
    CHECK(wm_area_resolve("Leicster", wards_path, la_path, &a, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "did you mean Leicester") != NULL);
    CHECK(wm_area_resolve("E06999999", wards_path, la_path, &a, &err) != 0);
    CHECK(strstr(err.msg, "E06999999") != NULL);

    wm_table_free(wards_raw);
    wm_table_free(imd);
    wm_table_free(fuel);
    wm_table_free(ncmp_la);
    wm_table_free(msoa_la);
    return wm_test_summary();
}
