/* figure.h -- one figure: its maps built from their specifications, laid
 * out on a page and written as PNG, SVG and PDF.  `wardmap render` is
 * this call, and so is every [render] section of a recipe.
 *
 * A figure is one map (map_spec.h), a bivariate map (the map's second
 * variable), or small multiples: up to WM_MAX_PANELS panels, each the
 * shared map options overridden by its own ("indicator=fuel_poverty_2020;
 * palette=OrRd;panel-title=Fuel poverty"), each with its own legend or,
 * with --shared-legend, classed together under one legend.  On top: an
 * outline layer with its names placed by labels.h, areas to highlight,
 * and the page's words (title, subtitle, notes).
 *
 * Options: WM_MAP_OPTIONS and those of wm_render_options[] (see
 * `wardmap render --help`).
 */
#ifndef WM_RENDER_OP_H
#define WM_RENDER_OP_H

#include "args.h"
#include "error.h"
#include "map_spec.h"
#include "figure.h"
#include "output.h"
#include "page_spec.h"
#include "report.h"
#include "store_bundled.h"

extern const wm_option wm_render_options[];

typedef struct wm_render_spec {
    wm_map_spec map;                       /* the map, or what every panel shares */
    int npanels;                           /* 0: one map */
    wm_map_spec panel[WM_MAX_PANELS];
    char *panel_title[WM_MAX_PANELS];      /* NULL: none (owned) */
    wm_args panel_args[WM_MAX_PANELS];     /* each panel's options (own its strings) */
    int shared_legend;
    const char *overlay, *overlay_key, *overlay_name_field;   /* outline layer, or NULL */
    const char *overlay_where;             /* its attribute filter, or NULL */
    const char *overlay_geography;         /* or the store's boundaries of this geography (e.g. locality) */
    int overlay_labels;
    int nhighlight;
    char **highlight;                      /* codes or names (owned) */
    const char *highlight_layer;           /* or NULL */
    int mute;
    const char *title, *subtitle, *notes;  /* NULL: none (title: the legend's) */
    wm_page_spec page;                     /* size, resolution and files (landscape -1: the style's) */
} wm_render_spec;

/* Parse and check the options: output names, panels, page size.
 * Errors are WM_EXIT_USAGE naming the option ("--panel 2: ...").
 * Free with wm_render_spec_free() whatever the result. */
int wm_render_spec_from_args(const wm_args *a, wm_render_spec *spec, wm_error *err);

void wm_render_spec_free(wm_render_spec *spec);

/* Make the figure: build its maps (the store opened at most once through
 * `store`), lay it out once and write every output, all or none
 * (atomic.h).  `report` receives each map's join report and warnings. */
int wm_render(const wm_render_spec *spec, wm_store_handle *store, wm_report *report, wm_error *err);

#endif
