/* Tests for join.h: a synthetic layer and table written here, then the
 * real Coventry LSOAs joined to the published IMD 2019 file. */
#include "classify.h"
#include "join.h"
#include "layer.h"
#include "table.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Five synthetic square areas, A1..A5, near Coventry (lon/lat). */
static const char *write_synthetic_areas(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/synthetic_areas.geojson", wm_test_tmpdir());
    char text[8192];
    size_t o = 0;
    o += (size_t)snprintf(text + o, sizeof text - o, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < 5; i++) {
        double x = -1.55 + 0.02 * i, y = 52.40;
        o += (size_t)snprintf(text + o, sizeof text - o,
            "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"A%d\",\"AREANM\":\"Synthetic area %d\"},"
            "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}",
            i ? "," : "", i + 1, i + 1, x, y, x + 0.01, y, x + 0.01, y + 0.01, x, y + 0.01, x, y);
    }
    snprintf(text + o, sizeof text - o, "]}\n");
    CHECK(wm_test_write_file(path, text) == 0);
    return path;
}

static double value_of(const wm_layer *L, const double *v, const char *key)
{
    long i = wm_layer_find(L, key);
    return i >= 0 ? v[i] : -12345;
}

static void test_synthetic(void)
{
    wm_error err;
    const char *areas = write_synthetic_areas();
    wm_layer *L = wm_layer_read(areas, "code", NULL, NULL, &err);
    CHECK(L != NULL);
    if (!L) { fprintf(stderr, "%s\n", err.msg); return; }
    CHECK(L->n == 5);

    /* UTF-8 BOM, CRLF, a quoted "29,199", a suppressed, an empty and a
     * non-numeric cell, an area with no row (A4), two rows with no area. */
    char csv[4096];
    snprintf(csv, sizeof csv, "%s/synthetic_values.csv", wm_test_tmpdir());
    CHECK(wm_test_write_file(csv,
        "\xef\xbb\xbf" "Area code,Value\r\n"
        "A1,\"29,199\"\r\n"       /* line 2 */
        "A2,s\r\n"                /* line 3 */
        "A3,\r\n"                 /* line 4 */
        "Z9,5\r\n"                /* line 5 */
        " Z8 ,6\r\n"              /* line 6 */
        "A5,abc\r\n") == 0);      /* line 7 */
    wm_table *t = wm_table_read(csv, &err);
    CHECK(t != NULL);
    if (!t) { fprintf(stderr, "%s\n", err.msg); wm_layer_free(L); return; }
    CHECK_STR(t->colnames[0], "Area code");   /* BOM gone */

    wm_join_report r;
    double *v = wm_join(L, t, "Area code", "Value", &r, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK(r.areas == 5 && r.matched == 4 && r.with_value == 1);
        CHECK(r.table_rows == 6 && r.rows_unused == 2);
        CHECK(r.suppressed == 1 && r.empty == 1 && r.invalid == 1);
        CHECK_STR(r.first_invalid, "line 7: \"abc\"");
        CHECK(r.n_unmatched_areas == 1 && r.n_unmatched_areas <= WM_JOIN_SAMPLES);
        if (r.n_unmatched_areas == 1) CHECK_STR(r.unmatched_areas[0], "A4");
        CHECK(r.n_unused_rows == 2);
        if (r.n_unused_rows == 2) {
            CHECK_STR(r.unused_rows[0], "Z9");
            CHECK_STR(r.unused_rows[1], "Z8");   /* trimmed */
        }
        CHECK_NEAR(value_of(L, v, "A1"), 29199, 0);
        /* No data is NAN, never zero. */
        CHECK(isnan(value_of(L, v, "A2")));
        CHECK(isnan(value_of(L, v, "A3")));
        CHECK(isnan(value_of(L, v, "A4")));
        CHECK(isnan(value_of(L, v, "A5")));
        char line[1024];
        wm_join_report_format(&r, line, sizeof line);
        CHECK(strstr(line, "joined 4/5 areas; 2 table rows unused") == line);
        CHECK(strstr(line, "A4") && strstr(line, "Z9") && strstr(line, "1 suppressed"));
        wm_join_report_free(&r);
        free(v);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }
    CHECK(wm_join(L, t, "Area code", "No such column", &r, &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA || err.code == WM_EXIT_USAGE);
    CHECK(strstr(err.msg, "No such column") != NULL);
    wm_table_free(t);

    /* A code given twice: an error naming the code and both lines. */
    snprintf(csv, sizeof csv, "%s/synthetic_duplicate.csv", wm_test_tmpdir());
    CHECK(wm_test_write_file(csv, "code,v\nA1,1\nA2,2\nA1,3\n") == 0);
    t = wm_table_read(csv, &err);
    CHECK(t != NULL);
    if (t) {
        CHECK(wm_join(L, t, "code", "v", &r, &err) == NULL);
        CHECK(err.code == WM_EXIT_DATA);
        CHECK(strstr(err.msg, "A1") && strstr(err.msg, "line 4") && strstr(err.msg, "line 2"));
        CHECK(strstr(err.msg, "synthetic_duplicate.csv") != NULL);
        wm_table_free(t);
    }
    wm_layer_free(L);
}

static void test_coventry_imd(void)
{
    wm_error err;
    wm_layer *L = wm_layer_read(wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"),
                                "LSOA11CD", NULL, NULL, &err);
    CHECK(L != NULL);
    if (!L) { fprintf(stderr, "%s\n", err.msg); return; }
    wm_table *t = wm_table_read(
        wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"), &err);
    CHECK(t != NULL);
    if (!t) { fprintf(stderr, "%s\n", err.msg); wm_layer_free(L); return; }

    wm_join_report r;
    double *v = wm_join(L, t, "LSOA code (2011)", "Index of Multiple Deprivation (IMD) Decile", &r, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK(r.areas == 195 && r.matched == 195 && r.with_value == 195);
        CHECK(r.table_rows == 32844 && r.rows_unused == 32649);
        char line[1024];
        wm_join_report_format(&r, line, sizeof line);
        CHECK(strstr(line, "joined 195/195 areas; 32,649 table rows unused") == line);

        /* Deciles as fixed classes: 28 of 195 LSOAs in decile 1 (14.4%,
         * the published Coventry figure). */
        const double deciles[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        wm_classes c;
        CHECK(wm_classify(v, L->n, WM_CLASS_CATEGORICAL, 10, deciles, 10, &c, &err) == 0);
        CHECK(c.count[0] == 28 && c.nodata == 0 && c.unclassed == 0);
        CHECK_NEAR(100.0 * (double)c.count[0] / (double)L->n, 14.4, 0.05);
        size_t sum = 0;
        for (int i = 0; i < c.n; i++) sum += c.count[i];
        CHECK(sum == 195);
        wm_join_report_free(&r);
        free(v);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }

    /* The rank column holds quoted "29,199"-style numbers. */
    v = wm_join(L, t, "LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank", &r, &err);
    CHECK(v != NULL);
    if (v) {
        CHECK(r.with_value == 195 && r.invalid == 0);
        int in_range = 1;
        for (size_t i = 0; i < L->n; i++) in_range &= v[i] >= 1 && v[i] <= 32844;
        CHECK(in_range);
        wm_join_report_free(&r);
        free(v);
    }
    wm_table_free(t);
    wm_layer_free(L);
}

/* Four synthetic areas with GSS-like codes E05900001..E05900004. */
static wm_layer *gss_layer(void)
{
    char path[4096], text[8192];
    snprintf(path, sizeof path, "%s/synthetic_gss_areas.geojson", wm_test_tmpdir());
    size_t o = (size_t)snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < 4; i++) {
        double x = -1.55 + 0.02 * i, y = 52.40;
        o += (size_t)snprintf(text + o, sizeof text - o,
            "%s{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E0590000%d\"},"
            "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}",
            i ? "," : "", i + 1, x, y, x + 0.01, y, x + 0.01, y + 0.01, x, y);
    }
    snprintf(text + o, sizeof text - o, "]}\n");
    CHECK(wm_test_write_file(path, text) == 0);
    wm_error err;
    wm_layer *L = wm_layer_read(path, NULL, NULL, NULL, &err);
    CHECK(L != NULL);
    if (!L) fprintf(stderr, "%s\n", err.msg);
    return L;
}

/* Join a synthetic table given as text; the report's line in `line`. */
static double *join_text(const wm_layer *L, const char *name, const char *csv, wm_join_report *r,
                         char *line, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", wm_test_tmpdir(), name);
    CHECK(wm_test_write_file(path, csv) == 0);
    wm_error err;
    wm_table *t = wm_table_read(path, &err);
    CHECK(t != NULL);
    if (!t) { fprintf(stderr, "%s\n", err.msg); return NULL; }
    double *v = wm_join(L, t, "code", "value", r, &err);
    CHECK(v != NULL);
    if (!v) fprintf(stderr, "%s\n", err.msg);
    else wm_join_report_format(r, line, size);
    wm_table_free(t);
    return v;
}

/* A no-break space after every key, and codes in lower case: both join,
 * and the report says what it had to do. */
static void test_key_forms(void)
{
    wm_layer *L = gss_layer();
    if (!L) return;
    wm_join_report r;
    char line[1024];
    double *v = join_text(L, "synthetic_nbsp.csv",
        "code,value\nE05900001\xC2\xA0,1\nE05900002\xC2\xA0,2\nE05900003\xC2\xA0,3\nE05900004\xC2\xA0,4\n",
        &r, line, sizeof line);
    if (v) {
        CHECK(r.matched == 4 && r.with_value == 4 && r.matched_trimmed == 4 && r.matched_case == 0);
        CHECK(strstr(line, "joined 4/4 areas") == line);
        CHECK(strstr(line, "4 keys matched only once Unicode spaces were trimmed") != NULL);
        CHECK(wm_join_report_verdict(&r) == WM_JOIN_COMPLETE);
        CHECK_NEAR(v[wm_layer_find(L, "E05900003")], 3, 0);
        wm_join_report_free(&r);
        free(v);
    }
    v = join_text(L, "synthetic_lower.csv", "code,value\ne05900001,1\ne05900002,2\ne05900003,3\ne05900004,4\n",
                  &r, line, sizeof line);
    if (v) {
        CHECK(r.matched == 4 && r.matched_case == 4 && r.matched_trimmed == 0);
        CHECK(strstr(line, "joined 4/4 areas") == line);
        CHECK(strstr(line, "4 keys matched only ignoring the case of the code") != NULL);
        CHECK_NEAR(v[wm_layer_find(L, "E05900004")], 4, 0);
        wm_join_report_free(&r);
        free(v);
    }
    /* Exact keys say nothing extra. */
    v = join_text(L, "synthetic_exact.csv", "code,value\nE05900001,1\nE05900002,2\nE05900003,3\nE05900004,4\n",
                  &r, line, sizeof line);
    if (v) {
        CHECK_STR(line, "joined 4/4 areas; 0 table rows unused");
        wm_join_report_free(&r);
        free(v);
    }
    /* Only GSS codes are folded: a made-up key is compared as it is. */
    v = join_text(L, "synthetic_not_gss.csv", "code,value\ne0590000x,1\n", &r, line, sizeof line);
    if (v) {
        CHECK(r.matched == 0 && r.matched_case == 0);
        wm_join_report_free(&r);
        free(v);
    }
    wm_layer_free(L);
}

static void test_verdicts(void)
{
    wm_layer *L = gss_layer();
    if (!L) return;
    wm_join_report r;
    char line[1024];
    struct { const char *name, *csv; wm_join_verdict want; } cases[] = {
        { "synthetic_v_complete.csv", "code,value\nE05900001,1\nE05900002,s\nE05900003,\nE05900004,4\nE09999999,5\n",
          WM_JOIN_COMPLETE },
        { "synthetic_v_missing.csv", "code,value\nE05900001,1\nE05900002,2\n", WM_JOIN_PARTIAL },
        { "synthetic_v_text.csv", "code,value\nE05900001,1\nE05900002,two\nE05900003,3\nE05900004,4\n",
          WM_JOIN_PARTIAL },
        { "synthetic_v_nomatch.csv", "code,value\nW05000001,1\nW05000002,2\n", WM_JOIN_NONE },
        { "synthetic_v_header_only.csv", "code,value\n", WM_JOIN_NONE },
        { "synthetic_v_all_text.csv", "code,value\nE05900001,a\nE05900002,b\nE05900003,c\nE05900004,d\n",
          WM_JOIN_NONE },
        { "synthetic_v_all_suppressed.csv", "code,value\nE05900001,s\nE05900002,s\nE05900003,s\nE05900004,s\n",
          WM_JOIN_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double *v = join_text(L, cases[i].name, cases[i].csv, &r, line, sizeof line);
        if (!v) continue;
        wm_join_verdict got = wm_join_report_verdict(&r);
        CHECK(got == cases[i].want);
        if (got != cases[i].want)
            fprintf(stderr, "  %s: %s, want %s (%s)\n", cases[i].name, wm_join_verdict_name(got),
                    wm_join_verdict_name(cases[i].want), line);
        wm_join_report_free(&r);
        free(v);
    }
    /* The share of areas without a value by fault: 2 with no row. */
    double *v = join_text(L, "synthetic_share.csv", "code,value\nE05900001,1\nE05900002,s\n", &r, line, sizeof line);
    if (v) {
        CHECK_NEAR(wm_join_report_bad_share(&r), 0.5, 1e-12);
        wm_join_report_free(&r);
        free(v);
    }
    CHECK_STR(wm_join_verdict_name(WM_JOIN_PARTIAL), "partial");
    wm_layer_free(L);
}

/* A quoted key or cell holding a line break cannot break the report. */
static void test_report_one_line(void)
{
    wm_layer *L = gss_layer();
    if (!L) return;
    wm_join_report r;
    char line[1024];
    double *v = join_text(L, "synthetic_newline_key.csv",
        "code,value\n\"E0590\n0001\",1\nE05900002,\"1\n2\"\nE05900003,3\nE05900004,4\n", &r, line, sizeof line);
    if (v) {
        CHECK(strchr(line, '\n') == NULL && strchr(line, '\r') == NULL);
        CHECK(strstr(line, "E0590\\n0001") != NULL);
        /* Lines 2-3 hold the first row, so the second starts on line 4. */
        CHECK(strstr(line, "first at line 4: \"1\\n2\"") != NULL);
        wm_join_report_free(&r);
        free(v);
    }
    wm_layer_free(L);
}

int main(void)
{
    wm_gdal_init();
    test_synthetic();
    test_coventry_imd();
    test_key_forms();
    test_verdicts();
    test_report_one_line();
    return wm_test_summary();
}
