#include "map.h"
#include "store.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Joshua Stevens' 3 x 3 purple-blue bivariate scheme, [y class][x class]. */
static const char *const BIVARIATE_HEX[3][3] = {
    { "#e8e8e8", "#ace4e4", "#5ac8c8" },
    { "#dfb0d6", "#a5add3", "#5698b9" },
    { "#be64ac", "#8c62aa", "#3b4994" },
};

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
        if (n >= WM_MAX_CLASSES)
            return wm_error_set(err, WM_EXIT_USAGE, "--labels gives more than %d labels", WM_MAX_CLASSES);
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

/* One variable's values for the layer, from a table or from the store.
 * `title`/`unit`/`source` receive its description when known. */
static double *variable_values(const wm_args *a, const wm_layer *layer, const char *table_path,
                               const char *table_key, const char *value_field, const char *indicator,
                               char *title, size_t title_size, char *unit, size_t unit_size,
                               char *source, size_t source_size, char *report, size_t report_size,
                               wm_error *err)
{
    if (indicator) {
        wm_indicator_meta meta;
        double *v = wm_store_values_for_layer(wm_args_get(a, "store", NULL), indicator,
                                              wm_args_get(a, "period", NULL), wm_args_get(a, "geography", NULL),
                                              layer, &meta, err);
        if (!v) return NULL;
        snprintf(title, title_size, "%s", meta.title);
        snprintf(unit, unit_size, "%s", meta.unit);
        snprintf(source, source_size, "%s (%s), %s", meta.publisher, meta.period, meta.licence);
        snprintf(report, report_size, "%s", meta.report);
        return v;
    }
    if (!table_path || !table_key || !value_field) {
        wm_error_set(err, WM_EXIT_USAGE, "a table needs --data, --data-key and --value");
        return NULL;
    }
    wm_table *t = wm_table_read(table_path, err);
    if (!t) return NULL;
    wm_join_report r;
    double *v = wm_join(layer, t, table_key, value_field, &r, err);
    wm_table_free(t);
    if (!v) return NULL;
    wm_join_report_format(&r, report, report_size);
    wm_join_report_free(&r);
    snprintf(title, title_size, "%s", value_field);
    return v;
}

static int setup_bivariate(const wm_args *a, wm_map *c, wm_error *err)
{
    char unit2[64] = "", source2[512] = "";
    const char *data = wm_args_get(a, "data", NULL);
    c->values2 = variable_values(a, c->layer, wm_args_get(a, "data2", data),
                                 wm_args_get(a, "data2-key", wm_args_get(a, "data-key", NULL)),
                                 wm_args_get(a, "value2", NULL), wm_args_get(a, "indicator2", NULL),
                                 c->legend_title2, sizeof c->legend_title2, unit2, sizeof unit2,
                                 source2, sizeof source2, c->join_report2, sizeof c->join_report2, err);
    if (!c->values2) return -1;
    if (*source2 && c->nsources < 16) c->sources[c->nsources++] = strdup(source2);
    if (wm_args_has(a, "legend-title2"))
        copy_text(c->legend_title2, sizeof c->legend_title2, wm_args_get(a, "legend-title2", ""));
    /* Tied values (many wards with no LSOA in decile 1, say) can leave
     * fewer than 3 quantile classes; natural breaks then still give 3
     * whenever there are 3 distinct values. */
    wm_class_method m2 = c->classes.method;
    if (wm_classify(c->values2, c->layer->n, m2, 3, NULL, 0, &c->classes2, err) != 0) return -1;
    if (c->classes2.n < 3 && m2 == WM_CLASS_QUANTILE &&
        wm_classify(c->values2, c->layer->n, WM_CLASS_JENKS, 3, NULL, 0, &c->classes2, err) != 0)
        return -1;
    if (c->classes.n < 3 && c->classes.method == WM_CLASS_QUANTILE &&
        wm_classify(c->values, c->layer->n, WM_CLASS_JENKS, 3, NULL, 0, &c->classes, err) != 0)
        return -1;
    if (c->classes.n != 3 || c->classes2.n != 3)
        return wm_error_set(err, WM_EXIT_DATA, "%s: a bivariate map needs 3 classes of each variable, but ties "
                            "leave %d and %d", c->layer->spec, c->classes.n, c->classes2.n);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++) wm_rgb_parse(BIVARIATE_HEX[y][x], &c->bivariate_colour[y][x]);
    c->bivariate = 1;
    return 0;
}

/* The stored value of `indicator` for the area `code` at whichever
 * geography holds it (the city is "lad", a ward "ward", ...). */
static int stored_reference(const wm_args *a, const char *indicator, const char *spec, wm_map *c,
                            wm_error *err)
{
    char code[64];
    const char *colon = strchr(spec, ':');
    snprintf(code, sizeof code, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
    static const char *const geographies[] = { "lad", "ward", "msoa", "lsoa", NULL };
    for (int g = 0; geographies[g]; g++) {
        wm_store_value *v = NULL;
        size_t n = 0;
        wm_error ignore;
        if (wm_store_values(wm_args_get(a, "store", NULL), indicator, wm_args_get(a, "period", NULL),
                            geographies[g], &v, &n, NULL, &ignore) != 0)
            continue;
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].area_code, code) == 0) {
                int found = !isnan(v[i].value);
                if (found) {
                    c->reference = v[i].value;
                    copy_text(c->reference_label, sizeof c->reference_label, colon ? colon + 1 : v[i].area_name);
                    c->has_reference = 1;
                }
                free(v);
                if (!found)
                    return wm_error_set(err, WM_EXIT_DATA, "--reference-area %s: the store has no value of %s for it",
                                        code, indicator);
                return 0;
            }
        free(v);
    }
    return wm_error_set(err, WM_EXIT_DATA, "--reference-area %s: the store holds no %s value for that area",
                        code, indicator);
}

int wm_map_from_args(const wm_args *a, wm_map *c, wm_error *err)
{
    memset(c, 0, sizeof *c);
    if (wm_style_load(wm_args_get(a, "style", NULL), &c->style, err) != 0) return -1;
    c->nodata_colour = c->style.nodata_fill;
    const char *layer = wm_args_get(a, "layer", NULL);
    if (!layer) return wm_error_set(err, WM_EXIT_USAGE, "--layer is required");
    int has_data = wm_args_has(a, "data"), has_indicator = wm_args_has(a, "indicator");
    if (has_data == has_indicator)
        return wm_error_set(err, WM_EXIT_USAGE, "give either --data (a table) or --indicator (from the store)");
    int bivariate = wm_args_has(a, "value2") || wm_args_has(a, "indicator2");

    wm_class_method method;
    const char *method_name = wm_args_get(a, "method", NULL);
    if (wm_class_method_parse(method_name ? method_name : c->style.method, &method) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--method \"%s\": use quantile, equal, jenks, manual or categorical",
                            method_name ? method_name : c->style.method);
    int k;
    if (wm_args_int(a, "classes", bivariate ? 3 : c->style.classes, 1, WM_MAX_CLASSES, &k, err) != 0) return -1;
    double breaks[64];
    int nbreaks = 0;
    const char *breaks_text = wm_args_get(a, "breaks", NULL);
    if (breaks_text && (nbreaks = wm_parse_number_list(breaks_text, breaks, 64)) < 0)
        return wm_error_set(err, WM_EXIT_USAGE, "--breaks \"%s\" is not a comma-separated list of numbers",
                            breaks_text);
    if (breaks_text && !method_name) method = WM_CLASS_MANUAL;
    if (bivariate && (k != 3 || (method != WM_CLASS_QUANTILE && method != WM_CLASS_EQUAL && method != WM_CLASS_JENKS)))
        return wm_error_set(err, WM_EXIT_USAGE, "a bivariate map uses 3 classes of each variable (quantile, equal or jenks)");
    if (wm_args_has(a, "reference")) {
        const char *ref = wm_args_get(a, "reference", "");
        char *end;
        c->reference = strtod(ref, &end);
        if (end == ref || (*end && *end != ':') || !isfinite(c->reference))
            return wm_error_set(err, WM_EXIT_USAGE, "--reference \"%s\": use VALUE or VALUE:TEXT", ref);
        copy_text(c->reference_label, sizeof c->reference_label, *end == ':' ? end + 1 : "reference");
        c->has_reference = 1;
    }

    c->layer = wm_layer_read(layer, wm_args_get(a, "key", NULL), wm_args_get(a, "name-field", NULL),
                             wm_args_get(a, "t-srs", NULL), err);
    if (!c->layer) return -1;

    char source[512] = "";
    c->values = variable_values(a, c->layer, wm_args_get(a, "data", NULL), wm_args_get(a, "data-key", NULL),
                                wm_args_get(a, "value", NULL), wm_args_get(a, "indicator", NULL),
                                c->legend_title, sizeof c->legend_title, c->unit, sizeof c->unit,
                                source, sizeof source, c->join_report, sizeof c->join_report, err);
    if (!c->values) return -1;
    copy_text(c->field, sizeof c->field,
              has_indicator ? wm_args_get(a, "indicator", "") : wm_args_get(a, "value", ""));
    if (wm_args_has(a, "reference-area")) {
        if (!has_indicator)
            return wm_error_set(err, WM_EXIT_USAGE, "--reference-area needs --indicator (a value from the store)");
        if (stored_reference(a, wm_args_get(a, "indicator", ""), wm_args_get(a, "reference-area", ""), c, err) != 0)
            return -1;
    }
    if (*source) c->sources[c->nsources++] = strdup(source);

    if (wm_classify(c->values, c->layer->n, method, k, nbreaks ? breaks : NULL, nbreaks, &c->classes, err) != 0)
        return -1;
    const char *labels = wm_args_get(a, "labels", NULL);
    if (labels && apply_labels(&c->classes, labels, err) != 0) return -1;

    if (bivariate) {
        if (setup_bivariate(a, c, err) != 0) return -1;
    } else {
        const char *scheme = wm_args_get(a, "palette", c->style.palette);
        c->palette_reversed = wm_args_has(a, "reverse");
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
    }

    if (wm_args_has(a, "legend-title"))
        copy_text(c->legend_title, sizeof c->legend_title, wm_args_get(a, "legend-title", ""));
    if (wm_args_has(a, "unit")) copy_text(c->unit, sizeof c->unit, wm_args_get(a, "unit", ""));
    int ns = 0;
    const char **sources = wm_args_all(a, "source", &ns);
    for (int i = 0; i < ns && c->nsources < 16; i++) c->sources[c->nsources++] = strdup(sources[i]);
    return 0;
}

wm_rgb wm_map_colour(const wm_map *c, size_t i)
{
    int k = wm_class_of(&c->classes, c->values[i]);
    if (c->bivariate) {
        int k2 = wm_class_of(&c->classes2, c->values2[i]);
        return k >= 0 && k2 >= 0 ? c->bivariate_colour[k2][k] : c->nodata_colour;
    }
    return k >= 0 && k < c->palette.n ? c->palette.colour[k] : c->nodata_colour;
}

int wm_map_is_nodata(const wm_map *c, size_t i)
{
    if (wm_class_of(&c->classes, c->values[i]) < 0) return 1;
    return c->bivariate && wm_class_of(&c->classes2, c->values2[i]) < 0;
}

void wm_map_free(wm_map *c)
{
    if (!c) return;
    wm_layer_free(c->layer);
    free(c->values);
    free(c->values2);
    for (int i = 0; i < c->nsources; i++) free(c->sources[i]);
    memset(c, 0, sizeof *c);
}
