/* VSIStatBufL is a struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE 1

#include "table.h"
#include "csv_check.h"
#include "table_cache.h"
#include "utf8.h"

#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_bom(const char *s)
{
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        return s + 3;
    return s;
}

/* GDAL's last error for a message: it may quote the file's bytes, so
 * it is escaped like any other text from a file (utf8.h). */
static const char *gdal_reason(char *buf, size_t size, const char *fallback)
{
    const char *e = wm_gdal_last_error();
    return wm_text_escape(*e ? e : fallback, buf, size);
}

/* Every header and cell is checked as it arrives: a table holds only
 * valid UTF-8 (utf8.h says why). */
static int check_text(const wm_table *t, const char *text, long line, int col, int is_name, wm_error *err)
{
    long bad = wm_utf8_check(text, strlen(text));
    if (bad < 0) return 0;
    char shown[160], colname[120];
    wm_text_escape(text, shown, sizeof shown);
    if (is_name)
        return wm_error_set(err, WM_EXIT_DATA,
                            "%s:%ld: the name of column %d, \"%s\", is not valid UTF-8 (byte 0x%02X): "
                            "save the file as UTF-8", t->path, line, col + 1, shown,
                            (unsigned char)text[bad]);
    wm_text_escape(t->colnames[col], colname, sizeof colname);
    return wm_error_set(err, WM_EXIT_DATA,
                        "%s:%ld: column \"%s\" holds \"%s\", which is not valid UTF-8 (byte 0x%02X): "
                        "save the file as UTF-8", t->path, line, colname, shown, (unsigned char)text[bad]);
}

wm_table *wm_table_read(const char *spec, wm_error *err)
{
    wm_table *cached = wm_table_cache_load(spec);
    if (cached) return cached;
    char *file = NULL, *layer_name = NULL;
    wm_split_layer_spec(spec, &file, &layer_name);
    wm_table *t = NULL;
    GDALDatasetH ds = NULL;
    wm_csv_shape shape = { 0 };

    VSIStatBufL st;
    if (VSIStatL(file, &st) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        goto fail;
    }
    /* A CSV file's structure is checked before GDAL reads it
     * (csv_check.h); the check splits fields as GDAL will.  A .csv or
     * .tsv file is read as CSV whatever it holds: GDAL would otherwise
     * let its content pick another driver (a "<OGRVRTDataSource" line
     * makes a VRT of it). */
    CPLErrorReset();
    GDALDriverH drv = GDALIdentifyDriverEx(file, GDAL_OF_VECTOR, NULL, NULL);
    int is_csv = VSI_ISREG(st.st_mode) &&
                 (wm_has_suffix(file, ".csv") || wm_has_suffix(file, ".tsv") ||
                  (drv && strcasecmp(GDALGetDriverShortName(drv), "CSV") == 0));
    if (is_csv && wm_csv_check(file, file, &shape, err) != 0) goto fail;

    /* Keep every cell as text; number parsing is ours (number.h).  The
     * options are the CSV driver's (other drivers warn about them). */
    const char *open_options[] = { "AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO",
                                   "KEEP_GEOM_COLUMNS=YES", "HEADERS=YES", NULL };
    CPLErrorReset();
    ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, is_csv ? (const char *const[]){ "CSV", NULL } : NULL,
                    is_csv ? open_options : NULL, NULL);
    if (!ds) {
        char why[300];
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a table (%s)", file,
                     gdal_reason(why, sizeof why, "format not recognised"));
        goto fail;
    }
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name)
                               : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file,
                     layer_name ? layer_name : "in the file");
        goto fail;
    }

    t = calloc(1, sizeof *t);
    t->path = strdup(spec);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int ncols = OGR_FD_GetFieldCount(defn);
    t->colnames = calloc((size_t)ncols + 1, sizeof *t->colnames);
    for (int c = 0; c < ncols; c++) {
        t->colnames[c] = strdup(skip_bom(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c))));
        t->ncols = c + 1;
        if (check_text(t, t->colnames[c], 1, c, 1, err) != 0) goto fail;
    }
    if (is_csv && t->ncols != shape.nfields) {
        wm_error_set(err, WM_EXIT_DATA, "%s: GDAL reads %d columns where the header has %d", file,
                     t->ncols, shape.nfields);
        goto fail;
    }

    size_t cap = 1024;
    t->cells = malloc(cap * (size_t)(t->ncols ? t->ncols : 1) * sizeof *t->cells);
    t->lines = malloc(cap * sizeof *t->lines);
    /* A table's cells only: a spatial layer read as a table (a joined
     * GeoPackage) need not decode its geometries, half its reading time. */
    const char *no_geometry[] = { "OGR_GEOMETRY", NULL };
    OGR_L_SetIgnoredFields(lyr, no_geometry);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        size_t row = t->nrows;
        if (row == cap) {
            cap *= 2;
            t->cells = realloc(t->cells, cap * (size_t)(t->ncols ? t->ncols : 1) * sizeof *t->cells);
            t->lines = realloc(t->lines, cap * sizeof *t->lines);
        }
        /* The line of a CSV row comes from the structure check (blank
         * lines and line breaks in quotes counted); other sources give
         * the row's position after a header line. */
        t->lines[row] = is_csv && row < shape.nrecords ? shape.lines[row] : (long)row + 2;
        for (int c = 0; c < t->ncols; c++) {
            const char *v = OGR_F_IsFieldSetAndNotNull(f, c) ? OGR_F_GetFieldAsString(f, c) : "";
            t->cells[row * (size_t)t->ncols + (size_t)c] = strdup(v);
        }
        t->nrows++;
        OGR_F_Destroy(f);
        for (int c = 0; c < t->ncols; c++)
            if (check_text(t, t->cells[row * (size_t)t->ncols + (size_t)c], t->lines[row], c, 0, err) != 0)
                goto fail;
    }
    if (is_csv && t->nrows != shape.nrecords) {
        char why[300];
        wm_error_set(err, WM_EXIT_DATA, "%s: GDAL reads %zu rows where the file has %zu (%s)", file, t->nrows,
                     shape.nrecords, gdal_reason(why, sizeof why, "no reason given"));
        goto fail;
    }
    if (t->ncols == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the table has no columns", spec);
        goto fail;
    }
    GDALClose(ds);
    wm_csv_shape_free(&shape);
    free(file);
    free(layer_name);
    wm_table_cache_save(t, spec);
    return t;

fail:
    if (ds) GDALClose(ds);
    wm_csv_shape_free(&shape);
    wm_table_free(t);
    free(file);
    free(layer_name);
    return NULL;
}

/* Columns named `name`: exactly, or failing that ignoring case.  Sets
 * *first and *second (-1 when there is none). */
static void find_columns(const wm_table *t, const char *name, int *first, int *second)
{
    *first = *second = -1;
    for (int pass = 0; pass < 2 && *first < 0; pass++)
        for (int c = 0; c < t->ncols; c++) {
            int same = pass == 0 ? strcmp(t->colnames[c], name) == 0 : strcasecmp(t->colnames[c], name) == 0;
            if (!same) continue;
            if (*first < 0) *first = c;
            else if (*second < 0) *second = c;
        }
}

int wm_table_column(const wm_table *t, const char *name)
{
    int first, second;
    find_columns(t, name, &first, &second);
    if (first >= 0 && second >= 0) return -2;
    return first;
}

int wm_table_require_column(const wm_table *t, const char *name, wm_error *err)
{
    int first, second;
    find_columns(t, name, &first, &second);
    if (first >= 0 && second < 0) return first;
    if (first >= 0) {
        char shown[200];
        wm_error_set(err, WM_EXIT_DATA,
                     "%s:1: two columns are named \"%s\" (columns %d and %d); rename one so that the table "
                     "says which to use", t->path, wm_text_escape(t->colnames[second], shown, sizeof shown),
                     first + 1, second + 1);
        return -1;
    }
    char have[700] = "";
    size_t used = 0;
    for (int i = 0; i < t->ncols && used + 8 < sizeof have; i++) {
        char col[200];
        int n = snprintf(have + used, sizeof have - used, "%s\"%s\"", i ? ", " : "",
                         wm_text_escape(t->colnames[i], col, sizeof col));
        if (n < 0 || (size_t)n >= sizeof have - used) { strcpy(have + sizeof have - 5, "..."); break; }
        used += (size_t)n;
    }
    char shown[200];
    wm_error_set(err, WM_EXIT_DATA, "%s: no column \"%s\" (columns: %s)", t->path,
                 wm_text_escape(name, shown, sizeof shown), have);
    return -1;
}

const char *wm_table_cell(const wm_table *t, size_t row, int col)
{
    if (col < 0 || col >= t->ncols || row >= t->nrows) return "";
    return t->cells[row * (size_t)t->ncols + (size_t)col];
}

long wm_table_line(const wm_table *t, size_t row)
{
    return row < t->nrows ? t->lines[row] : -1;
}

void wm_table_free(wm_table *t)
{
    if (!t) return;
    if (!t->cells || t->arena) t->nrows = 0;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    for (int c = 0; c < t->ncols && t->colnames && !t->arena; c++) free(t->colnames[c]);
    free(t->arena);
    free(t->cells);
    free(t->lines);
    free(t->colnames);
    free(t->path);
    free(t);
}
