/* Tests for cutting a GeoJSON FeatureCollection in two (geojson_halves.h),
 * on synthetic documents written here:
 *   - the cut is the first comma between two elements of the root's
 *     "features" array at or after half the bytes following its "[",
 *     whatever the strings around hold (brackets, commas, quotes,
 *     escaped quotes and backslashes), with a byte-order mark, CRLF and
 *     spaces, members before and after "features", a "features" member
 *     nested deeper and the word "features" as a value;
 *   - each half is the bytes geojson_halves.h says, read whole, in
 *     pieces of 7 bytes across the join, and after seeking; GDAL reads
 *     half 0's features then half 1's as the document's, in order;
 *   - no cut for a root that is not an object, "features" not an array,
 *     one feature, a "features" name written with an escape, an array
 *     starting after the first MiB, an empty or missing file;
 *   - a closed pair's paths no longer open, and a file opened on a half
 *     before stays readable. */
/* VSIStatBufL is a struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE 1

#include "geojson_halves.h"
#include "testutil.h"

#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTS 41

/* A growing text, and the offsets of the commas between elements. */
typedef struct doc {
    char *s;
    size_t n, cap;
    long header;
    long commas[ELEMENTS];
    int ncommas;
} doc;

static void add(doc *d, const char *t)
{
    size_t k = strlen(t);
    if (d->n + k + 1 > d->cap) {
        d->cap = 2 * (d->n + k + 1);
        d->s = realloc(d->s, d->cap);
    }
    memcpy(d->s + d->n, t, k + 1);
    d->n += k;
}

/* The tricky document: every element's strings hold what the scan must
 * not take for structure. */
static void tricky_document(doc *d)
{
    memset(d, 0, sizeof *d);
    add(d, "\xEF\xBB\xBF \r\n{\"type\" : \"FeatureCollection\", \"title\":\"features\",\r\n"
           " \"meta\":{\"features\":[{\"a\":1},{\"b\":2}], \"note\":\"[{\\\"features\\\":[\"},\r\n"
           " \"features\" :\r\n [");
    d->header = (long)d->n;
    for (int i = 0; i < ELEMENTS; i++) {
        if (i) {
            d->commas[d->ncommas++] = (long)d->n;
            add(d, i % 3 ? ",\r\n  " : ",");
        }
        char e[400];
        snprintf(e, sizeof e,
                 "{\"type\":\"Feature\",\"properties\":{\"XX24CD\":\"X%02d\",\"s\":\"],}{[ \\\" , \\\\\","
                 "\"t\":\"%s\",\"n\":[%d,[%d]]},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%d.5,%d.25]}}",
                 i, i % 2 ? "\\\\\\\"],{" : "a\\\\", i, i * 2, i, -i);
        add(d, e);
    }
    add(d, "\r\n], \"bbox\":[0,[1],2], \"tail\":{\"x\":\"]}\"}}\r\n");
}

/* The bytes GDAL reads at `path`, in pieces of `step` bytes (and a
 * seek back and forth first), into a new string. */
static char *read_all(const char *path, size_t step, size_t *len)
{
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f) return NULL;
    CHECK(VSIFSeekL(f, 0, SEEK_END) == 0);
    size_t size = (size_t)VSIFTellL(f);
    CHECK(VSIFSeekL(f, 5, SEEK_SET) == 0 && VSIFTellL(f) == 5);
    CHECK(VSIFSeekL(f, 0, SEEK_SET) == 0);
    char *out = malloc(size + 1);
    size_t n = 0, got;
    while ((got = VSIFReadL(out + n, 1, n + step > size ? size - n : step, f)) > 0) n += got;
    CHECK(VSIFEofL(f) || n == size);
    VSIFCloseL(f);
    out[n] = 0;
    *len = n;
    return out;
}

/* The codes of the features GDAL reads at `path`, appended to `codes`. */
static int read_codes(const char *path, char *codes, size_t size)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!l) return -1;
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        size_t used = strlen(codes);
        snprintf(codes + used, size - used, "%s ", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "XX24CD")));
        OGR_F_Destroy(f);
        n++;
    }
    GDALClose(ds);
    return n;
}

static void check_tricky(void)
{
    doc d;
    tricky_document(&d);
    const char *path = wm_test_tmp_path("synthetic_tricky.geojson");
    CHECK(wm_test_write_file(path, d.s) == 0);
    long target = d.header + ((long)d.n - d.header) / 2, comma = -1;
    for (int i = 0; i < d.ncommas && comma < 0; i++)
        if (d.commas[i] >= target) comma = d.commas[i];

    wm_geojson_halves *h = wm_geojson_halves_open(path);
    CHECK(h != NULL);
    if (!h) return;
    CHECK(wm_geojson_halves_cut(h) == comma + 1);
    const char *p0 = wm_geojson_halves_path(h, 0), *p1 = wm_geojson_halves_path(h, 1);
    const char *name = "/synthetic_tricky.geojson";
    size_t len = strlen(p0);
    CHECK(len > strlen(name) && strcmp(p0 + len - strlen(name), name) == 0);

    /* Half 0: up to the comma, then "]}".  Half 1: up to the "[", then
     * after the comma. */
    char *want0 = malloc(d.n + 3), *want1 = malloc(d.n + 1);
    memcpy(want0, d.s, (size_t)comma);
    strcpy(want0 + comma, "]}");
    memcpy(want1, d.s, (size_t)d.header);
    strcpy(want1 + d.header, d.s + comma + 1);
    VSIStatBufL st;
    CHECK(VSIStatL(p1, &st) == 0 && (size_t)st.st_size == strlen(want1));
    for (size_t step = 7; step < 100000; step *= 99) {
        size_t n0, n1;
        char *got0 = read_all(p0, step, &n0), *got1 = read_all(p1, step, &n1);
        CHECK(got0 && n0 == strlen(want0) && memcmp(got0, want0, n0) == 0);
        CHECK(got1 && n1 == strlen(want1) && memcmp(got1, want1, n1) == 0);
        free(got0);
        free(got1);
    }

    /* GDAL reads half 0's features, then half 1's, as the whole's. */
    char whole[2000] = "", halves[2000] = "";
    CHECK(read_codes(path, whole, sizeof whole) == ELEMENTS);
    int n0 = read_codes(p0, halves, sizeof halves), n1 = read_codes(p1, halves, sizeof halves);
    CHECK(n0 > 0 && n1 > 0 && n0 + n1 == ELEMENTS);
    CHECK_STR(halves, whole);

    /* Closed: the paths no longer open; a file open before still reads. */
    VSILFILE *open_before = VSIFOpenL(p1, "rb");
    char *copy = strdup(p1);
    wm_geojson_halves_close(h);
    CHECK(VSIFOpenL(copy, "rb") == NULL && VSIStatL(copy, &st) != 0);
    char first[8] = "";
    CHECK(open_before && VSIFReadL(first, 1, 7, open_before) == 7 && memcmp(first, want1, 7) == 0);
    if (open_before) VSIFCloseL(open_before);
    CHECK(VSIFOpenL("/vsiwmhalf/999/0/x.geojson", "rb") == NULL);
    free(copy);
    free(want0);
    free(want1);
    free(d.s);
}

/* No cut for `text`. */
static void check_no_cut(const char *text, const char *why)
{
    const char *path = wm_test_tmp_path("synthetic_uncut.geojson");
    CHECK(wm_test_write_file(path, text) == 0);
    wm_geojson_halves *h = wm_geojson_halves_open(path);
    if (h) fprintf(stderr, "cut where it should not be: %s\n", why);
    CHECK(h == NULL);
    wm_geojson_halves_close(h);
}

int main(void)
{
    GDALAllRegister();
    check_tricky();

    const char *two = "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}";
    char text[400];
    snprintf(text, sizeof text, "[%s,%s]", two, two);
    check_no_cut(text, "root an array");
    check_no_cut("{\"type\":\"FeatureCollection\",\"features\":{\"a\":[1,2,3,4,5,6,7,8,9]}}", "features an object");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s]}", two);
    check_no_cut(text, "one feature");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"feat\\u0075res\":[%s,%s,%s]}", two, two, two);
    check_no_cut(text, "escaped name");
    check_no_cut("", "empty file");
    CHECK(wm_geojson_halves_open(wm_test_tmp_path("no_such_file.geojson")) == NULL);

    /* The array after the first MiB: a long member first. */
    size_t big = (1u << 20) + 100;
    char *late = malloc(big + 400);
    strcpy(late, "{\"type\":\"FeatureCollection\",\"pad\":\"");
    size_t n = strlen(late);
    memset(late + n, 'x', big);
    snprintf(late + n + big, 400, "\",\"features\":[%s,%s,%s]}", two, two, two);
    check_no_cut(late, "array after the first MiB");
    free(late);
    return wm_test_summary();
}
