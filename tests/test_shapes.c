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
    return wm_test_summary();
}
