/* aggregate.h -- from small-area values to ward (or any larger area) values.
 *
 * Three steps, each its own function so each can be tested alone:
 *
 *  1. Links: which larger area each small area belongs to.  Either the
 *     published best-fit lookups, chained if need be (LSOA 2021 -> LSOA
 *     2011 -> MSOA 2011), or, when no lookup is given, the larger area
 *     that contains the small area's point on surface (GEOS through
 *     OGR_G_PointOnSurface: a point guaranteed inside the polygon, unlike
 *     the centroid of a concave shape).
 *
 *  2. Pairs: how each source area contributes to each target area.
 *     - whole-area links give one pair per source, fraction 1;
 *     - sources that do not nest in the targets (MSOAs in wards) are
 *       apportioned through a finer geography that nests in both: the
 *       source's share in a target is the population of its LSOAs that
 *       lie in that target over the population of all its LSOAs;
 *     - failing population, by area-weighted overlay: the share of the
 *       source's polygon area that lies in the target.
 *
 *  3. Aggregation by method (wm_agg_method), keeping for each target the
 *     numerator, denominator, number of contributing source areas and
 *     number of source areas without a value, so a reader can check the
 *     figure:
 *       sum                     num = sum of f*count;          value = num
 *       ratio                   num = sum f*n, den = sum f*d;  value = num/den*scale
 *       weighted mean           num = sum w*x, den = sum w;    value = num/den
 *       count in class          num = #areas with lo<=x<=hi, den = #areas; value = num
 *       share in class          as count;                      value = num/den*100
 *       weighted share in class num = sum w (x in class), den = sum w; value = num/den*100
 *     (f: the pair's fraction; w: the pair's weight.)
 *
 * Coverage: every result says what share of the target the sources with
 * a value hold.  Weighted methods measure it in the pairs' weights (the
 * population, children, ...), a ratio in the sources' denominators (the
 * households, residents, ...) when every source in the target has one,
 * and everything else (or a target with a source of unknown weight) in
 * source areas, each counted by the fraction of it in the target.
 *
 * Missing values are never zero.  For a weighted mean a target is made
 * from the sources that have a value, and n_missing says how many had
 * none; for every other method one missing source makes the target No
 * data (NAN), since a sum or share over part of an area is not the
 * area's figure.  Class counts need whole-area links.
 */
#ifndef WM_AGGREGATE_H
#define WM_AGGREGATE_H

#include "error.h"
#include "layer.h"

#include <stddef.h>

typedef enum wm_agg_method {
    WM_AGG_NONE = 0,
    WM_AGG_SUM,
    WM_AGG_RATIO,
    WM_AGG_WEIGHTED_MEAN,
    WM_AGG_COUNT_IN_CLASS,
    WM_AGG_SHARE_IN_CLASS,
    WM_AGG_WEIGHTED_SHARE_IN_CLASS
} wm_agg_method;

/* Parse a method's name as written in metadata: "none", "sum",
 * "ratio", "weighted mean", "count in class", "share in class",
 * "weighted share in class".  Returns -1 if unknown. */
int wm_agg_method_parse(const char *name, wm_agg_method *out);
const char *wm_agg_method_name(wm_agg_method m);

/* Whether the method needs a weight per pair / whole-area links. */
int wm_agg_needs_weight(wm_agg_method m);
int wm_agg_needs_whole_areas(wm_agg_method m);

/* ---- 1. Links ---- */

/* One step of a lookup: a table and the two code columns. */
typedef struct wm_lookup_step {
    const char *file;
    const char *child_col;
    const char *parent_col;
} wm_lookup_step;

/* A child -> parent code map, sorted by child. */
typedef struct wm_code_map {
    size_t n;
    char **child;
    char **parent;       /* NULL where a later step of a chain had no row */
    char **broken_at;    /* for a NULL parent: the code the chain stopped at */
} wm_code_map;

/* Read a chain of lookups: step 1 maps child codes to intermediate
 * codes, each further step maps those on.  Blank codes are skipped.
 * A child listed twice with different parents in one step is an error
 * naming file:line of both rows (a best-fit lookup gives one parent). */
int wm_lookup_chain(const wm_lookup_step *steps, int nsteps, wm_code_map *out, wm_error *err);

/* The parent of `child`, or NULL (absent or broken chain). */
const char *wm_code_map_get(const wm_code_map *m, const char *child);

void wm_code_map_free(wm_code_map *m);

/* For each feature of `child`, the index of the `parent` feature that
 * contains its point on surface, into out[child->n]; -1 where none does
 * (reported by the caller).  Both layers must share a projected SRS.
 * Returns the number of children placed. */
long wm_assign_point_on_surface(const wm_layer *child, const wm_layer *parent, long *out,
                                wm_error *err);

/* ---- 2. Pairs ---- */

typedef struct wm_agg_pair {
    size_t src, tgt;     /* source and target indexes */
    double fraction;     /* share of the source's counts that belongs to tgt */
    double weight;       /* weight of this pair (weighted methods), NAN when unknown */
    int overlay;         /* 1 if the fraction came from area overlay */
} wm_agg_pair;

/* Whole-area links: source i goes to target parent[i] (-1: none), with
 * fraction 1 and weight weight[i] (weight NULL: NAN).  Returns the
 * malloc'd pairs; *npairs receives their count. */
wm_agg_pair *wm_pairs_whole(size_t nsrc, const long *parent, const double *weight, size_t *npairs);

/* Through a finer geography: fine area k lies in source fine_src[k] and
 * target fine_tgt[k] (-1: none) and weighs fine_weight[k] (NAN: not
 * known).  Each (source, target) pair gets weight = sum of its fine
 * weights and fraction = that over the source's total weight.  Sources
 * whose total weight is unknown (a fine area without a weight) or zero
 * get no pairs and are flagged in needs_fallback[nsrc] (may be NULL). */
wm_agg_pair *wm_pairs_through(size_t nfine, const long *fine_src, const long *fine_tgt,
                              const double *fine_weight, size_t nsrc, int *needs_fallback,
                              size_t *npairs);

/* Area-weighted overlay of the `src` layer's features (only those with
 * use[i] != 0; use NULL: all) on the `tgt` layer's: one pair per
 * intersecting (source, target) with fraction = area of intersection /
 * area of source, weight NAN, overlay 1.  Indexes are feature indexes of
 * the layers.  Intersections below 1e-9 of the source area are dropped
 * (shared edges of generalised boundaries). */
wm_agg_pair *wm_pairs_overlay(const wm_layer *src, const wm_layer *tgt, const int *use,
                              size_t *npairs, wm_error *err);

/* ---- 3. Aggregation ---- */

typedef struct wm_agg_result {
    double value;        /* NAN: No data */
    double numerator;
    double denominator;  /* NAN for sums */
    int n_areas;         /* source areas that contributed a value */
    int n_missing;       /* source areas in the target without a value */
    int overlay;         /* some contribution came from area overlay */
    int split;           /* some source counts only in part (fraction < 1: apportioned or overlaid) */
    double coverage;     /* share (0-1) of the target held by the sources with a value; NAN: no sources */
    int coverage_by_weight; /* 1: coverage measured in the pairs' weights (weighted methods) or in the
                               sources' denominators (ratio); 0: in source areas (each counted by its
                               fraction) */
} wm_agg_result;

/* How sources combine into a target: the method, the scale of ratios
 * and the class [class_lo, class_hi] (inclusive) of class methods. */
typedef struct wm_agg_rule {
    wm_agg_method method;
    double scale;
    double class_lo, class_hi;
} wm_agg_rule;

/* The source areas' values: per source `value` (the count for sum, the x
 * of a mean or class), `num` and `den` (ratio; may be NULL otherwise),
 * NAN = missing. */
typedef struct wm_agg_sources {
    size_t n;
    const double *value, *num, *den;
} wm_agg_sources;

/* Aggregate the sources into `ntgt` targets through `pairs`.  Errors
 * (WM_EXIT_DATA): a class method given a fractional pair, a weighted
 * method given a pair without weight when its source has a value. */
int wm_aggregate(const wm_agg_rule *rule, const wm_agg_sources *src, const wm_agg_pair *pairs, size_t npairs,
                 size_t ntgt, wm_agg_result *out, wm_error *err);

/* Carry pairs one level up (wards to their local authority): pair
 * (s, t) becomes (s, parent[t]) (dropped when parent[t] < 0), and pairs
 * that meet are merged, adding fractions and weights.  Aggregating the
 * composed pairs counts each source area once, so the result equals
 * summing the targets' components. */
wm_agg_pair *wm_pairs_compose(const wm_agg_pair *pairs, size_t npairs, const long *parent,
                              size_t *nout);

#endif
