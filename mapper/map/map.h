/* map.h -- the data half of a thematic map (a choropleth), shared by render and
 * export so that a figure and a GeoPackage made with the same options
 * agree class for class.
 *
 * A choropleth is: a boundary layer (read and projected), one value per
 * area (joined from a table, or taken from the indicator store), the
 * classes of those values, the palette colouring them, and the words that
 * describe them (legend title, unit, sources).  Building one is the
 * pipeline's read -> join -> classify -> style steps; drawing it
 * (render.h) or writing it (gpkg export) is the last step.
 *
 * Options (WM_MAP_OPTIONS, to put in a command's option table):
 *   --layer FILE[:LAYER]   boundary layer (required)
 *   --key FIELD            its area-code field (default: first field
 *                          ending in CD, e.g. LSOA11CD, WD25CD)
 *   --name-field FIELD     its area-name field (default: first ending NM)
 *   --data TABLE           indicator table (CSV or anything OGR reads)
 *   --data-key FIELD       the table's area-code column
 *   --value FIELD          the table's value column
 *   --indicator ID         or: an indicator from the store
 *   --store PATH           the store (default: store.h's default)
 *   --method M             quantile|equal|jenks|manual|categorical
 *   --classes N            number of classes (default 5)
 *   --breaks A,B,...       manual breaks or categorical values
 *   --labels "a|b|..."     legend labels replacing the computed ones
 *   --palette NAME         ColorBrewer scheme (default YlOrRd)
 *   --reverse              reverse the palette
 *   --legend-title TEXT    legend heading (default: indicator title or
 *                          the value column's name)
 *   --unit TEXT            unit shown in the legend heading
 *   --source TEXT          a data source for the attribution (repeat)
 *   --t-srs SRS            target spatial reference (default EPSG:27700)
 *   --period P             stored indicator's period (default: latest)
 *   --geography G          stored indicator's geography (default: the
 *                          one whose codes match the layer)
 *   --style NAME|FILE      the look (style.h); also supplies the default
 *                          palette, method and class count
 *   --value2 FIELD, --data2 TABLE, --data2-key FIELD, --indicator2 ID
 *                          a second variable: the map becomes a
 *                          bivariate choropleth, 3 x 3 quantile classes
 *   --legend-title2 TEXT   heading of the second variable
 *   --reference V[:TEXT]   mark a reference value (e.g. the England
 *                          average) in the legend
 *   --reference-area CODE[:TEXT]  the same, with the value the store holds
 *                          for that area (e.g. E08000026, the city), so no
 *                          figure is typed into a recipe
 *
 * Bivariate maps colour area i by its class on each variable from a
 * 3 x 3 scheme (Joshua Stevens' purple-blue): low/low light grey, high x
 * teal, high y pink, high/high dark blue.
 */
#ifndef WM_MAP_H
#define WM_MAP_H

#include "args.h"
#include "classify.h"
#include "error.h"
#include "join.h"
#include "layer.h"
#include "palette.h"
#include "style.h"

#define WM_MAP_OPTIONS \
    { "layer", 0, WM_OPT_VALUE, "FILE[:LAYER]", "boundary layer, any format GDAL reads" }, \
    { "key", 0, WM_OPT_VALUE, "FIELD", "area-code field of the layer (default: first field ending in CD)" }, \
    { "name-field", 0, WM_OPT_VALUE, "FIELD", "area-name field of the layer (default: first field ending in NM)" }, \
    { "data", 0, WM_OPT_VALUE, "TABLE", "indicator table (CSV or any table GDAL reads)" }, \
    { "data-key", 0, WM_OPT_VALUE, "FIELD", "area-code column of the table" }, \
    { "value", 0, WM_OPT_VALUE, "FIELD", "value column of the table" }, \
    { "indicator", 0, WM_OPT_VALUE, "ID", "take the values from the indicator store instead of --data" }, \
    { "store", 0, WM_OPT_VALUE, "PATH", "indicator store (SQLite)" }, \
    { "method", 0, WM_OPT_VALUE, "METHOD", "quantile|equal|jenks|manual|categorical (default quantile)" }, \
    { "classes", 0, WM_OPT_VALUE, "N", "number of classes (default 5)" }, \
    { "breaks", 0, WM_OPT_VALUE, "A,B,...", "manual breaks, or the categories of a categorical map" }, \
    { "labels", 0, WM_OPT_VALUE, "A|B|...", "legend labels replacing the computed ones, in class order" }, \
    { "palette", 0, WM_OPT_VALUE, "NAME", "ColorBrewer scheme (default YlOrRd)" }, \
    { "reverse", 0, WM_OPT_FLAG, NULL, "reverse the palette" }, \
    { "legend-title", 0, WM_OPT_VALUE, "TEXT", "legend heading" }, \
    { "unit", 0, WM_OPT_VALUE, "TEXT", "unit of the values, shown with the legend heading" }, \
    { "source", 0, WM_OPT_REPEAT, "TEXT", "data source named in the attribution (repeatable)" }, \
    { "t-srs", 0, WM_OPT_VALUE, "SRS", "target spatial reference (default EPSG:27700, British National Grid)" }, \
    { "period", 0, WM_OPT_VALUE, "P", "period of the stored indicator (default: the latest)" }, \
    { "geography", 0, WM_OPT_VALUE, "G", "geography of the stored indicator, e.g. ward, lsoa11 (default: matched to the layer)" }, \
    { "style", 0, WM_OPT_VALUE, "NAME|FILE", "map style (styles/NAME.style or a file; default styles/default.style)" }, \
    { "value2", 0, WM_OPT_VALUE, "FIELD", "second variable's column: makes a bivariate map" }, \
    { "data2", 0, WM_OPT_VALUE, "TABLE", "table of the second variable (default: --data)" }, \
    { "data2-key", 0, WM_OPT_VALUE, "FIELD", "area-code column of --data2 (default: --data-key)" }, \
    { "indicator2", 0, WM_OPT_VALUE, "ID", "second variable from the store: makes a bivariate map" }, \
    { "legend-title2", 0, WM_OPT_VALUE, "TEXT", "legend heading of the second variable" }, \
    { "reference", 0, WM_OPT_VALUE, "V[:TEXT]", "mark a reference value in the legend, e.g. 13.4:England" }, \
    { "reference-area", 0, WM_OPT_VALUE, "CODE[:TEXT]", "mark the stored value of an area (e.g. E08000026) in the legend" }

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
    char *sources[16];        /* data sources for the attribution; owned */
    int nsources;
    char join_report[1024];   /* one line, for stderr */
    char palette_warning[512];/* non-empty when the scheme is not colour-blind safe */
    /* bivariate maps */
    int bivariate;
    double *values2;          /* layer->n values of the second variable; owned */
    wm_classes classes2;      /* 3 classes */
    char legend_title2[256];
    wm_rgb bivariate_colour[3][3];   /* [class of values2][class of values] */
    char join_report2[1024];
    /* reference marker */
    int has_reference;
    double reference;
    char reference_label[128];
} wm_map;

/* Build a choropleth from parsed options (see above).  Prints nothing;
 * the caller prints join_report and palette_warning. */
int wm_map_from_args(const wm_args *a, wm_map *c, wm_error *err);

/* The fill colour of area i (its class colour, or the No data colour). */
wm_rgb wm_map_colour(const wm_map *c, size_t i);

/* Whether area i is drawn as No data (no value, or, on a bivariate map,
 * no value of either variable). */
int wm_map_is_nodata(const wm_map *c, size_t i);

void wm_map_free(wm_map *c);

#endif
