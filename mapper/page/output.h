/* output.h -- writing a figure as a PNG, SVG or PDF file.
 *
 * The figure is laid out (layout.h), drawn (draw.h) onto the format's
 * surface and written.  Formats, by the file name's extension:
 *   PNG  an RGB raster of width_pt * dpi / 72 pixels, with a pHYs chunk
 *        stating the DPI so it prints at the intended size;
 *   SVG  vector throughout, text as glyph outlines (SVG 1.2);
 *   PDF  vector, fonts embedded as subsets, with title, author, subject
 *        and creator; no clock date unless SOURCE_DATE_EPOCH gives one.
 * The same inputs give byte-identical files.
 *
 * A file is written under a temporary name and moved into place when
 * finished (atomic.h): a failed render never leaves a half-written
 * figure.
 */
#ifndef WM_OUTPUT_H
#define WM_OUTPUT_H

#include "error.h"
#include "figure.h"

typedef enum { WM_FORMAT_PNG, WM_FORMAT_SVG, WM_FORMAT_PDF } wm_format;

/* The output format implied by a file name's extension (.png, .svg,
 * .pdf, any case); -1 if none. */
int wm_format_from_path(const char *path, wm_format *out);

/* Lay `fig` out and write it to `path` (format from the extension).
 * Errors name the file: WM_EXIT_USAGE for a name without a known
 * extension, a page the layout refuses (layout.h) or a PNG over 400
 * million pixels; WM_EXIT_IO when the file cannot be written. */
int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err);

/* Write a thumbnail of the PNG file `src`, `width` pixels wide (its
 * height keeps the aspect), to `dst`.  For galleries: a README shows what
 * the figure set looks like. */
int wm_png_thumbnail(const char *src, const char *dst, int width, wm_error *err);

#endif
