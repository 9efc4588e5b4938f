/* Tests for reproject.h: the checked grid gives PROJ's coordinates to
 * within WM_REPROJECT_TOLERANCE for synthetic rings spread over Great
 * Britain (and uses the grid for them), exactly PROJ's where a cell
 * fails its check or the source is not longitude/latitude or a
 * geometry has Z; the geometry gets the target's SRS; the same input
 * gives the same bytes whatever was transformed before it; a vertex
 * PROJ cannot transform is an error. */
#include "reproject.h"
#include "testutil.h"

#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <string.h>

static OGRSpatialReferenceH srs(const char *def)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    OSRSetFromUserInput(s, def);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/* A deterministic pseudo-random number in [0, 1). */
static double next(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* A polygon of `n` vertices around (lon, lat), radius r degrees. */
static OGRGeometryH ring_polygon(double lon, double lat, double r, int n, uint64_t *state)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k < n; k++) {
        double a = 2 * 3.14159265358979 * k / n, rr = r * (0.5 + next(state));
        OGR_G_AddPoint_2D(ring, lon + rr * cos(a), lat + rr * sin(a));
    }
    OGR_G_AddPoint_2D(ring, OGR_G_GetX(ring, 0), OGR_G_GetY(ring, 0));
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* The largest distance between the vertices of two polygons' outer rings. */
static double max_distance(OGRGeometryH a, OGRGeometryH b)
{
    OGRGeometryH ra = OGR_G_GetGeometryRef(a, 0), rb = OGR_G_GetGeometryRef(b, 0);
    double worst = 0;
    if (OGR_G_GetPointCount(ra) != OGR_G_GetPointCount(rb)) return INFINITY;
    for (int k = 0; k < OGR_G_GetPointCount(ra); k++) {
        double d = hypot(OGR_G_GetX(ra, k) - OGR_G_GetX(rb, k), OGR_G_GetY(ra, k) - OGR_G_GetY(rb, k));
        if (!(d <= worst)) worst = d;
    }
    return worst;
}

static int same_bytes(OGRGeometryH a, OGRGeometryH b)
{
    int n = OGR_G_WkbSize(a);
    if (n != OGR_G_WkbSize(b)) return 0;
    unsigned char wa[4096], wb[4096];
    if (n > (int)sizeof wa) return 0;
    OGR_G_ExportToWkb(a, wkbNDR, wa);
    OGR_G_ExportToWkb(b, wkbNDR, wb);
    return memcmp(wa, wb, (size_t)n) == 0;
}

int main(void)
{
    OGRSpatialReferenceH wgs84 = srs("OGC:CRS84"), bng = srs("EPSG:27700");
    wm_error err;
    wm_error_clear(&err);
    wm_reproject *rp = wm_reproject_new(wgs84, bng, &err);
    CHECK(rp != NULL);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs84, bng);
    CHECK(ct != NULL);

    /* 2,000 rings of 40 vertices over Great Britain: within the tolerance
     * of PROJ, almost all through the grid. */
    uint64_t state = 42;
    double worst = 0;
    int failures = 0;
    for (int k = 0; k < 2000; k++) {
        double lon = -6 + 7.7 * next(&state), lat = 50 + 8.5 * next(&state);
        OGRGeometryH g = ring_polygon(lon, lat, 0.02, 40, &state), exact = OGR_G_Clone(g);
        failures += wm_reproject_geometry(rp, g) != 0;
        failures += OGR_G_Transform(exact, ct) != OGRERR_NONE;
        double d = max_distance(g, exact);
        if (!(d <= worst)) worst = d;
        OGR_G_DestroyGeometry(g);
        OGR_G_DestroyGeometry(exact);
    }
    CHECK(failures == 0);
    CHECK(worst <= WM_REPROJECT_TOLERANCE);
    size_t interpolated, exacts;
    wm_reproject_counts(rp, &interpolated, &exacts);
    CHECK(interpolated + exacts == 2000 * 41);
    CHECK(interpolated > 2000 * 41 * 99 / 100);

    /* The geometry is in the target's SRS afterwards. */
    OGRGeometryH g = ring_polygon(-1.5, 52.4, 0.01, 8, &state);
    CHECK(wm_reproject_geometry(rp, g) == 0);
    CHECK(OGR_G_GetSpatialReference(g) && OSRIsSame(OGR_G_GetSpatialReference(g), bng));

    /* The same ring gives the same bytes from a fresh transformation,
     * whatever cells the first one had made before. */
    uint64_t s1 = 7, s2 = 7;
    OGRGeometryH a = ring_polygon(-2.2, 53.5, 0.05, 30, &s1), b = ring_polygon(-2.2, 53.5, 0.05, 30, &s2);
    wm_reproject *fresh = wm_reproject_new(wgs84, bng, &err);
    CHECK(wm_reproject_geometry(rp, a) == 0 && wm_reproject_geometry(fresh, b) == 0);
    CHECK(same_bytes(a, b));
    OGR_G_DestroyGeometry(a);
    OGR_G_DestroyGeometry(b);
    wm_reproject_free(fresh);

    /* Where PROJ fails at a point of a cell, the cell is not used: PROJ
     * transforms its vertices.  An orthographic view centred 0.03 degrees
     * east of Greenwich fails beyond longitude 90.03; the cell from 90 to
     * 90 1/16 degrees east holds points on both sides. */
    OGRSpatialReferenceH ortho = srs("+proj=ortho +lat_0=0 +lon_0=0.03 +datum=WGS84 +units=m +no_defs");
    wm_reproject *edge = wm_reproject_new(wgs84, ortho, &err);
    OGRCoordinateTransformationH edge_ct = OCTNewCoordinateTransformation(wgs84, ortho);
    OGRGeometryH f = ring_polygon(90.005, 0.0, 0.003, 20, &state), fe = OGR_G_Clone(f);
    CHECK(edge && wm_reproject_geometry(edge, f) == 0);
    CHECK(OGR_G_Transform(fe, edge_ct) == OGRERR_NONE);
    CHECK(same_bytes(f, fe));
    wm_reproject_counts(edge, &interpolated, &exacts);
    CHECK(interpolated == 0 && exacts == 21);
    OGR_G_DestroyGeometry(f);
    OGR_G_DestroyGeometry(fe);
    OCTDestroyCoordinateTransformation(edge_ct);
    wm_reproject_free(edge);
    OSRDestroySpatialReference(ortho);

    /* A geometry with Z, and a projected source: PROJ's own result, byte
     * for byte. */
    OGRGeometryH z = OGR_G_CreateGeometry(wkbLineString25D), ze;
    OGR_G_AddPoint(z, -1.5, 52.4, 10);
    OGR_G_AddPoint(z, -1.4, 52.5, 20);
    ze = OGR_G_Clone(z);
    CHECK(wm_reproject_geometry(rp, z) == 0 && OGR_G_Transform(ze, ct) == OGRERR_NONE);
    CHECK(same_bytes(z, ze));
    OGR_G_DestroyGeometry(z);
    OGR_G_DestroyGeometry(ze);
    wm_reproject *back = wm_reproject_new(bng, wgs84, &err);
    OGRCoordinateTransformationH back_ct = OCTNewCoordinateTransformation(bng, wgs84);
    OGRGeometryH p = OGR_G_Clone(g), pe = OGR_G_Clone(g);
    CHECK(wm_reproject_geometry(back, p) == 0 && OGR_G_Transform(pe, back_ct) == OGRERR_NONE);
    CHECK(same_bytes(p, pe));
    wm_reproject_counts(back, &interpolated, &exacts);
    CHECK(interpolated == 0 && exacts == 9);
    OGR_G_DestroyGeometry(p);
    OGR_G_DestroyGeometry(pe);
    OGR_G_DestroyGeometry(g);
    OCTDestroyCoordinateTransformation(back_ct);
    wm_reproject_free(back);

    /* A vertex PROJ cannot transform (latitude 95) is an error. */
    OGRGeometryH bad = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_AddPoint_2D(bad, -1.5, 52.4);
    OGR_G_AddPoint_2D(bad, -1.5, 95);
    CHECK(wm_reproject_geometry(rp, bad) != 0);
    OGR_G_DestroyGeometry(bad);

    OCTDestroyCoordinateTransformation(ct);
    wm_reproject_free(rp);
    OSRDestroySpatialReference(wgs84);
    OSRDestroySpatialReference(bng);
    return wm_test_summary();
}
