/* outer_boundary.h -- the edge round a layer's areas, for drawing.
 *
 * An authority's boundary is drawn round its wards on every map and
 * profile of a figure set: the union of the areas (GEOS, through OGR),
 * and that union's boundary.  The union of 69 wards costs about as much
 * as drawing the page, so each result is kept for the rest of the
 * process and given again to a layer of the same content: the same
 * areas, keys and coordinates, byte for byte (a hash of their WKB,
 * hash.h, with the count of areas).  At most WM_OUTER_BOUNDARY_KEPT
 * are kept; wm_shutdown() frees them.  Thread-safe.
 */
#ifndef WM_OUTER_BOUNDARY_H
#define WM_OUTER_BOUNDARY_H

#include "layer.h"

#define WM_OUTER_BOUNDARY_KEPT 16

/* The outer boundary of the layer's areas (their union's boundary: an
 * authority's edge round its wards), or NULL (no layer, more than 5,000
 * areas, out of memory, or GEOS failed).  The caller destroys it. */
OGRGeometryH wm_outer_boundary(const wm_layer *layer);

#endif
