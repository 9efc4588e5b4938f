/* map.h -- a thematic map built from its specification: the data half
 * of a figure, shared by render, export and rank so that a figure and a
 * GeoPackage made with the same options agree class for class.
 *
 * A map is: a boundary layer (read and projected), one value per area
 * (joined from a table, taken from the indicator store, or given by the
 * caller), the classes of those values, the palette colouring them, and
 * the words that describe them (legend title, unit, sources).  Building
 * one is the pipeline's read -> join -> classify -> style steps; drawing
 * it (page/) or writing it (export/) is the last step.
 *
 * What building has to say (the join report, a palette that is not
 * colour-blind safe) goes to the caller's report (report.h); the files it
 * reads are recorded there too.
 *
 * Bivariate maps colour area i by its class on each variable from a
 * 3 x 3 scheme (Joshua Stevens' purple-blue): low/low light grey, high x
 * teal, high y pink, high/high dark blue.
 */
#ifndef WM_MAP_H
#define WM_MAP_H

#include "classify.h"
#include "error.h"
#include "join.h"
#include "layer.h"
#include "map_spec.h"
#include "palette.h"
#include "report.h"
#include "store_bundled.h"
#include "style.h"

typedef struct wm_map {
    wm_style style;           /* the look, from --style */
    wm_layer *layer;          /* owned */
    double *values;           /* layer->n values, NAN = No data; owned */
    wm_classes classes;
    wm_palette palette;       /* palette.n == classes.n */
    int palette_reversed;     /* --reverse was given */
    wm_rgb nodata_colour;
    char legend_title[256];
    char unit[64];
    char field[64];           /* a column name for the value (export) */
    char *sources[WM_MAP_MAX_SOURCES];   /* data sources for the attribution; owned */
    int nsources;
    char *values_report;      /* how the values were got ("joined 195/195 areas; ..."); owned */
    /* bivariate maps */
    int bivariate;
    double *values2;          /* layer->n values of the second variable; owned */
    wm_classes classes2;      /* 3 classes */
    char legend_title2[256];
    wm_rgb bivariate_colour[3][3];   /* [class of values2][class of values] */
    /* reference marker */
    int has_reference;
    double reference;
    char reference_label[128];
} wm_map;

/* Build the map `spec` describes: read the layer, take the values (a
 * table, or the store opened once through `store`), class and colour
 * them.  `report` (may be NULL) receives the join report and warnings.
 * On error `out` is left empty (wm_map_free is still allowed). */
int wm_map_build(const wm_map_spec *spec, wm_store_handle *store, wm_report *report, wm_map *out, wm_error *err);

/* The same for values the caller already holds (a need index, say):
 * `layer` and `values` (layer->n of them, NAN = No data) are taken over,
 * and freed on error too; `values_report` (may be NULL) says where they
 * came from.  Only the classing, palette and wording options of `spec`
 * are used, and its reference value (not a reference area). */
int wm_map_from_values(const wm_map_spec *spec, wm_layer *layer, double *values, const char *values_report,
                       wm_report *report, wm_map *out, wm_error *err);

/* Class every map's values together and give each map those classes
 * with its own counts, and the same palette: small multiples with one
 * legend.  Categorical maps keep their own labels. */
int wm_map_share_classes(wm_map *const *maps, int n, wm_error *err);

/* The fill colour of area i (its class colour, or the No data colour). */
wm_rgb wm_map_colour(const wm_map *c, size_t i);

/* Whether area i is drawn as No data (no value, or, on a bivariate map,
 * no value of either variable). */
int wm_map_is_nodata(const wm_map *c, size_t i);

void wm_map_free(wm_map *c);

#endif
