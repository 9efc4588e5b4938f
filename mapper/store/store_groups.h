/* store_groups.h -- localities: named groups of small areas, kept in the
 * store as a geography of their own and given every indicator by the
 * rules that make the ward figures.
 *
 * A council runs its prototypes in neighbourhoods, not wards: "Wood End
 * and Henley Green", "Canley and Tile Hill".  A locality is a group of
 * LSOAs and MSOAs (or whole wards), so the store can build it:
 *
 *     const char *wood_end[] = { "Henley Green & Wood End" };
 *     wm_area_group g = { "Wood End and Henley Green", wood_end, 1 };
 *     wm_group_members *m;
 *     wm_store_resolve_groups(store, &g, 1, &m, &err);      // 7 lsoa21 areas
 *     ... dissolve their boundaries into a layer (analyse/dissolve.h) ...
 *     wm_store_add_groups(store, "locality", m, 1, &layer, report, &err);
 *     wm_group_members_free(m, 1);
 *
 * Members.  Each member is an area code of any geography the store holds
 * (an LSOA, MSOA or ward, any vintage) or a published name: the House of
 * Commons Library MSOA names ("Henley Green & Wood End"), the ONS names
 * ("Coventry 024", "Coventry 024A"), ward names ("St Michael's").  Names
 * match without regard to case.  A name held by areas of two types (a
 * ward and an MSOA both called "Foleshill") is an error listing both; the
 * member then says its type, "msoa:Foleshill" or "ward:Foleshill".  The
 * same name in two vintages of one type (an MSOA that kept its code and
 * name in 2021) is the latest vintage.
 *
 * Membership is kept at the base geography: the latest LSOA vintage the
 * store holds (lsoa21).  Every member expands to the base areas the
 * store links to it (an MSOA's LSOAs by the published lookup, a ward's
 * by the best-fit lookup), so a locality made of a ward has exactly the
 * LSOAs the ward's figures are made of.  Localities of one geography
 * must not overlap (an LSOA in two of them is an error naming both):
 * each small area lies in one area of a geography, as for wards.
 *
 * Other vintages of the base type follow it, as the ward membership
 * does (docs/store.md, "One ward membership across LSOA vintages"): a
 * 2011 LSOA is in the locality that holds most of its 2021 parts'
 * population (the latest population count the store holds at the base
 * geography; the number of parts when it holds none), and in none when
 * most of them lie outside every locality.  A locality lies in the local
 * authority of most of its LSOAs (for the comparisons with the
 * authority).
 *
 * Values.  Every stored indicator with an aggregation method is then
 * aggregated to the localities by the store's own routes
 * (store_routes.c), exactly as it is to wards: the same method, weight,
 * coverage, estimate flags, confidence limits and comparisons.  Indicators
 * published for areas that do not nest in LSOAs (MSOA figures) are
 * apportioned through the LSOAs by population, and say so.
 *
 * Adding groups to a geography replaces every group it held, in one
 * transaction: on any error the store is as it was.  A geography made
 * by [areas G] from boundaries cannot be replaced by groups.
 */
#ifndef WM_STORE_GROUPS_H
#define WM_STORE_GROUPS_H

#include "error.h"
#include "store.h"

#include <stddef.h>
#include <stdio.h>

/* A locality as the council names it. */
typedef struct wm_area_group {
    const char *name;               /* e.g. "Canley and Tile Hill" */
    const char *const *members;     /* codes or published names (see above) */
    size_t nmembers;
} wm_area_group;

/* A locality resolved to the base geography. */
typedef struct wm_group_members {
    char code[64];                  /* its code: the name in lower case, words joined by '-' */
    char name[128];
    char base[32];                  /* the base geography, e.g. "lsoa21" */
    size_t n;
    char (*codes)[32];              /* the base areas, sorted */
    char described[512];            /* the members as resolved, for reports and link methods:
                                       "msoa21 E02001964 Henley Green & Wood End (7 lsoa21)" */
} wm_group_members;

/* Resolve each group's members (see above).  *out receives n entries, in
 * the groups' order, for wm_group_members_free().  Errors
 * (WM_EXIT_USAGE, naming the group and the member): an unknown name (the
 * message lists names that contain it), an ambiguous one, a member the
 * store cannot expand to the base geography, a group without members,
 * two groups of one name, an area in two groups. */
int wm_store_resolve_groups(wm_store *s, const wm_area_group *groups, size_t n, wm_group_members **out,
                            wm_error *err);

void wm_group_members_free(wm_group_members *m, size_t n);

/* The boundary layer of a group geography: FILE[:LAYER] and its fields. */
typedef struct wm_group_layer {
    const char *path;
    const char *code_field, *name_field;
} wm_group_layer;

/* Store the groups as `geography` (e.g. "locality"; replacing the groups
 * it held), link them and aggregate indicators to them; one
 * transaction.  `layer` (may be NULL) is their boundary layer, recorded
 * for maps and for the area overlay of sources that need it.
 * `indicators` (`nindicators` ids) are the indicators to aggregate, every
 * one when NULL: a caller that reads a few of them (the candidate
 * localities of a need ranking, on a private copy of the store) need not
 * wait for the other hundred.  Each indicator's values come from its own
 * source areas, never from another indicator's values at `geography`,
 * so the few come out as they would with all.  The report (may be NULL)
 * gets the membership and one line per indicator. */
int wm_store_add_groups(wm_store *s, const char *geography, const wm_group_members *m, size_t n,
                        const wm_group_layer *layer, const char *const *indicators, size_t nindicators,
                        FILE *report, wm_error *err);

/* Whether the store holds exactly these groups as `geography` already:
 * the same codes, names and base areas, the boundary layer `layer`, and
 * values of every aggregated indicator (none imported since).  1 when
 * it does (adding them again would change nothing), 0 when not, -1 on
 * error. */
int wm_store_groups_held(wm_store *s, const char *geography, const wm_group_members *m, size_t n, const char *layer,
                         wm_error *err);

/* The latest count of residents the store holds at `geography` (an
 * indicator of family "population" and unit "count"): its id and period.
 * Returns 0, 1 when it holds none, -1 on error. */
int wm_store_population_at(wm_store *s, const char *geography, char *id, size_t id_size, char *period,
                           size_t period_size, wm_error *err);

#endif
