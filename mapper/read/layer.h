/* layer.h -- a boundary layer read through OGR and projected with PROJ.
 *
 * Any vector source GDAL reads (GeoJSON, GeoPackage, Shapefile, ...),
 * named "FILE" or "FILE:LAYER".  Every feature keeps its area code (the
 * join key), a display name, and its geometry transformed into the
 * target spatial reference (British National Grid, EPSG:27700, unless
 * the caller asks for another).  The transformation is PROJ's, through
 * OGR, with axis order forced to the traditional GIS order
 * (easting/longitude first), interpolated on a checked grid from
 * longitude/latitude (reproject.h).
 *
 * Features without geometry or without a key are errors naming the
 * feature; two features with the same key are an error too, since a join
 * on that key would be ambiguous.  So are, each with its own message
 * (WM_EXIT_DATA):
 *   - a layer with no features (an empty FeatureCollection), a shapefile
 *     without its .dbf, features without attributes;
 *   - a layer holding no polygons (Points, LineStrings: a choropleth
 *     needs areas), or a feature that is not a polygon among polygons;
 *     curved polygons are accepted and made into straight segments;
 *   - a coordinate that is not finite or not plausible (beyond a turn of
 *     longitude or a quarter of latitude in a geographic SRS, beyond
 *     100,000 km in any other), before and after projection, naming the
 *     feature and the coordinate;
 *   - a key or name that is not valid UTF-8 (utf8.h).
 * Keys and names are trimmed of white space, Unicode spaces included.
 */
#ifndef WM_LAYER_H
#define WM_LAYER_H

#include "error.h"
#include <ogr_api.h>
#include <stddef.h>

#define WM_DEFAULT_SRS "EPSG:27700"

typedef struct wm_feature {
    char *key;            /* value of the key field, trimmed */
    char *name;           /* value of the name field, or the key */
    OGRGeometryH geom;    /* owned; in the layer's target SRS */
} wm_feature;

typedef struct wm_layer {
    char *spec;           /* as given, for messages */
    char *key_field;
    char *name_field;     /* the field the names came from, or NULL */
    size_t n;
    wm_feature *features;
    OGRSpatialReferenceH srs;   /* target SRS (owned) */
    double minx, miny, maxx, maxy;  /* extent in the target SRS */
} wm_layer;

/* Read `spec`.  `key_field` names the area-code field (NULL: the first
 * field whose name ends in "CD", the ONS convention); `name_field` the
 * display-name field, or NULL to pick one: the first field whose name
 * ends in "NM" (ONS convention: WD25NM, LSOA11NM), else "name", else
 * the key.  `target_srs` is anything OSRSetFromUserInput accepts
 * ("EPSG:27700", a PROJ string, WKT) or NULL for EPSG:27700.
 * A source without a declared SRS is taken as WGS84 longitude/latitude
 * (GeoJSON's rule). */
wm_layer *wm_layer_read(const char *spec, const char *key_field, const char *name_field,
                        const char *target_srs, wm_error *err);

/* How to read a layer: the fields, the target SRS, and which features.
 * NULL members take the defaults of wm_layer_read(). */
typedef struct wm_layer_options {
    const char *key_field, *name_field, *target_srs;
    const char *where;     /* an attribute filter (OGR SQL WHERE), e.g. "LAD25CD = 'E06000016'" */
    const char *sql;       /* a statement whose result is the layer (OGR SQL; SQLite SQL for GeoPackages) */
} wm_layer_options;

/* Read `spec` as `opt` says; a filter or statement that selects nothing
 * is an error naming it (WM_EXIT_DATA), one OGR does not understand a
 * usage error (WM_EXIT_USAGE). */
wm_layer *wm_layer_open(const char *spec, const wm_layer_options *opt, wm_error *err);

/* Index of the feature with this key, or -1.  O(log n). */
long wm_layer_find(const wm_layer *layer, const char *key);

/* The GDAL drivers the reader opens `file` with: the one its extension
 * names (.geojson, .shp, .gpkg), or NULL (any driver).  GDAL would
 * otherwise let a file's content pick another driver (a .geojson file
 * holding "<OGRVRTDataSource" would be read as a VRT, which may open
 * other files). */
const char *const *wm_layer_drivers_for(const char *file);

/* A new layer of `n` features of `src` (those at `index`), geometries
 * copied, with `names` (NULL, or NULL entries: keep the name) as their
 * names: e.g. the top wards of a ranking, labelled "1 Foleshill". */
wm_layer *wm_layer_select(const wm_layer *src, const size_t *index, size_t n, const char *const *names,
                          wm_error *err);

void wm_layer_free(wm_layer *layer);

#endif
