/* Confidence limits of counted values and their comparison with the local
 * authority and England, Fingertips-style (interval.h; docs/store.md,
 * "Intervals and comparisons").  Run once per indicator after its values
 * and aggregates are stored. */
#include "store_internal.h"
#include "hash.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct value_row {
    char geography[32], code[32];
    double value, num, den;
    int estimate;
    double lo95, hi95, lo998, hi998;
    const char *ci_method;
} value_row;

static double column_or_nan(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

static const value_row *find_row(const value_row *rows, size_t n, const char *geo, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].code, code) == 0 && strcmp(rows[i].geography, geo) == 0) return &rows[i];
    return NULL;
}

static int is_authority_geography(const char *g) { return strncmp(g, "lad", 3) == 0; }

/* ---- The authorities of areas, remembered (store_internal.h) ---- */

typedef struct authority_entry {
    char geography[32], code[32];   /* "" geography: an empty slot */
    int found;                      /* wm_store_authority's 0 (found) or 1 (none) */
    wm_store_area lad;
} authority_entry;

struct wm_imp_authorities {
    size_t n, cap;                  /* cap a power of two */
    authority_entry *slot;
};

static authority_entry *authority_slot(struct wm_imp_authorities *m, const char *geography, const char *code)
{
    uint64_t h = wm_hash(WM_HASH_START, geography, strlen(geography) + 1);
    h = wm_hash(h, code, strlen(code) + 1);
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        authority_entry *e = &m->slot[i];
        if (!e->geography[0] || (strcmp(e->code, code) == 0 && strcmp(e->geography, geography) == 0)) return e;
    }
}

/* Room for one more entry (the table at most half full); -1 when out of
 * memory. */
static int authority_room(wm_imp_ctx *c)
{
    struct wm_imp_authorities *m = c->authorities;
    if (!m) {
        if (!(m = c->authorities = calloc(1, sizeof *m))) return -1;
    }
    if (2 * (m->n + 1) <= m->cap) return 0;
    size_t cap = m->cap ? 2 * m->cap : 256;
    authority_entry *old = m->slot, *slot = calloc(cap, sizeof *slot);
    if (!slot) return -1;
    size_t oldcap = m->cap;
    m->slot = slot;
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].geography[0]) *authority_slot(m, old[i].geography, old[i].code) = old[i];
    free(old);
    return 0;
}

int wm_imp_authority(wm_imp_ctx *c, const char *geography, const char *code, wm_store_area *out, wm_error *err)
{
    int fits = strlen(geography) < sizeof ((authority_entry *)0)->geography &&
               strlen(code) < sizeof ((authority_entry *)0)->code && *geography;
    if (!fits || authority_room(c) != 0) return wm_store_authority(c->s, geography, code, out, err);
    authority_entry *e = authority_slot(c->authorities, geography, code);
    if (!e->geography[0]) {
        int found = wm_store_authority(c->s, geography, code, &e->lad, err);
        if (found < 0) return -1;
        snprintf(e->geography, sizeof e->geography, "%s", geography);
        snprintf(e->code, sizeof e->code, "%s", code);
        e->found = found;
        c->authorities->n++;
    }
    *out = e->lad;
    return e->found;
}

void wm_imp_areas_changed(wm_imp_ctx *c)
{
    if (!c->authorities) return;
    free(c->authorities->slot);
    free(c->authorities);
    c->authorities = NULL;
}

int wm_imp_intervals(wm_imp_ctx *c, const wm_imp_indicator *ind, const char *geography, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT geography, area_code, value, numerator, denominator, estimate IS NOT NULL "
                           "FROM indicator_values WHERE indicator_id = ? AND period = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, ind->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, ind->period, -1, SQLITE_STATIC);
    size_t n = 0, cap = 64;
    value_row *rows = malloc(cap * sizeof *rows);
    while (rows && wm_imp_step(c, q) == SQLITE_ROW) {
        if (n == cap) {
            value_row *more = realloc(rows, 2 * cap * sizeof *rows);
            if (!more) {
                free(rows);
                rows = NULL;
                break;
            }
            rows = more;
            cap *= 2;
        }
        value_row *r = &rows[n++];
        snprintf(r->geography, sizeof r->geography, "%s", (const char *)sqlite3_column_text(q, 0));
        snprintf(r->code, sizeof r->code, "%s", (const char *)sqlite3_column_text(q, 1));
        r->value = column_or_nan(q, 2);
        r->num = column_or_nan(q, 3);
        r->den = column_or_nan(q, 4);
        r->estimate = sqlite3_column_int(q, 5);
        r->lo95 = r->hi95 = r->lo998 = r->hi998 = NAN;
        r->ci_method = NULL;
    }
    sqlite3_finalize(q);
    if (!rows) return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", wm_store_path(c->s));

    /* Limits: counted values only, not estimates (modelled or apportioned:
     * their uncertainty is not that of a count). */
    size_t with_ci = 0;
    for (size_t i = 0; i < n && ind->ci != WM_CI_NONE; i++) {
        value_row *r = &rows[i];
        if (isnan(r->value) || r->estimate || (geography && strcmp(r->geography, geography) != 0)) continue;
        if (wm_ci_value(ind->ci, r->num, r->den, ind->scale, 0.95, &r->lo95, &r->hi95) != 0) continue;
        if (wm_ci_value(ind->ci, r->num, r->den, ind->scale, 0.998, &r->lo998, &r->hi998) != 0) {
            r->lo95 = r->hi95 = NAN;
            continue;
        }
        r->ci_method = ind->ci == WM_CI_WILSON ? "Wilson score" : round(r->num) < 10 ? "exact Poisson" : "Byar";
        with_ci++;
    }

    sqlite3_stmt *upd = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(c->db,
                           "UPDATE indicator_values SET lower95 = ?5, upper95 = ?6, lower998 = ?7, upper998 = ?8, "
                           "ci_method = ?9, compare_authority = ?10, compare_england = ?11 WHERE indicator_id = ?1 "
                           "AND period = ?2 AND geography = ?3 AND area_code = ?4",
                           -1, &upd, NULL) != SQLITE_OK)
        rc = wm_imp_sql_error(c, err, "prepare");
    const value_row *england = find_row(rows, n, WM_ENGLAND_GEOGRAPHY, WM_ENGLAND_CODE);
    double england_value = england ? england->value : NAN;
    size_t compared = 0;
    wm_store_area last_lad = { .code = "" };
    const value_row *last_row = NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        value_row *r = &rows[i];
        if (geography && strcmp(r->geography, geography) != 0) continue;
        double lo = ind->compare_level == 95 ? r->lo95 : r->lo998, hi = ind->compare_level == 95 ? r->hi95 : r->hi998;
        wm_comparison ca = WM_CMP_NOT_COMPARED, ce = WM_CMP_NOT_COMPARED;
        int is_england = r == england;
        if (!isnan(lo) && !is_england) {
            wm_store_area lad;
            int found = is_authority_geography(r->geography) ? 1 : wm_imp_authority(c, r->geography, r->code, &lad, err);
            if (found < 0) {
                rc = -1;
                break;
            }
            /* Nearly every row has the one authority: its row is looked
             * for once. */
            if (found == 0 && (strcmp(lad.code, last_lad.code) != 0 || strcmp(lad.geography, last_lad.geography) != 0)) {
                last_lad = lad;
                last_row = find_row(rows, n, lad.geography, lad.code);
            }
            const value_row *a = found == 0 ? last_row : NULL;
            if (a) ca = wm_compare(lo, hi, a->value);
            ce = wm_compare(lo, hi, england_value);
            compared += ca != WM_CMP_NOT_COMPARED || ce != WM_CMP_NOT_COMPARED;
        }
        if (isnan(r->lo95) && ca == WM_CMP_NOT_COMPARED && ce == WM_CMP_NOT_COMPARED) continue;  /* the defaults */
        sqlite3_reset(upd);
        sqlite3_bind_text(upd, 1, ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 2, ind->period, -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 3, r->geography, -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 4, r->code, -1, SQLITE_STATIC);
        double lim[4] = { r->lo95, r->hi95, r->lo998, r->hi998 };
        for (int k = 0; k < 4; k++) {
            if (isnan(lim[k])) sqlite3_bind_null(upd, 5 + k);
            else sqlite3_bind_double(upd, 5 + k, lim[k]);
        }
        if (r->ci_method) sqlite3_bind_text(upd, 9, r->ci_method, -1, SQLITE_STATIC);
        else sqlite3_bind_null(upd, 9);
        sqlite3_bind_text(upd, 10, wm_comparison_name(ca), -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 11, wm_comparison_name(ce), -1, SQLITE_STATIC);
        if (wm_imp_step(c, upd) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing intervals");
    }
    sqlite3_finalize(upd);
    if (rc == 0 && with_ci)
        wm_imp_say(c, "  %s: %zu values with %s intervals (95%%, 99.8%%), %zu compared at %g%% with the authority%s",
                   ind->id, with_ci, wm_ci_method_name(ind->ci), compared, ind->compare_level,
                   england ? " and England" : "");
    free(rows);
    return rc;
}
