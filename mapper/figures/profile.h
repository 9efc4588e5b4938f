/* profile.h -- a one-page area profile: `wardmap profile AREA` is this
 * call, and so is every [profile] section of a recipe.
 *
 * The area is one of a geography the store holds (a ward by default; a
 * locality, an MSOA...), named by its code or its published name.  The
 * page (page/profile_page.h) shows, for each indicator: the area's value with
 * its 95% interval and the count behind it, the value of the local
 * authority the area lies in (found through the store's links, never
 * assumed), England's where the store holds it, and the spread of the
 * authority's comparator areas (its wards by default) as a Fingertips
 * spine bar with the area's mark on it, coloured by the store's
 * comparison with the benchmark.  Estimates and values whose sources
 * cover too little of the area are flagged as the indicator table flags
 * them (* and a dagger), and No data is never zero.  Beside the chart: a
 * locator map of the authority's comparator areas with the area filled,
 * and the area's population (every stored population indicator, or those
 * named); at the foot, each indicator's publisher, file, licence and
 * period, and the copyright statements.
 *
 * Options (wm_profile_options; `wardmap profile --help`):
 *   --area AREA (on the command line: the one positional word), a code
 *     or a name; ambiguous and unknown names are errors listing codes or
 *     the nearest names;
 *   --geography G (default ward), --layer FILE[:LAYER], --key, --name-field,
 *     --where: the area's geography and its boundaries, as render takes a
 *     layer (default: the store's boundary layer of G);
 *   --spread G (default ward), --spread-layer FILE[:LAYER], --spread-key:
 *     the comparator areas and their boundaries;
 *   --indicators A,B,... (repeatable; default: the headline indicators,
 *     as the ward table has them), --population A,B,... (default: every
 *     indicator of the population family), --benchmark authority|england,
 *     --coverage-threshold PERCENT, --store, --style, --title, --subtitle,
 *     --notes, and the page options (page_spec.h; portrait by default).
 */
#ifndef WM_PROFILE_OP_H
#define WM_PROFILE_OP_H

#include "args.h"
#include "error.h"
#include "page_spec.h"
#include "report.h"
#include "store_bundled.h"

#define WM_PROFILE_MAX_ROWS 64

extern const wm_option wm_profile_options[];

typedef struct wm_profile_spec {
    const char *store;                     /* NULL: the default store */
    const char *area;                      /* code or name */
    const char *geography;                 /* the area's (default "ward") */
    const char *layer, *key, *name_field, *where;   /* its boundaries (NULL: the store's) */
    const char *spread;                    /* the comparator areas' geography (default "ward") */
    const char *spread_layer, *spread_key; /* their boundaries (NULL: the store's) */
    int nindicators;                       /* 0: the headline indicators */
    char **indicators;                     /* owned */
    int npopulation;                       /* 0: the population family */
    char **population;                     /* owned */
    int benchmark;                         /* WM_COMPARE_AUTHORITY (default) or WM_COMPARE_ENGLAND */
    double coverage_threshold;             /* percent (default 50) */
    const char *style;                     /* NULL: the default style */
    const char *title, *subtitle, *notes;  /* NULL: made from the area */
    wm_page_spec page;                     /* landscape -1: portrait */
} wm_profile_spec;

/* Parse and check the options (WM_EXIT_USAGE errors name the option): no
 * area, an unknown benchmark, a threshold outside 0..100, an indicator
 * named twice, more than WM_PROFILE_MAX_ROWS, text that is not UTF-8, and
 * the page options' errors.  Free with wm_profile_spec_free() whatever
 * the result. */
int wm_profile_spec_from_args(const wm_args *a, wm_profile_spec *spec, wm_error *err);

void wm_profile_spec_free(wm_profile_spec *spec);

/* Make the profile: find the area and its authority in the store (opened
 * once through `store`), read every indicator's values there, lay the
 * page out once and write every output, all or none.  Errors: an unknown
 * or ambiguous area, an area in no authority, an unknown indicator or one
 * without values at the geography (WM_EXIT_USAGE); a layer without the
 * area (WM_EXIT_DATA); an output that cannot be written (WM_EXIT_IO). */
int wm_profile(const wm_profile_spec *spec, wm_store_handle *store, wm_report *report, wm_error *err);

#endif
