/* Small multiples, bivariate maps, highlight and numbered wards, through
 * the render command and the library calls under it. */
#include "map.h"
#include "commands.h"
#include "labels.h"
#include "layout.h"
#include "output.h"
#include "paper.h"
#include "testutil.h"

#include <cairo.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

static int file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)st.st_size : -1;
}

static char lsoa[4096], wards[4096], fp18[4096], fp20[4096];

static void test_shared_legend(void)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/multiples.png", wm_test_tmpdir());
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "data=%s;panel-title=2018", fp18);
    snprintf(p2, sizeof p2, "data=%s;panel-title=2020", fp20);
    char *argv[] = { "render", "--layer", lsoa, "--data", fp20, "--data-key", "LSOA Code",
                     "--value", "Proportion of households fuel poor (%)", "--panel", p1, "--panel", p2,
                     "--shared-legend", "--method", "jenks", "--classes", "5", "--overlay", wards,
                     "--paper", "A5", "--dpi", "100", "-o", out, NULL };
    wm_error err;
    wm_error_clear(&err);
    int rc = wm_command_run((int)(sizeof argv / sizeof argv[0]) - 1, argv, &err);
    CHECK(rc == 0);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    CHECK(file_size(out) > 10000);

    /* The same panels by hand: pooled classes, per-panel counts. */
    char *a1[] = { "render", "--layer", lsoa, "--data", fp18, "--data-key", "LSOA Code",
                   "--value", "Proportion of households fuel poor (%)", NULL };
    wm_args a;
    wm_map m;
    CHECK(wm_args_parse(&a, options, 9, a1, 0, &err) == 0);
    CHECK(wm_test_map_from_args(&a, &m, &err) == 0);
    wm_classes c = m.classes;
    wm_classes_recount(&c, m.values, m.layer->n);
    size_t sum = c.nodata;
    for (int k = 0; k < c.n; k++) sum += c.count[k];
    CHECK(sum == 195);
    CHECK(c.total == 195);
    wm_map_free(&m);
    wm_args_free(&a);
}

static void test_bivariate(void)
{
    char imd[4096];
    snprintf(imd, sizeof imd, "%s", wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));
    char *argv[] = { "render", "--layer", lsoa, "--data", fp20, "--data-key", "LSOA Code",
                     "--value", "Proportion of households fuel poor (%)", "--data2", imd,
                     "--data2-key", "LSOA code (2011)", "--value2", "Index of Multiple Deprivation (IMD) Rank", NULL };
    wm_args a;
    wm_error err;
    wm_map m;
    CHECK(wm_args_parse(&a, options, 15, argv, 0, &err) == 0);
    int ok = wm_test_map_from_args(&a, &m, &err) == 0;
    CHECK(ok);
    if (!ok) { fprintf(stderr, "%s\n", err.msg); wm_args_free(&a); return; }
    CHECK(m.bivariate);
    CHECK(m.classes.n == 3 && m.classes2.n == 3);
    /* Each area's colour is the scheme's cell for its two classes. */
    int right = 0;
    for (size_t i = 0; i < m.layer->n; i++) {
        int x = wm_class_of(&m.classes, m.values[i]), y = wm_class_of(&m.classes2, m.values2[i]);
        wm_rgb got = wm_map_colour(&m, i), want = m.bivariate_colour[y][x];
        right += got.r == want.r && got.g == want.g && got.b == want.b;
    }
    CHECK(right == 195);
    wm_rgb low, high;
    wm_rgb_parse("#e8e8e8", &low);
    wm_rgb_parse("#3b4994", &high);
    CHECK_NEAR(m.bivariate_colour[0][0].r, low.r, 1e-9);
    CHECK_NEAR(m.bivariate_colour[2][2].b, high.b, 1e-9);

    char out[4096];
    snprintf(out, sizeof out, "%s/bivariate.svg", wm_test_tmpdir());
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &m;
    fig.dpi = 100;
    wm_paper_size("A5", 1, &fig.width_pt, &fig.height_pt);
    CHECK(wm_render_figure(&fig, out, &err) == 0);
    CHECK(file_size(out) > 10000);
    wm_map_free(&m);
    wm_args_free(&a);
}

/* A style whose ward names are far too big for the page: the map must
 * switch to numbered wards, every number placed and none overlapping. */
static void test_numbered_wards(void)
{
    char style[4096];
    snprintf(style, sizeof style, "%s/huge_labels.style", wm_test_tmpdir());
    CHECK(wm_test_write_file(style, "[labels]\nsize = 30\nmin-size = 28\nfallbacks = number\n") == 0);
    wm_args a;
    wm_error err;
    wm_map m;
    /* LSOA codes match no ward: nothing joins, which is an error, never a
     * map of No data (docs/bad-input.md, "Joins"). */
    char *lsoa_argv[] = { "render", "--layer", wards, "--data", fp20, "--data-key", "LSOA Code",
                          "--value", "Proportion of households fuel poor (%)", "--style", style, NULL };
    CHECK(wm_args_parse(&a, options, 11, lsoa_argv, 0, &err) == 0);
    CHECK(wm_test_map_from_args(&a, &m, &err) != 0);
    CHECK(err.code == WM_EXIT_DATA && strstr(err.msg, "no area of") != NULL);
    wm_args_free(&a);
    /* A ward table: each ward's value is its place in the layer. */
    wm_layer *overlay = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err);
    CHECK(overlay != NULL);
    if (!overlay) return;
    char table[4096], text[4096] = "WD25CD,value\n";
    snprintf(table, sizeof table, "%s/ward_values.csv", wm_test_tmpdir());
    for (size_t i = 0; i < overlay->n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s,%zu\n", overlay->features[i].key, i + 1);
    CHECK(wm_test_write_file(table, text) == 0);
    char *argv[] = { "render", "--layer", wards, "--data", table, "--data-key", "WD25CD",
                     "--value", "value", "--style", style, NULL };
    CHECK(wm_args_parse(&a, options, 11, argv, 0, &err) == 0);
    int ok = wm_test_map_from_args(&a, &m, &err) == 0;
    CHECK(ok);
    if (!ok) { fprintf(stderr, "%s\n", err.msg); wm_args_free(&a); wm_layer_free(overlay); return; }
    CHECK(m.classes.nodata == 0);
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.map = &m;
    fig.overlay = overlay;
    fig.overlay_labels = 1;
    fig.dpi = 100;
    wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    if (!L) { fprintf(stderr, "%s\n", err.msg); wm_args_free(&a); return; }
    const wm_panel_layout *p = &L->panel[0];
    const wm_placed_label *labels = p->labels;
    size_t n = p->nlabels;
    CHECK(p->numbered == 1);
    CHECK(n == 18);
    int numbers_seen = 0, overlaps = 0;
    for (size_t i = 0; i < n; i++) {
        numbers_seen += labels[i].number >= 1 && labels[i].number <= 18;
        for (size_t j = i + 1; j < n; j++) overlaps += wm_label_boxes_intersect(&labels[i], &labels[j]);
    }
    CHECK(numbers_seen == 18);
    CHECK(overlaps == 0);
    /* The key under the legend: 18 names, numbers in order, in as many
     * columns as the room under the legend needs (here one holds them),
     * within the legend's width and above the bottom of its room. */
    const wm_column *col = &L->text.column[0];
    CHECK(col->key.n == 18);
    CHECK(col->key.columns >= 1 && col->key.rows * (size_t)col->key.columns >= 18);
    CHECK(col->key.rows == (18 + (size_t)col->key.columns - 1) / (size_t)col->key.columns);
    CHECK(col->key.box.y + col->key.box.h <= p->legend.y + p->legend.h + 1e-6);
    CHECK(col->key.text_size >= 6.0);
    int in_order = 0, in_room = 0;
    for (size_t i = 0; i < col->key.n; i++) {
        const wm_key_entry *e = &col->key.entry[i];
        in_order += e->number == (int)i + 1 && e->name && *e->name;
        in_room += e->number_x >= p->legend.x && e->name_x < p->legend.x + p->legend.w;
    }
    CHECK(in_order == 18);
    CHECK(in_room == 18);
    CHECK(col->key.box.y >= col->legend.box.y + col->legend.h);
    wm_layout_free(L);
    char out[4096];
    snprintf(out, sizeof out, "%s/numbered.png", wm_test_tmpdir());
    CHECK(wm_render_figure(&fig, out, &err) == 0);
    wm_layer_free(overlay);
    wm_map_free(&m);
    wm_args_free(&a);
}

/* Small multiples each with its own legend keep the figure's notes: in
 * the grid's free cell (three panels), or in a band under the grid (two),
 * clear of every panel. */
static void test_notes_own_legends(void)
{
    char *argv[] = { "render", "--layer", lsoa, "--data", fp20, "--data-key", "LSOA Code",
                     "--value", "Proportion of households fuel poor (%)", NULL };
    wm_args a;
    wm_error err;
    wm_map m;
    CHECK(wm_args_parse(&a, options, 9, argv, 0, &err) == 0);
    int ok = wm_test_map_from_args(&a, &m, &err) == 0;
    CHECK(ok);
    if (!ok) { fprintf(stderr, "%s\n", err.msg); wm_args_free(&a); return; }
    const wm_map *panels[3] = { &m, &m, &m };
    for (int np = 2; np <= 3; np++) {
        wm_figure fig;
        memset(&fig, 0, sizeof fig);
        fig.panels = panels;
        fig.npanels = np;
        fig.notes = "A note on every panel's source, long enough to wrap onto a second line in a narrow cell.";
        fig.dpi = 100;
        wm_paper_size("A4", 1, &fig.width_pt, &fig.height_pt);
        wm_layout *L = wm_layout_new(&fig, &err);
        CHECK(L != NULL);
        if (!L) { fprintf(stderr, "%s\n", err.msg); continue; }
        const wm_box *r = &L->notes_room;
        CHECK(r->w > 0);
        CHECK(L->text.notes.n >= 1);
        CHECK(L->text.notes.box.y + L->text.notes.box.h <= r->y + r->h + 1e-6);
        int clear = 0;
        for (int i = 0; i < L->npanels; i++) {
            const wm_box *f = &L->panel[i].frame, *g = &L->panel[i].legend;
            int hit_f = r->x < f->x + f->w && f->x < r->x + r->w && r->y < f->y + f->h && f->y < r->y + r->h;
            int hit_g = r->x < g->x + g->w && g->x < r->x + r->w && r->y < g->y + g->h && g->y < r->y + r->h;
            clear += !hit_f && !hit_g;
        }
        CHECK(clear == np);
        char out[4096];
        snprintf(out, sizeof out, "%s/notes_%d.svg", wm_test_tmpdir(), np);
        CHECK(wm_render_figure(&fig, out, &err) == 0);
        wm_layout_free(L);
    }
    /* Panel headings longer than their narrow panels are made smaller to
     * fit, not run into the next panel's heading (Herefordshire's IMD 2019
     * and IMD 2025 panels did); at most to 60%, which these fit in. */
    const char *titles[3] = { "IMD 2019 (2011 LSOAs, mid-2015 residents)", "IMD 2025 (2021 LSOAs, Census 2021 residents)",
                              "A third panel with a heading as long as the others" };
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.panels = panels;
    fig.npanels = 3;
    fig.shared_legend = 1;   /* one legend beside all: each panel is only its map */
    fig.panel_titles = titles;
    fig.dpi = 100;
    wm_paper_size("A4", 0, &fig.width_pt, &fig.height_pt);
    wm_layout *L = wm_layout_new(&fig, &err);
    CHECK(L != NULL);
    cairo_surface_t *surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
    cairo_t *cr = cairo_create(surface);
    for (int i = 0; L && i < L->npanels; i++) {
        const wm_text_block *t = &L->panel[i].title;
        CHECK(t->n == 1);
        if (t->n != 1) continue;
        cairo_select_font_face(cr, m.style.font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, t->size);
        cairo_text_extents_t e;
        cairo_text_extents(cr, t->line[0].text, &e);
        /* Hinted widths differ a little from surface to surface. */
        CHECK(e.x_advance <= 1.02 * L->panel[i].frame.w);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    wm_layout_free(L);
    wm_map_free(&m);
    wm_args_free(&a);
}

int main(void)
{
    wm_gdal_init();
    snprintf(lsoa, sizeof lsoa, "%s", wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"));
    snprintf(wards, sizeof wards, "%s", wm_test_home_path("layers/boundaries/coventry_wards_2025_E08000026.geojson"));
    snprintf(fp18, sizeof fp18, "%s", wm_test_home_path("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2018_lsoa_coventry.csv"));
    snprintf(fp20, sizeof fp20, "%s", wm_test_home_path("layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.csv"));
    test_shared_legend();
    test_bivariate();
    test_numbered_wards();
    test_notes_own_legends();
    return wm_test_summary();
}
