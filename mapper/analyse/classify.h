/* classify.h -- put values into classes for a choropleth.
 *
 * Values are doubles; NAN is No data and takes no part in any break
 * computation: it is counted in `nodata` and drawn as its own class.
 *
 * Class i holds lower[i] <= v < lower[i+1]; the last class also holds its
 * upper bound (upper[n-1] = the largest value).  Categorical classes hold
 * exactly one value each (lower[i] == upper[i] == the category).
 *
 * Methods:
 *   quantile     breaks at the order statistics floor(i*N/k); tied values
 *                never straddle a break, so fewer classes may result; the
 *                first value above a tie that swallowed a break starts a
 *                class (52 wards at 0 and one at 32.8: two classes, not
 *                one);
 *   equal        k intervals of equal width from min to max;
 *   jenks        exact Fisher-Jenks natural breaks (minimum total within-
 *                class sum of squares) by dynamic programming with the
 *                divide-and-conquer speed-up: O(k N log N), deterministic,
 *                never sampled;
 *   manual       breaks given by the caller: A,B,... are the bounds between
 *                classes, so k = nbreaks + 1; the first class is "< A",
 *                the last ">= last";
 *   categorical  one class per value: the caller's values in its order
 *                (e.g. IMD deciles 1..10 as fixed classes, shown even when
 *                empty) or, with none given, each distinct value (at most
 *                WM_MAX_CLASSES).
 *
 * Legend labels state which end is inclusive ("10.0 to < 20.0", the last
 * class "90.0 to 100.0"; manual open ends "< 10.0" and "≥ 30.0" in UTF-8;
 * a category is its value, "1").  Decimals: 0 when every value and bound
 * is an integer (IMD ranks, deciles), else at least 1; more, up to 4,
 * while two different bounds would print alike.
 */
#ifndef WM_CLASSIFY_H
#define WM_CLASSIFY_H

#include "error.h"
#include <stddef.h>

#define WM_MAX_CLASSES 12

typedef enum wm_class_method {
    WM_CLASS_QUANTILE,
    WM_CLASS_EQUAL,
    WM_CLASS_JENKS,
    WM_CLASS_MANUAL,
    WM_CLASS_CATEGORICAL
} wm_class_method;

typedef struct wm_classes {
    wm_class_method method;
    int n;                          /* number of classes, 1..WM_MAX_CLASSES */
    double lower[WM_MAX_CLASSES];   /* inclusive lower bound of each class */
    double upper[WM_MAX_CLASSES];   /* exclusive upper bound (inclusive for the last) */
    int open_below, open_above;     /* manual: first/last class unbounded
                                       (lower[0] = -INFINITY, upper[n-1] = INFINITY) */
    size_t count[WM_MAX_CLASSES];   /* values in each class */
    size_t nodata;                  /* NAN values */
    size_t unclassed;               /* categorical: values in no given category */
    size_t total;                   /* all values, No data included */
    int decimals;                   /* digits used in labels */
    char label[WM_MAX_CLASSES][64]; /* legend text of each class, without count */
} wm_classes;

/* Parse a method name ("quantile", "equal", "jenks", "manual",
 * "categorical"); returns -1 if unknown. */
int wm_class_method_parse(const char *name, wm_class_method *out);
const char *wm_class_method_name(wm_class_method m);

/* Classify `n` values into `k` classes (ignored for manual and for
 * categorical with given categories).  `breaks`/`nbreaks`: the manual
 * breaks or the categories (NULL/0 otherwise).  Fills `out`.  Errors
 * (WM_EXIT_USAGE): k out of 1..WM_MAX_CLASSES, manual without breaks,
 * breaks not increasing, a category given twice, too many distinct
 * categories; an infinite value is WM_EXIT_DATA.  All values No data is
 * not an error: one empty class results (bounds NAN, label "(no values)").
 * With categorical and no categories given, `k` is not used. */
int wm_classify(const double *values, size_t n, wm_class_method method, int k,
                const double *breaks, int nbreaks, wm_classes *out, wm_error *err);

/* The class of `v`: 0..n-1, or -1 for No data or a value outside every
 * categorical class. */
int wm_class_of(const wm_classes *c, double v);

/* Count `n` values into the existing classes `c` (bounds and labels
 * unchanged): how panels sharing one set of classes get their own counts. */
void wm_classes_recount(wm_classes *c, const double *values, size_t n);

/* Exact Fisher-Jenks: the lower bounds of the k natural classes of the
 * sorted values x[0..n-1] (ascending, no NAN) into `lower` (k entries).
 * Returns the number of classes found (< k when there are fewer distinct
 * values; each distinct value is then a class), or -1 when out of memory.
 * Exposed for tests and benchmarks. */
int wm_jenks_sorted(const double *x, size_t n, int k, double *lower);

#endif
