/* Candidate clusters (cluster.h) on a synthetic grid made here: 8 x 8 unit
 * squares, 1,000 residents each, with known groups of qualifying squares:
 *
 *   A  a 2 x 2 block                      4,000: one candidate
 *   B  two squares side by side           2,000: too small (minimum 3,000)
 *   C  two squares meeting at a corner     1,000 each: not neighbours, so
 *                                          two too-small clusters
 *   D  the top three rows                 24,000: over the 20,000 maximum,
 *                                          split into contiguous clusters
 *                                          of at most 20,000 that cover it
 *
 * and, for neighbours alone, synthetic rectangles that share a side with
 * the same vertices, or a stretch of one without them, or overlap, or
 * meet at a corner (test_neighbour_kinds).
 */
#include "cluster.h"
#include "testutil.h"

#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

#define W 8
#define N (W * W)

static OGRGeometryH square(int x, int y)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, x, y);
    OGR_G_AddPoint_2D(ring, x + 1, y);
    OGR_G_AddPoint_2D(ring, x + 1, y + 1);
    OGR_G_AddPoint_2D(ring, x, y + 1);
    OGR_G_AddPoint_2D(ring, x, y);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* A rectangle x0..x1 by y0..y1, its ring anticlockwise, or clockwise
 * when `reversed` (a shared side is then written the other way round). */
static OGRGeometryH rect(double x0, double y0, double x1, double y1, int reversed)
{
    double xs[5] = { x0, x1, x1, x0, x0 }, ys[5] = { y0, y0, y1, y1, y0 };
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < 5; k++) OGR_G_AddPoint_2D(ring, xs[reversed ? 4 - k : k], ys[reversed ? 4 - k : k]);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* Every way two areas can meet, against P, the square 0..10: the pairs
 * with a common edge are settled without GEOS, the others by it
 * (cluster.c), and both must agree with cluster.h's definition. */
static void test_neighbour_kinds(void)
{
    enum { P, SAME_SIDE, PART_SIDE, OVERLAP, CORNER, APART, MULTI, K };
    OGRGeometryH g[K];
    g[P] = rect(0, 0, 10, 10, 0);
    g[SAME_SIDE] = rect(0, 10, 10, 20, 1);     /* P's top side, the same two vertices, reversed */
    g[PART_SIDE] = rect(10, 2, 20, 8, 0);      /* 6 units of P's right side, no vertex of P's on it */
    g[OVERLAP] = rect(-5, 4, 1, 6, 0);         /* reaches 1 unit into P */
    g[CORNER] = rect(-10, -10, 0, 0, 0);       /* P's bottom-left corner only */
    g[APART] = rect(30, 30, 40, 40, 0);
    g[MULTI] = OGR_G_CreateGeometry(wkbMultiPolygon);   /* far away, and one part on P's bottom side */
    OGR_G_AddGeometryDirectly(g[MULTI], rect(50, 50, 60, 60, 0));
    OGR_G_AddGeometryDirectly(g[MULTI], rect(0, -5, 10, 0, 0));
    unsigned char *adj = wm_neighbours(g, K);
    CHECK(adj != NULL);
    const unsigned char want[K] = { [SAME_SIDE] = 1, [PART_SIDE] = 1, [OVERLAP] = 1, [MULTI] = 1 };
    for (int k = 1; k < K; k++) {
        CHECK(adj[P * K + k] == want[k]);
        CHECK(adj[k * K + P] == want[k]);
    }
    CHECK(adj[CORNER * K + MULTI] == 1);      /* x = 0 from y = -5 to 0, vertices not in common */
    CHECK(adj[OVERLAP * K + CORNER] == 0);    /* envelopes apart */
    CHECK(adj[SAME_SIDE * K + PART_SIDE] == 0);   /* (10, 10) and (10, 8) are not a stretch of line */
    free(adj);
    for (int k = 0; k < K; k++) OGR_G_DestroyGeometry(g[k]);
}

static int at(int x, int y) { return y * W + x; }

/* Whether the cluster's members form one group of neighbours. */
static int contiguous(const unsigned char *adj, const wm_cluster *c)
{
    unsigned char *sub = calloc(c->n * c->n + 1, 1);
    int *comp = malloc((c->n + 1) * sizeof *comp);
    for (size_t a = 0; a < c->n; a++)
        for (size_t b = 0; b < c->n; b++) sub[a * c->n + b] = adj[c->members[a] * N + c->members[b]];
    int groups = wm_components(sub, c->n, comp);
    free(sub);
    free(comp);
    return groups == 1;
}

static int holds(const wm_cluster *c, int cell)
{
    for (size_t k = 0; k < c->n; k++)
        if ((int)c->members[k] == cell) return 1;
    return 0;
}

int main(void)
{
    test_neighbour_kinds();
    OGRGeometryH g[N];
    unsigned char q[N] = { 0 };
    double pop[N], need[N];
    for (int y = 0; y < W; y++)
        for (int x = 0; x < W; x++) {
            g[at(x, y)] = square(x, y);
            pop[at(x, y)] = 1000;
            need[at(x, y)] = at(x, y);      /* lower index, more deprived */
        }
    q[at(0, 0)] = q[at(1, 0)] = q[at(0, 1)] = q[at(1, 1)] = 1;   /* A */
    q[at(4, 0)] = q[at(5, 0)] = 1;                               /* B */
    q[at(2, 2)] = q[at(3, 3)] = 1;                               /* C: corner only */
    for (int y = 5; y < W; y++)
        for (int x = 0; x < W; x++) q[at(x, y)] = 1;             /* D */

    unsigned char *adj = wm_neighbours(g, N);
    CHECK(adj != NULL);
    /* Side neighbours, not corner ones. */
    CHECK(adj[at(0, 0) * N + at(1, 0)] == 1);
    CHECK(adj[at(0, 0) * N + at(1, 1)] == 0);
    CHECK(adj[at(2, 2) * N + at(3, 3)] == 0);

    wm_cluster_input in = { N, adj, q, pop, need };
    wm_cluster_limits lim = { 3000, 20000 };
    wm_clusters cl;
    wm_error err;
    CHECK(wm_clusters_find(&in, &lim, &cl, &err) == 0);

    /* A, then D's pieces (A's seed is the most deprived). */
    CHECK(cl.ncandidates >= 3);
    CHECK(cl.c[0].n == 4 && cl.c[0].population == 4000 && !cl.c[0].too_small && !cl.c[0].split);
    CHECK(holds(&cl.c[0], at(0, 0)) && holds(&cl.c[0], at(1, 1)));
    CHECK(cl.c[0].members[0] == (size_t)at(0, 0));               /* most deprived first */
    size_t d_cells = 0;
    int d_pieces = 0;
    for (size_t i = 1; i < cl.ncandidates; i++) {
        const wm_cluster *c = &cl.c[i];
        CHECK(c->split);
        CHECK(c->population <= 20000 && c->population >= 3000);
        CHECK(contiguous(adj, c));
        for (size_t k = 0; k < c->n; k++) CHECK(c->members[k] >= (size_t)at(0, 5));
        d_cells += c->n;
        d_pieces++;
    }
    CHECK(d_cells == 24);
    CHECK(d_pieces == 2);
    CHECK(cl.c[1].n == 20);                                       /* grown to the maximum first */
    /* The too-small ones: B (2 squares), C (two of 1). */
    CHECK(cl.n - cl.ncandidates == 3);
    int b_found = 0, singles = 0;
    for (size_t i = cl.ncandidates; i < cl.n; i++) {
        CHECK(cl.c[i].too_small);
        if (cl.c[i].n == 2 && holds(&cl.c[i], at(4, 0)) && holds(&cl.c[i], at(5, 0))) b_found = 1;
        if (cl.c[i].n == 1) singles++;
    }
    CHECK(b_found);
    CHECK(singles == 2);
    /* Every cluster, candidate or not, is contiguous. */
    for (size_t i = 0; i < cl.n; i++) CHECK(contiguous(adj, &cl.c[i]));
    wm_clusters_free(&cl);

    /* A lower maximum splits A too, and a missing population is an error. */
    wm_cluster_limits tight = { 0, 2000 };
    CHECK(wm_clusters_find(&in, &tight, &cl, &err) == 0);
    for (size_t i = 0; i < cl.n; i++) CHECK(cl.c[i].population <= 2000);
    wm_clusters_free(&cl);
    wm_cluster_limits bad = { 5000, 100 };
    CHECK(wm_clusters_find(&in, &bad, &cl, &err) != 0 && err.code == WM_EXIT_USAGE);
    pop[at(0, 0)] = NAN;
    CHECK(wm_clusters_find(&in, &lim, &cl, &err) != 0 && err.code == WM_EXIT_DATA);

    free(adj);
    for (int i = 0; i < N; i++) OGR_G_DestroyGeometry(g[i]);
    return wm_test_summary();
}
