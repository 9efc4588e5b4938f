/* need_index.h on the bundled Coventry layers: the adjacency the
 * small-area view relies on holds on the generalised (BGC 20 m) LSOA
 * boundaries, and the decile-1 counts per ward agree with an independent
 * count from the IMD file and the best-fit lookup. */
#include "join.h"
#include "layer.h"
#include "cluster.h"
#include "need_index.h"
#include "table.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    wm_gdal_init();
    wm_error err;
    wm_layer *lsoa = wm_layer_read(wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"),
                                   "LSOA11CD", NULL, NULL, &err);
    CHECK(lsoa != NULL);
    if (!lsoa) { fprintf(stderr, "%s\n", err.msg); return wm_test_summary(); }
    CHECK(lsoa->n == 195);

    /* The city is one piece: if neighbouring generalised polygons failed
     * to touch, it would fall apart into many groups. */
    OGRGeometryH *g = malloc(lsoa->n * sizeof *g);
    for (size_t i = 0; i < lsoa->n; i++) g[i] = lsoa->features[i].geom;
    unsigned char *adj = wm_neighbours(g, lsoa->n);
    int *comp = malloc(lsoa->n * sizeof *comp);
    CHECK(adj != NULL);
    CHECK(wm_components(adj, lsoa->n, comp) == 1);
    size_t degree_min = lsoa->n;
    for (size_t i = 0; i < lsoa->n; i++) {
        size_t d = 0;
        for (size_t j = 0; j < lsoa->n; j++) d += adj[i * lsoa->n + j];
        if (d < degree_min) degree_min = d;
    }
    CHECK(degree_min >= 1);
    free(adj);
    free(comp);
    free(g);

    /* Decile-1 LSOAs per ward, counted here straight from the files. */
    wm_table *imd = wm_table_read(wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"), &err);
    wm_table *lookup = wm_table_read(wm_test_home_path("layers/lookups/coventry_lsoa11_ward17.csv"), &err);
    CHECK(imd && lookup);
    if (!imd || !lookup) return wm_test_summary();
    wm_join_report rep;
    double *decile = wm_join(lsoa, imd, "LSOA code (2011)", "Index of Multiple Deprivation (IMD) Decile", &rep, &err);
    CHECK(decile != NULL && rep.with_value == 195);
    char **ward_of = calloc(lsoa->n, sizeof *ward_of);
    const char *wards[32];
    size_t nwards = 0;
    int lc = wm_table_column(lookup, "lsoa11_code"), wc = wm_table_column(lookup, "ward17_code");
    for (size_t r = 0; r < lookup->nrows; r++) {
        long f = wm_layer_find(lsoa, wm_table_cell(lookup, r, lc));
        CHECK(f >= 0);
        if (f < 0) continue;
        ward_of[f] = strdup(wm_table_cell(lookup, r, wc));
        size_t w = 0;
        while (w < nwards && strcmp(wards[w], ward_of[f]) != 0) w++;
        if (w == nwards && nwards < 32) wards[nwards++] = ward_of[f];
    }
    CHECK(nwards == 18);
    size_t in_decile1 = 0;
    for (size_t i = 0; i < lsoa->n; i++) in_decile1 += decile[i] == 1.0;

    wm_small_area_view v;
    CHECK(wm_small_area_view_build(&v, lsoa, decile, (const char *const *)ward_of, wards, nwards, &err) == 0);
    size_t total = 0, areas = 0;
    for (size_t w = 0; w < v.n; w++) {
        total += v.wards[w].worst;
        areas += v.wards[w].areas;
        CHECK(v.wards[w].clusters >= (v.wards[w].worst > 0));
        CHECK(v.wards[w].largest <= v.wards[w].worst);
        /* Every listed code really is decile 1 and in this ward. */
        for (size_t s = 0; s < v.wards[w].worst; s++) {
            long f = wm_layer_find(lsoa, v.wards[w].codes[s]);
            CHECK(f >= 0 && decile[f] == 1.0 && strcmp(ward_of[f], wards[w]) == 0);
        }
    }
    CHECK(areas == 195);
    CHECK(total == in_decile1);
    CHECK(in_decile1 > 0);
    wm_small_area_view_free(&v);

    for (size_t i = 0; i < lsoa->n; i++) free(ward_of[i]);
    free(ward_of);
    free(decile);
    wm_join_report_free(&rep);
    wm_table_free(imd);
    wm_table_free(lookup);
    wm_layer_free(lsoa);
    return wm_test_summary();
}
