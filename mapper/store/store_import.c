/* Importing published tables: metadata files ([source], [indicator ID]),
 * reading the table into source-level values with a report of every
 * row (long tables filtered by `where`; England's row or sum kept as the
 * benchmark), then aggregation (store_routes.c) and intervals
 * (store_compare.c); and the entry points of store_import.h, each one
 * transaction. */
#include "store_import.h"
#include "store_internal.h"
#include "join.h"
#include "number.h"
#include "sort.h"
#include "table.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Metadata files: [source] and [indicator ID] ---- */

static const char *const source_keys[] = { "table", "geography", "code", "name", "publisher", "licence", "period",
                                           "family", "notes", "to", "url", "estimate", "england_row",
                                           "england_sum", NULL };
static const char *const source_repeat[] = { "where", NULL };
static const char *const source_required[] = { "table", "geography", "code", NULL };
static const char *const indicator_keys[] = { "title", "label", "unit", "polarity", "period", "family", "notes",
                                              "publisher", "licence", "value", "numerator", "denominator", "scale",
                                              "from", "aggregate", "weight", "apportion", "class", "to", "table",
                                              "estimate", "interval", "compare_level", "value_scale", NULL };
static const char *const indicator_repeat[] = { "numerator_minus", "where", NULL };
static const char *const indicator_required[] = { "title", "unit", "polarity", NULL };

static const char *const units[] = { "%", "count", "rank", "decile", "score", NULL };
static const char *const polarities[] = { "higher is worse", "higher is better", "neutral", NULL };
static const char *const estimates[] = { "modelled", "aggregates", "no", NULL };

static int one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0) return 1;
    return 0;
}

/* "rate per N" (N a whole number, thousands separators allowed: "rate per
 * 100,000"): N into *per; 0 if the unit is not a rate. */
static int rate_unit(const char *unit, double *per)
{
    if (strncmp(unit, "rate per ", 9) != 0) return 0;
    const char *p = unit + 9;
    double n = 0;
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') { n = n * 10 + (*p - '0'); digits++; }
        else if (*p != ',' || !digits) return 0;
    }
    if (!digits || !(n > 0)) return 0;
    *per = n;
    return 1;
}

/* where = COLUMN = VALUE (split at the first '='). */
static int parse_where(const wm_meta_doc *d, const wm_meta_kv *kv, wm_imp_where *w, wm_error *err)
{
    const char *eq = strchr(kv->value, '=');
    if (!eq) return wm_meta_error(d, kv->line, err, "where = COLUMN = VALUE expected, found \"%s\"", kv->value);
    char *parts[2] = { strndup(kv->value, (size_t)(eq - kv->value)), strdup(eq + 1) };
    for (int i = 0; i < 2; i++) {
        char *s = parts[i], *e = s + strlen(s);
        while (*s == ' ' || *s == '\t') s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
        char *t = strndup(s, (size_t)(e - s));
        free(parts[i]);
        parts[i] = t;
    }
    if (!*parts[0]) {
        free(parts[0]);
        free(parts[1]);
        return wm_meta_error(d, kv->line, err, "where = COLUMN = VALUE: no column before '='");
    }
    w->column = parts[0];
    w->value = parts[1];
    w->ci = -1;
    return 0;
}

static void free_where(wm_imp_where *w, int n)
{
    for (int i = 0; i < n; i++) {
        free(w[i].column);
        free(w[i].value);
    }
}

static int parse_targets(const wm_meta_doc *d, int line, const char *text, wm_imp_indicator *ind, wm_error *err)
{
    char *parts[MAX_TARGETS];
    int n = wm_meta_split(text, ',', parts, MAX_TARGETS);
    if (n < 0) return wm_meta_error(d, line, err, "at most %d geographies in \"to\"", MAX_TARGETS);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++)
        if (!wm_imp_valid_geography(parts[i])) bad = i;
    if (bad >= 0) {
        wm_meta_error(d, line, err, "\"%s\" is not a geography (e.g. ward25)", parts[bad]);
        for (int i = 0; i < n; i++) free(parts[i]);
        return -1;
    }
    for (int i = 0; i < n; i++) ind->to[i] = parts[i];
    ind->nto = n;
    return 0;
}

int wm_imp_parse_class(const char *text, double *lo, double *hi)
{
    char *end;
    *lo = strtod(text, &end);
    if (end == text) return -1;
    while (*end == ' ') end++;
    if (!*end) { *hi = *lo; return 0; }
    if (*end != '-') return -1;
    char *e2;
    *hi = strtod(end + 1, &e2);
    while (*e2 == ' ') e2++;
    return e2 == end + 1 || *e2 || *hi < *lo ? -1 : 0;
}

static void free_ind(wm_imp_indicator *ind)
{
    for (int i = 0; i < ind->nto; i++) free(ind->to[i]);
    for (int i = 0; i < ind->nweights; i++) free(ind->weight_parts[i]);
    free_where(ind->where, ind->nwhere);
    free(ind->minus);
}

static int parse_indicator(const wm_meta_doc *d, const wm_meta_section *sec, const wm_imp_source *src,
                           wm_imp_indicator *ind, wm_error *err)
{
    memset(ind, 0, sizeof *ind);
    ind->sec = sec;
    if (wm_meta_check(d, sec, indicator_keys, indicator_repeat, indicator_required, err) != 0) return -1;
    ind->id = sec->name;
    if (!*ind->id || strspn(ind->id, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(ind->id) ||
        strlen(ind->id) >= 64)
        return wm_meta_error(d, sec->line, err, "[indicator %s]: an id is lower-case letters, digits and _ "
                             "(at most 63)", ind->id);
#define GET(k, fallback) (wm_meta_get(sec, k) ? wm_meta_get(sec, k) : (fallback))
    ind->title = GET("title", NULL);
    ind->label = GET("label", NULL);
    ind->unit = GET("unit", NULL);
    ind->polarity = GET("polarity", NULL);
    ind->period = GET("period", src ? src->period : NULL);
    ind->family = GET("family", src ? src->family : NULL);
    ind->notes = GET("notes", src ? src->notes : NULL);
    ind->publisher = GET("publisher", src ? src->publisher : NULL);
    ind->licence = GET("licence", src ? src->licence : NULL);
    ind->value_col = GET("value", NULL);
    ind->num_col = GET("numerator", NULL);
    ind->den_col = GET("denominator", NULL);
    ind->from = GET("from", NULL);
    ind->weight = GET("weight", NULL);
    ind->apportion = GET("apportion", NULL);
    ind->class_text = GET("class", NULL);
    ind->estimate = GET("estimate", src ? src->estimate : NULL);
    ind->minus = wm_meta_all(sec, "numerator_minus", &ind->nminus);
    if (!ind->minus) return wm_meta_error(d, sec->line, err, "out of memory");
    const char *headline = GET("table", "no");
    const char *agg = GET("aggregate", "none");
    const char *to = GET("to", src ? src->to : NULL);
    const char *interval = GET("interval", NULL);
    const char *level = GET("compare_level", "95");
    const char *vscale = GET("value_scale", NULL);
#undef GET
    int line = sec->line;
    double per = 0;
    int is_rate = rate_unit(ind->unit, &per);
    if (!one_of(ind->unit, units) && !is_rate)
        return wm_meta_error(d, wm_meta_find(sec, "unit")->line, err,
                             "unit \"%s\" is not one of: %%, count, rank, decile, score, rate per N (e.g. rate per "
                             "100,000)", ind->unit);
    if (!one_of(ind->polarity, polarities))
        return wm_meta_error(d, wm_meta_find(sec, "polarity")->line, err,
                             "polarity \"%s\" is not one of: higher is worse, higher is better, neutral",
                             ind->polarity);
    if (!ind->period || !*ind->period)
        return wm_meta_error(d, line, err, "[indicator %s] has no period (give period = ... here or in [source])",
                             ind->id);
    if (strcmp(headline, "yes") != 0 && strcmp(headline, "no") != 0)
        return wm_meta_error(d, wm_meta_find(sec, "table")->line, err, "table = yes or no");
    ind->headline = strcmp(headline, "yes") == 0;
    if (wm_agg_method_parse(agg, &ind->agg) != 0)
        return wm_meta_error(d, wm_meta_find(sec, "aggregate")->line, err,
                             "aggregate \"%s\" is not one of: none, sum, ratio, weighted mean, count in class, "
                             "share in class, weighted share in class", agg);
    if (ind->nminus > MAX_MINUS) return wm_meta_error(d, line, err, "at most %d numerator_minus", MAX_MINUS);
    if (ind->nminus && !ind->num_col)
        return wm_meta_error(d, line, err, "[indicator %s]: numerator_minus needs numerator", ind->id);
    if (ind->from && (ind->value_col || ind->num_col || ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s]: \"from\" takes the values of another indicator; "
                             "give no columns", ind->id);
    if (!ind->from && !ind->value_col && !(ind->num_col && ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s] needs value = COLUMN, or numerator and denominator, "
                             "or from = INDICATOR", ind->id);
    if (!ind->from && !src)
        return wm_meta_error(d, line, err, "[indicator %s] reads columns but the file has no [source] section",
                             ind->id);
    if ((!!ind->num_col) != (!!ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s]: numerator and denominator go together", ind->id);
    if (ind->agg == WM_AGG_RATIO && !ind->num_col)
        return wm_meta_error(d, line, err, "[indicator %s]: aggregate = ratio needs numerator and denominator",
                             ind->id);
    if (wm_agg_needs_weight(ind->agg) && !ind->weight)
        return wm_meta_error(d, line, err, "[indicator %s]: aggregate = %s needs weight = INDICATOR", ind->id, agg);
    if (ind->weight) {
        int n = wm_meta_split(ind->weight, ',', ind->weight_parts, MAX_WEIGHTS);
        if (n < 0)
            return wm_meta_error(d, wm_meta_find(sec, "weight")->line, err, "at most %d weights to choose from",
                                 MAX_WEIGHTS);
        ind->nweights = n;
        for (int i = 0; i < n; i++) {
            ind->weights[i] = ind->weight_parts[i];
            if (!*ind->weights[i])
                return wm_meta_error(d, wm_meta_find(sec, "weight")->line, err, "weight: an empty indicator id");
        }
        ind->weight = ind->weights[0];   /* until the import chooses (store_routes.c) */
    }
    if (wm_agg_needs_whole_areas(ind->agg)) {
        if (!ind->class_text)
            return wm_meta_error(d, line, err, "[indicator %s]: aggregate = %s needs class = N or N-M", ind->id, agg);
        if (wm_imp_parse_class(ind->class_text, &ind->class_lo, &ind->class_hi) != 0)
            return wm_meta_error(d, wm_meta_find(sec, "class")->line, err, "class \"%s\": expected N or N-M",
                                 ind->class_text);
    } else if (ind->class_text) {
        return wm_meta_error(d, wm_meta_find(sec, "class")->line, err, "class only goes with a class method");
    }
    const char *scale = wm_meta_get(sec, "scale");
    ind->scale = strcmp(ind->unit, "%") == 0 ? 100 : is_rate ? per : 1;
    if (scale && wm_number_parse(scale, &ind->scale) != WM_NUM_VALUE)
        return wm_meta_error(d, wm_meta_find(sec, "scale")->line, err, "scale \"%s\" is not a number", scale);
    ind->value_scale = 1;
    if (vscale) {
        if (!ind->value_col)
            return wm_meta_error(d, wm_meta_find(sec, "value_scale")->line, err,
                                 "value_scale multiplies a value column; give value = COLUMN");
        if (wm_number_parse(vscale, &ind->value_scale) != WM_NUM_VALUE || !(ind->value_scale > 0))
            return wm_meta_error(d, wm_meta_find(sec, "value_scale")->line, err,
                                 "value_scale \"%s\" is not a positive number", vscale);
    }
    if (ind->estimate && !one_of(ind->estimate, estimates))
        return wm_meta_error(d, line, err, "[indicator %s]: estimate = \"%s\" is not one of: modelled, aggregates, "
                             "no", ind->id, ind->estimate);
    if (ind->estimate && strcmp(ind->estimate, "no") == 0) ind->estimate = NULL;
    /* Intervals: for counted numerators and denominators, by the unit. */
    if (interval) {
        if (wm_ci_method_parse(interval, &ind->ci) != 0)
            return wm_meta_error(d, wm_meta_find(sec, "interval")->line, err,
                                 "interval = \"%s\" is not one of: wilson, byar, none", interval);
        if (ind->ci != WM_CI_NONE && (ind->from || !ind->num_col))
            return wm_meta_error(d, wm_meta_find(sec, "interval")->line, err,
                                 "[indicator %s]: an interval needs numerator and denominator counts", ind->id);
    } else if (!ind->from && ind->num_col && (ind->agg == WM_AGG_NONE || ind->agg == WM_AGG_RATIO) &&
               !(ind->estimate && strcmp(ind->estimate, "modelled") == 0)) {
        ind->ci = strcmp(ind->unit, "%") == 0 ? WM_CI_WILSON : is_rate ? WM_CI_BYAR : WM_CI_NONE;
    }
    if (strcmp(level, "95") == 0) ind->compare_level = 95;
    else if (strcmp(level, "99.8") == 0) ind->compare_level = 99.8;
    else
        return wm_meta_error(d, wm_meta_find(sec, "compare_level")->line, err, "compare_level = 95 or 99.8");
    /* Row filters: the source's, then the indicator's own. */
    if (src)
        for (int i = 0; i < src->nwhere; i++) {
            ind->where[ind->nwhere].column = strdup(src->where[i].column);
            ind->where[ind->nwhere].value = strdup(src->where[i].value);
            ind->where[ind->nwhere++].ci = -1;
        }
    for (size_t i = 0; i < sec->n; i++) {
        if (strcmp(sec->entries[i].key, "where") != 0) continue;
        if (ind->nwhere == MAX_WHERE) return wm_meta_error(d, sec->entries[i].line, err, "at most %d where", MAX_WHERE);
        if (ind->from)
            return wm_meta_error(d, sec->entries[i].line, err, "[indicator %s]: \"from\" takes another indicator's "
                                 "values; where filters table rows", ind->id);
        if (parse_where(d, &sec->entries[i], &ind->where[ind->nwhere], err) != 0) return -1;
        ind->nwhere++;
    }
    size_t used = 0;
    for (int i = 0; i < ind->nwhere && !ind->from; i++)
        used += (size_t)snprintf(ind->filter + used, used < sizeof ind->filter ? sizeof ind->filter - used : 0,
                                 "%s%s = %s", i ? "; " : "", ind->where[i].column, ind->where[i].value);
    if (to) {
        const wm_meta_kv *kv = wm_meta_find(sec, "to");
        if (parse_targets(d, kv ? kv->line : line, to, ind, err) != 0) return -1;
    }
    if (ind->agg != WM_AGG_NONE && ind->nto == 0)
        return wm_meta_error(d, line, err, "[indicator %s] aggregates but has no \"to\" geographies", ind->id);
    if (src) snprintf(ind->geography, sizeof ind->geography, "%s", src->geography);
    return 0;
}

/* Parse one cell into v; returns the number kind.  Empty and suppressed
 * leave v NAN. */
static wm_number_kind cell_number(const char *cell, double *v)
{
    *v = NAN;
    return wm_number_parse(cell, v);
}

typedef struct row_tally {
    size_t read, loaded, suppressed, rejected, outside, benchmark;
    char reasons[6][200];
    size_t nreasons;
} row_tally;

static void add_reason(row_tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(row_tally *t, const char *fmt, ...)
{
    if (t->nreasons >= sizeof t->reasons / sizeof *t->reasons) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->reasons[t->nreasons++], sizeof t->reasons[0], fmt, ap);
    va_end(ap);
}

static int write_indicator_row(wm_imp_ctx *c, const wm_imp_indicator *ind, const char *geography, const char *source_file,
                               const char *derived_from, wm_error *err)
{
    if (wm_imp_exec(c, err, "DELETE FROM indicator_values WHERE indicator_id = ? AND period = ?", ind->id,
                 ind->period) != 0)
        return -1;
    /* Keep an indicator's place in lists when it is re-imported. */
    sqlite3_stmt *q = NULL;
    int seq = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT seq FROM indicators WHERE id = ? AND period = ?", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(q, 1, ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, ind->period, -1, SQLITE_STATIC);
        if (wm_imp_step(c, q) == SQLITE_ROW) seq = sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    if (!seq) {
        if (sqlite3_prepare_v2(c->db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM indicators", -1, &q, NULL) ==
                SQLITE_OK &&
            wm_imp_step(c, q) == SQLITE_ROW)
            seq = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    if (sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO indicators (id, period, title, unit, polarity, family, geography, "
                           "publisher, source_file, licence, aggregation, scale, derived_from, weight, apportion, "
                           "class, notes, headline, seq, imported_at, label, estimate, interval, compare_level, "
                           "filter, weight_choices) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                           "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
                           -1, &q, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "prepare");
    const char *text[] = { ind->id, ind->period, ind->title, ind->unit, ind->polarity, ind->family, geography,
                           ind->publisher, source_file, ind->licence, wm_agg_method_name(ind->agg) };
    for (int i = 0; i < 11; i++)
        if (text[i]) sqlite3_bind_text(q, i + 1, text[i], -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 12, ind->scale);
    if (derived_from) sqlite3_bind_text(q, 13, derived_from, -1, SQLITE_STATIC);
    if (ind->weight) sqlite3_bind_text(q, 14, ind->weight, -1, SQLITE_STATIC);
    if (ind->apportion) sqlite3_bind_text(q, 15, ind->apportion, -1, SQLITE_STATIC);
    if (ind->class_text) sqlite3_bind_text(q, 16, ind->class_text, -1, SQLITE_STATIC);
    if (ind->notes) sqlite3_bind_text(q, 17, ind->notes, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 18, ind->headline);
    sqlite3_bind_int(q, 19, seq);
    sqlite3_bind_text(q, 20, c->now, -1, SQLITE_STATIC);
    if (ind->label) sqlite3_bind_text(q, 21, ind->label, -1, SQLITE_STATIC);
    if (ind->estimate) sqlite3_bind_text(q, 22, ind->estimate, -1, SQLITE_STATIC);
    if (ind->ci != WM_CI_NONE) sqlite3_bind_text(q, 23, wm_ci_method_name(ind->ci), -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 24, ind->compare_level);
    if (ind->filter[0]) sqlite3_bind_text(q, 25, ind->filter, -1, SQLITE_STATIC);
    char choices[300] = "";
    size_t used = 0;
    for (int i = 0; i < ind->nweights; i++)
        used += (size_t)snprintf(choices + used, used < sizeof choices ? sizeof choices - used : 0, "%s%s",
                                 i ? ", " : "", ind->weights[i]);
    if (choices[0]) sqlite3_bind_text(q, 26, choices, -1, SQLITE_STATIC);
    int rc = wm_imp_step(c, q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : wm_imp_sql_error(c, err, "writing indicators");
}

typedef struct row_code {
    char *code;
    size_t row;
} row_code;

static int cmp_row_code(const void *a, const void *b)
{
    const row_code *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return (x->row > y->row) - (x->row < y->row);
}

static const char *status_of(wm_number_kind k)
{
    return k == WM_NUM_SUPPRESSED ? "suppressed" : k == WM_NUM_EMPTY ? "empty" : "published";
}

/* The filters of two indicators are the same (same rows). */
static int same_filter(const wm_imp_indicator *a, const wm_imp_indicator *b)
{
    return strcmp(a->filter, b->filter) == 0;
}

/* Row r passes every filter of `ind` (cells compared trimmed). */
static int row_matches(const wm_table *t, size_t r, const wm_imp_indicator *ind)
{
    for (int i = 0; i < ind->nwhere; i++) {
        const char *cell = wm_table_cell(t, r, ind->where[i].ci);
        while (*cell == ' ' || *cell == '\t') cell++;
        size_t n = strlen(cell);
        while (n && (cell[n - 1] == ' ' || cell[n - 1] == '\t' || cell[n - 1] == '\r')) n--;
        if (strlen(ind->where[i].value) != n || strncmp(cell, ind->where[i].value, n) != 0) return 0;
    }
    return 1;
}

/* The value, counts, status and published cell of one indicator in row r. */
typedef struct row_value {
    double v, n, d;
    const char *status, *published;
} row_value;

static row_value read_row_value(const wm_table *t, size_t r, const wm_imp_indicator *ind)
{
    row_value x = { NAN, NAN, NAN, "published", NULL };
    wm_number_kind kv = WM_NUM_VALUE, kn = WM_NUM_VALUE, kd = WM_NUM_VALUE;
    if (ind->ci_value >= 0) {
        kv = cell_number(wm_table_cell(t, r, ind->ci_value), &x.v);
        if (kv == WM_NUM_VALUE) x.v *= ind->value_scale;
    }
    if (ind->ci_num >= 0) {
        kn = cell_number(wm_table_cell(t, r, ind->ci_num), &x.n);
        for (size_t k = 0; k < ind->nminus && kn == WM_NUM_VALUE; k++) {
            double m;
            kn = cell_number(wm_table_cell(t, r, ind->ci_minus[k]), &m);
            if (kn == WM_NUM_VALUE) x.n -= m;
            else x.n = NAN;
        }
    }
    if (ind->ci_den >= 0) kd = cell_number(wm_table_cell(t, r, ind->ci_den), &x.d);
    if (ind->ci_value >= 0) {
        x.status = status_of(kv);
        x.published = wm_table_cell(t, r, ind->ci_value);
    } else if (kn != WM_NUM_VALUE || kd != WM_NUM_VALUE) {
        x.status = status_of(kn != WM_NUM_VALUE ? kn : kd);
    } else {
        x.status = "computed";
        x.v = x.d != 0 ? x.n / x.d * ind->scale : NAN;
        if (x.d == 0) x.status = "no data";
    }
    return x;
}

static void method_of(const wm_imp_source *src, const wm_imp_indicator *ind, char *buf, size_t size)
{
    size_t used;
    if (ind->value_col)
        used = (size_t)snprintf(buf, size, "published in %s, column \"%s\"%s", src->table_name, ind->value_col,
                                ind->value_scale != 1 ? " x value_scale" : "");
    else
        used = (size_t)snprintf(buf, size, "computed from published counts in %s: \"%s\"%s / \"%s\"%s",
                                src->table_name, ind->num_col, ind->nminus ? " minus other columns" : "",
                                ind->den_col, ind->scale != 1 ? " x scale" : "");
    if (ind->filter[0] && used < size) snprintf(buf + used, size - used, " (rows where %s)", ind->filter);
}

/* What a table gives (store_import.h): no value at all is an error; more
 * than half of the study area's areas without a row (with no study area
 * yet: more than half of the rows rejected) is one unless allow_partial;
 * fewer is a warning unless allow_partial.  `missing` counts the study
 * areas without a row.  Returns 0, -1 with `err` set, or 1 for a table
 * whose rows all lie outside the study area when skip_uncovered is set. */
static int check_rows(wm_imp_ctx *c, const wm_imp_source *src, const wm_imp_indicator *lead, const row_tally *t,
                      size_t nareas, size_t missing, int open_set, wm_error *err)
{
    char what[PATH_MAX + 300];
    if (lead->filter[0]) snprintf(what, sizeof what, "%s, rows where %s,", src->table, lead->filter);
    else snprintf(what, sizeof what, "%s:", src->table);
    char b1[32], b2[32], b3[32], b4[32];
    char first[240] = "";
    if (t->nreasons) snprintf(first, sizeof first, "; first rejected: %s", t->reasons[0]);
    if (t->loaded == 0 && t->rejected == 0 && t->outside > 0 && c->skip_uncovered) {
        /* A national table that predates the area (a district formed
         * since, with codes the table does not know): nothing of it is
         * the area's, and the indicator is simply not held for it. */
        wm_imp_say(c, "%s none of its %s rows is an area of this store (%s): nothing imported from it", what,
                   wm_format_count(t->read, b1, sizeof b1), src->geography);
        return 1;
    }
    if (t->loaded == 0) {
        if (t->read == 0)
            return wm_error_set(err, WM_EXIT_DATA, "%s no rows to import%s", what,
                                lead->filter[0] ? " (no row matches the filter)" : " (a header alone)");
        return wm_error_set(err, WM_EXIT_DATA, "%s none of its %s rows gives a value to import (%s rejected, %s "
                            "suppressed or empty, %s outside the study area (%s))%s", what,
                            wm_format_count(t->read, b1, sizeof b1), wm_format_count(t->rejected, b2, sizeof b2),
                            wm_format_count(t->suppressed, b3, sizeof b3), wm_format_count(t->outside, b4, sizeof b4),
                            src->geography, first);
    }
    size_t bad = open_set ? t->rejected : missing, base = open_set ? t->read : nareas;
    if (bad == 0 || base == 0 || c->allow_partial) return 0;
    double share = (double)bad / (double)base;
    wm_format_count(bad, b1, sizeof b1);
    wm_format_count(base, b2, sizeof b2);
    if (share > WM_JOIN_FAIL_SHARE) {
        if (open_set)
            return wm_error_set(err, WM_EXIT_DATA, "%s %s of its %s rows are rejected%s: fix the table, or give "
                                "--allow-partial to import the rest", what, b1, b2, first);
        return wm_error_set(err, WM_EXIT_DATA, "%s %s of the %s %s areas of the store get no row from it (%s rows "
                            "rejected, %s outside the study area)%s: check the codes and the geography, or give "
                            "--allow-partial to import it", what, b1, b2, src->geography,
                            wm_format_count(t->rejected, b3, sizeof b3), wm_format_count(t->outside, b4, sizeof b4),
                            first);
    }
    if (open_set)
        wm_imp_warn(c, "%s %s of its %s rows are rejected (%.0f%%)%s; --allow-partial accepts this", what, b1, b2,
                    share * 100, first);
    else
        wm_imp_warn(c, "%s %s of the %s %s areas of the store get no row from it (%.0f%%): they are No data; "
                    "--allow-partial accepts this", what, b1, b2, src->geography, share * 100);
    return 0;
}

/* Indicators [first, end) of `inds` share one filter: read their rows,
 * report them, and store their source-level values (and England's). */
static int load_group(wm_imp_ctx *c, const wm_imp_source *src, const wm_table *t, int cc, int nc,
                      wm_imp_indicator *inds, size_t first, size_t end, wm_error *err)
{
    const wm_imp_indicator *lead = &inds[first];
    wm_area_set study = { 0 };
    if (wm_imp_load_areas(c, src->geography, &study, err) != 0) return -1;
    int open_set = study.n == 0;   /* no study areas yet: every row makes one */
    if (open_set && wm_imp_exec(c, err, "INSERT OR IGNORE INTO geographies (geography) VALUES (?)", src->geography) != 0) {
        wm_imp_area_set_free(&study);
        return -1;
    }
    size_t nrows = t->nrows;
    /* The rows this group reads, and those that repeat an earlier row's code
     * (found by sorting the codes once). */
    char *match = calloc(nrows + 1, 1);
    size_t nmatch = 0;
    for (size_t r = 0; r < nrows; r++) {
        match[r] = (char)row_matches(t, r, lead);
        nmatch += match[r] != 0;
    }
    row_code *sorted = malloc((nmatch + 1) * sizeof *sorted);
    long *dup_of = malloc((nrows + 1) * sizeof *dup_of);
    char **rcode = calloc(nrows + 1, sizeof *rcode);
    size_t k = 0;
    for (size_t r = 0; r < nrows; r++) {
        dup_of[r] = -1;
        if (!match[r]) continue;
        sorted[k].code = wm_trimmed_dup(wm_table_cell(t, r, cc));
        sorted[k++].row = r;
    }
    wm_sort(sorted, nmatch, sizeof *sorted, cmp_row_code);
    for (size_t i = 1; i < nmatch; i++) {
        size_t f = i;
        while (f > 0 && strcmp(sorted[f - 1].code, sorted[i].code) == 0) f--;
        if (f != i && *sorted[i].code) dup_of[sorted[i].row] = wm_table_line(t, sorted[f].row);
    }
    for (size_t i = 0; i < nmatch; i++) rcode[sorted[i].row] = sorted[i].code;
    free(sorted);

    /* Where each study area's row is: row index or -1. */
    size_t cap = open_set ? nrows + 1 : study.n + 1;
    long *row_of = malloc(cap * sizeof *row_of);
    char **codes = open_set ? malloc(cap * sizeof *codes) : NULL;
    size_t ncodes = 0;
    for (size_t i = 0; i < cap; i++) row_of[i] = -1;
    long england = -1;                               /* England's row */
    long *summed = malloc((nrows + 1) * sizeof *summed);   /* rows summed to England */
    size_t nsummed = 0;
    size_t prefix_len = src->england_sum ? strlen(src->england_sum) : 0;
    row_tally tally = { 0 };
    sqlite3_stmt *new_area = NULL;
    if (open_set)
        sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO areas VALUES (?, ?, ?, NULL)", -1, &new_area, NULL);
    for (size_t r = 0; r < nrows; r++) {
        if (!match[r]) continue;
        tally.read++;
        long line = wm_table_line(t, r);
        const char *code = rcode[r];
        if (!*code) {
            tally.rejected++;
            add_reason(&tally, "line %ld: empty %s", line, src->code_col);
            continue;
        }
        int is_england = src->england_row && strcmp(code, src->england_row) == 0;
        int to_sum = prefix_len && strncmp(code, src->england_sum, prefix_len) == 0;
        long si = is_england ? -1 : open_set ? (long)ncodes : wm_imp_area_find(&study, code);
        if (si < 0 && !is_england && !to_sum) { tally.outside++; continue; }
        if (dup_of[r] >= 0) {
            tally.rejected++;
            add_reason(&tally, "line %ld: %s %s repeats line %ld", line, src->code_col, code, dup_of[r]);
            continue;
        }
        /* Every cell this row gives must be a number, or be withheld. */
        int bad = 0, withheld = 0;
        for (size_t i = first; i < end && !bad; i++) {
            const wm_imp_indicator *ind = &inds[i];
            int cols[3 + MAX_MINUS], ncols = 0;
            if (ind->ci_value >= 0) cols[ncols++] = ind->ci_value;
            if (ind->ci_num >= 0) cols[ncols++] = ind->ci_num;
            if (ind->ci_den >= 0) cols[ncols++] = ind->ci_den;
            for (size_t m = 0; m < ind->nminus; m++) cols[ncols++] = ind->ci_minus[m];
            for (int m = 0; m < ncols; m++) {
                double v;
                wm_number_kind kind = cell_number(wm_table_cell(t, r, cols[m]), &v);
                if (kind == WM_NUM_INVALID) {
                    bad = 1;
                    add_reason(&tally, "line %ld: %s \"%.40s\" is not a number", line, t->colnames[cols[m]],
                               wm_table_cell(t, r, cols[m]));
                    break;
                }
                if (kind != WM_NUM_VALUE) withheld = 1;
            }
        }
        if (bad) { tally.rejected++; continue; }
        if (to_sum) summed[nsummed++] = (long)r;
        if (is_england) { england = (long)r; tally.benchmark++; continue; }
        if (si < 0) { tally.outside++; continue; }
        if (withheld) tally.suppressed++;
        else tally.loaded++;
        if (open_set) {
            codes[ncodes] = strdup(code);
            row_of[ncodes++] = (long)r;
            sqlite3_reset(new_area);
            sqlite3_bind_text(new_area, 1, src->geography, -1, SQLITE_STATIC);
            sqlite3_bind_text(new_area, 2, code, -1, SQLITE_STATIC);
            if (nc >= 0) sqlite3_bind_text(new_area, 3, wm_table_cell(t, r, nc), -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(new_area, 3);
            wm_imp_step(c, new_area);
        } else {
            row_of[si] = (long)r;
        }
    }
    sqlite3_finalize(new_area);
    if (open_set) wm_imp_areas_changed(c);
    for (size_t r = 0; r < nrows; r++) free(rcode[r]);
    free(rcode);
    free(dup_of);
    free(match);
    if (open_set) {
        wm_imp_area_set_free(&study);
        study.n = ncodes;
        study.code = codes;    /* owned now; not sorted, only iterated */
        codes = NULL;
    }

    size_t missing = 0;
    for (size_t a = 0; a < study.n; a++) missing += row_of[a] < 0;
    int rc = check_rows(c, src, lead, &tally, study.n, missing, open_set, err);
    if (rc == 1) rc = 0;   /* nothing of it is the study area's (skip_uncovered): England's row only */

    /* England, the benchmark: a row of its own or a sum of rows. */
    int want_england = england >= 0 || (prefix_len && nsummed > 0);
    if (rc == 0 && want_england) {
        const char *name = england >= 0 && nc >= 0 ? wm_table_cell(t, (size_t)england, nc) : "England";
        const char *code = england >= 0 ? src->england_row : WM_ENGLAND_CODE;
        rc = wm_imp_exec(c, err, "INSERT OR IGNORE INTO geographies (geography) VALUES (?)", WM_ENGLAND_GEOGRAPHY);
        if (rc == 0)
            rc = wm_imp_exec(c, err, "INSERT OR IGNORE INTO areas VALUES (?, ?, ?, NULL)", WM_ENGLAND_GEOGRAPHY, code,
                             *name ? name : "England");
        wm_imp_areas_changed(c);
    }

    sqlite3_stmt *ins = wm_imp_prepare_value_insert(c);
    char method[500];
    for (size_t i = first; i < end && rc == 0; i++) {
        wm_imp_indicator *ind = &inds[i];
        const char *estimate = ind->estimate && strcmp(ind->estimate, "modelled") == 0 ? "modelled at source" : NULL;
        method_of(src, ind, method, sizeof method);
        for (size_t a = 0; a < study.n && rc == 0; a++) {
            if (row_of[a] < 0) continue;
            row_value x = read_row_value(t, (size_t)row_of[a], ind);
            wm_imp_row row = { ind->id, ind->period, src->geography, study.code[a], x.v, x.n, x.d, 1,
                               isnan(x.v) ? 1 : 0, x.status, x.published, method, isnan(x.v) ? 0 : 1, estimate };
            rc = wm_imp_insert_value(c, ins, &row, err);
        }
        if (rc == 0 && england >= 0) {
            row_value x = read_row_value(t, (size_t)england, ind);
            char em[600];
            wm_imp_fmt(em, sizeof em, "England benchmark: the row %s; %s", src->england_row, method);
            wm_imp_row row = { ind->id, ind->period, WM_ENGLAND_GEOGRAPHY, src->england_row, x.v, x.n, x.d, 1,
                               isnan(x.v) ? 1 : 0, x.status, x.published, em, isnan(x.v) ? 0 : 1, estimate };
            rc = wm_imp_insert_value(c, ins, &row, err);
        } else if (rc == 0 && prefix_len && nsummed > 0 && ind->ci_num >= 0) {
            /* Counts only: a sum of rates or scores is no figure. */
            double sn = 0, sd = 0;
            int have = 0, missing = 0;
            for (size_t m = 0; m < nsummed; m++) {
                row_value x = read_row_value(t, (size_t)summed[m], ind);
                if (isnan(x.n) || isnan(x.d)) { missing++; continue; }
                sn += x.n;
                sd += x.d;
                have++;
            }
            double v = missing == 0 && sd != 0 ? sn / sd * ind->scale : NAN;
            char em[600], b[32];
            wm_imp_fmt(em, sizeof em, "England benchmark: sum of the %s rows whose code starts with %s; %s",
                       wm_format_count((size_t)have, b, sizeof b), src->england_sum, method);
            wm_imp_row row = { ind->id, ind->period, WM_ENGLAND_GEOGRAPHY, WM_ENGLAND_CODE, v, sn, sd, have, missing,
                               isnan(v) ? "no data" : "computed", NULL, em, (double)have / (have + missing),
                               estimate };
            rc = wm_imp_insert_value(c, ins, &row, err);
        }
    }
    sqlite3_finalize(ins);

    if (rc == 0) {
        char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
        if (lead->filter[0])
            wm_imp_say(c, "%s, rows where %s: %s of %s rows match, %s loaded, %s suppressed, %s rejected, %s outside "
                       "the study area (%s)", src->table_name, lead->filter,
                       wm_format_count(tally.read, b1, sizeof b1), wm_format_count(nrows, b6, sizeof b6),
                       wm_format_count(tally.loaded, b2, sizeof b2), wm_format_count(tally.suppressed, b3, sizeof b3),
                       wm_format_count(tally.rejected, b4, sizeof b4), wm_format_count(tally.outside, b5, sizeof b5),
                       src->geography);
        else
            wm_imp_say(c, "%s: %s rows read, %s loaded, %s suppressed, %s rejected, %s outside the study area (%s)",
                src->table_name, wm_format_count(tally.read, b1, sizeof b1), wm_format_count(tally.loaded, b2, sizeof b2),
                wm_format_count(tally.suppressed, b3, sizeof b3), wm_format_count(tally.rejected, b4, sizeof b4),
                wm_format_count(tally.outside, b5, sizeof b5), src->geography);
        for (size_t m = 0; m < tally.nreasons; m++) wm_imp_say(c, "  rejected %s", tally.reasons[m]);
        if (tally.rejected > tally.nreasons) wm_imp_say(c, "  ... and %zu more rejected", tally.rejected - tally.nreasons);
        if (england >= 0) wm_imp_say(c, "  England benchmark: the row %s", src->england_row);
        else if (src->england_row) wm_imp_say(c, "  no row %s for England", src->england_row);
        if (prefix_len)
            wm_imp_say(c, "  England benchmark: the counts of %s rows whose code starts with %s", wm_format_count(nsummed, b1, sizeof b1),
                       src->england_sum);
        size_t missing = 0;
        char sample[200] = "";
        for (size_t a = 0; a < study.n; a++)
            if (row_of[a] < 0) {
                if (missing < 3) {
                    size_t l = strlen(sample);
                    snprintf(sample + l, sizeof sample - l, "%s%s", missing ? ", " : "", study.code[a]);
                }
                missing++;
            }
        if (missing)
            wm_imp_say(c, "  %zu %s areas have no row (No data): %s%s", missing, src->geography, sample,
                missing > 3 ? ", ..." : "");
        for (size_t i = first; i < end; i++) {
            size_t w = 0;
            for (size_t a = 0; a < study.n; a++) {
                if (row_of[a] < 0) continue;
                const char *cols[] = { inds[i].value_col, inds[i].num_col, inds[i].den_col };
                int ci[] = { inds[i].ci_value, inds[i].ci_num, inds[i].ci_den };
                for (int m = 0; m < 3; m++) {
                    double v;
                    if (cols[m] && cell_number(wm_table_cell(t, (size_t)row_of[a], ci[m]), &v) != WM_NUM_VALUE) {
                        w++;
                        break;
                    }
                }
            }
            if (w) wm_imp_say(c, "  %s: %zu areas with a suppressed or empty value (stored as No data)", inds[i].id, w);
        }
    }
    free(summed);
    free(row_of);
    if (codes) {
        for (size_t i = 0; i < ncodes; i++) free(codes[i]);
        free(codes);
    }
    wm_imp_area_set_free(&study);
    return rc;
}

/* Read the [source] table and store the source-level values of the
 * indicators that take columns, one group of indicators per filter. */
static int load_table(wm_imp_ctx *c, const wm_imp_source *src, wm_imp_indicator *inds, size_t ninds,
                      wm_error *err)
{
    wm_table *t = wm_table_read(src->table, err);
    if (!t) return -1;
    int rc = -1;
    int cc = wm_table_require_column(t, src->code_col, err);
    int nc = cc >= 0 && src->name_col ? wm_table_require_column(t, src->name_col, err) : -1;
    if (cc < 0 || (src->name_col && nc < 0)) goto done;
    for (size_t i = 0; i < ninds; i++) {
        wm_imp_indicator *ind = &inds[i];
        ind->ci_value = ind->ci_num = ind->ci_den = -1;
        if (ind->from) continue;
        if (ind->value_col && (ind->ci_value = wm_table_require_column(t, ind->value_col, err)) < 0) goto done;
        if (ind->num_col && (ind->ci_num = wm_table_require_column(t, ind->num_col, err)) < 0) goto done;
        if (ind->den_col && (ind->ci_den = wm_table_require_column(t, ind->den_col, err)) < 0) goto done;
        for (size_t k = 0; k < ind->nminus; k++)
            if ((ind->ci_minus[k] = wm_table_require_column(t, ind->minus[k], err)) < 0) goto done;
        for (int k = 0; k < ind->nwhere; k++)
            if ((ind->where[k].ci = wm_table_require_column(t, ind->where[k].column, err)) < 0) goto done;
    }
    /* Group the column-reading indicators by filter, keeping their order:
     * sort a copy stably by (first appearance of the filter). */
    rc = 0;
    size_t *order = malloc((ninds + 1) * sizeof *order), n = 0;
    char *done_flag = calloc(ninds + 1, 1);
    wm_imp_indicator *tmp = malloc((ninds + 1) * sizeof *tmp);
    if (!order || !done_flag || !tmp) {
        rc = wm_error_set(err, WM_EXIT_IO, "%s: out of memory", src->table);
        goto release;
    }
    for (size_t i = 0; i < ninds; i++) {
        if (inds[i].from || done_flag[i]) continue;
        for (size_t j = i; j < ninds; j++)
            if (!inds[j].from && !done_flag[j] && same_filter(&inds[i], &inds[j])) {
                order[n++] = j;
                done_flag[j] = 1;
            }
    }
    /* Load group by group, on a reordered copy (same structs, moved). */
    for (size_t i = 0; i < n; i++) tmp[i] = inds[order[i]];
    for (size_t g = 0; g < n && rc == 0;) {
        size_t e = g + 1;
        while (e < n && same_filter(&tmp[g], &tmp[e])) e++;
        rc = load_group(c, src, t, cc, nc, tmp, g, e, err);
        g = e;
    }
    for (size_t i = 0; i < n; i++) inds[order[i]] = tmp[i];
release:
    free(tmp);
    free(order);
    free(done_flag);
done:
    wm_table_free(t);
    return rc;
}

static int import_doc(wm_imp_ctx *c, const wm_meta_doc *d, wm_error *err)
{
    const wm_meta_section *src_sec = NULL;
    size_t nind = 0;
    for (size_t i = 0; i < d->n; i++) {
        const wm_meta_section *s = &d->sections[i];
        if (strcmp(s->type, "source") == 0) {
            if (src_sec) return wm_meta_error(d, s->line, err, "a metadata file has one [source] section");
            src_sec = s;
        } else if (strcmp(s->type, "indicator") == 0) {
            nind++;
        } else {
            return wm_meta_error(d, s->line ? s->line : (s->n ? s->entries[0].line : 0), err,
                                 "%s%s%s is not a section of a metadata file (use [source] and [indicator ID])",
                                 s->line ? "[" : "keys before any section", s->type, s->line ? "]" : "");
        }
    }
    if (nind == 0) return wm_meta_error(d, 0, err, "no [indicator ID] section");
    wm_imp_source src;
    memset(&src, 0, sizeof src);
    if (src_sec) {
        if (wm_meta_check(d, src_sec, source_keys, source_repeat, source_required, err) != 0) return -1;
        src.sec = src_sec;
        src.table_name = wm_meta_get(src_sec, "table");
        wm_meta_path(d, src.table_name, src.table, sizeof src.table);
        src.geography = wm_meta_get(src_sec, "geography");
        if (!wm_imp_valid_geography(src.geography))
            return wm_meta_error(d, wm_meta_find(src_sec, "geography")->line, err,
                                 "geography \"%s\": name it by type and vintage, e.g. lsoa11", src.geography);
        src.code_col = wm_meta_get(src_sec, "code");
        src.name_col = wm_meta_get(src_sec, "name");
        src.publisher = wm_meta_get(src_sec, "publisher");
        src.licence = wm_meta_get(src_sec, "licence");
        src.period = wm_meta_get(src_sec, "period");
        src.family = wm_meta_get(src_sec, "family");
        src.notes = wm_meta_get(src_sec, "notes");
        src.to = wm_meta_get(src_sec, "to");
        src.estimate = wm_meta_get(src_sec, "estimate");
        src.england_row = wm_meta_get(src_sec, "england_row");
        src.england_sum = wm_meta_get(src_sec, "england_sum");
        if (src.england_row && src.england_sum)
            return wm_meta_error(d, wm_meta_find(src_sec, "england_sum")->line, err,
                                 "give england_row (England's own row) or england_sum (rows to add up), not both");
        if ((src.england_row && !*src.england_row) || (src.england_sum && !*src.england_sum))
            return wm_meta_error(d, src_sec->line, err, "england_row / england_sum need a code");
        for (size_t i = 0; i < src_sec->n; i++) {
            if (strcmp(src_sec->entries[i].key, "where") != 0) continue;
            if (src.nwhere == MAX_WHERE) {
                free_where(src.where, src.nwhere);
                return wm_meta_error(d, src_sec->entries[i].line, err, "at most %d where", MAX_WHERE);
            }
            if (parse_where(d, &src_sec->entries[i], &src.where[src.nwhere], err) != 0) {
                free_where(src.where, src.nwhere);
                return -1;
            }
            src.nwhere++;
        }
    }
    wm_imp_indicator *inds = calloc(nind, sizeof *inds);
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        const wm_meta_section *s = &d->sections[i];
        if (strcmp(s->type, "indicator") != 0) continue;
        rc = parse_indicator(d, s, src_sec ? &src : NULL, &inds[k], err);
        k++;
        for (size_t j = 0; rc == 0 && j + 1 < k; j++)
            if (strcmp(inds[j].id, inds[k - 1].id) == 0 && strcmp(inds[j].period, inds[k - 1].period) == 0)
                rc = wm_meta_error(d, s->line, err, "[indicator %s] is defined twice (line %d)", inds[j].id,
                                   inds[j].sec->line);
    }
    char source_rel[PATH_MAX] = "";
    if (rc == 0 && src_sec) {
        wm_imp_store_relative(src.table, source_rel, sizeof source_rel);
        /* Metadata first: it also clears the values an earlier import of
         * the same indicator and period left. */
        for (size_t i = 0; i < nind && rc == 0; i++)
            if (!inds[i].from) rc = write_indicator_row(c, &inds[i], src.geography, source_rel, NULL, err);
        if (rc == 0) rc = load_table(c, &src, inds, nind, err);
    }
    for (size_t i = 0; i < nind && rc == 0; i++) {
        if (!inds[i].from) continue;
        char fgeo[32], fper[32];
        if (wm_imp_indicator_home(c, inds[i].from, inds[i].period, fgeo, sizeof fgeo, fper, sizeof fper) != 0) {
            rc = wm_meta_error(d, inds[i].sec->line, err, "[indicator %s]: from = %s, which the store does not "
                               "hold for period %s (import it first)", inds[i].id, inds[i].from, inds[i].period);
            break;
        }
        snprintf(inds[i].geography, sizeof inds[i].geography, "%s", fgeo);
        /* A derived indicator shares its source's file. */
        sqlite3_stmt *q = NULL;
        char file[PATH_MAX] = "";
        if (sqlite3_prepare_v2(c->db, "SELECT source_file FROM indicators WHERE id = ? AND period = ?", -1, &q,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, inds[i].from, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, fper, -1, SQLITE_STATIC);
            if (wm_imp_step(c, q) == SQLITE_ROW && sqlite3_column_text(q, 0))
                snprintf(file, sizeof file, "%s", (const char *)sqlite3_column_text(q, 0));
        }
        sqlite3_finalize(q);
        rc = write_indicator_row(c, &inds[i], fgeo, file, inds[i].from, err);
    }
    for (size_t i = 0; i < nind && rc == 0; i++) rc = wm_imp_aggregate_indicator(c, d, &inds[i], err);
    for (size_t i = 0; i < nind && rc == 0; i++) rc = wm_imp_intervals(c, &inds[i], NULL, err);
    for (size_t i = 0; i < nind; i++) free_ind(&inds[i]);
    free(inds);
    free_where(src.where, src.nwhere);
    return rc;
}

/* ---- Entry points ---- */

int wm_import_meta_doc_with(wm_store *s, const wm_meta_doc *d, const wm_import_settings *opt, wm_error *err)
{
    if (wm_store_begin(s, err) != 0) return -1;
    wm_imp_ctx c;
    if (wm_imp_ctx_open(&c, s, opt, err) != 0) return -1;
    wm_imp_say(&c, "import %s", d->path);
    int rc = import_doc(&c, d, err);
    return wm_imp_ctx_close(&c, rc, d->path, opt, err);
}

int wm_import_meta_file_with(wm_store *s, const char *path, const wm_import_settings *opt, wm_error *err)
{
    wm_meta_doc *d = wm_meta_read(path, err);
    if (!d) return -1;
    int rc = wm_import_meta_doc_with(s, d, opt, err);
    wm_meta_free(d);
    return rc;
}

int wm_import_meta_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err)
{
    wm_import_settings o = { .report = report };
    return wm_import_meta_doc_with(s, d, &o, err);
}

int wm_import_meta_file(wm_store *s, const char *path, FILE *report, wm_error *err)
{
    wm_import_settings o = { .report = report };
    return wm_import_meta_file_with(s, path, &o, err);
}

int wm_import_manifest(wm_store *s, const char *path, FILE *report, wm_error *err)
{
    wm_import_settings o = { .report = report };
    return wm_import_manifest_with(s, path, &o, err);
}

static const char *const imports_keys[] = { NULL };
static const char *const imports_repeat[] = { "meta", NULL };

int wm_import_manifest_with(wm_store *s, const char *path, const wm_import_settings *opt, wm_error *err)
{
    wm_meta_doc *d = wm_meta_read(path, err);
    if (!d) return -1;
    int rc = wm_import_manifest_doc_with(s, d, opt, err);
    wm_meta_free(d);
    return rc;
}

int wm_import_manifest_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err)
{
    wm_import_settings o = { .report = report };
    return wm_import_manifest_doc_with(s, d, &o, err);
}

int wm_import_manifest_doc_with(wm_store *s, const wm_meta_doc *d, const wm_import_settings *opt, wm_error *err)
{
    const char *path = d->path;
    if (wm_store_begin(s, err) != 0) return -1;
    wm_imp_ctx c;
    if (wm_imp_ctx_open(&c, s, opt, err) != 0) return -1;
    wm_imp_say(&c, "manifest %s", path);
    int rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        const wm_meta_section *sec = &d->sections[i];
        if (strcmp(sec->type, "areas") == 0) {
            rc = wm_imp_areas(&c, d, sec, err);
        } else if (strcmp(sec->type, "link") == 0) {
            rc = wm_imp_link(&c, d, sec, err);
        } else if (strcmp(sec->type, "imports") == 0) {
            rc = wm_meta_check(d, sec, imports_keys, imports_repeat, NULL, err);
            for (size_t k = 0; k < sec->n && rc == 0; k++) {
                char mp[PATH_MAX];
                wm_meta_doc *m = wm_meta_read(wm_meta_path(d, sec->entries[k].value, mp, sizeof mp), err);
                if (!m) {
                    wm_error_prefix(err, "%s:%d", d->path, sec->entries[k].line);
                    rc = -1;
                    break;
                }
                wm_imp_say(&c, "import %s", sec->entries[k].value);
                rc = import_doc(&c, m, err);
                wm_meta_free(m);
            }
        } else {
            rc = wm_meta_error(d, sec->line ? sec->line : (sec->n ? sec->entries[0].line : 0), err,
                               "%s%s%s is not a manifest section (use [areas G], [link CHILD PARENT], [imports])",
                               sec->line ? "[" : "keys before any section", sec->type, sec->line ? "]" : "");
        }
    }
    rc = wm_imp_ctx_close(&c, rc, path, opt, err);
    return rc;
}

char *wm_import_meta_path_for(const char *table, char *buf, size_t size)
{
    const char *slash = strrchr(table, '/');
    const char *dot = strrchr(table, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - table) : strlen(table);
    snprintf(buf, size, "%.*s.meta", (int)stem, table);
    return buf;
}

