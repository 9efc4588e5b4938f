/* layer_cache.h -- a large boundary layer converted once, through GDAL,
 * into a British National Grid GeoPackage, for two callers:
 *
 *  - cutting an authority out of a national layer (store_area.h): an
 *    attribute filter such as LAD25CD = 'E06000016' reads only the
 *    features it selects, through an index on every code field;
 *  - drawing a large layer (layer.h): later runs skip parsing the
 *    GeoJSON (55 MB for England and Wales' LSOAs, 2 million vertices)
 *    and projecting it, seconds each time.
 *
 * The GeoPackage holds one layer in EPSG:27700 with an R-tree spatial
 * index and an attribute index on every field whose name ends in "CD"
 * (the ONS codes).  Every feature is kept, in the source's order, with
 * every field; each geometry is projected as the layer reader projects
 * it (reproject.h; a source without a declared SRS is longitude/latitude,
 * GeoJSON's rule), not simplified or repaired, and written as a
 * MultiPolygon (layer_write.h).  So a layer read
 * through the cache has the source's keys, names, order and coordinates.
 *
 *     char cached[PATH_MAX];
 *     if (wm_layer_cache_path("national/ew_lsoa_2021_bgc.geojson", "out/cache",
 *                             cached, sizeof cached, &err) != 0) ...
 *     wm_layer_options o = { .where = "LADCD_ACTIVE = 'E06000016'" };
 *     wm_layer *L = wm_layer_open(cached, &o, &err);
 *
 * A cached file is named as source_cache.h says (CACHE_DIR/BASE-P-K.gpkg,
 * keyed by the source's absolute path, layer, size and modification
 * time; older versions removed).  The conversion is written atomically
 * (atomic.h): processes converting at once (a figure set's jobs) all
 * finish and one file wins, and a killed conversion leaves no cache.
 *
 * Where the drawing's cache lives: wm_source_cache_dir() (WARDMAP_CACHE,
 * else ~/.cache/wardmap).  The area store names its own directory
 * (store_area.h).
 */
#ifndef WM_LAYER_CACHE_H
#define WM_LAYER_CACHE_H

#include "error.h"

#include <stddef.h>

/* The reader caches sources of at least this size: smaller layers read
 * faster than a cache is checked. */
#define WM_LAYER_CACHE_MIN_BYTES (8L * 1024 * 1024)

/* The path of the up-to-date cached GeoPackage of `source` ("FILE" or
 * "FILE:LAYER"; its first layer when none is named) under `cache_dir`
 * (made if missing), converting it first when there is none for the
 * source's present size and time; written into `out` (size `size`).  Its
 * one layer is opened as "PATH".  Errors: the source cannot be read or
 * projected (WM_EXIT_DATA), the cache cannot be written (WM_EXIT_IO), a
 * path too long (WM_EXIT_USAGE). */
int wm_layer_cache_path(const char *source, const char *cache_dir, char *out, size_t size, wm_error *err);

/* The layer reader's use: 1 when `out` names the cached GeoPackage of
 * `source` in wm_source_cache_dir(), 0 when the source is to be read as
 * it is: caching is off (wm_source_cache_dir), the source is not a regular file of at least
 * `min_bytes` (WM_LAYER_CACHE_MIN_BYTES), it is a GeoPackage or
 * FlatGeobuf already (they read fast), or it cannot be converted or
 * cached (silently: the reader then reports the source's own errors). */
int wm_layer_cache_for_reading(const char *source, long min_bytes, char *out, size_t size);

#endif
