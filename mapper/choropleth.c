#include "choropleth.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No data is drawn in a neutral grey that no ColorBrewer scheme uses for
 * a class, and render.c hatches it. */
static const wm_rgb NODATA_GREY = { 0.85, 0.85, 0.85 };

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int apply_labels(wm_classes *cls, const char *labels, wm_error *err)
{
    int n = 0;
    const char *p = labels;
    char tmp[WM_MAX_CLASSES][64];
    while (1) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (n >= WM_MAX_CLASSES) break;
        if (len >= sizeof tmp[0]) len = sizeof tmp[0] - 1;
        memcpy(tmp[n], p, len);
        tmp[n][len] = '\0';
        n++;
        if (!bar) break;
        p = bar + 1;
    }
    if (n != cls->n)
        return wm_error_set(err, WM_EXIT_USAGE, "--labels gives %d labels for %d classes", n, cls->n);
    for (int i = 0; i < n; i++) {
        char *t = wm_trimmed_dup(tmp[i]);
        copy_text(cls->label[i], sizeof cls->label[i], t);
        free(t);
    }
    return 0;
}

static int values_from_table(const wm_args *a, wm_choropleth *c, wm_error *err)
{
    const char *data = wm_args_get(a, "data", NULL);
    const char *data_key = wm_args_get(a, "data-key", NULL);
    const char *value = wm_args_get(a, "value", NULL);
    if (!data_key || !value)
        return wm_error_set(err, WM_EXIT_USAGE, "--data needs --data-key and --value");
    wm_table *t = wm_table_read(data, err);
    if (!t) return -1;
    wm_join_report report;
    c->values = wm_join(c->layer, t, data_key, value, &report, err);
    wm_table_free(t);
    if (!c->values) return -1;
    wm_join_report_format(&report, c->join_report, sizeof c->join_report);
    wm_join_report_free(&report);
    copy_text(c->legend_title, sizeof c->legend_title, value);
    copy_text(c->field, sizeof c->field, value);
    return 0;
}

int wm_choropleth_from_args(const wm_args *a, wm_choropleth *c, wm_error *err)
{
    memset(c, 0, sizeof *c);
    c->nodata_colour = NODATA_GREY;
    const char *layer = wm_args_get(a, "layer", NULL);
    if (!layer) return wm_error_set(err, WM_EXIT_USAGE, "--layer is required");
    int has_data = wm_args_has(a, "data"), has_indicator = wm_args_has(a, "indicator");
    if (has_data == has_indicator)
        return wm_error_set(err, WM_EXIT_USAGE, "give either --data (a table) or --indicator (from the store)");

    wm_class_method method = WM_CLASS_QUANTILE;
    const char *method_name = wm_args_get(a, "method", NULL);
    if (method_name && wm_class_method_parse(method_name, &method) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--method \"%s\": use quantile, equal, jenks, manual or categorical",
                            method_name);
    int k;
    if (wm_args_int(a, "classes", 5, 1, WM_MAX_CLASSES, &k, err) != 0) return -1;
    double breaks[64];
    int nbreaks = 0;
    const char *breaks_text = wm_args_get(a, "breaks", NULL);
    if (breaks_text && (nbreaks = wm_parse_number_list(breaks_text, breaks, 64)) < 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--breaks \"%s\" is not a comma-separated list of numbers",
                            breaks_text);
    if (breaks_text && !method_name) method = WM_CLASS_MANUAL;

    c->layer = wm_layer_read(layer, wm_args_get(a, "key", NULL), wm_args_get(a, "name-field", NULL),
                             wm_args_get(a, "t-srs", NULL), err);
    if (!c->layer) return -1;

    if (has_data) {
        if (values_from_table(a, c, err) != 0) return -1;
    } else {
        return wm_error_set(err, WM_EXIT_USAGE, "--indicator: the indicator store is not available in this build");
    }

    if (wm_classify(c->values, c->layer->n, method, k, nbreaks ? breaks : NULL, nbreaks, &c->classes, err) != 0)
        return -1;
    const char *labels = wm_args_get(a, "labels", NULL);
    if (labels && apply_labels(&c->classes, labels, err) != 0) return -1;

    const char *scheme = wm_args_get(a, "palette", "YlOrRd");
    if (wm_palette_load(NULL, scheme, c->classes.n, wm_args_has(a, "reverse"), &c->palette, err) != 0)
        return -1;
    if (c->palette.blind != WM_SUIT_YES) {
        char safe[200] = "";
        wm_palette_suggest_safe(NULL, c->palette.type, c->classes.n, safe, sizeof safe);
        snprintf(c->palette_warning, sizeof c->palette_warning,
                 "palette %s with %d classes is %s colour-blind safe%s%s", c->palette.name, c->classes.n,
                 c->palette.blind == WM_SUIT_NO ? "not" : "not known to be",
                 *safe ? "; safe schemes: " : "", safe);
    }

    if (wm_args_has(a, "legend-title")) copy_text(c->legend_title, sizeof c->legend_title, wm_args_get(a, "legend-title", ""));
    if (wm_args_has(a, "unit")) copy_text(c->unit, sizeof c->unit, wm_args_get(a, "unit", ""));
    int ns = 0;
    const char **sources = wm_args_all(a, "source", &ns);
    for (int i = 0; i < ns && c->nsources < 16; i++) c->sources[c->nsources++] = strdup(sources[i]);
    return 0;
}

wm_rgb wm_choropleth_colour(const wm_choropleth *c, size_t i)
{
    int k = wm_class_of(&c->classes, c->values[i]);
    return k >= 0 && k < c->palette.n ? c->palette.colour[k] : c->nodata_colour;
}

void wm_choropleth_free(wm_choropleth *c)
{
    if (!c) return;
    wm_layer_free(c->layer);
    free(c->values);
    for (int i = 0; i < c->nsources; i++) free(c->sources[i]);
    memset(c, 0, sizeof *c);
}
