/* gpkg.h -- write a GeoPackage for GIS teams through GDAL's GPKG driver.
 *
 * A wm_gpkg is a GeoPackage being written under a temporary name beside
 * its target and renamed into place only by wm_gpkg_commit():
 *
 *     wm_gpkg *g = wm_gpkg_begin("out/coventry.gpkg", WM_GPKG_NEW, &err);
 *     wm_gpkg_write_layer(g, &wards, &err);          // areas + columns
 *     wm_gpkg_add_style(g, &style, &err);            // layer_styles row
 *     wm_gpkg_add_indicators(g, rows, n, &err);      // indicator_metadata
 *     wm_gpkg_commit(g, &err);                       // or wm_gpkg_abort(g)
 *
 * Atomicity.  The temporary file lives in a private directory
 * ".NAME.wardmap-XXXXXX" in the target's directory (same file system, so
 * the final rename is atomic); SQLite's journal files stay in there too.
 * Until the rename the target is never opened for writing, so a failed or
 * killed export leaves it exactly as it was (a killed one can leave the
 * private directory behind; nothing else).  WM_GPKG_NEW refuses an
 * existing target, at begin and again at commit (link(2) does not
 * overwrite); WM_GPKG_REPLACE overwrites it; WM_GPKG_APPEND copies the
 * existing GeoPackage to the temporary name, adds to the copy and renames
 * it over the original, so everything it held is kept.
 *
 * What is written.
 *  - Feature layers: fid, geom (MULTIPOLYGON when every area is
 *    polygonal), the area code and name columns of the source layer, then
 *    the caller's columns; NAN and NULL strings are written as NULL, never
 *    as 0 or "".  A spatial index (rtree) is created, as QGIS expects.
 *  - Column titles and descriptions go to gpkg_data_columns (the
 *    GeoPackage "schema" extension, registered in gpkg_extensions) as
 *    `title` and `description`.  GDAL 3.6 does not write field
 *    alternative names to GeoPackage (3.7 does, into the UNIQUE `name`
 *    column, which would make equal titles in two layers fail), so the
 *    rows are written here with SQL through the driver; GDAL >= 3.7 reads
 *    `title` back as the field's alternative name.
 *  - layer_styles: created through OGR as an attribute layer (FID "id",
 *    the columns and update_time default QGIS uses), so it is registered
 *    in gpkg_contents as "attributes" like QGIS does.  Rows have
 *    f_table_catalog and f_table_schema = '' (QGIS ignores a row where
 *    either is NULL) and f_geometry_column = the layer's geometry column.
 *  - indicator_metadata: a non-spatial (attributes) table with one row per
 *    indicator column: layer, column, id, period, title, unit, polarity,
 *    family, geographies, publisher, source, licence, aggregation,
 *    method, notes.
 */
#ifndef WM_GPKG_H
#define WM_GPKG_H

#include "error.h"
#include "layer.h"
#include "store.h"

#include <stddef.h>
#include <time.h>

typedef struct wm_gpkg wm_gpkg;

typedef enum {
    WM_GPKG_NEW,        /* the target must not exist */
    WM_GPKG_REPLACE,    /* an existing target is overwritten at commit */
    WM_GPKG_APPEND      /* the target must be a GeoPackage; layers are added to a copy */
} wm_gpkg_mode;

/* Start writing `target`.  Errors: WM_EXIT_USAGE when the target exists
 * (NEW), is missing (APPEND) or is a directory; WM_EXIT_DATA when an
 * APPEND target is not a GeoPackage; WM_EXIT_IO when the temporary file
 * cannot be made. */
wm_gpkg *wm_gpkg_begin(const char *target, wm_gpkg_mode mode, wm_error *err);

/* The time the GeoPackage's tables say they last changed
 * (gpkg_contents.last_change, layer_styles.update_time), to be set before
 * any layer is written.  Without it they say when they were written,
 * which makes every run's file differ.  SOURCE_DATE_EPOCH, when set,
 * overrides both (the reproducible-builds convention). */
void wm_gpkg_set_date(wm_gpkg *g, time_t when);

/* Close the GeoPackage, flush it to disk and rename it into place.  On
 * failure the temporary file is removed and the target is untouched.
 * Frees `g` either way. */
int wm_gpkg_commit(wm_gpkg *g, wm_error *err);

/* Close and delete the temporary file; the target is untouched.  Frees
 * `g` (NULL is allowed). */
void wm_gpkg_abort(wm_gpkg *g);

/* The temporary file being written (for messages and tests). */
const char *wm_gpkg_temp_path(const wm_gpkg *g);

/* Whether a table (feature layer or attribute table) of this name exists. */
int wm_gpkg_has_layer(const wm_gpkg *g, const char *name);

/* Delete a layer with everything that describes it: its layer_styles
 * rows, indicator_metadata rows and gpkg_data_columns rows. */
int wm_gpkg_drop_layer(wm_gpkg *g, const char *name, wm_error *err);

typedef enum { WM_GPKG_REAL, WM_GPKG_INTEGER, WM_GPKG_TEXT } wm_gpkg_type;

/* One attribute column of a layer: n = layer->n values in feature order. */
typedef struct wm_gpkg_column {
    const char *name;                /* column name */
    const char *title;               /* short human title (alias), may be NULL */
    const char *description;         /* longer text, may be NULL */
    wm_gpkg_type type;
    const double *num;               /* REAL, INTEGER: NAN = NULL */
    const char *const *text;         /* TEXT: NULL entry = NULL */
} wm_gpkg_column;

typedef struct wm_gpkg_layer {
    const char *name;                /* table name */
    const char *identifier;          /* gpkg_contents.identifier (unique), NULL = name */
    const char *description;         /* gpkg_contents.description, may be NULL */
    const wm_layer *areas;           /* geometries (in areas->srs), codes, names */
    const char *key_title;           /* title of the area-code column, e.g. "Ward code" */
    const char *name_title;          /* title of the area-name column */
    const wm_gpkg_column *columns;
    int ncolumns;
} wm_gpkg_layer;

/* Write a feature layer.  An existing table of that name is an error
 * (drop it first).  Column names must be distinct from each other and
 * from fid, geom and the key and name columns. */
int wm_gpkg_write_layer(wm_gpkg *g, const wm_gpkg_layer *layer, wm_error *err);

/* The name of a table's geometry column, or NULL for an attribute table
 * or a missing one. */
const char *wm_gpkg_geometry_column(const wm_gpkg *g, const char *table);

typedef struct wm_gpkg_style {
    const char *table;               /* the styled layer */
    const char *name;                /* styleName (QGIS limits it to 30 characters) */
    const char *qml;                 /* styleQML */
    const char *sld;                 /* styleSLD, may be NULL */
    const char *description;         /* may be NULL */
    int use_as_default;              /* 1: QGIS loads this style with the layer */
} wm_gpkg_style;

/* Add a row to layer_styles (creating the table through OGR when
 * absent).  A default style clears useAsDefault on the table's other
 * rows, as QGIS does. */
int wm_gpkg_add_style(wm_gpkg *g, const wm_gpkg_style *style, wm_error *err);

/* One row of indicator_metadata: the column `column` of layer `layer`
 * holds indicator `meta`. */
typedef struct wm_gpkg_indicator {
    const char *layer;
    const char *column;
    const wm_indicator_meta *meta;
} wm_gpkg_indicator;

/* Append rows to indicator_metadata (creating it when absent). */
int wm_gpkg_add_indicators(wm_gpkg *g, const wm_gpkg_indicator *rows, size_t n, wm_error *err);

#define WM_GPKG_METADATA_TABLE "indicator_metadata"
#define WM_GPKG_STYLES_TABLE "layer_styles"

#endif
