/* A figure's text in its SVG (svg_text.h): the decimal formatter; text
 * and halos recorded on cairo's SVG surface, each put back where its
 * marker is, inside a clip, on a transformed context, with its glyphs'
 * outlines written once; a context without a recorder is cairo's. */
#include "svg_text.h"
#include "error.h"
#include "testutil.h"

#include <cairo-svg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decimal_is(long v, int places, const char *want, int line)
{
    char t[32];
    size_t n = wm_svg_decimal(t, v, places);
    t[n] = '\0';
    wm_test_check_str(t, want, "wm_svg_decimal", __FILE__, line);
}

static void test_decimal(void)
{
    decimal_is(12345, 2, "123.45", __LINE__);
    decimal_is(-5, 2, "-0.05", __LINE__);
    decimal_is(120, 2, "1.2", __LINE__);
    decimal_is(0, 2, "0", __LINE__);
    decimal_is(-7000, 3, "-7", __LINE__);
    decimal_is(1001, 3, "1.001", __LINE__);
    decimal_is(7, 0, "7", __LINE__);
    decimal_is(-123456789, 6, "-123.456789", __LINE__);
}

/* Output collected in memory. */
typedef struct buf {
    char *s;
    size_t n;
} buf;

static void put(void *ctx, const char *s, size_t n)
{
    buf *b = ctx;
    b->s = realloc(b->s, b->n + n + 1);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    put(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what)) n++;
    return n;
}

static void test_recorded(void)
{
    buf doc = { NULL, 0 };
    cairo_surface_t *svg = cairo_svg_surface_create_for_stream(to_buf, &doc, 200, 100);
    cairo_t *cr = cairo_create(svg);
    wm_svg_text *t = wm_svg_text_new();
    CHECK(t != NULL && wm_svg_text_attach(cr, t) == 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 10);

    /* A title: text, and the current point moved on as cairo would.  Its
     * space has no outline: no symbol, no <use>. */
    cairo_set_source_rgb(cr, 0.2, 0.4, 0.6);
    cairo_move_to(cr, 10, 20);
    wm_show_text(cr, "A b");
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    cairo_text_extents_t e;
    cairo_text_extents(cr, "A b", &e);
    CHECK_NEAR(x, 10 + e.x_advance, 1.0 / 256);   /* cairo keeps points in 24.8 fixed point */
    CHECK_NEAR(y, 20, 1e-9);

    /* A label inside a clip far from the origin, with its halo: the
     * outlines come whole (cairo leaves a glyph more than ten font sizes
     * outside the clip out of a glyph path). */
    cairo_save(cr);
    cairo_rectangle(cr, 150, 60, 45, 35);
    cairo_clip(cr);
    cairo_glyph_t *g = NULL;
    int ng = 0;
    CHECK(cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), 160, 80, "xy", -1, &g, &ng, NULL, NULL, NULL) ==
          CAIRO_STATUS_SUCCESS);
    wm_rgb white = { 1, 1, 1 };
    CHECK(wm_svg_text_halo(cr, g, ng, white, 2) == 0);
    cairo_glyph_free(g);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, 160, 80);
    wm_show_text(cr, "xy");
    cairo_restore(cr);

    /* Rotated text keeps its transformation. */
    cairo_save(cr);
    cairo_translate(cr, 50, 80);
    cairo_rotate(cr, -1.5707963267948966);
    cairo_move_to(cr, 0, 0);
    wm_show_text(cr, "A");
    cairo_restore(cr);

    cairo_destroy(cr);
    cairo_surface_finish(svg);
    cairo_surface_destroy(svg);
    CHECK(doc.s != NULL);

    /* Each marker back as its run; nothing of cairo's text. */
    buf out = { NULL, 0 };
    const char *p = doc.s, *end = doc.s + doc.n;
    size_t len, k, runs = 0, seen[8] = { 0 };
    for (const char *m; (m = wm_svg_text_marker(t, p, end, &len, &k)) != NULL; p = m + len) {
        put(&out, p, (size_t)(m - p));
        wm_svg_text_run(t, k, put, &out);
        if (k < 8) seen[k]++;
        runs++;
    }
    put(&out, p, (size_t)(end - p));
    CHECK(runs == 4);
    CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
    CHECK(count(out.s, WM_SVG_TEXT_MARK_TAIL) == 0);
    CHECK(count(out.s, "<use") == 2 + 2 + 2 + 1);
    CHECK(count(out.s, "id=\"glyph") == 0);
    CHECK(count(out.s, "fill:none;stroke:rgb(100%,100%,100%);stroke-width:2;stroke-linejoin:round;opacity:0.9") == 1);
    CHECK(count(out.s, "fill:rgb(20%,40%,60%);fill-opacity:1") == 2);   /* the title, the rotated "A" */
    CHECK(count(out.s, "fill:rgb(0%,0%,0%);fill-opacity:1") == 1);
    CHECK(count(out.s, "transform=\"matrix(") == 1);
    CHECK(strstr(out.s, "x=\"10\" y=\"20\"") != NULL);

    /* The outlines: one symbol a glyph of a font size, none empty ("xy"
     * shared by the halo and the text, "A" by the title and the rotated
     * text). */
    buf defs = { NULL, 0 };
    wm_svg_text_defs(t, put, &defs);
    CHECK(defs.s != NULL && count(defs.s, "<symbol") == 4);
    CHECK(defs.s != NULL && count(defs.s, "<path d=\"\"") == 0);
    CHECK(defs.s != NULL && count(defs.s, "<path d=\"M") == 4);
    free(defs.s);
    free(out.s);
    free(doc.s);
    wm_svg_text_free(t);
}

/* Without a recorder, text is cairo's, and no marker is found. */
static void test_unrecorded(void)
{
    buf doc = { NULL, 0 };
    cairo_surface_t *svg = cairo_svg_surface_create_for_stream(to_buf, &doc, 100, 50);
    cairo_t *cr = cairo_create(svg);
    cairo_move_to(cr, 10, 20);
    wm_show_text(cr, "Ab");
    wm_rgb white = { 1, 1, 1 };
    cairo_glyph_t g = { 36, 10, 20 };
    CHECK(wm_svg_text_halo(cr, &g, 1, white, 2) == -1);
    cairo_destroy(cr);
    cairo_surface_finish(svg);
    cairo_surface_destroy(svg);
    CHECK(doc.s != NULL && count(doc.s, "id=\"glyph") >= 2);
    wm_svg_text *t = wm_svg_text_new();
    size_t len, k;
    CHECK(wm_svg_text_marker(t, doc.s, doc.s + doc.n, &len, &k) == NULL);
    wm_svg_text_free(t);
    free(doc.s);
}

int main(void)
{
    test_decimal();
    test_recorded();
    test_unrecorded();
    wm_shutdown();   /* cairo's and fontconfig's caches, so the leak checker sees only ours */
    return wm_test_summary();
}
