#include "need_columns.h"

#include <math.h>
#include <stdio.h>

void wm_need_format_value(char *buf, size_t size, double v, int full)
{
    if (isnan(v)) snprintf(buf, size, "%s", full ? "" : "No data");
    else if (full) snprintf(buf, size, "%.10g", v);
    else if (v == rint(v) && fabs(v) < 1e15) snprintf(buf, size, "%.0f", v);
    else snprintf(buf, size, "%.2f", v);
}

int wm_need_columns_head(wm_text_table *t, size_t *c, const char *const *ids, size_t k, wm_need_method method)
{
    int bad = 0;
    for (size_t j = 0; j < k; j++) {
        char col[96];
        snprintf(col, sizeof col, "%s_rank", ids[j]);
        bad |= wm_text_table_head(t, (*c)++, ids[j], WM_ALIGN_RIGHT);
        bad |= wm_text_table_head(t, (*c)++, col, WM_ALIGN_RIGHT);
    }
    char index_col[64];
    snprintf(index_col, sizeof index_col, "index_%s", wm_need_method_name(method));
    const char *tail[] = { index_col, "rank_leave_one_out_min", "rank_leave_one_out_max", "rank_weights_min",
                           "rank_weights_max" };
    for (size_t h = 0; h < 5; h++) bad |= wm_text_table_head(t, (*c)++, tail[h], WM_ALIGN_RIGHT);
    return bad;
}

int wm_need_columns_row(wm_text_table *t, size_t row, size_t *c, const wm_need_index *x, size_t i,
                        const double *values, size_t k)
{
    int bad = 0;
    char b[64];
    for (size_t j = 0; j < k; j++) {
        wm_need_format_value(b, sizeof b, values[j], 1);
        bad |= wm_text_table_set(t, row, (*c)++, "%s", b);
        wm_need_format_value(b, sizeof b, x->rank[i * k + j], 1);
        bad |= wm_text_table_set(t, row, (*c)++, "%s", b);
    }
    wm_need_format_value(b, sizeof b, x->score[i], 1);
    bad |= wm_text_table_set(t, row, (*c)++, "%s", b);
    if (x->composite_rank[i]) {
        bad |= wm_text_table_set(t, row, (*c)++, "%d", x->loo_min[i]);
        bad |= wm_text_table_set(t, row, (*c)++, "%d", x->loo_max[i]);
        bad |= wm_text_table_set(t, row, (*c)++, "%d", x->weight_min[i]);
        bad |= wm_text_table_set(t, row, (*c)++, "%d", x->weight_max[i]);
    } else {
        *c += 4;
    }
    return bad;
}

int wm_need_columns_row_text(wm_text_table *t, size_t row, size_t *c, const wm_need_index *x, size_t i,
                             const double *values, size_t k)
{
    int bad = 0;
    char b[64], r[64];
    for (size_t j = 0; j < k; j++) {
        wm_need_format_value(b, sizeof b, values[j], 0);
        wm_need_format_value(r, sizeof r, x->rank[i * k + j], 0);
        if (isnan(values[j])) bad |= wm_text_table_set(t, row, (*c)++, "%s", b);
        else bad |= wm_text_table_set(t, row, (*c)++, "%s (%s)", b, r);
    }
    wm_need_format_value(b, sizeof b, x->score[i], 0);
    if (x->method == WM_NEED_ZSCORE && !isnan(x->score[i])) snprintf(b, sizeof b, "%.2f", x->score[i]);
    bad |= wm_text_table_set(t, row, (*c)++, "%s", b);
    if (x->composite_rank[i]) {
        bad |= wm_text_table_set(t, row, (*c)++, "%d-%d", x->loo_min[i], x->loo_max[i]);
        bad |= wm_text_table_set(t, row, (*c)++, "%d-%d", x->weight_min[i], x->weight_max[i]);
    } else {
        *c += 2;
    }
    return bad;
}

int wm_need_columns_head_text(wm_text_table *t, size_t *c, const char *const *ids, size_t k)
{
    int bad = 0;
    for (size_t j = 0; j < k; j++) {
        char head[96];
        snprintf(head, sizeof head, "%s (rank)", ids[j]);
        bad |= wm_text_table_head(t, (*c)++, head, WM_ALIGN_RIGHT);
    }
    bad |= wm_text_table_head(t, (*c)++, "Index", WM_ALIGN_RIGHT);
    bad |= wm_text_table_head(t, (*c)++, "Rank range, leaving one out", WM_ALIGN_CENTRE);
    bad |= wm_text_table_head(t, (*c)++, "Rank range, weights x0.5 to x2", WM_ALIGN_CENTRE);
    return bad;
}
