/* table.h -- an indicator table read through GDAL/OGR.
 *
 * Any non-spatial source OGR reads will do (CSV above all, also XLSX, ODS,
 * GeoPackage attribute tables).  CSV is read by GDAL's CSV driver with
 * type detection off, so every cell arrives as the text the publisher
 * wrote ("29,199", "s", " 12 "); number.h turns cells into numbers.
 * A UTF-8 byte-order mark and CRLF line endings are handled by GDAL.
 *
 * The reader is strict, because GDAL forgives what would publish a
 * wrong figure.  Before GDAL reads a CSV file, csv_check.h checks its
 * structure: every row has as many fields as the header, quotes are
 * balanced, no NUL bytes, no semicolon-separated file (decimal commas).
 * Every header and cell, from any source, must be valid UTF-8 (utf8.h).
 * Each failure is one WM_EXIT_DATA error, "FILE:LINE: what is wrong".
 *
 * Two columns with the same name are allowed in the file, and an error
 * only when that name is asked for (wm_table_require_column): columns
 * nobody uses do not stop a national table from being read.
 *
 * A large table read without error (table_cache.h says which) is kept
 * in the table cache, and a later read of the unchanged file returns
 * that copy: the same names, cells and lines.
 *
 * Rows are numbered from 0; wm_table_line() gives the 1-based line in
 * the file for messages (header = line 1) for CSV sources: the line a
 * row starts on, counting blank lines and line breaks inside quotes.
 */
#ifndef WM_TABLE_H
#define WM_TABLE_H

#include "error.h"
#include "text.h"
#include <stddef.h>

typedef struct wm_table {
    char *path;        /* as given, for messages */
    int ncols;
    char **colnames;   /* ncols names, as in the header (BOM removed) */
    size_t nrows;
    char **cells;      /* nrows * ncols, row-major; never NULL ("" when empty) */
    long *lines;       /* nrows: line number of each row in the source */
    char *arena;       /* when set, the names and cells point into it (a
                          table loaded from table_cache.h) */
} wm_table;

/* Read a table.  `spec` is "FILE" or "FILE:LAYER" (layer of a
 * multi-layer source); FILE may be any path GDAL reads (/vsimem/,
 * /vsizip/ ...).  Returns NULL and fills `err` (WM_EXIT_DATA) when the
 * file cannot be opened, has no columns, breaks the rules above, or
 * GDAL reads it differently from the structure check.  A table with a
 * header and no rows is read (nrows = 0): whether that is an error is
 * the caller's to say (join.h's verdict does). */
wm_table *wm_table_read(const char *spec, wm_error *err);

/* Index of a column by exact name, or, failing that, by a
 * case-insensitive match; -1 if absent, -2 if two columns match (the
 * exact name twice, or no exact match and two case-insensitive ones). */
int wm_table_column(const wm_table *t, const char *name);

/* Like wm_table_column() but a missing column is an error that lists the
 * columns the table has, and two matching columns an error naming both. */
int wm_table_require_column(const wm_table *t, const char *name, wm_error *err);

/* The cell at (row, col); "" for out-of-range col. */
const char *wm_table_cell(const wm_table *t, size_t row, int col);

/* Line number of `row` in its file (1-based, header = 1). */
long wm_table_line(const wm_table *t, size_t row);

void wm_table_free(wm_table *t);

#endif
