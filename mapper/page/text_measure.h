/* text_measure.h -- how far a piece of text advances in a context's
 * current font, remembered.
 *
 * Laying out a page measures the same short texts again and again: the
 * five ward profiles of Coventry's set wrap their tables' indicator
 * names, units and figures word by word, 37,000 measurements, and each
 * cairo_text_extents costs thousands of instructions (the toy font
 * looked up, the text turned into glyphs, their extents summed).  The
 * advance of a text of up to WM_TEXT_MEASURE_MAX bytes is kept for the
 * process (freed at wm_shutdown), keyed by everything cairo's answer
 * depends on: the font's family, slant and weight, the font matrix, the
 * context's matrix (but its translation), the font options (the target
 * surface's, merged with the context's) and the text.  A longer text, or one in a font that is
 * not one of cairo's toy faces, is measured every time.  The answer is
 * cairo_text_extents' x_advance, to the bit.
 *
 *     double w = wm_text_advance(cr, "Wood End and Henley Green");
 *
 * Thread-safe: a figure set's workers share the widths they measure.
 * Out of memory, texts are measured and not kept.
 */
#ifndef WM_TEXT_MEASURE_H
#define WM_TEXT_MEASURE_H

#include <cairo.h>

#define WM_TEXT_MEASURE_MAX 47

/* cairo_text_extents(cr, text).x_advance, remembered. */
double wm_text_advance(cairo_t *cr, const char *text);

#endif
