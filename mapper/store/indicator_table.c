#include "indicator_table.h"
#include "atomic.h"
#include "store.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const wm_option wm_table_options[] = {
    { "store", 0, WM_OPT_VALUE | WM_OPT_INPUT, "PATH", "the store (default: out/store.sqlite under the wardmap home)" },
    { "geography", 'g', WM_OPT_VALUE, "GEO", "the areas to list (default ward)" },
    { "format", 'f', WM_OPT_VALUE, "csv|markdown", "output format (default markdown, or from -o's extension)" },
    { "output", 'o', WM_OPT_VALUE | WM_OPT_OUTPUT, "FILE", "write to FILE instead of standard output" },
    { "indicator", 'i', WM_OPT_REPEAT, "ID", "only this indicator (repeat for several)" },
    { "family", 0, WM_OPT_REPEAT, "NAME", "only indicators of this family (repeat for several)" },
    { "all", 0, WM_OPT_FLAG, NULL, "every indicator with values at the geography, not only the headline ones" },
    { "components", 0, WM_OPT_FLAG, NULL, "add numerator, denominator and number of areas for each value" },
    { "total", 0, WM_OPT_FLAG, NULL, "add a row for each parent area (e.g. the local authority)" },
    { "decimals", 0, WM_OPT_VALUE, "N", "decimal places for every value (default: by unit)" },
    { "coverage-threshold", 0, WM_OPT_VALUE, "PERCENT", "flag values whose source areas cover less of the area (default 50)" },
    { "hide-low-coverage", 0, WM_OPT_FLAG, NULL, "show values below the coverage threshold as No data instead of flagging them" },
    { NULL, 0, 0, NULL, NULL }
};

int wm_table_spec_from_args(const wm_args *a, wm_table_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->store = wm_args_get(a, "store", NULL);
    spec->output = wm_args_get(a, "output", NULL);
    const char *format =
        wm_args_get(a, "format", spec->output && wm_has_suffix(spec->output, ".csv") ? "csv" : "markdown");
    if (strcmp(format, "csv") != 0 && strcmp(format, "markdown") != 0 && strcmp(format, "md") != 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "format", "table: --format is csv or markdown, not \"%s\"", format);
    spec->csv = strcmp(format, "csv") == 0;
    spec->decimals = -1;
    if (wm_args_has(a, "decimals") && wm_args_int(a, "decimals", 0, 0, 12, &spec->decimals, err) != 0) return -1;
    spec->components = wm_args_has(a, "components");
    if (wm_args_double(a, "coverage-threshold", 50, &spec->coverage_threshold, err) != 0) return -1;
    if (spec->coverage_threshold < 0 || spec->coverage_threshold > 100)
        return wm_error_set_about(err, WM_EXIT_USAGE, "coverage-threshold",
                                  "table: --coverage-threshold is a percentage from 0 to 100");
    spec->hide_low_coverage = wm_args_has(a, "hide-low-coverage");
    spec->all = wm_args_has(a, "all");
    spec->total = wm_args_has(a, "total");
    spec->geography = wm_args_get(a, "geography", "ward");
    int n = 0;
    const char **v = wm_args_all(a, "indicator", &n);
    if (n > WM_TABLE_MAX_SELECT) return wm_error_set_about(err, WM_EXIT_USAGE, "indicator", "table: at most %d --indicator", WM_TABLE_MAX_SELECT);
    for (int i = 0; i < n; i++) spec->indicators[spec->nindicators++] = v[i];
    v = wm_args_all(a, "family", &n);
    if (n > WM_TABLE_MAX_SELECT) return wm_error_set_about(err, WM_EXIT_USAGE, "family", "table: at most %d --family", WM_TABLE_MAX_SELECT);
    for (int i = 0; i < n; i++) spec->families[spec->nfamilies++] = v[i];
    return 0;
}

static int default_decimals(const char *unit, int csv)
{
    return csv ? -1 : wm_unit_decimals(unit);   /* CSV: full precision */
}

static void format_number(char *buf, size_t size, double v, int decimals)
{
    if (isnan(v)) snprintf(buf, size, "%s", "");
    else if (decimals < 0) snprintf(buf, size, "%.10g", v);
    else snprintf(buf, size, "%.*f", decimals, v);
}

typedef struct column {
    wm_indicator_meta meta;
    int decimals;
} column;

typedef struct cell {
    int present;
    wm_store_value v;           /* the stored row (when present) */
} cell;

static int compare_value_code(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const wm_store_value *)elem)->area_code);
}

/* The columns: the headline indicators (or all, or those named, in the
 * order named) of the families asked for. */
static int pick_columns(const wm_table_spec *spec, wm_store *s, const char *geo, column **out, size_t *n,
                        wm_error *err)
{
    wm_indicator_meta *list = NULL;
    size_t nlist = 0;
    *out = NULL;
    *n = 0;
    if (wm_store_list_indicators(s, geo, !(spec->all || spec->nindicators > 0), &list, &nlist, err) != 0) return -1;
    column *cols = calloc(nlist + 1, sizeof *cols);
    if (!cols) {
        free(list);
        return wm_error_set(err, WM_EXIT_IO, "out of memory");
    }
    size_t k = 0;
    for (int w = 0; w < (spec->nindicators > 0 ? spec->nindicators : 1); w++)
        for (size_t i = 0; i < nlist; i++) {
            if (spec->nindicators > 0 && strcmp(list[i].id, spec->indicators[w]) != 0) continue;
            int fam_ok = spec->nfamilies == 0;
            for (int f = 0; f < spec->nfamilies; f++)
                if (strcasecmp(spec->families[f], list[i].family) == 0) fam_ok = 1;
            if (!fam_ok) continue;
            cols[k].meta = list[i];
            cols[k].decimals = spec->decimals >= 0 ? spec->decimals : default_decimals(list[i].unit, spec->csv);
            k++;
        }
    free(list);
    for (int w = 0; w < spec->nindicators; w++) {
        int found = 0;
        for (size_t i = 0; i < k; i++) found |= strcmp(cols[i].meta.id, spec->indicators[w]) == 0;
        if (!found) {
            free(cols);
            return wm_error_set(err, WM_EXIT_USAGE, "table: indicator %s has no %s values in %s (see wardmap indicators)",
                                spec->indicators[w], geo, wm_store_path(s));
        }
    }
    if (k == 0) {
        free(cols);
        return wm_error_set(err, WM_EXIT_USAGE, "table: no indicator has values for %s areas", geo);
    }
    *out = cols;
    *n = k;
    return 0;
}

/* Fill cells[row * stride] for the rows whose areas are of `geo`. */
static int fill_cells(wm_store *s, const column *col, const char *geo, const wm_store_area *areas, size_t nrows,
                      cell *cells, size_t stride, wm_error *err)
{
    wm_store_value *v = NULL;
    size_t n = 0;
    if (wm_store_read_values(s, col->meta.id, col->meta.period, geo, &v, &n, err) != 0) return -1;
    for (size_t r = 0; r < nrows; r++) {
        if (strcmp(areas[r].geography, geo) != 0) continue;
        const wm_store_value *hit = bsearch(areas[r].code, v, n, sizeof *v, compare_value_code);
        if (!hit) continue;
        cell *c = &cells[r * stride];
        c->present = 1;
        c->v = *hit;
    }
    free(v);
    return 0;
}

/* What one column of the table shows of an indicator. */
typedef enum {
    COL_VALUE, COL_LOWER, COL_UPPER, COL_VS_AUTHORITY, COL_VS_ENGLAND, COL_COVERAGE, COL_FLAG,
    COL_NUMERATOR, COL_DENOMINATOR, COL_AREAS
} col_kind;

typedef struct out_col {
    size_t ind;                  /* the indicator (column of `cells`) */
    col_kind kind;
} out_col;

static int low_coverage(const wm_table_spec *spec, const cell *x)
{
    return x->present && !isnan(x->v.value) && !isnan(x->v.coverage) && x->v.coverage * 100 < spec->coverage_threshold;
}

static int compared(const char *c)
{
    return *c && strcmp(c, "not compared") != 0;
}

/* What an indicator's values have, over all rows: which columns it needs. */
typedef struct has {
    int interval, vs_authority, vs_england, partial, flag;
} has;

static has what_values_have(const wm_table_spec *spec, const cell *cells, size_t nrows, size_t ncols, size_t c)
{
    has h = { 0 };
    for (size_t r = 0; r < nrows; r++) {
        const cell *x = &cells[r * ncols + c];
        if (!x->present) continue;
        h.interval |= !isnan(x->v.lower95);
        h.vs_authority |= compared(x->v.compare_authority);
        h.vs_england |= compared(x->v.compare_england);
        h.partial |= !isnan(x->v.coverage) && x->v.coverage < 1 - 1e-12 && !isnan(x->v.value);
        h.flag |= x->v.estimate || low_coverage(spec, x);
    }
    return h;
}

static const char *arrow(const char *c)
{
    return strcmp(c, "higher") == 0 ? " \u25b2" : strcmp(c, "lower") == 0 ? " \u25bc" : "";
}

static wm_text_table *make_table(const wm_table_spec *spec, const column *cols, size_t ncols,
                                 const wm_store_area *areas, size_t nrows, const cell *cells)
{
    int csv = spec->csv;
    out_col *oc = calloc(ncols * 10 + 1, sizeof *oc);
    has *hs = calloc(ncols + 1, sizeof *hs);
    if (!oc || !hs) {
        free(oc);
        free(hs);
        return NULL;
    }
    size_t noc = 0;
    for (size_t c = 0; c < ncols; c++) {
        has h = hs[c] = what_values_have(spec, cells, nrows, ncols, c);
        oc[noc++] = (out_col){ c, COL_VALUE };
        /* Readers see limits, comparisons and flags in the value's cell;
         * machines get a column for each. */
        if (csv && h.interval) {
            oc[noc++] = (out_col){ c, COL_LOWER };
            oc[noc++] = (out_col){ c, COL_UPPER };
        }
        if (csv && h.vs_authority) oc[noc++] = (out_col){ c, COL_VS_AUTHORITY };
        if (csv && h.vs_england) oc[noc++] = (out_col){ c, COL_VS_ENGLAND };
        if (csv && h.partial) oc[noc++] = (out_col){ c, COL_COVERAGE };
        if (csv && h.flag) oc[noc++] = (out_col){ c, COL_FLAG };
        if (spec->components) {
            oc[noc++] = (out_col){ c, COL_NUMERATOR };
            oc[noc++] = (out_col){ c, COL_DENOMINATOR };
            oc[noc++] = (out_col){ c, COL_AREAS };
        }
    }
    wm_text_table *t = wm_text_table_new(2 + noc);
    int bad = !t;
    if (!bad) {
        bad |= wm_text_table_head(t, 0, csv ? "area_code" : "Code", WM_ALIGN_LEFT);
        bad |= wm_text_table_head(t, 1, csv ? "area_name" : "Name", WM_ALIGN_LEFT);
    }
    static const char *const csv_suffix[] = { "", "_lower95", "_upper95", "_vs_authority", "_vs_england",
                                              "_coverage", "_flag", "_numerator", "_denominator", "_n_areas" };
    static const char *const md_words[] = { "", "lower 95%", "upper 95%", "vs authority", "vs England",
                                            "coverage", "flag", "numerator", "denominator", "areas" };
    for (size_t k = 0; k < noc && !bad; k++) {
        const wm_indicator_meta *m = &cols[oc[k].ind].meta;
        char head[300];
        if (csv) snprintf(head, sizeof head, "%s%s", m->id, csv_suffix[oc[k].kind]);
        else if (oc[k].kind == COL_VALUE) snprintf(head, sizeof head, "%s (%s)", m->label, m->unit);
        else snprintf(head, sizeof head, "%s", md_words[oc[k].kind]);
        bad |= wm_text_table_head(t, 2 + k, head, oc[k].kind == COL_FLAG ? WM_ALIGN_LEFT : WM_ALIGN_RIGHT);
    }
    int any_low = 0, any_estimate = 0, any_arrow = 0;
    for (size_t r = 0; r < nrows && !bad; r++) {
        long row = wm_text_table_add_row(t);
        if (row < 0) { bad = 1; break; }
        bad |= wm_text_table_set(t, (size_t)row, 0, "%s", areas[r].code);
        bad |= wm_text_table_set(t, (size_t)row, 1, "%s", areas[r].name);
        for (size_t k = 0; k < noc; k++) {
            size_t c = oc[k].ind;
            const cell *x = &cells[r * ncols + c];
            int dec = cols[c].decimals;
            int low = low_coverage(spec, x), hidden = low && spec->hide_low_coverage;
            char v[64] = "", l[64], u[64], text[300] = "";
            switch (oc[k].kind) {
            case COL_VALUE:
                if (x->present) format_number(v, sizeof v, hidden ? NAN : x->v.value, dec);
                if (csv) {
                    snprintf(text, sizeof text, "%s", v);
                    break;
                }
                /* value (lower-upper) and markers: arrow vs the authority,
                 * * an estimate, the dagger a low coverage. */
                if (x->present && !isnan(x->v.lower95) && !hidden) {
                    format_number(l, sizeof l, x->v.lower95, dec);
                    format_number(u, sizeof u, x->v.upper95, dec);
                    snprintf(text, sizeof text, "%s (%s\u2013%s)%s", v, l, u, arrow(x->v.compare_authority));
                    any_arrow |= *arrow(x->v.compare_authority) != '\0';
                } else {
                    snprintf(text, sizeof text, "%s", v);
                }
                if (x->present && x->v.estimate && !isnan(x->v.value) && !hidden) {
                    strncat(text, *text ? " *" : "*", sizeof text - strlen(text) - 1);
                    any_estimate = 1;
                }
                if (low) {
                    strncat(text, *text ? " \u2020" : "\u2020", sizeof text - strlen(text) - 1);
                    any_low = 1;
                }
                break;
            case COL_LOWER: if (x->present && !hidden) format_number(text, sizeof text, x->v.lower95, -1); break;
            case COL_UPPER: if (x->present && !hidden) format_number(text, sizeof text, x->v.upper95, -1); break;
            case COL_VS_AUTHORITY: if (x->present && !hidden) snprintf(text, sizeof text, "%s", x->v.compare_authority); break;
            case COL_VS_ENGLAND: if (x->present && !hidden) snprintf(text, sizeof text, "%s", x->v.compare_england); break;
            case COL_COVERAGE: if (x->present) format_number(text, sizeof text, x->v.coverage, -1); break;
            case COL_FLAG:
                if (x->present && low)
                    snprintf(text, sizeof text, "coverage below %g%%%s", spec->coverage_threshold,
                             hidden ? " (not shown)" : "");
                if (x->present && x->v.estimate && !isnan(x->v.value))
                    snprintf(text + strlen(text), sizeof text - strlen(text), "%sestimate: %s", *text ? "; " : "",
                             x->v.estimate_note);
                break;
            case COL_NUMERATOR: format_number(text, sizeof text, x->present ? x->v.numerator : NAN, csv ? -1 : 1); break;
            case COL_DENOMINATOR: format_number(text, sizeof text, x->present ? x->v.denominator : NAN, csv ? -1 : 1); break;
            case COL_AREAS: if (x->present) snprintf(text, sizeof text, "%d", x->v.n_areas); break;
            }
            bad |= wm_text_table_set(t, (size_t)row, 2 + k, "%s", text);
        }
    }
    if (!csv && !bad) {
        /* Sources under the table: where every column came from. */
        bad |= wm_text_table_note(t, "Empty cells are No data.  Columns and sources:");
        bad |= wm_text_table_note(t, "%s", "");
        for (size_t c = 0; c < ncols; c++) {
            const wm_indicator_meta *m = &cols[c].meta;
            bad |= wm_text_table_note(t, "- %s: %s (%s, id %s). %s, %s, %s; aggregation: %s.%s%s", m->label, m->title,
                                      m->period, m->id, m->publisher, m->source_file, m->licence, m->aggregation,
                                      *m->notes ? " " : "", m->notes);
        }
        if (any_arrow || any_estimate || any_low) bad |= wm_text_table_note(t, "%s", "");
        if (any_arrow)
            bad |= wm_text_table_note(t, "- (lower\u2013upper): 95%% confidence interval; \u25b2 / \u25bc: "
                                         "significantly higher / lower than the local authority (no mark: similar or "
                                         "not compared).");
        if (any_estimate)
            bad |= wm_text_table_note(t, "- *: an estimate (modelled by the publisher, or made from areas that do "
                                         "not nest in these), with no confidence interval.");
        if (any_low) {
            char line[4096];
            size_t o = (size_t)snprintf(line, sizeof line,
                                        "- \u2020: the areas with a value cover less than %g%% of the area%s:",
                                        spec->coverage_threshold,
                                        spec->hide_low_coverage ? ", so the value is not shown" : "");
            int first = 1;
            for (size_t c = 0; c < ncols; c++) {
                char words[160];
                wm_coverage_words(cols[c].meta.coverage_basis, words, sizeof words);
                for (size_t r = 0; r < nrows && o < sizeof line; r++) {
                    const cell *x = &cells[r * ncols + c];
                    if (!low_coverage(spec, x)) continue;
                    o += (size_t)snprintf(line + o, sizeof line - o, "%s %s: %.0f%% of %s covered (%s)", first ? "" : ";",
                                          areas[r].name, x->v.coverage * 100, words, cols[c].meta.label);
                    first = 0;
                }
            }
            if (o < sizeof line) snprintf(line + o, sizeof line - o, ".");
            bad |= wm_text_table_note(t, "%s", line);
        }
    }
    free(oc);
    free(hs);
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

int wm_indicator_table(const wm_table_spec *spec, wm_store_handle *handle, FILE *out, wm_report *report,
                       wm_text_table **display, wm_error *err)
{
    if (display) *display = NULL;
    wm_store *s = wm_store_get(handle, err);
    if (!s) return -1;
    wm_report_input(report, wm_store_path(s));
    char geo[32];
    if (wm_store_match_geography(s, NULL, spec->geography, geo, sizeof geo, err) != 0) return -1;
    if (!*geo) return wm_error_set(err, WM_EXIT_USAGE, "table: the store has no %s areas", spec->geography);
    column *cols = NULL;
    size_t ncols = 0, nrows = 0;
    wm_store_area *areas = NULL;
    cell *cells = NULL;
    wm_text_table *t = NULL;
    int rc = -1;
    if (pick_columns(spec, s, geo, &cols, &ncols, err) != 0) goto done;
    for (size_t c = 0; c < ncols; c++)
        wm_report_source(report, "Indicator %s: %s (%s), %s, %s; source table %s", cols[c].meta.id, cols[c].meta.title,
                         cols[c].meta.period, cols[c].meta.publisher, cols[c].meta.licence, cols[c].meta.source_file);
    if (wm_store_read_areas(s, geo, spec->total, &areas, &nrows, err) != 0) goto done;
    cells = calloc(nrows * ncols + 1, sizeof *cells);
    if (!cells) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nrows * ncols; r++) {
        wm_store_value *v = &cells[r].v;
        v->value = v->numerator = v->denominator = v->coverage = NAN;
        v->lower95 = v->upper95 = v->lower998 = v->upper998 = NAN;
    }
    for (size_t c = 0; c < ncols; c++) {
        /* Each geography the rows hold, once. */
        for (size_t r = 0; r < nrows; r++) {
            int first = 1;
            for (size_t q = 0; q < r && first; q++) first = strcmp(areas[q].geography, areas[r].geography) != 0;
            if (first && fill_cells(s, &cols[c], areas[r].geography, areas, nrows, &cells[c], ncols, err) != 0)
                goto done;
        }
    }
    t = make_table(spec, cols, ncols, areas, nrows, cells);
    if (!t) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        goto done;
    }
    if (spec->output) {
        if (wm_text_table_save(t, spec->output, spec->csv, err) != 0) goto done;
    } else if (out) {
        if (spec->csv) wm_text_table_write_csv(t, out);
        else wm_text_table_write_markdown(t, out);
    }
    if (display) {
        *display = t;
        t = NULL;
    }
    rc = 0;
done:
    wm_text_table_free(t);
    free(cells);
    free(areas);
    free(cols);
    return rc;
}
