#include "render.h"
#include "map.h"
#include "paper.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const wm_option wm_render_options[] = {
    WM_MAP_OPTIONS,
    { "title", 0, WM_OPT_VALUE, "TEXT", "figure title (default: the legend title)" },
    { "subtitle", 0, WM_OPT_VALUE, "TEXT", "line under the title" },
    { "notes", 0, WM_OPT_VALUE, "TEXT", "notes printed under the legend" },
    { "overlay", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "outline layer drawn on top, labelled with its names" },
    { "overlay-key", 0, WM_OPT_VALUE, "FIELD", "area-code field of the overlay (default: first ending in CD)" },
    { "overlay-name-field", 0, WM_OPT_VALUE, "FIELD", "name field of the overlay (default: first ending in NM)" },
    { "overlay-where", 0, WM_OPT_VALUE, "SQL", "only the overlay's features this attribute filter selects" },
    { "overlay-geography", 0, WM_OPT_VALUE, "G", "outline the store's boundaries of this geography instead of a file, e.g. locality" },
    { "no-labels", 0, WM_OPT_FLAG, NULL, "do not label the overlay" },
    { "highlight", 0, WM_OPT_VALUE, "A,B,...", "area codes or names (of the map or the overlay) to outline heavily" },
    { "highlight-layer", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "outline layer of localities to emphasise" },
    { "mute", 0, WM_OPT_FLAG, NULL, "wash out everything outside the highlighted areas" },
    { "panel", 0, WM_OPT_REPEAT, "K=V;K=V", "a small-multiples panel: map options overriding the shared ones, "
      "e.g. \"indicator=fuel_poverty_2020;panel-title=Fuel poverty\" (repeat for each panel)" },
    { "shared-legend", 0, WM_OPT_FLAG, NULL, "small multiples: classify all panels together, one legend" },
    WM_PAGE_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

/* A panel's options: the shared map options, then its own "k=v;k"
 * pairs, which win; "panel-title" is the panel's heading. */
static int parse_panel(const wm_args *shared, const char *text, wm_args *a, char **title, wm_error *err)
{
    if (wm_args_init(a, wm_map_options) != 0 || wm_args_copy(a, shared) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    char *copy = strdup(text), *save = NULL;
    if (!copy) return wm_error_set(err, WM_EXIT_USAGE, "out of memory");
    int rc = 0;
    for (char *pair = strtok_r(copy, ";", &save); pair && rc == 0; pair = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(pair, '=');
        if (eq) *eq = '\0';
        char *key = wm_trimmed_dup(pair), *value = eq ? wm_trimmed_dup(eq + 1) : NULL;
        if (!key || (eq && !value)) rc = wm_error_set(err, WM_EXIT_USAGE, "out of memory");
        else if (strcmp(key, "panel-title") == 0) {
            free(*title);                  /* the last one given wins */
            *title = value ? value : strdup("");
            value = NULL;
        } else if (wm_args_set(a, key, value, err) != 0) {
            rc = -1;
        }
        free(key);
        free(value);
    }
    free(copy);
    return rc;
}

int wm_render_spec_from_args(const wm_args *a, wm_render_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    if (wm_page_spec_from_args(a, "render", &spec->page, err) != 0) return -1;
    int npanels = 0;
    const char **panels = wm_args_all(a, "panel", &npanels);
    if (npanels > WM_MAX_PANELS)
        return wm_error_set_about(err, WM_EXIT_USAGE, "panel", "render: at most %d panels", WM_MAX_PANELS);
    if (wm_map_spec_from_args(a, &spec->map, err) != 0) return -1;
    for (int i = 0; i < npanels; i++) {
        spec->npanels++;
        if (parse_panel(a, panels[i], &spec->panel_args[i], &spec->panel_title[i], err) != 0 ||
            wm_map_spec_from_args(&spec->panel_args[i], &spec->panel[i], err) != 0) {
            wm_error_prefix(err, "--panel %d", i + 1);
            return wm_error_about(err, "panel");
        }
    }
    spec->shared_legend = wm_args_has(a, "shared-legend");
    spec->overlay = wm_args_get(a, "overlay", NULL);
    spec->overlay_key = wm_args_get(a, "overlay-key", NULL);
    spec->overlay_name_field = wm_args_get(a, "overlay-name-field", NULL);
    spec->overlay_where = wm_args_get(a, "overlay-where", NULL);
    spec->overlay_geography = wm_args_get(a, "overlay-geography", NULL);
    if (spec->overlay && spec->overlay_geography)
        return wm_error_set_about(err, WM_EXIT_USAGE, "overlay-geography", "give --overlay FILE or "
                                  "--overlay-geography G, not both");
    spec->overlay_labels = !wm_args_has(a, "no-labels");
    /* A stored geography drawn from the store's own boundaries (no
     * --layer) is a few named areas, localities most often: they are
     * outlined and named, as a ward map is by its ward overlay. */
    if (!spec->overlay && !spec->overlay_geography && spec->npanels == 0 && !spec->map.layer && spec->map.geography &&
        spec->overlay_labels)
        spec->overlay_geography = spec->map.geography;
    const char *hl = wm_args_get(a, "highlight", NULL);
    if (hl && (spec->nhighlight = wm_split_list(hl, &spec->highlight, err)) < 0) {
        spec->nhighlight = 0;
        return -1;
    }
    spec->highlight_layer = wm_args_get(a, "highlight-layer", NULL);
    spec->mute = wm_args_has(a, "mute");
    spec->title = wm_args_get(a, "title", NULL);
    spec->subtitle = wm_args_get(a, "subtitle", NULL);
    spec->notes = wm_args_get(a, "notes", NULL);
    return 0;
}

void wm_render_spec_free(wm_render_spec *spec)
{
    if (!spec) return;
    for (int i = 0; i < spec->npanels; i++) {
        wm_args_free(&spec->panel_args[i]);
        free(spec->panel_title[i]);
    }
    wm_list_free(spec->highlight, spec->nhighlight);
    memset(spec, 0, sizeof *spec);
}

int wm_render(const wm_render_spec *spec, wm_store_handle *store, wm_report *report, wm_error *err)
{
    wm_map maps[WM_MAX_PANELS];
    wm_map *list[WM_MAX_PANELS];
    int nmaps = 0, rc = -1;
    wm_layer *overlay = NULL, *highlight_layer = NULL, *context = NULL;
    char *notes = NULL;
    memset(maps, 0, sizeof maps);
    for (int i = 0; i < (spec->npanels ? spec->npanels : 1); i++) {
        const wm_map_spec *ms = spec->npanels ? &spec->panel[i] : &spec->map;
        if (spec->npanels) {
            char prefix[300];
            snprintf(prefix, sizeof prefix, "%s: ", spec->panel_title[i] ? spec->panel_title[i] : "panel");
            wm_report_prefix(report, prefix);
        }
        int bad = wm_map_build(ms, store, report, &maps[i], err) != 0;
        wm_report_prefix(report, NULL);
        if (bad) {
            if (spec->npanels) {
                wm_error_prefix(err, "--panel %d", i + 1);
                wm_error_about(err, "panel");
            }
            goto done;
        }
        list[i] = &maps[i];
        nmaps++;
    }
    if (spec->npanels && spec->shared_legend) {
        if (wm_map_share_classes(list, nmaps, err) != 0) goto done;
        /* The one legend counts the areas of every panel. */
        for (int i = 1; i < nmaps; i++) {
            for (int k = 0; k < maps[0].classes.n; k++) maps[0].classes.count[k] += maps[i].classes.count[k];
            maps[0].classes.nodata += maps[i].classes.nodata;
            maps[0].classes.total += maps[i].classes.total;
        }
    }

    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    const wm_page_spec *page = &spec->page;
    wm_page_size(&maps[0].style, page->size_px, page->paper, page->landscape, page->dpi, &fig.width_pt,
                 &fig.height_pt, &fig.dpi);
    if (spec->overlay || spec->overlay_geography) {
        wm_layer_options lo = { spec->overlay_key, spec->overlay_name_field, spec->map.t_srs, spec->overlay_where, NULL };
        const char *path = spec->overlay;
        wm_store_geography stored;
        if (!path) {
            wm_store *s = wm_store_get(store, err);
            if (!s || wm_store_geography_layer(s, spec->overlay_geography, NULL, &stored, err) != 0) {
                wm_error_about(err, "overlay-geography");
                goto done;
            }
            path = stored.layer;
            if (!lo.key_field && stored.code_field[0]) lo.key_field = stored.code_field;
            if (!lo.name_field && stored.name_field[0]) lo.name_field = stored.name_field;
        }
        overlay = wm_layer_open(path, &lo, err);
        if (!overlay) {
            wm_error_about(err, spec->overlay ? "overlay" : "overlay-geography");
            goto done;
        }
        wm_report_input(report, path);
    }
    if (spec->highlight_layer) {
        highlight_layer = wm_layer_read(spec->highlight_layer, NULL, NULL, spec->map.t_srs, err);
        if (!highlight_layer) {
            wm_error_about(err, "highlight-layer");
            goto done;
        }
        wm_report_input(report, spec->highlight_layer);
    }
    /* Areas drawn from the store's own boundaries, not wards (localities):
     * the wards faintly beneath them, for orientation, when held. */
    if (!spec->map.layer && spec->map.geography && spec->npanels == 0 && strncmp(spec->map.geography, "ward", 4) != 0) {
        wm_store *s = wm_store_get(store, err);
        char wards[64] = "";
        if (!s || wm_store_match_geography(s, NULL, "ward", wards, sizeof wards, err) != 0) goto done;
        if (*wards) {
            wm_error quiet;
            wm_error_clear(&quiet);
            context = wm_store_layer(s, wards, NULL, &quiet);
            if (context) wm_report_input(report, context->spec);
        }
    }
    fig.context = context;
    fig.map = &maps[0];
    if (spec->npanels) {
        fig.panels = (const wm_map *const *)list;
        fig.panel_titles = (const char *const *)spec->panel_title;
        fig.npanels = spec->npanels;
        fig.shared_legend = spec->shared_legend;
    }
    fig.overlay = overlay;
    fig.overlay_labels = spec->overlay_labels;
    fig.highlight_layer = highlight_layer;
    fig.mute = spec->mute;
    fig.title = spec->title;
    fig.subtitle = spec->subtitle;
    /* The figure's notes, then what its values cover and claim: each
     * different note once, with the panel it is about when panels differ. */
    {
        int distinct = 0;
        for (int i = 0; i < nmaps; i++) {
            if (!maps[i].claims_note) continue;
            int seen = 0;
            for (int j = 0; j < i && !seen; j++)
                seen = maps[j].claims_note && strcmp(maps[j].claims_note, maps[i].claims_note) == 0;
            distinct += !seen;
        }
        size_t len = (spec->notes ? strlen(spec->notes) : 0) + 2;
        for (int i = 0; i < nmaps; i++)
            if (maps[i].claims_note) len += strlen(maps[i].claims_note) + 300;
        const char *context_note = context ? "Faint lines: ward boundaries." : NULL;
        if (context_note) len += strlen(context_note) + 1;
        if (distinct > 0 || context_note) {
            if (!(notes = malloc(len))) {
                wm_error_set(err, WM_EXIT_IO, "out of memory");
                goto done;
            }
            size_t used = (size_t)snprintf(notes, len, "%s", spec->notes ? spec->notes : "");
            for (int i = 0; i < nmaps; i++) {
                if (!maps[i].claims_note) continue;
                int seen = 0;
                for (int j = 0; j < i && !seen; j++)
                    seen = maps[j].claims_note && strcmp(maps[j].claims_note, maps[i].claims_note) == 0;
                if (seen) continue;
                int named = distinct > 1 && spec->npanels && spec->panel_title[i];
                used += (size_t)snprintf(notes + used, len - used, "%s%s%s%s", used ? " " : "",
                                         named ? spec->panel_title[i] : "", named ? ": " : "", maps[i].claims_note);
            }
            if (context_note) snprintf(notes + used, len - used, "%s%s", used ? " " : "", context_note);
        }
    }
    fig.notes = notes ? notes : spec->notes;
    fig.highlight = (const char *const *)spec->highlight;
    fig.nhighlight = spec->nhighlight;
    /* Laid out once; every output written, all or nothing. */
    wm_output outs[WM_PAGE_MAX_OUTPUTS];
    size_t nouts = wm_page_spec_outputs(page, outs);
    if (wm_figure_write(&fig, outs, nouts, err) != 0) goto done;
    rc = 0;
done:
    free(notes);
    wm_layer_free(overlay);
    wm_layer_free(highlight_layer);
    wm_layer_free(context);
    for (int i = 0; i < WM_MAX_PANELS; i++) wm_map_free(&maps[i]);
    return rc;
}
