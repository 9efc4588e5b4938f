/* labels.h -- placing area names on a map without collisions.
 *
 * Each area's name goes at its pole of inaccessibility (the interior
 * point farthest from the boundary, found with the polylabel algorithm),
 * not its centroid, which can fall outside a concave area.  A label must
 * lie wholly inside its area, inside the map frame, clear of the
 * obstacles (legend, north arrow, scale bar) and clear of every other
 * label.  When a name does not fit, the fallbacks are tried in the order
 * the style gives (default "shrink,wrap,leader,number"):
 *   shrink   smaller type, down to the minimum size;
 *   wrap     break the name over two or three lines at spaces;
 *   leader   put the label at a free spot nearby, outside the area if
 *            need be, with a leader line to the area's pole;
 *   number   when any label still cannot be placed, the whole map
 *            switches to numbered areas (1..n in name order) and the
 *            caller draws a key table beside the map (the numbered ward
 *            diagram councils use).
 *
 * Placement is deterministic: areas are handled in order of increasing
 * room (smallest areas first, ties by name) and candidate positions are
 * tried in a fixed order.  Text is measured with the cairo context given,
 * so placement and drawing agree.
 */
#ifndef WM_LABELS_H
#define WM_LABELS_H

#include "error.h"

#include <cairo.h>
#include <ogr_api.h>
#include <stddef.h>

/* Map coordinates to page points: page_x = ox + (x - mx) * k,
 * page_y = oy - (y - my) * k. */
typedef struct wm_affine {
    double ox, oy, mx, my, k;
} wm_affine;

typedef struct wm_label_style {
    const char *font;        /* cairo toy font family */
    int bold;
    double size;             /* preferred size, points */
    double min_size;         /* smallest size for "shrink" */
    double halo;             /* halo width, points (added around each box) */
    const char *fallbacks;   /* e.g. "shrink,wrap,leader,number" */
} wm_label_style;

typedef enum {
    WM_LABEL_INSIDE = 0,     /* inside its area */
    WM_LABEL_LEADER,         /* away from its area, with a leader line */
    WM_LABEL_NUMBER,         /* the map is numbered: draw the number */
    WM_LABEL_DROPPED         /* could not be placed at all (only when "number" is not a fallback) */
} wm_label_mode;

#define WM_LABEL_MAX_LINES 3

typedef struct wm_placed_label {
    wm_label_mode mode;
    double size;                             /* font size used */
    int nlines;
    char lines[WM_LABEL_MAX_LINES][128];     /* the text, line by line (the number in numbered mode) */
    double x, y;                             /* centre of the text block, page points */
    double box[4];                           /* x0, y0, x1, y1 of the block with halo */
    double anchor_x, anchor_y;               /* the area's pole, page points (leader end) */
    int number;                              /* 1-based number in numbered mode, else 0 */
} wm_placed_label;

/* The pole of inaccessibility of a polygon or multipolygon (largest
 * part) in its own coordinates, to within `precision`; *distance gets the
 * distance from the pole to the boundary.  Returns -1 for an empty or
 * non-areal geometry. */
int wm_pole_of_inaccessibility(OGRGeometryH area, double precision, double *x, double *y,
                               double *distance);

/* Place the labels of `n` areas (`areas` in map coordinates, `names`
 * their texts) on a page where `tf` maps the map into the rectangle
 * `frame` (x0, y0, x1, y1 in points).  `obstacles` holds `nobstacles`
 * rectangles (x0, y0, x1, y1) labels must avoid.  `out` receives n
 * placements in the input order.  Returns 1 if the map switched to
 * numbered mode, 0 if not, -1 on error (a missing argument, a scale
 * that is not positive, an unknown fallback name).
 *
 * `style->fallbacks` NULL means "shrink,wrap,leader,number".  Shrinking
 * goes down in 0.5 pt steps to min_size; wrapping picks the breaks that
 * make the widest line narrowest.  A leader label lies wholly outside
 * its area, preferably clear of other areas' poles.  An area with an
 * empty name or no interior (empty, not a polygon) is WM_LABEL_DROPPED
 * and takes no number.  In numbered mode every other area gets a number
 * (1..n by name, ASCII case-insensitive) and a WM_LABEL_NUMBER label;
 * a number that finds no free spot at all is DROPPED but keeps its
 * number, so the key table stays complete.  Leader and number labels'
 * anchors are the poles; the cairo state is saved and restored. */
int wm_place_labels(cairo_t *cr, const OGRGeometryH *areas, const char *const *names, size_t n,
                    const wm_affine *tf, const wm_label_style *style, const double frame[4],
                    const double (*obstacles)[4], int nobstacles, wm_placed_label *out,
                    wm_error *err);

/* Whether two placed labels' boxes intersect (overlap with positive
 * area; a DROPPED label has no box and intersects nothing). */
int wm_label_boxes_intersect(const wm_placed_label *a, const wm_placed_label *b);

/* How to draw a placed label so drawing matches placement.
 *
 * Line i (0-based) is drawn with the label's size and the style's font
 * and weight, its ink extents (cairo_text_extents) centred on the point
 * this function gives: x = l->x, and lines stacked 1.2 * size apart
 * around l->y.  Draw it the way draw.c draws its haloed labels:
 * move_to(cx - (x_bearing + width / 2), cy - (y_bearing + height / 2)).
 * The box is the union of those ink boxes grown by the halo width. */
void wm_label_line_centre(const wm_placed_label *l, int i, double *x, double *y);

/* Whether the caller should draw a leader line from the label to its
 * anchor: always for WM_LABEL_LEADER, and for a number whose box had to
 * leave its area's pole behind (numbered maps with crowded areas). */
int wm_label_needs_leader(const wm_placed_label *l);

/* Where a leader line leaves the label: the point of the box edge on the
 * line from the label's centre to its anchor (the anchor itself if the
 * box contains it).  The line runs from here to (anchor_x, anchor_y). */
void wm_label_leader_start(const wm_placed_label *l, double *x, double *y);

#endif
