/* wm_text_advance (text_measure.h) answers as cairo_text_extents does, to
 * the bit, whatever changes cairo's answer between two measurements of
 * the same text: the weight, the size, the context's scale (a PNG's
 * resolution), the target surface's font options (a PDF's against an
 * image's), the context's own font options; remembered answers included,
 * and a text too long to be remembered. */
#include "text_measure.h"
#include "error.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>

static double cairo_advance(cairo_t *cr, const char *text)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    return e.x_advance;
}

static const char *const texts[] = {
    "Wood", "End", "and", "Henley", "Green", "29,199", "(%)", " ", "", "Canley and Tile Hill",
    "A text longer than the forty-seven bytes that are ever remembered by the measure",
};

/* Every text in a few fonts on `cr`, twice (the second answer remembered). */
static void same_as_cairo(cairo_t *cr, const char *what)
{
    for (int round = 0; round < 2; round++)
        for (int bold = 0; bold < 2; bold++)
            for (double size = 7; size <= 11; size += 4) {
                cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
                cairo_set_font_size(cr, size);
                for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
                    double want = cairo_advance(cr, texts[i]), got = wm_text_advance(cr, texts[i]);
                    if (memcmp(&want, &got, sizeof got) != 0)
                        fprintf(stderr, "%s, bold %d, size %g, \"%s\": %.17g, want %.17g\n", what, bold, size,
                                texts[i], got, want);
                    CHECK(memcmp(&want, &got, sizeof got) == 0);
                }
            }
}

int main(void)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 64);
    cairo_t *plain = cairo_create(img);
    same_as_cairo(plain, "image");
    cairo_t *scaled = cairo_create(img);
    cairo_scale(scaled, 300.0 / 72, 300.0 / 72);   /* a 300 dpi PNG's context */
    same_as_cairo(scaled, "image at 300 dpi");
    cairo_t *hinted = cairo_create(img);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_ON);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_FULL);
    cairo_set_font_options(hinted, fo);
    cairo_font_options_destroy(fo);
    same_as_cairo(hinted, "image, hinted metrics");

    char path[4096];
    snprintf(path, sizeof path, "%s", wm_test_tmp_path("synthetic_measure.pdf"));
    cairo_surface_t *pdf = cairo_pdf_surface_create(path, 100, 100);
    cairo_t *vector = cairo_create(pdf);
    same_as_cairo(vector, "PDF");
    same_as_cairo(plain, "image again");

    cairo_destroy(vector);
    cairo_surface_destroy(pdf);
    cairo_destroy(hinted);
    cairo_destroy(scaled);
    cairo_destroy(plain);
    cairo_surface_destroy(img);
    wm_shutdown();
    return wm_test_summary();
}
