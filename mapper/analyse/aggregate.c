#include "aggregate.h"
#include "sort.h"
#include "table.h"

#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[] = {
    [WM_AGG_NONE] = "none",
    [WM_AGG_SUM] = "sum",
    [WM_AGG_RATIO] = "ratio",
    [WM_AGG_WEIGHTED_MEAN] = "weighted mean",
    [WM_AGG_COUNT_IN_CLASS] = "count in class",
    [WM_AGG_SHARE_IN_CLASS] = "share in class",
    [WM_AGG_WEIGHTED_SHARE_IN_CLASS] = "weighted share in class",
};

int wm_agg_method_parse(const char *name, wm_agg_method *out)
{
    for (size_t i = 0; i < sizeof method_names / sizeof *method_names; i++)
        if (strcasecmp(name, method_names[i]) == 0) {
            *out = (wm_agg_method)i;
            return 0;
        }
    return -1;
}

const char *wm_agg_method_name(wm_agg_method m)
{
    return (size_t)m < sizeof method_names / sizeof *method_names ? method_names[m] : "?";
}

int wm_agg_needs_weight(wm_agg_method m)
{
    return m == WM_AGG_WEIGHTED_MEAN || m == WM_AGG_WEIGHTED_SHARE_IN_CLASS;
}

int wm_agg_needs_whole_areas(wm_agg_method m)
{
    return m == WM_AGG_COUNT_IN_CLASS || m == WM_AGG_SHARE_IN_CLASS ||
           m == WM_AGG_WEIGHTED_SHARE_IN_CLASS;
}

/* ---- Links ---- */

typedef struct code_pair { char *child, *parent, *broken; long line; } code_pair;

static int cmp_code_pair(const void *a, const void *b)
{
    const code_pair *x = a, *y = b;
    int c = strcmp(x->child, y->child);
    if (c) return c;
    return (x->line > y->line) - (x->line < y->line);
}

static int cmp_str(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const code_pair *)elem)->child);
}

/* Read one lookup step into pairs sorted by child, one per child; with
 * `multi`, a child may have several parents (a merged area in a change
 * table: the chain settles it). */
static code_pair *read_step(const wm_lookup_step *st, int multi, size_t *n, wm_error *err)
{
    wm_table *t = wm_table_read(st->file, err);
    if (!t) return NULL;
    int cc = wm_table_require_column(t, st->child_col, err);
    int pc = cc < 0 ? -1 : wm_table_require_column(t, st->parent_col, err);
    if (cc < 0 || pc < 0) { wm_table_free(t); return NULL; }
    code_pair *p = malloc((t->nrows + 1) * sizeof *p);
    size_t k = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        char *c = wm_trimmed_dup(wm_table_cell(t, r, cc));
        char *q = wm_trimmed_dup(wm_table_cell(t, r, pc));
        if (!*c || !*q) { free(c); free(q); continue; }
        p[k].child = c;
        p[k].parent = q;
        p[k].broken = NULL;
        p[k].line = wm_table_line(t, r);
        k++;
    }
    wm_sort(p, k, sizeof *p, cmp_code_pair);
    size_t out = 0;
    for (size_t i = 0; i < k; i++) {
        if (out > 0 && strcmp(p[out - 1].child, p[i].child) == 0) {
            int seen = 0;
            for (size_t j = out; j-- > 0 && strcmp(p[j].child, p[i].child) == 0;)
                seen |= strcmp(p[j].parent, p[i].parent) == 0;
            if (multi && !seen) {
                p[out++] = p[i];
                continue;
            }
            if (!seen) {
                wm_error_set(err, WM_EXIT_DATA,
                             "%s:%ld: %s maps to %s here but to %s at line %ld (a lookup must give one parent)",
                             st->file, p[i].line, p[i].child, p[i].parent, p[out - 1].parent, p[out - 1].line);
                for (size_t j = 0; j < out; j++) { free(p[j].child); free(p[j].parent); }
                for (size_t j = i; j < k; j++) { free(p[j].child); free(p[j].parent); }
                free(p);
                wm_table_free(t);
                return NULL;
            }
            free(p[i].child); free(p[i].parent);   /* the same row again */
            continue;
        }
        p[out++] = p[i];
    }
    wm_table_free(t);
    *n = out;
    return p;
}

static void free_pairs(code_pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(p[i].child); free(p[i].parent); free(p[i].broken); }
    free(p);
}

int wm_lookup_chain(const wm_lookup_step *steps, int nsteps, wm_code_map *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    if (nsteps < 1) return wm_error_set(err, WM_EXIT_USAGE, "a lookup chain needs at least one table");
    size_t n = 0;
    code_pair *cur = read_step(&steps[0], nsteps > 1, &n, err);
    if (!cur) return -1;
    for (int s = 1; s < nsteps; s++) {
        size_t m = 0;
        code_pair *next = read_step(&steps[s], 0, &m, err);
        if (!next) { free_pairs(cur, n); return -1; }
        for (size_t i = 0; i < n; i++) {
            if (!cur[i].parent) continue;
            code_pair *hit = bsearch(cur[i].parent, next, m, sizeof *next, cmp_str);
            if (hit) {
                free(cur[i].parent);
                cur[i].parent = strdup(hit->parent);
            } else {
                cur[i].broken = cur[i].parent;
                cur[i].parent = NULL;
            }
        }
        free_pairs(next, m);
    }
    /* A child the first step gave several parents (a merge) must reach one
     * parent at the end of the chain. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(cur[k - 1].child, cur[i].child) == 0) {
            code_pair *a = &cur[k - 1], *b = &cur[i];
            if ((a->parent == NULL) != (b->parent == NULL) ||
                (a->parent && strcmp(a->parent, b->parent) != 0)) {
                wm_error_set(err, WM_EXIT_DATA,
                             "%s:%ld and line %ld: %s has two parents in this step and they lead to %s and %s",
                             steps[0].file, a->line, b->line, a->child, a->parent ? a->parent : a->broken,
                             b->parent ? b->parent : b->broken);
                for (size_t j = 0; j < k; j++) { free(cur[j].child); free(cur[j].parent); free(cur[j].broken); }
                for (size_t j = i; j < n; j++) { free(cur[j].child); free(cur[j].parent); free(cur[j].broken); }
                free(cur);
                return -1;
            }
            free(b->child); free(b->parent); free(b->broken);
            continue;
        }
        cur[k++] = cur[i];
    }
    n = k;
    out->n = n;
    out->child = malloc((n + 1) * sizeof *out->child);
    out->parent = malloc((n + 1) * sizeof *out->parent);
    out->broken_at = malloc((n + 1) * sizeof *out->broken_at);
    for (size_t i = 0; i < n; i++) {
        out->child[i] = cur[i].child;
        out->parent[i] = cur[i].parent;
        out->broken_at[i] = cur[i].broken;
    }
    free(cur);
    return 0;
}

const char *wm_code_map_get(const wm_code_map *m, const char *child)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->child[mid], child);
        if (c == 0) return m->parent[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

void wm_code_map_free(wm_code_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) { free(m->child[i]); free(m->parent[i]); free(m->broken_at[i]); }
    free(m->child);
    free(m->parent);
    free(m->broken_at);
    memset(m, 0, sizeof *m);
}

static void envelope_of(OGRGeometryH g, OGREnvelope *e) { OGR_G_GetEnvelope(g, e); }

static int envelopes_meet(const OGREnvelope *a, const OGREnvelope *b)
{
    return a->MinX <= b->MaxX && b->MinX <= a->MaxX && a->MinY <= b->MaxY && b->MinY <= a->MaxY;
}

long wm_assign_point_on_surface(const wm_layer *child, const wm_layer *parent, long *out,
                                wm_error *err)
{
    OGREnvelope *penv = malloc((parent->n + 1) * sizeof *penv);
    for (size_t j = 0; j < parent->n; j++) envelope_of(parent->features[j].geom, &penv[j]);
    long placed = 0;
    for (size_t i = 0; i < child->n; i++) {
        out[i] = -1;
        OGRGeometryH pt = OGR_G_PointOnSurface(child->features[i].geom);
        if (!pt) {
            free(penv);
            return wm_error_set(err, WM_EXIT_DATA, "%s: feature %s: no point on surface (%s)",
                                child->spec, child->features[i].key, wm_gdal_last_error());
        }
        OGREnvelope pe;
        envelope_of(pt, &pe);
        for (size_t j = 0; j < parent->n; j++) {
            if (!envelopes_meet(&pe, &penv[j])) continue;
            if (OGR_G_Intersects(parent->features[j].geom, pt)) {
                out[i] = (long)j;
                placed++;
                break;
            }
        }
        OGR_G_DestroyGeometry(pt);
    }
    free(penv);
    return placed;
}

/* ---- Pairs ---- */

wm_agg_pair *wm_pairs_whole(size_t nsrc, const long *parent, const double *weight, size_t *npairs)
{
    wm_agg_pair *p = malloc((nsrc + 1) * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < nsrc; i++) {
        if (parent[i] < 0) continue;
        p[k].src = i;
        p[k].tgt = (size_t)parent[i];
        p[k].fraction = 1;
        p[k].weight = weight ? weight[i] : NAN;
        p[k].overlay = 0;
        k++;
    }
    *npairs = k;
    return p;
}

static int cmp_pair(const void *a, const void *b)
{
    const wm_agg_pair *x = a, *y = b;
    if (x->src != y->src) return x->src < y->src ? -1 : 1;
    if (x->tgt != y->tgt) return x->tgt < y->tgt ? -1 : 1;
    return 0;
}

wm_agg_pair *wm_pairs_through(size_t nfine, const long *fine_src, const long *fine_tgt,
                              const double *fine_weight, size_t nsrc, int *needs_fallback,
                              size_t *npairs)
{
    double *total = calloc(nsrc + 1, sizeof *total);
    int *unknown = calloc(nsrc + 1, sizeof *unknown);
    for (size_t k = 0; k < nfine; k++) {
        if (fine_src[k] < 0) continue;
        size_t s = (size_t)fine_src[k];
        if (isnan(fine_weight[k])) unknown[s] = 1;
        else total[s] += fine_weight[k];
    }
    wm_agg_pair *p = malloc((nfine + 1) * sizeof *p);
    size_t k = 0;
    for (size_t f = 0; f < nfine; f++) {
        if (fine_src[f] < 0 || fine_tgt[f] < 0) continue;
        size_t s = (size_t)fine_src[f];
        if (unknown[s] || !(total[s] > 0)) continue;
        p[k].src = s;
        p[k].tgt = (size_t)fine_tgt[f];
        p[k].weight = fine_weight[f];
        p[k].fraction = 0;
        p[k].overlay = 0;
        k++;
    }
    qsort(p, k, sizeof *p, cmp_pair);
    size_t out = 0;
    for (size_t i = 0; i < k; i++) {
        if (out > 0 && p[out - 1].src == p[i].src && p[out - 1].tgt == p[i].tgt)
            p[out - 1].weight += p[i].weight;
        else
            p[out++] = p[i];
    }
    for (size_t i = 0; i < out; i++) p[i].fraction = p[i].weight / total[p[i].src];
    if (needs_fallback)
        for (size_t s = 0; s < nsrc; s++) needs_fallback[s] = unknown[s] || !(total[s] > 0);
    free(total);
    free(unknown);
    *npairs = out;
    return p;
}

wm_agg_pair *wm_pairs_overlay(const wm_layer *src, const wm_layer *tgt, const int *use,
                              size_t *npairs, wm_error *err)
{
    OGREnvelope *tenv = malloc((tgt->n + 1) * sizeof *tenv);
    for (size_t j = 0; j < tgt->n; j++) envelope_of(tgt->features[j].geom, &tenv[j]);
    size_t cap = 64, k = 0;
    wm_agg_pair *p = malloc(cap * sizeof *p);
    for (size_t i = 0; i < src->n; i++) {
        if (use && !use[i]) continue;
        OGRGeometryH sg = src->features[i].geom;
        double sarea = OGR_G_Area(sg);
        if (!(sarea > 0)) {
            free(tenv); free(p);
            wm_error_set(err, WM_EXIT_DATA, "%s: feature %s has no area to overlay", src->spec,
                         src->features[i].key);
            return NULL;
        }
        OGREnvelope se;
        envelope_of(sg, &se);
        for (size_t j = 0; j < tgt->n; j++) {
            if (!envelopes_meet(&se, &tenv[j])) continue;
            OGRGeometryH x = OGR_G_Intersection(sg, tgt->features[j].geom);
            if (!x) continue;
            double a = OGR_G_IsEmpty(x) ? 0 : OGR_G_Area(x);
            OGR_G_DestroyGeometry(x);
            if (a / sarea < 1e-9) continue;
            if (k == cap) { cap *= 2; p = realloc(p, cap * sizeof *p); }
            p[k].src = i;
            p[k].tgt = j;
            p[k].fraction = a / sarea;
            p[k].weight = NAN;
            p[k].overlay = 1;
            k++;
        }
    }
    free(tenv);
    *npairs = k;
    return p;
}

/* ---- Aggregation ---- */

static void finish(wm_agg_method m, double scale, wm_agg_result *r)
{
    r->value = NAN;
    switch (m) {
    case WM_AGG_SUM:
    case WM_AGG_COUNT_IN_CLASS:
        if (r->n_missing == 0 && r->n_areas > 0) r->value = r->numerator;
        break;
    case WM_AGG_RATIO:
        if (r->n_missing == 0 && r->n_areas > 0 && r->denominator != 0)
            r->value = r->numerator / r->denominator * scale;
        break;
    case WM_AGG_SHARE_IN_CLASS:
    case WM_AGG_WEIGHTED_SHARE_IN_CLASS:
        if (r->n_missing == 0 && r->n_areas > 0 && r->denominator > 0)
            r->value = r->numerator / r->denominator * 100.0;
        break;
    case WM_AGG_WEIGHTED_MEAN:
        if (r->n_areas > 0 && r->denominator > 0) r->value = r->numerator / r->denominator;
        break;
    case WM_AGG_NONE:
        break;
    }
}

static void reset(wm_agg_method m, wm_agg_result *r)
{
    memset(r, 0, sizeof *r);
    r->value = NAN;
    r->coverage = NAN;
    r->denominator = m == WM_AGG_SUM ? NAN : 0;
}

/* Coverage sums of one target: in weights (or denominators) and in areas. */
typedef struct cover_sums {
    double w_all, w_have, a_all, a_have;
    int w_unknown;
} cover_sums;

/* The coverage weight of a pair: its weight for weighted methods, the
 * source's share of denominator for a ratio; NAN when there is none. */
static double cover_weight(wm_agg_method m, const wm_agg_pair *p, const double *den)
{
    if (wm_agg_needs_weight(m)) return p->weight;
    if (m == WM_AGG_RATIO) return p->fraction * den[p->src];
    return NAN;
}

static int weighs_coverage(wm_agg_method m)
{
    return wm_agg_needs_weight(m) || m == WM_AGG_RATIO;
}

int wm_aggregate(const wm_agg_rule *rule, const wm_agg_sources *src, const wm_agg_pair *pairs, size_t npairs,
                 size_t ntgt, wm_agg_result *out, wm_error *err)
{
    wm_agg_method method = rule->method;
    double scale = rule->scale, class_lo = rule->class_lo, class_hi = rule->class_hi;
    size_t nsrc = src->n;
    const double *value = src->value, *num = src->num, *den = src->den;
    for (size_t t = 0; t < ntgt; t++) reset(method, &out[t]);
    if (method == WM_AGG_NONE) return 0;
    if (method == WM_AGG_RATIO && (!num || !den))
        return wm_error_set(err, WM_EXIT_DATA, "ratio aggregation needs numerators and denominators");
    cover_sums *cs = calloc(ntgt + 1, sizeof *cs);
    if (!cs) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (size_t k = 0; k < npairs; k++) {
        const wm_agg_pair *p = &pairs[k];
        if (p->src >= nsrc || p->tgt >= ntgt) {
            free(cs);
            return wm_error_set(err, WM_EXIT_DATA, "aggregation pair %zu refers to no area", k);
        }
        wm_agg_result *r = &out[p->tgt];
        if (p->overlay) r->overlay = 1;
        if (p->fraction != 1) r->split = 1;
        int before = r->n_areas;
        double x = value ? value[p->src] : NAN;
        if (wm_agg_needs_whole_areas(method) && p->fraction != 1) {
            free(cs);
            return wm_error_set(err, WM_EXIT_DATA,
                                "%s needs each source area wholly in one target (source %zu is split %.3f)",
                                wm_agg_method_name(method), p->src, p->fraction);
        }
        switch (method) {
        case WM_AGG_SUM:
            if (isnan(x)) { r->n_missing++; break; }
            r->numerator += p->fraction * x;
            r->n_areas++;
            break;
        case WM_AGG_RATIO: {
            double n = num[p->src], d = den[p->src];
            if (isnan(n) || isnan(d)) { r->n_missing++; break; }
            r->numerator += p->fraction * n;
            r->denominator += p->fraction * d;
            r->n_areas++;
            break;
        }
        case WM_AGG_WEIGHTED_MEAN:
            if (isnan(x)) { r->n_missing++; break; }
            if (isnan(p->weight)) {
                free(cs);
                return wm_error_set(err, WM_EXIT_DATA, "weighted mean: source %zu has a value but no weight",
                                    p->src);
            }
            r->numerator += p->weight * x;
            r->denominator += p->weight;
            r->n_areas++;
            break;
        case WM_AGG_COUNT_IN_CLASS:
        case WM_AGG_SHARE_IN_CLASS:
            if (isnan(x)) { r->n_missing++; break; }
            if (x >= class_lo && x <= class_hi) r->numerator += 1;
            r->denominator += 1;
            r->n_areas++;
            break;
        case WM_AGG_WEIGHTED_SHARE_IN_CLASS:
            if (isnan(x)) { r->n_missing++; break; }
            if (isnan(p->weight)) {
                free(cs);
                return wm_error_set(err, WM_EXIT_DATA,
                                    "weighted share: source %zu has a value but no weight", p->src);
            }
            if (x >= class_lo && x <= class_hi) r->numerator += p->weight;
            r->denominator += p->weight;
            r->n_areas++;
            break;
        case WM_AGG_NONE:
            break;
        }
        /* Coverage: did this pair's source contribute? */
        cover_sums *c = &cs[p->tgt];
        int have = r->n_areas > before;
        double w = cover_weight(method, p, den);
        if (isnan(w)) c->w_unknown = 1;
        else {
            c->w_all += w;
            if (have) c->w_have += w;
        }
        c->a_all += p->fraction;
        if (have) c->a_have += p->fraction;
    }
    for (size_t t = 0; t < ntgt; t++) {
        finish(method, scale, &out[t]);
        const cover_sums *c = &cs[t];
        if (weighs_coverage(method) && !c->w_unknown && c->w_all > 0) {
            out[t].coverage = c->w_have / c->w_all;
            out[t].coverage_by_weight = 1;
        } else if (c->a_all > 0) {
            out[t].coverage = c->a_have / c->a_all;
        }
        /* Whole within rounding: a sum of fractions that adds up to all. */
        if (fabs(out[t].coverage - 1) < 1e-12) out[t].coverage = 1;
    }
    free(cs);
    return 0;
}

wm_agg_pair *wm_pairs_compose(const wm_agg_pair *pairs, size_t npairs, const long *parent,
                              size_t *nout)
{
    wm_agg_pair *p = malloc((npairs + 1) * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < npairs; i++) {
        if (parent[pairs[i].tgt] < 0) continue;
        p[k] = pairs[i];
        p[k].tgt = (size_t)parent[pairs[i].tgt];
        k++;
    }
    qsort(p, k, sizeof *p, cmp_pair);
    size_t out = 0;
    for (size_t i = 0; i < k; i++) {
        if (out > 0 && p[out - 1].src == p[i].src && p[out - 1].tgt == p[i].tgt) {
            wm_agg_pair *q = &p[out - 1];
            q->fraction += p[i].fraction;
            q->weight += p[i].weight;     /* NAN stays NAN: unknown */
            q->overlay |= p[i].overlay;
        } else {
            p[out++] = p[i];
        }
    }
    /* Fractions that add back up to a whole source are exactly whole. */
    for (size_t i = 0; i < out; i++)
        if (fabs(p[i].fraction - 1) < 1e-9) p[i].fraction = 1;
    *nout = out;
    return p;
}
