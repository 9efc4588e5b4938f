/* Localities as a geography of the store (store_groups.h). */
#include "store_groups.h"
#include "store_internal.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names and codes ---- */

/* The letters of a geography's name before its vintage: "msoa21" -> "msoa". */
static size_t type_len(const char *geography)
{
    size_t k = 0;
    while (geography[k] && !isdigit((unsigned char)geography[k])) k++;
    return k;
}

static int same_type(const char *a, const char *b)
{
    size_t la = type_len(a), lb = type_len(b);
    return la == lb && strncmp(a, b, la) == 0;
}

/* "St Michael's" -> "st-michaels", "Henley Green & Wood End" -> "henley-green-wood-end". */
static void slug(const char *name, char *out, size_t size)
{
    size_t o = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 2 < size; p++) {
        if (*p == '\'') continue;
        if (isalnum(*p) && *p < 128) {
            if (dash && o > 0) out[o++] = '-';
            out[o++] = (char)tolower(*p);
            dash = 0;
        } else {
            dash = 1;
        }
    }
    out[o] = '\0';
}

/* The base geography: the latest LSOA vintage held. */
static int base_geography(sqlite3 *db, const char *store_path, char *out, size_t size, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT geography FROM areas WHERE geography GLOB 'lsoa[0-9]*' "
                           "ORDER BY geography DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return wm_error_set(err, WM_EXIT_IO, "%s: %s", store_path, sqlite3_errmsg(db));
    if (sqlite3_step(q) == SQLITE_ROW) snprintf(out, size, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (!out[0])
        return wm_error_set(err, WM_EXIT_DATA, "%s: the store holds no LSOAs to make localities of (import them "
                            "with an [areas lsoa21] section; docs/store.md)", store_path);
    return 0;
}

typedef struct match {
    char geography[32], code[32], name[128];
} match;

/* Names that contain `text`, for an error message. */
static void near_names(sqlite3 *db, const char *text, char *out, size_t size)
{
    out[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT coalesce(local_name, name) FROM areas WHERE geography != 'ctry' AND "
                           "coalesce(local_name, name) IS NOT NULL ORDER BY 1", -1, &q, NULL) != SQLITE_OK)
        return;
    /* The nearest five: names holding the text first (distance 0), then
     * by edit distance, within a third of the text's length. */
    enum { NEAR = 5 };
    char best[NEAR][128];
    size_t bd[NEAR], nb = 0, limit = strlen(text) / 3 + 2;
    char lower_text[256];
    snprintf(lower_text, sizeof lower_text, "%s", text);
    for (char *p = lower_text; *p; p++) *p = (char)tolower((unsigned char)*p);
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *n = (const char *)sqlite3_column_text(q, 0);
        char lower[256];
        snprintf(lower, sizeof lower, "%s", n);
        for (char *p = lower; *p; p++) *p = (char)tolower((unsigned char)*p);
        size_t d = strstr(lower, lower_text) ? 0 : wm_edit_distance(n, text);
        if (d > limit) continue;
        size_t at = nb;
        while (at > 0 && bd[at - 1] > d) at--;
        if (at >= NEAR) continue;
        size_t kept = nb < NEAR ? nb : NEAR - 1;
        memmove(&best[at + 1], &best[at], (kept - at) * sizeof *best);
        memmove(&bd[at + 1], &bd[at], (kept - at) * sizeof *bd);
        snprintf(best[at], sizeof best[at], "%s", n);
        bd[at] = d;
        if (nb < NEAR) nb++;
    }
    sqlite3_finalize(q);
    size_t len = 0;
    for (size_t i = 0; i < nb && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s\"%s\"", len ? ", " : "", best[i]);
}

/* One member: its area (geography, code) as the store holds it. */
static int resolve_member(wm_store *s, const char *group, const char *given, match *m, wm_error *err)
{
    sqlite3 *db = wm_store_db(s);
    char *text = wm_trimmed_dup(given);
    if (!text) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    /* "TYPE:NAME", TYPE a geography's type or name ("msoa", "msoa21"). */
    const char *name = text, *type = NULL;
    char *colon = strchr(text, ':');
    if (colon && colon > text) {
        int letters = 1;
        for (char *p = text; p < colon; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p))) letters = 0;
        if (letters) {
            *colon = '\0';
            type = text;
            name = colon + 1;
            while (*name == ' ') name++;
        }
    }
    int rc = 0;
    if (!*name) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": an empty member", group);
        goto done;
    }
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT geography, code, coalesce(local_name, name, code) FROM areas "
                           "WHERE geography != 'ctry' AND geography NOT IN (SELECT parent_geography FROM area_links WHERE "
                           "method LIKE 'locality:%') AND (code = ?1 OR name = ?1 COLLATE NOCASE OR "
                           "local_name = ?1 COLLATE NOCASE) ORDER BY geography DESC, code", -1, &q, NULL) != SQLITE_OK) {
        rc = wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    match found[8];
    size_t nfound = 0;
    char others[600] = "";
    size_t olen = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(q, 0);
        const char *c = (const char *)sqlite3_column_text(q, 1);
        const char *n = (const char *)sqlite3_column_text(q, 2);
        if (type && !(strcmp(g, type) == 0 || (same_type(g, type) && type_len(type) == strlen(type)))) continue;
        /* The latest vintage of each type only (rows come latest first). */
        int seen = 0;
        for (size_t k = 0; k < nfound; k++) seen |= same_type(found[k].geography, g);
        if (seen) continue;
        if (nfound < 8) {
            snprintf(found[nfound].geography, sizeof found[nfound].geography, "%s", g);
            snprintf(found[nfound].code, sizeof found[nfound].code, "%s", c);
            snprintf(found[nfound].name, sizeof found[nfound].name, "%s", n);
            if (olen < sizeof others)
                olen += (size_t)snprintf(others + olen, sizeof others - olen, "%s%.*s:%s (%s %s)", nfound ? ", " : "",
                                         (int)type_len(g), g, name, g, c);
            nfound++;
        }
    }
    sqlite3_finalize(q);
    if (nfound == 0) {
        char near[400];
        near_names(db, name, near, sizeof near);
        rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": no %s%sarea of the store is called or coded \"%s\"%s%s",
                          group, type ? type : "", type ? " " : "", name, near[0] ? "; did you mean " : "",
                          near);
    } else if (nfound > 1) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": \"%s\" names areas of %zu kinds; say which: %s", group,
                          name, nfound, others);
    } else {
        *m = found[0];
    }
done:
    free(text);
    return rc;
}

/* The base areas that make (geography, code): itself, or its children. */
static int expand(wm_store *s, const char *base, const match *m, char (**codes)[32], size_t *n, size_t *cap,
                  size_t *added, wm_error *err)
{
    *added = 0;
    if (strcmp(m->geography, base) == 0) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            char(*nc)[32] = realloc(*codes, *cap * sizeof **codes);
            if (!nc) return wm_error_set(err, WM_EXIT_IO, "out of memory");
            *codes = nc;
        }
        snprintf((*codes)[(*n)++], 32, "%s", m->code);
        *added = 1;
        return 0;
    }
    sqlite3 *db = wm_store_db(s);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT child_code FROM area_links WHERE child_geography = ? AND parent_geography = ? "
                           "AND parent_code = ? ORDER BY child_code", -1, &q, NULL) != SQLITE_OK)
        return wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, m->geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, m->code, -1, SQLITE_STATIC);
    int rc = 0;
    while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            char(*nc)[32] = realloc(*codes, *cap * sizeof **codes);
            if (!nc) { rc = wm_error_set(err, WM_EXIT_IO, "out of memory"); break; }
            *codes = nc;
        }
        snprintf((*codes)[(*n)++], 32, "%s", (const char *)sqlite3_column_text(q, 0));
        (*added)++;
    }
    sqlite3_finalize(q);
    return rc;
}

static int cmp_code(const void *a, const void *b) { return strcmp(a, b); }

void wm_group_members_free(wm_group_members *m, size_t n)
{
    if (!m) return;
    for (size_t i = 0; i < n; i++) free(m[i].codes);
    free(m);
}

int wm_store_resolve_groups(wm_store *s, const wm_area_group *groups, size_t n, wm_group_members **out,
                            wm_error *err)
{
    *out = NULL;
    char base[32];
    if (base_geography(wm_store_db(s), wm_store_path(s), base, sizeof base, err) != 0) return -1;
    wm_group_members *m = calloc(n ? n : 1, sizeof *m);
    if (!m) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const wm_area_group *g = &groups[i];
        wm_group_members *gm = &m[i];
        char *name = wm_trimmed_dup(g->name ? g->name : "");
        if (!name) { rc = wm_error_set(err, WM_EXIT_IO, "out of memory"); break; }
        snprintf(gm->name, sizeof gm->name, "%s", name);
        slug(name, gm->code, sizeof gm->code);
        free(name);
        snprintf(gm->base, sizeof gm->base, "%s", base);
        if (!gm->code[0]) {
            rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": a locality needs a name with letters or digits",
                              gm->name);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(m[j].code, gm->code) == 0)
                rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": named twice (as \"%s\" too)", gm->name,
                                  m[j].name);
        if (rc == 0 && g->nmembers == 0)
            rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": no areas given", gm->name);
        size_t cap = 0, len = 0;
        for (size_t k = 0; k < g->nmembers && rc == 0; k++) {
            match mt;
            size_t added = 0;
            if (resolve_member(s, gm->name, g->members[k], &mt, err) != 0) { rc = -1; break; }
            if (expand(s, base, &mt, &gm->codes, &gm->n, &cap, &added, err) != 0) { rc = -1; break; }
            if (added == 0) {
                rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": %s %s (%s): the store does not say which "
                                  "%s areas make it", gm->name, mt.geography, mt.code, mt.name, base);
                break;
            }
            if (len < sizeof gm->described) {
                if (strcmp(mt.geography, base) == 0)
                    len += (size_t)snprintf(gm->described + len, sizeof gm->described - len, "%s%s %s (%s)",
                                            k ? "; " : "", mt.geography, mt.code, mt.name);
                else
                    len += (size_t)snprintf(gm->described + len, sizeof gm->described - len, "%s%s %s %s (%zu %s)",
                                            k ? "; " : "", mt.geography, mt.code, mt.name, added, base);
            }
        }
        if (rc != 0) break;
        qsort(gm->codes, gm->n, sizeof *gm->codes, cmp_code);
        /* A member given twice, or inside another member, counts once. */
        size_t w = 0;
        for (size_t k = 0; k < gm->n; k++)
            if (w == 0 || strcmp(gm->codes[w - 1], gm->codes[k]) != 0) memmove(gm->codes[w++], gm->codes[k], 32);
        gm->n = w;
    }
    /* No area in two groups. */
    for (size_t i = 0; i < n && rc == 0; i++)
        for (size_t j = i + 1; j < n && rc == 0; j++)
            for (size_t k = 0; k < m[i].n && rc == 0; k++)
                if (bsearch(m[i].codes[k], m[j].codes, m[j].n, sizeof *m[j].codes, cmp_code))
                    rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\" and locality \"%s\" both hold %s %s: "
                                      "localities of one geography must not overlap (give one of them its own "
                                      "geography)", m[i].name, m[j].name, base, m[i].codes[k]);
    if (rc != 0) {
        wm_group_members_free(m, n);
        return -1;
    }
    *out = m;
    return 0;
}

/* ---- storing ---- */

static int geography_is_imported(wm_imp_ctx *c, const char *geography, int *imported, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT (SELECT count(*) FROM areas WHERE geography = ?1), "
                           "(SELECT count(*) FROM area_links WHERE parent_geography = ?1 AND method LIKE 'locality%')",
                           -1, &q, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    *imported = 0;
    if (sqlite3_step(q) == SQLITE_ROW) *imported = sqlite3_column_int(q, 0) > 0 && sqlite3_column_int(q, 1) == 0;
    sqlite3_finalize(q);
    return 0;
}

int wm_store_population_at(wm_store *s, const char *geography, char *id, size_t isize, char *period, size_t psize,
                           wm_error *err)
{
    id[0] = period[0] = '\0';
    sqlite3 *db = wm_store_db(s);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, period FROM indicators WHERE geography = ? AND family = 'population' "
                           "AND unit = 'count' ORDER BY period DESC, seq LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        snprintf(id, isize, "%s", (const char *)sqlite3_column_text(q, 0));
        snprintf(period, psize, "%s", (const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
    return rc == SQLITE_ROW ? 0 : 1;
}

/* Which group holds each base area (-1: none), over the base area set. */
static long *group_of_base(const wm_area_set *areas, const wm_group_members *m, size_t n)
{
    long *g = malloc((areas->n + 1) * sizeof *g);
    if (!g) return NULL;
    for (size_t i = 0; i < areas->n; i++) g[i] = -1;
    for (size_t k = 0; k < n; k++)
        for (size_t t = 0; t < m[k].n; t++) {
            long i = wm_imp_area_find(areas, m[k].codes[t]);
            if (i >= 0) g[i] = (long)k;
        }
    return g;
}

/* Other vintages of the base type: each area goes to the group holding
 * most of its base parts' population (none when most lie outside). */
static int link_other_vintages(wm_imp_ctx *c, const char *geography, const wm_group_members *m, size_t n,
                               const wm_area_set *base_areas, const long *gbase, sqlite3_stmt *ins, wm_error *err)
{
    const char *base = m[0].base;
    char pop_id[64], pop_period[32];
    if (wm_store_population_at(c->s, base, pop_id, sizeof pop_id, pop_period, sizeof pop_period, err) < 0) return -1;
    double *pop = malloc((base_areas->n + 1) * sizeof *pop);
    if (!pop) return wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (size_t i = 0; i < base_areas->n; i++) pop[i] = NAN;
    if (pop_id[0]) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(c->db, "SELECT area_code, value FROM indicator_values WHERE indicator_id = ? AND "
                               "period = ? AND geography = ?", -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, pop_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, pop_period, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, base, -1, SQLITE_STATIC);
            while (sqlite3_step(q) == SQLITE_ROW) {
                long i = wm_imp_area_find(base_areas, (const char *)sqlite3_column_text(q, 0));
                if (i >= 0 && sqlite3_column_type(q, 1) != SQLITE_NULL) pop[i] = sqlite3_column_double(q, 1);
            }
            sqlite3_finalize(q);
        }
    }
    /* The geographies of the base type with links from the base. */
    sqlite3_stmt *gq = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT DISTINCT parent_geography FROM area_links WHERE child_geography = ? "
                           "ORDER BY 1", -1, &gq, NULL) != SQLITE_OK) {
        free(pop);
        return wm_imp_sql_error(c, err, "query");
    }
    sqlite3_bind_text(gq, 1, base, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(gq) == SQLITE_ROW) {
        char other[32];
        snprintf(other, sizeof other, "%s", (const char *)sqlite3_column_text(gq, 0));
        if (!same_type(other, base) || strcmp(other, base) == 0) continue;
        wm_area_set oa;
        if ((rc = wm_imp_load_areas(c, other, &oa, err)) != 0) break;
        long *parent = malloc((base_areas->n + 1) * sizeof *parent);
        double *share = calloc(oa.n * (n + 1) + 1, sizeof *share);
        int *parts = calloc(oa.n * (n + 1) + 1, sizeof *parts);
        if (!parent || !share || !parts) {
            free(parent); free(share); free(parts);
            wm_imp_area_set_free(&oa);
            rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
            break;
        }
        wm_imp_load_links(c, base, base_areas, other, &oa, parent, NULL, 0);
        int by_pop = pop_id[0] != 0;
        for (size_t i = 0; i < base_areas->n; i++)
            if (parent[i] >= 0 && isnan(pop[i])) by_pop = 0;
        for (size_t i = 0; i < base_areas->n; i++) {
            if (parent[i] < 0) continue;
            size_t slot = (size_t)parent[i] * (n + 1) + (size_t)(gbase[i] + 1);   /* slot 0: no group */
            share[slot] += by_pop ? pop[i] : 1.0;
            parts[slot]++;
        }
        for (size_t o = 0; o < oa.n && rc == 0; o++) {
            size_t best = 0;
            double total = 0;
            for (size_t k = 0; k <= n; k++) {
                total += share[o * (n + 1) + k];
                if (share[o * (n + 1) + k] > share[o * (n + 1) + best]) best = k;
            }
            if (best == 0) continue;
            char method[300];
            int all = share[o * (n + 1) + best] == total;
            if (all)
                wm_imp_fmt(method, sizeof method, "locality: one membership with %s: all its %s parts in it", base,
                           base);
            else if (by_pop)
                wm_imp_fmt(method, sizeof method, "locality: one membership with %s: most of its %s parts' %s "
                           "(%.0f of %.0f) in it", base, base, pop_id, share[o * (n + 1) + best], total);
            else
                wm_imp_fmt(method, sizeof method, "locality: one membership with %s: most of its %s parts (%d of %.0f) "
                           "in it", base, base, parts[o * (n + 1) + best], total);
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, other, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, oa.code[o], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, geography, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 4, m[best - 1].code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 5, method, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 6, m[best - 1].name, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(ins) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "write");
        }
        free(parent); free(share); free(parts);
        wm_imp_area_set_free(&oa);
    }
    sqlite3_finalize(gq);
    free(pop);
    return rc;
}

/* Each group lies in the local authority of most of its base areas. */
static int link_authority(wm_imp_ctx *c, const char *geography, const wm_group_members *g, sqlite3_stmt *ins,
                          wm_error *err)
{
    sqlite3_stmt *up = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "WITH RECURSIVE up(g, c, depth) AS (SELECT ?1, ?2, 0 UNION "
                           "SELECT l.parent_geography, l.parent_code, up.depth + 1 FROM area_links l JOIN up ON "
                           "l.child_geography = up.g AND l.child_code = up.c WHERE up.depth < 8) "
                           "SELECT g, c FROM up WHERE g LIKE 'lad%' AND depth > 0 ORDER BY depth LIMIT 1",
                           -1, &up, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    char best_geo[32] = "", best[32] = "";
    size_t best_n = 0;
    char (*seen)[2][32] = calloc(g->n + 1, sizeof *seen);
    size_t *count = calloc(g->n + 1, sizeof *count), nseen = 0;
    int rc = 0;
    if (!seen || !count) rc = wm_error_set(err, WM_EXIT_IO, "out of memory");
    for (size_t t = 0; t < g->n && rc == 0; t++) {
        sqlite3_reset(up);
        sqlite3_bind_text(up, 1, g->base, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 2, g->codes[t], -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_ROW) continue;
        const char *ag = (const char *)sqlite3_column_text(up, 0), *ac = (const char *)sqlite3_column_text(up, 1);
        size_t k = 0;
        while (k < nseen && !(strcmp(seen[k][0], ag) == 0 && strcmp(seen[k][1], ac) == 0)) k++;
        if (k == nseen) {
            snprintf(seen[k][0], 32, "%s", ag);
            snprintf(seen[k][1], 32, "%s", ac);
            nseen++;
        }
        if (++count[k] > best_n) {
            best_n = count[k];
            snprintf(best_geo, sizeof best_geo, "%s", ag);
            snprintf(best, sizeof best, "%s", ac);
        }
    }
    sqlite3_finalize(up);
    if (rc == 0 && best[0]) {
        char method[200];
        wm_imp_fmt(method, sizeof method, "locality: the authority of %s%zu of its %zu %s areas",
                   best_n == g->n ? "all " : "", best_n, g->n, g->base);
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, geography, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, g->code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, best_geo, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 4, best, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 5, method, -1, SQLITE_TRANSIENT);
        sqlite3_bind_null(ins, 6);
        if (sqlite3_step(ins) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "write");
    }
    free(seen);
    free(count);
    return rc;
}

static const char *column_text(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t && *t ? (const char *)t : NULL;
}

/* Every stored indicator with an aggregation method, aggregated to the
 * groups by the importer's own routes. */
static int listed(const char *id, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0) return 1;
    return 0;
}

/* Aggregate the indicators (`ids`, or every one when NULL) to `geography`. */
static int aggregate_all(wm_imp_ctx *c, const char *geography, const char *const *ids, size_t nids, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT id, period, aggregation, scale, derived_from, weight, apportion, class, "
                           "estimate, interval, compare_level FROM indicators WHERE aggregation != 'none' "
                           "ORDER BY seq, period", -1, &q, NULL) != SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    wm_meta_doc *d = wm_meta_new(wm_store_path(c->s));
    wm_meta_section sec;
    memset(&sec, 0, sizeof sec);
    char *to = strdup(geography);
    int rc = d && to ? 0 : wm_error_set(err, WM_EXIT_IO, "out of memory");
    while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
        wm_imp_indicator ind;
        memset(&ind, 0, sizeof ind);
        ind.sec = &sec;
        ind.stored = 1;
        ind.id = column_text(q, 0);
        if (ids && !listed(ind.id, ids, nids)) continue;
        ind.period = column_text(q, 1);
        if (wm_agg_method_parse(column_text(q, 2), &ind.agg) != 0) {
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: indicator %s: unknown aggregation \"%s\"", wm_store_path(c->s),
                              ind.id, column_text(q, 2));
            break;
        }
        ind.scale = sqlite3_column_type(q, 3) == SQLITE_NULL ? 1.0 : sqlite3_column_double(q, 3);
        ind.from = column_text(q, 4);
        ind.weight = column_text(q, 5);
        ind.apportion = column_text(q, 6);
        ind.class_text = column_text(q, 7);
        if (ind.class_text && wm_imp_parse_class(ind.class_text, &ind.class_lo, &ind.class_hi) != 0) {
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: indicator %s: class \"%s\" is not N or N-M", wm_store_path(c->s),
                              ind.id, ind.class_text);
            break;
        }
        ind.estimate = column_text(q, 8);
        const char *interval = column_text(q, 9);
        ind.ci = WM_CI_NONE;
        if (interval && strcmp(interval, wm_ci_method_name(WM_CI_WILSON)) == 0) ind.ci = WM_CI_WILSON;
        if (interval && strcmp(interval, wm_ci_method_name(WM_CI_BYAR)) == 0) ind.ci = WM_CI_BYAR;
        ind.compare_level = sqlite3_column_type(q, 10) == SQLITE_NULL ? 95 : sqlite3_column_double(q, 10);
        ind.to[0] = to;
        ind.nto = 1;
        rc = wm_imp_aggregate_indicator(c, d, &ind, err);
        if (rc == 0) rc = wm_imp_intervals(c, &ind, to, err);
    }
    sqlite3_finalize(q);
    free(to);
    wm_meta_free(d);
    return rc;
}

int wm_store_add_groups(wm_store *s, const char *geography, const wm_group_members *m, size_t n,
                        const wm_group_layer *layer, const char *const *indicators, size_t nindicators,
                        FILE *report, wm_error *err)
{
    if (!wm_imp_valid_geography(geography))
        return wm_error_set(err, WM_EXIT_USAGE, "\"%s\" is not a geography name (lower-case letters and digits, "
                            "e.g. locality)", geography);
    if (n == 0 || !m) return wm_error_set(err, WM_EXIT_USAGE, "%s: no localities given", geography);
    if (wm_store_begin(s, err) != 0) return -1;
    wm_imp_ctx c;
    wm_import_settings settings = { .report = report };
    if (wm_imp_ctx_open(&c, s, &settings, err) != 0) return -1;
    wm_imp_say(&c, "localities %s: %zu, made of %s areas", geography, n, m[0].base);
    int imported = 0, rc = geography_is_imported(&c, geography, &imported, err);
    if (rc == 0 && imported)
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: geography %s was imported from boundaries; give the localities "
                          "another geography name", wm_store_path(s), geography);
    if (rc == 0 && same_type(geography, m[0].base))
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: localities cannot be a geography of type %.*s", geography,
                          (int)type_len(geography), geography);
    /* Replace what the geography held. */
    if (rc == 0) rc = wm_imp_exec(&c, err, "DELETE FROM indicator_values WHERE geography = ?", geography);
    if (rc == 0)
        rc = wm_imp_exec(&c, err, "DELETE FROM area_links WHERE parent_geography = ?1 OR child_geography = ?1",
                         geography);
    if (rc == 0) rc = wm_imp_exec(&c, err, "DELETE FROM areas WHERE geography = ?", geography);
    if (rc == 0) {
        char rel[PATH_MAX] = "";
        if (layer && layer->path) wm_imp_store_relative(layer->path, rel, sizeof rel);
        rc = wm_imp_exec(&c, err, "INSERT OR REPLACE INTO geographies VALUES (?, ?, ?, ?)", geography,
                         rel[0] ? rel : NULL, layer ? layer->code_field : NULL, layer ? layer->name_field : NULL);
    }
    sqlite3_stmt *area = NULL, *link = NULL;
    if (rc == 0 && (sqlite3_prepare_v2(c.db, "INSERT INTO areas VALUES (?, ?, ?, NULL)", -1, &area, NULL) != SQLITE_OK ||
                    sqlite3_prepare_v2(c.db, "INSERT INTO area_links VALUES (?, ?, ?, ?, ?, ?)", -1, &link, NULL) !=
                        SQLITE_OK))
        rc = wm_imp_sql_error(&c, err, "prepare");
    wm_area_set base_areas;
    memset(&base_areas, 0, sizeof base_areas);
    if (rc == 0) rc = wm_imp_load_areas(&c, m[0].base, &base_areas, err);
    for (size_t k = 0; k < n && rc == 0; k++) {
        sqlite3_reset(area);
        sqlite3_bind_text(area, 1, geography, -1, SQLITE_STATIC);
        sqlite3_bind_text(area, 2, m[k].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(area, 3, m[k].name, -1, SQLITE_STATIC);
        if (sqlite3_step(area) != SQLITE_DONE) { rc = wm_imp_sql_error(&c, err, "write"); break; }
        wm_imp_say(&c, "  %s (%s): %zu %s areas: %s", m[k].name, m[k].code, m[k].n, m[k].base, m[k].described);
        char method[600];
        wm_imp_fmt(method, sizeof method, "locality: given as %s", m[k].described);
        for (size_t t = 0; t < m[k].n && rc == 0; t++) {
            if (wm_imp_area_find(&base_areas, m[k].codes[t]) < 0) {
                rc = wm_error_set(err, WM_EXIT_USAGE, "locality \"%s\": %s %s is not an area of the store", m[k].name,
                                  m[k].base, m[k].codes[t]);
                break;
            }
            sqlite3_reset(link);
            sqlite3_bind_text(link, 1, m[k].base, -1, SQLITE_STATIC);
            sqlite3_bind_text(link, 2, m[k].codes[t], -1, SQLITE_STATIC);
            sqlite3_bind_text(link, 3, geography, -1, SQLITE_STATIC);
            sqlite3_bind_text(link, 4, m[k].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(link, 5, method, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(link, 6, m[k].name, -1, SQLITE_STATIC);
            if (sqlite3_step(link) != SQLITE_DONE) rc = wm_imp_sql_error(&c, err, "write");
        }
        if (rc == 0) rc = link_authority(&c, geography, &m[k], link, err);
    }
    if (rc == 0) {
        long *gbase = group_of_base(&base_areas, m, n);
        rc = gbase ? link_other_vintages(&c, geography, m, n, &base_areas, gbase, link, err)
                   : wm_error_set(err, WM_EXIT_IO, "out of memory");
        free(gbase);
    }
    sqlite3_finalize(area);
    sqlite3_finalize(link);
    wm_imp_areas_changed(&c);
    wm_imp_area_set_free(&base_areas);
    if (rc == 0) rc = aggregate_all(&c, geography, indicators, nindicators, err);
    char source[64];
    snprintf(source, sizeof source, "localities (%s)", geography);
    return wm_imp_ctx_close(&c, rc, source, &settings, err);
}

/* One integer from a query with text parameters; -1 on error. */
static long count_of(sqlite3 *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return -1;
    if (a) sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
    if (b) sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
    long v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return v;
}

int wm_store_groups_held(wm_store *s, const char *geography, const wm_group_members *m, size_t n, const char *layer,
                         wm_error *err)
{
    sqlite3 *db = wm_store_db(s);
    if (n == 0 || !m) return 0;
    char rel[PATH_MAX];
    wm_imp_store_relative(layer, rel, sizeof rel);
    if (count_of(db, "SELECT count(*) FROM geographies WHERE geography = ?1 AND layer = ?2", geography, rel) != 1)
        return 0;
    if (count_of(db, "SELECT count(*) FROM areas WHERE geography = ?1", geography, NULL) != (long)n) return 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT child_code FROM area_links a JOIN areas g ON g.geography = a.parent_geography "
                           "AND g.code = a.parent_code WHERE a.child_geography = ?1 AND a.parent_geography = ?2 AND "
                           "a.parent_code = ?3 AND g.name = ?4 ORDER BY child_code", -1, &q, NULL) != SQLITE_OK)
        return wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
    int same = 1;
    for (size_t i = 0; i < n && same; i++) {
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, m[i].base, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, geography, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, m[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, m[i].name, -1, SQLITE_STATIC);
        size_t k = 0;
        while (same && sqlite3_step(q) == SQLITE_ROW) {
            same = k < m[i].n && strcmp((const char *)sqlite3_column_text(q, 0), m[i].codes[k]) == 0;
            k++;
        }
        if (k != m[i].n) same = 0;
    }
    sqlite3_finalize(q);
    if (!same) return 0;
    long want = count_of(db, "SELECT count(*) FROM indicators WHERE aggregation != 'none'", NULL, NULL);
    long have = count_of(db, "SELECT count(*) FROM (SELECT DISTINCT indicator_id, period FROM indicator_values "
                         "WHERE geography = ?1)", geography, NULL);
    if (want < 0 || have < 0) return wm_error_set(err, WM_EXIT_IO, "%s: %s", wm_store_path(s), sqlite3_errmsg(db));
    return want == have;
}
