/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include "store_import.h"
#include "aggregate.h"
#include "home.h"
#include "join.h"
#include "layer.h"
#include "number.h"
#include "table.h"

#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Small helpers ---- */

/* A sorted set of area codes of one geography. */
typedef struct area_set {
    size_t n;
    char **code;
} area_set;

static void area_set_free(area_set *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->code[i]);
    free(a->code);
    a->code = NULL;
    a->n = 0;
}

static long area_find(const area_set *a, const char *code)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->code[mid], code);
        if (c == 0) return (long)mid;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}

typedef struct geo_layer {
    char geography[32];
    wm_layer *layer;
} geo_layer;

/* Everything one import needs to carry around. */
typedef struct ctx {
    wm_store *s;
    sqlite3 *db;
    FILE *log;             /* the report being written (memstream) */
    char *log_buf;
    size_t log_len;
    size_t nlayers;
    geo_layer *layers;     /* boundary layers read so far, by geography */
    char now[32];
    char routes[16][400];  /* routes already described in the report */
    int nroutes;
    char line[1024];       /* the report line of the indicator being aggregated */
} ctx;

/* snprintf that may cut: method texts are for reading, not parsing. */
static void fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, size, f, ap);
    va_end(ap);
}

static void say(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->log, fmt, ap);
    va_end(ap);
    fputc('\n', c->log);
}

static int sql_error(ctx *c, wm_error *err, const char *what)
{
    return wm_error_set(err, WM_EXIT_IO, "%s: %s: %s", wm_store_path(c->s), what, sqlite3_errmsg(c->db));
}

static int exec_sql(ctx *c, wm_error *err, const char *sql, ...)
{
    /* Arguments are bound as text, in order; NULL binds SQL NULL. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) return sql_error(c, err, "prepare");
    va_list ap;
    va_start(ap, sql);
    int np = sqlite3_bind_parameter_count(q);
    for (int i = 1; i <= np; i++) {
        const char *v = va_arg(ap, const char *);
        if (v) sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(q, i);
    }
    va_end(ap);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sql_error(c, err, "write");
    return 0;
}

/* The codes of `geography` held in areas. */
static int load_areas(ctx *c, const char *geography, area_set *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT code FROM areas WHERE geography = ? ORDER BY code", -1, &q, NULL) !=
        SQLITE_OK)
        return sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    size_t cap = 64;
    out->code = malloc(cap * sizeof *out->code);
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (out->n == cap) { cap *= 2; out->code = realloc(out->code, cap * sizeof *out->code); }
        out->code[out->n++] = strdup((const char *)sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    return 0;
}

/* parent[i] = index in `parents` of the linked parent of child i, or -1.
 * Returns the number of children linked; *method receives the link's
 * method and source ("best-fit lookup (x.csv)") when any. */
static long load_links(ctx *c, const char *child_geo, const area_set *children, const char *parent_geo,
                       const area_set *parents, long *parent, char *method, size_t msize)
{
    for (size_t i = 0; i < children->n; i++) parent[i] = -1;
    if (method) method[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT child_code, parent_code, method, source FROM area_links "
                           "WHERE child_geography = ? AND parent_geography = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, child_geo, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, parent_geo, -1, SQLITE_STATIC);
    long linked = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        long ci = area_find(children, (const char *)sqlite3_column_text(q, 0));
        long pi = area_find(parents, (const char *)sqlite3_column_text(q, 1));
        if (ci < 0 || pi < 0) continue;
        parent[ci] = pi;
        linked++;
        if (method && !method[0]) {
            const char *m = (const char *)sqlite3_column_text(q, 2);
            const char *src = (const char *)sqlite3_column_text(q, 3);
            if (src && *src) snprintf(method, msize, "%s (%s)", m, src);
            else snprintf(method, msize, "%s", m);
        }
    }
    sqlite3_finalize(q);
    return linked;
}

static int has_links(ctx *c, const char *child_geo, const char *parent_geo)
{
    sqlite3_stmt *q = NULL;
    int yes = 0;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT 1 FROM area_links WHERE child_geography = ? AND parent_geography = ? LIMIT 1",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, child_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, parent_geo, -1, SQLITE_STATIC);
        yes = sqlite3_step(q) == SQLITE_ROW;
    }
    sqlite3_finalize(q);
    return yes;
}

/* The boundary layer of a geography (read once per import). */
static wm_layer *layer_of(ctx *c, const char *geography, wm_error *err)
{
    for (size_t i = 0; i < c->nlayers; i++)
        if (strcmp(c->layers[i].geography, geography) == 0) return c->layers[i].layer;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT layer, code_field, name_field FROM geographies WHERE geography = ?", -1,
                           &q, NULL) != SQLITE_OK) {
        sql_error(c, err, "query");
        return NULL;
    }
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    wm_layer *L = NULL;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
        char path[PATH_MAX];
        wm_home_path((const char *)sqlite3_column_text(q, 0), path, sizeof path);
        const char *name = (const char *)sqlite3_column_text(q, 2);
        L = wm_layer_read(path, (const char *)sqlite3_column_text(q, 1), name, NULL, err);
    } else {
        wm_error_set(err, WM_EXIT_DATA, "geography %s has no boundary layer in the store (an [areas %s] section "
                     "with layer = ... gives one)", geography, geography);
    }
    sqlite3_finalize(q);
    if (!L) return NULL;
    c->layers = realloc(c->layers, (c->nlayers + 1) * sizeof *c->layers);
    snprintf(c->layers[c->nlayers].geography, sizeof c->layers[c->nlayers].geography, "%s", geography);
    c->layers[c->nlayers].layer = L;
    c->nlayers++;
    return L;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A path as kept in the store: relative to the home when inside it. */
static void store_relative(const char *path, char *out, size_t size)
{
    char real[PATH_MAX], home[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    const char *h = realpath(wm_home(), home) ? home : wm_home();
    size_t hl = strlen(h);
    if (strncmp(p, h, hl) == 0 && p[hl] == '/') snprintf(out, size, "%s", p + hl + 1);
    else snprintf(out, size, "%s", p);
}

static const char *count_text(size_t n, char *buf, size_t size) { return wm_format_count(n, buf, size); }

/* ---- [areas GEOGRAPHY] ---- */

static const char *const areas_keys[] = { "layer", "code", "name", "local_names", "parent", "parent_name",
                                          "notes", NULL };
static const char *const areas_required[] = { "layer", "code", NULL };

static int valid_geography(const char *g)
{
    size_t n = strlen(g);
    if (n == 0 || n > 24) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((g[i] >= 'a' && g[i] <= 'z') || (g[i] >= '0' && g[i] <= '9') || g[i] == '_')) return 0;
    return 1;
}

static int import_areas(ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err)
{
    if (wm_meta_check(d, sec, areas_keys, NULL, areas_required, err) != 0) return -1;
    const char *geo = sec->name;
    if (!valid_geography(geo))
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
        if (k != 2 || !*pp[0] || !valid_geography(pp[1])) {
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

    store_relative(layer_path, rel, sizeof rel);
    if (exec_sql(c, err, "INSERT OR REPLACE INTO geographies VALUES (?, ?, ?, ?)", geo, rel, code_f, name_f) != 0)
        goto done;
    if (exec_sql(c, err, "DELETE FROM areas WHERE geography = ?", geo) != 0) goto done;
    if (exec_sql(c, err, "DELETE FROM area_links WHERE child_geography = ?", geo) != 0) goto done;
    if (pgeo && exec_sql(c, err, "INSERT OR IGNORE INTO geographies (geography) VALUES (?)", pgeo) != 0) goto done;

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
            rc = sql_error(c, err, "writing areas");
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
                sqlite3_bind_text(link, 6, base_name(layer_path), -1, SQLITE_STATIC);
                if (sqlite3_step(link) != SQLITE_DONE) rc = sql_error(c, err, "writing links");
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
        say(c, "areas %s: %s from %s%s", geo, count_text(t->nrows, b, sizeof b), rel,
            pgeo ? " (with their parent areas)" : "");
        if (names && nlocal < t->nrows)
            say(c, "  local names for %zu of %zu areas from %s", nlocal, t->nrows, np[0]);
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

static int import_link(ctx *c, const wm_meta_doc *d, const wm_meta_section *sec, wm_error *err)
{
    if (wm_meta_check(d, sec, link_keys, link_repeat, NULL, err) != 0) return -1;
    char child_geo[32] = "", parent_geo[32] = "";
    if (sscanf(sec->name, "%31s %31s", child_geo, parent_geo) != 2 || !valid_geography(child_geo) ||
        !valid_geography(parent_geo))
        return wm_meta_error(d, sec->line, err, "[link %s]: name two geographies, e.g. [link lsoa11 ward25]",
                             sec->name);
    size_t nsteps = 0;
    const char **lookups = wm_meta_all(sec, "lookup", &nsteps);
    const char *method = wm_meta_get(sec, "method");
    const char *fallback = wm_meta_get(sec, "fallback");
    int spatial = method && strcmp(method, "point-on-surface") == 0;
    int rc = -1;
    area_set kids = { 0 }, parents = { 0 };
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
    if (load_areas(c, child_geo, &kids, err) != 0 || load_areas(c, parent_geo, &parents, err) != 0) goto done;
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
                                     k ? " then " : "", p3[0] ? base_name(p3[0]) : "");
            if (used >= sizeof source) used = sizeof source - 1;
            free(p3[0]);
        }
        if (wm_lookup_chain(steps, (int)nsteps, &map, err) != 0) goto done;
        for (size_t i = 0; i < kids.n; i++) {
            const char *p = wm_code_map_get(&map, kids.code[i]);
            if (!p) continue;
            long pi = area_find(&parents, p);
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
        wm_layer *cl = layer_of(c, child_geo, err);
        wm_layer *pl = cl ? layer_of(c, parent_geo, err) : NULL;
        if (!pl) goto done;
        long *pos = malloc((cl->n + 1) * sizeof *pos);
        if (wm_assign_point_on_surface(cl, pl, pos, err) < 0) { free(pos); goto done; }
        for (size_t f = 0; f < cl->n; f++) {
            long ki = area_find(&kids, cl->features[f].key);
            if (ki < 0 || assign[ki] >= 0 || pos[f] < 0) continue;
            long pi = area_find(&parents, pl->features[pos[f]].key);
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

    if (exec_sql(c, err, "DELETE FROM area_links WHERE child_geography = ? AND parent_geography = ?", child_geo,
                 parent_geo) != 0)
        goto done;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(c->db, "INSERT INTO area_links VALUES (?, ?, ?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
        sql_error(c, err, "prepare");
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
        if (sqlite3_step(ins) != SQLITE_DONE) rc = sql_error(c, err, "writing links");
    }
    sqlite3_finalize(ins);
    if (rc == 0) {
        if (by_lookup)
            say(c, "link %s -> %s: %zu areas by %s (%s)", child_geo, parent_geo, by_lookup,
                nsteps > 1 ? "chained lookups" : "best-fit lookup", source);
        if (by_point)
            say(c, "link %s -> %s: %zu areas by point on surface in the %s boundaries", child_geo, parent_geo,
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
    area_set_free(&kids);
    area_set_free(&parents);
    return rc;
}

/* ---- Metadata files: [source] and [indicator ID] ---- */

static const char *const source_keys[] = { "table", "geography", "code", "name", "publisher", "licence", "period",
                                           "family", "notes", "to", "url", NULL };
static const char *const source_required[] = { "table", "geography", "code", NULL };
static const char *const indicator_keys[] = { "title", "label", "unit", "polarity", "period", "family", "notes",
                                              "publisher", "licence", "value", "numerator", "denominator", "scale",
                                              "from", "aggregate", "weight", "apportion", "class", "to", "table",
                                              NULL };
static const char *const indicator_repeat[] = { "numerator_minus", NULL };
static const char *const indicator_required[] = { "title", "unit", "polarity", NULL };

static const char *const units[] = { "%", "count", "rank", "decile", "score", "rate per 100", NULL };
static const char *const polarities[] = { "higher is worse", "higher is better", "neutral", NULL };

#define MAX_TARGETS 8
#define MAX_MINUS 8

typedef struct source_spec {
    const wm_meta_section *sec;
    char table[PATH_MAX];
    const char *table_name;
    const char *geography, *code_col, *name_col;
    const char *publisher, *licence, *period, *family, *notes, *to;
} source_spec;

typedef struct ind_spec {
    const wm_meta_section *sec;
    const char *id, *title, *label, *unit, *polarity, *period, *family, *notes, *publisher, *licence;
    const char *value_col, *num_col, *den_col, *from, *weight, *apportion, *class_text;
    const char **minus;
    size_t nminus;
    wm_agg_method agg;
    double scale, class_lo, class_hi;
    int headline;
    char *to[MAX_TARGETS];
    int nto;
    int ci_value, ci_num, ci_den, ci_minus[MAX_MINUS];
    char geography[32];          /* where its source values are */
    /* per study area, filled while reading the table */
    double *value, *num, *den;
    char **published;
    const char **status;
} ind_spec;

static int one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0) return 1;
    return 0;
}

static int parse_targets(const wm_meta_doc *d, int line, const char *text, ind_spec *ind, wm_error *err)
{
    char *parts[MAX_TARGETS];
    int n = wm_meta_split(text, ',', parts, MAX_TARGETS);
    if (n < 0) return wm_meta_error(d, line, err, "at most %d geographies in \"to\"", MAX_TARGETS);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++)
        if (!valid_geography(parts[i])) bad = i;
    if (bad >= 0) {
        wm_meta_error(d, line, err, "\"%s\" is not a geography (e.g. ward25)", parts[bad]);
        for (int i = 0; i < n; i++) free(parts[i]);
        return -1;
    }
    for (int i = 0; i < n; i++) ind->to[i] = parts[i];
    ind->nto = n;
    return 0;
}

static int parse_class(const char *text, double *lo, double *hi)
{
    char *end;
    *lo = strtod(text, &end);
    if (end == text) return -1;
    while (*end == ' ') end++;
    if (!*end) { *hi = *lo; return 0; }
    if (*end != '-') return -1;
    char *e2;
    *hi = strtod(end + 1, &e2);
    while (*e2 == ' ') e2++;
    return e2 == end + 1 || *e2 || *hi < *lo ? -1 : 0;
}

static void free_ind(ind_spec *ind, size_t nareas)
{
    for (int i = 0; i < ind->nto; i++) free(ind->to[i]);
    free(ind->minus);
    if (ind->published)
        for (size_t k = 0; k < nareas; k++) free(ind->published[k]);
    free(ind->published);
    free(ind->value);
    free(ind->num);
    free(ind->den);
    free(ind->status);
}

static int parse_indicator(const wm_meta_doc *d, const wm_meta_section *sec, const source_spec *src,
                           ind_spec *ind, wm_error *err)
{
    memset(ind, 0, sizeof *ind);
    ind->sec = sec;
    if (wm_meta_check(d, sec, indicator_keys, indicator_repeat, indicator_required, err) != 0) return -1;
    ind->id = sec->name;
    if (!*ind->id || strspn(ind->id, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(ind->id) ||
        strlen(ind->id) >= 64)
        return wm_meta_error(d, sec->line, err, "[indicator %s]: an id is lower-case letters, digits and _ "
                             "(at most 63)", ind->id);
#define GET(k, fallback) (wm_meta_get(sec, k) ? wm_meta_get(sec, k) : (fallback))
    ind->title = GET("title", NULL);
    ind->label = GET("label", NULL);
    ind->unit = GET("unit", NULL);
    ind->polarity = GET("polarity", NULL);
    ind->period = GET("period", src ? src->period : NULL);
    ind->family = GET("family", src ? src->family : NULL);
    ind->notes = GET("notes", src ? src->notes : NULL);
    ind->publisher = GET("publisher", src ? src->publisher : NULL);
    ind->licence = GET("licence", src ? src->licence : NULL);
    ind->value_col = GET("value", NULL);
    ind->num_col = GET("numerator", NULL);
    ind->den_col = GET("denominator", NULL);
    ind->from = GET("from", NULL);
    ind->weight = GET("weight", NULL);
    ind->apportion = GET("apportion", NULL);
    ind->class_text = GET("class", NULL);
    ind->minus = wm_meta_all(sec, "numerator_minus", &ind->nminus);
    const char *headline = GET("table", "no");
    const char *agg = GET("aggregate", "none");
    const char *to = GET("to", src ? src->to : NULL);
#undef GET
    int line = sec->line;
    if (!one_of(ind->unit, units))
        return wm_meta_error(d, wm_meta_find(sec, "unit")->line, err,
                             "unit \"%s\" is not one of: %%, count, rank, decile, score, rate per 100", ind->unit);
    if (!one_of(ind->polarity, polarities))
        return wm_meta_error(d, wm_meta_find(sec, "polarity")->line, err,
                             "polarity \"%s\" is not one of: higher is worse, higher is better, neutral",
                             ind->polarity);
    if (!ind->period || !*ind->period)
        return wm_meta_error(d, line, err, "[indicator %s] has no period (give period = ... here or in [source])",
                             ind->id);
    if (strcmp(headline, "yes") != 0 && strcmp(headline, "no") != 0)
        return wm_meta_error(d, wm_meta_find(sec, "table")->line, err, "table = yes or no");
    ind->headline = strcmp(headline, "yes") == 0;
    if (wm_agg_method_parse(agg, &ind->agg) != 0)
        return wm_meta_error(d, wm_meta_find(sec, "aggregate")->line, err,
                             "aggregate \"%s\" is not one of: none, sum, ratio, weighted mean, count in class, "
                             "share in class, weighted share in class", agg);
    if (ind->nminus > MAX_MINUS) return wm_meta_error(d, line, err, "at most %d numerator_minus", MAX_MINUS);
    if (ind->nminus && !ind->num_col)
        return wm_meta_error(d, line, err, "[indicator %s]: numerator_minus needs numerator", ind->id);
    if (ind->from && (ind->value_col || ind->num_col || ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s]: \"from\" takes the values of another indicator; "
                             "give no columns", ind->id);
    if (!ind->from && !ind->value_col && !(ind->num_col && ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s] needs value = COLUMN, or numerator and denominator, "
                             "or from = INDICATOR", ind->id);
    if (!ind->from && !src)
        return wm_meta_error(d, line, err, "[indicator %s] reads columns but the file has no [source] section",
                             ind->id);
    if ((!!ind->num_col) != (!!ind->den_col))
        return wm_meta_error(d, line, err, "[indicator %s]: numerator and denominator go together", ind->id);
    if (ind->agg == WM_AGG_RATIO && !ind->num_col)
        return wm_meta_error(d, line, err, "[indicator %s]: aggregate = ratio needs numerator and denominator",
                             ind->id);
    if (wm_agg_needs_weight(ind->agg) && !ind->weight)
        return wm_meta_error(d, line, err, "[indicator %s]: aggregate = %s needs weight = INDICATOR", ind->id, agg);
    if (wm_agg_needs_whole_areas(ind->agg)) {
        if (!ind->class_text)
            return wm_meta_error(d, line, err, "[indicator %s]: aggregate = %s needs class = N or N-M", ind->id, agg);
        if (parse_class(ind->class_text, &ind->class_lo, &ind->class_hi) != 0)
            return wm_meta_error(d, wm_meta_find(sec, "class")->line, err, "class \"%s\": expected N or N-M",
                                 ind->class_text);
    } else if (ind->class_text) {
        return wm_meta_error(d, wm_meta_find(sec, "class")->line, err, "class only goes with a class method");
    }
    const char *scale = wm_meta_get(sec, "scale");
    ind->scale = strcmp(ind->unit, "%") == 0 || strcmp(ind->unit, "rate per 100") == 0 ? 100 : 1;
    if (scale && wm_number_parse(scale, &ind->scale) != WM_NUM_VALUE)
        return wm_meta_error(d, wm_meta_find(sec, "scale")->line, err, "scale \"%s\" is not a number", scale);
    if (to) {
        const wm_meta_kv *kv = wm_meta_find(sec, "to");
        if (parse_targets(d, kv ? kv->line : line, to, ind, err) != 0) return -1;
    }
    if (ind->agg != WM_AGG_NONE && ind->nto == 0)
        return wm_meta_error(d, line, err, "[indicator %s] aggregates but has no \"to\" geographies", ind->id);
    if (src) snprintf(ind->geography, sizeof ind->geography, "%s", src->geography);
    return 0;
}

/* Parse one cell into v; returns the number kind.  Empty and suppressed
 * leave v NAN. */
static wm_number_kind cell_number(const char *cell, double *v)
{
    *v = NAN;
    return wm_number_parse(cell, v);
}

typedef struct row_tally {
    size_t read, loaded, suppressed, rejected, outside;
    char reasons[6][200];
    size_t nreasons;
} row_tally;

static void add_reason(row_tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(row_tally *t, const char *fmt, ...)
{
    if (t->nreasons >= sizeof t->reasons / sizeof *t->reasons) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->reasons[t->nreasons++], sizeof t->reasons[0], fmt, ap);
    va_end(ap);
}

static int write_indicator_row(ctx *c, const ind_spec *ind, const char *geography, const char *source_file,
                               const char *derived_from, wm_error *err)
{
    if (exec_sql(c, err, "DELETE FROM indicator_values WHERE indicator_id = ? AND period = ?", ind->id,
                 ind->period) != 0)
        return -1;
    /* Keep an indicator's place in lists when it is re-imported. */
    sqlite3_stmt *q = NULL;
    int seq = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT seq FROM indicators WHERE id = ? AND period = ?", -1, &q, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(q, 1, ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, ind->period, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) seq = sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    if (!seq) {
        if (sqlite3_prepare_v2(c->db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM indicators", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            seq = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    if (sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO indicators (id, period, title, unit, polarity, family, geography, "
                           "publisher, source_file, licence, aggregation, scale, derived_from, weight, apportion, "
                           "class, notes, headline, seq, imported_at, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                           "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
                           -1, &q, NULL) != SQLITE_OK)
        return sql_error(c, err, "prepare");
    const char *text[] = { ind->id, ind->period, ind->title, ind->unit, ind->polarity, ind->family, geography,
                           ind->publisher, source_file, ind->licence, wm_agg_method_name(ind->agg) };
    for (int i = 0; i < 11; i++)
        if (text[i]) sqlite3_bind_text(q, i + 1, text[i], -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 12, ind->scale);
    if (derived_from) sqlite3_bind_text(q, 13, derived_from, -1, SQLITE_STATIC);
    if (ind->weight) sqlite3_bind_text(q, 14, ind->weight, -1, SQLITE_STATIC);
    if (ind->apportion) sqlite3_bind_text(q, 15, ind->apportion, -1, SQLITE_STATIC);
    if (ind->class_text) sqlite3_bind_text(q, 16, ind->class_text, -1, SQLITE_STATIC);
    if (ind->notes) sqlite3_bind_text(q, 17, ind->notes, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 18, ind->headline);
    sqlite3_bind_int(q, 19, seq);
    sqlite3_bind_text(q, 20, c->now, -1, SQLITE_STATIC);
    if (ind->label) sqlite3_bind_text(q, 21, ind->label, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : sql_error(c, err, "writing indicators");
}

static sqlite3_stmt *prepare_value_insert(ctx *c)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(c->db, "INSERT INTO indicator_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &q,
                       NULL);
    return q;
}

static void bind_double_or_null(sqlite3_stmt *q, int i, double v)
{
    if (isnan(v)) sqlite3_bind_null(q, i);
    else sqlite3_bind_double(q, i, v);
}

static int insert_value(ctx *c, sqlite3_stmt *q, const char *id, const char *period, const char *geography,
                        const char *code, double value, double num, double den, int n_areas, int n_missing,
                        const char *status, const char *published, const char *method, wm_error *err)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, code, -1, SQLITE_STATIC);
    bind_double_or_null(q, 5, value);
    bind_double_or_null(q, 6, num);
    bind_double_or_null(q, 7, den);
    sqlite3_bind_int(q, 8, n_areas);
    sqlite3_bind_int(q, 9, n_missing);
    sqlite3_bind_text(q, 10, status, -1, SQLITE_STATIC);
    if (published) sqlite3_bind_text(q, 11, published, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, 11);
    sqlite3_bind_text(q, 12, method, -1, SQLITE_STATIC);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : sql_error(c, err, "writing values");
}

/* The stored values of (id, period) at `geography` for every area of
 * `areas` (NAN where none).  num/den may be NULL. */
static int read_source_values(ctx *c, const char *id, const char *period, const char *geography,
                              const area_set *areas, double *value, double *num, double *den, wm_error *err)
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
        return sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, geography, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW) {
        long i = area_find(areas, (const char *)sqlite3_column_text(q, 0));
        if (i < 0) continue;
        if (sqlite3_column_type(q, 1) != SQLITE_NULL) value[i] = sqlite3_column_double(q, 1);
        if (num && sqlite3_column_type(q, 2) != SQLITE_NULL) num[i] = sqlite3_column_double(q, 2);
        if (den && sqlite3_column_type(q, 3) != SQLITE_NULL) den[i] = sqlite3_column_double(q, 3);
    }
    sqlite3_finalize(q);
    return 0;
}

/* An indicator's geography and latest period (for weights and "from"). */
static int indicator_home(ctx *c, const char *id, const char *want_period, char *geo, size_t gsize, char *period,
                          size_t psize)
{
    sqlite3_stmt *q = NULL;
    geo[0] = period[0] = '\0';
    const char *sql = want_period ? "SELECT geography, period FROM indicators WHERE id = ? AND period = ?"
                                  : "SELECT geography, period FROM indicators WHERE id = ? ORDER BY period DESC LIMIT 1";
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (want_period) sqlite3_bind_text(q, 2, want_period, -1, SQLITE_STATIC);
    int found = sqlite3_step(q) == SQLITE_ROW;
    if (found) {
        snprintf(geo, gsize, "%s", (const char *)sqlite3_column_text(q, 0));
        snprintf(period, psize, "%s", (const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    return found ? 0 : -1;
}

/* Pairs for source geography -> one target, with the method in words. */
typedef struct target_pairs {
    char geography[32];
    area_set areas;
    wm_agg_pair *pairs;
    size_t npairs;
    char method[400];
} target_pairs;

/* Pairs from `sg` areas to `tg` areas, trying in turn: a direct link; a
 * link up from an earlier target; apportionment through a finer
 * geography; area overlay. */
static int make_pairs(ctx *c, const wm_meta_doc *d, const ind_spec *ind, const char *sg, const area_set *src,
                      const double *src_weight, const char *weight_geo, const char *weight_period,
                      const target_pairs *done, int ndone, target_pairs *tp, wm_error *err)
{
    const char *tg = tp->geography;
    int weighted = wm_agg_needs_weight(ind->agg);
    char lm[300];
    if (has_links(c, sg, tg)) {
        if (weighted && strcmp(weight_geo, sg) != 0)
            return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: weight %s is for %s areas but the "
                                 "values are for %s areas, which link directly to %s", ind->id, ind->weight,
                                 weight_geo, sg, tg);
        long *parent = malloc((src->n + 1) * sizeof *parent);
        load_links(c, sg, src, tg, &tp->areas, parent, lm, sizeof lm);
        tp->pairs = wm_pairs_whole(src->n, parent, weighted ? src_weight : NULL, &tp->npairs);
        free(parent);
        fmt(tp->method, sizeof tp->method, "%s -> %s by %s", sg, tg, lm);
        return 0;
    }
    for (int k = ndone - 1; k >= 0; k--) {
        if (!has_links(c, done[k].geography, tg)) continue;
        long *parent = malloc((done[k].areas.n + 1) * sizeof *parent);
        load_links(c, done[k].geography, &done[k].areas, tg, &tp->areas, parent, lm, sizeof lm);
        tp->pairs = wm_pairs_compose(done[k].pairs, done[k].npairs, parent, &tp->npairs);
        free(parent);
        fmt(tp->method, sizeof tp->method, "%s, then %s -> %s by %s", done[k].method, done[k].geography, tg,
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
        } else if (indicator_home(c, via_id, NULL, via_geo, sizeof via_geo, via_period, sizeof via_period) != 0) {
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
    if (via_id && strcmp(via_geo, sg) != 0 && has_links(c, via_geo, sg) && has_links(c, via_geo, tg)) {
        area_set fine;
        if (load_areas(c, via_geo, &fine, err) != 0) { free(fallback); return -1; }
        long *fs = malloc((fine.n + 1) * sizeof *fs), *ft = malloc((fine.n + 1) * sizeof *ft);
        double *fw = malloc((fine.n + 1) * sizeof *fw);
        char lm2[300];
        load_links(c, via_geo, &fine, sg, src, fs, lm, sizeof lm);
        load_links(c, via_geo, &fine, tg, &tp->areas, ft, lm2, sizeof lm2);
        rc = read_source_values(c, via_id, via_period, via_geo, &fine, fw, NULL, NULL, err);
        if (rc == 0) {
            tp->pairs = wm_pairs_through(fine.n, fs, ft, fw, src->n, fallback, &tp->npairs);
            nfallback = 0;
            for (size_t i = 0; i < src->n; i++) nfallback += fallback[i] != 0;
            fmt(tp->method, sizeof tp->method,
                     "%s -> %s apportioned by %s of the %s areas in each (%s -> %s by %s; %s -> %s by %s)", sg, tg,
                     via_id, via_geo, via_geo, sg, lm, via_geo, tg, lm2);
        }
        free(fs); free(ft); free(fw);
        area_set_free(&fine);
        if (rc != 0) { free(fallback); return -1; }
    } else {
        fmt(tp->method, sizeof tp->method, "%s -> %s by area-weighted overlay of the boundaries", sg, tg);
    }
    if (nfallback > 0) {
        /* Area-weighted overlay for the sources without population. */
        sl = layer_of(c, sg, err);
        tl = sl ? layer_of(c, tg, err) : NULL;
        if (!tl) {
            wm_error_prefix(err, "[indicator %s]: %zu %s areas need area overlay onto %s", ind->id, nfallback, sg, tg);
            free(fallback); free(tp->pairs); tp->pairs = NULL;
            return -1;
        }
        int *use = calloc(sl->n + 1, sizeof *use);
        for (size_t f = 0; f < sl->n; f++) {
            long i = area_find(src, sl->features[f].key);
            use[f] = i >= 0 && fallback[i];
        }
        size_t no = 0;
        wm_agg_pair *ov = wm_pairs_overlay(sl, tl, use, &no, err);
        free(use);
        if (!ov) { free(fallback); free(tp->pairs); tp->pairs = NULL; return -1; }
        tp->pairs = realloc(tp->pairs, (tp->npairs + no + 1) * sizeof *tp->pairs);
        for (size_t k = 0; k < no; k++) {
            long si = area_find(src, sl->features[ov[k].src].key);
            long ti = area_find(&tp->areas, tl->features[ov[k].tgt].key);
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
            fmt(tp->method + len, sizeof tp->method - len, "; area-weighted overlay for %zu %s area%s without %s",
                     nfallback, sg, nfallback == 1 ? "" : "s", via_id);
        }
    }
    free(fallback);
    return 0;
}

static void describe_method(const ind_spec *ind, char *buf, size_t size)
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

/* Aggregate one indicator's source values to each of its targets. */
static int aggregate_indicator(ctx *c, const wm_meta_doc *d, ind_spec *ind, wm_error *err)
{
    if (ind->agg == WM_AGG_NONE) return 0;
    const char *vid = ind->from ? ind->from : ind->id;
    char sg[32], vperiod[32];
    if (indicator_home(c, vid, ind->period, sg, sizeof sg, vperiod, sizeof vperiod) != 0)
        return wm_meta_error(d, ind->sec->line, err, "[indicator %s]: from = %s, which the store does not hold for "
                             "period %s (import it first)", ind->id, vid, ind->period);
    area_set src;
    if (load_areas(c, sg, &src, err) != 0) return -1;
    size_t n = src.n;
    double *value = malloc((n + 1) * sizeof *value), *num = malloc((n + 1) * sizeof *num),
           *den = malloc((n + 1) * sizeof *den), *w = NULL;
    target_pairs tps[MAX_TARGETS];
    memset(tps, 0, sizeof tps);
    int ndone = 0, rc = read_source_values(c, vid, vperiod, sg, &src, value, num, den, err);
    char wgeo[32] = "", wper[32] = "";
    if (rc == 0 && ind->weight) {
        if (indicator_home(c, ind->weight, NULL, wgeo, sizeof wgeo, wper, sizeof wper) != 0) {
            rc = wm_meta_error(d, ind->sec->line, err, "[indicator %s]: weight = %s, which the store does not hold "
                               "(import it first)", ind->id, ind->weight);
        } else {
            w = malloc((n + 1) * sizeof *w);
            if (strcmp(wgeo, sg) == 0) rc = read_source_values(c, ind->weight, wper, sg, &src, w, NULL, NULL, err);
            else for (size_t i = 0; i < n; i++) w[i] = NAN;
        }
    }
    char how[200];
    describe_method(ind, how, sizeof how);
    fmt(c->line, sizeof c->line, "  %s (%s): areas with a value:", ind->id, how);
    sqlite3_stmt *ins = prepare_value_insert(c);
    for (int t = 0; rc == 0 && t < ind->nto; t++) {
        target_pairs *tp = &tps[ndone];
        snprintf(tp->geography, sizeof tp->geography, "%s", ind->to[t]);
        if ((rc = load_areas(c, tp->geography, &tp->areas, err)) != 0) break;
        if (tp->areas.n == 0) {
            rc = wm_meta_error(d, ind->sec->line, err, "[indicator %s]: no %s areas in the store to aggregate to",
                               ind->id, tp->geography);
            area_set_free(&tp->areas);
            break;
        }
        ndone++;
        if ((rc = make_pairs(c, d, ind, sg, &src, w, wgeo, wper, tps, ndone - 1, tp, err)) != 0) break;
        wm_agg_result *res = malloc((tp->areas.n + 1) * sizeof *res);
        rc = wm_aggregate(ind->agg, ind->scale, ind->class_lo, ind->class_hi, n, value, num, den, tp->pairs,
                          tp->npairs, tp->areas.n, res, err);
        if (rc != 0) wm_error_prefix(err, "[indicator %s] to %s", ind->id, tp->geography);
        size_t with_value = 0;
        for (size_t k = 0; rc == 0 && k < tp->areas.n; k++) {
            char method[700];
            fmt(method, sizeof method, "%s; %s", how, tp->method);
            const char *status = isnan(res[k].value) ? "no data" : "aggregated";
            with_value += !isnan(res[k].value);
            rc = insert_value(c, ins, ind->id, ind->period, tp->geography, tp->areas.code[k], res[k].value,
                              res[k].numerator, res[k].denominator, res[k].n_areas, res[k].n_missing, status, NULL,
                              method, err);
        }
        free(res);
        if (rc == 0) {
            int seen = 0;
            for (int r = 0; r < c->nroutes; r++) seen |= strcmp(c->routes[r], tp->method) == 0;
            if (!seen) {
                say(c, "  route %s", tp->method);
                if (c->nroutes < 16) fmt(c->routes[c->nroutes++], sizeof c->routes[0], "%s", tp->method);
            }
            size_t l = strlen(c->line);
            fmt(c->line + l, sizeof c->line - l, "%s %s %zu/%zu", t ? "," : "", tp->geography, with_value,
                tp->areas.n);
        }
    }
    sqlite3_finalize(ins);
    if (rc == 0) say(c, "%s", c->line);
    for (int t = 0; t < ndone; t++) {
        area_set_free(&tps[t].areas);
        free(tps[t].pairs);
    }
    free(value); free(num); free(den); free(w);
    area_set_free(&src);
    return rc;
}

typedef struct row_code {
    char *code;
    size_t row;
} row_code;

static int cmp_row_code(const void *a, const void *b)
{
    const row_code *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return (x->row > y->row) - (x->row < y->row);
}

static const char *status_of(wm_number_kind k)
{
    return k == WM_NUM_SUPPRESSED ? "suppressed" : k == WM_NUM_EMPTY ? "empty" : "published";
}

/* Read the [source] table and store the source-level values of the
 * indicators that take columns. */
static int load_table(ctx *c, const source_spec *src, ind_spec *inds, size_t ninds,
                      wm_error *err)
{
    wm_table *t = wm_table_read(src->table, err);
    if (!t) return -1;
    int rc = -1;
    area_set study = { 0 };
    int cc = wm_table_require_column(t, src->code_col, err);
    int nc = cc >= 0 && src->name_col ? wm_table_require_column(t, src->name_col, err) : -1;
    if (cc < 0 || (src->name_col && nc < 0)) goto done;
    for (size_t i = 0; i < ninds; i++) {
        ind_spec *ind = &inds[i];
        ind->ci_value = ind->ci_num = ind->ci_den = -1;
        if (ind->from) continue;
        if (ind->value_col && (ind->ci_value = wm_table_require_column(t, ind->value_col, err)) < 0) goto done;
        if (ind->num_col && (ind->ci_num = wm_table_require_column(t, ind->num_col, err)) < 0) goto done;
        if (ind->den_col && (ind->ci_den = wm_table_require_column(t, ind->den_col, err)) < 0) goto done;
        for (size_t k = 0; k < ind->nminus; k++)
            if ((ind->ci_minus[k] = wm_table_require_column(t, ind->minus[k], err)) < 0) goto done;
    }
    if (load_areas(c, src->geography, &study, err) != 0) goto done;
    int open_set = study.n == 0;   /* no study areas yet: every row makes one */
    if (open_set && exec_sql(c, err, "INSERT OR IGNORE INTO geographies (geography) VALUES (?)", src->geography) != 0)
        goto done;

    /* Rows that repeat an earlier row's code are rejected: find them by
     * sorting the codes once. */
    size_t nrows = t->nrows;
    row_code *rc_sorted = malloc((nrows + 1) * sizeof *rc_sorted);
    long *dup_of = malloc((nrows + 1) * sizeof *dup_of);
    for (size_t r = 0; r < nrows; r++) {
        rc_sorted[r].code = wm_trimmed_dup(wm_table_cell(t, r, cc));
        rc_sorted[r].row = r;
        dup_of[r] = -1;
    }
    qsort(rc_sorted, nrows, sizeof *rc_sorted, cmp_row_code);
    for (size_t i = 1; i < nrows; i++) {
        size_t first = i;
        while (first > 0 && strcmp(rc_sorted[first - 1].code, rc_sorted[i].code) == 0) first--;
        if (first != i && *rc_sorted[i].code) dup_of[rc_sorted[i].row] = wm_table_line(t, rc_sorted[first].row);
    }
    char **rcode = malloc((nrows + 1) * sizeof *rcode);
    for (size_t i = 0; i < nrows; i++) rcode[rc_sorted[i].row] = rc_sorted[i].code;
    free(rc_sorted);

    /* Where each study area's row is: row index or -1. */
    size_t cap = open_set ? nrows + 1 : study.n + 1;
    long *row_of = malloc(cap * sizeof *row_of);
    char **codes = open_set ? malloc(cap * sizeof *codes) : NULL;
    size_t ncodes = 0;
    for (size_t i = 0; i < cap; i++) row_of[i] = -1;
    row_tally tally = { 0 };
    sqlite3_stmt *new_area = NULL;
    if (open_set)
        sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO areas VALUES (?, ?, ?, NULL)", -1, &new_area, NULL);
    for (size_t r = 0; r < nrows; r++) {
        tally.read++;
        long line = wm_table_line(t, r);
        const char *code = rcode[r];
        if (!*code) {
            tally.rejected++;
            add_reason(&tally, "line %ld: empty %s", line, src->code_col);
            continue;
        }
        long si = open_set ? (long)ncodes : area_find(&study, code);
        if (si < 0) { tally.outside++; continue; }
        if (dup_of[r] >= 0) {
            tally.rejected++;
            add_reason(&tally, "line %ld: %s %s repeats line %ld", line, src->code_col, code, dup_of[r]);
            continue;
        }
        /* Every cell this row gives must be a number, or be withheld. */
        int bad = 0, withheld = 0;
        for (size_t i = 0; i < ninds && !bad; i++) {
            const ind_spec *ind = &inds[i];
            int cols[3 + MAX_MINUS], ncols = 0;
            if (ind->ci_value >= 0) cols[ncols++] = ind->ci_value;
            if (ind->ci_num >= 0) cols[ncols++] = ind->ci_num;
            if (ind->ci_den >= 0) cols[ncols++] = ind->ci_den;
            for (size_t k = 0; k < ind->nminus; k++) cols[ncols++] = ind->ci_minus[k];
            for (int k = 0; k < ncols; k++) {
                double v;
                wm_number_kind kind = cell_number(wm_table_cell(t, r, cols[k]), &v);
                if (kind == WM_NUM_INVALID) {
                    bad = 1;
                    add_reason(&tally, "line %ld: %s \"%.40s\" is not a number", line, t->colnames[cols[k]],
                               wm_table_cell(t, r, cols[k]));
                    break;
                }
                if (kind != WM_NUM_VALUE) withheld = 1;
            }
        }
        if (bad) { tally.rejected++; continue; }
        if (withheld) tally.suppressed++;
        else tally.loaded++;
        if (open_set) {
            codes[ncodes] = strdup(code);
            row_of[ncodes++] = (long)r;
            sqlite3_reset(new_area);
            sqlite3_bind_text(new_area, 1, src->geography, -1, SQLITE_STATIC);
            sqlite3_bind_text(new_area, 2, code, -1, SQLITE_STATIC);
            if (nc >= 0) sqlite3_bind_text(new_area, 3, wm_table_cell(t, r, nc), -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(new_area, 3);
            sqlite3_step(new_area);
        } else {
            row_of[si] = (long)r;
        }
    }
    sqlite3_finalize(new_area);
    for (size_t r = 0; r < nrows; r++) free(rcode[r]);
    free(rcode);
    free(dup_of);
    if (open_set) {
        area_set_free(&study);
        study.n = ncodes;
        study.code = codes;    /* owned now; not sorted, only iterated */
        codes = NULL;
    }

    sqlite3_stmt *ins = prepare_value_insert(c);
    char method[400];
    rc = 0;
    for (size_t i = 0; i < ninds && rc == 0; i++) {
        ind_spec *ind = &inds[i];
        if (ind->from) continue;
        if (ind->value_col)
            snprintf(method, sizeof method, "published in %s, column \"%s\"", src->table_name, ind->value_col);
        else
            snprintf(method, sizeof method, "computed from published counts in %s: \"%s\"%s / \"%s\"%s",
                     src->table_name, ind->num_col, ind->nminus ? " minus other columns" : "", ind->den_col,
                     ind->scale != 1 ? " x scale" : "");
        for (size_t a = 0; a < study.n && rc == 0; a++) {
            if (row_of[a] < 0) continue;
            size_t r = (size_t)row_of[a];
            double v = NAN, n = NAN, dd = NAN;
            wm_number_kind kv = WM_NUM_VALUE, kn = WM_NUM_VALUE, kd = WM_NUM_VALUE;
            if (ind->ci_value >= 0) kv = cell_number(wm_table_cell(t, r, ind->ci_value), &v);
            if (ind->ci_num >= 0) {
                kn = cell_number(wm_table_cell(t, r, ind->ci_num), &n);
                for (size_t k = 0; k < ind->nminus && kn == WM_NUM_VALUE; k++) {
                    double m;
                    kn = cell_number(wm_table_cell(t, r, ind->ci_minus[k]), &m);
                    if (kn == WM_NUM_VALUE) n -= m;
                    else n = NAN;
                }
            }
            if (ind->ci_den >= 0) kd = cell_number(wm_table_cell(t, r, ind->ci_den), &dd);
            const char *status = "published";
            const char *published = NULL;
            if (ind->ci_value >= 0) {
                status = status_of(kv);
                published = wm_table_cell(t, r, ind->ci_value);
            } else if (kn != WM_NUM_VALUE || kd != WM_NUM_VALUE) {
                status = status_of(kn != WM_NUM_VALUE ? kn : kd);
            } else {
                status = "computed";
                v = dd != 0 ? n / dd * ind->scale : NAN;
                if (dd == 0) status = "no data";
            }
            rc = insert_value(c, ins, ind->id, ind->period, src->geography, study.code[a], v, n, dd, 1,
                              isnan(v) ? 1 : 0, status, published, method, err);
        }
    }
    sqlite3_finalize(ins);

    if (rc == 0) {
        char b1[32], b2[32], b3[32], b4[32], b5[32];
        say(c, "%s: %s rows read, %s loaded, %s suppressed, %s rejected, %s outside the study area (%s)",
            src->table_name, count_text(tally.read, b1, sizeof b1), count_text(tally.loaded, b2, sizeof b2),
            count_text(tally.suppressed, b3, sizeof b3), count_text(tally.rejected, b4, sizeof b4),
            count_text(tally.outside, b5, sizeof b5), src->geography);
        for (size_t k = 0; k < tally.nreasons; k++) say(c, "  rejected %s", tally.reasons[k]);
        if (tally.rejected > tally.nreasons) say(c, "  ... and %zu more rejected", tally.rejected - tally.nreasons);
        size_t missing = 0;
        char sample[200] = "";
        for (size_t a = 0; a < study.n; a++)
            if (row_of[a] < 0) {
                if (missing < 3) {
                    size_t l = strlen(sample);
                    snprintf(sample + l, sizeof sample - l, "%s%s", missing ? ", " : "", study.code[a]);
                }
                missing++;
            }
        if (missing)
            say(c, "  %zu %s areas have no row (No data): %s%s", missing, src->geography, sample,
                missing > 3 ? ", ..." : "");
        for (size_t i = 0; i < ninds; i++) {
            if (inds[i].from) continue;
            size_t w = 0;
            for (size_t a = 0; a < study.n; a++) {
                if (row_of[a] < 0) continue;
                const char *cols[] = { inds[i].value_col, inds[i].num_col, inds[i].den_col };
                int ci[] = { inds[i].ci_value, inds[i].ci_num, inds[i].ci_den };
                for (int k = 0; k < 3; k++) {
                    double v;
                    if (cols[k] && cell_number(wm_table_cell(t, (size_t)row_of[a], ci[k]), &v) != WM_NUM_VALUE) {
                        w++;
                        break;
                    }
                }
            }
            if (w) say(c, "  %s: %zu areas with a suppressed or empty value (stored as No data)", inds[i].id, w);
        }
    }
    free(row_of);
    if (codes) {
        for (size_t i = 0; i < ncodes; i++) free(codes[i]);
        free(codes);
    }
done:
    area_set_free(&study);
    wm_table_free(t);
    return rc;
}

static int import_doc(ctx *c, const wm_meta_doc *d, wm_error *err)
{
    const wm_meta_section *src_sec = NULL;
    size_t nind = 0;
    for (size_t i = 0; i < d->n; i++) {
        const wm_meta_section *s = &d->sections[i];
        if (strcmp(s->type, "source") == 0) {
            if (src_sec) return wm_meta_error(d, s->line, err, "a metadata file has one [source] section");
            src_sec = s;
        } else if (strcmp(s->type, "indicator") == 0) {
            nind++;
        } else {
            return wm_meta_error(d, s->line ? s->line : (s->n ? s->kv[0].line : 0), err,
                                 "%s%s%s is not a section of a metadata file (use [source] and [indicator ID])",
                                 s->line ? "[" : "keys before any section", s->type, s->line ? "]" : "");
        }
    }
    if (nind == 0) return wm_meta_error(d, 0, err, "no [indicator ID] section");
    source_spec src;
    memset(&src, 0, sizeof src);
    if (src_sec) {
        if (wm_meta_check(d, src_sec, source_keys, NULL, source_required, err) != 0) return -1;
        src.sec = src_sec;
        src.table_name = wm_meta_get(src_sec, "table");
        wm_meta_path(d, src.table_name, src.table, sizeof src.table);
        src.geography = wm_meta_get(src_sec, "geography");
        if (!valid_geography(src.geography))
            return wm_meta_error(d, wm_meta_find(src_sec, "geography")->line, err,
                                 "geography \"%s\": name it by type and vintage, e.g. lsoa11", src.geography);
        src.code_col = wm_meta_get(src_sec, "code");
        src.name_col = wm_meta_get(src_sec, "name");
        src.publisher = wm_meta_get(src_sec, "publisher");
        src.licence = wm_meta_get(src_sec, "licence");
        src.period = wm_meta_get(src_sec, "period");
        src.family = wm_meta_get(src_sec, "family");
        src.notes = wm_meta_get(src_sec, "notes");
        src.to = wm_meta_get(src_sec, "to");
    }
    ind_spec *inds = calloc(nind, sizeof *inds);
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        const wm_meta_section *s = &d->sections[i];
        if (strcmp(s->type, "indicator") != 0) continue;
        rc = parse_indicator(d, s, src_sec ? &src : NULL, &inds[k], err);
        k++;
        for (size_t j = 0; rc == 0 && j + 1 < k; j++)
            if (strcmp(inds[j].id, inds[k - 1].id) == 0 && strcmp(inds[j].period, inds[k - 1].period) == 0)
                rc = wm_meta_error(d, s->line, err, "[indicator %s] is defined twice (line %d)", inds[j].id,
                                   inds[j].sec->line);
    }
    char source_rel[PATH_MAX] = "";
    if (rc == 0 && src_sec) {
        store_relative(src.table, source_rel, sizeof source_rel);
        /* Metadata first: it also clears the values an earlier import of
         * the same indicator and period left. */
        for (size_t i = 0; i < nind && rc == 0; i++)
            if (!inds[i].from) rc = write_indicator_row(c, &inds[i], src.geography, source_rel, NULL, err);
        if (rc == 0) rc = load_table(c, &src, inds, nind, err);
    }
    for (size_t i = 0; i < nind && rc == 0; i++) {
        if (!inds[i].from) continue;
        char fgeo[32], fper[32];
        if (indicator_home(c, inds[i].from, inds[i].period, fgeo, sizeof fgeo, fper, sizeof fper) != 0) {
            rc = wm_meta_error(d, inds[i].sec->line, err, "[indicator %s]: from = %s, which the store does not "
                               "hold for period %s (import it first)", inds[i].id, inds[i].from, inds[i].period);
            break;
        }
        snprintf(inds[i].geography, sizeof inds[i].geography, "%s", fgeo);
        /* A derived indicator shares its source's file. */
        sqlite3_stmt *q = NULL;
        char file[PATH_MAX] = "";
        if (sqlite3_prepare_v2(c->db, "SELECT source_file FROM indicators WHERE id = ? AND period = ?", -1, &q,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, inds[i].from, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, fper, -1, SQLITE_STATIC);
            if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
                snprintf(file, sizeof file, "%s", (const char *)sqlite3_column_text(q, 0));
        }
        sqlite3_finalize(q);
        rc = write_indicator_row(c, &inds[i], fgeo, file, inds[i].from, err);
    }
    for (size_t i = 0; i < nind && rc == 0; i++) rc = aggregate_indicator(c, d, &inds[i], err);
    for (size_t i = 0; i < nind; i++) free_ind(&inds[i], 0);
    free(inds);
    return rc;
}

/* ---- Entry points ---- */

static void ctx_open(ctx *c, wm_store *s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->db = wm_store_db(s);
    c->log = open_memstream(&c->log_buf, &c->log_len);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->now, sizeof c->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Finish: record and print the report on success; roll back on failure. */
static int ctx_close(ctx *c, int rc, const char *source, FILE *report, wm_error *err)
{
    fflush(c->log);
    if (rc == 0) {
        char rel[PATH_MAX];
        store_relative(source, rel, sizeof rel);
        rc = exec_sql(c, err, "INSERT INTO imports (at, source, report) VALUES (?, ?, ?)", c->now, rel,
                      c->log_buf ? c->log_buf : "");
    }
    if (rc == 0) rc = wm_store_commit(c->s, err);
    else wm_store_rollback(c->s);
    fclose(c->log);
    if (rc == 0 && report && c->log_buf) fputs(c->log_buf, report);
    free(c->log_buf);
    for (size_t i = 0; i < c->nlayers; i++) wm_layer_free(c->layers[i].layer);
    free(c->layers);
    return rc;
}

int wm_import_meta_doc(wm_store *s, const wm_meta_doc *d, FILE *report, wm_error *err)
{
    if (wm_store_begin(s, err) != 0) return -1;
    ctx c;
    ctx_open(&c, s);
    say(&c, "import %s", d->path);
    int rc = import_doc(&c, d, err);
    return ctx_close(&c, rc, d->path, report, err);
}

int wm_import_meta_file(wm_store *s, const char *path, FILE *report, wm_error *err)
{
    wm_meta_doc *d = wm_meta_read(path, err);
    if (!d) return -1;
    int rc = wm_import_meta_doc(s, d, report, err);
    wm_meta_free(d);
    return rc;
}

static const char *const imports_keys[] = { NULL };
static const char *const imports_repeat[] = { "meta", NULL };

int wm_import_manifest(wm_store *s, const char *path, FILE *report, wm_error *err)
{
    wm_meta_doc *d = wm_meta_read(path, err);
    if (!d) return -1;
    if (wm_store_begin(s, err) != 0) { wm_meta_free(d); return -1; }
    ctx c;
    ctx_open(&c, s);
    say(&c, "manifest %s", path);
    int rc = 0;
    for (size_t i = 0; i < d->n && rc == 0; i++) {
        const wm_meta_section *sec = &d->sections[i];
        if (strcmp(sec->type, "areas") == 0) {
            rc = import_areas(&c, d, sec, err);
        } else if (strcmp(sec->type, "link") == 0) {
            rc = import_link(&c, d, sec, err);
        } else if (strcmp(sec->type, "imports") == 0) {
            rc = wm_meta_check(d, sec, imports_keys, imports_repeat, NULL, err);
            for (size_t k = 0; k < sec->n && rc == 0; k++) {
                char mp[PATH_MAX];
                wm_meta_doc *m = wm_meta_read(wm_meta_path(d, sec->kv[k].value, mp, sizeof mp), err);
                if (!m) {
                    wm_error_prefix(err, "%s:%d", d->path, sec->kv[k].line);
                    rc = -1;
                    break;
                }
                say(&c, "import %s", sec->kv[k].value);
                rc = import_doc(&c, m, err);
                wm_meta_free(m);
            }
        } else {
            rc = wm_meta_error(d, sec->line ? sec->line : (sec->n ? sec->kv[0].line : 0), err,
                               "%s%s%s is not a manifest section (use [areas G], [link CHILD PARENT], [imports])",
                               sec->line ? "[" : "keys before any section", sec->type, sec->line ? "]" : "");
        }
    }
    rc = ctx_close(&c, rc, path, report, err);
    wm_meta_free(d);
    return rc;
}

char *wm_import_meta_path_for(const char *table, char *buf, size_t size)
{
    const char *slash = strrchr(table, '/');
    const char *dot = strrchr(table, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - table) : strlen(table);
    snprintf(buf, size, "%.*s.meta", (int)stem, table);
    return buf;
}
