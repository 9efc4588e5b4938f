/* draw.c -- the cairo calls that put a layout on a surface.
 *
 * Every position comes from the layout.  The calls (and their order) are
 * those of the single measuring-and-drawing pass this replaced, so the
 * files are byte-identical to what it drew; keep the order when editing.
 */
#include "draw.h"
#include "svg_text.h"
#include "text_measure.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct halo_stamps halo_stamps;

typedef struct pen {
    const wm_layout *L;
    const wm_figure *fig;
    const wm_style *st;
    double s;
    unsigned flags;          /* WM_DRAW_* */
    halo_stamps *stamps;     /* a PDF page's glyph halos (draw_halo), or NULL */
} pen;

static void set_rgb(cairo_t *cr, wm_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void set_font(cairo_t *cr, const pen *pn, double size_pt, int bold)
{
    cairo_select_font_face(cr, pn->st->font, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size_pt);
}


void wm_draw_text_block(cairo_t *cr, const char *font, const wm_text_block *b)
{
    if (b->n == 0) return;
    cairo_select_font_face(cr, font, CAIRO_FONT_SLANT_NORMAL, b->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, b->size);
    for (size_t i = 0; i < b->n; i++) {
        cairo_move_to(cr, b->line[i].x, b->line[i].y);
        wm_show_text(cr, b->line[i].text);
    }
}

/* The lines of a block, in its font, in the current colour. */
static void draw_block(cairo_t *cr, const pen *pn, const wm_text_block *b)
{
    wm_draw_text_block(cr, pn->st->font, b);
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

void wm_draw_geometry(cairo_t *cr, const wm_affine *tf, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_ring(cr, tf, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection || t == wkbMultiLineString) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) wm_draw_geometry(cr, tf, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbLineString || t == wkbLinearRing) {
        add_ring(cr, tf, g);
    }
}

/* The antialiasing of the map's lines on a raster: the areas' outlines,
 * the overlay, the authority's edge, highlights, labels' halos and
 * leaders.  cairo's fast antialiasing (16 levels of coverage, not 256):
 * at the figures' resolutions the lines cannot be told apart at 10x zoom
 * (on Coventry's LSOA map at 200 dpi, 0.22% of the pixels differ by more
 * than a fifth of the range, all on the lines' edges), and at the best
 * the strokes of the PNGs took a fifth of Coventry's figure set's CPU,
 * against 4% for the fills.  Vector outputs keep the context's.  Fills
 * (but a national map's, paint_areas) and text keep the best, and so
 * does the No data hatching, whose long thin diagonals do show steps at
 * 16 levels. */
static cairo_antialias_t line_antialias(cairo_t *cr)
{
    return cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE ? CAIRO_ANTIALIAS_FAST
                                                                                   : cairo_get_antialias(cr);
}

/* Diagonal hatching inside the current path, which is consumed.  Drawn
 * as strokes clipped to the area, so SVG and PDF stay vector. */
static void hatch_path(cairo_t *cr, const pen *pn)
{
    double x1, y1, x2, y2, spacing = 3.2 * pn->s;
    cairo_save(cr);
    cairo_path_extents(cr, &x1, &y1, &x2, &y2);
    cairo_clip(cr);
    cairo_set_line_width(cr, 0.45 * pn->s);
    set_rgb(cr, pn->st->muted_ink);
    double start = floor((x1 - (y2 - y1)) / spacing) * spacing;
    for (double x = start; x < x2; x += spacing) {
        cairo_move_to(cr, x, y2);
        cairo_line_to(cr, x + (y2 - y1), y1);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* On a raster, the map's No data areas are hatched by filling them with
 * a tile of the hatching, repeated: clipping to each area in turn and
 * stroking its diagonals took a fifth of the drawing of the national
 * LSOA map, whose 1,909 Welsh areas have no English IMD (0.07-0.14 s a
 * band; filled with the tile, 0.015-0.03 s).  The tile is
 * square, its side the hatch spacing rounded to whole device pixels (at
 * 300 dpi, 13 pixels for 13.3), so it repeats without resampling;
 * anchored at the origin of user space, so the two bands of a map drawn
 * on both cores (draw_areas) meet without a seam.  NULL (hatch each
 * area) for a vector target, a rotated or skewed page, or a spacing
 * under 2 pixels. */
static cairo_pattern_t *hatch_tile(cairo_t *cr, const pen *pn)
{
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    /* (A page's x and y scales differ by the rounding of its size to
     * whole pixels: the tile's pixels are then a hair off square.) */
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE || m.xy != 0 || m.yx != 0 ||
        m.xx <= 0 || fabs(m.yy / m.xx - 1) > 0.01)
        return NULL;
    int n = (int)lround(3.2 * pn->s * m.xx);
    if (n < 2 || n > 4096) return NULL;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n, n);
    cairo_t *c = cairo_create(img);
    cairo_set_line_width(c, 0.45 * pn->s * m.xx);
    set_rgb(c, pn->st->muted_ink);
    /* The diagonals x + y = kn, each drawn beyond the tile's corners, and
     * their neighbours', so that the tile's edges meet. */
    for (int k = 0; k <= 2; k++) {
        cairo_move_to(c, (k - 1) * n - 1, n + 1);
        cairo_line_to(c, k * n + 1, -1);
    }
    cairo_stroke(c);
    cairo_destroy(c);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(img);
    cairo_surface_destroy(img);
    cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
    cairo_pattern_set_filter(p, CAIRO_FILTER_NEAREST);
    cairo_matrix_t to_tile;
    cairo_matrix_init_scale(&to_tile, m.xx, m.yy);
    cairo_pattern_set_matrix(p, &to_tile);
    if (cairo_pattern_status(p) != CAIRO_STATUS_SUCCESS) {
        cairo_pattern_destroy(p);
        return NULL;
    }
    return p;
}

static int is_highlighted(const wm_figure *fig, const wm_feature *f)
{
    for (int i = 0; i < fig->nhighlight; i++)
        if (strcasecmp(fig->highlight[i], f->key) == 0 || strcasecmp(fig->highlight[i], f->name) == 0)
            return 1;
    return 0;
}

/* ---- the map ------------------------------------------------------------ */

/* Outlined areas are filled, and outlines stroked, this many at a time (below). */
#define FILL_AREAS 32

/* The areas with `in[i]` set (every area when `in` is NULL). */
/* A raster map of this many vertices or more is drawn on both cores
 * (draw_areas), with cairo's fast antialiasing (paint_areas). */
#define BAND_MIN_POINTS 100000

static void paint_areas(cairo_t *cr, const pen *pn, const wm_map *map, const wm_shapes *S, const unsigned char *in)
{
    const wm_style *st = pn->st;
    /* A national map on a raster: its areas are a pixel or two across,
     * and cairo's fast antialiasing (coverage in 16 levels, not 256)
     * draws them in three quarters of the time; at 300 dpi the edges
     * differ by a few levels of colour (2,168 of the 8.7 million pixels of
     * the national LSOA map by more than a quarter of the range).  Maps of
     * fewer vertices keep cairo's best. */
    cairo_antialias_t antialias = cairo_get_antialias(cr), areas = antialias;
    if (S->npoints >= BAND_MIN_POINTS && cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE)
        areas = CAIRO_ANTIALIAS_FAST;
    cairo_set_antialias(cr, areas);
    /* The fills first, one per colour: the areas do not overlap, so the
     * order of fills does not matter, and at national scale a dozen
     * fills do the work of 35,000. */
    /* The fills, one colour at a time in the order every area's first use
     * gives them, also when only some areas are drawn (a band): where two
     * areas meet, the antialiased pixels depend on which was filled first.
     * The areas drawn without an outline are filled in one path per
     * colour: neighbours of one colour leave no seam.  The outlined ones
     * (the large areas, with most of the vertices) in paths of FILL_AREAS:
     * their outlines cover the seams, and cairo's polygons stay small,
     * which is faster as well (cairo sorts each path's edges). */
    unsigned char *done = calloc(S->n ? S->n : 1, 1);
    if (!done) return;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    for (int outlined = 0; outlined < 2; outlined++) {
        memset(done, 0, S->n ? S->n : 1);
        for (size_t i = 0; i < S->n; i++) {
            if (done[i]) continue;
            wm_rgb c = wm_map_colour(map, i);
            size_t pending = 0;
            for (size_t j = i; j < S->n; j++) {
                if (done[j]) continue;
                wm_rgb d = wm_map_colour(map, j);
                if (d.r != c.r || d.g != c.g || d.b != c.b) continue;
                done[j] = 1;
                if ((in && !in[j]) || (S->outline[j] > 0) != outlined) continue;
                wm_shapes_path_wound(cr, S, j);
                if (++pending == FILL_AREAS && outlined) {
                    set_rgb(cr, c);
                    cairo_fill(cr);
                    pending = 0;
                }
            }
            if (!pending) continue;
            set_rgb(cr, c);
            cairo_fill(cr);
        }
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    /* The hatching's long diagonals show steps at 16 levels: drawn with
     * cairo's best, into the tile or as strokes.  The tile's fill has the
     * areas' antialiasing: its edges are theirs. */
    cairo_pattern_t *tile = st->nodata_hatch ? hatch_tile(cr, pn) : NULL;
    if (tile) cairo_set_source(cr, tile);
    else cairo_set_antialias(cr, antialias);
    size_t pending = 0;   /* tiled areas not yet filled: in fills of FILL_AREAS, as the colours */
    for (size_t i = 0; i < S->n && st->nodata_hatch; i++) {
        if (!wm_map_is_nodata(map, i) || (in && !in[i])) continue;
        wm_shapes_path(cr, S, i);
        if (!tile) hatch_path(cr, pn);
        else if (++pending == FILL_AREAS) {
            cairo_fill(cr);
            pending = 0;
        }
    }
    if (pending) cairo_fill(cr);
    if (tile) cairo_pattern_destroy(tile);
    cairo_set_antialias(cr, antialias);
    /* Then the hairlines that separate neighbouring areas, by width,
     * widest first (they give way to the fill on areas small on the page;
     * a boundary two areas share is drawn by one of them: shapes.h), in
     * strokes of FILL_AREAS areas.  One stroke of every outlined area held
     * 60 MB of cairo's at national scale; strokes of 32 areas draw the
     * national map in 1.1 s instead of 1.4 s and at a peak of 183 MB
     * instead of 229. */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_set_source_rgba(cr, st->area_outline.r, st->area_outline.g, st->area_outline.b, st->area_outline_opacity);
    cairo_set_antialias(cr, line_antialias(cr));
    for (double w = INFINITY; (w = wm_shapes_next_width(S, w, in)) > 0;) {
        cairo_set_line_width(cr, w);
        size_t pending = 0;
        for (size_t i = 0; i < S->n; i++) {
            if ((in && !in[i]) || S->outline[i] != w) continue;
            wm_shapes_outline_path(cr, S, i);
            if (++pending == FILL_AREAS) {
                cairo_stroke(cr);
                pending = 0;
            }
        }
        cairo_stroke(cr);
    }
    free(done);
    cairo_set_antialias(cr, antialias);
}

/* A raster map of many vertices is drawn on both cores: the lower band
 * of the frame's rows by a second thread, through an image surface of
 * its own over those rows of the page's pixels, the upper band through
 * the page's surface, clipped to its rows.  The threads write disjoint
 * rows of one buffer, and a pixel's coverage does not depend on a clip
 * along pixel rows, so the pixels are those of one pass.  (The lower
 * band was an image of its own, laid over the page afterwards: 17 MB
 * more at the national map's size, and a pass over them.)  The bands
 * split the vertices, not the rows, in halves (balanced_split). */

typedef struct band {
    cairo_surface_t *img;     /* the lower band's rows of the page's pixels */
    cairo_matrix_t m;         /* user space to the band's pixels */
    wm_box frame;
    const pen *pn;
    const wm_map *map;
    const wm_shapes *S;
    unsigned char *in;        /* the areas whose box meets the band */
} band;

static void *paint_band(void *arg)
{
    band *b = arg;
    cairo_t *c = cairo_create(b->img);
    cairo_set_matrix(c, &b->m);
    cairo_rectangle(c, b->frame.x, b->frame.y, b->frame.w, b->frame.h);
    cairo_clip(c);
    paint_areas(c, b->pn, b->map, b->S, b->in);
    cairo_destroy(c);
    return NULL;
}

/* The device row that splits the frame's rows top..bottom into two bands
 * of about equal work: the work is the areas' vertices (each is filled
 * and most are stroked), counted at the row of their box's centre.  A
 * split at half the rows gave the south of England, London and the
 * cities of the Midlands, more than twice the north's work. */
static int balanced_split(const wm_shapes *S, const cairo_matrix_t *m, int top, int bottom)
{
    int rows = bottom - top, split = top + rows / 2;
    size_t *work = calloc((size_t)rows, sizeof *work);
    if (!work) return split;
    size_t total = 0;
    for (size_t i = 0; i < S->n; i++) {
        double y = m->yy * (S->box[i][1] + S->box[i][3]) / 2 + m->y0;
        int row = (int)floor(y) - top;
        if (row < 0) row = 0;
        if (row >= rows) row = rows - 1;
        size_t points = S->first_point[S->first_ring[i + 1]] - S->first_point[S->first_ring[i]];
        work[row] += points;
        total += points;
    }
    size_t sum = 0;
    for (int r = 0; r < rows; r++) {
        sum += work[r];
        if (2 * sum >= total) {
            split = top + r + 1;
            break;
        }
    }
    free(work);
    /* Each band at least 32 rows: the bands' images stay sensible. */
    if (split < top + 32) split = top + 32;
    if (split > bottom - 32) split = bottom - 32;
    return split;
}

/* in[i] = whether area i's page box, widened by its outline and a pixel,
 * meets the user-space rows y0..y1. */
static void areas_in_rows(const wm_shapes *S, double y0, double y1, double pixel, unsigned char *in)
{
    for (size_t i = 0; i < S->n; i++) {
        double pad = S->outline[i] + pixel;
        in[i] = S->box[i][1] - pad <= y1 && S->box[i][3] + pad >= y0;
    }
}

static void draw_areas(cairo_t *cr, const pen *pn, const wm_map *map, const wm_shapes *S, wm_box frame)
{
    cairo_surface_t *target = cairo_get_target(cr);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    double fy0 = frame.y, fy1 = frame.y + frame.h, fx = frame.x;
    cairo_user_to_device(cr, &fx, &fy0);
    fx = frame.x;
    cairo_user_to_device(cr, &fx, &fy1);
    int top = (int)floor(fy0), bottom = (int)ceil(fy1);
    if (cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_IMAGE || S->npoints < BAND_MIN_POINTS || m.xy != 0 ||
        m.yx != 0 || m.yy <= 0 || bottom - top < 64) {
        paint_areas(cr, pn, map, S, NULL);
        return;
    }
    int split = balanced_split(S, &m, top, bottom), width = cairo_image_surface_get_width(target);
    int stride = cairo_image_surface_get_stride(target), height = cairo_image_surface_get_height(target);
    double dx, dy;
    cairo_surface_get_device_offset(target, &dx, &dy);
    /* One pass, clipped by cairo, for a frame beyond the page or when
     * drawing into a group (the page's pixels are not where it goes). */
    if (split < 0 || bottom > height || dx != 0 || dy != 0 || cairo_get_group_target(cr) != target) {
        paint_areas(cr, pn, map, S, NULL);
        return;
    }
    band b = { .frame = frame, .pn = pn, .map = map, .S = S };
    cairo_surface_flush(target);
    b.img = cairo_image_surface_create_for_data(cairo_image_surface_get_data(target) + (size_t)split * (size_t)stride,
                                                cairo_image_surface_get_format(target), width, bottom - split, stride);
    b.in = malloc(S->n ? S->n : 1);
    unsigned char *upper = malloc(S->n ? S->n : 1);
    pthread_t thread;
    int threaded = 0;
    if (cairo_surface_status(b.img) == CAIRO_STATUS_SUCCESS && b.in && upper) {
        b.m = m;
        b.m.y0 -= split;
        double pixel = 1 / m.yy;
        double ys = ((double)split - m.y0) / m.yy;   /* the split row in user space */
        areas_in_rows(S, ys, frame.y + frame.h, pixel, b.in);
        areas_in_rows(S, frame.y, ys, pixel, upper);
        threaded = pthread_create(&thread, NULL, paint_band, &b) == 0;
    }
    if (!threaded) {
        paint_areas(cr, pn, map, S, NULL);
    } else {
        cairo_save(cr);
        cairo_identity_matrix(cr);
        cairo_rectangle(cr, 0, top, width, split - top);
        cairo_clip(cr);
        cairo_set_matrix(cr, &m);
        paint_areas(cr, pn, map, S, upper);
        cairo_restore(cr);
        pthread_join(thread, NULL);
        cairo_surface_flush(b.img);
        cairo_surface_mark_dirty_rectangle(target, 0, split, width, bottom - split);
    }
    cairo_surface_destroy(b.img);
    free(b.in);
    free(upper);
}

/* Wash everything but the highlighted areas towards white. */
static void mute_others(cairo_t *cr, const pen *pn, const wm_map *map, const wm_affine *tf, wm_box frame)
{
    const wm_figure *fig = pn->fig;
    double opacity = pn->st->mute_opacity > 0 ? pn->st->mute_opacity : 0.6;
    cairo_save(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
    const wm_layer *layers[3] = { map->layer, fig->overlay, fig->highlight_layer };
    for (int k = 0; k < 3; k++) {
        if (!layers[k]) continue;
        for (size_t i = 0; i < layers[k]->n; i++)
            if (k == 2 || is_highlighted(fig, &layers[k]->features[i]))
                wm_draw_geometry(cr, tf, layers[k]->features[i].geom);
    }
    cairo_set_source_rgba(cr, 1, 1, 1, opacity);
    cairo_fill(cr);
    cairo_restore(cr);
}

static void draw_outlines(cairo_t *cr, const pen *pn, const wm_map *map, const wm_affine *tf,
                          const wm_shapes *overlay, OGRGeometryH boundary)
{
    const wm_style *st = pn->st;
    const wm_figure *fig = pn->fig;
    cairo_antialias_t antialias = cairo_get_antialias(cr);
    cairo_set_antialias(cr, line_antialias(cr));
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (fig->context) {
        /* Faint: for orientation, under everything that is the subject. */
        for (size_t i = 0; i < fig->context->n; i++) wm_draw_geometry(cr, tf, fig->context->features[i].geom);
        cairo_set_source_rgba(cr, st->overlay_outline.r, st->overlay_outline.g, st->overlay_outline.b, 0.45);
        cairo_set_line_width(cr, 0.6 * st->overlay_outline_width * pn->s);
        cairo_stroke(cr);
    }
    if (fig->overlay) {
        /* One stroke per width, widest first (shapes.h: small areas' outlines give way). */
        for (double w = INFINITY; (w = wm_shapes_next_width(overlay, w, NULL)) > 0;) {
            for (size_t i = 0; i < overlay->n; i++)
                if (overlay->outline[i] == w) wm_shapes_outline_path(cr, overlay, i);
            set_rgb(cr, st->overlay_outline);
            cairo_set_line_width(cr, w);
            cairo_stroke(cr);
        }
    }
    if (boundary && st->boundary_width > 0) {
        wm_draw_geometry(cr, tf, boundary);
        set_rgb(cr, st->overlay_outline);
        cairo_set_line_width(cr, st->boundary_width * pn->s);
        cairo_stroke(cr);
    }
    /* Highlighted areas last, so their heavy outline is never covered. */
    const wm_layer *layers[3] = { map->layer, fig->overlay, fig->highlight_layer };
    int any = 0;
    for (int k = 0; k < 3; k++) {
        if (!layers[k]) continue;
        for (size_t i = 0; i < layers[k]->n; i++)
            if (k == 2 || is_highlighted(fig, &layers[k]->features[i])) {
                wm_draw_geometry(cr, tf, layers[k]->features[i].geom);
                any = 1;
            }
    }
    if (any) {
        set_rgb(cr, st->highlight_outline);
        cairo_set_line_width(cr, st->highlight_width * pn->s);
        cairo_stroke(cr);
    }
    cairo_set_antialias(cr, antialias);
}

/* ---- label halos ---------------------------------------------------------- */

/* A label's halo is the outline of its glyphs, stroked.  On a raster it
 * is stroked as one path.  In a PDF, cairo writes a stroked
 * path as text, every coordinate of every glyph outline through printf:
 * the halos of a ward map's eighteen names were a third of the work of
 * writing its PDF.  There each glyph's stroked outline is drawn once per
 * page, into a recording surface bounded by its ink (a stamp), which
 * cairo writes once as a form XObject and places at each use.  The stamp
 * carries the halo's opacity, so where the halos of two neighbouring
 * glyphs overlap the page shows them at 0.99 rather than the single
 * stroke's 0.9: white on white there, a tint of 1% of the colour beneath
 * instead of 10%.  (cairo 1.16 writes such stamps into SVG with clips it
 * places wrongly.)  A figure's SVG records the halo with its text
 * (svg_text.h): references to the glyph outlines the text uses anyway,
 * stroked as one group. */

#define MAX_STAMPS 512

struct halo_stamps {
    size_t n;
    struct stamp {
        cairo_font_face_t *face;
        cairo_matrix_t size;      /* the font matrix */
        unsigned long glyph;
        cairo_surface_t *surface;
    } s[MAX_STAMPS];
};

static int same_matrix(const cairo_matrix_t *a, const cairo_matrix_t *b)
{
    return a->xx == b->xx && a->yx == b->yx && a->xy == b->xy && a->yy == b->yy && a->x0 == b->x0 && a->y0 == b->y0;
}

/* The stamp of `glyph` in the current font, stroked `width` wide in
 * `colour` at 0.9 opacity, made on first use; NULL when the page has
 * MAX_STAMPS already. */
static cairo_surface_t *stamp_for(cairo_t *cr, halo_stamps *hs, unsigned long glyph, double width, wm_rgb colour)
{
    cairo_font_face_t *face = cairo_get_font_face(cr);
    cairo_matrix_t fm;
    cairo_get_font_matrix(cr, &fm);
    for (size_t i = 0; i < hs->n; i++)
        if (hs->s[i].face == face && hs->s[i].glyph == glyph && same_matrix(&hs->s[i].size, &fm))
            return hs->s[i].surface;
    if (hs->n == MAX_STAMPS) return NULL;
    cairo_glyph_t g = { glyph, 0, 0 };
    cairo_text_extents_t e;
    cairo_glyph_extents(cr, &g, 1, &e);
    double pad = width / 2 + 1;
    cairo_rectangle_t box = { floor(e.x_bearing - pad), floor(e.y_bearing - pad), 0, 0 };
    box.width = ceil(e.x_bearing + e.width + pad) - box.x;
    box.height = ceil(e.y_bearing + e.height + pad) - box.y;
    cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &box);
    cairo_t *c = cairo_create(rec);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_get_font_options(cr, fo);
    cairo_set_font_options(c, fo);
    cairo_font_options_destroy(fo);
    cairo_set_font_face(c, face);
    cairo_set_font_matrix(c, &fm);
    cairo_glyph_path(c, &g, 1);
    cairo_set_line_width(c, width);
    cairo_set_line_join(c, CAIRO_LINE_JOIN_ROUND);
    cairo_set_source_rgba(c, colour.r, colour.g, colour.b, 0.9);
    cairo_stroke(c);
    cairo_destroy(c);
    struct stamp *st = &hs->s[hs->n++];
    st->face = cairo_font_face_reference(face);
    st->size = fm;
    st->glyph = glyph;
    st->surface = rec;
    return rec;
}

static void stamps_free(halo_stamps *hs)
{
    if (!hs) return;
    for (size_t i = 0; i < hs->n; i++) {
        cairo_font_face_destroy(hs->s[i].face);
        cairo_surface_destroy(hs->s[i].surface);
    }
    free(hs);
}

/* The glyphs of every line of label `p` (line l starting at (ox[l],
 * oy[l])) in the current font, one array (free() it), their number in
 * `*n`; NULL with *n 0 when there are none or memory runs out.  A line
 * that is not UTF-8 has none here: cairo_show_text reports it. */
static cairo_glyph_t *label_glyphs(cairo_t *cr, const wm_placed_label *p, const double *ox, const double *oy, int *n)
{
    cairo_scaled_font_t *sf = cairo_get_scaled_font(cr);
    cairo_glyph_t *all = NULL;
    *n = 0;
    for (int l = 0; l < p->nlines; l++) {
        cairo_glyph_t *glyphs = NULL;
        int k = 0;
        if (cairo_scaled_font_text_to_glyphs(sf, ox[l], oy[l], p->lines[l], -1, &glyphs, &k, NULL, NULL, NULL) !=
            CAIRO_STATUS_SUCCESS)
            continue;
        cairo_glyph_t *grown = k ? realloc(all, (size_t)(*n + k) * sizeof *all) : all;
        if (grown) {
            all = grown;
            memcpy(all + *n, glyphs, (size_t)k * sizeof *glyphs);
            *n += k;
        }
        cairo_glyph_free(glyphs);
    }
    return all;
}

/* The halo of label `p`, whose line l starts at (ox[l], oy[l]). */
static void draw_halo(cairo_t *cr, const pen *pn, const wm_placed_label *p, const double *ox, const double *oy)
{
    const wm_style *st = pn->st;
    double width = st->label_halo_width * pn->s;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    int plain = m.xx == 1 && m.yy == 1 && m.xy == 0 && m.yx == 0;
    int n;
    cairo_glyph_t *glyphs = plain ? label_glyphs(cr, p, ox, oy, &n) : NULL;
    if (plain && pn->stamps) {
        for (int k = 0; k < n; k++) {
            cairo_surface_t *stamp = stamp_for(cr, pn->stamps, glyphs[k].index, width, st->label_halo);
            if (!stamp) continue;
            cairo_set_source_surface(cr, stamp, glyphs[k].x, glyphs[k].y);
            cairo_paint(cr);
        }
    } else if (!plain || n == 0 || wm_svg_text_halo(cr, glyphs, n, st->label_halo, width) != 0) {
        /* All lines at once: one stroke. */
        for (int l = 0; l < p->nlines; l++) {
            cairo_move_to(cr, ox[l], oy[l]);
            cairo_text_path(cr, p->lines[l]);
        }
        cairo_set_source_rgba(cr, st->label_halo.r, st->label_halo.g, st->label_halo.b, 0.9);
        cairo_set_line_width(cr, width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    free(glyphs);
}

static void draw_placed_label(cairo_t *cr, const pen *pn, const wm_placed_label *p)
{
    const wm_style *st = pn->st;
    if (p->mode == WM_LABEL_DROPPED) return;
    cairo_select_font_face(cr, st->font, CAIRO_FONT_SLANT_NORMAL,
                           st->label_bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, p->size);
    cairo_antialias_t antialias = cairo_get_antialias(cr);
    cairo_set_antialias(cr, line_antialias(cr));
    if (wm_label_needs_leader(p)) {
        double ex, ey;
        wm_label_leader_start(p, &ex, &ey);
        cairo_move_to(cr, ex, ey);
        cairo_line_to(cr, p->anchor_x, p->anchor_y);
        set_rgb(cr, st->label_colour);
        cairo_set_line_width(cr, 0.6 * pn->s);
        cairo_stroke(cr);
        cairo_arc(cr, p->anchor_x, p->anchor_y, 1.2 * pn->s, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    /* Each line's ink is centred on the point labels.c measured it at:
     * the halo as the outline of the glyphs, stroked, then the text
     * itself on top as text, so a PDF's labels are words (searchable,
     * and readable by pdftotext). */
    double ox[WM_LABEL_MAX_LINES], oy[WM_LABEL_MAX_LINES];
    for (int l = 0; l < p->nlines; l++) {
        double cx, cy;
        cairo_text_extents_t e;
        wm_label_line_centre(p, l, &cx, &cy);
        cairo_text_extents(cr, p->lines[l], &e);
        ox[l] = cx - (e.x_bearing + e.width / 2);
        oy[l] = cy - (e.y_bearing + e.height / 2);
    }
    draw_halo(cr, pn, p, ox, oy);
    cairo_set_antialias(cr, antialias);
    set_rgb(cr, st->label_colour);
    for (int l = 0; l < p->nlines; l++) {
        cairo_move_to(cr, ox[l], oy[l]);
        wm_show_text(cr, p->lines[l]);
    }
}

/* ---- legend and key ------------------------------------------------------ */

static void draw_bivariate_legend(cairo_t *cr, const pen *pn, const wm_legend_layout *g)
{
    const wm_map *map = g->map;
    double s = pn->s, cell = g->cell, gx = g->grid_x, gy = g->grid_y;
    for (int yy = 0; yy < 3; yy++)
        for (int xx = 0; xx < 3; xx++) {
            double cx = gx + xx * cell, cy = gy + (2 - yy) * cell;
            cairo_rectangle(cr, cx, cy, cell, cell);
            set_rgb(cr, map->bivariate_colour[yy][xx]);
            cairo_fill(cr);
        }
    set_rgb(cr, pn->st->ink);
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
    draw_block(cr, pn, &g->x_classes);
    draw_block(cr, pn, &g->y_classes);
    draw_block(cr, pn, &g->nodata);
}

static void draw_legend(cairo_t *cr, const pen *pn, const wm_legend_layout *g)
{
    const wm_style *st = pn->st;
    double s = pn->s;
    set_rgb(cr, st->ink);
    draw_block(cr, pn, &g->heading);
    if (g->bivariate) {
        draw_bivariate_legend(cr, pn, g);
        return;
    }
    set_font(cr, pn, g->text_size, 0);
    for (int k = 0; k < g->nrows; k++) {
        const wm_legend_row *r = &g->row[k];
        const wm_box b = r->swatch;
        cairo_rectangle(cr, b.x, b.y, b.w, b.h);
        set_rgb(cr, r->colour);
        cairo_fill_preserve(cr);
        if (r->nodata && st->nodata_hatch) {
            hatch_path(cr, pn);
            cairo_rectangle(cr, b.x, b.y, b.w, b.h);
        }
        set_rgb(cr, st->muted_ink);
        cairo_set_line_width(cr, 0.5 * s);
        cairo_stroke(cr);
        set_rgb(cr, st->ink);
        cairo_move_to(cr, r->text_x, r->baseline);
        wm_show_text(cr, r->label);
        if (*r->count) {
            set_rgb(cr, st->muted_ink);
            cairo_move_to(cr, r->count_right - wm_text_advance(cr, r->count), r->baseline);
            wm_show_text(cr, r->count);
        }
        if (r->reference) {
            /* A pointer at the class holding the reference value. */
            set_rgb(cr, st->ink);
            cairo_move_to(cr, b.x - 1.5 * s, b.y + b.h / 2);
            cairo_rel_line_to(cr, -5 * s, -3.5 * s);
            cairo_rel_line_to(cr, 0, 7 * s);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
    }
    set_rgb(cr, st->ink);
    draw_block(cr, pn, &g->reference);
    set_rgb(cr, st->muted_ink);
    draw_block(cr, pn, &g->counts_note);
}

static void draw_key(cairo_t *cr, const pen *pn, const wm_key_layout *key)
{
    set_rgb(cr, pn->st->ink);
    draw_block(cr, pn, &key->heading);
    set_font(cr, pn, key->text_size, 0);
    for (size_t i = 0; i < key->n; i++) {
        const wm_key_entry *e = &key->entry[i];
        char n[16];
        snprintf(n, sizeof n, "%d", e->number);
        cairo_move_to(cr, e->number_x, e->baseline);
        wm_show_text(cr, n);
        cairo_move_to(cr, e->name_x, e->baseline);
        wm_show_text(cr, e->name);
    }
}

/* ---- furniture inside the map frame ------------------------------------ */

static void draw_furniture(cairo_t *cr, const pen *pn, const wm_panel_layout *p)
{
    const wm_style *st = pn->st;
    double s = pn->s;
    if (p->north.shown) {
        double ax = p->north.x, ay = p->north.y;
        cairo_move_to(cr, ax, ay + 6 * s);
        cairo_line_to(cr, ax + 6 * s, ay + 26 * s);
        cairo_line_to(cr, ax, ay + 21 * s);
        cairo_line_to(cr, ax - 6 * s, ay + 26 * s);
        cairo_close_path(cr);
        set_rgb(cr, st->ink);
        cairo_fill(cr);
        set_font(cr, pn, p->north.letter_size, 1);
        cairo_move_to(cr, ax - wm_text_advance(cr, "N") / 2, ay + 4 * s);
        wm_show_text(cr, "N");
    }
    const wm_scale_bar *b = &p->scale;
    if (!b->shown) return;
    double x = b->x, y = b->y, h = b->h, len_pt = b->length;
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x + i * len_pt / 4, y, len_pt / 4, h);
        if (i % 2 == 0) set_rgb(cr, st->ink); else set_rgb(cr, st->background);
        cairo_fill_preserve(cr);
        set_rgb(cr, st->ink);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_stroke(cr);
    }
    set_font(cr, pn, b->text_size, 0);
    cairo_move_to(cr, x - 2 * s, y - 3 * s);
    wm_show_text(cr, "0");
    cairo_move_to(cr, x + len_pt - wm_text_advance(cr, b->label) / 2, y - 3 * s);
    wm_show_text(cr, b->label);
}

/* ---- the page ----------------------------------------------------------- */

static void draw_panel(cairo_t *cr, const pen *pn, const wm_panel_layout *p, const wm_column *column)
{
    const wm_figure *fig = pn->fig;
    if (p->title.n) {
        set_rgb(cr, pn->st->ink);
        draw_block(cr, pn, &p->title);
    }
    cairo_save(cr);
    cairo_rectangle(cr, p->frame.x, p->frame.y, p->frame.w, p->frame.h);
    cairo_clip(cr);
    if (!(pn->flags & WM_DRAW_NO_AREAS)) draw_areas(cr, pn, p->map, &p->areas, p->frame);
    if (fig->mute && (fig->nhighlight > 0 || fig->highlight_layer)) mute_others(cr, pn, p->map, &p->tf, p->frame);
    draw_outlines(cr, pn, p->map, &p->tf, &p->overlay, pn->L->boundary);
    for (size_t i = 0; i < p->nlabels; i++) draw_placed_label(cr, pn, &p->labels[i]);
    cairo_restore(cr);
    draw_furniture(cr, pn, p);
    if (p->has_legend && p->legend.w > 0) {
        draw_legend(cr, pn, &column->legend);
        set_rgb(cr, pn->st->ink);
        draw_block(cr, pn, &column->notes);
        if (p->numbered) draw_key(cr, pn, &column->key);
    }
}

int wm_draw_page(cairo_t *cr, const wm_layout *L, wm_error *err)
{
    return wm_draw_page_with(cr, L, 0, err);
}

int wm_draw_page_with(cairo_t *cr, const wm_layout *L, unsigned flags, wm_error *err)
{
    pen pn = { L, L->fig, L->style, L->scale, flags, NULL };
    const wm_style *st = L->style;
    wm_text_options(cr);
    /* Wrapped text breaks as this target's metrics say (layout.h). */
    wm_page_text text;
    if (wm_layout_text_for(L, cr, &text, err) != 0) return -1;
    if (cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_PDF) pn.stamps = calloc(1, sizeof *pn.stamps);
    if (!(flags & WM_DRAW_NO_AREAS)) {
        set_rgb(cr, st->background);
        cairo_paint(cr);
    }

    set_rgb(cr, st->ink);
    draw_block(cr, &pn, &L->title);
    set_rgb(cr, st->muted_ink);
    draw_block(cr, &pn, &L->subtitle);
    for (int i = 0; i < L->npanels; i++) draw_panel(cr, &pn, &L->panel[i], &text.column[i]);
    if (L->has_shared_legend) {
        draw_legend(cr, &pn, &text.shared.legend);
        set_rgb(cr, st->ink);
        draw_block(cr, &pn, &text.shared.notes);
    }
    set_rgb(cr, st->ink);
    draw_block(cr, &pn, &text.notes);
    set_rgb(cr, st->muted_ink);
    draw_block(cr, &pn, &text.attribution);
    wm_page_text_free(&text);
    stamps_free(pn.stamps);

    cairo_status_t status = cairo_status(cr);
    if (status == CAIRO_STATUS_SUCCESS) return 0;
    int bad_text = status == CAIRO_STATUS_INVALID_STRING;
    return wm_error_set(err, bad_text ? WM_EXIT_DATA : WM_EXIT_IO, "cannot draw the figure (%s)",
                        cairo_status_to_string(status));
}
