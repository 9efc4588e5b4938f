/* svg_text.h -- a figure's text in its SVG, written by wardmap rather than
 * by cairo.
 *
 * Why: cairo 1.16's SVG surface writes the outline of every glyph a page
 * shows through printf, a coordinate at a time, at about 2,700
 * instructions a number: a tenth of Coventry's figure set.  Here each
 * outline is written once per document, in thousandths of a point, by a
 * formatter of our own (wm_svg_decimal).
 *
 * How: while the SVG's page is drawn, its context carries a recorder
 * (wm_svg_text_attach).  wm_show_text and wm_svg_text_halo then give
 * cairo no glyphs: they record the run (its glyphs, font, colour, and the
 * context's transformation) and fill in its place a small square in a
 * colour that numbers the run (WM_SVG_TEXT_MARK_*), so the run keeps its
 * place in cairo's document: its order among what is drawn, inside the
 * clips and groups it was drawn in.  The SVG writer then writes every
 * glyph's outline once as a <symbol> (wm_svg_text_defs) and puts each run
 * where its square is (wm_svg_text_marker, wm_svg_text_run), as <use>s
 * of those symbols: the text filled in its colour, a halo stroked in the
 * halo's colour and width with round joins, at 0.9 opacity as a whole.
 * The outlines are cairo's own (cairo_glyph_path, unhinted, as cairo's
 * SVG surface takes them), so the page looks as cairo would draw it.
 *
 * Without a recorder on the context (PNG, PDF, or any other caller),
 * wm_show_text is cairo_show_text.
 *
 *     wm_svg_text *t = wm_svg_text_new();
 *     wm_svg_text_attach(cr, t);          // cr draws onto cairo's SVG surface
 *     ... draw, with wm_show_text for text ...
 *     // cairo's document written: for each marker found, the run instead
 *     wm_svg_text_defs(t, put, ctx);
 *     wm_svg_text_free(t);
 *
 * A run is one call.  At most WM_SVG_TEXT_MAX_RUNS runs a document are
 * recorded; later ones, and any a recorder out of memory cannot keep,
 * are given to cairo as usual (slower, the same page).
 */
#ifndef WM_SVG_TEXT_H
#define WM_SVG_TEXT_H

#include "style.h"

#include <cairo.h>
#include <stddef.h>

typedef struct wm_svg_text wm_svg_text;

/* A run's marker is filled in rgb((1 + k % 254) / 256, (1 + k / 254) /
 * 256, 48 / 256), k its number: components no style colour has (they are
 * hex, multiples of 1/255; k/256 is one only for 0 and 256).  cairo 1.16
 * writes it in the path's style as "fill:rgb(R%,G%,18.75%)", each
 * percentage exact in six decimals. */
#define WM_SVG_TEXT_MARK_B (48.0 / 256)
#define WM_SVG_TEXT_MARK_TAIL "%,18.75%);"
#define WM_SVG_TEXT_MAX_RUNS (254L * 254)

wm_svg_text *wm_svg_text_new(void);
void wm_svg_text_free(wm_svg_text *t);

/* Attach `t` to `cr` (as its user data): the text drawn on cr from now on
 * is recorded (above).  `t` must outlive cr's drawing.  0, or -1 when
 * cairo is out of memory (the text is then drawn by cairo). */
int wm_svg_text_attach(cairo_t *cr, wm_svg_text *t);

/* Show `utf8` at the current point in the current font and source, as
 * cairo_show_text does (the current point moves to the end of the
 * text); recorded when cr has a recorder. */
void wm_show_text(cairo_t *cr, const char *utf8);

/* Record the halo of the `n` glyphs `g` (user space, the current font):
 * their outlines to be stroked `width` wide in `colour` with round
 * joins, at 0.9 opacity as a whole.  0 when recorded; -1 when cr has no
 * recorder or it cannot keep the run: the caller draws the halo. */
int wm_svg_text_halo(cairo_t *cr, const cairo_glyph_t *g, int n, wm_rgb colour, double width);

/* Where output goes: `n` bytes of `s`. */
typedef void (*wm_svg_put)(void *ctx, const char *s, size_t n);

/* The <defs> of every glyph outline the runs use, one <symbol> each
 * (id "wm-gN"); nothing when there are none.  A glyph with no outline (a
 * space) has no symbol, and its runs no <use> of it. */
void wm_svg_text_defs(const wm_svg_text *t, wm_svg_put put, void *ctx);

/* The next marker element in cairo's document [p, e): its start (NULL
 * when there is none), its length in *len and its run in *run (a run the
 * recorder does not have is skipped: the element is not a marker). */
const char *wm_svg_text_marker(const wm_svg_text *t, const char *p, const char *e, size_t *len, size_t *run);

/* Run `run` as SVG: a group of <use>s of its glyphs' symbols. */
void wm_svg_text_run(const wm_svg_text *t, size_t run, wm_svg_put put, void *ctx);

/* `v` / 10^places as a decimal, trailing zeros dropped: (12345, 2) ->
 * "123.45", (-5, 2) -> "-0.05", (120, 2) -> "1.2", (7, 0) -> "7".
 * Writes at most 24 bytes, no NUL; returns their number.  `places` 0..6. */
size_t wm_svg_decimal(char *out, long v, int places);

#endif
