#include "rank.h"
#include "candidates.h"
#include "atomic.h"
#include "home.h"
#include "layer.h"
#include "map.h"
#include "need_columns.h"
#include "paper.h"
#include "output.h"
#include "store.h"
#include "text_table.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the ranked table in memory ---- */

typedef struct ranking {
    size_t n, k;
    char **codes, **names;       /* n wards */
    double *values;              /* n*k */
    wm_indicator_meta meta[WM_RANK_MAX_INDICATORS];
    wm_need_indicator ind[WM_RANK_MAX_INDICATORS];
    char ids[WM_RANK_MAX_INDICATORS][64];
    char geography[32];          /* the ranked geography as stored, e.g. ward25 */
    wm_need_index index;
    int small_areas;             /* the view below was built */
    char decile_words[256];      /* the decile indicator's title */
    wm_small_area_view view;
    size_t *order;               /* wards by composite rank, No data last */
} ranking;

static void ranking_free(ranking *R)
{
    for (size_t i = 0; i < R->n; i++) {
        free(R->codes[i]);
        free(R->names[i]);
    }
    free(R->codes);
    free(R->names);
    free(R->values);
    free(R->order);
    wm_need_index_free(&R->index);
    wm_small_area_view_free(&R->view);
}

static long find_code(const ranking *R, const char *code)
{
    for (size_t i = 0; i < R->n; i++)
        if (strcmp(R->codes[i], code) == 0) return (long)i;
    return -1;
}

/* Add the wards an indicator has values for; the table grows a row for
 * each new code (No data in the columns already read). */
static int add_values(ranking *R, size_t col, const wm_store_value *v, size_t nv, wm_error *err)
{
    for (size_t t = 0; t < nv; t++) {
        long i = find_code(R, v[t].area_code);
        if (i < 0) {
            char **nc = realloc(R->codes, (R->n + 1) * sizeof *nc);
            if (nc) R->codes = nc;
            char **nn = realloc(R->names, (R->n + 1) * sizeof *nn);
            if (nn) R->names = nn;
            double *nvals = realloc(R->values, (R->n + 1) * WM_RANK_MAX_INDICATORS * sizeof *nvals);
            if (nvals) R->values = nvals;
            if (!nc || !nn || !nvals) return wm_error_set(err, WM_EXIT_DATA, "rank: out of memory");
            i = (long)R->n++;
            R->codes[i] = strdup(v[t].area_code);
            R->names[i] = strdup(v[t].area_name[0] ? v[t].area_name : v[t].area_code);
            for (size_t j = 0; j < WM_RANK_MAX_INDICATORS; j++) R->values[(size_t)i * WM_RANK_MAX_INDICATORS + j] = NAN;
        }
        R->values[(size_t)i * WM_RANK_MAX_INDICATORS + col] = v[t].value;
    }
    return 0;
}

/* "ID[:WEIGHT]" */
static int parse_indicator(const char *spec, char *id, size_t size, double *weight, wm_error *err)
{
    const char *colon = strrchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len == 0 || len >= size)
        return wm_error_set(err, WM_EXIT_USAGE, "rank: --indicator \"%s\": expected ID or ID:WEIGHT", spec);
    memcpy(id, spec, len);
    id[len] = '\0';
    *weight = 1.0;
    if (colon) {
        char *end;
        *weight = strtod(colon + 1, &end);
        if (end == colon + 1 || *end || !isfinite(*weight) || *weight < 0)
            return wm_error_set(err, WM_EXIT_USAGE,
                                "rank: --indicator \"%s\": the weight must be a number >= 0", spec);
    }
    return 0;
}

/* The default set: one indicator per family (deprivation, fuel poverty,
 * child obesity, ...), so that no family counts several times over: of
 * each family's headline indicators held at the geography, the latest
 * period, and of those the first in the store's (manifest) order.
 * Families without a direction (an ethnic group's share says nothing
 * about need) are left out. */
static int default_indicators(wm_store *store, const char *geography, char ids[][64], size_t *k, wm_error *err)
{
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    if (wm_store_list_indicators(store, geography, 1, &list, &n, err) != 0) return -1;
    size_t pick[WM_RANK_MAX_INDICATORS];
    *k = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i].higher_is_worse < 0) continue;
        const char *fam = list[i].family[0] ? list[i].family : list[i].id;
        size_t j = 0;
        while (j < *k) {
            const wm_indicator_meta *p = &list[pick[j]];
            if (strcmp(p->family[0] ? p->family : p->id, fam) == 0) break;
            j++;
        }
        if (j == *k) {
            if (*k < WM_RANK_MAX_INDICATORS) pick[(*k)++] = i;
        } else if (strcmp(list[i].period, list[pick[j]].period) > 0) {
            pick[j] = i;
        }
    }
    for (size_t j = 0; j < *k; j++) snprintf(ids[j], 64, "%s", list[pick[j]].id);
    free(list);
    if (*k == 0)
        return wm_error_set(err, WM_EXIT_DATA,
                            "rank: the store has no headline indicator with a polarity at geography %s; "
                            "name them with --indicator ID",
                            geography);
    return 0;
}

static int load_indicators(ranking *R, const wm_rank_spec *spec, wm_store *store, wm_report *report, wm_error *err)
{
    double weight[WM_RANK_MAX_INDICATORS];
    if (spec->nindicators > 0) {
        R->k = (size_t)spec->nindicators;
        for (int j = 0; j < spec->nindicators; j++) {
            snprintf(R->ids[j], sizeof R->ids[j], "%s", spec->ids[j]);
            weight[j] = spec->weight[j];
        }
    } else {
        if (default_indicators(store, spec->geography, R->ids, &R->k, err) != 0) return -1;
        for (size_t j = 0; j < R->k; j++) weight[j] = 1.0;
    }
    for (size_t j = 0; j < R->k; j++) {
        wm_store_value *v = NULL;
        size_t nv = 0;
        if (wm_store_values(store, R->ids[j], NULL, spec->geography, &v, &nv, &R->meta[j], err) != 0) return -1;
        int rc = add_values(R, j, v, nv, err);
        free(v);
        if (rc != 0) return -1;
        if (R->meta[j].higher_is_worse < 0)
            return wm_error_set(err, WM_EXIT_USAGE,
                                "rank: indicator %s is %s, so it says nothing about need; leave it out",
                                R->ids[j], R->meta[j].polarity[0] ? R->meta[j].polarity : "neutral");
        wm_report_source(report, "Indicator %s: %s (%s), %s, %s; source table %s", R->meta[j].id, R->meta[j].title,
                         R->meta[j].period, R->meta[j].publisher, R->meta[j].licence, R->meta[j].source_file);
        R->ind[j].id = R->ids[j];
        R->ind[j].polarity = R->meta[j].higher_is_worse ? +1 : -1;
        R->ind[j].weight = weight[j];
        if (j == 0) snprintf(R->geography, sizeof R->geography, "%s", R->meta[0].values_geography);
    }
    if (R->n == 0)
        return wm_error_set(err, WM_EXIT_DATA, "rank: no %s has a value for any indicator", spec->geography);
    /* Compact the rows to k columns, as need_index.h wants them. */
    for (size_t i = 0; i < R->n; i++)
        for (size_t j = 0; j < R->k; j++) R->values[i * R->k + j] = R->values[i * WM_RANK_MAX_INDICATORS + j];
    return 0;
}

/* Wards by composite rank, No data last, ties by name.  Insertion sort:
 * a few dozen wards, and no global state (qsort has no context, and the
 * figures runner calls commands from several threads). */
static void order_rows(ranking *R)
{
    R->order = malloc((R->n ? R->n : 1) * sizeof *R->order);
    if (!R->order) return;
    for (size_t i = 0; i < R->n; i++) R->order[i] = i;
    for (size_t i = 1; i < R->n; i++) {
        size_t v = R->order[i], j = i;
        while (j > 0) {
            size_t u = R->order[j - 1];
            int ru = R->index.composite_rank[u] ? R->index.composite_rank[u] : INT_MAX;
            int rv = R->index.composite_rank[v] ? R->index.composite_rank[v] : INT_MAX;
            if (ru < rv || (ru == rv && strcmp(R->names[u], R->names[v]) <= 0)) break;
            R->order[j] = u;
            j--;
        }
        R->order[j] = v;
    }
}

/* ---- small-area view: everything from the store ---- */

/* The store's boundary layer of `geography`, read and recorded, or NULL. */
static wm_layer *store_layer(wm_store *store, const char *geography, const char *key_override, wm_report *report,
                             wm_error *err)
{
    wm_layer_options opt = { key_override, NULL, NULL, NULL, NULL };
    wm_layer *L = wm_store_layer(store, geography, &opt, err);
    if (L) wm_report_input(report, L->spec);
    return L;
}

static int build_small_areas(ranking *R, const wm_rank_spec *spec, wm_store *store, wm_report *report,
                             wm_error *err)
{
    wm_indicator_meta dm;
    if (wm_candidates_pick_decile(store, spec->decile, R->geography, &dm, err) != 0) return -1;
    wm_layer *lsoas = store_layer(store, dm.geography, NULL, report, err);
    if (!lsoas) return -1;
    int rc = -1;
    double *decile = NULL;
    wm_store_link *links = NULL;
    size_t nl = 0;
    char **ward_of = calloc(lsoas->n ? lsoas->n : 1, sizeof *ward_of);
    if (!ward_of) { wm_error_set(err, WM_EXIT_IO, "rank: out of memory"); goto done; }
    decile = wm_store_values_for_layer(store, dm.id, dm.period, dm.geography, lsoas, NULL, err);
    if (!decile) goto done;
    if (wm_store_read_links(store, dm.geography, R->geography, &links, &nl, err) != 0) goto done;
    if (nl == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the store does not say which %s each %s is in",
                     wm_store_path(store), R->geography, dm.geography);
        goto done;
    }
    for (size_t k = 0; k < nl; k++) {
        long f = wm_layer_find(lsoas, links[k].child);
        if (f >= 0) ward_of[f] = links[k].parent;
    }
    snprintf(R->decile_words, sizeof R->decile_words, "%s", dm.title);
    if (wm_small_area_view_build(&R->view, lsoas, decile, (const char *const *)ward_of,
                                 (const char *const *)R->codes, R->n, err) != 0)
        goto done;
    R->small_areas = 1;
    rc = 0;
done:
    free(ward_of);
    free(links);
    free(decile);
    wm_layer_free(lsoas);
    return rc;
}

/* ---- writing ---- */

static const char *score_name(wm_need_method m)
{
    switch (m) {
    case WM_NEED_ZSCORE: return "mean z-score (higher = more need)";
    case WM_NEED_RANK: return "mean rank (lower = more need)";
    case WM_NEED_QUINTILE: return "indicators in the worst quintile";
    }
    return "";
}

/* The ranked table for machines: full precision, one column per figure. */
static wm_text_table *csv_table(const ranking *R)
{
    const wm_need_index *x = &R->index;
    size_t ncols = 3 + WM_NEED_COLUMNS(R->k) + (R->small_areas ? 5 : 0);
    wm_text_table *t = wm_text_table_new(ncols);
    if (!t) return NULL;
    size_t c = 0;
    int bad = 0;
    bad |= wm_text_table_head(t, c++, "rank", WM_ALIGN_RIGHT);
    bad |= wm_text_table_head(t, c++, "area_code", WM_ALIGN_LEFT);
    bad |= wm_text_table_head(t, c++, "area_name", WM_ALIGN_LEFT);
    const char *ids[WM_RANK_MAX_INDICATORS];
    for (size_t j = 0; j < R->k; j++) ids[j] = R->ids[j];
    bad |= wm_need_columns_head(t, &c, ids, R->k, x->method);
    const char *small[] = { "small_areas", "small_areas_decile1", "decile1_clusters", "decile1_largest_cluster",
                            "decile1_contiguous" };
    for (size_t k = 0; R->small_areas && k < 5; k++) bad |= wm_text_table_head(t, c++, small[k], WM_ALIGN_RIGHT);
    for (size_t r = 0; r < R->n && !bad; r++) {
        size_t i = R->order[r];
        long row = wm_text_table_add_row(t);
        if (row < 0) { bad = 1; break; }
        c = 0;
        if (x->composite_rank[i]) bad |= wm_text_table_set(t, (size_t)row, c, "%d", x->composite_rank[i]);
        c++;
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s", R->codes[i]);
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s", R->names[i]);
        bad |= wm_need_columns_row(t, (size_t)row, &c, x, i, &R->values[i * R->k], R->k);
        if (R->small_areas) {
            const wm_small_area_ward *w = &R->view.wards[i];
            bad |= wm_text_table_set(t, (size_t)row, c++, "%zu", w->areas);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%zu", w->worst);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%d", w->clusters);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%zu", w->largest);
            bad |= wm_text_table_set(t, (size_t)row, c++, "%s",
                                     w->worst == 0 ? "" : wm_small_area_contiguous(w) ? "yes" : "no");
        }
    }
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

/* The ranked table for readers: rounded, each indicator with its rank in
 * brackets, the rank ranges, and notes saying what the columns are. */
static wm_text_table *markdown_table(const ranking *R)
{
    const wm_need_index *x = &R->index;
    size_t ncols = 3 + R->k + 3 + (R->small_areas ? 2 : 0);
    wm_text_table *t = wm_text_table_new(ncols);
    if (!t) return NULL;
    size_t c = 0;
    int bad = 0;
    bad |= wm_text_table_head(t, c++, "Rank", WM_ALIGN_RIGHT);
    bad |= wm_text_table_head(t, c++, "Ward", WM_ALIGN_LEFT);
    bad |= wm_text_table_head(t, c++, "Code", WM_ALIGN_LEFT);
    const char *ids[WM_RANK_MAX_INDICATORS];
    for (size_t j = 0; j < R->k; j++) ids[j] = R->ids[j];
    bad |= wm_need_columns_head_text(t, &c, ids, R->k);
    if (R->small_areas) {
        bad |= wm_text_table_head(t, c++, "LSOAs in decile 1", WM_ALIGN_RIGHT);
        bad |= wm_text_table_head(t, c++, "Clusters of them", WM_ALIGN_LEFT);
    }
    for (size_t r = 0; r < R->n && !bad; r++) {
        size_t i = R->order[r];
        long row = wm_text_table_add_row(t);
        if (row < 0) { bad = 1; break; }
        c = 0;
        if (x->composite_rank[i]) bad |= wm_text_table_set(t, (size_t)row, c++, "%d", x->composite_rank[i]);
        else bad |= wm_text_table_set(t, (size_t)row, c++, "No data");
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s", R->names[i]);
        bad |= wm_text_table_set(t, (size_t)row, c++, "%s", R->codes[i]);
        bad |= wm_need_columns_row_text(t, (size_t)row, &c, x, i, &R->values[i * R->k], R->k);
        if (R->small_areas) {
            const wm_small_area_ward *w = &R->view.wards[i];
            bad |= wm_text_table_set(t, (size_t)row, c++, "%zu of %zu", w->worst, w->areas);
            if (w->worst == 0) bad |= wm_text_table_set(t, (size_t)row, c++, "none");
            else if (wm_small_area_contiguous(w)) bad |= wm_text_table_set(t, (size_t)row, c++, "one cluster");
            else bad |= wm_text_table_set(t, (size_t)row, c++, "%d (largest %zu)", w->clusters, w->largest);
        }
    }
    /* One note: what the index is, and each indicator. */
    char note[4096];
    size_t len = (size_t)snprintf(note, sizeof note, "Index: %s, method %s. Indicators:", score_name(x->method),
                                  wm_need_method_name(x->method));
    for (size_t j = 0; j < R->k && len < sizeof note; j++) {
        char title[512];
        size_t o = 0;
        for (const char *p = R->meta[j].title; *p && o + 3 < sizeof title; p++) {
            if (*p == '|') title[o++] = '\\';
            title[o++] = *p;
        }
        title[o] = '\0';
        len += (size_t)snprintf(note + len, sizeof note - len, "%s %s = %s (%s, %s, weight %g)", j ? ";" : "",
                                R->ids[j], title, R->meta[j].period, R->meta[j].polarity, R->ind[j].weight);
    }
    if (len < sizeof note)
        len += (size_t)snprintf(note + len, sizeof note - len, ". Rank 1 = most need; each indicator's rank is in "
                                "brackets.");
    if (R->small_areas && len < sizeof note)
        snprintf(note + len, sizeof note - len,
                 " LSOAs in decile 1: neighbourhoods among the 10%% most deprived in England, assigned to wards by "
                 "the best-fit lookup; clusters are groups of adjacent ones.");
    bad |= wm_text_table_note(t, "%s", note);
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}

/* Each ward's most deprived small areas, one row per small area. */
static wm_text_table *small_areas_table(const ranking *R)
{
    wm_text_table *t = wm_text_table_new(6);
    if (!t) return NULL;
    const char *head[] = { "ward_code", "ward_name", "ward_rank", "lsoa_code", "cluster", "cluster_size" };
    int bad = 0;
    for (size_t c = 0; c < 6; c++) bad |= wm_text_table_head(t, c, head[c], WM_ALIGN_LEFT);
    for (size_t r = 0; r < R->n && !bad; r++) {
        size_t i = R->order[r];
        const wm_small_area_ward *w = &R->view.wards[i];
        for (size_t s = 0; s < w->worst && !bad; s++) {
            size_t size = 0;
            for (size_t u = 0; u < w->worst; u++) size += w->cluster[u] == w->cluster[s];
            long row = wm_text_table_add_row(t);
            if (row < 0) { bad = 1; break; }
            bad |= wm_text_table_set(t, (size_t)row, 0, "%s", R->codes[i]);
            bad |= wm_text_table_set(t, (size_t)row, 1, "%s", R->names[i]);
            if (R->index.composite_rank[i]) bad |= wm_text_table_set(t, (size_t)row, 2, "%d", R->index.composite_rank[i]);
            bad |= wm_text_table_set(t, (size_t)row, 3, "%s", w->codes[s]);
            bad |= wm_text_table_set(t, (size_t)row, 4, "%d", w->cluster[s]);
            bad |= wm_text_table_set(t, (size_t)row, 5, "%zu", size);
        }
    }
    if (bad) {
        wm_text_table_free(t);
        return NULL;
    }
    return t;
}


/* ---- the map, from the ranking in memory ---- */

static int draw_map(const ranking *R, const wm_rank_spec *spec, wm_store *store, wm_report *report, wm_error *err)
{
    const wm_need_index *x = &R->index;
    int top = spec->top;
    wm_layer *wards = spec->ward_layer ? wm_layer_read(spec->ward_layer, spec->ward_key, NULL, NULL, err)
                                       : store_layer(store, R->geography, spec->ward_key, report, err);
    if (!wards) return -1;
    if (spec->ward_layer) wm_report_input(report, spec->ward_layer);
    int rc = -1;
    wm_layer *overlay = NULL;
    wm_map map;
    memset(&map, 0, sizeof map);
    size_t *pick = NULL;
    char **labels = NULL;
    size_t npick = 0;
    double *values = malloc((wards->n ? wards->n : 1) * sizeof *values);
    if (!values) { wm_error_set(err, WM_EXIT_IO, "rank: out of memory"); goto done; }
    size_t joined = 0;
    for (size_t f = 0; f < wards->n; f++) {
        long i = find_code(R, wards->features[f].key);
        values[f] = i >= 0 ? x->score[i] : NAN;
        joined += i >= 0;
    }

    char title[512], subtitle[1024], legend[128], notes[1024], summary[200];
    if (spec->title) snprintf(title, sizeof title, "%s", spec->title);
    else snprintf(title, sizeof title, "Where need is greatest: the wards ranked 1 to %d", top);
    /* The subtitle names the families (short); the notes, which wrap,
     * give each indicator's full title. */
    int equal_weights = 1;
    for (size_t j = 1; j < R->k; j++)
        if (R->ind[j].weight != R->ind[0].weight) equal_weights = 0;
    size_t len = (size_t)snprintf(subtitle, sizeof subtitle, "%s across ",
                                  x->method == WM_NEED_ZSCORE ? "Mean of z-scores"
                                  : x->method == WM_NEED_RANK ? "Mean of ranks"
                                                              : "Count of indicators in the worst fifth");
    for (size_t j = 0; j < R->k && len < sizeof subtitle; j++) {
        const char *what = R->meta[j].family[0] ? R->meta[j].family : R->ids[j];
        int repeat = 0;
        for (size_t t = 0; t < j; t++)
            if (strcmp(what, R->meta[t].family[0] ? R->meta[t].family : R->ids[t]) == 0) repeat = 1;
        if (repeat) continue;
        len += (size_t)snprintf(subtitle + len, sizeof subtitle - len, "%s%s", j == 0 ? "" : ", ", what);
    }
    if (len < sizeof subtitle)
        snprintf(subtitle + len, sizeof subtitle - len, " (%s weights)", equal_weights ? "equal" : "chosen");
    len = (size_t)snprintf(notes, sizeof notes,
                           "Outlined and labelled: the top %d wards by rank (1 = most need). Indicators: ", top);
    for (size_t j = 0; j < R->k && len < sizeof notes; j++)
        len += (size_t)snprintf(notes + len, sizeof notes - len, "%s%s", j ? "; " : "", R->meta[j].title);
    if (len < sizeof notes)
        snprintf(notes + len, sizeof notes - len, ". A ward missing any indicator has no index (No data).");
    snprintf(legend, sizeof legend, "Need index: %s", score_name(x->method));
    snprintf(summary, sizeof summary, "need index of %zu/%zu areas of %s", joined, wards->n, wards->spec);

    /* The classes: quintile counts are few whole numbers, one class each;
     * scores are quantiles. */
    wm_map_spec ms;
    memset(&ms, 0, sizeof ms);
    int whole = x->method == WM_NEED_QUINTILE;
    for (size_t j = 0; j < R->k; j++)
        if (R->ind[j].weight != rint(R->ind[j].weight)) whole = 0;
    if (whole) {
        int total = 0;
        for (size_t j = 0; j < R->k; j++) total += (int)R->ind[j].weight;
        if (total + 1 > 12) whole = 0;
        for (int c = 0; c <= total && whole; c++) ms.breaks[ms.nbreaks++] = c;
    }
    ms.method_given = 1;
    ms.method = whole ? WM_CLASS_CATEGORICAL : WM_CLASS_QUANTILE;
    ms.classes = whole ? 0 : R->n >= 10 ? 5 : 3;
    ms.palette = "YlOrRd";
    ms.reverse = x->method == WM_NEED_RANK;   /* a low mean rank is high need */
    ms.legend_title = legend;
    ms.var.value = "index";
    for (size_t j = 0; j < R->k && ms.nsources < WM_MAP_MAX_SOURCES; j++)
        if (R->meta[j].publisher[0]) ms.sources[ms.nsources++] = R->meta[j].publisher;
    wm_layer *owned = wards;
    wards = NULL;
    double *owned_values = values;
    values = NULL;
    if (wm_map_from_values(&ms, owned, owned_values, summary, report, &map, err) != 0) goto done;

    /* The top areas, labelled "1 Name", as an outline layer. */
    pick = calloc(R->n ? R->n : 1, sizeof *pick);
    labels = calloc(R->n ? R->n : 1, sizeof *labels);
    const char **highlight = calloc(R->n ? R->n : 1, sizeof *highlight);
    if (!pick || !labels || !highlight) {
        free(highlight);
        wm_error_set(err, WM_EXIT_IO, "rank: out of memory");
        goto done;
    }
    size_t nhighlight = 0;
    for (size_t t = 0; t < R->n; t++) {
        size_t i = R->order[t];
        if (x->composite_rank[i] < 1 || x->composite_rank[i] > top) continue;
        highlight[nhighlight++] = R->codes[i];
    }
    for (size_t f = 0; f < map.layer->n; f++) {
        long i = find_code(R, map.layer->features[f].key);
        int r = i >= 0 ? x->composite_rank[i] : 0;
        if (r < 1 || r > top) continue;
        char label[200];
        snprintf(label, sizeof label, "%d %s", r, R->names[i]);
        labels[npick] = strdup(label);
        pick[npick++] = f;
    }
    if (npick && !(overlay = wm_layer_select(map.layer, pick, npick, (const char *const *)labels, err))) {
        free(highlight);
        goto done;
    }
    wm_figure fig;
    memset(&fig, 0, sizeof fig);
    wm_page_size(&map.style, NULL, NULL, -1, 0, &fig.width_pt, &fig.height_pt, &fig.dpi);
    fig.map = &map;
    fig.overlay = overlay;
    fig.overlay_labels = 1;
    fig.title = title;
    fig.subtitle = subtitle;
    fig.notes = notes;
    fig.highlight = highlight;
    fig.nhighlight = (int)nhighlight;
    rc = wm_render_figure(&fig, spec->map, err);
    free(highlight);
done:
    if (rc != 0) wm_error_prefix(err, "rank: drawing the map");
    for (size_t k = 0; k < npick; k++) free(labels[k]);
    free(labels);
    free(pick);
    wm_layer_free(overlay);
    wm_map_free(&map);
    wm_layer_free(wards);
    free(values);
    return rc;
}

/* ---- the operation ---- */

const wm_option wm_rank_options[] = {
    { "store", 0, WM_OPT_VALUE | WM_OPT_INPUT, "PATH", "indicator store (default: the default store)" },
    { "indicator", 0, WM_OPT_REPEAT, "ID[:WEIGHT]", "indicator to combine, with an optional weight (repeat; default: one headline indicator per family, e.g. deprivation, fuel poverty, child obesity)" },
    { "method", 0, WM_OPT_VALUE, "METHOD", "zscore (mean of z-scores, default), rank (mean of ranks) or quintile (count in the worst quintile)" },
    { "geography", 0, WM_OPT_VALUE, "GEO", "geography to rank (default: ward)" },
    { "format", 0, WM_OPT_VALUE, "csv|markdown", "table format on standard output, or for -o files without .csv/.md (default markdown)" },
    { "output", 'o', WM_OPT_REPEAT | WM_OPT_OUTPUT, "FILE", "write the ranked table: .csv or .md (repeat for both)" },
    { "map", 0, WM_OPT_VALUE | WM_OPT_OUTPUT, "OUT", "draw the index as a map (.png, .svg or .pdf) with the top wards highlighted" },
    { "title", 0, WM_OPT_VALUE, "TEXT", "title of the map (default: \"Where need is greatest: the wards ranked 1 to N\")" },
    { "top", 0, WM_OPT_VALUE, "N", "wards highlighted and labelled with their rank on the map (default 5)" },
    { "ward-layer", 0, WM_OPT_VALUE | WM_OPT_INPUT, "FILE[:LAYER]", "boundaries for the map (default: the store's layer of the ranked geography)" },
    { "ward-key", 0, WM_OPT_VALUE, "FIELD", "area code field of that layer (default: as imported, or first ending in CD)" },
    { "decile", 0, WM_OPT_VALUE, "ID", "stored national decile of small areas for the small-area view (default: the latest, e.g. imd2019_decile)" },
    { "small-areas", 0, WM_OPT_VALUE | WM_OPT_OUTPUT, "FILE.csv", "write each ward's most deprived small areas and their clusters" },
    { "no-small-areas", 0, WM_OPT_FLAG, NULL, "leave out the small-area view" },
    { "candidates", 0, WM_OPT_REPEAT | WM_OPT_OUTPUT, "FILE", "propose candidate localities (clusters of deprived LSOAs across ward boundaries) and write them ranked: .csv or .md (repeat for both)" },
    { "candidates-map", 0, WM_OPT_VALUE | WM_OPT_OUTPUT, "OUT", "map the candidate localities, numbered by rank, over the LSOA deciles (.png, .svg or .pdf)" },
    { "candidate-decile", 0, WM_OPT_VALUE, "1|2", "candidates from LSOAs in England's most deprived 10% (1, default) or 20% (2)" },
    { "candidate-source", 0, WM_OPT_VALUE, "ID", "stored national decile the candidates are found from (default: the latest, e.g. imd2025_decile)" },
    { "min-population", 0, WM_OPT_VALUE, "N", "smallest candidate, in residents (default 3000)" },
    { "max-population", 0, WM_OPT_VALUE, "N", "largest candidate, in residents; larger clusters are split (default 20000)" },
    { NULL, 0, 0, NULL, NULL }
};

int wm_rank_spec_from_args(const wm_args *a, wm_rank_spec *spec, wm_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->store = wm_args_get(a, "store", NULL);
    int nspec = 0;
    const char **specs = wm_args_all(a, "indicator", &nspec);
    if (nspec > WM_RANK_MAX_INDICATORS)
        return wm_error_set(err, WM_EXIT_USAGE, "rank: at most %d indicators", WM_RANK_MAX_INDICATORS);
    for (int j = 0; j < nspec; j++)
        if (parse_indicator(specs[j], spec->ids[j], sizeof spec->ids[j], &spec->weight[j], err) != 0)
            return wm_error_about(err, "indicator");
    spec->nindicators = nspec;
    const char *m = wm_args_get(a, "method", "zscore");
    if (wm_need_method_parse(m, &spec->method) != 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "method", "rank: --method \"%s\": use zscore, rank or quintile", m);
    const char *format = wm_args_get(a, "format", "markdown");
    if (strcmp(format, "csv") != 0 && strcmp(format, "markdown") != 0 && strcmp(format, "md") != 0)
        return wm_error_set_about(err, WM_EXIT_USAGE, "format", "rank: --format \"%s\": use csv or markdown", format);
    spec->csv = strcmp(format, "csv") == 0;
    if (wm_args_int(a, "top", 5, 1, 1000, &spec->top, err) != 0) return -1;
    spec->geography = wm_args_get(a, "geography", "ward");
    int nout = 0;
    const char **outs = wm_args_all(a, "output", &nout);
    if (nout > WM_RANK_MAX_OUTPUTS) return wm_error_set_about(err, WM_EXIT_USAGE, "output", "rank: at most %d -o files", WM_RANK_MAX_OUTPUTS);
    for (int i = 0; i < nout; i++) spec->outputs[spec->noutputs++] = outs[i];
    spec->map = wm_args_get(a, "map", NULL);
    if (spec->map) {
        wm_format f;
        if (wm_format_from_path(spec->map, &f) != 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "map", "rank: --map %s: the map must end in .png, .svg or .pdf", spec->map);
    }
    spec->title = wm_args_get(a, "title", NULL);
    spec->ward_layer = wm_args_get(a, "ward-layer", NULL);
    spec->ward_key = wm_args_get(a, "ward-key", NULL);
    spec->decile = wm_args_get(a, "decile", NULL);
    spec->small_areas = wm_args_get(a, "small-areas", NULL);
    spec->no_small_areas = wm_args_has(a, "no-small-areas");
    int ncand = 0;
    const char **cands = wm_args_all(a, "candidates", &ncand);
    if (ncand > WM_RANK_MAX_OUTPUTS)
        return wm_error_set_about(err, WM_EXIT_USAGE, "candidates", "rank: at most %d --candidates files",
                                  WM_RANK_MAX_OUTPUTS);
    for (int i = 0; i < ncand; i++) spec->candidates[spec->ncandidates++] = cands[i];
    spec->candidates_map = wm_args_get(a, "candidates-map", NULL);
    if (spec->candidates_map) {
        wm_format f;
        if (wm_format_from_path(spec->candidates_map, &f) != 0)
            return wm_error_set_about(err, WM_EXIT_USAGE, "candidates-map", "rank: --candidates-map %s: the map must "
                                      "end in .png, .svg or .pdf", spec->candidates_map);
    }
    spec->candidate_source = wm_args_get(a, "candidate-source", NULL);
    if (wm_args_int(a, "candidate-decile", 1, 1, 2, &spec->candidate_decile, err) != 0) return -1;
    if (wm_args_double(a, "min-population", WM_CANDIDATES_MIN_POPULATION, &spec->min_population, err) != 0 ||
        wm_args_double(a, "max-population", WM_CANDIDATES_MAX_POPULATION, &spec->max_population, err) != 0)
        return -1;
    if (!(spec->min_population >= 0 && spec->max_population >= spec->min_population && isfinite(spec->max_population)))
        return wm_error_set_about(err, WM_EXIT_USAGE, "max-population", "rank: --min-population %g and "
                                  "--max-population %g: need 0 <= minimum <= maximum", spec->min_population,
                                  spec->max_population);
    return 0;
}

int wm_rank(const wm_rank_spec *spec, wm_store_handle *handle, FILE *out, wm_report *report,
            wm_text_table **display, wm_error *err)
{
    ranking R;
    memset(&R, 0, sizeof R);
    int rc = -1;
    wm_text_table *csv = NULL, *md = NULL;
    if (display) *display = NULL;
    wm_store *store = wm_store_get(handle, err);
    if (!store) return -1;
    wm_report_input(report, wm_store_path(store));
    if (load_indicators(&R, spec, store, report, err) != 0) goto done;
    if (wm_need_index_compute(&R.index, R.values, R.n, R.ind, R.k, spec->method, err) != 0) goto done;
    order_rows(&R);
    if (!R.order) {
        wm_error_set(err, WM_EXIT_IO, "rank: out of memory");
        goto done;
    }
    if (!spec->no_small_areas && build_small_areas(&R, spec, store, report, err) != 0) {
        wm_error_prefix(err, "rank: small-area view (--no-small-areas leaves it out)");
        goto done;
    }
    csv = csv_table(&R);
    md = markdown_table(&R);
    if (!csv || !md) {
        wm_error_set(err, WM_EXIT_IO, "rank: out of memory");
        goto done;
    }
    for (int i = 0; i < spec->noutputs; i++) {
        const char *o = spec->outputs[i];
        int as_csv = wm_has_suffix(o, ".csv") || (!wm_has_suffix(o, ".md") && spec->csv);
        if (wm_text_table_save(as_csv ? csv : md, o, as_csv, err) != 0) goto done;
    }
    if (spec->noutputs == 0 && !spec->map && !spec->small_areas && !spec->ncandidates && !spec->candidates_map && out) {
        if (spec->csv) wm_text_table_write_csv(csv, out);
        else wm_text_table_write_markdown(md, out);
    }
    if (spec->small_areas && R.small_areas) {
        wm_text_table *sa = small_areas_table(&R);
        int bad = wm_text_table_save(sa, spec->small_areas, 1, err) != 0;
        wm_text_table_free(sa);
        if (bad) goto done;
    }
    if (spec->map && draw_map(&R, spec, store, report, err) != 0) goto done;
    if (spec->ncandidates > 0 || spec->candidates_map) {
        const char *ids[WM_RANK_MAX_INDICATORS];
        for (size_t j = 0; j < R.k; j++) ids[j] = R.ids[j];
        wm_candidates_spec cs;
        memset(&cs, 0, sizeof cs);
        cs.decile_max = spec->candidate_decile;
        cs.min_population = spec->min_population;
        cs.max_population = spec->max_population;
        cs.decile = spec->candidate_source;
        cs.ward_geography = R.geography;
        cs.noutputs = spec->ncandidates;
        for (int i = 0; i < spec->ncandidates; i++) cs.outputs[i] = spec->candidates[i];
        cs.map = spec->candidates_map;
        cs.k = R.k;
        cs.ids = ids;
        cs.ind = R.ind;
        cs.method = spec->method;
        if (wm_candidates(&cs, store, report, err) != 0) goto done;
    }
    rc = 0;
    if (display) {
        /* What the readers' table shows, unless only a CSV was asked for. */
        int want_csv = spec->noutputs > 0;
        for (int i = 0; i < spec->noutputs; i++)
            if (!(wm_has_suffix(spec->outputs[i], ".csv") || (!wm_has_suffix(spec->outputs[i], ".md") && spec->csv))) want_csv = 0;
        *display = want_csv ? csv : md;
        if (want_csv) csv = NULL;
        else md = NULL;
    }
done:
    wm_text_table_free(csv);
    wm_text_table_free(md);
    ranking_free(&R);
    return rc;
}
