/* layout.c -- measuring a figure's page: every box, line and label.
 *
 * Invariants:
 *   - Everything that places an element is measured here, and nothing
 *     here draws: the page on one scratch context (wm_layout_new), the
 *     wrapped text again on each target's context (wm_layout_text_for,
 *     the same flow_text; layout.h says why).  draw.c measures only to
 *     align text inside its box.
 *   - Positions are computed with the same arithmetic, in the same
 *     order, as when measuring and drawing were one pass (the figures are
 *     byte-identical to that): a baseline is `y + used`, with `used`
 *     summed line by line, not `y + i * line_h`.  Keep it so when editing.
 *   - One way of measuring text.  Every context that measures or draws
 *     text (the scratch context here, each output's in draw.c) is given
 *     the same font options first (wm_text_options: no hinting of glyph
 *     outlines or metrics), so a word is as wide in a PNG as in an SVG or
 *     PDF, lines break at the same words in every output, and what was
 *     measured first in a process no longer decides how a PNG's glyphs
 *     are hinted.
 */
#include "layout.h"
#include "outer_boundary.h"
#include "text_measure.h"

#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What every measuring step needs besides the figure. */
typedef struct page {
    const wm_figure *fig;
    const wm_style *st;
    double s;                 /* type scale */
    cairo_t *cr;              /* the scratch context */
    int oom;                  /* an allocation failed */
    const char *notes;        /* the notes drawn: the figure's, and what the layout has to say */
    int unlabelled;           /* the overlay's names are not shown (labels_wanted) */
    int depth;                /* a layout tried on a larger sheet for an error message */
} page;

static int figure_nmaps(const wm_figure *fig)
{
    return fig->npanels > 0 ? fig->npanels : 1;
}

static const wm_map *figure_map(const wm_figure *fig, int i)
{
    return fig->npanels > 0 ? fig->panels[i] : fig->map;
}

/* ---- text that cairo can draw ------------------------------------------- */

/* The length of the valid UTF-8 character at `p` that cairo accepts
 * (no overlong forms, no surrogates, nothing above U+10FFFF, no
 * noncharacters U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF), or 0. */
static size_t utf8_char(const unsigned char *p)
{
    uint32_t c = p[0];
    size_t n;
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) { n = 2; c &= 0x1F; }
    else if (c < 0xF0) { n = 3; c &= 0x0F; }
    else if (c < 0xF5) { n = 4; c &= 0x07; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF) return 0;
    if ((c & 0xFFFFF800) == 0xD800 || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) return 0;
    return n;
}

/* Whether `p` starts a well-formed character that is a noncharacter
 * (valid UTF-8 that cairo still refuses). */
static int is_noncharacter(const unsigned char *p)
{
    size_t n = p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xF0 && p[0] < 0xF5 ? 4 : 0;
    if (!n) return 0;
    uint32_t c = p[0] & (n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && (c < 0x800 || (c & 0xFFFFF800) == 0xD800)) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
        return 0;
    return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

/* `s` for a one-line message: bytes that are not valid UTF-8, and
 * control characters, as \xNN; at most about `max` bytes, from `from`. */
static void printable(const char *s, size_t from, size_t max, char *out, size_t size)
{
    size_t o = 0;
    if (from > 0 && size > 4) { memcpy(out, "...", 3); o = 3; }
    const unsigned char *p = (const unsigned char *)s + from;
    while (*p && o + 8 < size && (size_t)(p - (const unsigned char *)s) < from + max) {
        size_t n = utf8_char(p);
        if (n == 0 || *p < 0x20 || *p == 0x7F) {
            o += (size_t)snprintf(out + o, size - o, "\\x%02X", *p);
            p++;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    if (*p && o + 4 < size) { memcpy(out + o, "...", 3); o += 3; }
    out[o] = '\0';
}

/* 0 if `text` can be drawn; else an error "WHAT "TEXT" is not ..." */
static int check_text(const char *text, int code, wm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int check_text(const char *text, int code, wm_error *err, const char *fmt, ...)
{
    if (!text) return 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t n = utf8_char(p);
        if (n == 0) break;
        p += n;
    }
    if (!*p) return 0;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t at = (size_t)(p - (const unsigned char *)text), from = at > 40 ? at - 24 : 0;
    while (from > 0 && (text[from] & 0xC0) == 0x80) from++;
    char shown[200];
    printable(text, from, 64, shown, sizeof shown);
    if (is_noncharacter(p))
        return wm_error_set(err, code, "%s \"%s\" holds a Unicode noncharacter at byte %zu, which cannot be drawn",
                            what, shown, at + 1);
    return wm_error_set(err, code, "%s \"%s\" is not valid UTF-8 (byte %zu is 0x%02X); save it as UTF-8", what,
                        shown, at + 1, *p);
}

static int check_map_text(const wm_map *map, int m, int nmaps, int legend, wm_error *err)
{
    char which[32] = "";
    if (nmaps > 1) snprintf(which, sizeof which, " of panel %d", m + 1);
    if (legend) {
        if (check_text(map->legend_title, WM_EXIT_DATA, err, "the legend title%s", which)) return -1;
        if (check_text(map->unit, WM_EXIT_DATA, err, "the unit%s", which)) return -1;
        if (map->bivariate) {
            if (check_text(map->legend_title2, WM_EXIT_DATA, err, "the second legend title%s", which)) return -1;
            for (int k = 0; k < 3 && k < map->classes.n; k++)
                if (check_text(map->classes.label[k], WM_EXIT_DATA, err, "the label of class %d%s", k + 1, which))
                    return -1;
            for (int k = 0; k < 3 && k < map->classes2.n; k++)
                if (check_text(map->classes2.label[k], WM_EXIT_DATA, err,
                               "the label of class %d of the second variable%s", k + 1, which))
                    return -1;
        } else {
            for (int k = 0; k < map->classes.n; k++)
                if (check_text(map->classes.label[k], WM_EXIT_DATA, err, "the label of class %d%s", k + 1, which))
                    return -1;
            if (map->has_reference &&
                check_text(map->reference_label, WM_EXIT_DATA, err, "the reference label%s", which))
                return -1;
        }
    }
    for (int i = 0; i < map->nsources; i++)
        if (check_text(map->sources[i], WM_EXIT_DATA, err, "source %d%s", i + 1, which)) return -1;
    return 0;
}

int wm_figure_check_text(const wm_figure *fig, wm_error *err)
{
    int nmaps = figure_nmaps(fig);
    /* Without a title, the first map's legend title is the title; it is
     * checked with that legend. */
    if (fig->title && *fig->title && check_text(fig->title, WM_EXIT_USAGE, err, "the title")) return -1;
    if (check_text(fig->subtitle, WM_EXIT_USAGE, err, "the subtitle")) return -1;
    if (check_text(fig->notes, WM_EXIT_USAGE, err, "the notes")) return -1;
    for (int m = 0; m < nmaps && m < WM_MAX_PANELS; m++) {
        const wm_map *map = figure_map(fig, m);
        if (!map) continue;
        if (fig->npanels > 0 && fig->panel_titles &&
            check_text(fig->panel_titles[m], WM_EXIT_USAGE, err, "the heading of panel %d", m + 1))
            return -1;
        int legend = !(fig->npanels > 0 && fig->shared_legend) || m == 0;
        if (check_map_text(map, m, nmaps, legend, err) != 0) return -1;
    }
    /* With no sources, the attribution names the value (attribution_text). */
    int nsources = 0;
    for (int m = 0; m < nmaps && m < WM_MAX_PANELS; m++) nsources += figure_map(fig, m) ? figure_map(fig, m)->nsources : 0;
    if (nsources == 0 && fig->map && check_text(fig->map->field, WM_EXIT_DATA, err, "the value's name")) return -1;
    const wm_layer *o = fig->overlay;
    if (o && fig->overlay_labels && fig->npanels <= 1)
        for (size_t i = 0; i < o->n; i++) {
            const wm_feature *f = &o->features[i];
            char key[96];
            printable(f->key ? f->key : "", 0, 40, key, sizeof key);
            if (check_text(f->name, WM_EXIT_DATA, err, "%s: area %s: its name%s%s%s", o->spec ? o->spec : "overlay",
                           key, o->name_field ? " (" : "", o->name_field ? o->name_field : "",
                           o->name_field ? ")" : ""))
                return -1;
        }
    return 0;
}

/* ---- text --------------------------------------------------------------- */

void wm_text_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* Select the style's font at `size` (scaled to the page); returns the
 * size in points. */
static double set_font(const page *pg, double size, int bold)
{
    cairo_select_font_face(pg->cr, pg->st->font, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(pg->cr, size * pg->s);
    return size * pg->s;
}


void wm_text_block_free(wm_text_block *b)
{
    for (size_t i = 0; i < b->n; i++) free(b->line[i].text);
    free(b->line);
    memset(b, 0, sizeof *b);
}

static void block_add(int *oom, wm_text_block *b, const char *text, double x, double y)
{
    if (*oom) return;
    wm_text_line *l = realloc(b->line, (b->n + 1) * sizeof *l);
    char *t = strdup(text);
    if (!l || !t) {
        if (l) b->line = l;
        free(t);
        *oom = 1;
        return;
    }
    b->line = l;
    b->line[b->n++] = (wm_text_line){ t, x, y };
}

/* `text` (`n` bytes) added to the line of `len` bytes in `line` (size
 * `size`), cut at its end as snprintf would. */
static void append(char *line, size_t size, size_t *len, const char *text, size_t n)
{
    if (*len + n >= size) n = size - 1 - *len;
    memcpy(line + *len, text, n);
    *len += n;
    line[*len] = '\0';
}

double wm_text_wrap(cairo_t *cr, wm_text_block *b, double size, int bold, const char *text, double x, double y,
                    double max_w, double line_h, int *oom)
{
    wm_text_block_free(b);
    b->size = size;
    b->bold = bold;
    b->line_h = line_h;
    char line[1600] = "";
    size_t line_len = 0;
    double used = 0;
    /* Each word is measured once, and a line's width is the sum of its
     * words' and spaces' advances: cairo's text API places glyphs by
     * their advances alone (no kerning), so the sum is the width of the
     * line measured whole, and a long caption costs one measurement a
     * word rather than one a word for every word before it. */
    double line_w = 0, space_w = wm_text_advance(cr, " ");
    const char *p = text;
    while (*p) {
        const char *sp = strchr(p, ' ');
        const char *nl = strchr(p, '\n');
        const char *end = sp && (!nl || sp < nl) ? sp : nl ? nl : p + strlen(p);
        char word[512];
        size_t wl = (size_t)(end - p) < sizeof word - 1 ? (size_t)(end - p) : sizeof word - 1;
        memcpy(word, p, wl);
        word[wl] = '\0';
        double word_w = wm_text_advance(cr, word);
        if (*line && line_w + space_w + word_w > max_w) {
            block_add(oom, b, line, x, y + used);
            used += line_h;
            line_len = 0;
            append(line, sizeof line, &line_len, word, wl);
            line_w = word_w;
        } else {
            int had = line_len > 0;
            if (had) append(line, sizeof line, &line_len, " ", 1);
            append(line, sizeof line, &line_len, word, wl);
            line_w += (had ? space_w : 0) + word_w;
        }
        if (*end == '\n') {
            block_add(oom, b, line, x, y + used);
            used += line_h;
            line[0] = '\0';
            line_len = 0;
            line_w = 0;
        }
        p = *end ? end + 1 : end;
    }
    if (*line) {
        block_add(oom, b, line, x, y + used);
        used += line_h;
    }
    b->box = (wm_box){ x, y - size, max_w, used };
    return used;
}

/* wm_text_wrap on the page's scratch context. */
static double wrap_block(page *pg, wm_text_block *b, double size, int bold, const char *text, double x, double y,
                         double max_w, double line_h)
{
    return wm_text_wrap(pg->cr, b, size, bold, text, x, y, max_w, line_h, &pg->oom);
}

/* One line, not wrapped; its width is measured later (measure_line). */
static void single_line(page *pg, wm_text_block *b, double size, int bold, const char *text, double x, double y)
{
    wm_text_block_free(b);
    b->size = size;
    b->bold = bold;
    b->line_h = size;
    block_add(&pg->oom, b, text, x, y);
    b->box = (wm_box){ x, y - size, 0, size };
}

/* The width of a block's box: its widest line's. */
static void measure_line(page *pg, wm_text_block *b)
{
    if (b->n == 0) return;
    cairo_select_font_face(pg->cr, pg->st->font, CAIRO_FONT_SLANT_NORMAL,
                           b->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(pg->cr, b->size);
    b->box.w = 0;
    for (size_t i = 0; i < b->n; i++) b->box.w = fmax(b->box.w, wm_text_advance(pg->cr, b->line[i].text));
}

/* ---- attribution ---------------------------------------------------- */

int wm_boundary_year(const wm_layer *layer)
{
    const char *field = layer ? layer->key_field : NULL;
    if (!field) return 0;
    size_t n = strlen(field);
    if (n >= 4 && field[n - 4] >= '0' && field[n - 4] <= '9' && field[n - 3] >= '0' && field[n - 3] <= '9')
        return 2000 + (field[n - 4] - '0') * 10 + (field[n - 3] - '0');
    return 0;
}

/* Sources of everything drawn, then the copyright and licence lines the
 * OGL and OS licences ask for, with the newest boundary vintage drawn. */
static void attribution_text(const wm_figure *fig, char *buf, size_t size)
{
    int year = wm_boundary_year(fig->overlay);
    const char *seen[64];
    int nseen = 0;
    size_t o = (size_t)snprintf(buf, size, "Sources: ");
    for (int m = 0; m < figure_nmaps(fig); m++) {
        const wm_map *map = figure_map(fig, m);
        if (wm_boundary_year(map->layer) > year) year = wm_boundary_year(map->layer);
        for (int i = 0; i < map->nsources && nseen < 64; i++) {
            int dup = 0;
            for (int j = 0; j < nseen; j++) dup |= strcmp(seen[j], map->sources[i]) == 0;
            if (dup) continue;
            seen[nseen++] = map->sources[i];
            if (o < size) o += (size_t)snprintf(buf + o, size - o, "%s%s", nseen > 1 ? "; " : "", map->sources[i]);
        }
    }
    if (nseen == 0 && o < size) o += (size_t)snprintf(buf + o, size - o, "%s", fig->map ? fig->map->field : "");
    if (o < size) o += (size_t)snprintf(buf + o, size - o, ". ");
    if (o < size) wm_copyright_text(year, buf + o, size - o);
}

void wm_copyright_text(int year, char *buf, size_t size)
{
    char years[16] = "";
    if (year) snprintf(years, sizeof years, " %d", year);
    snprintf(buf, size,
             "Contains OS data \u00a9 Crown copyright and database right%s. "
             "Contains National Statistics data \u00a9 Crown copyright and database right%s. "
             "Contains public sector information licensed under the Open Government Licence v3.0. "
             "Colours: ColorBrewer.org by Cynthia Brewer.",
             years, years);
}

/* ---- the map's place ------------------------------------------------------ */

void wm_layout_to_page(const wm_panel_layout *p, double x, double y, double *px, double *py)
{
    *px = p->tf.ox + (x - p->tf.mx) * p->tf.k;
    *py = p->tf.oy - (y - p->tf.my) * p->tf.k;
}

/* The map extent: the filled layer, the overlay and the context
 * together (localities are shown where they sit in the whole area). */
static void map_extent(const wm_figure *fig, const wm_map *map, double ext[4])
{
    const wm_layer *g = map->layer;
    ext[0] = g->minx; ext[1] = g->miny; ext[2] = g->maxx; ext[3] = g->maxy;
    const wm_layer *more[2] = { fig->overlay, fig->context };
    for (int i = 0; i < 2; i++)
        if (more[i] && more[i]->n) {
            ext[0] = fmin(ext[0], more[i]->minx); ext[1] = fmin(ext[1], more[i]->miny);
            ext[2] = fmax(ext[2], more[i]->maxx); ext[3] = fmax(ext[3], more[i]->maxy);
        }
}

wm_affine wm_fit_extent(const double ext[4], wm_box frame, double padding)
{
    double ew = (ext[2] - ext[0]) * (1 + 2 * padding), eh = (ext[3] - ext[1]) * (1 + 2 * padding);
    if (ew <= 0) ew = 1;
    if (eh <= 0) eh = 1;
    wm_affine tf;
    tf.k = fmin(frame.w / ew, frame.h / eh);
    tf.mx = (ext[0] + ext[2]) / 2;
    tf.my = (ext[1] + ext[3]) / 2;
    tf.ox = frame.x + frame.w / 2;
    tf.oy = frame.y + frame.h / 2;
    return tf;
}

/* ---- legend ------------------------------------------------------------- */

static void legend_free(wm_legend_layout *g)
{
    wm_text_block_free(&g->heading);
    wm_text_block_free(&g->reference);
    wm_text_block_free(&g->counts_note);
    wm_text_block_free(&g->x_classes);
    wm_text_block_free(&g->y_classes);
    wm_text_block_free(&g->nodata);
}

/* The legend of `map` at (x, y), width w, into `g` (whose box the caller
 * sets).  Returns its height. */
static double legend_layout(page *pg, const wm_map *map, double x, double y, double w, wm_legend_layout *g)
{
    const wm_style *st = pg->st;
    double s = pg->s, y0 = y;
    legend_free(g);
    memset(g, 0, sizeof *g);
    g->map = map;
    g->bivariate = map->bivariate;
    char heading[700];
    if (map->bivariate)
        snprintf(heading, sizeof heading, "%s (\u2192) and %s (\u2191)", map->legend_title, map->legend_title2);
    else {
        /* The unit in brackets, unless the heading already names it
         * ("IMD 2019 decile" needs no "(decile)"). */
        int named = 0;
        size_t ul = strlen(map->unit);
        const char *title = map->legend_title;
        for (const char *t = title; ul && *t && !named; t++) {
            /* A whole word ("decile"), not a sign inside another ("10%"). */
            int before = t == title || !isalnum((unsigned char)t[-1]);
            int after = !isalnum((unsigned char)t[ul]) && t[ul] != '%';
            named = strncasecmp(t, map->unit, ul) == 0 && isalpha((unsigned char)map->unit[0]) && before && after;
        }
        int show = *map->unit && !named;
        snprintf(heading, sizeof heading, "%s%s%s%s", map->legend_title, show ? " (" : "", show ? map->unit : "",
                 show ? ")" : "");
    }
    double size = set_font(pg, st->legend_title_size, 1);
    y += wrap_block(pg, &g->heading, size, 1, heading, x, y + st->legend_title_size * s, w,
                    st->legend_title_size * 1.25 * s) + 5 * s;

    if (map->bivariate) {
        /* The 3 x 3 square: x variable left to right, y variable bottom
         * to top, with arrows and each variable's class bounds. */
        g->cell = fmin(18 * s, (w - 40 * s) / 3);
        g->grid_x = x + 26 * s;
        g->grid_y = y + 4 * s;
        y = g->grid_y + 3 * g->cell + 8 * s;
        size = set_font(pg, st->legend_text_size, 0);
        char line[1200];
        snprintf(line, sizeof line, "\u2192 %s: %s | %s | %s", map->legend_title, map->classes.label[0],
                 map->classes.label[1], map->classes.label[2]);
        y += wrap_block(pg, &g->x_classes, size, 0, line, x, y + st->legend_text_size * s, w,
                        st->legend_text_size * 1.3 * s);
        snprintf(line, sizeof line, "\u2191 %s: %s | %s | %s", map->legend_title2, map->classes2.label[0],
                 map->classes2.label[1], map->classes2.label[2]);
        y += 2 * s + wrap_block(pg, &g->y_classes, size, 0, line, x, y + st->legend_text_size * s, w,
                                st->legend_text_size * 1.3 * s);
        size_t nodata = 0;
        for (size_t i = 0; i < map->layer->n; i++) nodata += (size_t)wm_map_is_nodata(map, i);
        if (nodata) {
            snprintf(line, sizeof line, "No data (hatched grey): %zu areas", nodata);
            y += 2 * s + wrap_block(pg, &g->nodata, size, 0, line, x, y + st->legend_text_size * s, w,
                                    st->legend_text_size * 1.3 * s);
        }
        g->h = y - y0;
        return g->h;
    }

    double box_w = 16 * s, box_h = 11 * s, row_h = 14.5 * s;
    g->text_size = set_font(pg, st->legend_text_size, 0);
    int ref_class = map->has_reference ? wm_class_of(&map->classes, map->reference) : -1;
    if (map->has_reference && ref_class < 0 && map->classes.method != WM_CLASS_CATEGORICAL)
        ref_class = map->reference < map->classes.lower[0] ? 0 : map->classes.n - 1;
    for (int k = 0; k <= map->classes.n; k++) {
        int nodata = k == map->classes.n;
        if (nodata && map->classes.nodata == 0) break;
        /* All No data: the legend is the No data row alone, never an
         * empty class with bounds of NAN. */
        if (!nodata && isnan(map->classes.lower[k]) && map->classes.count[k] == 0) continue;
        wm_legend_row *r = &g->row[g->nrows++];
        memset(r, 0, sizeof *r);
        r->swatch = (wm_box){ x, y, box_w, box_h };
        r->nodata = nodata;
        r->colour = nodata ? map->nodata_colour : map->palette.colour[k];
        r->label = nodata ? "No data" : map->classes.label[k];
        r->text_x = x + box_w + 6 * s;
        r->baseline = y + box_h - 2.2 * s;
        if (st->show_counts)
            wm_format_count(nodata ? map->classes.nodata : map->classes.count[k], r->count, sizeof r->count);
        r->count_right = x + w;
        r->reference = k == ref_class;
        y += row_h;
    }
    size = set_font(pg, st->legend_text_size * 0.88, 0);
    char line[300];
    if (map->has_reference) {
        snprintf(line, sizeof line, "\u25b6 %s: %.*f%s", map->reference_label, map->classes.decimals, map->reference,
                 strcmp(map->unit, "%") == 0 ? "%" : "");
        y += 2 * s + wrap_block(pg, &g->reference, size, 0, line, x, y + 8 * s, w, 9.5 * s);
    }
    if (st->show_counts) {
        const wm_figure *fig = pg->fig;
        char total[32];
        wm_format_count(map->classes.total, total, sizeof total);
        if (fig->npanels > 1 && fig->shared_legend)
            snprintf(line, sizeof line, "Right-hand figures: number of areas in all %d maps (%s in all).",
                     fig->npanels, total);
        else
            snprintf(line, sizeof line, "Right-hand figures: number of areas (%s in all).", total);
        y += 2 * s + wrap_block(pg, &g->counts_note, size, 0, line, x, y + 8 * s, w, 9.5 * s);
    }
    g->h = y - y0;
    return g->h;
}

/* The smallest type of a numbered map's key, points on any paper (not
 * scaled with the page: a larger sheet holds a longer key). */
#define KEY_FLOOR_PT 6.0

/* The key of a numbered map in `room`: a heading, then "12  Name" in
 * number order, flowing down as many columns as it needs, each as wide
 * as its widest number and name.  The text is the legend's (a little
 * smaller), shrunk in quarter points down to KEY_FLOOR_PT when that is
 * what it takes.  Returns 1 with `key` filled when the key fits in the
 * room, 0 (key empty) when it does not even at the floor. */
static int key_fit(page *pg, const wm_layer *layer, const wm_placed_label *placed, wm_box room, wm_key_layout *key)
{
    const wm_style *st = pg->st;
    double s = pg->s;
    wm_text_block_free(&key->heading);
    free(key->entry);
    memset(key, 0, sizeof *key);
    size_t n = layer->n;
    /* The area of each number (numbers are unique, labels.h). */
    size_t *of = calloc(n ? n : 1, sizeof *of);
    double *name_w = calloc(n ? n : 1, sizeof *name_w);
    if (!of || !name_w) {
        free(of);
        free(name_w);
        pg->oom = 1;
        return 0;
    }
    size_t m = 0;   /* numbers in use: 1..m */
    for (size_t i = 0; i < n; i++)
        if (placed[i].number >= 1 && (size_t)placed[i].number <= n) {
            of[placed[i].number - 1] = i + 1;
            if ((size_t)placed[i].number > m) m = (size_t)placed[i].number;
        }
    /* Widths at 1 pt: unhinted advances scale with the size. */
    cairo_select_font_face(pg->cr, st->font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(pg->cr, 100);
    double num_w = 0;
    for (size_t k = 0; k < m; k++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", k + 1);
        num_w = fmax(num_w, wm_text_advance(pg->cr, num) / 100);
        name_w[k] = of[k] ? wm_text_advance(pg->cr, layer->features[of[k] - 1].name) / 100 : 0;
    }
    double head_size = st->legend_title_size * s, head_h = st->legend_title_size * 1.6 * s;
    double size0 = st->legend_text_size * 0.92 * s;
    int fits = 0;
    int cols = 1;
    size_t rows = m;
    double size = size0;
    for (; m > 0; size -= 0.25) {
        if (size < KEY_FLOOR_PT - 1e-9) {
            if (size0 >= KEY_FLOOR_PT || size < size0 - 1e-9) break;
        }
        double row_h = size * 1.3, gap = 0.6 * size, col_gap = 1.4 * size;
        double avail = room.h - head_h;
        size_t max_rows = avail > size ? (size_t)floor((avail - size) / row_h) + 1 : 0;
        if (max_rows == 0) continue;
        cols = (int)((m + max_rows - 1) / max_rows);
        rows = (m + (size_t)cols - 1) / (size_t)cols;
        double total = 0;
        for (int c = 0; c < cols; c++) {
            double widest = 0;
            for (size_t r = 0; r < rows && (size_t)c * rows + r < m; r++) widest = fmax(widest, name_w[(size_t)c * rows + r]);
            total += (num_w + widest) * size + gap + (c > 0 ? col_gap : 0);
        }
        if (total <= room.w) {
            fits = 1;
            break;
        }
        if (size0 < KEY_FLOOR_PT) break;
    }
    if (!fits) {
        free(of);
        free(name_w);
        return 0;
    }
    key->text_size = size;
    double row_h = size * 1.3, gap = 0.6 * size, col_gap = 1.4 * size;
    single_line(pg, &key->heading, head_size, 1, "Key to numbered areas", room.x, room.y + head_size);
    key->columns = cols;
    key->rows = rows;
    key->entry = calloc(m ? m : 1, sizeof *key->entry);
    if (!key->entry) {
        free(of);
        free(name_w);
        pg->oom = 1;
        return 0;
    }
    double x = room.x, y = room.y + head_h, right = room.x;
    for (int c = 0; c < cols; c++) {
        double widest = 0;
        for (size_t r = 0; r < rows && (size_t)c * rows + r < m; r++) widest = fmax(widest, name_w[(size_t)c * rows + r]);
        for (size_t r = 0; r < rows && (size_t)c * rows + r < m; r++) {
            size_t k = (size_t)c * rows + r;
            if (!of[k]) continue;
            wm_key_entry *e = &key->entry[key->n++];
            e->number = (int)(k + 1);
            e->name = layer->features[of[k] - 1].name;
            e->number_x = x;
            e->name_x = x + num_w * size + gap;
            e->baseline = y + (double)r * row_h + size;
        }
        right = x + (num_w + widest) * size + gap;
        x = right + col_gap;
    }
    free(of);
    free(name_w);
    key->box = (wm_box){ room.x, room.y, right - room.x, head_h + (double)(rows - 1) * row_h + 1.25 * size };
    return 1;
}

/* ---- furniture inside the map frame ------------------------------------ */

static double round_length(double target)
{
    double p = pow(10, floor(log10(target)));
    double steps[] = { 1, 2, 5, 10 };
    double best = p;
    for (int i = 0; i < 4; i++)
        if (steps[i] * p <= target) best = steps[i] * p;
    return best;
}

static wm_box box_of(const double b[4])
{
    return (wm_box){ b[0], b[1], b[2] - b[0], b[3] - b[1] };
}

/* North arrow (top right) and scale bar (bottom left) of a panel; their
 * boxes go into obstacles[0..1] so labels keep clear of them. */
static void furniture(page *pg, wm_panel_layout *p)
{
    const wm_style *st = pg->st;
    double s = pg->s;
    const wm_box frame = p->frame;
    double (*obstacles)[4] = p->obstacles;
    memset(obstacles, 0, sizeof(double) * 8);
    if (st->north_arrow) {
        double ax = frame.x + frame.w - 12 * s, ay = frame.y + 4 * s;
        obstacles[0][0] = ax - 9 * s; obstacles[0][1] = ay - 6 * s;
        obstacles[0][2] = ax + 9 * s; obstacles[0][3] = ay + 28 * s;
        p->north = (wm_north_arrow){ 1, ax, ay, 8 * s, box_of(obstacles[0]) };
    }
    OGRSpatialReferenceH srs = p->map->layer->srs;
    if (!st->scale_bar || !OSRIsProjected(srs)) return;
    double metres_per_unit = OSRGetLinearUnits(srs, NULL);
    double len_m = round_length(frame.w * 0.22 / p->tf.k * metres_per_unit);
    double len_pt = len_m / metres_per_unit * p->tf.k;
    double x = frame.x + 4 * s, y = frame.y + frame.h - 8 * s, h = 4 * s;
    obstacles[1][0] = x - 4 * s; obstacles[1][1] = y - 14 * s;
    obstacles[1][2] = x + len_pt + 16 * s; obstacles[1][3] = y + h + 2 * s;
    wm_scale_bar *b = &p->scale;
    b->shown = 1;
    b->x = x;
    b->y = y;
    b->h = h;
    b->length = len_pt;
    b->metres = len_m;
    if (len_m >= 1000) snprintf(b->label, sizeof b->label, "%g km", len_m / 1000);
    else snprintf(b->label, sizeof b->label, "%g m", len_m);
    b->text_size = 7.5 * s;
    b->box = box_of(obstacles[1]);
}

/* ---- the page ------------------------------------------------------------ */

static int labels_wanted(page *pg, wm_box area, const double ext[4]);

/* The share of the page's scale an inset legend must win to be used. */
#define INSET_GAIN 1.15

/* The legend inside the map's frame, over a corner the map leaves empty
 * (the sea beside a national map), when that lets the map be drawn at
 * least INSET_GAIN times larger than beside or under its legend (`k`):
 * a single map whose overlay is not labelled (a key's height is not known
 * yet).  Corners are tried nearest the style's side first, top before
 * bottom, at the largest scale first and then a little smaller; a corner
 * is empty when no area's (or overlay area's) bounding box on the page
 * comes within a few points of the legend's box, which stays clear of the
 * north arrow and the scale bar.  Returns 1 with `frame` (the whole of
 * `area`) and `legend` set. */
static int inset_legend(page *pg, const wm_map *map, wm_box area, const double ext[4], double k, wm_box *frame,
                        wm_box *legend)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s, pad = 1 + 2 * st->map_padding;
    if (fig->npanels > 1 || (fig->overlay && fig->overlay_labels && labels_wanted(pg, area, ext))) return 0;
    double ew = fmax((ext[2] - ext[0]) * pad, 1e-9), eh = fmax((ext[3] - ext[1]) * pad, 1e-9);
    double kin = fmin(area.w / ew, area.h / eh);
    if (kin < INSET_GAIN * k) return 0;
    /* The column's size: legend and notes at the side legend's width. */
    double lw = fmin(fmax(area.w * st->legend_width, 120 * s), area.w * 0.5);
    wm_legend_layout g;
    memset(&g, 0, sizeof g);
    double lh = legend_layout(pg, map, 0, 0, lw, &g);
    legend_free(&g);
    if (pg->notes && *pg->notes) {
        wm_text_block b;
        memset(&b, 0, sizeof b);
        double size = set_font(pg, st->notes_size, 0);
        lh += 6 * s + wrap_block(pg, &b, size, 0, pg->notes, 0, 0, lw, st->notes_size * 1.3 * s);
        wm_text_block_free(&b);
    }
    if (lh > area.h * 0.8) return 0;
    /* Every area's box in map units. */
    const wm_layer *layers[2] = { map->layer, fig->overlay };
    size_t n = map->layer->n + (fig->overlay ? fig->overlay->n : 0), m = 0;
    double (*env)[4] = malloc((n ? n : 1) * sizeof *env);
    if (!env) return 0;
    for (int li = 0; li < 2; li++)
        for (size_t i = 0; layers[li] && i < layers[li]->n; i++) {
            OGREnvelope e;
            OGR_G_GetEnvelope(layers[li]->features[i].geom, &e);
            env[m][0] = e.MinX; env[m][1] = e.MinY; env[m][2] = e.MaxX; env[m][3] = e.MaxY;
            m++;
        }
    int right_first = st->legend_position != WM_LEGEND_LEFT;
    double gap = 6 * s, top = area.y + 36 * s, bottom = area.y + area.h - 22 * s;
    int found = 0;
    for (double f = 1; !found && kin * f >= INSET_GAIN * k; f -= 0.04) {
        double kk = kin * f, cx = area.x + area.w / 2, cy = area.y + area.h / 2;
        double mx = (ext[0] + ext[2]) / 2, my = (ext[1] + ext[3]) / 2;
        for (int corner = 0; corner < 4 && !found; corner++) {
            int right = (corner < 2) == right_first, up = corner % 2 == 0;
            wm_box b = { right ? area.x + area.w - lw : area.x, up ? top : bottom - lh, lw, lh };
            if (b.y < area.y || b.y + b.h > area.y + area.h) continue;
            /* The box in map units, grown by the gap. */
            double x0 = mx + (b.x - gap - cx) / kk, x1 = mx + (b.x + b.w + gap - cx) / kk;
            double y1 = my - (b.y - gap - cy) / kk, y0 = my - (b.y + b.h + gap - cy) / kk;
            int clear = 1;
            for (size_t i = 0; i < m && clear; i++)
                clear = env[i][2] < x0 || env[i][0] > x1 || env[i][3] < y0 || env[i][1] > y1;
            if (!clear) continue;
            found = 1;
            /* The map at scale kk, centred in the area: the frame is the
             * area's full height and as wide as wm_fit_extent() needs to give kk, so
             * the north arrow and scale bar stay clear of the corners. */
            double fw = fmin(ew * kk, area.w);
            *frame = (wm_box){ cx - fw / 2, area.y, fw, area.h };
            *legend = b;
        }
    }
    free(env);
    return found;
}

/* Put the legend of `map` beside (or under) the map in `area`.  The
 * style's position is preferred; the other arrangement (under instead of
 * beside, or beside instead of under) is taken when it lets the map be
 * drawn over a quarter larger, as on a portrait page with a wide city.
 * With `tighten`, the frame shrinks to the map itself (top-aligned,
 * centred across) so the north arrow and scale bar sit by the map and a
 * bottom legend directly under it. */
static void arrange(page *pg, const wm_map *map, wm_box area, const double ext[4], int tighten, wm_box *frame,
                    wm_box *legend)
{
    const wm_style *st = pg->st;
    double gap = 14 * pg->s, pad = 1 + 2 * st->map_padding;
    double ew = fmax((ext[2] - ext[0]) * pad, 1e-9), eh = fmax((ext[3] - ext[1]) * pad, 1e-9);
    wm_legend_position pref = st->legend_position;
    wm_legend_position alt = pref == WM_LEGEND_BOTTOM ? WM_LEGEND_RIGHT : WM_LEGEND_BOTTOM;
    wm_box f[2], l[2];
    double k[2];
    for (int c = 0; c < 2; c++) {
        wm_legend_position pos = c == 0 ? pref : alt;
        double lw = fmax(area.w * (pg->fig->npanels > 1 ? 0.42 : st->legend_width), 120 * pg->s);
        if (lw > area.w * 0.5) lw = area.w * 0.5;
        if (pos == WM_LEGEND_BOTTOM) {
            double bw = fmin(area.w, fmax(lw, 260 * pg->s));
            wm_legend_layout measured;
            memset(&measured, 0, sizeof measured);
            double lh = fmin(legend_layout(pg, map, 0, 0, bw, &measured), area.h * 0.45);
            legend_free(&measured);
            l[c] = (wm_box){ area.x, area.y + area.h - lh, bw, lh };
            f[c] = (wm_box){ area.x, area.y, area.w, area.h - lh - gap };
        } else if (pos == WM_LEGEND_LEFT) {
            l[c] = (wm_box){ area.x, area.y, lw, area.h };
            f[c] = (wm_box){ area.x + lw + gap, area.y, area.w - lw - gap, area.h };
        } else {
            l[c] = (wm_box){ area.x + area.w - lw, area.y, lw, area.h };
            f[c] = (wm_box){ area.x, area.y, area.w - lw - gap, area.h };
        }
        k[c] = fmin(f[c].w / ew, f[c].h / eh);
    }
    int c = k[1] > 1.25 * k[0] ? 1 : 0;
    *frame = f[c];
    *legend = l[c];
    if (tighten && k[c] > 0 && inset_legend(pg, map, area, ext, k[c], frame, legend)) return;
    if (!tighten || k[c] <= 0) return;
    double w = ew * k[c], h = eh * k[c];
    frame->x += (frame->w - w) / 2;
    frame->w = w;
    frame->h = h;
    if ((c == 0 ? pref : alt) == WM_LEGEND_BOTTOM) legend->y = frame->y + frame->h + gap;
}

/* The share of an area its outline may paint (shapes.h). */
#define OUTLINE_COVERAGE 0.1

/* The panel's areas (and the overlay's) in page points: thinned to a
 * quarter of a pixel at the PNG resolution, each with its outline width. */
static int panel_shapes(page *pg, wm_panel_layout *p)
{
    const wm_style *st = pg->st;
    double tol = pg->fig->dpi > 0 ? 0.25 * 72.0 / pg->fig->dpi : 0;
    if (wm_shapes_build(p->map->layer, &p->tf, tol, st->area_outline_width * pg->s, OUTLINE_COVERAGE,
                        &p->areas) != 0)
        return -1;
    if (pg->fig->overlay &&
        wm_shapes_build(pg->fig->overlay, &p->tf, tol, st->overlay_outline_width * pg->s, OUTLINE_COVERAGE,
                        &p->overlay) != 0)
        return -1;
    return 0;
}

/* The most areas a numbered map's key lists: beyond it a key is a
 * gazetteer, not a key, and no page holds it legibly. */
#define KEY_MAX 150

/* Whether the overlay's names are to be placed at all.  Up to KEY_MAX
 * areas they always are (by name where they fit, else numbered with a
 * key).  Beyond it only when every area could hold its name at the
 * smallest label size at the largest scale the map can have in `area`
 * (by its bounding box, generously); otherwise the overlay is drawn as
 * outlines only and the notes say why: 6,826 wards on a national map
 * cannot be named or keyed, and a mature map leaves them unnamed. */
static int labels_wanted(page *pg, wm_box area, const double ext[4])
{
    const wm_layer *o = pg->fig->overlay;
    if (!o || o->n <= KEY_MAX) return 1;
    double pad = 1 + 2 * pg->st->map_padding;
    double k = fmin(area.w / fmax((ext[2] - ext[0]) * pad, 1e-9), area.h / fmax((ext[3] - ext[1]) * pad, 1e-9));
    double size = pg->st->label_min_size * pg->s;
    for (size_t i = 0; i < o->n; i++) {
        OGREnvelope e;
        OGR_G_GetEnvelope(o->features[i].geom, &e);
        double w = (e.MaxX - e.MinX) * k, h = (e.MaxY - e.MinY) * k;
        if (h < 1.2 * size || w < 0.45 * size * (double)strlen(o->features[i].name) / 3) return 0;
    }
    return 1;
}

static int place_panel_labels(page *pg, wm_panel_layout *p, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    const wm_layer *o = fig->overlay;
    if (!o || !fig->overlay_labels || pg->unlabelled) return 0;
    OGRGeometryH *areas = malloc((o->n ? o->n : 1) * sizeof *areas);
    const char **names = malloc((o->n ? o->n : 1) * sizeof *names);
    p->labels = calloc(o->n ? o->n : 1, sizeof *p->labels);
    if (!areas || !names || !p->labels) {
        free(areas);
        free(names);
        return wm_error_set(err, WM_EXIT_DATA, "labels: out of memory for %zu areas", o->n);
    }
    p->nlabels = o->n;
    for (size_t i = 0; i < o->n; i++) {
        areas[i] = o->features[i].geom;
        names[i] = o->features[i].name;
    }
    wm_label_style ls = { pg->st->font, pg->st->label_bold, pg->st->label_size * pg->s,
                          pg->st->label_min_size * pg->s, pg->st->label_halo_width * pg->s / 2,
                          pg->st->label_fallbacks };
    double frame[4] = { p->frame.x, p->frame.y, p->frame.x + p->frame.w, p->frame.y + p->frame.h };
    int rc = wm_place_labels(pg->cr, areas, names, o->n, &p->tf, &ls, frame, (const double (*)[4])p->obstacles, 2,
                             p->labels, err);
    free(areas);
    free(names);
    if (rc < 0) return -1;
    p->numbered = rc == 1;
    if (p->numbered && o->n > KEY_MAX) {
        /* Too many for a key after all: outlines only. */
        free(p->labels);
        p->labels = NULL;
        p->nlabels = 0;
        p->numbered = 0;
        pg->unlabelled = 1;
    }
    return 0;
}

/* The legend, notes and key of a panel with its own legend. */
static void flow_column(page *pg, const wm_panel_layout *p, wm_column *c)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s;
    wm_box room = p->legend;
    double used = legend_layout(pg, p->map, room.x, room.y, room.w, &c->legend);
    c->legend.box = room;
    double y = room.y + used;
    if (pg->notes && *pg->notes && fig->npanels <= 1) {
        double size = set_font(pg, st->notes_size, 0);
        y += 6 * s + wrap_block(pg, &c->notes, size, 0, pg->notes, room.x, y + 6 * s + st->notes_size * s, room.w,
                                st->notes_size * 1.3 * s);
    }
    if (p->numbered) key_fit(pg, fig->overlay, p->labels, p->key_room, &c->key);
}

/* Where the key of a numbered map can go in its legend's column: under
 * the legend and notes, to the bottom of the column. */
static wm_box key_room_in_column(page *pg, const wm_panel_layout *p)
{
    wm_column c;
    memset(&c, 0, sizeof c);
    wm_panel_layout q = *p;
    q.numbered = 0;
    flow_column(pg, &q, &c);
    double bottom = c.legend.box.y + c.legend.h;
    if (c.notes.n) bottom = c.notes.box.y + c.notes.box.h;
    legend_free(&c.legend);
    wm_text_block_free(&c.notes);
    double y = bottom + 10 * pg->s;
    return (wm_box){ p->legend.x, y, p->legend.w, p->legend.y + p->legend.h - y };
}

/* Every wrapped text of the page, from the rooms of `L`, with the
 * metrics of pg->cr; the attribution too unless `attribution` is 0. */
static void flow_text(page *pg, const wm_layout *L, wm_page_text *t, int attribution)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s;
    for (int i = 0; i < L->npanels; i++)
        if (L->panel[i].has_legend && L->panel[i].legend.w > 0) flow_column(pg, &L->panel[i], &t->column[i]);
    if (L->has_shared_legend) {
        wm_box room = L->shared_legend;
        double used = legend_layout(pg, fig->panels[0], room.x, room.y, room.w, &t->shared.legend);
        t->shared.legend.box = room;
        if (pg->notes && *pg->notes) {
            double size = set_font(pg, st->notes_size, 0);
            wrap_block(pg, &t->shared.notes, size, 0, pg->notes, room.x, room.y + used + 6 * s + st->notes_size * s,
                       room.w, st->notes_size * 1.3 * s);
        }
    }
    if (L->notes_room.w > 0) {
        double size = set_font(pg, st->notes_size, 0);
        wrap_block(pg, &t->notes, size, 0, pg->notes, L->notes_room.x, L->notes_room.y + st->notes_size * s,
                   L->notes_room.w, st->notes_size * 1.3 * s);
    }
    if (attribution) {
        double size = set_font(pg, st->attribution_size, 0);
        wrap_block(pg, &t->attribution, size, 0, L->attribution_text, L->margin, L->attribution_baseline,
                   L->width - 2 * L->margin, st->attribution_size * 1.3 * s);
    }
}

/* The notes say why the overlay is not labelled. */
static void note_unlabelled(page *pg, wm_layout *L)
{
    const wm_layer *o = pg->fig->overlay;
    char count[32], what[300];
    wm_format_count(o->n, count, sizeof count);
    snprintf(what, sizeof what, "The %s outlined areas are not named: at this scale they are too small to "
             "label and too many to number.", count);
    const char *before = pg->fig->notes && *pg->fig->notes ? pg->fig->notes : "";
    size_t len = strlen(before) + strlen(what) + 2;
    char *notes = malloc(len);
    if (!notes) {
        pg->oom = 1;
        return;
    }
    snprintf(notes, len, "%s%s%s", before, *before ? " " : "", what);
    free(L->notes);
    L->notes = notes;
    pg->notes = notes;
    L->unlabelled = 1;
}

/* Lay panel `p` out in `cell`: the frame and legend, the map's place,
 * its shapes and furniture, and (a single map) its labels.  Returns 0, 1
 * when the cell is too small for the map, -1 on error. */
static int place_panel(page *pg, wm_layout *L, wm_panel_layout *p, wm_box cell, const double ext[4], int shared,
                       const char *heading, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s;
    free(p->labels);
    p->labels = NULL;
    p->nlabels = 0;
    p->numbered = 0;
    p->key_room = (wm_box){ 0, 0, 0, 0 };
    wm_shapes_free(&p->areas);
    wm_shapes_free(&p->overlay);
    if (shared) p->frame = cell;
    else arrange(pg, p->map, cell, ext, 1, &p->frame, &p->legend);
    p->has_legend = !shared;
    if (p->frame.w < 20 || p->frame.h < 20) return 1;
    if (heading) {
        /* Within the panel's cell (its map, and its own legend beside it):
         * smaller, down to 60% of its size, when panels are narrow (a tall
         * authority's, side by side, sharing one legend), where the heading
         * ran into the next panel's heading and the legend. */
        double room = cell.x + cell.w - p->frame.x;
        double full = set_font(pg, st->legend_title_size * 1.1, 1), size = full, width = wm_text_advance(pg->cr, heading);
        /* Hinted glyphs do not scale exactly: measured again at each size. */
        for (int tries = 0; tries < 4 && width > room && size > 0.6 * full; tries++) {
            size = fmax(0.6 * full, 0.97 * size * room / width);
            cairo_set_font_size(pg->cr, size);
            width = wm_text_advance(pg->cr, heading);
        }
        single_line(pg, &p->title, size, 1, heading, p->frame.x, p->frame.y - st->legend_title_size * 0.7 * s);
    }
    p->tf = wm_fit_extent(ext, p->frame, st->map_padding);
    if (panel_shapes(pg, p) != 0) return wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the map");
    furniture(pg, p);
    /* Labels in small multiples would crowd; only a single map has them. */
    if (fig->npanels <= 1 && place_panel_labels(pg, p, err) != 0) return -1;
    if (pg->unlabelled && !L->unlabelled) note_unlabelled(pg, L);
    return 0;
}

static wm_layout *layout_new(const wm_figure *fig, int depth, wm_error *err);

/* A numbered map's key: under the legend when it fits there; else in a
 * band under the map or a column of its own beside the legend (on a
 * portrait page the band first, on a landscape page the column), taken
 * from the map a twentieth of the cell at a time, the labels placed
 * again each time (a smaller map may need the key after all, or no
 * longer).  When nothing holds it at KEY_FLOOR_PT the figure fails, and
 * the error names the smallest A-size sheet of the same orientation that
 * holds it. */
static int seat_key(page *pg, wm_layout *L, wm_panel_layout *p, wm_box cell, const double ext[4], wm_error *err)
{
    const wm_layer *o = pg->fig->overlay;
    double s = pg->s;
    wm_key_layout k;
    memset(&k, 0, sizeof k);
    wm_box room = key_room_in_column(pg, p);
    if (room.h > 0 && key_fit(pg, o, p->labels, room, &k)) {
        p->key_room = room;
        goto seated;
    }
    int landscape = L->width > L->height;
    for (int attempt = 0; attempt < 2; attempt++) {
        int under = (attempt == 0) != landscape;
        for (int step = 3; step <= 11; step++) {
            double f = step / 20.0, gap = 10 * s;
            wm_box c2 = cell;
            if (under) {
                c2.h = cell.h * (1 - f);
                room = (wm_box){ cell.x, cell.y + c2.h + gap, cell.w, cell.h * f - gap };
            } else {
                c2.w = cell.w * (1 - f);
                room = (wm_box){ cell.x + c2.w + gap, cell.y, cell.w * f - gap, cell.h };
            }
            int rc = place_panel(pg, L, p, c2, ext, 0, NULL, err);
            if (rc < 0) return -1;
            if (rc > 0) break;
            if (!p->numbered) goto seated;   /* the names fit now */
            if (key_fit(pg, o, p->labels, room, &k)) {
                if (under) {
                    /* Up to the map (and the legend's column), if they leave room. */
                    wm_box col = key_room_in_column(pg, p);
                    double top = fmax(p->frame.y + p->frame.h, col.y - 10 * s) + gap;
                    if (top < room.y) {
                        room.h += room.y - top;
                        room.y = top;
                        key_fit(pg, o, p->labels, room, &k);
                    }
                }
                p->key_room = room;
                goto seated;
            }
        }
    }
    {
        char count[32], held[64] = "";
        wm_format_count(o->n, count, sizeof count);
        static const char *const papers[] = { "A3", "A2", "A1", "A0" };
        static const double sides[][2] = { { 842, 1191 }, { 1191, 1684 }, { 1684, 2384 }, { 2384, 3370 } };
        double page_long = fmax(L->width, L->height);
        for (int i = 0; i < 4 && !*held && pg->depth < 1; i++) {
            if (sides[i][1] <= page_long + 1) continue;
            wm_figure bigger = *pg->fig;
            bigger.width_pt = landscape ? sides[i][1] : sides[i][0];
            bigger.height_pt = landscape ? sides[i][0] : sides[i][1];
            wm_error quiet;
            wm_layout *B = layout_new(&bigger, pg->depth + 1, &quiet);
            if (B) snprintf(held, sizeof held, "%s %s", papers[i], landscape ? "landscape" : "portrait");
            wm_layout_free(B);
        }
        if (*held)
            return wm_error_set(err, WM_EXIT_USAGE, "the key to the %s numbered areas does not fit on a %.0fx%.0f pt page "
                                "even at %g pt; %s holds it (--paper)", count, L->width, L->height, KEY_FLOOR_PT, held);
        return wm_error_set(err, WM_EXIT_USAGE, "the key to the %s numbered areas does not fit on a %.0fx%.0f pt page "
                            "even at %g pt, nor on any sheet up to A0", count, L->width, L->height, KEY_FLOOR_PT);
    }
seated:
    wm_text_block_free(&k.heading);
    free(k.entry);
    return 0;
}

static int compute_layout(page *pg, wm_layout *L, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double W = fig->width_pt, H = fig->height_pt, s = pg->s;
    L->margin = st->margin_mm * 72.0 / 25.4 * s;

    const char *title = fig->title && *fig->title ? fig->title : figure_map(fig, 0)->legend_title;
    double y = L->margin;
    /* A long title wraps to the page's width, on at most two lines,
     * shrinking (to 60% of its size at most) until it does; then on as
     * many lines as it takes.  The subtitle wraps too. */
    double tw = W - 2 * L->margin, tsize = st->title_size;
    for (;;) {
        double size = set_font(pg, tsize, 1);
        wrap_block(pg, &L->title, size, 1, title, L->margin, y + size, tw, size * 1.15);
        if (L->title.n <= 1 || (L->title.n <= 2 && tsize <= st->title_size * 0.85) || tsize <= st->title_size * 0.6 + 1e-9)
            break;
        tsize = fmax(tsize - 0.5, st->title_size * 0.6);
    }
    y = L->title.n ? L->title.line[L->title.n - 1].y : y + st->title_size * s;
    if (fig->subtitle && *fig->subtitle) {
        double size = set_font(pg, st->subtitle_size, 0);
        double first = y + st->subtitle_size * 1.4 * s;
        wrap_block(pg, &L->subtitle, size, 0, fig->subtitle, L->margin, first, tw, st->subtitle_size * 1.25 * s);
        y = L->subtitle.line[L->subtitle.n - 1].y;
    }
    y += 12 * s;

    char attribution[4096];
    attribution_text(fig, attribution, sizeof attribution);
    L->attribution_text = strdup(attribution);
    if (!L->attribution_text) return wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the figure");
    /* Wrapped from a first baseline at 0, then moved down so that its
     * last line ends at the bottom margin. */
    double size = set_font(pg, st->attribution_size, 0);
    wm_text_block *a = &L->text.attribution;
    double foot_h = wrap_block(pg, a, size, 0, attribution, L->margin, 0, W - 2 * L->margin,
                               st->attribution_size * 1.3 * s);
    double footer_y = H - L->margin - foot_h + st->attribution_size * s;
    for (size_t i = 0; i < a->n; i++) a->line[i].y = footer_y + a->line[i].y;
    a->box.y = footer_y - size;
    L->attribution_baseline = footer_y;
    L->attribution = a->box;
    L->body = (wm_box){ L->margin, y, W - 2 * L->margin, footer_y - 12 * s - y };

    L->npanels = figure_nmaps(fig);
    int shared = fig->npanels > 0 && fig->shared_legend;
    wm_box grid = L->body;
    if (shared) {
        double ext[4];
        map_extent(fig, fig->panels[0], ext);
        arrange(pg, fig->panels[0], L->body, ext, 0, &grid, &L->shared_legend);
        L->has_shared_legend = L->shared_legend.w > 0;
    }
    /* The grid whose cells give each map the largest scale. */
    int cols = 1, rows = 1;
    double ext0[4];
    map_extent(fig, figure_map(fig, 0), ext0);
    double best = -1, map_share = shared ? 1.0 : 0.58;
    if (fig->npanels <= 1 && fig->overlay && fig->overlay_labels && !labels_wanted(pg, L->body, ext0)) {
        pg->unlabelled = 1;
        note_unlabelled(pg, L);
    }
    for (int c = 1; c <= L->npanels; c++) {
        int r = (L->npanels + c - 1) / c;
        double cw = (grid.w - 12 * s * (c - 1)) / c * map_share, ch = (grid.h - 12 * s * (r - 1)) / r;
        double k = fmin(cw / (ext0[2] - ext0[0] + 1e-9), ch / (ext0[3] - ext0[1] + 1e-9));
        if (k > best * 1.001) { best = k; cols = c; rows = r; }
    }
    /* Small multiples each with their own legend: the notes go in a free
     * cell of the grid, or in a band under it. */
    int grid_notes = fig->npanels > 1 && !shared && pg->notes && *pg->notes;
    if (grid_notes && rows * cols == L->npanels) {
        wm_text_block b;
        memset(&b, 0, sizeof b);
        double size = set_font(pg, st->notes_size, 0);
        double h = wrap_block(pg, &b, size, 0, pg->notes, 0, 0, grid.w, st->notes_size * 1.3 * s);
        wm_text_block_free(&b);
        grid.h -= h + 8 * s;
        L->notes_room = (wm_box){ grid.x, grid.y + grid.h + 8 * s, grid.w, h };
    }
    double gap = 12 * s, cw = (grid.w - gap * (cols - 1)) / cols, ch = (grid.h - gap * (rows - 1)) / rows;
    if (grid_notes && rows * cols > L->npanels) {
        int i = rows * cols - 1;
        L->notes_room = (wm_box){ grid.x + (i % cols) * (cw + gap), grid.y + (i / cols) * (ch + gap), cw, ch };
    }
    for (int i = 0; i < L->npanels; i++) {
        wm_panel_layout *p = &L->panel[i];
        p->map = figure_map(fig, i);
        const char *heading = fig->npanels > 0 && fig->panel_titles ? fig->panel_titles[i] : NULL;
        wm_box cell = { grid.x + (i % cols) * (cw + gap), grid.y + (i / cols) * (ch + gap), cw, ch };
        if (heading) {
            cell.y += st->legend_title_size * 1.8 * s;
            cell.h -= st->legend_title_size * 1.8 * s;
        }
        double ext[4];
        map_extent(fig, p->map, ext);
        int rc = place_panel(pg, L, p, cell, ext, shared, heading, err);
        if (rc < 0) return -1;
        if (rc > 0) return wm_error_set(err, WM_EXIT_USAGE, "the page is too small for the map and its legend");
        if (fig->npanels <= 1 && p->numbered && seat_key(pg, L, p, cell, ext, err) != 0) return -1;
    }
    flow_text(pg, L, &L->text, 0);
    measure_line(pg, &L->title);
    measure_line(pg, &L->subtitle);
    for (int i = 0; i < L->npanels; i++) measure_line(pg, &L->panel[i].title);
    for (int i = 0; i < L->npanels; i++) measure_line(pg, &L->text.column[i].key.heading);
    L->boundary = wm_outer_boundary(fig->overlay);
    if (pg->oom) return wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the figure");
    return 0;
}

static void column_free(wm_column *c)
{
    legend_free(&c->legend);
    wm_text_block_free(&c->notes);
    wm_text_block_free(&c->key.heading);
    free(c->key.entry);
    memset(c, 0, sizeof *c);
}

void wm_page_text_free(wm_page_text *t)
{
    if (!t) return;
    for (int i = 0; i < WM_MAX_PANELS; i++) column_free(&t->column[i]);
    column_free(&t->shared);
    wm_text_block_free(&t->notes);
    wm_text_block_free(&t->attribution);
}

int wm_layout_text_for(const wm_layout *L, cairo_t *target, wm_page_text *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    page pg = { L->fig, L->style, L->scale, target, 0, L->notes ? L->notes : L->fig->notes, L->unlabelled, 0 };
    cairo_save(target);
    flow_text(&pg, L, out, 1);
    cairo_restore(target);
    if (pg.oom) {
        wm_page_text_free(out);
        return wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the figure's text");
    }
    return 0;
}

void wm_layout_free(wm_layout *L)
{
    if (!L) return;
    wm_text_block_free(&L->title);
    wm_text_block_free(&L->subtitle);
    for (int i = 0; i < WM_MAX_PANELS; i++) {
        wm_text_block_free(&L->panel[i].title);
        free(L->panel[i].labels);
        wm_shapes_free(&L->panel[i].areas);
        wm_shapes_free(&L->panel[i].overlay);
    }
    wm_page_text_free(&L->text);
    free(L->attribution_text);
    free(L->notes);
    if (L->boundary) OGR_G_DestroyGeometry(L->boundary);
    free(L);
}

wm_layout *wm_layout_new(const wm_figure *fig, wm_error *err)
{
    return layout_new(fig, 0, err);
}

static wm_layout *layout_new(const wm_figure *fig, int depth, wm_error *err)
{
    if (fig->width_pt < 72 || fig->height_pt < 72 || fig->width_pt > 14400 || fig->height_pt > 14400) {
        wm_error_set(err, WM_EXIT_USAGE, "page size %.0fx%.0f pt is out of range", fig->width_pt, fig->height_pt);
        return NULL;
    }
    if (fig->npanels > WM_MAX_PANELS) {
        wm_error_set(err, WM_EXIT_USAGE, "at most %d panels in one figure", WM_MAX_PANELS);
        return NULL;
    }
    for (int i = 0; i < figure_nmaps(fig); i++)
        if (!figure_map(fig, i) || !figure_map(fig, i)->layer) {
            wm_error_set(err, WM_EXIT_USAGE, "the figure has no map to draw%s", fig->npanels > 0 ? " in a panel" : "");
            return NULL;
        }
    if (wm_figure_check_text(fig, err) != 0) return NULL;
    wm_layout *L = calloc(1, sizeof *L);
    if (!L) {
        wm_error_set(err, WM_EXIT_DATA, "out of memory laying out the figure");
        return NULL;
    }
    page pg = { fig, &figure_map(fig, 0)->style, fmin(fig->width_pt, fig->height_pt) / 595.0, NULL, 0, fig->notes, 0,
                depth };
    L->fig = fig;
    L->style = pg.st;
    L->width = fig->width_pt;
    L->height = fig->height_pt;
    L->scale = pg.s;
    /* A scratch context: the layout must not depend on the output format. */
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    pg.cr = cairo_create(scratch);
    wm_text_options(pg.cr);
    int rc = compute_layout(&pg, L, err);
    if (rc == 0 && cairo_status(pg.cr) != CAIRO_STATUS_SUCCESS)
        rc = wm_error_set(err, WM_EXIT_DATA, "cannot measure the figure's text (%s)",
                          cairo_status_to_string(cairo_status(pg.cr)));
    cairo_destroy(pg.cr);
    cairo_surface_destroy(scratch);
    if (rc != 0) {
        wm_layout_free(L);
        return NULL;
    }
    return L;
}
