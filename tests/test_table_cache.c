/* Tests for table_cache.h: a large CSV read once through GDAL and its
 * checks, then loaded from the cache with the same column names, cells
 * and source lines; remade when the file changes (the stale copy
 * removed); a damaged copy ignored; a bad file never cached; a GeoJSON
 * file read as a table kept from a smaller size; small files and
 * WARDMAP_CACHE=off left alone.  Synthetic tables only. */
#include "source_cache.h"
#include "table.h"
#include "table_cache.h"
#include "testutil.h"

#include <dirent.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* The cache's copies (their count, and the last one's path). */
static int copies(const char *dir, char *last, size_t size)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".wmtable")) {
            n++;
            if (last) snprintf(last, size, "%s/%s", dir, e->d_name);
        }
    if (d) closedir(d);
    return n;
}

/* A synthetic table larger than the threshold, with a BOM, CRLF, a
 * quoted field holding a comma and a line break, suppression markers and
 * an empty cell; `variant` changes one value. */
static int write_big(const char *path, int variant)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    fputs("\xEF\xBB\xBFLSOA code,Name,Count,Note\r\n", fp);
    fputs("E01000001,\"Synthetic, first\nrow\",\"29,199\",s\r\n", fp);
    for (int i = 2; i < 20000; i++)
        fprintf(fp, "E01%06d,Synthetic area %d,%d,%s\r\n", i, i, variant ? i * 2 : i, i % 7 ? "" : "x");
    return fclose(fp);
}

static int same_table(const wm_table *a, const wm_table *b)
{
    if (!a || !b || a->ncols != b->ncols || a->nrows != b->nrows) return 0;
    for (int c = 0; c < a->ncols; c++)
        if (strcmp(a->colnames[c], b->colnames[c]) != 0) return 0;
    for (size_t r = 0; r < a->nrows; r++) {
        if (wm_table_line(a, r) != wm_table_line(b, r)) return 0;
        for (int c = 0; c < a->ncols; c++)
            if (strcmp(wm_table_cell(a, r, c), wm_table_cell(b, r, c)) != 0) return 0;
    }
    return 1;
}

int main(void)
{
    GDALAllRegister();
    const char *src = wm_test_tmp_path("big.csv");
    char dir[4096], copy[4096];
    snprintf(dir, sizeof dir, "%s", wm_test_tmp_path("cache"));
    setenv("WARDMAP_CACHE", dir, 1);
    CHECK(write_big(src, 0) == 0);
    struct stat st;
    CHECK(stat(src, &st) == 0 && st.st_size >= WM_TABLE_CACHE_MIN_BYTES);
    wm_error err;
    wm_error_clear(&err);

    /* Read through GDAL, kept, then loaded: the same table. */
    CHECK(wm_table_cache_load(src) == NULL);
    wm_table *first = wm_table_read(src, &err);
    CHECK(first != NULL && first->arena == NULL);
    CHECK(copies(dir, copy, sizeof copy) == 1);
    wm_table *again = wm_table_read(src, &err);
    CHECK(again != NULL && again->arena != NULL);
    CHECK(same_table(first, again));
    if (again) {
        CHECK(strcmp(again->path, src) == 0);
        CHECK(strcmp(again->colnames[0], "LSOA code") == 0);   /* BOM gone */
        CHECK(strcmp(wm_table_cell(again, 0, 1), "Synthetic, first\nrow") == 0);
        CHECK(strcmp(wm_table_cell(again, 0, 2), "29,199") == 0);
        CHECK(wm_table_line(again, 1) == 4);   /* the quoted line break counts */
        CHECK(wm_table_column(again, "count") == 2);
    }
    wm_table_free(again);

    /* A damaged copy is ignored and the source read again. */
    FILE *fp = fopen(copy, "r+b");
    if (fp) {
        fseek(fp, -3, SEEK_END);
        fputs("zz", fp);
        fclose(fp);
    }
    CHECK(wm_table_cache_load(src) == NULL);
    if (truncate(copy, 30) != 0) CHECK(0);
    CHECK(wm_table_cache_load(src) == NULL);
    wm_table *reread = wm_table_read(src, &err);
    CHECK(same_table(first, reread));
    wm_table_free(reread);
    unlink(copy);

    /* The file changes: a new copy with the new values, the old removed. */
    wm_table_free(wm_table_read(src, &err));
    char old[4096];
    CHECK(copies(dir, old, sizeof old) == 1);
    sleep(1);
    CHECK(write_big(src, 1) == 0);
    wm_table *changed = wm_table_read(src, &err);
    CHECK(changed && strcmp(wm_table_cell(changed, 5, 2), "12") == 0);
    CHECK(copies(dir, copy, sizeof copy) == 1 && strcmp(copy, old) != 0);
    wm_table *loaded = wm_table_read(src, &err);
    CHECK(loaded && loaded->arena && same_table(changed, loaded));
    wm_table_free(changed);
    wm_table_free(loaded);

    /* A bad file is reported as always and never cached. */
    const char *bad = wm_test_tmp_path("bad.csv");
    fp = fopen(bad, "wb");
    if (fp) {
        fputs("code,value\n", fp);
        for (int i = 0; i < 40000; i++) fprintf(fp, "E01%06d,%d\n", i, i);
        fputs("E01999999,1,extra\n", fp);
        fclose(fp);
    }
    wm_error_clear(&err);
    CHECK(wm_table_read(bad, &err) == NULL && err.code == WM_EXIT_DATA && strstr(err.msg, ":40002:"));
    CHECK(copies(dir, NULL, 0) == 1);

    /* Small files and WARDMAP_CACHE=off: not cached. */
    const char *small = wm_test_tmp_path("small.csv");
    CHECK(wm_test_write_file(small, "code,value\nE01000001,1\n") == 0);
    wm_table_free(wm_table_read(small, &err));
    CHECK(copies(dir, NULL, 0) == 1);
    /* A GeoJSON file read as a table is kept from a smaller size (its
     * geometries are parsed to read it); a smaller one is not. */
    const char *geo = wm_test_tmp_path("synthetic_areas.geojson");
    fp = fopen(geo, "wb");
    if (fp) {
        fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", fp);
        for (int i = 0; i < 400; i++)
            fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"WD25CD\":\"E05%06d\",\"WD25NM\":\"Synthetic %d\"},"
                        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-1.5%04d,52.4],[-1.4,52.4],"
                        "[-1.4,52.5],[-1.5,52.5],[-1.5%04d,52.4]]]}}\n", i ? "," : "", i, i, i, i);
        fputs("]}\n", fp);
        fclose(fp);
    }
    CHECK(stat(geo, &st) == 0 && st.st_size >= WM_TABLE_CACHE_MIN_GEOJSON_BYTES &&
          st.st_size < WM_TABLE_CACHE_MIN_BYTES);
    wm_table *geo_first = wm_table_read(geo, &err);
    CHECK(geo_first != NULL && geo_first->arena == NULL);
    CHECK(copies(dir, NULL, 0) == 2);
    wm_table *geo_again = wm_table_read(geo, &err);
    CHECK(geo_again != NULL && geo_again->arena != NULL && same_table(geo_first, geo_again));
    CHECK(geo_again && geo_again->nrows == 400 && strcmp(wm_table_cell(geo_again, 399, wm_table_column(geo_again, "WD25NM")), "Synthetic 399") == 0);
    wm_table_free(geo_first);
    wm_table_free(geo_again);
    const char *small_geo = wm_test_tmp_path("synthetic_small.geojson");
    CHECK(wm_test_write_file(small_geo, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                                        "\"properties\":{\"WD25CD\":\"E05000001\"},\"geometry\":null}]}") == 0);
    wm_table_free(wm_table_read(small_geo, &err));
    CHECK(copies(dir, NULL, 0) == 2);
    setenv("WARDMAP_CACHE", "off", 1);
    CHECK(wm_source_cache_dir() == NULL);
    CHECK(wm_table_cache_load(src) == NULL);
    wm_table_free(first);
    return wm_test_summary();
}
