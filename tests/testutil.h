/* testutil.h -- the small harness every C test uses.
 *
 * CHECK(cond) records a failure with file:line and goes on; each test
 * program ends with `return wm_test_summary();` which prints
 * "N passed, N failed" and returns non-zero if anything failed.
 */
#ifndef WM_TESTUTIL_H
#define WM_TESTUTIL_H

#include <stddef.h>

extern int wm_test_passed, wm_test_failed;

void wm_test_check(int ok, const char *expr, const char *file, int line);
void wm_test_check_near(double got, double want, double tol, const char *expr,
                        const char *file, int line);
void wm_test_check_str(const char *got, const char *want, const char *expr,
                       const char *file, int line);
int wm_test_summary(void);

/* Path of a bundled file under WARDMAP_HOME (e.g. "layers/x.csv"). */
const char *wm_test_home_path(const char *relative);

/* A fresh scratch directory for this test program (under the build dir). */
const char *wm_test_tmpdir(void);

/* `name` in that directory.  The result lives in one of 16 rotating
 * buffers: good until 16 more calls. */
const char *wm_test_tmp_path(const char *name);

/* A synthetic GeoJSON layer of two wards (E05000002 "B ward" in
 * E08000026, a polygon; E05000001 "A ward" in E08000025, a multipolygon),
 * longitude/latitude; `corner` is the latitude of the first one's
 * north-east corner, printed with 3 decimals, so versions of the file
 * for different corners have the same length.  A static buffer. */
const char *wm_test_two_wards_geojson(double corner);

/* Write `text` to the file at `path`; returns 0 on success. */
int wm_test_write_file(const char *path, const char *text);

/* One row of the store's indicator_values table, read with SQL so tests
 * check what was stored, not what the reading API makes of it.  Returns
 * the value (NAN when NULL or when there is no row); `out`, if given,
 * receives numerator, denominator (NAN when NULL), n_areas, n_missing and
 * method, with n_areas = -1 when there is no row. */
struct sqlite3;
struct wm_store_value;
double wm_test_stored(struct sqlite3 *db, const char *id, const char *geography, const char *code,
                      struct wm_store_value *out);

/* Build a map from parsed map options (map_spec.h, map.h) as `render`
 * does, with the default store when the options name none. */
struct wm_args;
struct wm_map;
struct wm_error;
int wm_test_map_from_args(const struct wm_args *a, struct wm_map *m, struct wm_error *err);

#define CHECK(c) wm_test_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_NEAR(got, want, tol) wm_test_check_near((got), (want), (tol), #got, __FILE__, __LINE__)
#define CHECK_STR(got, want) wm_test_check_str((got), (want), #got, __FILE__, __LINE__)

#endif
