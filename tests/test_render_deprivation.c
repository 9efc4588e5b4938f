/* Integration test: the "Levels of deprivation in Coventry" figure.
 *
 * Renders every 2011 LSOA by its national IMD 2019 decile from the
 * bundled raw files, then reads the PNG back and checks its size, its
 * pHYs resolution, and that the pixel at each LSOA's interior point has
 * the colour of that LSOA's decile.  SVG and PDF outputs must be accepted
 * by rsvg-convert and pdfinfo. */
#include "map.h"
#include "layout.h"
#include "output.h"
#include "paper.h"
#include "testutil.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

static int pixel_is(cairo_surface_t *img, int x, int y, wm_rgb c)
{
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *row = cairo_image_surface_get_data(img) + (size_t)y * (size_t)stride;
    uint32_t px = ((const uint32_t *)row)[x];
    int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    return abs(r - (int)lround(c.r * 255)) <= 1 && abs(g - (int)lround(c.g * 255)) <= 1 &&
           abs(b - (int)lround(c.b * 255)) <= 1;
}

static long png_phys_ppm(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    unsigned char buf[64];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    for (size_t i = 0; i + 8 < n; i++)
        if (memcmp(buf + i, "pHYs", 4) == 0)
            return ((long)buf[i + 4] << 24) | (buf[i + 5] << 16) | (buf[i + 6] << 8) | buf[i + 7];
    return -1;
}

int main(void)
{
    wm_gdal_init();
    char lsoa[4096], imd[4096], png[4096], svg[4096], pdf[4096];
    snprintf(lsoa, sizeof lsoa, "%s", wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"));
    snprintf(imd, sizeof imd, "%s", wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));
    snprintf(png, sizeof png, "%s/deprivation.png", wm_test_tmpdir());
    snprintf(svg, sizeof svg, "%s/deprivation.svg", wm_test_tmpdir());
    snprintf(pdf, sizeof pdf, "%s/deprivation.pdf", wm_test_tmpdir());

    char *argv[] = { "render", "--layer", lsoa, "--key", "LSOA11CD", "--data", imd,
                     "--data-key", "LSOA code (2011)", "--value", "Index of Multiple Deprivation (IMD) Decile",
                     "--method", "categorical", "--breaks", "1,2,3,4,5,6,7,8,9,10",
                     "--palette", "RdYlBu", NULL };
    wm_args a;
    wm_error err;
    wm_error_clear(&err);
    CHECK(wm_args_parse(&a, options, 17, argv, 0, &err) == 0);
    wm_map map;
    int ok = wm_test_map_from_args(&a, &map, &err) == 0;
    CHECK(ok);
    if (!ok) { fprintf(stderr, "%s\n", err.msg); return wm_test_summary(); }
    CHECK(map.layer->n == 195);
    CHECK(map.classes.n == 10);
    CHECK(map.classes.count[0] == 28);      /* 14.4% of 195 in decile 1 */
    CHECK(map.classes.nodata == 0);
    CHECK(strstr(map.values_report, "joined 195/195 areas; 32,649 table rows unused") != NULL);

    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &map;
    fig.title = "Levels of deprivation in Coventry";
    fig.dpi = 150;
    CHECK(wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt) == 0);
    CHECK(wm_render_figure(&fig, png, &err) == 0);
    CHECK(wm_render_figure(&fig, svg, &err) == 0);
    CHECK(wm_render_figure(&fig, pdf, &err) == 0);

    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    CHECK(w == (int)lround(fig.width_pt * 150 / 72.0));
    CHECK(h == (int)lround(fig.height_pt * 150 / 72.0));
    CHECK(w == 1754 && h == 1240);
    CHECK(png_phys_ppm(png) == lround(150 / 0.0254));

    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    if (!L) return wm_test_summary();
    int matched = 0, checked = 0;
    for (size_t i = 0; i < map.layer->n; i++) {
        OGRGeometryH p = OGR_G_PointOnSurface(map.layer->features[i].geom);
        if (!p) continue;
        double px, py;
        wm_layout_to_page(&L->panel[0], OGR_G_GetX(p, 0), OGR_G_GetY(p, 0), &px, &py);
        OGR_G_DestroyGeometry(p);
        int x = (int)floor(px * 150 / 72.0), y = (int)floor(py * 150 / 72.0);
        checked++;
        if (x >= 0 && y >= 0 && x < w && y < h && pixel_is(img, x, y, wm_map_colour(&map, i)))
            matched++;
        else
            fprintf(stderr, "LSOA %s: pixel (%d,%d) is not its decile colour\n", map.layer->features[i].key, x, y);
    }
    CHECK(checked == 195);
    CHECK(matched == 195);
    cairo_surface_destroy(img);
    wm_layout_free(L);

    char cmd[16384];
    snprintf(cmd, sizeof cmd, "rsvg-convert -o '%s.png' '%s'", svg, svg);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' | grep -q 'Title: *Levels of deprivation in Coventry'", pdf);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "grep -q '<image' '%s'", svg);
    CHECK(system(cmd) != 0);   /* vector all through: no embedded raster */

    wm_map_free(&map);
    wm_args_free(&a);
    return wm_test_summary();
}
