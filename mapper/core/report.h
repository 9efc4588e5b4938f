/* report.h -- what an operation has to say besides its result.
 *
 * Library operations print nothing.  They add lines here -- the join
 * report, warnings such as a palette that is not colour-blind safe, the
 * "wrote ..." summary -- and the caller decides where the lines go: the
 * command line prints notes and warnings on stderr and results on
 * stdout; the figure-set runner keeps each item's lines together in its
 * log, so items running in parallel never interleave.
 *
 * A report also records the files an operation read and the sources of
 * its figures (a stored indicator's title, publisher and table; a
 * source the user named), each once, so a figure set's index names what
 * was actually used.
 *
 * Every function accepts a NULL report and then does nothing, so an
 * operation called for its result alone needs none.  A report is used by
 * one thread at a time.
 */
#ifndef WM_REPORT_H
#define WM_REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    WM_REPORT_NOTE,      /* how the work went: joins, counts ("joined 195/195 areas; ...") */
    WM_REPORT_WARNING,   /* something the user should act on; printed with "warning: " */
    WM_REPORT_RESULT     /* what was made ("wrote x.gpkg: ..."): standard output */
} wm_report_kind;

typedef struct wm_report_line {
    wm_report_kind kind;
    char *text;          /* one line, no newline */
} wm_report_line;

typedef struct wm_report {
    size_t n;
    wm_report_line *lines;
    size_t ninputs;
    char **inputs;       /* files read, in the order first read */
    size_t nsources;
    char **sources;      /* sources of the figures, one line each, in order */
    char *prefix;        /* put before every line added (e.g. a panel's title), or NULL */
} wm_report;

void wm_report_init(wm_report *r);

/* Add a line (printf-style).  Newlines and other control characters in
 * the text become spaces, so a line stays one line whatever a data file
 * held.  Out of memory loses the line, never the operation. */
void wm_report_add(wm_report *r, wm_report_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put `prefix` (copied; NULL for none) before the lines added from now. */
void wm_report_prefix(wm_report *r, const char *prefix);

/* Record that the file of `spec` ("FILE" or "FILE:LAYER") was read. */
void wm_report_input(wm_report *r, const char *spec);

/* Record a source line (printf-style), unless it is already there. */
void wm_report_source(wm_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append every line, input and source of `from` to `to`. */
void wm_report_append(wm_report *to, const wm_report *from);

/* Print notes and warnings to `err`, results to `out` (either may be
 * NULL: those lines are skipped).  Returns -1 if a write failed. */
int wm_report_print(const wm_report *r, FILE *out, FILE *err);

void wm_report_free(wm_report *r);

#endif
