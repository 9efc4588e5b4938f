/* store_bundled.h -- the default indicator store, and opening a store
 * once for an operation.
 *
 * The default store is <home>/out/store.sqlite (home.h), or the file
 * named by the WARDMAP_STORE environment variable.  When the default
 * store is asked for (path NULL) and is missing, or older than the
 * bundled manifest and metadata files, or of an older schema, it is
 * built from the bundled manifest first (WM_STORE_BUNDLED_MANIFEST).  A
 * default store the user has imported into is theirs and never rebuilt,
 * nor is one that cannot be read (locked by another process, damaged:
 * an error, WM_EXIT_DATA) or one of a newer schema.
 * An explicitly named store is never built implicitly: a missing file is
 * a WM_EXIT_DATA error.
 *
 * This module sits above the importer (store_import.h), which sits above
 * the store itself (store.h): reading a store never needs the importer.
 */
#ifndef WM_STORE_BUNDLED_H
#define WM_STORE_BUNDLED_H

#include "error.h"
#include "store.h"

#include <stddef.h>

/* The bundled manifest, relative to the home. */
#define WM_STORE_BUNDLED_MANIFEST "layers/indicators/coventry.manifest"

/* The default store path (WARDMAP_STORE, else <home>/out/store.sqlite)
 * into buf; returns buf. */
char *wm_store_default_path(char *buf, size_t size);

/* Build the bundled Coventry store from layers/ into `store_path` (NULL:
 * the default path), atomically (atomic.h): a failed build leaves any
 * previous file untouched.  Takes a second or two. */
int wm_store_build_bundled(const char *store_path, wm_error *err);

/* Open `path`, or with NULL the default store, building it first when it
 * is missing or stale (see above). */
wm_store *wm_store_open_for_reading(const char *path, wm_error *err);

/* A store opened on first use and kept open until released: how an
 * operation that may not need the store at all (a map from a table)
 * opens it at most once.  `path` NULL is the default store. */
typedef struct wm_store_handle {
    const char *path;      /* borrowed */
    wm_store *store;       /* NULL until wm_store_get() */
} wm_store_handle;

/* The open store, opening it on the first call.  NULL on error. */
wm_store *wm_store_get(wm_store_handle *h, wm_error *err);

/* Close the store if it was opened (NULL is allowed). */
void wm_store_release(wm_store_handle *h);

#endif
