/* render.h -- draw a choropleth figure with cairo: PNG, SVG or PDF.
 *
 * A figure is a page: a title block, the map fitted to its frame, a
 * legend beside it (or below, as the style says), and an attribution
 * block naming the sources of what is drawn, the OS and ONS copyright
 * lines (the year from the boundaries' vintage) and the OGL statement.
 * The map is the choropleth's areas filled by class (No data hatched
 * grey, never a class colour); optionally an outline layer drawn on top
 * (wards) with the outer boundary of the whole (the authority) heavier,
 * and its names placed by labels.h, which may switch the map to numbered
 * areas with a key table beside it; a north arrow and, when the map is in
 * metres, a scale bar of a round length in km.
 *
 * Emphasis: areas named in `highlight` (codes or names, of the filled
 * layer or the overlay) and every area of `highlight_layer` get a heavy
 * outline; with `mute`, everything else is washed towards white.
 *
 * Small multiples: with npanels > 0 the page holds a grid of panels, one
 * per choropleth, each with its own legend, or with `shared_legend` one
 * legend for all (the caller gives every panel the same classes).
 * Bivariate choropleths (choropleth.h) get the 3 x 3 square legend.
 *
 * All looks (fonts, sizes, colours, widths) come from the first map's
 * wm_style (style.h).
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

#include "map.h"
#include "error.h"
#include "layer.h"
#include "paper.h"

typedef enum { WM_FORMAT_PNG, WM_FORMAT_SVG, WM_FORMAT_PDF } wm_format;

#define WM_MAX_PANELS 9

typedef struct wm_figure {
    const wm_map *map;      /* the map (ignored when npanels > 0) */
    const wm_map *const *panels;   /* small multiples, or NULL */
    const char *const *panel_titles;      /* a heading per panel, or NULL */
    int npanels;                   /* 0 for a single map; at most WM_MAX_PANELS */
    int shared_legend;             /* one legend for all panels */
    const wm_layer *highlight_layer;      /* outline layer of localities, or NULL */
    int mute;                      /* wash out areas outside the highlight */
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

/* The output format implied by a file name's extension; -1 if none. */
int wm_format_from_path(const char *path, wm_format *out);

/* Render `fig` to `path` (format from the extension). */
int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err);

/* Write a PNG thumbnail of the PNG at `src`, `width` pixels wide (its
 * height keeps the aspect), to `dst` (temporary name, then rename).  For
 * galleries: a README shows what the figure set looks like. */
int wm_png_thumbnail(const char *src, const char *dst, int width, wm_error *err);

/* Where the map point (x, y), in the layer's target SRS, lands on the
 * page of `fig`, in points from the top-left corner (for tests and for
 * placing things over a rendered map). */
int wm_render_map_point(const wm_figure *fig, int panel, double x, double y, double *px, double *py);

/* The overlay labels as the figure would place them (for tests): a
 * malloc'd array of fig->overlay->n placements (NULL when the figure has
 * no labels), whether the map was numbered, and the legend's box
 * (x0, y0, x1, y1). */
struct wm_placed_label;
int wm_render_label_boxes(const wm_figure *fig, struct wm_placed_label **out, size_t *n, int *numbered,
                          double legend[4], wm_error *err);

#endif
