/* Unit tests for aggregate.h on synthetic data made here: lookups,
 * point on surface, pairs (whole, through a finer geography, overlay,
 * composed) and every aggregation method, with missing values. */
#include "aggregate.h"
#include "error.h"
#include "layer.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_methods(void)
{
    wm_agg_method m;
    CHECK(wm_agg_method_parse("ratio", &m) == 0 && m == WM_AGG_RATIO);
    CHECK(wm_agg_method_parse("Weighted Mean", &m) == 0 && m == WM_AGG_WEIGHTED_MEAN);
    CHECK(wm_agg_method_parse("weighted share in class", &m) == 0 && m == WM_AGG_WEIGHTED_SHARE_IN_CLASS);
    CHECK(wm_agg_method_parse("mean", &m) != 0);
    CHECK_STR(wm_agg_method_name(WM_AGG_SUM), "sum");
    CHECK(wm_agg_needs_weight(WM_AGG_WEIGHTED_MEAN) && !wm_agg_needs_weight(WM_AGG_RATIO));
    CHECK(wm_agg_needs_whole_areas(WM_AGG_SHARE_IN_CLASS) && !wm_agg_needs_whole_areas(WM_AGG_SUM));
}

/* Synthetic: 5 small areas in 2 targets (0,1,2 -> 0; 3,4 -> 1). */
static void test_aggregate_whole(void)
{
    wm_error err;
    long parent[5] = { 0, 0, 0, 1, 1 };
    double weight[5] = { 100, 300, 600, 50, 50 };
    size_t np = 0;
    wm_agg_pair *p = wm_pairs_whole(5, parent, weight, &np);
    CHECK(np == 5);
    wm_agg_result r[2];

    /* Ratio of sums, not mean of percentages: (10+30+0)/(100+100+800). */
    double num[5] = { 10, 30, 0, 5, 5 }, den[5] = { 100, 100, 800, 10, 40 };
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_RATIO, 100, 0, 0 }, &(wm_agg_sources){ 5, NULL, num, den }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 4.0, 1e-12);
    CHECK_NEAR(r[0].numerator, 40, 0);
    CHECK_NEAR(r[0].denominator, 1000, 0);
    CHECK(r[0].n_areas == 3 && r[0].n_missing == 0);
    CHECK_NEAR(r[1].value, 20.0, 1e-12);

    /* One missing numerator makes its target No data, never a partial sum. */
    num[1] = NAN;
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_RATIO, 100, 0, 0 }, &(wm_agg_sources){ 5, NULL, num, den }, p, np, 2, r, &err) == 0);
    CHECK(isnan(r[0].value));
    CHECK(r[0].n_missing == 1 && r[0].n_areas == 2);
    CHECK(!isnan(r[1].value));

    /* Sum. */
    double count[5] = { 1, 2, 3, 4, 5 };
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_SUM, 1, 0, 0 }, &(wm_agg_sources){ 5, count, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 6, 0);
    CHECK_NEAR(r[1].value, 9, 0);
    CHECK(isnan(r[0].denominator));

    /* Weighted mean: (1*100+2*300+3*600)/1000; a missing value is left
     * out and counted, the mean of the rest stands. */
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_WEIGHTED_MEAN, 1, 0, 0 }, &(wm_agg_sources){ 5, count, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 2.5, 1e-12);
    CHECK_NEAR(r[0].denominator, 1000, 0);
    count[2] = NAN;
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_WEIGHTED_MEAN, 1, 0, 0 }, &(wm_agg_sources){ 5, count, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, (100 + 600) / 400.0, 1e-12);
    CHECK(r[0].n_missing == 1 && r[0].n_areas == 2);

    /* Classes: deciles 1, 2, 5 | 1, 1. */
    double dec[5] = { 1, 2, 5, 1, 1 };
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_COUNT_IN_CLASS, 1, 1, 1 }, &(wm_agg_sources){ 5, dec, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 1, 0);
    CHECK_NEAR(r[0].denominator, 3, 0);
    CHECK_NEAR(r[1].value, 2, 0);
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_SHARE_IN_CLASS, 1, 1, 2 }, &(wm_agg_sources){ 5, dec, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 200.0 / 3, 1e-12);
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_WEIGHTED_SHARE_IN_CLASS, 1, 1, 1 }, &(wm_agg_sources){ 5, dec, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].value, 10.0, 1e-12);    /* 100 of 1000 people */
    CHECK_NEAR(r[1].value, 100.0, 1e-12);
    free(p);

    /* A class count cannot take a split area. */
    wm_agg_pair split[2] = { { 0, 0, 0.5, 1, 0 }, { 0, 1, 0.5, 1, 0 } };
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_COUNT_IN_CLASS, 1, 1, 1 }, &(wm_agg_sources){ 1, dec, NULL, NULL }, split, 2, 2, r, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    /* A weighted mean needs a weight where there is a value. */
    wm_agg_pair noweight[1] = { { 0, 0, 1, NAN, 0 } };
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_WEIGHTED_MEAN, 1, 0, 0 }, &(wm_agg_sources){ 1, dec, NULL, NULL }, noweight, 1, 1, r, &err) != 0);
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_NONE, 1, 0, 0 }, &(wm_agg_sources){ 1, dec, NULL, NULL }, noweight, 1, 1, r, &err) == 0);
    CHECK(isnan(r[0].value));
}

/* Synthetic apportionment: 2 MSOA-like sources, 5 fine areas, 2 targets.
 * Source 0 = fine 0,1,2 (pop 100, 100, 200); fine 0,1 in target 0, fine 2
 * in target 1.  Source 1 = fine 3 (pop 50) in target 1, fine 4 (pop NAN). */
static void test_through_and_compose(void)
{
    wm_error err;
    long fs[5] = { 0, 0, 0, 1, 1 }, ft[5] = { 0, 0, 1, 1, 0 };
    double fw[5] = { 100, 100, 200, 50, NAN };
    int fallback[2] = { -1, -1 };
    size_t np = 0;
    wm_agg_pair *p = wm_pairs_through(5, fs, ft, fw, 2, fallback, &np);
    CHECK(np == 2);
    CHECK(fallback[0] == 0 && fallback[1] == 1);   /* source 1 has a fine area without population */
    CHECK(p[0].src == 0 && p[0].tgt == 0);
    CHECK_NEAR(p[0].fraction, 0.5, 1e-15);
    CHECK_NEAR(p[0].weight, 200, 0);
    CHECK_NEAR(p[1].fraction, 0.5, 1e-15);

    /* Counts shared by population: 40 of 80 to each target. */
    double num[2] = { 40, 7 }, den[2] = { 80, 10 };
    wm_agg_result r[2];
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_RATIO, 100, 0, 0 }, &(wm_agg_sources){ 2, NULL, num, den }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[0].numerator, 20, 1e-12);
    CHECK_NEAR(r[0].denominator, 40, 1e-12);
    CHECK_NEAR(r[0].value, 50, 1e-12);

    /* Composed up to one parent: each source counted once, whole again. */
    long up[2] = { 0, 0 };
    size_t nc = 0;
    wm_agg_pair *cp = wm_pairs_compose(p, np, up, &nc);
    CHECK(nc == 1);
    CHECK(cp[0].fraction == 1);
    CHECK_NEAR(cp[0].weight, 400, 0);
    wm_agg_result top;
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_RATIO, 100, 0, 0 }, &(wm_agg_sources){ 2, NULL, num, den }, cp, nc, 1, &top, &err) == 0);
    CHECK_NEAR(top.numerator, 40, 1e-12);
    CHECK(top.n_areas == 1);
    /* ... and equals the sum of the targets' components. */
    CHECK_NEAR(top.numerator, r[0].numerator + r[1].numerator, 1e-12);
    free(cp);
    free(p);
}

static void test_lookup_chain(void)
{
    wm_error err;
    /* Synthetic lookups: child -> mid (CRLF, quoted), mid -> parent. */
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_step1.csv"),
                             "\"child\",\"mid\"\r\n\"C1\",\"M1\"\r\n\"C2\",\"M1\"\r\n\"C3\",\"M9\"\r\n\"C1\",\"M1\"\r\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_step2.csv"), "mid,parent\nM1,P1\nM2,P2\n") == 0);
    wm_lookup_step steps[2] = { { wm_test_tmp_path("synthetic_step1.csv"), "child", "mid" },
                                { wm_test_tmp_path("synthetic_step2.csv"), "mid", "parent" } };
    wm_code_map m;
    CHECK(wm_lookup_chain(steps, 2, &m, &err) == 0);
    CHECK(m.n == 3);
    CHECK_STR(wm_code_map_get(&m, "C1"), "P1");
    CHECK_STR(wm_code_map_get(&m, "C2"), "P1");
    CHECK(wm_code_map_get(&m, "C3") == NULL);      /* the chain stops at M9 */
    CHECK_STR(m.broken_at[2], "M9");
    CHECK(wm_code_map_get(&m, "C4") == NULL);
    wm_code_map_free(&m);

    /* One child, two parents: an error naming both lines. */
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_ambiguous.csv"), "child,mid\nC1,M1\nC2,M2\nC1,M2\n") == 0);
    wm_lookup_step bad = { wm_test_tmp_path("synthetic_ambiguous.csv"), "child", "mid" };
    CHECK(wm_lookup_chain(&bad, 1, &m, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    CHECK(strstr(err.msg, "synthetic_ambiguous.csv:4") != NULL);
    CHECK(strstr(err.msg, "line 2") != NULL);
    /* In a chain, a child the first step gives two parents (a merged LSOA
     * in a change table) is fine when both lead to one parent ... */
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_merge.csv"), "child,mid\nC5,M1\nC5,M3\nC6,M1\nC6,M2\n") == 0);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_merge2.csv"), "mid,parent\nM1,P1\nM2,P2\nM3,P1\n") == 0);
    wm_lookup_step merge[2] = { { wm_test_tmp_path("synthetic_merge.csv"), "child", "mid" },
                                { wm_test_tmp_path("synthetic_merge2.csv"), "mid", "parent" } };
    CHECK(wm_lookup_chain(merge, 2, &m, &err) != 0);
    /* ... and an error naming the lines when they lead apart (C6). */
    CHECK(strstr(err.msg, "synthetic_merge.csv:4 and line 5: C6 has two parents") != NULL);
    if (!strstr(err.msg, "C6 has two parents")) fprintf(stderr, "got: %s\n", err.msg);
    CHECK(wm_test_write_file(wm_test_tmp_path("synthetic_merge.csv"), "child,mid\nC5,M1\nC5,M3\nC7,M2\n") == 0);
    CHECK(wm_lookup_chain(merge, 2, &m, &err) == 0);
    CHECK(m.n == 2);
    CHECK_STR(wm_code_map_get(&m, "C5"), "P1");
    CHECK_STR(wm_code_map_get(&m, "C7"), "P2");
    wm_code_map_free(&m);
    /* A missing column names the columns there are. */
    wm_lookup_step nocol = { wm_test_tmp_path("synthetic_step2.csv"), "mid", "ward" };
    CHECK(wm_lookup_chain(&nocol, 1, &m, &err) != 0);
    CHECK(strstr(err.msg, "ward") != NULL);
}

/* Synthetic polygons in British National Grid metres. */
static const char *square(char *buf, size_t size, double x0, double y0, double x1, double y1)
{
    snprintf(buf, size, "[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

static void write_layer(const char *path, int n, const char *const *codes, const char *const *rings)
{
    char text[8192];
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                                   "{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[");
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%s{\"type\":\"Feature\",\"properties\":{\"CD\":\"%s\"},\"geometry\":"
                                 "{\"type\":\"Polygon\",\"coordinates\":%s}}",
                                 i ? "," : "", codes[i], rings[i]);
    snprintf(text + used, sizeof text - used, "]}");
    CHECK(wm_test_write_file(path, text) == 0);
}

static void test_spatial(void)
{
    wm_error err;
    char a[256], b[256], c[256];
    /* Targets: two 1000 m squares side by side. */
    const char *tcodes[] = { "T1", "T2" };
    const char *trings[] = { square(a, sizeof a, 0, 0, 1000, 1000), square(b, sizeof b, 1000, 0, 2000, 1000) };
    write_layer(wm_test_tmp_path("synthetic_targets.geojson"), 2, tcodes, trings);
    /* Sources: S1 straddles them 25/75; S2 is a U shape inside T2 whose
     * centroid falls in its notch (outside the polygon): point on surface
     * must still land inside it, in T2. */
    const char *scodes[] = { "S1", "S2" };
    const char *u = "[[[1100,100],[1900,100],[1900,900],[1700,900],[1700,300],[1300,300],[1300,900],[1100,900],"
                    "[1100,100]]]";
    const char *srings[] = { square(c, sizeof c, 750, 0, 1750, 1000), u };
    write_layer(wm_test_tmp_path("synthetic_sources.geojson"), 2, scodes, srings);
    wm_layer *T = wm_layer_read(wm_test_tmp_path("synthetic_targets.geojson"), "CD", NULL, NULL, &err);
    wm_layer *S = wm_layer_read(wm_test_tmp_path("synthetic_sources.geojson"), "CD", NULL, NULL, &err);
    CHECK(T && S);
    if (!T || !S) { wm_layer_free(T); wm_layer_free(S); return; }
    long pos[2];
    CHECK(wm_assign_point_on_surface(S, T, pos, &err) == 2);
    CHECK(pos[wm_layer_find(S, "S2")] == wm_layer_find(T, "T2"));

    size_t np = 0;
    wm_agg_pair *p = wm_pairs_overlay(S, T, NULL, &np, &err);
    CHECK(p != NULL);
    CHECK(np == 3);     /* S1 in T1 and T2, S2 in T2 */
    double s1t1 = NAN, s1t2 = NAN;
    for (size_t k = 0; k < np; k++) {
        CHECK(p[k].overlay == 1);
        if (p[k].src == (size_t)wm_layer_find(S, "S1") && p[k].tgt == (size_t)wm_layer_find(T, "T1")) s1t1 = p[k].fraction;
        if (p[k].src == (size_t)wm_layer_find(S, "S1") && p[k].tgt == (size_t)wm_layer_find(T, "T2")) s1t2 = p[k].fraction;
    }
    CHECK_NEAR(s1t1, 0.25, 1e-9);
    CHECK_NEAR(s1t2, 0.75, 1e-9);
    /* A count of 400 in S1 and 100 in S2 gives 100 and 400. */
    double count[2];
    count[wm_layer_find(S, "S1")] = 400;
    count[wm_layer_find(S, "S2")] = 100;
    wm_agg_result r[2];
    CHECK(wm_aggregate(&(wm_agg_rule){ WM_AGG_SUM, 1, 0, 0 }, &(wm_agg_sources){ 2, count, NULL, NULL }, p, np, 2, r, &err) == 0);
    CHECK_NEAR(r[wm_layer_find(T, "T1")].value, 100, 1e-6);
    CHECK_NEAR(r[wm_layer_find(T, "T2")].value, 400, 1e-6);
    CHECK(r[wm_layer_find(T, "T2")].overlay == 1);
    free(p);
    /* Only the sources asked for. */
    int use[2] = { 0, 0 };
    use[wm_layer_find(S, "S2")] = 1;
    p = wm_pairs_overlay(S, T, use, &np, &err);
    CHECK(p && np == 1);
    free(p);
    wm_layer_free(T);
    wm_layer_free(S);
}

int main(void)
{
    wm_gdal_init();
    test_methods();
    test_aggregate_whole();
    test_through_and_compose();
    test_lookup_chain();
    test_spatial();
    return wm_test_summary();
}
