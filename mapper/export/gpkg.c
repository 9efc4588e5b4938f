#include "gpkg.h"
#include "atomic.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct wm_gpkg {
    GDALDatasetH ds;
    wm_gpkg_mode mode;
    char *target;      /* as given */
    wm_atomic *file;   /* the GeoPackage being written under a temporary name */
    int handler;       /* record_failure() is pushed on this thread */
    char failure[300]; /* the first failure GDAL reported, even one it went on from */
    char date[32];     /* the timestamp written (wm_gpkg_set_date), or "" for the clock */
    char *date_was;    /* OGR_CURRENT_DATE on this thread before, while date is set */
};

/* The GeoPackage carries timestamps: gpkg_contents.last_change, which
 * GDAL stamps from the clock unless OGR_CURRENT_DATE names a time, and
 * layer_styles.update_time.  Identical inputs must give identical files,
 * so the stamp is a time the caller gives (wm_gpkg_set_date), or
 * SOURCE_DATE_EPOCH (the reproducible-builds convention, as for the PDF's
 * date), which wins. */
static void format_date(time_t t, char *out, size_t size)
{
    struct tm tm;
    out[0] = '\0';
    if (gmtime_r(&t, &tm)) strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void source_date(char *out, size_t size)
{
    out[0] = '\0';
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch) return;
    char *end;
    errno = 0;
    long long v = strtoll(epoch, &end, 10);
    if (errno || *end || v < 0) return;
    format_date((time_t)v, out, size);
}

/* Stamp `date` ("" for the clock) until the dataset is closed: GDAL
 * stamps last_change then too. */
static void use_date(wm_gpkg *g, const char *date)
{
    snprintf(g->date, sizeof g->date, "%s", date);
    if (!g->date[0]) return;
    if (!g->date_was) g->date_was = CPLStrdup(CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", ""));
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", g->date);
}

void wm_gpkg_set_date(wm_gpkg *g, time_t when)
{
    char epoch[32];
    source_date(epoch, sizeof epoch);
    if (!g || epoch[0]) return;
    char date[32];
    format_date(when, date, sizeof date);
    use_date(g, date);
}

static void restore_date(wm_gpkg *g)
{
    if (!g->date_was) return;
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", *g->date_was ? g->date_was : NULL);
    CPLFree(g->date_was);
    g->date_was = NULL;
}

/* GDAL does not act on every failure it reports: a statement of its own
 * that SQLite could not write (the GeoPackage's srs row, a table's
 * gpkg_contents row, a trigger) is reported and then passed over, and the
 * file is finished without it.  Every failure reported while the
 * GeoPackage is open is kept, and fails the commit. */
static void CPL_STDCALL record_failure(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    wm_gpkg *g = CPLGetErrorHandlerUserData();
    if (g && cls >= CE_Failure && !g->failure[0])
        snprintf(g->failure, sizeof g->failure, "%s", msg && *msg ? msg : "no reason given by GDAL");
}

static void pop_handler(wm_gpkg *g)
{
    if (g->handler) CPLPopErrorHandler();
    g->handler = 0;
}

static const char *gdal_msg(void)
{
    const char *m = wm_gdal_last_error();
    return *m ? m : "no reason given by GDAL";
}

/* ---- begin / commit / abort --------------------------------------------------- */

static int close_dataset(wm_gpkg *g)
{
    if (!g->ds) {
        pop_handler(g);
        restore_date(g);
        return 0;
    }
    CPLErrorReset();
    GDALClose(g->ds);
    g->ds = NULL;
    int failed = CPLGetLastErrorType() >= CE_Failure;
    pop_handler(g);
    restore_date(g);
    return failed ? -1 : 0;
}

wm_gpkg *wm_gpkg_begin(const char *target, wm_gpkg_mode mode, wm_error *err)
{
    wm_gdal_init();
    if (!target || !*target) {
        wm_error_set(err, WM_EXIT_USAGE, "no output file named");
        return NULL;
    }
    struct stat st;
    if (mode == WM_GPKG_APPEND && stat(target, &st) != 0) {
        wm_error_set(err, WM_EXIT_USAGE, "%s: no such GeoPackage to add layers to", target);
        return NULL;
    }

    wm_gpkg *g = calloc(1, sizeof *g);
    if (!g || !(g->target = strdup(target))) {
        free(g);
        wm_error_set(err, WM_EXIT_IO, "%s: out of memory", target);
        return NULL;
    }
    g->mode = mode;
    /* The file is fsync'ed before it is renamed into place, so SQLite
     * need not sync after every transaction. */
    unsigned flags = WM_ATOMIC_DURABLE | (mode == WM_GPKG_NEW ? WM_ATOMIC_NEW : 0);
    g->file = mode == WM_GPKG_APPEND ? wm_atomic_begin_copy(target, flags, err) : wm_atomic_begin(target, flags, err);
    if (!g->file) {
        free(g->target);
        free(g);
        return NULL;
    }
    const char *tmp = wm_atomic_path(g->file);
    /* Nor need it keep a rollback journal on disk: until the rename the
     * file is private, and a crash leaves only a temporary file that the
     * next write removes (atomic.h).  SQLite keeps the journal in memory,
     * so a failed statement still rolls back. */
    char *sync_was = CPLStrdup(CPLGetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", ""));
    char *journal_was = CPLStrdup(CPLGetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", ""));
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", "MEMORY");
    CPLPushErrorHandlerEx(record_failure, g);
    g->handler = 1;
    char epoch[32];
    source_date(epoch, sizeof epoch);
    use_date(g, epoch);
    CPLErrorReset();
    if (mode == WM_GPKG_APPEND) {
        const char *const drivers[] = { "GPKG", NULL };
        g->ds = GDALOpenEx(tmp, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
        if (!g->ds)
            wm_error_set(err, WM_EXIT_DATA, "%s is not a GeoPackage that can be added to (%s)", target, gdal_msg());
    } else {
        GDALDriverH drv = GDALGetDriverByName("GPKG");
        if (!drv) wm_error_set(err, WM_EXIT_IO, "GDAL has no GPKG driver");
        else if (!(g->ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL)))
            wm_error_set(err, WM_EXIT_IO, "%s: cannot create a GeoPackage (%s)", target, gdal_msg());
    }
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", *sync_was ? sync_was : NULL);
    CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", *journal_was ? journal_was : NULL);
    CPLFree(sync_was);
    CPLFree(journal_was);
    if (!g->ds) {
        wm_gpkg_abort(g);
        return NULL;
    }
    return g;
}

static void free_gpkg(wm_gpkg *g)
{
    free(g->target);
    free(g);
}

void wm_gpkg_abort(wm_gpkg *g)
{
    if (!g) return;
    close_dataset(g);
    wm_atomic_abort(g->file);
    free_gpkg(g);
}

/* Read back the closed file before it is put in place.  GDAL does not
 * check every statement it runs (the PRAGMA that stamps the GeoPackage
 * application id, for one), so a write the disk refused can leave a file
 * that GDAL reported as written.  0 when SQLite finds the file whole and
 * it says it is a GeoPackage; else a message in `why`. */
static int verify_file(const char *path, char *why, size_t size)
{
    sqlite3 *db = NULL;
    int ok = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(why, size, "cannot read it back (%s)", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        snprintf(why, size, "cannot read it back (%s)", sqlite3_errmsg(db));
    else if (sqlite3_column_int(q, 0) != 0x47504B47)   /* "GPKG" */
        snprintf(why, size, "the file was not completely written (no GeoPackage application id)");
    else
        ok = 1;
    sqlite3_finalize(q);
    q = NULL;
    if (ok) {
        ok = 0;
        if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &q, NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW)
            snprintf(why, size, "cannot read it back (%s)", sqlite3_errmsg(db));
        else if (strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0)
            snprintf(why, size, "the file was not completely written (%s)", (const char *)sqlite3_column_text(q, 0));
        else
            ok = 1;
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return ok ? 0 : -1;
}

int wm_gpkg_commit(wm_gpkg *g, wm_error *err)
{
    if (close_dataset(g) != 0) {
        wm_error_set(err, WM_EXIT_IO, "%s: writing the GeoPackage failed (%s)", g->target, gdal_msg());
        wm_gpkg_abort(g);
        return -1;
    }
    if (g->failure[0]) {
        wm_error_set(err, WM_EXIT_IO, "%s: writing the GeoPackage failed (%s)", g->target, g->failure);
        wm_gpkg_abort(g);
        return -1;
    }
    char why[300];
    if (verify_file(wm_atomic_path(g->file), why, sizeof why) != 0) {
        wm_error_set(err, WM_EXIT_IO, "%s: writing the GeoPackage failed: %s", g->target, why);
        wm_gpkg_abort(g);
        return -1;
    }
    int rc = wm_atomic_commit(g->file, err);
    g->file = NULL;
    free_gpkg(g);
    return rc;
}

const char *wm_gpkg_temp_path(const wm_gpkg *g)
{
    return g ? wm_atomic_path(g->file) : NULL;
}

/* ---- SQL through the driver ----------------------------------------------------- */

/* Run a statement that returns no rows; `sql` is freed. */
static int run_sql(wm_gpkg *g, char *sql, wm_error *err)
{
    if (!sql) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(g->ds, sql, NULL, NULL);
    if (res) GDALDatasetReleaseResultSet(g->ds, res);
    int failed = CPLGetLastErrorType() >= CE_Failure;
    if (failed) wm_error_set(err, WM_EXIT_IO, "%s: %s (in: %.200s)", g->target, gdal_msg(), sql);
    sqlite3_free(sql);
    return failed ? -1 : 0;
}

/* The GeoPackage schema extension (gpkg_data_columns and its constraints
 * table), created as GDAL itself creates it. */
static int ensure_data_columns(wm_gpkg *g, wm_error *err)
{
    if (run_sql(g, sqlite3_mprintf(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,column_name TEXT,"
            "extension_name TEXT NOT NULL,definition TEXT NOT NULL,scope TEXT NOT NULL,"
            "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"), err) != 0)
        return -1;
    if (run_sql(g, sqlite3_mprintf(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL,"
            "column_name TEXT NOT NULL,name TEXT UNIQUE,title TEXT,description TEXT,mime_type TEXT,"
            "constraint_name TEXT,CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),"
            "CONSTRAINT gdc_tn UNIQUE (table_name, name))"), err) != 0)
        return -1;
    if (run_sql(g, sqlite3_mprintf(
            "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL,"
            "constraint_type TEXT NOT NULL,value TEXT,min NUMERIC,min_is_inclusive BOOLEAN,max NUMERIC,"
            "max_is_inclusive BOOLEAN,description TEXT,"
            "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"), err) != 0)
        return -1;
    const char *tables[] = { "gpkg_data_columns", "gpkg_data_column_constraints" };
    for (int i = 0; i < 2; i++)
        if (run_sql(g, sqlite3_mprintf(
                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                "SELECT '%q', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', "
                "'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = '%q' "
                "AND extension_name = 'gpkg_schema')", tables[i], tables[i]), err) != 0)
            return -1;
    return 0;
}

static int describe_column(wm_gpkg *g, const char *table, const char *column, const char *title,
                           const char *description, wm_error *err)
{
    if ((!title || !*title) && (!description || !*description)) return 0;
    return run_sql(g, sqlite3_mprintf(
        "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description, "
        "mime_type, constraint_name) VALUES ('%q', '%q', NULL, %Q, %Q, NULL, NULL)",
        table, column, title && *title ? title : NULL, description && *description ? description : NULL),
        err);
}

/* ---- layers ------------------------------------------------------------------- */

int wm_gpkg_has_layer(const wm_gpkg *g, const char *name)
{
    return g && g->ds && GDALDatasetGetLayerByName(g->ds, name) != NULL;
}

const char *wm_gpkg_geometry_column(const wm_gpkg *g, const char *table)
{
    OGRLayerH l = g && g->ds ? GDALDatasetGetLayerByName(g->ds, table) : NULL;
    if (!l) return NULL;
    const char *col = OGR_L_GetGeometryColumn(l);
    return col && *col ? col : NULL;
}

/* Delete the features of `table` whose text column `column` is `value`. */
static int delete_rows(wm_gpkg *g, const char *table, const char *column, const char *value, wm_error *err)
{
    OGRLayerH l = GDALDatasetGetLayerByName(g->ds, table);
    if (!l) return 0;
    char *filter = sqlite3_mprintf("\"%w\" = '%q'", column, value);
    OGR_L_SetAttributeFilter(l, filter);
    sqlite3_free(filter);
    size_t n = 0, cap = 16;
    GIntBig *fids = malloc(cap * sizeof *fids);
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        if (n == cap) fids = realloc(fids, (cap *= 2) * sizeof *fids);
        fids[n++] = OGR_F_GetFID(f);
        OGR_F_Destroy(f);
    }
    OGR_L_SetAttributeFilter(l, NULL);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (OGR_L_DeleteFeature(l, fids[i]) != OGRERR_NONE)
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot delete from %s (%s)", g->target, table, gdal_msg());
    free(fids);
    return rc;
}

static int table_exists_sql(wm_gpkg *g, const char *table)
{
    char *sql = sqlite3_mprintf("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%q'", table);
    OGRLayerH res = GDALDatasetExecuteSQL(g->ds, sql, NULL, NULL);
    sqlite3_free(sql);
    int found = 0;
    if (res) {
        OGRFeatureH f = OGR_L_GetNextFeature(res);
        found = f != NULL;
        if (f) OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(g->ds, res);
    }
    return found;
}

int wm_gpkg_drop_layer(wm_gpkg *g, const char *name, wm_error *err)
{
    int count = GDALDatasetGetLayerCount(g->ds);
    for (int i = 0; i < count; i++) {
        OGRLayerH l = GDALDatasetGetLayer(g->ds, i);
        if (strcasecmp(OGR_L_GetName(l), name) != 0) continue;
        CPLErrorReset();
        if (GDALDatasetDeleteLayer(g->ds, i) != OGRERR_NONE)
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot delete layer %s (%s)", g->target, name, gdal_msg());
        break;
    }
    if (delete_rows(g, WM_GPKG_STYLES_TABLE, "f_table_name", name, err) != 0) return -1;
    if (delete_rows(g, WM_GPKG_METADATA_TABLE, "layer_name", name, err) != 0) return -1;
    if (table_exists_sql(g, "gpkg_data_columns") &&
        run_sql(g, sqlite3_mprintf("DELETE FROM gpkg_data_columns WHERE lower(table_name) = lower('%q')", name),
                err) != 0)
        return -1;
    return 0;
}

static int all_polygonal(const wm_layer *L)
{
    for (size_t i = 0; i < L->n; i++) {
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(L->features[i].geom));
        if (t != wkbPolygon && t != wkbMultiPolygon) return 0;
    }
    return 1;
}

static int add_field(OGRLayerH l, const char *name, OGRFieldType type, OGRFieldSubType sub, int width,
                     const char *default_value)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (sub != OFSTNone) OGR_Fld_SetSubType(fd, sub);
    if (width > 0) OGR_Fld_SetWidth(fd, width);
    if (default_value) OGR_Fld_SetDefault(fd, default_value);
    OGRErr e = OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    return e == OGRERR_NONE ? 0 : -1;
}

static OGRFieldType ogr_type(wm_gpkg_type t)
{
    return t == WM_GPKG_REAL ? OFTReal : t == WM_GPKG_INTEGER ? OFTInteger64 : OFTString;
}

/* Column names must be distinct (SQLite compares them without case). */
static int check_names(const wm_gpkg_layer *spec, wm_error *err)
{
    const char *names[4 + 256];
    int n = 0;
    names[n++] = "fid";
    names[n++] = "geom";
    names[n++] = spec->areas->key_field;
    if (spec->areas->name_field) names[n++] = spec->areas->name_field;
    if (spec->ncolumns > 256)
        return wm_error_set(err, WM_EXIT_USAGE, "layer %s: too many columns (%d, at most 256)", spec->name,
                            spec->ncolumns);
    for (int i = 0; i < spec->ncolumns; i++) {
        const char *c = spec->columns[i].name;
        if (!c || !*c) return wm_error_set(err, WM_EXIT_USAGE, "layer %s: column %d has no name", spec->name, i + 1);
        for (int j = 0; j < n; j++)
            if (strcasecmp(c, names[j]) == 0)
                return wm_error_set(err, WM_EXIT_USAGE, "layer %s: two columns are named \"%s\"", spec->name, c);
        names[n++] = c;
    }
    return 0;
}

int wm_gpkg_write_layer(wm_gpkg *g, const wm_gpkg_layer *spec, wm_error *err)
{
    const wm_layer *L = spec->areas;
    if (wm_gpkg_has_layer(g, spec->name))
        return wm_error_set(err, WM_EXIT_USAGE, "%s already has a layer named %s", g->target, spec->name);
    if (check_names(spec, err) != 0) return -1;

    OGRwkbGeometryType gtype = all_polygonal(L) ? wkbMultiPolygon : wkbUnknown;
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "GEOMETRY_NAME", "geom");
    opts = CSLSetNameValue(opts, "FID", "fid");
    opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "YES");
    opts = CSLSetNameValue(opts, "IDENTIFIER", spec->identifier ? spec->identifier : spec->name);
    if (spec->description) opts = CSLSetNameValue(opts, "DESCRIPTION", spec->description);
    CPLErrorReset();
    OGRLayerH l = GDALDatasetCreateLayer(g->ds, spec->name, L->srs, gtype, opts);
    CSLDestroy(opts);
    if (!l) return wm_error_set(err, WM_EXIT_IO, "%s: cannot create layer %s (%s)", g->target, spec->name, gdal_msg());

    int has_name = L->name_field && strcasecmp(L->name_field, L->key_field) != 0;
    int bad = add_field(l, L->key_field, OFTString, OFSTNone, 0, NULL);
    if (!bad && has_name) bad = add_field(l, L->name_field, OFTString, OFSTNone, 0, NULL);
    for (int i = 0; i < spec->ncolumns && !bad; i++)
        bad = add_field(l, spec->columns[i].name, ogr_type(spec->columns[i].type), OFSTNone, 0, NULL);
    if (bad) return wm_error_set(err, WM_EXIT_IO, "%s: cannot add a column to %s (%s)", g->target, spec->name, gdal_msg());

    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int key_idx = OGR_FD_GetFieldIndex(defn, L->key_field);
    int name_idx = has_name ? OGR_FD_GetFieldIndex(defn, L->name_field) : -1;
    int first = has_name ? 2 : 1;

    if (GDALDatasetStartTransaction(g->ds, FALSE) != OGRERR_NONE)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot start a transaction (%s)", g->target, gdal_msg());
    for (size_t i = 0; i < L->n; i++) {
        const wm_feature *ft = &L->features[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldString(f, key_idx, ft->key);
        if (name_idx >= 0) OGR_F_SetFieldString(f, name_idx, ft->name);
        for (int c = 0; c < spec->ncolumns; c++) {
            const wm_gpkg_column *col = &spec->columns[c];
            int idx = first + c;
            if (col->type == WM_GPKG_TEXT) {
                const char *v = col->text ? col->text[i] : NULL;
                if (v) OGR_F_SetFieldString(f, idx, v);
                else OGR_F_SetFieldNull(f, idx);
            } else {
                double v = col->num ? col->num[i] : NAN;
                if (isnan(v)) OGR_F_SetFieldNull(f, idx);
                else if (col->type == WM_GPKG_INTEGER) OGR_F_SetFieldInteger64(f, idx, (GIntBig)llround(v));
                else OGR_F_SetFieldDouble(f, idx, v);
            }
        }
        OGRGeometryH geom = OGR_G_Clone(ft->geom);
        if (gtype == wkbMultiPolygon) geom = OGR_G_ForceToMultiPolygon(geom);
        OGR_F_SetGeometryDirectly(f, geom);
        CPLErrorReset();
        OGRErr e = OGR_L_CreateFeature(l, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE) {
            GDALDatasetRollbackTransaction(g->ds);
            return wm_error_set(err, WM_EXIT_IO, "%s: layer %s, area %s: cannot write the feature (%s)",
                                g->target, spec->name, ft->key, gdal_msg());
        }
    }
    /* The columns' descriptions in the same transaction: one commit per
     * layer, not one per column. */
    int rc = ensure_data_columns(g, err);
    if (rc == 0) rc = describe_column(g, spec->name, L->key_field, spec->key_title, NULL, err);
    if (rc == 0 && has_name) rc = describe_column(g, spec->name, L->name_field, spec->name_title, NULL, err);
    for (int c = 0; c < spec->ncolumns && rc == 0; c++)
        rc = describe_column(g, spec->name, spec->columns[c].name, spec->columns[c].title,
                             spec->columns[c].description, err);
    if (rc != 0) {
        GDALDatasetRollbackTransaction(g->ds);
        return -1;
    }
    if (GDALDatasetCommitTransaction(g->ds) != OGRERR_NONE)
        return wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot commit (%s)", g->target, spec->name, gdal_msg());
    return 0;
}

/* ---- layer_styles --------------------------------------------------------------- */

static OGRLayerH styles_layer(wm_gpkg *g, wm_error *err)
{
    OGRLayerH l = GDALDatasetGetLayerByName(g->ds, WM_GPKG_STYLES_TABLE);
    if (l) return l;
    /* The table QGIS makes (QgsOgrProviderMetadata::saveStyle), through OGR. */
    char **opts = CSLSetNameValue(NULL, "FID", "id");
    CPLErrorReset();
    l = GDALDatasetCreateLayer(g->ds, WM_GPKG_STYLES_TABLE, NULL, wkbNone, opts);
    CSLDestroy(opts);
    if (!l) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot create layer_styles (%s)", g->target, gdal_msg());
        return NULL;
    }
    int bad = 0;
    bad |= add_field(l, "f_table_catalog", OFTString, OFSTNone, 256, NULL);
    bad |= add_field(l, "f_table_schema", OFTString, OFSTNone, 256, NULL);
    bad |= add_field(l, "f_table_name", OFTString, OFSTNone, 256, NULL);
    bad |= add_field(l, "f_geometry_column", OFTString, OFSTNone, 256, NULL);
    bad |= add_field(l, "styleName", OFTString, OFSTNone, 30, NULL);
    bad |= add_field(l, "styleQML", OFTString, OFSTNone, 0, NULL);
    bad |= add_field(l, "styleSLD", OFTString, OFSTNone, 0, NULL);
    bad |= add_field(l, "useAsDefault", OFTInteger, OFSTBoolean, 0, NULL);
    bad |= add_field(l, "description", OFTString, OFSTNone, 0, NULL);
    bad |= add_field(l, "owner", OFTString, OFSTNone, 30, NULL);
    bad |= add_field(l, "ui", OFTString, OFSTNone, 30, NULL);
    bad |= add_field(l, "update_time", OFTDateTime, OFSTNone, 0, "CURRENT_TIMESTAMP");
    if (bad) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot add the layer_styles columns (%s)", g->target, gdal_msg());
        return NULL;
    }
    return l;
}

/* The first `max` characters of UTF-8 `s` (not bytes: GDAL checks the
 * width in characters). */
static void utf8_prefix(char *out, size_t size, const char *s, int max)
{
    size_t i = 0;
    int chars = 0;
    while (s[i] && chars < max) {
        size_t n = 1;
        while (s[i + n] && ((unsigned char)s[i + n] & 0xC0) == 0x80) n++;
        if (i + n + 1 > size) break;
        i += n;
        chars++;
    }
    memcpy(out, s, i);
    out[i] = '\0';
}

int wm_gpkg_add_style(wm_gpkg *g, const wm_gpkg_style *s, wm_error *err)
{
    if (!wm_gpkg_has_layer(g, s->table))
        return wm_error_set(err, WM_EXIT_USAGE, "%s: no layer %s to style", g->target, s->table);
    const char *geom_col = wm_gpkg_geometry_column(g, s->table);
    char *table = strdup(s->table);
    char *gcol = geom_col ? strdup(geom_col) : NULL;
    OGRLayerH l = styles_layer(g, err);
    if (!l) { free(table); free(gcol); return -1; }
    int rc = 0;

    if (s->use_as_default) {
        char *filter = sqlite3_mprintf("f_table_name = '%q' AND useAsDefault = 1", table);
        OGR_L_SetAttributeFilter(l, filter);
        sqlite3_free(filter);
        OGR_L_ResetReading(l);
        OGRFeatureH f;
        GIntBig fids[256];
        int n = 0;
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            if (n < 256) fids[n++] = OGR_F_GetFID(f);
            OGR_F_Destroy(f);
        }
        OGR_L_SetAttributeFilter(l, NULL);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
        int idx = OGR_FD_GetFieldIndex(defn, "useAsDefault");
        for (int i = 0; i < n && rc == 0; i++) {
            f = OGR_L_GetFeature(l, fids[i]);
            if (!f) continue;
            OGR_F_SetFieldInteger(f, idx, 0);
            if (OGR_L_SetFeature(l, f) != OGRERR_NONE)
                rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot update layer_styles (%s)", g->target, gdal_msg());
            OGR_F_Destroy(f);
        }
    }

    if (rc == 0) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        char name[128];
        utf8_prefix(name, sizeof name, s->name ? s->name : table, 30);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_catalog"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_schema"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_name"), table);
        if (gcol) OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"), gcol);
        else OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleName"), name);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleQML"), s->qml ? s->qml : "");
        if (s->sld) OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleSLD"), s->sld);
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault"), s->use_as_default ? 1 : 0);
        if (s->description) OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "description"), s->description);
        if (g->date[0]) OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "update_time"), g->date);
        CPLErrorReset();
        if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
            rc = wm_error_set(err, WM_EXIT_IO, "%s: cannot add a style for %s (%s)", g->target, table, gdal_msg());
        OGR_F_Destroy(f);
    }
    free(table);
    free(gcol);
    return rc;
}

/* ---- indicator_metadata ------------------------------------------------------------ */

static const struct { const char *name, *title; } META_COLUMNS[] = {
    { "layer_name", "Layer holding the indicator" },
    { "column_name", "Column holding the indicator" },
    { "indicator_id", "Indicator id in the wardmap store" },
    { "period", "Period of the data" },
    { "title", "Title" },
    { "unit", "Unit" },
    { "polarity", "Whether higher values are worse" },
    { "family", "Topic" },
    { "source_geography", "Geography the source was published for" },
    { "values_geography", "Geography of the values in the layer" },
    { "publisher", "Publisher" },
    { "source", "Source table" },
    { "licence", "Licence" },
    { "aggregation", "Aggregation method" },
    { "method", "How the values were made" },
    { "notes", "Caveats" },
};
#define N_META_COLUMNS (int)(sizeof META_COLUMNS / sizeof META_COLUMNS[0])

static OGRLayerH metadata_layer(wm_gpkg *g, wm_error *err)
{
    OGRLayerH l = GDALDatasetGetLayerByName(g->ds, WM_GPKG_METADATA_TABLE);
    if (l) return l;
    char **opts = CSLSetNameValue(NULL, "FID", "fid");
    opts = CSLSetNameValue(opts, "DESCRIPTION",
                           "One row per indicator column of the map layers: what it measures, where it "
                           "comes from and how it was aggregated");
    CPLErrorReset();
    l = GDALDatasetCreateLayer(g->ds, WM_GPKG_METADATA_TABLE, NULL, wkbNone, opts);
    CSLDestroy(opts);
    if (!l) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot create %s (%s)", g->target, WM_GPKG_METADATA_TABLE, gdal_msg());
        return NULL;
    }
    for (int i = 0; i < N_META_COLUMNS; i++)
        if (add_field(l, META_COLUMNS[i].name, OFTString, OFSTNone, 0, NULL) != 0) {
            wm_error_set(err, WM_EXIT_IO, "%s: cannot add column %s to %s (%s)", g->target, META_COLUMNS[i].name,
                         WM_GPKG_METADATA_TABLE, gdal_msg());
            return NULL;
        }
    if (ensure_data_columns(g, err) != 0) return NULL;
    for (int i = 0; i < N_META_COLUMNS; i++)
        if (describe_column(g, WM_GPKG_METADATA_TABLE, META_COLUMNS[i].name, META_COLUMNS[i].title, NULL, err) != 0)
            return NULL;
    return GDALDatasetGetLayerByName(g->ds, WM_GPKG_METADATA_TABLE);
}

int wm_gpkg_add_indicators(wm_gpkg *g, const wm_gpkg_indicator *rows, size_t n, wm_error *err)
{
    if (n == 0) return 0;
    OGRLayerH l = metadata_layer(g, err);
    if (!l) return -1;
    if (GDALDatasetStartTransaction(g->ds, FALSE) != OGRERR_NONE)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot start a transaction (%s)", g->target, gdal_msg());
    for (size_t r = 0; r < n; r++) {
        const wm_indicator_meta *m = rows[r].meta;
        const char *v[N_META_COLUMNS] = {
            rows[r].layer, rows[r].column, m->id, m->period, m->title, m->unit, m->polarity, m->family,
            m->geography, m->values_geography, m->publisher, m->source_file, m->licence, m->aggregation,
            m->method, m->notes,
        };
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        for (int i = 0; i < N_META_COLUMNS; i++) {
            int idx = OGR_F_GetFieldIndex(f, META_COLUMNS[i].name);
            if (v[i] && *v[i]) OGR_F_SetFieldString(f, idx, v[i]);
            else OGR_F_SetFieldNull(f, idx);
        }
        OGRErr e = OGR_L_CreateFeature(l, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE) {
            GDALDatasetRollbackTransaction(g->ds);
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot write %s (%s)", g->target, WM_GPKG_METADATA_TABLE,
                                gdal_msg());
        }
    }
    if (GDALDatasetCommitTransaction(g->ds) != OGRERR_NONE)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot commit %s (%s)", g->target, WM_GPKG_METADATA_TABLE,
                            gdal_msg());
    return 0;
}
