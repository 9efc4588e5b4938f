/* layer_cache.h -- large boundary layers converted once to British
 * National Grid FlatGeobuf, so later runs skip parsing and projecting.
 *
 * Parsing a national GeoJSON (55 MB, 2 million vertices) and projecting
 * it to BNG costs seconds on every run; reading the same features from a
 * FlatGeobuf already in BNG costs a fraction of one.  The conversion is
 * GDAL's (GDALVectorTranslate, as `ogr2ogr -f FlatGeobuf -t_srs
 * EPSG:27700`): every feature and every attribute, in the source's
 * order, each geometry projected by the same OGR/PROJ transformation the
 * layer reader uses, so a layer read through the cache is the layer read
 * from the source.
 *
 * A cached file is named from the source's absolute path and layer and
 * keyed by the source's size and modification time:
 *   DIR/NAME-PPPPPPPPPPPPPPPP-KKKKKKKKKKKKKKKK.fgb
 * (P: a hash of the path and layer, K: of size and mtime).  A source that
 * changed gets a new file, and the stale ones of the same source are
 * removed.  A file is written under a temporary name and renamed, so
 * processes running side by side (figure sets) never see half of one.
 *
 * The directory: WARDMAP_CACHE if set ("off" or empty: no cache), else
 * $XDG_CACHE_HOME/wardmap, else $HOME/.cache/wardmap.  Only sources of at
 * least WM_LAYER_CACHE_MIN_BYTES are cached by the layer reader: small
 * layers read faster than a cache is checked.
 */
#ifndef WM_LAYER_CACHE_H
#define WM_LAYER_CACHE_H

#include "error.h"

#include <stddef.h>

#define WM_LAYER_CACHE_MIN_BYTES (8L * 1024 * 1024)

/* The cache directory from the environment (above), or NULL when caching
 * is off or no directory can be named.  Points into a static buffer. */
const char *wm_layer_cache_dir(void);

/* The path of an up-to-date BNG FlatGeobuf of `file` (its layer `layer`,
 * or its first when NULL) in `cache_dir`, converting it first if need
 * be; written into `out` (size `size`).  Returns 1 when `out` names a
 * cached file, 0 when the source is not cached (smaller than `min_bytes`,
 * a FlatGeobuf or GeoPackage already (they read fast), not a file, or GDAL could not convert it: the
 * caller reads the source and reports its errors), -1 on an error worth
 * stopping for (none yet: a cache that cannot be written is skipped). */
int wm_layer_cache_path(const char *file, const char *layer, const char *cache_dir, long min_bytes, char *out,
                        size_t size, wm_error *err);

#endif
