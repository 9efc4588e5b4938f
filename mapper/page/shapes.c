/* shapes.c -- areas into page points, thinned, with their outline widths. */
#include "shapes.h"

#include <math.h>
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
