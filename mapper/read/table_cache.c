/* table_cache.c -- checked tables kept for the next read (table_cache.h). */
#include "table_cache.h"
#include "atomic.h"
#include "home.h"
#include "source_cache.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EXT ".wmtable"
static const char MAGIC[16] = "wardmap-table-1\n";

/* The copy's entry, when `spec` is worth caching; 0 otherwise. */
static int entry_for(const char *spec, wm_source_cache_entry *e, const char **dir)
{
    *dir = wm_source_cache_dir();
    if (!*dir) return 0;
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(spec, &file, &layer);
    struct stat st;
    /* Files parsed as text or spreadsheets; a database (a GeoPackage's
     * attribute table) is read fast as it is. */
    long min_bytes = -1;
    if (file && (wm_has_suffix(file, ".csv") || wm_has_suffix(file, ".tsv") || wm_has_suffix(file, ".xlsx") ||
                 wm_has_suffix(file, ".ods")))
        min_bytes = WM_TABLE_CACHE_MIN_BYTES;
    else if (file && (wm_has_suffix(file, ".geojson") || wm_has_suffix(file, ".json")))
        min_bytes = WM_TABLE_CACHE_MIN_GEOJSON_BYTES;
    int wanted = min_bytes >= 0 && stat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= min_bytes;
    free(file);
    free(layer);
    if (!wanted) return 0;
    wm_error quiet;
    wm_error_clear(&quiet);
    return wm_source_cache_entry_for(spec, *dir, EXT, e, &quiet) == 0;
}

wm_table *wm_table_cache_load(const char *spec)
{
    wm_source_cache_entry e;
    const char *dir;
    if (!entry_for(spec, &e, &dir) || !e.exists) return NULL;
    FILE *fp = fopen(e.path, "rb");
    if (!fp) return NULL;
    wm_table *t = NULL;
    char *buf = NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || st.st_size < 40) goto bad;
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (!buf || fread(buf, 1, size, fp) != size) goto bad;
    buf[size] = '\0';
    int64_t head[3];
    memcpy(head, buf + 16, sizeof head);
    if (memcmp(buf, MAGIC, sizeof MAGIC) != 0 || head[0] <= 0 || head[0] > 100000 || head[1] < 0) goto bad;
    size_t ncols = (size_t)head[0], nrows = (size_t)head[1], lines_at = 40;
    if (nrows > (size - lines_at) / 8) goto bad;
    size_t blob_at = lines_at + nrows * 8;
    if ((uint64_t)head[2] != size - blob_at) goto bad;
    t = calloc(1, sizeof *t);
    if (!t) goto bad;
    t->path = strdup(spec);
    t->colnames = calloc(ncols + 1, sizeof *t->colnames);
    t->cells = malloc((nrows ? nrows : 1) * ncols * sizeof *t->cells);
    t->lines = malloc((nrows ? nrows : 1) * sizeof *t->lines);
    if (!t->path || !t->colnames || !t->cells || !t->lines) goto bad;
    for (size_t r = 0; r < nrows; r++) {
        int64_t line;
        memcpy(&line, buf + lines_at + 8 * r, 8);
        t->lines[r] = (long)line;
    }
    /* Every string in order, each ending at a NUL inside the file. */
    char *p = buf + blob_at, *end = buf + size;
    size_t want = ncols + nrows * ncols;
    for (size_t i = 0; i < want; i++) {
        char *z = memchr(p, '\0', (size_t)(end - p));
        if (!z) goto bad;
        if (i < ncols) t->colnames[i] = p;
        else t->cells[i - ncols] = p;
        p = z + 1;
    }
    if (p != end) goto bad;
    t->ncols = (int)ncols;
    t->nrows = nrows;
    t->arena = buf;
    fclose(fp);
    return t;
bad:
    fclose(fp);
    if (t) {
        /* Nothing points into buf yet as far as free is concerned. */
        free(t->path);
        free(t->colnames);
        free(t->cells);
        free(t->lines);
        free(t);
    }
    free(buf);
    return NULL;
}

void wm_table_cache_save(const wm_table *t, const char *spec)
{
    wm_source_cache_entry e;
    const char *dir;
    if (!entry_for(spec, &e, &dir) || e.exists) return;
    if (wm_make_dirs(dir) != 0) return;
    wm_error quiet;
    wm_error_clear(&quiet);
    wm_atomic *a = wm_atomic_begin(e.path, WM_ATOMIC_REPLACE, &quiet);
    if (!a) return;
    FILE *fp = wm_atomic_stream(a, &quiet);
    if (!fp) {
        wm_atomic_abort(a);
        return;
    }
    size_t cells = t->nrows * (size_t)t->ncols;
    uint64_t blob = 0;
    for (int c = 0; c < t->ncols; c++) blob += strlen(t->colnames[c]) + 1;
    for (size_t i = 0; i < cells; i++) blob += strlen(t->cells[i]) + 1;
    int64_t head[3] = { t->ncols, (int64_t)t->nrows, (int64_t)blob };
    fwrite(MAGIC, 1, sizeof MAGIC, fp);
    fwrite(head, sizeof head, 1, fp);
    for (size_t r = 0; r < t->nrows; r++) {
        int64_t line = t->lines[r];
        fwrite(&line, 8, 1, fp);
    }
    for (int c = 0; c < t->ncols; c++) fwrite(t->colnames[c], 1, strlen(t->colnames[c]) + 1, fp);
    for (size_t i = 0; i < cells; i++) fwrite(t->cells[i], 1, strlen(t->cells[i]) + 1, fp);
    if (wm_atomic_commit(a, &quiet) == 0) wm_source_cache_remove_stale(dir, &e, EXT);
}
