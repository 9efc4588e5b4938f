/* labels.c -- pole of inaccessibility and collision-free label placement.
 *
 * Two halves:
 *   - wm_pole_of_inaccessibility: Mapbox's polylabel (iterative grid
 *     subdivision, best cells first from a max-heap keyed on the best
 *     distance a cell could still contain), over rings copied out of OGR.
 *   - wm_place_labels: for each area, smallest room first, try candidate
 *     positions in a fixed order and keep the first whose box is free; the
 *     fallbacks of the style are tried in their order when none is.
 *
 * All placement geometry is done in page points.  Each area's rings are
 * transformed to the page once; "is this box inside the area" is then a
 * cheap test (no ring segment touches the box, and its centre is inside)
 * run for every candidate, and the winning candidate is confirmed with
 * GEOS (OGR_G_Within on the box taken back to map coordinates), so the
 * guarantee the contract gives rests on GEOS, not on our arithmetic.
 */
#include "labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309504880

/* ---- rings: polygon outlines flattened into arrays --------------------- */

typedef struct rings {
    double *xy;         /* x0, y0, x1, y1, ... */
    size_t npts, cap;
    size_t *start;      /* ring r holds points start[r] .. start[r + 1] - 1 */
    double *rbox;       /* bounding box of each ring: x0, y0, x1, y1 */
    size_t nrings, rcap;
    double box[4];      /* bounding box of all rings */
} rings;

static void rings_free(rings *R)
{
    free(R->xy);
    free(R->start);
    free(R->rbox);
    memset(R, 0, sizeof *R);
}

/* Append one ring, through `tf` into page points when it is not NULL. */
static int rings_add_ring(rings *R, OGRGeometryH ring, const wm_affine *tf)
{
    int n = OGR_G_GetPointCount(ring);
    if (n <= 0) return 0;
    if (R->npts + (size_t)n > R->cap) {
        size_t cap = R->cap ? R->cap : 256;
        while (cap < R->npts + (size_t)n) cap *= 2;
        double *xy = realloc(R->xy, cap * 2 * sizeof *xy);
        if (!xy) return -1;
        R->xy = xy;
        R->cap = cap;
    }
    if (R->nrings + 2 > R->rcap) {
        size_t rcap = R->rcap ? R->rcap * 2 : 8;
        size_t *start = realloc(R->start, rcap * sizeof *start);
        if (!start) return -1;
        R->start = start;
        double *rbox = realloc(R->rbox, rcap * 4 * sizeof *rbox);
        if (!rbox) return -1;
        R->rbox = rbox;
        R->rcap = rcap;
    }
    if (R->nrings == 0) {
        R->start[0] = 0;
        R->box[0] = R->box[1] = INFINITY;
        R->box[2] = R->box[3] = -INFINITY;
    }
    double *rb = R->rbox + 4 * R->nrings;
    rb[0] = rb[1] = INFINITY;
    rb[2] = rb[3] = -INFINITY;
    for (int i = 0; i < n; i++) {
        double x = OGR_G_GetX(ring, i), y = OGR_G_GetY(ring, i);
        if (tf) {
            double px = tf->ox + (x - tf->mx) * tf->k, py = tf->oy - (y - tf->my) * tf->k;
            x = px;
            y = py;
        }
        R->xy[2 * (R->npts + (size_t)i)] = x;
        R->xy[2 * (R->npts + (size_t)i) + 1] = y;
        rb[0] = fmin(rb[0], x);
        rb[1] = fmin(rb[1], y);
        rb[2] = fmax(rb[2], x);
        rb[3] = fmax(rb[3], y);
    }
    R->npts += (size_t)n;
    R->nrings++;
    R->start[R->nrings] = R->npts;
    R->box[0] = fmin(R->box[0], rb[0]);
    R->box[1] = fmin(R->box[1], rb[1]);
    R->box[2] = fmax(R->box[2], rb[2]);
    R->box[3] = fmax(R->box[3], rb[3]);
    return 0;
}

static int rings_add_polygon(rings *R, OGRGeometryH poly, const wm_affine *tf)
{
    for (int i = 0; i < OGR_G_GetGeometryCount(poly); i++)
        if (rings_add_ring(R, OGR_G_GetGeometryRef(poly, i), tf) != 0) return -1;
    return 0;
}

/* Every polygon part of an areal geometry (nested collections too). */
static int rings_add_areal(rings *R, OGRGeometryH g, const wm_affine *tf)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) return rings_add_polygon(R, g, tf);
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            if (rings_add_areal(R, OGR_G_GetGeometryRef(g, i), tf) != 0) return -1;
    }
    return 0;
}

static double seg_dist_sq(double px, double py, double ax, double ay, double bx, double by)
{
    double x = ax, y = ay, dx = bx - ax, dy = by - ay;
    if (dx != 0 || dy != 0) {
        double t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
        if (t > 1) {
            x = bx;
            y = by;
        } else if (t > 0) {
            x += dx * t;
            y += dy * t;
        }
    }
    dx = px - x;
    dy = py - y;
    return dx * dx + dy * dy;
}

/* Distance from (x, y) to the nearest ring, positive inside (even-odd
 * rule, so holes count as outside), negative outside. */
static double signed_distance(const rings *R, double x, double y)
{
    int inside = 0;
    double best = INFINITY;
    for (size_t r = 0; r < R->nrings; r++) {
        const double *p = R->xy + 2 * R->start[r];
        size_t n = R->start[r + 1] - R->start[r];
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double ax = p[2 * i], ay = p[2 * i + 1], bx = p[2 * j], by = p[2 * j + 1];
            if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax) inside = !inside;
            double d = seg_dist_sq(x, y, ax, ay, bx, by);
            if (d < best) best = d;
        }
    }
    if (best == 0) return 0;
    return (inside ? 1 : -1) * sqrt(best);
}

static int point_inside(const rings *R, double x, double y)
{
    int inside = 0;
    for (size_t r = 0; r < R->nrings; r++) {
        const double *rb = R->rbox + 4 * r;
        if (y < rb[1] || y > rb[3] || x > rb[2]) continue;
        const double *p = R->xy + 2 * R->start[r];
        size_t n = R->start[r + 1] - R->start[r];
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double ax = p[2 * i], ay = p[2 * i + 1], bx = p[2 * j], by = p[2 * j + 1];
            if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax) inside = !inside;
        }
    }
    return inside;
}

/* Whether segment a-b meets the closed rectangle b (Liang-Barsky). */
static int segment_hits_box(double ax, double ay, double bx, double by, const double b[4])
{
    double t0 = 0, t1 = 1, dx = bx - ax, dy = by - ay;
    double p[4] = { -dx, dx, -dy, dy };
    double q[4] = { ax - b[0], b[2] - ax, ay - b[1], b[3] - ay };
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0) return 0;
        } else {
            double t = q[i] / p[i];
            if (p[i] < 0) {
                if (t > t1) return 0;
                if (t > t0) t0 = t;
            } else {
                if (t < t0) return 0;
                if (t < t1) t1 = t;
            }
        }
    }
    return 1;
}

static int boxes_overlap(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

static int boxes_meet(const double a[4], const double b[4])
{
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

static int boundary_hits_box(const rings *R, const double b[4])
{
    for (size_t r = 0; r < R->nrings; r++) {
        if (!boxes_meet(R->rbox + 4 * r, b)) continue;
        const double *p = R->xy + 2 * R->start[r];
        size_t n = R->start[r + 1] - R->start[r];
        for (size_t i = 0, j = n - 1; i < n; j = i++)
            if (segment_hits_box(p[2 * i], p[2 * i + 1], p[2 * j], p[2 * j + 1], b)) return 1;
    }
    return 0;
}

/* A box no boundary touches is wholly on one side of it: its centre says which. */
static int box_inside(const rings *R, const double b[4])
{
    if (b[0] <= R->box[0] || b[1] <= R->box[1] || b[2] >= R->box[2] || b[3] >= R->box[3]) return 0;
    if (boundary_hits_box(R, b)) return 0;
    return point_inside(R, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
}

static int box_outside(const rings *R, const double b[4])
{
    if (!boxes_meet(R->box, b)) return 1;
    if (boundary_hits_box(R, b)) return 0;
    return !point_inside(R, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
}

/* ---- polylabel --------------------------------------------------------- */

typedef struct cell {
    double x, y, h;     /* centre and half size */
    double d;           /* signed distance from the centre to the polygon */
    double max;         /* the best distance any point of the cell can have */
} cell;

typedef struct heap {
    cell *c;
    size_t n, cap;
} heap;

static int heap_push(heap *H, cell c)
{
    if (H->n == H->cap) {
        size_t cap = H->cap ? H->cap * 2 : 64;
        cell *nc = realloc(H->c, cap * sizeof *nc);
        if (!nc) return -1;
        H->c = nc;
        H->cap = cap;
    }
    size_t i = H->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (H->c[parent].max >= c.max) break;
        H->c[i] = H->c[parent];
        i = parent;
    }
    H->c[i] = c;
    return 0;
}

static cell heap_pop(heap *H)
{
    cell top = H->c[0], last = H->c[--H->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        double bigmax = last.max;
        if (l < H->n && H->c[l].max > bigmax) {
            big = l;
            bigmax = H->c[l].max;
        }
        if (r < H->n && H->c[r].max > bigmax) big = r;
        if (big == i) break;
        H->c[i] = H->c[big];
        i = big;
    }
    if (H->n) H->c[i] = last;
    return top;
}

static cell make_cell(const rings *R, double x, double y, double h)
{
    cell c = { x, y, h, signed_distance(R, x, y), 0 };
    c.max = c.d + h * SQRT2;
    return c;
}

/* The cell at the area centroid of the outer ring (polylabel's first guess). */
static cell centroid_cell(const rings *R)
{
    const double *p = R->xy;
    size_t n = R->start[1];
    double x0 = R->rbox[0], y0 = R->rbox[1];   /* work near the origin for precision */
    double area = 0, cx = 0, cy = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double ax = p[2 * i] - x0, ay = p[2 * i + 1] - y0, bx = p[2 * j] - x0, by = p[2 * j + 1] - y0;
        double f = ax * by - bx * ay;
        cx += (ax + bx) * f;
        cy += (ay + by) * f;
        area += f * 3;
    }
    if (area == 0) return make_cell(R, p[0], p[1], 0);
    return make_cell(R, x0 + cx / area, y0 + cy / area, 0);
}

/* The polygon part of `g` with the largest area, or NULL. */
static OGRGeometryH largest_polygon(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) return OGR_G_IsEmpty(g) ? NULL : g;
    if (t != wkbMultiPolygon && t != wkbGeometryCollection) return NULL;
    OGRGeometryH best = NULL;
    double best_area = -1;
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        OGRGeometryH part = largest_polygon(OGR_G_GetGeometryRef(g, i));
        if (!part) continue;
        double a = OGR_G_Area(part);
        if (a > best_area) {
            best = part;
            best_area = a;
        }
    }
    return best;
}

/* Cells evaluated before polylabel settles for the best found so far:
 * a guard against a precision far below the polygon's size. */
#define POLYLABEL_MAX_PROBES 1000000

static int polylabel(const rings *R, double precision, double *x, double *y, double *distance)
{
    const double *ob = R->rbox;   /* the outer ring's box */
    double w = ob[2] - ob[0], h = ob[3] - ob[1];
    double cell_size = fmin(w, h);
    if (!(cell_size > 0) || !isfinite(cell_size)) return -1;
    if (!(precision > 0) || !isfinite(precision)) precision = cell_size / 1000;

    heap H = { 0 };
    cell best = centroid_cell(R);
    cell bbox_cell = make_cell(R, ob[0] + w / 2, ob[1] + h / 2, 0);
    if (bbox_cell.d > best.d) best = bbox_cell;

    double half = cell_size / 2;
    long probes = 2;
    size_t nx = (size_t)ceil(w / cell_size), ny = (size_t)ceil(h / cell_size);
    int rc = 0;
    for (size_t i = 0; i < nx && rc == 0; i++)
        for (size_t j = 0; j < ny && rc == 0; j++) {
            cell c = make_cell(R, ob[0] + (double)i * cell_size + half, ob[1] + (double)j * cell_size + half, half);
            probes++;
            if (c.max > best.d + precision) rc = heap_push(&H, c);
            if (c.d > best.d) best = c;
        }
    while (rc == 0 && H.n > 0 && probes < POLYLABEL_MAX_PROBES) {
        cell c = heap_pop(&H);
        if (c.max - best.d <= precision) break;   /* nothing left can do better */
        double hh = c.h / 2;
        static const double sx[4] = { -1, 1, -1, 1 }, sy[4] = { -1, -1, 1, 1 };
        for (int k = 0; k < 4 && rc == 0; k++) {
            cell child = make_cell(R, c.x + sx[k] * hh, c.y + sy[k] * hh, hh);
            probes++;
            if (child.max > best.d + precision) rc = heap_push(&H, child);
            if (child.d > best.d) best = child;
        }
    }
    free(H.c);
    if (rc != 0) return -1;
    *x = best.x;
    *y = best.y;
    if (distance) *distance = best.d;
    return 0;
}

int wm_pole_of_inaccessibility(OGRGeometryH area, double precision, double *x, double *y,
                               double *distance)
{
    if (!area || OGR_G_IsEmpty(area)) return -1;
    OGRGeometryH linear = NULL;
    if (OGR_G_HasCurveGeometry(area, TRUE)) {
        linear = OGR_G_GetLinearGeometry(area, 0, NULL);
        if (!linear) return -1;
        area = linear;
    }
    int rc = -1;
    OGRGeometryH poly = largest_polygon(area);
    rings R = { 0 };
    if (poly && rings_add_polygon(&R, poly, NULL) == 0 && R.nrings > 0 && R.start[1] >= 3)
        rc = polylabel(&R, precision, x, y, distance);
    rings_free(&R);
    if (linear) OGR_G_DestroyGeometry(linear);
    return rc;
}

/* ---- labels: helpers for the caller ------------------------------------ */

/* Lines are stacked at this multiple of the font size. */
#define LINE_PITCH 1.2

int wm_label_boxes_intersect(const wm_placed_label *a, const wm_placed_label *b)
{
    if (a->mode == WM_LABEL_DROPPED || b->mode == WM_LABEL_DROPPED) return 0;
    return boxes_overlap(a->box, b->box);
}

void wm_label_line_centre(const wm_placed_label *l, int i, double *x, double *y)
{
    *x = l->x;
    *y = l->y + (i - (l->nlines - 1) / 2.0) * LINE_PITCH * l->size;
}

void wm_label_leader_start(const wm_placed_label *l, double *x, double *y)
{
    double dx = l->anchor_x - l->x, dy = l->anchor_y - l->y, t = 1;
    if (dx > 0) t = fmin(t, (l->box[2] - l->x) / dx);
    if (dx < 0) t = fmin(t, (l->box[0] - l->x) / dx);
    if (dy > 0) t = fmin(t, (l->box[3] - l->y) / dy);
    if (dy < 0) t = fmin(t, (l->box[1] - l->y) / dy);
    *x = l->x + t * dx;
    *y = l->y + t * dy;
}

int wm_label_needs_leader(const wm_placed_label *l)
{
    if (l->mode == WM_LABEL_LEADER) return 1;
    if (l->mode != WM_LABEL_NUMBER) return 0;
    return l->anchor_x < l->box[0] || l->anchor_x > l->box[2] || l->anchor_y < l->box[1] ||
           l->anchor_y > l->box[3];
}

/* ---- labels: text blocks ----------------------------------------------- */

typedef struct text_block {
    int nlines;
    char lines[WM_LABEL_MAX_LINES][128];
    double size;
    double w;              /* width of the widest line's ink */
    double top, bottom;    /* ink extent above and below the block's centre */
} text_block;

/* Measure the lines of `b` at its size (the font face is already set). */
static void measure_block(cairo_t *cr, text_block *b)
{
    cairo_set_font_size(cr, b->size);
    b->w = 0;
    b->top = INFINITY;
    b->bottom = -INFINITY;
    for (int i = 0; i < b->nlines; i++) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, b->lines[i], &e);
        double cy = (i - (b->nlines - 1) / 2.0) * LINE_PITCH * b->size;
        b->w = fmax(b->w, e.width);
        b->top = fmin(b->top, cy - e.height / 2);
        b->bottom = fmax(b->bottom, cy + e.height / 2);
    }
}

static int copy_line(char *dst, const char *src, size_t len)
{
    if (len >= 128) return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

/* Words of `text` joined by single spaces into line `dst`: words [from, to). */
static int join_words(char *dst, const char *const *w, const size_t *wl, size_t from, size_t to)
{
    size_t len = 0;
    for (size_t i = from; i < to; i++) len += wl[i] + (i > from);
    if (len >= 128) return -1;
    char *p = dst;
    for (size_t i = from; i < to; i++) {
        if (i > from) *p++ = ' ';
        memcpy(p, w[i], wl[i]);
        p += wl[i];
    }
    *p = '\0';
    return 0;
}

/* Lay `text` out on `nlines` lines at `size`.  Two or three lines break
 * at spaces, choosing the breaks that make the widest line narrowest
 * (the earliest such breaks on ties).  Returns 0, or -1 when the text has
 * too few words or a line would not fit the line buffer. */
static int layout_text(cairo_t *cr, const char *text, int nlines, double size, text_block *out)
{
    memset(out, 0, sizeof *out);
    out->size = size;
    out->nlines = nlines;
    if (nlines == 1) {
        if (copy_line(out->lines[0], text, strlen(text)) != 0) return -1;
        measure_block(cr, out);
        return 0;
    }
    size_t cap = strlen(text) / 2 + 1, nw = 0;
    const char **w = malloc(cap * sizeof *w);
    size_t *wl = malloc(cap * sizeof *wl);
    int rc = -1;
    if (!w || !wl) goto done;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ') e++;
        w[nw] = p;
        wl[nw++] = (size_t)(e - p);
        p = e;
    }
    if (nw < (size_t)nlines) goto done;
    text_block cand;
    double best = INFINITY;
    for (size_t i = 1; i < nw; i++) {
        for (size_t j = nlines == 3 ? i + 1 : nw; j <= nw; j++) {
            if (nlines == 3 && j == nw) break;
            memset(&cand, 0, sizeof cand);
            cand.size = size;
            cand.nlines = nlines;
            if (join_words(cand.lines[0], w, wl, 0, i) != 0) continue;
            if (nlines == 2) {
                if (join_words(cand.lines[1], w, wl, i, nw) != 0) continue;
            } else if (join_words(cand.lines[1], w, wl, i, j) != 0 ||
                       join_words(cand.lines[2], w, wl, j, nw) != 0) {
                continue;
            }
            measure_block(cr, &cand);
            if (cand.w < best) {
                best = cand.w;
                *out = cand;
                rc = 0;
            }
        }
    }
done:
    free(w);
    free(wl);
    return rc;
}

/* ---- labels: placement ------------------------------------------------- */

enum { FB_SHRINK, FB_WRAP, FB_LEADER, FB_NUMBER };

typedef struct area_info {
    size_t index;
    const char *name;
    int ok;             /* has a name and an interior */
    double px, py;      /* pole, page points */
    double room;        /* pole distance, page points */
    rings page;         /* every ring, page points */
} area_info;

typedef struct placer {
    cairo_t *cr;
    const wm_label_style *st;
    const wm_affine *tf;
    const double *frame;
    const double (*obs)[4];
    int nobs;
    const OGRGeometryH *geoms;
    area_info *areas;
    size_t n;
    wm_placed_label *out;
    size_t *placed;      /* indices into out of the labels placed so far */
    size_t nplaced;
    double (*leaders)[4];   /* leader lines drawn so far: x0, y0, x1, y1 */
    size_t nleaders;
    double sizes[256];   /* the shrink steps, preferred size first */
    int nsizes;
} placer;

static void block_box(const placer *P, const text_block *b, double cx, double cy, double box[4])
{
    double halo = P->st->halo > 0 ? P->st->halo : 0;
    box[0] = cx - b->w / 2 - halo;
    box[2] = cx + b->w / 2 + halo;
    box[1] = cy + b->top - halo;
    box[3] = cy + b->bottom + halo;
}

static int leader_hits_box(const double s[4], const double b[4])
{
    if (fmax(s[0], s[2]) < b[0] || fmin(s[0], s[2]) > b[2] || fmax(s[1], s[3]) < b[1] ||
        fmin(s[1], s[3]) > b[3])
        return 0;
    return segment_hits_box(s[0], s[1], s[2], s[3], b);
}

static double orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Whether two segments cross (touching counts). */
static int segments_cross(const double s[4], const double t[4])
{
    double d1 = orient(t[0], t[1], t[2], t[3], s[0], s[1]), d2 = orient(t[0], t[1], t[2], t[3], s[2], s[3]);
    double d3 = orient(s[0], s[1], s[2], s[3], t[0], t[1]), d4 = orient(s[0], s[1], s[2], s[3], t[2], t[3]);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 1;
    double bs[4] = { fmin(s[0], s[2]), fmin(s[1], s[3]), fmax(s[0], s[2]), fmax(s[1], s[3]) };
    double bt[4] = { fmin(t[0], t[2]), fmin(t[1], t[3]), fmax(t[0], t[2]), fmax(t[1], t[3]) };
    if (!boxes_meet(bs, bt)) return 0;
    return (d1 == 0 && segment_hits_box(s[0], s[1], s[0], s[1], bt)) ||
           (d2 == 0 && segment_hits_box(s[2], s[3], s[2], s[3], bt)) ||
           (d3 == 0 && segment_hits_box(t[0], t[1], t[0], t[1], bs)) ||
           (d4 == 0 && segment_hits_box(t[2], t[3], t[2], t[3], bs));
}

/* In the frame, clear of obstacles, other labels and their leader lines. */
static int spot_is_free(const placer *P, const double box[4])
{
    const double *f = P->frame;
    if (box[0] < f[0] || box[1] < f[1] || box[2] > f[2] || box[3] > f[3]) return 0;
    for (int i = 0; i < P->nobs; i++)
        if (boxes_meet(box, P->obs[i])) return 0;
    for (size_t i = 0; i < P->nplaced; i++)
        if (boxes_overlap(box, P->out[P->placed[i]].box)) return 0;
    for (size_t i = 0; i < P->nleaders; i++)
        if (leader_hits_box(P->leaders[i], box)) return 0;
    return 1;
}

static double map_x(const wm_affine *tf, double px) { return tf->mx + (px - tf->ox) / tf->k; }
static double map_y(const wm_affine *tf, double py) { return tf->my - (py - tf->oy) / tf->k; }

/* GEOS's word on whether the page box lies within the area. */
static int box_within_area(const placer *P, const area_info *A, const double b[4])
{
    const wm_affine *tf = P->tf;
    double x0 = map_x(tf, b[0]), x1 = map_x(tf, b[2]), y0 = map_y(tf, b[3]), y1 = map_y(tf, b[1]);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    if (!ring || !poly) {
        if (ring) OGR_G_DestroyGeometry(ring);
        if (poly) OGR_G_DestroyGeometry(poly);
        return 0;
    }
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGR_G_AddPoint_2D(ring, x1, y0);
    OGR_G_AddPoint_2D(ring, x1, y1);
    OGR_G_AddPoint_2D(ring, x0, y1);
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGR_G_AddGeometryDirectly(poly, ring);
    int ok = OGR_G_Within(poly, P->geoms[A->index]);
    OGR_G_DestroyGeometry(poly);
    return ok;
}

static void record(placer *P, const area_info *A, const text_block *b, wm_label_mode mode,
                   double cx, double cy, const double box[4])
{
    wm_placed_label *l = &P->out[A->index];
    int number = l->number;
    memset(l, 0, sizeof *l);
    l->mode = mode;
    l->size = b->size;
    l->nlines = b->nlines;
    memcpy(l->lines, b->lines, sizeof l->lines);
    l->x = cx;
    l->y = cy;
    memcpy(l->box, box, sizeof l->box);
    l->anchor_x = A->px;
    l->anchor_y = A->py;
    l->number = number;
    P->placed[P->nplaced++] = A->index;
    if (wm_label_needs_leader(l)) {
        double *seg = P->leaders[P->nleaders++];
        wm_label_leader_start(l, &seg[0], &seg[1]);
        seg[2] = l->anchor_x;
        seg[3] = l->anchor_y;
    }
}

/* Candidate offsets from the pole, in units of the label's width and
 * height, nearest first: the pole maximises room for a circle, and a
 * wide label in a long area often fits better a little to one side. */
static const double OFFSETS[][2] = {
    { 0, 0 },       { 0, -0.5 },     { 0, 0.5 },     { -0.25, 0 },    { 0.25, 0 },
    { -0.25, -0.5 }, { 0.25, -0.5 },  { -0.25, 0.5 }, { 0.25, 0.5 },   { -0.5, 0 },
    { 0.5, 0 },     { 0, -1 },       { 0, 1 },       { -0.5, -0.5 },  { 0.5, -0.5 },
    { -0.5, 0.5 },  { 0.5, 0.5 },    { -0.5, -1 },   { 0.5, -1 },     { -0.5, 1 },
    { 0.5, 1 },
};
#define NOFFSETS (sizeof OFFSETS / sizeof OFFSETS[0])

/* Try the block at the candidate offsets around the pole; `inside`
 * requires the box to lie wholly inside the area. */
static int try_near_pole(placer *P, const area_info *A, const text_block *b, int inside,
                         double scale, wm_label_mode mode)
{
    double box[4];
    block_box(P, b, 0, 0, box);
    double bw = box[2] - box[0], bh = box[3] - box[1];
    for (size_t i = 0; i < NOFFSETS; i++) {
        double cx = A->px + OFFSETS[i][0] * bw * scale, cy = A->py + OFFSETS[i][1] * bh * scale;
        block_box(P, b, cx, cy, box);
        if (inside && !box_inside(&A->page, box)) continue;
        if (!spot_is_free(P, box)) continue;
        if (inside && !box_within_area(P, A, box)) continue;
        record(P, A, b, mode, cx, cy, box);
        return 1;
    }
    return 0;
}

#define LEADER_DIRECTIONS 16

/* A leader longer than this many times the label size is harder to
 * follow than a number in a key table. */
#define LEADER_MAX_SIZES 4.0

/* Search rings of growing radius around the pole for a spot outside the
 * area, nearest first, with a leader no longer than `max_leader` points.
 * `strict` also keeps the box off every other area's pole (where that
 * area's own label wants to go) and the leader clear of other labels,
 * leaders and obstacles. */
static int try_leader(placer *P, const area_info *A, const text_block *b, int strict,
                      double max_leader, wm_label_mode mode)
{
    double box[4];
    block_box(P, b, 0, 0, box);
    double bw = box[2] - box[0], bh = box[3] - box[1];
    double step = fmax(2.0, fmin(bw, bh) / 2);
    /* The box centre is at most half its diagonal from where the leader
     * leaves it. */
    double rmax = fmin(hypot(P->frame[2] - P->frame[0], P->frame[3] - P->frame[1]),
                       max_leader + hypot(bw, bh) / 2);
    for (int ri = 1;; ri++) {
        double R = A->room + ri * step;
        if (R > rmax) break;
        for (int k = 0; k < LEADER_DIRECTIONS; k++) {
            double a = k * (2 * PI / LEADER_DIRECTIONS);
            double cx = A->px + R * cos(a), cy = A->py - R * sin(a);
            block_box(P, b, cx, cy, box);
            if (!spot_is_free(P, box) || !box_outside(&A->page, box)) continue;
            wm_placed_label probe;
            probe.x = cx;
            probe.y = cy;
            memcpy(probe.box, box, sizeof box);
            probe.anchor_x = A->px;
            probe.anchor_y = A->py;
            double seg[4] = { 0, 0, A->px, A->py };
            wm_label_leader_start(&probe, &seg[0], &seg[1]);
            if (hypot(seg[2] - seg[0], seg[3] - seg[1]) > max_leader) continue;
            if (strict) {
                int clear = 1;
                double pad = b->size / 2;
                for (size_t j = 0; j < P->n && clear; j++) {
                    const area_info *o = &P->areas[j];
                    if (o == A || !o->ok) continue;
                    if (o->px >= box[0] - pad && o->px <= box[2] + pad && o->py >= box[1] - pad &&
                        o->py <= box[3] + pad)
                        clear = 0;
                }
                for (size_t j = 0; j < P->nplaced && clear; j++)
                    if (leader_hits_box(seg, P->out[P->placed[j]].box)) clear = 0;
                for (int j = 0; j < P->nobs && clear; j++)
                    if (leader_hits_box(seg, P->obs[j])) clear = 0;
                for (size_t j = 0; j < P->nleaders && clear; j++)
                    if (segments_cross(seg, P->leaders[j])) clear = 0;
                if (!clear) continue;
            }
            record(P, A, b, mode, cx, cy, box);
            return 1;
        }
    }
    return 0;
}

static int try_inside(placer *P, const area_info *A, int nlines, double size)
{
    text_block b;
    if (layout_text(P->cr, A->name, nlines, size, &b) != 0) return 0;
    return try_near_pole(P, A, &b, 1, 1.0, WM_LABEL_INSIDE);
}

/* Place one name inside its area, or by the style's fallbacks short of
 * numbering.  Returns 1 when placed, 0 when the map must be numbered (or
 * the label dropped). */
static int place_name(placer *P, const area_info *A, const int *fb, int nfb)
{
    double size = P->sizes[0], min_size = P->sizes[P->nsizes - 1];
    if (try_inside(P, A, 1, size)) return 1;
    int shrink = 0, wrap = 0;
    for (int f = 0; f < nfb; f++) {
        switch (fb[f]) {
        case FB_SHRINK:
            shrink = 1;
            for (int lines = 1; lines <= (wrap ? WM_LABEL_MAX_LINES : 1); lines++)
                for (int s = 1; s < P->nsizes; s++)
                    if (try_inside(P, A, lines, P->sizes[s])) return 1;
            break;
        case FB_WRAP:
            wrap = 1;
            for (int lines = 2; lines <= WM_LABEL_MAX_LINES; lines++)
                for (int s = 0; s < (shrink ? P->nsizes : 1); s++)
                    if (try_inside(P, A, lines, P->sizes[s])) return 1;
            break;
        case FB_LEADER: {
            /* Preferred size first, on one line, then wrapped; then the
             * smallest size if shrinking is allowed. */
            double sizes[2] = { size, min_size };
            int nsz = shrink && min_size < size ? 2 : 1;
            for (int strict = 1; strict >= 0; strict--)
                for (int s = 0; s < nsz; s++)
                    for (int lines = 1; lines <= (wrap ? WM_LABEL_MAX_LINES : 1); lines++) {
                        text_block b;
                        if (layout_text(P->cr, A->name, lines, sizes[s], &b) != 0) continue;
                        if (try_leader(P, A, &b, strict, LEADER_MAX_SIZES * size, WM_LABEL_LEADER))
                            return 1;
                    }
            break;
        }
        case FB_NUMBER:
            return 0;
        }
    }
    return 0;
}

/* Place a number: at the pole, shrinking if need be, then near the pole
 * over the boundary, then away from it with a leader. */
static int place_number(placer *P, const area_info *A)
{
    text_block b;
    char num[32];
    snprintf(num, sizeof num, "%d", P->out[A->index].number);
    for (int s = 0; s < P->nsizes; s++) {
        if (layout_text(P->cr, num, 1, P->sizes[s], &b) != 0) return 0;
        if (try_near_pole(P, A, &b, 1, 1.0, WM_LABEL_NUMBER)) return 1;
    }
    for (int s = 0; s < P->nsizes; s++) {
        if (layout_text(P->cr, num, 1, P->sizes[s], &b) != 0) return 0;
        if (try_near_pole(P, A, &b, 0, 1.0, WM_LABEL_NUMBER)) return 1;
        if (try_near_pole(P, A, &b, 0, 2.0, WM_LABEL_NUMBER)) return 1;
    }
    /* Last resort: any free spot in the frame rather than no number. */
    if (layout_text(P->cr, num, 1, P->sizes[P->nsizes - 1], &b) != 0) return 0;
    double size = P->sizes[0];
    if (try_leader(P, A, &b, 1, LEADER_MAX_SIZES * size, WM_LABEL_NUMBER)) return 1;
    return try_leader(P, A, &b, 0, INFINITY, WM_LABEL_NUMBER);
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z') cb += 'a' - 'A';
        if (ca != cb || !ca) return ca - cb;
    }
}

static int by_name(const area_info *a, const area_info *b)
{
    int c = ascii_casecmp(a->name, b->name);
    if (!c) c = strcmp(a->name, b->name);
    if (!c) c = (a->index > b->index) - (a->index < b->index);
    return c;
}

static int by_room(const void *pa, const void *pb)
{
    const area_info *a = *(const area_info *const *)pa, *b = *(const area_info *const *)pb;
    if (a->room != b->room) return a->room < b->room ? -1 : 1;
    return by_name(a, b);
}

static int by_name_qsort(const void *pa, const void *pb)
{
    return by_name(*(const area_info *const *)pa, *(const area_info *const *)pb);
}

static int parse_fallbacks(const char *spec, int *fb, int *nfb, wm_error *err)
{
    static const char *const names[] = { "shrink", "wrap", "leader", "number" };
    *nfb = 0;
    if (!spec) spec = "shrink,wrap,leader,number";
    for (const char *p = spec; *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ') e++;
        size_t len = (size_t)(e - p);
        int found = -1;
        for (int i = 0; i < 4; i++)
            if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0) found = i;
        if (found < 0)
            return wm_error_set(err, WM_EXIT_DATA,
                                "label fallbacks \"%s\": unknown fallback \"%.*s\" (use shrink, wrap, leader, number)",
                                spec, (int)len, p);
        if (*nfb < 16) fb[(*nfb)++] = found;
        p = e;
    }
    return 0;
}

int wm_place_labels(cairo_t *cr, const OGRGeometryH *areas, const char *const *names, size_t n,
                    const wm_affine *tf, const wm_label_style *style, const double frame[4],
                    const double (*obstacles)[4], int nobstacles, wm_placed_label *out,
                    wm_error *err)
{
    if (!cr || !tf || !style || !frame || (n && (!areas || !names || !out)) ||
        (nobstacles > 0 && !obstacles))
        return wm_error_set(err, WM_EXIT_USAGE, "wm_place_labels: missing argument");
    if (!(tf->k > 0) || !isfinite(tf->k))
        return wm_error_set(err, WM_EXIT_USAGE, "wm_place_labels: map scale %g is not positive", tf->k);
    if (!(style->size > 0) || !isfinite(style->size))
        return wm_error_set(err, WM_EXIT_DATA, "label size %g is not positive", style->size);
    int fb[16], nfb;
    if (parse_fallbacks(style->fallbacks, fb, &nfb, err) != 0) return -1;
    if (n == 0) return 0;

    placer P;
    memset(&P, 0, sizeof P);
    P.cr = cr;
    P.st = style;
    P.tf = tf;
    P.frame = frame;
    P.obs = obstacles;
    P.nobs = nobstacles > 0 ? nobstacles : 0;
    P.geoms = areas;
    P.n = n;
    P.out = out;
    P.sizes[P.nsizes++] = style->size;
    double min_size = style->min_size;
    if (min_size > 0 && min_size < style->size) {
        for (int k = 1; P.nsizes < 255; k++) {
            double s = style->size - 0.5 * k;
            if (s <= min_size + 1e-9) break;
            P.sizes[P.nsizes++] = s;
        }
        P.sizes[P.nsizes++] = min_size;
    }

    P.areas = calloc(n, sizeof *P.areas);
    P.placed = calloc(n, sizeof *P.placed);
    P.leaders = calloc(n, sizeof *P.leaders);
    area_info **order = calloc(n, sizeof *order);
    int rc = 0;
    if (!P.areas || !P.placed || !P.leaders || !order) {
        rc = wm_error_set(err, WM_EXIT_DATA, "labels: out of memory for %zu areas", n);
        goto done;
    }
    memset(out, 0, n * sizeof *out);

    for (size_t i = 0; i < n; i++) {
        area_info *A = &P.areas[i];
        A->index = i;
        A->name = names[i] ? names[i] : "";
        order[i] = A;
        out[i].mode = WM_LABEL_DROPPED;
        double x, y, d;
        if (!*A->name || !areas[i] || wm_pole_of_inaccessibility(areas[i], 0.5 / tf->k, &x, &y, &d) != 0)
            continue;
        if (rings_add_areal(&A->page, areas[i], tf) != 0) {
            rc = wm_error_set(err, WM_EXIT_DATA, "labels: out of memory for area \"%s\"", A->name);
            goto done;
        }
        A->px = tf->ox + (x - tf->mx) * tf->k;
        A->py = tf->oy - (y - tf->my) * tf->k;
        A->room = d * tf->k;
        A->ok = A->page.nrings > 0;
        out[i].anchor_x = A->px;
        out[i].anchor_y = A->py;
    }
    qsort(order, n, sizeof *order, by_room);

    cairo_save(cr);
    cairo_select_font_face(cr, style->font && *style->font ? style->font : "sans-serif",
                           CAIRO_FONT_SLANT_NORMAL,
                           style->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    int numbered = 0;
    for (size_t i = 0; i < n && !numbered; i++) {
        const area_info *A = order[i];
        if (!A->ok || place_name(&P, A, fb, nfb)) continue;
        for (int f = 0; f < nfb; f++)
            if (fb[f] == FB_NUMBER) numbered = 1;
    }
    if (numbered) {
        /* Start again with numbers 1..n in name order, placed smallest room first. */
        P.nplaced = 0;
        P.nleaders = 0;
        memset(out, 0, n * sizeof *out);
        for (size_t i = 0; i < n; i++) {
            out[i].mode = WM_LABEL_DROPPED;
            out[i].anchor_x = P.areas[i].px;
            out[i].anchor_y = P.areas[i].py;
        }
        area_info **alpha = malloc(n * sizeof *alpha);
        if (!alpha) {
            cairo_restore(cr);
            rc = wm_error_set(err, WM_EXIT_DATA, "labels: out of memory for %zu areas", n);
            goto done;
        }
        memcpy(alpha, order, n * sizeof *alpha);
        qsort(alpha, n, sizeof *alpha, by_name_qsort);
        int number = 0;
        for (size_t i = 0; i < n; i++)
            if (alpha[i]->ok) out[alpha[i]->index].number = ++number;
        free(alpha);
        for (size_t i = 0; i < n; i++)
            if (order[i]->ok) place_number(&P, order[i]);
        rc = 1;
    }
    cairo_restore(cr);

done:
    if (P.areas)
        for (size_t i = 0; i < n; i++) rings_free(&P.areas[i].page);
    free(P.areas);
    free(P.placed);
    free(P.leaders);
    free(order);
    return rc;
}
