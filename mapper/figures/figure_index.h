/* figure_index.h -- the page that shows a figure set: <outdir>/index.html.
 *
 * One static HTML file, no scripts, no web fonts, no links outside the
 * output directory, so the set can be reviewed in a browser offline and
 * attached to a paper.  For every recipe item, in recipe order: its
 * title, the figure (an <img> of its PNG output, or else its SVG
 * embedded in the page), its caption, its table (the one the table or
 * rank operation made, as HTML), what it used (the sources of its
 * figures and every file it read, from its report) and its output
 * files.  Everything comes from the run's results: nothing is read back
 * from the files just written.  An item that failed shows its error
 * instead.  The page is written atomically (atomic.h).
 */
#ifndef WM_FIGURE_INDEX_H
#define WM_FIGURE_INDEX_H

#include "error.h"
#include "figureset.h"
#include "recipe.h"

/* Write <outdir>/index.html for a finished run. */
int wm_figure_index_write(const wm_recipe *r, const wm_figureset_result *res, const char *outdir, wm_error *err);

#endif
