/* wardmap render: one figure -- a choropleth, a bivariate map, or small
 * multiples of several indicators. */
#include "map.h"
#include "commands.h"
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option map_options[] = { WM_MAP_OPTIONS, { NULL, 0, 0, NULL, NULL } };

const wm_option wm_render_options[] = {
    WM_MAP_OPTIONS,
    { "title", 0, WM_OPT_VALUE, "TEXT", "figure title (default: the legend title)" },
    { "subtitle", 0, WM_OPT_VALUE, "TEXT", "line under the title" },
    { "notes", 0, WM_OPT_VALUE, "TEXT", "notes printed under the legend" },
    { "overlay", 0, WM_OPT_VALUE, "FILE[:LAYER]", "outline layer drawn on top, labelled with its names" },
    { "overlay-key", 0, WM_OPT_VALUE, "FIELD", "area-code field of the overlay (default: first ending in CD)" },
    { "overlay-name-field", 0, WM_OPT_VALUE, "FIELD", "name field of the overlay (default: first ending in NM)" },
    { "no-labels", 0, WM_OPT_FLAG, NULL, "do not label the overlay" },
    { "highlight", 0, WM_OPT_VALUE, "A,B,...", "area codes or names (of the map or the overlay) to outline heavily" },
    { "highlight-layer", 0, WM_OPT_VALUE, "FILE[:LAYER]", "outline layer of localities to emphasise" },
    { "mute", 0, WM_OPT_FLAG, NULL, "wash out everything outside the highlighted areas" },
    { "panel", 0, WM_OPT_REPEAT, "K=V;K=V", "a small-multiples panel: map options overriding the shared ones, "
      "e.g. \"indicator=fuel_poverty_2020;panel-title=Fuel poverty\" (repeat for each panel)" },
    { "shared-legend", 0, WM_OPT_FLAG, NULL, "small multiples: classify all panels together, one legend" },
    { "size", 0, WM_OPT_VALUE, "WxH", "page size in pixels at --dpi" },
    { "paper", 0, WM_OPT_VALUE, "A3|A4|A5", "page size by paper (default from the style: A4)" },
    { "landscape", 0, WM_OPT_FLAG, NULL, "paper in landscape orientation" },
    { "portrait", 0, WM_OPT_FLAG, NULL, "paper in portrait orientation" },
    { "dpi", 0, WM_OPT_VALUE, "N", "resolution of PNG output (default from the style: 200)" },
    { "output", 'o', WM_OPT_REPEAT, "OUT", "output file: .png, .svg or .pdf (repeat for several)" },
    { NULL, 0, 0, NULL, NULL }
};

static const char render_synopsis[] =
    "--layer FILE[:LAYER] (--data TABLE --data-key FIELD --value FIELD | --indicator ID)\n"
    "                      [--method M] [--classes N] [--breaks A,B,...] [--palette NAME] [--reverse]\n"
    "                      [--title TEXT] [--subtitle TEXT] [--overlay FILE[:LAYER]] [--t-srs SRS]\n"
    "                      [--size WxH | --paper A4 [--landscape]] [--dpi N] -o OUT.png|OUT.svg|OUT.pdf";

static const char render_description[] =
    "Joins a boundary layer to an indicator table by area code (or takes a stored indicator),\n"
    "classifies the values, and draws a choropleth with title, legend (bounds, counts, No data),\n"
    "scale bar, north arrow and attribution.  Missing and suppressed values are No data, never zero.\n"
    "With --value2/--indicator2 the map is bivariate (3 x 3 classes); with --panel, small multiples.";

static int split_list(const char *text, char ***out)
{
    int n = 0;
    char *copy = strdup(text), *save = NULL;
    *out = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        *out = realloc(*out, (size_t)(n + 1) * sizeof **out);
        (*out)[n++] = wm_trimmed_dup(tok);
    }
    free(copy);
    return n;
}

static int page_size(const wm_args *a, const wm_style *st, wm_figure *fig, wm_error *err)
{
    int dpi;
    if (wm_args_int(a, "dpi", (int)lround(st->dpi), 36, 1200, &dpi, err) != 0) return -1;
    fig->dpi = dpi;
    const char *size = wm_args_get(a, "size", NULL);
    if (size) {
        int w, h;
        char tail;
        if (sscanf(size, "%dx%d%c", &w, &h, &tail) != 2 || w < 100 || h < 100 || w > 20000 || h > 20000)
            return wm_error_set(err, WM_EXIT_USAGE, "--size \"%s\": use WxH in pixels, e.g. 2480x3508", size);
        fig->width_pt = w * 72.0 / dpi;
        fig->height_pt = h * 72.0 / dpi;
        return 0;
    }
    const char *paper = wm_args_get(a, "paper", st->paper);
    int landscape = wm_args_has(a, "landscape") ? 1 : wm_args_has(a, "portrait") ? 0 : st->landscape;
    if (wm_paper_size(paper, landscape, &fig->width_pt, &fig->height_pt) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--paper \"%s\": use A3, A4 or A5", paper);
    return 0;
}

/* The argv of one panel: the shared map options as given, then the
 * panel's own "key=value;key=value" pairs, which win (last value wins).
 * "panel-title" is taken out into *title. */
static char **panel_argv(const wm_args *a, const char *spec, int *argc, char **title)
{
    int cap = 8, n = 0;
    char **v = malloc((size_t)cap * sizeof *v);
#define PUSH(s) do { if (n + 1 >= cap) { cap *= 2; v = realloc(v, (size_t)cap * sizeof *v); } v[n++] = strdup(s); } while (0)
    PUSH("render");
    for (const wm_option *o = map_options; o->name; o++) {
        int count = 0;
        const char **all = o->kind == WM_OPT_REPEAT ? wm_args_all(a, o->name, &count) : NULL;
        char opt[80];
        snprintf(opt, sizeof opt, "--%s", o->name);
        if (o->kind == WM_OPT_REPEAT) {
            for (int i = 0; i < count; i++) { PUSH(opt); PUSH(all[i]); }
        } else if (wm_args_has(a, o->name)) {
            PUSH(opt);
            if (o->kind == WM_OPT_VALUE) PUSH(wm_args_get(a, o->name, ""));
        }
    }
    *title = NULL;
    char *copy = strdup(spec), *save = NULL;
    for (char *pair = strtok_r(copy, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(pair, '=');
        if (eq) *eq = '\0';
        char *k2 = wm_trimmed_dup(pair);
        char *val = eq ? wm_trimmed_dup(eq + 1) : NULL;
        if (strcmp(k2, "panel-title") == 0) {
            free(*title);
            *title = val ? val : strdup("");
            free(k2);
            continue;
        }
        char opt[80];
        snprintf(opt, sizeof opt, "--%s", k2);
        PUSH(opt);
        if (val) PUSH(val);
        free(k2);
        free(val);
    }
    free(copy);
#undef PUSH
    v[n] = NULL;
    *argc = n;
    return v;
}

static void free_argv(char **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* Classify every panel's values together and give each panel those
 * classes with its own counts. */
static int share_classes(wm_map **maps, int n, wm_error *err)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += maps[i]->layer->n;
    double *pooled = malloc(total * sizeof *pooled);
    size_t o = 0;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < maps[i]->layer->n; j++) pooled[o++] = maps[i]->values[j];
    wm_classes shared;
    const wm_classes *first = &maps[0]->classes;
    double breaks[WM_MAX_CLASSES];
    int nbreaks = 0;
    if (first->method == WM_CLASS_MANUAL)
        for (int k = 1; k < first->n; k++) breaks[nbreaks++] = first->lower[k];
    else if (first->method == WM_CLASS_CATEGORICAL)
        for (int k = 0; k < first->n; k++) breaks[nbreaks++] = first->lower[k];
    int rc = wm_classify(pooled, total, first->method, first->n, nbreaks ? breaks : NULL, nbreaks, &shared, err);
    free(pooled);
    if (rc != 0) return -1;
    char scheme[32];
    snprintf(scheme, sizeof scheme, "%s", maps[0]->palette.name);
    wm_palette palette = maps[0]->palette;
    if (palette.n != shared.n &&
        wm_palette_load(NULL, scheme, shared.n, maps[0]->palette_reversed, &palette, err) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char labels[WM_MAX_CLASSES][64];
        int keep_labels = first->method == WM_CLASS_CATEGORICAL && maps[i]->classes.n == shared.n;
        memcpy(labels, maps[i]->classes.label, sizeof labels);
        maps[i]->classes = shared;
        if (keep_labels) memcpy(maps[i]->classes.label, labels, sizeof labels);
        wm_classes_recount(&maps[i]->classes, maps[i]->values, maps[i]->layer->n);
        maps[i]->palette = palette;
    }
    return 0;
}

int wm_cmd_render(int argc, char **argv, wm_error *err)
{
    wm_args a;
    wm_map *maps[WM_MAX_PANELS] = { 0 };
    char *titles[WM_MAX_PANELS] = { 0 };
    int nmaps = 0, npanels = 0;
    wm_layer *overlay = NULL, *highlight_layer = NULL;
    char **highlight = NULL;
    int nhighlight = 0, rc = -1;
    if (wm_args_parse(&a, wm_render_options, argc, argv, 0, err) != 0) goto done;
    if (a.help) {
        wm_args_usage(stdout, "render", render_synopsis, render_description, wm_render_options);
        rc = 0;
        goto done;
    }
    int nout = 0;
    const char **outputs = wm_args_all(&a, "output", &nout);
    if (nout == 0) { wm_error_set(err, WM_EXIT_USAGE, "render: -o OUT is required"); goto done; }
    for (int i = 0; i < nout; i++) {
        wm_format f;
        if (wm_format_from_path(outputs[i], &f) != 0) {
            wm_error_set(err, WM_EXIT_USAGE, "%s: the output must end in .png, .svg or .pdf", outputs[i]);
            goto done;
        }
    }
    const char **panels = wm_args_all(&a, "panel", &npanels);
    if (npanels > WM_MAX_PANELS) {
        wm_error_set(err, WM_EXIT_USAGE, "render: at most %d panels", WM_MAX_PANELS);
        goto done;
    }
    for (int i = 0; i < (npanels ? npanels : 1); i++) {
        maps[i] = calloc(1, sizeof *maps[i]);
        nmaps++;
        int pc = 0;
        char **pv = NULL;
        wm_args pa;
        const wm_args *use = &a;
        if (npanels) {
            pv = panel_argv(&a, panels[i], &pc, &titles[i]);
            if (wm_args_parse(&pa, map_options, pc, pv, 0, err) != 0) {
                wm_error_prefix(err, "--panel %d", i + 1);
                wm_args_free(&pa);
                free_argv(pv, pc);
                goto done;
            }
            use = &pa;
        }
        int ok = wm_map_from_args(use, maps[i], err) == 0;
        if (npanels) { wm_args_free(&pa); free_argv(pv, pc); }
        if (!ok) {
            if (npanels) wm_error_prefix(err, "--panel %d", i + 1);
            goto done;
        }
        fprintf(stderr, "%s%s%s\n", npanels ? (titles[i] ? titles[i] : "panel") : "", npanels ? ": " : "",
                maps[i]->join_report);
        if (maps[i]->bivariate) fprintf(stderr, "second variable: %s\n", maps[i]->join_report2);
        if (maps[i]->palette_warning[0]) fprintf(stderr, "warning: %s\n", maps[i]->palette_warning);
    }
    if (npanels && wm_args_has(&a, "shared-legend") && share_classes(maps, nmaps, err) != 0) goto done;

    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    if (page_size(&a, &maps[0]->style, &fig, err) != 0) goto done;
    const char *overlay_spec = wm_args_get(&a, "overlay", NULL);
    if (overlay_spec) {
        overlay = wm_layer_read(overlay_spec, wm_args_get(&a, "overlay-key", NULL),
                                wm_args_get(&a, "overlay-name-field", NULL), wm_args_get(&a, "t-srs", NULL), err);
        if (!overlay) goto done;
    }
    const char *hl_layer = wm_args_get(&a, "highlight-layer", NULL);
    if (hl_layer) {
        highlight_layer = wm_layer_read(hl_layer, NULL, NULL, wm_args_get(&a, "t-srs", NULL), err);
        if (!highlight_layer) goto done;
    }
    const char *hl = wm_args_get(&a, "highlight", NULL);
    if (hl) nhighlight = split_list(hl, &highlight);

    fig.map = maps[0];
    if (npanels) {
        fig.panels = (const wm_map *const *)maps;
        fig.panel_titles = (const char *const *)titles;
        fig.npanels = npanels;
        fig.shared_legend = wm_args_has(&a, "shared-legend");
    }
    fig.overlay = overlay;
    fig.overlay_labels = !wm_args_has(&a, "no-labels");
    fig.highlight_layer = highlight_layer;
    fig.mute = wm_args_has(&a, "mute");
    fig.title = wm_args_get(&a, "title", NULL);
    fig.subtitle = wm_args_get(&a, "subtitle", NULL);
    fig.notes = wm_args_get(&a, "notes", NULL);
    fig.highlight = (const char *const *)highlight;
    fig.nhighlight = nhighlight;
    for (int i = 0; i < nout; i++)
        if (wm_render_figure(&fig, outputs[i], err) != 0) goto done;
    rc = 0;
done:
    for (int i = 0; i < nhighlight; i++) free(highlight[i]);
    free(highlight);
    wm_layer_free(overlay);
    wm_layer_free(highlight_layer);
    for (int i = 0; i < nmaps; i++) {
        wm_map_free(maps[i]);
        free(maps[i]);
        free(titles[i]);
    }
    wm_args_free(&a);
    return rc;
}
