/* need_index.h -- a composite need index over wards, and how far to trust it.
 *
 * The council chooses where to put a community prototype by combining
 * several indicators (deprivation, fuel poverty, child obesity, ...).
 * This module does the arithmetic, as pure functions on a table of
 * values, so that every step can be checked on a small synthetic table:
 *
 *   values      n areas x k indicators, row-major: values[i*k + j];
 *               NAN is No data.
 *   polarity    +1: a higher value means more need (fuel poverty rate);
 *               -1: a lower value means more need (an IMD rank).
 *   weight      >= 0; 0 leaves the indicator out.
 *
 * Each indicator is first oriented so that "more need" is the same
 * direction for all of them, then combined by one of three methods:
 *
 *   zscore    weighted mean of z-scores, z = polarity * (x - mean) / sd,
 *             sd the sample standard deviation (n - 1, as R's scale());
 *             higher = more need.  An indicator with no spread has z = 0
 *             everywhere (no area differs from the mean).
 *   rank      weighted mean of ranks, 1 = most need, tied values share
 *             the mean of their ranks; lower = more need.
 *   quintile  weighted count of indicators on which the area is in the
 *             worst quintile, i.e. its rank r <= m/5 of the m areas with
 *             a value; higher = more need.
 *
 * An area missing any indicator that has a weight gets no composite
 * (NAN score, rank 0): a missing value is never treated as zero or as
 * average.  Composite ranks are 1 = most need; areas whose scores tie
 * share the best of their ranks ("1, 2, 2, 4").
 *
 * Sensitivity: a ward ranked 3rd is only a safe choice if it stays near
 * the top when the choice of indicators or weights changes.  Each area
 * gets two rank ranges, each including the baseline rank:
 *   leave-one-out   the composite recomputed k times, each time without
 *                   one indicator (skipped when only one has a weight);
 *   weights         each indicator's weight multiplied by
 *                   WM_NEED_WEIGHT_FACTOR and divided by it in turn
 *                   (2k variants).
 *
 * Small-area view: a locality is usually a cluster of neighbourhoods, not
 * a whole ward.  For each ward, the small areas (LSOAs) in the national
 * most deprived decile, grouped into clusters of neighbours (polygons
 * that share a stretch of boundary: cluster.h); "contiguous" means they
 * all form one cluster.
 */
#ifndef WM_NEED_INDEX_H
#define WM_NEED_INDEX_H

#include "error.h"
#include "layer.h"

#include <stddef.h>

#define WM_NEED_WEIGHT_FACTOR 2.0

typedef enum wm_need_method {
    WM_NEED_ZSCORE,
    WM_NEED_RANK,
    WM_NEED_QUINTILE
} wm_need_method;

/* "zscore", "rank", "quintile"; -1 if unknown. */
int wm_need_method_parse(const char *name, wm_need_method *out);
const char *wm_need_method_name(wm_need_method m);

typedef struct wm_need_indicator {
    const char *id;       /* for messages; borrowed */
    int polarity;         /* +1 or -1, see above */
    double weight;        /* >= 0 */
} wm_need_indicator;

/* Oriented z-scores of column `col` of an n x k table into z[0..n-1]
 * (NAN where the value is missing, or everywhere when fewer than two
 * values exist). */
void wm_need_zscores(const double *values, size_t n, size_t k, size_t col, int polarity,
                     double *z);

/* Ranks of column `col` into rank[0..n-1]: 1 = most need, ties share
 * the mean of their ranks, NAN where the value is missing.  Returns the
 * number of areas ranked. */
size_t wm_need_ranks(const double *values, size_t n, size_t k, size_t col, int polarity,
                     double *rank);

/* Competition ranks of scores (1 = best; ties share the best rank; NAN
 * gets 0).  `higher_is_better` picks the direction. */
void wm_need_order(const double *score, size_t n, int higher_is_better, int *rank);

/* The index and its sensitivity for one table. */
typedef struct wm_need_index {
    size_t n, k;
    wm_need_method method;
    double *z;               /* n*k oriented z-scores */
    double *rank;            /* n*k indicator ranks (1 = most need) */
    unsigned char *worst;    /* n*k: 1 where the area is in the worst quintile */
    double *score;           /* n composite scores (meaning depends on method) */
    int *composite_rank;     /* n; 1 = most need; 0 = No data */
    int *loo_min, *loo_max;          /* n; leave-one-out rank range */
    int *weight_min, *weight_max;    /* n; weight-variation rank range */
} wm_need_index;

/* Compute the index of `values` (n x k) with indicators `ind[0..k-1]`.
 * Errors (WM_EXIT_USAGE): no indicators, a polarity other than +1/-1, a
 * negative or non-finite weight, all weights zero. */
int wm_need_index_compute(wm_need_index *out, const double *values, size_t n,
                          const wm_need_indicator *ind, size_t k, wm_need_method method,
                          wm_error *err);

void wm_need_index_free(wm_need_index *x);

/* ---- small-area view ---- */

typedef struct wm_small_area_ward {
    char *ward;          /* ward code */
    size_t areas;        /* small areas assigned to the ward */
    size_t worst;        /* of which in the most deprived decile */
    int clusters;        /* groups of adjacent ones among those */
    size_t largest;      /* small areas in the largest group */
    char **codes;        /* `worst` codes, ordered by cluster then code */
    int *cluster;        /* their group, 1..clusters (largest first) */
} wm_small_area_ward;

typedef struct wm_small_area_view {
    size_t n;
    wm_small_area_ward *wards;   /* in the order of the `wards` argument */
} wm_small_area_view;

/* Build the view.  `areas` is the small-area layer; for each of its
 * features, decile[i] is its national decile (NAN when unknown) and
 * ward_of[i] the code of its ward (NULL when it belongs to none of
 * `wards`).  Areas with decile == 1 count as most deprived. */
int wm_small_area_view_build(wm_small_area_view *v, const wm_layer *areas,
                             const double *decile, const char *const *ward_of,
                             const char *const *wards, size_t nwards, wm_error *err);

/* Whether the ward's most deprived small areas form one cluster (true
 * also for a single one; false for none). */
int wm_small_area_contiguous(const wm_small_area_ward *w);

void wm_small_area_view_free(wm_small_area_view *v);

#endif
