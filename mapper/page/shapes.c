/* shapes.c -- areas into page points, thinned, with their outline widths. */
#include "shapes.h"
#include "huge_pages.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A layer of at least this many vertices is built, and its shared
 * boundaries found, on two threads (England's LSOAs have 2 million, 1.6
 * million after thinning). */
#define SHAPES_THREAD_MIN_POINTS 100000

/* Runs work(a) on a second thread and work(b) on this one, and waits;
 * both on this one, in turn, when `threaded` is 0 or no thread starts. */
static void on_two_threads(int threaded, void *(*work)(void *), void *a, void *b)
{
    pthread_t thread;
    if (threaded && pthread_create(&thread, NULL, work, a) == 0) {
        work(b);
        pthread_join(thread, NULL);
    } else {
        work(a);
        work(b);
    }
}

/* ---- building: the areas in page points --------------------------------- */

/* One half of the areas, first..end-1, built into its part of the
 * result's arrays: the first half's rings and points from the start,
 * the second's after as many as the first half's rings have before
 * thinning, moved down to close the gap when both are done.  Sizing the
 * arrays once, from a count of the layer's vertices, spares growing
 * them (every doubling of a 26 MB array copied it, and left the old
 * copy's pages in the process), and appending one half to the other. */
typedef struct builder {
    const wm_layer *layer;
    wm_shapes *out;          /* per-area results (outline, area, box) go straight here */
    size_t first, end;
    size_t *first_ring;      /* out->first_ring + first: each area's first ring, counted from the half's first */
    size_t *first_point;     /* per ring of the half, + 1: the result's, from the half's first ring */
    size_t nrings, npoints;  /* the half's so far */
    size_t max_rings, max_points;   /* the half's before thinning: its room */
    double *xy;              /* the half's room in the result's */
    unsigned char *reversed; /* likewise, per ring */
    double *buf;             /* one ring's coordinates out of OGR */
    size_t cap_buf;
    const wm_affine *tf;
    double tol2, width, coverage;
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
    int n = OGR_G_GetPointCount(ring);
    if (n <= 0 || B->oom) return;
    /* The room was counted from the same geometries (count_geometry). */
    if (B->nrings >= B->max_rings || B->npoints + (size_t)n > B->max_points ||
        grow((void **)&B->buf, &B->cap_buf, 2 * (size_t)n, sizeof *B->buf) != 0) {
        B->oom = 1;
        return;
    }
    double *in = B->buf;
    OGR_G_GetPoints(ring, in, 2 * sizeof(double), in + 1, 2 * sizeof(double), NULL, 0);
    const wm_affine *tf = B->tf;
    double *out = B->xy + 2 * B->npoints;
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
    B->reversed[B->nrings] = hole ? a > 0 : a < 0;
    B->area += hole ? -fabs(a) / 2 : fabs(a) / 2;
    B->perimeter += p;
    B->npoints += kept;
    B->nrings++;
    B->first_point[B->nrings] = B->npoints;
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

static void *build_areas(void *arg)
{
    builder *B = arg;
    wm_shapes *out = B->out;
    B->first_point[0] = 0;
    for (size_t i = B->first; i < B->end && !B->oom; i++) {
        B->first_ring[i - B->first] = B->nrings;
        B->area = B->perimeter = 0;
        size_t p0 = B->npoints;
        if (B->layer->features[i].geom) add_geometry(B, B->layer->features[i].geom);
        if (B->oom) break;
        double *bx = out->box[i];
        bx[0] = bx[1] = INFINITY;
        bx[2] = bx[3] = -INFINITY;
        for (size_t k = p0; k < B->npoints; k++) {
            double x = B->xy[2 * k], y = B->xy[2 * k + 1];
            if (x < bx[0]) bx[0] = x;
            if (x > bx[2]) bx[2] = x;
            if (y < bx[1]) bx[1] = y;
            if (y > bx[3]) bx[3] = y;
        }
        double a = fmax(B->area, 0);
        out->area[i] = a;
        double w = B->width;
        if (B->coverage > 0 && B->perimeter > 0) {
            double room = 2 * B->coverage * a / B->perimeter;
            /* In eighths of the full width: a few strokes of one width each. */
            if (room < w) w = room < B->width / 4 ? 0 : floor(room / B->width * 8) / 8 * B->width;
        }
        out->outline[i] = w;
    }
    free(B->buf);
    B->buf = NULL;
    return NULL;
}

/* The rings (of at least one vertex) and vertices of g, added to *rings
 * and *points: what add_geometry appends of it before thinning. */
static void count_geometry(OGRGeometryH g, size_t *rings, size_t *points)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon || t == wkbMultiPolygon || t == wkbGeometryCollection || t == wkbMultiLineString) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) count_geometry(OGR_G_GetGeometryRef(g, i), rings, points);
    } else if (t == wkbLineString || t == wkbLinearRing) {
        int n = OGR_G_GetPointCount(g);
        if (n > 0) {
            (*rings)++;
            *points += (size_t)n;
        }
    }
}

/* The rings and vertices of areas first..end-1. */
static void count_areas(const wm_layer *layer, size_t first, size_t end, size_t *rings, size_t *points)
{
    *rings = *points = 0;
    for (size_t i = first; i < end; i++)
        if (layer->features[i].geom) count_geometry(layer->features[i].geom, rings, points);
}

/* The second half's rings and points moved down to follow the first's,
 * closing the room thinning left unused. */
static void join_halves(builder *h, wm_shapes *out)
{
    size_t rings = h[0].nrings + h[1].nrings, points = h[0].npoints + h[1].npoints;
    if (h[1].npoints) memmove(h[0].xy + 2 * h[0].npoints, h[1].xy, 2 * h[1].npoints * sizeof *h[1].xy);
    if (h[1].nrings) memmove(h[0].reversed + h[0].nrings, h[1].reversed, h[1].nrings);
    for (size_t r = 1; r <= h[1].nrings; r++) h[0].first_point[h[0].nrings + r] = h[0].npoints + h[1].first_point[r];
    for (size_t i = h[1].first; i < h[1].end; i++) out->first_ring[i] += h[0].nrings;
    out->nrings = rings;
    out->npoints = points;
    out->first_ring[out->n] = rings;
    /* The room thinning left, handed back (a smaller block: it cannot fail to stay). */
    double *xy = realloc(out->xy, 2 * (points ? points : 1) * sizeof *out->xy);
    if (xy) out->xy = xy;
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

static uint64_t point_hash(const double *p)
{
    uint64_t x, y;
    double vx = p[0] == 0 ? 0 : p[0], vy = p[1] == 0 ? 0 : p[1];   /* -0 and 0 are one coordinate */
    memcpy(&x, &vx, sizeof x);
    memcpy(&y, &vy, sizeof y);
    return mix64(x ^ mix64(y + 0x9e3779b97f4a7c15ULL));
}

/* The segment between points of hashes a and b, either way round. */
static uint64_t segment_key(uint64_t a, uint64_t b)
{
    return mix64((a < b ? a : b) * 0x2545f4914f6cdd1dULL + (a < b ? b : a));
}

/* Whether segment a is drawn in preference to b: the wider outline, then
 * the earlier point (the earlier area). */
static int outranks(const wm_shapes *s, const segment *a, const segment *b)
{
    double wa = s->outline[a->area], wb = s->outline[b->area];
    return wa != wb ? wa > wb : a->point < b->point;
}

/* Segments go into buckets by the top SHARE_BUCKET_BITS of their key,
 * counted in one walk and placed in a second (one array, one pass
 * scattering them); each bucket, some hundreds of segments at national
 * scale, then fits the cache for a table of its own.  Two threads walk
 * half the areas each, then match half the buckets each. */
#define SHARE_BUCKET_BITS 11
#define SHARE_BUCKETS (1u << SHARE_BUCKET_BITS)

typedef struct sharing {
    wm_shapes *s;
    size_t first, end;              /* the areas this thread walks */
    unsigned bucket0, bucket1;      /* the buckets it matches */
    size_t count[SHARE_BUCKETS];    /* its segments per bucket, then where its next one goes */
    const size_t *bucket_start;     /* SHARE_BUCKETS + 1: where each bucket starts (shared) */
    segment *seg;                   /* every segment, by bucket (shared) */
    int placing, oom;
} sharing;

/* The walk: every segment of the thread's outlined areas but those of no
 * length, counted or placed. */
static void *share_walk(void *arg)
{
    sharing *h = arg;
    const wm_shapes *s = h->s;
    for (size_t i = h->first; i < h->end; i++) {
        if (!(s->outline[i] > 0)) continue;
        for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
            size_t a = s->first_point[r], b = s->first_point[r + 1];
            if (a == b) continue;
            uint64_t first = point_hash(s->xy + 2 * a), hp = first;
            for (size_t k = a; k < b; k++) {
                const double *p = s->xy + 2 * k, *q = s->xy + 2 * (k + 1 < b ? k + 1 : a);
                uint64_t hq = k + 1 < b ? point_hash(q) : first;
                if (p[0] != q[0] || p[1] != q[1]) {
                    uint64_t key = segment_key(hp, hq);
                    size_t bucket = key >> (64 - SHARE_BUCKET_BITS);
                    if (h->placing) h->seg[h->count[bucket]++] = (segment){ key, (uint32_t)k, (uint32_t)i };
                    else h->count[bucket]++;
                }
                hp = hq;
            }
        }
    }
    return NULL;
}

/* The match: in each of the thread's buckets, a table holds for each key
 * the segment that outranks the others so far, and every other is not
 * its own. */
static void *share_match(void *arg)
{
    sharing *h = arg;
    size_t largest = 0;
    for (unsigned b = h->bucket0; b < h->bucket1; b++)
        if (h->bucket_start[b + 1] - h->bucket_start[b] > largest) largest = h->bucket_start[b + 1] - h->bucket_start[b];
    if (largest < 2) return NULL;
    size_t slots = 16;
    while (slots < 2 * largest) slots *= 2;
    uint32_t *table = malloc(slots * sizeof *table);
    if (!table) {
        h->oom = 1;
        return NULL;
    }
    const segment *seg = h->seg;
    for (unsigned b = h->bucket0; b < h->bucket1; b++) {
        size_t first = h->bucket_start[b], end = h->bucket_start[b + 1];
        if (end - first < 2) continue;
        size_t mask = 15;
        while (mask + 1 < 2 * (end - first)) mask = 2 * mask + 1;
        memset(table, 0xff, (mask + 1) * sizeof *table);
        for (size_t j = first; j < end; j++) {
            for (size_t t = (size_t)seg[j].key & mask;; t = (t + 1) & mask) {
                if (table[t] == UINT32_MAX) {
                    table[t] = (uint32_t)j;
                    break;
                }
                const segment *held = &seg[table[t]];
                if (held->key != seg[j].key) continue;
                if (outranks(h->s, &seg[j], held)) {
                    h->s->own[held->point] = 0;
                    table[t] = (uint32_t)j;
                } else {
                    h->s->own[seg[j].point] = 0;
                }
                break;
            }
        }
    }
    free(table);
    return NULL;
}

/* own[k] for every point: 0 for a segment that an outranking outlined
 * area has too (the same two vertices, either way round), else 1.
 * Segments are matched by a 64-bit hash of their vertices, within
 * buckets that fit the cache (a hash table over all of them, or
 * comparing their coordinates, misses the cache at every segment), and
 * segments of one hash are taken as the same: two different segments of
 * a map share one with a chance of about n^2/2^65, 1 in 80 million for
 * the 660,000 outlined segments of England's LSOAs, and the cost would
 * be a segment of outline not drawn.  A segment of no length is its own. */
static int share_outlines(wm_shapes *s)
{
    s->own = malloc(s->npoints ? s->npoints : 1);
    if (!s->own) return -1;
    memset(s->own, 1, s->npoints);
    if (s->npoints >= UINT32_MAX || s->n >= UINT32_MAX) return 0;   /* each area draws its own */
    sharing *h = calloc(2, sizeof *h);
    size_t *start = malloc((SHARE_BUCKETS + 1) * sizeof *start);
    int threaded = s->npoints >= SHAPES_THREAD_MIN_POINTS, rc = -1;
    if (!h || !start) goto done;
    for (int t = 0; t < 2; t++) {
        h[t].s = s;
        h[t].first = t ? s->n / 2 : 0;
        h[t].end = t ? s->n : s->n / 2;
        h[t].bucket0 = t ? SHARE_BUCKETS / 2 : 0;
        h[t].bucket1 = t ? SHARE_BUCKETS : SHARE_BUCKETS / 2;
        h[t].bucket_start = start;
    }
    on_two_threads(threaded, share_walk, &h[1], &h[0]);
    /* Bucket b holds the first half's segments, then the second's. */
    start[0] = 0;
    for (unsigned b = 0; b < SHARE_BUCKETS; b++) {
        size_t c0 = h[0].count[b], c1 = h[1].count[b];
        h[0].count[b] = start[b];
        h[1].count[b] = start[b] + c0;
        start[b + 1] = start[b] + c0 + c1;
    }
    if (start[SHARE_BUCKETS] < 2) {
        rc = 0;
        goto done;
    }
    segment *seg = malloc(start[SHARE_BUCKETS] * sizeof *seg);
    if (!seg) goto done;
    for (int t = 0; t < 2; t++) {
        h[t].seg = seg;
        h[t].placing = 1;
    }
    on_two_threads(threaded, share_walk, &h[1], &h[0]);
    on_two_threads(threaded, share_match, &h[1], &h[0]);
    free(seg);
    rc = h[0].oom || h[1].oom ? -1 : 0;
done:
    free(h);
    free(start);
    return rc;
}

/* ---- the result ----------------------------------------------------------- */

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
    if (!out->first_ring || !out->outline || !out->area || !out->box) {
        wm_shapes_free(out);
        return -1;
    }
    /* Built in two halves, on two threads when the layer is large. */
    size_t half = n / 2, rings[2], points[2];
    count_areas(layer, 0, half, &rings[0], &points[0]);
    count_areas(layer, half, n, &rings[1], &points[1]);
    size_t all_rings = rings[0] + rings[1], all_points = points[0] + points[1];
    out->xy = malloc(2 * (all_points ? all_points : 1) * sizeof *out->xy);
    out->first_point = malloc((all_rings + 2) * sizeof *out->first_point);
    out->reversed = malloc(all_rings ? all_rings : 1);
    if (!out->xy || !out->first_point || !out->reversed) {
        wm_shapes_free(out);
        return -1;
    }
    wm_huge_pages_advise(out->xy, 2 * all_points * sizeof *out->xy);
    builder h[2];
    memset(h, 0, sizeof h);
    for (int t = 0; t < 2; t++) {
        h[t].layer = layer;
        h[t].out = out;
        h[t].first = t ? half : 0;
        h[t].end = t ? n : half;
        h[t].first_ring = out->first_ring + h[t].first;
        /* Half 1's first_point[0] is the slot of half 0's last ring's end. */
        h[t].first_point = out->first_point + (t ? rings[0] + 1 : 0);
        h[t].xy = out->xy + (t ? 2 * points[0] : 0);
        h[t].reversed = out->reversed + (t ? rings[0] : 0);
        h[t].max_rings = rings[t];
        h[t].max_points = points[t];
        h[t].tf = tf;
        h[t].tol2 = tolerance > 0 ? tolerance * tolerance : 0;
        h[t].width = width;
        h[t].coverage = coverage;
    }
    on_two_threads(n >= 2 && all_points >= SHAPES_THREAD_MIN_POINTS, build_areas, &h[1], &h[0]);
    int rc = h[0].oom || h[1].oom ? -1 : 0;
    if (rc == 0) join_halves(h, out);
    if (rc != 0 || share_outlines(out) != 0) {
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

/* Ring r whole. */
static void ring(const wm_shapes *s, size_t r, const wm_shapes_pen *pen)
{
    size_t a = s->first_point[r], b = s->first_point[r + 1];
    if (a == b) return;
    const double *p = s->xy;
    pen->move(pen->ctx, p[2 * a], p[2 * a + 1]);
    for (size_t k = a + 1; k < b; k++) pen->line(pen->ctx, p[2 * k], p[2 * k + 1]);
    pen->close(pen->ctx);
}

void wm_shapes_rings(const wm_shapes *s, size_t i, const wm_shapes_pen *pen)
{
    for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) ring(s, r, pen);
}

void wm_shapes_outline(const wm_shapes *s, size_t i, const wm_shapes_pen *pen)
{
    for (size_t r = s->first_ring[i]; r < s->first_ring[i + 1]; r++) {
        size_t a = s->first_point[r], b = s->first_point[r + 1], m = b - a, u = a;
        if (m == 0) continue;
        while (u < b && s->own[u]) u++;
        if (u == b) {   /* the whole ring */
            ring(s, r, pen);
            continue;
        }
        const double *p = s->xy;
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

void wm_shapes_path(cairo_t *cr, const wm_shapes *s, size_t i)
{
    const wm_shapes_pen pen = { path_move, path_line, path_close, cr };
    wm_shapes_rings(s, i, &pen);
}

void wm_shapes_outline_path(cairo_t *cr, const wm_shapes *s, size_t i)
{
    const wm_shapes_pen pen = { path_move, path_line, path_close, cr };
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
