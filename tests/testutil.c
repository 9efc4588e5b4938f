#include "testutil.h"
#include "map.h"
#include "error.h"
#include "store.h"

#include <sqlite3.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int wm_test_passed, wm_test_failed;

void wm_test_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void wm_test_check_near(double got, double want, double tol, const char *expr,
                        const char *file, int line)
{
    if (fabs(got - want) <= tol) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s = %.10g, want %.10g (tolerance %g)\n", file, line, expr, got, want, tol);
}

void wm_test_check_str(const char *got, const char *want, const char *expr,
                       const char *file, int line)
{
    if (got && want && strcmp(got, want) == 0) { wm_test_passed++; return; }
    wm_test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s = \"%s\", want \"%s\"\n", file, line, expr,
            got ? got : "(null)", want ? want : "(null)");
}

int wm_test_summary(void)
{
    printf("%d passed, %d failed\n", wm_test_passed, wm_test_failed);
    return wm_test_failed ? 1 : 0;
}

const char *wm_test_home_path(const char *relative)
{
    static char buf[8][4096];
    static int slot;
    const char *home = getenv("WARDMAP_HOME");
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", home ? home : "..", relative);
    return b;
}

const char *wm_test_tmpdir(void)
{
    static char dir[4096];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "./wmtest-%ld", (long)getpid());
        mkdir(dir, 0755);
    }
    return dir;
}

const char *wm_test_tmp_path(const char *name)
{
    static char buf[16][4096];
    static int slot;
    char *b = buf[slot++ % 16];
    int n = snprintf(b, sizeof buf[0], "%s/%s", wm_test_tmpdir(), name);
    if (n < 0 || (size_t)n >= sizeof buf[0]) abort();   /* a test's own names: never this long */
    return b;
}

int wm_test_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, fp) == n;
    return fclose(fp) == 0 && ok ? 0 : -1;
}

double wm_test_stored(sqlite3 *db, const char *id, const char *geography, const char *code, wm_store_value *out)
{
    sqlite3_stmt *q = NULL;
    double v = NAN;
    if (out) {
        memset(out, 0, sizeof *out);
        out->value = out->numerator = out->denominator = NAN;
        out->coverage = out->lower95 = out->upper95 = out->lower998 = out->upper998 = NAN;
        out->n_areas = -1;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT value, numerator, denominator, n_areas, n_missing, method, coverage, estimate, "
                           "lower95, upper95, lower998, upper998, ci_method, compare_authority, compare_england "
                           "FROM indicator_values "
                           "WHERE indicator_id = ? AND geography = ? AND area_code = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return v;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, code, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        if (sqlite3_column_type(q, 0) != SQLITE_NULL) v = sqlite3_column_double(q, 0);
        if (out) {
            out->value = v;
            if (sqlite3_column_type(q, 1) != SQLITE_NULL) out->numerator = sqlite3_column_double(q, 1);
            if (sqlite3_column_type(q, 2) != SQLITE_NULL) out->denominator = sqlite3_column_double(q, 2);
            out->n_areas = sqlite3_column_int(q, 3);
            out->n_missing = sqlite3_column_int(q, 4);
            const unsigned char *m = sqlite3_column_text(q, 5);
            snprintf(out->method, sizeof out->method, "%s", m ? (const char *)m : "");
            double *d[] = { &out->coverage, &out->lower95, &out->upper95, &out->lower998, &out->upper998 };
            int col[] = { 6, 8, 9, 10, 11 };
            for (int i = 0; i < 5; i++)
                *d[i] = sqlite3_column_type(q, col[i]) == SQLITE_NULL ? NAN : sqlite3_column_double(q, col[i]);
            const unsigned char *e = sqlite3_column_text(q, 7);
            snprintf(out->estimate_note, sizeof out->estimate_note, "%s", e ? (const char *)e : "");
            out->estimate = e != NULL;
            const unsigned char *t[] = { sqlite3_column_text(q, 12), sqlite3_column_text(q, 13),
                                         sqlite3_column_text(q, 14) };
            snprintf(out->ci_method, sizeof out->ci_method, "%s", t[0] ? (const char *)t[0] : "");
            snprintf(out->compare_authority, sizeof out->compare_authority, "%s", t[1] ? (const char *)t[1] : "");
            snprintf(out->compare_england, sizeof out->compare_england, "%s", t[2] ? (const char *)t[2] : "");
        }
    }
    sqlite3_finalize(q);
    return v;
}

int wm_test_map_from_args(const wm_args *a, wm_map *m, wm_error *err)
{
    wm_map_spec spec;
    memset(m, 0, sizeof *m);
    if (wm_map_spec_from_args(a, &spec, err) != 0) return -1;
    wm_store_handle store = { spec.store, NULL };
    int rc = wm_map_build(&spec, &store, NULL, m, err);
    wm_store_release(&store);
    return rc;
}

const char *wm_test_two_wards_geojson(double corner)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":["
             "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E05000002\",\"WD25NM\":\"B ward\",\"LAD25CD\":\"E08000026\"},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.55,52.40],[-1.54,52.40],[-1.54,%.3f],[-1.55,52.41],[-1.55,52.40]]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E05000001\",\"WD25NM\":\"A ward\",\"LAD25CD\":\"E08000025\"},"
             "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[-1.90,52.48],[-1.89,52.48],[-1.89,52.49],[-1.90,52.48]]]]}}"
             "]}",
             corner);
    return text;
}
