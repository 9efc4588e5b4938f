#include "store_bundled.h"
#include "atomic.h"
#include "home.h"
#include "indicator_meta.h"
#include "store_import.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *wm_store_default_path(char *buf, size_t size)
{
    const char *env = getenv("WARDMAP_STORE");
    if (env && *env) snprintf(buf, size, "%s", env);
    else wm_home_path("out/store.sqlite", buf, size);
    return buf;
}

/* The newest modification time of the manifest and the metadata files
 * it lists: a default store older than that is rebuilt. */
static long long bundled_stamp(void)
{
    char path[PATH_MAX];
    wm_home_path(WM_STORE_BUNDLED_MANIFEST, path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    long long stamp = (long long)st.st_mtime;
    wm_error e;
    wm_meta_doc *d = wm_meta_read(path, &e);
    if (!d) return stamp;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->sections[i].type, "imports") != 0) continue;
        for (size_t k = 0; k < d->sections[i].n; k++) {
            char p[PATH_MAX];
            wm_meta_path(d, d->sections[i].entries[k].value, p, sizeof p);
            if (stat(p, &st) == 0 && (long long)st.st_mtime > stamp) stamp = (long long)st.st_mtime;
        }
    }
    wm_meta_free(d);
    return stamp;
}

int wm_store_build_bundled(const char *store_path, wm_error *err)
{
    char def[PATH_MAX], manifest[PATH_MAX];
    const char *path = store_path ? store_path : wm_store_default_path(def, sizeof def);
    wm_home_path(WM_STORE_BUNDLED_MANIFEST, manifest, sizeof manifest);
    wm_atomic *file = wm_atomic_begin(path, WM_ATOMIC_DURABLE, err);
    if (!file) return -1;
    wm_store *s = wm_store_open(wm_atomic_path(file), 1, err);
    if (!s) {
        wm_atomic_abort(file);
        return -1;
    }
    sqlite3_exec(wm_store_db(s), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    int rc = wm_import_manifest(s, manifest, NULL, err);
    if (rc == 0) {
        char sql[200];
        snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO store_info VALUES ('bundled_stamp', '%lld')",
                 bundled_stamp());
        if (sqlite3_exec(wm_store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot record the build: %s", path,
                              sqlite3_errmsg(wm_store_db(s)));
    }
    wm_store_close(s);
    if (rc != 0) {
        wm_atomic_abort(file);
        return -1;
    }
    return wm_atomic_commit(file, err);
}

/* The stamp recorded by wm_store_build_bundled(), -2 when there is none
 * (the user has imported into the store), -1 when it cannot be read
 * (err says why). */
static long long stored_stamp(wm_store *s, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(wm_store_db(s), "SELECT value FROM store_info WHERE key = 'bundled_stamp'", -1, &q,
                           NULL) == SQLITE_OK) {
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) v = sqlite3_column_int64(q, 0);
        else if (rc == SQLITE_DONE) v = -2;
    }
    if (v == -1)
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the store: %s", wm_store_path(s),
                     sqlite3_errmsg(wm_store_db(s)));
    sqlite3_finalize(q);
    return v;
}

wm_store *wm_store_open_for_reading(const char *path, wm_error *err)
{
    if (path) return wm_store_open(path, 0, err);
    char def[PATH_MAX];
    wm_store_default_path(def, sizeof def);
    struct stat st;
    int version = stat(def, &st) == 0 ? wm_store_schema_at(def) : -2;
    if (version == WM_STORE_SCHEMA || version == -1 || version > WM_STORE_SCHEMA) {
        /* A store of this schema, one that cannot be read now (locked by
         * another process, damaged) or one of a newer wardmap: opening it
         * says which, and a store that cannot be read is an error, never
         * rebuilt over. */
        wm_store *s = wm_store_open(def, 0, err);
        if (!s) return NULL;
        /* No stamp: the user has imported into it, so it is theirs. */
        long long stamp = stored_stamp(s, err);
        if (stamp == -2 || stamp == bundled_stamp()) return s;
        wm_store_close(s);
        if (stamp == -1) return NULL;
    }
    /* Missing, stale, or of an older schema: rebuild it. */
    if (wm_store_build_bundled(def, err) != 0) {
        wm_error_prefix(err, "building the default store %s", def);
        return NULL;
    }
    return wm_store_open(def, 0, err);
}

wm_store *wm_store_get(wm_store_handle *h, wm_error *err)
{
    if (!h->store) h->store = wm_store_open_for_reading(h->path, err);
    return h->store;
}

void wm_store_release(wm_store_handle *h)
{
    if (!h) return;
    wm_store_close(h->store);
    h->store = NULL;
}
