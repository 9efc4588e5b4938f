/* Tests for outer_boundary.h: the edge round a layer's areas is the
 * boundary of their union; a second layer of the same content gets the
 * same boundary (kept from the first, as a copy the caller owns), and a
 * layer that differs in one coordinate gets its own.  Synthetic squares. */
#include "layer.h"
#include "outer_boundary.h"
#include "testutil.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 2 x 2 grid of unit squares, the last one's far corner at (2, top). */
static wm_layer *grid(double top)
{
    wm_layer *L = calloc(1, sizeof *L);
    L->spec = strdup("synthetic grid");
    L->key_field = strdup("code");
    L->n = 4;
    L->features = calloc(4, sizeof *L->features);
    for (int i = 0; i < 4; i++) {
        double x = i % 2, y = i / 2;
        char wkt[256], key[16];
        snprintf(wkt, sizeof wkt, "POLYGON ((%g %g,%g %g,%g %g,%g %g,%g %g))", x, y, x + 1, y, x + 1,
                 i == 3 ? top : y + 1, x, y + 1, x, y);
        snprintf(key, sizeof key, "S%d", i);
        char *p = wkt;
        OGR_G_CreateFromWkt(&p, NULL, &L->features[i].geom);
        L->features[i].key = strdup(key);
        L->features[i].name = strdup(key);
    }
    L->minx = L->miny = 0;
    L->maxx = 2;
    L->maxy = top > 2 ? top : 2;
    return L;
}

int main(void)
{
    GDALAllRegister();
    wm_layer *a = grid(2), *b = grid(2), *c = grid(2.5);
    OGRGeometryH ba = wm_outer_boundary(a), bb = wm_outer_boundary(b), bc = wm_outer_boundary(c);
    CHECK(ba && bb && bc);
    if (ba && bb && bc) {
        CHECK_NEAR(OGR_G_Length(ba), 8, 1e-12);   /* the 2 x 2 square's edge: no inner lines */
        CHECK(ba != bb && OGR_G_Equals(ba, bb));   /* the same content: the same boundary, a copy */
        CHECK(!OGR_G_Equals(ba, bc));
        CHECK(OGR_G_Length(bc) > 8.5);            /* the raised corner's sloping edge */
    }
    /* A copy outlives the layer it was made for. */
    wm_layer_free(a);
    OGRGeometryH again = wm_outer_boundary(b);
    CHECK(again && ba && OGR_G_Equals(again, ba));
    OGR_G_DestroyGeometry(again);
    OGR_G_DestroyGeometry(ba);
    OGR_G_DestroyGeometry(bb);
    OGR_G_DestroyGeometry(bc);
    CHECK(wm_outer_boundary(NULL) == NULL);
    wm_layer_free(b);
    wm_layer_free(c);
    wm_shutdown();
    return wm_test_summary();
}
