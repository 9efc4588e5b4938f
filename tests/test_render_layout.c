/* The layout value (layout.h) read directly: every element in its place
 * on the page, for a single map with its legend, notes and furniture, for
 * small multiples with a shared legend, and the layout's errors. */
#include "layout.h"
#include "map.h"
#include "paper.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

static char lsoa[4096], wards[4096], imd[4096], fp18[4096], fp20[4096];

#define EPS 1e-6

static int inside(wm_box in, wm_box out)
{
    return in.x >= out.x - EPS && in.y >= out.y - EPS && in.x + in.w <= out.x + out.w + EPS &&
           in.y + in.h <= out.y + out.h + EPS;
}

static int disjoint(wm_box a, wm_box b)
{
    return a.x + a.w <= b.x + EPS || b.x + b.w <= a.x + EPS || a.y + a.h <= b.y + EPS || b.y + b.h <= a.y + EPS;
}

static int build(wm_map *m, wm_args *a, char **argv, int argc)
{
    wm_error err;
    wm_error_clear(&err);
    if (wm_args_parse(a, options, argc, argv, 0, &err) != 0 || wm_test_map_from_args(a, m, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure; (void)data; (void)length;
    return CAIRO_STATUS_SUCCESS;
}

static void test_single_map(void)
{
    char *argv[] = { "render", "--layer", lsoa, "--data", imd, "--data-key", "LSOA code (2011)",
                     "--value", "Index of Multiple Deprivation (IMD) Decile", "--method", "categorical",
                     "--breaks", "1,2,3,4,5,6,7,8,9,10", "--palette", "RdYlBu", NULL };
    wm_args a;
    wm_map map;
    if (build(&map, &a, argv, 15) != 0) { CHECK(0); return; }
    wm_error err;
    wm_layer *overlay = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err);
    CHECK(overlay != NULL);
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &map;
    fig.overlay = overlay;
    fig.overlay_labels = 1;
    fig.title = "Levels of deprivation in Coventry";
    fig.subtitle = "LSOAs by national decile";
    fig.notes = "Decile 1 is the most deprived tenth of neighbourhoods in England; these notes wrap over lines.";
    fig.dpi = 150;
    wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    if (!L) { fprintf(stderr, "%s\n", err.msg); goto done; }

    double W = fig.width_pt, H = fig.height_pt, m = L->margin;
    wm_box page = { 0, 0, W, H }, inner = { m, m, W - 2 * m, H - 2 * m };
    CHECK_NEAR(L->width, W, 0);
    CHECK_NEAR(L->scale, H / 595.0, 1e-12);
    CHECK(L->npanels == 1 && !L->has_shared_legend);
    /* Title block, body, attribution: top to bottom, within the margins. */
    CHECK(L->title.n == 1 && strcmp(L->title.line[0].text, fig.title) == 0);
    CHECK(L->title.box.w > 100 && inside(L->title.box, inner));
    CHECK(L->subtitle.n == 1 && L->subtitle.line[0].y > L->title.line[0].y);
    CHECK(L->subtitle.box.w > 0 && L->subtitle.box.w < L->title.box.w);
    CHECK(inside(L->body, inner));
    CHECK(L->subtitle.line[0].y < L->body.y);
    CHECK(strncmp(L->attribution_text, "Sources: Index of Multiple Deprivation", 38) == 0);
    CHECK(strstr(L->attribution_text, "Crown copyright and database right 2025.") != NULL);
    const wm_text_block *at = &L->text.attribution;
    CHECK(at->n >= 2);
    CHECK_NEAR(at->line[0].y, L->attribution_baseline, 0);
    CHECK(L->attribution.y >= L->body.y + L->body.h);
    CHECK(inside(L->attribution, page));
    CHECK(L->attribution.y + L->attribution.h <= H - m + EPS);
    /* The lines are the text, broken at spaces. */
    size_t len = 0;
    for (size_t i = 0; i < at->n; i++) {
        len += strlen(at->line[i].text) + (i > 0);
        CHECK(at->line[i].x == m);
        if (i > 0) CHECK_NEAR(at->line[i].y - at->line[i - 1].y, at->line_h, 1e-9);
        CHECK(strncmp(L->attribution_text + len - strlen(at->line[i].text), at->line[i].text,
                      strlen(at->line[i].text)) == 0);
    }
    CHECK(len == strlen(L->attribution_text));

    /* The panel: map frame and legend side by side in the body. */
    const wm_panel_layout *p = &L->panel[0];
    CHECK(p->map == &map && p->has_legend);
    CHECK(inside(p->frame, L->body) && inside(p->legend, L->body));
    CHECK(disjoint(p->frame, p->legend));
    double cx, cy;
    wm_layout_to_page(p, (map.layer->minx + map.layer->maxx) / 2, (map.layer->miny + map.layer->maxy) / 2, &cx, &cy);
    CHECK_NEAR(cx, p->frame.x + p->frame.w / 2, 1.0);
    double x0, y0, x1, y1;
    wm_layout_to_page(p, map.layer->minx, map.layer->maxy, &x0, &y0);
    wm_layout_to_page(p, map.layer->maxx, map.layer->miny, &x1, &y1);
    CHECK(inside((wm_box){ x0, y0, x1 - x0, y1 - y0 }, p->frame));
    /* Furniture in the frame; labels keep clear of exactly these boxes. */
    /* (the arrow's "N" may rise a little above the frame, not beside it) */
    CHECK(p->north.shown && p->north.box.x >= p->frame.x && p->north.box.x + p->north.box.w <= p->frame.x + p->frame.w);
    CHECK(p->north.box.y >= p->frame.y - 2 * L->scale - EPS && p->north.box.y > L->subtitle.line[0].y);
    CHECK(p->scale.shown && inside(p->scale.box, p->frame));
    CHECK(p->north.box.x == p->obstacles[0][0] && p->north.box.y == p->obstacles[0][1]);
    CHECK(p->scale.box.x == p->obstacles[1][0] && p->scale.box.y == p->obstacles[1][1]);
    double mant = p->scale.metres / pow(10, floor(log10(p->scale.metres)));
    CHECK(mant == 1 || mant == 2 || mant == 5);
    CHECK(strstr(p->scale.label, "km") != NULL);
    CHECK(p->nlabels == 18 && p->labels != NULL);
    CHECK(L->boundary != NULL);

    /* The legend's column: heading, ten class rows, counts, notes. */
    const wm_column *col = &L->text.column[0];
    const wm_legend_layout *g = &col->legend;
    CHECK(g->map == &map && !g->bivariate);
    CHECK(g->heading.n >= 1);
    CHECK(g->nrows == 10);
    CHECK(strcmp(g->row[0].count, "28") == 0);
    for (int k = 0; k < g->nrows; k++) {
        CHECK(inside(g->row[k].swatch, p->legend));
        CHECK(g->row[k].count_right <= p->legend.x + p->legend.w + EPS);
        if (k > 0) CHECK(g->row[k].swatch.y > g->row[k - 1].swatch.y + g->row[k - 1].swatch.h);
    }
    CHECK(g->row[0].swatch.y > g->heading.line[g->heading.n - 1].y);
    CHECK(g->counts_note.n >= 1 && g->reference.n == 0);
    CHECK(g->h > 0 && g->box.y == p->legend.y);
    CHECK(col->notes.n >= 2);
    CHECK(col->notes.line[0].y > g->box.y + g->h);
    CHECK(col->key.n == 0);

    /* Flowed for a PDF: the same rooms; the attribution starts where the
     * layout put it. */
    cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(discard, NULL, W, H);
    cairo_t *cr = cairo_create(pdf);
    wm_page_text t;
    CHECK(wm_layout_text_for(L, cr, &t, &err) == 0);
    CHECK(t.column[0].legend.nrows == 10);
    CHECK(t.column[0].legend.box.x == p->legend.x && t.column[0].legend.box.y == p->legend.y);
    CHECK(t.attribution.n >= 1 && t.attribution.line[0].y == L->attribution_baseline);
    CHECK(t.column[0].notes.n >= 1);
    wm_page_text_free(&t);
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(pdf);
    wm_layout_free(L);
done:
    wm_layer_free(overlay);
    wm_map_free(&map);
    wm_args_free(&a);
}

static void test_multiples(void)
{
    char *a1[] = { "render", "--layer", lsoa, "--data", fp18, "--data-key", "LSOA Code",
                   "--value", "Proportion of households fuel poor (%)", NULL };
    char *a2[] = { "render", "--layer", lsoa, "--data", fp20, "--data-key", "LSOA Code",
                   "--value", "Proportion of households fuel poor (%)", NULL };
    wm_args aa, ab;
    wm_map m1, m2;
    if (build(&m1, &aa, a1, 9) != 0 || build(&m2, &ab, a2, 9) != 0) { CHECK(0); return; }
    wm_error err;
    wm_layer *overlay = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err);
    const wm_map *maps[2] = { &m1, &m2 };
    const char *titles[2] = { "2018", "2020" };
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.panels = maps;
    fig.panel_titles = titles;
    fig.npanels = 2;
    fig.shared_legend = 1;
    fig.overlay = overlay;
    fig.overlay_labels = 1;
    fig.dpi = 100;
    wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    if (L) {
        CHECK(L->npanels == 2 && L->has_shared_legend);
        CHECK(inside(L->shared_legend, L->body));
        CHECK(L->text.shared.legend.map == &m1 && L->text.shared.legend.nrows >= 5);
        for (int i = 0; i < 2; i++) {
            const wm_panel_layout *p = &L->panel[i];
            CHECK(!p->has_legend && p->map == maps[i]);
            CHECK(inside(p->frame, L->body));
            CHECK(disjoint(p->frame, L->shared_legend));
            CHECK(p->nlabels == 0 && p->labels == NULL && !p->numbered);   /* no labels on small multiples */
            CHECK(p->title.n == 1 && strcmp(p->title.line[0].text, titles[i]) == 0);
            CHECK(p->title.box.w > 0 && p->title.line[0].y < p->frame.y);
        }
        CHECK(disjoint(L->panel[0].frame, L->panel[1].frame));
        /* Without a title, the first map's legend title heads the page. */
        CHECK(strcmp(L->title.line[0].text, m1.legend_title) == 0);
    }
    wm_layout_free(L);

    /* The layout's errors. */
    fig.npanels = 10;
    CHECK(wm_layout_new(&fig, &err) == NULL);
    CHECK(err.code == WM_EXIT_USAGE && strstr(err.msg, "at most 9 panels") != NULL);
    fig.npanels = 2;
    fig.width_pt = fig.height_pt = 50;
    CHECK(wm_layout_new(&fig, &err) == NULL);
    CHECK_STR(err.msg, "page size 50x50 pt is out of range");
    const wm_map *nine[9] = { &m1, &m2, &m1, &m2, &m1, &m2, &m1, &m2, &m1 };
    fig.panels = nine;
    fig.panel_titles = NULL;
    fig.npanels = 9;
    fig.width_pt = fig.height_pt = 100;
    L = wm_layout_new(&fig, &err);
    CHECK(L == NULL);
    wm_layout_free(L);
    CHECK_STR(err.msg, "the page is too small for the map and its legend");

    wm_layer_free(overlay);
    wm_map_free(&m1);
    wm_map_free(&m2);
    wm_args_free(&aa);
    wm_args_free(&ab);
}

/* A categorical map whose every value is No data (issue 13, class 4):
 * the legend is the No data row alone, never a "nan" class. */
static void test_all_nodata_legend(void)
{
    wm_error err;
    wm_error_clear(&err);
    wm_layer *layer = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err);
    CHECK(layer != NULL);
    if (!layer) return;
    double *values = malloc(layer->n * sizeof *values);
    for (size_t i = 0; i < layer->n; i++) values[i] = NAN;
    char *argv[] = { "render", "--layer", wards, "--indicator", "none", "--method", "categorical", NULL };
    wm_args a;
    wm_map map;
    CHECK(wm_args_parse(&a, options, 7, argv, 0, &err) == 0);
    wm_map_spec spec;
    CHECK(wm_map_spec_from_args(&a, &spec, &err) == 0);
    size_t n = layer->n;
    if (wm_map_from_values(&spec, layer, values, NULL, NULL, &map, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        wm_args_free(&a);
        return;
    }
    CHECK(map.classes.n == 1 && map.classes.nodata == n);
    CHECK(strstr(map.classes.label[0], "nan") == NULL);
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &map;
    fig.dpi = 150;
    wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    if (L) {
        const wm_legend_layout *g = &L->text.column[0].legend;
        CHECK(g->nrows == 1);
        CHECK(g->nrows >= 1 && g->row[0].nodata && strcmp(g->row[0].label, "No data") == 0);
        for (int k = 0; k < g->nrows; k++) CHECK(strstr(g->row[k].label, "nan") == NULL);
    }
    wm_layout_free(L);
    wm_map_free(&map);
    wm_args_free(&a);
}

int main(void)
{
    wm_gdal_init();
    snprintf(lsoa, sizeof lsoa, "%s", wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"));
    snprintf(wards, sizeof wards, "%s", wm_test_home_path("layers/boundaries/coventry_wards_2025_E08000026.geojson"));
    snprintf(imd, sizeof imd, "%s", wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));
    snprintf(fp18, sizeof fp18, "%s", wm_test_home_path("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2018_lsoa_coventry.csv"));
    snprintf(fp20, sizeof fp20, "%s", wm_test_home_path("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.csv"));
    test_single_map();
    test_multiples();
    test_all_nodata_legend();
    return wm_test_summary();
}
