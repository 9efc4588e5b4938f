/* Neighbours and candidate clusters (cluster.h). */
#include "cluster.h"
#include "sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether two geometries share more than points: a line of their
 * boundaries, or some area.  No OGR_G_Intersects first: OGR converts
 * both geometries to GEOS for every call, and the pairs asked (their
 * envelopes meet) mostly intersect, so the test cost a third of finding
 * Coventry's LSOAs' neighbours; the intersection of two disjoint ones is
 * empty. */
static int share_edge(OGRGeometryH a, OGRGeometryH b)
{
    OGRGeometryH x = OGR_G_Intersection(a, b);
    if (!x) return OGR_G_Touches(a, b);   /* GEOS failed: fall back to touching */
    /* Lines (dimension 1) or areas (2) among the parts; points are corners. */
    int shared = !OGR_G_IsEmpty(x) && OGR_G_GetDimension(x) >= 1;
    OGR_G_DestroyGeometry(x);
    return shared;
}

/* A boundary's edges, each with its ends in a fixed order, sorted: two
 * areas whose boundaries have an edge the same, end for end, share a
 * stretch of line without asking GEOS.  Neighbouring areas of one
 * published file have their common boundary's vertices in common, so
 * this settles most pairs whose envelopes meet; the rest (no common
 * edge: apart, meeting at a corner, overlapping, or drawn with other
 * vertices) are GEOS's (share_edge). */
typedef struct edge {
    double x0, y0, x1, y1;
} edge;

typedef struct edges {
    edge *e;
    size_t n, cap;
} edges;

static int edge_cmp(const void *pa, const void *pb)
{
    const edge *a = pa, *b = pb;
    const double ka[4] = { a->x0, a->y0, a->x1, a->y1 }, kb[4] = { b->x0, b->y0, b->x1, b->y1 };
    for (int k = 0; k < 4; k++)
        if (ka[k] != kb[k]) return ka[k] < kb[k] ? -1 : 1;
    return 0;
}

/* The edges of `g`'s rings (of any polygon or collection) into `out`;
 * -1 when out of memory. */
static int add_edges(OGRGeometryH g, edges *out)
{
    int parts = OGR_G_GetGeometryCount(g);
    if (parts > 0) {
        for (int i = 0; i < parts; i++)
            if (add_edges(OGR_G_GetGeometryRef(g, i), out) != 0) return -1;
        return 0;
    }
    int np = OGR_G_GetPointCount(g);
    if (np < 2) return 0;
    if (out->n + (size_t)np > out->cap) {
        size_t cap = (out->n + (size_t)np) * 2;
        edge *e = realloc(out->e, cap * sizeof *e);
        if (!e) return -1;
        out->e = e;
        out->cap = cap;
    }
    double *xy = malloc(2 * (size_t)np * sizeof *xy);
    if (!xy) return -1;
    OGR_G_GetPoints(g, xy, 2 * sizeof *xy, xy + 1, 2 * sizeof *xy, NULL, 0);
    for (int k = 1; k < np; k++) {
        double ax = xy[2 * k - 2], ay = xy[2 * k - 1], bx = xy[2 * k], by = xy[2 * k + 1];
        if (ax == bx && ay == by) continue;
        int swap = bx < ax || (bx == ax && by < ay);
        out->e[out->n++] = swap ? (edge){ bx, by, ax, ay } : (edge){ ax, ay, bx, by };
    }
    free(xy);
    return 0;
}

/* Whether the sorted edge lists a and b have an edge in common. */
static int common_edge(const edges *a, const edges *b)
{
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        int c = edge_cmp(&a->e[i], &b->e[j]);
        if (c == 0) return 1;
        if (c < 0) i++;
        else j++;
    }
    return 0;
}

unsigned char *wm_neighbours(const OGRGeometryH *geoms, size_t n)
{
    unsigned char *adj = calloc(n ? n * n : 1, 1);
    OGREnvelope *env = malloc((n ? n : 1) * sizeof *env);
    edges *ed = calloc(n ? n : 1, sizeof *ed);
    int ok = adj && env && ed;
    for (size_t i = 0; ok && i < n; i++)
        if (geoms[i]) {
            OGR_G_GetEnvelope(geoms[i], &env[i]);
            ok = add_edges(geoms[i], &ed[i]) == 0;
            if (ok) wm_sort(ed[i].e, ed[i].n, sizeof *ed[i].e, edge_cmp);
        }
    for (size_t i = 0; ok && i < n; i++) {
        if (!geoms[i]) continue;
        for (size_t j = i + 1; j < n; j++) {
            if (!geoms[j]) continue;
            if (env[i].MaxX < env[j].MinX || env[j].MaxX < env[i].MinX || env[i].MaxY < env[j].MinY ||
                env[j].MaxY < env[i].MinY)
                continue;
            unsigned char s = (unsigned char)(common_edge(&ed[i], &ed[j]) || share_edge(geoms[i], geoms[j]));
            adj[i * n + j] = adj[j * n + i] = s;
        }
    }
    for (size_t i = 0; ed && i < n; i++) free(ed[i].e);
    free(ed);
    free(env);
    if (!ok) {
        free(adj);
        return NULL;
    }
    return adj;
}

static int find_root(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

int wm_components(const unsigned char *adj, size_t n, int *component)
{
    int *parent = malloc((n ? n : 1) * sizeof *parent);
    if (!parent) return -1;
    for (size_t i = 0; i < n; i++) parent[i] = (int)i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (adj[i * n + j] || adj[j * n + i]) {
                int a = find_root(parent, (int)i), b = find_root(parent, (int)j);
                if (a != b) parent[a < b ? b : a] = a < b ? a : b;
            }
    /* Number the groups in order of their first item. */
    int c = 0;
    for (size_t i = 0; i < n; i++) component[i] = -1;
    for (size_t i = 0; i < n; i++) {
        int r = find_root(parent, (int)i);
        if (component[r] < 0) component[r] = c++;
        component[i] = component[r];
    }
    free(parent);
    return c;
}

/* ---- candidates ---- */

/* More deprived first; ties to the lower index. */
static int before(const wm_cluster_input *in, size_t a, size_t b)
{
    double na = in->need[a], nb = in->need[b];
    if (isnan(na) != isnan(nb)) return isnan(nb);
    if (!isnan(na) && na != nb) return na < nb;
    return a < b;
}

static int add_cluster(wm_clusters *out, size_t *cap, const size_t *members, size_t n, double population, int split,
                       const wm_cluster_limits *lim)
{
    if (out->n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        wm_cluster *nc = realloc(out->c, *cap * sizeof *nc);
        if (!nc) return -1;
        out->c = nc;
    }
    wm_cluster *c = &out->c[out->n];
    memset(c, 0, sizeof *c);
    c->members = malloc((n ? n : 1) * sizeof *c->members);
    if (!c->members) return -1;
    memcpy(c->members, members, n * sizeof *members);
    c->n = n;
    c->population = population;
    c->split = split;
    c->too_small = population < lim->min_population;
    c->over_maximum = population > lim->max_population;
    out->n++;
    return 0;
}

/* Split one group of neighbours (items[0..m-1]) by growing clusters from
 * the most deprived area left. */
static int split_group(const wm_cluster_input *in, const wm_cluster_limits *lim, const size_t *items, size_t m,
                       wm_clusters *out, size_t *cap)
{
    unsigned char *placed = calloc(m ? m : 1, 1);
    size_t *cl = malloc((m ? m : 1) * sizeof *cl);
    unsigned char *in_cl = calloc(m ? m : 1, 1);
    int rc = placed && cl && in_cl ? 0 : -1;
    size_t left = m;
    while (rc == 0 && left > 0) {
        size_t seed = m;
        for (size_t k = 0; k < m; k++)
            if (!placed[k] && (seed == m || before(in, items[k], items[seed]))) seed = k;
        size_t n = 0;
        double pop = in->population[items[seed]];
        memset(in_cl, 0, m);
        cl[n++] = seed;
        in_cl[seed] = 1;
        for (;;) {
            size_t best = m;
            for (size_t k = 0; k < m; k++) {
                if (placed[k] || in_cl[k]) continue;
                if (pop + in->population[items[k]] > lim->max_population) continue;
                int touches = 0;
                for (size_t t = 0; t < n && !touches; t++) touches = in->adj[items[cl[t]] * in->n + items[k]];
                if (touches && (best == m || before(in, items[k], items[best]))) best = k;
            }
            if (best == m) break;
            cl[n++] = best;
            in_cl[best] = 1;
            pop += in->population[items[best]];
        }
        size_t *members = malloc(n * sizeof *members);
        if (!members) { rc = -1; break; }
        for (size_t t = 0; t < n; t++) {
            members[t] = items[cl[t]];
            placed[cl[t]] = 1;
        }
        left -= n;
        rc = add_cluster(out, cap, members, n, pop, 1, lim);
        free(members);
    }
    free(placed);
    free(cl);
    free(in_cl);
    return rc;
}

static int by_need_ctx_cmp(const wm_cluster_input *in, size_t a, size_t b) { return before(in, a, b) ? -1 : 1; }

int wm_clusters_find(const wm_cluster_input *in, const wm_cluster_limits *lim, wm_clusters *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(lim->min_population >= 0 && lim->max_population >= lim->min_population) || isinf(lim->max_population))
        return wm_error_set(err, WM_EXIT_USAGE, "candidates: the population limits must be 0 <= minimum <= maximum "
                            "(got %g and %g)", lim->min_population, lim->max_population);
    size_t n = in->n, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in->qualifies[i]) continue;
        if (!(in->population[i] >= 0))
            return wm_error_set(err, WM_EXIT_DATA, "candidates: small area %zu has no population", i);
        m++;
    }
    /* Neighbours among the qualifying areas only. */
    size_t *idx = malloc((m ? m : 1) * sizeof *idx), *items = malloc((m ? m : 1) * sizeof *items);
    unsigned char *sub = calloc(m ? m * m : 1, 1);
    int *comp = malloc((m ? m : 1) * sizeof *comp);
    size_t cap = 0;
    int rc = idx && items && sub && comp ? 0 : -1;
    if (rc == 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in->qualifies[i]) idx[k++] = i;
        for (size_t a = 0; a < m; a++)
            for (size_t b = 0; b < m; b++) sub[a * m + b] = in->adj[idx[a] * n + idx[b]];
        int ngroups = wm_components(sub, m, comp);
        if (ngroups < 0) rc = -1;
        /* Groups in order of their most deprived area. */
        size_t *seed = malloc(((size_t)(ngroups > 0 ? ngroups : 1)) * sizeof *seed);
        if (!seed) rc = -1;
        for (int g = 0; rc == 0 && g < ngroups; g++) {
            seed[g] = SIZE_MAX;
            for (size_t a = 0; a < m; a++)
                if (comp[a] == g && (seed[g] == SIZE_MAX || before(in, idx[a], seed[g]))) seed[g] = idx[a];
        }
        int *order = malloc(((size_t)(ngroups > 0 ? ngroups : 1)) * sizeof *order);
        if (!order) rc = -1;
        for (int g = 0; rc == 0 && g < ngroups; g++) {
            int j = g;
            while (j > 0 && by_need_ctx_cmp(in, seed[g], seed[order[j - 1]]) < 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = g;
        }
        for (int o = 0; rc == 0 && o < ngroups; o++) {
            int g = order[o];
            size_t gm = 0;
            double pop = 0;
            for (size_t a = 0; a < m; a++)
                if (comp[a] == g) {
                    items[gm++] = idx[a];
                    pop += in->population[idx[a]];
                }
            if (pop <= lim->max_population || gm == 1) {
                /* Members most deprived first. */
                for (size_t s = 1; s < gm; s++) {
                    size_t v = items[s], t = s;
                    while (t > 0 && before(in, v, items[t - 1])) {
                        items[t] = items[t - 1];
                        t--;
                    }
                    items[t] = v;
                }
                rc = add_cluster(out, &cap, items, gm, pop, 0, lim);
            } else {
                rc = split_group(in, lim, items, gm, out, &cap);
            }
        }
        free(seed);
        free(order);
    }
    free(idx);
    free(items);
    free(sub);
    free(comp);
    if (rc != 0) {
        wm_clusters_free(out);
        return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    }
    /* Candidates first, keeping the order found; then the too-small ones. */
    wm_cluster *sorted = malloc((out->n ? out->n : 1) * sizeof *sorted);
    if (!sorted) {
        wm_clusters_free(out);
        return wm_error_set(err, WM_EXIT_IO, "candidates: out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!out->c[i].too_small) sorted[k++] = out->c[i];
    out->ncandidates = k;
    for (size_t i = 0; i < out->n; i++)
        if (out->c[i].too_small) sorted[k++] = out->c[i];
    free(out->c);
    out->c = sorted;
    return 0;
}

void wm_clusters_free(wm_clusters *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) free(c->c[i].members);
    free(c->c);
    memset(c, 0, sizeof *c);
}
