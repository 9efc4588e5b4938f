/* output.h -- writing a figure as PNG, SVG and PDF files.
 *
 * One call writes every output of a figure from one layout: the figure
 * is laid out once (layout.h) and drawn (draw.h) once per output.
 *
 * Formats, by the file name's extension:
 *   PNG  an RGB raster of width_pt * dpi / 72 pixels, with a pHYs chunk
 *        stating the DPI so it prints at the intended size;
 *   SVG  vector throughout (SVG 1.2): the map's areas written directly,
 *        one path per area, coordinates to 0.01 pt, the style on a group
 *        per colour and outline width, No data hatched by a pattern;
 *        everything else drawn by cairo (text as glyph outlines) into a
 *        document nested above them as an <svg> element.  The ids cairo
 *        numbers from a process-wide counter ("surface123") are
 *        renumbered in order of appearance, so a figure's SVG is the same
 *        whatever else the process drew before (or beside it, in threads);
 *   PDF  vector, fonts embedded as subsets, with title, author, subject
 *        and creator; no clock date unless SOURCE_DATE_EPOCH gives one.
 *        Labels are text; their halos are each glyph's stroked outline,
 *        written once as a form XObject and placed at every use (draw.c).
 * The same inputs give byte-identical files.
 *
 * All or nothing: every file is written under a temporary name
 * (atomic.h) and drawn, and only when all have succeeded are they moved
 * into place together (wm_atomic_commit_all); a failure leaves every
 * target as it was.  A drawing error (say, text that is not UTF-8) is an
 * error, never a blank figure.
 */
#ifndef WM_OUTPUT_H
#define WM_OUTPUT_H

#include "error.h"
#include "figure.h"
#include "layout.h"

#include <cairo.h>
#include <stddef.h>

typedef enum { WM_FORMAT_PNG, WM_FORMAT_SVG, WM_FORMAT_PDF } wm_format;

/* The output format implied by a file name's extension (.png, .svg,
 * .pdf, any case); -1 if none. */
int wm_format_from_path(const char *path, wm_format *out);

/* One file to write. */
typedef struct wm_output {
    const char *path;            /* the format from its extension */
    const char *thumbnail;       /* PNG only: also a thumbnail, made from the image in memory, or NULL */
    int thumbnail_width;         /* its width in pixels (the height keeps the aspect); < 16 or more
                                    than the image: the image's width */
} wm_output;

/* A page to write: its size, how to draw it, and what its PDF says of
 * it.  Every page wardmap writes (a figure, an area profile) goes through
 * wm_page_write, so each format is made one way. */
typedef struct wm_page_writer {
    double width_pt, height_pt;  /* the page, points */
    double dpi;                  /* PNG resolution */
    const char *title, *author, *subject;   /* PDF metadata (NULL: "", "wardmap", "") */
    /* Draw the page onto `cr`, whose user space is the page in points; an
     * error (cairo's, say) fills err and returns non-zero (draw.h).  It
     * paints every pixel, its background first: a PNG's image is not
     * cleared before it is drawn. */
    int (*draw)(cairo_t *cr, const void *page, wm_error *err);
    const void *page;
    /* Named groups: the SVG ids of the groups the drawing paints
     * (cairo_push_group, then painted), in the order it paints them, so a
     * reader of the SVG can find them (<g id="marker-fuel_poverty_2022">);
     * NULL when it paints none. */
    const char *const *svg_groups;
    size_t nsvg_groups;
    /* A figure's layout (the page `draw` draws), or NULL: with it, an
     * SVG's areas are written as compact paths of their own, beneath
     * cairo's drawing of the rest (wm_draw_page_with, WM_DRAW_NO_AREAS),
     * and its text, labels' halos too, as references to glyph outlines
     * written once each (svg_text.h). */
    const struct wm_layout *layout;
} wm_page_writer;

/* Write the `n` outputs of the page `w` describes, all or nothing, as
 * above.  Errors as wm_layout_write's. */
int wm_page_write(const wm_page_writer *w, const wm_output *outputs, size_t n, wm_error *err);

/* Write the `n` outputs of the figure laid out in `L`; thumbnails are
 * part of the group (all or nothing).  Errors name the file: WM_EXIT_USAGE
 * for a name without a known extension or a PNG over 400 million pixels,
 * WM_EXIT_DATA or WM_EXIT_IO when the figure cannot be drawn (draw.h),
 * WM_EXIT_IO when a file cannot be written. */
int wm_layout_write(const wm_layout *L, const wm_output *outputs, size_t n, wm_error *err);

/* Lay `fig` out once and write its outputs (wm_layout_write).  Layout
 * errors about the page are prefixed with the first output's name; a text
 * that cannot be drawn is named without it (layout.h). */
int wm_figure_write(const wm_figure *fig, const wm_output *outputs, size_t n, wm_error *err);

/* One output: wm_figure_write of { path }.  Kept for callers that write
 * one file at a time; a figure with several outputs should give them all
 * to wm_figure_write, which lays the page out once. */
int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err);

/* Write a thumbnail of the PNG file `src`, `width` pixels wide (its
 * height keeps the aspect), to `dst`.  For galleries of figures already
 * written; a figure being written gets its thumbnail from memory through
 * wm_output.thumbnail instead, identical and without reading it back. */
int wm_png_thumbnail(const char *src, const char *dst, int width, wm_error *err);

#endif
