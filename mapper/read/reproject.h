/* reproject.h -- a layer's geometries from one spatial reference into
 * another, fast for the common case.
 *
 * PROJ (through OGR's OGRCoordinateTransformation) takes about 400 ns a
 * vertex from longitude/latitude into British National Grid: a datum
 * shift and two projections, a second for the 2 million vertices of
 * England and Wales' LSOAs.  From a geographic source (in degrees) into
 * a projected target, a wm_reproject interpolates instead, in cells of
 * WM_REPROJECT_CELL degrees: biquadratically, through nine points of the
 * cell (corners, side midpoints, centre) that PROJ transforms exactly.
 * A cell is used only once checked: at four more points (a quarter of
 * the way in from each corner, where a quadratic's error peaks), PROJ's
 * own value and the interpolation must agree to within
 * WM_REPROJECT_TOLERANCE metres.  Over Great Britain they agree to a
 * few hundredths of a millimetre; a cell across a jump between two of
 * PROJ's operations, or where PROJ fails at a point, fails the check,
 * and its vertices are transformed by PROJ itself.  Cells are made as
 * vertices fall in them, so a layer costs about eight exact
 * transformations per cell it covers, whatever its number of vertices.
 *
 * Everything else is transformed exactly by OGR_G_Transform: a source
 * that is not geographic in degrees, a target that is not projected, a
 * geometry with Z or M values, curves.  Either way the geometry is given
 * the target's spatial reference, as OGR_G_Transform does, and the same
 * input gives the same output bytes on every run.
 *
 *     wm_reproject *rp = wm_reproject_new(wgs84, bng, &err);
 *     for each feature: if (wm_reproject_geometry(rp, g) != 0) ...cannot be projected
 *     wm_reproject_free(rp);
 *
 * One wm_reproject serves one thread.  The first transformation between
 * two references is kept for the process and copied for each later
 * wm_reproject_new (PROJ searches its database once per pair); the kept
 * ones are freed by wm_shutdown().
 */
#ifndef WM_REPROJECT_H
#define WM_REPROJECT_H

#include "error.h"

#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stddef.h>

/* The side of an interpolation cell, degrees (about 4 km by 7 km in
 * England), and the largest difference from PROJ a checked cell allows,
 * metres: far below the metre the ONS's full-resolution boundaries are
 * drawn to, and the few metres the datum shift itself is good to
 * without a grid. */
#define WM_REPROJECT_CELL (1.0 / 16)
#define WM_REPROJECT_TOLERANCE 0.001

typedef struct wm_reproject wm_reproject;

/* A transformation from `from` into `to` (both in the traditional GIS
 * axis order, x = easting or longitude), or NULL with err set
 * (WM_EXIT_DATA) when PROJ has none between them.  The references are
 * copied. */
wm_reproject *wm_reproject_new(OGRSpatialReferenceH from, OGRSpatialReferenceH to, wm_error *err);

/* Transform `g` in place.  0, or -1 when PROJ cannot transform one of
 * its vertices (the geometry is then partly transformed). */
int wm_reproject_geometry(wm_reproject *rp, OGRGeometryH g);

/* How many vertices went through the grid and through PROJ itself so
 * far (tests; either may be NULL). */
void wm_reproject_counts(const wm_reproject *rp, size_t *interpolated, size_t *exact);

void wm_reproject_free(wm_reproject *rp);

#endif
