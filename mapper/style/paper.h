/* paper.h -- the paper sizes a figure can be laid out on.
 *
 * Sizes are in points (1/72 inch), portrait unless `landscape`: a page's
 * size is part of its style (style.h: paper, landscape) and the layout
 * (page/) reads it from there, so this module belongs to neither.
 */
#ifndef WM_PAPER_H
#define WM_PAPER_H

/* Page sizes: "A3", "A4", "A5" (case-insensitive; portrait unless
 * `landscape`).  Returns -1 for an unknown name, leaving the outputs
 * untouched. */
int wm_paper_size(const char *name, int landscape, double *width_pt, double *height_pt);

#endif
