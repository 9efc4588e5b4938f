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
 * its FID (a message names it as the source's reading would) and every
 * field; each geometry is projected as the layer reader projects
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

/* The reader caches every source it can (wm_layer_cache_for_reading with
 * min_bytes 0): even Coventry's 400 KB LSOA GeoJSON reads about four
 * times faster from its copy, and a copy already in BNG spares a process
 * PROJ's search for the transformation from longitude/latitude (140 M
 * instructions, more than parsing that GeoJSON).  A source of at least
 * this size is read, the first time, while its copy is written (the tee
 * below); a smaller one is converted first, then read from its copy. */
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

/* What the reader's check before it reads finds (wm_layer_cache_find). */
enum {
    WM_LAYER_CACHE_NONE = 0,     /* the source is read as it is (as wm_layer_cache_for_reading says) */
    WM_LAYER_CACHE_FULL = 1,     /* the up-to-date full copy exists: `out` names it */
    WM_LAYER_CACHE_TO_MAKE = 2,  /* to be cached, and no copy exists yet: `out` names the full copy's path */
    WM_LAYER_CACHE_GUESSED = 3   /* only a first reading's copy exists (below): `out` names it */
};

/* The reader's check before it reads: one of the above.  Converts
 * nothing. */
int wm_layer_cache_find(const char *source, long min_bytes, char *out, size_t size);

/* The first reading of a large GeoJSON source, which writes a copy at
 * the same time.  GDAL's GeoJSON driver reads such a file twice: once
 * when it opens it, to learn every feature's fields and their types,
 * then again for the features, each pass seconds for England's LSOAs.
 * Here it is read once: the caller's reading starts at once, with the
 * fields GDAL guesses from the first 1,000 features, and a second
 * thread writes each feature the caller hands over into a copy, so that
 * the caller never waits for it.  The source is cut in two where it can
 * be (geojson_halves.h), so that the caller reads each half on its own
 * thread (wm_layer_cache_tee_second_half), each with its own guess.
 *
 * The guess is not checked against the whole file (that is the pass
 * saved), so the copy keeps only what the guess cannot get wrong: every
 * feature's geometry, in BNG, and the values of the guess's text fields.
 * A text field's values are the source's whatever the later features
 * hold (a number there is read as its text, and the full schema types
 * the field as text too); a number or date field's may not be (a later
 * "n/a" is read as 0), so the copy has those fields but leaves them
 * empty; a field first seen after the guess is not in it at all.  The
 * copy is only ever read whole, so it has no spatial or code index
 * (building them was most of the writer's work).  It is
 * CACHE_DIR/BASE-P-K.guess.gpkg (source_cache.h), beside where
 * the full copy (wm_layer_cache_path) would be, and the full copy, once
 * made, replaces it.  The reader decides whether a reading can trust
 * the guess, from the copy or from the first reading itself (layer.c:
 * its code and name fields must be text fields the guess found as the
 * full schema would); when it cannot, or the first reading fails at all,
 * it reads the source the usual way, whose error, if any, it gives.
 *
 *     GDALDatasetH ds; OGRLayerH lyr;
 *     wm_layer_cache_tee *tee = wm_layer_cache_tee_begin(spec, WM_LAYER_CACHE_MIN_BYTES, &ds, &lyr);
 *     if (tee) {
 *         for each feature f read from lyr, its geometry in BNG: wm_layer_cache_tee_add(tee, f);
 *         wm_layer_cache_tee_end(tee, reading_ok);
 *         GDALClose(ds);
 *     }
 *
 * wm_layer_cache_tee_begin returns NULL (and opens nothing) when the
 * source is not GeoJSON, may have a "crs" member after its features (its
 * last 4 KiB hold "crs"; GDAL's guess would miss it), is not to be
 * cached or has a copy already, or cannot be opened; *ds is then NULL.  Otherwise the caller owns *ds and
 * closes it after wm_layer_cache_tee_end.  Errors of the copy itself
 * are silent, as in wm_layer_cache_for_reading: the source is then read
 * again next time. */
typedef struct wm_layer_cache_tee wm_layer_cache_tee;
wm_layer_cache_tee *wm_layer_cache_tee_begin(const char *source, long min_bytes, GDALDatasetH *ds,
                                             OGRLayerH *lyr);

/* A large source is cut in two (geojson_halves.h) so that two threads
 * parse it at once: *ds and *lyr are then half 0, and this is half 1's
 * layer, owned by the tee, for the caller to read on a second thread
 * (and only there) before wm_layer_cache_tee_end.  NULL when the source
 * is read whole.  Each half has its own guess of the fields; they are
 * cut only when half 1's guess has every text field of half 0's as a
 * text field, and the same SRS.  Half 1's features, read alone, are
 * numbered from 0 by GDAL: a message naming one would be wrong, so a
 * caller whose half-1 reading fails reads the source the usual way. */
OGRLayerH wm_layer_cache_tee_second_half(wm_layer_cache_tee *tee);

/* Hand over feature `f` (owned by the call) of half `half` (0 when the
 * source is read whole), with its geometry already in British National
 * Grid.  The copy holds half 0's features, then half 1's, each in the
 * order handed over. */
void wm_layer_cache_tee_add(wm_layer_cache_tee *tee, int half, OGRFeatureH f);

/* Finish, after both halves' readings: `reading_ok` says whether the
 * caller read every feature (and GDAL reported no failure while it did).  The writer finishes the copy
 * in the background (closes it and puts it in place when the reading
 * was complete; drops it otherwise) while the caller goes on;
 * `tee` is no longer the caller's. */
void wm_layer_cache_tee_end(wm_layer_cache_tee *tee, int reading_ok);

/* Wait for every cache still being written in the background.
 * wm_shutdown() and exit() call it (it is registered with both on the
 * first tee), so a process never leaves a cache half-written. */
void wm_layer_cache_wait(void);

#endif
