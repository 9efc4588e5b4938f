/* Manifest sections: [areas GEOGRAPHY] reads area codes and names (and
 * parents) from a boundary layer; [link CHILD PARENT] says how one
 * geography nests in another, by lookups or by point on surface. */
#include "store_internal.h"
#include "join.h"
#include "table.h"

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
        int st = sqlite3_step(ins);
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
                nparents += sqlite3_step(par) == SQLITE_DONE && sqlite3_changes(c->db) > 0;
                sqlite3_reset(link);
                sqlite3_bind_text(link, 1, geo, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 2, code, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(link, 3, pgeo, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 4, pcode, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(link, 5, link_method, -1, SQLITE_STATIC);
                sqlite3_bind_text(link, 6, wm_imp_base_name(layer_path), -1, SQLITE_STATIC);
                if (sqlite3_step(link) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing links");
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
        wm_imp_say(c, "areas %s: %s from %s%s", geo, wm_format_count(t->nrows, b, sizeof b), rel,
            pgeo ? " (with their parent areas)" : "");
        if (names && nlocal < t->nrows)
            wm_imp_say(c, "  local names for %zu of %zu areas from %s", nlocal, t->nrows, np[0]);
    }
done:
    free(pfield);
    free(pgeo);
    for (int i = 0; i < nnp; i++) free(np[i]);
    wm_table_free(names);
    wm_table_free(t);
    return rc;
}

/* ---- [link CHILD PARENT] ---- */

static const char *const link_keys[] = { "method", "fallback", "notes", NULL };
static const char *const link_repeat[] = { "lookup", NULL };

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
    const char *method = wm_meta_get(sec, "method");
    const char *fallback = wm_meta_get(sec, "fallback");
    int spatial = method && strcmp(method, "point-on-surface") == 0;
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
    if (!spatial && nsteps == 0) {
        wm_meta_error(d, sec->line, err, "[link %s] needs lookup = FILE | CHILD COLUMN | PARENT COLUMN, or "
                      "method = point-on-surface", sec->name);
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
            if (pi < 0) {
                wm_meta_error(d, sec->line, err, "[link %s]: %s %s maps to %s, which is not a %s area", sec->name,
                              child_geo, kids.code[i], p, parent_geo);
                goto done;
            }
            assign[i] = pi;
            by_lookup++;
        }
    }
    if (spatial || (fallback && by_lookup < kids.n)) {
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
        int looked_up = nsteps > 0 && wm_code_map_get(&map, kids.code[i]) != NULL;
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, child_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, kids.code[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, parent_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, parents.code[assign[i]], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, looked_up ? (nsteps > 1 ? "chained lookups" : "best-fit lookup") : "point on surface",
                          -1, SQLITE_STATIC);
        if (looked_up) sqlite3_bind_text(ins, 6, source, -1, SQLITE_STATIC);
        else sqlite3_bind_text(ins, 6, "boundary layers", -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) rc = wm_imp_sql_error(c, err, "writing links");
    }
    sqlite3_finalize(ins);
    if (rc == 0) {
        if (by_lookup)
            wm_imp_say(c, "link %s -> %s: %zu areas by %s (%s)", child_geo, parent_geo, by_lookup,
                nsteps > 1 ? "chained lookups" : "best-fit lookup", source);
        if (by_point)
            wm_imp_say(c, "link %s -> %s: %zu areas by point on surface in the %s boundaries", child_geo, parent_geo,
                by_point, parent_geo);
    }
done:
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

