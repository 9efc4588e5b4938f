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
