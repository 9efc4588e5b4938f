/* layer_memo.h -- the layers a run has read, kept for its next readings.
 *
 * A figure set reads the same boundary files again and again: Coventry's
 * 25 items read its ward GeoJSON about 30 times, each time parsed by
 * GDAL and projected.  While a memo is open (wm_layer_memo_begin), a
 * layer wm_layer_open() reads from a plain file (GeoJSON, Shapefile,
 * FlatGeobuf: not a GeoPackage or other SQLite database, whose content
 * can change without its file's size or time changing, through its
 * write-ahead log) is kept, and a later reading of the same file with the
 * same options gets a copy of it (wm_layer_select) instead of a parse.
 *
 * "The same file" is the same device, inode, size and modification time
 * (to the nanosecond), however its path is spelled ("styles/../layers/x"
 * and "layers/x" are one file), so a file rewritten between two readings
 * is read again; and the same layer of it (the spec's LAYER).  "The same
 * options": the target SRS and the attribute filter, and the same key and
 * name fields.  A field asked for by name matches a reading that used that
 * field, whether it was asked for or guessed (layer.h): the reading is the
 * same; one left to be guessed matches only a reading that guessed it
 * too.  Readings by SQL statement are never kept.  Only readings that
 * succeeded are kept.  A copy equals the first reading feature for
 * feature, coordinate for coordinate, and carries the spec it was asked
 * for (messages name the path the caller gave).
 *
 * Memory: at most WM_LAYER_MEMO_MAX_BYTES of source files are kept (the
 * kept layers take less memory than their GeoJSON text).  A layer read
 * through its cached copy (layer_cache.h) is kept as its source's when
 * the source is under WM_LAYER_CACHE_MIN_BYTES: the copy is made from the
 * source and never changes.  National files are not kept.
 *
 * Thread-safe: the workers of a figure set share one memo.  The memo is
 * process-wide and counted: begin and end nest, and the layers are freed
 * by the last end.
 */
#ifndef WM_LAYER_MEMO_H
#define WM_LAYER_MEMO_H

#include "layer.h"

#define WM_LAYER_MEMO_MAX_BYTES (256L * 1024 * 1024)

void wm_layer_memo_begin(void);
void wm_layer_memo_end(void);

/* For wm_layer_open().  A copy of the layer kept for layer `layer_name`
 * (NULL: the file's first) of `file` read with `opt`, its spec `spec`;
 * or NULL (none kept, no memo open, or out of memory: the caller reads
 * the file). */
wm_layer *wm_layer_memo_find(const char *spec, const char *file, const char *layer_name, const wm_layer_options *opt);

/* Keep a copy of `L`, read from layer `layer_name` of `file` by the GDAL
 * driver `driver` (its short name), if a memo is open and the reading
 * may be kept. */
void wm_layer_memo_keep(const char *file, const char *layer_name, const wm_layer_options *opt, const char *driver,
                        const wm_layer *L);

#endif
