/* profile.c -- an area profile from the store: the area, its authority,
 * its comparators, every indicator's values, the words and the page.
 *
 * Everything shown is read from the store (or the boundary layers): no
 * figure is computed here but the spread of the comparator areas'
 * stored values (analyse/spread.h).  The authority is the one the store's
 * links put the area in (store.h, wm_store_authority), and the
 * comparators are the areas of the spread geography in that authority.
 */
#include "profile.h"
#include "buf.h"
#include "layer.h"
#include "layout.h"
#include "map_spec.h"
#include "paper.h"
#include "profile_page.h"
#include "store.h"
#include "style.h"
#include "text.h"
#include "utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const wm_option wm_profile_options[] = {
    { "area", 0, WM_OPT_VALUE, "AREA", "the area: its code or its published name (on the command line, AREA)" },
    { "geography", 'g', WM_OPT_VALUE, "G", "the area's geography: ward, or any the store holds, e.g. locality (default ward)" },
    { "layer", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "boundaries of the geography (default: the store's layer)" },
    { "key", 0, WM_OPT_VALUE, "FIELD", "area-code field of --layer (default: the store's, or the first ending in CD)" },
    { "name-field", 0, WM_OPT_VALUE, "FIELD", "area-name field of --layer (default: the store's, or the first ending in NM)" },
    { "where", 0, WM_OPT_VALUE, "SQL", "only the features of --layer this attribute filter selects" },
    { "spread", 0, WM_OPT_VALUE, "G", "the comparator areas the spine bars span: those of this geography in the area's "
      "authority (default ward)" },
    { "spread-layer", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "boundaries of the comparator areas, for the "
      "locator map (default: the store's layer)" },
    { "spread-key", 0, WM_OPT_VALUE, "FIELD", "area-code field of --spread-layer" },
    { "indicators", 'i', WM_OPT_REPEAT, "A,B,...", "the indicators, one row each, in this order (default: the "
      "headline indicators of the ward table)" },
    { "population", 0, WM_OPT_REPEAT, "A,B,...", "the population indicators listed (default: every indicator of the "
      "population family)" },
    { "benchmark", 0, WM_OPT_VALUE, "authority|england", "what the area's marks are compared with (default authority)" },
    { "coverage-threshold", 0, WM_OPT_VALUE, "PERCENT", "flag values whose source areas cover less of the area "
      "(default 50)" },
    { "store", 0, WM_OPT_VALUE | WM_OPT_INPUT, "PATH", "the indicator store (default: the bundled store)" },
    { "style", 0, WM_OPT_VALUE, "NAME|FILE", "the look (styles/NAME.style or a file; default styles/default.style)" },
    { "title", 0, WM_OPT_VALUE, "TEXT", "the page's title (default: \"AREA: ward profile\")" },
    { "subtitle", 0, WM_OPT_VALUE, "TEXT", "the line under the title (default: the area's code and authority)" },
    { "notes", 0, WM_OPT_VALUE, "TEXT", "a note put before the chart's own notes" },
    WM_PAGE_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

/* Every item of a repeatable option of comma lists, in order. */
static int split_all(const wm_args *a, const char *name, char ***out, int *n, wm_error *err)
{
    int nv = 0;
    const char **v = wm_args_all(a, name, &nv);
    *out = NULL;
    *n = 0;
    for (int i = 0; i < nv; i++) {
        char **items = NULL;
        int k = wm_split_list(v[i], &items, err);
        if (k < 0) return wm_error_about(err, name);
        char **more = realloc(*out, (size_t)(*n + k + 1) * sizeof **out);
        if (!more) {
            wm_list_free(items, k);
            return wm_error_set_about(err, WM_EXIT_USAGE, name, "out of memory");
        }
        *out = more;
        memcpy(*out + *n, items, (size_t)k * sizeof *items);
        *n += k;
        free(items);
    }
    return 0;
}

int wm_profile_spec_from_args(const wm_args *a, wm_profile_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->store = wm_args_get(a, "store", NULL);
    spec->area = wm_args_get(a, "area", NULL);
    if (!spec->area || !*spec->area)
        return wm_error_set_about(err, WM_EXIT_USAGE, "area", "profile: which area? (give AREA: a code or a name)");
    spec->geography = wm_args_get(a, "geography", "ward");
    spec->layer = wm_args_get(a, "layer", NULL);
    spec->key = wm_args_get(a, "key", NULL);
    spec->name_field = wm_args_get(a, "name-field", NULL);
    spec->where = wm_args_get(a, "where", NULL);
    spec->spread = wm_args_get(a, "spread", "ward");
    spec->spread_layer = wm_args_get(a, "spread-layer", NULL);
    spec->spread_key = wm_args_get(a, "spread-key", NULL);
    if (split_all(a, "indicators", &spec->indicators, &spec->nindicators, err) != 0) return -1;
    if (spec->nindicators > WM_PROFILE_MAX_ROWS)
        return wm_error_set_about(err, WM_EXIT_USAGE, "indicators", "profile: at most %d indicators on a page",
                                  WM_PROFILE_MAX_ROWS);
    for (int i = 0; i < spec->nindicators; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(spec->indicators[i], spec->indicators[j]) == 0)
                return wm_error_set_about(err, WM_EXIT_USAGE, "indicators", "profile: indicator %s is named twice",
                                          spec->indicators[i]);
    if (split_all(a, "population", &spec->population, &spec->npopulation, err) != 0) return -1;
    const char *bench = wm_args_get(a, "benchmark", "authority");
    if (strcasecmp(bench, "authority") == 0) spec->benchmark = WM_COMPARE_AUTHORITY;
    else if (strcasecmp(bench, "england") == 0) spec->benchmark = WM_COMPARE_ENGLAND;
    else
        return wm_error_set_about(err, WM_EXIT_USAGE, "benchmark",
                                  "profile: --benchmark is authority or england, not \"%s\"", bench);
    if (wm_args_double(a, "coverage-threshold", 50, &spec->coverage_threshold, err) != 0) return -1;
    if (spec->coverage_threshold < 0 || spec->coverage_threshold > 100)
        return wm_error_set_about(err, WM_EXIT_USAGE, "coverage-threshold",
                                  "profile: --coverage-threshold is a percentage from 0 to 100");
    spec->style = wm_args_get(a, "style", NULL);
    spec->title = wm_args_get(a, "title", NULL);
    spec->subtitle = wm_args_get(a, "subtitle", NULL);
    spec->notes = wm_args_get(a, "notes", NULL);
    static const char *const texts[] = { "area", "title", "subtitle", "notes" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (!wm_utf8_valid(wm_args_get(a, texts[i], NULL)))
            return wm_error_set_about(err, WM_EXIT_USAGE, texts[i], "profile: --%s is not valid UTF-8", texts[i]);
    return wm_page_spec_from_args(a, "profile", &spec->page, err);
}

void wm_profile_spec_free(wm_profile_spec *spec)
{
    if (!spec) return;
    wm_list_free(spec->indicators, spec->nindicators);
    wm_list_free(spec->population, spec->npopulation);
    memset(spec, 0, sizeof *spec);
}

/* ---- reading the store ---------------------------------------------------- */

static const wm_store_value *find_value(const wm_store_value *v, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {   /* sorted by area code (store.h) */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v[mid].area_code, code);
        if (c == 0) return &v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* The value rows of an indicator at a geography (none when the store has
 * none there). */
typedef struct rows {
    wm_store_value *v;
    size_t n;
} rows;

static int read_rows(wm_store *s, const wm_indicator_meta *m, const char *geography, rows *out, wm_error *err)
{
    out->v = NULL;
    out->n = 0;
    return wm_store_read_values(s, m->id, m->period, geography, &out->v, &out->n, err);
}

static double value_of(const rows *r, const char *code)
{
    const wm_store_value *v = find_value(r->v, r->n, code);
    return v ? v->value : NAN;
}

/* A geography the store holds, for `what` ("geography", "spread"). */
static int match_geography(wm_store *s, const char *want, const char *what, char *out, size_t size, wm_error *err)
{
    if (wm_store_match_geography(s, NULL, want, out, size, err) != 0) return -1;
    if (!*out)
        return wm_error_set_about(err, WM_EXIT_USAGE, what, "profile: the store %s has no %s areas", wm_store_path(s),
                                  want);
    return 0;
}

/* The kind of a geography, as readers say it: "ward25" -> "ward",
 * "msoa21" -> "MSOA" (the statistical geographies' initials in capitals). */
static void kind_of(const char *geography, char *out, size_t size)
{
    size_t n = strcspn(geography, "0123456789");
    snprintf(out, size, "%.*s", (int)n, geography);
    static const char *const initials[] = { "oa", "lsoa", "msoa", "lad", "ctry" };
    for (size_t i = 0; i < sizeof initials / sizeof *initials; i++)
        if (strcasecmp(out, initials[i]) == 0)
            for (char *p = out; *p; p++) *p = (char)toupper((unsigned char)*p);
}

static void plural(const char *kind, size_t n, char *out, size_t size)
{
    size_t l = strlen(kind);
    if (n == 1) snprintf(out, size, "%s", kind);
    else if (l > 1 && kind[l - 1] == 'y' && !strchr("aeiou", kind[l - 2]))
        snprintf(out, size, "%.*sies", (int)(l - 1), kind);
    else snprintf(out, size, "%ss", kind);
}

/* The indicators of the chart: those named, each with values at the
 * geography, or the headline ones. */
static int pick_indicators(const wm_profile_spec *spec, wm_store *s, const char *geo, wm_indicator_meta **list,
                           size_t *n, wm_error *err)
{
    *list = NULL;
    *n = 0;
    if (spec->nindicators == 0) {
        if (wm_store_list_indicators(s, geo, 1, list, n, err) != 0) return -1;
        if (*n == 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "indicators", "profile: no headline indicator has %s values "
                                      "in %s (name some with --indicators)", geo, wm_store_path(s));
        if (*n > WM_PROFILE_MAX_ROWS)
            return wm_error_set_about(err, WM_EXIT_USAGE, "indicators", "profile: %zu headline indicators are more than "
                                      "a page holds (%d); choose with --indicators", *n, WM_PROFILE_MAX_ROWS);
        return 0;
    }
    *list = calloc((size_t)spec->nindicators, sizeof **list);
    if (!*list) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (int i = 0; i < spec->nindicators; i++) {
        wm_indicator_meta *m = &(*list)[i];
        if (wm_store_indicator(s, spec->indicators[i], NULL, m, err) != 0) return wm_error_about(err, "indicators");
        char at[32];
        if (wm_store_match_geography(s, m->id, geo, at, sizeof at, err) != 0) return -1;
        if (strcmp(at, geo) != 0) {
            char held[300];
            wm_store_geographies_held(s, m->id, m->period, held, sizeof held);
            return wm_error_set_about(err, WM_EXIT_USAGE, "indicators", "profile: indicator %s has no %s values (it has "
                                      "values for %s)", m->id, geo, *held ? held : "no geography");
        }
        (*n)++;
    }
    return 0;
}

/* The population indicators: those named, or the population family's. */
static int pick_population(const wm_profile_spec *spec, wm_store *s, const char *geo, wm_indicator_meta **list,
                           size_t *n, wm_error *err)
{
    *list = NULL;
    *n = 0;
    if (spec->npopulation > 0) {
        *list = calloc((size_t)spec->npopulation, sizeof **list);
        if (!*list) return wm_error_set(err, WM_EXIT_IO, "out of memory");
        for (int i = 0; i < spec->npopulation; i++, (*n)++)
            if (wm_store_indicator(s, spec->population[i], NULL, &(*list)[i], err) != 0)
                return wm_error_about(err, "population");
        return 0;
    }
    wm_indicator_meta *all = NULL;
    size_t nall = 0;
    if (wm_store_list_indicators(s, geo, 0, &all, &nall, err) != 0) return -1;
    size_t k = 0;
    for (size_t i = 0; i < nall; i++)
        if (strcasecmp(all[i].family, "population") == 0) all[k++] = all[i];
    *list = all;
    *n = k;
    return 0;
}

/* ---- what the page says ----------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Sources, grouped by table: "Labels (periods): publisher, file (licence)." */
static void say_sources(wm_buf *t, const wm_indicator_meta *m, size_t n, const wm_indicator_meta *pop, size_t npop)
{
    size_t total = n + npop;
    int *done = calloc(total + 1, sizeof *done);
    if (!done) {
        t->oom = 1;
        return;
    }
    wm_buf_printf(t, "Sources: ");
    int first_group = 1;
    for (size_t i = 0; i < total; i++) {
        if (done[i]) continue;
        const wm_indicator_meta *a = i < n ? &m[i] : &pop[i - n];
        wm_buf_printf(t, "%s", first_group ? "" : " ");
        first_group = 0;
        int first = 1;
        for (size_t j = i; j < total; j++) {
            const wm_indicator_meta *b = j < n ? &m[j] : &pop[j - n];
            if (done[j] || strcmp(a->source_file, b->source_file) != 0 || strcmp(a->publisher, b->publisher) != 0 ||
                strcmp(a->licence, b->licence) != 0)
                continue;
            done[j] = 1;
            wm_buf_printf(t, "%s%s (%s)", first ? "" : "; ", b->label, b->period);
            first = 0;
        }
        wm_buf_printf(t, ": %s, %s (%s).", a->publisher, base_name(a->source_file), a->licence);
    }
    free(done);
}

/* ---- the operation ---------------------------------------------------------- */

typedef struct profile_data {
    wm_indicator_meta *meta, *pop;
    size_t nmeta, npop;
    wm_spine_row *rows;
    wm_profile_fact *facts;
    char (*comparison)[16];
    char (*estimate_note)[64];
    double *coverage;
    wm_store_area *comparators;
    size_t ncomparators;
    wm_layer *area_layer, *spread_layer, *context;
} profile_data;

static void data_free(profile_data *d)
{
    free(d->meta);
    free(d->pop);
    free(d->rows);
    free(d->facts);
    free(d->comparison);
    free(d->estimate_note);
    free(d->coverage);
    free(d->comparators);
    wm_layer_free(d->context);
    if (d->spread_layer != d->area_layer) wm_layer_free(d->spread_layer);
    wm_layer_free(d->area_layer);
}

/* The comparators: the areas of `spread_geo` in the authority. */
static int find_comparators(wm_store *s, const char *spread_geo, const wm_store_area *lad, profile_data *d,
                            wm_error *err)
{
    wm_store_area *all = NULL;
    size_t n = 0;
    if (wm_store_read_areas(s, spread_geo, 0, &all, &n, err) != 0) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        wm_store_area up;
        int rc = wm_store_authority(s, spread_geo, all[i].code, &up, err);
        if (rc < 0) {
            free(all);
            return -1;
        }
        if (rc == 0 && strcmp(up.code, lad->code) == 0 && strcmp(up.geography, lad->geography) == 0) all[k++] = all[i];
    }
    d->comparators = all;
    d->ncomparators = k;
    return 0;
}

/* One indicator's row, from the store. */
static int fill_row(wm_store *s, const wm_profile_spec *spec, const char *geo, const char *spread_geo,
                    const wm_store_area *area, const wm_store_area *lad, profile_data *d, size_t i, wm_error *err)
{
    const wm_indicator_meta *m = &d->meta[i];
    wm_spine_row *r = &d->rows[i];
    rows at = { 0 }, spread = { 0 }, up = { 0 }, eng = { 0 };
    int rc = -1;
    double *values = NULL;
    if (read_rows(s, m, geo, &at, err) != 0) goto done;
    if (strcmp(spread_geo, geo) != 0 && read_rows(s, m, spread_geo, &spread, err) != 0) goto done;
    if (read_rows(s, m, lad->geography, &up, err) != 0) goto done;
    if (read_rows(s, m, WM_ENGLAND_GEOGRAPHY, &eng, err) != 0) goto done;
    const rows *sp = strcmp(spread_geo, geo) != 0 ? &spread : &at;
    values = malloc((d->ncomparators + 1) * sizeof *values);
    if (!values) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < d->ncomparators; k++) values[k] = value_of(sp, d->comparators[k].code);
    if (wm_spread_of(values, d->ncomparators, &r->spread) != 0) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    const wm_store_value *v = find_value(at.v, at.n, area->code);
    r->id = m->id;
    r->family = m->family;
    r->label = m->label;
    r->period = m->period;
    r->decimals = wm_unit_decimals(m->unit);
    r->higher_is_worse = m->higher_is_worse;
    r->value = v ? v->value : NAN;
    r->lower95 = v ? v->lower95 : NAN;
    r->upper95 = v ? v->upper95 : NAN;
    r->numerator = v ? v->numerator : NAN;
    r->denominator = v ? v->denominator : NAN;
    r->authority = value_of(&up, lad->code);
    r->england_held = eng.n > 0;
    r->england = eng.n > 0 ? eng.v[0].value : NAN;
    snprintf(d->comparison[i], sizeof d->comparison[i], "%s",
             !v ? "not compared" : spec->benchmark == WM_COMPARE_ENGLAND ? v->compare_england : v->compare_authority);
    r->comparison = d->comparison[i];
    r->estimate = v && v->estimate && !isnan(v->value);
    snprintf(d->estimate_note[i], sizeof d->estimate_note[i], "%s", r->estimate ? v->estimate_note : "");
    d->coverage[i] = v ? v->coverage : NAN;
    r->low_coverage = v && !isnan(v->value) && !isnan(v->coverage) && v->coverage * 100 < spec->coverage_threshold;
    rc = 0;
done:
    free(values);
    free(at.v);
    free(spread.v);
    free(up.v);
    free(eng.v);
    return rc;
}

/* The notes under the chart: how to read it, and what the flags say. */
static void say_notes(wm_buf *t, const wm_profile_spec *spec, const profile_data *d, const wm_store_area *area,
                      const char *authority, const char *benchmark, const char *spread_words)
{
    int any_estimate = 0, any_low = 0, any_england = 0, england_missing = 0, any_neutral = 0;
    for (size_t i = 0; i < d->nmeta; i++) {
        any_estimate |= d->rows[i].estimate;
        any_low |= d->rows[i].low_coverage;
        any_england |= d->rows[i].england_held;
        england_missing |= !d->rows[i].england_held;
        any_neutral |= d->rows[i].higher_is_worse < 0;
    }
    /* The level the store compares at: one for every row, or each its own. */
    double level = NAN;
    int levels = 0;
    for (size_t i = 0; i < d->nmeta; i++) {
        double l = d->meta[i].compare_level;
        if (isnan(l) || l == level) continue;
        levels += isnan(level) || levels == 0 ? 1 : 2;
        level = l;
    }
    char interval[80];
    if (levels <= 1) snprintf(interval, sizeof interval, "the %g%% confidence interval", isnan(level) ? 95.0 : level);
    else snprintf(interval, sizeof interval, "the confidence interval (95%% or 99.8%%, as the store compares each)");
    if (spec->notes && *spec->notes) wm_buf_printf(t, "%s ", spec->notes);
    wm_buf_printf(t, "Each bar spans %s, the worst on the left (for indicators that are neither better nor worse, the lowest): "
                  "light grey from the worst to the best, dark grey from the 25th to the 75th percentile; the vertical line is "
                  "the value of %s%s. The circle is the value of %s, coloured by its comparison with %s: significantly better "
                  "or worse when the value of %s lies outside %s of %s, similar otherwise%s. Only "
                  "counted values have intervals, so estimates and values without counts are not compared (grey).",
                  spread_words, authority, any_england ? ", the diamond that of England" : "", area->name, benchmark, benchmark,
                  interval, area->name, any_neutral ? "; lower or higher for neutral indicators" : "");
    if (any_estimate) {
        wm_buf_printf(t, " *: an estimate (");
        int first = 1;
        for (size_t i = 0; i < d->nmeta; i++) {
            if (!d->rows[i].estimate) continue;
            char words[160];
            wm_estimate_words(d->estimate_note[i], words, sizeof words);
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++) {
                char other[160];
                if (!d->rows[j].estimate) continue;
                wm_estimate_words(d->estimate_note[j], other, sizeof other);
                seen = strcmp(other, words) == 0;
            }
            if (seen) continue;
            wm_buf_printf(t, "%s%s", first ? "" : "; ", words);
            first = 0;
        }
        wm_buf_printf(t, "), with no interval.");
    }
    if (any_low) {
        wm_buf_printf(t, " \u2020: the areas with a value cover less than %g%% of %s:", spec->coverage_threshold, area->name);
        int first = 1;
        for (size_t i = 0; i < d->nmeta; i++) {
            if (!d->rows[i].low_coverage) continue;
            char words[160];
            wm_coverage_words(d->meta[i].coverage_basis, words, sizeof words);
            wm_buf_printf(t, "%s %s, %.0f%% of %s", first ? "" : ";", d->meta[i].label, d->coverage[i] * 100, words);
            first = 0;
        }
        wm_buf_printf(t, ".");
    }
    wm_buf_printf(t, " No data: not published, suppressed or not made; never zero.");
    if (any_england && england_missing) wm_buf_printf(t, " \u2013: the store holds no England value.");
}

int wm_profile(const wm_profile_spec *spec, wm_store_handle *handle, wm_report *report, wm_error *err)
{
    wm_store *s = wm_store_get(handle, err);
    if (!s) return -1;
    wm_report_input(report, wm_store_path(s));
    char geo[32], spread_geo[32];
    if (match_geography(s, spec->geography, "geography", geo, sizeof geo, err) != 0 ||
        match_geography(s, spec->spread, "spread", spread_geo, sizeof spread_geo, err) != 0)
        return -1;
    wm_store_area area, lad;
    if (wm_store_find_area(s, geo, spec->area, &area, err) != 0) return wm_error_about(err, "area");
    /* The name people know it by: an MSOA's local (House of Commons
     * Library) name before its statistical one, which the subtitle keeps. */
    char local[128], official[128];
    if (wm_store_local_name(s, geo, area.code, local, sizeof local, err) != 0) return -1;
    snprintf(official, sizeof official, "%s", area.name);
    if (*local) snprintf(area.name, sizeof area.name, "%s", local);
    int found = wm_store_authority(s, geo, area.code, &lad, err);
    if (found < 0) return -1;
    if (found > 0)
        return wm_error_set_about(err, WM_EXIT_DATA, "area", "profile: %s %s (%s) lies in no local authority of the "
                                  "store %s (link %s to a lad geography in its manifest)", geo, area.name, area.code,
                                  wm_store_path(s), geo);
    profile_data d;
    memset(&d, 0, sizeof d);
    wm_buf notes = { 0 }, sources = { 0 };
    int rc = -1;
    if (find_comparators(s, spread_geo, &lad, &d, err) != 0) goto done;
    if (pick_indicators(spec, s, geo, &d.meta, &d.nmeta, err) != 0) goto done;
    if (pick_population(spec, s, geo, &d.pop, &d.npop, err) != 0) goto done;
    d.rows = calloc(d.nmeta + 1, sizeof *d.rows);
    d.comparison = calloc(d.nmeta + 1, sizeof *d.comparison);
    d.estimate_note = calloc(d.nmeta + 1, sizeof *d.estimate_note);
    d.coverage = calloc(d.nmeta + 1, sizeof *d.coverage);
    d.facts = calloc(d.npop + 1, sizeof *d.facts);
    if (!d.rows || !d.comparison || !d.estimate_note || !d.coverage || !d.facts) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d.nmeta; i++) {
        if (fill_row(s, spec, geo, spread_geo, &area, &lad, &d, i, err) != 0) goto done;
        const wm_indicator_meta *m = &d.meta[i];
        wm_report_source(report, "Indicator %s: %s (%s), %s, %s; source table %s", m->id, m->title, m->period,
                         m->publisher, m->licence, m->source_file);
    }
    for (size_t i = 0; i < d.npop; i++) {
        rows at = { 0 }, up = { 0 };
        if (read_rows(s, &d.pop[i], geo, &at, err) != 0 || read_rows(s, &d.pop[i], lad.geography, &up, err) != 0) {
            free(at.v);
            goto done;
        }
        d.facts[i] = (wm_profile_fact){ d.pop[i].label, value_of(&at, area.code), value_of(&up, lad.code) };
        free(at.v);
        free(up.v);
    }

    /* The boundaries: the area's, and the comparators' for the locator. */
    wm_layer_options lo = { spec->key, spec->name_field, NULL, spec->where, NULL };
    d.area_layer = spec->layer ? wm_layer_open(spec->layer, &lo, err) : wm_store_layer(s, geo, &lo, err);
    if (!d.area_layer) {
        wm_error_about(err, "layer");
        goto done;
    }
    wm_report_input(report, d.area_layer->spec);
    long at = wm_layer_find(d.area_layer, area.code);
    if (at < 0) {
        wm_error_set_about(err, WM_EXIT_DATA, "layer", "%s: no feature with the code %s (%s), the area profiled",
                           d.area_layer->spec, area.code, area.name);
        goto done;
    }
    if (!spec->spread_layer && strcmp(spread_geo, geo) == 0) {
        d.spread_layer = d.area_layer;
    } else {
        wm_layer_options so = { spec->spread_key, NULL, NULL, NULL, NULL };
        d.spread_layer = spec->spread_layer ? wm_layer_open(spec->spread_layer, &so, err)
                                            : wm_store_layer(s, spread_geo, &so, err);
        if (!d.spread_layer) {
            wm_error_about(err, "spread-layer");
            goto done;
        }
        wm_report_input(report, d.spread_layer->spec);
    }
    size_t *pick = malloc((d.ncomparators + 1) * sizeof *pick), npick = 0;
    if (!pick) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < d.ncomparators; k++) {
        long f = wm_layer_find(d.spread_layer, d.comparators[k].code);
        if (f >= 0) pick[npick++] = (size_t)f;
    }
    if (npick > 0) d.context = wm_layer_select(d.spread_layer, pick, npick, NULL, err);
    free(pick);
    if (npick > 0 && !d.context) goto done;
    if (npick < d.ncomparators)
        wm_report_add(report, WM_REPORT_WARNING, "profile: %zu of the %zu %s areas of %s are not in %s: the locator map "
                      "leaves them out", d.ncomparators - npick, d.ncomparators, spread_geo, lad.name,
                      d.spread_layer->spec);

    /* The page. */
    wm_style st;
    if (wm_style_load(spec->style, &st, err) != 0) {
        wm_error_about(err, "style");
        goto done;
    }
    wm_profile_page page;
    memset(&page, 0, sizeof page);
    page.style = &st;
    wm_page_size(&st, spec->page.size_px, spec->page.paper, spec->page.landscape < 0 ? 0 : spec->page.landscape,
                 spec->page.dpi, &page.width_pt, &page.height_pt, &page.dpi);
    char kind[32], spread_kind[32], kinds[40], title[300], subtitle[700], spread_words[300], caption[700];
    kind_of(geo, kind, sizeof kind);
    kind_of(spread_geo, spread_kind, sizeof spread_kind);
    plural(spread_kind, d.ncomparators, kinds, sizeof kinds);
    snprintf(title, sizeof title, "%s: %s profile", area.name, kind);
    char kind_cap[32];
    snprintf(kind_cap, sizeof kind_cap, "%s", kind);
    kind_cap[0] = (char)toupper((unsigned char)kind_cap[0]);
    char also[160] = "";
    if (strcmp(official, area.name) != 0) snprintf(also, sizeof also, " (%s)", official);
    /* A GSS code is worth printing; a locality's own code is a slug of its name. */
    int gss = strlen(area.code) == 9 && isupper((unsigned char)area.code[0]);
    for (int i = 1; gss && i < 9; i++) gss = isdigit((unsigned char)area.code[i]) != 0;
    if (gss)
        snprintf(subtitle, sizeof subtitle, "%s %s%s in %s (%s). Values from the indicator store; the bars span the "
                 "%zu %s of %s.", kind_cap, area.code, also, lad.name, lad.code, d.ncomparators, kinds, lad.name);
    else
        snprintf(subtitle, sizeof subtitle, "A %s of %s (%s), made of its small areas. Values from the indicator "
                 "store; the bars span the %zu %s of %s.", kind, lad.name, lad.code, d.ncomparators, kinds, lad.name);
    snprintf(spread_words, sizeof spread_words, "the %zu %s of %s", d.ncomparators, kinds, lad.name);
    snprintf(caption, sizeof caption, "%s (dark) among %s%s", area.name, spread_words,
             npick < d.ncomparators ? " with boundaries" : "");
    const char *benchmark = spec->benchmark == WM_COMPARE_ENGLAND ? "England" : lad.name;
    say_notes(&notes, spec, &d, &area, lad.name, benchmark, spread_words);
    say_sources(&sources, d.meta, d.nmeta, d.pop, d.npop);
    wm_buf_printf(&sources, " Boundaries: %s", base_name(d.area_layer->spec));
    if (d.spread_layer != d.area_layer) wm_buf_printf(&sources, ", %s", base_name(d.spread_layer->spec));
    char copyright[600];
    int year = wm_boundary_year(d.area_layer), year2 = wm_boundary_year(d.spread_layer);
    wm_copyright_text(year2 > year ? year2 : year, copyright, sizeof copyright);
    wm_buf_printf(&sources, ". %s", copyright);
    if (notes.oom || sources.oom) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    page.title = spec->title ? spec->title : title;
    page.subtitle = spec->subtitle ? spec->subtitle : subtitle;
    page.area_name = area.name;
    page.authority_name = lad.name;
    page.benchmark = benchmark;
    page.spread_words = spread_words;
    page.nrows = d.nmeta;
    page.rows = d.rows;
    page.nfacts = d.npop;
    page.facts = d.facts;
    page.facts_heading = "Population";
    page.context = d.context;
    page.area_geometry = d.area_layer->features[at].geom;
    page.locator_caption = caption;
    page.notes = notes.s;
    page.sources = sources.s;
    wm_output outs[WM_PAGE_MAX_OUTPUTS];
    size_t nouts = wm_page_spec_outputs(&spec->page, outs);
    if (wm_profile_write(&page, outs, nouts, err) != 0) goto done;
    wm_report_add(report, WM_REPORT_NOTE, "profile of %s %s (%s) in %s: %zu indicators; bars over %s", kind, area.name,
                  area.code, lad.name, d.nmeta, spread_words);
    rc = 0;
done:
    free(notes.s);
    free(sources.s);
    data_free(&d);
    return rc;
}
