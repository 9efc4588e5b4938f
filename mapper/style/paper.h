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

/* The page of a figure: `size_px` (width, height in pixels at the dpi)
 * when given, else `paper` (NULL: the style's) in the orientation
 * `landscape` (1, 0, or -1 for the style's); `dpi` 0 is the style's.
 * Fills *width_pt, *height_pt and *dpi_out. */
struct wm_style;
void wm_page_size(const struct wm_style *style, const int size_px[2], const char *paper, int landscape, int dpi,
                  double *width_pt, double *height_pt, double *dpi_out);

#endif
