/* qgis_style.h -- the styles a GeoPackage carries for QGIS and other
 * clients: QGIS QML and OGC SLD text for a choropleth.
 *
 * Pure string building, so it is tested without QGIS.  The QML follows
 * what QGIS 3.22 itself writes (see ../shared/docs/mapping-notes.md):
 *
 *   <qgis version="3.22.16" styleCategories="Symbology|Labeling|Fields">
 *     <renderer-v2 type="graduatedSymbol" attr="FIELD" graduatedMethod="GraduatedColor">
 *       <ranges> one <range lower upper symbol label render> per class </ranges>
 *       <symbols> one fill <symbol name="N"> with a SimpleFill layer per class </symbols>
 *       <classificationMethod id="Quantile|EqualInterval|Jenks|..."/>
 *     </renderer-v2>
 *     <labeling type="simple"> labels on the area names </labeling>
 *     <aliases> the field aliases </aliases>
 *   </qgis>
 *
 * QGIS needs both <ranges> and <symbols> or it drops the renderer; the
 * legend text is each range's label, so the labels carry the counts, as
 * in the rendered figure's legend: "10.0 to < 20.0 (4)".
 *
 * Class bounds.  wardmap's class i holds lower[i] <= v < upper[i] (the
 * last class also holds its upper bound).  QGIS's graduated renderer gives
 * a value to the first range with lower <= v <= upper, so every upper
 * bound but the last is written as the largest double below the next
 * class's lower bound: a value lying exactly on a break (common, since
 * quantile breaks are data values) falls in the same class in QGIS as in
 * the figure.  The SLD says the same with >= and < filters.  Unbounded
 * manual classes (< A, >= B) are written with +-DBL_MAX.
 *
 * No data.  A graduated renderer has no NULL class: QGIS draws nothing
 * for a NULL value (and its own break computations would count it as 0,
 * qgis/QGIS #31853).  The graduated QML therefore leaves No data areas
 * unfilled (their labels still show); wm_qgis_qml_rules() writes the
 * same classes as a rule-based renderer with a "No data (N)" rule in the
 * neutral No data colour, and the SLD has that rule too.
 */
#ifndef WM_QGIS_STYLE_H
#define WM_QGIS_STYLE_H

#include "classify.h"
#include "palette.h"

#include <stddef.h>

/* The QGIS version the QML declares (an older or missing one makes QGIS
 * run its upgrade transforms on the style). */
#define WM_QML_VERSION "3.22.16-Białowieża"

typedef struct wm_qgis_class {
    double lower, upper;      /* wardmap bounds: lower <= v < upper (last: <=) */
    int single_value;         /* categorical: the class is the one value `lower` */
    char colour[8];           /* "#rrggbb", lower case */
    char label[160];          /* legend text, with the count */
} wm_qgis_class;

typedef struct wm_qgis_alias {
    const char *field;        /* column name */
    const char *alias;        /* what QGIS shows instead */
} wm_qgis_alias;

typedef struct wm_qgis_style {
    char layer[128];          /* layer (table) name, for the SLD */
    char attr[128];           /* the classified column */
    char label_field[128];    /* column labelled on the map ("" = no labels) */
    char label_flag[128];     /* a text column whose value starting "coverage below" adds a dagger to the
                                 label (a value resting on too little of its area), or "" */
    char title[256];          /* legend title, for the SLD's title */
    char method[24];          /* QGIS classificationMethod id */
    int n;                    /* classes */
    wm_qgis_class cls[WM_MAX_CLASSES];
    char nodata_colour[8];    /* "#rrggbb" */
    char nodata_label[64];    /* "No data (3)" */
    size_t nodata;            /* number of No data areas */
    char outline_colour[8];   /* area outlines, "#rrggbb" */
    double outline_mm;        /* outline width in millimetres */
    const wm_qgis_alias *aliases;   /* borrowed; may be NULL */
    int naliases;
} wm_qgis_style;

/* Fill `s` from a classification and its palette (palette->n ==
 * classes->n): colours as published, labels "<class label> (<count>)",
 * the No data colour and label, and the QGIS method id.  `layer`, `attr`
 * and `label_field` (NULL = none) are copied. */
void wm_qgis_from_classes(wm_qgis_style *s, const wm_classes *classes,
                           const wm_palette *palette, wm_rgb nodata_colour,
                           const char *layer, const char *attr, const char *label_field);

/* QGIS's classificationMethod id for a wardmap method: "Quantile",
 * "EqualInterval", "Jenks"; manual and categorical breaks are "Custom"
 * (QGIS's own id for ranges set by hand). */
const char *wm_qgis_method(wm_class_method m);

/* "#rrggbb" (lower case) for a colour with components in 0..1. */
void wm_qgis_hex(wm_rgb c, char out[8]);

/* The QML of a graduated renderer (graduatedSymbol) with labels and
 * aliases.  Returns a malloc'd string; NULL only when out of memory. */
char *wm_qgis_qml_graduated(const wm_qgis_style *s);

/* The same classes as a rule-based renderer (RuleRenderer) with an extra
 * "No data" rule, for clients that should draw No data areas.  Malloc'd. */
char *wm_qgis_qml_rules(const wm_qgis_style *s);

/* A QML showing only outlines and labels (single-symbol renderer with no
 * fill) for layers that carry data but no map: `label_field` may be NULL,
 * `aliases` as above.  Malloc'd. */
char *wm_qgis_qml_outline(const char *label_field, const char *outline_colour, double outline_mm,
                           const wm_qgis_alias *aliases, int naliases);

/* The SLD 1.1 (Symbology Encoding) version of the graduated style: one
 * rule per class with >= / < filters (== for categorical classes), a
 * PropertyIsNull rule for No data, and a TextSymbolizer on `label_field`.
 * Malloc'd. */
char *wm_qgis_sld(const wm_qgis_style *s);

/* SLD for an outline style (see wm_qgis_qml_outline).  Malloc'd. */
char *wm_qgis_sld_outline(const char *layer, const char *label_field, const char *outline_colour,
                           double outline_mm);

/* Escape text for an XML attribute or element (&, <, >, ", ').  Returns
 * a malloc'd string. */
char *wm_xml_escape(const char *text);

#endif
