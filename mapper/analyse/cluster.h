/* cluster.h -- neighbours, and contiguous clusters of small areas in need
 * found within size limits: where a place-based prototype could run.
 *
 * Neighbours.  Two areas are neighbours when their boundaries share a
 * stretch of line (GEOS, through OGR): areas that meet only at a corner
 * are not, since a locality joined at a point is two places.  Areas
 * that overlap (generalised boundaries can, by a few metres) are
 * neighbours too.
 *
 * Candidates.  A public-health team looks for a neighbourhood of a few
 * thousand to about twenty thousand residents where need concentrates.
 * Given the small areas that qualify (e.g. LSOAs in England's most
 * deprived 10%), their populations and how deprived each is, the
 * qualifying areas are grouped into clusters of neighbours, across ward
 * boundaries:
 *
 *   - a group of neighbours no larger than the maximum population is one
 *     candidate;
 *   - a larger group is split: starting from its most deprived area not
 *     yet placed, a cluster grows by the most deprived neighbour that
 *     still fits under the maximum, until none fits; then the next
 *     cluster starts from the most deprived area left.  Each cluster is
 *     contiguous by construction;
 *   - a cluster below the minimum population is not a candidate; it is
 *     returned as too small, so the output can say where it is.
 *
 * Everything is deterministic: ties in deprivation go to the lower index.
 */
#ifndef WM_CLUSTER_H
#define WM_CLUSTER_H

#include "error.h"

#include <ogr_api.h>
#include <stddef.h>

/* Neighbours of n geometries as a symmetric n*n matrix (malloc'd):
 * adj[i*n+j] = 1 when i and j share a stretch of boundary or overlap.
 * NULL geometries have none.  Envelopes are compared first, so the cost
 * is that of the pairs that nearly touch.  NULL when out of memory. */
unsigned char *wm_neighbours(const OGRGeometryH *geoms, size_t n);

/* Connected groups of n items given a symmetric n*n adjacency matrix:
 * component[i] is 0..c-1, numbered in order of each group's first item.
 * Returns c (-1 when out of memory). */
int wm_components(const unsigned char *adj, size_t n, int *component);

/* What the search is given, for n small areas. */
typedef struct wm_cluster_input {
    size_t n;
    const unsigned char *adj;     /* n*n neighbours (wm_neighbours) */
    const unsigned char *qualifies; /* 1: the area is in need (e.g. decile 1) */
    const double *population;     /* residents; must be known for every qualifying area */
    const double *need;           /* lower = more deprived (e.g. the national rank) */
} wm_cluster_input;

typedef struct wm_cluster_limits {
    double min_population;        /* clusters below it are too small */
    double max_population;        /* groups above it are split */
} wm_cluster_limits;

typedef struct wm_cluster {
    size_t n;
    size_t *members;              /* area indexes, most deprived first */
    double population;
    int too_small;                /* below the minimum: not a candidate */
    int split;                    /* cut from a group of neighbours larger than the maximum */
    int over_maximum;             /* one area alone is over the maximum (it is still a candidate) */
} wm_cluster;

typedef struct wm_clusters {
    size_t n;
    wm_cluster *c;                /* candidates first, in the order found (most deprived seed
                                     first), then the too-small ones */
    size_t ncandidates;
} wm_clusters;

/* Find the clusters.  Errors (WM_EXIT_USAGE): limits not 0 <= min <=
 * max; (WM_EXIT_DATA) a qualifying area without a population (the
 * message gives its index; the caller names it). */
int wm_clusters_find(const wm_cluster_input *in, const wm_cluster_limits *limits, wm_clusters *out, wm_error *err);

void wm_clusters_free(wm_clusters *c);

#endif
