#include "need_index.h"
#include "cluster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int wm_need_method_parse(const char *name, wm_need_method *out)
{
    if (!name) return -1;
    if (strcmp(name, "zscore") == 0) *out = WM_NEED_ZSCORE;
    else if (strcmp(name, "rank") == 0) *out = WM_NEED_RANK;
    else if (strcmp(name, "quintile") == 0) *out = WM_NEED_QUINTILE;
    else return -1;
    return 0;
}

const char *wm_need_method_name(wm_need_method m)
{
    switch (m) {
    case WM_NEED_ZSCORE: return "zscore";
    case WM_NEED_RANK: return "rank";
    case WM_NEED_QUINTILE: return "quintile";
    }
    return "?";
}

void wm_need_zscores(const double *values, size_t n, size_t k, size_t col, int polarity,
                     double *z)
{
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double x = values[i * k + col];
        if (!isnan(x)) { sum += x; m++; }
    }
    if (m < 2) {
        for (size_t i = 0; i < n; i++) z[i] = NAN;
        return;
    }
    double mean = sum / (double)m, ss = 0;
    for (size_t i = 0; i < n; i++) {
        double x = values[i * k + col];
        if (!isnan(x)) ss += (x - mean) * (x - mean);
    }
    double sd = sqrt(ss / (double)(m - 1));
    for (size_t i = 0; i < n; i++) {
        double x = values[i * k + col];
        if (isnan(x)) z[i] = NAN;
        else z[i] = sd > 0 ? polarity * (x - mean) / sd : 0.0;
    }
}

typedef struct keyed { double v; size_t i; } keyed;

static int by_value_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v > y->v) return -1;
    if (x->v < y->v) return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The non-missing entries of `v` (stride `stride`), oriented so that
 * larger = more need, sorted that way: the shared first step of ranking. */
static size_t sorted_by_need(const double *v, size_t n, size_t stride, int sign, keyed *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isnan(x)) { out[m].v = sign * x; out[m].i = i; m++; }
    }
    qsort(out, m, sizeof *out, by_value_desc);
    return m;
}

size_t wm_need_ranks(const double *values, size_t n, size_t k, size_t col, int polarity,
                     double *rank)
{
    keyed *s = malloc((n ? n : 1) * sizeof *s);
    if (!s) return 0;
    for (size_t i = 0; i < n; i++) rank[i] = NAN;
    size_t m = sorted_by_need(values + col, n, k, polarity, s);
    for (size_t a = 0; a < m;) {
        size_t b = a;
        while (b + 1 < m && s[b + 1].v == s[a].v) b++;
        double mean_rank = (double)(a + 1 + b + 1) / 2.0;
        for (size_t t = a; t <= b; t++) rank[s[t].i] = mean_rank;
        a = b + 1;
    }
    free(s);
    return m;
}

/* Scores this close are ties: sums of the same terms in another order
 * may differ in the last bits. */
static int same_score(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

void wm_need_order(const double *score, size_t n, int higher_is_better, int *rank)
{
    keyed *s = malloc((n ? n : 1) * sizeof *s);
    if (!s) return;
    for (size_t i = 0; i < n; i++) rank[i] = 0;
    size_t m = sorted_by_need(score, n, 1, higher_is_better ? 1 : -1, s);
    for (size_t a = 0; a < m; a++) {
        if (a > 0 && same_score(s[a].v, s[a - 1].v)) rank[s[a].i] = rank[s[a - 1].i];
        else rank[s[a].i] = (int)(a + 1);
    }
    free(s);
}

/* The composite of every area under weights w[0..k-1], from the per-
 * indicator z-scores, ranks and worst-quintile flags. */
static void composite(const wm_need_index *x, const double *w, double *score, int *rank)
{
    size_t n = x->n, k = x->k;
    for (size_t i = 0; i < n; i++) {
        double num = 0, den = 0;
        int missing = 0;
        for (size_t j = 0; j < k; j++) {
            if (w[j] <= 0) continue;
            double r = x->rank[i * k + j];
            if (isnan(r)) { missing = 1; break; }
            double term = x->method == WM_NEED_ZSCORE ? x->z[i * k + j]
                        : x->method == WM_NEED_RANK ? r
                        : (double)x->worst[i * k + j];
            num += w[j] * term;
            den += w[j];
        }
        if (missing || den <= 0) score[i] = NAN;
        else score[i] = x->method == WM_NEED_QUINTILE ? num : num / den;
    }
    wm_need_order(score, n, x->method != WM_NEED_RANK, rank);
}

static void widen(int *lo, int *hi, const int *rank, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rank[i] == 0 || lo[i] == 0) continue;   /* No data at baseline stays so */
        if (rank[i] < lo[i]) lo[i] = rank[i];
        if (rank[i] > hi[i]) hi[i] = rank[i];
    }
}

int wm_need_index_compute(wm_need_index *out, const double *values, size_t n,
                          const wm_need_indicator *ind, size_t k, wm_need_method method,
                          wm_error *err)
{
    memset(out, 0, sizeof *out);
    if (k == 0) return wm_error_set(err, WM_EXIT_USAGE, "need index: no indicators");
    size_t weighted = 0;
    for (size_t j = 0; j < k; j++) {
        const char *id = ind[j].id ? ind[j].id : "?";
        if (ind[j].polarity != 1 && ind[j].polarity != -1)
            return wm_error_set(err, WM_EXIT_USAGE, "need index: indicator %s has polarity %d (want +1 or -1)",
                                id, ind[j].polarity);
        if (!isfinite(ind[j].weight) || ind[j].weight < 0)
            return wm_error_set(err, WM_EXIT_USAGE, "need index: indicator %s has weight %g (want a number >= 0)",
                                id, ind[j].weight);
        if (ind[j].weight > 0) weighted++;
    }
    if (weighted == 0) return wm_error_set(err, WM_EXIT_USAGE, "need index: every weight is zero");

    out->n = n;
    out->k = k;
    out->method = method;
    size_t nk = (n ? n : 1) * k, n1 = n ? n : 1;
    out->z = malloc(nk * sizeof *out->z);
    out->rank = malloc(nk * sizeof *out->rank);
    out->worst = calloc(nk, 1);
    out->score = malloc(n1 * sizeof *out->score);
    out->composite_rank = calloc(n1, sizeof(int));
    out->loo_min = calloc(n1, sizeof(int));
    out->loo_max = calloc(n1, sizeof(int));
    out->weight_min = calloc(n1, sizeof(int));
    out->weight_max = calloc(n1, sizeof(int));
    double *col = malloc(n1 * sizeof *col);
    double *w = malloc(k * sizeof *w);
    double *vscore = malloc(n1 * sizeof *vscore);
    int *vrank = malloc(n1 * sizeof *vrank);
    if (!out->z || !out->rank || !out->worst || !out->score || !out->composite_rank ||
        !out->loo_min || !out->loo_max || !out->weight_min || !out->weight_max || !col || !w ||
        !vscore || !vrank) {
        free(col); free(w); free(vscore); free(vrank);
        wm_need_index_free(out);
        return wm_error_set(err, WM_EXIT_DATA, "need index: out of memory");
    }

    for (size_t j = 0; j < k; j++) {
        wm_need_zscores(values, n, k, j, ind[j].polarity, col);
        for (size_t i = 0; i < n; i++) out->z[i * k + j] = col[i];
        size_t m = wm_need_ranks(values, n, k, j, ind[j].polarity, col);
        for (size_t i = 0; i < n; i++) {
            out->rank[i * k + j] = col[i];
            out->worst[i * k + j] = !isnan(col[i]) && col[i] * 5.0 <= (double)m;
        }
    }

    for (size_t j = 0; j < k; j++) w[j] = ind[j].weight;
    composite(out, w, out->score, out->composite_rank);
    for (size_t i = 0; i < n; i++)
        out->loo_min[i] = out->loo_max[i] = out->weight_min[i] = out->weight_max[i] =
            out->composite_rank[i];

    for (size_t j = 0; j < k && weighted > 1; j++) {
        if (ind[j].weight <= 0) continue;
        for (size_t t = 0; t < k; t++) w[t] = t == j ? 0.0 : ind[t].weight;
        composite(out, w, vscore, vrank);
        widen(out->loo_min, out->loo_max, vrank, n);
    }
    for (size_t j = 0; j < k; j++) {
        if (ind[j].weight <= 0) continue;
        for (int up = 0; up < 2; up++) {
            for (size_t t = 0; t < k; t++) w[t] = ind[t].weight;
            w[j] = up ? w[j] * WM_NEED_WEIGHT_FACTOR : w[j] / WM_NEED_WEIGHT_FACTOR;
            composite(out, w, vscore, vrank);
            widen(out->weight_min, out->weight_max, vrank, n);
        }
    }
    free(col); free(w); free(vscore); free(vrank);
    return 0;
}

void wm_need_index_free(wm_need_index *x)
{
    if (!x) return;
    free(x->z); free(x->rank); free(x->worst); free(x->score); free(x->composite_rank);
    free(x->loo_min); free(x->loo_max); free(x->weight_min); free(x->weight_max);
    memset(x, 0, sizeof *x);
}

/* ---- small-area view ---- */

typedef struct member { const char *code; int group; size_t size; } member;

/* Largest group first, then by code, so a ward's main cluster leads. */
static int by_group(const void *a, const void *b)
{
    const member *x = a, *y = b;
    if (x->group != y->group) {
        if (x->size != y->size) return x->size > y->size ? -1 : 1;
        return x->group < y->group ? -1 : 1;
    }
    return strcmp(x->code, y->code);
}

static int build_ward(wm_small_area_ward *w, const wm_layer *areas, const double *decile,
                      const char *const *ward_of, const char *ward)
{
    size_t *idx = malloc((areas->n ? areas->n : 1) * sizeof *idx);
    if (!idx) return -1;
    size_t m = 0;
    for (size_t i = 0; i < areas->n; i++) {
        if (!ward_of[i] || strcmp(ward_of[i], ward) != 0) continue;
        w->areas++;
        if (decile[i] == 1.0) idx[m++] = i;
    }
    w->worst = m;
    w->codes = calloc(m ? m : 1, sizeof *w->codes);
    w->cluster = calloc(m ? m : 1, sizeof *w->cluster);
    OGRGeometryH *g = malloc((m ? m : 1) * sizeof *g);
    int *comp = malloc((m ? m : 1) * sizeof *comp);
    member *mem = malloc((m ? m : 1) * sizeof *mem);
    unsigned char *adj = NULL;
    int ok = w->codes && w->cluster && g && comp && mem;
    if (ok && m > 0) {
        for (size_t t = 0; t < m; t++) g[t] = areas->features[idx[t]].geom;
        adj = wm_neighbours(g, m);
        ok = adj != NULL;
    }
    if (ok && m > 0) {
        w->clusters = wm_components(adj, m, comp);
        size_t *size = calloc((size_t)w->clusters, sizeof *size);
        ok = size != NULL && w->clusters > 0;
        if (ok) {
            for (size_t t = 0; t < m; t++) size[comp[t]]++;
            for (int c = 0; c < w->clusters; c++)
                if (size[c] > w->largest) w->largest = size[c];
            for (size_t t = 0; t < m; t++) {
                mem[t].code = areas->features[idx[t]].key;
                mem[t].group = comp[t];
                mem[t].size = size[comp[t]];
            }
            qsort(mem, m, sizeof *mem, by_group);
            int number = 0;
            for (size_t t = 0; t < m && ok; t++) {
                if (t == 0 || mem[t].group != mem[t - 1].group) number++;
                w->codes[t] = strdup(mem[t].code);
                w->cluster[t] = number;
                ok = w->codes[t] != NULL;
            }
        }
        free(size);
    }
    free(idx); free(g); free(comp); free(mem); free(adj);
    return ok ? 0 : -1;
}

int wm_small_area_view_build(wm_small_area_view *v, const wm_layer *areas,
                             const double *decile, const char *const *ward_of,
                             const char *const *wards, size_t nwards, wm_error *err)
{
    memset(v, 0, sizeof *v);
    v->wards = calloc(nwards ? nwards : 1, sizeof *v->wards);
    if (!v->wards) return wm_error_set(err, WM_EXIT_DATA, "small-area view: out of memory");
    v->n = nwards;
    for (size_t i = 0; i < nwards; i++) {
        v->wards[i].ward = strdup(wards[i]);
        if (!v->wards[i].ward || build_ward(&v->wards[i], areas, decile, ward_of, wards[i]) != 0) {
            wm_small_area_view_free(v);
            return wm_error_set(err, WM_EXIT_DATA, "small-area view: out of memory");
        }
    }
    return 0;
}

int wm_small_area_contiguous(const wm_small_area_ward *w)
{
    return w->worst > 0 && w->clusters == 1;
}

void wm_small_area_view_free(wm_small_area_view *v)
{
    if (!v || !v->wards) return;
    for (size_t i = 0; i < v->n; i++) {
        wm_small_area_ward *w = &v->wards[i];
        if (w->codes)
            for (size_t t = 0; t < w->worst; t++) free(w->codes[t]);
        free(w->codes);
        free(w->cluster);
        free(w->ward);
    }
    free(v->wards);
    memset(v, 0, sizeof *v);
}
