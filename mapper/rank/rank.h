/* rank.h -- wards (or any geography) ranked on a composite need index,
 * with how far to trust each rank: `wardmap rank` is this call, and so
 * is every [rank] section of a recipe.
 *
 * The indicators and their polarity come from the store (need_index.h
 * does the arithmetic).  The small-area view counts each ward's LSOAs in
 * England's most deprived decile and groups them into clusters of
 * adjacent polygons; it takes everything from the store: the deciles (a
 * stored decile indicator), the small areas' boundaries (the store's
 * layer of that geography) and which ward each small area is in (the
 * store's links).  The map of the index is drawn from the ranking in
 * memory, with the top wards outlined and labelled with their rank.
 *
 * Candidate localities (candidates.h) are clusters of deprived LSOAs
 * across ward boundaries, ranked on the same index: --candidates and
 * --candidates-map ask for them.
 */
#ifndef WM_RANK_H
#define WM_RANK_H

#include "args.h"
#include "error.h"
#include "need_index.h"
#include "report.h"
#include "store_bundled.h"
#include "text_table.h"

#include <stdio.h>

#define WM_RANK_MAX_INDICATORS 32
#define WM_RANK_MAX_OUTPUTS 8

extern const wm_option wm_rank_options[];

typedef struct wm_rank_spec {
    const char *store;                  /* NULL: the default store */
    int nindicators;                    /* 0: one headline indicator per family */
    char ids[WM_RANK_MAX_INDICATORS][64];
    double weight[WM_RANK_MAX_INDICATORS];
    wm_need_method method;
    const char *geography;              /* the areas ranked (default "ward") */
    int csv;                            /* table format for stdout and -o without .csv/.md */
    int noutputs;
    const char *outputs[WM_RANK_MAX_OUTPUTS];
    const char *map;                    /* the map's file, or NULL */
    const char *title;                  /* its title, or NULL */
    int top;                            /* areas outlined on the map */
    const char *ward_layer, *ward_key;  /* the map's boundaries (default: the store's layer) */
    const char *decile;                 /* the decile indicator of the small-area view (NULL: the latest) */
    const char *small_areas;            /* its CSV, or NULL */
    int no_small_areas;
    /* Candidate localities (candidates.h): made when a table or map of them is asked for. */
    int ncandidates;
    const char *candidates[WM_RANK_MAX_OUTPUTS];   /* .csv or .md */
    const char *candidates_map;         /* .png, .svg or .pdf, or NULL */
    const char *candidate_source;       /* their decile indicator (NULL: the latest) */
    int candidate_decile;               /* 1: most deprived 10%; 2: 20% */
    double min_population, max_population;
} wm_rank_spec;

/* Parse and check the options (WM_EXIT_USAGE errors name the option). */
int wm_rank_spec_from_args(const wm_args *a, wm_rank_spec *spec, wm_error *err);

/* Rank, write the tables (-o files, or `out` when nothing else is
 * asked for), the small-area CSV and the map.  Files are written
 * atomically.  `display` (may be NULL) receives the table for readers
 * (the Markdown one, or the CSV one when only CSV was written), for the
 * caller to free. */
int wm_rank(const wm_rank_spec *spec, wm_store_handle *store, FILE *out, wm_report *report,
            wm_text_table **display, wm_error *err);

#endif
