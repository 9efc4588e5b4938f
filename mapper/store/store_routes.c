/* How one indicator's source values reach each target geography: a
 * direct link, up from an earlier target, apportioned through a finer
 * geography, or by area overlay (docs/store.md, "Routes").  The
 * arithmetic is aggregate.h's. */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The stored values of (id, period) at `geography` for every area of
 * `areas` (NAN where none).  num/den may be NULL. */
static int read_source_values(wm_imp_ctx *c, const char *id, const char *period, const char *geography,
                              const wm_area_set *areas, double *value, double *num, double *den, wm_error *err)
{
    for (size_t i = 0; i < areas->n; i++) {
        value[i] = NAN;
        if (num) num[i] = NAN;
        if (den) den[i] = NAN;
    }
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT area_code, value, numerator, denominator FROM indicator_values "
                           "WHERE indicator_id = ? AND period = ? AND geography = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, geography, -1, SQLITE_STATIC);
    while (wm_imp_step(c, q) == SQLITE_ROW) {
        long i = wm_imp_area_find(areas, (const char *)sqlite3_column_text(q, 0));
        if (i < 0) continue;
        if (sqlite3_column_type(q, 1) != SQLITE_NULL) value[i] = sqlite3_column_double(q, 1);
        if (num && sqlite3_column_type(q, 2) != SQLITE_NULL) num[i] = sqlite3_column_double(q, 2);
        if (den && sqlite3_column_type(q, 3) != SQLITE_NULL) den[i] = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
    return 0;
}

typedef struct target_pairs {
    char geography[32];
    wm_area_set areas;
    wm_agg_pair *pairs;
    size_t npairs;
    char method[400];
} target_pairs;

/* Pairs from `sg` areas to `tg` areas, trying in turn: a direct link; a
 * link up from an earlier target; apportionment through a finer
 * geography; area overlay. */
static int make_pairs(wm_imp_ctx *c, const wm_meta_doc *d, const wm_imp_indicator *ind, const char *sg, const wm_area_set *src,
                      const double *src_weight, const char *weight_geo, const char *weight_period,
                      const target_pairs *done, int ndone, target_pairs *tp, wm_error *err)
{
    const char *tg = tp->geography;
    int weighted = wm_agg_needs_weight(ind->agg);
    char lm[300];
    if (wm_imp_has_links(c, sg, tg)) {
        if (weighted && strcmp(weight_geo, sg) != 0)
            return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: weight %s is for %s areas but the "
                                 "values are for %s areas, which link directly to %s", ind->id, ind->weight,
                                 weight_geo, sg, tg);
        long *parent = malloc((src->n + 1) * sizeof *parent);
        wm_imp_load_links(c, sg, src, tg, &tp->areas, parent, lm, sizeof lm);
        tp->pairs = wm_pairs_whole(src->n, parent, weighted ? src_weight : NULL, &tp->npairs);
        free(parent);
        wm_imp_fmt(tp->method, sizeof tp->method, "%s -> %s by %s", sg, tg, lm);
        return 0;
    }
    for (int k = ndone - 1; k >= 0; k--) {
        if (!wm_imp_has_links(c, done[k].geography, tg)) continue;
        long *parent = malloc((done[k].areas.n + 1) * sizeof *parent);
        wm_imp_load_links(c, done[k].geography, &done[k].areas, tg, &tp->areas, parent, lm, sizeof lm);
        tp->pairs = wm_pairs_compose(done[k].pairs, done[k].npairs, parent, &tp->npairs);
        free(parent);
        wm_imp_fmt(tp->method, sizeof tp->method, "%s, then %s -> %s by %s", done[k].method, done[k].geography, tg,
                 lm);
        return 0;
    }
    /* Through a finer geography: the weight's (weighted methods) or the
     * apportioning indicator's (sums and ratios). */
    const char *via_id = weighted ? ind->weight : ind->apportion;
    char via_geo[32] = "", via_period[32] = "";
    if (via_id) {
        if (weighted) {
            snprintf(via_geo, sizeof via_geo, "%s", weight_geo);
            snprintf(via_period, sizeof via_period, "%s", weight_period);
        } else if (wm_imp_indicator_home(c, via_id, NULL, via_geo, sizeof via_geo, via_period, sizeof via_period) != 0) {
            return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: apportion = %s, which the store does "
                                 "not hold (import it first)", ind->id, via_id);
        }
    }
    wm_layer *sl = NULL, *tl = NULL;
    int *fallback = calloc(src->n + 1, sizeof *fallback);
    size_t nfallback = src->n;
    for (size_t i = 0; i < src->n; i++) fallback[i] = 1;
    tp->pairs = NULL;
    tp->npairs = 0;
    int rc = 0;
    if (via_id && strcmp(via_geo, sg) != 0 && wm_imp_has_links(c, via_geo, sg) && wm_imp_has_links(c, via_geo, tg)) {
        wm_area_set fine;
        if (wm_imp_load_areas(c, via_geo, &fine, err) != 0) { free(fallback); return -1; }
        long *fs = malloc((fine.n + 1) * sizeof *fs), *ft = malloc((fine.n + 1) * sizeof *ft);
        double *fw = malloc((fine.n + 1) * sizeof *fw);
        char lm2[300];
        wm_imp_load_links(c, via_geo, &fine, sg, src, fs, lm, sizeof lm);
        wm_imp_load_links(c, via_geo, &fine, tg, &tp->areas, ft, lm2, sizeof lm2);
        rc = read_source_values(c, via_id, via_period, via_geo, &fine, fw, NULL, NULL, err);
        if (rc == 0) {
            tp->pairs = wm_pairs_through(fine.n, fs, ft, fw, src->n, fallback, &tp->npairs);
            nfallback = 0;
            for (size_t i = 0; i < src->n; i++) nfallback += fallback[i] != 0;
            wm_imp_fmt(tp->method, sizeof tp->method,
                     "%s -> %s apportioned by %s of the %s areas in each (%s -> %s by %s; %s -> %s by %s)", sg, tg,
                     via_id, via_geo, via_geo, sg, lm, via_geo, tg, lm2);
        }
        free(fs); free(ft); free(fw);
        wm_imp_area_set_free(&fine);
        if (rc != 0) { free(fallback); return -1; }
    } else {
        wm_imp_fmt(tp->method, sizeof tp->method, "%s -> %s by area-weighted overlay of the boundaries", sg, tg);
    }
    if (nfallback > 0) {
        /* Area-weighted overlay for the sources without population. */
        sl = wm_imp_layer_of(c, sg, err);
        tl = sl ? wm_imp_layer_of(c, tg, err) : NULL;
        if (!tl) {
            wm_error_prefix(err, "[indicator %s]: %zu %s areas need area overlay onto %s", ind->id, nfallback, sg, tg);
            free(fallback); free(tp->pairs); tp->pairs = NULL;
            return -1;
        }
        int *use = calloc(sl->n + 1, sizeof *use);
        for (size_t f = 0; f < sl->n; f++) {
            long i = wm_imp_area_find(src, sl->features[f].key);
            use[f] = i >= 0 && fallback[i];
        }
        size_t no = 0;
        wm_agg_pair *ov = wm_pairs_overlay(sl, tl, use, &no, err);
        free(use);
        if (!ov) { free(fallback); free(tp->pairs); tp->pairs = NULL; return -1; }
        tp->pairs = realloc(tp->pairs, (tp->npairs + no + 1) * sizeof *tp->pairs);
        for (size_t k = 0; k < no; k++) {
            long si = wm_imp_area_find(src, sl->features[ov[k].src].key);
            long ti = wm_imp_area_find(&tp->areas, tl->features[ov[k].tgt].key);
            if (si < 0 || ti < 0) continue;
            wm_agg_pair p = ov[k];
            p.src = (size_t)si;
            p.tgt = (size_t)ti;
            if (weighted) {
                if (strcmp(weight_geo, sg) != 0) {
                    free(ov); free(fallback);
                    return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: %s area %s has no %s weight to "
                                         "apportion by, and overlay needs a weight for %s areas", ind->id, sg,
                                         src->code[si], ind->weight, sg);
                }
                p.weight = src_weight[si] * p.fraction;
            }
            tp->pairs[tp->npairs++] = p;
        }
        free(ov);
        if (nfallback < src->n) {
            size_t len = strlen(tp->method);
            wm_imp_fmt(tp->method + len, sizeof tp->method - len, "; area-weighted overlay for %zu %s area%s without %s",
                     nfallback, sg, nfallback == 1 ? "" : "s", via_id);
        }
    }
    free(fallback);
    return 0;
}

/* Coverage of this method is measured in weights or denominators. */
static int weighs(const wm_imp_indicator *ind)
{
    return wm_agg_needs_weight(ind->agg) || ind->agg == WM_AGG_RATIO;
}

static void describe_method(const wm_imp_indicator *ind, char *buf, size_t size)
{
    switch (ind->agg) {
    case WM_AGG_SUM: snprintf(buf, size, "sum of counts"); break;
    case WM_AGG_RATIO: snprintf(buf, size, "ratio of summed numerator to summed denominator"); break;
    case WM_AGG_WEIGHTED_MEAN: snprintf(buf, size, "mean weighted by %s", ind->weight); break;
    case WM_AGG_COUNT_IN_CLASS: snprintf(buf, size, "count of areas in class %s", ind->class_text); break;
    case WM_AGG_SHARE_IN_CLASS: snprintf(buf, size, "share of areas in class %s", ind->class_text); break;
    case WM_AGG_WEIGHTED_SHARE_IN_CLASS:
        snprintf(buf, size, "share of %s in areas in class %s", ind->weight, ind->class_text);
        break;
    case WM_AGG_NONE: snprintf(buf, size, "none"); break;
    }
}

/* weight = A, B, ...: the first that the store holds for every area of
 * its geography (e.g. a mid-2022 population published for one authority
 * only, else the national Census 2021 one); failing that the first it
 * holds at all.  Records the choice in the indicator's row. */
static int choose_weight(wm_imp_ctx *c, const wm_meta_doc *d, wm_imp_indicator *ind, wm_error *err)
{
    if (ind->nweights == 0) return 0;
    int chosen = -1, first_held = -1;
    long chosen_missing = 0;
    for (int i = 0; i < ind->nweights && chosen < 0; i++) {
        char geo[32], per[32];
        if (wm_imp_indicator_home(c, ind->weights[i], NULL, geo, sizeof geo, per, sizeof per) != 0) continue;
        sqlite3_stmt *q = NULL;
        long missing = -1, areas = 0;
        if (sqlite3_prepare_v2(c->db,
                               "SELECT count(*), sum(NOT EXISTS (SELECT 1 FROM indicator_values v WHERE "
                               "v.indicator_id = ?2 AND v.period = ?3 AND v.geography = ?1 AND v.area_code = a.code "
                               "AND v.value IS NOT NULL)) FROM areas a WHERE a.geography = ?1",
                               -1, &q, NULL) != SQLITE_OK)
            return wm_imp_sql_error(c, err, "query");
        sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, ind->weights[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, per, -1, SQLITE_STATIC);
        if (wm_imp_step(c, q) == SQLITE_ROW) {
            areas = sqlite3_column_int64(q, 0);
            missing = sqlite3_column_int64(q, 1);
        }
        sqlite3_finalize(q);
        if (areas == 0 || missing == areas) continue;     /* held, but for none of the study's areas */
        if (first_held < 0) { first_held = i; chosen_missing = missing; }
        if (missing == 0) chosen = i;
    }
    if (chosen < 0) chosen = first_held;
    if (chosen < 0)
        return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: weight = %s: the store holds none of them for "
                             "the study's areas (import them first)", ind->id, wm_meta_get(ind->sec, "weight"));
    ind->weight = ind->weights[chosen];
    if (ind->nweights > 1)
        wm_imp_say(c, "  %s: weighted by %s (the first of \"%s\" held for %s)", ind->id, ind->weight,
                   wm_meta_get(ind->sec, "weight"), chosen == first_held && chosen_missing ? "some areas" : "every area");
    return wm_imp_exec(c, err, "UPDATE indicators SET weight = ? WHERE id = ? AND period = ?", ind->weight, ind->id,
                       ind->period);
}

/* What coverage is measured in, for the indicator's row. */
static void coverage_basis(wm_imp_ctx *c, const wm_imp_indicator *ind, const char *sg, char *buf, size_t size)
{
    if (wm_agg_needs_weight(ind->agg)) {
        sqlite3_stmt *q = NULL;
        const char *title = NULL;
        if (sqlite3_prepare_v2(c->db, "SELECT title FROM indicators WHERE id = ? ORDER BY period DESC LIMIT 1", -1, &q,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, ind->weight, -1, SQLITE_STATIC);
            if (wm_imp_step(c, q) == SQLITE_ROW) title = (const char *)sqlite3_column_text(q, 0);
        }
        wm_imp_fmt(buf, size, "%s%s%s", ind->weight, title ? ": " : "", title ? title : "");
        sqlite3_finalize(q);
    } else if (ind->agg == WM_AGG_RATIO) {
        wm_imp_fmt(buf, size, "the denominator: \"%s\"", ind->den_col ? ind->den_col : "?");
    } else {
        wm_imp_fmt(buf, size, "%s areas", sg);
    }
}

/* Aggregate one indicator's source values to each of its targets. */
int wm_imp_aggregate_indicator(wm_imp_ctx *c, const wm_meta_doc *d, wm_imp_indicator *ind, wm_error *err)
{
    if (ind->agg == WM_AGG_NONE) return 0;
    if (choose_weight(c, d, ind, err) != 0) return -1;
    const char *vid = ind->from ? ind->from : ind->id;
    char sg[32], vperiod[32];
    if (wm_imp_indicator_home(c, vid, ind->period, sg, sizeof sg, vperiod, sizeof vperiod) != 0)
        return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: from = %s, which the store does not hold for "
                             "period %s (import it first)", ind->id, vid, ind->period);
    wm_area_set src;
    if (wm_imp_load_areas(c, sg, &src, err) != 0) return -1;
    size_t n = src.n;
    double *value = malloc((n + 1) * sizeof *value), *num = malloc((n + 1) * sizeof *num),
           *den = malloc((n + 1) * sizeof *den), *w = NULL;
    target_pairs tps[MAX_TARGETS];
    memset(tps, 0, sizeof tps);
    int ndone = 0, rc = read_source_values(c, vid, vperiod, sg, &src, value, num, den, err);
    char wgeo[32] = "", wper[32] = "";
    if (rc == 0 && ind->weight) {
        if (wm_imp_indicator_home(c, ind->weight, NULL, wgeo, sizeof wgeo, wper, sizeof wper) != 0) {
            rc = wm_meta_error(d, ind->sec->line, err, "[indicator %s]: weight = %s, which the store does not hold "
                               "(import it first)", ind->id, ind->weight);
        } else {
            w = malloc((n + 1) * sizeof *w);
            if (strcmp(wgeo, sg) == 0) rc = read_source_values(c, ind->weight, wper, sg, &src, w, NULL, NULL, err);
            else for (size_t i = 0; i < n; i++) w[i] = NAN;
        }
    }
    char how[200], basis[300];
    describe_method(ind, how, sizeof how);
    coverage_basis(c, ind, sg, basis, sizeof basis);
    if (rc == 0 && !ind->stored)
        rc = wm_imp_exec(c, err, "UPDATE indicators SET coverage_basis = ? WHERE id = ? AND period = ?", basis,
                         ind->id, ind->period);
    int modelled = ind->estimate && strcmp(ind->estimate, "modelled") == 0;
    int aggregates = ind->estimate && strcmp(ind->estimate, "aggregates") == 0;
    wm_imp_fmt(c->line, sizeof c->line, "  %s (%s): areas with a value:", ind->id, how);
    sqlite3_stmt *ins = wm_imp_prepare_value_insert(c);
    for (int t = 0; rc == 0 && t < ind->nto; t++) {
        target_pairs *tp = &tps[ndone];
        snprintf(tp->geography, sizeof tp->geography, "%s", ind->to[t]);
        if ((rc = wm_imp_load_areas(c, tp->geography, &tp->areas, err)) != 0) break;
        if (tp->areas.n == 0) {
            rc = wm_meta_error(d, ind->sec->line, err, "[indicator %s]: no %s areas in the store to aggregate to",
                               ind->id, tp->geography);
            wm_imp_area_set_free(&tp->areas);
            break;
        }
        ndone++;
        if ((rc = make_pairs(c, d, ind, sg, &src, w, wgeo, wper, tps, ndone - 1, tp, err)) != 0) break;
        wm_agg_result *res = malloc((tp->areas.n + 1) * sizeof *res);
        wm_agg_rule rule = { ind->agg, ind->scale, ind->class_lo, ind->class_hi };
        wm_agg_sources sources = { n, value, num, den };
        rc = wm_aggregate(&rule, &sources, tp->pairs, tp->npairs, tp->areas.n, res, err);
        if (rc != 0) wm_error_prefix(err, "[indicator %s] to %s", ind->id, tp->geography);
        size_t with_value = 0;
        for (size_t k = 0; rc == 0 && k < tp->areas.n; k++) {
            char method[800], note[64] = "";
            const wm_agg_result *r = &res[k];
            wm_imp_fmt(method, sizeof method, "%s; %s%s", how, tp->method,
                       weighs(ind) && !r->coverage_by_weight && r->n_missing ? "; coverage counted in source areas "
                       "(a source without a value has no weight)" : "");
            if (r->split) wm_imp_fmt(note, sizeof note, "%sapportioned from %s", modelled ? "modelled at source; " : "", sg);
            else if (modelled) wm_imp_fmt(note, sizeof note, "modelled at source");
            else if (aggregates) wm_imp_fmt(note, sizeof note, "estimated from %s values", sg);
            const char *status = isnan(r->value) ? "no data" : "aggregated";
            with_value += !isnan(r->value);
            wm_imp_row row = { ind->id, ind->period, tp->geography, tp->areas.code[k], r->value, r->numerator,
                               r->denominator, r->n_areas, r->n_missing, status, NULL, method, r->coverage,
                               note[0] ? note : NULL };
            rc = wm_imp_insert_value(c, ins, &row, err);
        }
        free(res);
        if (rc == 0) {
            int seen = 0;
            for (int r = 0; r < c->nroutes; r++) seen |= strcmp(c->routes[r], tp->method) == 0;
            if (!seen) {
                wm_imp_say(c, "  route %s", tp->method);
                if (c->nroutes < 16) wm_imp_fmt(c->routes[c->nroutes++], sizeof c->routes[0], "%s", tp->method);
            }
            size_t l = strlen(c->line);
            wm_imp_fmt(c->line + l, sizeof c->line - l, "%s %s %zu/%zu", t ? "," : "", tp->geography, with_value,
                tp->areas.n);
        }
    }
    sqlite3_finalize(ins);
    if (rc == 0) wm_imp_say(c, "%s", c->line);
    for (int t = 0; t < ndone; t++) {
        wm_imp_area_set_free(&tps[t].areas);
        free(tps[t].pairs);
    }
    free(value); free(num); free(den); free(w);
    wm_imp_area_set_free(&src);
    return rc;
}

