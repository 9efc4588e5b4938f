/* shapes.h -- a layer's areas in page points, ready to draw many times.
 *
 * A figure is laid out once and drawn once per output; the areas are
 * taken out of their OGR geometries and through the map's affine into
 * page points once, here, into flat arrays.  On the way:
 *
 *   - vertices closer than `tolerance` points to the last vertex kept on
 *     their ring are dropped (a ring keeps its first and last vertex, and
 *     a ring that would keep fewer than 4 keeps all of them): the layout
 *     passes a quarter of a pixel at the figure's PNG resolution, below
 *     what any output shows;
 *   - each area gets the width of its outline on the page.  An outline
 *     gives way to the fill as the area gets small on the page: the
 *     width is the style's, but at most what paints `coverage` of the
 *     area (a stroke of width w centred on the boundary covers about
 *     P * w / 2 of an area of perimeter P), and none at all below a
 *     quarter of the style's width; widths between are rounded down to
 *     eighths of the style's.  A ward or neighbourhood drawn large
 *     keeps the full outline; at national scale the small urban areas
 *     are drawn without one, so their colour is not washed out.
 *
 *   - a boundary two outlined areas share is outlined once, by one of
 *     them (the one whose outline is wider; of equal outlines, the
 *     first in the layer): stroking every area's whole ring drew each
 *     shared segment twice, twice the stroking, twice the coordinates
 *     in a vector output, and, at an outline opacity below 1, a whiter
 *     line wherever the two strokes were separate.  A segment is shared
 *     when the neighbour has the same two vertices after thinning (most
 *     of a shared boundary: at national scale 29% of the outlined
 *     segments; the rest is drawn by both, as before).
 *
 * Areas are in the layer's order; rings in their geometry's order, the
 * outer ring of each polygon first.
 */
#ifndef WM_SHAPES_H
#define WM_SHAPES_H

#include "labels.h"
#include "layer.h"

#include <cairo.h>
#include <stddef.h>

typedef struct wm_shapes {
    size_t n;                /* areas */
    size_t *first_ring;      /* area i's rings: first_ring[i] .. first_ring[i + 1] - 1 (n + 1) */
    size_t nrings;
    size_t *first_point;     /* ring r's points: first_point[r] .. first_point[r + 1] - 1 (nrings + 1) */
    size_t npoints;
    double *xy;              /* x0, y0, x1, y1, ... page points */
    double *outline;         /* the outline width of each area, points; 0: no outline */
    double *area;            /* each area's size on the page, square points */
    double (*box)[4];        /* each area's page box: x0, y0, x1, y1 */
    unsigned char *reversed; /* per ring: 1 when it runs the other way from the rest of its kind */
    unsigned char *own;      /* per point: 1 when the segment from it to its ring's next point is its
                              * area's to outline, 0 when a neighbour outlines the same segment */
} wm_shapes;

/* The areas of `layer` through `tf`.  `width` is the style's outline
 * width (points), `coverage` the share of an area its outline may paint
 * (0: every area gets `width`).  Returns 0, or -1 when out of memory
 * (`out` is then empty). */
int wm_shapes_build(const wm_layer *layer, const wm_affine *tf, double tolerance, double width, double coverage,
                    wm_shapes *out);

void wm_shapes_free(wm_shapes *s);

/* The widest outline narrower than `below` among the areas with in[i]
 * set (all when `in` is NULL), or 0 when there is none: outlines are
 * stroked one width at a time, widest first,
 *     for (double w = INFINITY; (w = wm_shapes_next_width(S, w, NULL)) > 0;) ...  */
double wm_shapes_next_width(const wm_shapes *s, double below, const unsigned char *in);

/* What a shape is drawn with: `move` starts a line at a point, `line`
 * continues it to the next, `close` closes a line that went round a
 * whole ring.  `ctx` is passed to each. */
typedef struct wm_shapes_pen {
    void (*move)(void *ctx, double x, double y);
    void (*line)(void *ctx, double x, double y);
    void (*close)(void *ctx);
    void *ctx;
} wm_shapes_pen;

/* Area i's rings, each a closed line (its fill). */
void wm_shapes_rings(const wm_shapes *s, size_t i, const wm_shapes_pen *pen);

/* wm_shapes_rings into the current path of `cr`. */
void wm_shapes_path(cairo_t *cr, const wm_shapes *s, size_t i);

/* Area i's outline: the segments of its rings that are its own (`own`),
 * each run of them one line, a ring wholly its own one closed line. */
void wm_shapes_outline(const wm_shapes *s, size_t i, const wm_shapes_pen *pen);

/* wm_shapes_outline into the current path of `cr`. */
void wm_shapes_outline_path(cairo_t *cr, const wm_shapes *s, size_t i);

/* The same with every outer ring turning one way and every hole the
 * other, so that many areas in one path fill right with the non-zero
 * winding rule (overlapping parts are not cut out as with even-odd). */
void wm_shapes_path_wound(cairo_t *cr, const wm_shapes *s, size_t i);

#endif
