#include "map.h"
#include "join.h"
#include "store.h"
#include "table.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
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

/* The values of one variable for the layer, from a table or the store;
 * `title`/`unit`/`source` receive its description when known, `summary`
 * how the values were got (malloc'd). */
typedef struct variable_words {
    char title[256];
    char unit[64];
    char source[WM_PUBLISHER_MAX + 200];   /* publisher (period), licence */
    char *summary;
    wm_indicator_meta meta;        /* a stored indicator's metadata */
    wm_store_value *details;       /* its stored row per feature (malloc'd), or NULL for a table */
    wm_join_report join;           /* what the values amount to (counts only, no samples) */
    char from[1100];               /* where they came from, for messages: "TABLE" or "indicator ID" */
} variable_words;

/* The options that name a variable's parts (second = 1: of the second
 * variable), for errors a recipe traces back to its lines. */
static const char *option_of(int second, const char *part)
{
    static const char *const names[2][4] = { { "indicator", "data", "data-key", "value" },
                                             { "indicator2", "data2", "data2-key", "value2" } };
    int k = strcmp(part, "indicator") == 0 ? 0 : strcmp(part, "data") == 0 ? 1 : strcmp(part, "data-key") == 0 ? 2 : 3;
    return names[second][k];
}

/* The counts of a join for values taken from the store: a feature with
 * no stored row is a fault (the layer's codes are not the store's); a
 * stored row saying No data (suppressed, or an aggregate that could not
 * be made) is the publisher's No data. */
static void store_join_counts(const wm_store_value *d, const double *v, size_t n, wm_join_report *r)
{
    memset(r, 0, sizeof *r);
    r->areas = n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(d[i].status, "no row") == 0) continue;
        r->matched++;
        if (!isnan(v[i])) r->with_value++;
        else if (strcmp(d[i].status, "empty") == 0) r->empty++;
        else r->suppressed++;
    }
}

/* What a map does with values that leave areas without one (docs/bad-input.md,
 * "Joins"): nothing usable is an error; more than half of the areas left
 * without a value by a fault (no row, a cell that is not a number) is an
 * error unless --allow-partial; fewer is a warning, unless --allow-partial. */
static int check_join(const wm_map_spec *spec, int second, const wm_layer *layer, const variable_words *w,
                      char *warning, size_t size, wm_error *err)
{
    warning[0] = '\0';
    const wm_join_report *r = &w->join;
    const char *option = option_of(second, w->details ? "indicator" : "data");
    char a[32], b[32];
    wm_join_verdict v = wm_join_report_verdict(r);
    if (v == WM_JOIN_NONE)
        return wm_error_set_about(err, WM_EXIT_DATA, option, "%s: no area of %s gets a value from it (%s)", w->from,
                                  layer->spec, w->summary ? w->summary : "");
    if (v != WM_JOIN_PARTIAL || spec->allow_partial) return 0;
    double share = wm_join_report_bad_share(r);
    size_t bad = r->areas - r->matched + r->invalid;
    wm_format_count(bad, a, sizeof a);
    wm_format_count(r->areas, b, sizeof b);
    if (share > WM_JOIN_FAIL_SHARE)
        return wm_error_set_about(err, WM_EXIT_DATA, option,
                                  "%s: %s of the %s areas of %s get no value from it (no row, or a cell that is not "
                                  "a number): check the codes and their vintage, or give --allow-partial to map them "
                                  "as No data (%s)", w->from, a, b, layer->spec, w->summary ? w->summary : "");
    snprintf(warning, size, "%s: %s of the %s areas (%.0f%%) get no value from it (no row, or a cell that is not a "
             "number) and are drawn as No data; --allow-partial accepts this", w->from, a, b, share * 100);
    return 0;
}

/* A map's table read on a second thread while its layer is read: the
 * two do not depend on each other, and reading a layer leaves part of a
 * core idle (a render-only national map from a GeoPackage read its
 * 34,753-row table for 55 ms after the layer, on one core).  The
 * table's error, if any, is the one the map reports, at the point where
 * it would have read the table, and only when the layer read. */
typedef struct table_ahead {
    const char *spec;      /* the --data table; NULL: none read ahead */
    wm_table *table;       /* what the thread read, until taken */
    wm_error err;          /* the thread's error when table is NULL */
    pthread_t thread;
    int running;           /* a thread to join */
} table_ahead;

static void *read_ahead(void *arg)
{
    table_ahead *a = arg;
    wm_error_clear(&a->err);
    a->table = wm_table_read(a->spec, &a->err);
    return NULL;
}

/* Start reading the table of `var`, when it is one (not an indicator). */
static void table_ahead_start(table_ahead *a, const wm_map_variable *var)
{
    memset(a, 0, sizeof *a);
    if (var->indicator || !var->data || !var->data_key || !var->value) return;
    a->spec = var->data;
    a->running = pthread_create(&a->thread, NULL, read_ahead, a) == 0;
    if (!a->running) a->spec = NULL;   /* read when needed, as without */
}

static void table_ahead_wait(table_ahead *a)
{
    if (a->running) pthread_join(a->thread, NULL);
    a->running = 0;
}

/* The table read ahead, now the caller's, or NULL with its error. */
static wm_table *table_ahead_take(table_ahead *a, wm_error *err)
{
    table_ahead_wait(a);
    wm_table *t = a->table;
    a->table = NULL;
    if (!t) *err = a->err;
    return t;
}

/* Done with it, taken or not. */
static void table_ahead_end(table_ahead *a)
{
    table_ahead_wait(a);
    wm_table_free(a->table);
    a->table = NULL;
}

/* The values of `var` for the areas of `layer`; its table from `ahead`
 * when it was read ahead (NULL: read here). */
static double *variable_values(const wm_map_spec *spec, const wm_map_variable *var, const wm_layer *layer,
                               wm_store_handle *store, wm_report *report, table_ahead *ahead, variable_words *w,
                               wm_error *err)
{
    int second = var == &spec->var2;
    memset(w, 0, sizeof *w);
    if (var->indicator) {
        wm_store *s = wm_store_get(store, err);
        if (!s) return NULL;
        wm_report_input(report, wm_store_path(s));
        wm_indicator_meta meta;
        double *v = NULL;
        w->details = wm_store_details_for_layer(s, var->indicator, spec->period, spec->geography, layer, &v, &meta, err);
        if (!w->details) {
            wm_error_about(err, option_of(second, "indicator"));
            return NULL;
        }
        w->meta = meta;
        store_join_counts(w->details, v, layer->n, &w->join);
        snprintf(w->from, sizeof w->from, "indicator %s", var->indicator);
        wm_report_source(report, "Indicator %s: %s (%s), %s, %s; source table %s", meta.id, meta.title, meta.period,
                         meta.publisher, meta.licence, meta.source_file);
        snprintf(w->title, sizeof w->title, "%s", meta.title);
        snprintf(w->unit, sizeof w->unit, "%s", meta.unit);
        snprintf(w->source, sizeof w->source, "%s (%s), %s", meta.publisher, meta.period, meta.licence);
        w->summary = strdup(meta.report);
        return v;
    }
    if (!var->data || !var->data_key || !var->value) {
        wm_error_set_about(err, WM_EXIT_USAGE, option_of(second, !var->data ? "data" : !var->data_key ? "data-key" : "value"),
                           "a table needs --data, --data-key and --value");
        return NULL;
    }
    wm_table *t = ahead && ahead->spec ? table_ahead_take(ahead, err) : wm_table_read(var->data, err);
    if (!t) {
        wm_error_about(err, option_of(second, "data"));
        return NULL;
    }
    wm_report_input(report, var->data);
    wm_join_report r;
    double *v = wm_join(layer, t, var->data_key, var->value, &r, err);
    if (!v) {
        /* Which option named what the table lacks. */
        wm_error_about(err, option_of(second, wm_table_column(t, var->data_key) < 0 ? "data-key"
                                               : wm_table_column(t, var->value) < 0 ? "value" : "data"));
        wm_table_free(t);
        return NULL;
    }
    wm_table_free(t);
    char line[1024];
    wm_join_report_format(&r, line, sizeof line);
    wm_join_report_free(&r);
    w->join = r;
    w->summary = strdup(line);
    snprintf(w->from, sizeof w->from, "%s", var->data);
    snprintf(w->title, sizeof w->title, "%s", var->value);
    return v;
}

static int add_source(wm_map *m, const char *source)
{
    if (!source || !*source || m->nsources >= WM_MAP_MAX_SOURCES) return 0;
    char *copy = strdup(source);
    if (!copy) return -1;
    m->sources[m->nsources++] = copy;
    return 0;
}

static int setup_bivariate(const wm_map_spec *spec, wm_map *c, wm_store_handle *store, wm_report *report,
                           wm_error *err)
{
    variable_words w;
    c->values2 = variable_values(spec, &spec->var2, c->layer, store, report, NULL, &w, err);
    if (!c->values2) return -1;
    char warning[1400];
    int rc = check_join(spec, 1, c->layer, &w, warning, sizeof warning, err);
    if (rc == 0) wm_report_add(report, WM_REPORT_NOTE, "second variable: %s", w.summary ? w.summary : "");
    if (rc == 0 && warning[0]) wm_report_add(report, WM_REPORT_WARNING, "%s", warning);
    free(w.summary);
    free(w.details);
    if (rc != 0) return -1;
    snprintf(c->legend_title2, sizeof c->legend_title2, "%s", spec->legend_title2 ? spec->legend_title2 : w.title);
    if (add_source(c, w.source) != 0) return wm_error_set(err, WM_EXIT_IO, "out of memory");
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

/* The stored value of the map's indicator for the area --reference-area
 * names (the city is a lad, a ward a ward...). */
static int stored_reference(const wm_map_spec *spec, wm_store_handle *store, wm_map *c, wm_error *err)
{
    const char *ref = spec->reference_area;
    const char *colon = strchr(ref, ':');
    char code[64], name[128] = "";
    snprintf(code, sizeof code, "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
    wm_store *s = wm_store_get(store, err);
    if (!s) return -1;
    double v = NAN;
    int rc = wm_store_area_value(s, spec->var.indicator, spec->period, code, &v, name, sizeof name, err);
    if (rc < 0) return wm_error_about(err, "reference-area");
    if (rc > 0)
        return wm_error_set_about(err, WM_EXIT_DATA, "reference-area",
                                  "--reference-area %s: the store holds no %s value for that area", code,
                                  spec->var.indicator);
    if (isnan(v))
        return wm_error_set_about(err, WM_EXIT_DATA, "reference-area",
                                  "--reference-area %s: the store has no value of %s for it", code,
                                  spec->var.indicator);
    c->reference = v;
    copy_text(c->reference_label, sizeof c->reference_label, colon ? colon + 1 : name);
    c->has_reference = 1;
    return 0;
}

/* The look and the reference value, what every map starts with. */
static int start_map(const wm_map_spec *spec, wm_map *c, wm_error *err)
{
    if (wm_style_load(spec->style, &c->style, err) != 0) return wm_error_about(err, "style");
    c->nodata_colour = c->style.nodata_fill;
    if (spec->has_reference) {
        c->reference = spec->reference;
        copy_text(c->reference_label, sizeof c->reference_label,
                  spec->reference_label ? spec->reference_label : "reference");
        c->has_reference = 1;
    }
    return 0;
}

/* Class, colour and word the values the map holds. */
static int finish_map(const wm_map_spec *spec, wm_map *c, wm_store_handle *store, wm_report *report,
                      const char *title, const char *unit, wm_error *err)
{
    wm_class_method method;
    if (spec->method_given) method = spec->method;
    else if (wm_class_method_parse(c->style.method, &method) != 0)
        return wm_error_set(err, WM_EXIT_USAGE, "style %s: method \"%s\": use quantile, equal, jenks, manual or "
                            "categorical", c->style.name, c->style.method);
    int k = spec->classes ? spec->classes : c->style.classes;
    if (wm_classify(c->values, c->layer->n, method, k, spec->nbreaks ? spec->breaks : NULL, spec->nbreaks,
                    &c->classes, err) != 0)
        return err->code == WM_EXIT_USAGE ? wm_error_about(err, spec->nbreaks ? "breaks" : "classes") : -1;
    if (spec->labels && apply_labels(&c->classes, spec->labels, err) != 0) return wm_error_about(err, "labels");

    copy_text(c->legend_title, sizeof c->legend_title, title);
    copy_text(c->unit, sizeof c->unit, unit);
    if (spec->bivariate) {
        if (setup_bivariate(spec, c, store, report, err) != 0) return -1;
    } else {
        const char *scheme = spec->palette ? spec->palette : c->style.palette;
        c->palette_reversed = spec->reverse;
        if (wm_palette_load(NULL, scheme, c->classes.n, spec->reverse, &c->palette, err) != 0)
            return wm_error_about(err, "palette");
        if (c->palette.blind != WM_SUIT_YES) {
            char safe[200] = "";
            wm_palette_suggest_safe(NULL, c->palette.type, c->classes.n, safe, sizeof safe);
            wm_report_add(report, WM_REPORT_WARNING, "palette %s with %d classes is %s colour-blind safe%s%s",
                          c->palette.name, c->classes.n,
                          c->palette.blind == WM_SUIT_NO ? "not" : "not known to be", *safe ? "; safe schemes: " : "",
                          safe);
        }
    }
    if (spec->legend_title) copy_text(c->legend_title, sizeof c->legend_title, spec->legend_title);
    if (spec->unit) copy_text(c->unit, sizeof c->unit, spec->unit);
    for (int i = 0; i < spec->nsources; i++) {
        if (add_source(c, spec->sources[i]) != 0) return wm_error_set(err, WM_EXIT_IO, "out of memory");
        wm_report_source(report, "%s", spec->sources[i]);
    }
    return 0;
}

/* A palette of the map's own colours (comparison and change maps), all
 * colour-blind safe by construction. */
static void own_palette(wm_map *c, const char *name, const char *type, const char *const *hex, int n)
{
    memset(&c->palette, 0, sizeof c->palette);
    snprintf(c->palette.name, sizeof c->palette.name, "%s", name);
    snprintf(c->palette.type, sizeof c->palette.type, "%s", type);
    c->palette.n = n;
    for (int k = 0; k < n; k++) {
        wm_rgb_parse(hex[k], &c->palette.colour[k]);
        snprintf(c->palette.hex[k], sizeof c->palette.hex[k], "%s", hex[k]);
    }
    c->palette.blind = c->palette.print = c->palette.copy = c->palette.screen = WM_SUIT_YES;
}

/* What the stored values cover and claim, said where the figure says it:
 * areas whose sources cover too little of them (named; or drawn as No
 * data), estimates (and why they have no interval). */
static int note_claims(const wm_map_spec *spec, wm_map *c, const variable_words *w, wm_error *err)
{
    const wm_store_value *d = w->details;
    char note[2048] = "";
    size_t o = 0;
    char words[160];
    wm_coverage_words(w->meta.coverage_basis, words, sizeof words);
    int nlow = 0;
    for (size_t i = 0; i < c->layer->n; i++) {
        if (isnan(d[i].value) || isnan(d[i].coverage) || d[i].coverage * 100 >= spec->coverage_threshold) continue;
        if (nlow == 0)
            o += (size_t)snprintf(note + o, sizeof note - o, "%s below %g%% coverage: ",
                                  spec->hide_low_coverage ? "Not shown (No data), values" : "Values",
                                  spec->coverage_threshold);
        if (o < sizeof note)
            o += (size_t)snprintf(note + o, sizeof note - o, "%s%s: %.0f%% of %s covered", nlow ? "; " : "",
                                  c->layer->features[i].name, d[i].coverage * 100, words);
        if (spec->hide_low_coverage) c->values[i] = NAN;
        nlow++;
    }
    if (nlow && o < sizeof note) o += (size_t)snprintf(note + o, sizeof note - o, ".");
    const char *why = NULL;
    for (size_t i = 0; i < c->layer->n && !why; i++)
        if (d[i].estimate && !isnan(d[i].value)) why = d[i].estimate_note;
    if (why && o < sizeof note) {
        char words[160];
        wm_estimate_words(why, words, sizeof words);
        o += (size_t)snprintf(note + o, sizeof note - o, "%sValues are estimates (%s), so they have no confidence "
                              "interval.", o ? " " : "", words);
    }
    if (o == 0) return 0;
    c->claims_note = strdup(note);
    return c->claims_note ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
}

/* The authority the areas lie in, for "Higher than Coventry". */
static void authority_name(wm_store *s, const char *geography, char *out, size_t size)
{
    snprintf(out, size, "the local authority");
    wm_store_area *areas = NULL;
    size_t n = 0;
    wm_error ignore;
    if (!geography || wm_store_read_areas(s, geography, 1, &areas, &n, &ignore) != 0) return;
    for (size_t i = 0; i < n; i++)
        if (strncmp(areas[i].geography, "lad", 3) == 0 && areas[i].name[0]) {
            snprintf(out, size, "%s", areas[i].name);
            break;
        }
    free(areas);
}

/* A comparison map: each area 1 lower, 2 similar or 3 higher than the
 * benchmark, from the stored comparison; not compared is No data. */
static int make_comparison(const wm_map_spec *spec, wm_map *c, const variable_words *w, wm_store_handle *store,
                           wm_error *err)
{
    char bench[128];
    if (spec->compare == WM_COMPARE_ENGLAND) snprintf(bench, sizeof bench, "England");
    else authority_name(store->store, w->meta.values_geography, bench, sizeof bench);
    size_t compared = 0;
    for (size_t i = 0; i < c->layer->n; i++) {
        const char *k = spec->compare == WM_COMPARE_ENGLAND ? w->details[i].compare_england
                                                             : w->details[i].compare_authority;
        c->values[i] = strcmp(k, "lower") == 0 ? 1 : strcmp(k, "similar") == 0 ? 2 : strcmp(k, "higher") == 0 ? 3 : NAN;
        compared += !isnan(c->values[i]);
    }
    if (compared == 0)
        return wm_error_set_about(err, WM_EXIT_DATA, "compare",
                                  "--compare: no area of %s has a comparison with %s (%s has %s)", c->layer->spec,
                                  bench, w->meta.id,
                                  w->meta.interval[0] ? "intervals but no benchmark value" : "no confidence interval");
    double cats[3] = { 1, 2, 3 };
    if (wm_classify(c->values, c->layer->n, WM_CLASS_CATEGORICAL, 3, cats, 3, &c->classes, err) != 0) return -1;
    snprintf(c->classes.label[0], sizeof c->classes.label[0], "Lower than %.48s", bench);
    snprintf(c->classes.label[1], sizeof c->classes.label[1], "Similar to %.48s", bench);
    snprintf(c->classes.label[2], sizeof c->classes.label[2], "Higher than %.48s", bench);
    const char *hex[3];
    wm_comparison_colours(w->meta.higher_is_worse, hex);
    own_palette(c, "comparison", "div", hex, 3);
    char title[256];
    snprintf(title, sizeof title, "%.180s compared with %.60s", w->meta.title, bench);
    copy_text(c->legend_title, sizeof c->legend_title, title);
    char note[600];
    snprintf(note, sizeof note, "Significantly higher or lower: the %g%% confidence interval (%s) lies wholly above or "
             "below %s's value; areas without an interval are not compared (No data).",
             isnan(w->meta.compare_level) ? 95 : w->meta.compare_level, w->meta.interval[0] ? w->meta.interval : "none",
             bench);
    free(c->claims_note);
    c->claims_note = strdup(note);
    return 0;
}

/* The earlier indicator's value for each feature: at the same geography,
 * or through the store's links from the layer's geography to the earlier
 * one (each 2021 LSOA to the 2011 LSOA it came from).  `how` says which. */
static double *earlier_values(wm_store *s, const wm_map_spec *spec, const wm_layer *layer, const char *geography,
                              wm_indicator_meta *old, char *how, size_t how_size, wm_error *err)
{
    if (wm_store_indicator(s, spec->change_from, NULL, old, err) != 0) {
        wm_error_about(err, "change-from");
        return NULL;
    }
    if (strcmp(old->geography, geography) == 0) {
        snprintf(how, how_size, "both are published for %s", geography);
        return wm_store_values_for_layer(s, spec->change_from, NULL, geography, layer, NULL, err);
    }
    wm_store_link *links = NULL;
    size_t nl = 0;
    wm_store_value *v = NULL;
    size_t nv = 0;
    double *out = NULL;
    if (wm_store_read_links(s, geography, old->geography, &links, &nl, err) != 0) return NULL;
    if (nl == 0) {
        wm_error_set_about(err, WM_EXIT_DATA, "change-from",
                           "--change-from %s: %s is published for %s, and the store does not say how %s areas map to "
                           "%s (add a [link %s %s] to its manifest)",
                           spec->change_from, old->id, old->geography, geography, old->geography, geography,
                           old->geography);
        goto done;
    }
    if (wm_store_values(s, spec->change_from, NULL, old->geography, &v, &nv, NULL, err) != 0) goto done;
    out = malloc((layer->n ? layer->n : 1) * sizeof *out);
    if (!out) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < layer->n; i++) {
        out[i] = NAN;
        size_t lo = 0, hi = nl;
        while (lo < hi) {   /* links are sorted by child code */
            size_t mid = (lo + hi) / 2;
            int c = strcmp(links[mid].child, layer->features[i].key);
            if (c == 0) { lo = mid; break; }
            if (c < 0) lo = mid + 1; else hi = mid;
        }
        if (lo >= nl || strcmp(links[lo].child, layer->features[i].key) != 0) continue;
        for (size_t k = 0; k < nv; k++)
            if (strcmp(v[k].area_code, links[lo].parent) == 0) {
                out[i] = v[k].value;
                break;
            }
    }
    char now[64], then[64];
    size_t dn = strcspn(geography, "0123456789"), dt = strcspn(old->geography, "0123456789");
    snprintf(now, sizeof now, "20%s %.*s", geography + dn, (int)dn, geography);
    snprintf(then, sizeof then, "20%s %.*s", old->geography + dt, (int)dt, old->geography);
    for (char *p = now; *p; p++) *p = (char)toupper((unsigned char)*p);
    for (char *p = then; *p; p++) *p = (char)toupper((unsigned char)*p);
    snprintf(how, how_size, "each %s is matched to the %s it came from (%s)", now, then,
             strstr(links[0].method, "lookup") ? "the ONS lookup" : links[0].method);
done:
    free(links);
    free(v);
    return out;
}

/* A change map: each area 1 entered, 2 left, 3 in both, 4 in neither of
 * the class [change_lo, change_hi] between the earlier indicator and
 * this one. */
static int make_change(const wm_map_spec *spec, wm_map *c, const variable_words *w, wm_store_handle *store,
                       wm_error *err)
{
    wm_indicator_meta old;
    char how[300];
    double *before = earlier_values(store->store, spec, c->layer, w->meta.values_geography, &old, how, sizeof how, err);
    if (!before) return -1;
    char cls[64];
    int decile = strcmp(w->meta.unit, "decile") == 0;
    if (spec->change_lo == spec->change_hi) snprintf(cls, sizeof cls, "%s %g", decile ? "decile" : "class", spec->change_lo);
    else snprintf(cls, sizeof cls, "%s %g-%g", decile ? "deciles" : "classes", spec->change_lo, spec->change_hi);
    size_t unmatched = 0;
    for (size_t i = 0; i < c->layer->n; i++) {
        double a = before[i], b = c->values[i];
        if (isnan(a) || isnan(b)) {
            unmatched += isnan(a) && !isnan(b);
            c->values[i] = NAN;
            continue;
        }
        int was = a >= spec->change_lo && a <= spec->change_hi, is = b >= spec->change_lo && b <= spec->change_hi;
        c->values[i] = is && !was ? 1 : was && !is ? 2 : is ? 3 : 4;
    }
    free(before);
    double cats[4] = { 1, 2, 3, 4 };
    if (wm_classify(c->values, c->layer->n, WM_CLASS_CATEGORICAL, 4, cats, 4, &c->classes, err) != 0) return -1;
    snprintf(c->classes.label[0], sizeof c->classes.label[0], "Entered %.48s", cls);
    snprintf(c->classes.label[1], sizeof c->classes.label[1], "Left %.48s", cls);
    snprintf(c->classes.label[2], sizeof c->classes.label[2], "In %.48s in both", cls);
    snprintf(c->classes.label[3], sizeof c->classes.label[3], "In neither");
    const char *hex[4] = { "#e66101", "#5e3c99", "#525252", "#f0f0f0" };   /* PuOr ends, greys: colour-blind safe */
    own_palette(c, "change", "qual", hex, 4);
    char title[256];
    snprintf(title, sizeof title, "%.40s %.40s from %.30s to %.30s", decile ? "National" : "", cls, old.period,
             w->meta.period);
    copy_text(c->legend_title, sizeof c->legend_title, title[0] == ' ' ? title + 1 : title);
    char note[1400];
    snprintf(note, sizeof note, "%s (%s) against %s (%s): %s.%s", w->meta.title, w->meta.period, old.title,
             old.period, how, unmatched ? " Areas with no earlier value are No data." : "");
    free(c->claims_note);
    c->claims_note = strdup(note);
    return c->claims_note ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
}

/* The wording options of a comparison map (its classes and colours are
 * its own). */
static int finish_comparison(const wm_map_spec *spec, wm_map *c, wm_error *err)
{
    if (spec->legend_title) copy_text(c->legend_title, sizeof c->legend_title, spec->legend_title);
    for (int i = 0; i < spec->nsources; i++)
        if (add_source(c, spec->sources[i]) != 0) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    return 0;
}

int wm_map_build(const wm_map_spec *spec, wm_store_handle *store, wm_report *report, wm_map *c, wm_error *err)
{
    memset(c, 0, sizeof *c);
    int rc = -1;
    variable_words w;
    memset(&w, 0, sizeof w);
    table_ahead ahead;
    table_ahead_start(&ahead, &spec->var);
    if (start_map(spec, c, err) != 0) goto done;
    wm_layer_options lo = { spec->key, spec->name_field, spec->t_srs, spec->where, spec->sql };
    const char *layer = spec->layer;
    wm_store_geography stored;
    if (!layer) {
        /* No --layer: the store's boundaries of --geography. */
        wm_store *s = wm_store_get(store, err);
        if (!s || wm_store_geography_layer(s, spec->geography, spec->var.indicator, &stored, err) != 0) {
            wm_error_about(err, "geography");
            goto done;
        }
        layer = stored.layer;
        if (!lo.key_field && stored.code_field[0]) lo.key_field = stored.code_field;
        if (!lo.name_field && stored.name_field[0]) lo.name_field = stored.name_field;
    }
    c->layer = wm_layer_open(layer, &lo, err);
    if (!c->layer) {
        wm_error_about(err, spec->layer ? "layer" : "geography");
        goto done;
    }
    wm_report_input(report, layer);
    c->values = variable_values(spec, &spec->var, c->layer, store, report, &ahead, &w, err);
    if (!c->values) goto done;
    char warning[1400];
    if (check_join(spec, 0, c->layer, &w, warning, sizeof warning, err) != 0) goto done;
    wm_report_add(report, WM_REPORT_NOTE, "%s", w.summary ? w.summary : "");
    if (warning[0]) wm_report_add(report, WM_REPORT_WARNING, "%s", warning);
    c->values_report = w.summary;
    w.summary = NULL;
    copy_text(c->field, sizeof c->field, spec->var.indicator ? spec->var.indicator : spec->var.value);
    if (spec->reference_area && stored_reference(spec, store, c, err) != 0) goto done;
    if (add_source(c, w.source) != 0) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    if (w.details && note_claims(spec, c, &w, err) != 0) goto done;
    if (spec->compare || spec->change_from) {
        if (spec->compare ? make_comparison(spec, c, &w, store, err) != 0 : make_change(spec, c, &w, store, err) != 0)
            goto done;
        snprintf(w.unit, sizeof w.unit, "%s", "");
        rc = finish_comparison(spec, c, err);
    } else {
        rc = finish_map(spec, c, store, report, w.title, w.unit, err);
    }
done:
    table_ahead_end(&ahead);
    free(w.summary);
    free(w.details);
    if (rc != 0) wm_map_free(c);
    return rc;
}

int wm_map_from_values(const wm_map_spec *spec, wm_layer *layer, double *values, const char *values_report,
                       wm_report *report, wm_map *c, wm_error *err)
{
    memset(c, 0, sizeof *c);
    c->layer = layer;
    c->values = values;
    int rc = -1;
    if (start_map(spec, c, err) != 0) goto done;
    if (values_report && !(c->values_report = strdup(values_report))) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    copy_text(c->field, sizeof c->field, spec->var.value ? spec->var.value : "value");
    rc = finish_map(spec, c, NULL, report, spec->var.value ? spec->var.value : "value", "", err);
done:
    if (rc != 0) wm_map_free(c);
    return rc;
}

int wm_map_share_classes(wm_map *const *maps, int n, wm_error *err)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += maps[i]->layer->n;
    double *pooled = malloc((total ? total : 1) * sizeof *pooled);
    if (!pooled) return wm_error_set(err, WM_EXIT_IO, "out of memory");
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
    wm_palette palette = maps[0]->palette;
    if (palette.n != shared.n &&
        wm_palette_load(NULL, maps[0]->palette.name, shared.n, maps[0]->palette_reversed, &palette, err) != 0)
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
    free(c->values_report);
    free(c->claims_note);
    for (int i = 0; i < c->nsources; i++) free(c->sources[i]);
    memset(c, 0, sizeof *c);
}
