#include "render.h"
#include "labels.h"

#include <cairo.h>
#include <ctype.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ---- page and format ------------------------------------------------ */

int wm_format_from_path(const char *path, wm_format *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return -1;
    if (strcasecmp(dot, ".png") == 0) *out = WM_FORMAT_PNG;
    else if (strcasecmp(dot, ".svg") == 0) *out = WM_FORMAT_SVG;
    else if (strcasecmp(dot, ".pdf") == 0) *out = WM_FORMAT_PDF;
    else return -1;
    return 0;
}

/* ---- text --------------------------------------------------------------- */

typedef struct rect { double x, y, w, h; } rect;

/* Everything one drawing pass needs besides the figure. */
typedef struct page {
    const wm_figure *fig;
    const wm_style *st;
    double s;                 /* type scale: 1 on an A4 short side */
} page;

static void set_font(cairo_t *cr, const page *pg, double size, int bold)
{
    cairo_select_font_face(cr, pg->st->font, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size * pg->s);
}

static void set_rgb(cairo_t *cr, wm_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    return e.x_advance;
}

/* Draw (or, with draw = 0, only measure) `text` wrapped at spaces to
 * `max_w`, first baseline at y.  Returns the height used. */
static double wrap_text(cairo_t *cr, const char *text, double x, double y, double max_w,
                        double line_h, int draw)
{
    char line[1600] = "";
    double used = 0;
    const char *p = text;
    while (*p) {
        const char *sp = strchr(p, ' ');
        const char *nl = strchr(p, '\n');
        const char *end = sp && (!nl || sp < nl) ? sp : nl ? nl : p + strlen(p);
        char word[512];
        size_t wl = (size_t)(end - p) < sizeof word - 1 ? (size_t)(end - p) : sizeof word - 1;
        memcpy(word, p, wl);
        word[wl] = '\0';
        char trial[2200];
        snprintf(trial, sizeof trial, "%s%s%s", line, *line ? " " : "", word);
        if (*line && text_width(cr, trial) > max_w) {
            if (draw) { cairo_move_to(cr, x, y + used); cairo_show_text(cr, line); }
            used += line_h;
            snprintf(line, sizeof line, "%s", word);
        } else {
            memcpy(line, trial, sizeof line - 1);
            line[sizeof line - 1] = '\0';
        }
        if (*end == '\n') {
            if (draw) { cairo_move_to(cr, x, y + used); cairo_show_text(cr, line); }
            used += line_h;
            line[0] = '\0';
        }
        p = *end ? end + 1 : end;
    }
    if (*line) {
        if (draw) { cairo_move_to(cr, x, y + used); cairo_show_text(cr, line); }
        used += line_h;
    }
    return used;
}

/* ---- attribution ---------------------------------------------------- */

/* The year of a boundary vintage from ONS field names: WD25CD -> 2025,
 * LSOA11CD -> 2011; 0 when the name carries none. */
static int vintage_year(const wm_layer *layer)
{
    const char *field = layer ? layer->key_field : NULL;
    if (!field) return 0;
    size_t n = strlen(field);
    if (n >= 4 && field[n - 4] >= '0' && field[n - 4] <= '9' && field[n - 3] >= '0' && field[n - 3] <= '9')
        return 2000 + (field[n - 4] - '0') * 10 + (field[n - 3] - '0');
    return 0;
}

static int figure_nmaps(const wm_figure *fig)
{
    return fig->npanels > 0 ? fig->npanels : 1;
}

static const wm_map *figure_map(const wm_figure *fig, int i)
{
    return fig->npanels > 0 ? fig->panels[i] : fig->map;
}

/* Sources of everything drawn, then the copyright and licence lines the
 * OGL and OS licences ask for, with the newest boundary vintage drawn. */
static void attribution_text(const wm_figure *fig, char *buf, size_t size)
{
    int year = vintage_year(fig->overlay);
    const char *seen[64];
    int nseen = 0;
    size_t o = (size_t)snprintf(buf, size, "Sources: ");
    for (int m = 0; m < figure_nmaps(fig); m++) {
        const wm_map *map = figure_map(fig, m);
        if (vintage_year(map->layer) > year) year = vintage_year(map->layer);
        for (int i = 0; i < map->nsources && nseen < 64; i++) {
            int dup = 0;
            for (int j = 0; j < nseen; j++) dup |= strcmp(seen[j], map->sources[i]) == 0;
            if (dup) continue;
            seen[nseen++] = map->sources[i];
            if (o < size) o += (size_t)snprintf(buf + o, size - o, "%s%s", nseen > 1 ? "; " : "", map->sources[i]);
        }
    }
    if (nseen == 0 && o < size) o += (size_t)snprintf(buf + o, size - o, "%s", fig->map ? fig->map->field : "");
    char years[16] = "";
    if (year) snprintf(years, sizeof years, " %d", year);
    if (o < size)
        snprintf(buf + o, size - o,
                 ". Contains OS data \u00a9 Crown copyright and database right%s. "
                 "Contains National Statistics data \u00a9 Crown copyright and database right%s. "
                 "Contains public sector information licensed under the Open Government Licence v3.0. "
                 "Colours: ColorBrewer.org by Cynthia Brewer.",
                 years, years);
}

/* ---- geometry ----------------------------------------------------------- */

static void to_page(const wm_affine *tf, double x, double y, double *px, double *py)
{
    *px = tf->ox + (x - tf->mx) * tf->k;
    *py = tf->oy - (y - tf->my) * tf->k;
}

static void add_ring(cairo_t *cr, const wm_affine *tf, OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    for (int i = 0; i < n; i++) {
        double px, py;
        to_page(tf, OGR_G_GetX(ring, i), OGR_G_GetY(ring, i), &px, &py);
        if (i == 0) cairo_move_to(cr, px, py); else cairo_line_to(cr, px, py);
    }
    if (n) cairo_close_path(cr);
}

static void add_geometry(cairo_t *cr, const wm_affine *tf, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_ring(cr, tf, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection || t == wkbMultiLineString) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_geometry(cr, tf, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbLineString || t == wkbLinearRing) {
        add_ring(cr, tf, g);
    }
}

/* Diagonal hatching inside the current path, which is consumed.  Drawn
 * as strokes clipped to the area, so SVG and PDF stay vector. */
static void hatch_path(cairo_t *cr, const page *pg)
{
    double x1, y1, x2, y2, spacing = 3.2 * pg->s;
    cairo_save(cr);
    cairo_path_extents(cr, &x1, &y1, &x2, &y2);
    cairo_clip(cr);
    cairo_set_line_width(cr, 0.45 * pg->s);
    set_rgb(cr, pg->st->muted_ink);
    double start = floor((x1 - (y2 - y1)) / spacing) * spacing;
    for (double x = start; x < x2; x += spacing) {
        cairo_move_to(cr, x, y2);
        cairo_line_to(cr, x + (y2 - y1), y1);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int is_highlighted(const wm_figure *fig, const wm_feature *f)
{
    for (int i = 0; i < fig->nhighlight; i++)
        if (strcasecmp(fig->highlight[i], f->key) == 0 || strcasecmp(fig->highlight[i], f->name) == 0)
            return 1;
    return 0;
}

/* The map extent: the filled layer and the overlay together. */
static void map_extent(const wm_figure *fig, const wm_map *map, double ext[4])
{
    const wm_layer *g = map->layer;
    ext[0] = g->minx; ext[1] = g->miny; ext[2] = g->maxx; ext[3] = g->maxy;
    if (fig->overlay) {
        ext[0] = fmin(ext[0], fig->overlay->minx); ext[1] = fmin(ext[1], fig->overlay->miny);
        ext[2] = fmax(ext[2], fig->overlay->maxx); ext[3] = fmax(ext[3], fig->overlay->maxy);
    }
}

/* The affine that fits the extent, padded, into the frame, centred. */
static wm_affine fit(const double ext[4], rect frame, double padding)
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

/* ---- the map ------------------------------------------------------------ */

static void draw_areas(cairo_t *cr, const page *pg, const wm_map *map, const wm_affine *tf)
{
    const wm_style *st = pg->st;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < map->layer->n; i++) {
        add_geometry(cr, tf, map->layer->features[i].geom);
        set_rgb(cr, wm_map_colour(map, i));
        cairo_fill_preserve(cr);
        if (st->nodata_hatch && wm_map_is_nodata(map, i)) {
            hatch_path(cr, pg);
            add_geometry(cr, tf, map->layer->features[i].geom);
        }
        /* A hairline separates neighbouring areas of one class. */
        cairo_set_source_rgba(cr, st->area_outline.r, st->area_outline.g, st->area_outline.b,
                              st->area_outline_opacity);
        cairo_set_line_width(cr, st->area_outline_width * pg->s);
        cairo_stroke(cr);
    }
}

/* Wash everything but the highlighted areas towards white. */
static void mute_others(cairo_t *cr, const page *pg, const wm_map *map, const wm_affine *tf, rect frame)
{
    const wm_figure *fig = pg->fig;
    double opacity = pg->st->mute_opacity > 0 ? pg->st->mute_opacity : 0.6;
    cairo_save(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
    const wm_layer *layers[3] = { map->layer, fig->overlay, fig->highlight_layer };
    for (int k = 0; k < 3; k++) {
        if (!layers[k]) continue;
        for (size_t i = 0; i < layers[k]->n; i++)
            if (k == 2 || is_highlighted(fig, &layers[k]->features[i]))
                add_geometry(cr, tf, layers[k]->features[i].geom);
    }
    cairo_set_source_rgba(cr, 1, 1, 1, opacity);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void draw_outlines(cairo_t *cr, const page *pg, const wm_map *map, const wm_affine *tf,
                          OGRGeometryH boundary)
{
    const wm_style *st = pg->st;
    const wm_figure *fig = pg->fig;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (fig->overlay) {
        for (size_t i = 0; i < fig->overlay->n; i++) add_geometry(cr, tf, fig->overlay->features[i].geom);
        set_rgb(cr, st->overlay_outline);
        cairo_set_line_width(cr, st->overlay_outline_width * pg->s);
        cairo_stroke(cr);
    }
    if (boundary && st->boundary_width > 0) {
        add_geometry(cr, tf, boundary);
        set_rgb(cr, st->overlay_outline);
        cairo_set_line_width(cr, st->boundary_width * pg->s);
        cairo_stroke(cr);
    }
    /* Highlighted areas last, so their heavy outline is never covered. */
    const wm_layer *layers[3] = { map->layer, fig->overlay, fig->highlight_layer };
    int any = 0;
    for (int k = 0; k < 3; k++) {
        if (!layers[k]) continue;
        for (size_t i = 0; i < layers[k]->n; i++)
            if (k == 2 || is_highlighted(fig, &layers[k]->features[i])) {
                add_geometry(cr, tf, layers[k]->features[i].geom);
                any = 1;
            }
    }
    if (any) {
        set_rgb(cr, st->highlight_outline);
        cairo_set_line_width(cr, st->highlight_width * pg->s);
        cairo_stroke(cr);
    }
}

static void draw_placed_label(cairo_t *cr, const page *pg, const wm_placed_label *p)
{
    const wm_style *st = pg->st;
    if (p->mode == WM_LABEL_DROPPED) return;
    cairo_select_font_face(cr, st->font, CAIRO_FONT_SLANT_NORMAL,
                           st->label_bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, p->size);
    if (wm_label_needs_leader(p)) {
        double ex, ey;
        wm_label_leader_start(p, &ex, &ey);
        cairo_move_to(cr, ex, ey);
        cairo_line_to(cr, p->anchor_x, p->anchor_y);
        set_rgb(cr, st->label_colour);
        cairo_set_line_width(cr, 0.6 * pg->s);
        cairo_stroke(cr);
        cairo_arc(cr, p->anchor_x, p->anchor_y, 1.2 * pg->s, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    /* Each line's ink is centred on the point labels.c measured it at. */
    for (int l = 0; l < p->nlines; l++) {
        double cx, cy;
        cairo_text_extents_t e;
        wm_label_line_centre(p, l, &cx, &cy);
        cairo_text_extents(cr, p->lines[l], &e);
        cairo_move_to(cr, cx - (e.x_bearing + e.width / 2), cy - (e.y_bearing + e.height / 2));
        cairo_text_path(cr, p->lines[l]);
    }
    cairo_set_source_rgba(cr, st->label_halo.r, st->label_halo.g, st->label_halo.b, 0.9);
    cairo_set_line_width(cr, st->label_halo_width * pg->s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgb(cr, st->label_colour);
    cairo_fill(cr);
}

/* ---- legend ------------------------------------------------------------- */

/* Draw (draw = 1) or measure the legend of `map` at (x, y), width w.
 * Returns its height. */
static double legend_block(cairo_t *cr, const page *pg, const wm_map *map, double x, double y,
                           double w, int draw)
{
    const wm_style *st = pg->st;
    double s = pg->s, y0 = y;
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
    set_rgb(cr, st->ink);
    set_font(cr, pg, st->legend_title_size, 1);
    y += wrap_text(cr, heading, x, y + st->legend_title_size * s, w, st->legend_title_size * 1.25 * s, draw)
         + 5 * s;

    char count[32];
    if (map->bivariate) {
        /* The 3 x 3 square: x variable left to right, y variable bottom
         * to top, with arrows and each variable's class bounds. */
        double cell = fmin(18 * s, (w - 40 * s) / 3), gx = x + 26 * s;
        set_font(cr, pg, st->legend_text_size * 0.85, 0);
        double gy = y + 4 * s;
        for (int yy = 0; yy < 3; yy++)
            for (int xx = 0; xx < 3; xx++) {
                double cx = gx + xx * cell, cy = gy + (2 - yy) * cell;
                if (draw) {
                    cairo_rectangle(cr, cx, cy, cell, cell);
                    set_rgb(cr, map->bivariate_colour[yy][xx]);
                    cairo_fill(cr);
                }
            }
        if (draw) {
            set_rgb(cr, st->ink);
            cairo_set_line_width(cr, 0.8 * s);
            cairo_move_to(cr, gx, gy + 3 * cell + 4 * s);
            cairo_line_to(cr, gx + 3 * cell + 6 * s, gy + 3 * cell + 4 * s);
            cairo_move_to(cr, gx - 4 * s, gy + 3 * cell);
            cairo_line_to(cr, gx - 4 * s, gy - 6 * s);
            cairo_stroke(cr);
            cairo_move_to(cr, gx + 3 * cell + 8 * s, gy + 3 * cell + 4 * s);
            cairo_rel_line_to(cr, -4 * s, -2.5 * s);
            cairo_rel_line_to(cr, 0, 5 * s);
            cairo_close_path(cr);
            cairo_move_to(cr, gx - 4 * s, gy - 8 * s);
            cairo_rel_line_to(cr, -2.5 * s, 4 * s);
            cairo_rel_line_to(cr, 5 * s, 0);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        y = gy + 3 * cell + 8 * s;
        set_font(cr, pg, st->legend_text_size, 0);
        char line[1200];
        snprintf(line, sizeof line, "\u2192 %s: %s | %s | %s", map->legend_title, map->classes.label[0],
                 map->classes.label[1], map->classes.label[2]);
        y += wrap_text(cr, line, x, y + st->legend_text_size * s, w, st->legend_text_size * 1.3 * s, draw);
        snprintf(line, sizeof line, "\u2191 %s: %s | %s | %s", map->legend_title2, map->classes2.label[0],
                 map->classes2.label[1], map->classes2.label[2]);
        y += 2 * s + wrap_text(cr, line, x, y + st->legend_text_size * s, w, st->legend_text_size * 1.3 * s, draw);
        size_t nodata = 0;
        for (size_t i = 0; i < map->layer->n; i++) nodata += (size_t)wm_map_is_nodata(map, i);
        if (nodata) {
            snprintf(line, sizeof line, "No data (hatched grey): %zu areas", nodata);
            y += 2 * s + wrap_text(cr, line, x, y + st->legend_text_size * s, w, st->legend_text_size * 1.3 * s, draw);
        }
        return y - y0;
    }

    double box_w = 16 * s, box_h = 11 * s, row_h = 14.5 * s;
    set_font(cr, pg, st->legend_text_size, 0);
    int ref_class = map->has_reference ? wm_class_of(&map->classes, map->reference) : -1;
    if (map->has_reference && ref_class < 0 && map->classes.method != WM_CLASS_CATEGORICAL)
        ref_class = map->reference < map->classes.lower[0] ? 0 : map->classes.n - 1;
    for (int k = 0; k <= map->classes.n; k++) {
        int nodata = k == map->classes.n;
        if (nodata && map->classes.nodata == 0) break;
        if (draw) {
            cairo_rectangle(cr, x, y, box_w, box_h);
            set_rgb(cr, nodata ? map->nodata_colour : map->palette.colour[k]);
            cairo_fill_preserve(cr);
            if (nodata && st->nodata_hatch) {
                hatch_path(cr, pg);
                cairo_rectangle(cr, x, y, box_w, box_h);
            }
            set_rgb(cr, st->muted_ink);
            cairo_set_line_width(cr, 0.5 * s);
            cairo_stroke(cr);
            set_rgb(cr, st->ink);
            cairo_move_to(cr, x + box_w + 6 * s, y + box_h - 2.2 * s);
            cairo_show_text(cr, nodata ? "No data" : map->classes.label[k]);
            if (st->show_counts) {
                wm_format_count(nodata ? map->classes.nodata : map->classes.count[k], count, sizeof count);
                set_rgb(cr, st->muted_ink);
                cairo_move_to(cr, x + w - text_width(cr, count), y + box_h - 2.2 * s);
                cairo_show_text(cr, count);
            }
            if (k == ref_class) {
                /* A pointer at the class holding the reference value. */
                set_rgb(cr, st->ink);
                cairo_move_to(cr, x - 1.5 * s, y + box_h / 2);
                cairo_rel_line_to(cr, -5 * s, -3.5 * s);
                cairo_rel_line_to(cr, 0, 7 * s);
                cairo_close_path(cr);
                cairo_fill(cr);
            }
        }
        y += row_h;
    }
    set_font(cr, pg, st->legend_text_size * 0.88, 0);
    set_rgb(cr, st->muted_ink);
    char line[300];
    if (map->has_reference) {
        snprintf(line, sizeof line, "\u25b6 %s: %.*f%s", map->reference_label, map->classes.decimals, map->reference,
                 strcmp(map->unit, "%") == 0 ? "%" : "");
        set_rgb(cr, st->ink);
        y += 2 * s + wrap_text(cr, line, x, y + 8 * s, w, 9.5 * s, draw);
        set_rgb(cr, st->muted_ink);
    }
    if (st->show_counts) {
        snprintf(line, sizeof line, "Right-hand figures: number of areas (%zu in all).", map->classes.total);
        y += 2 * s + wrap_text(cr, line, x, y + 8 * s, w, 9.5 * s, draw);
    }
    return y - y0;
}

/* The key of a numbered map: "1  Bablake" ... in two columns when long. */
static double key_table(cairo_t *cr, const page *pg, const wm_layer *layer, const wm_placed_label *placed,
                        double x, double y, double w, int draw)
{
    const wm_style *st = pg->st;
    double s = pg->s, y0 = y;
    set_font(cr, pg, st->legend_title_size, 1);
    set_rgb(cr, st->ink);
    if (draw) { cairo_move_to(cr, x, y + st->legend_title_size * s); cairo_show_text(cr, "Key to numbered areas"); }
    y += st->legend_title_size * 1.6 * s;
    set_font(cr, pg, st->legend_text_size * 0.92, 0);
    int cols = layer->n > 12 ? 2 : 1;
    size_t rows = (layer->n + (size_t)cols - 1) / (size_t)cols;
    double row_h = st->legend_text_size * 1.3 * s, col_w = w / cols;
    for (int num = 1; num <= (int)layer->n; num++) {
        for (size_t i = 0; i < layer->n; i++) {
            if (placed[i].number != num) continue;
            int c = (int)((size_t)(num - 1) / rows);
            size_t r = (size_t)(num - 1) % rows;
            if (draw) {
                char n[16];
                snprintf(n, sizeof n, "%d", num);
                cairo_move_to(cr, x + c * col_w, y + (double)r * row_h + st->legend_text_size * s);
                cairo_show_text(cr, n);
                cairo_move_to(cr, x + c * col_w + 16 * s, y + (double)r * row_h + st->legend_text_size * s);
                cairo_show_text(cr, layer->features[i].name);
            }
        }
    }
    return y + (double)rows * row_h - y0;
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

/* North arrow (top right) and scale bar (bottom left) of a frame; their
 * boxes go into obstacles[0..1] so labels keep clear of them. */
static void furniture(cairo_t *cr, const page *pg, const wm_map *map, const wm_affine *tf, rect frame,
                      int draw, double obstacles[2][4])
{
    const wm_style *st = pg->st;
    double s = pg->s;
    memset(obstacles, 0, sizeof(double) * 8);
    if (st->north_arrow) {
        double ax = frame.x + frame.w - 12 * s, ay = frame.y + 4 * s;
        obstacles[0][0] = ax - 9 * s; obstacles[0][1] = ay - 6 * s;
        obstacles[0][2] = ax + 9 * s; obstacles[0][3] = ay + 28 * s;
        if (draw) {
            cairo_move_to(cr, ax, ay + 6 * s);
            cairo_line_to(cr, ax + 6 * s, ay + 26 * s);
            cairo_line_to(cr, ax, ay + 21 * s);
            cairo_line_to(cr, ax - 6 * s, ay + 26 * s);
            cairo_close_path(cr);
            set_rgb(cr, st->ink);
            cairo_fill(cr);
            set_font(cr, pg, 8, 1);
            cairo_move_to(cr, ax - text_width(cr, "N") / 2, ay + 4 * s);
            cairo_show_text(cr, "N");
        }
    }
    OGRSpatialReferenceH srs = map->layer->srs;
    if (!st->scale_bar || !OSRIsProjected(srs)) return;
    double metres_per_unit = OSRGetLinearUnits(srs, NULL);
    double len_m = round_length(frame.w * 0.22 / tf->k * metres_per_unit);
    double len_pt = len_m / metres_per_unit * tf->k;
    double x = frame.x + 4 * s, y = frame.y + frame.h - 8 * s, h = 4 * s;
    obstacles[1][0] = x - 4 * s; obstacles[1][1] = y - 14 * s;
    obstacles[1][2] = x + len_pt + 16 * s; obstacles[1][3] = y + h + 2 * s;
    if (!draw) return;
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x + i * len_pt / 4, y, len_pt / 4, h);
        if (i % 2 == 0) set_rgb(cr, st->ink); else set_rgb(cr, st->background);
        cairo_fill_preserve(cr);
        set_rgb(cr, st->ink);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_stroke(cr);
    }
    set_font(cr, pg, 7.5, 0);
    char lab[32];
    cairo_move_to(cr, x - 2 * s, y - 3 * s);
    cairo_show_text(cr, "0");
    if (len_m >= 1000) snprintf(lab, sizeof lab, "%g km", len_m / 1000);
    else snprintf(lab, sizeof lab, "%g m", len_m);
    cairo_move_to(cr, x + len_pt - text_width(cr, lab) / 2, y - 3 * s);
    cairo_show_text(cr, lab);
}

/* ---- layout ------------------------------------------------------------- */

typedef struct panel {
    const wm_map *map;
    const char *title;           /* panel heading (small multiples), or NULL */
    rect frame;                  /* the map */
    rect legend;                 /* its legend (w = 0: none, shared legend) */
    wm_affine tf;
    double obstacles[2][4];
    wm_placed_label *labels;     /* overlay labels, or NULL */
    int numbered;
} panel;

typedef struct layout {
    double margin, title_y, subtitle_y, footer_y;
    rect body;
    int npanels;
    panel panels[WM_MAX_PANELS];
    rect shared_legend;          /* w = 0: none */
    OGRGeometryH boundary;       /* outer boundary of the overlay, or NULL */
} layout;

static double legend_block(cairo_t *cr, const page *pg, const wm_map *map, double x, double y,
                           double w, int draw);

/* Put the legend of `map` beside (or under) the map in `area`.  The
 * style's position is preferred; the other arrangement (under instead of
 * beside, or beside instead of under) is taken when it lets the map be
 * drawn over a quarter larger, as on a portrait page with a wide city.
 * With `tighten`, the frame shrinks to the map itself (top-aligned,
 * centred across) so the north arrow and scale bar sit by the map and a
 * bottom legend directly under it. */
static void arrange(cairo_t *cr, const page *pg, const wm_map *map, rect area, const double ext[4],
                    int tighten, rect *frame, rect *legend)
{
    const wm_style *st = pg->st;
    double gap = 14 * pg->s, pad = 1 + 2 * st->map_padding;
    double ew = fmax((ext[2] - ext[0]) * pad, 1e-9), eh = fmax((ext[3] - ext[1]) * pad, 1e-9);
    wm_legend_position pref = st->legend_position;
    wm_legend_position alt = pref == WM_LEGEND_BOTTOM ? WM_LEGEND_RIGHT : WM_LEGEND_BOTTOM;
    rect f[2], l[2];
    double k[2];
    for (int c = 0; c < 2; c++) {
        wm_legend_position pos = c == 0 ? pref : alt;
        double lw = fmax(area.w * (pg->fig->npanels > 1 ? 0.42 : st->legend_width), 120 * pg->s);
        if (lw > area.w * 0.5) lw = area.w * 0.5;
        if (pos == WM_LEGEND_BOTTOM) {
            double bw = fmin(area.w, fmax(lw, 260 * pg->s));
            double lh = fmin(legend_block(cr, pg, map, 0, 0, bw, 0), area.h * 0.45);
            l[c] = (rect){ area.x, area.y + area.h - lh, bw, lh };
            f[c] = (rect){ area.x, area.y, area.w, area.h - lh - gap };
        } else if (pos == WM_LEGEND_LEFT) {
            l[c] = (rect){ area.x, area.y, lw, area.h };
            f[c] = (rect){ area.x + lw + gap, area.y, area.w - lw - gap, area.h };
        } else {
            l[c] = (rect){ area.x + area.w - lw, area.y, lw, area.h };
            f[c] = (rect){ area.x, area.y, area.w - lw - gap, area.h };
        }
        k[c] = fmin(f[c].w / ew, f[c].h / eh);
    }
    int c = k[1] > 1.25 * k[0] ? 1 : 0;
    *frame = f[c];
    *legend = l[c];
    if (!tighten || k[c] <= 0) return;
    double w = ew * k[c], h = eh * k[c];
    frame->x += (frame->w - w) / 2;
    frame->w = w;
    frame->h = h;
    if ((c == 0 ? pref : alt) == WM_LEGEND_BOTTOM) legend->y = frame->y + frame->h + gap;
}

static OGRGeometryH outer_boundary(const wm_layer *layer)
{
    if (!layer || layer->n > 5000) return NULL;
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (size_t i = 0; i < layer->n; i++) {
        OGRGeometryH g = layer->features[i].geom;
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
        if (t == wkbPolygon) OGR_G_AddGeometry(all, g);
        else if (t == wkbMultiPolygon)
            for (int j = 0; j < OGR_G_GetGeometryCount(g); j++) OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, j));
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    OGR_G_DestroyGeometry(all);
    if (!u) return NULL;
    OGRGeometryH b = OGR_G_Boundary(u);
    OGR_G_DestroyGeometry(u);
    return b;
}

static int place_panel_labels(cairo_t *cr, const page *pg, panel *p, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    const wm_layer *o = fig->overlay;
    if (!o || !fig->overlay_labels) return 0;
    OGRGeometryH *areas = malloc(o->n * sizeof *areas);
    const char **names = malloc(o->n * sizeof *names);
    for (size_t i = 0; i < o->n; i++) {
        areas[i] = o->features[i].geom;
        names[i] = o->features[i].name;
    }
    wm_label_style ls = { pg->st->font, pg->st->label_bold, pg->st->label_size * pg->s,
                          pg->st->label_min_size * pg->s, pg->st->label_halo_width * pg->s / 2,
                          pg->st->label_fallbacks };
    double frame[4] = { p->frame.x, p->frame.y, p->frame.x + p->frame.w, p->frame.y + p->frame.h };
    p->labels = calloc(o->n, sizeof *p->labels);
    int rc = wm_place_labels(cr, areas, names, o->n, &p->tf, &ls, frame, (const double (*)[4])p->obstacles, 2,
                             p->labels, err);
    free(areas);
    free(names);
    if (rc < 0) return -1;
    p->numbered = rc == 1;
    return 0;
}

static int compute_layout(cairo_t *cr, const page *pg, layout *L, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double W = fig->width_pt, H = fig->height_pt, s = pg->s;
    L->margin = st->margin_mm * 72.0 / 25.4 * s;

    double y = L->margin;
    L->title_y = y + st->title_size * s;
    y = L->title_y;
    if (fig->subtitle && *fig->subtitle) {
        L->subtitle_y = y + st->subtitle_size * 1.4 * s;
        y = L->subtitle_y;
    }
    y += 12 * s;

    char attribution[4096];
    attribution_text(fig, attribution, sizeof attribution);
    set_font(cr, pg, st->attribution_size, 0);
    double foot_h = wrap_text(cr, attribution, 0, 0, W - 2 * L->margin, st->attribution_size * 1.3 * s, 0);
    L->footer_y = H - L->margin - foot_h + st->attribution_size * s;
    L->body = (rect){ L->margin, y, W - 2 * L->margin, L->footer_y - 12 * s - y };

    L->npanels = figure_nmaps(fig);
    rect grid = L->body;
    if (fig->npanels > 0 && fig->shared_legend) {
        double ext[4];
        map_extent(fig, fig->panels[0], ext);
        arrange(cr, pg, fig->panels[0], L->body, ext, 0, &grid, &L->shared_legend);
    }
    /* The grid whose cells give each map the largest scale. */
    int cols = 1, rows = 1;
    double ext0[4];
    map_extent(fig, figure_map(fig, 0), ext0);
    double best = -1, map_share = fig->npanels > 0 && fig->shared_legend ? 1.0 : 0.58;
    for (int c = 1; c <= L->npanels; c++) {
        int r = (L->npanels + c - 1) / c;
        double cw = (grid.w - 12 * s * (c - 1)) / c * map_share, ch = (grid.h - 12 * s * (r - 1)) / r;
        double k = fmin(cw / (ext0[2] - ext0[0] + 1e-9), ch / (ext0[3] - ext0[1] + 1e-9));
        if (k > best * 1.001) { best = k; cols = c; rows = r; }
    }
    double gap = 12 * s, cw = (grid.w - gap * (cols - 1)) / cols, ch = (grid.h - gap * (rows - 1)) / rows;
    for (int i = 0; i < L->npanels; i++) {
        panel *p = &L->panels[i];
        p->map = figure_map(fig, i);
        p->title = fig->npanels > 0 && fig->panel_titles ? fig->panel_titles[i] : NULL;
        rect cell = { grid.x + (i % cols) * (cw + gap), grid.y + (i / cols) * (ch + gap), cw, ch };
        if (p->title) {
            cell.y += st->legend_title_size * 1.8 * s;
            cell.h -= st->legend_title_size * 1.8 * s;
        }
        if (fig->npanels > 0 && fig->shared_legend) {
            p->frame = cell;
            p->legend = (rect){ 0, 0, 0, 0 };
        }
        double ext[4];
        map_extent(fig, p->map, ext);
        if (!(fig->npanels > 0 && fig->shared_legend)) arrange(cr, pg, p->map, cell, ext, 1, &p->frame, &p->legend);
        if (p->frame.w < 20 || p->frame.h < 20)
            return wm_error_set(err, WM_EXIT_USAGE, "the page is too small for the map and its legend");
        p->tf = fit(ext, p->frame, st->map_padding);
        furniture(cr, pg, p->map, &p->tf, p->frame, 0, p->obstacles);
        /* Labels in small multiples would crowd; only a single map has them. */
        if (fig->npanels <= 1 && place_panel_labels(cr, pg, p, err) != 0) return -1;
    }
    L->boundary = outer_boundary(fig->overlay);
    return 0;
}

static void free_layout(layout *L)
{
    for (int i = 0; i < L->npanels; i++) free(L->panels[i].labels);
    if (L->boundary) OGR_G_DestroyGeometry(L->boundary);
}

/* ---- the page ----------------------------------------------------------- */

static void draw_panel(cairo_t *cr, const page *pg, const layout *L, const panel *p)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s;
    if (p->title) {
        set_font(cr, pg, st->legend_title_size * 1.1, 1);
        set_rgb(cr, st->ink);
        cairo_move_to(cr, p->frame.x, p->frame.y - st->legend_title_size * 0.7 * s);
        cairo_show_text(cr, p->title);
    }
    cairo_save(cr);
    cairo_rectangle(cr, p->frame.x, p->frame.y, p->frame.w, p->frame.h);
    cairo_clip(cr);
    draw_areas(cr, pg, p->map, &p->tf);
    if (fig->mute && (fig->nhighlight > 0 || fig->highlight_layer)) mute_others(cr, pg, p->map, &p->tf, p->frame);
    draw_outlines(cr, pg, p->map, &p->tf, L->boundary);
    if (p->labels)
        for (size_t i = 0; i < fig->overlay->n; i++) draw_placed_label(cr, pg, &p->labels[i]);
    cairo_restore(cr);
    double obstacles[2][4];
    furniture(cr, pg, p->map, &p->tf, p->frame, 1, obstacles);
    if (p->legend.w > 0) {
        double used = legend_block(cr, pg, p->map, p->legend.x, p->legend.y, p->legend.w, 1);
        double y = p->legend.y + used;
        if (fig->notes && *fig->notes && fig->npanels <= 1) {
            set_font(cr, pg, st->notes_size, 0);
            set_rgb(cr, st->ink);
            y += 6 * s + wrap_text(cr, fig->notes, p->legend.x, y + 6 * s + st->notes_size * s, p->legend.w,
                                   st->notes_size * 1.3 * s, 1);
        }
        if (p->numbered) key_table(cr, pg, fig->overlay, p->labels, p->legend.x, y + 10 * s, p->legend.w, 1);
    }
}

static void draw_page(cairo_t *cr, const page *pg, const layout *L)
{
    const wm_figure *fig = pg->fig;
    const wm_style *st = pg->st;
    double s = pg->s;
    set_rgb(cr, st->background);
    cairo_paint(cr);

    const char *title = fig->title && *fig->title ? fig->title : figure_map(fig, 0)->legend_title;
    set_rgb(cr, st->ink);
    set_font(cr, pg, st->title_size, 1);
    cairo_move_to(cr, L->margin, L->title_y);
    cairo_show_text(cr, title);
    if (fig->subtitle && *fig->subtitle) {
        set_font(cr, pg, st->subtitle_size, 0);
        set_rgb(cr, st->muted_ink);
        cairo_move_to(cr, L->margin, L->subtitle_y);
        cairo_show_text(cr, fig->subtitle);
    }
    for (int i = 0; i < L->npanels; i++) draw_panel(cr, pg, L, &L->panels[i]);
    if (L->shared_legend.w > 0) {
        double used = legend_block(cr, pg, fig->panels[0], L->shared_legend.x, L->shared_legend.y,
                                   L->shared_legend.w, 1);
        if (fig->notes && *fig->notes) {
            set_font(cr, pg, st->notes_size, 0);
            set_rgb(cr, st->ink);
            wrap_text(cr, fig->notes, L->shared_legend.x, L->shared_legend.y + used + 6 * s + st->notes_size * s,
                      L->shared_legend.w, st->notes_size * 1.3 * s, 1);
        }
    }

    char attribution[4096];
    attribution_text(fig, attribution, sizeof attribution);
    set_font(cr, pg, st->attribution_size, 0);
    set_rgb(cr, st->muted_ink);
    wrap_text(cr, attribution, L->margin, L->footer_y, fig->width_pt - 2 * L->margin,
              st->attribution_size * 1.3 * s, 1);
}

/* ---- output ------------------------------------------------------------- */

typedef struct byte_buffer { unsigned char *data; size_t len, cap; } byte_buffer;

static cairo_status_t buffer_write(void *closure, const unsigned char *data, unsigned int length)
{
    byte_buffer *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length) cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p) return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* cairo writes no pHYs chunk; add one after IHDR so the PNG states its
 * resolution (pixels per metre) and prints at the intended size. */
static int write_png_with_dpi(const byte_buffer *png, double dpi, FILE *fp)
{
    const size_t ihdr_end = 8 + 8 + 13 + 4;
    if (png->len < ihdr_end) return -1;
    unsigned char chunk[4 + 4 + 9 + 4];
    uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
    put_be32(chunk, 9);
    memcpy(chunk + 4, "pHYs", 4);
    put_be32(chunk + 8, ppm);
    put_be32(chunk + 12, ppm);
    chunk[16] = 1;   /* unit: metre */
    put_be32(chunk + 17, (uint32_t)crc32(0L, chunk + 4, 4 + 9));
    if (fwrite(png->data, 1, ihdr_end, fp) != ihdr_end) return -1;
    if (fwrite(chunk, 1, sizeof chunk, fp) != sizeof chunk) return -1;
    if (fwrite(png->data + ihdr_end, 1, png->len - ihdr_end, fp) != png->len - ihdr_end) return -1;
    return 0;
}

static int write_png(const page *pg, const layout *L, const char *path, const char *tmp, wm_error *err)
{
    const wm_figure *fig = pg->fig;
    double k = fig->dpi / 72.0;
    int wpx = (int)lround(fig->width_pt * k), hpx = (int)lround(fig->height_pt * k);
    if ((double)wpx * hpx > 400e6)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: %dx%d pixels is too large", path, wpx, hpx);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, (double)wpx / fig->width_pt, (double)hpx / fig->height_pt);
    draw_page(cr, pg, L);
    cairo_destroy(cr);
    byte_buffer png = { 0 };
    cairo_status_t st = cairo_surface_write_to_png_stream(surface, buffer_write, &png);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(png.data);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot encode PNG (%s)", path, cairo_status_to_string(st));
    }
    FILE *fp = fopen(tmp, "wb");
    int rc = fp ? write_png_with_dpi(&png, fig->dpi, fp) : -1;
    if (fp && fclose(fp) != 0) rc = -1;
    free(png.data);
    if (rc != 0) {
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write the file", path);
    }
    return 0;
}

static int write_vector(const page *pg, const layout *L, wm_format fmt, const char *path, const char *tmp,
                        wm_error *err)
{
    const wm_figure *fig = pg->fig;
    cairo_surface_t *surface;
    if (fmt == WM_FORMAT_SVG) {
        surface = cairo_svg_surface_create(tmp, fig->width_pt, fig->height_pt);
        cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_2);
    } else {
        surface = cairo_pdf_surface_create(tmp, fig->width_pt, fig->height_pt);
        const wm_map *first = figure_map(fig, 0);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                       fig->title && *fig->title ? fig->title : first->legend_title);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, fig->author ? fig->author : "wardmap");
        char subject[600];
        snprintf(subject, sizeof subject, "%s%s%s", first->legend_title, first->bivariate ? " by " : "",
                 first->bivariate ? first->legend_title2 : "");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "wardmap " WARDMAP_VERSION);
        /* cairo stamps the clock unless told otherwise; identical inputs
         * must give identical files, so the date is left out unless
         * SOURCE_DATE_EPOCH (the reproducible-builds convention) gives one. */
        char date[32] = "";
        const char *epoch = getenv("SOURCE_DATE_EPOCH");
        if (epoch && *epoch) {
            time_t t = (time_t)strtoll(epoch, NULL, 10);
            struct tm tm;
            if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    }
    cairo_t *cr = cairo_create(surface);
    draw_page(cr, pg, L);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, cairo_status_to_string(st));
    }
    return 0;
}

/* Lay the figure out with a scratch context: the layout (and so label
 * placement) must not depend on the output format. */
static int prepare(const wm_figure *fig, page *pg, layout *L, wm_error *err)
{
    memset(L, 0, sizeof *L);
    pg->fig = fig;
    pg->st = &figure_map(fig, 0)->style;
    pg->s = fmin(fig->width_pt, fig->height_pt) / 595.0;
    if (fig->npanels > WM_MAX_PANELS)
        return wm_error_set(err, WM_EXIT_USAGE, "at most %d panels in one figure", WM_MAX_PANELS);
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    int rc = compute_layout(cr, pg, L, err);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    return rc;
}

int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err)
{
    wm_format fmt;
    if (wm_format_from_path(path, &fmt) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: the output must end in .png, .svg or .pdf", path);
    if (fig->width_pt < 72 || fig->height_pt < 72 || fig->width_pt > 14400 || fig->height_pt > 14400)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: page size %.0fx%.0f pt is out of range", path,
                            fig->width_pt, fig->height_pt);
    page pg;
    layout L;
    if (prepare(fig, &pg, &L, err) != 0) {
        free_layout(&L);
        wm_error_prefix(err, "%s", path);
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int rc = fmt == WM_FORMAT_PNG ? write_png(&pg, &L, path, tmp, err) : write_vector(&pg, &L, fmt, path, tmp, err);
    free_layout(&L);
    if (rc != 0) return -1;
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot move the finished file into place", path);
    }
    return 0;
}

int wm_png_thumbnail(const char *src, const char *dst, int width, wm_error *err)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(src);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return wm_error_set(err, WM_EXIT_DATA, "%s: cannot read as PNG", src);
    }
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    if (width < 16 || width > w) width = w;
    int th = (int)lround((double)h * width / w);
    cairo_surface_t *thumb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, th);
    cairo_t *cr = cairo_create(thumb);
    cairo_scale(cr, (double)width / w, (double)th / h);
    cairo_set_source_surface(cr, img, 0, 0);
    /* A box filter over the whole footprint: no aliasing of hairlines. */
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", dst, (long)getpid());
    cairo_status_t st = cairo_surface_write_to_png(thumb, tmp);
    cairo_surface_destroy(thumb);
    if (st != CAIRO_STATUS_SUCCESS || rename(tmp, dst) != 0) {
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write the thumbnail", dst);
    }
    return 0;
}

int wm_render_map_point(const wm_figure *fig, int panel_index, double x, double y, double *px, double *py)
{
    page pg;
    layout L;
    wm_error err;
    if (prepare(fig, &pg, &L, &err) != 0 || panel_index < 0 || panel_index >= L.npanels) {
        free_layout(&L);
        return -1;
    }
    to_page(&L.panels[panel_index].tf, x, y, px, py);
    free_layout(&L);
    return 0;
}

int wm_render_label_boxes(const wm_figure *fig, wm_placed_label **out, size_t *n, int *numbered, double legend[4],
                          wm_error *err)
{
    page pg;
    layout L;
    *out = NULL;
    *n = 0;
    if (prepare(fig, &pg, &L, err) != 0) { free_layout(&L); return -1; }
    panel *p = &L.panels[0];
    if (p->labels) {
        *out = p->labels;
        *n = fig->overlay->n;
        p->labels = NULL;
    }
    *numbered = p->numbered;
    legend[0] = p->legend.x; legend[1] = p->legend.y;
    legend[2] = p->legend.x + p->legend.w; legend[3] = p->legend.y + p->legend.h;
    free_layout(&L);
    return 0;
}
