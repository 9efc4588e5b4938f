/* Writing figures (output.h): one call writes every output of a figure,
 * all or nothing; thumbnails come from the image in memory; SVG (and
 * every format) is the same whatever the process drew before; text cairo
 * cannot draw is an error naming the text, and nothing is written; a
 * drawing error is reported, never a blank figure. */
#include "draw.h"
#include "layout.h"
#include "map.h"
#include "output.h"
#include "paper.h"
#include "testutil.h"

#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

static char dir[4096];

static const char *path_in(const char *name)
{
    static char buf[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The file's bytes (malloc'd), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) { free(b); b = NULL; }
    if (b) b[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return b;
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Temporary files or directories atomic.h left in the scratch dir. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, ".wardmap-") != NULL;
    if (d) closedir(d);
    return n;
}

static wm_map dep, fuel;
static wm_args dep_args, fuel_args;
static wm_layer *overlay;

static void figure_of(wm_figure *fig, const wm_map *map, const char *title, const char *paper)
{
    memset(fig, 0, sizeof *fig);
    fig->map = map;
    fig->overlay = overlay;
    fig->overlay_labels = 1;
    fig->title = title;
    fig->dpi = 72;
    wm_paper_size(paper, 1, &fig->width_pt, &fig->height_pt);
}

/* The same figure after another one was drawn: byte-identical files. */
static void test_deterministic(void)
{
    wm_figure a, b;
    figure_of(&a, &dep, "Deprivation", "A4");
    figure_of(&b, &fuel, "Fuel poverty", "A5");
    b.subtitle = "another figure in between";
    wm_error err;
    const char *ext[3] = { "svg", "pdf", "png" };
    for (int i = 0; i < 3; i++) {
        char n1[32], n2[32], nb[32];
        snprintf(n1, sizeof n1, "a1.%s", ext[i]);
        snprintf(n2, sizeof n2, "a2.%s", ext[i]);
        snprintf(nb, sizeof nb, "b.%s", ext[i]);
        CHECK(wm_render_figure(&a, path_in(n1), &err) == 0);
        CHECK(wm_render_figure(&b, path_in(nb), &err) == 0);
        CHECK(wm_render_figure(&a, path_in(n2), &err) == 0);
        if (!same_file(path_in(n1), path_in(n2))) fprintf(stderr, "%s differs after another figure\n", ext[i]);
        CHECK(same_file(path_in(n1), path_in(n2)));
    }
    /* cairo's process-wide surface counter is renumbered from 1. */
    size_t len;
    char *svg = slurp(path_in("a2.svg"), &len);
    CHECK(svg && strstr(svg, "<g id=\"surface1\">") != NULL);
    free(svg);
    svg = slurp(path_in("b.svg"), &len);
    CHECK(svg && strstr(svg, "<g id=\"surface1\">") != NULL);
    free(svg);
}

/* One call, three outputs: the same files as three calls. */
static void test_all_outputs(void)
{
    wm_figure a;
    figure_of(&a, &dep, "Deprivation", "A4");
    wm_output outs[3] = { { path_in("all.png"), NULL, 0 }, { path_in("all.svg"), NULL, 0 },
                          { path_in("all.pdf"), NULL, 0 } };
    wm_error err;
    CHECK(wm_figure_write(&a, outs, 3, &err) == 0);
    const char *ext[3] = { "png", "svg", "pdf" };
    for (int i = 0; i < 3; i++) {
        char one[32], all[32];
        snprintf(one, sizeof one, "one.%s", ext[i]);
        snprintf(all, sizeof all, "all.%s", ext[i]);
        CHECK(wm_render_figure(&a, path_in(one), &err) == 0);
        CHECK(same_file(path_in(all), path_in(one)));
    }
    CHECK(leftovers() == 0);

    /* A layout written twice gives the same files again. */
    wm_layout *L = wm_layout_new(&a, &err);
    CHECK(L != NULL);
    wm_output again[1] = { { path_in("again.svg"), NULL, 0 } };
    CHECK(L && wm_layout_write(L, again, 1, &err) == 0);
    CHECK(same_file(path_in("again.svg"), path_in("all.svg")));
    wm_layout_free(L);
}

/* A failing second output leaves the first target as it was. */
static void test_all_or_nothing(void)
{
    wm_figure a;
    figure_of(&a, &dep, "Deprivation", "A4");
    wm_error err;
    CHECK(wm_test_write_file(path_in("keep.png"), "old") == 0);
    CHECK(wm_test_write_file(path_in("plain"), "a file, not a directory") == 0);
    wm_output outs[2] = { { path_in("keep.png"), NULL, 0 }, { path_in("plain/x.svg"), NULL, 0 } };
    wm_error_clear(&err);
    CHECK(wm_figure_write(&a, outs, 2, &err) != 0);
    CHECK(err.code == WM_EXIT_IO);
    size_t len;
    char *kept = slurp(path_in("keep.png"), &len);
    CHECK(kept && strcmp(kept, "old") == 0);
    free(kept);

    /* The second fails after the first was drawn: a PNG too large. */
    CHECK(wm_test_write_file(path_in("keep.svg"), "old") == 0);
    a.dpi = 3000;
    wm_output big[2] = { { path_in("keep.svg"), NULL, 0 }, { path_in("big.png"), NULL, 0 } };
    CHECK(wm_figure_write(&a, big, 2, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "pixels is too large") != NULL);
    kept = slurp(path_in("keep.svg"), &len);
    CHECK(kept && strcmp(kept, "old") == 0);
    free(kept);
    CHECK(!exists(path_in("big.png")));
    CHECK(leftovers() == 0);

    /* Names without a format are refused before anything is drawn. */
    wm_output bad[1] = { { path_in("x.jpg"), NULL, 0 } };
    CHECK(wm_figure_write(&a, bad, 1, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "x.jpg: the output must end in .png, .svg or .pdf"));
}

/* The thumbnail made in memory is the one made by reading the PNG back. */
static void test_thumbnail(void)
{
    wm_figure a;
    figure_of(&a, &dep, "Deprivation", "A4");
    wm_error err;
    wm_output outs[2] = { { path_in("t.svg"), NULL, 0 }, { path_in("t.png"), path_in("thumbs/t.png"), 200 } };
    CHECK(wm_figure_write(&a, outs, 2, &err) == 0);
    CHECK(wm_png_thumbnail(path_in("t.png"), path_in("t_read.png"), 200, &err) == 0);
    CHECK(same_file(path_in("thumbs/t.png"), path_in("t_read.png")));
    cairo_surface_t *img = cairo_image_surface_create_from_png(path_in("thumbs/t.png"));
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
    CHECK(cairo_image_surface_get_width(img) == 200);
    CHECK(cairo_image_surface_get_height(img) == 141);   /* 842 x 595 pt at 72 dpi */
    cairo_surface_destroy(img);
    /* A thumbnail is asked of a PNG only. */
    wm_output svg[1] = { { path_in("t2.svg"), path_in("t2.png"), 200 } };
    CHECK(wm_figure_write(&a, svg, 1, &err) != 0 && err.code == WM_EXIT_USAGE);
    CHECK(!exists(path_in("t2.svg")) && !exists(path_in("t2.png")));
    CHECK(wm_png_thumbnail(path_in("t.svg"), path_in("t3.png"), 200, &err) != 0 && err.code == WM_EXIT_DATA);
}

/* Text cairo cannot draw: an error naming it, and no file. */
static void test_bad_text(void)
{
    wm_figure a;
    wm_error err;
    figure_of(&a, &dep, "Fuel pov\xe9rty", "A5");
    const char *png = path_in("bad.png");
    CHECK(wm_render_figure(&a, png, &err) != 0);
    CHECK(err.code == WM_EXIT_USAGE);
    CHECK_STR(err.msg, "the title \"Fuel pov\\xE9rty\" is not valid UTF-8 (byte 9 is 0xE9); save it as UTF-8");
    CHECK(!exists(png));

    a.title = "U+FFFE \xef\xbf\xbe is no character";
    CHECK(wm_render_figure(&a, png, &err) != 0);
    CHECK(strstr(err.msg, "the title \"U+FFFE") && strstr(err.msg, "noncharacter at byte 8"));

    a.title = "Fuel pov\xc3\xa9rty";   /* the same in UTF-8 draws */
    CHECK(wm_render_figure(&a, png, &err) == 0);
    CHECK(exists(png));
    remove(png);

    /* An area's name in the overlay (Latin-1 from a shapefile's .dbf). */
    a.title = "Wards";
    wm_feature *f = &overlay->features[3];
    char *good = f->name;
    char bad_name[64];
    snprintf(bad_name, sizeof bad_name, "Foleshill \xc9" "ast");
    f->name = bad_name;
    CHECK(wm_render_figure(&a, path_in("bad.svg"), &err) != 0);
    CHECK(err.code == WM_EXIT_DATA);
    char want[600];
    snprintf(want, sizeof want, "%s: area %s: its name (WD25NM) \"Foleshill \\xC9ast\" is not valid UTF-8 (byte 11 is 0xC9); save it as UTF-8",
             overlay->spec, f->key);
    CHECK_STR(err.msg, want);
    /* Unlabelled, the names are not drawn and do not matter. */
    a.overlay_labels = 0;
    CHECK(wm_render_figure(&a, path_in("unlabelled.svg"), &err) == 0);
    f->name = good;
    a.overlay_labels = 1;
    CHECK(!exists(path_in("bad.svg")));

    /* The legend's words come from the data. */
    char title[256];
    memcpy(title, dep.legend_title, sizeof title);
    snprintf(dep.legend_title, sizeof dep.legend_title, "Pr\xe9valence");
    CHECK(wm_render_figure(&a, path_in("bad.pdf"), &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "the legend title \"Pr\\xE9valence\" is not valid UTF-8"));
    memcpy(dep.legend_title, title, sizeof title);
    CHECK(!exists(path_in("bad.pdf")));
    CHECK(leftovers() == 0);
}

/* A context cairo cannot draw on is an error, not a blank figure. */
static void test_draw_error(void)
{
    wm_figure a;
    figure_of(&a, &dep, "Deprivation", "A5");
    wm_error err;
    wm_layout *L = wm_layout_new(&a, &err);
    CHECK(L != NULL);
    if (!L) return;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100);
    cairo_t *cr = cairo_create(s);
    CHECK(wm_draw_page(cr, L, &err) == 0);
    cairo_set_dash(cr, (const double[]){ -1 }, 1, 0);   /* puts the context in an error state */
    CHECK(wm_draw_page(cr, L, &err) != 0);
    CHECK(strncmp(err.msg, "cannot draw the figure (", 24) == 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    wm_layout_free(L);
}

/* A thumbnail is a box filter over each pixel's footprint: a synthetic
 * checkerboard of one-pixel squares becomes an even grey (no aliasing),
 * a flat colour stays that colour at a ratio that is not a whole number,
 * and a step from black to white falls where the footprint says. */
static void test_thumbnail_box(void)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 40);
    unsigned char *d = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 64; x++) ((uint32_t *)(void *)(d + y * stride))[x] = (x + y) % 2 ? 0xffffffu : 0;
    cairo_surface_mark_dirty(img);
    CHECK(cairo_surface_write_to_png(img, path_in("synthetic_checker.png")) == CAIRO_STATUS_SUCCESS);
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 64; x++) ((uint32_t *)(void *)(d + y * stride))[x] = 0x3366ccu;
    cairo_surface_mark_dirty(img);
    CHECK(cairo_surface_write_to_png(img, path_in("synthetic_flat.png")) == CAIRO_STATUS_SUCCESS);
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 64; x++) ((uint32_t *)(void *)(d + y * stride))[x] = x < 24 ? 0 : 0xffffffu;
    cairo_surface_mark_dirty(img);
    CHECK(cairo_surface_write_to_png(img, path_in("synthetic_step.png")) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
    wm_error err;
    CHECK(wm_png_thumbnail(path_in("synthetic_checker.png"), path_in("checker_16.png"), 16, &err) == 0);
    CHECK(wm_png_thumbnail(path_in("synthetic_flat.png"), path_in("flat_25.png"), 25, &err) == 0);
    CHECK(wm_png_thumbnail(path_in("synthetic_step.png"), path_in("step_20.png"), 20, &err) == 0);
    struct { const char *file; int w, h; } want[] = { { "checker_16.png", 16, 10 }, { "flat_25.png", 25, 16 },
                                                      { "step_20.png", 20, 13 } };
    for (int k = 0; k < 3; k++) {
        cairo_surface_t *t = cairo_image_surface_create_from_png(path_in(want[k].file));
        CHECK(cairo_surface_status(t) == CAIRO_STATUS_SUCCESS);
        if (cairo_surface_status(t) != CAIRO_STATUS_SUCCESS) continue;
        CHECK(cairo_image_surface_get_width(t) == want[k].w && cairo_image_surface_get_height(t) == want[k].h);
        const unsigned char *td = cairo_image_surface_get_data(t);
        int ts = cairo_image_surface_get_stride(t), bad = 0;
        for (int y = 0; y < want[k].h; y++)
            for (int x = 0; x < want[k].w; x++) {
                uint32_t v = ((const uint32_t *)(const void *)(td + y * ts))[x] & 0xffffffu;
                int r = (int)(v >> 16), g = (int)(v >> 8 & 0xff), b = (int)(v & 0xff);
                if (k == 0) bad += abs(r - 128) > 1 || r != g || g != b;
                if (k == 1) bad += v != 0x3366ccu;
                /* 64 -> 20: each pixel 3.2 wide; the step at 24 lies in pixel 7
                 * (22.4 .. 25.6), half of it (24 .. 25.6) white. */
                if (k == 2) bad += x < 7 ? v != 0 : x > 7 ? v != 0xffffffu : abs(r - 128) > 1;
            }
        CHECK(bad == 0);
        cairo_surface_destroy(t);
    }
}

int main(void)
{
    wm_gdal_init();
    snprintf(dir, sizeof dir, "%s", wm_test_tmpdir());
    char lsoa[4096], wards[4096], imd[4096], fp20[4096];
    snprintf(lsoa, sizeof lsoa, "%s", wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"));
    snprintf(wards, sizeof wards, "%s", wm_test_home_path("layers/boundaries/coventry_wards_2025_E08000026.geojson"));
    snprintf(imd, sizeof imd, "%s", wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));
    snprintf(fp20, sizeof fp20, "%s", wm_test_home_path("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.csv"));
    char *a1[] = { "render", "--layer", lsoa, "--data", imd, "--data-key", "LSOA code (2011)",
                   "--value", "Index of Multiple Deprivation (IMD) Decile", "--method", "categorical",
                   "--breaks", "1,2,3,4,5,6,7,8,9,10", "--palette", "RdYlBu", NULL };
    char *a2[] = { "render", "--layer", lsoa, "--data", fp20, "--data-key", "LSOA Code",
                   "--value", "Proportion of households fuel poor (%)", "--method", "jenks", NULL };
    wm_error err;
    wm_error_clear(&err);
    int ok = wm_args_parse(&dep_args, options, 15, a1, 0, &err) == 0 && wm_test_map_from_args(&dep_args, &dep, &err) == 0 &&
             wm_args_parse(&fuel_args, options, 11, a2, 0, &err) == 0 && wm_test_map_from_args(&fuel_args, &fuel, &err) == 0 &&
             (overlay = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err)) != NULL;
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err.msg);
        return wm_test_summary();
    }
    test_deterministic();
    test_all_outputs();
    test_all_or_nothing();
    test_thumbnail();
    test_thumbnail_box();
    test_bad_text();
    test_draw_error();
    wm_layer_free(overlay);
    wm_map_free(&dep);
    wm_map_free(&fuel);
    wm_args_free(&dep_args);
    wm_args_free(&fuel_args);
    return wm_test_summary();
}
