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
 */
#ifndef WM_STORE_IMPORT_H
#define WM_STORE_IMPORT_H

#include "error.h"
#include "indicator_meta.h"
#include "store.h"

#include <stdio.h>

/* Import a manifest (areas, links and the metadata files it lists). */
int wm_import_manifest(wm_store *s, const char *path, FILE *report, wm_error *err);

/* Import a manifest made in memory (wm_meta_new, wm_meta_add...): the
 * same sections, file names relative to the document's `dir` (its path's
 * folder).  How an area's store is built from the national files
 * (store_area.h). */
int wm_import_manifest_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err);

/* Import one metadata file. */
int wm_import_meta_file(wm_store *s, const char *path, FILE *report, wm_error *err);

/* Import a parsed metadata document (e.g. one built from command-line
 * flags with wm_meta_new()). */
int wm_import_meta_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err);

/* The metadata file that belongs to a table: the table's path with its
 * extension replaced by ".meta".  Returns buf. */
char *wm_import_meta_path_for(const char *table, char *buf, size_t size);

#endif
