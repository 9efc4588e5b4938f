/* layer_cache.h -- a national boundary layer converted once, through
 * GDAL, into British National Grid.
 *
 * England's LSOAs are a 55 MB GeoJSON in longitude/latitude; one
 * authority needs a few hundred of its 35,000 polygons.  Parsing and
 * projecting the whole file for every figure would cost seconds each
 * time, so the layer is converted once into a GeoPackage in EPSG:27700
 * with an R-tree spatial index and an attribute index on every field
 * whose name ends in "CD" (the ONS codes): an attribute filter
 * (wm_layer_options.where, "LAD25CD = 'E06000016'") or a bounding box
 * then reads only the features it selects.  Every field is kept.
 *
 *     char cached[PATH_MAX];
 *     if (wm_layer_cache_path("national/ew_lsoa_2021_bgc.geojson", "out/cache",
 *                             cached, sizeof cached, &err) != 0) ...
 *     wm_layer_options o = { .where = "LADCD_ACTIVE = 'E06000016'" };
 *     wm_layer *L = wm_layer_open(cached, &o, &err);
 *
 * The cache is keyed by the source's size and modification time: the
 * file is CACHE_DIR/BASE-SIZE-MTIME.gpkg (BASE the source's name without
 * its extension, and its layer name when one is given); a source that
 * changes gets a new file and the older ones of the same BASE are
 * removed.  The conversion is written atomically (atomic.h): two
 * processes converting at once both finish and one file wins, and a
 * killed conversion leaves no cache behind.  The geometries are those of
 * the source, transformed by PROJ; they are not simplified or repaired.
 */
#ifndef WM_LAYER_CACHE_H
#define WM_LAYER_CACHE_H

#include "error.h"

#include <stddef.h>

/* The cached GeoPackage of `source` ("FILE" or "FILE:LAYER") under
 * `cache_dir` (made if missing), converting it first when there is none
 * for its present size and time.  Its one layer is opened as "PATH".
 * Errors: the source cannot be read (WM_EXIT_DATA), the cache cannot be
 * written (WM_EXIT_IO). */
int wm_layer_cache_path(const char *source, const char *cache_dir, char *out, size_t size, wm_error *err);

#endif
