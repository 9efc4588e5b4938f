#include "join.h"
#include "number.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wm_format_count(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < size) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* An ONS GSS code: a letter and eight digits (E01009522). */
static int gss_like(const char *k)
{
    if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z'))) return 0;
    for (int i = 1; i <= 8; i++)
        if (k[i] < '0' || k[i] > '9') return 0;
    return k[9] == '\0';
}

/* The area of `key`, trying a GSS code's letter in the other case too;
 * *folded says whether that was needed. */
static long find_area(const wm_layer *layer, char *key, int *folded)
{
    *folded = 0;
    long idx = *key ? wm_layer_find(layer, key) : -1;
    if (idx >= 0 || !gss_like(key)) return idx;
    char c = key[0];
    key[0] = (char)(c >= 'a' ? c - 'a' + 'A' : c - 'A' + 'a');
    idx = wm_layer_find(layer, key);
    if (idx >= 0) *folded = 1;
    key[0] = c;
    return idx;
}

/* Whether trimming took more than ASCII white space off `cell`. */
static int unicode_trimmed(const char *cell, const char *key)
{
    while (*cell == ' ' || (*cell >= '\t' && *cell <= '\r')) cell++;
    size_t n = strlen(cell);
    while (n && (cell[n - 1] == ' ' || (cell[n - 1] >= '\t' && cell[n - 1] <= '\r'))) n--;
    return n != strlen(key);
}

static char *escaped_dup(const char *s)
{
    char buf[200];
    return strdup(wm_text_escape(s, buf, sizeof buf));
}

double *wm_join(const wm_layer *layer, const wm_table *table, const char *data_key,
                const char *value_field, wm_join_report *r, wm_error *err)
{
    memset(r, 0, sizeof *r);
    int kc = wm_table_require_column(table, data_key, err);
    if (kc < 0) return NULL;
    int vc = wm_table_require_column(table, value_field, err);
    if (vc < 0) return NULL;

    double *values = malloc((layer->n ? layer->n : 1) * sizeof *values);
    long *row_of = malloc((layer->n ? layer->n : 1) * sizeof *row_of);
    for (size_t i = 0; i < layer->n; i++) { values[i] = NAN; row_of[i] = -1; }

    r->areas = layer->n;
    r->table_rows = table->nrows;
    for (size_t row = 0; row < table->nrows; row++) {
        const char *raw = wm_table_cell(table, row, kc);
        char *key = wm_utf8_trimmed_dup(raw);
        int folded;
        long idx = find_area(layer, key, &folded);
        if (idx < 0) {
            r->rows_unused++;
            if (r->n_unused_rows < WM_JOIN_SAMPLES && *key)
                r->unused_rows[r->n_unused_rows++] = escaped_dup(key);
            free(key);
            continue;
        }
        if (row_of[idx] >= 0) {
            char shown[200];
            wm_error_set(err, WM_EXIT_DATA, "%s: line %ld: duplicate key %s (first at line %ld)",
                         table->path, wm_table_line(table, row), wm_text_escape(key, shown, sizeof shown),
                         wm_table_line(table, (size_t)row_of[idx]));
            free(key); free(values); free(row_of);
            wm_join_report_free(r);
            return NULL;
        }
        r->matched_trimmed += unicode_trimmed(raw, key);
        r->matched_case += folded;
        free(key);
        row_of[idx] = (long)row;
        r->matched++;
        double v;
        const char *cell = wm_table_cell(table, row, vc);
        switch (wm_number_parse(cell, &v)) {
        case WM_NUM_VALUE: values[idx] = v; r->with_value++; break;
        case WM_NUM_EMPTY: r->empty++; break;
        case WM_NUM_SUPPRESSED: r->suppressed++; break;
        case WM_NUM_INVALID:
            if (r->invalid++ == 0) {
                char shown[104];
                snprintf(r->first_invalid, sizeof r->first_invalid, "line %ld: \"%s\"",
                         wm_table_line(table, row), wm_text_escape(cell, shown, sizeof shown));
            }
            break;
        }
    }
    for (size_t i = 0; i < layer->n; i++)
        if (row_of[i] < 0 && r->n_unmatched_areas < WM_JOIN_SAMPLES)
            r->unmatched_areas[r->n_unmatched_areas++] = escaped_dup(layer->features[i].key);
    free(row_of);
    return values;
}

void wm_join_report_format(const wm_join_report *r, char *buf, size_t size)
{
    char a[32], b[32], c[32];
    size_t o = 0;
#define PUT(...) do { int n_ = snprintf(buf + o, o < size ? size - o : 0, __VA_ARGS__); \
                      if (n_ > 0) o += (size_t)n_; } while (0)
    PUT("joined %s/%s areas; %s table rows unused", wm_format_count(r->matched, a, sizeof a),
        wm_format_count(r->areas, b, sizeof b), wm_format_count(r->rows_unused, c, sizeof c));
    if (r->matched_trimmed)
        PUT("; %s keys matched only once Unicode spaces were trimmed",
            wm_format_count(r->matched_trimmed, a, sizeof a));
    if (r->matched_case)
        PUT("; %s keys matched only ignoring the case of the code", wm_format_count(r->matched_case, a, sizeof a));
    size_t nodata = r->areas - r->with_value;
    if (nodata) {
        PUT("; %s areas No data (", wm_format_count(nodata, a, sizeof a));
        const char *sep = "";
        if (r->areas - r->matched) { PUT("%s%s no row", sep, wm_format_count(r->areas - r->matched, a, sizeof a)); sep = ", "; }
        if (r->suppressed) { PUT("%s%s suppressed", sep, wm_format_count(r->suppressed, a, sizeof a)); sep = ", "; }
        if (r->empty) { PUT("%s%s empty", sep, wm_format_count(r->empty, a, sizeof a)); sep = ", "; }
        if (r->invalid)
            PUT("%s%s not a number, first at %s", sep, wm_format_count(r->invalid, a, sizeof a), r->first_invalid);
        PUT(")");
    }
    if (r->n_unmatched_areas) {
        PUT("; sample areas with no row:");
        for (size_t i = 0; i < r->n_unmatched_areas; i++) PUT(" %s", r->unmatched_areas[i]);
    }
    if (r->n_unused_rows) {
        PUT("; sample unmatched table keys:");
        for (size_t i = 0; i < r->n_unused_rows; i++) PUT(" %s", r->unused_rows[i]);
    }
#undef PUT
    if (size) buf[o < size ? o : size - 1] = '\0';
}

void wm_join_report_free(wm_join_report *r)
{
    for (size_t i = 0; i < r->n_unmatched_areas; i++) free(r->unmatched_areas[i]);
    for (size_t i = 0; i < r->n_unused_rows; i++) free(r->unused_rows[i]);
    r->n_unmatched_areas = r->n_unused_rows = 0;
}

wm_join_verdict wm_join_report_verdict(const wm_join_report *r)
{
    if (r->with_value == 0) return WM_JOIN_NONE;
    if (r->matched < r->areas || r->invalid > 0) return WM_JOIN_PARTIAL;
    return WM_JOIN_COMPLETE;
}

const char *wm_join_verdict_name(wm_join_verdict v)
{
    switch (v) {
    case WM_JOIN_NONE: return "none";
    case WM_JOIN_PARTIAL: return "partial";
    case WM_JOIN_COMPLETE: return "complete";
    }
    return "?";
}

double wm_join_report_bad_share(const wm_join_report *r)
{
    if (r->areas == 0) return 0;
    return (double)(r->areas - r->matched + r->invalid) / (double)r->areas;
}
