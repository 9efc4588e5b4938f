/* The bundled Coventry store on issue 12's checks: the current data and
 * what each number covers and claims.  Every figure is computed here by
 * hand from the raw files in layers/ (raw_files.h: table.h and number.h
 * only) and compared with the store, then with the published figures:
 *
 *   IMD 2025: 36 of 203 LSOAs in England's most deprived decile (File 10:
 *   0.1773); the population-weighted IMD score 27.528 (File 10), from the
 *   mid-2022 denominators of File 7; ward decile-1 LSOA counts: Foleshill
 *   10 of 13, Henley 5 of 13, Binley and Willenhall 4 of 11, 5 wards none;
 *   for an authority without File 7 the Census 2021 population weighs;
 *
 *   NCMP as the strategy quotes it: 22.0% of Reception and 41.1% of Year 6
 *   children overweight including obese, 2021/22; every NCMP value's label
 *   and title carry its period; the 2015/16-2017/18 Year 6 city counts
 *   with their Wilson interval, higher than England;
 *
 *   fuel poverty over time, city values from the raw files: 2018 16,512 of
 *   136,174 (LIHC, and labelled so), 2019 25,844 of 137,650, 2020 28,208 of
 *   138,952, 2021 28,525 of 137,313, 2022 30,886 of 138,897; modelled at
 *   source, so estimates without intervals;
 *
 *   Census 2021 ethnic group by LSOA: each ward's counted share with its
 *   Wilson interval and its comparison with Coventry and England, all made
 *   here by hand (Coventry 345,318 residents; non-White 34.48%; Foleshill
 *   Asian 44.9%), beside the MSOA-apportioned "not White British" estimate;
 *
 *   coverage: Wainbody's Reception obese figure rests on 1 of its 3 MSOAs,
 *   which hold about 17% of its children (Census 2021, 0-15); Earlsdon's
 *   on 3 of 4 (88%). */
#include "error.h"
#include "layer.h"
#include "number.h"
#include "store.h"
#include "store_import.h"
#include "table.h"
#include "testutil.h"
#include "raw_files.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NWARDS 18
#define COVENTRY "E08000026"

static sqlite3 *db;
static char store_path[4096];
static char ward_code[NWARDS][16], ward_name[NWARDS][64];

static const char *ward_named(const char *name)
{
    for (int w = 0; w < NWARDS; w++)
        if (strcmp(ward_name[w], name) == 0) return ward_code[w];
    CHECK(!"no such ward");
    return "";
}

static double stored(const char *id, const char *geo, const char *code, wm_store_value *row)
{
    wm_store_value tmp;
    return wm_test_stored(db, id, geo, code, row ? row : &tmp);
}

static const char *indicator_text(const char *id, const char *column)
{
    static char out[4][600];
    static int slot;
    char *o = out[slot++ % 4];
    o[0] = '\0';
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM indicators WHERE id = ?", column);
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(o, 600, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return o;
}

/* ---- IMD 2025 ---- */

static void test_imd2025(void)
{
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    wm_table *f1 = raw("layers/indicators/imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv");
    wm_table *f7 = raw("layers/indicators/imd2025/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators_"
                       "coventry.csv");
    wm_table *sc = raw("layers/indicators/imd2025/imd2025_england_lsoa21_scores_humaniverse.csv");
    wm_table *f10 = raw("layers/indicators/imd2025/indices_of_deprivation_2025_lad_trafforddatalab.csv");
    if (!lw.t || !f1 || !f7 || !sc || !f10) goto done;
    int c1 = col(f1, "LSOA code (2021)"),
        d1 = col(f1, "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA");
    int c7 = col(f7, "LSOA code (2021)"), s7 = col(f7, "Index of Multiple Deprivation (IMD) Score"),
        p7 = col(f7, "Total population: mid 2022"),
        w7 = col(f7, "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022");
    int cs = col(sc, "lsoa21_code"), es = col(sc, "Employment_score"), inc = col(sc, "Income_decile");

    /* The city: every LSOA of the 2024 lookup. */
    double n = 0, in1 = 0, in12 = 0, pop = 0, popx = 0, pop1 = 0, wpop = 0, wpopx = 0, inc1 = 0;
    for (size_t i = 0; i < lw.n; i++) {
        long r1 = find_row(f1, c1, lw.child[i]), r7 = find_row(f7, c7, lw.child[i]),
             rs = find_row(sc, cs, lw.child[i]);
        double dec = num_at(f1, r1, d1), p = num_at(f7, r7, p7), wp = num_at(f7, r7, w7);
        n++;
        in1 += dec == 1;
        in12 += dec <= 2;
        pop += p;
        popx += p * num_at(f7, r7, s7);
        pop1 += dec == 1 ? p : 0;
        wpop += wp;
        wpopx += wp * num_at(sc, rs, es);
        inc1 += num_at(sc, rs, inc) == 1;
    }
    CHECK(n == 203);
    CHECK(in1 == 36);                                   /* published: 36 of 203 */
    wm_store_value v;
    CHECK_NEAR(stored("imd2025_d1_count", "lad25", COVENTRY, NULL), in1, 0);
    CHECK_NEAR(stored("imd2025_d1_share", "lad25", COVENTRY, &v), in1 / n * 100, 1e-9);
    CHECK_NEAR(v.numerator, 36, 0);
    CHECK_NEAR(v.denominator, 203, 0);
    CHECK_NEAR(stored("imd2025_d12_count", "lad25", COVENTRY, NULL), in12, 0);
    CHECK(in12 == 63);
    CHECK_NEAR(stored("imd2025_income_d1_count", "lad25", COVENTRY, NULL), inc1, 0);
    /* File 10 as published: 0.1773 of LSOAs, average score 27.528. */
    long r10 = -1;
    int a10 = col(f10, "area_code"), i10 = col(f10, "index_domain"), sc10 = col(f10, "average_score"),
        pb10 = col(f10, "proportion_bottom_decile");
    for (size_t r = 0; r < f10->nrows; r++)
        if (strcmp(wm_table_cell(f10, r, a10), COVENTRY) == 0 &&
            strcmp(wm_table_cell(f10, r, i10), "Index of Multiple Deprivation") == 0)
            r10 = (long)r;
    CHECK(r10 >= 0);
    CHECK_NEAR(num_at(f10, r10, pb10), 0.1773, 0);
    CHECK_NEAR(round_to(in1 / n, 4), num_at(f10, r10, pb10), 1e-12);
    CHECK_NEAR(stored("imd2025_d1_share_published", "lad25", COVENTRY, NULL), 17.73, 1e-9);
    CHECK_NEAR(num_at(f10, r10, sc10), 27.528, 0);
    double score = stored("imd2025_score", "lad25", COVENTRY, &v);
    CHECK_NEAR(score, popx / pop, 1e-9);
    CHECK_NEAR(v.denominator, 352889, 0);               /* File 7: Coventry mid-2022 total */
    CHECK_NEAR(round_to(score, 3), 27.528, 1e-12);
    CHECK_NEAR(round_to(score, 3), stored("imd2025_score_published", "lad25", COVENTRY, NULL), 1e-12);
    CHECK_NEAR(stored("imd2025_d1_pop_share", "lad25", COVENTRY, NULL), pop1 / pop * 100, 1e-9);
    /* Which population weighs each figure is recorded. */
    CHECK_STR(indicator_text("imd2025_score", "weight"), "pop_mid2022");
    CHECK_STR(indicator_text("imd2025_score", "weight_choices"), "pop_mid2022, pop_census2021");
    CHECK_STR(indicator_text("imd2025_d1_pop_share", "weight"), "pop_mid2022");
    /* The employment domain by the working-age population, as File 10. */
    CHECK_STR(indicator_text("imd2025_employment_score", "weight"), "pop_mid2022_18_66");
    CHECK_NEAR(stored("imd2025_employment_score", "lad25", COVENTRY, NULL), wpopx / wpop, 1e-9);
    /* Every domain: the city's weighted score and decile-1 count against
     * File 10's average score and share (x 203). */
    static const char *const dom[][2] = { { "income", "Income Deprivation" },
                                          { "employment", "Employment Deprivation" },
                                          { "education", "Education, Skills and Training Deprivation" },
                                          { "health", "Health Deprivation and Disability" },
                                          { "crime", "Crime" },
                                          { "housing", "Barriers to Housing and Services" },
                                          { "living_env", "Living Environment Deprivation" } };
    static const int d1_published[] = { 35, 30, 20, 42, 26, 1, 15 };   /* ../shared provenance 7b */
    for (int k = 0; k < 7; k++) {
        char id[64];
        snprintf(id, sizeof id, "imd2025_%s_score", dom[k][0]);
        double ours = stored(id, "lad25", COVENTRY, NULL);
        snprintf(id, sizeof id, "imd2025_%s_score_published", dom[k][0]);
        double pub = stored(id, "lad25", COVENTRY, NULL);
        CHECK_NEAR(round_to(ours, 3), pub, 1e-12);
        snprintf(id, sizeof id, "imd2025_%s_d1_count", dom[k][0]);
        double cnt = stored(id, "lad25", COVENTRY, NULL);
        CHECK_NEAR(cnt, d1_published[k], 0);
        snprintf(id, sizeof id, "imd2025_%s_d1_share_published", dom[k][0]);
        CHECK_NEAR(round_to(cnt / 203 * 100, 2), round_to(stored(id, "lad25", COVENTRY, NULL), 2), 1e-9);
    }

    /* Wards: by hand from File 1 and File 7 through the 2024 lookup. */
    int none = 0;
    for (int w = 0; w < NWARDS; w++) {
        double wn = 0, w1 = 0, wp = 0, wpx = 0, wp1 = 0;
        for (size_t i = 0; i < lw.n; i++) {
            if (strcmp(lw.parent[i], ward_code[w]) != 0) continue;
            long r1 = find_row(f1, c1, lw.child[i]), r7 = find_row(f7, c7, lw.child[i]);
            double dec = num_at(f1, r1, d1), p = num_at(f7, r7, p7);
            wn++;
            w1 += dec == 1;
            wp += p;
            wpx += p * num_at(f7, r7, s7);
            wp1 += dec == 1 ? p : 0;
        }
        none += w1 == 0;
        CHECK_NEAR(stored("imd2025_d1_count", "ward25", ward_code[w], &v), w1, 0);
        CHECK_NEAR(v.denominator, wn, 0);
        CHECK_NEAR(stored("imd2025_score", "ward25", ward_code[w], NULL), wpx / wp, 1e-9);
        CHECK_NEAR(stored("imd2025_d1_pop_share", "ward25", ward_code[w], NULL), wp1 / wp * 100, 1e-9);
    }
    CHECK(none == 5);
    /* The ward figures. */
    static const struct { const char *ward; double in1, n; } wards[] = {
        { "Foleshill", 10, 13 }, { "Henley", 5, 13 }, { "Binley and Willenhall", 4, 11 } };
    for (int k = 0; k < 3; k++) {
        CHECK_NEAR(stored("imd2025_d1_count", "ward25", ward_named(wards[k].ward), &v), wards[k].in1, 0);
        CHECK_NEAR(v.denominator, wards[k].n, 0);
    }
done:
    free_lookup(&lw);
    wm_table_free(f1);
    wm_table_free(f7);
    wm_table_free(sc);
    wm_table_free(f10);
}

/* Another authority has no File 7 rows: the Census 2021 population weighs
 * instead, and the store says so.  A small study of Coventry's LSOAs and
 * wards without File 7 stands in for it. */
static void test_imd2025_weight_fallback(void)
{
    char manifest[4096], text[8192];
    snprintf(manifest, sizeof manifest, "%s/no_file7.manifest", wm_test_tmpdir());
    const char *home = wm_test_home_path("layers");
    snprintf(text, sizeof text,
             "[areas ward25]\nlayer = %s/boundaries/coventry_wards_2025_E08000026.geojson\ncode = WD25CD\n"
             "name = WD25NM\nparent = LAD25CD | lad25\n"
             "[areas lsoa21]\nlayer = %s/boundaries/coventry_lsoa_2021_E08000026.geojson\ncode = LSOA21CD\n"
             "[link lsoa21 ward25]\nlookup = %s/lookups/coventry_lsoa21_ward24_lad24.csv | lsoa21_code | ward24_code\n"
             "[imports]\nmeta = %s/indicators/population/census21_lsoa21_pop_age6.meta\n"
             "meta = %s/indicators/imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.meta\n",
             home, home, home, home, home);
    CHECK(wm_test_write_file(manifest, text) == 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/no_file7.sqlite", wm_test_tmpdir());
    remove(path);
    wm_error err;
    wm_store *s = wm_store_open(path, 1, &err);
    CHECK(s != NULL);
    if (!s) return;

    int irc = wm_import_manifest(s, manifest, NULL, &err);
    CHECK(irc == 0);
    if (irc) fprintf(stderr, "import: %s\n", err.msg);
    sqlite3 *d = wm_store_db(s);
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(d, "SELECT weight FROM indicators WHERE id = 'imd2025_d1_pop_share'", -1, &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), "pop_census2021") == 0);
    sqlite3_finalize(q);
    /* By hand: Census 2021 residents of the decile-1 LSOAs over all. */
    wm_table *f1 = raw("layers/indicators/imd2025/File_1_IoD2025_Index_of_Multiple_Deprivation.csv");
    wm_table *pop = raw("layers/indicators/population/census21_lsoa21_pop_age6.csv");
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    if (f1 && pop && lw.t) {
        int c1 = col(f1, "LSOA code (2021)"),
            d1 = col(f1, "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA");
        int pc = col(pop, "lsoa21_code"), pt = col(pop, "usual_residents_total");
        double all = 0, in1 = 0;
        for (size_t i = 0; i < lw.n; i++) {
            double p = num_at(pop, find_row(pop, pc, lw.child[i]), pt);
            all += p;
            if (num_at(f1, find_row(f1, c1, lw.child[i]), d1) == 1) in1 += p;
        }
        CHECK_NEAR(wm_test_stored(d, "imd2025_d1_pop_share", "lad25", COVENTRY, NULL), in1 / all * 100, 1e-9);
    }
    wm_table_free(f1);
    wm_table_free(pop);
    free_lookup(&lw);
    wm_store_close(s);
}

/* ---- NCMP as the strategy quotes it ---- */

static void test_ncmp(void)
{
    wm_table *t = raw("layers/indicators/ncmp/ncmp_la_overweight_2021-22_ons_subnational.csv");
    if (t) {
        int cc = col(t, "unique"), ic = col(t, "Indicator"), pc = col(t, "Period"), vc = col(t, "real");
        double rec = NAN, y6 = NAN;
        for (size_t r = 0; r < t->nrows; r++) {
            if (strcmp(wm_table_cell(t, r, cc), COVENTRY) != 0 || strcmp(wm_table_cell(t, r, pc), "2021/22") != 0)
                continue;
            if (strstr(wm_table_cell(t, r, ic), "reception")) rec = num_at(t, (long)r, vc);
            if (strstr(wm_table_cell(t, r, ic), "Year 6")) y6 = num_at(t, (long)r, vc);
        }
        CHECK_NEAR(round_to(rec, 1), 22.0, 1e-9);        /* the strategy: around 22% */
        CHECK_NEAR(round_to(y6, 1), 41.1, 1e-9);         /* and 41.1% */
        wm_store_value v;
        CHECK_NEAR(stored("ncmp_reception_overweight_2021_22", "lad25", COVENTRY, &v), rec, 0);
        CHECK(!v.estimate && v.coverage == 1 && isnan(v.lower95));   /* published rate, no counts */
        CHECK_NEAR(stored("ncmp_year6_overweight_2021_22", "lad25", COVENTRY, NULL), y6, 0);
        CHECK_STR(indicator_text("ncmp_year6_overweight_2021_22", "period"), "2021/22");
        CHECK_STR(indicator_text("ncmp_year6_overweight_2021_22", "filter"),
                  "Period = 2021/22; Indicator = Overweight children at Year 6 age (aged 10 to 11 years)");
    }
    wm_table_free(t);
    t = raw("layers/indicators/ncmp/ncmp_la_obesity_2022-23_ons_subnational.csv");
    if (t) {
        int cc = col(t, "unique"), ic = col(t, "Indicator"), vc = col(t, "real");
        for (size_t r = 0; r < t->nrows; r++) {
            if (strcmp(wm_table_cell(t, r, cc), COVENTRY) != 0) continue;
            const char *id = strstr(wm_table_cell(t, r, ic), "reception") ? "ncmp_reception_obese_2022_23"
                                                                          : "ncmp_year6_obese_2022_23";
            CHECK_NEAR(stored(id, "lad25", COVENTRY, NULL), num_at(t, (long)r, vc), 0);
        }
        CHECK_NEAR(round_to(stored("ncmp_year6_obese_2022_23", "lad25", COVENTRY, NULL), 2), 25.58, 1e-9);
    }
    wm_table_free(t);
    /* The 2015/16-2017/18 Reception estimate (22.7%) sits near "22%": its
     * label and title name its period, so it never passes for 2021/22.
     * Every NCMP indicator names its period in both. */
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT id, period, title, COALESCE(label, '') FROM indicators WHERE family = 'child obesity'",
                       -1, &q, NULL);
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0), *period = (const char *)sqlite3_column_text(q, 1),
                   *title = (const char *)sqlite3_column_text(q, 2), *label = (const char *)sqlite3_column_text(q, 3);
        /* 2015/16-2017/18 is written 2015/16-17/18 in the short labels. */
        const char *short_period = strcmp(period, "2015/16-2017/18") == 0 ? "2015/16-17/18" : period;
        if (!strstr(title, period) || !strstr(label, short_period))
            fprintf(stderr, "%s: period %s missing from \"%s\" / \"%s\"\n", id, period, title, label);
        CHECK(strstr(title, period) != NULL);
        CHECK(strstr(label, short_period) != NULL);
        n++;
    }
    sqlite3_finalize(q);
    CHECK(n == 10);
    CHECK(strstr(indicator_text("ncmp_reception_overweight", "label"), "2015/16-17/18") != NULL);
    CHECK(strstr(indicator_text("ncmp_reception_overweight", "label"), "estimate") != NULL);
    /* Year 6 obese, 2015/16-2017/18 counts: 2,732 of 11,567 in Coventry,
     * 335,300 of 1,677,641 in England; Coventry is higher (Wilson, 95%). */
    t = raw("layers/indicators/ncmp/ncmp_la_year6_obese_counts_2015-16_to_2017-18.csv");
    if (t) {
        int cc = col(t, "Area code"), nc = col(t, "Numerator"), dc = col(t, "Denominator");
        long rc = find_row(t, cc, COVENTRY), re = find_row(t, cc, "E92000001");
        double x = num_at(t, rc, nc), n = num_at(t, rc, dc), ex = num_at(t, re, nc), en = num_at(t, re, dc);
        CHECK(x == 2732 && n == 11567 && ex == 335300 && en == 1677641);
        double z = 1.959963984540054, root = z * sqrt(z * z + 4 * x * (1 - x / n));
        double lo = (2 * x + z * z - root) / 2 / (n + z * z) * 100, hi = (2 * x + z * z + root) / 2 / (n + z * z) * 100;
        wm_store_value v;
        CHECK_NEAR(stored("ncmp_year6_obese_la", "lad25", COVENTRY, &v), x / n * 100, 1e-9);
        CHECK_NEAR(v.lower95, lo, 1e-9);
        CHECK_NEAR(v.upper95, hi, 1e-9);
        CHECK_STR(v.ci_method, "Wilson score");
        CHECK_NEAR(stored("ncmp_year6_obese_la", "ctry", "E92000001", NULL), ex / en * 100, 1e-9);
        CHECK(lo > ex / en * 100);
        CHECK_STR(v.compare_england, "higher");
        CHECK_STR(v.compare_authority, "not compared");
    }
    wm_table_free(t);
    /* The MSOA-based estimates: flagged, without intervals, at every level. */
    wm_store_value v;
    stored("ncmp_year6_obese", "lad25", COVENTRY, &v);
    CHECK(v.estimate && strcmp(v.estimate_note, "estimated from msoa11 values") == 0 && isnan(v.lower95));
    for (int w = 0; w < NWARDS; w++) {
        stored("ncmp_year6_obese", "ward25", ward_code[w], &v);
        CHECK(v.estimate && isnan(v.lower95) && strcmp(v.compare_authority, "not compared") == 0);
    }
}

/* ---- Fuel poverty over time ---- */

static void test_fuel_poverty_series(void)
{
    static const struct { int year; const char *geo; double poor, households; } published[] = {
        { 2018, "lsoa11", 16512, 136174 }, { 2019, "lsoa11", 25844, 137650 }, { 2020, "lsoa11", 28208, 138952 },
        { 2021, "lsoa21", 28525, 137313 }, { 2022, "lsoa21", 30886, 138897 } };
    for (int k = 0; k < 5; k++) {
        char rel[200], id[64];
        snprintf(rel, sizeof rel, "layers/indicators/fuel_poverty/sub_regional_fuel_poverty_%d_lsoa_coventry.csv",
                 published[k].year);
        snprintf(id, sizeof id, "fuel_poverty_%d", published[k].year);
        wm_table *t = raw(rel);
        if (!t) continue;
        int hh = col(t, "Number of households"), fp = col(t, "Number of households in fuel poverty");
        double poor = 0, all = 0;
        for (size_t r = 0; r < t->nrows; r++) {
            poor += num_at(t, (long)r, fp);
            all += num_at(t, (long)r, hh);
        }
        CHECK_NEAR(poor, published[k].poor, 0);
        CHECK_NEAR(all, published[k].households, 0);
        wm_store_value v;
        CHECK_NEAR(stored(id, "lad25", COVENTRY, &v), poor / all * 100, 1e-9);
        CHECK_NEAR(v.numerator, poor, 0);
        CHECK_NEAR(v.denominator, all, 0);
        CHECK(v.n_areas == (int)t->nrows && v.coverage == 1);
        /* Modelled by DESNZ: an estimate, with no interval, everywhere. */
        CHECK(v.estimate && strcmp(v.estimate_note, "modelled at source") == 0 && isnan(v.lower95));
        CHECK_STR(v.compare_authority, "not compared");
        CHECK_STR(indicator_text(id, "geography"), published[k].geo);
        CHECK_STR(indicator_text(id, "estimate"), "modelled");
        CHECK_STR(indicator_text(id, "interval"), "");
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM indicator_values WHERE indicator_id = ? AND (estimate IS NULL "
                               "OR lower95 IS NOT NULL)", -1, &q, NULL);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 0);
        sqlite3_finalize(q);
        wm_table_free(t);
    }
    /* 2018 is LIHC, not LILEE: said in title, label and notes. */
    CHECK(strstr(indicator_text("fuel_poverty_2018", "title"), "LIHC") != NULL);
    CHECK(strstr(indicator_text("fuel_poverty_2018", "title"), "not comparable") != NULL);
    CHECK(strstr(indicator_text("fuel_poverty_2018", "label"), "LIHC") != NULL);
    CHECK(strstr(indicator_text("fuel_poverty_2018", "notes"), "LIHC") != NULL);
    CHECK(strstr(indicator_text("fuel_poverty_2019", "title"), "LILEE") != NULL);
    /* Wards, by hand: 2021 data through the 2024 lookup. */
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    wm_table *t = raw("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2021_lsoa_coventry.csv");
    if (lw.t && t) {
        int cc = col(t, "LSOA Code"), hh = col(t, "Number of households"),
            fp = col(t, "Number of households in fuel poverty");
        for (int w = 0; w < NWARDS; w++) {
            double poor = 0, all = 0;
            for (size_t r = 0; r < t->nrows; r++) {
                const char *ward = lookup_get(&lw, wm_table_cell(t, r, cc));
                CHECK(ward != NULL);
                if (!ward || strcmp(ward, ward_code[w]) != 0) continue;
                poor += num_at(t, (long)r, fp);
                all += num_at(t, (long)r, hh);
            }
            CHECK_NEAR(stored("fuel_poverty_2021", "ward25", ward_code[w], NULL), poor / all * 100, 1e-9);
        }
    }
    wm_table_free(t);
    free_lookup(&lw);
}

/* ---- Census 2021 ethnic group by LSOA: counted shares, intervals, comparisons ---- */

static const char *by_hand_comparison(double lo, double hi, double bench)
{
    return bench < lo ? "higher" : bench > hi ? "lower" : "similar";
}

static void test_ethnicity_counted(void)
{
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    wm_table *t = raw("layers/indicators/census2021_lsoa/ts021_lsoa21_highlevel_EW_humaniverse.csv");
    if (!lw.t || !t) goto done;
    int cc = col(t, "lsoa21_code"), tot = col(t, "Ethnic group: Total: All usual residents"),
        asian = col(t, "Ethnic group: Asian, Asian British or Asian Welsh"), white = col(t, "Ethnic group: White");
    /* England: every English LSOA row (E01...), Welsh rows left out. */
    double e_all = 0, e_asian = 0;
    size_t e_rows = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (strncmp(wm_table_cell(t, r, cc), "E01", 3) == 0) {
            e_all += num_at(t, (long)r, tot);
            e_asian += num_at(t, (long)r, asian);
            e_rows++;
        }
    CHECK(e_rows == 33755);
    wm_store_value v;
    CHECK_NEAR(stored("eth_lsoa_asian", "ctry", "E92000001", &v), e_asian / e_all * 100, 1e-9);
    CHECK_NEAR(v.denominator, e_all, 0);
    double england = e_asian / e_all * 100;
    /* Coventry: its 203 LSOAs. */
    double c_all = 0, c_asian = 0, c_white = 0;
    for (size_t i = 0; i < lw.n; i++) {
        long r = find_row(t, cc, lw.child[i]);
        c_all += num_at(t, r, tot);
        c_asian += num_at(t, r, asian);
        c_white += num_at(t, r, white);
    }
    CHECK_NEAR(c_all, 345318, 0);                        /* shared provenance 8 */
    CHECK_NEAR(round_to((c_all - c_white) / c_all * 100, 2), 34.48, 1e-9);
    CHECK_NEAR(stored("eth_lsoa_not_white", "lad25", COVENTRY, NULL), (c_all - c_white) / c_all * 100, 1e-9);
    double city = stored("eth_lsoa_asian", "lad25", COVENTRY, &v);
    CHECK_NEAR(city, c_asian / c_all * 100, 1e-9);
    /* Wilson limits by hand (z for 95% and 99.8%). */
    const double z95 = 1.959963984540054, z998 = 3.090232306167813;
#define WILSON(x, n, z, sign) ((2 * (x) + (z) * (z) sign (z) * sqrt((z) * (z) + 4 * (x) * (1 - (x) / (n)))) / 2 / \
                               ((n) + (z) * (z)) * 100)
    CHECK_NEAR(v.lower95, WILSON(c_asian, c_all, z95, -), 1e-9);
    CHECK_STR(v.compare_england, by_hand_comparison(v.lower95, v.upper95, england));
    CHECK_STR(v.compare_england, "higher");
    int higher = 0;
    for (int w = 0; w < NWARDS; w++) {
        double all = 0, x = 0;
        for (size_t i = 0; i < lw.n; i++) {
            if (strcmp(lw.parent[i], ward_code[w]) != 0) continue;
            long r = find_row(t, cc, lw.child[i]);
            all += num_at(t, r, tot);
            x += num_at(t, r, asian);
        }
        CHECK_NEAR(stored("eth_lsoa_asian", "ward25", ward_code[w], &v), x / all * 100, 1e-9);
        CHECK(!v.estimate && v.coverage == 1);
        double lo = WILSON(x, all, z95, -), hi = WILSON(x, all, z95, +);
        CHECK_NEAR(v.lower95, lo, 1e-9);
        CHECK_NEAR(v.upper95, hi, 1e-9);
        CHECK_NEAR(v.lower998, WILSON(x, all, z998, -), 1e-9);
        CHECK_NEAR(v.upper998, WILSON(x, all, z998, +), 1e-9);
        CHECK_STR(v.ci_method, "Wilson score");
        CHECK_STR(v.compare_authority, by_hand_comparison(lo, hi, city));
        CHECK_STR(v.compare_england, by_hand_comparison(lo, hi, england));
        higher += strcmp(v.compare_authority, "higher") == 0;
    }
#undef WILSON
    /* Foleshill: 10,092 of 22,483 residents Asian (44.9%), higher than the
     * city (18.5%) and England (9.6%). */
    CHECK_NEAR(round_to(stored("eth_lsoa_asian", "ward25", ward_named("Foleshill"), &v), 1), 44.9, 1e-9);
    CHECK_STR(v.compare_authority, "higher");
    CHECK_STR(v.compare_england, "higher");
    printf("Asian residents (Census 2021, LSOA counts): %d of 18 wards significantly higher than Coventry\n", higher);
    /* Beside it, the MSOA-apportioned "not White British" estimate: flagged
     * at ward level, without interval; the city's is a sum of whole MSOAs,
     * a count again, with one. */
    stored("eth_not_white_british", "ward25", ward_named("Foleshill"), &v);
    CHECK(v.estimate && strcmp(v.estimate_note, "apportioned from msoa21") == 0 && isnan(v.lower95));
    stored("eth_not_white_british", "lad25", COVENTRY, &v);
    CHECK(!v.estimate && !isnan(v.lower95) && strcmp(v.ci_method, "Wilson score") == 0);
done:
    wm_table_free(t);
    free_lookup(&lw);
}

/* ---- Coverage ---- */

static void test_coverage(void)
{
    /* Children (0-15, Census 2021) of each ward's LSOAs, and of those whose
     * MSOA (2021 LSOA -> 2011 LSOA -> MSOA) has a Reception obese rate. */
    lookup lw = read_lookup("layers/lookups/coventry_lsoa21_ward24_lad24.csv", "lsoa21_code", "ward24_code");
    lookup l21 = read_lookup("layers/lookups/coventry_lsoa11_lsoa21_lad22.csv", "lsoa21_code", "lsoa11_code");
    lookup l11 = read_lookup("layers/lookups/lsoa11_msoa11_UK.csv", "lsoa11_code", "msoa11_code");
    wm_table *pop = raw("layers/indicators/population/census21_lsoa21_pop_age6.csv");
    wm_table *ncmp = raw("layers/indicators/ncmp/ncmp_msoa11_coventry_2015-16_to_2017-18.csv");
    if (!lw.t || !l21.t || !l11.t || !pop || !ncmp) goto done;
    int pc = col(pop, "lsoa21_code"), p15 = col(pop, "Aged 15 years and under");
    int mc = col(ncmp, "MSOA code"), rc = col(ncmp, "2015/16_2017/18_reception_obese_rate");
    for (int w = 0; w < NWARDS; w++) {
        double kids = 0, covered = 0;
        for (size_t i = 0; i < lw.n; i++) {
            if (strcmp(lw.parent[i], ward_code[w]) != 0) continue;
            const char *msoa = lookup_get(&l11, lookup_get(&l21, lw.child[i]));
            double k = num_at(pop, find_row(pop, pc, lw.child[i]), p15);
            kids += k;
            if (!isnan(num_at(ncmp, find_row(ncmp, mc, msoa), rc))) covered += k;
        }
        wm_store_value v;
        stored("ncmp_reception_obese", "ward25", ward_code[w], &v);
        CHECK_NEAR(v.coverage, covered / kids, 1e-12);
    }
    wm_store_value v;
    stored("ncmp_reception_obese", "ward25", ward_named("Wainbody"), &v);
    CHECK(v.n_areas == 1 && v.n_missing == 2);
    CHECK_NEAR(round_to(v.coverage * 100, 0), 17, 1e-9);     /* 354 of 2,075 children */
    CHECK(v.coverage < 0.5);
    CHECK(v.estimate && strcmp(v.estimate_note, "apportioned from msoa11") == 0);
    stored("ncmp_reception_obese", "ward25", ward_named("Earlsdon"), &v);
    CHECK(v.n_areas == 3 && v.n_missing == 1);
    CHECK_NEAR(round_to(v.coverage * 100, 0), 88, 1e-9);
    CHECK(strstr(indicator_text("ncmp_reception_obese", "coverage_basis"), "pop_census2021_0_15") != NULL);
    /* Year 6 obese has no suppressed MSOA: every ward fully covered. */
    for (int w = 0; w < NWARDS; w++) {
        stored("ncmp_year6_obese", "ward25", ward_code[w], &v);
        CHECK(v.coverage == 1);
    }
    /* Coverage is stored for every aggregated value. */
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM indicator_values WHERE status IN ('aggregated', 'no data') AND "
                           "coverage IS NULL", -1, &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 0);
    sqlite3_finalize(q);
done:
    free_lookup(&lw);
    free_lookup(&l21);
    free_lookup(&l11);
    wm_table_free(pop);
    wm_table_free(ncmp);
}

int main(void)
{
    wm_gdal_init();
    wm_error err;
    /* The bundled manifest imported into a fresh store (what the default
     * store is built from). */
    snprintf(store_path, sizeof store_path, "%s/coventry.sqlite", wm_test_tmpdir());
    remove(store_path);
    wm_store *s = wm_store_open(store_path, 1, &err);
    int rc = s ? wm_import_manifest(s, wm_test_home_path("layers/indicators/coventry.manifest"), NULL, &err) : -1;
    wm_store_close(s);
    CHECK(rc == 0);
    if (rc != 0) {
        fprintf(stderr, "build: %s\n", err.msg);
        return wm_test_summary();
    }
    CHECK(sqlite3_open_v2(store_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT code, name FROM areas WHERE geography = 'ward25' ORDER BY code", -1, &q, NULL);
    int nw = 0;
    while (sqlite3_step(q) == SQLITE_ROW && nw < NWARDS) {
        snprintf(ward_code[nw], sizeof ward_code[0], "%s", (const char *)sqlite3_column_text(q, 0));
        snprintf(ward_name[nw++], sizeof ward_name[0], "%s", (const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    CHECK(nw == NWARDS);

    test_imd2025();
    test_imd2025_weight_fallback();
    test_ncmp();
    test_fuel_poverty_series();
    test_ethnicity_counted();
    test_coverage();
    sqlite3_close(db);
    return wm_test_summary();
}
