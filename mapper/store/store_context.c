/* The import context: the report, SQL helpers, and the areas, links and
 * boundary layers as the store holds them (see store_internal.h). */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include "store_internal.h"
#include "fault.h"
#include "home.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void wm_imp_area_set_free(wm_area_set *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->code[i]);
    free(a->code);
    a->code = NULL;
    a->n = 0;
}

long wm_imp_area_find(const wm_area_set *a, const char *code)
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



int wm_imp_ctx_open(wm_imp_ctx *c, wm_store *s, const wm_import_settings *opt, wm_error *err)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->db = wm_store_db(s);
    c->allow_partial = opt && opt->allow_partial;
    c->skip_uncovered = opt && opt->skip_uncovered;
    c->log = open_memstream(&c->log_buf, &c->log_len);
    c->warn = open_memstream(&c->warn_buf, &c->warn_len);
    if (!c->log || !c->warn) {
        if (c->log) fclose(c->log);
        if (c->warn) fclose(c->warn);
        free(c->log_buf);
        free(c->warn_buf);
        wm_store_rollback(s);
        return wm_error_set(err, WM_EXIT_IO, "out of memory");
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->now, sizeof c->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

/* Put "warning: " before every line of `lines` into `out`. */
static void put_warnings(FILE *out, const char *lines)
{
    for (const char *p = lines; p && *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "warning: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* Finish: record and print the report on success; roll back on failure. */
int wm_imp_ctx_close(wm_imp_ctx *c, int rc, const char *source, const wm_import_settings *opt, wm_error *err)
{
    sqlite3_finalize(c->links_query);
    sqlite3_finalize(c->has_links_query);
    c->links_query = c->has_links_query = NULL;
    /* The report kept in the store holds the warnings too, at its end. */
    fflush(c->warn);
    fflush(c->log);
    size_t report_len = c->log_len;
    put_warnings(c->log, c->warn_buf);
    if (fflush(c->log) != 0 && rc == 0) rc = wm_error_set(err, WM_EXIT_IO, "out of memory writing the import report");
    if (rc == 0) {
        char rel[PATH_MAX];
        wm_imp_store_relative(source, rel, sizeof rel);
        rc = wm_imp_exec(c, err, "INSERT INTO imports (at, source, report) VALUES (?, ?, ?)", c->now, rel,
                      c->log_buf ? c->log_buf : "");
    }
    if (c->step_error[0]) {
        /* A statement failed, even one whose caller read it as "no row":
         * the import stops with SQLite's reason, the root of whatever
         * else went wrong. */
        int locked = c->step_code == SQLITE_BUSY || c->step_code == SQLITE_LOCKED;
        int damaged = c->step_code == SQLITE_CORRUPT || c->step_code == SQLITE_NOTADB;
        if (locked)
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: the import failed: another process holds the store locked "
                              "(%s); try again when it has finished", wm_store_path(c->s), c->step_error);
        else if (damaged)
            rc = wm_error_set(err, WM_EXIT_DATA, "%s: the import failed: the file is damaged or is not a SQLite "
                              "database (%s); rebuild the store (wardmap import) or restore a copy",
                              wm_store_path(c->s), c->step_error);
        else
            rc = wm_error_set(err, WM_EXIT_IO, "%s: the import failed: cannot write the store (%s)",
                              wm_store_path(c->s), c->step_error);
    }
    if (rc == 0) rc = wm_store_commit(c->s, err);
    else wm_store_rollback(c->s);
    fclose(c->log);
    fclose(c->warn);
    FILE *report = opt ? opt->report : NULL;
    if (rc == 0 && opt && opt->warnings && c->warn_buf && *c->warn_buf) {
        /* The warnings go apart: the report without them. */
        if (report && c->log_buf) fwrite(c->log_buf, 1, report_len, report);
        put_warnings(opt->warnings, c->warn_buf);
    } else if (rc == 0 && report && c->log_buf) {
        fputs(c->log_buf, report);
    }
    free(c->log_buf);
    free(c->warn_buf);
    for (size_t i = 0; i < c->nlayers; i++) wm_layer_free(c->layers[i].layer);
    free(c->layers);
    wm_imp_areas_changed(c);
    return rc;
}

/* snprintf that may cut: method texts are for reading, not parsing. */
void wm_imp_fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, size, f, ap);
    va_end(ap);
}

void wm_imp_say(wm_imp_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->log, fmt, ap);
    va_end(ap);
    fputc('\n', c->log);
}

void wm_imp_warn(wm_imp_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->warn, fmt, ap);
    va_end(ap);
    fputc('\n', c->warn);
}

int wm_imp_step(wm_imp_ctx *c, sqlite3_stmt *q)
{
    int rc = wm_fault(WM_FAULT_STEP, "sqlite3_step (import)") ? SQLITE_IOERR : sqlite3_step(q);
    /* A constraint (a code given twice) is the caller's to word. */
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT && !c->step_error[0]) {
        /* An injected fault leaves SQLite's own message as it was. */
        snprintf(c->step_error, sizeof c->step_error, "%s",
                 (sqlite3_errcode(c->db) & 0xff) != (rc & 0xff) ? sqlite3_errstr(rc) : sqlite3_errmsg(c->db));
        c->step_code = rc & 0xff;
    }
    return rc;
}

int wm_imp_sql_error(wm_imp_ctx *c, wm_error *err, const char *what)
{
    return wm_error_set(err, WM_EXIT_IO, "%s: %s: %s", wm_store_path(c->s), what,
                        c->step_error[0] ? c->step_error : sqlite3_errmsg(c->db));
}

int wm_imp_exec(wm_imp_ctx *c, wm_error *err, const char *sql, ...)
{
    /* Arguments are bound as text, in order; NULL binds SQL NULL. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) return wm_imp_sql_error(c, err, "prepare");
    va_list ap;
    va_start(ap, sql);
    int np = sqlite3_bind_parameter_count(q);
    for (int i = 1; i <= np; i++) {
        const char *v = va_arg(ap, const char *);
        if (v) sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(q, i);
    }
    va_end(ap);
    int rc = wm_imp_step(c, q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return wm_imp_sql_error(c, err, "write");
    return 0;
}

/* The codes of `geography` held in areas. */
int wm_imp_load_areas(wm_imp_ctx *c, const char *geography, wm_area_set *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT code FROM areas WHERE geography = ? ORDER BY code", -1, &q, NULL) !=
        SQLITE_OK)
        return wm_imp_sql_error(c, err, "query");
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    size_t cap = 64;
    int oom = !(out->code = malloc(cap * sizeof *out->code));
    while (!oom && wm_imp_step(c, q) == SQLITE_ROW) {
        if (out->n == cap) {
            char **more = realloc(out->code, 2 * cap * sizeof *out->code);
            if (!more) {
                oom = 1;
                break;
            }
            out->code = more;
            cap *= 2;
        }
        char *code = strdup((const char *)sqlite3_column_text(q, 0));
        if (!code) oom = 1;
        else out->code[out->n++] = code;
    }
    sqlite3_finalize(q);
    if (oom) {
        wm_imp_area_set_free(out);
        return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", wm_store_path(c->s));
    }
    return 0;
}

/* The statement kept in *slot, prepared the first time and reset (its
 * bindings cleared) after: an aggregation asks for links hundreds of
 * times an import, and preparing the query was most of each asking. */
static sqlite3_stmt *kept_statement(wm_imp_ctx *c, sqlite3_stmt **slot, const char *sql)
{
    if (*slot) {
        sqlite3_reset(*slot);
        sqlite3_clear_bindings(*slot);
    } else if (sqlite3_prepare_v2(c->db, sql, -1, slot, NULL) != SQLITE_OK) {
        sqlite3_finalize(*slot);
        *slot = NULL;
    }
    return *slot;
}

/* parent[i] = index in `parents` of the linked parent of child i, or -1.
 * Returns the number of children linked; *method receives the link's
 * method and source ("best-fit lookup (x.csv)") when any. */
long wm_imp_load_links(wm_imp_ctx *c, const char *child_geo, const wm_area_set *children, const char *parent_geo,
                       const wm_area_set *parents, long *parent, char *method, size_t msize)
{
    for (size_t i = 0; i < children->n; i++) parent[i] = -1;
    if (method) method[0] = '\0';
    sqlite3_stmt *q = kept_statement(c, &c->links_query,
                                     "SELECT child_code, parent_code, method, source FROM area_links "
                                     "WHERE child_geography = ? AND parent_geography = ?");
    if (!q) return -1;
    sqlite3_bind_text(q, 1, child_geo, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, parent_geo, -1, SQLITE_STATIC);
    long linked = 0;
    char first[400] = "";
    int mixed = 0;
    while (wm_imp_step(c, q) == SQLITE_ROW) {
        long ci = wm_imp_area_find(children, (const char *)sqlite3_column_text(q, 0));
        long pi = wm_imp_area_find(parents, (const char *)sqlite3_column_text(q, 1));
        if (ci < 0 || pi < 0) continue;
        parent[ci] = pi;
        linked++;
        const char *m = (const char *)sqlite3_column_text(q, 2);
        if (method && !method[0]) {
            const char *src = (const char *)sqlite3_column_text(q, 3);
            snprintf(first, sizeof first, "%s", m);
            if (src && *src) snprintf(method, msize, "%s (%s)", m, src);
            else snprintf(method, msize, "%s", m);
        } else if (method && strcmp(m, first) != 0) {
            mixed = 1;
        }
    }
    /* Links made one by one (follow = ...) carry their own words after a
     * colon: the route names what they share ("one membership with lsoa21"). */
    if (method && mixed) {
        const char *colon = strchr(method, ':'), *paren = strrchr(method, '(');
        if (colon && paren && paren > colon)
            memmove((char *)colon, paren - 1, strlen(paren - 1) + 1);
    }
    sqlite3_reset(q);
    return linked;
}

int wm_imp_has_links(wm_imp_ctx *c, const char *child_geo, const char *parent_geo)
{
    sqlite3_stmt *q = kept_statement(c, &c->has_links_query,
                                     "SELECT 1 FROM area_links WHERE child_geography = ? AND parent_geography = ? "
                                     "LIMIT 1");
    int yes = 0;
    if (q) {
        sqlite3_bind_text(q, 1, child_geo, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, parent_geo, -1, SQLITE_STATIC);
        yes = wm_imp_step(c, q) == SQLITE_ROW;
        sqlite3_reset(q);
    }
    return yes;
}

/* The boundary layer of a geography (read once per import). */
wm_layer *wm_imp_layer_of(wm_imp_ctx *c, const char *geography, wm_error *err)
{
    for (size_t i = 0; i < c->nlayers; i++)
        if (strcmp(c->layers[i].geography, geography) == 0) return c->layers[i].layer;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT layer, code_field, name_field FROM geographies WHERE geography = ?", -1,
                           &q, NULL) != SQLITE_OK) {
        wm_imp_sql_error(c, err, "query");
        return NULL;
    }
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    wm_layer *L = NULL;
    if (wm_imp_step(c, q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
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

const char *wm_imp_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A path as kept in the store: relative to the home when inside it. */
void wm_imp_store_relative(const char *path, char *out, size_t size)
{
    char real[PATH_MAX], home[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    const char *h = realpath(wm_home(), home) ? home : wm_home();
    size_t hl = strlen(h);
    if (strncmp(p, h, hl) == 0 && p[hl] == '/') snprintf(out, size, "%s", p + hl + 1);
    else snprintf(out, size, "%s", p);
}



int wm_imp_valid_geography(const char *g)
{
    size_t n = strlen(g);
    if (n == 0 || n > 24) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((g[i] >= 'a' && g[i] <= 'z') || (g[i] >= '0' && g[i] <= '9') || g[i] == '_')) return 0;
    return 1;
}

sqlite3_stmt *wm_imp_prepare_value_insert(wm_imp_ctx *c)
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(c->db,
                       "INSERT INTO indicator_values (indicator_id, period, geography, area_code, value, numerator, "
                       "denominator, n_areas, n_missing, status, published, method, coverage, estimate) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       -1, &q, NULL);
    return q;
}

static void bind_double_or_null(sqlite3_stmt *q, int i, double v)
{
    if (isnan(v)) sqlite3_bind_null(q, i);
    else sqlite3_bind_double(q, i, v);
}

int wm_imp_insert_value(wm_imp_ctx *c, sqlite3_stmt *q, const wm_imp_row *row, wm_error *err)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, row->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, row->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, row->geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, row->code, -1, SQLITE_STATIC);
    bind_double_or_null(q, 5, row->value);
    bind_double_or_null(q, 6, row->num);
    bind_double_or_null(q, 7, row->den);
    sqlite3_bind_int(q, 8, row->n_areas);
    sqlite3_bind_int(q, 9, row->n_missing);
    sqlite3_bind_text(q, 10, row->status, -1, SQLITE_STATIC);
    if (row->published) sqlite3_bind_text(q, 11, row->published, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, 11);
    sqlite3_bind_text(q, 12, row->method, -1, SQLITE_STATIC);
    bind_double_or_null(q, 13, row->coverage);
    if (row->estimate) sqlite3_bind_text(q, 14, row->estimate, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, 14);
    return wm_imp_step(c, q) == SQLITE_DONE ? 0 : wm_imp_sql_error(c, err, "writing values");
}

/* An indicator's geography and latest period (for weights and "from"). */
int wm_imp_indicator_home(wm_imp_ctx *c, const char *id, const char *want_period, char *geo, size_t gsize, char *period,
                          size_t psize)
{
    sqlite3_stmt *q = NULL;
    geo[0] = period[0] = '\0';
    const char *sql = want_period ? "SELECT geography, period FROM indicators WHERE id = ? AND period = ?"
                                  : "SELECT geography, period FROM indicators WHERE id = ? ORDER BY period DESC LIMIT 1";
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (want_period) sqlite3_bind_text(q, 2, want_period, -1, SQLITE_STATIC);
    int found = wm_imp_step(c, q) == SQLITE_ROW;
    if (found) {
        snprintf(geo, gsize, "%s", (const char *)sqlite3_column_text(q, 0));
        snprintf(period, psize, "%s", (const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    return found ? 0 : -1;
}

/* Pairs for source geography -> one target, with the method in words. */
