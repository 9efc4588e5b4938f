/* Where an area is (store.h): finding an area by code or name, the local
 * authority it lies in, and the store's boundary layer of a geography --
 * on a synthetic store of two authorities written here, then on the
 * bundled Coventry store; and the name helpers of text.h they rest on. */
#include "error.h"
#include "layer.h"
#include "store.h"
#include "store_bundled.h"
#include "text.h"
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_names(void)
{
    char k[64];
    wm_name_key("  St  Michael\xe2\x80\x99s ", k, sizeof k);
    CHECK_STR(k, "st michael's");
    wm_name_key("ST MICHAEL`S", k, sizeof k);
    CHECK_STR(k, "st michael's");
    wm_name_key("Henley Green & Wood End", k, 8);
    CHECK_STR(k, "henley");
    CHECK(wm_edit_distance("kitten", "sitting") == 3);
    CHECK(wm_edit_distance("", "abc") == 3);
    CHECK(wm_edit_distance("same", "same") == 0);
}

/* Two synthetic authorities, each with a ward called "Synthetic Park";
 * an LSOA linked to a ward of the second; an area with no link. */
static wm_store *synthetic_store(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/synthetic_places.sqlite", wm_test_tmpdir());
    remove(path);
    wm_error err;
    wm_store *s = wm_store_open(path, 1, &err);
    CHECK(s != NULL);
    if (!s) return NULL;
    const char *sql =
        "INSERT INTO areas VALUES ('lad25','E0800000A','Synthetic North',NULL),"
        "('lad25','E0800000B','Synthetic South',NULL),"
        "('ward25','E0500000A1','Synthetic Park',NULL),('ward25','E0500000A2','Synthetic Hill',NULL),"
        "('ward25','E0500000B1','Synthetic Park',NULL),('ward25','E0500000B2','St Synthetic\xe2\x80\x99s',NULL),"
        "('msoa21','E0200000X','Synthetic 001','Synthetic Green & Wood'),"
        "('lsoa21','E0100000B9','Synthetic 001A',NULL);"
        "INSERT INTO area_links VALUES ('ward25','E0500000A1','lad25','E0800000A','layer field',''),"
        "('ward25','E0500000A2','lad25','E0800000A','layer field',''),"
        "('ward25','E0500000B1','lad25','E0800000B','layer field',''),"
        "('ward25','E0500000B2','lad25','E0800000B','layer field',''),"
        "('lsoa21','E0100000B9','ward25','E0500000B2','best-fit lookup','');";
    CHECK(sqlite3_exec(wm_store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK);
    return s;
}

static void test_synthetic(void)
{
    wm_store *s = synthetic_store();
    if (!s) return;
    wm_store_area a;
    wm_error err;
    /* By code, in any case. */
    CHECK(wm_store_find_area(s, "ward25", "e0500000a2", &a, &err) == 0);
    CHECK_STR(a.code, "E0500000A2");
    CHECK_STR(a.name, "Synthetic Hill");
    /* By name, as people type it. */
    CHECK(wm_store_find_area(s, "ward25", "st synthetic's", &a, &err) == 0);
    CHECK_STR(a.code, "E0500000B2");
    /* By local name. */
    CHECK(wm_store_find_area(s, "msoa21", "synthetic green &  wood", &a, &err) == 0);
    CHECK_STR(a.code, "E0200000X");
    /* A name two areas share: both listed, with their authorities. */
    CHECK(wm_store_find_area(s, "ward25", "Synthetic Park", &a, &err) == -1);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(strstr(err.msg, "2 ward25 areas are called \"Synthetic Park\"") != NULL);
    CHECK(strstr(err.msg, "E0500000A1 Synthetic Park (Synthetic North)") != NULL);
    CHECK(strstr(err.msg, "E0500000B1 Synthetic Park (Synthetic South)") != NULL);
    CHECK(strstr(err.msg, "give the code") != NULL);
    /* No such area: the nearest names. */
    CHECK(wm_store_find_area(s, "ward25", "Synthetic Hil", &a, &err) == -1);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK(strstr(err.msg, "no ward25 area \"Synthetic Hil\" (nearest: Synthetic Hill (E0500000A2)") != NULL);
    CHECK(wm_store_find_area(s, "ward99", "x", &a, &err) == -1 && strstr(err.msg, "no ward99 areas") != NULL);

    /* The authority: through the links, one or two steps up. */
    CHECK(wm_store_authority(s, "ward25", "E0500000B1", &a, &err) == 0);
    CHECK_STR(a.code, "E0800000B");
    CHECK_STR(a.name, "Synthetic South");
    CHECK_STR(a.geography, "lad25");
    CHECK(wm_store_authority(s, "lsoa21", "E0100000B9", &a, &err) == 0);
    CHECK_STR(a.code, "E0800000B");
    /* No link, and two authorities: none. */
    CHECK(wm_store_authority(s, "msoa21", "E0200000X", &a, &err) == 1);
    /* No link, one authority: that one. */
    CHECK(sqlite3_exec(wm_store_db(s), "DELETE FROM areas WHERE code = 'E0800000B'", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(wm_store_authority(s, "msoa21", "E0200000X", &a, &err) == 0);
    CHECK_STR(a.code, "E0800000A");

    /* A geography without a boundary layer. */
    CHECK(wm_store_layer(s, "ward25", NULL, &err) == NULL);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "has no boundary layer of ward25") != NULL);
    wm_store_close(s);
}

static void test_coventry(void)
{
    wm_error err;
    wm_store *s = wm_store_open_for_reading(NULL, &err);
    CHECK(s != NULL);
    if (!s) return;
    wm_store_area a, lad;
    CHECK(wm_store_find_area(s, "ward25", "St Michael's", &a, &err) == 0);
    CHECK(wm_store_authority(s, "ward25", a.code, &lad, &err) == 0);
    CHECK_STR(lad.name, "Coventry");
    CHECK_STR(lad.geography, "lad25");
    /* The ward's code and name as the boundary layer has them. */
    wm_layer *L = wm_store_layer(s, "ward25", NULL, &err);
    CHECK(L != NULL);
    if (L) {
        long i = wm_layer_find(L, a.code);
        CHECK(i >= 0);
        if (i >= 0) CHECK_STR(L->features[i].name, a.name);
        CHECK(strstr(L->spec, "coventry_wards_2025") != NULL);
        wm_layer_free(L);
    }
    wm_store_close(s);
}

int main(void)
{
    wm_gdal_init();
    test_names();
    test_synthetic();
    test_coventry();
    return wm_test_summary();
}
