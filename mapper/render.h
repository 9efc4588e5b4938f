/* render.h -- draw a choropleth figure with cairo: PNG, SVG or PDF.
 *
 * A figure is a page: a title block, the map fitted to its frame, a
 * legend beside it, and an attribution block.  The map is the
 * choropleth's areas filled by class (No data hatched grey, never a class
 * colour), optionally an outline layer drawn on top with its names as
 * labels, a north arrow and a scale bar when the map is in metres.
 *
 * Units: the page is laid out in points (1/72 inch).  PNG output has
 * width_pt * dpi / 72 pixels and records its DPI in a pHYs chunk; SVG and
 * PDF are vector throughout (text is drawn as glyph outlines in SVG, as
 * embedded font subsets in PDF).  The same inputs give byte-identical
 * files: nothing depends on the clock.
 *
 * Output is written to a temporary file beside the target and renamed
 * into place, so a failed render never leaves a half-written figure.
 */
#ifndef WM_RENDER_H
#define WM_RENDER_H

#include "choropleth.h"
#include "error.h"
#include "layer.h"

typedef enum { WM_FORMAT_PNG, WM_FORMAT_SVG, WM_FORMAT_PDF } wm_format;

typedef struct wm_figure {
    const wm_choropleth *map;      /* required */
    const wm_layer *overlay;       /* outlines drawn on top, or NULL */
    int overlay_labels;            /* label overlay areas with their names */
    const char *title;             /* NULL: the legend title */
    const char *subtitle;          /* may be NULL */
    const char *notes;             /* free text under the legend, may be NULL */
    const char *const *highlight;  /* area codes (fill layer or overlay) to emphasise */
    int nhighlight;
    double width_pt, height_pt;    /* page size */
    double dpi;                    /* PNG resolution */
    const char *author;            /* PDF metadata, may be NULL */
} wm_figure;

/* Page sizes: "A3", "A4", "A5" (portrait unless `landscape`).  Returns
 * -1 for an unknown name. */
int wm_paper_size(const char *name, int landscape, double *width_pt, double *height_pt);

/* The output format implied by a file name's extension; -1 if none. */
int wm_format_from_path(const char *path, wm_format *out);

/* Render `fig` to `path` (format from the extension). */
int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err);

/* Where the map point (x, y), in the layer's target SRS, lands on the
 * page of `fig`, in points from the top-left corner (for tests and for
 * placing things over a rendered map). */
int wm_render_map_point(const wm_figure *fig, double x, double y, double *px, double *py);

#endif
