/* sections.h -- the one reader of wardmap's sectioned text files: map
 * styles (style.h), recipes (recipe.h), metadata files and manifests
 * (indicator_meta.h).  Each of those gives the sections and keys their
 * meaning; this module only reads the shape:
 *
 *     # a comment (a line whose first non-blank character is # or ;)
 *     title = Document title          <- before any header: section type ""
 *
 *     [render deprivation]            <- a header: type "render", name "deprivation"
 *     layer = layers/x.geojson        <- key = value (the value may be empty)
 *     labels = 1 most deprived|2|3
 *       |4|5                          <- an indented line continues the value
 *     reverse                         <- a key alone: a flag (value NULL)
 *
 * Rules:
 *   - a UTF-8 byte-order mark and CRLF line endings are accepted; a NUL
 *     byte is an error (not a text file);
 *   - keys and values are trimmed of spaces and tabs;
 *   - a continuation line (starting with a space or tab) is joined to the
 *     value before it with one space, or with none when either side of
 *     the join is a '|' (lists of labels); a blank line, a comment or a
 *     header ends a value, and a continuation with nothing to continue
 *     (or after a flag) is an error;
 *   - a header is "[TYPE NAME...]", TYPE its first word and NAME the rest
 *     (trimmed, may be empty); after the "]" only a "# comment" may
 *     follow.
 *
 * Every error is WM_EXIT_DATA "PATH:LINE: what is wrong"; the formats
 * built on this one report theirs the same way (wm_sections_error).
 */
#ifndef WM_SECTIONS_H
#define WM_SECTIONS_H

#include "error.h"

#include <stddef.h>

typedef struct wm_entry {
    char *key;
    char *value;             /* NULL for a flag (a key alone) */
    int line;
    const char *path;        /* the file it was written in, when not the
                              * document's own (an included recipe's,
                              * recipe.h); NULL for the document's path */
} wm_entry;

typedef struct wm_section {
    char *type;              /* the header's first word ("" before any header) */
    char *name;              /* the rest of the header, "" when none */
    int line;                /* the header's line (0 for the headerless section) */
    const char *path;        /* the file the header is in, NULL for the document's */
    size_t n;
    wm_entry *entries;       /* in file order */
} wm_section;

typedef struct wm_sections {
    char *path;              /* as given, for messages */
    char *dir;               /* the directory of path, for relative file names */
    size_t n;
    wm_section *sections;    /* in file order; the headerless one first, when present */
    size_t nfiles;
    char **files;            /* other files the text was read from (a
                              * recipe's includes), in the order read; the
                              * entries' and sections' `path` point here */
} wm_sections;

/* Read the file at `path` ("PATH: no such file" when it is missing). */
wm_sections *wm_sections_read(const char *path, wm_error *err);

/* Parse `text`; `path` names it in messages and gives `dir`. */
wm_sections *wm_sections_parse(const char *text, const char *path, wm_error *err);

/* An empty document (for building one from command-line flags), and
 * appending to it (strings are copied; NULL on out of memory). */
wm_sections *wm_sections_new(const char *path);
wm_section *wm_sections_add(wm_sections *d, const char *type, const char *name, int line);
wm_entry *wm_section_add(wm_section *s, const char *key, const char *value, int line);

/* The copy of `path` kept in d->files (added once), for an entry's or
 * section's `path`; NULL on out of memory. */
const char *wm_sections_keep_file(wm_sections *d, const char *path);

/* The last entry of `key` in `s`, or NULL; its value ("" for a flag). */
const wm_entry *wm_section_find(const wm_section *s, const char *key);
const char *wm_section_get(const wm_section *s, const char *key);

/* Set err to "PATH:LINE: <message>" (or "PATH: <message>" for line 0),
 * WM_EXIT_DATA; returns -1. */
int wm_sections_error(const wm_sections *d, int line, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void wm_sections_free(wm_sections *d);

#endif
