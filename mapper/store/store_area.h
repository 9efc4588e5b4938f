/* store_area.h -- any authority's indicator store, built from the
 * national files.
 *
 * What `wardmap figures --area AREA` does before it draws anything:
 *
 *   1. finds the national boundaries and lookups under the national
 *      folder (national.h) and converts each boundary layer once into
 *      British National Grid (layer_cache.h), beside the area stores;
 *   2. resolves AREA into districts (area.h);
 *   3. cuts the area out of the national layers through OGR into
 *      DIR/layers.gpkg: the wards by an attribute filter on their
 *      district code (LAD25CD IN (...)); the 2011 and 2021 LSOAs and the
 *      2021 MSOAs by where they lie today: those whose point on surface
 *      lies in one of the area's 2025 wards (an R-tree box first), never
 *      by an older district code printed in a table; the 2011 MSOAs by
 *      dissolving the area's 2011 LSOAs (dissolve.h) by the ONS LSOA to
 *      MSOA lookup; and the districts by dissolving the wards;
 *   4. builds DIR/store.sqlite from a manifest made in memory (the
 *      importer's own format, docs/store.md): those layers as the areas;
 *      LSOA 2021 -> ward 2025 by the ONS best-fit lookup where it names a
 *      2025 ward, else by point on surface; LSOA 2011 -> ward 2025 by one
 *      membership with the 2021 LSOAs (follow: unchanged, split, merged
 *      and irregular LSOAs), else by point on surface; LSOA 2021 -> LSOA
 *      2011, MSOA 2011 and MSOA 2021 by point on surface; each link's
 *      method is recorded in the store.  Then the tables listed in
 *      layers/indicators/area.manifest are imported, aggregated to wards
 *      and districts, and, for an area of several districts, to the study
 *      area (geography "study", whose code is the county's when the
 *      districts make one county: area.h).  The import report is written
 *      beside the store (DIR/import.txt).
 *
 * DIR is WORK/areas/SLUG (SLUG from area.h), the cache WORK/national.
 * Every file is written atomically.  The store is reused as it is when it
 * is newer than every national file, metadata file and table it was
 * built from (and than the wardmap binary, when named), and records the
 * districts it holds (store_info "area_codes").
 */
#ifndef WM_STORE_AREA_H
#define WM_STORE_AREA_H

#include "area.h"
#include "error.h"
#include "report.h"

#include <limits.h>
#include <stddef.h>

/* The study-area geography of an area of several districts. */
#define WM_AREA_STUDY_GEOGRAPHY "study"

/* The bundled list of tables, relative to the home. */
#define WM_AREA_MANIFEST "layers/indicators/area.manifest"

typedef struct wm_area_build_options {
    const char *national;   /* folder of national files (NULL: WARDMAP_NATIONAL) */
    const char *work_dir;   /* where national/ and areas/SLUG/ go */
    const char *binary;     /* the wardmap binary: a newer one rebuilds the store (NULL: not checked) */
    int force;              /* rebuild even when up to date */
} wm_area_build_options;

typedef struct wm_area_store {
    wm_area area;
    char dir[PATH_MAX - 32];  /* WORK/areas/SLUG */
    char store[PATH_MAX];     /* DIR/store.sqlite */
    char layers[PATH_MAX];    /* DIR/layers.gpkg: ward25, lad25, lsoa11, lsoa21, msoa11, msoa21 */
    int rebuilt;              /* 0: the store was up to date and reused */
} wm_area_store;

/* Build (or reuse) the store of `area_text`.  What was done goes to
 * `report` (may be NULL).  Errors name the file, line or feature: a
 * national file missing (with its download page), an AREA naming no
 * district, a table or lookup that breaks the importer's rules. */
int wm_area_store_build(const char *area_text, const wm_area_build_options *o, wm_area_store *out,
                        wm_report *report, wm_error *err);

void wm_area_store_free(wm_area_store *s);

#endif
