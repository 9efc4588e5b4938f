/* indicator_meta.h -- the metadata and manifest file format.
 *
 * A human-written text format of sections and key = value lines, read
 * by sections.h (comments, continuation lines, BOM and CRLF):
 *
 *     # a comment (a line whose first non-blank character is '#')
 *     [indicator fuel_poverty_2020]
 *     title = Households in fuel poverty (2020 data)
 *     unit  = %
 *
 * A section header is "[TYPE NAME...]": TYPE is its first word, NAME the
 * rest (trimmed, may be empty).  Keys are lower-case letters, digits and
 * '_'; the value is everything after the first '=', trimmed, and may be
 * empty; an indented line continues the value before it.  Lines before the first section belong to a section with type
 * "" (allowed only if the caller accepts it).  A UTF-8 byte-order mark
 * and CRLF line endings are accepted.  Every error names file:line.
 *
 * This module only reads the format; what the sections mean (source,
 * indicator, areas, link, imports) is store_import.h's business.
 */
#ifndef WM_INDICATOR_META_H
#define WM_INDICATOR_META_H

#include "error.h"
#include "sections.h"
#include <stddef.h>

/* The document, its sections and entries are those of sections.h;
 * the metadata format adds no flags (every line is key = value). */
typedef wm_entry wm_meta_kv;
typedef wm_section wm_meta_section;
typedef wm_sections wm_meta_doc;

/* Read and parse the file at `path`.  Errors are WM_EXIT_DATA
 * ("path:12: ..."), or for a missing file "path: no such file". */
wm_meta_doc *wm_meta_read(const char *path, wm_error *err);

/* Parse `text`; `path` names it in messages and gives `dir`. */
wm_meta_doc *wm_meta_parse(const char *text, const char *path, wm_error *err);

/* An empty document (for building one from command-line flags). */
wm_meta_doc *wm_meta_new(const char *path);

/* Append a section / a key to the last section (copies the strings). */
wm_meta_section *wm_meta_add_section(wm_meta_doc *d, const char *type, const char *name, int line);
void wm_meta_add(wm_meta_section *s, const char *key, const char *value, int line);

/* The last value of `key` in `s`, or NULL. */
const char *wm_meta_get(const wm_meta_section *s, const char *key);

/* The entry of the last `key`, or NULL (for its line number). */
const wm_meta_kv *wm_meta_find(const wm_meta_section *s, const char *key);

/* Every value of `key`, in order, into a malloc'd array (*n entries). */
const char **wm_meta_all(const wm_meta_section *s, const char *key, size_t *n);   /* NULL: out of memory */

/* Check `s` against the keys it may hold: `allowed` and `repeatable`
 * are NULL-terminated lists (`repeatable` may be NULL).  An unknown key
 * or a key given twice that is not repeatable is an error naming
 * file:line; `required` keys (NULL-terminated, may be NULL) must be
 * present. */
int wm_meta_check(const wm_meta_doc *d, const wm_meta_section *s, const char *const *allowed,
                  const char *const *repeatable, const char *const *required, wm_error *err);

/* Set err to "path:line: <message>" (WM_EXIT_DATA); returns -1. */
int wm_meta_error(const wm_meta_doc *d, int line, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resolve a file named in the document against its directory into buf
 * (absolute names are kept).  Returns buf. */
char *wm_meta_path(const wm_meta_doc *d, const char *name, char *buf, size_t size);

/* Split "A | B | C" at `sep` into trimmed malloc'd parts; returns the
 * count, or -1 (nothing allocated) when there are more than `max`.
 * Free each part. */
int wm_meta_split(const char *value, char sep, char **parts, int max);   /* -1 also when out of memory */

void wm_meta_free(wm_meta_doc *d);

#endif
