/* store_import.h -- load published tables into the indicator store, as
 * their metadata files say, and aggregate them to larger areas.
 *
 * Two kinds of file, both in the format of indicator_meta.h and both
 * documented in docs/store.md:
 *
 *   a metadata file (*.meta) describes one published table: a [source]
 *   section (the table, its geography and code column, publisher,
 *   licence, period, the geographies to aggregate to) and one
 *   [indicator ID] section per indicator taken from it (title, unit,
 *   polarity, the columns, the aggregation method);
 *
 *   a manifest (*.manifest) sets up a study area and imports into it:
 *   [areas GEOGRAPHY] sections read area codes and names from boundary
 *   layers, [link CHILD PARENT] sections say how one geography nests in
 *   another (lookup tables, chained, or point on surface), and an
 *   [imports] section lists metadata files to load, in order.
 *
 * Every call is one transaction: on any error nothing is changed.  The
 * report (rows read, loaded, suppressed, rejected with reasons, outside
 * the study area; areas without a row) is written to `report` (may be
 * NULL) and kept in the store's imports table.
 *
 * What a table must give (docs/bad-input.md, "Imports"): a table (or the
 * rows a filter takes from it) that loads no value is an error
 * (WM_EXIT_DATA) naming the table and why: no rows, every row rejected,
 * suppressed or outside the study area.  A table that leaves more than
 * half of the study area's areas without a row (rejected rows included;
 * with no study area yet, more than half of its rows rejected) is an
 * error too unless `allow_partial`; fewer is a warning.
 */
#ifndef WM_STORE_IMPORT_H
#define WM_STORE_IMPORT_H

#include "error.h"
#include "indicator_meta.h"
#include "store.h"

#include <stdio.h>

/* How an import reports, and what it accepts. */
typedef struct wm_import_settings {
    FILE *report;            /* the report, or NULL */
    FILE *warnings;          /* warnings, one "warning: ..." line each; NULL: they are report lines */
    int allow_partial;       /* accept a table that leaves most areas without a row (--allow-partial) */
    int skip_uncovered;      /* a table none of whose rows is in the study area (all outside it, none
                              * rejected) is reported and imports nothing, instead of failing: an area's
                              * store (store_area.h) reads national tables older than some districts */
} wm_import_settings;

/* Import a manifest (areas, links and the metadata files it lists). */
int wm_import_manifest_with(wm_store *s, const char *path, const wm_import_settings *opt, wm_error *err);

/* Import a manifest made in memory (wm_meta_new, wm_meta_add...): the
 * same sections, file names relative to the document's `dir` (its path's
 * folder).  How an area's store is built from the national files
 * (store_area.h). */
int wm_import_manifest_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err);
int wm_import_manifest_doc_with(wm_store *s, const wm_meta_doc *d, const wm_import_settings *opt, wm_error *err);

/* Import one metadata file. */
int wm_import_meta_file_with(wm_store *s, const char *path, const wm_import_settings *opt, wm_error *err);

/* Import a parsed metadata document (e.g. one built from command-line
 * flags with wm_meta_new()). */
int wm_import_meta_doc_with(wm_store *s, const wm_meta_doc *d, const wm_import_settings *opt, wm_error *err);

/* The same with the report (may be NULL) holding the warnings, and no
 * partial table accepted. */
int wm_import_manifest(wm_store *s, const char *path, FILE *report, wm_error *err);
int wm_import_meta_file(wm_store *s, const char *path, FILE *report, wm_error *err);
int wm_import_meta_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err);

/* The metadata file that belongs to a table: the table's path with its
 * extension replaced by ".meta".  Returns buf. */
char *wm_import_meta_path_for(const char *table, char *buf, size_t size);

#endif
