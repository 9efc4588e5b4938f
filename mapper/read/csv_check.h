/* csv_check.h -- the structure of a CSV file, checked before GDAL reads it.
 *
 * GDAL's CSV driver forgives what a publisher's table must not get wrong:
 * it pads short rows, drops the fields of long ones, lets an unclosed
 * quote run to the end of the file and stops a cell at a NUL byte.  So
 * wm_table_read() first makes one light pass over the bytes (no values
 * are kept) and refuses, as "FILE:LINE: what is wrong" (WM_EXIT_DATA):
 *
 *   - a row with more fields than the header (an unquoted thousands
 *     separator: E05000001,A,29,199) or with fewer (a short or
 *     truncated row is not a row of empty cells);
 *   - a quote that is never closed (it would swallow the rest of the
 *     file), a quote inside an unquoted field, and text after a closing
 *     quote (CSV doubles a quote inside a quoted field; "a\"b" is not
 *     CSV either);
 *   - a NUL byte, and UTF-16 text;
 *   - a file separated by semicolons: such files write decimal commas
 *     (12,5 for 12.5), which a reader of published UK tables would take
 *     for thousands separators, so they are refused, not guessed at;
 *   - a header line whose separator GDAL would have to guess: commas and
 *     semicolons both outside quotes, tabs beside another separator
 *     (except in a .tsv file), or only spaces;
 *   - a header of one name and an empty one ("code,"), which GDAL reads
 *     as one column, dropping every row's second field (GDAL splits the
 *     header with its own tokenizer: "code,\"\"" is that case too), a
 *     header with a line break inside a quoted name (GDAL reads one
 *     line), and a backslash before a quote in a header (an escape to
 *     GDAL's header tokenizer, a character to its row splitter);
 *   - a file with no header line, or a blank line before it.
 *
 * Accepted as published: a UTF-8 byte-order mark, CRLF, LF or CR line
 * ends, no newline at the end, blank lines (skipped, as GDAL does),
 * quoted fields holding separators, doubled quotes or line breaks, and
 * spaces around a quoted field.
 *
 * The separator is the one GDAL 3.6 picks from the first line (it has no
 * open option to set it): a comma, or a tab.  Field counting follows RFC
 * 4180, and GDAL splits every file this check accepts the same way;
 * wm_table_read() still compares the two counts of rows and columns.
 */
#ifndef WM_CSV_CHECK_H
#define WM_CSV_CHECK_H

#include "error.h"
#include <stddef.h>

typedef struct wm_csv_shape {
    char sep;           /* ',' or '\t' */
    int nfields;        /* fields in the header */
    size_t nrecords;    /* data records (blank lines are not records) */
    long *lines;        /* nrecords: the line each record starts on (header = 1) */
} wm_csv_shape;

/* Check the CSV file at `path` (any path GDAL's VSI reads, /vsimem/
 * included); `name` is how messages call it.  Returns 0 and fills
 * `shape`, or -1 with `err` set (WM_EXIT_DATA). */
int wm_csv_check(const char *path, const char *name, wm_csv_shape *shape, wm_error *err);

void wm_csv_shape_free(wm_csv_shape *shape);

#endif
