/* A figure's text in its SVG (svg_text.h). */
#include "svg_text.h"
#include "buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A glyph's outline at one font size: the face (referenced), the font
 * matrix, the glyph, and its path data in thousandths of a point. */
typedef struct symbol {
    cairo_font_face_t *face;
    double fm[4];
    unsigned long index;
    char *d;
} symbol;

typedef struct run {
    int halo;                /* 1: a halo (stroked), 0: text (filled) */
    double r, g, b, a;       /* the fill, or the halo's colour */
    double width;            /* a halo's stroke width */
    cairo_matrix_t ctm;      /* user space to the page */
    size_t first, n;         /* its glyphs: placed[first .. first+n-1] */
} run;

typedef struct placed {
    size_t symbol;
    double x, y;             /* user space */
} placed;

struct wm_svg_text {
    symbol *sym;
    size_t nsym, capsym;
    run *run;
    size_t nrun, caprun;
    placed *glyph;
    size_t nglyph, capglyph;
};

static const cairo_user_data_key_t recorder_key;

wm_svg_text *wm_svg_text_new(void)
{
    return calloc(1, sizeof(wm_svg_text));
}

void wm_svg_text_free(wm_svg_text *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nsym; i++) {
        cairo_font_face_destroy(t->sym[i].face);
        free(t->sym[i].d);
    }
    free(t->sym);
    free(t->run);
    free(t->glyph);
    free(t);
}

int wm_svg_text_attach(cairo_t *cr, wm_svg_text *t)
{
    return cairo_set_user_data(cr, &recorder_key, t, NULL) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

/* ---- numbers ---- */

size_t wm_svg_decimal(char *out, long v, int places)
{
    char t[32], *e = t + sizeof t, *p = e;
    int neg = v < 0;
    unsigned long u = neg ? 0UL - (unsigned long)v : (unsigned long)v;
    unsigned long scale = 1;
    for (int k = 0; k < places; k++) scale *= 10;
    unsigned long whole = u / scale, frac = u % scale;
    if (frac) {
        int digits = places;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int k = 0; k < digits; k++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (neg) *--p = '-';
    size_t n = (size_t)(e - p);
    memcpy(out, p, n);
    return n;
}

/* A coordinate in thousandths, after a separator when it needs one. */
static void path_num(wm_buf *b, double v, int space)
{
    char t[32];
    size_t n = wm_svg_decimal(t + 1, lround(v * 1000), 3);
    if (space && t[1] != '-') {
        t[0] = ' ';
        wm_buf_add(b, t, n + 1);
    } else {
        wm_buf_add(b, t + 1, n);
    }
}

/* ---- recording ---- */

static wm_svg_text *recorder_of(cairo_t *cr)
{
    return cairo_get_user_data(cr, &recorder_key);
}

/* The path data of glyph `index` in cr's current font, as cairo's glyph
 * path gives it at the origin with no transformation; NULL when out of
 * memory.  cr's state is kept; its path is left empty. */
static char *outline_of(cairo_t *cr, unsigned long index)
{
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_reset_clip(cr);   /* cairo leaves a glyph ten font sizes outside the clip out of a glyph path */
    cairo_new_path(cr);
    cairo_glyph_t g = { index, 0, 0 };
    cairo_glyph_path(cr, &g, 1);
    cairo_path_t *path = cairo_copy_path(cr);
    cairo_new_path(cr);
    cairo_restore(cr);
    wm_buf b = { 0 };
    if (path && path->status == CAIRO_STATUS_SUCCESS) {
        for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
            const cairo_path_data_t *d = &path->data[i];
            switch (d->header.type) {
            case CAIRO_PATH_MOVE_TO:
                wm_buf_add(&b, "M", 1);
                path_num(&b, d[1].point.x, 0);
                path_num(&b, d[1].point.y, 1);
                break;
            case CAIRO_PATH_LINE_TO:
                wm_buf_add(&b, "L", 1);
                path_num(&b, d[1].point.x, 0);
                path_num(&b, d[1].point.y, 1);
                break;
            case CAIRO_PATH_CURVE_TO:
                wm_buf_add(&b, "C", 1);
                for (int k = 1; k <= 3; k++) {
                    path_num(&b, d[k].point.x, k > 1);
                    path_num(&b, d[k].point.y, 1);
                }
                break;
            case CAIRO_PATH_CLOSE_PATH:
                wm_buf_add(&b, "Z", 1);
                break;
            }
        }
    } else {
        b.oom = 1;
    }
    cairo_path_destroy(path);
    return wm_buf_take(&b);
}

/* The symbol of glyph `index` in cr's current font, made on first use;
 * -1 when out of memory. */
static long symbol_of(wm_svg_text *t, cairo_t *cr, cairo_font_face_t *face, const cairo_matrix_t *fm,
                      unsigned long index)
{
    for (size_t i = 0; i < t->nsym; i++) {
        const symbol *s = &t->sym[i];
        if (s->index == index && s->face == face && s->fm[0] == fm->xx && s->fm[1] == fm->yx && s->fm[2] == fm->xy &&
            s->fm[3] == fm->yy)
            return (long)i;
    }
    if (t->nsym == t->capsym) {
        size_t cap = t->capsym ? 2 * t->capsym : 64;
        symbol *g = realloc(t->sym, cap * sizeof *g);
        if (!g) return -1;
        t->sym = g;
        t->capsym = cap;
    }
    char *d = outline_of(cr, index);
    if (!d) return -1;
    t->sym[t->nsym] = (symbol){ cairo_font_face_reference(face), { fm->xx, fm->yx, fm->xy, fm->yy }, index, d };
    return (long)t->nsym++;
}

/* Record the `n` glyphs `g` as a run (halo or text) and draw its marker;
 * 0, or -1 when it cannot be recorded (nothing drawn: the caller gives
 * the glyphs to cairo). */
static int record(wm_svg_text *t, cairo_t *cr, const cairo_glyph_t *g, int n, int halo, double r, double gg,
                  double b, double a, double width)
{
    if ((long)t->nrun >= WM_SVG_TEXT_MAX_RUNS || n <= 0) return -1;
    if (t->nrun == t->caprun) {
        size_t cap = t->caprun ? 2 * t->caprun : 64;
        run *grown = realloc(t->run, cap * sizeof *grown);
        if (!grown) return -1;
        t->run = grown;
        t->caprun = cap;
    }
    if (t->nglyph + (size_t)n > t->capglyph) {
        size_t cap = (t->nglyph + (size_t)n) * 2;
        placed *grown = realloc(t->glyph, cap * sizeof *grown);
        if (!grown) return -1;
        t->glyph = grown;
        t->capglyph = cap;
    }
    cairo_font_face_t *face = cairo_get_font_face(cr);
    cairo_matrix_t fm;
    cairo_get_font_matrix(cr, &fm);
    for (int k = 0; k < n; k++) {
        long s = symbol_of(t, cr, face, &fm, g[k].index);
        if (s < 0) return -1;   /* the symbols made stay: later runs may use them */
        t->glyph[t->nglyph + (size_t)k] = (placed){ (size_t)s, g[k].x, g[k].y };
    }
    run *u = &t->run[t->nrun];
    u->halo = halo;
    u->r = r;
    u->g = gg;
    u->b = b;
    u->a = a;
    u->width = width;
    cairo_get_matrix(cr, &u->ctm);
    u->first = t->nglyph;
    u->n = (size_t)n;
    t->nglyph += (size_t)n;
    size_t k = t->nrun++;
    /* The marker: a square a hundredth of a point wide at the first glyph. */
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, g[0].x, g[0].y, 0.01, 0.01);
    cairo_set_source_rgb(cr, (1.0 + (double)(k % 254)) / 256, (1.0 + (double)(k / 254)) / 256, WM_SVG_TEXT_MARK_B);
    cairo_fill(cr);
    cairo_restore(cr);
    return 0;
}

void wm_show_text(cairo_t *cr, const char *utf8)
{
    wm_svg_text *t = recorder_of(cr);
    double r, g, b, a;
    if (!t || !cairo_has_current_point(cr) ||
        cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a) != CAIRO_STATUS_SUCCESS) {
        cairo_show_text(cr, utf8);
        return;
    }
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    cairo_glyph_t *glyphs = NULL;
    int n = 0;
    if (cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), x, y, utf8, -1, &glyphs, &n, NULL, NULL, NULL) !=
            CAIRO_STATUS_SUCCESS ||
        n == 0 || record(t, cr, glyphs, n, 0, r, g, b, a, 0) != 0) {
        cairo_glyph_free(glyphs);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, utf8);   /* and cairo reports what it refuses */
        return;
    }
    /* Where cairo_show_text leaves the current point: after the run's
     * advance, from the glyphs already made (not the text once more). */
    cairo_text_extents_t e;
    cairo_glyph_extents(cr, glyphs, n, &e);
    cairo_glyph_free(glyphs);
    cairo_move_to(cr, x + e.x_advance, y + e.y_advance);
}

int wm_svg_text_halo(cairo_t *cr, const cairo_glyph_t *g, int n, wm_rgb colour, double width)
{
    wm_svg_text *t = recorder_of(cr);
    return t && record(t, cr, g, n, 1, colour.r, colour.g, colour.b, 0.9, width) == 0 ? 0 : -1;
}

/* ---- writing ---- */

static void put_str(wm_svg_put put, void *ctx, const char *s)
{
    put(ctx, s, strlen(s));
}

void wm_svg_text_defs(const wm_svg_text *t, wm_svg_put put, void *ctx)
{
    if (!t || t->nsym == 0) return;
    put_str(put, ctx, "<defs>\n");
    char head[64];
    for (size_t i = 0; i < t->nsym; i++) {
        if (!t->sym[i].d[0]) continue;   /* a space: nothing to draw, never used (wm_svg_text_run) */
        int n = snprintf(head, sizeof head, "<symbol overflow=\"visible\" id=\"wm-g%zu\"><path d=\"", i + 1);
        put(ctx, head, (size_t)n);
        put_str(put, ctx, t->sym[i].d);
        put_str(put, ctx, "\"/></symbol>\n");
    }
    put_str(put, ctx, "</defs>\n");
}

/* A component of a marker's colour as cairo wrote it, "0.390625" (the
 * percentage), back to its 1..254; 0 when it is not one. */
static int mark_component(const char *p, const char *e, const char **end)
{
    double v = 0, scale = 1;
    int seen = 0, dot = 0;
    for (; p < e && ((*p >= '0' && *p <= '9') || (*p == '.' && !dot)); p++) {
        if (*p == '.') {
            dot = 1;
            continue;
        }
        v = v * 10 + (*p - '0');
        if (dot) scale *= 10;
        seen = 1;
    }
    *end = p;
    if (!seen) return 0;
    double k = v / scale * 256 / 100;
    long r = lround(k);
    return fabs(k - (double)r) < 1e-6 && r >= 1 && r <= 254 ? (int)r : 0;
}

const char *wm_svg_text_marker(const wm_svg_text *t, const char *p, const char *e, size_t *len, size_t *run_no)
{
    static const char tail[] = WM_SVG_TEXT_MARK_TAIL, head[] = "fill:rgb(";
    const size_t nt = sizeof tail - 1, nh = sizeof head - 1;
    if (!t || t->nrun == 0) return NULL;
    const char *from = p;
    while ((size_t)(e - p) >= nt) {
        const char *hit = memchr(p, tail[0], (size_t)(e - p) - nt + 1);
        if (!hit) return NULL;
        p = hit + 1;
        if (memcmp(hit, tail, nt) != 0) continue;
        /* "fill:rgb(R%,G" just before, in the style of a "<path .../>". */
        const char *h = hit;
        while (h > from && hit - h < 40 && memcmp(h, head, nh) != 0) h--;
        if (memcmp(h, head, nh) != 0) continue;
        const char *after;
        int r = mark_component(h + nh, hit, &after);
        if (!r || after + 2 > hit || after[0] != '%' || after[1] != ',') continue;
        int g = mark_component(after + 2, hit, &after);
        if (!g || after != hit) continue;
        const char *start = h;
        while (start > from && *start != '<') start--;
        const char *close = memchr(hit, '>', (size_t)(e - hit));
        if (*start != '<' || (size_t)(e - start) < 5 || memcmp(start, "<path", 5) != 0 || !close || close[-1] != '/')
            continue;
        size_t k = (size_t)(r - 1) + 254 * (size_t)(g - 1);
        if (k >= t->nrun) continue;
        *len = (size_t)(close + 1 - start);
        *run_no = k;
        return start;
    }
    return NULL;
}

void wm_svg_text_run(const wm_svg_text *t, size_t k, wm_svg_put put, void *ctx)
{
    const run *u = &t->run[k];
    char s[256];
    int n;
    if (u->halo)
        n = snprintf(s, sizeof s,
                     "<g style=\"fill:none;stroke:rgb(%.6g%%,%.6g%%,%.6g%%);stroke-width:%.6g;stroke-linejoin:round;"
                     "opacity:%.6g\"",
                     100 * u->r, 100 * u->g, 100 * u->b, u->width, u->a);
    else
        n = snprintf(s, sizeof s, "<g style=\"fill:rgb(%.6g%%,%.6g%%,%.6g%%);fill-opacity:%.6g\"", 100 * u->r,
                     100 * u->g, 100 * u->b, u->a);
    put(ctx, s, (size_t)n);
    const cairo_matrix_t *m = &u->ctm;
    int plain = m->xx == 1 && m->yx == 0 && m->xy == 0 && m->yy == 1;
    if (!plain) {
        n = snprintf(s, sizeof s, " transform=\"matrix(%.9g %.9g %.9g %.9g %.9g %.9g)\"", m->xx, m->yx, m->xy, m->yy,
                     m->x0, m->y0);
        put(ctx, s, (size_t)n);
    }
    put_str(put, ctx, ">");
    for (size_t i = 0; i < u->n; i++) {
        const placed *q = &t->glyph[u->first + i];
        if (!t->sym[q->symbol].d[0]) continue;
        double x = plain ? q->x + m->x0 : q->x, y = plain ? q->y + m->y0 : q->y;
        n = snprintf(s, sizeof s, "<use xlink:href=\"#wm-g%zu\" x=\"", q->symbol + 1);
        put(ctx, s, (size_t)n);
        char v[32];
        size_t nv = wm_svg_decimal(v, lround(x * 1000), 3);
        put(ctx, v, nv);
        put_str(put, ctx, "\" y=\"");
        nv = wm_svg_decimal(v, lround(y * 1000), 3);
        put(ctx, v, nv);
        put_str(put, ctx, "\"/>");
    }
    put_str(put, ctx, "</g>");
}
