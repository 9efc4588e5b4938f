/* shapes.c -- areas into page points, thinned, with their outline widths. */
#include "shapes.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    wm_shapes *s;
    size_t cap_rings, cap_points, cap_rev;
    double *buf;             /* one ring's coordinates out of OGR */
    size_t cap_buf;
    const wm_affine *tf;
    double tol2;
    double area, perimeter;  /* of the area being built */
    int oom;
} builder;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* One ring: transformed, thinned, appended; `hole` subtracts its area. */
static void add_ring(builder *B, OGRGeometryH ring, int hole)
{
    wm_shapes *s = B->s;
    int n = OGR_G_GetPointCount(ring);
    if (n <= 0 || B->oom) return;
    if (grow((void **)&B->buf, &B->cap_buf, 2 * (size_t)n, sizeof *B->buf) != 0 ||
        grow((void **)&s->xy, &B->cap_points, 2 * (s->npoints + (size_t)n), sizeof *s->xy) != 0 ||
        grow((void **)&s->first_point, &B->cap_rings, s->nrings + 2, sizeof *s->first_point) != 0 ||
        grow((void **)&s->reversed, &B->cap_rev, s->nrings + 1, sizeof *s->reversed) != 0) {
        B->oom = 1;
        return;
    }
    double *in = B->buf;
    OGR_G_GetPoints(ring, in, 2 * sizeof(double), in + 1, 2 * sizeof(double), NULL, 0);
    const wm_affine *tf = B->tf;
    double *out = s->xy + 2 * s->npoints;
    size_t kept = 0;
    for (int i = 0; i < n; i++) {
        double px = tf->ox + (in[2 * i] - tf->mx) * tf->k;
        double py = tf->oy - (in[2 * i + 1] - tf->my) * tf->k;
        if (kept > 0 && i < n - 1) {
            double dx = px - out[2 * (kept - 1)], dy = py - out[2 * (kept - 1) + 1];
            if (dx * dx + dy * dy < B->tol2) continue;
        }
        out[2 * kept] = px;
        out[2 * kept + 1] = py;
        kept++;
    }
    if (kept < 4 && (size_t)n >= 4) {
        /* Too small to thin: every vertex, as given. */
        for (int i = 0; i < n; i++) {
            out[2 * i] = tf->ox + (in[2 * i] - tf->mx) * tf->k;
            out[2 * i + 1] = tf->oy - (in[2 * i + 1] - tf->my) * tf->k;
        }
        kept = (size_t)n;
    }
    double a = 0, p = 0;
    for (size_t i = 0, j = kept - 1; i < kept; j = i++) {
        a += out[2 * j] * out[2 * i + 1] - out[2 * i] * out[2 * j + 1];
        double dx = out[2 * i] - out[2 * j], dy = out[2 * i + 1] - out[2 * j + 1];
        p += sqrt(dx * dx + dy * dy);
    }
    s->reversed[s->nrings] = hole ? a > 0 : a < 0;
    B->area += hole ? -fabs(a) / 2 : fabs(a) / 2;
    B->perimeter += p;
    s->npoints += kept;
    s->nrings++;
    s->first_point[s->nrings] = s->npoints;
}

static void add_geometry(builder *B, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_ring(B, OGR_G_GetGeometryRef(g, i), i > 0);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection || t == wkbMultiLineString) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) add_geometry(B, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbLineString || t == wkbLinearRing) {
        add_ring(B, g, 0);
    }
}

/* ---- boundaries shared by two outlined areas ---------------------------- */

/* A segment of an outlined area: `key` a 64-bit hash of its two vertices
 * in either order, `point` its first vertex, `area` its area. */
typedef struct segment {
    uint64_t key;
    uint32_t point, area;
} segment;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static uint64_t coordinate_bits(double v)
{
    uint64_t bits;
    v = v == 0 ? 0 : v;   /* -0 and 0 are one coordinate */
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

/* The segment from p to q, either way round. */
static uint64_t segment_key(const double *p, const double *q)
{
    uint64_t a = mix64(coordinate_bits(p[0]) ^ mix64(coordinate_bits(p[1]) + 0x9e3779b97f4a7c15ULL));
    uint64_t b = mix64(coordinate_bits(q[0]) ^ mix64(coordinate_bits(q[1]) + 0x9e3779b97f4a7c15ULL));
    return mix64((a < b ? a : b) * 0x2545f4914f6cdd1dULL + (a < b ? b : a));
}

/* Whether segment a is drawn in preference to b: the wider outline, then
 * the earlier point (the earlier area). */
static int outranks(const wm_shapes *s, const segment *a, const segment *b)
{
    double wa = s->outline[a->area], wb = s->outline[b->area];
    return wa != wb ? wa > wb : a->point < b->point;
}

/* Calls `each(ctx, key, point, area)` for every segment of the outlined
 * areas but those of no length. */
static void each_outlined_segment(const wm_shapes *s, void (*each)(void *, uint64_t, size_t, size_t), void *ctx)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->outline[i] > 0)) continue;
        for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
            size_t a = s->first_point[r], b = s->first_point[r + 1];
            for (size_t k = a; k < b; k++) {
                const double *p = s->xy + 2 * k, *q = s->xy + 2 * (k + 1 < b ? k + 1 : a);
                if (p[0] != q[0] || p[1] != q[1]) each(ctx, segment_key(p, q), k, i);
            }
        }
    }
}

/* The segments go into buckets by the top SHARE_BUCKET_BITS of their
 * key, counted in one walk and placed in a second: one array, one pass
 * scattering them.  Each bucket (some hundreds of segments at national
 * scale) then fits the cache for a table of its own. */
#define SHARE_BUCKET_BITS 11
#define SHARE_BUCKETS (1u << SHARE_BUCKET_BITS)

typedef struct bucketing {
    size_t *at;       /* per bucket: its count, then where its next segment goes */
    segment *seg;
} bucketing;

static void count_segment(void *ctx, uint64_t key, size_t point, size_t area)
{
    (void)point;
    (void)area;
    ((bucketing *)ctx)->at[(key >> (64 - SHARE_BUCKET_BITS)) + 1]++;
}

static void place_segment(void *ctx, uint64_t key, size_t point, size_t area)
{
    bucketing *B = ctx;
    B->seg[B->at[key >> (64 - SHARE_BUCKET_BITS)]++] = (segment){ key, (uint32_t)point, (uint32_t)area };
}

/* own[k] for every point: 0 for a segment that an outranking outlined
 * area has too (the same two vertices, either way round), else 1.
 * Segments are matched by a 64-bit hash of their vertices, within
 * buckets that fit the cache (a hash table over all of them, or
 * comparing their coordinates, misses the cache at every segment), and
 * segments of one hash are taken as the same: two different segments of
 * a map share one with a chance of about n^2/2^65, 1 in 80 million for
 * the 666,000 outlined segments of England's LSOAs, and the cost would
 * be a segment of outline not drawn.  A segment of no length is its own. */
static int share_outlines(wm_shapes *s)
{
    s->own = malloc(s->npoints ? s->npoints : 1);
    if (!s->own) return -1;
    memset(s->own, 1, s->npoints);
    if (s->npoints >= UINT32_MAX || s->n >= UINT32_MAX) return 0;   /* each area draws its own */
    bucketing B = { calloc(SHARE_BUCKETS + 1, sizeof *B.at), NULL };
    if (!B.at) return -1;
    each_outlined_segment(s, count_segment, &B);
    size_t used = 0, largest = 0;
    for (unsigned b = 0; b < SHARE_BUCKETS; b++) {
        if (B.at[b + 1] > largest) largest = B.at[b + 1];
        B.at[b + 1] += B.at[b];
    }
    used = B.at[SHARE_BUCKETS];
    size_t slots = 16;
    while (slots < 2 * largest) slots *= 2;
    B.seg = malloc((used ? used : 1) * sizeof *B.seg);
    uint32_t *table = malloc(slots * sizeof *table);
    if (!B.seg || !table) {
        free(B.at);
        free(B.seg);
        free(table);
        return -1;
    }
    if (used >= 2) each_outlined_segment(s, place_segment, &B);
    /* Bucket b now ends at at[b] (and starts where b - 1 ends).  In its
     * table each key holds the segment that outranks the others so far. */
    for (unsigned b = 0; b < SHARE_BUCKETS && used >= 2; b++) {
        size_t first = b ? B.at[b - 1] : 0, end = B.at[b];
        if (end - first < 2) continue;
        size_t mask = slots - 1;
        while (mask / 2 >= 2 * (end - first) && mask > 15) mask /= 2;
        memset(table, 0xff, (mask + 1) * sizeof *table);
        for (size_t j = first; j < end; j++) {
            const segment *e = &B.seg[j];
            for (size_t h = (size_t)e->key & mask;; h = (h + 1) & mask) {
                if (table[h] == UINT32_MAX) {
                    table[h] = (uint32_t)j;
                    break;
                }
                const segment *held = &B.seg[table[h]];
                if (held->key != e->key) continue;
                if (outranks(s, e, held)) {
                    s->own[held->point] = 0;
                    table[h] = (uint32_t)j;
                } else {
                    s->own[e->point] = 0;
                }
                break;
            }
        }
    }
    free(B.at);
    free(B.seg);
    free(table);
    return 0;
}

int wm_shapes_build(const wm_layer *layer, const wm_affine *tf, double tolerance, double width, double coverage,
                    wm_shapes *out)
{
    memset(out, 0, sizeof *out);
    size_t n = layer->n;
    out->n = n;
    out->first_ring = malloc((n + 1) * sizeof *out->first_ring);
    out->outline = malloc((n ? n : 1) * sizeof *out->outline);
    out->area = malloc((n ? n : 1) * sizeof *out->area);
    out->box = malloc((n ? n : 1) * sizeof *out->box);
    builder B = { out, 0, 0, 0, NULL, 0, tf, tolerance > 0 ? tolerance * tolerance : 0, 0, 0, 0 };
    if (!out->first_ring || !out->outline || !out->area || !out->box ||
        grow((void **)&out->first_point, &B.cap_rings, 1, sizeof *out->first_point) != 0) {
        wm_shapes_free(out);
        return -1;
    }
    out->first_point[0] = 0;
    for (size_t i = 0; i < n && !B.oom; i++) {
        out->first_ring[i] = out->nrings;
        B.area = B.perimeter = 0;
        size_t p0 = out->npoints;
        if (layer->features[i].geom) add_geometry(&B, layer->features[i].geom);
        if (B.oom) break;
        double *bx = out->box[i];
        bx[0] = bx[1] = INFINITY;
        bx[2] = bx[3] = -INFINITY;
        for (size_t k = p0; k < out->npoints; k++) {
            double x = out->xy[2 * k], y = out->xy[2 * k + 1];
            if (x < bx[0]) bx[0] = x;
            if (x > bx[2]) bx[2] = x;
            if (y < bx[1]) bx[1] = y;
            if (y > bx[3]) bx[3] = y;
        }
        double a = fmax(B.area, 0);
        out->area[i] = a;
        double w = width;
        if (coverage > 0 && B.perimeter > 0) {
            double room = 2 * coverage * a / B.perimeter;
            /* In eighths of the full width: a few strokes of one width each. */
            if (room < w) w = room < width / 4 ? 0 : floor(room / width * 8) / 8 * width;
        }
        out->outline[i] = w;
    }
    free(B.buf);
    if (B.oom) {
        wm_shapes_free(out);
        return -1;
    }
    out->first_ring[n] = out->nrings;
    if (share_outlines(out) != 0) {
        wm_shapes_free(out);
        return -1;
    }
    return 0;
}

void wm_shapes_free(wm_shapes *s)
{
    if (!s) return;
    free(s->first_ring);
    free(s->first_point);
    free(s->xy);
    free(s->outline);
    free(s->area);
    free(s->box);
    free(s->reversed);
    free(s->own);
    memset(s, 0, sizeof *s);
}

void wm_shapes_path(cairo_t *cr, const wm_shapes *s, size_t i)
{
    for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
        size_t a = s->first_point[r], b = s->first_point[r + 1];
        if (a == b) continue;
        const double *p = s->xy + 2 * a;
        cairo_move_to(cr, p[0], p[1]);
        for (size_t k = 1; k < b - a; k++) cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
        cairo_close_path(cr);
    }
}

void wm_shapes_outline(const wm_shapes *s, size_t i, const wm_outline_pen *pen)
{
    for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
        size_t a = s->first_point[r], b = s->first_point[r + 1], m = b - a, u = a;
        if (m == 0) continue;
        while (u < b && s->own[u]) u++;
        const double *p = s->xy;
        if (u == b) {   /* the whole ring */
            pen->move(pen->ctx, p[2 * a], p[2 * a + 1]);
            for (size_t k = a + 1; k < b; k++) pen->line(pen->ctx, p[2 * k], p[2 * k + 1]);
            pen->close(pen->ctx);
            continue;
        }
        /* From the segment after a neighbour's (u), round to it. */
        int drawing = 0;
        for (size_t t = 1; t < m; t++) {
            size_t k = a + (u - a + t) % m, next = k + 1 < b ? k + 1 : a;
            if (!s->own[k]) {
                drawing = 0;
                continue;
            }
            if (!drawing) {
                /* A ring's closing segment of no length starts nothing. */
                if (p[2 * k] == p[2 * next] && p[2 * k + 1] == p[2 * next + 1]) continue;
                pen->move(pen->ctx, p[2 * k], p[2 * k + 1]);
            }
            drawing = 1;
            pen->line(pen->ctx, p[2 * next], p[2 * next + 1]);
        }
    }
}

static void path_move(void *cr, double x, double y)
{
    cairo_move_to(cr, x, y);
}

static void path_line(void *cr, double x, double y)
{
    cairo_line_to(cr, x, y);
}

static void path_close(void *cr)
{
    cairo_close_path(cr);
}

void wm_shapes_outline_path(cairo_t *cr, const wm_shapes *s, size_t i)
{
    const wm_outline_pen pen = { path_move, path_line, path_close, cr };
    wm_shapes_outline(s, i, &pen);
}

void wm_shapes_path_wound(cairo_t *cr, const wm_shapes *s, size_t i)
{
    for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
        size_t a = s->first_point[r], b = s->first_point[r + 1];
        if (a == b) continue;
        if (!s->reversed[r]) {
            const double *p = s->xy + 2 * a;
            cairo_move_to(cr, p[0], p[1]);
            for (size_t k = 1; k < b - a; k++) cairo_line_to(cr, p[2 * k], p[2 * k + 1]);
        } else {
            const double *p = s->xy + 2 * (b - 1);
            cairo_move_to(cr, p[0], p[1]);
            for (size_t k = 1; k < b - a; k++) cairo_line_to(cr, p[-2 * (long)k], p[-2 * (long)k + 1]);
        }
        cairo_close_path(cr);
    }
}

double wm_shapes_next_width(const wm_shapes *s, double below, const unsigned char *in)
{
    double w = 0;
    for (size_t i = 0; i < s->n; i++)
        if ((!in || in[i]) && s->outline[i] < below && s->outline[i] > w) w = s->outline[i];
    return w;
}
