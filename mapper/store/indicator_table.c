#include "indicator_table.h"
#include "atomic.h"
#include "store.h"
#include "text.h"

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
    if (csv) return -1;   /* full precision */
    if (strcmp(unit, "%") == 0 || strcmp(unit, "rate per 100") == 0) return 1;
    if (strcmp(unit, "score") == 0) return 2;
    return 0;
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
    double value, num, den;
    int n_areas, present;
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
        c->value = hit->value;
        c->num = hit->numerator;
        c->den = hit->denominator;
        c->n_areas = hit->n_areas;
    }
    free(v);
    return 0;
}

static wm_text_table *make_table(const wm_table_spec *spec, const column *cols, size_t ncols,
                                 const wm_store_area *areas, size_t nrows, const cell *cells)
{
    int csv = spec->csv, components = spec->components;
    size_t per = components ? 4 : 1;
    wm_text_table *t = wm_text_table_new(2 + ncols * per);
    if (!t) return NULL;
    int bad = 0;
    bad |= wm_text_table_head(t, 0, csv ? "area_code" : "Code", WM_ALIGN_LEFT);
    bad |= wm_text_table_head(t, 1, csv ? "area_name" : "Name", WM_ALIGN_LEFT);
    for (size_t c = 0; c < ncols; c++) {
        char head[300];
        const wm_indicator_meta *m = &cols[c].meta;
        if (csv) snprintf(head, sizeof head, "%s", m->id);
        else snprintf(head, sizeof head, "%s (%s)", m->label, m->unit);
        bad |= wm_text_table_head(t, 2 + c * per, head, WM_ALIGN_RIGHT);
        if (components) {
            const char *suffix[] = { "numerator", "denominator", "n_areas" };
            const char *words[] = { "numerator", "denominator", "areas" };
            for (int k = 0; k < 3; k++) {
                if (csv) snprintf(head, sizeof head, "%s_%s", m->id, suffix[k]);
                else snprintf(head, sizeof head, "%s", words[k]);
                bad |= wm_text_table_head(t, 2 + c * per + 1 + (size_t)k, head, WM_ALIGN_RIGHT);
            }
        }
    }
    for (size_t r = 0; r < nrows && !bad; r++) {
        long row = wm_text_table_add_row(t);
        if (row < 0) { bad = 1; break; }
        bad |= wm_text_table_set(t, (size_t)row, 0, "%s", areas[r].code);
        bad |= wm_text_table_set(t, (size_t)row, 1, "%s", areas[r].name);
        for (size_t c = 0; c < ncols; c++) {
            const cell *x = &cells[r * ncols + c];
            char v[64], n[64], d[64];
            format_number(v, sizeof v, x->value, cols[c].decimals);
            format_number(n, sizeof n, x->num, csv ? -1 : 1);
            format_number(d, sizeof d, x->den, csv ? -1 : 1);
            bad |= wm_text_table_set(t, (size_t)row, 2 + c * per, "%s", v);
            if (components) {
                bad |= wm_text_table_set(t, (size_t)row, 2 + c * per + 1, "%s", n);
                bad |= wm_text_table_set(t, (size_t)row, 2 + c * per + 2, "%s", d);
                if (x->present) bad |= wm_text_table_set(t, (size_t)row, 2 + c * per + 3, "%d", x->n_areas);
            }
        }
    }
    if (!csv) {
        /* Sources under the table: where every column came from. */
        bad |= wm_text_table_note(t, "Empty cells are No data.  Columns and sources:");
        bad |= wm_text_table_note(t, "%s", "");
        for (size_t c = 0; c < ncols; c++) {
            const wm_indicator_meta *m = &cols[c].meta;
            bad |= wm_text_table_note(t, "- %s: %s (%s, id %s). %s, %s, %s; aggregation: %s.%s%s", m->label, m->title,
                                      m->period, m->id, m->publisher, m->source_file, m->licence, m->aggregation,
                                      *m->notes ? " " : "", m->notes);
        }
    }
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

static void write_csv(FILE *fp, const void *t)
{
    wm_text_table_write_csv(t, fp);
}

static void write_markdown(FILE *fp, const void *t)
{
    wm_text_table_write_markdown(t, fp);
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
    for (size_t r = 0; r < nrows * ncols; r++) cells[r].value = cells[r].num = cells[r].den = NAN;
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
        if (wm_atomic_write_with(spec->output, spec->csv ? write_csv : write_markdown, t, err) != 0) goto done;
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
