/* draw.h -- drawing a laid-out figure onto a cairo context.
 *
 * Drawing takes every position from the layout (layout.h) and measures
 * nothing itself.  Two things follow the target's own font metrics, as
 * layout.h explains: where wrapped text breaks (the layout flows it for
 * the target, wm_layout_text_for) and alignment inside a box (counts
 * right-aligned, the north arrow's "N" and the scale bar's length
 * centred, labels' ink centred on their point).
 *
 * Order, bottom to top: the background; the title block; each panel (its
 * heading; clipped to its frame: the areas filled by class, No data
 * hatched, the muting wash, the overlay's outlines, the outer boundary,
 * the highlighted outlines, the labels with their halos and leader
 * lines; then the north arrow and scale bar, the legend, notes and key);
 * the shared legend and its notes; the attribution.
 */
#ifndef WM_DRAW_H
#define WM_DRAW_H

#include "error.h"
#include "layout.h"

#include <cairo.h>

/* Draw the page of `L` onto `cr`, whose user space must be the page in
 * points (scale the context first for a raster of another resolution).
 * Then checks the context: a drawing error (cairo stops at the first
 * one) is reported as "cannot draw the figure (REASON)", WM_EXIT_DATA for
 * text cairo refused, WM_EXIT_IO otherwise. */
int wm_draw_page(cairo_t *cr, const wm_layout *L, wm_error *err);

/* Flags of wm_draw_page_with. */
enum {
    /* Leave out the background and each panel's filled areas (their
     * outlines too), which the caller draws itself, underneath: the SVG
     * writer's own compact paths (output.h). */
    WM_DRAW_NO_AREAS = 1
};

/* wm_draw_page, leaving out what `flags` say. */
int wm_draw_page_with(cairo_t *cr, const wm_layout *L, unsigned flags, wm_error *err);

/* The pieces, for every page wardmap draws (a figure, an area profile): */

/* Add the outline of `g` (polygons, their rings, lines) to the current
 * path, in page points through `tf`; nothing is stroked or filled. */
void wm_draw_geometry(cairo_t *cr, const wm_affine *tf, OGRGeometryH g);

/* Show the lines of `b` in `font` at the block's size and weight, in the
 * current colour.  Text on a page is shown through wm_show_text
 * (svg_text.h), so that an SVG's writer can write it. */
void wm_draw_text_block(cairo_t *cr, const char *font, const wm_text_block *b);

#endif
