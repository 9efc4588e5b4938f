#include "render.h"

#include <cairo.h>
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

#define FONT "DejaVu Sans"

static const wm_rgb INK = { 0.13, 0.13, 0.13 };
static const wm_rgb MUTED_INK = { 0.35, 0.35, 0.35 };

/* ---- page and format ------------------------------------------------ */

int wm_paper_size(const char *name, int landscape, double *w, double *h)
{
    static const struct { const char *name; double w_mm, h_mm; } papers[] = {
        { "A3", 297, 420 }, { "A4", 210, 297 }, { "A5", 148, 210 }, { NULL, 0, 0 }
    };
    for (int i = 0; papers[i].name; i++)
        if (strcasecmp(name, papers[i].name) == 0) {
            double a = papers[i].w_mm * 72.0 / 25.4, b = papers[i].h_mm * 72.0 / 25.4;
            *w = landscape ? b : a;
            *h = landscape ? a : b;
            return 0;
        }
    return -1;
}

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

/* ---- layout ----------------------------------------------------------- */

typedef struct layout {
    double s;                       /* type scale: 1 on an A4 short side */
    double margin;
    double title_y, subtitle_y;     /* baselines */
    double frame_x, frame_y, frame_w, frame_h;   /* map frame */
    double panel_x, panel_y, panel_w;            /* legend panel */
    double footer_y;                /* top of the attribution block */
    double scale;                   /* page points per map unit */
    double ox, oy;                  /* page position of map (minx, maxy) */
    double minx, maxy;
} layout;

static void set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
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

/* The year of a boundary vintage from ONS field names: WD25CD -> 2025,
 * LSOA11CD -> 2011; 0 when the name carries none. */
static int vintage_year(const char *field)
{
    if (!field) return 0;
    size_t n = strlen(field);
    if (n >= 4 && field[n - 4] >= '0' && field[n - 4] <= '9' && field[n - 3] >= '0' && field[n - 3] <= '9')
        return 2000 + (field[n - 4] - '0') * 10 + (field[n - 3] - '0');
    return 0;
}

static void attribution_text(const wm_figure *fig, char *buf, size_t size)
{
    const wm_choropleth *m = fig->map;
    int year = vintage_year(m->layer->key_field);
    if (fig->overlay && vintage_year(fig->overlay->key_field) > year) year = vintage_year(fig->overlay->key_field);
    char years[16] = "";
    if (year) snprintf(years, sizeof years, " %d", year);
    size_t o = 0;
    o += (size_t)snprintf(buf + o, size - o, "Sources: ");
    for (int i = 0; i < m->nsources && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", m->sources[i], i + 1 < m->nsources ? "; " : ". ");
    if (m->nsources == 0 && o < size) o += (size_t)snprintf(buf + o, size - o, "%s. ", m->field);
    if (o < size)
        snprintf(buf + o, size - o,
                 "Contains OS data \u00a9 Crown copyright and database right%s. "
                 "Contains National Statistics data \u00a9 Crown copyright and database right%s. "
                 "Contains public sector information licensed under the Open Government Licence v3.0. "
                 "Colours: ColorBrewer.org by Cynthia Brewer.",
                 years, years);
}

static void compute_layout(cairo_t *cr, const wm_figure *fig, layout *L)
{
    double W = fig->width_pt, H = fig->height_pt;
    memset(L, 0, sizeof *L);
    L->s = fmin(W, H) / 595.0;
    double s = L->s;
    L->margin = fmax(14.0, 0.045 * fmin(W, H));

    double y = L->margin;
    set_font(cr, 19 * s, 1);
    L->title_y = y + 19 * s;
    y = L->title_y;
    if (fig->subtitle && *fig->subtitle) {
        L->subtitle_y = y + 15 * s;
        y = L->subtitle_y;
    }
    y += 12 * s;

    char attribution[2048];
    attribution_text(fig, attribution, sizeof attribution);
    set_font(cr, 6.5 * s, 0);
    double foot_h = wrap_text(cr, attribution, 0, 0, W - 2 * L->margin, 8.5 * s, 0);
    L->footer_y = H - L->margin - foot_h + 6.5 * s;

    L->panel_w = fmax(W * (W > H * 1.1 ? 0.27 : 0.30), 150 * s);
    L->panel_x = W - L->margin - L->panel_w;
    L->panel_y = y;
    L->frame_x = L->margin;
    L->frame_y = y;
    L->frame_w = L->panel_x - 14 * s - L->frame_x;
    L->frame_h = L->footer_y - 12 * s - y;

    const wm_layer *g = fig->map->layer;
    double minx = g->minx, miny = g->miny, maxx = g->maxx, maxy = g->maxy;
    if (fig->overlay) {
        minx = fmin(minx, fig->overlay->minx); miny = fmin(miny, fig->overlay->miny);
        maxx = fmax(maxx, fig->overlay->maxx); maxy = fmax(maxy, fig->overlay->maxy);
    }
    double pad = 0.03;
    double ew = (maxx - minx) * (1 + 2 * pad), eh = (maxy - miny) * (1 + 2 * pad);
    if (ew <= 0) ew = 1;
    if (eh <= 0) eh = 1;
    L->scale = fmin(L->frame_w / ew, L->frame_h / eh);
    /* Centre the map in its frame. */
    double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;
    L->minx = cx;
    L->maxy = cy;
    L->ox = L->frame_x + L->frame_w / 2;
    L->oy = L->frame_y + L->frame_h / 2;
}

static void to_page(const layout *L, double x, double y, double *px, double *py)
{
    *px = L->ox + (x - L->minx) * L->scale;
    *py = L->oy - (y - L->maxy) * L->scale;
}

/* ---- geometry --------------------------------------------------------- */

static void add_ring(cairo_t *cr, const layout *L, OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    for (int i = 0; i < n; i++) {
        double px, py;
        to_page(L, OGR_G_GetX(ring, i), OGR_G_GetY(ring, i), &px, &py);
        if (i == 0) cairo_move_to(cr, px, py); else cairo_line_to(cr, px, py);
    }
    if (n) cairo_close_path(cr);
}

static void add_geometry(cairo_t *cr, const layout *L, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_ring(cr, L, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_geometry(cr, L, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbLineString || t == wkbLinearRing) {
        add_ring(cr, L, g);
    }
}

/* Diagonal hatching inside the current path, which is consumed. */
static void hatch_path(cairo_t *cr, double spacing, double width)
{
    double x1, y1, x2, y2;
    cairo_save(cr);
    cairo_path_extents(cr, &x1, &y1, &x2, &y2);
    cairo_clip(cr);
    cairo_set_line_width(cr, width);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    double start = floor((x1 - (y2 - y1)) / spacing) * spacing;
    for (double x = start; x < x2; x += spacing) {
        cairo_move_to(cr, x, y2);
        cairo_line_to(cr, x + (y2 - y1), y1);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int is_highlighted(const wm_figure *fig, const char *key, const char *name)
{
    for (int i = 0; i < fig->nhighlight; i++)
        if (strcasecmp(fig->highlight[i], key) == 0 || (name && strcasecmp(fig->highlight[i], name) == 0))
            return 1;
    return 0;
}

static void draw_areas(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    const wm_choropleth *m = fig->map;
    double s = L->s;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < m->layer->n; i++) {
        add_geometry(cr, L, m->layer->features[i].geom);
        set_rgb(cr, wm_choropleth_colour(m, i));
        if (isnan(m->values[i])) {
            cairo_fill_preserve(cr);
            hatch_path(cr, 3.2 * s, 0.45 * s);
            cairo_new_path(cr);
            add_geometry(cr, L, m->layer->features[i].geom);
        } else {
            cairo_fill_preserve(cr);
        }
        /* A hairline in white separates neighbouring areas of one class. */
        cairo_set_source_rgba(cr, 1, 1, 1, 0.75);
        cairo_set_line_width(cr, fig->overlay ? 0.25 * s : 0.4 * s);
        cairo_stroke(cr);
    }
}

static void draw_outlines(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    double s = L->s;
    const wm_layer *o = fig->overlay;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (o) {
        for (size_t i = 0; i < o->n; i++) add_geometry(cr, L, o->features[i].geom);
        set_rgb(cr, INK);
        cairo_set_line_width(cr, 0.9 * s);
        cairo_stroke(cr);
    }
    /* Highlighted areas last, so their heavy outline is never covered. */
    const wm_layer *layers[2] = { fig->map->layer, o };
    for (int k = 0; k < 2; k++) {
        if (!layers[k]) continue;
        for (size_t i = 0; i < layers[k]->n; i++)
            if (is_highlighted(fig, layers[k]->features[i].key, layers[k]->features[i].name))
                add_geometry(cr, L, layers[k]->features[i].geom);
    }
    set_rgb(cr, INK);
    cairo_set_line_width(cr, 2.4 * s);
    cairo_stroke(cr);
}

static void draw_halo_text(cairo_t *cr, const char *text, double cx, double cy, double s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    double x = cx - (e.x_bearing + e.width / 2), y = cy - (e.y_bearing + e.height / 2);
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, text);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 2.2 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgb(cr, INK);
    cairo_fill(cr);
}

static void draw_labels(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    if (!fig->overlay || !fig->overlay_labels) return;
    double s = L->s;
    set_font(cr, 7.0 * s, 1);
    for (size_t i = 0; i < fig->overlay->n; i++) {
        OGRGeometryH p = OGR_G_PointOnSurface(fig->overlay->features[i].geom);
        if (!p) continue;
        double px, py;
        to_page(L, OGR_G_GetX(p, 0), OGR_G_GetY(p, 0), &px, &py);
        OGR_G_DestroyGeometry(p);
        draw_halo_text(cr, fig->overlay->features[i].name, px, py, s);
    }
}

/* ---- furniture -------------------------------------------------------- */

static double draw_legend(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    const wm_choropleth *m = fig->map;
    double s = L->s, x = L->panel_x, y = L->panel_y, w = L->panel_w;
    char heading[400];
    snprintf(heading, sizeof heading, "%s%s%s%s", m->legend_title, *m->unit ? " (" : "", m->unit,
             *m->unit ? ")" : "");
    set_rgb(cr, INK);
    set_font(cr, 9.5 * s, 1);
    y += wrap_text(cr, heading, x, y + 9.5 * s, w, 12 * s, 1) + 6 * s;

    double box_w = 16 * s, box_h = 11 * s, row_h = 14.5 * s;
    set_font(cr, 8.5 * s, 0);
    char count[32];
    for (int k = 0; k <= m->classes.n; k++) {
        int nodata = k == m->classes.n;
        if (nodata && m->classes.nodata == 0) break;
        cairo_rectangle(cr, x, y, box_w, box_h);
        if (nodata) {
            set_rgb(cr, m->nodata_colour);
            cairo_fill_preserve(cr);
            hatch_path(cr, 3.2 * s, 0.45 * s);
            cairo_rectangle(cr, x, y, box_w, box_h);
        } else {
            set_rgb(cr, m->palette.colour[k]);
            cairo_fill_preserve(cr);
        }
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.5 * s);
        cairo_stroke(cr);
        set_rgb(cr, INK);
        cairo_move_to(cr, x + box_w + 6 * s, y + box_h - 2.2 * s);
        cairo_show_text(cr, nodata ? "No data" : m->classes.label[k]);
        wm_format_count(nodata ? m->classes.nodata : m->classes.count[k], count, sizeof count);
        set_rgb(cr, MUTED_INK);
        cairo_move_to(cr, x + w - text_width(cr, count), y + box_h - 2.2 * s);
        cairo_show_text(cr, count);
        y += row_h;
    }
    set_font(cr, 7.5 * s, 0);
    set_rgb(cr, MUTED_INK);
    char areas[200];
    snprintf(areas, sizeof areas, "Right-hand figures: number of areas (%zu in all).", m->classes.total);
    y += 2 * s + wrap_text(cr, areas, x, y + 8 * s, w, 9.5 * s, 1);
    if (fig->notes && *fig->notes) {
        y += 6 * s;
        set_font(cr, 8 * s, 0);
        set_rgb(cr, INK);
        y += wrap_text(cr, fig->notes, x, y + 8 * s, w, 10.5 * s, 1);
    }
    return y;
}

/* A round length for a scale bar about `target` metres long. */
static double round_length(double target)
{
    double p = pow(10, floor(log10(target)));
    double steps[] = { 1, 2, 5, 10 };
    double best = p;
    for (int i = 0; i < 4; i++)
        if (steps[i] * p <= target) best = steps[i] * p;
    return best;
}

static void draw_scale_and_north(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    double s = L->s;
    OGRSpatialReferenceH srs = fig->map->layer->srs;
    double bottom = L->frame_y + L->frame_h;
    /* North arrow, top-right of the map frame. */
    double ax = L->frame_x + L->frame_w - 16 * s, ay = L->frame_y + 6 * s;
    cairo_move_to(cr, ax, ay + 6 * s);
    cairo_line_to(cr, ax + 6 * s, ay + 26 * s);
    cairo_line_to(cr, ax, ay + 21 * s);
    cairo_line_to(cr, ax - 6 * s, ay + 26 * s);
    cairo_close_path(cr);
    set_rgb(cr, INK);
    cairo_fill(cr);
    set_font(cr, 8 * s, 1);
    cairo_move_to(cr, ax - text_width(cr, "N") / 2, ay + 4 * s);
    cairo_show_text(cr, "N");

    if (!OSRIsProjected(srs)) return;
    double metres_per_unit = OSRGetLinearUnits(srs, NULL);
    double target_m = (L->frame_w * 0.22) / L->scale * metres_per_unit;
    double len_m = round_length(target_m);
    double len_pt = len_m / metres_per_unit * L->scale;
    double x = L->frame_x + 4 * s, y = bottom - 10 * s, h = 4 * s;
    int segs = 4;
    for (int i = 0; i < segs; i++) {
        cairo_rectangle(cr, x + i * len_pt / segs, y, len_pt / segs, h);
        if (i % 2 == 0) { set_rgb(cr, INK); cairo_fill_preserve(cr); }
        else { cairo_set_source_rgb(cr, 1, 1, 1); cairo_fill_preserve(cr); }
        set_rgb(cr, INK);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_stroke(cr);
    }
    set_font(cr, 7.5 * s, 0);
    char lab[32];
    cairo_move_to(cr, x - 2 * s, y - 3 * s);
    cairo_show_text(cr, "0");
    if (len_m >= 1000) snprintf(lab, sizeof lab, "%g km", len_m / 1000);
    else snprintf(lab, sizeof lab, "%g m", len_m);
    cairo_move_to(cr, x + len_pt - text_width(cr, lab) / 2, y - 3 * s);
    cairo_show_text(cr, lab);
}

static void draw_page(cairo_t *cr, const wm_figure *fig, const layout *L)
{
    double s = L->s;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    const char *title = fig->title && *fig->title ? fig->title : fig->map->legend_title;
    set_rgb(cr, INK);
    set_font(cr, 19 * s, 1);
    cairo_move_to(cr, L->margin, L->title_y);
    cairo_show_text(cr, title);
    if (fig->subtitle && *fig->subtitle) {
        set_font(cr, 11 * s, 0);
        set_rgb(cr, MUTED_INK);
        cairo_move_to(cr, L->margin, L->subtitle_y);
        cairo_show_text(cr, fig->subtitle);
    }

    cairo_save(cr);
    cairo_rectangle(cr, L->frame_x, L->frame_y, L->frame_w, L->frame_h);
    cairo_clip(cr);
    draw_areas(cr, fig, L);
    draw_outlines(cr, fig, L);
    draw_labels(cr, fig, L);
    cairo_restore(cr);
    draw_scale_and_north(cr, fig, L);
    draw_legend(cr, fig, L);

    char attribution[2048];
    attribution_text(fig, attribution, sizeof attribution);
    set_font(cr, 6.5 * s, 0);
    set_rgb(cr, MUTED_INK);
    wrap_text(cr, attribution, L->margin, L->footer_y, fig->width_pt - 2 * L->margin, 8.5 * s, 1);
}

/* ---- output ----------------------------------------------------------- */

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

static int finish(cairo_surface_t *surface, cairo_t *cr, const char *what, wm_error *err)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS)
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot draw (%s)", what, cairo_status_to_string(st));
    return 0;
}

int wm_render_figure(const wm_figure *fig, const char *path, wm_error *err)
{
    wm_format fmt;
    if (wm_format_from_path(path, &fmt) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: the output must end in .png, .svg or .pdf", path);
    if (fig->width_pt < 72 || fig->height_pt < 72 || fig->width_pt > 14400 || fig->height_pt > 14400)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: page size %.0fx%.0f pt is out of range", path,
                            fig->width_pt, fig->height_pt);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());

    /* Measure with a scratch surface: the layout must not depend on the
     * output format. */
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *mcr = cairo_create(scratch);
    layout L;
    compute_layout(mcr, fig, &L);
    cairo_destroy(mcr);
    cairo_surface_destroy(scratch);
    if (L.frame_w < 20 || L.frame_h < 20)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: the page is too small for the map and its legend", path);

    int rc = 0;
    if (fmt == WM_FORMAT_PNG) {
        double k = fig->dpi / 72.0;
        int wpx = (int)lround(fig->width_pt * k), hpx = (int)lround(fig->height_pt * k);
        if ((double)wpx * hpx > 400e6)
            return wm_error_set(err, WM_EXIT_USAGE, "%s: %dx%d pixels is too large", path, wpx, hpx);
        cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
        cairo_t *cr = cairo_create(surface);
        cairo_scale(cr, (double)wpx / fig->width_pt, (double)hpx / fig->height_pt);
        draw_page(cr, fig, &L);
        cairo_destroy(cr);
        byte_buffer png = { 0 };
        cairo_status_t st = cairo_surface_write_to_png_stream(surface, buffer_write, &png);
        cairo_surface_destroy(surface);
        if (st != CAIRO_STATUS_SUCCESS) {
            free(png.data);
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot encode PNG (%s)", path, cairo_status_to_string(st));
        }
        FILE *fp = fopen(tmp, "wb");
        if (!fp) {
            free(png.data);
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, "cannot create file");
        }
        rc = write_png_with_dpi(&png, fig->dpi, fp);
        if (fclose(fp) != 0) rc = -1;
        free(png.data);
        if (rc != 0) {
            unlink(tmp);
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot write", path);
        }
    } else {
        cairo_surface_t *surface;
        if (fmt == WM_FORMAT_SVG) {
            surface = cairo_svg_surface_create(tmp, fig->width_pt, fig->height_pt);
            cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_2);
        } else {
            surface = cairo_pdf_surface_create(tmp, fig->width_pt, fig->height_pt);
            const char *title = fig->title && *fig->title ? fig->title : fig->map->legend_title;
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
                                           fig->author ? fig->author : "wardmap");
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, fig->map->legend_title);
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "wardmap " WARDMAP_VERSION);
            /* cairo stamps the clock unless told otherwise; identical
             * inputs must give identical files, so the date is left out
             * unless SOURCE_DATE_EPOCH (the reproducible-builds
             * convention) gives one. */
            char date[32] = "";
            const char *epoch = getenv("SOURCE_DATE_EPOCH");
            if (epoch && *epoch) {
                time_t t = (time_t)strtoll(epoch, NULL, 10);
                struct tm tm;
                if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
            }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
        }
        if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(surface);
            unlink(tmp);
            return wm_error_set(err, WM_EXIT_IO, "%s: cannot write", path);
        }
        cairo_t *cr = cairo_create(surface);
        draw_page(cr, fig, &L);
        rc = finish(surface, cr, path, err);
        cairo_surface_destroy(surface);
        if (rc != 0) { unlink(tmp); return -1; }
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot move the finished file into place", path);
    }
    return 0;
}

int wm_render_map_point(const wm_figure *fig, double x, double y, double *px, double *py)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    layout L;
    compute_layout(cr, fig, &L);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    to_page(&L, x, y, px, py);
    return 0;
}
