/* source_cache.h -- where a cached copy of a source file lives, and
 * whether it is still the source's.
 *
 * Two readers keep copies of what they read slowly: the layer cache
 * (layer_cache.h: a large boundary layer as a British National Grid
 * GeoPackage) and the table cache (table_cache.h: a large indicator
 * table, already checked, in a form read back in milliseconds).  Both
 * name their copies here, so both follow one rule:
 *
 *     CACHE_DIR/BASE-PPPPPPPPPPPPPPPP-KKKKKKKKKKKKKKKK.EXT
 *
 * BASE: the source's file name without its extension, then "-LAYER" when
 * a layer is named (characters other than letters, digits, '_', '-' and
 * '.' made '_'); P: a hash of the absolute path and layer; K: of the
 * source's size and modification time (to the nanosecond where the file
 * system has it).  A source that changes gets a new name; the copies of
 * its older versions are removed once the new one is written
 * (wm_source_cache_remove_stale), and sources of the same name in other
 * folders keep their own.
 *
 * Where the cache is (wm_source_cache_dir): the directory named by
 * WARDMAP_CACHE if it is set ("off" or empty: no cache), else
 * $XDG_CACHE_HOME/wardmap, else $HOME/.cache/wardmap.
 */
#ifndef WM_SOURCE_CACHE_H
#define WM_SOURCE_CACHE_H

#include "error.h"

#include <limits.h>
#include <stddef.h>

/* The cache directory (above), or NULL when caching is off or no
 * directory can be named.  Points into a buffer of the calling thread's,
 * good until its next call. */
const char *wm_source_cache_dir(void);

typedef struct wm_source_cache_entry {
    char path[PATH_MAX];   /* CACHE_DIR/NAME: the copy for the source as it is now */
    char base[200];        /* BASE: the source's name (and layer), file-name safe */
    char prefix[256];      /* BASE-P-: shared by every version of the source */
    char name[320];        /* the file name alone */
    int exists;            /* 1: a non-empty copy is there already */
} wm_source_cache_entry;

/* Name the copy of `source` ("FILE" or "FILE:LAYER") under `cache_dir`
 * with extension `ext` (".gpkg", without a directory).  0, or -1 with
 * `err` set: the source does not exist (WM_EXIT_DATA), the path is too
 * long (WM_EXIT_USAGE).  Makes and writes nothing. */
int wm_source_cache_entry_for(const char *source, const char *cache_dir, const char *ext,
                              wm_source_cache_entry *out, wm_error *err);

/* Remove the other versions of an entry's source (same prefix and
 * extension, another key) once `e` has been written. */
void wm_source_cache_remove_stale(const char *cache_dir, const wm_source_cache_entry *e, const char *ext);

#endif
