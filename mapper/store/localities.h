/* localities.h -- `wardmap localities`: the council's neighbourhoods
 * added to the store as a geography, with their boundaries; and every
 * [localities] section of a recipe.
 *
 * Localities are given as
 *
 *   a file (--file): a table with columns `locality` and `area`, one row
 *   per member, read as published tables are (CSV, BOM, CRLF; any table
 *   GDAL reads):
 *
 *       locality,area
 *       Wood End and Henley Green,Henley Green & Wood End
 *       Canley and Tile Hill,Tile Hill
 *       Canley and Tile Hill,Canley & Westwood Heath
 *       St Michael's,ward:St Michael's
 *
 *   or on the command line, each --locality "NAME=AREA;AREA..." or just
 *   --locality "AREA": a locality named as the area it is (an MSOA's
 *   published name, "Bell Green").
 *
 * An area is a code or a published name, as store_groups.h says.  The
 * localities' boundaries are their LSOAs dissolved (GEOS, through OGR:
 * analyse/dissolve.h), written as a GeoPackage (--boundaries, default
 * GEOGRAPHY_boundaries.gpkg beside the store) with fields `code` and
 * `name`; the store records that layer, so maps, tables and exports
 * name the geography ("--geography locality") and find the boundaries.
 * Every indicator is aggregated to them (store_groups.h).  --output
 * writes the localities as resolved (name, code, the members as given,
 * their small areas) as CSV or Markdown, so a stand-in is on record.  Nothing is
 * changed on error: the store takes the localities in one transaction,
 * and the boundaries, written aside meanwhile, are put in place only
 * once it has.
 */
#ifndef WM_LOCALITIES_H
#define WM_LOCALITIES_H

#include "args.h"
#include "error.h"
#include "report.h"
#include "store_bundled.h"

#define WM_LOCALITIES_MAX 64
#define WM_LOCALITIES_MAX_OUTPUTS 4

extern const wm_option wm_localities_options[];

typedef struct wm_localities_spec {
    const char *store;              /* NULL: the default store */
    const char *file;               /* the localities table, or NULL */
    int nlocalities;
    const char *localities[WM_LOCALITIES_MAX];   /* --locality values */
    const char *geography;          /* default "locality" */
    const char *boundaries;         /* the GeoPackage to write, or NULL: beside the store */
    int noutputs;
    const char *outputs[WM_LOCALITIES_MAX_OUTPUTS];   /* the members table: .csv or .md */
} wm_localities_spec;

/* Parse and check the options (WM_EXIT_USAGE errors name the option). */
int wm_localities_spec_from_args(const wm_args *a, wm_localities_spec *spec, wm_error *err);

/* Read the localities, resolve them, write their boundaries and add them
 * to the store.  The report gets each locality's members and a line per
 * indicator, and the files read and written.  Errors name the file and
 * line, or the option, of the locality at fault. */
int wm_localities(const wm_localities_spec *spec, wm_store_handle *store, wm_report *report, wm_error *err);

#endif
