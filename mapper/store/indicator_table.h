/* indicator_table.h -- the indicator table of a geography: one row per
 * area (and, with `total`, per parent area such as the local authority),
 * one column per indicator.  `wardmap table` is this call, and so is
 * every [table] section of a recipe.
 *
 * The CSV keeps ten significant digits; the Markdown rounds by unit (1
 * decimal for %, 2 for scores, none for counts) and lists every column's
 * source under the table.  Empty cells are No data.
 */
#ifndef WM_INDICATOR_TABLE_H
#define WM_INDICATOR_TABLE_H

#include "args.h"
#include "error.h"
#include "report.h"
#include "store_bundled.h"
#include "text_table.h"

#include <stdio.h>

#define WM_TABLE_MAX_SELECT 64

extern const wm_option wm_table_options[];

typedef struct wm_table_spec {
    const char *store;             /* NULL: the default store */
    const char *geography;         /* default "ward" */
    int csv;                       /* the format: CSV, else Markdown */
    const char *output;            /* file, or NULL for the caller's stream */
    int nindicators;
    const char *indicators[WM_TABLE_MAX_SELECT];   /* only these (in this order) */
    int nfamilies;
    const char *families[WM_TABLE_MAX_SELECT];     /* only these families */
    int all;                       /* every indicator, not only the headline ones */
    int components;                /* numerator, denominator, areas per value */
    int total;                     /* a row per parent area */
    int decimals;                  /* -1: by unit */
} wm_table_spec;

int wm_table_spec_from_args(const wm_args *a, wm_table_spec *spec, wm_error *err);

/* Make the table and write it to spec->output (atomically) or to `out`.
 * `display` (may be NULL) receives the table for the caller to free. */
int wm_indicator_table(const wm_table_spec *spec, wm_store_handle *store, FILE *out, wm_report *report,
                       wm_text_table **display, wm_error *err);

#endif
