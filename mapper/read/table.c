#include "table.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *skip_bom(const char *s)
{
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        return s + 3;
    return s;
}

wm_table *wm_table_read(const char *spec, wm_error *err)
{
    char *file = NULL, *layer_name = NULL;
    wm_split_layer_spec(spec, &file, &layer_name);

    struct stat st;
    if (stat(file, &st) != 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no such file", file);
        free(file); free(layer_name);
        return NULL;
    }
    /* Keep every cell as text; number parsing is ours (number.h). */
    const char *open_options[] = { "AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO",
                                   "KEEP_GEOM_COLUMNS=YES", NULL };
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 open_options, NULL);
    if (!ds) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as a table (%s)", file,
                     *wm_gdal_last_error() ? wm_gdal_last_error() : "format not recognised");
        free(file); free(layer_name);
        return NULL;
    }
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name)
                               : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no layer %s", file,
                     layer_name ? layer_name : "in the file");
        GDALClose(ds); free(file); free(layer_name);
        return NULL;
    }
    int is_csv = strcasecmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "CSV") == 0;

    wm_table *t = calloc(1, sizeof *t);
    t->path = strdup(spec);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    t->ncols = OGR_FD_GetFieldCount(defn);
    t->colnames = calloc((size_t)t->ncols + 1, sizeof *t->colnames);
    for (int c = 0; c < t->ncols; c++)
        t->colnames[c] = strdup(skip_bom(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c))));

    size_t cap = 1024;
    t->cells = malloc(cap * (size_t)(t->ncols ? t->ncols : 1) * sizeof *t->cells);
    t->lines = malloc(cap * sizeof *t->lines);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    size_t row = 0;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (row == cap) {
            cap *= 2;
            t->cells = realloc(t->cells, cap * (size_t)(t->ncols ? t->ncols : 1) * sizeof *t->cells);
            t->lines = realloc(t->lines, cap * sizeof *t->lines);
        }
        for (int c = 0; c < t->ncols; c++) {
            const char *v = OGR_F_IsFieldSetAndNotNull(f, c) ? OGR_F_GetFieldAsString(f, c) : "";
            t->cells[row * (size_t)t->ncols + (size_t)c] = strdup(v);
        }
        /* The CSV driver numbers data rows from 1: header is line 1. */
        GIntBig fid = OGR_F_GetFID(f);
        t->lines[row] = is_csv && fid != OGRNullFID ? (long)fid + 1 : (long)row + 2;
        OGR_F_Destroy(f);
        row++;
    }
    t->nrows = row;
    GDALClose(ds);
    free(file);
    free(layer_name);
    if (t->ncols == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the table has no columns", spec);
        wm_table_free(t);
        return NULL;
    }
    return t;
}

int wm_table_column(const wm_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->colnames[c], name) == 0) return c;
    for (int c = 0; c < t->ncols; c++)
        if (strcasecmp(t->colnames[c], name) == 0) return c;
    return -1;
}

int wm_table_require_column(const wm_table *t, const char *name, wm_error *err)
{
    int c = wm_table_column(t, name);
    if (c >= 0) return c;
    char have[700] = "";
    size_t used = 0;
    for (int i = 0; i < t->ncols && used + 8 < sizeof have; i++) {
        int n = snprintf(have + used, sizeof have - used, "%s\"%s\"", i ? ", " : "", t->colnames[i]);
        if (n < 0 || (size_t)n >= sizeof have - used) { strcpy(have + sizeof have - 5, "..."); break; }
        used += (size_t)n;
    }
    wm_error_set(err, WM_EXIT_DATA, "%s: no column \"%s\" (columns: %s)", t->path, name, have);
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
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    for (int c = 0; c < t->ncols; c++) free(t->colnames[c]);
    free(t->cells);
    free(t->lines);
    free(t->colnames);
    free(t->path);
    free(t);
}
