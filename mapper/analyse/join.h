/* join.h -- attach a table's values to a layer's areas by area code.
 *
 * The join is one-to-one on trimmed codes.  Each area gets the parsed
 * value of its row, or No data (NAN) when it has no row or its cell is
 * empty, suppressed or not a number: never zero.  Two rows with the same
 * code are an error naming the code and both lines.  Values that are not
 * numbers are counted, and the first is quoted, rather than dropped
 * silently.
 *
 * The report follows mapshaper's model and speaks for both sides:
 *   "joined 195/195 areas; 32,649 table rows unused; sample unmatched keys: ..."
 */
#ifndef WM_JOIN_H
#define WM_JOIN_H

#include "error.h"
#include "layer.h"
#include "table.h"

#define WM_JOIN_SAMPLES 5

typedef struct wm_join_report {
    size_t areas;             /* features in the layer */
    size_t matched;           /* areas with a table row */
    size_t with_value;        /* matched areas with a usable number */
    size_t table_rows;        /* rows in the table */
    size_t rows_unused;       /* rows whose code is no area of the layer */
    size_t suppressed;        /* matched rows whose cell is a suppression marker */
    size_t empty;             /* matched rows whose cell is empty */
    size_t invalid;           /* matched rows whose cell is not a number */
    char first_invalid[160];  /* "line 12: \"abc\"" for the first invalid cell */
    size_t n_unmatched_areas;
    char *unmatched_areas[WM_JOIN_SAMPLES];   /* sample area codes with no row */
    size_t n_unused_rows;
    char *unused_rows[WM_JOIN_SAMPLES];       /* sample table codes with no area */
} wm_join_report;

/* Join `table` (key column `data_key`, value column `value_field`) to
 * `layer`.  On success returns a malloc'd array of layer->n values, in
 * the layer's feature order, NAN meaning No data, and fills `report`
 * (free it with wm_join_report_free).  Returns NULL on error. */
double *wm_join(const wm_layer *layer, const wm_table *table, const char *data_key,
                const char *value_field, wm_join_report *report, wm_error *err);

/* The one-line report, e.g. for stderr.  Writes at most `size` bytes. */
void wm_join_report_format(const wm_join_report *r, char *buf, size_t size);

void wm_join_report_free(wm_join_report *r);

/* Format a count with thousands separators ("32,649") into buf. */
const char *wm_format_count(size_t n, char *buf, size_t size);

#endif
