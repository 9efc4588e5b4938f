/* sort.h -- qsort for arrays that usually come in order.
 *
 * Published tables and boundary files are mostly in order of their codes
 * already (the ONS's, MHCLG's and the Census's are), and wardmap sorts
 * them by code to look codes up and to find repeats.  qsort compares
 * n log n times whatever the order: 500,000 string comparisons for
 * England and Wales' 34,753 LSOAs, a tenth of building a store.
 *
 *     wm_sort(rows, n, sizeof *rows, by_code);   // as qsort
 */
#ifndef WM_SORT_H
#define WM_SORT_H

#include <stddef.h>

/* As qsort(base, n, size, cmp), after one pass of n - 1 comparisons that
 * finds whether the array is in order already (no two neighbours with
 * cmp > 0), and then leaves it as it is.  Like qsort, not stable: give
 * `cmp` a last key (a row number) where equal elements must keep an
 * order. */
void wm_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
