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

#include <gdal.h>
#include <ogr_api.h>

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

/* The reader's check before it reads: 1 when `source`'s up-to-date
 * cache exists (its path in `out`), 2 when the source is to be cached
 * but is not yet (the path it will have), 0 when it is read as it is
 * (as wm_layer_cache_for_reading says).  Converts nothing. */
int wm_layer_cache_find(const char *source, long min_bytes, char *out, size_t size);

/* The first reading of a large GeoJSON source, which writes its cache
 * at the same time.  GDAL's GeoJSON driver reads such a file twice: once
 * when it opens it, to learn every feature's fields and their types,
 * then again for the features.  Here the caller's reading starts at
 * once, with the fields GDAL guesses from the first 1,000 features,
 * while a second thread opens the source as GDAL always does, and a
 * third writes each feature the caller hands over into the cache, as
 * wm_layer_cache_path() would, so that the caller never waits for the
 * cache.  At the end the guess is checked: when
 * the full opening finds the same fields, of the same types, and as many
 * features as were read, the caller's features are the source's, and
 * the cache is kept; otherwise the caller reads the source again the
 * usual way (wm_layer_cache_for_reading), and this cache is dropped.
 *
 *     GDALDatasetH ds; OGRLayerH lyr;
 *     wm_layer_cache_tee *tee = wm_layer_cache_tee_begin(spec, WM_LAYER_CACHE_MIN_BYTES, &ds, &lyr);
 *     if (tee) {
 *         for each feature f read from lyr, its geometry in BNG: wm_layer_cache_tee_add(tee, f);
 *         int trusted = wm_layer_cache_tee_end(tee, reading_ok);
 *         GDALClose(ds);
 *     }
 *
 * wm_layer_cache_tee_begin returns NULL (and opens nothing) when the
 * source is not GeoJSON, is not to be cached or has a cache already, or
 * cannot be opened; *ds is then NULL.  Otherwise the caller owns *ds and
 * closes it after wm_layer_cache_tee_end.  Errors of the cache itself
 * are silent, as in wm_layer_cache_for_reading: the source is then read
 * again next time. */
typedef struct wm_layer_cache_tee wm_layer_cache_tee;
wm_layer_cache_tee *wm_layer_cache_tee_begin(const char *source, long min_bytes, GDALDatasetH *ds,
                                             OGRLayerH *lyr);

/* Hand over feature `f` (owned by the call), with its geometry already
 * in British National Grid. */
void wm_layer_cache_tee_add(wm_layer_cache_tee *tee, OGRFeatureH f);

/* Finish: `reading_ok` says whether the caller read every feature.
 * Waits for the full opening, and returns 1 when the guess held (the
 * features read, or the error met reading them, are the source's), 0
 * when the caller must read the source again.  The writer finishes the
 * cache in the background (indexes, closes and puts it in place when
 * the reading was complete and the guess held; drops it otherwise) while
 * the caller goes on; `tee` is no longer the caller's. */
int wm_layer_cache_tee_end(wm_layer_cache_tee *tee, int reading_ok);

/* Wait for every cache still being written in the background.
 * wm_shutdown() and exit() call it (it is registered with both on the
 * first tee), so a process never leaves a cache half-written. */
void wm_layer_cache_wait(void);

#endif
