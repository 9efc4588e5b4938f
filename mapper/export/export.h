/* export.h -- one GeoPackage for GIS teams, as a library call on a
 * built map: `wardmap export` is this call, and so is every [export]
 * section of a recipe.
 *
 * The mapped layer (built with the same map options as `render`, so
 * figure and GeoPackage agree class for class) is written with every
 * stored indicator of its geography as a column, the mapped value, its
 * class, class label and colour; the store's other geographies (LSOAs,
 * MSOAs, wards) follow with their indicators; indicator_metadata
 * describes every indicator column; layer_styles holds the QGIS (QML)
 * and SLD styles (qgis_style.h).  gpkg.h makes the write atomic.  The
 * store is opened once for the whole export.
 */
#ifndef WM_EXPORT_H
#define WM_EXPORT_H

#include "args.h"
#include "error.h"
#include "map_spec.h"
#include "report.h"
#include "store_bundled.h"

extern const wm_option wm_export_options[];

typedef struct wm_export_spec {
    wm_map_spec map;          /* the mapped layer and its classes */
    const char *output;       /* OUT.gpkg */
    int force;                /* overwrite the file; with append, replace layers */
    int append;               /* add to an existing GeoPackage */
    const char *layer_name;   /* the mapped layer's name, or NULL for one from its geography */
    int mapped_only;          /* leave out the store's other geographies */
} wm_export_spec;

/* Parse and check the options (WM_EXIT_USAGE errors name the option):
 * the output must end in .gpkg and not exist unless --force or --append;
 * --layer-name must be lower-case letters, digits and _. */
int wm_export_spec_from_args(const wm_args *a, wm_export_spec *spec, wm_error *err);

/* Write the GeoPackage.  `report` receives the join report, warnings
 * and a "wrote ..." result line. */
int wm_export(const wm_export_spec *spec, wm_store_handle *store, wm_report *report, wm_error *err);

#endif
