/* wardmap rank: wards ranked on a composite need index (need_index.h),
 * with the sensitivity of each rank, the clusters of most deprived
 * neighbourhoods in each ward, and a map of the index. */
#include "args.h"
#include "commands.h"
#include "home.h"
#include "join.h"
#include "layer.h"
#include "need_index.h"
#include "store.h"
#include "table.h"

#include <errno.h>
#include <gdal.h>
#include <limits.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_INDICATORS 32

#define DEFAULT_WARD_LAYER "layers/boundaries/coventry_wards_2025_E08000026.geojson"
#define DEFAULT_LSOA_LAYER "layers/boundaries/coventry_lsoa_2011_E08000026.geojson"
#define DEFAULT_IMD "layers/indicators/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
#define DEFAULT_IMD_KEY "LSOA code (2011)"
#define DEFAULT_IMD_DECILE "Index of Multiple Deprivation (IMD) Decile"
#define DEFAULT_LOOKUP "layers/lookups/coventry_lsoa11_ward17.csv"
#define DEFAULT_LOOKUP_LSOA "lsoa11_code"
#define DEFAULT_LOOKUP_WARD "ward17_code"

const wm_option wm_rank_options[] = {
    { "store", 0, WM_OPT_VALUE, "PATH", "indicator store (default: the bundled store)" },
    { "indicator", 0, WM_OPT_REPEAT, "ID[:WEIGHT]", "indicator to combine, with an optional weight (repeat; default: one headline indicator per family, e.g. deprivation, fuel poverty, child obesity)" },
    { "method", 0, WM_OPT_VALUE, "METHOD", "zscore (mean of z-scores, default), rank (mean of ranks) or quintile (count in the worst quintile)" },
    { "geography", 0, WM_OPT_VALUE, "GEO", "geography to rank (default: ward)" },
    { "format", 0, WM_OPT_VALUE, "csv|markdown", "table format on standard output, or for -o files without .csv/.md (default markdown)" },
    { "output", 'o', WM_OPT_REPEAT, "FILE", "write the ranked table: .csv or .md (repeat for both)" },
    { "map", 0, WM_OPT_VALUE, "OUT", "draw the index as a map (.png, .svg or .pdf) with the top wards highlighted" },
    { "title", 0, WM_OPT_VALUE, "TEXT", "title of the map (default: \"Where need is greatest: the wards ranked 1 to N\")" },
    { "top", 0, WM_OPT_VALUE, "N", "wards highlighted and labelled with their rank on the map (default 5)" },
    { "ward-layer", 0, WM_OPT_VALUE, "FILE[:LAYER]", "ward boundaries for the map and the small-area view (default: bundled 2025 wards)" },
    { "ward-key", 0, WM_OPT_VALUE, "FIELD", "ward code field of that layer (default: first ending in CD)" },
    { "lsoa-layer", 0, WM_OPT_VALUE, "FILE[:LAYER]", "small-area boundaries (default: bundled LSOA 2011)" },
    { "lsoa-key", 0, WM_OPT_VALUE, "FIELD", "small-area code field (default: first ending in CD)" },
    { "imd", 0, WM_OPT_VALUE, "TABLE", "national deciles of the small areas (default: IMD 2019 File 1)" },
    { "imd-key", 0, WM_OPT_VALUE, "FIELD", "small-area code column of that table (default: " DEFAULT_IMD_KEY ")" },
    { "imd-decile", 0, WM_OPT_VALUE, "FIELD", "decile column, 1 = most deprived (default: " DEFAULT_IMD_DECILE ")" },
    { "lookup", 0, WM_OPT_VALUE, "TABLE", "small area to ward lookup (default: bundled best-fit LSOA 2011 to ward)" },
    { "lookup-lsoa", 0, WM_OPT_VALUE, "FIELD", "small-area code column of the lookup (default: " DEFAULT_LOOKUP_LSOA ")" },
    { "lookup-ward", 0, WM_OPT_VALUE, "FIELD", "ward code column of the lookup (default: " DEFAULT_LOOKUP_WARD ")" },
    { "small-areas", 0, WM_OPT_VALUE, "FILE.csv", "write each ward's most deprived small areas and their clusters" },
    { "no-small-areas", 0, WM_OPT_FLAG, NULL, "leave out the small-area view" },
    { NULL, 0, 0, NULL, NULL }
};

static const char rank_description[] =
    "Ranks wards on a composite need index: each indicator is oriented by its polarity (from the\n"
    "store's metadata) so that more need is the same direction for all, then combined as the\n"
    "weighted mean of z-scores, the weighted mean of ranks, or the weighted count of indicators on\n"
    "which the ward is in the worst fifth.  Rank 1 = most need.  Each ward's rank range when each\n"
    "indicator is left out in turn, and when each weight is doubled or halved, shows how far the\n"
    "ranking depends on those choices.  The small-area view counts each ward's LSOAs in England's\n"
    "most deprived decile and whether they form one cluster of adjacent neighbourhoods.  A ward\n"
    "missing any indicator gets no composite (never a guessed value).";

/* ---- the ranked table in memory ---- */

typedef struct ranking {
    size_t n, k;
    char **codes, **names;       /* n wards */
    double *values;              /* n*k */
    wm_indicator_meta meta[MAX_INDICATORS];
    wm_need_indicator ind[MAX_INDICATORS];
    char ids[MAX_INDICATORS][64];
    wm_need_index index;
    int small_areas;             /* the view below was built */
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
            double *nvals = realloc(R->values, (R->n + 1) * MAX_INDICATORS * sizeof *nvals);
            if (nvals) R->values = nvals;
            if (!nc || !nn || !nvals) return wm_error_set(err, WM_EXIT_DATA, "rank: out of memory");
            i = (long)R->n++;
            R->codes[i] = strdup(v[t].area_code);
            R->names[i] = strdup(v[t].area_name[0] ? v[t].area_name : v[t].area_code);
            for (size_t j = 0; j < MAX_INDICATORS; j++) R->values[(size_t)i * MAX_INDICATORS + j] = NAN;
        }
        R->values[(size_t)i * MAX_INDICATORS + col] = v[t].value;
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
static int default_indicators(const char *store, const char *geography, char ids[][64], size_t *k,
                              wm_error *err)
{
    wm_indicator_meta *list = NULL;
    size_t n = 0;
    if (wm_store_list_indicators(store, geography, 1, &list, &n, err) != 0) return -1;
    size_t pick[MAX_INDICATORS];
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
            if (*k < MAX_INDICATORS) pick[(*k)++] = i;
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

static int load_indicators(ranking *R, const wm_args *a, const char *store, const char *geography,
                           wm_error *err)
{
    int nspec = 0;
    const char **specs = wm_args_all(a, "indicator", &nspec);
    double weight[MAX_INDICATORS];
    if (nspec > MAX_INDICATORS)
        return wm_error_set(err, WM_EXIT_USAGE, "rank: at most %d indicators", MAX_INDICATORS);
    if (nspec > 0) {
        R->k = (size_t)nspec;
        for (int j = 0; j < nspec; j++)
            if (parse_indicator(specs[j], R->ids[j], sizeof R->ids[j], &weight[j], err) != 0) return -1;
    } else {
        if (default_indicators(store, geography, R->ids, &R->k, err) != 0) return -1;
        for (size_t j = 0; j < R->k; j++) weight[j] = 1.0;
    }
    for (size_t j = 0; j < R->k; j++) {
        wm_store_value *v = NULL;
        size_t nv = 0;
        if (wm_store_values(store, R->ids[j], NULL, geography, &v, &nv, &R->meta[j], err) != 0) return -1;
        int rc = add_values(R, j, v, nv, err);
        free(v);
        if (rc != 0) return -1;
        if (R->meta[j].higher_is_worse < 0)
            return wm_error_set(err, WM_EXIT_USAGE,
                                "rank: indicator %s is %s, so it says nothing about need; leave it out",
                                R->ids[j], R->meta[j].polarity[0] ? R->meta[j].polarity : "neutral");
        R->ind[j].id = R->ids[j];
        R->ind[j].polarity = R->meta[j].higher_is_worse ? +1 : -1;
        R->ind[j].weight = weight[j];
    }
    if (R->n == 0)
        return wm_error_set(err, WM_EXIT_DATA, "rank: no %s has a value for any indicator", geography);
    /* Compact the rows to k columns, as need_index.h wants them. */
    for (size_t i = 0; i < R->n; i++)
        for (size_t j = 0; j < R->k; j++) R->values[i * R->k + j] = R->values[i * MAX_INDICATORS + j];
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

/* ---- small-area view ---- */

static int build_small_areas(ranking *R, const wm_args *a, wm_error *err)
{
    char lsoa_default[PATH_MAX], imd_default[PATH_MAX], lookup_default[PATH_MAX];
    const char *lsoa_spec = wm_args_get(a, "lsoa-layer", wm_home_path(DEFAULT_LSOA_LAYER, lsoa_default, sizeof lsoa_default));
    const char *imd_spec = wm_args_get(a, "imd", wm_home_path(DEFAULT_IMD, imd_default, sizeof imd_default));
    const char *lookup_spec = wm_args_get(a, "lookup", wm_home_path(DEFAULT_LOOKUP, lookup_default, sizeof lookup_default));
    wm_layer *lsoas = wm_layer_read(lsoa_spec, wm_args_get(a, "lsoa-key", NULL), NULL, NULL, err);
    if (!lsoas) return -1;
    int rc = -1;
    wm_table *imd = NULL, *lookup = NULL;
    double *decile = NULL;
    char **ward_of = calloc(lsoas->n ? lsoas->n : 1, sizeof *ward_of);
    wm_join_report report;
    memset(&report, 0, sizeof report);
    if (!ward_of) { wm_error_set(err, WM_EXIT_DATA, "rank: out of memory"); goto done; }
    if (!(imd = wm_table_read(imd_spec, err))) goto done;
    decile = wm_join(lsoas, imd, wm_args_get(a, "imd-key", DEFAULT_IMD_KEY),
                     wm_args_get(a, "imd-decile", DEFAULT_IMD_DECILE), &report, err);
    if (!decile) goto done;
    if (!(lookup = wm_table_read(lookup_spec, err))) goto done;
    int cl = wm_table_require_column(lookup, wm_args_get(a, "lookup-lsoa", DEFAULT_LOOKUP_LSOA), err);
    int cw = cl < 0 ? -1 : wm_table_require_column(lookup, wm_args_get(a, "lookup-ward", DEFAULT_LOOKUP_WARD), err);
    if (cl < 0 || cw < 0) goto done;
    for (size_t r = 0; r < lookup->nrows; r++) {
        char *code = wm_trimmed_dup(wm_table_cell(lookup, r, cl));
        long f = code ? wm_layer_find(lsoas, code) : -1;
        if (f >= 0 && ward_of[f]) {
            wm_error_set(err, WM_EXIT_DATA, "%s:%ld: small area %s is given a ward twice", lookup_spec,
                         wm_table_line(lookup, r), code);
            free(code);
            goto done;
        }
        if (f >= 0) ward_of[f] = wm_trimmed_dup(wm_table_cell(lookup, r, cw));
        free(code);
    }
    if (wm_small_area_view_build(&R->view, lsoas, decile, (const char *const *)ward_of,
                                 (const char *const *)R->codes, R->n, err) != 0)
        goto done;
    R->small_areas = 1;
    rc = 0;
done:
    if (ward_of)
        for (size_t i = 0; i < lsoas->n; i++) free(ward_of[i]);
    free(ward_of);
    free(decile);
    wm_join_report_free(&report);
    wm_table_free(imd);
    wm_table_free(lookup);
    wm_layer_free(lsoas);
    return rc;
}

/* ---- writing ---- */

static void fmt_value(char *buf, size_t size, double v, int full)
{
    if (isnan(v)) snprintf(buf, size, "%s", full ? "" : "No data");
    else if (full) snprintf(buf, size, "%.10g", v);
    else if (v == rint(v) && fabs(v) < 1e15) snprintf(buf, size, "%.0f", v);
    else snprintf(buf, size, "%.2f", v);
}

static void csv_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) { fputs(s, fp); return; }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static const char *score_name(wm_need_method m)
{
    switch (m) {
    case WM_NEED_ZSCORE: return "mean z-score (higher = more need)";
    case WM_NEED_RANK: return "mean rank (lower = more need)";
    case WM_NEED_QUINTILE: return "indicators in the worst quintile";
    }
    return "";
}

static void write_csv(FILE *fp, const ranking *R)
{
    const wm_need_index *x = &R->index;
    fputs("rank,area_code,area_name", fp);
    for (size_t j = 0; j < R->k; j++) {
        fputc(',', fp); csv_field(fp, R->ids[j]);
        fputc(',', fp);
        char col[96];
        snprintf(col, sizeof col, "%s_rank", R->ids[j]);
        csv_field(fp, col);
    }
    fprintf(fp, ",index_%s,rank_leave_one_out_min,rank_leave_one_out_max,rank_weights_min,rank_weights_max",
            wm_need_method_name(x->method));
    if (R->small_areas)
        fputs(",small_areas,small_areas_decile1,decile1_clusters,decile1_largest_cluster,decile1_contiguous", fp);
    fputc('\n', fp);
    for (size_t t = 0; t < R->n; t++) {
        size_t i = R->order[t];
        char b[64];
        if (x->composite_rank[i]) fprintf(fp, "%d", x->composite_rank[i]);
        fputc(',', fp); csv_field(fp, R->codes[i]);
        fputc(',', fp); csv_field(fp, R->names[i]);
        for (size_t j = 0; j < R->k; j++) {
            fmt_value(b, sizeof b, R->values[i * R->k + j], 1);
            fprintf(fp, ",%s", b);
            fmt_value(b, sizeof b, x->rank[i * R->k + j], 1);
            fprintf(fp, ",%s", b);
        }
        fmt_value(b, sizeof b, x->score[i], 1);
        fprintf(fp, ",%s", b);
        if (x->composite_rank[i])
            fprintf(fp, ",%d,%d,%d,%d", x->loo_min[i], x->loo_max[i], x->weight_min[i], x->weight_max[i]);
        else
            fputs(",,,,", fp);
        if (R->small_areas) {
            const wm_small_area_ward *w = &R->view.wards[i];
            fprintf(fp, ",%zu,%zu,%d,%zu,%s", w->areas, w->worst, w->clusters, w->largest,
                    w->worst == 0 ? "" : wm_small_area_contiguous(w) ? "yes" : "no");
        }
        fputc('\n', fp);
    }
}

static void md_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else fputc(*s, fp);
    }
}

static void write_markdown(FILE *fp, const ranking *R)
{
    const wm_need_index *x = &R->index;
    fputs("| Rank | Ward | Code |", fp);
    for (size_t j = 0; j < R->k; j++) {
        fputc(' ', fp);
        md_text(fp, R->ids[j]);
        fputs(" (rank) |", fp);
    }
    fputs(" Index | Rank range, leaving one out | Rank range, weights x0.5 to x2 |", fp);
    if (R->small_areas) fputs(" LSOAs in decile 1 | Clusters of them |", fp);
    fputs("\n|---:|---|---|", fp);
    for (size_t j = 0; j < R->k; j++) fputs("---:|", fp);
    fputs("---:|:---:|:---:|", fp);
    if (R->small_areas) fputs("---:|---|", fp);
    fputc('\n', fp);
    for (size_t t = 0; t < R->n; t++) {
        size_t i = R->order[t];
        char b[64], r[64];
        if (x->composite_rank[i]) fprintf(fp, "| %d | ", x->composite_rank[i]);
        else fputs("| No data | ", fp);
        md_text(fp, R->names[i]);
        fputs(" | ", fp);
        md_text(fp, R->codes[i]);
        fputs(" |", fp);
        for (size_t j = 0; j < R->k; j++) {
            fmt_value(b, sizeof b, R->values[i * R->k + j], 0);
            fmt_value(r, sizeof r, x->rank[i * R->k + j], 0);
            if (isnan(R->values[i * R->k + j])) fprintf(fp, " %s |", b);
            else fprintf(fp, " %s (%s) |", b, r);
        }
        fmt_value(b, sizeof b, x->score[i], 0);
        if (x->method == WM_NEED_ZSCORE && !isnan(x->score[i])) snprintf(b, sizeof b, "%.2f", x->score[i]);
        fprintf(fp, " %s |", b);
        if (x->composite_rank[i])
            fprintf(fp, " %d-%d | %d-%d |", x->loo_min[i], x->loo_max[i], x->weight_min[i], x->weight_max[i]);
        else
            fputs(" | |", fp);
        if (R->small_areas) {
            const wm_small_area_ward *w = &R->view.wards[i];
            fprintf(fp, " %zu of %zu |", w->worst, w->areas);
            if (w->worst == 0) fputs(" none |", fp);
            else if (wm_small_area_contiguous(w)) fputs(" one cluster |", fp);
            else fprintf(fp, " %d (largest %zu) |", w->clusters, w->largest);
        }
        fputc('\n', fp);
    }
    fprintf(fp, "\nIndex: %s, method %s. Indicators:", score_name(x->method), wm_need_method_name(x->method));
    for (size_t j = 0; j < R->k; j++) {
        fprintf(fp, "%s %s = ", j ? ";" : "", R->ids[j]);
        md_text(fp, R->meta[j].title);
        fprintf(fp, " (%s, %s, weight %g)", R->meta[j].period, R->meta[j].polarity, R->ind[j].weight);
    }
    fputs(". Rank 1 = most need; each indicator's rank is in brackets.", fp);
    if (R->small_areas)
        fputs(" LSOAs in decile 1: neighbourhoods among the 10% most deprived in England, assigned to "
              "wards by the best-fit lookup; clusters are groups of adjacent ones.",
              fp);
    fputc('\n', fp);
}

typedef void (*table_writer)(FILE *, const ranking *);

static int write_file(const char *path, table_writer w, const ranking *R, wm_error *err)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (!fp) return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, strerror(errno));
    w(fp, R);
    int bad = ferror(fp);
    bad |= fclose(fp) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, strerror(e));
    }
    return 0;
}

static void write_small_areas_csv(FILE *fp, const ranking *R)
{
    fputs("ward_code,ward_name,ward_rank,lsoa_code,cluster,cluster_size\n", fp);
    for (size_t t = 0; t < R->n; t++) {
        size_t i = R->order[t];
        const wm_small_area_ward *w = &R->view.wards[i];
        for (size_t s = 0; s < w->worst; s++) {
            size_t size = 0;
            for (size_t u = 0; u < w->worst; u++) size += w->cluster[u] == w->cluster[s];
            csv_field(fp, R->codes[i]);
            fputc(',', fp);
            csv_field(fp, R->names[i]);
            if (R->index.composite_rank[i]) fprintf(fp, ",%d,", R->index.composite_rank[i]);
            else fputs(",,", fp);
            csv_field(fp, w->codes[s]);
            fprintf(fp, ",%d,%zu\n", w->cluster[s], size);
        }
    }
}

static int is_ext(const char *path, const char *ext)
{
    const char *dot = strrchr(path, '.');
    return dot && strcasecmp(dot + 1, ext) == 0;
}

/* ---- the map: `wardmap render` on a temporary table of the index ---- */

static void remove_dir(const char *dir, const char *const *files, int n)
{
    char p[PATH_MAX + 64];
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* The top wards as an outline layer labelled "1 Name", for render's
 * --overlay: written with OGR (GeoJSON) from the ward layer's own
 * features, so the geometry is exactly the map's. */
static int write_top_overlay(const char *ward_spec, const char *ward_key, const ranking *R, int top,
                             const char *path, wm_error *err)
{
    char *file = NULL, *lname = NULL;
    wm_split_layer_spec(ward_spec, &file, &lname);
    GDALDatasetH src = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH sl = !src ? NULL : lname ? GDALDatasetGetLayerByName(src, lname) : GDALDatasetGetLayer(src, 0);
    int rc = -1;
    GDALDatasetH dst = NULL;
    if (!sl) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot read the ward layer (%s)", ward_spec, wm_gdal_last_error());
        goto done;
    }
    OGRFeatureDefnH sdef = OGR_L_GetLayerDefn(sl);
    int kidx = -1;
    if (ward_key) kidx = OGR_FD_GetFieldIndex(sdef, ward_key);
    else
        for (int f = 0; f < OGR_FD_GetFieldCount(sdef) && kidx < 0; f++) {
            const char *nm = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(sdef, f));
            size_t len = strlen(nm);
            if (len > 2 && strcasecmp(nm + len - 2, "CD") == 0) kidx = f;
        }
    if (kidx < 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no ward code field %s", ward_spec, ward_key ? ward_key : "ending in CD");
        goto done;
    }
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    dst = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH dl = dst ? GDALDatasetCreateLayer(dst, "top", OGR_L_GetSpatialRef(sl), wkbUnknown, NULL) : NULL;
    if (!dl) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, wm_gdal_last_error());
        goto done;
    }
    OGRFieldDefnH fcode = OGR_Fld_Create("code", OFTString), flabel = OGR_Fld_Create("label", OFTString);
    OGR_L_CreateField(dl, fcode, 1);
    OGR_L_CreateField(dl, flabel, 1);
    OGR_Fld_Destroy(fcode);
    OGR_Fld_Destroy(flabel);
    OGR_L_ResetReading(sl);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(sl)) != NULL) {
        const char *code = OGR_F_GetFieldAsString(f, kidx);
        long i = find_code(R, code);
        int r = i >= 0 ? R->index.composite_rank[i] : 0;
        if (r >= 1 && r <= top && OGR_F_GetGeometryRef(f)) {
            OGRFeatureH nf = OGR_F_Create(OGR_L_GetLayerDefn(dl));
            char label[200];
            snprintf(label, sizeof label, "%d %s", r, R->names[i]);
            OGR_F_SetFieldString(nf, 0, code);
            OGR_F_SetFieldString(nf, 1, label);
            OGR_F_SetGeometry(nf, OGR_F_GetGeometryRef(f));
            OGRErr e = OGR_L_CreateFeature(dl, nf);
            OGR_F_Destroy(nf);
            if (e != OGRERR_NONE) {
                OGR_F_Destroy(f);
                wm_error_set(err, WM_EXIT_IO, "%s: cannot write (%s)", path, wm_gdal_last_error());
                goto done;
            }
        }
        OGR_F_Destroy(f);
    }
    rc = 0;
done:
    if (dst) GDALClose(dst);
    if (src) GDALClose(src);
    free(file);
    free(lname);
    return rc;
}

static int draw_map(const ranking *R, const wm_args *a, const char *out, int top, wm_error *err)
{
    const wm_need_index *x = &R->index;
    char ward_default[PATH_MAX];
    const char *ward_spec = wm_args_get(a, "ward-layer", wm_home_path(DEFAULT_WARD_LAYER, ward_default, sizeof ward_default));
    const char *ward_key = wm_args_get(a, "ward-key", NULL);
    const char *tmpbase = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/wardmap-rank-XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
    if (!mkdtemp(dir)) return wm_error_set(err, WM_EXIT_IO, "%s: cannot make a temporary directory (%s)", dir, strerror(errno));
    const char *files[] = { "index.csv", "top.geojson" };
    char csv[PATH_MAX + 16], overlay[PATH_MAX + 16];
    snprintf(csv, sizeof csv, "%s/%s", dir, files[0]);
    snprintf(overlay, sizeof overlay, "%s/%s", dir, files[1]);

    int rc = -1;
    FILE *fp = fopen(csv, "wb");
    if (!fp) { wm_error_set(err, WM_EXIT_IO, "%s: cannot write", csv); goto done; }
    fputs("area_code,index\n", fp);
    for (size_t i = 0; i < R->n; i++) {
        char b[64];
        fmt_value(b, sizeof b, x->score[i], 1);
        fprintf(fp, "%s,%s\n", R->codes[i], b);
    }
    if (fclose(fp) != 0) { wm_error_set(err, WM_EXIT_IO, "%s: cannot write", csv); goto done; }
    if (write_top_overlay(ward_spec, ward_key, R, top, overlay, err) != 0) goto done;

    char highlight[4096] = "";
    for (size_t t = 0; t < R->n; t++) {
        size_t i = R->order[t];
        if (x->composite_rank[i] < 1 || x->composite_rank[i] > top) continue;
        size_t len = strlen(highlight);
        snprintf(highlight + len, sizeof highlight - len, "%s%s", len ? "," : "", R->codes[i]);
    }
    char title[512], subtitle[1024], legend[128], notes[1024];
    if (wm_args_get(a, "title", NULL)) snprintf(title, sizeof title, "%s", wm_args_get(a, "title", NULL));
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

    /* Quintile counts are few whole numbers: one class each. */
    int whole = x->method == WM_NEED_QUINTILE;
    for (size_t j = 0; j < R->k; j++)
        if (R->ind[j].weight != rint(R->ind[j].weight)) whole = 0;
    char breaks[256] = "";
    if (whole) {
        int total = 0;
        for (size_t j = 0; j < R->k; j++) total += (int)R->ind[j].weight;
        if (total + 1 > 12) whole = 0;
        for (int c = 0; c <= total && whole; c++) {
            size_t bl = strlen(breaks);
            snprintf(breaks + bl, sizeof breaks - bl, "%s%d", c ? "," : "", c);
        }
    }

    char *argv[80];
    int n = 0;
    char outbuf[PATH_MAX];
    snprintf(outbuf, sizeof outbuf, "%s", out);
#define ARG(s) (argv[n++] = (char *)(s))
    ARG("render");
    ARG("--layer"); ARG(ward_spec);
    if (ward_key) { ARG("--key"); ARG(ward_key); }
    ARG("--data"); ARG(csv);
    ARG("--data-key"); ARG("area_code");
    ARG("--value"); ARG("index");
    if (whole) { ARG("--method"); ARG("categorical"); ARG("--breaks"); ARG(breaks); }
    else { ARG("--method"); ARG("quantile"); ARG("--classes"); ARG(R->n >= 10 ? "5" : "3"); }
    ARG("--palette"); ARG("YlOrRd");
    if (x->method == WM_NEED_RANK) ARG("--reverse");   /* a low mean rank is high need */
    ARG("--legend-title"); ARG(legend);
    ARG("--title"); ARG(title);
    ARG("--subtitle"); ARG(subtitle);
    ARG("--notes"); ARG(notes);
    for (size_t j = 0; j < R->k && n < 70; j++)
        if (R->meta[j].publisher[0]) { ARG("--source"); ARG(R->meta[j].publisher); }
    if (highlight[0]) {
        ARG("--overlay"); ARG(overlay);
        ARG("--overlay-key"); ARG("code");
        ARG("--overlay-name-field"); ARG("label");
        ARG("--highlight"); ARG(highlight);
    }
    ARG("-o"); ARG(outbuf);
    argv[n] = NULL;
#undef ARG
    rc = wm_command_run(n, argv, err);
    if (rc != 0) wm_error_prefix(err, "rank: drawing the map");
done:
    remove_dir(dir, files, 2);
    return rc ? -1 : 0;
}

/* ---- the command ---- */

int wm_cmd_rank(int argc, char **argv, wm_error *err)
{
    wm_args a;
    ranking R;
    memset(&R, 0, sizeof R);
    int rc = WM_EXIT_USAGE;
    if (wm_args_parse(&a, wm_rank_options, argc, argv, 0, err) != 0) goto done;
    if (a.help) {
        wm_args_usage(stdout, "rank",
                      "[--store PATH] [--indicator ID[:WEIGHT]]... [--method zscore|rank|quintile]\n"
                      "                    [--format csv|markdown] [-o FILE.csv|FILE.md]... [--map OUT.png --top N]",
                      rank_description, wm_rank_options);
        rc = 0;
        goto done;
    }
    wm_need_method method = WM_NEED_ZSCORE;
    const char *m = wm_args_get(&a, "method", "zscore");
    if (wm_need_method_parse(m, &method) != 0) {
        wm_error_set(err, WM_EXIT_USAGE, "rank: --method \"%s\": use zscore, rank or quintile", m);
        goto done;
    }
    const char *format = wm_args_get(&a, "format", "markdown");
    if (strcmp(format, "csv") != 0 && strcmp(format, "markdown") != 0 && strcmp(format, "md") != 0) {
        wm_error_set(err, WM_EXIT_USAGE, "rank: --format \"%s\": use csv or markdown", format);
        goto done;
    }
    int top;
    if (wm_args_int(&a, "top", 5, 1, 1000, &top, err) != 0) goto done;
    const char *store = wm_args_get(&a, "store", NULL);
    const char *geography = wm_args_get(&a, "geography", "ward");

    if (load_indicators(&R, &a, store, geography, err) != 0) { rc = err->code; goto done; }
    if (wm_need_index_compute(&R.index, R.values, R.n, R.ind, R.k, method, err) != 0) { rc = err->code; goto done; }
    order_rows(&R);
    if (!R.order) {
        wm_error_set(err, WM_EXIT_DATA, "rank: out of memory");
        rc = WM_EXIT_DATA;
        goto done;
    }
    if (!wm_args_has(&a, "no-small-areas") && build_small_areas(&R, &a, err) != 0) {
        wm_error_prefix(err, "rank: small-area view (--no-small-areas leaves it out)");
        rc = err->code;
        goto done;
    }

    int nout = 0;
    const char **outs = wm_args_all(&a, "output", &nout);
    int as_csv = strcmp(format, "csv") == 0;
    for (int i = 0; i < nout; i++) {
        int csv = is_ext(outs[i], "csv") || (!is_ext(outs[i], "md") && as_csv);
        if (write_file(outs[i], csv ? write_csv : write_markdown, &R, err) != 0) { rc = err->code; goto done; }
    }
    if (nout == 0 && !wm_args_has(&a, "map") && !wm_args_has(&a, "small-areas")) {
        if (as_csv) write_csv(stdout, &R);
        else write_markdown(stdout, &R);
    }
    const char *sa = wm_args_get(&a, "small-areas", NULL);
    if (sa && R.small_areas && write_file(sa, write_small_areas_csv, &R, err) != 0) { rc = err->code; goto done; }
    const char *map = wm_args_get(&a, "map", NULL);
    if (map && draw_map(&R, &a, map, top, err) != 0) { rc = err->code ? err->code : WM_EXIT_DATA; goto done; }
    rc = 0;
done:
    ranking_free(&R);
    wm_args_free(&a);
    return rc;
}
