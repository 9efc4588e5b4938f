/* store.h -- the indicator store: one SQLite file holding areas, how
 * areas nest, indicator metadata and indicator values at every geography.
 *
 * A value always says where it came from: the published cell, or the
 * numerator, denominator, number of contributing areas and method of the
 * aggregation that made it.  docs/store.md documents the schema, the
 * metadata format and every aggregation method.
 *
 * Geographies are named by type and vintage: "lsoa11", "lsoa21",
 * "msoa11", "msoa21", "ward25", "lad24".  Where a function takes a
 * geography, a bare type ("ward", "lsoa") matches any vintage of it.
 *
 * Everything here works on an open store (wm_store_open); opening the
 * default store, and building it when it is missing, is
 * store_bundled.h's job.  Every read tells "no rows" from a store that
 * cannot be read: a corrupt or locked store is an error, never an empty
 * answer.
 *
 * Every writing operation is one SQLite transaction: a failed import
 * leaves the store exactly as it was.
 */
#ifndef WM_STORE_H
#define WM_STORE_H

#include "error.h"
#include "layer.h"

#include <stddef.h>

/* Schema version, kept in PRAGMA user_version. */
#define WM_STORE_SCHEMA 2

/* Everything a figure, table or export needs to say about an indicator.
 * Fixed-size strings so callers need no free function; longer texts
 * are cut (never overflowing). */
#define WM_PUBLISHER_MAX 512

typedef struct wm_indicator_meta {
    char id[64];
    char period[32];          /* e.g. "2019", "2015/16-2017/18" */
    char title[256];
    char label[64];           /* short heading for table columns and legends (the id when none given) */
    char unit[32];            /* "%", "count", "rank", "decile", "score", "rate per 100" */
    char polarity[32];        /* "higher is worse", "higher is better" or "neutral" */
    int higher_is_worse;      /* 1, 0 (higher is better) or -1 (neutral) */
    char family[32];          /* "deprivation", "fuel poverty", "ethnicity", "child obesity", ... */
    char geography[32];       /* the geography the source was published for, e.g. "lsoa11" */
    char publisher[WM_PUBLISHER_MAX];   /* who published it, and where (the bundled metadata: up to 196 characters) */
    char source_file[512];    /* the source table, as named in its metadata */
    char licence[128];
    char aggregation[64];     /* "ratio of sums", "population-weighted mean", ... or "none" */
    char notes[512];          /* caveats, e.g. how an estimate was made; may be "" */
    char weight[64];          /* the indicator that weights a weighted method (the one chosen when the
                                 metadata allows several, e.g. "pop_mid2022"); "" for none */
    char estimate[16];        /* "modelled" (every value modelled at source), "aggregates" (every
                                 aggregated value is an estimate) or ""; see also each value's estimate */
    char interval[16];        /* "Wilson score", "Byar" or "": how confidence intervals were made */
    double compare_level;     /* confidence of the stored comparisons: 95 or 99.8 (NAN: none) */
    char coverage_basis[160]; /* what each value's coverage is measured in, e.g. "pop_census2021_0_15" */
    char filter[256];         /* rows taken from a long table, e.g. "Indicator = ...; Period = 2021/22" */
    /* Filled by wm_store_values_for_layer() only: */
    char values_geography[32];/* geography the values were taken at, e.g. "ward25" */
    char method[512];         /* how those values were made (from the first area with a value) */
    char report[256];         /* one line: "store ward25: 18/18 areas have a value; ..." */
} wm_indicator_meta;

typedef struct wm_store wm_store;
typedef struct sqlite3 sqlite3;

/* Open the store at `path`.  `create` makes a new file with the schema
 * when none exists (directories included).  A file that is not a
 * wardmap store, or one of another schema, is an error. */
wm_store *wm_store_open(const char *path, int create, wm_error *err);

void wm_store_close(wm_store *s);

/* The schema number of the store file at `path` (its PRAGMA user_version:
 * WM_STORE_SCHEMA for a current store, 0 for an empty or foreign
 * database), or -1 when it cannot be read: missing, locked by another
 * process, damaged.  Waits for no lock. */
int wm_store_schema_at(const char *path);

/* A private copy of an open store, in memory: for work that adds to a
 * store without changing the user's file (candidate localities are
 * aggregated in one, store_groups.h).  It names itself by the source's
 * path in messages.  Close it with wm_store_close(). */
wm_store *wm_store_open_copy(wm_store *src, wm_error *err);

/* The path the store was opened from. */
const char *wm_store_path(const wm_store *s);

/* ---- Reading ---- */

/* The metadata of indicator `id` for `period` (NULL: the latest period
 * held).  Errors (WM_EXIT_USAGE): unknown indicator (the message lists
 * near ids) or period (it lists the periods held). */
int wm_store_indicator(wm_store *s, const char *id, const char *period, wm_indicator_meta *meta, wm_error *err);

/* The values of indicator `indicator_id` for every feature of `layer`,
 * as a malloc'd array of layer->n doubles in the layer's feature order;
 * NAN is No data (no stored value, a suppressed value, or an aggregate
 * that could not be made).  `period` NULL takes the latest period held.
 * `geography` ("ward", "ward25", "lsoa11", ...) chooses among the
 * geographies the indicator has values for; NULL picks the one whose
 * area codes match most of the layer's keys.  `meta` (may be NULL)
 * receives the metadata, the method and a one-line join report.
 * Errors: unknown indicator (WM_EXIT_USAGE, the message lists near ids),
 * no values at the geography, no layer key matching any stored area
 * (WM_EXIT_DATA). */
double *wm_store_values_for_layer(wm_store *s, const char *indicator_id, const char *period,
                                  const char *geography, const wm_layer *layer, wm_indicator_meta *meta,
                                  wm_error *err);

/* The same, with each feature's stored row (what its value covers and
 * claims: coverage, estimate, limits, comparisons), layer->n entries in
 * feature order; a feature without a row gets status "no row" and NAN
 * figures.  *values (may be NULL) receives the values as above. */
struct wm_store_value;
struct wm_store_value *wm_store_details_for_layer(wm_store *s, const char *indicator_id, const char *period,
                                                  const char *geography, const wm_layer *layer, double **values,
                                                  wm_indicator_meta *meta, wm_error *err);

/* Every indicator (each id and period) that has values at `geography`
 * (NULL: all indicators), in manifest order, as a malloc'd array the
 * caller frees with free(); *n receives the count (0 is not an error).
 * `headline_only` keeps those marked for the ward table (table = yes in
 * their metadata).  The values_geography field is set to the geography
 * matched (or "" when `geography` is NULL). */
int wm_store_list_indicators(wm_store *s, const char *geography, int headline_only, wm_indicator_meta **list,
                             size_t *n, wm_error *err);

/* One stored value with its components. */
typedef struct wm_store_value {
    char area_code[32];
    char area_name[128];
    double value;             /* NAN: No data */
    double numerator;         /* NAN when not applicable */
    double denominator;       /* NAN when not applicable */
    int n_areas;              /* source areas that contributed (1 for published values) */
    int n_missing;            /* source areas that had no value */
    char status[16];          /* "published", "computed", "aggregated", "suppressed", "empty", "no data" */
    char method[512];
    /* What the value covers and claims (docs/store.md, "Coverage, estimates and intervals"): */
    double coverage;          /* share 0-1 of the area held by the source areas with a value, measured in
                                 the indicator's coverage_basis; 1 for a published value, NAN unknown */
    int estimate;             /* 1: an estimate (modelled at source, or apportioned from areas that do
                                 not nest); such values have no interval */
    char estimate_note[64];   /* why, e.g. "modelled at source", "apportioned from msoa11"; "" */
    double lower95, upper95;  /* 95% confidence limits, in the value's unit; NAN: none */
    double lower998, upper998;/* 99.8% confidence limits */
    char ci_method[16];       /* "Wilson score", "Byar", "exact Poisson" or "" */
    char compare_authority[16]; /* against the local authority's value: "higher", "similar", "lower"
                                   or "not compared" (Fingertips: the benchmark outside the interval) */
    char compare_england[16];   /* against England's value, where the store holds it */
} wm_store_value;

/* Every value of an indicator at one geography (sorted by area code),
 * malloc'd; *n receives the count.  Same period/geography rules as
 * wm_store_values_for_layer(), except that `geography` NULL is the
 * indicator's own (published) geography; `meta` may be NULL. */
int wm_store_values(wm_store *s, const char *indicator_id, const char *period, const char *geography,
                    wm_store_value **values, size_t *n, wm_indicator_meta *meta, wm_error *err);

/* The stored value of indicator `id` (period NULL: the latest) for the
 * area `code`, at whichever geography holds the area (the city is a
 * lad, a ward a ward...), with the area's name into `name` (may be
 * NULL).  Returns 0, 1 when the store holds no value row for that area,
 * -1 on error.  *value may be NAN (a row saying No data). */
int wm_store_area_value(wm_store *s, const char *id, const char *period, const char *code, double *value,
                        char *name, size_t name_size, wm_error *err);

/* An area as the store holds it. */
typedef struct wm_store_area {
    char code[32];
    char name[128];
    char geography[32];       /* e.g. "ward25" */
    char local_name[128];     /* a name in local use, e.g. the House of Commons Library MSOA name; "" */
} wm_store_area;

/* The geography and code of the England benchmark (docs/store.md): a
 * table's England row, or the sum of a national table's English rows. */
#define WM_ENGLAND_GEOGRAPHY "ctry"
#define WM_ENGLAND_CODE "E92000001"

/* The area of `geography` (an exact name, e.g. ward25) that `text`
 * names: its code (any case), else its name or local name compared as
 * wm_name_key() does ("st michael’s" is "St Michael's").  Errors
 * (WM_EXIT_USAGE, naming the store): no such area (the message lists the
 * nearest names), or a name several areas share (it lists each with its
 * code and authority: give the code). */
int wm_store_find_area(wm_store *s, const char *geography, const char *text, wm_store_area *out, wm_error *err);

/* The local name of the area (geography, code) into `out` ("" when it has
 * none), e.g. an MSOA's House of Commons Library name ("Henley Green &
 * Wood End" for Coventry 007).  Returns 0, or -1 on error. */
int wm_store_local_name(wm_store *s, const char *geography, const char *code, char *out, size_t size, wm_error *err);

/* The local authority the area (geography, code) lies in: the nearest
 * area of a lad geography up its links (a ward's lad25; an LSOA's through
 * its ward); failing any link, the store's only lad area, when it holds
 * exactly one (a study area is one authority).  Returns 0 with the
 * authority in *out, 1 when there is none, -1 on error. */
int wm_store_authority(wm_store *s, const char *geography, const char *code, wm_store_area *out, wm_error *err);

/* The areas of `geography` (an exact name, e.g. ward25) sorted by code,
 * then, with `with_parents`, every area they are linked to (their local
 * authority, say) sorted by code; malloc'd, *n receives the count. */
int wm_store_read_areas(wm_store *s, const char *geography, int with_parents, wm_store_area **areas, size_t *n,
                        wm_error *err);

/* How one area nests in a larger one. */
typedef struct wm_store_link {
    char child[32];           /* area code, e.g. an LSOA */
    char parent[32];          /* the area it lies in, e.g. its ward */
    char method[64];          /* "best-fit lookup", "point on surface", ... */
} wm_store_link;

/* Every link from `child_geography` to `parent_geography` (exact names,
 * e.g. lsoa11 -> ward25), sorted by child code, malloc'd; *n receives the
 * count (0 is not an error: the store holds no such links). */
int wm_store_read_links(wm_store *s, const char *child_geography, const char *parent_geography,
                        wm_store_link **links, size_t *n, wm_error *err);

/* The geographies `child_geography` has links to (e.g. lsoa21 ->
 * lsoa11, msoa21, ward25), sorted, into out[0..max-1]; returns how many
 * (-1 on error). */
int wm_store_parent_geographies(wm_store *s, const char *child_geography, char out[][32], int max, wm_error *err);

/* What an indicator's coverage is measured in, in a reader's words:
 * "pop_census2021_0_15: Usual residents aged 15 and under (Census 2021)"
 * -> "usual residents aged 15 and under"; for "Wainbody: 17% of ...
 * covered". */
void wm_coverage_words(const char *coverage_basis, char *out, size_t size);

/* Why a value is an estimate (wm_store_value.estimate_note), in a
 * reader's words: "modelled at source" -> "modelled by the publisher",
 * "apportioned from msoa21" -> "shared out from MSOAs by population",
 * "estimated from msoa11 values" -> "estimated from MSOA figures". */
void wm_estimate_words(const char *estimate_note, char *out, size_t size);

/* The decimals a value of this unit is shown with, for readers: 1 for %
 * and rates per 100, 2 for scores, none for counts, ranks and deciles. */
int wm_unit_decimals(const char *unit);

/* ---- Lower level (for the importer and the tests) ---- */

/* The SQLite handle, for queries the API above does not cover. */
sqlite3 *wm_store_db(wm_store *s);

/* Transactions: begin (immediate), commit, rollback. */
int wm_store_begin(wm_store *s, wm_error *err);
int wm_store_commit(wm_store *s, wm_error *err);
void wm_store_rollback(wm_store *s);

/* Every value of (id, period, geography) in an open store, sorted by area
 * code, malloc'd; *n receives the count (0 is not an error). */
int wm_store_read_values(wm_store *s, const char *id, const char *period, const char *geography,
                         wm_store_value **values, size_t *n, wm_error *err);

/* The geographies indicator `id` (period `period`) has values for,
 * with their area counts, into buf: "lad25(1) lsoa11(195) ward25(18)".
 * Returns -1 (buf empty) when the store cannot be read. */
int wm_store_geographies_held(wm_store *s, const char *id, const char *period, char *buf, size_t size);

/* A geography of the store that has a boundary layer, and how to read it. */
typedef struct wm_store_geography {
    char geography[32];       /* e.g. "ward25" */
    char layer[1024];         /* FILE[:LAYER] as imported */
    char code_field[64];
    char name_field[64];
} wm_store_geography;

/* Every geography with a boundary layer (sorted by name), malloc'd; *n
 * receives the count.  For writers that carry all geographies, such as
 * the GeoPackage export. */
int wm_store_boundary_layers(wm_store *s, wm_store_geography **list, size_t *n, wm_error *err);

/* The boundary layer of `geography` (an exact name) as the store records
 * it (its path relative to the home), read with `opt` (may be NULL), whose
 * key and name fields default to those the store records.  The layer's
 * spec is the path read (for a report).  Errors: the store has no layer
 * of that geography (WM_EXIT_DATA), and the layer reader's. */
wm_layer *wm_store_layer(wm_store *s, const char *geography, const wm_layer_options *opt, wm_error *err);

/* The boundary layer of a geography as the store records it, for a map
 * that names the geography instead of a file: `geography` is exact
 * ("locality") or a bare type ("ward": the latest vintage held; with
 * `indicator_id`, the latest it has values for).  *out receives the
 * entry with its layer made a path (relative ones are under the home).
 * Errors (WM_EXIT_USAGE): the store holds no such geography, or no
 * boundary layer of it (the message says how to add one). */
int wm_store_geography_layer(wm_store *s, const char *geography, const char *indicator_id, wm_store_geography *out,
                             wm_error *err);


/* Resolve a geography name ("ward", "ward25") to one the store holds
 * values for, for this indicator (id NULL: any); "" when none.  An
 * ambiguous bare type picks the latest vintage. */
int wm_store_match_geography(wm_store *s, const char *indicator_id, const char *geography,
                             char *out, size_t size, wm_error *err);

#endif
