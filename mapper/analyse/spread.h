/* spread.h -- how values are spread over a set of areas: the lowest,
 * the 25th and 75th percentiles and the highest, as a Fingertips spine
 * chart draws the comparator areas of an indicator.
 *
 * Percentiles are R's default quantile (type 7), as Fingertips'
 * spine charts compute them (fingertipscharts: stats::quantile): with
 * the n values sorted x[0] <= ... <= x[n-1], the p-th quantile is
 * x[h] + (h - floor h)(x[floor h + 1] - x[floor h]) with h = (n - 1) p,
 * so the 0th is the lowest and the 100th the highest.
 *
 * No data is never a value: NaNs are left out, and n counts the values
 * that are left.  Pure functions: no I/O, no global state.
 */
#ifndef WM_SPREAD_H
#define WM_SPREAD_H

#include <stddef.h>

typedef struct wm_spread {
    size_t n;                 /* values that are not NaN */
    double min, q25, q75, max;   /* NaN when n == 0 */
} wm_spread;

/* The spread of the `n` values at `v` (NaN: No data, left out).
 * Returns 0, or -1 when out of memory (*out is then all NaN, n 0). */
int wm_spread_of(const double *v, size_t n, wm_spread *out);

/* The p-th quantile (0 <= p <= 1) of `n` sorted values without NaN, as
 * above; NaN when n == 0. */
double wm_quantile_sorted(const double *sorted, size_t n, double p);

#endif
