/* store_internal.h -- what the importer's modules share (not a public
 * contract: store_import.h is).
 *
 *   store_context.c   the import context: report, SQL helpers, areas,
 *                     links and boundary layers as the store holds them;
 *   store_areas.c     manifest sections [areas G] and [link CHILD PARENT];
 *   store_routes.c    how one indicator's values reach each target
 *                     geography (aggregate.h does the arithmetic);
 *   store_import.c    metadata files, reading tables, the entry points.
 */
#ifndef WM_STORE_INTERNAL_H
#define WM_STORE_INTERNAL_H

#include "aggregate.h"
#include "error.h"
#include "interval.h"
#include "indicator_meta.h"
#include "layer.h"
#include "store.h"
#include "store_import.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>

/* A sorted set of area codes of one geography. */
typedef struct wm_area_set {
    size_t n;
    char **code;
} wm_area_set;

typedef struct wm_geo_layer {
    char geography[32];
    wm_layer *layer;
} wm_geo_layer;

/* Everything one import needs to carry around. */
typedef struct wm_imp_ctx {
    wm_store *s;
    sqlite3 *db;
    FILE *log;             /* the report being written (memstream) */
    char *log_buf;
    size_t log_len;
    FILE *warn;            /* its warnings, one a line without "warning: " (memstream) */
    char *warn_buf;
    size_t warn_len;
    int allow_partial;     /* wm_import_settings.allow_partial */
    int skip_uncovered;    /* wm_import_settings.skip_uncovered */
    char step_error[512];  /* the first statement that failed (wm_imp_step), or "" */
    int step_code;         /* its SQLite result code */
    size_t nlayers;
    wm_geo_layer *layers;     /* boundary layers read so far, by geography */
    char now[32];
    char routes[16][400];  /* routes already described in the report */
    int nroutes;
    char line[1024];       /* the report line of the indicator being aggregated */
    struct wm_imp_authorities *authorities;   /* wm_imp_authority's answers so far, or NULL */
    sqlite3_stmt *links_query, *has_links_query;   /* prepared once per import (wm_imp_load_links, wm_imp_has_links) */
} wm_imp_ctx;

/* Start an import on a store whose transaction the caller has begun
 * (wm_store_begin), with `opt`'s settings (may be NULL: no report, no
 * partial table accepted).  Out of memory rolls back and fails. */
int wm_imp_ctx_open(wm_imp_ctx *c, wm_store *s, const wm_import_settings *opt, wm_error *err);

/* Finish it: on success record the report (warnings at its end) in the
 * imports table (source named as kept in the store), commit and copy the
 * report to opt->report and the warnings to opt->warnings (or into the
 * report); on failure, or when any statement failed on the way
 * (wm_imp_step), roll back.  Returns rc, or -1 when the commit fails. */
int wm_imp_ctx_close(wm_imp_ctx *c, int rc, const char *source, const wm_import_settings *opt, wm_error *err);

/* printf into buf, cutting if need be (method texts are for reading). */
void wm_imp_fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* One line of the import report. */
void wm_imp_say(wm_imp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One warning of the import (store_import.h says where it goes). */
void wm_imp_warn(wm_imp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sqlite3_step for the importer.  A result that is neither a row, the
 * end nor a constraint (an I/O error, a damaged store, a lock) is also recorded in
 * c->step_error, and the import fails with it when it closes, even where
 * a caller takes it for "no row".  A fault point (fault.h). */
int wm_imp_step(wm_imp_ctx *c, sqlite3_stmt *q);

/* Set err from SQLite's last error (WM_EXIT_IO); returns -1. */
int wm_imp_sql_error(wm_imp_ctx *c, wm_error *err, const char *what);

/* Run one statement; the variable arguments (as many as the statement's
 * parameters) are bound as text, NULL as SQL NULL. */
int wm_imp_exec(wm_imp_ctx *c, wm_error *err, const char *sql, ...);

/* The codes of `geography` held in areas, sorted. */
int wm_imp_load_areas(wm_imp_ctx *c, const char *geography, wm_area_set *out, wm_error *err);
long wm_imp_area_find(const wm_area_set *a, const char *code);
void wm_imp_area_set_free(wm_area_set *a);

/* parent[i] = index in `parents` of the parent of child i (-1: none);
 * returns the number linked.  `method` (may be NULL) receives the link's
 * method and source, e.g. "best-fit lookup (x.csv)". */
long wm_imp_load_links(wm_imp_ctx *c, const char *child_geo, const wm_area_set *children, const char *parent_geo,
                       const wm_area_set *parents, long *parent, char *method, size_t msize);
int wm_imp_has_links(wm_imp_ctx *c, const char *child_geo, const char *parent_geo);

/* The boundary layer of a geography, read once per import. */
wm_layer *wm_imp_layer_of(wm_imp_ctx *c, const char *geography, wm_error *err);

/* A geography name: lower-case letters, digits, '_' (e.g. lsoa11). */
int wm_imp_valid_geography(const char *g);

const char *wm_imp_base_name(const char *path);

/* A path as kept in the store: relative to the home when inside it. */
void wm_imp_store_relative(const char *path, char *out, size_t size);

/* indicator_values rows: prepare once, insert many.  `coverage` is the
 * share (0-1) of the area held by sources with a value (NAN: unknown);
 * `estimate` why the value is an estimate (NULL: it is not).  Intervals
 * and comparisons are added afterwards (wm_imp_intervals). */
sqlite3_stmt *wm_imp_prepare_value_insert(wm_imp_ctx *c);
/* One indicator_values row: the value of an indicator (id, period) for
 * one area (geography, code), with what it was made from. */
typedef struct wm_imp_row {
    const char *id, *period, *geography, *code;
    double value, num, den;        /* NAN: No data / not applicable */
    int n_areas, n_missing;        /* source areas that contributed / had none */
    const char *status;            /* "published", "aggregated", ... */
    const char *published;         /* the cell as published, or NULL */
    const char *method;            /* how the value was made */
    double coverage;               /* share of the area the sources cover, 0..1 */
    const char *estimate;          /* why it is an estimate, or NULL */
} wm_imp_row;

int wm_imp_insert_value(wm_imp_ctx *c, sqlite3_stmt *q, const wm_imp_row *row, wm_error *err);

/* An indicator's geography and period (`want_period`, or the latest when
 * NULL); -1 when the store does not hold it. */
int wm_imp_indicator_home(wm_imp_ctx *c, const char *id, const char *want_period, char *geo, size_t gsize,
                          char *period, size_t psize);

/* store_areas.c */
int wm_imp_areas(wm_imp_ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err);
int wm_imp_link(wm_imp_ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err);

#define MAX_TARGETS 8
#define MAX_MINUS 8
#define MAX_WHERE 8
#define MAX_WEIGHTS 4

/* A row filter of a long table: COLUMN = VALUE. */
typedef struct wm_imp_where {
    char *column, *value;
    int ci;                      /* column index in the table, -1 until read */
} wm_imp_where;

/* A metadata file's [source] section. */
typedef struct wm_imp_source {
    const wm_meta_section *sec;
    char table[PATH_MAX];
    const char *table_name;
    const char *geography, *code_col, *name_col;
    const char *publisher, *licence, *period, *family, *notes, *to, *estimate;
    const char *england_row;     /* code of the table's row for England, or NULL */
    const char *england_sum;     /* code prefix of the rows whose counts sum to England (e.g. E01) */
    wm_imp_where where[MAX_WHERE];
    int nwhere;
} wm_imp_source;

/* An [indicator ID] section, checked; ci_* are its column indexes in
 * the source table (-1: none). */
typedef struct wm_imp_indicator {
    const wm_meta_section *sec;
    const char *id, *title, *label, *unit, *polarity, *period, *family, *notes, *publisher, *licence;
    const char *value_col, *num_col, *den_col, *from, *weight, *apportion, *class_text;
    const char **minus;
    size_t nminus;
    wm_agg_method agg;
    double scale, class_lo, class_hi;
    int headline;
    char *to[MAX_TARGETS];
    int nto;
    int ci_value, ci_num, ci_den, ci_minus[MAX_MINUS];
    char geography[32];          /* where its source values are */
    const char *estimate;        /* "modelled", "aggregates" or NULL */
    wm_ci_method ci;             /* interval method (default from unit and counts) */
    double compare_level;        /* 95 or 99.8 */
    double value_scale;          /* multiplies a published value column (default 1) */
    wm_imp_where where[MAX_WHERE];   /* the source's filters, then its own */
    int nwhere;
    char filter[256];            /* the filters in words, "" for none */
    int stored;                  /* 1: the indicator's row is in the store already and is kept as it is
                                    (aggregating to a geography added later, store_groups.c) */
    const char *weights[MAX_WEIGHTS];   /* weight = A, B: the choices, in order */
    int nweights;
    char *weight_parts[MAX_WEIGHTS];    /* owned copies */
} wm_imp_indicator;

/* A class as metadata writes it, "1" or "1-2" (inclusive); -1 if not. */
int wm_imp_parse_class(const char *text, double *lo, double *hi);

/* store_routes.c: aggregate one indicator's source values to each of its
 * target geographies and store them. */
int wm_imp_aggregate_indicator(wm_imp_ctx *c, const wm_meta_doc *d, wm_imp_indicator *ind, wm_error *err);

/* store_compare.c: confidence limits for every counted value of the
 * indicator (not an estimate), and its comparison with the authority's
 * and England's values (interval.h); of the values of `geography` only
 * when it is not NULL (a geography just added: the others' are as they
 * were). */
int wm_imp_intervals(wm_imp_ctx *c, const wm_imp_indicator *ind, const char *geography, wm_error *err);

/* wm_store_authority, remembered for the life of the import: the
 * comparisons ask it of every counted value, the same areas for each
 * indicator, and each answer walks the links in SQL.  The answers hold
 * only while the areas and links do, so every writer of the areas or
 * area_links tables through `c` calls wm_imp_areas_changed(c) after
 * writing, which forgets them. */
int wm_imp_authority(wm_imp_ctx *c, const char *geography, const char *code, wm_store_area *out, wm_error *err);
void wm_imp_areas_changed(wm_imp_ctx *c);

#endif
