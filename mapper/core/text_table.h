/* text_table.h -- a table of text cells, written as CSV, Markdown or HTML.
 *
 * The ward table, the need ranking and the figure set's index show the
 * same kind of thing: a header, rows of cells, and notes under the
 * table.  An operation builds the table once; the writers below are the
 * only code that quotes CSV fields, escapes Markdown bars or HTML.
 *
 *   CSV       RFC 4180: a field holding , " CR or LF is quoted, quotes
 *             doubled; one line per row; notes are not written (a CSV is
 *             for machines).
 *   Markdown  a pipe table ("| a | b |", a separator row giving each
 *             column's alignment), then a blank line and the notes, one
 *             per line, as they are (a note may itself be Markdown).
 *   HTML      <table> with <th> headings and a "n" class on cells that
 *             hold a number (number.h), then each non-empty note as a <p>.
 *
 * Cells are never NULL: an empty cell is "".  Out of memory is reported
 * by the function that met it (-1) and leaves the table as it was.
 */
#ifndef WM_TEXT_TABLE_H
#define WM_TEXT_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef enum { WM_ALIGN_LEFT, WM_ALIGN_RIGHT, WM_ALIGN_CENTRE } wm_align;

typedef struct wm_text_table {
    size_t ncols, nrows;
    char **head;          /* ncols headings */
    wm_align *align;      /* ncols alignments (Markdown) */
    char **cell;          /* nrows * ncols, row-major */
    size_t nnotes;
    char **notes;         /* lines under the table */
} wm_text_table;

/* A table of `ncols` columns with empty headings; NULL when out of memory. */
wm_text_table *wm_text_table_new(size_t ncols);

/* Set heading and alignment of column `col`. */
int wm_text_table_head(wm_text_table *t, size_t col, const char *text, wm_align align);

/* Append an empty row; returns its index, or -1. */
long wm_text_table_add_row(wm_text_table *t);

/* Set cell (row, col) printf-style. */
int wm_text_table_set(wm_text_table *t, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append a note line (printf-style); "" makes a blank line. */
int wm_text_table_note(wm_text_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write the table; each returns -1 when a write failed. */
int wm_text_table_write_csv(const wm_text_table *t, FILE *fp);
int wm_text_table_write_markdown(const wm_text_table *t, FILE *fp);
int wm_text_table_write_html(const wm_text_table *t, FILE *fp);

/* Write the table to `path` as CSV (csv != 0) or Markdown, atomically
 * (atomic.h): the whole file or nothing. */
struct wm_error;
int wm_text_table_save(const wm_text_table *t, const char *path, int csv, struct wm_error *err);

/* One field of a CSV line, quoted when it must be. */
void wm_csv_field(FILE *fp, const char *s);

/* Text in HTML, escaped (& < > "). */
void wm_html_text(FILE *fp, const char *s);

void wm_text_table_free(wm_text_table *t);

#endif
