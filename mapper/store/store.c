#include "store.h"
#include "home.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The store's reading statements are kept once prepared (prepare(),
 * release()): a figure set asks for the values of each indicator many
 * times, and compiling its SQL each time cost more than running it.  A
 * statement in use is not handed out again, so a query run inside
 * another's loop gets a statement of its own. */
#define KEPT_STATEMENTS 32

typedef struct kept_statement {
    const char *sql;        /* the text it was prepared from (the callers' literals) */
    sqlite3_stmt *q;
    int busy;
} kept_statement;

struct wm_store {
    sqlite3 *db;
    char *path;
    int in_tx;
    sqlite3_stmt *authority_up, *authority_only;   /* wm_store_authority's, prepared on first use */
    kept_statement kept[KEPT_STATEMENTS];
    size_t nkept;
};

/* The schema.  Every value row carries its components and the method that
 * made it; docs/store.md explains each column. */
static const char schema_sql[] =
    "CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE geographies (\n"
    "  geography TEXT PRIMARY KEY,      -- type and vintage: lsoa11, msoa21, ward25, lad25\n"
    "  layer TEXT, code_field TEXT, name_field TEXT);\n"
    "CREATE TABLE areas (\n"
    "  geography TEXT NOT NULL, code TEXT NOT NULL, name TEXT, local_name TEXT,\n"
    "  PRIMARY KEY (geography, code)) WITHOUT ROWID;\n"
    "CREATE TABLE area_links (           -- parent codes: each child in one parent per geography\n"
    "  child_geography TEXT NOT NULL, child_code TEXT NOT NULL,\n"
    "  parent_geography TEXT NOT NULL, parent_code TEXT NOT NULL,\n"
    "  method TEXT NOT NULL, source TEXT,\n"
    "  PRIMARY KEY (child_geography, child_code, parent_geography)) WITHOUT ROWID;\n"
    "CREATE INDEX area_links_by_pair ON area_links (child_geography, parent_geography);\n"
    "CREATE TABLE indicators (\n"
    "  id TEXT NOT NULL, period TEXT NOT NULL, title TEXT NOT NULL, label TEXT, unit TEXT NOT NULL,\n"
    "  polarity TEXT NOT NULL, family TEXT, geography TEXT NOT NULL, publisher TEXT,\n"
    "  source_file TEXT, licence TEXT, aggregation TEXT NOT NULL, scale REAL,\n"
    "  derived_from TEXT, weight TEXT, apportion TEXT, class TEXT, notes TEXT,\n"
    "  headline INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL, imported_at TEXT,\n"
    "  estimate TEXT,                    -- 'modelled' (at source), 'aggregates' (every aggregate), NULL\n"
    "  interval TEXT,                    -- 'Wilson score', 'Byar' or NULL: how intervals are made\n"
    "  compare_level REAL,               -- confidence (95 or 99.8) of the comparisons\n"
    "  coverage_basis TEXT,              -- what coverage is measured in\n"
    "  filter TEXT,                      -- the rows taken from a long table: 'COLUMN = VALUE; ...'\n"
    "  weight_choices TEXT,              -- the weights allowed, in order (weight: the one used)\n"
    "  PRIMARY KEY (id, period));\n"
    "CREATE TABLE indicator_values (\n"
    "  indicator_id TEXT NOT NULL, period TEXT NOT NULL, geography TEXT NOT NULL,\n"
    "  area_code TEXT NOT NULL, value REAL, numerator REAL, denominator REAL,\n"
    "  n_areas INTEGER, n_missing INTEGER, status TEXT NOT NULL, published TEXT, method TEXT,\n"
    "  coverage REAL,                    -- share (0-1) of the area held by sources with a value\n"
    "  estimate TEXT,                    -- why the value is an estimate, NULL when it is not\n"
    "  lower95 REAL, upper95 REAL, lower998 REAL, upper998 REAL,   -- confidence limits\n"
    "  ci_method TEXT,                   -- 'Wilson score', 'Byar', 'exact Poisson' or NULL\n"
    "  compare_authority TEXT NOT NULL DEFAULT 'not compared',   -- higher, similar, lower\n"
    "  compare_england TEXT NOT NULL DEFAULT 'not compared',\n"
    "  PRIMARY KEY (indicator_id, period, geography, area_code)) WITHOUT ROWID;\n"
    "CREATE TABLE imports (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, source TEXT NOT NULL,\n"
    "  report TEXT NOT NULL);\n";

/* What SQLite's last error means for the user of a store: another
 * process holding it, a damaged file, or (with the message) anything
 * else; always WM_EXIT_DATA, one line naming the store. */
static int store_error(const char *path, sqlite3 *db, const char *what, wm_error *err)
{
    int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
    const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return wm_error_set(err, WM_EXIT_DATA, "%s: %s: another process holds the store locked (%s); try again "
                            "when it has finished", path, what, msg);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return wm_error_set(err, WM_EXIT_DATA, "%s: %s: the file is damaged or is not a SQLite database (%s); "
                            "rebuild the store (wardmap import) or restore a copy", path, what, msg);
    return wm_error_set(err, WM_EXIT_DATA, "%s: %s: %s", path, what, msg);
}

static int sql_fail(wm_store *s, wm_error *err, const char *what)
{
    return store_error(s->path, s->db, what, err);
}

wm_store *wm_store_open(const char *path, int create, wm_error *err)
{
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && !create) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no such store (make one with wardmap import; see docs/store.md)", path);
        return NULL;
    }
    if (!exists && wm_make_parent_dirs(path) != 0) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot create its directory: %s", path, strerror(errno));
        return NULL;
    }
    wm_store *s = calloc(1, sizeof *s);
    s->path = strdup(path);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        if (exists) store_error(path, s->db, "cannot open the store", err);
        else wm_error_set(err, WM_EXIT_IO, "%s: cannot create the store: %s", path,
                          s->db ? sqlite3_errmsg(s->db) : "out of memory");
        wm_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 10000);
    sqlite3_stmt *st_ver = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st_ver, NULL) == SQLITE_OK &&
        sqlite3_step(st_ver) == SQLITE_ROW)
        version = sqlite3_column_int(st_ver, 0);
    sqlite3_finalize(st_ver);
    if (version < 0) {
        store_error(path, s->db, "cannot read the store", err);
        wm_store_close(s);
        return NULL;
    }
    if (version == 0) {
        /* A new file, or someone else's database: only an empty one is ours to set up. */
        sqlite3_stmt *q = NULL;
        int tables = 0;
        tables = -1;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            tables = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        if (tables < 0) {
            store_error(path, s->db, "cannot read the store", err);
            wm_store_close(s);
            return NULL;
        }
        if (tables > 0 || !create) {
            if (tables > 0)
                wm_error_set(err, WM_EXIT_DATA, "%s: not a wardmap store (a SQLite database with %d table%s of its "
                             "own and no wardmap schema number)", path, tables, tables == 1 ? "" : "s");
            else
                wm_error_set(err, WM_EXIT_DATA, "%s: not a wardmap store (an empty file or database; make a store "
                             "with wardmap import, docs/store.md)", path);
            wm_store_close(s);
            return NULL;
        }
        char *msg = NULL;
        char sql[sizeof schema_sql + 128];
        snprintf(sql, sizeof sql, "BEGIN;\n%sPRAGMA user_version = %d;\nCOMMIT;", schema_sql, WM_STORE_SCHEMA);
        if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
            wm_error_set(err, WM_EXIT_IO, "%s: cannot create the store: %s", path, msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            wm_store_close(s);
            return NULL;
        }
    } else if (version != WM_STORE_SCHEMA) {
        wm_error_set(err, WM_EXIT_DATA, "%s: store schema %d, this wardmap reads schema %d (rebuild the store)",
                     path, version, WM_STORE_SCHEMA);
        wm_store_close(s);
        return NULL;
    }
    return s;
}

int wm_store_schema_at(const char *path)
{
    sqlite3 *db = NULL;
    int version = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            version = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return version;
}

wm_store *wm_store_open_copy(wm_store *src, wm_error *err)
{
    wm_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(src->path))) {
        free(s);
        wm_error_set(err, WM_EXIT_IO, "%s: out of memory", src->path);
        return NULL;
    }
    if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot make a copy in memory", src->path);
        wm_store_close(s);
        return NULL;
    }
    sqlite3_backup *b = sqlite3_backup_init(s->db, "main", src->db, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b) sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        wm_error_set(err, WM_EXIT_DATA, "%s: cannot copy the store: %s", src->path, sqlite3_errmsg(s->db));
        wm_store_close(s);
        return NULL;
    }
    return s;
}

void wm_store_close(wm_store *s)
{
    if (!s) return;
    if (s->in_tx) wm_store_rollback(s);
    sqlite3_finalize(s->authority_up);
    sqlite3_finalize(s->authority_only);
    for (size_t i = 0; i < s->nkept; i++) sqlite3_finalize(s->kept[i].q);
    if (s->db) sqlite3_close(s->db);
    free(s->path);
    free(s);
}

sqlite3 *wm_store_db(wm_store *s) { return s->db; }
const char *wm_store_path(const wm_store *s) { return s->path; }

int wm_store_begin(wm_store *s, wm_error *err)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(s, err, "cannot start a transaction");
    s->in_tx = 1;
    return 0;
}

int wm_store_commit(wm_store *s, wm_error *err)
{
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        wm_error_set(err, WM_EXIT_IO, "%s: cannot commit: %s", s->path, sqlite3_errmsg(s->db));
        wm_store_rollback(s);
        return -1;
    }
    s->in_tx = 0;
    return 0;
}

void wm_store_rollback(wm_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

/* ---- Queries ----
 *
 * Every loop over a statement's rows ends by telling SQLITE_DONE (no more
 * rows) from an error (corruption, a lock held too long, I/O): a store
 * that cannot be read is an error, never an empty answer. */

/* A column's text into dst, cut to size - 1 bytes as snprintf would, but
 * without its formatting machinery: a figure set copies some 170,000. */
static void copy_text(char *dst, size_t size, const unsigned char *src)
{
    if (!size) return;
    size_t n = src ? strnlen((const char *)src, size - 1) : 0;
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

static double column_double(sqlite3_stmt *q, int col)
{
    return sqlite3_column_type(q, col) == SQLITE_NULL ? NAN : sqlite3_column_double(q, col);
}

/* A new statement, not kept (the caller finalizes it). */
static int compile(wm_store *s, const char *sql, sqlite3_stmt **q, wm_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, q, NULL) == SQLITE_OK) return 0;
    *q = NULL;
    return sql_fail(s, err, "cannot read the store");
}

/* A statement for `sql` (a string literal: kept statements are known by
 * its text), kept from an earlier use when one is free.  Give it back
 * with release() or finish(). */
static int prepare(wm_store *s, const char *sql, sqlite3_stmt **q, wm_error *err)
{
    for (size_t i = 0; i < s->nkept; i++)
        if (!s->kept[i].busy && strcmp(s->kept[i].sql, sql) == 0) {
            s->kept[i].busy = 1;
            *q = s->kept[i].q;
            return 0;
        }
    if (compile(s, sql, q, err) != 0) return -1;
    if (s->nkept < KEPT_STATEMENTS) s->kept[s->nkept++] = (kept_statement){ sql, *q, 1 };
    return 0;
}

/* Done with a statement of prepare(): reset for its next use, or
 * finalized when it is not kept. */
static void release(wm_store *s, sqlite3_stmt *q)
{
    if (!q) return;
    for (size_t i = 0; i < s->nkept; i++)
        if (s->kept[i].q == q) {
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
            s->kept[i].busy = 0;
            return;
        }
    sqlite3_finalize(q);
}

/* After a loop of sqlite3_step: 0 when the rows ran out, else the error. */
static int finish(wm_store *s, sqlite3_stmt *q, int rc, wm_error *err)
{
    int bad = rc != SQLITE_DONE && rc != SQLITE_ROW;
    if (bad) sql_fail(s, err, "cannot read the store");
    release(s, q);
    return bad ? -1 : 0;
}

/* Fill `m` from the indicators row (id, period); 1 when there is none. */
static int load_meta(wm_store *s, const char *id, const char *period, wm_indicator_meta *m, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT id, period, title, unit, polarity, family, geography, publisher, "
                "source_file, licence, aggregation, notes, COALESCE(label, id), weight, estimate, "
                "interval, compare_level, coverage_basis, filter FROM indicators "
                "WHERE id = ? AND period = ?",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        memset(m, 0, sizeof *m);
        copy_text(m->id, sizeof m->id, sqlite3_column_text(q, 0));
        copy_text(m->period, sizeof m->period, sqlite3_column_text(q, 1));
        copy_text(m->title, sizeof m->title, sqlite3_column_text(q, 2));
        copy_text(m->unit, sizeof m->unit, sqlite3_column_text(q, 3));
        copy_text(m->polarity, sizeof m->polarity, sqlite3_column_text(q, 4));
        copy_text(m->family, sizeof m->family, sqlite3_column_text(q, 5));
        copy_text(m->geography, sizeof m->geography, sqlite3_column_text(q, 6));
        copy_text(m->publisher, sizeof m->publisher, sqlite3_column_text(q, 7));
        copy_text(m->source_file, sizeof m->source_file, sqlite3_column_text(q, 8));
        copy_text(m->licence, sizeof m->licence, sqlite3_column_text(q, 9));
        copy_text(m->aggregation, sizeof m->aggregation, sqlite3_column_text(q, 10));
        copy_text(m->notes, sizeof m->notes, sqlite3_column_text(q, 11));
        copy_text(m->label, sizeof m->label, sqlite3_column_text(q, 12));
        copy_text(m->weight, sizeof m->weight, sqlite3_column_text(q, 13));
        copy_text(m->estimate, sizeof m->estimate, sqlite3_column_text(q, 14));
        copy_text(m->interval, sizeof m->interval, sqlite3_column_text(q, 15));
        m->compare_level = column_double(q, 16);
        copy_text(m->coverage_basis, sizeof m->coverage_basis, sqlite3_column_text(q, 17));
        copy_text(m->filter, sizeof m->filter, sqlite3_column_text(q, 18));
        m->higher_is_worse = strcmp(m->polarity, "higher is worse") == 0    ? 1
                             : strcmp(m->polarity, "higher is better") == 0 ? 0
                                                                            : -1;
        release(s, q);
        return 0;
    }
    if (finish(s, q, rc, err) != 0) return -1;
    return 1;
}

/* The period to use: `period` if held, else the latest one. */
static int resolve_period(wm_store *s, const char *id, const char *period, char *out, size_t size, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                period ? "SELECT period FROM indicators WHERE id = ? AND period = ?"
                       : "SELECT period FROM indicators WHERE id = ? ORDER BY period DESC LIMIT 1",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (period) sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        copy_text(out, size, sqlite3_column_text(q, 0));
        release(s, q);
        return 0;
    }
    if (finish(s, q, rc, err) != 0) return -1;
    /* Say what there is instead. */
    char near[400] = "";
    size_t used = 0;
    if (prepare(s,
                period ? "SELECT period FROM indicators WHERE id = ?1 ORDER BY period"
                       : "SELECT DISTINCT id FROM indicators WHERE id LIKE substr(?1, 1, 4) || '%' ORDER BY seq "
                         "LIMIT 8",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && used + 70 < sizeof near)
        used += (size_t)snprintf(near + used, sizeof near - used, "%s%s", used ? ", " : "",
                                 (const char *)sqlite3_column_text(q, 0));
    if (finish(s, q, rc, err) != 0) return -1;
    if (period)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: indicator %s has no period %s%s%s%s", s->path, id, period,
                            used ? " (periods: " : "", used ? near : "", used ? ")" : "");
    return wm_error_set(err, WM_EXIT_USAGE, "%s: no indicator \"%s\"%s%s%s (see wardmap indicators)", s->path, id,
                        used ? " (did you mean: " : "", near, used ? ")" : "");
}

int wm_store_indicator(wm_store *s, const char *id, const char *period, wm_indicator_meta *meta, wm_error *err)
{
    char per[64];
    if (resolve_period(s, id, period, per, sizeof per, err) != 0) return -1;
    int rc = load_meta(s, id, per, meta, err);
    if (rc > 0) return wm_error_set(err, WM_EXIT_USAGE, "%s: no indicator %s for period %s", s->path, id, per);
    return rc;
}

int wm_store_match_geography(wm_store *s, const char *indicator_id, const char *geography, char *out, size_t size,
                             wm_error *err)
{
    out[0] = '\0';
    if (!geography || !*geography) return 0;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                indicator_id ? "SELECT DISTINCT geography FROM indicator_values WHERE indicator_id = ? ORDER BY "
                               "geography"
                             : "SELECT geography FROM geographies UNION SELECT DISTINCT geography FROM areas "
                               "ORDER BY 1",
                &q, err) != 0)
        return -1;
    if (indicator_id) sqlite3_bind_text(q, 1, indicator_id, -1, SQLITE_STATIC);
    size_t glen = strlen(geography);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(q, 0);
        if (!g) continue;
        if (strcmp(g, geography) == 0) {
            snprintf(out, size, "%s", g);
            break;
        }
        /* A bare type matches any vintage: "ward" -> "ward25"; the
         * latest (sorted last) wins. */
        if (strncmp(g, geography, glen) == 0 && g[glen] >= '0' && g[glen] <= '9') snprintf(out, size, "%s", g);
    }
    return finish(s, q, rc, err);
}

int wm_store_geographies_held(wm_store *s, const char *id, const char *period, char *buf, size_t size)
{
    sqlite3_stmt *q = NULL;
    buf[0] = '\0';
    size_t used = 0;
    wm_error ignore;
    if (prepare(s,
                "SELECT geography, count(*) FROM indicator_values WHERE indicator_id = ? AND period = ? "
                "GROUP BY geography ORDER BY geography",
                &q, &ignore) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && used + 40 < size)
        used += (size_t)snprintf(buf + used, size - used, "%s%s(%d)", used ? " " : "",
                                 (const char *)sqlite3_column_text(q, 0), sqlite3_column_int(q, 1));
    return finish(s, q, rc, &ignore);
}

int wm_store_boundary_layers(wm_store *s, wm_store_geography **out, size_t *n, wm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT geography, layer, code_field, name_field FROM geographies "
                "WHERE layer IS NOT NULL AND layer != '' ORDER BY geography",
                &q, err) != 0)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        wm_store_geography *more = realloc(*out, (*n + 1) * sizeof **out);
        if (!more) {
            release(s, q);
            free(*out);
            *out = NULL;
            *n = 0;
            return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", s->path);
        }
        *out = more;
        wm_store_geography *g = &(*out)[(*n)++];
        copy_text(g->geography, sizeof g->geography, sqlite3_column_text(q, 0));
        copy_text(g->layer, sizeof g->layer, sqlite3_column_text(q, 1));
        copy_text(g->code_field, sizeof g->code_field, sqlite3_column_text(q, 2));
        copy_text(g->name_field, sizeof g->name_field, sqlite3_column_text(q, 3));
    }
    if (finish(s, q, rc, err) != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

int wm_store_read_values(wm_store *s, const char *id, const char *period, const char *geography,
                         wm_store_value **values, size_t *n, wm_error *err)
{
    *values = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT v.area_code, a.name, v.value, v.numerator, v.denominator, v.n_areas, v.n_missing, v.status, "
                "v.method, v.coverage, v.estimate, v.lower95, v.upper95, v.lower998, v.upper998, v.ci_method, "
                "v.compare_authority, v.compare_england FROM indicator_values v LEFT JOIN areas a ON "
                "a.geography = v.geography AND a.code = v.area_code WHERE v.indicator_id = ? AND v.period = ? "
                "AND v.geography = ? ORDER BY v.area_code",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, geography, -1, SQLITE_STATIC);
    size_t cap = 64, k = 0;
    wm_store_value *v = malloc(cap * sizeof *v);
    int rc = SQLITE_NOMEM;
    while (v && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (k == cap) {
            wm_store_value *more = realloc(v, 2 * cap * sizeof *v);
            if (!more) { rc = SQLITE_NOMEM; break; }
            v = more;
            cap *= 2;
        }
        wm_store_value *x = &v[k++];
        memset(x, 0, sizeof *x);
        copy_text(x->area_code, sizeof x->area_code, sqlite3_column_text(q, 0));
        copy_text(x->area_name, sizeof x->area_name, sqlite3_column_text(q, 1));
        x->value = column_double(q, 2);
        x->numerator = column_double(q, 3);
        x->denominator = column_double(q, 4);
        x->n_areas = sqlite3_column_int(q, 5);
        x->n_missing = sqlite3_column_int(q, 6);
        copy_text(x->status, sizeof x->status, sqlite3_column_text(q, 7));
        copy_text(x->method, sizeof x->method, sqlite3_column_text(q, 8));
        x->coverage = column_double(q, 9);
        copy_text(x->estimate_note, sizeof x->estimate_note, sqlite3_column_text(q, 10));
        x->estimate = x->estimate_note[0] != '\0';
        x->lower95 = column_double(q, 11);
        x->upper95 = column_double(q, 12);
        x->lower998 = column_double(q, 13);
        x->upper998 = column_double(q, 14);
        copy_text(x->ci_method, sizeof x->ci_method, sqlite3_column_text(q, 15));
        copy_text(x->compare_authority, sizeof x->compare_authority, sqlite3_column_text(q, 16));
        copy_text(x->compare_england, sizeof x->compare_england, sqlite3_column_text(q, 17));
    }
    if (rc == SQLITE_NOMEM) {
        release(s, q);
        free(v);
        return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", s->path);
    }
    if (finish(s, q, rc, err) != 0) {
        free(v);
        return -1;
    }
    *values = v;
    *n = k;
    return 0;
}

/* The geography of `id` (period `per`) to read: `geography` resolved, or
 * its own when NULL. */
static int values_geography(wm_store *s, const char *id, const char *per, const char *geography,
                            const wm_indicator_meta *m, char *geo, size_t size, wm_error *err)
{
    if (!geography) {
        snprintf(geo, size, "%s", m->geography);
        return 0;
    }
    if (wm_store_match_geography(s, id, geography, geo, size, err) != 0) return -1;
    if (*geo) return 0;
    char held[200];
    wm_store_geographies_held(s, id, per, held, sizeof held);
    return wm_error_set(err, WM_EXIT_DATA, "%s: indicator %s has no values for geography %s (it has: %s)", s->path,
                        id, geography, held);
}

int wm_store_values(wm_store *s, const char *indicator_id, const char *period, const char *geography,
                    wm_store_value **values, size_t *n, wm_indicator_meta *meta, wm_error *err)
{
    *values = NULL;
    *n = 0;
    wm_indicator_meta m;
    char geo[32];
    if (wm_store_indicator(s, indicator_id, period, &m, err) != 0) return -1;
    if (values_geography(s, indicator_id, m.period, geography, &m, geo, sizeof geo, err) != 0) return -1;
    if (wm_store_read_values(s, indicator_id, m.period, geo, values, n, err) != 0) return -1;
    if (meta) {
        *meta = m;
        snprintf(meta->values_geography, sizeof meta->values_geography, "%s", geo);
        for (size_t i = 0; i < *n; i++)
            if (!isnan((*values)[i].value)) {
                snprintf(meta->method, sizeof meta->method, "%s", (*values)[i].method);
                break;
            }
    }
    return 0;
}

/* Index of `key` in values sorted by area code, or -1. */
static long find_value(const wm_store_value *v, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].area_code, key);
        if (c == 0) return (long)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* The geography whose codes match most of the layer's keys ("" when none
 * matches any). */
static int best_geography(wm_store *s, const char *id, const char *per, const wm_layer *layer, char *geo,
                          size_t size, wm_error *err)
{
    geo[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (prepare(s, "SELECT DISTINCT geography FROM indicator_values WHERE indicator_id = ? AND period = ?", &q,
                err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, per, -1, SQLITE_STATIC);
    size_t best = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(q, 0);
        wm_store_value *cand = NULL;
        size_t nc = 0, hits = 0;
        if (wm_store_read_values(s, id, per, g, &cand, &nc, err) != 0) {
            release(s, q);
            return -1;
        }
        for (size_t i = 0; i < layer->n; i++) hits += find_value(cand, nc, layer->features[i].key) >= 0;
        if (hits > best) {
            best = hits;
            snprintf(geo, size, "%s", g);
        }
        free(cand);
    }
    return finish(s, q, rc, err);
}

/* The values of an indicator for a layer's features, with (when
 * `details` is given) each feature's stored row. */
static double *layer_values(wm_store *s, const char *indicator_id, const char *period, const char *geography,
                            const wm_layer *layer, wm_indicator_meta *meta, wm_store_value *details, wm_error *err)
{
    wm_indicator_meta m;
    char geo[32] = "";
    if (wm_store_indicator(s, indicator_id, period, &m, err) != 0) return NULL;
    if (geography) {
        if (values_geography(s, indicator_id, m.period, geography, &m, geo, sizeof geo, err) != 0) return NULL;
    } else {
        if (best_geography(s, indicator_id, m.period, layer, geo, sizeof geo, err) != 0) return NULL;
        if (!*geo) {
            char held[200];
            wm_store_geographies_held(s, indicator_id, m.period, held, sizeof held);
            wm_error_set(err, WM_EXIT_DATA, "%s: no area of %s has a value of %s (it has values for: %s)", s->path,
                         layer->spec, indicator_id, held);
            return NULL;
        }
    }
    wm_store_value *v = NULL;
    size_t nv = 0;
    if (wm_store_read_values(s, indicator_id, m.period, geo, &v, &nv, err) != 0) return NULL;
    double *out = malloc((layer->n + 1) * sizeof *out);
    if (!out) {
        free(v);
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        return NULL;
    }
    size_t matched = 0, with_value = 0, suppressed = 0;
    const char *method = NULL;
    for (size_t i = 0; i < layer->n; i++) {
        out[i] = NAN;
        long k = find_value(v, nv, layer->features[i].key);
        if (details) {
            if (k >= 0) {
                details[i] = v[k];
            } else {
                memset(&details[i], 0, sizeof details[i]);
                copy_text(details[i].area_code, sizeof details[i].area_code,
                          (const unsigned char *)layer->features[i].key);
                details[i].value = details[i].numerator = details[i].denominator = details[i].coverage = NAN;
                details[i].lower95 = details[i].upper95 = details[i].lower998 = details[i].upper998 = NAN;
                snprintf(details[i].status, sizeof details[i].status, "no row");
            }
        }
        if (k < 0) continue;
        matched++;
        out[i] = v[k].value;
        if (!isnan(v[k].value)) {
            with_value++;
            if (!method) method = v[k].method;
        } else if (strcmp(v[k].status, "suppressed") == 0) {
            suppressed++;
        }
    }
    if (matched == 0) {
        wm_error_set(err, WM_EXIT_DATA, "%s: no area of %s (key %s) is among the %zu %s areas of %s", s->path,
                     layer->spec, layer->key_field, nv, geo, indicator_id);
        free(out);
        free(v);
        return NULL;
    }
    if (meta) {
        *meta = m;
        snprintf(meta->values_geography, sizeof meta->values_geography, "%s", geo);
        snprintf(meta->method, sizeof meta->method, "%s", method ? method : "");
        snprintf(meta->report, sizeof meta->report,
                 "store %s %s (%s): %zu/%zu areas have a value; %zu suppressed; %zu without a stored row; "
                 "%zu stored areas not in the layer",
                 indicator_id, m.period, geo, with_value, layer->n, suppressed, layer->n - matched, nv - matched);
    }
    free(v);
    return out;
}

double *wm_store_values_for_layer(wm_store *s, const char *indicator_id, const char *period, const char *geography,
                                  const wm_layer *layer, wm_indicator_meta *meta, wm_error *err)
{
    return layer_values(s, indicator_id, period, geography, layer, meta, NULL, err);
}

wm_store_value *wm_store_details_for_layer(wm_store *s, const char *indicator_id, const char *period,
                                           const char *geography, const wm_layer *layer, double **values,
                                           wm_indicator_meta *meta, wm_error *err)
{
    wm_store_value *details = calloc(layer->n ? layer->n : 1, sizeof *details);
    if (!details) {
        wm_error_set(err, WM_EXIT_IO, "out of memory");
        return NULL;
    }
    double *v = layer_values(s, indicator_id, period, geography, layer, meta, details, err);
    if (!v) {
        free(details);
        return NULL;
    }
    if (values) *values = v;
    else free(v);
    return details;
}

int wm_store_area_value(wm_store *s, const char *indicator_id, const char *period, const char *code,
                        double *value, char *name, size_t name_size, wm_error *err)
{
    wm_indicator_meta m;
    if (wm_store_indicator(s, indicator_id, period, &m, err) != 0) return -1;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT v.value, a.name FROM indicator_values v LEFT JOIN areas a ON a.geography = v.geography AND "
                "a.code = v.area_code WHERE v.indicator_id = ? AND v.period = ? AND v.area_code = ? "
                "ORDER BY v.geography LIMIT 1",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, indicator_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, m.period, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *value = column_double(q, 0);
        if (name) copy_text(name, name_size, sqlite3_column_text(q, 1));
        release(s, q);
        return 0;
    }
    if (finish(s, q, rc, err) != 0) return -1;
    return 1;
}

int wm_store_list_indicators(wm_store *s, const char *geography, int headline_only, wm_indicator_meta **list,
                             size_t *n, wm_error *err)
{
    *list = NULL;
    *n = 0;
    char geo[32] = "";
    if (geography && wm_store_match_geography(s, NULL, geography, geo, sizeof geo, err) != 0) return -1;
    if (geography && !*geo) snprintf(geo, sizeof geo, "%s", geography);   /* matches nothing: empty list */
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT id, period FROM indicators i WHERE (?1 = 0 OR headline = 1) AND "
                "(?2 IS NULL OR EXISTS (SELECT 1 FROM indicator_values v WHERE v.indicator_id = i.id AND "
                "v.period = i.period AND v.geography = ?2)) ORDER BY seq, period",
                &q, err) != 0)
        return -1;
    sqlite3_bind_int(q, 1, headline_only);
    if (geography) sqlite3_bind_text(q, 2, geo, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, 2);
    size_t cap = 32, k = 0;
    wm_indicator_meta *out = malloc(cap * sizeof *out);
    int rc = out ? SQLITE_OK : SQLITE_NOMEM;
    while (out && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        char id[64], per[32];
        copy_text(id, sizeof id, sqlite3_column_text(q, 0));
        copy_text(per, sizeof per, sqlite3_column_text(q, 1));
        if (k == cap) {
            wm_indicator_meta *more = realloc(out, 2 * cap * sizeof *out);
            if (!more) { rc = SQLITE_NOMEM; break; }
            out = more;
            cap *= 2;
        }
        if (load_meta(s, id, per, &out[k], err) != 0) {
            release(s, q);
            free(out);
            return -1;
        }
        snprintf(out[k].values_geography, sizeof out[k].values_geography, "%s", geography ? geo : "");
        k++;
    }
    if (rc == SQLITE_NOMEM) {
        release(s, q);
        free(out);
        return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", s->path);
    }
    if (finish(s, q, rc, err) != 0) {
        free(out);
        return -1;
    }
    *list = out;
    *n = k;
    return 0;
}

int wm_store_read_links(wm_store *s, const char *child_geography, const char *parent_geography,
                        wm_store_link **links, size_t *n, wm_error *err)
{
    *links = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT child_code, parent_code, method FROM area_links WHERE child_geography = ? AND "
                "parent_geography = ? ORDER BY child_code",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, child_geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, parent_geography, -1, SQLITE_STATIC);
    size_t cap = 0, k = 0;
    wm_store_link *out = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? 2 * cap : 256;
            wm_store_link *more = realloc(out, cap * sizeof *out);
            if (!more) {
                release(s, q);
                free(out);
                return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", s->path);
            }
            out = more;
        }
        copy_text(out[k].child, sizeof out[k].child, sqlite3_column_text(q, 0));
        copy_text(out[k].parent, sizeof out[k].parent, sqlite3_column_text(q, 1));
        copy_text(out[k].method, sizeof out[k].method, sqlite3_column_text(q, 2));
        k++;
    }
    if (finish(s, q, rc, err) != 0) {
        free(out);
        return -1;
    }
    *links = out;
    *n = k;
    return 0;
}

int wm_store_read_areas(wm_store *s, const char *geography, int with_parents, wm_store_area **areas, size_t *n,
                        wm_error *err)
{
    *areas = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (prepare(s,
                "SELECT code, name, g, local_name FROM (SELECT code, name, geography AS g, local_name, 0 AS k FROM "
                "areas WHERE geography = ?1 UNION ALL SELECT DISTINCT a.code, a.name, a.geography, a.local_name, 1 "
                "FROM area_links l JOIN areas a ON "
                "a.geography = l.parent_geography AND a.code = l.parent_code WHERE l.child_geography = ?1 AND ?2) "
                "ORDER BY k, code",
                &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, with_parents);
    size_t cap = 0, k = 0;
    wm_store_area *out = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? 2 * cap : 64;
            wm_store_area *more = realloc(out, cap * sizeof *out);
            if (!more) {
                release(s, q);
                free(out);
                return wm_error_set(err, WM_EXIT_IO, "%s: out of memory", s->path);
            }
            out = more;
        }
        copy_text(out[k].code, sizeof out[k].code, sqlite3_column_text(q, 0));
        copy_text(out[k].name, sizeof out[k].name, sqlite3_column_text(q, 1));
        copy_text(out[k].geography, sizeof out[k].geography, sqlite3_column_text(q, 2));
        copy_text(out[k].local_name, sizeof out[k].local_name, sqlite3_column_text(q, 3));
        k++;
    }
    if (finish(s, q, rc, err) != 0) {
        free(out);
        return -1;
    }
    *areas = out;
    *n = k;
    return 0;
}

/* ---- Where an area is ---- */

int wm_store_authority(wm_store *s, const char *geography, const char *code, wm_store_area *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    /* One statement each, kept for the life of the store: the importer
     * asks this of every value it compares. */
    if (!s->authority_up &&
        compile(s,
                "WITH RECURSIVE up(g, c, depth) AS (SELECT ?1, ?2, 0 UNION "
                "SELECT l.parent_geography, l.parent_code, up.depth + 1 FROM area_links l JOIN up ON "
                "l.child_geography = up.g AND l.child_code = up.c WHERE up.depth < 8) "
                "SELECT up.g, up.c, a.name FROM up LEFT JOIN areas a ON a.geography = up.g AND a.code = up.c "
                "WHERE up.g LIKE 'lad%' AND depth > 0 ORDER BY depth LIMIT 1",
                &s->authority_up, err) != 0)
        return -1;
    if (!s->authority_only &&
        compile(s, "SELECT geography, code, name FROM areas WHERE geography LIKE 'lad%' LIMIT 2", &s->authority_only,
                err) != 0)
        return -1;
    sqlite3_stmt *q = s->authority_up;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q), found = 0;
    for (int pass = 0; pass < 2 && !found; pass++) {
        if (pass == 1) {
            /* No link up: the store's only authority, if it has one. */
            sqlite3_reset(q);
            q = s->authority_only;
            rc = sqlite3_step(q);
            if (rc == SQLITE_ROW) {
                wm_store_area first;
                copy_text(first.geography, sizeof first.geography, sqlite3_column_text(q, 0));
                copy_text(first.code, sizeof first.code, sqlite3_column_text(q, 1));
                copy_text(first.name, sizeof first.name, sqlite3_column_text(q, 2));
                rc = sqlite3_step(q);
                if (rc == SQLITE_DONE) {
                    *out = first;
                    found = 1;
                } else if (rc == SQLITE_ROW) {
                    rc = SQLITE_DONE;   /* several: none is the one */
                }
            }
        } else if (rc == SQLITE_ROW) {
            copy_text(out->geography, sizeof out->geography, sqlite3_column_text(q, 0));
            copy_text(out->code, sizeof out->code, sqlite3_column_text(q, 1));
            copy_text(out->name, sizeof out->name, sqlite3_column_text(q, 2));
            found = 1;
        }
        if (!found && rc != SQLITE_DONE) {
            sqlite3_reset(q);
            return sql_fail(s, err, "cannot read the store");
        }
    }
    sqlite3_reset(q);
    return found ? 0 : 1;
}

int wm_store_local_name(wm_store *s, const char *geography, const char *code, char *out, size_t size, wm_error *err)
{
    if (size) out[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (prepare(s, "SELECT local_name FROM areas WHERE geography = ? AND code = ?", &q, err) != 0) return -1;
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) copy_text(out, size, sqlite3_column_text(q, 0));
    return finish(s, q, rc, err);
}

/* "Name (Authority)" of an area, for lists of candidates. */
static void described(wm_store *s, const char *geography, const wm_store_area *a, char *out, size_t size)
{
    wm_store_area lad;
    wm_error ignore;
    if (wm_store_authority(s, geography, a->code, &lad, &ignore) == 0 && lad.name[0])
        snprintf(out, size, "%.31s %.127s (%.127s)", a->code, a->name, lad.name);
    else
        snprintf(out, size, "%.31s %.127s", a->code, a->name);
}

int wm_store_find_area(wm_store *s, const char *geography, const char *text, wm_store_area *out, wm_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *q = NULL;
    if (prepare(s, "SELECT code, name, local_name FROM areas WHERE geography = ? ORDER BY code", &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, geography, -1, SQLITE_STATIC);
    char want[256], key[256];
    wm_name_key(text, want, sizeof want);
    /* The nearest names, by edit distance, for a miss. */
    enum { NEAR = 5 };
    wm_store_area near[NEAR], match[8];
    size_t near_d[NEAR], nnear = 0, nmatch = 0, nareas = 0;
    int rc, by_code = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && !by_code) {
        wm_store_area a;
        copy_text(a.code, sizeof a.code, sqlite3_column_text(q, 0));
        copy_text(a.name, sizeof a.name, sqlite3_column_text(q, 1));
        snprintf(a.geography, sizeof a.geography, "%s", geography);
        const unsigned char *local = sqlite3_column_text(q, 2);
        nareas++;
        if (strcasecmp(a.code, text) == 0) {
            *out = a;
            by_code = 1;
            break;
        }
        wm_name_key(a.name, key, sizeof key);
        int same = strcmp(key, want) == 0;
        size_t d = wm_edit_distance(key, want);
        if (local && *local) {
            wm_name_key((const char *)local, key, sizeof key);
            same |= strcmp(key, want) == 0;
            size_t dl = wm_edit_distance(key, want);
            if (dl < d) d = dl;
        }
        if (same) {
            if (nmatch < sizeof match / sizeof *match) match[nmatch] = a;
            nmatch++;
            continue;
        }
        size_t at = nnear;   /* sorted by distance, then code */
        while (at > 0 && near_d[at - 1] > d) at--;
        if (at < NEAR) {
            size_t kept = nnear < NEAR ? nnear : NEAR - 1;
            memmove(&near[at + 1], &near[at], (kept - at) * sizeof *near);
            memmove(&near_d[at + 1], &near_d[at], (kept - at) * sizeof *near_d);
            near[at] = a;
            near_d[at] = d;
            if (nnear < NEAR) nnear++;
        }
    }
    if (!by_code && finish(s, q, rc, err) != 0) return -1;
    if (by_code) {
        release(s, q);
        return 0;
    }
    if (nmatch == 1) {
        *out = match[0];
        return 0;
    }
    char list[700] = "";
    size_t used = 0;
    if (nmatch > 1) {
        for (size_t i = 0; i < nmatch && i < sizeof match / sizeof *match && used + 1 < sizeof list; i++) {
            char one[320];
            described(s, geography, &match[i], one, sizeof one);
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", one);
        }
        return wm_error_set(err, WM_EXIT_USAGE, "%s: %zu %s areas are called \"%s\": %s%s (give the code)", s->path,
                            nmatch, geography, text, list, nmatch > sizeof match / sizeof *match ? ", ..." : "");
    }
    for (size_t i = 0; i < nnear && used + 1 < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%s)", i ? ", " : "", near[i].name,
                                 near[i].code);
    if (nareas == 0)
        return wm_error_set(err, WM_EXIT_USAGE, "%s: the store has no %s areas", s->path, geography);
    return wm_error_set(err, WM_EXIT_USAGE, "%s: no %s area \"%s\" (nearest: %s)", s->path, geography, text, list);
}

wm_layer *wm_store_layer(wm_store *s, const char *geography, const wm_layer_options *opt, wm_error *err)
{
    wm_store_geography *geos = NULL;
    size_t n = 0;
    if (wm_store_boundary_layers(s, &geos, &n, err) != 0) return NULL;
    size_t i = 0;
    while (i < n && strcmp(geos[i].geography, geography) != 0) i++;
    wm_layer *L = NULL;
    if (i == n || !geos[i].layer[0]) {
        wm_error_set(err, WM_EXIT_DATA, "%s: the store has no boundary layer of %s (import one with an [areas %s] "
                     "section; docs/store.md)", s->path, geography, geography);
    } else {
        char path[PATH_MAX];
        wm_home_path(geos[i].layer, path, sizeof path);
        wm_layer_options o = { 0 };
        if (opt) o = *opt;
        if (!o.key_field && geos[i].code_field[0]) o.key_field = geos[i].code_field;
        if (!o.name_field && geos[i].name_field[0]) o.name_field = geos[i].name_field;
        L = wm_layer_open(path, &o, err);
    }
    free(geos);
    return L;
}

void wm_coverage_words(const char *basis, char *out, size_t size)
{
    const char *colon = strstr(basis, ": ");
    const char *w = colon ? colon + 2 : basis;
    size_t o = 0;
    for (; *w && o + 1 < size; w++) {
        if (*w == '"') continue;
        out[o] = o == 0 ? (char)tolower((unsigned char)*w) : *w;
        o++;
    }
    out[o] = '\0';
    char *paren = strstr(out, " (");
    if (paren) *paren = '\0';
}

/* A geography as readers name it: "msoa11" -> "MSOAs", "lsoa21" -> "LSOAs". */
static void geography_words(const char *g, char *out, size_t size)
{
    size_t n = strcspn(g, "0123456789");
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < size; i++) out[o++] = (char)toupper((unsigned char)g[i]);
    if (o + 1 < size) out[o++] = 's';
    out[o] = '\0';
}

void wm_estimate_words(const char *note, char *out, size_t size)
{
    char geo[32];
    const char *p;
    if (strstr(note, "modelled")) snprintf(out, size, "modelled by the publisher");
    else if ((p = strstr(note, "apportioned from "))) {
        geography_words(p + strlen("apportioned from "), geo, sizeof geo);
        snprintf(out, size, "shared out from %s by population", geo);
    } else if ((p = strstr(note, "estimated from "))) {
        geography_words(p + strlen("estimated from "), geo, sizeof geo);
        geo[strlen(geo) - 1] = '\0';
        snprintf(out, size, "estimated from %s figures", geo);
    } else {
        snprintf(out, size, "%s", note);
    }
}

int wm_unit_decimals(const char *unit)
{
    if (strcmp(unit, "%") == 0 || strcmp(unit, "rate per 100") == 0) return 1;
    if (strcmp(unit, "score") == 0) return 2;
    return 0;
}

int wm_store_parent_geographies(wm_store *s, const char *child_geography, char out[][32], int max, wm_error *err)
{
    sqlite3_stmt *q = NULL;
    if (prepare(s, "SELECT DISTINCT parent_geography FROM area_links WHERE child_geography = ? ORDER BY 1", &q, err) != 0)
        return -1;
    sqlite3_bind_text(q, 1, child_geography, -1, SQLITE_STATIC);
    int n = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (n < max) copy_text(out[n++], 32, sqlite3_column_text(q, 0));
    if (finish(s, q, rc, err) != 0) return -1;
    return n;
}

int wm_store_geography_layer(wm_store *s, const char *geography, const char *indicator_id, wm_store_geography *out,
                             wm_error *err)
{
    char g[32];
    if (wm_store_match_geography(s, indicator_id, geography, g, sizeof g, err) != 0) return -1;
    if (!g[0] && indicator_id && wm_store_match_geography(s, NULL, geography, g, sizeof g, err) != 0) return -1;
    if (!g[0])
        return wm_error_set(err, WM_EXIT_USAGE, "%s: the store holds no geography \"%s\"", s->path, geography);
    wm_store_geography *geos = NULL;
    size_t n = 0;
    if (wm_store_boundary_layers(s, &geos, &n, err) != 0) return -1;
    size_t i = 0;
    while (i < n && strcmp(geos[i].geography, g) != 0) i++;
    int rc = 0;
    if (i == n) {
        rc = wm_error_set(err, WM_EXIT_USAGE, "%s: the store has no boundary layer of %s (give --layer FILE, or "
                          "import one: docs/store.md)", s->path, g);
    } else {
        *out = geos[i];
        wm_home_path(geos[i].layer, out->layer, sizeof out->layer);
    }
    free(geos);
    return rc;
}
