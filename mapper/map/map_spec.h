/* map_spec.h -- what one thematic map is made of, as typed options.
 *
 * A map specification names a boundary layer, where each area's value
 * comes from (a table joined by area code, or an indicator of the store),
 * and how the values are classed, coloured and described.  It is parsed
 * once from options (a command line or a recipe section, args.h) and
 * checked then, so a bad --method or --breaks is reported before any file
 * is read; map.h builds the map from it.
 *
 * Options (WM_MAP_OPTIONS, put in the table of every operation that makes
 * a map: render, export):
 *   --layer FILE[:LAYER]   boundary layer (required, unless --geography
 *                          names a stored geography with boundaries)
 *   --key FIELD            its area-code field (default: first field
 *                          ending in CD, e.g. LSOA11CD, WD25CD)
 *   --name-field FIELD     its area-name field (default: first ending NM)
 *   --where SQL            only the features this attribute filter selects
 *   --sql STATEMENT        the layer is this statement's result
 *   --data TABLE           indicator table (CSV or anything OGR reads)
 *   --data-key FIELD       the table's area-code column
 *   --value FIELD          the table's value column
 *   --indicator ID         or: an indicator from the store
 *   --store PATH           the store (default: the default store)
 *   --method M             quantile|equal|jenks|manual|categorical
 *   --classes N            number of classes (default: the style's)
 *   --breaks A,B,...       manual breaks or categorical values
 *   --labels "a|b|..."     legend labels replacing the computed ones
 *   --palette NAME         ColorBrewer scheme (default: the style's)
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
 *                          bivariate choropleth, 3 x 3 classes
 *   --legend-title2 TEXT   heading of the second variable
 *   --reference V[:TEXT]   mark a reference value (e.g. the England
 *                          average) in the legend
 *   --reference-area CODE[:TEXT]  the same, with the value the store holds
 *                          for that area (e.g. E08000026, the city), so no
 *                          figure is typed into a recipe
 *   --coverage-threshold P stored values whose source areas cover less than
 *                          P% of the area are named in the figure's notes
 *   --hide-low-coverage    ... or drawn as No data
 *   --compare authority|england  a comparison map (Fingertips): each area
 *                          significantly higher, similar or lower than the
 *                          benchmark, from the stored confidence limits
 *   --change-from ID, --change-class LO[-HI]  a change map: each area
 *                          entered, left, stayed in or stayed out of the
 *                          class since the earlier indicator, matched
 *                          through the store's links when the geography
 *                          changed (2021 LSOAs to their 2011 predecessors)
 *   --allow-partial        accept values that leave areas without a value
 *                          by a fault (no row, a cell that is not a
 *                          number): more than half of them is otherwise an
 *                          error, and any a warning (map.h)
 *
 * Strings in a spec are borrowed from the wm_args it was parsed from,
 * which must outlive it.
 */
#ifndef WM_MAP_SPEC_H
#define WM_MAP_SPEC_H

#include "args.h"
#include "classify.h"
#include "error.h"

#define WM_MAP_OPTIONS \
    { "layer", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "boundary layer, any format GDAL reads" }, \
    { "key", 0, WM_OPT_VALUE, "FIELD", "area-code field of the layer (default: first field ending in CD)" }, \
    { "where", 0, WM_OPT_VALUE, "SQL", "only the layer's features this attribute filter selects, e.g. \"LAD25CD = 'E06000016'\"" }, \
    { "sql", 0, WM_OPT_VALUE, "STATEMENT", "the layer is the result of this SQL statement on its file (as ogr2ogr -sql)" }, \
    { "name-field", 0, WM_OPT_VALUE, "FIELD", "area-name field of the layer (default: first field ending in NM)" }, \
    { "data", 0, WM_OPT_VALUE | WM_OPT_INPUT, "TABLE", "indicator table (CSV or any table GDAL reads)" }, \
    { "data-key", 0, WM_OPT_VALUE, "FIELD", "area-code column of the table" }, \
    { "value", 0, WM_OPT_VALUE, "FIELD", "value column of the table" }, \
    { "indicator", 0, WM_OPT_VALUE, "ID", "take the values from the indicator store instead of --data" }, \
    { "store", 0, WM_OPT_VALUE | WM_OPT_INPUT, "PATH", "indicator store (SQLite)" }, \
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
    { "geography", 0, WM_OPT_VALUE, "G", "geography of the stored indicator, e.g. ward, lsoa11, locality (default: matched to the layer); without --layer, the store's boundaries of it are drawn" }, \
    { "style", 0, WM_OPT_VALUE, "NAME|FILE", "map style (styles/NAME.style or a file; default styles/default.style)" }, \
    { "value2", 0, WM_OPT_VALUE, "FIELD", "second variable's column: makes a bivariate map" }, \
    { "data2", 0, WM_OPT_VALUE | WM_OPT_INPUT, "TABLE", "table of the second variable (default: --data)" }, \
    { "data2-key", 0, WM_OPT_VALUE, "FIELD", "area-code column of --data2 (default: --data-key)" }, \
    { "indicator2", 0, WM_OPT_VALUE, "ID", "second variable from the store: makes a bivariate map" }, \
    { "legend-title2", 0, WM_OPT_VALUE, "TEXT", "legend heading of the second variable" }, \
    { "reference", 0, WM_OPT_VALUE, "V[:TEXT]", "mark a reference value in the legend, e.g. 13.4:England" }, \
    { "reference-area", 0, WM_OPT_VALUE, "CODE[:TEXT]", "mark the stored value of an area (e.g. E08000026) in the legend" }, \
    { "coverage-threshold", 0, WM_OPT_VALUE, "PERCENT", "flag stored values whose source areas cover less of the area (default 50)" }, \
    { "hide-low-coverage", 0, WM_OPT_FLAG, NULL, "draw stored values below the coverage threshold as No data" }, \
    { "compare", 0, WM_OPT_VALUE, "authority|england", "draw whether each area is significantly higher, similar or lower than the benchmark" }, \
    { "change-from", 0, WM_OPT_VALUE, "ID", "draw which areas entered or left a class since this earlier stored indicator (e.g. imd2019_decile)" }, \
    { "change-class", 0, WM_OPT_VALUE, "LO[-HI]", "the class --change-from follows (default 1, e.g. the most deprived decile)" }, \
    { "allow-partial", 0, WM_OPT_FLAG, NULL, "map even when most areas have no row or a cell that is not a number (drawn as No data), without a warning" }

/* The map options alone, as a table (for panels of small multiples). */
extern const wm_option wm_map_options[];

#define WM_MAP_MAX_BREAKS 64
#define WM_MAP_MAX_SOURCES 16

/* Where one variable's values come from: a table or a stored indicator. */
typedef struct wm_map_variable {
    const char *data;          /* table (FILE[:LAYER]), or NULL */
    const char *data_key;      /* its area-code column */
    const char *value;         /* its value column */
    const char *indicator;     /* or: a stored indicator's id */
} wm_map_variable;

typedef struct wm_map_spec {
    const char *layer, *key, *name_field, *t_srs;
    const char *where, *sql;       /* which features of the layer (layer.h) */
    wm_map_variable var;       /* the variable mapped */
    wm_map_variable var2;      /* a second one (bivariate map), or all NULL */
    int bivariate;
    const char *store;         /* NULL: the default store */
    const char *period, *geography;
    const char *style;         /* NULL: the default style */
    int method_given;
    wm_class_method method;    /* when method_given, else the style's */
    int classes;               /* 0: the style's (3 on a bivariate map) */
    int nbreaks;
    double breaks[WM_MAP_MAX_BREAKS];
    const char *labels;        /* "a|b|..." or NULL */
    const char *palette;       /* NULL: the style's */
    int reverse;
    const char *legend_title, *legend_title2, *unit;
    int nsources;
    const char *sources[WM_MAP_MAX_SOURCES];
    int has_reference;         /* --reference V[:TEXT] */
    double reference;
    const char *reference_label;   /* NULL: "reference" */
    const char *reference_area;    /* --reference-area CODE[:TEXT], or NULL */
    double coverage_threshold;     /* percent (default 50): stored values covering less are flagged */
    int hide_low_coverage;         /* ... or drawn as No data */
    int compare;                   /* 0, or the benchmark of a comparison map: WM_COMPARE_* */
    const char *change_from;       /* a change map: the earlier indicator, or NULL */
    double change_lo, change_hi;   /* the class it follows (default 1-1) */
    int allow_partial;             /* --allow-partial: map a partial join without failing or warning */
} wm_map_spec;

enum { WM_COMPARE_NONE = 0, WM_COMPARE_AUTHORITY, WM_COMPARE_ENGLAND };

/* Fill `spec` from parsed options; errors (WM_EXIT_USAGE) name the
 * option: no --layer, both or neither of --data and --indicator, an
 * unknown method, a class count out of range, breaks that are not a
 * list of numbers, a bivariate map that is not 3 quantile/equal/jenks
 * classes, a malformed --reference, --reference-area without
 * --indicator. */
int wm_map_spec_from_args(const wm_args *a, wm_map_spec *spec, wm_error *err);

#endif
