#include "layer_write.h"
#include "reproject.h"

#include <cpl_error.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *gdal_why(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "GDAL error";
}

GDALDatasetH wm_gpkg_dataset_create(const char *path, wm_error *err)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) {
        wm_error_set(err, WM_EXIT_IO, "%s: GDAL has no GeoPackage driver", path);
        return NULL;
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) wm_error_set(err, WM_EXIT_IO, "%s: cannot create the GeoPackage (%s)", path, gdal_why());
    return ds;
}

int wm_gpkg_dataset_close(GDALDatasetH ds, const char *path, wm_error *err)
{
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot finish the GeoPackage (%s)", path, gdal_why());
    return 0;
}

/* The GeoPackage's FID column is "fid", unless the fields to be written
 * have one of that name (in any case: an ONS download's "FID", say).
 * GDAL would then take the field for the FID column and refuse every
 * feature whose FID is not the field's value; the column is then
 * "wardmap_fid" (a GeoPackage needs one; it is not a field). */
static const char *fid_column(OGRFeatureDefnH fields)
{
    for (int i = 0; fields && i < OGR_FD_GetFieldCount(fields); i++)
        if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fields, i)), "fid") == 0) return "FID=wardmap_fid";
    return "FID=fid";
}

static OGRLayerH new_layer(GDALDatasetH dst, const char *name, OGRSpatialReferenceH srs, OGRFeatureDefnH fields,
                           int spatial_index, wm_error *err)
{
    char *opts[] = { spatial_index ? "SPATIAL_INDEX=YES" : "SPATIAL_INDEX=NO", (char *)fid_column(fields), NULL };
    CPLErrorReset();
    OGRLayerH out = GDALDatasetCreateLayer(dst, name, srs, wkbMultiPolygon, opts);
    if (!out)
        wm_error_set(err, WM_EXIT_IO, "%s: cannot create layer %s (%s)", GDALGetDescription(dst), name, gdal_why());
    return out;
}

/* The geometry as it is written: a MultiPolygon for any areal geometry. */
static OGRGeometryH written_geometry(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon || t == wkbCurvePolygon || t == wkbMultiSurface || t == wkbGeometryCollection)
        return OGR_G_ForceToMultiPolygon(g);
    return g;
}

struct wm_layer_writer {
    GDALDatasetH dst;
    OGRLayerH out;
    char *name;
    size_t n;
    int failed;
};

wm_layer_writer *wm_layer_writer_begin(GDALDatasetH dst, const char *name, OGRFeatureDefnH fields,
                                       OGRSpatialReferenceH srs, int spatial_index, wm_error *err)
{
    OGRLayerH out = new_layer(dst, name, srs, fields, spatial_index, err);
    if (!out) return NULL;
    for (int i = 0; i < OGR_FD_GetFieldCount(fields); i++)
        if (OGR_L_CreateField(out, OGR_FD_GetFieldDefn(fields, i), TRUE) != OGRERR_NONE) {
            wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot add field %s (%s)", GDALGetDescription(dst), name,
                         OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fields, i)), gdal_why());
            return NULL;
        }
    wm_layer_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->name = strdup(name))) {
        free(w);
        wm_error_set(err, WM_EXIT_IO, "%s: out of memory", GDALGetDescription(dst));
        return NULL;
    }
    w->dst = dst;
    w->out = out;
    GDALDatasetStartTransaction(dst, FALSE);
    return w;
}

int wm_layer_writer_add(wm_layer_writer *w, OGRFeatureH f, OGRGeometryH g, GIntBig fid, wm_error *err)
{
    if (w->failed) {
        if (g) OGR_G_DestroyGeometry(g);
        return -1;
    }
    OGRFeatureH o = OGR_F_Create(OGR_L_GetLayerDefn(w->out));
    OGR_F_SetFrom(o, f, TRUE);
    OGR_F_SetGeometryDirectly(o, g ? written_geometry(g) : NULL);
    OGR_F_SetFID(o, fid);
    int rc = 0;
    if (OGR_L_CreateFeature(w->out, o) != OGRERR_NONE) {
        rc = wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot write a feature (%s)", GDALGetDescription(w->dst),
                          w->name, gdal_why());
        w->failed = 1;
    }
    OGR_F_Destroy(o);
    w->n++;
    return rc;
}

int wm_layer_writer_end(wm_layer_writer *w, int keep, size_t *written, wm_error *err)
{
    if (!w) return -1;
    int rc = w->failed || !keep ? -1 : 0;
    if (rc == 0 && GDALDatasetCommitTransaction(w->dst) != OGRERR_NONE)
        rc = wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot commit (%s)", GDALGetDescription(w->dst), w->name,
                          gdal_why());
    if (rc != 0) GDALDatasetRollbackTransaction(w->dst);
    if (written) *written = w->n;
    free(w->name);
    free(w);
    return rc;
}

int wm_layer_copy_features(GDALDatasetH dst, const char *name, OGRLayerH src, OGRSpatialReferenceH srs,
                           wm_reproject *rp, wm_feature_filter keep, void *ctx, int same_fids, size_t *copied,
                           wm_error *err)
{
    wm_layer_writer *w = wm_layer_writer_begin(dst, name, OGR_L_GetLayerDefn(src), srs, 1, err);
    if (!w) return -1;
    int rc = 0;
    OGR_L_ResetReading(src);
    OGRFeatureH f;
    while (rc == 0 && (f = OGR_L_GetNextFeature(src)) != NULL) {
        if (!keep || keep(f, ctx)) {
            OGRGeometryH g = OGR_F_StealGeometry(f);
            if (g && rp && wm_reproject_geometry(rp, g) != 0) {
                rc = wm_error_set(err, WM_EXIT_DATA, "%s: feature %lld cannot be transformed into %s",
                                  GDALGetDescription(dst), (long long)OGR_F_GetFID(f), name);
                OGR_G_DestroyGeometry(g);
            } else {
                rc = wm_layer_writer_add(w, f, g, same_fids ? OGR_F_GetFID(f) : OGRNullFID, err);
            }
        }
        OGR_F_Destroy(f);
    }
    return wm_layer_writer_end(w, rc == 0, copied, rc == 0 ? err : NULL) != 0 || rc != 0 ? -1 : 0;
}

int wm_layer_save(GDALDatasetH dst, const char *name, const wm_layer *L, const char *key_field,
                  const char *name_field, const wm_field_text *consts, size_t nconst, wm_error *err)
{
    OGRLayerH out = new_layer(dst, name, L->srs, NULL, 1, err);
    if (!out) return -1;
    const char *fields[2] = { key_field, name_field };
    for (size_t i = 0; i < 2 + nconst; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(i < 2 ? fields[i] : consts[i - 2].name, OFTString);
        OGRErr e = OGR_L_CreateField(out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot add field %s (%s)", GDALGetDescription(dst),
                                name, i < 2 ? fields[i] : consts[i - 2].name, gdal_why());
    }
    OGRFeatureDefnH od = OGR_L_GetLayerDefn(out);
    int rc = 0;
    GDALDatasetStartTransaction(dst, FALSE);
    for (size_t i = 0; i < L->n && rc == 0; i++) {
        OGRFeatureH o = OGR_F_Create(od);
        OGR_F_SetFieldString(o, 0, L->features[i].key);
        OGR_F_SetFieldString(o, 1, L->features[i].name);
        for (size_t k = 0; k < nconst; k++) OGR_F_SetFieldString(o, (int)(2 + k), consts[k].value);
        OGR_F_SetGeometryDirectly(o, written_geometry(OGR_G_Clone(L->features[i].geom)));
        if (OGR_L_CreateFeature(out, o) != OGRERR_NONE)
            rc = wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot write %s (%s)", GDALGetDescription(dst), name,
                              L->features[i].key, gdal_why());
        OGR_F_Destroy(o);
    }
    if (rc == 0 && GDALDatasetCommitTransaction(dst) != OGRERR_NONE)
        rc = wm_error_set(err, WM_EXIT_IO, "%s: layer %s: cannot commit (%s)", GDALGetDescription(dst), name,
                          gdal_why());
    if (rc != 0) GDALDatasetRollbackTransaction(dst);
    return rc;
}
