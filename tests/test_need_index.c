/* Unit tests for need_index.h on small synthetic tables generated here
 * (not real data): z-scores, ranks, the three composites, sensitivity
 * ranges and the small-area clusters, each against values worked out by
 * hand in the comments. */
#include "cluster.h"
#include "need_index.h"
#include "testutil.h"

#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

/* Synthetic table, 5 areas x 3 indicators:
 *   A (+1): 1 2 3 4 5       mean 3, sample sd sqrt(10/4) = 1.5811388
 *   B (-1): 10 20 30 40 50  mean 30, sd 15.811388; oriented z = -zA
 *   C (+1): 5 5 1 1 3       mean 3, sd 2: z = 1 1 -1 -1 0
 */
static const double synthetic[5 * 3] = {
    1, 10, 5,
    2, 20, 5,
    3, 30, 1,
    4, 40, 1,
    5, 50, 3,
};

static void test_building_blocks(void)
{
    double z[5], r[5];
    wm_need_zscores(synthetic, 5, 3, 0, +1, z);
    CHECK_NEAR(z[0], -1.2649111, 1e-6);
    CHECK_NEAR(z[1], -0.6324555, 1e-6);
    CHECK_NEAR(z[2], 0.0, 1e-12);
    CHECK_NEAR(z[4], 1.2649111, 1e-6);
    wm_need_zscores(synthetic, 5, 3, 1, -1, z);
    CHECK_NEAR(z[0], 1.2649111, 1e-6);
    CHECK_NEAR(z[4], -1.2649111, 1e-6);
    wm_need_zscores(synthetic, 5, 3, 2, +1, z);
    CHECK_NEAR(z[0], 1, 1e-12); CHECK_NEAR(z[2], -1, 1e-12); CHECK_NEAR(z[4], 0, 1e-12);

    CHECK(wm_need_ranks(synthetic, 5, 3, 0, +1, r) == 5);
    CHECK_NEAR(r[4], 1, 0); CHECK_NEAR(r[0], 5, 0);
    wm_need_ranks(synthetic, 5, 3, 1, -1, r);
    CHECK_NEAR(r[0], 1, 0); CHECK_NEAR(r[4], 5, 0);
    wm_need_ranks(synthetic, 5, 3, 2, +1, r);   /* ties share the mean rank */
    CHECK_NEAR(r[0], 1.5, 0); CHECK_NEAR(r[1], 1.5, 0); CHECK_NEAR(r[4], 3, 0);
    CHECK_NEAR(r[2], 4.5, 0); CHECK_NEAR(r[3], 4.5, 0);

    /* Missing values: excluded from mean, sd and ranks, never zero. */
    const double gappy[4] = { 2, NAN, 4, 6 };
    wm_need_zscores(gappy, 4, 1, 0, +1, z);
    CHECK(isnan(z[1]));
    CHECK_NEAR(z[0], -1, 1e-12); CHECK_NEAR(z[3], 1, 1e-12);
    CHECK(wm_need_ranks(gappy, 4, 1, 0, +1, r) == 3);
    CHECK(isnan(r[1])); CHECK_NEAR(r[3], 1, 0); CHECK_NEAR(r[0], 3, 0);
    /* One value only: no z-scores at all. */
    const double lone[2] = { 7, NAN };
    wm_need_zscores(lone, 2, 1, 0, +1, z);
    CHECK(isnan(z[0]) && isnan(z[1]));

    int cr[5];
    const double scores[5] = { 3, NAN, 5, 3, 1 };
    wm_need_order(scores, 5, 1, cr);
    CHECK(cr[2] == 1 && cr[0] == 2 && cr[3] == 2 && cr[4] == 4 && cr[1] == 0);
    wm_need_order(scores, 5, 0, cr);
    CHECK(cr[4] == 1 && cr[0] == 2 && cr[3] == 2 && cr[2] == 4 && cr[1] == 0);
}

static void test_composites(void)
{
    wm_need_indicator ind[3] = { { "A", +1, 1 }, { "B", -1, 1 }, { "C", +1, 1 } };
    wm_need_index x;
    wm_error err;

    /* zscore: zA + zB = 0, so the score is zC / 3: 1/3 1/3 -1/3 -1/3 0. */
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) == 0);
    CHECK_NEAR(x.score[0], 1.0 / 3, 1e-9);
    CHECK_NEAR(x.score[2], -1.0 / 3, 1e-9);
    CHECK_NEAR(x.score[4], 0, 1e-9);
    CHECK(x.composite_rank[0] == 1 && x.composite_rank[1] == 1 && x.composite_rank[4] == 3 &&
          x.composite_rank[2] == 4 && x.composite_rank[3] == 4);
    CHECK_NEAR(x.z[0 * 3 + 1], 1.2649111, 1e-6);
    CHECK_NEAR(x.rank[2 * 3 + 2], 4.5, 0);
    /* Leave-one-out by hand:
     *   without A: (zB+zC)/2 = 1.132 0.816 -0.5 -0.816 -0.632 -> ranks 1 2 3 5 4
     *   without B: (zA+zC)/2 = -0.132 0.184 -0.5 -0.184 0.632 -> ranks 3 2 5 4 1
     *   without C: 0 everywhere -> all tie at rank 1
     * with the baseline 1 1 4 4 3 the ranges are: */
    int lo[5] = { 1, 1, 1, 1, 1 }, hi[5] = { 3, 2, 5, 5, 4 };
    for (int i = 0; i < 5; i++) {
        CHECK(x.loo_min[i] == lo[i]);
        CHECK(x.loo_max[i] == hi[i]);
        CHECK(x.weight_min[i] <= x.composite_rank[i] && x.weight_max[i] >= x.composite_rank[i]);
    }
    /* Weight variation (x2 and /2 on each weight), scores up to a factor:
     *   A x2: zA+zC     -> ranks 3 2 5 4 1     A /2: zC-zA/2 -> 1 2 4 5 3
     *   B x2: zC-zA     -> ranks 1 2 3 5 4     B /2: zA/2+zC -> 3 1 5 4 2
     *   C x2 or /2: the baseline order 1 1 4 4 3 */
    int wlo[5] = { 1, 1, 3, 4, 1 }, whi[5] = { 3, 2, 5, 5, 4 };
    for (int i = 0; i < 5; i++) {
        CHECK(x.weight_min[i] == wlo[i]);
        CHECK(x.weight_max[i] == whi[i]);
    }
    wm_need_index_free(&x);

    /* rank: means (5+1+1.5)/3=2.5, 2.5, 3.5, 3.5, (1+5+3)/3=3. */
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_RANK, &err) == 0);
    CHECK_NEAR(x.score[0], 2.5, 1e-12); CHECK_NEAR(x.score[1], 2.5, 1e-12);
    CHECK_NEAR(x.score[2], 3.5, 1e-12); CHECK_NEAR(x.score[4], 3.0, 1e-12);
    CHECK(x.composite_rank[0] == 1 && x.composite_rank[1] == 1 && x.composite_rank[4] == 3 &&
          x.composite_rank[2] == 4 && x.composite_rank[3] == 4);
    wm_need_index_free(&x);

    /* quintile: worst quintile is rank <= 5/5 = 1: A -> area 4, B -> area 0,
     * C -> nobody (the top two tie at 1.5).  Counts 1 0 0 0 1. */
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_QUINTILE, &err) == 0);
    CHECK(x.worst[4 * 3 + 0] == 1 && x.worst[0 * 3 + 1] == 1 && x.worst[0 * 3 + 2] == 0);
    CHECK_NEAR(x.score[0], 1, 0); CHECK_NEAR(x.score[1], 0, 0); CHECK_NEAR(x.score[4], 1, 0);
    CHECK(x.composite_rank[0] == 1 && x.composite_rank[4] == 1 && x.composite_rank[1] == 3 &&
          x.composite_rank[3] == 3);
    wm_need_index_free(&x);

    /* Weights: C counted twice as much: (zA + zB + 2 zC)/4 = zC/2. */
    ind[2].weight = 2;
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) == 0);
    CHECK_NEAR(x.score[0], 0.5, 1e-9);
    wm_need_index_free(&x);
    /* Weight 0 leaves an indicator out: A alone ranks 4 3 2 1 0 by value. */
    ind[1].weight = 0; ind[2].weight = 0;
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) == 0);
    CHECK(x.composite_rank[4] == 1 && x.composite_rank[0] == 5);
    CHECK(x.loo_min[4] == 1 && x.loo_max[4] == 1);   /* one indicator: no leave-one-out */
    wm_need_index_free(&x);
    ind[1].weight = 1; ind[2].weight = 1;

    /* A missing value: that area gets no composite rather than a guess. */
    double gappy[5 * 3];
    memcpy(gappy, synthetic, sizeof gappy);
    gappy[2 * 3 + 1] = NAN;
    CHECK(wm_need_index_compute(&x, gappy, 5, ind, 3, WM_NEED_ZSCORE, &err) == 0);
    CHECK(isnan(x.score[2]) && x.composite_rank[2] == 0 && x.loo_min[2] == 0);
    CHECK(x.composite_rank[0] >= 1);
    wm_need_index_free(&x);

    /* Bad indicator definitions are usage errors naming the indicator. */
    ind[1].polarity = 0;
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "B") != NULL);
    ind[1].polarity = -1;
    ind[0].weight = -1;
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) != 0);
    ind[0].weight = 0; ind[1].weight = 0; ind[2].weight = 0;
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 3, WM_NEED_ZSCORE, &err) != 0);
    CHECK(wm_need_index_compute(&x, synthetic, 5, ind, 0, WM_NEED_ZSCORE, &err) != 0);

    wm_need_method m;
    CHECK(wm_need_method_parse("rank", &m) == 0 && m == WM_NEED_RANK);
    CHECK(wm_need_method_parse("median", &m) == -1);
    CHECK_STR(wm_need_method_name(WM_NEED_QUINTILE), "quintile");
}

static OGRGeometryH unit_square(int x, int y)
{
    char wkt[160];
    snprintf(wkt, sizeof wkt, "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", x, y, x + 1, y, x + 1,
             y + 1, x, y + 1, x, y);
    char *p = wkt;
    OGRGeometryH g = NULL;
    OGR_G_CreateFromWkt(&p, NULL, &g);
    return g;
}

static void test_small_areas(void)
{
    /* Synthetic grid of unit squares:
     *   y=1:  s4  .   .   s5
     *   y=0:  s0  s1  s2  s3
     * ward W1: s0 s1 s3 s4; W2: s2 s5; W3: none.  Decile 1: s0 s1 s3 s4 s5.
     * W1's decile-1 areas: {s0,s1,s4} touch, s3 apart: 2 clusters, largest 3.
     * W2's: s5 only: 1 cluster, contiguous. */
    int xy[6][2] = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 0, 1 }, { 3, 1 } };
    wm_feature f[6];
    char codes[6][8];
    for (int i = 0; i < 6; i++) {
        snprintf(codes[i], sizeof codes[i], "s%d", i);
        f[i].key = codes[i];
        f[i].name = codes[i];
        f[i].geom = unit_square(xy[i][0], xy[i][1]);
    }
    wm_layer L;
    memset(&L, 0, sizeof L);
    L.n = 6;
    L.features = f;
    double decile[6] = { 1, 1, 2, 1, 1, 1 };
    const char *ward_of[6] = { "W1", "W1", "W2", "W1", "W1", "W2" };
    const char *wards[3] = { "W1", "W2", "W3" };

    unsigned char adj[4] = { 0, 1, 1, 0 };
    int comp[2];
    CHECK(wm_components(adj, 2, comp) == 1);
    unsigned char none[9] = { 0 };
    int comp3[3];
    CHECK(wm_components(none, 3, comp3) == 3);
    CHECK(comp3[0] == 0 && comp3[2] == 2);

    wm_small_area_view v;
    wm_error err;
    CHECK(wm_small_area_view_build(&v, &L, decile, ward_of, wards, 3, &err) == 0);
    CHECK(v.n == 3);
    CHECK_STR(v.wards[0].ward, "W1");
    CHECK(v.wards[0].areas == 4 && v.wards[0].worst == 4);
    CHECK(v.wards[0].clusters == 2 && v.wards[0].largest == 3);
    CHECK(!wm_small_area_contiguous(&v.wards[0]));
    CHECK_STR(v.wards[0].codes[0], "s0");
    CHECK(v.wards[0].cluster[0] == 1 && v.wards[0].cluster[2] == 1 && v.wards[0].cluster[3] == 2);
    CHECK_STR(v.wards[0].codes[3], "s3");
    CHECK(v.wards[1].areas == 2 && v.wards[1].worst == 1 && v.wards[1].clusters == 1);
    CHECK(wm_small_area_contiguous(&v.wards[1]));
    CHECK(v.wards[2].areas == 0 && v.wards[2].worst == 0 && v.wards[2].clusters == 0);
    CHECK(!wm_small_area_contiguous(&v.wards[2]));
    wm_small_area_view_free(&v);
    for (int i = 0; i < 6; i++) OGR_G_DestroyGeometry(f[i].geom);
}

int main(void)
{
    test_building_blocks();
    test_composites();
    test_small_areas();
    return wm_test_summary();
}
