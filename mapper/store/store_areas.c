/* Manifest sections: [areas GEOGRAPHY] reads area codes and names (and
 * parents) from a boundary layer; [link CHILD PARENT] says how one
 * geography nests in another, by lookups or by point on surface. */
#include "store_internal.h"
#include "join.h"
#include "number.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- [areas GEOGRAPHY] ---- */

static const char *const areas_keys[] = { "layer", "code", "name", "local_names", "parent", "parent_name",
                                          "notes", NULL };
static const char *const areas_required[] = { "layer", "code", NULL };


int wm_imp_areas(wm_imp_ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err)
{
    if (wm_meta_check(d, sec, areas_keys, NULL, areas_required, err) != 0) return -1;
    const char *geo = sec->name;
    if (!wm_imp_valid_geography(geo))
        return wm_meta_error(d, sec->line, err, "[areas %s]: name the geography by type and vintage, e.g. "
                             "[areas lsoa11]", geo);
    char layer_path[PATH_MAX], rel[PATH_MAX];
    wm_meta_path(d, wm_meta_get(sec, "layer"), layer_path, sizeof layer_path);
    const char *code_f = wm_meta_get(sec, "code"), *name_f = wm_meta_get(sec, "name");
    /* Codes and names through OGR as an attribute table; geometry is read
     * only when a spatial link or overlay needs it. */
    wm_table *t = wm_table_read(layer_path, err);
    if (!t) return -1;
    int rc = -1;
    int cc = wm_table_require_column(t, code_f, err);
    int nc = cc >= 0 && name_f ? wm_table_require_column(t, name_f, err) : -1;
    char *pfield = NULL, *pgeo = NULL;
    int pc = -1, pnc = -1;
    const char *parent = wm_meta_get(sec, "parent");
    wm_table *names = NULL;
    int names_code = -1, names_name = -1;
    char *np[3] = { NULL, NULL, NULL };
    int nnp = 0;
    if (cc < 0 || (name_f && nc < 0)) goto done;
    if (parent) {
        char *pp[2] = { NULL, NULL };
        int k = wm_meta_split(parent, '|', pp, 2);
        if (k != 2 || !*pp[0] || !wm_imp_valid_geography(pp[1])) {
            for (int i = 0; i < k; i++) free(pp[i]);
            wm_meta_error(d, wm_meta_find(sec, "parent")->line, err,
                          "parent = FIELD | GEOGRAPHY expected (e.g. parent = LAD25CD | lad25)");
            goto done;
        }
        pfield = pp[0];
        pgeo = pp[1];
        if ((pc = wm_table_require_column(t, pfield, err)) < 0) goto done;
        const char *pn = wm_meta_get(sec, "parent_name");
        if (pn && (pnc = wm_table_require_column(t, pn, err)) < 0) goto done;
    }
    const char *local = wm_meta_get(sec, "local_names");
    if (local) {
        nnp = wm_meta_split(local, '|', np, 3);
        if (nnp != 3) {
            wm_meta_error(d, wm_meta_find(sec, "local_names")->line, err,
                          "local_names = FILE | CODE COLUMN | NAME COLUMN expected");
            goto done;
        }
        char p[PATH_MAX];
        names = wm_table_read(wm_meta_path(d, np[0], p, sizeof p), err);
        if (!names) goto done;
        if ((names_code = wm_table_require_column(names, np[1], err)) < 0) goto done;
        if ((names_name = wm_table_require_column(names, np[2], err)) < 0) goto done;
    }

    wm_imp_store_relative(layer_path, rel, sizeof rel);
    if (wm_imp_exec(c, err, "INSERT OR REPLACE INTO geographies VALUES (?, ?, ?, ?)", geo, rel, code_f, name_f) != 0)
        goto done;
    if (wm_imp_exec(c, err, "DELETE FROM areas WHERE geography = ?", geo) != 0) goto done;
    if (wm_imp_exec(c, err, "DELETE FROM area_links WHERE child_geography = ?", geo) != 0) goto done;
    if (pgeo && wm_imp_exec(c, err, "INSERT OR IGNORE INTO geographies (geography) VALUES (?)", pgeo) != 0) goto done;

    sqlite3_stmt *ins = NULL, *link = NULL, *par = NULL;
    sqlite3_prepare_v2(c->db, "INSERT INTO areas VALUES (?, ?, ?, ?)", -1, &ins, NULL);
    sqlite3_prepare_v2(c->db, "INSERT INTO area_links VALUES (?, ?, ?, ?, ?, ?)", -1, &link, NULL);
    sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO areas VALUES (?, ?, ?, NULL)", -1, &par, NULL);
    char link_method[160];
    snprintf(link_method, sizeof link_method, "layer field %s", pfield ? pfield : "");
    size_t nparents = 0, nlocal = 0;
    rc = 0;
    for (size_t r = 0; r < t->nrows && rc == 0; r++) {
        char *code = wm_trimmed_dup(wm_table_cell(t, r, cc));
        if (!*code) {
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: feature %zu has an empty %s", layer_path, r + 1, code_f);
            free(code);
            break;
        }
        const char *lname = NULL;
        if (names)
            for (size_t k = 0; k < names->nrows; k++)
                if (strcmp(wm_table_cell(names, k, names_code), code) == 0) {
                    lname = wm_table_cell(names, k, names_name);
                    nlocal++;
                    break;
                }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, code, -1, SQLITE_TRANSIENT);
        if (nc >= 0) sqlite3_bind_text(ins, 3, wm_table_cell(t, r, nc), -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(ins, 3);
        if (lname && *lname) sqlite3_bind_text(ins, 4, lname, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(ins, 4);
        int st = wm_imp_step(c, ins);
        if (st == SQLITE_CONSTRAINT) {
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: two features have %s = %s", layer_path, code_f, code);
        } else if (st != SQLITE_DONE) {
            rc = wm_imp_sql_error(c, err, "writing areas");
        } else if (pc >= 0) {
            char *pcode = wm_trimmed_dup(wm_table_cell(t, r, pc));
            if (!*pcode) {
                rc = wm_error_set(err, WM_EXIT_DATA, "%s: feature %s has an empty %s", layer_path, code, pfield);
            } else {
                sqlite3_reset(par);
                sqlite3_bind_text(par, 1, pgeo, -1, SQLITE_STATIC);
                sqlite3_bind_text(par, 2, pcode, -1, SQLITE_TRANSIENT);
                if (pnc >= 0) sqlite3_bind_text(par, 3, wm_table_cell(t, r, pnc), -1, SQLITE_TRANSIENT);
                else sqlite3_bind_null(par, 3);
                if (wm_imp_step(c, par) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing parent areas");
                else nparents += sqlite3_changes(c->db) > 0;
                sqlite3_reset(link);
                sqlite3_bind_text(link, 1, geo, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 2, code, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(link, 3, pgeo, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 4, pcode, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(link, 5, link_method, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 6, wm_imp_base_name(layer_path), -1, SQLITE_STATIC);
                if (wm_imp_step(c, link) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing links");
            }
            free(pcode);
        }
        free(code);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(link);
    sqlite3_finalize(par);
    if (rc == 0) {
        char b[32];
        if (pgeo)
            wm_imp_say(c, "areas %s: %s from %s (with their %zu parent area%s)", geo, wm_format_count(t->nrows, b, sizeof b),
                       rel, nparents, nparents == 1 ? "" : "s");
        else
            wm_imp_say(c, "areas %s: %s from %s", geo, wm_format_count(t->nrows, b, sizeof b), rel);
        if (names && nlocal < t->nrows)
            wm_imp_say(c, "  local names for %zu of %zu areas from %s", nlocal, t->nrows, np[0]);
    }
done:
    wm_imp_areas_changed(c);
    free(pfield);
    free(pgeo);
    for (int i = 0; i < nnp; i++) free(np[i]);
    wm_table_free(names);
    wm_table_free(t);
    return rc;
}

/* ---- [link CHILD PARENT] ---- */

static const char *const link_keys[] = { "method", "fallback", "notes", "follow", "split_by", NULL };
static const char *const link_repeat[] = { "lookup", NULL };

/* ---- follow = NEWER | FILE | CHILD COL | NEWER COL | CHANGE COL ----
 *
 * One membership across vintages: each child area goes to the parent of
 * the newer areas it became (ONS LSOA 2011 -> 2021 lookup, change codes
 * U unchanged, S split, M merged, X irregular), whose links to PARENT are
 * already in the store.  Parts in several parents: the parent holding most
 * of the parts' weight (split_by = FILE | CODE COL | WEIGHT COL, e.g. the
 * Census 2021 population), so the child stays whole (best fit). */

typedef struct follow_row {
    char *child, *newer, *change;
    long line;
} follow_row;

static int cmp_follow(const void *a, const void *b)
{
    const follow_row *x = a, *y = b;
    int c = strcmp(x->child, y->child);
    return c ? c : strcmp(x->newer, y->newer);
}

typedef struct follow_plan {
    long *assign;             /* parent index per child, -1: not placed */
    char **method;            /* per child, malloc'd */
    size_t counts[5];         /* U, S, M, X, other */
    size_t outside;           /* parts outside the study, left out */
} follow_plan;

/* " (Name)" of an area, or "" when it has none. */
static const char *area_name(wm_imp_ctx *c, const char *geo, const char *code, char *buf, size_t size)
{
    sqlite3_stmt *q = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(c->db, "SELECT name FROM areas WHERE geography = ? AND code = ?", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(q, 1, geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, code, -1, SQLITE_STATIC);
        if (wm_imp_step(c, q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            snprintf(buf, size, " (%s)", (const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    return buf;
}

static const char *change_words(const char *code)
{
    return strcmp(code, "U") == 0 ? "U: unchanged" : strcmp(code, "S") == 0 ? "S: split"
           : strcmp(code, "M") == 0 ? "M: merged" : strcmp(code, "X") == 0 ? "X: irregular" : code;
}

static int follow_links(wm_imp_ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, const char *child_geo,
                        const char *parent_geo, const wm_area_set *kids, const wm_area_set *parents,
                        follow_plan *plan, char *source, size_t ssize, wm_error *err)
{
    int outside_ok = wm_meta_get(sec, "fallback") != NULL;
    char *f[5] = { 0 }, *w[3] = { 0 };
    int nf = wm_meta_split(wm_meta_get(sec, "follow"), '|', f, 5);
    int nw = 0, rc = -1;
    wm_table *t = NULL, *wt = NULL;
    follow_row *rows = NULL;
    size_t nrows = 0;
    wm_area_set newer = { 0 };
    long *newer_parent = NULL;
    double *weight = NULL;
    if (nf != 5 || !wm_imp_valid_geography(f[0])) {
        wm_meta_error(d, wm_meta_find(sec, "follow")->line, err,
                      "follow = NEWER GEOGRAPHY | FILE | CHILD COLUMN | NEWER COLUMN | CHANGE COLUMN expected");
        goto done;
    }
    const char *split_by = wm_meta_get(sec, "split_by");
    if (split_by && (nw = wm_meta_split(split_by, '|', w, 3)) != 3) {
        wm_meta_error(d, wm_meta_find(sec, "split_by")->line, err,
                      "split_by = FILE | CODE COLUMN | WEIGHT COLUMN expected");
        goto done;
    }
    if (!wm_imp_has_links(c, f[0], parent_geo)) {
        wm_meta_error(d, sec->line, err, "[link %s]: follow = %s needs the links %s -> %s first (a [link %s %s] "
                      "section above this one)", sec->name, f[0], f[0], parent_geo, f[0], parent_geo);
        goto done;
    }
    if (wm_imp_load_areas(c, f[0], &newer, err) != 0) goto done;
    newer_parent = malloc((newer.n + 1) * sizeof *newer_parent);
    char newer_method[300];
    wm_imp_load_links(c, f[0], &newer, parent_geo, parents, newer_parent, newer_method, sizeof newer_method);
    char path[PATH_MAX];
    t = wm_table_read(wm_meta_path(d, f[1], path, sizeof path), err);
    if (!t) goto done;
    int cc = wm_table_require_column(t, f[2], err), nc = cc < 0 ? -1 : wm_table_require_column(t, f[3], err);
    int xc = nc < 0 ? -1 : wm_table_require_column(t, f[4], err);
    if (xc < 0) goto done;
    rows = malloc((t->nrows + 1) * sizeof *rows);
    for (size_t r = 0; r < t->nrows; r++) {
        char *a = wm_trimmed_dup(wm_table_cell(t, r, cc)), *b = wm_trimmed_dup(wm_table_cell(t, r, nc));
        if (!*a || !*b) { free(a); free(b); continue; }
        rows[nrows].child = a;
        rows[nrows].newer = b;
        rows[nrows].change = wm_trimmed_dup(wm_table_cell(t, r, xc));
        rows[nrows++].line = wm_table_line(t, r);
    }
    qsort(rows, nrows, sizeof *rows, cmp_follow);
    if (nw == 3) {
        wt = wm_table_read(wm_meta_path(d, w[0], path, sizeof path), err);
        if (!wt) goto done;
        int wc = wm_table_require_column(wt, w[1], err), vc = wc < 0 ? -1 : wm_table_require_column(wt, w[2], err);
        if (vc < 0) goto done;
        /* Only the newer areas of the study are needed. */
        weight = malloc((newer.n + 1) * sizeof *weight);
        for (size_t i = 0; i < newer.n; i++) weight[i] = NAN;
        for (size_t r = 0; r < wt->nrows; r++) {
            long i = wm_imp_area_find(&newer, wm_table_cell(wt, r, wc));
            double v;
            if (i >= 0 && wm_number_parse(wm_table_cell(wt, r, vc), &v) == WM_NUM_VALUE) weight[i] = v;
        }
    }
    snprintf(source, ssize, "%s; %s -> %s links%s%s", wm_imp_base_name(f[1]), f[0], parent_geo,
             nw == 3 ? "; " : "", nw == 3 ? wm_imp_base_name(w[0]) : "");
    rc = 0;
    for (size_t i = 0; i < kids->n && rc == 0; i++) {
        plan->assign[i] = -1;
        /* The child's rows (sorted by child). */
        size_t lo = 0, hi = nrows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(rows[mid].child, kids->code[i]) < 0) lo = mid + 1;
            else hi = mid;
        }
        size_t first = lo, end = lo;
        while (end < nrows && strcmp(rows[end].child, kids->code[i]) == 0) end++;
        if (first == end) continue;     /* not in the change table: the caller falls back or fails */
        const char *change = rows[first].change;
        for (size_t k = first; k < end; k++)
            if (strcmp(rows[k].change, change) != 0) change = "mixed";
        int slot = strcmp(change, "U") == 0 ? 0 : strcmp(change, "S") == 0 ? 1 : strcmp(change, "M") == 0 ? 2
                   : strcmp(change, "X") == 0 ? 3 : 4;
        plan->counts[slot]++;
        /* The parent of each part, and the weight each parent gets. */
        long best = -1;
        double best_w = -1, total_w = 0;
        int nparents = 0, unweighed = 0;
        long seen[16];
        double seen_w[16];
        for (size_t k = first; k < end; k++) {
            long ni = wm_imp_area_find(&newer, rows[k].newer);
            /* With a fallback, parts outside the study (an LSOA split
             * across a district boundary) are left out; a child none of
             * whose parts is in the study is placed by the fallback. */
            if (ni < 0 && outside_ok) {
                plan->outside++;
                continue;
            }
            if (ni < 0 || newer_parent[ni] < 0) {
                rc = wm_meta_error(d, sec->line, err, "[link %s]: %s %s became %s %s (%s:%ld), which has no %s "
                                   "link", sec->name, child_geo, kids->code[i], f[0], rows[k].newer,
                                   wm_imp_base_name(f[1]), rows[k].line, parent_geo);
                break;
            }
            double wk = weight ? weight[ni] : NAN;
            if (isnan(wk)) unweighed = 1;
            else total_w += wk;
            int j = 0;
            while (j < nparents && seen[j] != newer_parent[ni]) j++;
            if (j == nparents) {
                if (nparents == 16) { rc = wm_meta_error(d, sec->line, err, "too many parts"); break; }
                seen[nparents] = newer_parent[ni];
                seen_w[nparents++] = 0;
            }
            if (!isnan(wk)) seen_w[j] += wk;
        }
        if (rc != 0) break;
        if (nparents == 0) {
            plan->counts[slot]--;
            continue;
        }
        char m[300];
        if (nparents == 1) {
            best = seen[0];
            if (end - first == 1)
                wm_imp_fmt(m, sizeof m, "one membership with %s: follows %s %s (%s)", f[0], f[0], rows[first].newer,
                           change_words(change));
            else
                wm_imp_fmt(m, sizeof m, "one membership with %s: its %zu %s parts all in one %s (%s)", f[0],
                           end - first, f[0], parent_geo, change_words(change));
        } else {
            if (!weight || unweighed) {
                rc = wm_meta_error(d, sec->line, err, "[link %s]: %s %s became %s areas in %d %s areas; give "
                                   "split_by = FILE | CODE COLUMN | WEIGHT COLUMN (with a weight for each) to choose",
                                   sec->name, child_geo, kids->code[i], f[0], nparents, parent_geo);
                break;
            }
            for (int j = 0; j < nparents; j++)
                if (seen_w[j] > best_w || (seen_w[j] == best_w && strcmp(parents->code[seen[j]],
                                                                        parents->code[best]) < 0)) {
                    best = seen[j];
                    best_w = seen_w[j];
                }
            char b1[32], b2[32];
            wm_imp_fmt(m, sizeof m, "one membership with %s: %s parts in %d %s areas; the one holding most %s "
                       "(%s of %s) (%s)", f[0], f[0], nparents, parent_geo, w[2],
                       wm_format_count((size_t)llround(best_w), b1, sizeof b1),
                       wm_format_count((size_t)llround(total_w), b2, sizeof b2), change_words(change));
        }
        plan->assign[i] = best;
        plan->method[i] = strdup(m);
    }
done:
    for (int i = 0; i < nf; i++) free(f[i]);
    for (int i = 0; i < nw; i++) free(w[i]);
    for (size_t i = 0; i < nrows; i++) { free(rows[i].child); free(rows[i].newer); free(rows[i].change); }
    free(rows);
    free(newer_parent);
    free(weight);
    wm_imp_area_set_free(&newer);
    wm_table_free(t);
    wm_table_free(wt);
    return rc;
}

int wm_imp_link(wm_imp_ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err)
{
    if (wm_meta_check(d, sec, link_keys, link_repeat, NULL, err) != 0) return -1;
    char child_geo[32] = "", parent_geo[32] = "";
    if (sscanf(sec->name, "%31s %31s", child_geo, parent_geo) != 2 || !wm_imp_valid_geography(child_geo) ||
        !wm_imp_valid_geography(parent_geo))
        return wm_meta_error(d, sec->line, err, "[link %s]: name two geographies, e.g. [link lsoa11 ward25]",
                             sec->name);
    size_t nsteps = 0;
    const char **lookups = wm_meta_all(sec, "lookup", &nsteps);
    if (!lookups) return wm_meta_error(d, sec->line, err, "out of memory");
    const char *method = wm_meta_get(sec, "method");
    const char *fallback = wm_meta_get(sec, "fallback");
    const char *follow = wm_meta_get(sec, "follow");
    int spatial = method && strcmp(method, "point-on-surface") == 0;
    follow_plan plan = { 0 };
    char follow_source[600] = "";
    char differ[2000] = "";
    size_t ndiffer = 0, by_follow = 0, stale = 0;
    int rc = -1;
    wm_area_set kids = { 0 }, parents = { 0 };
    wm_code_map map = { 0 };
    wm_lookup_step *steps = NULL;
    char **parts = NULL;
    long *assign = NULL;
    char source[1024] = "";

    if (method && !spatial && strcmp(method, "best-fit lookup") != 0) {
        wm_meta_error(d, wm_meta_find(sec, "method")->line, err,
                      "method = \"%s\": use \"best-fit lookup\" (with lookup = ...) or \"point-on-surface\"", method);
        goto done;
    }
    if (fallback && strcmp(fallback, "point-on-surface") != 0) {
        wm_meta_error(d, wm_meta_find(sec, "fallback")->line, err, "fallback can only be \"point-on-surface\"");
        goto done;
    }
    if (!spatial && nsteps == 0 && !follow) {
        wm_meta_error(d, sec->line, err, "[link %s] needs lookup = FILE | CHILD COLUMN | PARENT COLUMN, "
                      "follow = ..., or method = point-on-surface", sec->name);
        goto done;
    }
    if (spatial && follow) {
        wm_meta_error(d, sec->line, err, "[link %s]: give follow or method = point-on-surface, not both", sec->name);
        goto done;
    }
    if (wm_meta_get(sec, "split_by") && !follow) {
        wm_meta_error(d, wm_meta_find(sec, "split_by")->line, err, "split_by goes with follow = ...");
        goto done;
    }
    if (spatial && nsteps > 0) {
        wm_meta_error(d, sec->line, err, "[link %s]: give lookups or method = point-on-surface, not both",
                      sec->name);
        goto done;
    }
    if (wm_imp_load_areas(c, child_geo, &kids, err) != 0 || wm_imp_load_areas(c, parent_geo, &parents, err) != 0) goto done;
    if (kids.n == 0 || parents.n == 0) {
        wm_meta_error(d, sec->line, err, "[link %s]: no %s areas in the store (add an [areas %s] section first)",
                      sec->name, kids.n == 0 ? child_geo : parent_geo, kids.n == 0 ? child_geo : parent_geo);
        goto done;
    }
    assign = malloc((kids.n + 1) * sizeof *assign);
    for (size_t i = 0; i < kids.n; i++) assign[i] = -1;
    size_t by_lookup = 0, by_point = 0;
    if (follow) {
        plan.assign = malloc((kids.n + 1) * sizeof *plan.assign);
        plan.method = calloc(kids.n + 1, sizeof *plan.method);
        if (follow_links(c, d, sec, child_geo, parent_geo, &kids, &parents, &plan, follow_source,
                         sizeof follow_source, err) != 0)
            goto done;
        for (size_t i = 0; i < kids.n; i++)
            if (plan.assign[i] >= 0) {
                assign[i] = plan.assign[i];
                by_follow++;
            }
    }
    if (nsteps > 0) {
        steps = calloc(nsteps, sizeof *steps);
        parts = calloc(nsteps * 3, sizeof *parts);
        size_t used = 0;
        for (size_t k = 0; k < nsteps; k++) {
            char *p3[3];
            if (wm_meta_split(lookups[k], '|', p3, 3) != 3) {
                wm_meta_error(d, sec->line, err, "[link %s]: lookup = FILE | CHILD COLUMN | PARENT COLUMN expected, "
                              "found \"%s\"", sec->name, lookups[k]);
                goto done;
            }
            char path[PATH_MAX];
            parts[3 * k] = strdup(wm_meta_path(d, p3[0], path, sizeof path));
            parts[3 * k + 1] = p3[1];
            parts[3 * k + 2] = p3[2];
            steps[k].file = parts[3 * k];
            steps[k].child_col = p3[1];
            steps[k].parent_col = p3[2];
            used += (size_t)snprintf(source + used, sizeof source - used > 0 ? sizeof source - used : 0, "%s%s",
                                     k ? " then " : "", p3[0] ? wm_imp_base_name(p3[0]) : "");
            if (used >= sizeof source) used = sizeof source - 1;
            free(p3[0]);
        }
        if (wm_lookup_chain(steps, (int)nsteps, &map, err) != 0) goto done;
        for (size_t i = 0; i < kids.n; i++) {
            const char *p = wm_code_map_get(&map, kids.code[i]);
            if (!p) continue;
            long pi = wm_imp_area_find(&parents, p);
            if (pi < 0 && fallback) {
                /* The lookup names a parent of another vintage (a ward
                 * abolished since): placed by the fallback, counted. */
                stale++;
                continue;
            }
            if (pi < 0) {
                wm_meta_error(d, sec->line, err, "[link %s]: %s %s maps to %s, which is not a %s area", sec->name,
                              child_geo, kids.code[i], p, parent_geo);
                goto done;
            }
            if (assign[i] >= 0) {
                /* Placed by follow: say where the published lookup differs. */
                if (assign[i] != pi) {
                    size_t l = strlen(differ);
                    char n1[128], n2[128];
                    if (ndiffer < 20)
                        snprintf(differ + l, sizeof differ - l, "%s%s: %s%s in the lookup, %s%s here",
                                 ndiffer ? "; " : "", kids.code[i], p, area_name(c, parent_geo, p, n1, sizeof n1),
                                 parents.code[assign[i]],
                                 area_name(c, parent_geo, parents.code[assign[i]], n2, sizeof n2));
                    ndiffer++;
                }
                continue;
            }
            assign[i] = pi;
            by_lookup++;
        }
    }
    if (spatial || (fallback && by_follow + by_lookup < kids.n)) {
        wm_layer *cl = wm_imp_layer_of(c, child_geo, err);
        wm_layer *pl = cl ? wm_imp_layer_of(c, parent_geo, err) : NULL;
        if (!pl) goto done;
        long *pos = malloc((cl->n + 1) * sizeof *pos);
        if (wm_assign_point_on_surface(cl, pl, pos, err) < 0) { free(pos); goto done; }
        for (size_t f = 0; f < cl->n; f++) {
            long ki = wm_imp_area_find(&kids, cl->features[f].key);
            if (ki < 0 || assign[ki] >= 0 || pos[f] < 0) continue;
            long pi = wm_imp_area_find(&parents, pl->features[pos[f]].key);
            if (pi >= 0) { assign[ki] = pi; by_point++; }
        }
        free(pos);
    }
    for (size_t i = 0; i < kids.n; i++)
        if (assign[i] < 0) {
            const char *broken = NULL;
            for (size_t k = 0; k < map.n; k++)
                if (strcmp(map.child[k], kids.code[i]) == 0) broken = map.broken_at[k];
            if (broken)
                wm_meta_error(d, sec->line, err, "[link %s]: %s %s has no parent: the lookups stop at %s", sec->name,
                              child_geo, kids.code[i], broken);
            else if (follow && nsteps == 0 && !fallback)
                wm_meta_error(d, sec->line, err, "[link %s]: %s %s is not in the change table of follow (add "
                              "lookup = ... or fallback = point-on-surface to place it)", sec->name, child_geo,
                              kids.code[i]);
            else if (nsteps > 0 && !fallback)
                wm_meta_error(d, sec->line, err, "[link %s]: %s %s is not in the lookup (add fallback = "
                              "point-on-surface to place it spatially)", sec->name, child_geo, kids.code[i]);
            else
                wm_meta_error(d, sec->line, err, "[link %s]: the point on surface of %s %s lies in no %s area",
                              sec->name, child_geo, kids.code[i], parent_geo);
            goto done;
        }

    if (wm_imp_exec(c, err, "DELETE FROM area_links WHERE child_geography = ? AND parent_geography = ?", child_geo,
                 parent_geo) != 0)
        goto done;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(c->db, "INSERT INTO area_links VALUES (?, ?, ?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
        wm_imp_sql_error(c, err, "prepare");
        goto done;
    }
    rc = 0;
    for (size_t i = 0; i < kids.n && rc == 0; i++) {
        int followed = plan.method && plan.method[i];
        int looked_up = !followed && nsteps > 0 && wm_code_map_get(&map, kids.code[i]) != NULL;
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, child_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, kids.code[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, parent_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, parents.code[assign[i]], -1, SQLITE_STATIC);
        const char *m = followed ? plan.method[i] : looked_up ? (nsteps > 1 ? "chained lookups" : "best-fit lookup")
                                                              : "point on surface";
        sqlite3_bind_text(ins, 5, m, -1, SQLITE_STATIC);
        if (followed) sqlite3_bind_text(ins, 6, follow_source, -1, SQLITE_STATIC);
        else if (looked_up) sqlite3_bind_text(ins, 6, source, -1, SQLITE_STATIC);
        else sqlite3_bind_text(ins, 6, "boundary layers", -1, SQLITE_STATIC);
        if (wm_imp_step(c, ins) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing links");
    }
    sqlite3_finalize(ins);
    if (rc == 0) {
        if (by_follow)
            wm_imp_say(c, "link %s -> %s: %zu areas follow their %.*s areas (%zu U unchanged, %zu S split, %zu M merged, "
                       "%zu X irregular%s) (%s)", child_geo, parent_geo, by_follow,
                       (int)strcspn(wm_meta_get(sec, "follow"), " |"), wm_meta_get(sec, "follow"),
                       plan.counts[0], plan.counts[1], plan.counts[2], plan.counts[3],
                       plan.counts[4] ? ", some of mixed codes" : "", follow_source);
        if (follow && nsteps > 0)
            wm_imp_say(c, "  %zu %s areas in another %s than the lookup %s gives%s%s", ndiffer, child_geo, parent_geo,
                       source, ndiffer ? ": " : "", differ);
        if (by_lookup)
            wm_imp_say(c, "link %s -> %s: %zu areas by %s (%s)%s", child_geo, parent_geo, by_lookup,
                nsteps > 1 ? "chained lookups" : "best-fit lookup", source, follow ? ", not in the change table" : "");
        if (by_point)
            wm_imp_say(c, "link %s -> %s: %zu areas by point on surface in the %s boundaries%s", child_geo, parent_geo,
                by_point, parent_geo, stale ? ", where the lookup names no area of it" : "");
        if (stale)
            wm_imp_say(c, "  %zu %s areas whose lookup parent is no %s area (an older vintage) placed by point on "
                       "surface", stale, child_geo, parent_geo);
        if (plan.outside)
            wm_imp_say(c, "  %zu parts (newer areas outside the study) left out", plan.outside);
    }
done:
    wm_imp_areas_changed(c);
    if (plan.method)
        for (size_t i = 0; i < kids.n; i++) free(plan.method[i]);
    free(plan.method);
    free(plan.assign);
    if (parts)
        for (size_t k = 0; k < nsteps * 3; k++) free(parts[k]);
    free(parts);
    free(steps);
    free(lookups);
    free(assign);
    wm_code_map_free(&map);
    wm_imp_area_set_free(&kids);
    wm_imp_area_set_free(&parents);
    return rc;
}

