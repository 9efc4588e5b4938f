/* figure.h -- what one figure shows: the description a page is made from.
 *
 * A figure is a page: a title block, the map fitted to its frame, a
 * legend beside it (or below, as the style says), and an attribution
 * block naming the sources of what is drawn, the OS and ONS copyright
 * lines (the year from the boundaries' vintage) and the OGL statement.
 * The map is the choropleth's areas filled by class (No data hatched
 * grey, never a class colour); optionally an outline layer drawn on top
 * (wards) with the outer boundary of the whole (the authority) heavier,
 * and its names placed by labels.h, which may switch the map to numbered
 * areas with a key table beside it; under it, optionally, a context
 * layer drawn faintly (wards, to find one's way round localities); a
 * north arrow and, when the map is in metres, a scale bar of a round
 * length in km.
 *
 * Emphasis: areas named in `highlight` (codes or names, of the filled
 * layer or the overlay) and every area of `highlight_layer` get a heavy
 * outline; with `mute`, everything else is washed towards white.
 *
 * Small multiples: with npanels > 0 the page holds a grid of panels, one
 * per map, each with its own legend, or with `shared_legend` one legend
 * for all (the caller gives every panel the same classes).  Bivariate
 * maps (map.h) get the 3 x 3 square legend.
 *
 * All looks (fonts, sizes, colours, widths) come from the first map's
 * wm_style (style.h).
 *
 * The pipeline of the page stage: a figure is laid out once
 * (layout.h), drawn onto any cairo context (draw.h), and written as PNG,
 * SVG or PDF (output.h).  A figure only borrows: the maps, layers and
 * texts it points to must outlive its layout.
 */
#ifndef WM_FIGURE_H
#define WM_FIGURE_H

#include "layer.h"
#include "map.h"

#define WM_MAX_PANELS 9

typedef struct wm_figure {
    const wm_map *map;      /* the map (ignored when npanels > 0) */
    const wm_map *const *panels;   /* small multiples, or NULL */
    const char *const *panel_titles;      /* a heading per panel, or NULL */
    int npanels;                   /* 0 for a single map; at most WM_MAX_PANELS */
    int shared_legend;             /* one legend for all panels */
    const wm_layer *highlight_layer;      /* outline layer of localities, or NULL */
    int mute;                      /* wash out areas outside the highlight */
    const wm_layer *context;       /* faint outlines for orientation (wards under localities), or NULL */
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

#endif
