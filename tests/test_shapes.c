/* shapes.h: a boundary two outlined areas share is outlined once, by the
 * area with the wider outline (of equal ones, the first), and each
 * area's outline is its own segments, a run of them one line.
 *
 * Synthetic areas, made here (page points = layer units, y down):
 *
 *     A | B | C      three 10 x 10 squares, outline 0.5 (small)
 *     ---------
 *         D          a 30 x 30 square, outline 1 (large), its top edge
 *                    cut at x = 10 and 20 as theirs are
 *
 * A's ring starts at its top right corner, so its run wraps round the
 * ring's start.  The outlines together are the union's perimeter (140)
 * plus each inner boundary once (10 + 10 + 30). */
#include "shapes.h"
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tally {
    int moves, lines, closes;
    double length, x, y;
} tally;

static void t_move(void *ctx, double x, double y)
{
    tally *t = ctx;
    t->moves++;
    t->x = x;
    t->y = y;
}

static void t_line(void *ctx, double x, double y)
{
    tally *t = ctx;
    t->lines++;
    t->length += hypot(x - t->x, y - t->y);
    t->x = x;
    t->y = y;
}

static void t_close(void *ctx)
{
    ((tally *)ctx)->closes++;
}

static tally outline_of(const wm_shapes *S, size_t i)
{
    tally t;
    memset(&t, 0, sizeof t);
    const wm_shapes_pen pen = { t_move, t_line, t_close, &t };
    wm_shapes_outline(S, i, &pen);
    return t;
}

static const char *const areas[][2] = {
    { "A", "POLYGON ((10 10,0 10,0 0,10 0,10 10))" },
    { "B", "POLYGON ((10 0,20 0,20 10,10 10,10 0))" },
    { "C", "POLYGON ((20 0,30 0,30 10,20 10,20 0))" },
    { "D", "POLYGON ((0 0,0 -30,30 -30,30 0,20 0,10 0,0 0))" },
};
#define NAREAS (sizeof areas / sizeof areas[0])

/* ---- the two halves (wm_shapes_build cuts the layer in two, each half
 * thinned into its room of one array, the second moved down after) ---- */

static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* A ring of `n` vertices round (cx, cy), radius r, jittered so that
 * thinning at 0.5 drops some of them; closed. */
static OGRGeometryH jagged_ring(double cx, double cy, double r, int n, uint32_t *state)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < n; k++) {
        double a = 2 * M_PI * k / n, rr = r * (1 + 0.05 * (double)(lcg(state) % 100) / 100);
        OGR_G_AddPoint_2D(ring, cx + rr * cos(a), cy + rr * sin(a));
    }
    OGR_G_AddPoint_2D(ring, cx + r, cy);
    OGR_G_SetPoint_2D(ring, 0, cx + r, cy);
    return ring;
}

/* Synthetic areas: polygons with a hole, every 7th a multipolygon of
 * two, every 50th without a geometry; `n` of them, ~180,000 vertices for
 * 600 (above the threshold for two threads). */
static wm_layer *synthetic_areas(size_t n)
{
    wm_layer *L = calloc(1, sizeof *L);
    L->features = calloc(n, sizeof *L->features);
    L->spec = strdup("synthetic jagged areas");
    L->n = n;
    uint32_t state = 12345;
    for (size_t i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "S%05zu", i);
        L->features[i].key = strdup(key);
        L->features[i].name = strdup(key);
        if (i % 50 == 49) continue;
        double cx = (double)(i % 30) * 100, cy = (double)(i / 30) * 100;
        int parts = i % 7 == 3 ? 2 : 1;
        OGRGeometryH g = OGR_G_CreateGeometry(parts > 1 ? wkbMultiPolygon : wkbPolygon);
        for (int p = 0; p < parts; p++) {
            OGRGeometryH poly = parts > 1 ? OGR_G_CreateGeometry(wkbPolygon) : g;
            int nv = 150 + (int)(lcg(&state) % 150);
            OGR_G_AddGeometryDirectly(poly, jagged_ring(cx + p * 40, cy, 30 - 10 * p, nv, &state));
            OGR_G_AddGeometryDirectly(poly, jagged_ring(cx + p * 40, cy, 10 - 3 * p, nv / 3, &state));
            if (parts > 1) OGR_G_AddGeometryDirectly(g, poly);
        }
        L->features[i].geom = g;
    }
    return L;
}

static size_t vertices(OGRGeometryH g)
{
    int parts = OGR_G_GetGeometryCount(g);
    if (parts == 0) return (size_t)OGR_G_GetPointCount(g);
    size_t n = 0;
    for (int i = 0; i < parts; i++) n += vertices(OGR_G_GetGeometryRef(g, i));
    return n;
}

/* Every area of the whole layer's shapes is what it is built alone. */
static void check_halves(void)
{
    for (int big = 0; big < 2; big++) {
        size_t n = big ? 600 : 41;
        wm_layer *L = synthetic_areas(n);
        const wm_affine tf = { 0, 0, 0, 0, 1 };
        wm_shapes S;
        CHECK(wm_shapes_build(L, &tf, 0.5, 1, 0.1, &S) == 0);
        CHECK(S.n == n);
        CHECK(S.first_ring[n] == S.nrings && S.first_point[S.nrings] == S.npoints);
        size_t raw = 0, mismatched = 0;
        for (size_t i = 0; i < n; i++) {
            wm_layer one = { .features = &L->features[i], .n = 1, .spec = L->spec };
            wm_shapes A;
            CHECK(wm_shapes_build(&one, &tf, 0.5, 1, 0.1, &A) == 0);
            size_t r0 = S.first_ring[i], nr = S.first_ring[i + 1] - r0;
            if (nr != A.nrings || S.outline[i] != A.outline[0] || S.area[i] != A.area[0]) {
                mismatched++;
                wm_shapes_free(&A);
                continue;
            }
            for (size_t r = 0; r < nr; r++) {
                size_t a = S.first_point[r0 + r], m = S.first_point[r0 + r + 1] - a;
                if (m != A.first_point[r + 1] - A.first_point[r] || S.reversed[r0 + r] != A.reversed[r] ||
                    memcmp(S.xy + 2 * a, A.xy + 2 * A.first_point[r], 2 * m * sizeof *S.xy) != 0)
                    mismatched++;
            }
            if (L->features[i].geom) raw += vertices(L->features[i].geom);
            wm_shapes_free(&A);
        }
        CHECK(mismatched == 0);
        /* Thinning dropped vertices, so the second half was moved down;
         * the large layer is built on two threads. */
        CHECK(S.npoints > 0 && S.npoints < raw);
        if (big) CHECK(S.npoints > 100000);
        wm_shapes_free(&S);
        wm_layer_free(L);
    }
}

int main(void)
{
    wm_layer *L = calloc(1, sizeof *L);
    L->features = calloc(NAREAS, sizeof *L->features);
    L->spec = strdup("synthetic squares");
    L->n = NAREAS;
    for (size_t i = 0; i < NAREAS; i++) {
        L->features[i].key = strdup(areas[i][0]);
        L->features[i].name = strdup(areas[i][0]);
        char *wkt = (char *)areas[i][1];
        CHECK(OGR_G_CreateFromWkt(&wkt, NULL, &L->features[i].geom) == OGRERR_NONE);
    }
    /* With coverage 0.1 a 10-point square may paint 0.5 of width, the
     * 30-point one 1.5: widths 0.5 and the full 1. */
    const wm_affine tf = { 0, 0, 0, 0, 1 };
    wm_shapes S;
    CHECK(wm_shapes_build(L, &tf, 0, 1, 0.1, &S) == 0);
    CHECK_NEAR(S.outline[0], 0.5, 1e-12);
    CHECK_NEAR(S.outline[3], 1, 1e-12);

    tally a = outline_of(&S, 0), b = outline_of(&S, 1), c = outline_of(&S, 2), d = outline_of(&S, 3);
    /* A: all but its bottom (D's, the wider); its right side is A's, not
     * B's (equal widths: the first area).  One line round the ring's
     * start, not two. */
    CHECK_NEAR(a.length, 30, 1e-9);
    CHECK(a.moves == 1 && a.closes == 0);
    /* B and C: their right and top sides. */
    CHECK_NEAR(b.length, 20, 1e-9);
    CHECK(b.moves == 1 && b.closes == 0);
    CHECK_NEAR(c.length, 20, 1e-9);
    CHECK(c.moves == 1 && c.closes == 0);
    /* D: the whole ring, closed. */
    CHECK_NEAR(d.length, 120, 1e-9);
    CHECK(d.moves == 1 && d.closes == 1);
    CHECK_NEAR(a.length + b.length + c.length + d.length, 140 + 10 + 10 + 30, 1e-9);
    wm_shapes_free(&S);

    /* Without outlines nothing is shared: every segment is its area's. */
    CHECK(wm_shapes_build(L, &tf, 0, 0, 0, &S) == 0);
    for (size_t k = 0; k < S.npoints; k++) CHECK(S.own[k] == 1);
    wm_shapes_free(&S);

    /* All areas at one width (coverage 0): D's top is cut by A, B and C,
     * which come first, so they draw it and D does not. */
    CHECK(wm_shapes_build(L, &tf, 0, 1, 0, &S) == 0);
    d = outline_of(&S, 3);
    a = outline_of(&S, 0);
    CHECK_NEAR(d.length, 90, 1e-9);
    CHECK(d.moves == 1 && d.closes == 0);
    CHECK_NEAR(a.length, 40, 1e-9);
    CHECK(a.closes == 1);
    wm_shapes_free(&S);

    wm_layer_free(L);
    check_halves();
    return wm_test_summary();
}
