/* reproject.c -- PROJ interpolated on a checked grid (reproject.h). */
#include "reproject.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WM_DEGREE (3.14159265358979323846 / 180)

/* A point of the half-cell lattice (cell corners, side midpoints and
 * centres), transformed exactly once and shared by the cells around it. */
typedef struct node {
    uint64_t key;   /* 0: empty slot */
    double x, y;
    int ok;         /* PROJ transformed it to finite values */
} node;

/* A cell: usable (its nine lattice points' values) or not (state -1). */
typedef struct cell {
    uint64_t key;        /* 0: empty slot */
    double x[9], y[9];   /* lattice point (a, b) of the cell at 3 * b + a: u = a / 2, v = b / 2 */
    int state;           /* 1: interpolate; -1: transform its vertices exactly */
} cell;

struct wm_reproject {
    OGRCoordinateTransformationH ct;
    OGRSpatialReferenceH to;
    int grid;               /* geographic degrees into a projected reference */
    double tolerance;       /* in the target's linear unit */
    node *nodes;
    size_t nodes_cap, nodes_used;
    cell *cells;
    size_t cells_cap, cells_used;
    cell last;              /* the cell of the previous vertex (key 0: none) */
    double *x, *y;          /* a ring's coordinates */
    int *exact;             /* indexes of the ring's vertices PROJ transforms */
    double *ex, *ey;
    int *ok;
    size_t cap;
    size_t interpolated, exacts;
};

/* Lattice and cell indexes into one nonzero key. */
static uint64_t pack(int64_t i, int64_t j)
{
    return ((uint64_t)(uint32_t)(int32_t)i << 32 | (uint32_t)(int32_t)j) ^ 0x8000000080000000ull;
}

static size_t slot_of(uint64_t key, size_t cap)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

/* Open addressing, linear probing, at most half full.  Returns the slot
 * for `key` (found, or empty for it), or NULL when out of memory. */
#define DEFINE_TABLE(type, name)                                                                    \
    static type *name##_slot(type **tab, size_t *cap, size_t *used, uint64_t key)                 \
    {                                                                                              \
        if (2 * (*used + 1) > *cap) {                                                              \
            size_t ncap = *cap ? 2 * *cap : 4096;                                                  \
            type *n = calloc(ncap, sizeof *n);                                                     \
            if (!n) return NULL;                                                                   \
            for (size_t s = 0; s < *cap; s++) {                                                    \
                if (!(*tab)[s].key) continue;                                                      \
                size_t k = slot_of((*tab)[s].key, ncap);                                           \
                while (n[k].key) k = (k + 1) & (ncap - 1);                                         \
                n[k] = (*tab)[s];                                                                  \
            }                                                                                      \
            free(*tab);                                                                            \
            *tab = n;                                                                              \
            *cap = ncap;                                                                           \
        }                                                                                          \
        size_t k = slot_of(key, *cap);                                                             \
        while ((*tab)[k].key && (*tab)[k].key != key) k = (k + 1) & (*cap - 1);                    \
        return &(*tab)[k];                                                                         \
    }
DEFINE_TABLE(node, node)
DEFINE_TABLE(cell, cell)

/* ---- one search of PROJ's database per pair of references -------------- */

/* Making a transformation is PROJ's search of its database for the
 * operations between two references: 130 million instructions.  GDAL
 * keeps a transformation for the next one only once it is freed, so two
 * layers read at once (a figure set's two workers) each searched.  The
 * first transformation between two references is kept here for the
 * process (up to KEPT_TRANSFORMS pairs), made under a lock so that a
 * second thread waits for it rather than searching too, and each
 * wm_reproject gets a copy of it (OCTClone copies the operations found,
 * it does not search again).  Freed at wm_shutdown. */
#define KEPT_TRANSFORMS 8

static struct kept_transform {
    OGRSpatialReferenceH from, to;
    OGRCoordinateTransformationH ct;
} kept[KEPT_TRANSFORMS];
static size_t nkept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static void forget_transforms(void)
{
    pthread_mutex_lock(&kept_lock);
    for (size_t i = 0; i < nkept; i++) {
        OCTDestroyCoordinateTransformation(kept[i].ct);
        OSRDestroySpatialReference(kept[i].from);
        OSRDestroySpatialReference(kept[i].to);
    }
    nkept = 0;
    pthread_mutex_unlock(&kept_lock);
}

/* Strictly the same reference with the same order of axes in the data:
 * OSRIsSame alone takes EPSG:4326 (latitude first) and OGC:CRS84
 * (longitude first) as one. */
static int same_reference(OGRSpatialReferenceH a, OGRSpatialReferenceH b)
{
    static const char *const strict[] = { "CRITERION=EQUIVALENT", "IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=NO", NULL };
    int na = 0, nb = 0;
    const int *ma = OSRGetDataAxisToSRSAxisMapping(a, &na), *mb = OSRGetDataAxisToSRSAxisMapping(b, &nb);
    return na == nb && (na == 0 || memcmp(ma, mb, (size_t)na * sizeof *ma) == 0) && OSRIsSameEx(a, b, strict);
}

/* A transformation from `from` into `to` of its own for the caller, or
 * NULL when PROJ has none. */
static OGRCoordinateTransformationH transform_between(OGRSpatialReferenceH from, OGRSpatialReferenceH to)
{
    OGRCoordinateTransformationH ct = NULL;
    int first = 0;
    pthread_mutex_lock(&kept_lock);
    size_t i = 0;
    while (i < nkept && !(same_reference(kept[i].from, from) && same_reference(kept[i].to, to))) i++;
    if (i < nkept) {
        ct = OCTClone(kept[i].ct);
    } else {
        ct = OCTNewCoordinateTransformation(from, to);
        if (ct && nkept < KEPT_TRANSFORMS) {
            OGRCoordinateTransformationH copy = OCTClone(ct);
            if (copy) {
                kept[nkept++] = (struct kept_transform){ OSRClone(from), OSRClone(to), ct };
                first = nkept == 1;
                ct = copy;
            }
        }
    }
    pthread_mutex_unlock(&kept_lock);
    if (first) wm_at_shutdown(forget_transforms);
    return ct;
}

/* ---- a transformation ----------------------------------------------------- */

wm_reproject *wm_reproject_new(OGRSpatialReferenceH from, OGRSpatialReferenceH to, wm_error *err)
{
    wm_reproject *rp = calloc(1, sizeof *rp);
    if (!rp) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        return NULL;
    }
    rp->ct = transform_between(from, to);
    if (!rp->ct) {
        free(rp);
        wm_error_set(err, WM_EXIT_DATA, "PROJ has no transformation between the two coordinate systems");
        return NULL;
    }
    rp->to = OSRClone(to);
    double degree = OSRIsGeographic(from) ? OSRGetAngularUnits(from, NULL) : 0;
    double metre = OSRIsProjected(to) ? OSRGetLinearUnits(to, NULL) : 0;
    rp->grid = fabs(degree - WM_DEGREE) < 1e-12 && metre > 0;
    rp->tolerance = rp->grid ? WM_REPROJECT_TOLERANCE / metre : 0;
    return rp;
}

void wm_reproject_free(wm_reproject *rp)
{
    if (!rp) return;
    OCTDestroyCoordinateTransformation(rp->ct);
    /* Released, not destroyed: the geometries given it hold references. */
    OSRRelease(rp->to);
    free(rp->nodes);
    free(rp->cells);
    free(rp->x);
    free(rp->y);
    free(rp->exact);
    free(rp->ex);
    free(rp->ey);
    free(rp->ok);
    free(rp);
}

void wm_reproject_counts(const wm_reproject *rp, size_t *interpolated, size_t *exact)
{
    if (interpolated) *interpolated = rp->interpolated;
    if (exact) *exact = rp->exacts;
}

/* *p resized to `cap` elements of `size` bytes; 0, or -1 (and *p kept). */
static int resize(void **p, size_t cap, size_t size)
{
    void *q = realloc(*p, cap * size);
    if (!q) return -1;
    *p = q;
    return 0;
}

static int reserve(wm_reproject *rp, size_t n)
{
    if (n <= rp->cap) return 0;
    size_t cap = rp->cap ? rp->cap : 256;
    while (cap < n) cap *= 2;
    if (resize((void **)&rp->x, cap, sizeof *rp->x) || resize((void **)&rp->y, cap, sizeof *rp->y) ||
        resize((void **)&rp->ex, cap, sizeof *rp->ex) || resize((void **)&rp->ey, cap, sizeof *rp->ey) ||
        resize((void **)&rp->exact, cap, sizeof *rp->exact) || resize((void **)&rp->ok, cap, sizeof *rp->ok))
        return -1;
    rp->cap = cap;
    return 0;
}

/* The quadratic Lagrange weights of the points 0, 1/2 and 1 at t. */
static void weights(double t, double w[3])
{
    w[0] = 2 * (t - 0.5) * (t - 1);
    w[1] = -4 * t * (t - 1);
    w[2] = 2 * t * (t - 0.5);
}

/* Biquadratic interpolation at (u, v) of the cell (0..1 each way). */
static void interpolate(const cell *c, double u, double v, double *x, double *y)
{
    double wu[3], wv[3];
    weights(u, wu);
    weights(v, wv);
    double sx = 0, sy = 0;
    for (int b = 0; b < 3; b++) {
        double rx = wu[0] * c->x[3 * b] + wu[1] * c->x[3 * b + 1] + wu[2] * c->x[3 * b + 2];
        double ry = wu[0] * c->y[3 * b] + wu[1] * c->y[3 * b + 1] + wu[2] * c->y[3 * b + 2];
        sx += wv[b] * rx;
        sy += wv[b] * ry;
    }
    *x = sx;
    *y = sy;
}

/* Make cell (i, j): its nine lattice points (corners, side midpoints,
 * centre), those not yet known transformed by PROJ together with the
 * four check points (u, v = 1/4 or 3/4, where a quadratic's error peaks),
 * then the check.  NULL: out of memory. */
static const cell *make_cell(wm_reproject *rp, int64_t i, int64_t j, cell *c)
{
    const double h = WM_REPROJECT_CELL / 2;
    int pok[9], missing[9], nmissing = 0;
    double mx[13], my[13];
    int mok[13];
    c->key = pack(i, j);
    for (int b = 0; b < 3; b++)
        for (int a = 0; a < 3; a++) {
            int k = 3 * b + a;
            node *nd = node_slot(&rp->nodes, &rp->nodes_cap, &rp->nodes_used, pack(2 * i + a, 2 * j + b));
            if (!nd) return NULL;
            if (nd->key) {
                c->x[k] = nd->x;
                c->y[k] = nd->y;
                pok[k] = nd->ok;
            } else {
                mx[nmissing] = (double)(2 * i + a) * h;
                my[nmissing] = (double)(2 * j + b) * h;
                missing[nmissing++] = k;
            }
        }
    const double quarter[4][2] = { { 0.25, 0.25 }, { 0.75, 0.25 }, { 0.25, 0.75 }, { 0.75, 0.75 } };
    for (int q = 0; q < 4; q++) {
        mx[nmissing + q] = ((double)i + quarter[q][0]) * WM_REPROJECT_CELL;
        my[nmissing + q] = ((double)j + quarter[q][1]) * WM_REPROJECT_CELL;
    }
    for (int m = 0; m < nmissing + 4; m++) mok[m] = 0;
    OCTTransformEx(rp->ct, nmissing + 4, mx, my, NULL, mok);
    for (int m = 0; m < nmissing; m++) {
        int k = missing[m], a = k % 3, b = k / 3;
        node *nd = node_slot(&rp->nodes, &rp->nodes_cap, &rp->nodes_used, pack(2 * i + a, 2 * j + b));
        if (!nd) return NULL;
        nd->key = pack(2 * i + a, 2 * j + b);
        nd->ok = mok[m] && isfinite(mx[m]) && isfinite(my[m]);
        nd->x = c->x[k] = mx[m];
        nd->y = c->y[k] = my[m];
        pok[k] = nd->ok;
        rp->nodes_used++;
    }
    c->state = 1;
    for (int k = 0; k < 9; k++)
        if (!pok[k]) c->state = -1;
    for (int q = 0; q < 4 && c->state == 1; q++) {
        double x, y;
        interpolate(c, quarter[q][0], quarter[q][1], &x, &y);
        int m = nmissing + q;
        if (!mok[m] || !(hypot(x - mx[m], y - my[m]) <= rp->tolerance)) c->state = -1;
    }
    cell *slot = cell_slot(&rp->cells, &rp->cells_cap, &rp->cells_used, c->key);
    if (!slot) return NULL;
    *slot = *c;
    rp->cells_used++;
    return slot;
}

/* Transform one ring or line string of plain x, y vertices. */
static int reproject_points(wm_reproject *rp, OGRGeometryH g)
{
    int n = OGR_G_GetPointCount(g);
    if (n <= 0) return 0;
    if (reserve(rp, (size_t)n) != 0) return -1;
    OGR_G_GetPoints(g, rp->x, sizeof(double), rp->y, sizeof(double), NULL, 0);
    int nexact = 0;
    for (int p = 0; p < n; p++) {
        double lon = rp->x[p] / WM_REPROJECT_CELL, lat = rp->y[p] / WM_REPROJECT_CELL;
        if (!(fabs(lon) < 1e8 && fabs(lat) < 1e8)) {
            rp->exact[nexact++] = p;
            continue;
        }
        int64_t i = (int64_t)floor(lon), j = (int64_t)floor(lat);
        uint64_t key = pack(i, j);
        if (rp->last.key != key) {
            cell *c = cell_slot(&rp->cells, &rp->cells_cap, &rp->cells_used, key);
            if (!c) return -1;
            if (c->key) {
                rp->last = *c;
            } else {
                cell made;
                if (!make_cell(rp, i, j, &made)) return -1;
                rp->last = made;
            }
        }
        if (rp->last.state != 1) {
            rp->exact[nexact++] = p;
            continue;
        }
        interpolate(&rp->last, lon - (double)i, lat - (double)j, &rp->x[p], &rp->y[p]);
        rp->interpolated++;
    }
    if (nexact) {
        for (int e = 0; e < nexact; e++) {
            rp->ex[e] = rp->x[rp->exact[e]];
            rp->ey[e] = rp->y[rp->exact[e]];
            rp->ok[e] = 0;
        }
        OCTTransformEx(rp->ct, nexact, rp->ex, rp->ey, NULL, rp->ok);
        for (int e = 0; e < nexact; e++) {
            if (!rp->ok[e]) return -1;
            rp->x[rp->exact[e]] = rp->ex[e];
            rp->y[rp->exact[e]] = rp->ey[e];
        }
        rp->exacts += (size_t)nexact;
    }
    OGR_G_SetPoints(g, n, rp->x, sizeof(double), rp->y, sizeof(double), NULL, 0);
    return 0;
}

/* Polygons, multipolygons, rings and line strings of x, y only: the
 * geometries the grid handles. */
static int plain(OGRGeometryH g)
{
    if (OGR_G_Is3D(g) || OGR_G_IsMeasured(g)) return 0;
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPolygon: case wkbMultiPolygon: case wkbLineString: case wkbLinearRing:
        return 1;
    default:
        return 0;
    }
}

static int reproject_parts(wm_reproject *rp, OGRGeometryH g)
{
    int parts = OGR_G_GetGeometryCount(g);
    if (parts == 0) return reproject_points(rp, g);
    for (int k = 0; k < parts; k++)
        if (reproject_parts(rp, OGR_G_GetGeometryRef(g, k)) != 0) return -1;
    return 0;
}

static size_t count_points(OGRGeometryH g)
{
    int parts = OGR_G_GetGeometryCount(g);
    size_t n = parts == 0 ? (size_t)OGR_G_GetPointCount(g) : 0;
    for (int k = 0; k < parts; k++) n += count_points(OGR_G_GetGeometryRef(g, k));
    return n;
}

int wm_reproject_geometry(wm_reproject *rp, OGRGeometryH g)
{
    if (!rp->grid || !plain(g)) {
        rp->exacts += count_points(g);
        return OGR_G_Transform(g, rp->ct) == OGRERR_NONE ? 0 : -1;
    }
    if (reproject_parts(rp, g) != 0) return -1;
    OGR_G_AssignSpatialReference(g, rp->to);
    return 0;
}
