/* join.h -- attach a table's values to a layer's areas by area code.
 *
 * The join is one-to-one on trimmed codes.  Each area gets the parsed
 * value of its row, or No data (NAN) when it has no row or its cell is
 * empty, suppressed or not a number: never zero.  Two rows with the same
 * code are an error naming the code and both lines.  Values that are not
 * numbers are counted, and the first is quoted, rather than dropped
 * silently.
 *
 * Keys are compared after trimming white space, the Unicode kinds too
 * (a no-break space U+00A0 after every code is common in tables copied
 * from web pages or spreadsheets; utf8.h lists them).  An ONS GSS code
 * (a letter and eight digits, E01009522) that matches no area as it is
 * written is tried with its letter in the other case, so "e01009522"
 * joins E01009522.  Both are counted, and the report says so when
 * either was needed: the table is then not as the publisher wrote it.
 *
 * The report follows mapshaper's model and speaks for both sides:
 *   "joined 195/195 areas; 32,649 table rows unused; sample unmatched keys: ..."
 * Keys and cells quoted in it have control characters escaped (\n), so
 * it is always one line.
 *
 * wm_join_report_verdict() sums the report up for a caller deciding
 * whether to go on: nothing usable joined, part of it, or all of it.
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
    size_t matched_trimmed;   /* areas whose row matched only once Unicode spaces were trimmed */
    size_t matched_case;      /* areas whose row matched only with the GSS code's letter case changed */
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

typedef enum wm_join_verdict {
    WM_JOIN_NONE = 0,   /* no area got a value: no key matched, the table has
                           no rows, or no matched cell holds a number (all
                           text, all empty or all suppressed) */
    WM_JOIN_PARTIAL,    /* some areas got a value, but some have no row or a
                           cell that is not a number */
    WM_JOIN_COMPLETE    /* every area has a row, and every cell is a number
                           or the publisher's No data (suppressed or empty) */
} wm_join_verdict;

/* What the join amounts to.  Rows of the table with no area (a national
 * table joined to one city) never make a join partial. */
wm_join_verdict wm_join_report_verdict(const wm_join_report *r);

/* "none", "partial" or "complete". */
const char *wm_join_verdict_name(wm_join_verdict v);

/* The share (0 to 1) of the layer's areas left without a value by a
 * fault: no row, or a cell that is not a number.  Suppressed and empty
 * cells are the publisher's No data and do not count. */
double wm_join_report_bad_share(const wm_join_report *r);

/* The share of bad areas (wm_join_report_bad_share) above which a map,
 * or an import, fails unless told to accept it (--allow-partial): more
 * than half.  Any bad area at all is a warning. */
#define WM_JOIN_FAIL_SHARE 0.5

/* Format a count with thousands separators ("32,649") into buf. */
const char *wm_format_count(size_t n, char *buf, size_t size);

#endif
