/* candidates.h -- candidate localities for the next prototype, found
 * from need: part of `wardmap rank` (--candidates, --candidates-map).
 *
 * A prototype runs in a neighbourhood, not a ward.  The candidates are
 * the clusters of neighbouring LSOAs in England's most deprived 10% (or
 * 20%, --candidate-decile 2) by the stored national decile, found across
 * ward boundaries, and kept to a prototype's size: at least
 * --min-population residents (default 3,000: two LSOAs or so) and at
 * most --max-population (default 20,000: a large neighbourhood; a group
 * of neighbours over it is split, analyse/cluster.h).  The residents are
 * the latest population count the store holds for those LSOAs.
 *
 * Each candidate is named by the published MSOA names it overlaps, the
 * one holding most of its LSOAs first ("Henley Green & Wood End / Bell
 * Green"); it lists its wards.  Its indicator profile is that of a
 * locality (store_groups.h): the store's indicators aggregated to it by
 * the rules that make the ward figures, in a private copy of the store,
 * so the user's store is not changed.  The candidates are then ranked on
 * the need index of the ward ranking (same indicators, weights and
 * method, among the candidates), with the same sensitivity ranges.
 *
 * Outputs: a table (CSV with full precision, Markdown for readers) whose
 * notes state the decile, the limits and the clusters left out as too
 * small; and a map of the candidates, numbered by rank and outlined over
 * the LSOA deciles, with the wards drawn faintly for orientation.
 */
#ifndef WM_CANDIDATES_H
#define WM_CANDIDATES_H

#include "error.h"
#include "need_index.h"
#include "report.h"
#include "store.h"

#define WM_CANDIDATES_MIN_POPULATION 3000
#define WM_CANDIDATES_MAX_POPULATION 20000
#define WM_CANDIDATES_MAX_OUTPUTS 8

typedef struct wm_candidates_spec {
    int decile_max;                 /* 1: the most deprived 10%; 2: 20% */
    double min_population, max_population;
    const char *decile;             /* the decile indicator's id, or NULL: the latest linked to the wards */
    const char *ward_geography;     /* the ranked geography, e.g. ward25 */
    int noutputs;
    const char *outputs[WM_CANDIDATES_MAX_OUTPUTS];   /* .csv or .md tables */
    const char *map;                /* .png, .svg or .pdf, or NULL */
    const char *layer;              /* GeoPackage of the candidates' boundaries, or NULL */
    /* The need index, as the ward ranking computes it. */
    size_t k;
    const char *const *ids;         /* k indicator ids */
    const wm_need_indicator *ind;   /* k polarities and weights */
    wm_need_method method;
} wm_candidates_spec;

/* The stored national decile of small areas: `want` (an id), else the
 * latest indicator of unit "decile" whose areas link to `linked_to`
 * (the ranked geography).  Errors: unknown id; none held. */
int wm_candidates_pick_decile(wm_store *store, const char *want, const char *linked_to, wm_indicator_meta *meta,
                              wm_error *err);

/* Find, measure and rank the candidates; write the outputs atomically.
 * Errors: no stored decile, no small-area boundaries or population, a
 * qualifying LSOA without a population (WM_EXIT_DATA, naming it). */
int wm_candidates(const wm_candidates_spec *spec, wm_store *store, wm_report *report, wm_error *err);

#endif
