/* table_cache.h -- a large indicator table kept, once read and checked,
 * in a form read back in milliseconds.
 *
 * Making one authority's store reads some twenty national tables (37 MB
 * of CSV: the IMD files, the lookups, Census and fuel poverty for every
 * LSOA in England).  Parsing them through GDAL and checking every cell
 * took most of the store's build, the same work for every authority.
 * The table reader (table.h) therefore keeps each CSV, TSV, XLSX or ODS
 * file of at least WM_TABLE_CACHE_MIN_BYTES, and each GeoJSON file of at
 * least WM_TABLE_CACHE_MIN_GEOJSON_BYTES, that it has read without error in the source
 * cache (source_cache.h: WARDMAP_CACHE, else ~/.cache/wardmap; keyed by
 * the file's absolute path, size and modification time), and later reads
 * of the unchanged file load that copy instead.
 *
 * The copy holds exactly what the reader returned: the column names, the
 * cells as text (nothing converted) and each row's line in the source,
 * so messages name the same lines.  Only tables that passed every check
 * are kept, so a cached table reports no error its source would not.
 * The format (a header "wardmap-table-1", counts, the lines, then every
 * string NUL-terminated) is checked on loading; a copy that does not add
 * up is ignored and the source read again.  A copy is written atomically
 * (atomic.h) and failing to write one is not an error.
 */
#ifndef WM_TABLE_CACHE_H
#define WM_TABLE_CACHE_H

#include "table.h"

/* Smaller tables are read faster than a copy is checked. */
#define WM_TABLE_CACHE_MIN_BYTES (512L * 1024)

/* A GeoJSON file read as a table (the properties of its features, as a
 * store reads a boundary file's codes and names) is kept from this
 * size: GDAL parses every coordinate of the geometries to read it, some
 * 300 instructions a byte where a CSV costs ten, and a store build read
 * each of Coventry's five boundary files (1.2 MB) two or three times,
 * a fifth of its work. */
#define WM_TABLE_CACHE_MIN_GEOJSON_BYTES (32L * 1024)

/* The cached copy of `spec` ("FILE" or "FILE:LAYER") as a table whose
 * path is `spec`, or NULL when there is none to use (caching off, the
 * source small or not a regular file, no copy for its present size and
 * time, or a damaged copy). */
wm_table *wm_table_cache_load(const char *spec);

/* Keep `t`, read from `spec`, for later reads when the source is large
 * enough and caching is on.  Silent: a cache that cannot be written only
 * costs the next read its time. */
void wm_table_cache_save(const wm_table *t, const char *spec);

#endif
