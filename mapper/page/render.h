/* render.h -- the page stage as its first callers include it.
 *
 * Drawing a figure is now three modules: layout.h lays the page out once,
 * draw.h draws a layout onto a cairo context, output.h writes PNG, SVG
 * and PDF files (wm_figure_write for all of a figure's outputs at once;
 * wm_render_figure for one; wm_png_thumbnail).  The figure itself is
 * described in figure.h.  This header only gathers them for the callers
 * not yet switched to output.h; new code includes what it uses.
 */
#ifndef WM_RENDER_H
#define WM_RENDER_H

#include "figure.h"
#include "output.h"
#include "paper.h"   /* wm_paper_size, which callers found here before */

#endif
