/* A raster map of many vertices is drawn in two bands on two threads
 * (draw.c): the picture must be the one pass's.  A synthetic grid of 441
 * square areas, each side cut into 100 steps (176,400 vertices, above the
 * banding threshold even after thinning), coloured by 5 categories, is
 * rendered to PNG; the pixel at every area's centre has its colour, and
 * so have the rows on both sides of the split for every area the split
 * crosses.  Every other area of the middle row has no value: its No data
 * hatching, a tile repeated (draw.c), runs on across the split without a
 * seam.
 * Synthetic data only, generated here. */
#include "layout.h"
#include "map.h"
#include "output.h"
#include "paper.h"
#include "testutil.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

#define CELLS 21   /* odd, so that the split crosses the middle row */
#define STEPS 100
#define DPI 150
#define NODATA_CELLS ((CELLS + 1) / 2)   /* the middle row's even columns */

static int pixel_is(cairo_surface_t *img, int x, int y, wm_rgb c)
{
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *row = cairo_image_surface_get_data(img) + (size_t)y * (size_t)stride;
    uint32_t px = ((const uint32_t *)(const void *)row)[x];
    int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    return abs(r - (int)lround(c.r * 255)) <= 1 && abs(g - (int)lround(c.g * 255)) <= 1 &&
           abs(b - (int)lround(c.b * 255)) <= 1;
}

static uint32_t pixel(cairo_surface_t *img, int x, int y)
{
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *row = cairo_image_surface_get_data(img) + (size_t)y * (size_t)stride;
    return ((const uint32_t *)(const void *)row)[x];
}

/* One side of a cell, from (x0, y0) to (x1, y1), without its last point. */
static void side(FILE *fp, double x0, double y0, double x1, double y1)
{
    for (int k = 0; k < STEPS; k++)
        fprintf(fp, "[%.7f,%.7f],", x0 + (x1 - x0) * k / STEPS, y0 + (y1 - y0) * k / STEPS);
}

static int write_grid(const char *layer, const char *table)
{
    FILE *fp = fopen(layer, "w"), *tp = fopen(table, "w");
    if (!fp || !tp) {
        if (fp) fclose(fp);
        if (tp) fclose(tp);
        return -1;
    }
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", fp);
    fputs("code,category\n", tp);
    double size = 0.02, lon0 = -1.8, lat0 = 52.3;
    for (int r = 0; r < CELLS; r++)
        for (int c = 0; c < CELLS; c++) {
            double x0 = lon0 + c * size, y0 = lat0 + r * size, x1 = x0 + size, y1 = y0 + size;
            fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"S%02d%02d\"},"
                        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[",
                    r || c ? ",\n" : "", r, c);
            side(fp, x0, y0, x1, y0);
            side(fp, x1, y0, x1, y1);
            side(fp, x1, y1, x0, y1);
            side(fp, x0, y1, x0, y0);
            fprintf(fp, "[%.7f,%.7f]]]}}", x0, y0);
            if (r != CELLS / 2 || c % 2) fprintf(tp, "S%02d%02d,%d\n", r, c, 1 + (r * 3 + c * 7) % 5);
        }
    fputs("\n]}\n", fp);
    int ok = fclose(fp) == 0;
    return fclose(tp) == 0 && ok ? 0 : -1;
}

int main(void)
{
    wm_gdal_init();
    char layer[4096], table[4096], png[4096];
    snprintf(layer, sizeof layer, "%s/synthetic_grid.geojson", wm_test_tmpdir());
    snprintf(table, sizeof table, "%s/synthetic_grid.csv", wm_test_tmpdir());
    snprintf(png, sizeof png, "%s/synthetic_grid.png", wm_test_tmpdir());
    CHECK(write_grid(layer, table) == 0);

    char *argv[] = { "render", "--layer", layer, "--key", "code", "--data", table, "--data-key", "code",
                     "--value", "category", "--method", "categorical", "--breaks", "1,2,3,4,5",
                     "--palette", "Set2", NULL };
    int argc = (int)(sizeof argv / sizeof *argv) - 1;
    wm_args a;
    wm_error err;
    wm_error_clear(&err);
    CHECK(wm_args_parse(&a, options, argc, argv, 0, &err) == 0);
    wm_map map;
    int ok = wm_test_map_from_args(&a, &map, &err) == 0;
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err.msg);
        return wm_test_summary();
    }
    CHECK(map.layer->n == CELLS * CELLS);

    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &map;
    fig.title = "Synthetic grid";
    fig.dpi = DPI;
    CHECK(wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt) == 0);
    CHECK(wm_render_figure(&fig, png, &err) == 0);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
    if (!L || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) return wm_test_summary();
    /* Enough vertices, after thinning, for the map to be drawn in bands. */
    CHECK(L->panel[0].areas.npoints >= 100000);

    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double k = DPI / 72.0;
    const wm_box f = L->panel[0].frame;
    int top = (int)floor(f.y * k), bottom = (int)ceil((f.y + f.h) * k), split = top + (bottom - top) / 2;
    int centres = 0, seams = 0, crossing = 0, nodata = 0, hatched = 0;
    for (size_t i = 0; i < map.layer->n; i++) {
        OGREnvelope e;
        OGR_G_GetEnvelope(map.layer->features[i].geom, &e);
        double x0, y0, x1, y1;
        wm_layout_to_page(&L->panel[0], e.MinX, e.MaxY, &x0, &y0);
        wm_layout_to_page(&L->panel[0], e.MaxX, e.MinY, &x1, &y1);
        int cx = (int)floor((x0 + x1) / 2 * k), cy = (int)floor((y0 + y1) / 2 * k);
        wm_rgb colour = wm_map_colour(&map, i);
        if (wm_map_is_nodata(&map, i)) {
            /* Hatched: dark and light pixels, and along every 45-degree
             * diagonal the same pixel, across the split as well. */
            nodata++;
            int dark = 0, light = 0, diagonal = 1;
            int xa = (int)ceil(x0 * k) + 6, xb = (int)floor(x1 * k) - 6;
            for (int y = split - 4; y <= split + 4; y++)
                for (int x = xa; x < xb; x++) {
                    uint32_t p = pixel(img, x, y), q = pixel(img, x + 1, y - 1);
                    int grey = (p >> 8) & 0xff;
                    dark += grey < 150;
                    light += grey > 190;
                    /* (cairo's antialiasing of a diagonal is not quite
                     * symmetric: a few levels.) */
                    diagonal &= abs((int)((p >> 8) & 0xff) - (int)((q >> 8) & 0xff)) <= 8;
                }
            hatched += dark > 0 && light > 0 && diagonal;
            if (!(dark > 0 && light > 0 && diagonal))
                fprintf(stderr, "%s: No data hatching broken at the split (dark %d, light %d, diagonal %d)\n",
                        map.layer->features[i].key, dark, light, diagonal);
            continue;
        }
        if (cx >= 0 && cy >= 0 && cx < w && cy < h && pixel_is(img, cx, cy, colour)) centres++;
        else fprintf(stderr, "%s: centre (%d,%d) is not its colour\n", map.layer->features[i].key, cx, cy);
        /* An area the split crosses, well inside it: rows around the split. */
        if (y0 * k + 4 < split && y1 * k - 4 > split) {
            crossing++;
            int same = 1;
            for (int y = split - 2; y <= split + 2; y++) same &= pixel_is(img, cx, y, colour);
            seams += same;
            if (!same) fprintf(stderr, "%s: a row beside the split (%d) is not its colour\n",
                               map.layer->features[i].key, split);
        }
    }
    CHECK(nodata == NODATA_CELLS);
    CHECK(centres == CELLS * CELLS - NODATA_CELLS);
    CHECK(hatched == NODATA_CELLS);
    CHECK(crossing > 0);
    CHECK(seams == crossing);
    cairo_surface_destroy(img);
    wm_layout_free(L);
    wm_map_free(&map);
    wm_args_free(&a);
    return wm_test_summary();
}
