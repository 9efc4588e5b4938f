/* layer_cache.c -- BNG GeoPackage copies of large layers (layer_cache.h). */
#include "layer_cache.h"
#include "atomic.h"
#include "geojson_halves.h"
#include "home.h"
#include "layer.h"
#include "layer_write.h"
#include "reproject.h"
#include "source_cache.h"
#include "text.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <pthread.h>
#include <limits.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The extension of a copy written by a first reading (wm_layer_cache_tee):
 * the guess's fields, only the text ones' values (layer_cache.h). */
#define GUESS_EXT ".guess.gpkg"

/* An index on each code field: attribute filters read only what they select. */
static void index_codes(GDALDatasetH dst, const char *lname, OGRFeatureDefnH defn)
{
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        size_t len = strlen(f);
        if (len < 3 || strcasecmp(f + len - 2, "CD") != 0 ||
            strspn(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != len)
            continue;
        char sql[1200];
        snprintf(sql, sizeof sql, "CREATE INDEX \"ix_%s_%s\" ON \"%s\" (\"%s\")", lname, f, lname, f);
        GDALDatasetExecuteSQL(dst, sql, NULL, "SQLITE");
    }
}

/* The copy's filter: notes a feature whose geometry is not an area (the
 * copy is then not made). */
static int areal(OGRFeatureH f, void *ctx)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbPolygon;
    if (t != wkbPolygon && t != wkbMultiPolygon) *(int *)ctx = 1;
    return 1;
}

/* The copy is made only of what the reader reads the same way from it:
 * a layer the reader's driver opens (wm_layer_drivers_for), with
 * features, whose geometries are areas.  Anything else (an empty layer,
 * points, lines) is left to the reader, whose messages name what is
 * wrong in the source's own terms.  A feature without a geometry is
 * copied as it is, and the reader names it from the copy as it would
 * from the source (the copy keeps the source's FIDs). */
static int convert(const char *file, const char *layer_name, const char *lname, const char *target, wm_error *err)
{
    CPLErrorReset();
    GDALDatasetH src = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, wm_layer_drivers_for(file), NULL, NULL);
    if (!src) {
        const char *m = CPLGetLastErrorMsg();
        return wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a vector layer (%s)", file,
                            m && *m ? m : "format not recognised");
    }
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(src, layer_name) : GDALDatasetGetLayer(src, 0);
    if (!lyr) {
        GDALClose(src);
        return wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file, layer_name ? layer_name : "in the file");
    }
    if (OGR_L_GetFeatureCount(lyr, TRUE) <= 0) {
        GDALClose(src);
        return wm_error_set(err, WM_EXIT_DATA, "%s: the layer holds no features", file);
    }
    /* A source without a declared SRS is WGS84 longitude/latitude
     * (GeoJSON's rule, as layer.h reads it). */
    OGRSpatialReferenceH from = OGR_L_GetSpatialRef(lyr) ? OSRClone(OGR_L_GetSpatialRef(lyr)) : OSRNewSpatialReference(NULL);
    if (!OGR_L_GetSpatialRef(lyr)) OSRSetFromUserInput(from, "OGC:CRS84");
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OSRSetFromUserInput(to, WM_DEFAULT_SRS);
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    wm_error quiet;
    wm_error_clear(&quiet);
    wm_reproject *rp = OSRIsSame(from, to) ? NULL : wm_reproject_new(from, to, &quiet);
    int rc = -1;
    wm_atomic *a = NULL;
    GDALDatasetH dst = NULL;
    if (!rp && !OSRIsSame(from, to)) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot transform its coordinates into %s", file, WM_DEFAULT_SRS);
        goto done;
    }
    a = wm_atomic_begin(target, WM_ATOMIC_REPLACE, err);
    if (!a) goto done;
    dst = wm_gpkg_dataset_create(wm_atomic_path(a), err);
    if (!dst) goto done;
    int not_areal = 0;
    if (wm_layer_copy_features(dst, lname, lyr, to, rp, areal, &not_areal, 1, NULL, err) != 0) goto done;
    if (not_areal) {
        wm_error_set(err, WM_EXIT_DATA, "%s: a feature is not an area", file);
        goto done;
    }
    index_codes(dst, lname, OGR_L_GetLayerDefn(lyr));
    rc = wm_gpkg_dataset_close(dst, target, err);
    dst = NULL;
    if (rc == 0) {
        rc = wm_atomic_commit(a, err);
        a = NULL;
    }
done:
    if (dst) GDALClose(dst);
    if (a) wm_atomic_abort(a);
    wm_reproject_free(rp);
    OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(to);
    GDALClose(src);
    return rc;
}

int wm_layer_cache_path(const char *source, const char *cache_dir, char *out, size_t size, wm_error *err)
{
    wm_source_cache_entry e;
    if (wm_source_cache_entry_for(source, cache_dir, ".gpkg", &e, err) != 0) return -1;
    if (strlen(e.path) >= size) return wm_error_set(err, WM_EXIT_USAGE, "%s: the cache path is too long", cache_dir);
    memcpy(out, e.path, strlen(e.path) + 1);
    if (e.exists) return 0;
    if (wm_make_dirs(cache_dir) != 0)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot make the cache folder", cache_dir);
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    int rc = convert(file, layer, e.base, out, err);
    if (rc == 0) {
        wm_source_cache_remove_stale(cache_dir, &e, ".gpkg");
        /* The full copy supersedes a first reading's (below). */
        wm_source_cache_entry g;
        wm_error quiet;
        wm_error_clear(&quiet);
        if (wm_source_cache_entry_for(source, cache_dir, GUESS_EXT, &g, &quiet) == 0) {
            unlink(g.path);
            wm_source_cache_remove_stale(cache_dir, &g, GUESS_EXT);
        }
    }
    free(file);
    free(layer);
    return rc;
}

/* Whether the reader caches `source`: a regular file of at least
 * `min_bytes`, not already a GeoPackage or FlatGeobuf (they read fast). */
static int worth_caching(const char *source, long min_bytes)
{
    char *file = NULL, *layer = NULL;
    wm_split_layer_spec(source, &file, &layer);
    struct stat st;
    size_t fl = strlen(file);
    int wanted = stat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= min_bytes &&
                 !(fl >= 4 && strcasecmp(file + fl - 4, ".fgb") == 0) &&
                 !(fl >= 5 && strcasecmp(file + fl - 5, ".gpkg") == 0);
    free(file);
    free(layer);
    return wanted;
}

int wm_layer_cache_find(const char *source, long min_bytes, char *out, size_t size)
{
    const char *dir = wm_source_cache_dir();
    if (!dir || !worth_caching(source, min_bytes)) return 0;
    wm_source_cache_entry e;
    wm_error quiet;
    wm_error_clear(&quiet);
    if (wm_source_cache_entry_for(source, dir, ".gpkg", &e, &quiet) != 0 || strlen(e.path) >= size) return 0;
    memcpy(out, e.path, strlen(e.path) + 1);
    if (e.exists) return WM_LAYER_CACHE_FULL;
    wm_source_cache_entry g;
    if (wm_source_cache_entry_for(source, dir, GUESS_EXT, &g, &quiet) != 0 || strlen(g.path) >= size)
        return WM_LAYER_CACHE_TO_MAKE;
    if (g.exists) memcpy(out, g.path, strlen(g.path) + 1);
    return g.exists ? WM_LAYER_CACHE_GUESSED : WM_LAYER_CACHE_TO_MAKE;
}

int wm_layer_cache_for_reading(const char *source, long min_bytes, char *out, size_t size)
{
    const char *dir = wm_source_cache_dir();
    if (!dir || !worth_caching(source, min_bytes)) return 0;
    wm_error quiet;
    wm_error_clear(&quiet);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int rc = wm_layer_cache_path(source, dir, out, size, &quiet);
    CPLPopErrorHandler();
    CPLErrorReset();
    return rc == 0;
}

/* ---- Writing the cache while the caller reads ------------------------- */

/* Features the GeoJSON driver looks at before the caller's reading
 * starts (its schema guess), and features waiting for the writer. */
#define TEE_GUESS_FEATURES "1000"
#define TEE_QUEUE 256

typedef struct tee_item {
    OGRFeatureH f;
    int half;
} tee_item;

struct wm_layer_cache_tee {
    char *file, *layer_name;
    wm_source_cache_entry e;
    char dir[PATH_MAX];
    /* Each half's fields that are not text in the guess (half 0's, or
     * the whole file's): written empty.  Half 1's are found by name. */
    int *others[2];
    int nothers[2];
    /* The source cut in two: half 1's reading, and where its features
     * are numbered from in the copy, after half 0's (which are 1..n). */
    wm_geojson_halves *halves;
    GDALDatasetH ds1;
    OGRLayerH lyr1;
    GIntBig next_fid[2];
    /* The writer: its file, and the queue from the caller.  Once the
     * caller is done (closed), the writer owns the tee and frees it. */
    wm_atomic *a;
    GDALDatasetH dst;
    wm_layer_writer *w;
    pthread_t writer_thread;
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    tee_item queue[TEE_QUEUE];
    size_t head, count;
    int closed, keep;
};

/* Writers still finishing their caches after their callers moved on;
 * wm_layer_cache_wait() joins them. */
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t pending[16];
static int npending;

void wm_layer_cache_wait(void)
{
    pthread_mutex_lock(&pending_lock);
    while (npending > 0) {
        pthread_t t = pending[--npending];
        pthread_mutex_unlock(&pending_lock);
        pthread_join(t, NULL);
        pthread_mutex_lock(&pending_lock);
    }
    pthread_mutex_unlock(&pending_lock);
}

static void at_exit_wait(void)
{
    wm_layer_cache_wait();
}

static void register_wait(void)
{
    wm_at_shutdown(wm_layer_cache_wait);
    atexit(at_exit_wait);
}

static void add_pending(pthread_t t)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_wait);
    pthread_mutex_lock(&pending_lock);
    if (npending == 16) {
        /* Never more than a few at once; the oldest first. */
        pthread_t oldest = pending[0];
        memmove(pending, pending + 1, 15 * sizeof *pending);
        npending--;
        pthread_mutex_unlock(&pending_lock);
        pthread_join(oldest, NULL);
        pthread_mutex_lock(&pending_lock);
    }
    pending[npending++] = t;
    pthread_mutex_unlock(&pending_lock);
}

/* Half 1 of a source cut in two closed, and the cut forgotten (files
 * open on it stay readable, geojson_halves.h). */
static void drop_second_half(wm_layer_cache_tee *t)
{
    if (t->ds1) GDALClose(t->ds1);
    t->ds1 = NULL;
    t->lyr1 = NULL;
    wm_geojson_halves_close(t->halves);
    t->halves = NULL;
}

static void tee_free(wm_layer_cache_tee *t)
{
    if (t->w) wm_layer_writer_end(t->w, 0, NULL, NULL);
    if (t->dst) GDALClose(t->dst);
    if (t->a) wm_atomic_abort(t->a);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->more);
    pthread_cond_destroy(&t->room);
    free(t->others[0]);
    free(t->others[1]);
    drop_second_half(t);
    free(t->file);
    free(t->layer_name);
    free(t);
}

static void *write_cache(void *arg)
{
    wm_layer_cache_tee *t = arg;
    wm_error err;
    wm_error_clear(&err);
    CPLPushErrorHandler(CPLQuietErrorHandler);   /* the cache's errors are silent (layer_cache.h) */
    for (;;) {
        pthread_mutex_lock(&t->mu);
        while (t->count == 0 && !t->closed) pthread_cond_wait(&t->more, &t->mu);
        tee_item item = { NULL, 0 };
        if (t->count) {
            item = t->queue[t->head];
            t->head = (t->head + 1) % TEE_QUEUE;
            t->count--;
            pthread_cond_signal(&t->room);
        }
        int keep = t->keep;
        pthread_mutex_unlock(&t->mu);
        OGRFeatureH f = item.f;
        if (!f) break;
        if (keep) {
            for (int i = 0; i < t->nothers[item.half]; i++) OGR_F_UnsetField(f, t->others[item.half][i]);
            wm_layer_writer_add(t->w, f, OGR_F_StealGeometry(f), t->next_fid[item.half]++, &err);
        }
        OGR_F_Destroy(f);
    }
    /* Closed: keep is the caller's last word. */
    int ok = wm_layer_writer_end(t->w, t->keep, NULL, &err) == 0;
    t->w = NULL;
    ok = wm_gpkg_dataset_close(t->dst, wm_atomic_path(t->a), &err) == 0 && ok;
    t->dst = NULL;
    if (ok && t->keep && wm_atomic_commit(t->a, &err) == 0) wm_source_cache_remove_stale(t->dir, &t->e, GUESS_EXT);
    else wm_atomic_abort(t->a);
    t->a = NULL;
    CPLPopErrorHandler();
    tee_free(t);
    return NULL;
}

/* The fields of `fields` whose namesakes in `guessed` are not text
 * fields: their indexes in `fields` (*n of them), or NULL when out of
 * memory. */
static int *others_of(OGRFeatureDefnH guessed, OGRFeatureDefnH fields, int *n)
{
    int count = OGR_FD_GetFieldCount(fields);
    int *others = malloc((size_t)(count > 0 ? count : 1) * sizeof *others);
    *n = 0;
    for (int i = 0; others && i < count; i++) {
        int g = OGR_FD_GetFieldIndex(guessed, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fields, i)));
        if (g >= 0 && OGR_Fld_GetType(OGR_FD_GetFieldDefn(guessed, g)) != OFTString) others[(*n)++] = i;
    }
    return others;
}

/* Whether half 1's reading writes and reads what half 0's guess says the
 * whole file's would: the same SRS (half 0 lacks the members after
 * "features"), and every text field of half 0's guess a text field of
 * half 1's.  (A field half 1's guess lacks would be dropped from its
 * features, and one it types otherwise read otherwise.)  Fields only
 * half 1's guess has are not written, as the whole file's reading
 * leaves out a field first seen after its guess. */
static int halves_agree(OGRLayerH lyr0, OGRLayerH lyr1)
{
    OGRSpatialReferenceH s0 = OGR_L_GetSpatialRef(lyr0), s1 = OGR_L_GetSpatialRef(lyr1);
    if ((s0 == NULL) != (s1 == NULL) || (s0 && !OSRIsSame(s0, s1))) return 0;
    OGRFeatureDefnH d0 = OGR_L_GetLayerDefn(lyr0), d1 = OGR_L_GetLayerDefn(lyr1);
    for (int i = 0; i < OGR_FD_GetFieldCount(d0); i++) {
        OGRFieldDefnH f = OGR_FD_GetFieldDefn(d0, i);
        if (OGR_Fld_GetType(f) != OFTString) continue;
        int j = OGR_FD_GetFieldIndex(d1, OGR_Fld_GetNameRef(f));
        if (j < 0 || OGR_Fld_GetType(OGR_FD_GetFieldDefn(d1, j)) != OFTString) return 0;
    }
    return 1;
}

typedef struct half_opening {
    const char *path;
    GDALDatasetH ds;
    pthread_t thread;
} half_opening;

/* Half `arg` opened with the fields guessed from its first features,
 * quietly; on a thread of its own or the caller's (the guess and the
 * error handler are the calling thread's settings). */
static void *open_half(void *arg)
{
    static const char *const geojson[] = { "GeoJSON", NULL };
    half_opening *h = arg;
    CPLSetThreadLocalConfigOption("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", TEE_GUESS_FEATURES);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    h->ds = GDALOpenEx(h->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, geojson, NULL, NULL);
    CPLPopErrorHandler();
    CPLErrorReset();
    CPLSetThreadLocalConfigOption("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", NULL);
    return NULL;
}

/* The source cut in two (geojson_halves.h): it is large (the tee's
 * min_bytes), and two threads parse it in little more than half the
 * time one takes.  Half 0 opened as the caller's reading (*ds, *lyr),
 * half 1 kept for the caller's second thread
 * (wm_layer_cache_tee_second_half).  t->halves stays NULL when the
 * source is not cut, or a half cannot be opened, or the halves do not
 * agree; nothing is then left open.  GDAL's complaints here are silent:
 * the whole file's reading reports the source's faults. */
static void open_halves(wm_layer_cache_tee *t, GDALDatasetH *ds, OGRLayerH *lyr)
{
    if (!(t->halves = wm_geojson_halves_open(t->file))) return;
    /* Each opening parses its half's first features: both at once. */
    half_opening h0 = { wm_geojson_halves_path(t->halves, 0), NULL, 0 },
                 h1 = { wm_geojson_halves_path(t->halves, 1), NULL, 0 };
    int threaded = pthread_create(&h1.thread, NULL, open_half, &h1) == 0;
    open_half(&h0);
    if (threaded) pthread_join(h1.thread, NULL);
    else open_half(&h1);
    *ds = h0.ds;
    t->ds1 = h1.ds;
    if (*ds && t->ds1) {
        *lyr = t->layer_name ? GDALDatasetGetLayerByName(*ds, t->layer_name) : GDALDatasetGetLayer(*ds, 0);
        t->lyr1 = t->layer_name ? GDALDatasetGetLayerByName(t->ds1, t->layer_name) : GDALDatasetGetLayer(t->ds1, 0);
    }
    if (*lyr && t->lyr1 && halves_agree(*lyr, t->lyr1)) {
        OGRFeatureDefnH d0 = OGR_L_GetLayerDefn(*lyr);
        t->others[0] = others_of(d0, d0, &t->nothers[0]);
        t->others[1] = others_of(d0, OGR_L_GetLayerDefn(t->lyr1), &t->nothers[1]);
        t->next_fid[1] = (GIntBig)wm_geojson_halves_cut(t->halves) + 1;
        if (t->others[0] && t->others[1]) return;
    }
    if (*ds) GDALClose(*ds);
    *ds = NULL;
    *lyr = NULL;
    free(t->others[0]);
    free(t->others[1]);
    t->others[0] = t->others[1] = NULL;
    drop_second_half(t);
}

/* Whether a "crs" member may follow the features: the string "crs" in
 * the file's last 4 KiB.  GDAL's guess from the first features misses
 * it, and would read the coordinates in the wrong system.  (A false
 * alarm, a property named so in the last feature, costs only speed.) */
static int crs_at_end(const char *file)
{
    FILE *fp = fopen(file, "rb");
    if (!fp) return 1;
    char tail[4097];
    size_t n = 0;
    if (fseek(fp, -4096L, SEEK_END) != 0) rewind(fp);
    n = fread(tail, 1, 4096, fp);
    fclose(fp);
    tail[n] = '\0';
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(tail + i, "\"crs\"", 5) == 0) return 1;
    return 0;
}

wm_layer_cache_tee *wm_layer_cache_tee_begin(const char *source, long min_bytes, GDALDatasetH *ds,
                                             OGRLayerH *lyr)
{
    *ds = NULL;
    *lyr = NULL;
    const char *dir = wm_source_cache_dir();
    if (!dir || strlen(dir) >= PATH_MAX || !worth_caching(source, min_bytes)) return NULL;
    wm_layer_cache_tee *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->more, NULL);
    pthread_cond_init(&t->room, NULL);
    t->keep = 1;
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    wm_split_layer_spec(source, &t->file, &t->layer_name);
    static const char *const geojson[] = { "GeoJSON", NULL };
    wm_error quiet;
    wm_error_clear(&quiet);
    OGRSpatialReferenceH bng = NULL;
    GDALDriverH drv = GDALIdentifyDriverEx(t->file, GDAL_OF_VECTOR, NULL, NULL);
    if (!drv || strcmp(GDALGetDriverShortName(drv), "GeoJSON") != 0 || crs_at_end(t->file) ||
        wm_source_cache_entry_for(source, dir, GUESS_EXT, &t->e, &quiet) != 0 || t->e.exists ||
        wm_make_dirs(dir) != 0 || !(t->a = wm_atomic_begin(t->e.path, WM_ATOMIC_REPLACE, &quiet)))
        goto fail;
    /* The caller's reading: the schema guessed from the first features,
     * so that the features come at once, without the driver's first pass
     * over the whole file.  A large source is cut in two, each half with
     * its own guess, when the halves agree (halves_agree). */
    open_halves(t, ds, lyr);
    if (!t->halves) {
        CPLSetThreadLocalConfigOption("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", TEE_GUESS_FEATURES);
        *ds = GDALOpenEx(t->file, GDAL_OF_VECTOR | GDAL_OF_READONLY, geojson, NULL, NULL);
        CPLSetThreadLocalConfigOption("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", NULL);
        if (*ds) *lyr = t->layer_name ? GDALDatasetGetLayerByName(*ds, t->layer_name) : GDALDatasetGetLayer(*ds, 0);
    }
    if (!*lyr) goto fail;
    /* The copy's layer is made here, from the guessed fields, so that the
     * writer never touches the caller's dataset.  Only the text fields'
     * values are written (layer_cache.h); the others are left empty. */
    OGRFeatureDefnH guessed = OGR_L_GetLayerDefn(*lyr);
    if (!t->others[0] && !(t->others[0] = others_of(guessed, guessed, &t->nothers[0]))) goto fail;
    t->next_fid[0] = 1;
    bng = OSRNewSpatialReference(NULL);
    OSRSetFromUserInput(bng, WM_DEFAULT_SRS);
    OSRSetAxisMappingStrategy(bng, OAMS_TRADITIONAL_GIS_ORDER);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    t->dst = wm_gpkg_dataset_create(wm_atomic_path(t->a), &quiet);
    t->w = t->dst ? wm_layer_writer_begin(t->dst, t->e.base, guessed, bng, 0, &quiet) : NULL;
    CPLPopErrorHandler();
    OSRDestroySpatialReference(bng);
    if (!t->w || pthread_create(&t->writer_thread, NULL, write_cache, t) != 0) goto fail;
    return t;
fail:
    if (*ds) GDALClose(*ds);
    *ds = NULL;
    *lyr = NULL;
    tee_free(t);
    return NULL;
}

OGRLayerH wm_layer_cache_tee_second_half(wm_layer_cache_tee *t)
{
    return t->lyr1;
}

void wm_layer_cache_tee_add(wm_layer_cache_tee *t, int half, OGRFeatureH f)
{
    pthread_mutex_lock(&t->mu);
    while (t->count == TEE_QUEUE) pthread_cond_wait(&t->room, &t->mu);
    t->queue[(t->head + t->count) % TEE_QUEUE] = (tee_item){ f, half ? 1 : 0 };
    t->count++;
    pthread_cond_signal(&t->more);
    pthread_mutex_unlock(&t->mu);
}

void wm_layer_cache_tee_end(wm_layer_cache_tee *t, int reading_ok)
{
    /* The writer finishes on its own: closes and commits the file while
     * the caller draws; wm_layer_cache_wait() waits for it. */
    pthread_t writer = t->writer_thread;
    /* Half 1's reading is over (its thread joined): its dataset is
     * closed on the caller's thread, as it was opened. */
    drop_second_half(t);
    pthread_mutex_lock(&t->mu);
    t->keep = reading_ok;
    t->closed = 1;
    pthread_cond_signal(&t->more);
    pthread_mutex_unlock(&t->mu);
    add_pending(writer);
}
