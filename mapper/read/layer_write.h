/* layer_write.h -- boundary layers written into a GeoPackage through OGR.
 *
 * What the area store (store_area.h) and the national layer cache
 * (layer_cache.h) write: a copy of some features of a layer OGR reads,
 * all their fields kept, geometries transformed (e.g. into British
 * National Grid); and a wm_layer made in memory (a dissolve, dissolve.h)
 * with its code and name fields and fields of one value for every
 * feature.  The caller owns the dataset and makes the file atomic
 * (atomic.h): these calls only add layers to an open dataset.
 *
 * Errors are WM_EXIT_IO naming the GeoPackage and the layer.
 */
#ifndef WM_LAYER_WRITE_H
#define WM_LAYER_WRITE_H

#include "error.h"
#include "layer.h"
#include "reproject.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stddef.h>

/* A new GeoPackage at `path` (which must not exist), or NULL. */
GDALDatasetH wm_gpkg_dataset_create(const char *path, wm_error *err);

/* Close a dataset from wm_gpkg_dataset_create(); errors while flushing
 * are WM_EXIT_IO naming `path`. */
int wm_gpkg_dataset_close(GDALDatasetH ds, const char *path, wm_error *err);

/* Features written one at a time into a new layer of `dst`: with the
 * fields of `fields` (a source layer's definition), in `srs`, in one
 * transaction, with an R-tree spatial index when `spatial_index` (a
 * layer only ever read whole needs none, and building it is a large
 * layer's biggest cost after its features).  Polygons are written as
 * MultiPolygons, so a layer has one geometry type.  NULL with err set (WM_EXIT_IO) when the
 * layer cannot be made. */
typedef struct wm_layer_writer wm_layer_writer;
wm_layer_writer *wm_layer_writer_begin(GDALDatasetH dst, const char *name, OGRFeatureDefnH fields,
                                       OGRSpatialReferenceH srs, int spatial_index, wm_error *err);

/* Write `f`'s fields (those of `fields`, matched by name: `f` may have
 * others, which are not written) with geometry `g` (owned by the call;
 * NULL: none), as feature `fid`, or under the next new FID when `fid` is
 * OGRNullFID.  A layer is read in FID order, so FIDs given out of order
 * put the features in order.  After a failure, later calls write
 * nothing and fail too. */
int wm_layer_writer_add(wm_layer_writer *w, OGRFeatureH f, OGRGeometryH g, GIntBig fid, wm_error *err);

/* Commit the transaction when `keep` and every write succeeded (0), or
 * roll it back (-1); *written (may be NULL) gets the number of features
 * added.  Frees `w`. */
int wm_layer_writer_end(wm_layer_writer *w, int keep, size_t *written, wm_error *err);

/* Whether to copy a feature (with whatever context the caller gives). */
typedef int (*wm_feature_filter)(OGRFeatureH f, void *ctx);

/* Copy the features of `src` that `keep` accepts (NULL: every feature,
 * as far as src's own attribute and spatial filters let through) into a
 * new layer `name` of `dst`, with every field of `src`, geometries
 * transformed by `rp` (reproject.h; NULL: as they are) into `srs`.  Polygons are
 * written as MultiPolygons, so a layer has one geometry type.  With
 * `same_fids` each feature keeps its FID in `src` (a copy read in place
 * of its source then names a feature in a message as the source would:
 * GDAL numbers a GeoJSON's features from 0); otherwise they are numbered
 * from 1 in the order copied.  One transaction.  *copied (may be NULL)
 * gets the number of features. */
int wm_layer_copy_features(GDALDatasetH dst, const char *name, OGRLayerH src, OGRSpatialReferenceH srs,
                           wm_reproject *rp, wm_feature_filter keep, void *ctx, int same_fids, size_t *copied,
                           wm_error *err);

/* A field of the same text in every feature (e.g. the county a district
 * lies in). */
typedef struct wm_field_text {
    const char *name, *value;
} wm_field_text;

/* Write `L` as a new layer `name` of `dst`: its key into `key_field`,
 * its names into `name_field`, then the `nconst` fields of `consts`. */
int wm_layer_save(GDALDatasetH dst, const char *name, const wm_layer *L, const char *key_field,
                  const char *name_field, const wm_field_text *consts, size_t nconst, wm_error *err);

#endif
