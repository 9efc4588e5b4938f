/* figure_index.h -- the page that shows a figure set: <outdir>/index.html.
 *
 * One static HTML file, no scripts, no web fonts, no links outside the
 * output directory, so the set can be reviewed in a browser offline and
 * attached to a paper.  For every recipe item, in recipe order: its
 * title, the figure (an <img> of its PNG output, or else its SVG
 * embedded in the page), its caption, its data sources (the `source`
 * options, the stored indicators' publishers, and the input files), its
 * output files, and its table (a Markdown output, written for readers,
 * or else a CSV output read through table.h, shown as an HTML table).  An item that
 * failed shows its error instead.  The page is written to a temporary
 * name and renamed into place.
 */
#ifndef WM_FIGURE_INDEX_H
#define WM_FIGURE_INDEX_H

#include "error.h"
#include "figureset.h"
#include "recipe.h"

/* Write <outdir>/index.html for a finished run; `store_path` (may be
 * NULL) is where indicator metadata is looked up for the sources. */
int wm_figure_index_write(const wm_recipe *r, const wm_figureset_result *res,
                          const char *outdir, const char *store_path, wm_error *err);

#endif
