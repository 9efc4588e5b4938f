/* wardmap render: one choropleth figure. */
#include "choropleth.h"
#include "commands.h"
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wm_option render_options[] = {
    WM_CHOROPLETH_OPTIONS,
    { "title", 0, WM_OPT_VALUE, "TEXT", "figure title (default: the legend title)" },
    { "subtitle", 0, WM_OPT_VALUE, "TEXT", "line under the title" },
    { "notes", 0, WM_OPT_VALUE, "TEXT", "notes printed under the legend" },
    { "overlay", 0, WM_OPT_VALUE, "FILE[:LAYER]", "outline layer drawn on top, labelled with its names" },
    { "overlay-key", 0, WM_OPT_VALUE, "FIELD", "area-code field of the overlay (default: first ending in CD)" },
    { "overlay-name-field", 0, WM_OPT_VALUE, "FIELD", "name field of the overlay (default: first ending in NM)" },
    { "no-labels", 0, WM_OPT_FLAG, NULL, "do not label the overlay" },
    { "highlight", 0, WM_OPT_VALUE, "A,B,...", "area codes or names to outline heavily" },
    { "size", 0, WM_OPT_VALUE, "WxH", "page size in pixels at --dpi" },
    { "paper", 0, WM_OPT_VALUE, "A3|A4|A5", "page size by paper (default A4 landscape)" },
    { "landscape", 0, WM_OPT_FLAG, NULL, "paper in landscape orientation" },
    { "portrait", 0, WM_OPT_FLAG, NULL, "paper in portrait orientation" },
    { "dpi", 0, WM_OPT_VALUE, "N", "resolution of PNG output (default 200)" },
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
    "scale bar, north arrow and attribution.  Missing and suppressed values are No data, never zero.";

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

static int page_size(const wm_args *a, wm_figure *fig, wm_error *err)
{
    int dpi;
    if (wm_args_int(a, "dpi", 200, 36, 1200, &dpi, err) != 0) return -1;
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
    const char *paper = wm_args_get(a, "paper", "A4");
    int landscape = !wm_args_has(a, "portrait") || wm_args_has(a, "landscape");
    if (wm_paper_size(paper, landscape, &fig->width_pt, &fig->height_pt) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--paper \"%s\": use A3, A4 or A5", paper);
    return 0;
}

int wm_cmd_render(int argc, char **argv, wm_error *err)
{
    wm_args a;
    wm_choropleth map;
    wm_layer *overlay = NULL;
    char **highlight = NULL;
    int nhighlight = 0, rc = -1;
    memset(&map, 0, sizeof map);
    if (wm_args_parse(&a, render_options, argc, argv, 0, err) != 0) goto done;
    if (a.help) {
        wm_args_usage(stdout, "render", render_synopsis, render_description, render_options);
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
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    if (page_size(&a, &fig, err) != 0) goto done;
    if (wm_choropleth_from_args(&a, &map, err) != 0) goto done;
    fprintf(stderr, "%s\n", map.join_report);
    if (map.palette_warning[0]) fprintf(stderr, "warning: %s\n", map.palette_warning);

    const char *overlay_spec = wm_args_get(&a, "overlay", NULL);
    if (overlay_spec) {
        overlay = wm_layer_read(overlay_spec, wm_args_get(&a, "overlay-key", NULL),
                                wm_args_get(&a, "overlay-name-field", NULL), wm_args_get(&a, "t-srs", NULL), err);
        if (!overlay) goto done;
    }
    const char *hl = wm_args_get(&a, "highlight", NULL);
    if (hl) nhighlight = split_list(hl, &highlight);

    fig.map = &map;
    fig.overlay = overlay;
    fig.overlay_labels = !wm_args_has(&a, "no-labels");
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
    wm_choropleth_free(&map);
    wm_args_free(&a);
    return rc;
}
