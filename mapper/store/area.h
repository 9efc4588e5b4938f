/* area.h -- which districts an AREA names: `wardmap figures --area AREA`.
 *
 * AREA is one of
 *   - a local authority district code of England (E06, E07, E08, E09),
 *     as in the ONS ward file's LAD25CD: "E06000016";
 *   - a district's name, in any case: "leicester", "Kingston upon Hull, City of";
 *   - a county's name (an upper-tier authority made of districts, from the
 *     MSOA-to-UTLA lookup): "Leicestershire";
 *   - a comma-separated list of codes or names: "Blaby, Charnwood, E07000131".
 * A name that matches nothing is an error that suggests the closest
 * names ("no district or county \"Leicster\"; did you mean Leicester?").
 *
 * An area of several districts is a study area of its own: when its
 * districts are exactly those of one county, it takes the county's code
 * and name (so the county's published figures are its reference), else
 * the code WM_AREA_STUDY_CODE and the districts' names joined.
 */
#ifndef WM_AREA_H
#define WM_AREA_H

#include "error.h"

#include <stddef.h>

#define WM_AREA_STUDY_CODE "STUDY"

typedef struct wm_district {
    char code[16];
    char name[128];
} wm_district;

typedef struct wm_area {
    size_t n;
    wm_district *districts;   /* sorted by code, each once */
    char code[16];            /* the district's code, the county's, or WM_AREA_STUDY_CODE */
    char name[512];           /* "Leicester", "Leicestershire", "Blaby, Charnwood and Harborough" */
    char slug[80];            /* a folder name for it: "e06000016", "e10000018", "study-<hash of the codes>" */
    char stem[128];           /* a file name for it: "leicester", "kingston_upon_hull_city_of" (the slug for a list) */
} wm_area;

/* Resolve `text` against the districts of the ward layer `wards` (any
 * layer OGR reads with the fields LAD25CD and LAD25NM: the national
 * cache) and, for county names and codes, the lookup `msoa_la` (columns
 * LADCD_ACTIVE, UTLACD, UTLANM; NULL: counties are not recognised).
 * Errors: WM_EXIT_USAGE for an AREA that names no district (with the
 * suggestions), WM_EXIT_DATA for a file that cannot be read. */
int wm_area_resolve(const char *text, const char *wards, const char *msoa_la, wm_area *a, wm_error *err);

void wm_area_free(wm_area *a);

#endif
